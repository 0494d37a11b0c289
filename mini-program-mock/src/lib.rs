//! What the mini-program does, in Rust: a typed client over the contract's types ([`Client`]),
//! and a fake WeChat server ([`FakeWechat`]) that tests and demos start on loopback.

pub mod bench;
pub mod client;
pub mod flood;
pub mod load;
pub mod scenario;
pub mod wechat;

pub use client::{ApiFailure, Client};
pub use wechat::FakeWechat;
