//! Vouchers: the holder's list, cancellation with refund, 核销 at the merchant, rating.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use canglong_alliance::normalize_code;
use canglong_core::{PageRequest, Role, Uuid};
use canglong_openapi::{Voucher, VoucherPage, VoucherQuery, VoucherRating, VoucherUse};
use canglong_persistence::alliance as store;
use utoipa_actix_web::service_config::ServiceConfig;

use canglong_services::alliance;

use super::voucher_view;
use crate::auth::Auth;
use crate::extract::{Body, IdempotencyKey};
use crate::idempotency;
use crate::routes::Problems;
use crate::routes::views::name_of;
use crate::{ApiError, AppState, db};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(my_vouchers)
        .service(cancel)
        .service(use_voucher)
        .service(rate);
}

/// The caller's vouchers, newest first.
#[utoipa::path(tag = "alliance", operation_id = "list_vouchers", params(VoucherQuery),
    responses((status = 200, body = VoucherPage), Problems), security(("bearer" = [])))]
#[get("/vouchers")]
pub async fn my_vouchers(
    state: web::Data<AppState>,
    auth: Auth,
    q: web::Query<VoucherQuery>,
) -> Result<HttpResponse, ApiError> {
    let (actor, q) = (auth.0, q.into_inner());
    let page = PageRequest::parse(q.limit, q.cursor.as_deref())?;
    let result = db::read(&state.pool, move |conn| {
        let status = q.status.as_ref().map(name_of);
        let rows = store::vouchers_of_holder(
            conn,
            actor.community_id,
            actor.user_id,
            status.as_deref(),
            &page,
        )?;
        let (rows, next) = page.finish(rows, |r| r.id.0);
        let items = rows
            .iter()
            .map(voucher_view)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(VoucherPage {
            items,
            next_cursor: next.map(|c| c.encode()),
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(result))
}

/// The holder cancels an unused voucher; points come back by the community's refund rule. A
/// seat in a class bought with it is given up (refused once attended).
#[utoipa::path(tag = "alliance", operation_id = "cancel_voucher", params(("id" = Uuid, Path)),
    responses((status = 200, body = Voucher), Problems), security(("bearer" = [])))]
#[post("/vouchers/{id}/cancellation")]
pub async fn cancel(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let (actor, id) = (auth.0, id.into_inner());
    let v = db::write(&state.pool, move |conn| {
        voucher_view(&alliance::cancel_voucher(conn, &actor, id)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(v))
}

/// 核销: staff of the voucher's merchant (community staff for the community's own vouchers)
/// enter or scan the code. A voucher is used once, only at its own merchant, only while valid;
/// every attempt is logged, and too many wrong codes make the caller wait.
#[utoipa::path(tag = "alliance", operation_id = "use_voucher", request_body = VoucherUse,
    params(("Idempotency-Key" = String, Header, description = "Required: a retry with the same key and body answers the first response again")),
    responses((status = 200, body = Voucher), Problems), security(("bearer" = [])))]
#[post("/vouchers/use")]
pub async fn use_voucher(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    key: IdempotencyKey,
    body: Body<VoucherUse>,
) -> Result<HttpResponse, ApiError> {
    auth.require(&[Role::MerchantStaff, Role::CommunityAdmin])?;
    key.required()?;
    let (actor, code) = (auth.0, normalize_code(&body.0.code));
    let fp = idempotency::fingerprint("POST", req.path(), &code);
    let pool = state.pool.clone();
    let counter = db::read(&pool, {
        let actor = actor.clone();
        move |conn| Ok(alliance::counter_of(conn, &actor)?)
    })
    .await?;
    let outcome = idempotency::once(&state, actor.user_id, key, fp, {
        let actor = actor.clone();
        move |conn| {
            let v = alliance::use_voucher(conn, &actor, counter, &code)?;
            idempotency::answer(StatusCode::OK, &voucher_view(&v)?)
        }
    })
    .await;
    // Logged outside the refused transaction, which rolled back.
    if let Err(e) = &outcome {
        let refusal = e.code;
        db::write(&pool, move |conn| {
            Ok(alliance::log_refusal(conn, &actor, counter, refusal)?)
        })
        .await?;
    }
    outcome
}

/// The holder rates the merchant after using a voucher, once; the ratings feed its annual
/// evaluation.
#[utoipa::path(tag = "alliance", operation_id = "rate_voucher", request_body = VoucherRating,
    params(("id" = Uuid, Path)), responses((status = 204, description = "rated"), Problems), security(("bearer" = [])))]
#[post("/vouchers/{id}/rating")]
pub async fn rate(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
    body: Body<VoucherRating>,
) -> Result<HttpResponse, ApiError> {
    let (actor, id, r) = (auth.0, id.into_inner(), body.0);
    db::write(&state.pool, move |conn| {
        Ok(alliance::rate_voucher(
            conn, &actor, id, r.stars, &r.comment,
        )?)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
