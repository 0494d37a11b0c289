//! The life of a need once posted: claim, withdraw, complete (a pending service record),
//! confirm, cancel, rate — with the five-star bonus tied to each verified record.

use canglong_core::notice::NoticeKind;
use canglong_core::{Actor, Uuid, now};
use canglong_ledger::{BonusKind, Transaction, TxKind};
use canglong_needs::{self as domain, ClaimStatus, ClaimView, NeedAction, NeedState, NeedStatus};
use canglong_persistence::needs::{self as store, ClaimRow, NeedRow, RatingRow};
use canglong_persistence::service_records::{self as records, ServiceRecordRow};
use canglong_persistence::{AnyConnection, Stored, notifications, volunteers};
use canglong_volunteers::{RecordStatus, VolunteerStatus};

use crate::error::{Error, Result};
use crate::ledger::{self, Entry};

pub fn state_of(row: &NeedRow) -> Result<NeedState> {
    Ok(NeedState {
        status: row.status.0,
        requester_id: row.requester_id.0,
        slots: row.slots,
        slots_taken: row.slots_taken,
        window_end: row.window_end,
    })
}

fn active_claims(rows: &[ClaimRow]) -> Vec<ClaimView> {
    rows.iter()
        .filter(|c| c.status.0 == ClaimStatus::Active)
        .map(|c| ClaimView {
            volunteer_user_id: c.user_id.0,
            completed: c.completed_at.is_some(),
        })
        .collect()
}

/// Only volunteers, staff, the requester (and their family proxy) and whoever posted it see a
/// need; to anyone else it does not exist.
pub fn may_see(conn: &mut AnyConnection, actor: &Actor, row: &NeedRow) -> Result<bool> {
    if may_act_for_requester(conn, actor, row)? {
        return Ok(true);
    }
    Ok(volunteers::by_user(conn, actor.user_id)?
        .is_some_and(|v| v.status.0 == VolunteerStatus::Active))
}

/// The requester, their confirmed family proxy, whoever posted for them (staff, a building
/// head), or any staff of the community.
fn may_act_for_requester(conn: &mut AnyConnection, actor: &Actor, row: &NeedRow) -> Result<bool> {
    Ok(actor.is_staff()
        || row.posted_by.0 == actor.user_id
        || crate::residents::acts_for(conn, actor, row.requester_id.0)?)
}

/// The caller's active volunteer profile id, or 403.
pub fn active_volunteer(conn: &mut AnyConnection, actor: &Actor) -> Result<Uuid> {
    match volunteers::by_user(conn, actor.user_id)? {
        Some(v)
            if v.status.0 == VolunteerStatus::Active && v.community_id.0 == actor.community_id =>
        {
            Ok(v.id.0)
        }
        Some(v) if v.status.0 == VolunteerStatus::Suspended => Err(Error::forbidden(
            "volunteer_suspended",
            "your volunteer profile is suspended",
        )),
        Some(_) => Err(Error::forbidden(
            "volunteer_not_active",
            "your volunteer profile is not active",
        )),
        None => Err(Error::forbidden(
            "not_a_volunteer",
            "only approved volunteers may do this",
        )),
    }
}

fn locked(conn: &mut AnyConnection, actor: &Actor, id: Uuid) -> Result<NeedRow> {
    let row = store::lock(conn, actor.community_id, id)?.ok_or_else(|| Error::not_found("need"))?;
    if !may_see(conn, actor, &row)? {
        return Err(Error::not_found("need"));
    }
    Ok(row)
}

/// Applies a transition: the new state, and one history entry.
fn transition(
    conn: &mut AnyConnection,
    row: &NeedRow,
    actor: Uuid,
    action: NeedAction,
    to: NeedStatus,
    slots_taken: i32,
    note: Option<&str>,
) -> Result<NeedRow> {
    let done_at = if to == NeedStatus::Done && row.done_at.is_none() {
        Some(now())
    } else {
        row.done_at
    };
    store::set_state(conn, row.id.0, to, slots_taken, done_at)?;
    store::record_event(
        conn,
        row,
        Some(actor),
        action,
        Some(row.status.0.as_str()),
        to.as_str(),
        note,
    )?;
    Ok(NeedRow {
        status: Stored(to),
        slots_taken,
        done_at,
        ..row.clone()
    })
}

/// A notice about the need to one person: the need's title leads, the detail follows.
fn tell(
    conn: &mut AnyConnection,
    row: &NeedRow,
    to: Uuid,
    kind: NoticeKind,
    title: &str,
    detail: &str,
) -> Result<()> {
    let body = format!("「{}」{detail}", row.title);
    notifications::notify(conn, row.community_id.0, to, kind, title, &body)?;
    Ok(())
}

/// A need as its poster describes it.
#[derive(Debug, Clone)]
pub struct Posting {
    pub category: canglong_needs::Category,
    pub target_group: canglong_needs::TargetGroup,
    pub title: String,
    pub description: String,
    pub place: String,
    pub draft: canglong_needs::NeedDraft,
    /// Staff, a building head (for a resident of their buildings) or a family proxy (for their
    /// confirmed relative) may post for a resident without a phone.
    pub on_behalf_of: Option<Uuid>,
}

/// Staff for anyone of the community; a building head for a resident of their buildings; a
/// family member for their confirmed relative.
fn may_post_for(conn: &mut AnyConnection, actor: &Actor, resident: Uuid) -> Result<bool> {
    if actor.is_staff() || canglong_persistence::residents::acts_for(conn, actor.user_id, resident)?
    {
        return Ok(true);
    }
    let reach = crate::residents::reach(conn, actor)?;
    Ok(
        canglong_persistence::residents::resident(conn, actor.community_id, resident)?
            .is_some_and(|e| reach.covers(e.row.building_id.map(|b| b.0))),
    )
}

/// Post a need: its window and size are checked; staff may post on behalf of a resident of the
/// community; the first history entry is written with it.
pub fn post(conn: &mut AnyConnection, actor: &Actor, n: Posting) -> Result<NeedRow> {
    let at = now();
    n.draft.validate(at)?;
    let requester = match n.on_behalf_of {
        Some(id) if id != actor.user_id => {
            crate::residents::of_community(conn, actor.community_id, id)?;
            if !may_post_for(conn, actor, id)? {
                return Err(Error::forbidden(
                    "on_behalf_requires_staff",
                    "only staff, the resident's building head or their family proxy may post for them",
                ));
            }
            id
        }
        _ => actor.user_id,
    };
    let row = NeedRow {
        id: canglong_persistence::Id(canglong_core::new_id()),
        community_id: canglong_persistence::Id(actor.community_id),
        requester_id: canglong_persistence::Id(requester),
        posted_by: canglong_persistence::Id(actor.user_id),
        category: n.category.as_str().into(),
        target_group: n.target_group.as_str().into(),
        title: n.title,
        description: n.description,
        place: n.place,
        window_start: n.draft.window_start,
        window_end: n.draft.window_end,
        estimated_minutes: n.draft.estimated_minutes,
        slots: n.draft.slots,
        slots_taken: 0,
        micro: domain::is_micro(n.draft.estimated_minutes),
        status: Stored(NeedStatus::Open),
        escalated: false,
        escalated_at: None,
        done_at: None,
        created_at: at,
        updated_at: at,
    };
    store::insert(conn, &row)?;
    store::record_event(
        conn,
        &row,
        Some(actor.user_id),
        NeedAction::Posted,
        None,
        NeedStatus::Open.as_str(),
        None,
    )?;
    Ok(row)
}

/// Claim a slot: two volunteers racing for the last one, one wins, the other gets `need_full`.
pub fn claim(conn: &mut AnyConnection, actor: &Actor, id: Uuid) -> Result<ClaimRow> {
    let volunteer_id = active_volunteer(conn, actor)?;
    let row = locked(conn, actor, id)?;
    let claims = store::claims(conn, id)?;
    let next = state_of(&row)?.claim(actor.user_id, &active_claims(&claims), now())?;
    let claim_id = store::insert_claim(conn, actor.community_id, id, volunteer_id, actor.user_id)?;
    transition(
        conn,
        &row,
        actor.user_id,
        NeedAction::Claimed,
        next.status,
        next.slots_taken,
        None,
    )?;
    tell(
        conn,
        &row,
        row.requester_id.0,
        NoticeKind::NeedClaimed,
        "需求已被认领",
        "已有志愿者认领，将按约定时间上门。",
    )?;
    store::claims(conn, id)?
        .into_iter()
        .find(|c| c.id.0 == claim_id)
        .ok_or_else(|| Error::bug("a new claim vanished"))
}

/// Withdraw the caller's claim before reporting the service done; the slot reopens.
pub fn withdraw(conn: &mut AnyConnection, actor: &Actor, id: Uuid) -> Result<NeedRow> {
    let row = locked(conn, actor, id)?;
    let claims = store::claims(conn, id)?;
    let mine = claims
        .iter()
        .find(|c| c.status.0 == ClaimStatus::Active && c.user_id.0 == actor.user_id);
    let view = mine.map(|c| ClaimView {
        volunteer_user_id: c.user_id.0,
        completed: c.completed_at.is_some(),
    });
    let next = state_of(&row)?.withdraw(view)?;
    let claim = mine.map(|c| c.id.0);
    let row = let_go(conn, &row, claim, actor.user_id, &next, None)?;
    Ok(row)
}

/// A claim let go (by its volunteer, or released for them): the claim is withdrawn and the
/// slot reopens, with one history entry.
fn let_go(
    conn: &mut AnyConnection,
    row: &NeedRow,
    claim: Option<Uuid>,
    by: Uuid,
    next: &NeedState,
    note: Option<&str>,
) -> Result<NeedRow> {
    if let Some(c) = claim {
        store::set_claim_status(conn, c, ClaimStatus::Withdrawn)?;
    }
    transition(
        conn,
        row,
        by,
        NeedAction::Withdrawn,
        next.status,
        next.slots_taken,
        note,
    )
}

/// A volunteer who is suspended (or whose profile is otherwise no longer active) lets go of
/// every claim not yet reported: each slot reopens, with the history saying who released it,
/// so no need waits on someone who can no longer come.
pub fn release_claims(
    conn: &mut AnyConnection,
    actor: &Actor,
    volunteer: Uuid,
    volunteer_user: Uuid,
) -> Result<usize> {
    let mut released = 0;
    for (claim, need) in store::open_claims_of(conn, volunteer)? {
        let Some(row) = store::lock(conn, actor.community_id, need.0)? else {
            continue;
        };
        let view = ClaimView {
            volunteer_user_id: volunteer_user,
            completed: false,
        };
        let Ok(next) = state_of(&row)?.withdraw(Some(view)) else {
            continue;
        };
        let_go(
            conn,
            &row,
            Some(claim.0),
            actor.user_id,
            &next,
            Some("released: the volunteer is no longer active"),
        )?;
        released += 1;
    }
    Ok(released)
}

/// What the volunteer reports when the service is done.
#[derive(Debug, Clone)]
pub struct Report {
    pub minutes: i32,
    pub note: String,
    pub started_at: Option<canglong_core::NaiveDateTime>,
}

/// Report the service done with the minutes it took: a pending service record whose span fits
/// the need's window and a day, begun after the need was posted and ended by now. The need is
/// done once every claiming volunteer has reported.
pub fn complete(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: Uuid,
    r: &Report,
) -> Result<(NeedRow, ServiceRecordRow)> {
    let volunteer_id = active_volunteer(conn, actor)?;
    let row = locked(conn, actor, id)?;
    let claims = store::claims(conn, id)?;
    let done = state_of(&row)?.complete(actor.user_id, &active_claims(&claims), r.minutes)?;
    let span = domain::service_span(
        row.created_at,
        (row.window_start, row.window_end),
        r.minutes,
        r.started_at,
        now(),
    )?;
    let mine = claims
        .iter()
        .find(|c| c.status.0 == ClaimStatus::Active && c.user_id.0 == actor.user_id)
        .ok_or_else(|| Error::bug("a completing claim vanished"))?;
    store::complete_claim(conn, mine.id.0, r.minutes, &r.note, now())?;
    let content = if r.note.is_empty() {
        row.title.clone()
    } else {
        format!("{}: {}", row.title, r.note)
    };
    if records::overlaps(conn, volunteer_id, span.0, span.1)? {
        return Err(Error::unprocessable(
            "overlapping_service",
            "these minutes are already in another service record",
        ));
    }
    let record = records::insert_for_need(
        conn,
        &records::NeedRecord {
            community_id: actor.community_id,
            volunteer_id,
            need_id: id,
            beneficiary_id: row.requester_id.0,
            content: &content,
            beneficiary_group: &row.target_group,
            minutes: r.minutes,
            span,
        },
    )?;
    let row = transition(
        conn,
        &row,
        actor.user_id,
        NeedAction::Completed,
        done.status,
        row.slots_taken,
        Some(&r.note),
    )?;
    tell(
        conn,
        &row,
        row.requester_id.0,
        NoticeKind::NeedCompleted,
        "服务已完成",
        "志愿者已完成服务，请确认并评价。",
    )?;
    Ok((row, record))
}

/// The requester (or staff) confirms the service was done.
pub fn confirm(conn: &mut AnyConnection, actor: &Actor, id: Uuid) -> Result<NeedRow> {
    let row = locked(conn, actor, id)?;
    if !may_act_for_requester(conn, actor, &row)? {
        return Err(Error::forbidden(
            "not_requester",
            "only the requester or staff may confirm",
        ));
    }
    let to = state_of(&row)?.confirm()?;
    let row = transition(
        conn,
        &row,
        actor.user_id,
        NeedAction::Confirmed,
        to,
        row.slots_taken,
        None,
    )?;
    for c in store::claims(conn, id)?
        .iter()
        .filter(|c| c.status.0 == ClaimStatus::Active)
    {
        tell(
            conn,
            &row,
            c.user_id.0,
            NoticeKind::NeedConfirmed,
            "服务已确认",
            "居民已确认您的服务，感谢付出。",
        )?;
    }
    Ok(row)
}

/// The requester (or staff) cancels an open or claimed need, with a reason.
pub fn cancel(conn: &mut AnyConnection, actor: &Actor, id: Uuid, reason: &str) -> Result<NeedRow> {
    let row = locked(conn, actor, id)?;
    if !may_act_for_requester(conn, actor, &row)? {
        return Err(Error::forbidden(
            "not_requester",
            "only the requester or staff may cancel",
        ));
    }
    let to = state_of(&row)?.cancel()?;
    store::close_active_claims(conn, id, ClaimStatus::Cancelled)?;
    transition(
        conn,
        &row,
        actor.user_id,
        NeedAction::Cancelled,
        to,
        row.slots_taken,
        Some(reason),
    )
}

/// A rating as given.
#[derive(Debug, Clone)]
pub struct RatingInput {
    pub stars: i32,
    pub tags: Vec<String>,
    pub comment: String,
}

/// Rate the help received, once: two stars or fewer is flagged for a social worker; five stars
/// earn each volunteer whose record is already verified the bonus now, and the others at their
/// verification (never after a failed one).
pub fn rate(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: Uuid,
    r: &RatingInput,
) -> Result<RatingRow> {
    if r.tags
        .iter()
        .any(|t| t.is_empty() || t.chars().count() > 20)
    {
        return Err(Error::unprocessable(
            "invalid_tags",
            "each tag must be 1 to 20 characters",
        ));
    }
    let row = locked(conn, actor, id)?;
    if row.posted_by.0 != actor.user_id
        && !crate::residents::acts_for(conn, actor, row.requester_id.0)?
    {
        return Err(Error::forbidden(
            "not_requester",
            "only the requester (or their family proxy) may rate the help",
        ));
    }
    let status = row.status.0;
    let rated = store::rating(conn, id)?.is_some();
    let flagged = domain::rate(status, r.stars, rated)?;
    let stored = store::insert_rating(
        conn,
        &row,
        actor.user_id,
        r.stars,
        &r.tags,
        &r.comment,
        flagged,
    )?;
    if r.stars == 5 {
        for record in records::for_need(conn, id)?
            .iter()
            .filter(|rec| rec.status.0 == RecordStatus::Verified && !rec.honor)
        {
            let volunteer = volunteers::get(conn, actor.community_id, record.volunteer_id.0)?
                .ok_or_else(|| Error::bug("a record's volunteer is missing"))?;
            five_star_bonus(conn, actor, record, volunteer.user_id.0)?;
        }
    }
    if flagged {
        let volunteers: Vec<Uuid> = store::claims(conn, id)?
            .iter()
            .map(|c| c.volunteer_id.0)
            .collect();
        crate::care::alert_low_rating(conn, actor.community_id, &row.title, r.stars, &volunteers)?;
    }
    let note = format!("{} stars", r.stars);
    store::record_event(
        conn,
        &row,
        Some(actor.user_id),
        NeedAction::Rated,
        Some(row.status.0.as_str()),
        row.status.0.as_str(),
        Some(&note),
    )?;
    Ok(stored)
}

/// The five-star bonus of one service record, keyed by the record: once, and only for a record
/// that passed (the chain audit checks both).
pub fn five_star_bonus(
    conn: &mut AnyConnection,
    actor: &Actor,
    record: &ServiceRecordRow,
    volunteer_user: Uuid,
) -> Result<()> {
    let (_, rules, _) = ledger::rules(conn, actor.community_id)?;
    let bonus = rules.bonus(BonusKind::HighRating);
    if bonus <= 0 {
        return Ok(());
    }
    let pool = ledger::community_account(conn, actor.community_id)?;
    let account = ledger::resident_account(conn, actor.community_id, volunteer_user)?;
    ledger::post(
        conn,
        Entry {
            community: actor.community_id,
            tx: Transaction::transfer(TxKind::Bonus, pool.id.0, account.id.0, bonus)?,
            key: format!("rating:{}", record.id.0),
            actor: Some(actor.user_id),
            memo: ledger::memo(format!("五星好评：{}", record.content)),
            reverses: None,
            expires_at: rules.expiry_of(now()),
            lot: None,
        },
    )?;
    Ok(())
}
