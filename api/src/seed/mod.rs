//! `canglong seed-demo`: the Canglong community as the case study describes it, with demo logins.

use canglong_alliance::{MerchantStatus, OfferKind, OfferStatus};
use canglong_core::Uuid;
use canglong_needs::NeedStatus;
use canglong_openapi::demo;
use canglong_persistence::Stored;
use canglong_persistence::{AnyConnection, ledger, people, volunteers, write_tx};

use crate::{ApiError, auth};

mod governance;
mod life;

pub const DEMO_COMMUNITY: &str = "藏龙社区";
pub const DEMO_SUBDISTRICT: &str = "藏龙岛街道";
/// The demo accounts' password (printed by the command; demo data only).
pub const DEMO_PASSWORD: &str = canglong_openapi::demo::PASSWORD;

const TEAMS: [(&str, &str); 3] = [
    ("银龄教育志愿队", "退休教师：书法、葫芦丝课程（15人）"),
    (
        "童伴成长志愿队",
        "家长志愿者：科学实验、心理健康讲座（30余人）",
    ),
    (
        "\"红骑侠\"志愿队",
        "美团、顺丰骑手：灵活微服务，关爱独居老人（15人）",
    ),
];

/// The community's skill list: the need categories, then what the teams teach.
const SKILLS: [&str; 11] = [
    "medicine_run",
    "phone_help",
    "repair",
    "companionship",
    "tutoring",
    "errand",
    "书法",
    "葫芦丝",
    "科学实验",
    "心理健康",
    "急救",
];

const STAFF: [(&str, &str, &str); 4] = [
    ("admin", "社区管理员", "community_admin"),
    ("sw_li", "李社工", "social_worker"),
    ("street", "街道管理员", "subdistrict_admin"),
    ("merchant", "商户店员", "merchant_staff"),
];

/// One demo login.
pub struct Login {
    pub username: String,
    pub role: String,
}

pub struct Seeded {
    pub community_id: Uuid,
    pub logins: Vec<Login>,
}

/// Loads the demo once; a second run is refused.
pub fn seed_demo(conn: &mut AnyConnection) -> Result<Seeded, ApiError> {
    let hash = auth::hash_password(DEMO_PASSWORD)?;
    write_tx(conn, |conn| {
        if people::find_community_by_name(conn, DEMO_COMMUNITY)?.is_some() {
            return Err(ApiError::conflict(
                "already_seeded",
                "the demo is already loaded",
            ));
        }
        let sd = people::ensure_subdistrict(conn, DEMO_SUBDISTRICT)?;
        // The ids the document's examples name (canglong_openapi::demo).
        let community = people::create_community_as(conn, demo::COMMUNITY, sd, DEMO_COMMUNITY)?;
        for skill in SKILLS {
            volunteers::add_skill(conn, community, skill)?;
        }
        let mut team_ids = vec![];
        for (name, description) in TEAMS {
            team_ids.push(
                volunteers::insert_team(conn, community, name, description)?
                    .id
                    .0,
            );
        }
        let mut logins = vec![];
        let mut add = |conn: &mut AnyConnection,
                       username: &str,
                       nickname: &str,
                       roles: &[&str]|
         -> Result<Uuid, ApiError> {
            let user = people::insert_user(
                conn,
                &people::NewUser {
                    community_id: community,
                    nickname: nickname.into(),
                    username: Some(username.into()),
                    password_hash: Some(hash.clone()),
                    wechat_openid: None,
                },
            )?;
            for r in roles {
                people::grant_role(conn, user.id.0, community, r)?;
            }
            logins.push(Login {
                username: username.into(),
                role: roles.join("+"),
            });
            Ok(user.id.0)
        };
        for (username, nickname, role) in STAFF {
            add(conn, username, nickname, &[role])?;
        }
        let wang = add(conn, "wang_ayi", "王阿姨", &["resident"])?;
        let liu = add(conn, "liu_nvshi", "刘女士", &["resident"])?;
        // Volunteers: a rider of 红骑侠 and a retired teacher of 银龄教育, approved.
        let volunteers_seed = [
            (
                "xiaowu",
                "小吴",
                2,
                r#"["medicine_run","errand"]"#,
                r#""flexible""#,
            ),
            (
                "teacher_zhang",
                "张老师",
                0,
                r#"["tutoring","phone_help"]"#,
                r#"{"weekly":[{"weekday":6,"from":"09:00","to":"11:30"}]}"#,
            ),
        ];
        for (username, nickname, team, skills, availability) in volunteers_seed {
            let user = add(conn, username, nickname, &["resident", "volunteer"])?;
            let app = volunteers::Application {
                skills: skills.into(),
                availability: availability.into(),
                places: "[]".into(),
            };
            let v = match username {
                "teacher_zhang" => {
                    volunteers::insert_as(conn, demo::VOLUNTEER, community, user, &app)?
                }
                _ => volunteers::insert(conn, community, user, &app)?,
            };
            volunteers::decide(conn, v, "active", user, Some("demo"))?;
            volunteers::join_teams(conn, community, v, &[team_ids[team]])?;
        }
        // 陈师傅, a party member, heads 3栋 (楼栋长).
        let head = add(conn, "head_chen", "陈师傅", &["resident", "building_head"])?;
        seed_needs(conn, community, wang, liu)?;
        seed_points(conn, community)?;
        // A clerk for every shop of the alliance: `merchant` at the first, `clerk_<category>` at
        // the others, so each shop's vouchers can be used at its counter.
        let mut clerks = vec![people::find_user_by_username(conn, "merchant")?.map(|u| u.id.0)];
        for (name, category, ..) in MERCHANTS.iter().skip(1) {
            let nickname = format!("{name}店员");
            clerks.push(Some(add(
                conn,
                &format!("clerk_{category}"),
                &nickname,
                &["merchant_staff"],
            )?));
        }
        let organiser = people::find_user_by_username(conn, "sw_li")?
            .map(|u| u.id.0)
            .ok_or_else(|| ApiError::bug("a row that must exist is missing"))?;
        let (seat_session, rooms) = seed_activities(conn, community, organiser)?;
        let admin = people::find_user_by_username(conn, "admin")?
            .map(|u| u.id.0)
            .ok_or_else(|| ApiError::bug("a row that must exist is missing"))?;
        let elders = seed_people(conn, community, admin, head, liu)?;
        let leader = add(conn, "leader_hu", "胡老师", &["resident"])?;
        let mut members = vec![wang, liu];
        members.extend(elders.iter().copied());
        life::seed(conn, community, admin, organiser, leader, &members, &rooms)?;
        let street = people::find_user_by_username(conn, "street")?
            .map(|u| u.id.0)
            .ok_or_else(|| ApiError::bug("a row that must exist is missing"))?;
        let mut elder_users = [Uuid::nil(); 2];
        for (slot, resident) in elder_users.iter_mut().zip(&elders) {
            *slot = canglong_persistence::residents::resident(conn, community, *resident)?
                .ok_or_else(|| ApiError::bug("a row that must exist is missing"))?
                .row
                .user_id
                .0;
        }
        governance::seed(
            conn,
            &governance::Cast {
                community,
                admin,
                organiser,
                street,
                wang,
                liu,
                head,
                elders: elder_users,
            },
        )?;
        seed_alliance(conn, community, &clerks, seat_session)?;
        Ok(Seeded {
            community_id: community,
            logins,
        })
    })
}

/// The buildings, 陈师傅 heading 3栋, three elders without phones he and the admin registered
/// (with paper consent), and 刘女士 as 周奶奶's family proxy.
fn seed_people(
    conn: &mut AnyConnection,
    community: Uuid,
    admin: Uuid,
    head: Uuid,
    daughter: Uuid,
) -> Result<Vec<Uuid>, ApiError> {
    use canglong_core::{Actor, Role};
    use canglong_people::{ConsentMethod, ResidentTag};
    use canglong_services::{buildings, residents};
    let as_admin = Actor {
        user_id: admin,
        community_id: community,
        roles: vec![Role::CommunityAdmin],
    };
    // 3栋 has the id the document's examples name.
    let mut ids = vec![
        canglong_persistence::residents::insert_building_as(
            conn,
            canglong_openapi::demo::BUILDING,
            community,
            "3栋",
            "东区",
        )?
        .id
        .0,
    ];
    for (name, cluster) in [("5栋", "东区"), ("8栋", "西区")] {
        ids.push(buildings::create(conn, &as_admin, name, cluster)?.id.0);
    }
    buildings::add_head(conn, &as_admin, ids[0], head, true)?;
    let as_head = Actor {
        user_id: head,
        community_id: community,
        roles: vec![Role::Resident, Role::BuildingHead],
    };
    let elders = [
        (
            &as_head,
            "周奶奶",
            ids[0],
            "2单元",
            "301",
            vec![ResidentTag::LivingAlone],
        ),
        (
            &as_head,
            "李爷爷",
            ids[0],
            "1单元",
            "502",
            vec![ResidentTag::LivingAlone],
        ),
        (
            &as_admin,
            "赵奶奶",
            ids[1],
            "3单元",
            "201",
            vec![ResidentTag::Disability],
        ),
    ];
    let mut registered = vec![];
    for (by, name, building, unit, room, extra) in elders {
        let mut tags = vec![ResidentTag::Elderly, ResidentTag::NoPhone];
        tags.extend(extra);
        let r = residents::register(
            conn,
            by,
            residents::Registration {
                name: name.into(),
                building_id: Some(building),
                unit: unit.into(),
                room: room.into(),
                phone: None,
                tags,
                consent: residents::Consent {
                    method: ConsentMethod::Paper,
                    given_by: name.into(),
                },
            },
        )?;
        registered.push(r.row.id.0);
    }
    let as_daughter = Actor {
        user_id: daughter,
        community_id: community,
        roles: vec![Role::Resident],
    };
    residents::link(conn, &as_daughter, registered[0], "女儿", Some(admin))?;
    Ok(registered)
}

/// 小吴 has points to spend (and the example adjustment something to correct), credited by the
/// community admin from the pool, like any adjustment.
fn seed_points(conn: &mut AnyConnection, community: Uuid) -> Result<(), ApiError> {
    let mut user = |name: &str| -> Result<Uuid, ApiError> {
        Ok(people::find_user_by_username(conn, name)?
            .ok_or_else(|| ApiError::bug("a demo login is missing"))?
            .id
            .0)
    };
    let (xiaowu, admin) = (user("xiaowu")?, user("admin")?);
    ledger::ensure_account_as(
        conn,
        demo::ACCOUNT,
        community,
        canglong_ledger::AccountKind::Resident.as_str(),
        xiaowu,
    )?;
    let actor = canglong_core::Actor {
        user_id: admin,
        community_id: community,
        roles: vec![canglong_core::Role::CommunityAdmin],
    };
    canglong_services::points::adjust(conn, &actor, demo::ACCOUNT, 200, "演示积分", "demo:points")?;
    Ok(())
}

/// 小吴 redeems the clerk's shop's offer like anyone would; the voucher gets the code the
/// document's example shows.
fn demo_voucher(conn: &mut AnyConnection, community: Uuid, offer: Uuid) -> Result<(), ApiError> {
    let xiaowu = people::find_user_by_username(conn, "xiaowu")?
        .ok_or_else(|| ApiError::bug("a demo login is missing"))?;
    let actor = canglong_core::Actor {
        user_id: xiaowu.id.0,
        community_id: community,
        roles: vec![
            canglong_core::Role::Resident,
            canglong_core::Role::Volunteer,
        ],
    };
    let v = canglong_services::alliance::redeem(conn, &actor, offer, &[])?;
    let code = canglong_alliance::normalize_code(demo::VOUCHER_CODE);
    canglong_persistence::alliance::set_voucher_code(conn, v.id.0, &code)?;
    Ok(())
}

fn seed_needs(
    conn: &mut AnyConnection,
    community: Uuid,
    wang: Uuid,
    liu: Uuid,
) -> Result<(), ApiError> {
    use canglong_persistence::needs::{self as store, NeedRow};
    let at = canglong_core::now();
    let day = chrono::Duration::days(1);
    let needs = [
        (
            wang,
            "medicine_run",
            "elderly",
            "代买降压药",
            "社区药房，一盒硝苯地平",
            "3栋2单元",
            15,
        ),
        (
            wang,
            "phone_help",
            "elderly",
            "教我用手机挂号",
            "想学会在手机上预约医院",
            "3栋2单元",
            45,
        ),
        (
            liu,
            "tutoring",
            "child",
            "周末辅导数学",
            "五年级，分数应用题",
            "8栋1单元",
            60,
        ),
    ];
    for (requester, category, group, title, description, place, minutes) in needs {
        let row = NeedRow {
            id: canglong_persistence::Id(canglong_core::new_id()),
            community_id: canglong_persistence::Id(community),
            requester_id: canglong_persistence::Id(requester),
            posted_by: canglong_persistence::Id(requester),
            category: category.into(),
            target_group: group.into(),
            title: title.into(),
            description: description.into(),
            place: place.into(),
            window_start: at,
            window_end: at + day * 3,
            estimated_minutes: minutes,
            slots: 1,
            slots_taken: 0,
            micro: canglong_needs::is_micro(minutes),
            status: Stored(NeedStatus::Open),
            escalated: false,
            escalated_at: None,
            done_at: None,
            created_at: at,
            updated_at: at,
        };
        store::insert(conn, &row)?;
        store::record_event(
            conn,
            &row,
            Some(requester),
            canglong_needs::NeedAction::Posted,
            None,
            "open",
            None,
        )?;
    }
    Ok(())
}

/// The eight alliance merchants of the case study, filed and active, each with an offer, and the
/// community's own seat in the 童心筑梦 class.
const MERCHANTS: [(&str, &str, &str, &str, OfferKind, i64); 8] = [
    (
        "藏龙惠民超市",
        "supermarket",
        "生活超市",
        "满50减10元券",
        OfferKind::Coupon,
        30,
    ),
    (
        "鲜果园水果店",
        "fruit",
        "新鲜水果",
        "10元水果券",
        OfferKind::Coupon,
        20,
    ),
    (
        "藏龙物业服务中心",
        "property",
        "物业服务",
        "物业费抵扣50元",
        OfferKind::Discount,
        100,
    ),
    (
        "仁心大药房",
        "pharmacy",
        "社区药房",
        "常用药8折券",
        OfferKind::Discount,
        25,
    ),
    (
        "麦香面包坊",
        "bakery",
        "面包糕点",
        "面包兑换券",
        OfferKind::Coupon,
        15,
    ),
    (
        "靓丽理发店",
        "barber",
        "理发",
        "免费理发一次",
        OfferKind::Service,
        40,
    ),
    (
        "江夏茶社",
        "tea",
        "茶饮",
        "茶饮买一送一",
        OfferKind::Coupon,
        15,
    ),
    (
        "书香文具店",
        "stationery",
        "文具图书",
        "文具10元券",
        OfferKind::Coupon,
        20,
    ),
];

fn seed_alliance(
    conn: &mut AnyConnection,
    community: Uuid,
    clerks: &[Option<Uuid>],
    seat_session: Uuid,
) -> Result<(), ApiError> {
    use canglong_persistence::Id;
    use canglong_persistence::alliance::{self as store, MerchantRow, OfferRow};
    let at = canglong_core::now();
    let offer =
        |merchant: Option<Uuid>, kind: OfferKind, title: &str, cost: i64, stock: i32| OfferRow {
            id: Id(canglong_core::new_id()),
            community_id: Id(community),
            merchant_id: merchant.map(Id),
            kind: Stored(kind),
            title: title.into(),
            description: String::new(),
            points_cost: cost,
            stock,
            stock_left: stock,
            per_user_limit: 2,
            valid_from: at,
            valid_to: at + chrono::Duration::days(365),
            voucher_valid_days: 30,
            session_id: None,
            status: Stored(OfferStatus::Active),
            created_by: None,
            reviewed_by: None,
            review_reason: None,
            created_at: at,
            updated_at: at,
        };
    for (i, (name, category, description, title, kind, cost)) in MERCHANTS.into_iter().enumerate() {
        let m = MerchantRow {
            id: Id(canglong_core::new_id()),
            community_id: Id(community),
            name: name.into(),
            licence_no: format!("914201150000{i:04}"),
            contact_name: format!("{name}店长"),
            contact_phone: format!("1390000{i:04}"),
            address: format!("藏龙大道 {} 号", 10 + i),
            category: category.into(),
            description: description.into(),
            status: Stored(MerchantStatus::Active),
            applicant_id: None,
            created_at: at,
            updated_at: at,
        };
        store::insert_merchant(conn, &m)?;
        for (step, from, to) in [
            ("applied", None, MerchantStatus::Applied),
            (
                "reviewed",
                Some(MerchantStatus::Applied),
                MerchantStatus::CommunityApproved,
            ),
            (
                "filed",
                Some(MerchantStatus::CommunityApproved),
                MerchantStatus::Active,
            ),
        ] {
            store::record_merchant_event(conn, &m, from, None, step, to.as_str(), Some("demo"))?;
        }
        let o = offer(Some(m.id.0), kind, title, cost, 100);
        store::insert_offer(conn, &o)?;
        if let Some(Some(user)) = clerks.get(i) {
            store::bind_staff(conn, *user, m.id.0, community)?;
        }
        if i == 0 {
            demo_voucher(conn, community, o.id.0)?;
        }
    }
    let seat = OfferRow {
        session_id: Some(Id(seat_session)),
        ..offer(None, OfferKind::CourseSeat, "童心筑梦班 一个学位", 200, 10)
    };
    store::insert_offer(conn, &seat)?;
    Ok(())
}

/// The activity centre's six zones (800 m²), the senior centre (600 m²) and the 夏小驿 rider
/// station.
const ROOMS: [(&str, &str, i32); 8] = [
    ("1号室 书画", "活动中心", 30),
    ("2号室 音乐", "活动中心", 30),
    ("3号室 手工", "活动中心", 25),
    ("4号室 科学", "活动中心", 25),
    ("5号室 阅读", "活动中心", 40),
    ("6号室 多功能厅", "活动中心", 80),
    ("老年活动中心", "老年活动中心", 60),
    ("夏小驿骑手驿站", "夏小驿", 15),
];

/// The "童心筑梦" project with its two course packages and a session in each; returns the first
/// session, whose seats the community also offers for points.
fn seed_activities(
    conn: &mut AnyConnection,
    community: Uuid,
    organiser: Uuid,
) -> Result<(Uuid, Vec<Uuid>), ApiError> {
    use canglong_persistence::Id;
    use canglong_persistence::activities::{
        self as store, PackageRow, ProjectRow, RoomRow, SessionRow,
    };
    let at = canglong_core::now();
    let mut rooms = vec![];
    for (name, zone, capacity) in ROOMS {
        let r = RoomRow {
            id: Id(canglong_core::new_id()),
            community_id: Id(community),
            name: name.into(),
            zone: zone.into(),
            capacity,
            created_at: at,
        };
        store::insert_room(conn, &r)?;
        rooms.push(r.id);
    }
    let project = ProjectRow {
        id: Id(canglong_core::new_id()),
        community_id: Id(community),
        title: "童心筑梦".into(),
        description: "亲子共学系列课程".into(),
        organiser_kind: Stored(canglong_activities::OrganiserKind::SocialWorker),
        partner_id: None,
        period_start: at,
        period_end: at + chrono::Duration::days(120),
        status: Stored(canglong_activities::ProjectStatus::Running),
        continues_project_id: None,
        created_by: Id(organiser),
        created_at: at,
        updated_at: at,
    };
    store::insert_project(conn, &project)?;
    let mut first = None;
    for (i, (package, session, room)) in [
        ("非遗传承月", "剪纸入门", 2usize),
        ("科学探索月", "水火箭实验", 3),
    ]
    .into_iter()
    .enumerate()
    {
        let k = PackageRow {
            id: Id(canglong_core::new_id()),
            community_id: Id(community),
            project_id: project.id,
            title: package.into(),
            description: String::new(),
            created_at: at,
        };
        store::insert_package(conn, &k)?;
        let starts = at + chrono::Duration::days(7 * (i as i64 + 1));
        let s = SessionRow {
            id: Id(canglong_core::new_id()),
            community_id: Id(community),
            project_id: project.id,
            package_id: Some(k.id),
            title: session.into(),
            starts_at: starts,
            ends_at: starts + chrono::Duration::hours(2),
            room_id: Some(rooms[room]),
            place: ROOMS[room].0.into(),
            capacity: 25,
            enrol_from: at,
            enrol_to: starts,
            volunteer_slots: 2,
            attendance_points: 5,
            checkin_secret: random_secret()?,
            created_at: at,
        };
        store::insert_session(conn, &s)?;
        first.get_or_insert(s.id.0);
    }
    let first = first.ok_or_else(|| ApiError::bug("a row that must exist is missing"))?;
    Ok((first, rooms.into_iter().map(|r| r.0).collect()))
}

fn random_secret() -> Result<String, ApiError> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| ApiError::bug(format!("{e}")))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}
