use canglong_openapi::{CompletionRequest, NeedAction, NeedQuery, NeedStatus, RatingRequest};
use canglong_tests::{Db, both, need, spawn};
use reqwest::StatusCode;

both!(
    full_lifecycle,
    refusals,
    withdraw_and_cancel,
    staff_posts_on_behalf,
    lists_and_visibility,
    recommended_fit,
    a_retried_post_posts_once
);

/// A need posted with an Idempotency-Key and retried (the answer lost, or sent to another
/// server) is one need; the key with another body is refused; without a key, each post is new.
async fn a_retried_post_posts_once(db: Db) {
    let app = spawn(db);
    let grandma = app.resident("retry-wang").await;
    // A retry sends the very same request.
    let body = need(1);
    let first = grandma.create_need_once(&body, "post-1").await.unwrap();
    let again = grandma.create_need_once(&body, "post-1").await.unwrap();
    assert_eq!(first.id, again.id);
    let mut other = body.clone();
    other.title = "另一件事".into();
    let e = grandma
        .create_need_once(&other, "post-1")
        .await
        .unwrap_err();
    assert_eq!(
        (e.status, e.code()),
        (StatusCode::CONFLICT, "idempotency_key_reused")
    );
    // The answer names where the need lives, first time and replayed.
    let http = reqwest::Client::new();
    let token = grandma.token().unwrap().to_string();
    let body = need(2);
    let mut ids = vec![];
    for _ in 0..2 {
        let r = http
            .post(format!("{}/api/v1/needs", app.base))
            .bearer_auth(&token)
            .header("Idempotency-Key", "post-2")
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::CREATED);
        let location = r.headers()["location"].to_str().unwrap().to_string();
        let id = r.json::<canglong_openapi::Need>().await.unwrap().id;
        assert_eq!(location, format!("/api/v1/needs/{id}"));
        ids.push(id);
    }
    assert_eq!(ids[0], ids[1]);
    let a = grandma.create_need(&need(1)).await.unwrap();
    let b = grandma.create_need(&need(1)).await.unwrap();
    assert_ne!(a.id, b.id);
    let mine = grandma
        .list_needs(&NeedQuery {
            mine: Some(true),
            ..NeedQuery::default()
        })
        .await
        .unwrap();
    assert_eq!(
        mine.items.len(),
        4,
        "post-1, post-2 and the two without a key"
    );
}

async fn full_lifecycle(db: Db) {
    let app = spawn(db);
    let grandma = app.resident("wang").await;
    let rider = app.volunteer("xiaowu").await;

    let posted = grandma.create_need(&need(1)).await.unwrap();

    app.posted_earlier(posted.id);
    assert_eq!(posted.status, NeedStatus::Open);
    assert!(posted.micro, "15 minutes is a micro-service");

    let claim = rider.claim_need(posted.id, None).await.unwrap();
    assert_eq!(claim.status, canglong_openapi::ClaimStatus::Active);
    assert_eq!(
        rider.get_need(posted.id).await.unwrap().need.status,
        NeedStatus::Claimed
    );

    let done = rider
        .complete_need(
            posted.id,
            &CompletionRequest {
                started_at: None,
                minutes: 20,
                note: "药已送到".into(),
            },
            None,
        )
        .await
        .unwrap();
    assert_eq!(done.need.status, NeedStatus::Done);
    assert_eq!(
        done.service_record.status,
        canglong_openapi::RecordStatus::Pending
    );
    assert_eq!(done.service_record.minutes_reported, 20);
    assert_eq!(done.service_record.need_id, Some(posted.id));

    let confirmed = grandma.confirm_need(posted.id).await.unwrap();
    assert_eq!(confirmed.status, NeedStatus::Confirmed);

    let rating = grandma
        .rate_need(
            posted.id,
            &RatingRequest {
                stars: 2,
                tags: vec!["迟到".into()],
                comment: "来晚了".into(),
            },
        )
        .await
        .unwrap();
    assert!(
        rating.flagged,
        "a low rating is flagged for a social worker"
    );

    let detail = grandma.get_need(posted.id).await.unwrap();
    let actions: Vec<NeedAction> = detail.history.iter().map(|h| h.action).collect();
    assert_eq!(
        actions,
        [
            NeedAction::Posted,
            NeedAction::Claimed,
            NeedAction::Completed,
            NeedAction::Confirmed,
            NeedAction::Rated
        ]
    );
    assert_eq!(detail.claims.len(), 1);
    assert_eq!(detail.claims[0].minutes, Some(20));
    assert_eq!(detail.rating.unwrap().stars, 2);
}

async fn refusals(db: Db) {
    let app = spawn(db);
    let grandma = app.resident("wang").await;
    let neighbour = app.resident("li").await;
    let rider = app.volunteer("xiaowu").await;
    let n = grandma.create_need(&need(1)).await.unwrap();
    app.posted_earlier(n.id);

    // A resident who is not a volunteer may not claim.
    let e = neighbour.claim_need(n.id, None).await.unwrap_err();
    assert_eq!(
        (e.status, e.code()),
        (StatusCode::FORBIDDEN, "not_a_volunteer")
    );

    // A volunteer may not claim their own need.
    let own = rider.create_need(&need(1)).await.unwrap();
    app.posted_earlier(own.id);
    let e = rider.claim_need(own.id, None).await.unwrap_err();
    assert_eq!(
        (e.status, e.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "own_need")
    );

    // Only a claimant may complete; nothing to confirm or rate before the service is done.
    let e = rider
        .complete_need(
            n.id,
            &CompletionRequest {
                started_at: None,
                minutes: 10,
                note: String::new(),
            },
            None,
        )
        .await
        .unwrap_err();
    assert_eq!(e.status, StatusCode::FORBIDDEN);
    let e = grandma.confirm_need(n.id).await.unwrap_err();
    assert_eq!(
        (e.status, e.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_transition")
    );
    let e = grandma
        .rate_need(
            n.id,
            &RatingRequest {
                stars: 5,
                tags: vec![],
                comment: String::new(),
            },
        )
        .await
        .unwrap_err();
    assert_eq!(e.status, StatusCode::UNPROCESSABLE_ENTITY);

    // A volunteer claims twice → 409; someone else's need may not be cancelled by a resident.
    rider.claim_need(n.id, None).await.unwrap();
    let e = rider.claim_need(n.id, None).await.unwrap_err();
    assert_eq!(
        (e.status, e.code()),
        (StatusCode::CONFLICT, "already_claimed")
    );
    let e = neighbour.cancel_need(n.id, "not mine").await.unwrap_err();
    assert_eq!(
        e.status,
        StatusCode::NOT_FOUND,
        "a plain resident does not see others' needs"
    );

    // The requester rates once; the second time is 409.
    rider
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
    let r = RatingRequest {
        stars: 5,
        tags: vec![],
        comment: "谢谢".into(),
    };
    grandma.rate_need(n.id, &r).await.unwrap();
    let e = grandma.rate_need(n.id, &r).await.unwrap_err();
    assert_eq!(
        (e.status, e.code()),
        (StatusCode::CONFLICT, "already_rated")
    );
    // The volunteer may not rate the need they served.
    let e = rider.rate_need(n.id, &r).await.unwrap_err();
    assert_eq!(e.status, StatusCode::FORBIDDEN);

    // Claiming a cancelled need → 422.
    let c = grandma.create_need(&need(1)).await.unwrap();
    app.posted_earlier(c.id);
    grandma.cancel_need(c.id, "家人已买").await.unwrap();
    let e = rider.claim_need(c.id, None).await.unwrap_err();
    assert_eq!(
        (e.status, e.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_transition")
    );

    // A volunteer of another community does not see the need at all.
    let other = app.other_community();
    let admin_other = app.staff_of("community_admin", other).await;
    let stranger = app.resident_of("stranger", other).await;
    let profile = stranger
        .apply_volunteer(&canglong_tests::application())
        .await
        .unwrap();
    admin_other
        .decide_volunteer(profile.id, true, None)
        .await
        .unwrap();
    let e = stranger.get_need(n.id).await.unwrap_err();
    assert_eq!(e.status, StatusCode::NOT_FOUND);
    let e = stranger.claim_need(c.id, None).await.unwrap_err();
    assert_eq!(e.status, StatusCode::NOT_FOUND);
    let e = admin_other.cancel_need(n.id, "x").await.unwrap_err();
    assert_eq!(e.status, StatusCode::NOT_FOUND);

    // Merchant staff may not post needs.
    let merchant = app.staff("merchant_staff").await;
    let e = merchant.create_need(&need(1)).await.unwrap_err();
    assert_eq!(e.status, StatusCode::FORBIDDEN);
}

async fn withdraw_and_cancel(db: Db) {
    let app = spawn(db);
    let grandma = app.resident("wang").await;
    let admin = app.staff("community_admin").await;
    let a = app.volunteer_approved_by("a", &admin).await;
    let b = app.volunteer_approved_by("b", &admin).await;
    let n = grandma.create_need(&need(1)).await.unwrap();
    app.posted_earlier(n.id);

    a.claim_need(n.id, None).await.unwrap();
    let e = b.claim_need(n.id, None).await.unwrap_err();
    assert_eq!((e.status, e.code()), (StatusCode::CONFLICT, "need_full"));
    let reopened = a.withdraw_claim(n.id).await.unwrap();
    assert_eq!(
        (reopened.status, reopened.slots_taken),
        (NeedStatus::Open, 0)
    );
    let e = a.withdraw_claim(n.id).await.unwrap_err();
    assert_eq!(e.status, StatusCode::NOT_FOUND, "nothing left to withdraw");
    b.claim_need(n.id, None).await.unwrap();

    let cancelled = grandma.cancel_need(n.id, "不需要了").await.unwrap();
    assert_eq!(cancelled.status, NeedStatus::Cancelled);
    let detail = grandma.get_need(n.id).await.unwrap();
    assert!(
        detail
            .claims
            .iter()
            .all(|c| c.status != canglong_openapi::ClaimStatus::Active)
    );
    assert_eq!(
        detail.history.last().unwrap().note.as_deref(),
        Some("不需要了")
    );
    let e = grandma.cancel_need(n.id, "again").await.unwrap_err();
    assert_eq!(e.status, StatusCode::UNPROCESSABLE_ENTITY);
}

async fn staff_posts_on_behalf(db: Db) {
    let app = spawn(db);
    let grandma = app.resident("wang").await;
    let grandma_id = grandma.me().await.unwrap().id;
    let worker = app.staff("social_worker").await;
    let mut n = need(1);
    n.on_behalf_of = Some(grandma_id);
    let posted = worker.create_need(&n).await.unwrap();
    app.posted_earlier(posted.id);
    assert_eq!(posted.requester_id, grandma_id);
    assert_ne!(posted.posted_by, grandma_id);
    // The elderly resident sees it as hers.
    let mine = grandma
        .list_needs(&NeedQuery {
            mine: Some(true),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(mine.items.len(), 1);

    // A resident may not post on behalf of someone else; nor may staff for another community.
    let e = app.resident("li").await.create_need(&n).await.unwrap_err();
    assert_eq!(
        (e.status, e.code()),
        (StatusCode::FORBIDDEN, "on_behalf_requires_staff")
    );
    let foreign = app.staff_of("social_worker", app.other_community()).await;
    let e = foreign.create_need(&n).await.unwrap_err();
    assert_eq!(
        (e.status, e.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "unknown_resident")
    );
}

async fn lists_and_visibility(db: Db) {
    let app = spawn(db);
    let grandma = app.resident("wang").await;
    let parent = app.resident("liu").await;
    let rider = app.volunteer("xiaowu").await;
    for _ in 0..5 {
        grandma.create_need(&need(1)).await.unwrap();
    }
    let mut tutoring = need(1);
    tutoring.category = canglong_openapi::Category::Tutoring;
    tutoring.target_group = canglong_openapi::TargetGroup::Child;
    tutoring.estimated_minutes = 60;
    tutoring.place = "8栋1单元".into();
    parent.create_need(&tutoring).await.unwrap();

    // A volunteer sees all six, newest first, in keyset pages.
    let first = rider
        .list_needs(&NeedQuery {
            limit: Some(4),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(first.items.len(), 4);
    assert_eq!(
        first.items[0].category,
        canglong_openapi::Category::Tutoring,
        "newest first"
    );
    let cursor = first.next_cursor.clone().expect("a second page");
    let second = rider
        .list_needs(&NeedQuery {
            limit: Some(4),
            cursor: Some(cursor),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(second.items.len(), 2);
    assert!(second.next_cursor.is_none());
    let ids: std::collections::HashSet<_> = first
        .items
        .iter()
        .chain(&second.items)
        .map(|n| n.id)
        .collect();
    assert_eq!(ids.len(), 6);

    // Filters.
    let micro = rider
        .list_needs(&NeedQuery {
            micro: Some(true),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(micro.items.len(), 5);
    let near = rider
        .list_needs(&NeedQuery {
            place: Some("8栋".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(near.items.len(), 1);
    let children = rider
        .list_needs(&NeedQuery {
            target_group: Some(canglong_openapi::TargetGroup::Child),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(children.items.len(), 1);

    // A plain resident sees only their own.
    let own = parent.list_needs(&NeedQuery::default()).await.unwrap();
    assert_eq!(own.items.len(), 1);

    // A forged cursor is refused.
    let e = rider
        .list_needs(&NeedQuery {
            cursor: Some("forged".into()),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(
        (e.status, e.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_cursor")
    );
}

async fn recommended_fit(db: Db) {
    let app = spawn(db);
    let grandma = app.resident("wang").await;
    let rider = app.volunteer("xiaowu").await; // skills: medicine_run, places: 3栋, flexible
    let fit = grandma.create_need(&need(1)).await.unwrap();
    app.posted_earlier(fit.id);
    let mut other = need(1);
    other.category = canglong_openapi::Category::Repair;
    other.place = "9栋".into();
    other.estimated_minutes = 90;
    let loose = grandma.create_need(&other).await.unwrap();
    app.posted_earlier(loose.id);
    let list = rider.recommended_needs().await.unwrap();
    assert_eq!(
        list.items[0].need.id, fit.id,
        "the medicine run near 3栋 fits best"
    );
    assert!(
        list.items[0].score
            > list
                .items
                .iter()
                .find(|r| r.need.id == loose.id)
                .map_or(0, |r| r.score)
    );
    let e = grandma.recommended_needs().await.unwrap_err();
    assert_eq!(e.status, StatusCode::FORBIDDEN);
}
