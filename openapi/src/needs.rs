use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use crate::ServiceRecord;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    MedicineRun,
    PhoneHelp,
    Repair,
    Companionship,
    Tutoring,
    Errand,
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TargetGroup {
    Elderly,
    Child,
    NewEmployment,
    General,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum NeedStatus {
    Open,
    Claimed,
    Done,
    Confirmed,
    Cancelled,
    Expired,
}

/// A need to post. Staff may post for an elderly resident with `on_behalf_of`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"category": "medicine_run", "target_group": "elderly", "title": "代买降压药",
    "description": "帮忙去社区药房买一盒降压药", "place": "3栋2单元", "window_start": "2030-03-01T08:00:00Z",
    "window_end": "2030-03-01T12:00:00Z", "estimated_minutes": 15, "slots": 1}))]
pub struct NewNeed {
    pub category: Category,
    pub target_group: TargetGroup,
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub title: String,
    #[validate(length(max = 2000))]
    #[schema(max_length = 2000)]
    #[serde(default)]
    pub description: String,
    /// Building / unit, e.g. `3栋2单元`.
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub place: String,
    /// At most a day before posting.
    pub window_start: DateTime<Utc>,
    /// After `window_start`, in the future, and within 180 days (else 422 `invalid_window`).
    pub window_end: DateTime<Utc>,
    /// 15 or fewer makes the need a micro-service (one-tap claim).
    #[validate(range(min = 1, max = 1440))]
    #[schema(minimum = 1, maximum = 1440)]
    pub estimated_minutes: i32,
    #[validate(range(min = 1, max = 20))]
    #[schema(minimum = 1, maximum = 20)]
    #[serde(default = "one")]
    pub slots: i32,
    /// A resident of the community the need is for (staff only).
    pub on_behalf_of: Option<Uuid>,
}

fn one() -> i32 {
    1
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Need {
    pub id: Uuid,
    pub community_id: Uuid,
    pub requester_id: Uuid,
    pub posted_by: Uuid,
    pub category: Category,
    pub target_group: TargetGroup,
    pub title: String,
    pub description: String,
    pub place: String,
    pub window_start: DateTime<Utc>,
    pub window_end: DateTime<Utc>,
    pub estimated_minutes: i32,
    pub slots: i32,
    pub slots_taken: i32,
    /// A micro-service (微服务): 15 minutes or less.
    pub micro: bool,
    pub status: NeedStatus,
    /// Unclaimed past the escalation age: flagged for team leads and social workers.
    pub escalated: bool,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Claim {
    pub id: Uuid,
    pub volunteer_id: Uuid,
    pub user_id: Uuid,
    pub status: ClaimStatus,
    pub minutes: Option<i32>,
    pub note: Option<String>,
    pub completed_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// A volunteer's claim on a need: active, withdrawn by them, or cancelled with the need.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ClaimStatus {
    Active,
    Withdrawn,
    Cancelled,
}

/// What happened to a need.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum NeedAction {
    Posted,
    Claimed,
    Withdrawn,
    Completed,
    Confirmed,
    AutoConfirmed,
    Cancelled,
    Expired,
    Escalated,
    Rated,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct HistoryEntry {
    pub action: NeedAction,
    pub from_status: Option<NeedStatus>,
    pub to_status: NeedStatus,
    pub actor_id: Option<Uuid>,
    pub note: Option<String>,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Rating {
    pub stars: i32,
    pub tags: Vec<String>,
    pub comment: String,
    /// A low rating (1–2 stars), flagged for a social worker.
    pub flagged: bool,
    pub created_at: DateTime<Utc>,
}

/// One need with its claims, its full history and its rating.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct NeedDetail {
    #[serde(flatten)]
    pub need: Need,
    pub claims: Vec<Claim>,
    pub history: Vec<HistoryEntry>,
    pub rating: Option<Rating>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct NeedPage {
    pub items: Vec<Need>,
    pub next_cursor: Option<String>,
}

/// A recommended need with how well it fits the caller.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Recommendation {
    pub need: Need,
    pub score: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct RecommendationList {
    pub items: Vec<Recommendation>,
    pub next_cursor: Option<String>,
}

/// Whose claims a list shows: only the caller's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ClaimedBy {
    Me,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct NeedQuery {
    pub status: Option<NeedStatus>,
    pub category: Option<Category>,
    pub target_group: Option<TargetGroup>,
    pub micro: Option<bool>,
    /// Needs whose place starts with this text (a building, a unit).
    pub place: Option<String>,
    /// Only the caller's own needs (asked for, or posted for someone).
    pub mine: Option<bool>,
    /// Staff: needs escalated for being unclaimed too long.
    pub escalated: Option<bool>,
    /// `me`: the needs the caller claimed (and has not withdrawn), whatever their state.
    pub claimed_by: Option<ClaimedBy>,
    pub cursor: Option<String>,
    /// 1 to 100, default 20.
    pub limit: Option<u32>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"minutes": 20, "note": "药已送到，老人已服药"}))]
pub struct CompletionRequest {
    #[validate(range(min = 1, max = 1440))]
    #[schema(minimum = 1, maximum = 1440)]
    pub minutes: i32,
    /// When the service began (default: `minutes` before now).
    #[serde(default)]
    pub started_at: Option<DateTime<Utc>>,
    #[validate(length(max = 1000))]
    #[schema(max_length = 1000)]
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"reason": "家人已经帮忙买了"}))]
pub struct CancellationRequest {
    #[validate(length(min = 1, max = 500))]
    #[schema(min_length = 1, max_length = 500)]
    pub reason: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"stars": 5, "tags": ["准时", "耐心"], "comment": "谢谢小吴"}))]
pub struct RatingRequest {
    #[validate(range(min = 1, max = 5))]
    #[schema(minimum = 1, maximum = 5)]
    pub stars: i32,
    #[validate(length(max = 10))]
    #[schema(max_items = 10, value_type = Vec<Tag>)]
    #[serde(default)]
    pub tags: Vec<String>,
    #[validate(length(max = 1000))]
    #[schema(max_length = 1000)]
    #[serde(default)]
    pub comment: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CompletionResult {
    pub need: Need,
    pub service_record: ServiceRecord,
}

/// A rating's tag (准时, 耐心 …): 1 to 20 characters (another: 422 `invalid_tags`).
pub struct Tag;

impl utoipa::PartialSchema for Tag {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .description(Some("A rating's tag (准时, 耐心 …): 1 to 20 characters."))
            .min_length(Some(1))
            .max_length(Some(20))
            .into()
    }
}

impl ToSchema for Tag {}
