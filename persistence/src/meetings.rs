//! Deliberation meetings: the meeting, its agenda, and the people registered and present.

use canglong_core::{NaiveDateTime, PageRequest, Uuid};
use canglong_governance::meetings::MeetingKind;
use canglong_governance::scope::ScopeLevel;
use canglong_governance::topics::MinuteOutcome;
use diesel::prelude::*;

use crate::schema::{meeting_people, meeting_topics, meetings, topics};
use crate::{AnyConnection, Id, QueryResult, Stored};

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = meetings, treat_none_as_null = true)]
pub struct MeetingRow {
    pub id: Id,
    pub community_id: Id,
    pub kind: Stored<MeetingKind>,
    pub title: String,
    pub starts_at: NaiveDateTime,
    pub place: String,
    pub scope: Stored<ScopeLevel>,
    pub building_id: Option<Id>,
    pub cluster: Option<String>,
    pub minutes: Option<String>,
    pub minuted_by: Option<Id>,
    pub minuted_at: Option<NaiveDateTime>,
    pub confirmed_at: Option<NaiveDateTime>,
    pub created_by: Id,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = meeting_topics)]
pub struct AgendaRow {
    pub meeting_id: Id,
    pub topic_id: Id,
    pub community_id: Id,
    pub outcome: Option<Stored<MinuteOutcome>>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = meeting_people)]
pub struct PersonRow {
    pub meeting_id: Id,
    pub user_id: Id,
    pub community_id: Id,
    pub registered_at: Option<NaiveDateTime>,
    pub checked_in_at: Option<NaiveDateTime>,
    pub checked_in_by: Option<Id>,
    pub confirmed_at: Option<NaiveDateTime>,
}

pub fn insert(conn: &mut AnyConnection, row: &MeetingRow, agenda: &[AgendaRow]) -> QueryResult<()> {
    diesel::insert_into(meetings::table)
        .values(row.clone())
        .execute(conn)?;
    insert_batched!(conn, meeting_topics::table, agenda);
    Ok(())
}

pub fn save(conn: &mut AnyConnection, row: &MeetingRow) -> QueryResult<()> {
    diesel::update(meetings::table.filter(meetings::id.eq(row.id)))
        .set(row.clone())
        .execute(conn)
        .map(|_| ())
}

pub fn meeting(
    conn: &mut AnyConnection,
    community: Uuid,
    id: Uuid,
) -> QueryResult<Option<MeetingRow>> {
    meetings::table
        .filter(meetings::id.eq(Id(id)))
        .filter(meetings::community_id.eq(Id(community)))
        .select(MeetingRow::as_select())
        .first(conn)
        .optional()
}

/// The meeting's row, locked on PostgreSQL: registrations, check-ins and minutes queue here.
pub fn lock(
    conn: &mut AnyConnection,
    community: Uuid,
    id: Uuid,
) -> QueryResult<Option<MeetingRow>> {
    let q = meetings::table
        .filter(meetings::id.eq(Id(id)))
        .filter(meetings::community_id.eq(Id(community)))
        .select(meetings::all_columns);
    for_update!(conn, q, first::<MeetingRow>).optional()
}

/// A page of the community's meetings, the latest called first.
pub fn list(
    conn: &mut AnyConnection,
    community: Uuid,
    page: &PageRequest,
) -> QueryResult<Vec<MeetingRow>> {
    let mut q = meetings::table
        .filter(meetings::community_id.eq(Id(community)))
        .order(meetings::id.desc())
        .limit(i64::from(page.limit) + 1)
        .select(MeetingRow::as_select())
        .into_boxed();
    if let Some(c) = page.after {
        q = q.filter(meetings::id.lt(Id(c.0)));
    }
    q.load(conn)
}

/// The agenda, each topic with its title.
pub fn agenda(conn: &mut AnyConnection, meeting: Uuid) -> QueryResult<Vec<(AgendaRow, String)>> {
    meeting_topics::table
        .inner_join(topics::table.on(topics::id.eq(meeting_topics::topic_id)))
        .filter(meeting_topics::meeting_id.eq(Id(meeting)))
        .select((AgendaRow::as_select(), topics::title))
        .load(conn)
}

pub fn minute(
    conn: &mut AnyConnection,
    meeting: Uuid,
    topic: Uuid,
    outcome: MinuteOutcome,
    note: &str,
) -> QueryResult<()> {
    diesel::update(
        meeting_topics::table
            .filter(meeting_topics::meeting_id.eq(Id(meeting)))
            .filter(meeting_topics::topic_id.eq(Id(topic))),
    )
    .set((
        meeting_topics::outcome.eq(Some(outcome.as_str())),
        meeting_topics::note.eq(Some(note)),
    ))
    .execute(conn)
    .map(|_| ())
}

pub fn person(
    conn: &mut AnyConnection,
    meeting: Uuid,
    user: Uuid,
) -> QueryResult<Option<PersonRow>> {
    meeting_people::table
        .filter(meeting_people::meeting_id.eq(Id(meeting)))
        .filter(meeting_people::user_id.eq(Id(user)))
        .select(PersonRow::as_select())
        .first(conn)
        .optional()
}

pub fn people(conn: &mut AnyConnection, meeting: Uuid) -> QueryResult<Vec<PersonRow>> {
    meeting_people::table
        .filter(meeting_people::meeting_id.eq(Id(meeting)))
        .select(PersonRow::as_select())
        .load(conn)
}

/// Stores a person's registration, check-in or confirmation (the row, new or changed).
pub fn put_person(conn: &mut AnyConnection, row: &PersonRow, new: bool) -> QueryResult<()> {
    if new {
        return diesel::insert_into(meeting_people::table)
            .values(row.clone())
            .execute(conn)
            .map(|_| ());
    }
    diesel::update(
        meeting_people::table
            .filter(meeting_people::meeting_id.eq(row.meeting_id))
            .filter(meeting_people::user_id.eq(row.user_id)),
    )
    .set((
        meeting_people::registered_at.eq(row.registered_at),
        meeting_people::checked_in_at.eq(row.checked_in_at),
        meeting_people::checked_in_by.eq(row.checked_in_by),
        meeting_people::confirmed_at.eq(row.confirmed_at),
    ))
    .execute(conn)
    .map(|_| ())
}
