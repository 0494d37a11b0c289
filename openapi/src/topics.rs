//! Self-governance (自治线): topics through the 六事 and the deliberation meetings.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

/// Where a topic, a meeting or a poll belongs: a building (name its `building_id`), an estate
/// cluster (name its `cluster`), or the whole community.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ScopeLevel {
    Building,
    Cluster,
    Community,
}

/// seconding → screening → accepted | merged | referred | rejected (or expired unseconded);
/// accepted → scheduled → deliberated → voting → passed | failed | deferred; passed →
/// publicised → in_progress → done → evaluated → closed, or back to in_progress when the
/// evaluation is poor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TopicStatus {
    Seconding,
    Expired,
    Screening,
    Accepted,
    Merged,
    Referred,
    Rejected,
    Scheduled,
    Deliberated,
    Voting,
    Passed,
    Failed,
    Deferred,
    Publicised,
    InProgress,
    Done,
    Evaluated,
    Closed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TopicStep {
    Raised,
    Seconded,
    Screened,
    Scheduled,
    Deliberated,
    Voted,
    Resolved,
    Objected,
    Progress,
    Evaluated,
    Reopened,
    Hidden,
    Lapsed,
}

/// Staff's screening: put on the agenda (立项), merge into another topic, refer to the property
/// company or the subdistrict, or reject.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ScreeningDecision {
    Accept,
    Merge,
    Refer,
    Reject,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Referral {
    PropertyCompany,
    Subdistrict,
}

/// A topic a resident raises (or a building head for a resident of their building).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"title": "3栋电梯维修", "description": "3栋电梯经常停运，老人上下楼困难，希望尽快维修。",
    "place": "3栋", "scope": "community"}))]
pub struct NewTopic {
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub title: String,
    #[validate(length(min = 1, max = 2000))]
    #[schema(min_length = 1, max_length = 2000)]
    pub description: String,
    /// Where the matter is (a stairwell, the east gate …).
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub place: String,
    pub scope: ScopeLevel,
    pub building_id: Option<Uuid>,
    #[validate(length(min = 1, max = 50))]
    #[schema(min_length = 1, max_length = 50)]
    pub cluster: Option<String>,
    /// A building head raising it for a resident (their directory id) of a building they head.
    pub for_resident_id: Option<Uuid>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Topic {
    pub id: Uuid,
    pub title: String,
    pub description: String,
    pub place: String,
    pub scope: ScopeLevel,
    pub building_id: Option<Uuid>,
    pub cluster: Option<String>,
    /// The resident whose topic it is.
    pub raised_by: Uuid,
    pub status: TopicStatus,
    pub seconds: i32,
    pub seconds_needed: i32,
    /// Seconds are taken until then.
    pub expires_at: DateTime<Utc>,
    /// Whether the caller has seconded it.
    pub seconded: bool,
    pub merged_into: Option<Uuid>,
    pub referred_to: Option<Referral>,
    /// The decision as publicised (公示).
    pub decision: Option<String>,
    pub objection_until: Option<DateTime<Utc>>,
    /// Who carries the decision out, and by when.
    pub owner_id: Option<Uuid>,
    pub deadline: Option<DateTime<Utc>>,
    /// Progress of the delivery, 0–100.
    pub percent: i32,
    pub done_at: Option<DateTime<Utc>>,
    pub settled_at: Option<DateTime<Utc>>,
    /// The delivery round: a poor evaluation starts the next.
    pub round: i32,
    /// Shown to staff and the author: why moderation hid it.
    pub hidden_reason: Option<String>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct TopicPage {
    pub items: Vec<Topic>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TopicQuery {
    pub status: Option<TopicStatus>,
    pub scope: Option<ScopeLevel>,
    pub building_id: Option<Uuid>,
    pub cursor: Option<String>,
    pub limit: Option<u32>,
}

/// One step of a topic's history, with who took it and the public reason or note.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct TopicEvent {
    pub step: TopicStep,
    /// The topic's status after the step.
    pub status: TopicStatus,
    /// Who (absent when time moved it).
    pub actor_id: Option<Uuid>,
    pub actor_name: Option<String>,
    pub note: String,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Objection {
    pub id: Uuid,
    pub topic_id: Uuid,
    pub text: String,
    pub reply: Option<String>,
    pub replied_at: Option<DateTime<Utc>>,
    /// Whether the caller raised it.
    pub mine: bool,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ProgressEntry {
    pub percent: i32,
    pub note: String,
    pub recorded_by: Uuid,
    pub at: DateTime<Utc>,
}

/// The residents' evaluation of the current round.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct TopicEvaluations {
    pub round: i32,
    pub count: i64,
    pub mean_stars: Option<f64>,
    /// Whether the caller has evaluated this round.
    pub mine: bool,
}

/// A topic with everything that happened to it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct TopicDetail {
    pub topic: Topic,
    pub history: Vec<TopicEvent>,
    pub objections: Vec<Objection>,
    pub progress: Vec<ProgressEntry>,
    pub evaluations: TopicEvaluations,
    /// Polls held on it, the latest first.
    pub poll_ids: Vec<Uuid>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"decision": "accept", "reason": "涉及全楼住户安全，列入议事会议程"}))]
pub struct ScreeningRequest {
    pub decision: ScreeningDecision,
    /// Public, shown with the topic.
    #[validate(length(min = 1, max = 500))]
    #[schema(min_length = 1, max_length = 500)]
    pub reason: String,
    /// For `merge`: the topic it goes into.
    pub merge_into: Option<Uuid>,
    /// For `refer`.
    pub referred_to: Option<Referral>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct ResolutionRequest {
    /// The decision as publicised (公示).
    #[validate(length(min = 1, max = 1000))]
    #[schema(min_length = 1, max_length = 1000)]
    pub decision: String,
    #[validate(range(min = 1, max = 30))]
    #[schema(minimum = 1, maximum = 30)]
    pub objection_days: i32,
    /// Who carries it out: a person of the community.
    pub owner_id: Uuid,
    /// After the objection window.
    pub deadline: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct ObjectionRequest {
    #[validate(length(min = 1, max = 1000))]
    #[schema(min_length = 1, max_length = 1000)]
    pub text: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct ObjectionReply {
    #[validate(length(min = 1, max = 1000))]
    #[schema(min_length = 1, max_length = 1000)]
    pub reply: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct ProgressRequest {
    #[validate(range(min = 0, max = 100))]
    #[schema(minimum = 0, maximum = 100)]
    pub percent: i32,
    #[validate(length(min = 1, max = 500))]
    #[schema(min_length = 1, max_length = 500)]
    pub note: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct TopicEvaluationRequest {
    #[validate(range(min = 1, max = 5))]
    #[schema(minimum = 1, maximum = 5)]
    pub stars: i32,
    #[validate(length(max = 500))]
    #[schema(max_length = 500)]
    #[serde(default)]
    pub comment: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct HidingRequest {
    #[validate(length(min = 1, max = 500))]
    #[schema(min_length = 1, max_length = 500)]
    pub reason: String,
}

/// Seconds a topic of a scope needs, and the days to gather them.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct TopicThreshold {
    #[validate(range(min = 0, max = 1000))]
    #[schema(minimum = 0, maximum = 1000)]
    pub seconds: i32,
    #[validate(range(min = 1, max = 365))]
    #[schema(minimum = 1, maximum = 365)]
    pub expiry_days: i32,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ScopeThreshold {
    pub scope: ScopeLevel,
    pub seconds: i32,
    pub expiry_days: i32,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct TopicThresholds {
    pub items: Vec<ScopeThreshold>,
}

/// A bench meeting (板凳议事会) of a building or a cluster, or a hall meeting (议事厅) of the
/// community.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MeetingKind {
    Bench,
    Hall,
}

/// What the minutes say of a topic: deliberated and `to_vote`, or `deferred` (back among the
/// accepted topics).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MinuteOutcome {
    ToVote,
    Deferred,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct NewMeeting {
    pub kind: MeetingKind,
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub title: String,
    pub starts_at: DateTime<Utc>,
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub place: String,
    pub scope: ScopeLevel,
    pub building_id: Option<Uuid>,
    #[validate(length(min = 1, max = 50))]
    #[schema(min_length = 1, max_length = 50)]
    pub cluster: Option<String>,
    /// Accepted topics of the scope for the agenda.
    #[validate(length(max = 20))]
    #[schema(max_items = 20)]
    #[serde(default)]
    pub topic_ids: Vec<Uuid>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct AgendaItem {
    pub topic_id: Uuid,
    pub title: String,
    pub outcome: Option<MinuteOutcome>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Meeting {
    pub id: Uuid,
    pub kind: MeetingKind,
    pub title: String,
    pub starts_at: DateTime<Utc>,
    pub place: String,
    pub scope: ScopeLevel,
    pub building_id: Option<Uuid>,
    pub cluster: Option<String>,
    pub agenda: Vec<AgendaItem>,
    pub registered: i64,
    pub present: i64,
    pub confirmations: i64,
    /// The caller: registered, checked in, confirmed the minutes.
    pub registered_me: bool,
    pub present_me: bool,
    pub confirmed_me: bool,
    pub minutes: Option<String>,
    pub minuted_at: Option<DateTime<Utc>>,
    /// When more than half of those present had confirmed the minutes.
    pub confirmed_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct MeetingPage {
    pub items: Vec<Meeting>,
    pub next_cursor: Option<String>,
}

/// The people checked in at the door.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct MeetingRoll {
    #[validate(length(min = 1, max = 500))]
    #[schema(min_items = 1, max_items = 500)]
    pub user_ids: Vec<Uuid>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct MinuteDecision {
    pub topic_id: Uuid,
    pub outcome: MinuteOutcome,
    #[validate(length(max = 1000))]
    #[schema(max_length = 1000)]
    #[serde(default)]
    pub note: String,
}

/// The minutes: a summary and what became of each topic on the agenda.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct MinutesRequest {
    #[validate(length(min = 1, max = 5000))]
    #[schema(min_length = 1, max_length = 5000)]
    pub summary: String,
    #[validate(length(max = 20), nested)]
    #[schema(max_items = 20)]
    #[serde(default)]
    pub decisions: Vec<MinuteDecision>,
}
