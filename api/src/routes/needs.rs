//! Needs (需求): post, list, recommend, claim, withdraw, complete, confirm, cancel, rate.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, delete, get, post, web};
use canglong_core::notice::NoticeKind;
use canglong_core::{Actor, PageRequest, Role, Uuid, now};
use canglong_ledger::{BonusKind, Transaction, TxKind};
use canglong_needs::{self as domain, ClaimView, NeedDraft, NeedState, NeedStatus};
use canglong_openapi::{
    CancellationRequest, Claim, CompletionRequest, CompletionResult, Need, NeedDetail, NeedPage,
    NeedQuery, NewNeed, Rating, RatingRequest, Recommendation, RecommendationList,
};
use canglong_persistence::needs::{self as store, ClaimRow, NeedRow};
use canglong_persistence::{AnyConnection, Id, notifications, people, service_records, volunteers};
use utoipa_actix_web::service_config::ServiceConfig;

use super::{Problems, views};
use crate::auth::Auth;
use crate::extract::{Body, IdempotencyKey};
use crate::idempotency::{self, Answer};
use crate::ledger::{self, Entry};
use crate::{ApiError, AppState, db};

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

fn state_of(row: &NeedRow) -> Result<NeedState, ApiError> {
    Ok(NeedState {
        status: NeedStatus::parse(&row.status).ok_or_else(ApiError::internal)?,
        requester_id: row.requester_id.0,
        slots: row.slots,
        slots_taken: row.slots_taken,
        window_end: row.window_end,
    })
}

fn active_claims(rows: &[ClaimRow]) -> Vec<ClaimView> {
    rows.iter()
        .filter(|c| c.status == "active")
        .map(|c| ClaimView {
            volunteer_user_id: c.user_id.0,
            completed: c.completed_at.is_some(),
        })
        .collect()
}

/// Only volunteers, staff and the requester see a need; to anyone else it does not exist.
fn may_see(conn: &mut AnyConnection, actor: &Actor, row: &NeedRow) -> Result<bool, ApiError> {
    if actor.is_staff() || row.requester_id.0 == actor.user_id || row.posted_by.0 == actor.user_id {
        return Ok(true);
    }
    Ok(volunteers::by_user(conn, actor.user_id)?.is_some_and(|v| v.status == "active"))
}

/// The requester, or the staff member who posted for them, or any staff of the community.
fn may_act_for_requester(actor: &Actor, row: &NeedRow) -> bool {
    actor.is_staff() || row.requester_id.0 == actor.user_id || row.posted_by.0 == actor.user_id
}

/// The caller's active volunteer profile id, or 403.
fn active_volunteer(conn: &mut AnyConnection, actor: &Actor) -> Result<Uuid, ApiError> {
    match volunteers::by_user(conn, actor.user_id)? {
        Some(v) if v.status == "active" && v.community_id.0 == actor.community_id => Ok(v.id.0),
        Some(v) if v.status == "suspended" => Err(ApiError::forbidden(
            "volunteer_suspended",
            "your volunteer profile is suspended",
        )),
        Some(_) => Err(ApiError::forbidden(
            "volunteer_not_active",
            "your volunteer profile is not active",
        )),
        None => Err(ApiError::forbidden(
            "not_a_volunteer",
            "only approved volunteers may do this",
        )),
    }
}

fn locked(conn: &mut AnyConnection, actor: &Actor, id: Uuid) -> Result<NeedRow, ApiError> {
    let row =
        store::lock(conn, actor.community_id, id)?.ok_or_else(|| ApiError::not_found("need"))?;
    if !may_see(conn, actor, &row)? {
        return Err(ApiError::not_found("need"));
    }
    Ok(row)
}

/// Applies a transition: the new state, and one history entry.
fn transition(
    conn: &mut AnyConnection,
    row: &NeedRow,
    actor: Uuid,
    action: &str,
    to: NeedStatus,
    slots_taken: i32,
    note: Option<&str>,
) -> Result<NeedRow, ApiError> {
    let done_at = if to == NeedStatus::Done && row.done_at.is_none() {
        Some(now())
    } else {
        row.done_at
    };
    store::set_state(conn, row.id.0, to.as_str(), slots_taken, done_at)?;
    store::record_event(
        conn,
        row,
        Some(actor),
        action,
        Some(&row.status),
        to.as_str(),
        note,
    )?;
    Ok(NeedRow {
        status: to.as_str().into(),
        slots_taken,
        done_at,
        ..row.clone()
    })
}

/// A five-star rating earns each volunteer who served the need the community's bonus, once.
fn reward_high_rating(
    conn: &mut AnyConnection,
    actor: &Actor,
    row: &NeedRow,
) -> Result<(), ApiError> {
    let (_, rules, _) = ledger::rules(conn, actor.community_id)?;
    let bonus = rules.bonus(BonusKind::HighRating);
    if bonus <= 0 {
        return Ok(());
    }
    let pool = ledger::community_account(conn, actor.community_id)?;
    for claim in store::claims(conn, row.id.0)?
        .iter()
        .filter(|c| c.status == "active" && c.completed_at.is_some())
    {
        let account = ledger::resident_account(conn, actor.community_id, claim.user_id.0)?;
        ledger::post(
            conn,
            Entry {
                community: actor.community_id,
                tx: Transaction::transfer(TxKind::Bonus, pool.id.0, account.id.0, bonus)?,
                key: format!("rating:{}:{}", row.id.0, claim.user_id.0),
                actor: Some(actor.user_id),
                memo: format!("五星好评：{}", row.title)
                    .chars()
                    .take(200)
                    .collect(),
                reverses: None,
                expires_at: rules.expiry_of(now()),
                lot: None,
            },
        )?;
    }
    Ok(())
}

fn json<T: serde::Serialize>(status: StatusCode, v: &T) -> Result<Answer, ApiError> {
    Ok((
        status,
        serde_json::to_value(v).map_err(|_| ApiError::internal())?,
    ))
}

/// Post a need. Staff may post for an elderly resident without a phone (`on_behalf_of`).
#[utoipa::path(tag = "needs", operation_id = "create_need", request_body = NewNeed,
    responses((status = 201, body = Need), Problems), security(("bearer" = [])))]
#[post("/needs")]
pub async fn create_need(
    state: web::Data<AppState>,
    auth: Auth,
    body: Body<NewNeed>,
) -> Result<HttpResponse, ApiError> {
    auth.require(&[
        Role::Resident,
        Role::SocialWorker,
        Role::CommunityAdmin,
        Role::SubdistrictAdmin,
    ])?;
    let n = body.0;
    let draft = NeedDraft {
        window_start: n.window_start.naive_utc(),
        window_end: n.window_end.naive_utc(),
        estimated_minutes: n.estimated_minutes,
        slots: n.slots,
    };
    draft.validate(now())?;
    if n.on_behalf_of.is_some() && !auth.is_staff() {
        return Err(ApiError::forbidden(
            "on_behalf_requires_staff",
            "only staff may post on behalf of a resident",
        ));
    }
    let actor = auth.0;
    let need = db::write(&state.pool, move |conn| {
        let requester = match n.on_behalf_of {
            Some(id) => {
                let user =
                    people::find_user(conn, id)?.filter(|u| u.community_id.0 == actor.community_id);
                user.ok_or_else(|| {
                    ApiError::unprocessable(
                        "unknown_resident",
                        "no such resident in this community",
                    )
                })?
                .id
                .0
            }
            None => actor.user_id,
        };
        let at = now();
        let row = NeedRow {
            id: Id(canglong_core::new_id()),
            community_id: Id(actor.community_id),
            requester_id: Id(requester),
            posted_by: Id(actor.user_id),
            category: views::name_of(&n.category),
            target_group: views::name_of(&n.target_group),
            title: n.title,
            description: n.description,
            place: n.place,
            window_start: draft.window_start,
            window_end: draft.window_end,
            estimated_minutes: n.estimated_minutes,
            slots: n.slots,
            slots_taken: 0,
            micro: domain::is_micro(n.estimated_minutes),
            status: NeedStatus::Open.as_str().into(),
            escalated: false,
            escalated_at: None,
            done_at: None,
            created_at: at,
            updated_at: at,
        };
        store::insert(conn, &row)?;
        store::record_event(
            conn,
            &row,
            Some(actor.user_id),
            "posted",
            None,
            "open",
            None,
        )?;
        views::need(&row)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/needs/{}", need.id)))
        .json(need))
}

/// The community's needs, newest first. Residents who are neither volunteers nor staff see
/// only their own.
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
            || volunteers::by_user(conn, actor.user_id)?.is_some_and(|v| v.status == "active");
        let filter = store::Filter {
            status: q.status.as_ref().map(views::name_of),
            category: q.category.as_ref().map(views::name_of),
            target_group: q.target_group.as_ref().map(views::name_of),
            micro: q.micro,
            place_prefix: q.place.filter(|p| !p.is_empty()),
            requester_id: (q.mine == Some(true) || !sees_all).then_some(actor.user_id),
            escalated: q.escalated,
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
#[utoipa::path(tag = "needs", operation_id = "recommended_needs",
    responses((status = 200, body = RecommendationList), Problems), security(("bearer" = [])))]
#[get("/needs/recommended")]
pub async fn recommended_needs(
    state: web::Data<AppState>,
    auth: Auth,
) -> Result<HttpResponse, ApiError> {
    let actor = auth.0;
    let list = db::read(&state.pool, move |conn| {
        active_volunteer(conn, &actor)?;
        let v = volunteers::by_user(conn, actor.user_id)?.ok_or_else(ApiError::internal)?;
        let skills: Vec<String> = serde_json::from_str(&v.skills).unwrap_or_default();
        let places: Vec<String> = serde_json::from_str(&v.places).unwrap_or_default();
        let availability =
            serde_json::from_str(&v.availability).map_err(|_| ApiError::internal())?;
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
                        .ok_or_else(ApiError::internal)?,
                    place: r.place.clone(),
                    window_start: r.window_start,
                    estimated_minutes: r.estimated_minutes,
                })
            })
            .collect::<Result<Vec<_>, ApiError>>()?;
        let items = domain::rank(&profile, &candidates)
            .into_iter()
            .take(50)
            .map(|(i, score)| {
                Ok(Recommendation {
                    need: views::need(&rows[i])?,
                    score,
                })
            })
            .collect::<Result<Vec<_>, ApiError>>()?;
        Ok(RecommendationList { items })
    })
    .await?;
    Ok(HttpResponse::Ok().json(list))
}

fn detail(conn: &mut AnyConnection, row: &NeedRow) -> Result<NeedDetail, ApiError> {
    let claims = store::claims(conn, row.id.0)?
        .iter()
        .map(views::claim)
        .collect();
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
        if !may_see(conn, &actor, &row)? {
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
    ("Idempotency-Key" = Option<String>, Header, description = "Retry-safe key, 1-128 printable characters")),
    responses((status = 201, body = Claim), Problems), security(("bearer" = [])))]
#[post("/needs/{id}/claims")]
pub async fn claim_need(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
    key: IdempotencyKey,
) -> Result<HttpResponse, ApiError> {
    let (actor, id) = (auth.0, id.into_inner());
    let fp = idempotency::fingerprint("POST", req.path(), &());
    idempotency::once(&state, actor.user_id, key, fp, move |conn| {
        let volunteer_id = active_volunteer(conn, &actor)?;
        let row = locked(conn, &actor, id)?;
        let claims = store::claims(conn, id)?;
        let next = state_of(&row)?.claim(actor.user_id, &active_claims(&claims), now())?;
        let claim_id =
            store::insert_claim(conn, actor.community_id, id, volunteer_id, actor.user_id)?;
        transition(
            conn,
            &row,
            actor.user_id,
            "claimed",
            next.status,
            next.slots_taken,
            None,
        )?;
        tell(
            conn,
            &row,
            row.requester_id.0,
            NoticeKind::NeedClaimed,
            "需求已被认领",
            "已有志愿者认领，将按约定时间上门。",
        )?;
        let claim = store::claims(conn, id)?
            .into_iter()
            .find(|c| c.id.0 == claim_id)
            .ok_or_else(ApiError::internal)?;
        json(StatusCode::CREATED, &views::claim(&claim))
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
        let row = locked(conn, &actor, id)?;
        let claims = store::claims(conn, id)?;
        let mine = claims
            .iter()
            .find(|c| c.status == "active" && c.user_id.0 == actor.user_id);
        let view = mine.map(|c| ClaimView {
            volunteer_user_id: c.user_id.0,
            completed: c.completed_at.is_some(),
        });
        let next = state_of(&row)?.withdraw(view)?;
        if let Some(c) = mine {
            store::set_claim_status(conn, c.id.0, "withdrawn")?;
        }
        let row = transition(
            conn,
            &row,
            actor.user_id,
            "withdrawn",
            next.status,
            next.slots_taken,
            None,
        )?;
        views::need(&row)
    })
    .await?;
    Ok(HttpResponse::Ok().json(need))
}

/// Report the service done with the minutes it took: creates a pending service record for
/// verification. The need is done once every claiming volunteer has reported.
#[utoipa::path(tag = "needs", operation_id = "complete_need", request_body = CompletionRequest,
    params(("id" = Uuid, Path), ("Idempotency-Key" = Option<String>, Header, description = "Retry-safe key")),
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
    let (actor, id, body) = (auth.0, id.into_inner(), body.0);
    let fp = idempotency::fingerprint("POST", req.path(), &body);
    idempotency::once(&state, actor.user_id, key, fp, move |conn| {
        let volunteer_id = active_volunteer(conn, &actor)?;
        let row = locked(conn, &actor, id)?;
        let claims = store::claims(conn, id)?;
        let done =
            state_of(&row)?.complete(actor.user_id, &active_claims(&claims), body.minutes)?;
        let mine = claims
            .iter()
            .find(|c| c.status == "active" && c.user_id.0 == actor.user_id)
            .ok_or_else(ApiError::internal)?;
        store::complete_claim(conn, mine.id.0, body.minutes, &body.note, now())?;
        let content = if body.note.is_empty() {
            row.title.clone()
        } else {
            format!("{}: {}", row.title, body.note)
        };
        let start = body.started_at.map_or_else(
            || now() - chrono::Duration::minutes(i64::from(body.minutes)),
            |t| t.naive_utc(),
        );
        let span = (
            start,
            start + chrono::Duration::minutes(i64::from(body.minutes)),
        );
        if span.1 > now() + chrono::Duration::minutes(5) {
            return Err(ApiError::unprocessable(
                "invalid_span",
                "a service cannot end in the future",
            ));
        }
        if service_records::overlaps(conn, volunteer_id, span.0, span.1)? {
            return Err(ApiError::unprocessable(
                "overlapping_service",
                "these minutes are already in another service record",
            ));
        }
        let record = service_records::insert_for_need(
            conn,
            &service_records::NeedRecord {
                community_id: actor.community_id,
                volunteer_id,
                need_id: id,
                content: &content,
                beneficiary_group: &row.target_group,
                minutes: body.minutes,
                span,
            },
        )?;
        let row = transition(
            conn,
            &row,
            actor.user_id,
            "completed",
            done.status,
            row.slots_taken,
            Some(&body.note),
        )?;
        tell(
            conn,
            &row,
            row.requester_id.0,
            NoticeKind::NeedCompleted,
            "服务已完成",
            "志愿者已完成服务，请确认并评价。",
        )?;
        json(
            StatusCode::CREATED,
            &CompletionResult {
                need: views::need(&row)?,
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
        let row = locked(conn, &actor, id)?;
        if !may_act_for_requester(&actor, &row) {
            return Err(ApiError::forbidden(
                "not_requester",
                "only the requester or staff may confirm",
            ));
        }
        let to = state_of(&row)?.confirm()?;
        let row = transition(
            conn,
            &row,
            actor.user_id,
            "confirmed",
            to,
            row.slots_taken,
            None,
        )?;
        for c in store::claims(conn, id)?
            .iter()
            .filter(|c| c.status == "active")
        {
            tell(
                conn,
                &row,
                c.user_id.0,
                NoticeKind::NeedConfirmed,
                "服务已确认",
                "居民已确认您的服务，感谢付出。",
            )?;
        }
        views::need(&row)
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
        let row = locked(conn, &actor, id)?;
        if !may_act_for_requester(&actor, &row) {
            return Err(ApiError::forbidden(
                "not_requester",
                "only the requester or staff may cancel",
            ));
        }
        let to = state_of(&row)?.cancel()?;
        store::close_active_claims(conn, id, "cancelled")?;
        let row = transition(
            conn,
            &row,
            actor.user_id,
            "cancelled",
            to,
            row.slots_taken,
            Some(&reason),
        )?;
        views::need(&row)
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
    if r.tags
        .iter()
        .any(|t| t.is_empty() || t.chars().count() > 20)
    {
        return Err(ApiError::unprocessable(
            "invalid_tags",
            "each tag must be 1 to 20 characters",
        ));
    }
    let rating = db::write(&state.pool, move |conn| {
        let row = locked(conn, &actor, id)?;
        if row.requester_id.0 != actor.user_id && row.posted_by.0 != actor.user_id {
            return Err(ApiError::forbidden(
                "not_requester",
                "only the requester may rate the help",
            ));
        }
        let status = NeedStatus::parse(&row.status).ok_or_else(ApiError::internal)?;
        let rated = store::rating(conn, id)?.is_some();
        let flagged = domain::rate(status, r.stars, rated)?;
        let stored = store::insert_rating(
            conn,
            &row,
            actor.user_id,
            r.stars,
            &r.tags,
            &r.comment,
            flagged,
        )?;
        if r.stars == 5 {
            reward_high_rating(conn, &actor, &row)?;
        }
        let note = format!("{} stars", r.stars);
        store::record_event(
            conn,
            &row,
            Some(actor.user_id),
            "rated",
            Some(&row.status),
            &row.status,
            Some(&note),
        )?;
        Ok(views::rating(&stored))
    })
    .await?;
    Ok(HttpResponse::Created().json(rating))
}

/// A notice about the need to one person: the need's title leads, the detail follows.
fn tell(
    conn: &mut AnyConnection,
    row: &store::NeedRow,
    to: Uuid,
    kind: NoticeKind,
    title: &str,
    detail: &str,
) -> Result<(), ApiError> {
    let body = format!("「{}」{detail}", row.title);
    notifications::notify(conn, row.community_id.0, to, kind, title, &body)?;
    Ok(())
}
