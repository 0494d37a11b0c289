//! Where the review meetings' reads go (the overview, the tables, the report, the exports): the
//! read replica when one is configured, answers, and is no further behind than the bound the
//! replica itself reports; else the primary, counted, so a dashboard sees the fallback. Every
//! write, and every read a person makes of their own things, stays on the primary
//! (read-your-writes).

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use canglong_core::{NaiveDateTime, now};
use canglong_persistence::{Pool, replica_lag, replica_pool};

use crate::config::Settings;
use crate::db;

/// How long a request waits for a replica connection before it reads the primary instead.
const REPLICA_WAIT: Duration = Duration::from_secs(2);
/// After the replica failed to answer, how long requests go straight to the primary before it
/// is tried again (so an outage costs one wait, not one per request).
const RETRY_AFTER: Duration = Duration::from_secs(5);

/// The replica (if any), the bound, and what the reads did.
pub struct Analytics {
    replica: Option<Pool>,
    max_lag_secs: f64,
    replica_reads: AtomicU64,
    primary_reads: AtomicU64,
    fallbacks: AtomicU64,
    /// The lag measured last, in seconds (`None`: never measured, or the replica failed).
    last_lag: Mutex<Option<f64>>,
    /// When the replica last failed to answer.
    failed_at: Mutex<Option<Instant>>,
}

/// Which database answers one request's analytics, and how fresh its data is.
#[derive(Clone)]
pub struct Source {
    pub pool: Pool,
    pub replica: bool,
    /// The data is complete up to this moment (now, less the replica's lag).
    pub as_of: NaiveDateTime,
}

impl Source {
    /// The primary, for a read that must see the caller's own writes.
    pub fn primary(pool: &Pool) -> Self {
        Self {
            pool: pool.clone(),
            replica: false,
            as_of: now(),
        }
    }

    pub fn name(&self) -> &'static str {
        if self.replica { "replica" } else { "primary" }
    }
}

impl Analytics {
    pub fn from_settings(s: &Settings) -> Self {
        Self {
            replica: s
                .read_database_url
                .as_deref()
                .filter(|u| !u.is_empty())
                .map(|u| replica_pool(u, s.pool_size.clamp(2, 8), REPLICA_WAIT)),
            max_lag_secs: s.read_max_lag_secs as f64,
            replica_reads: AtomicU64::new(0),
            primary_reads: AtomicU64::new(0),
            fallbacks: AtomicU64::new(0),
            last_lag: Mutex::new(None),
            failed_at: Mutex::new(None),
        }
    }

    /// The source for one request: the replica if it answers within its wait and its lag is
    /// within the bound, measured now on the replica; else the primary.
    pub async fn pick(&self, primary: &Pool) -> Source {
        let fresh = Source::primary(primary);
        let Some(replica) = &self.replica else {
            self.primary_reads.fetch_add(1, Ordering::Relaxed);
            return fresh;
        };
        let resting = self
            .failed_at
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .is_some_and(|at| at.elapsed() < RETRY_AFTER);
        let lag = if resting {
            None
        } else {
            match db::read(replica, |c| Ok(replica_lag(c)?)).await {
                Ok(lag) => lag.map(|l| l.max(0.0)),
                Err(e) => {
                    tracing::warn!(error = %e, "read replica unreachable: analytics read the primary");
                    *self.failed_at.lock().unwrap_or_else(|p| p.into_inner()) =
                        Some(Instant::now());
                    None
                }
            }
        };
        *self.last_lag.lock().unwrap_or_else(|p| p.into_inner()) = lag;
        match lag {
            Some(l) if l <= self.max_lag_secs => {
                self.replica_reads.fetch_add(1, Ordering::Relaxed);
                Source {
                    pool: replica.clone(),
                    replica: true,
                    as_of: now() - chrono::Duration::milliseconds((l * 1000.0) as i64),
                }
            }
            _ => {
                if let Some(l) = lag {
                    tracing::warn!(
                        lag_secs = l,
                        "read replica too far behind: analytics read the primary"
                    );
                }
                self.fallbacks.fetch_add(1, Ordering::Relaxed);
                self.primary_reads.fetch_add(1, Ordering::Relaxed);
                fresh
            }
        }
    }

    /// The Prometheus lines: reads by source, fallbacks, the last lag measured.
    pub fn render(&self, out: &mut String) {
        use std::fmt::Write;
        out.push_str("# HELP canglong_analytics_reads_total Analytics requests by the database that answered.\n");
        out.push_str("# TYPE canglong_analytics_reads_total counter\n");
        let _ = writeln!(
            out,
            "canglong_analytics_reads_total{{source=\"replica\"}} {}",
            self.replica_reads.load(Ordering::Relaxed)
        );
        let _ = writeln!(
            out,
            "canglong_analytics_reads_total{{source=\"primary\"}} {}",
            self.primary_reads.load(Ordering::Relaxed)
        );
        out.push_str("# HELP canglong_analytics_fallbacks_total Analytics requests the primary answered because the replica was down or too far behind.\n");
        out.push_str("# TYPE canglong_analytics_fallbacks_total counter\n");
        let _ = writeln!(
            out,
            "canglong_analytics_fallbacks_total {}",
            self.fallbacks.load(Ordering::Relaxed)
        );
        if self.replica.is_some() {
            out.push_str("# HELP canglong_replica_lag_seconds The read replica's lag when last asked (NaN: it did not answer).\n");
            out.push_str("# TYPE canglong_replica_lag_seconds gauge\n");
            let lag = *self.last_lag.lock().unwrap_or_else(|p| p.into_inner());
            let _ = writeln!(
                out,
                "canglong_replica_lag_seconds {}",
                lag.map_or("NaN".to_string(), |l| l.to_string())
            );
        }
    }
}

/// Says on the answer which database answered and how fresh its data is (RFC 3339, UTC).
pub fn stamped(mut res: actix_web::HttpResponse, src: &Source) -> actix_web::HttpResponse {
    use actix_web::http::header::{HeaderName, HeaderValue};
    let h = res.headers_mut();
    h.insert(
        HeaderName::from_static(SOURCE_HEADER),
        HeaderValue::from_static(src.name()),
    );
    let as_of = src
        .as_of
        .and_utc()
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    if let Ok(v) = HeaderValue::from_str(&as_of) {
        h.insert(HeaderName::from_static(AS_OF_HEADER), v);
    }
    res
}

/// The answering database: `primary` or `replica`.
pub const SOURCE_HEADER: &str = "canglong-data-source";
/// The moment the data is complete to.
pub const AS_OF_HEADER: &str = "canglong-data-as-of";
