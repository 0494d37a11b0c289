use canglong_openapi::{
    EvaluationDecision, EvaluationRequest, MerchantQuery, MerchantStatus, OfferQuery, OfferStatus,
    OfferStatusChange, VoucherQuery, VoucherRating, VoucherStatus,
};
use canglong_tests::{
    Db, active_offer, admitted_merchant, both, fund, merchant_application, spawn,
};
use futures_util::future::join_all;
use reqwest::StatusCode;

both!(
    admission_and_offers,
    stock_race,
    balance_and_key_races,
    voucher_use,
    evaluation_exit_and_expiry
);

async fn admission_and_offers(db: Db) {
    let app = spawn(db);
    let admin = app.staff("community_admin").await;
    let street = app.staff("subdistrict_admin").await;
    let owner = app.resident("owner").await;
    let resident = app.resident("wang").await;

    let m = owner
        .apply_merchant(&merchant_application("鲜果园"))
        .await
        .unwrap();
    assert_eq!(m.status, MerchantStatus::Applied);
    assert_eq!(m.contact_phone_masked, "139****1111");
    // Residents and the wrong level may not decide.
    assert_eq!(
        resident
            .review_merchant(m.id, true, None)
            .await
            .unwrap_err()
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        admin
            .file_merchant(m.id, true, None)
            .await
            .unwrap_err()
            .status,
        StatusCode::FORBIDDEN
    );
    let e = street.file_merchant(m.id, true, None).await.unwrap_err();
    assert_eq!(
        (e.status, e.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_transition")
    );
    let e = admin.review_merchant(m.id, false, None).await.unwrap_err();
    assert_eq!(
        (e.status, e.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "reason_required")
    );
    // Not visible to residents until active.
    assert_eq!(
        resident.get_merchant(m.id).await.unwrap_err().status,
        StatusCode::NOT_FOUND
    );

    admin
        .review_merchant(m.id, true, Some("资质齐全"))
        .await
        .unwrap();
    let returned = street
        .file_merchant(m.id, false, Some("营业执照过期"))
        .await
        .unwrap();
    assert_eq!(returned.merchant.status, MerchantStatus::Returned);
    admin
        .review_merchant(m.id, true, Some("已更新执照"))
        .await
        .unwrap();
    let filed = street.file_merchant(m.id, true, None).await.unwrap();
    assert_eq!(filed.merchant.status, MerchantStatus::Active);
    let steps: Vec<_> = filed
        .history
        .iter()
        .map(|h| (h.action.as_str(), h.to_status))
        .collect();
    assert_eq!(steps.len(), 5, "{steps:?}");
    assert_eq!(filed.history[2].reason.as_deref(), Some("营业执照过期"));
    assert!(
        resident
            .get_merchant(m.id)
            .await
            .unwrap()
            .history
            .is_empty(),
        "residents see no internals"
    );

    // Another community's admin sees nothing.
    let foreign = app.staff_of("community_admin", app.other_community()).await;
    assert_eq!(
        foreign.get_merchant(m.id).await.unwrap_err().status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        foreign
            .review_merchant(m.id, true, None)
            .await
            .unwrap_err()
            .status,
        StatusCode::NOT_FOUND
    );
    assert!(
        foreign
            .list_merchants(&MerchantQuery::default())
            .await
            .unwrap()
            .items
            .is_empty()
    );

    // Offers: created pending, seen by residents only once approved and while active.
    let staff = app.staff("merchant_staff").await;
    admin
        .bind_merchant_staff(m.id, staff.me().await.unwrap().id)
        .await
        .unwrap();
    let offer = active_offer(&admin, &staff, None, 20, 5, 1).await;
    let seen = resident.list_offers(&OfferQuery::default()).await.unwrap();
    assert_eq!(seen.items.iter().map(|o| o.id).collect::<Vec<_>>(), [offer]);
    assert_eq!(seen.items[0].provider, m.id.to_string());
    let paused = staff
        .change_offer_status(
            offer,
            &OfferStatusChange {
                status: OfferStatus::Paused,
                reason: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(paused.status, OfferStatus::Paused);
    assert!(
        resident
            .list_offers(&OfferQuery::default())
            .await
            .unwrap()
            .items
            .is_empty()
    );
    let e = resident.redeem_offer(offer, Some("k")).await.unwrap_err();
    assert_eq!(e.code(), "offer_inactive");
    assert_eq!(
        resident
            .change_offer_status(
                offer,
                &OfferStatusChange {
                    status: OfferStatus::Active,
                    reason: None
                }
            )
            .await
            .unwrap_err()
            .status,
        StatusCode::FORBIDDEN
    );
    staff
        .change_offer_status(
            offer,
            &OfferStatusChange {
                status: OfferStatus::Active,
                reason: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(
        resident
            .list_offers(&OfferQuery::default())
            .await
            .unwrap()
            .items
            .len(),
        1
    );
    // A resident may not create or approve offers.
    assert_eq!(
        resident
            .review_offer(offer, true, None)
            .await
            .unwrap_err()
            .status,
        StatusCode::FORBIDDEN
    );
}

/// 200 residents race for an offer with stock 50.
async fn stock_race(db: Db) {
    let app = spawn(db);
    let admin = app.staff("community_admin").await;
    let (merchant, staff) = admitted_merchant(&app, &admin, "惠民超市").await;
    let offer = active_offer(&admin, &staff, None, 30, 50, 1).await;
    let mut residents = vec![];
    for i in 0..200 {
        let r = app.resident(&format!("r{i}")).await;
        fund(&admin, &r, 100).await;
        residents.push(r);
    }
    let keys: Vec<String> = (0..200).map(|i| format!("redeem-{i}")).collect();
    let results = join_all(
        residents
            .iter()
            .zip(&keys)
            .map(|(r, k)| r.redeem_offer(offer, Some(k))),
    )
    .await;
    let won = results.iter().filter(|r| r.is_ok()).count();
    let out = results
        .iter()
        .filter(|r| {
            r.as_ref()
                .is_err_and(|e| e.status == StatusCode::CONFLICT && e.code() == "out_of_stock")
        })
        .count();
    let mut refusals = std::collections::BTreeMap::new();
    for e in results.iter().filter_map(|r| r.as_ref().err()) {
        *refusals
            .entry((e.status.as_u16(), e.code().to_string()))
            .or_insert(0) += 1;
    }
    assert_eq!((won, out), (50, 150), "refusals: {refusals:?}");
    assert_eq!(admin.get_offer(offer).await.unwrap().stock_left, 0);

    let mut total = 0;
    for (r, result) in residents.iter().zip(&results) {
        let b = r.balance(None).await.unwrap().balance;
        assert_eq!(b, if result.is_ok() { 70 } else { 100 });
        total += b;
    }
    assert_eq!(total, 200 * 100 - 50 * 30);
    let codes: std::collections::HashSet<_> = results
        .iter()
        .filter_map(|r| r.as_ref().ok())
        .map(|v| v.code.clone())
        .collect();
    assert_eq!(codes.len(), 50, "codes are unique");
    let rec = admin.reconciliation().await.unwrap();
    assert!(
        rec.mismatches.is_empty()
            && rec.postings_sum == 0
            && rec.unbalanced_transactions.is_empty(),
        "{rec:?}"
    );
    let merchant_account = rec.accounts_checked;
    assert!(merchant_account >= 202);
    let _ = merchant;
}

async fn balance_and_key_races(db: Db) {
    let app = spawn(db);
    let admin = app.staff("community_admin").await;
    let (_, staff) = admitted_merchant(&app, &admin, "面包坊").await;
    let offer = active_offer(&admin, &staff, None, 10, 1000, 100).await;
    let r = app.resident("wang").await;
    fund(&admin, &r, 35).await;

    // Twenty parallel redemptions with points for three.
    let keys: Vec<String> = (0..20).map(|i| format!("k{i}")).collect();
    let results = join_all(keys.iter().map(|k| r.redeem_offer(offer, Some(k)))).await;
    assert_eq!(results.iter().filter(|x| x.is_ok()).count(), 3);
    assert!(
        results
            .iter()
            .filter_map(|x| x.as_ref().err())
            .all(|e| e.code() == "insufficient_points")
    );
    assert_eq!(r.balance(None).await.unwrap().balance, 5);

    // The same key twenty times: one voucher.
    fund(&admin, &r, 100).await;
    let results = join_all((0..20).map(|_| r.redeem_offer(offer, Some("same")))).await;
    let ids: std::collections::HashSet<_> = results
        .iter()
        .map(|x| x.as_ref().expect("replayed").id)
        .collect();
    assert_eq!(ids.len(), 1);
    assert_eq!(r.balance(None).await.unwrap().balance, 95);
    assert_eq!(
        r.list_vouchers(&VoucherQuery::default())
            .await
            .unwrap()
            .items
            .len(),
        4
    );

    // Staff may not redeem; per-person limit.
    assert_eq!(
        staff
            .redeem_offer(offer, Some("s"))
            .await
            .unwrap_err()
            .status,
        StatusCode::FORBIDDEN
    );
    let limited = active_offer(&admin, &staff, None, 1, 10, 1).await;
    r.redeem_offer(limited, Some("l1")).await.unwrap();
    let e = r.redeem_offer(limited, Some("l2")).await.unwrap_err();
    assert_eq!(
        (e.status, e.code()),
        (StatusCode::CONFLICT, "limit_reached")
    );
    assert!(admin.reconciliation().await.unwrap().mismatches.is_empty());
}

async fn voucher_use(db: Db) {
    use canglong_persistence::schema::vouchers;
    use diesel::prelude::*;
    let app = spawn(db);
    let admin = app.staff("community_admin").await;
    let (_, staff_a) = admitted_merchant(&app, &admin, "水果店").await;
    let (_, staff_b) = admitted_merchant(&app, &admin, "理发店").await;
    let offer_a = active_offer(&admin, &staff_a, None, 10, 10, 5).await;
    let r = app.resident("xiaowu").await;
    fund(&admin, &r, 100).await;
    let v = r.redeem_offer(offer_a, Some("1")).await.unwrap();
    assert_eq!(v.code.len(), 15);
    assert!(!v.code.contains(['0', 'O', '1', 'I', 'L']));

    // Merchant B's staff cannot use A's voucher; a resident cannot use it at all.
    assert_eq!(
        staff_b.use_voucher(&v.code, None).await.unwrap_err().status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        r.use_voucher(&v.code, None).await.unwrap_err().status,
        StatusCode::FORBIDDEN
    );
    // A's staff uses it, typed loosely; the second time is 409 and says when.
    let typed = v.code.replace('-', " ").to_lowercase();
    let used = staff_a.use_voucher(&typed, None).await.unwrap();
    assert_eq!(used.status, VoucherStatus::Used);
    let e = staff_a.use_voucher(&v.code, None).await.unwrap_err();
    assert_eq!(
        (e.status, e.code()),
        (StatusCode::CONFLICT, "voucher_already_used")
    );
    assert!(e.problem.unwrap().detail.contains("used at"));
    // A used voucher cannot be cancelled; the holder rates the merchant once.
    assert_eq!(
        r.cancel_voucher(v.id).await.unwrap_err().status,
        StatusCode::CONFLICT
    );
    r.rate_voucher(
        v.id,
        &VoucherRating {
            stars: 4,
            comment: "新鲜".into(),
        },
    )
    .await
    .unwrap();
    assert_eq!(
        r.rate_voucher(
            v.id,
            &VoucherRating {
                stars: 4,
                comment: String::new()
            }
        )
        .await
        .unwrap_err()
        .status,
        StatusCode::CONFLICT
    );

    // An expired voucher → 422.
    let v2 = r.redeem_offer(offer_a, Some("2")).await.unwrap();
    diesel::update(vouchers::table.filter(vouchers::code.eq(&v2.code)))
        .set(vouchers::expires_at.eq(canglong_core::now() - chrono::Duration::minutes(1)))
        .execute(&mut *app.pool.get().unwrap())
        .unwrap();
    let e = staff_a.use_voucher(&v2.code, None).await.unwrap_err();
    assert_eq!(
        (e.status, e.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "voucher_expired")
    );

    // The holder cancels an unused voucher: refunded in full, stock back.
    let v3 = r.redeem_offer(offer_a, Some("3")).await.unwrap();
    assert_eq!(r.balance(None).await.unwrap().balance, 70);
    let c = r.cancel_voucher(v3.id).await.unwrap();
    assert_eq!(c.status, VoucherStatus::Cancelled);
    assert_eq!(r.balance(None).await.unwrap().balance, 80);
    assert_eq!(admin.get_offer(offer_a).await.unwrap().stock_left, 8);
    let e = staff_a.use_voucher(&v3.code, None).await.unwrap_err();
    assert_eq!(e.code(), "voucher_inactive");

    // Guessing codes: after ten refused attempts (one above, nine here) the staff member waits.
    for i in 0..9 {
        let e = staff_b
            .use_voucher(&format!("AAAA-BBBB-CCCC{i}"), None)
            .await
            .unwrap_err();
        assert_eq!(e.status, StatusCode::NOT_FOUND);
    }
    let e = staff_b
        .use_voucher("AAAA-BBBB-CCCCC", None)
        .await
        .unwrap_err();
    assert_eq!(
        (e.status, e.code()),
        (StatusCode::TOO_MANY_REQUESTS, "too_many_attempts")
    );
    assert!(e.headers.get("retry-after").is_some());
    assert!(admin.reconciliation().await.unwrap().mismatches.is_empty());
}

async fn evaluation_exit_and_expiry(db: Db) {
    use canglong_persistence::schema::vouchers;
    use diesel::prelude::*;
    let app = spawn(db);
    let admin = app.staff("community_admin").await;
    let (merchant, staff) = admitted_merchant(&app, &admin, "茶社").await;
    let offer = active_offer(&admin, &staff, None, 25, 10, 5).await;
    let a = app.resident("a").await;
    let b = app.resident("b").await;
    fund(&admin, &a, 100).await;
    fund(&admin, &b, 100).await;
    let used = a.redeem_offer(offer, Some("1")).await.unwrap();
    staff.use_voucher(&used.code, None).await.unwrap();
    a.redeem_offer(offer, Some("2")).await.unwrap();
    b.redeem_offer(offer, Some("1")).await.unwrap();
    b.redeem_offer(offer, Some("2")).await.unwrap();
    assert_eq!(
        (
            a.balance(None).await.unwrap().balance,
            b.balance(None).await.unwrap().balance
        ),
        (50, 50)
    );

    // A voucher that expires unused is refunded by the rule (here half).
    let mut rules = admin.points_rules().await.unwrap().rules;
    rules.refund_percent = 50;
    admin.set_points_rules(&rules).await.unwrap();
    let mine = b.list_vouchers(&VoucherQuery::default()).await.unwrap();
    diesel::update(
        vouchers::table.filter(vouchers::id.eq(canglong_persistence::Id(mine.items[0].id))),
    )
    .set(vouchers::expires_at.eq(canglong_core::now() - chrono::Duration::minutes(1)))
    .execute(&mut *app.pool.get().unwrap())
    .unwrap();
    let timing = canglong_needs::Timing {
        auto_confirm_after: chrono::Duration::hours(72),
        escalate_after: chrono::Duration::hours(2),
    };
    assert_eq!(
        canglong_api::jobs::sweep(&app.pool, &timing)
            .unwrap()
            .vouchers_expired,
        1
    );
    assert_eq!(
        b.balance(None).await.unwrap().balance,
        62,
        "50 + half of 25, rounded down"
    );

    // The evaluation fails: the merchant exits, offers are withdrawn, unused vouchers refunded
    // in full, the used one stays used.
    let year = chrono::Datelike::year(&chrono::Utc::now());
    let resident = app.resident("c").await;
    let req = EvaluationRequest {
        year,
        decision: EvaluationDecision::Fail,
        note: "投诉较多".into(),
    };
    assert_eq!(
        resident
            .evaluate_merchant(merchant, &req)
            .await
            .unwrap_err()
            .status,
        StatusCode::FORBIDDEN
    );
    let ev = admin.evaluate_merchant(merchant, &req).await.unwrap();
    assert_eq!(
        (
            ev.figures.vouchers_issued,
            ev.figures.vouchers_used,
            ev.figures.vouchers_expired_unused
        ),
        (4, 1, 1)
    );
    let d = admin.get_merchant(merchant).await.unwrap();
    assert_eq!(d.merchant.status, MerchantStatus::Exited);
    assert_eq!(d.evaluations.len(), 1);
    assert_eq!(
        admin.get_offer(offer).await.unwrap().status,
        OfferStatus::Withdrawn
    );
    assert_eq!(
        (
            a.balance(None).await.unwrap().balance,
            b.balance(None).await.unwrap().balance
        ),
        (75, 87)
    );
    let statuses: Vec<_> = a
        .list_vouchers(&VoucherQuery::default())
        .await
        .unwrap()
        .items
        .iter()
        .map(|v| v.status)
        .collect();
    assert_eq!(statuses, [VoucherStatus::Refunded, VoucherStatus::Used]);
    // Exiting again is safe and changes nothing; a second evaluation of the year is refused.
    admin.exit_merchant(merchant, "retry").await.unwrap();
    assert_eq!(a.balance(None).await.unwrap().balance, 75);
    assert_eq!(
        admin
            .evaluate_merchant(merchant, &req)
            .await
            .unwrap_err()
            .status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let rec = admin.reconciliation().await.unwrap();
    assert!(
        rec.mismatches.is_empty() && rec.postings_sum == 0,
        "{rec:?}"
    );
}
