//! A load generator with the mini-program's mix: mostly reads (needs, balance, recommended,
//! offers, inbox), some writes (posting needs, claims and completions, verifications,
//! redemptions), each client a person of its own. It reports throughput and latency
//! percentiles per endpoint. `Mix::Healthz` measures the HTTP layer alone.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use uuid::Uuid;

use crate::{ApiFailure, Client};
use canglong_openapi::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mix {
    Realistic,
    Healthz,
}

/// One endpoint's figures.
#[derive(Debug, Clone, Default)]
pub struct Line {
    pub requests: usize,
    /// 2xx.
    pub ok: usize,
    /// 4xx the product answers by design (e.g. a need someone else claimed first).
    pub refused: usize,
    /// 5xx and transport failures.
    pub errors: usize,
    latencies_ms: Vec<f64>,
}

impl Line {
    pub fn percentile(&self, p: f64) -> f64 {
        let mut v = self.latencies_ms.clone();
        v.sort_by(f64::total_cmp);
        if v.is_empty() {
            return 0.0;
        }
        v[(((v.len() - 1) as f64) * p).round() as usize]
    }
}

#[derive(Debug, Clone, Default)]
pub struct LoadReport {
    pub clients: usize,
    pub seconds: f64,
    pub endpoints: BTreeMap<&'static str, Line>,
    /// Every write the server acknowledged (2xx): what it is and its id, for checking afterwards
    /// that each is stored, once.
    pub acknowledged: Vec<(&'static str, Uuid)>,
    /// Times a client found its server unreachable and moved to the next one.
    pub moved: usize,
}

impl LoadReport {
    pub fn total(&self) -> Line {
        let mut t = Line::default();
        for l in self.endpoints.values() {
            t.requests += l.requests;
            t.ok += l.ok;
            t.refused += l.refused;
            t.errors += l.errors;
            t.latencies_ms.extend(&l.latencies_ms);
        }
        t
    }
}

impl std::fmt::Display for LoadReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "{} clients, {:.0} s\n{:<40} {:>8} {:>8} {:>6} {:>6} {:>8} {:>8} {:>8}",
            self.clients,
            self.seconds,
            "endpoint",
            "requests",
            "req/s",
            "4xx",
            "errors",
            "p50_ms",
            "p95_ms",
            "p99_ms"
        )?;
        let total = self.total();
        for (name, l) in self
            .endpoints
            .iter()
            .map(|(k, v)| (*k, v))
            .chain([("TOTAL", &total)])
        {
            writeln!(
                f,
                "{:<40} {:>8} {:>8.1} {:>6} {:>6} {:>8.2} {:>8.2} {:>8.2}",
                name,
                l.requests,
                l.requests as f64 / self.seconds,
                l.refused,
                l.errors,
                l.percentile(0.50),
                l.percentile(0.95),
                l.percentile(0.99)
            )?;
        }
        Ok(())
    }
}

/// The people the clients act as, made before the clock starts.
pub struct Cast {
    residents: Vec<Client>,
    /// Every fourth client is also a volunteer (a rider).
    volunteers: Vec<bool>,
    worker: Client,
    offer: Uuid,
}

fn err(step: &str) -> impl Fn(ApiFailure) -> String + '_ {
    move |e| format!("{step}: {e}")
}

/// Signs in `clients` residents through WeChat (the server must point at a fake), approves every
/// fourth as a volunteer, gives everyone points, and opens a cheap, plentiful offer to redeem.
pub async fn cast(base: &str, password: &str, clients: usize) -> Result<Cast, String> {
    let anon = Client::new(base);
    let admin = anon.with_token(
        &anon
            .sign_in_password("admin", password)
            .await
            .map_err(err("admin sign-in"))?
            .access_token,
    );
    let worker = anon.with_token(
        &anon
            .sign_in_password("sw_li", password)
            .await
            .map_err(err("sw_li sign-in"))?
            .access_token,
    );
    let community = admin.me().await.map_err(err("me"))?.community_id;
    let run = Uuid::now_v7().simple().to_string()[..10].to_string();
    let mut residents = Vec::new();
    let mut volunteers = Vec::new();
    for i in 0..clients {
        let code = format!("load-{run}-{i}");
        let t = anon
            .sign_in_wechat(&code, community)
            .await
            .map_err(err("WeChat sign-in"))?;
        let c = anon.with_token(&t.access_token);
        // As the mini-program asks each person: WeChat messages for their needs and services.
        c.subscribe(&[
            "need_claimed",
            "need_completed",
            "need_confirmed",
            "service_verified",
        ])
        .await
        .map_err(err("subscribe"))?;
        let volunteer = i % 4 == 0;
        if volunteer {
            let v = c
                .apply_volunteer(&VolunteerApplication {
                    skills: vec![],
                    availability: Availability::Flexible,
                    places: vec![],
                    team_ids: vec![],
                })
                .await
                .map_err(err("apply"))?;
            admin
                .decide_volunteer(v.id, true, None)
                .await
                .map_err(err("approve"))?;
        }
        let account = admin
            .balance(Some(t.user.id))
            .await
            .map_err(err("balance"))?
            .account_id;
        admin
            .adjust_points(
                &AdjustmentRequest {
                    account_id: account,
                    amount: 100_000,
                    reason: "load test".into(),
                },
                Some(&format!("load-{run}-fund-{i}")),
            )
            .await
            .map_err(err("fund"))?;
        residents.push(c);
        volunteers.push(volunteer);
    }
    let offer = plentiful_offer(&admin, format!("压测券 {run}")).await?;
    Ok(Cast {
        residents,
        volunteers,
        worker,
        offer,
    })
}

/// A community offer of 1 point whose stock and per-person limit no run exhausts, approved.
pub(crate) async fn plentiful_offer(admin: &Client, title: String) -> Result<Uuid, String> {
    let offer = admin
        .create_offer(&NewOffer {
            provider: Some("community".into()),
            kind: OfferKind::Coupon,
            title,
            description: String::new(),
            points_cost: 1,
            stock: 1_000_000,
            per_user_limit: 1_000_000,
            valid_from: Utc::now() - chrono::Duration::minutes(1),
            valid_to: Utc::now() + chrono::Duration::days(1),
            voucher_valid_days: 1,
            session_id: None,
        })
        .await
        .map_err(err("offer"))?;
    admin
        .review_offer(offer.id, true, None)
        .await
        .map_err(err("review offer"))?;
    Ok(offer.id)
}

/// A tiny xorshift: each client's own sequence of choices.
struct Dice(u64);

impl Dice {
    fn roll(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % 100
    }
}

pub(crate) fn need() -> NewNeed {
    let start = Utc::now();
    NewNeed {
        category: Category::MedicineRun,
        target_group: TargetGroup::Elderly,
        title: "代买药".into(),
        description: String::new(),
        place: "5栋".into(),
        window_start: start,
        window_end: start + chrono::Duration::hours(6),
        estimated_minutes: 15,
        slots: 1,
        on_behalf_of: None,
    }
}

/// One request: the endpoint, its time, the status of a failure, whether the server could not
/// be reached at all, and the write it acknowledged.
struct Sample {
    name: &'static str,
    took: Duration,
    outcome: Result<(), u16>,
    unreachable: bool,
    acknowledged: Option<(&'static str, Uuid)>,
}

impl Sample {
    /// Records the write this request made (if it succeeded).
    fn wrote(mut self, what: &'static str, id: Option<Uuid>) -> Self {
        self.acknowledged = id.map(|id| (what, id));
        self
    }
}

async fn timed<T>(
    name: &'static str,
    f: impl std::future::Future<Output = Result<T, ApiFailure>>,
) -> (Sample, Option<T>) {
    let t = Instant::now();
    let r = f.await;
    let took = t.elapsed();
    let sample = |outcome, unreachable| Sample {
        name,
        took,
        outcome,
        unreachable,
        acknowledged: None,
    };
    match r {
        Ok(v) => (sample(Ok(()), false), Some(v)),
        Err(e) => (
            sample(Err(e.status.as_u16()), e.code() == "client_unreachable"),
            None,
        ),
    }
}

/// One client's turn at `base`: picks an operation by the mix and returns what it measured.
async fn turn(who: usize, base: &str, cast: &Cast, dice: &mut Dice, seq: &mut u64) -> Vec<Sample> {
    let (c, volunteer) = (&cast.residents[who].on(base), cast.volunteers[who]);
    let worker = cast.worker.on(base);
    let roll = dice.roll();
    *seq += 1;
    let key = format!("{}-{}", Uuid::now_v7(), seq);
    match roll {
        0..=29 => vec![
            timed("GET /needs", c.list_needs(&NeedQuery::default()))
                .await
                .0,
        ],
        30..=44 => vec![timed("GET /points/balance", c.balance(None)).await.0],
        45..=59 if volunteer => vec![
            timed("GET /needs/recommended", c.recommended_needs())
                .await
                .0,
        ],
        45..=69 => vec![
            timed("GET /offers", c.list_offers(&OfferQuery::default()))
                .await
                .0,
        ],
        70..=79 => vec![timed("GET /notifications", c.notifications()).await.0],
        80..=87 => {
            let (s, made) = timed("POST /needs", c.create_need(&need())).await;
            vec![s.wrote("need", made.map(|n| n.id))]
        }
        88..=93 if volunteer => {
            // A rider takes the first open micro-service and reports it done.
            let (s, list) = timed("GET /needs/recommended", c.recommended_needs()).await;
            let mut out = vec![s];
            let Some(n) = list.and_then(|l| l.items.into_iter().next()) else {
                return out;
            };
            let (s, claimed) = timed(
                "POST /needs/{id}/claims",
                c.claim_need(n.need.id, Some(&key)),
            )
            .await;
            let claim = claimed.map(|c| c.id);
            out.push(s.wrote("claim", claim));
            if claim.is_some() {
                // Reported as just done: a service begins after its need was posted, so in a
                // run of seconds a rider's reports overlap and most are refused by design.
                let body = CompletionRequest {
                    minutes: 1,
                    started_at: None,
                    note: String::new(),
                };
                let (s, done) = timed(
                    "POST /needs/{id}/completion",
                    c.complete_need(n.need.id, &body, Some(&format!("{key}-done"))),
                )
                .await;
                out.push(s.wrote("record", done.map(|d| d.service_record.id)));
            }
            out
        }
        88..=90 => vec![
            timed(
                "GET /needs?mine=true",
                c.list_needs(&NeedQuery {
                    mine: Some(true),
                    ..Default::default()
                }),
            )
            .await
            .0,
        ],
        91..=93 => {
            // The social worker verifies a waiting record.
            let q = ServiceRecordQuery {
                status: Some(canglong_openapi::RecordStatus::Pending),
                limit: Some(100),
                ..Default::default()
            };
            let (s, page) = timed("GET /service-records", worker.list_service_records(&q)).await;
            let mut out = vec![s];
            // One of the waiting records (several clients share the one social worker).
            let pick = dice.roll() as usize;
            if let Some(r) = page.and_then(|p| {
                let n = p.items.len();
                p.items.into_iter().nth(pick % n.max(1))
            }) {
                let body = VerificationRequest {
                    approved_minutes: r.minutes_reported,
                    quality: Quality::Pass,
                    note: None,
                };
                let (s, verified) = timed(
                    "POST /service-records/{id}/verification",
                    worker.verify_service_record(r.id, &body, Some(&key)),
                )
                .await;
                out.push(s.wrote("verified", verified.map(|_| r.id)));
            }
            out
        }
        _ => {
            let (s, voucher) = timed(
                "POST /offers/{id}/redemptions",
                c.redeem_offer(cast.offer, Some(&key)),
            )
            .await;
            vec![s.wrote("voucher", voucher.map(|v| v.id))]
        }
    }
}

/// Runs the mix for `duration` with `clients` at once, spread over `bases` (the servers of
/// one deployment, client i starting at server i mod n). A client that cannot reach its server
/// moves to the next, as a front would send it.
pub async fn run(
    bases: &[String],
    cast: Option<Arc<Cast>>,
    mix: Mix,
    clients: usize,
    duration: Duration,
) -> LoadReport {
    let started = Instant::now();
    let deadline = started + duration;
    let mut tasks = Vec::new();
    let bases: Arc<Vec<String>> = Arc::new(bases.to_vec());
    for i in 0..clients {
        let (cast, bases) = (cast.clone(), bases.clone());
        tasks.push(tokio::spawn(async move {
            let mut samples: Vec<Sample> = Vec::new();
            let mut dice =
                Dice(0x9E37_79B9_7F4A_7C15 ^ (i as u64 + 1).wrapping_mul(0x2545_F491_4F6C_DD1D));
            let mut seq = 0;
            let mut at = i % bases.len().max(1);
            let anonymous: Vec<Client> = bases.iter().map(|b| Client::new(b)).collect();
            while Instant::now() < deadline {
                let base = &bases[at];
                let took = match (&cast, mix) {
                    (Some(cast), Mix::Realistic) => {
                        let who = i % cast.residents.len();
                        turn(who, base, cast, &mut dice, &mut seq).await
                    }
                    _ => vec![timed("GET /healthz", anonymous[at].healthz()).await.0],
                };
                if took.iter().any(|s| s.unreachable) {
                    at = (at + 1) % bases.len();
                }
                samples.extend(took);
            }
            samples
        }));
    }
    let mut report = LoadReport {
        clients,
        ..Default::default()
    };
    for t in tasks {
        for s in t.await.unwrap_or_default() {
            report.moved += usize::from(s.unreachable);
            report.acknowledged.extend(s.acknowledged);
            let line = report.endpoints.entry(s.name).or_default();
            line.requests += 1;
            line.latencies_ms.push(s.took.as_secs_f64() * 1000.0);
            match s.outcome {
                Ok(()) => line.ok += 1,
                Err(s) if (400..500).contains(&s) && s != 408 => line.refused += 1,
                Err(_) => line.errors += 1,
            }
        }
    }
    report.seconds = started.elapsed().as_secs_f64();
    report
}
