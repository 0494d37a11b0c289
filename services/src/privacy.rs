//! The person's rights over their data (PIPL arts. 13-17, 45, 47): accepting the privacy policy
//! in force, and erasing their account. Erasure removes what identifies them and keeps what the
//! community's books need: the ledger stays whole and still reconciles, pointing at an account
//! that no longer says whose it was.

use canglong_core::{Actor, Uuid};
use canglong_needs::ClaimStatus;
use canglong_persistence::people::{self as store, ConsentRow};
use canglong_persistence::{AnyConnection, privacy};

use crate::error::{Error, Result};

/// Record that the person accepted `presented`, which must be the version in force (a stale
/// screen is refused, so nobody consents to a text they were not shown).
pub fn consent(
    conn: &mut AnyConnection,
    user: Uuid,
    current: &str,
    presented: &str,
) -> Result<ConsentRow> {
    if presented != current {
        return Err(Error::Rule(canglong_core::DomainError::invalid(
            "stale_policy",
            format!("the privacy policy in force is version {current}; show it and accept that"),
        )));
    }
    Ok(store::insert_consent(conn, user, current)?)
}

/// When the person accepted `current`, if they did.
pub fn accepted(conn: &mut AnyConnection, user: Uuid, current: &str) -> Result<Option<ConsentRow>> {
    Ok(store::consents_of(conn, user)?
        .into_iter()
        .rev()
        .find(|c| c.policy_version == current))
}

/// What an erasure did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Erasure {
    pub enrolments_cancelled: usize,
    pub claims_withdrawn: usize,
    pub needs_cancelled: usize,
}

/// Erase the caller's account: seats given up (a seat's voucher refunded by the usual rule),
/// claims withdrawn so the needs reopen, their open needs cancelled and every need's address
/// forgotten; children's profiles, inbox, WeChat permissions and roles removed; name, phone,
/// WeChat id and password gone; every session ended. Ledger, service records and history stay,
/// pointing at the anonymous account. Locks in the usual order: sessions before needs.
pub fn erase(conn: &mut AnyConnection, actor: &Actor) -> Result<Erasure> {
    let mut done = Erasure::default();
    for e in privacy::live_enrolments(conn, actor.user_id)? {
        match crate::activities::cancel_enrolment(conn, actor, e.session_id.0) {
            Ok(_) => done.enrolments_cancelled += 1,
            // Past its last moment to cancel: the seat was used, nothing to give back.
            Err(Error::Rule(_)) => {}
            Err(e) => return Err(e),
        }
    }
    for c in privacy::claims_made(conn, actor.user_id)? {
        if c.status.0 != ClaimStatus::Active || c.completed_at.is_some() {
            continue;
        }
        match crate::needs::withdraw(conn, actor, c.need_id.0) {
            Ok(_) => done.claims_withdrawn += 1,
            // The need moved on meanwhile (expired, cancelled): nothing to give back.
            Err(Error::Rule(_)) => {}
            Err(e) => return Err(e),
        }
    }
    for n in privacy::needs_requested(conn, actor.user_id)? {
        match crate::needs::cancel(conn, actor, n.id.0, "居民注销账号") {
            Ok(_) => done.needs_cancelled += 1,
            // Done, confirmed or already closed: stays as it was, without its address.
            Err(Error::Rule(_)) => {}
            Err(e) => return Err(e),
        }
        privacy::forget_place(conn, n.id.0)?;
    }
    privacy::remove_personal_rows(conn, actor.user_id)?;
    store::revoke_all_of_user(conn, actor.user_id)?;
    if !store::erase_user(conn, actor.user_id)? {
        return Err(Error::not_found("account"));
    }
    Ok(done)
}
