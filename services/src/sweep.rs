//! The periodic pass: expire needs whose window passed unclaimed, escalate needs left unclaimed
//! too long, confirm done needs nobody confirmed, lapse points and vouchers, remind holders,
//! fold closed days of points for the overview, and tell social workers of escalations and care
//! gaps.
//! Each item is its own transaction that re-checks under its lock, so passes in several
//! processes, or a pass that dies half-way, do each thing once.

use canglong_core::notice::NoticeKind;
use canglong_core::{NaiveDateTime, Uuid, now};
use canglong_needs::{
    NeedAction, NeedStatus, Timing, auto_confirm_due, escalation_due, expiry_due,
};
use canglong_persistence::alliance as alliance_store;
use canglong_persistence::ledger as ledger_store;
use canglong_persistence::needs as store;
use canglong_persistence::notifications;
use canglong_persistence::{AnyConnection, write_tx};

use crate::error::Result;
use crate::{alliance, ledger};

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
    /// Closed local days of points folded for the overview.
    pub days_folded: usize,
    /// Care-gap alerts sent to social workers (one per gap and social worker).
    pub care_alerts: usize,
    /// Topics moved by time: lapsed unseconded, into delivery after 公示, closed after evaluation.
    pub topics_moved: usize,
    /// Polls opened since the last pass whose electorate was taken.
    pub electorates_taken: usize,
}

/// How long before a voucher lapses its holder is reminded.
pub const REMIND_BEFORE_DAYS: i64 = 3;

/// How many needs one pass looks at per status; the next pass takes the rest.
const BATCH: i64 = 1000;

pub fn sweep(conn: &mut AnyConnection, timing: &Timing) -> Result<SweepReport> {
    let mut report = SweepReport::default();
    let at = now();
    for row in store::sweep_candidates(conn, NeedStatus::Open, BATCH)? {
        if expiry_due(NeedStatus::Open, row.window_end, at) {
            if apply(
                conn,
                row.community_id.0,
                row.id.0,
                |r| expiry_due(status(r), r.window_end, at),
                NeedStatus::Expired,
                NeedAction::Expired,
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
            let escalated = write_tx(conn, |c| -> Result<bool> {
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
                crate::care::alert_escalation(c, r.community_id.0, &r.title, &r.place)?;
                store::record_event(
                    c,
                    &r,
                    None,
                    NeedAction::Escalated,
                    Some(&r.status),
                    &r.status,
                    Some("unclaimed too long"),
                )?;
                Ok(true)
            })?;
            report.escalated += usize::from(escalated);
        }
    }
    for row in store::sweep_candidates(conn, NeedStatus::Done, BATCH)? {
        if auto_confirm_due(NeedStatus::Done, row.done_at, at, timing)
            && apply(
                conn,
                row.community_id.0,
                row.id.0,
                |r| auto_confirm_due(status(r), r.done_at, at, timing),
                NeedStatus::Confirmed,
                NeedAction::AutoConfirmed,
            )?
        {
            report.auto_confirmed += 1;
        }
    }
    for lot in ledger_store::lapsed_lots(conn, at, BATCH)? {
        let done = write_tx(conn, |c| ledger::expire_lot(c, &lot))?;
        report.points_expired += usize::from(done);
    }
    for v in alliance_store::lapsed_vouchers(conn, at, BATCH)? {
        let (community, id) = (v.community_id.0, v.id.0);
        let done = write_tx(conn, |c| alliance::expire_voucher(c, community, id))?;
        report.vouchers_expired += usize::from(done);
    }
    let until = at + chrono::Duration::days(REMIND_BEFORE_DAYS);
    for v in alliance_store::expiring_unreminded(conn, at, until, BATCH)? {
        report.vouchers_reminded += usize::from(write_tx(conn, |c| remind(c, &v, at))?);
    }
    report.days_folded = crate::stats::fold_points(conn, at)?;
    for community in canglong_persistence::rollups::communities(conn)? {
        report.care_alerts += write_tx(conn, |c| crate::care::alert_care_gaps(c, community.0, at))?;
    }
    let closed_before = crate::topics::closes_before(at);
    for t in canglong_persistence::topics::due(conn, at, closed_before, BATCH)? {
        let (community, id) = (t.community_id.0, t.id.0);
        report.topics_moved += usize::from(write_tx(conn, |c| {
            crate::topics::lapse(c, community, id, at)
        })?);
    }
    for (community, id) in canglong_persistence::polls::untaken(conn, at)? {
        let taken = write_tx(conn, |c| crate::polls::take_due(c, community.0, id.0, at))?;
        report.electorates_taken += usize::from(taken);
    }
    Ok(report)
}

/// Tells the holder their voucher lapses soon (once per voucher).
fn remind(
    conn: &mut AnyConnection,
    v: &alliance_store::VoucherRow,
    at: NaiveDateTime,
) -> Result<bool> {
    if !alliance_store::mark_reminded(conn, v.id.0, at)? {
        return Ok(false);
    }
    let title = alliance_store::offer(conn, v.community_id.0, v.offer_id.0)?
        .map_or_else(|| "兑换券".to_string(), |o| o.title);
    let body = format!(
        "您的「{title}」将于 {} 到期，请尽快使用。",
        canglong_core::local_time(v.expires_at)
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

fn status(r: &store::NeedRow) -> NeedStatus {
    r.status.0
}

/// Re-checks under the lock (a user may have acted since the scan), then moves the need.
fn apply(
    conn: &mut AnyConnection,
    community: Uuid,
    id: Uuid,
    still_due: impl Fn(&store::NeedRow) -> bool,
    to: NeedStatus,
    action: NeedAction,
) -> Result<bool> {
    write_tx(conn, |c| {
        let Some(r) = store::lock(c, community, id)? else {
            return Ok(false);
        };
        if !still_due(&r) {
            return Ok(false);
        }
        store::set_state(c, id, to, r.slots_taken, r.done_at)?;
        store::record_event(c, &r, None, action, Some(&r.status), to.as_str(), None)?;
        Ok(true)
    })
}
