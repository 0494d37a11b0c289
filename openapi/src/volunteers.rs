use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum VolunteerStatus {
    Pending,
    Active,
    Suspended,
    Rejected,
}

/// `"flexible"` (any time, as riders between deliveries) or weekly slots in local time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Availability {
    Flexible,
    /// 1 to 21 slots.
    Weekly(Vec<WeeklySlot>),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WeeklySlot {
    /// 1 = Monday … 7 = Sunday.
    #[schema(minimum = 1, maximum = 7)]
    pub weekday: u8,
    /// `HH:MM`, local time; before `to`.
    #[schema(pattern = "^([01][0-9]|2[0-3]):[0-5][0-9]$")]
    pub from: String,
    #[schema(pattern = "^([01][0-9]|2[0-3]):[0-5][0-9]$")]
    pub to: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"skills": ["medicine_run", "phone_help"], "availability": "flexible",
    "places": ["3栋"], "team_ids": []}))]
pub struct VolunteerApplication {
    #[validate(length(max = 20))]
    #[schema(max_items = 20)]
    #[serde(default)]
    pub skills: Vec<String>,
    pub availability: Availability,
    #[validate(length(max = 10))]
    #[schema(max_items = 10)]
    #[serde(default)]
    pub places: Vec<String>,
    #[validate(length(max = 10))]
    #[schema(max_items = 10)]
    #[serde(default)]
    pub team_ids: Vec<Uuid>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Volunteer {
    pub id: Uuid,
    pub user_id: Uuid,
    pub status: VolunteerStatus,
    pub skills: Vec<String>,
    pub availability: Availability,
    pub places: Vec<String>,
    pub team_ids: Vec<Uuid>,
    /// Verified service minutes.
    pub approved_minutes: i64,
    /// Points earned by service and bonuses.
    pub points_earned: i64,
    pub decision_reason: Option<String>,
    /// On a single profile: the figures of the volunteer's continuity.
    pub figures: Option<VolunteerFigures>,
    /// On a single profile: each change of status, who made it and why.
    pub history: Vec<VolunteerEvent>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct MonthMinutes {
    /// `YYYY-MM`, in the community's time.
    pub month: String,
    pub minutes: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct VolunteerFigures {
    pub total_minutes: i64,
    /// The last six months, oldest first.
    pub monthly_minutes: Vec<MonthMinutes>,
    pub points_earned: i64,
    pub trainings_taken: i64,
    /// Months of the last six with any verified service: the continuity the case study lacked.
    pub active_months_last_6: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct VolunteerEvent {
    pub from_status: Option<VolunteerStatus>,
    pub to_status: VolunteerStatus,
    pub actor_id: Option<Uuid>,
    pub reason: Option<String>,
    pub at: DateTime<Utc>,
}

/// Approve or reject an application; on an active volunteer `approve: false` suspends, on a
/// suspended one `approve: true` reinstates.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"approve": true, "reason": "培训合格"}))]
pub struct Decision {
    pub approve: bool,
    #[validate(length(max = 500))]
    #[schema(max_length = 500)]
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct VolunteerPage {
    pub items: Vec<Volunteer>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct VolunteerQuery {
    pub status: Option<VolunteerStatus>,
    pub team_id: Option<Uuid>,
    pub skill: Option<String>,
    pub cursor: Option<String>,
    pub limit: Option<u32>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Team {
    pub id: Uuid,
    pub name: String,
    pub description: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct TeamList {
    pub items: Vec<Team>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "楼栋互助志愿队", "description": "楼栋长带队：邻里互助、代收快递"}))]
pub struct NewTeam {
    #[validate(length(min = 1, max = 50))]
    #[schema(min_length = 1, max_length = 50)]
    pub name: String,
    #[validate(length(max = 500))]
    #[schema(max_length = 500)]
    #[serde(default)]
    pub description: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct Membership {
    pub volunteer_id: Uuid,
    #[serde(default)]
    pub leader: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct TeamDetail {
    #[serde(flatten)]
    pub team: Team,
    pub members: Vec<Membership>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SkillList {
    pub items: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct NewSkill {
    #[validate(length(min = 1, max = 30))]
    #[schema(min_length = 1, max_length = 30)]
    pub name: String,
}

/// 1+N pairing: one social worker with N volunteers.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct PairingRequest {
    pub social_worker_id: Uuid,
    #[validate(length(min = 1, max = 50))]
    #[schema(min_items = 1, max_items = 50)]
    pub volunteer_ids: Vec<Uuid>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Pairing {
    pub id: Uuid,
    pub social_worker_id: Uuid,
    pub volunteer_id: Uuid,
    pub status: PairingStatus,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PairingList {
    pub items: Vec<Pairing>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PairingQuery {
    pub social_worker_id: Option<Uuid>,
}

/// A personal capability plan written by the paired social worker.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"goals": "独立开展老年人智能手机教学", "trainings": ["智能手机教学法", "急救常识"],
    "target_date": "2030-06-30T00:00:00Z"}))]
pub struct NewPlan {
    #[validate(length(min = 1, max = 2000))]
    #[schema(min_length = 1, max_length = 2000)]
    pub goals: String,
    #[validate(length(max = 20))]
    #[schema(max_items = 20)]
    #[serde(default)]
    pub trainings: Vec<String>,
    pub target_date: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct PlanNoteRequest {
    #[validate(length(min = 1, max = 2000))]
    #[schema(min_length = 1, max_length = 2000)]
    pub note: String,
    /// Progress towards the goals, percent.
    #[validate(range(min = 0, max = 100))]
    #[schema(minimum = 0, maximum = 100)]
    pub progress: i32,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PlanNote {
    pub note: String,
    pub progress: i32,
    pub author_id: Uuid,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Plan {
    pub id: Uuid,
    pub volunteer_id: Uuid,
    pub author_id: Uuid,
    pub goals: String,
    pub trainings: Vec<String>,
    pub target_date: DateTime<Utc>,
    pub progress: i32,
    pub notes: Vec<PlanNote>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PlanList {
    pub items: Vec<Plan>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TrainerKind {
    Teacher,
    Police,
    Medical,
    SocialWorker,
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PairingStatus {
    Active,
    Ended,
}

/// A training session by an expert (teacher, police, medical staff…).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"topic": "老年人防诈骗", "trainer": "李警官", "trainer_kind": "police",
    "starts_at": "2030-03-05T06:00:00Z", "ends_at": "2030-03-05T08:00:00Z", "place": "活动中心 2 号室", "capacity": 30}))]
pub struct NewTraining {
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub topic: String,
    #[validate(length(min = 1, max = 50))]
    #[schema(min_length = 1, max_length = 50)]
    pub trainer: String,
    pub trainer_kind: TrainerKind,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub place: String,
    #[validate(range(min = 1, max = 1000))]
    #[schema(minimum = 1, maximum = 1000)]
    pub capacity: i32,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Training {
    pub id: Uuid,
    pub topic: String,
    pub trainer: String,
    pub trainer_kind: TrainerKind,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub place: String,
    pub capacity: i32,
    pub attendees: Vec<Uuid>,
    pub feedback: Vec<TrainingFeedback>,
    pub average_stars: Option<f64>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct TrainingPage {
    pub items: Vec<Training>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TrainingQuery {
    pub cursor: Option<String>,
    pub limit: Option<u32>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct AttendanceRequest {
    #[validate(length(min = 1, max = 1000))]
    #[schema(min_items = 1, max_items = 1000)]
    pub volunteer_ids: Vec<Uuid>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct AttendanceResult {
    /// Newly recorded (and credited the training bonus).
    pub recorded: Vec<Uuid>,
    /// Already recorded before: nothing done again.
    pub already_recorded: Vec<Uuid>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct TrainingFeedback {
    #[validate(range(min = 1, max = 5))]
    #[schema(minimum = 1, maximum = 5)]
    pub stars: i32,
    #[validate(length(max = 1000))]
    #[schema(max_length = 1000)]
    #[serde(default)]
    pub comment: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct OrganisationMinutes {
    pub organisation: String,
    pub minutes: i64,
}

/// 志愿服务记录证明: verified hours by period and organisation, with a code staff can check.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Certificate {
    pub code: String,
    pub volunteer_id: Uuid,
    pub volunteer_name: String,
    pub community: String,
    pub period_from: DateTime<Utc>,
    pub period_to: DateTime<Utc>,
    pub total_minutes: i64,
    pub by_month: Vec<MonthMinutes>,
    pub by_organisation: Vec<OrganisationMinutes>,
    pub issued_at: DateTime<Utc>,
}

/// A certificate as whoever holds its code sees it: the name masked (王**), the hours, the period
/// and the issuing community.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CertificateCheck {
    pub code: String,
    pub volunteer_name: String,
    pub community: String,
    pub period_from: DateTime<Utc>,
    pub period_to: DateTime<Utc>,
    pub total_minutes: i64,
    pub issued_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CertificateQuery {
    /// Default: a year before `to`.
    pub from: Option<DateTime<Utc>>,
    /// Default: the next midnight, Beijing time (so the same day asks for the same period).
    pub to: Option<DateTime<Utc>>,
}
