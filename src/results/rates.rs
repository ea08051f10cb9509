//! The deputies' figures on an item, from its stored counts: N, 满意率, the satisfaction score
//! and the class under the majority rule (满意 / 基本满意 / 不满意).

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::config::ResolvedConfig;
use super::errors::CountsError;
use super::float::finite;

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
