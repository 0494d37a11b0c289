//! Request extractors that check input before a handler runs: JSON bodies (size, syntax, types,
//! enums, validation rules) and the `Idempotency-Key` header.

use std::future::Future;
use std::pin::Pin;

use actix_web::http::StatusCode;
use actix_web::{FromRequest, HttpRequest, dev::Payload, web};
use canglong_openapi::FieldError;
use serde::de::DeserializeOwned;
use validator::{Validate, ValidationErrors, ValidationErrorsKind};

use crate::ApiError;

/// The largest JSON body accepted (the actix default of 2 MB is far more than any form needs).
pub const BODY_LIMIT: usize = 64 * 1024;

/// A JSON body deserialized into `T` and validated. Malformed JSON or a wrong type → 400; an
/// unknown enum value or a broken rule → 422 naming the field; too large → 413.
pub struct Body<T>(pub T);

impl<T: DeserializeOwned + Validate + 'static> FromRequest for Body<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let json = req
            .headers()
            .get(actix_web::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|ct| ct.starts_with("application/json"));
        let bytes = RawBody::from_request(req, payload);
        Box::pin(async move {
            let RawBody(bytes) = bytes.await?;
            if !json {
                return Err(ApiError::new(
                    StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    "unsupported_media_type",
                    "send the body as application/json",
                ));
            }
            let value = parse::<T>(&bytes)?;
            value.validate().map_err(validation_error)?;
            Ok(Body(value))
        })
    }
}

/// How long a client may take to send its body (the head has its own, shorter limit): a slow
/// sender does not hold a worker's memory for ever.
pub const BODY_READ_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// The raw body, at most [`BODY_LIMIT`] bytes, read within [`BODY_READ_TIMEOUT`].
pub struct RawBody(pub web::Bytes);

impl FromRequest for RawBody {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let bytes = web::Bytes::from_request(req, payload);
        Box::pin(async move {
            let bytes = tokio::time::timeout(BODY_READ_TIMEOUT, bytes)
                .await
                .map_err(|_| {
                    ApiError::new(
                        StatusCode::REQUEST_TIMEOUT,
                        "body_timeout",
                        "the body was not sent in time",
                    )
                })?
                .map_err(|e| {
                    if e.as_response_error().status_code() == StatusCode::PAYLOAD_TOO_LARGE {
                        ApiError::new(
                            StatusCode::PAYLOAD_TOO_LARGE,
                            "payload_too_large",
                            format!("the body exceeds {BODY_LIMIT} bytes"),
                        )
                    } else {
                        ApiError::bad_request("malformed_body", "the body could not be read")
                    }
                })?;
            Ok(RawBody(bytes))
        })
    }
}

/// JSON Schema counts `2018.0` as an integer; so do we: a number with no fraction is read as
/// the integer it is, wherever an integer is expected.
fn integral(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::Number(n) if !n.is_i64() && !n.is_u64() => {
            if let Some(f) = n.as_f64()
                && f.fract() == 0.0
                && f.abs() < 9.0e15
            {
                *v = serde_json::Value::from(f as i64);
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(integral),
        serde_json::Value::Object(fields) => fields.values_mut().for_each(integral),
        _ => {}
    }
}

/// What no text may hold: control characters other than tab, line feed and carriage return
/// (NUL first among them: PostgreSQL cannot store it, terminals and spreadsheets misread the
/// rest). The document says the same of every request string, with [`TEXT_PATTERN`].
pub fn is_control(c: char) -> bool {
    (c < ' ' && !matches!(c, '\t' | '\n' | '\r')) || c == '\u{7f}'
}

/// [`is_control`] as a JSON Schema pattern (ECMA-262 and Python agree on it).
pub const TEXT_PATTERN: &str = r"^[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F]*$";

/// The spaces a body's text may not consist of alone: ASCII space, tab and line breaks, the
/// no-break space, the typographic spaces and the ideographic space (全角空格) a Chinese keyboard
/// types.
pub fn is_space(c: char) -> bool {
    matches!(
        c,
        ' ' | '\t' | '\n' | '\r' | '\u{a0}' | '\u{2000}'..='\u{200a}' | '\u{3000}'
    )
}

/// [`TEXT_PATTERN`] for a body's text, which is also empty or holds something besides
/// [`is_space`]: a title of three spaces is refused like an empty one.
pub const BODY_TEXT_PATTERN: &str = r"^(?:[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F]*[^\x00-\x20\x7F\u00A0\u2000-\u200A\u3000][^\x00-\x08\x0B\x0C\x0E-\x1F\x7F]*)?$";

/// What is wrong with a body's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Flaw {
    Control,
    Blank,
}

fn flaw(s: &str) -> Option<Flaw> {
    if s.chars().any(is_control) {
        Some(Flaw::Control)
    } else if !s.is_empty() && s.chars().all(is_space) {
        Some(Flaw::Blank)
    } else {
        None
    }
}

/// The first string (or key) of `v` holding a control character or nothing but spaces, by its
/// path.
fn control_text(v: &serde_json::Value, path: &str) -> Option<(String, Flaw)> {
    match v {
        serde_json::Value::String(s) => flaw(s).map(|f| (path.to_string(), f)),
        serde_json::Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, x)| control_text(x, &format!("{path}[{i}]"))),
        serde_json::Value::Object(fields) => fields.iter().find_map(|(k, x)| {
            let at = if path.is_empty() {
                k.clone()
            } else {
                format!("{path}.{k}")
            };
            if k.chars().any(is_control) {
                Some((at, Flaw::Control))
            } else {
                control_text(x, &at)
            }
        }),
        _ => None,
    }
}

/// 422 `invalid_text`, naming where.
pub fn control_error(field: String) -> ApiError {
    let message = "control characters (such as NUL) are not allowed in text".to_string();
    ApiError::unprocessable("invalid_text", format!("{field}: {message}"))
        .with_errors(vec![FieldError { field, message }])
}

/// 422 `blank_text`, naming where.
fn blank_error(field: String) -> ApiError {
    let message = "text may not be only spaces".to_string();
    ApiError::unprocessable("blank_text", format!("{field}: {message}"))
        .with_errors(vec![FieldError { field, message }])
}

/// Parses JSON, naming the field that failed. One rule for every body, before its type is
/// known: no string holds a control character.
pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let mut value: serde_json::Value = serde_json::from_slice(bytes)
        .map_err(|e| ApiError::bad_request("malformed_json", e.to_string()))?;
    match control_text(&value, "") {
        Some((field, Flaw::Control)) => return Err(control_error(field)),
        Some((field, Flaw::Blank)) => return Err(blank_error(field)),
        None => {}
    }
    integral(&mut value);
    serde_path_to_error::deserialize(value).map_err(|e| {
        let field = e.path().to_string();
        let inner = e.into_inner();
        let message = inner.to_string();
        if inner.is_data() && message.starts_with("unknown variant") {
            ApiError::unprocessable("invalid_value", format!("{field}: {message}"))
                .with_errors(vec![FieldError { field, message }])
        } else if inner.is_data() {
            let field_errors = if field == "." {
                vec![]
            } else {
                vec![FieldError {
                    field: field.clone(),
                    message: message.clone(),
                }]
            };
            ApiError::bad_request("malformed_body", format!("{field}: {message}"))
                .with_errors(field_errors)
        } else {
            ApiError::bad_request("malformed_json", message)
        }
    })
}

fn validation_error(errors: ValidationErrors) -> ApiError {
    let mut list = vec![];
    collect(&errors, "", &mut list);
    let detail = list
        .iter()
        .map(|e| format!("{}: {}", e.field, e.message))
        .collect::<Vec<_>>()
        .join("; ");
    ApiError::unprocessable("validation_failed", detail).with_errors(list)
}

fn collect(errors: &ValidationErrors, prefix: &str, out: &mut Vec<FieldError>) {
    for (field, kind) in errors.errors() {
        let path = if prefix.is_empty() {
            field.to_string()
        } else {
            format!("{prefix}.{field}")
        };
        match kind {
            ValidationErrorsKind::Field(errs) => {
                for e in errs {
                    let mut message = e.code.to_string();
                    let mut params: Vec<_> =
                        e.params.iter().filter(|(k, _)| *k != "value").collect();
                    params.sort_by(|a, b| a.0.cmp(b.0));
                    if !params.is_empty() {
                        let p: Vec<String> =
                            params.iter().map(|(k, v)| format!("{k} {v}")).collect();
                        message = format!("{message} ({})", p.join(", "));
                    }
                    out.push(FieldError {
                        field: path.clone(),
                        message,
                    });
                }
            }
            ValidationErrorsKind::Struct(inner) => collect(inner, &path, out),
            ValidationErrorsKind::List(items) => {
                for (i, inner) in items {
                    collect(inner, &format!("{path}[{i}]"), out);
                }
            }
        }
    }
}

/// The optional `Idempotency-Key` header: 1–128 printable ASCII characters (the document says
/// the same, from these constants).
pub struct IdempotencyKey(pub Option<String>);

impl IdempotencyKey {
    /// The key where the contract requires one (every POST that creates or moves value).
    pub fn required(&self) -> Result<String, ApiError> {
        self.0.clone().ok_or_else(|| {
            ApiError::unprocessable(
                "idempotency_key_required",
                "send an Idempotency-Key header with this request",
            )
        })
    }
}

pub const IDEMPOTENCY_KEY_MAX: usize = 128;
/// Printable ASCII, `!` to `~`.
pub const IDEMPOTENCY_KEY_PATTERN: &str = "^[!-~]+$";

impl FromRequest for IdempotencyKey {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let key = match req.headers().get("idempotency-key") {
            None => Ok(IdempotencyKey(None)),
            Some(v) => match v.to_str() {
                Ok(s)
                    if (1..=IDEMPOTENCY_KEY_MAX).contains(&s.len())
                        && s.bytes().all(|b| (0x21..=0x7e).contains(&b)) =>
                {
                    Ok(IdempotencyKey(Some(s.to_string())))
                }
                _ => Err(ApiError::unprocessable(
                    "invalid_idempotency_key",
                    "Idempotency-Key must be 1 to 128 printable characters",
                )),
            },
        };
        std::future::ready(key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_number_without_a_fraction_is_the_integer_it_is() {
        // JSON Schema calls 2018.0 an integer; so does the parser.
        let c: canglong_openapi::NewChild =
            parse(br#"{"nickname": "xiaoming", "birth_year": 2018.0}"#).unwrap();
        assert_eq!(c.birth_year, 2018);
        let e = parse::<canglong_openapi::NewChild>(
            br#"{"nickname": "xiaoming", "birth_year": 2018.5}"#,
        )
        .unwrap_err();
        assert_eq!(e.code, "malformed_body");
    }
}
