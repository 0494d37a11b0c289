//! Storage for 藏龙智汇: one diesel code path over SQLite and PostgreSQL.
//! Stores are plain functions taking `&mut AnyConnection` and returning plain rows; the
//! decisions live in the domain crates and the transactions are opened by the caller with
//! [`write_tx`].

/// Runs `$query` with `$load::<$row>`, locking the rows on PostgreSQL so that concurrent
/// writers queue on them; on SQLite the write transaction (`BEGIN IMMEDIATE`) already holds the
/// database's one write lock. The connection enum cannot say `FOR UPDATE` itself.
///
/// The lock is `FOR NO KEY UPDATE`: we never change a key, and a plain `FOR UPDATE` would also
/// block every insert whose foreign key points at the row (a voucher naming its merchant), which
/// turned a merchant's exit racing redemptions into deadlocks.
macro_rules! for_update {
    ($conn:expr, $query:expr, $load:ident::<$row:ty>) => {
        match $conn {
            $crate::AnyConnection::Postgresql(pg) => $query.for_no_key_update().$load::<$row>(pg),
            $crate::AnyConnection::Sqlite(sl) => $query.$load::<$row>(sl),
        }
    };
}

/// Multi-row inserts, 500 rows a statement: the connection enum cannot batch, so each backend
/// does it itself.
macro_rules! insert_batched {
    ($conn:expr, $table:expr, $rows:expr) => {
        for chunk in $rows.chunks(500) {
            let chunk = chunk.to_vec();
            match &mut *$conn {
                $crate::AnyConnection::Postgresql(pg) => {
                    diesel::insert_into($table).values(chunk).execute(pg)?
                }
                $crate::AnyConnection::Sqlite(sl) => {
                    diesel::insert_into($table).values(chunk).execute(sl)?
                }
            };
        }
    };
}

pub mod activities;
pub mod alliance;
pub mod associations;
pub mod audit;
pub mod campaigns;
pub mod clients;
pub mod conventions;
pub mod db;
pub mod id;
pub mod idempotency;
pub mod ledger;
pub mod meetings;
pub mod needs;
pub mod notifications;
pub mod pairings;
pub mod people;
pub mod polls;
pub mod privacy;
pub mod queue;
pub mod residents;
pub mod rollups;
pub mod schema;
pub mod service_records;
pub mod spaces;
pub mod stats;
pub mod stored;
pub mod suggestions;
pub mod synthetic;
pub mod topics;
pub mod trainings;
pub mod volunteers;

pub use db::{
    AnyConnection, Backend, POOL_WAIT, Pool, PooledConn, connect, is_migrated, migrate, pool,
    pool_waiting, replica_lag, replica_pool, write_tx,
};
pub use id::Id;
pub use stored::Stored;

pub type QueryResult<T> = diesel::QueryResult<T>;

/// Whether an error is a unique-constraint violation (a lost race on insert).
pub fn is_unique_violation(e: &diesel::result::Error) -> bool {
    matches!(
        e,
        diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)
    )
}

/// Whether an error is a transient conflict between transactions that a retry resolves: a
/// serialization failure or deadlock victim (PostgreSQL), or a database still locked when the
/// busy timeout ran out (SQLite).
pub fn is_transient(e: &diesel::result::Error) -> bool {
    use diesel::result::{DatabaseErrorKind, Error};
    match e {
        Error::DatabaseError(DatabaseErrorKind::SerializationFailure, _) => true,
        Error::DatabaseError(_, info) => {
            let m = info.message();
            m.contains("deadlock detected") || m.contains("database is locked")
        }
        _ => false,
    }
}

/// Whether the connection itself failed (the server restarted, the network dropped): the
/// transaction did not complete as far as the caller can know, so it is answered "retry" and a
/// retry with the same Idempotency-Key is safe.
pub fn is_connection_lost(e: &diesel::result::Error) -> bool {
    use diesel::result::{DatabaseErrorKind, Error};
    match e {
        Error::BrokenTransactionManager => true,
        Error::DatabaseError(
            DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand,
            _,
        ) => true,
        Error::DatabaseError(_, info) => {
            let m = info.message();
            [
                "terminating connection",
                "server closed the connection",
                "no connection to the server",
                "the database system is",
                "could not receive data",
                "connection to server",
                "SSL SYSCALL",
            ]
            .iter()
            .any(|s| m.contains(s))
        }
        _ => false,
    }
}

/// Stores a list as JSON text (the enum connection has no JSON type).
pub fn to_json_text<T: serde::Serialize + ?Sized>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "null".into())
}

#[cfg(test)]
mod tests {
    use diesel::result::{DatabaseErrorKind, Error};

    fn db(kind: DatabaseErrorKind, message: &str) -> Error {
        Error::DatabaseError(kind, Box::new(message.to_string()))
    }

    #[test]
    fn transient_conflicts_are_told_apart_from_bugs() {
        assert!(super::is_transient(&db(
            DatabaseErrorKind::SerializationFailure,
            "could not serialize access"
        )));
        assert!(super::is_transient(&db(
            DatabaseErrorKind::Unknown,
            "deadlock detected"
        )));
        assert!(super::is_transient(&db(
            DatabaseErrorKind::Unknown,
            "database is locked"
        )));
        assert!(!super::is_transient(&db(
            DatabaseErrorKind::UniqueViolation,
            "duplicate key"
        )));
        assert!(!super::is_transient(&db(
            DatabaseErrorKind::Unknown,
            "syntax error"
        )));
        assert!(!super::is_transient(&Error::NotFound));
    }
}
