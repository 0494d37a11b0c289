use canglong_core::{DomainError, NaiveDateTime};

use canglong_core::wire_enum;

wire_enum!(
    VoucherStatus {
        Issued = "issued",
        Used = "used",
        Cancelled = "cancelled",
        Expired = "expired",
        Refunded = "refunded",
        // Its redemption was reversed: the points went back by the reversal, not a refund.
        Void = "void",
    }
);

/// No 0/O, 1/I/L: a code is read aloud at a counter and typed by hand.
pub const CODE_ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
/// 13 characters of 31: 64 bits, more than the 60 asked for.
const CODE_LEN: usize = 13;

/// A voucher code from 16 random bytes, grouped for reading: `XXXX-XXXX-XXXXX`.
pub fn voucher_code(random: [u8; 16]) -> String {
    let mut n = u128::from_le_bytes(random);
    let base = CODE_ALPHABET.len() as u128;
    let mut out = String::with_capacity(CODE_LEN + 2);
    for i in 0..CODE_LEN {
        if i == 4 || i == 8 {
            out.push('-');
        }
        out.push(CODE_ALPHABET[(n % base) as usize] as char);
        n /= base;
    }
    out
}

/// A code as staff typed it: case, spaces and dashes do not matter.
pub fn normalize_code(typed: &str) -> String {
    let plain: String = typed
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if plain.len() != CODE_LEN {
        return plain;
    }
    format!("{}-{}-{}", &plain[..4], &plain[4..8], &plain[8..])
}

impl VoucherStatus {
    /// 核销: whether a voucher in this state, expiring at `expires_at`, may be used at `now`.
    pub fn use_at(
        self,
        expires_at: NaiveDateTime,
        now: NaiveDateTime,
    ) -> Result<Self, DomainError> {
        match self {
            Self::Issued if now < expires_at => Ok(Self::Used),
            Self::Issued | Self::Expired => Err(DomainError::invalid(
                "voucher_expired",
                "this voucher has expired",
            )),
            Self::Used => Err(DomainError::conflict(
                "voucher_already_used",
                "this voucher was already used",
            )),
            Self::Cancelled | Self::Refunded | Self::Void => Err(DomainError::invalid(
                "voucher_inactive",
                "this voucher was cancelled and refunded",
            )),
        }
    }

    /// Reversing the redemption voids an unused voucher. A used one was paid for with goods,
    /// and a closed one already gave its points back: reversing either would pay twice.
    pub fn void(self) -> Result<Self, DomainError> {
        match self {
            Self::Issued => Ok(Self::Void),
            Self::Used => Err(DomainError::conflict(
                "voucher_already_used",
                "the voucher was used: its redemption cannot be reversed",
            )),
            other => Err(DomainError::conflict(
                "voucher_closed",
                format!(
                    "the voucher is {} and its points were given back already",
                    other.as_str()
                ),
            )),
        }
    }

    /// The holder cancels an unused voucher.
    pub fn cancel(self) -> Result<Self, DomainError> {
        match self {
            Self::Issued => Ok(Self::Cancelled),
            Self::Used => Err(DomainError::conflict(
                "voucher_already_used",
                "a used voucher cannot be cancelled",
            )),
            other => Err(DomainError::invalid(
                "invalid_transition",
                format!("a voucher that is {} cannot be cancelled", other.as_str()),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;
    use proptest::prelude::*;

    #[test]
    fn use_once_while_valid() {
        let t = NaiveDateTime::parse_from_str("2026-03-01 08:00", "%Y-%m-%d %H:%M").unwrap();
        let later = t + Duration::days(1);
        assert_eq!(
            VoucherStatus::Issued.use_at(later, t),
            Ok(VoucherStatus::Used)
        );
        assert_eq!(
            VoucherStatus::Issued.use_at(t, later).unwrap_err().code,
            "voucher_expired"
        );
        assert_eq!(
            VoucherStatus::Used.use_at(later, t).unwrap_err().code,
            "voucher_already_used"
        );
        assert_eq!(
            VoucherStatus::Refunded.use_at(later, t).unwrap_err().code,
            "voucher_inactive"
        );
        assert_eq!(VoucherStatus::Issued.cancel(), Ok(VoucherStatus::Cancelled));
        assert_eq!(VoucherStatus::Issued.void(), Ok(VoucherStatus::Void));
        assert_eq!(
            VoucherStatus::Used.void().unwrap_err().code,
            "voucher_already_used"
        );
        assert_eq!(
            VoucherStatus::Cancelled.void().unwrap_err().code,
            "voucher_closed"
        );
        assert!(VoucherStatus::Void.use_at(later, t).is_err());
        assert!(VoucherStatus::Used.cancel().is_err());
    }

    proptest! {
        #[test]
        fn codes_are_readable_and_round_trip(bytes in any::<[u8; 16]>()) {
            let code = voucher_code(bytes);
            prop_assert_eq!(code.len(), 15);
            prop_assert!(code.chars().all(|c| c == '-' || CODE_ALPHABET.contains(&(c as u8))));
            let typed = code.replace('-', " ").to_lowercase();
            prop_assert_eq!(normalize_code(&typed), code);
        }
    }
}
