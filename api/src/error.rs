//! One error type for every handler, written as problem+json (RFC 9457) in one place.

use actix_web::http::StatusCode;
use actix_web::http::header::{CONTENT_TYPE, HeaderValue, RETRY_AFTER};
use actix_web::{HttpResponse, ResponseError};
use canglong_core::{DomainError, ErrorKind};
use canglong_openapi::{FieldError, Problem};

#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub detail: String,
    pub errors: Vec<FieldError>,
    pub retry_after: Option<u64>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, detail: impl Into<String>) -> Self {
        Self {
            status,
            code,
            detail: detail.into(),
            errors: vec![],
            retry_after: None,
        }
    }
    pub fn bad_request(code: &'static str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, detail)
    }
    pub fn unauthorized(code: &'static str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, code, detail)
    }
    pub fn forbidden(code: &'static str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, code, detail)
    }
    pub fn not_found(what: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("{what} not found"),
        )
    }
    pub fn conflict(code: &'static str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, code, detail)
    }
    pub fn unprocessable(code: &'static str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, code, detail)
    }
    pub fn unavailable(code: &'static str, detail: impl Into<String>, retry_after: u64) -> Self {
        Self {
            retry_after: Some(retry_after),
            ..Self::new(StatusCode::SERVICE_UNAVAILABLE, code, detail)
        }
    }
    /// 429: too many requests; try again after `retry_after` seconds.
    pub fn too_many(code: &'static str, detail: impl Into<String>, retry_after: u64) -> Self {
        Self {
            retry_after: Some(retry_after),
            ..Self::new(StatusCode::TOO_MANY_REQUESTS, code, detail)
        }
    }
    pub fn internal() -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "an unexpected error occurred",
        )
    }
    /// A broken invariant of our own: logged once, here, with its cause and where it was found;
    /// the client sees only `internal`.
    #[track_caller]
    pub fn bug(cause: impl std::fmt::Display) -> Self {
        let location = std::panic::Location::caller();
        tracing::error!(%cause, %location, "internal error");
        Self::internal()
    }
    pub fn with_errors(mut self, errors: Vec<FieldError>) -> Self {
        self.errors = errors;
        self
    }

    pub fn problem(&self) -> Problem {
        Problem {
            type_: format!("https://canglong.example/problems/{}", self.code),
            title: self
                .status
                .canonical_reason()
                .unwrap_or("Error")
                .to_string(),
            status: self.status.as_u16(),
            detail: self.detail.clone(),
            code: self.code.to_string(),
            errors: self.errors.clone(),
        }
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}: {}", self.status.as_u16(), self.code, self.detail)
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.status
    }
    fn error_response(&self) -> HttpResponse {
        let mut res = HttpResponse::build(self.status);
        res.insert_header((
            CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        ));
        if let Some(secs) = self.retry_after {
            res.insert_header((RETRY_AFTER, secs.to_string()));
        }
        res.body(serde_json::to_string(&self.problem()).unwrap_or_default())
    }
}

impl From<DomainError> for ApiError {
    fn from(e: DomainError) -> Self {
        let status = match e.kind {
            ErrorKind::Invalid => StatusCode::UNPROCESSABLE_ENTITY,
            ErrorKind::Conflict => StatusCode::CONFLICT,
            ErrorKind::Forbidden => StatusCode::FORBIDDEN,
            ErrorKind::NotFound => StatusCode::NOT_FOUND,
            ErrorKind::Unauthenticated => StatusCode::UNAUTHORIZED,
        };
        Self::new(status, e.code, e.message.into_owned())
    }
}

impl From<diesel::result::Error> for ApiError {
    fn from(e: diesel::result::Error) -> Self {
        if canglong_persistence::is_unique_violation(&e) {
            return Self::conflict(
                "conflict",
                "the request conflicts with a concurrent change; retry",
            );
        }
        if canglong_persistence::is_transient(&e) {
            // Nothing was committed; with its Idempotency-Key the request is safe to repeat.
            tracing::warn!(error = %e, "transient database conflict");
            return Self::unavailable(
                "retry_later",
                "the request met a concurrent one; nothing was changed, retry it",
                1,
            );
        }
        if canglong_persistence::is_connection_lost(&e) {
            tracing::warn!(error = %e, "database connection lost");
            return Self::unavailable(
                "retry_later",
                "the database connection was lost; retry with the same Idempotency-Key",
                2,
            );
        }
        // Logged once here; the client sees no SQL.
        tracing::error!(error = %e, "database error");
        Self::internal()
    }
}

impl From<canglong_services::Error> for ApiError {
    fn from(e: canglong_services::Error) -> Self {
        use canglong_services::Error as E;
        match e {
            E::Rule(e) => e.into(),
            E::Limited {
                code,
                message,
                retry_after,
            } => Self::too_many(code, message, retry_after),
            E::Storage(e) => e.into(),
            // Already logged where it was found.
            E::Bug { .. } => Self::internal(),
        }
    }
}

impl From<r2d2::Error> for ApiError {
    fn from(e: r2d2::Error) -> Self {
        tracing::warn!(error = %e, "no database connection in time");
        Self::unavailable(
            "retry_later",
            "the database is busy or unreachable; nothing was changed, retry",
            2,
        )
    }
}

impl From<actix_web::error::BlockingError> for ApiError {
    fn from(_: actix_web::error::BlockingError) -> Self {
        Self::internal()
    }
}

impl std::error::Error for ApiError {}
