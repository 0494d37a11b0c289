//! The people behind the needs: the directory and its reach, binding codes, family proxies,
//! care and its gaps, outreach, mediation, the staff's queue and a rider's claims.

use canglong_mini_program_mock::Client;
use canglong_openapi::{
    AgreementRequest, BindingRequest, BuildingScopedQuery, CareGapQuery, ClaimedBy,
    CompletionRequest, ConsentGiven, ConsentMethod, MediationStatus, NeedQuery, NeedStatus,
    NewBuilding, NewHead, NewMediation, NewMediationSession, NewOutreach, NewRelative, NewResident,
    NoticeKind, PageQuery, QueueKind, RatingRequest, RelativeStatus, ResidentQuery, ResidentTag,
};
use canglong_tests::{Db, TestApp, both, merchant_application, need, spawn};
use reqwest::StatusCode;
use uuid::Uuid;

both!(
    directory_within_reach,
    a_phoneless_elder_is_visited_and_cared_for,
    binding_and_family_proxy,
    mediation_is_confidential,
    the_queue_and_the_alerts,
    a_suspended_volunteer_lets_go,
    the_subdistrict_files_for_its_communities
);

fn elder(name: &str, building: Option<Uuid>) -> NewResident {
    NewResident {
        name: name.into(),
        building_id: building,
        unit: "2单元".into(),
        room: "301".into(),
        phone: Some("13812345678".into()),
        tags: vec![ResidentTag::Elderly, ResidentTag::LivingAlone],
        consent: ConsentGiven {
            method: ConsentMethod::Paper,
            given_by: None,
        },
    }
}

async fn building(admin: &Client, name: &str) -> Uuid {
    admin
        .create_building(&NewBuilding {
            name: name.into(),
            cluster: "东区".into(),
        })
        .await
        .unwrap()
        .id
}

/// A resident made head of `building` by the admin.
async fn head_of(app: &TestApp, admin: &Client, code: &str, building: Uuid) -> Client {
    let head = app.resident(code).await;
    let id = head.me().await.unwrap().id;
    admin
        .add_building_head(
            building,
            &NewHead {
                user_id: id,
                party_member: true,
            },
        )
        .await
        .unwrap();
    head
}

async fn directory_within_reach(db: Db) {
    let app = spawn(db);
    let admin = app.staff("community_admin").await;
    let (a, b) = (building(&admin, "3栋").await, building(&admin, "5栋").await);
    let e = admin
        .create_building(&NewBuilding {
            name: "3栋".into(),
            cluster: String::new(),
        })
        .await
        .unwrap_err();
    assert_eq!(
        (e.status, e.code()),
        (StatusCode::CONFLICT, "building_exists")
    );
    let head = head_of(&app, &admin, "head", a).await;

    // The head registers in their own building only.
    let zhou = head
        .register_resident(&elder("周奶奶", Some(a)))
        .await
        .unwrap();
    assert_eq!(
        zhou.phone.as_deref(),
        Some("138****5678"),
        "phones are masked"
    );
    assert_eq!(zhou.consent.method, ConsentMethod::Paper);
    assert_eq!(zhou.consent.given_by, "周奶奶");
    assert!(!zhou.bound);
    for building in [Some(b), None] {
        let e = head
            .register_resident(&elder("李爷爷", building))
            .await
            .unwrap_err();
        assert_eq!(
            (e.status, e.code()),
            (StatusCode::FORBIDDEN, "not_your_building")
        );
    }
    let li = admin
        .register_resident(&elder("李爷爷", Some(b)))
        .await
        .unwrap();

    // Search within reach: the head sees their building, staff all, by tag and name.
    let seen = head
        .list_residents(&ResidentQuery::default())
        .await
        .unwrap();
    assert_eq!(
        seen.items.iter().map(|r| r.id).collect::<Vec<_>>(),
        vec![zhou.id]
    );
    assert_eq!(
        head.get_resident(li.id).await.unwrap_err().status,
        StatusCode::NOT_FOUND
    );
    let all = admin
        .list_residents(&ResidentQuery {
            tag: Some(ResidentTag::LivingAlone),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(all.items.len(), 2);
    let by_name = admin
        .list_residents(&ResidentQuery {
            name: Some("李".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(
        by_name.items.iter().map(|r| r.id).collect::<Vec<_>>(),
        vec![li.id]
    );
    let paged = admin
        .list_residents(&ResidentQuery {
            limit: Some(1),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(paged.items.len(), 1);
    assert!(paged.next_cursor.is_some());

    // Neither a plain resident nor another community's staff reach the directory.
    let plain = app.resident("plain").await;
    assert_eq!(
        plain
            .register_resident(&elder("x", None))
            .await
            .unwrap_err()
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        plain
            .list_residents(&ResidentQuery::default())
            .await
            .unwrap_err()
            .status,
        StatusCode::FORBIDDEN
    );
    let foreign = app.staff_of("community_admin", app.other_community()).await;
    assert_eq!(
        foreign.get_resident(zhou.id).await.unwrap_err().status,
        StatusCode::NOT_FOUND
    );
    let heads = head.list_buildings(&PageQuery::default()).await.unwrap();
    assert_eq!(heads.items.len(), 1);
    assert!(heads.items[0].heads[0].party_member);
}

async fn a_phoneless_elder_is_visited_and_cared_for(db: Db) {
    let app = spawn(db);
    let admin = app.staff("community_admin").await;
    let sw = app.staff("social_worker").await;
    let a = building(&admin, "3栋").await;
    let head = head_of(&app, &admin, "head", a).await;
    let rider = app.volunteer("rider").await;
    let zhou = head
        .register_resident(&elder("周奶奶", Some(a)))
        .await
        .unwrap();

    // The head posts for her; a rider claims, serves; the head confirms and rates.
    let mut n = need(1);
    n.on_behalf_of = Some(zhou.id);
    let posted = head.create_need(&n).await.unwrap();
    assert_eq!(posted.requester_id, zhou.id);
    app.posted_earlier(posted.id);
    rider.claim_need(posted.id, None).await.unwrap();
    let mine = rider
        .list_needs(&NeedQuery {
            claimed_by: Some(ClaimedBy::Me),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(
        mine.items.iter().map(|n| n.id).collect::<Vec<_>>(),
        vec![posted.id]
    );
    let done = rider
        .complete_need(
            posted.id,
            &CompletionRequest {
                started_at: None,
                minutes: 15,
                note: "药已送到".into(),
            },
            None,
        )
        .await
        .unwrap();
    assert_eq!(done.service_record.beneficiary_id, Some(zhou.id));
    // The head's list holds the needs of their buildings' residents; a stranger's does not.
    let listed = head.list_needs(&NeedQuery::default()).await.unwrap();
    assert_eq!(
        listed.items.iter().map(|n| n.id).collect::<Vec<_>>(),
        vec![posted.id]
    );
    let stranger_list = app
        .resident("passer-by")
        .await
        .list_needs(&NeedQuery::default())
        .await;
    assert!(stranger_list.unwrap().items.is_empty());
    assert_eq!(
        head.confirm_need(posted.id).await.unwrap().status,
        NeedStatus::Confirmed
    );

    // Her care: the service and who came, for staff and the head; not for a stranger.
    for reader in [&head, &sw] {
        let care = reader.resident_care(zhou.id).await.unwrap();
        assert_eq!(care.services.len(), 1);
        assert_eq!(
            care.services[0].volunteer_name,
            rider.me().await.unwrap().nickname
        );
        assert_eq!(
            care.visits_per_month.iter().map(|m| m.count).sum::<i64>(),
            1
        );
        assert!(care.last_visit.is_some());
    }
    let stranger = app.resident("stranger").await;
    assert_eq!(
        stranger.resident_care(zhou.id).await.unwrap_err().status,
        StatusCode::NOT_FOUND
    );

    // A neighbour registered three weeks ago and never visited is a gap; a head's outreach
    // visit ends it.
    let li = head
        .register_resident(&elder("李爷爷", Some(a)))
        .await
        .unwrap();
    app.registered_earlier(li.id, 21);
    let gaps = sw.care_gaps(&CareGapQuery::default()).await.unwrap();
    assert_eq!(gaps.days, 14);
    assert_eq!(
        gaps.items.iter().map(|g| g.resident_id).collect::<Vec<_>>(),
        vec![li.id]
    );
    assert_eq!(gaps.items[0].days_since, 21);
    let tighter = sw
        .care_gaps(&CareGapQuery {
            days: Some(30),
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(tighter.items.is_empty());
    head.record_outreach(&NewOutreach {
        building_id: a,
        resident_id: Some(li.id),
        household: "2单元301".into(),
        topic: "独居老人探访".into(),
        note: "身体尚好".into(),
        visited_at: None,
    })
    .await
    .unwrap();
    assert!(
        sw.care_gaps(&CareGapQuery::default())
            .await
            .unwrap()
            .items
            .is_empty()
    );
    let visits = head
        .list_outreach(&BuildingScopedQuery::default())
        .await
        .unwrap();
    assert_eq!(visits.items.len(), 1);
    let other = building(&admin, "5栋").await;
    let e = head
        .record_outreach(&NewOutreach {
            building_id: other,
            resident_id: None,
            household: "1单元101".into(),
            topic: "走访".into(),
            note: String::new(),
            visited_at: None,
        })
        .await
        .unwrap_err();
    assert_eq!(
        (e.status, e.code()),
        (StatusCode::FORBIDDEN, "not_your_building")
    );
    assert_eq!(
        sw.set_care_gap_days(7).await.unwrap_err().status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(admin.set_care_gap_days(7).await.unwrap().days, 7);
    assert_eq!(
        sw.care_gaps(&CareGapQuery::default()).await.unwrap().days,
        7
    );
}

async fn binding_and_family_proxy(db: Db) {
    let app = spawn(db);
    let admin = app.staff("community_admin").await;
    let a = building(&admin, "3栋").await;
    let zhou = admin
        .register_resident(&elder("周奶奶", Some(a)))
        .await
        .unwrap();

    // Her daughter binds as a proxy with a code staff issued: confirmed at once.
    let code = admin.issue_binding_code(zhou.id).await.unwrap();
    let daughter = app.resident("daughter").await;
    let bound = daughter
        .bind(&BindingRequest {
            code: code.code.clone(),
            relation: Some("女儿".into()),
        })
        .await
        .unwrap();
    assert!(!bound.sign_in_again);
    assert_eq!(bound.relative.unwrap().status, RelativeStatus::Confirmed);
    let e = app
        .resident("someone")
        .await
        .bind(&BindingRequest {
            code: code.code,
            relation: Some("邻居".into()),
        })
        .await
        .unwrap_err();
    assert_eq!(
        (e.status, e.code()),
        (StatusCode::CONFLICT, "binding_code_used")
    );

    // The proxy posts, confirms and sees her care; nobody else's.
    let mut n = need(1);
    n.on_behalf_of = Some(zhou.id);
    let posted = daughter.create_need(&n).await.unwrap();
    assert_eq!(posted.requester_id, zhou.id);
    assert!(daughter.resident_care(zhou.id).await.is_ok());
    let listed = daughter.list_needs(&NeedQuery::default()).await.unwrap();
    assert_eq!(
        listed.items.iter().map(|n| n.id).collect::<Vec<_>>(),
        vec![posted.id]
    );
    let li = admin
        .register_resident(&elder("李爷爷", Some(a)))
        .await
        .unwrap();
    assert_eq!(
        daughter.resident_care(li.id).await.unwrap_err().status,
        StatusCode::NOT_FOUND
    );
    n.on_behalf_of = Some(li.id);
    assert_eq!(
        daughter.create_need(&n).await.unwrap_err().status,
        StatusCode::FORBIDDEN
    );

    // A link asked for without a code waits for the relative or staff; the asker cannot
    // confirm it themself.
    let son = app.resident("son").await;
    let asked = son
        .ask_relative(&NewRelative {
            elder_id: li.id,
            relation: "儿子".into(),
        })
        .await
        .unwrap();
    assert_eq!(asked.status, RelativeStatus::Pending);
    assert_eq!(
        son.decide_relative(asked.id, true)
            .await
            .unwrap_err()
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.resident("x")
            .await
            .decide_relative(asked.id, true)
            .await
            .unwrap_err()
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        son.resident_care(li.id).await.unwrap_err().status,
        StatusCode::NOT_FOUND
    );
    let confirmed = admin.decide_relative(asked.id, true).await.unwrap();
    assert_eq!(confirmed.status, RelativeStatus::Confirmed);
    assert!(son.resident_care(li.id).await.is_ok());
    assert_eq!(son.my_relatives().await.unwrap().items.len(), 1);
    // Ended, the proxy reaches her no more.
    assert_eq!(
        son.decide_relative(asked.id, false).await.unwrap().status,
        RelativeStatus::Ended
    );
    assert_eq!(
        son.resident_care(li.id).await.unwrap_err().status,
        StatusCode::NOT_FOUND
    );

    // The elder herself binds her own WeChat later: it moves onto her account.
    let code = admin.issue_binding_code(li.id).await.unwrap();
    let own = app.resident("li-own-wechat").await;
    let r = own
        .bind(&BindingRequest {
            code: code.code,
            relation: None,
        })
        .await
        .unwrap();
    assert!(r.sign_in_again);
    assert!(admin.get_resident(li.id).await.unwrap().bound);
    let again = app.resident("li-own-wechat").await;
    assert_eq!(
        again.me().await.unwrap().id,
        li.id,
        "her WeChat now signs in as her"
    );
    // A code is for this community only, and a used account cannot take one.
    let code = admin.issue_binding_code(zhou.id).await.unwrap();
    let e = daughter
        .bind(&BindingRequest {
            code: code.code,
            relation: None,
        })
        .await
        .unwrap_err();
    assert_eq!(
        (e.status, e.code()),
        (StatusCode::CONFLICT, "account_in_use")
    );
}

async fn mediation_is_confidential(db: Db) {
    let app = spawn(db);
    let admin = app.staff("community_admin").await;
    let sw = app.staff("social_worker").await;
    let (a, b) = (building(&admin, "3栋").await, building(&admin, "5栋").await);
    let head = head_of(&app, &admin, "head-a", a).await;
    let other_head = head_of(&app, &admin, "head-b", b).await;
    let case = head
        .open_mediation(&NewMediation {
            building_id: Some(a),
            title: "楼上漏水".into(),
            parties: vec!["301室".into(), "401室".into()],
        })
        .await
        .unwrap();
    assert_eq!(case.status, MediationStatus::Open);
    let case = sw
        .mediation_session(
            case.id,
            &NewMediationSession {
                held_at: None,
                note: "双方到场，约定请物业检修".into(),
            },
        )
        .await
        .unwrap();
    assert_eq!(case.sessions.len(), 1);
    let agreed = head
        .mediation_agreement(
            case.id,
            &AgreementRequest {
                agreement: Some("401室承担维修费用".into()),
                follow_up_at: Some(chrono::Utc::now() + chrono::Duration::days(14)),
            },
        )
        .await
        .unwrap();
    assert_eq!(agreed.status, MediationStatus::Agreed);
    assert!(agreed.agreed_at.is_some());
    // Another building's head, a resident, a volunteer: the case does not exist for them.
    for outsider in [
        &other_head,
        &app.resident("nosy").await,
        &app.volunteer("v").await,
    ] {
        assert_eq!(
            outsider.get_mediation(case.id).await.unwrap_err().status,
            StatusCode::NOT_FOUND
        );
    }
    assert!(other_head.list_mediations().await.unwrap().items.is_empty());
    assert_eq!(
        app.resident("nosy2")
            .await
            .list_mediations()
            .await
            .unwrap_err()
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(sw.list_mediations().await.unwrap().items.len(), 1);
    let closed = sw
        .mediation_agreement(
            case.id,
            &AgreementRequest {
                agreement: None,
                follow_up_at: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(closed.status, MediationStatus::Closed);
    assert_eq!(closed.agreement.as_deref(), Some("401室承担维修费用"));
    let e = sw
        .mediation_session(
            case.id,
            &NewMediationSession {
                held_at: None,
                note: "x".into(),
            },
        )
        .await
        .unwrap_err();
    assert_eq!(
        (e.status, e.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_transition")
    );
}

async fn the_queue_and_the_alerts(db: Db) {
    let app = spawn(db);
    let admin = app.staff("community_admin").await;
    let sw = app.staff("social_worker").await;
    let grandma = app.resident("wang").await;
    let rider = app.volunteer("rider").await;
    let a = building(&admin, "3栋").await;
    let li = admin
        .register_resident(&elder("李爷爷", Some(a)))
        .await
        .unwrap();
    app.registered_earlier(li.id, 30);

    let posted = grandma.create_need(&need(1)).await.unwrap();
    app.posted_earlier(posted.id);
    rider.claim_need(posted.id, None).await.unwrap();
    rider
        .complete_need(
            posted.id,
            &CompletionRequest {
                started_at: None,
                minutes: 15,
                note: String::new(),
            },
            None,
        )
        .await
        .unwrap();
    grandma.confirm_need(posted.id).await.unwrap();
    grandma
        .rate_need(
            posted.id,
            &RatingRequest {
                stars: 1,
                tags: vec![],
                comment: "没来".into(),
            },
        )
        .await
        .unwrap();

    // The social worker was told of the low rating.
    let inbox = sw.notifications().await.unwrap();
    assert!(inbox.items.iter().any(|n| n.kind == NoticeKind::LowRating));

    // One queue, oldest first: the care gap (30 days) before the record and the rating.
    let q = sw.work_queue(&PageQuery::default()).await.unwrap();
    let kinds: Vec<QueueKind> = q.items.iter().map(|i| i.kind).collect();
    assert_eq!(
        kinds,
        vec![
            QueueKind::CareGap,
            QueueKind::Verification,
            QueueKind::LowRating
        ]
    );
    let record = &q.items[1];
    assert_eq!(record.title, "代买降压药");
    assert_eq!(
        record.person.as_deref(),
        Some(rider.me().await.unwrap().nickname.as_str())
    );
    assert_eq!((record.minutes, record.stars), (Some(15), Some(1)));
    assert!(q.items.windows(2).all(|w| w[0].since <= w[1].since));
    let first = sw
        .work_queue(&PageQuery {
            limit: Some(1),
            cursor: None,
        })
        .await
        .unwrap();
    let second = sw
        .work_queue(&PageQuery {
            limit: Some(1),
            cursor: first.next_cursor.clone(),
        })
        .await
        .unwrap();
    assert_eq!(second.items[0].subject_id, q.items[1].subject_id);
    assert_eq!(
        grandma
            .work_queue(&PageQuery::default())
            .await
            .unwrap_err()
            .status,
        StatusCode::FORBIDDEN
    );

    // The sweep tells the social workers of the care gap once.
    // An open need left unclaimed is escalated by the sweep, and the social worker told.
    let waiting = grandma.create_need(&need(1)).await.unwrap();
    let timing = canglong_needs::Timing {
        auto_confirm_after: chrono::Duration::hours(72),
        escalate_after: chrono::Duration::zero(),
    };
    let first = canglong_api::jobs::sweep(&app.pool, &timing).unwrap();
    assert_eq!((first.care_alerts, first.escalated), (1, 1));
    let inbox = sw.notifications().await.unwrap();
    assert!(
        inbox
            .items
            .iter()
            .any(|n| n.kind == NoticeKind::NeedEscalated)
    );
    let q = sw.work_queue(&PageQuery::default()).await.unwrap();
    assert!(
        q.items
            .iter()
            .any(|i| i.kind == QueueKind::Escalation && i.need_id == Some(waiting.id))
    );
    assert_eq!(
        canglong_api::jobs::sweep(&app.pool, &timing)
            .unwrap()
            .care_alerts,
        0
    );
    let inbox = sw.notifications().await.unwrap();
    assert_eq!(
        inbox
            .items
            .iter()
            .filter(|n| n.kind == NoticeKind::CareGap)
            .count(),
        1
    );
}

async fn a_suspended_volunteer_lets_go(db: Db) {
    let app = spawn(db);
    let admin = app.staff("community_admin").await;
    let grandma = app.resident("wang").await;
    let rider = app.volunteer("rider").await;
    let posted = grandma.create_need(&need(1)).await.unwrap();
    rider.claim_need(posted.id, None).await.unwrap();
    assert_eq!(
        grandma.get_need(posted.id).await.unwrap().need.status,
        NeedStatus::Claimed
    );
    let profile = rider.me().await.unwrap().volunteer.unwrap().id;
    admin
        .decide_volunteer(profile, false, Some("违规"))
        .await
        .unwrap();
    let need = grandma.get_need(posted.id).await.unwrap().need;
    assert_eq!((need.status, need.slots_taken), (NeedStatus::Open, 0));
    let other = app.volunteer("other").await;
    assert!(other.claim_need(posted.id, None).await.is_ok());
}

async fn the_subdistrict_files_for_its_communities(db: Db) {
    let app = spawn(db);
    let street = app.staff("subdistrict_admin").await;
    let neighbour = app.other_community();
    let admin = app.staff_of("community_admin", neighbour).await;
    let owner = app.resident_of("owner", neighbour).await;
    let m = owner
        .apply_merchant(&merchant_application("鲜果园"))
        .await
        .unwrap();
    // The applicant follows their own application.
    assert_eq!(
        owner.get_merchant(m.id).await.unwrap().merchant.status,
        canglong_openapi::MerchantStatus::Applied
    );
    assert_eq!(
        app.resident_of("other", neighbour)
            .await
            .get_merchant(m.id)
            .await
            .unwrap_err()
            .status,
        StatusCode::NOT_FOUND
    );
    admin
        .review_merchant(m.id, true, Some("资质齐全"))
        .await
        .unwrap();

    // The subdistrict's filing queue shows the neighbour community's merchant.
    let waiting = street
        .list_merchants(&canglong_openapi::MerchantQuery {
            status: Some(canglong_openapi::MerchantStatus::CommunityApproved),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(
        waiting.items.iter().map(|x| x.id).collect::<Vec<_>>(),
        vec![m.id]
    );
    assert_eq!(street.get_merchant(m.id).await.unwrap().merchant.id, m.id);
    let q = street.work_queue(&PageQuery::default()).await.unwrap();
    let filing: Vec<_> = q
        .items
        .iter()
        .filter(|i| i.kind == QueueKind::Filing)
        .collect();
    assert_eq!(filing.len(), 1);
    assert_eq!(
        (filing[0].subject_id, filing[0].community_id),
        (m.id, neighbour)
    );
    // A community admin's list stays their own community's.
    let own = app.staff("community_admin").await;
    assert!(
        own.list_merchants(&canglong_openapi::MerchantQuery::default())
            .await
            .unwrap()
            .items
            .is_empty()
    );
    street.file_merchant(m.id, true, None).await.unwrap();

    // Leaving the alliance is reported upward.
    admin.exit_merchant(m.id, "店铺搬迁").await.unwrap();
    let inbox = street.notifications().await.unwrap();
    assert!(
        inbox
            .items
            .iter()
            .any(|n| n.kind == NoticeKind::MerchantDecided && n.body.contains("店铺搬迁"))
    );
}
