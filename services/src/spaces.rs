//! Places and walk-in visits (空间赋能): the activity centre's zones, the riders' station 夏小驿
//! and its services; a visit tallied by staff or scanned by the visitor; the daily figures.

use std::collections::BTreeMap;

use canglong_activities::spaces::{
    self as domain, DEF_PEAK_AVERAGE, PlaceKind, Recorder, peak_period,
};
use canglong_core::{Actor, NaiveDate, NaiveDateTime, Role, Uuid, new_id, now};
use canglong_persistence::spaces::{self as store, PlaceRow, ServiceRow, VisitRow};
use canglong_persistence::{AnyConnection, Id, Stored, activities, associations, to_json_text};

use crate::error::{Error, Result};

/// A place as a community admin registers it.
#[derive(Debug, Clone)]
pub struct PlaceDraft {
    pub name: String,
    pub kind: PlaceKind,
    pub area_m2: i32,
    pub zones: Vec<String>,
}

/// Community admin: a place, with the code for its poster (visitors scan it to record a visit).
pub fn create_place(conn: &mut AnyConnection, actor: &Actor, p: PlaceDraft) -> Result<PlaceRow> {
    create_place_with_id(conn, actor, new_id(), p)
}

/// [`create_place`] with the id given (the demo's, which the document's examples name).
pub fn create_place_with_id(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: Uuid,
    p: PlaceDraft,
) -> Result<PlaceRow> {
    actor.require(&[Role::CommunityAdmin])?;
    let zones: Vec<String> = p.zones.iter().map(|z| z.trim().to_string()).collect();
    domain::check_zones(&zones)?;
    if store::place_named(conn, actor.community_id, &p.name)?.is_some() {
        return Err(Error::conflict(
            "place_exists",
            "the community already has a place of that name",
        ));
    }
    let row = PlaceRow {
        id: Id(id),
        community_id: Id(actor.community_id),
        name: p.name,
        kind: Stored(p.kind),
        area_m2: p.area_m2,
        zones: to_json_text(&zones),
        code: poster_code()?,
        created_at: now(),
    };
    store::insert_place(conn, &row)?;
    Ok(row)
}

/// Ten characters a visitor's phone reads from the poster's QR code; not guessable from the
/// place's id.
fn poster_code() -> Result<String> {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut bytes = [0u8; 10];
    getrandom::fill(&mut bytes).map_err(|e| Error::bug(format!("no randomness: {e}")))?;
    Ok(bytes
        .iter()
        .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
        .collect())
}

fn found(conn: &mut AnyConnection, community: Uuid, id: Uuid) -> Result<PlaceRow> {
    store::place(conn, community, id)?.ok_or_else(|| Error::not_found("place"))
}

/// Community admin: a service a place offers (the station's rest, charging, water …).
pub fn add_service(
    conn: &mut AnyConnection,
    actor: &Actor,
    place: Uuid,
    name: &str,
) -> Result<PlaceRow> {
    actor.require(&[Role::CommunityAdmin])?;
    let p = found(conn, actor.community_id, place)?;
    if store::services_of(conn, &[place])?
        .iter()
        .any(|s| s.name == name)
    {
        return Err(Error::conflict(
            "service_exists",
            "the place already offers a service of that name",
        ));
    }
    store::insert_service(
        conn,
        &ServiceRow {
            id: Id(new_id()),
            community_id: p.community_id,
            place_id: p.id,
            name: name.to_string(),
            created_at: now(),
        },
    )?;
    Ok(p)
}

/// A visit as it is reported.
#[derive(Debug, Clone)]
pub struct VisitDraft {
    pub place_id: Uuid,
    pub zone: Option<String>,
    pub service_id: Option<Uuid>,
    pub count: Option<i32>,
    /// The place's poster code: the visitor records their own visit. Without it, staff tally.
    pub code: Option<String>,
}

/// Records a walk-in visit: staff tally the people who came in; a visitor (a rider at 夏小驿)
/// scans the place's code and says which service they used — a second scan of the same place
/// and service within 30 minutes is the same visit (409 `already_visited`).
pub fn record_visit(conn: &mut AnyConnection, actor: &Actor, v: VisitDraft) -> Result<VisitRow> {
    let by = if v.code.is_some() {
        Recorder::Visitor
    } else {
        actor.require_staff()?;
        Recorder::Staff
    };
    let people = domain::visit_people(by, v.count)?;
    let place = store::lock_place(conn, actor.community_id, v.place_id)?
        .ok_or_else(|| Error::unprocessable("unknown_place", "no such place here"))?;
    if let Some(code) = &v.code
        && code.trim() != place.code
    {
        return Err(Error::unprocessable(
            "invalid_code",
            "the code is not this place's: scan the poster at the door",
        ));
    }
    let zones: Vec<String> = serde_json::from_str(&place.zones)
        .map_err(|e| Error::bug(format!("a place's zones: {e}")))?;
    if let Some(z) = &v.zone
        && !zones.contains(z)
    {
        return Err(Error::unprocessable(
            "unknown_zone",
            "the place has no zone of that name",
        ));
    }
    if let Some(s) = v.service_id
        && !store::services_of(conn, &[v.place_id])?
            .iter()
            .any(|x| x.id.0 == s)
    {
        return Err(Error::unprocessable(
            "unknown_service",
            "the place offers no such service",
        ));
    }
    let at = now();
    if by == Recorder::Visitor
        && domain::repeat_scan(
            store::last_scan(conn, actor.user_id, v.place_id, v.service_id)?,
            at,
        )
    {
        return Err(Error::conflict(
            "already_visited",
            "this visit is already recorded",
        ));
    }
    let row = VisitRow {
        id: Id(new_id()),
        community_id: place.community_id,
        place_id: place.id,
        zone: v.zone,
        service_id: v.service_id.map(Id),
        people,
        visitor_id: (by == Recorder::Visitor).then_some(Id(actor.user_id)),
        recorded_by: (by == Recorder::Staff).then_some(Id(actor.user_id)),
        created_at: at,
    };
    store::insert_visit(conn, &row)?;
    Ok(row)
}

/// Visits of a period, day by day and by zone and service, with the busiest day and the peak
/// period's daily average.
#[derive(Debug, Clone, Default)]
pub struct Visits {
    /// Local day → (people at sessions and association sessions, walk-in visits).
    pub days: BTreeMap<NaiveDate, (i64, i64)>,
    /// (place, zone) → walk-in visits.
    pub by_zone: BTreeMap<(Uuid, String), i64>,
    /// Service → walk-in visits.
    pub by_service: BTreeMap<Uuid, i64>,
    /// First day, last day and daily mean of the peak period.
    pub peak_period: Option<(NaiveDate, NaiveDate, f64)>,
    pub definition: &'static str,
}

fn local_day(t: NaiveDateTime) -> NaiveDate {
    (t + chrono::Duration::hours(8)).date()
}

/// Staff: the visits of `[from, to)`: everything, or one place's walk-in visits.
pub fn visits(
    conn: &mut AnyConnection,
    actor: &Actor,
    place: Option<Uuid>,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> Result<Visits> {
    actor.require_staff()?;
    let community = actor.community_id;
    if let Some(p) = place {
        found(conn, community, p)?;
    }
    let mut out = Visits {
        definition: DEF_PEAK_AVERAGE,
        ..Visits::default()
    };
    if place.is_none() {
        let checkins = activities::checkins_between(conn, community, from, to)?;
        let attended = associations::attendance_between(conn, &[community], from, to)?;
        let sessions = checkins.iter().map(|(at, n)| (*at, i64::from(*n)));
        for (at, n) in sessions.chain(attended.iter().map(|a| (a.created_at, 1))) {
            out.days.entry(local_day(at)).or_default().0 += n;
        }
    }
    for v in store::visits_between(conn, community, place, from, to)? {
        let n = i64::from(v.people);
        out.days.entry(local_day(v.created_at)).or_default().1 += n;
        if let Some(z) = v.zone {
            *out.by_zone.entry((v.place_id.0, z)).or_default() += n;
        }
        if let Some(s) = v.service_id {
            *out.by_service.entry(s.0).or_default() += n;
        }
    }
    let totals: BTreeMap<NaiveDate, i64> = out.days.iter().map(|(d, (a, b))| (*d, a + b)).collect();
    out.peak_period = peak_period(
        &totals,
        local_day(from),
        local_day(to - chrono::Duration::seconds(1)),
    );
    Ok(out)
}
