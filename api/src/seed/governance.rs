//! The demo's self-governance, dated over the last two months: the 居民公约 revised (one
//! article amended, another proposal declined with its reason, reviewed by the subdistrict,
//! adopted by the community's vote, filed) and a lift repair in 3栋 carried through the six
//! steps to the residents' evaluation. Everything goes through the use cases, as people would.

use canglong_core::{Actor, NaiveDateTime, Role, Uuid, now};
use canglong_governance::conventions::{AmendmentKind, Article};
use canglong_governance::meetings::MeetingKind;
use canglong_governance::polls::{PollMethod, PollSubject, Rule};
use canglong_governance::scope::{ScopeLevel, Unit};
use canglong_governance::topics::{MinuteOutcome, Screening};
use canglong_openapi::demo;
use canglong_persistence::residents::{self as directory, ResidentRow};
use canglong_persistence::{AnyConnection, Id, Stored};
use canglong_services::{conventions, meetings, polls, topics};
use chrono::Duration;

use crate::ApiError;

/// The people the demo's governance involves.
pub struct Cast {
    pub community: Uuid,
    pub admin: Uuid,
    pub organiser: Uuid,
    pub street: Uuid,
    pub wang: Uuid,
    pub liu: Uuid,
    pub head: Uuid,
    /// 周奶奶 and 李爷爷 of 3栋 (no phone), by their user ids.
    pub elders: [Uuid; 2],
}

const ARTICLES: [&str; 6] = [
    "爱护公共设施，不损坏、不侵占楼道和绿地。",
    "邻里和睦，互帮互助，关心孤寡老人和困难家庭。",
    "垃圾分类投放，不乱扔垃圾，不高空抛物。",
    "文明养犬，出门牵绳。",
    "安全用电用气，电动车不进楼道、不飞线充电。",
    "积极参与社区议事和志愿服务。",
];

fn actor(c: &Cast, user: Uuid, role: Role) -> Actor {
    Actor {
        user_id: user,
        community_id: c.community,
        roles: vec![role],
    }
}

/// wang_ayi, head_chen and liu_nvshi live in 3栋 (the directory has the flats).
fn house(conn: &mut AnyConnection, c: &Cast, at: NaiveDateTime) -> Result<(), ApiError> {
    for (user, unit, room) in [
        (c.wang, "1单元", "101"),
        (c.head, "1单元", "102"),
        (c.liu, "2单元", "202"),
    ] {
        directory::insert_resident(
            conn,
            &ResidentRow {
                id: Id(canglong_core::new_id()),
                community_id: Id(c.community),
                user_id: Id(user),
                building_id: Some(Id(demo::BUILDING)),
                unit: unit.into(),
                room: room.into(),
                phone: None,
                tags: "[]".into(),
                consent_method: Stored(canglong_people::ConsentMethod::InPerson),
                consent_by: String::new(),
                consent_recorded_by: Id(c.admin),
                consent_at: at,
                created_at: at,
            },
        )?;
    }
    Ok(())
}

pub fn seed(conn: &mut AnyConnection, c: &Cast) -> Result<(), ApiError> {
    let today = now();
    let day = |d: i64| today - Duration::days(d);
    house(conn, c, day(70))?;
    convention(conn, c, &day)?;
    lift(conn, c, &day)
}

fn convention(
    conn: &mut AnyConnection,
    c: &Cast,
    day: &dyn Fn(i64) -> NaiveDateTime,
) -> Result<(), ApiError> {
    let (admin, sw) = (
        actor(c, c.admin, Role::CommunityAdmin),
        actor(c, c.organiser, Role::SocialWorker),
    );
    let text = ARTICLES
        .iter()
        .enumerate()
        .map(|(i, t)| Article {
            number: i as i32 + 1,
            text: t.to_string(),
        })
        .collect();
    let id = demo::CONVENTION;
    conventions::create_with_id(conn, &admin, id, "藏龙社区居民公约", text, day(60))?;
    let change = conventions::amend(
        conn,
        &actor(c, c.wang, Role::Resident),
        id,
        conventions::Proposal {
            kind: AmendmentKind::Change,
            article: 4,
            text: "文明养犬，出门牵绳，及时清理犬只粪便，不在楼道和电梯内便溺。".into(),
            reason: "楼道里常有狗粪，现行条文没有写清理。".into(),
        },
        day(55),
    )?;
    let add = conventions::amend(
        conn,
        &actor(c, c.liu, Role::Resident),
        id,
        conventions::Proposal {
            kind: AmendmentKind::Add,
            article: 0,
            text: "楼道内不得堆放杂物。".into(),
            reason: "消防通道常被堵。".into(),
        },
        day(54),
    )?;
    conventions::decide(
        conn,
        &sw,
        change.id.0,
        true,
        "居民反映集中，予以采纳。",
        day(50),
    )?;
    conventions::decide(
        conn,
        &sw,
        add.id.0,
        false,
        "第一条已含不侵占楼道，无需另立。",
        day(50),
    )?;
    conventions::draft(conn, &sw, id, day(48))?;
    let street = Actor {
        user_id: c.street,
        community_id: c.community,
        roles: vec![Role::SubdistrictAdmin],
    };
    conventions::review(
        conn,
        &street,
        id,
        true,
        "内容合法，同意提交居民表决。",
        day(45),
    )?;
    let vote = polls::create(
        conn,
        &admin,
        polls::Draft {
            subject: PollSubject::Convention,
            subject_id: id,
            question: "是否同意修订后的《藏龙社区居民公约》？".into(),
            method: PollMethod::YesNo,
            options: vec![],
            max_choices: 1,
            level: ScopeLevel::Community,
            building: None,
            cluster: None,
            unit: Unit::Household,
            secret: true,
            opens_at: day(44),
            closes_at: day(37),
            rule: Rule::STATUTORY,
        },
        day(44),
    )?;
    for who in [c.wang, c.liu, c.head] {
        polls::vote(
            conn,
            &actor(c, who, Role::Resident),
            vote.id.0,
            &["yes".into()],
            None,
            day(42),
        )?;
    }
    polls::vote(
        conn,
        &sw,
        vote.id.0,
        &["yes".into()],
        Some(c.elders[0]),
        day(41),
    )?;
    polls::publish(conn, &admin, vote.id.0, day(37))?;
    conventions::file(conn, &admin, id, "藏龙街备〔2026〕3号", day(36))?;
    Ok(())
}

fn lift(
    conn: &mut AnyConnection,
    c: &Cast,
    day: &dyn Fn(i64) -> NaiveDateTime,
) -> Result<(), ApiError> {
    let (admin, sw) = (
        actor(c, c.admin, Role::CommunityAdmin),
        actor(c, c.organiser, Role::SocialWorker),
    );
    let resident = |u: Uuid| actor(c, u, Role::Resident);
    let (wang, liu, head) = (resident(c.wang), resident(c.liu), resident(c.head));
    topics::set_threshold(conn, &admin, ScopeLevel::Building, 2, 30)?;
    let id = demo::TOPIC;
    topics::raise_with_id(
        conn,
        &wang,
        id,
        topics::Raise {
            title: "3栋电梯维修".into(),
            body: "3栋电梯一个月停运四次，楼里七十岁以上老人有十几位，上下楼十分困难，希望尽快彻底维修。".into(),
            place: "3栋1单元电梯".into(),
            level: ScopeLevel::Building,
            building: Some(demo::BUILDING),
            cluster: None,
            for_resident: None,
        },
        day(40),
    )?;
    topics::second(conn, &head, id, day(40) + Duration::hours(3))?;
    topics::second(conn, &liu, id, day(39))?;
    topics::screen(
        conn,
        &sw,
        id,
        topics::Screen {
            decision: Screening::Accept,
            reason: "涉及全楼老人出行安全，列入3栋板凳议事会。".into(),
            merge_into: None,
            referred_to: None,
        },
        day(38),
    )?;
    let starts = day(35);
    let m = meetings::create(
        conn,
        &sw,
        meetings::Draft {
            kind: MeetingKind::Bench,
            title: "3栋板凳议事会：电梯维修".into(),
            starts_at: starts,
            place: "3栋楼下休息亭".into(),
            level: ScopeLevel::Building,
            building: Some(demo::BUILDING),
            cluster: None,
            topics: vec![id],
        },
        day(37),
    )?;
    for who in [&wang, &liu] {
        meetings::register(conn, who, m.id.0, day(36))?;
    }
    let present = [c.wang, c.liu, c.head, c.elders[0], c.elders[1]];
    meetings::check_in(conn, &sw, m.id.0, &present, starts)?;
    meetings::minutes(
        conn,
        &sw,
        m.id.0,
        "物业说明电梯曳引机老化，小修无法根治。住户同意申请动用维修基金整体更换主机和控制柜，交全楼按户表决。",
        &[meetings::Minute {
            topic: id,
            outcome: MinuteOutcome::ToVote,
            note: "交全楼按户表决是否动用维修基金。".into(),
        }],
        starts + Duration::hours(2),
    )?;
    for who in [&wang, &liu, &head] {
        meetings::confirm(conn, who, m.id.0, starts + Duration::hours(3))?;
    }
    let vote = polls::create(
        conn,
        &admin,
        polls::Draft {
            subject: PollSubject::Topic,
            subject_id: id,
            question: "是否同意动用维修基金更换3栋电梯主机和控制柜？".into(),
            method: PollMethod::YesNo,
            options: vec![],
            max_choices: 1,
            level: ScopeLevel::Building,
            building: Some(demo::BUILDING),
            cluster: None,
            unit: Unit::Household,
            secret: true,
            opens_at: day(34),
            closes_at: day(27),
            rule: Rule::STATUTORY,
        },
        day(34),
    )?;
    for who in [&wang, &liu, &head] {
        polls::vote(conn, who, vote.id.0, &["yes".into()], None, day(33))?;
    }
    // 周奶奶 votes with the social worker beside her; 李爷爷 on paper, entered by two clerks.
    polls::vote(
        conn,
        &sw,
        vote.id.0,
        &["yes".into()],
        Some(c.elders[0]),
        day(32),
    )?;
    let batch = || polls::Paper {
        batch: "3栋票箱".into(),
        voters: vec![c.elders[1]],
        counts: vec![0, 0, 1],
    };
    polls::paper(conn, &sw, vote.id.0, batch(), day(27))?;
    polls::paper(conn, &admin, vote.id.0, batch(), day(27))?;
    polls::publish(conn, &admin, vote.id.0, day(27))?;
    topics::resolve(
        conn,
        &sw,
        id,
        topics::Resolution {
            decision: "经3栋住户按户表决通过：申请动用维修基金，由物业公司更换电梯曳引机和控制柜，施工期间分段停梯。".into(),
            objection_days: 5,
            owner: c.organiser,
            deadline: day(5),
        },
        day(26),
    )?;
    let o = topics::object(conn, &liu, id, "施工期间楼里老人怎么上下楼？", day(24))?;
    topics::reply(
        conn,
        &sw,
        o.id.0,
        "分段施工，每天留出早晚两段时间开梯，志愿者上门协助买菜取药。",
        day(23),
    )?;
    for (d, percent, note) in [
        (18, 30, "物业进场，旧主机拆除。"),
        (12, 70, "新主机和控制柜安装完成，调试中。"),
        (8, 100, "特种设备检验合格，电梯恢复运行。"),
    ] {
        topics::report_progress(conn, &sw, id, percent, note, day(d))?;
    }
    for (who, stars, comment) in [
        (&wang, 5, "电梯又快又稳，老人下楼方便了。"),
        (&head, 4, "施工期间志愿者帮了大忙。"),
        (&liu, 4, ""),
    ] {
        topics::evaluate(conn, who, id, stars, comment, day(7))?;
    }
    Ok(())
}
