//! One connection type over both backends, its pool, migrations and write transactions.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};
use std::time::Duration;

use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::prelude::*;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

#[derive(diesel::MultiConnection)]
pub enum AnyConnection {
    Postgresql(diesel::PgConnection),
    Sqlite(diesel::SqliteConnection),
}

pub type Pool = r2d2::Pool<Manager>;
pub type PooledConn = r2d2::PooledConnection<Manager>;

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// Which database a URL names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn of(url: &str) -> Self {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            Backend::Sqlite
        }
    }
}

/// Opens a connection, choosing the backend by URL scheme (`AnyConnection::establish` would try
/// each backend in turn and hide the real error).
pub fn connect(url: &str) -> ConnectionResult<AnyConnection> {
    match Backend::of(url) {
        Backend::Postgres => {
            let mut c = diesel::PgConnection::establish(&with_connect_timeout(url))?;
            // A runaway query must not hold a pooled connection forever.
            c.batch_execute("SET statement_timeout = '15s'")
                .map_err(|e| ConnectionError::BadConnection(e.to_string()))?;
            c.set_instrumentation(Kept::default());
            Ok(AnyConnection::Postgresql(c))
        }
        Backend::Sqlite => {
            let path = url.strip_prefix("sqlite://").unwrap_or(url);
            let mut c = diesel::SqliteConnection::establish(path)?;
            c.set_instrumentation(Kept {
                lost: false,
                writer: Some(writer_of(path)),
            });
            // WAL lets readers run beside the one writer; busy_timeout makes a second writer
            // wait instead of failing with SQLITE_BUSY. Generous, because a burst (200
            // residents redeeming at once) queues every writer behind the one lock, and a
            // refused redemption is worse than a slow one.
            c.batch_execute(
                "PRAGMA busy_timeout = 30000; PRAGMA journal_mode = WAL; \
                 PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;",
            )
            .map_err(|e| ConnectionError::BadConnection(e.to_string()))?;
            Ok(AnyConnection::Sqlite(c))
        }
    }
}

/// A server that does not answer is given up after a few seconds, not the OS's minutes.
fn with_connect_timeout(url: &str) -> String {
    if url.contains("connect_timeout=") {
        url.to_string()
    } else if url.contains('?') {
        format!("{url}&connect_timeout={CONNECT_TIMEOUT_SECS}")
    } else {
        format!("{url}?connect_timeout={CONNECT_TIMEOUT_SECS}")
    }
}

const CONNECT_TIMEOUT_SECS: u32 = 3;

/// What the pool keeps beside each connection, held as a diesel instrumentation because the
/// connection type has no room of its own.
/// - `lost`: whether a query found the server gone. The pool does not test a connection at
///   each checkout (r2d2's `SELECT 1` cost a round trip per request); a connection marked lost
///   is dropped when it is handed back, so the next request opens a fresh one.
/// - `writer` (SQLite): the turn this process's writers of that database file take before its
///   write lock. SQLite makes a writer that finds the lock taken sleep and retry (1, 2, 5 …
///   100 ms), so contending writers spend most of their time asleep while the lock is free;
///   queued on a mutex, each starts the moment the one before it is done. (Another process,
///   such as a `canglong` command, still meets the busy handler.) PostgreSQL's writers meet
///   only on the rows they share.
#[derive(Debug, Default)]
struct Kept {
    lost: bool,
    writer: Option<Arc<Mutex<()>>>,
}

impl diesel::connection::Instrumentation for Kept {
    fn on_connection_event(&mut self, event: diesel::connection::InstrumentationEvent<'_>) {
        if let diesel::connection::InstrumentationEvent::FinishQuery { error: Some(e), .. } = event
            && crate::is_connection_lost(e)
        {
            self.lost = true;
        }
    }
}

fn kept(c: &mut AnyConnection) -> Option<&Kept> {
    let i = match c {
        AnyConnection::Postgresql(c) => c.instrumentation(),
        AnyConnection::Sqlite(c) => c.instrumentation(),
    };
    i.downcast_ref::<Kept>()
}

fn writer_of(path: &str) -> Arc<Mutex<()>> {
    static WRITERS: LazyLock<Mutex<HashMap<String, Arc<Mutex<()>>>>> =
        LazyLock::new(Default::default);
    let mut writers = WRITERS.lock().unwrap_or_else(|p| p.into_inner());
    writers.entry(path.to_string()).or_default().clone()
}

/// The turn a connection's writes wait for (SQLite only).
fn turn_of(c: &mut AnyConnection) -> Option<Arc<Mutex<()>>> {
    kept(c).and_then(|k| k.writer.clone())
}

/// An r2d2 manager that keeps the real connection error (see [`connect`]).
#[derive(Debug)]
pub struct Manager(pub String);

impl r2d2::ManageConnection for Manager {
    type Connection = AnyConnection;
    type Error = diesel::r2d2::Error;

    fn connect(&self) -> Result<AnyConnection, Self::Error> {
        connect(&self.0).map_err(diesel::r2d2::Error::ConnectionError)
    }
    fn is_valid(&self, c: &mut AnyConnection) -> Result<(), Self::Error> {
        c.batch_execute("SELECT 1")
            .map_err(diesel::r2d2::Error::QueryError)
    }
    /// A connection handed back inside a transaction, with its transaction state broken, or that
    /// found its server gone, is dropped rather than reused.
    fn has_broken(&self, c: &mut AnyConnection) -> bool {
        if kept(c).is_some_and(|k| k.lost) {
            return true;
        }
        let status = match c {
            AnyConnection::Postgresql(c) => {
                AnsiTransactionManager::transaction_manager_status_mut(c)
            }
            AnyConnection::Sqlite(c) => AnsiTransactionManager::transaction_manager_status_mut(c),
        };
        status
            .transaction_depth()
            .map_or(true, |depth| depth.is_some())
    }
}

/// How long a request waits for a pooled connection before it is answered 503 (the default).
pub const POOL_WAIT: Duration = Duration::from_secs(5);

pub fn pool(url: &str, size: u32) -> Result<Pool, r2d2::Error> {
    pool_waiting(url, size, POOL_WAIT)
}

/// A pool whose callers wait at most `wait` for a connection.
pub fn pool_waiting(url: &str, size: u32, wait: Duration) -> Result<Pool, r2d2::Error> {
    if let Backend::Sqlite = Backend::of(url) {
        let path = url.strip_prefix("sqlite://").unwrap_or(url);
        if let Some(dir) = std::path::Path::new(path).parent()
            && !dir.as_os_str().is_empty()
        {
            let _ = std::fs::create_dir_all(dir);
        }
    }
    r2d2::Pool::builder()
        .max_size(size)
        .connection_timeout(wait)
        .test_on_check_out(false)
        .build(Manager(url.to_string()))
}

/// A pool for a read replica: opened lazily (the server starts while the replica is down) and
/// keeping no idle connection it did not need.
pub fn replica_pool(url: &str, size: u32, wait: Duration) -> Pool {
    r2d2::Pool::builder()
        .max_size(size)
        .min_idle(Some(0))
        .connection_timeout(wait)
        .test_on_check_out(false)
        .build_unchecked(Manager(url.to_string()))
}

#[derive(diesel::QueryableByName)]
struct Lag {
    #[diesel(sql_type = diesel::sql_types::Bool)]
    standby: bool,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Double>)]
    seconds: Option<f64>,
}

/// How far behind its primary this database is, in seconds, as PostgreSQL itself says: 0 when
/// it replayed all it received, else the age of the last transaction it replayed (`None`: it
/// has replayed nothing yet). A database that is not a standby (or SQLite) is 0 behind.
pub fn replica_lag(conn: &mut AnyConnection) -> QueryResult<Option<f64>> {
    let AnyConnection::Postgresql(pg) = conn else {
        return Ok(Some(0.0));
    };
    let lag: Lag = diesel::sql_query(
        "SELECT pg_is_in_recovery() AS standby, \
         CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0.0 \
         ELSE CAST(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()) AS DOUBLE PRECISION) \
         END AS seconds",
    )
    .get_result(pg)?;
    Ok(if lag.standby { lag.seconds } else { Some(0.0) })
}

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Applies the pending migrations. Nothing pending asks for no privilege beyond reading the
/// migrations table, so any command may run as the server's role once the owner migrated.
pub fn migrate(conn: &mut AnyConnection) -> Result<usize, BoxError> {
    if is_migrated(conn) {
        return Ok(0);
    }
    let set = match conn {
        AnyConnection::Sqlite(_) => SQLITE_MIGRATIONS,
        AnyConnection::Postgresql(_) => POSTGRES_MIGRATIONS,
    };
    Ok(conn.run_pending_migrations(set)?.len())
}

/// Whether every embedded migration has been applied. Read from the migrations table alone, so
/// a role that may not create tables (the server's, in production) can ask too.
pub fn is_migrated(conn: &mut AnyConnection) -> bool {
    use diesel::migration::MigrationSource;
    #[derive(QueryableByName)]
    struct Applied {
        #[diesel(sql_type = diesel::sql_types::Text)]
        version: String,
    }
    let set = match conn {
        AnyConnection::Sqlite(_) => SQLITE_MIGRATIONS,
        AnyConnection::Postgresql(_) => POSTGRES_MIGRATIONS,
    };
    let Ok(wanted) = MigrationSource::<MultiBackend>::migrations(&set) else {
        return false;
    };
    let Ok(applied) =
        diesel::sql_query("SELECT version FROM __diesel_schema_migrations").load::<Applied>(conn)
    else {
        return false;
    };
    let applied: std::collections::HashSet<String> =
        applied.into_iter().map(|a| a.version).collect();
    wanted
        .iter()
        .all(|m| applied.contains(&m.name().version().to_string()))
}

/// Runs `f` in one write transaction. On SQLite it begins with `BEGIN IMMEDIATE`, taking the
/// write lock up front, so two read-then-write transactions never deadlock into SQLITE_BUSY.
/// On PostgreSQL rows are locked where needed with [`crate::lock`] helpers.
pub fn write_tx<T, E>(
    conn: &mut AnyConnection,
    f: impl FnOnce(&mut AnyConnection) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<diesel::result::Error>,
{
    let turn = turn_of(conn);
    let _turn = turn
        .as_ref()
        .map(|t| t.lock().unwrap_or_else(|p| p.into_inner()));
    match conn {
        AnyConnection::Sqlite(c) => {
            AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")?
        }
        AnyConnection::Postgresql(c) => AnsiTransactionManager::begin_transaction(c)?,
    }
    let outcome = f(conn);
    let outcome = finish(conn, outcome);
    // Committed or rolled back, a bearer changed in it is counted again now that it settled.
    crate::people::settle_bearer_changes();
    outcome
}

fn finish<T, E>(conn: &mut AnyConnection, outcome: Result<T, E>) -> Result<T, E>
where
    E: From<diesel::result::Error>,
{
    match outcome {
        Ok(value) => {
            if let Err(commit_error) =
                <AnyConnection as Connection>::TransactionManager::commit_transaction(conn)
            {
                let _ =
                    <AnyConnection as Connection>::TransactionManager::rollback_transaction(conn);
                return Err(commit_error.into());
            }
            Ok(value)
        }
        Err(e) => {
            <AnyConnection as Connection>::TransactionManager::rollback_transaction(conn)?;
            Err(e)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connections_to_one_sqlite_file_share_one_writers_turn() {
        let dir = std::env::temp_dir().join(format!("canglong-turn-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let (a, b) = (dir.join("a.db"), dir.join("b.db"));
        let open = |p: &std::path::Path| connect(&format!("sqlite://{}", p.display())).unwrap();
        let (mut a1, mut a2, mut b1) = (open(&a), open(&a), open(&b));
        let (t1, t2, t3) = (turn_of(&mut a1), turn_of(&mut a2), turn_of(&mut b1));
        assert!(Arc::ptr_eq(t1.as_ref().unwrap(), t2.as_ref().unwrap()));
        assert!(!Arc::ptr_eq(t1.as_ref().unwrap(), t3.as_ref().unwrap()));
        // While one writer holds the turn, the other's write waits for it rather than for SQLite.
        let held = t1.unwrap();
        let guard = held.lock().unwrap();
        assert!(t2.unwrap().try_lock().is_err());
        drop(guard);
        write_tx(&mut a2, |c| c.batch_execute("CREATE TABLE t (x INTEGER)")).unwrap();
        let _ = std::fs::remove_dir_all(&dir);
    }
}
