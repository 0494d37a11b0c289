use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

use crate::Volunteer;

/// Exchange a `wx.login` code for our own tokens.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"code": "081xYz000abcd", "community_id": crate::demo::COMMUNITY}))]
pub struct WechatLogin {
    #[validate(length(min = 1, max = 128))]
    #[schema(min_length = 1, max_length = 128)]
    pub code: String,
    pub community_id: Uuid,
    /// The privacy-policy version the person accepted on this screen (recorded with the
    /// sign-in); anything but the current version is refused with 422 `stale_policy`.
    #[validate(length(min = 1, max = 32))]
    #[schema(min_length = 1, max_length = 32)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accept_policy: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"username": "admin", "password": crate::demo::PASSWORD}))]
pub struct PasswordLogin {
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub username: String,
    #[validate(length(min = 1, max = 256))]
    #[schema(min_length = 1, max_length = 256)]
    pub password: String,
    /// As in WeChat sign-in: the privacy-policy version accepted.
    #[validate(length(min = 1, max = 32))]
    #[schema(min_length = 1, max_length = 32)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accept_policy: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    #[validate(length(min = 1, max = 256))]
    #[schema(min_length = 1, max_length = 256)]
    pub refresh_token: String,
}

/// Without a refresh token, every session of the caller is ended.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct LogoutRequest {
    #[validate(length(min = 1, max = 256))]
    #[schema(min_length = 1, max_length = 256)]
    pub refresh_token: Option<String>,
}

/// What a person may do in their community.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Resident,
    Volunteer,
    SocialWorker,
    CommunityAdmin,
    SubdistrictAdmin,
    MerchantStaff,
    /// 楼栋长: residents, needs, outreach and mediation of their own buildings.
    BuildingHead,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct UserSummary {
    pub id: Uuid,
    pub nickname: String,
    pub community_id: Uuid,
    pub roles: Vec<Role>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct TokenResponse {
    pub access_token: String,
    pub refresh_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Seconds until the access token expires.
    pub expires_in: i64,
    pub user: UserSummary,
    pub privacy_policy: PolicyStatus,
}

/// The privacy policy in force and whether the person has accepted it. When `accepted` is
/// false the mini-program shows the policy and sends `POST /me/consent` (a new version asks
/// again).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PolicyStatus {
    /// The version in force.
    pub version: String,
    pub accepted: bool,
    /// When the person accepted this version.
    pub accepted_at: Option<DateTime<Utc>>,
}

/// Accept a privacy-policy version (the one in force).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"policy_version": "2026-12-01"}))]
pub struct ConsentRequest {
    #[validate(length(min = 1, max = 32))]
    #[schema(min_length = 1, max_length = 32)]
    pub policy_version: String,
}

/// One acceptance of the privacy policy.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Consent {
    pub policy_version: String,
    pub granted_at: DateTime<Utc>,
}

/// One movement of the person's points.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PointsMovement {
    pub transaction_id: Uuid,
    pub kind: crate::TransactionKind,
    pub memo: String,
    pub amount: i64,
    pub balance_after: i64,
    pub created_at: DateTime<Utc>,
}

/// Everything held about the signed-in person (PIPL art. 45), as one JSON document.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PersonalData {
    pub exported_at: DateTime<Utc>,
    pub profile: Me,
    /// The full phone number (only here, to its owner).
    pub phone: Option<String>,
    pub consents: Vec<Consent>,
    pub children: Vec<crate::Child>,
    pub needs_posted: Vec<crate::Need>,
    pub claims: Vec<crate::Claim>,
    pub service_records: Vec<crate::ServiceRecord>,
    pub points: Vec<PointsMovement>,
    pub suggestions: Vec<crate::Suggestion>,
    pub notifications: Vec<crate::Notification>,
    pub community_life: CommunityLifeData,
    pub self_governance: GovernanceData,
}

/// The person's part in self-governance: topics raised and seconded, ballots (for a secret
/// poll, that they voted and how — never what they chose), amendments proposed.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct GovernanceData {
    pub topics_raised: Vec<Uuid>,
    pub topics_seconded: Vec<Uuid>,
    pub poll_ballots: Vec<HeldPollBallot>,
    pub amendments: Vec<Uuid>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct HeldPollBallot {
    pub poll_id: Uuid,
    pub channel: crate::BallotChannel,
    /// What they chose, for a poll that is not secret; absent for a secret one.
    pub choices: Option<Vec<String>>,
    pub at: DateTime<Utc>,
}

/// The person's part in community life.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CommunityLifeData {
    pub memberships: Vec<HeldMembership>,
    pub attendance: Vec<HeldAttendance>,
    /// Visits recorded by scanning a place's code.
    pub visits: Vec<crate::Visit>,
    pub campaign_signups: Vec<HeldSignup>,
    pub pledges: Vec<HeldPledge>,
    pub entries: Vec<crate::Entry>,
    pub ballots: Vec<HeldBallot>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct HeldMembership {
    pub association_id: Uuid,
    pub name: String,
    pub role: crate::MemberRole,
    pub joined_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct HeldAttendance {
    pub session_id: Uuid,
    pub method: crate::AttendanceMethod,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct HeldSignup {
    pub campaign_id: Uuid,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct HeldPledge {
    pub campaign_id: Uuid,
    pub text: String,
    pub at: DateTime<Utc>,
}

/// The person's own ballot, with what they chose.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct HeldBallot {
    pub campaign_id: Uuid,
    pub entry_ids: Vec<Uuid>,
    pub status: crate::BallotStatus,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Me {
    pub id: Uuid,
    pub nickname: String,
    pub community_id: Uuid,
    pub roles: Vec<Role>,
    /// The phone number masked (`138****5678`); the full number is never returned.
    pub phone_masked: Option<String>,
    pub notification_preferences: BTreeMap<String, bool>,
    pub volunteer: Option<Volunteer>,
    /// For merchant staff: the shop they verify vouchers for.
    pub merchant_id: Option<Uuid>,
    pub points_balance: i64,
    pub created_at: DateTime<Utc>,
    pub privacy_policy: PolicyStatus,
}

/// A switch of `PATCH /me`'s notification preferences.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum NotificationPreference {
    NeedUpdates,
    Points,
    Vouchers,
    Activities,
    Applications,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"nickname": "王阿姨", "phone": "13812345678",
    "notification_preferences": {"need_updates": true, "points": false}}))]
pub struct MeUpdate {
    #[validate(length(min = 1, max = 32))]
    #[schema(min_length = 1, max_length = 32)]
    pub nickname: Option<String>,
    /// A mainland mobile number, 11 digits starting with 1.
    #[validate(length(equal = 11))]
    #[schema(min_length = 11, max_length = 11, pattern = "^1[0-9]{10}$")]
    pub phone: Option<String>,
    /// Which notifications to receive, by kind (an unknown kind: 422 `invalid_preference`).
    #[schema(value_type = Option<BTreeMap<NotificationPreference, bool>>)]
    pub notification_preferences: Option<BTreeMap<String, bool>>,
}
