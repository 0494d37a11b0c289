//! 1+N pairing (one social worker with N volunteers) and personal capability plans.

use actix_web::{HttpResponse, get, post, web};
use canglong_core::Uuid;
use canglong_openapi::{
    NewPlan, Pairing, PairingList, PairingQuery, PairingRequest, Plan, PlanList, PlanNote,
    PlanNoteRequest,
};
use canglong_persistence::AnyConnection;
use canglong_persistence::pairings::{self as store, PairingRow};
use canglong_persistence::volunteers::VolunteerRow;
use utoipa_actix_web::service_config::ServiceConfig;

use super::{Problems, views};
use crate::auth::Auth;
use crate::extract::Body;
use crate::{ApiError, AppState, db};
use canglong_services::pairings;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(pair)
        .service(list_pairings)
        .service(create_plan)
        .service(list_plans)
        .service(add_note);
}

fn pairing(p: &PairingRow) -> Result<Pairing, ApiError> {
    Ok(Pairing {
        id: p.id.0,
        social_worker_id: p.social_worker_id.0,
        volunteer_id: p.volunteer_id.0,
        status: views::enum_of(&p.status)?,
        created_at: views::utc(p.created_at),
    })
}

/// Pair a social worker with volunteers: a social worker pairs themself, an admin anyone. A
/// volunteer has at most one active pairing.
#[utoipa::path(tag = "volunteers", operation_id = "create_pairings", request_body = PairingRequest,
    responses((status = 201, body = PairingList), Problems), security(("bearer" = [])))]
#[post("/pairings")]
pub async fn pair(
    state: web::Data<AppState>,
    auth: Auth,
    body: Body<PairingRequest>,
) -> Result<HttpResponse, ApiError> {
    let (actor, p) = (auth.0, body.0);
    let list = db::write(&state.pool, move |conn| {
        let rows = pairings::pair(conn, &actor, p.social_worker_id, &p.volunteer_ids)?;
        Ok(PairingList {
            items: rows.iter().map(pairing).collect::<Result<_, _>>()?,
        })
    })
    .await?;
    Ok(HttpResponse::Created().json(list))
}

/// Active pairings: staff see the community's (optionally one social worker's).
#[utoipa::path(tag = "volunteers", operation_id = "list_pairings", params(PairingQuery),
    responses((status = 200, body = PairingList), Problems), security(("bearer" = [])))]
#[get("/pairings")]
pub async fn list_pairings(
    state: web::Data<AppState>,
    auth: Auth,
    q: web::Query<PairingQuery>,
) -> Result<HttpResponse, ApiError> {
    auth.require_staff()?;
    let (community, worker) = (auth.community_id, q.into_inner().social_worker_id);
    let items = db::read(&state.pool, move |conn| {
        store::list(conn, community, worker)?
            .iter()
            .map(pairing)
            .collect::<Result<_, _>>()
    })
    .await?;
    Ok(HttpResponse::Ok().json(PairingList { items }))
}

fn plans(conn: &mut AnyConnection, v: &VolunteerRow) -> Result<Vec<Plan>, ApiError> {
    let rows = store::plans_of(conn, v.id.0)?;
    let ids: Vec<Uuid> = rows.iter().map(|p| p.id.0).collect();
    let notes = store::notes_of(conn, &ids)?;
    Ok(rows
        .iter()
        .map(|p| Plan {
            id: p.id.0,
            volunteer_id: p.volunteer_id.0,
            author_id: p.author_id.0,
            goals: p.goals.clone(),
            trainings: serde_json::from_str(&p.trainings).unwrap_or_default(),
            target_date: views::utc(p.target_date),
            progress: p.progress,
            notes: notes
                .iter()
                .filter(|n| n.plan_id == p.id)
                .map(|n| PlanNote {
                    note: n.note.clone(),
                    progress: n.progress,
                    author_id: n.author_id.0,
                    at: views::utc(n.created_at),
                })
                .collect(),
            created_at: views::utc(p.created_at),
        })
        .collect())
}

/// The paired social worker (or an admin) writes a capability plan: goals, trainings to take,
/// a target date.
#[utoipa::path(tag = "volunteers", operation_id = "create_plan", request_body = NewPlan,
    params(("id" = Uuid, Path)), responses((status = 201, body = PlanList), Problems), security(("bearer" = [])))]
#[post("/volunteers/{id}/plans")]
pub async fn create_plan(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
    body: Body<NewPlan>,
) -> Result<HttpResponse, ApiError> {
    let (actor, id, p) = (auth.0, id.into_inner(), body.0);
    let draft = pairings::PlanDraft {
        goals: p.goals,
        trainings: p.trainings,
        target_date: p.target_date.naive_utc(),
    };
    let list = db::write(&state.pool, move |conn| {
        let v = pairings::create_plan(conn, &actor, id, draft)?;
        Ok(PlanList {
            items: plans(conn, &v)?,
        })
    })
    .await?;
    Ok(HttpResponse::Created().json(list))
}

/// A volunteer's plans and their progress: the volunteer and staff.
#[utoipa::path(tag = "volunteers", operation_id = "list_plans", params(("id" = Uuid, Path)),
    responses((status = 200, body = PlanList), Problems), security(("bearer" = [])))]
#[get("/volunteers/{id}/plans")]
pub async fn list_plans(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let (actor, id) = (auth.0, id.into_inner());
    let list = db::read(&state.pool, move |conn| {
        let v = pairings::visible(conn, &actor, id)?;
        Ok(PlanList {
            items: plans(conn, &v)?,
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(list))
}

/// The paired social worker notes progress on a plan.
#[utoipa::path(tag = "volunteers", operation_id = "add_plan_note", request_body = PlanNoteRequest,
    params(("id" = Uuid, Path), ("plan_id" = Uuid, Path)), responses((status = 201, body = PlanList), Problems),
    security(("bearer" = [])))]
#[post("/volunteers/{id}/plans/{plan_id}/notes")]
pub async fn add_note(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<(Uuid, Uuid)>,
    body: Body<PlanNoteRequest>,
) -> Result<HttpResponse, ApiError> {
    let (actor, (id, plan_id), n) = (auth.0, path.into_inner(), body.0);
    let list = db::write(&state.pool, move |conn| {
        let v = pairings::add_note(conn, &actor, id, plan_id, &n.note, n.progress)?;
        Ok(PlanList {
            items: plans(conn, &v)?,
        })
    })
    .await?;
    Ok(HttpResponse::Created().json(list))
}
