//! A person's own data across the tables: gathered for their export, removed at their erasure.
//! The ledger is never touched here (it is append-only); it keeps pointing at the account id.

use canglong_activities::EnrolmentStatus;
use canglong_core::Uuid;
use diesel::prelude::*;

use crate::activities::EnrolmentRow;
use crate::ledger::{PostingRow, TransactionRow};
use crate::needs::{ClaimRow, NeedRow};
use crate::notifications::NotificationRow;
use crate::schema::{
    children, enrolments, ledger_transactions, need_claims, needs, notifications, outbox, postings,
    service_records, subscription_grants, suggestions, user_roles, volunteers,
};
use crate::service_records::ServiceRecordRow;
use crate::suggestions::SuggestionRow;
use crate::{AnyConnection, Id, QueryResult, Stored};

/// Needs the person asked for, newest first.
pub fn needs_requested(conn: &mut AnyConnection, user: Uuid) -> QueryResult<Vec<NeedRow>> {
    needs::table
        .filter(needs::requester_id.eq(Id(user)))
        .order(needs::id.desc())
        .select(NeedRow::as_select())
        .load(conn)
}

/// Where a need was to be done, forgotten.
pub fn forget_place(conn: &mut AnyConnection, need: Uuid) -> QueryResult<()> {
    diesel::update(needs::table.find(Id(need)))
        .set(needs::place.eq(""))
        .execute(conn)
        .map(|_| ())
}

/// Claims the person made as a volunteer, newest first.
pub fn claims_made(conn: &mut AnyConnection, user: Uuid) -> QueryResult<Vec<ClaimRow>> {
    need_claims::table
        .filter(need_claims::user_id.eq(Id(user)))
        .order(need_claims::id.desc())
        .select(ClaimRow::as_select())
        .load(conn)
}

/// Enrolments of the person that still hold or wait for a seat.
pub fn live_enrolments(conn: &mut AnyConnection, user: Uuid) -> QueryResult<Vec<EnrolmentRow>> {
    enrolments::table
        .filter(enrolments::user_id.eq(Id(user)))
        .filter(enrolments::status.ne(Stored(EnrolmentStatus::Cancelled)))
        .select(EnrolmentRow::as_select())
        .load(conn)
}

/// Service records of the person as a volunteer, newest first.
pub fn service_records(conn: &mut AnyConnection, user: Uuid) -> QueryResult<Vec<ServiceRecordRow>> {
    service_records::table
        .inner_join(volunteers::table.on(volunteers::id.eq(service_records::volunteer_id)))
        .filter(volunteers::user_id.eq(Id(user)))
        .order(service_records::id.desc())
        .select(ServiceRecordRow::as_select())
        .load(conn)
}

/// Every posting on an account with its transaction, oldest first.
pub fn postings(
    conn: &mut AnyConnection,
    account: Uuid,
) -> QueryResult<Vec<(PostingRow, TransactionRow)>> {
    postings::table
        .inner_join(ledger_transactions::table)
        .filter(postings::account_id.eq(Id(account)))
        .order(postings::id.asc())
        .select((PostingRow::as_select(), TransactionRow::as_select()))
        .load(conn)
}

/// Suggestions the person wrote, newest first.
pub fn suggestions(conn: &mut AnyConnection, user: Uuid) -> QueryResult<Vec<SuggestionRow>> {
    suggestions::table
        .filter(suggestions::author_id.eq(Id(user)))
        .order(suggestions::id.desc())
        .select(SuggestionRow::as_select())
        .load(conn)
}

/// The person's inbox, newest first.
pub fn notifications(conn: &mut AnyConnection, user: Uuid) -> QueryResult<Vec<NotificationRow>> {
    notifications::table
        .filter(notifications::user_id.eq(Id(user)))
        .order(notifications::id.desc())
        .select(NotificationRow::as_select())
        .load(conn)
}

/// What erasure removes outright besides the account row's fields: children's profiles, the
/// inbox, message permissions, unsent WeChat messages (and the WeChat id on sent ones), roles.
pub fn remove_personal_rows(conn: &mut AnyConnection, user: Uuid) -> QueryResult<()> {
    diesel::delete(children::table.filter(children::parent_id.eq(Id(user)))).execute(conn)?;
    diesel::delete(notifications::table.filter(notifications::user_id.eq(Id(user))))
        .execute(conn)?;
    diesel::delete(subscription_grants::table.filter(subscription_grants::user_id.eq(Id(user))))
        .execute(conn)?;
    diesel::delete(
        outbox::table
            .filter(outbox::user_id.eq(Id(user)))
            .filter(outbox::sent_at.is_null()),
    )
    .execute(conn)?;
    diesel::update(outbox::table.filter(outbox::user_id.eq(Id(user))))
        .set(outbox::openid.eq(""))
        .execute(conn)?;
    diesel::delete(user_roles::table.filter(user_roles::user_id.eq(Id(user)))).execute(conn)?;
    forget_life(conn, user)?;
    forget_governance(conn, user)
}

/// Self-governance at erasure: the topics, seconds, ballots and objections stay as the
/// community's public record under the emptied account (a decision's turnout and history must
/// not change); the person's own words in evaluations are blanked, the stars kept.
pub fn forget_governance(conn: &mut AnyConnection, user: Uuid) -> QueryResult<()> {
    use crate::schema::topic_evaluations;
    diesel::update(topic_evaluations::table.filter(topic_evaluations::user_id.eq(Id(user))))
        .set(topic_evaluations::comment.eq(""))
        .execute(conn)
        .map(|_| ())
}

/// The person's part in community life: memberships (with the association's name), their
/// attendances, scans at places, campaign sign-ups and pledges, entries and ballots.
#[derive(Debug, Clone, Default)]
pub struct Life {
    pub memberships: Vec<(crate::associations::MemberRow, String)>,
    pub attendance: Vec<crate::associations::AttendanceRow>,
    pub scans: Vec<crate::spaces::VisitRow>,
    pub signups: Vec<(Id, chrono::NaiveDateTime)>,
    pub pledges: Vec<(Id, String, chrono::NaiveDateTime)>,
    pub entries: Vec<crate::campaigns::EntryRow>,
    pub ballots: Vec<crate::campaigns::BallotRow>,
}

pub fn life(conn: &mut AnyConnection, user: Uuid) -> QueryResult<Life> {
    use crate::associations::{AttendanceRow, MemberRow};
    use crate::campaigns::{BallotRow, EntryRow};
    use crate::schema::{
        association_members, associations, attendance, campaign_ballots, campaign_entries,
        campaign_pledges, campaign_signups, visits,
    };
    use crate::spaces::VisitRow;
    let me = Id(user);
    Ok(Life {
        memberships: association_members::table
            .inner_join(
                associations::table.on(associations::id.eq(association_members::association_id)),
            )
            .filter(association_members::user_id.eq(me))
            .select((MemberRow::as_select(), associations::name))
            .load(conn)?,
        attendance: attendance::table
            .filter(attendance::user_id.eq(me))
            .order(attendance::created_at.asc())
            .select(AttendanceRow::as_select())
            .load(conn)?,
        scans: visits::table
            .filter(visits::visitor_id.eq(Some(me)))
            .order(visits::created_at.asc())
            .select(VisitRow::as_select())
            .load(conn)?,
        signups: campaign_signups::table
            .filter(campaign_signups::user_id.eq(me))
            .select((campaign_signups::campaign_id, campaign_signups::created_at))
            .load(conn)?,
        pledges: campaign_pledges::table
            .filter(campaign_pledges::user_id.eq(me))
            .select((
                campaign_pledges::campaign_id,
                campaign_pledges::text,
                campaign_pledges::created_at,
            ))
            .load(conn)?,
        entries: campaign_entries::table
            .filter(campaign_entries::author_id.eq(me))
            .select(EntryRow::as_select())
            .load(conn)?,
        ballots: campaign_ballots::table
            .filter(campaign_ballots::voter_id.eq(me))
            .select(BallotRow::as_select())
            .load(conn)?,
    })
}

/// At erasure, community life keeps its counts (attendances, sign-ups, ballots and scans stay,
/// pointing at the emptied account) and loses what is the person's own: memberships, pledges,
/// and entries not on a shortlist (a shortlisted or placed entry is others' vote).
pub fn forget_life(conn: &mut AnyConnection, user: Uuid) -> QueryResult<()> {
    use crate::schema::{association_members, campaign_entries, campaign_pledges};
    let me = Id(user);
    diesel::delete(association_members::table.filter(association_members::user_id.eq(me)))
        .execute(conn)?;
    diesel::delete(campaign_pledges::table.filter(campaign_pledges::user_id.eq(me)))
        .execute(conn)?;
    diesel::delete(
        campaign_entries::table
            .filter(campaign_entries::author_id.eq(me))
            .filter(campaign_entries::status.eq_any([
                "submitted",
                "approved",
                "returned",
                "rejected",
            ])),
    )
    .execute(conn)?;
    Ok(())
}
