//! Projects, their course packages, the parent preparation group, and partner claims.

use actix_web::{HttpResponse, get, post, web};
use canglong_core::{PageRequest, Uuid};
use canglong_openapi::{
    NewProject, NewSession, Package, ParentMember, Project, ProjectPage, ProjectQuery,
    ProjectStatusChange, Session,
};
use canglong_persistence::AnyConnection;
use canglong_persistence::activities::{self as store, ProjectRow};
use utoipa_actix_web::service_config::ServiceConfig;

use super::places::partner_view;
use super::sessions::session_view;
use crate::auth::Auth;
use crate::extract::Body;
use crate::routes::Problems;
use crate::routes::views::{enum_of, stored_of, utc};
use crate::{ApiError, AppState, db};
use canglong_services::projects;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create_project)
        .service(list_projects)
        .service(get_project)
        .service(change_status)
        .service(add_parent)
        .service(claim)
        .service(create_session);
}

fn view(conn: &mut AnyConnection, p: &ProjectRow) -> Result<Project, ApiError> {
    let partner = match p.partner_id {
        Some(id) => store::partner(conn, p.community_id.0, id.0)?
            .as_ref()
            .map(partner_view)
            .transpose()?,
        None => None,
    };
    Ok(Project {
        id: p.id.0,
        title: p.title.clone(),
        description: p.description.clone(),
        organiser_kind: enum_of(&p.organiser_kind)?,
        partner,
        period_start: utc(p.period_start),
        period_end: utc(p.period_end),
        status: enum_of(&p.status)?,
        continues_project_id: p.continues_project_id.map(|c| c.0),
        continued_by: store::continued_by(conn, p.id.0)?,
        packages: store::packages_of(conn, p.id.0)?
            .into_iter()
            .map(|k| Package {
                id: k.id.0,
                title: k.title,
                description: k.description,
            })
            .collect(),
        parents: store::parents(conn, p.id.0)?,
        created_at: utc(p.created_at),
    })
}

/// Staff: start a project with its course packages; `continues_project_id` carries a project of
/// the previous period into this one (the continuation rate counts these).
#[utoipa::path(tag = "activities", operation_id = "create_project", request_body = NewProject,
    responses((status = 201, body = Project), Problems), security(("bearer" = [])))]
#[post("/projects")]
pub async fn create_project(
    state: web::Data<AppState>,
    auth: Auth,
    body: Body<NewProject>,
) -> Result<HttpResponse, ApiError> {
    auth.require_staff()?;
    let (actor, p) = (auth.0, body.0);
    let draft = projects::ProjectDraft {
        title: p.title,
        description: p.description,
        organiser_kind: stored_of(&p.organiser_kind)?.0,
        period_start: p.period_start.naive_utc(),
        period_end: p.period_end.naive_utc(),
        continues_project_id: p.continues_project_id,
        packages: p
            .packages
            .into_iter()
            .map(|k| (k.title, k.description))
            .collect(),
    };
    let project = db::write(&state.pool, move |conn| {
        let row = projects::create(conn, &actor, draft)?;
        view(conn, &row)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/projects/{}", project.id)))
        .json(project))
}

/// The community's projects; `claimable=true` lists those partners may still claim.
#[utoipa::path(tag = "activities", operation_id = "list_projects", params(ProjectQuery),
    responses((status = 200, body = ProjectPage), Problems), security(("bearer" = [])))]
#[get("/projects")]
pub async fn list_projects(
    state: web::Data<AppState>,
    auth: Auth,
    q: web::Query<ProjectQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = q.into_inner();
    let page = PageRequest::parse(q.limit, q.cursor.as_deref())?;
    let community = auth.community_id;
    let result = db::read(&state.pool, move |conn| {
        let rows = store::list_projects(conn, community, q.claimable == Some(true), &page)?;
        let (rows, next) = page.finish(rows, |r| r.id.0);
        let items = rows
            .iter()
            .map(|r| view(conn, r))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(ProjectPage {
            items,
            next_cursor: next.map(|c| c.encode()),
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(result))
}

/// One project with its packages, parents and partner.
#[utoipa::path(tag = "activities", operation_id = "get_project", params(("id" = Uuid, Path)),
    responses((status = 200, body = Project), Problems), security(("bearer" = [])))]
#[get("/projects/{id}")]
pub async fn get_project(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let (community, id) = (auth.community_id, id.into_inner());
    let p = db::read(&state.pool, move |conn| {
        let p = projects::found(conn, community, id)?;
        view(conn, &p)
    })
    .await?;
    Ok(HttpResponse::Ok().json(p))
}

/// Staff: move a project to its next stage (planning → running → reviewing → closed).
#[utoipa::path(tag = "activities", operation_id = "change_project_status", request_body = ProjectStatusChange,
    params(("id" = Uuid, Path)), responses((status = 200, body = Project), Problems), security(("bearer" = [])))]
#[post("/projects/{id}/status")]
pub async fn change_status(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
    body: Body<ProjectStatusChange>,
) -> Result<HttpResponse, ApiError> {
    auth.require_staff()?;
    let (community, id) = (auth.community_id, id.into_inner());
    let to = stored_of(&body.0.status)?.0;
    let p = db::write(&state.pool, move |conn| {
        let p = projects::advance(conn, community, id, to)?;
        view(conn, &p)
    })
    .await?;
    Ok(HttpResponse::Ok().json(p))
}

/// Staff: add a resident to the project's parent preparation group (家长筹备组).
#[utoipa::path(tag = "activities", operation_id = "add_project_parent", request_body = ParentMember,
    params(("id" = Uuid, Path)), responses((status = 200, body = Project), Problems), security(("bearer" = [])))]
#[post("/projects/{id}/parents")]
pub async fn add_parent(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
    body: Body<ParentMember>,
) -> Result<HttpResponse, ApiError> {
    auth.require_staff()?;
    let (community, id, user) = (auth.community_id, id.into_inner(), body.0.user_id);
    let p = db::write(&state.pool, move |conn| {
        let p = projects::add_parent(conn, community, id, user)?;
        view(conn, &p)
    })
    .await?;
    Ok(HttpResponse::Ok().json(p))
}

/// A partner organisation's staff claim a project from the list; one partner per project.
#[utoipa::path(tag = "activities", operation_id = "claim_project", params(("id" = Uuid, Path)),
    responses((status = 200, body = Project), Problems), security(("bearer" = [])))]
#[post("/projects/{id}/claims")]
pub async fn claim(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let (actor, id) = (auth.0, id.into_inner());
    let p = db::write(&state.pool, move |conn| {
        let p = projects::claim(conn, &actor, id)?;
        view(conn, &p)
    })
    .await?;
    Ok(HttpResponse::Ok().json(p))
}

/// Staff: schedule a session of the project. A room hosts one session at a time (422
/// `room_busy`).
#[utoipa::path(tag = "activities", operation_id = "create_session", request_body = NewSession,
    params(("id" = Uuid, Path)), responses((status = 201, body = Session), Problems), security(("bearer" = [])))]
#[post("/projects/{id}/sessions")]
pub async fn create_session(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
    body: Body<NewSession>,
) -> Result<HttpResponse, ApiError> {
    auth.require_staff()?;
    let (community, id, s) = (auth.community_id, id.into_inner(), body.0);
    let draft = projects::SessionDraft {
        package_id: s.package_id,
        title: s.title,
        starts_at: s.starts_at.naive_utc(),
        ends_at: s.ends_at.naive_utc(),
        room_id: s.room_id,
        place: s.place,
        capacity: s.capacity,
        enrol_from: s.enrol_from.naive_utc(),
        enrol_to: s.enrol_to.naive_utc(),
        volunteer_slots: s.volunteer_slots,
        attendance_points: s.attendance_points,
    };
    let session = db::write(&state.pool, move |conn| {
        let row = projects::schedule(conn, community, id, draft)?;
        session_view(conn, &row)
    })
    .await?;
    Ok(HttpResponse::Created().json(session))
}
