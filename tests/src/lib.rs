//! The end-to-end harness: a real server on port 0 over a fresh database (a temp SQLite file, or
//! a new PostgreSQL database when `TEST_DATABASE_URL` is set), a fake WeChat on loopback, and
//! typed clients acting as residents, volunteers and staff.

use std::sync::OnceLock;
use std::sync::mpsc;

use canglong_api::{AppState, Server, Settings};
use canglong_mini_program_mock::{Client, FakeWechat};
use canglong_openapi::{Availability, NewNeed, VolunteerApplication};
use canglong_persistence::{Pool, people, write_tx};
use chrono::{Duration, Utc};
use uuid::Uuid;

pub use canglong_mini_program_mock::ApiFailure;

/// Which database a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Db {
    Sqlite,
    Postgres,
}

/// The password every test staff account has.
pub const STAFF_PASSWORD: &str = "staff-password-for-tests";

/// Runs a test body on both backends: `both!(name);` makes `name::sqlite` and `name::postgres`.
#[macro_export]
macro_rules! both {
    ($($name:ident),+ $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn sqlite() {
                super::$name($crate::Db::Sqlite).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn postgres() {
                if $crate::postgres_url().is_some() {
                    super::$name($crate::Db::Postgres).await
                }
            }
        }
    )+};
}

/// `TEST_DATABASE_URL`, or `None` after saying the PostgreSQL half is skipped; under `CI=true`
/// a missing database fails instead, so CI never passes with the half skipped.
pub fn postgres_url() -> Option<String> {
    match std::env::var("TEST_DATABASE_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            if std::env::var("CI").as_deref() == Ok("true") {
                panic!(
                    "TEST_DATABASE_URL is not set under CI: run through scripts/test-postgres.sh"
                );
            }
            eprintln!(
                "skipped: PostgreSQL test (set TEST_DATABASE_URL or use scripts/test-postgres.sh)"
            );
            None
        }
    }
}

/// A fresh database of the backend: its URL, and what keeps it alive.
pub struct TestDb {
    pub url: String,
    _dir: Option<tempfile::TempDir>,
}

impl TestDb {
    pub fn new(db: Db) -> Self {
        match db {
            Db::Sqlite => {
                let dir = tempfile::tempdir().expect("temp dir");
                let url = format!("sqlite://{}", dir.path().join("test.db").display());
                Self {
                    url,
                    _dir: Some(dir),
                }
            }
            Db::Postgres => {
                let admin = postgres_url().expect("TEST_DATABASE_URL");
                let name = format!("t_{}", Uuid::new_v4().simple());
                let mut conn =
                    canglong_persistence::connect(&admin).expect("connect to TEST_DATABASE_URL");
                diesel::connection::SimpleConnection::batch_execute(
                    &mut conn,
                    &format!("CREATE DATABASE {name}"),
                )
                .expect("create test database");
                Self {
                    url: with_database(&admin, &name),
                    _dir: None,
                }
            }
        }
    }
}

/// The URL with its database name replaced.
fn with_database(url: &str, name: &str) -> String {
    let (head, query) = url
        .split_once('?')
        .map_or((url, None), |(h, q)| (h, Some(q)));
    let scheme_end = head.find("://").map_or(0, |i| i + 3);
    let base = match head[scheme_end..].find('/') {
        Some(i) => &head[..scheme_end + i],
        None => head,
    };
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}

/// A running server with its own database and fake WeChat.
pub struct TestApp {
    pub db: Db,
    pub base: String,
    pub settings: Settings,
    pub pool: Pool,
    pub community_id: Uuid,
    pub wechat: FakeWechat,
    handle: actix_web::dev::ServerHandle,
    _db: TestDb,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        // Stop without waiting: the test's runtime may already be going away.
        // The stop command is sent at once; the returned future only waits for it.
        drop(self.handle.stop(false));
    }
}

pub fn spawn(db: Db) -> TestApp {
    spawn_with(db, |_| {})
}

/// Starts a server; `tweak` adjusts its settings first.
pub fn spawn_with(db: Db, tweak: impl FnOnce(&mut Settings)) -> TestApp {
    let test_db = TestDb::new(db);
    let wechat = FakeWechat::start().expect("fake wechat");
    let mut settings = Settings::for_database(&test_db.url);
    settings.wechat.wechat_api_base = wechat.base_url();
    tweak(&mut settings);
    let pool = canglong_persistence::pool(&settings.database.database_url, 12).expect("pool");
    canglong_persistence::migrate(&mut pool.get().expect("conn")).expect("migrate");
    let community_id = write_tx(&mut pool.get().expect("conn"), |c| {
        let sd = people::ensure_subdistrict(c, "测试街道")?;
        people::create_community(c, sd, "测试社区")
    })
    .expect("community");

    let (addr, handle) = start_server(&settings, &pool);
    TestApp {
        db,
        base: format!("http://{addr}"),
        settings,
        pool,
        community_id,
        wechat,
        handle,
        _db: test_db,
    }
}

/// A second server process on a test app's database ([`TestApp::another_process`]).
pub struct Process {
    pub base: String,
    /// The state this process's jobs run with (its own pool).
    pub state: AppState,
    handle: actix_web::dev::ServerHandle,
}

impl Drop for Process {
    fn drop(&mut self) {
        drop(self.handle.stop(false));
    }
}

/// Starts the server on its own thread; returns its address and handle.
fn start_server(
    settings: &Settings,
    pool: &Pool,
) -> (std::net::SocketAddr, actix_web::dev::ServerHandle) {
    let (tx, rx) = mpsc::channel();
    let (s, p) = (settings.clone(), pool.clone());
    std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            let state = AppState::new(&s, p).expect("state");
            let server = Server::build(&s, state).expect("bind");
            tx.send((server.addr, server.handle.clone()))
                .expect("send addr");
            let _ = server.run().await;
        })
    });
    rx.recv().expect("server started")
}

fn staff_hash() -> &'static str {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| canglong_api::auth::hash_password(STAFF_PASSWORD).expect("hash"))
}

impl TestApp {
    /// Stops the server and starts a new one on the same database (a restart: nothing kept in
    /// memory survives). Clients must use the new `base`.
    pub async fn restart(&mut self) {
        self.handle.stop(true).await;
        let (addr, handle) = start_server(&self.settings, &self.pool);
        self.base = format!("http://{addr}");
        self.handle = handle;
    }

    /// Another server on the same database, as a second process would be: its own pool,
    /// caches, limiter and jobs; the same settings (so the same token key). Stopped when
    /// dropped.
    pub fn another_process(&self) -> Process {
        let pool = canglong_persistence::pool(&self.settings.database.database_url, 12)
            .expect("second pool");
        let (addr, handle) = start_server(&self.settings, &pool);
        Process {
            base: format!("http://{addr}"),
            state: AppState::new(&self.settings, pool).expect("state"),
            handle,
        }
    }

    /// The server's state as a new process would build it (for running its jobs directly).
    pub fn state(&self) -> AppState {
        AppState::new(&self.settings, self.pool.clone()).expect("state")
    }

    /// A client with no token.
    pub fn anonymous(&self) -> Client {
        Client::new(&self.base)
    }

    /// Signs in through the fake WeChat with `code` (same code → same person).
    pub async fn resident(&self, code: &str) -> Client {
        self.resident_of(code, self.community_id).await
    }

    pub async fn resident_of(&self, code: &str, community: Uuid) -> Client {
        let t = self
            .anonymous()
            .sign_in_wechat(code, community)
            .await
            .expect("wechat sign-in");
        self.anonymous().with_token(&t.access_token)
    }

    /// Creates a staff account with `role` in the community and signs it in.
    pub async fn staff(&self, role: &str) -> Client {
        self.staff_of(role, self.community_id).await
    }

    pub async fn staff_of(&self, role: &str, community: Uuid) -> Client {
        self.staff_with_roles(&[role], community).await
    }

    /// A staff account holding several roles (e.g. a social worker who is also a resident).
    pub async fn staff_with_roles(&self, roles: &[&str], community: Uuid) -> Client {
        let role = roles.join("-");
        let username = format!("{role}-{}", Uuid::new_v4().simple());
        let hash = staff_hash().to_string();
        let role_names: Vec<String> = roles.iter().map(|r| r.to_string()).collect();
        write_tx(&mut self.pool.get().expect("conn"), |c| {
            let u = people::insert_user(
                c,
                &people::NewUser {
                    community_id: community,
                    nickname: username.clone(),
                    username: Some(username.clone()),
                    password_hash: Some(hash),
                    wechat_openid: None,
                },
            )?;
            for r in &role_names {
                people::grant_role(c, u.id.0, community, r)?;
            }
            Ok::<_, diesel::result::Error>(())
        })
        .expect("staff user");
        let t = self
            .anonymous()
            .sign_in_password(&username, STAFF_PASSWORD)
            .await
            .expect("staff sign-in");
        self.anonymous().with_token(&t.access_token)
    }

    /// A second community (with its own staff and residents), for boundary tests.
    pub fn other_community(&self) -> Uuid {
        write_tx(&mut self.pool.get().expect("conn"), |c| {
            let sd = people::ensure_subdistrict(c, "测试街道")?;
            people::create_community(c, sd, &format!("邻社区-{}", Uuid::new_v4().simple()))
        })
        .expect("community")
    }

    /// A resident who applied and was approved by a community admin: an active volunteer.
    pub async fn volunteer(&self, code: &str) -> Client {
        let admin = self.staff("community_admin").await;
        self.volunteer_approved_by(code, &admin).await
    }

    pub async fn volunteer_approved_by(&self, code: &str, admin: &Client) -> Client {
        let v = self.resident(code).await;
        let profile = v.apply_volunteer(&application()).await.expect("apply");
        admin
            .decide_volunteer(profile.id, true, Some("ok"))
            .await
            .expect("approve");
        v
    }
}

/// A merchant admitted through all three levels (applied, reviewed by the community admin,
/// filed by the subdistrict admin), with one staff member bound: (merchant id, its staff).
pub async fn admitted_merchant(app: &TestApp, admin: &Client, name: &str) -> (Uuid, Client) {
    let applicant = app.resident(&format!("owner-{name}")).await;
    let m = applicant
        .apply_merchant(&merchant_application(name))
        .await
        .expect("apply");
    admin
        .review_merchant(m.id, true, None)
        .await
        .expect("review");
    let street = app.staff("subdistrict_admin").await;
    street.file_merchant(m.id, true, None).await.expect("file");
    let staff = app.staff("merchant_staff").await;
    let staff_id = staff.me().await.expect("me").id;
    admin
        .bind_merchant_staff(m.id, staff_id)
        .await
        .expect("bind");
    (m.id, staff)
}

pub fn merchant_application(name: &str) -> canglong_openapi::MerchantApplication {
    canglong_openapi::MerchantApplication {
        name: name.into(),
        licence_no: "91420115MA4K0000X1".into(),
        contact_name: "陈老板".into(),
        contact_phone: "13900001111".into(),
        address: "藏龙大道 18 号".into(),
        category: "fruit".into(),
        description: "新鲜水果".into(),
    }
}

/// An offer of the given provider, approved by the admin.
pub async fn active_offer(
    admin: &Client,
    creator: &Client,
    provider: Option<String>,
    cost: i64,
    stock: i32,
    limit: i32,
) -> Uuid {
    let o = creator
        .create_offer(&canglong_openapi::NewOffer {
            provider,
            kind: canglong_openapi::OfferKind::Coupon,
            title: "10元水果券".into(),
            description: String::new(),
            points_cost: cost,
            stock,
            per_user_limit: limit,
            valid_from: Utc::now() - Duration::hours(1),
            valid_to: Utc::now() + Duration::days(30),
            voucher_valid_days: 7,
            session_id: None,
        })
        .await
        .expect("offer");
    admin
        .review_offer(o.id, true, None)
        .await
        .expect("approve offer");
    o.id
}

/// Gives a signed-in person `points` by an admin's adjustment.
pub async fn fund(admin: &Client, person: &Client, points: i64) {
    let user = person.me().await.expect("me").id;
    let account = admin.balance(Some(user)).await.expect("balance").account_id;
    let body = canglong_openapi::AdjustmentRequest {
        account_id: account,
        amount: points,
        reason: "测试充值".into(),
    };
    admin
        .adjust_points(&body, Some(&Uuid::new_v4().to_string()))
        .await
        .expect("fund");
}

/// A suggestion of the app, naming no merchant or project.
pub fn suggestion(
    category: canglong_openapi::SuggestionCategory,
    text: &str,
    anonymous: bool,
) -> canglong_openapi::NewSuggestion {
    canglong_openapi::NewSuggestion {
        category,
        text: text.into(),
        anonymous,
        merchant_id: None,
        project_id: None,
        source: None,
    }
}

pub fn application() -> VolunteerApplication {
    VolunteerApplication {
        skills: vec!["medicine_run".into()],
        availability: Availability::Flexible,
        places: vec!["3栋".into()],
        team_ids: vec![],
    }
}

/// A valid need: a 15-minute medicine run for an elderly resident, open for two days.
pub fn need(slots: i32) -> NewNeed {
    let start = Utc::now() + Duration::hours(1);
    NewNeed {
        category: canglong_openapi::Category::MedicineRun,
        target_group: canglong_openapi::TargetGroup::Elderly,
        title: "代买降压药".into(),
        description: "社区药房".into(),
        place: "3栋2单元".into(),
        window_start: start,
        window_end: start + Duration::hours(48),
        estimated_minutes: 15,
        slots,
        on_behalf_of: None,
    }
}

impl TestApp {
    /// Arranges that a need was posted two months ago, so that service reported now (or dated
    /// back within that time) began after it existed.
    pub fn posted_earlier(&self, need: Uuid) {
        use canglong_persistence::schema::needs;
        use diesel::prelude::*;
        let mut conn = self.pool.get().expect("connection");
        let posted: chrono::NaiveDateTime = needs::table
            .find(canglong_persistence::Id(need))
            .select(needs::created_at)
            .first(&mut *conn)
            .expect("the need");
        diesel::update(needs::table.find(canglong_persistence::Id(need)))
            .set(needs::created_at.eq(posted - Duration::days(60)))
            .execute(&mut *conn)
            .expect("backdated");
    }

    /// Arranges that a resident was registered `days` ago (care gaps count from then).
    pub fn registered_earlier(&self, resident: Uuid, days: i64) {
        use canglong_persistence::schema::residents;
        use diesel::prelude::*;
        let mut conn = self.pool.get().expect("connection");
        diesel::update(residents::table.find(canglong_persistence::Id(resident)))
            .set(residents::created_at.eq(chrono::Utc::now().naive_utc() - Duration::days(days)))
            .execute(&mut *conn)
            .expect("backdated");
    }
}

impl TestApp {
    /// Puts a signed-in person in the residents directory at a flat (building, unit, room),
    /// as staff registering them and a binding would; `child` marks a minor. Returns their id.
    pub async fn housed(
        &self,
        who: &Client,
        building: Option<Uuid>,
        room: &str,
        child: bool,
    ) -> Uuid {
        use canglong_persistence::residents::{ResidentRow, insert_resident};
        use canglong_persistence::{Id, Stored};
        let me = who.me().await.expect("me");
        let tags = if child { r#"["child"]"# } else { "[]" };
        let at = canglong_core::now();
        let row = ResidentRow {
            id: Id(Uuid::now_v7()),
            community_id: Id(me.community_id),
            user_id: Id(me.id),
            building_id: building.map(Id),
            unit: "1单元".into(),
            room: room.into(),
            phone: None,
            tags: tags.into(),
            consent_method: Stored(canglong_people::ConsentMethod::InPerson),
            consent_by: me.nickname.clone(),
            consent_recorded_by: Id(me.id),
            consent_at: at,
            created_at: at,
        };
        let mut conn = self.pool.get().expect("connection");
        insert_resident(&mut conn, &row).expect("housed");
        me.id
    }
}
