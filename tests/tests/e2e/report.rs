//! The review-meeting report: a self-contained page whose figures are the overview's, whose
//! text is escaped, for staff only, a subdistrict admin for any of its communities.

use canglong_persistence::synthetic::{Plan, Scale, load};
use canglong_persistence::write_tx;
use canglong_tests::{Db, admitted_merchant, both, spawn};
use chrono::{Duration, NaiveDate};
use reqwest::{Method, StatusCode};

both!(the_report_is_the_overview_on_paper);

async fn the_report_is_the_overview_on_paper(db: Db) {
    let app = spawn(db);
    let start = NaiveDate::from_ymd_opt(2024, 1, 1)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap();
    let plan = Plan::generate(Scale::small(), 7, start);
    write_tx(&mut app.pool.get().unwrap(), |c| {
        load(c, app.community_id, &plan)
    })
    .unwrap();
    let admin = app.staff("community_admin").await;
    admitted_merchant(&app, &admin, "<b>鲜果&园</b>").await;
    let rfc = |t: chrono::NaiveDateTime| {
        t.and_utc()
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    };
    let query = format!(
        "from={}&to={}",
        rfc(start + Duration::days(366)),
        rfc(start + Duration::days(731))
    );
    let get = |who: &canglong_mini_program_mock::Client, q: String| {
        who.request(Method::GET, &format!("/api/v1/stats/report?{q}"))
            .send()
    };

    let r = get(&admin, query.clone()).await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        r.headers().get("content-type").unwrap(),
        "text/html; charset=utf-8"
    );
    // The browser applies the inline stylesheet and nothing else: no script may run.
    let policy = r.headers()["content-security-policy"].to_str().unwrap();
    assert!(policy.contains("default-src 'none'") && policy.contains("style-src 'unsafe-inline'"));
    assert!(!policy.contains("script-src"), "{policy}");
    let page = r.text().await.unwrap();
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(page.contains("测试社区 志愿服务数据报告"));
    // Self-contained: no script, nothing fetched from elsewhere.
    for outside in ["<script", "src=", "href=", "@import", "url("] {
        assert!(!page.contains(outside), "{outside} in the page");
    }
    // Every label is escaped.
    assert!(!page.contains("<b>鲜果"));
    assert!(page.contains("&#60;b&#62;鲜果&#38;园") || page.contains("&lt;b&gt;鲜果&amp;园"));

    // Its figures are the overview's, to the unit.
    let overview =
        serde_json::to_value(admin.stats_overview(&query).await.unwrap().figures).unwrap();
    let shown: Vec<(String, f64)> = page
        .split("data-figure=\"")
        .skip(1)
        .map(|s| {
            let key = s.split('"').next().unwrap().to_string();
            let value = s
                .split("data-value=\"")
                .nth(1)
                .unwrap()
                .split('"')
                .next()
                .unwrap();
            (key, value.parse().unwrap())
        })
        .collect();
    assert_eq!(shown.len(), 17, "every figure of the overview");
    for (key, value) in &shown {
        assert_eq!(Some(*value), overview[key]["value"].as_f64(), "{key}");
    }
    assert!(
        shown.iter().any(|(_, v)| *v > 0.0),
        "the generated year has figures"
    );
    // Charts were drawn from the tables: bars, with the months under them.
    assert!(page.matches("<rect").count() > 20);
    assert!(page.contains("2025-0"));

    // Staff only; a subdistrict admin for its communities; nobody for another community.
    let resident = app.resident("wang").await;
    assert_eq!(
        get(&resident, query.clone()).await.unwrap().status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        get(&app.anonymous(), query.clone()).await.unwrap().status(),
        StatusCode::UNAUTHORIZED
    );
    let street = app.staff("subdistrict_admin").await;
    let one = format!("{query}&community_id={}", app.community_id);
    let r = get(&street, one).await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let foreign = app.staff_of("community_admin", app.other_community()).await;
    let theirs = format!("{query}&community_id={}", app.community_id);
    assert_eq!(
        get(&foreign, theirs).await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
    let bad = "from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z".to_string();
    assert_eq!(
        get(&admin, bad).await.unwrap().status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
}
