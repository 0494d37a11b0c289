//! What the chain audit reads: the community's vouchers with their offers, keyed transactions,
//! seats, check-ins and service records, as plain rows.

use canglong_core::{NaiveDateTime, Uuid};
use diesel::prelude::*;

use crate::schema::{
    checkins, enrolments, ledger_transactions, needs, offers, service_records, sessions, vouchers,
};
use crate::{AnyConnection, Id, QueryResult, Stored};
use canglong_activities::EnrolmentStatus;
use canglong_alliance::{OfferKind, VoucherStatus};
use canglong_ledger::TxKind;
use canglong_volunteers::RecordStatus;

#[derive(Debug, Clone, Queryable)]
pub struct KeyedTx {
    pub id: Id,
    pub kind: Stored<TxKind>,
    pub key: String,
    pub reverses_id: Option<Id>,
}

pub fn transactions(conn: &mut AnyConnection, community: Uuid) -> QueryResult<Vec<KeyedTx>> {
    ledger_transactions::table
        .filter(ledger_transactions::community_id.eq(Id(community)))
        .select((
            ledger_transactions::id,
            ledger_transactions::kind,
            ledger_transactions::idempotency_key,
            ledger_transactions::reverses_id,
        ))
        .load(conn)
}

#[derive(Debug, Clone, Queryable)]
pub struct VoucherLink {
    pub id: Id,
    pub holder_id: Id,
    pub status: Stored<VoucherStatus>,
    pub redeem_transaction_id: Id,
    pub refund_transaction_id: Option<Id>,
    pub closed_at: Option<NaiveDateTime>,
    pub offer_kind: Stored<OfferKind>,
    pub session_id: Option<Id>,
}

pub fn vouchers(conn: &mut AnyConnection, community: Uuid) -> QueryResult<Vec<VoucherLink>> {
    vouchers::table
        .inner_join(offers::table.on(offers::id.eq(vouchers::offer_id)))
        .filter(vouchers::community_id.eq(Id(community)))
        .select((
            vouchers::id,
            vouchers::holder_id,
            vouchers::status,
            vouchers::redeem_transaction_id,
            vouchers::refund_transaction_id,
            vouchers::closed_at,
            offers::kind,
            offers::session_id,
        ))
        .load(conn)
}

#[derive(Debug, Clone, Queryable)]
pub struct Seat {
    pub session_id: Id,
    pub user_id: Id,
    pub status: Stored<EnrolmentStatus>,
    pub created_at: NaiveDateTime,
}

pub fn seats(conn: &mut AnyConnection, community: Uuid) -> QueryResult<Vec<Seat>> {
    enrolments::table
        .filter(enrolments::community_id.eq(Id(community)))
        .select((
            enrolments::session_id,
            enrolments::user_id,
            enrolments::status,
            enrolments::created_at,
        ))
        .load(conn)
}

/// (session, starts, ends)
pub fn session_times(
    conn: &mut AnyConnection,
    community: Uuid,
) -> QueryResult<Vec<(Id, NaiveDateTime, NaiveDateTime)>> {
    sessions::table
        .filter(sessions::community_id.eq(Id(community)))
        .select((sessions::id, sessions::starts_at, sessions::ends_at))
        .load(conn)
}

/// (session, user, when)
pub fn checkins(
    conn: &mut AnyConnection,
    community: Uuid,
) -> QueryResult<Vec<(Id, Id, NaiveDateTime)>> {
    checkins::table
        .filter(checkins::community_id.eq(Id(community)))
        .select((
            checkins::session_id,
            checkins::user_id,
            checkins::created_at,
        ))
        .load(conn)
}

#[derive(Debug, Clone, Queryable)]
pub struct RecordLink {
    pub id: Id,
    pub status: Stored<RecordStatus>,
    pub need_id: Option<Id>,
    pub session_id: Option<Id>,
    pub minutes_reported: i32,
    pub minutes_approved: Option<i32>,
    pub verified_at: Option<NaiveDateTime>,
    pub ended_at: Option<NaiveDateTime>,
}

pub fn records(conn: &mut AnyConnection, community: Uuid) -> QueryResult<Vec<RecordLink>> {
    service_records::table
        .filter(service_records::community_id.eq(Id(community)))
        .select((
            service_records::id,
            service_records::status,
            service_records::need_id,
            service_records::session_id,
            service_records::minutes_reported,
            service_records::minutes_approved,
            service_records::verified_at,
            service_records::ended_at,
        ))
        .load(conn)
}

/// (need, window start, window end) of the needs that have a service record.
pub fn need_windows(
    conn: &mut AnyConnection,
    community: Uuid,
) -> QueryResult<Vec<(Id, NaiveDateTime, NaiveDateTime)>> {
    needs::table
        .filter(needs::community_id.eq(Id(community)))
        .filter(diesel::dsl::exists(
            service_records::table.filter(service_records::need_id.eq(needs::id.nullable())),
        ))
        .select((needs::id, needs::window_start, needs::window_end))
        .load(conn)
}
