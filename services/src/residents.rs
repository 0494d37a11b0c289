//! The residents directory: people registered by staff or a building head without a phone, with
//! their consent recorded; the one-time code that later attaches a WeChat account (the
//! resident's own, or a family member's as a proxy); and the family proxy links (亲情代理).

use canglong_core::{Actor, NaiveDateTime, Role, Uuid, new_id, now};
use canglong_people::{ConsentMethod, RelativeStatus, ResidentTag};
use canglong_persistence::residents::{self as store, BindingRow, Entry, RelativeRow, ResidentRow};
use canglong_persistence::{AnyConnection, Id, Stored, needs as need_store, people, volunteers};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

/// Whose residents a caller reaches: staff the whole community, a building head their own
/// buildings, anyone else nobody.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reach {
    Community,
    Buildings(Vec<Uuid>),
    Nobody,
}

impl Reach {
    pub fn covers(&self, building: Option<Uuid>) -> bool {
        match self {
            Reach::Community => true,
            Reach::Buildings(own) => building.is_some_and(|b| own.contains(&b)),
            Reach::Nobody => false,
        }
    }
    /// The buildings a search is limited to (`None`: no limit).
    pub fn within(&self) -> Option<Vec<Uuid>> {
        match self {
            Reach::Community => None,
            Reach::Buildings(own) => Some(own.clone()),
            Reach::Nobody => Some(vec![]),
        }
    }
}

pub fn reach(conn: &mut AnyConnection, actor: &Actor) -> Result<Reach> {
    if actor.is_staff() {
        Ok(Reach::Community)
    } else if actor.has(Role::BuildingHead) {
        Ok(Reach::Buildings(store::headed_by(conn, actor.user_id)?))
    } else {
        Ok(Reach::Nobody)
    }
}

/// A person of the community, or 422 `unknown_resident`.
pub fn of_community(
    conn: &mut AnyConnection,
    community: Uuid,
    person: Uuid,
) -> Result<people::UserRow> {
    people::find_user(conn, person)?
        .filter(|u| u.community_id.0 == community && u.erased_at.is_none())
        .ok_or_else(|| {
            Error::unprocessable("unknown_resident", "no such resident in this community")
        })
}

/// A directory entry the caller may see (staff; the head of its building), else 404.
pub fn visible(conn: &mut AnyConnection, actor: &Actor, id: Uuid) -> Result<Entry> {
    let reach = reach(conn, actor)?;
    store::resident(conn, actor.community_id, id)?
        .filter(|e| reach.covers(e.row.building_id.map(|b| b.0)))
        .ok_or_else(|| Error::not_found("resident"))
}

/// Who consented to the registration, and how.
#[derive(Debug, Clone)]
pub struct Consent {
    pub method: ConsentMethod,
    /// The resident, or the guardian who signed for them.
    pub given_by: String,
}

#[derive(Debug, Clone)]
pub struct Registration {
    pub name: String,
    pub building_id: Option<Uuid>,
    pub unit: String,
    pub room: String,
    pub phone: Option<String>,
    pub tags: Vec<ResidentTag>,
    pub consent: Consent,
}

/// Register a resident without the app: an account that cannot sign in until it is bound,
/// the resident role, and the directory entry with the consent. A building head registers in
/// their own buildings only.
pub fn register(conn: &mut AnyConnection, actor: &Actor, r: Registration) -> Result<Entry> {
    let reach = reach(conn, actor)?;
    if reach == Reach::Nobody {
        return Err(Error::forbidden(
            "forbidden_role",
            "requires staff or a building head",
        ));
    }
    if let Some(b) = r.building_id {
        store::building(conn, actor.community_id, b)?
            .ok_or_else(|| Error::unprocessable("unknown_building", "no such building here"))?;
    }
    if !reach.covers(r.building_id) {
        return Err(Error::forbidden(
            "not_your_building",
            "a building head registers residents of their own buildings",
        ));
    }
    if let Some(p) = &r.phone {
        canglong_people::check_phone(p)?;
    }
    let mut tags: Vec<&str> = r.tags.iter().map(|t| t.as_str()).collect();
    tags.sort_unstable();
    tags.dedup();
    let user = people::insert_user(
        conn,
        &people::NewUser {
            community_id: actor.community_id,
            nickname: r.name.clone(),
            ..Default::default()
        },
    )?;
    people::grant_role(conn, user.id.0, actor.community_id, Role::Resident.as_str())?;
    let at = now();
    let row = ResidentRow {
        id: user.id,
        community_id: Id(actor.community_id),
        user_id: user.id,
        building_id: r.building_id.map(Id),
        unit: r.unit,
        room: r.room,
        phone: r.phone,
        tags: canglong_persistence::to_json_text(&tags),
        consent_method: Stored(r.consent.method),
        consent_by: r.consent.given_by,
        consent_recorded_by: Id(actor.user_id),
        consent_at: at,
        created_at: at,
    };
    store::insert_resident(conn, &row)?;
    Ok(Entry { row, name: r.name })
}

fn hash(code: &str) -> String {
    format!("{:x}", Sha256::digest(code.as_bytes()))
}

/// Staff issue a one-time binding code for a registered resident (valid a week); only its
/// hash is kept.
pub fn binding_code(
    conn: &mut AnyConnection,
    actor: &Actor,
    resident: Uuid,
) -> Result<(String, NaiveDateTime)> {
    actor.require_staff()?;
    store::resident(conn, actor.community_id, resident)?
        .ok_or_else(|| Error::not_found("resident"))?;
    let code = crate::alliance::random_code()?;
    let expires_at = canglong_people::binding_expiry(now());
    store::insert_binding(
        conn,
        &BindingRow {
            code_hash: hash(&canglong_alliance::normalize_code(&code)),
            community_id: Id(actor.community_id),
            resident_id: Id(resident),
            created_by: Id(actor.user_id),
            expires_at,
            used_at: None,
            used_by: None,
        },
    )?;
    Ok((code, expires_at))
}

/// What a binding did.
#[derive(Debug, Clone)]
pub enum Bound {
    /// The caller's WeChat now signs in as the resident: sign in again.
    Account(Entry),
    /// The caller is the resident's confirmed family proxy.
    Proxy(RelativeRow, Entry),
}

/// Present a binding code. Without `relation`, the caller is the resident: their WeChat moves
/// onto the registered account (only from a fresh account with nothing of its own, which is
/// closed). With `relation`, the caller becomes the resident's family proxy, confirmed by the
/// staff who issued the code.
pub fn bind(
    conn: &mut AnyConnection,
    actor: &Actor,
    code: &str,
    relation: Option<&str>,
) -> Result<Bound> {
    let h = hash(&canglong_alliance::normalize_code(code));
    let b = store::lock_binding(conn, &h)?
        .filter(|b| b.community_id.0 == actor.community_id)
        .ok_or_else(|| Error::not_found("binding code"))?;
    canglong_people::binding_usable(b.expires_at, b.used_at, now())?;
    let entry = store::resident(conn, actor.community_id, b.resident_id.0)?
        .ok_or_else(|| Error::bug("a binding code's resident is missing"))?;
    if entry.row.user_id.0 == actor.user_id {
        return Err(Error::conflict(
            "already_bound",
            "this account is the resident's",
        ));
    }
    let bound = match relation {
        Some(relation) => {
            let link = link(
                conn,
                actor,
                entry.row.user_id.0,
                relation,
                Some(b.created_by.0),
            )?;
            Bound::Proxy(link, entry)
        }
        None => {
            let me = people::find_user(conn, actor.user_id)?
                .ok_or_else(|| Error::bug("the caller's account is missing"))?;
            let openid = me.wechat_openid.clone().ok_or_else(|| {
                Error::unprocessable("no_wechat", "sign in with WeChat to bind it")
            })?;
            let target = people::find_user(conn, entry.row.user_id.0)?
                .ok_or_else(|| Error::bug("a resident's account is missing"))?;
            if target.wechat_openid.is_some() {
                return Err(Error::conflict(
                    "already_bound",
                    "this resident already has WeChat attached",
                ));
            }
            if !fresh(conn, actor)? {
                return Err(Error::conflict(
                    "account_in_use",
                    "this WeChat account already has records of its own; ask staff to link it as family instead",
                ));
            }
            store::move_openid(conn, actor.user_id, entry.row.user_id.0, &openid)?;
            Bound::Account(entry)
        }
    };
    if !store::spend_binding(conn, &h, actor.user_id)? {
        return Err(Error::conflict(
            "binding_code_used",
            "this binding code was already used",
        ));
    }
    Ok(bound)
}

/// An account with nothing of its own: only the resident role, no need posted, no family link,
/// no volunteer profile, no points.
fn fresh(conn: &mut AnyConnection, actor: &Actor) -> Result<bool> {
    Ok(actor.roles == [Role::Resident]
        && !need_store::has_requested(conn, actor.user_id)?
        && store::links_of(conn, actor.user_id)?.is_empty()
        && volunteers::by_user(conn, actor.user_id)?.is_none()
        && canglong_persistence::ledger::account_of(
            conn,
            actor.community_id,
            canglong_ledger::AccountKind::Resident.as_str(),
            actor.user_id,
        )?
        .is_none_or(|a| a.balance == 0))
}

/// The caller asks to act for an elderly relative of the community. `confirmed_by` (staff who
/// vouched, e.g. by issuing a binding code) confirms it at once; otherwise it waits for the
/// relative or staff. A declined or ended link may be asked again.
pub fn link(
    conn: &mut AnyConnection,
    actor: &Actor,
    elder: Uuid,
    relation: &str,
    confirmed_by: Option<Uuid>,
) -> Result<RelativeRow> {
    if elder == actor.user_id {
        return Err(Error::unprocessable(
            "invalid_relative",
            "a person cannot be their own proxy",
        ));
    }
    of_community(conn, actor.community_id, elder)?;
    let status = if confirmed_by.is_some() {
        RelativeStatus::Confirmed
    } else {
        RelativeStatus::Pending
    };
    if let Some(existing) = store::relative_pair(conn, actor.user_id, elder)? {
        if matches!(
            existing.status.0,
            RelativeStatus::Pending | RelativeStatus::Confirmed
        ) && confirmed_by.is_none()
        {
            return Err(Error::conflict(
                "already_linked",
                "this link is already asked for or confirmed",
            ));
        }
        store::set_relative(
            conn,
            existing.id.0,
            RelativeStatus::Pending,
            None,
            Some(relation),
        )?;
        if status == RelativeStatus::Confirmed {
            store::set_relative(conn, existing.id.0, status, confirmed_by, None)?;
        }
        return store::relative_pair(conn, actor.user_id, elder)?
            .ok_or_else(|| Error::bug("a link just written is missing"));
    }
    let at = now();
    let row = RelativeRow {
        id: Id(new_id()),
        community_id: Id(actor.community_id),
        proxy_id: Id(actor.user_id),
        elder_id: Id(elder),
        relation: relation.into(),
        status: Stored(status),
        requested_at: at,
        decided_by: confirmed_by.map(Id),
        decided_at: confirmed_by.map(|_| at),
    };
    store::insert_relative(conn, &row)?;
    Ok(row)
}

/// The relative (or staff) confirms or declines a link; either side or staff ends a confirmed
/// one. Anyone else: the link does not exist.
pub fn decide_link(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: Uuid,
    confirm: bool,
) -> Result<RelativeRow> {
    let row = store::lock_relative(conn, actor.community_id, id)?
        .ok_or_else(|| Error::not_found("link"))?;
    let is_elder = row.elder_id.0 == actor.user_id;
    let is_proxy = row.proxy_id.0 == actor.user_id;
    if !(is_elder || is_proxy || actor.is_staff()) {
        return Err(Error::not_found("link"));
    }
    let to = match (row.status.0, confirm) {
        (RelativeStatus::Pending, true) if is_proxy && !actor.is_staff() => {
            return Err(Error::forbidden(
                "not_the_relative",
                "the relative or staff confirm a link, not the one who asked",
            ));
        }
        (RelativeStatus::Pending, true) => RelativeStatus::Confirmed,
        (RelativeStatus::Pending, false) => RelativeStatus::Declined,
        (_, false) => RelativeStatus::Ended,
        (_, true) => RelativeStatus::Confirmed,
    };
    let to = row.status.0.decide(to)?;
    store::set_relative(conn, id, to, Some(actor.user_id), None)?;
    store::lock_relative(conn, actor.community_id, id)?
        .ok_or_else(|| Error::bug("a link just written is missing"))
}

/// The people whose needs the caller sees without being staff or a volunteer: themself, the
/// relatives they act for, and (a building head) the residents of their buildings.
pub fn represented(conn: &mut AnyConnection, actor: &Actor) -> Result<Vec<Uuid>> {
    let mut people = vec![actor.user_id];
    people.extend(store::elders_of(conn, actor.user_id)?);
    if let Reach::Buildings(own) = reach(conn, actor)? {
        people.extend(store::living_in(conn, actor.community_id, &own)?);
    }
    Ok(people)
}

/// Whether the caller may act for `person`: the person themself, or their confirmed proxy.
pub fn acts_for(conn: &mut AnyConnection, actor: &Actor, person: Uuid) -> Result<bool> {
    Ok(person == actor.user_id || store::acts_for(conn, actor.user_id, person)?)
}
