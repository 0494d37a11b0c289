use canglong_openapi::{
    CertificateQuery, CompletionRequest, Membership, NewPlan, NewServiceRecord, NewTeam,
    NewTraining, PairingQuery, PairingRequest, PlanNoteRequest, Quality, ServiceRecordQuery,
    TargetGroup, TrainingFeedback, VerificationRequest,
};
use canglong_tests::{Db, application, both, need, spawn};
use chrono::{Duration, Utc};
use reqwest::StatusCode;

both!(
    pairing_plans_and_training,
    ledger_export_and_overlaps,
    certificates,
    skills_teams_and_ranking
);

async fn pairing_plans_and_training(db: Db) {
    let app = spawn(db);
    let admin = app.staff("community_admin").await;
    let sw = app.staff("social_worker").await;
    let sw2 = app.staff("social_worker").await;
    let sw_id = sw.me().await.unwrap().id;
    let mut vols = vec![];
    let mut ids = vec![];
    for name in ["a", "b", "c", "d"] {
        let v = app.volunteer_approved_by(name, &admin).await;
        ids.push(v.me().await.unwrap().volunteer.unwrap().id);
        vols.push(v);
    }

    // 1+3: a social worker pairs with three volunteers.
    let paired = sw
        .create_pairings(&PairingRequest {
            social_worker_id: sw_id,
            volunteer_ids: ids[..3].to_vec(),
        })
        .await
        .unwrap();
    assert_eq!(paired.items.len(), 3);
    assert_eq!(
        admin
            .list_pairings(&PairingQuery {
                social_worker_id: Some(sw_id)
            })
            .await
            .unwrap()
            .items
            .len(),
        3
    );
    // A volunteer has one active pairing; a social worker pairs only themself.
    let sw2_id = sw2.me().await.unwrap().id;
    let e = sw2
        .create_pairings(&PairingRequest {
            social_worker_id: sw2_id,
            volunteer_ids: vec![ids[0]],
        })
        .await
        .unwrap_err();
    assert_eq!(
        (e.status, e.code()),
        (StatusCode::CONFLICT, "already_paired")
    );
    let e = sw2
        .create_pairings(&PairingRequest {
            social_worker_id: sw_id,
            volunteer_ids: vec![ids[3]],
        })
        .await
        .unwrap_err();
    assert_eq!(e.status, StatusCode::FORBIDDEN);
    assert_eq!(
        vols[3]
            .create_pairings(&PairingRequest {
                social_worker_id: sw_id,
                volunteer_ids: vec![ids[3]]
            })
            .await
            .unwrap_err()
            .status,
        StatusCode::FORBIDDEN
    );

    // Plans: written by the paired social worker, read by the volunteer, hidden from others.
    let plan = NewPlan {
        goals: "独立开展智能手机教学".into(),
        trainings: vec!["教学法".into()],
        target_date: Utc::now() + Duration::days(90),
    };
    let plans = sw.create_plan(ids[0], &plan).await.unwrap();
    let plan_id = plans.items[0].id;
    sw.add_plan_note(
        ids[0],
        plan_id,
        &PlanNoteRequest {
            note: "已完成两次教学".into(),
            progress: 40,
        },
    )
    .await
    .unwrap();
    let mine = vols[0].list_plans(ids[0]).await.unwrap();
    assert_eq!((mine.items[0].progress, mine.items[0].notes.len()), (40, 1));
    assert_eq!(
        vols[1].list_plans(ids[0]).await.unwrap_err().status,
        StatusCode::NOT_FOUND
    );
    let e = sw2.create_plan(ids[0], &plan).await.unwrap_err();
    assert_eq!((e.status, e.code()), (StatusCode::FORBIDDEN, "not_paired"));
    assert_eq!(
        vols[0].create_plan(ids[0], &plan).await.unwrap_err().status,
        StatusCode::FORBIDDEN
    );
    admin.create_plan(ids[3], &plan).await.unwrap();

    // A training whose attendance credits the bonus exactly once.
    let t = sw
        .create_training(&NewTraining {
            topic: "老年人防诈骗".into(),
            trainer: "李警官".into(),
            trainer_kind: canglong_openapi::TrainerKind::Police,
            starts_at: Utc::now() - Duration::hours(3),
            ends_at: Utc::now() - Duration::hours(1),
            place: "活动中心".into(),
            capacity: 10,
        })
        .await
        .unwrap();
    let first = sw.record_attendance(t.id, ids[..3].to_vec()).await.unwrap();
    assert_eq!(first.recorded.len(), 3);
    let again = sw.record_attendance(t.id, ids[..3].to_vec()).await.unwrap();
    assert_eq!((again.recorded.len(), again.already_recorded.len()), (0, 3));
    assert_eq!(
        vols[0].balance(None).await.unwrap().balance,
        5,
        "the default training bonus, once"
    );
    assert_eq!(vols[3].balance(None).await.unwrap().balance, 0);
    vols[0]
        .training_feedback(
            t.id,
            &TrainingFeedback {
                stars: 5,
                comment: "很实用".into(),
            },
        )
        .await
        .unwrap();
    let e = vols[0]
        .training_feedback(
            t.id,
            &TrainingFeedback {
                stars: 4,
                comment: String::new(),
            },
        )
        .await
        .unwrap_err();
    assert_eq!(e.status, StatusCode::CONFLICT);
    assert_eq!(
        vols[3]
            .training_feedback(
                t.id,
                &TrainingFeedback {
                    stars: 1,
                    comment: String::new()
                }
            )
            .await
            .unwrap_err()
            .status,
        StatusCode::FORBIDDEN
    );
    let read_back = vols[1].get_training(t.id).await.unwrap();
    assert_eq!(
        (read_back.attendees.len(), read_back.average_stars),
        (3, Some(5.0))
    );
    assert_eq!(
        vols[0]
            .record_attendance(t.id, vec![ids[3]])
            .await
            .unwrap_err()
            .status,
        StatusCode::FORBIDDEN
    );

    let me = vols[0].me().await.unwrap().volunteer.unwrap();
    let figures = me.figures.unwrap();
    assert_eq!((figures.trainings_taken, figures.points_earned), (1, 5));
    assert_eq!(figures.monthly_minutes.len(), 6);
    let statuses: Vec<_> = me.history.iter().map(|h| h.to_status).collect();
    assert_eq!(
        statuses,
        [
            canglong_openapi::VolunteerStatus::Pending,
            canglong_openapi::VolunteerStatus::Active
        ]
    );
    assert!(admin.reconciliation().await.unwrap().mismatches.is_empty());
}

async fn ledger_export_and_overlaps(db: Db) {
    let app = spawn(db);
    let admin = app.staff("community_admin").await;
    let sw = app.staff("social_worker").await;
    let v = app.volunteer_approved_by("teacher", &admin).await;
    let vid = v.me().await.unwrap().volunteer.unwrap().id;
    let team = admin
        .create_team(&NewTeam {
            name: "银龄教育志愿队".into(),
            description: String::new(),
        })
        .await
        .unwrap();
    admin
        .set_team_member(
            team.team.id,
            &Membership {
                volunteer_id: vid,
                leader: true,
            },
        )
        .await
        .unwrap();

    let tricky = "书法课, 第二讲：\"永\"字八法\n（含练习）";
    let start = Utc::now() - Duration::days(2);
    let rec = |content: &str, minutes: i32, started: chrono::DateTime<Utc>| NewServiceRecord {
        volunteer_id: vid,
        content: content.into(),
        beneficiary_group: TargetGroup::Elderly,
        minutes,
        honor: false,
        started_at: Some(started),
        beneficiary_id: None,
    };
    let r1 = sw
        .create_service_record(&rec(tricky, 90, start))
        .await
        .unwrap();
    // The same minutes cannot be recorded twice; a rejected record frees them.
    let e = sw
        .create_service_record(&rec("重复", 30, start + Duration::minutes(60)))
        .await
        .unwrap_err();
    assert_eq!(
        (e.status, e.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "overlapping_service")
    );
    let fail = VerificationRequest {
        approved_minutes: 0,
        quality: Quality::Fail,
        note: Some("重复申报".into()),
    };
    sw.verify_service_record(r1.id, &fail, None).await.unwrap();
    let r2 = sw
        .create_service_record(&rec(tricky, 90, start))
        .await
        .unwrap();
    sw.verify_service_record(
        r2.id,
        &VerificationRequest {
            approved_minutes: 90,
            quality: Quality::Pass,
            note: None,
        },
        None,
    )
    .await
    .unwrap();
    // A completion over minutes already recorded is refused too.
    let grandma = app.resident("wang").await;
    let n = grandma.create_need(&need(1)).await.unwrap();
    app.posted_earlier(n.id);
    v.claim_need(n.id, None).await.unwrap();
    let e = v
        .complete_need(
            n.id,
            &CompletionRequest {
                minutes: 30,
                note: String::new(),
                started_at: Some(start + Duration::minutes(30)),
            },
            None,
        )
        .await
        .unwrap_err();
    assert_eq!(e.code(), "overlapping_service");
    v.complete_need(
        n.id,
        &CompletionRequest {
            minutes: 30,
            note: "送药".into(),
            started_at: None,
        },
        None,
    )
    .await
    .unwrap();

    // Filters by team and status.
    let by_team = sw
        .list_service_records(&ServiceRecordQuery {
            team_id: Some(team.team.id),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(by_team.items.len(), 3);
    let verified = sw
        .list_service_records(&ServiceRecordQuery {
            status: Some(canglong_openapi::RecordStatus::Verified),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(
        verified.items.iter().map(|r| r.id).collect::<Vec<_>>(),
        [r2.id]
    );

    // The export round-trips through a CSV parser; it opens in Excel (BOM).
    let bytes = sw
        .export_service_records(&ServiceRecordQuery {
            team_id: Some(team.team.id),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(&bytes[..3], b"\xEF\xBB\xBF");
    let mut reader = csv::Reader::from_reader(&bytes[3..]);
    let header = reader.headers().unwrap().clone();
    assert_eq!(&header[0], "记录编号 record_id");
    assert_eq!(&header[4], "服务内容 content");
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), 3);
    let r2_row = rows.iter().find(|r| r[0] == r2.id.to_string()).unwrap();
    assert_eq!(&r2_row[4], tricky, "commas, quotes and newlines survive");
    assert_eq!((&r2_row[9], &r2_row[10]), ("90", "verified"));
    assert_eq!(&r2_row[1], &v.me().await.unwrap().nickname);
    // Times are Beijing time with their offset: the same instant, as a clerk reads it.
    let started = chrono::DateTime::parse_from_rfc3339(&r2_row[6]).unwrap();
    assert_eq!(started.offset().local_minus_utc(), 8 * 3600);
    assert_eq!(
        started.timestamp(),
        r2.started_at.unwrap().timestamp(),
        "the same second"
    );
    // Residents and volunteers may not export.
    assert_eq!(
        v.export_service_records(&Default::default())
            .await
            .unwrap_err()
            .status,
        StatusCode::FORBIDDEN
    );
    let r = sw
        .request(
            reqwest::Method::GET,
            "/api/v1/service-records/export?format=xlsx",
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

async fn certificates(db: Db) {
    let app = spawn(db);
    let admin = app.staff("community_admin").await;
    let sw = app.staff("social_worker").await;
    let v = app.volunteer_approved_by("teacher", &admin).await;
    let other = app.volunteer_approved_by("other", &admin).await;
    let vid = v.me().await.unwrap().volunteer.unwrap().id;
    for (days, minutes) in [(40, 60), (10, 90), (5, 30)] {
        let r = sw
            .create_service_record(&NewServiceRecord {
                volunteer_id: vid,
                content: "书法课".into(),
                beneficiary_group: TargetGroup::Elderly,
                minutes,
                honor: false,
                started_at: Some(Utc::now() - Duration::days(days)),
                beneficiary_id: None,
            })
            .await
            .unwrap();
        sw.verify_service_record(
            r.id,
            &VerificationRequest {
                approved_minutes: minutes,
                quality: Quality::Pass,
                note: None,
            },
            None,
        )
        .await
        .unwrap();
    }
    let q = CertificateQuery {
        from: Some(Utc::now() - Duration::days(20)),
        to: None,
    };
    let cert = v.issue_certificate(vid, &q).await.unwrap();
    assert_eq!(
        cert.total_minutes, 120,
        "only the period's verified minutes"
    );
    assert_eq!(
        cert.by_organisation.iter().map(|o| o.minutes).sum::<i64>(),
        120
    );
    assert_eq!(cert.community, "测试社区");
    // The same period asked for again while the hours are the same: the same document.
    let q = CertificateQuery {
        from: Some(cert.period_from),
        to: Some(cert.period_to),
    };
    let again = v.issue_certificate(vid, &q).await.unwrap();
    assert_eq!((&again.code, again.issued_at), (&cert.code, cert.issued_at));
    assert_eq!(
        other.issue_certificate(vid, &q).await.unwrap_err().status,
        StatusCode::NOT_FOUND
    );

    // Anyone holding the code, signed in or not, of any community: the masked name and the hours.
    for checker in [
        app.anonymous(),
        app.staff_of("social_worker", app.other_community()).await,
    ] {
        let checked = checker.check_certificate(&cert.code).await.unwrap();
        assert_eq!(checked.total_minutes, 120);
        assert_eq!(checked.community, "测试社区");
        let mut name = cert.volunteer_name.chars();
        assert_eq!(
            checked.volunteer_name,
            format!(
                "{}{}",
                name.next().unwrap(),
                "*".repeat(name.count().max(1))
            )
        );
        assert_ne!(checked.volunteer_name, cert.volunteer_name);
    }
    assert_eq!(
        app.anonymous()
            .check_certificate("AAAA-BBBB-CCCCC")
            .await
            .unwrap_err()
            .status,
        StatusCode::NOT_FOUND
    );

    // New hours: a new certificate with a new code; the old one still reads as issued.
    let r = sw
        .create_service_record(&NewServiceRecord {
            volunteer_id: vid,
            content: "书法课".into(),
            beneficiary_group: TargetGroup::Elderly,
            minutes: 30,
            honor: false,
            started_at: Some(Utc::now() - Duration::days(1)),
            beneficiary_id: None,
        })
        .await
        .unwrap();
    sw.verify_service_record(
        r.id,
        &VerificationRequest {
            approved_minutes: 30,
            quality: Quality::Pass,
            note: None,
        },
        None,
    )
    .await
    .unwrap();
    let newer = v.issue_certificate(vid, &q).await.unwrap();
    assert_eq!(newer.total_minutes, 150);
    assert_ne!(newer.code, cert.code);
    let old = app.anonymous().check_certificate(&cert.code).await.unwrap();
    assert_eq!(old.total_minutes, 120);
}

async fn skills_teams_and_ranking(db: Db) {
    let app = spawn(db);
    let admin = app.staff("community_admin").await;
    let resident = app.resident("wang").await;
    assert_eq!(
        resident.add_skill("书法").await.unwrap_err().status,
        StatusCode::FORBIDDEN
    );
    admin.add_skill("medicine_run").await.unwrap();
    let list = admin.add_skill("书法").await.unwrap();
    assert_eq!(list.items.len(), 2);
    assert_eq!(
        admin.add_skill("书法").await.unwrap_err().status,
        StatusCode::CONFLICT
    );
    let mut a = application();
    a.skills = vec!["杂技".into()];
    let e = app
        .resident("x")
        .await
        .apply_volunteer(&a)
        .await
        .unwrap_err();
    assert_eq!(
        (e.status, e.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "unknown_skill")
    );

    let team = admin
        .create_team(&NewTeam {
            name: "\"红骑侠\"志愿队".into(),
            description: "骑手".into(),
        })
        .await
        .unwrap();
    assert_eq!(
        admin
            .create_team(&NewTeam {
                name: "\"红骑侠\"志愿队".into(),
                description: String::new()
            })
            .await
            .unwrap_err()
            .status,
        StatusCode::CONFLICT
    );
    assert_eq!(
        resident
            .create_team(&NewTeam {
                name: "x".into(),
                description: String::new()
            })
            .await
            .unwrap_err()
            .status,
        StatusCode::FORBIDDEN
    );
    let rider = app.volunteer_approved_by("rider", &admin).await; // flexible, medicine_run, 3栋
    let rid = rider.me().await.unwrap().volunteer.unwrap().id;
    let d = admin
        .set_team_member(
            team.team.id,
            &Membership {
                volunteer_id: rid,
                leader: true,
            },
        )
        .await
        .unwrap();
    assert!(d.members[0].leader);

    // The documented order: micro-services first for a flexible rider, then the best fit.
    let mut long_near = need(1);
    long_near.estimated_minutes = 60;
    let long_near = resident.create_need(&long_near).await.unwrap();
    app.posted_earlier(long_near.id);
    let mut micro_far = need(1);
    micro_far.place = "9栋".into();
    micro_far.category = canglong_openapi::Category::Errand;
    let micro_far = resident.create_need(&micro_far).await.unwrap();
    app.posted_earlier(micro_far.id);
    let micro_near = resident.create_need(&need(1)).await.unwrap();
    app.posted_earlier(micro_near.id);
    let order: Vec<_> = rider
        .recommended_needs()
        .await
        .unwrap()
        .items
        .iter()
        .map(|r| r.need.id)
        .collect();
    assert_eq!(order, [micro_near.id, micro_far.id, long_near.id]);
}
