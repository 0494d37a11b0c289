//! The demo's community life: the activity centre's six zones, the senior centre, the riders'
//! station 夏小驿 with its ten services, and the 15 cultural associations with their leaders,
//! members and four weeks of their timetable in the centre's rooms.

use canglong_activities::associations::{AssociationKind, MemberRole};
use canglong_activities::spaces::PlaceKind;
use canglong_core::{Actor, NaiveDateTime, Role, Uuid};
use canglong_persistence::{AnyConnection, people};
use canglong_services::{associations, spaces};

use crate::ApiError;

const ZONES: [&str; 6] = [
    "书画区",
    "舞蹈排练区",
    "阅读区",
    "亲子活动区",
    "议事区",
    "康体区",
];

const STATION_SERVICES: [&str; 10] = [
    "歇脚休息",
    "手机充电",
    "电动车充电",
    "饮用热水",
    "微波热饭",
    "卫生间",
    "防暑降温",
    "应急药箱",
    "雨具借用",
    "打气补胎",
];

/// (name, kind, leader, the room's index in the demo's rooms).
const ASSOCIATIONS: [(&str, AssociationKind, &str, usize); 15] = [
    ("翰墨书法社", AssociationKind::Calligraphy, "胡老师", 0),
    ("丹青绘画社", AssociationKind::Painting, "苏老师", 0),
    ("藏龙舞蹈队", AssociationKind::Dance, "刘老师", 5),
    ("夕阳红广场舞队", AssociationKind::Dance, "何阿姨", 5),
    ("民族舞队", AssociationKind::Dance, "马老师", 5),
    ("葫芦丝社", AssociationKind::Hulusi, "杨师傅", 1),
    ("楚剧社", AssociationKind::Opera, "程老师", 1),
    ("银龄合唱团", AssociationKind::Choir, "孙老师", 1),
    ("民乐队", AssociationKind::Instruments, "郭师傅", 1),
    ("太极拳队", AssociationKind::TaiChi, "高师傅", 6),
    ("藏龙读书会", AssociationKind::Reading, "林老师", 4),
    ("巧手编织社", AssociationKind::Handicraft, "黄阿姨", 2),
    ("光影摄影社", AssociationKind::Photography, "罗老师", 3),
    ("旗袍模特队", AssociationKind::Other, "宋阿姨", 5),
    ("健身操队", AssociationKind::Dance, "谢老师", 5),
];

/// Local start times of the day (Beijing time) the timetable uses.
const SLOTS: [(u32, u32); 3] = [(9, 0), (14, 30), (19, 0)];

/// Places, the station's services, and the associations with four weeks of sessions. `leader`
/// is the `leader_hu` login (胡老师 of the calligraphy society); `members` join every
/// association.
pub fn seed(
    conn: &mut AnyConnection,
    community: Uuid,
    admin: Uuid,
    organiser: Uuid,
    leader: Uuid,
    members: &[Uuid],
    rooms: &[Uuid],
) -> Result<(), ApiError> {
    let as_admin = Actor {
        user_id: admin,
        community_id: community,
        roles: vec![Role::CommunityAdmin],
    };
    let as_staff = Actor {
        user_id: organiser,
        community_id: community,
        roles: vec![Role::SocialWorker],
    };
    let place = |name: &str, kind, area_m2, zones: &[&str]| spaces::PlaceDraft {
        name: name.into(),
        kind,
        area_m2,
        zones: zones.iter().map(|z| z.to_string()).collect(),
    };
    spaces::create_place(
        conn,
        &as_admin,
        place("藏龙社区活动中心", PlaceKind::ActivityCentre, 800, &ZONES),
    )?;
    spaces::create_place(
        conn,
        &as_admin,
        place("老年活动中心", PlaceKind::SeniorCentre, 600, &[]),
    )?;
    let station = spaces::create_place_with_id(
        conn,
        &as_admin,
        canglong_openapi::demo::STATION,
        place("夏小驿", PlaceKind::RiderStation, 60, &[]),
    )?;
    for s in STATION_SERVICES {
        spaces::add_service(conn, &as_admin, station.id.0, s)?;
    }

    let tomorrow =
        (canglong_core::now() + chrono::Duration::hours(8)).date() + chrono::Duration::days(1);
    for (i, (name, kind, leader_name, room)) in ASSOCIATIONS.into_iter().enumerate() {
        let head = if i == 0 {
            leader
        } else {
            people::insert_user(
                conn,
                &people::NewUser {
                    community_id: community,
                    nickname: leader_name.into(),
                    username: None,
                    password_hash: None,
                    wechat_openid: None,
                },
            )?
            .id
            .0
        };
        let id = if i == 0 {
            canglong_openapi::demo::ASSOCIATION
        } else {
            canglong_core::new_id()
        };
        let a = associations::create_with_id(
            conn,
            &as_staff,
            id,
            associations::Draft {
                name,
                kind,
                description: "每周一次，欢迎邻居们加入",
                leaders: &[head],
            },
        )?;
        for m in members {
            associations::add_member(conn, &as_staff, a.id.0, *m, MemberRole::Member)?;
        }
        // Each association its own weekday and time; if a project's session holds the room then,
        // the next day.
        let (hour, minute) = SLOTS[i / 7];
        let mut day = tomorrow + chrono::Duration::days((i % 7) as i64);
        for _ in 0..7 {
            let starts: NaiveDateTime = day
                .and_hms_opt(hour, minute, 0)
                .ok_or_else(|| ApiError::bug("a valid time"))?
                - chrono::Duration::hours(8);
            let draft = associations::SessionDraft {
                title: format!("{name} 每周活动"),
                room_id: rooms[room],
                starts_at: starts,
                ends_at: starts + chrono::Duration::minutes(90),
                weeks: 4,
            };
            match associations::schedule(conn, &as_staff, a.id.0, draft) {
                Ok(_) => break,
                Err(e) if e.code() == "room_busy" => day += chrono::Duration::days(1),
                Err(e) => return Err(e.into()),
            }
        }
    }
    campaigns(conn, community, organiser, members)
}

const FAMILY_RULES: [(&str, &str); 12] = [
    ("王家", "孝敬父母，和睦邻里"),
    ("刘家", "勤俭持家，不比吃穿"),
    ("周家", "诚实守信，言出必行"),
    ("李家", "读书明理，终身学习"),
    ("赵家", "垃圾分类，人人有责"),
    ("胡家", "邻里守望，互帮互助"),
    ("陈家", "尊老爱幼，家和万事兴"),
    ("孙家", "节约用水，随手关灯"),
    ("吴家", "文明养犬，牵绳出行"),
    ("郑家", "防范诈骗，守好钱袋"),
    ("冯家", "少看手机，多陪家人"),
    ("黄家", "乐于助人，赠人玫瑰"),
];

/// A running activity campaign (清洁家园) with a sign-up and a pledge, and the 十佳好家规
/// collection in its voting phase: twelve families' entries, reviewed and shortlisted while it
/// collected, then the vote opened.
fn campaigns(
    conn: &mut AnyConnection,
    community: Uuid,
    organiser: Uuid,
    members: &[Uuid],
) -> Result<(), ApiError> {
    use canglong_activities::campaigns::{CampaignKind, EntryDecision, Plan};
    use canglong_services::campaigns as campaign;
    let as_staff = Actor {
        user_id: organiser,
        community_id: community,
        roles: vec![Role::SocialWorker],
    };
    let as_resident = |user: Uuid| Actor {
        user_id: user,
        community_id: community,
        roles: vec![Role::Resident],
    };
    let now = canglong_core::now();
    let day = chrono::Duration::days(1);
    let clean = campaign::create(
        conn,
        &as_staff,
        campaign::Draft {
            title: "清洁家园·文明实践周".into(),
            theme: "清洁家园".into(),
            plan: Plan {
                kind: CampaignKind::Activity,
                starts_at: now - day * 2,
                ends_at: now + day * 12,
                voting: None,
                max_choices: 10,
                jury_weight: 0,
            },
        },
    )?;
    if let Some(first) = members.first() {
        campaign::sign_up(conn, &as_resident(*first), clean.id.0)?;
        campaign::pledge(conn, &as_resident(*first), clean.id.0, "垃圾分类，从我做起")?;
    }
    let rules = campaign::create_with_id(
        conn,
        &as_staff,
        canglong_openapi::demo::CAMPAIGN,
        campaign::Draft {
            title: "十佳藏龙好家规".into(),
            theme: "好家规".into(),
            plan: Plan {
                kind: CampaignKind::Collection,
                starts_at: now - day * 20,
                ends_at: now + day * 14,
                voting: Some((now + day, now + day * 12)),
                max_choices: 10,
                jury_weight: 20,
            },
        },
    )?;
    for (family, text) in FAMILY_RULES {
        let author = people::insert_user(
            conn,
            &people::NewUser {
                community_id: community,
                nickname: format!("{family}家长"),
                username: None,
                password_hash: None,
                wechat_openid: None,
            },
        )?
        .id
        .0;
        people::grant_role(conn, author, community, Role::Resident.as_str())?;
        let e = campaign::submit(conn, &as_resident(author), rules.id.0, family, text)?;
        for d in [EntryDecision::Approve, EntryDecision::Shortlist] {
            campaign::review(conn, &as_staff, e.id.0, d, "合法、文明、不重复", None)?;
        }
    }
    // The collection closed for entries two days ago: the vote is open.
    canglong_persistence::campaigns::set_voting(conn, rules.id.0, now - day * 2, now + day * 12)?;
    Ok(())
}
