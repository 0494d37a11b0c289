//! The people behind the needs: buildings and heads, the residents directory, binding codes,
//! family proxies, care, outreach, mediation and the staff's work queue.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "9栋", "cluster": "西区"}))]
pub struct NewBuilding {
    #[validate(length(min = 1, max = 50))]
    #[schema(min_length = 1, max_length = 50)]
    pub name: String,
    /// The estate cluster (组团) it belongs to, if the community has them.
    #[validate(length(max = 50))]
    #[schema(max_length = 50)]
    #[serde(default)]
    pub cluster: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct BuildingHead {
    pub user_id: Uuid,
    pub name: String,
    /// 党员楼栋长.
    pub party_member: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Building {
    pub id: Uuid,
    pub name: String,
    pub cluster: String,
    pub heads: Vec<BuildingHead>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct BuildingPage {
    pub items: Vec<Building>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct NewHead {
    /// A person of the community; they hold the `building_head` role from their next request.
    pub user_id: Uuid,
    #[serde(default)]
    pub party_member: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ResidentTag {
    LivingAlone,
    Elderly,
    Disability,
    NoPhone,
    Child,
    NewEmployment,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ConsentMethod {
    /// A signed paper form, kept by the community.
    Paper,
    /// Said in person to the one registering, who records it.
    InPerson,
}

/// The resident's consent to being registered, as it was given.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct ConsentGiven {
    pub method: ConsentMethod,
    /// Who consented, if not the resident (a guardian who signed for them).
    #[validate(length(min = 1, max = 50))]
    #[schema(min_length = 1, max_length = 50)]
    pub given_by: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "周奶奶", "building_id": "01939a2e-4b7c-7d3e-9f00-000000000004",
    "unit": "2单元", "room": "301", "tags": ["elderly", "living_alone", "no_phone"],
    "consent": {"method": "paper"}}))]
pub struct NewResident {
    #[validate(length(min = 1, max = 50))]
    #[schema(min_length = 1, max_length = 50)]
    pub name: String,
    /// Required of a building head (one of their buildings).
    pub building_id: Option<Uuid>,
    #[validate(length(max = 20))]
    #[schema(max_length = 20)]
    #[serde(default)]
    pub unit: String,
    #[validate(length(max = 20))]
    #[schema(max_length = 20)]
    #[serde(default)]
    pub room: String,
    /// 11 digits starting with 1; shown masked.
    #[validate(length(equal = 11))]
    #[schema(min_length = 11, max_length = 11, pattern = "^1[0-9]{10}$")]
    pub phone: Option<String>,
    #[validate(length(max = 6))]
    #[schema(max_items = 6)]
    #[serde(default)]
    pub tags: Vec<ResidentTag>,
    #[validate(nested)]
    pub consent: ConsentGiven,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ResidentConsent {
    pub method: ConsentMethod,
    pub given_by: String,
    pub recorded_by: Uuid,
    pub at: DateTime<Utc>,
}

/// A directory entry; its id is the person's id (a need's requester, a record's beneficiary).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Resident {
    pub id: Uuid,
    pub name: String,
    pub building_id: Option<Uuid>,
    pub unit: String,
    pub room: String,
    /// Masked: 138****5678.
    pub phone: Option<String>,
    pub tags: Vec<ResidentTag>,
    pub consent: ResidentConsent,
    /// Whether a WeChat account is attached.
    pub bound: bool,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ResidentPage {
    pub items: Vec<Resident>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ResidentQuery {
    pub building_id: Option<Uuid>,
    pub tag: Option<ResidentTag>,
    /// Part of the name.
    pub name: Option<String>,
    pub cursor: Option<String>,
    pub limit: Option<u32>,
}

/// A one-time code (valid a week) that attaches a WeChat account to a registered resident.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct BindingCode {
    pub resident_id: Uuid,
    pub code: String,
    pub expires_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct BindingRequest {
    #[validate(length(min = 1, max = 32))]
    #[schema(min_length = 1, max_length = 32)]
    pub code: String,
    /// Given, the caller becomes the resident's confirmed family proxy (e.g. 女儿); absent, the
    /// caller is the resident and their WeChat moves onto the registered account.
    #[validate(length(min = 1, max = 20))]
    #[schema(min_length = 1, max_length = 20)]
    pub relation: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct BindingResult {
    pub resident_id: Uuid,
    pub name: String,
    /// The family link, when bound as a proxy.
    pub relative: Option<Relative>,
    /// True when the WeChat account moved: sign in again to act as the resident.
    pub sign_in_again: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RelativeStatus {
    Pending,
    Confirmed,
    Declined,
    Ended,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct NewRelative {
    /// The elderly relative, a person of the community.
    pub elder_id: Uuid,
    /// e.g. 女儿, 儿子, 孙女.
    #[validate(length(min = 1, max = 20))]
    #[schema(min_length = 1, max_length = 20)]
    pub relation: String,
}

/// A family proxy link (亲情代理): the proxy posts, confirms and rates for the elder and sees
/// their care.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Relative {
    pub id: Uuid,
    pub proxy_id: Uuid,
    pub elder_id: Uuid,
    /// The other person's name, as the caller sees the link.
    pub other_name: String,
    pub relation: String,
    pub status: RelativeStatus,
    pub requested_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct RelativePage {
    pub items: Vec<Relative>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct RelativeDecision {
    /// True confirms a pending link; false declines it, or ends a confirmed one.
    pub confirm: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CareService {
    pub record_id: Uuid,
    pub need_id: Option<Uuid>,
    pub content: String,
    pub minutes: i32,
    pub status: crate::RecordStatus,
    pub at: DateTime<Utc>,
    pub volunteer_id: Uuid,
    pub volunteer_name: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct MonthCount {
    /// `YYYY-MM`, Beijing time.
    pub month: String,
    pub count: i64,
}

/// What a resident received: services (newest first, at most 200), visits per month and the
/// last visit (a service or a building head's outreach visit).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Care {
    pub resident_id: Uuid,
    pub name: String,
    pub last_visit: Option<DateTime<Utc>>,
    pub visits_per_month: Vec<MonthCount>,
    pub services: Vec<CareService>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CareGap {
    pub resident_id: Uuid,
    pub name: String,
    pub building_id: Option<Uuid>,
    pub unit: String,
    pub room: String,
    pub tags: Vec<ResidentTag>,
    pub last_visit: Option<DateTime<Utc>>,
    /// Days since the last visit (or since registration, if nobody has come yet).
    pub days_since: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CareGapPage {
    /// The threshold applied.
    pub days: i32,
    pub items: Vec<CareGap>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CareGapQuery {
    /// Days without a visit (1 to 90); default the community's setting.
    pub days: Option<i32>,
    pub cursor: Option<String>,
    pub limit: Option<u32>,
}

/// The community's care-gap threshold.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct CareGapSettings {
    #[validate(range(min = 1, max = 90))]
    #[schema(minimum = 1, maximum = 90)]
    pub days: i32,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"building_id": "01939a2e-4b7c-7d3e-9f00-000000000004",
    "household": "2单元301", "topic": "独居老人探访", "note": "身体尚好，需代买降压药"}))]
pub struct NewOutreach {
    pub building_id: Uuid,
    /// The registered resident visited, if any (their care counts the visit).
    pub resident_id: Option<Uuid>,
    #[validate(length(min = 1, max = 50))]
    #[schema(min_length = 1, max_length = 50)]
    pub household: String,
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub topic: String,
    #[validate(length(max = 1000))]
    #[schema(max_length = 1000)]
    #[serde(default)]
    pub note: String,
    /// Default: now.
    pub visited_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Outreach {
    pub id: Uuid,
    pub building_id: Uuid,
    pub resident_id: Option<Uuid>,
    pub household: String,
    pub topic: String,
    pub note: String,
    pub visited_at: DateTime<Utc>,
    pub recorded_by: Uuid,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct OutreachPage {
    pub items: Vec<Outreach>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct BuildingScopedQuery {
    pub building_id: Option<Uuid>,
    pub cursor: Option<String>,
    pub limit: Option<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MediationStatus {
    Open,
    Agreed,
    Closed,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct NewMediation {
    pub building_id: Option<Uuid>,
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub title: String,
    /// The parties as the case names them (e.g. 301室, 401室).
    #[validate(length(min = 2, max = 10))]
    #[schema(min_items = 2, max_items = 10)]
    pub parties: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct NewMediationSession {
    /// Default: now.
    pub held_at: Option<DateTime<Utc>>,
    #[validate(length(min = 1, max = 2000))]
    #[schema(min_length = 1, max_length = 2000)]
    pub note: String,
}

/// With `agreement`, the parties agreed (the case waits for its follow-up); without, the case
/// is closed after the follow-up.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct AgreementRequest {
    #[validate(length(min = 1, max = 4000))]
    #[schema(min_length = 1, max_length = 4000)]
    pub agreement: Option<String>,
    pub follow_up_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct MediationSession {
    pub id: Uuid,
    pub held_at: DateTime<Utc>,
    pub note: String,
    pub recorded_by: Uuid,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Mediation {
    pub id: Uuid,
    pub building_id: Option<Uuid>,
    pub title: String,
    pub parties: Vec<String>,
    pub status: MediationStatus,
    pub opened_by: Uuid,
    pub agreement: Option<String>,
    pub follow_up_at: Option<DateTime<Utc>>,
    pub agreed_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub sessions: Vec<MediationSession>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct MediationPage {
    pub items: Vec<Mediation>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum QueueKind {
    Verification,
    LowRating,
    Escalation,
    Expiry,
    StuckClaim,
    Suggestion,
    CareGap,
    Filing,
}

/// One thing waiting for a decision, with what it takes to decide.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct QueueItem {
    pub kind: QueueKind,
    /// The record, rating, need, claim, suggestion, resident or merchant it is about.
    pub subject_id: Uuid,
    pub community_id: Uuid,
    /// Since when it has waited.
    pub since: DateTime<Utc>,
    pub title: String,
    pub detail: String,
    /// The volunteer (a record, a claim) or the resident (a care gap).
    pub person: Option<String>,
    pub minutes: Option<i32>,
    pub stars: Option<i32>,
    pub need_id: Option<Uuid>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct QueuePage {
    pub items: Vec<QueueItem>,
    pub next_cursor: Option<String>,
}
