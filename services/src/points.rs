//! Corrections to the books by a community admin: adjustments and reversals. A reversal of a
//! redemption voids its voucher in the same transaction; value tied to a voucher never moves
//! twice.

use canglong_core::{Actor, Uuid};
use canglong_ledger::{AccountKind, Transaction, TxKind};
use canglong_persistence::AnyConnection;
use canglong_persistence::alliance as vouchers;
use canglong_persistence::ledger as store;

use crate::error::{Error, Result};
use crate::ledger::{self, Entry, Posted};

/// Credit (positive) or debit (negative) a resident's or merchant's account against the
/// community pool, with a reason; a balance is never pushed below zero.
pub fn adjust(
    conn: &mut AnyConnection,
    actor: &Actor,
    account: Uuid,
    amount: i64,
    reason: &str,
    key: &str,
) -> Result<Posted> {
    if amount == 0 {
        return Err(Error::unprocessable(
            "invalid_amount",
            "the amount cannot be zero",
        ));
    }
    let account = store::account(conn, actor.community_id, account)?
        .ok_or_else(|| Error::not_found("account"))?;
    if !matches!(
        Some(account.kind.0),
        Some(AccountKind::Resident | AccountKind::Merchant)
    ) {
        return Err(Error::unprocessable(
            "not_adjustable",
            "only resident and merchant accounts are adjusted",
        ));
    }
    let pool = ledger::community_account(conn, actor.community_id)?;
    let tx = if amount > 0 {
        Transaction::transfer(TxKind::Adjust, pool.id.0, account.id.0, amount)?
    } else {
        Transaction::transfer(TxKind::Adjust, account.id.0, pool.id.0, -amount)?
    };
    ledger::post(
        conn,
        Entry {
            community: actor.community_id,
            tx,
            key: format!("adjust:{}:{key}", actor.user_id),
            actor: Some(actor.user_id),
            memo: ledger::memo(reason),
            reverses: None,
            expires_at: None,
            lot: None,
        },
    )
}

/// Undo a transaction with a reversing one that points at it (never an edit). A redemption's
/// reversal voids its unused voucher (and gives up a seat bought with it); a used or already
/// refunded voucher's redemption, a voucher's refund, and a reversal are not reversed.
pub fn reverse(conn: &mut AnyConnection, actor: &Actor, id: Uuid, reason: &str) -> Result<Posted> {
    let original = store::transaction(conn, actor.community_id, id)?
        .ok_or_else(|| Error::not_found("transaction"))?;
    if original.reverses_id.is_some() {
        return Err(Error::unprocessable(
            "cannot_reverse",
            "a reversal is not reversed; post an adjustment",
        ));
    }
    let key = format!("reverse:{id}");
    if store::transaction_by_key(conn, actor.community_id, &key)?.is_some() {
        return Err(Error::conflict(
            "already_reversed",
            "this transaction was already reversed",
        ));
    }
    let kind = original.kind.0;
    if let Some(v) = vouchers::voucher_of_transaction(conn, actor.community_id, id)? {
        if kind != TxKind::Redeem {
            return Err(Error::unprocessable(
                "cannot_reverse",
                "a voucher's refund is not reversed; post an adjustment",
            ));
        }
        crate::alliance::void_for_reversal(conn, &v)?;
    }
    let tx = ledger::as_domain(conn, &original)?.reversal()?;
    ledger::post(
        conn,
        Entry {
            community: actor.community_id,
            tx,
            key,
            actor: Some(actor.user_id),
            memo: ledger::memo(reason),
            reverses: Some(id),
            expires_at: None,
            lot: None,
        },
    )
}
