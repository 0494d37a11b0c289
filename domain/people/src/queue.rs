//! The staff's work queue: one list of what waits for a decision, oldest first.

use canglong_core::{NaiveDateTime, Uuid, wire_enum};

wire_enum!(
    /// What a queue item asks of the person reading it.
    QueueKind {
        Verification = "verification", // A service record waiting for verification.
        LowRating = "low_rating", // A need rated two stars or fewer.
        Escalation = "escalation", // An open need escalated after going unclaimed.
        Expiry = "expiry", // A need whose window passed unclaimed.
        StuckClaim = "stuck_claim", // A claim left open after its window ended.
        Suggestion = "suggestion", // A suggestion not yet answered.
        CareGap = "care_gap", // A resident who needs visits and has gone too long without one.
        Filing = "filing", // A merchant approved by a community, waiting for the subdistrict's filing.
    }
);

/// Ratings at or below this many stars reach the queue and the responsible social worker.
pub const LOW_RATING_STARS: i32 = 2;
/// How far back the queue looks for ratings and expiries: older ones were dealt with at the
/// last review meeting or not at all.
pub const RECENT_DAYS: i64 = 14;

/// Oldest first; ties by kind and then by id, so the order is stable page to page.
pub fn order<T>(items: &mut [T], key: impl Fn(&T) -> (NaiveDateTime, QueueKind, Uuid)) {
    items.sort_by(|a, b| {
        let (ta, ka, ia) = key(a);
        let (tb, kb, ib) = key(b);
        (ta, ka.as_str(), ia).cmp(&(tb, kb.as_str(), ib))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oldest_first_then_stable() {
        let t = |s: i64| chrono::DateTime::from_timestamp(s, 0).unwrap().naive_utc();
        let (a, b) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let mut items = vec![
            (t(5), QueueKind::CareGap, a),
            (t(1), QueueKind::Verification, b),
            (t(1), QueueKind::Verification, a),
        ];
        order(&mut items, |x| *x);
        assert_eq!(
            items,
            vec![
                (t(1), QueueKind::Verification, a),
                (t(1), QueueKind::Verification, b),
                (t(5), QueueKind::CareGap, a),
            ]
        );
    }
}
