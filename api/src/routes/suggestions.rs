//! The suggestion box (意见箱): residents write (optionally anonymously), staff enter notes from
//! the physical boxes and answer publicly. An anonymous author is hidden from staff in every
//! list and export; the author still sees their own.

use actix_web::{HttpResponse, get, post, web};
use canglong_core::{PageRequest, Uuid};
use canglong_openapi::{
    Format, NewSuggestion, Suggestion, SuggestionPage, SuggestionQuery, SuggestionResponse,
    SuggestionSource,
};
use canglong_persistence::suggestions::{self as store, Filter, Visible};
use utoipa_actix_web::service_config::ServiceConfig;

use super::views::stored_of;
use super::{Problems, views};
use crate::auth::Auth;
use crate::extract::Body;
use crate::{ApiError, AppState, db};
use canglong_services::suggestions;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create).service(list).service(respond);
}

/// The most rows one CSV export carries.
const EXPORT_LIMIT: u32 = 10_000;

/// Write a suggestion: a course wanted, an urgent service, a complaint (it may name a merchant
/// or project) or anything else. Staff entering a note from the physical box send
/// `source: "paper"`; such a note has no author.
#[utoipa::path(tag = "suggestions", operation_id = "create_suggestion", request_body = NewSuggestion,
    responses((status = 201, body = Suggestion), Problems), security(("bearer" = [])))]
#[post("/suggestions")]
pub async fn create(
    state: web::Data<AppState>,
    auth: Auth,
    body: Body<NewSuggestion>,
) -> Result<HttpResponse, ApiError> {
    let (actor, s) = (auth.0, body.0);
    let draft = suggestions::Draft {
        category: stored_of(&s.category)?.0,
        text: s.text,
        anonymous: s.anonymous,
        source: stored_of(&s.source.unwrap_or(SuggestionSource::App))?.0,
        merchant_id: s.merchant_id,
        project_id: s.project_id,
    };
    let out = db::write(&state.pool, move |conn| {
        views::suggestion(&suggestions::create(conn, &actor, draft)?, &actor)
    })
    .await?;
    Ok(HttpResponse::Created().json(out))
}

/// Staff see the community's suggestions (`?format=csv` for a file); residents see their own
/// and those answered publicly, never another resident's name.
#[utoipa::path(tag = "suggestions", operation_id = "list_suggestions", params(SuggestionQuery),
    responses((status = 200, description = "A page of suggestions; `?format=csv` (staff) gives a file",
        content((SuggestionPage = "application/json"), (String = "text/csv"))), Problems),
    security(("bearer" = [])))]
#[get("/suggestions")]
pub async fn list(
    state: web::Data<AppState>,
    auth: Auth,
    q: web::Query<SuggestionQuery>,
) -> Result<HttpResponse, ApiError> {
    let (actor, q) = (auth.0, q.into_inner());
    let csv = q.format == Some(Format::Csv);
    if csv {
        actor.require_staff()?;
    }
    let page = if csv {
        PageRequest {
            limit: EXPORT_LIMIT,
            after: None,
        }
    } else {
        PageRequest::parse(q.limit, q.cursor.as_deref())?
    };
    let visible = match (q.mine, actor.is_staff()) {
        (Some(true), _) => Visible::Mine(actor.user_id),
        (_, true) => Visible::All,
        (_, false) => Visible::MineAndAnswered(actor.user_id),
    };
    let category = views::filter_of(q.category.as_ref())?;
    let status = views::filter_of(q.status.as_ref())?;
    let a = actor.clone();
    // The file is for filing (the replica's, when there is one); the list is read-your-writes.
    let src = if csv {
        state.analytics.pick(&state.pool).await
    } else {
        crate::analytics::Source::primary(&state.pool)
    };
    let (items, next) = db::read(&src.pool, move |conn| {
        let filter = Filter {
            visible,
            category,
            status,
        };
        let rows = store::list(conn, a.community_id, &filter, &page)?;
        let (rows, next) = page.finish(rows, |r| r.id.0);
        let items = rows
            .iter()
            .map(|r| views::suggestion(r, &a))
            .collect::<Result<Vec<_>, _>>()?;
        Ok((items, next.map(|c| c.encode())))
    })
    .await?;
    if csv {
        let rows = items.iter().map(|s| {
            [
                s.id.to_string(),
                canglong_core::local_stamp(s.created_at.naive_utc()),
                views::name_of(&s.category),
                views::name_of(&s.status),
                views::name_of(&s.source),
                if s.anonymous {
                    "匿名 anonymous".into()
                } else {
                    s.author_id.map(|a| a.to_string()).unwrap_or_default()
                },
                s.text.clone(),
                s.merchant_id.map(|m| m.to_string()).unwrap_or_default(),
                s.project_id.map(|p| p.to_string()).unwrap_or_default(),
                s.response.clone().unwrap_or_default(),
            ]
        });
        return Ok(crate::analytics::stamped(
            views::csv_file(
                "suggestions",
                &[
                    "编号 id",
                    "时间(北京时间) created_at",
                    "类别 category",
                    "状态 status",
                    "来源 source",
                    "提交人 author_id",
                    "内容 text",
                    "商户 merchant_id",
                    "项目 project_id",
                    "回复 response",
                ],
                rows,
            )?,
            &src,
        ));
    }
    Ok(HttpResponse::Ok().json(SuggestionPage {
        items,
        next_cursor: next,
    }))
}

/// Staff: set the suggestion's status and its public response; the author is told.
#[utoipa::path(tag = "suggestions", operation_id = "respond_suggestion", request_body = SuggestionResponse,
    params(("id" = Uuid, Path)), responses((status = 200, body = Suggestion), Problems),
    security(("bearer" = [])))]
#[post("/suggestions/{id}/response")]
pub async fn respond(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
    body: Body<SuggestionResponse>,
) -> Result<HttpResponse, ApiError> {
    let (actor, id, r) = (auth.0, id.into_inner(), body.0);
    let status = stored_of(&r.status)?.0;
    let out = db::write(&state.pool, move |conn| {
        let row = suggestions::respond(conn, &actor, id, status, &r.response)?;
        views::suggestion(&row, &actor)
    })
    .await?;
    Ok(HttpResponse::Ok().json(out))
}
