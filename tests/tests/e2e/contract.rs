use canglong_tests::{Db, both, spawn};
use reqwest::{Method, StatusCode};

both!(
    served_document_and_docs_ui,
    health_ready_metrics,
    undeclared_methods_get_405
);

/// The committed `openapi/openapi.json` is exactly what the server serves.
#[test]
fn committed_document_matches_the_code() {
    let generated = canglong_api::openapi_document().to_pretty_json().unwrap();
    let committed = canglong_openapi::COMMITTED_DOCUMENT;
    let parse = |s: &str| serde_json::from_str::<serde_json::Value>(s).unwrap();
    assert!(
        parse(&generated) == parse(committed),
        "openapi/openapi.json is out of date: regenerate it with \
         `cargo run -p canglong-api -- openapi > openapi/openapi.json`"
    );
}

#[test]
fn every_operation_is_documented() {
    let doc = serde_json::to_value(canglong_api::openapi_document()).unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    let mut ids = std::collections::HashSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        assert!(
            path == "/healthz"
                || path == "/readyz"
                || path == "/metrics"
                || path.starts_with("/api/v1/"),
            "{path}"
        );
        for (method, op) in item.as_object().unwrap() {
            let id = op["operationId"]
                .as_str()
                .unwrap_or_else(|| panic!("{method} {path} has no operationId"));
            assert!(ids.insert(id.to_string()), "operationId {id} is used twice");
            assert!(
                op["tags"].as_array().is_some_and(|t| !t.is_empty()),
                "{id} has no tag"
            );
            if path.starts_with("/api/v1/") {
                for status in ["400", "401", "422"] {
                    assert!(
                        op["responses"][status].is_object(),
                        "{id} does not document {status}"
                    );
                }
            }
            if let Some(body) = op.get("requestBody") {
                let schema = &body["content"]["application/json"]["schema"];
                assert!(
                    schema.is_object(),
                    "{id} has a request body without a JSON schema"
                );
            }
        }
    }
    // The schemas of request bodies carry examples, and nothing exposes WeChat's session key.
    let text = doc.to_string();
    assert!(!text.contains("session_key") && !text.contains("openid"));
    assert!(doc["components"]["schemas"]["NewNeed"]["example"].is_object());
}

async fn served_document_and_docs_ui(db: Db) {
    let app = spawn(db);
    let anon = app.anonymous();
    let served: serde_json::Value = anon
        .request(Method::GET, "/api-docs/openapi.json")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let committed: serde_json::Value =
        serde_json::from_str(canglong_openapi::COMMITTED_DOCUMENT).unwrap();
    assert!(
        served == committed,
        "the served document differs from openapi/openapi.json"
    );

    // The docs UI is served from the binary: no internet needed.
    let r = anon.request(Method::GET, "/docs").send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK, "/docs redirects to the UI");
    let html = r.text().await.unwrap();
    assert!(html.contains("swagger-ui"), "{html}");
    assert!(
        !html.contains("https://"),
        "the page loads nothing from the internet"
    );
    let js = anon
        .request(Method::GET, "/docs/swagger-ui-bundle.js")
        .send()
        .await
        .unwrap();
    assert_eq!(js.status(), StatusCode::OK);
    assert!(js.bytes().await.unwrap().len() > 100_000);
}

async fn health_ready_metrics(db: Db) {
    let app = spawn(db);
    let anon = app.anonymous();
    assert_eq!(anon.healthz().await.unwrap().status, "ok");
    assert_eq!(anon.readyz().await.unwrap().status, "ready");
    anon.request(Method::GET, "/api/v1/needs")
        .send()
        .await
        .unwrap();
    let text = anon
        .request(Method::GET, "/metrics")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        text.contains(
            r#"canglong_http_requests_total{route="/api/v1/needs",method="GET",status="401"} 1"#
        ),
        "{text}"
    );
    assert!(text.contains("canglong_http_request_duration_seconds_bucket"));
    assert!(text.contains("canglong_db_pool_connections{state=\"idle\"}"));
}

/// A method a documented path does not answer gets 405 with `Allow` (from the same OpenAPI
/// document the routes are registered with); an unknown path stays 404.
async fn undeclared_methods_get_405(db: Db) {
    let app = spawn(db);
    let c = app.resident("method-prober").await;
    let need = uuid::Uuid::now_v7();
    for (method, path, allow) in [
        (Method::PUT, "/api/v1/needs".to_string(), "GET, POST"),
        (Method::TRACE, "/api/v1/needs".to_string(), "GET, POST"),
        (Method::PATCH, format!("/api/v1/needs/{need}"), "GET"),
        (
            Method::GET,
            format!("/api/v1/needs/{need}/claims/mine"),
            "DELETE",
        ),
    ] {
        let res = c.request(method.clone(), &path).send().await.unwrap();
        assert_eq!(
            res.status(),
            StatusCode::METHOD_NOT_ALLOWED,
            "{method} {path}"
        );
        assert_eq!(res.headers()["allow"], allow, "{method} {path}");
        let problem: serde_json::Value = res.json().await.unwrap();
        assert_eq!(problem["code"], "method_not_allowed");
    }
    let res = c
        .request(Method::GET, "/api/v1/no-such-thing")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}
