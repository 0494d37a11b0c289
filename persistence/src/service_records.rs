//! The service ledger (项目服务台账): one row per service done, pending until verified.

use crate::Stored;
use canglong_core::{NaiveDateTime, Uuid, now};
use canglong_volunteers::{Quality, RecordSource, RecordStatus};
use diesel::prelude::*;

use crate::schema::service_records;
use crate::{AnyConnection, Id, QueryResult};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = service_records)]
pub struct ServiceRecordRow {
    pub id: Id,
    pub community_id: Id,
    pub volunteer_id: Id,
    pub need_id: Option<Id>,
    pub session_id: Option<Id>,
    pub source: Stored<RecordSource>,
    pub content: String,
    pub beneficiary_group: String,
    pub minutes_reported: i32,
    pub minutes_approved: Option<i32>,
    pub status: Stored<RecordStatus>,
    pub quality: Option<Stored<Quality>>,
    pub verified_by: Option<Id>,
    pub verified_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    /// Honour hours (e.g. a commendation) are recorded but mint no points.
    pub honor: bool,
    /// The version of the points rules the record was valued by.
    pub rules_version: Option<i32>,
    pub points: Option<i64>,
    pub verification_note: Option<String>,
    pub recorded_by: Option<Id>,
    /// When the service took place (older records may not say).
    pub started_at: Option<NaiveDateTime>,
    pub ended_at: Option<NaiveDateTime>,
    /// The person served, when the record names one (a need's requester always).
    pub beneficiary_id: Option<Id>,
}

/// Service done for a need, as its volunteer reported it.
#[derive(Debug, Clone)]
pub struct NeedRecord<'a> {
    pub community_id: Uuid,
    pub volunteer_id: Uuid,
    pub need_id: Uuid,
    /// The need's requester.
    pub beneficiary_id: Uuid,
    pub content: &'a str,
    pub beneficiary_group: &'a str,
    pub minutes: i32,
    /// When the service began and ended.
    pub span: (NaiveDateTime, NaiveDateTime),
}

/// A pending record of service done for a need.
pub fn insert_for_need(
    conn: &mut AnyConnection,
    r: &NeedRecord<'_>,
) -> QueryResult<ServiceRecordRow> {
    diesel::insert_into(service_records::table)
        .values((
            service_records::id.eq(Id(canglong_core::new_id())),
            service_records::community_id.eq(Id(r.community_id)),
            service_records::volunteer_id.eq(Id(r.volunteer_id)),
            service_records::need_id.eq(Some(Id(r.need_id))),
            service_records::source.eq(Stored(RecordSource::Need)),
            service_records::content.eq(r.content),
            service_records::beneficiary_group.eq(r.beneficiary_group),
            service_records::minutes_reported.eq(r.minutes),
            service_records::status.eq(Stored(RecordStatus::Pending)),
            service_records::created_at.eq(now()),
            service_records::started_at.eq(Some(r.span.0)),
            service_records::ended_at.eq(Some(r.span.1)),
            service_records::beneficiary_id.eq(Some(Id(r.beneficiary_id))),
        ))
        .returning(service_records::all_columns)
        .get_result(conn)
}

pub fn for_need(conn: &mut AnyConnection, need_id: Uuid) -> QueryResult<Vec<ServiceRecordRow>> {
    service_records::table
        .filter(service_records::need_id.eq(Some(Id(need_id))))
        .order(service_records::id.asc())
        .select(ServiceRecordRow::as_select())
        .load(conn)
}

/// Sum of approved minutes of a volunteer (verified records only).
pub fn approved_minutes(conn: &mut AnyConnection, volunteer_id: Uuid) -> QueryResult<i64> {
    let sum: Option<i64> = service_records::table
        .filter(service_records::volunteer_id.eq(Id(volunteer_id)))
        .filter(service_records::status.eq(Stored(RecordStatus::Verified)))
        .select(diesel::dsl::sum(service_records::minutes_approved))
        .first(conn)?;
    Ok(sum.unwrap_or(0))
}

/// A record of service done outside a need, entered by staff (e.g. a class taught).
#[derive(Debug, Clone)]
pub struct StaffRecord {
    pub community_id: Uuid,
    pub volunteer_id: Uuid,
    pub content: String,
    pub beneficiary_group: String,
    pub minutes: i32,
    pub honor: bool,
    pub recorded_by: Uuid,
    pub started_at: NaiveDateTime,
    /// `Staff` for service done elsewhere, `Session` for working an activity session.
    pub source: RecordSource,
    pub session_id: Option<Uuid>,
    /// The person served, when one is named.
    pub beneficiary_id: Option<Uuid>,
}

pub fn insert_by_staff(conn: &mut AnyConnection, r: &StaffRecord) -> QueryResult<ServiceRecordRow> {
    diesel::insert_into(service_records::table)
        .values((
            service_records::id.eq(Id(canglong_core::new_id())),
            service_records::community_id.eq(Id(r.community_id)),
            service_records::volunteer_id.eq(Id(r.volunteer_id)),
            service_records::source.eq(Stored(r.source)),
            service_records::session_id.eq(r.session_id.map(Id)),
            service_records::content.eq(&r.content),
            service_records::beneficiary_group.eq(&r.beneficiary_group),
            service_records::minutes_reported.eq(r.minutes),
            service_records::status.eq(Stored(RecordStatus::Pending)),
            service_records::created_at.eq(now()),
            service_records::honor.eq(r.honor),
            service_records::recorded_by.eq(Some(Id(r.recorded_by))),
            service_records::started_at.eq(Some(r.started_at)),
            service_records::ended_at.eq(Some(
                r.started_at + chrono::Duration::minutes(i64::from(r.minutes)),
            )),
            service_records::beneficiary_id.eq(r.beneficiary_id.map(Id)),
        ))
        .returning(service_records::all_columns)
        .get_result(conn)
}

pub fn get(
    conn: &mut AnyConnection,
    community_id: Uuid,
    id: Uuid,
) -> QueryResult<Option<ServiceRecordRow>> {
    service_records::table
        .filter(service_records::id.eq(Id(id)))
        .filter(service_records::community_id.eq(Id(community_id)))
        .select(ServiceRecordRow::as_select())
        .first(conn)
        .optional()
}

/// Like [`get`] inside a write transaction, locking the row on PostgreSQL so that concurrent
/// verifications of one record queue up and only the first finds it pending.
pub fn lock(
    conn: &mut AnyConnection,
    community_id: Uuid,
    id: Uuid,
) -> QueryResult<Option<ServiceRecordRow>> {
    let q = service_records::table
        .filter(service_records::id.eq(Id(id)))
        .filter(service_records::community_id.eq(Id(community_id)))
        .select(service_records::all_columns);
    for_update!(conn, q, first::<ServiceRecordRow>).optional()
}

/// The outcome of quality acceptance (社区验收).
#[derive(Debug, Clone)]
pub struct Verification {
    pub status: RecordStatus,
    pub minutes_approved: i32,
    pub quality: Quality,
    pub verified_by: Uuid,
    pub note: Option<String>,
    pub rules_version: Option<i32>,
    pub points: Option<i64>,
}

/// Records the verification; false if the record was no longer pending.
pub fn verify(conn: &mut AnyConnection, id: Uuid, v: &Verification) -> QueryResult<bool> {
    let n = diesel::update(
        service_records::table
            .filter(service_records::id.eq(Id(id)))
            .filter(service_records::status.eq(Stored(RecordStatus::Pending))),
    )
    .set((
        service_records::status.eq(Stored(v.status)),
        service_records::minutes_approved.eq(Some(v.minutes_approved)),
        service_records::quality.eq(Some(Stored(v.quality))),
        service_records::verified_by.eq(Some(Id(v.verified_by))),
        service_records::verified_at.eq(Some(now())),
        service_records::verification_note.eq(v.note.as_deref()),
        service_records::rules_version.eq(v.rules_version),
        service_records::points.eq(v.points),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// Whether the volunteer already has a (not rejected) record over any of `[start, end)`: the same
/// minutes cannot be claimed twice.
pub fn overlaps(
    conn: &mut AnyConnection,
    volunteer_id: Uuid,
    start: NaiveDateTime,
    end: NaiveDateTime,
) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        service_records::table
            .filter(service_records::volunteer_id.eq(Id(volunteer_id)))
            .filter(service_records::status.ne(Stored(RecordStatus::Rejected)))
            .filter(service_records::started_at.lt(end))
            .filter(service_records::ended_at.gt(start)),
    ))
    .get_result(conn)
}

#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub status: Option<RecordStatus>,
    pub volunteer_id: Option<Uuid>,
    /// Records of the volunteers of this team.
    pub team_id: Option<Uuid>,
    pub from: Option<NaiveDateTime>,
    pub to: Option<NaiveDateTime>,
}

/// A page of the community's service ledger, newest first.
pub fn list(
    conn: &mut AnyConnection,
    community_id: Uuid,
    f: &Filter,
    page: &canglong_core::PageRequest,
) -> QueryResult<Vec<ServiceRecordRow>> {
    filtered(
        conn,
        community_id,
        f,
        page.after.map(|c| c.0),
        i64::from(page.limit) + 1,
    )
}

/// The whole filtered ledger, oldest first, up to `at_most` rows (for export).
pub fn export(
    conn: &mut AnyConnection,
    community_id: Uuid,
    f: &Filter,
    at_most: i64,
) -> QueryResult<Vec<ServiceRecordRow>> {
    let mut rows = filtered(conn, community_id, f, None, at_most)?;
    rows.reverse();
    Ok(rows)
}

fn filtered(
    conn: &mut AnyConnection,
    community_id: Uuid,
    f: &Filter,
    before: Option<Uuid>,
    limit: i64,
) -> QueryResult<Vec<ServiceRecordRow>> {
    let mut q = service_records::table
        .filter(service_records::community_id.eq(Id(community_id)))
        .select(ServiceRecordRow::as_select())
        .into_boxed::<crate::db::MultiBackend>();
    if let Some(s) = f.status {
        q = q.filter(service_records::status.eq(Stored(s)));
    }
    if let Some(v) = f.volunteer_id {
        q = q.filter(service_records::volunteer_id.eq(Id(v)));
    }
    if let Some(t) = f.team_id {
        use crate::schema::team_members;
        let members = team_members::table
            .filter(team_members::team_id.eq(Id(t)))
            .select(team_members::volunteer_id);
        q = q.filter(service_records::volunteer_id.eq_any(members));
    }
    if let Some(from) = f.from {
        q = q.filter(service_records::created_at.ge(from));
    }
    if let Some(to) = f.to {
        q = q.filter(service_records::created_at.lt(to));
    }
    if let Some(c) = before {
        q = q.filter(service_records::id.lt(Id(c)));
    }
    q.order(service_records::id.desc()).limit(limit).load(conn)
}

/// Verified credit-hour records of the community with the points they were valued at (for
/// reconciliation: each must have exactly one crediting transaction).
pub fn credited(conn: &mut AnyConnection, community_id: Uuid) -> QueryResult<Vec<(Id, i64)>> {
    let rows: Vec<(Id, Option<i64>)> = service_records::table
        .filter(service_records::community_id.eq(Id(community_id)))
        .filter(service_records::status.eq(Stored(RecordStatus::Verified)))
        .filter(service_records::honor.eq(false))
        .select((service_records::id, service_records::points))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, p)| p.filter(|p| *p > 0).map(|p| (id, p)))
        .collect())
}

/// Verified minutes of a volunteer per month `YYYY-MM` of service (or of recording, for records
/// without a span), for profile figures and certificates.
pub fn verified_spans(
    conn: &mut AnyConnection,
    volunteer_id: Uuid,
) -> QueryResult<Vec<ServiceRecordRow>> {
    service_records::table
        .filter(service_records::volunteer_id.eq(Id(volunteer_id)))
        .filter(service_records::status.eq(Stored(RecordStatus::Verified)))
        .order(service_records::id.asc())
        .select(ServiceRecordRow::as_select())
        .load(conn)
}
