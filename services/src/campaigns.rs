//! Civility campaigns (文明线). An activity campaign (清洁家园, anti-fraud …) takes sign-ups and
//! pledges, and its volunteer work is needs and sessions linked to it, so hours and points flow
//! as they always do. A collection campaign (十佳好家规) takes one entry per family, reviewed by
//! staff, then a public vote on the shortlist — one ballot per resident, bursts of new accounts
//! held for review rather than counted — an optional jury, and publication of the chosen ten.

use std::collections::{HashMap, HashSet};

use canglong_activities::campaigns::{
    self as domain, BallotStatus, CampaignKind, EntryDecision, EntryStatus, Phase, Plan, Tally,
};
use canglong_core::{Actor, Role, Uuid, new_id, now};
use canglong_persistence::campaigns::{self as store, BallotRow, CampaignRow, EntryRow};
use canglong_persistence::{
    AnyConnection, Id, Stored, activities, is_unique_violation, needs, people, to_json_text,
};

use crate::error::{Error, Result};

use crate::ORGANISERS;

pub fn plan_of(c: &CampaignRow) -> Plan {
    Plan {
        kind: c.kind.get(),
        starts_at: c.starts_at,
        ends_at: c.ends_at,
        voting: c.voting_opens_at.zip(c.voting_closes_at),
        max_choices: c.max_choices,
        jury_weight: c.jury_weight,
    }
}

/// The campaign's phase now.
pub fn phase(c: &CampaignRow) -> Phase {
    domain::phase(&plan_of(c), c.published_at.is_some(), now())
}

pub fn found(conn: &mut AnyConnection, community: Uuid, id: Uuid) -> Result<CampaignRow> {
    store::campaign(conn, community, id)?.ok_or_else(|| Error::not_found("campaign"))
}

/// A campaign as staff open it.
#[derive(Debug, Clone)]
pub struct Draft {
    pub title: String,
    pub theme: String,
    pub plan: Plan,
}

/// Staff open a campaign.
pub fn create(conn: &mut AnyConnection, actor: &Actor, d: Draft) -> Result<CampaignRow> {
    create_with_id(conn, actor, new_id(), d)
}

/// [`create`] with the id given (the demo's, which the document's examples name).
pub fn create_with_id(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: Uuid,
    d: Draft,
) -> Result<CampaignRow> {
    actor.require(&ORGANISERS)?;
    domain::check_plan(&d.plan)?;
    let p = d.plan;
    let row = CampaignRow {
        id: Id(id),
        community_id: Id(actor.community_id),
        kind: Stored(p.kind),
        title: d.title,
        theme: d.theme,
        starts_at: p.starts_at,
        ends_at: p.ends_at,
        voting_opens_at: p.voting.map(|v| v.0),
        voting_closes_at: p.voting.map(|v| v.1),
        max_choices: p.max_choices,
        jury_weight: p.jury_weight,
        published_at: None,
        created_by: Id(actor.user_id),
        created_at: now(),
    };
    store::insert(conn, &row)?;
    Ok(row)
}

fn of_kind(c: &CampaignRow, kind: CampaignKind) -> Result<()> {
    if c.kind.get() == kind {
        return Ok(());
    }
    Err(Error::unprocessable(
        "wrong_kind",
        format!("this is for {} campaigns", kind.as_str()),
    ))
}

/// Residents take part; staff acting as staff do not.
fn resident(actor: &Actor) -> Result<()> {
    Ok(actor.require(&[Role::Resident])?)
}

/// An activity campaign not yet ended.
fn open_activity(conn: &mut AnyConnection, actor: &Actor, id: Uuid) -> Result<CampaignRow> {
    let c = found(conn, actor.community_id, id)?;
    of_kind(&c, CampaignKind::Activity)?;
    if phase(&c) == Phase::Ended {
        return Err(Error::unprocessable(
            "wrong_phase",
            "the campaign has ended",
        ));
    }
    Ok(c)
}

/// A resident signs up for an activity campaign, once.
pub fn sign_up(conn: &mut AnyConnection, actor: &Actor, id: Uuid) -> Result<CampaignRow> {
    resident(actor)?;
    let c = open_activity(conn, actor, id)?;
    if !store::sign_up(conn, id, actor.community_id, actor.user_id)? {
        return Err(Error::conflict(
            "already_signed_up",
            "you have already signed up",
        ));
    }
    Ok(c)
}

/// A resident's pledge (承诺) for an activity campaign, one each.
pub fn pledge(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: Uuid,
    text: &str,
) -> Result<CampaignRow> {
    resident(actor)?;
    let c = open_activity(conn, actor, id)?;
    if !store::pledge(conn, id, actor.community_id, actor.user_id, text)? {
        return Err(Error::conflict(
            "already_pledged",
            "you have already made your pledge",
        ));
    }
    Ok(c)
}

/// Staff link a need or a session of the community as the campaign's volunteer work: it is
/// claimed, served, verified and credited as any other.
pub fn link_task(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: Uuid,
    need: Option<Uuid>,
    session: Option<Uuid>,
) -> Result<CampaignRow> {
    actor.require(&ORGANISERS)?;
    let c = open_activity(conn, actor, id)?;
    match (need, session) {
        (Some(n), None) => {
            needs::get(conn, actor.community_id, n)?
                .ok_or_else(|| Error::unprocessable("unknown_need", "no such need here"))?;
        }
        (None, Some(s)) => {
            activities::session(conn, actor.community_id, s)?
                .ok_or_else(|| Error::unprocessable("unknown_session", "no such session here"))?;
        }
        _ => {
            return Err(Error::unprocessable(
                "invalid_task",
                "name either a need or a session",
            ));
        }
    }
    if !store::link_task(conn, id, actor.community_id, need, session)? {
        return Err(Error::conflict(
            "already_linked",
            "this is already a task of the campaign",
        ));
    }
    Ok(c)
}

/// A family's entry (好家规) while the collection takes entries: one in the running per
/// resident; the same words as another entry are a duplicate.
pub fn submit(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: Uuid,
    family: &str,
    text: &str,
) -> Result<EntryRow> {
    resident(actor)?;
    let c = found(conn, actor.community_id, id)?;
    of_kind(&c, CampaignKind::Collection)?;
    domain::require_phase(phase(&c), Phase::Collecting, "entries are taken")?;
    if store::live_entry_of(conn, id, actor.user_id)?.is_some() {
        return Err(Error::conflict(
            "already_submitted",
            "your family's entry is already in; a returned one may be sent again",
        ));
    }
    let live = |e: &EntryRow| {
        !matches!(
            e.status.get(),
            EntryStatus::Returned | EntryStatus::Rejected
        )
    };
    if store::entries(conn, id)?
        .iter()
        .any(|e| live(e) && domain::same_text(&e.text, text))
    {
        return Err(Error::conflict(
            "duplicate_entry",
            "another family has sent the same words",
        ));
    }
    let row = EntryRow {
        id: Id(new_id()),
        campaign_id: c.id,
        community_id: c.community_id,
        author_id: Id(actor.user_id),
        family: family.to_string(),
        text: text.to_string(),
        status: Stored(EntryStatus::Submitted),
        reason: None,
        jury_score: None,
        votes: None,
        score: None,
        rank: None,
        decided_by: None,
        decided_at: None,
        created_at: now(),
    };
    store::insert_entry(conn, &row).map_err(|e| {
        if is_unique_violation(&e) {
            Error::conflict("already_submitted", "your family's entry is already in")
        } else {
            e.into()
        }
    })?;
    Ok(row)
}

/// Staff review an entry (legal, civil, not a duplicate): approve, return, reject, shortlist,
/// give the jury's score, or disqualify — always with a reason, kept with who and when.
pub fn review(
    conn: &mut AnyConnection,
    actor: &Actor,
    entry: Uuid,
    decision: EntryDecision,
    reason: &str,
    jury_score: Option<i32>,
) -> Result<EntryRow> {
    actor.require(&ORGANISERS)?;
    let e =
        store::entry(conn, actor.community_id, entry)?.ok_or_else(|| Error::not_found("entry"))?;
    let c = store::lock(conn, actor.community_id, e.campaign_id.0)?
        .ok_or_else(|| Error::bug("an entry's campaign is missing"))?;
    domain::decision_phase(decision, phase(&c))?;
    let next = domain::decide(e.status.get(), decision)?;
    if (decision == EntryDecision::Score) != jury_score.is_some() {
        return Err(Error::unprocessable(
            "invalid_score",
            "a jury score (0–100) goes with the `score` decision, and only with it",
        ));
    }
    if decision == EntryDecision::Score && c.jury_weight == 0 {
        return Err(Error::unprocessable(
            "no_jury",
            "this campaign has no jury (its weight is 0)",
        ));
    }
    store::decide_entry(conn, entry, next, reason, jury_score, actor.user_id)?;
    store::entry(conn, actor.community_id, entry)?.ok_or_else(|| Error::bug("entry just written"))
}

/// A resident's one ballot: 1 to `max_choices` shortlisted entries, while voting is open. A new
/// account voting in a burst of new accounts' ballots is held (`flagged`) for staff to count
/// or discard; it is never silently counted.
pub fn vote(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: Uuid,
    choices: &[Uuid],
) -> Result<BallotRow> {
    resident(actor)?;
    let c =
        store::lock(conn, actor.community_id, id)?.ok_or_else(|| Error::not_found("campaign"))?;
    of_kind(&c, CampaignKind::Collection)?;
    domain::require_phase(phase(&c), Phase::Voting, "ballots are taken")?;
    let shortlisted: HashSet<Uuid> = store::entries(conn, id)?
        .iter()
        .filter(|e| e.status.get() == EntryStatus::Shortlisted)
        .map(|e| e.id.0)
        .collect();
    domain::check_choices(choices, c.max_choices, &shortlisted)?;
    let voted = || Error::conflict("already_voted", "you have already voted in this campaign");
    if store::has_voted(conn, id, actor.user_id)? {
        return Err(voted());
    }
    let voter = people::find_user(conn, actor.user_id)?.ok_or_else(|| Error::not_found("user"))?;
    let at = now();
    let recent = store::new_account_ballots(
        conn,
        id,
        at - chrono::Duration::minutes(domain::BURST_MINUTES),
        at - chrono::Duration::days(domain::NEW_ACCOUNT_DAYS),
    )?;
    let flag = domain::flag(voter.created_at, at, recent);
    let row = BallotRow {
        id: Id(new_id()),
        campaign_id: c.id,
        community_id: c.community_id,
        voter_id: Id(actor.user_id),
        entry_ids: to_json_text(choices),
        status: Stored(if flag.is_some() {
            BallotStatus::Flagged
        } else {
            BallotStatus::Counted
        }),
        flag: flag.map(str::to_string),
        reviewed_by: None,
        review_reason: None,
        created_at: at,
    };
    store::insert_ballot(conn, &row).map_err(|e| {
        if is_unique_violation(&e) {
            voted()
        } else {
            e.into()
        }
    })?;
    Ok(row)
}

/// Staff count or discard a flagged ballot, with a reason, before publication.
pub fn review_ballot(
    conn: &mut AnyConnection,
    actor: &Actor,
    ballot: Uuid,
    count: bool,
    reason: &str,
) -> Result<BallotRow> {
    actor.require(&ORGANISERS)?;
    let b = store::ballot(conn, actor.community_id, ballot)?
        .ok_or_else(|| Error::not_found("ballot"))?;
    let c = store::lock(conn, actor.community_id, b.campaign_id.0)?
        .ok_or_else(|| Error::bug("a ballot's campaign is missing"))?;
    if c.published_at.is_some() || b.status.get() != BallotStatus::Flagged {
        return Err(Error::unprocessable(
            "invalid_transition",
            "only a flagged ballot is reviewed, before the results are published",
        ));
    }
    let status = if count {
        BallotStatus::Counted
    } else {
        BallotStatus::Discarded
    };
    store::review_ballot(conn, ballot, status, actor.user_id, reason)?;
    store::ballot(conn, actor.community_id, ballot)?
        .ok_or_else(|| Error::bug("ballot just written"))
}

/// The counted votes of each shortlisted entry.
fn tallies(conn: &mut AnyConnection, c: &CampaignRow) -> Result<(Vec<Tally>, Vec<BallotRow>)> {
    let entries = store::entries(conn, c.id.0)?;
    let ballots = store::ballots(conn, c.id.0)?;
    let mut votes: HashMap<Uuid, i64> = HashMap::new();
    for b in ballots
        .iter()
        .filter(|b| b.status.get() == BallotStatus::Counted)
    {
        let chosen: Vec<Uuid> = serde_json::from_str(&b.entry_ids)
            .map_err(|e| Error::bug(format!("a ballot's choices: {e}")))?;
        for e in chosen {
            *votes.entry(e).or_default() += 1;
        }
    }
    let tallies = entries
        .iter()
        .filter(|e| e.status.get() == EntryStatus::Shortlisted)
        .map(|e| Tally {
            id: e.id.0,
            votes: votes.get(&e.id.0).copied().unwrap_or(0),
            jury_score: e.jury_score,
        })
        .collect();
    Ok((tallies, ballots))
}

/// Staff publish the result once voting has closed and no flagged ballot waits: the shortlisted
/// entries are placed (score, rank) and the first ten chosen. Nobody, staff included, sees a
/// tally before this.
pub fn publish(conn: &mut AnyConnection, actor: &Actor, id: Uuid) -> Result<CampaignRow> {
    actor.require(&ORGANISERS)?;
    let c =
        store::lock(conn, actor.community_id, id)?.ok_or_else(|| Error::not_found("campaign"))?;
    of_kind(&c, CampaignKind::Collection)?;
    domain::require_phase(phase(&c), Phase::Counting, "the result is published")?;
    let (tallies, ballots) = tallies(conn, &c)?;
    if ballots
        .iter()
        .any(|b| b.status.get() == BallotStatus::Flagged)
    {
        return Err(Error::conflict(
            "flags_pending",
            "flagged ballots wait for review: count or discard each first",
        ));
    }
    let votes: HashMap<Uuid, i64> = tallies.iter().map(|t| (t.id, t.votes)).collect();
    for p in domain::place(&tallies, c.jury_weight) {
        store::place_entry(conn, p.id, p.status, votes[&p.id], p.score, p.rank)?;
    }
    let at = now();
    store::set_published(conn, id, at)?;
    Ok(CampaignRow {
        published_at: Some(at),
        ..c
    })
}

/// The ballots of a campaign by status: (counted, flagged, discarded).
pub fn ballot_counts(ballots: &[BallotRow]) -> (i64, i64, i64) {
    let n = |s: BallotStatus| ballots.iter().filter(|b| b.status.get() == s).count() as i64;
    (
        n(BallotStatus::Counted),
        n(BallotStatus::Flagged),
        n(BallotStatus::Discarded),
    )
}

/// The published result, for anyone signed in in the community; before publication nobody
/// (staff included) sees it: 409 `not_published`.
pub fn results(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: Uuid,
) -> Result<(CampaignRow, Vec<EntryRow>, Vec<BallotRow>)> {
    let c = found(conn, actor.community_id, id)?;
    of_kind(&c, CampaignKind::Collection)?;
    if c.published_at.is_none() {
        return Err(Error::conflict(
            "not_published",
            "the result is not published yet",
        ));
    }
    let mut placed: Vec<EntryRow> = store::entries(conn, id)?
        .into_iter()
        .filter(|e| e.rank.is_some())
        .collect();
    placed.sort_by_key(|e| e.rank);
    Ok((c, placed, store::ballots(conn, id)?))
}

/// The public gallery (家风家训文化长廊): the chosen entries of a published collection, for
/// anyone, signed in or not (the corridor's QR codes); nothing before publication.
pub fn gallery(conn: &mut AnyConnection, id: Uuid) -> Result<(CampaignRow, Vec<EntryRow>)> {
    let c = store::campaign_anywhere(conn, id)?.ok_or_else(|| Error::not_found("campaign"))?;
    if c.kind.get() != CampaignKind::Collection {
        return Err(Error::not_found("campaign"));
    }
    let mut chosen: Vec<EntryRow> = if c.published_at.is_some() {
        store::entries(conn, id)?
            .into_iter()
            .filter(|e| e.status.get() == EntryStatus::Chosen)
            .collect()
    } else {
        vec![]
    };
    chosen.sort_by_key(|e| e.rank);
    Ok((c, chosen))
}
