//! The headline figures' facts, two ways that must agree: [`facts_by_rows`] reads every row of
//! the period (the reference), [`facts`] reads the rollups of whole local days (migration
//! 000013) and only the rows of the partial days at the period's edges. The triggers keep
//! `activity_days`, `need_days` and `record_days` in the event's own transaction; `point_days`
//! is folded for closed days by the periodic pass, so no ledger movement writes a shared row.

use std::collections::HashSet;

use canglong_activities::spaces::PlaceKind;
use canglong_core::{NaiveDateTime, Uuid};
use canglong_needs::TargetGroup;
use canglong_stats::{self as domain, Facts, NeedTally, ServiceTally};
use chrono::NaiveDate;
use diesel::prelude::*;

use crate::ledger::sum_of;
use crate::schema::{
    activity_days, communities, ledger_transactions, need_days, point_days, postings, record_days,
    users,
};
use crate::stats::{self as rows, staff_of};
use crate::{AnyConnection, Id, QueryResult};

fn ids(set: &[Uuid]) -> Vec<Id> {
    set.iter().copied().map(Id).collect()
}

fn uuids(ids: impl IntoIterator<Item = Id>) -> HashSet<Uuid> {
    ids.into_iter().map(|i| i.0).collect()
}

/// The facts of `[from, to)` from every row; `full` adds what only the current period needs.
pub fn facts_by_rows(
    conn: &mut AnyConnection,
    set: &[Uuid],
    from: NaiveDateTime,
    to: NaiveDateTime,
    full: bool,
) -> QueryResult<Facts> {
    let residents = uuids(rows::residents(conn, set, to)?);
    let mut f = Facts {
        from: Some(from),
        to: Some(to),
        residents: residents.len() as i64,
        participants: domain::participants(&uuids(rows::actors(conn, set, from, to)?), &residents),
        needs: need_rows(conn, set, from, to)?,
        ..Facts::default()
    };
    if full {
        f.service = record_rows(conn, set, from, to)?;
        f.points_issued = rows::resident_flow(conn, set, from, to, &["earn", "bonus"], true)?;
        f.points_redeemed = rows::resident_flow(conn, set, from, to, &["redeem"], false)?;
        common(conn, set, from, to, &mut f)?;
    }
    Ok(f)
}

/// The same facts from the rollups of whole local days and the rows of the edges.
pub fn facts(
    conn: &mut AnyConnection,
    set: &[Uuid],
    from: NaiveDateTime,
    to: NaiveDateTime,
    full: bool,
) -> QueryResult<Facts> {
    let cut = domain::cut(from, to, None);
    let mut f = Facts {
        from: Some(from),
        to: Some(to),
        residents: resident_count(conn, set, to)?,
        ..Facts::default()
    };
    if let Some((first, end)) = cut.days {
        f.participants = uuids(participants_by_day(conn, set, first, end, to)?);
        f.needs = needs_by_day(conn, set, first, end)?;
    }
    for &(a, b) in &cut.edges {
        let actors: Vec<Id> = rows::actors(conn, set, a, b)?;
        f.participants
            .extend(uuids(residents_among(conn, set, to, actors)?));
        f.needs.merge(need_rows(conn, set, a, b)?);
    }
    if full {
        if let Some((first, end)) = cut.days {
            f.service = records_by_day(conn, set, first, end)?;
        }
        for &(a, b) in &cut.edges {
            records(conn, set, a, b)?
                .iter()
                .for_each(|r| f.service.add(r));
        }
        // Days not folded yet (all of them before the first pass) are read from the postings.
        let points = match folded_through(conn, set)? {
            Some(through) => domain::cut(from, to, Some(through)),
            None => domain::Cut {
                days: None,
                edges: vec![(from, to)],
            },
        };
        if let Some((first, end)) = points.days {
            (f.points_issued, f.points_redeemed) = points_by_day(conn, set, first, end)?;
        }
        for &(a, b) in &points.edges {
            f.points_issued += rows::resident_flow(conn, set, a, b, &["earn", "bonus"], true)?;
            f.points_redeemed += rows::resident_flow(conn, set, a, b, &["redeem"], false)?;
        }
        common(conn, set, from, to, &mut f)?;
    }
    Ok(f)
}

/// Projects and check-ins: few rows, read as they are.
fn common(
    conn: &mut AnyConnection,
    set: &[Uuid],
    from: NaiveDateTime,
    to: NaiveDateTime,
    f: &mut Facts,
) -> QueryResult<()> {
    f.projects = projects(conn, set)?;
    f.checkins = as_checkins(rows::checkins(conn, set, from, to)?);
    f.class_checkins = as_checkins(rows::class_checkins(conn, set, from, to)?);
    f.attendance = rows::attendance(conn, set, from, to)?
        .into_iter()
        .map(|(group, at)| domain::Attended {
            elderly: group.get() == TargetGroup::Elderly,
            at,
        })
        .collect();
    f.walk_ins = rows::walk_ins(conn, set, from, to)?
        .into_iter()
        .map(|(people, kind, at)| domain::WalkIn {
            people: i64::from(people),
            station: kind.get() == PlaceKind::RiderStation,
            at,
        })
        .collect();
    f.session_starts = rows::session_starts(conn, set, from, to)?
        .into_iter()
        .map(|(c, at)| (c.0, at))
        .collect();
    f.association_sessions = rows::association_sessions(conn, set, from, to)?
        .into_iter()
        .map(|(a, c, at)| (a.0, c.0, at))
        .collect();
    f.associations = rows::associations(conn, set, to)?;
    f.communities = set.len() as i64;
    let actors = crate::campaigns::actions(conn, set, from, to)?;
    f.campaign_participants = uuids(residents_among(conn, set, to, actors)?);
    Ok(())
}

/// Check-ins of `[from, to)` as the figures read them.
pub fn checkins(
    conn: &mut AnyConnection,
    set: &[Uuid],
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> QueryResult<Vec<domain::Checkin>> {
    Ok(as_checkins(rows::checkins(conn, set, from, to)?))
}

fn as_checkins(rows: Vec<(Id, i32, NaiveDateTime)>) -> Vec<domain::Checkin> {
    rows.into_iter()
        .map(|(s, people, at)| domain::Checkin {
            session_id: s.0,
            people: i64::from(people),
            at,
        })
        .collect()
}

/// Every project of the communities as the figures read them.
pub fn projects(conn: &mut AnyConnection, set: &[Uuid]) -> QueryResult<Vec<domain::Project>> {
    Ok(rows::projects(conn, set)?
        .into_iter()
        .map(|p| domain::Project {
            id: p.id.0,
            title: p.title,
            status: p.status,
            period_start: p.period_start,
            period_end: p.period_end,
            continues: p.continues_project_id.map(|c| c.0),
        })
        .collect())
}

/// Needs posted in `[from, to)` as the figures read them.
pub fn needs(
    conn: &mut AnyConnection,
    set: &[Uuid],
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> QueryResult<Vec<domain::Need>> {
    Ok(rows::needs(conn, set, from, to)?
        .into_iter()
        .map(|n| domain::Need {
            id: n.id.0,
            category: n.category,
            target_group: n.target_group,
            status: n.status,
            window_end: n.window_end,
            done_at: n.done_at,
            created_at: n.created_at,
        })
        .collect())
}

/// Verified service records reported in `[from, to)` as the figures read them.
pub fn records(
    conn: &mut AnyConnection,
    set: &[Uuid],
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> QueryResult<Vec<domain::Record>> {
    Ok(rows::verified_records(conn, set, from, to)?
        .into_iter()
        .map(|r| domain::Record {
            volunteer_id: r.volunteer_id.0,
            beneficiary_group: r.beneficiary_group,
            minutes: i64::from(r.minutes.unwrap_or(0)),
            created_at: r.created_at,
        })
        .collect())
}

fn need_rows(
    conn: &mut AnyConnection,
    set: &[Uuid],
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> QueryResult<NeedTally> {
    let mut t = NeedTally::default();
    needs(conn, set, from, to)?.iter().for_each(|n| t.add(n));
    Ok(t)
}

fn record_rows(
    conn: &mut AnyConnection,
    set: &[Uuid],
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> QueryResult<ServiceTally> {
    let mut t = ServiceTally::default();
    records(conn, set, from, to)?.iter().for_each(|r| t.add(r));
    Ok(t)
}

/// Residents registered before `until`: people of the communities without a staff role.
fn resident_count(
    conn: &mut AnyConnection,
    set: &[Uuid],
    until: NaiveDateTime,
) -> QueryResult<i64> {
    users::table
        .filter(users::community_id.eq_any(ids(set)))
        .filter(users::created_at.lt(until))
        .filter(users::id.ne_all(staff_of(ids(set))))
        .count()
        .get_result(conn)
}

/// Which of `people` are residents registered before `until`.
fn residents_among(
    conn: &mut AnyConnection,
    set: &[Uuid],
    until: NaiveDateTime,
    people: Vec<Id>,
) -> QueryResult<Vec<Id>> {
    if people.is_empty() {
        return Ok(people);
    }
    let mut out = Vec::new();
    // Bounded lists keep within SQLite's limit of bound parameters.
    for chunk in people.chunks(10_000) {
        out.extend(
            users::table
                .filter(users::id.eq_any(chunk.to_vec()))
                .filter(users::community_id.eq_any(ids(set)))
                .filter(users::created_at.lt(until))
                .filter(users::id.ne_all(staff_of(ids(set))))
                .select(users::id)
                .load::<Id>(conn)?,
        );
    }
    Ok(out)
}

/// Residents registered before `until` with any action on the local days `[first, end)`. The
/// people are made distinct before they are looked up (one lookup per person, not per day).
fn participants_by_day(
    conn: &mut AnyConnection,
    set: &[Uuid],
    first: NaiveDate,
    end: NaiveDate,
    until: NaiveDateTime,
) -> QueryResult<Vec<Id>> {
    let active = activity_days::table
        .filter(activity_days::community_id.eq_any(ids(set)))
        .filter(activity_days::day.ge(first).and(activity_days::day.lt(end)))
        .select(activity_days::user_id);
    users::table
        .filter(users::id.eq_any(active))
        .filter(users::community_id.eq_any(ids(set)))
        .filter(users::created_at.lt(until))
        .filter(users::id.ne_all(staff_of(ids(set))))
        .select(users::id)
        .load(conn)
}

fn needs_by_day(
    conn: &mut AnyConnection,
    set: &[Uuid],
    first: NaiveDate,
    end: NaiveDate,
) -> QueryResult<NeedTally> {
    let (considered, on_time): (Option<i64>, Option<i64>) = need_days::table
        .filter(need_days::community_id.eq_any(ids(set)))
        .filter(need_days::day.ge(first).and(need_days::day.lt(end)))
        .select((sum_of("need_days.considered"), sum_of("need_days.on_time")))
        .first(conn)?;
    Ok(NeedTally {
        considered: considered.unwrap_or(0),
        on_time: on_time.unwrap_or(0),
    })
}

/// (volunteer, local month, records, for the elderly, minutes).
type VolunteerMonth = (Id, String, Option<i64>, Option<i64>, Option<i64>);

fn records_by_day(
    conn: &mut AnyConnection,
    set: &[Uuid],
    first: NaiveDate,
    end: NaiveDate,
) -> QueryResult<ServiceTally> {
    let rows: Vec<VolunteerMonth> = record_days::table
        .filter(record_days::community_id.eq_any(ids(set)))
        .filter(record_days::day.ge(first).and(record_days::day.lt(end)))
        .filter(record_days::records.gt(0))
        .group_by((record_days::volunteer_id, record_days::month))
        .select((
            record_days::volunteer_id,
            record_days::month,
            sum_of("record_days.records"),
            sum_of("record_days.elderly"),
            sum_of("record_days.minutes"),
        ))
        .load(conn)?;
    let mut t = ServiceTally::default();
    for (v, month, records, elderly, minutes) in rows {
        let n = |x: Option<i64>| x.unwrap_or(0);
        t.add_many(v.0, month, n(records), n(elderly), n(minutes));
    }
    Ok(t)
}

fn points_by_day(
    conn: &mut AnyConnection,
    set: &[Uuid],
    first: NaiveDate,
    end: NaiveDate,
) -> QueryResult<(i64, i64)> {
    let (issued, redeemed): (Option<i64>, Option<i64>) = point_days::table
        .filter(point_days::community_id.eq_any(ids(set)))
        .filter(point_days::day.ge(first).and(point_days::day.lt(end)))
        .select((sum_of("point_days.issued"), sum_of("point_days.redeemed")))
        .first(conn)?;
    Ok((issued.unwrap_or(0), redeemed.unwrap_or(0)))
}

/// The last local day folded for every one of the communities (none if one has none).
fn folded_through(conn: &mut AnyConnection, set: &[Uuid]) -> QueryResult<Option<NaiveDate>> {
    let mut through: Option<NaiveDate> = None;
    for c in set {
        match last_folded(conn, *c)? {
            None => return Ok(None),
            Some(d) => through = Some(through.map_or(d, |t| t.min(d))),
        }
    }
    Ok(through)
}

/// Every community, for the passes that fold each one's days.
pub fn communities(conn: &mut AnyConnection) -> QueryResult<Vec<Id>> {
    communities::table
        .select(communities::id)
        .order(communities::id)
        .load(conn)
}

/// The last local day of the community's points folded into `point_days`.
pub fn last_folded(conn: &mut AnyConnection, community: Uuid) -> QueryResult<Option<NaiveDate>> {
    point_days::table
        .filter(point_days::community_id.eq(Id(community)))
        .select(diesel::dsl::max(point_days::day))
        .first(conn)
}

/// When the community's first transaction was made.
pub fn first_movement(
    conn: &mut AnyConnection,
    community: Uuid,
) -> QueryResult<Option<NaiveDateTime>> {
    ledger_transactions::table
        .filter(ledger_transactions::community_id.eq(Id(community)))
        .select(diesel::dsl::min(ledger_transactions::created_at))
        .first(conn)
}

/// (transaction kind, amount, transaction time) of the community's issuing and redeeming
/// postings in `[from, to)`.
pub fn flows(
    conn: &mut AnyConnection,
    community: Uuid,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> QueryResult<Vec<(String, i64, NaiveDateTime)>> {
    ledger_transactions::table
        .inner_join(postings::table)
        .filter(ledger_transactions::community_id.eq(Id(community)))
        .filter(ledger_transactions::kind.eq_any(["earn", "bonus", "redeem"]))
        .filter(
            ledger_transactions::created_at
                .ge(from)
                .and(ledger_transactions::created_at.lt(to)),
        )
        .select((
            ledger_transactions::kind,
            postings::amount,
            ledger_transactions::created_at,
        ))
        .load(conn)
}

/// Stores folded days; on PostgreSQL a day another pass folded first is left as it is (the same
/// sums); on SQLite the write lock already orders the passes.
pub fn store_folded(
    conn: &mut AnyConnection,
    community: Uuid,
    days: &[(NaiveDate, i64, i64)],
) -> QueryResult<usize> {
    let rows: Vec<_> = days
        .iter()
        .map(|&(day, issued, redeemed)| {
            (
                point_days::community_id.eq(Id(community)),
                point_days::day.eq(day),
                point_days::issued.eq(issued),
                point_days::redeemed.eq(redeemed),
            )
        })
        .collect();
    let mut n = 0;
    for chunk in rows.chunks(1000) {
        let insert = diesel::insert_into(point_days::table).values(chunk.to_vec());
        n += match conn {
            AnyConnection::Postgresql(pg) => insert.on_conflict_do_nothing().execute(pg)?,
            AnyConnection::Sqlite(sl) => insert.execute(sl)?,
        };
    }
    Ok(n)
}
