//! `canglong`: the server and the ops team's commands.

use std::io::{Read, Write};
use std::process::ExitCode;
use std::time::Duration;

use canglong_api::config::{Clocks, Database, Settings, Wechat};
use canglong_api::{AppState, Server, jobs, seed, server};
use canglong_core::Role;
use canglong_persistence::{people as store, write_tx};
use canglong_services::people;
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "canglong",
    version,
    about = "藏龙智汇 backend: server and operations",
    after_help = "Without a command, `canglong` serves. Logs go to stderr: CANGLONG_LOG sets the \
                  level (e.g. `info`, `canglong_api=debug`), CANGLONG_LOG_FORMAT=json makes \
                  them JSON lines."
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the server (the default); migrates first unless --no-migrate.
    Serve {
        #[command(flatten)]
        settings: Box<Settings>,
        /// Do not apply pending migrations before serving (they were applied by `migrate`).
        #[arg(long)]
        no_migrate: bool,
        /// Load the Canglong demo first if it is not loaded yet.
        #[arg(long)]
        demo: bool,
    },
    /// Apply pending migrations and exit.
    Migrate {
        #[command(flatten)]
        database: Database,
    },
    /// Load the Canglong demo and print its logins; refuses to run twice.
    SeedDemo {
        #[command(flatten)]
        database: Database,
    },
    /// Communities.
    Community {
        #[command(subcommand)]
        command: CommunityCommand,
    },
    /// Users: staff and merchant clerks who sign in with a password, and their roles.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Integrator clients.
    Client {
        #[command(subcommand)]
        command: ClientCommand,
    },
    /// One pass of the periodic jobs, then one pass of the WeChat outbox. Needs the database (and
    /// WeChat's credentials to deliver the outbox); it signs no token.
    Sweep {
        #[command(flatten)]
        database: Database,
        #[command(flatten)]
        clocks: Clocks,
        #[command(flatten)]
        wechat: Wechat,
    },
    /// Benchmarks and demos: a new community with two generated years of records at the case
    /// study's scale times `factor`; prints its id.
    #[command(hide = true)]
    Synthetic {
        #[command(flatten)]
        database: Database,
        /// Times the case study's scale.
        #[arg(long, default_value_t = 1)]
        factor: usize,
        /// The generator's seed: the same seed, the same records.
        #[arg(long, default_value_t = 2026)]
        seed: u64,
    },
    /// Print the OpenAPI document.
    Openapi,
}

#[derive(Subcommand)]
enum CommunityCommand {
    /// Prints the new community's id (creates the subdistrict if needed).
    Create {
        #[command(flatten)]
        database: Database,
        /// The community's name, e.g. 藏龙社区.
        #[arg(long)]
        name: String,
        /// The subdistrict (街道) it belongs to.
        #[arg(long, default_value = "藏龙岛街道")]
        subdistrict: String,
    },
}

#[derive(Subcommand)]
enum ClientCommand {
    /// Prints the client id and its secret (shown once).
    Create {
        #[command(flatten)]
        database: Database,
        /// Who the integrator is, e.g. 市大数据局.
        #[arg(long)]
        name: String,
        /// Comma-separated scopes: what the client's tokens may call.
        #[arg(long, value_delimiter = ',',
            value_parser = clap::builder::PossibleValuesParser::new(canglong_api::auth::SCOPES))]
        scopes: Vec<String>,
        /// The community's id (a UUID, as `canglong community create` prints it).
        #[arg(long, value_parser = community_id)]
        community: uuid::Uuid,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Password from CANGLONG_PASSWORD or stdin (10 characters at least); prints the user id.
    Create {
        #[command(flatten)]
        database: Database,
        /// The sign-in name; it must be free.
        #[arg(long)]
        username: String,
        /// What the user may do.
        #[arg(long, value_parser = roles())]
        role: String,
        /// The community's id (a UUID, as `canglong community create` prints it).
        #[arg(long, value_parser = community_id)]
        community: uuid::Uuid,
        /// The name people see (default: the username).
        #[arg(long)]
        nickname: Option<String>,
        /// A merchant clerk's shop: the merchant's id (a UUID, as `GET /api/v1/merchants` lists
        /// it); the user becomes its staff.
        #[arg(long, value_parser = merchant_id)]
        merchant: Option<uuid::Uuid>,
    },
    /// Give or take a role.
    Role {
        #[command(subcommand)]
        command: RoleCommand,
    },
    /// Disable an account: it signs in no more and its sessions end; its records stay.
    Disable {
        #[command(flatten)]
        database: Database,
        /// Whose account it is.
        #[arg(long)]
        username: String,
    },
}

#[derive(Subcommand)]
enum RoleCommand {
    /// Give a user a role in their community (it works at once, with the tokens they hold).
    Add(RoleChange),
    /// Take a role from a user (every access token they hold is refused from the next request).
    Remove(RoleChange),
}

#[derive(clap::Args)]
struct RoleChange {
    #[command(flatten)]
    database: Database,
    /// Whose role it is.
    #[arg(long)]
    username: String,
    /// The role given or taken.
    #[arg(long, value_parser = roles())]
    role: String,
}

/// The roles, as `--help` and a wrong value list them.
fn roles() -> clap::builder::PossibleValuesParser {
    clap::builder::PossibleValuesParser::new(Role::ALL.iter().map(|r| r.as_str()))
}

fn community_id(s: &str) -> Result<uuid::Uuid, String> {
    uuid::Uuid::parse_str(s).map_err(|_| {
        format!(
            "`{s}` is not a community id: give the id `canglong community create` printed (a UUID)"
        )
    })
}

fn merchant_id(s: &str) -> Result<uuid::Uuid, String> {
    uuid::Uuid::parse_str(s).map_err(|_| {
        format!("`{s}` is not a merchant id: give the id `GET /api/v1/merchants` lists (a UUID)")
    })
}

fn role_of(name: &str) -> Result<Role, String> {
    name.parse::<Role>().map_err(|e| e.message.to_string())
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("CANGLONG_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if std::env::var("CANGLONG_LOG_FORMAT").as_deref() == Ok("json") {
        builder.json().init();
    } else {
        builder.init();
    }
}

type Res = Result<(), Box<dyn std::error::Error + Send + Sync>>;

fn run(cli: Cli) -> Res {
    // No command: serve, configured from the environment as `canglong serve` would be.
    let command = match cli.command {
        Some(c) => c,
        None => Cli::parse_from(["canglong", "serve"])
            .command
            .ok_or("no command")?,
    };
    match command {
        Command::Serve {
            settings,
            no_migrate,
            demo,
        } => serve(&settings, no_migrate, demo),
        Command::Migrate { database } => {
            let pool = canglong_persistence::pool(&database.database_url, 1)?;
            let n = canglong_persistence::migrate(&mut *pool.get()?)?;
            println!("applied {n} migration(s)");
            Ok(())
        }
        Command::SeedDemo { database } => {
            let pool = migrated_pool(&database, 1)?;
            print_seed(seed::seed_demo(&mut *pool.get()?)?);
            Ok(())
        }
        Command::Community {
            command:
                CommunityCommand::Create {
                    database,
                    name,
                    subdistrict,
                },
        } => {
            let pool = migrated_pool(&database, 1)?;
            let id = write_tx(&mut *pool.get()?, |c| {
                people::create_community(c, &subdistrict, &name)
            })?;
            println!("{id}");
            Ok(())
        }
        Command::User {
            command:
                UserCommand::Create {
                    database,
                    username,
                    role,
                    community,
                    nickname,
                    merchant,
                },
        } => {
            let role = role_of(&role)?;
            let password = match std::env::var("CANGLONG_PASSWORD") {
                Ok(p) => p,
                Err(_) => {
                    let mut p = String::new();
                    std::io::stdin().read_to_string(&mut p)?;
                    p.trim_end_matches(['\r', '\n']).to_string()
                }
            };
            if password.chars().count() < 10 {
                return Err("the password must be at least 10 characters".into());
            }
            let hash = canglong_api::auth::hash_password(&password).map_err(|e| e.to_string())?;
            let pool = migrated_pool(&database, 1)?;
            let nickname = nickname.unwrap_or_else(|| username.clone());
            let id = write_tx(&mut *pool.get()?, |c| {
                let id =
                    people::create_password_user(c, community, &username, &nickname, hash, role)?;
                if let Some(m) = merchant {
                    // The ops team acts as the community's admin would.
                    let admin = canglong_core::Actor {
                        user_id: uuid::Uuid::nil(),
                        community_id: community,
                        roles: vec![Role::CommunityAdmin],
                    };
                    canglong_services::alliance::merchants::bind_staff(c, &admin, m, id)?;
                }
                Ok::<_, canglong_services::Error>(id)
            })
            .map_err(|e| e.to_string())?;
            println!("{id}");
            Ok(())
        }
        Command::User {
            command: UserCommand::Role { command },
        } => {
            let (
                RoleChange {
                    database,
                    username,
                    role,
                },
                add,
            ) = match command {
                RoleCommand::Add(change) => (change, true),
                RoleCommand::Remove(change) => (change, false),
            };
            let role = role_of(&role)?;
            let pool = migrated_pool(&database, 1)?;
            write_tx(&mut *pool.get()?, |c| {
                if add {
                    people::add_role(c, &username, role)
                } else {
                    people::remove_role(c, &username, role)
                }
            })
            .map_err(|e| e.to_string())?;
            println!(
                "{username}: {} {}",
                if add { "now has" } else { "no longer has" },
                role.as_str()
            );
            Ok(())
        }
        Command::User {
            command: UserCommand::Disable { database, username },
        } => {
            let pool = migrated_pool(&database, 1)?;
            let changed = write_tx(&mut *pool.get()?, |c| people::disable(c, &username))
                .map_err(|e| e.to_string())?;
            println!(
                "{username}: {}",
                if changed {
                    "disabled"
                } else {
                    "was already disabled"
                }
            );
            Ok(())
        }
        Command::Client {
            command:
                ClientCommand::Create {
                    database,
                    name,
                    scopes,
                    community,
                },
        } => {
            let pool = migrated_pool(&database, 1)?;
            let (id, secret) = write_tx(&mut *pool.get()?, |c| {
                canglong_api::auth::create_client(c, &name, &scopes, community)
            })?;
            println!("client_id {id}");
            println!("client_secret {secret}");
            Ok(())
        }
        Command::Synthetic {
            database,
            factor,
            seed,
        } => {
            use canglong_persistence::synthetic::{Plan, Scale, load};
            let pool = migrated_pool(&database, 1)?;
            let start = chrono::NaiveDate::from_ymd_opt(2024, 1, 1)
                .and_then(|d| d.and_hms_opt(0, 0, 0))
                .ok_or("bad start")?;
            let plan = Plan::generate(Scale::case_study(factor), seed, start);
            let id = write_tx(&mut *pool.get()?, |c| {
                let sd = store::ensure_subdistrict(c, "基准街道")?;
                let id = store::create_community(c, sd, &format!("基准社区-{seed}-x{factor}"))?;
                load(c, id, &plan)?;
                Ok::<_, diesel::result::Error>(id)
            })?;
            // The generated years are closed days: fold them as the periodic pass would, and
            // give the planner the statistics autovacuum would gather in time.
            let mut conn = pool.get()?;
            canglong_services::stats::fold_points(&mut conn, canglong_core::now())?;
            diesel::RunQueryDsl::execute(diesel::sql_query("ANALYZE"), &mut *conn)?;
            eprintln!(
                "residents {} needs {} service records {} postings {} check-ins {}",
                plan.resident_created.len(),
                plan.needs.len(),
                plan.records.len(),
                plan.postings(),
                plan.checkins.len()
            );
            println!("{id}");
            Ok(())
        }
        Command::Sweep {
            database,
            clocks,
            wechat,
        } => {
            let pool = migrated_pool(&database, 2)?;
            let r = jobs::sweep(&pool, &server::timing(&clocks))?;
            println!(
                "expired {} escalated {} auto_confirmed {} points_expired {} vouchers_expired {} vouchers_reminded {} days_folded {} care_alerts {} topics_moved {} electorates_taken {}",
                r.expired,
                r.escalated,
                r.auto_confirmed,
                r.points_expired,
                r.vouchers_expired,
                r.vouchers_reminded,
                r.days_folded,
                r.care_alerts,
                r.topics_moved,
                r.electorates_taken
            );
            let client = canglong_api::wechat::WechatClient::from_settings(&wechat)?;
            let policy = canglong_api::outbox::OutboxPolicy::from_settings(&wechat);
            let d = actix_web::rt::System::new()
                .block_on(canglong_api::outbox::deliver(&pool, &client, &policy))?;
            println!(
                "outbox sent {} retried {} dead {} failed_permanent {}",
                d.sent, d.retried, d.dead, d.failed_permanent
            );
            Ok(())
        }
        Command::Openapi => {
            let doc = canglong_api::openapi_document().to_pretty_json()?;
            // `canglong openapi | head` closes the pipe early: that is not an error.
            match writeln!(std::io::stdout(), "{doc}") {
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                other => Ok(other?),
            }
        }
    }
}

fn migrated_pool(
    database: &Database,
    size: u32,
) -> Result<canglong_persistence::Pool, Box<dyn std::error::Error + Send + Sync>> {
    let pool = canglong_persistence::pool(&database.database_url, size)?;
    canglong_persistence::migrate(&mut *pool.get()?)?;
    Ok(pool)
}

fn print_seed(seeded: seed::Seeded) {
    println!("Loaded {} ({})", seed::DEMO_COMMUNITY, seeded.community_id);
    println!("Demo logins (password: {}):", seed::DEMO_PASSWORD);
    for l in seeded.logins {
        println!("  {:<14} {}", l.username, l.role);
    }
}

fn serve(s: &Settings, no_migrate: bool, demo: bool) -> Res {
    let pool = canglong_persistence::pool_waiting(
        &s.database.database_url,
        s.pool_size,
        Duration::from_secs(s.pool_wait_secs.max(1)),
    )?;
    if !no_migrate {
        let n = canglong_persistence::migrate(&mut *pool.get()?)?;
        tracing::info!(applied = n, "migrations");
    }
    if demo {
        match seed::seed_demo(&mut *pool.get()?) {
            Ok(seeded) => print_seed(seeded),
            Err(e) if e.code == "already_seeded" => tracing::info!("demo already loaded"),
            Err(e) => return Err(e.to_string().into()),
        }
    }
    let state = AppState::new(s, pool)?;
    let every = Duration::from_secs(s.sweep_seconds.max(1));
    actix_web::rt::System::new().block_on(async move {
        server::spawn_sweeper(&state, every);
        let server = Server::build(s, state)?;
        tracing::info!(addr = %server.addr, "serving; docs at /docs/");
        server.run().await
    })?;
    Ok(())
}
