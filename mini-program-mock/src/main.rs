//! `mini-program-mock`: run the fake WeChat server for a local demo.

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "mini-program-mock",
    about = "The mini-program's side of 藏龙智汇, for demos and tests"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the fake WeChat API on loopback until interrupted; prints its base URL.
    FakeWechat,
}

fn main() -> std::io::Result<()> {
    match Cli::parse().command {
        Command::FakeWechat => {
            let fake = canglong_mini_program_mock::FakeWechat::start()?;
            println!("CANGLONG_WECHAT_API_BASE={}", fake.base_url());
            loop {
                std::thread::park();
            }
        }
    }
}
