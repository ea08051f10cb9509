//! An item's result put together: the combined index of the two groups' scores, and the
//! 需重新办理 flag with its reasons.

use serde::{Deserialize, Serialize};

use super::config::ResultsConfig;
use super::float::{finite, is_non_negative};
use super::rates::{Classification, RatingResult};
use super::scores::EvaluatorResult;

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

impl ItemResult {
    /// Why the item needs re-handling, with its figures, as the report prints it:
    /// `满意率42.9%，低于80.0%的标准；测评结果为不满意`. Empty when it does not.
    /// Figures are rounded as everywhere; a rate that rounds up to the threshold is shown with
    /// two decimals (79.96%), so the sentence never reads "80.0%, under 80.0%".
    pub fn rework_explained(&self, threshold: f64) -> String {
        let percent = |rate: f64| {
            if super::float::percent1(rate) >= super::float::percent1(threshold) {
                format!("{:.2}%", rate * 100.0)
            } else {
                format!("{:.1}%", super::float::percent1(rate))
            }
        };
        self.rework_reasons
            .iter()
            .map(|w| match (w, self.deputies.satisfaction_rate) {
                (ReworkReason::BelowThreshold, Some(rate)) => format!(
                    "满意率{}，低于{:.1}%的标准",
                    percent(rate),
                    super::float::percent1(threshold)
                ),
                _ => w.label().to_owned(),
            })
            .collect::<Vec<_>>()
            .join("；")
    }
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
