//! The merchant alliance's storage: merchants and their history, staff, offers, vouchers,
//! attempts at 核销, ratings and evaluations.

use crate::Stored;
use canglong_alliance::{MerchantStatus, OfferKind, OfferStatus, VoucherStatus};
use canglong_core::{NaiveDateTime, PageRequest, Uuid, now};
use diesel::prelude::*;

use crate::db::MultiBackend;
use crate::schema::{
    merchant_evaluations, merchant_events, merchant_staff, merchants, offers, voucher_attempts,
    voucher_ratings, vouchers,
};
use crate::{AnyConnection, Id, QueryResult};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = merchants)]
pub struct MerchantRow {
    pub id: Id,
    pub community_id: Id,
    pub name: String,
    pub licence_no: String,
    pub contact_name: String,
    pub contact_phone: String,
    pub address: String,
    pub category: String,
    pub description: String,
    pub status: Stored<MerchantStatus>,
    pub applicant_id: Option<Id>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

pub fn insert_merchant(conn: &mut AnyConnection, row: &MerchantRow) -> QueryResult<()> {
    diesel::insert_into(merchants::table)
        .values(row.clone())
        .execute(conn)
        .map(|_| ())
}

pub fn merchant(
    conn: &mut AnyConnection,
    community_id: Uuid,
    id: Uuid,
) -> QueryResult<Option<MerchantRow>> {
    merchants::table
        .filter(merchants::id.eq(Id(id)))
        .filter(merchants::community_id.eq(Id(community_id)))
        .select(MerchantRow::as_select())
        .first(conn)
        .optional()
}

/// The merchant row, locked on PostgreSQL for a change of status.
pub fn lock_merchant(
    conn: &mut AnyConnection,
    community_id: Uuid,
    id: Uuid,
) -> QueryResult<Option<MerchantRow>> {
    let q = merchants::table
        .filter(merchants::id.eq(Id(id)))
        .filter(merchants::community_id.eq(Id(community_id)))
        .select(merchants::all_columns);
    for_update!(conn, q, first::<MerchantRow>).optional()
}

pub fn set_merchant_status(
    conn: &mut AnyConnection,
    id: Uuid,
    status: MerchantStatus,
) -> QueryResult<()> {
    diesel::update(merchants::table.find(Id(id)))
        .set((
            merchants::status.eq(Stored(status)),
            merchants::updated_at.eq(now()),
        ))
        .execute(conn)
        .map(|_| ())
}

pub fn record_merchant_event(
    conn: &mut AnyConnection,
    m: &MerchantRow,
    from: Option<MerchantStatus>,
    actor_id: Option<Uuid>,
    action: &str,
    to_status: &str,
    reason: Option<&str>,
) -> QueryResult<()> {
    diesel::insert_into(merchant_events::table)
        .values((
            merchant_events::id.eq(Id(canglong_core::new_id())),
            merchant_events::community_id.eq(m.community_id),
            merchant_events::merchant_id.eq(m.id),
            merchant_events::actor_id.eq(actor_id.map(Id)),
            merchant_events::action.eq(action),
            merchant_events::from_status.eq(from.map(MerchantStatus::as_str)),
            merchant_events::to_status.eq(to_status),
            merchant_events::reason.eq(reason),
            merchant_events::created_at.eq(now()),
        ))
        .execute(conn)
        .map(|_| ())
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = merchant_events)]
pub struct MerchantEventRow {
    pub id: Id,
    pub community_id: Id,
    pub merchant_id: Id,
    pub actor_id: Option<Id>,
    pub action: String,
    pub from_status: Option<String>,
    pub to_status: String,
    pub reason: Option<String>,
    pub created_at: NaiveDateTime,
}

pub fn merchant_events(
    conn: &mut AnyConnection,
    merchant_id: Uuid,
) -> QueryResult<Vec<MerchantEventRow>> {
    merchant_events::table
        .filter(merchant_events::merchant_id.eq(Id(merchant_id)))
        .order(merchant_events::id.asc())
        .select(MerchantEventRow::as_select())
        .load(conn)
}

/// Merchants of these communities (one, or a subdistrict's), newest first.
pub fn list_merchants(
    conn: &mut AnyConnection,
    communities: &[Uuid],
    status: Option<&str>,
    page: &PageRequest,
) -> QueryResult<Vec<MerchantRow>> {
    let ids: Vec<Id> = communities.iter().copied().map(Id).collect();
    let mut q = merchants::table
        .filter(merchants::community_id.eq_any(ids))
        .select(MerchantRow::as_select())
        .into_boxed::<MultiBackend>();
    if let Some(s) = status {
        q = q.filter(merchants::status.eq(s.to_string()));
    }
    if let Some(c) = page.after {
        q = q.filter(merchants::id.lt(Id(c.0)));
    }
    q.order(merchants::id.desc())
        .limit(i64::from(page.limit) + 1)
        .load(conn)
}

/// Binds a user as staff of a merchant; a user serves one merchant.
pub fn bind_staff(
    conn: &mut AnyConnection,
    user_id: Uuid,
    merchant_id: Uuid,
    community_id: Uuid,
) -> QueryResult<()> {
    diesel::insert_into(merchant_staff::table)
        .values((
            merchant_staff::user_id.eq(Id(user_id)),
            merchant_staff::merchant_id.eq(Id(merchant_id)),
            merchant_staff::community_id.eq(Id(community_id)),
            merchant_staff::created_at.eq(now()),
        ))
        .execute(conn)
        .map(|_| ())
}

/// The merchant a user works for.
pub fn staff_merchant(conn: &mut AnyConnection, user_id: Uuid) -> QueryResult<Option<Uuid>> {
    let m: Option<Id> = merchant_staff::table
        .filter(merchant_staff::user_id.eq(Id(user_id)))
        .select(merchant_staff::merchant_id)
        .first(conn)
        .optional()?;
    Ok(m.map(Uuid::from))
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = offers)]
pub struct OfferRow {
    pub id: Id,
    pub community_id: Id,
    pub merchant_id: Option<Id>,
    pub kind: Stored<OfferKind>,
    pub title: String,
    pub description: String,
    pub points_cost: i64,
    pub stock: i32,
    pub stock_left: i32,
    pub per_user_limit: i32,
    pub valid_from: NaiveDateTime,
    pub valid_to: NaiveDateTime,
    pub voucher_valid_days: i32,
    pub session_id: Option<Id>,
    pub status: Stored<OfferStatus>,
    pub created_by: Option<Id>,
    pub reviewed_by: Option<Id>,
    pub review_reason: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

pub fn insert_offer(conn: &mut AnyConnection, row: &OfferRow) -> QueryResult<()> {
    diesel::insert_into(offers::table)
        .values(row.clone())
        .execute(conn)
        .map(|_| ())
}

pub fn offer(
    conn: &mut AnyConnection,
    community_id: Uuid,
    id: Uuid,
) -> QueryResult<Option<OfferRow>> {
    offers::table
        .filter(offers::id.eq(Id(id)))
        .filter(offers::community_id.eq(Id(community_id)))
        .select(OfferRow::as_select())
        .first(conn)
        .optional()
}

/// The offer row, locked on PostgreSQL: redemptions of one offer queue up here, so stock and
/// per-person limits are checked against committed numbers.
pub fn lock_offer(
    conn: &mut AnyConnection,
    community_id: Uuid,
    id: Uuid,
) -> QueryResult<Option<OfferRow>> {
    let q = offers::table
        .filter(offers::id.eq(Id(id)))
        .filter(offers::community_id.eq(Id(community_id)))
        .select(offers::all_columns);
    for_update!(conn, q, first::<OfferRow>).optional()
}

pub fn set_offer_status(
    conn: &mut AnyConnection,
    id: Uuid,
    status: OfferStatus,
    reviewed_by: Option<Uuid>,
    reason: Option<&str>,
) -> QueryResult<()> {
    diesel::update(offers::table.find(Id(id)))
        .set((
            offers::status.eq(Stored(status)),
            offers::reviewed_by.eq(reviewed_by.map(Id)),
            offers::review_reason.eq(reason),
            offers::updated_at.eq(now()),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Moves stock by `delta`; a decrement that would go below zero changes nothing (false).
pub fn move_stock(conn: &mut AnyConnection, id: Uuid, delta: i32) -> QueryResult<bool> {
    let n = diesel::update(
        offers::table
            .find(Id(id))
            .filter(offers::stock_left.ge(-delta)),
    )
    .set(offers::stock_left.eq(offers::stock_left + delta))
    .execute(conn)?;
    Ok(n == 1)
}

/// Locks every offer of a merchant, in id order (the global lock order: merchant, then its
/// offers, then sessions, then accounts).
pub fn lock_offers_of_merchant(
    conn: &mut AnyConnection,
    merchant_id: Uuid,
) -> QueryResult<Vec<OfferRow>> {
    let q = offers::table
        .filter(offers::merchant_id.eq(Some(Id(merchant_id))))
        .order(offers::id.asc())
        .select(offers::all_columns);
    for_update!(conn, q, load::<OfferRow>)
}

/// Withdraws every offer of a merchant that is not already closed.
pub fn withdraw_offers(conn: &mut AnyConnection, merchant_id: Uuid) -> QueryResult<usize> {
    diesel::update(
        offers::table
            .filter(offers::merchant_id.eq(Some(Id(merchant_id))))
            .filter(offers::status.eq_any([
                Stored(OfferStatus::PendingReview),
                Stored(OfferStatus::Active),
                Stored(OfferStatus::Paused),
            ])),
    )
    .set((
        offers::status.eq(Stored(OfferStatus::Withdrawn)),
        offers::updated_at.eq(now()),
    ))
    .execute(conn)
}

#[derive(Debug, Clone, Default)]
pub struct OfferFilter {
    pub status: Option<String>,
    pub merchant_id: Option<Uuid>,
    /// Only the community's own resources.
    pub community_only: bool,
    pub kind: Option<String>,
    /// What residents see: active, with stock left, of an active merchant or the community.
    pub redeemable_only: bool,
}

pub fn list_offers(
    conn: &mut AnyConnection,
    community_id: Uuid,
    f: &OfferFilter,
    page: &PageRequest,
) -> QueryResult<Vec<OfferRow>> {
    let mut q = offers::table
        .filter(offers::community_id.eq(Id(community_id)))
        .select(OfferRow::as_select())
        .into_boxed::<MultiBackend>();
    if let Some(s) = &f.status {
        q = q.filter(offers::status.eq(s.clone()));
    }
    if let Some(m) = f.merchant_id {
        q = q.filter(offers::merchant_id.eq(Some(Id(m))));
    }
    if f.community_only {
        q = q.filter(offers::merchant_id.is_null());
    }
    if let Some(k) = &f.kind {
        q = q.filter(offers::kind.eq(k.clone()));
    }
    if f.redeemable_only {
        let active = merchants::table
            .filter(merchants::status.eq(Stored(MerchantStatus::Active)))
            .select(merchants::id.nullable());
        q = q
            .filter(offers::status.eq(Stored(OfferStatus::Active)))
            .filter(offers::stock_left.gt(0))
            .filter(
                offers::merchant_id
                    .is_null()
                    .or(offers::merchant_id.eq_any(active)),
            );
    }
    if let Some(c) = page.after {
        q = q.filter(offers::id.lt(Id(c.0)));
    }
    q.order(offers::id.desc())
        .limit(i64::from(page.limit) + 1)
        .load(conn)
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = vouchers)]
pub struct VoucherRow {
    pub id: Id,
    pub community_id: Id,
    pub offer_id: Id,
    pub merchant_id: Option<Id>,
    pub holder_id: Id,
    pub code: String,
    pub status: Stored<VoucherStatus>,
    pub points_cost: i64,
    pub redeem_transaction_id: Id,
    pub refund_transaction_id: Option<Id>,
    pub issued_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub used_at: Option<NaiveDateTime>,
    pub used_by: Option<Id>,
    pub closed_at: Option<NaiveDateTime>,
}

pub fn insert_voucher(conn: &mut AnyConnection, row: &VoucherRow) -> QueryResult<()> {
    diesel::insert_into(vouchers::table)
        .values(row.clone())
        .execute(conn)
        .map(|_| ())
}

/// Vouchers of the offer the person holds or held (cancelled and refunded ones do not count).
pub fn held(conn: &mut AnyConnection, offer_id: Uuid, holder_id: Uuid) -> QueryResult<i64> {
    vouchers::table
        .filter(vouchers::offer_id.eq(Id(offer_id)))
        .filter(vouchers::holder_id.eq(Id(holder_id)))
        .filter(vouchers::status.eq_any([
            Stored(VoucherStatus::Issued),
            Stored(VoucherStatus::Used),
            Stored(VoucherStatus::Expired),
        ]))
        .count()
        .get_result(conn)
}

pub fn voucher(
    conn: &mut AnyConnection,
    community_id: Uuid,
    id: Uuid,
) -> QueryResult<Option<VoucherRow>> {
    vouchers::table
        .filter(vouchers::id.eq(Id(id)))
        .filter(vouchers::community_id.eq(Id(community_id)))
        .select(VoucherRow::as_select())
        .first(conn)
        .optional()
}

pub fn voucher_by_code(conn: &mut AnyConnection, code: &str) -> QueryResult<Option<VoucherRow>> {
    vouchers::table
        .filter(vouchers::code.eq(code))
        .select(VoucherRow::as_select())
        .first(conn)
        .optional()
}

/// 核销: marks an issued voucher used; false if it was not issued any more (a racing scan won).
pub fn use_voucher(
    conn: &mut AnyConnection,
    id: Uuid,
    by: Uuid,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    let n = diesel::update(
        vouchers::table
            .find(Id(id))
            .filter(vouchers::status.eq(Stored(VoucherStatus::Issued))),
    )
    .set((
        vouchers::status.eq(Stored(VoucherStatus::Used)),
        vouchers::used_at.eq(Some(at)),
        vouchers::used_by.eq(Some(Id(by))),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// Closes an issued voucher (cancelled, expired or refunded) with its refund; false if it was not
/// issued any more.
pub fn close_voucher(
    conn: &mut AnyConnection,
    id: Uuid,
    status: VoucherStatus,
    refund: Option<Uuid>,
) -> QueryResult<bool> {
    let n = diesel::update(
        vouchers::table
            .find(Id(id))
            .filter(vouchers::status.eq(Stored(VoucherStatus::Issued))),
    )
    .set((
        vouchers::status.eq(Stored(status)),
        vouchers::refund_transaction_id.eq(refund.map(Id)),
        vouchers::closed_at.eq(Some(now())),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// Voids an issued voucher whose redemption was reversed; false if it was not issued any more.
pub fn void_voucher(conn: &mut AnyConnection, id: Uuid) -> QueryResult<bool> {
    let n = diesel::update(
        vouchers::table
            .find(Id(id))
            .filter(vouchers::status.eq(Stored(VoucherStatus::Issued))),
    )
    .set((
        vouchers::status.eq(Stored(VoucherStatus::Void)),
        vouchers::closed_at.eq(Some(now())),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// The voucher a redemption or refund transaction paid for, if any.
pub fn voucher_of_transaction(
    conn: &mut AnyConnection,
    community_id: Uuid,
    transaction_id: Uuid,
) -> QueryResult<Option<VoucherRow>> {
    let t = Id(transaction_id);
    vouchers::table
        .filter(vouchers::community_id.eq(Id(community_id)))
        .filter(
            vouchers::redeem_transaction_id
                .eq(t)
                .or(vouchers::refund_transaction_id.eq(Some(t))),
        )
        .select(VoucherRow::as_select())
        .first(conn)
        .optional()
}

/// The holder's issued voucher for a seat in the session, if they bought it with points.
pub fn issued_seat_voucher(
    conn: &mut AnyConnection,
    session_id: Uuid,
    holder_id: Uuid,
) -> QueryResult<Option<VoucherRow>> {
    vouchers::table
        .inner_join(offers::table.on(offers::id.eq(vouchers::offer_id)))
        .filter(offers::session_id.eq(Some(Id(session_id))))
        .filter(offers::kind.eq(Stored(OfferKind::CourseSeat)))
        .filter(vouchers::holder_id.eq(Id(holder_id)))
        .filter(vouchers::status.eq(Stored(VoucherStatus::Issued)))
        .select(VoucherRow::as_select())
        .first(conn)
        .optional()
}

pub fn vouchers_of_holder(
    conn: &mut AnyConnection,
    community_id: Uuid,
    holder_id: Uuid,
    status: Option<&str>,
    page: &PageRequest,
) -> QueryResult<Vec<VoucherRow>> {
    let mut q = vouchers::table
        .filter(vouchers::community_id.eq(Id(community_id)))
        .filter(vouchers::holder_id.eq(Id(holder_id)))
        .select(VoucherRow::as_select())
        .into_boxed::<MultiBackend>();
    if let Some(s) = status {
        q = q.filter(vouchers::status.eq(s.to_string()));
    }
    if let Some(c) = page.after {
        q = q.filter(vouchers::id.lt(Id(c.0)));
    }
    q.order(vouchers::id.desc())
        .limit(i64::from(page.limit) + 1)
        .load(conn)
}

pub fn issued_vouchers_of_merchant(
    conn: &mut AnyConnection,
    merchant_id: Uuid,
) -> QueryResult<Vec<VoucherRow>> {
    vouchers::table
        .filter(vouchers::merchant_id.eq(Some(Id(merchant_id))))
        .filter(vouchers::status.eq(Stored(VoucherStatus::Issued)))
        .order(vouchers::id.asc())
        .select(VoucherRow::as_select())
        .load(conn)
}

/// Issued vouchers past their expiry, across communities, for the sweep.
pub fn lapsed_vouchers(
    conn: &mut AnyConnection,
    at: NaiveDateTime,
    at_most: i64,
) -> QueryResult<Vec<VoucherRow>> {
    vouchers::table
        .filter(vouchers::status.eq(Stored(VoucherStatus::Issued)))
        .filter(vouchers::expires_at.le(at))
        .order(vouchers::id.asc())
        .limit(at_most)
        .select(VoucherRow::as_select())
        .load(conn)
}

/// Issued vouchers that lapse before `until` and whose holder was not yet reminded.
pub fn expiring_unreminded(
    conn: &mut AnyConnection,
    at: NaiveDateTime,
    until: NaiveDateTime,
    at_most: i64,
) -> QueryResult<Vec<VoucherRow>> {
    vouchers::table
        .filter(vouchers::status.eq(Stored(VoucherStatus::Issued)))
        .filter(vouchers::reminded_at.is_null())
        .filter(vouchers::expires_at.gt(at))
        .filter(vouchers::expires_at.le(until))
        .order(vouchers::id.asc())
        .limit(at_most)
        .select(VoucherRow::as_select())
        .load(conn)
}

/// Marks the voucher's holder reminded; false if another pass did it first.
pub fn mark_reminded(conn: &mut AnyConnection, id: Uuid, at: NaiveDateTime) -> QueryResult<bool> {
    diesel::update(
        vouchers::table
            .find(Id(id))
            .filter(vouchers::reminded_at.is_null()),
    )
    .set(vouchers::reminded_at.eq(Some(at)))
    .execute(conn)
    .map(|n| n == 1)
}

pub fn record_attempt(
    conn: &mut AnyConnection,
    community_id: Uuid,
    merchant_id: Option<Uuid>,
    staff_id: Uuid,
    voucher_id: Option<Uuid>,
    outcome: &str,
) -> QueryResult<()> {
    diesel::insert_into(voucher_attempts::table)
        .values((
            voucher_attempts::id.eq(Id(canglong_core::new_id())),
            voucher_attempts::community_id.eq(Id(community_id)),
            voucher_attempts::merchant_id.eq(merchant_id.map(Id)),
            voucher_attempts::staff_id.eq(Id(staff_id)),
            voucher_attempts::voucher_id.eq(voucher_id.map(Id)),
            voucher_attempts::outcome.eq(outcome),
            voucher_attempts::created_at.eq(now()),
        ))
        .execute(conn)
        .map(|_| ())
}

/// The outcome logged for a code that names no voucher of the caller's counter.
pub const WRONG_CODE: &str = "not_found";

/// Wrong codes entered by a staff member since `since` (to slow down guessing). A voucher
/// refused for its state (used by a colleague a moment ago, expired) is no guess.
pub fn wrong_codes_since(
    conn: &mut AnyConnection,
    staff_id: Uuid,
    since: NaiveDateTime,
) -> QueryResult<i64> {
    voucher_attempts::table
        .filter(voucher_attempts::staff_id.eq(Id(staff_id)))
        .filter(voucher_attempts::outcome.eq(WRONG_CODE))
        .filter(voucher_attempts::created_at.ge(since))
        .count()
        .get_result(conn)
}

pub fn insert_voucher_rating(
    conn: &mut AnyConnection,
    v: &VoucherRow,
    rater_id: Uuid,
    stars: i32,
    comment: &str,
) -> QueryResult<()> {
    diesel::insert_into(voucher_ratings::table)
        .values((
            voucher_ratings::id.eq(Id(canglong_core::new_id())),
            voucher_ratings::community_id.eq(v.community_id),
            voucher_ratings::voucher_id.eq(v.id),
            voucher_ratings::merchant_id.eq(v.merchant_id),
            voucher_ratings::rater_id.eq(Id(rater_id)),
            voucher_ratings::stars.eq(stars),
            voucher_ratings::comment.eq(comment),
            voucher_ratings::created_at.eq(now()),
        ))
        .execute(conn)
        .map(|_| ())
}

pub fn voucher_rated(conn: &mut AnyConnection, voucher_id: Uuid) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        voucher_ratings::table.filter(voucher_ratings::voucher_id.eq(Id(voucher_id))),
    ))
    .get_result(conn)
}

/// Counts of one merchant's year `[from, to)`.
pub struct YearCounts {
    pub issued: i64,
    pub used: i64,
    pub expired_unused: i64,
    pub refused_attempts: i64,
    pub ratings: Vec<i32>,
}

pub fn year_counts(
    conn: &mut AnyConnection,
    merchant_id: Uuid,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> QueryResult<YearCounts> {
    let m = Some(Id(merchant_id));
    let issued = vouchers::table
        .filter(vouchers::merchant_id.eq(m))
        .filter(vouchers::issued_at.ge(from).and(vouchers::issued_at.lt(to)))
        .count()
        .get_result(conn)?;
    let used = vouchers::table
        .filter(vouchers::merchant_id.eq(m))
        .filter(vouchers::used_at.ge(from).and(vouchers::used_at.lt(to)))
        .count()
        .get_result(conn)?;
    let expired_unused = vouchers::table
        .filter(vouchers::merchant_id.eq(m))
        .filter(vouchers::status.eq(Stored(VoucherStatus::Expired)))
        .filter(
            vouchers::expires_at
                .ge(from)
                .and(vouchers::expires_at.lt(to)),
        )
        .count()
        .get_result(conn)?;
    let refused_attempts = voucher_attempts::table
        .filter(voucher_attempts::merchant_id.eq(m))
        .filter(voucher_attempts::outcome.ne(VoucherStatus::Used.as_str()))
        .filter(
            voucher_attempts::created_at
                .ge(from)
                .and(voucher_attempts::created_at.lt(to)),
        )
        .count()
        .get_result(conn)?;
    let ratings = voucher_ratings::table
        .filter(voucher_ratings::merchant_id.eq(m))
        .filter(
            voucher_ratings::created_at
                .ge(from)
                .and(voucher_ratings::created_at.lt(to)),
        )
        .select(voucher_ratings::stars)
        .load(conn)?;
    Ok(YearCounts {
        issued,
        used,
        expired_unused,
        refused_attempts,
        ratings,
    })
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = merchant_evaluations)]
pub struct EvaluationRow {
    pub id: Id,
    pub community_id: Id,
    pub merchant_id: Id,
    pub year: i32,
    pub decision: String,
    pub note: String,
    pub figures: String,
    pub decided_by: Id,
    pub created_at: NaiveDateTime,
}

pub fn insert_evaluation(
    conn: &mut AnyConnection,
    m: &MerchantRow,
    year: i32,
    decision: &str,
    note: &str,
    figures: &str,
    by: Uuid,
) -> QueryResult<EvaluationRow> {
    diesel::insert_into(merchant_evaluations::table)
        .values((
            merchant_evaluations::id.eq(Id(canglong_core::new_id())),
            merchant_evaluations::community_id.eq(m.community_id),
            merchant_evaluations::merchant_id.eq(m.id),
            merchant_evaluations::year.eq(year),
            merchant_evaluations::decision.eq(decision),
            merchant_evaluations::note.eq(note),
            merchant_evaluations::figures.eq(figures),
            merchant_evaluations::decided_by.eq(Id(by)),
            merchant_evaluations::created_at.eq(now()),
        ))
        .returning(merchant_evaluations::all_columns)
        .get_result(conn)
}

pub fn evaluations(conn: &mut AnyConnection, merchant_id: Uuid) -> QueryResult<Vec<EvaluationRow>> {
    merchant_evaluations::table
        .filter(merchant_evaluations::merchant_id.eq(Id(merchant_id)))
        .order(merchant_evaluations::year.asc())
        .select(EvaluationRow::as_select())
        .load(conn)
}

/// A merchant of any community (for the subdistrict's filing, which spans communities).
pub fn merchant_anywhere(conn: &mut AnyConnection, id: Uuid) -> QueryResult<Option<MerchantRow>> {
    merchants::table
        .find(Id(id))
        .select(MerchantRow::as_select())
        .first(conn)
        .optional()
}

/// Gives a voucher a chosen code (the demo's is the one the document's example shows).
pub fn set_voucher_code(conn: &mut AnyConnection, id: Uuid, code: &str) -> QueryResult<()> {
    diesel::update(vouchers::table.find(Id(id)))
        .set(vouchers::code.eq(code))
        .execute(conn)
        .map(|_| ())
}
