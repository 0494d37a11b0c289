use std::collections::BTreeSet;

use canglong_persistence::{AnyConnection, connect, migrate};
use canglong_tests::{Db, TestDb, postgres_url};
use diesel::prelude::*;
use diesel::sql_types::Text;

#[derive(QueryableByName, Debug)]
struct Column {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    column_name: String,
}

fn columns(conn: &mut AnyConnection) -> BTreeSet<(String, String)> {
    let sql = match conn {
        AnyConnection::Sqlite(_) => {
            "SELECT m.name AS table_name, p.name AS column_name FROM sqlite_master m, pragma_table_info(m.name) p \
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name NOT LIKE '__diesel%'"
        }
        AnyConnection::Postgresql(_) => {
            "SELECT table_name::text AS table_name, column_name::text AS column_name FROM information_schema.columns \
             WHERE table_schema = 'public' AND table_name NOT LIKE '__diesel%'"
        }
    };
    diesel::sql_query(sql)
        .load::<Column>(conn)
        .unwrap()
        .into_iter()
        .map(|c| (c.table_name, c.column_name))
        .collect()
}

/// The two migration folders produce the same tables and columns.
#[test]
fn both_backends_have_the_same_schema() {
    let sqlite_db = TestDb::new(Db::Sqlite);
    let mut sqlite = connect(&sqlite_db.url).unwrap();
    assert!(migrate(&mut sqlite).unwrap() > 0);
    assert_eq!(
        migrate(&mut sqlite).unwrap(),
        0,
        "re-running migrations is a no-op"
    );
    let lite = columns(&mut sqlite);
    assert!(lite.contains(&("needs".to_string(), "slots_taken".to_string())));
    let Some(_) = postgres_url() else { return };
    let pg_db = TestDb::new(Db::Postgres);
    let mut pg = connect(&pg_db.url).unwrap();
    migrate(&mut pg).unwrap();
    let pg_cols = columns(&mut pg);
    let only_lite: Vec<_> = lite.difference(&pg_cols).collect();
    let only_pg: Vec<_> = pg_cols.difference(&lite).collect();
    assert!(
        only_lite.is_empty() && only_pg.is_empty(),
        "only in SQLite: {only_lite:?}; only in PostgreSQL: {only_pg:?}"
    );
}

#[derive(QueryableByName)]
struct Pragma {
    #[diesel(sql_type = Text)]
    v: String,
}

/// SQLite runs in WAL mode with foreign keys enforced.
#[test]
fn sqlite_connections_are_configured() {
    let db = TestDb::new(Db::Sqlite);
    let mut c = connect(&db.url).unwrap();
    let mode = diesel::sql_query("SELECT journal_mode AS v FROM pragma_journal_mode")
        .get_result::<Pragma>(&mut c)
        .unwrap();
    assert_eq!(mode.v, "wal");
    let fk = diesel::sql_query("SELECT CAST(foreign_keys AS TEXT) AS v FROM pragma_foreign_keys")
        .get_result::<Pragma>(&mut c)
        .unwrap();
    assert_eq!(fk.v, "1");
}
