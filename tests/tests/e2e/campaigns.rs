//! Civility campaigns: an activity campaign's sign-ups, pledges and tasks; the 好家规
//! collection from entry to gallery — one ballot per resident under a rush of repeats, bursts
//! of new accounts held for review, nothing of the tally visible before publication (staff
//! included), the jury's weight, and only the chosen ten in the public gallery.

use std::collections::{HashMap, HashSet};

use canglong_mini_program_mock::{ApiFailure, Client};
use canglong_openapi::{
    BallotReview, BallotStatus, CampaignKind, CampaignPhase, CampaignTask, EntryDecision,
    EntryReview, EntryStatus, NewCampaign, NewEntry,
};
use canglong_persistence::schema::campaigns;
use canglong_tests::{Db, TestApp, both, need, spawn};
use chrono::{Duration, Utc};
use diesel::prelude::*;
use futures_util::future::join_all;
use reqwest::StatusCode;
use uuid::Uuid;

both!(an_activity_campaign, the_family_rules_collection);

fn refused<T: std::fmt::Debug>(r: Result<T, ApiFailure>) -> (StatusCode, String) {
    let e = r.unwrap_err();
    (e.status, e.code().to_string())
}

fn activity(title: &str) -> NewCampaign {
    NewCampaign {
        kind: CampaignKind::Activity,
        title: title.into(),
        theme: "清洁家园".into(),
        starts_at: Utc::now() - Duration::hours(1),
        ends_at: Utc::now() + Duration::days(7),
        voting_opens_at: None,
        voting_closes_at: None,
        max_choices: None,
        jury_weight: None,
    }
}

async fn an_activity_campaign(db: Db) {
    let app = spawn(db);
    let sw = app.staff("social_worker").await;
    let (a, b) = (app.resident("clean-a").await, app.resident("clean-b").await);
    assert_eq!(
        refused(a.create_campaign(&activity("清洁家园周")).await),
        (StatusCode::FORBIDDEN, "forbidden_role".into())
    );
    let mut voting = activity("x");
    voting.voting_opens_at = Some(Utc::now());
    voting.voting_closes_at = Some(Utc::now() + Duration::days(1));
    assert_eq!(
        refused(sw.create_campaign(&voting).await),
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_campaign".into())
    );
    let mut backwards = activity("y");
    backwards.ends_at = backwards.starts_at - Duration::hours(1);
    assert_eq!(
        refused(sw.create_campaign(&backwards).await).0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let c = sw.create_campaign(&activity("清洁家园周")).await.unwrap();
    assert_eq!(c.phase, CampaignPhase::Running);

    a.campaign_signup(c.id).await.unwrap();
    assert_eq!(
        refused(a.campaign_signup(c.id).await),
        (StatusCode::CONFLICT, "already_signed_up".into())
    );
    b.campaign_signup(c.id).await.unwrap();
    a.campaign_pledge(c.id, "垃圾分类，从我做起").await.unwrap();
    assert_eq!(
        refused(a.campaign_pledge(c.id, "再来一次").await),
        (StatusCode::CONFLICT, "already_pledged".into())
    );
    assert_eq!(
        refused(sw.campaign_signup(c.id).await),
        (StatusCode::FORBIDDEN, "forbidden_role".into())
    );

    // The volunteer work is a need of the community, claimed and credited as any other.
    let cleanup = b.create_need(&need(3)).await.unwrap();
    let task = CampaignTask {
        need_id: Some(cleanup.id),
        session_id: None,
    };
    assert_eq!(
        refused(a.campaign_task(c.id, &task).await),
        (StatusCode::FORBIDDEN, "forbidden_role".into())
    );
    sw.campaign_task(c.id, &task).await.unwrap();
    assert_eq!(
        refused(sw.campaign_task(c.id, &task).await),
        (StatusCode::CONFLICT, "already_linked".into())
    );
    let neither = CampaignTask {
        need_id: None,
        session_id: None,
    };
    assert_eq!(
        refused(sw.campaign_task(c.id, &neither).await),
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_task".into())
    );
    let stranger = CampaignTask {
        need_id: Some(Uuid::now_v7()),
        session_id: None,
    };
    assert_eq!(
        refused(sw.campaign_task(c.id, &stranger).await),
        (StatusCode::UNPROCESSABLE_ENTITY, "unknown_need".into())
    );
    // A collection's steps do not apply to it.
    let entry = NewEntry {
        family: "王家".into(),
        text: "勤俭持家".into(),
    };
    assert_eq!(
        refused(a.submit_entry(c.id, &entry).await),
        (StatusCode::UNPROCESSABLE_ENTITY, "wrong_kind".into())
    );

    let seen = b.get_campaign(c.id).await.unwrap();
    assert_eq!((seen.signups, seen.pledges, seen.tasks.len()), (2, 1, 1));
    assert_eq!(seen.recent_pledges[0].text, "垃圾分类，从我做起");
    assert_eq!(seen.tasks[0].need_id, Some(cleanup.id));
    let outsider = app
        .resident_of("clean-outsider", app.other_community())
        .await;
    assert_eq!(
        refused(outsider.campaign_signup(c.id).await).0,
        StatusCode::NOT_FOUND
    );
    assert!(outsider.list_campaigns().await.unwrap().items.is_empty());

    // Participation counts those who took part.
    let q = period();
    let f = sw.stats_overview(&q).await.unwrap().figures;
    assert_eq!(f.campaign_participation.numerator, 2.0);

    // What is held is the person's to export; at erasure the pledge goes, the count stays.
    let held = a.export_me().await.unwrap().community_life;
    assert_eq!(held.campaign_signups[0].campaign_id, c.id);
    assert_eq!(held.pledges[0].text, "垃圾分类，从我做起");
    a.erase_me().await.unwrap();
    let after = sw.get_campaign(c.id).await.unwrap();
    assert_eq!((after.signups, after.pledges), (2, 0));
}

fn period() -> String {
    let (from, to) = (
        Utc::now() - Duration::hours(2),
        Utc::now() + Duration::hours(1),
    );
    format!(
        "from={}&to={}",
        from.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        to.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    )
}

/// Moves the campaign's voting window so that voting is open now (`open`) or has closed.
fn move_clock(app: &TestApp, id: Uuid, open: bool) {
    let now = Utc::now().naive_utc();
    let (opens, closes) = if open {
        (now - Duration::minutes(1), now + Duration::hours(1))
    } else {
        (now - Duration::hours(2), now - Duration::seconds(1))
    };
    diesel::update(campaigns::table.find(canglong_persistence::Id(id)))
        .set((
            campaigns::voting_opens_at.eq(Some(opens)),
            campaigns::voting_closes_at.eq(Some(closes)),
        ))
        .execute(&mut *app.pool.get().unwrap())
        .unwrap();
}

const FAMILY_RULES: [&str; 15] = [
    "孝敬父母，和睦邻里",
    "勤俭持家，不比吃穿",
    "诚实守信，言出必行",
    "读书明理，终身学习",
    "垃圾分类，人人有责",
    "邻里守望，互帮互助",
    "尊老爱幼，家和万事兴",
    "节约用水，随手关灯",
    "文明养犬，牵绳出行",
    "远离赌毒，健康生活",
    "遵纪守法，做好公民",
    "饭前洗手，讲究卫生",
    "少看手机，多陪家人",
    "防范诈骗，守好钱袋",
    "乐于助人，赠人玫瑰",
];

async fn the_family_rules_collection(db: Db) {
    let app = spawn(db);
    let sw = app.staff("social_worker").await;
    let start = Utc::now() - Duration::hours(1);
    let c = sw
        .create_campaign(&NewCampaign {
            kind: CampaignKind::Collection,
            title: "十佳藏龙好家规".into(),
            theme: "好家规".into(),
            starts_at: start,
            ends_at: start + Duration::days(30),
            voting_opens_at: Some(start + Duration::days(10)),
            voting_closes_at: Some(start + Duration::days(20)),
            max_choices: Some(10),
            jury_weight: Some(20),
        })
        .await
        .unwrap();
    assert_eq!(c.phase, CampaignPhase::Collecting);

    // Fifteen families send their rules; a repeat and a copy are refused.
    let mut families = vec![];
    let mut entries = vec![];
    for (i, text) in FAMILY_RULES.iter().enumerate() {
        let f = app.resident(&format!("family-{i}")).await;
        let e = f
            .submit_entry(
                c.id,
                &NewEntry {
                    family: format!("第{i}家"),
                    text: text.to_string(),
                },
            )
            .await
            .unwrap();
        assert!(e.mine);
        entries.push(e.id);
        families.push(f);
    }
    assert_eq!(
        refused(
            families[0]
                .submit_entry(
                    c.id,
                    &NewEntry {
                        family: "第0家".into(),
                        text: "另一条".into(),
                    }
                )
                .await
        ),
        (StatusCode::CONFLICT, "already_submitted".into())
    );
    let copier = app.resident("family-copy").await;
    assert_eq!(
        refused(
            copier
                .submit_entry(
                    c.id,
                    &NewEntry {
                        family: "抄家".into(),
                        text: "孝敬父母 和睦邻里！".into(),
                    }
                )
                .await
        ),
        (StatusCode::CONFLICT, "duplicate_entry".into())
    );

    // Review: reasons always; one returned (and sent again), one rejected; order enforced.
    let review = |decision, reason: &str| EntryReview {
        decision,
        reason: reason.into(),
        jury_score: None,
    };
    assert_eq!(
        refused(
            families[1]
                .review_entry(entries[1], &review(EntryDecision::Approve, "好"))
                .await
        ),
        (StatusCode::FORBIDDEN, "forbidden_role".into())
    );
    assert_eq!(
        refused(
            sw.review_entry(entries[1], &review(EntryDecision::Shortlist, "好"))
                .await
        ),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_transition".into()
        )
    );
    sw.review_entry(
        entries[14],
        &review(EntryDecision::Return, "请写得更具体些"),
    )
    .await
    .unwrap();
    let again = families[14]
        .submit_entry(
            c.id,
            &NewEntry {
                family: "第14家".into(),
                text: "乐于助人，每周帮邻居一件事".into(),
            },
        )
        .await
        .unwrap();
    sw.review_entry(again.id, &review(EntryDecision::Reject, "与其他条目重复"))
        .await
        .unwrap();
    for e in &entries[..14] {
        sw.review_entry(*e, &review(EntryDecision::Approve, "合法、文明、不重复"))
            .await
            .unwrap();
        sw.review_entry(*e, &review(EntryDecision::Shortlist, "入围"))
            .await
            .unwrap();
    }
    let shortlist: Vec<Uuid> = entries[..14].to_vec();
    // Residents see the shortlist and their own, never others' rejected or returned entries.
    let seen = families[14].get_campaign(c.id).await.unwrap();
    assert_eq!(seen.entries.len(), 14 + 2);
    assert!(
        seen.entries
            .iter()
            .filter(|e| !e.mine)
            .all(|e| e.status == EntryStatus::Shortlisted)
    );

    // Voting opens. Entries and the shortlist are closed.
    move_clock(&app, c.id, true);
    assert_eq!(
        refused(
            copier
                .submit_entry(
                    c.id,
                    &NewEntry {
                        family: "晚家".into(),
                        text: "迟到的家规".into(),
                    }
                )
                .await
        ),
        (StatusCode::UNPROCESSABLE_ENTITY, "wrong_phase".into())
    );
    assert_eq!(
        refused(sw.campaign_ballot(c.id, &shortlist[..1]).await),
        (StatusCode::FORBIDDEN, "forbidden_role".into())
    );
    assert_eq!(
        refused(families[0].campaign_ballot(c.id, &shortlist[..11]).await),
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_choices".into())
    );
    assert_eq!(
        refused(families[0].campaign_ballot(c.id, &[again.id]).await),
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_choices".into())
    );

    // Thirty new residents vote, each sending their ballot three times at once: one ballot
    // each. They are all new accounts: after ten, the burst is held for review.
    let mut voters = vec![];
    for i in 0..30 {
        voters.push(app.resident(&format!("voter-{i}")).await);
    }
    let choice =
        |i: usize| -> Vec<Uuid> { (0..1 + i % 10).map(|k| shortlist[(i + k) % 14]).collect() };
    let tries = voters.iter().enumerate().flat_map(|(i, v)| {
        let c_id = c.id;
        let mine = choice(i);
        (0..3).map(move |_| {
            let (v, mine) = (v.clone(), mine.clone());
            async move { (i, v.campaign_ballot(c_id, &mine).await) }
        })
    });
    let outcomes = join_all(tries).await;
    let mut ballot_of: HashMap<usize, (Uuid, BallotStatus)> = HashMap::new();
    for (i, r) in outcomes {
        match r {
            Ok(b) => assert!(
                ballot_of.insert(i, (b.id, b.status)).is_none(),
                "two ballots"
            ),
            Err(e) => assert_eq!(
                (e.status, e.code()),
                (StatusCode::CONFLICT, "already_voted"),
                "{e}"
            ),
        }
    }
    assert_eq!(ballot_of.len(), 30, "every voter has exactly one ballot");
    let counted_now = ballot_of
        .values()
        .filter(|(_, s)| *s == BallotStatus::Counted)
        .count();
    assert_eq!(
        counted_now, 10,
        "the first ten count, the burst after them waits"
    );
    assert_eq!(
        refused(voters[0].campaign_ballot(c.id, &choice(0)).await),
        (StatusCode::CONFLICT, "already_voted".into())
    );

    // Nothing of the tally before publication, for anyone.
    for who in [&sw, &voters[0]] {
        assert_eq!(
            refused(who.campaign_results(c.id).await),
            (StatusCode::CONFLICT, "not_published".into())
        );
        let seen = who.get_campaign(c.id).await.unwrap();
        assert_eq!(seen.ballots, 30);
        assert!(
            seen.entries
                .iter()
                .all(|e| e.votes.is_none() && e.rank.is_none())
        );
    }
    let anon = app.anonymous();
    let before = anon.campaign_gallery(c.id).await.unwrap();
    assert!(!before.published && before.items.is_empty());
    // The jury scores during the vote.
    sw.review_entry(
        shortlist[13],
        &EntryReview {
            decision: EntryDecision::Score,
            reason: "评审团：朴实可行".into(),
            jury_score: Some(100),
        },
    )
    .await
    .unwrap();

    // Voting closes; the held ballots are reviewed before publication.
    move_clock(&app, c.id, false);
    assert_eq!(
        refused(copier.campaign_ballot(c.id, &choice(29)).await),
        (StatusCode::UNPROCESSABLE_ENTITY, "wrong_phase".into())
    );
    assert_eq!(
        refused(sw.publish_campaign(c.id).await),
        (StatusCode::CONFLICT, "flags_pending".into())
    );
    let flagged = sw.get_campaign(c.id).await.unwrap().flagged_ballots;
    assert_eq!(flagged.len(), 20);
    let mut counted: HashSet<Uuid> = ballot_of
        .values()
        .filter(|(_, s)| *s == BallotStatus::Counted)
        .map(|(id, _)| *id)
        .collect();
    for (k, f) in flagged.iter().enumerate() {
        let keep = k % 4 != 0;
        let r = sw
            .review_campaign_ballot(
                f.id,
                &BallotReview {
                    count: keep,
                    reason: if keep {
                        "本人确认"
                    } else {
                        "同一设备批量注册"
                    }
                    .into(),
                },
            )
            .await
            .unwrap();
        if keep {
            assert_eq!(r.status, BallotStatus::Counted);
            counted.insert(f.id);
        }
    }
    assert_eq!(
        refused(voters[0].publish_campaign(c.id).await),
        (StatusCode::FORBIDDEN, "forbidden_role".into())
    );
    let published = sw.publish_campaign(c.id).await.unwrap();
    assert_eq!(published.phase, CampaignPhase::Published);
    assert_eq!(
        refused(sw.publish_campaign(c.id).await),
        (StatusCode::UNPROCESSABLE_ENTITY, "wrong_phase".into())
    );

    // The result, recomputed here from the ballots the test sent.
    let mut votes: HashMap<Uuid, i64> = HashMap::new();
    for (i, (ballot, _)) in &ballot_of {
        if counted.contains(ballot) {
            for e in choice(*i) {
                *votes.entry(e).or_default() += 1;
            }
        }
    }
    let r = voters[3].campaign_results(c.id).await.unwrap();
    assert_eq!((r.ballots_counted, r.ballots_discarded), (25, 5));
    assert_eq!(r.entries.len(), 14);
    let top = *votes.values().max().unwrap() as f64;
    for (k, e) in r.entries.iter().enumerate() {
        assert_eq!(e.rank, Some(k as i32 + 1));
        assert_eq!(
            e.votes,
            Some(votes.get(&e.id).copied().unwrap_or(0)),
            "{}",
            e.text
        );
        let public = e.votes.unwrap() as f64 / top * 100.0;
        let jury = f64::from(e.jury_score.unwrap_or(0));
        let expected = 0.8 * public + 0.2 * jury;
        assert!(
            (e.score.unwrap() - expected).abs() < 0.02,
            "{} {expected}",
            e.text
        );
        let status = match k {
            0..10 => EntryStatus::Chosen,
            10..15 => EntryStatus::Mentioned,
            _ => EntryStatus::NotChosen,
        };
        assert_eq!(e.status, status);
    }
    assert!(r.entries.windows(2).all(|w| w[0].score >= w[1].score));

    // The corridor's gallery: the chosen ten only, readable without signing in.
    let g = anon.campaign_gallery(c.id).await.unwrap();
    assert!(g.published);
    assert_eq!(g.items.len(), 10);
    let chosen: HashSet<&str> = r
        .entries
        .iter()
        .filter(|e| e.status == EntryStatus::Chosen)
        .map(|e| e.text.as_str())
        .collect();
    assert!(g.items.iter().all(|i| chosen.contains(i.text.as_str())));
    assert_eq!(
        g.items.iter().map(|i| i.rank).collect::<Vec<_>>(),
        (1..=10).collect::<Vec<_>>()
    );
    let outsider = app
        .resident_of("rules-outsider", app.other_community())
        .await;
    assert_eq!(
        refused(outsider.campaign_results(c.id).await).0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        refused(anon.campaign_gallery(Uuid::now_v7()).await).0,
        StatusCode::NOT_FOUND
    );
    let t = sw.stats_table("campaigns", &period()).await.unwrap();
    let row = t
        .rows
        .iter()
        .find(|r| r["title"] == "十佳藏龙好家规")
        .unwrap();
    assert_eq!(
        (
            row["entries"].as_i64(),
            row["ballots_counted"].as_i64(),
            row["ballots_discarded"].as_i64()
        ),
        (Some(16), Some(25), Some(5))
    );
    let _: &Client = &sw;
}
