//! Polls: one ballot per elector across channels, the count unseen until publication.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

use crate::ScopeLevel;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PollSubject {
    Topic,
    Convention,
    Campaign,
}

/// `yes_no`: the options are `yes`, `no`, `abstain`, one per ballot; `choose`: up to
/// `max_choices` of the given options.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PollMethod {
    YesNo,
    Choose,
}

/// A ballot per person, or one per household (registered flat).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum VotingUnit {
    Person,
    Household,
}

/// `draft` (not yet open), `open`, `closed` (counting; nobody sees a count), `published`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PollStatus {
    Draft,
    Open,
    Closed,
    Published,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum BallotChannel {
    Online,
    Paper,
    Assisted,
}

/// What approval is measured against: the ballots cast, or everyone entitled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ApprovalBase {
    Voters,
    Electorate,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PollOutcome {
    Passed,
    Failed,
    NoQuorum,
}

/// A paper batch's entry: the first `pending` until a second clerk enters it; then both
/// `counted` if they agree, `mismatch` (set aside: enter the batch afresh) if not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TallyStatus {
    Pending,
    Counted,
    Mismatch,
}

/// The pass rule: more than `turnout_over` % of those entitled take part, and more than
/// `approval_over` % of `approval_base` vote yes. The default is the residents' meeting rule
/// (50, 50, voters).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct PassRule {
    #[validate(range(min = 0, max = 99))]
    #[schema(minimum = 0, maximum = 99)]
    pub turnout_over: i32,
    #[validate(range(min = 0, max = 99))]
    #[schema(minimum = 0, maximum = 99)]
    pub approval_over: i32,
    pub approval_base: ApprovalBase,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct NewPoll {
    pub subject: PollSubject,
    pub subject_id: Uuid,
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub question: String,
    pub method: PollMethod,
    /// For `choose`: 2 to 20 distinct options (ignored for `yes_no`).
    #[validate(length(max = 20))]
    #[schema(max_items = 20)]
    #[serde(default)]
    pub options: Vec<String>,
    /// For `choose` (default 1).
    #[validate(range(min = 1, max = 20))]
    #[schema(minimum = 1, maximum = 20)]
    pub max_choices: Option<i32>,
    pub scope: ScopeLevel,
    pub building_id: Option<Uuid>,
    #[validate(length(min = 1, max = 50))]
    #[schema(min_length = 1, max_length = 50)]
    pub cluster: Option<String>,
    pub unit: VotingUnit,
    /// Who voted is kept apart from what was chosen: nobody can join them.
    pub secret: bool,
    pub opens_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
    #[validate(nested)]
    pub rule: Option<PassRule>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct EnteredBallot {
    pub voter_id: Uuid,
    pub channel: BallotChannel,
    pub entered_by: Uuid,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ChannelCount {
    pub channel: BallotChannel,
    pub ballots: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Poll {
    pub id: Uuid,
    pub subject: PollSubject,
    pub subject_id: Uuid,
    pub question: String,
    pub method: PollMethod,
    pub options: Vec<String>,
    pub max_choices: i32,
    pub scope: ScopeLevel,
    pub building_id: Option<Uuid>,
    pub cluster: Option<String>,
    pub unit: VotingUnit,
    pub secret: bool,
    pub opens_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
    pub rule: PassRule,
    pub status: PollStatus,
    /// Electors (ballot keys) when the poll opened.
    pub electorate: Option<i64>,
    /// Ballots in so far (turnout, never a count of choices).
    pub ballots: i64,
    /// Staff: ballots in per channel.
    pub channels: Vec<ChannelCount>,
    /// Staff: the log of ballots entered for an elector — assisted ones and paper batches —
    /// with who entered them and when (never what they chose).
    pub entered_for: Vec<EnteredBallot>,
    /// Who published the result.
    pub published_by: Option<Uuid>,
    /// Whether the caller is an elector, and whether their ballot (or household's) is in.
    pub elector: bool,
    pub voted: bool,
    pub published_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PollPage {
    pub items: Vec<Poll>,
    pub next_cursor: Option<String>,
}

/// A ballot: the elector's own, or — staff, with the elector present — `on_behalf_of` them
/// (assisted: logged, and the elector is told).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"choices": ["yes"]}))]
pub struct BallotRequest {
    /// Option labels: one of `yes`, `no`, `abstain`, or 1 to `max_choices` options.
    #[validate(length(min = 1, max = 20))]
    #[schema(min_items = 1, max_items = 20)]
    pub choices: Vec<String>,
    pub on_behalf_of: Option<Uuid>,
}

/// A ballot received: never what it chose.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct BallotReceipt {
    pub poll_id: Uuid,
    pub voter_id: Uuid,
    pub channel: BallotChannel,
    pub at: DateTime<Utc>,
}

/// One paper batch (a ballot box) as a clerk counted it: the signed roll and a count per
/// option, in the poll's order of options.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct PaperTallyRequest {
    #[validate(length(min = 1, max = 50))]
    #[schema(min_length = 1, max_length = 50)]
    pub batch: String,
    #[validate(length(min = 1, max = 1000))]
    #[schema(min_items = 1, max_items = 1000)]
    pub voters: Vec<Uuid>,
    #[validate(length(min = 1, max = 20))]
    #[schema(min_items = 1, max_items = 20)]
    pub counts: Vec<i64>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PaperTally {
    pub id: Uuid,
    pub poll_id: Uuid,
    pub batch: String,
    pub status: TallyStatus,
    pub entered_by: Uuid,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct OptionCount {
    pub option: String,
    pub votes: i64,
}

/// A published result, with the arithmetic behind it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PollResults {
    pub poll_id: Uuid,
    pub question: String,
    /// Electors when the poll opened.
    pub electorate: i64,
    pub ballots: i64,
    /// ballots / electorate, in percent (two decimals, rounded down).
    pub turnout_percent: f64,
    pub quorum_met: bool,
    pub rule: PassRule,
    pub outcome: PollOutcome,
    pub counts: Vec<OptionCount>,
    pub published_at: DateTime<Utc>,
}
