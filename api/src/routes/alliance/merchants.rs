//! Merchants: apply, review (community), file (subdistrict), staff, evaluation, exit.

use actix_web::{HttpResponse, get, post, web};
use canglong_alliance::{EvaluationDecision, MerchantStatus};
use canglong_core::{Actor, PageRequest, Role, Uuid};
use canglong_openapi::{
    Decision, Evaluation, EvaluationDecision as WireDecision, EvaluationRequest, ExitRequest,
    Merchant, MerchantApplication, MerchantDetail, MerchantEvent, MerchantPage, MerchantQuery,
    StaffBinding,
};
use canglong_persistence::AnyConnection;
use canglong_persistence::alliance::{self as store, EvaluationRow, MerchantRow};
use utoipa_actix_web::service_config::ServiceConfig;

use canglong_services::alliance::{self, merchants};

use super::merchant_view;
use crate::auth::Auth;
use crate::extract::Body;
use crate::routes::Problems;
use crate::routes::views::{enum_of, name_of, utc};
use crate::{ApiError, AppState, db};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(apply)
        .service(list_merchants)
        .service(get_merchant)
        .service(review)
        .service(file)
        .service(bind_staff)
        .service(evaluate)
        .service(exit);
}

/// Apply to join the alliance: the merchant waits for the community's review.
#[utoipa::path(tag = "alliance", operation_id = "apply_merchant", request_body = MerchantApplication,
    responses((status = 201, body = Merchant), Problems), security(("bearer" = [])))]
#[post("/merchants")]
pub async fn apply(
    state: web::Data<AppState>,
    auth: Auth,
    body: Body<MerchantApplication>,
) -> Result<HttpResponse, ApiError> {
    let (actor, a) = (auth.0, body.0);
    let application = merchants::Application {
        name: a.name,
        licence_no: a.licence_no,
        contact_name: a.contact_name,
        contact_phone: a.contact_phone,
        address: a.address,
        category: a.category,
        description: a.description,
    };
    let m = db::write(&state.pool, move |conn| {
        merchant_view(&merchants::apply(conn, &actor, application)?)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/merchants/{}", m.id)))
        .json(m))
}

/// The alliance: residents see active merchants; staff see every status; a subdistrict admin
/// sees the merchants of all its communities (the filing queue is
/// `?status=community_approved`).
#[utoipa::path(tag = "alliance", operation_id = "list_merchants", params(MerchantQuery),
    responses((status = 200, body = MerchantPage), Problems), security(("bearer" = [])))]
#[get("/merchants")]
pub async fn list_merchants(
    state: web::Data<AppState>,
    auth: Auth,
    q: web::Query<MerchantQuery>,
) -> Result<HttpResponse, ApiError> {
    let (actor, q) = (auth.0, q.into_inner());
    let page = PageRequest::parse(q.limit, q.cursor.as_deref())?;
    let status = if actor.is_staff() {
        q.status.as_ref().map(name_of)
    } else {
        Some(
            canglong_alliance::MerchantStatus::Active
                .as_str()
                .to_string(),
        )
    };
    let result = db::read(&state.pool, move |conn| {
        let communities = if actor.has(Role::SubdistrictAdmin) {
            canglong_persistence::stats::communities_of_subdistrict(conn, actor.community_id)?
                .into_iter()
                .map(|(id, _)| id.0)
                .collect()
        } else {
            vec![actor.community_id]
        };
        let rows = store::list_merchants(conn, &communities, status.as_deref(), &page)?;
        let (rows, next) = page.finish(rows, |r| r.id.0);
        let items = rows
            .iter()
            .map(merchant_view)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(MerchantPage {
            items,
            next_cursor: next.map(|c| c.encode()),
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(result))
}

/// Staff, the merchant's own staff and its applicant see its full history and evaluations.
fn sees_books(conn: &mut AnyConnection, actor: &Actor, m: &MerchantRow) -> Result<bool, ApiError> {
    Ok(actor.is_staff()
        || m.applicant_id.is_some_and(|a| a.0 == actor.user_id)
        || store::staff_merchant(conn, actor.user_id)? == Some(m.id.0))
}

fn evaluation_view(e: &EvaluationRow) -> Result<Evaluation, ApiError> {
    Ok(Evaluation {
        id: e.id.0,
        merchant_id: e.merchant_id.0,
        year: e.year,
        decision: enum_of(&e.decision)?,
        note: e.note.clone(),
        figures: serde_json::from_str(&e.figures).map_err(|e| ApiError::bug(format!("{e}")))?,
        decided_by: e.decided_by.0,
        created_at: utc(e.created_at),
    })
}

fn detail(
    conn: &mut AnyConnection,
    actor: &Actor,
    m: &MerchantRow,
) -> Result<MerchantDetail, ApiError> {
    let (history, evaluations) = if sees_books(conn, actor, m)? {
        let history = store::merchant_events(conn, m.id.0)?
            .iter()
            .map(|e| {
                Ok(MerchantEvent {
                    action: e.action.clone(),
                    from_status: e
                        .from_status
                        .as_deref()
                        .filter(|s| !s.is_empty())
                        .map(enum_of)
                        .transpose()?,
                    to_status: enum_of(&e.to_status)?,
                    actor_id: e.actor_id.map(|a| a.0),
                    reason: e.reason.clone(),
                    at: utc(e.created_at),
                })
            })
            .collect::<Result<Vec<_>, ApiError>>()?;
        let evaluations = store::evaluations(conn, m.id.0)?
            .iter()
            .map(evaluation_view)
            .collect::<Result<_, _>>()?;
        (history, evaluations)
    } else {
        (vec![], vec![])
    };
    Ok(MerchantDetail {
        merchant: merchant_view(m)?,
        history,
        evaluations,
    })
}

/// One merchant with its admission history.
#[utoipa::path(tag = "alliance", operation_id = "get_merchant", params(("id" = Uuid, Path)),
    responses((status = 200, body = MerchantDetail), Problems), security(("bearer" = [])))]
#[get("/merchants/{id}")]
pub async fn get_merchant(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let (actor, id) = (auth.0, id.into_inner());
    let d = db::read(&state.pool, move |conn| {
        let m = match store::merchant(conn, actor.community_id, id)? {
            Some(m) => Some(m),
            // The subdistrict files for all its communities.
            None if actor.has(Role::SubdistrictAdmin) => {
                match store::merchant_anywhere(conn, id)? {
                    Some(m)
                        if canglong_persistence::people::same_subdistrict(
                            conn,
                            actor.community_id,
                            m.community_id.0,
                        )? =>
                    {
                        Some(m)
                    }
                    _ => None,
                }
            }
            None => None,
        }
        .ok_or_else(|| ApiError::not_found("merchant"))?;
        if m.status.0 != MerchantStatus::Active && !sees_books(conn, &actor, &m)? {
            return Err(ApiError::not_found("merchant"));
        }
        detail(conn, &actor, &m)
    })
    .await?;
    Ok(HttpResponse::Ok().json(d))
}

/// Community admin: approve or reject an application (or one the subdistrict returned).
#[utoipa::path(tag = "alliance", operation_id = "review_merchant", request_body = Decision,
    params(("id" = Uuid, Path)), responses((status = 200, body = MerchantDetail), Problems), security(("bearer" = [])))]
#[post("/merchants/{id}/review")]
pub async fn review(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
    body: Body<Decision>,
) -> Result<HttpResponse, ApiError> {
    auth.require(&[Role::CommunityAdmin])?;
    let (actor, id, d) = (auth.0, id.into_inner(), body.0);
    let d = db::write(&state.pool, move |conn| {
        let m = merchants::review(conn, &actor, id, d.approve, d.reason)?;
        detail(conn, &actor, &m)
    })
    .await?;
    Ok(HttpResponse::Ok().json(d))
}

/// Subdistrict admin: file (备案) a community-approved merchant, making it active, or return it
/// to the community.
#[utoipa::path(tag = "alliance", operation_id = "file_merchant", request_body = Decision,
    params(("id" = Uuid, Path)), responses((status = 200, body = MerchantDetail), Problems), security(("bearer" = [])))]
#[post("/merchants/{id}/filing")]
pub async fn file(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
    body: Body<Decision>,
) -> Result<HttpResponse, ApiError> {
    auth.require(&[Role::SubdistrictAdmin])?;
    let (actor, id, d) = (auth.0, id.into_inner(), body.0);
    let d = db::write(&state.pool, move |conn| {
        let m = merchants::file(conn, &actor, id, d.approve, d.reason)?;
        detail(conn, &actor, &m)
    })
    .await?;
    Ok(HttpResponse::Ok().json(d))
}

/// Community admin: bind a person of the community as the merchant's staff (they may then
/// manage its offers and verify its vouchers).
#[utoipa::path(tag = "alliance", operation_id = "bind_merchant_staff", request_body = StaffBinding,
    params(("id" = Uuid, Path)), responses((status = 204, description = "bound"), Problems), security(("bearer" = [])))]
#[post("/merchants/{id}/staff")]
pub async fn bind_staff(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
    body: Body<StaffBinding>,
) -> Result<HttpResponse, ApiError> {
    auth.require(&[Role::CommunityAdmin])?;
    let (actor, id, user) = (auth.0, id.into_inner(), body.0.user_id);
    db::write(&state.pool, move |conn| {
        Ok(merchants::bind_staff(conn, &actor, id, user)?)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Leave the alliance (community admin, or the merchant's own staff): offers withdrawn, every
/// unused voucher refunded.
#[utoipa::path(tag = "alliance", operation_id = "exit_merchant", request_body = ExitRequest,
    params(("id" = Uuid, Path)), responses((status = 200, body = MerchantDetail), Problems), security(("bearer" = [])))]
#[post("/merchants/{id}/exit")]
pub async fn exit(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
    body: Body<ExitRequest>,
) -> Result<HttpResponse, ApiError> {
    let (actor, id, reason) = (auth.0, id.into_inner(), body.0.reason);
    let d = db::write(&state.pool, move |conn| {
        let m = alliance::exit_merchant(conn, &actor, id, &reason)?;
        detail(conn, &actor, &m)
    })
    .await?;
    Ok(HttpResponse::Ok().json(d))
}

/// Community admin: the annual evaluation (年度评估). The year's figures are computed from the
/// records and stored with the decision; a merchant that fails exits the alliance.
#[utoipa::path(tag = "alliance", operation_id = "evaluate_merchant", request_body = EvaluationRequest,
    params(("id" = Uuid, Path)), responses((status = 201, body = Evaluation), Problems), security(("bearer" = [])))]
#[post("/merchants/{id}/evaluations")]
pub async fn evaluate(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
    body: Body<EvaluationRequest>,
) -> Result<HttpResponse, ApiError> {
    auth.require(&[Role::CommunityAdmin])?;
    let (actor, id, e) = (auth.0, id.into_inner(), body.0);
    let decision = match e.decision {
        WireDecision::Pass => EvaluationDecision::Pass,
        WireDecision::Fail => EvaluationDecision::Fail,
    };
    let evaluation = db::write(&state.pool, move |conn| {
        evaluation_view(&alliance::evaluate(
            conn, &actor, id, e.year, decision, &e.note,
        )?)
    })
    .await?;
    Ok(HttpResponse::Created().json(evaluation))
}
