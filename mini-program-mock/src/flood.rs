//! A wrong-password flood against `POST /auth/login` while a few residents keep reading
//! `GET /needs`: what the flood costs everyone else (their p50/p95 beside the same reads with no
//! flood, measured in the same run) and the server's resident memory (sampled from /proc).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use reqwest::{Method, StatusCode};
use uuid::Uuid;

use crate::Client;

/// The reads' latency, sorted, in milliseconds.
async fn probe(reader: Client, stop: Arc<AtomicBool>) -> Vec<f64> {
    let mut ms = Vec::new();
    while !stop.load(Ordering::Relaxed) {
        let t = Instant::now();
        let ok = reader
            .request(Method::GET, "/api/v1/needs?limit=20")
            .send()
            .await
            .is_ok_and(|r| r.status().is_success());
        if ok {
            ms.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    ms
}

fn pct(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted[(((sorted.len() - 1) as f64) * p).round() as usize]
}

/// Resident and peak resident memory of `pid`, MB (Linux).
fn rss_mb(pid: u32) -> (f64, f64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.split_whitespace().next()?.parse::<f64>().ok())
            .map_or(f64::NAN, |kb| kb / 1024.0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

async fn reads(base: &str, token: &str, readers: usize, secs: u64) -> Vec<f64> {
    let stop = Arc::new(AtomicBool::new(false));
    let tasks: Vec<_> = (0..readers)
        .map(|_| tokio::spawn(probe(Client::new(base).with_token(token), stop.clone())))
        .collect();
    tokio::time::sleep(Duration::from_secs(secs)).await;
    stop.store(true, Ordering::Relaxed);
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.unwrap_or_default());
    }
    all.sort_by(f64::total_cmp);
    all
}

/// Runs the reads alone, then under a `flood`-way flood of wrong passwords (`known_percent` of
/// the attackers at the real `username`, the rest at made-up ones), and prints both with the
/// server's memory.
/// What to flood and how.
pub struct Config {
    pub base: String,
    /// A staff account that reads meanwhile.
    pub reader: String,
    /// The real account half the flood guesses at.
    pub username: String,
    pub password: String,
    /// Concurrent wrong-password sign-ins.
    pub flood: usize,
    pub secs: u64,
    /// The server's process, to sample its memory.
    pub server_pid: Option<u32>,
    /// The share of attackers at the real account, percent.
    pub known_percent: usize,
}

pub async fn run(config: &Config) -> Result<(), String> {
    let Config {
        base,
        reader,
        username,
        password,
        flood,
        secs,
        server_pid,
        known_percent,
    } = config;
    let (base, username, flood, secs, server_pid, known_percent) = (
        base.as_str(),
        username.as_str(),
        *flood,
        *secs,
        *server_pid,
        *known_percent,
    );
    // Read as JSON, not the typed answer: the same tool measures earlier builds too.
    let signed: serde_json::Value = Client::new(base)
        .request(Method::POST, "/api/v1/auth/login")
        .json(&serde_json::json!({"username": reader, "password": password}))
        .send()
        .await
        .map_err(|e| format!("sign-in: {e}"))?
        .json()
        .await
        .map_err(|e| format!("sign-in: {e}"))?;
    let token = signed["access_token"]
        .as_str()
        .ok_or_else(|| format!("sign-in refused: {signed}"))?
        .to_string();
    let readers = 4;
    let rss = || server_pid.map(rss_mb);
    let idle = rss();
    let quiet = reads(base, &token, readers, secs).await;

    let stop = Arc::new(AtomicBool::new(false));
    let attackers: Vec<_> = (0..flood)
        .map(|i| {
            let (stop, c, known) = (stop.clone(), Client::new(base), username.to_string());
            tokio::spawn(async move {
                let mut by_status = std::collections::BTreeMap::<u16, usize>::new();
                while !stop.load(Ordering::Relaxed) {
                    let name = if i % 100 < known_percent {
                        known.clone()
                    } else {
                        format!("nobody-{}", Uuid::new_v4().simple())
                    };
                    let r = c
                        .request(Method::POST, "/api/v1/auth/login")
                        .json(&serde_json::json!({"username": name, "password": "wrong-guess"}))
                        .send()
                        .await;
                    let s = r.map_or(StatusCode::SERVICE_UNAVAILABLE, |r| r.status());
                    *by_status.entry(s.as_u16()).or_default() += 1;
                }
                by_status
            })
        })
        .collect();
    let peak = Arc::new(std::sync::Mutex::new(0f64));
    let sampler = {
        let (peak, stop) = (peak.clone(), stop.clone());
        tokio::spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                if let Some((now, _)) = server_pid.map(rss_mb)
                    && let Ok(mut p) = peak.lock()
                {
                    *p = p.max(now);
                }
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        })
    };
    tokio::time::sleep(Duration::from_secs(1)).await;
    let loud = reads(base, &token, readers, secs).await;
    stop.store(true, Ordering::Relaxed);
    let mut statuses = std::collections::BTreeMap::<u16, usize>::new();
    for a in attackers {
        for (s, n) in a.await.unwrap_or_default() {
            *statuses.entry(s).or_default() += n;
        }
    }
    let _ = sampler.await;
    let after = rss();

    println!("GET /needs as staff, {readers} readers, {secs} s each:");
    println!(
        "  {:<28} {:>8} {:>8} {:>8}",
        "", "reads", "p50_ms", "p95_ms"
    );
    println!(
        "  {:<28} {:>8} {:>8.2} {:>8.2}",
        "anchor: no flood",
        quiet.len(),
        pct(&quiet, 0.5),
        pct(&quiet, 0.95)
    );
    println!(
        "  {:<28} {:>8} {:>8.2} {:>8.2}",
        format!("{flood}-way wrong-password flood"),
        loud.len(),
        pct(&loud, 0.5),
        pct(&loud, 0.95)
    );
    let total: usize = statuses.values().sum();
    println!(
        "sign-in attempts: {total} ({:.0}/s) by status {statuses:?}",
        total as f64 / (secs as f64 + 1.0)
    );
    if let (Some((idle_now, _)), Some((after_now, hwm))) = (idle, after) {
        let flood_peak = peak.lock().map_or(f64::NAN, |p| *p);
        println!(
            "server RSS: idle {idle_now:.0} MB, peak during the flood {flood_peak:.0} MB (high-water mark {hwm:.0} MB), after {after_now:.0} MB"
        );
    }
    Ok(())
}
