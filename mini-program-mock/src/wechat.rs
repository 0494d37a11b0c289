//! A fake WeChat API on loopback. `code2Session` answers like WeChat does: a stable openid per
//! code, and real error codes for codes that start with a trigger word:
//! `bad` → 40029, `busy` → -1, `limited` → 45011, `blocked` → 40226, `redirect` → HTTP 302,
//! `slow` → answers after 5 s.
//!
//! It also hands out access tokens (`cgi-bin/stable_token`) and receives subscribe messages
//! (`message/subscribe/send`), recording every message it accepts; tests can make it fail the
//! next sends (-1), refuse a person (43101) or expire its token (40001). `GET /fake/accepted`
//! tells a script how many messages it accepted.

use std::collections::HashSet;
use std::net::{SocketAddr, TcpListener};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::{App, HttpResponse, HttpServer, web};
use serde::Deserialize;

/// The session key the fake hands out: tests check it never leaves our server.
pub const FAKE_SESSION_KEY: &str = "FAKE-SESSION-KEY-tjZ1Q";

#[derive(Deserialize)]
struct Code2SessionQuery {
    appid: String,
    secret: String,
    js_code: String,
    grant_type: String,
}

/// What the fake remembers between calls.
#[derive(Default)]
struct Fake {
    calls: AtomicUsize,
    token_fetches: AtomicUsize,
    token: Mutex<String>,
    fail_sends: AtomicUsize,
    refused: Mutex<HashSet<String>>,
    messages: Mutex<Vec<serde_json::Value>>,
    send_calls: AtomicUsize,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

async fn stable_token(body: web::Json<serde_json::Value>, fake: web::Data<Fake>) -> HttpResponse {
    let ok = body.get("grant_type").and_then(|v| v.as_str()) == Some("client_credential")
        && body
            .get("appid")
            .and_then(|v| v.as_str())
            .is_some_and(|s| !s.is_empty())
        && body
            .get("secret")
            .and_then(|v| v.as_str())
            .is_some_and(|s| !s.is_empty());
    if !ok {
        return HttpResponse::Ok()
            .json(serde_json::json!({"errcode": 40013, "errmsg": "invalid appid"}));
    }
    // Slow enough that concurrent cold callers overlap.
    actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    let n = fake.token_fetches.fetch_add(1, Ordering::SeqCst) + 1;
    let token = format!("ACCESS-TOKEN-{n}");
    *lock(&fake.token) = token.clone();
    HttpResponse::Ok().json(serde_json::json!({"access_token": token, "expires_in": 7200}))
}

#[derive(Deserialize)]
struct TokenQuery {
    access_token: String,
}

async fn subscribe_send(
    q: web::Query<TokenQuery>,
    body: web::Json<serde_json::Value>,
    fake: web::Data<Fake>,
) -> HttpResponse {
    fake.send_calls.fetch_add(1, Ordering::SeqCst);
    let err = |code: i64, msg: &str| {
        HttpResponse::Ok().json(serde_json::json!({"errcode": code, "errmsg": msg}))
    };
    if q.access_token.is_empty() || *lock(&fake.token) != q.access_token {
        return err(
            40001,
            "invalid credential, access_token is invalid or not latest",
        );
    }
    let failing = fake
        .fail_sends
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
        .is_ok();
    if failing {
        return err(-1, "system error");
    }
    let to = body
        .get("touser")
        .and_then(|v| v.as_str())
        .unwrap_or_default();
    if lock(&fake.refused).contains(to) {
        return err(43101, "user refuse to accept the msg");
    }
    let thing = |k: &str| {
        body.pointer(&format!("/data/{k}/value"))
            .and_then(|v| v.as_str())
            .map_or(0, |s| s.chars().count())
    };
    if thing("thing1") > 20 || thing("thing2") > 20 {
        return err(47003, "argument invalid! data.thing.value exceeds limit");
    }
    lock(&fake.messages).push(body.into_inner());
    err(0, "ok")
}

/// A body sent in 64 KiB chunks of spaces, `n` of them, with no length given.
struct Endless(usize);

impl actix_web::body::MessageBody for Endless {
    type Error = std::convert::Infallible;
    fn size(&self) -> actix_web::body::BodySize {
        actix_web::body::BodySize::Stream
    }
    fn poll_next(
        mut self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<actix_web::web::Bytes, Self::Error>>> {
        if self.0 == 0 {
            return std::task::Poll::Ready(None);
        }
        self.0 -= 1;
        std::task::Poll::Ready(Some(Ok(actix_web::web::Bytes::from(vec![b' '; 64 * 1024]))))
    }
}

/// How many subscribe messages it accepted (for scripts that run it as a process).
async fn accepted(fake: web::Data<Fake>) -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({ "accepted": lock(&fake.messages).len() }))
}

async fn code2session(q: web::Query<Code2SessionQuery>, fake: web::Data<Fake>) -> HttpResponse {
    fake.calls.fetch_add(1, Ordering::SeqCst);
    if q.appid.is_empty() || q.secret.is_empty() || q.grant_type != "authorization_code" {
        return HttpResponse::Ok()
            .json(serde_json::json!({"errcode": 40013, "errmsg": "invalid appid"}));
    }
    let code = q.js_code.as_str();
    let err = |code: i64, msg: &str| {
        HttpResponse::Ok().json(serde_json::json!({"errcode": code, "errmsg": msg}))
    };
    if code.starts_with("bad") {
        return err(40029, "invalid code");
    }
    if code.starts_with("busy") {
        return err(-1, "system error");
    }
    if code.starts_with("limited") {
        return err(45011, "api minute-quota reach limit");
    }
    if code.starts_with("blocked") {
        return err(40226, "high risk user");
    }
    if code.starts_with("redirect") {
        return HttpResponse::Found()
            .insert_header(("Location", "http://127.0.0.1:9/elsewhere"))
            .finish();
    }
    if code.starts_with("huge") {
        // A valid answer, padded to 1 MiB (declared in Content-Length).
        let pad = " ".repeat(1 << 20);
        return HttpResponse::Ok()
            .content_type("application/json")
            .body(format!(
                r#"{{"openid": "o-{code}",{pad}"session_key": "k"}}"#
            ));
    }
    if code.starts_with("endless") {
        // Chunked, with no length, for 64 MiB.
        return HttpResponse::Ok()
            .content_type("application/json")
            .body(Endless(1024));
    }
    if code.starts_with("slow") {
        actix_web::rt::time::sleep(Duration::from_secs(5)).await;
    }
    HttpResponse::Ok().json(serde_json::json!({
        "openid": format!("o-{code}"),
        "session_key": FAKE_SESSION_KEY,
        "unionid": format!("u-{code}"),
    }))
}

/// A running fake WeChat server; stopped when dropped.
pub struct FakeWechat {
    pub addr: SocketAddr,
    fake: Arc<Fake>,
    handle: actix_web::dev::ServerHandle,
}

impl FakeWechat {
    /// Starts on a free loopback port, on its own thread.
    pub fn start() -> std::io::Result<Self> {
        Self::start_on("127.0.0.1:0")
    }

    /// Starts on the given address, on its own thread.
    pub fn start_on(addr: &str) -> std::io::Result<Self> {
        let listener = TcpListener::bind(addr)?;
        let addr = listener.local_addr()?;
        let fake = Arc::new(Fake::default());
        let data = web::Data::from(fake.clone());
        let server = HttpServer::new(move || {
            App::new()
                .app_data(data.clone())
                .route("/sns/jscode2session", web::get().to(code2session))
                .route("/cgi-bin/stable_token", web::post().to(stable_token))
                .route(
                    "/cgi-bin/message/subscribe/send",
                    web::post().to(subscribe_send),
                )
                .route("/fake/accepted", web::get().to(accepted))
        })
        .workers(1)
        .disable_signals()
        .listen(listener)?
        .run();
        let handle = server.handle();
        std::thread::spawn(move || actix_web::rt::System::new().block_on(server));
        Ok(Self { addr, fake, handle })
    }

    /// The base URL to give the server as `CANGLONG_WECHAT_API_BASE`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// How many code2Session calls it has answered.
    pub fn calls(&self) -> usize {
        self.fake.calls.load(Ordering::SeqCst)
    }

    /// How many access tokens it has handed out.
    pub fn token_fetches(&self) -> usize {
        self.fake.token_fetches.load(Ordering::SeqCst)
    }

    /// How many subscribe sends it was asked for, accepted or not.
    pub fn send_calls(&self) -> usize {
        self.fake.send_calls.load(Ordering::SeqCst)
    }

    /// The subscribe messages it accepted, in order.
    pub fn messages(&self) -> Vec<serde_json::Value> {
        lock(&self.fake.messages).clone()
    }

    /// The next `n` sends answer `-1` (system busy).
    pub fn fail_next_sends(&self, n: usize) {
        self.fake.fail_sends.store(n, Ordering::SeqCst);
    }

    /// Sends to this openid answer 43101 (the person refused or unsubscribed).
    pub fn refuse(&self, openid: &str) {
        lock(&self.fake.refused).insert(openid.to_string());
    }

    /// Invalidates the current access token: the next send with it answers 40001.
    pub fn expire_token(&self) {
        *lock(&self.fake.token) = "EXPIRED".into();
    }
}

impl Drop for FakeWechat {
    fn drop(&mut self) {
        // The stop command is sent at once; the returned future only waits for it.
        drop(self.handle.stop(false));
    }
}
