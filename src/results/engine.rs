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
//!
//! Each figure has a file of its own beside this one: `config`, `rates` (deputies), `scores`
//! (evaluators), `combined` (the combined index and the rework flag), `rankings`, `round` and
//! `unit` (a unit's view); `errors` holds every error and its messages, `float` the guards
//! against NaN. This module re-exports them all, so every path under `results::engine` is
//! what it was.

pub use super::combined::{CombinedIndex, ItemResult, ReworkReason, combine, item_result};
pub use super::config::{
    DEFAULT_GROUP_WEIGHTS, DEFAULT_REWORK_THRESHOLD, Denominator, GRADE_TOLERANCE,
    INDICATOR_WEIGHT_TOTAL, NEEDS_REWORK_LABEL, ResolvedConfig, ResultsConfig, TIE_TOLERANCE,
    TRIM_MIN_EVALUATORS, WEIGHT_SUM_TOLERANCE,
};
pub use super::errors::{ConfigError, CountsError, IndicatorError, ResultsError, ScoreError};
pub use super::rankings::{RankEntry, rank_indices, rank_items, rank_selected};
pub use super::rates::{Classification, ItemCounts, RatingResult, classify, rate};
pub use super::round::{RoundInput, RoundResults, compute_results};
pub use super::scores::{
    EvaluatorLine, EvaluatorResult, EvaluatorSheet, Grade, Indicator, Indicators, evaluate_item,
    grade_for, indicator_means, validate_scores, weighted_score,
};
pub use super::unit::{MeanIndex, TaskLink, TaskRole, UnitView, unit_view};

#[cfg(test)]
#[path = "engine_tests.rs"]
mod tests;
