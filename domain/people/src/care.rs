//! Care: how often a resident is visited, and who has gone too long without a visit.

use std::collections::BTreeMap;

use canglong_core::{DomainError, NaiveDateTime};
use chrono::{Datelike, Duration};

/// The default number of days without a visit that makes a care gap (a fortnight).
pub const DEFAULT_GAP_DAYS: i32 = 14;
/// The longest gap a community may set: a quarter.
pub const MAX_GAP_DAYS: i32 = 90;

pub fn check_gap_days(days: i32) -> Result<(), DomainError> {
    if (1..=MAX_GAP_DAYS).contains(&days) {
        Ok(())
    } else {
        Err(DomainError::invalid(
            "invalid_gap_days",
            format!("a care gap is 1 to {MAX_GAP_DAYS} days"),
        ))
    }
}

/// `YYYY-MM` of the local (UTC+8) month of `at`.
fn local_month(at: NaiveDateTime) -> String {
    let d = (at + Duration::hours(8)).date();
    format!("{:04}-{:02}", d.year(), d.month())
}

/// Visits per local month, oldest month first.
pub fn visits_per_month(visits: impl IntoIterator<Item = NaiveDateTime>) -> BTreeMap<String, i64> {
    let mut months = BTreeMap::new();
    for at in visits {
        *months.entry(local_month(at)).or_default() += 1;
    }
    months
}

/// A gap: the days since the last visit (or since the resident was registered, if nobody has
/// come yet) when that is at least `days`.
pub fn gap(
    last_visit: Option<NaiveDateTime>,
    registered_at: NaiveDateTime,
    now: NaiveDateTime,
    days: i32,
) -> Option<i64> {
    let since = (now - last_visit.unwrap_or(registered_at)).num_days();
    (since >= i64::from(days)).then_some(since)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: i64) -> NaiveDateTime {
        chrono::NaiveDate::from_ymd_opt(2026, 1, 1)
            .unwrap()
            .and_hms_opt(4, 0, 0)
            .unwrap()
            + Duration::days(d)
    }

    #[test]
    fn gaps_count_from_the_last_visit_or_registration() {
        assert_eq!(gap(Some(day(0)), day(-30), day(13), 14), None);
        assert_eq!(gap(Some(day(0)), day(-30), day(14), 14), Some(14));
        assert_eq!(gap(None, day(0), day(20), 14), Some(20));
        assert_eq!(gap(None, day(10), day(20), 14), None);
    }

    #[test]
    fn months_are_local() {
        // 31 January 20:00 UTC is 1 February in Wuhan.
        let late = chrono::NaiveDate::from_ymd_opt(2026, 1, 31)
            .unwrap()
            .and_hms_opt(20, 0, 0)
            .unwrap();
        let m = visits_per_month([day(0), day(3), late]);
        assert_eq!(m.get("2026-01"), Some(&2));
        assert_eq!(m.get("2026-02"), Some(&1));
    }

    #[test]
    fn gap_days_are_bounded() {
        assert!(check_gap_days(14).is_ok());
        assert!(check_gap_days(0).is_err());
        assert!(check_gap_days(91).is_err());
    }
}
