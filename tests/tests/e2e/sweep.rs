use canglong_api::jobs::{SweepReport, sweep};
use canglong_needs::Timing;
use canglong_openapi::{CompletionRequest, NeedQuery, NeedStatus};
use canglong_persistence::schema::needs;
use canglong_tests::{Db, both, need, spawn};
use diesel::prelude::*;

both!(periodic_jobs);

/// Expiry of unclaimed needs, escalation of needs left waiting, and auto-confirmation.
async fn periodic_jobs(db: Db) {
    let app = spawn(db);
    let grandma = app.resident("wang").await;
    let rider = app.volunteer("xiaowu").await;
    let worker = app.staff("social_worker").await;

    let waiting = grandma.create_need(&need(1)).await.unwrap();
    let lapsed = grandma.create_need(&need(1)).await.unwrap();
    let served = grandma.create_need(&need(1)).await.unwrap();
    app.posted_earlier(served.id);
    rider.claim_need(served.id, None).await.unwrap();
    rider
        .complete_need(
            served.id,
            &CompletionRequest {
                started_at: None,
                minutes: 15,
                note: String::new(),
            },
            None,
        )
        .await
        .unwrap();

    // Nothing is due yet under the default clocks.
    let slow = Timing {
        auto_confirm_after: chrono::Duration::hours(72),
        escalate_after: chrono::Duration::hours(2),
    };
    assert_eq!(sweep(&app.pool, &slow).unwrap(), SweepReport::default());

    // The window of `lapsed` closes.
    let past = canglong_core::now() - chrono::Duration::minutes(1);
    diesel::update(needs::table.find(canglong_persistence::Id(lapsed.id)))
        .set(needs::window_end.eq(past))
        .execute(&mut *app.pool.get().unwrap())
        .unwrap();
    let due = Timing {
        auto_confirm_after: chrono::Duration::zero(),
        escalate_after: chrono::Duration::zero(),
    };
    let report = sweep(&app.pool, &due).unwrap();
    assert_eq!(
        report,
        SweepReport {
            expired: 1,
            escalated: 1,
            auto_confirmed: 1,
            points_expired: 0,
            vouchers_expired: 0,
            vouchers_reminded: 0,
            days_folded: 0,
            care_alerts: 0,
            topics_moved: 0,
            electorates_taken: 0,
        }
    );
    assert_eq!(
        sweep(&app.pool, &due).unwrap(),
        SweepReport::default(),
        "a second pass finds nothing to do"
    );

    assert_eq!(
        grandma.get_need(lapsed.id).await.unwrap().need.status,
        NeedStatus::Expired
    );
    assert_eq!(
        grandma.get_need(served.id).await.unwrap().need.status,
        NeedStatus::Confirmed
    );
    let w = grandma.get_need(waiting.id).await.unwrap();
    assert!(w.need.escalated);
    assert_eq!(w.need.status, NeedStatus::Open);
    assert_eq!(
        w.history.last().unwrap().action,
        canglong_openapi::NeedAction::Escalated
    );

    // Staff see the escalated list.
    let list = worker
        .list_needs(&NeedQuery {
            escalated: Some(true),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(
        list.items.iter().map(|n| n.id).collect::<Vec<_>>(),
        [waiting.id]
    );
}
