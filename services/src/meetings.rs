//! Deliberation meetings (议事会): staff call a bench meeting of a building or cluster, or a hall
//! meeting of the community, with accepted topics on the agenda; the residents of the scope are
//! invited and register; staff check people in at the door; the minutes say what became of each
//! topic and stand once more than half of those present have confirmed them.

use std::collections::HashSet;

use canglong_core::notice::NoticeKind;
use canglong_core::{Actor, NaiveDateTime, Role, Uuid, new_id};
use canglong_governance::meetings::{self as domain, MeetingKind};
use canglong_governance::scope::{Scope, ScopeLevel};
use canglong_governance::topics::{self as topics_domain, MinuteOutcome, TopicStep};
use canglong_persistence::meetings::{self as store, AgendaRow, MeetingRow, PersonRow};
use canglong_persistence::{AnyConnection, Id, Stored, notifications, people, polls as homes};

use crate::ORGANISERS;
use crate::error::{Error, Result};
use crate::{scopes, topics};

pub fn found(conn: &mut AnyConnection, community: Uuid, id: Uuid) -> Result<MeetingRow> {
    store::meeting(conn, community, id)?.ok_or_else(|| Error::not_found("meeting"))
}

fn locked(conn: &mut AnyConnection, community: Uuid, id: Uuid) -> Result<MeetingRow> {
    store::lock(conn, community, id)?.ok_or_else(|| Error::not_found("meeting"))
}

pub fn scope_of(m: &MeetingRow) -> Result<Scope> {
    scopes::stored(
        m.scope.get(),
        m.building_id.map(|b| b.0),
        m.cluster.as_deref(),
    )
}

/// A meeting as staff call it.
#[derive(Debug, Clone)]
pub struct Draft {
    pub kind: MeetingKind,
    pub title: String,
    pub starts_at: NaiveDateTime,
    pub place: String,
    pub level: ScopeLevel,
    pub building: Option<Uuid>,
    pub cluster: Option<String>,
    pub topics: Vec<Uuid>,
}

/// Staff call a meeting: its accepted topics of the scope go on the agenda, and the residents
/// of the scope are invited.
pub fn create(
    conn: &mut AnyConnection,
    actor: &Actor,
    d: Draft,
    at: NaiveDateTime,
) -> Result<MeetingRow> {
    actor.require(&ORGANISERS)?;
    let community = actor.community_id;
    let scope = scopes::scope(conn, community, d.level, d.building, d.cluster.as_deref())?;
    domain::check_kind(d.kind, d.level)?;
    if d.starts_at <= at {
        return Err(Error::unprocessable(
            "invalid_time",
            "a meeting is called ahead of its start",
        ));
    }
    let distinct: HashSet<Uuid> = d.topics.iter().copied().collect();
    if distinct.len() != d.topics.len() {
        return Err(Error::unprocessable(
            "invalid_agenda",
            "each topic once on the agenda",
        ));
    }
    let row = MeetingRow {
        id: Id(new_id()),
        community_id: Id(community),
        kind: Stored(d.kind),
        title: d.title,
        starts_at: d.starts_at,
        place: d.place,
        scope: Stored(d.level),
        building_id: scope.building().map(Id),
        cluster: scope.cluster().map(str::to_owned),
        minutes: None,
        minuted_by: None,
        minuted_at: None,
        confirmed_at: None,
        created_by: Id(actor.user_id),
        created_at: at,
    };
    let mut agenda = Vec::new();
    let mut moved = Vec::new();
    for id in &d.topics {
        let t = topics::named(conn, community, *id, "unknown_topic")?;
        let to = topics_domain::schedule(t.status.get())?;
        let inner = topics::scope_of(&t)?;
        if !scopes::covers(conn, community, &scope, &inner)? {
            return Err(Error::unprocessable(
                "outside_scope",
                "a meeting takes topics of its own building, cluster or community",
            ));
        }
        agenda.push(AgendaRow {
            meeting_id: row.id,
            topic_id: t.id,
            community_id: Id(community),
            outcome: None,
            note: None,
        });
        moved.push((t, to));
    }
    store::insert(conn, &row, &agenda)?;
    for (mut t, to) in moved {
        topics::advance(
            conn,
            &mut t,
            to,
            TopicStep::Scheduled,
            Some(actor.user_id),
            &row.title,
            at,
        )?;
    }
    let body = format!("{}，{}", row.title, row.place);
    for h in homes::homes(conn, community)? {
        if scope.contains(Some(&h)) {
            notifications::notify(
                conn,
                community,
                h.user,
                NoticeKind::MeetingInvited,
                "议事会邀请",
                &body,
            )?;
        }
    }
    Ok(row)
}

/// A resident of the scope registers before the start, once.
pub fn register(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: Uuid,
    at: NaiveDateTime,
) -> Result<MeetingRow> {
    let m = locked(conn, actor.community_id, id)?;
    scopes::require_inside(conn, actor, &scope_of(&m)?)?;
    domain::may_register(m.starts_at, at)?;
    let existing = store::person(conn, id, actor.user_id)?;
    if existing.as_ref().is_some_and(|p| p.registered_at.is_some()) {
        return Err(Error::conflict(
            "already_registered",
            "you are already registered",
        ));
    }
    let mut p = existing.clone().unwrap_or_else(|| blank(&m, actor.user_id));
    p.registered_at = Some(at);
    store::put_person(conn, &p, existing.is_none())?;
    Ok(m)
}

fn blank(m: &MeetingRow, user: Uuid) -> PersonRow {
    PersonRow {
        meeting_id: m.id,
        user_id: Id(user),
        community_id: m.community_id,
        registered_at: None,
        checked_in_at: None,
        checked_in_by: None,
        confirmed_at: None,
    }
}

/// Staff check people in at the door (registered or not: the door is open to the scope's
/// residents and to the elder without the app). A roll sent again adds no one twice.
pub fn check_in(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: Uuid,
    users: &[Uuid],
    at: NaiveDateTime,
) -> Result<MeetingRow> {
    actor.require(&ORGANISERS)?;
    let m = locked(conn, actor.community_id, id)?;
    domain::may_check_in(m.starts_at, at)?;
    for u in users {
        people::find_user(conn, *u)?
            .filter(|x| x.community_id.0 == actor.community_id)
            .ok_or_else(|| Error::unprocessable("unknown_person", "no such person here"))?;
        let existing = store::person(conn, id, *u)?;
        if existing.as_ref().is_some_and(|p| p.checked_in_at.is_some()) {
            continue;
        }
        let mut p = existing.clone().unwrap_or_else(|| blank(&m, *u));
        p.checked_in_at = Some(at);
        p.checked_in_by = Some(Id(actor.user_id));
        store::put_person(conn, &p, existing.is_none())?;
    }
    Ok(m)
}

/// What the minutes say of one topic on the agenda.
#[derive(Debug, Clone)]
pub struct Minute {
    pub topic: Uuid,
    pub outcome: MinuteOutcome,
    pub note: String,
}

/// Staff record the minutes once the meeting has started, once: a summary and an outcome for
/// every topic on the agenda.
pub fn minutes(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: Uuid,
    summary: &str,
    decisions: &[Minute],
    at: NaiveDateTime,
) -> Result<MeetingRow> {
    actor.require(&ORGANISERS)?;
    let mut m = locked(conn, actor.community_id, id)?;
    domain::may_minute(m.starts_at, m.minutes.is_some(), at)?;
    let agenda: HashSet<Uuid> = store::agenda(conn, id)?
        .iter()
        .map(|(a, _)| a.topic_id.0)
        .collect();
    let named: HashSet<Uuid> = decisions.iter().map(|d| d.topic).collect();
    if named != agenda || named.len() != decisions.len() {
        return Err(Error::unprocessable(
            "invalid_minutes",
            "the minutes give one outcome for each topic on the agenda",
        ));
    }
    for d in decisions {
        let mut t = topics::locked(conn, actor.community_id, d.topic)?;
        let to = topics_domain::minute(t.status.get(), d.outcome)?;
        store::minute(conn, id, d.topic, d.outcome, &d.note)?;
        topics::advance(
            conn,
            &mut t,
            to,
            TopicStep::Deliberated,
            Some(actor.user_id),
            &d.note,
            at,
        )?;
    }
    m.minutes = Some(summary.to_owned());
    m.minuted_by = Some(Id(actor.user_id));
    m.minuted_at = Some(at);
    store::save(conn, &m)?;
    Ok(m)
}

/// A participant who was checked in confirms the minutes, once.
pub fn confirm(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: Uuid,
    at: NaiveDateTime,
) -> Result<MeetingRow> {
    actor.require(&[Role::Resident])?;
    let mut m = locked(conn, actor.community_id, id)?;
    if m.minutes.is_none() {
        return Err(Error::unprocessable(
            "no_minutes",
            "the minutes are not recorded yet",
        ));
    }
    let mut p = store::person(conn, id, actor.user_id)?
        .filter(|p| p.checked_in_at.is_some())
        .ok_or_else(|| {
            Error::forbidden("not_present", "the minutes are confirmed by those present")
        })?;
    if p.confirmed_at.is_some() {
        return Err(Error::conflict(
            "already_confirmed",
            "you have already confirmed the minutes",
        ));
    }
    p.confirmed_at = Some(at);
    store::put_person(conn, &p, false)?;
    let people = store::people(conn, id)?;
    let present = people.iter().filter(|p| p.checked_in_at.is_some()).count() as i64;
    let confirmations = people.iter().filter(|p| p.confirmed_at.is_some()).count() as i64;
    if m.confirmed_at.is_none() && domain::confirmed(confirmations, present) {
        m.confirmed_at = Some(at);
        store::save(conn, &m)?;
    }
    Ok(m)
}
