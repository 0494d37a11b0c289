//! Sign-in mechanics: access tokens (JWT, HS256 pinned, 15 minutes), rotating refresh tokens
//! (random, stored hashed), argon2id passwords, the [`Auth`] extractor and the sign-in rate limit.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::str::FromStr;
use std::sync::Arc;

use actix_web::{FromRequest, HttpRequest, dev::Payload, web};
use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use canglong_core::{Actor, Role, Uuid};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::{ApiError, AppState};

pub const ACCESS_TTL_SECS: i64 = 15 * 60;
const ISSUER: &str = "canglong";
/// People's tokens (the mini-program, staff, ops).
const AUDIENCE: &str = "canglong-api";
/// Integrator clients' tokens: accepted only where a scope allows them.
const INTEGRATOR_AUDIENCE: &str = "canglong-integrator";

/// What integrators may be granted.
pub const SCOPES: [&str; 1] = ["stats:read"];

#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    sub: Uuid,
    community_id: Uuid,
    #[serde(default)]
    roles: Vec<Role>,
    /// Integrators only: space-separated scopes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    scope: Option<String>,
    iss: String,
    aud: String,
    exp: i64,
    iat: i64,
    jti: Uuid,
}

/// An integrator client, as its token says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Integrator {
    pub client_id: Uuid,
    pub community_id: Uuid,
    pub scopes: Vec<String>,
}

/// Whoever a valid token belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Bearer {
    Person(Actor),
    Integrator(Integrator),
}

pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
}

impl JwtKeys {
    pub fn new(secret: &[u8]) -> Result<Self, String> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE, INTEGRATOR_AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        Ok(Self {
            encoding: EncodingKey::from_secret(secret).map_err(|e| e.to_string())?,
            decoding: DecodingKey::from_secret(secret).map_err(|e| e.to_string())?,
            validation,
        })
    }

    pub fn issue(&self, actor: &Actor) -> Result<String, ApiError> {
        let iat = chrono::Utc::now().timestamp();
        let claims = Claims {
            sub: actor.user_id,
            community_id: actor.community_id,
            roles: actor.roles.clone(),
            scope: None,
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
            exp: iat + ACCESS_TTL_SECS,
            iat,
            jti: Uuid::new_v4(),
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding).map_err(|e| {
            tracing::error!(error = %e, "jwt encode");
            ApiError::internal()
        })
    }

    /// A token for an integrator client, limited to its scopes and community.
    pub fn issue_integrator(&self, client: &Integrator) -> Result<String, ApiError> {
        let iat = chrono::Utc::now().timestamp();
        let claims = Claims {
            sub: client.client_id,
            community_id: client.community_id,
            roles: Vec::new(),
            scope: Some(client.scopes.join(" ")),
            iss: ISSUER.into(),
            aud: INTEGRATOR_AUDIENCE.into(),
            exp: iat + ACCESS_TTL_SECS,
            iat,
            jti: Uuid::new_v4(),
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding).map_err(|e| {
            tracing::error!(error = %e, "jwt encode");
            ApiError::internal()
        })
    }

    /// A person's token; an integrator's is refused (403: it is valid, but not for this).
    pub fn verify(&self, token: &str) -> Result<Actor, ApiError> {
        match self.verify_any(token)? {
            Bearer::Person(a) => Ok(a),
            Bearer::Integrator(_) => Err(ApiError::forbidden(
                "insufficient_scope",
                "integrator tokens may only call the routes their scopes allow",
            )),
        }
    }

    pub fn verify_any(&self, token: &str) -> Result<Bearer, ApiError> {
        let data = jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .map_err(|e| match e.kind() {
                jsonwebtoken::errors::ErrorKind::ExpiredSignature => ApiError::unauthorized(
                    "token_expired",
                    "the access token has expired; refresh it",
                ),
                _ => ApiError::unauthorized("invalid_token", "the access token is not valid"),
            })?;
        let c = data.claims;
        if c.aud == INTEGRATOR_AUDIENCE {
            return Ok(Bearer::Integrator(Integrator {
                client_id: c.sub,
                community_id: c.community_id,
                scopes: c
                    .scope
                    .unwrap_or_default()
                    .split_whitespace()
                    .map(String::from)
                    .collect(),
            }));
        }
        Ok(Bearer::Person(Actor {
            user_id: c.sub,
            community_id: c.community_id,
            roles: c.roles,
        }))
    }
}

/// The signed-in caller. Only the `Authorization: Bearer` header is read, never a query string.
pub struct Auth(pub Actor);

impl std::ops::Deref for Auth {
    type Target = Actor;
    fn deref(&self) -> &Actor {
        &self.0
    }
}

impl FromRequest for Auth {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(authenticate(req))
    }
}

fn authenticate(req: &HttpRequest) -> Result<Auth, ApiError> {
    bearer_token(req, |state, token| state.jwt.verify(token).map(Auth))
}

/// A person or an integrator: for the few routes integrators may call.
pub struct AnyBearer(pub Bearer);

impl FromRequest for AnyBearer {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(bearer_token(req, |state, token| {
            state.jwt.verify_any(token).map(AnyBearer)
        }))
    }
}

fn bearer_token<T>(
    req: &HttpRequest,
    verify: impl FnOnce(&AppState, &str) -> Result<T, ApiError>,
) -> Result<T, ApiError> {
    let state = req
        .app_data::<web::Data<AppState>>()
        .ok_or_else(|| ApiError::bug("a row that must exist is missing"))?;
    let header = req
        .headers()
        .get(actix_web::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| {
            ApiError::unauthorized(
                "unauthenticated",
                "sign in first: send Authorization: Bearer <token>",
            )
        })?;
    let token = header
        .strip_prefix("Bearer ")
        .ok_or_else(|| ApiError::unauthorized("invalid_token", "use the Bearer scheme"))?;
    verify(state, token.trim())
}

/// Parses stored role names, skipping any this build does not know.
pub fn parse_roles(names: &[String]) -> Vec<Role> {
    names
        .iter()
        .filter_map(|n| Role::from_str(n).ok())
        .collect()
}

/// Hashes a password with argon2id (m=19456 KiB, t=2, p=1: the crate's and OWASP's default).
pub fn hash_password(password: &str) -> Result<String, ApiError> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| {
            tracing::error!(error = %e, "password hash");
            ApiError::internal()
        })
}

pub fn verify_password(password: &str, phc: &str) -> bool {
    Argon2::default()
        .verify_password(password.as_bytes(), phc)
        .is_ok()
}

/// A new opaque refresh token (256 random bits) and the hash that is stored.
pub fn new_refresh_token() -> Result<(String, String), ApiError> {
    let mut raw = [0u8; 32];
    getrandom::fill(&mut raw).map_err(|e| ApiError::bug(format!("{e}")))?;
    let token: String = raw.iter().map(|b| format!("{b:02x}")).collect();
    let hash = hash_refresh_token(&token);
    Ok((token, hash))
}

pub fn hash_refresh_token(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Creates integrator credentials for a community; returns (client id, secret). The secret is
/// shown once: only its hash is stored.
pub fn create_client(
    conn: &mut canglong_persistence::AnyConnection,
    name: &str,
    scopes: &[String],
    community_id: Uuid,
) -> Result<(Uuid, String), ApiError> {
    if let Some(bad) = scopes.iter().find(|s| !SCOPES.contains(&s.as_str())) {
        return Err(ApiError::unprocessable(
            "unknown_scope",
            format!("unknown scope `{bad}`; known: {}", SCOPES.join(", ")),
        ));
    }
    if name.trim().is_empty() || scopes.is_empty() {
        return Err(ApiError::unprocessable(
            "invalid_client",
            "a client needs a name and at least one scope",
        ));
    }
    if !canglong_persistence::people::community_exists(conn, community_id)? {
        return Err(ApiError::not_found("community"));
    }
    let (secret, hash) = new_refresh_token()?;
    let id = canglong_core::new_id();
    canglong_persistence::clients::insert(
        conn,
        &canglong_persistence::clients::ClientRow {
            id: canglong_persistence::Id(id),
            community_id: canglong_persistence::Id(community_id),
            name: name.trim().to_string(),
            secret_hash: hash,
            scopes: scopes.join(" "),
            revoked_at: None,
            created_at: canglong_core::now(),
        },
    )?;
    Ok((id, secret))
}

/// Sign-in attempts per client address (GCRA), answering 429 with `Retry-After`.
pub struct SignInLimiter {
    limiter: DefaultKeyedRateLimiter<IpAddr>,
    trust_proxy: bool,
}

impl SignInLimiter {
    pub fn new(per_minute: u32, trust_proxy: bool) -> Arc<Self> {
        let n = NonZeroU32::new(per_minute.max(1)).unwrap_or(NonZeroU32::MIN);
        Arc::new(Self {
            limiter: RateLimiter::keyed(Quota::per_minute(n)),
            trust_proxy,
        })
    }

    pub fn check(&self, req: &HttpRequest) -> Result<(), ApiError> {
        let info = req.connection_info();
        let addr = if self.trust_proxy {
            info.realip_remote_addr()
        } else {
            info.peer_addr()
        };
        let ip = addr
            .and_then(|a| {
                a.parse::<std::net::SocketAddr>()
                    .map(|s| s.ip())
                    .ok()
                    .or_else(|| a.parse().ok())
            })
            .unwrap_or(IpAddr::from([0, 0, 0, 0]));
        self.limiter.check_key(&ip).map_err(|not_until| {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            ApiError::too_many(
                "rate_limited",
                "too many sign-in attempts; try again later",
                wait.as_secs().max(1),
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip_and_reject_tampering() {
        let keys = JwtKeys::new(b"0123456789abcdef0123456789abcdef").unwrap();
        let actor = Actor {
            user_id: Uuid::now_v7(),
            community_id: Uuid::now_v7(),
            roles: vec![Role::Resident],
        };
        let token = keys.issue(&actor).unwrap();
        assert_eq!(keys.verify(&token).unwrap(), actor);
        let other = JwtKeys::new(b"another-key-another-key-another-k").unwrap();
        assert_eq!(other.verify(&token).unwrap_err().code, "invalid_token");
    }

    #[test]
    fn alg_none_is_refused() {
        let keys = JwtKeys::new(b"0123456789abcdef0123456789abcdef").unwrap();
        // {"alg":"none"} header with a valid-looking body and no signature.
        let unsigned = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiJ4In0.";
        assert!(keys.verify(unsigned).is_err());
    }

    #[test]
    fn password_hashes_are_argon2id_with_owasp_parameters() {
        let h = hash_password("s3cret-pass").unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(verify_password("s3cret-pass", &h));
        assert!(!verify_password("wrong", &h));
    }
}
