//! Needs (需求): post, list, recommend, claim, withdraw, complete, confirm, cancel, rate.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, delete, get, post, web};
use canglong_core::{PageRequest, Role, Uuid, now};
use canglong_needs::{self as domain, NeedDraft};
use canglong_openapi::{
    CancellationRequest, Claim, CompletionRequest, CompletionResult, Need, NeedDetail, NeedPage,
    NeedQuery, NewNeed, PageQuery, Rating, RatingRequest, Recommendation, RecommendationList,
};
use canglong_persistence::needs::{self as store, NeedRow};
use canglong_persistence::{AnyConnection, volunteers};
use utoipa_actix_web::service_config::ServiceConfig;

use super::views::stored_of;
use super::{Problems, views};
use crate::auth::Auth;
use crate::extract::{Body, IdempotencyKey};
use crate::idempotency::{self, Answer};
use crate::{ApiError, AppState, db};
use canglong_services::needs;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create_need)
        .service(list_needs)
        .service(recommended_needs)
        .service(get_need)
        .service(claim_need)
        .service(withdraw_claim)
        .service(complete_need)
        .service(confirm_need)
        .service(cancel_need)
        .service(rate_need);
}

fn json<T: serde::Serialize>(status: StatusCode, v: &T) -> Result<Answer, ApiError> {
    idempotency::answer(status, v)
}

/// Post a need. Staff may post for an elderly resident without a phone (`on_behalf_of`).
/// With an `Idempotency-Key`, a retry (after a lost answer, on any server) answers the first
/// post again instead of posting twice.
#[utoipa::path(tag = "needs", operation_id = "create_need", request_body = NewNeed,
    params(("Idempotency-Key" = Option<String>, Header, description = "Optional: a retry with the same key and body answers the first response again")),
    responses((status = 201, body = Need), Problems), security(("bearer" = [])))]
#[post("/needs")]
pub async fn create_need(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    key: IdempotencyKey,
    body: Body<NewNeed>,
) -> Result<HttpResponse, ApiError> {
    auth.require(&[
        Role::Resident,
        Role::SocialWorker,
        Role::CommunityAdmin,
        Role::SubdistrictAdmin,
    ])?;
    let n = body.0;
    let fp = idempotency::fingerprint("POST", req.path(), &n);
    let posting = needs::Posting {
        category: stored_of::<canglong_needs::Category, _>(&n.category)?.0,
        target_group: stored_of::<canglong_needs::TargetGroup, _>(&n.target_group)?.0,
        title: n.title,
        description: n.description,
        place: n.place,
        draft: NeedDraft {
            window_start: n.window_start.naive_utc(),
            window_end: n.window_end.naive_utc(),
            estimated_minutes: n.estimated_minutes,
            slots: n.slots,
        },
        on_behalf_of: n.on_behalf_of,
    };
    let actor = auth.0;
    let res = idempotency::once(&state, actor.user_id, key, fp, move |conn| {
        json(
            StatusCode::CREATED,
            &views::need(&needs::post(conn, &actor, posting)?)?,
        )
    })
    .await?;
    Ok(idempotency::with_location(res, "/api/v1/needs"))
}

/// The community's needs, newest first. Residents who are neither volunteers nor staff see
/// their own, those they posted, their relatives' (as a family proxy) and, a building head,
/// those of their buildings' residents.
#[utoipa::path(tag = "needs", operation_id = "list_needs", params(NeedQuery),
    responses((status = 200, body = NeedPage), Problems), security(("bearer" = [])))]
#[get("/needs")]
pub async fn list_needs(
    state: web::Data<AppState>,
    auth: Auth,
    q: web::Query<NeedQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = q.into_inner();
    let page = PageRequest::parse(q.limit, q.cursor.as_deref())?;
    let actor = auth.0;
    let result = db::read(&state.pool, move |conn| {
        let sees_all = actor.is_staff()
            || volunteers::by_user(conn, actor.user_id)?
                .is_some_and(|v| v.status.0 == canglong_volunteers::VolunteerStatus::Active);
        let filter = store::Filter {
            status: q.status.as_ref().map(views::name_of),
            category: q.category.as_ref().map(views::name_of),
            target_group: q.target_group.as_ref().map(views::name_of),
            micro: q.micro,
            place_prefix: q.place.filter(|p| !p.is_empty()),
            requesters: if q.mine == Some(true) {
                Some((vec![actor.user_id], actor.user_id))
            } else if sees_all {
                None
            } else {
                Some((
                    canglong_services::residents::represented(conn, &actor)?,
                    actor.user_id,
                ))
            },
            escalated: q.escalated,
            claimant: q.claimed_by.map(|_| actor.user_id),
        };
        let rows = store::list(conn, actor.community_id, &filter, &page)?;
        let (rows, next) = page.finish(rows, |r| r.id.0);
        let items = rows
            .iter()
            .map(views::need)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(NeedPage {
            items,
            next_cursor: next.map(|c| c.encode()),
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(result))
}

/// Open needs that fit the caller's skills, places and availability, best first.
#[utoipa::path(tag = "needs", operation_id = "recommended_needs", params(PageQuery),
    responses((status = 200, body = RecommendationList), Problems), security(("bearer" = [])))]
#[get("/needs/recommended")]
pub async fn recommended_needs(
    state: web::Data<AppState>,
    auth: Auth,
    q: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = PageRequest::parse(q.limit, q.cursor.as_deref())?;
    let actor = auth.0;
    let list = db::read(&state.pool, move |conn| {
        needs::active_volunteer(conn, &actor)?;
        let v = volunteers::by_user(conn, actor.user_id)?
            .ok_or_else(|| ApiError::bug("a row that must exist is missing"))?;
        let skills: Vec<String> = serde_json::from_str(&v.skills).unwrap_or_default();
        let places: Vec<String> = serde_json::from_str(&v.places).unwrap_or_default();
        let availability =
            serde_json::from_str(&v.availability).map_err(|e| ApiError::bug(format!("{e}")))?;
        let profile = domain::MatchProfile {
            skills: &skills,
            places: &places,
            availability: &availability,
        };
        let now = now();
        // Oldest first, as ranking breaks ties by waiting time.
        let mut rows: Vec<NeedRow> = store::open_needs(conn, actor.community_id, 500)?
            .into_iter()
            .filter(|r| r.requester_id.0 != actor.user_id && r.window_end > now)
            .collect();
        rows.reverse();
        let candidates = rows
            .iter()
            .enumerate()
            .map(|(i, r)| {
                Ok(domain::Candidate {
                    key: i,
                    category: domain::Category::parse(&r.category)
                        .ok_or_else(|| ApiError::bug("a row that must exist is missing"))?,
                    place: r.place.clone(),
                    window_start: r.window_start,
                    estimated_minutes: r.estimated_minutes,
                })
            })
            .collect::<Result<Vec<_>, ApiError>>()?;
        let ranked = domain::rank(&profile, &candidates);
        let (ranked, next) = page.of_ranked(ranked, |(i, _)| rows[*i].id.0);
        let items = ranked
            .into_iter()
            .map(|(i, score)| {
                Ok(Recommendation {
                    need: views::need(&rows[i])?,
                    score,
                })
            })
            .collect::<Result<Vec<_>, ApiError>>()?;
        Ok(RecommendationList {
            items,
            next_cursor: next.map(|c| c.encode()),
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(list))
}

fn detail(conn: &mut AnyConnection, row: &NeedRow) -> Result<NeedDetail, ApiError> {
    let claims = store::claims(conn, row.id.0)?
        .iter()
        .map(views::claim)
        .collect::<Result<_, _>>()?;
    let history = store::events(conn, row.id.0)?
        .iter()
        .map(views::history)
        .collect::<Result<_, _>>()?;
    let rating = store::rating(conn, row.id.0)?.as_ref().map(views::rating);
    Ok(NeedDetail {
        need: views::need(row)?,
        claims,
        history,
        rating,
    })
}

/// One need with its claims, its history and its rating.
#[utoipa::path(tag = "needs", operation_id = "get_need", params(("id" = Uuid, Path)),
    responses((status = 200, body = NeedDetail), Problems), security(("bearer" = [])))]
#[get("/needs/{id}")]
pub async fn get_need(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let (actor, id) = (auth.0, id.into_inner());
    let d = db::read(&state.pool, move |conn| {
        let row =
            store::get(conn, actor.community_id, id)?.ok_or_else(|| ApiError::not_found("need"))?;
        if !needs::may_see(conn, &actor, &row)? {
            return Err(ApiError::not_found("need"));
        }
        detail(conn, &row)
    })
    .await?;
    Ok(HttpResponse::Ok().json(d))
}

/// Claim a slot: one tap, no body. Two volunteers racing for the last slot: one wins, the other
/// gets 409 `need_full`.
#[utoipa::path(tag = "needs", operation_id = "claim_need", params(("id" = Uuid, Path),
    ("Idempotency-Key" = String, Header, description = "Required: a retry with the same key and body answers the first response again")),
    responses((status = 201, body = Claim), Problems), security(("bearer" = [])))]
#[post("/needs/{id}/claims")]
pub async fn claim_need(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
    key: IdempotencyKey,
) -> Result<HttpResponse, ApiError> {
    key.required()?;
    let (actor, id) = (auth.0, id.into_inner());
    let fp = idempotency::fingerprint("POST", req.path(), &());
    idempotency::once(&state, actor.user_id, key, fp, move |conn| {
        json(
            StatusCode::CREATED,
            &views::claim(&needs::claim(conn, &actor, id)?)?,
        )
    })
    .await
}

/// Withdraw the caller's claim before reporting the service done; the slot reopens.
#[utoipa::path(tag = "needs", operation_id = "withdraw_claim", params(("id" = Uuid, Path)),
    responses((status = 200, body = Need), Problems), security(("bearer" = [])))]
#[delete("/needs/{id}/claims/mine")]
pub async fn withdraw_claim(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let (actor, id) = (auth.0, id.into_inner());
    let need = db::write(&state.pool, move |conn| {
        views::need(&needs::withdraw(conn, &actor, id)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(need))
}

/// Report the service done with the minutes it took: creates a pending service record for
/// verification. The need is done once every claiming volunteer has reported.
#[utoipa::path(tag = "needs", operation_id = "complete_need", request_body = CompletionRequest,
    params(("id" = Uuid, Path), ("Idempotency-Key" = String, Header, description = "Required: a retry with the same key and body answers the first response again")),
    responses((status = 201, body = CompletionResult), Problems), security(("bearer" = [])))]
#[post("/needs/{id}/completion")]
pub async fn complete_need(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
    key: IdempotencyKey,
    body: Body<CompletionRequest>,
) -> Result<HttpResponse, ApiError> {
    key.required()?;
    let (actor, id, body) = (auth.0, id.into_inner(), body.0);
    let fp = idempotency::fingerprint("POST", req.path(), &body);
    let report = needs::Report {
        minutes: body.minutes,
        note: body.note,
        started_at: body.started_at.map(|t| t.naive_utc()),
    };
    idempotency::once(&state, actor.user_id, key, fp, move |conn| {
        let (need, record) = needs::complete(conn, &actor, id, &report)?;
        json(
            StatusCode::CREATED,
            &CompletionResult {
                need: views::need(&need)?,
                service_record: views::service_record(&record)?,
            },
        )
    })
    .await
}

/// The requester (or staff) confirms the service was done.
#[utoipa::path(tag = "needs", operation_id = "confirm_need", params(("id" = Uuid, Path)),
    responses((status = 200, body = Need), Problems), security(("bearer" = [])))]
#[post("/needs/{id}/confirmation")]
pub async fn confirm_need(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let (actor, id) = (auth.0, id.into_inner());
    let need = db::write(&state.pool, move |conn| {
        views::need(&needs::confirm(conn, &actor, id)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(need))
}

/// The requester (or staff) cancels an open or claimed need, with a reason.
#[utoipa::path(tag = "needs", operation_id = "cancel_need", request_body = CancellationRequest,
    params(("id" = Uuid, Path)), responses((status = 200, body = Need), Problems), security(("bearer" = [])))]
#[post("/needs/{id}/cancellation")]
pub async fn cancel_need(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
    body: Body<CancellationRequest>,
) -> Result<HttpResponse, ApiError> {
    let (actor, id, reason) = (auth.0, id.into_inner(), body.0.reason);
    let need = db::write(&state.pool, move |conn| {
        views::need(&needs::cancel(conn, &actor, id, &reason)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(need))
}

/// Rate the help received, once: 1–5 stars, tags, a comment. Two stars or fewer is flagged for
/// a social worker.
#[utoipa::path(tag = "needs", operation_id = "rate_need", request_body = RatingRequest,
    params(("id" = Uuid, Path)), responses((status = 201, body = Rating), Problems), security(("bearer" = [])))]
#[post("/needs/{id}/ratings")]
pub async fn rate_need(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
    body: Body<RatingRequest>,
) -> Result<HttpResponse, ApiError> {
    let (actor, id, r) = (auth.0, id.into_inner(), body.0);
    let input = needs::RatingInput {
        stars: r.stars,
        tags: r.tags,
        comment: r.comment,
    };
    let rating = db::write(&state.pool, move |conn| {
        Ok(views::rating(&needs::rate(conn, &actor, id, &input)?))
    })
    .await?;
    Ok(HttpResponse::Created().json(rating))
}
