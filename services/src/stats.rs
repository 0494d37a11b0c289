//! Figures that a use case stores (the annual evaluation) come from the same computation as
//! the tables the review meeting reads, so the two cannot disagree.

use std::collections::HashMap;

use canglong_core::suggestion::SuggestionCategory;

use canglong_alliance::VoucherStatus;
use canglong_core::{NaiveDateTime, Uuid};
use canglong_persistence::{AnyConnection, stats as store};
use canglong_stats::tables::MerchantFigures;

use crate::error::Result;

/// Each merchant's figures for `[from, to)` in the communities `set`: vouchers issued in the
/// period (used, lapsed unused), the points they took, wrong codes at the counter, ratings and
/// complaints (suggestions of the complaint category naming the merchant).
pub fn merchant_figures(
    conn: &mut AnyConnection,
    set: &[Uuid],
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> Result<HashMap<Uuid, MerchantFigures>> {
    let mut figures: HashMap<Uuid, MerchantFigures> = HashMap::new();
    for v in store::vouchers(conn, set, from, to)? {
        let Some(m) = v.merchant_id else { continue };
        let f = figures.entry(m.0).or_default();
        f.issued += 1;
        match v.status.0 {
            VoucherStatus::Used => f.used += 1,
            VoucherStatus::Expired => f.expired += 1,
            _ => {}
        }
        if matches!(v.status.0, VoucherStatus::Issued | VoucherStatus::Used) {
            f.points += v.points_cost;
        }
    }
    for m in store::refused_attempts(conn, set, from, to)?
        .into_iter()
        .flatten()
    {
        figures.entry(m.0).or_default().refused += 1;
    }
    for (m, stars) in store::merchant_ratings(conn, set, from, to)? {
        if let Some(m) = m {
            figures.entry(m.0).or_default().stars.push(i64::from(stars));
        }
    }
    for s in store::suggestions(conn, set, from, to)? {
        if let (Some(m), SuggestionCategory::Complaint) = (s.merchant_id, s.category.0) {
            figures.entry(m.0).or_default().complaints += 1;
        }
    }
    Ok(figures)
}
