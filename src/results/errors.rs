//! Every error of the engine. `Display` is English (the command line, logs); [`Bilingual::zh`]
//! is the Chinese a page shows. They sit together because [`ResultsError`] wraps all the others.

use crate::message::Bilingual;
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// A configuration that cannot be used.
#[derive(Debug, Clone, PartialEq, Error, Serialize, Deserialize)]
pub enum ConfigError {
    #[error("The number of deputies invited or present must not be 0.")]
    ZeroDenominator,
    #[error("At least one level must count as satisfied for the satisfaction rate.")]
    SatisfiedLevelsEmpty,
    #[error("Satisfied level {level} is listed more than once.")]
    SatisfiedLevelRepeated { level: u8 },
    #[error("The satisfied levels must include the first level (满意).")]
    SatisfiedLevelsWithoutFirst,
    #[error(
        "Satisfied level {level} is not on the scale, which has {levels} levels numbered from 0."
    )]
    SatisfiedLevelOutOfScale { level: u8, levels: usize },
    #[error("There must be {expected} level weights, one per level; there are {got}.")]
    LevelWeightsLength { expected: usize, got: usize },
    #[error("Level weight {} must be between 0 and 100; it is {weight}.", .index + 1)]
    LevelWeightOutOfRange { index: usize, weight: f64 },
    #[error(
        "The deputies' and evaluators' weights must be between 0 and 100; they are {deputies} and {evaluators}."
    )]
    GroupWeightInvalid { deputies: f64, evaluators: f64 },
    #[error("The deputies' and evaluators' weights must not both be 0.")]
    GroupWeightsZero,
    #[error("The rework threshold must be a rate between 0 and 1; it is {threshold}.")]
    ReworkThresholdInvalid { threshold: f64 },
}

impl Bilingual for ConfigError {
    fn zh(&self) -> String {
        match self {
            ConfigError::ZeroDenominator => "应到或实到代表人数不能为0。".into(),
            ConfigError::SatisfiedLevelsEmpty => "计入满意率的等级不能为空。".into(),
            ConfigError::SatisfiedLevelRepeated { level } => {
                format!("计入满意率的等级{level}重复。")
            }
            ConfigError::SatisfiedLevelsWithoutFirst => {
                "计入满意率的等级必须包含第一个等级（满意）。".into()
            }
            ConfigError::SatisfiedLevelOutOfScale { level, levels } => {
                format!("计入满意率的等级{level}不在评价等级中（共{levels}个等级，从0编号）。")
            }
            ConfigError::LevelWeightsLength { expected, got } => {
                format!("等级分值应有{expected}个，与评价等级一一对应，现在是{got}个。")
            }
            ConfigError::LevelWeightOutOfRange { index, weight } => {
                format!(
                    "第{}个等级的分值应在0到100之间，现在是{weight}。",
                    index + 1
                )
            }
            ConfigError::GroupWeightInvalid {
                deputies,
                evaluators,
            } => format!("代表和评估机构的权重应在0到100之间，现在是{deputies}和{evaluators}。"),
            ConfigError::GroupWeightsZero => "代表和评估机构的权重不能都为0。".into(),
            ConfigError::ReworkThresholdInvalid { threshold } => {
                format!("需重新办理的满意率标准应在0到1之间，现在是{threshold}。")
            }
        }
    }
}

/// Any error of the engine.
#[derive(Debug, Clone, PartialEq, Error, Serialize, Deserialize)]
pub enum ResultsError {
    /// The round's scale is invalid; the text is
    /// [`Scale::validate`](crate::ballot::scale::Scale::validate)'s (Chinese).
    #[error("The rating scale is invalid.")]
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

impl Bilingual for ResultsError {
    fn zh(&self) -> String {
        match self {
            ResultsError::Scale(m) => format!("评价等级设置有误：{m}"),
            ResultsError::Config(e) => e.zh(),
            ResultsError::Indicators(e) => e.zh(),
            ResultsError::Score(e) => e.zh(),
            ResultsError::Counts(e) => e.zh(),
        }
    }
}

/// Stored counts that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, Error, Serialize, Deserialize)]
pub enum CountsError {
    #[error("Item {item} has counts for {got} levels; the scale has {expected}.")]
    WrongLevelCount {
        item: String,
        expected: usize,
        got: usize,
    },
    #[error("Item {item} has counts given twice.")]
    DuplicateItem { item: String },
    #[error("Item {item} has {valid} valid ballots, more than N = {n}.")]
    TooManyBallots { item: String, valid: u64, n: u64 },
    #[error("The counts of item {item} are too large to add up.")]
    Overflow { item: String },
}

impl Bilingual for CountsError {
    fn zh(&self) -> String {
        match self {
            CountsError::WrongLevelCount {
                item,
                expected,
                got,
            } => format!("事项“{item}”有{got}个等级的票数，评价等级为{expected}个。"),
            CountsError::DuplicateItem { item } => format!("事项“{item}”的票数重复提供。"),
            CountsError::TooManyBallots { item, valid, n } => {
                format!("事项“{item}”的有效票{valid}张，多于测评基数{n}。")
            }
            CountsError::Overflow { item } => format!("事项“{item}”的票数过大，无法合计。"),
        }
    }
}

/// An indicator system that cannot be used.
#[derive(Debug, Clone, PartialEq, Error, Serialize, Deserialize)]
pub enum IndicatorError {
    #[error("The indicator set has no indicator.")]
    Empty,
    #[error("Indicator {} has no name.", .index + 1)]
    EmptyName { index: usize },
    #[error("The indicator name “{name}” is used more than once.")]
    DuplicateName { name: String },
    #[error("The weight of indicator “{name}” must be a number of at least 0; it is {weight}.")]
    InvalidWeight { name: String, weight: f64 },
    #[error("The indicator weights must add up to 100; they add up to {sum}.")]
    WeightsNotHundred { sum: f64 },
}

impl Bilingual for IndicatorError {
    fn zh(&self) -> String {
        match self {
            IndicatorError::Empty => "指标体系中没有指标。".into(),
            IndicatorError::EmptyName { index } => format!("第{}个指标缺少名称。", index + 1),
            IndicatorError::DuplicateName { name } => format!("指标名称“{name}”重复。"),
            IndicatorError::InvalidWeight { name, weight } => {
                format!("指标“{name}”的权重应为不小于0的数，现在是{weight}。")
            }
            IndicatorError::WeightsNotHundred { sum } => {
                format!("各指标权重之和应为100，现在是{sum}。")
            }
        }
    }
}

/// Evaluator scores that cannot be used.
#[derive(Debug, Clone, PartialEq, Error, Serialize, Deserialize)]
pub enum ScoreError {
    #[error("Evaluator scores were given without an indicator set.")]
    NoIndicators,
    #[error("Evaluator {evaluator} gave {got} scores on {item}; there are {expected} indicators.")]
    WrongLength {
        evaluator: String,
        item: String,
        expected: usize,
        got: usize,
    },
    #[error(
        "Evaluator {evaluator} scored {score} on “{indicator}” for {item}; scores must be between 0 and 100."
    )]
    OutOfRange {
        evaluator: String,
        item: String,
        indicator: String,
        score: f64,
    },
    #[error("Evaluator {evaluator} has two score sheets for {item}.")]
    Duplicate { evaluator: String, item: String },
}

impl Bilingual for ScoreError {
    fn zh(&self) -> String {
        match self {
            ScoreError::NoIndicators => "有评估打分，但没有指标体系。".into(),
            ScoreError::WrongLength {
                evaluator,
                item,
                expected,
                got,
            } => format!("评估人“{evaluator}”对“{item}”的打分有{got}项，指标有{expected}个。"),
            ScoreError::OutOfRange {
                evaluator,
                item,
                indicator,
                score,
            } => {
                format!("评估人“{evaluator}”对“{item}”的“{indicator}”打分{score}，应在0到100之间。")
            }
            ScoreError::Duplicate { evaluator, item } => {
                format!("评估人“{evaluator}”对“{item}”的打分重复提供。")
            }
        }
    }
}
