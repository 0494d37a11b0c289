//! The 藏龙智汇 HTTP server: routes by area, sign-in, problem+json errors, background jobs, and
//! the `canglong` command's subcommands.

pub mod analytics;
pub mod auth;
pub mod config;
pub mod contract;
pub mod db;
pub mod error;
pub mod extract;
pub mod idempotency;
pub mod jobs;
pub mod ledger;
pub mod observe;
pub mod outbox;
pub mod report;
pub mod routes;
pub mod seed;
pub mod server;
pub mod shield;
pub mod wechat;

pub use config::Settings;
pub use error::ApiError;
pub use server::{AppState, Server, openapi_document};
