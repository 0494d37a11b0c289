use canglong_tests::{Db, both, need, spawn};
use reqwest::{Method, StatusCode};
use serde_json::json;

both!(bad_input_changes_nothing);
both!(value_and_claims_need_a_key);

/// Every POST that creates or moves value refuses to run without an Idempotency-Key, before
/// it looks at anything else, so a retry can never do it twice.
async fn value_and_claims_need_a_key(db: Db) {
    let app = spawn(db);
    let id = uuid::Uuid::new_v4();
    let admin = app.staff("community_admin").await;
    let volunteer = app.volunteer("li").await;
    let resident = app.resident("wang").await;
    let cases = [
        (
            &volunteer,
            format!("/api/v1/needs/{id}/claims"),
            json!(null),
        ),
        (
            &volunteer,
            format!("/api/v1/needs/{id}/completion"),
            json!({"minutes": 10}),
        ),
        (
            &admin,
            format!("/api/v1/service-records/{id}/verification"),
            json!({"approved_minutes": 10, "quality": "pass"}),
        ),
        (
            &resident,
            format!("/api/v1/offers/{id}/redemptions"),
            json!(null),
        ),
        (
            &admin,
            "/api/v1/vouchers/use".to_string(),
            json!({"code": "ABCD2345"}),
        ),
        (
            &admin,
            "/api/v1/points/adjustments".to_string(),
            json!({"account_id": id, "amount": 5, "reason": "fix"}),
        ),
    ];
    for (who, path, body) in cases {
        let mut r = who.request(Method::POST, &path);
        if !body.is_null() {
            r = r.json(&body);
        }
        let r = r.send().await.unwrap();
        let status = r.status();
        let p: serde_json::Value = r.json().await.unwrap();
        assert_eq!(
            (status, p["code"].as_str()),
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                Some("idempotency_key_required")
            ),
            "{path}"
        );
    }
}

async fn bad_input_changes_nothing(db: Db) {
    let app = spawn(db);
    let grandma = app.resident("wang").await;
    let post = |body: String| {
        grandma
            .request(Method::POST, "/api/v1/needs")
            .header("content-type", "application/json")
            .body(body)
            .send()
    };
    let problem = |r: reqwest::Response| async move {
        assert_eq!(
            r.headers().get("content-type").unwrap(),
            "application/problem+json"
        );
        let status = r.status();
        (status, r.json::<serde_json::Value>().await.unwrap())
    };

    // Malformed JSON → 400.
    let (s, p) = problem(post("{\"category\":".into()).await.unwrap()).await;
    assert_eq!(
        (s, p["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("malformed_json"))
    );

    // A wrong type → 400 naming the field.
    let mut body = serde_json::to_value(need(1)).unwrap();
    body["slots"] = json!("two");
    let (s, p) = problem(post(body.to_string()).await.unwrap()).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(p["errors"][0]["field"], "slots");

    // A wrong enum value → 422 naming the field.
    let mut body = serde_json::to_value(need(1)).unwrap();
    body["category"] = json!("teleport");
    let (s, p) = problem(post(body.to_string()).await.unwrap()).await;
    assert_eq!(
        (s, p["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_value"))
    );
    assert_eq!(p["errors"][0]["field"], "category");

    // A server-owned field → 400 (unknown field), and nothing is created.
    let mut body = serde_json::to_value(need(1)).unwrap();
    body["status"] = json!("confirmed");
    let (s, _) = problem(post(body.to_string()).await.unwrap()).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);

    // Broken rules → 422 with each field.
    let mut body = serde_json::to_value(need(1)).unwrap();
    body["title"] = json!("");
    body["slots"] = json!(0);
    let (s, p) = problem(post(body.to_string()).await.unwrap()).await;
    assert_eq!(
        (s, p["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("validation_failed"))
    );
    let fields: Vec<&str> = p["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert!(
        fields.contains(&"title") && fields.contains(&"slots"),
        "{fields:?}"
    );

    // A window that ends before it starts → 422.
    let mut bad = need(1);
    bad.window_end = bad.window_start - chrono::Duration::hours(1);
    let e = grandma.create_need(&bad).await.unwrap_err();
    assert_eq!(
        (e.status, e.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_window")
    );

    // An oversized body → 413.
    let mut body = serde_json::to_value(need(1)).unwrap();
    body["description"] = json!("长".repeat(40_000));
    let (s, p) = problem(post(body.to_string()).await.unwrap()).await;
    assert_eq!(
        (s, p["code"].as_str()),
        (StatusCode::PAYLOAD_TOO_LARGE, Some("payload_too_large"))
    );

    // Not JSON → 415.
    let r = grandma
        .request(Method::POST, "/api/v1/needs")
        .header("content-type", "text/plain")
        .body("hi")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);

    // A page larger than 100 → 422; an unknown enum in a query → 422.
    let r = grandma
        .request(Method::GET, "/api/v1/needs?limit=101")
        .send()
        .await
        .unwrap();
    let (s, p) = problem(r).await;
    assert_eq!(
        (s, p["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_limit"))
    );
    let r = grandma
        .request(Method::GET, "/api/v1/needs?status=lost")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // An unknown route or a malformed id → 404 problem.
    let r = grandma
        .request(Method::GET, "/api/v1/needs/not-a-uuid")
        .send()
        .await
        .unwrap();
    assert_eq!(problem(r).await.0, StatusCode::NOT_FOUND);
    let r = grandma
        .request(Method::GET, "/api/v1/nowhere")
        .send()
        .await
        .unwrap();
    assert_eq!(problem(r).await.0, StatusCode::NOT_FOUND);

    // None of the refused requests created anything.
    let mine = grandma.list_needs(&Default::default()).await.unwrap();
    assert!(mine.items.is_empty(), "a failed request changes nothing");
}
