//! A generated community with two years of records, for the analytics tests (which recompute
//! every figure from the [`Plan`]) and the overview benchmark (at the case study's scale). The
//! plan is deterministic for a seed; it is written with batched inserts, straight into the
//! tables, with the ledger balanced (every transaction sums to zero, balances and lots agree).

use std::collections::{HashMap, HashSet};

use canglong_core::{NaiveDateTime, Uuid};
use chrono::Duration;
use diesel::prelude::*;

use crate::schema::{
    accounts, association_sessions, associations, attendance, checkins, ledger_transactions,
    need_claims, need_ratings, needs, places, point_lots, postings, projects, rooms,
    service_records, sessions, suggestions, team_members, teams, topics, users, visits, volunteers,
};
use crate::{AnyConnection, Id, QueryResult, Stored};
use canglong_governance::scope::ScopeLevel;
use canglong_governance::topics::TopicStatus;
use canglong_needs::ClaimStatus;
use canglong_volunteers::RecordStatus;

/// How much to generate.
#[derive(Debug, Clone, Copy)]
pub struct Scale {
    pub residents: usize,
    pub volunteers: usize,
    /// Needs posted over the two years; most become service records.
    pub needs: usize,
    /// Service records besides those of needs (sessions, staff entries).
    pub extra_records: usize,
    /// Bonus transactions (2 postings each) on top of earn and redeem.
    pub bonuses: usize,
    pub redemptions: usize,
    /// Projects of three months each, back to back.
    pub projects: usize,
    pub checkins_per_session: usize,
    pub suggestions: usize,
    /// Cultural associations meeting weekly (about one week in ten skipped).
    pub associations: usize,
    /// People on each association session's roll (seven in ten of them elderly).
    pub attendees_per_session: usize,
    /// Most riders a day at the station (a tally or scans).
    pub station_visits_per_day: usize,
    /// Topics residents raise over the two years (自治线).
    pub topics: usize,
}

impl Scale {
    /// The case study's community: 23,000 residents, 600 volunteers, a year of 20,000 service
    /// records and 100,000 ledger postings (twice that over the two generated years).
    pub fn case_study(factor: usize) -> Self {
        Self {
            residents: 23_000 * factor,
            volunteers: 600 * factor,
            needs: 36_000 * factor,
            extra_records: 11_000 * factor,
            bonuses: 50_000 * factor,
            redemptions: 10_000 * factor,
            projects: 8,
            checkins_per_session: 60,
            suggestions: 600 * factor,
            associations: 15 * factor,
            attendees_per_session: 24,
            station_visits_per_day: 40,
            topics: 80 * factor,
        }
    }

    pub fn small() -> Self {
        Self {
            residents: 120,
            volunteers: 20,
            needs: 150,
            extra_records: 40,
            bonuses: 30,
            redemptions: 25,
            projects: 8,
            checkins_per_session: 6,
            suggestions: 30,
            associations: 3,
            attendees_per_session: 4,
            station_visits_per_day: 3,
            topics: 40,
        }
    }
}

#[derive(Debug, Clone)]
pub struct PlanNeed {
    pub requester: usize,
    pub category: &'static str,
    pub group: &'static str,
    pub status: &'static str,
    pub created_at: NaiveDateTime,
    pub window_end: NaiveDateTime,
    /// (volunteer index, claimed at, done at, minutes) when served.
    pub served: Option<(usize, NaiveDateTime, NaiveDateTime, i32)>,
    pub rating: Option<(i32, NaiveDateTime)>,
}

#[derive(Debug, Clone)]
pub struct PlanRecord {
    pub volunteer: usize,
    pub need: Option<usize>,
    pub group: &'static str,
    pub minutes: i32,
    pub at: NaiveDateTime,
}

/// (kind, from account, to account, amount, at); accounts: `None` is the community pool,
/// `Some(i)` resident i.
pub type PlanTransfer = (
    &'static str,
    Option<usize>,
    Option<usize>,
    i64,
    NaiveDateTime,
);

#[derive(Debug, Clone)]
pub struct PlanProject {
    pub start: NaiveDateTime,
    pub end: NaiveDateTime,
    pub continues: Option<usize>,
}

/// A topic's course: raised, then screened out (settled, no decision), or decided with a
/// deadline and carried out (settled when done, on time or late), or still open.
#[derive(Debug, Clone)]
pub struct PlanTopic {
    pub author: usize,
    pub raised: NaiveDateTime,
    pub settled: Option<NaiveDateTime>,
    pub deadline: Option<NaiveDateTime>,
    pub done: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Default)]
pub struct Plan {
    pub resident_created: Vec<NaiveDateTime>,
    /// Resident index of each volunteer.
    pub volunteers: Vec<usize>,
    pub needs: Vec<PlanNeed>,
    pub records: Vec<PlanRecord>,
    pub transfers: Vec<PlanTransfer>,
    pub projects: Vec<PlanProject>,
    /// (project, starts at)
    pub sessions: Vec<(usize, NaiveDateTime)>,
    /// (session, resident, people, at)
    pub checkins: Vec<(usize, usize, i32, NaiveDateTime)>,
    /// (author, category, at)
    pub suggestions: Vec<(usize, &'static str, NaiveDateTime)>,
    /// Each association's registration.
    pub associations: Vec<NaiveDateTime>,
    /// (association, starts at)
    pub association_sessions: Vec<(usize, NaiveDateTime)>,
    /// (association session, resident, elderly, at)
    pub attendance: Vec<(usize, usize, bool, NaiveDateTime)>,
    /// (people, at) recorded at the riders' station.
    pub station_visits: Vec<(i32, NaiveDateTime)>,
    pub topics: Vec<PlanTopic>,
}

/// SplitMix64: small, fast, and the same on every platform.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }
}

const CATEGORIES: [&str; 7] = [
    "medicine_run",
    "phone_help",
    "repair",
    "companionship",
    "tutoring",
    "errand",
    "other",
];
const GROUPS: [&str; 4] = ["elderly", "child", "new_employment", "general"];
const SUGGESTIONS: [&str; 4] = ["course_wanted", "urgent_service", "complaint", "other"];

impl Plan {
    /// Two years of records starting at `start`; residents registered from a year before.
    pub fn generate(scale: Scale, seed: u64, start: NaiveDateTime) -> Self {
        let mut rng = Rng(seed);
        let two_years_min = 2 * 365 * 24 * 60;
        let at = |rng: &mut Rng| start + Duration::minutes(rng.below(two_years_min) as i64);
        let mut p = Plan::default();
        // Residents join over three years, in order, so "who existed at t" is a prefix.
        let span = 3 * 365 * 24 * 60;
        let mut created: Vec<i64> = (0..scale.residents)
            .map(|_| rng.below(span) as i64)
            .collect();
        created.sort_unstable();
        p.resident_created = created
            .iter()
            .map(|m| start - Duration::days(365) + Duration::minutes(*m))
            .collect();
        let existing = |p: &Plan, t: NaiveDateTime| p.resident_created.partition_point(|c| *c <= t);
        // Volunteers are among the first third (they joined before the records start).
        p.volunteers = (0..scale.volunteers.min(scale.residents / 3).max(1)).collect();

        for _ in 0..scale.needs {
            let t = at(&mut rng);
            let n = existing(&p, t);
            if n == 0 {
                continue;
            }
            let requester = rng.below(n);
            let window_end = t + Duration::minutes(60 + rng.below(24 * 60) as i64);
            let roll = rng.below(10);
            let group = rng.pick(&GROUPS);
            let (status, served) = match roll {
                0 => ("cancelled", None),
                1 => ("expired", None),
                _ => {
                    let v = rng.below(p.volunteers.len());
                    let claimed = t + Duration::minutes(1 + rng.below(180) as i64);
                    let minutes = 10 + rng.below(110) as i32;
                    let done =
                        claimed + Duration::minutes(i64::from(minutes) + rng.below(600) as i64);
                    let status = if rng.below(4) == 0 {
                        "done"
                    } else {
                        "confirmed"
                    };
                    (status, Some((v, claimed, done, minutes)))
                }
            };
            let rating = served
                .filter(|_| rng.below(2) == 0)
                .map(|(_, _, done, _)| (1 + rng.below(5) as i32, done + Duration::hours(1)));
            if let Some((v, _, done, minutes)) = served {
                p.records.push(PlanRecord {
                    volunteer: v,
                    need: Some(p.needs.len()),
                    group,
                    minutes,
                    at: done,
                });
            }
            p.needs.push(PlanNeed {
                requester,
                category: rng.pick(&CATEGORIES),
                group,
                status,
                created_at: t,
                window_end,
                served,
                rating,
            });
        }
        for _ in 0..scale.extra_records {
            p.records.push(PlanRecord {
                volunteer: rng.below(p.volunteers.len()),
                need: None,
                group: rng.pick(&GROUPS),
                minutes: 30 + rng.below(150) as i32,
                at: at(&mut rng),
            });
        }
        // Points: each record earns its minutes; bonuses from the pool; redemptions only of
        // points already held (checked in time order below).
        let mut moves: Vec<PlanTransfer> = p
            .records
            .iter()
            .map(|r| {
                (
                    "earn",
                    None,
                    Some(p.volunteers[r.volunteer]),
                    i64::from(r.minutes),
                    r.at,
                )
            })
            .collect();
        for _ in 0..scale.bonuses {
            let t = at(&mut rng);
            let n = existing(&p, t);
            if n > 0 {
                moves.push(("bonus", None, Some(rng.below(n)), 5, t));
            }
        }
        for _ in 0..scale.redemptions {
            let who = p.volunteers[rng.below(p.volunteers.len())];
            moves.push((
                "redeem",
                Some(who),
                None,
                20 + rng.below(80) as i64,
                at(&mut rng),
            ));
        }
        moves.sort_by_key(|m| m.4);
        let mut held: HashMap<usize, i64> = HashMap::new();
        for m in moves {
            if let Some(from) = m.1 {
                let h = held.entry(from).or_default();
                if *h < m.3 {
                    continue;
                }
                *h -= m.3;
            }
            if let Some(to) = m.2 {
                *held.entry(to).or_default() += m.3;
            }
            p.transfers.push(m);
        }
        for i in 0..scale.projects {
            let s = start + Duration::days(91 * i as i64);
            let continues = (i > 0 && rng.below(3) > 0).then(|| i - 1);
            p.projects.push(PlanProject {
                start: s,
                end: s + Duration::days(90),
                continues,
            });
            for w in 0..4 {
                let session = p.sessions.len();
                let starts = s + Duration::days(7 * w) + Duration::hours(rng.below(12) as i64);
                p.sessions.push((i, starts));
                let n = existing(&p, starts);
                let mut seen = HashSet::new();
                for _ in 0..scale.checkins_per_session.min(n) {
                    let who = rng.below(n);
                    if seen.insert(who) {
                        let people = 1 + rng.below(3) as i32;
                        p.checkins.push((
                            session,
                            who,
                            people,
                            starts + Duration::minutes(rng.below(30) as i64),
                        ));
                    }
                }
            }
        }
        for a in 0..scale.associations {
            p.associations.push(start - Duration::days(30));
            let weekday =
                Duration::days((a % 7) as i64) + Duration::hours(1 + (a / 7 % 3) as i64 * 5);
            for week in 0..104 {
                if rng.below(10) == 0 {
                    continue;
                }
                let session = p.association_sessions.len();
                let starts = start + Duration::weeks(week) + weekday;
                p.association_sessions.push((a, starts));
                let n = existing(&p, starts);
                let mut seen = HashSet::new();
                for _ in 0..scale.attendees_per_session.min(n) {
                    let who = rng.below(n);
                    if seen.insert(who) {
                        let elderly = rng.below(10) < 7;
                        let at = starts + Duration::minutes(rng.below(30) as i64);
                        p.attendance.push((session, who, elderly, at));
                    }
                }
            }
        }
        for day in 0..2 * 365 {
            let people = rng.below(scale.station_visits_per_day + 1) as i32;
            if people > 0 {
                let at = start + Duration::days(day) + Duration::minutes(rng.below(24 * 60) as i64);
                p.station_visits.push((people, at));
            }
        }
        for _ in 0..scale.topics {
            let raised = at(&mut rng);
            let n = existing(&p, raised);
            if n == 0 {
                continue;
            }
            let days = |rng: &mut Rng, lo: usize, hi: usize| {
                Duration::days((lo + rng.below(hi - lo + 1)) as i64)
            };
            let mut t = PlanTopic {
                author: rng.below(n),
                raised,
                settled: None,
                deadline: None,
                done: None,
            };
            match rng.below(10) {
                0 => {}
                1 | 2 => t.settled = Some(raised + days(&mut rng, 3, 12)),
                _ => {
                    let deadline = raised + days(&mut rng, 30, 60);
                    t.deadline = Some(deadline);
                    // Most are carried out by the deadline; some a little late, a few not yet.
                    if rng.below(8) > 0 {
                        let done = deadline - days(&mut rng, 0, 20) + days(&mut rng, 0, 8);
                        t.done = Some(done);
                        t.settled = Some(done);
                    }
                }
            }
            p.topics.push(t);
        }
        for _ in 0..scale.suggestions {
            let t = at(&mut rng);
            let n = existing(&p, t);
            if n > 0 {
                p.suggestions
                    .push((rng.below(n), rng.pick(&SUGGESTIONS), t));
            }
        }
        p
    }

    /// How many ledger postings the plan writes.
    pub fn postings(&self) -> usize {
        self.transfers.len() * 2
    }
}

/// Ids of what [`load`] wrote, by plan index.
#[derive(Debug, Clone, Default)]
pub struct Loaded {
    pub residents: Vec<Uuid>,
    pub needs: Vec<Uuid>,
}

/// Writes the plan into `community` (which must be empty of records). One transaction is the
/// caller's choice; this only inserts.
pub fn load(conn: &mut AnyConnection, community: Uuid, plan: &Plan) -> QueryResult<Loaded> {
    let c = Id(community);
    let new = || Id(canglong_core::new_id());
    let resident_ids: Vec<Id> = plan.resident_created.iter().map(|_| new()).collect();
    let rows: Vec<_> = plan
        .resident_created
        .iter()
        .zip(&resident_ids)
        .enumerate()
        .map(|(i, (t, id))| {
            (
                users::id.eq(*id),
                users::community_id.eq(c),
                users::nickname.eq(format!("居民{i}")),
                users::notification_prefs.eq("{}"),
                users::created_at.eq(*t),
                users::updated_at.eq(*t),
            )
        })
        .collect();
    insert_batched!(conn, users::table, rows);

    let first = plan.resident_created.first().copied().unwrap_or_default();
    let team_ids: Vec<Id> = (0..3).map(|_| new()).collect();
    let rows: Vec<_> = ["银龄队", "亲子队", "骑手队"]
        .iter()
        .zip(&team_ids)
        .map(|(name, id)| {
            (
                teams::id.eq(*id),
                teams::community_id.eq(c),
                teams::name.eq(*name),
                teams::description.eq(""),
                teams::created_at.eq(first),
            )
        })
        .collect();
    insert_batched!(conn, teams::table, rows);
    let volunteer_ids: Vec<Id> = plan.volunteers.iter().map(|_| new()).collect();
    let rows: Vec<_> = plan
        .volunteers
        .iter()
        .zip(&volunteer_ids)
        .map(|(r, id)| {
            let t = plan.resident_created[*r];
            (
                volunteers::id.eq(*id),
                volunteers::community_id.eq(c),
                volunteers::user_id.eq(resident_ids[*r]),
                volunteers::status.eq("active"),
                volunteers::skills.eq("[]"),
                volunteers::availability.eq("\"flexible\""),
                volunteers::places.eq("[]"),
                volunteers::created_at.eq(t),
                volunteers::updated_at.eq(t),
            )
        })
        .collect();
    insert_batched!(conn, volunteers::table, rows);
    let rows: Vec<_> = volunteer_ids
        .iter()
        .enumerate()
        .map(|(i, v)| {
            (
                team_members::team_id.eq(team_ids[i % 3]),
                team_members::volunteer_id.eq(*v),
                team_members::community_id.eq(c),
                team_members::created_at.eq(first),
                team_members::leader.eq(false),
            )
        })
        .collect();
    insert_batched!(conn, team_members::table, rows);

    let need_ids: Vec<Id> = plan.needs.iter().map(|_| new()).collect();
    let rows: Vec<_> = plan
        .needs
        .iter()
        .zip(&need_ids)
        .map(|(n, id)| {
            (
                (
                    needs::id.eq(*id),
                    needs::community_id.eq(c),
                    needs::requester_id.eq(resident_ids[n.requester]),
                    needs::posted_by.eq(resident_ids[n.requester]),
                    needs::category.eq(n.category),
                    needs::target_group.eq(n.group),
                    needs::title.eq("需求"),
                    needs::description.eq(""),
                    needs::place.eq("1栋"),
                    needs::window_start.eq(n.created_at),
                    needs::window_end.eq(n.window_end),
                ),
                (
                    needs::estimated_minutes.eq(30),
                    needs::slots.eq(1),
                    needs::slots_taken.eq(i32::from(n.served.is_some())),
                    needs::micro.eq(false),
                    needs::status.eq(n.status),
                    needs::escalated.eq(false),
                    needs::done_at.eq(n.served.map(|s| s.2)),
                    needs::created_at.eq(n.created_at),
                    needs::updated_at.eq(n.created_at),
                ),
            )
        })
        .collect();
    insert_batched!(conn, needs::table, rows);
    let rows: Vec<_> = plan
        .needs
        .iter()
        .zip(&need_ids)
        .filter_map(|(n, id)| {
            let (v, claimed, done, minutes) = n.served?;
            Some((
                need_claims::id.eq(new()),
                need_claims::community_id.eq(c),
                need_claims::need_id.eq(*id),
                need_claims::volunteer_id.eq(volunteer_ids[v]),
                need_claims::user_id.eq(resident_ids[plan.volunteers[v]]),
                need_claims::status.eq(Stored(ClaimStatus::Active)),
                need_claims::minutes.eq(Some(minutes)),
                need_claims::completed_at.eq(Some(done)),
                need_claims::created_at.eq(claimed),
            ))
        })
        .collect();
    insert_batched!(conn, need_claims::table, rows);
    let rows: Vec<_> = plan
        .needs
        .iter()
        .zip(&need_ids)
        .filter_map(|(n, id)| {
            let (stars, at) = n.rating?;
            Some((
                need_ratings::id.eq(new()),
                need_ratings::community_id.eq(c),
                need_ratings::need_id.eq(*id),
                need_ratings::rater_id.eq(resident_ids[n.requester]),
                need_ratings::stars.eq(stars),
                need_ratings::tags.eq("[]"),
                need_ratings::comment.eq(""),
                need_ratings::flagged.eq(stars <= 2),
                need_ratings::created_at.eq(at),
            ))
        })
        .collect();
    insert_batched!(conn, need_ratings::table, rows);
    let rows: Vec<_> = plan
        .records
        .iter()
        .map(|r| {
            (
                (
                    service_records::id.eq(new()),
                    service_records::community_id.eq(c),
                    service_records::volunteer_id.eq(volunteer_ids[r.volunteer]),
                    service_records::need_id.eq(r.need.map(|n| need_ids[n])),
                    service_records::source.eq(if r.need.is_some() { "need" } else { "staff" }),
                    service_records::content.eq("服务"),
                    service_records::beneficiary_group.eq(r.group),
                    service_records::minutes_reported.eq(r.minutes),
                    service_records::minutes_approved.eq(Some(r.minutes)),
                    service_records::status.eq(Stored(RecordStatus::Verified)),
                ),
                (
                    service_records::quality.eq(Some("pass")),
                    service_records::verified_at.eq(Some(r.at)),
                    service_records::created_at.eq(r.at),
                    service_records::honor.eq(false),
                    service_records::points.eq(Some(i64::from(r.minutes))),
                    service_records::started_at
                        .eq(Some(r.at - Duration::minutes(i64::from(r.minutes)))),
                    service_records::ended_at.eq(Some(r.at)),
                ),
            )
        })
        .collect();
    insert_batched!(conn, service_records::table, rows);

    // The ledger: the community pool, one account per resident who ever held points.
    let pool = new();
    let mut account_of: HashMap<usize, Id> = HashMap::new();
    for t in &plan.transfers {
        for who in [t.1, t.2].into_iter().flatten() {
            account_of.entry(who).or_insert_with(new);
        }
    }
    let mut balance: HashMap<Id, i64> = HashMap::new();
    let mut last_tx: HashMap<Id, Id> = HashMap::new();
    let (mut txs, mut posts) = (Vec::new(), Vec::new());
    for (i, (kind, from, to, amount, at)) in plan.transfers.iter().enumerate() {
        let tx = new();
        txs.push((
            ledger_transactions::id.eq(tx),
            ledger_transactions::community_id.eq(c),
            ledger_transactions::kind.eq(*kind),
            ledger_transactions::idempotency_key.eq(format!("synthetic:{i}")),
            ledger_transactions::memo.eq(""),
            ledger_transactions::created_at.eq(*at),
        ));
        let acc = |w: &Option<usize>| w.map_or(pool, |r| account_of[&r]);
        for (account, delta) in [(acc(from), -amount), (acc(to), *amount)] {
            let b = balance.entry(account).or_default();
            *b += delta;
            last_tx.insert(account, tx);
            posts.push((
                postings::id.eq(new()),
                postings::community_id.eq(c),
                postings::transaction_id.eq(tx),
                postings::account_id.eq(account),
                postings::kind.eq(if delta < 0 { "debit" } else { "credit" }),
                postings::amount.eq(delta),
                // The issuing account keeps no running balance.
                postings::balance_after.eq((account != pool).then_some(*b)),
                postings::created_at.eq(*at),
            ));
        }
    }
    let mut rows = vec![(
        accounts::id.eq(pool),
        accounts::community_id.eq(c),
        accounts::kind.eq("community"),
        accounts::owner_id.eq(c),
        accounts::balance.eq(0i64),
        accounts::created_at.eq(first),
    )];
    rows.extend(account_of.iter().map(|(r, id)| {
        (
            accounts::id.eq(*id),
            accounts::community_id.eq(c),
            accounts::kind.eq("resident"),
            accounts::owner_id.eq(resident_ids[*r]),
            accounts::balance.eq(balance.get(id).copied().unwrap_or(0)),
            accounts::created_at.eq(first),
        )
    }));
    insert_batched!(conn, accounts::table, rows);
    insert_batched!(conn, ledger_transactions::table, txs);
    insert_batched!(conn, postings::table, posts);
    // One lot per resident holding points, without expiry: lots agree with balances.
    let lots: Vec<_> = account_of
        .values()
        .filter(|a| balance.get(*a).copied().unwrap_or(0) > 0)
        .map(|a| {
            let b = balance[a];
            (
                point_lots::id.eq(new()),
                point_lots::community_id.eq(c),
                point_lots::account_id.eq(*a),
                point_lots::transaction_id.eq(last_tx[a]),
                point_lots::amount.eq(b),
                point_lots::remaining.eq(b),
                point_lots::created_at.eq(first),
            )
        })
        .collect();
    insert_batched!(conn, point_lots::table, lots);

    let project_ids: Vec<Id> = plan.projects.iter().map(|_| new()).collect();
    let creator = resident_ids.first().copied().unwrap_or(c);
    let rows: Vec<_> = plan
        .projects
        .iter()
        .zip(&project_ids)
        .enumerate()
        .map(|(i, (p, id))| {
            (
                projects::id.eq(*id),
                projects::community_id.eq(c),
                projects::title.eq(format!("项目{i}")),
                projects::description.eq(""),
                projects::organiser_kind.eq(canglong_activities::OrganiserKind::Community.as_str()),
                projects::period_start.eq(p.start),
                projects::period_end.eq(p.end),
                projects::status.eq("closed"),
                projects::continues_project_id.eq(p.continues.map(|j| project_ids[j])),
                projects::created_by.eq(creator),
                projects::created_at.eq(p.start),
                projects::updated_at.eq(p.start),
            )
        })
        .collect();
    insert_batched!(conn, projects::table, rows);
    let session_ids: Vec<Id> = plan.sessions.iter().map(|_| new()).collect();
    let rows: Vec<_> = plan
        .sessions
        .iter()
        .zip(&session_ids)
        .map(|((p, starts), id)| {
            (
                (
                    sessions::id.eq(*id),
                    sessions::community_id.eq(c),
                    sessions::project_id.eq(project_ids[*p]),
                    sessions::title.eq("课程"),
                    sessions::starts_at.eq(*starts),
                    sessions::ends_at.eq(*starts + Duration::hours(2)),
                    sessions::place.eq("活动中心"),
                    sessions::capacity.eq(500),
                ),
                (
                    sessions::enrol_from.eq(*starts - Duration::days(7)),
                    sessions::enrol_to.eq(*starts),
                    sessions::volunteer_slots.eq(0),
                    sessions::attendance_points.eq(0),
                    sessions::checkin_secret.eq("synthetic"),
                    sessions::created_at.eq(*starts - Duration::days(7)),
                ),
            )
        })
        .collect();
    insert_batched!(conn, sessions::table, rows);
    let rows: Vec<_> = plan
        .checkins
        .iter()
        .map(|(s, r, people, at)| {
            (
                checkins::id.eq(new()),
                checkins::community_id.eq(c),
                checkins::session_id.eq(session_ids[*s]),
                checkins::user_id.eq(resident_ids[*r]),
                checkins::people.eq(*people),
                checkins::created_at.eq(*at),
            )
        })
        .collect();
    insert_batched!(conn, checkins::table, rows);
    let rows: Vec<_> = plan
        .suggestions
        .iter()
        .map(|(r, category, at)| {
            (
                suggestions::id.eq(new()),
                suggestions::community_id.eq(c),
                suggestions::author_id.eq(Some(resident_ids[*r])),
                suggestions::source.eq(canglong_core::suggestion::SuggestionSource::App.as_str()),
                suggestions::category.eq(*category),
                suggestions::text.eq("建议"),
                suggestions::anonymous.eq(false),
                suggestions::status.eq(canglong_core::suggestion::SuggestionStatus::Open.as_str()),
                suggestions::created_at.eq(*at),
            )
        })
        .collect();
    insert_batched!(conn, suggestions::table, rows);
    load_life(conn, c, plan, &resident_ids)?;
    Ok(Loaded {
        residents: resident_ids.into_iter().map(|i| i.0).collect(),
        needs: need_ids.into_iter().map(|i| i.0).collect(),
    })
}

/// The associations with their sessions and rolls (in a room of their own) and the riders'
/// station with its visits.
fn load_life(conn: &mut AnyConnection, c: Id, plan: &Plan, resident_ids: &[Id]) -> QueryResult<()> {
    let new = || Id(canglong_core::new_id());
    let Some(staff) = resident_ids.first().copied() else {
        return Ok(());
    };
    let first = plan.associations.first().copied().unwrap_or_default();
    let room = new();
    diesel::insert_into(rooms::table)
        .values((
            rooms::id.eq(room),
            rooms::community_id.eq(c),
            rooms::name.eq(format!("社团活动室 {}", room.0.simple())),
            rooms::zone.eq("活动中心"),
            rooms::capacity.eq(60),
            rooms::created_at.eq(first),
        ))
        .execute(conn)?;
    let association_ids: Vec<Id> = plan.associations.iter().map(|_| new()).collect();
    let rows: Vec<_> = plan
        .associations
        .iter()
        .zip(&association_ids)
        .enumerate()
        .map(|(i, (t, id))| {
            (
                associations::id.eq(*id),
                associations::community_id.eq(c),
                associations::name.eq(format!("社团{i}")),
                associations::kind.eq("other"),
                associations::description.eq(""),
                associations::created_by.eq(staff),
                associations::created_at.eq(*t),
            )
        })
        .collect();
    insert_batched!(conn, associations::table, rows);
    let session_ids: Vec<Id> = plan.association_sessions.iter().map(|_| new()).collect();
    let rows: Vec<_> = plan
        .association_sessions
        .iter()
        .zip(&session_ids)
        .map(|((a, starts), id)| {
            (
                association_sessions::id.eq(*id),
                association_sessions::community_id.eq(c),
                association_sessions::association_id.eq(association_ids[*a]),
                association_sessions::title.eq("活动"),
                association_sessions::room_id.eq(room),
                association_sessions::starts_at.eq(*starts),
                association_sessions::ends_at.eq(*starts + Duration::minutes(90)),
                association_sessions::checkin_secret.eq("synthetic"),
                association_sessions::created_by.eq(staff),
                association_sessions::created_at.eq(*starts - Duration::days(7)),
            )
        })
        .collect();
    insert_batched!(conn, association_sessions::table, rows);
    let rows: Vec<_> = plan
        .attendance
        .iter()
        .map(|(s, r, elderly, at)| {
            (
                attendance::session_id.eq(session_ids[*s]),
                attendance::user_id.eq(resident_ids[*r]),
                attendance::community_id.eq(c),
                attendance::target_group.eq(if *elderly { "elderly" } else { "general" }),
                attendance::method.eq("roll"),
                attendance::recorded_by.eq(staff),
                attendance::created_at.eq(*at),
            )
        })
        .collect();
    insert_batched!(conn, attendance::table, rows);
    let station = new();
    diesel::insert_into(places::table)
        .values((
            places::id.eq(station),
            places::community_id.eq(c),
            places::name.eq(format!("夏小驿 {}", station.0.simple())),
            places::kind.eq("rider_station"),
            places::area_m2.eq(60),
            places::zones.eq("[]"),
            places::code.eq("SYNTHETIC"),
            places::created_at.eq(first),
        ))
        .execute(conn)?;
    let rows: Vec<_> = plan
        .station_visits
        .iter()
        .map(|(people, at)| {
            (
                visits::id.eq(new()),
                visits::community_id.eq(c),
                visits::place_id.eq(station),
                visits::people.eq(*people),
                visits::recorded_by.eq(Some(staff)),
                visits::created_at.eq(*at),
            )
        })
        .collect();
    insert_batched!(conn, visits::table, rows);
    let rows: Vec<_> = plan
        .topics
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let status = match (t.deadline, t.done, t.settled) {
                (_, Some(_), _) => TopicStatus::Done,
                (Some(_), None, _) => TopicStatus::InProgress,
                (None, _, Some(_)) => TopicStatus::Rejected,
                (None, _, None) => TopicStatus::Seconding,
            };
            (
                (
                    topics::id.eq(new()),
                    topics::community_id.eq(c),
                    topics::scope.eq(Stored(ScopeLevel::Community)),
                    topics::title.eq(format!("议题{i}")),
                    topics::body.eq(""),
                    topics::place.eq(""),
                    topics::raised_by.eq(resident_ids[t.author]),
                    topics::entered_by.eq(resident_ids[t.author]),
                    topics::status.eq(Stored(status)),
                    topics::seconds.eq(0),
                    topics::seconds_needed.eq(20),
                    topics::expires_at.eq(t.raised + Duration::days(30)),
                ),
                (
                    topics::deadline.eq(t.deadline),
                    topics::percent.eq(if t.done.is_some() { 100 } else { 0 }),
                    topics::done_at.eq(t.done),
                    topics::settled_at.eq(t.settled),
                    topics::round.eq(1),
                    topics::created_at.eq(t.raised),
                    topics::updated_at.eq(t.settled.unwrap_or(t.raised)),
                ),
            )
        })
        .collect();
    insert_batched!(conn, topics::table, rows);
    Ok(())
}
