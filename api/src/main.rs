//! `canglong`: the server and the ops team's commands.

use std::io::Read;
use std::process::ExitCode;
use std::time::Duration;

use canglong_api::{AppState, Server, Settings, jobs, seed, server};
use canglong_core::Role;
use canglong_persistence::{people as store, write_tx};
use canglong_services::people;
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "canglong",
    version,
    about = "藏龙智汇 backend: server and operations"
)]
struct Cli {
    #[command(flatten)]
    settings: Settings,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the server (the default); migrates first unless --no-migrate.
    Serve {
        #[arg(long)]
        no_migrate: bool,
        /// Load the Canglong demo first if it is not loaded yet.
        #[arg(long)]
        demo: bool,
    },
    /// Apply pending migrations and exit.
    Migrate,
    /// Load the Canglong demo and print its logins; refuses to run twice.
    SeedDemo,
    /// Communities.
    Community {
        #[command(subcommand)]
        command: CommunityCommand,
    },
    /// Users.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Integrator clients.
    Client {
        #[command(subcommand)]
        command: ClientCommand,
    },
    /// One pass of the periodic jobs, then one pass of the WeChat outbox.
    Sweep,
    /// Benchmarks and demos: a new community with two generated years of records at the case
    /// study's scale times `factor`; prints its id.
    #[command(hide = true)]
    Synthetic {
        #[arg(long, default_value_t = 1)]
        factor: usize,
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
        #[arg(long)]
        name: String,
        #[arg(long, default_value = "藏龙岛街道")]
        subdistrict: String,
    },
}

#[derive(Subcommand)]
enum ClientCommand {
    /// Prints the client id and its secret (shown once).
    Create {
        #[arg(long)]
        name: String,
        /// Comma-separated, e.g. `stats:read`.
        #[arg(long, value_delimiter = ',')]
        scopes: Vec<String>,
        #[arg(long)]
        community: uuid::Uuid,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Password from CANGLONG_PASSWORD or stdin; prints the user id.
    Create {
        #[arg(long)]
        username: String,
        #[arg(long)]
        role: String,
        #[arg(long)]
        community: uuid::Uuid,
        #[arg(long)]
        nickname: Option<String>,
    },
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
    let s = cli.settings;
    match cli.command.unwrap_or(Command::Serve {
        no_migrate: false,
        demo: false,
    }) {
        Command::Serve { no_migrate, demo } => serve(&s, no_migrate, demo),
        Command::Migrate => {
            let pool = canglong_persistence::pool(&s.database_url, 1)?;
            let n = canglong_persistence::migrate(&mut *pool.get()?)?;
            println!("applied {n} migration(s)");
            Ok(())
        }
        Command::SeedDemo => {
            let pool = migrated_pool(&s, 1)?;
            print_seed(seed::seed_demo(&mut *pool.get()?)?);
            Ok(())
        }
        Command::Community {
            command: CommunityCommand::Create { name, subdistrict },
        } => {
            let pool = migrated_pool(&s, 1)?;
            let id = write_tx(&mut *pool.get()?, |c| {
                people::create_community(c, &subdistrict, &name)
            })?;
            println!("{id}");
            Ok(())
        }
        Command::User {
            command:
                UserCommand::Create {
                    username,
                    role,
                    community,
                    nickname,
                },
        } => {
            let role: Role = role
                .parse()
                .map_err(|e: canglong_core::DomainError| e.message.to_string())?;
            let password = match std::env::var("CANGLONG_PASSWORD") {
                Ok(p) => p,
                Err(_) => {
                    let mut p = String::new();
                    std::io::stdin().read_to_string(&mut p)?;
                    p.trim_end_matches(['\r', '\n']).to_string()
                }
            };
            if password.len() < 10 {
                return Err("the password must be at least 10 characters".into());
            }
            let hash = canglong_api::auth::hash_password(&password).map_err(|e| e.to_string())?;
            let pool = migrated_pool(&s, 1)?;
            let nickname = nickname.unwrap_or_else(|| username.clone());
            let id = write_tx(&mut *pool.get()?, |c| {
                people::create_password_user(c, community, &username, &nickname, hash, role)
            })
            .map_err(|e| e.to_string())?;
            println!("{id}");
            Ok(())
        }
        Command::Client {
            command:
                ClientCommand::Create {
                    name,
                    scopes,
                    community,
                },
        } => {
            let pool = migrated_pool(&s, 1)?;
            let (id, secret) = write_tx(&mut *pool.get()?, |c| {
                canglong_api::auth::create_client(c, &name, &scopes, community)
            })?;
            println!("client_id {id}");
            println!("client_secret {secret}");
            Ok(())
        }
        Command::Synthetic { factor, seed } => {
            use canglong_persistence::synthetic::{Plan, Scale, load};
            let pool = migrated_pool(&s, 1)?;
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
        Command::Sweep => {
            let pool = migrated_pool(&s, 2)?;
            let r = jobs::sweep(&pool, &server::timing(&s))?;
            println!(
                "expired {} escalated {} auto_confirmed {} points_expired {} vouchers_expired {} vouchers_reminded {}",
                r.expired,
                r.escalated,
                r.auto_confirmed,
                r.points_expired,
                r.vouchers_expired,
                r.vouchers_reminded
            );
            let state = AppState::new(&s, pool)?;
            let d = actix_web::rt::System::new().block_on(canglong_api::outbox::deliver(
                &state.pool,
                &state.wechat,
                &state.outbox,
            ))?;
            println!(
                "outbox sent {} retried {} dead {} failed_permanent {}",
                d.sent, d.retried, d.dead, d.failed_permanent
            );
            Ok(())
        }
        Command::Openapi => {
            println!("{}", canglong_api::openapi_document().to_pretty_json()?);
            Ok(())
        }
    }
}

fn migrated_pool(
    s: &Settings,
    size: u32,
) -> Result<canglong_persistence::Pool, Box<dyn std::error::Error + Send + Sync>> {
    let pool = canglong_persistence::pool(&s.database_url, size)?;
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
    let pool = canglong_persistence::pool(&s.database_url, s.pool_size)?;
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
