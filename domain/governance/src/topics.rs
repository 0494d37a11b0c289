//! A topic (议题) through the 六事: raised (点事), seconded and screened (定事), deliberated at a
//! meeting (议事), voted (决事), publicised and carried out (办事), evaluated (评事).

use canglong_core::{DomainError, NaiveDateTime, wire_enum};
use chrono::Duration;

use crate::scope::ScopeLevel;

wire_enum!(
    /// seconding → screening → accepted | merged | referred | rejected (or expired unseconded);
    /// accepted → scheduled → deliberated → voting → passed | failed | deferred; passed →
    /// publicised → in_progress → done → evaluated → closed, or back to in_progress when the
    /// evaluation is poor.
    TopicStatus {
        Seconding = "seconding",
        Expired = "expired",
        Screening = "screening",
        Accepted = "accepted",
        Merged = "merged",
        Referred = "referred",
        Rejected = "rejected",
        Scheduled = "scheduled",
        Deliberated = "deliberated",
        Voting = "voting",
        Passed = "passed",
        Failed = "failed",
        Deferred = "deferred",
        Publicised = "publicised",
        InProgress = "in_progress",
        Done = "done",
        Evaluated = "evaluated",
        Closed = "closed",
    }
);

wire_enum!(
    /// Staff's screening of a seconded topic (立项 or not), always with a public reason.
    Screening {
        Accept = "accept",
        Merge = "merge",
        Refer = "refer",
        Reject = "reject",
    }
);

wire_enum!(
    /// Who a referred topic goes to.
    Referral {
        PropertyCompany = "property_company",
        Subdistrict = "subdistrict",
    }
);

wire_enum!(
    /// A step in a topic's history (each with who, when and the public reason or note).
    TopicStep {
        Raised = "raised",
        Seconded = "seconded",
        Screened = "screened",
        Scheduled = "scheduled",
        Deliberated = "deliberated",
        Voted = "voted",
        Resolved = "resolved",
        Objected = "objected",
        Progress = "progress",
        Evaluated = "evaluated",
        Reopened = "reopened",
        Hidden = "hidden",
        Lapsed = "lapsed",
    }
);

impl TopicStatus {
    /// The matter is disposed of: screened out, voted down, or carried out. The figure "days to
    /// settle" runs from raising to this.
    pub fn settled(self) -> bool {
        matches!(
            self,
            Self::Expired
                | Self::Merged
                | Self::Referred
                | Self::Rejected
                | Self::Failed
                | Self::Done
                | Self::Evaluated
                | Self::Closed
        )
    }
}

/// Seconds needed and days to gather them, per scope, unless the community set its own.
pub fn default_threshold(level: ScopeLevel) -> (i32, i32) {
    match level {
        ScopeLevel::Building => (5, 30),
        ScopeLevel::Cluster => (10, 30),
        ScopeLevel::Community => (20, 30),
    }
}

/// Where a newly raised topic starts: seconding, or straight to screening when the community
/// asks for no seconds.
pub fn raised(needed: i32) -> TopicStatus {
    if needed > 0 {
        TopicStatus::Seconding
    } else {
        TopicStatus::Screening
    }
}

fn wrong(status: TopicStatus, what: &str) -> DomainError {
    DomainError::invalid(
        "wrong_status",
        format!("the topic is {}: {what}", status.as_str()),
    )
}

/// One more second (附议): only while seconding and before the expiry; the threshold reached
/// sends it to screening.
pub fn second(
    status: TopicStatus,
    seconds_after: i32,
    needed: i32,
    expires_at: NaiveDateTime,
    now: NaiveDateTime,
) -> Result<TopicStatus, DomainError> {
    if status != TopicStatus::Seconding {
        return Err(wrong(status, "it no longer takes seconds"));
    }
    if now >= expires_at {
        return Err(DomainError::invalid(
            "topic_expired",
            "the time to second this topic has passed",
        ));
    }
    Ok(if seconds_after >= needed {
        TopicStatus::Screening
    } else {
        TopicStatus::Seconding
    })
}

/// Staff's screening: only a topic in screening.
pub fn screen(status: TopicStatus, decision: Screening) -> Result<TopicStatus, DomainError> {
    if status != TopicStatus::Screening {
        return Err(wrong(status, "only a topic in screening is screened"));
    }
    Ok(match decision {
        Screening::Accept => TopicStatus::Accepted,
        Screening::Merge => TopicStatus::Merged,
        Screening::Refer => TopicStatus::Referred,
        Screening::Reject => TopicStatus::Rejected,
    })
}

/// A topic another may be merged into: live, not itself screened out or finished.
pub fn can_absorb(status: TopicStatus) -> bool {
    !status.settled() && !matches!(status, TopicStatus::Seconding)
}

/// On a meeting's agenda: an accepted topic, or one deferred to be taken up again.
pub fn schedule(status: TopicStatus) -> Result<TopicStatus, DomainError> {
    match status {
        TopicStatus::Accepted | TopicStatus::Deferred => Ok(TopicStatus::Scheduled),
        s => Err(wrong(
            s,
            "only an accepted or deferred topic goes on an agenda",
        )),
    }
}

wire_enum!(
    /// What the minutes say of a topic on the agenda: deliberated and to be decided by a vote,
    /// or deferred (not reached or not ready: back among the accepted topics).
    MinuteOutcome {
        ToVote = "to_vote",
        Deferred = "deferred",
    }
);

pub fn minute(status: TopicStatus, outcome: MinuteOutcome) -> Result<TopicStatus, DomainError> {
    if status != TopicStatus::Scheduled {
        return Err(wrong(status, "only a scheduled topic is minuted"));
    }
    Ok(match outcome {
        MinuteOutcome::ToVote => TopicStatus::Deliberated,
        MinuteOutcome::Deferred => TopicStatus::Accepted,
    })
}

/// A poll on a topic: once deliberated (or deferred after an inconclusive vote).
pub fn open_vote(status: TopicStatus) -> Result<TopicStatus, DomainError> {
    match status {
        TopicStatus::Deliberated | TopicStatus::Deferred => Ok(TopicStatus::Voting),
        s => Err(wrong(s, "a topic is voted on once deliberated")),
    }
}

/// 公示: a passed decision is published for `days` of objections.
pub fn publicise(
    status: TopicStatus,
    days: i32,
    now: NaiveDateTime,
) -> Result<NaiveDateTime, DomainError> {
    if status != TopicStatus::Passed {
        return Err(wrong(status, "only a passed decision is publicised"));
    }
    if !(1..=30).contains(&days) {
        return Err(DomainError::invalid(
            "invalid_window",
            "the objection window is 1 to 30 days",
        ));
    }
    Ok(now + Duration::days(days.into()))
}

/// An objection: during the 公示 window only.
pub fn may_object(
    status: TopicStatus,
    until: Option<NaiveDateTime>,
    now: NaiveDateTime,
) -> Result<(), DomainError> {
    match (status, until) {
        (TopicStatus::Publicised, Some(u)) if now < u => Ok(()),
        _ => Err(DomainError::invalid(
            "not_publicised",
            "objections are taken while the decision is publicised",
        )),
    }
}

/// A progress entry: once the objection window has passed, until done; 100 % is done.
pub fn progress(
    status: TopicStatus,
    until: Option<NaiveDateTime>,
    percent: i32,
    now: NaiveDateTime,
) -> Result<TopicStatus, DomainError> {
    match status {
        TopicStatus::Publicised if until.is_some_and(|u| now >= u) => {}
        TopicStatus::Publicised => {
            return Err(DomainError::invalid(
                "objection_window_open",
                "the decision is carried out once its objection window has passed",
            ));
        }
        TopicStatus::InProgress => {}
        s => {
            return Err(wrong(
                s,
                "progress is reported on a decision being carried out",
            ));
        }
    }
    Ok(if percent >= 100 {
        TopicStatus::Done
    } else {
        TopicStatus::InProgress
    })
}

/// Evaluations that decide a round.
pub const EVALUATIONS_TO_DECIDE: usize = 3;
/// Days after a decision is done before its evaluation closes the topic.
pub const EVALUATION_DAYS: i64 = 14;

/// After each evaluation of a done topic: with enough of them, a mean below three stars is
/// poor and reopens the work; otherwise the topic is evaluated.
pub fn evaluate(status: TopicStatus, stars: &[i32]) -> Result<TopicStatus, DomainError> {
    if !matches!(status, TopicStatus::Done | TopicStatus::Evaluated) {
        return Err(wrong(status, "a decision is evaluated once done"));
    }
    if stars.len() < EVALUATIONS_TO_DECIDE {
        return Ok(status);
    }
    let sum: i32 = stars.iter().sum();
    Ok(if sum < 3 * stars.len() as i32 {
        TopicStatus::InProgress
    } else {
        TopicStatus::Evaluated
    })
}

/// What time alone does to a topic: unseconded by the expiry it lapses; the objection window
/// over, the decision is being carried out; a fortnight after it was done, it closes.
pub fn lapse(
    status: TopicStatus,
    expires_at: NaiveDateTime,
    objection_until: Option<NaiveDateTime>,
    done_at: Option<NaiveDateTime>,
    now: NaiveDateTime,
) -> Option<TopicStatus> {
    match status {
        TopicStatus::Seconding if now >= expires_at => Some(TopicStatus::Expired),
        TopicStatus::Publicised if objection_until.is_some_and(|u| now >= u) => {
            Some(TopicStatus::InProgress)
        }
        TopicStatus::Done | TopicStatus::Evaluated
            if done_at.is_some_and(|d| now >= d + Duration::days(EVALUATION_DAYS)) =>
        {
            Some(TopicStatus::Closed)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn t(day: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 12, day)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap()
    }

    #[test]
    fn seconds_reach_screening_before_expiry() {
        use TopicStatus as S;
        assert_eq!(raised(0), S::Screening);
        assert_eq!(
            second(S::Seconding, 4, 5, t(30), t(2)).unwrap(),
            S::Seconding
        );
        assert_eq!(
            second(S::Seconding, 5, 5, t(30), t(2)).unwrap(),
            S::Screening
        );
        assert_eq!(
            second(S::Seconding, 5, 5, t(2), t(2)).unwrap_err().code,
            "topic_expired"
        );
        assert_eq!(
            second(S::Screening, 6, 5, t(30), t(2)).unwrap_err().code,
            "wrong_status"
        );
    }

    #[test]
    fn screening_and_the_meeting() {
        use TopicStatus as S;
        assert_eq!(screen(S::Screening, Screening::Merge).unwrap(), S::Merged);
        assert!(screen(S::Accepted, Screening::Reject).is_err());
        assert_eq!(schedule(S::Accepted).unwrap(), S::Scheduled);
        assert!(schedule(S::Screening).is_err());
        assert_eq!(
            minute(S::Scheduled, MinuteOutcome::Deferred).unwrap(),
            S::Accepted
        );
        assert_eq!(open_vote(S::Deliberated).unwrap(), S::Voting);
        assert!(open_vote(S::Accepted).is_err());
    }

    #[test]
    fn publicity_delivery_and_evaluation() {
        use TopicStatus as S;
        let until = publicise(S::Passed, 7, t(1)).unwrap();
        assert_eq!(until, t(8));
        assert!(publicise(S::Failed, 7, t(1)).is_err());
        assert!(publicise(S::Passed, 0, t(1)).is_err());
        assert!(may_object(S::Publicised, Some(until), t(7)).is_ok());
        assert!(may_object(S::Publicised, Some(until), t(8)).is_err());
        assert_eq!(
            progress(S::Publicised, Some(until), 30, t(7))
                .unwrap_err()
                .code,
            "objection_window_open"
        );
        assert_eq!(
            progress(S::Publicised, Some(until), 30, t(8)).unwrap(),
            S::InProgress
        );
        assert_eq!(
            progress(S::InProgress, Some(until), 100, t(9)).unwrap(),
            S::Done
        );
        assert_eq!(evaluate(S::Done, &[1, 2]).unwrap(), S::Done);
        assert_eq!(evaluate(S::Done, &[1, 2, 5]).unwrap(), S::InProgress);
        assert_eq!(evaluate(S::Done, &[3, 3, 3]).unwrap(), S::Evaluated);
        assert!(evaluate(S::InProgress, &[5]).is_err());
    }

    #[test]
    fn time_moves_topics() {
        use TopicStatus as S;
        assert_eq!(
            lapse(S::Seconding, t(5), None, None, t(5)),
            Some(S::Expired)
        );
        assert_eq!(lapse(S::Seconding, t(5), None, None, t(4)), None);
        assert_eq!(
            lapse(S::Publicised, t(1), Some(t(8)), None, t(9)),
            Some(S::InProgress)
        );
        assert_eq!(
            lapse(S::Done, t(1), None, Some(t(1)), t(15)),
            Some(S::Closed)
        );
        assert_eq!(lapse(S::Done, t(1), None, Some(t(1)), t(14)), None);
    }
}
