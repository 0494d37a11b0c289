//! Volunteer profiles: when someone may help ([`Availability`]) and the approval lifecycle
//! ([`VolunteerStatus::decide`]).

use canglong_core::{DomainError, NaiveDateTime};
use chrono::{Datelike, FixedOffset, NaiveTime, TimeZone};
use serde::{Deserialize, Serialize};

/// Weekly slots are written in the community's local time (China Standard Time, UTC+8).
const LOCAL_OFFSET_SECS: i32 = 8 * 3600;

canglong_core::wire_enum!(
    VolunteerStatus {
        Pending = "pending",
        Active = "active",
        Suspended = "suspended",
        Rejected = "rejected",
    }
);

canglong_core::wire_enum!(
    /// A service record: pending until a social worker verifies it (社区验收).
    RecordStatus {
        Pending = "pending",
        Verified = "verified",
        Rejected = "rejected",
    }
);

canglong_core::wire_enum!(
    /// The outcome of quality acceptance.
    Quality {
        Pass = "pass",
        Fail = "fail",
    }
);

canglong_core::wire_enum!(
    /// Where a service record came from: a need's completion, a session's volunteers, or staff.
    RecordSource {
        Need = "need",
        Session = "session",
        Staff = "staff",
    }
);

canglong_core::wire_enum!(
    /// A social worker's pairing with a volunteer (1+N): one active pairing per volunteer.
    PairingStatus {
        Active = "active",
        Ended = "ended",
    }
);

canglong_core::wire_enum!(
    /// Who gives a training: a teacher, the police, medical staff, a social worker, or another.
    TrainerKind {
        Teacher = "teacher",
        Police = "police",
        Medical = "medical",
        SocialWorker = "social_worker",
        Other = "other",
    }
);

impl VolunteerStatus {
    /// A community admin's decision: approve or reject an application, suspend an active
    /// volunteer, reinstate a suspended one.
    pub fn decide(self, approve: bool) -> Result<Self, DomainError> {
        match (self, approve) {
            (Self::Pending, true) | (Self::Suspended, true) => Ok(Self::Active),
            (Self::Pending, false) => Ok(Self::Rejected),
            (Self::Active, false) => Ok(Self::Suspended),
            (from, _) => Err(DomainError::invalid(
                "invalid_transition",
                format!(
                    "a {} volunteer cannot be {}",
                    from.as_str(),
                    if approve { "approved" } else { "rejected" }
                ),
            )),
        }
    }

    /// Whether an application may be (re)submitted over a profile in this state.
    pub fn may_reapply(self) -> Result<(), DomainError> {
        match self {
            Self::Rejected => Ok(()),
            Self::Pending | Self::Active => Err(DomainError::conflict(
                "already_applied",
                "a volunteer profile already exists",
            )),
            Self::Suspended => Err(DomainError::forbidden(
                "volunteer_suspended",
                "the profile is suspended",
            )),
        }
    }
}

/// When a volunteer can help: any time ("flexible", as riders between deliveries), or weekly slots.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Availability {
    Flexible,
    Weekly(Vec<WeeklySlot>),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WeeklySlot {
    /// 1 = Monday … 7 = Sunday.
    pub weekday: u8,
    pub from: String,
    pub to: String,
}

impl WeeklySlot {
    fn times(&self) -> Option<(NaiveTime, NaiveTime)> {
        let from = NaiveTime::parse_from_str(&self.from, "%H:%M").ok()?;
        let to = NaiveTime::parse_from_str(&self.to, "%H:%M").ok()?;
        Some((from, to))
    }
}

impl Availability {
    pub fn validate(&self) -> Result<(), DomainError> {
        let Availability::Weekly(slots) = self else {
            return Ok(());
        };
        if slots.is_empty() || slots.len() > 21 {
            return Err(DomainError::invalid(
                "invalid_availability",
                "weekly needs 1 to 21 slots",
            ));
        }
        for s in slots {
            let ok = (1..=7).contains(&s.weekday) && s.times().is_some_and(|(f, t)| f < t);
            if !ok {
                return Err(DomainError::invalid(
                    "invalid_availability",
                    "each slot needs weekday 1-7 and from < to as HH:MM",
                ));
            }
        }
        Ok(())
    }

    /// Whether the volunteer can be there at `start` (UTC) for `minutes`.
    pub fn covers(&self, start: NaiveDateTime, minutes: i32) -> bool {
        let Availability::Weekly(slots) = self else {
            return true;
        };
        let Some(offset) = FixedOffset::east_opt(LOCAL_OFFSET_SECS) else {
            return false;
        };
        let local = offset.from_utc_datetime(&start);
        let weekday = local.weekday().number_from_monday() as u8;
        let begin = local.time();
        let end = begin + chrono::Duration::minutes(i64::from(minutes));
        slots.iter().any(|s| {
            s.weekday == weekday
                && s.times()
                    .is_some_and(|(f, t)| f <= begin && end <= t && begin <= end)
        })
    }
}

impl RecordSource {
    /// Where the hours were served, as a certificate names it.
    pub fn organisation(self) -> &'static str {
        match self {
            Self::Need => "社区需求服务",
            Self::Session => "社区项目活动",
            Self::Staff => "社区志愿服务台账",
        }
    }
}

/// A name as a certificate shows it to whoever holds its code: the first character, the rest
/// hidden (王小明 → 王**), so a school can match it to the person in front of them and nobody
/// can harvest names by guessing codes.
pub fn masked_name(name: &str) -> String {
    let mut chars = name.trim().chars();
    match chars.next() {
        None => String::new(),
        Some(first) => format!("{first}{}", "*".repeat(chars.count().max(1))),
    }
}

/// The default end of a certificate's period: the next local midnight (UTC+8) after `at`, so a
/// certificate asked for twice in a day covers the same period and is the same document.
pub fn certificate_end(at: NaiveDateTime) -> NaiveDateTime {
    let offset = chrono::Duration::seconds(i64::from(LOCAL_OFFSET_SECS));
    let day = (at + offset).date() + chrono::Duration::days(1);
    day.and_time(NaiveTime::MIN) - offset
}

/// Verified minutes per local month (`YYYY-MM`, UTC+8) of `(when served, minutes)`.
pub fn minutes_by_month(
    served: impl IntoIterator<Item = (NaiveDateTime, i64)>,
) -> std::collections::BTreeMap<String, i64> {
    let mut by_month = std::collections::BTreeMap::new();
    for (at, minutes) in served {
        let local = at + chrono::Duration::seconds(i64::from(LOCAL_OFFSET_SECS));
        *by_month
            .entry(local.format("%Y-%m").to_string())
            .or_insert(0) += minutes;
    }
    by_month
}

/// Skills and places are short tags: 1 to 30 characters each, not blank.
pub fn check_tags(list: &[String], what: &str) -> Result<(), DomainError> {
    if list
        .iter()
        .any(|s| s.trim().is_empty() || s.chars().count() > 30)
    {
        return Err(DomainError::invalid(
            "validation_failed",
            format!("each of {what} must be 1 to 30 characters"),
        ));
    }
    Ok(())
}

impl VolunteerStatus {
    /// What the applicant is told of a decision (with the admin's reason, when given).
    pub fn decision_notice(self, reason: Option<&str>) -> String {
        let detail = match self {
            Self::Active => "您的志愿者申请已通过，欢迎加入！",
            Self::Rejected => "您的志愿者申请未通过。",
            Self::Suspended => "您的志愿者资格已暂停，记录与积分保留。",
            Self::Pending => "您的志愿者申请待审核。",
        };
        match reason {
            Some(r) => format!("{detail}说明：{r}"),
            None => detail.to_string(),
        }
    }
}

/// A service is verified only once its work has ended: a session's volunteers are not credited
/// for a class that has not happened yet.
pub fn verifiable(ended_at: Option<NaiveDateTime>, now: NaiveDateTime) -> Result<(), DomainError> {
    match ended_at {
        Some(end) if end > now => Err(DomainError::invalid(
            "work_not_ended",
            "this service has not ended yet; verify it afterwards",
        )),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn certificate_names_are_masked_and_periods_end_at_local_midnight() {
        assert_eq!(masked_name("王小明"), "王**");
        assert_eq!(masked_name("李"), "李*");
        assert_eq!(masked_name(" "), "");
        let at = chrono::NaiveDate::from_ymd_opt(2026, 3, 1)
            .unwrap()
            .and_hms_opt(17, 30, 0)
            .unwrap(); // 01:30 on 2 March in Wuhan
        assert_eq!(
            certificate_end(at),
            chrono::NaiveDate::from_ymd_opt(2026, 3, 2)
                .unwrap()
                .and_hms_opt(16, 0, 0)
                .unwrap()
        );
    }

    #[test]
    fn work_is_verified_after_it_ended() {
        let t = chrono::NaiveDate::from_ymd_opt(2026, 3, 1)
            .and_then(|d| d.and_hms_opt(8, 0, 0))
            .unwrap();
        let later = t + chrono::Duration::hours(1);
        assert_eq!(
            super::verifiable(Some(later), t).unwrap_err().code,
            "work_not_ended"
        );
        assert!(super::verifiable(Some(t), later).is_ok());
        assert!(super::verifiable(None, t).is_ok());
    }

    use super::*;

    fn utc(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn decisions_follow_the_lifecycle() {
        use VolunteerStatus::*;
        assert_eq!(Pending.decide(true), Ok(Active));
        assert_eq!(Pending.decide(false), Ok(Rejected));
        assert_eq!(Active.decide(false), Ok(Suspended));
        assert_eq!(Suspended.decide(true), Ok(Active));
        assert!(Active.decide(true).is_err());
        assert!(Rejected.decide(true).is_err());
        assert!(Rejected.may_reapply().is_ok());
        assert!(Pending.may_reapply().is_err());
    }

    #[test]
    fn weekly_slots_are_local_time() {
        // 2026-03-02 is a Monday; 01:00 UTC is 09:00 in Wuhan.
        let a = Availability::Weekly(vec![WeeklySlot {
            weekday: 1,
            from: "08:00".into(),
            to: "12:00".into(),
        }]);
        assert!(a.validate().is_ok());
        assert!(a.covers(utc("2026-03-02 01:00"), 60));
        assert!(!a.covers(utc("2026-03-02 01:00"), 240));
        assert!(!a.covers(utc("2026-03-03 01:00"), 30));
        assert!(Availability::Flexible.covers(utc("2026-03-03 01:00"), 30));
    }

    #[test]
    fn bad_slots_are_refused() {
        let bad = Availability::Weekly(vec![WeeklySlot {
            weekday: 8,
            from: "08:00".into(),
            to: "09:00".into(),
        }]);
        assert!(bad.validate().is_err());
        let inverted = Availability::Weekly(vec![WeeklySlot {
            weekday: 1,
            from: "10:00".into(),
            to: "09:00".into(),
        }]);
        assert!(inverted.validate().is_err());
    }

    #[test]
    fn wire_shape_is_flexible_or_weekly() {
        assert_eq!(
            serde_json::to_string(&Availability::Flexible).unwrap(),
            "\"flexible\""
        );
    }
}
