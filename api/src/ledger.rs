//! The ledger as the wire shows it; posting itself is a use case in `canglong_services::ledger`.

use canglong_openapi as wire;
pub use canglong_services::ledger::*;

use crate::ApiError;
use crate::routes::views::{enum_of, utc};

pub fn view(p: &Posted) -> Result<wire::LedgerTransaction, ApiError> {
    Ok(wire::LedgerTransaction {
        id: p.tx.id.0,
        kind: enum_of(&p.tx.kind)?,
        memo: p.tx.memo.clone(),
        actor_id: p.tx.actor_id.map(|a| a.0),
        reverses_id: p.tx.reverses_id.map(|a| a.0),
        postings: p
            .legs
            .iter()
            .map(|l| wire::PostingView {
                account_id: l.account_id,
                amount: l.amount,
                balance_after: l.balance_after,
            })
            .collect(),
        created_at: utc(p.tx.created_at),
    })
}
