//! The suggestion box, notices that follow events, and the WeChat outbox: delivered exactly
//! once through failures, restarts and concurrent senders.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use canglong_api::jobs::sweep;
use canglong_api::outbox::{DeliveryReport, deliver};
use canglong_api::wechat::WechatClient;
use canglong_openapi::{
    CompletionRequest, MeUpdate, Quality, SuggestionCategory, SuggestionResponse, SuggestionSource,
    SuggestionStatus, VerificationRequest,
};
use canglong_persistence::notifications as store;
use canglong_persistence::schema::vouchers;
use canglong_persistence::write_tx;
use canglong_tests::{
    Db, TestApp, active_offer, admitted_merchant, both, fund, need, spawn, spawn_with, suggestion,
};
use diesel::prelude::*;

both!(
    suggestion_box,
    notices_follow_events,
    outbox_delivers_exactly_once,
    refused_and_dead_letters,
    access_token_single_flight
);

async fn suggestion_box(db: Db) {
    let app = spawn(db);
    let shy = app.resident("shy").await;
    let open = app.resident("open").await;
    let worker = app.staff("social_worker").await;
    let shy_id = shy.me().await.unwrap().id;
    let open_id = open.me().await.unwrap().id;

    let secret = shy
        .create_suggestion(&suggestion(
            SuggestionCategory::Complaint,
            "楼道灯坏了很久没人修",
            true,
        ))
        .await
        .unwrap();
    assert_eq!(
        secret.author_id,
        Some(shy_id),
        "the author sees their own name"
    );
    let named = open
        .create_suggestion(&suggestion(
            SuggestionCategory::CourseWanted,
            "希望开智能手机课",
            false,
        ))
        .await
        .unwrap();
    let mut paper = suggestion(
        SuggestionCategory::UrgentService,
        "纸条：三栋需要助浴服务",
        false,
    );
    paper.source = Some(SuggestionSource::Paper);
    let paper = worker.create_suggestion(&paper).await.unwrap();
    assert_eq!(
        (paper.source, paper.author_id),
        (SuggestionSource::Paper, None)
    );
    // Residents cannot pretend to be the paper box.
    let mut fake = suggestion(SuggestionCategory::Other, "冒充纸条", false);
    fake.source = Some(SuggestionSource::Paper);
    assert_eq!(open.create_suggestion(&fake).await.unwrap_err().status, 403);

    // Staff see every suggestion, the anonymous one without its author.
    let all = worker.list_suggestions("").await.unwrap();
    assert_eq!(all.items.len(), 3);
    let seen = |id| all.items.iter().find(|s| s.id == id).unwrap().author_id;
    assert_eq!(seen(secret.id), None);
    assert_eq!(seen(named.id), Some(open_id));
    // Other residents see neither the unanswered suggestions nor, later, the author.
    assert!(
        open.list_suggestions("")
            .await
            .unwrap()
            .items
            .iter()
            .all(|s| s.id != secret.id)
    );
    let answer = SuggestionResponse {
        status: SuggestionStatus::Adopted,
        response: "已报修，本周内修好".into(),
    };
    assert_eq!(
        shy.respond_suggestion(secret.id, &answer)
            .await
            .unwrap_err()
            .status,
        403
    );
    let answered = worker.respond_suggestion(secret.id, &answer).await.unwrap();
    assert_eq!(answered.status, SuggestionStatus::Adopted);
    let public = open.list_suggestions("").await.unwrap();
    let shown = public.items.iter().find(|s| s.id == secret.id).unwrap();
    assert_eq!(
        (shown.author_id, shown.response.as_deref()),
        (None, Some("已报修，本周内修好"))
    );
    let inbox = shy.notifications().await.unwrap();
    assert!(
        inbox
            .items
            .iter()
            .any(|n| n.kind == canglong_openapi::NoticeKind::SuggestionAnswered)
    );

    // The export hides the anonymous author too; residents get no export.
    let csv = worker.csv("/api/v1/suggestions?format=csv").await.unwrap();
    assert!(csv.starts_with('\u{feff}'));
    assert!(csv.contains(&open_id.to_string()));
    assert!(
        !csv.contains(&shy_id.to_string()),
        "anonymous author leaked: {csv}"
    );
    assert_eq!(
        open.csv("/api/v1/suggestions?format=csv")
            .await
            .unwrap_err()
            .status,
        403
    );

    // Clear refusals: too long, too short, an unknown category, a merchant that is not here.
    let long = "长".repeat(1001);
    let e = open
        .create_suggestion(&suggestion(SuggestionCategory::Other, &long, false))
        .await
        .unwrap_err();
    assert_eq!(e.status, 422);
    assert_eq!(e.problem.unwrap().errors[0].field, "text");
    let e = open
        .create_suggestion(&suggestion(SuggestionCategory::Other, " 好 ", false))
        .await
        .unwrap_err();
    assert_eq!(e.status, 422);
    let raw = open
        .request(reqwest::Method::POST, "/api/v1/suggestions")
        .json(&serde_json::json!({"category": "gossip", "text": "随便说说"}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        raw.status(),
        422,
        "an unknown category is a well-formed but invalid value"
    );
    let mut linked = suggestion(SuggestionCategory::Complaint, "这家店不好", false);
    linked.merchant_id = Some(uuid::Uuid::now_v7());
    assert_eq!(
        open.create_suggestion(&linked).await.unwrap_err().status,
        404
    );
    // Another community's staff cannot answer it.
    let elsewhere = app.staff_of("social_worker", app.other_community()).await;
    assert_eq!(
        elsewhere
            .respond_suggestion(named.id, &answer)
            .await
            .unwrap_err()
            .status,
        404
    );
    // Counts by theme.
    let t = worker
        .stats_table("suggestions", "group_by=category")
        .await
        .unwrap();
    let count = |c: &str| {
        t.rows
            .iter()
            .find(|r| r["category"] == c)
            .map_or(0, |r| r["suggestions"].as_i64().unwrap())
    };
    assert_eq!(
        (
            count("complaint"),
            count("course_wanted"),
            count("urgent_service")
        ),
        (1, 1, 1)
    );
}

fn kinds(items: &[canglong_openapi::Notification]) -> HashSet<String> {
    items
        .iter()
        .map(|n| {
            serde_json::to_value(n.kind)
                .unwrap()
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect()
}

async fn notices_follow_events(db: Db) {
    let app = spawn(db);
    let admin = app.staff("community_admin").await;
    let grandma = app.resident("notice-grandma").await;
    let rider = app.volunteer("notice-rider").await;
    let worker = app.staff("social_worker").await;
    assert!(kinds(&rider.notifications().await.unwrap().items).contains("volunteer_decided"));

    let n = grandma.create_need(&need(1)).await.unwrap();

    app.posted_earlier(n.id);
    rider.claim_need(n.id, None).await.unwrap();
    let done = rider
        .complete_need(
            n.id,
            &CompletionRequest {
                started_at: None,
                minutes: 20,
                note: String::new(),
            },
            None,
        )
        .await
        .unwrap();
    grandma.confirm_need(n.id).await.unwrap();
    worker
        .verify_service_record(
            done.service_record.id,
            &VerificationRequest {
                approved_minutes: 20,
                quality: Quality::Pass,
                note: None,
            },
            Some("verify-1"),
        )
        .await
        .unwrap();
    let g = kinds(&grandma.notifications().await.unwrap().items);
    assert!(
        g.contains("need_claimed") && g.contains("need_completed"),
        "{g:?}"
    );
    let r = rider.notifications().await.unwrap();
    let rk = kinds(&r.items);
    assert!(
        rk.contains("need_confirmed") && rk.contains("service_verified"),
        "{rk:?}"
    );
    let verified = r
        .items
        .iter()
        .find(|x| x.kind == canglong_openapi::NoticeKind::ServiceVerified)
        .unwrap();
    assert!(verified.body.contains("积分已入账"), "{}", verified.body);

    // Merchant applications: the applicant hears of each level's decision.
    admitted_merchant(&app, &admin, "果然鲜").await;
    let owner = app.resident("owner-果然鲜").await;
    let decided = owner
        .notifications()
        .await
        .unwrap()
        .items
        .into_iter()
        .filter(|n| n.kind == canglong_openapi::NoticeKind::MerchantDecided)
        .count();
    assert_eq!(decided, 2, "community review and subdistrict filing");

    // A voucher about to lapse: its holder is reminded once.
    let offer = active_offer(&admin, &admin, Some("community".into()), 10, 5, 1).await;
    fund(&admin, &grandma, 50).await;
    let v = grandma.redeem_offer(offer, Some("redeem-1")).await.unwrap();
    write_tx(&mut app.pool.get().unwrap(), |c| {
        diesel::update(vouchers::table.filter(vouchers::code.eq(&v.code)))
            .set(vouchers::expires_at.eq(canglong_core::now() + chrono::Duration::days(1)))
            .execute(c)
    })
    .unwrap();
    assert_eq!(
        sweep(&app.pool, &app.state().timing)
            .unwrap()
            .vouchers_reminded,
        1
    );
    assert_eq!(
        sweep(&app.pool, &app.state().timing)
            .unwrap()
            .vouchers_reminded,
        0
    );
    let reminders = grandma
        .notifications()
        .await
        .unwrap()
        .items
        .into_iter()
        .filter(|n| n.kind == canglong_openapi::NoticeKind::VoucherExpiring)
        .count();
    assert_eq!(reminders, 1);
}

fn with_templates(app_settings: &mut canglong_api::Settings, max_attempts: u32) {
    app_settings.wechat.wechat_templates = "need_claimed=TPL-CLAIM,need_completed=TPL-DONE,\
        need_confirmed=TPL-CONFIRM,service_verified=TPL-VERIFIED"
        .into();
    app_settings.wechat.outbox_backoff_secs = 0;
    app_settings.wechat.outbox_max_attempts = max_attempts;
}

async fn pass(app: &TestApp) -> DeliveryReport {
    let state = app.state();
    let mut policy = (*state.outbox).clone();
    policy.lease_secs = 1;
    deliver(&state.pool, &state.wechat, &policy).await.unwrap()
}

fn outbox(app: &TestApp) -> Vec<store::OutboxRow> {
    let page = canglong_core::PageRequest::parse(Some(100), None).unwrap();
    store::outbox_of(&mut app.pool.get().unwrap(), app.community_id, None, &page).unwrap()
}

async fn outbox_delivers_exactly_once(db: Db) {
    let mut app = spawn_with(db, |s| with_templates(s, 8));
    let grandma = app.resident("ob-grandma").await;
    grandma
        .subscribe(&["need_claimed", "need_completed"])
        .await
        .unwrap();
    let rider = app.volunteer("ob-rider").await;
    rider
        .subscribe(&["need_confirmed", "service_verified"])
        .await
        .unwrap();

    let n = grandma.create_need(&need(1)).await.unwrap();

    app.posted_earlier(n.id);
    rider.claim_need(n.id, None).await.unwrap();
    assert_eq!(outbox(&app).len(), 1, "written with the claim");

    // WeChat is down: the message waits, attempt after attempt.
    app.wechat.fail_next_sends(1000);
    assert_eq!(pass(&app).await.retried, 1);
    assert_eq!(pass(&app).await.retried, 1);
    let done = rider
        .complete_need(
            n.id,
            &CompletionRequest {
                started_at: None,
                minutes: 15,
                note: String::new(),
            },
            None,
        )
        .await
        .unwrap();
    // A sender takes the new message and dies before settling it; then the server restarts.
    let completed = outbox(&app)
        .into_iter()
        .find(|r| &*r.kind == "need_completed")
        .unwrap();
    let at = canglong_core::now();
    let taken = store::claim(
        &mut app.pool.get().unwrap(),
        completed.id.0,
        at,
        at + chrono::Duration::seconds(1),
    )
    .unwrap();
    assert!(taken);
    app.restart().await;
    app.wechat.fail_next_sends(0);
    let report = pass(&app).await;
    assert_eq!(
        report.sent, 1,
        "the one left by the dead sender waits for its lease"
    );
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(pass(&app).await.sent, 1);
    assert_eq!(pass(&app).await, DeliveryReport::default());
    let titles: Vec<String> = app
        .wechat
        .messages()
        .iter()
        .map(|m| m["data"]["thing1"]["value"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(titles.len(), 2, "{titles:?}");
    assert!(
        titles.contains(&"需求已被认领".to_string()) && titles.contains(&"服务已完成".to_string())
    );
    assert!(
        app.wechat
            .messages()
            .iter()
            .all(|m| m["touser"] == "o-ob-grandma")
    );
    // The message's time is Beijing time (within the minutes this test took).
    let beijing = |t: chrono::DateTime<chrono::Utc>| {
        (t + chrono::Duration::hours(8))
            .format("%Y-%m-%d %H:%M")
            .to_string()
    };
    let now = chrono::Utc::now();
    let recent: Vec<String> = (0..10)
        .map(|m| beijing(now - chrono::Duration::minutes(m)))
        .collect();
    for m in app.wechat.messages() {
        let time = m["data"]["time3"]["value"].as_str().unwrap().to_string();
        assert!(recent.contains(&time), "{time} is not Beijing time now");
    }

    // Two senders at once never send one message twice.
    let grandma = app.resident("ob-grandma").await;
    let rider = app.resident("ob-rider").await;
    let worker = app.staff("social_worker").await;
    grandma.confirm_need(n.id).await.unwrap();
    worker
        .verify_service_record(
            done.service_record.id,
            &VerificationRequest {
                approved_minutes: 15,
                quality: Quality::Pass,
                note: None,
            },
            Some("ob-verify"),
        )
        .await
        .unwrap();
    let (a, b) = tokio::join!(pass(&app), pass(&app));
    assert_eq!(a.sent + b.sent, 2);
    assert_eq!(app.wechat.messages().len(), 4);
    let rows = outbox(&app);
    assert_eq!(rows.len(), 4);
    assert!(rows.iter().all(|r| &*r.status == "sent"), "{rows:?}");

    // Grants are used up: a second claim notice reaches the inbox only.
    let again = grandma.create_need(&need(1)).await.unwrap();
    app.posted_earlier(again.id);
    rider.claim_need(again.id, None).await.unwrap();
    assert_eq!(outbox(&app).len(), 4);
    let inbox = grandma.notifications().await.unwrap();
    assert_eq!(
        inbox
            .items
            .iter()
            .filter(|n| n.kind == canglong_openapi::NoticeKind::NeedClaimed)
            .count(),
        2
    );
    // Staff see the outbox; residents do not.
    let admin = app.staff("community_admin").await;
    assert_eq!(admin.outbox("status=sent").await.unwrap().items.len(), 4);
    assert_eq!(grandma.outbox("").await.unwrap_err().status, 403);
}

async fn refused_and_dead_letters(db: Db) {
    let app = spawn_with(db, |s| with_templates(s, 2));
    let rider = app.volunteer("dl-rider").await;
    // 43101: the person refused; the claim still stands and the message is never retried.
    let li = app.resident("dl-li").await;
    li.subscribe(&["need_claimed"]).await.unwrap();
    app.wechat.refuse("o-dl-li");
    let n = li.create_need(&need(1)).await.unwrap();
    app.posted_earlier(n.id);
    rider.claim_need(n.id, None).await.unwrap();
    assert_eq!(pass(&app).await.failed_permanent, 1);
    assert_eq!(pass(&app).await, DeliveryReport::default());
    assert_eq!(li.get_need(n.id).await.unwrap().need.slots_taken, 1);

    // Failing every time: given up after the configured attempts.
    let zhao = app.resident("dl-zhao").await;
    zhao.subscribe(&["need_claimed"]).await.unwrap();
    let n = zhao.create_need(&need(1)).await.unwrap();
    app.posted_earlier(n.id);
    rider.claim_need(n.id, None).await.unwrap();
    app.wechat.fail_next_sends(100);
    assert_eq!(pass(&app).await.retried, 1);
    assert_eq!(pass(&app).await.dead, 1);
    assert_eq!(pass(&app).await, DeliveryReport::default());
    let statuses: HashSet<String> = outbox(&app)
        .into_iter()
        .map(|r| r.status.to_string())
        .collect();
    assert_eq!(
        statuses,
        HashSet::from(["failed_permanent".into(), "dead".into()])
    );

    // A person who turned need updates off gets no WeChat message (the inbox keeps the notice)
    // and keeps the grant.
    let zhou = app.resident("dl-zhou").await;
    zhou.subscribe(&["need_claimed"]).await.unwrap();
    zhou.update_me(&MeUpdate {
        nickname: None,
        phone: None,
        notification_preferences: Some([("need_updates".to_string(), false)].into()),
    })
    .await
    .unwrap();
    let n = zhou.create_need(&need(1)).await.unwrap();
    app.posted_earlier(n.id);
    rider.claim_need(n.id, None).await.unwrap();
    assert_eq!(outbox(&app).len(), 2);
    assert_eq!(zhou.subscribe(&[]).await.unwrap_err().status, 422);
    let kept = zhou.subscribe(&["need_claimed"]).await.unwrap();
    assert_eq!(kept.remaining["need_claimed"], 2);
    assert_eq!(
        zhou.subscribe(&["birthday"]).await.unwrap_err().code(),
        "unknown_kind"
    );
}

async fn access_token_single_flight(db: Db) {
    let app = spawn(db);
    let client = Arc::new(
        WechatClient::new(
            &app.wechat.base_url(),
            "wx-app",
            "wx-secret",
            Duration::from_secs(5),
        )
        .unwrap(),
    );
    let message = serde_json::json!({
        "touser": "o-someone", "template_id": "TPL",
        "data": {"thing1": {"value": "测试"}, "thing2": {"value": "测试"}}
    });
    let tasks: Vec<_> = (0..100)
        .map(|_| {
            let (c, m) = (client.clone(), message.clone());
            tokio::spawn(async move { c.send_subscribe(&m).await })
        })
        .collect();
    for t in tasks {
        assert_eq!(t.await.unwrap(), Some(0));
    }
    assert_eq!(
        app.wechat.token_fetches(),
        1,
        "a cold cache fetched once for 100 callers"
    );
    // WeChat invalidates the token: one refresh and one retry.
    app.wechat.expire_token();
    assert_eq!(client.send_subscribe(&message).await, Some(0));
    assert_eq!(app.wechat.token_fetches(), 2);
    assert_eq!(app.wechat.send_calls(), 102);
}
