//! Beyond one process: two servers on one database keep every exactly-once of the value chain
//! (claims, redemptions, idempotent replays, the outbox, the periodic pass, a revoked role), and
//! the review meetings' reads go to the read replica or, when it is down, to the primary.
//! The real streaming standby is exercised by `scripts/replicas.sh`.

use std::time::Duration;

use canglong_api::jobs::sweep;
use canglong_api::outbox::deliver;
use canglong_needs::Timing;
use canglong_openapi::{CompletionRequest, NeedAction, NeedStatus};
use canglong_persistence::schema::needs;
use canglong_tests::{Db, active_offer, both, fund, need, spawn_with};
use diesel::prelude::*;
use futures_util::future::join_all;
use reqwest::{Method, StatusCode};

both!(
    two_processes_one_truth,
    analytics_read_the_replica_or_the_primary
);

async fn two_processes_one_truth(db: Db) {
    let app = spawn_with(db, |s| {
        s.wechat.wechat_templates = "need_claimed=TPL-CLAIM,need_completed=TPL-DONE".into();
        s.wechat.outbox_backoff_secs = 0;
        s.bearer_cache_ms = 300;
    });
    let other = app.another_process();
    let admin = app.staff("community_admin").await;
    let grandma = app.resident("mp-grandma").await;
    grandma
        .subscribe(&["need_claimed", "need_completed"])
        .await
        .unwrap();
    let mut riders = vec![];
    for i in 0..12 {
        let r = app
            .volunteer_approved_by(&format!("mp-rider{i}"), &admin)
            .await;
        // Half of them reach the other process, as a front spreading its clients would.
        riders.push(if i % 2 == 0 { r } else { r.on(&other.base) });
    }

    // The last slot: one claim wins, whichever process each arrived at.
    let n = grandma.create_need(&need(1)).await.unwrap();
    app.posted_earlier(n.id);
    let results = join_all(riders.iter().map(|r| r.claim_need(n.id, None))).await;
    let won: Vec<usize> = (0..results.len()).filter(|i| results[*i].is_ok()).collect();
    assert_eq!(won.len(), 1, "{results:?}");
    assert!(
        results
            .iter()
            .filter_map(|r| r.as_ref().err())
            .all(|e| e.status == StatusCode::CONFLICT && e.code() == "need_full")
    );

    // A completion retried on the other process replays the first answer.
    let rider = &riders[won[0]];
    let done = CompletionRequest {
        started_at: None,
        minutes: 20,
        note: String::new(),
    };
    let first = rider
        .complete_need(n.id, &done, Some("mp-done"))
        .await
        .unwrap();
    let elsewhere = if rider.base() == other.base {
        app.base.clone()
    } else {
        other.base.clone()
    };
    let replay = rider
        .on(&elsewhere)
        .request(Method::POST, &format!("/api/v1/needs/{}/completion", n.id))
        .header("Idempotency-Key", "mp-done")
        .json(&done)
        .send()
        .await
        .unwrap();
    assert_eq!(replay.status(), StatusCode::CREATED);
    assert_eq!(replay.headers()["idempotent-replayed"], "true");
    let replayed: serde_json::Value = replay.json().await.unwrap();
    assert_eq!(
        replayed["service_record"]["id"],
        first.service_record.id.to_string()
    );

    // Redemptions: a replay on the other process gives the same voucher and spends once; ten
    // at once over both processes take exactly the stock that is left.
    fund(&admin, &grandma, 1_000).await;
    let offer = active_offer(&admin, &admin, Some("community".into()), 10, 5, 5).await;
    let v = grandma.redeem_offer(offer, Some("mp-r-1")).await.unwrap();
    let again = grandma
        .on(&other.base)
        .redeem_offer(offer, Some("mp-r-1"))
        .await
        .unwrap();
    assert_eq!(v.id, again.id);
    let rush = join_all((0..10).map(|i| {
        let c = if i % 2 == 0 {
            grandma.clone()
        } else {
            grandma.on(&other.base)
        };
        async move { c.redeem_offer(offer, Some(&format!("mp-rush-{i}"))).await }
    }))
    .await;
    assert_eq!(rush.iter().filter(|r| r.is_ok()).count(), 4, "{rush:?}");
    assert_eq!(
        grandma.balance(None).await.unwrap().balance,
        1_000 - 5 * 10,
        "five vouchers, each paid once"
    );

    // The outbox, delivered by both processes at once, pass after pass: each message once.
    let (mut pa, mut pb) = ((*app.state().outbox).clone(), (*other.state.outbox).clone());
    pa.lease_secs = 30;
    pb.lease_secs = 30;
    let (sa, sb) = (app.state(), &other.state);
    for _ in 0..3 {
        let (a, b) = tokio::join!(
            deliver(&sa.pool, &sa.wechat, &pa),
            deliver(&sb.pool, &sb.wechat, &pb)
        );
        a.unwrap();
        b.unwrap();
    }
    let sent = app.wechat.messages();
    assert_eq!(
        sent.len(),
        2,
        "claimed and completed, each sent once: {sent:?}"
    );

    // The periodic pass in both processes at once: a lapsed need expires once.
    let lapsed = grandma.create_need(&need(1)).await.unwrap();
    diesel::update(needs::table.find(canglong_persistence::Id(lapsed.id)))
        .set(needs::window_end.eq(canglong_core::now() - chrono::Duration::minutes(1)))
        .execute(&mut *app.pool.get().unwrap())
        .unwrap();
    let timing = Timing {
        auto_confirm_after: chrono::Duration::hours(72),
        escalate_after: chrono::Duration::hours(2),
    };
    let (pa, pb) = (app.pool.clone(), other.state.pool.clone());
    let (t1, t2) = (timing, timing);
    let passes = join_all([
        tokio::task::spawn_blocking(move || sweep(&pa, &t1).unwrap().expired),
        tokio::task::spawn_blocking(move || sweep(&pb, &t2).unwrap().expired),
    ])
    .await;
    let expired: usize = passes.into_iter().map(|r| r.unwrap()).sum();
    assert_eq!(expired, 1, "one pass expired it, the other found it done");
    let detail = grandma.get_need(lapsed.id).await.unwrap();
    assert_eq!(detail.need.status, NeedStatus::Expired);
    assert_eq!(
        detail
            .history
            .iter()
            .filter(|h| h.action == NeedAction::Expired)
            .count(),
        1
    );

    // Signing out everywhere through one process ends the access token at the other within
    // the bearer cache's bound.
    let worker = app.staff("social_worker").await;
    let worker_there = worker.on(&other.base);
    let records = Default::default();
    assert!(worker_there.list_service_records(&records).await.is_ok());
    let out = worker
        .request(Method::POST, "/api/v1/auth/logout")
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), StatusCode::NO_CONTENT);
    tokio::time::sleep(Duration::from_millis(400)).await;
    let e = worker_there
        .list_service_records(&records)
        .await
        .unwrap_err();
    assert_eq!(e.status, StatusCode::UNAUTHORIZED);
}

fn metric(text: &str, name: &str) -> f64 {
    text.lines()
        .find(|l| l.starts_with(name))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("{name} not in the metrics"))
}

async fn analytics_read_the_replica_or_the_primary(db: Db) {
    // A "replica" that is the same database: not in recovery, so 0 behind, and the figures
    // must be the primary's to the unit.
    let app = spawn_with(db, |s| {
        s.read_database_url = Some(s.database.database_url.clone());
    });
    let down = spawn_with(db, |s| {
        s.read_database_url = Some(match db {
            Db::Postgres => "postgres://nobody@127.0.0.1:9/none?connect_timeout=1".into(),
            Db::Sqlite => "sqlite:///nonexistent-dir/replica.db".into(),
        });
    });
    for (server, source) in [(&app, "replica"), (&down, "primary")] {
        let admin = server.staff("community_admin").await;
        let grandma = server.resident("rp-grandma").await;
        // The mini-program's own reads and writes never touch the replica.
        let n = grandma.create_need(&need(1)).await.unwrap();
        assert_eq!(grandma.get_need(n.id).await.unwrap().need.id, n.id);
        let day = |d: i64| {
            (chrono::Utc::now() + chrono::Duration::days(d))
                .format("%Y-%m-%dT00:00:00Z")
                .to_string()
        };
        let q = format!("from={}&to={}", day(-30), day(2));
        for path in [
            format!("/api/v1/stats/overview?{q}"),
            format!("/api/v1/stats/overview?{q}&format=csv"),
            format!("/api/v1/stats/needs?{q}"),
            format!("/api/v1/stats/report?{q}"),
            "/api/v1/service-records/export".to_string(),
            "/api/v1/suggestions?format=csv".to_string(),
        ] {
            let r = admin.request(Method::GET, &path).send().await.unwrap();
            assert_eq!(r.status(), StatusCode::OK, "{path}");
            assert_eq!(r.headers()["canglong-data-source"], source, "{path}");
            let as_of = r.headers()["canglong-data-as-of"].to_str().unwrap();
            let as_of = chrono::DateTime::parse_from_rfc3339(as_of).unwrap();
            assert!((chrono::Utc::now() - as_of.to_utc()).num_seconds().abs() < 60);
        }
        let o: serde_json::Value = admin
            .request(Method::GET, &format!("/api/v1/stats/overview?{q}"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let report = admin
            .request(Method::GET, &format!("/api/v1/stats/report?{q}"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let label = if source == "replica" {
            "只读副本"
        } else {
            "主库"
        };
        assert!(report.contains(&format!("（{label}）")), "{source}");
        // The needs posted count the one just posted, wherever they were read.
        assert_eq!(
            o["figures"]["service_precision"]["denominator"],
            serde_json::json!(1.0)
        );
        // A resident's own list stays on the primary: nothing counted as analytics.
        grandma.list_needs(&Default::default()).await.unwrap();
        let metrics = server
            .anonymous()
            .request(Method::GET, "/metrics")
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let replica = metric(
            &metrics,
            "canglong_analytics_reads_total{source=\"replica\"}",
        );
        let primary = metric(
            &metrics,
            "canglong_analytics_reads_total{source=\"primary\"}",
        );
        let fallbacks = metric(&metrics, "canglong_analytics_fallbacks_total");
        if source == "replica" {
            assert_eq!((replica, primary, fallbacks), (8.0, 0.0, 0.0));
            assert_eq!(metric(&metrics, "canglong_replica_lag_seconds"), 0.0);
        } else {
            assert_eq!((replica, primary, fallbacks), (0.0, 8.0, 8.0));
            assert!(metric(&metrics, "canglong_replica_lag_seconds").is_nan());
        }
    }
}
