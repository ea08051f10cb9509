//! The results engine: stored counts and evaluator scores in, every figure of a round out.
//!
//! Pure: no database, no HTTP, no I/O, no clock, no randomness; it compiles for the browser
//! (wasm32) as well as for the server. It never sees a ballot, only the counts stored for
//! each item, so nothing here can tell how a deputy voted.
//!
//! # The figures, and how to recompute them
//!
//! Deputies (per item; [`rate`]):
//! - `valid` = Σ counts (ballots that rated the item); `not_rated` is shown, never counted.
//! - `n` (N) = `valid` ([`Denominator::ValidBallots`], the default), or the number of deputies
//!   invited / present ([`Denominator::Invited`], [`Denominator::Present`]).
//! - 满意率 `satisfaction_rate` = `satisfied` / N, where `satisfied` = the votes in the
//!   "satisfied" levels (every level but the last unless configured: 满意 + 基本满意).
//! - `satisfaction_score` (0–100) = Σ count × level weight / `valid` (always the valid
//!   ballots, whatever N is); `weighted_sum` is the numerator.
//! - `classification` (Zhenhai 2022): 满意 if the first level's votes are *over* half of N
//!   (2 × 满意 > N), else 基本满意 if the satisfied levels' votes are over half, else 不满意.
//!   Exactly half is not over half.
//! - An item no deputy rated (`valid` = 0) has no rate, score or classification, whatever
//!   the denominator.
//!
//! Evaluators (per item; [`evaluate_item`]):
//! - each evaluator's `weighted` score = Σ score × indicator weight / 100; an evaluator who
//!   left an indicator blank has no weighted score and is not counted;
//! - the item's `score` = the mean of the counted evaluators, after dropping one highest and
//!   one lowest when trimming is on and five or more evaluators are counted;
//! - `grade`: 优 ≥ 90, 良 ≥ 80, 中 ≥ 60, 差 below 60.
//!
//! Combined ([`combine`]): (w_d × deputies' score + w_e × evaluators' score) / (w_d + w_e) over
//! the groups that have data; the effective weights (in %) are shown beside the value.
//!
//! Every rate and score is an `Option<f64>`: `None` where it is undefined, never NaN.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::ballot::scale::Scale;

/// Deputies' and evaluators' weights in the combined index, by default (60 % / 40 %).
pub const DEFAULT_GROUP_WEIGHTS: (f64, f64) = (60.0, 40.0);
/// 满意率 under which an item needs re-handling, by default (80 %).
pub const DEFAULT_REWORK_THRESHOLD: f64 = 0.80;
/// Fewest counted evaluators for which trimming drops the highest and the lowest.
pub const TRIM_MIN_EVALUATORS: usize = 5;
/// What indicator weights must add up to.
pub const INDICATOR_WEIGHT_TOTAL: f64 = 100.0;
/// Slack allowed when checking that indicator weights add up to 100 (`33.3 + 33.3 + 33.4`).
pub const WEIGHT_SUM_TOLERANCE: f64 = 1e-6;
/// Slack for float rounding at a grade boundary: a score within this of 90 is 优.
pub const GRADE_TOLERANCE: f64 = 1e-9;
/// Combined indices closer than this share a rank.
pub const TIE_TOLERANCE: f64 = 1e-9;
/// The flag shown on an item that must be handled again.
pub const NEEDS_REWORK_LABEL: &str = "需重新办理";

// ---------------------------------------------------------------------------------------------
// Configuration
// ---------------------------------------------------------------------------------------------

/// N, the base of 满意率 and of the majority rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Denominator {
    /// The ballots that rated this item (blank ones not counted). The default.
    #[default]
    ValidBallots,
    /// The number of deputies invited to the evaluation (应到).
    Invited(u64),
    /// The number of deputies present (实到).
    Present(u64),
}

impl Denominator {
    /// What N is, for a page: `有效票数`.
    pub fn label(&self) -> &'static str {
        match self {
            Denominator::ValidBallots => "有效票数",
            Denominator::Invited(_) => "应到代表人数",
            Denominator::Present(_) => "实到代表人数",
        }
    }

    /// N for an item with `valid` valid ballots.
    pub fn n_for(&self, valid: u64) -> u64 {
        match *self {
            Denominator::ValidBallots => valid,
            Denominator::Invited(n) | Denominator::Present(n) => n,
        }
    }
}

/// How a round's results are computed. Every field has a default, so `{}` is a valid JSON
/// configuration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ResultsConfig {
    /// N for 满意率 and the majority rule. Default: valid ballots.
    pub denominator: Denominator,
    /// Level indices counted as satisfied for 满意率 and 基本满意. `None`: every level but the
    /// last (满意 + 基本满意; on a four-level scale 满意 + 比较满意 + 基本满意).
    pub satisfied_levels: Option<Vec<u8>>,
    /// Level weights (0–100) for the satisfaction score, one per level. `None`: the scale's.
    pub level_weights: Option<Vec<f64>>,
    /// (deputies, evaluators) weights of the combined index, each 0–100, not both 0; only
    /// their ratio matters. Default (60, 40).
    pub group_weights: (f64, f64),
    /// An item whose 满意率 is under this rate (0–1) needs re-handling. Default 0.80.
    pub rework_threshold: f64,
    /// Drop one highest and one lowest evaluator when five or more are counted. Default off.
    pub trim: bool,
}

impl Default for ResultsConfig {
    fn default() -> ResultsConfig {
        ResultsConfig {
            denominator: Denominator::ValidBallots,
            satisfied_levels: None,
            level_weights: None,
            group_weights: DEFAULT_GROUP_WEIGHTS,
            rework_threshold: DEFAULT_REWORK_THRESHOLD,
            trim: false,
        }
    }
}

impl ResultsConfig {
    /// Checks what can be checked without the scale (see [`ResultsConfig::resolve`] for the
    /// rest).
    pub fn validate(&self) -> Result<(), ConfigError> {
        if let Denominator::Invited(0) | Denominator::Present(0) = self.denominator {
            return Err(ConfigError::ZeroDenominator);
        }
        if let Some(levels) = &self.satisfied_levels {
            if levels.is_empty() {
                return Err(ConfigError::SatisfiedLevelsEmpty);
            }
            let mut seen = BTreeSet::new();
            for &level in levels {
                if !seen.insert(level) {
                    return Err(ConfigError::SatisfiedLevelRepeated { level });
                }
            }
            if !seen.contains(&0) {
                return Err(ConfigError::SatisfiedLevelsWithoutFirst);
            }
        }
        if let Some(weights) = &self.level_weights {
            for (index, &weight) in weights.iter().enumerate() {
                if !is_percent(weight) {
                    return Err(ConfigError::LevelWeightOutOfRange { index, weight });
                }
            }
        }
        let (deputies, evaluators) = self.group_weights;
        if !is_percent(deputies) || !is_percent(evaluators) {
            return Err(ConfigError::GroupWeightInvalid {
                deputies,
                evaluators,
            });
        }
        if deputies + evaluators <= 0.0 {
            return Err(ConfigError::GroupWeightsZero);
        }
        let t = self.rework_threshold;
        if !(t.is_finite() && (0.0..=1.0).contains(&t)) {
            return Err(ConfigError::ReworkThresholdInvalid { threshold: t });
        }
        Ok(())
    }

    /// Validates the scale and this configuration against it, and fixes the satisfied
    /// levels and level weights that the computation uses.
    pub fn resolve(&self, scale: &Scale) -> Result<ResolvedConfig, ResultsError> {
        scale.validate().map_err(ResultsError::Scale)?;
        self.validate()?;
        let levels = scale.len();
        let satisfied_levels: Vec<u8> = match &self.satisfied_levels {
            Some(chosen) => {
                let mut sorted = chosen.clone();
                sorted.sort_unstable();
                if let Some(&level) = sorted.iter().find(|&&l| usize::from(l) >= levels) {
                    return Err(ConfigError::SatisfiedLevelOutOfScale { level, levels }.into());
                }
                sorted
            }
            None => (0..levels.saturating_sub(1))
                .filter_map(|i| u8::try_from(i).ok())
                .collect(),
        };
        let level_weights = match &self.level_weights {
            Some(weights) => {
                if weights.len() != levels {
                    return Err(ConfigError::LevelWeightsLength {
                        expected: levels,
                        got: weights.len(),
                    }
                    .into());
                }
                weights.clone()
            }
            None => scale.levels.iter().map(|l| l.weight).collect(),
        };
        Ok(ResolvedConfig {
            scale: scale.clone(),
            config: self.clone(),
            satisfied_levels,
            level_weights,
        })
    }
}

/// A configuration checked against its scale, with the satisfied levels and level weights
/// spelled out: what a results page prints as "计算方法". Made by [`ResultsConfig::resolve`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResolvedConfig {
    /// The round's scale.
    pub scale: Scale,
    /// The configuration as given.
    pub config: ResultsConfig,
    /// Level indices counted as satisfied, ascending.
    pub satisfied_levels: Vec<u8>,
    /// The weight of each level, by index.
    pub level_weights: Vec<f64>,
}

/// A configuration that cannot be used. Messages are Chinese, then English.
#[derive(Debug, Clone, PartialEq, Error, Serialize, Deserialize)]
pub enum ConfigError {
    #[error("应到或实到代表人数不能为0。The number of deputies invited or present must not be 0.")]
    ZeroDenominator,
    #[error(
        "计入满意率的等级不能为空。At least one level must count as satisfied for the satisfaction rate."
    )]
    SatisfiedLevelsEmpty,
    #[error("计入满意率的等级{level}重复。Satisfied level {level} is listed more than once.")]
    SatisfiedLevelRepeated { level: u8 },
    #[error(
        "计入满意率的等级必须包含第一个等级（满意）。The satisfied levels must include the first level (满意)."
    )]
    SatisfiedLevelsWithoutFirst,
    #[error(
        "计入满意率的等级{level}不在评价等级中（共{levels}个等级，从0编号）。Satisfied level {level} is not on the scale, which has {levels} levels numbered from 0."
    )]
    SatisfiedLevelOutOfScale { level: u8, levels: usize },
    #[error(
        "等级分值应有{expected}个，与评价等级一一对应，现在是{got}个。There must be {expected} level weights, one per level; there are {got}."
    )]
    LevelWeightsLength { expected: usize, got: usize },
    #[error(
        "第{}个等级的分值应在0到100之间，现在是{weight}。Level weight {} must be between 0 and 100; it is {weight}.",
        .index + 1,
        .index + 1
    )]
    LevelWeightOutOfRange { index: usize, weight: f64 },
    #[error(
        "代表和评估机构的权重应在0到100之间，现在是{deputies}和{evaluators}。The deputies' and evaluators' weights must be between 0 and 100; they are {deputies} and {evaluators}."
    )]
    GroupWeightInvalid { deputies: f64, evaluators: f64 },
    #[error(
        "代表和评估机构的权重不能都为0。The deputies' and evaluators' weights must not both be 0."
    )]
    GroupWeightsZero,
    #[error(
        "需重新办理的满意率标准应在0到1之间，现在是{threshold}。The rework threshold must be a rate between 0 and 1; it is {threshold}."
    )]
    ReworkThresholdInvalid { threshold: f64 },
}

/// Any error of the engine. Messages are Chinese, then English.
#[derive(Debug, Clone, PartialEq, Error, Serialize, Deserialize)]
pub enum ResultsError {
    /// The round's scale is invalid; the message is [`Scale::validate`]'s.
    #[error("评价等级设置有误：{0} The rating scale is invalid.")]
    Scale(String),
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Indicators(#[from] IndicatorError),
    #[error(transparent)]
    Score(#[from] ScoreError),
    #[error(transparent)]
    Counts(#[from] CountsError),
}

/// Where an engine message ("Chinese。English.") turns to English: after the first `。` that is
/// followed by a capital letter.
fn language_cut(message: &str) -> Option<usize> {
    message
        .match_indices('。')
        .map(|(i, m)| i + m.len())
        .find(|&end| {
            message[end..]
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_uppercase())
        })
}

/// The Chinese part of an engine message, for a page (the whole message if it has no English).
pub fn message_zh(message: &str) -> &str {
    language_cut(message).map_or(message, |end| &message[..end])
}

/// The English part of an engine message, for the command line (the whole message if it has no
/// Chinese part).
pub fn message_en(message: &str) -> &str {
    language_cut(message).map_or(message, |end| &message[end..])
}

// ---------------------------------------------------------------------------------------------
// Deputies
// ---------------------------------------------------------------------------------------------

/// The stored counts of one item from the deputies (or any group that rates on the scale).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ItemCounts {
    /// The item: `t12` (a task) or `u7` (a member unit).
    pub item: String,
    /// Ballots per level index: `counts[0]` chose the first level (满意).
    pub counts: Vec<u64>,
    /// Ballots that left this item blank (or marked it invalidly): shown, never counted.
    pub not_rated: u64,
}

impl ItemCounts {
    /// Counts from their parts.
    pub fn new(item: impl Into<String>, counts: Vec<u64>, not_rated: u64) -> ItemCounts {
        ItemCounts {
            item: item.into(),
            counts,
            not_rated,
        }
    }
}

/// 满意 / 基本满意 / 不满意: an item's class under the majority rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Classification {
    /// 满意: the first level has over half of N.
    Satisfied,
    /// 基本满意: the satisfied levels together have over half of N.
    Basic,
    /// 不满意: neither.
    Dissatisfied,
}

impl Classification {
    /// `满意`, `基本满意` or `不满意`.
    pub fn label(&self) -> &'static str {
        match self {
            Classification::Satisfied => "满意",
            Classification::Basic => "基本满意",
            Classification::Dissatisfied => "不满意",
        }
    }
}

/// The majority rule (Zhenhai 2022): `first` = votes for the first level (满意), `satisfied` =
/// votes for the satisfied levels (满意 + 基本满意), `n` = N. "Over half" is strictly more than
/// N / 2 (compared as 2 × votes > N, in integers). N = 0: no class.
pub fn classify(first: u64, satisfied: u64, n: u64) -> Option<Classification> {
    if n == 0 {
        return None;
    }
    let over_half = |votes: u64| 2 * u128::from(votes) > u128::from(n);
    Some(if over_half(first) {
        Classification::Satisfied
    } else if over_half(satisfied) {
        Classification::Basic
    } else {
        Classification::Dissatisfied
    })
}

/// One group's results on one item: the raw counts, N, and what follows from them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RatingResult {
    /// Ballots per level index.
    pub counts: Vec<u64>,
    /// Ballots that left the item blank.
    pub not_rated: u64,
    /// Ballots that reached this item: `valid + not_rated`.
    pub ballots: u64,
    /// Valid ballots: Σ `counts`.
    pub valid: u64,
    /// N, the base of the rate and of the majority rule.
    pub n: u64,
    /// Votes for the first level (满意).
    pub first_level: u64,
    /// Votes for the satisfied levels (满意 + 基本满意).
    pub satisfied: u64,
    /// 满意率 = `satisfied` / `n`, 0–1. `None` when no valid ballot.
    pub satisfaction_rate: Option<f64>,
    /// Σ count × level weight.
    pub weighted_sum: f64,
    /// `weighted_sum` / `valid`, 0–100. `None` when no valid ballot.
    pub satisfaction_score: Option<f64>,
    /// The majority rule's class. `None` when no valid ballot.
    pub classification: Option<Classification>,
}

impl RatingResult {
    /// The result of an item nobody rated, on a scale of `levels` levels.
    pub fn empty(levels: usize, n: u64) -> RatingResult {
        RatingResult {
            counts: vec![0; levels],
            not_rated: 0,
            ballots: 0,
            valid: 0,
            n,
            first_level: 0,
            satisfied: 0,
            satisfaction_rate: None,
            weighted_sum: 0.0,
            satisfaction_score: None,
            classification: None,
        }
    }

    /// Whether any valid ballot rated the item.
    pub fn has_data(&self) -> bool {
        self.valid > 0
    }
}

/// Stored counts that cannot be used. Messages are Chinese, then English.
#[derive(Debug, Clone, PartialEq, Eq, Error, Serialize, Deserialize)]
pub enum CountsError {
    #[error(
        "事项“{item}”有{got}个等级的票数，评价等级为{expected}个。Item {item} has counts for {got} levels; the scale has {expected}."
    )]
    WrongLevelCount {
        item: String,
        expected: usize,
        got: usize,
    },
    #[error("事项“{item}”的票数重复提供。Item {item} has counts given twice.")]
    DuplicateItem { item: String },
    #[error(
        "事项“{item}”的有效票{valid}张，多于测评基数{n}。Item {item} has {valid} valid ballots, more than N = {n}."
    )]
    TooManyBallots { item: String, valid: u64, n: u64 },
    #[error("事项“{item}”的票数过大，无法合计。The counts of item {item} are too large to add up.")]
    Overflow { item: String },
}

/// The results of one item's counts under a resolved configuration.
pub fn rate(resolved: &ResolvedConfig, counts: &ItemCounts) -> Result<RatingResult, CountsError> {
    let item = || counts.item.clone();
    let levels = resolved.scale.len();
    if counts.counts.len() != levels {
        return Err(CountsError::WrongLevelCount {
            item: item(),
            expected: levels,
            got: counts.counts.len(),
        });
    }
    let valid = counts
        .counts
        .iter()
        .try_fold(0u64, |sum, &c| sum.checked_add(c))
        .ok_or_else(|| CountsError::Overflow { item: item() })?;
    let ballots = valid
        .checked_add(counts.not_rated)
        .ok_or_else(|| CountsError::Overflow { item: item() })?;
    let n = resolved.config.denominator.n_for(valid);
    if valid > n {
        return Err(CountsError::TooManyBallots {
            item: item(),
            valid,
            n,
        });
    }
    let first_level = counts.counts.first().copied().unwrap_or(0);
    // Each satisfied level once (the resolved list is deduplicated, but may come from JSON).
    let satisfied_set: BTreeSet<u8> = resolved.satisfied_levels.iter().copied().collect();
    let satisfied = satisfied_set
        .iter()
        .filter_map(|&l| counts.counts.get(usize::from(l)))
        .fold(0u64, |sum, &c| sum.saturating_add(c));
    let weighted_sum: f64 = counts
        .counts
        .iter()
        .enumerate()
        .map(|(i, &c)| c as f64 * resolved.level_weights.get(i).copied().unwrap_or(0.0))
        .sum();
    let (satisfaction_rate, satisfaction_score, classification) = if valid == 0 {
        (None, None, None)
    } else {
        (
            finite(satisfied as f64 / n as f64),
            finite(weighted_sum / valid as f64),
            classify(first_level, satisfied, n),
        )
    };
    Ok(RatingResult {
        counts: counts.counts.clone(),
        not_rated: counts.not_rated,
        ballots,
        valid,
        n,
        first_level,
        satisfied,
        satisfaction_rate,
        weighted_sum: if weighted_sum.is_finite() {
            weighted_sum
        } else {
            0.0
        },
        satisfaction_score,
        classification,
    })
}

// ---------------------------------------------------------------------------------------------
// Evaluators
// ---------------------------------------------------------------------------------------------

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

/// An indicator system that cannot be used. Messages are Chinese, then English.
#[derive(Debug, Clone, PartialEq, Error, Serialize, Deserialize)]
pub enum IndicatorError {
    #[error("指标体系中没有指标。The indicator set has no indicator.")]
    Empty,
    #[error("第{}个指标缺少名称。Indicator {} has no name.", .index + 1, .index + 1)]
    EmptyName { index: usize },
    #[error("指标名称“{name}”重复。The indicator name “{name}” is used more than once.")]
    DuplicateName { name: String },
    #[error(
        "指标“{name}”的权重应为不小于0的数，现在是{weight}。The weight of indicator “{name}” must be a number of at least 0; it is {weight}."
    )]
    InvalidWeight { name: String, weight: f64 },
    #[error(
        "各指标权重之和应为100，现在是{sum}。The indicator weights must add up to 100; they add up to {sum}."
    )]
    WeightsNotHundred { sum: f64 },
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

/// Evaluator scores that cannot be used. Messages are Chinese, then English.
#[derive(Debug, Clone, PartialEq, Error, Serialize, Deserialize)]
pub enum ScoreError {
    #[error("有评估打分，但没有指标体系。Evaluator scores were given without an indicator set.")]
    NoIndicators,
    #[error(
        "评估人“{evaluator}”对“{item}”的打分有{got}项，指标有{expected}个。Evaluator {evaluator} gave {got} scores on {item}; there are {expected} indicators."
    )]
    WrongLength {
        evaluator: String,
        item: String,
        expected: usize,
        got: usize,
    },
    #[error(
        "评估人“{evaluator}”对“{item}”的“{indicator}”打分{score}，应在0到100之间。Evaluator {evaluator} scored {score} on “{indicator}” for {item}; scores must be between 0 and 100."
    )]
    OutOfRange {
        evaluator: String,
        item: String,
        indicator: String,
        score: f64,
    },
    #[error(
        "评估人“{evaluator}”对“{item}”的打分重复提供。Evaluator {evaluator} has two score sheets for {item}."
    )]
    Duplicate { evaluator: String, item: String },
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

// ---------------------------------------------------------------------------------------------
// Combined index, rework flag, item results
// ---------------------------------------------------------------------------------------------

/// The combined index of an item and what it is made of.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CombinedIndex {
    /// The deputies' satisfaction score (0–100), if any.
    pub deputy_score: Option<f64>,
    /// The evaluators' score (0–100), if any.
    pub evaluator_score: Option<f64>,
    /// The deputies' effective weight, in %, after renormalisation (0 without their data).
    pub deputy_weight: f64,
    /// The evaluators' effective weight, in %, after renormalisation.
    pub evaluator_weight: f64,
    /// (deputy_weight × deputy_score + evaluator_weight × evaluator_score) / 100. `None`
    /// when no group with a positive weight has data.
    pub value: Option<f64>,
}

/// Combines the two groups' scores with `group_weights` = (deputies, evaluators), renormalised
/// over the groups that have a score. A negative or non-finite weight counts as 0.
pub fn combine(
    deputy_score: Option<f64>,
    evaluator_score: Option<f64>,
    group_weights: (f64, f64),
) -> CombinedIndex {
    let weight = |w: f64| if is_non_negative(w) { w } else { 0.0 };
    let deputy_score = deputy_score.and_then(finite);
    let evaluator_score = evaluator_score.and_then(finite);
    let wd = deputy_score.map_or(0.0, |_| weight(group_weights.0));
    let we = evaluator_score.map_or(0.0, |_| weight(group_weights.1));
    let total = wd + we;
    let none = CombinedIndex {
        deputy_score,
        evaluator_score,
        deputy_weight: 0.0,
        evaluator_weight: 0.0,
        value: None,
    };
    if !(total > 0.0 && total.is_finite()) {
        return none;
    }
    let value = (wd * deputy_score.unwrap_or(0.0) + we * evaluator_score.unwrap_or(0.0)) / total;
    match finite(value) {
        Some(value) => CombinedIndex {
            deputy_weight: wd / total * 100.0,
            evaluator_weight: we / total * 100.0,
            value: Some(value),
            ..none
        },
        None => none,
    }
}

/// Why an item needs re-handling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReworkReason {
    /// Classed 不满意 by the majority rule.
    Dissatisfied,
    /// 满意率 under the configured threshold.
    BelowThreshold,
}

impl ReworkReason {
    /// What a page shows.
    pub fn label(&self) -> &'static str {
        match self {
            ReworkReason::Dissatisfied => "测评结果为不满意",
            ReworkReason::BelowThreshold => "满意率低于规定标准",
        }
    }
}

/// Everything about one item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemResult {
    /// The item: `t12` or `u7`.
    pub item: String,
    /// The deputies' results (all zero when no deputy rated it).
    pub deputies: RatingResult,
    /// The evaluators' results (empty when no evaluator scored it).
    pub evaluators: EvaluatorResult,
    /// The combined index.
    pub combined: CombinedIndex,
    /// 需重新办理: classed 不满意, or 满意率 under the threshold.
    pub needs_rework: bool,
    /// Why, when `needs_rework`.
    pub rework_reasons: Vec<ReworkReason>,
    /// Neither deputies nor evaluators gave this item a figure.
    pub no_data: bool,
}

/// Puts an item's results together: the combined index and the rework flag.
pub fn item_result(
    item: &str,
    deputies: RatingResult,
    evaluators: EvaluatorResult,
    config: &ResultsConfig,
) -> ItemResult {
    let combined = combine(
        deputies.satisfaction_score,
        evaluators.score,
        config.group_weights,
    );
    let mut rework_reasons = Vec::new();
    if deputies.classification == Some(Classification::Dissatisfied) {
        rework_reasons.push(ReworkReason::Dissatisfied);
    }
    if let Some(rate) = deputies.satisfaction_rate
        && rate < config.rework_threshold
    {
        rework_reasons.push(ReworkReason::BelowThreshold);
    }
    let no_data = !deputies.has_data() && !evaluators.has_data();
    ItemResult {
        item: item.to_owned(),
        needs_rework: !rework_reasons.is_empty(),
        rework_reasons,
        no_data,
        deputies,
        evaluators,
        combined,
    }
}

// ---------------------------------------------------------------------------------------------
// Rankings
// ---------------------------------------------------------------------------------------------

/// One line of a ranking.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RankEntry {
    /// The item.
    pub item: String,
    /// 1 for the best; equal indices share a rank ("1, 2, 2, 4"). `None`: no index, unranked.
    pub rank: Option<usize>,
    /// The combined index ranked on.
    pub combined: Option<f64>,
}

/// Ranks `(item, index)` pairs: index descending, ties (within [`TIE_TOLERANCE`] of the first
/// of their group) sharing the competition rank, then by item id; items without an index
/// last, unranked, by item id.
pub fn rank_indices(pairs: &[(String, Option<f64>)]) -> Vec<RankEntry> {
    let mut ranked: Vec<(&String, f64)> = pairs
        .iter()
        .filter_map(|(item, v)| v.and_then(finite).map(|v| (item, v)))
        .collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    let mut out = Vec::with_capacity(pairs.len());
    let mut group: Option<(usize, f64)> = None;
    for (position, (item, value)) in ranked.into_iter().enumerate() {
        let rank = match group {
            Some((rank, leader)) if (leader - value).abs() <= TIE_TOLERANCE => rank,
            _ => {
                group = Some((position + 1, value));
                position + 1
            }
        };
        out.push(RankEntry {
            item: item.clone(),
            rank: Some(rank),
            combined: Some(value),
        });
    }
    let mut unranked: Vec<&String> = pairs
        .iter()
        .filter(|(_, v)| v.and_then(finite).is_none())
        .map(|(item, _)| item)
        .collect();
    unranked.sort();
    out.extend(unranked.into_iter().map(|item| RankEntry {
        item: item.clone(),
        rank: None,
        combined: None,
    }));
    out
}

/// Ranks the given items by combined index.
pub fn rank_items(items: &[ItemResult]) -> Vec<RankEntry> {
    let pairs: Vec<(String, Option<f64>)> = items
        .iter()
        .map(|r| (r.item.clone(), r.combined.value))
        .collect();
    rank_indices(&pairs)
}

/// Ranks the items named in `ids` (each once), looked up in `items`; an id without a result
/// is listed unranked.
pub fn rank_selected(items: &[ItemResult], ids: &[String]) -> Vec<RankEntry> {
    let by_id: BTreeMap<&str, &ItemResult> = items.iter().map(|r| (r.item.as_str(), r)).collect();
    let mut seen = BTreeSet::new();
    let pairs: Vec<(String, Option<f64>)> = ids
        .iter()
        .filter(|id| seen.insert(id.as_str()))
        .map(|id| {
            let value = by_id.get(id.as_str()).and_then(|r| r.combined.value);
            (id.clone(), value)
        })
        .collect();
    rank_indices(&pairs)
}

// ---------------------------------------------------------------------------------------------
// A round
// ---------------------------------------------------------------------------------------------

/// What a round's results are computed from: stored counts and scores, never ballots.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct RoundInput {
    /// The round's scale.
    pub scale: Scale,
    /// The deputies' counts, one row per item.
    pub deputy_counts: Vec<ItemCounts>,
    /// The evaluators' indicator set; required when there are sheets.
    pub indicators: Option<Indicators>,
    /// The evaluators' sheets, one per evaluator and item.
    pub evaluator_sheets: Vec<EvaluatorSheet>,
    /// The items that are tasks (`t…`), in display order: ranked together.
    pub tasks: Vec<String>,
    /// The items that are member units (`u…`), in display order: ranked together.
    pub units: Vec<String>,
}

/// A round's results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoundResults {
    /// How they were computed.
    pub method: ResolvedConfig,
    /// The evaluators' indicator set, if any.
    pub indicators: Option<Indicators>,
    /// Every item: the tasks, then the units, then any other item met in the counts or sheets,
    /// each once, in the order first met.
    pub items: Vec<ItemResult>,
    /// The tasks ranked by combined index.
    pub task_ranking: Vec<RankEntry>,
    /// The units ranked by combined index.
    pub unit_ranking: Vec<RankEntry>,
}

impl RoundResults {
    /// The result of one item.
    pub fn item(&self, id: &str) -> Option<&ItemResult> {
        self.items.iter().find(|r| r.item == id)
    }
}

/// Computes a round: validates the scale, configuration, indicator set and every input row,
/// then every item's figures, the combined indices, the flags and the two rankings.
pub fn compute_results(
    input: &RoundInput,
    config: &ResultsConfig,
) -> Result<RoundResults, ResultsError> {
    let resolved = config.resolve(&input.scale)?;
    let indicators = match &input.indicators {
        Some(set) => {
            set.validate()?;
            Some(set)
        }
        None if input.evaluator_sheets.is_empty() => None,
        None => return Err(ScoreError::NoIndicators.into()),
    };
    if let Some(set) = indicators {
        validate_scores(set, &input.evaluator_sheets)?;
    }

    // Items in order: tasks, units, then the rest as first met.
    let mut order: Vec<&str> = Vec::new();
    let mut known = BTreeSet::new();
    let candidates = input
        .tasks
        .iter()
        .chain(&input.units)
        .chain(input.deputy_counts.iter().map(|c| &c.item))
        .chain(input.evaluator_sheets.iter().map(|s| &s.item));
    for id in candidates {
        if known.insert(id.as_str()) {
            order.push(id.as_str());
        }
    }

    let mut counts_by_item: BTreeMap<&str, &ItemCounts> = BTreeMap::new();
    for row in &input.deputy_counts {
        if counts_by_item.insert(row.item.as_str(), row).is_some() {
            return Err(CountsError::DuplicateItem {
                item: row.item.clone(),
            }
            .into());
        }
    }
    let mut sheets_by_item: BTreeMap<&str, Vec<EvaluatorSheet>> = BTreeMap::new();
    for sheet in &input.evaluator_sheets {
        sheets_by_item
            .entry(sheet.item.as_str())
            .or_default()
            .push(sheet.clone());
    }

    let no_counts = RatingResult::empty(resolved.scale.len(), resolved.config.denominator.n_for(0));
    let mut items = Vec::with_capacity(order.len());
    for id in order {
        let deputies = match counts_by_item.get(id) {
            Some(row) => rate(&resolved, row)?,
            None => no_counts.clone(),
        };
        let evaluators = match (indicators, sheets_by_item.get(id)) {
            (Some(set), Some(sheets)) => evaluate_item(set, sheets, config.trim)?,
            _ => EvaluatorResult::default(),
        };
        items.push(item_result(id, deputies, evaluators, config));
    }
    let task_ranking = rank_selected(&items, &input.tasks);
    let unit_ranking = rank_selected(&items, &input.units);
    Ok(RoundResults {
        method: resolved,
        indicators: indicators.cloned(),
        items,
        task_ranking,
        unit_ranking,
    })
}

// ---------------------------------------------------------------------------------------------
// A unit's view
// ---------------------------------------------------------------------------------------------

/// A unit's role on a task.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskRole {
    /// 牵头单位.
    Lead,
    /// 责任单位.
    Responsible,
}

impl TaskRole {
    /// `牵头单位` or `责任单位`.
    pub fn label(&self) -> &'static str {
        match self {
            TaskRole::Lead => "牵头单位",
            TaskRole::Responsible => "责任单位",
        }
    }
}

/// A task that a unit leads or shares.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskLink {
    /// The task's item: `t12`.
    pub task: String,
    /// The unit's role on it.
    pub role: TaskRole,
}

impl TaskLink {
    /// A link from its parts.
    pub fn new(task: &str, role: TaskRole) -> TaskLink {
        TaskLink {
            task: task.to_owned(),
            role,
        }
    }
}

/// The simple mean of some tasks' combined indices.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MeanIndex {
    /// Tasks in the group.
    pub tasks: usize,
    /// Tasks with a combined index, in the mean.
    pub counted: usize,
    /// Σ their combined indices.
    pub sum: f64,
    /// `sum` / `counted`; `None` when none has an index.
    pub mean: Option<f64>,
}

/// A member unit's results: its own, and those of the tasks it leads and shares.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitView {
    /// The unit's item: `u7`.
    pub unit: String,
    /// The unit's own result, if the round has one.
    pub own: Option<ItemResult>,
    /// The tasks it leads (牵头), in the order of the links.
    pub led_tasks: Vec<ItemResult>,
    /// The tasks it shares as a responsible unit (责任), in the order of the links.
    pub shared_tasks: Vec<ItemResult>,
    /// Linked tasks without a result in the round.
    pub missing_tasks: Vec<String>,
    /// Mean combined index of `led_tasks`.
    pub led_mean: MeanIndex,
    /// Mean combined index of `shared_tasks`.
    pub shared_mean: MeanIndex,
}

/// A unit's view. `links` are this unit's (task, role) links; `results` are the round's item
/// results (tasks and units: the unit's own is looked up by `unit`). A task linked twice is
/// listed once; linked both as lead and as responsible, it is listed as led.
pub fn unit_view(unit: &str, links: &[TaskLink], results: &[ItemResult]) -> UnitView {
    let by_id: BTreeMap<&str, &ItemResult> = results.iter().map(|r| (r.item.as_str(), r)).collect();
    let led: BTreeSet<&str> = links
        .iter()
        .filter(|l| l.role == TaskRole::Lead)
        .map(|l| l.task.as_str())
        .collect();
    let mut seen = BTreeSet::new();
    let mut led_tasks = Vec::new();
    let mut shared_tasks = Vec::new();
    let mut missing_tasks = Vec::new();
    for link in links {
        let task = link.task.as_str();
        if !seen.insert(task) {
            continue;
        }
        match by_id.get(task) {
            Some(&result) if led.contains(task) => led_tasks.push(result.clone()),
            Some(&result) => shared_tasks.push(result.clone()),
            None => missing_tasks.push(task.to_owned()),
        }
    }
    UnitView {
        unit: unit.to_owned(),
        own: by_id.get(unit).map(|&r| r.clone()),
        led_mean: mean_index(&led_tasks),
        shared_mean: mean_index(&shared_tasks),
        led_tasks,
        shared_tasks,
        missing_tasks,
    }
}

fn mean_index(tasks: &[ItemResult]) -> MeanIndex {
    let values: Vec<f64> = tasks
        .iter()
        .filter_map(|t| t.combined.value.and_then(finite))
        .collect();
    let sum: f64 = values.iter().sum();
    MeanIndex {
        tasks: tasks.len(),
        counted: values.len(),
        sum: finite(sum).unwrap_or(0.0),
        mean: mean(sum, values.len()),
    }
}

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// `Some(x)` for a finite `x`: NaN and infinities never leave the engine.
fn finite(x: f64) -> Option<f64> {
    x.is_finite().then_some(x)
}

fn mean(sum: f64, count: usize) -> Option<f64> {
    if count == 0 {
        None
    } else {
        finite(sum / count as f64)
    }
}

fn is_percent(x: f64) -> bool {
    x.is_finite() && (0.0..=100.0).contains(&x)
}

fn is_non_negative(x: f64) -> bool {
    x.is_finite() && x >= 0.0
}

#[cfg(test)]
#[path = "engine_tests.rs"]
mod tests;
