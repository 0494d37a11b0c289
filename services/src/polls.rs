//! Polls (决事): on a topic, a convention draft or a campaign. The electorate is taken when the
//! poll opens; each elector (a person, or a household) has one ballot across every channel —
//! online, assisted by staff with the elder present (logged, the elder told), or a paper batch
//! entered by two clerks and counted only when both entries agree. Nobody, staff included, reads
//! a count before publication; a secret poll never stores a choice beside a person.

use std::collections::BTreeSet;

use canglong_core::notice::NoticeKind;
use canglong_core::{Actor, NaiveDateTime, Role, Uuid, new_id};
use canglong_governance::polls::{
    self as domain, Channel, Count, Outcome, PaperBatch, Plan, PollMethod, PollStatus, PollSubject,
    Rule, TallyStatus,
};
use canglong_governance::scope::{Electorate, Scope, ScopeLevel, Unit};
use canglong_governance::topics::{self as topics_domain, TopicStatus, TopicStep};
use canglong_persistence::polls::{self as store, PaperRow, PollRow, VoterRow};
use canglong_persistence::{AnyConnection, Id, Stored, campaigns, notifications, to_json_text};

use crate::ORGANISERS;
use crate::error::{Error, Result};
use crate::{conventions, scopes, topics};

pub fn plan_of(p: &PollRow) -> Plan {
    Plan {
        method: p.method.get(),
        options: serde_json::from_str(&p.options).unwrap_or_default(),
        max_choices: p.max_choices,
        opens_at: p.opens_at,
        closes_at: p.closes_at,
        rule: Rule {
            turnout_over: p.turnout_over,
            approval_over: p.approval_over,
            base: p.approval_base.get(),
        },
    }
}

pub fn status(p: &PollRow, now: NaiveDateTime) -> PollStatus {
    domain::status(&plan_of(p), p.published_at.is_some(), now)
}

pub fn found(conn: &mut AnyConnection, community: Uuid, id: Uuid) -> Result<PollRow> {
    store::poll(conn, community, id)?.ok_or_else(|| Error::not_found("poll"))
}

fn locked(conn: &mut AnyConnection, community: Uuid, id: Uuid) -> Result<PollRow> {
    store::lock(conn, community, id)?.ok_or_else(|| Error::not_found("poll"))
}

pub fn scope_of(p: &PollRow) -> Result<Scope> {
    scopes::stored(
        p.scope.get(),
        p.building_id.map(|b| b.0),
        p.cluster.as_deref(),
    )
}

/// A poll as staff set it.
#[derive(Debug, Clone)]
pub struct Draft {
    pub subject: PollSubject,
    pub subject_id: Uuid,
    pub question: String,
    pub method: PollMethod,
    pub options: Vec<String>,
    pub max_choices: i32,
    pub level: ScopeLevel,
    pub building: Option<Uuid>,
    pub cluster: Option<String>,
    pub unit: Unit,
    pub secret: bool,
    pub opens_at: NaiveDateTime,
    pub closes_at: NaiveDateTime,
    pub rule: Rule,
}

/// Staff set a poll. A topic must have been deliberated (it goes to voting); a convention's
/// draft must have been reviewed, and is voted by the whole community under at least the
/// statutory rule.
pub fn create(
    conn: &mut AnyConnection,
    actor: &Actor,
    d: Draft,
    at: NaiveDateTime,
) -> Result<PollRow> {
    actor.require(&ORGANISERS)?;
    let community = actor.community_id;
    let scope = scopes::scope(conn, community, d.level, d.building, d.cluster.as_deref())?;
    let options = domain::options(d.method, &d.options)?;
    let plan = Plan {
        method: d.method,
        options: options.clone(),
        max_choices: d.max_choices,
        opens_at: d.opens_at,
        closes_at: d.closes_at,
        rule: d.rule,
    };
    domain::check_plan(&plan)?;
    if d.closes_at <= at {
        return Err(Error::unprocessable(
            "invalid_window",
            "a poll closes in the future",
        ));
    }
    let id = new_id();
    match d.subject {
        PollSubject::Topic => {
            let mut t = topics::named(conn, community, d.subject_id, "unknown_subject")?;
            let to = topics_domain::open_vote(t.status.get())?;
            let inner = topics::scope_of(&t)?;
            if !scopes::covers(conn, community, &scope, &inner)? {
                return Err(Error::unprocessable(
                    "outside_scope",
                    "the poll's scope includes the topic's",
                ));
            }
            topics::advance(
                conn,
                &mut t,
                to,
                TopicStep::Voted,
                Some(actor.user_id),
                &d.question,
                at,
            )?;
        }
        PollSubject::Convention => {
            if d.method != PollMethod::YesNo || scope != Scope::Community {
                return Err(Error::unprocessable(
                    "invalid_poll",
                    "a convention is adopted by a yes/no vote of the whole community",
                ));
            }
            if !d.rule.at_least_statutory() {
                return Err(Error::unprocessable(
                    "invalid_rule",
                    "a convention is adopted under at least the statutory rule (more than half take part, more than half approve)",
                ));
            }
        }
        PollSubject::Campaign => {
            campaigns::campaign(conn, community, d.subject_id)?
                .ok_or_else(|| Error::unprocessable("unknown_subject", "no such campaign here"))?;
        }
    }
    let mut row = PollRow {
        id: Id(id),
        community_id: Id(community),
        subject: Stored(d.subject),
        subject_id: Id(d.subject_id),
        question: d.question,
        method: Stored(d.method),
        options: to_json_text(&options),
        max_choices: d.max_choices,
        scope: Stored(d.level),
        building_id: scope.building().map(Id),
        cluster: scope.cluster().map(str::to_owned),
        unit: Stored(d.unit),
        secret: d.secret,
        opens_at: d.opens_at,
        closes_at: d.closes_at,
        turnout_over: d.rule.turnout_over,
        approval_over: d.rule.approval_over,
        approval_base: Stored(d.rule.base),
        electorate: None,
        electorate_at: None,
        ballots: None,
        counts: None,
        outcome: None,
        published_at: None,
        published_by: None,
        created_by: Id(actor.user_id),
        created_at: at,
    };
    store::insert(conn, &row)?;
    if d.subject == PollSubject::Convention {
        // After the poll's row: the draft names its poll.
        conventions::open_vote(conn, community, d.subject_id, id)?;
    }
    take(conn, &mut row, at)?;
    Ok(row)
}

/// Takes the electorate once the poll has opened (under the poll's lock, or at creation):
/// the adults of the directory living in the scope, each with their ballot's key.
fn take(conn: &mut AnyConnection, p: &mut PollRow, at: NaiveDateTime) -> Result<()> {
    if p.electorate.is_some() || p.opens_at > at {
        return Ok(());
    }
    let homes = store::homes(conn, p.community_id.0)?;
    let e = Electorate::of(&scope_of(p)?, p.unit.get(), &homes);
    let people: Vec<(Uuid, String)> = e.people.iter().map(|(u, k)| (*u, k.clone())).collect();
    store::snapshot(conn, p.id.0, &people)?;
    p.electorate = Some(e.electors());
    p.electorate_at = Some(at);
    store::save(conn, p)?;
    Ok(())
}

/// The periodic pass takes the electorate of a poll that has opened since; true if taken now.
pub fn take_due(
    conn: &mut AnyConnection,
    community: Uuid,
    id: Uuid,
    at: NaiveDateTime,
) -> Result<bool> {
    let mut p = locked(conn, community, id)?;
    let before = p.electorate.is_some();
    take(conn, &mut p, at)?;
    Ok(!before && p.electorate.is_some())
}

fn require_open(p: &PollRow, at: NaiveDateTime) -> Result<()> {
    match status(p, at) {
        PollStatus::Open => Ok(()),
        s => Err(Error::unprocessable(
            "poll_not_open",
            format!(
                "the poll is {}: ballots are taken while it is open",
                s.as_str()
            ),
        )),
    }
}

fn elector(conn: &mut AnyConnection, p: &PollRow, user: Uuid) -> Result<String> {
    store::elector_of(conn, p.id.0, user)?.ok_or_else(|| {
        Error::unprocessable(
            "outside_scope",
            "not in this poll's electorate (the adult residents of its scope when it opened)",
        )
    })
}

fn already_voted() -> Error {
    Error::conflict(
        "already_voted",
        "this elector's ballot (or their household's) is already in",
    )
}

/// A ballot: the elector's own online, or — `on_behalf_of` — entered by staff with the elector
/// present (assisted; the elector is told). One per elector whatever the channel. Answers who
/// voted, by which channel and when — the receipt, never the choice.
pub fn vote(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: Uuid,
    choices: &[String],
    on_behalf_of: Option<Uuid>,
    at: NaiveDateTime,
) -> Result<VoterRow> {
    let mut p = locked(conn, actor.community_id, id)?;
    require_open(&p, at)?;
    take(conn, &mut p, at)?;
    let (voter, channel, recorded_by) = match on_behalf_of {
        None => {
            actor.require(&[Role::Resident])?;
            (actor.user_id, Channel::Online, None)
        }
        Some(elder) => {
            actor.require(&ORGANISERS)?;
            (elder, Channel::Assisted, Some(Id(actor.user_id)))
        }
    };
    let key = elector(conn, &p, voter)?;
    let chosen = domain::choices(&plan_of(&p), choices)?;
    let cast = VoterRow {
        poll_id: p.id,
        elector: key,
        user_id: Id(voter),
        channel: Stored(channel),
        recorded_by,
        choices: (!p.secret).then(|| to_json_text(&chosen)),
        created_at: at,
    };
    if !store::cast(conn, &cast)? {
        return Err(already_voted());
    }
    // Every option's counter is written, chosen or not: the database's own bookkeeping of the
    // last write to a row (PostgreSQL's xmin) then says nothing of what this ballot chose.
    for i in 0..plan_of(&p).options.len() {
        store::add(conn, p.id.0, i as i32, i64::from(chosen.contains(&i)))?;
    }
    if channel == Channel::Assisted {
        let body = format!(
            "工作人员已协助您在「{}」中投票。如非本人意愿，请联系社区。",
            p.question
        );
        notifications::notify(
            conn,
            actor.community_id,
            voter,
            NoticeKind::BallotAssisted,
            "协助投票",
            &body,
        )?;
    }
    Ok(cast)
}

/// A paper batch as one clerk enters it.
#[derive(Debug, Clone)]
pub struct Paper {
    pub batch: String,
    pub voters: Vec<Uuid>,
    pub counts: Vec<i64>,
}

/// A clerk enters a paper batch (the signed roll and the count per option) after the booth
/// opened and before publication. The first entry waits; a second clerk's entry of the same
/// batch counts it if the two agree, and sets both aside if not (`mismatch`: enter it afresh).
pub fn paper(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: Uuid,
    e: Paper,
    at: NaiveDateTime,
) -> Result<PaperRow> {
    actor.require(&ORGANISERS)?;
    let mut p = locked(conn, actor.community_id, id)?;
    if !matches!(status(&p, at), PollStatus::Open | PollStatus::Closed) {
        return Err(Error::unprocessable(
            "poll_not_open",
            "paper batches are entered once the poll has opened, before publication",
        ));
    }
    take(conn, &mut p, at)?;
    let voters: BTreeSet<Uuid> = e.voters.iter().copied().collect();
    let batch = PaperBatch {
        voters: voters.clone(),
        counts: e.counts.clone(),
    };
    domain::check_batch(&plan_of(&p), &batch)?;
    let mut keys = BTreeSet::new();
    for v in &voters {
        let k = elector(conn, &p, *v)?;
        if store::voted(conn, id, &k)? || !keys.insert(k) {
            return Err(already_voted());
        }
    }
    let mut row = PaperRow {
        id: Id(new_id()),
        poll_id: p.id,
        community_id: p.community_id,
        batch: e.batch.clone(),
        entered_by: Id(actor.user_id),
        voters: to_json_text(&voters),
        counts: to_json_text(&e.counts),
        status: Stored(TallyStatus::Pending),
        second_by: None,
        decided_at: None,
        created_at: at,
    };
    let Some(mut first) = store::pending_paper(conn, id, &e.batch)? else {
        store::insert_paper(conn, &row)?;
        return Ok(row);
    };
    if first.entered_by.0 == actor.user_id {
        return Err(Error::conflict(
            "same_clerk",
            "the second entry of a batch is made by another clerk",
        ));
    }
    let earlier = PaperBatch {
        voters: serde_json::from_str(&first.voters).unwrap_or_default(),
        counts: serde_json::from_str(&first.counts).unwrap_or_default(),
    };
    let verdict = domain::compare(&earlier, &batch);
    first.status = Stored(verdict);
    first.second_by = Some(Id(actor.user_id));
    first.decided_at = Some(at);
    store::save_paper(conn, &first)?;
    row.status = Stored(verdict);
    row.decided_at = Some(at);
    store::insert_paper(conn, &row)?;
    if verdict == TallyStatus::Counted {
        for (v, key) in voters.iter().zip(keys) {
            let cast = VoterRow {
                poll_id: p.id,
                elector: key,
                user_id: Id(*v),
                channel: Stored(Channel::Paper),
                recorded_by: Some(first.entered_by),
                choices: None,
                created_at: at,
            };
            if !store::cast(conn, &cast)? {
                return Err(already_voted());
            }
        }
        for (i, n) in e.counts.iter().enumerate() {
            store::add(conn, id, i as i32, *n)?;
        }
    }
    Ok(row)
}

/// Staff publish a closed poll once no paper batch waits for its second entry: the count, the
/// turnout against the electorate taken at opening, the quorum and the outcome under the
/// poll's rule; the topic or convention moves with it.
pub fn publish(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: Uuid,
    at: NaiveDateTime,
) -> Result<PollRow> {
    actor.require(&ORGANISERS)?;
    let mut p = locked(conn, actor.community_id, id)?;
    match status(&p, at) {
        PollStatus::Closed => {}
        PollStatus::Published => {
            return Err(Error::conflict(
                "already_published",
                "the result is published",
            ));
        }
        s => {
            return Err(Error::unprocessable(
                "poll_not_closed",
                format!(
                    "the poll is {}: results are published once it closes",
                    s.as_str()
                ),
            ));
        }
    }
    let waiting = store::papers(conn, id)?
        .iter()
        .any(|t| t.status.get() == TallyStatus::Pending);
    if waiting {
        return Err(Error::conflict(
            "tallies_pending",
            "a paper batch waits for its second entry",
        ));
    }
    take(conn, &mut p, at)?;
    let c = count(conn, &p)?;
    p.ballots = Some(c.ballots);
    p.counts = Some(to_json_text(&c.counts));
    p.outcome = Some(Stored(c.outcome));
    p.published_at = Some(at);
    p.published_by = Some(Id(actor.user_id));
    store::save(conn, &p)?;
    let note = summary(&p, &c);
    match p.subject.get() {
        PollSubject::Topic => {
            let mut t = topics::locked(conn, actor.community_id, p.subject_id.0)?;
            let to = match c.outcome {
                Outcome::Passed => TopicStatus::Passed,
                Outcome::Failed => TopicStatus::Failed,
                Outcome::NoQuorum => TopicStatus::Deferred,
            };
            if t.status.get() == TopicStatus::Voting {
                topics::advance(
                    conn,
                    &mut t,
                    to,
                    TopicStep::Voted,
                    Some(actor.user_id),
                    &note,
                    at,
                )?;
            }
        }
        PollSubject::Convention => {
            conventions::decided(
                conn,
                actor.community_id,
                p.subject_id.0,
                c.outcome == Outcome::Passed,
                at,
            )?;
        }
        PollSubject::Campaign => {}
    }
    Ok(p)
}

fn count(conn: &mut AnyConnection, p: &PollRow) -> Result<Count> {
    let ballots = store::ballots(conn, p.id.0)?;
    let counts = store::tallies(conn, p.id.0)?;
    Ok(domain::count(
        &plan_of(p),
        p.electorate.unwrap_or(0),
        ballots,
        counts,
    ))
}

fn summary(p: &PollRow, c: &Count) -> String {
    let options: Vec<String> = serde_json::from_str(&p.options).unwrap_or_default();
    let parts: Vec<String> = options
        .iter()
        .zip(&c.counts)
        .map(|(o, n)| format!("{o} {n}"))
        .collect();
    format!(
        "{}；投票 {}/{}（{}.{:02}%）",
        parts.join("，"),
        c.ballots,
        c.electorate,
        c.turnout_bp / 100,
        c.turnout_bp % 100
    )
}

/// The published result; before publication nobody, staff included, reads it.
pub fn results(conn: &mut AnyConnection, actor: &Actor, id: Uuid) -> Result<(PollRow, Count)> {
    let p = found(conn, actor.community_id, id)?;
    let (Some(ballots), Some(counts), Some(outcome)) = (p.ballots, p.counts.as_deref(), p.outcome)
    else {
        return Err(Error::conflict(
            "not_published",
            "results are shown once the poll is closed and published",
        ));
    };
    let counts: Vec<i64> = serde_json::from_str(counts).unwrap_or_default();
    let electorate = p.electorate.unwrap_or(0);
    let plan = plan_of(&p);
    let mut c = domain::count(&plan, electorate, ballots, counts);
    c.outcome = outcome.get();
    Ok((p, c))
}
