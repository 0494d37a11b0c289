//! The day's community life: riders stop at 夏小驿 and scan its poster; 胡老师 of the calligraphy
//! society holds an open class and takes the roll, elders and all; the figures count them.

use chrono::{Duration, Utc};
use uuid::Uuid;

use super::{Summary, fail};
use crate::Client;
use canglong_openapi::*;

/// What the riders and the class did.
pub async fn day(
    s: &mut Summary,
    admin: &Client,
    leader: &Client,
    riders: &[Client],
    elderly: &[Client],
) -> Result<(), String> {
    // The station's poster carries its code (staff print it); each rider scans it for a charge.
    let places = admin.list_places().await.map_err(fail("places"))?;
    let station = places
        .items
        .iter()
        .find(|p| p.kind == PlaceKind::RiderStation)
        .ok_or("the demo has a riders' station")?;
    let code = station.code.clone().ok_or("staff see the poster's code")?;
    let charge = station
        .services
        .iter()
        .find(|x| x.name == "手机充电")
        .ok_or("the station charges phones")?
        .id;
    let mut twice_refused = true;
    for r in riders {
        let visit = NewVisit {
            place_id: station.id,
            zone: None,
            service_id: Some(charge),
            count: None,
            code: Some(code.clone()),
        };
        r.record_visit(&visit).await.map_err(fail("station scan"))?;
        s.station_visits += 1;
        twice_refused &= r
            .record_visit(&visit)
            .await
            .is_err_and(|e| e.code() == "already_visited");
    }
    s.check(
        "a rider's second scan within half an hour is the same visit",
        twice_refused,
    );

    // An open class of the calligraphy society, starting now in a free room.
    let society = canglong_openapi::demo::ASSOCIATION;
    let rooms = admin.list_rooms().await.map_err(fail("rooms"))?;
    let mut session = None;
    for room in &rooms.items {
        let starts = Utc::now() + Duration::minutes(1);
        let asked = leader
            .schedule_association_session(
                society,
                &NewAssociationSession {
                    title: "书法公开课".into(),
                    room_id: room.id,
                    starts_at: starts,
                    ends_at: starts + Duration::minutes(30),
                    weeks: None,
                },
            )
            .await;
        match asked {
            Ok(list) => {
                session = list.items.first().map(|x| x.id);
                break;
            }
            Err(e) if e.code() == "room_busy" => {}
            Err(e) => return Err(format!("open class: {e}")),
        }
    }
    let session = session.ok_or("every room is busy")?;
    let mut present: Vec<Uuid> = Vec::new();
    for e in elderly {
        present.push(e.me().await.map_err(fail("me"))?.id);
    }
    let roll = leader
        .association_attendance(
            session,
            &RollRequest {
                user_ids: present.clone(),
                code: None,
            },
        )
        .await
        .map_err(fail("the roll"))?;
    s.attendance += roll.counted.len();
    // A resident who is no leader may not take the roll.
    let refused = elderly[0]
        .association_attendance(
            session,
            &RollRequest {
                user_ids: present,
                code: None,
            },
        )
        .await
        .is_err_and(|e| e.code() == "not_leader");
    s.check("only the association's leaders take its roll", refused);
    // The 十佳好家规 vote: each elder's one ballot; a second is refused; no tally before
    // publication, even for staff; the corridor's gallery is empty until then.
    let rules = canglong_openapi::demo::CAMPAIGN;
    let campaign = admin.get_campaign(rules).await.map_err(fail("campaign"))?;
    let shortlist: Vec<Uuid> = campaign
        .entries
        .iter()
        .filter(|e| e.status == EntryStatus::Shortlisted)
        .map(|e| e.id)
        .collect();
    let mut once = true;
    for (i, e) in elderly.iter().enumerate() {
        let pick: Vec<Uuid> = shortlist.iter().skip(i % 4).take(3).copied().collect();
        e.campaign_ballot(rules, &pick)
            .await
            .map_err(fail("a ballot"))?;
        s.ballots += 1;
        once &= e
            .campaign_ballot(rules, &pick)
            .await
            .is_err_and(|x| x.code() == "already_voted");
    }
    s.check("one ballot per resident in the 好家规 vote", once);
    let hidden = admin
        .campaign_results(rules)
        .await
        .is_err_and(|x| x.code() == "not_published");
    let gallery = Client::new(admin.base())
        .campaign_gallery(rules)
        .await
        .map_err(fail("gallery"))?;
    s.check(
        "no tally before publication, staff included; the gallery waits",
        hidden && !gallery.published && gallery.items.is_empty(),
    );
    let today = (Utc::now() + Duration::hours(8))
        .format("%Y-%m-%d")
        .to_string();
    let visits = admin
        .daily_visits(&VisitsQuery::default())
        .await
        .map_err(fail("visits"))?;
    let day = visits.items.iter().find(|d| d.date == today);
    s.check(
        "today's visits count the station's riders and the class's attendees",
        day.is_some_and(|d| {
            d.walk_ins >= s.station_visits as i64 && d.sessions >= s.attendance as i64
        }),
    );
    Ok(())
}
