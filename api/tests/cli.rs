//! The ops team's `canglong` command, run as a process against a SQLite file.

use std::process::Command;

use canglong_persistence::clients;

fn canglong(db: &str, args: &[&str]) -> std::process::Output {
    canglong_with(db, args, &[])
}

fn canglong_with(db: &str, args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_canglong"))
        .args(args)
        .env("CANGLONG_DATABASE_URL", db)
        .env("CANGLONG_LOG", "warn")
        .envs(env.iter().copied())
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
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(
        said.contains("ledger:write") && said.contains("stats:read"),
        "{said}"
    );
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn community(db: &str) -> String {
    let out = canglong(db, &["community", "create", "--name", "藏龙社区"]);
    assert!(out.status.success(), "{out:?}");
    text(&out.stdout).trim().to_string()
}

fn create_user(db: &str, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["user", "create"];
    args.extend_from_slice(extra);
    canglong_with(
        db,
        &args,
        &[("CANGLONG_PASSWORD", "a-long-enough-password")],
    )
}

#[test]
fn help_never_prints_a_secret_from_the_environment() {
    let secrets = [
        (
            "CANGLONG_DATABASE_URL",
            "postgres://canglong:db-s3cret-pw@db/canglong",
        ),
        (
            "CANGLONG_JWT_SECRET",
            "jwt-s3cret-jwt-s3cret-jwt-s3cret-jwt",
        ),
        ("CANGLONG_OPS_TOKEN", "ops-s3cret-token"),
        ("CANGLONG_WECHAT_SECRET", "wx-s3cret"),
    ];
    for cmd in [
        &["serve", "--help"][..],
        &["sweep", "--help"],
        &["migrate", "--help"],
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_canglong"))
            .args(cmd)
            .envs(secrets)
            .output()
            .expect("run canglong");
        let help = text(&out.stdout);
        assert!(help.contains("CANGLONG_DATABASE_URL"), "{help}");
        assert!(!help.contains("s3cret"), "{cmd:?} printed a secret: {help}");
    }
}

#[test]
fn each_command_helps_with_its_own_options() {
    let help = |args: &[&str]| text(&canglong("sqlite://unused.db", args).stdout);
    let serve = help(&["serve", "--help"]);
    assert!(
        serve.contains("--bind") && serve.contains("--jwt-secret"),
        "{serve}"
    );
    assert!(
        serve.contains("--no-migrate") && serve.contains("Do not apply"),
        "{serve}"
    );
    let sweep = help(&["sweep", "--help"]);
    assert!(sweep.contains("--database-url") && sweep.contains("--wechat-appid"));
    assert!(
        !sweep.contains("--bind") && !sweep.contains("--jwt-secret"),
        "{sweep}"
    );
    let create = help(&["user", "create", "--help"]);
    assert!(create.contains("community_admin") && create.contains("merchant_staff"));
    assert!(create.contains("canglong community create") && create.contains("--merchant"));
    assert!(!create.contains("--bind"), "{create}");
    assert!(help(&["--help"]).contains("CANGLONG_LOG_FORMAT"));
    // Every option of every command says what it is.
    for cmd in [
        &["serve"][..],
        &["migrate"],
        &["seed-demo"],
        &["community", "create"],
        &["user", "create"],
        &["user", "role", "add"],
        &["user", "disable"],
        &["client", "create"],
        &["sweep"],
    ] {
        let mut args = cmd.to_vec();
        args.push("--help");
        let out = help(&args);
        let lines: Vec<&str> = out.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            let t = line.trim_start();
            if !t.starts_with("--") || t.starts_with("--help") || t.starts_with("--version") {
                continue;
            }
            let described = t.split("  ").filter(|p| !p.trim().is_empty()).count() > 1
                || lines
                    .get(i + 1)
                    .is_some_and(|n| !n.trim().is_empty() && !n.trim_start().starts_with('-'));
            assert!(described, "{cmd:?}: `{t}` has no description");
        }
    }
    // One version everywhere: the binary's and the document's.
    let version = help(&["--version"]);
    let doc: serde_json::Value = serde_json::from_str(&help(&["openapi"])).unwrap();
    assert!(
        version.contains(doc["info"]["version"].as_str().unwrap()),
        "{version}"
    );
}

#[test]
fn users_roles_and_clear_refusals() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}/cli.db", dir.path().display());
    let c = community(&db);
    let out = create_user(
        &db,
        &[
            "--username",
            "wang",
            "--role",
            "superhero",
            "--community",
            &c,
        ],
    );
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(
        err.contains("superhero") && err.contains("social_worker"),
        "{err}"
    );
    let out = create_user(
        &db,
        &[
            "--username",
            "wang",
            "--role",
            "resident",
            "--community",
            "测试社区",
        ],
    );
    assert!(
        text(&out.stderr).contains("canglong community create"),
        "{out:?}"
    );

    let out = create_user(
        &db,
        &[
            "--username",
            "li",
            "--role",
            "social_worker",
            "--community",
            &c,
        ],
    );
    assert!(out.status.success(), "{out:?}");
    let again = create_user(
        &db,
        &[
            "--username",
            "li",
            "--role",
            "social_worker",
            "--community",
            &c,
        ],
    );
    assert!(!again.status.success());
    assert!(text(&again.stderr).contains("`li` is taken"), "{again:?}");

    let role = |verb: &str, role: &str| {
        canglong(
            &db,
            &["user", "role", verb, "--username", "li", "--role", role],
        )
    };
    assert!(role("add", "community_admin").status.success());
    let pool = canglong_persistence::pool(&db, 1).unwrap();
    let roles = |pool: &canglong_persistence::Pool| {
        let mut conn = pool.get().unwrap();
        let u = canglong_persistence::people::find_user_by_username(&mut conn, "li")
            .unwrap()
            .unwrap();
        canglong_persistence::people::roles_of(&mut conn, u.id.0).unwrap()
    };
    assert!(roles(&pool).contains(&"community_admin".to_string()));
    assert!(role("remove", "community_admin").status.success());
    assert_eq!(roles(&pool), ["social_worker"]);
    let disable = || text(&canglong(&db, &["user", "disable", "--username", "li"]).stdout);
    assert_eq!(disable().trim(), "li: disabled");
    assert_eq!(disable().trim(), "li: was already disabled");
    let nobody = canglong(
        &db,
        &[
            "user",
            "role",
            "add",
            "--username",
            "zhao",
            "--role",
            "resident",
        ],
    );
    assert!(
        text(&nobody.stderr).contains("no user is called `zhao`"),
        "{nobody:?}"
    );

    // A clerk made for an unknown shop is refused, and nothing is left half-made.
    let unknown = uuid::Uuid::now_v7().to_string();
    let out = create_user(
        &db,
        &[
            "--username",
            "clerk",
            "--role",
            "merchant_staff",
            "--community",
            &c,
            "--merchant",
            &unknown,
        ],
    );
    assert!(!out.status.success());
    let mut conn = pool.get().unwrap();
    assert!(
        canglong_persistence::people::find_user_by_username(&mut conn, "clerk")
            .unwrap()
            .is_none()
    );
}

#[test]
fn sweep_needs_only_the_database_and_openapi_survives_a_closed_pipe() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}/cli.db", dir.path().display());
    // Outside dev, and with no JWT secret at all: a sweep signs no token.
    let out = canglong_with(
        &db,
        &["sweep"],
        &[("CANGLONG_ENV", "prod"), ("CANGLONG_JWT_SECRET", "")],
    );
    assert!(out.status.success(), "{out:?}");
    let printed = text(&out.stdout);
    assert!(
        printed.contains("expired 0") && printed.contains("outbox sent 0"),
        "{printed}"
    );

    // `canglong openapi | head -c 10`: the reader goes away early.
    use std::io::Read;
    let mut child = Command::new(env!("CARGO_BIN_EXE_canglong"))
        .arg("openapi")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 10];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{out:?}");
    assert!(!text(&out.stderr).contains("panicked"), "{out:?}");
}
