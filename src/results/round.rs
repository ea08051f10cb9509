//! A whole round: its stored counts and score sheets in, every item's figures and the two
//! rankings (tasks, units) out, after every input row has been checked.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::ballot::scale::Scale;

use super::combined::{ItemResult, item_result};
use super::config::{ResolvedConfig, ResultsConfig};
use super::errors::{CountsError, ResultsError, ScoreError};
use super::rankings::{RankEntry, rank_selected};
use super::rates::{ItemCounts, RatingResult, rate};
use super::scores::{EvaluatorResult, EvaluatorSheet, Indicators, evaluate_item, validate_scores};

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
