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
    if activities::children_of(conn, parent)?.len() >= MAX_CHILDREN {
        return Err(Error::unprocessable(
            "too_many_children",
            format!("at most {MAX_CHILDREN} child profiles"),
        ));
    }
    activities::insert_child(conn, community, parent, nickname, birth_year)?;
    Ok(())
}
