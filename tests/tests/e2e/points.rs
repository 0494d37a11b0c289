use canglong_ledger::Rules;
use canglong_openapi::{
    AdjustmentRequest, CompletionRequest, NewServiceRecord, PointsRules, Quality, RatingRequest,
    ServiceRecordQuery, TargetGroup, TransactionKind, TransactionQuery, VerificationRequest,
};
use canglong_tests::{Db, both, need, spawn};
use futures_util::future::join_all;
use reqwest::StatusCode;

both!(
    verification_credits_points,
    rules_are_versioned,
    parallel_verifications_credit_once,
    adjustments,
    records_verified_in_parallel_sum_exactly,
    reversal_and_access,
    expiry_of_points
);

fn pass(minutes: i32) -> VerificationRequest {
    VerificationRequest {
        approved_minutes: minutes,
        quality: Quality::Pass,
        note: None,
    }
}

/// A staff record of service on a day of its own (the same minutes are never recorded twice).
fn record(volunteer_id: uuid::Uuid, minutes: i32, honor: bool) -> NewServiceRecord {
    static DAYS_BACK: std::sync::atomic::AtomicI64 = std::sync::atomic::AtomicI64::new(1);
    let back = DAYS_BACK.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    NewServiceRecord {
        volunteer_id,
        content: "书法课".into(),
        beneficiary_group: TargetGroup::Elderly,
        minutes,
        honor,
        started_at: Some(chrono::Utc::now() - chrono::Duration::days(back)),
        beneficiary_id: None,
    }
}

async fn verification_credits_points(db: Db) {
    let app = spawn(db);
    let grandma = app.resident("wang").await;
    let rider = app.volunteer("xiaowu").await;
    let worker = app.staff("social_worker").await;
    let n = grandma.create_need(&need(1)).await.unwrap();
    app.posted_earlier(n.id);
    rider.claim_need(n.id, None).await.unwrap();
    let done = rider
        .complete_need(
            n.id,
            &CompletionRequest {
                started_at: None,
                minutes: 50,
                note: String::new(),
            },
            None,
        )
        .await
        .unwrap();
    let rec = done.service_record.id;

    // The volunteer sees the pending record in their own ledger; may not verify it.
    let mine = rider
        .list_service_records(&ServiceRecordQuery::default())
        .await
        .unwrap();
    assert_eq!(mine.items.iter().map(|r| r.id).collect::<Vec<_>>(), [rec]);
    assert_eq!(
        rider
            .verify_service_record(rec, &pass(50), None)
            .await
            .unwrap_err()
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        grandma
            .list_service_records(&Default::default())
            .await
            .unwrap_err()
            .status,
        StatusCode::FORBIDDEN
    );

    // Approved minutes may not exceed those reported; a failure needs a reason.
    let e = worker
        .verify_service_record(rec, &pass(51), None)
        .await
        .unwrap_err();
    assert_eq!(
        (e.status, e.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "minutes_exceed_reported")
    );
    let fail = VerificationRequest {
        approved_minutes: 0,
        quality: Quality::Fail,
        note: None,
    };
    let e = worker
        .verify_service_record(rec, &fail, None)
        .await
        .unwrap_err();
    assert_eq!(
        (e.status, e.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "reason_required")
    );

    // 50 minutes approved as 40: 30 counted (15-minute units, rounded down) × 10/h = 5 points.
    let v = worker
        .verify_service_record(rec, &pass(40), None)
        .await
        .unwrap();
    assert_eq!(
        v.service_record.status,
        canglong_openapi::RecordStatus::Verified
    );
    assert_eq!(
        (v.service_record.minutes_approved, v.service_record.points),
        (Some(40), Some(5))
    );
    assert_eq!(v.service_record.rules_version, Some(0));
    assert_eq!(v.transaction.as_ref().unwrap().kind, TransactionKind::Earn);
    let e = worker
        .verify_service_record(rec, &pass(40), None)
        .await
        .unwrap_err();
    assert_eq!(
        (e.status, e.code()),
        (StatusCode::CONFLICT, "already_verified")
    );

    let bal = rider.balance(None).await.unwrap();
    assert_eq!(bal.balance, 5);
    assert!(bal.expiring.is_empty(), "no expiry policy by default");
    assert_eq!(rider.me().await.unwrap().points_balance, 5);
    let history = rider
        .transactions(&TransactionQuery::default())
        .await
        .unwrap();
    assert_eq!(history.items.len(), 1);
    let h = &history.items[0];
    assert_eq!(
        (h.kind, h.amount, h.balance_after, h.counterparty.as_str()),
        (TransactionKind::Earn, 5, Some(5), "community")
    );

    // A five-star rating adds the high-rating bonus (2 by default).
    grandma
        .rate_need(
            n.id,
            &RatingRequest {
                stars: 5,
                tags: vec![],
                comment: "太好了".into(),
            },
        )
        .await
        .unwrap();
    assert_eq!(rider.balance(None).await.unwrap().balance, 7);

    // A rejected record, and honour hours, mint nothing.
    let volunteer_id = rider.me().await.unwrap().volunteer.unwrap().id;
    let r2 = worker
        .create_service_record(&record(volunteer_id, 60, false))
        .await
        .unwrap();
    let fail = VerificationRequest {
        approved_minutes: 0,
        quality: Quality::Fail,
        note: Some("未到场".into()),
    };
    let v2 = worker
        .verify_service_record(r2.id, &fail, None)
        .await
        .unwrap();
    assert_eq!(
        (v2.service_record.status, v2.transaction.is_none()),
        (canglong_openapi::RecordStatus::Rejected, true)
    );
    let honour = worker
        .create_service_record(&record(volunteer_id, 120, true))
        .await
        .unwrap();
    let v3 = worker
        .verify_service_record(honour.id, &pass(120), None)
        .await
        .unwrap();
    assert_eq!(
        (v3.service_record.points, v3.transaction.is_none()),
        (Some(0), true)
    );
    assert_eq!(rider.balance(None).await.unwrap().balance, 7);
    assert_eq!(
        rider
            .me()
            .await
            .unwrap()
            .volunteer
            .unwrap()
            .approved_minutes,
        160,
        "honour hours stay in the record"
    );

    // A social worker who is also a volunteer may not verify their own service.
    let both_roles = app
        .staff_with_roles(&["social_worker", "resident"], app.community_id)
        .await;
    let admin = app.staff("community_admin").await;
    let p = both_roles
        .apply_volunteer(&canglong_tests::application())
        .await
        .unwrap();
    admin.decide_volunteer(p.id, true, None).await.unwrap();
    let own = admin
        .create_service_record(&record(p.id, 30, false))
        .await
        .unwrap();
    let e = both_roles
        .verify_service_record(own.id, &pass(30), None)
        .await
        .unwrap_err();
    assert_eq!((e.status, e.code()), (StatusCode::FORBIDDEN, "own_record"));

    let rec = admin.reconciliation().await.unwrap();
    assert_eq!(
        (
            rec.postings_sum,
            rec.mismatches.len(),
            rec.uncredited_records.len()
        ),
        (0, 0, 0)
    );
}

async fn rules_are_versioned(db: Db) {
    let app = spawn(db);
    let admin = app.staff("community_admin").await;
    let worker = app.staff("social_worker").await;
    let resident = app.resident("wang").await;
    let v = app.volunteer("xiaowu").await;
    let vid = v.me().await.unwrap().volunteer.unwrap().id;

    let current = resident.points_rules().await.unwrap();
    assert_eq!((current.version, current.rules.points_per_hour), (0, 10));
    let mut rules: PointsRules = current.rules.clone();
    rules.points_per_hour = 60;
    rules.unit_minutes = 1;
    rules.target_group_multipliers.insert("elderly".into(), 150);
    assert_eq!(
        resident.set_points_rules(&rules).await.unwrap_err().status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        worker.set_points_rules(&rules).await.unwrap_err().status,
        StatusCode::FORBIDDEN
    );
    // A bound the document states is checked at the door, naming the field; a rule across
    // fields (a multiplier of an unknown category) by the rules themselves.
    let mut bad = rules.clone();
    bad.unit_minutes = 0;
    let e = admin.set_points_rules(&bad).await.unwrap_err();
    assert_eq!(
        (e.status, e.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed")
    );
    assert_eq!(e.problem.unwrap().errors[0].field, "unit_minutes");
    let mut bad = rules.clone();
    bad.category_multipliers.insert("medicine_run".into(), 0);
    let e = admin.set_points_rules(&bad).await.unwrap_err();
    assert_eq!(
        (e.status, e.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_rules")
    );

    let before = worker
        .create_service_record(&record(vid, 60, false))
        .await
        .unwrap();
    let old = worker
        .verify_service_record(before.id, &pass(60), None)
        .await
        .unwrap();
    assert_eq!(
        (old.service_record.points, old.service_record.rules_version),
        (Some(10), Some(0))
    );

    let set = admin.set_points_rules(&rules).await.unwrap();
    assert_eq!(set.version, 1);
    let after = worker
        .create_service_record(&record(vid, 20, false))
        .await
        .unwrap();
    let new = worker
        .verify_service_record(after.id, &pass(20), None)
        .await
        .unwrap();
    assert_eq!(
        (new.service_record.points, new.service_record.rules_version),
        (Some(30), Some(1)),
        "20 min × 60/h × 1.5"
    );
    let records = worker
        .list_service_records(&ServiceRecordQuery {
            status: Some(canglong_openapi::RecordStatus::Verified),
            ..Default::default()
        })
        .await
        .unwrap();
    let kept = records.items.iter().find(|r| r.id == before.id).unwrap();
    assert_eq!(
        (kept.points, kept.rules_version),
        (Some(10), Some(0)),
        "a verified record keeps its value"
    );
}

/// Fifty parallel verifications of one record: one credits, the rest are told it is done.
async fn parallel_verifications_credit_once(db: Db) {
    let app = spawn(db);
    let worker = app.staff("social_worker").await;
    let admin = app.staff("community_admin").await;
    let v = app.volunteer("xiaowu").await;
    let vid = v.me().await.unwrap().volunteer.unwrap().id;
    let r = worker
        .create_service_record(&record(vid, 60, false))
        .await
        .unwrap();
    let body = pass(60);
    let results = join_all((0..50).map(|i| {
        let who = if i % 2 == 0 { &worker } else { &admin };
        who.verify_service_record(r.id, &body, None)
    }))
    .await;
    assert_eq!(
        results.iter().filter(|r| r.is_ok()).count(),
        1,
        "{results:?}"
    );
    assert!(
        results
            .iter()
            .filter_map(|r| r.as_ref().err())
            .all(|e| e.code() == "already_verified")
    );
    assert_eq!(v.balance(None).await.unwrap().balance, 10);
    let rec = admin.reconciliation().await.unwrap();
    assert_eq!(rec.transactions, 1);
    assert!(rec.mismatches.is_empty() && rec.unbalanced_transactions.is_empty());
}

async fn adjustments(db: Db) {
    let app = spawn(db);
    let admin = app.staff("community_admin").await;
    let worker = app.staff("social_worker").await;
    let v = app.volunteer("xiaowu").await;
    let account = v.balance(None).await.unwrap().account_id;
    let credit = AdjustmentRequest {
        account_id: account,
        amount: 30,
        reason: "补录活动积分".into(),
    };

    // Fifty parallel retries with one key adjust once.
    let results = join_all((0..50).map(|_| admin.adjust_points(&credit, Some("adj-1")))).await;
    let ids: std::collections::HashSet<_> = results
        .iter()
        .map(|r| r.as_ref().expect("each retry answers").id)
        .collect();
    assert_eq!(ids.len(), 1);
    assert_eq!(v.balance(None).await.unwrap().balance, 30);

    // Same key, other body → 409; no key → 422; a resident or a social worker → 403.
    let other = AdjustmentRequest {
        amount: 31,
        ..credit.clone()
    };
    let e = admin
        .adjust_points(&other, Some("adj-1"))
        .await
        .unwrap_err();
    assert_eq!(
        (e.status, e.code()),
        (StatusCode::CONFLICT, "idempotency_key_reused")
    );
    let e = admin.adjust_points(&credit, None).await.unwrap_err();
    assert_eq!(
        (e.status, e.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "idempotency_key_required")
    );
    assert_eq!(
        v.adjust_points(&credit, Some("x"))
            .await
            .unwrap_err()
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        worker
            .adjust_points(&credit, Some("x"))
            .await
            .unwrap_err()
            .status,
        StatusCode::FORBIDDEN
    );
    let e = admin
        .adjust_points(
            &AdjustmentRequest {
                reason: String::new(),
                ..credit.clone()
            },
            Some("y"),
        )
        .await
        .unwrap_err();
    assert_eq!(
        e.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a reason is required"
    );

    // Overdrawing is refused and changes nothing.
    let debit = AdjustmentRequest {
        account_id: account,
        amount: -31,
        reason: "更正".into(),
    };
    let e = admin
        .adjust_points(&debit, Some("adj-2"))
        .await
        .unwrap_err();
    assert_eq!(
        (e.status, e.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "insufficient_points")
    );
    assert_eq!(v.balance(None).await.unwrap().balance, 30);
    let fine = AdjustmentRequest {
        amount: -30,
        ..debit
    };
    admin.adjust_points(&fine, Some("adj-3")).await.unwrap();
    assert_eq!(v.balance(None).await.unwrap().balance, 0);

    // Staff of another community cannot touch the account.
    let foreign = app.staff_of("community_admin", app.other_community()).await;
    let e = foreign.adjust_points(&credit, Some("z")).await.unwrap_err();
    assert_eq!(e.status, StatusCode::NOT_FOUND);

    let history = admin
        .transactions(&TransactionQuery {
            account_id: Some(account),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(
        history.items.iter().map(|h| h.amount).collect::<Vec<_>>(),
        [-30, 30]
    );
    assert_eq!(history.items[1].memo, "补录活动积分");
    let rec = admin.reconciliation().await.unwrap();
    assert_eq!(
        (rec.transactions, rec.postings_sum, rec.mismatches.len()),
        (2, 0, 0)
    );
}

/// A volunteer with many records verified at once ends with exactly what the rules give,
/// daily cap included, and the books reconcile.
async fn records_verified_in_parallel_sum_exactly(db: Db) {
    let app = spawn(db);
    let admin = app.staff("community_admin").await;
    let workers = [
        app.staff("social_worker").await,
        app.staff("social_worker").await,
        admin.clone(),
    ];
    let v = app.volunteer("xiaowu").await;
    let vid = v.me().await.unwrap().volunteer.unwrap().id;
    let minutes: Vec<i32> = (0..30).map(|i| 15 + (i * 7) % 100).collect();
    let mut records = vec![];
    for m in &minutes {
        records.push(
            workers[0]
                .create_service_record(&record(vid, *m, false))
                .await
                .unwrap()
                .id,
        );
    }
    let bodies: Vec<VerificationRequest> = minutes.iter().map(|m| pass(*m)).collect();
    let results = join_all(
        records
            .iter()
            .zip(&bodies)
            .enumerate()
            .map(|(i, (r, body))| {
                let (who, key) = (&workers[i % workers.len()], format!("verify-{r}"));
                async move { who.verify_service_record(*r, body, Some(&key)).await }
            }),
    )
    .await;
    assert!(results.iter().all(|r| r.is_ok()), "{results:?}");

    let rules = Rules::default();
    let uncapped: i64 = minutes
        .iter()
        .map(|m| rules.points_for(i64::from(*m), "other", "elderly"))
        .sum();
    let expected = uncapped.min(rules.daily_cap.unwrap());
    let credited: i64 = results
        .iter()
        .map(|r| r.as_ref().unwrap().service_record.points.unwrap())
        .sum();
    assert_eq!(credited, expected);
    assert_eq!(v.balance(None).await.unwrap().balance, expected);
    let rec = admin.reconciliation().await.unwrap();
    assert_eq!(rec.postings_sum, 0);
    assert!(
        rec.mismatches.is_empty()
            && rec.unbalanced_transactions.is_empty()
            && rec.uncredited_records.is_empty(),
        "{rec:?}"
    );
}

async fn reversal_and_access(db: Db) {
    let app = spawn(db);
    let admin = app.staff("community_admin").await;
    let worker = app.staff("social_worker").await;
    let a = app.volunteer_approved_by("a", &admin).await;
    let b = app.volunteer_approved_by("b", &admin).await;
    let aid = a.me().await.unwrap().volunteer.unwrap().id;
    let r = worker
        .create_service_record(&record(aid, 60, false))
        .await
        .unwrap();
    let credit = worker
        .verify_service_record(r.id, &pass(60), None)
        .await
        .unwrap()
        .transaction
        .unwrap();
    let a_account = a.balance(None).await.unwrap().account_id;

    // Another volunteer may not read A's history; staff may; other communities see nothing.
    let e = b
        .transactions(&TransactionQuery {
            account_id: Some(a_account),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(e.status, StatusCode::NOT_FOUND);
    assert_eq!(
        worker
            .balance(Some(a.me().await.unwrap().id))
            .await
            .unwrap()
            .balance,
        10
    );
    assert_eq!(
        b.balance(Some(a.me().await.unwrap().id))
            .await
            .unwrap_err()
            .status,
        StatusCode::FORBIDDEN
    );
    let foreign = app.staff_of("community_admin", app.other_community()).await;
    let e = foreign
        .transactions(&TransactionQuery {
            account_id: Some(a_account),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(e.status, StatusCode::NOT_FOUND);
    assert_eq!(
        foreign
            .reverse_transaction(credit.id, "x")
            .await
            .unwrap_err()
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        worker.reconciliation().await.unwrap_err().status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        a.reconciliation().await.unwrap_err().status,
        StatusCode::FORBIDDEN
    );

    // A reversal points at what it reverses, once.
    let rev = admin
        .reverse_transaction(credit.id, "重复记录")
        .await
        .unwrap();
    assert_eq!(
        (rev.kind, rev.reverses_id),
        (TransactionKind::Reverse, Some(credit.id))
    );
    assert_eq!(a.balance(None).await.unwrap().balance, 0);
    let e = admin
        .reverse_transaction(credit.id, "again")
        .await
        .unwrap_err();
    assert_eq!(
        (e.status, e.code()),
        (StatusCode::CONFLICT, "already_reversed")
    );
    let e = admin.reverse_transaction(rev.id, "undo").await.unwrap_err();
    assert_eq!(
        (e.status, e.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "cannot_reverse")
    );

    // Reversing points already spent would overdraw: refused.
    let r2 = worker
        .create_service_record(&record(aid, 60, false))
        .await
        .unwrap();
    let credit2 = worker
        .verify_service_record(r2.id, &pass(60), None)
        .await
        .unwrap()
        .transaction
        .unwrap();
    admin
        .adjust_points(
            &AdjustmentRequest {
                account_id: a_account,
                amount: -5,
                reason: "兑换线下礼品".into(),
            },
            Some("k"),
        )
        .await
        .unwrap();
    let e = admin
        .reverse_transaction(credit2.id, "wrong")
        .await
        .unwrap_err();
    assert_eq!(
        (e.status, e.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "insufficient_points")
    );

    // History pages, newest first.
    let p1 = a
        .transactions(&TransactionQuery {
            limit: Some(2),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(
        p1.items.iter().map(|h| h.kind).collect::<Vec<_>>(),
        [TransactionKind::Adjust, TransactionKind::Earn]
    );
    let p2 = a
        .transactions(&TransactionQuery {
            limit: Some(2),
            cursor: p1.next_cursor,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(
        p2.items.iter().map(|h| h.amount).collect::<Vec<_>>(),
        [-10, 10]
    );
    assert!(p2.next_cursor.is_none());
    let rec = admin.reconciliation().await.unwrap();
    assert!(rec.mismatches.is_empty());
}

async fn expiry_of_points(db: Db) {
    use canglong_persistence::schema::point_lots;
    use diesel::prelude::*;
    let app = spawn(db);
    let admin = app.staff("community_admin").await;
    let worker = app.staff("social_worker").await;
    let v = app.volunteer("xiaowu").await;
    let vid = v.me().await.unwrap().volunteer.unwrap().id;
    let mut rules = admin.points_rules().await.unwrap().rules;
    rules.expiry_years = Some(1);
    admin.set_points_rules(&rules).await.unwrap();
    let r = worker
        .create_service_record(&record(vid, 60, false))
        .await
        .unwrap();
    worker
        .verify_service_record(r.id, &pass(60), None)
        .await
        .unwrap();
    let bal = v.balance(None).await.unwrap();
    assert_eq!(bal.balance, 10);
    assert_eq!(bal.expiring.len(), 1);
    assert_eq!(bal.expiring[0].amount, 10);
    assert!(bal.expiring[0].expires_at > chrono::Utc::now() + chrono::Duration::days(365));

    // Spend some, then let the rest lapse.
    let account = bal.account_id;
    admin
        .adjust_points(
            &AdjustmentRequest {
                account_id: account,
                amount: -4,
                reason: "更正".into(),
            },
            Some("a"),
        )
        .await
        .unwrap();
    diesel::update(point_lots::table)
        .set(point_lots::expires_at.eq(Some(canglong_core::now() - chrono::Duration::days(1))))
        .execute(&mut *app.pool.get().unwrap())
        .unwrap();
    let timing = canglong_needs::Timing {
        auto_confirm_after: chrono::Duration::hours(72),
        escalate_after: chrono::Duration::hours(2),
    };
    let report = canglong_api::jobs::sweep(&app.pool, &timing).unwrap();
    assert_eq!(report.points_expired, 1);
    assert_eq!(
        canglong_api::jobs::sweep(&app.pool, &timing)
            .unwrap()
            .points_expired,
        0
    );
    assert_eq!(v.balance(None).await.unwrap().balance, 0);
    let history = v.transactions(&TransactionQuery::default()).await.unwrap();
    assert_eq!(
        (history.items[0].kind, history.items[0].amount),
        (TransactionKind::Expire, -6)
    );
    let rec = admin.reconciliation().await.unwrap();
    assert!(
        rec.mismatches.is_empty() && rec.postings_sum == 0,
        "{rec:?}"
    );
}
