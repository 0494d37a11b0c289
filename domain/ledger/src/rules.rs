use std::collections::BTreeMap;

use canglong_core::{DomainError, NaiveDateTime};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// How reported minutes are brought to whole units before they are valued.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rounding {
    /// 40 minutes at a 15-minute unit count as 30.
    Down,
    /// 40 minutes count as 45; 37 as 30.
    Nearest,
    /// 40 minutes count as 45.
    Up,
}

/// Extra points for taking part, beyond service hours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BonusKind {
    Training,
    ParentChild,
    HighRating,
}

/// A community's earning rules. Multipliers are percentages (150 = ×1.5) by need category or
/// target group; the larger applicable multiplier of each table applies, and the two multiply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rules {
    pub points_per_hour: i64,
    pub unit_minutes: i64,
    pub rounding: Rounding,
    #[serde(default)]
    pub category_multipliers: BTreeMap<String, u32>,
    #[serde(default)]
    pub target_group_multipliers: BTreeMap<String, u32>,
    /// The most service points one volunteer may earn in a day (bonuses not counted).
    pub daily_cap: Option<i64>,
    pub training_bonus: i64,
    pub parent_child_bonus: i64,
    /// Given to each volunteer of a need rated 5 stars.
    pub high_rating_bonus: i64,
    /// Points expire at the end of the Nth year after the year they were earned; `None` keeps
    /// them.
    pub expiry_years: Option<u32>,
    /// How much of a voucher's price comes back when it is cancelled or expires unused (percent).
    #[serde(default = "full_refund")]
    pub refund_percent: u32,
}

fn full_refund() -> u32 {
    100
}

impl Default for Rules {
    fn default() -> Self {
        Self {
            points_per_hour: 10,
            unit_minutes: 15,
            rounding: Rounding::Down,
            category_multipliers: BTreeMap::new(),
            target_group_multipliers: BTreeMap::new(),
            daily_cap: Some(80),
            training_bonus: 5,
            parent_child_bonus: 5,
            high_rating_bonus: 2,
            expiry_years: None,
            refund_percent: 100,
        }
    }
}

const MAX_MINUTES: i64 = 24 * 60;

impl Rules {
    pub fn validate(&self) -> Result<(), DomainError> {
        let bad = |m: &'static str| Err(DomainError::invalid("invalid_rules", m));
        if !(1..=1000).contains(&self.points_per_hour) {
            return bad("points_per_hour must be 1 to 1000");
        }
        if !(1..=240).contains(&self.unit_minutes) {
            return bad("unit_minutes must be 1 to 240");
        }
        let mults = self
            .category_multipliers
            .values()
            .chain(self.target_group_multipliers.values());
        if mults.clone().any(|m| !(1..=1000).contains(m)) {
            return bad("multipliers are percentages from 1 to 1000");
        }
        if self.daily_cap.is_some_and(|c| !(1..=100_000).contains(&c)) {
            return bad("daily_cap must be 1 to 100000");
        }
        if [
            self.training_bonus,
            self.parent_child_bonus,
            self.high_rating_bonus,
        ]
        .iter()
        .any(|b| !(0..=1000).contains(b))
        {
            return bad("bonuses must be 0 to 1000");
        }
        if self.refund_percent > 100 {
            return bad("refund_percent must be 0 to 100");
        }
        if self.expiry_years.is_some_and(|y| !(1..=10).contains(&y)) {
            return bad("expiry_years must be 1 to 10");
        }
        Ok(())
    }

    /// Minutes counted after bringing them to whole units.
    pub fn counted_minutes(&self, minutes: i64) -> i64 {
        let m = minutes.clamp(0, MAX_MINUTES);
        let u = self.unit_minutes;
        let units = match self.rounding {
            Rounding::Down => m / u,
            Rounding::Up => (m + u - 1) / u,
            Rounding::Nearest => (m + u / 2) / u,
        };
        units * u
    }

    /// The points that `minutes` of approved service of this category and target group earn,
    /// before the daily cap. Exact integer arithmetic; fractions of a point are dropped.
    pub fn points_for(&self, minutes: i64, category: &str, target_group: &str) -> i64 {
        let counted = i128::from(self.counted_minutes(minutes));
        let cat = i128::from(*self.category_multipliers.get(category).unwrap_or(&100));
        let grp = i128::from(
            *self
                .target_group_multipliers
                .get(target_group)
                .unwrap_or(&100),
        );
        let points = counted * i128::from(self.points_per_hour) * cat * grp / (60 * 100 * 100);
        i64::try_from(points).unwrap_or(i64::MAX)
    }

    /// What the daily cap leaves of `points` when `earned_today` were already earned.
    pub fn capped(&self, points: i64, earned_today: i64) -> i64 {
        match self.daily_cap {
            Some(cap) => points.min((cap - earned_today).max(0)),
            None => points,
        }
    }

    pub fn bonus(&self, kind: BonusKind) -> i64 {
        match kind {
            BonusKind::Training => self.training_bonus,
            BonusKind::ParentChild => self.parent_child_bonus,
            BonusKind::HighRating => self.high_rating_bonus,
        }
    }

    /// When points earned at `earned_at` lapse: the start of the year after the Nth year after
    /// earning (UTC), or never.
    pub fn expiry_of(&self, earned_at: NaiveDateTime) -> Option<NaiveDateTime> {
        let years = self.expiry_years?;
        let year = earned_at.year() + years as i32 + 1;
        NaiveDate::from_ymd_opt(year, 1, 1).and_then(|d| d.and_hms_opt(0, 0, 0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn thirty_hours_of_riding_earn_three_hundred_points() {
        // 小吴 served 30 hours, an hour at a time, at the default 10 points an hour.
        let r = Rules {
            daily_cap: None,
            ..Rules::default()
        };
        let total: i64 = (0..30)
            .map(|_| r.points_for(60, "medicine_run", "elderly"))
            .sum();
        assert_eq!(total, 300);
        // A single record never counts more than a day.
        assert_eq!(r.points_for(30 * 60, "medicine_run", "elderly"), 240);
    }

    #[test]
    fn units_rounding_and_multipliers() {
        let mut r = Rules::default();
        assert_eq!(r.counted_minutes(40), 30);
        assert_eq!(r.points_for(40, "repair", "general"), 5);
        r.rounding = Rounding::Nearest;
        assert_eq!(r.counted_minutes(37), 30);
        assert_eq!(r.counted_minutes(38), 45);
        r.rounding = Rounding::Up;
        assert_eq!(r.counted_minutes(31), 45);
        r.target_group_multipliers.insert("elderly".into(), 150);
        r.category_multipliers.insert("medicine_run".into(), 200);
        assert_eq!(r.points_for(60, "medicine_run", "elderly"), 30);
        assert_eq!(r.points_for(60, "repair", "elderly"), 15);
    }

    #[test]
    fn daily_cap_and_expiry() {
        let r = Rules::default();
        assert_eq!(r.capped(30, 60), 20);
        assert_eq!(r.capped(30, 90), 0);
        assert_eq!(r.expiry_of(NaiveDateTime::default()), None);
        let r = Rules {
            expiry_years: Some(2),
            ..Rules::default()
        };
        let earned = NaiveDate::from_ymd_opt(2026, 3, 1)
            .unwrap()
            .and_hms_opt(8, 0, 0)
            .unwrap();
        assert_eq!(
            r.expiry_of(earned),
            NaiveDate::from_ymd_opt(2029, 1, 1)
                .unwrap()
                .and_hms_opt(0, 0, 0)
        );
    }

    #[test]
    fn invalid_rules_are_refused() {
        assert!(
            Rules {
                unit_minutes: 0,
                ..Rules::default()
            }
            .validate()
            .is_err()
        );
        assert!(
            Rules {
                daily_cap: Some(0),
                ..Rules::default()
            }
            .validate()
            .is_err()
        );
        assert!(Rules::default().validate().is_ok());
    }

    proptest! {
        /// The arithmetic never overflows or panics, and the volunteer never loses more than one
        /// unit's worth (plus the dropped fraction) to rounding, nor gains more than one unit.
        #[test]
        fn rounding_never_costs_more_than_one_unit(
            minutes in -100i64..3000,
            pph in 1i64..=1000,
            unit in 1i64..=240,
            cat in 1u32..=1000,
            grp in 1u32..=1000,
            rounding in prop_oneof![Just(Rounding::Down), Just(Rounding::Nearest), Just(Rounding::Up)],
        ) {
            let mut r = Rules { points_per_hour: pph, unit_minutes: unit, rounding, ..Rules::default() };
            r.category_multipliers.insert("c".into(), cat);
            r.target_group_multipliers.insert("g".into(), grp);
            let got = i128::from(r.points_for(minutes, "c", "g"));
            let m = i128::from(minutes.clamp(0, 24 * 60));
            let value = |mins: i128| mins * i128::from(pph) * i128::from(cat) * i128::from(grp);
            let denom = 60 * 100 * 100;
            // got*denom is within [value(m - unit) - denom, value(m + unit)]
            prop_assert!(got * denom >= value(m - i128::from(unit)) - denom);
            prop_assert!(got * denom <= value(m + i128::from(unit)));
            prop_assert!(got >= 0);
        }
    }
}
