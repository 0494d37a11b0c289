//! The in-app inbox (waitlist promotions and, later, every other notice).

use actix_web::{HttpResponse, get, post, web};
use canglong_core::{PageRequest, Uuid};
use canglong_openapi::{Notification, NotificationPage, PageQuery};
use canglong_persistence::notifications as store;
use utoipa_actix_web::service_config::ServiceConfig;

use super::{Problems, views};
use crate::auth::Auth;
use crate::{ApiError, AppState, db};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(inbox).service(mark_read);
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
            .map(|n| Notification {
                id: n.id.0,
                kind: n.kind.clone(),
                title: n.title.clone(),
                body: n.body.clone(),
                read: n.read_at.is_some(),
                created_at: views::utc(n.created_at),
            })
            .collect();
        Ok(NotificationPage {
            items,
            next_cursor: next.map(|c| c.encode()),
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(result))
}

#[utoipa::path(tag = "notifications", operation_id = "read_notification", params(("id" = Uuid, Path)),
    responses((status = 204, description = "marked read"), Problems), security(("bearer" = [])))]
#[post("/notifications/{id}/read")]
pub async fn mark_read(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let (user, id) = (auth.user_id, id.into_inner());
    let found = db::write(&state.pool, move |conn| {
        Ok(store::mark_read(conn, user, id)?)
    })
    .await?;
    if !found {
        return Err(ApiError::not_found("notification"));
    }
    Ok(HttpResponse::NoContent().finish())
}
