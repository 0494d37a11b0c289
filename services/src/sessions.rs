//! Who is signed in: residents created at their first WeChat sign-in, refresh tokens that
//! rotate (a token presented twice revokes its whole family), and signing out. The api mints
//! the credentials themselves; here are the rules of their lifetime.

use canglong_core::{Role, Uuid, new_id, now};
use canglong_persistence::AnyConnection;
use canglong_persistence::people::{self as store, NewUser, UserRow};

use crate::error::{Error, Result};

/// How long a refresh token lives unless rotated.
pub const REFRESH_TTL_DAYS: i64 = 30;

/// The resident behind a WeChat identity, created (as a resident of `community`) on first
/// sign-in.
pub fn resident_by_openid(
    conn: &mut AnyConnection,
    community: Uuid,
    openid: &str,
) -> Result<UserRow> {
    if let Some(u) = store::find_user_by_openid(conn, openid)? {
        return enabled(u);
    }
    let u = store::insert_user(
        conn,
        &NewUser {
            community_id: community,
            nickname: "微信用户".into(),
            wechat_openid: Some(openid.to_string()),
            ..Default::default()
        },
    )?;
    store::grant_role(conn, u.id.0, community, Role::Resident.as_str())?;
    Ok(u)
}

/// A disabled account signs in no more (401 `account_disabled`).
pub fn enabled(u: UserRow) -> Result<UserRow> {
    match u.disabled_at {
        Some(_) => Err(Error::unauthorized(
            "account_disabled",
            "this account is disabled; ask the community",
        )),
        None => Ok(u),
    }
}

/// Keep a new refresh token (by its hash) of `family`, or of a new family at sign-in.
pub fn keep_refresh(
    conn: &mut AnyConnection,
    user: Uuid,
    family: Option<Uuid>,
    hash: &str,
) -> Result<()> {
    let expires = now() + chrono::Duration::days(REFRESH_TTL_DAYS);
    store::insert_refresh(conn, user, family.unwrap_or_else(new_id), hash, expires)?;
    Ok(())
}

/// What presenting a refresh token comes to.
pub enum Rotation {
    /// The token is spent; issue a new pair of the same family to this person.
    Rotated { user: UserRow, family: Uuid },
    /// Refused. The caller commits anyway: a reused token's family revocation must stand.
    Refused(Error),
}

/// Spend a refresh token. A token used or revoked before revokes its whole family (a stolen
/// token is then useless to both holders).
pub fn rotate(conn: &mut AnyConnection, hash: &str) -> Result<Rotation> {
    let refused = |code, message| Ok(Rotation::Refused(Error::unauthorized(code, message)));
    let Some(token) = store::find_refresh(conn, hash)? else {
        return refused("invalid_refresh_token", "unknown refresh token");
    };
    if token.revoked_at.is_some()
        || token.used_at.is_some()
        || !store::spend_refresh(conn, token.id.0)?
    {
        store::revoke_family(conn, token.family_id.0)?;
        return refused(
            "refresh_token_reused",
            "this refresh token was already used; sign in again",
        );
    }
    if token.expires_at <= now() {
        return refused("refresh_token_expired", "sign in again");
    }
    match store::find_user(conn, token.user_id.0)?.map(enabled) {
        Some(Ok(user)) => Ok(Rotation::Rotated {
            user,
            family: token.family_id.0,
        }),
        Some(Err(e)) => Ok(Rotation::Refused(e)),
        None => refused("invalid_refresh_token", "the account no longer exists"),
    }
}

/// Sign out the session of one refresh token (its family), or with none every session of the
/// person. Another person's token does not exist.
pub fn sign_out(conn: &mut AnyConnection, user: Uuid, refresh_hash: Option<&str>) -> Result<()> {
    match refresh_hash {
        Some(h) => {
            let token = store::find_refresh(conn, h)?
                .filter(|r| r.user_id.0 == user)
                .ok_or_else(|| Error::not_found("refresh token"))?;
            store::revoke_family(conn, token.family_id.0)?;
        }
        None => {
            store::revoke_all_of_user(conn, user)?;
            // Signing out everywhere ends the access tokens too, not only the refresh tokens.
            store::bump_token_version(conn, user)?;
        }
    }
    Ok(())
}
