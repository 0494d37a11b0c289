use canglong_core::{DomainError, NaiveDateTime};

use canglong_core::wire_enum;

wire_enum!(
    /// What an offer gives: a coupon, a discount, a seat in a class, a service.
    OfferKind {
        Coupon = "coupon",
        Discount = "discount",
        CourseSeat = "course_seat",
        Service = "service",
    }
);

wire_enum!(
    OfferStatus {
        PendingReview = "pending_review",
        Active = "active",
        Paused = "paused",
        Rejected = "rejected",
        Withdrawn = "withdrawn",
    }
);

impl OfferStatus {
    pub fn review(self, approve: bool) -> Result<Self, DomainError> {
        match self {
            Self::PendingReview => Ok(if approve {
                Self::Active
            } else {
                Self::Rejected
            }),
            other => Err(DomainError::invalid(
                "invalid_transition",
                format!("an offer that is {} cannot be reviewed", other.as_str()),
            )),
        }
    }

    /// The provider or an admin pauses, resumes or withdraws a reviewed offer.
    pub fn set(self, to: Self) -> Result<Self, DomainError> {
        match (self, to) {
            (Self::Active, Self::Paused) | (Self::Paused, Self::Active) => Ok(to),
            (Self::Active | Self::Paused | Self::PendingReview, Self::Withdrawn) => Ok(to),
            (from, to) => Err(DomainError::invalid(
                "invalid_transition",
                format!(
                    "an offer cannot go from {} to {}",
                    from.as_str(),
                    to.as_str()
                ),
            )),
        }
    }
}

/// What a redemption decides on, read under the offer's lock.
#[derive(Debug, Clone, Copy)]
pub struct OfferState {
    pub status: OfferStatus,
    /// The provider may trade: an active merchant, or the community itself.
    pub provider_trades: bool,
    pub valid_from: NaiveDateTime,
    pub valid_to: NaiveDateTime,
    pub stock_left: i32,
    pub per_user_limit: i32,
    pub points_cost: i64,
}

/// The checks of one redemption, in the order a resident would want to hear them.
#[derive(Debug, Clone, Copy)]
pub struct RedemptionCheck {
    /// Vouchers of this offer the resident already holds (not cancelled or refunded).
    pub held: i64,
    pub balance: i64,
    pub now: NaiveDateTime,
}

impl OfferState {
    pub fn check(&self, c: &RedemptionCheck) -> Result<(), DomainError> {
        let open = self.status == OfferStatus::Active
            && self.provider_trades
            && self.valid_from <= c.now
            && c.now < self.valid_to;
        if !open {
            return Err(DomainError::invalid(
                "offer_inactive",
                "this offer cannot be redeemed now",
            ));
        }
        if self.stock_left <= 0 {
            return Err(DomainError::conflict(
                "out_of_stock",
                "this offer is out of stock",
            ));
        }
        if c.held >= i64::from(self.per_user_limit) {
            return Err(DomainError::conflict(
                "limit_reached",
                "you already hold as many as one person may",
            ));
        }
        if c.balance < self.points_cost {
            return Err(DomainError::invalid(
                "insufficient_points",
                "not enough points",
            ));
        }
        Ok(())
    }
}

/// A new offer's own rules: its window opens before it closes, and no one may hold more than
/// the stock.
pub fn check_offer(
    valid_from: NaiveDateTime,
    valid_to: NaiveDateTime,
    stock: i32,
    per_user_limit: i32,
) -> Result<(), DomainError> {
    if valid_to <= valid_from {
        return Err(DomainError::invalid(
            "invalid_window",
            "valid_to must be after valid_from",
        ));
    }
    if per_user_limit > stock {
        return Err(DomainError::invalid(
            "invalid_limit",
            "per_user_limit cannot exceed the stock",
        ));
    }
    Ok(())
}

/// Points given back for a voucher under the community's refund rule (a percentage, rounded
/// down; 100 refunds in full).
pub fn refund_amount(points_cost: i64, refund_percent: u32) -> i64 {
    let p = i128::from(points_cost) * i128::from(refund_percent.min(100)) / 100;
    i64::try_from(p).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    fn t0() -> NaiveDateTime {
        NaiveDateTime::parse_from_str("2026-03-01 08:00", "%Y-%m-%d %H:%M").unwrap()
    }

    fn offer() -> OfferState {
        OfferState {
            status: OfferStatus::Active,
            provider_trades: true,
            valid_from: t0(),
            valid_to: t0() + Duration::days(30),
            stock_left: 1,
            per_user_limit: 1,
            points_cost: 50,
        }
    }

    #[test]
    fn each_refusal_has_its_code() {
        let ok = RedemptionCheck {
            held: 0,
            balance: 50,
            now: t0(),
        };
        assert!(offer().check(&ok).is_ok());
        let code = |o: OfferState, c: RedemptionCheck| o.check(&c).unwrap_err().code;
        assert_eq!(
            code(
                OfferState {
                    status: OfferStatus::Paused,
                    ..offer()
                },
                ok
            ),
            "offer_inactive"
        );
        assert_eq!(
            code(
                OfferState {
                    provider_trades: false,
                    ..offer()
                },
                ok
            ),
            "offer_inactive"
        );
        assert_eq!(
            code(
                offer(),
                RedemptionCheck {
                    now: t0() + Duration::days(30),
                    ..ok
                }
            ),
            "offer_inactive"
        );
        assert_eq!(
            code(
                OfferState {
                    stock_left: 0,
                    ..offer()
                },
                ok
            ),
            "out_of_stock"
        );
        assert_eq!(
            code(offer(), RedemptionCheck { held: 1, ..ok }),
            "limit_reached"
        );
        assert_eq!(
            code(offer(), RedemptionCheck { balance: 49, ..ok }),
            "insufficient_points"
        );
    }

    #[test]
    fn offer_states() {
        use OfferStatus::*;
        assert_eq!(PendingReview.review(true), Ok(Active));
        assert_eq!(PendingReview.review(false), Ok(Rejected));
        assert!(Active.review(true).is_err());
        assert_eq!(Active.set(Paused), Ok(Paused));
        assert_eq!(Paused.set(Active), Ok(Active));
        assert_eq!(Paused.set(Withdrawn), Ok(Withdrawn));
        assert!(Withdrawn.set(Active).is_err());
        assert!(Rejected.set(Active).is_err());
    }

    #[test]
    fn refunds_follow_the_rule() {
        assert_eq!(refund_amount(50, 100), 50);
        assert_eq!(refund_amount(55, 50), 27);
        assert_eq!(refund_amount(50, 0), 0);
        assert_eq!(refund_amount(50, 250), 50);
    }
}
