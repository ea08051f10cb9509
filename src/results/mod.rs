//! Results of a round: 满意率, the majority-rule class, satisfaction scores, the evaluators'
//! weighted scores and grades, the combined index, rankings, the 需重新办理 flag and a unit's
//! view. Pure logic from stored counts: no database, no HTTP, no I/O, no clock.

/// The engine: every figure, from counts and scores, recomputable from what it shows.
pub mod engine;

// The engine's parts, one file per figure; `engine` re-exports what they define.
mod combined;
mod config;
mod errors;
mod float;
pub use float::{percent1, round1};
mod rankings;
mod rates;
mod round;
mod scores;
mod unit;

pub use engine::{
    Classification, CombinedIndex, ConfigError, CountsError, DEFAULT_GROUP_WEIGHTS,
    DEFAULT_REWORK_THRESHOLD, Denominator, EvaluatorLine, EvaluatorResult, EvaluatorSheet, Grade,
    Indicator, IndicatorError, Indicators, ItemCounts, ItemResult, MeanIndex, NEEDS_REWORK_LABEL,
    RankEntry, RatingResult, ResolvedConfig, ResultsConfig, ResultsError, ReworkReason, RoundInput,
    RoundResults, ScoreError, TRIM_MIN_EVALUATORS, TaskLink, TaskRole, UnitView, classify, combine,
    compute_results, evaluate_item, grade_for, indicator_means, item_result, rank_indices,
    rank_items, rank_selected, rate, unit_view, validate_scores, weighted_score,
};
