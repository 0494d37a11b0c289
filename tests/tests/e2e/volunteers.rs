use canglong_openapi::{Availability, VolunteerQuery, VolunteerStatus, WeeklySlot};
use canglong_tests::{Db, application, both, need, spawn};
use reqwest::StatusCode;

both!(application_and_decisions, volunteer_boundaries);

async fn application_and_decisions(db: Db) {
    let app = spawn(db);
    let admin = app.staff("community_admin").await;
    let teacher = app.resident("zhang").await;
    let teams = admin.list_teams().await.unwrap();
    assert!(teams.items.is_empty());

    let mut a = application();
    a.availability = Availability::Weekly(vec![WeeklySlot {
        weekday: 6,
        from: "09:00".into(),
        to: "11:30".into(),
    }]);
    let applied = teacher.apply_volunteer(&a).await.unwrap();
    assert_eq!(applied.status, VolunteerStatus::Pending);
    let e = teacher.apply_volunteer(&a).await.unwrap_err();
    assert_eq!(
        (e.status, e.code()),
        (StatusCode::CONFLICT, "already_applied")
    );

    // A pending volunteer may not claim yet.
    let n = app
        .resident("wang")
        .await
        .create_need(&need(1))
        .await
        .unwrap();
    let e = teacher.claim_need(n.id, None).await.unwrap_err();
    assert_eq!(
        (e.status, e.code()),
        (StatusCode::FORBIDDEN, "volunteer_not_active")
    );

    let pending = admin
        .list_volunteers(&VolunteerQuery {
            status: Some(VolunteerStatus::Pending),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(pending.items.len(), 1);
    let approved = admin
        .decide_volunteer(applied.id, true, Some("培训合格"))
        .await
        .unwrap();
    assert_eq!(approved.status, VolunteerStatus::Active);
    assert!(
        teacher
            .me()
            .await
            .unwrap()
            .volunteer
            .is_some_and(|v| v.status == VolunteerStatus::Active)
    );
    teacher.claim_need(n.id, None).await.unwrap();

    // Suspend, and the volunteer can no longer claim; reinstate.
    let suspended = admin
        .decide_volunteer(applied.id, false, Some("投诉核查中"))
        .await
        .unwrap();
    assert_eq!(suspended.status, VolunteerStatus::Suspended);
    let n2 = app
        .resident("li")
        .await
        .create_need(&need(1))
        .await
        .unwrap();
    // The suspension ends the volunteer's tokens at once; signed in again, they are told why.
    let e = teacher.claim_need(n2.id, None).await.unwrap_err();
    assert_eq!(
        (e.status, e.code()),
        (StatusCode::UNAUTHORIZED, "token_revoked")
    );
    let teacher = app.resident("zhang").await;
    let e = teacher.claim_need(n2.id, None).await.unwrap_err();
    assert_eq!(
        (e.status, e.code()),
        (StatusCode::FORBIDDEN, "volunteer_suspended")
    );
    admin
        .decide_volunteer(applied.id, true, None)
        .await
        .unwrap();
    teacher.claim_need(n2.id, None).await.unwrap();

    // A rejected applicant may apply again.
    let other = app.resident("liu").await;
    let p = other.apply_volunteer(&application()).await.unwrap();
    admin
        .decide_volunteer(p.id, false, Some("信息不全"))
        .await
        .unwrap();
    let e = admin.decide_volunteer(p.id, true, None).await.unwrap_err();
    assert_eq!(
        e.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a rejected application is closed"
    );
    assert_eq!(
        other.apply_volunteer(&application()).await.unwrap().status,
        VolunteerStatus::Pending
    );

    // Bad availability is refused.
    let mut bad = application();
    bad.availability = Availability::Weekly(vec![WeeklySlot {
        weekday: 9,
        from: "09:00".into(),
        to: "08:00".into(),
    }]);
    let e = app
        .resident("zhao")
        .await
        .apply_volunteer(&bad)
        .await
        .unwrap_err();
    assert_eq!(
        (e.status, e.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_availability")
    );
}

async fn volunteer_boundaries(db: Db) {
    let app = spawn(db);
    let admin = app.staff("community_admin").await;
    let worker = app.staff("social_worker").await;
    let resident = app.resident("wang").await;
    let v = app.resident("xiaowu").await;
    let profile = v.apply_volunteer(&application()).await.unwrap();

    // Only a community admin decides; residents and social workers get 403.
    assert_eq!(
        resident
            .decide_volunteer(profile.id, true, None)
            .await
            .unwrap_err()
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        worker
            .decide_volunteer(profile.id, true, None)
            .await
            .unwrap_err()
            .status,
        StatusCode::FORBIDDEN
    );
    // Residents may not list volunteers, nor read another's profile; the volunteer reads their own.
    assert_eq!(
        resident
            .list_volunteers(&Default::default())
            .await
            .unwrap_err()
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        resident.get_volunteer(profile.id).await.unwrap_err().status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(v.get_volunteer(profile.id).await.unwrap().id, profile.id);
    worker.get_volunteer(profile.id).await.unwrap();

    // Staff of another community see nothing and decide nothing.
    let foreign = app.staff_of("community_admin", app.other_community()).await;
    assert_eq!(
        foreign.get_volunteer(profile.id).await.unwrap_err().status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        foreign
            .decide_volunteer(profile.id, true, None)
            .await
            .unwrap_err()
            .status,
        StatusCode::NOT_FOUND
    );
    assert!(
        foreign
            .list_volunteers(&Default::default())
            .await
            .unwrap()
            .items
            .is_empty()
    );

    // A team of another community cannot be joined.
    let mut a = application();
    a.team_ids = vec![uuid::Uuid::now_v7()];
    let e = app
        .resident("zhang")
        .await
        .apply_volunteer(&a)
        .await
        .unwrap_err();
    assert_eq!(
        (e.status, e.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "unknown_team")
    );
    admin
        .decide_volunteer(profile.id, true, None)
        .await
        .unwrap();
}
