//! The words every area shares: who acts ([`Actor`], [`Role`]), what went wrong ([`DomainError`]),
//! pages of results ([`PageRequest`], [`Cursor`]) and the clock ([`now`]).

mod error;
pub mod notice;
mod page;
mod role;
pub mod suggestion;

pub use error::{DomainError, ErrorKind};
pub use page::{Cursor, MAX_PAGE_SIZE, PageRequest};
pub use role::{Actor, Role};

pub use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};

/// A closed set of values with stable `snake_case` names, as stored and sent.
pub trait WireName: Sized + Copy + std::fmt::Debug + Send + Sync + 'static {
    fn as_str(self) -> &'static str;
    fn parse(s: &str) -> Option<Self>;
}

/// An enum of wire names (`snake_case` strings as stored and sent), with `ALL`, `as_str` and
/// `parse`: the states and kinds of every area are declared with it.
#[macro_export]
macro_rules! wire_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident = $wire:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $wire),+ }
            }
            pub fn parse(s: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.as_str() == s)
            }
        }

        impl $crate::WireName for $name {
            fn as_str(self) -> &'static str {
                $name::as_str(self)
            }
            fn parse(s: &str) -> Option<Self> {
                $name::parse(s)
            }
        }
    };
}
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

/// The year of `t` as people here read it (Asia/Shanghai).
pub fn local_year(t: NaiveDateTime) -> i32 {
    use chrono::Datelike;
    (t + chrono::Duration::hours(8)).year()
}

/// A year that must already have begun (a birth year, a year under evaluation): 422 `code`
/// when it is after the current local year.
pub fn past_or_current_year(
    year: i32,
    now: NaiveDateTime,
    code: &'static str,
) -> Result<(), DomainError> {
    let current = local_year(now);
    if year > current {
        return Err(DomainError::invalid(
            code,
            format!("{year} is after the current year ({current})"),
        ));
    }
    Ok(())
}

/// A time as a file for people carries it (a CSV cell): Beijing time with its offset,
/// `2026-03-01T16:00:00+08:00` — what a clerk reads, and still unambiguous to a program.
pub fn local_stamp(t: NaiveDateTime) -> String {
    (t + chrono::Duration::hours(8))
        .format("%Y-%m-%dT%H:%M:%S+08:00")
        .to_string()
}

/// A time on a WeChat message: `2026-03-01 16:00`, Beijing time.
pub fn local_clock(t: NaiveDateTime) -> String {
    (t + chrono::Duration::hours(8))
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// A time as people here read it: Asia/Shanghai (UTC+8, no daylight saving), e.g.
/// `2026-03-01 16:00 (北京时间)`. The wire keeps RFC 3339 UTC; this is for words meant for people.
pub fn local_time(t: NaiveDateTime) -> String {
    (t + chrono::Duration::hours(8))
        .format("%Y-%m-%d %H:%M (北京时间)")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn people_read_beijing_time() {
        let t = chrono::NaiveDate::from_ymd_opt(2026, 3, 1)
            .unwrap()
            .and_hms_opt(8, 0, 0)
            .unwrap();
        assert_eq!(local_stamp(t), "2026-03-01T16:00:00+08:00");
        assert_eq!(local_clock(t), "2026-03-01 16:00");
        assert_eq!(local_time(t), "2026-03-01 16:00 (北京时间)");
    }

    #[test]
    fn the_year_turns_at_local_midnight() {
        // 31 December 17:00 UTC is already 1 January in Wuhan.
        let eve = chrono::NaiveDate::from_ymd_opt(2026, 12, 31)
            .unwrap()
            .and_hms_opt(17, 0, 0)
            .unwrap();
        assert_eq!(local_year(eve), 2027);
        assert!(past_or_current_year(2027, eve, "y").is_ok());
        assert_eq!(past_or_current_year(2028, eve, "y").unwrap_err().code, "y");
    }
}
