//! Polls: the poll, its electorate snapshot, who voted (once per elector, any channel), the
//! counts, and the paper tallies entered twice.
//!
//! A secret poll's choices are never stored with a person: a ballot adds one to each chosen
//! option's counter in `poll_tallies` and records only that its elector voted in
//! `poll_voters`, so no row, order or export joins the two.

use canglong_core::{NaiveDateTime, PageRequest, Uuid};
use canglong_governance::polls::{
    ApprovalBase, Channel, Outcome, PollMethod, PollSubject, TallyStatus,
};
use canglong_governance::scope::{Home, ScopeLevel, Unit};
use canglong_people::ResidentTag;
use diesel::prelude::*;

use crate::schema::{
    buildings, paper_tallies, poll_electors, poll_tallies, poll_voters, polls, residents,
};
use crate::{AnyConnection, Id, QueryResult, Stored};

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = polls, treat_none_as_null = true)]
pub struct PollRow {
    pub id: Id,
    pub community_id: Id,
    pub subject: Stored<PollSubject>,
    pub subject_id: Id,
    pub question: String,
    pub method: Stored<PollMethod>,
    /// JSON array of the options' labels.
    pub options: String,
    pub max_choices: i32,
    pub scope: Stored<ScopeLevel>,
    pub building_id: Option<Id>,
    pub cluster: Option<String>,
    pub unit: Stored<Unit>,
    pub secret: bool,
    pub opens_at: NaiveDateTime,
    pub closes_at: NaiveDateTime,
    pub turnout_over: i32,
    pub approval_over: i32,
    pub approval_base: Stored<ApprovalBase>,
    /// Electors (distinct ballot keys) when the poll opened; `None` until then.
    pub electorate: Option<i64>,
    pub electorate_at: Option<NaiveDateTime>,
    /// Set at publication, with the counts (a JSON array per option) and the outcome.
    pub ballots: Option<i64>,
    pub counts: Option<String>,
    pub outcome: Option<Stored<Outcome>>,
    pub published_at: Option<NaiveDateTime>,
    pub published_by: Option<Id>,
    pub created_by: Id,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = poll_voters)]
pub struct VoterRow {
    pub poll_id: Id,
    pub elector: String,
    pub user_id: Id,
    pub channel: Stored<Channel>,
    pub recorded_by: Option<Id>,
    /// The option indexes (JSON), for a poll that is not secret only.
    pub choices: Option<String>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = paper_tallies, treat_none_as_null = true)]
pub struct PaperRow {
    pub id: Id,
    pub poll_id: Id,
    pub community_id: Id,
    pub batch: String,
    pub entered_by: Id,
    /// JSON array of the people on the batch's signed roll, sorted.
    pub voters: String,
    /// JSON array, a count per option.
    pub counts: String,
    pub status: Stored<TallyStatus>,
    pub second_by: Option<Id>,
    pub decided_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

pub fn insert(conn: &mut AnyConnection, row: &PollRow) -> QueryResult<()> {
    diesel::insert_into(polls::table)
        .values(row.clone())
        .execute(conn)?;
    let options: Vec<String> = serde_json::from_str(&row.options).unwrap_or_default();
    let zeros: Vec<_> = (0..options.len() as i32)
        .map(|i| {
            (
                poll_tallies::poll_id.eq(row.id),
                poll_tallies::option_index.eq(i),
                poll_tallies::votes.eq(0i64),
            )
        })
        .collect();
    insert_batched!(conn, poll_tallies::table, zeros);
    Ok(())
}

pub fn save(conn: &mut AnyConnection, row: &PollRow) -> QueryResult<()> {
    diesel::update(polls::table.filter(polls::id.eq(row.id)))
        .set(row.clone())
        .execute(conn)
        .map(|_| ())
}

pub fn poll(conn: &mut AnyConnection, community: Uuid, id: Uuid) -> QueryResult<Option<PollRow>> {
    polls::table
        .filter(polls::id.eq(Id(id)))
        .filter(polls::community_id.eq(Id(community)))
        .select(PollRow::as_select())
        .first(conn)
        .optional()
}

/// The poll's row, locked on PostgreSQL: the snapshot, ballots, tallies and publication queue
/// here, so a ballot cannot slip in after the count.
pub fn lock(conn: &mut AnyConnection, community: Uuid, id: Uuid) -> QueryResult<Option<PollRow>> {
    let q = polls::table
        .filter(polls::id.eq(Id(id)))
        .filter(polls::community_id.eq(Id(community)))
        .select(polls::all_columns);
    for_update!(conn, q, first::<PollRow>).optional()
}

/// A page of the community's polls, the latest set first.
pub fn list(
    conn: &mut AnyConnection,
    community: Uuid,
    page: &PageRequest,
) -> QueryResult<Vec<PollRow>> {
    let mut q = polls::table
        .filter(polls::community_id.eq(Id(community)))
        .order(polls::id.desc())
        .limit(i64::from(page.limit) + 1)
        .select(PollRow::as_select())
        .into_boxed();
    if let Some(c) = page.after {
        q = q.filter(polls::id.lt(Id(c.0)));
    }
    q.load(conn)
}

/// Polls on a subject (a topic, a convention), the latest first.
pub fn on_subject(conn: &mut AnyConnection, subject: Uuid) -> QueryResult<Vec<PollRow>> {
    polls::table
        .filter(polls::subject_id.eq(Id(subject)))
        .order(polls::created_at.desc())
        .select(PollRow::as_select())
        .load(conn)
}

/// Opened polls whose electorate has not been taken yet (the periodic pass takes it).
pub fn untaken(conn: &mut AnyConnection, now: NaiveDateTime) -> QueryResult<Vec<(Id, Id)>> {
    polls::table
        .filter(polls::electorate.is_null())
        .filter(polls::opens_at.le(now))
        .select((polls::community_id, polls::id))
        .limit(100)
        .load(conn)
}

type HomeTuple = (Id, Option<Id>, Option<String>, String, String, String);

fn home((user, building, cluster, unit, room, tags): HomeTuple) -> Home {
    Home {
        user: user.0,
        building: building.map(|b| b.0),
        cluster,
        unit,
        room,
        minor: tags.contains(&format!("\"{}\"", ResidentTag::Child.as_str())),
    }
}

/// Where the community's directory has people living (`user`: one person).
fn homes_where(
    conn: &mut AnyConnection,
    community: Uuid,
    user: Option<Uuid>,
) -> QueryResult<Vec<Home>> {
    let mut q = residents::table
        .left_join(buildings::table.on(buildings::id.nullable().eq(residents::building_id)))
        .filter(residents::community_id.eq(Id(community)))
        .select((
            residents::user_id,
            residents::building_id,
            buildings::cluster.nullable(),
            residents::unit,
            residents::room,
            residents::tags,
        ))
        .into_boxed();
    if let Some(u) = user {
        q = q.filter(residents::user_id.eq(Id(u)));
    }
    let rows: Vec<HomeTuple> = q.load(conn)?;
    Ok(rows.into_iter().map(home).collect())
}

/// Where everyone in the community's directory lives.
pub fn homes(conn: &mut AnyConnection, community: Uuid) -> QueryResult<Vec<Home>> {
    homes_where(conn, community, None)
}

/// Where one person lives, if the directory has them.
pub fn home_of(conn: &mut AnyConnection, community: Uuid, user: Uuid) -> QueryResult<Option<Home>> {
    Ok(homes_where(conn, community, Some(user))?.into_iter().next())
}

/// Stores the electorate as it stands now.
pub fn snapshot(
    conn: &mut AnyConnection,
    poll: Uuid,
    people: &[(Uuid, String)],
) -> QueryResult<()> {
    let rows: Vec<_> = people
        .iter()
        .map(|(u, e)| {
            (
                poll_electors::poll_id.eq(Id(poll)),
                poll_electors::user_id.eq(Id(*u)),
                poll_electors::elector.eq(e.clone()),
            )
        })
        .collect();
    insert_batched!(conn, poll_electors::table, rows);
    Ok(())
}

/// The key of the ballot this person may cast, if they are in the electorate.
pub fn elector_of(conn: &mut AnyConnection, poll: Uuid, user: Uuid) -> QueryResult<Option<String>> {
    poll_electors::table
        .filter(poll_electors::poll_id.eq(Id(poll)))
        .filter(poll_electors::user_id.eq(Id(user)))
        .select(poll_electors::elector)
        .first(conn)
        .optional()
}

/// Records that an elector voted; false if their ballot (or their household's) is in.
pub fn cast(conn: &mut AnyConnection, row: &VoterRow) -> QueryResult<bool> {
    if voted(conn, row.poll_id.0, &row.elector)? {
        return Ok(false);
    }
    diesel::insert_into(poll_voters::table)
        .values(row.clone())
        .execute(conn)?;
    Ok(true)
}

pub fn voted(conn: &mut AnyConnection, poll: Uuid, elector: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        poll_voters::table
            .filter(poll_voters::poll_id.eq(Id(poll)))
            .filter(poll_voters::elector.eq(elector)),
    ))
    .get_result(conn)
}

/// Adds one to each chosen option's counter (`by` for a paper batch).
pub fn add(conn: &mut AnyConnection, poll: Uuid, option: i32, by: i64) -> QueryResult<()> {
    diesel::update(
        poll_tallies::table
            .filter(poll_tallies::poll_id.eq(Id(poll)))
            .filter(poll_tallies::option_index.eq(option)),
    )
    .set(poll_tallies::votes.eq(poll_tallies::votes + by))
    .execute(conn)
    .map(|_| ())
}

/// The counts per option, in option order. Read only to publish.
pub fn tallies(conn: &mut AnyConnection, poll: Uuid) -> QueryResult<Vec<i64>> {
    poll_tallies::table
        .filter(poll_tallies::poll_id.eq(Id(poll)))
        .order(poll_tallies::option_index)
        .select(poll_tallies::votes)
        .load(conn)
}

/// Ballots in (turnout, not the tally).
pub fn ballots(conn: &mut AnyConnection, poll: Uuid) -> QueryResult<i64> {
    poll_voters::table
        .filter(poll_voters::poll_id.eq(Id(poll)))
        .count()
        .get_result(conn)
}

/// Ballots in per channel.
pub fn by_channel(conn: &mut AnyConnection, poll: Uuid) -> QueryResult<Vec<(String, i64)>> {
    poll_voters::table
        .filter(poll_voters::poll_id.eq(Id(poll)))
        .group_by(poll_voters::channel)
        .select((poll_voters::channel, diesel::dsl::count_star()))
        .load(conn)
}

/// Ballots staff entered for electors (assisted, paper), oldest first: who, by whom, when.
pub fn entered_for(conn: &mut AnyConnection, poll: Uuid) -> QueryResult<Vec<VoterRow>> {
    poll_voters::table
        .filter(poll_voters::poll_id.eq(Id(poll)))
        .filter(poll_voters::recorded_by.is_not_null())
        .order(poll_voters::created_at)
        .select(VoterRow::as_select())
        .load(conn)
}

/// A person's own ballots (their export): the poll, the channel, and — for an open poll —
/// their choices.
pub fn ballots_of(conn: &mut AnyConnection, user: Uuid) -> QueryResult<Vec<VoterRow>> {
    poll_voters::table
        .filter(poll_voters::user_id.eq(Id(user)))
        .select(VoterRow::as_select())
        .load(conn)
}

pub fn insert_paper(conn: &mut AnyConnection, row: &PaperRow) -> QueryResult<()> {
    diesel::insert_into(paper_tallies::table)
        .values(row.clone())
        .execute(conn)
        .map(|_| ())
}

pub fn save_paper(conn: &mut AnyConnection, row: &PaperRow) -> QueryResult<()> {
    diesel::update(paper_tallies::table.filter(paper_tallies::id.eq(row.id)))
        .set(row.clone())
        .execute(conn)
        .map(|_| ())
}

/// The batch's first entry, waiting for its second.
pub fn pending_paper(
    conn: &mut AnyConnection,
    poll: Uuid,
    batch: &str,
) -> QueryResult<Option<PaperRow>> {
    paper_tallies::table
        .filter(paper_tallies::poll_id.eq(Id(poll)))
        .filter(paper_tallies::batch.eq(batch))
        .filter(paper_tallies::status.eq(TallyStatus::Pending.as_str()))
        .select(PaperRow::as_select())
        .first(conn)
        .optional()
}

pub fn papers(conn: &mut AnyConnection, poll: Uuid) -> QueryResult<Vec<PaperRow>> {
    paper_tallies::table
        .filter(paper_tallies::poll_id.eq(Id(poll)))
        .order(paper_tallies::created_at)
        .select(PaperRow::as_select())
        .load(conn)
}

/// Polls of the communities published in `[from, to)` (turnout per poll).
pub fn published(
    conn: &mut AnyConnection,
    set: &[Uuid],
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> QueryResult<Vec<PollRow>> {
    let ids: Vec<Id> = set.iter().copied().map(Id).collect();
    polls::table
        .filter(polls::community_id.eq_any(ids))
        .filter(polls::published_at.ge(from))
        .filter(polls::published_at.lt(to))
        .order(polls::published_at)
        .select(PollRow::as_select())
        .load(conn)
}

/// A poll's options (JSON), wherever it is.
pub fn options_of(conn: &mut AnyConnection, poll: Uuid) -> QueryResult<Option<String>> {
    polls::table
        .filter(polls::id.eq(Id(poll)))
        .select(polls::options)
        .first(conn)
        .optional()
}
