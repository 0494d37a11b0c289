use canglong_openapi::{
    NewPartner, NewProject, NewServiceRecord, NewTeam, NewTraining, TargetGroup,
};
use canglong_tests::{Db, active_offer, admitted_merchant, both, need, spawn};
use chrono::{Duration, Utc};
use reqwest::{Method, StatusCode};
use serde_json::json;

both!(another_communitys_objects_do_not_exist);

/// Every object addressed by id in a path is scoped to the caller's community: an admin of the
/// neighbouring community gets 404 for each, never the object or a 403 that would reveal it.
async fn another_communitys_objects_do_not_exist(db: Db) {
    let app = spawn(db);
    let admin = app.staff("community_admin").await;
    let sw = app.staff("social_worker").await;
    let grandma = app.resident("wang").await;
    let v = app.volunteer_approved_by("xiaowu", &admin).await;
    let vid = v.me().await.unwrap().volunteer.unwrap().id;
    let n = grandma.create_need(&need(1)).await.unwrap();
    let (merchant, staff) = admitted_merchant(&app, &admin, "超市").await;
    let offer = active_offer(&admin, &staff, None, 10, 10, 1).await;
    let team = admin
        .create_team(&NewTeam {
            name: "银龄".into(),
            description: String::new(),
        })
        .await
        .unwrap();
    let training = sw
        .create_training(&NewTraining {
            topic: "急救".into(),
            trainer: "王医生".into(),
            trainer_kind: canglong_openapi::TrainerKind::Medical,
            starts_at: Utc::now(),
            ends_at: Utc::now() + Duration::hours(1),
            place: "活动中心".into(),
            capacity: 10,
        })
        .await
        .unwrap();
    let project = sw
        .create_project(&NewProject {
            title: "童心筑梦".into(),
            description: String::new(),
            organiser_kind: canglong_openapi::OrganiserKind::Community,
            period_start: Utc::now(),
            period_end: Utc::now() + Duration::days(30),
            continues_project_id: None,
            packages: vec![],
        })
        .await
        .unwrap();
    let record = sw
        .create_service_record(&NewServiceRecord {
            volunteer_id: vid,
            content: "书法课".into(),
            beneficiary_group: TargetGroup::Elderly,
            minutes: 30,
            honor: false,
            started_at: None,
            beneficiary_id: None,
        })
        .await
        .unwrap();
    let partner = admin
        .create_partner(&NewPartner {
            name: "湖北大学".into(),
            kind: canglong_openapi::PartnerKind::University,
        })
        .await
        .unwrap();
    let account = admin
        .balance(Some(v.me().await.unwrap().id))
        .await
        .unwrap()
        .account_id;

    let foreign = app.staff_of("community_admin", app.other_community()).await;
    let probes: Vec<(Method, String, Option<serde_json::Value>)> = vec![
        (Method::GET, format!("/api/v1/needs/{}", n.id), None),
        (
            Method::POST,
            format!("/api/v1/needs/{}/cancellation", n.id),
            Some(json!({"reason": "x"})),
        ),
        (Method::GET, format!("/api/v1/volunteers/{vid}"), None),
        (
            Method::POST,
            format!("/api/v1/volunteers/{vid}/decision"),
            Some(json!({"approve": false, "reason": "x"})),
        ),
        (Method::GET, format!("/api/v1/volunteers/{vid}/plans"), None),
        (Method::GET, format!("/api/v1/teams/{}", team.team.id), None),
        (
            Method::GET,
            format!("/api/v1/trainings/{}", training.id),
            None,
        ),
        (
            Method::POST,
            format!("/api/v1/service-records/{}/verification", record.id),
            Some(json!({"approved_minutes": 30, "quality": "pass"})),
        ),
        (
            Method::GET,
            format!("/api/v1/points/transactions?account_id={account}"),
            None,
        ),
        (Method::GET, format!("/api/v1/merchants/{merchant}"), None),
        (
            Method::POST,
            format!("/api/v1/merchants/{merchant}/exit"),
            Some(json!({"reason": "x"})),
        ),
        (Method::GET, format!("/api/v1/offers/{offer}"), None),
        (
            Method::POST,
            format!("/api/v1/offers/{offer}/review"),
            Some(json!({"approve": true})),
        ),
        (
            Method::GET,
            format!("/api/v1/projects/{}", project.id),
            None,
        ),
        (
            Method::POST,
            format!("/api/v1/projects/{}/sessions", project.id),
            Some(json!({"title": "x", "starts_at": "2030-01-01T00:00:00Z",
            "ends_at": "2030-01-01T01:00:00Z", "place": "x", "capacity": 5, "enrol_from": "2029-12-01T00:00:00Z", "enrol_to": "2029-12-31T00:00:00Z"})),
        ),
        (
            Method::POST,
            format!("/api/v1/partners/{}/staff", partner.id),
            Some(json!({"user_id": vid})),
        ),
    ];
    for (method, path, body) in probes {
        // With a key, as the mini-program sends one wherever the contract asks.
        let mut r = foreign
            .request(method.clone(), &path)
            .header("Idempotency-Key", uuid::Uuid::new_v4().to_string());
        if let Some(b) = &body {
            r = r.json(b);
        }
        let res = r.send().await.unwrap();
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{method} {path}");
        let problem: serde_json::Value = res.json().await.unwrap();
        assert_eq!(problem["code"], "not_found", "{method} {path}");
    }
    // Nothing changed on the way.
    assert_eq!(
        admin.get_need(n.id).await.unwrap().need.status,
        canglong_openapi::NeedStatus::Open
    );
    assert_eq!(
        admin.get_merchant(merchant).await.unwrap().merchant.status,
        canglong_openapi::MerchantStatus::Active
    );
}
