//! The residents' convention (居民公约): the convention, its versions, and the amendments.

use canglong_core::{NaiveDateTime, Uuid};
use canglong_governance::conventions::{
    AmendmentKind, AmendmentStatus, ConventionStatus, VersionStatus,
};
use diesel::prelude::*;

use crate::schema::{amendments, convention_versions, conventions};
use crate::{AnyConnection, Id, QueryResult, Stored};

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = conventions)]
pub struct ConventionRow {
    pub id: Id,
    pub community_id: Id,
    pub title: String,
    pub status: Stored<ConventionStatus>,
    /// The version in force.
    pub version: i32,
    pub created_by: Id,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = convention_versions, treat_none_as_null = true)]
pub struct VersionRow {
    pub convention_id: Id,
    pub version: i32,
    pub community_id: Id,
    /// JSON array of `{number, text}`.
    pub articles: String,
    /// JSON array of lines.
    pub changelog: String,
    pub status: Stored<VersionStatus>,
    pub created_by: Id,
    pub created_at: NaiveDateTime,
    pub reviewed_by: Option<Id>,
    pub reviewed_at: Option<NaiveDateTime>,
    pub review_comment: Option<String>,
    pub poll_id: Option<Id>,
    pub filed_by: Option<Id>,
    pub filed_at: Option<NaiveDateTime>,
    pub filing_reference: Option<String>,
    pub in_force_from: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = amendments, treat_none_as_null = true)]
pub struct AmendmentRow {
    pub id: Id,
    pub convention_id: Id,
    pub community_id: Id,
    pub kind: Stored<AmendmentKind>,
    pub article: i32,
    pub text: String,
    pub reason: String,
    pub proposed_by: Id,
    pub status: Stored<AmendmentStatus>,
    pub decision_reason: Option<String>,
    pub decided_by: Option<Id>,
    pub decided_at: Option<NaiveDateTime>,
    /// The draft version it went into.
    pub version: Option<i32>,
    pub created_at: NaiveDateTime,
}

pub fn insert(conn: &mut AnyConnection, c: &ConventionRow, v: &VersionRow) -> QueryResult<()> {
    diesel::insert_into(conventions::table)
        .values(c.clone())
        .execute(conn)?;
    insert_version(conn, v)
}

pub fn save(conn: &mut AnyConnection, c: &ConventionRow) -> QueryResult<()> {
    diesel::update(conventions::table.filter(conventions::id.eq(c.id)))
        .set(c.clone())
        .execute(conn)
        .map(|_| ())
}

pub fn convention(
    conn: &mut AnyConnection,
    community: Uuid,
    id: Uuid,
) -> QueryResult<Option<ConventionRow>> {
    conventions::table
        .filter(conventions::id.eq(Id(id)))
        .filter(conventions::community_id.eq(Id(community)))
        .select(ConventionRow::as_select())
        .first(conn)
        .optional()
}

/// The convention's row, locked on PostgreSQL: every step of a revision queues here.
pub fn lock(
    conn: &mut AnyConnection,
    community: Uuid,
    id: Uuid,
) -> QueryResult<Option<ConventionRow>> {
    let q = conventions::table
        .filter(conventions::id.eq(Id(id)))
        .filter(conventions::community_id.eq(Id(community)))
        .select(conventions::all_columns);
    for_update!(conn, q, first::<ConventionRow>).optional()
}

/// The conventions of these communities (a subdistrict admin reviews its communities').
pub fn list(conn: &mut AnyConnection, set: &[Uuid]) -> QueryResult<Vec<ConventionRow>> {
    let ids: Vec<Id> = set.iter().copied().map(Id).collect();
    conventions::table
        .filter(conventions::community_id.eq_any(ids))
        .order(conventions::created_at.desc())
        .select(ConventionRow::as_select())
        .load(conn)
}

pub fn insert_version(conn: &mut AnyConnection, v: &VersionRow) -> QueryResult<()> {
    diesel::insert_into(convention_versions::table)
        .values(v.clone())
        .execute(conn)
        .map(|_| ())
}

pub fn save_version(conn: &mut AnyConnection, v: &VersionRow) -> QueryResult<()> {
    diesel::update(
        convention_versions::table
            .filter(convention_versions::convention_id.eq(v.convention_id))
            .filter(convention_versions::version.eq(v.version)),
    )
    .set(v.clone())
    .execute(conn)
    .map(|_| ())
}

pub fn version(
    conn: &mut AnyConnection,
    convention: Uuid,
    version: i32,
) -> QueryResult<Option<VersionRow>> {
    convention_versions::table
        .filter(convention_versions::convention_id.eq(Id(convention)))
        .filter(convention_versions::version.eq(version))
        .select(VersionRow::as_select())
        .first(conn)
        .optional()
}

/// Every version, oldest first.
pub fn versions(conn: &mut AnyConnection, convention: Uuid) -> QueryResult<Vec<VersionRow>> {
    convention_versions::table
        .filter(convention_versions::convention_id.eq(Id(convention)))
        .order(convention_versions::version)
        .select(VersionRow::as_select())
        .load(conn)
}

pub fn insert_amendment(conn: &mut AnyConnection, a: &AmendmentRow) -> QueryResult<()> {
    diesel::insert_into(amendments::table)
        .values(a.clone())
        .execute(conn)
        .map(|_| ())
}

pub fn save_amendment(conn: &mut AnyConnection, a: &AmendmentRow) -> QueryResult<()> {
    diesel::update(amendments::table.filter(amendments::id.eq(a.id)))
        .set(a.clone())
        .execute(conn)
        .map(|_| ())
}

pub fn amendment(
    conn: &mut AnyConnection,
    community: Uuid,
    id: Uuid,
) -> QueryResult<Option<AmendmentRow>> {
    amendments::table
        .filter(amendments::id.eq(Id(id)))
        .filter(amendments::community_id.eq(Id(community)))
        .select(AmendmentRow::as_select())
        .first(conn)
        .optional()
}

pub fn amendments(conn: &mut AnyConnection, convention: Uuid) -> QueryResult<Vec<AmendmentRow>> {
    amendments::table
        .filter(amendments::convention_id.eq(Id(convention)))
        .order((amendments::created_at, amendments::id))
        .select(AmendmentRow::as_select())
        .load(conn)
}

/// The community a convention belongs to (the subdistrict reviews by id).
pub fn community_of(conn: &mut AnyConnection, id: Uuid) -> QueryResult<Option<Uuid>> {
    conventions::table
        .filter(conventions::id.eq(Id(id)))
        .select(conventions::community_id)
        .first::<Id>(conn)
        .optional()
        .map(|o| o.map(|i| i.0))
}

/// Amendments a person proposed (their export).
pub fn amendments_by(conn: &mut AnyConnection, user: Uuid) -> QueryResult<Vec<Id>> {
    amendments::table
        .filter(amendments::proposed_by.eq(Id(user)))
        .select(amendments::id)
        .load(conn)
}
