//! Posting points: the one place where a ledger transaction is written. It locks the accounts
//! involved, lets the domain decide the new balances (refusing any overdraft), then appends the
//! transaction and its postings, updates the stored balances and the expiry lots — all inside
//! the caller's database transaction.

use canglong_core::{NaiveDateTime, Uuid};
use canglong_ledger::{self as domain, AccountKind, Balance, Lot, Rules, Transaction, TxKind};
use canglong_openapi as wire;
use canglong_persistence::AnyConnection;
use canglong_persistence::ledger::{
    self as store, AccountRow, NewTransaction, PostingRow, TransactionRow,
};

use crate::ApiError;
use crate::routes::views::{enum_of, utc};

/// The rules in force for a community and their version (0: the built-in defaults).
pub fn rules(
    conn: &mut AnyConnection,
    community: Uuid,
) -> Result<(i32, Rules, Option<NaiveDateTime>), ApiError> {
    match store::current_rules(conn, community)? {
        Some(row) => {
            let rules = serde_json::from_str(&row.rules).map_err(|_| ApiError::internal())?;
            Ok((row.version, rules, Some(row.created_at)))
        }
        None => Ok((0, Rules::default(), None)),
    }
}

/// The community's issuing account: where earned points come from.
pub fn community_account(
    conn: &mut AnyConnection,
    community: Uuid,
) -> Result<AccountRow, ApiError> {
    Ok(store::ensure_account(
        conn,
        community,
        AccountKind::Community.as_str(),
        community,
    )?)
}

/// Where lapsed points go.
pub fn expired_account(conn: &mut AnyConnection, community: Uuid) -> Result<AccountRow, ApiError> {
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
) -> Result<AccountRow, ApiError> {
    Ok(store::ensure_account(
        conn,
        community,
        AccountKind::Resident.as_str(),
        user,
    )?)
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

pub fn post(conn: &mut AnyConnection, e: Entry) -> Result<wire::LedgerTransaction, ApiError> {
    let mut ids: Vec<Uuid> = e.tx.postings.iter().map(|p| p.account_id).collect();
    ids.sort();
    let rows = store::lock_accounts(conn, &ids)?;
    if rows.len() != ids.len() || rows.iter().any(|r| r.community_id.0 != e.community) {
        return Err(ApiError::not_found("account"));
    }
    let kinds: Vec<(Uuid, AccountKind)> = rows
        .iter()
        .map(|r| {
            AccountKind::parse(&r.kind)
                .map(|k| (r.id.0, k))
                .ok_or_else(ApiError::internal)
        })
        .collect::<Result<_, _>>()?;
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
    let mut postings = vec![];
    for (p, balance_after) in e.tx.postings.iter().zip(after) {
        store::insert_posting(conn, &tx, p.account_id, p.amount, balance_after)?;
        store::set_balance(conn, p.account_id, balance_after)?;
        postings.push(wire::PostingView {
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
    view(&tx, postings)
}

/// Credits open a lot; debits spend lots first-expiring first (an expiry spends its own lot).
fn update_lots(
    conn: &mut AnyConnection,
    tx: &TransactionRow,
    e: &Entry,
    account: Uuid,
    amount: i64,
) -> Result<(), ApiError> {
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
            return Err(canglong_core::DomainError::invalid(
                "insufficient_points",
                "not enough points",
            )
            .into());
        }
        let take = left.min(available);
        for t in domain::consume(&lots, take)? {
            store::take_from_lot(conn, t.lot_id, t.amount)?;
        }
        left -= take;
    }
    Ok(())
}

pub fn view(
    tx: &TransactionRow,
    postings: Vec<wire::PostingView>,
) -> Result<wire::LedgerTransaction, ApiError> {
    Ok(wire::LedgerTransaction {
        id: tx.id.0,
        kind: enum_of(&tx.kind)?,
        memo: tx.memo.clone(),
        actor_id: tx.actor_id.map(|a| a.0),
        reverses_id: tx.reverses_id.map(|a| a.0),
        postings,
        created_at: utc(tx.created_at),
    })
}

/// A stored transaction as the domain sees it (to reverse it).
pub fn as_domain(tx: &TransactionRow, postings: &[PostingRow]) -> Result<Transaction, ApiError> {
    let kind = TxKind::parse(&tx.kind).ok_or_else(ApiError::internal)?;
    let legs = postings
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
