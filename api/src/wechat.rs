//! The server-side WeChat client: `code2Session` for sign-in. One reqwest client with short
//! timeouts and no redirects; replies are parsed into typed structs and `errcode` is checked even
//! on HTTP 200. The `session_key` is dropped: nothing here needs it, so it is never stored,
//! logged or returned.

use std::time::Duration;

use actix_web::http::StatusCode;
use serde::Deserialize;

use crate::ApiError;

pub struct WechatClient {
    http: reqwest::Client,
    base: String,
    appid: String,
    secret: String,
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
        })
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
        let reply: Code2SessionReply = res.json().await.map_err(|_| {
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
