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
#[serde(rename_all = "snake_case")]
pub enum Availability {
    Flexible,
    Weekly(Vec<WeeklySlot>),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WeeklySlot {
    /// 1 = Monday … 7 = Sunday.
    pub weekday: u8,
    /// `HH:MM`, local time.
    pub from: String,
    pub to: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"skills": ["medicine_run", "phone_help"], "availability": "flexible",
    "places": ["3栋"], "team_ids": []}))]
pub struct VolunteerApplication {
    #[validate(length(max = 20))]
    #[serde(default)]
    pub skills: Vec<String>,
    pub availability: Availability,
    #[validate(length(max = 10))]
    #[serde(default)]
    pub places: Vec<String>,
    #[validate(length(max = 10))]
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
    pub decision_reason: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// Approve or reject an application; on an active volunteer `approve: false` suspends, on a
/// suspended one `approve: true` reinstates.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"approve": true, "reason": "培训合格"}))]
pub struct Decision {
    pub approve: bool,
    #[validate(length(max = 500))]
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
}
