use canglong_core::{DomainError, NaiveDateTime, Uuid};

/// Points credited together, with when they lapse (`None`: never) and how many are left.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lot {
    pub id: Uuid,
    pub remaining: i64,
    pub expires_at: Option<NaiveDateTime>,
}

/// How much to take from one lot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Take {
    pub lot_id: Uuid,
    pub amount: i64,
}

/// Spends `amount` from `lots`, first-expiring first (lots that never expire last; among equals,
/// the oldest first, as given).
pub fn consume(lots: &[Lot], amount: i64) -> Result<Vec<Take>, DomainError> {
    let mut order: Vec<&Lot> = lots.iter().filter(|l| l.remaining > 0).collect();
    order.sort_by_key(|l| (l.expires_at.is_none(), l.expires_at));
    let mut left = amount;
    let mut takes = vec![];
    for lot in order {
        if left == 0 {
            break;
        }
        let take = lot.remaining.min(left);
        takes.push(Take {
            lot_id: lot.id,
            amount: take,
        });
        left -= take;
    }
    if left > 0 {
        return Err(DomainError::invalid(
            "insufficient_points",
            "not enough points",
        ));
    }
    Ok(takes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn at(y: i32) -> Option<NaiveDateTime> {
        NaiveDate::from_ymd_opt(y, 1, 1).and_then(|d| d.and_hms_opt(0, 0, 0))
    }

    #[test]
    fn first_expiring_points_are_spent_first() {
        let lots = [
            Lot {
                id: Uuid::from_u128(1),
                remaining: 10,
                expires_at: None,
            },
            Lot {
                id: Uuid::from_u128(2),
                remaining: 5,
                expires_at: at(2029),
            },
            Lot {
                id: Uuid::from_u128(3),
                remaining: 5,
                expires_at: at(2028),
            },
        ];
        let takes = consume(&lots, 12).unwrap();
        assert_eq!(
            takes,
            vec![
                Take {
                    lot_id: Uuid::from_u128(3),
                    amount: 5
                },
                Take {
                    lot_id: Uuid::from_u128(2),
                    amount: 5
                },
                Take {
                    lot_id: Uuid::from_u128(1),
                    amount: 2
                },
            ]
        );
        assert_eq!(consume(&lots, 21).unwrap_err().code, "insufficient_points");
    }
}
