//! The merchant alliance (藏龙共创联盟): a merchant's admission (applied → community_approved →
//! active, filed by the subdistrict), offers and their review, the checks of a redemption,
//! vouchers and their codes, and the annual evaluation.

mod merchant;
mod offer;
mod voucher;

pub use merchant::{EvaluationDecision, Figures, MerchantStatus};
pub use offer::{OfferKind, OfferState, OfferStatus, RedemptionCheck, check_offer, refund_amount};
pub use voucher::{CODE_ALPHABET, VoucherStatus, normalize_code, voucher_code};
