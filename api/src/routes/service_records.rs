//! The service ledger (项目服务台账) and quality acceptance (社区验收): verifying a record
//! credits its points in the same transaction.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use canglong_core::{PageRequest, Role, Uuid};
use canglong_openapi::{
    NewServiceRecord, Quality, ServiceRecordExportQuery, ServiceRecordPage, ServiceRecordQuery,
    VerificationRequest, VerificationResult,
};
use canglong_persistence::service_records::{self as store};
use canglong_persistence::volunteers;
use utoipa_actix_web::service_config::ServiceConfig;

use super::{Problems, views};
use crate::auth::Auth;
use crate::extract::{Body, IdempotencyKey};
use crate::idempotency;
use crate::ledger;
use crate::{ApiError, AppState, db};
use canglong_services::records;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_records)
        .service(export)
        .service(create_record)
        .service(verify_record);
}

/// The service ledger: staff see the community's, a volunteer sees their own.
#[utoipa::path(tag = "service_records", operation_id = "list_service_records", params(ServiceRecordQuery),
    responses((status = 200, body = ServiceRecordPage), Problems), security(("bearer" = [])))]
#[get("/service-records")]
pub async fn list_records(
    state: web::Data<AppState>,
    auth: Auth,
    q: web::Query<ServiceRecordQuery>,
) -> Result<HttpResponse, ApiError> {
    let (actor, q) = (auth.0, q.into_inner());
    let page = PageRequest::parse(q.limit, q.cursor.as_deref())?;
    let status = views::filter_of(q.status.as_ref())?;
    let result = db::read(&state.pool, move |conn| {
        let volunteer_id = if actor.is_staff() {
            q.volunteer_id
        } else {
            let own = volunteers::by_user(conn, actor.user_id)?.ok_or_else(|| {
                ApiError::forbidden("not_a_volunteer", "only volunteers have service records")
            })?;
            if q.volunteer_id.is_some_and(|v| v != own.id.0) {
                return Err(ApiError::not_found("volunteer"));
            }
            Some(own.id.0)
        };
        let filter = store::Filter {
            status,
            volunteer_id,
            team_id: q.team_id,
            from: q.from.map(|t| t.naive_utc()),
            to: q.to.map(|t| t.naive_utc()),
        };
        let rows = store::list(conn, actor.community_id, &filter, &page)?;
        let (rows, next) = page.finish(rows, |r| r.id.0);
        let items = rows
            .iter()
            .map(views::service_record)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(ServiceRecordPage {
            items,
            next_cursor: next.map(|c| c.encode()),
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(result))
}

/// Staff: record service done outside a need (a class taught), or honour hours (`honor`).
#[utoipa::path(tag = "service_records", operation_id = "create_service_record", request_body = NewServiceRecord,
    responses((status = 201, body = canglong_openapi::ServiceRecord), Problems), security(("bearer" = [])))]
#[post("/service-records")]
pub async fn create_record(
    state: web::Data<AppState>,
    auth: Auth,
    body: Body<NewServiceRecord>,
) -> Result<HttpResponse, ApiError> {
    auth.require(&[Role::SocialWorker, Role::CommunityAdmin])?;
    let (actor, r) = (auth.0, body.0);
    let report = records::StaffReport {
        volunteer_id: r.volunteer_id,
        content: r.content,
        beneficiary_group: views::name_of(&r.beneficiary_group),
        minutes: r.minutes,
        honor: r.honor,
        started_at: r.started_at.map(|t| t.naive_utc()),
        beneficiary_id: r.beneficiary_id,
    };
    let record = db::write(&state.pool, move |conn| {
        views::service_record(&records::record_by_staff(conn, &actor, report)?)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/service-records/{}", record.id)))
        .json(record))
}

/// Quality acceptance by a social worker or community admin. On `pass` the approved minutes are
/// valued by the rules in force and credited in the same transaction, keyed by the record, so a
/// record is never credited twice.
#[utoipa::path(tag = "service_records", operation_id = "verify_service_record", request_body = VerificationRequest,
    params(("id" = Uuid, Path), ("Idempotency-Key" = String, Header, description = "Required: a retry with the same key and body answers the first response again")),
    responses((status = 200, body = VerificationResult), Problems), security(("bearer" = [])))]
#[post("/service-records/{id}/verification")]
pub async fn verify_record(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
    key: IdempotencyKey,
    body: Body<VerificationRequest>,
) -> Result<HttpResponse, ApiError> {
    auth.require(&[Role::SocialWorker, Role::CommunityAdmin])?;
    key.required()?;
    let (actor, id, v) = (auth.0, id.into_inner(), body.0);
    let fp = idempotency::fingerprint("POST", req.path(), &v);
    let decision = records::Decision {
        pass: v.quality == Quality::Pass,
        approved_minutes: v.approved_minutes,
        note: v.note,
    };
    idempotency::once(&state, actor.user_id, key, fp, move |conn| {
        let done = records::verify(conn, &actor, id, decision)?;
        let result = VerificationResult {
            service_record: views::service_record(&done.record)?,
            transaction: done.credit.as_ref().map(ledger::view).transpose()?,
        };
        idempotency::answer(StatusCode::OK, &result)
    })
    .await
}

/// The most rows one export carries.
const EXPORT_LIMIT: i64 = 100_000;

const EXPORT_HEADER: [&str; 15] = [
    "记录编号 record_id",
    "志愿者 volunteer",
    "志愿者编号 volunteer_id",
    "来源 source",
    "服务内容 content",
    "服务对象 beneficiary_group",
    "开始时间(北京时间) started_at",
    "结束时间(北京时间) ended_at",
    "申报分钟 minutes_reported",
    "核定分钟 minutes_approved",
    "状态 status",
    "质量 quality",
    "验收人 verified_by",
    "验收时间(北京时间) verified_at",
    "积分 points",
];

/// Staff: the service ledger (台账) as CSV for filing — UTF-8 with a byte-order mark so that
/// Excel opens it, a header row in Chinese and English, fields quoted as CSV requires.
#[utoipa::path(tag = "service_records", operation_id = "export_service_records",
    params(ServiceRecordExportQuery),
    responses((status = 200, description = "The ledger as CSV", content_type = "text/csv", body = String), Problems),
    security(("bearer" = [])))]
#[get("/service-records/export")]
pub async fn export(
    state: web::Data<AppState>,
    auth: Auth,
    q: web::Query<ServiceRecordExportQuery>,
) -> Result<HttpResponse, ApiError> {
    auth.require_staff()?;
    let q = q.into_inner();
    let community = auth.community_id;
    let status = views::filter_of(q.status.as_ref())?;
    // An export for filing: the replica's, when there is one.
    let src = state.analytics.pick(&state.pool).await;
    let body = db::read(&src.pool, move |conn| {
        let filter = store::Filter {
            status,
            volunteer_id: q.volunteer_id,
            team_id: q.team_id,
            from: q.from.map(|t| t.naive_utc()),
            to: q.to.map(|t| t.naive_utc()),
        };
        let rows = store::export(conn, community, &filter, EXPORT_LIMIT)?;
        let mut names = std::collections::HashMap::new();
        let mut out = Vec::with_capacity(rows.len());
        let time = |t: Option<canglong_core::NaiveDateTime>| {
            t.map(canglong_core::local_stamp).unwrap_or_default()
        };
        for r in &rows {
            if let std::collections::hash_map::Entry::Vacant(slot) = names.entry(r.volunteer_id) {
                let name = match volunteers::get(conn, community, r.volunteer_id.0)? {
                    Some(v) => canglong_persistence::people::find_user(conn, v.user_id.0)?
                        .map(|u| u.nickname)
                        .unwrap_or_default(),
                    None => String::new(),
                };
                slot.insert(name);
            }
            let record = [
                r.id.0.to_string(),
                names[&r.volunteer_id].clone(),
                r.volunteer_id.0.to_string(),
                r.source.to_string(),
                r.content.clone(),
                r.beneficiary_group.clone(),
                time(r.started_at),
                time(r.ended_at),
                r.minutes_reported.to_string(),
                r.minutes_approved
                    .map(|m| m.to_string())
                    .unwrap_or_default(),
                r.status.to_string(),
                r.quality.map(|q| q.to_string()).unwrap_or_default(),
                r.verified_by.map(|v| v.0.to_string()).unwrap_or_default(),
                time(r.verified_at),
                r.points.map(|p| p.to_string()).unwrap_or_default(),
            ];
            out.push(record);
        }
        Ok(out)
    })
    .await?;
    Ok(crate::analytics::stamped(
        views::csv_file("service-records", &EXPORT_HEADER, body)?,
        &src,
    ))
}
