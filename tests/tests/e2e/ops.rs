//! The ops team's curl scripts (`scripts/ops/`), each run as a process against a live server.

use std::process::{Command, Output};

use canglong_openapi::{CompletionRequest, VolunteerStatus};
use canglong_tests::{Db, STAFF_PASSWORD, TestApp, both, merchant_application, need, spawn};

both!(ops_scripts_do_the_ops_teams_tasks);

fn script(app: &TestApp, token: Option<&str>, name: &str, args: &[&str]) -> Output {
    let path = format!("{}/../scripts/ops/{name}", env!("CARGO_MANIFEST_DIR"));
    let mut c = Command::new("bash");
    c.arg(path).args(args).env("CANGLONG_URL", &app.base);
    match token {
        Some(t) => c.env("CANGLONG_TOKEN", t),
        None => c.env_remove("CANGLONG_TOKEN"),
    };
    c.output().expect("run script")
}

fn ok(out: Output) -> String {
    assert!(
        out.status.success(),
        "failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn json(out: Output) -> serde_json::Value {
    serde_json::from_str(&ok(out)).expect("json")
}

async fn ops_scripts_do_the_ops_teams_tasks(db: Db) {
    let app = spawn(db);
    let admin_client = app.staff("community_admin").await;
    let street_client = app.staff("subdistrict_admin").await;
    let worker_client = app.staff("social_worker").await;

    // Sign in: prints an export line the other scripts read.
    let username = admin_client.me().await.unwrap().nickname;
    let path = format!("{}/../scripts/ops/sign-in.sh", env!("CARGO_MANIFEST_DIR"));
    let out = Command::new("bash")
        .arg(&path)
        .arg(&username)
        .env("CANGLONG_URL", &app.base)
        .env("CANGLONG_PASSWORD", STAFF_PASSWORD)
        .output()
        .unwrap();
    let line = ok(out);
    let admin = line
        .trim()
        .strip_prefix("export CANGLONG_TOKEN=")
        .expect("export line")
        .to_string();
    let wrong = Command::new("bash")
        .arg(&path)
        .arg(&username)
        .env("CANGLONG_URL", &app.base)
        .env("CANGLONG_PASSWORD", "not-it")
        .output()
        .unwrap();
    assert!(!wrong.status.success());
    assert!(String::from_utf8_lossy(&wrong.stderr).contains("HTTP 401"));
    let admin = admin.as_str();
    let street = street_client.token().unwrap();
    let worker = worker_client.token().unwrap();

    // Approve a volunteer found in the pending list.
    let applicant = app.resident("ops-volunteer").await;
    let profile = applicant
        .apply_volunteer(&canglong_tests::application())
        .await
        .unwrap();
    let pending = json(script(
        &app,
        Some(admin),
        "approve-volunteer.sh",
        &["--pending"],
    ));
    assert!(
        pending["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|v| v["id"] == profile.id.to_string())
    );
    let decided = json(script(
        &app,
        Some(admin),
        "approve-volunteer.sh",
        &[&profile.id.to_string()],
    ));
    assert_eq!(decided["status"], "active");
    assert_eq!(
        applicant.get_volunteer(profile.id).await.unwrap().status,
        VolunteerStatus::Active
    );

    // Review and file a merchant.
    let owner = app.resident("ops-owner").await;
    let m = owner
        .apply_merchant(&merchant_application("老街面馆"))
        .await
        .unwrap();
    let id = m.id.to_string();
    json(script(
        &app,
        Some(admin),
        "review-merchant.sh",
        &["review", &id, "approve"],
    ));
    let filed = json(script(
        &app,
        Some(street),
        "review-merchant.sh",
        &["file", &id, "approve"],
    ));
    assert_eq!(filed["status"], "active");
    let refused = script(
        &app,
        Some(street),
        "review-merchant.sh",
        &["file", &id, "return"],
    );
    assert!(!refused.status.success(), "returning needs a reason");

    // Verify a service record the volunteer reported.
    let grandma = app.resident("ops-grandma").await;
    let n = grandma.create_need(&need(1)).await.unwrap();
    app.posted_earlier(n.id);
    applicant.claim_need(n.id, None).await.unwrap();
    let done = applicant
        .complete_need(
            n.id,
            &CompletionRequest {
                started_at: None,
                minutes: 30,
                note: String::new(),
            },
            None,
        )
        .await
        .unwrap();
    let rid = done.service_record.id.to_string();
    let verified = json(script(
        &app,
        Some(worker),
        "verify-record.sh",
        &[&rid, "30", "pass"],
    ));
    assert_eq!(verified["service_record"]["status"], "verified");
    let records = applicant
        .list_service_records(&Default::default())
        .await
        .unwrap();
    assert_eq!(
        records.items[0].status,
        canglong_openapi::RecordStatus::Verified
    );
    let again = script(&app, Some(worker), "verify-record.sh", &[&rid, "30"]);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("HTTP 409 already_verified"));

    // Adjust points with a reason; a missing reason is a usage error, not a request.
    let me = grandma.me().await.unwrap().id;
    let account = admin_client
        .balance(Some(me))
        .await
        .unwrap()
        .account_id
        .to_string();
    json(script(
        &app,
        Some(admin),
        "adjust-points.sh",
        &[&account, "50", "纸质积分卡转入"],
    ));
    assert_eq!(grandma.balance(None).await.unwrap().balance, 50);
    assert!(
        !script(&app, Some(admin), "adjust-points.sh", &[&account, "50"])
            .status
            .success()
    );

    // Reconcile, export the ledger and the stats.
    let out = script(&app, Some(admin), "reconcile.sh", &[]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("reconcile: clean"));
    ok(out);
    let csv = ok(script(&app, Some(admin), "export-ledger.sh", &[]));
    assert!(csv.starts_with('\u{feff}') && csv.contains(&rid), "{csv}");
    let csv = ok(script(
        &app,
        Some(admin),
        "export-stats.sh",
        &["volunteers", "month"],
    ));
    assert!(
        csv.starts_with("\u{feff}month,volunteers,records,minutes,hours"),
        "{csv}"
    );
    let overview = json(script(&app, Some(admin), "export-stats.sh", &["overview"]));
    assert_eq!(overview["figures"]["volunteer_hours"]["numerator"], 30.0);

    // Clear failures: no token, a bad token, a role that may not.
    let none = script(&app, None, "reconcile.sh", &[]);
    assert!(String::from_utf8_lossy(&none.stderr).contains("set CANGLONG_TOKEN"));
    let bad = script(&app, Some("not-a-token"), "reconcile.sh", &[]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("HTTP 401"));
    let forbidden = script(
        &app,
        Some(worker),
        "adjust-points.sh",
        &[&account, "5", "x"],
    );
    assert!(String::from_utf8_lossy(&forbidden.stderr).contains("HTTP 403"));
    for usage in [
        "approve-volunteer.sh",
        "verify-record.sh",
        "review-merchant.sh",
    ] {
        let out = script(&app, Some(admin), usage, &[]);
        assert!(!out.status.success());
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("usage"),
            "{usage}"
        );
    }
}
