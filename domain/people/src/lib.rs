//! The people behind the needs: residents registered without a phone (with their consent
//! recorded), family proxies (亲情代理), building heads (楼栋长) and their reach, the care an
//! elder receives and the gaps in it, and the order of the staff's work queue.

use canglong_core::{DomainError, NaiveDateTime, wire_enum};
use chrono::Duration;

pub mod care;
pub mod queue;

wire_enum!(
    /// What the directory notes of a resident, for care and outreach.
    ResidentTag {
        LivingAlone = "living_alone",
        Elderly = "elderly",
        Disability = "disability",
        NoPhone = "no_phone",
        Child = "child",
        NewEmployment = "new_employment",
    }
);

impl ResidentTag {
    /// Residents whose weeks without a visit are a care gap.
    pub fn needs_visits(self) -> bool {
        matches!(self, Self::LivingAlone | Self::Elderly)
    }
}

wire_enum!(
    /// How a resident without the app consented to being registered.
    ConsentMethod {
        Paper = "paper",
        InPerson = "in_person",
    }
);

wire_enum!(
    /// A family proxy link: asked by the family member, confirmed by the elder (or by staff
    /// who met them), or declined; either side or staff may end it.
    RelativeStatus {
        Pending = "pending",
        Confirmed = "confirmed",
        Declined = "declined",
        Ended = "ended",
    }
);

impl RelativeStatus {
    /// Pending → confirmed | declined; confirmed → ended. Nothing else moves.
    pub fn decide(self, to: Self) -> Result<Self, DomainError> {
        match (self, to) {
            (Self::Pending, Self::Confirmed | Self::Declined) | (Self::Confirmed, Self::Ended) => {
                Ok(to)
            }
            (Self::Pending, Self::Ended) => Ok(Self::Declined),
            _ => Err(DomainError::invalid(
                "invalid_transition",
                format!("a {} link cannot become {}", self.as_str(), to.as_str()),
            )),
        }
    }
}

wire_enum!(
    /// A dispute mediation case (调解): open while sessions are held, agreed once the parties
    /// sign, closed after the follow-up.
    MediationStatus {
        Open = "open",
        Agreed = "agreed",
        Closed = "closed",
    }
);

impl MediationStatus {
    pub fn advance(self, to: Self) -> Result<Self, DomainError> {
        match (self, to) {
            (Self::Open, Self::Agreed | Self::Closed) | (Self::Agreed, Self::Closed) => Ok(to),
            _ => Err(DomainError::invalid(
                "invalid_transition",
                format!("a {} case cannot become {}", self.as_str(), to.as_str()),
            )),
        }
    }
}

/// How long a binding code works: long enough for a family to visit, short enough that a lost
/// slip of paper is soon worthless.
pub const BINDING_CODE_DAYS: i64 = 7;

/// Whether a binding code issued to be used by `expires_at` still works at `now`.
pub fn binding_usable(
    expires_at: NaiveDateTime,
    used_at: Option<NaiveDateTime>,
    now: NaiveDateTime,
) -> Result<(), DomainError> {
    if used_at.is_some() {
        return Err(DomainError::conflict(
            "binding_code_used",
            "this binding code was already used",
        ));
    }
    if now >= expires_at {
        return Err(DomainError::invalid(
            "binding_code_expired",
            "this binding code has expired; ask the community for a new one",
        ));
    }
    Ok(())
}

pub fn binding_expiry(now: NaiveDateTime) -> NaiveDateTime {
    now + Duration::days(BINDING_CODE_DAYS)
}

/// A phone as the directory keeps it: 11 digits starting with 1.
pub fn check_phone(phone: &str) -> Result<(), DomainError> {
    if phone.len() == 11 && phone.starts_with('1') && phone.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(DomainError::invalid(
            "invalid_phone",
            "phone must be 11 digits starting with 1",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(h: i64) -> NaiveDateTime {
        chrono::DateTime::from_timestamp(1_800_000_000 + h * 3600, 0)
            .unwrap()
            .naive_utc()
    }

    #[test]
    fn links_move_only_forward() {
        use RelativeStatus::*;
        assert_eq!(Pending.decide(Confirmed), Ok(Confirmed));
        assert_eq!(Pending.decide(Ended), Ok(Declined));
        assert_eq!(Confirmed.decide(Ended), Ok(Ended));
        assert!(Confirmed.decide(Confirmed).is_err());
        assert!(Declined.decide(Confirmed).is_err());
        assert!(Ended.decide(Confirmed).is_err());
    }

    #[test]
    fn cases_close_once() {
        use MediationStatus::*;
        assert!(Open.advance(Agreed).is_ok());
        assert!(Agreed.advance(Closed).is_ok());
        assert!(Closed.advance(Open).is_err());
        assert!(Agreed.advance(Agreed).is_err());
    }

    #[test]
    fn a_binding_code_works_once_within_its_week() {
        let issued = t(0);
        let expires = binding_expiry(issued);
        assert!(binding_usable(expires, None, t(24)).is_ok());
        assert_eq!(
            binding_usable(expires, Some(t(1)), t(2)).unwrap_err().code,
            "binding_code_used"
        );
        assert_eq!(
            binding_usable(expires, None, t(24 * 7)).unwrap_err().code,
            "binding_code_expired"
        );
    }

    #[test]
    fn phones_are_mainland_mobiles() {
        assert!(check_phone("13812345678").is_ok());
        assert!(check_phone("1381234567").is_err());
        assert!(check_phone("23812345678").is_err());
    }
}
