//! Notices to people: what kinds there are, which preference switch governs each, and how a
//! WeChat subscribe message that failed is retried (the outbox's delivery policy).

use crate::wire_enum;

wire_enum!(
    /// What a notice is about; also the key of the subscribe-message grant and template.
    NoticeKind {
        NeedClaimed = "need_claimed",
        NeedCompleted = "need_completed",
        NeedConfirmed = "need_confirmed",
        ServiceVerified = "service_verified",
        VoucherExpiring = "voucher_expiring",
        VolunteerDecided = "volunteer_decided",
        MerchantDecided = "merchant_decided",
        EnrolmentPromoted = "enrolment_promoted",
        SuggestionAnswered = "suggestion_answered",
        LowRating = "low_rating",
        NeedEscalated = "need_escalated",
        CareGap = "care_gap",
        TopicUpdated = "topic_updated",
        MeetingInvited = "meeting_invited",
        BallotAssisted = "ballot_assisted",
    }
);

wire_enum!(
    /// A WeChat message's delivery: waiting, being sent (leased), sent, given up after repeated
    /// failures, or refused by WeChat for good.
    OutboxStatus {
        Pending = "pending",
        Sending = "sending",
        Sent = "sent",
        Dead = "dead",
        FailedPermanent = "failed_permanent",
    }
);

impl NoticeKind {
    /// The preference (`PATCH /me` `notification_preferences`) that can turn its WeChat message
    /// off. The in-app inbox always keeps the notice: it is the person's record.
    pub fn preference(self) -> &'static str {
        match self {
            Self::NeedClaimed
            | Self::NeedCompleted
            | Self::NeedConfirmed
            | Self::LowRating
            | Self::NeedEscalated
            | Self::CareGap => "need_updates",
            Self::ServiceVerified => "points",
            Self::VoucherExpiring => "vouchers",
            Self::EnrolmentPromoted
            | Self::SuggestionAnswered
            | Self::TopicUpdated
            | Self::MeetingInvited
            | Self::BallotAssisted => "activities",
            Self::VolunteerDecided | Self::MerchantDecided => "applications",
        }
    }
}

/// The preference switches a person may set.
pub const PREFERENCES: [&str; 5] = [
    "need_updates",
    "points",
    "vouchers",
    "activities",
    "applications",
];

/// What to do with a subscribe message after WeChat answered `errcode` (`None`: unreachable or
/// an unreadable answer).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    Sent,
    /// Try again later (WeChat busy, a network error, an unexpected answer).
    Retry,
    /// The access token went stale: refresh it once and resend at once.
    RefreshToken,
    /// Never retry: the person refused or unsubscribed (43101), the data does not fit the
    /// template (47003), or the configuration is wrong (40003, 41030, 40037).
    Permanent,
}

pub fn classify(errcode: Option<i64>) -> Delivery {
    match errcode {
        Some(0) => Delivery::Sent,
        Some(40001 | 42001) => Delivery::RefreshToken,
        Some(43101 | 47003 | 40003 | 41030 | 40037) => Delivery::Permanent,
        _ => Delivery::Retry,
    }
}

/// Seconds to wait before attempt `attempts + 1`: doubling from `base`, at most an hour.
pub fn backoff_secs(base: u64, attempts: u32) -> u64 {
    base.saturating_mul(1u64 << attempts.min(16)).min(3600)
}

/// WeChat's `thing` fields take at most 20 characters: longer values are refused (47003), so
/// they are cut, with an ellipsis, before sending.
pub fn fit(value: &str, max_chars: usize) -> String {
    if value.chars().count() <= max_chars {
        return value.to_string();
    }
    let mut s: String = value.chars().take(max_chars.saturating_sub(1)).collect();
    s.push('…');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errcodes_decide_retry() {
        assert_eq!(classify(Some(0)), Delivery::Sent);
        assert_eq!(classify(Some(43101)), Delivery::Permanent);
        assert_eq!(classify(Some(47003)), Delivery::Permanent);
        assert_eq!(classify(Some(40001)), Delivery::RefreshToken);
        assert_eq!(classify(Some(-1)), Delivery::Retry);
        assert_eq!(classify(None), Delivery::Retry);
    }

    #[test]
    fn backoff_doubles_and_caps() {
        assert_eq!(backoff_secs(30, 0), 30);
        assert_eq!(backoff_secs(30, 3), 240);
        assert_eq!(backoff_secs(30, 40), 3600);
        assert_eq!(backoff_secs(0, 5), 0);
    }

    #[test]
    fn fit_counts_characters_not_bytes() {
        assert_eq!(fit("代买药品", 20), "代买药品");
        let long = "一".repeat(25);
        let cut = fit(&long, 20);
        assert_eq!(cut.chars().count(), 20);
        assert!(cut.ends_with('…'));
    }

    #[test]
    fn every_kind_has_a_known_preference() {
        for k in NoticeKind::ALL {
            assert!(PREFERENCES.contains(&k.preference()), "{k:?}");
        }
    }
}
