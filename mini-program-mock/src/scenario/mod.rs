//! "A day in Canglong": the mini-program's users, against a server running the demo (`canglong
//! serve --demo`) whose WeChat base URL points at a fake WeChat. Elderly residents post needs,
//! riders claim micro-services between deliveries, a retired teacher teaches the phone and a
//! class, the social worker verifies, points are credited, riders redeem at merchants who verify
//! the vouchers, a parent enrols a child with points, suggestions come in — then the invariants
//! are checked and a summary printed. Every run uses new WeChat codes, so runs can repeat.

use std::collections::HashMap;

use chrono::{Duration, Utc};
use uuid::Uuid;

use crate::Client;
use canglong_openapi::*;

mod governance;
mod life;

#[derive(Debug, Clone)]
pub struct Config {
    pub base: String,
    /// The demo staff's password.
    pub password: String,
    pub elderly: usize,
    pub riders: usize,
}

/// What the day did, and the invariants checked at its end.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    pub needs_posted: usize,
    pub micro_services: usize,
    pub records_verified: usize,
    pub points_credited: i64,
    pub vouchers_redeemed: usize,
    pub vouchers_used: usize,
    pub vouchers_refused_to_other_merchants: usize,
    /// Redeemed for another shop and kept for a later visit.
    pub vouchers_kept: usize,
    pub seats_enrolled: usize,
    pub checkins: usize,
    pub suggestions: usize,
    /// Elders without a phone, registered by their building head, whom a rider visited.
    pub elders_visited: usize,
    /// Riders' scans at 夏小驿.
    pub station_visits: usize,
    /// People on the calligraphy society's roll.
    pub attendance: usize,
    /// Ballots in the 十佳好家规 vote.
    pub ballots: usize,
    /// Topics raised, seconds given, and ballots in the day's poll (自治线).
    pub topics_raised: usize,
    pub seconds: usize,
    pub governance_ballots: usize,
    /// (invariant, holds)
    pub checks: Vec<(String, bool)>,
}

impl Summary {
    pub fn ok(&self) -> bool {
        self.checks.iter().all(|(_, ok)| *ok)
    }

    fn check(&mut self, what: impl Into<String>, holds: bool) {
        self.checks.push((what.into(), holds));
    }
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "A day in Canglong")?;
        writeln!(f, "  needs posted            {}", self.needs_posted)?;
        writeln!(f, "  micro-services by riders {}", self.micro_services)?;
        writeln!(f, "  service records verified {}", self.records_verified)?;
        writeln!(f, "  points credited         {}", self.points_credited)?;
        writeln!(
            f,
            "  vouchers redeemed / used {} / {}",
            self.vouchers_redeemed, self.vouchers_used
        )?;
        writeln!(
            f,
            "  refused to other shops  {}",
            self.vouchers_refused_to_other_merchants
        )?;
        writeln!(f, "  kept for a later visit  {}", self.vouchers_kept)?;
        writeln!(f, "  class seats with points {}", self.seats_enrolled)?;
        writeln!(f, "  check-ins               {}", self.checkins)?;
        writeln!(f, "  suggestions             {}", self.suggestions)?;
        writeln!(f, "  phoneless elders visited {}", self.elders_visited)?;
        writeln!(f, "  riders at 夏小驿          {}", self.station_visits)?;
        writeln!(f, "  at the calligraphy class {}", self.attendance)?;
        writeln!(f, "  好家规 ballots            {}", self.ballots)?;
        writeln!(
            f,
            "  topics raised / seconds  {} / {}",
            self.topics_raised, self.seconds
        )?;
        writeln!(f, "  ballots in the day's poll {}", self.governance_ballots)?;
        for (what, ok) in &self.checks {
            writeln!(f, "  [{}] {what}", if *ok { "ok" } else { "FAILED" })?;
        }
        Ok(())
    }
}

fn fail(step: &str) -> impl Fn(crate::ApiFailure) -> String + '_ {
    move |e| format!("{step}: {e}")
}

fn key(run: &str, what: &str) -> String {
    format!("scenario-{run}-{what}")
}

async fn staff(base: &str, username: &str, password: &str) -> Result<Client, String> {
    let anon = Client::new(base);
    let t = anon
        .sign_in_password(username, password)
        .await
        .map_err(|e| format!("sign in {username} (is the demo loaded?): {e}"))?;
    Ok(anon.with_token(&t.access_token))
}

async fn resident(base: &str, code: &str, community: Uuid) -> Result<Client, String> {
    let anon = Client::new(base);
    let t = anon
        .sign_in_wechat(code, community)
        .await
        .map_err(|e| format!("WeChat sign-in (is the server's WeChat base the fake?): {e}"))?;
    Ok(anon.with_token(&t.access_token))
}

/// Posted in the morning's words: help wanted from six hours ago until tomorrow.
fn need(category: Category, title: &str, minutes: i32) -> NewNeed {
    let start = Utc::now() - Duration::hours(6);
    NewNeed {
        category,
        target_group: TargetGroup::Elderly,
        title: title.into(),
        description: String::new(),
        place: "藏龙小区3栋".into(),
        window_start: start,
        window_end: start + Duration::hours(30),
        estimated_minutes: minutes,
        slots: 1,
        on_behalf_of: None,
    }
}

pub async fn run(cfg: &Config) -> Result<Summary, String> {
    let run = Uuid::now_v7().simple().to_string()[..12].to_string();
    let base = cfg.base.as_str();
    let mut s = Summary::default();
    let admin = staff(base, "admin", &cfg.password).await?;
    let worker = staff(base, "sw_li", &cfg.password).await?;
    let shop = staff(base, "merchant", &cfg.password).await?;
    let teacher = staff(base, "teacher_zhang", &cfg.password).await?;
    let community = admin.me().await.map_err(fail("me"))?.community_id;

    // Morning: the elderly sign in through WeChat and post what they need.
    let mut elderly = Vec::new();
    for i in 0..cfg.elderly {
        elderly.push(resident(base, &format!("elder-{run}-{i}"), community).await?);
    }
    let mut needs: Vec<(Uuid, usize, bool)> = Vec::new();
    for (i, e) in elderly.iter().enumerate() {
        let micro = e
            .create_need(&need(Category::MedicineRun, "代买降压药", 15))
            .await
            .map_err(fail("post a medicine run"))?;
        let phone = e
            .create_need(&need(Category::PhoneHelp, "教我用手机挂号", 40))
            .await
            .map_err(fail("post phone help"))?;
        needs.push((micro.id, i, true));
        needs.push((phone.id, i, false));
    }
    s.needs_posted = needs.len();

    // Riders join (approved by the community admin) and claim micro-services between deliveries.
    let mut riders = Vec::new();
    for i in 0..cfg.riders {
        let code = format!("rider-{run}-{i}");
        let r = resident(base, &code, community).await?;
        let v = r
            .apply_volunteer(&VolunteerApplication {
                skills: vec![],
                availability: Availability::Flexible,
                places: vec![],
                team_ids: vec![],
            })
            .await
            .map_err(fail("rider applies"))?;
        admin
            .decide_volunteer(v.id, true, Some("欢迎加入红骑侠"))
            .await
            .map_err(fail("approve rider"))?;
        riders.push(resident(base, &code, community).await?);
    }
    let mut served_by: HashMap<Uuid, Client> = HashMap::new();
    let micro: Vec<Uuid> = needs.iter().filter(|n| n.2).map(|n| n.0).collect();
    for (i, id) in micro.iter().enumerate() {
        let rider = &riders[i % riders.len()];
        let fits = rider
            .recommended_needs()
            .await
            .map_err(fail("recommended"))?;
        let pick = fits
            .items
            .iter()
            .find(|r| r.need.id == *id)
            .map_or(*id, |r| r.need.id);
        rider
            .claim_need(pick, Some(&key(&run, &format!("claim-{pick}"))))
            .await
            .map_err(fail("rider claims"))?;
        rider
            .complete_need(
                pick,
                &CompletionRequest {
                    minutes: 15,
                    // Between deliveries this morning: each of a rider's services in its own
                    // quarter hour, inside the need's window.
                    started_at: Some(
                        Utc::now() - Duration::hours(5)
                            + Duration::minutes(20 * (i / riders.len()) as i64),
                    ),
                    note: "送到了".into(),
                },
                Some(&key(&run, &format!("done-{pick}"))),
            )
            .await
            .map_err(fail("rider completes"))?;
        served_by.insert(pick, rider.clone());
        s.micro_services += 1;
    }
    // 陈师傅, head of 3栋, registers a neighbour who has no phone and posts for her; a rider
    // brings her medicine; her care history shows who came.
    if let Some(rider) = riders.first() {
        elder_visited(base, &cfg.password, &run, rider, &mut s).await?;
    }
    // The retired teacher teaches the phone.
    let phone: Vec<Uuid> = needs.iter().filter(|n| !n.2).map(|n| n.0).collect();
    // Earlier days' lessons are already on the record: today's go before them, never overlapping.
    let earlier = teacher
        .list_service_records(&ServiceRecordQuery {
            limit: Some(100),
            ..Default::default()
        })
        .await
        .map_err(fail("teacher's records"))?
        .items
        .len();
    for (n, id) in phone.iter().enumerate() {
        let i = n + earlier;
        teacher
            .claim_need(*id, Some(&key(&run, &format!("claim-{id}"))))
            .await
            .map_err(fail("teacher claims"))?;
        // Each lesson in its own slot of the morning, after the earlier days' ones on this
        // server: one person's service minutes never overlap, and all fall in the needs' window.
        let started = Utc::now() - Duration::hours(5) + Duration::minutes(21 * i as i64);
        teacher
            .complete_need(
                *id,
                &CompletionRequest {
                    minutes: 20,
                    started_at: Some(started),
                    note: "学会了".into(),
                },
                Some(&key(&run, &format!("done-{id}"))),
            )
            .await
            .map_err(fail("teacher completes"))?;
        served_by.insert(*id, teacher.clone());
    }
    // The elderly confirm and rate.
    for (id, who, _) in &needs {
        elderly[*who]
            .confirm_need(*id)
            .await
            .map_err(fail("confirm"))?;
        elderly[*who]
            .rate_need(
                *id,
                &RatingRequest {
                    stars: 5,
                    tags: vec!["准时".into()],
                    comment: String::new(),
                },
            )
            .await
            .map_err(fail("rate"))?;
    }

    // The social worker verifies the day's records: points are credited.
    let mut verified = 0;
    loop {
        let pending = worker
            .list_service_records(&ServiceRecordQuery {
                status: Some(canglong_openapi::RecordStatus::Pending),
                limit: Some(100),
                ..Default::default()
            })
            .await
            .map_err(fail("pending records"))?;
        let mine: Vec<_> = pending
            .items
            .iter()
            .filter(|r| r.need_id.is_some_and(|n| served_by.contains_key(&n)))
            .collect();
        if mine.is_empty() {
            break;
        }
        for r in mine {
            let v = worker
                .verify_service_record(
                    r.id,
                    &VerificationRequest {
                        approved_minutes: r.minutes_reported,
                        quality: Quality::Pass,
                        note: None,
                    },
                    Some(&key(&run, &format!("verify-{}", r.id))),
                )
                .await
                .map_err(fail("verify"))?;
            s.points_credited += v.transaction.as_ref().map_or(0, |t| {
                t.postings
                    .iter()
                    .filter(|p| p.amount > 0)
                    .map(|p| p.amount)
                    .sum::<i64>()
            });
            verified += 1;
        }
    }
    s.records_verified = verified;

    // Afternoon: riders spend points at the alliance's shops; the shop verifies what is its own.
    let offers = riders[0]
        .list_offers(&OfferQuery::default())
        .await
        .map_err(fail("offers"))?;
    let mut seen_merchants = std::collections::HashSet::new();
    let shop_offers: Vec<&Offer> = offers
        .items
        .iter()
        .filter(|o| o.merchant_id.is_some() && seen_merchants.insert(o.merchant_id))
        .collect();
    let own_shop = shop.me().await.map_err(fail("clerk me"))?.merchant_id;
    if own_shop.is_none() {
        return Err("the demo clerk `merchant` is bound to no shop".into());
    }
    for (i, rider) in riders.iter().enumerate() {
        let me = rider.me().await.map_err(fail("rider me"))?;
        let need_points: i64 = shop_offers.iter().map(|o| o.points_cost).sum();
        if me.points_balance < need_points {
            // Top-up from the community pool, recorded as an adjustment with its reason.
            let account = admin
                .balance(Some(me.id))
                .await
                .map_err(fail("balance"))?
                .account_id;
            admin
                .adjust_points(
                    &AdjustmentRequest {
                        account_id: account,
                        amount: need_points - me.points_balance,
                        reason: "演示：补足兑换积分".into(),
                    },
                    Some(&key(&run, &format!("topup-{i}"))),
                )
                .await
                .map_err(fail("top-up"))?;
        }
        for o in &shop_offers {
            let v = match rider
                .redeem_offer(o.id, Some(&key(&run, &format!("redeem-{i}-{}", o.id))))
                .await
            {
                Ok(v) => v,
                Err(e) if matches!(e.code(), "out_of_stock" | "limit_reached") => continue,
                Err(e) => return Err(format!("redeem: {e}")),
            };
            s.vouchers_redeemed += 1;
            // The clerk scans the vouchers of their own shop. Once a day someone shows another
            // shop's voucher at this counter: it is refused (404) and stays valid.
            let own = v.merchant_id == own_shop;
            if !own && (i > 0 || s.vouchers_refused_to_other_merchants > 0) {
                s.vouchers_kept += 1;
                continue;
            }
            match shop
                .use_voucher(&v.code, Some(&key(&run, &format!("use-{}", v.id))))
                .await
            {
                Ok(used) if own => {
                    s.vouchers_used += usize::from(used.status == VoucherStatus::Used);
                }
                Ok(_) => return Err("a shop used another shop's voucher".into()),
                Err(e) if e.status.as_u16() == 404 && !own => {
                    s.vouchers_refused_to_other_merchants += 1;
                    s.vouchers_kept += 1;
                }
                Err(e) => return Err(format!("use voucher: {e}")),
            }
        }
    }

    // A parent enrols a child in 童心筑梦 with points, and they check in at the door.
    let parent = resident(base, &format!("parent-{run}"), community).await?;
    let child = parent
        .add_child(&NewChild {
            nickname: "小宝".into(),
            birth_year: 2018,
        })
        .await
        .map_err(fail("add child"))?
        .items[0]
        .id;
    let demo_seat = offers.items.iter().find(|o| o.session_id.is_some());
    let seat = match demo_seat {
        Some(o) => Some(todays_class(&admin, o, &run).await?),
        None => None,
    };
    if let Some(seat) = seat.as_ref() {
        let parent_id = parent.me().await.map_err(fail("parent me"))?.id;
        let account = admin
            .balance(Some(parent_id))
            .await
            .map_err(fail("balance"))?
            .account_id;
        admin
            .adjust_points(
                &AdjustmentRequest {
                    account_id: account,
                    amount: seat.points_cost,
                    reason: "演示：亲子积分".into(),
                },
                Some(&key(&run, "parent-points")),
            )
            .await
            .map_err(fail("parent points"))?;
        match parent
            .redeem_seat(seat.id, vec![child], &key(&run, "seat"))
            .await
        {
            Ok(_) => {
                s.seats_enrolled += 1;
                let session = seat.session_id.unwrap_or_default();
                let code = admin
                    .checkin_code(session)
                    .await
                    .map_err(fail("door code"))?;
                parent
                    .check_in(session, &code.code)
                    .await
                    .map_err(fail("check in"))?;
                s.checkins += 1;
                let teacher_volunteer = teacher
                    .me()
                    .await
                    .map_err(fail("teacher me"))?
                    .volunteer
                    .map(|v| v.id);
                if let Some(v) = teacher_volunteer {
                    let _ = admin.record_session_volunteers(session, vec![v]).await;
                }
            }
            Err(e) if matches!(e.code(), "out_of_stock" | "session_full" | "limit_reached") => {}
            Err(e) => return Err(format!("seat: {e}")),
        }
    }

    // Evening: suggestions come in; the social worker answers one.
    for (i, e) in elderly.iter().enumerate().take(3) {
        let category = [
            SuggestionCategory::CourseWanted,
            SuggestionCategory::UrgentService,
            SuggestionCategory::Other,
        ][i];
        let made = e
            .create_suggestion(&NewSuggestion {
                category,
                text: [
                    "希望开设防诈骗课程",
                    "需要上门助浴服务",
                    "活动中心开放时间延长",
                ][i]
                    .into(),
                anonymous: i == 1,
                merchant_id: None,
                project_id: None,
                source: None,
            })
            .await
            .map_err(fail("suggestion"))?;
        s.suggestions += 1;
        if i == 0 {
            worker
                .respond_suggestion(
                    made.id,
                    &SuggestionResponse {
                        status: SuggestionStatus::Adopted,
                        response: "下月开课".into(),
                    },
                )
                .await
                .map_err(fail("answer"))?;
        }
    }

    let leader = staff(base, "leader_hu", &cfg.password).await?;
    life::day(&mut s, &admin, &leader, &riders, &elderly).await?;
    governance::day(&mut s, base, &cfg.password, &admin, &worker, &elderly).await?;
    check(&mut s, &admin, &needs, &elderly, &riders, &parent).await?;
    Ok(s)
}

/// A phoneless elder registered by her building head (paper consent), a need he posts for her,
/// a rider's visit, and her care history.
async fn elder_visited(
    base: &str,
    password: &str,
    run: &str,
    rider: &Client,
    s: &mut Summary,
) -> Result<(), String> {
    let head = staff(base, "head_chen", password).await?;
    let building = head
        .list_buildings(&PageQuery::default())
        .await
        .map_err(fail("the head's buildings"))?
        .items
        .first()
        .map(|b| b.id)
        .ok_or("the head has no building")?;
    let elder = head
        .register_resident(&NewResident {
            name: format!("孙奶奶{}", &run[..4]),
            building_id: Some(building),
            unit: "2单元".into(),
            room: "402".into(),
            phone: None,
            tags: vec![
                ResidentTag::Elderly,
                ResidentTag::LivingAlone,
                ResidentTag::NoPhone,
            ],
            consent: ConsentGiven {
                method: ConsentMethod::Paper,
                given_by: None,
            },
        })
        .await
        .map_err(fail("the head registers an elder"))?;
    let mut n = need(Category::MedicineRun, "代买降压药", 15);
    n.on_behalf_of = Some(elder.id);
    let posted = head
        .create_need(&n)
        .await
        .map_err(fail("the head posts for her"))?;
    rider
        .claim_need(posted.id, Some(&key(run, "claim-elder")))
        .await
        .map_err(fail("a rider claims her need"))?;
    rider
        .complete_need(
            posted.id,
            &CompletionRequest {
                minutes: 15,
                started_at: Some(Utc::now() - Duration::minutes(20)),
                note: "药已送到，老人已服药".into(),
            },
            Some(&key(run, "done-elder")),
        )
        .await
        .map_err(fail("the rider reports the visit"))?;
    head.confirm_need(posted.id)
        .await
        .map_err(fail("the head confirms"))?;
    let care = head
        .resident_care(elder.id)
        .await
        .map_err(fail("her care history"))?;
    let rider_name = rider.me().await.map_err(fail("me"))?.nickname;
    let seen = care
        .services
        .iter()
        .any(|c| c.need_id == Some(posted.id) && c.volunteer_name == rider_name);
    s.check(
        "the elder registered by her building head has the rider's visit in her care history",
        seen && care.last_visit.is_some(),
    );
    s.elders_visited += usize::from(seen);
    Ok(())
}

/// The demo's classes start next week, and a door code works only while a class is on: staff
/// open today's class of the same project, with seats for points like the demo's.
async fn todays_class(admin: &Client, demo: &Offer, run: &str) -> Result<Offer, String> {
    let sessions = admin
        .list_sessions(&SessionQuery::default())
        .await
        .map_err(fail("sessions"))?;
    let project = sessions
        .items
        .iter()
        .find(|x| Some(x.id) == demo.session_id)
        .map(|x| x.project_id)
        .ok_or("the demo's seat names no listed session")?;
    let starts = Utc::now() - Duration::minutes(5);
    let class = admin
        .create_session(
            project,
            &NewSession {
                title: format!("今日亲子课堂 {run}"),
                package_id: None,
                starts_at: starts,
                ends_at: starts + Duration::hours(2),
                room_id: None,
                place: "活动中心".into(),
                capacity: 10,
                enrol_from: starts - Duration::days(1),
                enrol_to: starts + Duration::hours(1),
                volunteer_slots: 2,
                attendance_points: 5,
            },
        )
        .await
        .map_err(fail("today's class"))?;
    let offer = admin
        .create_offer(&NewOffer {
            provider: None,
            kind: OfferKind::CourseSeat,
            title: class.title.clone(),
            description: demo.description.clone(),
            points_cost: demo.points_cost,
            stock: 5,
            per_user_limit: 1,
            valid_from: starts,
            valid_to: starts + Duration::hours(1),
            voucher_valid_days: 1,
            session_id: Some(class.id),
        })
        .await
        .map_err(fail("today's seats"))?;
    admin
        .review_offer(offer.id, true, None)
        .await
        .map_err(fail("approve today's seats"))
}

/// The invariants at the end of the day.
async fn check(
    s: &mut Summary,
    admin: &Client,
    needs: &[(Uuid, usize, bool)],
    elderly: &[Client],
    riders: &[Client],
    parent: &Client,
) -> Result<(), String> {
    let r = admin
        .reconciliation()
        .await
        .map_err(fail("reconciliation"))?;
    s.check(
        "the ledger reconciles (postings sum to 0)",
        r.postings_sum == 0,
    );
    s.check(
        "every stored balance equals its postings",
        r.mismatches.is_empty(),
    );
    s.check(
        "every transaction balances",
        r.unbalanced_transactions.is_empty(),
    );
    s.check(
        "every verified record was credited",
        r.uncredited_records.is_empty(),
    );
    s.check(
        "the value chain holds: vouchers, seats, bonuses, attendance and credits",
        r.chain.iter().all(|c| c.ids.is_empty()),
    );
    // Every point accounted for: each person's balance is the sum of their history.
    let mut accounted = true;
    for c in elderly.iter().chain(riders).chain([parent]) {
        let balance = c.balance(None).await.map_err(fail("balance"))?.balance;
        let mut sum = 0;
        let mut cursor = None;
        loop {
            let page = c
                .transactions(&TransactionQuery {
                    account_id: None,
                    cursor: cursor.clone(),
                    limit: Some(100),
                })
                .await
                .map_err(fail("history"))?;
            sum += page.items.iter().map(|p| p.amount).sum::<i64>();
            cursor = page.next_cursor;
            if cursor.is_none() {
                break;
            }
        }
        accounted &= balance == sum && balance >= 0;
    }
    s.check(
        "each person's balance is the sum of their history, never negative",
        accounted,
    );
    let mut settled = true;
    for (id, who, _) in needs {
        let d = elderly[*who].get_need(*id).await.map_err(fail("need"))?;
        let n = &d.need;
        let active = d
            .claims
            .iter()
            .filter(|c| c.status == canglong_openapi::ClaimStatus::Active)
            .count() as i32;
        settled &= n.status == NeedStatus::Confirmed
            && n.slots_taken == active
            && n.slots_taken <= n.slots
            && d.claims
                .iter()
                .filter(|c| c.status == canglong_openapi::ClaimStatus::Active)
                .all(|c| c.completed_at.is_some());
    }
    s.check(
        "every need ended confirmed, with its claims completed and no slot overbooked",
        settled,
    );
    s.check(
        "vouchers: each redeemed one was used at its own shop or kept; another shop refused it",
        s.vouchers_used + s.vouchers_kept == s.vouchers_redeemed
            && s.vouchers_refused_to_other_merchants <= s.vouchers_kept
            && s.vouchers_used > 0,
    );
    s.check(
        "points were credited for the verified hours",
        s.points_credited > 0,
    );
    Ok(())
}
