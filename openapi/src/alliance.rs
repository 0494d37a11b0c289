use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MerchantStatus {
    Applied,
    CommunityApproved,
    Rejected,
    Returned,
    Active,
    Suspended,
    Exited,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OfferKind {
    Coupon,
    Discount,
    CourseSeat,
    Service,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OfferStatus {
    PendingReview,
    Active,
    Paused,
    Rejected,
    Withdrawn,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum VoucherStatus {
    Issued,
    Used,
    Cancelled,
    Expired,
    Refunded,
    Void,
}

/// A merchant's application to join the alliance (藏龙共创联盟).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "鲜果园水果店", "licence_no": "91420115MA4K0000X1", "contact_name": "陈老板",
    "contact_phone": "13900001111", "address": "藏龙大道 18 号", "category": "fruit", "description": "新鲜水果"}))]
pub struct MerchantApplication {
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
    #[validate(length(min = 1, max = 50))]
    #[schema(min_length = 1, max_length = 50)]
    pub licence_no: String,
    #[validate(length(min = 1, max = 50))]
    #[schema(min_length = 1, max_length = 50)]
    pub contact_name: String,
    #[validate(length(equal = 11))]
    #[schema(min_length = 11, max_length = 11)]
    pub contact_phone: String,
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub address: String,
    #[validate(length(min = 1, max = 30))]
    #[schema(min_length = 1, max_length = 30)]
    pub category: String,
    #[validate(length(max = 1000))]
    #[schema(max_length = 1000)]
    #[serde(default)]
    pub description: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Merchant {
    pub id: Uuid,
    pub name: String,
    pub category: String,
    pub status: MerchantStatus,
    pub contact_name: String,
    /// Masked (`139****1111`).
    pub contact_phone_masked: String,
    pub address: String,
    pub description: String,
    pub created_at: DateTime<Utc>,
}

/// Who decided what, when and why.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct MerchantEvent {
    pub action: String,
    pub from_status: Option<MerchantStatus>,
    pub to_status: MerchantStatus,
    pub actor_id: Option<Uuid>,
    pub reason: Option<String>,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct MerchantDetail {
    #[serde(flatten)]
    pub merchant: Merchant,
    /// Staff only: the steps of its admission and exit.
    pub history: Vec<MerchantEvent>,
    pub evaluations: Vec<Evaluation>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct MerchantPage {
    pub items: Vec<Merchant>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct MerchantQuery {
    /// Staff only; others always see active merchants.
    pub status: Option<MerchantStatus>,
    pub cursor: Option<String>,
    pub limit: Option<u32>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"reason": "经营调整，自愿退出"}))]
pub struct ExitRequest {
    #[validate(length(min = 1, max = 500))]
    #[schema(min_length = 1, max_length = 500)]
    pub reason: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct StaffBinding {
    pub user_id: Uuid,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EvaluationDecision {
    Pass,
    Fail,
}

/// The annual evaluation (年度评估): the figures are computed from the records.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"year": 2026, "decision": "pass", "note": "服务规范，居民满意"}))]
pub struct EvaluationRequest {
    /// A year already begun, Beijing time (else 422 `invalid_year`).
    #[validate(range(min = 2000, max = 2100))]
    #[schema(minimum = 2000, maximum = 2100)]
    pub year: i32,
    pub decision: EvaluationDecision,
    #[validate(length(max = 1000))]
    #[schema(max_length = 1000)]
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct EvaluationFigures {
    pub vouchers_issued: i64,
    pub vouchers_used: i64,
    pub vouchers_expired_unused: i64,
    pub refused_attempts: i64,
    pub ratings: i64,
    pub average_rating: Option<f64>,
    /// Complaints naming the merchant in the suggestion box.
    pub complaints: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Evaluation {
    pub id: Uuid,
    pub merchant_id: Uuid,
    pub year: i32,
    pub decision: EvaluationDecision,
    pub note: String,
    pub figures: EvaluationFigures,
    pub decided_by: Uuid,
    pub created_at: DateTime<Utc>,
}

/// An offer: a merchant's coupon or discount, or the community's own resource (`provider:
/// "community"`, e.g. a seat in a class).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"provider": "community", "kind": "course_seat", "title": "童心筑梦班 一个学位",
    "points_cost": 200, "stock": 10, "per_user_limit": 1, "valid_from": "2030-03-01T00:00:00Z",
    "valid_to": "2030-06-30T00:00:00Z", "voucher_valid_days": 30}))]
pub struct NewOffer {
    /// `community`, or the id of a merchant (merchant staff may omit it: their own merchant).
    #[validate(length(min = 1, max = 40))]
    #[schema(min_length = 1, max_length = 40)]
    pub provider: Option<String>,
    pub kind: OfferKind,
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub title: String,
    #[validate(length(max = 1000))]
    #[schema(max_length = 1000)]
    #[serde(default)]
    pub description: String,
    #[validate(range(min = 1, max = 1_000_000))]
    #[schema(minimum = 1, maximum = 1_000_000)]
    pub points_cost: i64,
    #[validate(range(min = 1, max = 1_000_000))]
    #[schema(minimum = 1, maximum = 1_000_000)]
    pub stock: i32,
    #[validate(range(min = 1, max = 1_000_000))]
    #[schema(minimum = 1, maximum = 1_000_000)]
    pub per_user_limit: i32,
    pub valid_from: DateTime<Utc>,
    pub valid_to: DateTime<Utc>,
    #[validate(range(min = 1, max = 366))]
    #[schema(minimum = 1, maximum = 366)]
    pub voucher_valid_days: i32,
    /// For a course seat: the activity session the seat is in.
    pub session_id: Option<Uuid>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Offer {
    pub id: Uuid,
    /// `community` or the merchant's id.
    pub provider: String,
    pub merchant_id: Option<Uuid>,
    pub kind: OfferKind,
    pub title: String,
    pub description: String,
    pub points_cost: i64,
    pub stock: i32,
    pub stock_left: i32,
    pub per_user_limit: i32,
    pub valid_from: DateTime<Utc>,
    pub valid_to: DateTime<Utc>,
    pub voucher_valid_days: i32,
    pub session_id: Option<Uuid>,
    pub status: OfferStatus,
    pub review_reason: Option<String>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct OfferPage {
    pub items: Vec<Offer>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct OfferQuery {
    /// `community` or a merchant id.
    pub provider: Option<String>,
    pub kind: Option<OfferKind>,
    /// Staff and merchant staff only; residents see redeemable offers.
    pub status: Option<OfferStatus>,
    pub cursor: Option<String>,
    pub limit: Option<u32>,
}

/// Pause, resume or withdraw an offer.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct OfferStatusChange {
    pub status: OfferStatus,
    #[validate(length(max = 500))]
    #[schema(max_length = 500)]
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Voucher {
    pub id: Uuid,
    /// Show it at the counter: 13 characters without 0/O/1/I/L.
    pub code: String,
    pub offer_id: Uuid,
    pub merchant_id: Option<Uuid>,
    pub holder_id: Uuid,
    pub status: VoucherStatus,
    pub points_cost: i64,
    pub issued_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub used_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct VoucherPage {
    pub items: Vec<Voucher>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct VoucherQuery {
    pub status: Option<VoucherStatus>,
    pub cursor: Option<String>,
    pub limit: Option<u32>,
}

/// 核销: the code the holder shows (case, spaces and dashes do not matter).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"code": crate::demo::VOUCHER_CODE}))]
pub struct VoucherUse {
    #[validate(length(min = 1, max = 40))]
    #[schema(min_length = 1, max_length = 40)]
    pub code: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct VoucherRating {
    #[validate(range(min = 1, max = 5))]
    #[schema(minimum = 1, maximum = 5)]
    pub stars: i32,
    #[validate(length(max = 500))]
    #[schema(max_length = 500)]
    #[serde(default)]
    pub comment: String,
}
