//! The self-governance tables of the review meeting: topics raised and settled with the median
//! days to settle and decisions carried out on time, by month; and every poll published with its
//! turnout and outcome.

use std::collections::BTreeMap;

use canglong_core::{NaiveDateTime, Uuid};
use canglong_governance::polls::{Outcome, PollSubject};

use crate::tables::{Cell, Table};
use crate::{median, month_of};

pub const TOPIC_GROUPS: &[&str] = &["month"];

/// A topic's dates, as the figures read them.
#[derive(Debug, Clone, Copy)]
pub struct TopicFacts {
    pub raised_at: NaiveDateTime,
    /// When it was disposed of: screened out, voted down, lapsed, or carried out.
    pub settled_at: Option<NaiveDateTime>,
    /// A publicised decision's deadline, and when it was carried out.
    pub deadline: Option<NaiveDateTime>,
    pub done_at: Option<NaiveDateTime>,
}

#[derive(Default)]
struct Month {
    raised: i64,
    settled_days: Vec<f64>,
    due: i64,
    on_time: i64,
}

fn within(t: NaiveDateTime, from: NaiveDateTime, to: NaiveDateTime) -> bool {
    t >= from && t < to
}

/// By local month of the period, and a `total` row: topics raised; topics settled and the
/// median days from raising to settling (of those settled that month); decisions whose
/// deadline fell that month, and those carried out by it (done at or before the deadline).
pub fn topics(list: &[TopicFacts], from: NaiveDateTime, to: NaiveDateTime) -> Table {
    let mut months: BTreeMap<String, Month> = BTreeMap::new();
    let mut total = Month::default();
    for t in list {
        if within(t.raised_at, from, to) {
            months.entry(month_of(t.raised_at)).or_default().raised += 1;
            total.raised += 1;
        }
        if let Some(s) = t.settled_at.filter(|s| within(*s, from, to)) {
            let days = (s - t.raised_at).num_minutes() as f64 / 1440.0;
            months
                .entry(month_of(s))
                .or_default()
                .settled_days
                .push(days);
            total.settled_days.push(days);
        }
        if let Some(d) = t.deadline.filter(|d| within(*d, from, to)) {
            let kept = t.done_at.is_some_and(|x| x <= d);
            let m = months.entry(month_of(d)).or_default();
            m.due += 1;
            m.on_time += i64::from(kept);
            total.due += 1;
            total.on_time += i64::from(kept);
        }
    }
    let row = |label: String, mut m: Month| {
        let round = |x: f64| (x * 10.0).round() / 10.0;
        vec![
            Cell::Text(label),
            Cell::Int(m.raised),
            Cell::Int(m.settled_days.len() as i64),
            median(&mut m.settled_days).map_or(Cell::Empty, |d| Cell::Num(round(d))),
            Cell::Int(m.due),
            Cell::Int(m.on_time),
            if m.due == 0 {
                Cell::Empty
            } else {
                Cell::Num(round(m.on_time as f64 * 100.0 / m.due as f64))
            },
        ]
    };
    let mut rows: Vec<Vec<Cell>> = months.into_iter().map(|(k, m)| row(k, m)).collect();
    rows.push(row("total".into(), total));
    Table {
        group_by: "month",
        columns: vec![
            "month",
            "raised",
            "settled",
            "median_days_to_settle",
            "decisions_due",
            "carried_out_on_time",
            "on_time_percent",
        ],
        rows,
    }
}

/// A published poll, as its table row reads it.
#[derive(Debug, Clone)]
pub struct PollFacts {
    pub id: Uuid,
    pub question: String,
    pub subject: PollSubject,
    pub published_at: NaiveDateTime,
    pub electorate: i64,
    pub ballots: i64,
    pub outcome: Outcome,
}

/// Every poll published in the period: electorate (when it opened), ballots, turnout in
/// percent, and the outcome under its rule.
pub fn polls(list: &[PollFacts]) -> Table {
    let rows = list
        .iter()
        .map(|p| {
            let turnout = (p.ballots * 10_000)
                .checked_div(p.electorate)
                .map_or(Cell::Empty, |bp| Cell::Num(bp as f64 / 100.0));
            vec![
                Cell::Text(p.id.to_string()),
                Cell::Text(p.question.clone()),
                Cell::Text(p.subject.as_str().to_string()),
                Cell::Text(crate::local_date(p.published_at).to_string()),
                Cell::Int(p.electorate),
                Cell::Int(p.ballots),
                turnout,
                Cell::Text(p.outcome.as_str().to_string()),
            ]
        })
        .collect();
    Table {
        group_by: "none",
        columns: vec![
            "poll_id",
            "question",
            "subject",
            "published_on",
            "electorate",
            "ballots",
            "turnout_percent",
            "outcome",
        ],
        rows,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn t(m: u32, d: u32) -> NaiveDateTime {
        // Noon UTC is 20:00 the same day in Beijing.
        NaiveDate::from_ymd_opt(2026, m, d)
            .unwrap()
            .and_hms_opt(12, 0, 0)
            .unwrap()
    }

    #[test]
    fn raised_settled_and_on_time_by_month() {
        let list = [
            // Raised in March, settled in April after 20 days, done before its deadline.
            TopicFacts {
                raised_at: t(3, 20),
                settled_at: Some(t(4, 9)),
                deadline: Some(t(4, 30)),
                done_at: Some(t(4, 9)),
            },
            // Raised in April, rejected after 2 days.
            TopicFacts {
                raised_at: t(4, 1),
                settled_at: Some(t(4, 3)),
                deadline: None,
                done_at: None,
            },
            // Raised in April, its deadline in April missed.
            TopicFacts {
                raised_at: t(4, 2),
                settled_at: None,
                deadline: Some(t(4, 20)),
                done_at: None,
            },
            // Before the period: not counted as raised.
            TopicFacts {
                raised_at: t(1, 5),
                settled_at: None,
                deadline: None,
                done_at: None,
            },
        ];
        let table = topics(&list, t(3, 1), t(5, 1));
        assert_eq!(
            table.rows[0],
            vec![
                Cell::Text("2026-03".into()),
                Cell::Int(1),
                Cell::Int(0),
                Cell::Empty,
                Cell::Int(0),
                Cell::Int(0),
                Cell::Empty
            ]
        );
        assert_eq!(
            table.rows[1],
            vec![
                Cell::Text("2026-04".into()),
                Cell::Int(2),
                Cell::Int(2),
                Cell::Num(11.0),
                Cell::Int(2),
                Cell::Int(1),
                Cell::Num(50.0)
            ]
        );
        assert_eq!(table.rows[2][0], Cell::Text("total".into()));
        assert_eq!(table.rows[2][1], Cell::Int(3));
    }

    #[test]
    fn turnout_per_poll() {
        let p = PollFacts {
            id: Uuid::nil(),
            question: "q".into(),
            subject: PollSubject::Topic,
            published_at: t(4, 1),
            electorate: 3,
            ballots: 2,
            outcome: Outcome::Passed,
        };
        let table = polls(&[
            p.clone(),
            PollFacts {
                electorate: 0,
                ballots: 0,
                ..p
            },
        ]);
        assert_eq!(table.rows[0][6], Cell::Num(66.66));
        assert_eq!(table.rows[1][6], Cell::Empty);
        assert_eq!(table.rows[0][3], Cell::Text("2026-04-01".into()));
    }
}
