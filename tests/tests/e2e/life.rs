//! Community life: places with zones and services and walk-in visits; associations with their
//! timetable in the centre's rooms and the roll taken at the door.

use canglong_mini_program_mock::Client;
use canglong_openapi::{
    AssociationKind, ConsentGiven, ConsentMethod, MemberRole, NewAssociation,
    NewAssociationSession, NewMember, NewPlace, NewPlaceService, NewProject, NewResident, NewRoom,
    NewSession, NewVisit, NewZone, PlaceKind, ResidentTag, RollRequest, TargetGroup, VisitSource,
    VisitsQuery,
};
use canglong_tests::{Db, both, spawn};
use chrono::{Duration, Utc};
use reqwest::StatusCode;
use uuid::Uuid;

both!(places_and_visits, associations_timetable_and_roll);

fn place(name: &str, kind: PlaceKind, zones: &[&str]) -> NewPlace {
    NewPlace {
        name: name.into(),
        kind,
        area_m2: 800,
        zones: zones
            .iter()
            .map(|z| NewZone {
                name: z.to_string(),
            })
            .collect(),
    }
}

fn visit(place: Uuid) -> NewVisit {
    NewVisit {
        place_id: place,
        zone: None,
        service_id: None,
        count: None,
        code: None,
    }
}

fn refused<T: std::fmt::Debug>(
    r: Result<T, canglong_mini_program_mock::ApiFailure>,
) -> (StatusCode, String) {
    let e = r.unwrap_err();
    (e.status, e.code().to_string())
}

async fn places_and_visits(db: Db) {
    let app = spawn(db);
    let admin = app.staff("community_admin").await;
    let sw = app.staff("social_worker").await;
    let rider = app.resident("rider-xiao").await;
    let zones = ["书画区", "舞蹈区", "阅读区", "亲子区", "议事区", "健身区"];
    let centre = admin
        .create_place(&place("活动中心", PlaceKind::ActivityCentre, &zones))
        .await
        .unwrap();
    assert_eq!(centre.zones.len(), 6);
    let code = centre
        .code
        .clone()
        .expect("the admin sees the poster's code");
    assert_eq!(
        refused(rider.create_place(&place("x", PlaceKind::Other, &[])).await),
        (StatusCode::FORBIDDEN, "forbidden_role".into())
    );
    assert_eq!(
        refused(
            admin
                .create_place(&place("活动中心", PlaceKind::Other, &[]))
                .await
        ),
        (StatusCode::CONFLICT, "place_exists".into())
    );
    assert_eq!(
        refused(
            admin
                .create_place(&place("y", PlaceKind::Other, &["甲", "甲"]))
                .await
        ),
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_zones".into())
    );
    let station = admin
        .create_place(&place("夏小驿", PlaceKind::RiderStation, &[]))
        .await
        .unwrap();
    let station_code = station.code.clone().unwrap();
    let mut services = vec![];
    for name in ["歇脚", "充电", "饮水"] {
        let p = admin
            .add_place_service(station.id, &NewPlaceService { name: name.into() })
            .await
            .unwrap();
        services.push(p.services.last().unwrap().id);
    }
    assert_eq!(
        refused(
            admin
                .add_place_service(
                    station.id,
                    &NewPlaceService {
                        name: "充电".into()
                    }
                )
                .await
        ),
        (StatusCode::CONFLICT, "service_exists".into())
    );
    assert_eq!(
        refused(
            rider
                .add_place_service(
                    station.id,
                    &NewPlaceService {
                        name: "热饭".into()
                    }
                )
                .await
        ),
        (StatusCode::FORBIDDEN, "forbidden_role".into())
    );
    let seen = rider.list_places().await.unwrap();
    assert_eq!(seen.items.len(), 2);
    assert!(
        seen.items.iter().all(|p| p.code.is_none()),
        "residents never see a poster's code"
    );
    assert_eq!(
        seen.items
            .iter()
            .find(|p| p.id == station.id)
            .unwrap()
            .services
            .len(),
        3
    );

    // Staff tally 40 people into a zone.
    let tally = sw
        .record_visit(&NewVisit {
            zone: Some("书画区".into()),
            count: Some(40),
            ..visit(centre.id)
        })
        .await
        .unwrap();
    assert_eq!((tally.people, tally.recorded_as), (40, VisitSource::Tally));
    assert_eq!(
        refused(
            sw.record_visit(&NewVisit {
                zone: Some("泳池".into()),
                ..visit(centre.id)
            })
            .await
        ),
        (StatusCode::UNPROCESSABLE_ENTITY, "unknown_zone".into())
    );
    // A resident without the code may not tally.
    assert_eq!(
        refused(rider.record_visit(&visit(centre.id)).await),
        (StatusCode::FORBIDDEN, "forbidden_role".into())
    );

    // The rider scans the station's poster: once per service within half an hour.
    let charge = NewVisit {
        service_id: Some(services[1]),
        code: Some(station_code.clone()),
        ..visit(station.id)
    };
    let scan = rider.record_visit(&charge).await.unwrap();
    assert_eq!((scan.people, scan.recorded_as), (1, VisitSource::Scan));
    assert_eq!(
        refused(rider.record_visit(&charge).await),
        (StatusCode::CONFLICT, "already_visited".into())
    );
    rider
        .record_visit(&NewVisit {
            service_id: Some(services[2]),
            ..charge.clone()
        })
        .await
        .unwrap();
    assert_eq!(
        refused(
            rider
                .record_visit(&NewVisit {
                    code: Some(code.clone()),
                    ..charge.clone()
                })
                .await
        ),
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_code".into())
    );
    assert_eq!(
        refused(
            rider
                .record_visit(&NewVisit {
                    count: Some(3),
                    ..charge.clone()
                })
                .await
        ),
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_count".into())
    );
    assert_eq!(
        refused(
            rider
                .record_visit(&NewVisit {
                    service_id: Some(services[0]),
                    code: Some(code.clone()),
                    ..visit(centre.id)
                })
                .await
        ),
        (StatusCode::UNPROCESSABLE_ENTITY, "unknown_service".into())
    );
    // Another community's people do not find the place.
    let other = app.other_community();
    let outsider = app.staff_of("social_worker", other).await;
    assert_eq!(
        refused(outsider.record_visit(&visit(centre.id)).await),
        (StatusCode::UNPROCESSABLE_ENTITY, "unknown_place".into())
    );
    assert!(outsider.list_places().await.unwrap().items.is_empty());

    // The figures: 40 tallied and 2 scans today.
    let today = (Utc::now() + Duration::hours(8))
        .format("%Y-%m-%d")
        .to_string();
    let all = sw.daily_visits(&VisitsQuery::default()).await.unwrap();
    let day = all.items.iter().find(|d| d.date == today).unwrap();
    assert_eq!((day.walk_ins, day.sessions, day.visits), (42, 0, 42));
    assert_eq!(all.peak.as_ref().unwrap().visits, 42);
    let peak = all.peak_period.unwrap();
    assert_eq!(peak.daily_average, 6.0, "42 visits over the peak's 7 days");
    assert!(peak.definition.contains("7 consecutive days"));
    assert_eq!(all.by_zone.len(), 1);
    assert_eq!(
        (all.by_zone[0].zone.as_deref(), all.by_zone[0].visits),
        (Some("书画区"), 40)
    );
    let by_service: Vec<(Option<Uuid>, i64)> = all
        .by_service
        .iter()
        .map(|t| (t.service_id, t.visits))
        .collect();
    assert!(by_service.contains(&(Some(services[1]), 1)));
    assert!(by_service.contains(&(Some(services[2]), 1)));
    let (from, to) = (
        Utc::now() - Duration::hours(1),
        Utc::now() + Duration::hours(1),
    );
    let q = format!(
        "from={}&to={}",
        from.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        to.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    );
    let f = sw.stats_overview(&q).await.unwrap().figures;
    assert_eq!(f.station_visits.value, 2.0, "the rider's two scans");
    let t = sw.stats_table("places", &q).await.unwrap();
    let row = |name: &str, service: &str| {
        t.rows
            .iter()
            .find(|r| r["name"] == name && r["service"] == service)
            .map(|r| r["visits"].as_i64().unwrap())
    };
    assert_eq!(row("活动中心", "—"), Some(40));
    assert_eq!(row("夏小驿", "充电"), Some(1));
    assert_eq!(row("夏小驿", "饮水"), Some(1));
    assert_eq!(row("夏小驿", "歇脚"), Some(0));
    let csv = sw
        .csv(&format!("/api/v1/stats/places?{q}&format=csv"))
        .await
        .unwrap();
    assert_eq!(csv.lines().count(), 1 + t.rows.len());
    // 42 people on one day, the period's days averaged (it is shorter than a week).
    let days = if (from + Duration::hours(8)).date_naive() == (to + Duration::hours(8)).date_naive()
    {
        1.0
    } else {
        2.0
    };
    assert_eq!(
        f.peak_daily_visits.value,
        (42.0 / days * 100.0_f64).round() / 100.0
    );
    let only_station = sw
        .daily_visits(&VisitsQuery {
            place_id: Some(station.id),
            ..VisitsQuery::default()
        })
        .await
        .unwrap();
    assert_eq!(only_station.items.iter().map(|d| d.visits).sum::<i64>(), 2);
    assert_eq!(
        refused(
            outsider
                .daily_visits(&VisitsQuery {
                    place_id: Some(station.id),
                    ..VisitsQuery::default()
                })
                .await
        )
        .0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        refused(rider.daily_visits(&VisitsQuery::default()).await).0,
        StatusCode::FORBIDDEN
    );
}

async fn user_id(c: &Client) -> Uuid {
    c.me().await.unwrap().id
}

fn weekly(room: Uuid, starts_in_minutes: i64, weeks: u32) -> NewAssociationSession {
    let starts = Utc::now() + Duration::minutes(starts_in_minutes);
    NewAssociationSession {
        title: "周三书法课".into(),
        room_id: room,
        starts_at: starts,
        ends_at: starts + Duration::hours(2),
        weeks: Some(weeks),
    }
}

async fn associations_timetable_and_roll(db: Db) {
    let app = spawn(db);
    let admin = app.staff("community_admin").await;
    let sw = app.staff("social_worker").await;
    let (leader, member, guest, stranger) = (
        app.resident("leader-zhang").await,
        app.resident("member-li").await,
        app.resident("guest-wu").await,
        app.resident("stranger-he").await,
    );
    let (leader_id, member_id, guest_id) = (
        user_id(&leader).await,
        user_id(&member).await,
        user_id(&guest).await,
    );
    // An elder without a phone, registered by staff: counted on the roll as elderly.
    let elder = sw
        .register_resident(&NewResident {
            name: "周奶奶".into(),
            building_id: None,
            unit: "1单元".into(),
            room: "502".into(),
            phone: None,
            tags: vec![ResidentTag::Elderly],
            consent: ConsentGiven {
                method: ConsentMethod::Paper,
                given_by: None,
            },
        })
        .await
        .unwrap()
        .id;
    let room = admin
        .create_room(&NewRoom {
            name: "书画室".into(),
            zone: "书画区".into(),
            capacity: 30,
        })
        .await
        .unwrap()
        .id;

    let new = |name: &str| NewAssociation {
        name: name.into(),
        kind: AssociationKind::Calligraphy,
        description: "每周三下午".into(),
        leader_ids: vec![leader_id],
    };
    assert_eq!(
        refused(leader.create_association(&new("书法社")).await),
        (StatusCode::FORBIDDEN, "forbidden_role".into())
    );
    let a = sw.create_association(&new("书法社")).await.unwrap();
    assert_eq!(a.members.len(), 1);
    assert_eq!(a.members[0].role, MemberRole::Leader);
    assert_eq!(
        refused(sw.create_association(&new("书法社")).await),
        (StatusCode::CONFLICT, "association_exists".into())
    );

    // Leaders add members; only staff appoint leaders; members add nobody.
    let join = |user: Uuid, role: Option<MemberRole>| NewMember {
        user_id: user,
        role,
    };
    leader
        .add_association_member(a.id, &join(member_id, None))
        .await
        .unwrap();
    leader
        .add_association_member(a.id, &join(elder, None))
        .await
        .unwrap();
    assert_eq!(
        refused(
            leader
                .add_association_member(a.id, &join(guest_id, Some(MemberRole::Leader)))
                .await
        ),
        (StatusCode::FORBIDDEN, "forbidden_role".into())
    );
    assert_eq!(
        refused(
            member
                .add_association_member(a.id, &join(guest_id, None))
                .await
        ),
        (StatusCode::FORBIDDEN, "not_leader".into())
    );
    assert_eq!(
        refused(
            leader
                .add_association_member(a.id, &join(member_id, None))
                .await
        ),
        (StatusCode::CONFLICT, "already_member".into())
    );

    // The timetable: four Wednesdays in the room, all or none.
    assert_eq!(
        refused(
            member
                .schedule_association_session(a.id, &weekly(room, 10, 4))
                .await
        ),
        (StatusCode::FORBIDDEN, "not_leader".into())
    );
    let sessions = leader
        .schedule_association_session(a.id, &weekly(room, 10, 4))
        .await
        .unwrap()
        .items;
    assert_eq!(sessions.len(), 4);
    assert_eq!(
        sessions[3].starts_at - sessions[0].starts_at,
        Duration::weeks(3)
    );
    let dance = sw
        .create_association(&NewAssociation {
            name: "舞蹈队".into(),
            kind: AssociationKind::Dance,
            description: String::new(),
            leader_ids: vec![],
        })
        .await
        .unwrap();
    // The dance group's eight weeks would meet the calligraphy class in week 3: none is made.
    let clash = sw
        .schedule_association_session(dance.id, &weekly(room, 14 * 24 * 60 - 7 * 24 * 60 + 60, 8))
        .await;
    assert_eq!(
        refused(clash),
        (StatusCode::UNPROCESSABLE_ENTITY, "room_busy".into())
    );
    assert!(
        sw.get_association(dance.id)
            .await
            .unwrap()
            .timetable
            .is_empty()
    );
    // A project's session may not take the room either.
    let p = sw
        .create_project(&NewProject {
            title: "剪纸".into(),
            description: String::new(),
            organiser_kind: canglong_openapi::OrganiserKind::SocialWorker,
            period_start: Utc::now() - Duration::days(1),
            period_end: Utc::now() + Duration::days(90),
            continues_project_id: None,
            packages: vec![],
        })
        .await
        .unwrap();
    let starts = sessions[1].starts_at + Duration::minutes(30);
    let project_session = sw
        .create_session(
            p.id,
            &NewSession {
                title: "剪纸入门".into(),
                package_id: None,
                starts_at: starts,
                ends_at: starts + Duration::hours(1),
                room_id: Some(room),
                place: "书画室".into(),
                capacity: 10,
                enrol_from: Utc::now(),
                enrol_to: starts,
                volunteer_slots: 0,
                attendance_points: 0,
            },
        )
        .await;
    assert_eq!(
        refused(project_session),
        (StatusCode::UNPROCESSABLE_ENTITY, "room_busy".into())
    );

    // The roll: only leaders and staff take it; each person counts once.
    let first = sessions[0].id;
    let roll = |ids: Vec<Uuid>| RollRequest {
        user_ids: ids,
        code: None,
    };
    assert_eq!(
        refused(
            member
                .association_attendance(first, &roll(vec![member_id]))
                .await
        ),
        (StatusCode::FORBIDDEN, "not_leader".into())
    );
    let taken = leader
        .association_attendance(first, &roll(vec![elder, guest_id, leader_id, elder]))
        .await
        .unwrap();
    assert_eq!(taken.counted.len(), 3);
    let group = |id: Uuid| {
        taken
            .attendees
            .iter()
            .find(|x| x.user_id == id)
            .unwrap()
            .target_group
    };
    assert_eq!(group(elder), TargetGroup::Elderly);
    assert_eq!(group(guest_id), TargetGroup::General);
    let again = leader
        .association_attendance(first, &roll(vec![elder]))
        .await
        .unwrap();
    assert_eq!((again.counted.len(), again.already), (0, vec![elder]));

    // A member checks in with the code at the door; others may not.
    assert_eq!(
        refused(member.association_session_code(first).await),
        (StatusCode::FORBIDDEN, "not_leader".into())
    );
    let code = leader.association_session_code(first).await.unwrap().code;
    let with = |code: &str| RollRequest {
        user_ids: vec![],
        code: Some(code.into()),
    };
    let wrong = if code == "000000" { "000001" } else { "000000" };
    assert_eq!(
        refused(member.association_attendance(first, &with(wrong)).await),
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_code".into())
    );
    let me = member
        .association_attendance(first, &with(&code))
        .await
        .unwrap();
    assert_eq!(me.counted, vec![member_id]);
    assert_eq!(me.attendees.len(), 4);
    assert_eq!(
        refused(member.association_attendance(first, &with(&code)).await),
        (StatusCode::CONFLICT, "already_checked_in".into())
    );
    assert_eq!(
        refused(stranger.association_attendance(first, &with(&code)).await),
        (StatusCode::FORBIDDEN, "not_member".into())
    );
    assert_eq!(
        refused(
            leader
                .association_attendance(
                    first,
                    &RollRequest {
                        user_ids: vec![elder],
                        code: Some(code.clone()),
                    }
                )
                .await
        ),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_attendance".into()
        )
    );
    // Next week's session is not open for the roll yet.
    assert_eq!(
        refused(
            leader
                .association_attendance(sessions[1].id, &roll(vec![elder]))
                .await
        ),
        (StatusCode::UNPROCESSABLE_ENTITY, "checkin_not_open".into())
    );

    // Boundaries: another community sees nothing of it.
    let outsider = app.staff_of("social_worker", app.other_community()).await;
    assert_eq!(
        refused(outsider.get_association(a.id).await).0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        refused(
            outsider
                .association_attendance(first, &roll(vec![elder]))
                .await
        )
        .0,
        StatusCode::NOT_FOUND
    );
    assert!(outsider.list_associations().await.unwrap().items.is_empty());

    // Everyone counted is a visit of the day.
    let today = (Utc::now() + Duration::hours(8))
        .format("%Y-%m-%d")
        .to_string();
    let v = sw.daily_visits(&VisitsQuery::default()).await.unwrap();
    let day = v.items.iter().find(|d| d.date == today).unwrap();
    assert_eq!(day.sessions, 4);
    // The overview counts them: the elder at the roll, the calligraphy class's week.
    let (from, to) = (
        Utc::now() - Duration::hours(1),
        Utc::now() + Duration::hours(23),
    );
    let q = format!(
        "from={}&to={}",
        from.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        to.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    );
    let f = sw.stats_overview(&q).await.unwrap().figures;
    assert_eq!(f.elderly_person_times.value, 1.0);
    assert_eq!(f.association_weeks.numerator, 1.0);
    let weeks = f.association_weeks.denominator.unwrap() / 2.0;
    assert!(
        weeks == 1.0 || weeks == 2.0,
        "two associations × the period's weeks"
    );
    assert_eq!(f.activity_days.numerator, 1.0);
    assert_eq!(f.station_visits.value, 0.0);
    let t = sw.stats_table("associations", &q).await.unwrap();
    let row = t.rows.iter().find(|r| r["name"] == "书法社").unwrap();
    assert_eq!(
        (
            row["sessions"].as_i64(),
            row["person_times"].as_i64(),
            row["elderly"].as_i64(),
            row["weeks_met"].as_i64()
        ),
        (Some(1), Some(4), Some(1), Some(1))
    );
    let listed = guest.list_associations().await.unwrap();
    assert_eq!(listed.items.len(), 2);
    let shown = listed.items.iter().find(|x| x.id == a.id).unwrap();
    assert_eq!((shown.members.len(), shown.timetable.len()), (3, 4));

    // A member's part is theirs to export; erasure ends the membership, the count stays.
    let held = member.export_me().await.unwrap().community_life;
    assert_eq!(held.memberships[0].name, "书法社");
    assert_eq!(held.attendance.len(), 1);
    member.erase_me().await.unwrap();
    let after = sw.get_association(a.id).await.unwrap();
    assert_eq!(after.members.len(), 2);
    let t = sw.stats_table("associations", &q).await.unwrap();
    let row = t.rows.iter().find(|r| r["name"] == "书法社").unwrap();
    assert_eq!(row["person_times"].as_i64(), Some(4));
}
