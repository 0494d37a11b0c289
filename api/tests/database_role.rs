//! The production database roles on PostgreSQL, as `docker-compose.yml` sets them up: the
//! migrations run as the owner, the server as a role made by `deploy/db-init/10-app-role.sh`
//! that owns nothing. Its password, full of URL characters, reaches libpq as PGPASSWORD.

use std::process::{Command, Output};

/// A password no URL could carry unescaped.
const PASSWORD: &str = "p@ss/w+rd#1:?%&=";

fn run(cmd: &mut Command) -> Output {
    cmd.output().expect("the command runs")
}

fn psql(db: &str, user: &str, password: Option<&str>, sql: &str) -> Output {
    let mut c = Command::new("psql");
    c.args([
        "-X",
        "-v",
        "ON_ERROR_STOP=1",
        "-d",
        db,
        "-U",
        user,
        "-c",
        sql,
    ]);
    if let Some(p) = password {
        c.env("PGPASSWORD", p);
    }
    run(&mut c)
}

fn canglong(url: &str, password: &str, args: &[&str]) -> Output {
    run(Command::new(env!("CARGO_BIN_EXE_canglong"))
        .args(args)
        .env("CANGLONG_DATABASE_URL", url)
        .env("PGPASSWORD", password)
        .env("CANGLONG_LOG", "warn"))
}

#[test]
fn the_server_role_writes_rows_but_cannot_change_the_ledger_or_the_tables() {
    if std::env::var("TEST_DATABASE_URL").is_err() {
        assert_ne!(
            std::env::var("CI").as_deref(),
            Ok("true"),
            "CI runs this on PostgreSQL"
        );
        eprintln!("skipped: needs scripts/test-postgres.sh");
        return;
    }
    let host = std::env::var("PGHOST").expect("PGHOST");
    let port = std::env::var("PGPORT").expect("PGPORT");
    let owner = std::env::var("PGUSER").unwrap_or_else(|_| "postgres".into());
    let suffix = uuid::Uuid::new_v4().simple().to_string();
    let (db, role) = (format!("roles_{suffix}"), format!("app_{suffix}"));
    assert!(
        psql("postgres", &owner, None, &format!("CREATE DATABASE {db}"))
            .status
            .success()
    );

    // As the image does at the cluster's creation, then the migrations as the owner.
    let init = run(Command::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../deploy/db-init/10-app-role.sh"
    ))
    .env("POSTGRES_USER", &owner)
    .env("POSTGRES_DB", &db)
    .env("CANGLONG_APP_ROLE", &role)
    .env("CANGLONG_APP_PASSWORD", PASSWORD));
    assert!(init.status.success(), "{init:?}");
    let url = |user: &str| format!("postgres://{user}@/{db}?host={host}&port={port}");
    let out = canglong(&url(&owner), "", &["migrate"]);
    assert!(out.status.success(), "{out:?}");

    // The role signs in with its password only (the test cluster trusts everyone else).
    let hba = format!("{host}/data/pg_hba.conf");
    let rules = std::fs::read_to_string(&hba).expect("pg_hba.conf");
    std::fs::write(&hba, format!("local all {role} scram-sha-256\n{rules}")).expect("hba");
    assert!(
        psql("postgres", &owner, None, "SELECT pg_reload_conf()")
            .status
            .success()
    );

    let wrong = canglong(
        &url(&role),
        "not-the-password",
        &["community", "create", "--name", "x"],
    );
    assert!(!wrong.status.success(), "a wrong password is refused");
    let out = canglong(
        &url(&role),
        PASSWORD,
        &["community", "create", "--name", "藏龙社区"],
    );
    assert!(
        out.status.success(),
        "the server's role writes rows: {out:?}"
    );

    for sql in [
        "UPDATE postings SET amount = 0",
        "DELETE FROM ledger_transactions",
        "ALTER TABLE postings DISABLE TRIGGER ALL",
        "DROP TABLE postings CASCADE",
        "SET session_replication_role = replica",
    ] {
        let out = psql(&db, &role, Some(PASSWORD), sql);
        assert!(
            !out.status.success(),
            "{sql} must be refused to the server's role"
        );
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("append-only")
                || err.contains("owner")
                || err.contains("permission denied"),
            "{sql}: {err}"
        );
    }

    std::fs::write(&hba, rules).expect("hba restored");
    psql("postgres", &owner, None, "SELECT pg_reload_conf()");
    psql("postgres", &owner, None, &format!("DROP DATABASE {db}"));
}
