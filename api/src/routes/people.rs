//! The residents directory, binding codes, family proxies, care and the staff's work queue.

use actix_web::{HttpResponse, get, post, put, web};
use canglong_core::{PageRequest, Uuid};
use canglong_openapi::{
    BindingCode, BindingRequest, BindingResult, Care, CareGap, CareGapPage, CareGapQuery,
    CareGapSettings, CareService, MonthCount, NewRelative, NewResident, QueueItem, QueuePage,
    Relative, RelativeDecision, RelativePage, Resident, ResidentConsent, ResidentPage,
    ResidentQuery,
};
use canglong_persistence::residents::{self as store, Entry, RelativeRow};
use canglong_services::{care, residents};
use utoipa_actix_web::service_config::ServiceConfig;

use super::Problems;
use super::views::{enum_of, mask_phone, name_of, stored_of, utc};
use crate::auth::Auth;
use crate::extract::Body;
use crate::{ApiError, AppState, db};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(register)
        .service(search)
        .service(get_resident)
        .service(binding_code)
        .service(bind)
        .service(ask_relative)
        .service(my_relatives)
        .service(decide_relative)
        .service(care_history)
        .service(care_gaps)
        .service(set_care_gap_days)
        .service(queue);
}

fn tags(text: &str) -> Result<Vec<canglong_openapi::ResidentTag>, ApiError> {
    let names: Vec<String> =
        serde_json::from_str(text).map_err(|e| ApiError::bug(format!("{e}")))?;
    names.iter().map(|n| enum_of(n)).collect()
}

fn resident(e: &Entry, bound: bool) -> Result<Resident, ApiError> {
    let r = &e.row;
    Ok(Resident {
        id: r.id.0,
        name: e.name.clone(),
        building_id: r.building_id.map(|b| b.0),
        unit: r.unit.clone(),
        room: r.room.clone(),
        phone: r.phone.as_deref().map(mask_phone),
        tags: tags(&r.tags)?,
        consent: ResidentConsent {
            method: enum_of(&r.consent_method)?,
            given_by: r.consent_by.clone(),
            recorded_by: r.consent_recorded_by.0,
            at: utc(r.consent_at),
        },
        bound,
        created_at: utc(r.created_at),
    })
}

fn bound(conn: &mut canglong_persistence::AnyConnection, e: &Entry) -> Result<bool, ApiError> {
    Ok(
        canglong_persistence::people::find_user(conn, e.row.user_id.0)?
            .is_some_and(|u| u.wechat_openid.is_some()),
    )
}

/// Staff, or a building head in their own buildings, register a resident without the app
/// (no phone needed), with the consent recorded: how it was given and by whom.
#[utoipa::path(tag = "people", operation_id = "register_resident", request_body = NewResident,
    responses((status = 201, body = Resident), Problems), security(("bearer" = [])))]
#[post("/residents")]
pub async fn register(
    state: web::Data<AppState>,
    auth: Auth,
    body: Body<NewResident>,
) -> Result<HttpResponse, ApiError> {
    let (actor, n) = (auth.0, body.0);
    let registration = residents::Registration {
        name: n.name.clone(),
        building_id: n.building_id,
        unit: n.unit,
        room: n.room,
        phone: n.phone,
        tags: n
            .tags
            .iter()
            .map(|t| stored_of(t).map(|s| s.0))
            .collect::<Result<Vec<_>, _>>()?,
        consent: residents::Consent {
            method: stored_of(&n.consent.method)?.0,
            given_by: n.consent.given_by.unwrap_or(n.name),
        },
    };
    let r = db::write(&state.pool, move |conn| {
        resident(&residents::register(conn, &actor, registration)?, false)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/residents/{}", r.id)))
        .json(r))
}

/// The directory, within the caller's reach (a building head: their buildings), by building,
/// tag and part of the name.
#[utoipa::path(tag = "people", operation_id = "list_residents", params(ResidentQuery),
    responses((status = 200, body = ResidentPage), Problems), security(("bearer" = [])))]
#[get("/residents")]
pub async fn search(
    state: web::Data<AppState>,
    auth: Auth,
    q: web::Query<ResidentQuery>,
) -> Result<HttpResponse, ApiError> {
    let (actor, q) = (auth.0, q.into_inner());
    let page = PageRequest::parse(q.limit, q.cursor.as_deref())?;
    let result = db::read(&state.pool, move |conn| {
        let reach = residents::reach(conn, &actor)?;
        if reach == residents::Reach::Nobody {
            return Err(ApiError::from(canglong_core::DomainError::forbidden(
                "forbidden_role",
                "requires staff or a building head",
            )));
        }
        let s = store::Search {
            within: reach.within(),
            building_id: q.building_id,
            tag: q.tag.as_ref().map(name_of),
            name: q.name.filter(|n| !n.trim().is_empty()),
        };
        let rows = store::search(conn, actor.community_id, &s, &page)?;
        let (rows, next) = page.finish(rows, |e| e.row.id.0);
        let items = rows
            .iter()
            .map(|e| resident(e, bound(conn, e)?))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(ResidentPage {
            items,
            next_cursor: next.map(|c| c.encode()),
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(result))
}

/// One directory entry: staff, or the head of the resident's building.
#[utoipa::path(tag = "people", operation_id = "get_resident", params(("id" = Uuid, Path)),
    responses((status = 200, body = Resident), Problems), security(("bearer" = [])))]
#[get("/residents/{id}")]
pub async fn get_resident(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let (actor, id) = (auth.0, id.into_inner());
    let r = db::read(&state.pool, move |conn| {
        let e = residents::visible(conn, &actor, id)?;
        resident(&e, bound(conn, &e)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(r))
}

/// Staff: a one-time code, valid a week, that attaches a WeChat account to the resident (their
/// own, or a family member's as a proxy). Only its hash is kept; a new code leaves older ones
/// valid until they expire.
#[utoipa::path(tag = "people", operation_id = "issue_binding_code", params(("id" = Uuid, Path)),
    responses((status = 201, body = BindingCode), Problems), security(("bearer" = [])))]
#[post("/residents/{id}/binding-code")]
pub async fn binding_code(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let (actor, id) = (auth.0, id.into_inner());
    let (code, expires_at) = db::write(&state.pool, move |conn| {
        Ok(residents::binding_code(conn, &actor, id)?)
    })
    .await?;
    Ok(HttpResponse::Created().json(BindingCode {
        resident_id: id,
        code,
        expires_at: utc(expires_at),
    }))
}

fn relative(r: &RelativeRow, other_name: String) -> Result<Relative, ApiError> {
    Ok(Relative {
        id: r.id.0,
        proxy_id: r.proxy_id.0,
        elder_id: r.elder_id.0,
        other_name,
        relation: r.relation.clone(),
        status: enum_of(&r.status)?,
        requested_at: utc(r.requested_at),
        decided_at: r.decided_at.map(utc),
    })
}

/// Present a binding code: as the resident (the caller's WeChat moves onto the registered
/// account, from a fresh account with nothing of its own; sign in again), or with a `relation`
/// as their family proxy, confirmed at once.
#[utoipa::path(tag = "people", operation_id = "bind", request_body = BindingRequest,
    responses((status = 200, body = BindingResult), Problems), security(("bearer" = [])))]
#[post("/me/binding")]
pub async fn bind(
    state: web::Data<AppState>,
    auth: Auth,
    body: Body<BindingRequest>,
) -> Result<HttpResponse, ApiError> {
    let (actor, b) = (auth.0, body.0);
    let r = db::write(&state.pool, move |conn| {
        Ok(
            match residents::bind(conn, &actor, &b.code, b.relation.as_deref())? {
                residents::Bound::Account(e) => BindingResult {
                    resident_id: e.row.id.0,
                    name: e.name,
                    relative: None,
                    sign_in_again: true,
                },
                residents::Bound::Proxy(link, e) => BindingResult {
                    resident_id: e.row.id.0,
                    relative: Some(relative(&link, e.name.clone())?),
                    name: e.name,
                    sign_in_again: false,
                },
            },
        )
    })
    .await?;
    Ok(HttpResponse::Ok().json(r))
}

/// Ask to act for an elderly relative of the community (亲情代理); the relative or staff
/// confirm it.
#[utoipa::path(tag = "people", operation_id = "ask_relative", request_body = NewRelative,
    responses((status = 201, body = Relative), Problems), security(("bearer" = [])))]
#[post("/me/relatives")]
pub async fn ask_relative(
    state: web::Data<AppState>,
    auth: Auth,
    body: Body<NewRelative>,
) -> Result<HttpResponse, ApiError> {
    let (actor, n) = (auth.0, body.0);
    let r = db::write(&state.pool, move |conn| {
        let link = residents::link(conn, &actor, n.elder_id, &n.relation, None)?;
        let name = canglong_persistence::people::find_user(conn, n.elder_id)?
            .map(|u| u.nickname)
            .unwrap_or_default();
        relative(&link, name)
    })
    .await?;
    Ok(HttpResponse::Created().json(r))
}

/// The caller's family links, as proxy and as the relative.
#[utoipa::path(tag = "people", operation_id = "my_relatives", params(canglong_openapi::PageQuery),
    responses((status = 200, body = RelativePage), Problems), security(("bearer" = [])))]
#[get("/me/relatives")]
pub async fn my_relatives(
    state: web::Data<AppState>,
    auth: Auth,
    q: web::Query<canglong_openapi::PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = PageRequest::parse(q.limit, q.cursor.as_deref())?;
    let actor = auth.0;
    let (rows, next) = db::read(&state.pool, move |conn| {
        Ok(page.of_ranked(store::links_of(conn, actor.user_id)?, |(r, _)| r.id.0))
    })
    .await?;
    let items = rows
        .into_iter()
        .map(|(r, name)| relative(&r, name))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(HttpResponse::Ok().json(RelativePage {
        items,
        next_cursor: next.map(|c| c.encode()),
    }))
}

/// The relative (or staff) confirms or declines a link; either side or staff ends one.
#[utoipa::path(tag = "people", operation_id = "decide_relative", request_body = RelativeDecision,
    params(("id" = Uuid, Path)), responses((status = 200, body = Relative), Problems), security(("bearer" = [])))]
#[post("/relatives/{id}/confirmation")]
pub async fn decide_relative(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
    body: Body<RelativeDecision>,
) -> Result<HttpResponse, ApiError> {
    let (actor, id, d) = (auth.0, id.into_inner(), body.0);
    let r = db::write(&state.pool, move |conn| {
        let link = residents::decide_link(conn, &actor, id, d.confirm)?;
        let other = if link.elder_id.0 == actor.user_id {
            link.proxy_id.0
        } else {
            link.elder_id.0
        };
        let name = canglong_persistence::people::find_user(conn, other)?
            .map(|u| u.nickname)
            .unwrap_or_default();
        relative(&link, name)
    })
    .await?;
    Ok(HttpResponse::Ok().json(r))
}

/// A resident's care: services received, visits per month, the last visit and who came. For
/// staff, the head of their building, their confirmed family proxy, or themself.
#[utoipa::path(tag = "people", operation_id = "resident_care", params(("id" = Uuid, Path)),
    responses((status = 200, body = Care), Problems), security(("bearer" = [])))]
#[get("/residents/{id}/care")]
pub async fn care_history(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let (actor, id) = (auth.0, id.into_inner());
    let c = db::read(&state.pool, move |conn| {
        Ok(care::history(conn, &actor, id)?)
    })
    .await?;
    let services = c
        .services
        .iter()
        .map(|s| {
            Ok(CareService {
                record_id: s.record_id.0,
                need_id: s.need_id.map(|n| n.0),
                content: s.content.clone(),
                minutes: s.minutes,
                status: enum_of(&s.status)?,
                at: utc(s.at),
                volunteer_id: s.volunteer_id.0,
                volunteer_name: s.volunteer_name.clone(),
            })
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    Ok(HttpResponse::Ok().json(Care {
        resident_id: c.resident,
        name: c.name,
        last_visit: c.last_visit.map(utc),
        visits_per_month: c
            .visits_per_month
            .into_iter()
            .map(|(month, count)| MonthCount { month, count })
            .collect(),
        services,
    }))
}

/// Residents living alone or elderly without a visit in `days` (default: the community's
/// setting), longest first: staff, or a building head for their buildings.
#[utoipa::path(tag = "people", operation_id = "care_gaps", params(CareGapQuery),
    responses((status = 200, body = CareGapPage), Problems), security(("bearer" = [])))]
#[get("/care-gaps")]
pub async fn care_gaps(
    state: web::Data<AppState>,
    auth: Auth,
    q: web::Query<CareGapQuery>,
) -> Result<HttpResponse, ApiError> {
    let (actor, q) = (auth.0, q.into_inner());
    let page = PageRequest::parse(q.limit, q.cursor.as_deref())?;
    let (days, gaps) = db::read(&state.pool, move |conn| {
        let gaps = care::gaps(conn, &actor, q.days)?;
        let days = match q.days {
            Some(d) => d,
            None => store::care_gap_days(conn, actor.community_id)?,
        };
        Ok((days, gaps))
    })
    .await?;
    let (gaps, next) = page.of_ranked(gaps, |g| g.entry.row.id.0);
    let items = gaps
        .into_iter()
        .map(|g| {
            Ok(CareGap {
                resident_id: g.entry.row.id.0,
                name: g.entry.name,
                building_id: g.entry.row.building_id.map(|b| b.0),
                unit: g.entry.row.unit,
                room: g.entry.row.room,
                tags: tags(&g.entry.row.tags)?,
                last_visit: g.last_visit.map(utc),
                days_since: g.days_since,
            })
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    Ok(HttpResponse::Ok().json(CareGapPage {
        days,
        items,
        next_cursor: next.map(|c| c.encode()),
    }))
}

/// Community admin: the days without a visit that make a care gap (1 to 90; 14 at first).
#[utoipa::path(tag = "people", operation_id = "set_care_gap_days", request_body = CareGapSettings,
    responses((status = 200, body = CareGapSettings), Problems), security(("bearer" = [])))]
#[put("/care-gaps/settings")]
pub async fn set_care_gap_days(
    state: web::Data<AppState>,
    auth: Auth,
    body: Body<CareGapSettings>,
) -> Result<HttpResponse, ApiError> {
    let (actor, days) = (auth.0, body.0.days);
    db::write(&state.pool, move |conn| {
        Ok(care::set_gap_days(conn, &actor, days)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(CareGapSettings { days }))
}

/// The day's work, oldest first: records to verify (with the volunteer, the need, the minutes
/// and its rating), low ratings, escalated and expired needs, stuck claims, open suggestions,
/// care gaps, and for a subdistrict admin the merchants waiting for filing in all its
/// communities.
#[utoipa::path(tag = "people", operation_id = "work_queue", params(canglong_openapi::PageQuery),
    responses((status = 200, body = QueuePage), Problems), security(("bearer" = [])))]
#[get("/queue")]
pub async fn queue(
    state: web::Data<AppState>,
    auth: Auth,
    q: web::Query<canglong_openapi::PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = PageRequest::parse(q.limit, q.cursor.as_deref())?;
    let actor = auth.0;
    let items = db::read(&state.pool, move |conn| Ok(care::work(conn, &actor)?)).await?;
    let (items, next) = page.of_ranked(items, |i| i.subject_id);
    let items = items
        .into_iter()
        .map(|i| {
            Ok(QueueItem {
                kind: enum_of(i.kind.as_str())?,
                subject_id: i.subject_id,
                community_id: i.community_id,
                since: utc(i.since),
                title: i.title,
                detail: i.detail,
                person: i.person,
                minutes: i.minutes,
                stars: i.stars,
                need_id: i.need_id,
            })
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    Ok(HttpResponse::Ok().json(QueuePage {
        items,
        next_cursor: next.map(|c| c.encode()),
    }))
}
