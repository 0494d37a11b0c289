//! Hardening: tokens that end when rights change, sign-in under attack, text without control
//! characters, exports that cannot run formulas, the production profile, the append-only
//! ledger, and the residents' data rights.

use canglong_openapi::{NewChild, SuggestionCategory};
use canglong_tests::{Db, STAFF_PASSWORD, both, fund, need, spawn, spawn_with, suggestion};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use uuid::Uuid;

both!(
    tokens_end_when_rights_change,
    sign_in_is_throttled_per_account,
    control_characters_are_refused_everywhere,
    exports_cannot_run_formulas,
    the_production_profile_closes_the_ops_surfaces,
    the_ledger_is_append_only_in_the_database,
    a_resident_exports_and_erases_their_data,
    a_slow_body_is_cut_off,
    a_change_through_another_process_is_seen_within_the_bound,
);

fn clean(r: &canglong_openapi::Reconciliation) -> bool {
    r.postings_sum == 0
        && r.mismatches.is_empty()
        && r.unbalanced_transactions.is_empty()
        && r.uncredited_records.is_empty()
        && r.chain.iter().all(|c| c.ids.is_empty())
}

/// A staff account's username (the harness names them so) and a fresh sign-in of it.
async fn username_of(c: &canglong_mini_program_mock::Client) -> String {
    c.me().await.unwrap().nickname
}

async fn tokens_end_when_rights_change(db: Db) {
    let app = spawn(db);
    let anon = app.anonymous();
    let admin = app.staff("community_admin").await;
    let name = username_of(&admin).await;
    admin.reconciliation().await.expect("an admin reads it");

    // A role taken away: the old token is refused at the very next request.
    canglong_persistence::write_tx(&mut app.pool.get().unwrap(), |c| {
        canglong_services::people::remove_role(c, &name, canglong_core::Role::CommunityAdmin)
    })
    .unwrap();
    let e = admin.reconciliation().await.unwrap_err();
    assert_eq!(
        (e.status, e.code()),
        (StatusCode::UNAUTHORIZED, "token_revoked")
    );

    // A role granted works at once, with the token already held.
    let worker = app.staff("social_worker").await;
    let worker_name = username_of(&worker).await;
    let e = worker.reconciliation().await.unwrap_err();
    assert_eq!(e.status, StatusCode::FORBIDDEN);
    canglong_persistence::write_tx(&mut app.pool.get().unwrap(), |c| {
        canglong_services::people::add_role(c, &worker_name, canglong_core::Role::CommunityAdmin)
    })
    .unwrap();
    worker
        .reconciliation()
        .await
        .expect("the new role works without signing in again");

    // Signing out everywhere ends the other sessions' access tokens too.
    let phone = anon
        .sign_in_password(&worker_name, STAFF_PASSWORD)
        .await
        .unwrap();
    let laptop = anon
        .sign_in_password(&worker_name, STAFF_PASSWORD)
        .await
        .unwrap();
    let on_phone = anon.with_token(&phone.access_token);
    let on_laptop = anon.with_token(&laptop.access_token);
    on_laptop.me().await.unwrap();
    on_phone.sign_out(None).await.unwrap();
    let e = on_laptop.me().await.unwrap_err();
    assert_eq!(
        (e.status, e.code()),
        (StatusCode::UNAUTHORIZED, "token_revoked")
    );
    assert!(anon.refresh(&laptop.refresh_token).await.is_err());
    // A new sign-in works.
    let again = anon
        .sign_in_password(&worker_name, STAFF_PASSWORD)
        .await
        .unwrap();
    anon.with_token(&again.access_token).me().await.unwrap();

    // A disabled account's access token stops at once.
    let resident = app.resident("to-be-disabled").await;
    let id = resident.me().await.unwrap().id;
    canglong_persistence::write_tx(&mut app.pool.get().unwrap(), |c| {
        canglong_persistence::people::disable(c, id)
    })
    .unwrap();
    let e = resident.me().await.unwrap_err();
    assert_eq!(
        (e.status, e.code()),
        (StatusCode::UNAUTHORIZED, "account_disabled")
    );
}

async fn sign_in_is_throttled_per_account(db: Db) {
    // One attempt goes to the harness's own sign-in.
    let app = spawn_with(db, |s| s.account_rate_limit = 4);
    let anon = app.anonymous();
    let target = app.staff("social_worker").await;
    let name = username_of(&target).await;
    for _ in 0..3 {
        let e = anon.sign_in_password(&name, "guess").await.unwrap_err();
        assert_eq!(e.code(), "invalid_credentials");
    }
    // The fourth guess at this account is held back, whatever the password.
    let e = anon
        .sign_in_password(&name, STAFF_PASSWORD)
        .await
        .unwrap_err();
    assert_eq!(
        (e.status, e.code()),
        (StatusCode::TOO_MANY_REQUESTS, "rate_limited")
    );
    assert!(e.headers.get("retry-after").is_some());
    // In any letter case.
    let e = anon
        .sign_in_password(&name.to_uppercase(), "x")
        .await
        .unwrap_err();
    assert_eq!(e.status, StatusCode::TOO_MANY_REQUESTS);
    // Another account is not.
    let other = app.staff("community_admin").await;
    let other_name = username_of(&other).await;
    anon.sign_in_password(&other_name, STAFF_PASSWORD)
        .await
        .unwrap();
    // An unknown username is refused in the same words as a wrong password.
    let e = anon.sign_in_password("nobody-here", "x").await.unwrap_err();
    assert_eq!(
        (e.status, e.code()),
        (StatusCode::UNAUTHORIZED, "invalid_credentials")
    );
}

/// The request body schemas of the served document, by operation: (method, path, schema).
fn request_bodies(doc: &Value) -> Vec<(String, String, Value)> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            if let Some(schema) = op.pointer("/requestBody/content/application~1json/schema") {
                out.push((method.to_uppercase(), path.clone(), schema.clone()));
            }
        }
    }
    out
}

fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => doc
            .pointer(&r.replace("#/", "/"))
            .map(|s| resolve(doc, s))
            .unwrap_or(schema),
        None => schema,
    }
}

/// Every free-text string field of a schema, as the JSON body that sets it alone.
fn text_fields(doc: &Value, schema: &Value, wrap: &dyn Fn(Value) -> Value, out: &mut Vec<Value>) {
    let schema = resolve(doc, schema);
    for key in ["oneOf", "allOf", "anyOf"] {
        for s in schema[key].as_array().into_iter().flatten() {
            text_fields(doc, s, wrap, out);
        }
    }
    let Some(props) = schema["properties"].as_object() else {
        return;
    };
    for (name, p) in props {
        let p = resolve(doc, p);
        let is_text =
            |t: &Value| t == "string" || t.as_array().is_some_and(|a| a.contains(&json!("string")));
        if is_text(&p["type"]) && p.get("format").is_none() && p.get("enum").is_none() {
            // The rule, or a stricter pattern of the field's own (a phone's digits).
            assert!(
                p["pattern"].is_string(),
                "the document says the rule on {name}"
            );
            out.push(wrap(json!({ name.clone(): "a\u{0}b" })));
            out.push(wrap(json!({ name.clone(): " \u{3000}\t" })));
        }
        let name = name.clone();
        let inner = move |v: Value| wrap(json!({ name.clone(): v }));
        if p["type"] == "array" {
            let item = move |v: Value| inner(json!([v]));
            text_fields(doc, &p["items"], &item, out);
        } else {
            text_fields(doc, p, &inner, out);
        }
    }
}

/// Control characters, and text of nothing but spaces, are refused in every body field.
async fn control_characters_are_refused_everywhere(db: Db) {
    let app = spawn(db);
    let admin = app.staff("community_admin").await;
    let resident = app.resident("nul").await;

    // Every string field of every request body in the document, one at a time.
    let doc = serde_json::to_value(canglong_api::openapi_document()).unwrap();
    let mut tried = 0;
    for (method, path, schema) in request_bodies(&doc) {
        let mut bodies = Vec::new();
        text_fields(&doc, &schema, &|v| v, &mut bodies);
        let path = path
            .split('/')
            .map(|s| {
                if s.starts_with('{') {
                    Uuid::new_v4().to_string()
                } else {
                    s.to_string()
                }
            })
            .collect::<Vec<_>>()
            .join("/");
        for body in bodies {
            let r = admin
                .request(method.parse::<Method>().unwrap(), &path)
                .json(&body)
                .send()
                .await
                .unwrap();
            let status = r.status();
            let problem: Value = r.json().await.unwrap();
            let expected = if body.to_string().contains("\\u0000") {
                "invalid_text"
            } else {
                "blank_text"
            };
            assert_eq!(
                (status, problem["code"].as_str()),
                (StatusCode::UNPROCESSABLE_ENTITY, Some(expected)),
                "{method} {path} {body}"
            );
            tried += 1;
        }
    }
    assert!(tried > 50, "only {tried} fields tried");

    // Unauthenticated too, and in keys; nothing is stored.
    let r = app
        .anonymous()
        .request(Method::POST, "/api/v1/auth/login")
        .json(&json!({"username": "x\u{0}y", "password": "p"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let mut bad = serde_json::to_value(need(1)).unwrap();
    bad["title"] = json!("买药\u{1b}[31m");
    let r = resident
        .request(Method::POST, "/api/v1/needs")
        .json(&bad)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = resident
        .request(Method::PATCH, "/api/v1/me")
        .json(&json!({"notification_preferences": {"points\u{0}": true}}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = resident.list_needs(&Default::default()).await.unwrap();
    assert!(page.items.is_empty(), "nothing half-stored");

    // In the query or path.
    for path in [
        "/api/v1/needs?status=open%00",
        "/api/v1/suggestions?cursor=%01",
        "/api/v1/needs/%00",
    ] {
        let r = resident.request(Method::GET, path).send().await.unwrap();
        let status = r.status();
        let problem: Value = r.json().await.unwrap();
        assert_eq!(
            (status, problem["code"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_text")),
            "{path}"
        );
    }

    // Lines and tabs are text.
    let ok = resident
        .create_suggestion(&suggestion(
            SuggestionCategory::Other,
            "第一行\n第二行\t缩进\r\n",
            false,
        ))
        .await
        .unwrap();
    assert!(ok.text.contains('\n'));
}

async fn exports_cannot_run_formulas(db: Db) {
    let app = spawn(db);
    let staff = app.staff("social_worker").await;
    let resident = app.resident("formula").await;
    let risky = [
        "=HYPERLINK(\"http://evil.example\",\"点我\")",
        "+1+cmd|' /C calc'!A0",
        "-2+3",
        "@SUM(1+1)*cmd|' /C calc'!A0",
        "\tcmd",
        "\rcmd",
    ];
    for text in risky {
        resident
            .create_suggestion(&suggestion(SuggestionCategory::Other, text, false))
            .await
            .unwrap();
    }
    let csv = staff
        .request(Method::GET, "/api/v1/suggestions?format=csv")
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let mut reader = csv::ReaderBuilder::new().from_reader(&csv[3..]);
    let headers = reader.headers().unwrap().clone();
    let col = headers
        .iter()
        .position(|h| h.ends_with(" text"))
        .unwrap_or_else(|| panic!("a text column in {}", String::from_utf8_lossy(&csv)));
    let cells: Vec<String> = reader
        .records()
        .map(|r| r.unwrap()[col].to_string())
        .collect();
    for text in &risky[..4] {
        assert!(
            cells.contains(&format!("'{text}")),
            "{text:?} neutralised in {cells:?}"
        );
    }
    // No cell of the file can start a formula (text with a leading tab or CR is trimmed when
    // written, or neutralised).
    for cell in &cells {
        assert!(
            !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
            "{cell:?} exported as is"
        );
    }
}

async fn the_production_profile_closes_the_ops_surfaces(db: Db) {
    const OPS: &str = "ops-token-for-the-production-profile-test";
    let app = spawn_with(db, |s| {
        s.env = "prod".into();
        s.ops_token = Some(OPS.into());
    });
    let anon = app.anonymous();
    let get = |path: &'static str, token: Option<&'static str>| {
        let mut r = anon.request(Method::GET, path);
        if let Some(t) = token {
            r = r.bearer_auth(t);
        }
        r.send()
    };
    for path in ["/docs/", "/docs", "/api-docs/openapi.json", "/metrics"] {
        assert_eq!(
            get(path, None).await.unwrap().status(),
            StatusCode::NOT_FOUND,
            "{path}"
        );
        assert_eq!(
            get(path, Some("wrong")).await.unwrap().status(),
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    assert_eq!(
        get("/docs/", Some(OPS)).await.unwrap().status(),
        StatusCode::NOT_FOUND,
        "no docs UI"
    );
    assert_eq!(
        get("/api-docs/openapi.json", Some(OPS))
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );

    // Made-up methods do not make new series.
    let odd = Method::from_bytes(b"BREW").unwrap();
    anon.request(odd, "/healthz").send().await.unwrap();
    let metrics = get("/metrics", Some(OPS)).await.unwrap();
    assert_eq!(metrics.status(), StatusCode::OK);
    let text = metrics.text().await.unwrap();
    assert!(!text.contains("BREW"), "{text}");
    assert!(text.contains("method=\"OTHER\""), "{text}");

    // Headers on every answer; no-store on tokens.
    let r = get("/healthz", None).await.unwrap();
    let h = r.headers();
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert!(
        h["strict-transport-security"]
            .to_str()
            .unwrap()
            .starts_with("max-age=")
    );
    assert!(h.contains_key("content-security-policy"));
    assert_eq!(h["x-frame-options"], "DENY");
    let worker = app.staff("social_worker").await;
    let name = username_of(&worker).await;
    let r = anon
        .request(Method::POST, "/api/v1/auth/login")
        .json(&json!({"username": name, "password": STAFF_PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["cache-control"], "no-store");
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");
}

async fn the_ledger_is_append_only_in_the_database(db: Db) {
    use diesel::connection::SimpleConnection;
    let app = spawn(db);
    let admin = app.staff("community_admin").await;
    let resident = app.resident("ledger").await;
    fund(&admin, &resident, 50).await;
    let mut conn = app.pool.get().unwrap();
    for sql in [
        "UPDATE postings SET amount = amount + 1",
        "DELETE FROM postings",
        "UPDATE ledger_transactions SET memo = 'changed'",
        "DELETE FROM ledger_transactions",
    ] {
        let e = conn.batch_execute(sql).expect_err(sql);
        assert!(e.to_string().contains("append-only"), "{sql}: {e}");
    }
    if db == Db::Postgres {
        let e = conn
            .batch_execute("TRUNCATE postings CASCADE")
            .expect_err("truncate");
        assert!(e.to_string().contains("append-only"), "{e}");
    }
    drop(conn);
    let r = admin.reconciliation().await.unwrap();
    assert!(clean(&r), "{r:?}");
    assert_eq!(resident.balance(None).await.unwrap().balance, 50);
}

async fn a_resident_exports_and_erases_their_data(db: Db) {
    let app = spawn(db);
    let anon = app.anonymous();
    let admin = app.staff("community_admin").await;
    let policy = app.settings.privacy_policy.clone();

    // Consent: asked at first sign-in, a stale version refused, the current one kept.
    let first = anon
        .sign_in_wechat("erase-me", app.community_id)
        .await
        .unwrap();
    assert!(!first.privacy_policy.accepted);
    let me = anon.with_token(&first.access_token);
    let e = me.accept_policy("2019-01-01").await.unwrap_err();
    assert_eq!(
        (e.status, e.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "stale_policy")
    );
    let accepted = me.accept_policy(&policy).await.unwrap();
    assert!(accepted.accepted && accepted.version == policy);
    let again = anon
        .sign_in_wechat("erase-me", app.community_id)
        .await
        .unwrap();
    assert!(again.privacy_policy.accepted, "accepted once is remembered");
    // Accepting at sign-in, in the same step.
    let body = json!({"code": "consents-at-sign-in", "community_id": app.community_id, "accept_policy": policy});
    let r: Value = anon
        .request(Method::POST, "/api/v1/auth/wechat")
        .json(&body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(r["privacy_policy"]["accepted"], json!(true));

    // Personal data in many places.
    me.update_me(&canglong_openapi::MeUpdate {
        nickname: Some("周奶奶".into()),
        phone: Some("13812345678".into()),
        notification_preferences: None,
    })
    .await
    .unwrap();
    me.add_child(&NewChild {
        nickname: "小明".into(),
        birth_year: 2018,
    })
    .await
    .unwrap();
    let open = me.create_need(&need(1)).await.unwrap();
    fund(&admin, &me, 120).await;
    me.create_suggestion(&suggestion(
        SuggestionCategory::Other,
        "希望多开书法课",
        false,
    ))
    .await
    .unwrap();

    let data = me.export_me().await.unwrap();
    assert_eq!(data.profile.nickname, "周奶奶");
    assert_eq!(data.phone.as_deref(), Some("13812345678"));
    assert_eq!(data.consents.len(), 1);
    assert_eq!(data.children.len(), 1);
    assert_eq!(data.needs_posted.len(), 1);
    assert_eq!(data.needs_posted[0].place, "3栋2单元");
    assert_eq!(data.points.iter().map(|p| p.amount).sum::<i64>(), 120);
    assert_eq!(data.suggestions.len(), 1);
    // Nobody else's.
    let other = app.resident("someone-else").await;
    assert!(other.export_me().await.unwrap().needs_posted.is_empty());

    // Erasure.
    let id = data.profile.id;
    me.erase_me().await.unwrap();
    let e = me.me().await.unwrap_err();
    assert_eq!(e.status, StatusCode::UNAUTHORIZED);
    assert!(anon.refresh(&first.refresh_token).await.is_err());
    let row = {
        let mut c = app.pool.get().unwrap();
        canglong_persistence::people::find_user(&mut c, id)
            .unwrap()
            .unwrap()
    };
    assert_eq!(row.nickname, "已注销用户");
    assert_eq!(
        (row.phone, row.wechat_openid, row.username),
        (None, None, None)
    );
    assert!(row.erased_at.is_some());
    let mut c = app.pool.get().unwrap();
    assert!(
        canglong_persistence::activities::children_of(&mut c, id)
            .unwrap()
            .is_empty()
    );
    assert!(
        canglong_persistence::people::roles_of(&mut c, id)
            .unwrap()
            .is_empty()
    );
    drop(c);
    let n = admin.get_need(open.id).await.unwrap();
    assert_eq!(n.need.status, canglong_openapi::NeedStatus::Cancelled);
    assert_eq!(n.need.place, "");
    // The books stay whole: the points are still on the (anonymous) account.
    assert_eq!(admin.balance(Some(id)).await.unwrap().balance, 120);
    let r = admin.reconciliation().await.unwrap();
    assert!(clean(&r), "{r:?}");
    // The same WeChat identity is a new, empty account.
    let fresh = app.resident("erase-me").await;
    let fresh_me = fresh.me().await.unwrap();
    assert_ne!(fresh_me.id, id);
    assert_eq!(fresh_me.points_balance, 0);
    // Erasing twice: the token is already gone.
    assert_eq!(
        me.erase_me().await.unwrap_err().status,
        StatusCode::UNAUTHORIZED
    );
}

/// A client that sends its headers and then trickles (or stalls) its body is answered 408 and
/// let go, instead of holding a worker for ever.
async fn a_slow_body_is_cut_off(db: Db) {
    use std::io::{Read, Write};
    let app = spawn(db);
    let addr = app.base.trim_start_matches("http://").to_string();
    let answer = tokio::task::spawn_blocking(move || {
        let mut s = std::net::TcpStream::connect(addr).unwrap();
        s.set_read_timeout(Some(std::time::Duration::from_secs(30)))
            .unwrap();
        s.write_all(
            b"POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
              Content-Length: 100\r\n\r\n{\"username\":",
        )
        .unwrap();
        let mut buf = vec![0u8; 4096];
        let n = s.read(&mut buf).unwrap_or(0);
        String::from_utf8_lossy(&buf[..n]).to_string()
    })
    .await
    .unwrap();
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("body_timeout"), "{answer}");
}

/// The bearer cache: a token voided by another process (here, the row changed under the
/// server, as another process's write would be) is refused once the cache's bound has passed.
async fn a_change_through_another_process_is_seen_within_the_bound(db: Db) {
    use diesel::RunQueryDsl;
    let app = spawn_with(db, |s| s.bearer_cache_ms = 300);
    let resident = app.resident("elsewhere").await;
    let id = resident.me().await.unwrap().id;
    diesel::sql_query(format!(
        "UPDATE users SET token_version = token_version + 1 WHERE id = '{id}'"
    ))
    .execute(&mut *app.pool.get().unwrap())
    .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    let e = resident.me().await.unwrap_err();
    assert_eq!(
        (e.status, e.code()),
        (StatusCode::UNAUTHORIZED, "token_revoked")
    );
}
