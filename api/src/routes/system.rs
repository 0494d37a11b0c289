//! Liveness, readiness and metrics.

use actix_web::{HttpRequest, HttpResponse, ResponseError, get, web};
use canglong_openapi::Health;

use crate::{ApiError, AppState};

/// The process is alive.
#[utoipa::path(tag = "system", operation_id = "healthz", responses((status = 200, body = Health)))]
#[get("/healthz")]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(Health {
        status: "ok".into(),
    })
}

/// How long readiness may take, whatever the database does: a probe that hangs is worse than
/// one that says no.
const READY_WITHIN: std::time::Duration = std::time::Duration::from_secs(2);

/// The database is reachable and fully migrated (answered within 2 s, whatever the database
/// does).
#[utoipa::path(tag = "system", operation_id = "readyz",
    responses((status = 200, body = Health), (status = 503, body = Health)))]
#[get("/readyz")]
pub async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    let pool = state.pool.clone();
    let check = web::block(move || {
        pool.get_timeout(READY_WITHIN * 3 / 4)
            .ok()
            .is_some_and(|mut c| canglong_persistence::is_migrated(&mut c))
    });
    // The blocking check may outlive the answer; it ends by the pool's and statement timeouts.
    let ready = matches!(
        tokio::time::timeout(READY_WITHIN, check).await,
        Ok(Ok(true))
    );
    if ready {
        HttpResponse::Ok().json(Health {
            status: "ready".into(),
        })
    } else {
        HttpResponse::ServiceUnavailable().json(Health {
            status: "unavailable".into(),
        })
    }
}

/// Prometheus text: requests by route and status, latency histogram, pool use. Outside dev it
/// answers only the ops token (`Authorization: Bearer $CANGLONG_OPS_TOKEN`), and 404 to
/// anyone else.
#[utoipa::path(tag = "system", operation_id = "metrics",
    responses((status = 200, description = "Prometheus text exposition", content_type = "text/plain", body = String),
        (status = 404, description = "Outside dev, without the ops token", body = canglong_openapi::Problem,
            content_type = "application/problem+json")))]
#[get("/metrics")]
pub async fn metrics(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    if !state.ops.allows(&req) {
        return ApiError::not_found(req.path()).error_response();
    }
    let mut body = state.metrics.render(&state.pool);
    state.analytics.render(&mut body);
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4")
        .body(body)
}
