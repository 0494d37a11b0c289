//! Volunteer profiles, teams and team membership.

use crate::Stored;
use canglong_core::{NaiveDateTime, PageRequest, Uuid, now};
use canglong_volunteers::VolunteerStatus;
use diesel::prelude::*;

use crate::db::MultiBackend;
use crate::schema::{team_members, teams, volunteers};
use crate::{AnyConnection, Id, QueryResult};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = volunteers)]
pub struct VolunteerRow {
    pub id: Id,
    pub community_id: Id,
    pub user_id: Id,
    pub status: Stored<VolunteerStatus>,
    /// JSON list of skill tags.
    pub skills: String,
    /// JSON: `"flexible"` or `{"weekly": [...]}`.
    pub availability: String,
    /// JSON list of preferred places.
    pub places: String,
    pub decided_by: Option<Id>,
    pub decided_at: Option<NaiveDateTime>,
    pub decision_reason: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// The JSON-encoded parts of an application.
#[derive(Debug, Clone)]
pub struct Application {
    pub skills: String,
    pub availability: String,
    pub places: String,
}

pub fn insert(
    conn: &mut AnyConnection,
    community_id: Uuid,
    user_id: Uuid,
    a: &Application,
) -> QueryResult<Uuid> {
    insert_as(conn, canglong_core::new_id(), community_id, user_id, a)
}

/// A profile with a chosen id (the demo's teacher is the one the document's examples name).
pub fn insert_as(
    conn: &mut AnyConnection,
    id: Uuid,
    community_id: Uuid,
    user_id: Uuid,
    a: &Application,
) -> QueryResult<Uuid> {
    let at = now();
    diesel::insert_into(volunteers::table)
        .values((
            volunteers::id.eq(Id(id)),
            volunteers::community_id.eq(Id(community_id)),
            volunteers::user_id.eq(Id(user_id)),
            volunteers::status.eq(Stored(VolunteerStatus::Pending)),
            volunteers::skills.eq(&a.skills),
            volunteers::availability.eq(&a.availability),
            volunteers::places.eq(&a.places),
            volunteers::created_at.eq(at),
            volunteers::updated_at.eq(at),
        ))
        .execute(conn)?;
    Ok(id)
}

/// A rejected volunteer applies again: the profile goes back to `pending`.
pub fn reapply(conn: &mut AnyConnection, id: Uuid, a: &Application) -> QueryResult<()> {
    diesel::update(volunteers::table.find(Id(id)))
        .set((
            volunteers::status.eq(Stored(VolunteerStatus::Pending)),
            volunteers::skills.eq(&a.skills),
            volunteers::availability.eq(&a.availability),
            volunteers::places.eq(&a.places),
            volunteers::updated_at.eq(now()),
        ))
        .execute(conn)
        .map(|_| ())
}

pub fn get(
    conn: &mut AnyConnection,
    community_id: Uuid,
    id: Uuid,
) -> QueryResult<Option<VolunteerRow>> {
    volunteers::table
        .filter(volunteers::id.eq(Id(id)))
        .filter(volunteers::community_id.eq(Id(community_id)))
        .select(VolunteerRow::as_select())
        .first(conn)
        .optional()
}

pub fn by_user(conn: &mut AnyConnection, user_id: Uuid) -> QueryResult<Option<VolunteerRow>> {
    volunteers::table
        .filter(volunteers::user_id.eq(Id(user_id)))
        .select(VolunteerRow::as_select())
        .first(conn)
        .optional()
}

pub fn decide(
    conn: &mut AnyConnection,
    id: Uuid,
    status: &str,
    by: Uuid,
    reason: Option<&str>,
) -> QueryResult<()> {
    let at = now();
    diesel::update(volunteers::table.find(Id(id)))
        .set((
            volunteers::status.eq(status),
            volunteers::decided_by.eq(Some(Id(by))),
            volunteers::decided_at.eq(Some(at)),
            volunteers::decision_reason.eq(reason),
            volunteers::updated_at.eq(at),
        ))
        .execute(conn)
        .map(|_| ())
}

#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub status: Option<String>,
    pub team_id: Option<Uuid>,
    pub skill: Option<String>,
}

pub fn list(
    conn: &mut AnyConnection,
    community_id: Uuid,
    f: &Filter,
    page: &PageRequest,
) -> QueryResult<Vec<VolunteerRow>> {
    let mut q = volunteers::table
        .filter(volunteers::community_id.eq(Id(community_id)))
        .select(VolunteerRow::as_select())
        .into_boxed::<MultiBackend>();
    if let Some(s) = &f.status {
        q = q.filter(volunteers::status.eq(s.clone()));
    }
    if let Some(t) = f.team_id {
        let members = team_members::table
            .filter(team_members::team_id.eq(Id(t)))
            .select(team_members::volunteer_id);
        q = q.filter(volunteers::id.eq_any(members));
    }
    if let Some(skill) = &f.skill {
        // Skills are a JSON list of strings: match the quoted tag.
        let quoted = crate::to_json_text(skill);
        q = q.filter(
            volunteers::skills
                .like(format!("%{}%", quoted.replace('%', "").replace('_', "\\_")))
                .escape('\\'),
        );
    }
    if let Some(c) = page.after {
        q = q.filter(volunteers::id.lt(Id(c.0)));
    }
    q.order(volunteers::id.desc())
        .limit(i64::from(page.limit) + 1)
        .load(conn)
}

pub fn team_ids(conn: &mut AnyConnection, volunteer_id: Uuid) -> QueryResult<Vec<Uuid>> {
    let ids: Vec<Id> = team_members::table
        .filter(team_members::volunteer_id.eq(Id(volunteer_id)))
        .order(team_members::team_id.asc())
        .select(team_members::team_id)
        .load(conn)?;
    Ok(ids.into_iter().map(Uuid::from).collect())
}

/// Adds the volunteer to each team not already joined.
pub fn join_teams(
    conn: &mut AnyConnection,
    community_id: Uuid,
    volunteer_id: Uuid,
    team_ids: &[Uuid],
) -> QueryResult<()> {
    let current = self::team_ids(conn, volunteer_id)?;
    for t in team_ids.iter().filter(|t| !current.contains(t)) {
        diesel::insert_into(team_members::table)
            .values((
                team_members::team_id.eq(Id(*t)),
                team_members::volunteer_id.eq(Id(volunteer_id)),
                team_members::community_id.eq(Id(community_id)),
                team_members::created_at.eq(now()),
            ))
            .execute(conn)?;
    }
    Ok(())
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = teams)]
pub struct TeamRow {
    pub id: Id,
    pub community_id: Id,
    pub name: String,
    pub description: String,
    pub created_at: NaiveDateTime,
}

pub fn insert_team(
    conn: &mut AnyConnection,
    community_id: Uuid,
    name: &str,
    description: &str,
) -> QueryResult<TeamRow> {
    diesel::insert_into(teams::table)
        .values((
            teams::id.eq(Id(canglong_core::new_id())),
            teams::community_id.eq(Id(community_id)),
            teams::name.eq(name),
            teams::description.eq(description),
            teams::created_at.eq(now()),
        ))
        .returning(teams::all_columns)
        .get_result(conn)
}

pub fn teams_of(conn: &mut AnyConnection, community_id: Uuid) -> QueryResult<Vec<TeamRow>> {
    teams::table
        .filter(teams::community_id.eq(Id(community_id)))
        .order(teams::id.asc())
        .select(TeamRow::as_select())
        .load(conn)
}

/// How many of `ids` are teams of this community (to refuse foreign or unknown team ids).
pub fn count_teams_in(
    conn: &mut AnyConnection,
    community_id: Uuid,
    ids: &[Uuid],
) -> QueryResult<i64> {
    let ids: Vec<Id> = ids.iter().copied().map(Id).collect();
    teams::table
        .filter(teams::community_id.eq(Id(community_id)))
        .filter(teams::id.eq_any(ids))
        .count()
        .get_result(conn)
}

/// The community's skill list, alphabetical.
pub fn skills(conn: &mut AnyConnection, community_id: Uuid) -> QueryResult<Vec<String>> {
    use crate::schema::skills;
    skills::table
        .filter(skills::community_id.eq(Id(community_id)))
        .order(skills::name.asc())
        .select(skills::name)
        .load(conn)
}

pub fn add_skill(conn: &mut AnyConnection, community_id: Uuid, name: &str) -> QueryResult<()> {
    use crate::schema::skills;
    diesel::insert_into(skills::table)
        .values((
            skills::id.eq(Id(canglong_core::new_id())),
            skills::community_id.eq(Id(community_id)),
            skills::name.eq(name),
            skills::created_at.eq(now()),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Appends to a volunteer's status history.
pub fn record_event(
    conn: &mut AnyConnection,
    v: &VolunteerRow,
    from: Option<VolunteerStatus>,
    actor: Option<Uuid>,
    to_status: &str,
    reason: Option<&str>,
) -> QueryResult<()> {
    use crate::schema::volunteer_events;
    diesel::insert_into(volunteer_events::table)
        .values((
            volunteer_events::id.eq(Id(canglong_core::new_id())),
            volunteer_events::community_id.eq(v.community_id),
            volunteer_events::volunteer_id.eq(v.id),
            volunteer_events::actor_id.eq(actor.map(Id)),
            volunteer_events::from_status.eq(from.map(VolunteerStatus::as_str)),
            volunteer_events::to_status.eq(to_status),
            volunteer_events::reason.eq(reason),
            volunteer_events::created_at.eq(now()),
        ))
        .execute(conn)
        .map(|_| ())
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = crate::schema::volunteer_events)]
pub struct VolunteerEventRow {
    pub id: Id,
    pub community_id: Id,
    pub volunteer_id: Id,
    pub actor_id: Option<Id>,
    pub from_status: Option<String>,
    pub to_status: String,
    pub reason: Option<String>,
    pub created_at: NaiveDateTime,
}

pub fn events(conn: &mut AnyConnection, volunteer_id: Uuid) -> QueryResult<Vec<VolunteerEventRow>> {
    use crate::schema::volunteer_events;
    volunteer_events::table
        .filter(volunteer_events::volunteer_id.eq(Id(volunteer_id)))
        .order(volunteer_events::id.asc())
        .select(VolunteerEventRow::as_select())
        .load(conn)
}

/// Adds a volunteer to a team (or changes whether they lead it).
pub fn set_member(
    conn: &mut AnyConnection,
    community_id: Uuid,
    team_id: Uuid,
    volunteer_id: Uuid,
    leader: bool,
) -> QueryResult<()> {
    let existing = diesel::update(
        team_members::table
            .filter(team_members::team_id.eq(Id(team_id)))
            .filter(team_members::volunteer_id.eq(Id(volunteer_id))),
    )
    .set(team_members::leader.eq(leader))
    .execute(conn)?;
    if existing == 0 {
        diesel::insert_into(team_members::table)
            .values((
                team_members::team_id.eq(Id(team_id)),
                team_members::volunteer_id.eq(Id(volunteer_id)),
                team_members::community_id.eq(Id(community_id)),
                team_members::created_at.eq(now()),
                team_members::leader.eq(leader),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// (volunteer id, leader) of a team's members.
pub fn members(conn: &mut AnyConnection, team_id: Uuid) -> QueryResult<Vec<(Uuid, bool)>> {
    let rows: Vec<(Id, bool)> = team_members::table
        .filter(team_members::team_id.eq(Id(team_id)))
        .order(team_members::volunteer_id.asc())
        .select((team_members::volunteer_id, team_members::leader))
        .load(conn)?;
    Ok(rows.into_iter().map(|(v, l)| (v.0, l)).collect())
}

pub fn team(
    conn: &mut AnyConnection,
    community_id: Uuid,
    id: Uuid,
) -> QueryResult<Option<TeamRow>> {
    teams::table
        .filter(teams::id.eq(Id(id)))
        .filter(teams::community_id.eq(Id(community_id)))
        .select(TeamRow::as_select())
        .first(conn)
        .optional()
}

/// A certificate of service as issued; `body` is its whole text as JSON, kept as it was.
pub struct CertificateRow<'a> {
    pub community_id: Uuid,
    pub volunteer_id: Uuid,
    pub code: &'a str,
    pub period_from: NaiveDateTime,
    pub period_to: NaiveDateTime,
    pub total_minutes: i64,
    pub body: String,
    pub issued_at: NaiveDateTime,
}

pub fn insert_certificate(conn: &mut AnyConnection, c: &CertificateRow) -> QueryResult<()> {
    use crate::schema::certificates;
    diesel::insert_into(certificates::table)
        .values((
            certificates::id.eq(Id(canglong_core::new_id())),
            certificates::community_id.eq(Id(c.community_id)),
            certificates::volunteer_id.eq(Id(c.volunteer_id)),
            certificates::code.eq(c.code),
            certificates::period_from.eq(c.period_from),
            certificates::period_to.eq(c.period_to),
            certificates::total_minutes.eq(c.total_minutes),
            certificates::body.eq(&c.body),
            certificates::issued_at.eq(c.issued_at),
        ))
        .execute(conn)
        .map(|_| ())
}

/// The body of the community's certificate with this code.
/// A certificate's stored body by its code (codes are unique across communities).
pub fn certificate_body(conn: &mut AnyConnection, code: &str) -> QueryResult<Option<String>> {
    use crate::schema::certificates;
    certificates::table
        .filter(certificates::code.eq(code))
        .select(certificates::body)
        .first(conn)
        .optional()
}

/// The body of the last certificate issued to a volunteer for exactly this period.
pub fn last_certificate(
    conn: &mut AnyConnection,
    volunteer_id: Uuid,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> QueryResult<Option<String>> {
    use crate::schema::certificates;
    certificates::table
        .filter(certificates::volunteer_id.eq(Id(volunteer_id)))
        .filter(certificates::period_from.eq(from))
        .filter(certificates::period_to.eq(to))
        .order(certificates::issued_at.desc())
        .select(certificates::body)
        .first(conn)
        .optional()
}

pub fn community_name(conn: &mut AnyConnection, id: Uuid) -> QueryResult<String> {
    use crate::schema::communities;
    communities::table
        .find(Id(id))
        .select(communities::name)
        .first(conn)
}
