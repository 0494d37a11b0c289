//! Sign-in: WeChat code exchange, staff passwords, refresh rotation, logout.

use actix_web::{HttpRequest, HttpResponse, post, web};
use canglong_core::{Actor, Uuid};
use canglong_openapi::{
    ClientCredentials, ClientToken, LogoutRequest, PasswordLogin, RefreshRequest, TokenResponse,
    UserSummary, WechatLogin,
};
use canglong_persistence::{AnyConnection, clients, people};
use utoipa_actix_web::service_config::ServiceConfig;

use super::Problems;
use crate::auth::{self, Auth, parse_roles};
use crate::extract::{Body, RawBody, parse};
use crate::{ApiError, AppState, db};
use canglong_services::privacy;
use canglong_services::sessions::{self, Rotation};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(wechat_login)
        .service(password_login)
        .service(refresh)
        .service(logout)
        .service(client_token);
}

/// Integrators: exchange client credentials for a short-lived token limited to the client's
/// scopes and community (`canglong client create` makes the credentials).
#[utoipa::path(tag = "auth", operation_id = "client_token", request_body = ClientCredentials,
    responses((status = 200, body = ClientToken), Problems))]
#[post("/auth/token")]
pub async fn client_token(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: Body<ClientCredentials>,
) -> Result<HttpResponse, ApiError> {
    state.limiter.check(&req)?;
    let creds = body.0;
    if creds.grant_type != "client_credentials" {
        return Err(ApiError::unprocessable(
            "unsupported_grant_type",
            "grant_type must be client_credentials",
        ));
    }
    let id = creds.client_id;
    let client = db::read(&state.pool, move |c| Ok(clients::get(c, id)?)).await?;
    let presented = auth::hash_refresh_token(&creds.client_secret);
    let client = client
        .filter(|c| c.revoked_at.is_none() && c.secret_hash == presented)
        .ok_or_else(|| {
            ApiError::unauthorized("invalid_client", "unknown client or wrong secret")
        })?;
    let integrator = auth::Integrator {
        client_id: client.id.0,
        community_id: client.community_id.0,
        scopes: client.scopes.split_whitespace().map(String::from).collect(),
    };
    Ok(HttpResponse::Ok().json(ClientToken {
        access_token: state.jwt.issue_integrator(&integrator)?,
        token_type: "Bearer".into(),
        expires_in: auth::ACCESS_TTL_SECS,
        scope: integrator.scopes.join(" "),
    }))
}

/// Issues an access token and a refresh token of `family` (a new family at sign-in), recording
/// the privacy policy accepted with it, if one was.
fn issue(
    conn: &mut AnyConnection,
    state: &AppState,
    user: &people::UserRow,
    family: Option<Uuid>,
    accept_policy: Option<&str>,
) -> Result<TokenResponse, ApiError> {
    if let Some(v) = accept_policy {
        privacy::consent(conn, user.id.0, &state.policy, v)?;
    }
    let roles = people::roles_of(conn, user.id.0)?;
    let actor = Actor {
        user_id: user.id.0,
        community_id: user.community_id.0,
        roles: parse_roles(&roles),
    };
    let access_token = state.jwt.issue(&actor, user.token_version)?;
    let (refresh_token, hash) = auth::new_refresh_token()?;
    sessions::keep_refresh(conn, user.id.0, family, &hash)?;
    Ok(TokenResponse {
        access_token,
        refresh_token,
        token_type: "Bearer".into(),
        expires_in: auth::ACCESS_TTL_SECS,
        user: UserSummary {
            id: user.id.0,
            nickname: user.nickname.clone(),
            community_id: user.community_id.0,
            roles: roles
                .iter()
                .map(|r| crate::routes::views::enum_of(r))
                .collect::<Result<_, _>>()?,
        },
        privacy_policy: crate::routes::views::policy(
            &state.policy,
            privacy::accepted(conn, user.id.0, &state.policy)?,
        ),
    })
}

/// Sign in from the mini-program: exchanges a `wx.login` code through WeChat `code2Session`.
/// The resident is created on first sign-in; WeChat's session key never leaves the server.
#[utoipa::path(tag = "auth", operation_id = "sign_in_wechat", request_body = WechatLogin,
    responses((status = 200, body = TokenResponse), Problems,
        (status = 502, description = "WeChat gave an unexpected answer", body = canglong_openapi::Problem,
            content_type = "application/problem+json"),
        (status = 503, description = "WeChat unreachable or busy; see Retry-After", body = canglong_openapi::Problem,
            content_type = "application/problem+json")))]
#[post("/auth/wechat")]
pub async fn wechat_login(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: Body<WechatLogin>,
) -> Result<HttpResponse, ApiError> {
    state.limiter.check(&req)?;
    let WechatLogin {
        code,
        community_id,
        accept_policy,
    } = body.0;
    let exists = db::read(&state.pool, move |c| {
        Ok(people::community_exists(c, community_id)?)
    })
    .await?;
    if !exists {
        return Err(ApiError::unprocessable(
            "unknown_community",
            "no such community",
        ));
    }
    let identity = state.wechat.code2session(&code).await?;
    let st = state.clone();
    let tokens = db::write(&state.pool, move |conn| {
        let user = sessions::resident_by_openid(conn, community_id, &identity.openid)?;
        issue(conn, &st, &user, None, accept_policy.as_deref())
    })
    .await?;
    Ok(HttpResponse::Ok().json(tokens))
}

/// Password sign-in for staff and merchant staff (argon2id).
#[utoipa::path(tag = "auth", operation_id = "sign_in_password", request_body = PasswordLogin,
    responses((status = 200, body = TokenResponse), Problems))]
#[post("/auth/login")]
pub async fn password_login(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: Body<PasswordLogin>,
) -> Result<HttpResponse, ApiError> {
    let PasswordLogin {
        username,
        password,
        accept_policy,
    } = body.0;
    let admitted = match state
        .limiter
        .check(&req)
        .and_then(|()| state.limiter.check_account(&username))
        .and_then(|()| state.passwords.admit())
    {
        Ok(a) => a,
        Err(refused) => {
            // Held back a moment: costs the server only a timer, and a flood that would spin on
            // instant refusals (thousands a second, eating the cores everyone shares) slows to a
            // trickle.
            actix_web::rt::time::sleep(auth::REFUSAL_DELAY).await;
            return Err(refused);
        }
    };
    let user = db::read(&state.pool, move |conn| {
        Ok(people::find_user_by_username(conn, &username)?)
    })
    .await?;
    // No connection is held while the password is hashed.
    let hash = user.as_ref().and_then(|u| u.password_hash.clone());
    let matched = state.passwords.check(&admitted, password, hash).await?;
    let user = user.filter(|_| matched).ok_or_else(|| {
        ApiError::unauthorized("invalid_credentials", "wrong username or password")
    })?;
    // Said only to whoever knows the password.
    let user = sessions::enabled(user)?;
    let st = state.clone();
    let tokens = db::write(&state.pool, move |conn| {
        issue(conn, &st, &user, None, accept_policy.as_deref())
    })
    .await?;
    Ok(HttpResponse::Ok().json(tokens))
}

/// Rotates a refresh token: a new pair is issued and the old token dies. Presenting a dead token
/// again revokes its whole family (a stolen token is then useless to both holders).
#[utoipa::path(tag = "auth", operation_id = "refresh_tokens", request_body = RefreshRequest,
    responses((status = 200, body = TokenResponse), Problems))]
#[post("/auth/refresh")]
pub async fn refresh(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: Body<RefreshRequest>,
) -> Result<HttpResponse, ApiError> {
    state.limiter.check(&req)?;
    let hash = auth::hash_refresh_token(&body.0.refresh_token);
    let st = state.clone();
    let outcome = db::write(&state.pool, move |conn| {
        Ok(match sessions::rotate(conn, &hash)? {
            Rotation::Rotated { user, family } => Ok(issue(conn, &st, &user, Some(family), None)?),
            Rotation::Refused(e) => Err(ApiError::from(e)),
        })
    })
    .await?;
    // A reuse is refused, but the family's revocation above is committed.
    Ok(HttpResponse::Ok().json(outcome?))
}

/// Ends the session of the given refresh token (its whole family), or without a body every
/// session of the caller.
#[utoipa::path(tag = "auth", operation_id = "sign_out", request_body(content = Option<LogoutRequest>),
    responses((status = 204, description = "signed out"), Problems), security(("bearer" = [])))]
#[post("/auth/logout")]
pub async fn logout(
    state: web::Data<AppState>,
    auth: Auth,
    RawBody(body): RawBody,
) -> Result<HttpResponse, ApiError> {
    let request: LogoutRequest = if body.is_empty() {
        LogoutRequest::default()
    } else {
        parse(&body)?
    };
    let user_id = auth.user_id;
    let hash = request
        .refresh_token
        .as_deref()
        .map(auth::hash_refresh_token);
    db::write(&state.pool, move |conn| {
        Ok(sessions::sign_out(conn, user_id, hash.as_deref())?)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
