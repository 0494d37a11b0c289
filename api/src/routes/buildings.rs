//! Buildings and their heads, outreach visits and mediation cases.

use actix_web::{HttpResponse, get, post, web};
use canglong_core::{PageRequest, Uuid};
use canglong_openapi::{
    AgreementRequest, Building, BuildingHead, BuildingPage, BuildingScopedQuery, Mediation,
    MediationPage, MediationSession, NewBuilding, NewHead, NewMediation, NewMediationSession,
    NewOutreach, Outreach, OutreachPage, PageQuery,
};
use canglong_persistence::AnyConnection;
use canglong_persistence::residents::{self as store, BuildingRow, MediationRow, OutreachRow};
use canglong_services::{buildings, residents};
use utoipa_actix_web::service_config::ServiceConfig;

use super::Problems;
use super::views::{enum_of, utc};
use crate::auth::Auth;
use crate::extract::Body;
use crate::{ApiError, AppState, db};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create_building)
        .service(list_buildings)
        .service(add_head)
        .service(record_outreach)
        .service(list_outreach)
        .service(open_mediation)
        .service(list_mediations)
        .service(get_mediation)
        .service(mediation_session)
        .service(mediation_agreement);
}

fn building(conn: &mut AnyConnection, b: &BuildingRow) -> Result<Building, ApiError> {
    let heads = store::heads_of(conn, &[b.id.0])?
        .into_iter()
        .map(|(h, name)| BuildingHead {
            user_id: h.user_id.0,
            name,
            party_member: h.party_member,
        })
        .collect();
    Ok(Building {
        id: b.id.0,
        name: b.name.clone(),
        cluster: b.cluster.clone(),
        heads,
        created_at: utc(b.created_at),
    })
}

fn forbidden() -> ApiError {
    ApiError::from(canglong_core::DomainError::forbidden(
        "forbidden_role",
        "requires staff or a building head",
    ))
}

/// Community admin: add a building (楼栋), in an estate cluster (组团) if the community has them.
#[utoipa::path(tag = "people", operation_id = "create_building", request_body = NewBuilding,
    responses((status = 201, body = Building), Problems), security(("bearer" = [])))]
#[post("/buildings")]
pub async fn create_building(
    state: web::Data<AppState>,
    auth: Auth,
    body: Body<NewBuilding>,
) -> Result<HttpResponse, ApiError> {
    let (actor, n) = (auth.0, body.0);
    let b = db::write(&state.pool, move |conn| {
        let row = buildings::create(conn, &actor, &n.name, &n.cluster)?;
        building(conn, &row)
    })
    .await?;
    Ok(HttpResponse::Created().json(b))
}

/// The community's buildings with their heads: staff see all, a head their own.
#[utoipa::path(tag = "people", operation_id = "list_buildings", params(PageQuery),
    responses((status = 200, body = BuildingPage), Problems), security(("bearer" = [])))]
#[get("/buildings")]
pub async fn list_buildings(
    state: web::Data<AppState>,
    auth: Auth,
    q: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = PageRequest::parse(q.limit, q.cursor.as_deref())?;
    let actor = auth.0;
    let result = db::read(&state.pool, move |conn| {
        let reach = residents::reach(conn, &actor)?;
        if reach == residents::Reach::Nobody {
            return Err(forbidden());
        }
        let rows: Vec<BuildingRow> = store::buildings(conn, actor.community_id, &page)?;
        let (rows, next) = page.finish(rows, |b| b.id.0);
        let items = rows
            .iter()
            .filter(|b| reach.covers(Some(b.id.0)))
            .map(|b| building(conn, b))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(BuildingPage {
            items,
            next_cursor: next.map(|c| c.encode()),
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(result))
}

/// Community admin: make a person of the community a head of the building (楼栋长, a party
/// member or not).
#[utoipa::path(tag = "people", operation_id = "add_building_head", request_body = NewHead,
    params(("id" = Uuid, Path)), responses((status = 201, body = Building), Problems), security(("bearer" = [])))]
#[post("/buildings/{id}/heads")]
pub async fn add_head(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
    body: Body<NewHead>,
) -> Result<HttpResponse, ApiError> {
    let (actor, id, h) = (auth.0, id.into_inner(), body.0);
    let b = db::write(&state.pool, move |conn| {
        let row = buildings::add_head(conn, &actor, id, h.user_id, h.party_member)?;
        building(conn, &row)
    })
    .await?;
    Ok(HttpResponse::Created().json(b))
}

fn outreach(r: &OutreachRow) -> Outreach {
    Outreach {
        id: r.id.0,
        building_id: r.building_id.0,
        resident_id: r.resident_id.map(|i| i.0),
        household: r.household.clone(),
        topic: r.topic.clone(),
        note: r.note.clone(),
        visited_at: utc(r.visited_at),
        recorded_by: r.recorded_by.0,
    }
}

/// A building head (own buildings) or staff records a household visit (入户走访); a visit to a
/// registered resident counts in their care.
#[utoipa::path(tag = "people", operation_id = "record_outreach", request_body = NewOutreach,
    responses((status = 201, body = Outreach), Problems), security(("bearer" = [])))]
#[post("/outreach")]
pub async fn record_outreach(
    state: web::Data<AppState>,
    auth: Auth,
    body: Body<NewOutreach>,
) -> Result<HttpResponse, ApiError> {
    let (actor, n) = (auth.0, body.0);
    let visit = buildings::Visit {
        building_id: n.building_id,
        resident_id: n.resident_id,
        household: n.household,
        topic: n.topic,
        note: n.note,
        visited_at: n.visited_at.map(|t| t.naive_utc()),
    };
    let r = db::write(&state.pool, move |conn| {
        Ok(outreach(&buildings::record_outreach(conn, &actor, visit)?))
    })
    .await?;
    Ok(HttpResponse::Created().json(r))
}

/// Outreach visits, newest first: staff see all, a head their buildings'.
#[utoipa::path(tag = "people", operation_id = "list_outreach", params(BuildingScopedQuery),
    responses((status = 200, body = OutreachPage), Problems), security(("bearer" = [])))]
#[get("/outreach")]
pub async fn list_outreach(
    state: web::Data<AppState>,
    auth: Auth,
    q: web::Query<BuildingScopedQuery>,
) -> Result<HttpResponse, ApiError> {
    let (actor, q) = (auth.0, q.into_inner());
    let page = PageRequest::parse(q.limit, q.cursor.as_deref())?;
    let result = db::read(&state.pool, move |conn| {
        let reach = residents::reach(conn, &actor)?;
        if reach == residents::Reach::Nobody {
            return Err(forbidden());
        }
        let within = reach.within();
        let rows = store::outreach_list(
            conn,
            actor.community_id,
            within.as_deref(),
            q.building_id,
            &page,
        )?;
        let (rows, next) = page.finish(rows, |r| r.id.0);
        Ok(OutreachPage {
            items: rows.iter().map(outreach).collect(),
            next_cursor: next.map(|c| c.encode()),
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(result))
}

fn mediation(conn: &mut AnyConnection, m: &MediationRow) -> Result<Mediation, ApiError> {
    let sessions = store::mediation_sessions(conn, m.id.0)?
        .into_iter()
        .map(|s| MediationSession {
            id: s.id.0,
            held_at: utc(s.held_at),
            note: s.note,
            recorded_by: s.recorded_by.0,
        })
        .collect();
    Ok(Mediation {
        id: m.id.0,
        building_id: m.building_id.map(|b| b.0),
        title: m.title.clone(),
        parties: serde_json::from_str(&m.parties).map_err(|e| ApiError::bug(format!("{e}")))?,
        status: enum_of(&m.status)?,
        opened_by: m.opened_by.0,
        agreement: m.agreement.clone(),
        follow_up_at: m.follow_up_at.map(utc),
        agreed_at: m.agreed_at.map(utc),
        created_at: utc(m.created_at),
        sessions,
    })
}

/// A building head (own buildings) or a social worker opens a dispute mediation case (调解).
/// Confidential: only the head who opened it or heads its building, social workers and admins
/// see it.
#[utoipa::path(tag = "people", operation_id = "open_mediation", request_body = NewMediation,
    responses((status = 201, body = Mediation), Problems), security(("bearer" = [])))]
#[post("/mediations")]
pub async fn open_mediation(
    state: web::Data<AppState>,
    auth: Auth,
    body: Body<NewMediation>,
) -> Result<HttpResponse, ApiError> {
    let (actor, n) = (auth.0, body.0);
    let m = db::write(&state.pool, move |conn| {
        let row = buildings::open_case(conn, &actor, n.building_id, &n.title, &n.parties)?;
        mediation(conn, &row)
    })
    .await?;
    Ok(HttpResponse::Created().json(m))
}

/// The mediation cases the caller may see, newest first.
#[utoipa::path(tag = "people", operation_id = "list_mediations", params(PageQuery),
    responses((status = 200, body = MediationPage), Problems), security(("bearer" = [])))]
#[get("/mediations")]
pub async fn list_mediations(
    state: web::Data<AppState>,
    auth: Auth,
    q: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = PageRequest::parse(q.limit, q.cursor.as_deref())?;
    let actor = auth.0;
    let result = db::read(&state.pool, move |conn| {
        let head = match residents::reach(conn, &actor)? {
            _ if actor.has_any(&[
                canglong_core::Role::SocialWorker,
                canglong_core::Role::CommunityAdmin,
                canglong_core::Role::SubdistrictAdmin,
            ]) =>
            {
                None
            }
            residents::Reach::Buildings(own) => Some(own),
            _ => return Err(forbidden()),
        };
        let rows = store::mediation_list(
            conn,
            actor.community_id,
            head.as_deref().map(|own| (actor.user_id, own)),
            &page,
        )?;
        let (rows, next) = page.finish(rows, |m| m.id.0);
        let items = rows
            .iter()
            .map(|m| mediation(conn, m))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(MediationPage {
            items,
            next_cursor: next.map(|c| c.encode()),
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(result))
}

/// One case with its sessions, for those who may see it.
#[utoipa::path(tag = "people", operation_id = "get_mediation", params(("id" = Uuid, Path)),
    responses((status = 200, body = Mediation), Problems), security(("bearer" = [])))]
#[get("/mediations/{id}")]
pub async fn get_mediation(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let (actor, id) = (auth.0, id.into_inner());
    let m = db::read(&state.pool, move |conn| {
        let row = store::mediation(conn, actor.community_id, id)?
            .ok_or_else(|| ApiError::not_found("mediation"))?;
        if !buildings::may_see_case(conn, &actor, &row)? {
            return Err(ApiError::not_found("mediation"));
        }
        mediation(conn, &row)
    })
    .await?;
    Ok(HttpResponse::Ok().json(m))
}

/// A session of an open case.
#[utoipa::path(tag = "people", operation_id = "mediation_session", request_body = NewMediationSession,
    params(("id" = Uuid, Path)), responses((status = 201, body = Mediation), Problems), security(("bearer" = [])))]
#[post("/mediations/{id}/sessions")]
pub async fn mediation_session(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
    body: Body<NewMediationSession>,
) -> Result<HttpResponse, ApiError> {
    let (actor, id, s) = (auth.0, id.into_inner(), body.0);
    let m = db::write(&state.pool, move |conn| {
        buildings::hold_session(conn, &actor, id, s.held_at.map(|t| t.naive_utc()), &s.note)?;
        let row = store::mediation(conn, actor.community_id, id)?
            .ok_or_else(|| ApiError::bug("a case just written is missing"))?;
        mediation(conn, &row)
    })
    .await?;
    Ok(HttpResponse::Created().json(m))
}

/// The parties' agreement with its follow-up date; without an agreement, the case is closed
/// after the follow-up.
#[utoipa::path(tag = "people", operation_id = "mediation_agreement", request_body = AgreementRequest,
    params(("id" = Uuid, Path)), responses((status = 200, body = Mediation), Problems), security(("bearer" = [])))]
#[post("/mediations/{id}/agreement")]
pub async fn mediation_agreement(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
    body: Body<AgreementRequest>,
) -> Result<HttpResponse, ApiError> {
    let (actor, id, a) = (auth.0, id.into_inner(), body.0);
    let m = db::write(&state.pool, move |conn| {
        let row = buildings::settle(
            conn,
            &actor,
            id,
            a.agreement.as_deref(),
            a.follow_up_at.map(|t| t.naive_utc()),
        )?;
        mediation(conn, &row)
    })
    .await?;
    Ok(HttpResponse::Ok().json(m))
}
