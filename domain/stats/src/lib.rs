//! The review meetings' figures (动态优化): each headline figure is defined here once, in words
//! (`definition`, also in `docs/metrics.md`) and in code, and computed from plain facts of the
//! records, so a reader can recompute it from its numerator and denominator.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use canglong_core::{NaiveDateTime, Uuid};
use chrono::{Datelike, Duration, NaiveDate};

pub mod governance;
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

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Project {
    pub id: Uuid,
    pub title: String,
    pub status: String,
    pub period_start: NaiveDateTime,
    pub period_end: NaiveDateTime,
    pub continues: Option<Uuid>,
}

/// Points moved on residents' accounts by one kind of transaction within a group (a local
/// month, or the whole period), summed by the database: credits and debits, both positive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Moves {
    pub group: String,
    pub tx_kind: String,
    pub credits: i64,
    pub debits: i64,
}

/// The local months that `[from, to)` touches: `YYYY-MM` and the part of the period inside it,
/// in UTC, so each month can be summed by the database on its own.
pub fn local_months(
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> Vec<(String, NaiveDateTime, NaiveDateTime)> {
    let offset = Duration::hours(8);
    let mut out = Vec::new();
    let mut start = from;
    while start < to {
        let d = local_date(start);
        let (y, m) = if d.month() == 12 {
            (d.year() + 1, 1)
        } else {
            (d.year(), d.month() + 1)
        };
        let next = NaiveDate::from_ymd_opt(y, m, 1)
            .and_then(|n| n.and_hms_opt(0, 0, 0))
            .map_or(to, |n| n - offset)
            .min(to);
        out.push((month_of(start), start, next));
        start = next;
    }
    out
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkin {
    pub session_id: Uuid,
    pub people: i64,
    pub at: NaiveDateTime,
}

/// A person counted at an association session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attended {
    pub elderly: bool,
    pub at: NaiveDateTime,
}

/// People recorded walking in at a place; `station` for the riders' station.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WalkIn {
    pub people: i64,
    pub station: bool,
    pub at: NaiveDateTime,
}

/// Needs posted in a period: those not cancelled, and of them those fulfilled on time.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NeedTally {
    pub considered: i64,
    pub on_time: i64,
}

impl NeedTally {
    pub fn add(&mut self, n: &Need) {
        if n.status != "cancelled" {
            self.considered += 1;
            self.on_time += i64::from(n.on_time());
        }
    }

    pub fn merge(&mut self, other: NeedTally) {
        self.considered += other.considered;
        self.on_time += other.on_time;
    }
}

/// Verified service records reported in a period: how many, for the elderly, their minutes, and
/// the local months each volunteer served in.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServiceTally {
    pub records: i64,
    pub elderly: i64,
    pub minutes: i64,
    pub months_of: HashMap<Uuid, BTreeSet<String>>,
}

impl ServiceTally {
    pub fn add(&mut self, r: &Record) {
        let elderly = i64::from(r.beneficiary_group == "elderly");
        self.add_many(
            r.volunteer_id,
            month_of(r.created_at),
            1,
            elderly,
            r.minutes,
        );
    }

    /// `records` records of one volunteer in one local month (a rollup's row).
    pub fn add_many(
        &mut self,
        volunteer: Uuid,
        month: String,
        records: i64,
        elderly: i64,
        minutes: i64,
    ) {
        if records <= 0 {
            return;
        }
        self.records += records;
        self.elderly += elderly;
        self.minutes += minutes;
        self.months_of.entry(volunteer).or_default().insert(month);
    }
}

/// The points a posting of a transaction of `kind` issues to or redeems from a resident: the
/// credit of an `earn` or `bonus`, the debit of a `redeem` (as a positive number).
pub fn point_flow(kind: &str, amount: i64) -> (i64, i64) {
    match kind {
        "earn" | "bonus" if amount > 0 => (amount, 0),
        "redeem" if amount < 0 => (0, -amount),
        _ => (0, 0),
    }
}

/// What the headline figures are computed from, for one period and set of communities: read
/// row by row, or from rollups of whole local days plus the rows of the partial days at the
/// edges (both give the same facts).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Facts {
    pub from: Option<NaiveDateTime>,
    pub to: Option<NaiveDateTime>,
    /// Residents registered before the period's end.
    pub residents: i64,
    /// Residents with any recorded action in the period.
    pub participants: HashSet<Uuid>,
    pub needs: NeedTally,
    pub service: ServiceTally,
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
    /// People counted at association sessions in the period.
    pub attendance: Vec<Attended>,
    /// Walk-in visits recorded in the period.
    pub walk_ins: Vec<WalkIn>,
    /// (community, start) of the projects' sessions in the period.
    pub session_starts: Vec<(Uuid, NaiveDateTime)>,
    /// (association, community, start) of the associations' sessions in the period.
    pub association_sessions: Vec<(Uuid, Uuid, NaiveDateTime)>,
    /// Associations registered before the period's end.
    pub associations: i64,
    /// The communities the facts cover.
    pub communities: i64,
    /// Residents who signed up, pledged, sent an entry or cast a ballot not discarded.
    pub campaign_participants: HashSet<Uuid>,
}

/// The participants: people with an action who are residents.
pub fn participants(actors: &HashSet<Uuid>, residents: &HashSet<Uuid>) -> HashSet<Uuid> {
    actors.intersection(residents).copied().collect()
}

/// Where a local day starts, in UTC.
pub fn day_start(d: NaiveDate) -> NaiveDateTime {
    d.and_time(chrono::NaiveTime::MIN) - Duration::hours(8)
}

/// A period cut into the whole local days `[first, end)` a rollup answers (those it covers:
/// through `covered_through` when given) and the partial edges left to the rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cut {
    pub days: Option<(NaiveDate, NaiveDate)>,
    pub edges: Vec<(NaiveDateTime, NaiveDateTime)>,
}

pub fn cut(from: NaiveDateTime, to: NaiveDateTime, covered_through: Option<NaiveDate>) -> Cut {
    let mut first = local_date(from);
    if day_start(first) < from {
        first += Duration::days(1);
    }
    let mut end = local_date(to);
    if let Some(w) = covered_through {
        end = end.min(w + Duration::days(1));
    }
    if first >= end {
        return Cut {
            days: None,
            edges: vec![(from, to)],
        };
    }
    let edges = [(from, day_start(first)), (day_start(end), to)]
        .into_iter()
        .filter(|(a, b)| a < b)
        .collect();
    Cut {
        days: Some((first, end)),
        edges,
    }
}

pub const DEF_PARTICIPATION: &str = "distinct residents with any recorded action in the period (posted, claimed or served a need, enrolled, checked in, redeemed, rated, wrote a suggestion) / residents registered at the period's end (people without a staff or merchant role)";
pub const DEF_PARTICIPATION_GROWTH: &str = "(participants in the period - participants in the same period a year earlier) / participants a year earlier";
pub const DEF_PRECISION: &str = "needs posted in the period that were fulfilled (done or confirmed) by the end of the window the requester asked for / needs posted in the period that were not cancelled";
pub const DEF_PRECISION_GROWTH: &str = "(service precision in the period - the same a year earlier) / service precision a year earlier";
pub const DEF_CONTINUATION: &str = "projects whose period ended in the period and that a later project continues / projects whose period ended in the period";
pub const DEF_ELDERLY: &str = "services received and attendance by the elderly in the period: verified service records for the elderly (beneficiary group elderly) reported in it, plus people counted at association sessions who are in the residents directory as elderly";
pub const DEF_PARENT_CHILD: &str =
    "sessions starting in the period with at least one check-in that brought a child";
pub const DEF_PEAK_VISITS: &str = canglong_activities::spaces::DEF_PEAK_AVERAGE;
pub const DEF_ACTIVITY_DAYS: &str = "local days (UTC+8) of the period on which the community held at least one session (a project's or an association's), summed over the communities / (days of the period × communities) (天天有服务)";
pub const DEF_ASSOCIATION_WEEKS: &str = "weeks (Monday to Sunday, local) of the period in which each association held at least one session, summed over the associations registered by the period's end / (those associations × weeks of the period) (周周有活动)";
pub const DEF_CAMPAIGN_PARTICIPATION: &str = "distinct residents who in the period signed up for a campaign, made a pledge, sent a 好家规 entry or cast a ballot that was not discarded / residents registered at the period's end";
pub const DEF_STATION_VISITS: &str = "people recorded at the community's riders' stations (夏小驿) in the period, by staff tally or by the rider's scan";
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
    pub activity_days: Figure,
    pub association_weeks: Figure,
    pub station_visits: Figure,
    pub campaign_participation: Figure,
}

/// Everyone at a session or an association session and every walk-in, per local day, averaged
/// over the peak period (its mean, to two decimals).
fn peak_average(f: &Facts, first: NaiveDate, last: NaiveDate) -> f64 {
    let mut per_day: BTreeMap<NaiveDate, i64> = BTreeMap::new();
    let people = f.checkins.iter().map(|c| (c.at, c.people));
    let attended = f.attendance.iter().map(|a| (a.at, 1));
    let walk_ins = f.walk_ins.iter().map(|w| (w.at, w.people));
    for (at, n) in people.chain(attended).chain(walk_ins) {
        *per_day.entry(local_date(at)).or_default() += n;
    }
    canglong_activities::spaces::peak_period(&per_day, first, last)
        .map_or(0.0, |(_, _, mean)| (mean * 100.0).round() / 100.0)
}

pub fn headline(now: &Facts, before: &Facts) -> Headline {
    let (from, to) = (now.from.unwrap_or_default(), now.to.unwrap_or_default());
    let participants = now.participants.len() as f64;
    let ratio = |n: NeedTally| Figure::ratio(n.on_time as f64, n.considered as f64, DEF_PRECISION);
    let (precision, precision_b) = (ratio(now.needs), ratio(before.needs));

    let ended: Vec<&Project> = now
        .projects
        .iter()
        .filter(|p| p.period_end >= from && p.period_end < to)
        .collect();
    let continued: HashSet<Uuid> = now.projects.iter().filter_map(|p| p.continues).collect();
    let ended_continued = ended.iter().filter(|p| continued.contains(&p.id)).count();

    let with_child: HashSet<Uuid> = now
        .class_checkins
        .iter()
        .filter(|c| c.people >= 2)
        .map(|c| c.session_id)
        .collect();
    let (first, last) = (local_date(from), local_date(to - Duration::seconds(1)));
    let peak = peak_average(now, first, last);
    let mut held: BTreeSet<(Uuid, NaiveDate)> = now
        .session_starts
        .iter()
        .map(|(c, t)| (*c, local_date(*t)))
        .collect();
    held.extend(
        now.association_sessions
            .iter()
            .map(|(_, c, t)| (*c, local_date(*t))),
    );
    let met: Vec<(Uuid, NaiveDate)> = now
        .association_sessions
        .iter()
        .map(|(a, _, t)| (*a, local_date(*t)))
        .collect();
    let coverage = canglong_activities::associations::coverage(first, last, &held, &met);
    let weeks_met: i64 = coverage.weeks_met.values().sum();
    let elderly_attended = now.attendance.iter().filter(|a| a.elderly).count() as i64;
    let station: i64 = now
        .walk_ins
        .iter()
        .filter(|w| w.station)
        .map(|w| w.people)
        .sum();

    let months_of = &now.service.months_of;
    let long_term = months_of.values().filter(|m| m.len() >= 3).count();

    Headline {
        participation_rate: Figure::ratio(participants, now.residents as f64, DEF_PARTICIPATION),
        participation_growth: Figure::growth(
            participants,
            before.participants.len() as f64,
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
        elderly_person_times: Figure::count(
            (now.service.elderly + elderly_attended) as f64,
            DEF_ELDERLY,
        ),
        parent_child_classes: Figure::count(with_child.len() as f64, DEF_PARENT_CHILD),
        peak_daily_visits: Figure::count(peak, DEF_PEAK_VISITS),
        volunteer_hours: Figure::ratio(now.service.minutes as f64, 60.0, DEF_HOURS),
        active_volunteers: Figure::count(months_of.len() as f64, DEF_ACTIVE),
        long_term_volunteers: Figure::count(long_term as f64, DEF_LONG_TERM),
        points_issued: Figure::count(now.points_issued as f64, DEF_ISSUED),
        points_redeemed: Figure::count(now.points_redeemed as f64, DEF_REDEEMED),
        activity_days: Figure::ratio(
            coverage.days_with_activity as f64,
            (coverage.days * now.communities) as f64,
            DEF_ACTIVITY_DAYS,
        ),
        association_weeks: Figure::ratio(
            weeks_met as f64,
            (now.associations * coverage.weeks) as f64,
            DEF_ASSOCIATION_WEEKS,
        ),
        station_visits: Figure::count(station as f64, DEF_STATION_VISITS),
        campaign_participation: Figure::ratio(
            now.campaign_participants.len() as f64,
            now.residents as f64,
            DEF_CAMPAIGN_PARTICIPATION,
        ),
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
    fn local_months_cut_the_period_at_beijing_midnight() {
        // 2024-12-31 16:00 UTC is 2025-01-01 00:00 in Beijing.
        let m = local_months(t("2024-12-31 16:00:00"), t("2025-03-10 00:00:00"));
        let labels: Vec<&str> = m.iter().map(|x| x.0.as_str()).collect();
        assert_eq!(labels, ["2025-01", "2025-02", "2025-03"]);
        assert_eq!(m[0].2, t("2025-01-31 16:00:00"));
        assert_eq!(m[1].1, m[0].2);
        assert_eq!(m[2].2, t("2025-03-10 00:00:00"));
        // A period inside one month, and across a year's end.
        assert_eq!(
            local_months(t("2025-05-02 00:00:00"), t("2025-05-03 00:00:00")).len(),
            1
        );
        let y = local_months(t("2025-12-15 00:00:00"), t("2026-01-02 00:00:00"));
        assert_eq!(y[0].0, "2025-12");
        assert_eq!(y[1].0, "2026-01");
        assert_eq!(y[0].2, t("2025-12-31 16:00:00"));
        assert!(local_months(t("2025-05-02 00:00:00"), t("2025-05-02 00:00:00")).is_empty());
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
    fn a_period_is_cut_into_whole_local_days_and_partial_edges() {
        // 2025-01-01T00:00Z is 08:00 local: the 1st is partial, the 2nd..the 9th are whole.
        let c = cut(t("2025-01-01 00:00:00"), t("2025-01-10 00:00:00"), None);
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(c.days, Some((d("2025-01-02"), d("2025-01-10"))));
        assert_eq!(
            c.edges,
            vec![
                (t("2025-01-01 00:00:00"), t("2025-01-01 16:00:00")),
                (t("2025-01-09 16:00:00"), t("2025-01-10 00:00:00"))
            ]
        );
        // Aligned on local midnights: no edges.
        let c = cut(t("2024-12-31 16:00:00"), t("2025-01-02 16:00:00"), None);
        assert_eq!(c.days, Some((d("2025-01-01"), d("2025-01-03"))));
        assert!(c.edges.is_empty());
        // Covered only through the 4th: the rest is read from the rows.
        let c = cut(
            t("2024-12-31 16:00:00"),
            t("2025-01-09 16:00:00"),
            Some(d("2025-01-04")),
        );
        assert_eq!(c.days, Some((d("2025-01-01"), d("2025-01-05"))));
        assert_eq!(
            c.edges,
            vec![(t("2025-01-04 16:00:00"), t("2025-01-09 16:00:00"))]
        );
        // Within one day: all rows.
        let c = cut(t("2025-01-01 01:00:00"), t("2025-01-01 02:00:00"), None);
        assert_eq!(c.days, None);
        assert_eq!(
            c.edges,
            vec![(t("2025-01-01 01:00:00"), t("2025-01-01 02:00:00"))]
        );
    }

    #[test]
    fn only_residents_credits_and_debits_are_flows() {
        assert_eq!(point_flow("earn", 30), (30, 0));
        assert_eq!(point_flow("earn", -30), (0, 0));
        assert_eq!(point_flow("redeem", -50), (0, 50));
        assert_eq!(point_flow("reversal", 50), (0, 0));
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
        let mut tally = NeedTally::default();
        for n in [base, late, cancelled] {
            tally.add(&n);
        }
        assert_eq!(
            tally,
            NeedTally {
                considered: 2,
                on_time: 1
            }
        );
    }
}
