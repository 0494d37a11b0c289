//! Places, their services, and walk-in visits.

use canglong_activities::spaces::PlaceKind;
use canglong_core::{NaiveDateTime, Uuid};
use diesel::prelude::*;

use crate::schema::{place_services, places, visits};
use crate::{AnyConnection, Id, QueryResult, Stored};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = places)]
pub struct PlaceRow {
    pub id: Id,
    pub community_id: Id,
    pub name: String,
    pub kind: Stored<PlaceKind>,
    pub area_m2: i32,
    /// JSON array of zone names.
    pub zones: String,
    /// The code on the place's poster that a visitor scans.
    pub code: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = place_services)]
pub struct ServiceRow {
    pub id: Id,
    pub community_id: Id,
    pub place_id: Id,
    pub name: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = visits)]
pub struct VisitRow {
    pub id: Id,
    pub community_id: Id,
    pub place_id: Id,
    pub zone: Option<String>,
    pub service_id: Option<Id>,
    pub people: i32,
    /// The visitor who scanned the code; none for a staff tally.
    pub visitor_id: Option<Id>,
    /// The staff member who tallied; none for a scan.
    pub recorded_by: Option<Id>,
    pub created_at: NaiveDateTime,
}

pub fn insert_place(conn: &mut AnyConnection, row: &PlaceRow) -> QueryResult<()> {
    diesel::insert_into(places::table)
        .values(row.clone())
        .execute(conn)
        .map(|_| ())
}

pub fn place_named(
    conn: &mut AnyConnection,
    community: Uuid,
    name: &str,
) -> QueryResult<Option<PlaceRow>> {
    places::table
        .filter(places::community_id.eq(Id(community)))
        .filter(places::name.eq(name))
        .select(PlaceRow::as_select())
        .first(conn)
        .optional()
}

pub fn places_of(conn: &mut AnyConnection, community: Uuid) -> QueryResult<Vec<PlaceRow>> {
    places::table
        .filter(places::community_id.eq(Id(community)))
        .order(places::name.asc())
        .select(PlaceRow::as_select())
        .load(conn)
}

pub fn place(conn: &mut AnyConnection, community: Uuid, id: Uuid) -> QueryResult<Option<PlaceRow>> {
    places::table
        .filter(places::id.eq(Id(id)))
        .filter(places::community_id.eq(Id(community)))
        .select(PlaceRow::as_select())
        .first(conn)
        .optional()
}

/// The place's row, locked on PostgreSQL: a visitor's scans of one place queue here, so a
/// repeated scan is seen by the next.
pub fn lock_place(
    conn: &mut AnyConnection,
    community: Uuid,
    id: Uuid,
) -> QueryResult<Option<PlaceRow>> {
    let q = places::table
        .filter(places::id.eq(Id(id)))
        .filter(places::community_id.eq(Id(community)))
        .select(places::all_columns);
    for_update!(conn, q, first::<PlaceRow>).optional()
}

pub fn insert_service(conn: &mut AnyConnection, row: &ServiceRow) -> QueryResult<()> {
    diesel::insert_into(place_services::table)
        .values(row.clone())
        .execute(conn)
        .map(|_| ())
}

pub fn services_of(conn: &mut AnyConnection, places: &[Uuid]) -> QueryResult<Vec<ServiceRow>> {
    let ids: Vec<Id> = places.iter().copied().map(Id).collect();
    place_services::table
        .filter(place_services::place_id.eq_any(ids))
        .order((place_services::place_id, place_services::created_at))
        .select(ServiceRow::as_select())
        .load(conn)
}

pub fn insert_visit(conn: &mut AnyConnection, row: &VisitRow) -> QueryResult<()> {
    diesel::insert_into(visits::table)
        .values(row.clone())
        .execute(conn)
        .map(|_| ())
}

/// When the visitor last scanned the place's code for this service (or none).
pub fn last_scan(
    conn: &mut AnyConnection,
    visitor: Uuid,
    place: Uuid,
    service: Option<Uuid>,
) -> QueryResult<Option<NaiveDateTime>> {
    let mut q = visits::table
        .filter(visits::visitor_id.eq(Some(Id(visitor))))
        .filter(visits::place_id.eq(Id(place)))
        .into_boxed::<crate::db::MultiBackend>();
    q = match service {
        Some(s) => q.filter(visits::service_id.eq(Some(Id(s)))),
        None => q.filter(visits::service_id.is_null()),
    };
    q.select(diesel::dsl::max(visits::created_at))
        .first::<Option<NaiveDateTime>>(conn)
}

/// The community's walk-in visits in `[from, to)`, of one place if named.
pub fn visits_between(
    conn: &mut AnyConnection,
    community: Uuid,
    place: Option<Uuid>,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> QueryResult<Vec<VisitRow>> {
    let mut q = visits::table
        .filter(visits::community_id.eq(Id(community)))
        .filter(visits::created_at.ge(from))
        .filter(visits::created_at.lt(to))
        .into_boxed::<crate::db::MultiBackend>();
    if let Some(p) = place {
        q = q.filter(visits::place_id.eq(Id(p)));
    }
    q.select(VisitRow::as_select()).load(conn)
}
