//! Cultural associations (社团): a weekly timetable in the centre's rooms and the roll taken at
//! the door, counting every attendee with their target group (一老一小一新).

use std::collections::{BTreeSet, HashMap};

use canglong_core::{DomainError, NaiveDate, NaiveDateTime, Uuid, wire_enum};
use canglong_needs::TargetGroup;
use canglong_people::ResidentTag;

wire_enum!(
    /// What an association does.
    AssociationKind {
        Dance = "dance",
        Calligraphy = "calligraphy",
        Painting = "painting",
        Hulusi = "hulusi",
        Opera = "opera",
        Choir = "choir",
        Instruments = "instruments",
        TaiChi = "tai_chi",
        Reading = "reading",
        Handicraft = "handicraft",
        Photography = "photography",
        Other = "other",
    }
);

wire_enum!(
    /// A member's part: leaders take the roll and keep the timetable.
    MemberRole {
        Leader = "leader",
        Member = "member",
    }
);

wire_enum!(
    /// How an attendee was counted: on the leader's roll, or by the code shown at the door.
    AttendanceMethod {
        Roll = "roll",
        Code = "code",
    }
);

/// The most weeks one request may put on the timetable (a term).
pub const MAX_WEEKS: u32 = 26;

/// A session and its repeats, one a week for `weeks` weeks.
pub fn weekly(
    starts_at: NaiveDateTime,
    ends_at: NaiveDateTime,
    weeks: u32,
) -> Result<Vec<(NaiveDateTime, NaiveDateTime)>, DomainError> {
    if ends_at <= starts_at || ends_at - starts_at > chrono::Duration::hours(12) {
        return Err(DomainError::invalid(
            "invalid_window",
            "a session ends after it starts, within 12 hours",
        ));
    }
    if !(1..=MAX_WEEKS).contains(&weeks) {
        return Err(DomainError::invalid(
            "invalid_weeks",
            format!("a timetable repeats for 1 to {MAX_WEEKS} weeks"),
        ));
    }
    Ok((0..i64::from(weeks))
        .map(|w| {
            let shift = chrono::Duration::weeks(w);
            (starts_at + shift, ends_at + shift)
        })
        .collect())
}

/// Which of 一老一小一新 an attendee counts in, from their entry in the residents directory:
/// elderly before child before new employment; anyone else is `general`.
pub fn group_of(tags: &[ResidentTag]) -> TargetGroup {
    [
        (ResidentTag::Elderly, TargetGroup::Elderly),
        (ResidentTag::Child, TargetGroup::Child),
        (ResidentTag::NewEmployment, TargetGroup::NewEmployment),
    ]
    .into_iter()
    .find(|(t, _)| tags.contains(t))
    .map_or(TargetGroup::General, |(_, g)| g)
}

/// 天天有服务、周周有活动: the (community, local day) pairs with at least one activity, and for
/// each association the local weeks (Monday first) of the period it met in, out of the weeks of
/// the period.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Coverage {
    pub days_with_activity: i64,
    /// Days of the period (for each community).
    pub days: i64,
    /// Association → weeks of the period with at least one of its sessions.
    pub weeks_met: HashMap<Uuid, i64>,
    pub weeks: i64,
}

/// The Monday of `d`'s week.
pub fn week_of(d: NaiveDate) -> NaiveDate {
    use chrono::Datelike;
    d - chrono::Duration::days(i64::from(d.weekday().num_days_from_monday()))
}

/// Coverage of the local days `[first, last]` by activities held on `activity_days` (a
/// community and a day with a session of a project or an association), and of its weeks by each
/// association's `sessions`.
pub fn coverage(
    first: NaiveDate,
    last: NaiveDate,
    activity_days: &BTreeSet<(Uuid, NaiveDate)>,
    sessions: &[(Uuid, NaiveDate)],
) -> Coverage {
    if last < first {
        return Coverage::default();
    }
    let within = |d: &NaiveDate| *d >= first && *d <= last;
    let mut weeks_of: HashMap<Uuid, BTreeSet<NaiveDate>> = HashMap::new();
    for (a, d) in sessions.iter().filter(|(_, d)| within(d)) {
        weeks_of.entry(*a).or_default().insert(week_of(*d));
    }
    Coverage {
        days_with_activity: activity_days.iter().filter(|(_, d)| within(d)).count() as i64,
        days: (last - first).num_days() + 1,
        weeks_met: weeks_of
            .into_iter()
            .map(|(a, w)| (a, w.len() as i64))
            .collect(),
        weeks: (week_of(last) - week_of(first)).num_days() / 7 + 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, day).unwrap()
    }

    #[test]
    fn a_timetable_repeats_weekly_within_bounds() {
        let s = d(3, 2).and_hms_opt(1, 0, 0).unwrap();
        let e = s + chrono::Duration::hours(2);
        let w = weekly(s, e, 3).unwrap();
        assert_eq!(w.len(), 3);
        assert_eq!(w[2].0, s + chrono::Duration::days(14));
        assert!(weekly(s, s, 1).is_err());
        assert!(weekly(s, e, 0).is_err());
        assert!(weekly(s, e, MAX_WEEKS + 1).is_err());
        assert!(weekly(s, s + chrono::Duration::hours(13), 1).is_err());
    }

    #[test]
    fn the_group_prefers_the_elderly() {
        use ResidentTag::*;
        assert_eq!(group_of(&[LivingAlone, Elderly]), TargetGroup::Elderly);
        assert_eq!(group_of(&[NewEmployment, Child]), TargetGroup::Child);
        assert_eq!(group_of(&[NewEmployment]), TargetGroup::NewEmployment);
        assert_eq!(group_of(&[NoPhone]), TargetGroup::General);
    }

    #[test]
    fn coverage_counts_days_and_weeks_of_the_period_only() {
        let a = Uuid::from_u128(1);
        let b = Uuid::from_u128(2);
        // 2026-03-02 is a Monday; the period is four weeks and two days.
        let (first, last) = (d(3, 2), d(3, 31));
        let days: BTreeSet<_> = [d(3, 1), d(3, 2), d(3, 3), d(3, 31)]
            .into_iter()
            .map(|x| (a, x))
            .chain([(b, d(3, 2))])
            .collect();
        let sessions = [
            (a, d(3, 2)),
            (a, d(3, 4)),
            (a, d(3, 10)),
            (b, d(3, 31)),
            (b, d(4, 1)),
        ];
        let c = coverage(first, last, &days, &sessions);
        assert_eq!((c.days_with_activity, c.days), (4, 30));
        assert_eq!(c.weeks, 5);
        assert_eq!(c.weeks_met[&a], 2);
        assert_eq!(c.weeks_met[&b], 1);
        assert_eq!(week_of(d(3, 8)), d(3, 2));
    }
}
