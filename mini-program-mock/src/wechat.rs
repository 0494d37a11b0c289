//! A fake WeChat API on loopback. `code2Session` answers like WeChat does: a stable openid per
//! code, and real error codes for codes that start with a trigger word:
//! `bad` → 40029, `busy` → -1, `limited` → 45011, `blocked` → 40226, `redirect` → HTTP 302,
//! `slow` → answers after 5 s.

use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
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

async fn code2session(
    q: web::Query<Code2SessionQuery>,
    calls: web::Data<AtomicUsize>,
) -> HttpResponse {
    calls.fetch_add(1, Ordering::SeqCst);
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
    calls: Arc<AtomicUsize>,
    handle: actix_web::dev::ServerHandle,
}

impl FakeWechat {
    /// Starts on a free loopback port, on its own thread.
    pub fn start() -> std::io::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let addr = listener.local_addr()?;
        let calls = Arc::new(AtomicUsize::new(0));
        let data = web::Data::from(calls.clone());
        let server = HttpServer::new(move || {
            App::new()
                .app_data(data.clone())
                .route("/sns/jscode2session", web::get().to(code2session))
        })
        .workers(1)
        .disable_signals()
        .listen(listener)?
        .run();
        let handle = server.handle();
        std::thread::spawn(move || actix_web::rt::System::new().block_on(server));
        Ok(Self {
            addr,
            calls,
            handle,
        })
    }

    /// The base URL to give the server as `CANGLONG_WECHAT_API_BASE`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// How many code2Session calls it has answered.
    pub fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }
}

impl Drop for FakeWechat {
    fn drop(&mut self) {
        // The stop command is sent at once; the returned future only waits for it.
        drop(self.handle.stop(false));
    }
}
