use canglong_mini_program_mock::wechat::FAKE_SESSION_KEY;
use canglong_openapi::MeUpdate;
use canglong_tests::{Db, STAFF_PASSWORD, both, spawn, spawn_with};
use reqwest::{Method, StatusCode};
use uuid::Uuid;

both!(
    wechat_sign_in,
    wechat_failures,
    tokens_and_refresh,
    sign_in_rate_limit,
    me_profile,
    a_disabled_account_signs_in_no_more
);

async fn wechat_sign_in(db: Db) {
    let app = spawn(db);
    let anon = app.anonymous();
    let raw = anon
        .request(Method::POST, "/api/v1/auth/wechat")
        .json(&serde_json::json!({"code": "first-login", "community_id": app.community_id}))
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status(), StatusCode::OK);
    let headers = format!("{:?}", raw.headers());
    let body = raw.text().await.unwrap();
    for secret in [
        FAKE_SESSION_KEY,
        "session_key",
        "wx-test-secret",
        "o-first-login",
    ] {
        assert!(
            !body.contains(secret) && !headers.contains(secret),
            "`{secret}` leaked: {body}"
        );
    }
    let first: canglong_openapi::TokenResponse = serde_json::from_str(&body).unwrap();
    assert_eq!(first.token_type, "Bearer");
    assert_eq!(first.expires_in, 900);
    assert_eq!(first.user.roles, [canglong_openapi::Role::Resident]);
    assert_eq!(first.user.community_id, app.community_id);

    // The same WeChat user again is the same person, not a new one.
    let again = anon
        .sign_in_wechat("first-login", app.community_id)
        .await
        .unwrap();
    assert_eq!(again.user.id, first.user.id);
    let me = anon.with_token(&again.access_token).me().await.unwrap();
    assert_eq!(me.id, first.user.id);

    let e = anon.sign_in_wechat("x", Uuid::now_v7()).await.unwrap_err();
    assert_eq!(
        (e.status, e.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "unknown_community")
    );
}

async fn wechat_failures(db: Db) {
    let app = spawn(db);
    let anon = app.anonymous();
    let c = app.community_id;
    for (code, status, problem) in [
        ("bad-code", StatusCode::UNAUTHORIZED, "wechat_code_invalid"),
        ("busy-1", StatusCode::SERVICE_UNAVAILABLE, "wechat_busy"),
        (
            "limited-1",
            StatusCode::TOO_MANY_REQUESTS,
            "wechat_rate_limited",
        ),
        ("blocked-1", StatusCode::FORBIDDEN, "wechat_user_blocked"),
        ("redirect-1", StatusCode::BAD_GATEWAY, "wechat_error"),
        (
            "slow-1",
            StatusCode::SERVICE_UNAVAILABLE,
            "wechat_unavailable",
        ),
        // Answers far larger than any WeChat answer are not read into memory.
        ("huge-1", StatusCode::BAD_GATEWAY, "wechat_error"),
        ("endless-1", StatusCode::BAD_GATEWAY, "wechat_error"),
    ] {
        let e = anon.sign_in_wechat(code, c).await.unwrap_err();
        assert_eq!((e.status, e.code()), (status, problem), "{code}");
        if status == StatusCode::SERVICE_UNAVAILABLE || status == StatusCode::TOO_MANY_REQUESTS {
            assert!(
                e.headers.get("retry-after").is_some(),
                "{code} says when to retry"
            );
        }
    }
    // The redirect was not followed: one call reached the fake per attempt, none elsewhere.
    assert_eq!(app.wechat.calls(), 8);

    // WeChat unreachable → 503, not a 500.
    let down = spawn_with(db, |s| {
        s.wechat.wechat_api_base = "http://127.0.0.1:9".into()
    });
    let e = down
        .anonymous()
        .sign_in_wechat("good", down.community_id)
        .await
        .unwrap_err();
    assert_eq!(
        (e.status, e.code()),
        (StatusCode::SERVICE_UNAVAILABLE, "wechat_unavailable")
    );
}

async fn tokens_and_refresh(db: Db) {
    let app = spawn(db);
    let anon = app.anonymous();
    let t1 = anon
        .sign_in_wechat("refresher", app.community_id)
        .await
        .unwrap();

    // Rotation: the new pair works, the old refresh token is dead.
    let t2 = anon.refresh(&t1.refresh_token).await.unwrap();
    assert_ne!(t2.refresh_token, t1.refresh_token);
    anon.with_token(&t2.access_token).me().await.unwrap();
    // Reusing the spent token revokes the family: the newer token dies too.
    let e = anon.refresh(&t1.refresh_token).await.unwrap_err();
    assert_eq!(
        (e.status, e.code()),
        (StatusCode::UNAUTHORIZED, "refresh_token_reused")
    );
    let e = anon.refresh(&t2.refresh_token).await.unwrap_err();
    assert_eq!(e.status, StatusCode::UNAUTHORIZED);
    let e = anon.refresh("not-a-token").await.unwrap_err();
    assert_eq!(
        (e.status, e.code()),
        (StatusCode::UNAUTHORIZED, "invalid_refresh_token")
    );

    // Logout ends the session's family.
    let t3 = anon
        .sign_in_wechat("refresher", app.community_id)
        .await
        .unwrap();
    let signed_in = anon.with_token(&t3.access_token);
    signed_in.sign_out(Some(&t3.refresh_token)).await.unwrap();
    assert_eq!(
        anon.refresh(&t3.refresh_token).await.unwrap_err().status,
        StatusCode::UNAUTHORIZED
    );

    // Staff passwords.
    let e = anon
        .sign_in_password("nobody", STAFF_PASSWORD)
        .await
        .unwrap_err();
    assert_eq!(
        (e.status, e.code()),
        (StatusCode::UNAUTHORIZED, "invalid_credentials")
    );

    // Access tokens: missing, malformed, expired, forged, alg=none, or in the query → 401.
    let e = anon.me().await.unwrap_err();
    assert_eq!(
        (e.status, e.code()),
        (StatusCode::UNAUTHORIZED, "unauthenticated")
    );
    let secret = app.settings.jwt_secret.clone().unwrap();
    let claims = |exp: i64| {
        serde_json::json!({"sub": t3.user.id, "community_id": app.community_id, "roles": ["resident"],
            "iss": "canglong", "aud": "canglong-api", "exp": exp, "iat": exp - 900, "jti": Uuid::new_v4()})
    };
    let sign = |key: &str, exp: i64| {
        jsonwebtoken::encode(
            &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
            &claims(exp),
            &jsonwebtoken::EncodingKey::from_secret(key.as_bytes()).unwrap(),
        )
        .unwrap()
    };
    let now = chrono::Utc::now().timestamp();
    let e = anon
        .with_token(&sign(&secret, now - 3600))
        .me()
        .await
        .unwrap_err();
    assert_eq!(
        (e.status, e.code()),
        (StatusCode::UNAUTHORIZED, "token_expired")
    );
    anon.with_token(&sign(&secret, now + 600))
        .me()
        .await
        .expect("a well-signed token works");
    let e = anon
        .with_token(&sign("some-other-key-some-other-key-0000", now + 600))
        .me()
        .await
        .unwrap_err();
    assert_eq!(e.status, StatusCode::UNAUTHORIZED);
    let unsigned = {
        let b64 = |v: serde_json::Value| base64url(v.to_string().as_bytes());
        format!(
            "{}.{}.",
            b64(serde_json::json!({"alg": "none", "typ": "JWT"})),
            b64(claims(now + 600))
        )
    };
    assert_eq!(
        anon.with_token(&unsigned).me().await.unwrap_err().status,
        StatusCode::UNAUTHORIZED
    );
    let r = anon
        .request(
            Method::GET,
            &format!("/api/v1/me?token={}", t2.access_token),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
}

fn base64url(bytes: &[u8]) -> String {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, b)| acc | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..=chunk.len() {
            out.push(A[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

async fn sign_in_rate_limit(db: Db) {
    let app = spawn_with(db, |s| s.auth_rate_limit = 3);
    let anon = app.anonymous();
    for i in 0..3 {
        anon.sign_in_wechat(&format!("u{i}"), app.community_id)
            .await
            .unwrap();
    }
    let e = anon
        .sign_in_wechat("u9", app.community_id)
        .await
        .unwrap_err();
    assert_eq!(
        (e.status, e.code()),
        (StatusCode::TOO_MANY_REQUESTS, "rate_limited")
    );
    let retry: u64 = e
        .headers
        .get("retry-after")
        .unwrap()
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry >= 1);
    // Other endpoints are not limited by it.
    anon.healthz().await.unwrap();
}

async fn me_profile(db: Db) {
    let app = spawn(db);
    let me = app.resident("wang").await;
    let update = MeUpdate {
        nickname: Some("王阿姨".into()),
        phone: Some("13812345678".into()),
        notification_preferences: Some([("points".to_string(), false)].into()),
    };
    let updated = me.update_me(&update).await.unwrap();
    assert_eq!(updated.nickname, "王阿姨");
    assert_eq!(updated.phone_masked.as_deref(), Some("138****5678"));
    assert_eq!(updated.notification_preferences.get("points"), Some(&false));
    let raw = me
        .request(Method::GET, "/api/v1/me")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        !raw.contains("13812345678"),
        "the full phone number never leaves the server"
    );

    // Server-owned fields cannot be written.
    let r = me
        .request(Method::PATCH, "/api/v1/me")
        .json(&serde_json::json!({"roles": ["community_admin"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        me.me().await.unwrap().roles,
        [canglong_openapi::Role::Resident]
    );
    let e = me
        .update_me(&MeUpdate {
            phone: Some("23812345678".into()),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(
        (e.status, e.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_phone")
    );
    let e = me
        .update_me(&MeUpdate {
            notification_preferences: Some([("spam".to_string(), true)].into()),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(
        (e.status, e.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_preference")
    );

    // Every response carries x-request-id, echoed when sent.
    let r = me
        .request(Method::GET, "/api/v1/me")
        .header("x-request-id", "trace-42")
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers().get("x-request-id").unwrap(), "trace-42");
    let r = me.request(Method::GET, "/healthz").send().await.unwrap();
    assert!(r.headers().get("x-request-id").is_some());
}

/// Ops disables an account (`canglong user disable`): its password, its WeChat identity and its
/// refresh tokens all stop working; a wrong password still says only that.
async fn a_disabled_account_signs_in_no_more(db: Db) {
    let app = spawn(db);
    let anon = app.anonymous();
    let worker = app.staff("social_worker").await;
    let name = worker.me().await.unwrap().nickname;
    let before = anon
        .sign_in_password(&name, canglong_tests::STAFF_PASSWORD)
        .await
        .unwrap();
    let resident = anon
        .sign_in_wechat("soon-gone", app.community_id)
        .await
        .unwrap();
    let resident_id = {
        let mut conn = app.pool.get().unwrap();
        canglong_persistence::people::find_user(&mut conn, resident.user.id)
            .unwrap()
            .unwrap()
            .id
            .0
    };
    let disable = |username: String| {
        canglong_persistence::write_tx(&mut app.pool.get().unwrap(), |c| {
            canglong_services::people::disable(c, &username)
        })
        .unwrap()
    };
    assert!(disable(name.clone()));
    assert!(!disable(name.clone()), "disabling twice changes nothing");
    let e = anon
        .sign_in_password(&name, canglong_tests::STAFF_PASSWORD)
        .await
        .unwrap_err();
    assert_eq!(
        (e.status, e.code()),
        (StatusCode::UNAUTHORIZED, "account_disabled")
    );
    let e = anon
        .sign_in_password(&name, "wrong-password")
        .await
        .unwrap_err();
    assert_eq!(e.code(), "invalid_credentials");
    let e = anon.refresh(&before.refresh_token).await.unwrap_err();
    assert_eq!(e.status, StatusCode::UNAUTHORIZED);

    // A WeChat resident has no username: disabled through the same rule.
    canglong_persistence::write_tx(&mut app.pool.get().unwrap(), |c| {
        canglong_persistence::people::disable(c, resident_id)
    })
    .unwrap();
    let e = anon
        .sign_in_wechat("soon-gone", app.community_id)
        .await
        .unwrap_err();
    assert_eq!(
        (e.status, e.code()),
        (StatusCode::UNAUTHORIZED, "account_disabled")
    );
    let e = anon.refresh(&resident.refresh_token).await.unwrap_err();
    assert_eq!(
        (e.status, e.code()),
        (StatusCode::UNAUTHORIZED, "account_disabled")
    );
}
