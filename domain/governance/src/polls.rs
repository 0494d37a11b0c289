//! Polls: yes/no/abstain or choose up to N of M; one ballot per elector across every channel;
//! the tally unseen until publication; turnout, quorum and the pass rule from the electorate
//! snapshot taken when the poll opened.

use std::collections::BTreeSet;

use canglong_core::{DomainError, NaiveDateTime, Uuid, wire_enum};

wire_enum!(
    PollSubject {
        Topic = "topic",
        Convention = "convention",
        Campaign = "campaign",
    }
);

wire_enum!(
    PollMethod {
        YesNo = "yes_no",
        Choose = "choose",
    }
);

wire_enum!(
    /// From the dates and the publication: draft (not yet open), open, closed (counting, the
    /// tally unseen), published.
    PollStatus {
        Draft = "draft",
        Open = "open",
        Closed = "closed",
        Published = "published",
    }
);

wire_enum!(
    /// How a ballot came in.
    Channel {
        Online = "online",
        Paper = "paper",
        Assisted = "assisted",
    }
);

wire_enum!(
    /// What approval is measured against: the ballots cast, or everyone entitled.
    ApprovalBase {
        Voters = "voters",
        Electorate = "electorate",
    }
);

wire_enum!(
    Outcome {
        Passed = "passed",
        Failed = "failed",
        NoQuorum = "no_quorum",
    }
);

wire_enum!(
    /// A paper tally's first entry waits for the second; they agree (counted) or not (mismatch,
    /// both set aside).
    TallyStatus {
        Pending = "pending",
        Counted = "counted",
        Mismatch = "mismatch",
    }
);

/// The options of a yes/no poll, in this order.
pub const YES_NO: [&str; 3] = ["yes", "no", "abstain"];

/// The pass rule: more than `turnout_over` % of those entitled take part, and more than
/// `approval_over` % of `base` approve. The Organic Law's residents' meeting rule is 50/50 of
/// the voters; bodies differ, so it is the poll's to say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    pub turnout_over: i32,
    pub approval_over: i32,
    pub base: ApprovalBase,
}

impl Rule {
    pub const STATUTORY: Rule = Rule {
        turnout_over: 50,
        approval_over: 50,
        base: ApprovalBase::Voters,
    };
    pub fn check(&self) -> Result<(), DomainError> {
        if (0..=99).contains(&self.turnout_over) && (0..=99).contains(&self.approval_over) {
            Ok(())
        } else {
            Err(DomainError::invalid(
                "invalid_rule",
                "turnout and approval thresholds are percentages from 0 to 99",
            ))
        }
    }
    /// At least as demanding as the statutory rule (a convention is adopted under it).
    pub fn at_least_statutory(&self) -> bool {
        self.turnout_over >= 50 && self.approval_over >= 50
    }
}

/// A poll as set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub method: PollMethod,
    pub options: Vec<String>,
    pub max_choices: i32,
    pub opens_at: NaiveDateTime,
    pub closes_at: NaiveDateTime,
    pub rule: Rule,
}

/// The options a poll offers: yes/no/abstain, or the given 2 to 20 distinct ones.
pub fn options(method: PollMethod, given: &[String]) -> Result<Vec<String>, DomainError> {
    match method {
        PollMethod::YesNo => Ok(YES_NO.iter().map(|s| s.to_string()).collect()),
        PollMethod::Choose => {
            let trimmed: Vec<String> = given.iter().map(|o| o.trim().to_owned()).collect();
            let distinct: BTreeSet<&String> = trimmed.iter().collect();
            if !(2..=20).contains(&trimmed.len())
                || distinct.len() != trimmed.len()
                || trimmed.iter().any(String::is_empty)
            {
                return Err(DomainError::invalid(
                    "invalid_options",
                    "a choice poll offers 2 to 20 distinct, non-empty options",
                ));
            }
            Ok(trimmed)
        }
    }
}

pub fn check_plan(p: &Plan) -> Result<(), DomainError> {
    p.rule.check()?;
    if p.closes_at <= p.opens_at {
        return Err(DomainError::invalid(
            "invalid_window",
            "a poll closes after it opens",
        ));
    }
    let most = match p.method {
        PollMethod::YesNo => 1,
        PollMethod::Choose => p.options.len() as i32,
    };
    if !(1..=most).contains(&p.max_choices) {
        return Err(DomainError::invalid(
            "invalid_options",
            format!("max_choices is 1 to {most}"),
        ));
    }
    Ok(())
}

pub fn status(p: &Plan, published: bool, now: NaiveDateTime) -> PollStatus {
    if published {
        PollStatus::Published
    } else if now < p.opens_at {
        PollStatus::Draft
    } else if now < p.closes_at {
        PollStatus::Open
    } else {
        PollStatus::Closed
    }
}

/// The option indexes a ballot chooses: one of yes/no/abstain, or 1 to `max_choices` distinct
/// options.
pub fn choices(p: &Plan, chosen: &[String]) -> Result<Vec<usize>, DomainError> {
    let mut out = Vec::with_capacity(chosen.len());
    for c in chosen {
        let i = p
            .options
            .iter()
            .position(|o| o == c.trim())
            .ok_or_else(|| {
                DomainError::invalid("invalid_choices", format!("`{c}` is not an option"))
            })?;
        if out.contains(&i) {
            return Err(DomainError::invalid(
                "invalid_choices",
                "each option is chosen at most once",
            ));
        }
        out.push(i);
    }
    if out.is_empty() || out.len() > p.max_choices as usize {
        return Err(DomainError::invalid(
            "invalid_choices",
            format!("choose 1 to {} options", p.max_choices),
        ));
    }
    Ok(out)
}

/// One paper batch as a clerk entered it: who signed the roll, and the count per option.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaperBatch {
    pub voters: BTreeSet<Uuid>,
    pub counts: Vec<i64>,
}

/// A batch adds up: a count per option; no option counted more often than there are ballots;
/// a yes/no batch counts at most one mark per ballot (the rest were spoilt), a choice batch at
/// most `max_choices` per ballot.
pub fn check_batch(p: &Plan, b: &PaperBatch) -> Result<(), DomainError> {
    let n = b.voters.len() as i64;
    // Saturating: a count past any real batch is refused, not overflowed.
    let sum = b.counts.iter().fold(0i64, |a, c| a.saturating_add(*c));
    let bad = b.counts.len() != p.options.len()
        || b.voters.is_empty()
        || b.counts.iter().any(|c| *c < 0 || *c > n)
        || sum > n * i64::from(p.max_choices);
    if bad {
        return Err(DomainError::invalid(
            "invalid_tally",
            "give a count for every option, none above the ballots in the batch",
        ));
    }
    Ok(())
}

/// The second entry of a batch counts only if it is the first's, entered by someone else.
pub fn compare(first: &PaperBatch, second: &PaperBatch) -> TallyStatus {
    if first == second {
        TallyStatus::Counted
    } else {
        TallyStatus::Mismatch
    }
}

/// A published result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Count {
    pub electorate: i64,
    pub ballots: i64,
    pub counts: Vec<i64>,
    /// Turnout in basis points (hundredths of a percent), rounded down.
    pub turnout_bp: i64,
    pub quorum_met: bool,
    pub outcome: Outcome,
}

/// Counts a closed poll. Quorum: ballots × 100 > electorate × turnout_over. A yes/no poll passes
/// when yes × 100 > base × approval_over; a choice poll that met its quorum has carried (its
/// options ranked by votes).
pub fn count(p: &Plan, electorate: i64, ballots: i64, counts: Vec<i64>) -> Count {
    let quorum_met = ballots * 100 > electorate * i64::from(p.rule.turnout_over);
    let outcome = if !quorum_met {
        Outcome::NoQuorum
    } else {
        match p.method {
            PollMethod::Choose => Outcome::Passed,
            PollMethod::YesNo => {
                let base = match p.rule.base {
                    ApprovalBase::Voters => ballots,
                    ApprovalBase::Electorate => electorate,
                };
                if counts[0] * 100 > base * i64::from(p.rule.approval_over) {
                    Outcome::Passed
                } else {
                    Outcome::Failed
                }
            }
        }
    };
    Count {
        electorate,
        ballots,
        turnout_bp: (ballots * 10_000).checked_div(electorate).unwrap_or(0),
        counts,
        quorum_met,
        outcome,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn at(d: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 12, d)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap()
    }

    fn yes_no(rule: Rule) -> Plan {
        Plan {
            method: PollMethod::YesNo,
            options: options(PollMethod::YesNo, &[]).unwrap(),
            max_choices: 1,
            opens_at: at(1),
            closes_at: at(8),
            rule,
        }
    }

    #[test]
    fn the_statutory_rule_is_strictly_more_than_half_twice() {
        let p = yes_no(Rule::STATUTORY);
        // 100 entitled: 50 ballots is not more than half.
        assert_eq!(
            count(&p, 100, 50, vec![50, 0, 0]).outcome,
            Outcome::NoQuorum
        );
        // 51 take part: 26 yes is more than half of 51, 25 is not; abstentions count as present.
        assert_eq!(count(&p, 100, 51, vec![26, 5, 20]).outcome, Outcome::Passed);
        assert_eq!(count(&p, 100, 51, vec![25, 6, 20]).outcome, Outcome::Failed);
        let c = count(&p, 3, 2, vec![2, 0, 0]);
        assert_eq!((c.turnout_bp, c.quorum_met), (6666, true));
        assert_eq!(count(&p, 0, 0, vec![0, 0, 0]).turnout_bp, 0);
    }

    #[test]
    fn other_bodies_other_rules() {
        let two_thirds_of_all = Rule {
            turnout_over: 66,
            approval_over: 66,
            base: ApprovalBase::Electorate,
        };
        let p = yes_no(two_thirds_of_all);
        assert_eq!(count(&p, 90, 80, vec![60, 20, 0]).outcome, Outcome::Passed);
        assert_eq!(count(&p, 90, 80, vec![59, 21, 0]).outcome, Outcome::Failed);
        assert!(two_thirds_of_all.check().is_ok() && two_thirds_of_all.at_least_statutory());
        assert!(
            Rule {
                turnout_over: 100,
                ..Rule::STATUTORY
            }
            .check()
            .is_err()
        );
        let none = Rule {
            turnout_over: 0,
            approval_over: 0,
            base: ApprovalBase::Voters,
        };
        assert!(!none.at_least_statutory());
        assert_eq!(
            count(&yes_no(none), 10, 0, vec![0, 0, 0]).outcome,
            Outcome::NoQuorum
        );
    }

    #[test]
    fn choices_and_windows() {
        let mut p = yes_no(Rule::STATUTORY);
        assert_eq!(choices(&p, &["no".into()]).unwrap(), vec![1]);
        assert!(choices(&p, &["yes".into(), "no".into()]).is_err());
        assert!(choices(&p, &[]).is_err());
        assert!(choices(&p, &["maybe".into()]).is_err());
        p.method = PollMethod::Choose;
        p.options = options(PollMethod::Choose, &["a".into(), " b".into(), "c".into()]).unwrap();
        p.max_choices = 2;
        assert!(check_plan(&p).is_ok());
        assert_eq!(choices(&p, &["c".into(), "b".into()]).unwrap(), vec![2, 1]);
        assert!(choices(&p, &["c".into(), "c".into()]).is_err());
        assert!(options(PollMethod::Choose, &["a".into(), "a".into()]).is_err());
        p.max_choices = 4;
        assert!(check_plan(&p).is_err());
        assert_eq!(status(&p, false, at(1)), PollStatus::Open);
        assert_eq!(status(&p, false, at(8)), PollStatus::Closed);
        assert_eq!(status(&p, true, at(8)), PollStatus::Published);
        assert_eq!(
            status(&p, false, at(1) - chrono::Duration::seconds(1)),
            PollStatus::Draft
        );
    }

    #[test]
    fn paper_batches_agree_or_not() {
        let p = yes_no(Rule::STATUTORY);
        let a = PaperBatch {
            voters: [Uuid::from_u128(1), Uuid::from_u128(2)].into(),
            counts: vec![1, 0, 1],
        };
        assert!(check_batch(&p, &a).is_ok());
        assert!(
            check_batch(
                &p,
                &PaperBatch {
                    counts: vec![2, 1, 0],
                    ..a.clone()
                }
            )
            .is_err()
        );
        assert!(
            check_batch(
                &p,
                &PaperBatch {
                    counts: vec![1, 1],
                    ..a.clone()
                }
            )
            .is_err()
        );
        assert_eq!(compare(&a, &a.clone()), TallyStatus::Counted);
        let b = PaperBatch {
            counts: vec![0, 1, 1],
            ..a.clone()
        };
        assert_eq!(compare(&a, &b), TallyStatus::Mismatch);
    }
}
