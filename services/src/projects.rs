//! Projects (项目化运作): their course packages and sessions, stages, the parent preparation
//! group, partner claims; and the centre's rooms and partner organisations.

use canglong_activities::{OrganiserKind, PartnerKind, ProjectStatus, check_windows};
use canglong_core::{Actor, NaiveDateTime, Uuid, new_id, now};
use canglong_persistence::activities::{
    self as store, PackageRow, PartnerRow, ProjectRow, RoomRow, SessionRow,
};
use canglong_persistence::{AnyConnection, Id, Stored, is_unique_violation, people};

use crate::error::{Error, Result};

pub fn found(conn: &mut AnyConnection, community: Uuid, id: Uuid) -> Result<ProjectRow> {
    store::project(conn, community, id)?.ok_or_else(|| Error::not_found("project"))
}

/// A project as staff start it, with its course packages (title, description).
#[derive(Debug, Clone)]
pub struct ProjectDraft {
    pub title: String,
    pub description: String,
    pub organiser_kind: OrganiserKind,
    pub period_start: NaiveDateTime,
    pub period_end: NaiveDateTime,
    pub continues_project_id: Option<Uuid>,
    pub packages: Vec<(String, String)>,
}

/// Start a project in planning. A project continues at most one project of the previous period
/// (the continuation rate counts these).
pub fn create(conn: &mut AnyConnection, actor: &Actor, p: ProjectDraft) -> Result<ProjectRow> {
    check_windows(&[(p.period_start, p.period_end)])?;
    if let Some(prev) = p.continues_project_id {
        found(conn, actor.community_id, prev)?;
        if store::continued_by(conn, prev)?.is_some() {
            return Err(Error::conflict(
                "already_continued",
                "that project was already continued",
            ));
        }
    }
    let at = now();
    let row = ProjectRow {
        id: Id(new_id()),
        community_id: Id(actor.community_id),
        title: p.title,
        description: p.description,
        organiser_kind: Stored(p.organiser_kind),
        partner_id: None,
        period_start: p.period_start,
        period_end: p.period_end,
        status: Stored(ProjectStatus::Planning),
        continues_project_id: p.continues_project_id.map(Id),
        created_by: Id(actor.user_id),
        created_at: at,
        updated_at: at,
    };
    store::insert_project(conn, &row)?;
    for (title, description) in p.packages {
        store::insert_package(
            conn,
            &PackageRow {
                id: Id(new_id()),
                community_id: row.community_id,
                project_id: row.id,
                title,
                description,
                created_at: at,
            },
        )?;
    }
    Ok(row)
}

/// Move a project to its next stage (planning → running → reviewing → closed).
pub fn advance(
    conn: &mut AnyConnection,
    community: Uuid,
    id: Uuid,
    to: ProjectStatus,
) -> Result<ProjectRow> {
    let p = found(conn, community, id)?;
    let next = p.status.0.advance(to)?;
    store::set_project_status(conn, id, next)?;
    found(conn, community, id)
}

/// Add a resident of the community to the parent preparation group (家长筹备组).
pub fn add_parent(
    conn: &mut AnyConnection,
    community: Uuid,
    id: Uuid,
    user: Uuid,
) -> Result<ProjectRow> {
    let p = found(conn, community, id)?;
    people::find_user(conn, user)?
        .filter(|u| u.community_id.0 == community)
        .ok_or_else(|| Error::unprocessable("unknown_user", "no such resident here"))?;
    store::add_parent(conn, &p, user)?;
    Ok(p)
}

/// A partner organisation's staff claim a project that is not closed; one partner per project.
pub fn claim(conn: &mut AnyConnection, actor: &Actor, id: Uuid) -> Result<ProjectRow> {
    let partner = store::staff_partner(conn, actor.user_id)?.ok_or_else(|| {
        Error::forbidden(
            "not_partner_staff",
            "only partner organisations' staff claim projects",
        )
    })?;
    let p = found(conn, actor.community_id, id)?;
    if p.status.0 == ProjectStatus::Closed {
        return Err(Error::unprocessable(
            "invalid_transition",
            "a closed project cannot be claimed",
        ));
    }
    if !store::claim_project(conn, id, partner)? {
        return Err(Error::conflict(
            "already_claimed",
            "another partner claimed this project",
        ));
    }
    found(conn, actor.community_id, id)
}

/// A session as staff schedule it.
#[derive(Debug, Clone)]
pub struct SessionDraft {
    pub package_id: Option<Uuid>,
    pub title: String,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub room_id: Option<Uuid>,
    pub place: String,
    pub capacity: i32,
    pub enrol_from: NaiveDateTime,
    pub enrol_to: NaiveDateTime,
    pub volunteer_slots: i32,
    pub attendance_points: i64,
}

/// Schedule a session of a project. A room hosts one session at a time; each session has its
/// own check-in secret.
pub fn schedule(
    conn: &mut AnyConnection,
    community: Uuid,
    project: Uuid,
    s: SessionDraft,
) -> Result<SessionRow> {
    check_windows(&[(s.starts_at, s.ends_at), (s.enrol_from, s.enrol_to)])?;
    let p = found(conn, community, project)?;
    if let Some(k) = s.package_id
        && !store::packages_of(conn, project)?
            .iter()
            .any(|x| x.id.0 == k)
    {
        return Err(Error::unprocessable(
            "unknown_package",
            "not a course package of this project",
        ));
    }
    if let Some(room) = s.room_id {
        book_room(conn, community, room, &[(s.starts_at, s.ends_at)])?;
    }
    let row = SessionRow {
        id: Id(new_id()),
        community_id: Id(community),
        project_id: p.id,
        package_id: s.package_id.map(Id),
        title: s.title,
        starts_at: s.starts_at,
        ends_at: s.ends_at,
        room_id: s.room_id.map(Id),
        place: s.place,
        capacity: s.capacity,
        enrol_from: s.enrol_from,
        enrol_to: s.enrol_to,
        volunteer_slots: s.volunteer_slots,
        attendance_points: s.attendance_points,
        checkin_secret: checkin_secret()?,
        created_at: now(),
    };
    store::insert_session(conn, &row)?;
    Ok(row)
}

/// A new session's check-in secret: the codes at the door are derived from it.
pub fn checkin_secret() -> Result<String> {
    let mut secret = [0u8; 16];
    getrandom::fill(&mut secret).map_err(|e| Error::bug(format!("no randomness: {e}")))?;
    Ok(secret.iter().map(|b| format!("{b:02x}")).collect())
}

/// A room hosts one session at a time, a project's or an association's: the room is locked, then
/// every span is checked against both timetables.
pub fn book_room(
    conn: &mut AnyConnection,
    community: Uuid,
    room: Uuid,
    spans: &[(NaiveDateTime, NaiveDateTime)],
) -> Result<RoomRow> {
    let r = store::lock_room(conn, community, room)?
        .ok_or_else(|| Error::unprocessable("unknown_room", "no such room"))?;
    for (start, end) in spans {
        if store::room_busy(conn, room, *start, *end)?
            || canglong_persistence::associations::room_busy(conn, room, *start, *end)?
        {
            return Err(Error::unprocessable(
                "room_busy",
                format!(
                    "another session uses the room at that time ({})",
                    canglong_core::local_stamp(*start)
                ),
            ));
        }
    }
    Ok(r)
}

/// Add a room of the activity centre; its name is unique in the community.
pub fn create_room(
    conn: &mut AnyConnection,
    community: Uuid,
    name: String,
    zone: String,
    capacity: i32,
) -> Result<RoomRow> {
    let row = RoomRow {
        id: Id(new_id()),
        community_id: Id(community),
        name,
        zone,
        capacity,
        created_at: now(),
    };
    store::insert_room(conn, &row).map_err(|e| {
        if is_unique_violation(&e) {
            Error::conflict("already_exists", "a room of that name exists")
        } else {
            e.into()
        }
    })?;
    Ok(row)
}

/// Register a partner organisation (a university, a company …).
pub fn create_partner(
    conn: &mut AnyConnection,
    community: Uuid,
    name: String,
    kind: PartnerKind,
) -> Result<PartnerRow> {
    let row = PartnerRow {
        id: Id(new_id()),
        community_id: Id(community),
        name,
        kind: Stored(kind),
        created_at: now(),
    };
    store::insert_partner(conn, &row)?;
    Ok(row)
}

/// Bind a person of the community as staff of a partner (they may then claim projects); a
/// person serves one partner.
pub fn bind_partner_staff(
    conn: &mut AnyConnection,
    community: Uuid,
    partner: Uuid,
    user: Uuid,
) -> Result<()> {
    store::partner(conn, community, partner)?.ok_or_else(|| Error::not_found("partner"))?;
    people::find_user(conn, user)?
        .filter(|u| u.community_id.0 == community)
        .ok_or_else(|| Error::unprocessable("unknown_user", "no such person in this community"))?;
    if store::staff_partner(conn, user)?.is_some() {
        return Err(Error::conflict(
            "already_bound",
            "this person already serves a partner",
        ));
    }
    Ok(store::bind_partner_staff(conn, user, partner, community)?)
}
