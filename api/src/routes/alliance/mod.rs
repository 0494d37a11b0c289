//! The merchant alliance (藏龙共创联盟): merchants, offers and vouchers.

pub mod merchants;
pub mod offers;
pub mod vouchers;

use canglong_alliance::refund_amount;
use canglong_core::{Actor, Role, Uuid};
use canglong_ledger::{AccountKind, Transaction, TxKind};
use canglong_openapi as wire;
use canglong_persistence::alliance::{self as store, MerchantRow, OfferRow, VoucherRow};
use canglong_persistence::{AnyConnection, ledger as ledger_store};
use utoipa_actix_web::service_config::ServiceConfig;

use super::views::{enum_of, mask_phone, utc};
use crate::ApiError;
use crate::ledger::{self, Entry};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.configure(merchants::configure)
        .configure(offers::configure)
        .configure(vouchers::configure);
}

pub fn merchant_view(m: &MerchantRow) -> Result<wire::Merchant, ApiError> {
    Ok(wire::Merchant {
        id: m.id.0,
        name: m.name.clone(),
        category: m.category.clone(),
        status: enum_of(&m.status)?,
        contact_name: m.contact_name.clone(),
        contact_phone_masked: mask_phone(&m.contact_phone),
        address: m.address.clone(),
        description: m.description.clone(),
        created_at: utc(m.created_at),
    })
}

pub fn offer_view(o: &OfferRow) -> Result<wire::Offer, ApiError> {
    Ok(wire::Offer {
        id: o.id.0,
        provider: o
            .merchant_id
            .map_or_else(|| "community".to_string(), |m| m.0.to_string()),
        merchant_id: o.merchant_id.map(|m| m.0),
        kind: enum_of(&o.kind)?,
        title: o.title.clone(),
        description: o.description.clone(),
        points_cost: o.points_cost,
        stock: o.stock,
        stock_left: o.stock_left,
        per_user_limit: o.per_user_limit,
        valid_from: utc(o.valid_from),
        valid_to: utc(o.valid_to),
        voucher_valid_days: o.voucher_valid_days,
        session_id: o.session_id.map(|s| s.0),
        status: enum_of(&o.status)?,
        review_reason: o.review_reason.clone(),
        created_at: utc(o.created_at),
    })
}

pub fn voucher_view(v: &VoucherRow) -> Result<wire::Voucher, ApiError> {
    Ok(wire::Voucher {
        id: v.id.0,
        code: v.code.clone(),
        offer_id: v.offer_id.0,
        merchant_id: v.merchant_id.map(|m| m.0),
        holder_id: v.holder_id.0,
        status: enum_of(&v.status)?,
        points_cost: v.points_cost,
        issued_at: utc(v.issued_at),
        expires_at: utc(v.expires_at),
        used_at: v.used_at.map(utc),
    })
}

/// The ledger account an offer's points go to: the merchant's, or the community's pool.
pub fn provider_account(
    conn: &mut AnyConnection,
    community: Uuid,
    merchant: Option<Uuid>,
) -> Result<Uuid, ApiError> {
    Ok(match merchant {
        Some(m) => {
            ledger_store::ensure_account(conn, community, AccountKind::Merchant.as_str(), m)?
                .id
                .0
        }
        None => ledger::community_account(conn, community)?.id.0,
    })
}

/// The merchant a merchant-staff caller works for, or 403.
pub fn own_merchant(conn: &mut AnyConnection, actor: &Actor) -> Result<Uuid, ApiError> {
    if !actor.has(Role::MerchantStaff) {
        return Err(ApiError::forbidden(
            "forbidden_role",
            "requires merchant staff",
        ));
    }
    store::staff_merchant(conn, actor.user_id)?
        .ok_or_else(|| ApiError::forbidden("not_bound", "you are not bound to a merchant"))
}

/// Closes an issued voucher as `status` (cancelled, expired, refunded) and gives back what the
/// refund rule says, through a refund transaction keyed by the voucher; the stock returns too.
/// Locks the offer first, then the accounts, as redemption does. False if it was no longer issued.
pub fn close_with_refund(
    conn: &mut AnyConnection,
    v: &VoucherRow,
    status: &str,
    refund_percent: u32,
    actor: Option<Uuid>,
) -> Result<bool, ApiError> {
    let community = v.community_id.0;
    store::lock_offer(conn, community, v.offer_id.0)?;
    let amount = refund_amount(v.points_cost, refund_percent);
    let mut refund = None;
    if amount > 0 {
        let from = provider_account(conn, community, v.merchant_id.map(|m| m.0))?;
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
                memo: format!("退回券 {} ({status})", v.code),
                reverses: None,
                expires_at: None,
                lot: None,
            },
        )?;
        refund = Some(posted.id);
    }
    if !store::close_voucher(conn, v.id.0, status, refund)? {
        // Someone used or closed it first: undo by rolling back the caller's transaction.
        return Err(ApiError::conflict(
            "voucher_changed",
            "the voucher changed meanwhile; try again",
        ));
    }
    store::move_stock(conn, v.offer_id.0, 1)?;
    Ok(true)
}
