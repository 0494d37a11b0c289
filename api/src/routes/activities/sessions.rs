//! Sessions: the list with seats left, enrolment with a waitlist that moves up, check-in by the
//! code shown at the door, and the volunteers who worked them.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, delete, get, post, web};
use canglong_activities::{self as domain};
use canglong_core::{PageRequest, Uuid, now};
use canglong_openapi::{
    Checkin, CheckinCode, CheckinRequest, Enrolment, EnrolmentRequest, ServiceRecord, Session,
    SessionList, SessionQuery, SessionVolunteers,
};
use canglong_persistence::AnyConnection;
use canglong_persistence::activities::{self as store, EnrolmentRow, SessionRow};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::Auth;
use crate::extract::Body;
use crate::routes::Problems;
use crate::routes::views::{self, enum_of, utc};
use crate::{ApiError, AppState, db};
use canglong_services::activities;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_sessions)
        .service(enrol)
        .service(cancel_enrolment)
        .service(checkin_code)
        .service(check_in)
        .service(record_volunteers);
}

pub fn session_view(conn: &mut AnyConnection, s: &SessionRow) -> Result<Session, ApiError> {
    let (seats_left, waitlist) = activities::seats(conn, s)?;
    Ok(Session {
        id: s.id.0,
        project_id: s.project_id.0,
        package_id: s.package_id.map(|p| p.0),
        title: s.title.clone(),
        starts_at: utc(s.starts_at),
        ends_at: utc(s.ends_at),
        room_id: s.room_id.map(|r| r.0),
        place: s.place.clone(),
        capacity: s.capacity,
        seats_left: seats_left.max(0),
        waitlist_length: waitlist.len() as i32,
        enrol_from: utc(s.enrol_from),
        enrol_to: utc(s.enrol_to),
        volunteer_slots: s.volunteer_slots,
        attendance_points: s.attendance_points,
    })
}

fn enrolment_view(e: &EnrolmentRow) -> Result<Enrolment, ApiError> {
    Ok(Enrolment {
        id: e.id.0,
        session_id: e.session_id.0,
        status: enum_of(&e.status)?,
        position: e.position,
        child_ids: serde_json::from_str(&e.child_ids).unwrap_or_default(),
        party_size: e.party_size,
    })
}

/// Sessions with the seats left and the waitlist's length.
#[utoipa::path(tag = "activities", operation_id = "list_sessions", params(SessionQuery),
    responses((status = 200, body = SessionList), Problems), security(("bearer" = [])))]
#[get("/sessions")]
pub async fn list_sessions(
    state: web::Data<AppState>,
    auth: Auth,
    q: web::Query<SessionQuery>,
) -> Result<HttpResponse, ApiError> {
    let (community, q) = (auth.community_id, q.into_inner());
    let page = PageRequest::parse(q.limit, q.cursor.as_deref())?;
    let list = db::read(&state.pool, move |conn| {
        let window = store::SessionWindow {
            project_id: q.project_id,
            from: q.from.map(|t| t.naive_utc()),
            to: q.to.map(|t| t.naive_utc()),
        };
        let rows = store::list_sessions(conn, community, &window, &page)?;
        let (rows, next) = page.finish(rows, |s| s.id.0);
        let items = rows
            .iter()
            .map(|s| session_view(conn, s))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(SessionList {
            items,
            next_cursor: next.map(|c| c.encode()),
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(list))
}

/// Enrol yourself and your children: enrolled while seats last, then waitlisted in order.
#[utoipa::path(tag = "activities", operation_id = "enrol", request_body = EnrolmentRequest,
    params(("id" = Uuid, Path)), responses((status = 201, body = Enrolment), Problems), security(("bearer" = [])))]
#[post("/sessions/{id}/enrolments")]
pub async fn enrol(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
    body: Body<EnrolmentRequest>,
) -> Result<HttpResponse, ApiError> {
    auth.require(&[canglong_core::Role::Resident])?;
    let (actor, id, r) = (auth.0, id.into_inner(), body.0);
    let e = db::write(&state.pool, move |conn| {
        enrolment_view(&activities::enrol(conn, &actor, id, &r.child_ids)?)
    })
    .await?;
    Ok(HttpResponse::Created().json(e))
}

/// Cancel your enrolment; the waitlist moves up (those whose party fits, in order), and each
/// promoted resident is notified. A seat bought with points is given up with its voucher, which
/// is cancelled and refunded by the community's rule; an attended session cannot be cancelled.
#[utoipa::path(tag = "activities", operation_id = "cancel_enrolment", params(("id" = Uuid, Path)),
    responses((status = 200, body = Enrolment), Problems), security(("bearer" = [])))]
#[delete("/sessions/{id}/enrolments/mine")]
pub async fn cancel_enrolment(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let (actor, id) = (auth.0, id.into_inner());
    let e = db::write(&state.pool, move |conn| {
        enrolment_view(&activities::cancel_enrolment(conn, &actor, id)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(e))
}

/// Staff: the code to show at the door; it changes every 30 seconds and the previous one still
/// works.
#[utoipa::path(tag = "activities", operation_id = "get_checkin_code", params(("id" = Uuid, Path)),
    responses((status = 200, body = CheckinCode), Problems), security(("bearer" = [])))]
#[get("/sessions/{id}/checkin-code")]
pub async fn checkin_code(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    auth.require_staff()?;
    let (community, id) = (auth.community_id, id.into_inner());
    let code = db::read(&state.pool, move |conn| {
        let s =
            store::session(conn, community, id)?.ok_or_else(|| ApiError::not_found("session"))?;
        let at = now();
        Ok(CheckinCode {
            code: domain::checkin_code(&s.checkin_secret, at),
            expires_at: utc(domain::code_expires(at)),
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(code))
}

/// An enrolled resident checks in their party with the code at the door, from 30 minutes before
/// the start to the end: attendance points and, with children, the parent-child co-learning
/// bonus (亲子共学积分), once per person and session. After 5 wrong codes for a session the
/// person gets 429 (`too_many_attempts`) until it ends.
#[utoipa::path(tag = "activities", operation_id = "check_in", request_body = CheckinRequest,
    params(("id" = Uuid, Path)), responses((status = 201, body = Checkin), Problems), security(("bearer" = [])))]
#[post("/sessions/{id}/checkins")]
pub async fn check_in(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
    body: Body<CheckinRequest>,
) -> Result<HttpResponse, ApiError> {
    let (actor, id, code) = (auth.0, id.into_inner(), body.0.code);
    // Its own transactions: a wrong code is recorded though the check-in fails.
    let c = db::read(&state.pool, move |conn| {
        Ok(activities::check_in(conn, &actor, id, &code)?)
    })
    .await?;
    Ok(HttpResponse::Created().json(Checkin {
        session_id: id,
        people: c.people,
        points: c.points,
    }))
}

/// Staff: the volunteers who worked the session get a service record for its time, pending
/// verification like any other.
#[utoipa::path(tag = "activities", operation_id = "record_session_volunteers", request_body = SessionVolunteers,
    params(("id" = Uuid, Path)), responses((status = 201, body = Vec<ServiceRecord>), Problems), security(("bearer" = [])))]
#[post("/sessions/{id}/volunteers")]
pub async fn record_volunteers(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
    body: Body<SessionVolunteers>,
) -> Result<HttpResponse, ApiError> {
    auth.require_staff()?;
    let (actor, id, who) = (auth.0, id.into_inner(), body.0.volunteer_ids);
    let list = db::write(&state.pool, move |conn| {
        canglong_services::records::record_session_volunteers(conn, &actor, id, who)?
            .iter()
            .map(views::service_record)
            .collect::<Result<Vec<_>, _>>()
    })
    .await?;
    Ok(HttpResponse::build(StatusCode::CREATED).json(list))
}
