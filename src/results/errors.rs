//! Every error of the engine, and the two halves of its messages. Each message is Chinese,
//! then English ("…。English."): a page shows the Chinese part, the command line the English.
//! They sit together because [`ResultsError`] wraps all the others.

use serde::{Deserialize, Serialize};
use thiserror::Error;

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
    /// The round's scale is invalid; the message is
    /// [`Scale::validate`](crate::ballot::scale::Scale::validate)'s.
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
