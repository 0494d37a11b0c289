//! The in-app inbox.

use canglong_core::{NaiveDateTime, PageRequest, Uuid, now};
use diesel::prelude::*;

use crate::schema::notifications;
use crate::{AnyConnection, Id, QueryResult};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = notifications)]
pub struct NotificationRow {
    pub id: Id,
    pub community_id: Id,
    pub user_id: Id,
    pub kind: String,
    pub title: String,
    pub body: String,
    pub read_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

/// Puts a notification in a person's inbox (inside the caller's transaction).
pub fn notify(
    conn: &mut AnyConnection,
    community_id: Uuid,
    user_id: Uuid,
    kind: &str,
    title: &str,
    body: &str,
) -> QueryResult<()> {
    diesel::insert_into(notifications::table)
        .values((
            notifications::id.eq(Id(canglong_core::new_id())),
            notifications::community_id.eq(Id(community_id)),
            notifications::user_id.eq(Id(user_id)),
            notifications::kind.eq(kind),
            notifications::title.eq(title),
            notifications::body.eq(body),
            notifications::created_at.eq(now()),
        ))
        .execute(conn)
        .map(|_| ())
}

pub fn inbox(
    conn: &mut AnyConnection,
    user_id: Uuid,
    page: &PageRequest,
) -> QueryResult<Vec<NotificationRow>> {
    let mut q = notifications::table
        .filter(notifications::user_id.eq(Id(user_id)))
        .select(NotificationRow::as_select())
        .into_boxed::<crate::db::MultiBackend>();
    if let Some(c) = page.after {
        q = q.filter(notifications::id.lt(Id(c.0)));
    }
    q.order(notifications::id.desc())
        .limit(i64::from(page.limit) + 1)
        .load(conn)
}

/// Marks one of the person's notifications read; false if it is not theirs.
pub fn mark_read(conn: &mut AnyConnection, user_id: Uuid, id: Uuid) -> QueryResult<bool> {
    let n = diesel::update(
        notifications::table
            .find(Id(id))
            .filter(notifications::user_id.eq(Id(user_id))),
    )
    .set(notifications::read_at.eq(Some(now())))
    .execute(conn)?;
    Ok(n == 1)
}
