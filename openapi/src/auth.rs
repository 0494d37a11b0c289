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
