//! Topics (议题): the topic with its seconds, history, objections, progress and evaluations.

use canglong_core::{NaiveDateTime, PageRequest, Uuid, new_id};
use canglong_governance::scope::ScopeLevel;
use canglong_governance::topics::{Referral, TopicStatus, TopicStep};
use diesel::prelude::*;

use crate::schema::{
    topic_evaluations, topic_events, topic_objections, topic_progress, topic_seconds,
    topic_thresholds, topics, users,
};
use crate::{AnyConnection, Id, QueryResult, Stored};

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = topics, treat_none_as_null = true)]
pub struct TopicRow {
    pub id: Id,
    pub community_id: Id,
    pub scope: Stored<ScopeLevel>,
    pub building_id: Option<Id>,
    pub cluster: Option<String>,
    pub title: String,
    pub body: String,
    pub place: String,
    /// The resident whose topic it is.
    pub raised_by: Id,
    /// Who entered it: the resident, or a building head for them.
    pub entered_by: Id,
    pub status: Stored<TopicStatus>,
    pub seconds: i32,
    pub seconds_needed: i32,
    pub expires_at: NaiveDateTime,
    pub merged_into: Option<Id>,
    pub referred_to: Option<Stored<Referral>>,
    pub decision: Option<String>,
    pub objection_until: Option<NaiveDateTime>,
    pub owner_id: Option<Id>,
    pub deadline: Option<NaiveDateTime>,
    pub percent: i32,
    pub done_at: Option<NaiveDateTime>,
    pub settled_at: Option<NaiveDateTime>,
    /// The delivery round: a poor evaluation starts the next.
    pub round: i32,
    pub hidden_reason: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = topic_events)]
pub struct EventRow {
    pub id: Id,
    pub topic_id: Id,
    pub community_id: Id,
    pub step: Stored<TopicStep>,
    pub status: Stored<TopicStatus>,
    pub actor_id: Option<Id>,
    pub note: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = topic_objections, treat_none_as_null = true)]
pub struct ObjectionRow {
    pub id: Id,
    pub topic_id: Id,
    pub community_id: Id,
    pub author_id: Id,
    pub text: String,
    pub reply: Option<String>,
    pub replied_by: Option<Id>,
    pub replied_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = topic_progress)]
pub struct ProgressRow {
    pub id: Id,
    pub topic_id: Id,
    pub community_id: Id,
    pub percent: i32,
    pub note: String,
    pub recorded_by: Id,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = topic_evaluations)]
pub struct EvaluationRow {
    pub topic_id: Id,
    pub user_id: Id,
    pub round: i32,
    pub community_id: Id,
    pub stars: i32,
    pub comment: String,
    pub created_at: NaiveDateTime,
}

/// The community's own threshold for a scope: (seconds, expiry days).
pub fn threshold(
    conn: &mut AnyConnection,
    community: Uuid,
    scope: ScopeLevel,
) -> QueryResult<Option<(i32, i32)>> {
    topic_thresholds::table
        .filter(topic_thresholds::community_id.eq(Id(community)))
        .filter(topic_thresholds::scope.eq(scope.as_str()))
        .select((topic_thresholds::seconds, topic_thresholds::expiry_days))
        .first(conn)
        .optional()
}

pub fn set_threshold(
    conn: &mut AnyConnection,
    community: Uuid,
    scope: ScopeLevel,
    seconds: i32,
    expiry_days: i32,
) -> QueryResult<()> {
    diesel::delete(
        topic_thresholds::table
            .filter(topic_thresholds::community_id.eq(Id(community)))
            .filter(topic_thresholds::scope.eq(scope.as_str())),
    )
    .execute(conn)?;
    diesel::insert_into(topic_thresholds::table)
        .values((
            topic_thresholds::community_id.eq(Id(community)),
            topic_thresholds::scope.eq(scope.as_str()),
            topic_thresholds::seconds.eq(seconds),
            topic_thresholds::expiry_days.eq(expiry_days),
        ))
        .execute(conn)
        .map(|_| ())
}

pub fn insert(conn: &mut AnyConnection, row: &TopicRow) -> QueryResult<()> {
    diesel::insert_into(topics::table)
        .values(row.clone())
        .execute(conn)
        .map(|_| ())
}

pub fn save(conn: &mut AnyConnection, row: &TopicRow) -> QueryResult<()> {
    diesel::update(topics::table.filter(topics::id.eq(row.id)))
        .set(row.clone())
        .execute(conn)
        .map(|_| ())
}

pub fn topic(conn: &mut AnyConnection, community: Uuid, id: Uuid) -> QueryResult<Option<TopicRow>> {
    topics::table
        .filter(topics::id.eq(Id(id)))
        .filter(topics::community_id.eq(Id(community)))
        .select(TopicRow::as_select())
        .first(conn)
        .optional()
}

/// The topic's row, locked on PostgreSQL: every step of a topic queues here.
pub fn lock(conn: &mut AnyConnection, community: Uuid, id: Uuid) -> QueryResult<Option<TopicRow>> {
    let q = topics::table
        .filter(topics::id.eq(Id(id)))
        .filter(topics::community_id.eq(Id(community)))
        .select(topics::all_columns);
    for_update!(conn, q, first::<TopicRow>).optional()
}

/// Which topics a list shows.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub status: Option<TopicStatus>,
    pub scope: Option<ScopeLevel>,
    pub building_id: Option<Uuid>,
    /// Hidden topics too (staff).
    pub hidden: bool,
    /// Hidden topics raised by this person too (their own).
    pub own: Option<Uuid>,
}

/// A page of the community's topics, newest first (ids are time-ordered).
pub fn list(
    conn: &mut AnyConnection,
    community: Uuid,
    f: &Filter,
    page: &PageRequest,
) -> QueryResult<Vec<TopicRow>> {
    let mut q = topics::table
        .filter(topics::community_id.eq(Id(community)))
        .select(TopicRow::as_select())
        .order(topics::id.desc())
        .limit(i64::from(page.limit) + 1)
        .into_boxed();
    if let Some(c) = page.after {
        q = q.filter(topics::id.lt(Id(c.0)));
    }
    if let Some(s) = f.status {
        q = q.filter(topics::status.eq(s.as_str()));
    }
    if let Some(s) = f.scope {
        q = q.filter(topics::scope.eq(s.as_str()));
    }
    if let Some(b) = f.building_id {
        q = q.filter(topics::building_id.eq(Id(b)));
    }
    if !f.hidden {
        let own = Id(f.own.unwrap_or(Uuid::nil()));
        q = q.filter(
            topics::hidden_reason
                .is_null()
                .or(topics::raised_by.eq(own)),
        );
    }
    q.load(conn)
}

/// Topics time has moved by `now` (for the periodic pass), every community: unseconded past
/// the expiry, publicised past the objection window, done before `closed_before`.
pub fn due(
    conn: &mut AnyConnection,
    now: NaiveDateTime,
    closed_before: NaiveDateTime,
    limit: i64,
) -> QueryResult<Vec<TopicRow>> {
    let done = [TopicStatus::Done, TopicStatus::Evaluated].map(|s| s.as_str());
    topics::table
        .filter(
            topics::status
                .eq(TopicStatus::Seconding.as_str())
                .and(topics::expires_at.le(now))
                .or(topics::status
                    .eq(TopicStatus::Publicised.as_str())
                    .and(topics::objection_until.le(now)))
                .or(topics::status
                    .eq_any(done)
                    .and(topics::done_at.le(closed_before))),
        )
        .select(TopicRow::as_select())
        .order(topics::updated_at)
        .limit(limit)
        .load(conn)
}

pub fn record(
    conn: &mut AnyConnection,
    topic: &TopicRow,
    step: TopicStep,
    actor: Option<Uuid>,
    note: &str,
    at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(topic_events::table)
        .values(EventRow {
            id: Id(new_id()),
            topic_id: topic.id,
            community_id: topic.community_id,
            step: Stored(step),
            status: topic.status,
            actor_id: actor.map(Id),
            note: note.to_owned(),
            created_at: at,
        })
        .execute(conn)
        .map(|_| ())
}

/// The topic's history, oldest first, with each actor's name.
pub fn history(
    conn: &mut AnyConnection,
    topic: Uuid,
) -> QueryResult<Vec<(EventRow, Option<String>)>> {
    topic_events::table
        .left_join(users::table.on(users::id.nullable().eq(topic_events::actor_id)))
        .filter(topic_events::topic_id.eq(Id(topic)))
        .order((topic_events::created_at, topic_events::id))
        .select((EventRow::as_select(), users::nickname.nullable()))
        .load(conn)
}

/// Records a second; false if this person already seconded.
pub fn second(
    conn: &mut AnyConnection,
    topic: &TopicRow,
    user: Uuid,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    let done: bool = diesel::select(diesel::dsl::exists(
        topic_seconds::table
            .filter(topic_seconds::topic_id.eq(topic.id))
            .filter(topic_seconds::user_id.eq(Id(user))),
    ))
    .get_result(conn)?;
    if done {
        return Ok(false);
    }
    diesel::insert_into(topic_seconds::table)
        .values((
            topic_seconds::topic_id.eq(topic.id),
            topic_seconds::user_id.eq(Id(user)),
            topic_seconds::community_id.eq(topic.community_id),
            topic_seconds::created_at.eq(at),
        ))
        .execute(conn)?;
    Ok(true)
}

/// Which of these topics a person has seconded (a page of the list, in one query).
pub fn seconded_among(
    conn: &mut AnyConnection,
    user: Uuid,
    topics: &[Uuid],
) -> QueryResult<std::collections::HashSet<Uuid>> {
    let ids: Vec<Id> = topics.iter().copied().map(Id).collect();
    let found: Vec<Id> = topic_seconds::table
        .filter(topic_seconds::user_id.eq(Id(user)))
        .filter(topic_seconds::topic_id.eq_any(ids))
        .select(topic_seconds::topic_id)
        .load(conn)?;
    Ok(found.into_iter().map(|i| i.0).collect())
}

pub fn has_seconded(conn: &mut AnyConnection, topic: Uuid, user: Uuid) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        topic_seconds::table
            .filter(topic_seconds::topic_id.eq(Id(topic)))
            .filter(topic_seconds::user_id.eq(Id(user))),
    ))
    .get_result(conn)
}

pub fn insert_objection(conn: &mut AnyConnection, row: &ObjectionRow) -> QueryResult<()> {
    diesel::insert_into(topic_objections::table)
        .values(row.clone())
        .execute(conn)
        .map(|_| ())
}

pub fn lock_objection(
    conn: &mut AnyConnection,
    community: Uuid,
    id: Uuid,
) -> QueryResult<Option<ObjectionRow>> {
    let q = topic_objections::table
        .filter(topic_objections::id.eq(Id(id)))
        .filter(topic_objections::community_id.eq(Id(community)))
        .select(topic_objections::all_columns);
    for_update!(conn, q, first::<ObjectionRow>).optional()
}

pub fn save_objection(conn: &mut AnyConnection, row: &ObjectionRow) -> QueryResult<()> {
    diesel::update(topic_objections::table.filter(topic_objections::id.eq(row.id)))
        .set(row.clone())
        .execute(conn)
        .map(|_| ())
}

pub fn objections(conn: &mut AnyConnection, topic: Uuid) -> QueryResult<Vec<ObjectionRow>> {
    topic_objections::table
        .filter(topic_objections::topic_id.eq(Id(topic)))
        .order((topic_objections::created_at, topic_objections::id))
        .select(ObjectionRow::as_select())
        .load(conn)
}

pub fn insert_progress(conn: &mut AnyConnection, row: &ProgressRow) -> QueryResult<()> {
    diesel::insert_into(topic_progress::table)
        .values(row.clone())
        .execute(conn)
        .map(|_| ())
}

pub fn progress(conn: &mut AnyConnection, topic: Uuid) -> QueryResult<Vec<ProgressRow>> {
    topic_progress::table
        .filter(topic_progress::topic_id.eq(Id(topic)))
        .order((topic_progress::created_at, topic_progress::id))
        .select(ProgressRow::as_select())
        .load(conn)
}

/// Records an evaluation; false if this person already evaluated this round.
pub fn evaluate(conn: &mut AnyConnection, row: &EvaluationRow) -> QueryResult<bool> {
    let done: bool = diesel::select(diesel::dsl::exists(
        topic_evaluations::table
            .filter(topic_evaluations::topic_id.eq(row.topic_id))
            .filter(topic_evaluations::user_id.eq(row.user_id))
            .filter(topic_evaluations::round.eq(row.round)),
    ))
    .get_result(conn)?;
    if done {
        return Ok(false);
    }
    diesel::insert_into(topic_evaluations::table)
        .values(row.clone())
        .execute(conn)?;
    Ok(true)
}

pub fn evaluations(conn: &mut AnyConnection, topic: Uuid) -> QueryResult<Vec<EvaluationRow>> {
    topic_evaluations::table
        .filter(topic_evaluations::topic_id.eq(Id(topic)))
        .order((topic_evaluations::round, topic_evaluations::created_at))
        .select(EvaluationRow::as_select())
        .load(conn)
}

/// Every topic of the communities raised before `to` (the figures look at when each was
/// raised, settled and done).
pub fn for_figures(
    conn: &mut AnyConnection,
    set: &[Uuid],
    to: NaiveDateTime,
) -> QueryResult<Vec<TopicRow>> {
    let ids: Vec<Id> = set.iter().copied().map(Id).collect();
    topics::table
        .filter(topics::community_id.eq_any(ids))
        .filter(topics::created_at.lt(to))
        .select(TopicRow::as_select())
        .load(conn)
}

/// Topics a person raised and seconded (their export).
pub fn of_person(conn: &mut AnyConnection, user: Uuid) -> QueryResult<(Vec<Id>, Vec<Id>)> {
    let raised = topics::table
        .filter(topics::raised_by.eq(Id(user)))
        .select(topics::id)
        .load(conn)?;
    let seconded = topic_seconds::table
        .filter(topic_seconds::user_id.eq(Id(user)))
        .select(topic_seconds::topic_id)
        .load(conn)?;
    Ok((raised, seconded))
}
