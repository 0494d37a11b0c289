//! Stored responses of value-moving POSTs, keyed by (caller, Idempotency-Key).

use canglong_core::{Uuid, now};
use diesel::prelude::*;

use crate::schema::idempotency_keys;
use crate::{AnyConnection, Id, QueryResult};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = idempotency_keys)]
pub struct StoredResponse {
    pub user_id: Id,
    pub key: String,
    pub request_hash: String,
    pub status_code: i32,
    pub response_body: String,
    pub created_at: canglong_core::NaiveDateTime,
}

pub fn find(
    conn: &mut AnyConnection,
    user_id: Uuid,
    key: &str,
) -> QueryResult<Option<StoredResponse>> {
    idempotency_keys::table
        .filter(idempotency_keys::user_id.eq(Id(user_id)))
        .filter(idempotency_keys::key.eq(key))
        .select(StoredResponse::as_select())
        .first(conn)
        .optional()
}

/// Stores the response in the same transaction as the change it answers. A racing request with
/// the same key fails here on the primary key, so its transaction rolls back whole.
pub fn insert(
    conn: &mut AnyConnection,
    user_id: Uuid,
    key: &str,
    request_hash: &str,
    status_code: i32,
    body: &str,
) -> QueryResult<()> {
    diesel::insert_into(idempotency_keys::table)
        .values((
            idempotency_keys::user_id.eq(Id(user_id)),
            idempotency_keys::key.eq(key),
            idempotency_keys::request_hash.eq(request_hash),
            idempotency_keys::status_code.eq(status_code),
            idempotency_keys::response_body.eq(body),
            idempotency_keys::created_at.eq(now()),
        ))
        .execute(conn)
        .map(|_| ())
}
