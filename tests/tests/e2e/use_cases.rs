//! The use-case layer called directly, without HTTP, over the same fresh databases: each
//! operation runs inside a caller's transaction and keeps the chain whole.

use canglong_core::{Actor, Role};
use canglong_persistence::{Pool, write_tx};
use canglong_services::{Error, Result, alliance, audit, points};
use canglong_tests::{Db, active_offer, admitted_merchant, both, spawn};
use uuid::Uuid;

both!(a_reversed_redemption_voids_its_voucher_in_one_transaction);

fn tx<T>(
    pool: &Pool,
    f: impl FnOnce(&mut canglong_persistence::AnyConnection) -> Result<T>,
) -> Result<T> {
    let mut conn = pool.get().expect("connection");
    write_tx(&mut conn, f)
}

async fn a_reversed_redemption_voids_its_voucher_in_one_transaction(db: Db) {
    let app = spawn(db);
    let admin_client = app.staff("community_admin").await;
    let (_, clerk) = admitted_merchant(&app, &admin_client, "鲜果园").await;
    let offer = active_offer(&admin_client, &clerk, None, 10, 10, 5).await;
    let who = |id: Uuid, roles: Vec<Role>| Actor {
        user_id: id,
        community_id: app.community_id,
        roles,
    };
    let admin = who(
        admin_client.me().await.unwrap().id,
        vec![Role::CommunityAdmin],
    );
    let wang = who(
        app.resident("wang").await.me().await.unwrap().id,
        vec![Role::Resident],
    );
    let account = tx(&app.pool, |c| {
        canglong_services::ledger::resident_account(c, app.community_id, wang.user_id)
    })
    .unwrap()
    .id
    .0;
    tx(&app.pool, |c| {
        points::adjust(c, &admin, account, 10, "充值", "k1")
    })
    .unwrap();

    // A failed operation leaves nothing behind: no stock, no points, no voucher.
    let e = tx(&app.pool, |c| {
        alliance::redeem(c, &wang, offer, &[])?;
        Err::<(), _>(Error::conflict("abandoned", "the caller gave up"))
    })
    .unwrap_err();
    assert_eq!(e.code(), "abandoned");
    let v = tx(&app.pool, |c| alliance::redeem(c, &wang, offer, &[])).unwrap();
    assert_eq!(v.status.0, canglong_alliance::VoucherStatus::Issued);

    tx(&app.pool, |c| {
        points::reverse(c, &admin, v.redeem_transaction_id.0, "误兑")
    })
    .unwrap();
    let after = tx(&app.pool, |c| {
        Ok(canglong_persistence::alliance::voucher(
            c,
            app.community_id,
            v.id.0,
        )?)
    })
    .unwrap()
    .unwrap();
    assert_eq!(after.status.0, canglong_alliance::VoucherStatus::Void);
    let e = tx(&app.pool, |c| alliance::cancel_voucher(c, &wang, v.id.0)).unwrap_err();
    assert_eq!(e.code(), "invalid_transition");
    let e = tx(&app.pool, |c| {
        points::reverse(c, &admin, v.redeem_transaction_id.0, "x")
    })
    .unwrap_err();
    assert_eq!(e.code(), "already_reversed");

    let findings = tx(&app.pool, |c| audit::chain(c, app.community_id)).unwrap();
    assert!(
        findings.iter().all(|(_, ids)| ids.is_empty()),
        "{findings:?}"
    );
    let balance = tx(&app.pool, |c| {
        canglong_services::ledger::resident_account(c, app.community_id, wang.user_id)
    })
    .unwrap()
    .balance;
    assert_eq!(balance, 10);
}
