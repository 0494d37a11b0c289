//! Self-governance over HTTP: a topic carried through the six steps (raised, seconded, screened,
//! met on, voted, publicised, carried out, evaluated — a poor evaluation reopening it), one
//! elector one ballot under a rush over every channel and by household, nothing of a count seen
//! before publication (staff included), a secret poll that stores no choice beside a person,
//! the quorum arithmetic, and the convention revised by its procedure — each "may not" refused.

use std::collections::HashMap;

use canglong_mini_program_mock::{ApiFailure, Client};
use canglong_openapi::{
    AmendmentKind, AmendmentStatus, ApprovalBase, ArticleText, CampaignKind, ConventionStatus,
    MeetingKind, MinuteDecision, MinuteOutcome, MinutesRequest, NewAmendment, NewBuilding,
    NewCampaign, NewConvention, NewHead, NewMeeting, NewPoll, NewTopic, NoticeKind,
    PaperTallyRequest, PassRule, PollMethod, PollOutcome, PollStatus, PollSubject,
    ResolutionRequest, ScopeLevel, ScreeningDecision, ScreeningRequest, TallyStatus, TopicStatus,
    TopicStep, TopicThreshold, VersionStatus, VotingUnit,
};
use canglong_persistence::schema::{meetings, poll_tallies, poll_voters, polls, residents, topics};
use canglong_persistence::{Id, people, write_tx};
use canglong_tests::{Db, TestApp, both, spawn};
use chrono::{Duration, Utc};
use diesel::prelude::*;
use futures_util::future::join_all;
use reqwest::StatusCode;
use uuid::Uuid;

both!(
    a_topic_through_the_six_steps,
    one_elector_one_ballot,
    secret_until_published,
    the_convention_revised
);

fn refused<T: std::fmt::Debug>(r: Result<T, ApiFailure>) -> (StatusCode, String) {
    let e = r.unwrap_err();
    (e.status, e.code().to_string())
}

async fn building(admin: &Client, name: &str, cluster: &str) -> Uuid {
    admin
        .create_building(&NewBuilding {
            name: name.into(),
            cluster: cluster.into(),
        })
        .await
        .unwrap()
        .id
}

fn lift(building: Uuid) -> NewTopic {
    NewTopic {
        title: "3栋电梯维修".into(),
        description: "电梯经常停运，老人上下楼困难。".into(),
        place: "3栋".into(),
        scope: ScopeLevel::Building,
        building_id: Some(building),
        cluster: None,
        for_resident_id: None,
    }
}

fn poll_on(subject: PollSubject, id: Uuid, scope: ScopeLevel, unit: VotingUnit) -> NewPoll {
    NewPoll {
        subject,
        subject_id: id,
        question: "是否同意？".into(),
        method: PollMethod::YesNo,
        options: vec![],
        max_choices: None,
        scope,
        building_id: None,
        cluster: None,
        unit,
        secret: true,
        opens_at: Utc::now() - Duration::minutes(1),
        closes_at: Utc::now() + Duration::days(1),
        rule: None,
    }
}

/// Moves a poll's close into the past (the vote is over).
fn close(app: &TestApp, poll: Uuid) {
    let mut conn = app.pool.get().unwrap();
    diesel::update(polls::table.find(Id(poll)))
        .set(polls::closes_at.eq(Utc::now().naive_utc() - Duration::seconds(1)))
        .execute(&mut *conn)
        .unwrap();
}

async fn a_topic_through_the_six_steps(db: Db) {
    let app = spawn(db);
    let admin = app.staff("community_admin").await;
    let sw = app.staff("social_worker").await;
    let b3 = building(&admin, "3栋", "东区").await;
    let b5 = building(&admin, "5栋", "西区").await;
    let [a, b, c, d, e, kid] = [
        app.resident("gov-a").await,
        app.resident("gov-b").await,
        app.resident("gov-c").await,
        app.resident("gov-d").await,
        app.resident("gov-e").await,
        app.resident("gov-kid").await,
    ];
    let a_id = app.housed(&a, Some(b3), "301", false).await;
    app.housed(&b, Some(b3), "302", false).await;
    let c_id = app.housed(&c, Some(b3), "303", false).await;
    app.housed(&d, Some(b5), "101", false).await;
    app.housed(&e, Some(b3), "301", false).await;
    app.housed(&kid, Some(b3), "304", true).await;

    // The community sets two seconds for a building's topics; a resident may not.
    let two = TopicThreshold {
        seconds: 2,
        expiry_days: 30,
    };
    assert_eq!(
        refused(a.set_topic_threshold("building", &two).await),
        (StatusCode::FORBIDDEN, "forbidden_role".into())
    );
    admin.set_topic_threshold("building", &two).await.unwrap();

    // 点事: raised in the building one lives in; not in another's.
    assert_eq!(
        refused(d.raise_topic(&lift(b3)).await),
        (StatusCode::UNPROCESSABLE_ENTITY, "outside_scope".into())
    );
    let t = a.raise_topic(&lift(b3)).await.unwrap().topic;
    assert_eq!((t.status, t.seconds_needed), (TopicStatus::Seconding, 2));

    // 附议: neighbours of the building, once each, not the author.
    assert_eq!(
        refused(a.second_topic(t.id).await),
        (StatusCode::UNPROCESSABLE_ENTITY, "own_topic".into())
    );
    assert_eq!(
        refused(d.second_topic(t.id).await),
        (StatusCode::UNPROCESSABLE_ENTITY, "outside_scope".into())
    );
    b.second_topic(t.id).await.unwrap();
    assert_eq!(
        refused(b.second_topic(t.id).await),
        (StatusCode::CONFLICT, "already_seconded".into())
    );
    let t = c.second_topic(t.id).await.unwrap().topic;
    assert_eq!((t.status, t.seconds), (TopicStatus::Screening, 2));

    // 定事: staff screen with a public reason.
    let accept = ScreeningRequest {
        decision: ScreeningDecision::Accept,
        reason: "涉及全楼安全，列入议事会".into(),
        merge_into: None,
        referred_to: None,
    };
    assert_eq!(
        refused(a.screen_topic(t.id, &accept).await),
        (StatusCode::FORBIDDEN, "forbidden_role".into())
    );
    let t = sw.screen_topic(t.id, &accept).await.unwrap();
    assert_eq!(t.topic.status, TopicStatus::Accepted);
    let steps: Vec<TopicStep> = t.history.iter().map(|h| h.step).collect();
    assert_eq!(
        steps,
        vec![
            TopicStep::Raised,
            TopicStep::Seconded,
            TopicStep::Seconded,
            TopicStep::Screened
        ]
    );
    assert_eq!(t.history[3].note, "涉及全楼安全，列入议事会");
    let t = t.topic;
    assert!(
        a.notifications()
            .await
            .unwrap()
            .items
            .iter()
            .any(|n| n.kind == NoticeKind::TopicUpdated),
        "the author hears of each move"
    );

    // 议事: a bench meeting of the building with the topic on its agenda.
    let mut bench = NewMeeting {
        kind: MeetingKind::Hall,
        title: "3栋板凳议事会".into(),
        starts_at: Utc::now() + Duration::hours(2),
        place: "3栋楼下".into(),
        scope: ScopeLevel::Building,
        building_id: Some(b3),
        cluster: None,
        topic_ids: vec![t.id],
    };
    assert_eq!(
        refused(sw.create_meeting(&bench).await),
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_scope".into())
    );
    bench.kind = MeetingKind::Bench;
    assert_eq!(
        refused(a.create_meeting(&bench).await),
        (StatusCode::FORBIDDEN, "forbidden_role".into())
    );
    let m = sw.create_meeting(&bench).await.unwrap();
    assert_eq!(
        a.get_topic(t.id).await.unwrap().topic.status,
        TopicStatus::Scheduled
    );
    b.register_for_meeting(m.id).await.unwrap();
    assert_eq!(
        refused(b.register_for_meeting(m.id).await),
        (StatusCode::CONFLICT, "already_registered".into())
    );
    assert_eq!(
        refused(d.register_for_meeting(m.id).await),
        (StatusCode::UNPROCESSABLE_ENTITY, "outside_scope".into())
    );
    assert_eq!(
        refused(sw.meeting_checkins(m.id, &[a_id]).await),
        (StatusCode::UNPROCESSABLE_ENTITY, "outside_window".into())
    );
    {
        let mut conn = app.pool.get().unwrap();
        diesel::update(meetings::table.find(Id(m.id)))
            .set(meetings::starts_at.eq(Utc::now().naive_utc() - Duration::minutes(10)))
            .execute(&mut *conn)
            .unwrap();
    }
    let b_id = b.me().await.unwrap().id;
    sw.meeting_checkins(m.id, &[a_id, b_id, c_id])
        .await
        .unwrap();
    let m2 = sw.meeting_checkins(m.id, &[a_id]).await.unwrap();
    assert_eq!(
        (m2.present, m2.registered),
        (3, 1),
        "a roll sent again counts no one twice"
    );
    assert_eq!(
        refused(a.confirm_minutes(m.id).await),
        (StatusCode::UNPROCESSABLE_ENTITY, "no_minutes".into())
    );
    let minutes = MinutesRequest {
        summary: "住户一致认为应尽快维修，交由全楼表决是否动用维修基金。".into(),
        decisions: vec![MinuteDecision {
            topic_id: t.id,
            outcome: MinuteOutcome::ToVote,
            note: "交全楼表决".into(),
        }],
    };
    assert_eq!(
        refused(
            sw.meeting_minutes(
                m.id,
                &MinutesRequest {
                    decisions: vec![],
                    ..minutes.clone()
                }
            )
            .await
        ),
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_minutes".into())
    );
    sw.meeting_minutes(m.id, &minutes).await.unwrap();
    assert_eq!(
        refused(sw.meeting_minutes(m.id, &minutes).await),
        (StatusCode::CONFLICT, "minutes_recorded".into())
    );
    assert_eq!(
        refused(d.confirm_minutes(m.id).await),
        (StatusCode::FORBIDDEN, "not_present".into())
    );
    assert!(
        a.confirm_minutes(m.id)
            .await
            .unwrap()
            .confirmed_at
            .is_none()
    );
    assert!(
        b.confirm_minutes(m.id)
            .await
            .unwrap()
            .confirmed_at
            .is_some(),
        "2 of 3 present"
    );
    assert_eq!(
        refused(b.confirm_minutes(m.id).await),
        (StatusCode::CONFLICT, "already_confirmed".into())
    );
    assert_eq!(
        a.get_topic(t.id).await.unwrap().topic.status,
        TopicStatus::Deliberated
    );

    // 决事: one ballot per household of the building, over every channel.
    let mut vote = poll_on(
        PollSubject::Topic,
        t.id,
        ScopeLevel::Building,
        VotingUnit::Household,
    );
    vote.building_id = Some(b3);
    assert_eq!(
        refused(a.create_poll(&vote).await),
        (StatusCode::FORBIDDEN, "forbidden_role".into())
    );
    let p = admin.create_poll(&vote).await.unwrap();
    assert_eq!(
        (p.status, p.electorate),
        (PollStatus::Open, Some(3)),
        "301, 302, 303"
    );
    assert_eq!(
        refused(admin.create_poll(&vote).await),
        (StatusCode::UNPROCESSABLE_ENTITY, "wrong_status".into()),
        "one poll at a time on a topic"
    );
    a.cast_ballot(p.id, &["yes"], None).await.unwrap();
    for (who, code) in [
        (&e, (StatusCode::CONFLICT, "already_voted")),
        (&d, (StatusCode::UNPROCESSABLE_ENTITY, "outside_scope")),
        (&kid, (StatusCode::UNPROCESSABLE_ENTITY, "outside_scope")),
    ] {
        assert_eq!(
            refused(who.cast_ballot(p.id, &["no"], None).await),
            (code.0, code.1.into())
        );
    }
    assert_eq!(
        refused(b.cast_ballot(p.id, &["maybe"], None).await),
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_choices".into())
    );
    // Staff with the elder present: logged as assisted, and she is told.
    assert_eq!(
        refused(a.cast_ballot(p.id, &["yes"], Some(c_id)).await),
        (StatusCode::FORBIDDEN, "forbidden_role".into())
    );
    let r = sw.cast_ballot(p.id, &["yes"], Some(c_id)).await.unwrap();
    assert_eq!(r.voter_id, c_id);
    assert!(
        c.notifications()
            .await
            .unwrap()
            .items
            .iter()
            .any(|n| n.kind == NoticeKind::BallotAssisted)
    );
    assert_eq!(
        refused(c.cast_ballot(p.id, &["no"], None).await),
        (StatusCode::CONFLICT, "already_voted".into())
    );
    let sw_id = sw.me().await.unwrap().id;
    let log = admin.get_poll(p.id).await.unwrap().entered_for;
    assert_eq!(
        log.iter()
            .map(|e| (e.voter_id, e.entered_by))
            .collect::<Vec<_>>(),
        vec![(c_id, sw_id)],
        "staff see who entered an assisted ballot"
    );
    assert!(a.get_poll(p.id).await.unwrap().entered_for.is_empty());
    // Paper: the batch counts only when a second clerk's entry agrees.
    let batch = PaperTallyRequest {
        batch: "3栋-票箱1".into(),
        voters: vec![b_id],
        counts: vec![0, 1, 0],
    };
    let first = sw.paper_tally(p.id, &batch).await.unwrap();
    assert_eq!(first.status, TallyStatus::Pending);
    assert_eq!(
        refused(sw.paper_tally(p.id, &batch).await),
        (StatusCode::CONFLICT, "same_clerk".into())
    );
    let wrong = PaperTallyRequest {
        counts: vec![1, 0, 0],
        ..batch.clone()
    };
    assert_eq!(
        admin.paper_tally(p.id, &wrong).await.unwrap().status,
        TallyStatus::Mismatch
    );
    assert_eq!(
        sw.paper_tally(p.id, &batch).await.unwrap().status,
        TallyStatus::Pending
    );
    assert_eq!(
        refused(admin.publish_poll(p.id).await),
        (StatusCode::UNPROCESSABLE_ENTITY, "poll_not_closed".into())
    );
    assert_eq!(
        admin.paper_tally(p.id, &batch).await.unwrap().status,
        TallyStatus::Counted
    );
    assert_eq!(
        refused(b.cast_ballot(p.id, &["yes"], None).await),
        (StatusCode::CONFLICT, "already_voted".into()),
        "a paper ballot is the elector's one ballot"
    );
    assert_eq!(
        refused(sw.paper_tally(p.id, &batch).await),
        (StatusCode::CONFLICT, "already_voted".into())
    );
    for who in [&admin, &sw, &a] {
        assert_eq!(
            refused(who.poll_results(p.id).await),
            (StatusCode::CONFLICT, "not_published".into())
        );
    }
    close(&app, p.id);
    let published = admin.publish_poll(p.id).await.unwrap();
    assert_eq!(published.status, PollStatus::Published);
    let res = a.poll_results(p.id).await.unwrap();
    let counts: Vec<(String, i64)> = res
        .counts
        .iter()
        .map(|o| (o.option.clone(), o.votes))
        .collect();
    assert_eq!(
        counts,
        vec![("yes".into(), 2), ("no".into(), 1), ("abstain".into(), 0)]
    );
    assert_eq!((res.electorate, res.ballots, res.quorum_met), (3, 3, true));
    assert_eq!(
        (res.turnout_percent, res.outcome),
        (100.0, PollOutcome::Passed)
    );
    assert_eq!(
        refused(admin.publish_poll(p.id).await),
        (StatusCode::CONFLICT, "already_published".into())
    );
    assert_eq!(
        a.get_topic(t.id).await.unwrap().topic.status,
        TopicStatus::Passed
    );

    // 办事: 公示 with objections and replies, then delivery by its owner.
    let resolution = ResolutionRequest {
        decision: "动用维修基金更换3栋电梯主机，物业负责实施。".into(),
        objection_days: 3,
        owner_id: sw_id,
        deadline: Utc::now() + Duration::days(30),
    };
    assert_eq!(
        refused(a.resolve_topic(t.id, &resolution).await),
        (StatusCode::FORBIDDEN, "forbidden_role".into())
    );
    let mut early = resolution.clone();
    early.deadline = Utc::now() + Duration::days(1);
    assert_eq!(
        refused(sw.resolve_topic(t.id, &early).await),
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_deadline".into())
    );
    sw.resolve_topic(t.id, &resolution).await.unwrap();
    let o = b
        .object_to_topic(t.id, "施工期间请保留一部电梯")
        .await
        .unwrap();
    assert_eq!(
        refused(d.object_to_topic(t.id, "x").await),
        (StatusCode::UNPROCESSABLE_ENTITY, "outside_scope".into())
    );
    sw.reply_to_objection(o.id, "分段施工，保证一部可用")
        .await
        .unwrap();
    assert_eq!(
        refused(sw.reply_to_objection(o.id, "again").await),
        (StatusCode::CONFLICT, "already_replied".into())
    );
    assert_eq!(
        refused(sw.topic_progress(t.id, 10, "进场").await),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            "objection_window_open".into()
        )
    );
    {
        let mut conn = app.pool.get().unwrap();
        diesel::update(topics::table.find(Id(t.id)))
            .set(topics::objection_until.eq(Some(Utc::now().naive_utc() - Duration::seconds(1))))
            .execute(&mut *conn)
            .unwrap();
    }
    assert_eq!(
        refused(a.topic_progress(t.id, 10, "x").await),
        (StatusCode::FORBIDDEN, "not_owner".into())
    );
    sw.topic_progress(t.id, 50, "主机已到货").await.unwrap();
    let done = sw
        .topic_progress(t.id, 100, "更换完成，验收合格")
        .await
        .unwrap();
    assert_eq!(done.topic.status, TopicStatus::Done);

    // 评事: a poor evaluation reopens the work; a fair one leaves it evaluated.
    assert_eq!(
        refused(d.evaluate_topic(t.id, 5, "").await),
        (StatusCode::UNPROCESSABLE_ENTITY, "outside_scope".into())
    );
    a.evaluate_topic(t.id, 1, "还是常停").await.unwrap();
    b.evaluate_topic(t.id, 2, "").await.unwrap();
    let reopened = c.evaluate_topic(t.id, 2, "").await.unwrap();
    assert_eq!(
        (reopened.topic.status, reopened.topic.round),
        (TopicStatus::InProgress, 2)
    );
    assert!(
        reopened
            .history
            .iter()
            .any(|h| h.step == TopicStep::Reopened)
    );
    assert_eq!(
        refused(a.evaluate_topic(t.id, 5, "").await),
        (StatusCode::UNPROCESSABLE_ENTITY, "wrong_status".into())
    );
    sw.topic_progress(t.id, 100, "更换控制柜").await.unwrap();
    a.evaluate_topic(t.id, 5, "好了").await.unwrap();
    assert_eq!(
        refused(a.evaluate_topic(t.id, 5, "").await),
        (StatusCode::CONFLICT, "already_evaluated".into())
    );
    b.evaluate_topic(t.id, 4, "").await.unwrap();
    let last = c.evaluate_topic(t.id, 3, "").await.unwrap();
    assert_eq!(last.topic.status, TopicStatus::Evaluated);
    assert!(last.topic.settled_at.is_some());
    assert_eq!(last.evaluations.count, 3);

    // Screening's other roads, and moderation.
    let other = a.raise_topic(&lift(b3)).await.unwrap().topic;
    b.second_topic(other.id).await.unwrap();
    c.second_topic(other.id).await.unwrap();
    let merge = ScreeningRequest {
        decision: ScreeningDecision::Merge,
        reason: "同一事项".into(),
        merge_into: Some(other.id),
        referred_to: None,
    };
    assert_eq!(
        refused(sw.screen_topic(other.id, &merge).await),
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_screening".into()),
        "not into itself"
    );
    let hidden = sw.hide_topic(other.id, "含个人信息").await.unwrap();
    assert_eq!(hidden.topic.hidden_reason.as_deref(), Some("含个人信息"));
    let seen = |list: canglong_openapi::TopicPage| list.items.iter().any(|x| x.id == other.id);
    assert!(
        !seen(b.list_topics("").await.unwrap()),
        "hidden from the lists"
    );
    assert!(
        seen(a.list_topics("").await.unwrap()),
        "its author still sees it"
    );
    assert!(seen(sw.list_topics("?status=screening").await.unwrap()));
    // A page at a time, newest first.
    let first = sw.list_topics("?limit=1").await.unwrap();
    assert_eq!(first.items[0].id, other.id);
    let cursor = first.next_cursor.expect("a second page");
    let second = sw
        .list_topics(&format!("?limit=1&cursor={cursor}"))
        .await
        .unwrap();
    assert_eq!(second.items[0].id, t.id);
    assert!(second.next_cursor.is_none());
    assert_eq!(
        refused(b.get_topic(other.id).await),
        (StatusCode::NOT_FOUND, "not_found".into())
    );

    // The review meeting's tables: two topics raised, one settled, its decision due within the
    // period and carried out on time; the poll's turnout.
    let (from, to) = (
        Utc::now() - Duration::hours(2),
        Utc::now() + Duration::days(40),
    );
    let period = format!(
        "from={}&to={}",
        from.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        to.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    );
    let table = sw.stats_table("topics", &period).await.unwrap();
    let total = table.rows.iter().find(|r| r["month"] == "total").unwrap();
    assert_eq!(
        (
            total["raised"].as_i64(),
            total["settled"].as_i64(),
            total["decisions_due"].as_i64(),
            total["carried_out_on_time"].as_i64()
        ),
        (Some(2), Some(1), Some(1), Some(1))
    );
    let polls = sw.stats_table("polls", &period).await.unwrap();
    assert_eq!(polls.rows.len(), 1);
    assert_eq!(polls.rows[0]["turnout_percent"].as_f64(), Some(100.0));
    assert_eq!(polls.rows[0]["outcome"], "passed");
    assert_eq!(
        refused(a.stats_table("topics", &period).await).0,
        StatusCode::FORBIDDEN
    );

    // A building head raises a topic for a resident of a building they head — the resident is
    // its author — and not for one of another building.
    let head = app.resident("gov-head").await;
    let head_id = app.housed(&head, Some(b5), "102", false).await;
    admin
        .add_building_head(
            b3,
            &NewHead {
                user_id: head_id,
                party_member: false,
            },
        )
        .await
        .unwrap();
    let entry = |user: Uuid| -> Uuid {
        residents::table
            .filter(residents::user_id.eq(Id(user)))
            .select(residents::id)
            .first::<Id>(&mut *app.pool.get().unwrap())
            .unwrap()
            .0
    };
    let mut for_c = lift(b3);
    for_c.for_resident_id = Some(entry(c_id));
    assert_eq!(
        head.raise_topic(&for_c).await.unwrap().topic.raised_by,
        c_id
    );
    let mut for_d = lift(b5);
    for_d.for_resident_id = Some(entry(d.me().await.unwrap().id));
    assert_eq!(
        refused(head.raise_topic(&for_d).await),
        (StatusCode::FORBIDDEN, "not_building_head".into())
    );
}

async fn one_elector_one_ballot(db: Db) {
    let app = spawn(db);
    let admin = app.staff("community_admin").await;
    let sw = app.staff("social_worker").await;
    let b = building(&admin, "7栋", "北区").await;
    let mut voters = Vec::new();
    let mut ids = Vec::new();
    for i in 0..200 {
        let v = app.resident(&format!("elector-{i}")).await;
        ids.push(
            app.housed(&v, Some(b), &format!("{}", 100 + i), false)
                .await,
        );
        voters.push(v);
    }
    let campaign = sw
        .create_campaign(&NewCampaign {
            kind: CampaignKind::Activity,
            title: "楼道清洁日".into(),
            theme: "清洁家园".into(),
            starts_at: Utc::now(),
            ends_at: Utc::now() + Duration::days(3),
            voting_opens_at: None,
            voting_closes_at: None,
            max_choices: None,
            jury_weight: None,
        })
        .await
        .unwrap();
    let mut set = poll_on(
        PollSubject::Campaign,
        campaign.id,
        ScopeLevel::Community,
        VotingUnit::Person,
    );
    set.method = PollMethod::Choose;
    set.options = vec!["周六".into(), "周日".into(), "都行".into()];
    set.max_choices = Some(2);
    let p = admin.create_poll(&set).await.unwrap();
    assert_eq!(p.electorate, Some(200));

    // Every elector at once, each twice online, the first twenty also by staff for them and on
    // a paper batch each: exactly one ballot per elector gets in.
    let online = voters.iter().enumerate().flat_map(|(i, v)| {
        (0..2).map(move |_| {
            let v = v.clone();
            async move {
                let pick: &[&str] = if i % 2 == 0 {
                    &["周六"]
                } else {
                    &["周日", "都行"]
                };
                (i, false, v.cast_ballot(p.id, pick, None).await.is_ok())
            }
        })
    });
    let assisted = ids.iter().take(20).enumerate().map(|(i, id)| {
        let sw = sw.clone();
        let id = *id;
        async move {
            (
                i,
                true,
                sw.cast_ballot(p.id, &["都行"], Some(id)).await.is_ok(),
            )
        }
    });
    let (a, b2) = tokio::join!(join_all(online), join_all(assisted));
    let mut per: HashMap<usize, usize> = HashMap::new();
    // What the count must be, from which attempt of each elector got in.
    let mut expected = [0i64; 3];
    for (i, assisted, ok) in a.into_iter().chain(b2) {
        *per.entry(i).or_default() += usize::from(ok);
        if ok {
            match (assisted, i % 2) {
                (true, _) => expected[2] += 1,
                (false, 0) => expected[0] += 1,
                _ => {
                    expected[1] += 1;
                    expected[2] += 1;
                }
            }
        }
    }
    assert_eq!(per.len(), 200);
    assert!(per.values().all(|n| *n == 1), "one ballot each: {per:?}");
    for (i, id) in ids.iter().take(20).enumerate() {
        let batch = PaperTallyRequest {
            batch: format!("box-{i}"),
            voters: vec![*id],
            counts: vec![1, 0, 0],
        };
        assert_eq!(
            refused(sw.paper_tally(p.id, &batch).await),
            (StatusCode::CONFLICT, "already_voted".into())
        );
    }
    let seen = sw.get_poll(p.id).await.unwrap();
    assert_eq!(seen.ballots, 200);
    assert_eq!(seen.channels.iter().map(|c| c.ballots).sum::<i64>(), 200);
    close(&app, p.id);
    admin.publish_poll(p.id).await.unwrap();
    let res = voters[0].poll_results(p.id).await.unwrap();
    assert_eq!((res.ballots, res.electorate), (200, 200));
    let counts: Vec<i64> = res.counts.iter().map(|c| c.votes).collect();
    assert_eq!(
        counts,
        expected.to_vec(),
        "every ballot in counted once, nothing else"
    );
}

async fn secret_until_published(db: Db) {
    let app = spawn(db);
    let admin = app.staff("community_admin").await;
    let sw = app.staff("social_worker").await;
    let sub = app.staff("subdistrict_admin").await;
    let b = building(&admin, "9栋", "南区").await;
    let people: Vec<Client> = join_all((0..4).map(|i| {
        let app = &app;
        async move { app.resident(&format!("secret-{i}")).await }
    }))
    .await;
    for (i, p) in people.iter().enumerate() {
        app.housed(p, Some(b), &format!("20{i}"), false).await;
    }
    let campaign = sw
        .create_campaign(&NewCampaign {
            kind: CampaignKind::Activity,
            title: "议题".into(),
            theme: "文明养犬".into(),
            starts_at: Utc::now(),
            ends_at: Utc::now() + Duration::days(3),
            voting_opens_at: None,
            voting_closes_at: None,
            max_choices: None,
            jury_weight: None,
        })
        .await
        .unwrap();
    let secret = admin
        .create_poll(&poll_on(
            PollSubject::Campaign,
            campaign.id,
            ScopeLevel::Community,
            VotingUnit::Person,
        ))
        .await
        .unwrap();
    let mut open_set = poll_on(
        PollSubject::Campaign,
        campaign.id,
        ScopeLevel::Community,
        VotingUnit::Person,
    );
    open_set.secret = false;
    let open = admin.create_poll(&open_set).await.unwrap();
    for p in &people[..2] {
        p.cast_ballot(secret.id, &["yes"], None).await.unwrap();
        p.cast_ballot(open.id, &["no"], None).await.unwrap();
    }
    // A paper batch waiting for its second entry holds publication back.
    let p2 = people[2].me().await.unwrap().id;
    let batch = PaperTallyRequest {
        batch: "box".into(),
        voters: vec![p2],
        counts: vec![1, 0, 0],
    };
    sw.paper_tally(secret.id, &batch).await.unwrap();
    // Nobody reads a count before publication: not a community admin, a social worker, the
    // subdistrict, nor a voter; the poll shows turnout only.
    for who in [&admin, &sw, &sub, &people[0]] {
        assert_eq!(
            refused(who.poll_results(secret.id).await),
            (StatusCode::CONFLICT, "not_published".into())
        );
    }
    let shown = serde_json::to_value(admin.get_poll(secret.id).await.unwrap()).unwrap();
    assert_eq!(shown["ballots"], 2);
    assert!(shown.get("counts").is_none());

    // The stored truth: a secret poll keeps who voted and the counts, never a choice beside a
    // person; the open poll (the contrast) does keep them together.
    {
        let mut conn = app.pool.get().unwrap();
        let choices =
            |conn: &mut canglong_persistence::AnyConnection, poll: Uuid| -> Vec<Option<String>> {
                poll_voters::table
                    .filter(poll_voters::poll_id.eq(Id(poll)))
                    .select(poll_voters::choices)
                    .load(conn)
                    .unwrap()
            };
        assert_eq!(choices(&mut conn, secret.id), vec![None, None]);
        assert!(
            choices(&mut conn, open.id)
                .iter()
                .all(|c| c.as_deref() == Some("[1]"))
        );
        let tallies: Vec<(i32, i64)> = poll_tallies::table
            .filter(poll_tallies::poll_id.eq(Id(secret.id)))
            .order(poll_tallies::option_index)
            .select((poll_tallies::option_index, poll_tallies::votes))
            .load(&mut *conn)
            .unwrap();
        assert_eq!(tallies, vec![(0, 2), (1, 0), (2, 0)]);
    }
    // The person's export says they voted, not what, in the secret poll.
    let export = serde_json::to_value(people[0].export_me().await.unwrap()).unwrap();
    let ballots = export["self_governance"]["poll_ballots"]
        .as_array()
        .unwrap();
    let of = |id: Uuid| {
        ballots
            .iter()
            .find(|b| b["poll_id"] == id.to_string())
            .unwrap()
            .clone()
    };
    assert!(of(secret.id)["choices"].is_null());
    assert_eq!(of(open.id)["choices"], serde_json::json!(["no"]));

    // Quorum arithmetic: 2 of 4 is not more than half; 3 of 4 is.
    close(&app, secret.id);
    assert_eq!(
        refused(admin.publish_poll(secret.id).await),
        (StatusCode::CONFLICT, "tallies_pending".into())
    );
    let differs = PaperTallyRequest {
        counts: vec![0, 1, 0],
        ..batch
    };
    assert_eq!(
        admin.paper_tally(secret.id, &differs).await.unwrap().status,
        TallyStatus::Mismatch
    );
    admin.publish_poll(secret.id).await.unwrap();
    let r = people[3].poll_results(secret.id).await.unwrap();
    assert_eq!((r.electorate, r.ballots, r.quorum_met), (4, 2, false));
    assert_eq!(
        (r.turnout_percent, r.outcome),
        (50.0, PollOutcome::NoQuorum)
    );
    people[2]
        .cast_ballot(open.id, &["yes"], None)
        .await
        .unwrap();
    close(&app, open.id);
    admin.publish_poll(open.id).await.unwrap();
    let r = people[3].poll_results(open.id).await.unwrap();
    assert_eq!(
        (r.ballots, r.quorum_met, r.outcome),
        (3, true, PollOutcome::Failed),
        "1 yes of 3"
    );
    // A stricter body's rule, against everyone entitled.
    let mut strict = poll_on(
        PollSubject::Campaign,
        campaign.id,
        ScopeLevel::Community,
        VotingUnit::Person,
    );
    strict.rule = Some(PassRule {
        turnout_over: 66,
        approval_over: 66,
        approval_base: ApprovalBase::Electorate,
    });
    let s = admin.create_poll(&strict).await.unwrap();
    for p in &people[..3] {
        p.cast_ballot(s.id, &["yes"], None).await.unwrap();
    }
    close(&app, s.id);
    admin.publish_poll(s.id).await.unwrap();
    let r = people[3].poll_results(s.id).await.unwrap();
    assert_eq!(
        (r.turnout_percent, r.outcome),
        (75.0, PollOutcome::Passed),
        "3 of 4 > 66%"
    );
}

async fn the_convention_revised(db: Db) {
    let app = spawn(db);
    let admin = app.staff("community_admin").await;
    let sw = app.staff("social_worker").await;
    let sub = app.staff("subdistrict_admin").await;
    let elsewhere = write_tx(&mut app.pool.get().unwrap(), |c| {
        let sd = people::ensure_subdistrict(c, "别的街道")?;
        people::create_community(c, sd, "别的社区")
    })
    .unwrap();
    let far = app.staff_of("subdistrict_admin", elsewhere).await;
    let people: Vec<Client> = join_all((0..3).map(|i| {
        let app = &app;
        async move { app.resident(&format!("conv-{i}")).await }
    }))
    .await;
    for p in &people {
        app.housed(p, None, "", false).await;
    }
    let art = |n: i32, t: &str| ArticleText {
        number: n,
        text: t.into(),
    };
    let text = NewConvention {
        title: "藏龙社区居民公约".into(),
        articles: vec![
            art(1, "爱护公共设施"),
            art(2, "文明养犬"),
            art(3, "垃圾分类投放"),
        ],
    };
    assert_eq!(
        refused(people[0].create_convention(&text).await),
        (StatusCode::FORBIDDEN, "forbidden_role".into())
    );
    let mut gap = text.clone();
    gap.articles[2].number = 4;
    assert_eq!(
        refused(admin.create_convention(&gap).await),
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_articles".into())
    );
    let c = admin.create_convention(&text).await.unwrap();
    assert_eq!(
        (c.status, c.in_force.version),
        (ConventionStatus::InForce, 1)
    );

    let change = NewAmendment {
        kind: AmendmentKind::Change,
        article: 2,
        text: "文明养犬，出门牵绳，及时清理犬只粪便".into(),
        reason: "现行条文没有写清理粪便".into(),
    };
    assert_eq!(
        refused(sw.propose_amendment(c.id, &change).await),
        (StatusCode::FORBIDDEN, "forbidden_role".into())
    );
    assert_eq!(
        refused(
            people[0]
                .propose_amendment(
                    c.id,
                    &NewAmendment {
                        article: 9,
                        ..change.clone()
                    }
                )
                .await
        ),
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_amendment".into())
    );
    let a1 = people[0].propose_amendment(c.id, &change).await.unwrap();
    let a2 = people[1]
        .propose_amendment(
            c.id,
            &NewAmendment {
                text: "养犬须登记".into(),
                ..change.clone()
            },
        )
        .await
        .unwrap();
    let add = people[2]
        .propose_amendment(
            c.id,
            &NewAmendment {
                kind: AmendmentKind::Add,
                article: 0,
                text: "禁止高空抛物".into(),
                reason: "安全".into(),
            },
        )
        .await
        .unwrap();
    assert_eq!(
        admin.get_convention(c.id).await.unwrap().status,
        ConventionStatus::Collecting
    );
    assert_eq!(
        refused(people[0].decide_amendment(a1.id, true, "x").await),
        (StatusCode::FORBIDDEN, "forbidden_role".into())
    );
    sw.decide_amendment(a1.id, true, "采纳").await.unwrap();
    assert_eq!(
        refused(sw.decide_amendment(a1.id, false, "x").await),
        (StatusCode::CONFLICT, "already_decided".into())
    );
    assert_eq!(
        refused(sw.decide_amendment(a2.id, true, "x").await),
        (StatusCode::CONFLICT, "article_already_amended".into())
    );
    assert_eq!(
        refused(sw.draft_convention(c.id).await),
        (StatusCode::CONFLICT, "amendments_pending".into())
    );
    sw.decide_amendment(a2.id, false, "与第2条修改重复")
        .await
        .unwrap();
    let rejected = sw
        .decide_amendment(add.id, false, "已有专门规定")
        .await
        .unwrap();
    assert_eq!(rejected.status, AmendmentStatus::Rejected);
    assert_eq!(rejected.decision_reason.as_deref(), Some("已有专门规定"));
    let v2 = sw.draft_convention(c.id).await.unwrap();
    assert_eq!(
        (v2.version, v2.changelog.clone()),
        (2, vec!["修改第2条".to_string()])
    );

    // The subdistrict reviews: not the community's staff, not another subdistrict's.
    assert_eq!(
        refused(admin.review_convention(c.id, true, "x").await),
        (StatusCode::FORBIDDEN, "forbidden_role".into())
    );
    assert_eq!(
        refused(far.review_convention(c.id, true, "x").await),
        (StatusCode::NOT_FOUND, "not_found".into())
    );
    let returned = sub
        .review_convention(c.id, false, "第2条表述再斟酌")
        .await
        .unwrap();
    assert_eq!(returned.status, ConventionStatus::Collecting);
    let v3 = sw.draft_convention(c.id).await.unwrap();
    assert_eq!(v3.version, 3);
    sub.review_convention(c.id, true, "同意提交表决")
        .await
        .unwrap();

    // The vote: the whole community, yes/no, at least the statutory rule.
    let mut vote = poll_on(
        PollSubject::Convention,
        c.id,
        ScopeLevel::Building,
        VotingUnit::Person,
    );
    vote.building_id = Some(building(&admin, "1栋", "").await);
    assert_eq!(
        refused(admin.create_poll(&vote).await),
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_poll".into())
    );
    vote.scope = ScopeLevel::Community;
    vote.building_id = None;
    vote.rule = Some(PassRule {
        turnout_over: 30,
        approval_over: 50,
        approval_base: ApprovalBase::Voters,
    });
    assert_eq!(
        refused(admin.create_poll(&vote).await),
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_rule".into())
    );
    vote.rule = None;
    let p = admin.create_poll(&vote).await.unwrap();
    assert_eq!(
        refused(people[0].propose_amendment(c.id, &change).await),
        (StatusCode::UNPROCESSABLE_ENTITY, "wrong_status".into())
    );
    for who in &people[..2] {
        who.cast_ballot(p.id, &["yes"], None).await.unwrap();
    }
    close(&app, p.id);
    admin.publish_poll(p.id).await.unwrap();
    let adopted = admin.get_convention(c.id).await.unwrap();
    assert_eq!(adopted.status, ConventionStatus::Adopted);
    assert_eq!(
        refused(people[0].propose_amendment(c.id, &change).await).0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        refused(sw.file_convention(c.id, "x").await),
        (StatusCode::FORBIDDEN, "forbidden_role".into())
    );
    let filed = admin
        .file_convention(c.id, "藏龙街备〔2026〕12号")
        .await
        .unwrap();
    assert_eq!(
        (filed.status, filed.in_force.version),
        (ConventionStatus::InForce, 3)
    );
    assert_eq!(
        filed.in_force.articles[1].text,
        "文明养犬，出门牵绳，及时清理犬只粪便"
    );
    let history: Vec<(i32, VersionStatus)> = people[0]
        .convention_versions(c.id)
        .await
        .unwrap()
        .items
        .iter()
        .map(|v| (v.version, v.status))
        .collect();
    assert_eq!(
        history,
        vec![
            (1, VersionStatus::Superseded),
            (2, VersionStatus::Returned),
            (3, VersionStatus::InForce)
        ]
    );
    // Anyone signed in reads it; another community does not.
    let stranger = app.resident_of("conv-far", elsewhere).await;
    assert_eq!(
        refused(stranger.get_convention(c.id).await),
        (StatusCode::NOT_FOUND, "not_found".into())
    );
}
