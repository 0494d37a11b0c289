//! Civility campaigns (文明线): activity campaigns and the 十佳好家规 collection.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CampaignKind {
    Activity,
    Collection,
}

/// Where a campaign is: an activity campaign is `upcoming`, `running`, `ended`; a collection
/// `upcoming`, `collecting` (entries), `voting`, `counting` (closed, not yet published),
/// `published`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CampaignPhase {
    Upcoming,
    Running,
    Ended,
    Collecting,
    Voting,
    Counting,
    Published,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EntryStatus {
    Submitted,
    Approved,
    Returned,
    Rejected,
    Shortlisted,
    Chosen,
    Mentioned,
    NotChosen,
    Disqualified,
}

/// `approve`, `return` (for changes; the family may send it again), `reject` (while entries
/// are taken), `shortlist` (an approved entry, before voting), `score` (the jury's 0–100 of a
/// shortlisted entry, during or after the vote), `disqualify` (after approval, before
/// publication).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EntryDecision {
    Approve,
    Return,
    Reject,
    Shortlist,
    Score,
    Disqualify,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum BallotStatus {
    Counted,
    Flagged,
    Discarded,
}

/// A campaign. A collection needs its voting dates (entries are taken from `starts_at` until
/// voting opens; voting closes by `ends_at`); an activity campaign has none.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"kind": "activity", "title": "清洁家园周", "theme": "清洁家园",
    "starts_at": "2026-12-05T00:00:00Z", "ends_at": "2026-12-12T00:00:00Z"}))]
pub struct NewCampaign {
    pub kind: CampaignKind,
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub title: String,
    #[validate(length(min = 1, max = 50))]
    #[schema(min_length = 1, max_length = 50)]
    pub theme: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub voting_opens_at: Option<DateTime<Utc>>,
    pub voting_closes_at: Option<DateTime<Utc>>,
    /// Entries one ballot may choose (default 10).
    #[validate(range(min = 1, max = 20))]
    #[schema(minimum = 1, maximum = 20)]
    pub max_choices: Option<i32>,
    /// The jury's share of the score, in percent (default 0: the public vote alone).
    #[validate(range(min = 0, max = 100))]
    #[schema(minimum = 0, maximum = 100)]
    pub jury_weight: Option<i32>,
}

/// A volunteer task of an activity campaign: a need or a session of the community.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct CampaignTask {
    pub need_id: Option<Uuid>,
    pub session_id: Option<Uuid>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct PledgeRequest {
    /// What the resident pledges (承诺), e.g. 垃圾分类，从我做起.
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub text: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Pledge {
    pub name: String,
    pub text: String,
    pub at: DateTime<Utc>,
}

/// A family's entry (好家规).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct NewEntry {
    /// How the family signs it, e.g. 王家.
    #[validate(length(min = 1, max = 20))]
    #[schema(min_length = 1, max_length = 20)]
    pub family: String,
    #[validate(length(min = 2, max = 200))]
    #[schema(min_length = 2, max_length = 200)]
    pub text: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Entry {
    pub id: Uuid,
    pub campaign_id: Uuid,
    pub family: String,
    pub text: String,
    pub status: EntryStatus,
    /// The reviewer's public reason for the last decision.
    pub reason: Option<String>,
    /// After publication: counted votes, the jury's score, the score (0–100) and the rank.
    pub votes: Option<i64>,
    pub jury_score: Option<i32>,
    pub score: Option<f64>,
    pub rank: Option<i32>,
    /// The caller's own family's entry.
    pub mine: bool,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct EntryReview {
    pub decision: EntryDecision,
    /// Shown with the entry.
    #[validate(length(min = 1, max = 500))]
    #[schema(min_length = 1, max_length = 500)]
    pub reason: String,
    /// With `score` only.
    #[validate(range(min = 0, max = 100))]
    #[schema(minimum = 0, maximum = 100)]
    pub jury_score: Option<i32>,
}

/// One ballot: 1 to `max_choices` shortlisted entries.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct CampaignBallotRequest {
    #[validate(length(min = 1, max = 20))]
    #[schema(min_items = 1, max_items = 20)]
    pub entry_ids: Vec<Uuid>,
}

/// A ballot as its voter sees it right after casting; `flagged` waits for staff review.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CampaignBallot {
    pub id: Uuid,
    pub campaign_id: Uuid,
    pub status: BallotStatus,
    pub flag: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// A flagged ballot as staff review it: who and when, never what was chosen.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct FlaggedBallot {
    pub id: Uuid,
    pub voter_id: Uuid,
    pub flag: Option<String>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct BallotReview {
    /// Count the ballot (true) or discard it (false).
    pub count: bool,
    #[validate(length(min = 1, max = 500))]
    #[schema(min_length = 1, max_length = 500)]
    pub reason: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Campaign {
    pub id: Uuid,
    pub kind: CampaignKind,
    pub title: String,
    pub theme: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub voting_opens_at: Option<DateTime<Utc>>,
    pub voting_closes_at: Option<DateTime<Utc>>,
    pub max_choices: i32,
    pub jury_weight: i32,
    pub phase: CampaignPhase,
    pub published_at: Option<DateTime<Utc>>,
    pub signups: i64,
    pub pledges: i64,
    /// The latest pledges (at most 20).
    pub recent_pledges: Vec<Pledge>,
    pub tasks: Vec<CampaignTask>,
    /// Staff see every entry; others the shortlisted and placed ones, and their own.
    pub entries: Vec<Entry>,
    /// Ballots cast so far (turnout, never a tally).
    pub ballots: i64,
    /// Staff only: ballots waiting for review.
    pub flagged_ballots: Vec<FlaggedBallot>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CampaignList {
    pub items: Vec<Campaign>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CampaignResults {
    pub campaign_id: Uuid,
    pub published_at: DateTime<Utc>,
    pub ballots_counted: i64,
    pub ballots_discarded: i64,
    /// The shortlisted entries by rank: the first ten `chosen`, the next five `mentioned`.
    pub entries: Vec<Entry>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct GalleryItem {
    pub rank: i32,
    pub family: String,
    pub text: String,
}

/// The chosen entries for the 家风家训文化长廊 (empty until the result is published).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Gallery {
    pub campaign_id: Uuid,
    pub title: String,
    pub published: bool,
    pub items: Vec<GalleryItem>,
}
