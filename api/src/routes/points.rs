//! Points: balance, history, rules, adjustments, reversals, reconciliation.

use std::collections::{BTreeMap, HashSet};

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, put, web};
use canglong_core::{PageRequest, Role, Uuid, now};
use canglong_ledger::{AccountKind, Rules};
use canglong_openapi::{
    AdjustmentRequest, Balance, BalanceMismatch, BalanceQuery, ChainCheck, ExpiringPoints,
    LedgerEntry, LedgerPage, LedgerTransaction, PointsRules, Reconciliation, ReversalRequest,
    TransactionQuery, VersionedRules,
};
use canglong_persistence::ledger::{self as store, AccountRow};
use canglong_persistence::{AnyConnection, people, service_records};
use utoipa_actix_web::service_config::ServiceConfig;

use super::{Problems, views};
use crate::auth::Auth;
use crate::extract::{Body, IdempotencyKey};
use crate::idempotency;
use crate::ledger;
use crate::{ApiError, AppState, db};
use canglong_services::points;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(balance)
        .service(transactions)
        .service(get_rules)
        .service(put_rules)
        .service(adjust)
        .service(reverse)
        .service(reconcile);
}

fn balance_of(conn: &mut AnyConnection, account: &AccountRow) -> Result<Balance, ApiError> {
    let expiring = store::expiring(conn, account.id.0)?;
    Ok(Balance {
        account_id: account.id.0,
        balance: account.balance,
        expiring: expiring
            .into_iter()
            .map(|(at, amount)| ExpiringPoints {
                amount,
                expires_at: views::utc(at),
            })
            .collect(),
    })
}

/// The caller's points (or, for staff, a person's of the community), with what lapses when.
#[utoipa::path(tag = "points", operation_id = "get_balance", params(BalanceQuery),
    responses((status = 200, body = Balance), Problems), security(("bearer" = [])))]
#[get("/points/balance")]
pub async fn balance(
    state: web::Data<AppState>,
    auth: Auth,
    q: web::Query<BalanceQuery>,
) -> Result<HttpResponse, ApiError> {
    let (actor, q) = (auth.0, q.into_inner());
    let community = actor.community_id;
    let b = db::read(&state.pool, move |conn| {
        let user = match q.user_id {
            Some(u) if u != actor.user_id => {
                actor.require_staff()?;
                people::find_user(conn, u)?
                    .filter(|p| p.community_id.0 == actor.community_id)
                    .ok_or_else(|| ApiError::not_found("person"))?
                    .id
                    .0
            }
            _ => actor.user_id,
        };
        match store::account_of(
            conn,
            actor.community_id,
            AccountKind::Resident.as_str(),
            user,
        )? {
            Some(account) => balance_of(conn, &account).map(Ok),
            None => Ok(Err(user)),
        }
    })
    .await?;
    // The account is opened on first sight, so that staff can adjust it before any earning.
    let b = match b {
        Ok(b) => b,
        Err(user) => {
            db::write(&state.pool, move |conn| {
                let account = ledger::resident_account(conn, community, user)?;
                balance_of(conn, &account)
            })
            .await?
        }
    };
    Ok(HttpResponse::Ok().json(b))
}

/// Postings of an account, newest first: the caller's own, or for staff any of the community.
#[utoipa::path(tag = "points", operation_id = "list_transactions", params(TransactionQuery),
    responses((status = 200, body = LedgerPage), Problems), security(("bearer" = [])))]
#[get("/points/transactions")]
pub async fn transactions(
    state: web::Data<AppState>,
    auth: Auth,
    q: web::Query<TransactionQuery>,
) -> Result<HttpResponse, ApiError> {
    let (actor, q) = (auth.0, q.into_inner());
    let page = PageRequest::parse(q.limit, q.cursor.as_deref())?;
    let result = db::read(&state.pool, move |conn| {
        let own = store::account_of(
            conn,
            actor.community_id,
            AccountKind::Resident.as_str(),
            actor.user_id,
        )?;
        let account = match q.account_id {
            Some(id) if own.as_ref().is_some_and(|o| o.id.0 == id) => own,
            Some(id) if actor.is_staff() => store::account(conn, actor.community_id, id)?,
            Some(_) => None,
            None => own,
        };
        let Some(account) = account else {
            return match q.account_id {
                Some(_) => Err(ApiError::not_found("account")),
                None => Ok(LedgerPage {
                    items: vec![],
                    next_cursor: None,
                }),
            };
        };
        let rows = store::history(conn, account.id.0, &page)?;
        let (rows, next) = page.finish(rows, |(p, _)| p.id.0);
        let tx_ids: Vec<Uuid> = rows.iter().map(|(_, t)| t.id.0).collect();
        let legs = store::postings_of(conn, &tx_ids)?;
        let mut kinds: BTreeMap<Uuid, String> = BTreeMap::new();
        let mut items = vec![];
        for (p, t) in &rows {
            let other = legs
                .iter()
                .find(|l| l.transaction_id == t.id && l.account_id != p.account_id);
            let counterparty = match other {
                Some(o) => match kinds.get(&o.account_id.0) {
                    Some(k) => k.clone(),
                    None => {
                        let k = store::account(conn, actor.community_id, o.account_id.0)?
                            .map(|a| a.kind.to_string())
                            .unwrap_or_default();
                        kinds.insert(o.account_id.0, k.clone());
                        k
                    }
                },
                None => String::new(),
            };
            items.push(LedgerEntry {
                transaction_id: t.id.0,
                kind: views::enum_of(&t.kind)?,
                amount: p.amount,
                balance_after: p.balance_after,
                counterparty,
                counterparty_account_id: other.map(|o| o.account_id.0),
                memo: t.memo.clone(),
                created_at: views::utc(p.created_at),
            });
        }
        Ok(LedgerPage {
            items,
            next_cursor: next.map(|c| c.encode()),
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(result))
}

fn to_wire(
    version: i32,
    r: &Rules,
    at: Option<chrono::NaiveDateTime>,
) -> Result<VersionedRules, ApiError> {
    let rules: PointsRules =
        serde_json::from_value(serde_json::to_value(r).map_err(|e| ApiError::bug(format!("{e}")))?)
            .map_err(|e| ApiError::bug(format!("{e}")))?;
    Ok(VersionedRules {
        version,
        rules,
        updated_at: at.map(views::utc),
    })
}

/// The community's earning rules in force.
#[utoipa::path(tag = "points", operation_id = "get_points_rules",
    responses((status = 200, body = VersionedRules), Problems), security(("bearer" = [])))]
#[get("/points/rules")]
pub async fn get_rules(state: web::Data<AppState>, auth: Auth) -> Result<HttpResponse, ApiError> {
    let community = auth.community_id;
    let r = db::read(&state.pool, move |conn| {
        let (v, rules, at) = ledger::rules(conn, community)?;
        to_wire(v, &rules, at)
    })
    .await?;
    Ok(HttpResponse::Ok().json(r))
}

/// Community admin: set new rules. They take effect as a new version; records already verified
/// keep the value of the version they were verified under.
#[utoipa::path(tag = "points", operation_id = "set_points_rules", request_body = PointsRules,
    responses((status = 200, body = VersionedRules), Problems), security(("bearer" = [])))]
#[put("/points/rules")]
pub async fn put_rules(
    state: web::Data<AppState>,
    auth: Auth,
    body: Body<PointsRules>,
) -> Result<HttpResponse, ApiError> {
    auth.require(&[Role::CommunityAdmin])?;
    let rules: Rules = serde_json::from_value(
        serde_json::to_value(&body.0).map_err(|e| ApiError::bug(format!("{e}")))?,
    )
    .map_err(|_| ApiError::unprocessable("invalid_rules", "the rules are not valid"))?;
    let actor = auth.0;
    let r = db::write(&state.pool, move |conn| {
        let (version, at) = ledger::set_rules(conn, &actor, &rules)?;
        to_wire(version, &rules, Some(at))
    })
    .await?;
    Ok(HttpResponse::Ok().json(r))
}

/// Community admin: correct an account with a reason. Positive credits it from the community
/// pool, negative debits it; a balance is never pushed below zero. Requires `Idempotency-Key`.
#[utoipa::path(tag = "points", operation_id = "adjust_points", request_body = AdjustmentRequest,
    params(("Idempotency-Key" = String, Header, description = "Required: retries with it adjust once")),
    responses((status = 201, body = LedgerTransaction), Problems), security(("bearer" = [])))]
#[post("/points/adjustments")]
pub async fn adjust(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    key: IdempotencyKey,
    body: Body<AdjustmentRequest>,
) -> Result<HttpResponse, ApiError> {
    auth.require(&[Role::CommunityAdmin])?;
    let ledger_key = key.required()?;
    let (actor, a) = (auth.0, body.0);
    let fp = idempotency::fingerprint("POST", req.path(), &a);
    idempotency::once(&state, actor.user_id, key, fp, move |conn| {
        let posted = points::adjust(conn, &actor, a.account_id, a.amount, &a.reason, &ledger_key)?;
        idempotency::answer(StatusCode::CREATED, &ledger::view(&posted)?)
    })
    .await
}

/// Community admin: undo a transaction with a reversing one that points at it (never an edit).
/// Reversing a redemption voids its unused voucher (and gives up a seat bought with it); a used
/// or refunded voucher's redemption, a voucher's refund and a reversal are refused.
#[utoipa::path(tag = "points", operation_id = "reverse_transaction", request_body = ReversalRequest,
    params(("id" = Uuid, Path)), responses((status = 201, body = LedgerTransaction), Problems), security(("bearer" = [])))]
#[post("/points/transactions/{id}/reversal")]
pub async fn reverse(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
    body: Body<ReversalRequest>,
) -> Result<HttpResponse, ApiError> {
    auth.require(&[Role::CommunityAdmin])?;
    let (actor, id, reason) = (auth.0, id.into_inner(), body.0.reason);
    let posted = db::write(&state.pool, move |conn| {
        ledger::view(&points::reverse(conn, &actor, id, &reason)?)
    })
    .await?;
    Ok(HttpResponse::Created().json(posted))
}

/// Community admin: recompute every balance from the postings and check the books.
#[utoipa::path(tag = "points", operation_id = "reconcile_points",
    responses((status = 200, body = Reconciliation), Problems), security(("bearer" = [])))]
#[get("/points/reconciliation")]
pub async fn reconcile(state: web::Data<AppState>, auth: Auth) -> Result<HttpResponse, ApiError> {
    auth.require(&[Role::CommunityAdmin])?;
    let community = auth.community_id;
    let r = db::read(&state.pool, move |conn| reconciliation(conn, community)).await?;
    Ok(HttpResponse::Ok().json(r))
}

/// The checks of reconciliation, for the endpoint and for tests of the books.
pub fn reconciliation(
    conn: &mut AnyConnection,
    community: Uuid,
) -> Result<Reconciliation, ApiError> {
    let books = store::books(conn, community)?;
    let mut mismatches = vec![];
    for a in &books.accounts {
        let computed = books
            .sums
            .iter()
            .find(|(id, _)| *id == a.id)
            .map_or(0, |(_, s)| *s);
        // The issuing account keeps no stored balance: its balance is its postings' sum, and
        // the books' total (`postings_sum`) and each transaction's are still checked below.
        if a.kind.0.keeps_balance() && computed != a.balance {
            mismatches.push(BalanceMismatch {
                account_id: a.id.0,
                stored: a.balance,
                computed,
                check: "balance".into(),
            });
        }
        if a.kind.0 == AccountKind::Resident {
            let lots = books
                .lot_sums
                .iter()
                .find(|(id, _)| *id == a.id)
                .map_or(0, |(_, s)| *s);
            if lots != a.balance {
                mismatches.push(BalanceMismatch {
                    account_id: a.id.0,
                    stored: a.balance,
                    computed: lots,
                    check: "lots".into(),
                });
            }
        }
    }
    let keys: HashSet<&str> = books.keys.iter().map(String::as_str).collect();
    let uncredited_records = service_records::credited(conn, community)?
        .into_iter()
        .filter(|(id, _)| !keys.contains(format!("hours:{}", id.0).as_str()))
        .map(|(id, _)| id.0)
        .collect();
    Ok(Reconciliation {
        transactions: books.transactions,
        postings_sum: books.postings_sum,
        accounts_checked: books.accounts.len() as i64,
        mismatches,
        unbalanced_transactions: books.unbalanced.iter().map(|(id, _)| id.0).collect(),
        uncredited_records,
        chain: canglong_services::audit::chain(conn, community)?
            .into_iter()
            .map(|(check, ids)| {
                Ok(ChainCheck {
                    check: views::enum_of(check.as_str())?,
                    ids,
                })
            })
            .collect::<Result<_, ApiError>>()?,
        checked_at: views::utc(now()),
    })
}
