//! Sessions: enrolment with a waitlist, a seat bought with points, cancellation, and check-in
//! at the door with attendance points.

use canglong_activities::{self as domain, EnrolmentStatus, MAX_CHECKIN_REFUSALS};
use canglong_core::notice::NoticeKind;
use canglong_core::{Actor, Uuid, now};
use canglong_ledger::{BonusKind, Transaction, TxKind};
use canglong_persistence::activities::{self as store, EnrolmentRow, SessionRow};
use canglong_persistence::{AnyConnection, Id, Stored, notifications, to_json_text, write_tx};

use crate::error::{Error, Result};
use crate::ledger::{self, Entry};

/// Seats left in a session, and its waitlist in order.
pub fn seats(conn: &mut AnyConnection, s: &SessionRow) -> Result<(i32, Vec<EnrolmentRow>)> {
    let all = store::enrolments_of(conn, s.id.0)?;
    let taken = all
        .iter()
        .filter(|e| e.status.0 != EnrolmentStatus::Waitlisted)
        .map(|e| e.party_size)
        .sum::<i32>();
    let waitlist = all
        .into_iter()
        .filter(|e| e.status.0 == EnrolmentStatus::Waitlisted)
        .collect();
    Ok((s.capacity - taken, waitlist))
}

/// How an enrolment is made: in its window, or (for a seat bought with points) a seat now.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Seat {
    /// Enrolled if the party fits, else waitlisted; only inside the enrolment window.
    Window,
    /// A seat redeemed from an offer: enrolled now, or refused if the session is full.
    Reserved,
}

/// The session, locked: every seat decision is made under it.
pub fn lock_session(conn: &mut AnyConnection, community: Uuid, id: Uuid) -> Result<SessionRow> {
    store::lock_session(conn, community, id)?.ok_or_else(|| Error::not_found("session"))
}

/// Enrols the person (and their children) in a locked session.
pub fn enrol_in(
    conn: &mut AnyConnection,
    actor: &Actor,
    s: &SessionRow,
    child_ids: &[Uuid],
    how: Seat,
) -> Result<EnrolmentRow> {
    let mine = store::children_of(conn, actor.user_id)?;
    if child_ids.iter().any(|c| !mine.iter().any(|m| m.id.0 == *c)) {
        return Err(Error::not_found("child"));
    }
    let mut children = child_ids.to_vec();
    children.sort();
    children.dedup();
    if store::active_enrolment(conn, s.id.0, actor.user_id)?.is_some() {
        return Err(Error::conflict(
            "already_enrolled",
            "you are already enrolled in this session",
        ));
    }
    let party = 1 + children.len() as i32;
    let (seats_left, _) = seats(conn, s)?;
    let at = now();
    let window = if how == Seat::Reserved {
        (at, at + chrono::Duration::seconds(1))
    } else {
        (s.enrol_from, s.enrol_to)
    };
    let status = domain::enrol(party, seats_left, window, at)?;
    if how == Seat::Reserved && status == EnrolmentStatus::Waitlisted {
        return Err(Error::conflict(
            "session_full",
            "the session has no seat left",
        ));
    }
    let row = EnrolmentRow {
        id: Id(canglong_core::new_id()),
        community_id: s.community_id,
        session_id: s.id,
        user_id: Id(actor.user_id),
        child_ids: to_json_text(&children),
        party_size: party,
        status: Stored(status),
        position: store::next_position(conn, s.id.0)?,
        created_at: at,
        updated_at: at,
    };
    store::insert_enrolment(conn, &row)?;
    Ok(row)
}

/// Enrol yourself and your children in a session: enrolled while seats last, then waitlisted.
pub fn enrol(
    conn: &mut AnyConnection,
    actor: &Actor,
    session: Uuid,
    child_ids: &[Uuid],
) -> Result<EnrolmentRow> {
    let s = lock_session(conn, actor.community_id, session)?;
    enrol_in(conn, actor, &s, child_ids, Seat::Window)
}

/// Gives up a person's seat in a locked session: refused once they attended; the waitlist moves
/// up (those whose party fits, in order) and each promoted resident is notified.
pub fn release_seat(
    conn: &mut AnyConnection,
    s: &SessionRow,
    holder: Uuid,
) -> Result<Option<EnrolmentRow>> {
    let Some(mine) = store::active_enrolment(conn, s.id.0, holder)? else {
        return Ok(None);
    };
    if mine.status.0 == EnrolmentStatus::Attended {
        return Err(Error::unprocessable(
            "seat_attended",
            "an attended session cannot be cancelled",
        ));
    }
    store::set_enrolment_status(conn, mine.id.0, EnrolmentStatus::Cancelled)?;
    let (seats_left, waitlist) = seats(conn, s)?;
    let queue: Vec<(usize, i32)> = waitlist
        .iter()
        .enumerate()
        .map(|(i, w)| (i, w.party_size))
        .collect();
    for i in domain::promote(&queue, seats_left) {
        let w = &waitlist[i];
        store::set_enrolment_status(conn, w.id.0, EnrolmentStatus::Enrolled)?;
        let body = format!("「{}」有了空位，您已从候补转为正式报名。", s.title);
        notifications::notify(
            conn,
            s.community_id.0,
            w.user_id.0,
            NoticeKind::EnrolmentPromoted,
            "候补转正",
            &body,
        )?;
    }
    Ok(Some(EnrolmentRow {
        status: Stored(EnrolmentStatus::Cancelled),
        ..mine
    }))
}

/// Cancel your enrolment. A seat bought with points is given up with its voucher: the voucher
/// is cancelled and refunded by the community's rule, so seat and voucher live and die together.
pub fn cancel_enrolment(
    conn: &mut AnyConnection,
    actor: &Actor,
    session: Uuid,
) -> Result<EnrolmentRow> {
    let s = store::session(conn, actor.community_id, session)?
        .ok_or_else(|| Error::not_found("session"))?;
    // Through the voucher: it locks the offer before the session, like redemption.
    if let Some(v) = crate::alliance::seat_voucher(conn, &s, actor.user_id)? {
        crate::alliance::cancel_voucher(conn, actor, v.id.0)?;
        return latest_cancelled(conn, session, actor.user_id);
    }
    let s = lock_session(conn, actor.community_id, session)?;
    release_seat(conn, &s, actor.user_id)?.ok_or_else(|| Error::not_found("enrolment"))
}

fn latest_cancelled(conn: &mut AnyConnection, session: Uuid, user: Uuid) -> Result<EnrolmentRow> {
    store::latest_enrolment(conn, session, user)?.ok_or_else(|| Error::bug("enrolment vanished"))
}

/// What a check-in earned.
#[derive(Debug, Clone, Copy)]
pub struct Checkin {
    pub people: i32,
    pub points: i64,
}

/// An enrolled resident checks in their party with the code at the door, while the session is
/// on: attendance points and, with children, the parent-child co-learning bonus (亲子共学积分),
/// once per person and session. A wrong code is recorded even though the check-in fails, and
/// after [`MAX_CHECKIN_REFUSALS`] the person must wait for staff: so this opens its own
/// transactions.
pub fn check_in(
    conn: &mut AnyConnection,
    actor: &Actor,
    session: Uuid,
    code: &str,
) -> Result<Checkin> {
    let outcome = write_tx(conn, |c| {
        let s = lock_session(c, actor.community_id, session)?;
        let at = now();
        domain::checkin_open(s.starts_at, s.ends_at, at)?;
        let e = store::active_enrolment(c, session, actor.user_id)?
            .filter(|e| e.status.0 != EnrolmentStatus::Waitlisted)
            .ok_or_else(|| Error::forbidden("not_enrolled", "only enrolled residents check in"))?;
        if store::checkin_refusals(c, session, actor.user_id)? >= MAX_CHECKIN_REFUSALS {
            let wait = (s.ends_at - at).num_seconds().clamp(1, 3600) as u64;
            return Err(Error::too_many(
                "too_many_attempts",
                "too many wrong codes for this session",
                wait,
            ));
        }
        if !domain::checkin_valid(&s.checkin_secret, code.trim(), at) {
            store::record_checkin_refusal(c, actor.community_id, session, actor.user_id)?;
            return Ok(None);
        }
        credit_attendance(c, actor, &s, &e).map(Some)
    })?;
    outcome.ok_or_else(|| {
        Error::unprocessable(
            "invalid_code",
            "the code is wrong or has expired; read the one at the door",
        )
    })
}

fn credit_attendance(
    conn: &mut AnyConnection,
    actor: &Actor,
    s: &SessionRow,
    e: &EnrolmentRow,
) -> Result<Checkin> {
    let id = s.id.0;
    if !store::check_in(conn, actor.community_id, id, actor.user_id, e.party_size)? {
        return Err(Error::conflict(
            "already_checked_in",
            "you have already checked in",
        ));
    }
    store::set_enrolment_status(conn, e.id.0, EnrolmentStatus::Attended)?;
    crate::alliance::use_seat_voucher(conn, s, actor.user_id)?;
    let (_, rules, _) = ledger::rules(conn, actor.community_id)?;
    let co_learning = if e.party_size > 1 {
        rules.bonus(BonusKind::ParentChild)
    } else {
        0
    };
    let pool = ledger::community_account(conn, actor.community_id)?;
    let account = ledger::resident_account(conn, actor.community_id, actor.user_id)?;
    let mut points = 0;
    for (amount, key, memo) in [
        (
            s.attendance_points,
            format!("attend:{id}:{}", actor.user_id),
            format!("参加活动：{}", s.title),
        ),
        (
            co_learning,
            format!("colearn:{id}:{}", actor.user_id),
            format!("亲子共学：{}", s.title),
        ),
    ] {
        if amount <= 0 {
            continue;
        }
        ledger::post(
            conn,
            Entry {
                community: actor.community_id,
                tx: Transaction::transfer(TxKind::Bonus, pool.id.0, account.id.0, amount)?,
                key,
                actor: Some(actor.user_id),
                memo: ledger::memo(memo),
                reverses: None,
                expires_at: rules.expiry_of(now()),
                lot: None,
            },
        )?;
        points += amount;
    }
    Ok(Checkin {
        people: e.party_size,
        points,
    })
}
