//! `mini-program-mock`: the mini-program's side for demos and benchmarks.

use std::time::Duration;

use std::sync::Arc;

use canglong_mini_program_mock::{FakeWechat, bench, flood, load, scenario};
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "mini-program-mock",
    about = "The mini-program's side of 藏龙智汇, for demos and benchmarks"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the fake WeChat API until interrupted; prints its base URL.
    FakeWechat {
        /// Address to listen on (default: a free loopback port).
        #[arg(long)]
        bind: Option<String>,
    },
    /// "A day in Canglong" against a server running the demo whose WeChat base is the fake;
    /// prints a summary and fails if an invariant does not hold.
    Scenario {
        #[arg(long, default_value = "http://127.0.0.1:8080")]
        base: String,
        /// The demo staff's password.
        #[arg(long, env = "CANGLONG_PASSWORD", default_value = "canglong-demo-2026")]
        password: String,
        #[arg(long, default_value_t = 6)]
        elderly: usize,
        #[arg(long, default_value_t = 3)]
        riders: usize,
    },
    /// The mini-program's load at each concurrency given: throughput and p50/p95/p99 per
    /// endpoint. The server must run the demo and point its WeChat base at a fake (residents
    /// sign in through it) and allow many sign-ins (CANGLONG_AUTH_RATE_LIMIT).
    Load {
        /// The server, or several of one deployment comma-separated (the clients are spread
        /// over them and move on when one cannot be reached).
        #[arg(long, default_value = "http://127.0.0.1:8080", value_delimiter = ',')]
        base: Vec<String>,
        #[arg(long, env = "CANGLONG_PASSWORD", default_value = "canglong-demo-2026")]
        password: String,
        /// Concurrent clients, comma-separated; each is a person of its own.
        #[arg(long, default_value = "8,64,256", value_delimiter = ',')]
        clients: Vec<usize>,
        /// Every write the servers acknowledged, one `kind id` per line (needs, claims, records,
        /// verifications, vouchers), to check afterwards that each is stored once.
        #[arg(long)]
        journal: Option<std::path::PathBuf>,
        #[arg(long, default_value_t = 20)]
        seconds: u64,
        /// `realistic` (mostly reads, some writes) or `healthz` (the HTTP layer alone).
        #[arg(long, default_value = "realistic")]
        mix: String,
    },
    /// Makes the cast of the wrk benchmarks and writes it into a directory (see
    /// `scripts/wrk/post.lua`). The server must run the demo and point its WeChat base at a fake.
    BenchCast {
        #[arg(long, default_value = "http://127.0.0.1:8080")]
        base: String,
        #[arg(long, env = "CANGLONG_PASSWORD", default_value = "canglong-demo-2026")]
        password: String,
        #[arg(long, default_value_t = 200)]
        residents: usize,
        #[arg(long, default_value_t = 20)]
        offers: usize,
        /// Open needs, posted by the first residents.
        #[arg(long, default_value_t = 200)]
        needs: usize,
        #[arg(long)]
        out: std::path::PathBuf,
    },
    /// A wrong-password flood: other reads' p50/p95 with and without it, and the server's
    /// memory. The server must allow many sign-ins per address (CANGLONG_AUTH_RATE_LIMIT).
    Flood {
        #[arg(long, default_value = "http://127.0.0.1:8080")]
        base: String,
        /// A staff account that reads GET /needs meanwhile.
        #[arg(long, default_value = "sw_li")]
        reader: String,
        /// A real account: half the flood guesses its password, half made-up accounts'.
        #[arg(long, default_value = "admin")]
        username: String,
        #[arg(long, env = "CANGLONG_PASSWORD", default_value = "canglong-demo-2026")]
        password: String,
        /// Concurrent wrong-password sign-ins.
        #[arg(long, default_value_t = 128)]
        concurrency: usize,
        #[arg(long, default_value_t = 10)]
        seconds: u64,
        /// The server's process id, to sample its resident memory.
        #[arg(long)]
        server_pid: Option<u32>,
        /// The share of attackers guessing the real account, percent (the rest guess made-up
        /// accounts, each costing a full hash).
        #[arg(long, default_value_t = 50)]
        known_percent: usize,
    },
}

#[tokio::main]
async fn main() -> Result<(), String> {
    match Cli::parse().command {
        Command::FakeWechat { bind } => {
            let fake = match bind {
                Some(addr) => FakeWechat::start_on(&addr),
                None => FakeWechat::start(),
            }
            .map_err(|e| e.to_string())?;
            println!("CANGLONG_WECHAT_API_BASE={}", fake.base_url());
            std::future::pending::<()>().await;
            Ok(())
        }
        Command::Scenario {
            base,
            password,
            elderly,
            riders,
        } => {
            let summary = scenario::run(&scenario::Config {
                base,
                password,
                elderly: elderly.max(1),
                riders: riders.max(1),
            })
            .await?;
            print!("{summary}");
            if summary.ok() {
                Ok(())
            } else {
                Err("an invariant does not hold".into())
            }
        }
        Command::Load {
            base,
            password,
            clients,
            journal,
            seconds,
            mix,
        } => {
            let mix = match mix.as_str() {
                "realistic" => load::Mix::Realistic,
                "healthz" => load::Mix::Healthz,
                other => return Err(format!("unknown mix `{other}`: realistic or healthz")),
            };
            let cast = match mix {
                load::Mix::Realistic => {
                    let most = clients.iter().copied().max().unwrap_or(1);
                    Some(Arc::new(load::cast(&base[0], &password, most).await?))
                }
                load::Mix::Healthz => None,
            };
            let mut acknowledged = String::new();
            for c in clients {
                let r = load::run(
                    &base,
                    cast.clone(),
                    mix,
                    c.max(1),
                    Duration::from_secs(seconds),
                )
                .await;
                println!("{r}");
                if r.moved > 0 {
                    println!("clients moved to another server {} times", r.moved);
                }
                for (kind, id) in &r.acknowledged {
                    acknowledged.push_str(&format!("{kind} {id}\n"));
                }
            }
            if let Some(path) = journal {
                std::fs::write(&path, acknowledged)
                    .map_err(|e| format!("{}: {e}", path.display()))?;
            }
            Ok(())
        }
        Command::Flood {
            base,
            reader,
            username,
            password,
            concurrency,
            seconds,
            server_pid,
            known_percent,
        } => {
            flood::run(&flood::Config {
                base,
                reader,
                username,
                password,
                flood: concurrency,
                secs: seconds,
                server_pid,
                known_percent,
            })
            .await
        }
        Command::BenchCast {
            base,
            password,
            residents,
            offers,
            needs,
            out,
        } => {
            let size = bench::CastSize {
                residents: residents.max(1),
                offers: offers.max(1),
                needs,
            };
            bench::cast(&base, &password, &size, &out).await
        }
    }
}
