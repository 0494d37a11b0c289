//! The periodic jobs: `canglong sweep` runs one pass; `serve` runs them on a timer. The pass
//! itself is a use case, `canglong_services::sweep`.

use canglong_needs::Timing;
use canglong_persistence::Pool;

pub use canglong_services::sweep::{REMIND_BEFORE_DAYS, SweepReport};

use crate::ApiError;

pub fn sweep(pool: &Pool, timing: &Timing) -> Result<SweepReport, ApiError> {
    let mut conn = pool.get()?;
    Ok(canglong_services::sweep::sweep(&mut conn, timing)?)
}
