//! Trainings by experts, attendance (which may earn points) and attendees' feedback.

use canglong_core::{NaiveDateTime, PageRequest, Uuid, now};
use diesel::prelude::*;

use crate::schema::{training_attendance, training_feedback, trainings};
use crate::{AnyConnection, Id, QueryResult};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = trainings)]
pub struct TrainingRow {
    pub id: Id,
    pub community_id: Id,
    pub topic: String,
    pub trainer: String,
    pub trainer_kind: crate::Stored<canglong_volunteers::TrainerKind>,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub place: String,
    pub capacity: i32,
    pub created_by: Id,
    pub created_at: NaiveDateTime,
}

pub fn insert(conn: &mut AnyConnection, row: &TrainingRow) -> QueryResult<()> {
    diesel::insert_into(trainings::table)
        .values(row.clone())
        .execute(conn)
        .map(|_| ())
}

pub fn get(
    conn: &mut AnyConnection,
    community_id: Uuid,
    id: Uuid,
) -> QueryResult<Option<TrainingRow>> {
    trainings::table
        .filter(trainings::id.eq(Id(id)))
        .filter(trainings::community_id.eq(Id(community_id)))
        .select(TrainingRow::as_select())
        .first(conn)
        .optional()
}

pub fn list(
    conn: &mut AnyConnection,
    community_id: Uuid,
    page: &PageRequest,
) -> QueryResult<Vec<TrainingRow>> {
    let mut q = trainings::table
        .filter(trainings::community_id.eq(Id(community_id)))
        .select(TrainingRow::as_select())
        .into_boxed::<crate::db::MultiBackend>();
    if let Some(c) = page.after {
        q = q.filter(trainings::id.lt(Id(c.0)));
    }
    q.order(trainings::id.desc())
        .limit(i64::from(page.limit) + 1)
        .load(conn)
}

/// Whether attendance of the volunteer was already recorded.
pub fn attended(
    conn: &mut AnyConnection,
    training_id: Uuid,
    volunteer_id: Uuid,
) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        training_attendance::table
            .filter(training_attendance::training_id.eq(Id(training_id)))
            .filter(training_attendance::volunteer_id.eq(Id(volunteer_id))),
    ))
    .get_result(conn)
}

pub fn record_attendance(
    conn: &mut AnyConnection,
    t: &TrainingRow,
    volunteer_id: Uuid,
    by: Uuid,
    transaction_id: Option<Uuid>,
) -> QueryResult<()> {
    diesel::insert_into(training_attendance::table)
        .values((
            training_attendance::training_id.eq(t.id),
            training_attendance::volunteer_id.eq(Id(volunteer_id)),
            training_attendance::community_id.eq(t.community_id),
            training_attendance::recorded_by.eq(Id(by)),
            training_attendance::transaction_id.eq(transaction_id.map(Id)),
            training_attendance::created_at.eq(now()),
        ))
        .execute(conn)
        .map(|_| ())
}

pub fn attendees(conn: &mut AnyConnection, training_id: Uuid) -> QueryResult<Vec<Uuid>> {
    let ids: Vec<Id> = training_attendance::table
        .filter(training_attendance::training_id.eq(Id(training_id)))
        .order(training_attendance::volunteer_id.asc())
        .select(training_attendance::volunteer_id)
        .load(conn)?;
    Ok(ids.into_iter().map(Uuid::from).collect())
}

pub fn trainings_taken(conn: &mut AnyConnection, volunteer_id: Uuid) -> QueryResult<i64> {
    training_attendance::table
        .filter(training_attendance::volunteer_id.eq(Id(volunteer_id)))
        .count()
        .get_result(conn)
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = training_feedback)]
pub struct FeedbackRow {
    pub id: Id,
    pub community_id: Id,
    pub training_id: Id,
    pub volunteer_id: Id,
    pub stars: i32,
    pub comment: String,
    pub created_at: NaiveDateTime,
}

pub fn insert_feedback(
    conn: &mut AnyConnection,
    t: &TrainingRow,
    volunteer_id: Uuid,
    stars: i32,
    comment: &str,
) -> QueryResult<()> {
    diesel::insert_into(training_feedback::table)
        .values((
            training_feedback::id.eq(Id(canglong_core::new_id())),
            training_feedback::community_id.eq(t.community_id),
            training_feedback::training_id.eq(t.id),
            training_feedback::volunteer_id.eq(Id(volunteer_id)),
            training_feedback::stars.eq(stars),
            training_feedback::comment.eq(comment),
            training_feedback::created_at.eq(now()),
        ))
        .execute(conn)
        .map(|_| ())
}

pub fn feedback(conn: &mut AnyConnection, training_id: Uuid) -> QueryResult<Vec<FeedbackRow>> {
    training_feedback::table
        .filter(training_feedback::training_id.eq(Id(training_id)))
        .order(training_feedback::id.asc())
        .select(FeedbackRow::as_select())
        .load(conn)
}
