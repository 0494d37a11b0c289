//! The load generator (`mini-program-mock load`) runs its mix against the demo without a server
//! error; the figures themselves are for `docs/benchmarks.md`, not for a test.

use std::sync::Arc;
use std::time::Duration;

use canglong_mini_program_mock::load::{Mix, cast, run};
use canglong_tests::{Db, both, spawn};

both!(the_load_mix_runs_clean);

async fn the_load_mix_runs_clean(db: Db) {
    let app = spawn(db);
    canglong_api::seed::seed_demo(&mut app.pool.get().unwrap()).expect("demo");
    let people = cast(&app.base, canglong_api::seed::DEMO_PASSWORD, 8)
        .await
        .expect("cast");
    let r = run(
        std::slice::from_ref(&app.base),
        Some(Arc::new(people)),
        Mix::Realistic,
        8,
        Duration::from_secs(3),
    )
    .await;
    println!("{r}");
    let total = r.total();
    assert!(total.requests > 50, "{r}");
    assert_eq!(total.errors, 0, "no server errors under the mix:\n{r}");
    for endpoint in [
        "GET /needs",
        "GET /points/balance",
        "POST /needs",
        "GET /offers",
    ] {
        assert!(
            r.endpoints.get(endpoint).is_some_and(|l| l.ok > 0),
            "{endpoint} never succeeded:\n{r}"
        );
    }
    let h = run(
        std::slice::from_ref(&app.base),
        None,
        Mix::Healthz,
        4,
        Duration::from_secs(1),
    )
    .await;
    assert!(h.total().ok > 10 && h.total().errors == 0, "{h}");
}
