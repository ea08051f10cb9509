//! A sample year for a plan, so that a newcomer sees a filled board: for every reporting unit,
//! two indicators per task it leads and one per task it shares, monthly reports that mostly
//! arrive on time (some late, a few missing, one sent back and refiled), and values that end
//! the year at, near or well short of their targets. Deterministic: the same plan gives the
//! same year. The pages label it 示例数据, and `ceping handling sample --remove` takes it away.

use super::measure::Direction;
use super::period::Period;
use super::subplan::Indicator;
use chrono::NaiveDate;

/// Who "filed" the sample: every stored row of the sample carries it, and only rows that do are
/// removed with it.
pub const SAMPLE_ACTOR: &str = "示例数据";

/// A unit as the sample needs it: its tasks (id, leads it, heading).
#[derive(Debug, Clone, PartialEq)]
pub struct SampleInput {
    pub unit_id: i64,
    pub tasks: Vec<(i64, bool, String)>,
}

/// One month's report of the sample.
#[derive(Debug, Clone, PartialEq)]
pub struct SampleReport {
    pub period: Period,
    /// The day it was filed (Beijing time).
    pub filed_on: NaiveDate,
    /// The value of each indicator to date, in the sub-plan's order.
    pub values: Vec<f64>,
    /// The office sent a first version back (with this reason) before this one.
    pub returned_first: Option<&'static str>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SampleUnit {
    pub unit_id: i64,
    pub indicators: Vec<Indicator>,
    pub reports: Vec<SampleReport>,
}

/// A number in [0, 1) from `parts`, the same every time (SplitMix64's finaliser over them).
fn draw(parts: &[i64]) -> f64 {
    let mut n: u64 = 0x9e37_79b9_7f4a_7c15;
    for p in parts {
        n ^= *p as u64;
        n = n.wrapping_add(0x9e37_79b9_7f4a_7c15);
        n = (n ^ (n >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        n = (n ^ (n >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        n ^= n >> 31;
    }
    (n >> 11) as f64 / (1u64 << 53) as f64
}

/// How far an indicator gets by the year's end, as a share of its target: most reach it, some
/// fall a little short, a few a long way.
fn final_share(r: f64) -> f64 {
    if r < 0.65 {
        1.0
    } else if r < 0.85 {
        0.92
    } else {
        0.6
    }
}

/// Indicators per task the sample gives a unit that leads it, and one that shares it.
pub const PER_LEAD: usize = 2;
pub const PER_SHARE: usize = 1;

/// The sample year of `units` over `periods` (reports due on `due_day`), [`PER_LEAD`] and
/// [`PER_SHARE`] indicators per task.
pub fn year(units: &[SampleInput], periods: &[Period], due_day: u32) -> Vec<SampleUnit> {
    year_with(units, periods, due_day, PER_LEAD, PER_SHARE)
}

/// [`year`] with `per_lead` indicators per task a unit leads and `per_share` per task it shares
/// (a benchmark's full year: 5 and 5).
pub fn year_with(
    units: &[SampleInput],
    periods: &[Period],
    due_day: u32,
    per_lead: usize,
    per_share: usize,
) -> Vec<SampleUnit> {
    let (Some(first), Some(last)) = (periods.first(), periods.last()) else {
        return Vec::new();
    };
    let starts_on = first.first_day();
    let due_on = last.last_day();
    units
        .iter()
        .map(|u| {
            let mut indicators = Vec::new();
            for (task, lead, heading) in &u.tasks {
                let short: String = heading.chars().take(12).collect();
                let n = if *lead { per_lead } else { per_share };
                for k in 0..n as i64 {
                    let r = draw(&[u.unit_id, *task, k]);
                    let (name, measure_unit, direction, baseline, target) = match k {
                        1 => (
                            format!("{short}阶段性成果"),
                            String::new(),
                            Direction::Milestone,
                            0.0,
                            1.0,
                        ),
                        _ => (
                            if k == 0 {
                                format!("{short}重点项目推进")
                            } else {
                                format!("{short}指标{}", k + 1)
                            },
                            "个".to_string(),
                            Direction::Higher,
                            0.0,
                            (4.0 + (r * 8.0).floor()).max(1.0),
                        ),
                    };
                    indicators.push(Indicator {
                        task_id: *task,
                        name,
                        measure_unit,
                        baseline,
                        target,
                        direction,
                        starts_on,
                        due_on,
                        weight: if *lead { 2.0 } else { 1.0 },
                    });
                }
            }
            let shares: Vec<f64> = indicators
                .iter()
                .enumerate()
                .map(|(i, _)| final_share(draw(&[u.unit_id, 1000 + i as i64])))
                .collect();
            let months = periods.len() as f64;
            let reports = periods
                .iter()
                .enumerate()
                .filter_map(|(m, period)| {
                    let r = draw(&[u.unit_id, 2000 + m as i64]);
                    // One report in twenty is never filed; one in eight is filed late.
                    if r < 0.05 {
                        return None;
                    }
                    let due = period.due(due_day);
                    let filed_on = if r < 0.175 {
                        due + chrono::Days::new(3 + (r * 40.0) as u64)
                    } else {
                        due - chrono::Days::new(1 + (r * 5.0) as u64)
                    };
                    let elapsed = (m + 1) as f64 / months;
                    let values = indicators
                        .iter()
                        .zip(&shares)
                        .map(|(ind, share)| match ind.direction {
                            Direction::Milestone => {
                                if *share >= 1.0 && elapsed >= 0.75 {
                                    1.0
                                } else {
                                    0.0
                                }
                            }
                            _ => (ind.target * share * elapsed).round(),
                        })
                        .collect();
                    let returned_first =
                        (draw(&[u.unit_id, 3000 + m as i64]) < 0.04).then_some("缺少佐证材料");
                    Some(SampleReport {
                        period: *period,
                        filed_on,
                        values,
                        returned_first,
                    })
                })
                .collect();
            SampleUnit {
                unit_id: u.unit_id,
                indicators,
                reports,
            }
        })
        .collect()
}
