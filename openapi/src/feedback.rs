//! The suggestion box, subscribe-message grants and the outbox as staff see it.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SuggestionCategory {
    /// 我想要的课程
    CourseWanted,
    /// 急需的服务
    UrgentService,
    Complaint,
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SuggestionStatus {
    Open,
    InProgress,
    Adopted,
    Declined,
    Closed,
}

/// What a notice is about; also the kind of a one-time WeChat subscription.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum NoticeKind {
    NeedClaimed,
    NeedCompleted,
    NeedConfirmed,
    ServiceVerified,
    VoucherExpiring,
    VolunteerDecided,
    MerchantDecided,
    EnrolmentPromoted,
    SuggestionAnswered,
    /// To the responsible social worker: a need rated two stars or fewer.
    LowRating,
    /// To the community's social workers: a need unclaimed too long.
    NeedEscalated,
    /// To the community's social workers: a resident without a visit for too long.
    CareGap,
    /// To the resident who raised a topic: it moved (screened, scheduled, voted, done …).
    TopicUpdated,
    /// To the residents of a meeting's scope: an invitation.
    MeetingInvited,
    /// To an elector: a staff member entered their ballot with them (assisted voting).
    BallotAssisted,
}

/// A WeChat message's delivery: waiting, being sent, sent, given up after repeated failures,
/// or refused by WeChat for good.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OutboxStatus {
    Pending,
    Sending,
    Sent,
    Dead,
    FailedPermanent,
}

/// Where a suggestion came from: the app, or a note from the physical box entered by staff.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SuggestionSource {
    App,
    Paper,
}

/// A suggestion. Staff entering a note from the physical box set `source: "paper"`; it then has
/// no author.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"category": "course_wanted", "text": "希望开设老年人智能手机课", "anonymous": false}))]
pub struct NewSuggestion {
    pub category: SuggestionCategory,
    #[validate(length(min = 2, max = 1000))]
    #[schema(min_length = 2, max_length = 1000)]
    pub text: String,
    #[serde(default)]
    pub anonymous: bool,
    pub merchant_id: Option<Uuid>,
    pub project_id: Option<Uuid>,
    /// `app` (default) or `paper` (staff only).
    pub source: Option<SuggestionSource>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Suggestion {
    pub id: Uuid,
    pub community_id: Uuid,
    pub category: SuggestionCategory,
    pub text: String,
    pub anonymous: bool,
    /// Shown to the author themself and, unless anonymous, to staff; never to other residents.
    pub author_id: Option<Uuid>,
    pub source: SuggestionSource,
    pub merchant_id: Option<Uuid>,
    pub project_id: Option<Uuid>,
    pub status: SuggestionStatus,
    /// The public response.
    pub response: Option<String>,
    pub responded_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SuggestionPage {
    pub items: Vec<Suggestion>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct SuggestionResponse {
    pub status: SuggestionStatus,
    #[validate(length(min = 1, max = 1000))]
    #[schema(min_length = 1, max_length = 1000)]
    pub response: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SuggestionQuery {
    pub category: Option<SuggestionCategory>,
    pub status: Option<SuggestionStatus>,
    /// Only the caller's own suggestions (staff too).
    pub mine: Option<bool>,
    /// `csv` for a file (staff).
    pub format: Option<crate::Format>,
    pub cursor: Option<String>,
    pub limit: Option<u32>,
}

/// One-time subscriptions the person accepted in the mini-program (`wx.requestSubscribeMessage`):
/// each allows one WeChat message of that kind.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"kinds": ["need_claimed", "service_verified"]}))]
pub struct SubscriptionGrant {
    /// Kinds of [`NoticeKind`]; an unknown one is refused with 422 `unknown_kind`.
    #[validate(length(min = 1, max = 20))]
    #[schema(min_items = 1, max_items = 20)]
    #[schema(value_type = Vec<NoticeKind>)]
    pub kinds: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Subscriptions {
    /// Messages still allowed, by kind.
    pub remaining: BTreeMap<String, i32>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct OutboxMessage {
    pub id: Uuid,
    pub user_id: Uuid,
    pub kind: NoticeKind,
    pub status: OutboxStatus,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub next_attempt_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct OutboxPage {
    pub items: Vec<OutboxMessage>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct OutboxQuery {
    pub status: Option<OutboxStatus>,
    pub cursor: Option<String>,
    pub limit: Option<u32>,
}
