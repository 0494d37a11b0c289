//! Associations, their members, their timetable and the roll.

use canglong_activities::associations::{AssociationKind, AttendanceMethod, MemberRole};
use canglong_core::{NaiveDateTime, Uuid};
use canglong_needs::TargetGroup;
use diesel::prelude::*;

use crate::db::MultiBackend;
use crate::schema::{association_members, association_sessions, associations, attendance, users};
use crate::{AnyConnection, Id, QueryResult, Stored};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = associations)]
pub struct AssociationRow {
    pub id: Id,
    pub community_id: Id,
    pub name: String,
    pub kind: Stored<AssociationKind>,
    pub description: String,
    pub created_by: Id,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = association_members)]
pub struct MemberRow {
    pub association_id: Id,
    pub user_id: Id,
    pub community_id: Id,
    pub role: Stored<MemberRole>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = association_sessions)]
pub struct SessionRow {
    pub id: Id,
    pub community_id: Id,
    pub association_id: Id,
    pub title: String,
    pub room_id: Id,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub checkin_secret: String,
    pub created_by: Id,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = attendance)]
pub struct AttendanceRow {
    pub session_id: Id,
    pub user_id: Id,
    pub community_id: Id,
    pub target_group: Stored<TargetGroup>,
    pub method: Stored<AttendanceMethod>,
    pub recorded_by: Id,
    pub created_at: NaiveDateTime,
}

pub fn insert_association(conn: &mut AnyConnection, row: &AssociationRow) -> QueryResult<()> {
    diesel::insert_into(associations::table)
        .values(row.clone())
        .execute(conn)
        .map(|_| ())
}

pub fn association_named(
    conn: &mut AnyConnection,
    community: Uuid,
    name: &str,
) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        associations::table
            .filter(associations::community_id.eq(Id(community)))
            .filter(associations::name.eq(name)),
    ))
    .get_result(conn)
}

pub fn association(
    conn: &mut AnyConnection,
    community: Uuid,
    id: Uuid,
) -> QueryResult<Option<AssociationRow>> {
    associations::table
        .filter(associations::id.eq(Id(id)))
        .filter(associations::community_id.eq(Id(community)))
        .select(AssociationRow::as_select())
        .first(conn)
        .optional()
}

pub fn associations_of(
    conn: &mut AnyConnection,
    community: Uuid,
) -> QueryResult<Vec<AssociationRow>> {
    associations::table
        .filter(associations::community_id.eq(Id(community)))
        .order(associations::name.asc())
        .select(AssociationRow::as_select())
        .load(conn)
}

/// Adds a member; false if they already belong.
pub fn add_member(conn: &mut AnyConnection, row: &MemberRow) -> QueryResult<bool> {
    if member(conn, row.association_id.0, row.user_id.0)?.is_some() {
        return Ok(false);
    }
    diesel::insert_into(association_members::table)
        .values(row.clone())
        .execute(conn)?;
    Ok(true)
}

pub fn member(
    conn: &mut AnyConnection,
    association: Uuid,
    user: Uuid,
) -> QueryResult<Option<MemberRow>> {
    association_members::table
        .filter(association_members::association_id.eq(Id(association)))
        .filter(association_members::user_id.eq(Id(user)))
        .select(MemberRow::as_select())
        .first(conn)
        .optional()
}

/// Members of the associations with their names, leaders first.
pub fn members_of(
    conn: &mut AnyConnection,
    associations: &[Uuid],
) -> QueryResult<Vec<(MemberRow, String)>> {
    let ids: Vec<Id> = associations.iter().copied().map(Id).collect();
    association_members::table
        .inner_join(users::table.on(users::id.eq(association_members::user_id)))
        .filter(association_members::association_id.eq_any(ids))
        .order((
            association_members::association_id,
            association_members::role,
            association_members::created_at,
        ))
        .select((MemberRow::as_select(), users::nickname))
        .load(conn)
}

pub fn insert_sessions(conn: &mut AnyConnection, rows: &[SessionRow]) -> QueryResult<()> {
    for row in rows {
        diesel::insert_into(association_sessions::table)
            .values(row.clone())
            .execute(conn)?;
    }
    Ok(())
}

pub fn session(
    conn: &mut AnyConnection,
    community: Uuid,
    id: Uuid,
) -> QueryResult<Option<SessionRow>> {
    association_sessions::table
        .filter(association_sessions::id.eq(Id(id)))
        .filter(association_sessions::community_id.eq(Id(community)))
        .select(SessionRow::as_select())
        .first(conn)
        .optional()
}

/// Association sessions of a room that overlap `[start, end)`.
pub fn room_busy(
    conn: &mut AnyConnection,
    room: Uuid,
    start: NaiveDateTime,
    end: NaiveDateTime,
) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        association_sessions::table
            .filter(association_sessions::room_id.eq(Id(room)))
            .filter(association_sessions::starts_at.lt(end))
            .filter(association_sessions::ends_at.gt(start)),
    ))
    .get_result(conn)
}

/// The sessions of the associations ending after `after`, in time order (the timetable).
pub fn sessions_of(
    conn: &mut AnyConnection,
    associations: &[Uuid],
    after: NaiveDateTime,
    limit: i64,
) -> QueryResult<Vec<SessionRow>> {
    let ids: Vec<Id> = associations.iter().copied().map(Id).collect();
    association_sessions::table
        .filter(association_sessions::association_id.eq_any(ids))
        .filter(association_sessions::ends_at.gt(after))
        .order(association_sessions::starts_at.asc())
        .limit(limit)
        .select(SessionRow::as_select())
        .load(conn)
}

/// (association, start) of the community's sessions starting in `[from, to)`.
pub fn session_starts(
    conn: &mut AnyConnection,
    communities: &[Uuid],
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> QueryResult<Vec<(Id, NaiveDateTime)>> {
    let ids: Vec<Id> = communities.iter().copied().map(Id).collect();
    association_sessions::table
        .filter(association_sessions::community_id.eq_any(ids))
        .filter(association_sessions::starts_at.ge(from))
        .filter(association_sessions::starts_at.lt(to))
        .select((
            association_sessions::association_id,
            association_sessions::starts_at,
        ))
        .load(conn)
}

/// Records an attendee; false if they were already counted at the session.
pub fn attend(conn: &mut AnyConnection, row: &AttendanceRow) -> QueryResult<bool> {
    let done: bool = diesel::select(diesel::dsl::exists(
        attendance::table
            .filter(attendance::session_id.eq(row.session_id))
            .filter(attendance::user_id.eq(row.user_id)),
    ))
    .get_result(conn)?;
    if done {
        return Ok(false);
    }
    diesel::insert_into(attendance::table)
        .values(row.clone())
        .execute(conn)?;
    Ok(true)
}

pub fn attendance_of(conn: &mut AnyConnection, session: Uuid) -> QueryResult<Vec<AttendanceRow>> {
    attendance::table
        .filter(attendance::session_id.eq(Id(session)))
        .order(attendance::created_at.asc())
        .select(AttendanceRow::as_select())
        .load(conn)
}

/// The communities' attendance recorded in `[from, to)`.
pub fn attendance_between(
    conn: &mut AnyConnection,
    communities: &[Uuid],
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> QueryResult<Vec<AttendanceRow>> {
    let ids: Vec<Id> = communities.iter().copied().map(Id).collect();
    attendance::table
        .filter(attendance::community_id.eq_any(ids))
        .filter(attendance::created_at.ge(from))
        .filter(attendance::created_at.lt(to))
        .into_boxed::<MultiBackend>()
        .select(AttendanceRow::as_select())
        .load(conn)
}
