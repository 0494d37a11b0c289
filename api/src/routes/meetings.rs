//! Deliberation meetings: call, list, register, check in, minutes and their confirmation.

use actix_web::{HttpResponse, get, post, web};
use canglong_core::{Actor, PageRequest, Uuid, now};
use canglong_openapi::{
    AgendaItem, Meeting, MeetingPage, MeetingRoll, MinutesRequest, NewMeeting, PageQuery,
};
use canglong_persistence::AnyConnection;
use canglong_persistence::meetings::{self as store, MeetingRow};
use canglong_services::meetings::{self as use_case, Draft, Minute};
use utoipa_actix_web::service_config::ServiceConfig;

use super::Problems;
use super::views::{enum_of, stored_of, utc};
use crate::auth::Auth;
use crate::extract::Body;
use crate::{ApiError, AppState, db};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create_meeting)
        .service(list_meetings)
        .service(get_meeting)
        .service(register)
        .service(check_in)
        .service(minutes)
        .service(confirm);
}

fn meeting(conn: &mut AnyConnection, m: &MeetingRow, actor: &Actor) -> Result<Meeting, ApiError> {
    let agenda = store::agenda(conn, m.id.0)?
        .into_iter()
        .map(|(a, title)| {
            Ok(AgendaItem {
                topic_id: a.topic_id.0,
                title,
                outcome: a.outcome.as_deref().map(enum_of).transpose()?,
                note: a.note,
            })
        })
        .collect::<Result<_, ApiError>>()?;
    let people = store::people(conn, m.id.0)?;
    let count =
        |f: &dyn Fn(&store::PersonRow) -> bool| people.iter().filter(|p| f(p)).count() as i64;
    let me = people.iter().find(|p| p.user_id.0 == actor.user_id);
    Ok(Meeting {
        id: m.id.0,
        kind: enum_of(&m.kind)?,
        title: m.title.clone(),
        starts_at: utc(m.starts_at),
        place: m.place.clone(),
        scope: enum_of(&m.scope)?,
        building_id: m.building_id.map(|b| b.0),
        cluster: m.cluster.clone(),
        agenda,
        registered: count(&|p| p.registered_at.is_some()),
        present: count(&|p| p.checked_in_at.is_some()),
        confirmations: count(&|p| p.confirmed_at.is_some()),
        registered_me: me.is_some_and(|p| p.registered_at.is_some()),
        present_me: me.is_some_and(|p| p.checked_in_at.is_some()),
        confirmed_me: me.is_some_and(|p| p.confirmed_at.is_some()),
        minutes: m.minutes.clone(),
        minuted_at: m.minuted_at.map(utc),
        confirmed_at: m.confirmed_at.map(utc),
        created_at: utc(m.created_at),
    })
}

/// Staff call a bench meeting (a building's or a cluster's) or a hall meeting (the community's)
/// with accepted topics of its scope on the agenda; the scope's residents are invited.
#[utoipa::path(tag = "governance", operation_id = "create_meeting", request_body = NewMeeting,
    responses((status = 201, body = Meeting), Problems), security(("bearer" = [])))]
#[post("/meetings")]
pub async fn create_meeting(
    state: web::Data<AppState>,
    auth: Auth,
    body: Body<NewMeeting>,
) -> Result<HttpResponse, ApiError> {
    let (actor, n) = (auth.0, body.0);
    let d = Draft {
        kind: stored_of(&n.kind)?.0,
        title: n.title,
        starts_at: n.starts_at.naive_utc(),
        place: n.place,
        level: stored_of(&n.scope)?.0,
        building: n.building_id,
        cluster: n.cluster,
        topics: n.topic_ids,
    };
    let out = db::write(&state.pool, move |conn| {
        let row = use_case::create(conn, &actor, d, now())?;
        meeting(conn, &row, &actor)
    })
    .await?;
    Ok(HttpResponse::Created().json(out))
}

/// The community's meetings, the latest called first, a page at a time.
#[utoipa::path(tag = "governance", operation_id = "list_meetings", params(PageQuery),
    responses((status = 200, body = MeetingPage), Problems), security(("bearer" = [])))]
#[get("/meetings")]
pub async fn list_meetings(
    state: web::Data<AppState>,
    auth: Auth,
    q: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let actor = auth.0;
    let page = PageRequest::parse(q.limit, q.cursor.as_deref())?;
    let out = db::read(&state.pool, move |conn| {
        let rows = store::list(conn, actor.community_id, &page)?;
        let (rows, next) = page.finish(rows, |m| m.id.0);
        let items = rows
            .iter()
            .map(|m| meeting(conn, m, &actor))
            .collect::<Result<_, _>>()?;
        Ok(MeetingPage {
            items,
            next_cursor: next.map(|c| c.encode()),
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(out))
}

/// One meeting: its agenda with what became of each topic, registrations, attendance and the
/// minutes with their confirmations.
#[utoipa::path(tag = "governance", operation_id = "get_meeting", params(("id" = Uuid, Path)),
    responses((status = 200, body = Meeting), Problems), security(("bearer" = [])))]
#[get("/meetings/{id}")]
pub async fn get_meeting(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let (actor, id) = (auth.0, id.into_inner());
    let out = db::read(&state.pool, move |conn| {
        let row = use_case::found(conn, actor.community_id, id)?;
        meeting(conn, &row, &actor)
    })
    .await?;
    Ok(HttpResponse::Ok().json(out))
}

/// A resident of the meeting's scope registers before it starts (409 `already_registered`).
#[utoipa::path(tag = "governance", operation_id = "register_for_meeting", params(("id" = Uuid, Path)),
    responses((status = 201, body = Meeting), Problems), security(("bearer" = [])))]
#[post("/meetings/{id}/registrations")]
pub async fn register(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let (actor, id) = (auth.0, id.into_inner());
    let out = db::write(&state.pool, move |conn| {
        let row = use_case::register(conn, &actor, id, now())?;
        meeting(conn, &row, &actor)
    })
    .await?;
    Ok(HttpResponse::Created().json(out))
}

/// Staff check people in at the door, from an hour before the start to twelve hours after; a
/// roll sent again adds no one twice.
#[utoipa::path(tag = "governance", operation_id = "meeting_checkins", request_body = MeetingRoll,
    params(("id" = Uuid, Path)), responses((status = 201, body = Meeting), Problems), security(("bearer" = [])))]
#[post("/meetings/{id}/checkins")]
pub async fn check_in(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
    body: Body<MeetingRoll>,
) -> Result<HttpResponse, ApiError> {
    let (actor, id, r) = (auth.0, id.into_inner(), body.0);
    let out = db::write(&state.pool, move |conn| {
        let row = use_case::check_in(conn, &actor, id, &r.user_ids, now())?;
        meeting(conn, &row, &actor)
    })
    .await?;
    Ok(HttpResponse::Created().json(out))
}

/// Staff record the minutes once the meeting has started, once (409 `minutes_recorded`): a
/// summary and an outcome for every topic on the agenda.
#[utoipa::path(tag = "governance", operation_id = "meeting_minutes", request_body = MinutesRequest,
    params(("id" = Uuid, Path)), responses((status = 201, body = Meeting), Problems), security(("bearer" = [])))]
#[post("/meetings/{id}/minutes")]
pub async fn minutes(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
    body: Body<MinutesRequest>,
) -> Result<HttpResponse, ApiError> {
    let (actor, id, m) = (auth.0, id.into_inner(), body.0);
    let decisions = m
        .decisions
        .iter()
        .map(|d| {
            Ok(Minute {
                topic: d.topic_id,
                outcome: stored_of(&d.outcome)?.0,
                note: d.note.clone(),
            })
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    let out = db::write(&state.pool, move |conn| {
        let row = use_case::minutes(conn, &actor, id, &m.summary, &decisions, now())?;
        meeting(conn, &row, &actor)
    })
    .await?;
    Ok(HttpResponse::Created().json(out))
}

/// A participant checked in at the door confirms the minutes, once (409 `already_confirmed`);
/// they stand confirmed when more than half of those present have.
#[utoipa::path(tag = "governance", operation_id = "confirm_minutes", params(("id" = Uuid, Path)),
    responses((status = 201, body = Meeting), Problems), security(("bearer" = [])))]
#[post("/meetings/{id}/minutes/confirmations")]
pub async fn confirm(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let (actor, id) = (auth.0, id.into_inner());
    let out = db::write(&state.pool, move |conn| {
        let row = use_case::confirm(conn, &actor, id, now())?;
        meeting(conn, &row, &actor)
    })
    .await?;
    Ok(HttpResponse::Created().json(out))
}
