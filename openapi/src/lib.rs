//! The wire contract of 藏龙智汇: every request and response body, with its OpenAPI schema.
//! Requests reject unknown fields (a client cannot set server-owned fields such as `status`)
//! and carry their validation rules; responses are views, never raw rows.

pub mod activities;
pub mod alliance;
pub mod associations;
pub mod auth;
pub mod campaigns;
pub mod common;
pub mod conventions;
pub mod demo;
pub mod feedback;
pub mod needs;
pub mod people;
pub mod points;
pub mod polls;
pub mod service_records;
pub mod spaces;
pub mod stats;
pub mod topics;
pub mod volunteers;

pub use activities::*;
pub use alliance::*;
pub use associations::*;
pub use auth::*;
pub use campaigns::*;
pub use common::*;
pub use conventions::*;
pub use feedback::*;
pub use needs::*;
pub use people::*;
pub use points::*;
pub use polls::*;
pub use service_records::*;
pub use spaces::*;
pub use stats::*;
pub use topics::*;
pub use volunteers::*;

/// The OpenAPI document as committed (`openapi/openapi.json`); the server must reproduce it.
pub const COMMITTED_DOCUMENT: &str = include_str!("../openapi.json");
