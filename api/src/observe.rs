//! Request ids, one log line per request, and the Prometheus metrics behind `/metrics`.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::web;

use crate::AppState;

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");
/// Latency histogram bounds, seconds.
const BUCKETS: [f64; 10] = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0];

#[derive(Default)]
struct Series {
    count: u64,
    sum: f64,
    buckets: [u64; BUCKETS.len()],
}

/// Counters by (route pattern, method, status) and latency by route.
#[derive(Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<(String, String, u16), u64>>,
    latency: Mutex<BTreeMap<String, Series>>,
}

impl Metrics {
    fn record(&self, route: &str, method: &str, status: u16, secs: f64) {
        if let Ok(mut m) = self.requests.lock() {
            *m.entry((route.to_string(), method.to_string(), status))
                .or_default() += 1;
        }
        if let Ok(mut l) = self.latency.lock() {
            let s = l.entry(route.to_string()).or_default();
            s.count += 1;
            s.sum += secs;
            for (i, bound) in BUCKETS.iter().enumerate() {
                if secs <= *bound {
                    s.buckets[i] += 1;
                }
            }
        }
    }

    /// The Prometheus text exposition, with the pool's state.
    pub fn render(&self, pool: &canglong_persistence::Pool) -> String {
        let mut out = String::new();
        out.push_str(
            "# HELP canglong_http_requests_total HTTP requests by route, method and status.\n",
        );
        out.push_str("# TYPE canglong_http_requests_total counter\n");
        if let Ok(m) = self.requests.lock() {
            for ((route, method, status), n) in m.iter() {
                let _ = writeln!(
                    out,
                    "canglong_http_requests_total{{route=\"{route}\",method=\"{method}\",status=\"{status}\"}} {n}"
                );
            }
        }
        out.push_str("# HELP canglong_http_request_duration_seconds Request latency by route.\n");
        out.push_str("# TYPE canglong_http_request_duration_seconds histogram\n");
        if let Ok(l) = self.latency.lock() {
            for (route, s) in l.iter() {
                for (i, bound) in BUCKETS.iter().enumerate() {
                    let _ = writeln!(
                        out,
                        "canglong_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"{bound}\"}} {}",
                        s.buckets[i]
                    );
                }
                let _ = writeln!(
                    out,
                    "canglong_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"+Inf\"}} {}",
                    s.count
                );
                let _ = writeln!(
                    out,
                    "canglong_http_request_duration_seconds_sum{{route=\"{route}\"}} {}",
                    s.sum
                );
                let _ = writeln!(
                    out,
                    "canglong_http_request_duration_seconds_count{{route=\"{route}\"}} {}",
                    s.count
                );
            }
        }
        let state = pool.state();
        out.push_str("# HELP canglong_db_pool_connections Database pool connections.\n");
        out.push_str("# TYPE canglong_db_pool_connections gauge\n");
        let _ = writeln!(
            out,
            "canglong_db_pool_connections{{state=\"idle\"}} {}",
            state.idle_connections
        );
        let _ = writeln!(
            out,
            "canglong_db_pool_connections{{state=\"in_use\"}} {}",
            state.connections - state.idle_connections
        );
        let _ = writeln!(out, "canglong_db_pool_max {}", pool.max_size());
        out
    }
}

/// Echoes or assigns `x-request-id`, logs the request once it is answered, and counts it.
pub async fn observe(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let request_id = req
        .headers()
        .get(&REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|s| {
            !s.is_empty() && s.len() <= 128 && s.bytes().all(|b| (0x21..=0x7e).contains(&b))
        })
        .map(str::to_string)
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    // A label takes few values: a made-up method is `OTHER`, not a new series.
    let method = match req.method().as_str() {
        m @ ("GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS") => m,
        _ => "OTHER",
    }
    .to_string();
    let metrics = req
        .app_data::<web::Data<AppState>>()
        .map(|s| s.metrics.clone());

    let mut res = next.call(req).await?;
    let status = res.status().as_u16();
    // Routing has run by now, so the matched pattern is known (ids stay out of the labels).
    let route = res
        .request()
        .match_pattern()
        .unwrap_or_else(|| "unmatched".into());
    let secs = started.elapsed().as_secs_f64();
    if let Ok(v) = HeaderValue::from_str(&request_id) {
        res.headers_mut().insert(REQUEST_ID, v);
    }
    if let Some(m) = metrics {
        m.record(&route, &method, status, secs);
    }
    // The path pattern, never the query string: it may carry codes or tokens.
    tracing::info!(
        request_id,
        method,
        route,
        status,
        ms = (secs * 1000.0).round() as u64,
        "request"
    );
    Ok(res)
}
