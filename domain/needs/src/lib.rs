//! Needs (需求) and their lifecycle: open → claimed → done → confirmed, or cancelled / expired.
//! Every transition is a pure function of a [`NeedState`] that returns the next state or a
//! [`DomainError`] with a stable code; storage applies the result in one transaction.

mod kinds;
mod lifecycle;
mod matching;

pub use kinds::{
    Category, ClaimStatus, MICRO_MAX_MINUTES, NeedAction, NeedStatus, TargetGroup, is_micro,
};
pub use lifecycle::{
    ClaimView, Completion, NeedDraft, NeedState, Timing, auto_confirm_due, escalation_due,
    expiry_due, fits_window, rate, service_span,
};
pub use matching::{Candidate, MatchProfile, match_score, rank};
