//! A round's indicator system as stored: the default set every new round gets, and reading it
//! back for the results engine. (Changing a draft round's set is in `score`, which checks the
//! round's state.)

use crate::results::{Indicator, Indicators};
use sqlx::SqlitePool;

/// The default indicator system, drawn from what the plan itself promises: (name, guidance,
/// weight). Migration 0004 gives rounds made before it the same set.
pub const DEFAULT_INDICATORS: [(&str, &str, f64); 5] = [
    ("工作进度", "是否按进度安排完成各阶段任务", 25.0),
    ("指标完成", "子方案中可量化、可考核指标的完成情况", 25.0),
    ("落实成效", "办理的实际效果，由“答复型”转向“落实型”", 25.0),
    ("代表参与", "邀请代表参与、听取和吸纳代表意见的情况", 10.0),
    (
        "机制与报送",
        "协调机制运转，信息月报、季调度等按时报送",
        15.0,
    ),
];

/// One indicator as stored.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct IndicatorRow {
    pub position: i64,
    pub name: String,
    pub guidance: String,
    pub weight: f64,
}

/// Gives a new round the default indicator system (inside the round's own transaction).
pub async fn insert_default_indicators(
    tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
    round_id: i64,
) -> Result<(), sqlx::Error> {
    for (i, (name, guidance, weight)) in DEFAULT_INDICATORS.iter().enumerate() {
        sqlx::query(
            "INSERT INTO indicator (round_id, position, name, guidance, weight)
             VALUES (?, ?, ?, ?, ?)",
        )
        .bind(round_id)
        .bind(i64::try_from(i).unwrap_or(0) + 1)
        .bind(name)
        .bind(guidance)
        .bind(weight)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// A round's indicators in order.
pub async fn indicators(
    pool: &SqlitePool,
    round_id: i64,
) -> Result<Vec<IndicatorRow>, sqlx::Error> {
    let rows: Vec<(i64, String, String, f64)> = sqlx::query_as(
        "SELECT position, name, guidance, weight FROM indicator WHERE round_id = ? ORDER BY position",
    )
    .bind(round_id)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(position, name, guidance, weight)| IndicatorRow {
            position,
            name,
            guidance,
            weight,
        })
        .collect())
}

/// The indicator rows as the results engine's set.
pub fn as_set(rows: &[IndicatorRow]) -> Indicators {
    Indicators {
        indicators: rows
            .iter()
            .map(|r| Indicator::new(&r.name, r.weight))
            .collect(),
    }
}
