//! The review meetings' figures: the headline overview (also for integrators with
//! `stats:read`) and the tables behind it, as JSON or CSV. Staff see their community; a
//! subdistrict admin sees each community of the subdistrict and their sum.

use std::collections::HashMap;

use actix_web::{HttpResponse, get, web};
use canglong_core::{NaiveDateTime, Role, Uuid, now};
use canglong_openapi::{
    self as wire, CommunityHeadline, Format, Overview, ReportQuery, StatsQuery, StatsTable,
    StatsTableName,
};
use canglong_persistence::{AnyConnection, rollups, stats as store};
use canglong_stats as domain;
use canglong_stats::governance;
use canglong_stats::tables::{self, Cell, Table};
use utoipa_actix_web::service_config::ServiceConfig;

use super::{Problems, views};
use crate::analytics::stamped;
use crate::auth::{AnyBearer, Bearer};
use crate::report as page;
use crate::{ApiError, AppState, db};

pub fn configure(cfg: &mut ServiceConfig) {
    // The report first: `/stats/{table}` would take its path.
    cfg.service(report).service(overview).service(table);
}

/// The longest period one request may cover.
const MAX_PERIOD_DAYS: i64 = 366 * 5;

/// The communities the caller may see figures of, the one asked for, and whether the caller
/// sees a subdistrict.
fn scope(
    conn: &mut AnyConnection,
    caller: &Bearer,
    asked: Option<Uuid>,
) -> Result<(Vec<(Uuid, String)>, bool), ApiError> {
    let (home, subdistrict) = match caller {
        Bearer::Integrator(i) => {
            if !i.scopes.iter().any(|s| s == "stats:read") {
                return Err(ApiError::forbidden(
                    "insufficient_scope",
                    "this client lacks the stats:read scope",
                ));
            }
            (i.community_id, false)
        }
        Bearer::Person(a) => {
            a.require_staff()?;
            (a.community_id, a.has(Role::SubdistrictAdmin))
        }
    };
    let all: Vec<(Uuid, String)> = store::communities_of_subdistrict(conn, home)?
        .into_iter()
        .map(|(id, name)| (id.0, name))
        .filter(|(id, _)| subdistrict || *id == home)
        .collect();
    match asked {
        None => Ok((all, subdistrict)),
        Some(c) => {
            let one: Vec<_> = all.into_iter().filter(|(id, _)| *id == c).collect();
            if one.is_empty() {
                return Err(ApiError::not_found("community"));
            }
            Ok((one, false))
        }
    }
}

fn period(q: &StatsQuery) -> Result<(NaiveDateTime, NaiveDateTime), ApiError> {
    let to = q.to.map_or_else(now, |t| t.naive_utc());
    let from = q
        .from
        .map_or_else(|| domain::year_before(to, to).0, |t| t.naive_utc());
    if from >= to {
        return Err(ApiError::unprocessable(
            "invalid_period",
            "`from` must be before `to`",
        ));
    }
    if (to - from).num_days() > MAX_PERIOD_DAYS {
        return Err(ApiError::unprocessable(
            "invalid_period",
            "a period covers at most five years",
        ));
    }
    Ok((from, to))
}

/// The headline figures of `set`: the period and the year before are read side by side, each
/// on a connection of its own.
async fn headline(
    pool: &canglong_persistence::Pool,
    set: Vec<Uuid>,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> Result<wire::Headline, ApiError> {
    let (bf, bt) = domain::year_before(from, to);
    let earlier = set.clone();
    let (now, before) = futures_util::future::try_join(
        db::read(pool, move |c| Ok(rollups::facts(c, &set, from, to, true)?)),
        db::read(pool, move |c| {
            Ok(rollups::facts(c, &earlier, bf, bt, false)?)
        }),
    )
    .await?;
    let h = domain::headline(&now, &before);
    let f = |x: domain::Figure| wire::Figure {
        value: x.value,
        definition: x.definition.to_string(),
        numerator: x.numerator,
        denominator: x.denominator,
    };
    Ok(wire::Headline {
        participation_rate: f(h.participation_rate),
        participation_growth: f(h.participation_growth),
        service_precision: f(h.service_precision),
        service_precision_growth: f(h.service_precision_growth),
        continuation_rate: f(h.continuation_rate),
        elderly_person_times: f(h.elderly_person_times),
        parent_child_classes: f(h.parent_child_classes),
        peak_daily_visits: f(h.peak_daily_visits),
        volunteer_hours: f(h.volunteer_hours),
        active_volunteers: f(h.active_volunteers),
        long_term_volunteers: f(h.long_term_volunteers),
        points_issued: f(h.points_issued),
        points_redeemed: f(h.points_redeemed),
        activity_days: f(h.activity_days),
        association_weeks: f(h.association_weeks),
        station_visits: f(h.station_visits),
        campaign_participation: f(h.campaign_participation),
    })
}

/// The headline figures of `set` for the period and for the same period a year before (each
/// against its own year before), read side by side.
async fn headlines(
    pool: &canglong_persistence::Pool,
    set: Vec<Uuid>,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> Result<(domain::Headline, domain::Headline), ApiError> {
    let (bf, bt) = domain::year_before(from, to);
    let (bbf, bbt) = domain::year_before(bf, bt);
    let (a, b, c) = (set.clone(), set.clone(), set);
    let (now, before, earlier) = futures_util::future::try_join3(
        db::read(pool, move |x| Ok(rollups::facts(x, &a, from, to, true)?)),
        db::read(pool, move |x| Ok(rollups::facts(x, &b, bf, bt, true)?)),
        db::read(pool, move |x| Ok(rollups::facts(x, &c, bbf, bbt, false)?)),
    )
    .await?;
    Ok((
        domain::headline(&now, &before),
        domain::headline(&before, &earlier),
    ))
}

/// The review-meeting report: one printable page in Chinese — the headline figures with the
/// same period a year before and their definitions (the same as the overview's), charts and
/// the tables behind them (hours by month and team, needs by month with the median time to
/// claim, people served per target group, points issued and redeemed, merchants, suggestions
/// by theme), and the open problems to discuss. Staff; a subdistrict admin for all its
/// communities or one. To file it as a PDF, print the page (A4, black and white).
#[utoipa::path(tag = "stats", operation_id = "stats_report", params(ReportQuery),
    responses((status = 200, description = "The report as a self-contained HTML page",
        content((String = "text/html"))), Problems),
    security(("bearer" = [])))]
#[get("/stats/report")]
pub async fn report(
    state: web::Data<AppState>,
    caller: AnyBearer,
    q: web::Query<ReportQuery>,
) -> Result<HttpResponse, ApiError> {
    use askama::Template;
    let Bearer::Person(actor) = caller.0.clone() else {
        return Err(ApiError::forbidden(
            "forbidden_role",
            "the report is for community staff",
        ));
    };
    let q = q.into_inner();
    let (from, to) = period(&StatsQuery {
        from: q.from,
        to: q.to,
        ..Default::default()
    })?;
    let asked = q.community_id;
    let (set, _) = db::read(&state.pool, move |conn| scope(conn, &caller.0, asked)).await?;
    let src = state.analytics.pick(&state.pool).await;
    let ids: Vec<Uuid> = set.iter().map(|(id, _)| *id).collect();
    let community = set
        .iter()
        .map(|(_, name)| name.as_str())
        .collect::<Vec<_>>()
        .join("、");
    // The points by month read the most rows: on a connection of their own, beside the
    // headline figures and the other tables.
    let (a, b) = (ids.clone(), ids.clone());
    let points = db::read(&src.pool, move |conn| {
        let t = build(conn, "points", &a, from, to, "month")?;
        Ok(page::section(
            "六、积分发放与兑换（按月）",
            &t,
            "month",
            &["issued", "redeemed"],
        ))
    });
    let others = db::read(&src.pool, move |conn| {
        let mut t = |name: &str, by: &'static str| build(conn, name, &b, from, to, by);
        let sections = vec![
            page::section(
                "二、志愿服务时长（按月）",
                &t("volunteers", "month")?,
                "month",
                &["hours"],
            ),
            page::section(
                "三、志愿服务时长（按志愿队）",
                &t("volunteers", "team")?,
                "team",
                &["hours"],
            ),
            page::section(
                "四、需求发布、认领与完成（按月）",
                &t("needs", "month")?,
                "month",
                &["posted", "claimed", "fulfilled"],
            ),
            page::section(
                "五、服务对象（一老一小一新）",
                &t("served", "target_group")?,
                "target_group",
                &["person_times"],
            ),
            page::section(
                "七、联盟商户",
                &t("merchants", "none")?,
                "name",
                &["vouchers_issued", "vouchers_used"],
            ),
            page::section(
                "八、意见建议（按主题）",
                &t("suggestions", "category")?,
                "category",
                &["suggestions", "answered"],
            ),
            page::section(
                "九、文体社团（活动人次与开展周数）",
                &t("associations", "none")?,
                "name",
                &["person_times", "elderly"],
            ),
            page::section(
                "十、文明实践活动",
                &t("campaigns", "none")?,
                "title",
                &["signups", "pledges", "ballots_counted"],
            ),
            page::section(
                "十一、场馆与夏小驿（到访人次）",
                &t("places", "none")?,
                "service",
                &["visits"],
            ),
            page::section(
                "十二、居民议事（议题提出、办结与按期落实）",
                &t("topics", "month")?,
                "month",
                &["raised", "settled", "carried_out_on_time"],
            ),
            page::section(
                "十三、居民表决（投票率）",
                &t("polls", "none")?,
                "question",
                &["turnout_percent"],
            ),
        ];
        Ok((sections, open_problems(conn, &actor)?))
    });
    let ((now_h, before_h), points, (mut sections, problems)) =
        futures_util::future::try_join3(headlines(&src.pool, ids, from, to), points, others)
            .await?;
    sections.insert(4, points);
    let html = page::Report {
        community,
        period: format!(
            "{} 至 {}",
            canglong_core::local_clock(from),
            canglong_core::local_clock(to)
        ),
        generated: canglong_core::local_clock(now()),
        as_of: format!(
            "{}（{}）",
            canglong_core::local_clock(src.as_of),
            if src.replica {
                "只读副本"
            } else {
                "主库"
            }
        ),
        figures: page::figures(&now_h, &before_h),
        sections,
        problems,
    }
    .render()
    .map_err(|e| ApiError::bug(format!("the report template: {e}")))?;
    // The page's one stylesheet is inline; nothing else (no script, image, font or frame) may
    // load or run.
    let res = HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((
            actix_web::http::header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
        ))
        .body(html);
    Ok(stamped(res, &src))
}

/// What the meeting should discuss, from the caller's queue: low ratings, needs nobody took,
/// claims left open and care gaps (at most 50, oldest first).
fn open_problems(
    conn: &mut AnyConnection,
    actor: &canglong_core::Actor,
) -> Result<Vec<page::Problem>, ApiError> {
    use canglong_people::queue::QueueKind;
    let items = canglong_services::care::work(conn, actor)?;
    Ok(items
        .into_iter()
        .filter_map(|i| {
            let kind = match i.kind {
                QueueKind::LowRating => "低分评价",
                QueueKind::Escalation => "长时间无人认领",
                QueueKind::Expiry => "需求过期未认领",
                QueueKind::StuckClaim => "认领后未完成",
                QueueKind::CareGap => "长期无人探访",
                _ => return None,
            };
            Some(page::Problem {
                kind,
                since: canglong_core::local_clock(i.since),
                title: i.title,
                detail: i.detail,
            })
        })
        .take(50)
        .collect())
}

/// The case study's headline figures for a period (default: the last year), each with its
/// definition, numerator and denominator. A subdistrict admin gets the subdistrict's sum and
/// each community's own.
#[utoipa::path(tag = "stats", operation_id = "stats_overview", params(StatsQuery),
    responses((status = 200, description = "The figures; `?format=csv` gives them as a file, a row per figure and community",
        content((Overview = "application/json"), (String = "text/csv"))), Problems),
    security(("bearer" = [])))]
#[get("/stats/overview")]
pub async fn overview(
    state: web::Data<AppState>,
    caller: AnyBearer,
    q: web::Query<StatsQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = q.into_inner();
    let (from, to) = period(&q)?;
    let asked = q.community_id;
    let (set, subdistrict) =
        db::read(&state.pool, move |conn| scope(conn, &caller.0, asked)).await?;
    let src = state.analytics.pick(&state.pool).await;
    let ids: Vec<Uuid> = set.iter().map(|(id, _)| *id).collect();
    let figures = headline(&src.pool, ids.clone(), from, to).await?;
    let mut communities = Vec::new();
    if subdistrict {
        for (id, name) in set {
            communities.push(CommunityHeadline {
                community_id: id,
                name,
                figures: headline(&src.pool, vec![id], from, to).await?,
            });
        }
    }
    let out = Overview {
        from: views::utc(from),
        to: views::utc(to),
        community_ids: ids,
        figures,
        communities,
    };
    if q.format == Some(Format::Csv) {
        return Ok(stamped(overview_csv(&out)?, &src));
    }
    Ok(stamped(HttpResponse::Ok().json(out), &src))
}

/// The overview as a file: one row per figure (and per community for a subdistrict).
fn overview_csv(o: &Overview) -> Result<HttpResponse, ApiError> {
    let mut rows = vec![];
    let mut add = |scope: String, h: &wire::Headline| -> Result<(), ApiError> {
        let figures = serde_json::to_value(h).map_err(ApiError::bug)?;
        for (name, f) in figures.as_object().into_iter().flatten() {
            let f: wire::Figure = serde_json::from_value(f.clone()).map_err(ApiError::bug)?;
            rows.push([
                scope.clone(),
                name.clone(),
                f.value.to_string(),
                f.numerator.to_string(),
                f.denominator.map(|d| d.to_string()).unwrap_or_default(),
                f.definition,
            ]);
        }
        Ok(())
    };
    add("all".into(), &o.figures)?;
    for c in &o.communities {
        add(c.name.clone(), &c.figures)?;
    }
    views::csv_file(
        "stats-overview",
        &[
            "scope",
            "figure",
            "value",
            "numerator",
            "denominator",
            "definition",
        ],
        rows,
    )
}

/// The tables behind the review meetings: `volunteers` (hours by `month` or `team`), `needs`
/// (posted, claimed, fulfilled, time to claim, ratings by `month`, `category` or
/// `target_group`), `served` (person-times by `target_group` or `month`), `points` (by `month`
/// or `kind`), `merchants`, `projects`, `suggestions` (by `category`, `month` or `status`).
/// `?format=csv` gives a file.
#[utoipa::path(tag = "stats", operation_id = "stats_table",
    params(("table" = StatsTableName, Path), StatsQuery),
    responses((status = 200, description = "The table; `?format=csv` gives it as a file",
        content((StatsTable = "application/json"), (String = "text/csv"))), Problems),
    security(("bearer" = [])))]
#[get("/stats/{table}")]
pub async fn table(
    state: web::Data<AppState>,
    caller: AnyBearer,
    table: web::Path<StatsTableName>,
    q: web::Query<StatsQuery>,
) -> Result<HttpResponse, ApiError> {
    let (table, q) = (table.into_inner(), q.into_inner());
    let name = views::name_of(&table);
    let csv = q.format == Some(Format::Csv);
    let known: &'static [&'static str] = match name.as_str() {
        "volunteers" => tables::VOLUNTEER_GROUPS,
        "needs" => tables::NEED_GROUPS,
        "served" => tables::SERVED_GROUPS,
        "points" => tables::POINT_GROUPS,
        "suggestions" => tables::SUGGESTION_GROUPS,
        "merchants" | "projects" | "associations" | "places" | "campaigns" | "polls" => {
            tables::SINGLE
        }
        "topics" => canglong_stats::governance::TOPIC_GROUPS,
        _ => return Err(ApiError::not_found("table")),
    };
    let asked = q.group_by.as_ref().map(views::name_of);
    let group_by = tables::grouping(asked.as_deref(), known).map_err(|known| {
        ApiError::unprocessable(
            "invalid_group_by",
            format!("group_by for {name}: one of {}", known.join(", ")),
        )
    })?;
    let (from, to) = period(&q)?;
    let asked = q.community_id;
    let (set, _) = db::read(&state.pool, move |conn| scope(conn, &caller.0, asked)).await?;
    let ids: Vec<Uuid> = set.iter().map(|(id, _)| *id).collect();
    let src = state.analytics.pick(&state.pool).await;
    let n = name.clone();
    let t = db::read(&src.pool, move |conn| {
        build(conn, &n, &ids, from, to, group_by)
    })
    .await?;
    if csv {
        let rows = t
            .rows
            .iter()
            .map(|r| r.iter().map(cell_text).collect::<Vec<_>>());
        return Ok(stamped(
            views::csv_file(&format!("stats-{name}"), &t.columns, rows)?,
            &src,
        ));
    }
    let rows = t
        .rows
        .iter()
        .map(|r| {
            t.columns
                .iter()
                .zip(r)
                .map(|(c, v)| (c.to_string(), cell_json(v)))
                .collect()
        })
        .collect();
    let out = StatsTable {
        table,
        from: views::utc(from),
        to: views::utc(to),
        group_by: views::enum_of(t.group_by)?,
        columns: t.columns.iter().map(|c| c.to_string()).collect(),
        rows,
    };
    Ok(stamped(HttpResponse::Ok().json(out), &src))
}

fn cell_text(c: &Cell) -> String {
    match c {
        Cell::Text(s) => s.clone(),
        Cell::Int(i) => i.to_string(),
        Cell::Num(n) => n.to_string(),
        Cell::Empty => String::new(),
    }
}

fn cell_json(c: &Cell) -> serde_json::Value {
    match c {
        Cell::Text(s) => s.clone().into(),
        Cell::Int(i) => (*i).into(),
        Cell::Num(n) => {
            serde_json::Number::from_f64(*n).map_or(serde_json::Value::Null, Into::into)
        }
        Cell::Empty => serde_json::Value::Null,
    }
}

fn build(
    conn: &mut AnyConnection,
    name: &str,
    set: &[Uuid],
    from: NaiveDateTime,
    to: NaiveDateTime,
    group_by: &'static str,
) -> Result<Table, ApiError> {
    Ok(match name {
        "volunteers" => {
            let mut teams_of: HashMap<Uuid, Vec<String>> = HashMap::new();
            for (v, team) in store::team_members(conn, set)? {
                teams_of.entry(v.0).or_default().push(team);
            }
            tables::volunteers(&rollups::records(conn, set, from, to)?, &teams_of, group_by)
        }
        "needs" => {
            let mut first: HashMap<Uuid, NaiveDateTime> = HashMap::new();
            for (need, at) in store::claims_since(conn, set, from)? {
                first
                    .entry(need.0)
                    .and_modify(|t| *t = (*t).min(at))
                    .or_insert(at);
            }
            let far = to + chrono::Duration::days(3650);
            let ratings: HashMap<Uuid, i64> = store::ratings(conn, set, from, far)?
                .into_iter()
                .map(|(n, s)| (n.0, i64::from(s)))
                .collect();
            tables::needs(
                &rollups::needs(conn, set, from, to)?,
                &first,
                &ratings,
                group_by,
            )
        }
        "served" => tables::served(&rollups::records(conn, set, from, to)?, group_by),
        "points" => {
            // By month: one sum per local month, so the database adds the rows, not the server.
            let spans = if group_by == "kind" {
                vec![(String::new(), from, to)]
            } else {
                domain::local_months(from, to)
            };
            let mut moves = Vec::new();
            for (group, a, b) in spans {
                for m in store::resident_moves(conn, set, a, b)? {
                    moves.push(domain::Moves {
                        group: group.clone(),
                        tx_kind: m.tx_kind,
                        credits: m.credits.unwrap_or(0),
                        debits: m.debits.unwrap_or(0),
                    });
                }
            }
            tables::points(&moves, store::outstanding_at(conn, set, from)?, group_by)
        }
        "merchants" => {
            let list: Vec<(Uuid, String, String)> = store::merchants(conn, set)?
                .into_iter()
                .map(|(id, n, s)| (id.0, n, s))
                .collect();
            let figures = canglong_services::stats::merchant_figures(conn, set, from, to)?;
            tables::merchants(&list, &figures)
        }
        "projects" => {
            let sessions: Vec<(Uuid, Uuid)> = store::sessions(conn, set, from, to)?
                .into_iter()
                .map(|(s, p, _)| (s.0, p.0))
                .collect();
            // Visits are the period's check-ins, at any session of the project: their sum is
            // the daily visits' sum over the same days.
            let all_sessions: Vec<(Uuid, Uuid)> = store::session_projects(conn, set)?
                .into_iter()
                .map(|(s, p)| (s.0, p.0))
                .collect();
            let enrolments: HashMap<Uuid, i64> = store::enrolment_counts(conn, set)?
                .into_iter()
                .map(|(s, n)| (s.0, n))
                .collect();
            tables::projects(
                &rollups::projects(conn, set)?,
                &sessions,
                &all_sessions,
                &enrolments,
                &rollups::checkins(conn, set, from, to)?,
                from,
                to,
            )
        }
        "associations" => {
            let sessions = store::association_sessions(conn, set, from, to)?;
            let attended = store::attendance_by_association(conn, set, from, to)?;
            let list: Vec<tables::AssociationFacts> = store::association_list(conn, set)?
                .into_iter()
                .map(|(id, name, kind)| tables::AssociationFacts {
                    id: id.0,
                    name,
                    kind: kind.get(),
                    sessions: sessions
                        .iter()
                        .filter(|(a, _, _)| *a == id)
                        .map(|(_, _, t)| *t)
                        .collect(),
                    attendees: attended
                        .iter()
                        .filter(|(a, _)| *a == id)
                        .map(|(_, g)| g.get())
                        .collect(),
                })
                .collect();
            tables::associations(&list, from, to)
        }
        "campaigns" => tables::campaigns(&store::campaigns(conn, set, from, to)?),
        "topics" => {
            let facts: Vec<governance::TopicFacts> =
                canglong_persistence::topics::for_figures(conn, set, to)?
                    .iter()
                    .map(|t| governance::TopicFacts {
                        raised_at: t.created_at,
                        settled_at: t.settled_at,
                        deadline: t.deadline,
                        done_at: t.done_at,
                    })
                    .collect();
            governance::topics(&facts, from, to)
        }
        "polls" => {
            let facts: Vec<governance::PollFacts> =
                canglong_persistence::polls::published(conn, set, from, to)?
                    .into_iter()
                    .filter_map(|p| {
                        Some(governance::PollFacts {
                            id: p.id.0,
                            question: p.question,
                            subject: p.subject.get(),
                            published_at: p.published_at?,
                            electorate: p.electorate.unwrap_or(0),
                            ballots: p.ballots?,
                            outcome: p.outcome?.get(),
                        })
                    })
                    .collect();
            governance::polls(&facts)
        }
        "places" => {
            let (places, services) = (
                store::place_list(conn, set)?,
                store::service_list(conn, set)?,
            );
            let visits: Vec<(Uuid, Option<Uuid>, i64)> =
                store::visits_by_service(conn, set, from, to)?
                    .into_iter()
                    .map(|(p, s, n)| (p.0, s.map(|s| s.0), i64::from(n)))
                    .collect();
            tables::places(
                &places
                    .into_iter()
                    .map(|(i, n, k)| (i.0, n, canglong_persistence::Stored::get(k)))
                    .collect::<Vec<_>>(),
                &services
                    .into_iter()
                    .map(|(i, p, n)| (i.0, p.0, n))
                    .collect::<Vec<_>>(),
                &visits,
            )
        }
        _ => {
            let list: Vec<tables::Suggestion> = store::suggestions(conn, set, from, to)?
                .into_iter()
                .map(|s| tables::Suggestion {
                    category: s.category.to_string(),
                    status: s.status.to_string(),
                    answered: s.answered.is_some(),
                    created_at: s.created_at,
                })
                .collect();
            tables::suggestions(&list, group_by)
        }
    })
}
