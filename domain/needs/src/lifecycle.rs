use canglong_core::{DomainError, NaiveDateTime, Uuid};
use chrono::Duration;

use crate::NeedStatus;

/// The longest service a single completion may report: one day.
const MAX_MINUTES: i32 = 24 * 60;
/// How far ahead a need may be posted: a need is help wanted soon, not a standing wish.
pub const MAX_WINDOW_DAYS: i64 = 180;
const MAX_SLOTS: i32 = 20;

/// What a poster supplies, checked before a need is created.
#[derive(Debug, Clone)]
pub struct NeedDraft {
    pub window_start: NaiveDateTime,
    pub window_end: NaiveDateTime,
    pub estimated_minutes: i32,
    pub slots: i32,
}

impl NeedDraft {
    pub fn validate(&self, now: NaiveDateTime) -> Result<(), DomainError> {
        if self.window_end <= self.window_start {
            return Err(DomainError::invalid(
                "invalid_window",
                "window_end must be after window_start",
            ));
        }
        if self.window_start < now - Duration::days(1) {
            return Err(DomainError::invalid(
                "invalid_window",
                "a window opens at most a day before the need is posted",
            ));
        }
        if self.window_end <= now {
            return Err(DomainError::invalid(
                "invalid_window",
                "window_end is already in the past",
            ));
        }
        if self.window_end > now + Duration::days(MAX_WINDOW_DAYS) {
            return Err(DomainError::invalid(
                "invalid_window",
                format!("a need's window ends within {MAX_WINDOW_DAYS} days of posting"),
            ));
        }
        if !(1..=MAX_MINUTES).contains(&self.estimated_minutes) {
            return Err(DomainError::invalid(
                "invalid_minutes",
                "estimated_minutes must be 1 to 1440",
            ));
        }
        if !(1..=MAX_SLOTS).contains(&self.slots) {
            return Err(DomainError::invalid(
                "invalid_slots",
                "slots must be 1 to 20",
            ));
        }
        Ok(())
    }
}

/// How far a time reported by a phone may stray from the server's clock (phones' clocks drift).
const CLOCK_SLACK_MINUTES: i64 = 5;

/// Whether a service of `minutes` fits the need's window and a day: a credit is only ever
/// earned for minutes that could have been served.
pub fn fits_window(minutes: i32, window: (NaiveDateTime, NaiveDateTime)) -> bool {
    let length = (window.1 - window.0).num_minutes();
    (1..=MAX_MINUTES).contains(&minutes) && i64::from(minutes) <= length
}

/// The span of a reported service: at most the need's window long (and a day), begun no
/// earlier than the need existed — it was posted, or its window opened (at most a day before
/// posting: "this morning") — and ended by now, each within the phones' clock drift. Without a
/// start, it ended just now.
pub fn service_span(
    posted_at: NaiveDateTime,
    window: (NaiveDateTime, NaiveDateTime),
    minutes: i32,
    started_at: Option<NaiveDateTime>,
    now: NaiveDateTime,
) -> Result<(NaiveDateTime, NaiveDateTime), DomainError> {
    if !fits_window(minutes, window) {
        return Err(DomainError::invalid(
            "minutes_exceed_window",
            "the minutes reported do not fit the need's time window",
        ));
    }
    let length = Duration::minutes(i64::from(minutes));
    let start = started_at.unwrap_or(now - length);
    if start < posted_at.min(window.0) - Duration::minutes(CLOCK_SLACK_MINUTES) {
        return Err(DomainError::invalid(
            "invalid_span",
            "a service cannot start before the need was posted",
        ));
    }
    if start + length > now + Duration::minutes(CLOCK_SLACK_MINUTES) {
        return Err(DomainError::invalid(
            "invalid_span",
            "a service cannot end in the future",
        ));
    }
    Ok((start, start + length))
}

/// The parts of a stored need that its transitions decide on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NeedState {
    pub status: NeedStatus,
    pub requester_id: Uuid,
    pub slots: i32,
    pub slots_taken: i32,
    pub window_end: NaiveDateTime,
}

/// One volunteer's claim on the need, as the transitions see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClaimView {
    pub volunteer_user_id: Uuid,
    pub completed: bool,
}

/// The result of a completion: the need's next status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Completion {
    pub status: NeedStatus,
}

fn illegal(from: NeedStatus, action: &str) -> DomainError {
    DomainError::invalid(
        "invalid_transition",
        format!("cannot {action} a need that is {}", from.as_str()),
    )
}

impl NeedState {
    /// A volunteer takes a slot. Returns the state after the claim.
    pub fn claim(
        &self,
        volunteer: Uuid,
        active_claims: &[ClaimView],
        now: NaiveDateTime,
    ) -> Result<Self, DomainError> {
        if volunteer == self.requester_id {
            return Err(DomainError::invalid(
                "own_need",
                "a volunteer may not claim their own need",
            ));
        }
        if active_claims
            .iter()
            .any(|c| c.volunteer_user_id == volunteer)
        {
            return Err(DomainError::conflict(
                "already_claimed",
                "you have already claimed this need",
            ));
        }
        match self.status {
            NeedStatus::Open => {}
            NeedStatus::Claimed => {
                return Err(DomainError::conflict("need_full", "every slot is taken"));
            }
            other => return Err(illegal(other, "claim")),
        }
        if self.window_end <= now {
            return Err(DomainError::invalid(
                "need_expired",
                "the need's time window has passed",
            ));
        }
        if self.slots_taken >= self.slots {
            return Err(DomainError::conflict("need_full", "every slot is taken"));
        }
        let slots_taken = self.slots_taken + 1;
        let status = if slots_taken >= self.slots {
            NeedStatus::Claimed
        } else {
            NeedStatus::Open
        };
        Ok(Self {
            status,
            slots_taken,
            ..self.clone()
        })
    }

    /// The volunteer gives their slot back before reporting the service done.
    pub fn withdraw(&self, mine: Option<ClaimView>) -> Result<Self, DomainError> {
        let Some(claim) = mine else {
            return Err(DomainError::not_found("claim"));
        };
        if claim.completed {
            return Err(DomainError::invalid(
                "already_completed",
                "a completed claim cannot be withdrawn",
            ));
        }
        if !matches!(self.status, NeedStatus::Open | NeedStatus::Claimed) {
            return Err(illegal(self.status, "withdraw from"));
        }
        Ok(Self {
            status: NeedStatus::Open,
            slots_taken: self.slots_taken - 1,
            ..self.clone()
        })
    }

    /// A claiming volunteer reports the service done. The need is done once every active claim
    /// has reported; it then takes no more claims.
    pub fn complete(
        &self,
        volunteer: Uuid,
        active_claims: &[ClaimView],
        minutes: i32,
    ) -> Result<Completion, DomainError> {
        let Some(mine) = active_claims
            .iter()
            .find(|c| c.volunteer_user_id == volunteer)
        else {
            return Err(DomainError::forbidden(
                "not_claimant",
                "only a volunteer who claimed the need may complete it",
            ));
        };
        if mine.completed {
            return Err(DomainError::conflict(
                "already_completed",
                "you have already reported this service",
            ));
        }
        if !matches!(self.status, NeedStatus::Open | NeedStatus::Claimed) {
            return Err(illegal(self.status, "complete"));
        }
        if !(1..=MAX_MINUTES).contains(&minutes) {
            return Err(DomainError::invalid(
                "invalid_minutes",
                "minutes must be 1 to 1440",
            ));
        }
        let others_pending = active_claims
            .iter()
            .any(|c| c.volunteer_user_id != volunteer && !c.completed);
        let status = if others_pending {
            self.status
        } else {
            NeedStatus::Done
        };
        Ok(Completion { status })
    }

    pub fn confirm(&self) -> Result<NeedStatus, DomainError> {
        match self.status {
            NeedStatus::Done => Ok(NeedStatus::Confirmed),
            NeedStatus::Confirmed => Err(DomainError::conflict(
                "already_confirmed",
                "the need is already confirmed",
            )),
            other => Err(illegal(other, "confirm")),
        }
    }

    pub fn cancel(&self) -> Result<NeedStatus, DomainError> {
        match self.status {
            NeedStatus::Open | NeedStatus::Claimed => Ok(NeedStatus::Cancelled),
            other => Err(illegal(other, "cancel")),
        }
    }
}

/// A rating of the help received: 1–5 stars, once, after the service is done. Returns whether
/// the rating is low enough to be flagged for a social worker.
pub fn rate(status: NeedStatus, stars: i32, already_rated: bool) -> Result<bool, DomainError> {
    if !(1..=5).contains(&stars) {
        return Err(DomainError::invalid(
            "invalid_stars",
            "stars must be 1 to 5",
        ));
    }
    if !matches!(status, NeedStatus::Done | NeedStatus::Confirmed) {
        return Err(illegal(status, "rate"));
    }
    if already_rated {
        return Err(DomainError::conflict(
            "already_rated",
            "this need has already been rated",
        ));
    }
    Ok(stars <= 2)
}

/// The periodic job's clocks, set per deployment.
#[derive(Debug, Clone, Copy)]
pub struct Timing {
    /// A done need is confirmed automatically this long after completion.
    pub auto_confirm_after: Duration,
    /// An open need unclaimed this long is escalated to team leads and social workers.
    pub escalate_after: Duration,
}

/// An open need whose window has closed expires.
pub fn expiry_due(status: NeedStatus, window_end: NaiveDateTime, now: NaiveDateTime) -> bool {
    status == NeedStatus::Open && window_end <= now
}

pub fn auto_confirm_due(
    status: NeedStatus,
    done_at: Option<NaiveDateTime>,
    now: NaiveDateTime,
    t: &Timing,
) -> bool {
    status == NeedStatus::Done && done_at.is_some_and(|d| d + t.auto_confirm_after <= now)
}

/// An open need nobody took within the escalation age: an elderly resident left waiting.
pub fn escalation_due(
    status: NeedStatus,
    slots_taken: i32,
    escalated: bool,
    created_at: NaiveDateTime,
    now: NaiveDateTime,
    t: &Timing,
) -> bool {
    status == NeedStatus::Open
        && slots_taken == 0
        && !escalated
        && created_at + t.escalate_after <= now
}

#[cfg(test)]
mod span_tests {
    use super::*;

    fn t(h: i64) -> NaiveDateTime {
        NaiveDateTime::parse_from_str("2026-03-01 08:00", "%Y-%m-%d %H:%M").unwrap()
            + Duration::hours(h)
    }

    #[test]
    fn a_service_fits_its_window_a_day_and_the_need_s_life() {
        let window = (t(0), t(4));
        let posted = t(1);
        assert_eq!(
            service_span(posted, window, 15, None, t(2)),
            Ok((t(2) - Duration::minutes(15), t(2)))
        );
        let e = |m, start, now| {
            service_span(posted, window, m, start, now)
                .unwrap_err()
                .code
        };
        assert_eq!(e(1440, None, t(30)), "minutes_exceed_window");
        assert_eq!(e(241, None, t(5)), "minutes_exceed_window");
        assert_eq!(e(30, Some(t(-24 * 365 * 100)), t(1)), "invalid_span");
        assert_eq!(e(30, Some(t(-2)), t(1)), "invalid_span");
        assert!(service_span(posted, window, 30, Some(t(0) - Duration::minutes(5)), t(2)).is_ok());
        assert_eq!(e(30, Some(t(2)), t(1)), "invalid_span");
        assert!(fits_window(240, window));
        assert!(!fits_window(0, window));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn t0() -> NaiveDateTime {
        NaiveDateTime::parse_from_str("2026-03-01 08:00", "%Y-%m-%d %H:%M").unwrap()
    }

    fn need(slots: i32) -> NeedState {
        NeedState {
            status: NeedStatus::Open,
            requester_id: Uuid::from_u128(1),
            slots,
            slots_taken: 0,
            window_end: t0() + Duration::hours(2),
        }
    }

    fn claim(v: u128) -> ClaimView {
        ClaimView {
            volunteer_user_id: Uuid::from_u128(v),
            completed: false,
        }
    }

    #[test]
    fn a_window_ends_within_half_a_year() {
        let draft = |days: i64| NeedDraft {
            window_start: t0(),
            window_end: t0() + Duration::days(days),
            estimated_minutes: 30,
            slots: 1,
        };
        assert!(draft(MAX_WINDOW_DAYS).validate(t0()).is_ok());
        assert_eq!(
            draft(MAX_WINDOW_DAYS + 1).validate(t0()).unwrap_err().code,
            "invalid_window"
        );
    }

    #[test]
    fn last_slot_makes_the_need_claimed_and_refuses_more() {
        let n = need(1).claim(Uuid::from_u128(2), &[], t0()).unwrap();
        assert_eq!(n.status, NeedStatus::Claimed);
        assert_eq!(
            n.claim(Uuid::from_u128(3), &[claim(2)], t0())
                .unwrap_err()
                .code,
            "need_full"
        );
    }

    #[test]
    fn claim_refusals_have_stable_codes() {
        let n = need(2);
        assert_eq!(
            n.claim(Uuid::from_u128(1), &[], t0()).unwrap_err().code,
            "own_need"
        );
        assert_eq!(
            n.claim(Uuid::from_u128(2), &[claim(2)], t0())
                .unwrap_err()
                .code,
            "already_claimed"
        );
        let late = t0() + Duration::hours(3);
        assert_eq!(
            n.claim(Uuid::from_u128(2), &[], late).unwrap_err().code,
            "need_expired"
        );
        let cancelled = NeedState {
            status: NeedStatus::Cancelled,
            ..n
        };
        assert_eq!(
            cancelled
                .claim(Uuid::from_u128(2), &[], t0())
                .unwrap_err()
                .code,
            "invalid_transition"
        );
    }

    #[test]
    fn need_is_done_when_every_claimant_reported() {
        let n = NeedState {
            status: NeedStatus::Claimed,
            slots_taken: 2,
            ..need(2)
        };
        let claims = [claim(2), claim(3)];
        assert_eq!(
            n.complete(Uuid::from_u128(2), &claims, 30).unwrap().status,
            NeedStatus::Claimed
        );
        let claims = [
            ClaimView {
                completed: true,
                ..claim(2)
            },
            claim(3),
        ];
        assert_eq!(
            n.complete(Uuid::from_u128(3), &claims, 30).unwrap().status,
            NeedStatus::Done
        );
        assert_eq!(
            n.complete(Uuid::from_u128(4), &claims, 30)
                .unwrap_err()
                .code,
            "not_claimant"
        );
        assert_eq!(
            n.complete(Uuid::from_u128(2), &claims, 30)
                .unwrap_err()
                .code,
            "already_completed"
        );
    }

    #[test]
    fn withdraw_reopens_the_slot() {
        let n = NeedState {
            status: NeedStatus::Claimed,
            slots_taken: 1,
            ..need(1)
        };
        let after = n.withdraw(Some(claim(2))).unwrap();
        assert_eq!((after.status, after.slots_taken), (NeedStatus::Open, 0));
        assert_eq!(n.withdraw(None).unwrap_err().code, "not_found");
    }

    #[test]
    fn rating_is_once_and_after_service() {
        assert_eq!(rate(NeedStatus::Done, 2, false), Ok(true));
        assert_eq!(rate(NeedStatus::Confirmed, 5, false), Ok(false));
        assert_eq!(
            rate(NeedStatus::Done, 5, true).unwrap_err().code,
            "already_rated"
        );
        assert_eq!(
            rate(NeedStatus::Open, 5, false).unwrap_err().code,
            "invalid_transition"
        );
        assert_eq!(
            rate(NeedStatus::Done, 6, false).unwrap_err().code,
            "invalid_stars"
        );
    }

    #[test]
    fn sweeps_fire_only_when_due() {
        let t = Timing {
            auto_confirm_after: Duration::hours(48),
            escalate_after: Duration::minutes(60),
        };
        assert!(expiry_due(NeedStatus::Open, t0(), t0()));
        assert!(!expiry_due(NeedStatus::Claimed, t0(), t0()));
        assert!(auto_confirm_due(
            NeedStatus::Done,
            Some(t0()),
            t0() + Duration::hours(48),
            &t
        ));
        assert!(!auto_confirm_due(
            NeedStatus::Done,
            Some(t0()),
            t0() + Duration::hours(47),
            &t
        ));
        assert!(escalation_due(
            NeedStatus::Open,
            0,
            false,
            t0(),
            t0() + Duration::minutes(60),
            &t
        ));
        assert!(!escalation_due(
            NeedStatus::Open,
            0,
            true,
            t0(),
            t0() + Duration::minutes(60),
            &t
        ));
        assert!(!escalation_due(
            NeedStatus::Open,
            1,
            false,
            t0(),
            t0() + Duration::minutes(60),
            &t
        ));
    }

    proptest! {
        /// Whatever order volunteers claim and withdraw in, slots_taken stays within 0..=slots
        /// and the status is `claimed` exactly when every slot is taken.
        #[test]
        fn slots_never_overflow(slots in 1i32..6, ops in proptest::collection::vec((2u128..10, any::<bool>()), 0..40)) {
            let mut n = need(slots);
            let mut claims: Vec<ClaimView> = vec![];
            for (v, withdraw) in ops {
                let who = Uuid::from_u128(v);
                if withdraw {
                    let mine = claims.iter().copied().find(|c| c.volunteer_user_id == who);
                    if let Ok(next) = n.withdraw(mine) { n = next; claims.retain(|c| c.volunteer_user_id != who); }
                } else if let Ok(next) = n.claim(who, &claims, t0()) {
                    n = next;
                    claims.push(ClaimView { volunteer_user_id: who, completed: false });
                }
                prop_assert!(n.slots_taken >= 0 && n.slots_taken <= n.slots);
                prop_assert_eq!(n.slots_taken as usize, claims.len());
                prop_assert_eq!(n.status == NeedStatus::Claimed, n.slots_taken == n.slots);
            }
        }
    }
}
