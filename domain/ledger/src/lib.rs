//! The points ledger (积分): verified service minutes become points by the community's
//! [`Rules`]; every movement is a [`Transaction`] of postings that sum to zero; a resident's
//! balance never goes below zero; points may lapse by [`Lot`], first-expiring spent first.

mod lots;
mod rules;
mod transaction;

pub use lots::{Lot, Take, consume};
pub use rules::{BonusKind, Rounding, Rules};
pub use transaction::{AccountKind, Balance, Posting, Transaction, TxKind, apply};
