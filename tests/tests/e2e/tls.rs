//! The server speaks HTTPS itself when given a certificate and key (here a self-signed one for
//! localhost, trusted by the client explicitly).

use canglong_tests::{Db, both, spawn_with};

both!(serves_https_with_its_own_certificate);

fn fixture(name: &str) -> String {
    format!("{}/fixtures/tls/{name}", env!("CARGO_MANIFEST_DIR"))
}

async fn serves_https_with_its_own_certificate(db: Db) {
    let app = spawn_with(db, |s| {
        s.tls_cert = Some(fixture("cert.pem"));
        s.tls_key = Some(fixture("key.pem"));
    });
    let port = app.base.rsplit(':').next().unwrap().to_string();
    let pem = std::fs::read(fixture("ca.pem")).unwrap();
    let trusting = reqwest::Client::builder()
        .add_root_certificate(reqwest::Certificate::from_pem(&pem).unwrap())
        .build()
        .unwrap();
    let res = trusting
        .get(format!("https://localhost:{port}/readyz"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.version(), reqwest::Version::HTTP_11);
    // A sign-in over TLS works like any other request.
    let res = trusting
        .post(format!("https://localhost:{port}/api/v1/auth/wechat"))
        .json(&serde_json::json!({"code": "tls-resident", "community_id": app.community_id}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);

    // A client that does not trust the certificate is refused, and plain HTTP gets no answer.
    let default = reqwest::Client::new();
    assert!(
        default
            .get(format!("https://localhost:{port}/readyz"))
            .send()
            .await
            .is_err()
    );
    let plain = default
        .get(format!("http://127.0.0.1:{port}/readyz"))
        .send()
        .await;
    assert!(plain.map(|r| !r.status().is_success()).unwrap_or(true));
}

#[test]
fn a_certificate_without_its_key_is_refused_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/tls.db", dir.path().display());
    let mut s = canglong_api::Settings::for_database(&url);
    s.tls_cert = Some(fixture("cert.pem"));
    let pool = canglong_persistence::pool(&url, 1).unwrap();
    let state = canglong_api::AppState::new(&s, pool).unwrap();
    let err = canglong_api::Server::build(&s, state)
        .err()
        .expect("refused");
    assert!(err.to_string().contains("CANGLONG_TLS_KEY"), "{err}");
}
