//! Cultural associations (社团线): members and leaders, a weekly timetable in the centre's rooms,
//! and attendance at the door — on the leader's roll or by the code shown there — counting
//! every attendee with their target group.

use std::collections::HashMap;

use canglong_activities::associations::{
    self as domain, AssociationKind, AttendanceMethod, MemberRole,
};
use canglong_activities::{checkin_open, checkin_valid};
use canglong_core::{Actor, NaiveDateTime, Uuid, new_id, now};
use canglong_people::ResidentTag;
use canglong_persistence::associations::{
    self as store, AssociationRow, AttendanceRow, MemberRow, SessionRow,
};
use canglong_persistence::{AnyConnection, Id, Stored, residents};

use crate::error::{Error, Result};

use crate::ORGANISERS;

pub fn found(conn: &mut AnyConnection, community: Uuid, id: Uuid) -> Result<AssociationRow> {
    store::association(conn, community, id)?.ok_or_else(|| Error::not_found("association"))
}

/// An association as staff register it.
#[derive(Debug, Clone, Copy)]
pub struct Draft<'a> {
    pub name: &'a str,
    pub kind: AssociationKind,
    pub description: &'a str,
    pub leaders: &'a [Uuid],
}

/// Staff: an association with its first leaders.
pub fn create(conn: &mut AnyConnection, actor: &Actor, d: Draft) -> Result<AssociationRow> {
    create_with_id(conn, actor, new_id(), d)
}

/// [`create`] with the id given (the demo's, which the document's examples name).
pub fn create_with_id(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: Uuid,
    d: Draft,
) -> Result<AssociationRow> {
    actor.require(&ORGANISERS)?;
    if store::association_named(conn, actor.community_id, d.name)? {
        return Err(Error::conflict(
            "association_exists",
            "the community already has an association of that name",
        ));
    }
    let row = AssociationRow {
        id: Id(id),
        community_id: Id(actor.community_id),
        name: d.name.to_string(),
        kind: Stored(d.kind),
        description: d.description.to_string(),
        created_by: Id(actor.user_id),
        created_at: now(),
    };
    store::insert_association(conn, &row)?;
    for l in d.leaders {
        join(conn, actor, &row, *l, MemberRole::Leader)?;
    }
    Ok(row)
}

fn join(
    conn: &mut AnyConnection,
    actor: &Actor,
    a: &AssociationRow,
    user: Uuid,
    role: MemberRole,
) -> Result<()> {
    crate::residents::of_community(conn, actor.community_id, user)?;
    let added = store::add_member(
        conn,
        &MemberRow {
            association_id: a.id,
            user_id: Id(user),
            community_id: a.community_id,
            role: Stored(role),
            created_at: now(),
        },
    )?;
    if !added {
        return Err(Error::conflict(
            "already_member",
            "this person already belongs to the association",
        ));
    }
    Ok(())
}

/// Whether the actor leads the association.
pub fn leads(conn: &mut AnyConnection, actor: &Actor, association: Uuid) -> Result<bool> {
    Ok(store::member(conn, association, actor.user_id)?
        .is_some_and(|m| m.role.get() == MemberRole::Leader))
}

/// Staff, or a leader of this association; anyone else 403.
fn require_leader(conn: &mut AnyConnection, actor: &Actor, association: Uuid) -> Result<()> {
    if actor.has_any(&ORGANISERS) || leads(conn, actor, association)? {
        return Ok(());
    }
    Err(Error::forbidden(
        "not_leader",
        "only the association's leaders or staff may do this",
    ))
}

/// A leader adds members; staff add members and leaders.
pub fn add_member(
    conn: &mut AnyConnection,
    actor: &Actor,
    association: Uuid,
    user: Uuid,
    role: MemberRole,
) -> Result<AssociationRow> {
    let a = found(conn, actor.community_id, association)?;
    require_leader(conn, actor, association)?;
    if role == MemberRole::Leader && !actor.has_any(&ORGANISERS) {
        return Err(Error::forbidden(
            "forbidden_role",
            "staff appoint an association's leaders",
        ));
    }
    join(conn, actor, &a, user, role)?;
    Ok(a)
}

/// A session of the timetable as a leader plans it, repeated weekly.
#[derive(Debug, Clone)]
pub struct SessionDraft {
    pub title: String,
    pub room_id: Uuid,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub weeks: u32,
}

/// A leader or staff put sessions on the timetable, one a week: all of them, or none if the room
/// is taken at any of the times (by a project's session or another association's).
pub fn schedule(
    conn: &mut AnyConnection,
    actor: &Actor,
    association: Uuid,
    s: SessionDraft,
) -> Result<Vec<SessionRow>> {
    let a = found(conn, actor.community_id, association)?;
    require_leader(conn, actor, association)?;
    let spans = domain::weekly(s.starts_at, s.ends_at, s.weeks)?;
    crate::projects::book_room(conn, actor.community_id, s.room_id, &spans)?;
    let at = now();
    let rows = spans
        .into_iter()
        .map(|(starts_at, ends_at)| {
            Ok(SessionRow {
                id: Id(new_id()),
                community_id: a.community_id,
                association_id: a.id,
                title: s.title.clone(),
                room_id: Id(s.room_id),
                starts_at,
                ends_at,
                checkin_secret: crate::projects::checkin_secret()?,
                created_by: Id(actor.user_id),
                created_at: at,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    store::insert_sessions(conn, &rows)?;
    Ok(rows)
}

pub fn session(conn: &mut AnyConnection, community: Uuid, id: Uuid) -> Result<SessionRow> {
    store::session(conn, community, id)?.ok_or_else(|| Error::not_found("association session"))
}

/// How a roll went: who was counted now, who had been already.
#[derive(Debug, Clone, Default)]
pub struct Roll {
    pub counted: Vec<Uuid>,
    pub already: Vec<Uuid>,
}

fn groups_of(
    conn: &mut AnyConnection,
    users: &[Uuid],
) -> Result<HashMap<Uuid, canglong_needs::TargetGroup>> {
    let mut out = HashMap::new();
    for (u, tags) in residents::tags_of(conn, users)? {
        let names: Vec<String> = serde_json::from_str(&tags)
            .map_err(|e| Error::bug(format!("a resident's tags: {e}")))?;
        let tags: Vec<ResidentTag> = names.iter().filter_map(|t| ResidentTag::parse(t)).collect();
        out.insert(u.0, domain::group_of(&tags));
    }
    Ok(out)
}

fn count(
    conn: &mut AnyConnection,
    actor: &Actor,
    s: &SessionRow,
    users: &[Uuid],
    method: AttendanceMethod,
) -> Result<Roll> {
    let groups = groups_of(conn, users)?;
    let mut roll = Roll::default();
    for u in users {
        let row = AttendanceRow {
            session_id: s.id,
            user_id: Id(*u),
            community_id: s.community_id,
            target_group: Stored(
                groups
                    .get(u)
                    .copied()
                    .unwrap_or(canglong_needs::TargetGroup::General),
            ),
            method: Stored(method),
            recorded_by: Id(actor.user_id),
            created_at: now(),
        };
        if store::attend(conn, &row)? {
            roll.counted.push(*u);
        } else {
            roll.already.push(*u);
        }
    }
    Ok(roll)
}

/// The leader's roll (or staff's): the people present, each counted once per session, from half
/// an hour before the start until a day after the end (a roll kept on paper is entered later).
pub fn take_roll(
    conn: &mut AnyConnection,
    actor: &Actor,
    session: Uuid,
    users: &[Uuid],
) -> Result<Roll> {
    let s = self::session(conn, actor.community_id, session)?;
    require_leader(conn, actor, s.association_id.0)?;
    let at = now();
    if let Err(e) = checkin_open(s.starts_at, s.ends_at + chrono::Duration::days(1), at) {
        return Err(e.into());
    }
    let mut unique = users.to_vec();
    unique.sort_unstable();
    unique.dedup();
    for u in &unique {
        crate::residents::of_community(conn, actor.community_id, *u)?;
    }
    count(conn, actor, &s, &unique, AttendanceMethod::Roll)
}

/// A member checks themselves in with the code shown at the door, during the session.
pub fn check_in(
    conn: &mut AnyConnection,
    actor: &Actor,
    session: Uuid,
    code: &str,
) -> Result<Roll> {
    let s = self::session(conn, actor.community_id, session)?;
    if store::member(conn, s.association_id.0, actor.user_id)?.is_none() {
        return Err(Error::forbidden(
            "not_member",
            "members check in with the code; others are counted on the leader's roll",
        ));
    }
    let at = now();
    checkin_open(s.starts_at, s.ends_at, at)?;
    if !checkin_valid(&s.checkin_secret, code.trim(), at) {
        return Err(Error::unprocessable(
            "invalid_code",
            "the code is wrong or has expired; read the one at the door",
        ));
    }
    let roll = count(conn, actor, &s, &[actor.user_id], AttendanceMethod::Code)?;
    if roll.counted.is_empty() {
        return Err(Error::conflict(
            "already_checked_in",
            "you have already checked in",
        ));
    }
    Ok(roll)
}

/// A leader or staff: the code to show at the door now, and when it is replaced.
pub fn door_code(
    conn: &mut AnyConnection,
    actor: &Actor,
    session: Uuid,
) -> Result<(String, NaiveDateTime)> {
    let s = self::session(conn, actor.community_id, session)?;
    require_leader(conn, actor, s.association_id.0)?;
    let at = now();
    Ok((
        canglong_activities::checkin_code(&s.checkin_secret, at),
        canglong_activities::code_expires(at),
    ))
}
