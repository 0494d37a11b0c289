//! Volunteer teams (志愿队) and their members, with leaders.

use actix_web::{HttpResponse, get, post, web};
use canglong_core::{PageRequest, Role, Uuid};
use canglong_openapi::{Membership, NewTeam, PageQuery, Team, TeamDetail, TeamList};
use canglong_persistence::AnyConnection;
use canglong_persistence::volunteers::{self as store, TeamRow};
use utoipa_actix_web::service_config::ServiceConfig;

use super::Problems;
use crate::auth::Auth;
use crate::extract::Body;
use crate::{ApiError, AppState, db};
use canglong_services::volunteers;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_teams)
        .service(create_team)
        .service(get_team)
        .service(set_member);
}

fn team(t: &TeamRow) -> Team {
    Team {
        id: t.id.0,
        name: t.name.clone(),
        description: t.description.clone(),
    }
}

fn detail(conn: &mut AnyConnection, t: &TeamRow) -> Result<TeamDetail, ApiError> {
    let members = store::members(conn, t.id.0)?
        .into_iter()
        .map(|(volunteer_id, leader)| Membership {
            volunteer_id,
            leader,
        })
        .collect();
    Ok(TeamDetail {
        team: team(t),
        members,
    })
}

/// The community's volunteer teams.
#[utoipa::path(tag = "volunteers", operation_id = "list_teams", params(PageQuery),
    responses((status = 200, body = TeamList), Problems), security(("bearer" = [])))]
#[get("/teams")]
pub async fn list_teams(
    state: web::Data<AppState>,
    auth: Auth,
    q: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = PageRequest::parse(q.limit, q.cursor.as_deref())?;
    let community = auth.community_id;
    let (rows, next) = db::read(&state.pool, move |conn| {
        Ok(page.of_ranked(store::teams_of(conn, community)?, |t| t.id.0))
    })
    .await?;
    Ok(HttpResponse::Ok().json(TeamList {
        items: rows.iter().map(team).collect(),
        next_cursor: next.map(|c| c.encode()),
    }))
}

/// Community admin: create a team.
#[utoipa::path(tag = "volunteers", operation_id = "create_team", request_body = NewTeam,
    responses((status = 201, body = TeamDetail), Problems), security(("bearer" = [])))]
#[post("/teams")]
pub async fn create_team(
    state: web::Data<AppState>,
    auth: Auth,
    body: Body<NewTeam>,
) -> Result<HttpResponse, ApiError> {
    auth.require(&[Role::CommunityAdmin])?;
    let (community, t) = (auth.community_id, body.0);
    let d = db::write(&state.pool, move |conn| {
        let row = volunteers::create_team(conn, community, &t.name, &t.description)?;
        detail(conn, &row)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/teams/{}", d.team.id)))
        .json(d))
}

/// A team with its members and leaders.
#[utoipa::path(tag = "volunteers", operation_id = "get_team", params(("id" = Uuid, Path)),
    responses((status = 200, body = TeamDetail), Problems), security(("bearer" = [])))]
#[get("/teams/{id}")]
pub async fn get_team(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let (community, id) = (auth.community_id, id.into_inner());
    let d = db::read(&state.pool, move |conn| {
        let t = store::team(conn, community, id)?.ok_or_else(|| ApiError::not_found("team"))?;
        detail(conn, &t)
    })
    .await?;
    Ok(HttpResponse::Ok().json(d))
}

/// Staff: add a volunteer to a team, or make them its leader.
#[utoipa::path(tag = "volunteers", operation_id = "set_team_member", request_body = Membership,
    params(("id" = Uuid, Path)), responses((status = 200, body = TeamDetail), Problems), security(("bearer" = [])))]
#[post("/teams/{id}/members")]
pub async fn set_member(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
    body: Body<Membership>,
) -> Result<HttpResponse, ApiError> {
    auth.require_staff()?;
    let (community, id, m) = (auth.community_id, id.into_inner(), body.0);
    let d = db::write(&state.pool, move |conn| {
        let t = volunteers::set_member(conn, community, id, m.volunteer_id, m.leader)?;
        detail(conn, &t)
    })
    .await?;
    Ok(HttpResponse::Ok().json(d))
}
