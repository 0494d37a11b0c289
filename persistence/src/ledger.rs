//! The points ledger's storage: accounts with a stored balance, append-only transactions and
//! postings (nothing here updates or deletes a posting), expiry lots and versioned rules.

use crate::Stored;
use canglong_core::{NaiveDateTime, PageRequest, Uuid, now};
use canglong_ledger::{AccountKind, TxKind};
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable};

use crate::schema::{accounts, ledger_transactions, point_lots, points_rules, postings};
use crate::{AnyConnection, Id, QueryResult};

/// `SUM` of a BIGINT column as a BIGINT (PostgreSQL's own `SUM(bigint)` is NUMERIC, which the
/// connection enum cannot read).
pub(crate) fn sum_of(column: &'static str) -> diesel::expression::SqlLiteral<Nullable<BigInt>> {
    sql::<Nullable<BigInt>>(&format!("CAST(SUM({column}) AS BIGINT)"))
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = accounts)]
pub struct AccountRow {
    pub id: Id,
    pub community_id: Id,
    pub kind: Stored<AccountKind>,
    pub owner_id: Id,
    pub balance: i64,
    pub created_at: NaiveDateTime,
}

/// The account of (`kind`, `owner`) in the community, created on first use. Concurrent first
/// uses do not conflict: PostgreSQL's `ON CONFLICT DO NOTHING` waits for the other insert.
pub fn ensure_account(
    conn: &mut AnyConnection,
    community_id: Uuid,
    kind: &str,
    owner_id: Uuid,
) -> QueryResult<AccountRow> {
    ensure_account_as(conn, canglong_core::new_id(), community_id, kind, owner_id)
}

/// The account, opened with the id `id` if it does not exist yet (the demo's is the one the
/// document's examples name).
pub fn ensure_account_as(
    conn: &mut AnyConnection,
    id: Uuid,
    community_id: Uuid,
    kind: &str,
    owner_id: Uuid,
) -> QueryResult<AccountRow> {
    let find = |conn: &mut AnyConnection| {
        accounts::table
            .filter(accounts::community_id.eq(Id(community_id)))
            .filter(accounts::kind.eq(kind))
            .filter(accounts::owner_id.eq(Id(owner_id)))
            .select(AccountRow::as_select())
            .first(conn)
            .optional()
    };
    if let Some(a) = find(conn)? {
        return Ok(a);
    }
    let values = (
        accounts::id.eq(Id(id)),
        accounts::community_id.eq(Id(community_id)),
        accounts::kind.eq(kind),
        accounts::owner_id.eq(Id(owner_id)),
        accounts::balance.eq(0i64),
        accounts::created_at.eq(now()),
    );
    match conn {
        AnyConnection::Postgresql(pg) => {
            diesel::insert_into(accounts::table)
                .values(values)
                .on_conflict_do_nothing()
                .execute(pg)?;
        }
        AnyConnection::Sqlite(sl) => {
            diesel::insert_into(accounts::table)
                .values(values)
                .execute(sl)?;
        }
    }
    find(conn)?.ok_or(diesel::result::Error::NotFound)
}

pub fn account(
    conn: &mut AnyConnection,
    community_id: Uuid,
    id: Uuid,
) -> QueryResult<Option<AccountRow>> {
    accounts::table
        .filter(accounts::id.eq(Id(id)))
        .filter(accounts::community_id.eq(Id(community_id)))
        .select(AccountRow::as_select())
        .first(conn)
        .optional()
}

pub fn account_of(
    conn: &mut AnyConnection,
    community_id: Uuid,
    kind: &str,
    owner_id: Uuid,
) -> QueryResult<Option<AccountRow>> {
    accounts::table
        .filter(accounts::community_id.eq(Id(community_id)))
        .filter(accounts::kind.eq(kind))
        .filter(accounts::owner_id.eq(Id(owner_id)))
        .select(AccountRow::as_select())
        .first(conn)
        .optional()
}

/// The accounts a transaction touches. Those that keep a balance are locked, in id order (so two
/// transactions never wait on each other in a cycle): `FOR UPDATE` on PostgreSQL; SQLite's write
/// lock is already held. The issuing account, which keeps none, is read without a lock.
pub fn lock_accounts(conn: &mut AnyConnection, ids: &[Uuid]) -> QueryResult<Vec<AccountRow>> {
    let ids: Vec<Id> = ids.iter().copied().map(Id).collect();
    let q = accounts::table
        .filter(accounts::id.eq_any(ids.clone()))
        .filter(accounts::kind.ne(AccountKind::Community.as_str()))
        .order(accounts::id.asc())
        .select(accounts::all_columns);
    let mut rows = for_update!(conn, q, load::<AccountRow>)?;
    if rows.len() < ids.len() {
        let rest: Vec<Id> = ids
            .into_iter()
            .filter(|id| rows.iter().all(|r| r.id != *id))
            .collect();
        rows.extend(
            accounts::table
                .filter(accounts::id.eq_any(rest))
                .filter(accounts::kind.eq(AccountKind::Community.as_str()))
                .select(AccountRow::as_select())
                .load(conn)?,
        );
    }
    Ok(rows)
}

pub fn set_balance(conn: &mut AnyConnection, id: Uuid, balance: i64) -> QueryResult<()> {
    diesel::update(accounts::table.find(Id(id)))
        .set(accounts::balance.eq(balance))
        .execute(conn)
        .map(|_| ())
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = ledger_transactions)]
pub struct TransactionRow {
    pub id: Id,
    pub community_id: Id,
    pub kind: Stored<TxKind>,
    pub idempotency_key: String,
    pub actor_id: Option<Id>,
    pub memo: String,
    pub reverses_id: Option<Id>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone)]
pub struct NewTransaction<'a> {
    pub community_id: Uuid,
    pub kind: &'a str,
    pub idempotency_key: &'a str,
    pub actor_id: Option<Uuid>,
    pub memo: &'a str,
    pub reverses_id: Option<Uuid>,
}

pub fn insert_transaction(
    conn: &mut AnyConnection,
    t: &NewTransaction<'_>,
) -> QueryResult<TransactionRow> {
    diesel::insert_into(ledger_transactions::table)
        .values((
            ledger_transactions::id.eq(Id(canglong_core::new_id())),
            ledger_transactions::community_id.eq(Id(t.community_id)),
            ledger_transactions::kind.eq(t.kind),
            ledger_transactions::idempotency_key.eq(t.idempotency_key),
            ledger_transactions::actor_id.eq(t.actor_id.map(Id)),
            ledger_transactions::memo.eq(t.memo),
            ledger_transactions::reverses_id.eq(t.reverses_id.map(Id)),
            ledger_transactions::created_at.eq(now()),
        ))
        .returning(ledger_transactions::all_columns)
        .get_result(conn)
}

pub fn transaction(
    conn: &mut AnyConnection,
    community_id: Uuid,
    id: Uuid,
) -> QueryResult<Option<TransactionRow>> {
    ledger_transactions::table
        .filter(ledger_transactions::id.eq(Id(id)))
        .filter(ledger_transactions::community_id.eq(Id(community_id)))
        .select(TransactionRow::as_select())
        .first(conn)
        .optional()
}

pub fn transaction_by_key(
    conn: &mut AnyConnection,
    community_id: Uuid,
    key: &str,
) -> QueryResult<Option<TransactionRow>> {
    ledger_transactions::table
        .filter(ledger_transactions::community_id.eq(Id(community_id)))
        .filter(ledger_transactions::idempotency_key.eq(key))
        .select(TransactionRow::as_select())
        .first(conn)
        .optional()
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = postings)]
pub struct PostingRow {
    pub id: Id,
    pub community_id: Id,
    pub transaction_id: Id,
    pub account_id: Id,
    pub kind: String,
    pub amount: i64,
    /// None for an account that keeps no running balance.
    pub balance_after: Option<i64>,
    pub created_at: NaiveDateTime,
}

pub fn insert_posting(
    conn: &mut AnyConnection,
    tx: &TransactionRow,
    account_id: Uuid,
    amount: i64,
    balance_after: Option<i64>,
) -> QueryResult<()> {
    diesel::insert_into(postings::table)
        .values((
            postings::id.eq(Id(canglong_core::new_id())),
            postings::community_id.eq(tx.community_id),
            postings::transaction_id.eq(tx.id),
            postings::account_id.eq(Id(account_id)),
            postings::kind.eq(&tx.kind),
            postings::amount.eq(amount),
            postings::balance_after.eq(balance_after),
            postings::created_at.eq(tx.created_at),
        ))
        .execute(conn)
        .map(|_| ())
}

pub fn postings_of(
    conn: &mut AnyConnection,
    transaction_ids: &[Uuid],
) -> QueryResult<Vec<PostingRow>> {
    let ids: Vec<Id> = transaction_ids.iter().copied().map(Id).collect();
    postings::table
        .filter(postings::transaction_id.eq_any(ids))
        .order(postings::id.asc())
        .select(PostingRow::as_select())
        .load(conn)
}

/// A page of an account's postings with their transactions, newest first.
pub fn history(
    conn: &mut AnyConnection,
    account_id: Uuid,
    page: &PageRequest,
) -> QueryResult<Vec<(PostingRow, TransactionRow)>> {
    let mut q = postings::table
        .inner_join(ledger_transactions::table)
        .filter(postings::account_id.eq(Id(account_id)))
        .select((PostingRow::as_select(), TransactionRow::as_select()))
        .into_boxed::<crate::db::MultiBackend>();
    if let Some(c) = page.after {
        q = q.filter(postings::id.lt(Id(c.0)));
    }
    q.order(postings::id.desc())
        .limit(i64::from(page.limit) + 1)
        .load(conn)
}

/// Points of `kind` credited to the account since `since` (for the daily cap).
pub fn credited_since(
    conn: &mut AnyConnection,
    account_id: Uuid,
    kind: &str,
    since: NaiveDateTime,
) -> QueryResult<i64> {
    let sum: Option<i64> = postings::table
        .filter(postings::account_id.eq(Id(account_id)))
        .filter(postings::kind.eq(kind))
        .filter(postings::amount.gt(0))
        .filter(postings::created_at.ge(since))
        .select(sum_of("amount"))
        .first(conn)?;
    Ok(sum.unwrap_or(0))
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = point_lots)]
pub struct LotRow {
    pub id: Id,
    pub community_id: Id,
    pub account_id: Id,
    pub transaction_id: Id,
    pub amount: i64,
    pub remaining: i64,
    pub expires_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

/// Credits `amount` to the account's lot of that expiry, opening it if needed: points that lapse
/// together are kept together, so an account holds one lot per expiry date, however many
/// credits it receives.
pub fn add_to_lot(
    conn: &mut AnyConnection,
    tx: &TransactionRow,
    account_id: Uuid,
    amount: i64,
    expires_at: Option<NaiveDateTime>,
) -> QueryResult<()> {
    let same = point_lots::table
        .filter(point_lots::account_id.eq(Id(account_id)))
        .into_boxed::<crate::db::MultiBackend>();
    let same = match expires_at {
        Some(at) => same.filter(point_lots::expires_at.eq(at)),
        None => same.filter(point_lots::expires_at.is_null()),
    };
    let existing: Option<Id> = same.select(point_lots::id).first(conn).optional()?;
    if let Some(id) = existing {
        diesel::update(point_lots::table.find(id))
            .set((
                point_lots::amount.eq(point_lots::amount + amount),
                point_lots::remaining.eq(point_lots::remaining + amount),
            ))
            .execute(conn)?;
        return Ok(());
    }
    diesel::insert_into(point_lots::table)
        .values((
            point_lots::id.eq(Id(canglong_core::new_id())),
            point_lots::community_id.eq(tx.community_id),
            point_lots::account_id.eq(Id(account_id)),
            point_lots::transaction_id.eq(tx.id),
            point_lots::amount.eq(amount),
            point_lots::remaining.eq(amount),
            point_lots::expires_at.eq(expires_at),
            point_lots::created_at.eq(tx.created_at),
        ))
        .execute(conn)
        .map(|_| ())
}

pub fn lot(conn: &mut AnyConnection, id: Uuid) -> QueryResult<Option<LotRow>> {
    point_lots::table
        .find(Id(id))
        .select(LotRow::as_select())
        .first(conn)
        .optional()
}

/// The account's lots that still hold points, first-expiring first (never-expiring last), at
/// most `limit` of them: spending reads only as many lots as it needs.
pub fn spendable_lots(
    conn: &mut AnyConnection,
    account_id: Uuid,
    limit: i64,
) -> QueryResult<Vec<LotRow>> {
    point_lots::table
        .filter(point_lots::account_id.eq(Id(account_id)))
        .filter(point_lots::remaining.gt(0))
        .order_by(sql::<diesel::sql_types::Bool>("expires_at IS NULL"))
        .then_order_by(point_lots::expires_at.asc())
        .then_order_by(point_lots::id.asc())
        .limit(limit)
        .select(LotRow::as_select())
        .load(conn)
}

/// Points still held per expiry time (lots that never expire left out).
pub fn expiring(
    conn: &mut AnyConnection,
    account_id: Uuid,
) -> QueryResult<Vec<(NaiveDateTime, i64)>> {
    let rows: Vec<(Option<NaiveDateTime>, Option<i64>)> = point_lots::table
        .filter(point_lots::account_id.eq(Id(account_id)))
        .filter(point_lots::remaining.gt(0))
        .filter(point_lots::expires_at.is_not_null())
        .group_by(point_lots::expires_at)
        .select((point_lots::expires_at, sum_of("remaining")))
        .order_by(point_lots::expires_at.asc())
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(at, n)| at.map(|a| (a, n.unwrap_or(0))))
        .collect())
}

pub fn take_from_lot(conn: &mut AnyConnection, lot_id: Uuid, amount: i64) -> QueryResult<()> {
    diesel::update(point_lots::table.find(Id(lot_id)))
        .set(point_lots::remaining.eq(point_lots::remaining - amount))
        .execute(conn)
        .map(|_| ())
}

/// Lots whose points lapsed by `at` and still hold some, across communities.
pub fn lapsed_lots(
    conn: &mut AnyConnection,
    at: NaiveDateTime,
    at_most: i64,
) -> QueryResult<Vec<LotRow>> {
    point_lots::table
        .filter(point_lots::expires_at.le(at))
        .filter(point_lots::remaining.gt(0))
        .order(point_lots::id.asc())
        .limit(at_most)
        .select(LotRow::as_select())
        .load(conn)
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = points_rules)]
pub struct RulesRow {
    pub id: Id,
    pub community_id: Id,
    pub version: i32,
    pub rules: String,
    pub created_by: Option<Id>,
    pub created_at: NaiveDateTime,
}

/// The rules in force: the highest version.
pub fn current_rules(
    conn: &mut AnyConnection,
    community_id: Uuid,
) -> QueryResult<Option<RulesRow>> {
    points_rules::table
        .filter(points_rules::community_id.eq(Id(community_id)))
        .order(points_rules::version.desc())
        .select(RulesRow::as_select())
        .first(conn)
        .optional()
}

pub fn insert_rules(
    conn: &mut AnyConnection,
    community_id: Uuid,
    version: i32,
    rules: &str,
    by: Uuid,
) -> QueryResult<RulesRow> {
    diesel::insert_into(points_rules::table)
        .values((
            points_rules::id.eq(Id(canglong_core::new_id())),
            points_rules::community_id.eq(Id(community_id)),
            points_rules::version.eq(version),
            points_rules::rules.eq(rules),
            points_rules::created_by.eq(Some(Id(by))),
            points_rules::created_at.eq(now()),
        ))
        .returning(points_rules::all_columns)
        .get_result(conn)
}

/// Everything reconciliation compares, for one community.
pub struct Books {
    pub accounts: Vec<AccountRow>,
    /// Σ postings per account.
    pub sums: Vec<(Id, i64)>,
    /// Σ postings per transaction, for those that are not zero.
    pub unbalanced: Vec<(Id, i64)>,
    pub transactions: i64,
    pub postings_sum: i64,
    /// Σ remaining of lots per account.
    pub lot_sums: Vec<(Id, i64)>,
    /// Transaction keys, to match verified records with their credit.
    pub keys: Vec<String>,
}

pub fn books(conn: &mut AnyConnection, community_id: Uuid) -> QueryResult<Books> {
    let c = Id(community_id);
    let accounts = accounts::table
        .filter(accounts::community_id.eq(c))
        .order(accounts::id.asc())
        .select(AccountRow::as_select())
        .load(conn)?;
    let sums: Vec<(Id, Option<i64>)> = postings::table
        .filter(postings::community_id.eq(c))
        .group_by(postings::account_id)
        .select((postings::account_id, sum_of("amount")))
        .load(conn)?;
    let per_tx: Vec<(Id, Option<i64>)> = postings::table
        .filter(postings::community_id.eq(c))
        .group_by(postings::transaction_id)
        .select((postings::transaction_id, sum_of("amount")))
        .load(conn)?;
    let lot_sums: Vec<(Id, Option<i64>)> = point_lots::table
        .filter(point_lots::community_id.eq(c))
        .group_by(point_lots::account_id)
        .select((point_lots::account_id, sum_of("remaining")))
        .load(conn)?;
    let keys = ledger_transactions::table
        .filter(ledger_transactions::community_id.eq(c))
        .select(ledger_transactions::idempotency_key)
        .load(conn)?;
    let transactions = ledger_transactions::table
        .filter(ledger_transactions::community_id.eq(c))
        .count()
        .get_result(conn)?;
    let flat = |v: Vec<(Id, Option<i64>)>| {
        v.into_iter()
            .map(|(i, s)| (i, s.unwrap_or(0)))
            .collect::<Vec<_>>()
    };
    let sums = flat(sums);
    let postings_sum = sums.iter().map(|(_, s)| *s).sum();
    let unbalanced = flat(per_tx).into_iter().filter(|(_, s)| *s != 0).collect();
    Ok(Books {
        accounts,
        sums,
        unbalanced,
        transactions,
        postings_sum,
        lot_sums: flat(lot_sums),
        keys,
    })
}

/// Points the account ever earned by service and bonuses.
pub fn earned_total(conn: &mut AnyConnection, account_id: Uuid) -> QueryResult<i64> {
    let sum: Option<i64> = postings::table
        .filter(postings::account_id.eq(Id(account_id)))
        .filter(postings::kind.eq_any(["earn", "bonus"]))
        .filter(postings::amount.gt(0))
        .select(sum_of("amount"))
        .first(conn)?;
    Ok(sum.unwrap_or(0))
}
