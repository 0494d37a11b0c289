use canglong_openapi::{CompletionRequest, NeedStatus};
use canglong_tests::{Db, both, need, spawn};
use futures_util::future::join_all;
use reqwest::StatusCode;

both!(last_slot_race, idempotent_claims_and_completions);

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
    let two = grandma.create_need(&need(2)).await.unwrap();

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
                .filter(|c| c.status == "active")
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
            .filter(|h| h.action == "completed")
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
