//! The merchant alliance (藏龙共创联盟): merchants, offers and vouchers.

pub mod merchants;
pub mod offers;
pub mod vouchers;

use canglong_openapi as wire;
use canglong_persistence::alliance::{MerchantRow, OfferRow, VoucherRow};
use utoipa_actix_web::service_config::ServiceConfig;

use super::views::{enum_of, mask_phone, utc};
use crate::ApiError;

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
