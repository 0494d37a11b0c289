//! Assembling the application: state, routes, the OpenAPI document, the docs UI, and the
//! running server with its sweep timer.

use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use actix_web::dev::ServerHandle;
use actix_web::middleware::{Compress, from_fn};
use actix_web::{App, HttpRequest, HttpResponse, HttpServer, ResponseError, web};
use canglong_needs::Timing;
use canglong_persistence::Pool;
use utoipa::OpenApi;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa_actix_web::{AppExt, scope};
use utoipa_swagger_ui::SwaggerUi;

use crate::auth::{JwtKeys, PasswordGate, SignInLimiter};
use crate::extract::BODY_LIMIT;
use crate::observe::{Metrics, observe};
use crate::outbox::{self, OutboxPolicy};
use crate::routes::{self, system};
use crate::shield::{OpsAccess, shield};
use crate::wechat::WechatClient;
use crate::{ApiError, Settings, jobs};

/// What every request handler shares.
pub struct AppState {
    pub pool: Pool,
    pub jwt: JwtKeys,
    pub wechat: Arc<WechatClient>,
    pub outbox: Arc<OutboxPolicy>,
    pub limiter: Arc<SignInLimiter>,
    pub passwords: Arc<PasswordGate>,
    pub bearers: Arc<crate::auth::Bearers>,
    pub metrics: Arc<Metrics>,
    /// Where the review meetings' reads go: the replica, or the primary.
    pub analytics: Arc<crate::analytics::Analytics>,
    pub timing: Timing,
    pub ops: OpsAccess,
    /// The privacy-policy version in force.
    pub policy: String,
}

impl AppState {
    pub fn new(settings: &Settings, pool: Pool) -> Result<Self, String> {
        Ok(Self {
            pool,
            jwt: JwtKeys::new(&settings.jwt_key()?)?,
            wechat: Arc::new(WechatClient::from_settings(&settings.wechat)?),
            outbox: Arc::new(OutboxPolicy::from_settings(&settings.wechat)),
            limiter: SignInLimiter::new(
                settings.auth_rate_limit,
                settings.account_rate_limit,
                settings.trust_proxy,
            ),
            passwords: Arc::new(PasswordGate::new(settings.hashing_threads())?),
            bearers: Arc::new(crate::auth::Bearers::new(Duration::from_millis(
                settings.bearer_cache_ms,
            ))),
            metrics: Arc::new(Metrics::default()),
            analytics: Arc::new(crate::analytics::Analytics::from_settings(settings)),
            timing: timing(&settings.clocks),
            ops: OpsAccess {
                open: settings.is_dev() || settings.public_docs,
                token: settings.ops_token.clone().filter(|t| !t.is_empty()),
                production: !settings.is_dev(),
            },
            policy: settings.privacy_policy.clone(),
        })
    }
}

pub fn timing(clocks: &crate::config::Clocks) -> Timing {
    Timing {
        auto_confirm_after: chrono::Duration::hours(clocks.auto_confirm_hours),
        escalate_after: chrono::Duration::minutes(clocks.escalate_minutes),
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "藏龙智汇 API",
        description = "The backend of the 藏龙智汇 mini-program: needs and micro-services, volunteers, \
                       points, the merchant alliance, projects and feedback of the Canglong community.",
        license(name = "MIT OR Apache-2.0")),
    components(schemas(canglong_openapi::Problem, canglong_openapi::FieldError,
        canglong_openapi::Format, canglong_openapi::CsvFormat, canglong_openapi::ClaimedBy)),
    modifiers(&BearerAuth),
    tags(
        (name = "system", description = "Health, readiness and metrics"),
        (name = "auth", description = "Sign-in and tokens"),
        (name = "me", description = "The signed-in person"),
        (name = "needs", description = "Needs and micro-services (需求发布)"),
        (name = "volunteers", description = "Volunteers and teams (志愿队)"),
        (name = "service_records", description = "The service ledger and quality acceptance (社区验收)"),
        (name = "points", description = "The points ledger (积分)"),
        (name = "alliance", description = "Merchants, offers and vouchers (藏龙共创联盟)"),
        (name = "activities", description = "Projects, sessions, enrolment and check-in (项目化运作)"),
        (name = "notifications", description = "The in-app inbox, WeChat subscriptions and the outbox"),
        (name = "suggestions", description = "The suggestion box (意见箱)"),
        (name = "stats", description = "Figures for the review meetings (动态优化)"),
        (name = "people", description = "Residents, buildings and heads (楼栋长), family proxies (亲情代理), care, outreach, mediation and the staff's queue"),
        (name = "spaces", description = "Places, their zones and services (the activity centre, 夏小驿), walk-in visits and the daily figures (空间赋能)"),
        (name = "associations", description = "Cultural associations: members, the weekly timetable and the roll (社团线)"),
        (name = "governance", description = "Self-governance (自治线): topics raised, seconded and screened; deliberation meetings; polls with one ballot per elector across channels and the count unseen until publication; 公示, delivery and evaluation; the residents' convention revised article by article"),
        (name = "campaigns", description = "Civility campaigns and the 十佳好家规 collection: sign-ups, pledges, entries, one ballot per resident, the result and the public gallery (文明线)"),
    )
)]
struct ApiDoc;

struct BearerAuth;
impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
    }
}

/// The routes with their documentation; the same call builds the served app and the document.
fn routes<T>(app: utoipa_actix_web::UtoipaApp<T>) -> utoipa_actix_web::UtoipaApp<T>
where
    T: actix_web::dev::ServiceFactory<
            actix_web::dev::ServiceRequest,
            Config = (),
            Error = actix_web::Error,
            InitError = (),
        >,
{
    app.openapi(ApiDoc::openapi())
        .service(system::healthz)
        .service(system::readyz)
        .service(system::metrics)
        .service(scope("/api/v1").configure(routes::configure))
}

/// The OpenAPI document the server serves (and `canglong openapi` prints).
pub fn openapi_document() -> utoipa::openapi::OpenApi {
    let mut doc = routes(App::new().into_utoipa_app()).split_for_parts().1;
    crate::contract::finish(&mut doc);
    doc
}

/// The documented paths (templates split into segments) and the methods each answers, so an
/// undeclared method on a known path gets 405 with `Allow` instead of 404.
pub struct KnownPaths(Vec<(Vec<String>, Vec<String>)>);

impl KnownPaths {
    fn of(doc: &utoipa::openapi::OpenApi) -> Self {
        let json = serde_json::to_value(doc).unwrap_or_default();
        let paths = json.get("paths").and_then(|p| p.as_object()).cloned();
        Self(
            paths
                .unwrap_or_default()
                .into_iter()
                .map(|(path, item)| {
                    let segments = path.split('/').map(String::from).collect();
                    let mut methods: Vec<String> = item
                        .as_object()
                        .map(|o| o.keys().map(|m| m.to_uppercase()).collect())
                        .unwrap_or_default();
                    methods.retain(|m| m != "PARAMETERS" && m != "SUMMARY" && m != "DESCRIPTION");
                    (segments, methods)
                })
                .collect(),
        )
    }

    /// The methods of the documented path `path` matches, if any.
    fn allowed(&self, path: &str) -> Option<Vec<String>> {
        let parts: Vec<&str> = path.split('/').collect();
        let mut found: Vec<String> = Vec::new();
        for (template, methods) in &self.0 {
            let fits = template.len() == parts.len()
                && template.iter().zip(&parts).all(|(t, p)| {
                    (t.starts_with('{') && t.ends_with('}') && !p.is_empty()) || t == p
                });
            if fits {
                found.extend(methods.iter().cloned());
            }
        }
        found.sort();
        found.dedup();
        (!found.is_empty()).then_some(found)
    }
}

async fn not_found(req: HttpRequest, known: web::Data<KnownPaths>) -> HttpResponse {
    if let Some(allowed) = known.allowed(req.path()) {
        let mut res = ApiError::new(
            actix_web::http::StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            format!("{} answers only {}", req.path(), allowed.join(", ")),
        )
        .error_response();
        if let Ok(v) = actix_web::http::header::HeaderValue::from_str(&allowed.join(", ")) {
            res.headers_mut().insert(actix_web::http::header::ALLOW, v);
        }
        return res;
    }
    ApiError::not_found(&format!("{} {}", req.method(), req.path())).error_response()
}

/// The document to the ops token in production (404 to anyone else).
async fn ops_document(
    req: HttpRequest,
    state: web::Data<AppState>,
    doc: web::Data<utoipa::openapi::OpenApi>,
) -> HttpResponse {
    if !state.ops.allows(&req) {
        return ApiError::not_found(req.path()).error_response();
    }
    HttpResponse::Ok().json(doc.get_ref())
}

fn query_error(e: actix_web::error::QueryPayloadError, _: &HttpRequest) -> actix_web::Error {
    let message = e.to_string();
    let err = if message.contains("unknown variant") {
        ApiError::unprocessable("invalid_value", message)
    } else {
        ApiError::bad_request("invalid_query", message)
    };
    err.into()
}

fn path_error(_: actix_web::error::PathError, req: &HttpRequest) -> actix_web::Error {
    ApiError::not_found(req.path()).into()
}

/// The TLS configuration when both `CANGLONG_TLS_CERT` and `CANGLONG_TLS_KEY` are set; one
/// without the other is a mistake, refused at start.
fn tls_config(settings: &Settings) -> std::io::Result<Option<rustls::ServerConfig>> {
    use rustls_pki_types::pem::PemObject;
    use rustls_pki_types::{CertificateDer, PrivateKeyDer};
    let bad = |what: &str, e: &dyn std::fmt::Display| {
        std::io::Error::new(std::io::ErrorKind::InvalidInput, format!("{what}: {e}"))
    };
    let (cert, key) = match (&settings.tls_cert, &settings.tls_key) {
        (None, None) => return Ok(None),
        (Some(c), Some(k)) => (c, k),
        _ => {
            return Err(bad(
                "TLS",
                &"set both CANGLONG_TLS_CERT and CANGLONG_TLS_KEY, or neither",
            ));
        }
    };
    let chain = CertificateDer::pem_file_iter(cert)
        .map_err(|e| bad(cert, &e))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| bad(cert, &e))?;
    let key = PrivateKeyDer::from_pem_file(key).map_err(|e| bad(key, &e))?;
    let config = rustls::ServerConfig::builder_with_provider(std::sync::Arc::new(
        rustls::crypto::aws_lc_rs::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|e| bad("TLS", &e))?
    .with_no_client_auth()
    .with_single_cert(chain, key)
    .map_err(|e| bad("TLS", &e))?;
    Ok(Some(config))
}

/// A running server.
pub struct Server {
    pub addr: std::net::SocketAddr,
    pub handle: ServerHandle,
    server: actix_web::dev::Server,
}

impl Server {
    /// Binds and builds the server; it runs when awaited with [`Server::run`].
    pub fn build(settings: &Settings, state: AppState) -> std::io::Result<Self> {
        let listener = TcpListener::bind(&settings.bind)?;
        let addr = listener.local_addr()?;
        let state = web::Data::new(state);
        let docs = openapi_document();
        let known = web::Data::new(KnownPaths::of(&docs));
        // The docs UI only where the document is public; otherwise the document alone, to the
        // ops token.
        let open_docs = state.ops.open;
        let document = web::Data::new(docs.clone());
        let mut server = HttpServer::new(move || {
            let (app, _) = routes(
                App::new()
                    .wrap(Compress::default())
                    .wrap(from_fn(shield))
                    .wrap(from_fn(observe))
                    .app_data(state.clone())
                    .app_data(known.clone())
                    .app_data(web::PayloadConfig::new(BODY_LIMIT))
                    .app_data(web::QueryConfig::default().error_handler(query_error))
                    .app_data(web::PathConfig::default().error_handler(path_error))
                    .into_utoipa_app(),
            )
            .split_for_parts();
            let app = if open_docs {
                app.service(
                    SwaggerUi::new("/docs/{_:.*}").url("/api-docs/openapi.json", docs.clone()),
                )
                .route(
                    "/docs",
                    web::get().to(|| async {
                        HttpResponse::Found()
                            .insert_header(("Location", "/docs/"))
                            .finish()
                    }),
                )
            } else {
                app.app_data(document.clone())
                    .route("/api-docs/openapi.json", web::get().to(ops_document))
            };
            app.default_service(web::to(not_found))
        })
        .shutdown_timeout(5)
        // Longer than clients keep idle connections (the mock: 30 s), so a client never reuses a
        // connection the server is closing at that moment.
        .keep_alive(Duration::from_secs(75));
        server = match tls_config(settings)? {
            Some(tls) => server.listen_rustls_0_23(listener, tls)?,
            None => server.listen(listener)?,
        };
        if let Some(w) = settings.workers {
            server = server.workers(w);
        }
        let server = server.run();
        Ok(Self {
            addr,
            handle: server.handle(),
            server,
        })
    }

    pub async fn run(self) -> std::io::Result<()> {
        self.server.await
    }
}

/// Runs the periodic jobs, then sends the outbox, every `every` until the process ends.
pub fn spawn_sweeper(state: &AppState, every: Duration) {
    let (pool, timing) = (state.pool.clone(), state.timing);
    let (wechat, policy) = (state.wechat.clone(), state.outbox.clone());
    actix_web::rt::spawn(async move {
        let mut tick = actix_web::rt::time::interval(every);
        loop {
            tick.tick().await;
            let p = pool.clone();
            match web::block(move || jobs::sweep(&p, &timing)).await {
                Ok(Ok(r)) if r != jobs::SweepReport::default() => tracing::info!(?r, "sweep"),
                Ok(Ok(_)) => {}
                Ok(Err(e)) => tracing::warn!(error = %e, "sweep failed"),
                Err(_) => tracing::warn!("sweep panicked"),
            }
            match outbox::deliver(&pool, &wechat, &policy).await {
                Ok(r) if r != outbox::DeliveryReport::default() => tracing::info!(?r, "outbox"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "outbox failed"),
            }
        }
    });
}
