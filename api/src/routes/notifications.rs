//! The in-app inbox, the subscribe-message grants the mini-program reports, and the WeChat
//! outbox as community admins see it.

use actix_web::{HttpResponse, get, post, web};
use canglong_core::{PageRequest, Role, Uuid};
use canglong_openapi::{
    NotificationPage, OutboxMessage, OutboxPage, OutboxQuery, PageQuery, SubscriptionGrant,
    Subscriptions,
};
use canglong_persistence::notifications as store;
use utoipa_actix_web::service_config::ServiceConfig;

use super::{Problems, views};
use crate::auth::Auth;
use crate::extract::Body;
use crate::{ApiError, AppState, db};
use canglong_services::notifications;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(inbox)
        .service(mark_read)
        .service(subscribe)
        .service(subscriptions)
        .service(outbox);
}

/// The caller's notifications, newest first.
#[utoipa::path(tag = "notifications", operation_id = "list_notifications", params(PageQuery),
    responses((status = 200, body = NotificationPage), Problems), security(("bearer" = [])))]
#[get("/notifications")]
pub async fn inbox(
    state: web::Data<AppState>,
    auth: Auth,
    q: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = q.into_inner();
    let page = PageRequest::parse(q.limit, q.cursor.as_deref())?;
    let user = auth.user_id;
    let result = db::read(&state.pool, move |conn| {
        let rows = store::inbox(conn, user, &page)?;
        let (rows, next) = page.finish(rows, |r| r.id.0);
        let items = rows
            .iter()
            .map(views::notification)
            .collect::<Result<_, _>>()?;
        Ok(NotificationPage {
            items,
            next_cursor: next.map(|c| c.encode()),
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(result))
}

/// Mark one of the caller's notifications read.
#[utoipa::path(tag = "notifications", operation_id = "read_notification", params(("id" = Uuid, Path)),
    responses((status = 204, description = "marked read"), Problems), security(("bearer" = [])))]
#[post("/notifications/{id}/read")]
pub async fn mark_read(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let (user, id) = (auth.user_id, id.into_inner());
    db::write(&state.pool, move |conn| {
        Ok(notifications::mark_read(conn, user, id)?)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

fn remaining(
    conn: &mut canglong_persistence::AnyConnection,
    user: Uuid,
) -> Result<Subscriptions, ApiError> {
    Ok(Subscriptions {
        remaining: store::grants_of(conn, user)?.into_iter().collect(),
    })
}

/// Record the one-time subscriptions the person just accepted (`wx.requestSubscribeMessage`):
/// each kind named allows one WeChat message of that kind.
#[utoipa::path(tag = "notifications", operation_id = "add_subscriptions", request_body = SubscriptionGrant,
    responses((status = 200, body = Subscriptions), Problems), security(("bearer" = [])))]
#[post("/me/subscriptions")]
pub async fn subscribe(
    state: web::Data<AppState>,
    auth: Auth,
    body: Body<SubscriptionGrant>,
) -> Result<HttpResponse, ApiError> {
    let (user, kinds) = (auth.user_id, body.0.kinds);
    let out = db::write(&state.pool, move |conn| {
        notifications::subscribe(conn, user, &kinds)?;
        remaining(conn, user)
    })
    .await?;
    Ok(HttpResponse::Ok().json(out))
}

/// The WeChat messages the person still allows, by kind.
#[utoipa::path(tag = "notifications", operation_id = "get_subscriptions",
    responses((status = 200, body = Subscriptions), Problems), security(("bearer" = [])))]
#[get("/me/subscriptions")]
pub async fn subscriptions(
    state: web::Data<AppState>,
    auth: Auth,
) -> Result<HttpResponse, ApiError> {
    let user = auth.user_id;
    let out = db::read(&state.pool, move |conn| remaining(conn, user)).await?;
    Ok(HttpResponse::Ok().json(out))
}

/// Community admin: the WeChat outbox, e.g. `?status=dead` for what was given up.
#[utoipa::path(tag = "notifications", operation_id = "list_outbox", params(OutboxQuery),
    responses((status = 200, body = OutboxPage), Problems), security(("bearer" = [])))]
#[get("/outbox")]
pub async fn outbox(
    state: web::Data<AppState>,
    auth: Auth,
    q: web::Query<OutboxQuery>,
) -> Result<HttpResponse, ApiError> {
    auth.require(&[Role::CommunityAdmin])?;
    let q = q.into_inner();
    let page = PageRequest::parse(q.limit, q.cursor.as_deref())?;
    let community = auth.community_id;
    let status = views::filter_of(q.status.as_ref())?;
    let out = db::read(&state.pool, move |conn| {
        let rows = store::outbox_of(conn, community, status, &page)?;
        let (rows, next) = page.finish(rows, |r| r.id.0);
        Ok(OutboxPage {
            items: rows
                .into_iter()
                .map(|r| {
                    Ok(OutboxMessage {
                        id: r.id.0,
                        user_id: r.user_id.0,
                        kind: views::enum_of(&r.kind)?,
                        status: views::enum_of(&r.status)?,
                        attempts: r.attempts,
                        last_error: r.last_error,
                        next_attempt_at: views::utc(r.next_attempt_at),
                        created_at: views::utc(r.created_at),
                        sent_at: r.sent_at.map(views::utc),
                    })
                })
                .collect::<Result<_, ApiError>>()?,
            next_cursor: next.map(|c| c.encode()),
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(out))
}
