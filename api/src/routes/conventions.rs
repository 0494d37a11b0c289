//! The residents' convention: record it, read it with its history, amend, decide, draft,
//! review and file.

use actix_web::{HttpResponse, get, post, web};
use canglong_core::{Actor, Uuid, now};
use canglong_governance::conventions::Article;
use canglong_openapi::{
    Amendment, AmendmentDecision, ArticleText, Convention, ConventionFiling, ConventionList,
    ConventionReview, ConventionVersion, ConventionVersions, NewAmendment, NewConvention,
};
use canglong_persistence::AnyConnection;
use canglong_persistence::conventions::{self as store, AmendmentRow, ConventionRow, VersionRow};
use canglong_services::conventions::{self as use_case, Proposal, articles};
use utoipa_actix_web::service_config::ServiceConfig;

use super::Problems;
use super::views::{enum_of, stored_of, utc};
use crate::auth::Auth;
use crate::extract::Body;
use crate::{ApiError, AppState, db};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create_convention)
        .service(list_conventions)
        .service(get_convention)
        .service(versions)
        .service(amend)
        .service(decide)
        .service(draft)
        .service(review)
        .service(file);
}

fn version(v: &VersionRow) -> Result<ConventionVersion, ApiError> {
    Ok(ConventionVersion {
        version: v.version,
        status: enum_of(&v.status)?,
        articles: articles(v)
            .into_iter()
            .map(|a| ArticleText {
                number: a.number,
                text: a.text,
            })
            .collect(),
        changelog: serde_json::from_str(&v.changelog).unwrap_or_default(),
        created_at: utc(v.created_at),
        review_comment: v.review_comment.clone(),
        reviewed_at: v.reviewed_at.map(utc),
        poll_id: v.poll_id.map(|p| p.0),
        filing_reference: v.filing_reference.clone(),
        filed_at: v.filed_at.map(utc),
        in_force_from: v.in_force_from.map(utc),
    })
}

fn amendment(a: &AmendmentRow, me: Uuid) -> Result<Amendment, ApiError> {
    Ok(Amendment {
        id: a.id.0,
        convention_id: a.convention_id.0,
        kind: enum_of(&a.kind)?,
        article: a.article,
        text: a.text.clone(),
        reason: a.reason.clone(),
        status: enum_of(&a.status)?,
        decision_reason: a.decision_reason.clone(),
        decided_at: a.decided_at.map(utc),
        version: a.version,
        mine: a.proposed_by.0 == me,
        created_at: utc(a.created_at),
    })
}

fn convention(
    conn: &mut AnyConnection,
    c: &ConventionRow,
    actor: &Actor,
) -> Result<Convention, ApiError> {
    let in_force = version(&use_case::in_force(conn, c)?)?;
    let next = use_case::draft_of(conn, c)?
        .as_ref()
        .map(version)
        .transpose()?;
    let amendments = store::amendments(conn, c.id.0)?
        .iter()
        .map(|a| amendment(a, actor.user_id))
        .collect::<Result<_, _>>()?;
    Ok(Convention {
        id: c.id.0,
        title: c.title.clone(),
        status: enum_of(&c.status)?,
        in_force,
        draft: next,
        amendments,
        created_at: utc(c.created_at),
    })
}

/// Staff record the convention in force (version 1).
#[utoipa::path(tag = "governance", operation_id = "create_convention", request_body = NewConvention,
    responses((status = 201, body = Convention), Problems), security(("bearer" = [])))]
#[post("/conventions")]
pub async fn create_convention(
    state: web::Data<AppState>,
    auth: Auth,
    body: Body<NewConvention>,
) -> Result<HttpResponse, ApiError> {
    let (actor, n) = (auth.0, body.0);
    let text: Vec<Article> = n
        .articles
        .into_iter()
        .map(|a| Article {
            number: a.number,
            text: a.text,
        })
        .collect();
    let out = db::write(&state.pool, move |conn| {
        let row = use_case::create(conn, &actor, &n.title, text, now())?;
        convention(conn, &row, &actor)
    })
    .await?;
    Ok(HttpResponse::Created().json(out))
}

/// The community's conventions, each with its text in force.
#[utoipa::path(tag = "governance", operation_id = "list_conventions",
    responses((status = 200, body = ConventionList), Problems), security(("bearer" = [])))]
#[get("/conventions")]
pub async fn list_conventions(
    state: web::Data<AppState>,
    auth: Auth,
) -> Result<HttpResponse, ApiError> {
    let actor = auth.0;
    let out = db::read(&state.pool, move |conn| {
        let rows = store::list(conn, &[actor.community_id])?;
        let items = rows
            .iter()
            .map(|c| convention(conn, c, &actor))
            .collect::<Result<_, _>>()?;
        Ok(ConventionList { items })
    })
    .await?;
    Ok(HttpResponse::Ok().json(out))
}

/// The consolidated text in force, the draft on its way and every amendment with its decision.
#[utoipa::path(tag = "governance", operation_id = "get_convention", params(("id" = Uuid, Path)),
    responses((status = 200, body = Convention), Problems), security(("bearer" = [])))]
#[get("/conventions/{id}")]
pub async fn get_convention(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let (actor, id) = (auth.0, id.into_inner());
    let out = db::read(&state.pool, move |conn| {
        let row = use_case::readable(conn, &actor, id)?;
        convention(conn, &row, &actor)
    })
    .await?;
    Ok(HttpResponse::Ok().json(out))
}

/// Every version, oldest first, with its changelog, review, vote and filing.
#[utoipa::path(tag = "governance", operation_id = "convention_versions", params(("id" = Uuid, Path)),
    responses((status = 200, body = ConventionVersions), Problems), security(("bearer" = [])))]
#[get("/conventions/{id}/versions")]
pub async fn versions(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let (actor, id) = (auth.0, id.into_inner());
    let out = db::read(&state.pool, move |conn| {
        let row = use_case::readable(conn, &actor, id)?;
        let items = store::versions(conn, row.id.0)?
            .iter()
            .map(version)
            .collect::<Result<_, _>>()?;
        Ok(ConventionVersions { items })
    })
    .await?;
    Ok(HttpResponse::Ok().json(out))
}

/// A resident proposes an amendment (change, add or remove an article) with the reason, while
/// the convention is in force or collecting.
#[utoipa::path(tag = "governance", operation_id = "propose_amendment", request_body = NewAmendment,
    params(("id" = Uuid, Path)), responses((status = 201, body = Amendment), Problems), security(("bearer" = [])))]
#[post("/conventions/{id}/amendments")]
pub async fn amend(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
    body: Body<NewAmendment>,
) -> Result<HttpResponse, ApiError> {
    let (actor, id, n) = (auth.0, id.into_inner(), body.0);
    let p = Proposal {
        kind: stored_of(&n.kind)?.0,
        article: n.article,
        text: n.text,
        reason: n.reason,
    };
    let me = actor.user_id;
    let out = db::write(&state.pool, move |conn| {
        amendment(&use_case::amend(conn, &actor, id, p, now())?, me)
    })
    .await?;
    Ok(HttpResponse::Created().json(out))
}

/// Staff accept or reject an amendment with a public reason (409 `already_decided`,
/// `article_already_amended`).
#[utoipa::path(tag = "governance", operation_id = "decide_amendment", request_body = AmendmentDecision,
    params(("id" = Uuid, Path)), responses((status = 200, body = Amendment), Problems), security(("bearer" = [])))]
#[post("/amendments/{id}/decision")]
pub async fn decide(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
    body: Body<AmendmentDecision>,
) -> Result<HttpResponse, ApiError> {
    let (actor, id, d) = (auth.0, id.into_inner(), body.0);
    let me = actor.user_id;
    let out = db::write(&state.pool, move |conn| {
        amendment(
            &use_case::decide(conn, &actor, id, d.accept, &d.reason, now())?,
            me,
        )
    })
    .await?;
    Ok(HttpResponse::Ok().json(out))
}

/// Staff draw up the next version from the accepted amendments, with its changelog, once none
/// is pending (409 `amendments_pending`).
#[utoipa::path(tag = "governance", operation_id = "draft_convention", params(("id" = Uuid, Path)),
    responses((status = 201, body = ConventionVersion), Problems), security(("bearer" = [])))]
#[post("/conventions/{id}/drafts")]
pub async fn draft(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let (actor, id) = (auth.0, id.into_inner());
    let out = db::write(&state.pool, move |conn| {
        version(&use_case::draft(conn, &actor, id, now())?)
    })
    .await?;
    Ok(HttpResponse::Created().json(out))
}

/// The subdistrict reviews the draft: approved, it goes to the community's vote; returned, the
/// convention collects amendments again.
#[utoipa::path(tag = "governance", operation_id = "review_convention", request_body = ConventionReview,
    params(("id" = Uuid, Path)), responses((status = 200, body = Convention), Problems), security(("bearer" = [])))]
#[post("/conventions/{id}/review")]
pub async fn review(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
    body: Body<ConventionReview>,
) -> Result<HttpResponse, ApiError> {
    let (actor, id, r) = (auth.0, id.into_inner(), body.0);
    let out = db::write(&state.pool, move |conn| {
        let row = use_case::review(conn, &actor, id, r.approve, &r.comment, now())?;
        convention(conn, &row, &actor)
    })
    .await?;
    Ok(HttpResponse::Ok().json(out))
}

/// 备案: the adopted version is filed (the community admin reporting it, or the subdistrict)
/// and comes into force; the one before is superseded.
#[utoipa::path(tag = "governance", operation_id = "file_convention", request_body = ConventionFiling,
    params(("id" = Uuid, Path)), responses((status = 200, body = Convention), Problems), security(("bearer" = [])))]
#[post("/conventions/{id}/filing")]
pub async fn file(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
    body: Body<ConventionFiling>,
) -> Result<HttpResponse, ApiError> {
    let (actor, id, f) = (auth.0, id.into_inner(), body.0);
    let out = db::write(&state.pool, move |conn| {
        let row = use_case::file(conn, &actor, id, &f.reference, now())?;
        convention(conn, &row, &actor)
    })
    .await?;
    Ok(HttpResponse::Ok().json(out))
}
