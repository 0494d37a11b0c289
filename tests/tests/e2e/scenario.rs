//! "A day in Canglong" (`mini-program-mock scenario`) on the demo, over real HTTP, with its
//! invariants: the ledger reconciles, every point is accounted for, no need is left stuck.

use canglong_mini_program_mock::scenario::{Config, run};
use canglong_tests::{Db, both, spawn};

both!(
    a_day_in_canglong,
    every_shop_has_a_clerk,
    the_demo_lives_in_its_places
);

/// The demo's community life: the centre's six zones, 夏小驿's ten services, and the 15
/// associations, each led and meeting weekly for the next four weeks, no room double-booked.
async fn the_demo_lives_in_its_places(db: Db) {
    let app = spawn(db);
    canglong_api::seed::seed_demo(&mut app.pool.get().unwrap()).expect("demo");
    let anon = canglong_mini_program_mock::client::Client::new(&app.base);
    let t = anon
        .sign_in_password("leader_hu", canglong_api::seed::DEMO_PASSWORD)
        .await
        .unwrap();
    let hu = anon.with_token(&t.access_token);
    let places = hu.list_places().await.unwrap().items;
    let centre = places
        .iter()
        .find(|p| p.name == "藏龙社区活动中心")
        .unwrap();
    assert_eq!((centre.zones.len(), centre.area_m2), (6, 800));
    let station = places
        .iter()
        .find(|p| p.id == canglong_openapi::demo::STATION)
        .unwrap();
    assert_eq!(station.services.len(), 10);
    let all = hu.list_associations().await.unwrap().items;
    assert_eq!(all.len(), 15);
    let mut booked: Vec<(
        uuid::Uuid,
        chrono::DateTime<chrono::Utc>,
        chrono::DateTime<chrono::Utc>,
    )> = vec![];
    for a in &all {
        assert_eq!(a.timetable.len(), 4, "{}", a.name);
        assert!(
            a.members
                .iter()
                .any(|m| m.role == canglong_openapi::MemberRole::Leader),
            "{}",
            a.name
        );
        for s in &a.timetable {
            assert!(
                booked
                    .iter()
                    .all(|(r, b, e)| *r != s.room_id || *e <= s.starts_at || s.ends_at <= *b),
                "a room booked twice"
            );
            booked.push((s.room_id, s.starts_at, s.ends_at));
        }
    }
    let mine = all
        .iter()
        .find(|a| a.id == canglong_openapi::demo::ASSOCIATION)
        .unwrap();
    assert_eq!(mine.name, "翰墨书法社");
    // The campaigns: 清洁家园 running, the 好家规 vote open on twelve shortlisted entries.
    let campaigns = hu.list_campaigns().await.unwrap().items;
    assert!(
        campaigns
            .iter()
            .any(|c| c.phase == canglong_openapi::CampaignPhase::Running)
    );
    let rules = hu
        .get_campaign(canglong_openapi::demo::CAMPAIGN)
        .await
        .unwrap();
    assert_eq!(rules.phase, canglong_openapi::CampaignPhase::Voting);
    assert_eq!(rules.entries.len(), 12);
}

async fn a_day_in_canglong(db: Db) {
    let app = spawn(db);
    canglong_api::seed::seed_demo(&mut app.pool.get().unwrap()).expect("demo");
    let cfg = Config {
        base: app.base.clone(),
        password: canglong_api::seed::DEMO_PASSWORD.into(),
        elderly: 4,
        riders: 2,
    };
    let summary = run(&cfg).await.expect("the day runs");
    println!("{summary}");
    assert!(summary.ok(), "{summary}");
    assert_eq!(summary.needs_posted, 8);
    assert_eq!(summary.micro_services, 4);
    assert_eq!(summary.records_verified, 8);
    assert!(summary.vouchers_used >= 2, "{summary}");
    assert!(summary.vouchers_refused_to_other_merchants > 0, "{summary}");
    assert_eq!((summary.seats_enrolled, summary.checkins), (1, 1));
    assert_eq!((summary.station_visits, summary.attendance), (2, 4));
    assert_eq!(summary.ballots, 4);
    assert_eq!(
        (
            summary.topics_raised,
            summary.seconds,
            summary.governance_ballots
        ),
        (1, 4, 2)
    );
    // A second day on the same server: new people, the same invariants.
    let again = run(&cfg).await.expect("a second day");
    assert!(again.ok(), "{again}");
}

/// The demo plays every part: each shop of the alliance has a clerk login, printed with the
/// others, who stands at that shop's counter.
async fn every_shop_has_a_clerk(db: Db) {
    let app = spawn(db);
    let seeded = canglong_api::seed::seed_demo(&mut app.pool.get().unwrap()).expect("demo");
    let anon = canglong_mini_program_mock::client::Client::new(&app.base);
    let mut shops = std::collections::HashSet::new();
    for login in seeded.logins.iter().filter(|l| l.role == "merchant_staff") {
        let t = anon
            .sign_in_password(&login.username, canglong_api::seed::DEMO_PASSWORD)
            .await
            .unwrap();
        let me = anon.with_token(&t.access_token).me().await.unwrap();
        shops.insert(me.merchant_id.expect("a clerk stands at a shop"));
    }
    assert_eq!(shops.len(), 8, "one clerk per shop of the alliance");
}
