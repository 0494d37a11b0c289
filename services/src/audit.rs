//! The chain audit: beside the ledger's own arithmetic, every tie between value and what it
//! paid for — vouchers, seats, bonuses, attendance, credited hours — checked from the records
//! and reported by kind with the ids that break it. Reconciliation runs it.

use std::collections::{HashMap, HashSet};

use canglong_activities::EnrolmentStatus;
use canglong_alliance::{OfferKind, VoucherStatus};
use canglong_core::{NaiveDateTime, Uuid, wire_enum};
use canglong_ledger::TxKind;
use canglong_persistence::{AnyConnection, audit as store};
use canglong_volunteers::RecordStatus;

use crate::error::Result;

wire_enum!(
    /// One invariant of the chain.
    Check {
        RedemptionMissing = "redemption_missing",
        RedemptionWithoutVoucher = "redemption_without_voucher",
        RefundMismatch = "refund_mismatch",
        ReversedVoucherLive = "reversed_voucher_live",
        VoidWithoutReversal = "void_without_reversal",
        SeatMismatch = "seat_mismatch",
        BonusWithoutPass = "bonus_without_pass",
        AttendanceOutsideSession = "attendance_outside_session",
        CreditUnfit = "credit_unfit",
        VerifiedBeforeEnd = "verified_before_end",
    }
);

/// Every check, with the ids that break it (empty when it holds).
pub type Findings = Vec<(Check, Vec<Uuid>)>;

fn uuid_after(key: &str, prefix: &str) -> Option<Uuid> {
    key.strip_prefix(prefix)
        .and_then(|s| Uuid::try_parse(s).ok())
}

pub fn chain(conn: &mut AnyConnection, community: Uuid) -> Result<Findings> {
    let txs = store::transactions(conn, community)?;
    let vouchers = store::vouchers(conn, community)?;
    let seats = store::seats(conn, community)?;
    let sessions: HashMap<Uuid, (NaiveDateTime, NaiveDateTime)> =
        store::session_times(conn, community)?
            .into_iter()
            .map(|(id, s, e)| (id.0, (s, e)))
            .collect();
    let checkins: HashMap<(Uuid, Uuid), NaiveDateTime> = store::checkins(conn, community)?
        .into_iter()
        .map(|(s, u, at)| ((s.0, u.0), at))
        .collect();
    let records: HashMap<Uuid, store::RecordLink> = store::records(conn, community)?
        .into_iter()
        .map(|r| (r.id.0, r))
        .collect();
    let windows: HashMap<Uuid, (NaiveDateTime, NaiveDateTime)> =
        store::need_windows(conn, community)?
            .into_iter()
            .map(|(id, s, e)| (id.0, (s, e)))
            .collect();

    let by_id: HashMap<Uuid, &store::KeyedTx> = txs.iter().map(|t| (t.id.0, t)).collect();
    let keys: HashSet<&str> = txs.iter().map(|t| t.key.as_str()).collect();
    let reversed: HashSet<Uuid> = txs
        .iter()
        .filter_map(|t| t.reverses_id.map(|r| r.0))
        .collect();
    let voucher_ids: HashSet<Uuid> = vouchers.iter().map(|v| v.id.0).collect();
    let mut found: HashMap<Check, Vec<Uuid>> = HashMap::new();
    let mut flag = |c: Check, id: Uuid| found.entry(c).or_default().push(id);

    for v in &vouchers {
        let id = v.id.0;
        let status = Some(v.status.0);
        let redeem = by_id.get(&v.redeem_transaction_id.0);
        let redeem_ok =
            redeem.is_some_and(|t| t.kind.0 == TxKind::Redeem && t.key == format!("redeem:{id}"));
        if !redeem_ok {
            flag(Check::RedemptionMissing, id);
        }
        let closed_with_refund = matches!(
            status,
            Some(VoucherStatus::Cancelled | VoucherStatus::Expired | VoucherStatus::Refunded)
        );
        let refund_ok = match v.refund_transaction_id {
            Some(r) => {
                closed_with_refund
                    && by_id.get(&r.0).is_some_and(|t| {
                        t.kind.0 == TxKind::Refund && t.key == format!("refund:{id}")
                    })
            }
            None => !keys.contains(format!("refund:{id}").as_str()),
        };
        if !refund_ok {
            flag(Check::RefundMismatch, id);
        }
        let was_reversed = reversed.contains(&v.redeem_transaction_id.0);
        match (status, was_reversed) {
            (Some(VoucherStatus::Void), false) => flag(Check::VoidWithoutReversal, id),
            (Some(s), true) if s != VoucherStatus::Void => flag(Check::ReversedVoucherLive, id),
            _ => {}
        }
        if let (Some(session), OfferKind::CourseSeat) = (v.session_id, v.offer_kind.0) {
            let active = |at_or_before: Option<NaiveDateTime>| {
                seats.iter().any(|s| {
                    s.session_id == session
                        && s.user_id == v.holder_id
                        && matches!(
                            s.status.0,
                            EnrolmentStatus::Enrolled | EnrolmentStatus::Attended
                        )
                        && at_or_before.is_none_or(|t| s.created_at <= t)
                })
            };
            let live = matches!(status, Some(VoucherStatus::Issued | VoucherStatus::Used));
            let ok = if live {
                active(None)
            } else {
                !active(v.closed_at)
            };
            if !ok {
                flag(Check::SeatMismatch, id);
            }
        }
    }

    for t in txs.iter().filter(|t| !reversed.contains(&t.id.0)) {
        if let Some(v) = uuid_after(&t.key, "redeem:") {
            if !voucher_ids.contains(&v) {
                flag(Check::RedemptionWithoutVoucher, t.id.0);
            }
        } else if let Some(r) = uuid_after(&t.key, "rating:") {
            if records
                .get(&r)
                .is_none_or(|r| r.status.0 != RecordStatus::Verified)
            {
                flag(Check::BonusWithoutPass, t.id.0);
            }
        } else if let Some(r) = uuid_after(&t.key, "hours:") {
            let fits = records.get(&r).is_some_and(|r| {
                let minutes = r.minutes_approved.unwrap_or(r.minutes_reported);
                let window = r
                    .need_id
                    .and_then(|n| windows.get(&n.0).copied())
                    .or_else(|| r.session_id.and_then(|s| sessions.get(&s.0).copied()));
                // Recorded by staff, with neither: it fits a day.
                let fits = match window {
                    Some(w) => canglong_needs::fits_window(minutes, w),
                    None => (1..=24 * 60).contains(&minutes),
                };
                r.status.0 == RecordStatus::Verified && fits
            });
            if !fits {
                flag(Check::CreditUnfit, t.id.0);
            }
        } else if let Some(rest) = t
            .key
            .strip_prefix("attend:")
            .or_else(|| t.key.strip_prefix("colearn:"))
        {
            let mut parts = rest.split(':').map(Uuid::try_parse);
            let in_time = match (parts.next(), parts.next()) {
                (Some(Ok(s)), Some(Ok(u))) => match (sessions.get(&s), checkins.get(&(s, u))) {
                    (Some((start, end)), Some(at)) => {
                        canglong_activities::checkin_in_time(*start, *end, *at)
                    }
                    _ => false,
                },
                _ => false,
            };
            if !in_time {
                flag(Check::AttendanceOutsideSession, t.id.0);
            }
        }
    }

    for r in records.values() {
        if let (Some(verified), Some(ended)) = (r.verified_at, r.ended_at)
            && r.status.0 == RecordStatus::Verified
            && verified < ended
        {
            flag(Check::VerifiedBeforeEnd, r.id.0);
        }
    }

    Ok(Check::ALL
        .iter()
        .map(|c| {
            let mut ids = found.remove(c).unwrap_or_default();
            ids.sort();
            (*c, ids)
        })
        .collect())
}
