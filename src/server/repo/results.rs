//! A round's results: reads the running tallies, the indicator system and the submitted score
//! sheets, and hands them to the pure results engine (`crate::results`). No ballot row is read:
//! the cost does not grow with the number of ballots.

use crate::plan::label::{heading_of, task_label};
use crate::results::{
    ItemCounts, ItemResult, ResultsError, RoundInput, RoundResults, TaskLink, TaskRole,
    compute_results,
};
use crate::server::repo::round::{self, Round, RoundError};
use crate::server::repo::score::{self, IndicatorRow};
use sqlx::SqlitePool;
use std::collections::BTreeMap;

/// What a rated item is, for labels and links.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemMeta {
    /// `t12` or `u7`.
    pub item: String,
    pub is_task: bool,
    /// The task's or unit's id.
    pub ref_id: i64,
    /// `(一)2` for a task, the name for a unit.
    pub label: String,
    /// The task's heading; for a unit, empty.
    pub title: String,
    /// The task's whole text without its unit note (the heading may be cut, this never is);
    /// for a unit, empty.
    pub text: String,
}

impl ItemMeta {
    /// `(一)2 强化组织领导` or `市财政局`.
    pub fn full_label(&self) -> String {
        if self.title.is_empty() {
            self.label.clone()
        } else {
            format!("{} {}", self.label, self.title)
        }
    }

    /// The item's results page in `round`.
    pub fn href(&self, round: i64) -> String {
        let kind = if self.is_task { "tasks" } else { "units" };
        format!("/results/{round}/{kind}/{}", self.ref_id)
    }
}

/// Everything a results page or chart needs about one round.
#[derive(Debug, Clone)]
pub struct Report {
    pub round: Round,
    pub plan_title: String,
    pub indicators: Vec<IndicatorRow>,
    /// The rated items in ballot order: tasks, then member units.
    pub items: Vec<ItemMeta>,
    pub results: RoundResults,
    /// (ballots cast, codes issued and not revoked).
    pub turnout: (i64, i64),
    /// Evaluators who have submitted their sheets.
    pub evaluators_submitted: i64,
    /// Which tasks each unit leads or shares: unit item → links.
    pub links: BTreeMap<String, Vec<TaskLink>>,
    /// One person made every teller's key (a trial round): its ballots were not secret.
    pub trial: bool,
    /// Codes issued after opening, and deputies' reports of a code used by someone else.
    pub codes: crate::server::repo::invite::CodeChecks,
}

/// A round's results in one breath: how many items, how many of each 测评结果, which to
/// re-handle. The results page leads with it and the report's 总体情况 says it.
#[derive(Debug, Clone, PartialEq)]
pub struct Overview {
    pub tasks: usize,
    pub units: usize,
    /// Items classed 满意, 基本满意, 不满意 (items nobody rated are in none).
    pub by_class: [usize; 3],
    /// The items to re-handle, in ballot order.
    pub flagged: Vec<ItemMeta>,
}

impl Report {
    /// The round's [`Overview`].
    pub fn overview(&self) -> Overview {
        use crate::results::Classification as C;
        let mut by_class = [0; 3];
        let mut flagged = Vec::new();
        for m in &self.items {
            let Some(r) = self.result(&m.item) else {
                continue;
            };
            match r.deputies.classification {
                Some(C::Satisfied) => by_class[0] += 1,
                Some(C::Basic) => by_class[1] += 1,
                Some(C::Dissatisfied) => by_class[2] += 1,
                None => {}
            }
            if r.needs_rework {
                flagged.push(m.clone());
            }
        }
        Overview {
            tasks: self.tasks().count(),
            units: self.units().count(),
            by_class,
            flagged,
        }
    }

    /// Items ordered by rank (ranked first, then those without data, in ballot order).
    pub fn by_rank(&self, tasks: bool) -> Vec<ItemMeta> {
        let ranking = if tasks {
            &self.results.task_ranking
        } else {
            &self.results.unit_ranking
        };
        let mut order: Vec<(usize, usize, ItemMeta)> = self
            .items
            .iter()
            .filter(|m| m.is_task == tasks)
            .enumerate()
            .map(|(i, m)| {
                let rank = ranking
                    .iter()
                    .find(|r| r.item == m.item)
                    .and_then(|r| r.rank)
                    .unwrap_or(usize::MAX);
                (rank, i, m.clone())
            })
            .collect();
        order.sort_by_key(|(rank, i, _)| (*rank, *i));
        order.into_iter().map(|(_, _, m)| m).collect()
    }

    /// An item's rank among the tasks or among the units (`None`: not ranked, no data).
    pub fn rank(&self, item: &str) -> Option<usize> {
        self.results
            .task_ranking
            .iter()
            .chain(&self.results.unit_ranking)
            .find(|r| r.item == item)
            .and_then(|r| r.rank)
    }

    pub fn meta(&self, item: &str) -> Option<&ItemMeta> {
        self.items.iter().find(|m| m.item == item)
    }

    pub fn result(&self, item: &str) -> Option<&ItemResult> {
        self.results.item(item)
    }

    pub fn tasks(&self) -> impl Iterator<Item = &ItemMeta> {
        self.items.iter().filter(|m| m.is_task)
    }

    pub fn units(&self) -> impl Iterator<Item = &ItemMeta> {
        self.items.iter().filter(|m| !m.is_task)
    }

    /// Results exist, for everyone alike: once the round has closed and its tellers have
    /// opened the count. Before that no per-item figure exists anywhere.
    pub fn published(&self) -> bool {
        self.round.state == round::RoundState::Closed && self.round.counted
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("round {0} does not exist")]
    NoRound(i64),
    #[error("the results cannot be computed: {0}")]
    Engine(#[from] ResultsError),
    #[error("{0}")]
    Round(String),
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

impl From<RoundError> for ReportError {
    fn from(e: RoundError) -> ReportError {
        match e {
            RoundError::NotFound(id) => ReportError::NoRound(id),
            RoundError::Db(e) => ReportError::Db(e),
            other => ReportError::Round(other.to_string()),
        }
    }
}

/// The stored counts of a round as the engine reads them: per item, ballots per level and
/// not rated (tally level −1). Items without any ballot get zero counts.
pub async fn item_counts(
    pool: &SqlitePool,
    round_id: i64,
    levels: usize,
    items: &[ItemMeta],
) -> Result<Vec<ItemCounts>, sqlx::Error> {
    let rows: Vec<(String, i64, i64)> =
        sqlx::query_as("SELECT item, level, count FROM tally WHERE round_id = ?")
            .bind(round_id)
            .fetch_all(pool)
            .await?;
    let mut by_item: BTreeMap<String, ItemCounts> = items
        .iter()
        .map(|m| {
            (
                m.item.clone(),
                ItemCounts::new(m.item.clone(), vec![0; levels], 0),
            )
        })
        .collect();
    for (item, level, count) in rows {
        let Some(c) = by_item.get_mut(&item) else {
            continue;
        };
        let count = u64::try_from(count).unwrap_or(0);
        match usize::try_from(level) {
            Ok(l) if l < levels => c.counts[l] += count,
            _ => c.not_rated += count,
        }
    }
    Ok(items
        .iter()
        .filter_map(|m| by_item.remove(&m.item))
        .collect())
}

/// The rated items of a round with their labels, in ballot order.
pub async fn item_metas(pool: &SqlitePool, round_id: i64) -> Result<Vec<ItemMeta>, sqlx::Error> {
    type Row = (
        String,
        String,
        i64,
        Option<i64>,
        Option<i64>,
        Option<String>,
        Option<String>,
        Option<String>,
    );
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT ri.item, ri.kind, ri.ref_id, s.number, t.number, t.title, t.body, u.name
         FROM round_item ri
         LEFT JOIN task t ON ri.kind = 'task' AND t.id = ri.ref_id
         LEFT JOIN plan_section s ON s.id = t.section_id
         LEFT JOIN unit u ON ri.kind = 'unit' AND u.id = ri.ref_id
         WHERE ri.round_id = ? ORDER BY ri.position",
    )
    .bind(round_id)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(item, kind, ref_id, section, number, title, body, unit)| {
            let is_task = kind == "task";
            let (label, title, text) = if is_task {
                let body = body.unwrap_or_default();
                (
                    task_label(section.unwrap_or(0), number.unwrap_or(0)),
                    heading_of(title.as_deref(), &body),
                    body.trim().to_owned(),
                )
            } else {
                (
                    unit.unwrap_or_else(|| item.clone()),
                    String::new(),
                    String::new(),
                )
            };
            ItemMeta {
                item,
                is_task,
                ref_id,
                label,
                title,
                text,
            }
        })
        .collect())
}

/// Which tasks of the round each unit leads or shares (collectives' members included).
async fn task_links(
    pool: &SqlitePool,
    round_id: i64,
) -> Result<BTreeMap<String, Vec<TaskLink>>, sqlx::Error> {
    let rows: Vec<(i64, i64, String)> = sqlx::query_as(
        "SELECT tu.unit_id, tu.task_id, tu.role FROM task_unit tu
         JOIN round_item ri ON ri.round_id = ? AND ri.kind = 'task' AND ri.ref_id = tu.task_id
         ORDER BY ri.position, tu.position",
    )
    .bind(round_id)
    .fetch_all(pool)
    .await?;
    let mut links: BTreeMap<String, Vec<TaskLink>> = BTreeMap::new();
    for (unit, task, role) in rows {
        let role = if role == "lead" {
            TaskRole::Lead
        } else {
            TaskRole::Responsible
        };
        links
            .entry(format!("u{unit}"))
            .or_default()
            .push(TaskLink::new(&format!("t{task}"), role));
    }
    Ok(links)
}

/// Reads and computes a round's results.
pub async fn load(pool: &SqlitePool, round_id: i64) -> Result<Report, ReportError> {
    let round = round::get(pool, round_id).await?;
    let (plan_title,): (String,) = sqlx::query_as("SELECT title FROM plan WHERE id = ?")
        .bind(round.plan_id)
        .fetch_one(pool)
        .await?;
    let items = item_metas(pool, round_id).await?;
    let indicators = score::indicators(pool, round_id).await?;
    let deputy_counts = item_counts(pool, round_id, round.scale.levels.len(), &items).await?;
    let evaluator_sheets = score::submitted_sheets(pool, round_id, &indicators).await?;
    let input = RoundInput {
        scale: round.scale.clone(),
        deputy_counts,
        indicators: (!indicators.is_empty()).then(|| score::as_set(&indicators)),
        evaluator_sheets,
        tasks: items
            .iter()
            .filter(|m| m.is_task)
            .map(|m| m.item.clone())
            .collect(),
        units: items
            .iter()
            .filter(|m| !m.is_task)
            .map(|m| m.item.clone())
            .collect(),
    };
    let results = compute_results(&input, &round.results_config)?;
    let turnout = round::turnout(pool, round_id).await?;
    let (evaluators_submitted,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM score_submission WHERE round_id = ?")
            .bind(round_id)
            .fetch_one(pool)
            .await?;
    let links = task_links(pool, round_id).await?;
    let (trial,): (bool,) = sqlx::query_as(
        "SELECT EXISTS (SELECT 1 FROM round_tellers WHERE round_id = ? AND solo = 1)",
    )
    .bind(round_id)
    .fetch_one(pool)
    .await?;
    let codes = crate::server::repo::invite::code_checks(pool, round_id).await?;
    Ok(Report {
        codes,
        trial,
        round,
        plan_title,
        indicators,
        items,
        results,
        turnout,
        evaluators_submitted,
        links,
    })
}

/// The other rounds of the same plan, newest first: (id, name).
pub async fn sibling_rounds(
    pool: &SqlitePool,
    round: &Round,
) -> Result<Vec<(i64, String)>, sqlx::Error> {
    sqlx::query_as("SELECT id, name FROM round WHERE plan_id = ? AND id != ? ORDER BY id DESC")
        .bind(round.plan_id)
        .bind(round.id)
        .fetch_all(pool)
        .await
}

/// One group of a counted round's comments for the report: the overall comments (`item` is
/// `None`) or one item's, with how many there are in all and the first `shown` of them in the
/// random order the count stored them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommentGroup {
    pub item: Option<String>,
    pub total: u64,
    pub shown: Vec<String>,
}

/// The comments of a counted round grouped for the report: at most `overall` of the overall
/// comments and `per_item` of each item's, every group with its full count. Groups come
/// overall first, then by item id; the caller puts items in ballot order.
pub async fn report_comments(
    pool: &SqlitePool,
    round_id: i64,
    overall: usize,
    per_item: usize,
) -> Result<Vec<CommentGroup>, sqlx::Error> {
    let cap = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
    // One pass: a window numbers each group's comments in stored order and counts the group.
    let rows: Vec<(Option<String>, String, i64)> = sqlx::query_as(
        "SELECT item, body, n FROM (
             SELECT id, item, body,
                    ROW_NUMBER() OVER (PARTITION BY item ORDER BY id) AS k,
                    COUNT(*) OVER (PARTITION BY item) AS n
             FROM round_comment WHERE round_id = ?)
         WHERE k <= CASE WHEN item IS NULL THEN ? ELSE ? END
         ORDER BY item IS NOT NULL, item, id",
    )
    .bind(round_id)
    .bind(cap(overall))
    .bind(cap(per_item))
    .fetch_all(pool)
    .await?;
    let mut groups: Vec<CommentGroup> = Vec::new();
    for (item, body, n) in rows {
        match groups.last_mut() {
            Some(g) if g.item == item => g.shown.push(body),
            _ => groups.push(CommentGroup {
                item,
                total: u64::try_from(n).unwrap_or(0),
                shown: vec![body],
            }),
        }
    }
    Ok(groups)
}

/// The submitted evaluators' notes on one item, as (login, note), by login.
pub async fn evaluator_notes(
    pool: &SqlitePool,
    round_id: i64,
    item: &str,
) -> Result<Vec<(String, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT a.login, s.note FROM score_sheet s
         JOIN score_submission sub ON sub.round_id = s.round_id AND sub.account_id = s.account_id
         JOIN account a ON a.id = s.account_id
         WHERE s.round_id = ? AND s.item = ? AND s.note != '' ORDER BY a.login",
    )
    .bind(round_id)
    .bind(item)
    .fetch_all(pool)
    .await
}

/// Up to `max` deputies' comments on one item, in the random order the count stored them.
pub async fn deputy_comments(
    pool: &SqlitePool,
    round_id: i64,
    item: &str,
    max: usize,
) -> Result<Vec<String>, sqlx::Error> {
    let rows: Vec<(String,)> = sqlx::query_as(
        "SELECT body FROM round_comment WHERE round_id = ? AND item = ? ORDER BY id LIMIT ?",
    )
    .bind(round_id)
    .bind(item)
    .bind(i64::try_from(max).unwrap_or(i64::MAX))
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}
