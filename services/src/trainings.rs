//! Trainings: staff schedule them, each newly recorded attendee earns the training bonus once,
//! and attendees give feedback once.

use canglong_activities::check_windows;
use canglong_core::{Actor, NaiveDateTime, Uuid, new_id, now};
use canglong_ledger::{BonusKind, Transaction, TxKind};
use canglong_persistence::trainings::TrainingRow;
use canglong_persistence::{AnyConnection, Id, Stored, trainings as store, volunteers};
use canglong_volunteers::TrainerKind;

use crate::error::{Error, Result};
use crate::ledger::{self, Entry};

/// Who was recorded now, and who had been already (recording them again does nothing twice).
#[derive(Debug, Clone, Default)]
pub struct Attendance {
    pub recorded: Vec<Uuid>,
    pub already_recorded: Vec<Uuid>,
}

pub fn record_attendance(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: Uuid,
    mut who: Vec<Uuid>,
) -> Result<Attendance> {
    who.sort();
    who.dedup();
    let t =
        store::get(conn, actor.community_id, id)?.ok_or_else(|| Error::not_found("training"))?;
    if store::attendees(conn, id)?.len() + who.len() > t.capacity as usize {
        return Err(Error::unprocessable(
            "over_capacity",
            "more attendees than the training's capacity",
        ));
    }
    let (_, rules, _) = ledger::rules(conn, actor.community_id)?;
    let bonus = rules.bonus(BonusKind::Training);
    let mut out = Attendance::default();
    for v in who {
        let vol = volunteers::get(conn, actor.community_id, v)?
            .ok_or_else(crate::volunteers::unknown_volunteer)?;
        if store::attended(conn, id, v)? {
            out.already_recorded.push(v);
            continue;
        }
        let mut tx_id = None;
        if bonus > 0 {
            let pool = ledger::community_account(conn, actor.community_id)?;
            let account = ledger::resident_account(conn, actor.community_id, vol.user_id.0)?;
            let posted = ledger::post(
                conn,
                Entry {
                    community: actor.community_id,
                    tx: Transaction::transfer(TxKind::Bonus, pool.id.0, account.id.0, bonus)?,
                    key: format!("training:{id}:{v}"),
                    actor: Some(actor.user_id),
                    memo: ledger::memo(format!("培训：{}", t.topic)),
                    reverses: None,
                    expires_at: rules.expiry_of(now()),
                    lot: None,
                },
            )?;
            tx_id = Some(posted.tx.id.0);
        }
        store::record_attendance(conn, &t, v, actor.user_id, tx_id)?;
        out.recorded.push(v);
    }
    Ok(out)
}

/// A training as staff schedule it.
#[derive(Debug, Clone)]
pub struct TrainingDraft {
    pub topic: String,
    pub trainer: String,
    pub trainer_kind: TrainerKind,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub place: String,
    pub capacity: i32,
}

pub fn schedule(conn: &mut AnyConnection, actor: &Actor, t: TrainingDraft) -> Result<TrainingRow> {
    check_windows(&[(t.starts_at, t.ends_at)])?;
    let row = TrainingRow {
        id: Id(new_id()),
        community_id: Id(actor.community_id),
        topic: t.topic,
        trainer: t.trainer,
        trainer_kind: Stored(t.trainer_kind),
        starts_at: t.starts_at,
        ends_at: t.ends_at,
        place: t.place,
        capacity: t.capacity,
        created_by: Id(actor.user_id),
        created_at: now(),
    };
    store::insert(conn, &row)?;
    Ok(row)
}

/// An attendee's stars and comment on a training, once.
pub fn give_feedback(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: Uuid,
    stars: i32,
    comment: &str,
) -> Result<TrainingRow> {
    let t =
        store::get(conn, actor.community_id, id)?.ok_or_else(|| Error::not_found("training"))?;
    let not_attendee = || Error::forbidden("not_attendee", "only attendees give feedback");
    let v = volunteers::by_user(conn, actor.user_id)?
        .filter(|v| v.community_id.0 == actor.community_id)
        .ok_or_else(not_attendee)?;
    if !store::attended(conn, id, v.id.0)? {
        return Err(not_attendee());
    }
    if store::feedback(conn, id)?
        .iter()
        .any(|x| x.volunteer_id == v.id)
    {
        return Err(Error::conflict(
            "already_rated",
            "you already gave feedback on this training",
        ));
    }
    store::insert_feedback(conn, &t, v.id.0, stars, comment)?;
    Ok(t)
}
