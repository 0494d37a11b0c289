//! 1+N pairing of a social worker with volunteers, and the capability plans they write.

use canglong_core::{NaiveDateTime, Uuid, now};
use diesel::prelude::*;

use crate::schema::{pairings, plan_notes, plans};
use crate::{AnyConnection, Id, QueryResult, Stored};
use canglong_volunteers::PairingStatus;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = pairings)]
pub struct PairingRow {
    pub id: Id,
    pub community_id: Id,
    pub social_worker_id: Id,
    pub volunteer_id: Id,
    pub status: Stored<PairingStatus>,
    pub created_at: NaiveDateTime,
    pub ended_at: Option<NaiveDateTime>,
}

/// The volunteer's active pairing, if any.
pub fn active_for(conn: &mut AnyConnection, volunteer_id: Uuid) -> QueryResult<Option<PairingRow>> {
    pairings::table
        .filter(pairings::volunteer_id.eq(Id(volunteer_id)))
        .filter(pairings::status.eq(Stored(PairingStatus::Active)))
        .select(PairingRow::as_select())
        .first(conn)
        .optional()
}

pub fn insert(
    conn: &mut AnyConnection,
    community_id: Uuid,
    social_worker_id: Uuid,
    volunteer_id: Uuid,
) -> QueryResult<PairingRow> {
    diesel::insert_into(pairings::table)
        .values((
            pairings::id.eq(Id(canglong_core::new_id())),
            pairings::community_id.eq(Id(community_id)),
            pairings::social_worker_id.eq(Id(social_worker_id)),
            pairings::volunteer_id.eq(Id(volunteer_id)),
            pairings::status.eq(Stored(PairingStatus::Active)),
            pairings::created_at.eq(now()),
        ))
        .returning(pairings::all_columns)
        .get_result(conn)
}

pub fn list(
    conn: &mut AnyConnection,
    community_id: Uuid,
    social_worker_id: Option<Uuid>,
) -> QueryResult<Vec<PairingRow>> {
    let mut q = pairings::table
        .filter(pairings::community_id.eq(Id(community_id)))
        .filter(pairings::status.eq(Stored(PairingStatus::Active)))
        .select(PairingRow::as_select())
        .into_boxed::<crate::db::MultiBackend>();
    if let Some(w) = social_worker_id {
        q = q.filter(pairings::social_worker_id.eq(Id(w)));
    }
    q.order(pairings::id.asc()).load(conn)
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = plans)]
pub struct PlanRow {
    pub id: Id,
    pub community_id: Id,
    pub volunteer_id: Id,
    pub author_id: Id,
    pub goals: String,
    /// JSON list of trainings to take.
    pub trainings: String,
    pub target_date: NaiveDateTime,
    pub progress: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

pub fn insert_plan(conn: &mut AnyConnection, row: &PlanRow) -> QueryResult<()> {
    diesel::insert_into(plans::table)
        .values(row.clone())
        .execute(conn)
        .map(|_| ())
}

pub fn plans_of(conn: &mut AnyConnection, volunteer_id: Uuid) -> QueryResult<Vec<PlanRow>> {
    plans::table
        .filter(plans::volunteer_id.eq(Id(volunteer_id)))
        .order(plans::id.asc())
        .select(PlanRow::as_select())
        .load(conn)
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = plan_notes)]
pub struct NoteRow {
    pub id: Id,
    pub community_id: Id,
    pub plan_id: Id,
    pub author_id: Id,
    pub note: String,
    pub progress: i32,
    pub created_at: NaiveDateTime,
}

pub fn add_note(
    conn: &mut AnyConnection,
    plan: &PlanRow,
    author: Uuid,
    note: &str,
    progress: i32,
) -> QueryResult<()> {
    diesel::insert_into(plan_notes::table)
        .values((
            plan_notes::id.eq(Id(canglong_core::new_id())),
            plan_notes::community_id.eq(plan.community_id),
            plan_notes::plan_id.eq(plan.id),
            plan_notes::author_id.eq(Id(author)),
            plan_notes::note.eq(note),
            plan_notes::progress.eq(progress),
            plan_notes::created_at.eq(now()),
        ))
        .execute(conn)?;
    diesel::update(plans::table.find(plan.id))
        .set((plans::progress.eq(progress), plans::updated_at.eq(now())))
        .execute(conn)
        .map(|_| ())
}

pub fn notes_of(conn: &mut AnyConnection, plan_ids: &[Uuid]) -> QueryResult<Vec<NoteRow>> {
    let ids: Vec<Id> = plan_ids.iter().copied().map(Id).collect();
    plan_notes::table
        .filter(plan_notes::plan_id.eq_any(ids))
        .order(plan_notes::id.asc())
        .select(NoteRow::as_select())
        .load(conn)
}
