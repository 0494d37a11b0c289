use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ProjectStatus {
    Planning,
    Running,
    Reviewing,
    Closed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EnrolmentStatus {
    Enrolled,
    Waitlisted,
    Cancelled,
    Attended,
}

/// A room of the activity centre (or another place that hosts sessions).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct NewRoom {
    #[validate(length(min = 1, max = 50))]
    #[schema(min_length = 1, max_length = 50)]
    pub name: String,
    #[validate(length(min = 1, max = 50))]
    #[schema(min_length = 1, max_length = 50)]
    pub zone: String,
    #[validate(range(min = 1, max = 2000))]
    #[schema(minimum = 1, maximum = 2000)]
    pub capacity: i32,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Room {
    pub id: Uuid,
    pub name: String,
    pub zone: String,
    pub capacity: i32,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct RoomList {
    pub items: Vec<Room>,
}

/// Who organises a project.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OrganiserKind {
    Community,
    SocialWorker,
    Team,
    Partner,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PartnerKind {
    University,
    Company,
    SocialOrganisation,
    Other,
}

/// A partner organisation (共建线): a university, a company, a social organisation.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct NewPartner {
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
    pub kind: PartnerKind,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Partner {
    pub id: Uuid,
    pub name: String,
    pub kind: PartnerKind,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct NewPackage {
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub title: String,
    #[validate(length(max = 1000))]
    #[schema(max_length = 1000)]
    #[serde(default)]
    pub description: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Package {
    pub id: Uuid,
    pub title: String,
    pub description: String,
}

/// A project (项目化运作) with its course packages (系列课程包).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"title": "童心筑梦", "description": "亲子共学项目", "organiser_kind": "social_worker",
    "period_start": "2030-03-01T00:00:00Z", "period_end": "2030-06-30T00:00:00Z",
    "packages": [{"title": "非遗传承月"}, {"title": "科学探索月"}]}))]
pub struct NewProject {
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub title: String,
    #[validate(length(max = 2000))]
    #[schema(max_length = 2000)]
    #[serde(default)]
    pub description: String,
    pub organiser_kind: OrganiserKind,
    pub period_start: DateTime<Utc>,
    pub period_end: DateTime<Utc>,
    /// The project of the previous period this one continues.
    pub continues_project_id: Option<Uuid>,
    #[validate(length(max = 20), nested)]
    #[schema(max_items = 20)]
    #[serde(default)]
    pub packages: Vec<NewPackage>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Project {
    pub id: Uuid,
    pub title: String,
    pub description: String,
    pub organiser_kind: OrganiserKind,
    /// The partner organisation that claimed it.
    pub partner: Option<Partner>,
    pub period_start: DateTime<Utc>,
    pub period_end: DateTime<Utc>,
    pub status: ProjectStatus,
    pub continues_project_id: Option<Uuid>,
    /// The project that carries this one into the next period.
    pub continued_by: Option<Uuid>,
    pub packages: Vec<Package>,
    /// The parent preparation group (家长筹备组).
    pub parents: Vec<Uuid>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ProjectPage {
    pub items: Vec<Project>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ProjectQuery {
    /// Only projects no partner has claimed yet (the project list partners choose from).
    pub claimable: Option<bool>,
    pub cursor: Option<String>,
    pub limit: Option<u32>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct ProjectStatusChange {
    pub status: ProjectStatus,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct ParentMember {
    pub user_id: Uuid,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"title": "剪纸入门", "starts_at": "2030-03-07T06:00:00Z", "ends_at": "2030-03-07T08:00:00Z",
    "place": "活动中心 3 号室", "capacity": 25, "enrol_from": "2030-03-01T00:00:00Z", "enrol_to": "2030-03-07T00:00:00Z",
    "volunteer_slots": 2, "attendance_points": 5}))]
pub struct NewSession {
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub title: String,
    pub package_id: Option<Uuid>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// A room of the centre; two sessions never overlap in one room.
    pub room_id: Option<Uuid>,
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub place: String,
    /// People, children included.
    #[validate(range(min = 1, max = 2000))]
    #[schema(minimum = 1, maximum = 2000)]
    pub capacity: i32,
    pub enrol_from: DateTime<Utc>,
    pub enrol_to: DateTime<Utc>,
    #[validate(range(min = 0, max = 100))]
    #[schema(minimum = 0, maximum = 100)]
    #[serde(default)]
    pub volunteer_slots: i32,
    /// Points for attending, to the enrolled resident.
    #[validate(range(min = 0, max = 1000))]
    #[schema(minimum = 0, maximum = 1000)]
    #[serde(default)]
    pub attendance_points: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Session {
    pub id: Uuid,
    pub project_id: Uuid,
    pub package_id: Option<Uuid>,
    pub title: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub room_id: Option<Uuid>,
    pub place: String,
    pub capacity: i32,
    pub seats_left: i32,
    pub waitlist_length: i32,
    pub enrol_from: DateTime<Utc>,
    pub enrol_to: DateTime<Utc>,
    pub volunteer_slots: i32,
    pub attendance_points: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SessionList {
    pub items: Vec<Session>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SessionQuery {
    pub project_id: Option<Uuid>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    pub cursor: Option<String>,
    pub limit: Option<u32>,
}

/// Enrol yourself, with your children if any.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct EnrolmentRequest {
    #[validate(length(max = 10))]
    #[schema(max_items = 10)]
    #[serde(default)]
    pub child_ids: Vec<Uuid>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Enrolment {
    pub id: Uuid,
    pub session_id: Uuid,
    pub status: EnrolmentStatus,
    /// Order of enrolment; the waitlist moves up in this order.
    pub position: i64,
    pub child_ids: Vec<Uuid>,
    /// People the enrolment counts: the resident and the children.
    pub party_size: i32,
}

/// The code to show at the door; it changes every 30 seconds.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CheckinCode {
    pub code: String,
    pub expires_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct CheckinRequest {
    #[validate(length(min = 1, max = 12))]
    #[schema(min_length = 1, max_length = 12)]
    pub code: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Checkin {
    pub session_id: Uuid,
    pub people: i32,
    /// Points credited for this check-in (attendance and co-learning).
    pub points: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct SessionVolunteers {
    #[validate(length(min = 1, max = 100))]
    #[schema(min_items = 1, max_items = 100)]
    pub volunteer_ids: Vec<Uuid>,
}

/// A child profile: only what enrolment needs.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct NewChild {
    #[validate(length(min = 1, max = 20))]
    #[schema(min_length = 1, max_length = 20)]
    pub nickname: String,
    /// Not after the current year, Beijing time (else 422 `invalid_birth_year`).
    #[validate(range(min = 2000, max = 2100))]
    #[schema(minimum = 2000, maximum = 2100)]
    pub birth_year: i32,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Child {
    pub id: Uuid,
    pub nickname: String,
    pub birth_year: i32,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ChildList {
    pub items: Vec<Child>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Notification {
    pub id: Uuid,
    pub kind: crate::NoticeKind,
    pub title: String,
    pub body: String,
    pub read: bool,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct NotificationPage {
    pub items: Vec<Notification>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    pub cursor: Option<String>,
    pub limit: Option<u32>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct VisitsQuery {
    /// Default: 30 days ago.
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    /// One place's walk-in visits only.
    pub place_id: Option<Uuid>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct DailyVisits {
    /// `YYYY-MM-DD` in the community's time.
    pub date: String,
    /// Everyone that day: `sessions` + `walk_ins`.
    pub visits: i64,
    /// People checked in to sessions and counted at association sessions.
    pub sessions: i64,
    /// People recorded at the community's places (staff tallies and visitors' scans).
    pub walk_ins: i64,
}

/// Walk-in visits of one zone of a place, or of one service.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct VisitTally {
    pub place_id: Option<Uuid>,
    pub zone: Option<String>,
    pub service_id: Option<Uuid>,
    pub visits: i64,
}

/// The busiest seven consecutive days of the period (all of it if shorter) and their daily mean.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PeakPeriod {
    /// `YYYY-MM-DD`, local.
    pub from: String,
    pub to: String,
    pub daily_average: f64,
    pub definition: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct VisitList {
    pub items: Vec<DailyVisits>,
    /// The busiest day of the period.
    pub peak: Option<DailyVisits>,
    pub peak_period: Option<PeakPeriod>,
    pub by_zone: Vec<VisitTally>,
    pub by_service: Vec<VisitTally>,
}
