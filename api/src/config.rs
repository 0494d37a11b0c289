//! Settings from the environment (`CANGLONG_*`) or flags; clap reads both, so the ops team's
//! variables and `--help` describe the same thing.

use clap::Args;

/// Where the data is: every command that touches it takes this.
#[derive(Debug, Clone, Args)]
pub struct Database {
    /// `sqlite://PATH` or `postgres://…` (a password may instead come from `PGPASSWORD`)
    #[arg(
        long,
        help_heading = "Database",
        env = "CANGLONG_DATABASE_URL",
        hide_env_values = true,
        default_value = "sqlite://data/canglong.db"
    )]
    pub database_url: String,
}

/// The periodic jobs' clocks (`serve` runs the jobs; `sweep` runs one pass).
#[derive(Debug, Clone, Args)]
pub struct Clocks {
    /// A done need is confirmed automatically after this many hours.
    #[arg(
        long,
        help_heading = "Periodic jobs",
        env = "CANGLONG_AUTO_CONFIRM_HOURS",
        default_value_t = 72
    )]
    pub auto_confirm_hours: i64,

    /// An open need unclaimed for this many minutes is escalated.
    #[arg(
        long,
        help_heading = "Periodic jobs",
        env = "CANGLONG_ESCALATE_MINUTES",
        default_value_t = 120
    )]
    pub escalate_minutes: i64,
}

/// WeChat: sign-in (code2Session) and subscribe messages from the outbox.
#[derive(Debug, Clone, Args)]
pub struct Wechat {
    /// The mini-program's AppID.
    #[arg(
        long,
        help_heading = "WeChat",
        env = "CANGLONG_WECHAT_APPID",
        default_value = ""
    )]
    pub wechat_appid: String,

    /// The mini-program's AppSecret.
    #[arg(
        long,
        help_heading = "WeChat",
        env = "CANGLONG_WECHAT_SECRET",
        default_value = "",
        hide_env_values = true
    )]
    pub wechat_secret: String,

    /// Where code2Session is called; tests point it at a fake server.
    #[arg(
        long,
        help_heading = "WeChat",
        env = "CANGLONG_WECHAT_API_BASE",
        default_value = "https://api.weixin.qq.com"
    )]
    pub wechat_api_base: String,

    /// Total time allowed for one WeChat call, seconds.
    #[arg(
        long,
        help_heading = "WeChat",
        env = "CANGLONG_WECHAT_TIMEOUT_SECS",
        default_value_t = 10
    )]
    pub wechat_timeout_secs: u64,

    /// Subscribe-message templates by notice kind: `need_claimed=TEMPLATE_ID,...`. Each template
    /// has the fields `thing1` (title), `thing2` (detail) and `time3`. A kind without one is not
    /// sent to WeChat (its messages end `failed_permanent`).
    #[arg(
        long,
        help_heading = "WeChat",
        env = "CANGLONG_WECHAT_TEMPLATES",
        default_value = ""
    )]
    pub wechat_templates: String,

    /// First retry delay of an undelivered subscribe message, seconds; doubles per attempt.
    #[arg(
        long,
        help_heading = "WeChat",
        env = "CANGLONG_OUTBOX_BACKOFF_SECS",
        default_value_t = 30
    )]
    pub outbox_backoff_secs: u64,

    /// Failed attempts after which a message is given up (`dead`).
    #[arg(
        long,
        help_heading = "WeChat",
        env = "CANGLONG_OUTBOX_MAX_ATTEMPTS",
        default_value_t = 8
    )]
    pub outbox_max_attempts: u32,
}

/// Everything `serve` is configured with.
#[derive(Debug, Clone, Args)]
pub struct Settings {
    #[command(flatten)]
    pub database: Database,
    #[command(flatten)]
    pub clocks: Clocks,
    #[command(flatten)]
    pub wechat: Wechat,

    /// Listen address.
    #[arg(long, env = "CANGLONG_BIND", default_value = "127.0.0.1:8080")]
    pub bind: String,

    /// `dev` allows a generated JWT secret; anything else requires CANGLONG_JWT_SECRET.
    #[arg(long, env = "CANGLONG_ENV", default_value = "prod")]
    pub env: String,

    /// Outside dev, the bearer token that may read `/metrics` and the OpenAPI document (without
    /// one, nobody can).
    #[arg(long, env = "CANGLONG_OPS_TOKEN", hide_env_values = true)]
    pub ops_token: Option<String>,

    /// Serve the docs UI and the OpenAPI document to anyone, also outside dev (a sandbox for
    /// integrators).
    #[arg(long, env = "CANGLONG_PUBLIC_DOCS", default_value_t = false)]
    pub public_docs: bool,

    /// HMAC key for access tokens, at least 32 bytes.
    #[arg(long, env = "CANGLONG_JWT_SECRET", hide_env_values = true)]
    pub jwt_secret: Option<String>,

    /// Sign-in requests per minute per client address (429 past it).
    #[arg(long, env = "CANGLONG_AUTH_RATE_LIMIT", default_value_t = 60)]
    pub auth_rate_limit: u32,

    /// Sign-in attempts per minute per account, from any address (429 past it).
    #[arg(long, env = "CANGLONG_ACCOUNT_RATE_LIMIT", default_value_t = 10)]
    pub account_rate_limit: u32,

    /// How long a process reuses a person's roles and token version read for an earlier
    /// request, in milliseconds (0: read them on every request). A change made through this
    /// process takes effect at once; one made through another process within this bound.
    #[arg(long, env = "CANGLONG_BEARER_CACHE_MS", default_value_t = 2000)]
    pub bearer_cache_ms: u64,

    /// Take the client address from `X-Forwarded-For` (only behind our own proxy).
    #[arg(long, env = "CANGLONG_TRUST_PROXY", default_value_t = false)]
    pub trust_proxy: bool,

    /// How often `serve` runs the periodic jobs.
    #[arg(long, env = "CANGLONG_SWEEP_SECONDS", default_value_t = 60)]
    pub sweep_seconds: u64,

    /// PEM certificate chain: with `CANGLONG_TLS_KEY`, the server speaks HTTPS itself.
    #[arg(long, env = "CANGLONG_TLS_CERT")]
    pub tls_cert: Option<String>,

    /// PEM private key (PKCS#8, PKCS#1 or SEC1) for `CANGLONG_TLS_CERT`.
    #[arg(long, env = "CANGLONG_TLS_KEY")]
    pub tls_key: Option<String>,

    /// Database connections the server keeps open.
    #[arg(long, env = "CANGLONG_POOL_SIZE", default_value_t = 16)]
    pub pool_size: u32,

    /// Seconds a request waits for a database connection before it is answered 503
    /// `retry_later` (the database is down, or every connection is busy).
    #[arg(long, env = "CANGLONG_POOL_WAIT_SECS", default_value_t = 5)]
    pub pool_wait_secs: u64,

    /// The privacy-policy version in force: a person who has not accepted it is asked at
    /// sign-in (`privacy_policy.accepted: false`); publishing a new version asks everyone again.
    #[arg(long, env = "CANGLONG_PRIVACY_POLICY", default_value = "2026-12-01")]
    pub privacy_policy: String,

    /// A PostgreSQL streaming replica for the review meetings' reads (the overview, the tables,
    /// the report, the exports); every write and the mini-program's own reads stay on the
    /// primary. Unset: everything reads the primary.
    #[arg(long, env = "CANGLONG_READ_DATABASE_URL", hide_env_values = true)]
    pub read_database_url: Option<String>,

    /// How far behind the primary (seconds, as the replica itself reports) the replica may be
    /// and still answer; further behind, or down, the primary answers instead.
    #[arg(long, env = "CANGLONG_READ_MAX_LAG_SECS", default_value_t = 30)]
    pub read_max_lag_secs: u64,

    /// HTTP worker threads (default: one per core).
    #[arg(long, env = "CANGLONG_WORKERS")]
    pub workers: Option<usize>,
}

impl Settings {
    pub fn is_dev(&self) -> bool {
        self.env == "dev"
    }

    /// Passwords hashed at once: half the cores (argon2 is CPU-bound: a flood of sign-ins keeps
    /// these busy, and the other half serves everyone else). Staff sign in a few times a day;
    /// one core checks about 40 passwords a second.
    pub fn hashing_threads(&self) -> usize {
        std::thread::available_parallelism().map_or(1, |n| (n.get() / 2).max(1))
    }

    /// Settings for tests and tools: dev mode on the given database, everything else default.
    pub fn for_database(url: &str) -> Self {
        Settings {
            database: Database {
                database_url: url.to_string(),
            },
            clocks: Clocks {
                auto_confirm_hours: 72,
                escalate_minutes: 120,
            },
            wechat: Wechat {
                wechat_appid: "wx-test-appid".into(),
                wechat_secret: "wx-test-secret".into(),
                wechat_api_base: "http://127.0.0.1:9".into(),
                wechat_timeout_secs: 2,
                wechat_templates: String::new(),
                outbox_backoff_secs: 30,
                outbox_max_attempts: 8,
            },
            bind: "127.0.0.1:0".into(),
            env: "dev".into(),
            jwt_secret: Some("test-secret-test-secret-test-secret-0123".into()),
            ops_token: None,
            public_docs: false,
            auth_rate_limit: 10_000,
            account_rate_limit: 10_000,
            bearer_cache_ms: 2000,
            trust_proxy: false,
            sweep_seconds: 3600,
            tls_cert: None,
            tls_key: None,
            pool_size: 8,
            pool_wait_secs: 5,
            privacy_policy: "2026-12-01".into(),
            read_database_url: None,
            read_max_lag_secs: 30,
            workers: Some(2),
        }
    }

    /// The JWT key: the configured secret, or in dev a random one (tokens die with the process).
    pub fn jwt_key(&self) -> Result<Vec<u8>, String> {
        match &self.jwt_secret {
            Some(s) if s.len() >= 32 => Ok(s.as_bytes().to_vec()),
            Some(_) => Err("CANGLONG_JWT_SECRET must be at least 32 bytes".into()),
            None if self.is_dev() => {
                tracing::warn!("CANGLONG_JWT_SECRET is not set: using a random key (dev only)");
                let mut key = vec![0u8; 32];
                getrandom::fill(&mut key).map_err(|e| e.to_string())?;
                Ok(key)
            }
            None => Err("CANGLONG_JWT_SECRET is required outside CANGLONG_ENV=dev".into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outside_dev_a_proper_jwt_secret_is_required() {
        let mut s = Settings::for_database("sqlite://x.db");
        s.env = "prod".into();
        s.jwt_secret = None;
        assert!(s.jwt_key().is_err(), "no secret in production");
        s.jwt_secret = Some("too-short".into());
        assert!(s.jwt_key().is_err(), "a short secret is refused");
        s.jwt_secret = Some("x".repeat(32));
        assert_eq!(s.jwt_key().unwrap().len(), 32);
        s.env = "dev".into();
        s.jwt_secret = None;
        assert_eq!(s.jwt_key().unwrap().len(), 32, "dev generates one");
    }
}
