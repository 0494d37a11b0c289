//! The value chain around the ledger, as a resident, a clerk and an adversary would try it:
//! door codes, reversals, seats and their vouchers, bonuses, verification timing, completion
//! spans, figures that agree, and the chain audit finding what is planted.

use canglong_openapi::{
    ChainInvariant, CompletionRequest, EvaluationDecision, EvaluationRequest, NewChild, NewNeed,
    NewOffer, NewProject, NewSession, NewSuggestion, OfferKind, Quality, RatingRequest,
    Reconciliation, SessionQuery, SuggestionCategory, TransactionKind, TransactionQuery,
    VerificationRequest, VisitsQuery, VoucherQuery, VoucherStatus,
};
use canglong_tests::{Db, TestApp, active_offer, admitted_merchant, both, fund, need, spawn};
use chrono::{Duration, Utc};
use futures_util::future::join_all;
use mini::Client;
use reqwest::StatusCode;
use uuid::Uuid;

use canglong_mini_program_mock as mini;

both!(
    door_codes_cannot_be_guessed,
    reversing_a_redemption_voids_its_voucher,
    a_seat_and_its_voucher_live_and_die_together,
    the_five_star_bonus_follows_verification,
    work_is_verified_after_it_ended_and_fits_its_need,
    the_evaluation_agrees_with_the_merchant_table,
    the_clerk_lock_counts_only_wrong_codes,
    the_audit_names_every_planted_break,
    a_merchant_exit_racing_redemptions_refunds_everything,
    figures_agree_on_classes_and_visits
);

fn project() -> NewProject {
    NewProject {
        title: "童心筑梦".into(),
        description: String::new(),
        organiser_kind: canglong_openapi::OrganiserKind::SocialWorker,
        period_start: Utc::now() - Duration::days(1),
        period_end: Utc::now() + Duration::days(90),
        continues_project_id: None,
        packages: vec![],
    }
}

/// A class starting `starts_in` from now, two hours long, open for enrolment now.
fn class(starts_in: Duration) -> NewSession {
    let starts = Utc::now() + starts_in;
    NewSession {
        title: "剪纸入门".into(),
        package_id: None,
        starts_at: starts,
        ends_at: starts + Duration::hours(2),
        room_id: None,
        place: "活动中心".into(),
        capacity: 10,
        enrol_from: Utc::now() - Duration::hours(1),
        enrol_to: starts.max(Utc::now()) + Duration::hours(1),
        volunteer_slots: 2,
        attendance_points: 5,
    }
}

async fn session(sw: &Client, starts_in: Duration) -> Uuid {
    let p = sw.create_project(&project()).await.unwrap();
    sw.create_session(p.id, &class(starts_in)).await.unwrap().id
}

/// A seat in `session` for `cost` points, approved.
async fn seat_offer(admin: &Client, session: Uuid, cost: i64) -> Uuid {
    let o = admin
        .create_offer(&NewOffer {
            provider: None,
            kind: OfferKind::CourseSeat,
            title: "亲子剪纸课".into(),
            description: String::new(),
            points_cost: cost,
            stock: 5,
            per_user_limit: 1,
            valid_from: Utc::now() - Duration::minutes(1),
            valid_to: Utc::now() + Duration::days(3),
            voucher_valid_days: 30,
            session_id: Some(session),
        })
        .await
        .unwrap();
    admin.review_offer(o.id, true, None).await.unwrap();
    o.id
}

async fn seats_left(sw: &Client, session: Uuid) -> i32 {
    sw.list_sessions(&SessionQuery::default())
        .await
        .unwrap()
        .items
        .into_iter()
        .find(|s| s.id == session)
        .unwrap()
        .seats_left
}

/// An admitted merchant, its clerk, and an approved offer of it (cost, stock, per-person limit).
async fn shop(
    app: &TestApp,
    admin: &Client,
    cost: i64,
    stock: i32,
    limit: i32,
) -> (Uuid, Client, Uuid) {
    let (merchant, clerk) = admitted_merchant(app, admin, "鲜果园").await;
    let offer = active_offer(admin, &clerk, None, cost, stock, limit).await;
    (merchant, clerk, offer)
}

/// A child the parent adds to their profile.
async fn child_of(parent: &Client) -> Uuid {
    parent
        .add_child(&NewChild {
            nickname: "小雨".into(),
            birth_year: 2018,
        })
        .await
        .unwrap()
        .items[0]
        .id
}

fn clean(r: &Reconciliation) -> bool {
    r.mismatches.is_empty()
        && r.unbalanced_transactions.is_empty()
        && r.uncredited_records.is_empty()
        && r.chain.iter().all(|c| c.ids.is_empty())
}

fn broken(r: &Reconciliation, check: ChainInvariant) -> Vec<Uuid> {
    r.chain
        .iter()
        .find(|c| c.check == check)
        .map(|c| c.ids.clone())
        .unwrap_or_default()
}

/// The resident's newest transaction of a kind.
async fn last_tx(who: &Client, kind: TransactionKind) -> Uuid {
    who.transactions(&TransactionQuery::default())
        .await
        .unwrap()
        .items
        .into_iter()
        .find(|t| t.kind == kind)
        .unwrap()
        .transaction_id
}

fn key() -> String {
    Uuid::new_v4().to_string()
}

async fn door_codes_cannot_be_guessed(db: Db) {
    let app = spawn(db);
    let sw = app.staff("social_worker").await;
    let on_now = session(&sw, Duration::minutes(-10)).await;
    let next_week = session(&sw, Duration::days(7)).await;
    let guesser = app.resident("guesser").await;
    let honest = app.resident("honest").await;
    for r in [&guesser, &honest] {
        r.enrol(on_now, vec![]).await.unwrap();
        r.enrol(next_week, vec![]).await.unwrap();
    }

    // A week before the class, even the right code is refused.
    let code = sw.checkin_code(next_week).await.unwrap().code;
    let e = honest.check_in(next_week, &code).await.unwrap_err();
    assert_eq!(
        (e.status, e.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "checkin_not_open")
    );

    // Brute force: 60 guesses at once. At most five are judged; the rest wait, and no point
    // is credited for a guess.
    let right = sw.checkin_code(on_now).await.unwrap().code;
    let guesses: Vec<String> = (0..1_000_000u32)
        .step_by(16_661)
        .map(|n| format!("{n:06}"))
        .filter(|g| *g != right)
        .take(60)
        .collect();
    let results = join_all(guesses.iter().map(|g| guesser.check_in(on_now, g))).await;
    let refused = results
        .iter()
        .filter(|r| r.as_ref().is_err_and(|e| e.code() == "invalid_code"))
        .count();
    let limited: Vec<_> = results
        .iter()
        .filter_map(|r| r.as_ref().err())
        .filter(|e| e.status == StatusCode::TOO_MANY_REQUESTS)
        .collect();
    assert_eq!(refused, 5, "five wrong codes are judged");
    assert_eq!(limited.len(), 55);
    assert!(limited[0].headers.contains_key("retry-after"));
    // Now even the right code waits: the guesser cannot try the next one.
    let right = sw.checkin_code(on_now).await.unwrap().code;
    let e = guesser.check_in(on_now, &right).await.unwrap_err();
    assert_eq!(
        (e.status, e.code()),
        (StatusCode::TOO_MANY_REQUESTS, "too_many_attempts")
    );
    assert_eq!(guesser.balance(None).await.unwrap().balance, 0);
    // Another person's limit is their own.
    let c = honest.check_in(on_now, &right).await.unwrap();
    assert_eq!(c.points, 5);
    let admin = app.staff("community_admin").await;
    assert!(clean(&admin.reconciliation().await.unwrap()));
}

async fn reversing_a_redemption_voids_its_voucher(db: Db) {
    let app = spawn(db);
    let admin = app.staff("community_admin").await;
    let (_, clerk, offer) = shop(&app, &admin, 10, 10, 5).await;
    let wang = app.resident("wang").await;
    fund(&admin, &wang, 10).await;

    let v = wang.redeem_offer(offer, Some(&key())).await.unwrap();
    assert_eq!(wang.balance(None).await.unwrap().balance, 0);
    let redemption = last_tx(&wang, TransactionKind::Redeem).await;
    admin.reverse_transaction(redemption, "误兑").await.unwrap();
    assert_eq!(wang.balance(None).await.unwrap().balance, 10);
    let mine = wang.list_vouchers(&VoucherQuery::default()).await.unwrap();
    assert_eq!(mine.items[0].status, VoucherStatus::Void);
    // The void voucher is neither refunded again nor used at the counter.
    let e = wang.cancel_voucher(v.id).await.unwrap_err();
    assert_eq!(e.code(), "invalid_transition");
    assert_eq!(wang.balance(None).await.unwrap().balance, 10);
    let e = clerk.use_voucher(&v.code, Some(&key())).await.unwrap_err();
    assert_eq!(e.code(), "voucher_inactive");
    assert_eq!(
        admin.get_offer(offer).await.unwrap().stock_left,
        10,
        "the stock came back"
    );

    // A used voucher's redemption is not reversed; nor is a refund.
    let used = wang.redeem_offer(offer, Some(&key())).await.unwrap();
    clerk.use_voucher(&used.code, Some(&key())).await.unwrap();
    let redemption = last_tx(&wang, TransactionKind::Redeem).await;
    let e = admin
        .reverse_transaction(redemption, "x")
        .await
        .unwrap_err();
    assert_eq!(
        (e.status, e.code()),
        (StatusCode::CONFLICT, "voucher_already_used")
    );
    fund(&admin, &wang, 10).await;
    let kept = wang.redeem_offer(offer, Some(&key())).await.unwrap();
    wang.cancel_voucher(kept.id).await.unwrap();
    let refund = last_tx(&wang, TransactionKind::Refund).await;
    let e = admin.reverse_transaction(refund, "x").await.unwrap_err();
    assert_eq!(
        (e.status, e.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "cannot_reverse")
    );
    let redemption = last_tx(&wang, TransactionKind::Redeem).await;
    let e = admin
        .reverse_transaction(redemption, "x")
        .await
        .unwrap_err();
    assert_eq!(
        (e.status, e.code()),
        (StatusCode::CONFLICT, "voucher_closed")
    );
    assert!(clean(&admin.reconciliation().await.unwrap()));
}

async fn a_seat_and_its_voucher_live_and_die_together(db: Db) {
    let app = spawn(db);
    let admin = app.staff("community_admin").await;
    let sw = app.staff("social_worker").await;
    let class = session(&sw, Duration::minutes(-5)).await;
    let offer = seat_offer(&admin, class, 20).await;
    let parent = app.resident("liu").await;
    let child = child_of(&parent).await;
    fund(&admin, &parent, 60).await;

    // Cancelling the voucher gives the seat back.
    let v = parent
        .redeem_seat(offer, vec![child], &key())
        .await
        .unwrap();
    assert_eq!(seats_left(&sw, class).await, 8);
    parent.cancel_voucher(v.id).await.unwrap();
    assert_eq!(seats_left(&sw, class).await, 10);
    assert_eq!(parent.balance(None).await.unwrap().balance, 60);

    // Cancelling the seat cancels (and refunds) its voucher.
    let v = parent
        .redeem_seat(offer, vec![child], &key())
        .await
        .unwrap();
    parent.cancel_enrolment(class).await.unwrap();
    assert_eq!(seats_left(&sw, class).await, 10);
    let mine = parent
        .list_vouchers(&VoucherQuery::default())
        .await
        .unwrap();
    assert_eq!(
        mine.items.iter().find(|x| x.id == v.id).unwrap().status,
        VoucherStatus::Cancelled
    );
    assert_eq!(parent.balance(None).await.unwrap().balance, 60);

    // Once attended, the seat is used: neither can be cancelled.
    let v = parent
        .redeem_seat(offer, vec![child], &key())
        .await
        .unwrap();
    let code = sw.checkin_code(class).await.unwrap().code;
    parent.check_in(class, &code).await.unwrap();
    let e = parent.cancel_voucher(v.id).await.unwrap_err();
    assert_eq!(
        (e.status, e.code()),
        (StatusCode::CONFLICT, "voucher_already_used")
    );
    let e = parent.cancel_enrolment(class).await.unwrap_err();
    assert_eq!(e.code(), "seat_attended");
    assert_eq!(seats_left(&sw, class).await, 8);
    assert!(clean(&admin.reconciliation().await.unwrap()));
}

/// A need served and reported by a fresh rider; returns (rider, need, record).
async fn served(app: &TestApp, grandma: &Client, name: &str) -> (Client, Uuid, Uuid) {
    let rider = app.volunteer(name).await;
    let n = grandma.create_need(&need(1)).await.unwrap();
    app.posted_earlier(n.id);
    rider.claim_need(n.id, None).await.unwrap();
    let done = rider
        .complete_need(
            n.id,
            &CompletionRequest {
                minutes: 60,
                started_at: None,
                note: String::new(),
            },
            Some(&key()),
        )
        .await
        .unwrap();
    (rider, n.id, done.service_record.id)
}

fn verdict(pass: bool) -> VerificationRequest {
    VerificationRequest {
        approved_minutes: if pass { 60 } else { 0 },
        quality: if pass { Quality::Pass } else { Quality::Fail },
        note: Some("核实".into()),
    }
}

fn five_stars() -> RatingRequest {
    RatingRequest {
        stars: 5,
        tags: vec![],
        comment: String::new(),
    }
}

async fn the_five_star_bonus_follows_verification(db: Db) {
    let app = spawn(db);
    let sw = app.staff("social_worker").await;
    let admin = app.staff("community_admin").await;
    let grandma = app.resident("grandma").await;

    // Rated before a failed verification: no bonus, ever.
    let (rider, need, record) = served(&app, &grandma, "a").await;
    grandma.rate_need(need, &five_stars()).await.unwrap();
    assert_eq!(rider.balance(None).await.unwrap().balance, 0);
    sw.verify_service_record(record, &verdict(false), Some(&key()))
        .await
        .unwrap();
    assert_eq!(rider.balance(None).await.unwrap().balance, 0);

    // Rated before a pass: hours and bonus at the verification.
    let (rider, need, record) = served(&app, &grandma, "b").await;
    grandma.rate_need(need, &five_stars()).await.unwrap();
    sw.verify_service_record(record, &verdict(true), Some(&key()))
        .await
        .unwrap();
    // 10 for the hour, 2 for the five stars (the default rules).
    assert_eq!(rider.balance(None).await.unwrap().balance, 10 + 2);

    // Rated after a pass: the bonus at the rating, once.
    let (rider, need, record) = served(&app, &grandma, "c").await;
    sw.verify_service_record(record, &verdict(true), Some(&key()))
        .await
        .unwrap();
    assert_eq!(rider.balance(None).await.unwrap().balance, 10);
    grandma.rate_need(need, &five_stars()).await.unwrap();
    assert_eq!(rider.balance(None).await.unwrap().balance, 12);
    assert!(clean(&admin.reconciliation().await.unwrap()));
}

async fn work_is_verified_after_it_ended_and_fits_its_need(db: Db) {
    let app = spawn(db);
    let sw = app.staff("social_worker").await;
    let teacher = app.volunteer("teacher").await;
    let vid = teacher.me().await.unwrap().volunteer.unwrap().id;

    // A class that has not happened yet is not verified.
    let later = session(&sw, Duration::hours(3)).await;
    let records = sw
        .record_session_volunteers(later, vec![vid])
        .await
        .unwrap();
    let e = sw
        .verify_service_record(records[0].id, &verdict(true), Some(&key()))
        .await
        .unwrap_err();
    assert_eq!(
        (e.status, e.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "work_not_ended")
    );
    assert_eq!(teacher.balance(None).await.unwrap().balance, 0);

    // A 15-minute need with a four-hour window that opened an hour ago: a day's minutes, 1900,
    // or before it existed are refused.
    let grandma = app.resident("grandma").await;
    let start = Utc::now() - Duration::hours(1);
    let n = grandma
        .create_need(&NewNeed {
            window_start: start,
            window_end: start + Duration::hours(4),
            ..need(1)
        })
        .await
        .unwrap();
    let rider = app.volunteer("rider").await;
    rider.claim_need(n.id, None).await.unwrap();
    let report = |minutes, started_at| CompletionRequest {
        minutes,
        started_at,
        note: String::new(),
    };
    let refusal = |r: Result<_, mini::ApiFailure>| r.unwrap_err().code().to_string();
    assert_eq!(
        refusal(
            rider
                .complete_need(n.id, &report(1440, None), Some(&key()))
                .await
        ),
        "minutes_exceed_window"
    );
    let y1900 = chrono::DateTime::parse_from_rfc3339("1900-01-01T08:00:00Z")
        .unwrap()
        .to_utc();
    assert_eq!(
        refusal(
            rider
                .complete_need(n.id, &report(15, Some(y1900)), Some(&key()))
                .await
        ),
        "invalid_span"
    );
    // Before its window opened, and before it was posted.
    let before = Utc::now() - Duration::minutes(90);
    assert_eq!(
        refusal(
            rider
                .complete_need(n.id, &report(15, Some(before)), Some(&key()))
                .await
        ),
        "invalid_span"
    );
    rider
        .complete_need(n.id, &report(3, None), Some(&key()))
        .await
        .unwrap();
}

async fn the_evaluation_agrees_with_the_merchant_table(db: Db) {
    let app = spawn(db);
    let admin = app.staff("community_admin").await;
    let (merchant, clerk, offer) = shop(&app, &admin, 10, 10, 5).await;
    let wang = app.resident("wang").await;
    fund(&admin, &wang, 30).await;
    let v = wang.redeem_offer(offer, Some(&key())).await.unwrap();
    clerk.use_voucher(&v.code, Some(&key())).await.unwrap();
    wang.redeem_offer(offer, Some(&key())).await.unwrap();
    let _ = clerk.use_voucher("AAAA-AAAA-AAAAA", Some(&key())).await;
    wang.create_suggestion(&NewSuggestion {
        category: SuggestionCategory::Complaint,
        text: "水果不新鲜".into(),
        anonymous: false,
        merchant_id: Some(merchant),
        project_id: None,
        source: None,
    })
    .await
    .unwrap();

    // The year as people here count it, from 1 January in Beijing time.
    let year = (Utc::now() + Duration::hours(8)).format("%Y").to_string();
    let y: i32 = year.parse().unwrap();
    let from = format!("{y}-01-01T00:00:00%2B08:00");
    let to = format!("{}-01-01T00:00:00%2B08:00", y + 1);
    let table = admin
        .stats_table("merchants", &format!("from={from}&to={to}"))
        .await
        .unwrap();
    let row = table
        .rows
        .iter()
        .find(|r| r["merchant_id"] == serde_json::json!(merchant.to_string()))
        .unwrap();
    let e = admin
        .evaluate_merchant(
            merchant,
            &EvaluationRequest {
                year: y,
                decision: EvaluationDecision::Pass,
                note: "良好".into(),
            },
        )
        .await
        .unwrap();
    let f = e.figures;
    assert_eq!(row["complaints"], serde_json::json!(1));
    assert_eq!(
        [
            f.vouchers_issued,
            f.vouchers_used,
            f.refused_attempts,
            f.complaints
        ],
        [
            row["vouchers_issued"].as_i64().unwrap(),
            row["vouchers_used"].as_i64().unwrap(),
            row["checks_refused"].as_i64().unwrap(),
            row["complaints"].as_i64().unwrap(),
        ]
    );
    assert_eq!(
        [f.vouchers_issued, f.vouchers_used, f.complaints],
        [2, 1, 1]
    );
}

async fn the_clerk_lock_counts_only_wrong_codes(db: Db) {
    let app = spawn(db);
    let admin = app.staff("community_admin").await;
    let (_, clerk, offer) = shop(&app, &admin, 1, 50, 50).await;
    let wang = app.resident("wang").await;
    fund(&admin, &wang, 50).await;
    // A colleague scanned it first: twelve refusals for the voucher's state, no guess.
    let v = wang.redeem_offer(offer, Some(&key())).await.unwrap();
    clerk.use_voucher(&v.code, Some(&key())).await.unwrap();
    for _ in 0..12 {
        let e = clerk.use_voucher(&v.code, Some(&key())).await.unwrap_err();
        assert_eq!(e.code(), "voucher_already_used");
    }
    let fresh = wang.redeem_offer(offer, Some(&key())).await.unwrap();
    clerk.use_voucher(&fresh.code, Some(&key())).await.unwrap();
    // Ten wrong codes, and the counter waits.
    for i in 0..10 {
        let e = clerk
            .use_voucher(&format!("2222-2222-{i:05}"), Some(&key()))
            .await
            .unwrap_err();
        assert_eq!(e.status, StatusCode::NOT_FOUND);
    }
    let next = wang.redeem_offer(offer, Some(&key())).await.unwrap();
    let e = clerk
        .use_voucher(&next.code, Some(&key()))
        .await
        .unwrap_err();
    assert_eq!(
        (e.status, e.code()),
        (StatusCode::TOO_MANY_REQUESTS, "too_many_attempts")
    );
}

/// Each kind of break, planted directly in the database, is named by the audit with its id.
async fn the_audit_names_every_planted_break(db: Db) {
    use canglong_persistence::Id;
    use canglong_persistence::schema::{checkins, enrolments, service_records, vouchers};
    use diesel::prelude::*;

    let app = spawn(db);
    let admin = app.staff("community_admin").await;
    let sw = app.staff("social_worker").await;
    let (_, clerk) = admitted_merchant(&app, &admin, "鲜果园").await;
    let offer = active_offer(&admin, &clerk, None, 10, 20, 20).await;
    let wang = app.resident("wang").await;
    fund(&admin, &wang, 200).await;
    let mut v = vec![];
    for _ in 0..6 {
        v.push(wang.redeem_offer(offer, Some(&key())).await.unwrap().id);
    }
    wang.cancel_voucher(v[4]).await.unwrap();
    // Redemptions, newest first: v5, v4, v3, v2, v1, v0.
    let redemptions: Vec<Uuid> = wang
        .transactions(&TransactionQuery {
            limit: Some(100),
            ..Default::default()
        })
        .await
        .unwrap()
        .items
        .iter()
        .filter(|t| t.kind == TransactionKind::Redeem)
        .map(|t| t.transaction_id)
        .collect();
    admin
        .reverse_transaction(redemptions[2], "误兑")
        .await
        .unwrap();
    let class = session(&sw, Duration::minutes(-5)).await;
    let seat = seat_offer(&admin, class, 10).await;
    let seat_voucher = wang.redeem_seat(seat, vec![], &key()).await.unwrap().id;
    let on = session(&sw, Duration::minutes(-5)).await;
    wang.enrol(on, vec![]).await.unwrap();
    let code = sw.checkin_code(on).await.unwrap().code;
    wang.check_in(on, &code).await.unwrap();
    let attendance = last_tx(&wang, TransactionKind::Bonus).await;
    let grandma = app.resident("grandma").await;
    let (rider, need, record) = served(&app, &grandma, "rider").await;
    grandma.rate_need(need, &five_stars()).await.unwrap();
    let credit = sw
        .verify_service_record(record, &verdict(true), Some(&key()))
        .await
        .unwrap()
        .transaction
        .unwrap()
        .id;
    let bonus = last_tx(&rider, TransactionKind::Bonus).await;
    let (_, _, early) = served(&app, &grandma, "early").await;
    sw.verify_service_record(early, &verdict(true), Some(&key()))
        .await
        .unwrap();
    let r = admin.reconciliation().await.unwrap();
    assert!(clean(&r), "clean before planting: {r:?}");

    let mut conn = app.pool.get().unwrap();
    let c = &mut *conn;
    // v0 names v5's redemption; v5 is gone, its redemption issued nothing.
    diesel::update(vouchers::table.find(Id(v[0])))
        .set(vouchers::redeem_transaction_id.eq(Id(redemptions[0])))
        .execute(c)
        .unwrap();
    diesel::delete(vouchers::table.find(Id(v[5])))
        .execute(c)
        .unwrap();
    // v1 carries v4's refund while still issued.
    let refund: Option<Id> = vouchers::table
        .find(Id(v[4]))
        .select(vouchers::refund_transaction_id)
        .first(c)
        .unwrap();
    diesel::update(vouchers::table.find(Id(v[1])))
        .set(vouchers::refund_transaction_id.eq(refund))
        .execute(c)
        .unwrap();
    // v2 void without a reversal; v3 reversed but live again.
    for (id, status) in [(v[2], "void"), (v[3], "issued")] {
        diesel::update(vouchers::table.find(Id(id)))
            .set(vouchers::status.eq(status))
            .execute(c)
            .unwrap();
    }
    // The seat given up while its voucher lives.
    diesel::update(enrolments::table.filter(enrolments::session_id.eq(Id(class))))
        .set(enrolments::status.eq("cancelled"))
        .execute(c)
        .unwrap();
    // The five-star record failed after all, with a day and more of minutes.
    diesel::update(service_records::table.find(Id(record)))
        .set((
            service_records::status.eq("rejected"),
            service_records::minutes_approved.eq(Some(2000)),
        ))
        .execute(c)
        .unwrap();
    // A record verified an hour before its work ended.
    let ended: Option<chrono::NaiveDateTime> = service_records::table
        .find(Id(early))
        .select(service_records::ended_at)
        .first(c)
        .unwrap();
    diesel::update(service_records::table.find(Id(early)))
        .set(service_records::verified_at.eq(ended.map(|e| e - Duration::hours(1))))
        .execute(c)
        .unwrap();
    // Attendance checked in a week before the session.
    diesel::update(checkins::table.filter(checkins::session_id.eq(Id(on))))
        .set(checkins::created_at.eq(canglong_core::now() - Duration::days(7)))
        .execute(c)
        .unwrap();
    drop(conn);

    let r = admin.reconciliation().await.unwrap();
    let expect = [
        (ChainInvariant::RedemptionMissing, vec![v[0]]),
        (
            ChainInvariant::RedemptionWithoutVoucher,
            vec![redemptions[0]],
        ),
        (ChainInvariant::RefundMismatch, vec![v[1]]),
        (ChainInvariant::VoidWithoutReversal, vec![v[2]]),
        (ChainInvariant::ReversedVoucherLive, vec![v[3]]),
        (ChainInvariant::SeatMismatch, vec![seat_voucher]),
        (ChainInvariant::BonusWithoutPass, vec![bonus]),
        (ChainInvariant::CreditUnfit, vec![credit]),
        (ChainInvariant::AttendanceOutsideSession, vec![attendance]),
        (ChainInvariant::VerifiedBeforeEnd, vec![early]),
    ];
    assert_eq!(r.chain.len(), expect.len(), "every invariant is checked");
    for (check, ids) in expect {
        assert_eq!(broken(&r, check), ids, "{check:?}");
    }
}

/// A merchant leaves while residents redeem its offers: no deadlock, no 5xx; each redemption
/// either lands before the exit (and is refunded by it) or is refused after it.
async fn a_merchant_exit_racing_redemptions_refunds_everything(db: Db) {
    let app = spawn(db);
    let admin = app.staff("community_admin").await;
    let (merchant, clerk) = admitted_merchant(&app, &admin, "鲜果园").await;
    let mut offers = vec![];
    for _ in 0..3 {
        offers.push(active_offer(&admin, &clerk, None, 10, 100, 100).await);
    }
    let mut residents = vec![];
    for i in 0..12 {
        let r = app.resident(&format!("r{i}")).await;
        fund(&admin, &r, 100).await;
        residents.push(r);
    }
    let keys: Vec<String> = (0..residents.len() * 3).map(|_| key()).collect();
    let redeem = join_all((0..residents.len() * 3).map(|n| {
        let (r, offer) = (&residents[n / 3], offers[n % 3]);
        r.redeem_offer(offer, Some(&keys[n]))
    }));
    let exit = async {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        admin.exit_merchant(merchant, "停业").await
    };
    let (results, exited) = tokio::join!(redeem, exit);
    exited.unwrap();
    for r in &results {
        if let Err(e) = r {
            assert!(
                e.status.is_client_error() && e.code() == "offer_inactive",
                "a redemption after the exit is refused, not failed: {e:?}"
            );
        }
    }
    // Every point came back: each resident holds 100 again, every voucher refunded.
    for r in &residents {
        assert_eq!(r.balance(None).await.unwrap().balance, 100);
        let vs = r.list_vouchers(&VoucherQuery::default()).await.unwrap();
        assert!(vs.items.iter().all(|v| v.status == VoucherStatus::Refunded));
    }
    assert!(clean(&admin.reconciliation().await.unwrap()));
}

/// A class counts in the period it starts in; visits are the period's check-ins, and the
/// projects table, the daily visits and the overview's peak add up to the same people.
async fn figures_agree_on_classes_and_visits(db: Db) {
    let app = spawn(db);
    let admin = app.staff("community_admin").await;
    let sw = app.staff("social_worker").await;
    let started = Utc::now() - Duration::minutes(10);
    let class = session(&sw, Duration::minutes(-10)).await;
    let other = session(&sw, Duration::minutes(-10)).await;
    let parent = app.resident("liu").await;
    let child = child_of(&parent).await;
    parent.enrol(class, vec![child]).await.unwrap();
    let code = sw.checkin_code(class).await.unwrap().code;
    parent.check_in(class, &code).await.unwrap();
    let alone = app.resident("zhao").await;
    alone.enrol(other, vec![]).await.unwrap();
    let code = sw.checkin_code(other).await.unwrap().code;
    alone.check_in(other, &code).await.unwrap();

    let rfc = |t: chrono::DateTime<Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let to = Utc::now() + Duration::hours(1);
    let period = |from| format!("from={}&to={}", rfc(from), rfc(to));
    // The check-ins fall in a period that begins after the classes started: they are visits,
    // but those classes belong to the period they started in.
    let late = admin
        .stats_overview(&period(started + Duration::minutes(5)))
        .await
        .unwrap()
        .figures;
    assert_eq!(late.parent_child_classes.value, 0.0);
    assert_eq!(late.peak_daily_visits.value, 3.0);
    let whole = admin
        .stats_overview(&period(started - Duration::hours(1)))
        .await
        .unwrap()
        .figures;
    assert_eq!(whole.parent_child_classes.value, 1.0);
    assert_eq!(whole.peak_daily_visits.value, 3.0);

    for from in [started - Duration::hours(1), started + Duration::minutes(5)] {
        let table = admin.stats_table("projects", &period(from)).await.unwrap();
        let in_projects: i64 = table
            .rows
            .iter()
            .map(|r| r["visits"].as_i64().unwrap())
            .sum();
        let days = sw
            .daily_visits(&VisitsQuery {
                from: Some(from),
                to: Some(to),
                place_id: None,
            })
            .await
            .unwrap();
        let per_day: i64 = days.items.iter().map(|d| d.visits).sum();
        assert_eq!((in_projects, per_day), (3, 3), "from {from}");
    }
}
