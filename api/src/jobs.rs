//! The periodic jobs: expire needs whose window passed unclaimed, escalate needs left unclaimed
//! too long, and confirm done needs nobody confirmed. `canglong sweep` runs one pass; `serve`
//! runs them on a timer.

use canglong_core::notice::NoticeKind;
use canglong_core::{NaiveDateTime, Uuid, now};
use canglong_ledger::{Transaction, TxKind};
use canglong_needs::{NeedStatus, Timing, auto_confirm_due, escalation_due, expiry_due};
use canglong_persistence::alliance as alliance_store;
use canglong_persistence::ledger as ledger_store;
use canglong_persistence::needs as store;
use canglong_persistence::notifications;
use canglong_persistence::{AnyConnection, Pool, write_tx};

use crate::{ApiError, ledger};

/// What one pass did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct SweepReport {
    pub expired: usize,
    pub escalated: usize,
    pub auto_confirmed: usize,
    /// Lots of points that lapsed under the community's expiry policy.
    pub points_expired: usize,
    /// Vouchers that expired unused (refunded by the community's rule).
    pub vouchers_expired: usize,
    /// Holders told their voucher lapses within [`REMIND_BEFORE_DAYS`].
    pub vouchers_reminded: usize,
}

/// How long before a voucher lapses its holder is reminded.
pub const REMIND_BEFORE_DAYS: i64 = 3;

/// How many needs one pass looks at per status; the next pass takes the rest.
const BATCH: i64 = 1000;

pub fn sweep(pool: &Pool, timing: &Timing) -> Result<SweepReport, ApiError> {
    let mut conn = pool.get()?;
    let mut report = SweepReport::default();
    let at = now();
    for row in store::sweep_candidates(&mut conn, "open", BATCH)? {
        if expiry_due(NeedStatus::Open, row.window_end, at) {
            if apply(
                &mut conn,
                row.community_id.0,
                row.id.0,
                |r| expiry_due(status(r), r.window_end, at),
                NeedStatus::Expired,
                "expired",
            )? {
                report.expired += 1;
            }
        } else if escalation_due(
            NeedStatus::Open,
            row.slots_taken,
            row.escalated,
            row.created_at,
            at,
            timing,
        ) {
            let escalated = write_tx(&mut conn, |c| -> Result<bool, ApiError> {
                let Some(r) = store::lock(c, row.community_id.0, row.id.0)? else {
                    return Ok(false);
                };
                if !escalation_due(
                    status(&r),
                    r.slots_taken,
                    r.escalated,
                    r.created_at,
                    at,
                    timing,
                ) {
                    return Ok(false);
                }
                store::mark_escalated(c, r.id.0, at)?;
                store::record_event(
                    c,
                    &r,
                    None,
                    "escalated",
                    Some(&r.status),
                    &r.status,
                    Some("unclaimed too long"),
                )?;
                Ok(true)
            })?;
            report.escalated += usize::from(escalated);
        }
    }
    for row in store::sweep_candidates(&mut conn, "done", BATCH)? {
        if auto_confirm_due(NeedStatus::Done, row.done_at, at, timing)
            && apply(
                &mut conn,
                row.community_id.0,
                row.id.0,
                |r| auto_confirm_due(status(r), r.done_at, at, timing),
                NeedStatus::Confirmed,
                "auto_confirmed",
            )?
        {
            report.auto_confirmed += 1;
        }
    }
    for lot in ledger_store::lapsed_lots(&mut conn, at, BATCH)? {
        report.points_expired += usize::from(expire_lot(&mut conn, &lot)?);
    }
    for v in alliance_store::lapsed_vouchers(&mut conn, at, BATCH)? {
        report.vouchers_expired += usize::from(expire_voucher(&mut conn, &v)?);
    }
    let until = at + chrono::Duration::days(REMIND_BEFORE_DAYS);
    for v in alliance_store::expiring_unreminded(&mut conn, at, until, BATCH)? {
        report.vouchers_reminded += usize::from(write_tx(&mut conn, |c| remind(c, &v, at))?);
    }
    Ok(report)
}

/// Tells the holder their voucher lapses soon (once per voucher).
fn remind(
    conn: &mut AnyConnection,
    v: &alliance_store::VoucherRow,
    at: NaiveDateTime,
) -> Result<bool, ApiError> {
    if !alliance_store::mark_reminded(conn, v.id.0, at)? {
        return Ok(false);
    }
    let title = alliance_store::offer(conn, v.community_id.0, v.offer_id.0)?
        .map_or_else(|| "兑换券".to_string(), |o| o.title);
    let body = format!(
        "您的「{title}」将于 {} 到期，请尽快使用。",
        v.expires_at.format("%Y-%m-%d %H:%M")
    );
    notifications::notify(
        conn,
        v.community_id.0,
        v.holder_id.0,
        NoticeKind::VoucherExpiring,
        "兑换券即将到期",
        &body,
    )?;
    Ok(true)
}

/// An issued voucher past its expiry: closed as expired, refunded by the community's rule.
fn expire_voucher(
    conn: &mut AnyConnection,
    v: &alliance_store::VoucherRow,
) -> Result<bool, ApiError> {
    write_tx(conn, |c| {
        let Some(current) = alliance_store::voucher(c, v.community_id.0, v.id.0)? else {
            return Ok(false);
        };
        if current.status != "issued" {
            return Ok(false);
        }
        let (_, rules, _) = ledger::rules(c, v.community_id.0)?;
        crate::routes::alliance::close_with_refund(
            c,
            &current,
            "expired",
            rules.refund_percent,
            None,
        )
    })
}

/// Moves what is left of a lapsed lot to the community's expired account: expiry is itself a
/// ledger transaction, so the resident's history shows it.
fn expire_lot(conn: &mut AnyConnection, lot: &ledger_store::LotRow) -> Result<bool, ApiError> {
    let community = lot.community_id.0;
    write_tx(conn, |c| {
        // Both accounts at once, in id order like every posting (a subset first can deadlock).
        let expired = ledger::expired_account(c, community)?;
        ledger_store::lock_accounts(c, &[lot.account_id.0, expired.id.0])?;
        // Re-read under the lock: the points may have been spent since the scan.
        let Some(current) = ledger_store::lot(c, lot.id.0)?.filter(|l| l.remaining > 0) else {
            return Ok(false);
        };
        let memo = format!("{} 积分到期", current.remaining);
        ledger::post(
            c,
            ledger::Entry {
                community,
                tx: Transaction::transfer(
                    TxKind::Expire,
                    lot.account_id.0,
                    expired.id.0,
                    current.remaining,
                )?,
                key: format!("expire:{}", lot.id.0),
                actor: None,
                memo,
                reverses: None,
                expires_at: None,
                lot: Some(lot.id.0),
            },
        )?;
        Ok(true)
    })
}

fn status(r: &store::NeedRow) -> NeedStatus {
    NeedStatus::parse(&r.status).unwrap_or(NeedStatus::Cancelled)
}

/// Re-checks under the lock (a user may have acted since the scan), then moves the need.
fn apply(
    conn: &mut AnyConnection,
    community: Uuid,
    id: Uuid,
    still_due: impl Fn(&store::NeedRow) -> bool,
    to: NeedStatus,
    action: &str,
) -> Result<bool, ApiError> {
    write_tx(conn, |c| {
        let Some(r) = store::lock(c, community, id)? else {
            return Ok(false);
        };
        if !still_due(&r) {
            return Ok(false);
        }
        store::set_state(c, id, to.as_str(), r.slots_taken, r.done_at)?;
        store::record_event(c, &r, None, action, Some(&r.status), to.as_str(), None)?;
        Ok(true)
    })
}
