use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

use crate::TargetGroup;

/// What an association does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AssociationKind {
    Dance,
    Calligraphy,
    Painting,
    Hulusi,
    Opera,
    Choir,
    Instruments,
    TaiChi,
    Reading,
    Handicraft,
    Photography,
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MemberRole {
    Leader,
    Member,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AttendanceMethod {
    Roll,
    Code,
}

/// A cultural association (社团) with its first leaders.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "象棋社", "kind": "other", "description": "每周六上午，楼下凉亭"}))]
pub struct NewAssociation {
    #[validate(length(min = 1, max = 50))]
    #[schema(min_length = 1, max_length = 50)]
    pub name: String,
    pub kind: AssociationKind,
    #[validate(length(max = 500))]
    #[schema(max_length = 500)]
    #[serde(default)]
    pub description: String,
    /// People of the community who lead it (they keep its timetable and take its roll).
    #[validate(length(max = 5))]
    #[schema(max_items = 5)]
    #[serde(default)]
    pub leader_ids: Vec<Uuid>,
}

/// A member joins: a leader adds members, staff add members and leaders.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct NewMember {
    pub user_id: Uuid,
    /// Default `member`.
    pub role: Option<MemberRole>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Member {
    pub user_id: Uuid,
    pub name: String,
    pub role: MemberRole,
}

/// A session of the association's timetable in one of the centre's rooms, repeated weekly.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct NewAssociationSession {
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub title: String,
    pub room_id: Uuid,
    pub starts_at: DateTime<Utc>,
    /// After `starts_at`, within 12 hours.
    pub ends_at: DateTime<Utc>,
    /// How many weeks it repeats (1–26). Default 1.
    #[validate(range(min = 1, max = 26))]
    #[schema(minimum = 1, maximum = 26)]
    pub weeks: Option<u32>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct AssociationSession {
    pub id: Uuid,
    pub association_id: Uuid,
    pub title: String,
    pub room_id: Uuid,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct AssociationSessionList {
    pub items: Vec<AssociationSession>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Association {
    pub id: Uuid,
    pub name: String,
    pub kind: AssociationKind,
    pub description: String,
    pub members: Vec<Member>,
    /// The coming sessions (at most 20), in time order.
    pub timetable: Vec<AssociationSession>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct AssociationList {
    pub items: Vec<Association>,
}

/// The attendance of a session: a leader's (or staff's) roll of the people present, or a member's
/// own check-in with the code shown at the door.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct RollRequest {
    /// The roll: people of the community present (leaders and staff only).
    #[validate(length(max = 200))]
    #[schema(max_items = 200)]
    #[serde(default)]
    pub user_ids: Vec<Uuid>,
    /// A member's check-in: the code shown at the door.
    #[validate(length(min = 1, max = 12))]
    #[schema(min_length = 1, max_length = 12)]
    pub code: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Attendee {
    pub user_id: Uuid,
    pub target_group: TargetGroup,
    pub method: AttendanceMethod,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Attendance {
    pub session_id: Uuid,
    /// Counted by this request.
    pub counted: Vec<Uuid>,
    /// Already counted before.
    pub already: Vec<Uuid>,
    /// Everyone counted at the session so far.
    pub attendees: Vec<Attendee>,
}
