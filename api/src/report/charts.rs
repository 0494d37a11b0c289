//! The report's charts: grouped bars laid out here (a pure function of the figures), drawn by
//! the report's template as inline SVG. Series are told apart by shades of grey, so a
//! black-and-white print still reads.

/// One series of a chart: its name and a value per group.
#[derive(Debug, Clone)]
pub struct Series {
    pub name: String,
    pub values: Vec<f64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
    pub shade: &'static str,
    /// What a pointer over the bar shows: the group, the series and the value.
    pub title: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Tick {
    pub at: f64,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Legend {
    pub shade: &'static str,
    pub name: String,
    pub y: f64,
}

/// A chart ready to draw, in SVG user units.
#[derive(Debug, Clone, PartialEq)]
pub struct BarChart {
    pub width: f64,
    pub height: f64,
    /// The plot area's left edge and baseline.
    pub left: f64,
    pub base: f64,
    pub right: f64,
    pub bars: Vec<Bar>,
    pub x_labels: Vec<Tick>,
    pub y_ticks: Vec<Tick>,
    pub legend: Vec<Legend>,
}

const SHADES: [&str; 4] = ["#333333", "#777777", "#aaaaaa", "#d4d4d4"];
const WIDTH: f64 = 680.0;
const HEIGHT: f64 = 240.0;
const LEFT: f64 = 56.0;
const TOP: f64 = 14.0;
const BOTTOM: f64 = 40.0;
const LEGEND_WIDTH: f64 = 120.0;

/// A round step for about five gridlines up to `top`.
fn step(top: f64) -> f64 {
    let raw = top / 5.0;
    let magnitude = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= raw)
        .unwrap_or(raw)
}

fn number(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

/// Lays out grouped bars: a group per label, a bar per series, a y axis from zero to a round
/// top.
pub fn bars(labels: &[String], series: &[Series]) -> BarChart {
    let right = WIDTH - if series.len() > 1 { LEGEND_WIDTH } else { 8.0 };
    let base = HEIGHT - BOTTOM;
    let max = series
        .iter()
        .flat_map(|s| s.values.iter().copied())
        .fold(0.0_f64, f64::max);
    let step = if max > 0.0 { step(max) } else { 1.0 };
    let top = (max / step).ceil().max(1.0) * step;
    let scale = (base - TOP) / top;
    let group = (right - LEFT) / labels.len().max(1) as f64;
    let bar = group * 0.8 / series.len().max(1) as f64;
    let mut bars = Vec::new();
    for (j, s) in series.iter().enumerate() {
        for (i, v) in s.values.iter().enumerate() {
            let height = v.max(0.0) * scale;
            bars.push(Bar {
                x: LEFT + group * i as f64 + group * 0.1 + bar * j as f64,
                y: base - height,
                width: bar,
                height,
                shade: SHADES[j % SHADES.len()],
                title: format!(
                    "{} · {}: {}",
                    labels.get(i).map_or("", String::as_str),
                    s.name,
                    number(*v)
                ),
            });
        }
    }
    // Long runs of labels (36 months) are thinned so they do not overlap.
    let every = (labels.len() / 12).max(1);
    let x_labels = labels
        .iter()
        .enumerate()
        .filter(|(i, _)| i % every == 0)
        .map(|(i, l)| Tick {
            at: LEFT + group * (i as f64 + 0.5),
            text: l.clone(),
        })
        .collect();
    let y_ticks = (0..=((top / step).round() as usize))
        .map(|k| Tick {
            at: base - k as f64 * step * scale,
            text: number(k as f64 * step),
        })
        .collect();
    let legend = if series.len() > 1 {
        series
            .iter()
            .enumerate()
            .map(|(j, s)| Legend {
                shade: SHADES[j % SHADES.len()],
                name: s.name.clone(),
                y: TOP + 18.0 * j as f64,
            })
            .collect()
    } else {
        vec![]
    };
    BarChart {
        width: WIDTH,
        height: HEIGHT,
        left: LEFT,
        base,
        right,
        bars,
        x_labels,
        y_ticks,
        legend,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_stand_on_the_baseline_in_proportion() {
        let c = bars(
            &["1月".into(), "2月".into()],
            &[
                Series {
                    name: "发布".into(),
                    values: vec![10.0, 5.0],
                },
                Series {
                    name: "完成".into(),
                    values: vec![4.0, 0.0],
                },
            ],
        );
        assert_eq!(c.bars.len(), 4);
        for b in &c.bars {
            assert!((b.y + b.height - c.base).abs() < 1e-9, "on the baseline");
            assert!(b.x >= c.left && b.x + b.width <= c.right + 1e-9);
        }
        assert!((c.bars[0].height - 2.0 * c.bars[1].height).abs() < 1e-9);
        assert_eq!(c.bars[3].height, 0.0);
        assert_eq!(c.y_ticks.first().unwrap().text, "0");
        assert_eq!(c.y_ticks.last().unwrap().text, "10");
        assert_eq!(c.legend.len(), 2);
    }

    #[test]
    fn round_steps() {
        assert_eq!(step(10.0), 2.0);
        assert_eq!(step(7.0), 2.0);
        assert_eq!(step(1234.0), 500.0);
        assert_eq!(step(0.3), 0.1);
    }
}
