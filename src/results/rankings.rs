//! Rankings by combined index: competition ranks ("1, 2, 2, 4"), ties within a tolerance,
//! items without an index listed last, unranked.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::combined::ItemResult;
use super::config::TIE_TOLERANCE;
use super::float::finite;

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
