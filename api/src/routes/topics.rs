//! Topics (议题): raise, second, screen, publicise, object, report progress, evaluate, hide;
//! the community's thresholds.

use actix_web::{HttpResponse, get, post, put, web};
use canglong_core::{Actor, PageRequest, Uuid, now};
use canglong_openapi::{
    HidingRequest, NewTopic, Objection, ObjectionReply, ObjectionRequest, ProgressEntry,
    ProgressRequest, ResolutionRequest, ScopeLevel, ScopeThreshold, ScreeningRequest, Topic,
    TopicDetail, TopicEvaluationRequest, TopicEvaluations, TopicEvent, TopicPage, TopicQuery,
    TopicThreshold, TopicThresholds,
};
use canglong_persistence::AnyConnection;
use canglong_persistence::topics::{self as store, ObjectionRow, TopicRow};
use canglong_services::topics::{self as use_case, Raise, Resolution, Screen};
use utoipa_actix_web::service_config::ServiceConfig;

use super::Problems;
use super::views::{enum_of, stored_of, utc};
use crate::auth::Auth;
use crate::extract::Body;
use crate::{ApiError, AppState, db};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(raise)
        .service(list_topics)
        .service(get_topic)
        .service(second)
        .service(screen)
        .service(resolve)
        .service(object)
        .service(reply)
        .service(progress)
        .service(evaluate)
        .service(hide)
        .service(thresholds)
        .service(set_threshold);
}

/// A topic as `actor` sees it (`seconded`: whether they seconded it).
pub fn topic(t: &TopicRow, actor: &Actor, seconded: bool) -> Result<Topic, ApiError> {
    let show_hidden = actor.is_staff() || t.raised_by.0 == actor.user_id;
    Ok(Topic {
        id: t.id.0,
        title: t.title.clone(),
        description: t.body.clone(),
        place: t.place.clone(),
        scope: enum_of(&t.scope)?,
        building_id: t.building_id.map(|b| b.0),
        cluster: t.cluster.clone(),
        raised_by: t.raised_by.0,
        status: enum_of(&t.status)?,
        seconds: t.seconds,
        seconds_needed: t.seconds_needed,
        expires_at: utc(t.expires_at),
        seconded,
        merged_into: t.merged_into.map(|m| m.0),
        referred_to: t.referred_to.as_deref().map(enum_of).transpose()?,
        decision: t.decision.clone(),
        objection_until: t.objection_until.map(utc),
        owner_id: t.owner_id.map(|o| o.0),
        deadline: t.deadline.map(utc),
        percent: t.percent,
        done_at: t.done_at.map(utc),
        settled_at: t.settled_at.map(utc),
        round: t.round,
        hidden_reason: t.hidden_reason.clone().filter(|_| show_hidden),
        created_at: utc(t.created_at),
    })
}

fn objection(o: &ObjectionRow, me: Uuid) -> Objection {
    Objection {
        id: o.id.0,
        topic_id: o.topic_id.0,
        text: o.text.clone(),
        reply: o.reply.clone(),
        replied_at: o.replied_at.map(utc),
        mine: o.author_id.0 == me,
        created_at: utc(o.created_at),
    }
}

fn detail(conn: &mut AnyConnection, t: &TopicRow, actor: &Actor) -> Result<TopicDetail, ApiError> {
    let history = store::history(conn, t.id.0)?
        .into_iter()
        .map(|(e, name)| {
            Ok(TopicEvent {
                step: enum_of(&e.step)?,
                status: enum_of(&e.status)?,
                actor_id: e.actor_id.map(|a| a.0),
                actor_name: name,
                note: e.note,
                at: utc(e.created_at),
            })
        })
        .collect::<Result<_, ApiError>>()?;
    let objections = store::objections(conn, t.id.0)?
        .iter()
        .map(|o| objection(o, actor.user_id))
        .collect();
    let entries = store::progress(conn, t.id.0)?
        .into_iter()
        .map(|p| ProgressEntry {
            percent: p.percent,
            note: p.note,
            recorded_by: p.recorded_by.0,
            at: utc(p.created_at),
        })
        .collect();
    let round: Vec<_> = store::evaluations(conn, t.id.0)?
        .into_iter()
        .filter(|e| e.round == t.round)
        .collect();
    let count = round.len() as i64;
    let evaluations = TopicEvaluations {
        round: t.round,
        count,
        mean_stars: (count > 0)
            .then(|| round.iter().map(|e| f64::from(e.stars)).sum::<f64>() / count as f64),
        mine: round.iter().any(|e| e.user_id.0 == actor.user_id),
    };
    let poll_ids = canglong_persistence::polls::on_subject(conn, t.id.0)?
        .into_iter()
        .map(|p| p.id.0)
        .collect();
    Ok(TopicDetail {
        topic: topic(t, actor, store::has_seconded(conn, t.id.0, actor.user_id)?)?,
        history,
        objections,
        progress: entries,
        evaluations,
        poll_ids,
    })
}

/// A resident raises a topic in a scope they live in (a building head may raise one for a
/// resident of a building they head); it gathers seconds (附议) until the community's threshold
/// for the scope, or lapses at the expiry.
#[utoipa::path(tag = "governance", operation_id = "raise_topic", request_body = NewTopic,
    responses((status = 201, body = TopicDetail), Problems), security(("bearer" = [])))]
#[post("/topics")]
pub async fn raise(
    state: web::Data<AppState>,
    auth: Auth,
    body: Body<NewTopic>,
) -> Result<HttpResponse, ApiError> {
    let (actor, n) = (auth.0, body.0);
    let r = Raise {
        title: n.title,
        body: n.description,
        place: n.place,
        level: stored_of(&n.scope)?.0,
        building: n.building_id,
        cluster: n.cluster,
        for_resident: n.for_resident_id,
    };
    let out = db::write(&state.pool, move |conn| {
        let row = use_case::raise(conn, &actor, r, now())?;
        detail(conn, &row, &actor)
    })
    .await?;
    Ok(HttpResponse::Created().json(out))
}

/// The community's topics, newest first, a page at a time; hidden ones only for staff and
/// their authors.
#[utoipa::path(tag = "governance", operation_id = "list_topics", params(TopicQuery),
    responses((status = 200, body = TopicPage), Problems), security(("bearer" = [])))]
#[get("/topics")]
pub async fn list_topics(
    state: web::Data<AppState>,
    auth: Auth,
    q: web::Query<TopicQuery>,
) -> Result<HttpResponse, ApiError> {
    let (actor, q) = (auth.0, q.into_inner());
    let page = PageRequest::parse(q.limit, q.cursor.as_deref())?;
    let filter = store::Filter {
        status: q.status.as_ref().map(stored_of).transpose()?.map(|s| s.0),
        scope: q.scope.as_ref().map(stored_of).transpose()?.map(|s| s.0),
        building_id: q.building_id,
        hidden: actor.is_staff(),
        own: Some(actor.user_id),
    };
    let out = db::read(&state.pool, move |conn| {
        let rows = store::list(conn, actor.community_id, &filter, &page)?;
        let (rows, next) = page.finish(rows, |t| t.id.0);
        let ids: Vec<Uuid> = rows.iter().map(|t| t.id.0).collect();
        let seconded = store::seconded_among(conn, actor.user_id, &ids)?;
        let items = rows
            .iter()
            .map(|t| topic(t, &actor, seconded.contains(&t.id.0)))
            .collect::<Result<_, _>>()?;
        Ok(TopicPage {
            items,
            next_cursor: next.map(|c| c.encode()),
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(out))
}

/// One topic with its history (every step with who, when and why), objections, progress and
/// evaluations.
#[utoipa::path(tag = "governance", operation_id = "get_topic", params(("id" = Uuid, Path)),
    responses((status = 200, body = TopicDetail), Problems), security(("bearer" = [])))]
#[get("/topics/{id}")]
pub async fn get_topic(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let (actor, id) = (auth.0, id.into_inner());
    let out = db::read(&state.pool, move |conn| {
        let row = use_case::found(conn, &actor, id)?;
        detail(conn, &row, &actor)
    })
    .await?;
    Ok(HttpResponse::Ok().json(out))
}

/// 附议: a resident of the topic's scope, once (409 `already_seconded`), not its author; only
/// while seconding and before the expiry (422 `topic_expired`).
#[utoipa::path(tag = "governance", operation_id = "second_topic", params(("id" = Uuid, Path)),
    responses((status = 201, body = TopicDetail), Problems), security(("bearer" = [])))]
#[post("/topics/{id}/seconds")]
pub async fn second(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let (actor, id) = (auth.0, id.into_inner());
    let out = db::write(&state.pool, move |conn| {
        let row = use_case::second(conn, &actor, id, now())?;
        detail(conn, &row, &actor)
    })
    .await?;
    Ok(HttpResponse::Created().json(out))
}

/// Staff screen a seconded topic with a public reason: accept (立项), merge into another live
/// topic, refer (to the property company or the subdistrict), or reject.
#[utoipa::path(tag = "governance", operation_id = "screen_topic", request_body = ScreeningRequest,
    params(("id" = Uuid, Path)), responses((status = 200, body = TopicDetail), Problems), security(("bearer" = [])))]
#[post("/topics/{id}/screening")]
pub async fn screen(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
    body: Body<ScreeningRequest>,
) -> Result<HttpResponse, ApiError> {
    let (actor, id, s) = (auth.0, id.into_inner(), body.0);
    let screening = Screen {
        decision: stored_of(&s.decision)?.0,
        reason: s.reason,
        merge_into: s.merge_into,
        referred_to: s
            .referred_to
            .as_ref()
            .map(stored_of)
            .transpose()?
            .map(|r| r.0),
    };
    let out = db::write(&state.pool, move |conn| {
        let row = use_case::screen(conn, &actor, id, screening, now())?;
        detail(conn, &row, &actor)
    })
    .await?;
    Ok(HttpResponse::Ok().json(out))
}

/// 公示: staff publish a passed decision for its objection window, naming who carries it out
/// and by when (after the window).
#[utoipa::path(tag = "governance", operation_id = "resolve_topic", request_body = ResolutionRequest,
    params(("id" = Uuid, Path)), responses((status = 200, body = TopicDetail), Problems), security(("bearer" = [])))]
#[post("/topics/{id}/resolution")]
pub async fn resolve(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
    body: Body<ResolutionRequest>,
) -> Result<HttpResponse, ApiError> {
    let (actor, id, r) = (auth.0, id.into_inner(), body.0);
    let res = Resolution {
        decision: r.decision,
        objection_days: r.objection_days,
        owner: r.owner_id,
        deadline: r.deadline.naive_utc(),
    };
    let out = db::write(&state.pool, move |conn| {
        let row = use_case::resolve(conn, &actor, id, res, now())?;
        detail(conn, &row, &actor)
    })
    .await?;
    Ok(HttpResponse::Ok().json(out))
}

/// An objection to a publicised decision, by a resident of its scope, during the window.
#[utoipa::path(tag = "governance", operation_id = "object_to_topic", request_body = ObjectionRequest,
    params(("id" = Uuid, Path)), responses((status = 201, body = Objection), Problems), security(("bearer" = [])))]
#[post("/topics/{id}/objections")]
pub async fn object(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
    body: Body<ObjectionRequest>,
) -> Result<HttpResponse, ApiError> {
    let (actor, id, o) = (auth.0, id.into_inner(), body.0);
    let me = actor.user_id;
    let out = db::write(&state.pool, move |conn| {
        Ok(objection(
            &use_case::object(conn, &actor, id, &o.text, now())?,
            me,
        ))
    })
    .await?;
    Ok(HttpResponse::Created().json(out))
}

/// Staff answer an objection in public, once (409 `already_replied`).
#[utoipa::path(tag = "governance", operation_id = "reply_to_objection", request_body = ObjectionReply,
    params(("id" = Uuid, Path)), responses((status = 200, body = Objection), Problems), security(("bearer" = [])))]
#[post("/objections/{id}/reply")]
pub async fn reply(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
    body: Body<ObjectionReply>,
) -> Result<HttpResponse, ApiError> {
    let (actor, id, r) = (auth.0, id.into_inner(), body.0);
    let me = actor.user_id;
    let out = db::write(&state.pool, move |conn| {
        Ok(objection(
            &use_case::reply(conn, &actor, id, &r.reply, now())?,
            me,
        ))
    })
    .await?;
    Ok(HttpResponse::Ok().json(out))
}

/// The decision's owner (or staff) reports progress once the objection window has passed;
/// 100 is done.
#[utoipa::path(tag = "governance", operation_id = "topic_progress", request_body = ProgressRequest,
    params(("id" = Uuid, Path)), responses((status = 201, body = TopicDetail), Problems), security(("bearer" = [])))]
#[post("/topics/{id}/progress")]
pub async fn progress(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
    body: Body<ProgressRequest>,
) -> Result<HttpResponse, ApiError> {
    let (actor, id, p) = (auth.0, id.into_inner(), body.0);
    let out = db::write(&state.pool, move |conn| {
        let row = use_case::report_progress(conn, &actor, id, p.percent, &p.note, now())?;
        detail(conn, &row, &actor)
    })
    .await?;
    Ok(HttpResponse::Created().json(out))
}

/// A resident of the scope evaluates the result once per round (409 `already_evaluated`);
/// after three, a mean below three stars reopens the work.
#[utoipa::path(tag = "governance", operation_id = "evaluate_topic", request_body = TopicEvaluationRequest,
    params(("id" = Uuid, Path)), responses((status = 201, body = TopicDetail), Problems), security(("bearer" = [])))]
#[post("/topics/{id}/evaluations")]
pub async fn evaluate(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
    body: Body<TopicEvaluationRequest>,
) -> Result<HttpResponse, ApiError> {
    let (actor, id, e) = (auth.0, id.into_inner(), body.0);
    let out = db::write(&state.pool, move |conn| {
        let row = use_case::evaluate(conn, &actor, id, e.stars, &e.comment, now())?;
        detail(conn, &row, &actor)
    })
    .await?;
    Ok(HttpResponse::Created().json(out))
}

/// Moderation: staff hide a topic from the lists with a reason; its history stays.
#[utoipa::path(tag = "governance", operation_id = "hide_topic", request_body = HidingRequest,
    params(("id" = Uuid, Path)), responses((status = 200, body = TopicDetail), Problems), security(("bearer" = [])))]
#[post("/topics/{id}/hiding")]
pub async fn hide(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
    body: Body<HidingRequest>,
) -> Result<HttpResponse, ApiError> {
    let (actor, id, h) = (auth.0, id.into_inner(), body.0);
    let out = db::write(&state.pool, move |conn| {
        let row = use_case::hide(conn, &actor, id, &h.reason, now())?;
        detail(conn, &row, &actor)
    })
    .await?;
    Ok(HttpResponse::Ok().json(out))
}

/// The seconds a topic needs per scope here, and the days to gather them.
#[utoipa::path(tag = "governance", operation_id = "topic_thresholds",
    responses((status = 200, body = TopicThresholds), Problems), security(("bearer" = [])))]
#[get("/topic-thresholds")]
pub async fn thresholds(state: web::Data<AppState>, auth: Auth) -> Result<HttpResponse, ApiError> {
    let actor = auth.0;
    let out = db::read(&state.pool, move |conn| {
        let items = [
            ScopeLevel::Building,
            ScopeLevel::Cluster,
            ScopeLevel::Community,
        ]
        .into_iter()
        .map(|scope| {
            let level = stored_of(&scope)?.0;
            let (seconds, expiry_days) = use_case::threshold(conn, actor.community_id, level)?;
            Ok(ScopeThreshold {
                scope,
                seconds,
                expiry_days,
            })
        })
        .collect::<Result<_, ApiError>>()?;
        Ok(TopicThresholds { items })
    })
    .await?;
    Ok(HttpResponse::Ok().json(out))
}

/// A community admin sets a scope's threshold (for topics raised from now on).
#[utoipa::path(tag = "governance", operation_id = "set_topic_threshold", request_body = TopicThreshold,
    params(("scope" = ScopeLevel, Path)), responses((status = 200, body = ScopeThreshold), Problems), security(("bearer" = [])))]
#[put("/topic-thresholds/{scope}")]
pub async fn set_threshold(
    state: web::Data<AppState>,
    auth: Auth,
    scope: web::Path<ScopeLevel>,
    body: Body<TopicThreshold>,
) -> Result<HttpResponse, ApiError> {
    let (actor, scope, t) = (auth.0, scope.into_inner(), body.0);
    let level = stored_of(&scope)?.0;
    let out = db::write(&state.pool, move |conn| {
        let (seconds, expiry_days) =
            use_case::set_threshold(conn, &actor, level, t.seconds, t.expiry_days)?;
        Ok(ScopeThreshold {
            scope,
            seconds,
            expiry_days,
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(out))
}
