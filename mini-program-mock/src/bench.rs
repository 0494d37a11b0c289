//! Load generators that print figures: the ledger benchmark (credits through the HTTP API).

use std::time::{Duration, Instant};

use canglong_openapi::{AdjustmentRequest, VolunteerQuery};
use uuid::Uuid;

use crate::Client;

/// What one run measured.
#[derive(Debug, Clone)]
pub struct Report {
    pub clients: usize,
    pub ok: usize,
    pub failed: usize,
    pub seconds: f64,
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub p99_ms: f64,
}

impl Report {
    pub fn per_second(&self) -> f64 {
        self.ok as f64 / self.seconds
    }
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// Signs in as a community admin and finds the account to credit: the first volunteer's.
pub async fn ledger_target(
    base: &str,
    username: &str,
    password: &str,
) -> Result<(Client, Uuid), String> {
    let anon = Client::new(base);
    let t = anon
        .sign_in_password(username, password)
        .await
        .map_err(|e| e.to_string())?;
    let admin = anon.with_token(&t.access_token);
    let volunteers = admin
        .list_volunteers(&VolunteerQuery::default())
        .await
        .map_err(|e| e.to_string())?;
    let user = volunteers
        .items
        .first()
        .ok_or("the community has no volunteer to credit")?
        .user_id;
    let account = admin
        .balance(Some(user))
        .await
        .map_err(|e| e.to_string())?
        .account_id;
    Ok((admin, account))
}

/// `clients` concurrent loops, each crediting 1 point with a fresh Idempotency-Key, for
/// `duration`. Each credit is one ledger transaction: two locked accounts, two postings, a lot,
/// the stored idempotent response.
pub async fn credits(admin: &Client, account: Uuid, clients: usize, duration: Duration) -> Report {
    let started = Instant::now();
    let deadline = started + duration;
    let mut tasks = vec![];
    for _ in 0..clients {
        let admin = admin.clone();
        tasks.push(tokio::spawn(async move {
            let mut latencies = vec![];
            let mut failed = 0usize;
            let body = AdjustmentRequest {
                account_id: account,
                amount: 1,
                reason: "bench".into(),
            };
            while Instant::now() < deadline {
                let key = Uuid::new_v4().to_string();
                let t = Instant::now();
                match admin.adjust_points(&body, Some(&key)).await {
                    Ok(_) => latencies.push(t.elapsed().as_secs_f64() * 1000.0),
                    Err(_) => failed += 1,
                }
            }
            (latencies, failed)
        }));
    }
    let mut all = vec![];
    let mut failed = 0;
    for t in tasks {
        if let Ok((l, f)) = t.await {
            all.extend(l);
            failed += f;
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    all.sort_by(|a, b| a.total_cmp(b));
    Report {
        clients,
        ok: all.len(),
        failed,
        seconds,
        p50_ms: percentile(&all, 0.50),
        p95_ms: percentile(&all, 0.95),
        p99_ms: percentile(&all, 0.99),
    }
}
