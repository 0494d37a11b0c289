//! Database outages on PostgreSQL: the test cluster of `scripts/test-postgres.sh` is restarted
//! and stopped under load, so this is its own test binary (cargo runs binaries one at a time;
//! nothing else uses the cluster meanwhile).
//!
//! What must hold: no 500 at all; readiness answers within 2 s whatever the database does; a
//! request that cannot reach the database answers 503 `retry_later` with `Retry-After` within
//! the pool's wait; the server recovers by itself; every write acknowledged is stored, once.

use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use canglong_openapi::AdjustmentRequest;
use canglong_tests::{Db, postgres_url, spawn_with};
use reqwest::{Method, StatusCode};
use uuid::Uuid;

/// `pg_ctl` on the test cluster (as the `postgres` user when we are root, as the script does).
fn pg_ctl(args: &[&str]) {
    let host = std::env::var("PGHOST").expect("PGHOST from scripts/test-postgres.sh");
    let port = std::env::var("PGPORT").expect("PGPORT");
    let bindir = std::fs::read_dir("/usr/lib/postgresql")
        .expect("PostgreSQL binaries")
        .filter_map(|e| e.ok())
        .map(|e| e.path().join("bin"))
        .find(|p| p.join("pg_ctl").exists())
        .expect("pg_ctl");
    let data = format!("{host}/data");
    let opts = format!(
        "-c listen_addresses='' -c unix_socket_directories='{host}' -p {port} \
         -c max_connections=400 -c fsync=off"
    );
    let pg_ctl = bindir.join("pg_ctl");
    let mut cmd = if nix_root() {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(&pg_ctl);
        c
    } else {
        Command::new(&pg_ctl)
    };
    let out = cmd
        .args([
            "-D",
            &data,
            "-l",
            &format!("{host}/server.log"),
            "-w",
            "-t",
            "60",
        ])
        .args(["-o", &opts])
        .args(args)
        .output()
        .expect("pg_ctl runs");
    assert!(out.status.success(), "pg_ctl {args:?}: {out:?}");
}

fn nix_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

#[derive(Default)]
struct Tally {
    ok: AtomicUsize,
    retry_later: AtomicUsize,
    server_errors: AtomicUsize,
    other: AtomicUsize,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_server_rides_out_a_database_restart_and_an_outage() {
    if postgres_url().is_none() {
        return;
    }
    let app = spawn_with(Db::Postgres, |s| s.pool_wait_secs = 2);
    let admin = app.staff("community_admin").await;
    let resident = app.resident("outage").await;
    let user = resident.me().await.unwrap().id;
    let account = admin.balance(Some(user)).await.unwrap().account_id;

    let stop = Arc::new(AtomicBool::new(false));
    let writes = Arc::new(Tally::default());
    let reads = Arc::new(Tally::default());
    let acknowledged = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    // Writers: one point each, retried with the same Idempotency-Key until acknowledged, as
    // the mini-program does.
    for _ in 0..6 {
        let (admin, stop, writes, acknowledged) = (
            admin.clone(),
            stop.clone(),
            writes.clone(),
            acknowledged.clone(),
        );
        tasks.push(tokio::spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                let key = Uuid::new_v4().to_string();
                let body = AdjustmentRequest {
                    account_id: account,
                    amount: 1,
                    reason: "停库演练".into(),
                };
                for attempt in 0.. {
                    let r = admin.adjust_points(&body, Some(&key)).await;
                    match r {
                        Ok(_) => {
                            writes.ok.fetch_add(1, Ordering::Relaxed);
                            acknowledged.fetch_add(1, Ordering::Relaxed);
                            break;
                        }
                        Err(e) if e.status == StatusCode::SERVICE_UNAVAILABLE => {
                            writes.retry_later.fetch_add(1, Ordering::Relaxed);
                            if e.code() != "client_unreachable" {
                                assert_eq!(e.code(), "retry_later");
                                assert!(e.headers.get("retry-after").is_some());
                            }
                            assert!(attempt < 200, "never recovered");
                            tokio::time::sleep(Duration::from_millis(100)).await;
                        }
                        Err(e) if e.status.is_server_error() => {
                            eprintln!("server error: {e:?}");
                            writes.server_errors.fetch_add(1, Ordering::Relaxed);
                            break;
                        }
                        Err(e) => {
                            eprintln!("unexpected: {e:?}");
                            writes.other.fetch_add(1, Ordering::Relaxed);
                            break;
                        }
                    }
                }
            }
        }));
    }
    for _ in 0..2 {
        let (resident, stop, reads) = (resident.clone(), stop.clone(), reads.clone());
        tasks.push(tokio::spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                match resident.list_needs(&Default::default()).await {
                    Ok(_) => reads.ok.fetch_add(1, Ordering::Relaxed),
                    Err(e) if e.status == StatusCode::SERVICE_UNAVAILABLE => {
                        reads.retry_later.fetch_add(1, Ordering::Relaxed)
                    }
                    Err(e) if e.status.is_server_error() => {
                        eprintln!("server error: {e:?}");
                        reads.server_errors.fetch_add(1, Ordering::Relaxed)
                    }
                    Err(_) => reads.other.fetch_add(1, Ordering::Relaxed),
                };
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        }));
    }

    // Under load: a restart (every pooled connection dies with it).
    tokio::time::sleep(Duration::from_secs(2)).await;
    let before_restart = writes.ok.load(Ordering::Relaxed);
    tokio::task::spawn_blocking(|| pg_ctl(&["restart", "-m", "fast"]))
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_secs(3)).await;
    let after_restart = writes.ok.load(Ordering::Relaxed);
    assert!(
        after_restart > before_restart,
        "writes resumed after the restart"
    );

    // A real outage: readiness says no within 2 s, a write says retry within the pool's wait.
    tokio::task::spawn_blocking(|| pg_ctl(&["stop", "-m", "fast"]))
        .await
        .unwrap();
    let anon = app.anonymous();
    let t = Instant::now();
    let r = anon.request(Method::GET, "/readyz").send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(
        t.elapsed() < Duration::from_millis(2500),
        "readyz took {:?}",
        t.elapsed()
    );
    let t = Instant::now();
    let e = admin
        .adjust_points(
            &AdjustmentRequest {
                account_id: account,
                amount: 1,
                reason: "停库时".into(),
            },
            Some("written-while-down"),
        )
        .await
        .unwrap_err();
    assert_eq!(
        (e.status, e.code()),
        (StatusCode::SERVICE_UNAVAILABLE, "retry_later")
    );
    assert!(
        t.elapsed() < Duration::from_secs(8),
        "a write took {:?} to fail",
        t.elapsed()
    );
    tokio::time::sleep(Duration::from_secs(1)).await;
    tokio::task::spawn_blocking(|| pg_ctl(&["start"]))
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_secs(3)).await;
    stop.store(true, Ordering::Relaxed);
    for t in tasks {
        t.await.unwrap();
    }

    // Recovered without a restart of the server.
    let r = anon.request(Method::GET, "/readyz").send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let (w, rd) = (&writes, &reads);
    eprintln!(
        "writes: ok {} retry {} 5xx {} other {}; reads: ok {} retry {} 5xx {} other {}",
        w.ok.load(Ordering::Relaxed),
        w.retry_later.load(Ordering::Relaxed),
        w.server_errors.load(Ordering::Relaxed),
        w.other.load(Ordering::Relaxed),
        rd.ok.load(Ordering::Relaxed),
        rd.retry_later.load(Ordering::Relaxed),
        rd.server_errors.load(Ordering::Relaxed),
        rd.other.load(Ordering::Relaxed),
    );
    assert_eq!(
        w.server_errors.load(Ordering::Relaxed),
        0,
        "no 500s on writes"
    );
    assert_eq!(
        rd.server_errors.load(Ordering::Relaxed),
        0,
        "no 500s on reads"
    );
    assert_eq!(
        w.other.load(Ordering::Relaxed) + rd.other.load(Ordering::Relaxed),
        0
    );
    assert!(
        w.retry_later.load(Ordering::Relaxed) > 0,
        "the outage was felt"
    );

    // Every acknowledged write is stored exactly once: one point each, no more, no less.
    let balance = admin.balance(Some(user)).await.unwrap().balance;
    assert_eq!(balance, acknowledged.load(Ordering::Relaxed) as i64);
    let rec = admin.reconciliation().await.unwrap();
    assert!(
        rec.mismatches.is_empty() && rec.unbalanced_transactions.is_empty(),
        "{rec:?}"
    );
}
