//! Rooms of the activity centre, partner organisations, and daily visits.

use actix_web::{HttpResponse, get, post, web};
use canglong_core::{Role, Uuid};
use canglong_openapi::{NewPartner, NewRoom, Partner, Room, RoomList, StaffBinding};
use canglong_persistence::activities::{self as store, PartnerRow, RoomRow};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::Auth;
use crate::extract::Body;
use crate::routes::Problems;
use crate::routes::views::{enum_of, stored_of};
use crate::{ApiError, AppState, db};
use canglong_services::projects;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_rooms)
        .service(create_room)
        .service(create_partner)
        .service(bind_partner_staff);
}

pub fn room_view(r: &RoomRow) -> Room {
    Room {
        id: r.id.0,
        name: r.name.clone(),
        zone: r.zone.clone(),
        capacity: r.capacity,
    }
}

pub fn partner_view(p: &PartnerRow) -> Result<Partner, ApiError> {
    Ok(Partner {
        id: p.id.0,
        name: p.name.clone(),
        kind: enum_of(&p.kind)?,
    })
}

/// The activity centre's rooms.
#[utoipa::path(tag = "activities", operation_id = "list_rooms",
    responses((status = 200, body = RoomList), Problems), security(("bearer" = [])))]
#[get("/rooms")]
pub async fn list_rooms(state: web::Data<AppState>, auth: Auth) -> Result<HttpResponse, ApiError> {
    let community = auth.community_id;
    let items = db::read(&state.pool, move |conn| {
        Ok(store::rooms_of(conn, community)?
            .iter()
            .map(room_view)
            .collect())
    })
    .await?;
    Ok(HttpResponse::Ok().json(RoomList { items }))
}

/// Community admin: add a room.
#[utoipa::path(tag = "activities", operation_id = "create_room", request_body = NewRoom,
    responses((status = 201, body = Room), Problems), security(("bearer" = [])))]
#[post("/rooms")]
pub async fn create_room(
    state: web::Data<AppState>,
    auth: Auth,
    body: Body<NewRoom>,
) -> Result<HttpResponse, ApiError> {
    auth.require(&[Role::CommunityAdmin])?;
    let (community, r) = (auth.community_id, body.0);
    let room = db::write(&state.pool, move |conn| {
        let row = projects::create_room(conn, community, r.name, r.zone, r.capacity)?;
        Ok(room_view(&row))
    })
    .await?;
    Ok(HttpResponse::Created().json(room))
}

/// Community admin: register a partner organisation (a university, a company …).
#[utoipa::path(tag = "activities", operation_id = "create_partner", request_body = NewPartner,
    responses((status = 201, body = Partner), Problems), security(("bearer" = [])))]
#[post("/partners")]
pub async fn create_partner(
    state: web::Data<AppState>,
    auth: Auth,
    body: Body<NewPartner>,
) -> Result<HttpResponse, ApiError> {
    auth.require(&[Role::CommunityAdmin])?;
    let (community, p) = (auth.community_id, body.0);
    let kind = stored_of(&p.kind)?.0;
    let partner = db::write(&state.pool, move |conn| {
        let row = projects::create_partner(conn, community, p.name, kind)?;
        partner_view(&row)
    })
    .await?;
    Ok(HttpResponse::Created().json(partner))
}

/// Community admin: bind a person as staff of a partner organisation (they may claim projects).
#[utoipa::path(tag = "activities", operation_id = "bind_partner_staff", request_body = StaffBinding,
    params(("id" = Uuid, Path)), responses((status = 204, description = "bound"), Problems), security(("bearer" = [])))]
#[post("/partners/{id}/staff")]
pub async fn bind_partner_staff(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
    body: Body<StaffBinding>,
) -> Result<HttpResponse, ApiError> {
    auth.require(&[Role::CommunityAdmin])?;
    let (community, id, user) = (auth.community_id, id.into_inner(), body.0.user_id);
    db::write(&state.pool, move |conn| {
        Ok(projects::bind_partner_staff(conn, community, id, user)?)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
