use canglong_core::NaiveDateTime;
use canglong_volunteers::Availability;

use crate::{Category, is_micro};

/// What a volunteer offers, for matching against open needs.
#[derive(Debug, Clone)]
pub struct MatchProfile<'a> {
    pub skills: &'a [String],
    pub places: &'a [String],
    pub availability: &'a Availability,
}

/// How well an open need fits a volunteer: skills (the category), place (a preferred building or
/// area prefix), time (availability covers the window start) and, for flexible volunteers such as
/// riders, micro-services. `None` when nothing fits.
pub fn match_score(
    p: &MatchProfile<'_>,
    category: Category,
    place: &str,
    window_start: NaiveDateTime,
    estimated_minutes: i32,
) -> Option<u32> {
    let mut score = 0;
    if p.skills.iter().any(|s| s == category.as_str()) {
        score += 3;
    }
    if p.places
        .iter()
        .any(|pl| !pl.is_empty() && place.starts_with(pl.as_str()))
    {
        score += 2;
    }
    if p.availability.covers(window_start, estimated_minutes) {
        score += 2;
        if matches!(p.availability, Availability::Flexible) && is_micro(estimated_minutes) {
            score += 1;
        }
    }
    (score > 0).then_some(score)
}

#[cfg(test)]
mod tests {
    use super::*;
    use canglong_volunteers::WeeklySlot;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn skill_place_and_time_add_up() {
        let skills = vec!["phone_help".to_string()];
        let places = vec!["3栋".to_string()];
        let weekly = Availability::Weekly(vec![WeeklySlot {
            weekday: 1,
            from: "08:00".into(),
            to: "12:00".into(),
        }]);
        let p = MatchProfile {
            skills: &skills,
            places: &places,
            availability: &weekly,
        };
        assert_eq!(
            match_score(
                &p,
                Category::PhoneHelp,
                "3栋2单元",
                at("2026-03-02 01:00"),
                30
            ),
            Some(7)
        );
        assert_eq!(
            match_score(&p, Category::Repair, "5栋", at("2026-03-03 01:00"), 30),
            None
        );
        let flex = Availability::Flexible;
        let rider = MatchProfile {
            skills: &[],
            places: &[],
            availability: &flex,
        };
        assert_eq!(
            match_score(
                &rider,
                Category::MedicineRun,
                "5栋",
                at("2026-03-03 01:00"),
                15
            ),
            Some(3)
        );
        assert_eq!(
            match_score(
                &rider,
                Category::MedicineRun,
                "5栋",
                at("2026-03-03 01:00"),
                60
            ),
            Some(2)
        );
    }
}
