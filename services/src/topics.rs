//! Topics (议题) through the 六事: a resident (or their building head) raises one in a scope,
//! neighbours second it, staff screen it with a public reason; after the meeting and the vote
//! the decision is publicised for objections, carried out by its owner with progress entries,
//! and evaluated by the residents of the scope — a poor evaluation reopens the work. Every step
//! is kept in the topic's history with who, when and why.

use canglong_core::notice::NoticeKind;
use canglong_core::{Actor, NaiveDateTime, Role, Uuid, new_id};
use canglong_governance::scope::{Scope, ScopeLevel};
use canglong_governance::topics::{self as domain, Referral, Screening, TopicStatus, TopicStep};
use canglong_persistence::topics::{
    self as store, EvaluationRow, ObjectionRow, ProgressRow, TopicRow,
};
use canglong_persistence::{AnyConnection, Id, Stored, notifications, people, residents};
use chrono::Duration;

use crate::ORGANISERS;
use crate::error::{Error, Result};
use crate::scopes;

pub fn found(conn: &mut AnyConnection, actor: &Actor, id: Uuid) -> Result<TopicRow> {
    let t = store::topic(conn, actor.community_id, id)?.ok_or_else(|| Error::not_found("topic"))?;
    if visible(actor, &t) {
        Ok(t)
    } else {
        Err(Error::not_found("topic"))
    }
}

/// A hidden topic is seen by staff and by the resident who raised it.
pub fn visible(actor: &Actor, t: &TopicRow) -> bool {
    t.hidden_reason.is_none() || actor.is_staff() || t.raised_by.0 == actor.user_id
}

pub(crate) fn locked(conn: &mut AnyConnection, community: Uuid, id: Uuid) -> Result<TopicRow> {
    store::lock(conn, community, id)?.ok_or_else(|| Error::not_found("topic"))
}

/// A topic a request body names, locked: one not of the community is 422 `code` (a bad
/// reference in the body), not 404 (the path's own resource).
pub(crate) fn named(
    conn: &mut AnyConnection,
    community: Uuid,
    id: Uuid,
    code: &'static str,
) -> Result<TopicRow> {
    store::lock(conn, community, id)?
        .ok_or_else(|| Error::unprocessable(code, "no such topic here"))
}

pub fn scope_of(t: &TopicRow) -> Result<Scope> {
    scopes::stored(
        t.scope.get(),
        t.building_id.map(|b| b.0),
        t.cluster.as_deref(),
    )
}

/// Moves a topic, keeps the step in its history and tells the resident who raised it.
pub(crate) fn advance(
    conn: &mut AnyConnection,
    t: &mut TopicRow,
    to: TopicStatus,
    step: TopicStep,
    actor: Option<Uuid>,
    note: &str,
    at: NaiveDateTime,
) -> Result<()> {
    let moved = t.status.get() != to;
    t.status = Stored(to);
    t.updated_at = at;
    if to.settled() && t.settled_at.is_none() {
        t.settled_at = Some(at);
    }
    store::save(conn, t)?;
    store::record(conn, t, step, actor, note, at)?;
    if moved && actor != Some(t.raised_by.0) {
        let body = format!("您提出的议题「{}」：{}", t.title, status_words(to));
        notifications::notify(
            conn,
            t.community_id.0,
            t.raised_by.0,
            NoticeKind::TopicUpdated,
            "议题进展",
            &body,
        )?;
    }
    Ok(())
}

fn status_words(s: TopicStatus) -> &'static str {
    use TopicStatus as S;
    match s {
        S::Seconding => "征集附议中",
        S::Expired => "附议期满未达人数",
        S::Screening => "附议已满，待审核",
        S::Accepted => "已立项",
        S::Merged => "已并入其他议题",
        S::Referred => "已转交办理",
        S::Rejected => "未予立项",
        S::Scheduled => "已列入议事会议程",
        S::Deliberated => "已协商，待表决",
        S::Voting => "表决中",
        S::Passed => "表决通过",
        S::Failed => "表决未通过",
        S::Deferred => "暂缓决定",
        S::Publicised => "决定公示中",
        S::InProgress => "办理中",
        S::Done => "已办结，请评价",
        S::Evaluated => "已评价",
        S::Closed => "已关闭",
    }
}

/// A community admin sets how many seconds a topic of a scope needs, and in how many days.
pub fn set_threshold(
    conn: &mut AnyConnection,
    actor: &Actor,
    level: ScopeLevel,
    seconds: i32,
    expiry_days: i32,
) -> Result<(i32, i32)> {
    actor.require(&[Role::CommunityAdmin])?;
    store::set_threshold(conn, actor.community_id, level, seconds, expiry_days)?;
    Ok((seconds, expiry_days))
}

/// The seconds and days a topic of this scope needs here.
pub fn threshold(
    conn: &mut AnyConnection,
    community: Uuid,
    level: ScopeLevel,
) -> Result<(i32, i32)> {
    Ok(store::threshold(conn, community, level)?
        .unwrap_or_else(|| domain::default_threshold(level)))
}

/// A topic as raised.
#[derive(Debug, Clone)]
pub struct Raise {
    pub title: String,
    pub body: String,
    pub place: String,
    pub level: ScopeLevel,
    pub building: Option<Uuid>,
    pub cluster: Option<String>,
    /// A building head raising it for a resident of their building (directory id).
    pub for_resident: Option<Uuid>,
}

/// A resident raises a topic in a scope they live in; a building head may raise one for a
/// resident of a building they head (the resident is its author).
pub fn raise(
    conn: &mut AnyConnection,
    actor: &Actor,
    r: Raise,
    at: NaiveDateTime,
) -> Result<TopicRow> {
    raise_with_id(conn, actor, new_id(), r, at)
}

/// [`raise`] with the id given (the demo's).
pub fn raise_with_id(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: Uuid,
    r: Raise,
    at: NaiveDateTime,
) -> Result<TopicRow> {
    let scope = scopes::scope(
        conn,
        actor.community_id,
        r.level,
        r.building,
        r.cluster.as_deref(),
    )?;
    let author = match r.for_resident {
        None => {
            scopes::require_inside(conn, actor, &scope)?;
            actor.user_id
        }
        Some(resident) => {
            let entry = residents::resident(conn, actor.community_id, resident)?
                .ok_or_else(|| Error::unprocessable("unknown_resident", "no such resident here"))?;
            let heads = residents::headed_by(conn, actor.user_id)?;
            if !entry.row.building_id.is_some_and(|b| heads.contains(&b.0)) {
                return Err(Error::forbidden(
                    "not_building_head",
                    "a building head raises topics for residents of the buildings they head",
                ));
            }
            let home = scopes::home_of(conn, actor.community_id, entry.row.user_id.0)?;
            if scope != Scope::Community && !scope.contains(home.as_ref()) {
                return Err(Error::unprocessable(
                    "outside_scope",
                    "the resident does not live in that scope",
                ));
            }
            entry.row.user_id.0
        }
    };
    let (needed, days) = threshold(conn, actor.community_id, r.level)?;
    let row = TopicRow {
        id: Id(id),
        community_id: Id(actor.community_id),
        scope: Stored(r.level),
        building_id: scope.building().map(Id),
        cluster: scope.cluster().map(str::to_owned),
        title: r.title,
        body: r.body,
        place: r.place,
        raised_by: Id(author),
        entered_by: Id(actor.user_id),
        status: Stored(domain::raised(needed)),
        seconds: 0,
        seconds_needed: needed,
        expires_at: at + Duration::days(days.into()),
        merged_into: None,
        referred_to: None,
        decision: None,
        objection_until: None,
        owner_id: None,
        deadline: None,
        percent: 0,
        done_at: None,
        settled_at: None,
        round: 1,
        hidden_reason: None,
        created_at: at,
        updated_at: at,
    };
    store::insert(conn, &row)?;
    store::record(conn, &row, TopicStep::Raised, Some(actor.user_id), "", at)?;
    Ok(row)
}

/// 附议: a resident of the scope, once, not the author; the threshold sends it to screening.
pub fn second(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: Uuid,
    at: NaiveDateTime,
) -> Result<TopicRow> {
    let mut t = locked(conn, actor.community_id, id)?;
    if !visible(actor, &t) {
        return Err(Error::not_found("topic"));
    }
    scopes::require_inside(conn, actor, &scope_of(&t)?)?;
    if t.raised_by.0 == actor.user_id {
        return Err(Error::unprocessable(
            "own_topic",
            "a topic is seconded by others",
        ));
    }
    let to = domain::second(
        t.status.get(),
        t.seconds + 1,
        t.seconds_needed,
        t.expires_at,
        at,
    )?;
    if !store::second(conn, &t, actor.user_id, at)? {
        return Err(Error::conflict(
            "already_seconded",
            "you have already seconded this topic",
        ));
    }
    t.seconds += 1;
    advance(
        conn,
        &mut t,
        to,
        TopicStep::Seconded,
        Some(actor.user_id),
        "",
        at,
    )?;
    Ok(t)
}

/// A screening decision with its public reason.
#[derive(Debug, Clone)]
pub struct Screen {
    pub decision: Screening,
    pub reason: String,
    pub merge_into: Option<Uuid>,
    pub referred_to: Option<Referral>,
}

/// Staff's screening, always with a public reason: accept (立项), merge into another live
/// topic, refer to the property company or the subdistrict, or reject.
pub fn screen(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: Uuid,
    s: Screen,
    at: NaiveDateTime,
) -> Result<TopicRow> {
    let Screen {
        decision,
        reason,
        merge_into,
        referred_to,
    } = s;
    actor.require(&ORGANISERS)?;
    let mut t = locked(conn, actor.community_id, id)?;
    let to = domain::screen(t.status.get(), decision)?;
    match decision {
        Screening::Merge => {
            let into = merge_into.ok_or_else(|| {
                Error::unprocessable("invalid_screening", "a merge names the topic it goes into")
            })?;
            let other = store::topic(conn, actor.community_id, into)?
                .ok_or_else(|| Error::unprocessable("unknown_topic", "no such topic here"))?;
            if into == id || !domain::can_absorb(other.status.get()) {
                return Err(Error::unprocessable(
                    "invalid_screening",
                    "a topic is merged into another live topic",
                ));
            }
            t.merged_into = Some(Id(into));
        }
        Screening::Refer => {
            t.referred_to = Some(Stored(referred_to.ok_or_else(|| {
                Error::unprocessable("invalid_screening", "a referral says to whom")
            })?));
        }
        Screening::Accept | Screening::Reject => {}
    }
    advance(
        conn,
        &mut t,
        to,
        TopicStep::Screened,
        Some(actor.user_id),
        &reason,
        at,
    )?;
    Ok(t)
}

/// A decision as staff publicise it.
#[derive(Debug, Clone)]
pub struct Resolution {
    pub decision: String,
    pub objection_days: i32,
    pub owner: Uuid,
    pub deadline: NaiveDateTime,
}

/// 公示: staff publish a passed decision for its objection window, with who carries it out
/// and by when.
pub fn resolve(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: Uuid,
    r: Resolution,
    at: NaiveDateTime,
) -> Result<TopicRow> {
    actor.require(&ORGANISERS)?;
    let mut t = locked(conn, actor.community_id, id)?;
    let until = domain::publicise(t.status.get(), r.objection_days, at)?;
    let owner = people::find_user(conn, r.owner)?
        .filter(|u| u.community_id.0 == actor.community_id)
        .ok_or_else(|| {
            Error::unprocessable("unknown_owner", "the owner is a person of the community")
        })?;
    if r.deadline <= until {
        return Err(Error::unprocessable(
            "invalid_deadline",
            "the deadline falls after the objection window",
        ));
    }
    t.decision = Some(r.decision.clone());
    t.objection_until = Some(until);
    t.owner_id = Some(owner.id);
    t.deadline = Some(r.deadline);
    advance(
        conn,
        &mut t,
        TopicStatus::Publicised,
        TopicStep::Resolved,
        Some(actor.user_id),
        &r.decision,
        at,
    )?;
    Ok(t)
}

/// An objection during 公示, by a resident of the scope.
pub fn object(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: Uuid,
    text: &str,
    at: NaiveDateTime,
) -> Result<ObjectionRow> {
    let mut t = locked(conn, actor.community_id, id)?;
    scopes::require_inside(conn, actor, &scope_of(&t)?)?;
    domain::may_object(t.status.get(), t.objection_until, at)?;
    let row = ObjectionRow {
        id: Id(new_id()),
        topic_id: t.id,
        community_id: t.community_id,
        author_id: Id(actor.user_id),
        text: text.to_owned(),
        reply: None,
        replied_by: None,
        replied_at: None,
        created_at: at,
    };
    store::insert_objection(conn, &row)?;
    let status = t.status.get();
    advance(
        conn,
        &mut t,
        status,
        TopicStep::Objected,
        Some(actor.user_id),
        text,
        at,
    )?;
    Ok(row)
}

/// Staff answer an objection, once, in public.
pub fn reply(
    conn: &mut AnyConnection,
    actor: &Actor,
    objection: Uuid,
    text: &str,
    at: NaiveDateTime,
) -> Result<ObjectionRow> {
    actor.require(&ORGANISERS)?;
    let mut o = store::lock_objection(conn, actor.community_id, objection)?
        .ok_or_else(|| Error::not_found("objection"))?;
    if o.reply.is_some() {
        return Err(Error::conflict(
            "already_replied",
            "the objection has its reply",
        ));
    }
    o.reply = Some(text.to_owned());
    o.replied_by = Some(Id(actor.user_id));
    o.replied_at = Some(at);
    store::save_objection(conn, &o)?;
    Ok(o)
}

/// A progress entry by the decision's owner or staff; 100 % is done.
pub fn report_progress(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: Uuid,
    percent: i32,
    note: &str,
    at: NaiveDateTime,
) -> Result<TopicRow> {
    let mut t = locked(conn, actor.community_id, id)?;
    let owner = t.owner_id.is_some_and(|o| o.0 == actor.user_id);
    if !owner && !actor.has_any(&ORGANISERS) {
        return Err(Error::forbidden(
            "not_owner",
            "progress is reported by the decision's owner or staff",
        ));
    }
    let to = domain::progress(t.status.get(), t.objection_until, percent, at)?;
    store::insert_progress(
        conn,
        &ProgressRow {
            id: Id(new_id()),
            topic_id: t.id,
            community_id: t.community_id,
            percent,
            note: note.to_owned(),
            recorded_by: Id(actor.user_id),
            created_at: at,
        },
    )?;
    t.percent = percent;
    if to == TopicStatus::Done {
        t.done_at = Some(at);
    }
    advance(
        conn,
        &mut t,
        to,
        TopicStep::Progress,
        Some(actor.user_id),
        note,
        at,
    )?;
    Ok(t)
}

/// A resident of the scope evaluates the result, once per round; with enough evaluations a
/// poor mean reopens the work (a new round), a fair one leaves it evaluated.
pub fn evaluate(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: Uuid,
    stars: i32,
    comment: &str,
    at: NaiveDateTime,
) -> Result<TopicRow> {
    let mut t = locked(conn, actor.community_id, id)?;
    scopes::require_inside(conn, actor, &scope_of(&t)?)?;
    domain::evaluate(t.status.get(), &[])?;
    let row = EvaluationRow {
        topic_id: t.id,
        user_id: Id(actor.user_id),
        round: t.round,
        community_id: t.community_id,
        stars,
        comment: comment.to_owned(),
        created_at: at,
    };
    if !store::evaluate(conn, &row)? {
        return Err(Error::conflict(
            "already_evaluated",
            "you have already evaluated this",
        ));
    }
    let stars: Vec<i32> = store::evaluations(conn, id)?
        .iter()
        .filter(|e| e.round == t.round)
        .map(|e| e.stars)
        .collect();
    let to = domain::evaluate(t.status.get(), &stars)?;
    if to == TopicStatus::InProgress {
        t.round += 1;
        t.done_at = None;
        advance(
            conn,
            &mut t,
            to,
            TopicStep::Reopened,
            None,
            "评价不满意，重新办理",
            at,
        )?;
    } else {
        advance(
            conn,
            &mut t,
            to,
            TopicStep::Evaluated,
            Some(actor.user_id),
            comment,
            at,
        )?;
    }
    Ok(t)
}

/// Moderation: staff hide a topic from the lists, with a reason; its history stays.
pub fn hide(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: Uuid,
    reason: &str,
    at: NaiveDateTime,
) -> Result<TopicRow> {
    actor.require(&ORGANISERS)?;
    let mut t = locked(conn, actor.community_id, id)?;
    if t.hidden_reason.is_some() {
        return Err(Error::conflict(
            "already_hidden",
            "the topic is already hidden",
        ));
    }
    t.hidden_reason = Some(reason.to_owned());
    let status = t.status.get();
    advance(
        conn,
        &mut t,
        status,
        TopicStep::Hidden,
        Some(actor.user_id),
        reason,
        at,
    )?;
    Ok(t)
}

/// What time does (the periodic pass): an unseconded topic lapses, a publicised decision goes
/// into delivery when its objection window ends, a done one closes after its evaluation
/// fortnight. Re-read under the lock (a person may have moved it since); true if it moved.
pub fn lapse(
    conn: &mut AnyConnection,
    community: Uuid,
    id: Uuid,
    at: NaiveDateTime,
) -> Result<bool> {
    let mut t = locked(conn, community, id)?;
    let Some(to) = domain::lapse(
        t.status.get(),
        t.expires_at,
        t.objection_until,
        t.done_at,
        at,
    ) else {
        return Ok(false);
    };
    advance(conn, &mut t, to, TopicStep::Lapsed, None, "", at)?;
    Ok(true)
}

/// Done topics close this long after they were done.
pub fn closes_before(at: NaiveDateTime) -> NaiveDateTime {
    at - Duration::days(domain::EVALUATION_DAYS)
}
