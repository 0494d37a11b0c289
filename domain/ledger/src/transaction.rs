use canglong_core::wire_enum;
use canglong_core::{DomainError, Uuid};

wire_enum!(
    /// Why points moved.
    TxKind {
        Earn = "earn",
        Bonus = "bonus",
        Redeem = "redeem",
        Refund = "refund",
        Adjust = "adjust",
        Reverse = "reverse",
        Expire = "expire",
    }
);

wire_enum!(
    /// Whose account. Only the community's issuing account and the system's expiry account may
    /// go below zero: they are where points come from and go to.
    AccountKind {
        Community = "community",
        Resident = "resident",
        Merchant = "merchant",
        Expired = "expired",
    }
);

impl AccountKind {
    pub fn may_go_negative(self) -> bool {
        matches!(self, AccountKind::Community)
    }

    /// Whether the account keeps a running balance. The community's issuing account is a
    /// source without limit (a ledger's "world" account): nothing is ever refused for its
    /// balance, so it is neither locked nor updated by a movement — every credit and redemption
    /// of a community would otherwise queue behind its one row. Its balance is the sum of its
    /// postings, and the books still sum to zero.
    pub fn keeps_balance(self) -> bool {
        !self.may_go_negative()
    }
}

/// One leg of a transaction: `amount` > 0 credits the account, < 0 debits it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Posting {
    pub account_id: Uuid,
    pub amount: i64,
}

/// A balanced movement of points: two or more postings on distinct accounts, none zero,
/// summing to zero.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transaction {
    pub kind: TxKind,
    pub postings: Vec<Posting>,
}

impl Transaction {
    pub fn new(kind: TxKind, postings: Vec<Posting>) -> Result<Self, DomainError> {
        let invalid = |m: &'static str| DomainError::invalid("unbalanced_transaction", m);
        if postings.len() < 2 {
            return Err(invalid("a transaction needs at least two postings"));
        }
        if postings.iter().any(|p| p.amount == 0) {
            return Err(invalid("a posting cannot be zero"));
        }
        let mut sum: i128 = 0;
        for p in &postings {
            sum += i128::from(p.amount);
        }
        if sum != 0 {
            return Err(invalid("postings must sum to zero"));
        }
        let mut ids: Vec<Uuid> = postings.iter().map(|p| p.account_id).collect();
        ids.sort();
        ids.dedup();
        if ids.len() != postings.len() {
            return Err(invalid("each account appears once in a transaction"));
        }
        Ok(Self { kind, postings })
    }

    /// A movement of `amount` (> 0) from one account to another.
    pub fn transfer(kind: TxKind, from: Uuid, to: Uuid, amount: i64) -> Result<Self, DomainError> {
        if amount <= 0 {
            return Err(DomainError::invalid(
                "invalid_amount",
                "the amount must be positive",
            ));
        }
        Self::new(
            kind,
            vec![
                Posting {
                    account_id: from,
                    amount: -amount,
                },
                Posting {
                    account_id: to,
                    amount,
                },
            ],
        )
    }

    /// The transaction that undoes this one.
    pub fn reversal(&self) -> Result<Self, DomainError> {
        let postings = self
            .postings
            .iter()
            .map(|p| Posting {
                amount: -p.amount,
                ..*p
            })
            .collect();
        Self::new(TxKind::Reverse, postings)
    }
}

/// An account's balance as stored, with its kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Balance {
    pub account_id: Uuid,
    pub kind: AccountKind,
    pub balance: i64,
}

/// The balances after the transaction, in the order of its postings (`None` for an account that
/// keeps no running balance, whose stored balance is not read); refuses to overdraw an account
/// that may not go negative, or to overflow.
pub fn apply(tx: &Transaction, balances: &[Balance]) -> Result<Vec<Option<i64>>, DomainError> {
    tx.postings
        .iter()
        .map(|p| {
            let b = balances
                .iter()
                .find(|b| b.account_id == p.account_id)
                .ok_or_else(|| DomainError::not_found("account"))?;
            if !b.kind.keeps_balance() {
                return Ok(None);
            }
            let after = b.balance.checked_add(p.amount).ok_or_else(|| {
                DomainError::invalid("amount_too_large", "the amount is too large")
            })?;
            if after < 0 && !b.kind.may_go_negative() {
                return Err(DomainError::invalid(
                    "insufficient_points",
                    "not enough points",
                ));
            }
            Ok(Some(after))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn id(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    #[test]
    fn unbalanced_or_degenerate_transactions_are_refused() {
        let p = |a, amount| Posting {
            account_id: id(a),
            amount,
        };
        assert!(Transaction::new(TxKind::Earn, vec![p(1, -5)]).is_err());
        assert!(Transaction::new(TxKind::Earn, vec![p(1, -5), p(2, 4)]).is_err());
        assert!(Transaction::new(TxKind::Earn, vec![p(1, 0), p(2, 0)]).is_err());
        assert!(Transaction::new(TxKind::Earn, vec![p(1, -5), p(1, 5)]).is_err());
        assert!(Transaction::new(TxKind::Earn, vec![p(1, -5), p(2, 3), p(3, 2)]).is_ok());
        assert!(Transaction::transfer(TxKind::Earn, id(1), id(2), 0).is_err());
    }

    #[test]
    fn residents_cannot_be_overdrawn_but_the_community_pool_can() {
        let tx = Transaction::transfer(TxKind::Redeem, id(1), id(2), 10).unwrap();
        let resident = |bal| Balance {
            account_id: id(1),
            kind: AccountKind::Resident,
            balance: bal,
        };
        let merchant = Balance {
            account_id: id(2),
            kind: AccountKind::Merchant,
            balance: 0,
        };
        assert_eq!(
            apply(&tx, &[resident(9), merchant]).unwrap_err().code,
            "insufficient_points"
        );
        assert_eq!(
            apply(&tx, &[resident(10), merchant]).unwrap(),
            vec![Some(0), Some(10)]
        );
        let mint = Transaction::transfer(TxKind::Earn, id(3), id(1), 10).unwrap();
        // The pool's stored balance is neither read nor written: whatever it holds, the mint
        // goes through and leaves it as it was.
        let pool = Balance {
            account_id: id(3),
            kind: AccountKind::Community,
            balance: i64::MIN,
        };
        assert_eq!(
            apply(&mint, &[pool, resident(0)]).unwrap(),
            vec![None, Some(10)]
        );
    }

    proptest! {
        /// Whatever sequence of transfers is attempted, every accepted transaction sums to zero,
        /// the books stay balanced (the pool's balance being the sum of its postings), and no
        /// resident balance goes negative.
        #[test]
        fn books_stay_balanced(moves in proptest::collection::vec((0u128..4, 0u128..4, 1i64..500, any::<bool>()), 0..200)) {
            let kinds = [AccountKind::Community, AccountKind::Resident, AccountKind::Resident, AccountKind::Merchant];
            let mut balances: Vec<Balance> = (0..4).map(|i| Balance { account_id: id(i), kind: kinds[i as usize], balance: 0 }).collect();
            for (from, to, amount, reverse) in moves {
                let Ok(mut tx) = Transaction::transfer(TxKind::Adjust, id(from), id(to), amount) else { continue };
                if reverse { tx = tx.reversal().unwrap(); }
                prop_assert_eq!(tx.postings.iter().map(|p| p.amount).sum::<i64>(), 0);
                if let Ok(after) = apply(&tx, &balances) {
                    for (p, a) in tx.postings.iter().zip(after) {
                        let b = balances.iter_mut().find(|b| b.account_id == p.account_id).unwrap();
                        prop_assert_eq!(a.is_some(), b.kind.keeps_balance());
                        b.balance = a.unwrap_or(b.balance + p.amount);
                    }
                }
                prop_assert_eq!(balances.iter().map(|b| b.balance).sum::<i64>(), 0);
                for b in &balances {
                    prop_assert!(b.balance >= 0 || b.kind.may_go_negative());
                }
            }
        }
    }
}
