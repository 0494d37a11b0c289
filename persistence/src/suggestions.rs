//! The suggestion box (意见箱).

use canglong_core::suggestion::{SuggestionCategory, SuggestionSource, SuggestionStatus};
use canglong_core::{NaiveDateTime, PageRequest, Uuid, now};
use diesel::prelude::*;

use crate::schema::suggestions;
use crate::{AnyConnection, Id, QueryResult, Stored};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = suggestions)]
pub struct SuggestionRow {
    pub id: Id,
    pub community_id: Id,
    pub author_id: Option<Id>,
    pub entered_by: Option<Id>,
    pub source: Stored<SuggestionSource>,
    pub category: Stored<SuggestionCategory>,
    pub text: String,
    pub anonymous: bool,
    pub merchant_id: Option<Id>,
    pub project_id: Option<Id>,
    pub status: Stored<SuggestionStatus>,
    pub response: Option<String>,
    pub responded_by: Option<Id>,
    pub responded_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

pub fn insert(conn: &mut AnyConnection, row: &SuggestionRow) -> QueryResult<()> {
    diesel::insert_into(suggestions::table)
        .values(row.clone())
        .execute(conn)
        .map(|_| ())
}

pub fn get(
    conn: &mut AnyConnection,
    community_id: Uuid,
    id: Uuid,
) -> QueryResult<Option<SuggestionRow>> {
    suggestions::table
        .find(Id(id))
        .filter(suggestions::community_id.eq(Id(community_id)))
        .select(SuggestionRow::as_select())
        .first(conn)
        .optional()
}

/// Which suggestions a listing may show.
pub enum Visible {
    /// Staff: the whole community's.
    All,
    /// Only this person's own.
    Mine(Uuid),
    /// A resident: their own and those with a public response.
    MineAndAnswered(Uuid),
}

pub struct Filter {
    pub visible: Visible,
    pub category: Option<SuggestionCategory>,
    pub status: Option<SuggestionStatus>,
}

pub fn list(
    conn: &mut AnyConnection,
    community_id: Uuid,
    f: &Filter,
    page: &PageRequest,
) -> QueryResult<Vec<SuggestionRow>> {
    let mut q = suggestions::table
        .filter(suggestions::community_id.eq(Id(community_id)))
        .select(SuggestionRow::as_select())
        .into_boxed::<crate::db::MultiBackend>();
    q = match f.visible {
        Visible::All => q,
        Visible::Mine(u) => q.filter(suggestions::author_id.eq(Id(u))),
        Visible::MineAndAnswered(u) => q.filter(
            suggestions::author_id
                .eq(Id(u))
                .or(suggestions::response.is_not_null()),
        ),
    };
    if let Some(c) = f.category {
        q = q.filter(suggestions::category.eq(Stored(c)));
    }
    if let Some(s) = f.status {
        q = q.filter(suggestions::status.eq(Stored(s)));
    }
    if let Some(c) = page.after {
        q = q.filter(suggestions::id.lt(Id(c.0)));
    }
    q.order(suggestions::id.desc())
        .limit(i64::from(page.limit) + 1)
        .load(conn)
}

pub fn respond(
    conn: &mut AnyConnection,
    id: Uuid,
    status: SuggestionStatus,
    response: &str,
    by: Uuid,
) -> QueryResult<()> {
    diesel::update(suggestions::table.find(Id(id)))
        .set((
            suggestions::status.eq(Stored(status)),
            suggestions::response.eq(Some(response)),
            suggestions::responded_by.eq(Some(Id(by))),
            suggestions::responded_at.eq(Some(now())),
        ))
        .execute(conn)
        .map(|_| ())
}
