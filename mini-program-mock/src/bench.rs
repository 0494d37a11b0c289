//! The cast of the ledger and list benchmarks: many residents each funded, many community
//! offers, open needs, written as files for `wrk` (`scripts/wrk/post.lua`), which loads the
//! server with less of the two cores than a client of ours would.

use std::path::Path;

use canglong_openapi::AdjustmentRequest;
use uuid::Uuid;

use crate::{ApiFailure, Client};

/// How many of each to make.
pub struct CastSize {
    pub residents: usize,
    pub offers: usize,
    pub needs: usize,
}

fn err(step: &str) -> impl Fn(ApiFailure) -> String + '_ {
    move |e| format!("{step}: {e}")
}

/// Signs in `residents` residents through WeChat (the server must point at a fake), funds each
/// with a million points, opens `offers` community offers (1 point, stock and limits beyond any
/// run) and has the first residents post `needs` open needs. Writes into `dir`: `tokens.txt`
/// (a resident's access token per line), `offers.txt`, `accounts.txt` (the residents' points
/// accounts), `admin.token` and `staff.token` (the social worker's, for staff reads).
pub async fn cast(base: &str, password: &str, size: &CastSize, dir: &Path) -> Result<(), String> {
    let anon = Client::new(base);
    let admin_token = anon
        .sign_in_password("admin", password)
        .await
        .map_err(err("admin sign-in"))?
        .access_token;
    let staff_token = anon
        .sign_in_password("sw_li", password)
        .await
        .map_err(err("sw_li sign-in"))?
        .access_token;
    let admin = anon.with_token(&admin_token);
    let community = admin.me().await.map_err(err("me"))?.community_id;
    let run = Uuid::now_v7().simple().to_string()[..10].to_string();
    let (mut tokens, mut accounts, mut offers) = (vec![], vec![], vec![]);
    for i in 0..size.residents {
        let t = anon
            .sign_in_wechat(&format!("bench-{run}-{i}"), community)
            .await
            .map_err(err("WeChat sign-in"))?;
        let account = admin
            .balance(Some(t.user.id))
            .await
            .map_err(err("balance"))?
            .account_id;
        let fund = AdjustmentRequest {
            account_id: account,
            amount: 1_000_000,
            reason: "bench".into(),
        };
        admin
            .adjust_points(&fund, Some(&format!("bench-{run}-fund-{i}")))
            .await
            .map_err(err("fund"))?;
        if i < size.needs {
            anon.with_token(&t.access_token)
                .create_need(&crate::load::need())
                .await
                .map_err(err("need"))?;
        }
        tokens.push(t.access_token);
        accounts.push(account.to_string());
    }
    for i in 0..size.offers {
        let offer = crate::load::plentiful_offer(&admin, format!("压测券 {run}-{i}")).await?;
        offers.push(offer.to_string());
    }
    let write = |name: &str, lines: &[String]| {
        std::fs::write(dir.join(name), lines.join("\n") + "\n").map_err(|e| format!("{name}: {e}"))
    };
    write("tokens.txt", &tokens)?;
    write("accounts.txt", &accounts)?;
    write("offers.txt", &offers)?;
    write("admin.token", &[admin_token])?;
    write("staff.token", &[staff_token])?;
    Ok(())
}
