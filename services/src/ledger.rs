//! Posting points: the one place where a ledger transaction is written. It locks the accounts
//! involved that keep a balance (never the community's issuing account, which every credit and
//! redemption touches), lets the domain decide the new balances (refusing any overdraft), then
//! appends the transaction and its postings, updates the stored balances and the expiry lots —
//! all inside the caller's database transaction.

use canglong_core::{Actor, DomainError, NaiveDateTime, Uuid};
use canglong_ledger::{self as domain, AccountKind, Balance, Lot, Rules, Transaction, TxKind};
use canglong_persistence::AnyConnection;
use canglong_persistence::ledger::{self as store, AccountRow, NewTransaction, TransactionRow};

use crate::error::{Error, Result};

/// The rules in force for a community and their version (0: the built-in defaults).
pub fn rules(
    conn: &mut AnyConnection,
    community: Uuid,
) -> Result<(i32, Rules, Option<NaiveDateTime>)> {
    match store::current_rules(conn, community)? {
        Some(row) => {
            let rules = serde_json::from_str(&row.rules)
                .map_err(|e| Error::bug(format!("stored points rules: {e}")))?;
            Ok((row.version, rules, Some(row.created_at)))
        }
        None => Ok((0, Rules::default(), None)),
    }
}

/// The community's issuing account: where earned points come from.
pub fn community_account(conn: &mut AnyConnection, community: Uuid) -> Result<AccountRow> {
    Ok(store::ensure_account(
        conn,
        community,
        AccountKind::Community.as_str(),
        community,
    )?)
}

/// Where lapsed points go.
pub fn expired_account(conn: &mut AnyConnection, community: Uuid) -> Result<AccountRow> {
    Ok(store::ensure_account(
        conn,
        community,
        AccountKind::Expired.as_str(),
        community,
    )?)
}

pub fn resident_account(
    conn: &mut AnyConnection,
    community: Uuid,
    user: Uuid,
) -> Result<AccountRow> {
    Ok(store::ensure_account(
        conn,
        community,
        AccountKind::Resident.as_str(),
        user,
    )?)
}

/// The account an offer's points go to: its merchant's, or the community's pool.
pub fn provider_account(
    conn: &mut AnyConnection,
    community: Uuid,
    merchant: Option<Uuid>,
) -> Result<Uuid> {
    Ok(match merchant {
        Some(m) => {
            store::ensure_account(conn, community, AccountKind::Merchant.as_str(), m)?
                .id
                .0
        }
        None => community_account(conn, community)?.id.0,
    })
}

/// One movement to post.
pub struct Entry {
    pub community: Uuid,
    pub tx: Transaction,
    /// Unique per community: the same key never posts twice (e.g. `hours:{record}`).
    pub key: String,
    pub actor: Option<Uuid>,
    pub memo: String,
    pub reverses: Option<Uuid>,
    /// When points credited to a resident by this entry lapse.
    pub expires_at: Option<NaiveDateTime>,
    /// For an expiry: the lot whose points lapse.
    pub lot: Option<Uuid>,
}

/// One leg as posted: the account, the amount and the balance it left (none for the issuing
/// account, which keeps no running balance).
#[derive(Debug, Clone, Copy)]
pub struct Leg {
    pub account_id: Uuid,
    pub amount: i64,
    pub balance_after: Option<i64>,
}

/// A transaction as stored, with its legs.
#[derive(Debug, Clone)]
pub struct Posted {
    pub tx: TransactionRow,
    pub legs: Vec<Leg>,
}

/// A memo as stored: at most 200 characters.
pub fn memo(text: impl AsRef<str>) -> String {
    text.as_ref().chars().take(200).collect()
}

pub fn post(conn: &mut AnyConnection, e: Entry) -> Result<Posted> {
    let mut ids: Vec<Uuid> = e.tx.postings.iter().map(|p| p.account_id).collect();
    ids.sort();
    let rows = store::lock_accounts(conn, &ids)?;
    if rows.len() != ids.len() || rows.iter().any(|r| r.community_id.0 != e.community) {
        return Err(Error::not_found("account"));
    }
    let kinds: Vec<(Uuid, AccountKind)> = rows.iter().map(|r| (r.id.0, r.kind.0)).collect();
    let balances: Vec<Balance> = rows
        .iter()
        .zip(&kinds)
        .map(|(r, (_, kind))| Balance {
            account_id: r.id.0,
            kind: *kind,
            balance: r.balance,
        })
        .collect();
    let after = domain::apply(&e.tx, &balances)?;

    let tx = store::insert_transaction(
        conn,
        &NewTransaction {
            community_id: e.community,
            kind: e.tx.kind.as_str(),
            idempotency_key: &e.key,
            actor_id: e.actor,
            memo: &e.memo,
            reverses_id: e.reverses,
        },
    )?;
    let mut legs = vec![];
    for (p, balance_after) in e.tx.postings.iter().zip(after) {
        store::insert_posting(conn, &tx, p.account_id, p.amount, balance_after)?;
        if let Some(b) = balance_after {
            store::set_balance(conn, p.account_id, b)?;
        }
        legs.push(Leg {
            account_id: p.account_id,
            amount: p.amount,
            balance_after,
        });
        let is_resident = kinds
            .iter()
            .any(|(id, k)| *id == p.account_id && *k == AccountKind::Resident);
        if is_resident {
            update_lots(conn, &tx, &e, p.account_id, p.amount)?;
        }
    }
    Ok(Posted { tx, legs })
}

/// Credits open a lot; debits spend lots first-expiring first (an expiry spends its own lot).
fn update_lots(
    conn: &mut AnyConnection,
    tx: &TransactionRow,
    e: &Entry,
    account: Uuid,
    amount: i64,
) -> Result<()> {
    if amount > 0 {
        let expires = if matches!(e.tx.kind, TxKind::Earn | TxKind::Bonus) {
            e.expires_at
        } else {
            None
        };
        store::add_to_lot(conn, tx, account, amount, expires)?;
        return Ok(());
    }
    if let Some(lot) = e.lot {
        store::take_from_lot(conn, lot, -amount)?;
        return Ok(());
    }
    // First-expiring lots in batches: an account with many small credits is not read whole.
    let mut left = -amount;
    while left > 0 {
        let lots: Vec<Lot> = store::spendable_lots(conn, account, 64)?
            .iter()
            .map(|l| Lot {
                id: l.id.0,
                remaining: l.remaining,
                expires_at: l.expires_at,
            })
            .collect();
        let available: i64 = lots.iter().map(|l| l.remaining).sum();
        if available == 0 {
            return Err(DomainError::invalid("insufficient_points", "not enough points").into());
        }
        let take = left.min(available);
        for t in domain::consume(&lots, take)? {
            store::take_from_lot(conn, t.lot_id, t.amount)?;
        }
        left -= take;
    }
    Ok(())
}

/// A stored transaction as the domain sees it (to reverse it).
pub fn as_domain(conn: &mut AnyConnection, tx: &TransactionRow) -> Result<Transaction> {
    let kind = tx.kind.0;
    let legs = store::postings_of(conn, &[tx.id.0])?
        .iter()
        .map(|p| domain::Posting {
            account_id: p.account_id.0,
            amount: p.amount,
        })
        .collect();
    Ok(Transaction::new(kind, legs)?)
}

/// The start of the current day in the community's time (UTC+8), as UTC.
pub fn local_day_start(now: NaiveDateTime) -> NaiveDateTime {
    let offset = chrono::Duration::hours(8);
    let local = now + offset;
    local
        .date()
        .and_hms_opt(0, 0, 0)
        .map_or(now, |d| d - offset)
}

/// The sweep: what is left of a lapsed lot moves to the community's expired account. Expiry is
/// itself a ledger transaction, so the resident's history shows it. False if nothing was left.
pub fn expire_lot(conn: &mut AnyConnection, lot: &store::LotRow) -> Result<bool> {
    let community = lot.community_id.0;
    let expired = expired_account(conn, community)?;
    // Both accounts at once, in id order like every posting (a subset first can deadlock).
    let mut ids = [lot.account_id.0, expired.id.0];
    ids.sort();
    store::lock_accounts(conn, &ids)?;
    // Re-read under the lock: the points may have been spent since the scan.
    let Some(current) = store::lot(conn, lot.id.0)?.filter(|l| l.remaining > 0) else {
        return Ok(false);
    };
    post(
        conn,
        Entry {
            community,
            tx: Transaction::transfer(
                TxKind::Expire,
                lot.account_id.0,
                expired.id.0,
                current.remaining,
            )?,
            key: format!("expire:{}", lot.id.0),
            actor: None,
            memo: format!("{} 积分到期", current.remaining),
            reverses: None,
            expires_at: None,
            lot: Some(lot.id.0),
        },
    )?;
    Ok(true)
}

/// Set new earning rules as the next version; records already verified keep the value of the
/// version they were verified under. Answers the version and when it took effect.
pub fn set_rules(
    conn: &mut AnyConnection,
    actor: &Actor,
    rules: &Rules,
) -> Result<(i32, NaiveDateTime)> {
    rules.validate()?;
    let (version, _, _) = self::rules(conn, actor.community_id)?;
    let text = canglong_persistence::to_json_text(rules);
    let row = store::insert_rules(conn, actor.community_id, version + 1, &text, actor.user_id)?;
    Ok((row.version, row.created_at))
}
