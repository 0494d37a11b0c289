//! The tables behind the review meetings: rows grouped by month, team, category… Each builder
//! names the groupings it knows; anything else is refused with the list.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use canglong_core::{NaiveDateTime, Uuid};

use canglong_activities::associations::AssociationKind;
use canglong_activities::campaigns::{BallotStatus, CampaignKind};
use canglong_activities::spaces::PlaceKind;
use canglong_needs::TargetGroup;

use crate::{Checkin, Moves, Need, Project, Record, median, month_of};

#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Int(i64),
    Num(f64),
    Empty,
}

#[derive(Debug, Clone)]
pub struct Table {
    pub group_by: &'static str,
    pub columns: Vec<&'static str>,
    pub rows: Vec<Vec<Cell>>,
}

/// The grouping asked for, if the table knows it (the first is the default).
pub fn grouping(
    asked: Option<&str>,
    known: &'static [&'static str],
) -> Result<&'static str, &'static [&'static str]> {
    match asked {
        None => Ok(known[0]),
        Some(a) => known.iter().copied().find(|k| *k == a).ok_or(known),
    }
}

pub const VOLUNTEER_GROUPS: &[&str] = &["month", "team"];
pub const NEED_GROUPS: &[&str] = &["month", "category", "target_group"];
pub const SERVED_GROUPS: &[&str] = &["target_group", "month"];
pub const POINT_GROUPS: &[&str] = &["month", "kind"];
pub const SUGGESTION_GROUPS: &[&str] = &["category", "month", "status"];
pub const SINGLE: &[&str] = &["none"];

fn hours(minutes: i64) -> Cell {
    Cell::Num((minutes as f64 / 60.0 * 100.0).round() / 100.0)
}

/// Hours by month or by team (a volunteer in two teams counts in both; `—` is no team).
pub fn volunteers(
    records: &[Record],
    teams_of: &HashMap<Uuid, Vec<String>>,
    group_by: &'static str,
) -> Table {
    let mut groups: BTreeMap<String, (BTreeSet<Uuid>, i64, i64)> = BTreeMap::new();
    let no_team = vec!["—".to_string()];
    for r in records {
        let keys = if group_by == "team" {
            teams_of.get(&r.volunteer_id).unwrap_or(&no_team).clone()
        } else {
            vec![month_of(r.created_at)]
        };
        for k in keys {
            let g = groups.entry(k).or_default();
            g.0.insert(r.volunteer_id);
            g.1 += 1;
            g.2 += r.minutes;
        }
    }
    Table {
        group_by,
        columns: vec![group_by, "volunteers", "records", "minutes", "hours"],
        rows: groups
            .into_iter()
            .map(|(k, (v, n, m))| {
                vec![
                    Cell::Text(k),
                    Cell::Int(v.len() as i64),
                    Cell::Int(n),
                    Cell::Int(m),
                    hours(m),
                ]
            })
            .collect(),
    }
}

/// Needs posted / claimed / fulfilled, time to first claim and ratings.
pub fn needs(
    needs: &[Need],
    first_claim: &HashMap<Uuid, NaiveDateTime>,
    ratings: &HashMap<Uuid, i64>,
    group_by: &'static str,
) -> Table {
    let mut groups: BTreeMap<String, Vec<&Need>> = BTreeMap::new();
    for n in needs {
        let k = match group_by {
            "category" => n.category.clone(),
            "target_group" => n.target_group.clone(),
            _ => month_of(n.created_at),
        };
        groups.entry(k).or_default().push(n);
    }
    let rows = groups
        .into_iter()
        .map(|(k, ns)| {
            let status = |s: &str| ns.iter().filter(|n| n.status == s).count() as i64;
            let mut waits: Vec<f64> = ns
                .iter()
                .filter_map(|n| {
                    first_claim
                        .get(&n.id)
                        .map(|c| (*c - n.created_at).num_seconds() as f64 / 60.0)
                })
                .collect();
            let stars: Vec<i64> = ns
                .iter()
                .filter_map(|n| ratings.get(&n.id).copied())
                .collect();
            vec![
                Cell::Text(k),
                Cell::Int(ns.len() as i64),
                Cell::Int(waits.len() as i64),
                Cell::Int(ns.iter().filter(|n| n.fulfilled()).count() as i64),
                Cell::Int(status("cancelled")),
                Cell::Int(status("expired")),
                median(&mut waits).map_or(Cell::Empty, |m| Cell::Num((m * 10.0).round() / 10.0)),
                Cell::Int(stars.len() as i64),
                if stars.is_empty() {
                    Cell::Empty
                } else {
                    let avg = stars.iter().sum::<i64>() as f64 / stars.len() as f64;
                    Cell::Num((avg * 100.0).round() / 100.0)
                },
            ]
        })
        .collect();
    Table {
        group_by,
        columns: vec![
            group_by,
            "posted",
            "claimed",
            "fulfilled",
            "cancelled",
            "expired",
            "median_minutes_to_claim",
            "ratings",
            "average_rating",
        ],
        rows,
    }
}

/// People served (verified records) per target group (一老一小一新) or month.
pub fn served(records: &[Record], group_by: &'static str) -> Table {
    let mut groups: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    for r in records {
        let k = if group_by == "month" {
            month_of(r.created_at)
        } else {
            r.beneficiary_group.clone()
        };
        let g = groups.entry(k).or_default();
        g.0 += 1;
        g.1 += r.minutes;
    }
    Table {
        group_by,
        columns: vec![group_by, "person_times", "minutes"],
        rows: groups
            .into_iter()
            .map(|(k, (n, m))| vec![Cell::Text(k), Cell::Int(n), Cell::Int(m)])
            .collect(),
    }
}

/// Points moved on residents' accounts by month (with the balance held at each month's end) or
/// by transaction kind, from the sums of [`Moves`] grouped the same way.
pub fn points(moves: &[Moves], outstanding_before: i64, group_by: &'static str) -> Table {
    if group_by == "kind" {
        let mut groups: BTreeMap<String, (i64, i64)> = BTreeMap::new();
        for m in moves {
            let g = groups.entry(m.tx_kind.clone()).or_default();
            g.0 += m.credits;
            g.1 += m.debits;
        }
        return Table {
            group_by,
            columns: vec!["kind", "credited", "debited"],
            rows: groups
                .into_iter()
                .map(|(k, (c, d))| vec![Cell::Text(k), Cell::Int(c), Cell::Int(d)])
                .collect(),
        };
    }
    // issued, redeemed, refunded, expired, adjusted (signed), net.
    let mut groups: BTreeMap<String, [i64; 6]> = BTreeMap::new();
    for m in moves {
        let g = groups.entry(m.group.clone()).or_default();
        let moved = m.credits + m.debits;
        match m.tx_kind.as_str() {
            "earn" | "bonus" => g[0] += moved,
            "redeem" => g[1] += moved,
            "refund" => g[2] += moved,
            "expire" => g[3] += moved,
            _ => g[4] += m.credits - m.debits,
        }
        g[5] += m.credits - m.debits;
    }
    let mut held = outstanding_before;
    let rows = groups
        .into_iter()
        .map(|(k, g)| {
            held += g[5];
            vec![
                Cell::Text(k),
                Cell::Int(g[0]),
                Cell::Int(g[1]),
                Cell::Int(g[2]),
                Cell::Int(g[3]),
                Cell::Int(g[4]),
                Cell::Int(held),
            ]
        })
        .collect();
    Table {
        group_by,
        columns: vec![
            "month",
            "issued",
            "redeemed",
            "refunded",
            "expired",
            "adjusted",
            "outstanding_end",
        ],
        rows,
    }
}

/// One merchant's figures for the period.
#[derive(Debug, Clone, Default)]
pub struct MerchantFigures {
    pub issued: i64,
    pub used: i64,
    /// Issued in the period and lapsed unused.
    pub expired: i64,
    pub refused: i64,
    pub points: i64,
    pub stars: Vec<i64>,
    pub complaints: i64,
}

pub fn merchants(
    list: &[(Uuid, String, String)],
    figures: &HashMap<Uuid, MerchantFigures>,
) -> Table {
    let empty = MerchantFigures::default();
    let rows = list
        .iter()
        .map(|(id, name, status)| {
            let f = figures.get(id).unwrap_or(&empty);
            vec![
                Cell::Text(id.to_string()),
                Cell::Text(name.clone()),
                Cell::Text(status.clone()),
                Cell::Int(f.issued),
                Cell::Int(f.used),
                Cell::Int(f.refused),
                Cell::Int(f.points),
                Cell::Int(f.stars.len() as i64),
                if f.stars.is_empty() {
                    Cell::Empty
                } else {
                    let avg = f.stars.iter().sum::<i64>() as f64 / f.stars.len() as f64;
                    Cell::Num((avg * 100.0).round() / 100.0)
                },
                Cell::Int(f.complaints),
            ]
        })
        .collect();
    Table {
        group_by: "none",
        columns: vec![
            "merchant_id",
            "name",
            "status",
            "vouchers_issued",
            "vouchers_used",
            "checks_refused",
            "points_redeemed",
            "ratings",
            "average_rating",
            "complaints",
        ],
        rows,
    }
}

/// Projects running in the period, their sessions, enrolments, visits and whether a later
/// project continues them.
/// Projects running in the period: `sessions` are those starting in it, `all_sessions` every
/// (session, project), so that visits count every check-in of the period.
pub fn projects(
    projects: &[Project],
    sessions: &[(Uuid, Uuid)],
    all_sessions: &[(Uuid, Uuid)],
    enrolments: &HashMap<Uuid, i64>,
    checkins: &[Checkin],
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> Table {
    let continued: HashSet<Uuid> = projects.iter().filter_map(|p| p.continues).collect();
    let project_of: HashMap<Uuid, Uuid> = all_sessions.iter().map(|(s, p)| (*s, *p)).collect();
    let mut visits: HashMap<Uuid, i64> = HashMap::new();
    for c in checkins {
        if let Some(p) = project_of.get(&c.session_id) {
            *visits.entry(*p).or_default() += c.people;
        }
    }
    let rows = projects
        .iter()
        .filter(|p| p.period_start < to && p.period_end >= from)
        .map(|p| {
            let own: Vec<Uuid> = sessions
                .iter()
                .filter(|(_, pid)| *pid == p.id)
                .map(|(s, _)| *s)
                .collect();
            vec![
                Cell::Text(p.id.to_string()),
                Cell::Text(p.title.clone()),
                Cell::Text(p.status.clone()),
                Cell::Text(p.period_start.format("%Y-%m-%d").to_string()),
                Cell::Text(p.period_end.format("%Y-%m-%d").to_string()),
                Cell::Int(own.len() as i64),
                Cell::Int(own.iter().filter_map(|s| enrolments.get(s)).sum()),
                Cell::Int(visits.get(&p.id).copied().unwrap_or(0)),
                Cell::Text(
                    if continued.contains(&p.id) {
                        "yes"
                    } else {
                        "no"
                    }
                    .into(),
                ),
                Cell::Text(p.continues.map(|c| c.to_string()).unwrap_or_default()),
            ]
        })
        .collect();
    Table {
        group_by: "none",
        columns: vec![
            "project_id",
            "title",
            "status",
            "period_start",
            "period_end",
            "sessions",
            "enrolments",
            "visits",
            "continued",
            "continues_project_id",
        ],
        rows,
    }
}

/// A suggestion's facts.
#[derive(Debug, Clone)]
pub struct Suggestion {
    pub category: String,
    pub status: String,
    pub answered: bool,
    pub created_at: NaiveDateTime,
}

pub fn suggestions(list: &[Suggestion], group_by: &'static str) -> Table {
    let mut groups: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    for s in list {
        let k = match group_by {
            "month" => month_of(s.created_at),
            "status" => s.status.clone(),
            _ => s.category.clone(),
        };
        let g = groups.entry(k).or_default();
        g.0 += 1;
        g.1 += i64::from(s.answered);
    }
    Table {
        group_by,
        columns: vec![group_by, "suggestions", "answered"],
        rows: groups
            .into_iter()
            .map(|(k, (n, a))| vec![Cell::Text(k), Cell::Int(n), Cell::Int(a)])
            .collect(),
    }
}

/// An association as its table row starts.
#[derive(Debug, Clone)]
pub struct AssociationFacts {
    pub id: Uuid,
    pub name: String,
    pub kind: AssociationKind,
    /// Starts of its sessions in the period.
    pub sessions: Vec<NaiveDateTime>,
    /// Target group of each person counted in the period.
    pub attendees: Vec<TargetGroup>,
}

/// Each association: sessions held, person-times and the elderly's, and the weeks it met out of
/// the period's weeks (周周有活动).
pub fn associations(list: &[AssociationFacts], from: NaiveDateTime, to: NaiveDateTime) -> Table {
    let (first, last) = (
        crate::local_date(from),
        crate::local_date(to - chrono::Duration::seconds(1)),
    );
    let rows = list
        .iter()
        .map(|a| {
            let met: Vec<(Uuid, chrono::NaiveDate)> = a
                .sessions
                .iter()
                .map(|t| (a.id, crate::local_date(*t)))
                .collect();
            let c =
                canglong_activities::associations::coverage(first, last, &BTreeSet::new(), &met);
            vec![
                Cell::Text(a.id.to_string()),
                Cell::Text(a.name.clone()),
                Cell::Text(a.kind.as_str().to_string()),
                Cell::Int(a.sessions.len() as i64),
                Cell::Int(a.attendees.len() as i64),
                Cell::Int(
                    a.attendees
                        .iter()
                        .filter(|g| **g == TargetGroup::Elderly)
                        .count() as i64,
                ),
                Cell::Int(c.weeks_met.get(&a.id).copied().unwrap_or(0)),
                Cell::Int(c.weeks),
            ]
        })
        .collect();
    Table {
        group_by: "none",
        columns: vec![
            "association_id",
            "name",
            "kind",
            "sessions",
            "person_times",
            "elderly",
            "weeks_met",
            "weeks",
        ],
        rows,
    }
}

/// Walk-in visits per place and service (`—`: none named).
pub fn places(
    places: &[(Uuid, String, PlaceKind)],
    services: &[(Uuid, Uuid, String)],
    visits: &[(Uuid, Option<Uuid>, i64)],
) -> Table {
    let mut sums: HashMap<(Uuid, Option<Uuid>), i64> = HashMap::new();
    for (p, s, n) in visits {
        *sums.entry((*p, *s)).or_default() += n;
    }
    let mut rows = vec![];
    for (id, name, kind) in places {
        let named = services.iter().filter(|(_, p, _)| p == id);
        let keys = std::iter::once((None, "—".to_string()))
            .chain(named.map(|(s, _, n)| (Some(*s), n.clone())));
        for (service, label) in keys {
            rows.push(vec![
                Cell::Text(id.to_string()),
                Cell::Text(name.clone()),
                Cell::Text(kind.as_str().to_string()),
                Cell::Text(label),
                Cell::Int(sums.get(&(*id, service)).copied().unwrap_or(0)),
            ]);
        }
    }
    Table {
        group_by: "none",
        columns: vec!["place_id", "name", "kind", "service", "visits"],
        rows,
    }
}

/// A campaign as its table row starts: its counts to date and its ballots' statuses.
#[derive(Debug, Clone)]
pub struct CampaignFacts {
    pub id: Uuid,
    pub title: String,
    pub kind: CampaignKind,
    pub theme: String,
    pub signups: i64,
    pub pledges: i64,
    pub entries: i64,
    pub ballots: Vec<BallotStatus>,
}

/// Each campaign overlapping the period, with its counts to date.
pub fn campaigns(list: &[CampaignFacts]) -> Table {
    let rows = list
        .iter()
        .map(|c| {
            let n =
                |s: BallotStatus| Cell::Int(c.ballots.iter().filter(|b| **b == s).count() as i64);
            vec![
                Cell::Text(c.id.to_string()),
                Cell::Text(c.title.clone()),
                Cell::Text(c.kind.as_str().to_string()),
                Cell::Text(c.theme.clone()),
                Cell::Int(c.signups),
                Cell::Int(c.pledges),
                Cell::Int(c.entries),
                n(BallotStatus::Counted),
                n(BallotStatus::Flagged),
                n(BallotStatus::Discarded),
            ]
        })
        .collect();
    Table {
        group_by: "none",
        columns: vec![
            "campaign_id",
            "title",
            "kind",
            "theme",
            "signups",
            "pledges",
            "entries",
            "ballots_counted",
            "ballots_flagged",
            "ballots_discarded",
        ],
        rows,
    }
}
