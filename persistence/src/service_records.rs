//! The service ledger (项目服务台账): one row per service done, pending until verified.

use canglong_core::{NaiveDateTime, Uuid, now};
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
    pub source: String,
    pub content: String,
    pub beneficiary_group: String,
    pub minutes_reported: i32,
    pub minutes_approved: Option<i32>,
    pub status: String,
    pub quality: Option<String>,
    pub verified_by: Option<Id>,
    pub verified_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

/// A pending record of service done for a need.
pub fn insert_for_need(
    conn: &mut AnyConnection,
    community_id: Uuid,
    volunteer_id: Uuid,
    need_id: Uuid,
    content: &str,
    beneficiary_group: &str,
    minutes: i32,
) -> QueryResult<ServiceRecordRow> {
    diesel::insert_into(service_records::table)
        .values((
            service_records::id.eq(Id(canglong_core::new_id())),
            service_records::community_id.eq(Id(community_id)),
            service_records::volunteer_id.eq(Id(volunteer_id)),
            service_records::need_id.eq(Some(Id(need_id))),
            service_records::source.eq("need"),
            service_records::content.eq(content),
            service_records::beneficiary_group.eq(beneficiary_group),
            service_records::minutes_reported.eq(minutes),
            service_records::status.eq("pending"),
            service_records::created_at.eq(now()),
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
        .filter(service_records::status.eq("verified"))
        .select(diesel::dsl::sum(service_records::minutes_approved))
        .first(conn)?;
    Ok(sum.unwrap_or(0))
}
