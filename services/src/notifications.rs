//! The in-app inbox and the one-time WeChat subscriptions a person grants.

use canglong_core::notice::NoticeKind;
use canglong_core::{DomainError, Uuid};
use canglong_persistence::{AnyConnection, notifications as store};

use crate::error::{Error, Result};

/// Mark one of the person's own notifications read; another's does not exist.
pub fn mark_read(conn: &mut AnyConnection, user: Uuid, id: Uuid) -> Result<()> {
    if store::mark_read(conn, user, id)? {
        Ok(())
    } else {
        Err(Error::not_found("notification"))
    }
}

/// Record the subscriptions just accepted (`wx.requestSubscribeMessage`): each kind named
/// allows one WeChat message of that kind.
pub fn subscribe(conn: &mut AnyConnection, user: Uuid, kinds: &[String]) -> Result<()> {
    if let Some(bad) = kinds.iter().find(|k| NoticeKind::parse(k).is_none()) {
        let known: Vec<&str> = NoticeKind::ALL.iter().map(|k| k.as_str()).collect();
        return Err(DomainError::invalid(
            "unknown_kind",
            format!("unknown kind `{bad}`; known: {}", known.join(", ")),
        )
        .into());
    }
    for k in kinds {
        store::grant(conn, user, k, 1)?;
    }
    Ok(())
}
