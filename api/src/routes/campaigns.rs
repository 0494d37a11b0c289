//! Civility campaigns: sign-ups, pledges and tasks; the 好家规 collection's entries, review,
//! ballots, publication, results and the public gallery.

use actix_web::{HttpResponse, get, post, web};
use canglong_core::{Actor, Uuid};
use canglong_openapi::{
    BallotReview, Campaign, CampaignBallot, CampaignBallotRequest, CampaignList, CampaignResults,
    CampaignTask, Entry, EntryReview, FlaggedBallot, Gallery, GalleryItem, NewCampaign, NewEntry,
    Pledge, PledgeRequest,
};
use canglong_persistence::AnyConnection;
use canglong_persistence::campaigns::{self as store, BallotRow, CampaignRow, EntryRow};
use canglong_services::campaigns::{self as use_case, ballot_counts, phase};
use utoipa_actix_web::service_config::ServiceConfig;

use super::Problems;
use super::views::{enum_of, stored_of, utc};
use crate::auth::Auth;
use crate::extract::Body;
use crate::{ApiError, AppState, db};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create_campaign)
        .service(list_campaigns)
        .service(get_campaign)
        .service(sign_up)
        .service(pledge)
        .service(link_task)
        .service(submit_entry)
        .service(review_entry)
        .service(vote)
        .service(review_ballot)
        .service(publish)
        .service(results)
        .service(gallery);
}

pub fn entry(e: &EntryRow, viewer: Option<Uuid>) -> Result<Entry, ApiError> {
    Ok(Entry {
        id: e.id.0,
        campaign_id: e.campaign_id.0,
        family: e.family.clone(),
        text: e.text.clone(),
        status: enum_of(&e.status)?,
        reason: e.reason.clone(),
        votes: e.votes,
        jury_score: e.jury_score,
        score: e.score.map(|s| s as f64 / 100.0),
        rank: e.rank,
        mine: viewer == Some(e.author_id.0),
        created_at: utc(e.created_at),
    })
}

fn ballot(b: &BallotRow) -> Result<CampaignBallot, ApiError> {
    Ok(CampaignBallot {
        id: b.id.0,
        campaign_id: b.campaign_id.0,
        status: enum_of(&b.status)?,
        flag: b.flag.clone(),
        created_at: utc(b.created_at),
    })
}

/// A campaign as `actor` may see it: staff every entry and the flagged ballots; others the
/// entries on the shortlist or placed, and their own.
fn campaign(
    conn: &mut AnyConnection,
    c: &CampaignRow,
    actor: &Actor,
) -> Result<Campaign, ApiError> {
    let staff = actor.is_staff();
    let (signups, pledges) = store::counts(conn, c.id.0)?;
    let recent_pledges = store::pledges(conn, c.id.0, 20)?
        .into_iter()
        .map(|(name, text, at)| Pledge {
            name,
            text,
            at: utc(at),
        })
        .collect();
    let tasks = store::tasks(conn, c.id.0)?
        .into_iter()
        .map(|(n, s)| CampaignTask {
            need_id: n.map(|x| x.0),
            session_id: s.map(|x| x.0),
        })
        .collect();
    let public = |e: &EntryRow| {
        use canglong_activities::campaigns::EntryStatus as S;
        matches!(
            e.status.get(),
            S::Shortlisted | S::Chosen | S::Mentioned | S::NotChosen
        )
    };
    let entries = store::entries(conn, c.id.0)?
        .iter()
        .filter(|e| staff || public(e) || e.author_id.0 == actor.user_id)
        .map(|e| entry(e, Some(actor.user_id)))
        .collect::<Result<_, _>>()?;
    // The turnout is counted by the database; only the few held ballots are read, for staff.
    let ballots = store::ballot_count(conn, c.id.0)?;
    let flagged_ballots = if staff {
        store::flagged(conn, c.id.0)?
            .iter()
            .map(|b| FlaggedBallot {
                id: b.id.0,
                voter_id: b.voter_id.0,
                flag: b.flag.clone(),
                created_at: utc(b.created_at),
            })
            .collect()
    } else {
        vec![]
    };
    Ok(Campaign {
        id: c.id.0,
        kind: enum_of(&c.kind)?,
        title: c.title.clone(),
        theme: c.theme.clone(),
        starts_at: utc(c.starts_at),
        ends_at: utc(c.ends_at),
        voting_opens_at: c.voting_opens_at.map(utc),
        voting_closes_at: c.voting_closes_at.map(utc),
        max_choices: c.max_choices,
        jury_weight: c.jury_weight,
        phase: enum_of(phase(c).as_str())?,
        published_at: c.published_at.map(utc),
        signups,
        pledges,
        recent_pledges,
        tasks,
        entries,
        ballots,
        flagged_ballots,
        created_at: utc(c.created_at),
    })
}

/// Staff open a campaign: an activity campaign (清洁家园, anti-fraud, drowning prevention,
/// civilised dog-keeping …) or a collection (十佳好家规) with its voting dates.
#[utoipa::path(tag = "campaigns", operation_id = "create_campaign", request_body = NewCampaign,
    responses((status = 201, body = Campaign), Problems), security(("bearer" = [])))]
#[post("/campaigns")]
pub async fn create_campaign(
    state: web::Data<AppState>,
    auth: Auth,
    body: Body<NewCampaign>,
) -> Result<HttpResponse, ApiError> {
    let (actor, n) = (auth.0, body.0);
    let draft = use_case::Draft {
        title: n.title,
        theme: n.theme,
        plan: canglong_activities::campaigns::Plan {
            kind: stored_of(&n.kind)?.0,
            starts_at: n.starts_at.naive_utc(),
            ends_at: n.ends_at.naive_utc(),
            voting: n
                .voting_opens_at
                .zip(n.voting_closes_at)
                .map(|(o, c)| (o.naive_utc(), c.naive_utc())),
            max_choices: n.max_choices.unwrap_or(10),
            jury_weight: n.jury_weight.unwrap_or(0),
        },
    };
    if n.voting_opens_at.is_some() != n.voting_closes_at.is_some() {
        return Err(ApiError::unprocessable(
            "invalid_campaign",
            "voting opens and closes: give both dates or neither",
        ));
    }
    let c = db::write(&state.pool, move |conn| {
        let row = use_case::create(conn, &actor, draft)?;
        campaign(conn, &row, &actor)
    })
    .await?;
    Ok(HttpResponse::Created().json(c))
}

/// The community's campaigns, the latest first.
#[utoipa::path(tag = "campaigns", operation_id = "list_campaigns",
    responses((status = 200, body = CampaignList), Problems), security(("bearer" = [])))]
#[get("/campaigns")]
pub async fn list_campaigns(
    state: web::Data<AppState>,
    auth: Auth,
) -> Result<HttpResponse, ApiError> {
    let actor = auth.0;
    let list = db::read(&state.pool, move |conn| {
        let rows = store::list(conn, actor.community_id)?;
        let items = rows
            .iter()
            .map(|c| campaign(conn, c, &actor))
            .collect::<Result<_, _>>()?;
        Ok(CampaignList { items })
    })
    .await?;
    Ok(HttpResponse::Ok().json(list))
}

/// One campaign with its pledges, tasks, entries and turnout.
#[utoipa::path(tag = "campaigns", operation_id = "get_campaign", params(("id" = Uuid, Path)),
    responses((status = 200, body = Campaign), Problems), security(("bearer" = [])))]
#[get("/campaigns/{id}")]
pub async fn get_campaign(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let (actor, id) = (auth.0, id.into_inner());
    let c = db::read(&state.pool, move |conn| {
        let row = use_case::found(conn, actor.community_id, id)?;
        campaign(conn, &row, &actor)
    })
    .await?;
    Ok(HttpResponse::Ok().json(c))
}

/// A resident signs up for an activity campaign (409 `already_signed_up`).
#[utoipa::path(tag = "campaigns", operation_id = "campaign_signup", params(("id" = Uuid, Path)),
    responses((status = 201, body = Campaign), Problems), security(("bearer" = [])))]
#[post("/campaigns/{id}/signups")]
pub async fn sign_up(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let (actor, id) = (auth.0, id.into_inner());
    let c = db::write(&state.pool, move |conn| {
        let row = use_case::sign_up(conn, &actor, id)?;
        campaign(conn, &row, &actor)
    })
    .await?;
    Ok(HttpResponse::Created().json(c))
}

/// A resident's pledge (承诺) for an activity campaign, one each (409 `already_pledged`).
#[utoipa::path(tag = "campaigns", operation_id = "campaign_pledge", request_body = PledgeRequest,
    params(("id" = Uuid, Path)), responses((status = 201, body = Campaign), Problems), security(("bearer" = [])))]
#[post("/campaigns/{id}/pledges")]
pub async fn pledge(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
    body: Body<PledgeRequest>,
) -> Result<HttpResponse, ApiError> {
    let (actor, id, p) = (auth.0, id.into_inner(), body.0);
    let c = db::write(&state.pool, move |conn| {
        let row = use_case::pledge(conn, &actor, id, &p.text)?;
        campaign(conn, &row, &actor)
    })
    .await?;
    Ok(HttpResponse::Created().json(c))
}

/// Staff: a need or a session of the community becomes the campaign's volunteer task; it is
/// claimed, served, verified and credited as any other.
#[utoipa::path(tag = "campaigns", operation_id = "campaign_task", request_body = CampaignTask,
    params(("id" = Uuid, Path)), responses((status = 201, body = Campaign), Problems), security(("bearer" = [])))]
#[post("/campaigns/{id}/tasks")]
pub async fn link_task(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
    body: Body<CampaignTask>,
) -> Result<HttpResponse, ApiError> {
    let (actor, id, t) = (auth.0, id.into_inner(), body.0);
    let c = db::write(&state.pool, move |conn| {
        let row = use_case::link_task(conn, &actor, id, t.need_id, t.session_id)?;
        campaign(conn, &row, &actor)
    })
    .await?;
    Ok(HttpResponse::Created().json(c))
}

/// A family's entry while the collection takes entries (409 `already_submitted`,
/// `duplicate_entry`; 422 `wrong_phase`).
#[utoipa::path(tag = "campaigns", operation_id = "submit_entry", request_body = NewEntry,
    params(("id" = Uuid, Path)), responses((status = 201, body = Entry), Problems), security(("bearer" = [])))]
#[post("/campaigns/{id}/entries")]
pub async fn submit_entry(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
    body: Body<NewEntry>,
) -> Result<HttpResponse, ApiError> {
    let (actor, id, n) = (auth.0, id.into_inner(), body.0);
    let me = actor.user_id;
    let e = db::write(&state.pool, move |conn| {
        let row = use_case::submit(conn, &actor, id, &n.family, &n.text)?;
        entry(&row, Some(me))
    })
    .await?;
    Ok(HttpResponse::Created().json(e))
}

/// Staff review an entry, always with a public reason.
#[utoipa::path(tag = "campaigns", operation_id = "review_entry", request_body = EntryReview,
    params(("id" = Uuid, Path)), responses((status = 200, body = Entry), Problems), security(("bearer" = [])))]
#[post("/entries/{id}/review")]
pub async fn review_entry(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
    body: Body<EntryReview>,
) -> Result<HttpResponse, ApiError> {
    let (actor, id, r) = (auth.0, id.into_inner(), body.0);
    let decision = stored_of(&r.decision)?.0;
    let me = actor.user_id;
    let e = db::write(&state.pool, move |conn| {
        let row = use_case::review(conn, &actor, id, decision, &r.reason, r.jury_score)?;
        entry(&row, Some(me))
    })
    .await?;
    Ok(HttpResponse::Ok().json(e))
}

/// A resident's one ballot while voting is open: 1 to `max_choices` shortlisted entries (409
/// `already_voted`). A new account in a burst of new accounts' ballots is `flagged`: held for
/// staff review, not counted until then.
#[utoipa::path(tag = "campaigns", operation_id = "campaign_ballot", request_body = CampaignBallotRequest,
    params(("id" = Uuid, Path)), responses((status = 201, body = CampaignBallot), Problems), security(("bearer" = [])))]
#[post("/campaigns/{id}/ballots")]
pub async fn vote(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
    body: Body<CampaignBallotRequest>,
) -> Result<HttpResponse, ApiError> {
    let (actor, id, b) = (auth.0, id.into_inner(), body.0);
    let out = db::write(&state.pool, move |conn| {
        ballot(&use_case::vote(conn, &actor, id, &b.entry_ids)?)
    })
    .await?;
    Ok(HttpResponse::Created().json(out))
}

/// Staff count or discard a flagged ballot, with a reason, before publication.
#[utoipa::path(tag = "campaigns", operation_id = "review_campaign_ballot", request_body = BallotReview,
    params(("id" = Uuid, Path)), responses((status = 200, body = CampaignBallot), Problems), security(("bearer" = [])))]
#[post("/campaign-ballots/{id}/review")]
pub async fn review_ballot(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
    body: Body<BallotReview>,
) -> Result<HttpResponse, ApiError> {
    let (actor, id, r) = (auth.0, id.into_inner(), body.0);
    let out = db::write(&state.pool, move |conn| {
        ballot(&use_case::review_ballot(
            conn, &actor, id, r.count, &r.reason,
        )?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(out))
}

/// Staff publish the result once voting has closed and no flagged ballot waits (409
/// `flags_pending`): the shortlisted entries are scored and ranked, the first ten chosen.
#[utoipa::path(tag = "campaigns", operation_id = "publish_campaign", params(("id" = Uuid, Path)),
    responses((status = 200, body = Campaign), Problems), security(("bearer" = [])))]
#[post("/campaigns/{id}/publication")]
pub async fn publish(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let (actor, id) = (auth.0, id.into_inner());
    let c = db::write(&state.pool, move |conn| {
        let row = use_case::publish(conn, &actor, id)?;
        campaign(conn, &row, &actor)
    })
    .await?;
    Ok(HttpResponse::Ok().json(c))
}

/// The published result for anyone signed in; before publication nobody, staff included, sees
/// a tally (409 `not_published`).
#[utoipa::path(tag = "campaigns", operation_id = "campaign_results", params(("id" = Uuid, Path)),
    responses((status = 200, body = CampaignResults), Problems), security(("bearer" = [])))]
#[get("/campaigns/{id}/results")]
pub async fn results(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let (actor, id) = (auth.0, id.into_inner());
    let me = actor.user_id;
    let out = db::read(&state.pool, move |conn| {
        let (c, placed, ballots) = use_case::results(conn, &actor, id)?;
        let (counted, _, discarded) = ballot_counts(&ballots);
        Ok(CampaignResults {
            campaign_id: c.id.0,
            published_at: utc(c.published_at.unwrap_or(c.created_at)),
            ballots_counted: counted,
            ballots_discarded: discarded,
            entries: placed
                .iter()
                .map(|e| entry(e, Some(me)))
                .collect::<Result<_, _>>()?,
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(out))
}

/// The 家风家训文化长廊: the chosen entries, for anyone (no sign-in; the corridor's QR codes).
/// Empty until the result is published.
#[utoipa::path(tag = "campaigns", operation_id = "campaign_gallery", params(("id" = Uuid, Path)),
    responses((status = 200, body = Gallery), Problems))]
#[get("/campaigns/{id}/gallery")]
pub async fn gallery(
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let out = db::read(&state.pool, move |conn| {
        let (c, chosen) = use_case::gallery(conn, id)?;
        Ok(Gallery {
            campaign_id: c.id.0,
            title: c.title,
            published: c.published_at.is_some(),
            items: chosen
                .into_iter()
                .map(|e| GalleryItem {
                    rank: e.rank.unwrap_or_default(),
                    family: e.family,
                    text: e.text,
                })
                .collect(),
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(out))
}
