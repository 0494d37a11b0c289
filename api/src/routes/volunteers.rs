//! Volunteer applications and decisions, and the community's teams.

use actix_web::{HttpResponse, get, post, web};
use canglong_core::{Actor, PageRequest, Role, Uuid};
use canglong_openapi::{
    Decision, Team, TeamList, Volunteer, VolunteerApplication, VolunteerPage, VolunteerQuery,
};
use canglong_persistence::volunteers::{self as store, Application, VolunteerRow};
use canglong_persistence::{AnyConnection, people, service_records, to_json_text};
use canglong_volunteers::{Availability, VolunteerStatus};
use utoipa_actix_web::service_config::ServiceConfig;

use super::{Problems, views};
use crate::auth::Auth;
use crate::extract::Body;
use crate::{ApiError, AppState, db};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(apply)
        .service(list_volunteers)
        .service(get_volunteer)
        .service(decide)
        .service(list_teams);
}

fn view(conn: &mut AnyConnection, row: &VolunteerRow) -> Result<Volunteer, ApiError> {
    let teams = store::team_ids(conn, row.id.0)?;
    let minutes = service_records::approved_minutes(conn, row.id.0)?;
    views::volunteer(row, teams, minutes)
}

fn check_tags(list: &[String], what: &str) -> Result<(), ApiError> {
    if list
        .iter()
        .any(|s| s.trim().is_empty() || s.chars().count() > 30)
    {
        return Err(ApiError::unprocessable(
            "validation_failed",
            format!("each of {what} must be 1 to 30 characters"),
        ));
    }
    Ok(())
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
    check_tags(&a.skills, "skills")?;
    check_tags(&a.places, "places")?;
    // The wire and domain shapes are the same JSON; the domain checks the slots.
    let availability: Availability = serde_json::from_value(
        serde_json::to_value(&a.availability).map_err(|_| ApiError::internal())?,
    )
    .map_err(|_| ApiError::unprocessable("invalid_availability", "availability is not valid"))?;
    availability.validate()?;
    let actor = auth.0;
    let volunteer = db::write(&state.pool, move |conn| {
        let mut teams = a.team_ids.clone();
        teams.sort();
        teams.dedup();
        if store::count_teams_in(conn, actor.community_id, &teams)? != teams.len() as i64 {
            return Err(ApiError::unprocessable(
                "unknown_team",
                "a team id is not a team of this community",
            ));
        }
        let app = Application {
            skills: to_json_text(&a.skills),
            availability: to_json_text(&availability),
            places: to_json_text(&a.places),
        };
        let id = match store::by_user(conn, actor.user_id)? {
            Some(existing) => {
                VolunteerStatus::parse(&existing.status)
                    .ok_or_else(ApiError::internal)?
                    .may_reapply()?;
                store::reapply(conn, existing.id.0, &app)?;
                existing.id.0
            }
            None => store::insert(conn, actor.community_id, actor.user_id, &app)?,
        };
        store::join_teams(conn, actor.community_id, id, &teams)?;
        let row = store::get(conn, actor.community_id, id)?.ok_or_else(ApiError::internal)?;
        view(conn, &row)
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
            .map(|r| view(conn, r))
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
        view(conn, &row)
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
        let row = store::get(conn, actor.community_id, id)?
            .ok_or_else(|| ApiError::not_found("volunteer"))?;
        actor.require(&[Role::CommunityAdmin])?;
        let next = VolunteerStatus::parse(&row.status)
            .ok_or_else(ApiError::internal)?
            .decide(d.approve)?;
        store::decide(conn, id, next.as_str(), actor.user_id, d.reason.as_deref())?;
        // The role follows the profile, so tokens minted from now on say it.
        if next == VolunteerStatus::Active {
            people::grant_role(
                conn,
                row.user_id.0,
                row.community_id.0,
                Role::Volunteer.as_str(),
            )?;
        } else {
            people::revoke_role(conn, row.user_id.0, Role::Volunteer.as_str())?;
        }
        let row = store::get(conn, actor.community_id, id)?.ok_or_else(ApiError::internal)?;
        view(conn, &row)
    })
    .await?;
    Ok(HttpResponse::Ok().json(v))
}

/// The community's volunteer teams (志愿队).
#[utoipa::path(tag = "volunteers", operation_id = "list_teams",
    responses((status = 200, body = TeamList), Problems), security(("bearer" = [])))]
#[get("/teams")]
pub async fn list_teams(state: web::Data<AppState>, auth: Auth) -> Result<HttpResponse, ApiError> {
    let community = auth.community_id;
    let teams = db::read(&state.pool, move |conn| {
        let items = store::teams_of(conn, community)?
            .into_iter()
            .map(|t| Team {
                id: t.id.0,
                name: t.name,
                description: t.description,
            })
            .collect();
        Ok(TeamList { items })
    })
    .await?;
    Ok(HttpResponse::Ok().json(teams))
}
