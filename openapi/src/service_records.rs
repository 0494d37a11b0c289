use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use crate::{LedgerTransaction, TargetGroup};

/// A record of service done (项目服务台账), pending until a social worker or admin verifies it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ServiceRecord {
    pub id: Uuid,
    pub volunteer_id: Uuid,
    pub need_id: Option<Uuid>,
    pub session_id: Option<Uuid>,
    pub source: RecordSource,
    pub content: String,
    pub beneficiary_group: TargetGroup,
    /// The resident served, when the record names one (a need's requester always does).
    pub beneficiary_id: Option<Uuid>,
    pub minutes_reported: i32,
    pub minutes_approved: Option<i32>,
    pub status: RecordStatus,
    /// Set once verified.
    pub quality: Option<Quality>,
    pub verified_by: Option<Uuid>,
    pub verified_at: Option<DateTime<Utc>>,
    /// Honour hours (e.g. a commendation) are kept in the record but mint no points.
    pub honor: bool,
    /// Points credited for it, valued by the rules version below.
    pub points: Option<i64>,
    pub rules_version: Option<i32>,
    pub verification_note: Option<String>,
    pub started_at: Option<DateTime<Utc>>,
    pub ended_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// A service record: pending until a social worker verifies it (社区验收), then verified or
/// rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RecordStatus {
    Pending,
    Verified,
    Rejected,
}

/// Where a service record came from: a need's completion, a session's volunteers, or staff.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RecordSource {
    Need,
    Session,
    Staff,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Quality {
    Pass,
    Fail,
}

/// Quality acceptance (社区验收): approve up to the minutes reported with `pass`, or `fail` with
/// a reason.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"approved_minutes": 30, "quality": "pass", "note": "老人反馈很好"}))]
pub struct VerificationRequest {
    #[validate(range(min = 0, max = 1440))]
    #[schema(minimum = 0, maximum = 1440)]
    pub approved_minutes: i32,
    pub quality: Quality,
    #[validate(length(max = 500))]
    #[schema(max_length = 500)]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct VerificationResult {
    pub service_record: ServiceRecord,
    /// The crediting transaction, when points were credited.
    pub transaction: Option<LedgerTransaction>,
}

/// Service done outside a need, entered by staff (e.g. a class taught); `honor: true` records
/// honour hours that mint no points.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"volunteer_id": crate::demo::VOLUNTEER, "content": "书法课：楷书入门",
    "beneficiary_group": "elderly", "minutes": 90, "honor": false}))]
pub struct NewServiceRecord {
    pub volunteer_id: Uuid,
    #[validate(length(min = 1, max = 500))]
    #[schema(min_length = 1, max_length = 500)]
    pub content: String,
    pub beneficiary_group: TargetGroup,
    #[validate(range(min = 1, max = 1440))]
    #[schema(minimum = 1, maximum = 1440)]
    pub minutes: i32,
    #[serde(default)]
    pub honor: bool,
    /// When the service began (default: `minutes` before now). The same minutes of one volunteer
    /// cannot be recorded twice.
    pub started_at: Option<DateTime<Utc>>,
    /// The resident served (a person of the community), so the visit is in their care history.
    #[serde(default)]
    pub beneficiary_id: Option<Uuid>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ServiceRecordPage {
    pub items: Vec<ServiceRecord>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ServiceRecordQuery {
    pub status: Option<RecordStatus>,
    pub volunteer_id: Option<Uuid>,
    /// Records of the members of this team.
    pub team_id: Option<Uuid>,
    /// Created at or after (RFC 3339).
    pub from: Option<DateTime<Utc>>,
    /// Created before (RFC 3339).
    pub to: Option<DateTime<Utc>>,
    pub cursor: Option<String>,
    pub limit: Option<u32>,
}

/// What the service-ledger export files: the listing's filters, as CSV, without pages.
#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ServiceRecordExportQuery {
    pub status: Option<RecordStatus>,
    pub volunteer_id: Option<Uuid>,
    /// Records of the members of this team.
    pub team_id: Option<Uuid>,
    /// Created at or after (RFC 3339).
    pub from: Option<DateTime<Utc>>,
    /// Created before (RFC 3339).
    pub to: Option<DateTime<Utc>>,
    /// `csv`, the only format.
    pub format: Option<crate::CsvFormat>,
}
