//! Quality acceptance (社区验收): verifying a service record credits its points, and the
//! five-star bonus of its need, in the same transaction.

use canglong_core::notice::NoticeKind;
use canglong_core::{Actor, NaiveDateTime, Uuid, now};
use canglong_ledger::{Transaction, TxKind};
use canglong_persistence::service_records::{
    self as store, ServiceRecordRow, StaffRecord, Verification,
};
use canglong_persistence::{
    AnyConnection, ledger as ledger_store, needs, notifications, volunteers,
};
use canglong_volunteers::{Quality, RecordSource, RecordStatus};

use crate::error::{Error, Result};
use crate::ledger::{self, Entry, Posted};

/// What the verifier decided.
#[derive(Debug, Clone)]
pub struct Decision {
    pub pass: bool,
    pub approved_minutes: i32,
    pub note: Option<String>,
}

/// The verified record and the credit it earned (none for honour hours, a fail, or a day
/// already at its cap).
#[derive(Debug, Clone)]
pub struct Verified {
    pub record: ServiceRecordRow,
    pub credit: Option<Posted>,
}

/// Verify a pending service record: never one's own, never before the work ended, at most the
/// minutes reported; a pass credits the points by the rules in force (capped per local day) and,
/// if the need was rated five stars, the bonus; a fail credits nothing and needs a reason.
/// Locks the record, then both accounts in id order.
pub fn verify(conn: &mut AnyConnection, actor: &Actor, id: Uuid, d: Decision) -> Result<Verified> {
    if !d.pass && d.note.as_deref().is_none_or(|n| n.trim().is_empty()) {
        return Err(Error::unprocessable(
            "reason_required",
            "a failed verification needs a note saying why",
        ));
    }
    // The need first (lock order: need, then record): a five-star rating racing this
    // verification then sees it, or is seen by it, and the bonus is neither lost nor doubled.
    let peek = store::get(conn, actor.community_id, id)?
        .ok_or_else(|| Error::not_found("service record"))?;
    if let Some(need) = peek.need_id {
        needs::lock(conn, actor.community_id, need.0)?;
    }
    let record = store::lock(conn, actor.community_id, id)?
        .ok_or_else(|| Error::not_found("service record"))?;
    let volunteer = volunteers::get(conn, actor.community_id, record.volunteer_id.0)?
        .ok_or_else(|| Error::bug("a record's volunteer is missing"))?;
    if volunteer.user_id.0 == actor.user_id {
        return Err(Error::forbidden(
            "own_record",
            "no one verifies their own service",
        ));
    }
    if record.status.0 != RecordStatus::Pending {
        return Err(Error::conflict(
            "already_verified",
            "this record has already been verified",
        ));
    }
    canglong_volunteers::verifiable(record.ended_at, now())?;
    if d.approved_minutes > record.minutes_reported {
        return Err(Error::unprocessable(
            "minutes_exceed_reported",
            "approved minutes cannot exceed those reported",
        ));
    }
    let mut credit = None;
    let outcome = if d.pass {
        let (version, rules, _) = ledger::rules(conn, actor.community_id)?;
        let need = match record.need_id {
            Some(n) => needs::get(conn, actor.community_id, n.0)?,
            None => None,
        };
        let category = need.as_ref().map_or("other", |n| n.category.as_str());
        let mut points = 0;
        if !record.honor {
            let account = ledger::resident_account(conn, actor.community_id, volunteer.user_id.0)?;
            let pool = ledger::community_account(conn, actor.community_id)?;
            // Lock the account before reading today's earnings: concurrent verifications for
            // one volunteer must see each other's credits, or the daily cap leaks. (The pool is
            // never locked.)
            ledger_store::lock_accounts(conn, &[account.id.0])?;
            let today = ledger_store::credited_since(
                conn,
                account.id.0,
                TxKind::Earn.as_str(),
                ledger::local_day_start(now()),
            )?;
            let full = rules.points_for(
                i64::from(d.approved_minutes),
                category,
                &record.beneficiary_group,
            );
            points = rules.capped(full, today);
            if points > 0 {
                let memo = format!("服务 {} 分钟：{}", d.approved_minutes, record.content);
                credit = Some(ledger::post(
                    conn,
                    Entry {
                        community: actor.community_id,
                        tx: Transaction::transfer(TxKind::Earn, pool.id.0, account.id.0, points)?,
                        key: format!("hours:{id}"),
                        actor: Some(actor.user_id),
                        memo: ledger::memo(memo),
                        reverses: None,
                        expires_at: rules.expiry_of(now()),
                        lot: None,
                    },
                )?);
            }
            let five_stars = match &need {
                Some(n) => needs::rating(conn, n.id.0)?.is_some_and(|r| r.stars == 5),
                None => false,
            };
            if five_stars {
                crate::needs::five_star_bonus(conn, actor, &record, volunteer.user_id.0)?;
            }
        }
        Verification {
            status: RecordStatus::Verified,
            minutes_approved: d.approved_minutes,
            quality: Quality::Pass,
            verified_by: actor.user_id,
            note: d.note,
            rules_version: Some(version),
            points: Some(points),
        }
    } else {
        Verification {
            status: RecordStatus::Rejected,
            minutes_approved: 0,
            quality: Quality::Fail,
            verified_by: actor.user_id,
            note: d.note,
            rules_version: None,
            points: None,
        }
    };
    if !store::verify(conn, id, &outcome)? {
        return Err(Error::conflict(
            "already_verified",
            "this record has already been verified",
        ));
    }
    let detail = match &credit {
        Some(_) => format!(
            "{} 分钟服务已核实，{} 积分已入账。",
            outcome.minutes_approved,
            outcome.points.unwrap_or(0)
        ),
        None if outcome.status == RecordStatus::Verified => {
            format!("{} 分钟服务已核实。", outcome.minutes_approved)
        }
        None => "服务记录未通过核实，详情请问社工。".to_string(),
    };
    notifications::notify(
        conn,
        actor.community_id,
        volunteer.user_id.0,
        NoticeKind::ServiceVerified,
        "服务时长核实",
        &detail,
    )?;
    let record = store::get(conn, actor.community_id, id)?
        .ok_or_else(|| Error::bug("a verified record vanished"))?;
    Ok(Verified { record, credit })
}

/// Service done elsewhere, recorded by staff for a volunteer of the community: it has ended
/// (within a phone's clock drift) and overlaps none of the volunteer's other records.
pub struct StaffReport {
    pub volunteer_id: Uuid,
    pub content: String,
    pub beneficiary_group: String,
    pub minutes: i32,
    pub honor: bool,
    pub started_at: Option<NaiveDateTime>,
    /// The resident served, if the service was for one person.
    pub beneficiary_id: Option<Uuid>,
}

pub fn record_by_staff(
    conn: &mut AnyConnection,
    actor: &Actor,
    r: StaffReport,
) -> Result<ServiceRecordRow> {
    let v = volunteers::get(conn, actor.community_id, r.volunteer_id)?
        .ok_or_else(crate::volunteers::unknown_volunteer)?;
    let length = chrono::Duration::minutes(i64::from(r.minutes));
    let start = r.started_at.unwrap_or_else(|| now() - length);
    if start + length > now() + chrono::Duration::minutes(5) {
        return Err(Error::unprocessable(
            "invalid_span",
            "a service cannot end in the future",
        ));
    }
    if store::overlaps(conn, v.id.0, start, start + length)? {
        return Err(overlapping());
    }
    if let Some(b) = r.beneficiary_id {
        crate::residents::of_community(conn, actor.community_id, b)?;
    }
    Ok(store::insert_by_staff(
        conn,
        &StaffRecord {
            community_id: actor.community_id,
            volunteer_id: v.id.0,
            content: r.content,
            beneficiary_group: r.beneficiary_group,
            minutes: r.minutes,
            honor: r.honor,
            recorded_by: actor.user_id,
            started_at: start,
            source: RecordSource::Staff,
            session_id: None,
            beneficiary_id: r.beneficiary_id,
        },
    )?)
}

fn overlapping() -> Error {
    Error::unprocessable(
        "overlapping_service",
        "these minutes are already in another service record",
    )
}

/// The volunteers who worked a session get a pending record for its time, within its slots;
/// each is verified, like any other, once the session has ended.
pub fn record_session_volunteers(
    conn: &mut AnyConnection,
    actor: &Actor,
    session: Uuid,
    mut who: Vec<Uuid>,
) -> Result<Vec<ServiceRecordRow>> {
    who.sort();
    who.dedup();
    let s = canglong_persistence::activities::session(conn, actor.community_id, session)?
        .ok_or_else(|| Error::not_found("session"))?;
    if who.len() > s.volunteer_slots.max(0) as usize {
        return Err(Error::unprocessable(
            "over_capacity",
            "more volunteers than the session's slots",
        ));
    }
    let minutes = (s.ends_at - s.starts_at).num_minutes().clamp(1, 24 * 60) as i32;
    let mut out = vec![];
    for v in who {
        volunteers::get(conn, actor.community_id, v)?
            .ok_or_else(crate::volunteers::unknown_volunteer)?;
        if store::overlaps(conn, v, s.starts_at, s.ends_at)? {
            return Err(overlapping());
        }
        out.push(store::insert_by_staff(
            conn,
            &StaffRecord {
                community_id: actor.community_id,
                volunteer_id: v,
                content: s.title.clone(),
                beneficiary_group: "general".into(),
                minutes,
                honor: false,
                recorded_by: actor.user_id,
                started_at: s.starts_at,
                source: RecordSource::Session,
                session_id: Some(session),
                beneficiary_id: None,
            },
        )?);
    }
    Ok(out)
}
