//! The review-meeting report (`GET /api/v1/stats/report`): the overview's figures with the same
//! period a year before and their definitions, the tables behind them with a chart each, and
//! the open problems the meeting should discuss — one self-contained page in Chinese (no
//! scripts, no outside fonts, CSS and SVG inline) that prints on A4 in black and white.

pub mod charts;

use askama::Template;
use canglong_stats::{Cell, Figure, Headline, Table};

pub use charts::{BarChart, Series};

/// One headline figure as the report shows it.
#[derive(Debug, Clone)]
pub struct FigureRow {
    /// The overview's key (`participation_rate` …), carried on the cell for checking.
    pub key: &'static str,
    pub label: &'static str,
    pub value: String,
    /// The exact value, as the overview gives it.
    pub raw: f64,
    pub before: String,
    pub definition: &'static str,
}

/// A table of the report with the chart drawn from it.
#[derive(Debug, Clone)]
pub struct Section {
    pub title: String,
    pub chart: Option<BarChart>,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// Something waiting for a decision, for the meeting's agenda.
#[derive(Debug, Clone)]
pub struct Problem {
    pub kind: &'static str,
    pub since: String,
    pub title: String,
    pub detail: String,
}

#[derive(Template)]
#[template(path = "report.html")]
pub struct Report {
    pub community: String,
    pub period: String,
    pub generated: String,
    /// When the data is complete to, and which database answered.
    pub as_of: String,
    pub figures: Vec<FigureRow>,
    pub sections: Vec<Section>,
    pub problems: Vec<Problem>,
}

/// Rates and growths read as percentages; counts and hours as numbers.
fn shown(key: &str, f: &Figure) -> String {
    let percent = key.ends_with("_rate")
        || key.ends_with("_growth")
        || matches!(
            key,
            "service_precision" | "activity_days" | "association_weeks" | "campaign_participation"
        );
    if percent {
        format!("{:.1}%", f.value * 100.0)
    } else if f.value.fract() == 0.0 {
        format!("{:.0}", f.value)
    } else {
        format!("{:.1}", f.value)
    }
}

/// The headline figures of the period beside those of the same period a year before (a
/// growth has no "year before" of its own here: it already compares the two).
pub fn figures(now: &Headline, before: &Headline) -> Vec<FigureRow> {
    let pair = |h: &Headline| {
        [
            (
                "participation_rate",
                "居民参与率",
                h.participation_rate.clone(),
            ),
            (
                "participation_growth",
                "参与率同比增长",
                h.participation_growth.clone(),
            ),
            (
                "service_precision",
                "服务精准度",
                h.service_precision.clone(),
            ),
            (
                "service_precision_growth",
                "精准度同比变化",
                h.service_precision_growth.clone(),
            ),
            (
                "continuation_rate",
                "项目延续率",
                h.continuation_rate.clone(),
            ),
            (
                "elderly_person_times",
                "老年人服务人次",
                h.elderly_person_times.clone(),
            ),
            (
                "parent_child_classes",
                "亲子课堂场次",
                h.parent_child_classes.clone(),
            ),
            (
                "peak_daily_visits",
                "高峰期日均到访人次",
                h.peak_daily_visits.clone(),
            ),
            (
                "volunteer_hours",
                "志愿服务时长（小时）",
                h.volunteer_hours.clone(),
            ),
            (
                "active_volunteers",
                "活跃志愿者",
                h.active_volunteers.clone(),
            ),
            (
                "long_term_volunteers",
                "长期志愿者",
                h.long_term_volunteers.clone(),
            ),
            ("points_issued", "发放积分", h.points_issued.clone()),
            ("points_redeemed", "兑换积分", h.points_redeemed.clone()),
            (
                "activity_days",
                "天天有服务（有活动的天数占比）",
                h.activity_days.clone(),
            ),
            (
                "association_weeks",
                "周周有活动（社团开展活动的周数占比）",
                h.association_weeks.clone(),
            ),
            ("station_visits", "夏小驿服务人次", h.station_visits.clone()),
            (
                "campaign_participation",
                "文明实践活动参与率",
                h.campaign_participation.clone(),
            ),
        ]
    };
    pair(now)
        .into_iter()
        .zip(pair(before))
        .map(|((key, label, f), (_, _, b))| FigureRow {
            key,
            label,
            value: shown(key, &f),
            raw: f.value,
            before: if key.ends_with("_growth") {
                "—".into()
            } else {
                shown(key, &b)
            },
            definition: f.definition,
        })
        .collect()
}

/// Column names as the meeting reads them.
fn heading(column: &str) -> String {
    let zh = match column {
        "month" => "月份",
        "team" => "志愿队",
        "category" => "类别",
        "target_group" => "服务对象",
        "kind" => "类型",
        "status" => "状态",
        "volunteers" => "志愿者",
        "records" => "服务记录",
        "minutes" => "分钟",
        "hours" => "小时",
        "posted" => "发布",
        "claimed" => "认领",
        "fulfilled" => "完成",
        "cancelled" => "取消",
        "expired" => "过期",
        "median_minutes_to_claim" => "认领用时中位数（分钟）",
        "ratings" => "评价数",
        "average_rating" => "平均评分",
        "person_times" => "人次",
        "issued" => "发放",
        "redeemed" => "兑换",
        "refunded" => "退回",
        "adjusted" => "调整",
        "outstanding_end" => "期末余额",
        "credited" => "入账",
        "debited" => "出账",
        "name" => "名称",
        "vouchers_issued" => "发券",
        "vouchers_used" => "核销",
        "checks_refused" => "拒绝核销",
        "points_redeemed" => "兑换积分",
        "complaints" => "投诉",
        "suggestions" => "建议",
        "answered" => "已答复",
        "sessions" => "活动场次",
        "elderly" => "其中老年人",
        "weeks_met" => "开展活动周数",
        "weeks" => "统计周数",
        "service" => "服务",
        "visits" => "到访人次",
        "title" => "名称",
        "theme" => "主题",
        "signups" => "报名",
        "pledges" => "承诺",
        "entries" => "征集作品",
        "ballots_counted" => "有效投票",
        "ballots_flagged" => "待审投票",
        "ballots_discarded" => "无效投票",
        "raised" => "提出议题",
        "settled" => "办结议题",
        "median_days_to_settle" => "办结用时中位数（天）",
        "decisions_due" => "到期决定",
        "carried_out_on_time" => "按期落实",
        "on_time_percent" => "按期落实率（%）",
        "question" => "表决事项",
        "subject" => "表决对象",
        "published_on" => "公布日期",
        "electorate" => "应参与",
        "ballots" => "实际参与",
        "turnout_percent" => "投票率（%）",
        "outcome" => "结果",
        _ => return column.to_string(),
    };
    zh.to_string()
}

fn text(c: &Cell) -> String {
    match c {
        Cell::Text(s) => s.clone(),
        Cell::Int(i) => i.to_string(),
        Cell::Num(n) => format!("{n:.2}"),
        Cell::Empty => "—".into(),
    }
}

fn number(c: &Cell) -> f64 {
    match c {
        Cell::Int(i) => *i as f64,
        Cell::Num(n) => *n,
        _ => 0.0,
    }
}

/// A section of `table`, charting the columns `plotted` over the column `label`.
pub fn section(title: &str, t: &Table, label: &str, plotted: &[&str]) -> Section {
    let at = |name: &str| t.columns.iter().position(|c| *c == name);
    let chart = at(label).map(|l| {
        let labels: Vec<String> = t.rows.iter().map(|r| text(&r[l])).collect();
        let series: Vec<Series> = plotted
            .iter()
            .filter_map(|p| at(p).map(|i| (p, i)))
            .map(|(p, i)| Series {
                name: heading(p),
                values: t.rows.iter().map(|r| number(&r[i])).collect(),
            })
            .collect();
        charts::bars(&labels, &series)
    });
    Section {
        title: title.into(),
        chart: chart.filter(|_| !t.rows.is_empty()),
        columns: t
            .columns
            .iter()
            .filter(|c| **c != "merchant_id")
            .map(|c| heading(c))
            .collect(),
        rows: t
            .rows
            .iter()
            .map(|r| {
                t.columns
                    .iter()
                    .zip(r)
                    .filter(|(c, _)| **c != "merchant_id")
                    .map(|(_, v)| text(v))
                    .collect()
            })
            .collect(),
    }
}
