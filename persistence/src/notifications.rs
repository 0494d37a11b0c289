//! The in-app inbox, the subscribe-message grants people gave, and the WeChat outbox that is
//! written in the same transaction as the event and sent afterwards.

use std::collections::BTreeMap;

use canglong_core::notice::{NoticeKind, OutboxStatus};
use canglong_core::{NaiveDateTime, PageRequest, Uuid, now};
use diesel::prelude::*;

use crate::schema::{notifications, outbox, subscription_grants, users};
use crate::{AnyConnection, Id, QueryResult, Stored};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = notifications)]
pub struct NotificationRow {
    pub id: Id,
    pub community_id: Id,
    pub user_id: Id,
    pub kind: Stored<NoticeKind>,
    pub title: String,
    pub body: String,
    pub read_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = outbox)]
pub struct OutboxRow {
    pub id: Id,
    pub community_id: Id,
    pub user_id: Id,
    pub openid: String,
    pub kind: Stored<NoticeKind>,
    pub payload: String,
    pub status: Stored<OutboxStatus>,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub last_error: Option<String>,
    pub created_at: NaiveDateTime,
    pub sent_at: Option<NaiveDateTime>,
}

/// Puts a notice in a person's inbox and, when they signed in with WeChat, left the kind's
/// preference on and still hold a one-time subscription for it, queues one subscribe message
/// (using the grant up). Runs inside the caller's transaction, so the notice exists exactly when
/// the event does.
/// Whether `user` was already told `body` of this kind since `since` (an alert repeats at most
/// once a day).
pub fn sent_since(
    conn: &mut AnyConnection,
    user: Uuid,
    kind: NoticeKind,
    body: &str,
    since: NaiveDateTime,
) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        notifications::table
            .filter(notifications::user_id.eq(Id(user)))
            .filter(notifications::kind.eq(kind.as_str()))
            .filter(notifications::body.eq(body))
            .filter(notifications::created_at.ge(since)),
    ))
    .get_result(conn)
}

pub fn notify(
    conn: &mut AnyConnection,
    community_id: Uuid,
    user_id: Uuid,
    kind: NoticeKind,
    title: &str,
    body: &str,
) -> QueryResult<()> {
    let at = now();
    diesel::insert_into(notifications::table)
        .values((
            notifications::id.eq(Id(canglong_core::new_id())),
            notifications::community_id.eq(Id(community_id)),
            notifications::user_id.eq(Id(user_id)),
            notifications::kind.eq(kind.as_str()),
            notifications::title.eq(title),
            notifications::body.eq(body),
            notifications::created_at.eq(at),
        ))
        .execute(conn)?;
    let Some((openid, prefs)) = users::table
        .find(Id(user_id))
        .select((users::wechat_openid, users::notification_prefs))
        .first::<(Option<String>, String)>(conn)
        .optional()?
    else {
        return Ok(());
    };
    let Some(openid) = openid else {
        return Ok(());
    };
    let prefs: BTreeMap<String, bool> = serde_json::from_str(&prefs).unwrap_or_default();
    if prefs.get(kind.preference()) == Some(&false) {
        return Ok(());
    }
    // Conditional decrement: a grant is used once even when two events race for it.
    let used = diesel::update(
        subscription_grants::table
            .filter(subscription_grants::user_id.eq(Id(user_id)))
            .filter(subscription_grants::kind.eq(kind.as_str()))
            .filter(subscription_grants::remaining.gt(0)),
    )
    .set((
        subscription_grants::remaining.eq(subscription_grants::remaining - 1),
        subscription_grants::updated_at.eq(at),
    ))
    .execute(conn)?;
    if used == 0 {
        return Ok(());
    }
    let payload = serde_json::json!({
        "title": title,
        "body": body,
        // People read Beijing time.
        "time": canglong_core::local_clock(at),
    });
    diesel::insert_into(outbox::table)
        .values((
            outbox::id.eq(Id(canglong_core::new_id())),
            outbox::community_id.eq(Id(community_id)),
            outbox::user_id.eq(Id(user_id)),
            outbox::openid.eq(openid),
            outbox::kind.eq(kind.as_str()),
            outbox::payload.eq(payload.to_string()),
            outbox::status.eq(Stored(OutboxStatus::Pending)),
            outbox::attempts.eq(0),
            outbox::next_attempt_at.eq(at),
            outbox::created_at.eq(at),
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

/// Records one-time subscriptions the mini-program reports (`wx.requestSubscribeMessage`
/// accepted): each allows one message of that kind.
pub fn grant(conn: &mut AnyConnection, user_id: Uuid, kind: &str, count: i32) -> QueryResult<i32> {
    let at = now();
    let current = subscription_grants::table
        .find((Id(user_id), kind))
        .select(subscription_grants::remaining)
        .first::<i32>(conn)
        .optional()?;
    match current {
        Some(n) => {
            diesel::update(subscription_grants::table.find((Id(user_id), kind)))
                .set((
                    subscription_grants::remaining.eq(subscription_grants::remaining + count),
                    subscription_grants::updated_at.eq(at),
                ))
                .execute(conn)?;
            Ok(n + count)
        }
        None => {
            diesel::insert_into(subscription_grants::table)
                .values((
                    subscription_grants::user_id.eq(Id(user_id)),
                    subscription_grants::kind.eq(kind),
                    subscription_grants::remaining.eq(count),
                    subscription_grants::updated_at.eq(at),
                ))
                .execute(conn)?;
            Ok(count)
        }
    }
}

pub fn grants_of(conn: &mut AnyConnection, user_id: Uuid) -> QueryResult<Vec<(String, i32)>> {
    subscription_grants::table
        .filter(subscription_grants::user_id.eq(Id(user_id)))
        .select((subscription_grants::kind, subscription_grants::remaining))
        .order(subscription_grants::kind)
        .load(conn)
}

/// Messages whose turn has come: pending ones past their backoff, and ones a sender claimed but
/// did not finish before its lease ran out (it crashed or was stopped).
pub fn due(conn: &mut AnyConnection, at: NaiveDateTime, limit: i64) -> QueryResult<Vec<OutboxRow>> {
    outbox::table
        .filter(
            outbox::status.eq_any([Stored(OutboxStatus::Pending), Stored(OutboxStatus::Sending)]),
        )
        .filter(outbox::next_attempt_at.le(at))
        .select(OutboxRow::as_select())
        .order(outbox::next_attempt_at)
        .limit(limit)
        .load(conn)
}

/// Takes a message for sending until `lease_until`; false if another sender took it first (the
/// condition is re-checked by the update itself, so two senders never both win).
pub fn claim(
    conn: &mut AnyConnection,
    id: Uuid,
    at: NaiveDateTime,
    lease_until: NaiveDateTime,
) -> QueryResult<bool> {
    let n = diesel::update(
        outbox::table
            .find(Id(id))
            .filter(
                outbox::status
                    .eq_any([Stored(OutboxStatus::Pending), Stored(OutboxStatus::Sending)]),
            )
            .filter(outbox::next_attempt_at.le(at)),
    )
    .set((
        outbox::status.eq(Stored(OutboxStatus::Sending)),
        outbox::next_attempt_at.eq(lease_until),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// Records the outcome of one attempt: `sent`, `pending` again (with the next attempt's time),
/// `dead` (too many failures) or `failed_permanent` (WeChat said never).
pub fn settle(
    conn: &mut AnyConnection,
    id: Uuid,
    status: OutboxStatus,
    attempts: i32,
    next_attempt_at: NaiveDateTime,
    error: Option<&str>,
) -> QueryResult<()> {
    let at = now();
    diesel::update(outbox::table.find(Id(id)))
        .set((
            outbox::status.eq(Stored(status)),
            outbox::attempts.eq(attempts),
            outbox::next_attempt_at.eq(next_attempt_at),
            outbox::last_error.eq(error),
            outbox::sent_at.eq((status == OutboxStatus::Sent).then_some(at)),
        ))
        .execute(conn)
        .map(|_| ())
}

/// The outbox's messages of a community (newest first), for staff to see what was not delivered.
pub fn outbox_of(
    conn: &mut AnyConnection,
    community_id: Uuid,
    status: Option<OutboxStatus>,
    page: &PageRequest,
) -> QueryResult<Vec<OutboxRow>> {
    let mut q = outbox::table
        .filter(outbox::community_id.eq(Id(community_id)))
        .select(OutboxRow::as_select())
        .into_boxed::<crate::db::MultiBackend>();
    if let Some(s) = status {
        q = q.filter(outbox::status.eq(Stored(s)));
    }
    if let Some(c) = page.after {
        q = q.filter(outbox::id.lt(Id(c.0)));
    }
    q.order(outbox::id.desc())
        .limit(i64::from(page.limit) + 1)
        .load(conn)
}
