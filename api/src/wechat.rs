//! The server-side WeChat client: `code2Session` for sign-in, the shared access token
//! (`cgi-bin/stable_token`) and subscribe messages. One reqwest client with short timeouts and
//! no redirects; replies are parsed into typed structs and `errcode` is checked even on HTTP 200.
//! The `session_key` is dropped: nothing here needs it, so it is never stored, logged or
//! returned. Secrets and tokens travel in URLs and bodies only, never in logs.

use std::time::{Duration, Instant};

use actix_web::http::StatusCode;
use serde::Deserialize;

use crate::ApiError;

pub struct WechatClient {
    http: reqwest::Client,
    base: String,
    appid: String,
    secret: String,
    /// The access token and when to stop using it. Held across the fetch, so concurrent
    /// callers on a cold cache wait for one fetch instead of each making their own.
    token: tokio::sync::Mutex<Option<(String, Instant)>>,
}

/// The reply of `cgi-bin/stable_token`.
#[derive(Deserialize)]
struct TokenReply {
    access_token: Option<String>,
    expires_in: Option<u64>,
    errcode: Option<i64>,
}

/// The reply of `message/subscribe/send`.
#[derive(Deserialize)]
struct SendReply {
    errcode: Option<i64>,
}

/// Who WeChat says signed in.
#[derive(Debug, Clone)]
pub struct WechatIdentity {
    pub openid: String,
}

/// The reply of `sns/jscode2session`. The session key in it is not even read (serde skips
/// fields the struct does not name), so it cannot be stored, logged or returned.
#[derive(Deserialize)]
struct Code2SessionReply {
    openid: Option<String>,
    errcode: Option<i64>,
    errmsg: Option<String>,
}

impl WechatClient {
    /// The client the settings describe.
    pub fn from_settings(w: &crate::config::Wechat) -> Result<Self, String> {
        Self::new(
            &w.wechat_api_base,
            &w.wechat_appid,
            &w.wechat_secret,
            Duration::from_secs(w.wechat_timeout_secs.max(1)),
        )
    }

    pub fn new(base: &str, appid: &str, secret: &str, timeout: Duration) -> Result<Self, String> {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(3))
            .timeout(timeout)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| e.to_string())?;
        Ok(Self {
            http,
            base: base.trim_end_matches('/').to_string(),
            appid: appid.into(),
            secret: secret.into(),
            token: tokio::sync::Mutex::new(None),
        })
    }

    /// The access token, fetched once and reused until five minutes before it expires.
    /// `stale` is a token WeChat just refused (40001): it is dropped and a new one fetched, unless
    /// another caller already replaced it. `None` when WeChat cannot give one now.
    async fn access_token(&self, stale: Option<&str>) -> Option<String> {
        let mut cached = self.token.lock().await;
        if let Some((token, until)) = cached.as_ref()
            && Instant::now() < *until
            && Some(token.as_str()) != stale
        {
            return Some(token.clone());
        }
        let reply: TokenReply = self
            .http
            .post(format!("{}/cgi-bin/stable_token", self.base))
            .json(&serde_json::json!({
                "grant_type": "client_credential",
                "appid": self.appid,
                "secret": self.secret,
                "force_refresh": false,
            }))
            .send()
            .await
            .ok()
            .map(capped_json)?
            .await?;
        match (reply.errcode.unwrap_or(0), reply.access_token) {
            (0, Some(token)) if !token.is_empty() => {
                let ttl = reply.expires_in.unwrap_or(7200).saturating_sub(300).max(60);
                *cached = Some((token.clone(), Instant::now() + Duration::from_secs(ttl)));
                Some(token)
            }
            (code, _) => {
                tracing::warn!(errcode = code, "wechat stable_token refused");
                None
            }
        }
    }

    /// Sends one subscribe message; the answer's `errcode` (`None`: no usable answer). A stale
    /// token (40001 / 42001) is refreshed once and the message resent once.
    pub async fn send_subscribe(&self, message: &serde_json::Value) -> Option<i64> {
        let mut stale: Option<String> = None;
        for _ in 0..2 {
            let token = self.access_token(stale.as_deref()).await?;
            let code = self.send_with(&token, message).await;
            if matches!(code, Some(40001 | 42001)) {
                stale = Some(token);
                continue;
            }
            return code;
        }
        Some(40001)
    }

    async fn send_with(&self, token: &str, message: &serde_json::Value) -> Option<i64> {
        let res = self
            .http
            .post(format!("{}/cgi-bin/message/subscribe/send", self.base))
            .query(&[("access_token", token)])
            .json(message)
            .send()
            .await
            .map_err(|e| tracing::warn!(timeout = e.is_timeout(), "wechat send unreachable"))
            .ok()?;
        if !res.status().is_success() {
            return None;
        }
        let reply: SendReply = capped_json(res).await?;
        Some(reply.errcode.unwrap_or(0))
    }

    pub async fn code2session(&self, code: &str) -> Result<WechatIdentity, ApiError> {
        let url = format!("{}/sns/jscode2session", self.base);
        let res = self
            .http
            .get(&url)
            .query(&[
                ("appid", self.appid.as_str()),
                ("secret", self.secret.as_str()),
                ("js_code", code),
                ("grant_type", "authorization_code"),
            ])
            .send()
            .await
            .map_err(|e| {
                // Without the URL: it carries the secret and the code.
                tracing::warn!(
                    timeout = e.is_timeout(),
                    connect = e.is_connect(),
                    "wechat code2session unreachable"
                );
                ApiError::unavailable(
                    "wechat_unavailable",
                    "WeChat could not be reached; try again",
                    5,
                )
            })?;
        if !res.status().is_success() {
            tracing::warn!(
                status = res.status().as_u16(),
                "wechat code2session answered non-2xx"
            );
            return Err(ApiError::new(
                StatusCode::BAD_GATEWAY,
                "wechat_error",
                "WeChat gave an unexpected answer",
            ));
        }
        let reply: Code2SessionReply = capped_json(res).await.ok_or_else(|| {
            ApiError::new(
                StatusCode::BAD_GATEWAY,
                "wechat_error",
                "WeChat gave an unreadable answer",
            )
        })?;
        match (reply.errcode.unwrap_or(0), reply.openid) {
            (0, Some(openid)) if !openid.is_empty() => Ok(WechatIdentity { openid }),
            (0, _) => Err(ApiError::new(
                StatusCode::BAD_GATEWAY,
                "wechat_error",
                "WeChat returned no openid",
            )),
            (code, _) => Err(map_errcode(code, reply.errmsg.as_deref().unwrap_or(""))),
        }
    }
}

/// WeChat's answers are a few hundred bytes; anything past this is not one, and is not read.
pub const REPLY_LIMIT: usize = 64 * 1024;

/// Reads a JSON answer of at most [`REPLY_LIMIT`] bytes, chunk by chunk (a huge or endless
/// answer is dropped, not buffered).
async fn capped_json<T: serde::de::DeserializeOwned>(mut res: reqwest::Response) -> Option<T> {
    if res.content_length().is_some_and(|n| n > REPLY_LIMIT as u64) {
        tracing::warn!("wechat answer too large");
        return None;
    }
    let mut body = Vec::new();
    while let Some(chunk) = res.chunk().await.ok()? {
        if body.len() + chunk.len() > REPLY_LIMIT {
            tracing::warn!("wechat answer too large");
            return None;
        }
        body.extend_from_slice(&chunk);
    }
    serde_json::from_slice(&body).ok()
}

fn map_errcode(code: i64, msg: &str) -> ApiError {
    tracing::info!(errcode = code, errmsg = msg, "wechat code2session refused");
    match code {
        40029 | 40163 => ApiError::unauthorized(
            "wechat_code_invalid",
            "the login code is invalid or already used",
        ),
        45011 => ApiError::too_many("wechat_rate_limited", "too many logins; wait a minute", 60),
        40226 => ApiError::forbidden("wechat_user_blocked", "WeChat has restricted this account"),
        -1 => ApiError::unavailable("wechat_busy", "WeChat is busy; try again shortly", 3),
        _ => ApiError::new(
            StatusCode::BAD_GATEWAY,
            "wechat_error",
            "WeChat refused the login",
        ),
    }
}
