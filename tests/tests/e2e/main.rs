//! End-to-end tests: the real server over real HTTP, on SQLite and on PostgreSQL.

mod activities;
mod alliance;
mod auth;
mod boundaries;
mod chain;
mod contract;
mod feedback;
mod hardening;
mod input;
mod life;
mod load;
mod needs;
mod ops;
mod organisation;
mod people;
mod points;
mod processes;
mod races;
mod report;
mod scenario;
mod stats;
mod storage;
mod sweep;
mod tls;
mod use_cases;
mod volunteers;
