//! Volunteer applications, a community admin's decisions, and the community's skill list.

use canglong_core::notice::NoticeKind;
use canglong_core::{Actor, Role, Uuid};
use canglong_persistence::volunteers::{self as store, TeamRow, VolunteerRow};
use canglong_persistence::{
    AnyConnection, is_unique_violation, notifications, people, to_json_text,
};
use canglong_volunteers::{Availability, VolunteerStatus, check_tags};

use crate::error::{Error, Result};

/// What a resident asks to volunteer with.
#[derive(Debug, Clone)]
pub struct Application {
    pub skills: Vec<String>,
    pub availability: Availability,
    pub places: Vec<String>,
    pub team_ids: Vec<Uuid>,
}

/// Apply (or apply again after a rejection); the profile waits for an admin's decision.
pub fn apply(conn: &mut AnyConnection, actor: &Actor, a: Application) -> Result<VolunteerRow> {
    check_tags(&a.skills, "skills")?;
    check_tags(&a.places, "places")?;
    a.availability.validate()?;
    let mut teams = a.team_ids;
    teams.sort();
    teams.dedup();
    if store::count_teams_in(conn, actor.community_id, &teams)? != teams.len() as i64 {
        return Err(Error::unprocessable(
            "unknown_team",
            "a team id is not a team of this community",
        ));
    }
    let known = store::skills(conn, actor.community_id)?;
    if let Some(bad) = a
        .skills
        .iter()
        .find(|s| !known.is_empty() && !known.contains(s))
    {
        return Err(Error::unprocessable(
            "unknown_skill",
            format!("`{bad}` is not on the community's skill list"),
        ));
    }
    let app = store::Application {
        skills: to_json_text(&a.skills),
        availability: to_json_text(&a.availability),
        places: to_json_text(&a.places),
    };
    let (id, before) = match store::by_user(conn, actor.user_id)? {
        Some(existing) => {
            existing.status.0.may_reapply()?;
            store::reapply(conn, existing.id.0, &app)?;
            (existing.id.0, Some(existing.status.0))
        }
        None => (
            store::insert(conn, actor.community_id, actor.user_id, &app)?,
            None,
        ),
    };
    store::join_teams(conn, actor.community_id, id, &teams)?;
    let row = reload(conn, actor.community_id, id)?;
    store::record_event(
        conn,
        &row,
        before,
        Some(actor.user_id),
        VolunteerStatus::Pending.as_str(),
        Some("applied"),
    )?;
    Ok(row)
}

/// Approve or reject an application, suspend or reinstate a volunteer. The volunteer role
/// follows the profile, so tokens minted from now on say it; the applicant is told.
pub fn decide(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: Uuid,
    approve: bool,
    reason: Option<&str>,
) -> Result<VolunteerRow> {
    let row =
        store::get(conn, actor.community_id, id)?.ok_or_else(|| Error::not_found("volunteer"))?;
    actor.require(&[Role::CommunityAdmin])?;
    let next = row.status.0.decide(approve)?;
    store::record_event(
        conn,
        &row,
        Some(row.status.0),
        Some(actor.user_id),
        next.as_str(),
        reason,
    )?;
    store::decide(conn, id, next.as_str(), actor.user_id, reason)?;
    if next == VolunteerStatus::Active {
        people::grant_role(
            conn,
            row.user_id.0,
            row.community_id.0,
            Role::Volunteer.as_str(),
        )?;
    } else {
        // A suspended volunteer's tokens end now, not when they expire, and their claims
        // not yet reported reopen.
        if people::revoke_role(conn, row.user_id.0, Role::Volunteer.as_str())? {
            people::bump_token_version(conn, row.user_id.0)?;
        }
        crate::needs::release_claims(conn, actor, row.id.0, row.user_id.0)?;
    }
    notifications::notify(
        conn,
        actor.community_id,
        row.user_id.0,
        NoticeKind::VolunteerDecided,
        "志愿者申请结果",
        &next.decision_notice(reason),
    )?;
    reload(conn, actor.community_id, id)
}

/// Add a skill to the community's list (applications choose from it once it has any).
pub fn add_skill(conn: &mut AnyConnection, community: Uuid, name: &str) -> Result<Vec<String>> {
    let name = name.trim();
    if store::skills(conn, community)?.iter().any(|s| s == name) {
        return Err(Error::conflict(
            "already_exists",
            "the skill is already on the list",
        ));
    }
    store::add_skill(conn, community, name)?;
    Ok(store::skills(conn, community)?)
}

/// A volunteer named in a body (not the path) that is not one of the community's.
pub(crate) fn unknown_volunteer() -> Error {
    Error::unprocessable(
        "unknown_volunteer",
        "a volunteer id is not a volunteer of this community",
    )
}

fn reload(conn: &mut AnyConnection, community: Uuid, id: Uuid) -> Result<VolunteerRow> {
    store::get(conn, community, id)?.ok_or_else(|| Error::bug("a row that must exist is missing"))
}

/// Create a team; its name is unique in the community.
pub fn create_team(
    conn: &mut AnyConnection,
    community: Uuid,
    name: &str,
    description: &str,
) -> Result<TeamRow> {
    store::insert_team(conn, community, name, description).map_err(|e| {
        if is_unique_violation(&e) {
            Error::conflict("already_exists", "a team of that name exists")
        } else {
            e.into()
        }
    })
}

/// Add a volunteer of the community to a team, or make them (or no longer) its leader.
pub fn set_member(
    conn: &mut AnyConnection,
    community: Uuid,
    team: Uuid,
    volunteer: Uuid,
    leader: bool,
) -> Result<TeamRow> {
    let t = store::team(conn, community, team)?.ok_or_else(|| Error::not_found("team"))?;
    store::get(conn, community, volunteer)?.ok_or_else(unknown_volunteer)?;
    store::set_member(conn, community, team, volunteer, leader)?;
    Ok(t)
}
