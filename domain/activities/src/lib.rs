//! Projects (项目化运作) and their activities: project status, enrolment with a waitlist that
//! moves up, rotating check-in codes, and rooms that host one session at a time.

pub mod associations;
pub mod campaigns;
pub mod spaces;

use canglong_core::{DomainError, NaiveDateTime, wire_enum};
use sha2::{Digest, Sha256};

wire_enum!(
    /// plan together → run together → review together (方案共谋—实施共管—制度共建), then close.
    ProjectStatus {
        Planning = "planning",
        Running = "running",
        Reviewing = "reviewing",
        Closed = "closed",
    }
);

impl ProjectStatus {
    /// Projects move forward one step at a time.
    pub fn advance(self, to: Self) -> Result<Self, DomainError> {
        let next = match self {
            Self::Planning => Self::Running,
            Self::Running => Self::Reviewing,
            Self::Reviewing => Self::Closed,
            Self::Closed => {
                return Err(DomainError::invalid(
                    "invalid_transition",
                    "a closed project stays closed",
                ));
            }
        };
        if to == next {
            Ok(next)
        } else {
            Err(DomainError::invalid(
                "invalid_transition",
                format!("a {} project goes to {} next", self.as_str(), next.as_str()),
            ))
        }
    }
}

wire_enum!(
    /// Who organises a project: the community, a social worker, a volunteer team or a partner.
    OrganiserKind {
        Community = "community",
        SocialWorker = "social_worker",
        Team = "team",
        Partner = "partner",
    }
);

wire_enum!(
    /// A partner organisation (共建线).
    PartnerKind {
        University = "university",
        Company = "company",
        SocialOrganisation = "social_organisation",
        Other = "other",
    }
);

/// A project's period, and a session's time and enrolment window, each end after they start.
pub fn check_windows(windows: &[(NaiveDateTime, NaiveDateTime)]) -> Result<(), DomainError> {
    if windows.iter().any(|(start, end)| end <= start) {
        return Err(DomainError::invalid(
            "invalid_window",
            "each window must end after it starts",
        ));
    }
    Ok(())
}

wire_enum!(
    EnrolmentStatus {
        Enrolled = "enrolled",
        Waitlisted = "waitlisted",
        Cancelled = "cancelled",
        Attended = "attended",
    }
);

/// Where a new enrolment of `party` people goes, with `seats_left` seats left and the window.
pub fn enrol(
    party: i32,
    seats_left: i32,
    window: (NaiveDateTime, NaiveDateTime),
    now: NaiveDateTime,
) -> Result<EnrolmentStatus, DomainError> {
    if now < window.0 || window.1 <= now {
        return Err(DomainError::invalid(
            "enrolment_closed",
            "enrolment is not open now",
        ));
    }
    if party < 1 {
        return Err(DomainError::invalid(
            "invalid_party",
            "an enrolment is for at least one person",
        ));
    }
    Ok(if party <= seats_left {
        EnrolmentStatus::Enrolled
    } else {
        EnrolmentStatus::Waitlisted
    })
}

/// Who moves up when seats free: waitlisted enrolments in order, each promoted if its party fits
/// the seats still free (a larger party does not block a smaller one behind it).
pub fn promote<K: Copy>(waitlist: &[(K, i32)], mut seats_left: i32) -> Vec<K> {
    let mut promoted = vec![];
    for (key, party) in waitlist {
        if *party <= seats_left {
            seats_left -= party;
            promoted.push(*key);
        }
    }
    promoted
}

/// Whether two time spans overlap (a room hosts one session at a time).
pub fn overlaps(a: (NaiveDateTime, NaiveDateTime), b: (NaiveDateTime, NaiveDateTime)) -> bool {
    a.0 < b.1 && b.0 < a.1
}

/// How long one check-in code is shown at the door.
pub const CODE_STEP_SECONDS: i64 = 30;

/// The six-digit check-in code of a session for the step containing `at`: a keyed hash of the
/// session's secret and the step, so a code cannot be worked out without the secret.
pub fn checkin_code(secret: &str, at: NaiveDateTime) -> String {
    code_for_step(
        secret,
        at.and_utc().timestamp().div_euclid(CODE_STEP_SECONDS),
    )
}

fn code_for_step(secret: &str, step: i64) -> String {
    let digest = Sha256::new()
        .chain_update(secret.as_bytes())
        .chain_update(step.to_be_bytes())
        .finalize();
    let n = u32::from_be_bytes([digest[0], digest[1], digest[2], digest[3]]) % 1_000_000;
    format!("{n:06}")
}

/// A code is good for its own step and one step back (the one just replaced on the screen).
pub fn checkin_valid(secret: &str, code: &str, at: NaiveDateTime) -> bool {
    let step = at.and_utc().timestamp().div_euclid(CODE_STEP_SECONDS);
    [step, step - 1]
        .iter()
        .any(|s| code_for_step(secret, *s) == code)
}

/// How long before the start the door opens for check-in.
pub const CHECKIN_OPENS_MINUTES: i64 = 30;
/// Wrong codes one person may enter for one session. With two valid codes out of 10⁶ at any
/// time, a person's chance to guess within the limit is 10⁻⁵, and a full class of 50 together
/// stays under 10⁻³.
pub const MAX_CHECKIN_REFUSALS: i64 = 5;

/// Check-in is open from shortly before the start to the end of the session, never at other
/// times: attendance points exist only for being there.
pub fn checkin_open(
    starts_at: NaiveDateTime,
    ends_at: NaiveDateTime,
    now: NaiveDateTime,
) -> Result<(), DomainError> {
    if now < starts_at - chrono::Duration::minutes(CHECKIN_OPENS_MINUTES) {
        return Err(DomainError::invalid(
            "checkin_not_open",
            format!("check-in opens {CHECKIN_OPENS_MINUTES} minutes before the start"),
        ));
    }
    if now >= ends_at {
        return Err(DomainError::invalid(
            "checkin_closed",
            "the session has ended; check-in is closed",
        ));
    }
    Ok(())
}

/// Whether a check-in made at `at` belongs to the session's time (the chain audit's rule).
pub fn checkin_in_time(
    starts_at: NaiveDateTime,
    ends_at: NaiveDateTime,
    at: NaiveDateTime,
) -> bool {
    checkin_open(starts_at, ends_at, at).is_ok()
}

/// When the code shown at `at` stops being the current one.
pub fn code_expires(at: NaiveDateTime) -> NaiveDateTime {
    let step = at.and_utc().timestamp().div_euclid(CODE_STEP_SECONDS);
    chrono::DateTime::from_timestamp((step + 1) * CODE_STEP_SECONDS, 0)
        .map_or(at, |t| t.naive_utc())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    fn t0() -> NaiveDateTime {
        NaiveDateTime::parse_from_str("2026-03-01 08:00:00", "%Y-%m-%d %H:%M:%S").unwrap()
    }

    #[test]
    fn projects_move_one_step_forward() {
        use ProjectStatus::*;
        assert_eq!(Planning.advance(Running), Ok(Running));
        assert!(Planning.advance(Closed).is_err());
        assert_eq!(Reviewing.advance(Closed), Ok(Closed));
        assert!(Closed.advance(Closed).is_err());
    }

    #[test]
    fn enrolment_fills_then_waitlists_inside_its_window() {
        let w = (t0(), t0() + Duration::days(1));
        assert_eq!(enrol(2, 2, w, t0()), Ok(EnrolmentStatus::Enrolled));
        assert_eq!(enrol(3, 2, w, t0()), Ok(EnrolmentStatus::Waitlisted));
        assert_eq!(
            enrol(1, 5, w, t0() - Duration::seconds(1))
                .unwrap_err()
                .code,
            "enrolment_closed"
        );
        assert_eq!(
            enrol(1, 5, w, t0() + Duration::days(1)).unwrap_err().code,
            "enrolment_closed"
        );
    }

    #[test]
    fn the_waitlist_moves_up_in_order_by_what_fits() {
        let waitlist = [("a", 3), ("b", 1), ("c", 2), ("d", 1)];
        assert_eq!(promote(&waitlist, 2), vec!["b", "d"]);
        assert_eq!(promote(&waitlist, 3), vec!["a"]);
        assert_eq!(promote(&waitlist, 0), Vec::<&str>::new());
    }

    #[test]
    fn codes_rotate_and_allow_one_step_back() {
        let secret = "s3cret";
        let code = checkin_code(secret, t0());
        assert_eq!(code.len(), 6);
        assert!(checkin_valid(secret, &code, t0()));
        assert!(checkin_valid(
            secret,
            &code,
            t0() + Duration::seconds(CODE_STEP_SECONDS)
        ));
        assert!(!checkin_valid(
            secret,
            &code,
            t0() + Duration::seconds(2 * CODE_STEP_SECONDS)
        ));
        assert!(!checkin_valid("other", &code, t0()));
        assert_eq!(
            code_expires(t0()),
            t0() + Duration::seconds(CODE_STEP_SECONDS)
        );
    }

    #[test]
    fn checkin_is_open_from_half_an_hour_before_to_the_end() {
        let (start, end) = (t0(), t0() + Duration::hours(2));
        assert_eq!(
            checkin_open(start, end, start - Duration::days(7))
                .unwrap_err()
                .code,
            "checkin_not_open"
        );
        assert!(checkin_open(start, end, start - Duration::minutes(30)).is_ok());
        assert!(checkin_open(start, end, end - Duration::seconds(1)).is_ok());
        assert_eq!(
            checkin_open(start, end, end).unwrap_err().code,
            "checkin_closed"
        );
    }

    #[test]
    fn rooms_host_one_session_at_a_time() {
        let a = (t0(), t0() + Duration::hours(2));
        assert!(overlaps(
            a,
            (t0() + Duration::hours(1), t0() + Duration::hours(3))
        ));
        assert!(!overlaps(
            a,
            (t0() + Duration::hours(2), t0() + Duration::hours(3))
        ));
    }
}
