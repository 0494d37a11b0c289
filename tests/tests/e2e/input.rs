use canglong_tests::{Db, both, need, spawn};
use reqwest::{Method, StatusCode};
use serde_json::json;

both!(bad_input_changes_nothing);

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
