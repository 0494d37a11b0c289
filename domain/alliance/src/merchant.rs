use canglong_core::DomainError;
use canglong_core::wire_enum;

wire_enum!(
    /// A merchant's place in the alliance.
    MerchantStatus {
        Applied = "applied",
        CommunityApproved = "community_approved",
        Rejected = "rejected",
        Returned = "returned",
        Active = "active",
        Suspended = "suspended",
        Exited = "exited",
    }
);

fn illegal(from: MerchantStatus, step: &str) -> DomainError {
    DomainError::invalid(
        "invalid_transition",
        format!("a merchant that is {} cannot be {step}", from.as_str()),
    )
}

impl MerchantStatus {
    /// The community's review of an application (or of one the subdistrict returned).
    pub fn review(self, approve: bool) -> Result<Self, DomainError> {
        match self {
            Self::Applied | Self::Returned => Ok(if approve {
                Self::CommunityApproved
            } else {
                Self::Rejected
            }),
            other => Err(illegal(other, "reviewed")),
        }
    }

    /// The subdistrict's filing (备案) of a community-approved merchant.
    pub fn file(self, approve: bool) -> Result<Self, DomainError> {
        match self {
            Self::CommunityApproved => Ok(if approve {
                Self::Active
            } else {
                Self::Returned
            }),
            other => Err(illegal(other, "filed")),
        }
    }

    /// Leaving the alliance, by choice or after a failed evaluation. Leaving twice is the same as
    /// leaving once, so an interrupted exit can be retried.
    pub fn exit(self) -> Result<Self, DomainError> {
        match self {
            Self::Active | Self::Suspended | Self::CommunityApproved | Self::Exited => {
                Ok(Self::Exited)
            }
            other => Err(illegal(other, "exited")),
        }
    }

    /// Only an active merchant's offers can be redeemed, and only it can verify vouchers.
    pub fn trades(self) -> bool {
        self == Self::Active
    }
}

canglong_core::wire_enum!(
    /// The annual evaluation's outcome: a merchant that fails leaves the alliance.
    EvaluationDecision {
        Pass = "pass",
        Fail = "fail",
    }
);

/// A merchant's year, computed from the records, stored with the evaluation's decision.
#[derive(Debug, Clone, Copy, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct Figures {
    pub vouchers_issued: i64,
    pub vouchers_used: i64,
    pub vouchers_expired_unused: i64,
    pub refused_attempts: i64,
    pub ratings: i64,
    pub average_rating: Option<f64>,
    pub complaints: i64,
}

impl Figures {
    /// The share of issued vouchers that were used (0 when none were issued).
    pub fn use_rate(&self) -> f64 {
        if self.vouchers_issued == 0 {
            0.0
        } else {
            self.vouchers_used as f64 / self.vouchers_issued as f64
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn admission_is_three_levels() {
        use MerchantStatus::*;
        assert_eq!(Applied.review(true), Ok(CommunityApproved));
        assert_eq!(Applied.review(false), Ok(Rejected));
        assert_eq!(CommunityApproved.file(true), Ok(Active));
        assert_eq!(CommunityApproved.file(false), Ok(Returned));
        assert_eq!(Returned.review(true), Ok(CommunityApproved));
        assert_eq!(Applied.file(true).unwrap_err().code, "invalid_transition");
        assert_eq!(Active.review(true).unwrap_err().code, "invalid_transition");
        assert_eq!(Rejected.exit().unwrap_err().code, "invalid_transition");
        assert_eq!(Active.exit(), Ok(Exited));
        assert_eq!(Exited.exit(), Ok(Exited));
        assert!(Active.trades() && !Suspended.trades());
    }
}
