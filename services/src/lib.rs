//! The use cases of 藏龙智汇: one function per operation that changes state. Each runs inside
//! the caller's write transaction (load → decide in a domain crate → store), so the api wraps
//! it with its idempotency record and nothing outside sees half a change. No HTTP here.
//!
//! Lock order, everywhere (it is why two operations never wait on each other in a cycle):
//! merchant → offers (by id) → session → need → service record → accounts (by id).

pub mod activities;
pub mod alliance;
pub mod associations;
pub mod audit;
pub mod buildings;
pub mod campaigns;
pub mod care;
pub mod certificates;
pub mod conventions;
pub mod error;
pub mod ledger;
pub mod meetings;
pub mod needs;
pub mod notifications;
pub mod pairings;
pub mod people;
pub mod points;
pub mod polls;
pub mod privacy;
pub mod projects;
pub mod records;
pub mod residents;
pub mod scopes;
pub mod sessions;
pub mod spaces;
pub mod stats;
pub mod suggestions;
pub mod sweep;
pub mod topics;
pub mod trainings;
pub mod volunteers;

pub use error::{Error, Result};

/// The community's staff who organise its life (associations, campaigns): community admins and
/// social workers.
pub(crate) const ORGANISERS: [canglong_core::Role; 2] = [
    canglong_core::Role::CommunityAdmin,
    canglong_core::Role::SocialWorker,
];
