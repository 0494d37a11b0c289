//! Polls: set, list, vote (online or assisted), paper batches, publication and results.

use actix_web::{HttpResponse, get, post, web};
use canglong_core::{Actor, PageRequest, Uuid, now};
use canglong_governance::polls::Rule;
use canglong_openapi::{
    BallotReceipt, BallotRequest, ChannelCount, EnteredBallot, NewPoll, OptionCount, PageQuery,
    PaperTally, PaperTallyRequest, PassRule, Poll, PollPage, PollResults,
};
use canglong_persistence::AnyConnection;
use canglong_persistence::polls::{self as store, PaperRow, PollRow};
use canglong_services::polls::{self as use_case, Draft, Paper, status};
use utoipa_actix_web::service_config::ServiceConfig;

use super::Problems;
use super::views::{enum_of, stored_of, utc};
use crate::auth::Auth;
use crate::extract::Body;
use crate::{ApiError, AppState, db};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create_poll)
        .service(list_polls)
        .service(get_poll)
        .service(vote)
        .service(paper_tally)
        .service(publish)
        .service(results);
}

fn rule(p: &PollRow) -> Result<PassRule, ApiError> {
    Ok(PassRule {
        turnout_over: p.turnout_over,
        approval_over: p.approval_over,
        approval_base: enum_of(&p.approval_base)?,
    })
}

fn poll(conn: &mut AnyConnection, p: &PollRow, actor: &Actor) -> Result<Poll, ApiError> {
    let elector = store::elector_of(conn, p.id.0, actor.user_id)?;
    let voted = match &elector {
        Some(k) => store::voted(conn, p.id.0, k)?,
        None => false,
    };
    let entered_for = if actor.is_staff() {
        store::entered_for(conn, p.id.0)?
            .into_iter()
            .filter_map(|v| {
                let by = v.recorded_by?;
                Some(enum_of(&v.channel).map(|channel| EnteredBallot {
                    voter_id: v.user_id.0,
                    channel,
                    entered_by: by.0,
                    at: utc(v.created_at),
                }))
            })
            .collect::<Result<_, ApiError>>()?
    } else {
        vec![]
    };
    let channels = if actor.is_staff() {
        store::by_channel(conn, p.id.0)?
            .into_iter()
            .map(|(c, n)| {
                Ok(ChannelCount {
                    channel: enum_of(&c)?,
                    ballots: n,
                })
            })
            .collect::<Result<_, ApiError>>()?
    } else {
        vec![]
    };
    Ok(Poll {
        id: p.id.0,
        subject: enum_of(&p.subject)?,
        subject_id: p.subject_id.0,
        question: p.question.clone(),
        method: enum_of(&p.method)?,
        options: serde_json::from_str(&p.options).unwrap_or_default(),
        max_choices: p.max_choices,
        scope: enum_of(&p.scope)?,
        building_id: p.building_id.map(|b| b.0),
        cluster: p.cluster.clone(),
        unit: enum_of(&p.unit)?,
        secret: p.secret,
        opens_at: utc(p.opens_at),
        closes_at: utc(p.closes_at),
        rule: rule(p)?,
        status: enum_of(status(p, now()).as_str())?,
        electorate: p.electorate,
        ballots: store::ballots(conn, p.id.0)?,
        channels,
        entered_for,
        published_by: p.published_by.map(|u| u.0),
        elector: elector.is_some(),
        voted,
        published_at: p.published_at.map(utc),
        created_at: utc(p.created_at),
    })
}

fn paper(t: &PaperRow) -> Result<PaperTally, ApiError> {
    Ok(PaperTally {
        id: t.id.0,
        poll_id: t.poll_id.0,
        batch: t.batch.clone(),
        status: enum_of(&t.status)?,
        entered_by: t.entered_by.0,
        created_at: utc(t.created_at),
    })
}

/// Staff set a poll on a deliberated topic, a reviewed convention draft (yes/no, the whole
/// community, at least the statutory rule) or a campaign. The electorate — the adult residents
/// of the scope in the directory, by person or by household — is taken when it opens.
#[utoipa::path(tag = "governance", operation_id = "create_poll", request_body = NewPoll,
    responses((status = 201, body = Poll), Problems), security(("bearer" = [])))]
#[post("/polls")]
pub async fn create_poll(
    state: web::Data<AppState>,
    auth: Auth,
    body: Body<NewPoll>,
) -> Result<HttpResponse, ApiError> {
    let (actor, n) = (auth.0, body.0);
    let rule = match &n.rule {
        Some(r) => Rule {
            turnout_over: r.turnout_over,
            approval_over: r.approval_over,
            base: stored_of(&r.approval_base)?.0,
        },
        None => Rule::STATUTORY,
    };
    let d = Draft {
        subject: stored_of(&n.subject)?.0,
        subject_id: n.subject_id,
        question: n.question,
        method: stored_of(&n.method)?.0,
        options: n.options,
        max_choices: n.max_choices.unwrap_or(1),
        level: stored_of(&n.scope)?.0,
        building: n.building_id,
        cluster: n.cluster,
        unit: stored_of(&n.unit)?.0,
        secret: n.secret,
        opens_at: n.opens_at.naive_utc(),
        closes_at: n.closes_at.naive_utc(),
        rule,
    };
    let out = db::write(&state.pool, move |conn| {
        let row = use_case::create(conn, &actor, d, now())?;
        poll(conn, &row, &actor)
    })
    .await?;
    Ok(HttpResponse::Created().json(out))
}

/// The community's polls, the latest set first, a page at a time.
#[utoipa::path(tag = "governance", operation_id = "list_polls", params(PageQuery),
    responses((status = 200, body = PollPage), Problems), security(("bearer" = [])))]
#[get("/polls")]
pub async fn list_polls(
    state: web::Data<AppState>,
    auth: Auth,
    q: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let actor = auth.0;
    let page = PageRequest::parse(q.limit, q.cursor.as_deref())?;
    let out = db::read(&state.pool, move |conn| {
        let rows = store::list(conn, actor.community_id, &page)?;
        let (rows, next) = page.finish(rows, |p| p.id.0);
        let items = rows
            .iter()
            .map(|p| poll(conn, p, &actor))
            .collect::<Result<_, _>>()?;
        Ok(PollPage {
            items,
            next_cursor: next.map(|c| c.encode()),
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(out))
}

/// One poll: its turnout so far, never a count of choices before publication.
#[utoipa::path(tag = "governance", operation_id = "get_poll", params(("id" = Uuid, Path)),
    responses((status = 200, body = Poll), Problems), security(("bearer" = [])))]
#[get("/polls/{id}")]
pub async fn get_poll(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let (actor, id) = (auth.0, id.into_inner());
    let out = db::read(&state.pool, move |conn| {
        let row = use_case::found(conn, actor.community_id, id)?;
        poll(conn, &row, &actor)
    })
    .await?;
    Ok(HttpResponse::Ok().json(out))
}

/// An elector's ballot while the poll is open — their own, or entered by staff with them
/// present (`on_behalf_of`: assisted, logged, the elector told). One per elector (or
/// household) across every channel: 409 `already_voted`; 422 `outside_scope` for someone not
/// in the electorate, `poll_not_open` outside the window.
#[utoipa::path(tag = "governance", operation_id = "cast_ballot", request_body = BallotRequest,
    params(("id" = Uuid, Path)), responses((status = 201, body = BallotReceipt), Problems), security(("bearer" = [])))]
#[post("/polls/{id}/ballots")]
pub async fn vote(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
    body: Body<BallotRequest>,
) -> Result<HttpResponse, ApiError> {
    let (actor, id, b) = (auth.0, id.into_inner(), body.0);
    let out = db::write(&state.pool, move |conn| {
        let cast = use_case::vote(conn, &actor, id, &b.choices, b.on_behalf_of, now())?;
        Ok(BallotReceipt {
            poll_id: cast.poll_id.0,
            voter_id: cast.user_id.0,
            channel: enum_of(&cast.channel)?,
            at: utc(cast.created_at),
        })
    })
    .await?;
    Ok(HttpResponse::Created().json(out))
}

/// A clerk enters a paper batch (the signed roll and a count per option). The first entry is
/// `pending`; a second clerk's entry of the same batch counts it if both agree (`counted`) and
/// sets both aside if not (`mismatch`). 409 `same_clerk`, `already_voted`.
#[utoipa::path(tag = "governance", operation_id = "paper_tally", request_body = PaperTallyRequest,
    params(("id" = Uuid, Path)), responses((status = 201, body = PaperTally), Problems), security(("bearer" = [])))]
#[post("/polls/{id}/paper-tallies")]
pub async fn paper_tally(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
    body: Body<PaperTallyRequest>,
) -> Result<HttpResponse, ApiError> {
    let (actor, id, t) = (auth.0, id.into_inner(), body.0);
    let e = Paper {
        batch: t.batch,
        voters: t.voters,
        counts: t.counts,
    };
    let out = db::write(&state.pool, move |conn| {
        paper(&use_case::paper(conn, &actor, id, e, now())?)
    })
    .await?;
    Ok(HttpResponse::Created().json(out))
}

/// Staff publish a closed poll once no paper batch waits (409 `tallies_pending`): the count,
/// turnout against the electorate at opening, the quorum and the outcome; the topic or the
/// convention moves with it.
#[utoipa::path(tag = "governance", operation_id = "publish_poll", params(("id" = Uuid, Path)),
    responses((status = 200, body = Poll), Problems), security(("bearer" = [])))]
#[post("/polls/{id}/publication")]
pub async fn publish(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let (actor, id) = (auth.0, id.into_inner());
    let out = db::write(&state.pool, move |conn| {
        let row = use_case::publish(conn, &actor, id, now())?;
        poll(conn, &row, &actor)
    })
    .await?;
    Ok(HttpResponse::Ok().json(out))
}

/// The published result for anyone signed in; before publication nobody, staff included, sees
/// it (409 `not_published`).
#[utoipa::path(tag = "governance", operation_id = "poll_results", params(("id" = Uuid, Path)),
    responses((status = 200, body = PollResults), Problems), security(("bearer" = [])))]
#[get("/polls/{id}/results")]
pub async fn results(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let (actor, id) = (auth.0, id.into_inner());
    let out = db::read(&state.pool, move |conn| {
        let (p, c) = use_case::results(conn, &actor, id)?;
        let options: Vec<String> = serde_json::from_str(&p.options).unwrap_or_default();
        Ok(PollResults {
            poll_id: p.id.0,
            question: p.question.clone(),
            electorate: c.electorate,
            ballots: c.ballots,
            turnout_percent: c.turnout_bp as f64 / 100.0,
            quorum_met: c.quorum_met,
            rule: rule(&p)?,
            outcome: enum_of(c.outcome.as_str())?,
            counts: options
                .into_iter()
                .zip(c.counts)
                .map(|(option, votes)| OptionCount { option, votes })
                .collect(),
            published_at: utc(p.published_at.unwrap_or(p.created_at)),
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(out))
}
