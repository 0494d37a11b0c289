//! Running blocking diesel work off the async workers.

use actix_web::web;
use canglong_persistence::{AnyConnection, Pool, write_tx};

use crate::ApiError;

/// Runs `f` on the blocking pool with one pooled connection (reads).
pub async fn read<T, F>(pool: &Pool, f: F) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce(&mut AnyConnection) -> Result<T, ApiError> + Send + 'static,
{
    let pool = pool.clone();
    web::block(move || {
        let mut conn = pool.get()?;
        f(&mut conn)
    })
    .await?
}

/// Runs `f` in one write transaction: all of it is stored, or none of it.
pub async fn write<T, F>(pool: &Pool, f: F) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce(&mut AnyConnection) -> Result<T, ApiError> + Send + 'static,
{
    read(pool, move |conn| write_tx(conn, f)).await
}
