//! Care: the services a resident received and the gaps in them, the staff's work queue, and the
//! alerts that reach the responsible social worker (low ratings, escalations, care gaps).

use std::collections::HashMap;

use canglong_core::notice::NoticeKind;
use canglong_core::{Actor, NaiveDateTime, Role, Uuid, now};
use canglong_people::care;
use canglong_people::queue::{self as rules, QueueKind};
use canglong_persistence::residents::{self as store, CareRow, Entry};
use canglong_persistence::{AnyConnection, notifications, pairings, queue};

use crate::error::{Error, Result};
use crate::residents::{Reach, reach};

/// A resident's care: what they received (newest first), visits per month, the last visit.
#[derive(Debug, Clone)]
pub struct Care {
    pub resident: Uuid,
    pub name: String,
    pub services: Vec<CareRow>,
    pub visits_per_month: Vec<(String, i64)>,
    pub last_visit: Option<NaiveDateTime>,
}

/// The most services a care history lists.
const CARE_HISTORY_MAX: i64 = 200;

/// A resident's care history, for staff, the head of their building, their confirmed family
/// proxy, or themself; to anyone else they do not exist.
pub fn history(conn: &mut AnyConnection, actor: &Actor, resident: Uuid) -> Result<Care> {
    let person = canglong_persistence::people::find_user(conn, resident)?
        .filter(|u| u.community_id.0 == actor.community_id && u.erased_at.is_none())
        .ok_or_else(|| Error::not_found("resident"))?;
    let allowed = actor.is_staff()
        || crate::residents::acts_for(conn, actor, resident)?
        || match reach(conn, actor)? {
            Reach::Buildings(own) => store::resident(conn, actor.community_id, resident)?
                .and_then(|e| e.row.building_id)
                .is_some_and(|b| own.contains(&b.0)),
            _ => false,
        };
    if !allowed {
        return Err(Error::not_found("resident"));
    }
    let services = store::care_of(conn, actor.community_id, resident, CARE_HISTORY_MAX)?;
    let last = store::last_visits(conn, actor.community_id, &[resident])?
        .into_iter()
        .map(|(_, at)| at)
        .max();
    Ok(Care {
        resident,
        name: person.nickname,
        visits_per_month: care::visits_per_month(services.iter().map(|s| s.at))
            .into_iter()
            .collect(),
        services,
        last_visit: last,
    })
}

/// A resident who needs visits and has gone `days_since` days without one.
#[derive(Debug, Clone)]
pub struct Gap {
    pub entry: Entry,
    pub last_visit: Option<NaiveDateTime>,
    pub days_since: i64,
}

/// The care gaps of the community (or of a head's buildings), longest first, by the
/// community's threshold unless `days` is given.
pub fn gaps(conn: &mut AnyConnection, actor: &Actor, days: Option<i32>) -> Result<Vec<Gap>> {
    let reach = reach(conn, actor)?;
    if reach == Reach::Nobody {
        return Err(Error::forbidden(
            "forbidden_role",
            "requires staff or a building head",
        ));
    }
    let days = match days {
        Some(d) => {
            care::check_gap_days(d)?;
            d
        }
        None => store::care_gap_days(conn, actor.community_id)?,
    };
    gaps_in(conn, actor.community_id, &reach, days, now())
}

fn gaps_in(
    conn: &mut AnyConnection,
    community: Uuid,
    reach: &Reach,
    days: i32,
    at: NaiveDateTime,
) -> Result<Vec<Gap>> {
    let tagged: Vec<Entry> = store::needing_visits(conn, community)?
        .into_iter()
        .filter(|e| reach.covers(e.row.building_id.map(|b| b.0)))
        .collect();
    let ids: Vec<Uuid> = tagged.iter().map(|e| e.row.id.0).collect();
    let mut last: HashMap<Uuid, NaiveDateTime> = HashMap::new();
    for (who, when) in store::last_visits(conn, community, &ids)? {
        let e = last.entry(who).or_insert(when);
        *e = (*e).max(when);
    }
    let mut out: Vec<Gap> = tagged
        .into_iter()
        .filter_map(|entry| {
            let last_visit = last.get(&entry.row.id.0).copied();
            care::gap(last_visit, entry.row.created_at, at, days).map(|days_since| Gap {
                entry,
                last_visit,
                days_since,
            })
        })
        .collect();
    out.sort_by(|a, b| {
        b.days_since
            .cmp(&a.days_since)
            .then(a.entry.row.id.0.cmp(&b.entry.row.id.0))
    });
    Ok(out)
}

/// Community admin: the number of days without a visit that makes a care gap.
pub fn set_gap_days(conn: &mut AnyConnection, actor: &Actor, days: i32) -> Result<()> {
    actor.require(&[Role::CommunityAdmin])?;
    care::check_gap_days(days)?;
    store::set_care_gap_days(conn, actor.community_id, days)?;
    Ok(())
}

/// One item of the staff's queue.
#[derive(Debug, Clone)]
pub struct Item {
    pub kind: QueueKind,
    /// What the item is about (a record, a need, a claim, a suggestion, a resident, a merchant).
    pub subject_id: Uuid,
    /// Since when it has waited.
    pub since: NaiveDateTime,
    pub title: String,
    pub detail: String,
    pub person: Option<String>,
    pub minutes: Option<i32>,
    pub stars: Option<i32>,
    pub need_id: Option<Uuid>,
    pub community_id: Uuid,
}

impl Item {
    fn new(kind: QueueKind, subject: Uuid, since: NaiveDateTime, community: Uuid) -> Self {
        Item {
            kind,
            subject_id: subject,
            since,
            title: String::new(),
            detail: String::new(),
            person: None,
            minutes: None,
            stars: None,
            need_id: None,
            community_id: community,
        }
    }
}

/// The caller's work queue, oldest first: a social worker's and an admin's of their community,
/// a subdistrict admin's also the merchants waiting for filing across its communities.
pub fn work(conn: &mut AnyConnection, actor: &Actor) -> Result<Vec<Item>> {
    actor.require(&[
        Role::SocialWorker,
        Role::CommunityAdmin,
        Role::SubdistrictAdmin,
    ])?;
    let (c, at) = (actor.community_id, now());
    let recent = at - chrono::Duration::days(rules::RECENT_DAYS);
    let mut items = Vec::new();

    let pending = queue::pending_records(conn, c)?;
    let need_ids: Vec<Uuid> = pending
        .iter()
        .filter_map(|r| r.need_id.map(|n| n.0))
        .collect();
    let needs: HashMap<Uuid, (String, Option<i32>)> = queue::need_titles(conn, &need_ids)?
        .into_iter()
        .map(|(id, title, stars)| (id.0, (title, stars)))
        .collect();
    for r in pending {
        let mut i = Item::new(QueueKind::Verification, r.id.0, r.created_at, c);
        let need = r.need_id.and_then(|n| needs.get(&n.0));
        i.title = need.map_or_else(|| r.content.clone(), |(t, _)| t.clone());
        i.detail = r.content;
        i.person = Some(r.volunteer_name);
        i.minutes = Some(r.minutes);
        i.stars = need.and_then(|(_, s)| *s);
        i.need_id = r.need_id.map(|n| n.0);
        items.push(i);
    }
    for r in queue::low_ratings(conn, c, rules::LOW_RATING_STARS, recent)? {
        let mut i = Item::new(QueueKind::LowRating, r.id.0, r.at, c);
        (i.title, i.detail, i.stars, i.need_id) =
            (r.title, r.comment, Some(r.stars), Some(r.need_id.0));
        items.push(i);
    }
    let waiting = [
        (QueueKind::Escalation, queue::escalated(conn, c)?),
        (QueueKind::Expiry, queue::expired(conn, c, recent)?),
    ];
    for (kind, needs) in waiting {
        for n in needs {
            let mut i = Item::new(kind, n.id.0, n.since.unwrap_or(at), c);
            (i.title, i.detail, i.need_id) = (n.title, n.place, Some(n.id.0));
            items.push(i);
        }
    }
    for s in queue::stuck_claims(conn, c, at)? {
        let mut i = Item::new(QueueKind::StuckClaim, s.id.0, s.window_end, c);
        (i.title, i.person, i.need_id) = (s.title, Some(s.volunteer_name), Some(s.need_id.0));
        items.push(i);
    }
    for (id, when, category, text) in queue::open_suggestions(conn, c)? {
        let mut i = Item::new(QueueKind::Suggestion, id.0, when, c);
        (i.title, i.detail) = (category, text);
        items.push(i);
    }
    let days = store::care_gap_days(conn, c)?;
    for g in gaps_in(conn, c, &Reach::Community, days, at)? {
        let since = g.last_visit.unwrap_or(g.entry.row.created_at);
        let mut i = Item::new(QueueKind::CareGap, g.entry.row.id.0, since, c);
        i.title = g.entry.name.clone();
        i.detail = format!("{} days without a visit", g.days_since);
        i.person = Some(g.entry.name);
        items.push(i);
    }
    if actor.has(Role::SubdistrictAdmin) {
        let communities: Vec<Uuid> =
            canglong_persistence::stats::communities_of_subdistrict(conn, c)?
                .into_iter()
                .map(|(id, _)| id.0)
                .collect();
        for (id, when, name, community) in queue::awaiting_filing(conn, &communities)? {
            let mut i = Item::new(QueueKind::Filing, id.0, when, community.0);
            i.title = name;
            items.push(i);
        }
    }
    rules::order(&mut items, |i| (i.since, i.kind, i.subject_id));
    Ok(items)
}

/// The social workers responsible for a volunteer: their pairing's, else all the community's.
fn responsible(
    conn: &mut AnyConnection,
    community: Uuid,
    volunteer: Option<Uuid>,
) -> Result<Vec<Uuid>> {
    if let Some(v) = volunteer
        && let Some(p) = pairings::active_for(conn, v)?
    {
        return Ok(vec![p.social_worker_id.0]);
    }
    Ok(queue::social_workers(conn, community)?)
}

/// Tells the responsible social workers of a low rating of a need served by `volunteers`.
pub fn alert_low_rating(
    conn: &mut AnyConnection,
    community: Uuid,
    title: &str,
    stars: i32,
    volunteers: &[Uuid],
) -> Result<()> {
    let mut to: Vec<Uuid> = Vec::new();
    for v in volunteers
        .iter()
        .copied()
        .map(Some)
        .chain(volunteers.is_empty().then_some(None))
    {
        to.extend(responsible(conn, community, v)?);
    }
    to.sort_unstable();
    to.dedup();
    let body = format!("「{title}」获得 {stars} 星评价，请跟进。");
    for sw in to {
        notifications::notify(
            conn,
            community,
            sw,
            NoticeKind::LowRating,
            "低分评价",
            &body,
        )?;
    }
    Ok(())
}

/// Tells the community's social workers that a need went unclaimed too long.
pub fn alert_escalation(
    conn: &mut AnyConnection,
    community: Uuid,
    title: &str,
    place: &str,
) -> Result<()> {
    let body = format!("「{title}」({place}) 长时间无人认领，已升级。");
    for sw in queue::social_workers(conn, community)? {
        notifications::notify(
            conn,
            community,
            sw,
            NoticeKind::NeedEscalated,
            "需求升级",
            &body,
        )?;
    }
    Ok(())
}

/// The sweep's care-gap pass: each resident past the community's threshold is named to the
/// social workers once per gap (not again until a visit ends it and a new one opens).
pub fn alert_care_gaps(
    conn: &mut AnyConnection,
    community: Uuid,
    at: NaiveDateTime,
) -> Result<usize> {
    let days = store::care_gap_days(conn, community)?;
    let gaps = gaps_in(conn, community, &Reach::Community, days, at)?;
    if gaps.is_empty() {
        return Ok(0);
    }
    let workers = queue::social_workers(conn, community)?;
    let mut sent = 0;
    for g in gaps {
        let since = g.last_visit.unwrap_or(g.entry.row.created_at);
        let body = format!("{} 已超过 {days} 天无人探访，请安排走访。", g.entry.name);
        for sw in &workers {
            if notifications::sent_since(conn, *sw, NoticeKind::CareGap, &body, since)? {
                continue;
            }
            notifications::notify(conn, community, *sw, NoticeKind::CareGap, "关爱提醒", &body)?;
            sent += 1;
        }
    }
    Ok(sent)
}
