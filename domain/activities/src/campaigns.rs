//! Civility campaigns (文明线): an activity campaign's phases; a collection campaign's (十佳好家规)
//! entries and their review, the public vote (one ballot per resident, bursts of new accounts
//! flagged for review rather than counted) and the result with an optional jury.

use std::collections::HashSet;

use canglong_core::{DomainError, NaiveDateTime, Uuid, wire_enum};

wire_enum!(
    CampaignKind {
        Activity = "activity",
        Collection = "collection",
    }
);

wire_enum!(
    /// Where a campaign is, from its dates (and, for a collection, its publication).
    Phase {
        Upcoming = "upcoming",
        Running = "running",
        Ended = "ended",
        Collecting = "collecting",
        Voting = "voting",
        Counting = "counting",
        Published = "published",
    }
);

wire_enum!(
    /// submitted → approved | returned | rejected → shortlisted → chosen | mentioned |
    /// not_chosen; disqualified at any point after approval, before publication.
    EntryStatus {
        Submitted = "submitted",
        Approved = "approved",
        Returned = "returned",
        Rejected = "rejected",
        Shortlisted = "shortlisted",
        Chosen = "chosen",
        Mentioned = "mentioned",
        NotChosen = "not_chosen",
        Disqualified = "disqualified",
    }
);

wire_enum!(
    /// A reviewer's decision on an entry (`score`: the jury's score of a shortlisted one).
    EntryDecision {
        Approve = "approve",
        Return = "return",
        Reject = "reject",
        Shortlist = "shortlist",
        Score = "score",
        Disqualify = "disqualify",
    }
);

wire_enum!(
    /// A ballot counts, or waits for a reviewer (flagged), who counts or discards it.
    BallotStatus {
        Counted = "counted",
        Flagged = "flagged",
        Discarded = "discarded",
    }
);

/// How many entries are chosen, and how many after them are mentioned.
pub const CHOSEN: usize = 10;
pub const MENTIONED: usize = 5;
/// The most choices a campaign may allow on one ballot.
pub const MAX_CHOICES: i32 = 20;

/// A campaign's dates and rules as staff set them.
#[derive(Debug, Clone, Copy)]
pub struct Plan {
    pub kind: CampaignKind,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub voting: Option<(NaiveDateTime, NaiveDateTime)>,
    pub max_choices: i32,
    pub jury_weight: i32,
}

/// A campaign ends after it starts; a collection votes within its period, after entries open.
pub fn check_plan(p: &Plan) -> Result<(), DomainError> {
    let invalid = |m: &'static str| Err(DomainError::invalid("invalid_campaign", m));
    if p.ends_at <= p.starts_at {
        return invalid("a campaign ends after it starts");
    }
    match (p.kind, p.voting) {
        (CampaignKind::Activity, Some(_)) => {
            invalid("an activity campaign has no vote (voting dates are for a collection)")
        }
        (CampaignKind::Activity, None) => Ok(()),
        (CampaignKind::Collection, None) => invalid("a collection needs its voting dates"),
        (CampaignKind::Collection, Some((opens, closes))) => {
            if !(p.starts_at < opens && opens < closes && closes <= p.ends_at) {
                return invalid(
                    "entries open at the start, then voting opens and closes, within the campaign",
                );
            }
            if !(1..=MAX_CHOICES).contains(&p.max_choices) || !(0..=100).contains(&p.jury_weight) {
                return invalid("max_choices is 1 to 20, jury_weight 0 to 100 (percent)");
            }
            Ok(())
        }
    }
}

/// The phase at `now`.
pub fn phase(p: &Plan, published: bool, now: NaiveDateTime) -> Phase {
    if now < p.starts_at {
        return Phase::Upcoming;
    }
    match p.voting {
        None if now < p.ends_at => Phase::Running,
        None => Phase::Ended,
        Some(_) if published => Phase::Published,
        Some((opens, _)) if now < opens => Phase::Collecting,
        Some((_, closes)) if now < closes => Phase::Voting,
        Some(_) => Phase::Counting,
    }
}

/// Refuses unless the campaign is in `want` now.
pub fn require_phase(is: Phase, want: Phase, what: &'static str) -> Result<(), DomainError> {
    if is == want {
        Ok(())
    } else {
        Err(DomainError::invalid(
            "wrong_phase",
            format!(
                "{what} only while the campaign is {} (it is {})",
                want.as_str(),
                is.as_str()
            ),
        ))
    }
}

/// The next status of an entry, or why not.
pub fn decide(s: EntryStatus, d: EntryDecision) -> Result<EntryStatus, DomainError> {
    use EntryDecision as D;
    use EntryStatus as S;
    Ok(match (s, d) {
        (S::Submitted, D::Approve) => S::Approved,
        (S::Submitted, D::Return) => S::Returned,
        (S::Submitted, D::Reject) => S::Rejected,
        (S::Approved, D::Shortlist) => S::Shortlisted,
        (S::Shortlisted, D::Score) => S::Shortlisted,
        (S::Approved | S::Shortlisted, D::Disqualify) => S::Disqualified,
        _ => {
            return Err(DomainError::invalid(
                "invalid_transition",
                format!("an entry {} cannot be given `{}`", s.as_str(), d.as_str()),
            ));
        }
    })
}

/// Which phases a decision belongs to: review before the vote, the jury's score during or
/// after it, disqualification until publication.
pub fn decision_phase(d: EntryDecision, p: Phase) -> Result<(), DomainError> {
    use EntryDecision as D;
    let fits = match d {
        D::Approve | D::Return | D::Reject | D::Shortlist => p == Phase::Collecting,
        D::Score => matches!(p, Phase::Voting | Phase::Counting),
        D::Disqualify => matches!(p, Phase::Collecting | Phase::Voting | Phase::Counting),
    };
    if fits {
        Ok(())
    } else {
        Err(DomainError::invalid(
            "wrong_phase",
            format!(
                "`{}` does not fit a campaign that is {}",
                d.as_str(),
                p.as_str()
            ),
        ))
    }
}

/// Two entries say the same thing if they match once spaces and punctuation are gone.
pub fn same_text(a: &str, b: &str) -> bool {
    let norm = |s: &str| -> String {
        s.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect()
    };
    norm(a) == norm(b)
}

/// The entries a ballot chooses: 1 to `max` distinct shortlisted entries.
pub fn check_choices(
    choices: &[Uuid],
    max: i32,
    shortlisted: &HashSet<Uuid>,
) -> Result<(), DomainError> {
    let distinct: HashSet<&Uuid> = choices.iter().collect();
    if choices.is_empty() || distinct.len() != choices.len() || choices.len() > max as usize {
        return Err(DomainError::invalid(
            "invalid_choices",
            format!("choose 1 to {max} different entries"),
        ));
    }
    if !choices.iter().all(|c| shortlisted.contains(c)) {
        return Err(DomainError::invalid(
            "invalid_choices",
            "only the shortlisted entries of this campaign can be chosen",
        ));
    }
    Ok(())
}

/// An account younger than this is new.
pub const NEW_ACCOUNT_DAYS: i64 = 7;
/// A burst: this many ballots from new accounts within the window before a ballot.
pub const BURST_BALLOTS: i64 = 10;
pub const BURST_MINUTES: i64 = 10;

/// Why a ballot waits for review instead of counting: a new account voting in a burst of
/// ballots from new accounts (`recent_new` such ballots in the last `BURST_MINUTES`).
pub fn flag(
    account_created: NaiveDateTime,
    at: NaiveDateTime,
    recent_new: i64,
) -> Option<&'static str> {
    let new = at - account_created < chrono::Duration::days(NEW_ACCOUNT_DAYS);
    (new && recent_new >= BURST_BALLOTS).then_some("new_account_burst")
}

/// A shortlisted entry's tally.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tally {
    pub id: Uuid,
    pub votes: i64,
    pub jury_score: Option<i32>,
}

/// An entry's result: its score (hundredths of a point out of 100), rank and status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Placed {
    pub id: Uuid,
    pub score: i64,
    pub rank: i32,
    pub status: EntryStatus,
}

/// The public share is an entry's votes against the most any entry got (×100); the score is
/// `(100 − w) %` of it plus `w %` of the jury's score (0–100, none = 0). Ranked by score, then
/// votes, then the earlier entry; the first ten are chosen, the next five mentioned.
pub fn place(tallies: &[Tally], jury_weight: i32) -> Vec<Placed> {
    let top = tallies.iter().map(|t| t.votes).max().unwrap_or(0);
    let w = i64::from(jury_weight);
    let mut scored: Vec<(i64, &Tally)> = tallies
        .iter()
        .map(|t| {
            let public = if top == 0 { 0 } else { t.votes * 10_000 / top };
            let jury = i64::from(t.jury_score.unwrap_or(0)) * 100;
            ((100 - w) * public / 100 + w * jury / 100, t)
        })
        .collect();
    scored.sort_by(|a, b| {
        b.0.cmp(&a.0)
            .then(b.1.votes.cmp(&a.1.votes))
            .then(a.1.id.cmp(&b.1.id))
    });
    scored
        .into_iter()
        .enumerate()
        .map(|(i, (score, t))| Placed {
            id: t.id,
            score,
            rank: i as i32 + 1,
            status: if i < CHOSEN {
                EntryStatus::Chosen
            } else if i < CHOSEN + MENTIONED {
                EntryStatus::Mentioned
            } else {
                EntryStatus::NotChosen
            },
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(h: i64) -> NaiveDateTime {
        chrono::DateTime::from_timestamp(h * 3600, 0)
            .unwrap()
            .naive_utc()
    }

    fn collection() -> Plan {
        Plan {
            kind: CampaignKind::Collection,
            starts_at: t(0),
            ends_at: t(100),
            voting: Some((t(50), t(90))),
            max_choices: 10,
            jury_weight: 30,
        }
    }

    #[test]
    fn the_plan_and_its_phases() {
        let c = collection();
        assert!(check_plan(&c).is_ok());
        assert!(
            check_plan(&Plan {
                voting: Some((t(50), t(101))),
                ..c
            })
            .is_err()
        );
        assert!(check_plan(&Plan { voting: None, ..c }).is_err());
        assert!(
            check_plan(&Plan {
                max_choices: 0,
                ..c
            })
            .is_err()
        );
        assert!(
            check_plan(&Plan {
                jury_weight: 101,
                ..c
            })
            .is_err()
        );
        let a = Plan {
            kind: CampaignKind::Activity,
            voting: None,
            ..c
        };
        assert!(check_plan(&a).is_ok());
        assert!(
            check_plan(&Plan {
                voting: c.voting,
                ..a
            })
            .is_err()
        );
        let at = |h| phase(&c, false, t(h));
        assert_eq!(
            [at(-1), at(10), at(60), at(95)],
            [
                Phase::Upcoming,
                Phase::Collecting,
                Phase::Voting,
                Phase::Counting
            ]
        );
        assert_eq!(phase(&c, true, t(95)), Phase::Published);
        assert_eq!(
            [phase(&a, false, t(10)), phase(&a, false, t(100))],
            [Phase::Running, Phase::Ended]
        );
    }

    #[test]
    fn entries_move_one_way() {
        use EntryDecision as D;
        use EntryStatus as S;
        assert_eq!(decide(S::Submitted, D::Approve).unwrap(), S::Approved);
        assert_eq!(decide(S::Approved, D::Shortlist).unwrap(), S::Shortlisted);
        assert_eq!(
            decide(S::Shortlisted, D::Disqualify).unwrap(),
            S::Disqualified
        );
        assert!(decide(S::Submitted, D::Shortlist).is_err());
        assert!(decide(S::Submitted, D::Disqualify).is_err());
        assert!(decide(S::Rejected, D::Approve).is_err());
        assert!(decide(S::Chosen, D::Disqualify).is_err());
    }

    #[test]
    fn decisions_fit_their_phase_and_duplicates_are_seen() {
        assert!(decision_phase(EntryDecision::Shortlist, Phase::Collecting).is_ok());
        assert!(decision_phase(EntryDecision::Shortlist, Phase::Voting).is_err());
        assert!(decision_phase(EntryDecision::Score, Phase::Counting).is_ok());
        assert!(decision_phase(EntryDecision::Disqualify, Phase::Published).is_err());
        assert!(same_text("孝敬父母，和睦邻里。", "孝敬父母 和睦邻里"));
        assert!(!same_text("孝敬父母", "勤俭持家"));
    }

    #[test]
    fn choices_are_distinct_shortlisted_and_few() {
        let ids: Vec<Uuid> = (1..=12).map(Uuid::from_u128).collect();
        let short: HashSet<Uuid> = ids[..11].iter().copied().collect();
        assert!(check_choices(&ids[..10], 10, &short).is_ok());
        assert!(check_choices(&ids[..11], 10, &short).is_err());
        assert!(check_choices(&[], 10, &short).is_err());
        assert!(check_choices(&[ids[0], ids[0]], 10, &short).is_err());
        assert!(check_choices(&[ids[11]], 10, &short).is_err());
    }

    #[test]
    fn a_burst_of_new_accounts_is_flagged() {
        assert_eq!(flag(t(0), t(1), BURST_BALLOTS), Some("new_account_burst"));
        assert_eq!(flag(t(0), t(1), BURST_BALLOTS - 1), None);
        assert_eq!(flag(t(0), t(24 * NEW_ACCOUNT_DAYS), BURST_BALLOTS), None);
    }

    #[test]
    fn the_jury_weighs_in_and_ten_are_chosen() {
        let entries: Vec<Tally> = (1..=17)
            .map(|i| Tally {
                id: Uuid::from_u128(i),
                votes: i as i64 * 10,
                jury_score: None,
            })
            .collect();
        let placed = place(&entries, 0);
        assert_eq!(placed[0].id, Uuid::from_u128(17));
        assert_eq!(placed[0].score, 10_000);
        assert_eq!(
            placed
                .iter()
                .filter(|p| p.status == EntryStatus::Chosen)
                .count(),
            10
        );
        assert_eq!(
            placed
                .iter()
                .filter(|p| p.status == EntryStatus::Mentioned)
                .count(),
            5
        );
        assert_eq!(placed[16].status, EntryStatus::NotChosen);
        // A jury's 100 lifts an entry with half the top votes above one with 90 %.
        let two = [
            Tally {
                id: Uuid::from_u128(1),
                votes: 90,
                jury_score: Some(0),
            },
            Tally {
                id: Uuid::from_u128(2),
                votes: 50,
                jury_score: Some(100),
            },
            Tally {
                id: Uuid::from_u128(3),
                votes: 100,
                jury_score: Some(0),
            },
        ];
        let p = place(&two, 50);
        assert_eq!(p[0].id, Uuid::from_u128(2));
        assert_eq!(p[0].score, 7_500);
        // Ties: more votes, then the earlier entry.
        let tie = [
            Tally {
                id: Uuid::from_u128(9),
                votes: 0,
                jury_score: None,
            },
            Tally {
                id: Uuid::from_u128(8),
                votes: 0,
                jury_score: None,
            },
        ];
        assert_eq!(place(&tie, 0)[0].id, Uuid::from_u128(8));
    }
}
