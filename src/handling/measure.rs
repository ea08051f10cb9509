//! How far an indicator, a unit's part of a task, a task, a section and the plan have come,
//! against how far they should have come by a given day.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Points (of 100) an item may be behind its expected progress and still be amber.
pub const DEFAULT_AMBER_POINTS: f64 = 10.0;
/// A lead unit's (牵头单位) weight in its task's progress.
pub const DEFAULT_LEAD_WEIGHT: f64 = 2.0;
/// A responsible unit's (责任单位) weight in its task's progress.
pub const DEFAULT_RESPONSIBLE_WEIGHT: f64 = 1.0;

/// Which way an indicator improves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// 越高越好: a count, an amount, a share to raise.
    Higher,
    /// 越低越好: a cost, a time, a count to bring down.
    Lower,
    /// 里程碑: done (1) or not (0).
    Milestone,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Higher => "higher",
            Direction::Lower => "lower",
            Direction::Milestone => "milestone",
        }
    }
    pub fn parse(s: &str) -> Option<Direction> {
        match s.trim() {
            "higher" | "越高越好" | "越大越好" => Some(Direction::Higher),
            "lower" | "越低越好" | "越小越好" => Some(Direction::Lower),
            "milestone" | "里程碑" | "完成与否" => Some(Direction::Milestone),
            _ => None,
        }
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            Direction::Higher => "越高越好",
            Direction::Lower => "越低越好",
            Direction::Milestone => "里程碑（完成与否）",
        }
    }
}

/// The value an indicator is judged by: the office's audited value (审核值) where it set one,
/// else the value the unit reported (完成值).
pub fn judged(reported: Option<f64>, audited: Option<f64>) -> Option<f64> {
    audited.or(reported)
}

/// 完成率 as a share, not capped: how much of the way from `baseline` to `target` `value`
/// has come. For a higher-is-better indicator with baseline 0 this is 完成值 ÷ 目标值. A
/// milestone is 1 when done (a value of 1 or more) and 0 otherwise. `None` without a value.
/// An indicator whose target is no better than its baseline is complete once the target is
/// reached (the form refuses such indicators; stored data may still hold one).
pub fn ratio(direction: Direction, baseline: f64, target: f64, value: Option<f64>) -> Option<f64> {
    let v = value?;
    Some(match direction {
        Direction::Milestone => f64::from(u8::from(v >= 1.0)),
        Direction::Higher if target > baseline => (v - baseline) / (target - baseline),
        Direction::Higher => f64::from(u8::from(v >= target)),
        Direction::Lower if baseline > target => (baseline - v) / (baseline - target),
        Direction::Lower => f64::from(u8::from(v <= target)),
    })
}

/// [`ratio`] kept between 0 and 1 (no value: 0), for roll-ups: doing more than promised on one
/// indicator does not make up for another.
pub fn completion(direction: Direction, baseline: f64, target: f64, value: Option<f64>) -> f64 {
    ratio(direction, baseline, target, value)
        .unwrap_or(0.0)
        .clamp(0.0, 1.0)
}

/// The share of the period from `start` to `due` that has passed on `today` (0 before the
/// start, 1 from the due day on): "时间过半、任务过半". Counted in days, so leap years count
/// their 29 February.
pub fn expected(start: NaiveDate, due: NaiveDate, today: NaiveDate) -> f64 {
    if today >= due {
        return 1.0;
    }
    if today <= start || due <= start {
        return 0.0;
    }
    let elapsed = (today - start).num_days() as f64;
    let length = (due - start).num_days() as f64;
    (elapsed / length).clamp(0.0, 1.0)
}

/// A status colour, as 督办 lights and the UK's RAG ratings use them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rag {
    /// On track: at or ahead of the expected progress.
    Green,
    /// Behind, by at most the threshold.
    Amber,
    /// Further behind, or a report overdue.
    Red,
}

impl Rag {
    pub fn as_str(self) -> &'static str {
        match self {
            Rag::Green => "green",
            Rag::Amber => "amber",
            Rag::Red => "red",
        }
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            Rag::Green => "正常",
            Rag::Amber => "滞后",
            Rag::Red => "严重滞后",
        }
    }
}

/// Shares within this of each other are equal (sums of weighted shares are not exact).
const EPSILON: f64 = 1e-9;

/// The colour of `completion` against `expected` (both shares): green when not behind, amber
/// when behind by at most `amber_points` points (of 100), red further behind or when a report
/// is `overdue`.
pub fn rag(completion: f64, expected: f64, amber_points: f64, overdue: bool) -> Rag {
    let behind = (expected - completion) * 100.0;
    if overdue || behind > amber_points + EPSILON {
        Rag::Red
    } else if behind > EPSILON {
        Rag::Amber
    } else {
        Rag::Green
    }
}

/// Progress at one level: the completion and the expectation (shares), and whether a report
/// that feeds it is overdue.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Progress {
    pub completion: f64,
    pub expected: f64,
    pub overdue: bool,
}

impl Progress {
    pub fn rag(&self, amber_points: f64) -> Rag {
        rag(self.completion, self.expected, amber_points, self.overdue)
    }
    /// Points behind the expectation (negative: ahead).
    pub fn behind_points(&self) -> f64 {
        (self.expected - self.completion) * 100.0
    }
}

/// The weighted mean of `parts` (weight, progress), overdue if any part is. Parts of weight 0
/// or less count for nothing; `None` when nothing has weight (a task no unit has indicators
/// for yet), so that the level above leaves it out rather than counting it as 0.
pub fn roll_up(parts: &[(f64, Progress)]) -> Option<Progress> {
    let total: f64 = parts.iter().map(|(w, _)| *w).filter(|w| *w > 0.0).sum();
    if total <= 0.0 {
        return None;
    }
    let mean = |f: fn(&Progress) -> f64| {
        parts
            .iter()
            .filter(|(w, _)| *w > 0.0)
            .map(|(w, p)| w * f(p))
            .sum::<f64>()
            / total
    };
    Some(Progress {
        completion: mean(|p| p.completion),
        expected: mean(|p| p.expected),
        overdue: parts.iter().any(|(w, p)| *w > 0.0 && p.overdue),
    })
}
