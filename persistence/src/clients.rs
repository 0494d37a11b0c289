//! Integrator clients: credentials (stored hashed) with scopes, bound to one community.

use canglong_core::{NaiveDateTime, Uuid};
use diesel::prelude::*;

use crate::schema::api_clients;
use crate::{AnyConnection, Id, QueryResult};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = api_clients)]
pub struct ClientRow {
    pub id: Id,
    pub community_id: Id,
    pub name: String,
    pub secret_hash: String,
    /// Space-separated, as OAuth writes scopes.
    pub scopes: String,
    pub revoked_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

pub fn insert(conn: &mut AnyConnection, row: &ClientRow) -> QueryResult<()> {
    diesel::insert_into(api_clients::table)
        .values(row.clone())
        .execute(conn)
        .map(|_| ())
}

pub fn get(conn: &mut AnyConnection, id: Uuid) -> QueryResult<Option<ClientRow>> {
    api_clients::table
        .find(Id(id))
        .select(ClientRow::as_select())
        .first(conn)
        .optional()
}
