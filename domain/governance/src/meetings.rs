//! Deliberation meetings: a bench meeting (板凳议事会) of a building or an estate cluster, or a
//! hall meeting (议事厅) of the community; registration before, check-in at the door, minutes
//! confirmed by those present.

use canglong_core::{DomainError, NaiveDateTime, wire_enum};
use chrono::Duration;

use crate::scope::ScopeLevel;

wire_enum!(
    MeetingKind {
        Bench = "bench",
        Hall = "hall",
    }
);

/// A bench meeting sits in a building or a cluster; a hall meeting is the community's.
pub fn check_kind(kind: MeetingKind, level: ScopeLevel) -> Result<(), DomainError> {
    match (kind, level) {
        (MeetingKind::Bench, ScopeLevel::Building | ScopeLevel::Cluster)
        | (MeetingKind::Hall, ScopeLevel::Community) => Ok(()),
        _ => Err(DomainError::invalid(
            "invalid_scope",
            "a bench meeting is a building's or a cluster's; a hall meeting the community's",
        )),
    }
}

/// Registration closes when the meeting starts.
pub fn may_register(starts_at: NaiveDateTime, now: NaiveDateTime) -> Result<(), DomainError> {
    if now < starts_at {
        Ok(())
    } else {
        Err(DomainError::invalid(
            "registration_closed",
            "registration closes when the meeting starts",
        ))
    }
}

/// The door is open from an hour before the start to twelve hours after.
pub fn may_check_in(starts_at: NaiveDateTime, now: NaiveDateTime) -> Result<(), DomainError> {
    if now >= starts_at - Duration::hours(1) && now <= starts_at + Duration::hours(12) {
        Ok(())
    } else {
        Err(DomainError::invalid(
            "outside_window",
            "check-in runs from an hour before the start to twelve hours after",
        ))
    }
}

/// Minutes are taken once the meeting has started, once.
pub fn may_minute(
    starts_at: NaiveDateTime,
    minuted: bool,
    now: NaiveDateTime,
) -> Result<(), DomainError> {
    if minuted {
        return Err(DomainError::conflict(
            "minutes_recorded",
            "the minutes are already recorded",
        ));
    }
    if now < starts_at {
        return Err(DomainError::invalid(
            "not_started",
            "minutes are taken once the meeting has started",
        ));
    }
    Ok(())
}

/// The minutes stand confirmed when more than half of those present have confirmed them.
pub fn confirmed(confirmations: i64, present: i64) -> bool {
    present > 0 && confirmations * 2 > present
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn at(h: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 12, 5)
            .unwrap()
            .and_hms_opt(h, 0, 0)
            .unwrap()
    }

    #[test]
    fn kinds_windows_and_confirmation() {
        assert!(check_kind(MeetingKind::Bench, ScopeLevel::Cluster).is_ok());
        assert!(check_kind(MeetingKind::Bench, ScopeLevel::Community).is_err());
        assert!(check_kind(MeetingKind::Hall, ScopeLevel::Building).is_err());
        assert!(may_register(at(10), at(9)).is_ok());
        assert!(may_register(at(10), at(10)).is_err());
        assert!(may_check_in(at(10), at(9)).is_ok());
        assert!(may_check_in(at(10), at(8)).is_err());
        assert!(may_minute(at(10), false, at(11)).is_ok());
        assert_eq!(
            may_minute(at(10), true, at(11)).unwrap_err().code,
            "minutes_recorded"
        );
        assert!(!confirmed(2, 4));
        assert!(confirmed(3, 4));
        assert!(!confirmed(0, 0));
    }
}
