//! The facts the review meetings' figures are computed from: narrow rows of one period and a set
//! of communities. Reading plain facts (instead of one SQL per figure) keeps every definition in
//! one place, `canglong_stats`, identical on both databases.

use canglong_alliance::VoucherStatus;
use canglong_core::{NaiveDateTime, Uuid};
use diesel::dsl::count_star;
use diesel::prelude::*;

use crate::schema::{
    accounts, association_sessions, associations, attendance, checkins, communities, enrolments,
    ledger_transactions, merchants, need_claims, need_ratings, needs, place_services, places,
    postings, projects, service_records, sessions, suggestions, team_members, teams, user_roles,
    users, visits, volunteers, voucher_attempts, voucher_ratings, vouchers,
};
use crate::{AnyConnection, Id, QueryResult, Stored};
use canglong_activities::EnrolmentStatus;
use canglong_activities::associations::AssociationKind;
use canglong_activities::campaigns::{BallotStatus, CampaignKind};
use canglong_activities::spaces::PlaceKind;
use canglong_needs::TargetGroup;
use canglong_volunteers::RecordStatus;

/// Roles that make a person staff rather than a resident in the participation figures.
const STAFF_ROLES: [&str; 4] = [
    "social_worker",
    "community_admin",
    "subdistrict_admin",
    "merchant_staff",
];

/// The people of the communities who hold a staff role: not residents in the figures.
#[diesel::dsl::auto_type(no_type_alias)]
pub(crate) fn staff_of(set: Vec<Id>) -> _ {
    let roles: [&'static str; 4] = STAFF_ROLES;
    user_roles::table
        .filter(user_roles::community_id.eq_any(set))
        .filter(user_roles::role.eq_any(roles))
        .select(user_roles::user_id)
}

fn ids(set: &[Uuid]) -> Vec<Id> {
    set.iter().copied().map(Id).collect()
}

/// (id, name) of the subdistrict's communities.
pub fn communities_of_subdistrict(
    conn: &mut AnyConnection,
    community_id: Uuid,
) -> QueryResult<Vec<(Id, String)>> {
    let sd: Id = communities::table
        .find(Id(community_id))
        .select(communities::subdistrict_id)
        .first(conn)?;
    communities::table
        .filter(communities::subdistrict_id.eq(sd))
        .select((communities::id, communities::name))
        .order(communities::name)
        .load(conn)
}

/// People registered before `until` who hold no staff role: the residents.
pub fn residents(
    conn: &mut AnyConnection,
    set: &[Uuid],
    until: NaiveDateTime,
) -> QueryResult<Vec<Id>> {
    users::table
        .filter(users::community_id.eq_any(ids(set)))
        .filter(users::created_at.lt(until))
        .filter(users::id.ne_all(staff_of(ids(set))))
        .select(users::id)
        .load(conn)
}

/// Everyone who did anything on record in `[from, to)`: posted or claimed a need, reported
/// service, enrolled, checked in, redeemed, rated or wrote a suggestion (may repeat).
pub fn actors(
    conn: &mut AnyConnection,
    set: &[Uuid],
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> QueryResult<Vec<Id>> {
    let c = ids(set);
    let mut out: Vec<Id> = needs::table
        .filter(needs::community_id.eq_any(c.clone()))
        .filter(needs::created_at.ge(from).and(needs::created_at.lt(to)))
        .select(needs::requester_id)
        .distinct()
        .load(conn)?;
    out.extend(
        need_claims::table
            .filter(need_claims::community_id.eq_any(c.clone()))
            .filter(
                need_claims::created_at
                    .ge(from)
                    .and(need_claims::created_at.lt(to)),
            )
            .select(need_claims::user_id)
            .distinct()
            .load::<Id>(conn)?,
    );
    out.extend(
        service_records::table
            .inner_join(volunteers::table.on(volunteers::id.eq(service_records::volunteer_id)))
            .filter(service_records::community_id.eq_any(c.clone()))
            .filter(
                service_records::created_at
                    .ge(from)
                    .and(service_records::created_at.lt(to)),
            )
            .select(volunteers::user_id)
            .distinct()
            .load::<Id>(conn)?,
    );
    out.extend(
        enrolments::table
            .filter(enrolments::community_id.eq_any(c.clone()))
            .filter(
                enrolments::created_at
                    .ge(from)
                    .and(enrolments::created_at.lt(to)),
            )
            .select(enrolments::user_id)
            .distinct()
            .load::<Id>(conn)?,
    );
    out.extend(
        checkins::table
            .filter(checkins::community_id.eq_any(c.clone()))
            .filter(
                checkins::created_at
                    .ge(from)
                    .and(checkins::created_at.lt(to)),
            )
            .select(checkins::user_id)
            .distinct()
            .load::<Id>(conn)?,
    );
    out.extend(
        vouchers::table
            .filter(vouchers::community_id.eq_any(c.clone()))
            .filter(vouchers::issued_at.ge(from).and(vouchers::issued_at.lt(to)))
            .select(vouchers::holder_id)
            .distinct()
            .load::<Id>(conn)?,
    );
    out.extend(
        need_ratings::table
            .filter(need_ratings::community_id.eq_any(c.clone()))
            .filter(
                need_ratings::created_at
                    .ge(from)
                    .and(need_ratings::created_at.lt(to)),
            )
            .select(need_ratings::rater_id)
            .distinct()
            .load::<Id>(conn)?,
    );
    out.extend(
        suggestions::table
            .filter(suggestions::community_id.eq_any(c))
            .filter(
                suggestions::created_at
                    .ge(from)
                    .and(suggestions::created_at.lt(to)),
            )
            .filter(suggestions::author_id.is_not_null())
            .select(suggestions::author_id.assume_not_null())
            .distinct()
            .load::<Id>(conn)?,
    );
    Ok(out)
}

#[derive(Debug, Clone, Queryable)]
pub struct NeedFact {
    pub id: Id,
    pub category: String,
    pub target_group: String,
    pub status: String,
    pub window_end: NaiveDateTime,
    pub done_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

/// Needs posted in `[from, to)`.
pub fn needs(
    conn: &mut AnyConnection,
    set: &[Uuid],
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> QueryResult<Vec<NeedFact>> {
    needs::table
        .filter(needs::community_id.eq_any(ids(set)))
        .filter(needs::created_at.ge(from).and(needs::created_at.lt(to)))
        .select((
            needs::id,
            needs::category,
            needs::target_group,
            needs::status,
            needs::window_end,
            needs::done_at,
            needs::created_at,
        ))
        .load(conn)
}

/// (need, claimed at) of every claim made from `from` on (withdrawn ones too: the need was
/// claimed then).
pub fn claims_since(
    conn: &mut AnyConnection,
    set: &[Uuid],
    from: NaiveDateTime,
) -> QueryResult<Vec<(Id, NaiveDateTime)>> {
    need_claims::table
        .filter(need_claims::community_id.eq_any(ids(set)))
        .filter(need_claims::created_at.ge(from))
        .select((need_claims::need_id, need_claims::created_at))
        .load(conn)
}

/// (need, stars) of ratings given in `[from, to)`.
pub fn ratings(
    conn: &mut AnyConnection,
    set: &[Uuid],
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> QueryResult<Vec<(Id, i32)>> {
    need_ratings::table
        .filter(need_ratings::community_id.eq_any(ids(set)))
        .filter(
            need_ratings::created_at
                .ge(from)
                .and(need_ratings::created_at.lt(to)),
        )
        .select((need_ratings::need_id, need_ratings::stars))
        .load(conn)
}

#[derive(Debug, Clone, Queryable)]
pub struct RecordFact {
    pub volunteer_id: Id,
    pub beneficiary_group: String,
    pub minutes: Option<i32>,
    pub created_at: NaiveDateTime,
}

/// Verified service records reported in `[from, to)`.
pub fn verified_records(
    conn: &mut AnyConnection,
    set: &[Uuid],
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> QueryResult<Vec<RecordFact>> {
    service_records::table
        .filter(service_records::community_id.eq_any(ids(set)))
        .filter(service_records::status.eq(Stored(RecordStatus::Verified)))
        .filter(
            service_records::created_at
                .ge(from)
                .and(service_records::created_at.lt(to)),
        )
        .select((
            service_records::volunteer_id,
            service_records::beneficiary_group,
            service_records::minutes_approved,
            service_records::created_at,
        ))
        .load(conn)
}

/// (volunteer, team name) of every team membership.
pub fn team_members(conn: &mut AnyConnection, set: &[Uuid]) -> QueryResult<Vec<(Id, String)>> {
    team_members::table
        .inner_join(teams::table.on(teams::id.eq(team_members::team_id)))
        .filter(team_members::community_id.eq_any(ids(set)))
        .select((team_members::volunteer_id, teams::name))
        .load(conn)
}

/// One transaction kind's sums on residents' accounts: credits, and debits as a positive number.
#[derive(Debug, Clone, Queryable)]
pub struct MovesRow {
    pub tx_kind: String,
    pub credits: Option<i64>,
    pub debits: Option<i64>,
}

/// Points moved on residents' accounts in `[from, to)`, summed by the database per transaction
/// kind. Driven by the transactions' period index
/// (every kind named, so the index's leading columns are all used).
pub fn resident_moves(
    conn: &mut AnyConnection,
    set: &[Uuid],
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> QueryResult<Vec<MovesRow>> {
    let kinds: Vec<&str> = canglong_ledger::TxKind::ALL
        .iter()
        .map(|k| k.as_str())
        .collect();
    ledger_transactions::table
        .inner_join(postings::table.inner_join(accounts::table))
        .filter(ledger_transactions::community_id.eq_any(ids(set)))
        .filter(ledger_transactions::kind.eq_any(kinds))
        .filter(
            ledger_transactions::created_at
                .ge(from)
                .and(ledger_transactions::created_at.lt(to)),
        )
        .filter(accounts::kind.eq(canglong_ledger::AccountKind::Resident.as_str()))
        .group_by(ledger_transactions::kind)
        .select((
            ledger_transactions::kind,
            crate::ledger::sum_of("CASE WHEN postings.amount > 0 THEN postings.amount ELSE 0 END"),
            crate::ledger::sum_of("CASE WHEN postings.amount < 0 THEN -postings.amount ELSE 0 END"),
        ))
        .load(conn)
}

/// Points moved on residents' accounts in `[from, to)` by transactions of `kinds`: the credits
/// (`credits`) or the debits (as a positive number), summed by the database. No account join is
/// needed: by the ledger's construction the credit of an `earn` or `bonus` and the debit of a
/// `redeem` are always a resident's.
pub fn resident_flow(
    conn: &mut AnyConnection,
    set: &[Uuid],
    from: NaiveDateTime,
    to: NaiveDateTime,
    kinds: &[&str],
    credits: bool,
) -> QueryResult<i64> {
    let q = ledger_transactions::table
        .inner_join(postings::table)
        .filter(ledger_transactions::community_id.eq_any(ids(set)))
        .filter(ledger_transactions::kind.eq_any(kinds.to_vec()))
        .filter(
            ledger_transactions::created_at
                .ge(from)
                .and(ledger_transactions::created_at.lt(to)),
        )
        .select(crate::ledger::sum_of("postings.amount"))
        .into_boxed::<crate::db::MultiBackend>();
    let q = if credits {
        q.filter(postings::amount.gt(0))
    } else {
        q.filter(postings::amount.lt(0))
    };
    let sum: Option<i64> = q.first(conn)?;
    Ok(sum.unwrap_or(0).abs())
}

/// Points residents held at `at`: the sum of their postings before it.
pub fn outstanding_at(
    conn: &mut AnyConnection,
    set: &[Uuid],
    at: NaiveDateTime,
) -> QueryResult<i64> {
    let sum: Option<i64> = postings::table
        .inner_join(accounts::table)
        .filter(accounts::community_id.eq_any(ids(set)))
        .filter(accounts::kind.eq(canglong_ledger::AccountKind::Resident.as_str()))
        .filter(postings::created_at.lt(at))
        .select(crate::ledger::sum_of("postings.amount"))
        .first(conn)?;
    Ok(sum.unwrap_or(0))
}

#[derive(Debug, Clone, Queryable)]
pub struct VoucherFact {
    pub merchant_id: Option<Id>,
    pub status: Stored<VoucherStatus>,
    pub points_cost: i64,
    pub issued_at: NaiveDateTime,
}

/// Vouchers issued in `[from, to)`.
pub fn vouchers(
    conn: &mut AnyConnection,
    set: &[Uuid],
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> QueryResult<Vec<VoucherFact>> {
    vouchers::table
        .filter(vouchers::community_id.eq_any(ids(set)))
        .filter(vouchers::issued_at.ge(from).and(vouchers::issued_at.lt(to)))
        .select((
            vouchers::merchant_id,
            vouchers::status,
            vouchers::points_cost,
            vouchers::issued_at,
        ))
        .load(conn)
}

/// (id, name, status) of the communities' merchants.
pub fn merchants(conn: &mut AnyConnection, set: &[Uuid]) -> QueryResult<Vec<(Id, String, String)>> {
    merchants::table
        .filter(merchants::community_id.eq_any(ids(set)))
        .select((merchants::id, merchants::name, merchants::status))
        .order(merchants::name)
        .load(conn)
}

/// (merchant, refused voucher checks) in `[from, to)`.
pub fn refused_attempts(
    conn: &mut AnyConnection,
    set: &[Uuid],
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> QueryResult<Vec<Option<Id>>> {
    voucher_attempts::table
        .filter(voucher_attempts::community_id.eq_any(ids(set)))
        .filter(voucher_attempts::outcome.ne(VoucherStatus::Used.as_str()))
        .filter(
            voucher_attempts::created_at
                .ge(from)
                .and(voucher_attempts::created_at.lt(to)),
        )
        .select(voucher_attempts::merchant_id)
        .load(conn)
}

/// (merchant, stars) of voucher ratings in `[from, to)`.
pub fn merchant_ratings(
    conn: &mut AnyConnection,
    set: &[Uuid],
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> QueryResult<Vec<(Option<Id>, i32)>> {
    voucher_ratings::table
        .filter(voucher_ratings::community_id.eq_any(ids(set)))
        .filter(
            voucher_ratings::created_at
                .ge(from)
                .and(voucher_ratings::created_at.lt(to)),
        )
        .select((voucher_ratings::merchant_id, voucher_ratings::stars))
        .load(conn)
}

#[derive(Debug, Clone, Queryable)]
pub struct ProjectFact {
    pub id: Id,
    pub title: String,
    pub status: String,
    pub period_start: NaiveDateTime,
    pub period_end: NaiveDateTime,
    pub continues_project_id: Option<Id>,
}

/// Every project of the communities (few: tens a year).
pub fn projects(conn: &mut AnyConnection, set: &[Uuid]) -> QueryResult<Vec<ProjectFact>> {
    projects::table
        .filter(projects::community_id.eq_any(ids(set)))
        .select((
            projects::id,
            projects::title,
            projects::status,
            projects::period_start,
            projects::period_end,
            projects::continues_project_id,
        ))
        .order(projects::period_start)
        .load(conn)
}

/// (session, project, starts at) of sessions starting in `[from, to)`.
pub fn sessions(
    conn: &mut AnyConnection,
    set: &[Uuid],
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> QueryResult<Vec<(Id, Id, NaiveDateTime)>> {
    sessions::table
        .filter(sessions::community_id.eq_any(ids(set)))
        .filter(sessions::starts_at.ge(from).and(sessions::starts_at.lt(to)))
        .select((sessions::id, sessions::project_id, sessions::starts_at))
        .load(conn)
}

/// (session, enrolments not cancelled) for the given sessions.
pub fn enrolment_counts(conn: &mut AnyConnection, set: &[Uuid]) -> QueryResult<Vec<(Id, i64)>> {
    enrolments::table
        .filter(enrolments::community_id.eq_any(ids(set)))
        .filter(enrolments::status.ne(Stored(EnrolmentStatus::Cancelled)))
        .group_by(enrolments::session_id)
        .select((enrolments::session_id, count_star()))
        .load(conn)
}

/// (session, people, time) of check-ins in `[from, to)`.
pub fn checkins(
    conn: &mut AnyConnection,
    set: &[Uuid],
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> QueryResult<Vec<(Id, i32, NaiveDateTime)>> {
    checkins::table
        .filter(checkins::community_id.eq_any(ids(set)))
        .filter(
            checkins::created_at
                .ge(from)
                .and(checkins::created_at.lt(to)),
        )
        .select((checkins::session_id, checkins::people, checkins::created_at))
        .load(conn)
}

/// (session, people, time) of check-ins at sessions starting in `[from, to)`, whenever made.
pub fn class_checkins(
    conn: &mut AnyConnection,
    set: &[Uuid],
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> QueryResult<Vec<(Id, i32, NaiveDateTime)>> {
    checkins::table
        .inner_join(sessions::table.on(sessions::id.eq(checkins::session_id)))
        .filter(checkins::community_id.eq_any(ids(set)))
        .filter(sessions::starts_at.ge(from).and(sessions::starts_at.lt(to)))
        .select((checkins::session_id, checkins::people, checkins::created_at))
        .load(conn)
}

/// (session, project) of every session of the communities.
pub fn session_projects(conn: &mut AnyConnection, set: &[Uuid]) -> QueryResult<Vec<(Id, Id)>> {
    sessions::table
        .filter(sessions::community_id.eq_any(ids(set)))
        .select((sessions::id, sessions::project_id))
        .load(conn)
}

#[derive(Debug, Clone, Queryable)]
pub struct SuggestionFact {
    pub category: Stored<canglong_core::suggestion::SuggestionCategory>,
    pub status: Stored<canglong_core::suggestion::SuggestionStatus>,
    pub answered: Option<NaiveDateTime>,
    pub merchant_id: Option<Id>,
    pub created_at: NaiveDateTime,
}

pub fn suggestions(
    conn: &mut AnyConnection,
    set: &[Uuid],
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> QueryResult<Vec<SuggestionFact>> {
    suggestions::table
        .filter(suggestions::community_id.eq_any(ids(set)))
        .filter(
            suggestions::created_at
                .ge(from)
                .and(suggestions::created_at.lt(to)),
        )
        .select((
            suggestions::category,
            suggestions::status,
            suggestions::responded_at,
            suggestions::merchant_id,
            suggestions::created_at,
        ))
        .load(conn)
}

/// (target group, time) of people counted at association sessions in `[from, to)`.
pub fn attendance(
    conn: &mut AnyConnection,
    set: &[Uuid],
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> QueryResult<Vec<(Stored<TargetGroup>, NaiveDateTime)>> {
    attendance::table
        .filter(attendance::community_id.eq_any(ids(set)))
        .filter(
            attendance::created_at
                .ge(from)
                .and(attendance::created_at.lt(to)),
        )
        .select((attendance::target_group, attendance::created_at))
        .load(conn)
}

/// (people, the place's kind, time) of walk-in visits in `[from, to)`.
pub fn walk_ins(
    conn: &mut AnyConnection,
    set: &[Uuid],
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> QueryResult<Vec<(i32, Stored<PlaceKind>, NaiveDateTime)>> {
    visits::table
        .inner_join(places::table.on(places::id.eq(visits::place_id)))
        .filter(visits::community_id.eq_any(ids(set)))
        .filter(visits::created_at.ge(from).and(visits::created_at.lt(to)))
        .select((visits::people, places::kind, visits::created_at))
        .load(conn)
}

/// (community, start) of the projects' sessions in `[from, to)`.
pub fn session_starts(
    conn: &mut AnyConnection,
    set: &[Uuid],
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> QueryResult<Vec<(Id, NaiveDateTime)>> {
    sessions::table
        .filter(sessions::community_id.eq_any(ids(set)))
        .filter(sessions::starts_at.ge(from).and(sessions::starts_at.lt(to)))
        .select((sessions::community_id, sessions::starts_at))
        .load(conn)
}

/// (association, community, start) of the associations' sessions in `[from, to)`.
pub fn association_sessions(
    conn: &mut AnyConnection,
    set: &[Uuid],
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> QueryResult<Vec<(Id, Id, NaiveDateTime)>> {
    association_sessions::table
        .filter(association_sessions::community_id.eq_any(ids(set)))
        .filter(
            association_sessions::starts_at
                .ge(from)
                .and(association_sessions::starts_at.lt(to)),
        )
        .select((
            association_sessions::association_id,
            association_sessions::community_id,
            association_sessions::starts_at,
        ))
        .load(conn)
}

/// Associations registered before `to`.
pub fn associations(conn: &mut AnyConnection, set: &[Uuid], to: NaiveDateTime) -> QueryResult<i64> {
    associations::table
        .filter(associations::community_id.eq_any(ids(set)))
        .filter(associations::created_at.lt(to))
        .select(count_star())
        .first(conn)
}

/// (id, name, kind) of the communities' associations.
pub fn association_list(
    conn: &mut AnyConnection,
    set: &[Uuid],
) -> QueryResult<Vec<(Id, String, Stored<AssociationKind>)>> {
    associations::table
        .filter(associations::community_id.eq_any(ids(set)))
        .order(associations::name.asc())
        .select((associations::id, associations::name, associations::kind))
        .load(conn)
}

/// (association, target group) of each person counted in `[from, to)`.
pub fn attendance_by_association(
    conn: &mut AnyConnection,
    set: &[Uuid],
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> QueryResult<Vec<(Id, Stored<TargetGroup>)>> {
    attendance::table
        .inner_join(
            association_sessions::table.on(association_sessions::id.eq(attendance::session_id)),
        )
        .filter(attendance::community_id.eq_any(ids(set)))
        .filter(
            attendance::created_at
                .ge(from)
                .and(attendance::created_at.lt(to)),
        )
        .select((
            association_sessions::association_id,
            attendance::target_group,
        ))
        .load(conn)
}

/// (id, name, kind) of the communities' places.
pub fn place_list(
    conn: &mut AnyConnection,
    set: &[Uuid],
) -> QueryResult<Vec<(Id, String, Stored<PlaceKind>)>> {
    places::table
        .filter(places::community_id.eq_any(ids(set)))
        .order(places::name.asc())
        .select((places::id, places::name, places::kind))
        .load(conn)
}

/// (id, place, name) of the services of the communities' places.
pub fn service_list(conn: &mut AnyConnection, set: &[Uuid]) -> QueryResult<Vec<(Id, Id, String)>> {
    place_services::table
        .filter(place_services::community_id.eq_any(ids(set)))
        .order(place_services::created_at.asc())
        .select((
            place_services::id,
            place_services::place_id,
            place_services::name,
        ))
        .load(conn)
}

/// (place, service, people) of the walk-in visits of `[from, to)`.
pub fn visits_by_service(
    conn: &mut AnyConnection,
    set: &[Uuid],
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> QueryResult<Vec<(Id, Option<Id>, i32)>> {
    visits::table
        .filter(visits::community_id.eq_any(ids(set)))
        .filter(visits::created_at.ge(from).and(visits::created_at.lt(to)))
        .select((visits::place_id, visits::service_id, visits::people))
        .load(conn)
}

/// The communities' campaigns overlapping `[from, to)`, with their counts to date.
pub fn campaigns(
    conn: &mut AnyConnection,
    set: &[Uuid],
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> QueryResult<Vec<canglong_stats::tables::CampaignFacts>> {
    use crate::schema::{
        campaign_ballots, campaign_entries, campaign_pledges, campaign_signups, campaigns,
    };
    let list: Vec<(Id, String, Stored<CampaignKind>, String)> = campaigns::table
        .filter(campaigns::community_id.eq_any(ids(set)))
        .filter(campaigns::starts_at.lt(to).and(campaigns::ends_at.gt(from)))
        .order(campaigns::starts_at.asc())
        .select((
            campaigns::id,
            campaigns::title,
            campaigns::kind,
            campaigns::theme,
        ))
        .load(conn)?;
    let mut out = vec![];
    for (id, title, kind, theme) in list {
        let signups = campaign_signups::table
            .filter(campaign_signups::campaign_id.eq(id))
            .count()
            .get_result(conn)?;
        let pledges = campaign_pledges::table
            .filter(campaign_pledges::campaign_id.eq(id))
            .count()
            .get_result(conn)?;
        let entries = campaign_entries::table
            .filter(campaign_entries::campaign_id.eq(id))
            .count()
            .get_result(conn)?;
        let ballots: Vec<Stored<BallotStatus>> = campaign_ballots::table
            .filter(campaign_ballots::campaign_id.eq(id))
            .select(campaign_ballots::status)
            .load(conn)?;
        out.push(canglong_stats::tables::CampaignFacts {
            id: id.0,
            title,
            kind: kind.get(),
            theme,
            signups,
            pledges,
            entries,
            ballots: ballots.into_iter().map(Stored::get).collect(),
        });
    }
    Ok(out)
}
