//! Offers: created by a merchant's staff or the community, reviewed by the community, redeemed
//! by residents for vouchers.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use canglong_alliance::OfferStatus;
use canglong_core::{PageRequest, Role, Uuid};
use canglong_openapi::{
    Decision, EnrolmentRequest, NewOffer, Offer, OfferPage, OfferQuery, OfferStatusChange, Voucher,
};
use canglong_persistence::alliance::{self as store, OfferFilter};
use utoipa_actix_web::service_config::ServiceConfig;

use super::{offer_view, voucher_view};
use crate::auth::Auth;
use crate::extract::{Body, IdempotencyKey, parse};
use crate::idempotency;
use crate::routes::Problems;
use crate::routes::views::{name_of, stored_of};
use crate::{ApiError, AppState, db};
use canglong_services::alliance::offers;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create_offer)
        .service(list_offers)
        .service(get_offer)
        .service(review_offer)
        .service(change_status)
        .service(redeem);
}

/// Create an offer; it waits for the community's review before residents see it.
#[utoipa::path(tag = "alliance", operation_id = "create_offer", request_body = NewOffer,
    responses((status = 201, body = Offer), Problems), security(("bearer" = [])))]
#[post("/offers")]
pub async fn create_offer(
    state: web::Data<AppState>,
    auth: Auth,
    body: Body<NewOffer>,
) -> Result<HttpResponse, ApiError> {
    auth.require(&[Role::MerchantStaff, Role::CommunityAdmin])?;
    let (actor, o) = (auth.0, body.0);
    let draft = offers::OfferDraft {
        provider: o.provider,
        kind: stored_of::<canglong_alliance::OfferKind, _>(&o.kind)?.0,
        title: o.title,
        description: o.description,
        points_cost: o.points_cost,
        stock: o.stock,
        per_user_limit: o.per_user_limit,
        valid_from: o.valid_from.naive_utc(),
        valid_to: o.valid_to.naive_utc(),
        voucher_valid_days: o.voucher_valid_days,
        session_id: o.session_id,
    };
    let offer = db::write(&state.pool, move |conn| {
        offer_view(&offers::create(conn, &actor, draft)?)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/offers/{}", offer.id)))
        .json(offer))
}

/// Offers: residents see what they can redeem now (active, in stock, of an active merchant or
/// the community); staff and merchant staff may ask by status.
#[utoipa::path(tag = "alliance", operation_id = "list_offers", params(OfferQuery),
    responses((status = 200, body = OfferPage), Problems), security(("bearer" = [])))]
#[get("/offers")]
pub async fn list_offers(
    state: web::Data<AppState>,
    auth: Auth,
    q: web::Query<OfferQuery>,
) -> Result<HttpResponse, ApiError> {
    let (actor, q) = (auth.0, q.into_inner());
    let page = PageRequest::parse(q.limit, q.cursor.as_deref())?;
    let result = db::read(&state.pool, move |conn| {
        let mut f = OfferFilter {
            kind: q.kind.as_ref().map(name_of),
            ..Default::default()
        };
        match q.provider.as_deref() {
            Some("community") => f.community_only = true,
            Some(p) => {
                f.merchant_id = Some(Uuid::try_parse(p).map_err(|_| {
                    ApiError::unprocessable(
                        "unknown_provider",
                        "provider is `community` or a merchant id",
                    )
                })?)
            }
            None => {}
        }
        let own = store::staff_merchant(conn, actor.user_id)?;
        let sees_all = actor.is_staff()
            || actor.has(Role::CommunityAdmin)
            || (own.is_some() && own == f.merchant_id);
        if sees_all {
            f.status = q.status.as_ref().map(name_of);
        } else {
            f.redeemable_only = true;
        }
        let rows = store::list_offers(conn, actor.community_id, &f, &page)?;
        let (rows, next) = page.finish(rows, |r| r.id.0);
        let items = rows.iter().map(offer_view).collect::<Result<Vec<_>, _>>()?;
        Ok(OfferPage {
            items,
            next_cursor: next.map(|c| c.encode()),
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(result))
}

/// One offer of the alliance.
#[utoipa::path(tag = "alliance", operation_id = "get_offer", params(("id" = Uuid, Path)),
    responses((status = 200, body = Offer), Problems), security(("bearer" = [])))]
#[get("/offers/{id}")]
pub async fn get_offer(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let (actor, id) = (auth.0, id.into_inner());
    let o = db::read(&state.pool, move |conn| {
        let o = store::offer(conn, actor.community_id, id)?
            .ok_or_else(|| ApiError::not_found("offer"))?;
        if o.status.0 != OfferStatus::Active
            && !actor.is_staff()
            && !offers::manages(conn, &actor, &o)?
        {
            return Err(ApiError::not_found("offer"));
        }
        offer_view(&o)
    })
    .await?;
    Ok(HttpResponse::Ok().json(o))
}

/// Community admin: approve (→ active) or reject an offer.
#[utoipa::path(tag = "alliance", operation_id = "review_offer", request_body = Decision,
    params(("id" = Uuid, Path)), responses((status = 200, body = Offer), Problems), security(("bearer" = [])))]
#[post("/offers/{id}/review")]
pub async fn review_offer(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
    body: Body<Decision>,
) -> Result<HttpResponse, ApiError> {
    auth.require(&[Role::CommunityAdmin])?;
    let (actor, id, d) = (auth.0, id.into_inner(), body.0);
    let o = db::write(&state.pool, move |conn| {
        offer_view(&offers::review(conn, &actor, id, d.approve, d.reason)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(o))
}

/// Pause, resume or withdraw an offer (its merchant's staff or a community admin). Vouchers
/// already issued stay valid.
#[utoipa::path(tag = "alliance", operation_id = "change_offer_status", request_body = OfferStatusChange,
    params(("id" = Uuid, Path)), responses((status = 200, body = Offer), Problems), security(("bearer" = [])))]
#[post("/offers/{id}/status")]
pub async fn change_status(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
    body: Body<OfferStatusChange>,
) -> Result<HttpResponse, ApiError> {
    let (actor, id, c) = (auth.0, id.into_inner(), body.0);
    let to = stored_of::<OfferStatus, _>(&c.status)?.0;
    let o = db::write(&state.pool, move |conn| {
        offer_view(&offers::set_status(
            conn,
            &actor,
            id,
            to,
            c.reason.as_deref(),
        )?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(o))
}

/// Redeem points for a voucher. In one transaction: the offer and its provider are active, stock
/// is left, the person is under the per-person limit and has the points; the resident is
/// debited, the provider credited, the stock decremented and the voucher issued. Requires
/// `Idempotency-Key`: a retry returns the same voucher.
#[utoipa::path(tag = "alliance", operation_id = "redeem_offer", request_body(content = Option<EnrolmentRequest>,
    description = "For a course seat: the children it is for"), params(("id" = Uuid, Path),
    ("Idempotency-Key" = String, Header, description = "Required: retries with it redeem once")),
    responses((status = 201, body = Voucher), Problems), security(("bearer" = [])))]
#[post("/offers/{id}/redemptions")]
pub async fn redeem(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
    key: IdempotencyKey,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    auth.require(&[Role::Resident])?;
    // A course seat names the children it is for; other offers take no body.
    let seat: EnrolmentRequest = if body.is_empty() {
        EnrolmentRequest::default()
    } else {
        parse(&body)?
    };
    key.required()?;
    let (actor, id) = (auth.0, id.into_inner());
    let fp = idempotency::fingerprint("POST", req.path(), &seat);
    idempotency::once(&state, actor.user_id, key, fp, move |conn| {
        let v = canglong_services::alliance::redeem(conn, &actor, id, &seat.child_ids)?;
        idempotency::answer(StatusCode::CREATED, &voucher_view(&v)?)
    })
    .await
}
