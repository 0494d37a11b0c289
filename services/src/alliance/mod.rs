//! The alliance's value movements: redeeming points for a voucher, cancelling it, using it at
//! the counter, closing it with a refund, and a merchant leaving with every voucher refunded.

pub mod merchants;
pub mod offers;

use canglong_alliance::{
    EvaluationDecision, Figures, MerchantStatus, OfferKind, OfferState, RedemptionCheck,
    VoucherStatus, refund_amount, voucher_code,
};
use canglong_core::notice::NoticeKind;
use canglong_core::{Actor, Role, Uuid, now};
use canglong_ledger::{Transaction, TxKind};
use canglong_persistence::activities::SessionRow;
use canglong_persistence::alliance::{self as store, MerchantRow, VoucherRow};
use canglong_persistence::{AnyConnection, Id, Stored};

use crate::activities::{self, Seat};
use crate::error::{Error, Result};
use crate::ledger::{self, Entry};

/// Wrong codes one staff member may enter in [`GUESS_WINDOW_MINUTES`] before being told to wait:
/// codes cannot be guessed by trying.
pub const MAX_WRONG_CODES: i64 = 10;
pub const GUESS_WINDOW_MINUTES: i64 = 10;

pub(crate) fn random_code() -> Result<String> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| Error::bug(format!("no randomness: {e}")))?;
    Ok(voucher_code(bytes))
}

fn trades(conn: &mut AnyConnection, community: Uuid, merchant: Option<Uuid>) -> Result<bool> {
    Ok(match merchant {
        Some(m) => store::merchant(conn, community, m)?
            .map(|m| m.status.0)
            .is_some_and(|s| s.trades()),
        None => true,
    })
}

/// Redeem points for a voucher. In one transaction: the offer and its provider are active, stock
/// is left, the person is under the per-person limit and has the points; the resident is
/// debited, the provider credited, the stock decremented and the voucher issued. A seat in a
/// class enrols the family in its session, in the same transaction.
pub fn redeem(
    conn: &mut AnyConnection,
    actor: &Actor,
    offer: Uuid,
    child_ids: &[Uuid],
) -> Result<VoucherRow> {
    let o = store::lock_offer(conn, actor.community_id, offer)?
        .ok_or_else(|| Error::not_found("offer"))?;
    let merchant = o.merchant_id.map(|m| m.0);
    let account = ledger::resident_account(conn, actor.community_id, actor.user_id)?;
    let state = OfferState {
        status: o.status.0,
        provider_trades: trades(conn, actor.community_id, merchant)?,
        valid_from: o.valid_from,
        valid_to: o.valid_to,
        stock_left: o.stock_left,
        per_user_limit: o.per_user_limit,
        points_cost: o.points_cost,
    };
    let at = now();
    state.check(&RedemptionCheck {
        held: store::held(conn, offer, actor.user_id)?,
        balance: account.balance,
        now: at,
    })?;
    // Lock order: the offer, then its session, then the accounts (as check-in does).
    if let (Some(session), OfferKind::CourseSeat) = (o.session_id, o.kind.0) {
        let s = activities::lock_session(conn, actor.community_id, session.0)?;
        activities::enrol_in(conn, actor, &s, child_ids, Seat::Reserved)?;
    }
    let to = ledger::provider_account(conn, actor.community_id, merchant)?;
    let voucher_id = canglong_core::new_id();
    let posted = ledger::post(
        conn,
        Entry {
            community: actor.community_id,
            tx: Transaction::transfer(TxKind::Redeem, account.id.0, to, o.points_cost)?,
            key: format!("redeem:{voucher_id}"),
            actor: Some(actor.user_id),
            memo: ledger::memo(format!("兑换：{}", o.title)),
            reverses: None,
            expires_at: None,
            lot: None,
        },
    )?;
    if !store::move_stock(conn, offer, -1)? {
        return Err(Error::conflict(
            "out_of_stock",
            "this offer is out of stock",
        ));
    }
    let row = VoucherRow {
        id: Id(voucher_id),
        community_id: Id(actor.community_id),
        offer_id: o.id,
        merchant_id: o.merchant_id,
        holder_id: Id(actor.user_id),
        code: random_code()?,
        status: Stored(VoucherStatus::Issued),
        points_cost: o.points_cost,
        redeem_transaction_id: posted.tx.id,
        refund_transaction_id: None,
        issued_at: at,
        expires_at: at + chrono::Duration::days(i64::from(o.voucher_valid_days)),
        used_at: None,
        used_by: None,
        closed_at: None,
    };
    store::insert_voucher(conn, &row)?;
    Ok(row)
}

/// Closes an issued voucher as `status` (cancelled, expired, refunded) and gives back what the
/// refund rule says, through a refund transaction keyed by the voucher; the stock returns, and
/// a seat bought with it is given up (refused once attended). Locks the offer, then the
/// session, then the accounts, as redemption does.
pub fn close_with_refund(
    conn: &mut AnyConnection,
    v: &VoucherRow,
    status: VoucherStatus,
    refund_percent: u32,
    actor: Option<Uuid>,
) -> Result<()> {
    let community = v.community_id.0;
    let offer = store::lock_offer(conn, community, v.offer_id.0)?
        .ok_or_else(|| Error::bug("a voucher's offer is missing"))?;
    if let (Some(session), OfferKind::CourseSeat) = (offer.session_id, offer.kind.0) {
        let s = activities::lock_session(conn, community, session.0)?;
        activities::release_seat(conn, &s, v.holder_id.0)?;
    }
    let amount = refund_amount(v.points_cost, refund_percent);
    let mut refund = None;
    if amount > 0 {
        let from = ledger::provider_account(conn, community, v.merchant_id.map(|m| m.0))?;
        let to = ledger::resident_account(conn, community, v.holder_id.0)?
            .id
            .0;
        let posted = ledger::post(
            conn,
            Entry {
                community,
                tx: Transaction::transfer(TxKind::Refund, from, to, amount)?,
                key: format!("refund:{}", v.id.0),
                actor,
                memo: format!("退回券 {} ({})", v.code, status.as_str()),
                reverses: None,
                expires_at: None,
                lot: None,
            },
        )?;
        refund = Some(posted.tx.id.0);
    }
    if !store::close_voucher(conn, v.id.0, status, refund)? {
        // Someone used or closed it first: undone by rolling back the caller's transaction.
        return Err(Error::conflict(
            "voucher_changed",
            "the voucher changed meanwhile; try again",
        ));
    }
    store::move_stock(conn, v.offer_id.0, 1)?;
    Ok(())
}

fn own_voucher(conn: &mut AnyConnection, actor: &Actor, id: Uuid) -> Result<VoucherRow> {
    store::voucher(conn, actor.community_id, id)?
        .filter(|v| v.holder_id.0 == actor.user_id)
        .ok_or_else(|| Error::not_found("voucher"))
}

/// The holder cancels an unused voucher; points come back by the community's refund rule, and
/// a seat bought with it is given up.
pub fn cancel_voucher(conn: &mut AnyConnection, actor: &Actor, id: Uuid) -> Result<VoucherRow> {
    let v = own_voucher(conn, actor, id)?;
    v.status.0.cancel()?;
    let (_, rules, _) = ledger::rules(conn, actor.community_id)?;
    close_with_refund(
        conn,
        &v,
        VoucherStatus::Cancelled,
        rules.refund_percent,
        Some(actor.user_id),
    )?;
    own_voucher(conn, actor, id)
}

/// The holder rates a voucher once it is used, once (the merchant's evaluation reads it).
pub fn rate_voucher(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: Uuid,
    stars: i32,
    comment: &str,
) -> Result<()> {
    let v = own_voucher(conn, actor, id)?;
    if v.status.0 != VoucherStatus::Used {
        return Err(Error::unprocessable(
            "not_used",
            "rate a voucher once you have used it",
        ));
    }
    if store::voucher_rated(conn, id)? {
        return Err(Error::conflict(
            "already_rated",
            "this voucher was already rated",
        ));
    }
    Ok(store::insert_voucher_rating(
        conn,
        &v,
        actor.user_id,
        stars,
        comment,
    )?)
}

/// The holder's issued voucher for a seat in the session, if the seat was bought with points.
pub fn seat_voucher(
    conn: &mut AnyConnection,
    s: &SessionRow,
    holder: Uuid,
) -> Result<Option<VoucherRow>> {
    Ok(store::issued_seat_voucher(conn, s.id.0, holder)?)
}

/// Redeeming a seat and attending it uses the seat's voucher: it cannot then be cancelled.
pub fn use_seat_voucher(conn: &mut AnyConnection, s: &SessionRow, holder: Uuid) -> Result<()> {
    if let Some(v) = seat_voucher(conn, s, holder)? {
        store::use_voucher(conn, v.id.0, holder, now())?;
    }
    Ok(())
}

/// Before a staff member may try a code: refused if they entered too many wrong codes lately;
/// otherwise the merchant whose counter they stand at (none for community staff).
pub fn counter_of(conn: &mut AnyConnection, actor: &Actor) -> Result<Option<Uuid>> {
    let since = now() - chrono::Duration::minutes(GUESS_WINDOW_MINUTES);
    if store::wrong_codes_since(conn, actor.user_id, since)? >= MAX_WRONG_CODES {
        return Err(Error::too_many(
            "too_many_attempts",
            "too many wrong codes; wait a few minutes",
            (GUESS_WINDOW_MINUTES * 60) as u64,
        ));
    }
    if actor.has(Role::MerchantStaff) {
        own_merchant(conn, actor).map(Some)
    } else {
        Ok(None)
    }
}

/// The merchant a merchant-staff caller works for, or 403.
pub fn own_merchant(conn: &mut AnyConnection, actor: &Actor) -> Result<Uuid> {
    if !actor.has(Role::MerchantStaff) {
        return Err(Error::forbidden(
            "forbidden_role",
            "requires merchant staff",
        ));
    }
    store::staff_merchant(conn, actor.user_id)?
        .ok_or_else(|| Error::forbidden("not_bound", "you are not bound to a merchant"))
}

/// 核销: a voucher is used once, only at its own counter, only while valid.
pub fn use_voucher(
    conn: &mut AnyConnection,
    actor: &Actor,
    counter: Option<Uuid>,
    code: &str,
) -> Result<VoucherRow> {
    let v = store::voucher_by_code(conn, code)?
        .filter(|v| v.community_id.0 == actor.community_id && v.merchant_id.map(|m| m.0) == counter)
        .ok_or_else(|| Error::not_found("voucher"))?;
    let at = now();
    let status = v.status.0;
    if let Err(mut e) = status.use_at(v.expires_at, at) {
        if let Some(used) = v.used_at {
            e.message = format!(
                "this voucher was already used at {}",
                canglong_core::local_time(used)
            )
            .into();
        }
        return Err(e.into());
    }
    if !store::use_voucher(conn, v.id.0, actor.user_id, at)? {
        return Err(Error::conflict(
            "voucher_already_used",
            "this voucher was just used",
        ));
    }
    store::record_attempt(
        conn,
        actor.community_id,
        counter,
        actor.user_id,
        Some(v.id.0),
        "used",
    )?;
    store::voucher(conn, actor.community_id, v.id.0)?
        .ok_or_else(|| Error::bug("a used voucher vanished"))
}

/// Logs a refused attempt at the counter (outside the refused transaction). Only a wrong code
/// counts toward [`MAX_WRONG_CODES`].
pub fn log_refusal(
    conn: &mut AnyConnection,
    actor: &Actor,
    counter: Option<Uuid>,
    refusal: &'static str,
) -> Result<()> {
    Ok(store::record_attempt(
        conn,
        actor.community_id,
        counter,
        actor.user_id,
        None,
        refusal,
    )?)
}

/// Withdraws every open offer and refunds every unused voucher in full: one operation, safe to
/// retry (an exited merchant exits again as a no-op, refunding anything left). Takes the locks
/// in the global order: the merchant (locked by the caller), all its offers in id order, then,
/// voucher by voucher, sessions and accounts.
pub fn leave(
    conn: &mut AnyConnection,
    actor: &Actor,
    m: &MerchantRow,
    action: &str,
    reason: &str,
) -> Result<()> {
    let to = m.status.0.exit()?;
    store::lock_offers_of_merchant(conn, m.id.0)?;
    if m.status.0 != to {
        store::set_merchant_status(conn, m.id.0, to)?;
        store::record_merchant_event(
            conn,
            m,
            Some(m.status.0),
            Some(actor.user_id),
            action,
            to.as_str(),
            Some(reason),
        )?;
    }
    store::withdraw_offers(conn, m.id.0)?;
    for v in store::issued_vouchers_of_merchant(conn, m.id.0)? {
        close_with_refund(conn, &v, VoucherStatus::Refunded, 100, Some(actor.user_id))?;
    }
    // The subdistrict filed the merchant; it is told when one leaves.
    let body = format!("「{}」已退出联盟：{reason}", m.name);
    for admin in canglong_persistence::queue::subdistrict_admins(conn, m.community_id.0)? {
        canglong_persistence::notifications::notify(
            conn,
            m.community_id.0,
            admin,
            NoticeKind::MerchantDecided,
            "商户退出",
            &body,
        )?;
    }
    Ok(())
}

/// Leave the alliance (community admin, or the merchant's own staff).
pub fn exit_merchant(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: Uuid,
    reason: &str,
) -> Result<MerchantRow> {
    let m = store::lock_merchant(conn, actor.community_id, id)?
        .ok_or_else(|| Error::not_found("merchant"))?;
    let own = store::staff_merchant(conn, actor.user_id)? == Some(id);
    if !(actor.has(Role::CommunityAdmin) || own) {
        return Err(Error::forbidden(
            "forbidden_role",
            "requires a community admin or the merchant's staff",
        ));
    }
    leave(conn, actor, &m, "exited", reason)?;
    store::merchant(conn, actor.community_id, id)?.ok_or_else(|| Error::bug("merchant vanished"))
}

/// The sweep: an issued voucher past its expiry is closed as expired and refunded by the
/// community's rule. False if it was no longer issued.
pub fn expire_voucher(conn: &mut AnyConnection, community: Uuid, id: Uuid) -> Result<bool> {
    let Some(current) = store::voucher(conn, community, id)? else {
        return Ok(false);
    };
    if current.status.0 != VoucherStatus::Issued {
        return Ok(false);
    }
    let (_, rules, _) = ledger::rules(conn, community)?;
    close_with_refund(
        conn,
        &current,
        VoucherStatus::Expired,
        rules.refund_percent,
        None,
    )?;
    Ok(true)
}

/// Voids the voucher a reversed redemption paid for: refused when it was used (the goods were
/// given) or already closed with a refund (the points came back once).
pub fn void_for_reversal(conn: &mut AnyConnection, v: &VoucherRow) -> Result<()> {
    v.status.0.void()?;
    let offer = store::lock_offer(conn, v.community_id.0, v.offer_id.0)?
        .ok_or_else(|| Error::bug("a voucher's offer is missing"))?;
    if let (Some(session), OfferKind::CourseSeat) = (offer.session_id, offer.kind.0) {
        let s = activities::lock_session(conn, v.community_id.0, session.0)?;
        activities::release_seat(conn, &s, v.holder_id.0)?;
    }
    if !store::void_voucher(conn, v.id.0)? {
        return Err(Error::conflict(
            "voucher_changed",
            "the voucher changed meanwhile; try again",
        ));
    }
    store::move_stock(conn, v.offer_id.0, 1)?;
    Ok(())
}

/// The annual evaluation (年度评估) of a merchant in the alliance, once a year: the year's
/// figures, counted from 1 January in Beijing time by the same computation as the merchants
/// table, are stored with the decision; a merchant that fails leaves the alliance (offers
/// withdrawn, vouchers refunded) in the same transaction.
pub fn evaluate(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: Uuid,
    year: i32,
    decision: EvaluationDecision,
    note: &str,
) -> Result<store::EvaluationRow> {
    canglong_core::past_or_current_year(year, now(), "invalid_year")?;
    let m = store::lock_merchant(conn, actor.community_id, id)?
        .ok_or_else(|| Error::not_found("merchant"))?;
    if !matches!(
        m.status.0,
        MerchantStatus::Active | MerchantStatus::Suspended
    ) {
        return Err(Error::unprocessable(
            "invalid_transition",
            "only a merchant in the alliance is evaluated",
        ));
    }
    if store::evaluations(conn, id)?.iter().any(|x| x.year == year) {
        return Err(Error::conflict(
            "already_evaluated",
            "this year was already evaluated",
        ));
    }
    let f = year_figures(conn, &m, year)?;
    let row = store::insert_evaluation(
        conn,
        &m,
        year,
        decision.as_str(),
        note,
        &canglong_persistence::to_json_text(&f),
        actor.user_id,
    )?;
    if decision == EvaluationDecision::Fail {
        let reason = format!("{year} 年度评估未通过: {note}");
        leave(conn, actor, &m, "evaluation_failed", &reason)?;
    }
    Ok(row)
}

fn year_figures(conn: &mut AnyConnection, m: &MerchantRow, year: i32) -> Result<Figures> {
    let start = |y| {
        chrono::NaiveDate::from_ymd_opt(y, 1, 1)
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map(|t| t - chrono::Duration::hours(8))
            .ok_or_else(|| Error::unprocessable("invalid_year", "no such year"))
    };
    let all =
        crate::stats::merchant_figures(conn, &[m.community_id.0], start(year)?, start(year + 1)?)?;
    let f = all.get(&m.id.0).cloned().unwrap_or_default();
    let ratings = f.stars.len() as i64;
    let average_rating = (ratings > 0)
        .then(|| f.stars.iter().sum::<i64>() as f64 / ratings as f64)
        .map(|a| (a * 100.0).round() / 100.0);
    Ok(Figures {
        vouchers_issued: f.issued,
        vouchers_used: f.used,
        vouchers_expired_unused: f.expired,
        refused_attempts: f.refused,
        ratings,
        average_rating,
        complaints: f.complaints,
    })
}
