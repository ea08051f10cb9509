//! The evaluators' figures on an item: the indicator set, each evaluator's weighted score,
//! the mean (trimmed of the highest and the lowest when asked), the grade (优 / 良 / 中 / 差) and
//! the mean per indicator.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::config::{
    GRADE_TOLERANCE, INDICATOR_WEIGHT_TOTAL, TRIM_MIN_EVALUATORS, WEIGHT_SUM_TOLERANCE,
};
use super::errors::{IndicatorError, ResultsError, ScoreError};
use super::float::{finite, is_non_negative, is_percent, mean};

/// One indicator of the evaluators' indicator system.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Indicator {
    /// Its name: `办理质量`. Unique in the set.
    pub name: String,
    /// Its weight; the set's weights add up to 100.
    pub weight: f64,
}

impl Indicator {
    /// An indicator from its parts.
    pub fn new(name: &str, weight: f64) -> Indicator {
        Indicator {
            name: name.to_owned(),
            weight,
        }
    }
}

/// The evaluators' indicator system. Serialized as a plain list.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Indicators {
    pub indicators: Vec<Indicator>,
}

impl Indicators {
    /// A set from `(name, weight)` pairs.
    pub fn new(list: &[(&str, f64)]) -> Indicators {
        Indicators {
            indicators: list.iter().map(|&(n, w)| Indicator::new(n, w)).collect(),
        }
    }

    /// Number of indicators.
    pub fn len(&self) -> usize {
        self.indicators.len()
    }

    /// Whether the set has no indicator (never true of a valid set).
    pub fn is_empty(&self) -> bool {
        self.indicators.is_empty()
    }

    /// Checks the set: not empty; names non-empty (after trimming) and unique; weights finite
    /// and ≥ 0; weights adding up to 100 (within [`WEIGHT_SUM_TOLERANCE`]).
    pub fn validate(&self) -> Result<(), IndicatorError> {
        if self.indicators.is_empty() {
            return Err(IndicatorError::Empty);
        }
        let mut names = BTreeSet::new();
        for (index, indicator) in self.indicators.iter().enumerate() {
            let name = indicator.name.trim();
            if name.is_empty() {
                return Err(IndicatorError::EmptyName { index });
            }
            if !names.insert(name) {
                return Err(IndicatorError::DuplicateName {
                    name: name.to_owned(),
                });
            }
            if !is_non_negative(indicator.weight) {
                return Err(IndicatorError::InvalidWeight {
                    name: name.to_owned(),
                    weight: indicator.weight,
                });
            }
        }
        let sum: f64 = self.indicators.iter().map(|i| i.weight).sum();
        if (sum - INDICATOR_WEIGHT_TOTAL).abs() > WEIGHT_SUM_TOLERANCE {
            return Err(IndicatorError::WeightsNotHundred { sum });
        }
        Ok(())
    }
}

/// One evaluator's scores on one item, by indicator (in the set's order); `None` is a blank.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct EvaluatorSheet {
    /// The evaluator (a named account).
    pub evaluator: String,
    /// The item: `t12` or `u7`.
    pub item: String,
    /// 0–100 per indicator, in the order of the indicator set.
    pub scores: Vec<Option<f64>>,
}

impl EvaluatorSheet {
    /// A sheet from its parts.
    pub fn new(evaluator: &str, item: &str, scores: Vec<Option<f64>>) -> EvaluatorSheet {
        EvaluatorSheet {
            evaluator: evaluator.to_owned(),
            item: item.to_owned(),
            scores,
        }
    }
}

/// Checks score sheets against the indicator set: one score slot per indicator, every
/// given score finite and in 0–100, one sheet per evaluator and item.
pub fn validate_scores(
    indicators: &Indicators,
    sheets: &[EvaluatorSheet],
) -> Result<(), ScoreError> {
    let mut seen = BTreeSet::new();
    for sheet in sheets {
        if sheet.scores.len() != indicators.len() {
            return Err(ScoreError::WrongLength {
                evaluator: sheet.evaluator.clone(),
                item: sheet.item.clone(),
                expected: indicators.len(),
                got: sheet.scores.len(),
            });
        }
        for (score, indicator) in sheet.scores.iter().zip(&indicators.indicators) {
            if let Some(score) = *score
                && !is_percent(score)
            {
                return Err(ScoreError::OutOfRange {
                    evaluator: sheet.evaluator.clone(),
                    item: sheet.item.clone(),
                    indicator: indicator.name.clone(),
                    score,
                });
            }
        }
        if !seen.insert((sheet.item.as_str(), sheet.evaluator.as_str())) {
            return Err(ScoreError::Duplicate {
                evaluator: sheet.evaluator.clone(),
                item: sheet.item.clone(),
            });
        }
    }
    Ok(())
}

/// One evaluator's weighted score: Σ score × weight / 100. `None` if a score is blank or the
/// sheet does not match the set.
pub fn weighted_score(indicators: &Indicators, scores: &[Option<f64>]) -> Option<f64> {
    if scores.len() != indicators.len() || scores.is_empty() {
        return None;
    }
    let mut sum = 0.0;
    for (score, indicator) in scores.iter().zip(&indicators.indicators) {
        sum += (*score)? * indicator.weight;
    }
    finite(sum / INDICATOR_WEIGHT_TOTAL)
}

/// 优 / 良 / 中 / 差: the band of an evaluators' score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Grade {
    /// 优: 90–100.
    Excellent,
    /// 良: 80 to under 90.
    Good,
    /// 中: 60 to under 80.
    Fair,
    /// 差: under 60.
    Poor,
}

impl Grade {
    /// `优`, `良`, `中` or `差`.
    pub fn label(&self) -> &'static str {
        match self {
            Grade::Excellent => "优",
            Grade::Good => "良",
            Grade::Fair => "中",
            Grade::Poor => "差",
        }
    }
}

/// The band of a 0–100 score (a score within [`GRADE_TOLERANCE`] under a bound reaches it, so
/// float rounding cannot turn 90 into 良). `None` for NaN or an infinity.
pub fn grade_for(score: f64) -> Option<Grade> {
    if !score.is_finite() {
        return None;
    }
    let reaches = |bound: f64| score + GRADE_TOLERANCE >= bound;
    Some(if reaches(90.0) {
        Grade::Excellent
    } else if reaches(80.0) {
        Grade::Good
    } else if reaches(60.0) {
        Grade::Fair
    } else {
        Grade::Poor
    })
}

/// One evaluator's line in an item's results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvaluatorLine {
    /// The evaluator.
    pub evaluator: String,
    /// The raw scores, by indicator.
    pub scores: Vec<Option<f64>>,
    /// Σ score × weight / 100; `None` when a score is blank (the evaluator is not counted).
    pub weighted: Option<f64>,
    /// Dropped by trimming (the highest or the lowest).
    pub dropped: bool,
}

/// The evaluators' results on one item.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct EvaluatorResult {
    /// Every sheet, in the order given.
    pub lines: Vec<EvaluatorLine>,
    /// Evaluators with a complete sheet.
    pub complete: usize,
    /// Evaluators who left an indicator blank (not counted).
    pub incomplete: usize,
    /// Whether the highest and the lowest were dropped.
    pub trimmed: bool,
    /// Evaluators in the mean: `complete`, less two when trimmed.
    pub used: usize,
    /// Σ weighted scores of the evaluators used.
    pub sum: f64,
    /// `sum` / `used`. `None` when nobody is used.
    pub score: Option<f64>,
    /// The band of `score`.
    pub grade: Option<Grade>,
}

impl EvaluatorResult {
    /// Whether any evaluator's score counts.
    pub fn has_data(&self) -> bool {
        self.score.is_some()
    }
}

/// The mean score per indicator over the lines counted in an item's evaluator score (complete
/// and not trimmed), so the indicator means weighted by the set give back that score. `None`
/// for every indicator when no line counts.
pub fn indicator_means(indicators: &Indicators, result: &EvaluatorResult) -> Vec<Option<f64>> {
    let counted: Vec<&EvaluatorLine> = result
        .lines
        .iter()
        .filter(|l| l.weighted.is_some() && !l.dropped)
        .collect();
    (0..indicators.len())
        .map(|k| {
            if counted.is_empty() {
                return None;
            }
            let sum: f64 = counted
                .iter()
                .map(|l| l.scores.get(k).copied().flatten().unwrap_or(0.0))
                .sum();
            finite(sum / counted.len() as f64)
        })
        .collect()
}

/// The evaluators' results on one item from its sheets (the set and the sheets are
/// validated here, with [`Indicators::validate`] and [`validate_scores`]). With `trim` and
/// five or more complete sheets, one highest and one lowest weighted score are dropped
/// (among equal scores, the evaluator first by name).
pub fn evaluate_item(
    indicators: &Indicators,
    sheets: &[EvaluatorSheet],
    trim: bool,
) -> Result<EvaluatorResult, ResultsError> {
    indicators.validate()?;
    validate_scores(indicators, sheets)?;
    let mut lines: Vec<EvaluatorLine> = sheets
        .iter()
        .map(|s| EvaluatorLine {
            evaluator: s.evaluator.clone(),
            scores: s.scores.clone(),
            weighted: weighted_score(indicators, &s.scores),
            dropped: false,
        })
        .collect();
    // Complete lines, lowest first; ties by evaluator, then by position.
    let mut order: Vec<(usize, f64)> = lines
        .iter()
        .enumerate()
        .filter_map(|(i, l)| l.weighted.map(|w| (i, w)))
        .collect();
    order.sort_by(|a, b| {
        a.1.total_cmp(&b.1)
            .then_with(|| lines[a.0].evaluator.cmp(&lines[b.0].evaluator))
            .then_with(|| a.0.cmp(&b.0))
    });
    let complete = order.len();
    let trimmed = trim && complete >= TRIM_MIN_EVALUATORS;
    if trimmed {
        let ends = [order.first().map(|o| o.0), order.last().map(|o| o.0)];
        for i in ends.into_iter().flatten() {
            if let Some(line) = lines.get_mut(i) {
                line.dropped = true;
            }
        }
    }
    let used: Vec<f64> = lines
        .iter()
        .filter(|l| !l.dropped)
        .filter_map(|l| l.weighted)
        .collect();
    let sum: f64 = used.iter().sum();
    let score = mean(sum, used.len());
    Ok(EvaluatorResult {
        complete,
        incomplete: lines.len() - complete,
        trimmed,
        used: used.len(),
        sum,
        score,
        grade: score.and_then(grade_for),
        lines,
    })
}
