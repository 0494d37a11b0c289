//! The review meetings' figures, recomputed here from the generated plan (not from the
//! database) and compared with what the server says; the subdistrict's sum; integrators.

use std::collections::{BTreeMap, HashMap, HashSet};

use canglong_openapi::{Figure, Headline, StatsTable};
use canglong_persistence::synthetic::{Plan, PlanNeed, Scale, load};
use canglong_persistence::write_tx;
use canglong_tests::{Db, TestApp, both, need, spawn};
use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime};
use serde_json::json;

both!(
    rollups_agree_with_the_rows,
    overview_matches_the_plan,
    every_table_matches_the_plan,
    subdistrict_and_tables,
    integrators_only_read_stats
);

fn start() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2024, 1, 1)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap()
}

fn rfc(t: NaiveDateTime) -> String {
    t.and_utc()
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn period() -> (NaiveDateTime, NaiveDateTime) {
    (start() + Duration::days(366), start() + Duration::days(731))
}

fn query() -> String {
    let (from, to) = period();
    format!("from={}&to={}", rfc(from), rfc(to))
}

fn load_plan(app: &TestApp, community: uuid::Uuid, seed: u64) -> Plan {
    let plan = Plan::generate(Scale::small(), seed, start());
    write_tx(&mut app.pool.get().unwrap(), |c| load(c, community, &plan)).unwrap();
    plan
}

fn within(t: NaiveDateTime, (from, to): (NaiveDateTime, NaiveDateTime)) -> bool {
    t >= from && t < to
}

/// Residents (plan indices) who did anything recorded in the period.
fn participants(p: &Plan, w: (NaiveDateTime, NaiveDateTime)) -> HashSet<usize> {
    let mut s = HashSet::new();
    for n in &p.needs {
        if within(n.created_at, w) {
            s.insert(n.requester);
        }
        if let Some((v, claimed, _, _)) = n.served
            && within(claimed, w)
        {
            s.insert(p.volunteers[v]);
        }
        if let Some((_, at)) = n.rating
            && within(at, w)
        {
            s.insert(n.requester);
        }
    }
    for r in &p.records {
        if within(r.at, w) {
            s.insert(p.volunteers[r.volunteer]);
        }
    }
    for (_, who, _, at) in &p.checkins {
        if within(*at, w) {
            s.insert(*who);
        }
    }
    for (who, _, at) in &p.suggestions {
        if within(*at, w) {
            s.insert(*who);
        }
    }
    s
}

fn precision(p: &Plan, w: (NaiveDateTime, NaiveDateTime)) -> (f64, f64) {
    let mut on_time = 0.0;
    let mut considered = 0.0;
    for n in p.needs.iter().filter(|n| within(n.created_at, w)) {
        if n.status == "cancelled" {
            continue;
        }
        considered += 1.0;
        if let Some((_, _, done, _)) = n.served
            && done <= n.window_end
        {
            on_time += 1.0;
        }
    }
    (on_time, considered)
}

/// Every headline figure as (numerator, denominator), computed from the plan alone.
fn expected(p: &Plan) -> HashMap<&'static str, (f64, Option<f64>)> {
    let w = period();
    let year_ago = (w.0 - Duration::days(366), w.1 - Duration::days(365));
    let mut e = HashMap::new();
    let residents = p.resident_created.iter().filter(|c| **c < w.1).count() as f64;
    let now = participants(p, w).len() as f64;
    let before = participants(p, year_ago).len() as f64;
    e.insert("participation_rate", (now, Some(residents)));
    e.insert("participation_growth", (now - before, Some(before)));
    let (a, b) = precision(p, w);
    let (c, d) = precision(p, year_ago);
    e.insert("service_precision", (a, Some(b)));
    let (pn, pb) = (a / b, c / d);
    e.insert("service_precision_growth", (pn - pb, Some(pb)));
    let continued: HashSet<usize> = p.projects.iter().filter_map(|x| x.continues).collect();
    let ended: Vec<usize> = (0..p.projects.len())
        .filter(|i| within(p.projects[*i].end, w))
        .collect();
    e.insert(
        "continuation_rate",
        (
            ended.iter().filter(|i| continued.contains(i)).count() as f64,
            Some(ended.len() as f64),
        ),
    );
    let records: Vec<_> = p.records.iter().filter(|r| within(r.at, w)).collect();
    let elders_attending = p
        .attendance
        .iter()
        .filter(|(_, _, elderly, at)| *elderly && within(*at, w))
        .count();
    e.insert(
        "elderly_person_times",
        (
            (records.iter().filter(|r| r.group == "elderly").count() + elders_attending) as f64,
            None,
        ),
    );
    let classes: HashSet<usize> = p
        .checkins
        .iter()
        .filter(|(_, _, people, at)| *people >= 2 && within(*at, w))
        .map(|(s, _, _, _)| *s)
        .collect();
    e.insert("parent_child_classes", (classes.len() as f64, None));
    let mut days: HashMap<NaiveDate, i64> = HashMap::new();
    for (_, _, people, at) in p.checkins.iter().filter(|c| within(c.3, w)) {
        *days.entry((*at + Duration::hours(8)).date()).or_default() += i64::from(*people);
    }
    for (_, _, _, at) in p.attendance.iter().filter(|a| within(a.3, w)) {
        *days.entry((*at + Duration::hours(8)).date()).or_default() += 1;
    }
    for (people, at) in p.station_visits.iter().filter(|v| within(v.1, w)) {
        *days.entry((*at + Duration::hours(8)).date()).or_default() += i64::from(*people);
    }
    // The busiest 7 consecutive local days, by brute force over every start.
    let (first, last) = (
        (w.0 + Duration::hours(8)).date(),
        (w.1 - Duration::seconds(1) + Duration::hours(8)).date(),
    );
    let span = (last - first).num_days() + 1;
    let best = (0..=span - 7)
        .map(|s| {
            (s..s + 7)
                .map(|d| days.get(&(first + Duration::days(d))).copied().unwrap_or(0))
                .sum::<i64>()
        })
        .max()
        .unwrap_or(0);
    let mean = (best as f64 / 7.0 * 100.0).round() / 100.0;
    e.insert("peak_daily_visits", (mean, None));
    let local = |t: NaiveDateTime| (t + Duration::hours(8)).date();
    let mut held: HashSet<NaiveDate> = p
        .sessions
        .iter()
        .filter(|(_, at)| within(*at, w))
        .map(|(_, at)| local(*at))
        .collect();
    held.extend(
        p.association_sessions
            .iter()
            .filter(|(_, at)| within(*at, w))
            .map(|(_, at)| local(*at)),
    );
    // One community: its days over the period's days.
    e.insert("activity_days", (held.len() as f64, Some(span as f64)));
    // Weeks run Monday to Sunday; a week counts for an association if it met in the period.
    let monday = |d: NaiveDate| d - Duration::days(i64::from(d.weekday().num_days_from_monday()));
    let weeks = (monday(last) - monday(first)).num_days() / 7 + 1;
    let met: HashSet<(usize, NaiveDate)> = p
        .association_sessions
        .iter()
        .filter(|(_, at)| within(*at, w))
        .map(|(a, at)| (*a, monday(local(*at))))
        .collect();
    let registered = p.associations.iter().filter(|t| **t < w.1).count() as i64;
    e.insert(
        "association_weeks",
        (met.len() as f64, Some((registered * weeks) as f64)),
    );
    let riders: i64 = p
        .station_visits
        .iter()
        .filter(|v| within(v.1, w))
        .map(|v| i64::from(v.0))
        .sum();
    e.insert("station_visits", (riders as f64, None));
    e.insert("campaign_participation", (0.0, Some(residents)));
    let minutes: i64 = records.iter().map(|r| i64::from(r.minutes)).sum();
    e.insert("volunteer_hours", (minutes as f64, Some(60.0)));
    let mut months: HashMap<usize, HashSet<(i32, u32)>> = HashMap::new();
    for r in &records {
        let local = r.at + Duration::hours(8);
        months
            .entry(r.volunteer)
            .or_default()
            .insert((local.year(), local.month()));
    }
    e.insert("active_volunteers", (months.len() as f64, None));
    e.insert(
        "long_term_volunteers",
        (
            months.values().filter(|m| m.len() >= 3).count() as f64,
            None,
        ),
    );
    let sum = |kinds: &[&str]| -> f64 {
        p.transfers
            .iter()
            .filter(|t| kinds.contains(&t.0) && within(t.4, w))
            .map(|t| t.3)
            .sum::<i64>() as f64
    };
    e.insert("points_issued", (sum(&["earn", "bonus"]), None));
    e.insert("points_redeemed", (sum(&["redeem"]), None));
    e
}

fn figures(h: &Headline) -> Vec<(&'static str, &Figure)> {
    vec![
        ("participation_rate", &h.participation_rate),
        ("participation_growth", &h.participation_growth),
        ("service_precision", &h.service_precision),
        ("service_precision_growth", &h.service_precision_growth),
        ("continuation_rate", &h.continuation_rate),
        ("elderly_person_times", &h.elderly_person_times),
        ("parent_child_classes", &h.parent_child_classes),
        ("peak_daily_visits", &h.peak_daily_visits),
        ("volunteer_hours", &h.volunteer_hours),
        ("active_volunteers", &h.active_volunteers),
        ("long_term_volunteers", &h.long_term_volunteers),
        ("points_issued", &h.points_issued),
        ("points_redeemed", &h.points_redeemed),
        ("activity_days", &h.activity_days),
        ("association_weeks", &h.association_weeks),
        ("station_visits", &h.station_visits),
        ("campaign_participation", &h.campaign_participation),
    ]
}

fn assert_matches(h: &Headline, plan: &Plan) {
    let want = expected(plan);
    for (name, got) in figures(h) {
        let (num, den) = want[name];
        let close = |a: f64, b: f64| (a - b).abs() < 1e-9;
        assert!(
            close(got.numerator, num),
            "{name}: numerator {} ≠ {num}",
            got.numerator
        );
        match (got.denominator, den) {
            (Some(g), Some(d)) => assert!(close(g, d), "{name}: denominator {g} ≠ {d}"),
            (None, None) => {}
            other => panic!("{name}: denominators differ {other:?}"),
        }
        let value = den.map_or(num, |d| if d == 0.0 { 0.0 } else { num / d });
        assert!(
            close(got.value, value),
            "{name}: value {} ≠ {value}",
            got.value
        );
        assert!(!got.definition.is_empty(), "{name} has no definition");
    }
}

async fn overview_matches_the_plan(db: Db) {
    let app = spawn(db);
    let plan = load_plan(&app, app.community_id, 7);
    assert!(
        plan.records.len() > 100 && plan.checkins.len() > 30,
        "a plan worth testing"
    );
    let admin = app.staff("community_admin").await;
    let o = admin.stats_overview(&query()).await.unwrap();
    assert_eq!(o.community_ids, vec![app.community_id]);
    assert!(
        o.communities.is_empty(),
        "a community admin sees no per-community split"
    );
    assert_matches(&o.figures, &plan);
    // The same figures as a file: a row per figure, the value as the JSON has it.
    let csv = admin
        .csv(&format!("/api/v1/stats/overview?{}&format=csv", query()))
        .await
        .unwrap();
    assert!(
        csv.starts_with("\u{feff}scope,figure,value,numerator,denominator,definition"),
        "{csv}"
    );
    let row = csv
        .lines()
        .find(|l| l.starts_with("all,volunteer_hours,"))
        .unwrap();
    let value: f64 = row.split(',').nth(2).unwrap().parse().unwrap();
    assert_eq!(value, o.figures.volunteer_hours.value);
    assert_eq!(csv.lines().count(), 1 + figures(&o.figures).len());
    // Figures that must be non-trivial for the comparison to mean anything.
    assert!(o.figures.participation_rate.value > 0.0);
    assert!(o.figures.peak_daily_visits.value > 0.0);
    assert!(o.figures.continuation_rate.denominator.unwrap() > 0.0);

    // Nothing of this is for residents; a bad period is refused.
    let resident = app.resident("stats-resident").await;
    assert_eq!(
        resident.stats_overview(&query()).await.unwrap_err().status,
        403
    );
    let (from, to) = period();
    let backwards = format!("from={}&to={}", rfc(to), rfc(from));
    assert_eq!(
        admin.stats_overview(&backwards).await.unwrap_err().code(),
        "invalid_period"
    );
}

async fn subdistrict_and_tables(db: Db) {
    let app = spawn(db);
    let plan_a = load_plan(&app, app.community_id, 11);
    let neighbour = app.other_community();
    let plan_b = load_plan(&app, neighbour, 12);
    let street = app.staff("subdistrict_admin").await;
    let o = street.stats_overview(&query()).await.unwrap();
    assert_eq!(o.communities.len(), 2);
    let a = o
        .communities
        .iter()
        .find(|c| c.community_id == app.community_id)
        .unwrap();
    let b = o
        .communities
        .iter()
        .find(|c| c.community_id == neighbour)
        .unwrap();
    assert_matches(&a.figures, &plan_a);
    assert_matches(&b.figures, &plan_b);
    // The sum: counts add up, ratios are the sum of numerators over the sum of denominators.
    for ((name, total), ((_, x), (_, y))) in figures(&o.figures)
        .into_iter()
        .zip(figures(&a.figures).into_iter().zip(figures(&b.figures)))
    {
        match name {
            "peak_daily_visits" | "service_precision_growth" => continue,
            _ => assert!(
                (total.numerator - (x.numerator + y.numerator)).abs() < 1e-9,
                "{name}: {} ≠ {} + {}",
                total.numerator,
                x.numerator,
                y.numerator
            ),
        }
    }
    // One community asked for by id; one outside the subdistrict's reach is not found.
    let one = street
        .stats_overview(&format!("{}&community_id={neighbour}", query()))
        .await
        .unwrap();
    assert_eq!(one.community_ids, vec![neighbour]);
    assert_matches(&one.figures, &plan_b);
    let admin = app.staff("community_admin").await;
    assert_eq!(
        admin
            .stats_overview(&format!("{}&community_id={neighbour}", query()))
            .await
            .unwrap_err()
            .status,
        404
    );

    // The tables agree with the overview and with the plan.
    let w = period();
    let served = admin
        .stats_table("served", &format!("{}&group_by=target_group", query()))
        .await
        .unwrap();
    let elderly = served
        .rows
        .iter()
        .find(|r| r["target_group"] == "elderly")
        .unwrap();
    let mine = street
        .stats_overview(&format!("{}&community_id={}", query(), app.community_id))
        .await
        .unwrap();
    // Services received by the elderly, plus the elderly on the associations' rolls.
    let rolls = admin.stats_table("associations", &query()).await.unwrap();
    let attended: f64 = rolls
        .rows
        .iter()
        .map(|r| r["elderly"].as_f64().unwrap())
        .sum();
    assert!(attended > 0.0);
    assert_eq!(
        elderly["person_times"].as_f64().unwrap() + attended,
        mine.figures.elderly_person_times.value
    );
    let needs = admin
        .stats_table("needs", &format!("{}&group_by=category", query()))
        .await
        .unwrap();
    let posted: i64 = needs
        .rows
        .iter()
        .map(|r| r["posted"].as_i64().unwrap())
        .sum();
    let in_period = plan_a
        .needs
        .iter()
        .filter(|n| within(n.created_at, w))
        .count() as i64;
    assert_eq!(posted, in_period);
    let teams = admin
        .stats_table("volunteers", &format!("{}&group_by=team", query()))
        .await
        .unwrap();
    let minutes: i64 = teams
        .rows
        .iter()
        .map(|r| r["minutes"].as_i64().unwrap())
        .sum();
    let plan_minutes: i64 = plan_a
        .records
        .iter()
        .filter(|r| within(r.at, w))
        .map(|r| i64::from(r.minutes))
        .sum();
    assert_eq!(
        minutes, plan_minutes,
        "each synthetic volunteer is in one team"
    );
    for (table, group) in [
        ("points", "month"),
        ("points", "kind"),
        ("merchants", "none"),
        ("projects", "none"),
        ("suggestions", "category"),
        ("needs", "target_group"),
    ] {
        let t = admin
            .stats_table(table, &format!("{}&group_by={group}", query()))
            .await
            .unwrap_or_else(|e| panic!("{table}: {e}"));
        assert_eq!(serde_json::to_value(t.group_by).unwrap(), group);
    }
    let csv = admin
        .csv(&format!("/api/v1/stats/suggestions?{}&format=csv", query()))
        .await
        .unwrap();
    assert!(
        csv.starts_with("\u{feff}category,suggestions,answered"),
        "{csv}"
    );
    let rows = csv.lines().count() - 1;
    let categories: HashSet<&str> = plan_a
        .suggestions
        .iter()
        .filter(|s| within(s.2, w))
        .map(|s| s.1)
        .collect();
    assert_eq!(rows, categories.len());
    // A grouping outside the documented set, and one the table does not know.
    let bad = admin
        .stats_table("needs", &format!("{}&group_by=colour", query()))
        .await
        .unwrap_err();
    assert_eq!((bad.status.as_u16(), bad.code()), (422, "invalid_value"));
    let bad = admin
        .stats_table("needs", &format!("{}&group_by=team", query()))
        .await
        .unwrap_err();
    assert_eq!((bad.status.as_u16(), bad.code()), (422, "invalid_group_by"));
    assert_eq!(
        admin.stats_table("salaries", "").await.unwrap_err().status,
        404
    );
}

/// The month (`YYYY-MM`) of a UTC time as people here read it (UTC+8).
fn local_month(t: NaiveDateTime) -> String {
    (t + Duration::hours(8)).format("%Y-%m").to_string()
}

type Rows = BTreeMap<String, Vec<serde_json::Value>>;

/// A table as (group → the other columns, in order), for comparing server and plan.
fn keyed(t: &StatsTable) -> Rows {
    t.rows
        .iter()
        .map(|r| {
            let key = match &r[&t.columns[0]] {
                serde_json::Value::String(s) => s.clone(),
                v => v.to_string(),
            };
            let rest = t.columns[1..].iter().map(|c| r[c].clone()).collect();
            (key, rest)
        })
        .collect()
}

fn round(x: f64, places: i32) -> serde_json::Value {
    let f = 10f64.powi(places);
    json!((x * f).round() / f)
}

fn median(mut v: Vec<f64>) -> serde_json::Value {
    if v.is_empty() {
        return serde_json::Value::Null;
    }
    v.sort_by(f64::total_cmp);
    let n = v.len();
    let m = if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    };
    round(m, 1)
}

fn needs_table(p: &Plan, group_by: &str) -> Rows {
    let w = period();
    let mut groups: BTreeMap<String, Vec<&PlanNeed>> = BTreeMap::new();
    for n in p.needs.iter().filter(|n| within(n.created_at, w)) {
        let k = match group_by {
            "category" => n.category.to_string(),
            "target_group" => n.group.to_string(),
            _ => local_month(n.created_at),
        };
        groups.entry(k).or_default().push(n);
    }
    groups
        .into_iter()
        .map(|(k, ns)| {
            let status = |s: &str| ns.iter().filter(|n| n.status == s).count();
            let waits: Vec<f64> = ns
                .iter()
                .filter_map(|n| {
                    n.served.map(|(_, claimed, _, _)| {
                        (claimed - n.created_at).num_seconds() as f64 / 60.0
                    })
                })
                .collect();
            let stars: Vec<i32> = ns
                .iter()
                .filter_map(|n| n.rating)
                .filter(|(_, at)| *at >= w.0)
                .map(|(s, _)| s)
                .collect();
            let average = if stars.is_empty() {
                serde_json::Value::Null
            } else {
                round(f64::from(stars.iter().sum::<i32>()) / stars.len() as f64, 2)
            };
            (
                k,
                vec![
                    json!(ns.len()),
                    json!(waits.len()),
                    json!(status("done") + status("confirmed")),
                    json!(status("cancelled")),
                    json!(status("expired")),
                    median(waits),
                    json!(stars.len()),
                    average,
                ],
            )
        })
        .collect()
}

fn served_table(p: &Plan, group_by: &str) -> Rows {
    let mut groups: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    for r in p.records.iter().filter(|r| within(r.at, period())) {
        let k = if group_by == "month" {
            local_month(r.at)
        } else {
            r.group.to_string()
        };
        let g = groups.entry(k).or_default();
        g.0 += 1;
        g.1 += i64::from(r.minutes);
    }
    groups
        .into_iter()
        .map(|(k, (n, m))| (k, vec![json!(n), json!(m)]))
        .collect()
}

fn volunteers_by_month(p: &Plan) -> Rows {
    let mut groups: BTreeMap<String, (HashSet<usize>, i64, i64)> = BTreeMap::new();
    for r in p.records.iter().filter(|r| within(r.at, period())) {
        let g = groups.entry(local_month(r.at)).or_default();
        g.0.insert(r.volunteer);
        g.1 += 1;
        g.2 += i64::from(r.minutes);
    }
    groups
        .into_iter()
        .map(|(k, (v, n, m))| {
            (
                k,
                vec![
                    json!(v.len()),
                    json!(n),
                    json!(m),
                    round(m as f64 / 60.0, 2),
                ],
            )
        })
        .collect()
}

/// Residents' postings of the plan's transfers: (kind, signed amount, at).
fn resident_postings(p: &Plan) -> Vec<(&'static str, i64, NaiveDateTime)> {
    let mut out = vec![];
    for (kind, from, to, amount, at) in &p.transfers {
        if from.is_some() {
            out.push((*kind, -amount, *at));
        }
        if to.is_some() {
            out.push((*kind, *amount, *at));
        }
    }
    out
}

fn points_table(p: &Plan, group_by: &str) -> Rows {
    let w = period();
    let all = resident_postings(p);
    let inside: Vec<_> = all.iter().filter(|x| within(x.2, w)).collect();
    if group_by == "kind" {
        let mut groups: BTreeMap<String, (i64, i64)> = BTreeMap::new();
        for (kind, amount, _) in inside {
            let g = groups.entry(kind.to_string()).or_default();
            if *amount > 0 {
                g.0 += amount;
            } else {
                g.1 -= amount;
            }
        }
        return groups
            .into_iter()
            .map(|(k, (c, d))| (k, vec![json!(c), json!(d)]))
            .collect();
    }
    let mut held: i64 = all.iter().filter(|x| x.2 < w.0).map(|x| x.1).sum();
    let mut groups: BTreeMap<String, [i64; 6]> = BTreeMap::new();
    for (kind, amount, at) in inside {
        let g = groups.entry(local_month(*at)).or_default();
        match *kind {
            "earn" | "bonus" => g[0] += amount.abs(),
            "redeem" => g[1] += amount.abs(),
            "refund" => g[2] += amount.abs(),
            "expire" => g[3] += amount.abs(),
            _ => g[4] += amount,
        }
        g[5] += amount;
    }
    groups
        .into_iter()
        .map(|(k, g)| {
            held += g[5];
            let mut row: Vec<_> = g[..5].iter().map(|x| json!(x)).collect();
            row.push(json!(held));
            (k, row)
        })
        .collect()
}

fn suggestions_table(p: &Plan, group_by: &str) -> Rows {
    let mut groups: BTreeMap<String, i64> = BTreeMap::new();
    for (_, category, at) in p.suggestions.iter().filter(|s| within(s.2, period())) {
        let k = match group_by {
            "month" => local_month(*at),
            // The plan's suggestions are all still open.
            "status" => "open".to_string(),
            _ => category.to_string(),
        };
        *groups.entry(k).or_default() += 1;
    }
    groups
        .into_iter()
        .map(|(k, n)| (k, vec![json!(n), json!(0)]))
        .collect()
}

/// Projects by title: (sessions starting in the period, visits in it, continued).
fn projects_table(p: &Plan) -> BTreeMap<String, (i64, i64, &'static str)> {
    let w = period();
    let continued: HashSet<usize> = p.projects.iter().filter_map(|x| x.continues).collect();
    p.projects
        .iter()
        .enumerate()
        .filter(|(_, x)| x.start < w.1 && x.end >= w.0)
        .map(|(i, _)| {
            let sessions = p
                .sessions
                .iter()
                .filter(|(proj, at)| *proj == i && within(*at, w))
                .count() as i64;
            let visits: i64 = p
                .checkins
                .iter()
                .filter(|(s, _, _, at)| p.sessions[*s].0 == i && within(*at, w))
                .map(|c| i64::from(c.2))
                .sum();
            let yes = if continued.contains(&i) { "yes" } else { "no" };
            (format!("项目{i}"), (sessions, visits, yes))
        })
        .collect()
}

/// Every table, by every grouping, recomputed from the plan alone and compared with the server.
async fn every_table_matches_the_plan(db: Db) {
    let app = spawn(db);
    let plan = load_plan(&app, app.community_id, 21);
    let admin = app.staff("community_admin").await;
    let table = |name: &'static str, group: &'static str| {
        let admin = &admin;
        async move {
            admin
                .stats_table(name, &format!("{}&group_by={group}", query()))
                .await
                .unwrap_or_else(|e| panic!("{name} by {group}: {e}"))
        }
    };
    for group in ["category", "target_group", "month"] {
        let t = table("needs", group).await;
        assert_eq!(keyed(&t), needs_table(&plan, group), "needs by {group}");
    }
    for group in ["target_group", "month"] {
        let t = table("served", group).await;
        assert_eq!(keyed(&t), served_table(&plan, group), "served by {group}");
    }
    let t = table("volunteers", "month").await;
    assert_eq!(keyed(&t), volunteers_by_month(&plan), "volunteers by month");
    for group in ["kind", "month"] {
        let t = table("points", group).await;
        assert_eq!(keyed(&t), points_table(&plan, group), "points by {group}");
    }
    for group in ["category", "month", "status"] {
        let t = table("suggestions", group).await;
        assert_eq!(
            keyed(&t),
            suggestions_table(&plan, group),
            "suggestions by {group}"
        );
    }
    // Self-governance: raised, settled, decisions due and carried out on time in the period.
    let t = table("topics", "month").await;
    let total = t.rows.iter().find(|r| r["month"] == "total").unwrap();
    let w = period();
    let raised = plan.topics.iter().filter(|x| within(x.raised, w)).count();
    let settled = plan
        .topics
        .iter()
        .filter(|x| x.settled.is_some_and(|s| within(s, w)))
        .count();
    let due: Vec<_> = plan
        .topics
        .iter()
        .filter(|x| x.deadline.is_some_and(|d| within(d, w)))
        .collect();
    let on_time = due
        .iter()
        .filter(|x| x.done.is_some_and(|d| Some(d) <= x.deadline))
        .count();
    assert!(raised > 0 && settled > 0 && !due.is_empty() && on_time > 0);
    assert_eq!(
        (
            total["raised"].as_i64(),
            total["settled"].as_i64(),
            total["decisions_due"].as_i64(),
            total["carried_out_on_time"].as_i64()
        ),
        (
            Some(raised as i64),
            Some(settled as i64),
            Some(due.len() as i64),
            Some(on_time as i64)
        ),
        "topics"
    );
    let days: Vec<f64> = plan
        .topics
        .iter()
        .filter_map(|x| {
            let s = x.settled.filter(|s| within(*s, w))?;
            Some((s - x.raised).num_minutes() as f64 / 1440.0)
        })
        .collect();
    assert_eq!(total["median_days_to_settle"], median(days));
    let t = table("projects", "none").await;
    let got: BTreeMap<String, (i64, i64, &str)> = t
        .rows
        .iter()
        .map(|r| {
            (
                r["title"].as_str().unwrap().to_string(),
                (
                    r["sessions"].as_i64().unwrap(),
                    r["visits"].as_i64().unwrap(),
                    if r["continued"] == "yes" { "yes" } else { "no" },
                ),
            )
        })
        .collect();
    assert_eq!(got, projects_table(&plan), "projects");
    // No voucher moved in the plan: every merchant's figures are zero.
    let t = table("merchants", "none").await;
    for r in &t.rows {
        for c in [
            "vouchers_issued",
            "vouchers_used",
            "checks_refused",
            "points_redeemed",
            "ratings",
            "complaints",
        ] {
            assert_eq!(r[c].as_i64(), Some(0), "merchant {c}: {r:?}");
        }
    }
}

async fn integrators_only_read_stats(db: Db) {
    let app = spawn(db);
    load_plan(&app, app.community_id, 21);
    let (id, secret) = write_tx(&mut app.pool.get().unwrap(), |c| {
        canglong_api::auth::create_client(c, "市大数据局", &["stats:read".into()], app.community_id)
    })
    .unwrap();
    let anon = app.anonymous();
    assert_eq!(
        anon.client_token(id, "wrong").await.unwrap_err().code(),
        "invalid_client"
    );
    let t = anon.client_token(id, &secret).await.unwrap();
    assert_eq!(t.scope, "stats:read");
    let integrator = anon.with_token(&t.access_token);
    let o = integrator.stats_overview(&query()).await.unwrap();
    let admin = app.staff("community_admin").await;
    let theirs = admin.stats_overview(&query()).await.unwrap();
    assert_eq!(
        o.figures.participation_rate,
        theirs.figures.participation_rate
    );
    // Nothing outside the scope: the ledger, posting a need, a person's profile.
    let ledger = integrator
        .request(reqwest::Method::GET, "/api/v1/points/transactions")
        .send()
        .await
        .unwrap();
    assert_eq!(ledger.status(), 403);
    let posted = integrator.create_need(&need(1)).await.unwrap_err();
    assert_eq!(
        (posted.status.as_u16(), posted.code()),
        (403, "insufficient_scope")
    );
    assert_eq!(integrator.me().await.unwrap_err().status, 403);
    // Nor another community.
    let other = app.other_community();
    assert_eq!(
        integrator
            .stats_overview(&format!("{}&community_id={other}", query()))
            .await
            .unwrap_err()
            .status,
        404
    );
    // Unknown scopes are refused when the client is made.
    let bad = write_tx(&mut app.pool.get().unwrap(), |c| {
        canglong_api::auth::create_client(c, "x", &["ledger:write".into()], app.community_id)
    })
    .unwrap_err();
    assert_eq!(bad.code, "unknown_scope");
}

/// The rollups (whole local days, maintained by triggers or folded) and the partial edges give
/// the facts the row-by-row reading gives, for periods of every shape, before and after folding
/// and after the rows change.
async fn rollups_agree_with_the_rows(db: Db) {
    use canglong_persistence::Id;
    use canglong_persistence::rollups::{facts, facts_by_rows};
    use canglong_persistence::schema::{needs, service_records};
    use canglong_services::stats::fold_points;
    use diesel::prelude::*;

    let app = spawn(db);
    let plan = load_plan(&app, app.community_id, 11);
    let set = [app.community_id];
    let h = |d: i64, hours: i64, minutes: i64| {
        start() + Duration::days(d) + Duration::hours(hours) + Duration::minutes(minutes)
    };
    let periods = [
        (h(-30, 0, 0), canglong_core::now() + Duration::days(1)), // everything, today too
        (h(366, 5, 13), h(500, 17, 0)),                           // partial days at both ends
        (h(100, 16, 0), h(130, 16, 0)),                           // on local midnights (16:00 UTC)
        (h(400, 20, 0), h(401, 3, 0)), // across one midnight, no whole day
        (h(200, 1, 0), h(200, 2, 30)), // within one day
        (h(-10, 0, 0), h(5, 0, 0)),    // reaching before the first record
    ];
    let agree = |when: &str| {
        let mut conn = app.pool.get().unwrap();
        for (from, to) in periods {
            for full in [true, false] {
                let fast = facts(&mut conn, &set, from, to, full).unwrap();
                let slow = facts_by_rows(&mut conn, &set, from, to, full).unwrap();
                let at = format!("{when}: {from}..{to} (full: {full})");
                assert_eq!(fast.residents, slow.residents, "residents, {at}");
                assert_eq!(fast.participants, slow.participants, "participants, {at}");
                assert_eq!(fast.needs, slow.needs, "needs, {at}");
                assert_eq!(fast.service, slow.service, "service, {at}");
                assert_eq!(
                    (fast.points_issued, fast.points_redeemed),
                    (slow.points_issued, slow.points_redeemed),
                    "points, {at}"
                );
                assert!(fast == slow, "the rest, {at}");
            }
        }
    };
    let (from, to) = (h(366, 5, 13), h(500, 17, 0));
    let sample = facts_by_rows(&mut app.pool.get().unwrap(), &set, from, to, true).unwrap();
    assert!(
        sample.participants.len() > 10
            && sample.needs.considered > 10
            && sample.needs.on_time > 0
            && sample.service.records > 10
            && sample.points_issued > 0
            && sample.points_redeemed > 0,
        "a sample worth comparing: {sample:?}"
    );
    agree("before any fold");

    // Fold the first year only, then everything closed.
    let mut conn = app.pool.get().unwrap();
    let first = fold_points(&mut conn, h(366, 0, 0)).unwrap();
    assert!(first > 300, "{first} days folded");
    agree("first year folded");
    assert!(fold_points(&mut conn, canglong_core::now()).unwrap() > 300);
    assert_eq!(
        fold_points(&mut conn, canglong_core::now()).unwrap(),
        0,
        "a second pass folds nothing"
    );
    agree("all folded");

    // Rows change after the fact: the triggers follow.
    let some_needs: Vec<(Id, String)> = needs::table
        .filter(needs::community_id.eq(Id(app.community_id)))
        .select((needs::id, needs::status))
        .order(needs::id)
        .limit(40)
        .load(&mut conn)
        .unwrap();
    for (i, (id, status)) in some_needs.iter().enumerate() {
        let next = match (i % 3, status.as_str()) {
            (0, _) => "cancelled",
            (1, "cancelled") => "open",
            (1, _) => "confirmed",
            _ => "done",
        };
        diesel::update(needs::table.find(*id))
            .set((
                needs::status.eq(next),
                needs::done_at.eq(Some(h(400, 0, i as i64))),
            ))
            .execute(&mut conn)
            .unwrap();
    }
    let some_records: Vec<(Id, String)> = service_records::table
        .filter(service_records::community_id.eq(Id(app.community_id)))
        .select((service_records::id, service_records::status))
        .order(service_records::id)
        .limit(30)
        .load(&mut conn)
        .unwrap();
    for (i, (id, status)) in some_records.iter().enumerate() {
        let next = match status.as_str() {
            "verified" if i % 2 == 0 => "rejected",
            _ => "verified",
        };
        diesel::update(service_records::table.find(*id))
            .set((
                service_records::status.eq(next),
                service_records::minutes_approved.eq(Some(17 + i as i32)),
            ))
            .execute(&mut conn)
            .unwrap();
    }
    drop(conn);
    // Today's actions are read from the rows until their day is folded.
    let before = facts(
        &mut app.pool.get().unwrap(),
        &set,
        periods[0].0,
        periods[0].1,
        false,
    )
    .unwrap();
    app.resident("late-voice")
        .await
        .create_suggestion(&canglong_openapi::NewSuggestion {
            category: canglong_openapi::SuggestionCategory::Complaint,
            text: "晾衣架不够".into(),
            anonymous: false,
            merchant_id: None,
            project_id: None,
            source: None,
        })
        .await
        .unwrap();
    let after = facts(
        &mut app.pool.get().unwrap(),
        &set,
        periods[0].0,
        periods[0].1,
        false,
    )
    .unwrap();
    assert_eq!(after.participants.len(), before.participants.len() + 1);
    agree("after changes");
    assert_ne!(
        facts_by_rows(&mut app.pool.get().unwrap(), &set, from, to, true).unwrap(),
        sample,
        "the changes moved the figures"
    );
    let _ = plan;
}
