//! Merchant admission (三级审核): a resident applies, the community reviews, the subdistrict files
//! (备案); staff are bound to their shop. Exits and evaluations are in the parent module.

use canglong_alliance::MerchantStatus;
use canglong_core::notice::NoticeKind;
use canglong_core::{Actor, Role, Uuid, now};
use canglong_persistence::alliance::{self as store, MerchantRow};
use canglong_persistence::{AnyConnection, Id, Stored, notifications, people};

use crate::error::{Error, Result};

/// A refusal says why: the reason, trimmed to none when blank, or 422 `reason_required`.
pub fn reason_for(approve: bool, reason: Option<String>) -> Result<Option<String>> {
    let reason = reason.filter(|r| !r.trim().is_empty());
    if !approve && reason.is_none() {
        return Err(Error::unprocessable(
            "reason_required",
            "say why when refusing",
        ));
    }
    Ok(reason)
}

/// What an applicant tells about the shop.
#[derive(Debug, Clone)]
pub struct Application {
    pub name: String,
    pub licence_no: String,
    pub contact_name: String,
    pub contact_phone: String,
    pub address: String,
    pub category: String,
    pub description: String,
}

/// Apply to join the alliance: the merchant waits for the community's review.
pub fn apply(conn: &mut AnyConnection, actor: &Actor, a: Application) -> Result<MerchantRow> {
    if !a.contact_phone.chars().all(|c| c.is_ascii_digit()) {
        return Err(Error::unprocessable(
            "invalid_phone",
            "contact_phone must be 11 digits",
        ));
    }
    let at = now();
    let row = MerchantRow {
        id: Id(canglong_core::new_id()),
        community_id: Id(actor.community_id),
        name: a.name,
        licence_no: a.licence_no,
        contact_name: a.contact_name,
        contact_phone: a.contact_phone,
        address: a.address,
        category: a.category,
        description: a.description,
        status: Stored(MerchantStatus::Applied),
        applicant_id: Some(Id(actor.user_id)),
        created_at: at,
        updated_at: at,
    };
    store::insert_merchant(conn, &row)?;
    store::record_merchant_event(
        conn,
        &row,
        None,
        Some(actor.user_id),
        "applied",
        MerchantStatus::Applied.as_str(),
        None,
    )?;
    Ok(row)
}

/// Moves a locked merchant to `to`, records the step and tells the applicant.
fn decide(
    conn: &mut AnyConnection,
    actor: &Actor,
    m: &MerchantRow,
    to: MerchantStatus,
    action: &str,
    reason: Option<&str>,
) -> Result<MerchantRow> {
    store::set_merchant_status(conn, m.id.0, to)?;
    store::record_merchant_event(
        conn,
        m,
        Some(m.status.0),
        Some(actor.user_id),
        action,
        to.as_str(),
        reason,
    )?;
    tell_applicant(conn, m, to, reason)?;
    store::merchant(conn, m.community_id.0, m.id.0)?
        .ok_or_else(|| Error::bug("a merchant vanished"))
}

/// Community admin: approve or reject an application (or one the subdistrict returned).
pub fn review(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: Uuid,
    approve: bool,
    reason: Option<String>,
) -> Result<MerchantRow> {
    let reason = reason_for(approve, reason)?;
    let m = store::lock_merchant(conn, actor.community_id, id)?
        .ok_or_else(|| Error::not_found("merchant"))?;
    let to = m.status.0.review(approve)?;
    decide(conn, actor, &m, to, "reviewed", reason.as_deref())
}

/// Subdistrict admin: file (备案) a community-approved merchant of one of its communities,
/// making it active, or return it to the community.
pub fn file(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: Uuid,
    approve: bool,
    reason: Option<String>,
) -> Result<MerchantRow> {
    let reason = reason_for(approve, reason)?;
    let found = store::merchant_anywhere(conn, id)?.ok_or_else(|| Error::not_found("merchant"))?;
    if !people::same_subdistrict(conn, actor.community_id, found.community_id.0)? {
        return Err(Error::not_found("merchant"));
    }
    let m = store::lock_merchant(conn, found.community_id.0, id)?
        .ok_or_else(|| Error::bug("a merchant vanished"))?;
    let to = m.status.0.file(approve)?;
    decide(conn, actor, &m, to, "filed", reason.as_deref())
}

/// Community admin: bind a person of the community as the merchant's staff (they may then
/// manage its offers and verify its vouchers); binding the same person again does nothing.
pub fn bind_staff(conn: &mut AnyConnection, actor: &Actor, id: Uuid, user: Uuid) -> Result<()> {
    store::merchant(conn, actor.community_id, id)?.ok_or_else(|| Error::not_found("merchant"))?;
    let person = people::find_user(conn, user)?
        .filter(|u| u.community_id.0 == actor.community_id)
        .ok_or_else(|| Error::unprocessable("unknown_user", "no such person in this community"))?;
    match store::staff_merchant(conn, user)? {
        Some(m) if m == id => return Ok(()),
        Some(_) => {
            return Err(Error::conflict(
                "already_bound",
                "this person already serves another merchant",
            ));
        }
        None => {}
    }
    store::bind_staff(conn, person.id.0, id, actor.community_id)?;
    people::grant_role(
        conn,
        person.id.0,
        actor.community_id,
        Role::MerchantStaff.as_str(),
    )?;
    Ok(())
}

/// Tells whoever applied for the merchant how the community or subdistrict decided.
fn tell_applicant(
    conn: &mut AnyConnection,
    m: &MerchantRow,
    to: MerchantStatus,
    reason: Option<&str>,
) -> Result<()> {
    let Some(applicant) = m.applicant_id else {
        return Ok(());
    };
    let outcome = match to {
        MerchantStatus::CommunityApproved => "已通过社区审核，待街道备案",
        MerchantStatus::Active => "已完成街道备案，正式加入联盟",
        MerchantStatus::Rejected => "未通过审核",
        MerchantStatus::Returned => "被退回补充材料",
        _ => "状态已更新",
    };
    let body = match reason {
        Some(r) => format!("「{}」{outcome}。说明：{r}", m.name),
        None => format!("「{}」{outcome}。", m.name),
    };
    notifications::notify(
        conn,
        m.community_id.0,
        applicant.0,
        NoticeKind::MerchantDecided,
        "商户申请结果",
        &body,
    )?;
    Ok(())
}
