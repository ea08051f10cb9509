//! Result charts as standalone SVG documents.
//!
//! Pure functions: plain data in, an SVG `String` out (no database, HTTP or Leptos).
//! Drawn with plotters' SVG backend, which needs no fonts: the browser lays out the
//! text, so widths here are estimates (one font size per CJK char, 0.6 per ASCII char).
//!
//! Every chart is 720 px wide with text of at least 18 px, so it stays readable when
//! scaled down to a ~360 px phone screen (`width: 100%; height: auto` in CSS); its
//! height grows with the number of rows. Colours are Okabe–Ito (colour-blind safe).
//! Empty or all-zero input gives a valid SVG that says "暂无数据".

mod bars;
mod canvas;
/// The year of handling: the filings grid and a task's progress line.
pub mod handling;
mod stacked;
mod text;
mod turnout;

#[cfg(test)]
mod tests;

/// Font stack written on every text element.
pub const FONT: &str = "Noto Sans CJK SC, Noto Sans SC, PingFang SC, Microsoft YaHei, sans-serif";

/// Colour of "未评" (not rated).
pub const NOT_RATED_COLOUR: &str = "#BBBBBB";

/// Two series compared (round A vs round B, or two groups).
pub const PAIR_COLOURS: [&str; 2] = ["#0072B2", "#E69F00"];

/// Categorical Okabe–Ito order, cycled for indicators.
pub const CATEGORICAL: [&str; 8] = [
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000",
];

/// Colours for the levels of a rating scale, best first (hex strings, `levels` long).
///
/// 4 levels: blue, sky blue, orange, vermillion; 3: blue, sky blue, vermillion;
/// 5: yellow is put in the middle. Beyond 5, the categorical list is cycled.
pub fn level_colours(levels: usize) -> Vec<&'static str> {
    const BLUE: &str = "#0072B2";
    const SKY: &str = "#56B4E9";
    const ORANGE: &str = "#E69F00";
    const VERMILLION: &str = "#D55E00";
    const YELLOW: &str = "#F0E442";
    match levels {
        0 => vec![],
        1 => vec![BLUE],
        2 => vec![BLUE, VERMILLION],
        3 => vec![BLUE, SKY, VERMILLION],
        4 => vec![BLUE, SKY, ORANGE, VERMILLION],
        5 => vec![BLUE, SKY, YELLOW, ORANGE, VERMILLION],
        n => CATEGORICAL.iter().copied().cycle().take(n).collect(),
    }
}

/// One row of [`level_distribution`]: ballots per level (scale order) and not rated.
#[derive(Debug, Clone, PartialEq)]
pub struct LevelRow {
    pub label: String,
    pub counts: Vec<u64>,
    pub not_rated: u64,
}

/// Stacked horizontal bars: each row's ballots per level and "未评" as shares (0–100 %)
/// of the row's ballots, the count printed in every segment wide enough for it.
/// Counts beyond `level_labels.len()` are ignored.
pub fn level_distribution(title: &str, level_labels: &[&str], rows: &[LevelRow]) -> String {
    stacked::level_distribution(title, level_labels, rows, false)
}

/// [`level_distribution`] for a phone: 400 px wide, each label on its own line above its bar,
/// so that every segment is on the screen and the text stays legible when scaled to it.
pub fn level_distribution_narrow(title: &str, level_labels: &[&str], rows: &[LevelRow]) -> String {
    stacked::level_distribution(title, level_labels, rows, true)
}

/// One row of [`ranked_bars`].
#[derive(Debug, Clone, PartialEq)]
pub struct RankedRow {
    /// The rank as the results give it (tied items share one); `None`: not ranked (no data),
    /// named without a number.
    pub rank: Option<usize>,
    pub label: String,
    pub value: Option<f64>,
}

/// Horizontal bars in the given order, each label prefixed by its row's rank ("1. 市财政局";
/// tied rows share a number, a row without one has none), value 0–100 printed with one
/// decimal. `reference` draws a dashed vertical line
/// (e.g. a threshold of 80) with its label.
pub fn ranked_bars(
    title: &str,
    axis: &str,
    rows: &[RankedRow],
    reference: Option<(f64, &str)>,
) -> String {
    ranked(title, axis, rows, reference, false)
}

/// [`ranked_bars`] for a phone: 400 px wide, each ranked label on its own line above its bar,
/// so the label is read whole and the bar has the screen's width.
pub fn ranked_bars_narrow(
    title: &str,
    axis: &str,
    rows: &[RankedRow],
    reference: Option<(f64, &str)>,
) -> String {
    ranked(title, axis, rows, reference, true)
}

fn ranked(
    title: &str,
    axis: &str,
    rows: &[RankedRow],
    reference: Option<(f64, &str)>,
    narrow: bool,
) -> String {
    let rows: Vec<bars::Group> = rows
        .iter()
        .map(|r| bars::Group {
            label: match r.rank {
                Some(rank) => format!("{rank}. {}", r.label),
                None => r.label.clone(),
            },
            values: vec![r.value],
        })
        .collect();
    bars::grouped(&bars::Spec {
        title,
        axis,
        series: &[],
        colours: &[PAIR_COLOURS[0]],
        rows: &rows,
        reference,
        ranked: true,
        narrow,
    })
}

/// One row (a task) of [`indicator_scores`]: one score per indicator.
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorRow {
    pub label: String,
    pub scores: Vec<Option<f64>>,
}

/// Grouped horizontal bars: per row one bar per indicator (score 0–100), legend with
/// the indicator names. Scores beyond `indicators.len()` are ignored.
pub fn indicator_scores(title: &str, indicators: &[&str], rows: &[IndicatorRow]) -> String {
    let colours: Vec<&str> = CATEGORICAL
        .iter()
        .copied()
        .cycle()
        .take(indicators.len())
        .collect();
    let rows: Vec<bars::Group> = rows
        .iter()
        .map(|r| bars::Group {
            label: r.label.clone(),
            values: (0..indicators.len())
                .map(|i| r.scores.get(i).copied().flatten())
                .collect(),
        })
        .collect();
    bars::grouped(&bars::Spec {
        title,
        axis: "得分",
        series: indicators,
        colours: &colours,
        rows: &rows,
        reference: None,
        ranked: false,
        narrow: false,
    })
}

/// One row of [`turnout`].
#[derive(Debug, Clone, PartialEq)]
pub struct TurnoutRow {
    pub label: String,
    pub voted: u64,
    pub invited: u64,
}

/// Turnout bars: voted / invited with the percentage and "已投 N / 应投 M".
/// `rows[0]` is the total; any further rows (e.g. delegations) follow below it.
pub fn turnout(title: &str, rows: &[TurnoutRow]) -> String {
    turnout::turnout(title, rows)
}

/// One row of [`round_compare`]: the item's value in round A and round B.
#[derive(Debug, Clone, PartialEq)]
pub struct CompareRow {
    pub label: String,
    pub a: Option<f64>,
    pub b: Option<f64>,
}

/// Two rounds compared per item: two bars per row (values 0–100), legend with the
/// round names `names`.
pub fn round_compare(title: &str, axis: &str, names: (&str, &str), rows: &[CompareRow]) -> String {
    let rows: Vec<bars::Group> = rows
        .iter()
        .map(|r| bars::Group {
            label: r.label.clone(),
            values: vec![r.a, r.b],
        })
        .collect();
    bars::grouped(&bars::Spec {
        title,
        axis,
        series: &[names.0, names.1],
        colours: &PAIR_COLOURS,
        rows: &rows,
        reference: None,
        ranked: false,
        narrow: false,
    })
}
