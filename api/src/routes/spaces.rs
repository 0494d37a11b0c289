//! Places with their zones and services, and walk-in visits with the daily figures.

use actix_web::{HttpResponse, get, post, web};
use canglong_core::{Uuid, now};
use canglong_openapi::{
    DailyVisits, NewPlace, NewPlaceService, NewVisit, PeakPeriod, Place, PlaceList, PlaceService,
    Visit, VisitList, VisitSource, VisitTally, VisitsQuery,
};
use canglong_persistence::AnyConnection;
use canglong_persistence::spaces::{self as store, PlaceRow, VisitRow};
use canglong_services::spaces;
use utoipa_actix_web::service_config::ServiceConfig;

use super::Problems;
use super::views::{enum_of, utc};
use crate::auth::Auth;
use crate::extract::Body;
use crate::{ApiError, AppState, db};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create_place)
        .service(list_places)
        .service(add_service)
        .service(record_visit)
        .service(visits);
}

fn places(
    conn: &mut AnyConnection,
    rows: &[PlaceRow],
    staff: bool,
) -> Result<Vec<Place>, ApiError> {
    let ids: Vec<Uuid> = rows.iter().map(|p| p.id.0).collect();
    let services = store::services_of(conn, &ids)?;
    rows.iter()
        .map(|p| {
            Ok(Place {
                id: p.id.0,
                name: p.name.clone(),
                kind: enum_of(&p.kind)?,
                area_m2: p.area_m2,
                zones: serde_json::from_str(&p.zones)
                    .map_err(|e| ApiError::bug(format!("a place's zones: {e}")))?,
                services: services
                    .iter()
                    .filter(|s| s.place_id == p.id)
                    .map(|s| PlaceService {
                        id: s.id.0,
                        name: s.name.clone(),
                    })
                    .collect(),
                code: staff.then(|| p.code.clone()),
                created_at: utc(p.created_at),
            })
        })
        .collect()
}

/// Community admin: a place (the activity centre with its zones, the senior centre, the riders'
/// station 夏小驿); the answer carries the code for its poster.
#[utoipa::path(tag = "spaces", operation_id = "create_place", request_body = NewPlace,
    responses((status = 201, body = Place), Problems), security(("bearer" = [])))]
#[post("/places")]
pub async fn create_place(
    state: web::Data<AppState>,
    auth: Auth,
    body: Body<NewPlace>,
) -> Result<HttpResponse, ApiError> {
    let (actor, n) = (auth.0, body.0);
    let draft = spaces::PlaceDraft {
        name: n.name,
        kind: super::views::stored_of(&n.kind)?.0,
        area_m2: n.area_m2,
        zones: n.zones.into_iter().map(|z| z.name).collect(),
    };
    let place = db::write(&state.pool, move |conn| {
        let row = spaces::create_place(conn, &actor, draft)?;
        places(conn, &[row], true).map(|mut v| v.remove(0))
    })
    .await?;
    Ok(HttpResponse::Created().json(place))
}

/// The community's places with their zones and services; staff also see each poster's code.
#[utoipa::path(tag = "spaces", operation_id = "list_places",
    responses((status = 200, body = PlaceList), Problems), security(("bearer" = [])))]
#[get("/places")]
pub async fn list_places(state: web::Data<AppState>, auth: Auth) -> Result<HttpResponse, ApiError> {
    let actor = auth.0;
    let list = db::read(&state.pool, move |conn| {
        let rows = store::places_of(conn, actor.community_id)?;
        Ok(PlaceList {
            items: places(conn, &rows, actor.is_staff())?,
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(list))
}

/// Community admin: a service the place offers (the station's rest, charging, water …).
#[utoipa::path(tag = "spaces", operation_id = "add_place_service", request_body = NewPlaceService,
    params(("id" = Uuid, Path)), responses((status = 201, body = Place), Problems), security(("bearer" = [])))]
#[post("/places/{id}/services")]
pub async fn add_service(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
    body: Body<NewPlaceService>,
) -> Result<HttpResponse, ApiError> {
    let (actor, id, n) = (auth.0, id.into_inner(), body.0);
    let place = db::write(&state.pool, move |conn| {
        let row = spaces::add_service(conn, &actor, id, &n.name)?;
        places(conn, &[row], true).map(|mut v| v.remove(0))
    })
    .await?;
    Ok(HttpResponse::Created().json(place))
}

pub fn visit(v: &VisitRow) -> Visit {
    Visit {
        id: v.id.0,
        place_id: v.place_id.0,
        zone: v.zone.clone(),
        service_id: v.service_id.map(|s| s.0),
        people: v.people,
        recorded_as: if v.visitor_id.is_some() {
            VisitSource::Scan
        } else {
            VisitSource::Tally
        },
        created_at: utc(v.created_at),
    }
}

/// A walk-in visit: staff tally people coming in (`count`), or a visitor sends the code from the
/// place's poster (a rider says which service they used). A visitor's second scan of the same
/// place and service within 30 minutes is 409 `already_visited`; a wrong code 422.
#[utoipa::path(tag = "spaces", operation_id = "record_visit", request_body = NewVisit,
    responses((status = 201, body = Visit), Problems), security(("bearer" = [])))]
#[post("/visits")]
pub async fn record_visit(
    state: web::Data<AppState>,
    auth: Auth,
    body: Body<NewVisit>,
) -> Result<HttpResponse, ApiError> {
    let (actor, n) = (auth.0, body.0);
    let draft = spaces::VisitDraft {
        place_id: n.place_id,
        zone: n.zone,
        service_id: n.service_id,
        count: n.count,
        code: n.code,
    };
    let v = db::write(&state.pool, move |conn| {
        Ok(visit(&spaces::record_visit(conn, &actor, draft)?))
    })
    .await?;
    Ok(HttpResponse::Created().json(v))
}

/// Staff: visits per local day — people at sessions and association sessions, and walk-ins at
/// the community's places (or one place's walk-ins) — by zone and by service, the busiest day,
/// and the peak period's daily average with its definition.
#[utoipa::path(tag = "spaces", operation_id = "daily_visits", params(VisitsQuery),
    responses((status = 200, body = VisitList), Problems), security(("bearer" = [])))]
#[get("/visits")]
pub async fn visits(
    state: web::Data<AppState>,
    auth: Auth,
    q: web::Query<VisitsQuery>,
) -> Result<HttpResponse, ApiError> {
    let (actor, q) = (auth.0, q.into_inner());
    let to = q.to.map_or_else(now, |t| t.naive_utc());
    let from = q
        .from
        .map_or_else(|| to - chrono::Duration::days(30), |t| t.naive_utc());
    if to <= from {
        return Err(ApiError::unprocessable(
            "invalid_period",
            "`to` must be after `from`",
        ));
    }
    let v = db::read(&state.pool, move |conn| {
        Ok(spaces::visits(conn, &actor, q.place_id, from, to)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(visit_list(&v)))
}

/// The visits as the contract shows them.
fn visit_list(v: &spaces::Visits) -> VisitList {
    let items: Vec<DailyVisits> = v
        .days
        .iter()
        .map(|(d, (sessions, walk_ins))| DailyVisits {
            date: d.format("%Y-%m-%d").to_string(),
            visits: sessions + walk_ins,
            sessions: *sessions,
            walk_ins: *walk_ins,
        })
        .collect();
    // The earliest of the busiest days.
    let peak = items
        .iter()
        .fold(None::<&DailyVisits>, |best, d| match best {
            Some(b) if b.visits >= d.visits => Some(b),
            _ => Some(d),
        })
        .cloned();
    VisitList {
        items,
        peak,
        peak_period: v.peak_period.map(|(f, t, mean)| PeakPeriod {
            from: f.format("%Y-%m-%d").to_string(),
            to: t.format("%Y-%m-%d").to_string(),
            daily_average: mean,
            definition: v.definition.to_string(),
        }),
        by_zone: v
            .by_zone
            .iter()
            .map(|((p, z), n)| VisitTally {
                place_id: Some(*p),
                zone: Some(z.clone()),
                service_id: None,
                visits: *n,
            })
            .collect(),
        by_service: v
            .by_service
            .iter()
            .map(|(s, n)| VisitTally {
                place_id: None,
                zone: None,
                service_id: Some(*s),
                visits: *n,
            })
            .collect(),
    }
}
