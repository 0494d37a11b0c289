//! The day's self-governance: 王阿姨 raises a matter for the whole community and the day's
//! residents second it; a poll on the 清洁家园 campaign's day takes one ballot per elector —
//! online, and 周奶奶's with the social worker beside her — with the count hidden from staff
//! until publication; and the demo's lift repair and amended convention read as they should.

use chrono::{Duration, Utc};

use super::{Summary, fail, staff};
use crate::Client;
use canglong_openapi::*;

pub async fn day(
    s: &mut Summary,
    base: &str,
    password: &str,
    admin: &Client,
    worker: &Client,
    residents: &[Client],
) -> Result<(), String> {
    let wang = staff(base, "wang_ayi", password).await?;
    let raised = wang
        .raise_topic(&NewTopic {
            title: "东门增设晾衣架".into(),
            description: "东门空地向阳，希望设公共晾衣区，方便老人晾被子。".into(),
            place: "东门空地".into(),
            scope: ScopeLevel::Community,
            building_id: None,
            cluster: None,
            for_resident_id: None,
        })
        .await
        .map_err(fail("raise a topic"))?
        .topic;
    s.topics_raised += 1;
    for r in residents {
        r.second_topic(raised.id).await.map_err(fail("second"))?;
        s.seconds += 1;
    }
    let again = residents.first().map(|r| r.second_topic(raised.id));
    if let Some(again) = again {
        let refused = again.await.is_err_and(|e| e.code() == "already_seconded");
        s.check("a resident seconds a topic once", refused);
    }

    // A poll on the campaign's day, among the directory's residents.
    let campaign = admin
        .list_campaigns()
        .await
        .map_err(fail("campaigns"))?
        .items
        .into_iter()
        .find(|c| c.kind == CampaignKind::Activity)
        .ok_or("the demo runs an activity campaign")?;
    let poll = admin
        .create_poll(&NewPoll {
            subject: PollSubject::Campaign,
            subject_id: campaign.id,
            question: "清洁家园日放在哪天？".into(),
            method: PollMethod::Choose,
            options: vec!["周六上午".into(), "周日上午".into()],
            max_choices: Some(1),
            scope: ScopeLevel::Community,
            building_id: None,
            cluster: None,
            unit: VotingUnit::Person,
            secret: true,
            opens_at: Utc::now() - Duration::minutes(1),
            closes_at: Utc::now() + Duration::days(2),
            rule: None,
        })
        .await
        .map_err(fail("open a poll"))?;
    wang.cast_ballot(poll.id, &["周六上午"], None)
        .await
        .map_err(fail("vote"))?;
    s.governance_ballots += 1;
    let twice = wang.cast_ballot(poll.id, &["周日上午"], None).await;
    s.check(
        "one ballot per elector",
        twice.is_err_and(|e| e.code() == "already_voted"),
    );
    let head = staff(base, "head_chen", password).await?;
    head.cast_ballot(poll.id, &["周日上午"], None)
        .await
        .map_err(fail("vote"))?;
    s.governance_ballots += 1;
    let hidden = admin.poll_results(poll.id).await;
    s.check(
        "nobody, staff included, reads a count before publication",
        hidden.is_err_and(|e| e.code() == "not_published"),
    );
    let seen = worker.get_poll(poll.id).await.map_err(fail("poll"))?;
    s.check(
        "the poll shows its turnout",
        seen.ballots == 2 && seen.status == PollStatus::Open,
    );

    // The demo's lift repair, carried to the residents' evaluation, and the convention in force.
    let lift = wang
        .get_topic(canglong_openapi::demo::TOPIC)
        .await
        .map_err(fail("the lift repair"))?;
    let steps: Vec<TopicStep> = lift.history.iter().map(|h| h.step).collect();
    s.check(
        "the lift repair went through every step to its evaluation",
        [
            TopicStep::Raised,
            TopicStep::Seconded,
            TopicStep::Screened,
            TopicStep::Scheduled,
            TopicStep::Deliberated,
            TopicStep::Voted,
            TopicStep::Resolved,
            TopicStep::Objected,
            TopicStep::Progress,
            TopicStep::Evaluated,
        ]
        .iter()
        .all(|x| steps.contains(x))
            && matches!(
                lift.topic.status,
                TopicStatus::Evaluated | TopicStatus::Closed
            ),
    );
    let convention = wang
        .get_convention(canglong_openapi::demo::CONVENTION)
        .await
        .map_err(fail("the convention"))?;
    s.check(
        "the convention is in force as version 2, one article amended",
        convention.in_force.version == 2 && convention.in_force.changelog == ["修改第4条"],
    );
    Ok(())
}
