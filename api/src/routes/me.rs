//! The signed-in person's own profile.

use std::collections::BTreeMap;

use actix_web::{HttpResponse, get, patch, post, web};
use canglong_openapi::{Child, ChildList, Me, MeUpdate, NewChild};
use canglong_persistence::{AnyConnection, ledger, people as store, volunteers};
use canglong_services::people;
use utoipa_actix_web::service_config::ServiceConfig;

use super::{Problems, views};
use crate::auth::Auth;
use crate::extract::Body;
use crate::{ApiError, AppState, db};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(get_me)
        .service(update_me)
        .service(list_children)
        .service(add_child);
}

fn load_me(conn: &mut AnyConnection, user_id: uuid::Uuid) -> Result<Me, ApiError> {
    let user = store::find_user(conn, user_id)?
        .ok_or_else(|| ApiError::unauthorized("invalid_token", "no such user"))?;
    let roles = store::roles_of(conn, user_id)?;
    let volunteer = match volunteers::by_user(conn, user_id)? {
        Some(v) => Some(super::volunteers::view(conn, &v, true)?),
        None => None,
    };
    let prefs: BTreeMap<String, bool> =
        serde_json::from_str(&user.notification_prefs).unwrap_or_default();
    let points_balance = ledger::account_of(
        conn,
        user.community_id.0,
        canglong_ledger::AccountKind::Resident.as_str(),
        user_id,
    )?
    .map_or(0, |a| a.balance);
    Ok(Me {
        id: user.id.0,
        nickname: user.nickname,
        community_id: user.community_id.0,
        roles: roles
            .iter()
            .map(|r| views::enum_of(r))
            .collect::<Result<_, _>>()?,
        phone_masked: user.phone.as_deref().map(views::mask_phone),
        notification_preferences: prefs,
        volunteer,
        merchant_id: canglong_persistence::alliance::staff_merchant(conn, user_id)?,
        points_balance,
        created_at: views::utc(user.created_at),
    })
}

/// The caller's profile: roles, masked phone, volunteer profile.
#[utoipa::path(tag = "me", operation_id = "get_me", responses((status = 200, body = Me), Problems),
    security(("bearer" = [])))]
#[get("/me")]
pub async fn get_me(state: web::Data<AppState>, auth: Auth) -> Result<HttpResponse, ApiError> {
    let id = auth.user_id;
    let me = db::read(&state.pool, move |c| load_me(c, id)).await?;
    Ok(HttpResponse::Ok().json(me))
}

/// Change nickname, phone or notification preferences. Roles, community and balances are not
/// writable here (an unknown field is refused with 400).
#[utoipa::path(tag = "me", operation_id = "update_me", request_body = MeUpdate,
    responses((status = 200, body = Me), Problems), security(("bearer" = [])))]
#[patch("/me")]
pub async fn update_me(
    state: web::Data<AppState>,
    auth: Auth,
    body: Body<MeUpdate>,
) -> Result<HttpResponse, ApiError> {
    let u = body.0;
    let change = people::ProfileChange {
        nickname: u.nickname,
        phone: u.phone,
        notification_preferences: u.notification_preferences,
    };
    let id = auth.user_id;
    let me = db::write(&state.pool, move |conn| {
        people::update_profile(conn, id, change)?;
        load_me(conn, id)
    })
    .await?;
    Ok(HttpResponse::Ok().json(me))
}

fn children(conn: &mut AnyConnection, parent: uuid::Uuid) -> Result<ChildList, ApiError> {
    let items = canglong_persistence::activities::children_of(conn, parent)?
        .into_iter()
        .map(|c| Child {
            id: c.id.0,
            nickname: c.nickname,
            birth_year: c.birth_year,
        })
        .collect();
    Ok(ChildList { items })
}

/// The caller's children: only a nickname and a birth year, seen by no one else.
#[utoipa::path(tag = "me", operation_id = "list_children",
    responses((status = 200, body = ChildList), Problems), security(("bearer" = [])))]
#[get("/me/children")]
pub async fn list_children(
    state: web::Data<AppState>,
    auth: Auth,
) -> Result<HttpResponse, ApiError> {
    let id = auth.user_id;
    let list = db::read(&state.pool, move |c| children(c, id)).await?;
    Ok(HttpResponse::Ok().json(list))
}

/// Add a child profile (for enrolment in classes).
#[utoipa::path(tag = "me", operation_id = "add_child", request_body = NewChild,
    responses((status = 201, body = ChildList), Problems), security(("bearer" = [])))]
#[post("/me/children")]
pub async fn add_child(
    state: web::Data<AppState>,
    auth: Auth,
    body: Body<NewChild>,
) -> Result<HttpResponse, ApiError> {
    auth.require(&[canglong_core::Role::Resident])?;
    let (user, community, c) = (auth.user_id, auth.community_id, body.0);
    let list = db::write(&state.pool, move |conn| {
        people::add_child(conn, community, user, &c.nickname, c.birth_year)?;
        children(conn, user)
    })
    .await?;
    Ok(HttpResponse::Created().json(list))
}
