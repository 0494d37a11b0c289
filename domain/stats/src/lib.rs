//! The review meetings' figures (动态优化): each headline figure is defined here once, in words
//! (`definition`, also in `docs/metrics.md`) and in code, and computed from plain facts of the
//! records, so a reader can recompute it from its numerator and denominator.

use std::collections::{BTreeMap, HashMap, HashSet};

use canglong_core::{NaiveDateTime, Uuid};
use chrono::{Datelike, Duration, NaiveDate};

pub mod tables;
pub use tables::{Cell, Table};

/// A figure: `value = numerator / denominator`, or the count itself when there is no
/// denominator. A ratio over nothing is 0.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    pub value: f64,
    pub numerator: f64,
    pub denominator: Option<f64>,
    pub definition: &'static str,
}

impl Figure {
    pub fn count(n: f64, definition: &'static str) -> Self {
        Self {
            value: n,
            numerator: n,
            denominator: None,
            definition,
        }
    }

    pub fn ratio(numerator: f64, denominator: f64, definition: &'static str) -> Self {
        let value = if denominator == 0.0 {
            0.0
        } else {
            numerator / denominator
        };
        Self {
            value,
            numerator,
            denominator: Some(denominator),
            definition,
        }
    }

    /// Relative change from `before` to `now`.
    pub fn growth(now: f64, before: f64, definition: &'static str) -> Self {
        Self::ratio(now - before, before, definition)
    }
}

/// Dates are the community's (China Standard Time, UTC+8): a day or month of figures is a local
/// one.
pub fn local_date(at: NaiveDateTime) -> NaiveDate {
    (at + Duration::hours(8)).date()
}

/// `YYYY-MM` of the local month.
pub fn month_of(at: NaiveDateTime) -> String {
    let d = local_date(at);
    format!("{:04}-{:02}", d.year(), d.month())
}

/// The same period a year earlier.
pub fn year_before(from: NaiveDateTime, to: NaiveDateTime) -> (NaiveDateTime, NaiveDateTime) {
    let back = |t: NaiveDateTime| t.with_year(t.year() - 1).unwrap_or(t - Duration::days(365));
    (back(from), back(to))
}

pub fn median(values: &mut [f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let n = values.len();
    Some(if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    })
}

#[derive(Debug, Clone)]
pub struct Need {
    pub id: Uuid,
    pub category: String,
    pub target_group: String,
    pub status: String,
    pub window_end: NaiveDateTime,
    pub done_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

impl Need {
    pub fn fulfilled(&self) -> bool {
        matches!(self.status.as_str(), "done" | "confirmed")
    }

    /// Fulfilled within the time the requester asked for.
    pub fn on_time(&self) -> bool {
        self.fulfilled() && self.done_at.is_some_and(|d| d <= self.window_end)
    }
}

#[derive(Debug, Clone)]
pub struct Record {
    pub volunteer_id: Uuid,
    pub beneficiary_group: String,
    pub minutes: i64,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone)]
pub struct Project {
    pub id: Uuid,
    pub title: String,
    pub status: String,
    pub period_start: NaiveDateTime,
    pub period_end: NaiveDateTime,
    pub continues: Option<Uuid>,
}

#[derive(Debug, Clone)]
pub struct Posting {
    pub tx_kind: String,
    pub account_kind: String,
    pub amount: i64,
    pub at: NaiveDateTime,
}

#[derive(Debug, Clone)]
pub struct Checkin {
    pub session_id: Uuid,
    pub people: i64,
    pub at: NaiveDateTime,
}

/// What the headline figures are computed from, for one period and set of communities.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    pub from: Option<NaiveDateTime>,
    pub to: Option<NaiveDateTime>,
    /// Residents registered before the period's end.
    pub residents: HashSet<Uuid>,
    /// People with any recorded action in the period.
    pub actors: HashSet<Uuid>,
    pub needs: Vec<Need>,
    pub records: Vec<Record>,
    /// All projects (the period picks those that ended in it).
    pub projects: Vec<Project>,
    /// Points credited to residents by `earn` and `bonus` transactions in the period.
    pub points_issued: i64,
    /// Points residents spent on redemptions in the period.
    pub points_redeemed: i64,
    /// Check-ins in the period.
    pub checkins: Vec<Checkin>,
    /// Check-ins at sessions starting in the period, whenever made.
    pub class_checkins: Vec<Checkin>,
}

impl Facts {
    pub fn participants(&self) -> usize {
        self.actors.intersection(&self.residents).count()
    }

    /// (on time, not cancelled) needs of the period.
    pub fn precision_parts(&self) -> (usize, usize) {
        let considered: Vec<&Need> = self
            .needs
            .iter()
            .filter(|n| n.status != "cancelled")
            .collect();
        (
            considered.iter().filter(|n| n.on_time()).count(),
            considered.len(),
        )
    }
}

pub const DEF_PARTICIPATION: &str = "distinct residents with any recorded action in the period (posted, claimed or served a need, enrolled, checked in, redeemed, rated, wrote a suggestion) / residents registered at the period's end (people without a staff or merchant role)";
pub const DEF_PARTICIPATION_GROWTH: &str = "(participants in the period - participants in the same period a year earlier) / participants a year earlier";
pub const DEF_PRECISION: &str = "needs posted in the period that were fulfilled (done or confirmed) by the end of the window the requester asked for / needs posted in the period that were not cancelled";
pub const DEF_PRECISION_GROWTH: &str = "(service precision in the period - the same a year earlier) / service precision a year earlier";
pub const DEF_CONTINUATION: &str = "projects whose period ended in the period and that a later project continues / projects whose period ended in the period";
pub const DEF_ELDERLY: &str =
    "verified service records for the elderly (beneficiary group elderly) reported in the period";
pub const DEF_PARENT_CHILD: &str =
    "sessions starting in the period with at least one check-in that brought a child";
pub const DEF_PEAK_VISITS: &str =
    "the most people checked in on one local day (UTC+8) of the period, children included";
pub const DEF_HOURS: &str =
    "approved minutes of verified service records reported in the period / 60";
pub const DEF_ACTIVE: &str =
    "distinct volunteers with a verified service record reported in the period";
pub const DEF_LONG_TERM: &str = "distinct volunteers with verified service records in at least 3 different local months of the period";
pub const DEF_ISSUED: &str =
    "points credited to residents by earn and bonus transactions in the period";
pub const DEF_REDEEMED: &str = "points residents spent on redemptions in the period";

/// The headline figures of the period (`now`) against the same period a year earlier (`before`,
/// which needs only residents, actors and needs).
#[derive(Debug, Clone)]
pub struct Headline {
    pub participation_rate: Figure,
    pub participation_growth: Figure,
    pub service_precision: Figure,
    pub service_precision_growth: Figure,
    pub continuation_rate: Figure,
    pub elderly_person_times: Figure,
    pub parent_child_classes: Figure,
    pub peak_daily_visits: Figure,
    pub volunteer_hours: Figure,
    pub active_volunteers: Figure,
    pub long_term_volunteers: Figure,
    pub points_issued: Figure,
    pub points_redeemed: Figure,
}

pub fn headline(now: &Facts, before: &Facts) -> Headline {
    let (from, to) = (now.from.unwrap_or_default(), now.to.unwrap_or_default());
    let participants = now.participants() as f64;
    let (on_time, considered) = now.precision_parts();
    let (on_time_b, considered_b) = before.precision_parts();
    let precision = Figure::ratio(on_time as f64, considered as f64, DEF_PRECISION);
    let precision_b = Figure::ratio(on_time_b as f64, considered_b as f64, DEF_PRECISION);

    let ended: Vec<&Project> = now
        .projects
        .iter()
        .filter(|p| p.period_end >= from && p.period_end < to)
        .collect();
    let continued: HashSet<Uuid> = now.projects.iter().filter_map(|p| p.continues).collect();
    let ended_continued = ended.iter().filter(|p| continued.contains(&p.id)).count();

    let elderly = now
        .records
        .iter()
        .filter(|r| r.beneficiary_group == "elderly")
        .count();
    let with_child: HashSet<Uuid> = now
        .class_checkins
        .iter()
        .filter(|c| c.people >= 2)
        .map(|c| c.session_id)
        .collect();
    let mut per_day: HashMap<NaiveDate, i64> = HashMap::new();
    for c in &now.checkins {
        *per_day.entry(local_date(c.at)).or_default() += c.people;
    }
    let peak = per_day.values().copied().max().unwrap_or(0);

    let minutes: i64 = now.records.iter().map(|r| r.minutes).sum();
    let mut months_of: HashMap<Uuid, HashSet<String>> = HashMap::new();
    for r in &now.records {
        months_of
            .entry(r.volunteer_id)
            .or_default()
            .insert(month_of(r.created_at));
    }
    let long_term = months_of.values().filter(|m| m.len() >= 3).count();

    Headline {
        participation_rate: Figure::ratio(
            participants,
            now.residents.len() as f64,
            DEF_PARTICIPATION,
        ),
        participation_growth: Figure::growth(
            participants,
            before.participants() as f64,
            DEF_PARTICIPATION_GROWTH,
        ),
        service_precision_growth: Figure::growth(
            precision.value,
            precision_b.value,
            DEF_PRECISION_GROWTH,
        ),
        service_precision: precision,
        continuation_rate: Figure::ratio(
            ended_continued as f64,
            ended.len() as f64,
            DEF_CONTINUATION,
        ),
        elderly_person_times: Figure::count(elderly as f64, DEF_ELDERLY),
        parent_child_classes: Figure::count(with_child.len() as f64, DEF_PARENT_CHILD),
        peak_daily_visits: Figure::count(peak as f64, DEF_PEAK_VISITS),
        volunteer_hours: Figure::ratio(minutes as f64, 60.0, DEF_HOURS),
        active_volunteers: Figure::count(months_of.len() as f64, DEF_ACTIVE),
        long_term_volunteers: Figure::count(long_term as f64, DEF_LONG_TERM),
        points_issued: Figure::count(now.points_issued as f64, DEF_ISSUED),
        points_redeemed: Figure::count(now.points_redeemed as f64, DEF_REDEEMED),
    }
}

/// Counts by key, in key order.
pub fn tally<K: Ord>(keys: impl IntoIterator<Item = K>) -> BTreeMap<K, i64> {
    let mut m = BTreeMap::new();
    for k in keys {
        *m.entry(k).or_insert(0) += 1;
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").unwrap()
    }

    #[test]
    fn ratio_over_nothing_is_zero() {
        assert_eq!(Figure::ratio(3.0, 0.0, "").value, 0.0);
        assert_eq!(Figure::growth(30.0, 10.0, "").value, 2.0);
    }

    #[test]
    fn local_days_start_at_midnight_china_time() {
        // 16:30 UTC is 00:30 the next day in Canglong.
        assert_eq!(month_of(t("2026-01-31 16:30:00")), "2026-02");
        assert_eq!(local_date(t("2026-01-31 15:59:59")).day(), 31);
    }

    #[test]
    fn median_of_even_and_odd() {
        assert_eq!(median(&mut [3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&mut [4.0, 1.0, 2.0, 3.0]), Some(2.5));
        assert_eq!(median(&mut []), None);
    }

    #[test]
    fn on_time_needs_count_toward_precision() {
        let base = Need {
            id: Uuid::nil(),
            category: "repair".into(),
            target_group: "elderly".into(),
            status: "confirmed".into(),
            window_end: t("2026-03-01 12:00:00"),
            done_at: Some(t("2026-03-01 11:00:00")),
            created_at: t("2026-03-01 08:00:00"),
        };
        let late = Need {
            done_at: Some(t("2026-03-01 13:00:00")),
            ..base.clone()
        };
        let cancelled = Need {
            status: "cancelled".into(),
            ..base.clone()
        };
        let facts = Facts {
            needs: vec![base, late, cancelled],
            ..Facts::default()
        };
        assert_eq!(facts.precision_parts(), (1, 2));
    }
}
