//! A person's own profile: nickname, phone, notification preferences, children.

use std::collections::BTreeMap;

use canglong_core::notice::PREFERENCES;
use canglong_core::{DomainError, Uuid};
use canglong_persistence::{AnyConnection, activities, people, to_json_text};

use crate::error::{Error, Result};

/// The most child profiles one parent keeps.
pub const MAX_CHILDREN: usize = 10;

/// What a person changes of their profile; `None` leaves it as it is.
#[derive(Debug, Clone, Default)]
pub struct ProfileChange {
    pub nickname: Option<String>,
    pub phone: Option<String>,
    /// Merged into the current preferences, kind by kind.
    pub notification_preferences: Option<BTreeMap<String, bool>>,
}

fn check(change: &ProfileChange) -> Result<(), DomainError> {
    if let Some(p) = &change.phone
        && !(p.starts_with('1') && p.chars().all(|c| c.is_ascii_digit()))
    {
        return Err(DomainError::invalid(
            "invalid_phone",
            "phone must be 11 digits starting with 1",
        ));
    }
    let unknown = change
        .notification_preferences
        .as_ref()
        .and_then(|prefs| prefs.keys().find(|k| !PREFERENCES.contains(&k.as_str())));
    if let Some(bad) = unknown {
        return Err(DomainError::invalid(
            "invalid_preference",
            format!(
                "unknown notification kind `{bad}`; known: {}",
                PREFERENCES.join(", ")
            ),
        ));
    }
    Ok(())
}

pub fn update_profile(conn: &mut AnyConnection, user: Uuid, change: ProfileChange) -> Result<()> {
    check(&change)?;
    let prefs = match change.notification_preferences {
        Some(new) => {
            let row = people::find_user(conn, user)?
                .ok_or_else(|| Error::bug("a row that must exist is missing"))?;
            let mut current: BTreeMap<String, bool> =
                serde_json::from_str(&row.notification_prefs).unwrap_or_default();
            current.extend(new);
            Some(to_json_text(&current))
        }
        None => None,
    };
    people::update_profile(
        conn,
        user,
        change.nickname.as_deref(),
        change.phone.as_deref(),
        prefs.as_deref(),
    )?;
    Ok(())
}

/// Add a child profile (a nickname and a birth year, for enrolment in classes).
pub fn add_child(
    conn: &mut AnyConnection,
    community: Uuid,
    parent: Uuid,
    nickname: &str,
    birth_year: i32,
) -> Result<()> {
    canglong_core::past_or_current_year(birth_year, canglong_core::now(), "invalid_birth_year")?;
    if activities::children_of(conn, parent)?.len() >= MAX_CHILDREN {
        return Err(Error::unprocessable(
            "too_many_children",
            format!("at most {MAX_CHILDREN} child profiles"),
        ));
    }
    activities::insert_child(conn, community, parent, nickname, birth_year)?;
    Ok(())
}

/// A community of a subdistrict (created with the subdistrict if it is new); answers its id.
pub fn create_community(conn: &mut AnyConnection, subdistrict: &str, name: &str) -> Result<Uuid> {
    let sd = people::ensure_subdistrict(conn, subdistrict)?;
    Ok(people::create_community(conn, sd, name)?)
}

/// A person who signs in with a password (staff, merchant staff), with one role in a community.
pub fn create_password_user(
    conn: &mut AnyConnection,
    community: Uuid,
    username: &str,
    nickname: &str,
    password_hash: String,
    role: canglong_core::Role,
) -> Result<Uuid> {
    if !people::community_exists(conn, community)? {
        return Err(Error::not_found("community"));
    }
    if people::find_user_by_username(conn, username)?.is_some() {
        return Err(Error::conflict(
            "username_taken",
            format!("the username `{username}` is taken"),
        ));
    }
    let u = people::insert_user(
        conn,
        &people::NewUser {
            community_id: community,
            nickname: nickname.to_string(),
            username: Some(username.to_string()),
            password_hash: Some(password_hash),
            wechat_openid: None,
        },
    )?;
    people::grant_role(conn, u.id.0, community, role.as_str())?;
    Ok(u.id.0)
}

fn by_username(conn: &mut AnyConnection, username: &str) -> Result<people::UserRow> {
    people::find_user_by_username(conn, username)?.ok_or_else(|| {
        Error::unprocessable("unknown_user", format!("no user is called `{username}`"))
    })
}

/// Give a person (by username) a role in their community; giving it again does nothing.
pub fn add_role(conn: &mut AnyConnection, username: &str, role: canglong_core::Role) -> Result<()> {
    let u = by_username(conn, username)?;
    if !people::roles_of(conn, u.id.0)?
        .iter()
        .any(|r| r == role.as_str())
    {
        people::grant_role(conn, u.id.0, u.community_id.0, role.as_str())?;
    }
    Ok(())
}

/// Take a role from a person (by username): their access tokens end at the next request.
pub fn remove_role(
    conn: &mut AnyConnection,
    username: &str,
    role: canglong_core::Role,
) -> Result<()> {
    let u = by_username(conn, username)?;
    if people::revoke_role(conn, u.id.0, role.as_str())? {
        people::bump_token_version(conn, u.id.0)?;
    }
    Ok(())
}

/// Disable an account (by username): it signs in no more, its sessions end (refresh tokens
/// revoked), its records, points and history stay. Answers whether it was enabled.
pub fn disable(conn: &mut AnyConnection, username: &str) -> Result<bool> {
    let u = by_username(conn, username)?;
    let changed = people::disable(conn, u.id.0)?;
    people::revoke_all_of_user(conn, u.id.0)?;
    people::bump_token_version(conn, u.id.0)?;
    Ok(changed)
}
