//! The ids the document's examples use, which `canglong serve --demo` gives its objects: an
//! example sent as is to the demo finds what it names.

use uuid::Uuid;

/// 藏龙社区 of the demo.
pub const COMMUNITY: Uuid = Uuid::from_u128(0x01939a2e_4b7c_7d3e_9f00_000000000001);
/// 张老师's volunteer profile (a retired teacher of the calligraphy class).
pub const VOLUNTEER: Uuid = Uuid::from_u128(0x01939a2e_4b7c_7d3e_9f00_000000000002);
/// 小吴's points account, opened with points to spend.
pub const ACCOUNT: Uuid = Uuid::from_u128(0x01939a2e_4b7c_7d3e_9f00_000000000003);
/// 小吴's voucher at 藏龙惠民超市 (whose clerk is the `merchant` login), ready to be used.
pub const VOUCHER_CODE: &str = "7KQM-4WXP-9RTHZ";
/// 3栋, headed by 陈师傅 (the `head_chen` login).
pub const BUILDING: Uuid = Uuid::from_u128(0x01939a2e_4b7c_7d3e_9f00_000000000004);
/// 夏小驿, the riders' station of the demo, with its ten services.
pub const STATION: Uuid = Uuid::from_u128(0x01939a2e_4b7c_7d3e_9f00_000000000005);
/// 翰墨书法社, led by 胡老师 (the `leader_hu` login).
pub const ASSOCIATION: Uuid = Uuid::from_u128(0x01939a2e_4b7c_7d3e_9f00_000000000006);
/// 十佳藏龙好家规, the demo's collection, in its voting phase with twelve shortlisted entries.
pub const CAMPAIGN: Uuid = Uuid::from_u128(0x01939a2e_4b7c_7d3e_9f00_000000000007);
/// The password of every demo login.
pub const PASSWORD: &str = "canglong-demo-2026";
/// 3栋电梯维修, the demo's topic, carried from raising to the residents' evaluation.
pub const TOPIC: Uuid = Uuid::from_u128(0x01939a2e_4b7c_7d3e_9f00_000000000008);
/// 藏龙社区居民公约, in force as version 2 with one amended article.
pub const CONVENTION: Uuid = Uuid::from_u128(0x01939a2e_4b7c_7d3e_9f00_000000000009);
