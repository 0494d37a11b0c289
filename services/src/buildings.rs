//! Buildings and their heads (楼栋长), the heads' outreach visits, and dispute mediation cases
//! (kept confidential: the head who opened a case or heads its building, social workers and
//! admins see it; to anyone else it does not exist).

use canglong_core::{Actor, NaiveDateTime, Role, Uuid, new_id, now};
use canglong_people::MediationStatus;
use canglong_persistence::residents::{
    self as store, BuildingRow, MediationRow, MediationSessionRow, OutreachRow,
};
use canglong_persistence::{AnyConnection, Id, Stored, people};

use crate::error::{Error, Result};
use crate::residents::{Reach, reach};

/// Community admin: a building (楼栋), in an estate cluster (组团) if the community has them.
pub fn create(
    conn: &mut AnyConnection,
    actor: &Actor,
    name: &str,
    cluster: &str,
) -> Result<BuildingRow> {
    actor.require(&[Role::CommunityAdmin])?;
    if store::building_named(conn, actor.community_id, name)?.is_some() {
        return Err(Error::conflict(
            "building_exists",
            "the community already has a building of that name",
        ));
    }
    Ok(store::insert_building(
        conn,
        actor.community_id,
        name,
        cluster,
    )?)
}

/// Community admin: make a person of the community a head of a building; they hold the
/// `building_head` role from their next request.
pub fn add_head(
    conn: &mut AnyConnection,
    actor: &Actor,
    building: Uuid,
    user: Uuid,
    party_member: bool,
) -> Result<BuildingRow> {
    actor.require(&[Role::CommunityAdmin])?;
    let b = store::building(conn, actor.community_id, building)?
        .ok_or_else(|| Error::not_found("building"))?;
    crate::residents::of_community(conn, actor.community_id, user)?;
    if !store::add_head(conn, actor.community_id, building, user, party_member)? {
        return Err(Error::conflict(
            "already_head",
            "this person already heads the building",
        ));
    }
    people::grant_role(conn, user, actor.community_id, Role::BuildingHead.as_str())?;
    Ok(b)
}

/// An outreach visit (入户走访) as a head records it.
#[derive(Debug, Clone)]
pub struct Visit {
    pub building_id: Uuid,
    pub resident_id: Option<Uuid>,
    pub household: String,
    pub topic: String,
    pub note: String,
    pub visited_at: Option<NaiveDateTime>,
}

/// A building head (own buildings) or staff records an outreach visit; a visit to a registered
/// resident counts in their care.
pub fn record_outreach(conn: &mut AnyConnection, actor: &Actor, v: Visit) -> Result<OutreachRow> {
    let reach = reach(conn, actor)?;
    store::building(conn, actor.community_id, v.building_id)?
        .ok_or_else(|| Error::unprocessable("unknown_building", "no such building here"))?;
    if !reach.covers(Some(v.building_id)) {
        return Err(Error::forbidden(
            "not_your_building",
            "a building head records visits in their own buildings",
        ));
    }
    if let Some(r) = v.resident_id {
        let e = store::resident(conn, actor.community_id, r)?
            .ok_or_else(|| Error::unprocessable("unknown_resident", "no such resident here"))?;
        if e.row.building_id.map(|b| b.0) != Some(v.building_id) {
            return Err(Error::unprocessable(
                "unknown_resident",
                "the resident does not live in this building",
            ));
        }
    }
    let at = now();
    let visited_at = v.visited_at.unwrap_or(at);
    if visited_at > at + chrono::Duration::minutes(5) {
        return Err(Error::unprocessable(
            "invalid_span",
            "a visit cannot be in the future",
        ));
    }
    let row = OutreachRow {
        id: Id(new_id()),
        community_id: Id(actor.community_id),
        building_id: Id(v.building_id),
        resident_id: v.resident_id.map(Id),
        household: v.household,
        topic: v.topic,
        note: v.note,
        visited_at,
        recorded_by: Id(actor.user_id),
        created_at: at,
    };
    store::insert_outreach(conn, &row)?;
    Ok(row)
}

/// Staff who handle mediation: social workers and admins (the subdistrict's included).
fn mediation_staff(actor: &Actor) -> bool {
    actor.has_any(&[
        Role::SocialWorker,
        Role::CommunityAdmin,
        Role::SubdistrictAdmin,
    ])
}

/// Whether the caller may see a case: mediation staff, the head who opened it, a head of its
/// building.
pub fn may_see_case(conn: &mut AnyConnection, actor: &Actor, m: &MediationRow) -> Result<bool> {
    if mediation_staff(actor) || m.opened_by.0 == actor.user_id {
        return Ok(true);
    }
    Ok(match reach(conn, actor)? {
        Reach::Buildings(own) => m.building_id.is_some_and(|b| own.contains(&b.0)),
        _ => false,
    })
}

/// A case the caller may see, locked for a change; 404 otherwise.
fn case(conn: &mut AnyConnection, actor: &Actor, id: Uuid) -> Result<MediationRow> {
    let m = store::lock_mediation(conn, actor.community_id, id)?
        .ok_or_else(|| Error::not_found("mediation"))?;
    if may_see_case(conn, actor, &m)? {
        Ok(m)
    } else {
        Err(Error::not_found("mediation"))
    }
}

/// A building head (in their buildings) or a social worker opens a case between parties.
pub fn open_case(
    conn: &mut AnyConnection,
    actor: &Actor,
    building: Option<Uuid>,
    title: &str,
    parties: &[String],
) -> Result<MediationRow> {
    let reach = reach(conn, actor)?;
    if !(mediation_staff(actor) || actor.has(Role::BuildingHead)) {
        return Err(Error::forbidden(
            "forbidden_role",
            "requires a building head or a social worker",
        ));
    }
    if let Some(b) = building {
        store::building(conn, actor.community_id, b)?
            .ok_or_else(|| Error::unprocessable("unknown_building", "no such building here"))?;
    }
    if !mediation_staff(actor) && !reach.covers(building) {
        return Err(Error::forbidden(
            "not_your_building",
            "a building head mediates in their own buildings",
        ));
    }
    let row = MediationRow {
        id: Id(new_id()),
        community_id: Id(actor.community_id),
        building_id: building.map(Id),
        title: title.into(),
        parties: canglong_persistence::to_json_text(&parties),
        status: Stored(MediationStatus::Open),
        opened_by: Id(actor.user_id),
        agreement: None,
        follow_up_at: None,
        agreed_at: None,
        created_at: now(),
    };
    store::insert_mediation(conn, &row)?;
    Ok(row)
}

/// A session of an open case: when it was held and what was said.
pub fn hold_session(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: Uuid,
    held_at: Option<NaiveDateTime>,
    note: &str,
) -> Result<MediationSessionRow> {
    let m = case(conn, actor, id)?;
    if m.status.0 != MediationStatus::Open {
        return Err(Error::unprocessable(
            "invalid_transition",
            "sessions are held while a case is open",
        ));
    }
    let at = now();
    let row = MediationSessionRow {
        id: Id(new_id()),
        mediation_id: m.id,
        community_id: m.community_id,
        held_at: held_at.unwrap_or(at),
        note: note.into(),
        recorded_by: Id(actor.user_id),
        created_at: at,
    };
    store::insert_mediation_session(conn, &row)?;
    Ok(row)
}

/// The parties' agreement (调解协议), with the date of the follow-up visit; or, given no
/// agreement, the case closed after its follow-up.
pub fn settle(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: Uuid,
    agreement: Option<&str>,
    follow_up_at: Option<NaiveDateTime>,
) -> Result<MediationRow> {
    let m = case(conn, actor, id)?;
    let to = match agreement {
        Some(_) => MediationStatus::Agreed,
        None => MediationStatus::Closed,
    };
    let to = m.status.0.advance(to)?;
    let agreement = agreement.map(str::to_owned).or(m.agreement.clone());
    let follow_up_at = follow_up_at.or(m.follow_up_at);
    store::settle_mediation(conn, id, to, agreement.as_deref(), follow_up_at)?;
    store::mediation(conn, actor.community_id, id)?
        .ok_or_else(|| Error::bug("a case just written is missing"))
}
