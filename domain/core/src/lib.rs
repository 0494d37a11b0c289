//! The words every area shares: who acts ([`Actor`], [`Role`]), what went wrong ([`DomainError`]),
//! pages of results ([`PageRequest`], [`Cursor`]) and the clock ([`now`]).

mod error;
mod page;
mod role;

pub use error::{DomainError, ErrorKind};
pub use page::{Cursor, MAX_PAGE_SIZE, PageRequest};
pub use role::{Actor, Role};

pub use chrono::{DateTime, NaiveDateTime, Utc};
pub use uuid::Uuid;

/// The current time, truncated to microseconds: PostgreSQL keeps µs, so both backends store and
/// return the same value.
pub fn now() -> NaiveDateTime {
    use chrono::SubsecRound;
    Utc::now().naive_utc().trunc_subsecs(6)
}

/// A new time-ordered id (UUIDv7): ids sort by creation, which keyset pages rely on.
pub fn new_id() -> Uuid {
    Uuid::now_v7()
}
