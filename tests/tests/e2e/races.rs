use canglong_openapi::{CompletionRequest, NeedStatus};
use canglong_tests::{Db, active_offer, both, fund, need, spawn};
use futures_util::future::join_all;
use reqwest::StatusCode;

both!(
    last_slot_race,
    idempotent_claims_and_completions,
    verifying_while_redeeming
);

/// Twenty volunteers tap "claim" on a one-slot need at once: exactly one wins.
async fn last_slot_race(db: Db) {
    let app = spawn(db);
    let grandma = app.resident("wang").await;
    let admin = app.staff("community_admin").await;
    let mut riders = vec![];
    for i in 0..20 {
        riders.push(
            app.volunteer_approved_by(&format!("rider{i}"), &admin)
                .await,
        );
    }
    let one = grandma.create_need(&need(1)).await.unwrap();
    app.posted_earlier(one.id);
    let two = grandma.create_need(&need(2)).await.unwrap();
    app.posted_earlier(two.id);

    for (n, slots) in [(one.id, 1usize), (two.id, 2)] {
        let results = join_all(riders.iter().map(|r| r.claim_need(n, None))).await;
        let won = results.iter().filter(|r| r.is_ok()).count();
        let full = results
            .iter()
            .filter(|r| {
                r.as_ref()
                    .is_err_and(|e| e.status == StatusCode::CONFLICT && e.code() == "need_full")
            })
            .count();
        assert_eq!(won, slots, "exactly {slots} claim(s) win: {results:?}");
        assert_eq!(
            full,
            20 - slots,
            "every other claim is told the need is full"
        );
        let detail = grandma.get_need(n).await.unwrap();
        assert_eq!(detail.need.slots_taken as usize, slots);
        assert_eq!(detail.need.status, NeedStatus::Claimed);
        assert_eq!(
            detail
                .claims
                .iter()
                .filter(|c| c.status == canglong_openapi::ClaimStatus::Active)
                .count(),
            slots
        );
    }
}

/// Retries with the same Idempotency-Key do the work once and answer the same; the same key on
/// another request is a conflict.
async fn idempotent_claims_and_completions(db: Db) {
    let app = spawn(db);
    let grandma = app.resident("wang").await;
    let rider = app.volunteer("xiaowu").await;
    let n = grandma.create_need(&need(1)).await.unwrap();
    app.posted_earlier(n.id);

    let first = rider.claim_need(n.id, Some("claim-1")).await.unwrap();
    let again = rider.claim_need(n.id, Some("claim-1")).await.unwrap();
    assert_eq!(first.id, again.id, "the retry replays the first answer");
    let raw = rider
        .request(
            reqwest::Method::POST,
            &format!("/api/v1/needs/{}/claims", n.id),
        )
        .header("Idempotency-Key", "claim-1")
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status(), StatusCode::CREATED);
    assert_eq!(raw.headers().get("idempotent-replayed").unwrap(), "true");

    // Ten parallel retries of one completion: one service record, ten identical answers.
    let body = CompletionRequest {
        started_at: None,
        minutes: 25,
        note: "送到了".into(),
    };
    let results = join_all((0..10).map(|_| rider.complete_need(n.id, &body, Some("done-1")))).await;
    let records: std::collections::HashSet<_> = results
        .iter()
        .map(|r| r.as_ref().expect("every retry succeeds").service_record.id)
        .collect();
    assert_eq!(records.len(), 1, "one service record whatever the retries");
    let detail = grandma.get_need(n.id).await.unwrap();
    assert_eq!(
        detail
            .history
            .iter()
            .filter(|h| h.action == canglong_openapi::NeedAction::Completed)
            .count(),
        1
    );

    // Same key, other body → 409, and nothing changes.
    let other = CompletionRequest {
        started_at: None,
        minutes: 90,
        note: "送到了".into(),
    };
    let e = rider
        .complete_need(n.id, &other, Some("done-1"))
        .await
        .unwrap_err();
    assert_eq!(
        (e.status, e.code()),
        (StatusCode::CONFLICT, "idempotency_key_reused")
    );
    assert_eq!(
        grandma.get_need(n.id).await.unwrap().claims[0].minutes,
        Some(25)
    );

    // A malformed key is refused before anything happens.
    let e = rider.claim_need(n.id, Some("has space")).await.unwrap_err();
    assert_eq!(
        (e.status, e.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_idempotency_key")
    );
}

/// A rider's hours are verified while the rider spends points: every request succeeds. (Locking
/// the rider's account first and the community pool later deadlocked on PostgreSQL against a
/// redemption holding the pool; the load benchmark found it.)
async fn verifying_while_redeeming(db: Db) {
    let app = spawn(db);
    let admin = app.staff("community_admin").await;
    let worker = app.staff("social_worker").await;
    let grandma = app.resident("race-grandma").await;
    let rider = app.volunteer_approved_by("race-rider", &admin).await;
    let offer = active_offer(&admin, &admin, Some("community".into()), 1, 1000, 1000).await;
    fund(&admin, &rider, 100).await;
    let mut slot = 0;
    for round in 0..8 {
        let mut records = vec![];
        for _ in 0..12 {
            let n = grandma.create_need(&need(1)).await.unwrap();
            app.posted_earlier(n.id);
            rider.claim_need(n.id, None).await.unwrap();
            slot += 1;
            let started = chrono::Utc::now() - chrono::Duration::hours(48)
                + chrono::Duration::minutes(16 * slot);
            let body = CompletionRequest {
                started_at: Some(started),
                minutes: 15,
                note: String::new(),
            };
            let done = rider.complete_need(n.id, &body, None).await.unwrap();
            records.push(done.service_record.id);
        }
        let verify = records.iter().map(|r| {
            let body = canglong_openapi::VerificationRequest {
                approved_minutes: 15,
                quality: canglong_openapi::Quality::Pass,
                note: None,
            };
            let (worker, key) = (worker.clone(), format!("v-{r}"));
            async move {
                worker
                    .verify_service_record(*r, &body, Some(&key))
                    .await
                    .map(|_| ())
            }
        });
        let redeem = (0..12).map(|i| {
            let (rider, key) = (rider.clone(), format!("r-{round}-{i}"));
            async move { rider.redeem_offer(offer, Some(&key)).await.map(|_| ()) }
        });
        let (v, r) = tokio::join!(join_all(verify), join_all(redeem));
        for result in v.iter().chain(&r) {
            assert!(result.is_ok(), "{result:?}");
        }
    }
    let rec = admin.reconciliation().await.unwrap();
    assert!(rec.mismatches.is_empty() && rec.postings_sum == 0);
    assert!(rider.balance(None).await.unwrap().balance >= 0);
}

/// The community's issuing account is never locked (PostgreSQL only: SQLite has one writer and
/// no row locks). Another transaction holds its row with the lock every posting used to take on
/// it (`FOR NO KEY UPDATE`; the postings' foreign keys only share it) throughout; a verification that
/// credits from it and a redemption of a community offer that pays into it both complete while
/// the row stays held. Before, every credit and redemption of a community queued behind that row.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn credits_and_redemptions_never_wait_for_the_pool_postgres() {
    use canglong_persistence::ledger as store;
    use diesel::RunQueryDsl;
    if canglong_tests::postgres_url().is_none() {
        return;
    }
    let app = spawn(Db::Postgres);
    let admin = app.staff("community_admin").await;
    let worker = app.staff("social_worker").await;
    let grandma = app.resident("pool-grandma").await;
    fund(&admin, &grandma, 10).await;
    let rider = app.volunteer_approved_by("pool-rider", &admin).await;
    let n = grandma.create_need(&need(1)).await.unwrap();
    app.posted_earlier(n.id);
    rider.claim_need(n.id, None).await.unwrap();
    let body = CompletionRequest {
        started_at: None,
        minutes: 15,
        note: String::new(),
    };
    let record = rider
        .complete_need(n.id, &body, None)
        .await
        .unwrap()
        .service_record
        .id;
    let offer = active_offer(&admin, &admin, None, 5, 10, 1).await;

    let mut conn = app.pool.get().unwrap();
    let pool_account =
        store::account_of(&mut conn, app.community_id, "community", app.community_id)
            .unwrap()
            .unwrap()
            .id
            .0;
    let (locked_tx, locked_rx) = std::sync::mpsc::channel();
    let (done_tx, done_rx) = std::sync::mpsc::channel::<()>();
    let holder = std::thread::spawn(move || {
        canglong_persistence::write_tx(&mut conn, |c| {
            diesel::sql_query(format!(
                "SELECT id FROM accounts WHERE id = '{pool_account}' FOR NO KEY UPDATE"
            ))
            .execute(c)?;
            locked_tx.send(()).unwrap();
            // Held until both movements are done (or a generous bound, if they wait for it).
            let _ = done_rx.recv_timeout(std::time::Duration::from_secs(20));
            Ok::<_, diesel::result::Error>(())
        })
    });
    locked_rx.recv().unwrap();
    let verification = canglong_openapi::VerificationRequest {
        approved_minutes: 15,
        quality: canglong_openapi::Quality::Pass,
        note: None,
    };
    let bound = std::time::Duration::from_secs(10);
    let verified = tokio::time::timeout(
        bound,
        worker.verify_service_record(record, &verification, Some("pool")),
    )
    .await;
    let redeemed = tokio::time::timeout(bound, grandma.redeem_offer(offer, Some("pool"))).await;
    done_tx.send(()).unwrap();
    holder.join().unwrap().unwrap();
    assert!(
        matches!(verified, Ok(Ok(_))),
        "the verification waited for the pool: {verified:?}"
    );
    assert!(
        matches!(redeemed, Ok(Ok(_))),
        "the redemption waited for the pool: {redeemed:?}"
    );
    assert!(rider.balance(None).await.unwrap().balance > 0);
    assert_eq!(grandma.balance(None).await.unwrap().balance, 5);
    let rec = admin.reconciliation().await.unwrap();
    assert!(
        rec.mismatches.is_empty() && rec.postings_sum == 0,
        "{rec:?}"
    );
    assert!(rec.unbalanced_transactions.is_empty());
}
