//! 志愿服务记录证明: a volunteer's verified hours by period and organisation, with a code that
//! anyone holding it can check.

use actix_web::{HttpRequest, HttpResponse, get, web};
use canglong_core::{Uuid, now};
use canglong_openapi::{
    Certificate, CertificateCheck, CertificateQuery, MonthMinutes, OrganisationMinutes,
};
use canglong_services::certificates::{self, Certificate as Issued};
use utoipa_actix_web::service_config::ServiceConfig;

use super::Problems;
use crate::auth::Auth;
use crate::{ApiError, AppState, db};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(issue).service(check);
}

/// The volunteer (or staff) downloads a certificate of verified hours in a period; it is kept
/// with a verification code. Asked for again while the hours are the same, it is the same
/// certificate with the same code.
#[utoipa::path(tag = "volunteers", operation_id = "issue_certificate", params(("id" = Uuid, Path), CertificateQuery),
    responses((status = 200, body = Certificate), Problems), security(("bearer" = [])))]
#[get("/volunteers/{id}/certificate")]
pub async fn issue(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
    q: web::Query<CertificateQuery>,
) -> Result<HttpResponse, ApiError> {
    let (actor, id, q) = (auth.0, id.into_inner(), q.into_inner());
    let to = q.to.map_or_else(
        || canglong_volunteers::certificate_end(now()),
        |t| t.naive_utc(),
    );
    let from = q
        .from
        .map_or_else(|| to - chrono::Duration::days(365), |t| t.naive_utc());
    let cert = db::write(&state.pool, move |conn| {
        Ok(certificates::issue(conn, &actor, id, from, to)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(wire(cert)))
}

fn wire(c: Issued) -> Certificate {
    Certificate {
        code: c.code,
        volunteer_id: c.volunteer_id,
        volunteer_name: c.volunteer_name,
        community: c.community,
        period_from: c.period_from,
        period_to: c.period_to,
        total_minutes: c.total_minutes,
        by_month: c
            .by_month
            .into_iter()
            .map(|m| MonthMinutes {
                month: m.month,
                minutes: m.minutes,
            })
            .collect(),
        by_organisation: c
            .by_organisation
            .into_iter()
            .map(|o| OrganisationMinutes {
                organisation: o.organisation,
                minutes: o.minutes,
            })
            .collect(),
        issued_at: c.issued_at,
    }
}

/// Anyone holding a certificate's code (a school, an employer) checks it, without signing in:
/// the masked name, the hours, the period and the issuer, nothing else. Guesses are limited per
/// address like sign-ins.
#[utoipa::path(tag = "volunteers", operation_id = "check_certificate", params(("code" = String, Path)),
    responses((status = 200, body = CertificateCheck), Problems))]
#[get("/certificates/{code}")]
pub async fn check(
    req: HttpRequest,
    state: web::Data<AppState>,
    code: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    state.limiter.check(&req)?;
    let code = code.into_inner();
    let c = db::read(&state.pool, move |conn| {
        Ok(certificates::check(conn, &code)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(CertificateCheck {
        code: c.code,
        volunteer_name: canglong_volunteers::masked_name(&c.volunteer_name),
        community: c.community,
        period_from: c.period_from,
        period_to: c.period_to,
        total_minutes: c.total_minutes,
        issued_at: c.issued_at,
    }))
}
