//! Places of the community (the activity centre's zones, the senior centre, the riders' station
//! 夏小驿 with its services) and walk-in visits: how one is recorded, and the daily figures.

use std::collections::BTreeMap;

use canglong_core::{DomainError, NaiveDate, NaiveDateTime, wire_enum};

wire_enum!(
    /// What a place is.
    PlaceKind {
        ActivityCentre = "activity_centre",
        SeniorCentre = "senior_centre",
        RiderStation = "rider_station",
        Other = "other",
    }
);

/// A place's zones: named, each once.
pub fn check_zones(zones: &[String]) -> Result<(), DomainError> {
    let mut seen = std::collections::HashSet::new();
    if zones
        .iter()
        .any(|z| z.trim().is_empty() || !seen.insert(z.trim()))
    {
        return Err(DomainError::invalid(
            "invalid_zones",
            "each zone has a name, and no name twice",
        ));
    }
    Ok(())
}

/// Who records a visit: staff tally people who came in (any number), or a visitor scans the
/// place's code for themselves alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recorder {
    Staff,
    Visitor,
}

/// The most people one staff tally may record.
pub const MAX_TALLY: i32 = 500;
/// A visitor's scans of one place (and service) within this many minutes are one visit: a
/// second scan does not count again.
pub const REPEAT_MINUTES: i64 = 30;

/// How many people a visit counts, or why it cannot be recorded.
pub fn visit_people(by: Recorder, count: Option<i32>) -> Result<i32, DomainError> {
    match (by, count) {
        (Recorder::Visitor, None | Some(1)) => Ok(1),
        (Recorder::Visitor, Some(_)) => Err(DomainError::invalid(
            "invalid_count",
            "a visitor records their own visit: count is 1 or left out",
        )),
        (Recorder::Staff, None) => Ok(1),
        (Recorder::Staff, Some(n)) if (1..=MAX_TALLY).contains(&n) => Ok(n),
        (Recorder::Staff, Some(_)) => Err(DomainError::invalid(
            "invalid_count",
            format!("a tally counts 1 to {MAX_TALLY} people"),
        )),
    }
}

/// Whether a visitor's earlier scan at `last` makes a scan at `at` the same visit.
pub fn repeat_scan(last: Option<NaiveDateTime>, at: NaiveDateTime) -> bool {
    last.is_some_and(|l| at - l < chrono::Duration::minutes(REPEAT_MINUTES))
}

/// How many consecutive days the peak period spans.
pub const PEAK_DAYS: i64 = 7;

pub const DEF_PEAK_AVERAGE: &str = "the mean number of visits a local day (UTC+8) over the busiest 7 consecutive days of the period (every day of the period if it is shorter): people checked in to sessions and association sessions, and walk-in visits recorded at the community's places";

/// The peak period: the `PEAK_DAYS` consecutive days of `[first, last]` with the most visits
/// (the earliest such run), and their daily mean. Days without a visit count as 0.
pub fn peak_period(
    daily: &BTreeMap<NaiveDate, i64>,
    first: NaiveDate,
    last: NaiveDate,
) -> Option<(NaiveDate, NaiveDate, f64)> {
    if last < first {
        return None;
    }
    let span = (last - first).num_days() + 1;
    let width = PEAK_DAYS.min(span);
    let at = |d: i64| {
        daily
            .get(&(first + chrono::Duration::days(d)))
            .copied()
            .unwrap_or(0)
    };
    let mut sum: i64 = (0..width).map(at).sum();
    let (mut best, mut best_start) = (sum, 0);
    for start in 1..=(span - width) {
        sum += at(start + width - 1) - at(start - 1);
        if sum > best {
            (best, best_start) = (sum, start);
        }
    }
    let from = first + chrono::Duration::days(best_start);
    Some((
        from,
        from + chrono::Duration::days(width - 1),
        best as f64 / width as f64,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 7, day).unwrap()
    }

    #[test]
    fn the_peak_is_the_busiest_week_not_the_busiest_day() {
        let mut daily = BTreeMap::new();
        daily.insert(d(2), 400); // one busy day
        for day in 10..=16 {
            daily.insert(d(day), 200); // a busy week
        }
        let (from, to, mean) = peak_period(&daily, d(1), d(31)).unwrap();
        assert_eq!((from, to), (d(10), d(16)));
        assert_eq!(mean, 200.0);
    }

    #[test]
    fn a_short_period_averages_all_its_days_and_quiet_days_count_as_zero() {
        let mut daily = BTreeMap::new();
        daily.insert(d(1), 30);
        daily.insert(d(3), 60);
        let (from, to, mean) = peak_period(&daily, d(1), d(3)).unwrap();
        assert_eq!((from, to, mean), (d(1), d(3), 30.0));
        assert_eq!(peak_period(&daily, d(3), d(1)), None);
        let (_, _, none) = peak_period(&BTreeMap::new(), d(1), d(20)).unwrap();
        assert_eq!(none, 0.0);
    }

    #[test]
    fn a_visitor_counts_once_a_tally_counts_its_people() {
        assert_eq!(visit_people(Recorder::Visitor, None).unwrap(), 1);
        assert!(visit_people(Recorder::Visitor, Some(3)).is_err());
        assert_eq!(visit_people(Recorder::Staff, Some(40)).unwrap(), 40);
        assert!(visit_people(Recorder::Staff, Some(0)).is_err());
        assert!(visit_people(Recorder::Staff, Some(MAX_TALLY + 1)).is_err());
        let t = d(1).and_hms_opt(12, 0, 0).unwrap();
        assert!(repeat_scan(Some(t), t + chrono::Duration::minutes(29)));
        assert!(!repeat_scan(Some(t), t + chrono::Duration::minutes(30)));
        assert!(!repeat_scan(None, t));
    }

    #[test]
    fn zones_are_named_once() {
        let z = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(check_zones(&z(&["书画区", "舞蹈区"])).is_ok());
        assert!(check_zones(&z(&["书画区", "书画区"])).is_err());
        assert!(check_zones(&z(&[" "])).is_err());
    }
}
