//! 志愿服务记录证明: a volunteer's verified hours by period and organisation, with a code that
//! staff can check.

use std::collections::BTreeMap;

use actix_web::{HttpResponse, get, web};
use canglong_alliance::voucher_code;
use canglong_core::{Uuid, now};
use canglong_openapi::{Certificate, CertificateQuery, MonthMinutes, OrganisationMinutes};
use canglong_persistence::{Id, people, service_records, volunteers};
use diesel::prelude::*;
use utoipa_actix_web::service_config::ServiceConfig;

use super::{Problems, views};
use crate::auth::Auth;
use crate::{ApiError, AppState, db};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(issue).service(check);
}

/// Where the hours were served, as the certificate names it.
fn organisation(source: &str) -> &'static str {
    match source {
        "need" => "社区需求服务",
        "session" => "社区项目活动",
        _ => "社区志愿服务台账",
    }
}

/// The volunteer (or staff) downloads a certificate of verified hours in a period; it is kept
/// with a verification code.
#[utoipa::path(tag = "volunteers", operation_id = "issue_certificate", params(("id" = Uuid, Path), CertificateQuery),
    responses((status = 201, body = Certificate), Problems), security(("bearer" = [])))]
#[get("/volunteers/{id}/certificate")]
pub async fn issue(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
    q: web::Query<CertificateQuery>,
) -> Result<HttpResponse, ApiError> {
    let (actor, id, q) = (auth.0, id.into_inner(), q.into_inner());
    let to = q.to.map_or_else(now, |t| t.naive_utc());
    let from = q
        .from
        .map_or_else(|| to - chrono::Duration::days(365), |t| t.naive_utc());
    if from >= to {
        return Err(ApiError::unprocessable(
            "invalid_window",
            "from must be before to",
        ));
    }
    let cert = db::write(&state.pool, move |conn| {
        let v = volunteers::get(conn, actor.community_id, id)?
            .ok_or_else(|| ApiError::not_found("volunteer"))?;
        if v.user_id.0 != actor.user_id && !actor.is_staff() {
            return Err(ApiError::not_found("volunteer"));
        }
        let records: Vec<_> = service_records::verified_spans(conn, id)?
            .into_iter()
            .filter(|r| {
                let at = r.started_at.unwrap_or(r.created_at);
                from <= at && at < to
            })
            .collect();
        let mut by_org: BTreeMap<&str, i64> = BTreeMap::new();
        for r in &records {
            *by_org.entry(organisation(&r.source)).or_default() +=
                i64::from(r.minutes_approved.unwrap_or(0));
        }
        let by_month = super::volunteers::minutes_by_month(&records);
        let user = people::find_user(conn, v.user_id.0)?
            .ok_or_else(|| ApiError::bug("a row that must exist is missing"))?;
        let mut random = [0u8; 16];
        getrandom::fill(&mut random).map_err(|e| ApiError::bug(format!("{e}")))?;
        let cert = Certificate {
            code: voucher_code(random),
            volunteer_id: id,
            volunteer_name: user.nickname,
            community: community_name(conn, actor.community_id)?,
            period_from: views::utc(from),
            period_to: views::utc(to),
            total_minutes: by_month.values().sum(),
            by_month: by_month
                .into_iter()
                .map(|(month, minutes)| MonthMinutes { month, minutes })
                .collect(),
            by_organisation: by_org
                .into_iter()
                .map(|(o, minutes)| OrganisationMinutes {
                    organisation: o.into(),
                    minutes,
                })
                .collect(),
            issued_at: views::utc(now()),
        };
        store(conn, actor.community_id, &cert)?;
        Ok(cert)
    })
    .await?;
    Ok(HttpResponse::Created().json(cert))
}

fn community_name(
    conn: &mut canglong_persistence::AnyConnection,
    id: Uuid,
) -> Result<String, ApiError> {
    use canglong_persistence::schema::communities;
    Ok(communities::table
        .find(Id(id))
        .select(communities::name)
        .first(conn)?)
}

fn store(
    conn: &mut canglong_persistence::AnyConnection,
    community: Uuid,
    c: &Certificate,
) -> Result<(), ApiError> {
    use canglong_persistence::schema::certificates;
    diesel::insert_into(certificates::table)
        .values((
            certificates::id.eq(Id(canglong_core::new_id())),
            certificates::community_id.eq(Id(community)),
            certificates::volunteer_id.eq(Id(c.volunteer_id)),
            certificates::code.eq(&c.code),
            certificates::period_from.eq(c.period_from.naive_utc()),
            certificates::period_to.eq(c.period_to.naive_utc()),
            certificates::total_minutes.eq(c.total_minutes),
            certificates::body.eq(canglong_persistence::to_json_text(c)),
            certificates::issued_at.eq(c.issued_at.naive_utc()),
        ))
        .execute(conn)?;
    Ok(())
}

/// Staff check a certificate by its code: the certificate as it was issued.
#[utoipa::path(tag = "volunteers", operation_id = "check_certificate", params(("code" = String, Path)),
    responses((status = 200, body = Certificate), Problems), security(("bearer" = [])))]
#[get("/certificates/{code}")]
pub async fn check(
    state: web::Data<AppState>,
    auth: Auth,
    code: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    auth.require_staff()?;
    let (community, code) = (
        auth.community_id,
        canglong_alliance::normalize_code(&code.into_inner()),
    );
    let cert = db::read(&state.pool, move |conn| {
        use canglong_persistence::schema::certificates;
        let body: String = certificates::table
            .filter(certificates::code.eq(&code))
            .filter(certificates::community_id.eq(Id(community)))
            .select(certificates::body)
            .first(conn)
            .optional()?
            .ok_or_else(|| ApiError::not_found("certificate"))?;
        serde_json::from_str::<Certificate>(&body).map_err(|e| ApiError::bug(format!("{e}")))
    })
    .await?;
    Ok(HttpResponse::Ok().json(cert))
}
