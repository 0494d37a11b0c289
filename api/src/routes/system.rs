//! Liveness, readiness and metrics.

use actix_web::{HttpResponse, get, web};
use canglong_openapi::Health;

use crate::AppState;

/// The process is alive.
#[utoipa::path(tag = "system", operation_id = "healthz", responses((status = 200, body = Health)))]
#[get("/healthz")]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(Health {
        status: "ok".into(),
    })
}

/// The database is reachable and fully migrated.
#[utoipa::path(tag = "system", operation_id = "readyz",
    responses((status = 200, body = Health), (status = 503, body = Health)))]
#[get("/readyz")]
pub async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    let pool = state.pool.clone();
    let ready = web::block(move || {
        pool.get()
            .ok()
            .is_some_and(|mut c| canglong_persistence::is_migrated(&mut c))
    })
    .await
    .unwrap_or(false);
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

/// Prometheus text: requests by route and status, latency histogram, pool use.
#[utoipa::path(tag = "system", operation_id = "metrics",
    responses((status = 200, description = "Prometheus text exposition", content_type = "text/plain", body = String)))]
#[get("/metrics")]
pub async fn metrics(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4")
        .body(state.metrics.render(&state.pool))
}
