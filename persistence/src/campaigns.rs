//! Campaigns: sign-ups, pledges, linked tasks; entries and ballots of a collection.

use canglong_activities::campaigns::{BallotStatus, CampaignKind, EntryStatus};
use canglong_core::{NaiveDateTime, Uuid};
use diesel::prelude::*;

use crate::schema::{
    campaign_ballots, campaign_entries, campaign_pledges, campaign_signups, campaign_tasks,
    campaigns, users,
};
use crate::{AnyConnection, Id, QueryResult, Stored};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = campaigns)]
pub struct CampaignRow {
    pub id: Id,
    pub community_id: Id,
    pub kind: Stored<CampaignKind>,
    pub title: String,
    pub theme: String,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub voting_opens_at: Option<NaiveDateTime>,
    pub voting_closes_at: Option<NaiveDateTime>,
    pub max_choices: i32,
    pub jury_weight: i32,
    pub published_at: Option<NaiveDateTime>,
    pub created_by: Id,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = campaign_entries)]
pub struct EntryRow {
    pub id: Id,
    pub campaign_id: Id,
    pub community_id: Id,
    pub author_id: Id,
    /// How the family signs it (e.g. 张家).
    pub family: String,
    pub text: String,
    pub status: Stored<EntryStatus>,
    pub reason: Option<String>,
    pub jury_score: Option<i32>,
    pub votes: Option<i64>,
    /// Hundredths of a point out of 100.
    pub score: Option<i64>,
    pub rank: Option<i32>,
    pub decided_by: Option<Id>,
    pub decided_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = campaign_ballots)]
pub struct BallotRow {
    pub id: Id,
    pub campaign_id: Id,
    pub community_id: Id,
    pub voter_id: Id,
    /// JSON array of the chosen entries.
    pub entry_ids: String,
    pub status: Stored<BallotStatus>,
    pub flag: Option<String>,
    pub reviewed_by: Option<Id>,
    pub review_reason: Option<String>,
    pub created_at: NaiveDateTime,
}

pub fn insert(conn: &mut AnyConnection, row: &CampaignRow) -> QueryResult<()> {
    diesel::insert_into(campaigns::table)
        .values(row.clone())
        .execute(conn)
        .map(|_| ())
}

pub fn campaign(
    conn: &mut AnyConnection,
    community: Uuid,
    id: Uuid,
) -> QueryResult<Option<CampaignRow>> {
    campaigns::table
        .filter(campaigns::id.eq(Id(id)))
        .filter(campaigns::community_id.eq(Id(community)))
        .select(CampaignRow::as_select())
        .first(conn)
        .optional()
}

/// A campaign by id alone: the public gallery names no community.
pub fn campaign_anywhere(conn: &mut AnyConnection, id: Uuid) -> QueryResult<Option<CampaignRow>> {
    campaigns::table
        .filter(campaigns::id.eq(Id(id)))
        .select(CampaignRow::as_select())
        .first(conn)
        .optional()
}

/// The campaign's row, locked on PostgreSQL: publication and the ballots' burst check queue
/// here.
pub fn lock(
    conn: &mut AnyConnection,
    community: Uuid,
    id: Uuid,
) -> QueryResult<Option<CampaignRow>> {
    let q = campaigns::table
        .filter(campaigns::id.eq(Id(id)))
        .filter(campaigns::community_id.eq(Id(community)))
        .select(campaigns::all_columns);
    for_update!(conn, q, first::<CampaignRow>).optional()
}

pub fn list(conn: &mut AnyConnection, community: Uuid) -> QueryResult<Vec<CampaignRow>> {
    campaigns::table
        .filter(campaigns::community_id.eq(Id(community)))
        .order(campaigns::starts_at.desc())
        .select(CampaignRow::as_select())
        .load(conn)
}

pub fn set_published(conn: &mut AnyConnection, id: Uuid, at: NaiveDateTime) -> QueryResult<()> {
    diesel::update(campaigns::table.filter(campaigns::id.eq(Id(id))))
        .set(campaigns::published_at.eq(Some(at)))
        .execute(conn)
        .map(|_| ())
}

/// Signs a person up; false if they already were.
pub fn sign_up(
    conn: &mut AnyConnection,
    campaign: Uuid,
    community: Uuid,
    user: Uuid,
) -> QueryResult<bool> {
    let done: bool = diesel::select(diesel::dsl::exists(
        campaign_signups::table
            .filter(campaign_signups::campaign_id.eq(Id(campaign)))
            .filter(campaign_signups::user_id.eq(Id(user))),
    ))
    .get_result(conn)?;
    if done {
        return Ok(false);
    }
    diesel::insert_into(campaign_signups::table)
        .values((
            campaign_signups::campaign_id.eq(Id(campaign)),
            campaign_signups::user_id.eq(Id(user)),
            campaign_signups::community_id.eq(Id(community)),
            campaign_signups::created_at.eq(canglong_core::now()),
        ))
        .execute(conn)?;
    Ok(true)
}

/// Records a person's pledge; false if they already made one.
pub fn pledge(
    conn: &mut AnyConnection,
    campaign: Uuid,
    community: Uuid,
    user: Uuid,
    text: &str,
) -> QueryResult<bool> {
    let done: bool = diesel::select(diesel::dsl::exists(
        campaign_pledges::table
            .filter(campaign_pledges::campaign_id.eq(Id(campaign)))
            .filter(campaign_pledges::user_id.eq(Id(user))),
    ))
    .get_result(conn)?;
    if done {
        return Ok(false);
    }
    diesel::insert_into(campaign_pledges::table)
        .values((
            campaign_pledges::campaign_id.eq(Id(campaign)),
            campaign_pledges::user_id.eq(Id(user)),
            campaign_pledges::community_id.eq(Id(community)),
            campaign_pledges::text.eq(text),
            campaign_pledges::created_at.eq(canglong_core::now()),
        ))
        .execute(conn)?;
    Ok(true)
}

/// (sign-ups, pledges) of a campaign.
pub fn counts(conn: &mut AnyConnection, campaign: Uuid) -> QueryResult<(i64, i64)> {
    let signups = campaign_signups::table
        .filter(campaign_signups::campaign_id.eq(Id(campaign)))
        .count()
        .get_result(conn)?;
    let pledges = campaign_pledges::table
        .filter(campaign_pledges::campaign_id.eq(Id(campaign)))
        .count()
        .get_result(conn)?;
    Ok((signups, pledges))
}

/// The latest pledges with the pledger's name.
pub fn pledges(
    conn: &mut AnyConnection,
    campaign: Uuid,
    limit: i64,
) -> QueryResult<Vec<(String, String, NaiveDateTime)>> {
    campaign_pledges::table
        .inner_join(users::table.on(users::id.eq(campaign_pledges::user_id)))
        .filter(campaign_pledges::campaign_id.eq(Id(campaign)))
        .order(campaign_pledges::created_at.desc())
        .limit(limit)
        .select((
            users::nickname,
            campaign_pledges::text,
            campaign_pledges::created_at,
        ))
        .load(conn)
}

/// Links a need or a session as a task of the campaign; false if it already is.
pub fn link_task(
    conn: &mut AnyConnection,
    campaign: Uuid,
    community: Uuid,
    need: Option<Uuid>,
    session: Option<Uuid>,
) -> QueryResult<bool> {
    let of = campaign_tasks::table.filter(campaign_tasks::campaign_id.eq(Id(campaign)));
    let done: bool = match (need, session) {
        (Some(n), _) => diesel::select(diesel::dsl::exists(
            of.filter(campaign_tasks::need_id.eq(Some(Id(n)))),
        ))
        .get_result(conn)?,
        (None, s) => diesel::select(diesel::dsl::exists(
            of.filter(campaign_tasks::session_id.eq(s.map(Id))),
        ))
        .get_result(conn)?,
    };
    if done {
        return Ok(false);
    }
    diesel::insert_into(campaign_tasks::table)
        .values((
            campaign_tasks::id.eq(Id(canglong_core::new_id())),
            campaign_tasks::campaign_id.eq(Id(campaign)),
            campaign_tasks::community_id.eq(Id(community)),
            campaign_tasks::need_id.eq(need.map(Id)),
            campaign_tasks::session_id.eq(session.map(Id)),
            campaign_tasks::created_at.eq(canglong_core::now()),
        ))
        .execute(conn)?;
    Ok(true)
}

/// (need, session) of the campaign's tasks.
pub fn tasks(
    conn: &mut AnyConnection,
    campaign: Uuid,
) -> QueryResult<Vec<(Option<Id>, Option<Id>)>> {
    campaign_tasks::table
        .filter(campaign_tasks::campaign_id.eq(Id(campaign)))
        .order(campaign_tasks::created_at.asc())
        .select((campaign_tasks::need_id, campaign_tasks::session_id))
        .load(conn)
}

pub fn insert_entry(conn: &mut AnyConnection, row: &EntryRow) -> QueryResult<()> {
    diesel::insert_into(campaign_entries::table)
        .values(row.clone())
        .execute(conn)
        .map(|_| ())
}

pub fn entry(conn: &mut AnyConnection, community: Uuid, id: Uuid) -> QueryResult<Option<EntryRow>> {
    campaign_entries::table
        .filter(campaign_entries::id.eq(Id(id)))
        .filter(campaign_entries::community_id.eq(Id(community)))
        .select(EntryRow::as_select())
        .first(conn)
        .optional()
}

pub fn entries(conn: &mut AnyConnection, campaign: Uuid) -> QueryResult<Vec<EntryRow>> {
    campaign_entries::table
        .filter(campaign_entries::campaign_id.eq(Id(campaign)))
        .order(campaign_entries::id.asc())
        .select(EntryRow::as_select())
        .load(conn)
}

/// The author's entry still in the running (not returned or rejected), if any.
pub fn live_entry_of(
    conn: &mut AnyConnection,
    campaign: Uuid,
    author: Uuid,
) -> QueryResult<Option<EntryRow>> {
    campaign_entries::table
        .filter(campaign_entries::campaign_id.eq(Id(campaign)))
        .filter(campaign_entries::author_id.eq(Id(author)))
        .filter(campaign_entries::status.ne_all(["returned", "rejected"]))
        .select(EntryRow::as_select())
        .first(conn)
        .optional()
}

/// A reviewer's decision (and the jury's score, if given).
pub fn decide_entry(
    conn: &mut AnyConnection,
    id: Uuid,
    status: EntryStatus,
    reason: &str,
    jury_score: Option<i32>,
    by: Uuid,
) -> QueryResult<()> {
    let q = diesel::update(campaign_entries::table.filter(campaign_entries::id.eq(Id(id))));
    let at = canglong_core::now();
    let base = (
        campaign_entries::status.eq(Stored(status)),
        campaign_entries::reason.eq(Some(reason)),
        campaign_entries::decided_by.eq(Some(Id(by))),
        campaign_entries::decided_at.eq(Some(at)),
    );
    match jury_score {
        Some(j) => q
            .set((base, campaign_entries::jury_score.eq(Some(j))))
            .execute(conn)?,
        None => q.set(base).execute(conn)?,
    };
    Ok(())
}

/// An entry's published result.
pub fn place_entry(
    conn: &mut AnyConnection,
    id: Uuid,
    status: EntryStatus,
    votes: i64,
    score: i64,
    rank: i32,
) -> QueryResult<()> {
    diesel::update(campaign_entries::table.filter(campaign_entries::id.eq(Id(id))))
        .set((
            campaign_entries::status.eq(Stored(status)),
            campaign_entries::votes.eq(Some(votes)),
            campaign_entries::score.eq(Some(score)),
            campaign_entries::rank.eq(Some(rank)),
        ))
        .execute(conn)
        .map(|_| ())
}

pub fn insert_ballot(conn: &mut AnyConnection, row: &BallotRow) -> QueryResult<()> {
    diesel::insert_into(campaign_ballots::table)
        .values(row.clone())
        .execute(conn)
        .map(|_| ())
}

pub fn has_voted(conn: &mut AnyConnection, campaign: Uuid, voter: Uuid) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        campaign_ballots::table
            .filter(campaign_ballots::campaign_id.eq(Id(campaign)))
            .filter(campaign_ballots::voter_id.eq(Id(voter))),
    ))
    .get_result(conn)
}

/// Ballots of the campaign since `since` cast by accounts created after `new_after`.
pub fn new_account_ballots(
    conn: &mut AnyConnection,
    campaign: Uuid,
    since: NaiveDateTime,
    new_after: NaiveDateTime,
) -> QueryResult<i64> {
    campaign_ballots::table
        .inner_join(users::table.on(users::id.eq(campaign_ballots::voter_id)))
        .filter(campaign_ballots::campaign_id.eq(Id(campaign)))
        .filter(campaign_ballots::created_at.ge(since))
        .filter(users::created_at.gt(new_after))
        .count()
        .get_result(conn)
}

pub fn ballots(conn: &mut AnyConnection, campaign: Uuid) -> QueryResult<Vec<BallotRow>> {
    campaign_ballots::table
        .filter(campaign_ballots::campaign_id.eq(Id(campaign)))
        .order(campaign_ballots::id.asc())
        .select(BallotRow::as_select())
        .load(conn)
}

/// Ballots cast in the campaign (the turnout).
pub fn ballot_count(conn: &mut AnyConnection, campaign: Uuid) -> QueryResult<i64> {
    campaign_ballots::table
        .filter(campaign_ballots::campaign_id.eq(Id(campaign)))
        .count()
        .get_result(conn)
}

/// Ballots held for review, oldest first.
pub fn flagged(conn: &mut AnyConnection, campaign: Uuid) -> QueryResult<Vec<BallotRow>> {
    campaign_ballots::table
        .filter(campaign_ballots::campaign_id.eq(Id(campaign)))
        .filter(campaign_ballots::status.eq(Stored(BallotStatus::Flagged)))
        .order(campaign_ballots::created_at.asc())
        .select(BallotRow::as_select())
        .load(conn)
}

pub fn ballot(
    conn: &mut AnyConnection,
    community: Uuid,
    id: Uuid,
) -> QueryResult<Option<BallotRow>> {
    campaign_ballots::table
        .filter(campaign_ballots::id.eq(Id(id)))
        .filter(campaign_ballots::community_id.eq(Id(community)))
        .select(BallotRow::as_select())
        .first(conn)
        .optional()
}

pub fn review_ballot(
    conn: &mut AnyConnection,
    id: Uuid,
    status: BallotStatus,
    by: Uuid,
    reason: &str,
) -> QueryResult<()> {
    diesel::update(campaign_ballots::table.filter(campaign_ballots::id.eq(Id(id))))
        .set((
            campaign_ballots::status.eq(Stored(status)),
            campaign_ballots::reviewed_by.eq(Some(Id(by))),
            campaign_ballots::review_reason.eq(Some(reason)),
        ))
        .execute(conn)
        .map(|_| ())
}

/// (user, time) of every campaign action of the communities in `[from, to)`: sign-ups,
/// pledges, entries and ballots, for the participation figure.
pub fn actions(
    conn: &mut AnyConnection,
    set: &[Uuid],
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> QueryResult<Vec<Id>> {
    let ids: Vec<Id> = set.iter().copied().map(Id).collect();
    let mut out: Vec<Id> = campaign_signups::table
        .filter(campaign_signups::community_id.eq_any(ids.clone()))
        .filter(
            campaign_signups::created_at
                .ge(from)
                .and(campaign_signups::created_at.lt(to)),
        )
        .select(campaign_signups::user_id)
        .load(conn)?;
    out.extend(
        campaign_pledges::table
            .filter(campaign_pledges::community_id.eq_any(ids.clone()))
            .filter(
                campaign_pledges::created_at
                    .ge(from)
                    .and(campaign_pledges::created_at.lt(to)),
            )
            .select(campaign_pledges::user_id)
            .load::<Id>(conn)?,
    );
    out.extend(
        campaign_entries::table
            .filter(campaign_entries::community_id.eq_any(ids.clone()))
            .filter(
                campaign_entries::created_at
                    .ge(from)
                    .and(campaign_entries::created_at.lt(to)),
            )
            .select(campaign_entries::author_id)
            .load::<Id>(conn)?,
    );
    out.extend(
        campaign_ballots::table
            .filter(campaign_ballots::community_id.eq_any(ids))
            .filter(
                campaign_ballots::created_at
                    .ge(from)
                    .and(campaign_ballots::created_at.lt(to)),
            )
            .filter(campaign_ballots::status.ne("discarded"))
            .select(campaign_ballots::voter_id)
            .load::<Id>(conn)?,
    );
    Ok(out)
}

/// Moves a collection's voting window (the demo's seed opens the vote on entries it collected).
pub fn set_voting(
    conn: &mut AnyConnection,
    id: Uuid,
    opens: NaiveDateTime,
    closes: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(campaigns::table.filter(campaigns::id.eq(Id(id))))
        .set((
            campaigns::voting_opens_at.eq(Some(opens)),
            campaigns::voting_closes_at.eq(Some(closes)),
        ))
        .execute(conn)
        .map(|_| ())
}
