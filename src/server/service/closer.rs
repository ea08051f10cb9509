//! Rounds close themselves at their stated closing time: a task that looks every few seconds
//! and closes what is due, recorded in the round's history and the audit trail as done by
//! the clock. (Ballots are refused from the stated second on regardless: the ballot gate and
//! the ballot box check the time themselves.)

use crate::server::repo::round::{self, RoundAction, RoundError};
use sqlx::SqlitePool;
use std::time::Duration;

/// Who closed a round that closed itself, in its history and the audit trail.
pub const ACTOR: &str = "clock";

/// How often the closer looks.
pub const EVERY: Duration = Duration::from_secs(5);

/// Closes every open round whose closing time has come; their ids.
pub async fn close_due(pool: &SqlitePool) -> Result<Vec<i64>, RoundError> {
    let mut closed = Vec::new();
    for id in round::due_to_close(pool, crate::clock::now()).await? {
        match round::transition(
            pool,
            id,
            RoundAction::Close,
            ACTOR,
            Some("到达结束时间，自动结束"),
        )
        .await
        {
            Ok(_) => closed.push(id),
            // Closed by the office in the meantime: nothing to do.
            Err(RoundError::WrongState { .. }) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(closed)
}

/// Runs [`close_due`] every [`EVERY`] until the process stops.
pub fn start(pool: SqlitePool) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(EVERY);
        loop {
            tick.tick().await;
            match close_due(&pool).await {
                Ok(ids) => {
                    for id in ids {
                        tracing::info!(round = id, "round closed at its stated closing time");
                    }
                }
                Err(e) => tracing::error!(error = %e, "closing due rounds failed"),
            }
        }
    });
}
