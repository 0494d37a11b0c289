//! Cultural associations: members, the weekly timetable in the centre's rooms, the roll.

use actix_web::{HttpResponse, get, post, web};
use canglong_core::{Uuid, now};
use canglong_openapi::{
    Association, AssociationList, AssociationSession, AssociationSessionList, Attendance, Attendee,
    CheckinCode, Member, MemberRole, NewAssociation, NewAssociationSession, NewMember, RollRequest,
};
use canglong_persistence::AnyConnection;
use canglong_persistence::associations::{self as store, AssociationRow, SessionRow};
use canglong_services::associations::{self as use_case, Roll};
use utoipa_actix_web::service_config::ServiceConfig;

use super::Problems;
use super::views::{enum_of, stored_of, utc};
use crate::auth::Auth;
use crate::extract::Body;
use crate::{ApiError, AppState, db};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create_association)
        .service(list_associations)
        .service(get_association)
        .service(add_member)
        .service(schedule)
        .service(session_code)
        .service(attendance);
}

/// Sessions shown with an association: the coming ones.
const TIMETABLE: i64 = 20;

fn session(s: &SessionRow) -> AssociationSession {
    AssociationSession {
        id: s.id.0,
        association_id: s.association_id.0,
        title: s.title.clone(),
        room_id: s.room_id.0,
        starts_at: utc(s.starts_at),
        ends_at: utc(s.ends_at),
    }
}

fn associations(
    conn: &mut AnyConnection,
    rows: &[AssociationRow],
) -> Result<Vec<Association>, ApiError> {
    let ids: Vec<Uuid> = rows.iter().map(|a| a.id.0).collect();
    let members = store::members_of(conn, &ids)?;
    let at = now();
    rows.iter()
        .map(|a| {
            let timetable = store::sessions_of(conn, &[a.id.0], at, TIMETABLE)?
                .iter()
                .map(session)
                .collect();
            Ok(Association {
                id: a.id.0,
                name: a.name.clone(),
                kind: enum_of(&a.kind)?,
                description: a.description.clone(),
                members: members
                    .iter()
                    .filter(|(m, _)| m.association_id == a.id)
                    .map(|(m, name)| {
                        Ok(Member {
                            user_id: m.user_id.0,
                            name: name.clone(),
                            role: enum_of(&m.role)?,
                        })
                    })
                    .collect::<Result<_, ApiError>>()?,
                timetable,
                created_at: utc(a.created_at),
            })
        })
        .collect()
}

/// Staff: an association (社团) with its first leaders.
#[utoipa::path(tag = "associations", operation_id = "create_association", request_body = NewAssociation,
    responses((status = 201, body = Association), Problems), security(("bearer" = [])))]
#[post("/associations")]
pub async fn create_association(
    state: web::Data<AppState>,
    auth: Auth,
    body: Body<NewAssociation>,
) -> Result<HttpResponse, ApiError> {
    let (actor, n) = (auth.0, body.0);
    let kind = stored_of(&n.kind)?.0;
    let a = db::write(&state.pool, move |conn| {
        let draft = use_case::Draft {
            name: &n.name,
            kind,
            description: &n.description,
            leaders: &n.leader_ids,
        };
        let row = use_case::create(conn, &actor, draft)?;
        associations(conn, &[row]).map(|mut v| v.remove(0))
    })
    .await?;
    Ok(HttpResponse::Created().json(a))
}

/// The community's associations with their members and coming sessions.
#[utoipa::path(tag = "associations", operation_id = "list_associations",
    responses((status = 200, body = AssociationList), Problems), security(("bearer" = [])))]
#[get("/associations")]
pub async fn list_associations(
    state: web::Data<AppState>,
    auth: Auth,
) -> Result<HttpResponse, ApiError> {
    let community = auth.community_id;
    let list = db::read(&state.pool, move |conn| {
        let rows = store::associations_of(conn, community)?;
        Ok(AssociationList {
            items: associations(conn, &rows)?,
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(list))
}

/// One association with its members and coming sessions.
#[utoipa::path(tag = "associations", operation_id = "get_association", params(("id" = Uuid, Path)),
    responses((status = 200, body = Association), Problems), security(("bearer" = [])))]
#[get("/associations/{id}")]
pub async fn get_association(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let (community, id) = (auth.community_id, id.into_inner());
    let a = db::read(&state.pool, move |conn| {
        let row = use_case::found(conn, community, id)?;
        associations(conn, &[row]).map(|mut v| v.remove(0))
    })
    .await?;
    Ok(HttpResponse::Ok().json(a))
}

/// A member joins: a leader adds members; staff add members and leaders. 409 `already_member`.
#[utoipa::path(tag = "associations", operation_id = "add_association_member", request_body = NewMember,
    params(("id" = Uuid, Path)), responses((status = 201, body = Association), Problems), security(("bearer" = [])))]
#[post("/associations/{id}/members")]
pub async fn add_member(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
    body: Body<NewMember>,
) -> Result<HttpResponse, ApiError> {
    let (actor, id, m) = (auth.0, id.into_inner(), body.0);
    let role = stored_of(&m.role.unwrap_or(MemberRole::Member))?.0;
    let a = db::write(&state.pool, move |conn| {
        let row = use_case::add_member(conn, &actor, id, m.user_id, role)?;
        associations(conn, &[row]).map(|mut v| v.remove(0))
    })
    .await?;
    Ok(HttpResponse::Created().json(a))
}

/// A leader or staff put a session on the timetable in one of the centre's rooms, repeated
/// weekly: all the weeks or none (422 `room_busy` names the first time the room is taken).
#[utoipa::path(tag = "associations", operation_id = "schedule_association_session", request_body = NewAssociationSession,
    params(("id" = Uuid, Path)), responses((status = 201, body = AssociationSessionList), Problems), security(("bearer" = [])))]
#[post("/associations/{id}/sessions")]
pub async fn schedule(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
    body: Body<NewAssociationSession>,
) -> Result<HttpResponse, ApiError> {
    let (actor, id, s) = (auth.0, id.into_inner(), body.0);
    let draft = use_case::SessionDraft {
        title: s.title,
        room_id: s.room_id,
        starts_at: s.starts_at.naive_utc(),
        ends_at: s.ends_at.naive_utc(),
        weeks: s.weeks.unwrap_or(1),
    };
    let rows = db::write(&state.pool, move |conn| {
        Ok(use_case::schedule(conn, &actor, id, draft)?)
    })
    .await?;
    Ok(HttpResponse::Created().json(AssociationSessionList {
        items: rows.iter().map(session).collect(),
    }))
}

/// A leader or staff: the code to show at the door; it changes every 30 seconds and the previous
/// one still works.
#[utoipa::path(tag = "associations", operation_id = "association_session_code", params(("id" = Uuid, Path)),
    responses((status = 200, body = CheckinCode), Problems), security(("bearer" = [])))]
#[get("/association-sessions/{id}/checkin-code")]
pub async fn session_code(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let (actor, id) = (auth.0, id.into_inner());
    let (code, expires) = db::read(&state.pool, move |conn| {
        Ok(use_case::door_code(conn, &actor, id)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(CheckinCode {
        code,
        expires_at: utc(expires),
    }))
}

/// The attendance of a session: the leader's (or staff's) roll of the people present
/// (`user_ids`, counted once each; anyone else 403 `not_leader`), or a member checking in with the
/// code at the door (`code`). Every attendee counts with their target group (一老一小一新).
#[utoipa::path(tag = "associations", operation_id = "association_attendance", request_body = RollRequest,
    params(("id" = Uuid, Path)), responses((status = 201, body = Attendance), Problems), security(("bearer" = [])))]
#[post("/association-sessions/{id}/attendance")]
pub async fn attendance(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
    body: Body<RollRequest>,
) -> Result<HttpResponse, ApiError> {
    let (actor, id, r) = (auth.0, id.into_inner(), body.0);
    let out = db::write(&state.pool, move |conn| {
        let roll: Roll = match (r.code, r.user_ids.is_empty()) {
            (Some(code), true) => use_case::check_in(conn, &actor, id, &code)?,
            (None, false) => use_case::take_roll(conn, &actor, id, &r.user_ids)?,
            _ => {
                return Err(ApiError::unprocessable(
                    "invalid_attendance",
                    "send either `user_ids` (the roll) or `code` (a member's check-in)",
                ));
            }
        };
        let attendees = store::attendance_of(conn, id)?
            .iter()
            .map(|a| {
                Ok(Attendee {
                    user_id: a.user_id.0,
                    target_group: enum_of(&a.target_group)?,
                    method: enum_of(&a.method)?,
                    at: utc(a.created_at),
                })
            })
            .collect::<Result<_, ApiError>>()?;
        Ok(Attendance {
            session_id: id,
            counted: roll.counted,
            already: roll.already,
            attendees,
        })
    })
    .await?;
    Ok(HttpResponse::Created().json(out))
}
