//! Needs, their claims, history and ratings.

use crate::Stored;
use canglong_core::{NaiveDateTime, PageRequest, Uuid, now};
use canglong_needs::{ClaimStatus, NeedStatus};
use diesel::prelude::*;

use crate::db::MultiBackend;
use crate::schema::{need_claims, need_events, need_ratings, needs};
use crate::{AnyConnection, Id, QueryResult};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = needs)]
pub struct NeedRow {
    pub id: Id,
    pub community_id: Id,
    pub requester_id: Id,
    pub posted_by: Id,
    pub category: String,
    pub target_group: String,
    pub title: String,
    pub description: String,
    pub place: String,
    pub window_start: NaiveDateTime,
    pub window_end: NaiveDateTime,
    pub estimated_minutes: i32,
    pub slots: i32,
    pub slots_taken: i32,
    pub micro: bool,
    pub status: Stored<NeedStatus>,
    pub escalated: bool,
    pub escalated_at: Option<NaiveDateTime>,
    pub done_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// Whether `user` has ever asked for help or posted a need (for themself or someone else).
pub fn has_requested(conn: &mut AnyConnection, user: Uuid) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        needs::table.filter(
            needs::requester_id
                .eq(Id(user))
                .or(needs::posted_by.eq(Id(user))),
        ),
    ))
    .get_result(conn)
}

pub fn insert(conn: &mut AnyConnection, row: &NeedRow) -> QueryResult<()> {
    diesel::insert_into(needs::table)
        .values(row.clone())
        .execute(conn)
        .map(|_| ())
}

/// One need of the community, or `None` (also when it belongs to another community).
pub fn get(conn: &mut AnyConnection, community_id: Uuid, id: Uuid) -> QueryResult<Option<NeedRow>> {
    needs::table
        .filter(needs::id.eq(Id(id)))
        .filter(needs::community_id.eq(Id(community_id)))
        .select(NeedRow::as_select())
        .first(conn)
        .optional()
}

/// Like [`get`], but inside a write transaction: on PostgreSQL the row is locked (`FOR UPDATE`)
/// so concurrent claims queue up; SQLite's `BEGIN IMMEDIATE` already holds the write lock.
pub fn lock(
    conn: &mut AnyConnection,
    community_id: Uuid,
    id: Uuid,
) -> QueryResult<Option<NeedRow>> {
    let q = needs::table
        .filter(needs::id.eq(Id(id)))
        .filter(needs::community_id.eq(Id(community_id)))
        .select(needs::all_columns);
    for_update!(conn, q, first::<NeedRow>).optional()
}

pub fn set_state(
    conn: &mut AnyConnection,
    id: Uuid,
    status: NeedStatus,
    slots_taken: i32,
    done_at: Option<NaiveDateTime>,
) -> QueryResult<()> {
    diesel::update(needs::table.find(Id(id)))
        .set((
            needs::status.eq(Stored(status)),
            needs::slots_taken.eq(slots_taken),
            needs::done_at.eq(done_at),
            needs::updated_at.eq(now()),
        ))
        .execute(conn)
        .map(|_| ())
}

pub fn mark_escalated(conn: &mut AnyConnection, id: Uuid, at: NaiveDateTime) -> QueryResult<bool> {
    let n = diesel::update(needs::table.find(Id(id)).filter(needs::escalated.eq(false)))
        .set((
            needs::escalated.eq(true),
            needs::escalated_at.eq(at),
            needs::updated_at.eq(at),
        ))
        .execute(conn)?;
    Ok(n == 1)
}

/// List filters; `None` means "any".
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub status: Option<String>,
    pub category: Option<String>,
    pub target_group: Option<String>,
    pub micro: Option<bool>,
    pub place_prefix: Option<String>,
    /// Only needs of these people, or posted by `poster`: what someone who is neither staff nor
    /// a volunteer sees (their own, their relatives', their buildings').
    pub requesters: Option<(Vec<Uuid>, Uuid)>,
    pub escalated: Option<bool>,
    /// Only the needs this person holds an active claim on.
    pub claimant: Option<Uuid>,
}

/// A page of the community's needs, newest first (ids are time-ordered).
pub fn list(
    conn: &mut AnyConnection,
    community_id: Uuid,
    f: &Filter,
    page: &PageRequest,
) -> QueryResult<Vec<NeedRow>> {
    let mut q = needs::table
        .filter(needs::community_id.eq(Id(community_id)))
        .select(NeedRow::as_select())
        .into_boxed::<MultiBackend>();
    if let Some(s) = &f.status {
        q = q.filter(needs::status.eq(s.clone()));
    }
    if let Some(c) = &f.category {
        q = q.filter(needs::category.eq(c.clone()));
    }
    if let Some(t) = &f.target_group {
        q = q.filter(needs::target_group.eq(t.clone()));
    }
    if let Some(m) = f.micro {
        q = q.filter(needs::micro.eq(m));
    }
    if let Some(p) = &f.place_prefix {
        q = q.filter(
            needs::place
                .like(format!("{}%", escape_like(p)))
                .escape('\\'),
        );
    }
    if let Some((people, poster)) = &f.requesters {
        let ids: Vec<Id> = people.iter().copied().map(Id).collect();
        q = q.filter(
            needs::requester_id
                .eq_any(ids)
                .or(needs::posted_by.eq(Id(*poster))),
        );
    }
    if let Some(e) = f.escalated {
        q = q.filter(needs::escalated.eq(e));
    }
    if let Some(user) = f.claimant {
        let claimed: Vec<Id> = need_claims::table
            .filter(need_claims::user_id.eq(Id(user)))
            .filter(need_claims::community_id.eq(Id(community_id)))
            .filter(need_claims::status.eq(Stored(ClaimStatus::Active)))
            .select(need_claims::need_id)
            .load(conn)?;
        q = q.filter(needs::id.eq_any(claimed));
    }
    if let Some(c) = page.after {
        q = q.filter(needs::id.lt(Id(c.0)));
    }
    q.order(needs::id.desc())
        .limit(i64::from(page.limit) + 1)
        .load(conn)
}

fn escape_like(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// Open needs of a community, newest first, for matching.
pub fn open_needs(
    conn: &mut AnyConnection,
    community_id: Uuid,
    at_most: i64,
) -> QueryResult<Vec<NeedRow>> {
    needs::table
        .filter(needs::community_id.eq(Id(community_id)))
        .filter(needs::status.eq(Stored(NeedStatus::Open)))
        .order(needs::id.desc())
        .limit(at_most)
        .select(NeedRow::as_select())
        .load(conn)
}

/// Ids (with community) of needs in `status` the sweep may act on, across all communities.
pub fn sweep_candidates(
    conn: &mut AnyConnection,
    status: NeedStatus,
    at_most: i64,
) -> QueryResult<Vec<NeedRow>> {
    needs::table
        .filter(needs::status.eq(Stored(status)))
        .order(needs::id.asc())
        .limit(at_most)
        .select(NeedRow::as_select())
        .load(conn)
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = need_claims)]
pub struct ClaimRow {
    pub id: Id,
    pub community_id: Id,
    pub need_id: Id,
    pub volunteer_id: Id,
    pub user_id: Id,
    pub status: Stored<ClaimStatus>,
    pub minutes: Option<i32>,
    pub note: Option<String>,
    pub completed_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

pub fn claims(conn: &mut AnyConnection, need_id: Uuid) -> QueryResult<Vec<ClaimRow>> {
    need_claims::table
        .filter(need_claims::need_id.eq(Id(need_id)))
        .order(need_claims::id.asc())
        .select(ClaimRow::as_select())
        .load(conn)
}

pub fn insert_claim(
    conn: &mut AnyConnection,
    community_id: Uuid,
    need_id: Uuid,
    volunteer_id: Uuid,
    user_id: Uuid,
) -> QueryResult<Uuid> {
    let id = canglong_core::new_id();
    diesel::insert_into(need_claims::table)
        .values((
            need_claims::id.eq(Id(id)),
            need_claims::community_id.eq(Id(community_id)),
            need_claims::need_id.eq(Id(need_id)),
            need_claims::volunteer_id.eq(Id(volunteer_id)),
            need_claims::user_id.eq(Id(user_id)),
            need_claims::status.eq(Stored(ClaimStatus::Active)),
            need_claims::created_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(id)
}

/// The needs a volunteer holds an active claim on and has not reported yet.
pub fn open_claims_of(conn: &mut AnyConnection, volunteer_id: Uuid) -> QueryResult<Vec<(Id, Id)>> {
    need_claims::table
        .filter(need_claims::volunteer_id.eq(Id(volunteer_id)))
        .filter(need_claims::status.eq(Stored(ClaimStatus::Active)))
        .filter(need_claims::completed_at.is_null())
        .order(need_claims::id.asc())
        .select((need_claims::id, need_claims::need_id))
        .load(conn)
}

pub fn set_claim_status(
    conn: &mut AnyConnection,
    claim_id: Uuid,
    status: ClaimStatus,
) -> QueryResult<()> {
    diesel::update(need_claims::table.find(Id(claim_id)))
        .set(need_claims::status.eq(Stored(status)))
        .execute(conn)
        .map(|_| ())
}

/// Closes every still-active claim of a need (on cancellation).
pub fn close_active_claims(
    conn: &mut AnyConnection,
    need_id: Uuid,
    status: ClaimStatus,
) -> QueryResult<()> {
    diesel::update(
        need_claims::table
            .filter(need_claims::need_id.eq(Id(need_id)))
            .filter(need_claims::status.eq(Stored(ClaimStatus::Active))),
    )
    .set(need_claims::status.eq(Stored(status)))
    .execute(conn)
    .map(|_| ())
}

pub fn complete_claim(
    conn: &mut AnyConnection,
    claim_id: Uuid,
    minutes: i32,
    note: &str,
    at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(need_claims::table.find(Id(claim_id)))
        .set((
            need_claims::minutes.eq(minutes),
            need_claims::note.eq(note),
            need_claims::completed_at.eq(at),
        ))
        .execute(conn)
        .map(|_| ())
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = need_events)]
pub struct EventRow {
    pub id: Id,
    pub community_id: Id,
    pub need_id: Id,
    pub actor_id: Option<Id>,
    pub action: Stored<canglong_needs::NeedAction>,
    pub from_status: Option<String>,
    pub to_status: String,
    pub note: Option<String>,
    pub created_at: NaiveDateTime,
}

/// Appends to a need's history; every change is kept.
pub fn record_event(
    conn: &mut AnyConnection,
    need: &NeedRow,
    actor_id: Option<Uuid>,
    action: canglong_needs::NeedAction,
    from_status: Option<&str>,
    to_status: &str,
    note: Option<&str>,
) -> QueryResult<()> {
    diesel::insert_into(need_events::table)
        .values((
            need_events::id.eq(Id(canglong_core::new_id())),
            need_events::community_id.eq(need.community_id),
            need_events::need_id.eq(need.id),
            need_events::actor_id.eq(actor_id.map(Id)),
            need_events::action.eq(Stored(action)),
            need_events::from_status.eq(from_status),
            need_events::to_status.eq(to_status),
            need_events::note.eq(note),
            need_events::created_at.eq(now()),
        ))
        .execute(conn)
        .map(|_| ())
}

pub fn events(conn: &mut AnyConnection, need_id: Uuid) -> QueryResult<Vec<EventRow>> {
    need_events::table
        .filter(need_events::need_id.eq(Id(need_id)))
        .order(need_events::id.asc())
        .select(EventRow::as_select())
        .load(conn)
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = need_ratings)]
pub struct RatingRow {
    pub id: Id,
    pub community_id: Id,
    pub need_id: Id,
    pub rater_id: Id,
    pub stars: i32,
    pub tags: String,
    pub comment: String,
    pub flagged: bool,
    pub created_at: NaiveDateTime,
}

pub fn rating(conn: &mut AnyConnection, need_id: Uuid) -> QueryResult<Option<RatingRow>> {
    need_ratings::table
        .filter(need_ratings::need_id.eq(Id(need_id)))
        .select(RatingRow::as_select())
        .first(conn)
        .optional()
}

pub fn insert_rating(
    conn: &mut AnyConnection,
    need: &NeedRow,
    rater_id: Uuid,
    stars: i32,
    tags: &[String],
    comment: &str,
    flagged: bool,
) -> QueryResult<RatingRow> {
    diesel::insert_into(need_ratings::table)
        .values((
            need_ratings::id.eq(Id(canglong_core::new_id())),
            need_ratings::community_id.eq(need.community_id),
            need_ratings::need_id.eq(need.id),
            need_ratings::rater_id.eq(Id(rater_id)),
            need_ratings::stars.eq(stars),
            need_ratings::tags.eq(crate::to_json_text(tags)),
            need_ratings::comment.eq(comment),
            need_ratings::flagged.eq(flagged),
            need_ratings::created_at.eq(now()),
        ))
        .returning(need_ratings::all_columns)
        .get_result(conn)
}
