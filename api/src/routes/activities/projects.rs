//! Projects, their course packages, the parent preparation group, and partner claims.

use actix_web::{HttpResponse, get, post, web};
use canglong_activities::ProjectStatus;
use canglong_core::{PageRequest, Uuid, now};
use canglong_openapi::{
    NewProject, NewSession, Package, ParentMember, Project, ProjectPage, ProjectQuery,
    ProjectStatusChange, Session,
};
use canglong_persistence::activities::{self as store, PackageRow, ProjectRow, SessionRow};
use canglong_persistence::{AnyConnection, Id, Stored, people};
use utoipa_actix_web::service_config::ServiceConfig;

use super::places::partner_view;
use super::sessions::session_view;
use crate::auth::Auth;
use crate::extract::Body;
use crate::routes::Problems;
use crate::routes::views::{enum_of, name_of, utc};
use crate::{ApiError, AppState, db};

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
            .map(partner_view),
        None => None,
    };
    Ok(Project {
        id: p.id.0,
        title: p.title.clone(),
        description: p.description.clone(),
        organiser_kind: p.organiser_kind.clone(),
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

fn found(conn: &mut AnyConnection, community: Uuid, id: Uuid) -> Result<ProjectRow, ApiError> {
    store::project(conn, community, id)?.ok_or_else(|| ApiError::not_found("project"))
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
    if p.period_end <= p.period_start {
        return Err(ApiError::unprocessable(
            "invalid_window",
            "period_end must be after period_start",
        ));
    }
    if !["community", "social_worker", "team", "partner"].contains(&p.organiser_kind.as_str()) {
        return Err(ApiError::unprocessable(
            "invalid_value",
            "organiser_kind: community, social_worker, team or partner",
        ));
    }
    let project = db::write(&state.pool, move |conn| {
        if let Some(prev) = p.continues_project_id {
            found(conn, actor.community_id, prev)?;
            if store::continued_by(conn, prev)?.is_some() {
                return Err(ApiError::conflict(
                    "already_continued",
                    "that project was already continued",
                ));
            }
        }
        let at = now();
        let row = ProjectRow {
            id: Id(canglong_core::new_id()),
            community_id: Id(actor.community_id),
            title: p.title,
            description: p.description,
            organiser_kind: p.organiser_kind,
            partner_id: None,
            period_start: p.period_start.naive_utc(),
            period_end: p.period_end.naive_utc(),
            status: Stored(ProjectStatus::Planning),
            continues_project_id: p.continues_project_id.map(Id),
            created_by: Id(actor.user_id),
            created_at: at,
            updated_at: at,
        };
        store::insert_project(conn, &row)?;
        for k in p.packages {
            store::insert_package(
                conn,
                &PackageRow {
                    id: Id(canglong_core::new_id()),
                    community_id: row.community_id,
                    project_id: row.id,
                    title: k.title,
                    description: k.description,
                    created_at: at,
                },
            )?;
        }
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
        let p = found(conn, community, id)?;
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
    let (community, id, to) = (auth.community_id, id.into_inner(), name_of(&body.0.status));
    let p = db::write(&state.pool, move |conn| {
        let p = found(conn, community, id)?;
        let to = ProjectStatus::parse(&to)
            .ok_or_else(|| ApiError::bug("a row that must exist is missing"))?;
        let next = ProjectStatus::parse(&p.status)
            .ok_or_else(|| ApiError::bug("a row that must exist is missing"))?
            .advance(to)?;
        store::set_project_status(conn, id, next.as_str())?;
        let p = found(conn, community, id)?;
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
        let p = found(conn, community, id)?;
        people::find_user(conn, user)?
            .filter(|u| u.community_id.0 == community)
            .ok_or_else(|| ApiError::unprocessable("unknown_user", "no such resident here"))?;
        store::add_parent(conn, &p, user)?;
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
        let partner = store::staff_partner(conn, actor.user_id)?.ok_or_else(|| {
            ApiError::forbidden(
                "not_partner_staff",
                "only partner organisations' staff claim projects",
            )
        })?;
        let p = found(conn, actor.community_id, id)?;
        if p.status.0 == ProjectStatus::Closed {
            return Err(ApiError::unprocessable(
                "invalid_transition",
                "a closed project cannot be claimed",
            ));
        }
        if !store::claim_project(conn, id, partner)? {
            return Err(ApiError::conflict(
                "already_claimed",
                "another partner claimed this project",
            ));
        }
        let p = found(conn, actor.community_id, id)?;
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
    if s.ends_at <= s.starts_at || s.enrol_to <= s.enrol_from {
        return Err(ApiError::unprocessable(
            "invalid_window",
            "each window must end after it starts",
        ));
    }
    let session = db::write(&state.pool, move |conn| {
        let p = found(conn, community, id)?;
        if let Some(k) = s.package_id
            && !store::packages_of(conn, id)?.iter().any(|x| x.id.0 == k)
        {
            return Err(ApiError::unprocessable(
                "unknown_package",
                "not a course package of this project",
            ));
        }
        let (start, end) = (s.starts_at.naive_utc(), s.ends_at.naive_utc());
        if let Some(room) = s.room_id {
            store::room(conn, community, room)?
                .ok_or_else(|| ApiError::unprocessable("unknown_room", "no such room"))?;
            if store::room_busy(conn, room, start, end)? {
                return Err(ApiError::unprocessable(
                    "room_busy",
                    "another session uses the room at that time",
                ));
            }
        }
        let mut secret = [0u8; 16];
        getrandom::fill(&mut secret).map_err(|e| ApiError::bug(format!("{e}")))?;
        let row = SessionRow {
            id: Id(canglong_core::new_id()),
            community_id: Id(community),
            project_id: p.id,
            package_id: s.package_id.map(Id),
            title: s.title,
            starts_at: start,
            ends_at: end,
            room_id: s.room_id.map(Id),
            place: s.place,
            capacity: s.capacity,
            enrol_from: s.enrol_from.naive_utc(),
            enrol_to: s.enrol_to.naive_utc(),
            volunteer_slots: s.volunteer_slots,
            attendance_points: s.attendance_points,
            checkin_secret: secret.iter().map(|b| format!("{b:02x}")).collect(),
            created_at: now(),
        };
        store::insert_session(conn, &row)?;
        session_view(conn, &row)
    })
    .await?;
    Ok(HttpResponse::Created().json(session))
}
