//! Projects and activities' storage: rooms, partners, projects, course packages, sessions,
//! children, enrolments, check-ins.

use crate::Stored;
use canglong_activities::EnrolmentStatus;
use canglong_activities::{OrganiserKind, PartnerKind, ProjectStatus};
use canglong_core::{Cursor, NaiveDateTime, PageRequest, Uuid, now};
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable};

use crate::db::MultiBackend;
use crate::schema::{
    checkin_attempts, checkins, children, course_packages, enrolments, partner_staff, partners,
    project_parents, projects, rooms, sessions,
};
use crate::{AnyConnection, Id, QueryResult};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = rooms)]
pub struct RoomRow {
    pub id: Id,
    pub community_id: Id,
    pub name: String,
    pub zone: String,
    pub capacity: i32,
    pub created_at: NaiveDateTime,
}

pub fn insert_room(conn: &mut AnyConnection, row: &RoomRow) -> QueryResult<()> {
    diesel::insert_into(rooms::table)
        .values(row.clone())
        .execute(conn)
        .map(|_| ())
}

pub fn rooms_of(conn: &mut AnyConnection, community_id: Uuid) -> QueryResult<Vec<RoomRow>> {
    rooms::table
        .filter(rooms::community_id.eq(Id(community_id)))
        .order(rooms::name.asc())
        .select(RoomRow::as_select())
        .load(conn)
}

pub fn room(
    conn: &mut AnyConnection,
    community_id: Uuid,
    id: Uuid,
) -> QueryResult<Option<RoomRow>> {
    rooms::table
        .filter(rooms::id.eq(Id(id)))
        .filter(rooms::community_id.eq(Id(community_id)))
        .select(RoomRow::as_select())
        .first(conn)
        .optional()
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = partners)]
pub struct PartnerRow {
    pub id: Id,
    pub community_id: Id,
    pub name: String,
    pub kind: Stored<PartnerKind>,
    pub created_at: NaiveDateTime,
}

pub fn insert_partner(conn: &mut AnyConnection, row: &PartnerRow) -> QueryResult<()> {
    diesel::insert_into(partners::table)
        .values(row.clone())
        .execute(conn)
        .map(|_| ())
}

pub fn partner(
    conn: &mut AnyConnection,
    community_id: Uuid,
    id: Uuid,
) -> QueryResult<Option<PartnerRow>> {
    partners::table
        .filter(partners::id.eq(Id(id)))
        .filter(partners::community_id.eq(Id(community_id)))
        .select(PartnerRow::as_select())
        .first(conn)
        .optional()
}

pub fn bind_partner_staff(
    conn: &mut AnyConnection,
    user_id: Uuid,
    partner_id: Uuid,
    community_id: Uuid,
) -> QueryResult<()> {
    diesel::insert_into(partner_staff::table)
        .values((
            partner_staff::user_id.eq(Id(user_id)),
            partner_staff::partner_id.eq(Id(partner_id)),
            partner_staff::community_id.eq(Id(community_id)),
            partner_staff::created_at.eq(now()),
        ))
        .execute(conn)
        .map(|_| ())
}

pub fn staff_partner(conn: &mut AnyConnection, user_id: Uuid) -> QueryResult<Option<Uuid>> {
    let p: Option<Id> = partner_staff::table
        .filter(partner_staff::user_id.eq(Id(user_id)))
        .select(partner_staff::partner_id)
        .first(conn)
        .optional()?;
    Ok(p.map(Uuid::from))
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = projects)]
pub struct ProjectRow {
    pub id: Id,
    pub community_id: Id,
    pub title: String,
    pub description: String,
    pub organiser_kind: Stored<OrganiserKind>,
    pub partner_id: Option<Id>,
    pub period_start: NaiveDateTime,
    pub period_end: NaiveDateTime,
    pub status: Stored<ProjectStatus>,
    pub continues_project_id: Option<Id>,
    pub created_by: Id,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

pub fn insert_project(conn: &mut AnyConnection, row: &ProjectRow) -> QueryResult<()> {
    diesel::insert_into(projects::table)
        .values(row.clone())
        .execute(conn)
        .map(|_| ())
}

pub fn project(
    conn: &mut AnyConnection,
    community_id: Uuid,
    id: Uuid,
) -> QueryResult<Option<ProjectRow>> {
    projects::table
        .filter(projects::id.eq(Id(id)))
        .filter(projects::community_id.eq(Id(community_id)))
        .select(ProjectRow::as_select())
        .first(conn)
        .optional()
}

pub fn list_projects(
    conn: &mut AnyConnection,
    community_id: Uuid,
    claimable: bool,
    page: &PageRequest,
) -> QueryResult<Vec<ProjectRow>> {
    let mut q = projects::table
        .filter(projects::community_id.eq(Id(community_id)))
        .select(ProjectRow::as_select())
        .into_boxed::<MultiBackend>();
    if claimable {
        q = q
            .filter(projects::partner_id.is_null())
            .filter(projects::status.ne(Stored(ProjectStatus::Closed)));
    }
    if let Some(c) = page.after {
        q = q.filter(projects::id.lt(Id(c.0)));
    }
    q.order(projects::id.desc())
        .limit(i64::from(page.limit) + 1)
        .load(conn)
}

pub fn set_project_status(
    conn: &mut AnyConnection,
    id: Uuid,
    status: ProjectStatus,
) -> QueryResult<()> {
    diesel::update(projects::table.find(Id(id)))
        .set((
            projects::status.eq(Stored(status)),
            projects::updated_at.eq(now()),
        ))
        .execute(conn)
        .map(|_| ())
}

/// A partner claims an unclaimed project; false if another partner was first.
pub fn claim_project(conn: &mut AnyConnection, id: Uuid, partner_id: Uuid) -> QueryResult<bool> {
    let n = diesel::update(
        projects::table
            .find(Id(id))
            .filter(projects::partner_id.is_null()),
    )
    .set((
        projects::partner_id.eq(Some(Id(partner_id))),
        projects::updated_at.eq(now()),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// The project that carries this one into the next period, if any.
pub fn continued_by(conn: &mut AnyConnection, id: Uuid) -> QueryResult<Option<Uuid>> {
    let p: Option<Id> = projects::table
        .filter(projects::continues_project_id.eq(Some(Id(id))))
        .select(projects::id)
        .first(conn)
        .optional()?;
    Ok(p.map(Uuid::from))
}

pub fn add_parent(
    conn: &mut AnyConnection,
    project: &ProjectRow,
    user_id: Uuid,
) -> QueryResult<()> {
    let exists: bool = diesel::select(diesel::dsl::exists(
        project_parents::table
            .filter(project_parents::project_id.eq(project.id))
            .filter(project_parents::user_id.eq(Id(user_id))),
    ))
    .get_result(conn)?;
    if !exists {
        diesel::insert_into(project_parents::table)
            .values((
                project_parents::project_id.eq(project.id),
                project_parents::user_id.eq(Id(user_id)),
                project_parents::community_id.eq(project.community_id),
                project_parents::created_at.eq(now()),
            ))
            .execute(conn)?;
    }
    Ok(())
}

pub fn parents(conn: &mut AnyConnection, project_id: Uuid) -> QueryResult<Vec<Uuid>> {
    let ids: Vec<Id> = project_parents::table
        .filter(project_parents::project_id.eq(Id(project_id)))
        .order(project_parents::user_id.asc())
        .select(project_parents::user_id)
        .load(conn)?;
    Ok(ids.into_iter().map(Uuid::from).collect())
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = course_packages)]
pub struct PackageRow {
    pub id: Id,
    pub community_id: Id,
    pub project_id: Id,
    pub title: String,
    pub description: String,
    pub created_at: NaiveDateTime,
}

pub fn insert_package(conn: &mut AnyConnection, row: &PackageRow) -> QueryResult<()> {
    diesel::insert_into(course_packages::table)
        .values(row.clone())
        .execute(conn)
        .map(|_| ())
}

pub fn packages_of(conn: &mut AnyConnection, project_id: Uuid) -> QueryResult<Vec<PackageRow>> {
    course_packages::table
        .filter(course_packages::project_id.eq(Id(project_id)))
        .order(course_packages::id.asc())
        .select(PackageRow::as_select())
        .load(conn)
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = sessions)]
pub struct SessionRow {
    pub id: Id,
    pub community_id: Id,
    pub project_id: Id,
    pub package_id: Option<Id>,
    pub title: String,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub room_id: Option<Id>,
    pub place: String,
    pub capacity: i32,
    pub enrol_from: NaiveDateTime,
    pub enrol_to: NaiveDateTime,
    pub volunteer_slots: i32,
    pub attendance_points: i64,
    pub checkin_secret: String,
    pub created_at: NaiveDateTime,
}

pub fn insert_session(conn: &mut AnyConnection, row: &SessionRow) -> QueryResult<()> {
    diesel::insert_into(sessions::table)
        .values(row.clone())
        .execute(conn)
        .map(|_| ())
}

pub fn session(
    conn: &mut AnyConnection,
    community_id: Uuid,
    id: Uuid,
) -> QueryResult<Option<SessionRow>> {
    sessions::table
        .filter(sessions::id.eq(Id(id)))
        .filter(sessions::community_id.eq(Id(community_id)))
        .select(SessionRow::as_select())
        .first(conn)
        .optional()
}

/// The session row, locked on PostgreSQL: enrolments of one session queue up here.
pub fn lock_session(
    conn: &mut AnyConnection,
    community_id: Uuid,
    id: Uuid,
) -> QueryResult<Option<SessionRow>> {
    let q = sessions::table
        .filter(sessions::id.eq(Id(id)))
        .filter(sessions::community_id.eq(Id(community_id)))
        .select(sessions::all_columns);
    for_update!(conn, q, first::<SessionRow>).optional()
}

/// The room's row, locked on PostgreSQL: bookings of one room (projects' and associations'
/// sessions) queue here, so two cannot both find it free.
pub fn lock_room(
    conn: &mut AnyConnection,
    community_id: Uuid,
    id: Uuid,
) -> QueryResult<Option<RoomRow>> {
    let q = rooms::table
        .filter(rooms::id.eq(Id(id)))
        .filter(rooms::community_id.eq(Id(community_id)))
        .select(rooms::all_columns);
    for_update!(conn, q, first::<RoomRow>).optional()
}

/// Project sessions of a room that overlap `[start, end)`.
pub fn room_busy(
    conn: &mut AnyConnection,
    room_id: Uuid,
    start: NaiveDateTime,
    end: NaiveDateTime,
) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        sessions::table
            .filter(sessions::room_id.eq(Some(Id(room_id))))
            .filter(sessions::starts_at.lt(end))
            .filter(sessions::ends_at.gt(start)),
    ))
    .get_result(conn)
}

/// Which sessions a list shows.
#[derive(Debug, Clone, Default)]
pub struct SessionWindow {
    pub project_id: Option<Uuid>,
    pub from: Option<NaiveDateTime>,
    pub to: Option<NaiveDateTime>,
}

/// Sessions by start time (then id), a page of `limit + 1` after the cursor's session.
pub fn list_sessions(
    conn: &mut AnyConnection,
    community_id: Uuid,
    w: &SessionWindow,
    page: &PageRequest,
) -> QueryResult<Vec<SessionRow>> {
    let mut q = sessions::table
        .filter(sessions::community_id.eq(Id(community_id)))
        .select(SessionRow::as_select())
        .into_boxed::<MultiBackend>();
    if let Some(p) = w.project_id {
        q = q.filter(sessions::project_id.eq(Id(p)));
    }
    if let Some(f) = w.from {
        q = q.filter(sessions::starts_at.ge(f));
    }
    if let Some(t) = w.to {
        q = q.filter(sessions::starts_at.lt(t));
    }
    if let Some(Cursor(after)) = page.after {
        let start: Option<NaiveDateTime> = sessions::table
            .filter(sessions::id.eq(Id(after)))
            .filter(sessions::community_id.eq(Id(community_id)))
            .select(sessions::starts_at)
            .first(conn)
            .optional()?;
        let Some(start) = start else {
            return Ok(vec![]);
        };
        q = q.filter(
            sessions::starts_at.gt(start).or(sessions::starts_at
                .eq(start)
                .and(sessions::id.gt(Id(after)))),
        );
    }
    q.order((sessions::starts_at.asc(), sessions::id.asc()))
        .limit(i64::from(page.limit) + 1)
        .load(conn)
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = children)]
pub struct ChildRow {
    pub id: Id,
    pub community_id: Id,
    pub parent_id: Id,
    pub nickname: String,
    pub birth_year: i32,
    pub created_at: NaiveDateTime,
}

pub fn insert_child(
    conn: &mut AnyConnection,
    community_id: Uuid,
    parent_id: Uuid,
    nickname: &str,
    birth_year: i32,
) -> QueryResult<()> {
    diesel::insert_into(children::table)
        .values((
            children::id.eq(Id(canglong_core::new_id())),
            children::community_id.eq(Id(community_id)),
            children::parent_id.eq(Id(parent_id)),
            children::nickname.eq(nickname),
            children::birth_year.eq(birth_year),
            children::created_at.eq(now()),
        ))
        .execute(conn)
        .map(|_| ())
}

pub fn children_of(conn: &mut AnyConnection, parent_id: Uuid) -> QueryResult<Vec<ChildRow>> {
    children::table
        .filter(children::parent_id.eq(Id(parent_id)))
        .order(children::id.asc())
        .select(ChildRow::as_select())
        .load(conn)
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = enrolments)]
pub struct EnrolmentRow {
    pub id: Id,
    pub community_id: Id,
    pub session_id: Id,
    pub user_id: Id,
    /// JSON list of child ids.
    pub child_ids: String,
    pub party_size: i32,
    pub status: Stored<EnrolmentStatus>,
    pub position: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

pub fn insert_enrolment(conn: &mut AnyConnection, row: &EnrolmentRow) -> QueryResult<()> {
    diesel::insert_into(enrolments::table)
        .values(row.clone())
        .execute(conn)
        .map(|_| ())
}

/// The person's enrolment of the session that is not cancelled.
pub fn active_enrolment(
    conn: &mut AnyConnection,
    session_id: Uuid,
    user_id: Uuid,
) -> QueryResult<Option<EnrolmentRow>> {
    enrolments::table
        .filter(enrolments::session_id.eq(Id(session_id)))
        .filter(enrolments::user_id.eq(Id(user_id)))
        .filter(enrolments::status.ne(Stored(EnrolmentStatus::Cancelled)))
        .select(EnrolmentRow::as_select())
        .first(conn)
        .optional()
}

/// Every enrolment of the session that is not cancelled, in order.
pub fn enrolments_of(conn: &mut AnyConnection, session_id: Uuid) -> QueryResult<Vec<EnrolmentRow>> {
    enrolments::table
        .filter(enrolments::session_id.eq(Id(session_id)))
        .filter(enrolments::status.ne(Stored(EnrolmentStatus::Cancelled)))
        .order(enrolments::position.asc())
        .select(EnrolmentRow::as_select())
        .load(conn)
}

/// The next place in the session's order.
pub fn next_position(conn: &mut AnyConnection, session_id: Uuid) -> QueryResult<i64> {
    let max: Option<i64> = enrolments::table
        .filter(enrolments::session_id.eq(Id(session_id)))
        .select(sql::<Nullable<BigInt>>("MAX(position)"))
        .first(conn)?;
    Ok(max.unwrap_or(0) + 1)
}

pub fn set_enrolment_status(
    conn: &mut AnyConnection,
    id: Uuid,
    status: EnrolmentStatus,
) -> QueryResult<()> {
    diesel::update(enrolments::table.find(Id(id)))
        .set((
            enrolments::status.eq(Stored(status)),
            enrolments::updated_at.eq(now()),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Records a check-in; false if the person had already checked in to the session.
pub fn check_in(
    conn: &mut AnyConnection,
    community_id: Uuid,
    session_id: Uuid,
    user_id: Uuid,
    people: i32,
) -> QueryResult<bool> {
    let done: bool = diesel::select(diesel::dsl::exists(
        checkins::table
            .filter(checkins::session_id.eq(Id(session_id)))
            .filter(checkins::user_id.eq(Id(user_id))),
    ))
    .get_result(conn)?;
    if done {
        return Ok(false);
    }
    diesel::insert_into(checkins::table)
        .values((
            checkins::id.eq(Id(canglong_core::new_id())),
            checkins::community_id.eq(Id(community_id)),
            checkins::session_id.eq(Id(session_id)),
            checkins::user_id.eq(Id(user_id)),
            checkins::people.eq(people),
            checkins::created_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(true)
}

/// (time, people) of the community's check-ins in `[from, to)`, for daily visits.
pub fn checkins_between(
    conn: &mut AnyConnection,
    community_id: Uuid,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> QueryResult<Vec<(NaiveDateTime, i32)>> {
    checkins::table
        .filter(checkins::community_id.eq(Id(community_id)))
        .filter(checkins::created_at.ge(from))
        .filter(checkins::created_at.lt(to))
        .select((checkins::created_at, checkins::people))
        .load(conn)
}

/// Records a wrong check-in code entered by a person for a session.
pub fn record_checkin_refusal(
    conn: &mut AnyConnection,
    community_id: Uuid,
    session_id: Uuid,
    user_id: Uuid,
) -> QueryResult<()> {
    diesel::insert_into(checkin_attempts::table)
        .values((
            checkin_attempts::id.eq(Id(canglong_core::new_id())),
            checkin_attempts::community_id.eq(Id(community_id)),
            checkin_attempts::session_id.eq(Id(session_id)),
            checkin_attempts::user_id.eq(Id(user_id)),
            checkin_attempts::created_at.eq(now()),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Wrong check-in codes the person entered for the session.
pub fn checkin_refusals(
    conn: &mut AnyConnection,
    session_id: Uuid,
    user_id: Uuid,
) -> QueryResult<i64> {
    checkin_attempts::table
        .filter(checkin_attempts::session_id.eq(Id(session_id)))
        .filter(checkin_attempts::user_id.eq(Id(user_id)))
        .count()
        .get_result(conn)
}

/// The person's newest enrolment of the session, whatever its status.
pub fn latest_enrolment(
    conn: &mut AnyConnection,
    session_id: Uuid,
    user_id: Uuid,
) -> QueryResult<Option<EnrolmentRow>> {
    enrolments::table
        .filter(enrolments::session_id.eq(Id(session_id)))
        .filter(enrolments::user_id.eq(Id(user_id)))
        .order(enrolments::position.desc())
        .select(EnrolmentRow::as_select())
        .first(conn)
        .optional()
}
