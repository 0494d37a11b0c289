//! Figures that a use case stores (the annual evaluation) come from the same computation as
//! the tables the review meeting reads, so the two cannot disagree.

use std::collections::{BTreeMap, HashMap};

use canglong_core::suggestion::SuggestionCategory;

use canglong_alliance::VoucherStatus;
use canglong_core::{NaiveDateTime, Uuid};
use canglong_persistence::{AnyConnection, rollups, stats as store, write_tx};
use canglong_stats::tables::MerchantFigures;
use canglong_stats::{day_start, local_date, point_flow};
use chrono::{Duration, NaiveDate};

use crate::error::Result;

/// How long after a local day ends its points are folded: no transaction stays open that long,
/// so nothing is written into a folded day afterwards.
const FOLD_AFTER_HOURS: i64 = 1;

/// Folds each community's closed local days of points issued and redeemed into the rollup the
/// overview reads; returns how many days were folded. Each community is its own transaction,
/// and passes in several processes fold the same sums, so repeating a pass is harmless.
pub fn fold_points(conn: &mut AnyConnection, at: NaiveDateTime) -> Result<usize> {
    let through = local_date(at - Duration::hours(FOLD_AFTER_HOURS)) - Duration::days(1);
    let mut folded = 0;
    for community in rollups::communities(conn)? {
        folded += write_tx(conn, |c| fold_community(c, community.0, through))?;
    }
    Ok(folded)
}

fn fold_community(
    conn: &mut AnyConnection,
    community: Uuid,
    through: NaiveDate,
) -> diesel::QueryResult<usize> {
    let start = match rollups::last_folded(conn, community)? {
        Some(d) => d + Duration::days(1),
        None => match rollups::first_movement(conn, community)? {
            Some(t) => local_date(t),
            None => return Ok(0),
        },
    };
    if start > through {
        return Ok(0);
    }
    let mut days: BTreeMap<NaiveDate, (i64, i64)> = start
        .iter_days()
        .take_while(|d| *d <= through)
        .map(|d| (d, (0, 0)))
        .collect();
    let end = day_start(through + Duration::days(1));
    for (kind, amount, at) in rollups::flows(conn, community, day_start(start), end)? {
        let (issued, redeemed) = point_flow(&kind, amount);
        let day = days.entry(local_date(at)).or_default();
        day.0 += issued;
        day.1 += redeemed;
    }
    let rows: Vec<_> = days.into_iter().map(|(d, (i, r))| (d, i, r)).collect();
    rollups::store_folded(conn, community, &rows)?;
    Ok(rows.len())
}

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
