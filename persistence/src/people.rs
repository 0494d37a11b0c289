//! Subdistricts, communities, users, their roles and refresh tokens.

use std::cell::Cell;
use std::sync::atomic::{AtomicU64, Ordering};

use canglong_core::{NaiveDateTime, Uuid, now};
use diesel::prelude::*;

use crate::schema::{communities, consents, refresh_tokens, subdistricts, user_roles, users};
use crate::{AnyConnection, Id, QueryResult};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = users)]
pub struct UserRow {
    pub id: Id,
    pub community_id: Id,
    pub nickname: String,
    pub username: Option<String>,
    pub password_hash: Option<String>,
    pub wechat_openid: Option<String>,
    pub phone: Option<String>,
    pub notification_prefs: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// Set when ops disabled the account: it signs in no more.
    pub disabled_at: Option<NaiveDateTime>,
    /// Access tokens issued at another version are void.
    pub token_version: i32,
    /// Set when the person erased their account: personal data is gone, ledger rows stay.
    pub erased_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Default)]
pub struct NewUser {
    pub community_id: Uuid,
    pub nickname: String,
    pub username: Option<String>,
    pub password_hash: Option<String>,
    pub wechat_openid: Option<String>,
}

/// The subdistrict of that name, created if missing.
pub fn ensure_subdistrict(conn: &mut AnyConnection, name: &str) -> QueryResult<Uuid> {
    let found: Option<Id> = subdistricts::table
        .filter(subdistricts::name.eq(name))
        .select(subdistricts::id)
        .first(conn)
        .optional()?;
    if let Some(id) = found {
        return Ok(id.0);
    }
    let id = canglong_core::new_id();
    diesel::insert_into(subdistricts::table)
        .values((
            subdistricts::id.eq(Id(id)),
            subdistricts::name.eq(name),
            subdistricts::created_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(id)
}

pub fn create_community(
    conn: &mut AnyConnection,
    subdistrict_id: Uuid,
    name: &str,
) -> QueryResult<Uuid> {
    create_community_as(conn, canglong_core::new_id(), subdistrict_id, name)
}

/// A community with a chosen id (the demo's is the one the document's examples name).
pub fn create_community_as(
    conn: &mut AnyConnection,
    id: Uuid,
    subdistrict_id: Uuid,
    name: &str,
) -> QueryResult<Uuid> {
    diesel::insert_into(communities::table)
        .values((
            communities::id.eq(Id(id)),
            communities::subdistrict_id.eq(Id(subdistrict_id)),
            communities::name.eq(name),
            communities::created_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(id)
}

pub fn community_exists(conn: &mut AnyConnection, id: Uuid) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        communities::table.filter(communities::id.eq(Id(id))),
    ))
    .get_result(conn)
}

pub fn find_community_by_name(conn: &mut AnyConnection, name: &str) -> QueryResult<Option<Uuid>> {
    let id: Option<Id> = communities::table
        .filter(communities::name.eq(name))
        .select(communities::id)
        .first(conn)
        .optional()?;
    Ok(id.map(Uuid::from))
}

pub fn insert_user(conn: &mut AnyConnection, u: &NewUser) -> QueryResult<UserRow> {
    let at = now();
    diesel::insert_into(users::table)
        .values((
            users::id.eq(Id(canglong_core::new_id())),
            users::community_id.eq(Id(u.community_id)),
            users::nickname.eq(&u.nickname),
            users::username.eq(&u.username),
            users::password_hash.eq(&u.password_hash),
            users::wechat_openid.eq(&u.wechat_openid),
            users::notification_prefs.eq("{}"),
            users::created_at.eq(at),
            users::updated_at.eq(at),
        ))
        .returning(users::all_columns)
        .get_result(conn)
}

pub fn find_user(conn: &mut AnyConnection, id: Uuid) -> QueryResult<Option<UserRow>> {
    users::table
        .find(Id(id))
        .select(UserRow::as_select())
        .first(conn)
        .optional()
}

pub fn find_user_by_username(
    conn: &mut AnyConnection,
    username: &str,
) -> QueryResult<Option<UserRow>> {
    users::table
        .filter(users::username.eq(username))
        .select(UserRow::as_select())
        .first(conn)
        .optional()
}

pub fn find_user_by_openid(conn: &mut AnyConnection, openid: &str) -> QueryResult<Option<UserRow>> {
    users::table
        .filter(users::wechat_openid.eq(openid))
        .select(UserRow::as_select())
        .first(conn)
        .optional()
}

/// Updates the profile fields given; `None` leaves a field as it is.
pub fn update_profile(
    conn: &mut AnyConnection,
    id: Uuid,
    nickname: Option<&str>,
    phone: Option<&str>,
    prefs: Option<&str>,
) -> QueryResult<()> {
    let target = users::table.find(Id(id));
    if let Some(n) = nickname {
        diesel::update(target)
            .set(users::nickname.eq(n))
            .execute(conn)?;
    }
    if let Some(p) = phone {
        diesel::update(target)
            .set(users::phone.eq(p))
            .execute(conn)?;
    }
    if let Some(p) = prefs {
        diesel::update(target)
            .set(users::notification_prefs.eq(p))
            .execute(conn)?;
    }
    diesel::update(target)
        .set(users::updated_at.eq(now()))
        .execute(conn)?;
    Ok(())
}

pub fn set_password_hash(conn: &mut AnyConnection, id: Uuid, hash: &str) -> QueryResult<()> {
    diesel::update(users::table.find(Id(id)))
        .set(users::password_hash.eq(hash))
        .execute(conn)
        .map(|_| ())
}

pub fn roles_of(conn: &mut AnyConnection, user_id: Uuid) -> QueryResult<Vec<String>> {
    user_roles::table
        .filter(user_roles::user_id.eq(Id(user_id)))
        .select(user_roles::role)
        .order(user_roles::role)
        .load(conn)
}

/// Grants a role; granting one already held changes nothing.
pub fn grant_role(
    conn: &mut AnyConnection,
    user_id: Uuid,
    community_id: Uuid,
    role: &str,
) -> QueryResult<()> {
    let held: bool = diesel::select(diesel::dsl::exists(
        user_roles::table
            .filter(user_roles::user_id.eq(Id(user_id)))
            .filter(user_roles::role.eq(role)),
    ))
    .get_result(conn)?;
    if !held {
        bearer_changed();
        diesel::insert_into(user_roles::table)
            .values((
                user_roles::user_id.eq(Id(user_id)),
                user_roles::role.eq(role),
                user_roles::community_id.eq(Id(community_id)),
                user_roles::created_at.eq(now()),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Takes a role away; whether the person held it.
pub fn revoke_role(conn: &mut AnyConnection, user_id: Uuid, role: &str) -> QueryResult<bool> {
    bearer_changed();
    diesel::delete(
        user_roles::table
            .filter(user_roles::user_id.eq(Id(user_id)))
            .filter(user_roles::role.eq(role)),
    )
    .execute(conn)
    .map(|n| n > 0)
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = refresh_tokens)]
pub struct RefreshRow {
    pub id: Id,
    pub user_id: Id,
    pub family_id: Id,
    pub token_hash: String,
    pub expires_at: NaiveDateTime,
    pub used_at: Option<NaiveDateTime>,
    pub revoked_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

pub fn insert_refresh(
    conn: &mut AnyConnection,
    user_id: Uuid,
    family_id: Uuid,
    token_hash: &str,
    expires_at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(refresh_tokens::table)
        .values((
            refresh_tokens::id.eq(Id(canglong_core::new_id())),
            refresh_tokens::user_id.eq(Id(user_id)),
            refresh_tokens::family_id.eq(Id(family_id)),
            refresh_tokens::token_hash.eq(token_hash),
            refresh_tokens::expires_at.eq(expires_at),
            refresh_tokens::created_at.eq(now()),
        ))
        .execute(conn)
        .map(|_| ())
}

pub fn find_refresh(conn: &mut AnyConnection, token_hash: &str) -> QueryResult<Option<RefreshRow>> {
    refresh_tokens::table
        .filter(refresh_tokens::token_hash.eq(token_hash))
        .select(RefreshRow::as_select())
        .first(conn)
        .optional()
}

/// Spends a refresh token. Returns false if it was already spent or revoked (by a racing request
/// too): the caller treats that as reuse.
pub fn spend_refresh(conn: &mut AnyConnection, id: Uuid) -> QueryResult<bool> {
    let n = diesel::update(
        refresh_tokens::table
            .filter(refresh_tokens::id.eq(Id(id)))
            .filter(refresh_tokens::used_at.is_null())
            .filter(refresh_tokens::revoked_at.is_null()),
    )
    .set(refresh_tokens::used_at.eq(now()))
    .execute(conn)?;
    Ok(n == 1)
}

pub fn revoke_family(conn: &mut AnyConnection, family_id: Uuid) -> QueryResult<usize> {
    diesel::update(
        refresh_tokens::table
            .filter(refresh_tokens::family_id.eq(Id(family_id)))
            .filter(refresh_tokens::revoked_at.is_null()),
    )
    .set(refresh_tokens::revoked_at.eq(now()))
    .execute(conn)
}

pub fn revoke_all_of_user(conn: &mut AnyConnection, user_id: Uuid) -> QueryResult<usize> {
    diesel::update(
        refresh_tokens::table
            .filter(refresh_tokens::user_id.eq(Id(user_id)))
            .filter(refresh_tokens::revoked_at.is_null()),
    )
    .set(refresh_tokens::revoked_at.eq(now()))
    .execute(conn)
}

/// Whether two communities belong to the same subdistrict (a subdistrict admin's reach).
pub fn same_subdistrict(conn: &mut AnyConnection, a: Uuid, b: Uuid) -> QueryResult<bool> {
    let subs: Vec<Id> = communities::table
        .filter(communities::id.eq_any([Id(a), Id(b)]))
        .select(communities::subdistrict_id)
        .load(conn)?;
    Ok(match subs.as_slice() {
        [_] => a == b,
        [x, y] => x == y,
        _ => false,
    })
}

/// Disables an account (its records stay); false if it already was.
pub fn disable(conn: &mut AnyConnection, user_id: Uuid) -> QueryResult<bool> {
    bearer_changed();
    let n = diesel::update(
        users::table
            .find(Id(user_id))
            .filter(users::disabled_at.is_null()),
    )
    .set(users::disabled_at.eq(Some(now())))
    .execute(conn)?;
    Ok(n == 1)
}

/// Counts the changes to what [`bearer`] reads (a role, a token version, a disabling, an
/// erasure), so that a cache of bearers can tell it is stale: bumped inside the change's
/// transaction and again once it commits ([`crate::write_tx`]), so an entry stamped with the
/// count read before its query never outlives a change made through this process.
static BEARER_CHANGES: AtomicU64 = AtomicU64::new(0);

thread_local! {
    /// Whether the transaction running on this thread changed a bearer.
    static BEARER_PENDING: Cell<bool> = const { Cell::new(false) };
}

/// The count of bearer changes made through this process so far.
pub fn bearer_changes() -> u64 {
    BEARER_CHANGES.load(Ordering::SeqCst)
}

pub(crate) fn bearer_changed() {
    BEARER_CHANGES.fetch_add(1, Ordering::SeqCst);
    BEARER_PENDING.with(|p| p.set(true));
}

/// After a transaction ends: a bearer changed in it counts once more, now that it is visible.
pub(crate) fn settle_bearer_changes() {
    if BEARER_PENDING.with(|p| p.replace(false)) {
        BEARER_CHANGES.fetch_add(1, Ordering::SeqCst);
    }
}

/// What an access token's holder is now: checked on every request, so a token ends the moment
/// its version is bumped and a role granted works at once.
#[derive(Debug, Clone)]
pub struct BearerRow {
    pub community_id: Id,
    pub token_version: i32,
    pub disabled: bool,
    pub roles: Vec<String>,
}

/// (community, token version, disabled at, erased at, a role).
type BearerJoin = (
    Id,
    i32,
    Option<NaiveDateTime>,
    Option<NaiveDateTime>,
    Option<String>,
);

/// One indexed query: the person and their roles.
pub fn bearer(conn: &mut AnyConnection, user_id: Uuid) -> QueryResult<Option<BearerRow>> {
    let rows: Vec<BearerJoin> = users::table
        .left_join(user_roles::table)
        .filter(users::id.eq(Id(user_id)))
        .select((
            users::community_id,
            users::token_version,
            users::disabled_at,
            users::erased_at,
            user_roles::role.nullable(),
        ))
        .load(conn)?;
    let Some((community_id, token_version, disabled_at, erased_at, _)) = rows.first().cloned()
    else {
        return Ok(None);
    };
    Ok(Some(BearerRow {
        community_id,
        token_version,
        disabled: disabled_at.is_some() || erased_at.is_some(),
        roles: rows.into_iter().filter_map(|r| r.4).collect(),
    }))
}

/// Voids every access token of the person (they are refused from the next request).
pub fn bump_token_version(conn: &mut AnyConnection, user_id: Uuid) -> QueryResult<()> {
    bearer_changed();
    diesel::update(users::table.find(Id(user_id)))
        .set(users::token_version.eq(users::token_version + 1))
        .execute(conn)
        .map(|_| ())
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = consents)]
pub struct ConsentRow {
    pub id: Id,
    pub user_id: Id,
    pub policy_version: String,
    pub granted_at: NaiveDateTime,
}

pub fn insert_consent(
    conn: &mut AnyConnection,
    user_id: Uuid,
    policy_version: &str,
) -> QueryResult<ConsentRow> {
    let row = ConsentRow {
        id: Id(canglong_core::new_id()),
        user_id: Id(user_id),
        policy_version: policy_version.to_string(),
        granted_at: now(),
    };
    diesel::insert_into(consents::table)
        .values((
            consents::id.eq(row.id),
            consents::user_id.eq(row.user_id),
            consents::policy_version.eq(&row.policy_version),
            consents::granted_at.eq(row.granted_at),
        ))
        .execute(conn)?;
    Ok(row)
}

/// Every consent the person gave, oldest first.
pub fn consents_of(conn: &mut AnyConnection, user_id: Uuid) -> QueryResult<Vec<ConsentRow>> {
    consents::table
        .filter(consents::user_id.eq(Id(user_id)))
        .order((consents::granted_at, consents::id))
        .select(ConsentRow::as_select())
        .load(conn)
}

/// Removes the person's own data from their account row: what stays is an anonymous id that
/// the ledger, the records and the history point at.
pub fn erase_user(conn: &mut AnyConnection, user_id: Uuid) -> QueryResult<bool> {
    bearer_changed();
    let n = diesel::update(
        users::table
            .find(Id(user_id))
            .filter(users::erased_at.is_null()),
    )
    .set((
        users::nickname.eq("已注销用户"),
        users::username.eq(None::<String>),
        users::password_hash.eq(None::<String>),
        users::wechat_openid.eq(None::<String>),
        users::phone.eq(None::<String>),
        users::notification_prefs.eq("{}"),
        users::erased_at.eq(Some(now())),
        users::updated_at.eq(now()),
        users::token_version.eq(users::token_version + 1),
    ))
    .execute(conn)?;
    Ok(n == 1)
}
