//! `Idempotency-Key` on value-moving POSTs: the first response is stored with the change, in the
//! same transaction; a retry with the same key and request gets it again (`Idempotent-Replayed:
//! true`) and nothing is done twice; the same key with another request is 409.

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use canglong_core::Uuid;
use canglong_persistence::{AnyConnection, idempotency};
use sha2::{Digest, Sha256};

use crate::extract::IdempotencyKey;
use crate::{ApiError, AppState, db};

/// What a value-moving operation answers: a status and a JSON body, replayable as stored.
pub type Answer = (StatusCode, serde_json::Value);

/// The answer of an operation: its status and body as stored for replays.
pub fn answer<T: serde::Serialize>(status: StatusCode, body: &T) -> Result<Answer, ApiError> {
    let body = serde_json::to_value(body).map_err(|e| {
        tracing::error!(error = %e, "an answer does not serialise");
        ApiError::internal()
    })?;
    Ok((status, body))
}

/// A fingerprint of the request a key was first used with.
pub fn fingerprint(method: &str, path: &str, body: &impl serde::Serialize) -> String {
    let mut h = Sha256::new();
    h.update(method.as_bytes());
    h.update(b" ");
    h.update(path.as_bytes());
    h.update(b"\n");
    h.update(serde_json::to_vec(body).unwrap_or_default());
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Runs `op` in one write transaction, at most once per (caller, key).
pub async fn once<F>(
    state: &AppState,
    user_id: Uuid,
    key: IdempotencyKey,
    fingerprint: String,
    op: F,
) -> Result<HttpResponse, ApiError>
where
    F: FnOnce(&mut AnyConnection) -> Result<Answer, ApiError> + Send + 'static,
{
    let Some(key) = key.0 else {
        let (status, body) = db::write(&state.pool, op).await?;
        return Ok(respond(status, &body, false));
    };
    let (k, fp) = (key.clone(), fingerprint.clone());
    let attempt = db::write(&state.pool, move |conn| {
        if let Some(stored) = idempotency::find(conn, user_id, &k)? {
            return Ok(Err(stored));
        }
        let (status, body) = op(conn)?;
        idempotency::insert(
            conn,
            user_id,
            &k,
            &fp,
            i32::from(status.as_u16()),
            &body.to_string(),
        )?;
        Ok(Ok((status, body)))
    })
    .await;
    match attempt {
        Ok(Ok((status, body))) => Ok(respond(status, &body, false)),
        Ok(Err(stored)) => replay(stored, &fingerprint),
        Err(e) => {
            // A concurrent request with the same key may have won; if so, answer as it did.
            let stored = db::read(&state.pool, move |c| {
                Ok(idempotency::find(c, user_id, &key)?)
            })
            .await?;
            match stored {
                Some(s) => replay(s, &fingerprint),
                None => Err(e),
            }
        }
    }
}

fn replay(
    stored: idempotency::StoredResponse,
    fingerprint: &str,
) -> Result<HttpResponse, ApiError> {
    if stored.request_hash != fingerprint {
        return Err(ApiError::conflict(
            "idempotency_key_reused",
            "this Idempotency-Key was already used with a different request",
        ));
    }
    let status = StatusCode::from_u16(stored.status_code as u16)
        .map_err(|e| ApiError::bug(format!("{e}")))?;
    let body: serde_json::Value =
        serde_json::from_str(&stored.response_body).map_err(|e| ApiError::bug(format!("{e}")))?;
    Ok(respond(status, &body, true))
}

/// A created resource's answer with its `Location` (`{prefix}/{id}`, the id read from the JSON
/// body), first time or replayed.
pub fn with_location(res: HttpResponse, prefix: &str) -> HttpResponse {
    use actix_web::body::MessageBody;
    let (head, body) = res.into_parts();
    let bytes = match body.try_into_bytes() {
        Ok(b) => b,
        Err(body) => return head.set_body(body),
    };
    let id = serde_json::from_slice::<serde_json::Value>(&bytes)
        .ok()
        .and_then(|v| v.get("id").and_then(|i| i.as_str()).map(str::to_string));
    let mut res = head.set_body(bytes).map_into_boxed_body();
    if let Some(id) = id
        && res.status() == StatusCode::CREATED
        && let Ok(v) = actix_web::http::header::HeaderValue::from_str(&format!("{prefix}/{id}"))
    {
        res.headers_mut()
            .insert(actix_web::http::header::LOCATION, v);
    }
    res
}

fn respond(status: StatusCode, body: &serde_json::Value, replayed: bool) -> HttpResponse {
    let mut r = HttpResponse::build(status);
    if replayed {
        r.insert_header(("Idempotent-Replayed", "true"));
    }
    r.json(body)
}
