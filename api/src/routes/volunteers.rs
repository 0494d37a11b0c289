//! Volunteer applications and decisions, and the community's teams.

use actix_web::{HttpResponse, get, post, web};
use std::collections::BTreeMap;

use canglong_core::{Actor, PageRequest, Role, Uuid, now};
use canglong_openapi::{
    Decision, MonthMinutes, NewSkill, SkillList, Volunteer, VolunteerApplication, VolunteerEvent,
    VolunteerFigures, VolunteerPage, VolunteerQuery,
};
use canglong_persistence::volunteers::{self as store, VolunteerRow};
use canglong_persistence::{AnyConnection, ledger, service_records, trainings};
use canglong_volunteers::Availability;
use chrono::Datelike;
use utoipa_actix_web::service_config::ServiceConfig;

use super::{Problems, views};
use crate::auth::Auth;
use crate::extract::Body;
use crate::{ApiError, AppState, db};
use canglong_services::volunteers;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(apply)
        .service(list_volunteers)
        .service(get_volunteer)
        .service(decide)
        .service(list_skills)
        .service(add_skill);
}

/// A volunteer profile with hours and points; `full` adds the continuity figures and the
/// status history (a single profile, not lists).
pub fn view(
    conn: &mut AnyConnection,
    row: &VolunteerRow,
    full: bool,
) -> Result<Volunteer, ApiError> {
    let teams = store::team_ids(conn, row.id.0)?;
    let minutes = service_records::approved_minutes(conn, row.id.0)?;
    let account = ledger::account_of(
        conn,
        row.community_id.0,
        canglong_ledger::AccountKind::Resident.as_str(),
        row.user_id.0,
    )?;
    let points = match &account {
        Some(a) => ledger::earned_total(conn, a.id.0)?,
        None => 0,
    };
    let mut v = views::volunteer(row, teams, minutes, points)?;
    if full {
        v.figures = Some(figures(conn, row, minutes, points)?);
        v.history = store::events(conn, row.id.0)?
            .iter()
            .map(|e| {
                Ok(VolunteerEvent {
                    from_status: e.from_status.as_deref().map(views::enum_of).transpose()?,
                    to_status: views::enum_of(&e.to_status)?,
                    actor_id: e.actor_id.map(|a| a.0),
                    reason: e.reason.clone(),
                    at: views::utc(e.created_at),
                })
            })
            .collect::<Result<_, ApiError>>()?;
    }
    Ok(v)
}

/// Verified minutes per local month of service (records without a span count when recorded).
pub fn minutes_by_month(records: &[service_records::ServiceRecordRow]) -> BTreeMap<String, i64> {
    canglong_volunteers::minutes_by_month(records.iter().map(|r| {
        (
            r.started_at.unwrap_or(r.created_at),
            i64::from(r.minutes_approved.unwrap_or(0)),
        )
    }))
}

fn figures(
    conn: &mut AnyConnection,
    row: &VolunteerRow,
    total: i64,
    points: i64,
) -> Result<VolunteerFigures, ApiError> {
    let by_month = minutes_by_month(&service_records::verified_spans(conn, row.id.0)?);
    let now = now();
    let months: Vec<String> = (0..6)
        .rev()
        .map(|back| {
            let local = (now + chrono::Duration::hours(8)).date();
            let (mut y, mut m) = (local.year(), local.month() as i32 - back);
            while m <= 0 {
                m += 12;
                y -= 1;
            }
            format!("{y:04}-{m:02}")
        })
        .collect();
    let monthly_minutes: Vec<MonthMinutes> = months
        .iter()
        .map(|m| MonthMinutes {
            month: m.clone(),
            minutes: *by_month.get(m).unwrap_or(&0),
        })
        .collect();
    let active_months_last_6 = monthly_minutes.iter().filter(|m| m.minutes > 0).count() as i64;
    Ok(VolunteerFigures {
        total_minutes: total,
        monthly_minutes,
        points_earned: points,
        trainings_taken: trainings::trainings_taken(conn, row.id.0)?,
        active_months_last_6,
    })
}

/// Apply to volunteer (or apply again after a rejection): the profile waits for a community
/// admin's decision.
#[utoipa::path(tag = "volunteers", operation_id = "apply_volunteer", request_body = VolunteerApplication,
    responses((status = 201, body = Volunteer), Problems), security(("bearer" = [])))]
#[post("/volunteers")]
pub async fn apply(
    state: web::Data<AppState>,
    auth: Auth,
    body: Body<VolunteerApplication>,
) -> Result<HttpResponse, ApiError> {
    auth.require(&[Role::Resident])?;
    let a = body.0;
    // The wire and domain shapes are the same JSON; the use case checks the slots.
    let availability: Availability =
        serde_json::from_value(serde_json::to_value(&a.availability).map_err(ApiError::bug)?)
            .map_err(|_| {
                ApiError::unprocessable("invalid_availability", "availability is not valid")
            })?;
    let application = volunteers::Application {
        skills: a.skills,
        availability,
        places: a.places,
        team_ids: a.team_ids,
    };
    let actor = auth.0;
    let volunteer = db::write(&state.pool, move |conn| {
        let row = volunteers::apply(conn, &actor, application)?;
        view(conn, &row, true)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/volunteers/{}", volunteer.id)))
        .json(volunteer))
}

/// Staff: the community's volunteers, with their verified minutes.
#[utoipa::path(tag = "volunteers", operation_id = "list_volunteers", params(VolunteerQuery),
    responses((status = 200, body = VolunteerPage), Problems), security(("bearer" = [])))]
#[get("/volunteers")]
pub async fn list_volunteers(
    state: web::Data<AppState>,
    auth: Auth,
    q: web::Query<VolunteerQuery>,
) -> Result<HttpResponse, ApiError> {
    auth.require_staff()?;
    let q = q.into_inner();
    let page = PageRequest::parse(q.limit, q.cursor.as_deref())?;
    let community = auth.community_id;
    let result = db::read(&state.pool, move |conn| {
        let filter = store::Filter {
            status: q.status.as_ref().map(views::name_of),
            team_id: q.team_id,
            skill: q.skill,
        };
        let rows = store::list(conn, community, &filter, &page)?;
        let (rows, next) = page.finish(rows, |r| r.id.0);
        let items = rows
            .iter()
            .map(|r| view(conn, r, false))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(VolunteerPage {
            items,
            next_cursor: next.map(|c| c.encode()),
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(result))
}

fn visible(conn: &mut AnyConnection, actor: &Actor, id: Uuid) -> Result<VolunteerRow, ApiError> {
    let row = store::get(conn, actor.community_id, id)?
        .ok_or_else(|| ApiError::not_found("volunteer"))?;
    if actor.is_staff() || row.user_id.0 == actor.user_id {
        Ok(row)
    } else {
        Err(ApiError::not_found("volunteer"))
    }
}

/// One volunteer profile: staff of the community, or the volunteer themselves.
#[utoipa::path(tag = "volunteers", operation_id = "get_volunteer", params(("id" = Uuid, Path)),
    responses((status = 200, body = Volunteer), Problems), security(("bearer" = [])))]
#[get("/volunteers/{id}")]
pub async fn get_volunteer(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let (actor, id) = (auth.0, id.into_inner());
    let v = db::read(&state.pool, move |conn| {
        let row = visible(conn, &actor, id)?;
        view(conn, &row, true)
    })
    .await?;
    Ok(HttpResponse::Ok().json(v))
}

/// Community admin: approve or reject an application; suspend or reinstate a volunteer.
#[utoipa::path(tag = "volunteers", operation_id = "decide_volunteer", request_body = Decision,
    params(("id" = Uuid, Path)), responses((status = 200, body = Volunteer), Problems), security(("bearer" = [])))]
#[post("/volunteers/{id}/decision")]
pub async fn decide(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
    body: Body<Decision>,
) -> Result<HttpResponse, ApiError> {
    let (actor, id, d) = (auth.0, id.into_inner(), body.0);
    let v = db::write(&state.pool, move |conn| {
        let row = volunteers::decide(conn, &actor, id, d.approve, d.reason.as_deref())?;
        view(conn, &row, true)
    })
    .await?;
    Ok(HttpResponse::Ok().json(v))
}

/// The community's skill list: applications choose from it once it has any.
#[utoipa::path(tag = "volunteers", operation_id = "list_skills",
    responses((status = 200, body = SkillList), Problems), security(("bearer" = [])))]
#[get("/skills")]
pub async fn list_skills(state: web::Data<AppState>, auth: Auth) -> Result<HttpResponse, ApiError> {
    let community = auth.community_id;
    let items = db::read(&state.pool, move |conn| Ok(store::skills(conn, community)?)).await?;
    Ok(HttpResponse::Ok().json(SkillList { items }))
}

/// Community admin: add a skill to the list.
#[utoipa::path(tag = "volunteers", operation_id = "add_skill", request_body = NewSkill,
    responses((status = 201, body = SkillList), Problems), security(("bearer" = [])))]
#[post("/skills")]
pub async fn add_skill(
    state: web::Data<AppState>,
    auth: Auth,
    body: Body<NewSkill>,
) -> Result<HttpResponse, ApiError> {
    auth.require(&[Role::CommunityAdmin])?;
    let (community, name) = (auth.community_id, body.0.name);
    let items = db::write(&state.pool, move |conn| {
        Ok(volunteers::add_skill(conn, community, &name)?)
    })
    .await?;
    Ok(HttpResponse::Created().json(SkillList { items }))
}
