use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TransactionKind {
    Earn,
    Bonus,
    Redeem,
    Refund,
    Adjust,
    Reverse,
    Expire,
}

/// Points that lapse together.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ExpiringPoints {
    pub amount: i64,
    pub expires_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Balance {
    pub account_id: Uuid,
    pub balance: i64,
    /// Which points lapse when, soonest first (empty when the community keeps points forever).
    pub expiring: Vec<ExpiringPoints>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct BalanceQuery {
    /// Staff: the balance of this person instead of the caller's.
    pub user_id: Option<Uuid>,
}

/// One posting of an account's history.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct LedgerEntry {
    pub transaction_id: Uuid,
    pub kind: TransactionKind,
    /// Positive: points in; negative: points out.
    pub amount: i64,
    /// The account's balance after this posting; null for the community's issuing account,
    /// which keeps no running balance (its balance is the sum of its postings).
    pub balance_after: Option<i64>,
    /// The kind of account on the other side (`community`, `resident`, `merchant`, `expired`).
    pub counterparty: String,
    pub counterparty_account_id: Option<Uuid>,
    pub memo: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct LedgerPage {
    pub items: Vec<LedgerEntry>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TransactionQuery {
    /// Staff: any account of the community; others see their own.
    pub account_id: Option<Uuid>,
    pub cursor: Option<String>,
    pub limit: Option<u32>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PostingView {
    pub account_id: Uuid,
    pub amount: i64,
    /// The account's balance after this posting; null for the community's issuing account,
    /// which keeps no running balance (its balance is the sum of its postings).
    pub balance_after: Option<i64>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct LedgerTransaction {
    pub id: Uuid,
    pub kind: TransactionKind,
    pub memo: String,
    pub actor_id: Option<Uuid>,
    pub reverses_id: Option<Uuid>,
    pub postings: Vec<PostingView>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Rounding {
    Down,
    Nearest,
    Up,
}

/// A community's earning rules. Multipliers are percentages (150 = ×1.5).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"points_per_hour": 10, "unit_minutes": 15, "rounding": "down",
    "category_multipliers": {"medicine_run": 120}, "target_group_multipliers": {"elderly": 150},
    "daily_cap": 80, "training_bonus": 5, "parent_child_bonus": 5, "high_rating_bonus": 2, "expiry_years": null,
    "refund_percent": 100}))]
pub struct PointsRules {
    #[validate(range(min = 1, max = 1000))]
    #[schema(minimum = 1, maximum = 1000)]
    pub points_per_hour: i64,
    /// Minutes are counted in whole units of this size.
    #[validate(range(min = 1, max = 240))]
    #[schema(minimum = 1, maximum = 240)]
    pub unit_minutes: i64,
    pub rounding: Rounding,
    #[serde(default)]
    pub category_multipliers: BTreeMap<String, u32>,
    #[serde(default)]
    pub target_group_multipliers: BTreeMap<String, u32>,
    /// Most service points a volunteer earns in a day; `null` for no cap.
    #[validate(range(min = 1, max = 100000))]
    #[schema(minimum = 1, maximum = 100000)]
    pub daily_cap: Option<i64>,
    #[validate(range(min = 0, max = 1000))]
    #[schema(minimum = 0, maximum = 1000)]
    pub training_bonus: i64,
    #[validate(range(min = 0, max = 1000))]
    #[schema(minimum = 0, maximum = 1000)]
    pub parent_child_bonus: i64,
    /// Points for each volunteer of a need rated 5 stars.
    #[validate(range(min = 0, max = 1000))]
    #[schema(minimum = 0, maximum = 1000)]
    pub high_rating_bonus: i64,
    /// Points expire at the end of the Nth year after earning; `null` keeps them.
    #[validate(range(min = 1, max = 10))]
    #[schema(minimum = 1, maximum = 10)]
    pub expiry_years: Option<u32>,
    /// Percent of a voucher's price refunded when it is cancelled or expires unused (default 100).
    #[serde(default = "full_refund")]
    #[validate(range(min = 0, max = 100))]
    #[schema(minimum = 0, maximum = 100)]
    pub refund_percent: u32,
}

fn full_refund() -> u32 {
    100
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct VersionedRules {
    /// 0 for the built-in defaults, then 1, 2, … as admins change them.
    pub version: i32,
    pub rules: PointsRules,
    pub updated_at: Option<DateTime<Utc>>,
}

/// A correction by a community admin: positive credits from the community pool, negative
/// debits to it. Never pushes a balance below zero.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"account_id": crate::demo::ACCOUNT, "amount": -20, "reason": "重复录入的服务时长"}))]
pub struct AdjustmentRequest {
    pub account_id: Uuid,
    #[validate(range(min = -1_000_000, max = 1_000_000))]
    #[schema(minimum = -1_000_000, maximum = 1_000_000)]
    pub amount: i64,
    #[validate(length(min = 1, max = 500))]
    #[schema(min_length = 1, max_length = 500)]
    pub reason: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct ReversalRequest {
    #[validate(length(min = 1, max = 500))]
    #[schema(min_length = 1, max_length = 500)]
    pub reason: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct BalanceMismatch {
    pub account_id: Uuid,
    /// The balance stored on the account.
    pub stored: i64,
    /// The balance recomputed from its postings.
    pub computed: i64,
    /// What was found wrong: `balance` or `lots`.
    pub check: String,
}

/// Reconciliation of the community's books.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Reconciliation {
    pub transactions: i64,
    /// Σ of every posting: 0 when the books balance.
    pub postings_sum: i64,
    pub accounts_checked: i64,
    pub mismatches: Vec<BalanceMismatch>,
    /// Transactions whose postings do not sum to zero.
    pub unbalanced_transactions: Vec<Uuid>,
    /// Verified service records with no crediting transaction.
    pub uncredited_records: Vec<Uuid>,
    /// The value chain around the ledger: every invariant checked, with the ids that break it
    /// (empty when it holds).
    pub chain: Vec<ChainCheck>,
    pub checked_at: DateTime<Utc>,
}

/// One invariant of the value chain and what breaks it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ChainCheck {
    pub check: ChainInvariant,
    /// The vouchers (voucher checks), transactions (credit, bonus and attendance checks) or
    /// service records (`verified_before_end`) that break it.
    pub ids: Vec<Uuid>,
}

/// The invariants of the value chain:
/// - `redemption_missing`: a voucher without exactly its one redemption transaction;
/// - `redemption_without_voucher`: a redemption that issued no voucher;
/// - `refund_mismatch`: a refund on a voucher that was not closed with one, or the reverse;
/// - `reversed_voucher_live`: a reversed redemption whose voucher is not void;
/// - `void_without_reversal`: a void voucher whose redemption was not reversed;
/// - `seat_mismatch`: a course seat and its voucher not alive (or given up) together;
/// - `bonus_without_pass`: a five-star bonus for a record that did not pass verification;
/// - `attendance_outside_session`: attendance points without a check-in in the session's time;
/// - `credit_unfit`: credited hours for a record not verified or whose minutes do not fit its
///   need's window (or session);
/// - `verified_before_end`: a record verified before its work ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ChainInvariant {
    RedemptionMissing,
    RedemptionWithoutVoucher,
    RefundMismatch,
    ReversedVoucherLive,
    VoidWithoutReversal,
    SeatMismatch,
    BonusWithoutPass,
    AttendanceOutsideSession,
    CreditUnfit,
    VerifiedBeforeEnd,
}
