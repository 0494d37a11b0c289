//! Sign-in mechanics: access tokens (JWT, HS256 pinned, 15 minutes), rotating refresh tokens
//! (random, stored hashed), argon2id passwords, the [`Auth`] extractor and the sign-in rate limit.
//!
//! A token proves who signed in, not what they may do now: a request checks the person's roles
//! and token version (one indexed query, reused by this process for at most
//! `CANGLONG_BEARER_CACHE_MS` and never past a change made through it — [`Bearers`]), so a role
//! taken away, a suspension, signing out everywhere or an erasure ends every access token at the
//! next request, and a role granted works at once; through another process, within that bound.

use std::collections::HashMap;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use canglong_persistence::people::{self, BearerRow};

use actix_web::{FromRequest, HttpRequest, dev::Payload, web};
use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use canglong_core::{Actor, Role, Uuid};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::{ApiError, AppState, db};
use futures_util::future::LocalBoxFuture;

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
    /// The person's token version at issue; a bump voids the token.
    #[serde(default)]
    ver: i32,
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

    /// A person's token at their current `version`.
    pub fn issue(&self, actor: &Actor, version: i32) -> Result<String, ApiError> {
        let iat = chrono::Utc::now().timestamp();
        let claims = Claims {
            sub: actor.user_id,
            community_id: actor.community_id,
            roles: actor.roles.clone(),
            ver: version,
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
            ver: 0,
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

    /// What a signature-checked token says (not yet checked against the database).
    pub fn verify_any(&self, token: &str) -> Result<Signed, ApiError> {
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
            return Ok(Signed::Integrator(Integrator {
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
        Ok(Signed::Person {
            user_id: c.sub,
            version: c.ver,
        })
    }
}

/// A token whose signature, audience and expiry hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Signed {
    Person { user_id: Uuid, version: i32 },
    Integrator(Integrator),
}

fn revoked() -> ApiError {
    ApiError::unauthorized(
        "token_revoked",
        "this session was ended (signed out, or the account's rights changed); refresh or sign in again",
    )
}

/// People's roles and token versions as read for recent requests: most requests of a busy
/// person find them here instead of asking the database again. An entry serves for at most
/// `ttl`, and only while no bearer changed through this process since it was read
/// ([`people::bearer_changes`]); a change made through another process is seen within `ttl`.
pub struct Bearers {
    ttl: Duration,
    entries: Mutex<HashMap<Uuid, Cached>>,
}

struct Cached {
    at: Instant,
    /// The change count read before the query that filled it.
    stamp: u64,
    row: BearerRow,
}

/// Past this many people the stale entries are dropped (and all of them, if none is stale).
const BEARERS_HELD: usize = 50_000;

impl Bearers {
    pub fn new(ttl: Duration) -> Self {
        Self {
            ttl,
            entries: Mutex::new(HashMap::new()),
        }
    }

    fn get(&self, user: Uuid) -> Option<BearerRow> {
        if self.ttl.is_zero() {
            return None;
        }
        let stamp = people::bearer_changes();
        let entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        entries
            .get(&user)
            .filter(|c| c.stamp == stamp && c.at.elapsed() < self.ttl)
            .map(|c| c.row.clone())
    }

    fn put(&self, user: Uuid, stamp: u64, row: BearerRow) {
        if self.ttl.is_zero() {
            return;
        }
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        if entries.len() >= BEARERS_HELD {
            let ttl = self.ttl;
            entries.retain(|_, c| c.at.elapsed() < ttl);
            if entries.len() >= BEARERS_HELD {
                entries.clear();
            }
        }
        entries.insert(
            user,
            Cached {
                at: Instant::now(),
                stamp,
                row,
            },
        );
    }
}

/// The person as they are now: their roles, or 401 if the token was voided, the account
/// disabled or erased.
async fn person(state: &AppState, user_id: Uuid, version: i32) -> Result<Actor, ApiError> {
    let row = match state.bearers.get(user_id) {
        Some(row) => row,
        None => {
            let stamp = people::bearer_changes();
            let row = db::read(&state.pool, move |c| Ok(people::bearer(c, user_id)?))
                .await?
                .ok_or_else(revoked)?;
            state.bearers.put(user_id, stamp, row.clone());
            row
        }
    };
    if row.disabled {
        return Err(ApiError::unauthorized(
            "account_disabled",
            "this account is disabled; ask the community",
        ));
    }
    if row.token_version != version {
        return Err(revoked());
    }
    Ok(Actor {
        user_id,
        community_id: row.community_id.0,
        roles: parse_roles(&row.roles),
    })
}

/// Whoever a signed token belongs to, as they are now (a revoked client's token is void too).
async fn current(state: &AppState, signed: Signed) -> Result<Bearer, ApiError> {
    match signed {
        Signed::Person { user_id, version } => {
            Ok(Bearer::Person(person(state, user_id, version).await?))
        }
        Signed::Integrator(i) => {
            let id = i.client_id;
            let live = db::read(&state.pool, move |c| {
                Ok(canglong_persistence::clients::get(c, id)?)
            })
            .await?
            .is_some_and(|c| c.revoked_at.is_none());
            if !live {
                return Err(revoked());
            }
            Ok(Bearer::Integrator(i))
        }
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
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let found = bearer_token(req);
        Box::pin(async move {
            let (state, signed) = found?;
            match signed {
                Signed::Person { user_id, version } => {
                    Ok(Auth(person(&state, user_id, version).await?))
                }
                // Valid, but not for this: 403.
                Signed::Integrator(_) => Err(ApiError::forbidden(
                    "insufficient_scope",
                    "integrator tokens may only call the routes their scopes allow",
                )),
            }
        })
    }
}

/// A person or an integrator: for the few routes integrators may call.
pub struct AnyBearer(pub Bearer);

impl FromRequest for AnyBearer {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let found = bearer_token(req);
        Box::pin(async move {
            let (state, signed) = found?;
            Ok(AnyBearer(current(&state, signed).await?))
        })
    }
}

/// The app state and the signature-checked token of the `Authorization` header.
fn bearer_token(req: &HttpRequest) -> Result<(web::Data<AppState>, Signed), ApiError> {
    let state = req
        .app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or_else(|| ApiError::bug("the app state is missing"))?;
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
    let signed = state.jwt.verify_any(token.trim())?;
    Ok((state, signed))
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
    argon2::PasswordHash::new(phc).is_ok_and(|h| {
        Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

/// Where passwords are checked: on a few threads of their own (one per core), never holding a
/// database connection, with a short queue. argon2 takes 19 MiB and tens of milliseconds of a
/// core per check; on threads of their own that memory is the same few blocks over and over
/// (on the shared blocking pool every thread kept its own copy), and a flood of wrong passwords
/// waits in the queue or is told to retry instead of starving other requests. An unknown
/// username costs what a known one does, so timing does not tell who exists.
pub struct PasswordGate {
    jobs: std::sync::mpsc::SyncSender<HashJob>,
    /// Sign-ins in progress (looking up the account, waiting for a thread, hashing): past
    /// these, the next is told to retry before it costs anything.
    admitted: Arc<tokio::sync::Semaphore>,
}

/// A place among the sign-ins in progress, held until the sign-in is answered.
pub struct Admission {
    _place: tokio::sync::OwnedSemaphorePermit,
}

fn busy() -> ApiError {
    ApiError::unavailable("retry_later", "too many sign-ins at once; retry", 2)
}

struct HashJob {
    password: String,
    phc: Option<String>,
    answer: tokio::sync::oneshot::Sender<bool>,
}

/// Checked against when the account has no password, to take the same time (made once).
fn decoy() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| {
        hash_password("decoy password: never matches a real one").unwrap_or_default()
    })
}

/// How long a password sign-in refused for its rate or for a full queue waits before the
/// answer (`Retry-After` says when to come back).
pub const REFUSAL_DELAY: std::time::Duration = std::time::Duration::from_millis(500);

/// Sign-ins waiting for a hashing thread; past this, 503 `retry_later` at once.
const HASH_QUEUE: usize = 32;
/// How long a queued sign-in waits for its answer before 503.
const HASH_QUEUE_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

impl PasswordGate {
    pub fn new(threads: usize) -> Result<Self, String> {
        let (jobs, queue) = std::sync::mpsc::sync_channel::<HashJob>(HASH_QUEUE);
        let queue = Arc::new(std::sync::Mutex::new(queue));
        for i in 0..threads.max(1) {
            let queue = queue.clone();
            std::thread::Builder::new()
                .name(format!("password-{i}"))
                .spawn(move || {
                    loop {
                        // The lock is held only to take the next job.
                        let next = queue.lock().map(|q| q.recv());
                        let Ok(Ok(job)) = next else { return };
                        let known = job.phc.is_some();
                        let phc = job.phc.as_deref().unwrap_or_else(|| decoy());
                        let matched = verify_password(&job.password, phc);
                        let _ = job.answer.send(known && matched);
                    }
                })
                .map_err(|e| e.to_string())?;
        }
        Ok(Self {
            jobs,
            admitted: Arc::new(tokio::sync::Semaphore::new(threads.max(1) + HASH_QUEUE)),
        })
    }

    /// Admits a sign-in, or 503 `retry_later` when as many are in progress as can be hashed
    /// soon (a flood is turned away before it reads the database or allocates anything).
    pub fn admit(&self) -> Result<Admission, ApiError> {
        self.admitted
            .clone()
            .try_acquire_owned()
            .map(|place| Admission { _place: place })
            .map_err(|_| busy())
    }

    /// Whether `password` matches `phc` (`None`: no password, never matches).
    pub async fn check(
        &self,
        _admitted: &Admission,
        password: String,
        phc: Option<String>,
    ) -> Result<bool, ApiError> {
        let (answer, matched) = tokio::sync::oneshot::channel();
        self.jobs
            .try_send(HashJob {
                password,
                phc,
                answer,
            })
            .map_err(|_| busy())?;
        tokio::time::timeout(HASH_QUEUE_WAIT, matched)
            .await
            .map_err(|_| busy())?
            .map_err(|_| ApiError::bug("a password thread ended"))
    }
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

/// Sign-in attempts per client address and per account (GCRA), answering 429 with
/// `Retry-After`: many addresses guessing one account's password are held back too.
pub struct SignInLimiter {
    limiter: DefaultKeyedRateLimiter<IpAddr>,
    accounts: DefaultKeyedRateLimiter<String>,
    trust_proxy: bool,
}

/// Past this many remembered accounts, the ones whose quota has refilled are forgotten (a
/// spray of made-up usernames cannot grow the table without bound).
const ACCOUNTS_REMEMBERED: usize = 10_000;

fn quota(per_minute: u32) -> Quota {
    Quota::per_minute(NonZeroU32::new(per_minute.max(1)).unwrap_or(NonZeroU32::MIN))
}

fn limited(not_until: governor::NotUntil<governor::clock::QuantaInstant>) -> ApiError {
    let wait = not_until.wait_time_from(DefaultClock::default().now());
    ApiError::too_many(
        "rate_limited",
        "too many sign-in attempts; try again later",
        wait.as_secs().max(1),
    )
}

impl SignInLimiter {
    pub fn new(per_minute: u32, per_account_minute: u32, trust_proxy: bool) -> Arc<Self> {
        Arc::new(Self {
            limiter: RateLimiter::keyed(quota(per_minute)),
            accounts: RateLimiter::keyed(quota(per_account_minute)),
            trust_proxy,
        })
    }

    /// One attempt at `username`, whoever makes it.
    pub fn check_account(&self, username: &str) -> Result<(), ApiError> {
        if self.accounts.len() > ACCOUNTS_REMEMBERED {
            self.accounts.retain_recent();
        }
        self.accounts
            .check_key(&username.trim().to_lowercase())
            .map_err(limited)
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
        self.limiter.check_key(&ip).map_err(limited)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(version: i32) -> BearerRow {
        BearerRow {
            community_id: canglong_persistence::Id(Uuid::now_v7()),
            token_version: version,
            disabled: false,
            roles: vec!["resident".into()],
        }
    }

    #[test]
    fn bearers_serve_only_what_no_change_has_passed() {
        let user = Uuid::now_v7();
        let cache = Bearers::new(Duration::from_secs(60));
        let now = people::bearer_changes();
        cache.put(user, now, row(3));
        assert_eq!(cache.get(user).map(|r| r.token_version), Some(3));
        // Read before a change that came after: stale.
        cache.put(user, now.wrapping_sub(1), row(4));
        assert!(cache.get(user).is_none());
        // A bound of zero keeps nothing.
        let off = Bearers::new(Duration::ZERO);
        off.put(user, people::bearer_changes(), row(3));
        assert!(off.get(user).is_none());
        // Past its bound an entry is not served.
        let short = Bearers::new(Duration::from_millis(20));
        short.put(user, people::bearer_changes(), row(3));
        std::thread::sleep(Duration::from_millis(40));
        assert!(short.get(user).is_none());
    }

    #[test]
    fn tokens_round_trip_and_reject_tampering() {
        let keys = JwtKeys::new(b"0123456789abcdef0123456789abcdef").unwrap();
        let actor = Actor {
            user_id: Uuid::now_v7(),
            community_id: Uuid::now_v7(),
            roles: vec![Role::Resident],
        };
        let token = keys.issue(&actor, 3).unwrap();
        assert_eq!(
            keys.verify_any(&token).unwrap(),
            Signed::Person {
                user_id: actor.user_id,
                version: 3
            }
        );
        let other = JwtKeys::new(b"another-key-another-key-another-k").unwrap();
        assert_eq!(other.verify_any(&token).unwrap_err().code, "invalid_token");
    }

    #[test]
    fn alg_none_is_refused() {
        let keys = JwtKeys::new(b"0123456789abcdef0123456789abcdef").unwrap();
        // {"alg":"none"} header with a valid-looking body and no signature.
        let unsigned = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiJ4In0.";
        assert!(keys.verify_any(unsigned).is_err());
    }

    #[test]
    fn password_hashes_are_argon2id_with_owasp_parameters() {
        let h = hash_password("s3cret-pass").unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(verify_password("s3cret-pass", &h));
        assert!(!verify_password("wrong", &h));
    }
}
