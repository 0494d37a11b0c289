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

/// An open need as ranking sees it.
#[derive(Debug, Clone)]
pub struct Candidate<K> {
    pub key: K,
    pub category: Category,
    pub place: String,
    pub window_start: NaiveDateTime,
    pub estimated_minutes: i32,
}

/// Orders the needs that fit, best first: for a volunteer with flexible availability (a rider
/// between deliveries) micro-services come first; then the higher [`match_score`]; then the
/// need waiting longest (candidates are given oldest first). Needs that do not fit are left out.
pub fn rank<K: Clone>(p: &MatchProfile<'_>, candidates: &[Candidate<K>]) -> Vec<(K, u32)> {
    let flexible = matches!(p.availability, Availability::Flexible);
    let mut scored: Vec<(bool, u32, usize, &Candidate<K>)> = candidates
        .iter()
        .enumerate()
        .filter_map(|(age, c)| {
            let score = match_score(p, c.category, &c.place, c.window_start, c.estimated_minutes)?;
            Some((flexible && is_micro(c.estimated_minutes), score, age, c))
        })
        .collect();
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2)));
    scored
        .into_iter()
        .map(|(_, score, _, c)| (c.key.clone(), score))
        .collect()
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

#[cfg(test)]
mod ranking {
    use super::*;
    use canglong_volunteers::WeeklySlot;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    fn need(
        key: &'static str,
        category: Category,
        place: &str,
        minutes: i32,
    ) -> Candidate<&'static str> {
        Candidate {
            key,
            category,
            place: place.into(),
            window_start: at("2026-03-02 01:00"),
            estimated_minutes: minutes,
        }
    }

    #[test]
    fn riders_see_micro_services_first_then_the_best_fit_then_the_oldest() {
        let skills = vec!["repair".to_string()];
        let places = vec!["3栋".to_string()];
        let flex = Availability::Flexible;
        let rider = MatchProfile {
            skills: &skills,
            places: &places,
            availability: &flex,
        };
        let needs = [
            need("old-repair-near", Category::Repair, "3栋1单元", 60), // 3+2+2 = 7
            need("micro-far", Category::MedicineRun, "9栋", 15),       // 2+1 = 3, micro
            need("micro-near", Category::MedicineRun, "3栋2单元", 10), // 2+2+1 = 5, micro
            need("new-repair-near", Category::Repair, "3栋3单元", 60), // 7
            need("far-long", Category::Tutoring, "9栋", 90),           // 2
        ];
        let order: Vec<_> = rank(&rider, &needs).into_iter().map(|(k, _)| k).collect();
        assert_eq!(
            order,
            [
                "micro-near",
                "micro-far",
                "old-repair-near",
                "new-repair-near",
                "far-long"
            ]
        );
    }

    #[test]
    fn weekly_volunteers_rank_by_fit_and_skip_what_does_not_fit() {
        let skills = vec!["tutoring".to_string()];
        let weekly = Availability::Weekly(vec![WeeklySlot {
            weekday: 1,
            from: "08:00".into(),
            to: "12:00".into(),
        }]);
        let teacher = MatchProfile {
            skills: &skills,
            places: &[],
            availability: &weekly,
        };
        let mut sunday = need("sunday-tutoring", Category::Tutoring, "8栋", 60);
        sunday.window_start = at("2026-03-01 01:00");
        let needs = [
            need("micro-errand", Category::Errand, "3栋", 15), // fits the time only: 2
            need("monday-tutoring", Category::Tutoring, "8栋", 60), // 3 + 2
            sunday,                                            // skill only: 3
            need("long-repair", Category::Repair, "3栋", 300), // fits nothing
        ];
        let ranked = rank(&teacher, &needs);
        assert_eq!(
            ranked,
            vec![
                ("monday-tutoring", 5),
                ("sunday-tutoring", 3),
                ("micro-errand", 2)
            ]
        );
    }
}
