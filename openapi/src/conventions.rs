//! The residents' convention (居民公约): versions, amendments and the revision procedure.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

/// `in_force` (open to amendments), `collecting` amendments, then a draft that is `drafted`,
/// `reviewed` (by the subdistrict), `voting`, `adopted` (awaiting filing).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ConventionStatus {
    InForce,
    Collecting,
    Drafted,
    Reviewed,
    Voting,
    Adopted,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum VersionStatus {
    InForce,
    Superseded,
    Drafted,
    Reviewed,
    Voting,
    Adopted,
    Returned,
    NotAdopted,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AmendmentKind {
    Change,
    Add,
    Remove,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AmendmentStatus {
    Pending,
    Accepted,
    Rejected,
    Drafted,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct ArticleText {
    #[validate(range(min = 1, max = 200))]
    #[schema(minimum = 1, maximum = 200)]
    pub number: i32,
    #[validate(length(min = 1, max = 2000))]
    #[schema(min_length = 1, max_length = 2000)]
    pub text: String,
}

/// The convention in force, recorded as version 1.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct NewConvention {
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub title: String,
    /// Numbered 1, 2, 3 … in order.
    #[validate(length(min = 1, max = 200), nested)]
    #[schema(min_items = 1, max_items = 200)]
    pub articles: Vec<ArticleText>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ConventionVersion {
    pub version: i32,
    pub status: VersionStatus,
    pub articles: Vec<ArticleText>,
    pub changelog: Vec<String>,
    pub created_at: DateTime<Utc>,
    pub review_comment: Option<String>,
    pub reviewed_at: Option<DateTime<Utc>>,
    pub poll_id: Option<Uuid>,
    pub filing_reference: Option<String>,
    pub filed_at: Option<DateTime<Utc>>,
    pub in_force_from: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Amendment {
    pub id: Uuid,
    pub convention_id: Uuid,
    pub kind: AmendmentKind,
    /// The article changed or removed (0 for an addition).
    pub article: i32,
    pub text: String,
    pub reason: String,
    pub status: AmendmentStatus,
    /// Staff's reason, public.
    pub decision_reason: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    /// The draft version it went into.
    pub version: Option<i32>,
    pub mine: bool,
    pub created_at: DateTime<Utc>,
}

/// The convention: the consolidated text in force, the draft on its way and the amendments.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Convention {
    pub id: Uuid,
    pub title: String,
    pub status: ConventionStatus,
    pub in_force: ConventionVersion,
    pub draft: Option<ConventionVersion>,
    pub amendments: Vec<Amendment>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ConventionList {
    pub items: Vec<Convention>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ConventionVersions {
    pub items: Vec<ConventionVersion>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"kind": "change", "article": 2, "text": "文明养犬，出门牵绳，及时清理犬只粪便。",
    "reason": "现行条文没有写清理粪便"}))]
pub struct NewAmendment {
    pub kind: AmendmentKind,
    /// The article to change or remove (ignored for an addition).
    #[validate(range(min = 0, max = 200))]
    #[schema(minimum = 0, maximum = 200)]
    #[serde(default)]
    pub article: i32,
    /// The new text (empty for a removal).
    #[validate(length(max = 2000))]
    #[schema(max_length = 2000)]
    #[serde(default)]
    pub text: String,
    #[validate(length(min = 1, max = 1000))]
    #[schema(min_length = 1, max_length = 1000)]
    pub reason: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct AmendmentDecision {
    pub accept: bool,
    #[validate(length(min = 1, max = 500))]
    #[schema(min_length = 1, max_length = 500)]
    pub reason: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct ConventionReview {
    pub approve: bool,
    #[validate(length(min = 1, max = 1000))]
    #[schema(min_length = 1, max_length = 1000)]
    pub comment: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct ConventionFiling {
    /// The filing's reference (备案号).
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub reference: String,
}
