//! What every response carries and every request is checked for before routing: security
//! headers, `no-store` on the API's answers, no control characters in the path or query, and in
//! production the ops surfaces (`/metrics`, the document) closed to all but the ops token.

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{HttpRequest, ResponseError};
use sha2::{Digest, Sha256};

/// Who may read the ops surfaces (`/metrics`, `/api-docs/openapi.json`).
#[derive(Debug, Clone)]
pub struct OpsAccess {
    /// Anyone (dev, or docs made public on purpose).
    pub open: bool,
    /// Otherwise the bearer of this token; without one, nobody (404).
    pub token: Option<String>,
    /// Production: HSTS on every answer.
    pub production: bool,
}

impl OpsAccess {
    /// Whether `req` may read an ops surface; the answer for one that may not is 404, so a
    /// production server does not even say it has them.
    pub fn allows(&self, req: &HttpRequest) -> bool {
        if self.open {
            return true;
        }
        let Some(expected) = &self.token else {
            return false;
        };
        let presented = req
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or("");
        // Compared as digests: equal length, so the time taken says nothing about the token.
        Sha256::digest(presented.trim().as_bytes()) == Sha256::digest(expected.as_bytes())
    }
}

/// `%00`–`%1F` but tab, LF and CR, and `%7F`, anywhere in the raw path or query (a literal
/// control byte never gets past the HTTP parser).
fn control_escape(raw: &str) -> bool {
    let b = raw.as_bytes();
    b.windows(3).any(|w| {
        w[0] == b'%'
            && match (w[1], w[2].to_ascii_uppercase()) {
                (b'0', c) => !matches!(c, b'9' | b'A' | b'D') && c.is_ascii_hexdigit(),
                (b'1', c) => c.is_ascii_hexdigit(),
                (b'7', b'F') => true,
                _ => false,
            }
    })
}

const NOSNIFF: (HeaderName, HeaderValue) = (
    header::X_CONTENT_TYPE_OPTIONS,
    HeaderValue::from_static("nosniff"),
);

pub async fn shield(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    if control_escape(req.path()) || control_escape(req.query_string()) {
        let err = crate::extract::control_error("the path or query".into());
        return Ok(req
            .into_response(err.error_response())
            .map_into_right_body());
    }
    let production = req
        .app_data::<actix_web::web::Data<crate::AppState>>()
        .is_some_and(|s| s.ops.production);
    let mut res = next.call(req).await?.map_into_left_body();
    let path = res.request().path().to_string();
    let h = res.headers_mut();
    h.insert(NOSNIFF.0, NOSNIFF.1);
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    // The docs UI runs its own scripts; everything else is data, never a page, unless the
    // handler set a policy of its own (the report: a page with its stylesheet inline).
    if !path.starts_with("/docs") && !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'"),
        );
    }
    if production {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    // Tokens and personal data: no cache, shared or private, keeps a copy.
    if path.starts_with("/api/v1/") && !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    Ok(res)
}

#[cfg(test)]
mod tests {
    #[test]
    fn control_escapes_are_found_and_text_escapes_are_not() {
        for bad in ["%00", "a%0a%01", "q=%1F", "%7f", "%0B", "%0c"] {
            assert!(super::control_escape(bad), "{bad}");
        }
        for good in [
            "%09",
            "%0A",
            "%0d",
            "%20",
            "%E4%BD%A0",
            "100%",
            "%2500",
            "%7E",
        ] {
            assert!(!super::control_escape(good), "{good}");
        }
    }
}
