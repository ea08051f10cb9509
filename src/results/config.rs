//! How a round's results are computed: the engine's fixed numbers (default weights, the
//! rework threshold, tolerances), the configuration a round stores (N, satisfied levels, level
//! and group weights, trimming), and that configuration resolved against the round's scale.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::ballot::scale::Scale;

use super::errors::{ConfigError, ResultsError};
use super::float::is_percent;

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
