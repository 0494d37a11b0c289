//! The ops team's `canglong` command, run as a process against a SQLite file.

use std::process::Command;

use canglong_persistence::clients;

fn canglong(db: &str, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_canglong"))
        .args(args)
        .env("CANGLONG_DATABASE_URL", db)
        .env("CANGLONG_LOG", "warn")
        .output()
        .expect("run canglong")
}

#[test]
fn client_create_prints_credentials_once_and_stores_only_a_hash() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}/cli.db", dir.path().display());
    let out = canglong(&db, &["community", "create", "--name", "藏龙社区"]);
    assert!(out.status.success(), "{out:?}");
    let community = String::from_utf8(out.stdout).unwrap().trim().to_string();

    let out = canglong(
        &db,
        &[
            "client",
            "create",
            "--name",
            "市大数据局",
            "--scopes",
            "stats:read",
            "--community",
            &community,
        ],
    );
    assert!(out.status.success(), "{out:?}");
    let text = String::from_utf8(out.stdout).unwrap();
    let field = |name: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(name))
            .map(|v| v.trim().to_string())
            .unwrap_or_else(|| panic!("no {name} in {text}"))
    };
    let (id, secret) = (field("client_id"), field("client_secret"));
    let pool = canglong_persistence::pool(&db, 1).unwrap();
    let row = clients::get(&mut pool.get().unwrap(), id.parse().unwrap())
        .unwrap()
        .expect("stored");
    assert_eq!(row.scopes, "stats:read");
    assert_eq!(
        row.secret_hash,
        canglong_api::auth::hash_refresh_token(&secret)
    );
    assert_ne!(row.secret_hash, secret, "the secret itself is not stored");

    let refused = canglong(
        &db,
        &[
            "client",
            "create",
            "--name",
            "x",
            "--scopes",
            "ledger:write",
            "--community",
            &community,
        ],
    );
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("unknown scope"));
}
