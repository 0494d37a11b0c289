use canglong_openapi::{
    EnrolmentStatus, NewChild, NewOffer, NewPackage, NewPartner, NewProject, NewRoom, NewSession,
    OfferKind, ProjectQuery, ProjectStatus, SessionQuery, VisitsQuery,
};
use canglong_persistence::schema::sessions;
use canglong_tests::{Db, both, fund, spawn};
use chrono::{Duration, Utc};
use diesel::prelude::*;
use futures_util::future::join_all;
use reqwest::StatusCode;
use uuid::Uuid;

both!(
    enrolment_race_and_waitlist,
    check_in_and_points,
    rooms_projects_and_partners
);

fn project(title: &str) -> NewProject {
    NewProject {
        title: title.into(),
        description: String::new(),
        organiser_kind: canglong_openapi::OrganiserKind::SocialWorker,
        period_start: Utc::now() - Duration::days(1),
        period_end: Utc::now() + Duration::days(90),
        continues_project_id: None,
        packages: vec![NewPackage {
            title: "非遗传承月".into(),
            description: String::new(),
        }],
    }
}

fn session(capacity: i32, room: Option<Uuid>, starts_in_hours: i64) -> NewSession {
    let starts = Utc::now() + Duration::hours(starts_in_hours);
    NewSession {
        title: "剪纸入门".into(),
        package_id: None,
        starts_at: starts,
        ends_at: starts + Duration::hours(2),
        room_id: room,
        place: "活动中心 3 号室".into(),
        capacity,
        enrol_from: Utc::now() - Duration::hours(1),
        enrol_to: starts,
        volunteer_slots: 2,
        attendance_points: 5,
    }
}

/// 40 residents race for 25 seats; cancellations move the waitlist up in order.
async fn enrolment_race_and_waitlist(db: Db) {
    let app = spawn(db);
    let sw = app.staff("social_worker").await;
    let p = sw.create_project(&project("童心筑梦")).await.unwrap();
    let s = sw
        .create_session(p.id, &session(25, None, 48))
        .await
        .unwrap();
    let mut residents = vec![];
    for i in 0..40 {
        residents.push(app.resident(&format!("parent{i}")).await);
    }
    let results = join_all(residents.iter().map(|r| r.enrol(s.id, vec![]))).await;
    let enrolled: Vec<_> = results
        .iter()
        .filter(|r| r.as_ref().unwrap().status == EnrolmentStatus::Enrolled)
        .collect();
    let mut waitlisted: Vec<_> = results
        .iter()
        .enumerate()
        .filter(|(_, r)| r.as_ref().unwrap().status == EnrolmentStatus::Waitlisted)
        .map(|(i, r)| (r.as_ref().unwrap().position, i))
        .collect();
    assert_eq!((enrolled.len(), waitlisted.len()), (25, 15));
    waitlisted.sort();
    let max_enrolled = enrolled
        .iter()
        .map(|e| e.as_ref().unwrap().position)
        .max()
        .unwrap();
    assert!(
        waitlisted[0].0 > max_enrolled,
        "the waitlist is behind every enrolment, in order"
    );
    // Nobody is enrolled twice.
    let e = residents[0].enrol(s.id, vec![]).await.unwrap_err();
    assert_eq!(
        (e.status, e.code()),
        (StatusCode::CONFLICT, "already_enrolled")
    );

    // Three enrolled residents cancel: the first three waitlisted move up and are told.
    let enrolled_idx: Vec<usize> = results
        .iter()
        .enumerate()
        .filter(|(_, r)| r.as_ref().unwrap().status == EnrolmentStatus::Enrolled)
        .map(|(i, _)| i)
        .take(3)
        .collect();
    for i in &enrolled_idx {
        residents[*i].cancel_enrolment(s.id).await.unwrap();
    }
    for (n, (_, i)) in waitlisted.iter().enumerate() {
        let inbox = residents[*i].notifications().await.unwrap();
        if n < 3 {
            assert_eq!(inbox.items.len(), 1, "promoted #{n} is notified");
            assert_eq!(
                inbox.items[0].kind,
                canglong_openapi::NoticeKind::EnrolmentPromoted
            );
            residents[*i]
                .read_notification(inbox.items[0].id)
                .await
                .unwrap();
            assert!(residents[*i].notifications().await.unwrap().items[0].read);
        } else {
            assert!(inbox.items.is_empty(), "#{n} still waits");
        }
    }
    let listed = sw
        .list_sessions(&SessionQuery {
            project_id: Some(p.id),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(
        (listed.items[0].seats_left, listed.items[0].waitlist_length),
        (0, 12)
    );
    // A cancelled resident may enrol again, at the back of the waitlist.
    let again = residents[enrolled_idx[0]]
        .enrol(s.id, vec![])
        .await
        .unwrap();
    assert_eq!(again.status, EnrolmentStatus::Waitlisted);
    assert!(again.position > waitlisted.last().unwrap().0);
}

fn secret_of(app: &canglong_tests::TestApp, session: Uuid) -> String {
    sessions::table
        .find(canglong_persistence::Id(session))
        .select(sessions::checkin_secret)
        .first(&mut *app.pool.get().unwrap())
        .unwrap()
}

async fn check_in_and_points(db: Db) {
    let app = spawn(db);
    let sw = app.staff("social_worker").await;
    let admin = app.staff("community_admin").await;
    let p = sw.create_project(&project("童心筑梦")).await.unwrap();
    // A session happening now, still open for enrolment at the door.
    let now_on = NewSession {
        enrol_to: Utc::now() + Duration::hours(1),
        ..session(10, None, 0)
    };
    let s = sw.create_session(p.id, &now_on).await.unwrap();
    let other = sw
        .create_session(p.id, &session(10, None, 5))
        .await
        .unwrap();
    let parent = app.resident("liu").await;
    let child = parent
        .add_child(&NewChild {
            nickname: "小雨".into(),
            birth_year: 2018,
        })
        .await
        .unwrap()
        .items[0]
        .id;
    let stranger = app.resident("zhao").await;

    // A parent cannot enrol another parent's child; a child profile is seen by its parent only.
    assert_eq!(
        stranger.enrol(s.id, vec![child]).await.unwrap_err().status,
        StatusCode::NOT_FOUND
    );
    assert!(stranger.list_children().await.unwrap().items.is_empty());
    let e = parent.enrol(s.id, vec![child]).await.unwrap();
    assert_eq!((e.status, e.party_size), (EnrolmentStatus::Enrolled, 2));

    // The code at the door: a stale or foreign code is refused; the current one works once.
    let code = sw.checkin_code(s.id).await.unwrap();
    assert_eq!(code.code.len(), 6);
    let stale = canglong_activities::checkin_code(
        &secret_of(&app, s.id),
        canglong_core::now() - chrono::Duration::seconds(90),
    );
    assert_eq!(
        parent.check_in(s.id, &stale).await.unwrap_err().code(),
        "invalid_code"
    );
    let foreign = sw.checkin_code(other.id).await.unwrap().code;
    if foreign != code.code {
        assert_eq!(
            parent.check_in(s.id, &foreign).await.unwrap_err().status,
            StatusCode::UNPROCESSABLE_ENTITY
        );
    }
    assert_eq!(
        stranger
            .check_in(s.id, &code.code)
            .await
            .unwrap_err()
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        parent.checkin_code(s.id).await.unwrap_err().status,
        StatusCode::FORBIDDEN
    );
    let fresh = sw.checkin_code(s.id).await.unwrap().code;
    let c = parent.check_in(s.id, &fresh).await.unwrap();
    assert_eq!(
        (c.people, c.points),
        (2, 10),
        "5 attendance points and the 5-point co-learning bonus"
    );
    let e = parent.check_in(s.id, &fresh).await.unwrap_err();
    assert_eq!(
        (e.status, e.code()),
        (StatusCode::CONFLICT, "already_checked_in")
    );
    assert_eq!(
        parent.balance(None).await.unwrap().balance,
        10,
        "credited once"
    );

    // Enrolment outside its window is refused.
    let mut closed = session(10, None, 24);
    closed.enrol_from = Utc::now() + Duration::hours(1);
    let closed = sw.create_session(p.id, &closed).await.unwrap();
    assert_eq!(
        parent.enrol(closed.id, vec![]).await.unwrap_err().code(),
        "enrolment_closed"
    );

    // Daily visits count checked-in people; volunteers who worked the session get records.
    let visits = sw.daily_visits(&VisitsQuery::default()).await.unwrap();
    assert_eq!(visits.peak.unwrap().visits, 2);
    let v = app.volunteer_approved_by("helper", &admin).await;
    let vid = v.me().await.unwrap().volunteer.unwrap().id;
    let recs = sw.record_session_volunteers(s.id, vec![vid]).await.unwrap();
    assert_eq!(
        (recs[0].source, recs[0].minutes_reported, recs[0].session_id),
        (canglong_openapi::RecordSource::Session, 120, Some(s.id))
    );
    assert_eq!(
        sw.record_session_volunteers(s.id, vec![vid])
            .await
            .unwrap_err()
            .code(),
        "overlapping_service"
    );
    let rec = admin.reconciliation().await.unwrap();
    assert!(rec.mismatches.is_empty() && rec.postings_sum == 0);
}

async fn rooms_projects_and_partners(db: Db) {
    let app = spawn(db);
    let admin = app.staff("community_admin").await;
    let sw = app.staff("social_worker").await;
    let resident = app.resident("wang").await;
    let room = admin
        .create_room(&NewRoom {
            name: "3号室 手工".into(),
            zone: "活动中心".into(),
            capacity: 25,
        })
        .await
        .unwrap();
    assert_eq!(
        resident
            .create_room(&NewRoom {
                name: "x".into(),
                zone: "y".into(),
                capacity: 1
            })
            .await
            .unwrap_err()
            .status,
        StatusCode::FORBIDDEN
    );

    let p = sw.create_project(&project("童心筑梦")).await.unwrap();
    assert_eq!((p.status, p.packages.len()), (ProjectStatus::Planning, 1));
    assert_eq!(
        resident
            .create_project(&project("x"))
            .await
            .unwrap_err()
            .status,
        StatusCode::FORBIDDEN
    );
    // Two sessions in one room at overlapping times → room_busy; back to back is fine.
    sw.create_session(p.id, &session(20, Some(room.id), 24))
        .await
        .unwrap();
    let e = sw
        .create_session(p.id, &session(20, Some(room.id), 25))
        .await
        .unwrap_err();
    assert_eq!(
        (e.status, e.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "room_busy")
    );
    sw.create_session(p.id, &session(20, Some(room.id), 26))
        .await
        .unwrap();

    // The project moves one stage at a time.
    assert_eq!(
        sw.change_project_status(p.id, ProjectStatus::Closed)
            .await
            .unwrap_err()
            .code(),
        "invalid_transition"
    );
    assert_eq!(
        sw.change_project_status(p.id, ProjectStatus::Running)
            .await
            .unwrap()
            .status,
        ProjectStatus::Running
    );

    // Partners claim from the project list; one partner per project.
    let uni = admin
        .create_partner(&NewPartner {
            name: "湖北大学".into(),
            kind: canglong_openapi::PartnerKind::University,
        })
        .await
        .unwrap();
    let firm = admin
        .create_partner(&NewPartner {
            name: "光谷科技".into(),
            kind: canglong_openapi::PartnerKind::Company,
        })
        .await
        .unwrap();
    let uni_staff = app.resident("uni").await;
    let firm_staff = app.resident("firm").await;
    admin
        .bind_partner_staff(uni.id, uni_staff.me().await.unwrap().id)
        .await
        .unwrap();
    admin
        .bind_partner_staff(firm.id, firm_staff.me().await.unwrap().id)
        .await
        .unwrap();
    assert_eq!(
        resident.claim_project(p.id).await.unwrap_err().status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        uni_staff
            .list_projects(&ProjectQuery {
                claimable: Some(true),
                ..Default::default()
            })
            .await
            .unwrap()
            .items
            .len(),
        1
    );
    let claimed = uni_staff.claim_project(p.id).await.unwrap();
    assert_eq!(claimed.partner.unwrap().name, "湖北大学");
    assert_eq!(
        firm_staff.claim_project(p.id).await.unwrap_err().status,
        StatusCode::CONFLICT
    );
    assert!(
        uni_staff
            .list_projects(&ProjectQuery {
                claimable: Some(true),
                ..Default::default()
            })
            .await
            .unwrap()
            .items
            .is_empty()
    );

    // The parent preparation group and continuation into the next period.
    let with_parent = sw
        .add_project_parent(p.id, resident.me().await.unwrap().id)
        .await
        .unwrap();
    assert_eq!(with_parent.parents.len(), 1);
    let next = NewProject {
        continues_project_id: Some(p.id),
        ..project("童心筑梦 第二期")
    };
    let p2 = sw.create_project(&next).await.unwrap();
    assert_eq!(
        sw.get_project(p.id).await.unwrap().continued_by,
        Some(p2.id)
    );
    assert_eq!(
        sw.create_project(&next).await.unwrap_err().code(),
        "already_continued"
    );

    // A seat redeemed with points enrols the child in the session; the seat is taken once.
    let s = sw
        .create_session(p.id, &session(2, None, 72))
        .await
        .unwrap();
    let offer = admin
        .create_offer(&NewOffer {
            provider: Some("community".into()),
            kind: OfferKind::CourseSeat,
            title: "童心筑梦班 一个学位".into(),
            description: String::new(),
            points_cost: 50,
            stock: 5,
            per_user_limit: 1,
            valid_from: Utc::now() - Duration::hours(1),
            valid_to: Utc::now() + Duration::days(10),
            voucher_valid_days: 30,
            session_id: Some(s.id),
        })
        .await
        .unwrap();
    admin.review_offer(offer.id, true, None).await.unwrap();
    let mother = app.resident("mother").await;
    let kid = mother
        .add_child(&NewChild {
            nickname: "小宇".into(),
            birth_year: 2017,
        })
        .await
        .unwrap()
        .items[0]
        .id;
    fund(&admin, &mother, 100).await;
    mother
        .redeem_seat(offer.id, vec![kid], "seat-1")
        .await
        .unwrap();
    let listed = mother
        .list_sessions(&SessionQuery {
            project_id: Some(p.id),
            ..Default::default()
        })
        .await
        .unwrap();
    let seat_session = listed.items.iter().find(|x| x.id == s.id).unwrap();
    assert_eq!(
        seat_session.seats_left, 0,
        "mother and child hold both seats"
    );
    assert_eq!(
        mother.enrol(s.id, vec![]).await.unwrap_err().code(),
        "already_enrolled"
    );
    let dad = app.resident("dad").await;
    fund(&admin, &dad, 100).await;
    let e = dad
        .redeem_seat(offer.id, vec![], "seat-2")
        .await
        .unwrap_err();
    assert_eq!((e.status, e.code()), (StatusCode::CONFLICT, "session_full"));
    assert_eq!(
        dad.balance(None).await.unwrap().balance,
        100,
        "a refused seat costs nothing"
    );
    assert!(admin.reconciliation().await.unwrap().mismatches.is_empty());
}
