//! What the staff's work queue reads: each source a query of at most `QUEUE_SOURCE_MAX` rows,
//! oldest first.

use canglong_alliance::MerchantStatus;
use canglong_core::suggestion::SuggestionStatus;
use canglong_core::{NaiveDateTime, Uuid};
use canglong_needs::{ClaimStatus, NeedStatus};
use canglong_volunteers::RecordStatus;
use diesel::prelude::*;

use crate::schema::{
    merchants, need_claims, need_ratings, needs, service_records, suggestions, users, volunteers,
};
use crate::{AnyConnection, Id, QueryResult, Stored};

/// The most items one source contributes (the queue is a day's work, not an archive).
pub const QUEUE_SOURCE_MAX: i64 = 200;

/// A record waiting for verification, with what the verifier needs to decide.
#[derive(Debug, Clone, Queryable)]
pub struct PendingRecord {
    pub id: Id,
    pub created_at: NaiveDateTime,
    pub minutes: i32,
    pub content: String,
    pub need_id: Option<Id>,
    pub volunteer_name: String,
}

pub fn pending_records(
    conn: &mut AnyConnection,
    community: Uuid,
) -> QueryResult<Vec<PendingRecord>> {
    service_records::table
        .inner_join(volunteers::table.on(volunteers::id.eq(service_records::volunteer_id)))
        .inner_join(users::table.on(users::id.eq(volunteers::user_id)))
        .filter(service_records::community_id.eq(Id(community)))
        .filter(service_records::status.eq(Stored(RecordStatus::Pending)))
        .order(service_records::created_at.asc())
        .limit(QUEUE_SOURCE_MAX)
        .select((
            service_records::id,
            service_records::created_at,
            service_records::minutes_reported,
            service_records::content,
            service_records::need_id,
            users::nickname,
        ))
        .load(conn)
}

/// The titles and ratings of these needs (to show beside their records).
pub fn need_titles(
    conn: &mut AnyConnection,
    ids: &[Uuid],
) -> QueryResult<Vec<(Id, String, Option<i32>)>> {
    let ids: Vec<Id> = ids.iter().copied().map(Id).collect();
    needs::table
        .left_join(need_ratings::table.on(need_ratings::need_id.eq(needs::id)))
        .filter(needs::id.eq_any(ids))
        .select((needs::id, needs::title, need_ratings::stars.nullable()))
        .load(conn)
}

/// A low rating with its need's title.
#[derive(Debug, Clone, Queryable)]
pub struct LowRating {
    pub id: Id,
    pub at: NaiveDateTime,
    pub stars: i32,
    pub comment: String,
    pub need_id: Id,
    pub title: String,
}

/// Ratings of at most `stars` since `since`, with their need's title.
pub fn low_ratings(
    conn: &mut AnyConnection,
    community: Uuid,
    stars: i32,
    since: NaiveDateTime,
) -> QueryResult<Vec<LowRating>> {
    need_ratings::table
        .inner_join(needs::table.on(needs::id.eq(need_ratings::need_id)))
        .filter(need_ratings::community_id.eq(Id(community)))
        .filter(need_ratings::stars.le(stars))
        .filter(need_ratings::created_at.ge(since))
        .order(need_ratings::created_at.asc())
        .limit(QUEUE_SOURCE_MAX)
        .select((
            need_ratings::id,
            need_ratings::created_at,
            need_ratings::stars,
            need_ratings::comment,
            needs::id,
            needs::title,
        ))
        .load(conn)
}

/// A need waiting for someone: since when, what and where.
#[derive(Debug, Clone, Queryable)]
pub struct WaitingNeed {
    pub id: Id,
    pub since: Option<NaiveDateTime>,
    pub title: String,
    pub place: String,
}

/// Open needs escalated for going unclaimed, since their escalation.
pub fn escalated(conn: &mut AnyConnection, community: Uuid) -> QueryResult<Vec<WaitingNeed>> {
    needs::table
        .filter(needs::community_id.eq(Id(community)))
        .filter(needs::status.eq(Stored(NeedStatus::Open)))
        .filter(needs::escalated.eq(true))
        .order(needs::escalated_at.asc())
        .limit(QUEUE_SOURCE_MAX)
        .select((needs::id, needs::escalated_at, needs::title, needs::place))
        .load(conn)
}

/// Needs that expired unclaimed since `since`, since their expiry.
pub fn expired(
    conn: &mut AnyConnection,
    community: Uuid,
    since: NaiveDateTime,
) -> QueryResult<Vec<WaitingNeed>> {
    needs::table
        .filter(needs::community_id.eq(Id(community)))
        .filter(needs::status.eq(Stored(NeedStatus::Expired)))
        .filter(needs::updated_at.ge(since))
        .order(needs::updated_at.asc())
        .limit(QUEUE_SOURCE_MAX)
        .select((
            needs::id,
            needs::updated_at.nullable(),
            needs::title,
            needs::place,
        ))
        .load(conn)
}

/// A claim left open after its need's window ended.
#[derive(Debug, Clone, Queryable)]
pub struct StuckClaim {
    pub id: Id,
    pub need_id: Id,
    pub window_end: NaiveDateTime,
    pub title: String,
    pub volunteer_name: String,
}

/// Active claims whose need's window ended before `before` without a report.
pub fn stuck_claims(
    conn: &mut AnyConnection,
    community: Uuid,
    before: NaiveDateTime,
) -> QueryResult<Vec<StuckClaim>> {
    need_claims::table
        .inner_join(needs::table.on(needs::id.eq(need_claims::need_id)))
        .inner_join(users::table.on(users::id.eq(need_claims::user_id)))
        .filter(need_claims::community_id.eq(Id(community)))
        .filter(need_claims::status.eq(Stored(ClaimStatus::Active)))
        .filter(need_claims::completed_at.is_null())
        .filter(needs::window_end.lt(before))
        .order(needs::window_end.asc())
        .limit(QUEUE_SOURCE_MAX)
        .select((
            need_claims::id,
            needs::id,
            needs::window_end,
            needs::title,
            users::nickname,
        ))
        .load(conn)
}

/// Suggestions nobody has answered yet: (id, written at, category, text).
pub fn open_suggestions(
    conn: &mut AnyConnection,
    community: Uuid,
) -> QueryResult<Vec<(Id, NaiveDateTime, String, String)>> {
    suggestions::table
        .filter(suggestions::community_id.eq(Id(community)))
        .filter(suggestions::status.eq(Stored(SuggestionStatus::Open)))
        .order(suggestions::created_at.asc())
        .limit(QUEUE_SOURCE_MAX)
        .select((
            suggestions::id,
            suggestions::created_at,
            suggestions::category,
            suggestions::text,
        ))
        .load(conn)
}

/// Merchants approved by one of `communities`, waiting for the subdistrict's filing: (id,
/// since, name, community id).
pub fn awaiting_filing(
    conn: &mut AnyConnection,
    communities: &[Uuid],
) -> QueryResult<Vec<(Id, NaiveDateTime, String, Id)>> {
    let ids: Vec<Id> = communities.iter().copied().map(Id).collect();
    merchants::table
        .filter(merchants::community_id.eq_any(ids))
        .filter(merchants::status.eq(Stored(MerchantStatus::CommunityApproved)))
        .order(merchants::updated_at.asc())
        .limit(QUEUE_SOURCE_MAX)
        .select((
            merchants::id,
            merchants::updated_at,
            merchants::name,
            merchants::community_id,
        ))
        .load(conn)
}

/// The subdistrict admins over a community (those of any community of its subdistrict).
pub fn subdistrict_admins(conn: &mut AnyConnection, community: Uuid) -> QueryResult<Vec<Uuid>> {
    use crate::schema::user_roles;
    let communities: Vec<Id> = crate::stats::communities_of_subdistrict(conn, community)?
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    let ids: Vec<Id> = user_roles::table
        .inner_join(users::table.on(users::id.eq(user_roles::user_id)))
        .filter(user_roles::community_id.eq_any(communities))
        .filter(user_roles::role.eq("subdistrict_admin"))
        .filter(users::disabled_at.is_null())
        .select(users::id)
        .load(conn)?;
    Ok(ids.into_iter().map(|i| i.0).collect())
}

/// The community's social workers (whom alerts reach when no one else is responsible).
pub fn social_workers(conn: &mut AnyConnection, community: Uuid) -> QueryResult<Vec<Uuid>> {
    use crate::schema::user_roles;
    let ids: Vec<Id> = user_roles::table
        .inner_join(users::table.on(users::id.eq(user_roles::user_id)))
        .filter(user_roles::community_id.eq(Id(community)))
        .filter(user_roles::role.eq("social_worker"))
        .filter(users::disabled_at.is_null())
        .filter(users::erased_at.is_null())
        .select(users::id)
        .load(conn)?;
    Ok(ids.into_iter().map(|i| i.0).collect())
}
