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

/// Sets up redemptions: a community offer (1 point, stock and limit far beyond the run), and the
/// demo residents signed in and funded. Returns their clients and the offer.
pub async fn redeem_target(
    base: &str,
    admin: &Client,
    password: &str,
) -> Result<(Vec<Client>, Uuid), String> {
    let anon = Client::new(base);
    let offer = admin
        .create_offer(&canglong_openapi::NewOffer {
            provider: Some("community".into()),
            kind: canglong_openapi::OfferKind::Coupon,
            title: "bench".into(),
            description: String::new(),
            points_cost: 1,
            stock: 1_000_000,
            per_user_limit: 1_000_000,
            valid_from: chrono::Utc::now() - chrono::Duration::hours(1),
            valid_to: chrono::Utc::now() + chrono::Duration::days(1),
            voucher_valid_days: 1,
            session_id: None,
        })
        .await
        .map_err(|e| e.to_string())?;
    admin
        .review_offer(offer.id, true, None)
        .await
        .map_err(|e| e.to_string())?;
    let mut residents = vec![];
    for name in ["wang_ayi", "liu_nvshi", "xiaowu", "teacher_zhang"] {
        let t = anon
            .sign_in_password(name, password)
            .await
            .map_err(|e| e.to_string())?;
        let account = admin
            .balance(Some(t.user.id))
            .await
            .map_err(|e| e.to_string())?
            .account_id;
        let body = AdjustmentRequest {
            account_id: account,
            amount: 1_000_000,
            reason: "bench".into(),
        };
        admin
            .adjust_points(&body, Some(&Uuid::new_v4().to_string()))
            .await
            .map_err(|e| e.to_string())?;
        residents.push(anon.with_token(&t.access_token));
    }
    Ok((residents, offer.id))
}

/// What each benchmark client does once.
#[derive(Clone)]
pub enum Op {
    /// +1 point to `account` as the admin.
    Credit { admin: Client, account: Uuid },
    /// One redemption of `offer` by one of `residents` (round robin by client).
    Redeem { residents: Vec<Client>, offer: Uuid },
}

/// `clients` concurrent loops, each crediting 1 point with a fresh Idempotency-Key, for
/// `duration`. Each credit is one ledger transaction: two locked accounts, two postings, a lot,
/// the stored idempotent response.
pub async fn run(op: &Op, clients: usize, duration: Duration) -> Report {
    let started = Instant::now();
    let deadline = started + duration;
    let mut tasks = vec![];
    for i in 0..clients {
        let op = op.clone();
        tasks.push(tokio::spawn(async move {
            let mut latencies = vec![];
            let mut failed = 0usize;
            while Instant::now() < deadline {
                let key = Uuid::new_v4().to_string();
                let t = Instant::now();
                let ok = match &op {
                    Op::Credit { admin, account } => {
                        let body = AdjustmentRequest {
                            account_id: *account,
                            amount: 1,
                            reason: "bench".into(),
                        };
                        admin.adjust_points(&body, Some(&key)).await.is_ok()
                    }
                    Op::Redeem { residents, offer } => residents[i % residents.len()]
                        .redeem_offer(*offer, Some(&key))
                        .await
                        .is_ok(),
                };
                if ok {
                    latencies.push(t.elapsed().as_secs_f64() * 1000.0);
                } else {
                    failed += 1;
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
