//! Training attendance: each newly recorded attendee earns the training bonus once.

use canglong_core::{Actor, Uuid, now};
use canglong_ledger::{BonusKind, Transaction, TxKind};
use canglong_persistence::{AnyConnection, trainings as store, volunteers};

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
            .ok_or_else(|| Error::not_found("volunteer"))?;
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
