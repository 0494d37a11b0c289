//! 1+N pairing (one social worker with N volunteers) and personal capability plans.

use canglong_core::{Actor, DomainError, NaiveDateTime, Role, Uuid, now};
use canglong_persistence::pairings::{self as store, PairingRow, PlanRow};
use canglong_persistence::volunteers::{self as volunteers, VolunteerRow};
use canglong_persistence::{AnyConnection, Id, people, to_json_text};
use canglong_volunteers::VolunteerStatus;

use crate::error::{Error, Result};

/// Pair a social worker with volunteers: a social worker pairs themself, an admin anyone. A
/// volunteer has at most one active pairing; pairing again with the same worker is a no-op.
pub fn pair(
    conn: &mut AnyConnection,
    actor: &Actor,
    social_worker_id: Uuid,
    volunteer_ids: &[Uuid],
) -> Result<Vec<PairingRow>> {
    actor.require(&[Role::SocialWorker, Role::CommunityAdmin])?;
    if !actor.has(Role::CommunityAdmin) && social_worker_id != actor.user_id {
        return Err(Error::forbidden(
            "not_yourself",
            "a social worker pairs volunteers with themself",
        ));
    }
    let worker_roles = people::find_user(conn, social_worker_id)?
        .filter(|u| u.community_id.0 == actor.community_id)
        .map(|u| people::roles_of(conn, u.id.0))
        .transpose()?
        .ok_or_else(|| {
            Error::unprocessable("unknown_social_worker", "no such social worker here")
        })?;
    if !worker_roles
        .iter()
        .any(|r| r == Role::SocialWorker.as_str())
    {
        return Err(Error::unprocessable(
            "unknown_social_worker",
            "that person is not a social worker",
        ));
    }
    let mut items = vec![];
    for v in volunteer_ids {
        let row = volunteers::get(conn, actor.community_id, *v)?
            .ok_or_else(crate::volunteers::unknown_volunteer)?;
        if row.status.0 != VolunteerStatus::Active {
            return Err(Error::unprocessable(
                "volunteer_not_active",
                "only active volunteers are paired",
            ));
        }
        match store::active_for(conn, *v)? {
            Some(existing) if existing.social_worker_id.0 == social_worker_id => {
                items.push(existing)
            }
            Some(_) => {
                return Err(Error::conflict(
                    "already_paired",
                    "the volunteer is paired with another social worker",
                ));
            }
            None => items.push(store::insert(
                conn,
                actor.community_id,
                social_worker_id,
                *v,
            )?),
        }
    }
    Ok(items)
}

/// Who may read a volunteer's plans: the volunteer and staff; to others they do not exist.
pub fn visible(conn: &mut AnyConnection, actor: &Actor, id: Uuid) -> Result<VolunteerRow> {
    let v = volunteers::get(conn, actor.community_id, id)?
        .ok_or_else(|| Error::not_found("volunteer"))?;
    if v.user_id.0 == actor.user_id || actor.is_staff() {
        Ok(v)
    } else {
        Err(Error::not_found("volunteer"))
    }
}

/// Who may write a volunteer's plan: the paired social worker, or an admin.
fn may_write(conn: &mut AnyConnection, actor: &Actor, v: &VolunteerRow) -> Result<()> {
    if actor.has(Role::CommunityAdmin) {
        return Ok(());
    }
    let paired =
        store::active_for(conn, v.id.0)?.is_some_and(|p| p.social_worker_id.0 == actor.user_id);
    if actor.has(Role::SocialWorker) && paired {
        Ok(())
    } else {
        Err(DomainError::forbidden(
            "not_paired",
            "only the paired social worker or an admin writes this plan",
        )
        .into())
    }
}

/// What a capability plan sets out: goals, trainings to take, a target date.
#[derive(Debug, Clone)]
pub struct PlanDraft {
    pub goals: String,
    pub trainings: Vec<String>,
    pub target_date: NaiveDateTime,
}

/// The paired social worker (or an admin) writes a plan; answers the volunteer.
pub fn create_plan(
    conn: &mut AnyConnection,
    actor: &Actor,
    volunteer: Uuid,
    p: PlanDraft,
) -> Result<VolunteerRow> {
    let v = visible(conn, actor, volunteer)?;
    may_write(conn, actor, &v)?;
    let at = now();
    store::insert_plan(
        conn,
        &PlanRow {
            id: Id(canglong_core::new_id()),
            community_id: v.community_id,
            volunteer_id: v.id,
            author_id: Id(actor.user_id),
            goals: p.goals,
            trainings: to_json_text(&p.trainings),
            target_date: p.target_date,
            progress: 0,
            created_at: at,
            updated_at: at,
        },
    )?;
    Ok(v)
}

/// The paired social worker notes progress on a plan; answers the volunteer.
pub fn add_note(
    conn: &mut AnyConnection,
    actor: &Actor,
    volunteer: Uuid,
    plan: Uuid,
    note: &str,
    progress: i32,
) -> Result<VolunteerRow> {
    let v = visible(conn, actor, volunteer)?;
    may_write(conn, actor, &v)?;
    let plan = store::plans_of(conn, v.id.0)?
        .into_iter()
        .find(|p| p.id.0 == plan)
        .ok_or_else(|| Error::not_found("plan"))?;
    store::add_note(conn, &plan, actor.user_id, note, progress)?;
    Ok(v)
}
