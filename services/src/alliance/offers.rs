//! The alliance's offers: created by a merchant's staff or the community, reviewed by the
//! community, paused, resumed or withdrawn by whoever manages them.

use canglong_alliance::{OfferKind, OfferStatus};
use canglong_core::{Actor, NaiveDateTime, Role, Uuid, now};
use canglong_persistence::alliance::{self as store, OfferRow};
use canglong_persistence::{AnyConnection, Id, Stored};

use crate::error::{Error, Result};

/// An offer as its creator describes it.
#[derive(Debug, Clone)]
pub struct OfferDraft {
    /// `community`, or a merchant id; none: the caller's own (or, for an admin, the community).
    pub provider: Option<String>,
    pub kind: OfferKind,
    pub title: String,
    pub description: String,
    pub points_cost: i64,
    pub stock: i32,
    pub per_user_limit: i32,
    pub valid_from: NaiveDateTime,
    pub valid_to: NaiveDateTime,
    pub voucher_valid_days: i32,
    pub session_id: Option<Uuid>,
}

fn unknown_provider(detail: &'static str) -> Error {
    Error::unprocessable("unknown_provider", detail)
}

/// Who provides an offer created by this caller: their own merchant, or (for an admin) the
/// community or an active merchant of it.
fn provider_of(
    conn: &mut AnyConnection,
    actor: &Actor,
    provider: Option<&str>,
) -> Result<Option<Uuid>> {
    let merchant = if actor.has(Role::CommunityAdmin) {
        match provider {
            None | Some("community") => return Ok(None),
            Some(p) => Uuid::try_parse(p)
                .map_err(|_| unknown_provider("provider is `community` or a merchant id"))?,
        }
    } else {
        let mine = crate::alliance::own_merchant(conn, actor)?;
        if provider.is_some_and(|p| p != mine.to_string()) {
            return Err(Error::forbidden(
                "not_your_merchant",
                "merchant staff create offers of their own merchant",
            ));
        }
        mine
    };
    let m = store::merchant(conn, actor.community_id, merchant)?
        .ok_or_else(|| unknown_provider("no such merchant"))?;
    if !m.status.0.trades() {
        return Err(Error::unprocessable(
            "merchant_inactive",
            "the merchant is not active",
        ));
    }
    Ok(Some(merchant))
}

/// Create an offer; it waits for the community's review before residents see it.
pub fn create(conn: &mut AnyConnection, actor: &Actor, o: OfferDraft) -> Result<OfferRow> {
    canglong_alliance::check_offer(o.valid_from, o.valid_to, o.stock, o.per_user_limit)?;
    let merchant = provider_of(conn, actor, o.provider.as_deref())?;
    let at = now();
    let row = OfferRow {
        id: Id(canglong_core::new_id()),
        community_id: Id(actor.community_id),
        merchant_id: merchant.map(Id),
        kind: Stored(o.kind),
        title: o.title,
        description: o.description,
        points_cost: o.points_cost,
        stock: o.stock,
        stock_left: o.stock,
        per_user_limit: o.per_user_limit,
        valid_from: o.valid_from,
        valid_to: o.valid_to,
        voucher_valid_days: o.voucher_valid_days,
        session_id: o.session_id.map(Id),
        status: Stored(OfferStatus::PendingReview),
        created_by: Some(Id(actor.user_id)),
        reviewed_by: None,
        review_reason: None,
        created_at: at,
        updated_at: at,
    };
    store::insert_offer(conn, &row)?;
    Ok(row)
}

/// Whether the caller manages the offer (community admin, or its merchant's staff).
pub fn manages(conn: &mut AnyConnection, actor: &Actor, o: &OfferRow) -> Result<bool> {
    if actor.has(Role::CommunityAdmin) {
        return Ok(true);
    }
    Ok(o.merchant_id.is_some()
        && store::staff_merchant(conn, actor.user_id)? == o.merchant_id.map(|m| m.0))
}

fn reread(conn: &mut AnyConnection, actor: &Actor, id: Uuid) -> Result<OfferRow> {
    store::offer(conn, actor.community_id, id)?.ok_or_else(|| Error::bug("an offer vanished"))
}

/// Community admin: approve (→ active) or reject an offer, with a reason for a rejection.
pub fn review(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: Uuid,
    approve: bool,
    reason: Option<String>,
) -> Result<OfferRow> {
    super::merchants::reason_for(approve, reason.clone())?;
    let o = store::lock_offer(conn, actor.community_id, id)?
        .ok_or_else(|| Error::not_found("offer"))?;
    let to = o.status.0.review(approve)?;
    store::set_offer_status(conn, id, to, Some(actor.user_id), reason.as_deref())?;
    reread(conn, actor, id)
}

/// Pause, resume or withdraw an offer (its merchant's staff or a community admin). Vouchers
/// already issued stay valid.
pub fn set_status(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: Uuid,
    to: OfferStatus,
    reason: Option<&str>,
) -> Result<OfferRow> {
    let o = store::lock_offer(conn, actor.community_id, id)?
        .ok_or_else(|| Error::not_found("offer"))?;
    if !manages(conn, actor, &o)? {
        return Err(Error::forbidden(
            "forbidden_role",
            "only the offer's merchant or a community admin",
        ));
    }
    let to = o.status.0.set(to)?;
    store::set_offer_status(
        conn,
        id,
        to,
        o.reviewed_by.map(|r| r.0),
        reason.or(o.review_reason.as_deref()),
    )?;
    reread(conn, actor, id)
}
