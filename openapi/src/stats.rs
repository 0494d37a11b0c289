//! The review meetings' figures and tables, and integrator credentials.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct StatsQuery {
    /// Start of the period (inclusive); default: a year before `to`.
    pub from: Option<DateTime<Utc>>,
    /// End of the period (exclusive); default: now.
    pub to: Option<DateTime<Utc>>,
    /// How rows are grouped; each table knows some of them (422 `invalid_group_by` otherwise):
    /// volunteers by `month` or `team`; needs by `month`, `category` or `target_group`; served by
    /// `target_group` or `month`; points by `month` or `kind`; suggestions by `category`, `month`
    /// or `status`; merchants and projects `none`.
    pub group_by: Option<GroupBy>,
    /// `csv` for a file (UTF-8 with BOM).
    pub format: Option<crate::Format>,
    /// Subdistrict admins: one community of the subdistrict (default: all of them, summed).
    pub community_id: Option<Uuid>,
}

/// The period and community of the review-meeting report.
#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ReportQuery {
    /// Start of the period (inclusive); default: a year before `to`.
    pub from: Option<DateTime<Utc>>,
    /// End of the period (exclusive); default: now.
    pub to: Option<DateTime<Utc>>,
    /// Subdistrict admins: one community of the subdistrict (default: all of them, summed).
    pub community_id: Option<Uuid>,
}

/// The tables behind the review meetings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StatsTableName {
    Volunteers,
    Needs,
    Served,
    Points,
    Merchants,
    Projects,
    Suggestions,
    Associations,
    Places,
    Campaigns,
    /// Self-governance by month: topics raised and settled, median days to settle, decisions
    /// due and carried out on time.
    Topics,
    /// Every poll published in the period, with its turnout and outcome.
    Polls,
}

/// How a table's rows are grouped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum GroupBy {
    Month,
    Team,
    Category,
    TargetGroup,
    Kind,
    Status,
    None,
}

/// One figure with what it is made of, so a reader can check it: `value = numerator /
/// denominator` (counts have no denominator).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct Figure {
    pub value: f64,
    pub definition: String,
    pub numerator: f64,
    pub denominator: Option<f64>,
}

/// The case study's headline figures for a period.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Headline {
    pub participation_rate: Figure,
    pub participation_growth: Figure,
    pub service_precision: Figure,
    pub service_precision_growth: Figure,
    pub continuation_rate: Figure,
    pub elderly_person_times: Figure,
    pub parent_child_classes: Figure,
    pub peak_daily_visits: Figure,
    pub volunteer_hours: Figure,
    pub active_volunteers: Figure,
    pub long_term_volunteers: Figure,
    pub points_issued: Figure,
    pub points_redeemed: Figure,
    /// 天天有服务: days with a session held / days of the period.
    pub activity_days: Figure,
    /// 周周有活动: weeks each association met / (associations × weeks).
    pub association_weeks: Figure,
    /// People recorded at the riders' stations (夏小驿).
    pub station_visits: Figure,
    /// Residents who took part in a campaign / residents.
    pub campaign_participation: Figure,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CommunityHeadline {
    pub community_id: Uuid,
    pub name: String,
    pub figures: Headline,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Overview {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    /// The communities the figures cover.
    pub community_ids: Vec<Uuid>,
    pub figures: Headline,
    /// For a subdistrict admin: the same figures per community (`figures` is then their sum).
    pub communities: Vec<CommunityHeadline>,
}

/// A table behind the review meetings: `columns` name the cells of each row.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct StatsTable {
    pub table: StatsTableName,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub group_by: GroupBy,
    pub columns: Vec<String>,
    pub rows: Vec<BTreeMap<String, serde_json::Value>>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct ClientCredentials {
    /// Always `client_credentials` (another: 422 `unsupported_grant_type`).
    #[validate(length(min = 1, max = 40))]
    #[schema(value_type = GrantType)]
    pub grant_type: String,
    pub client_id: Uuid,
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub client_secret: String,
}

/// The OAuth 2.0 grant integrators use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum GrantType {
    ClientCredentials,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ClientToken {
    pub access_token: String,
    pub token_type: String,
    pub expires_in: i64,
    pub scope: String,
}
