//! The ballot box: the one place ballots are written.
//!
//! A single writer task takes submissions from a queue and writes them in batches: one SQLite
//! transaction per batch, one savepoint per ballot. A sealed ballot, its invitation being marked
//! as used and the turnout are written together or not at all, and nobody is told
//! "accepted" before the batch has committed (with `synchronous=FULL`, durably). Batching turns
//! one disk flush per ballot into one per batch, which is what lets a hall of deputies vote at
//! once: hundreds of ballots share a flush.
//!
//! Exactly one ballot per code: the invitation is claimed by a conditional update
//! (`… WHERE used = 0`) whose row count decides, inside the same savepoint as the ballot.
//!
//! What arrives here is sealed already (`crate::seal`): the box stores ciphertexts and counts
//! turnout, and keeps no plain choice and no per-item figure.

use crate::server::repo::ballot;
use sqlx::pool::PoolConnection;
use sqlx::{Sqlite, SqliteConnection, SqlitePool, Transaction};
use std::collections::HashMap;
use tokio::sync::{mpsc, oneshot};

/// Most submissions written in one transaction.
const MAX_BATCH: usize = 512;
pub use crate::server::repo::invite::MAX_FAILED_RECEIPTS;

/// A ballot to cast or revise, already decoded and validated against the round.
#[derive(Debug)]
pub struct Submission {
    pub round_id: i64,
    /// SHA-256 of the invitation code.
    pub code_hash: String,
    pub sealed: Sealed,
    /// Hash of the receipt derived from this form's idempotency key: a new ballot stores it, and
    /// a retried post finds the ballot by it.
    pub derived_receipt_hash: String,
    /// For a revision: the hash of the receipt the deputy typed.
    pub revise_with: Option<String>,
    /// Random id for a new ballot.
    pub new_ballot_id: String,
}

pub use crate::server::repo::ballot::Sealed;

/// What happened to an accepted submission.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Accepted {
    /// A new ballot was cast.
    Cast,
    /// The same post arrived again (double tap, retry): the first answer stands.
    Repeated,
    /// An existing ballot was revised with its receipt.
    Revised,
}

/// Why a submission was refused. Nothing was stored (except a failed-receipt count).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("the round is not open yet")]
    NotOpen,
    #[error("the round is closed")]
    Closed,
    #[error("unknown invitation code")]
    UnknownCode,
    #[error("the invitation code was revoked")]
    Revoked,
    #[error("the invitation code was already used")]
    AlreadyUsed,
    #[error("the receipt does not match a ballot of this round")]
    WrongReceipt,
    #[error("too many wrong receipts for this code")]
    ReceiptLocked,
    #[error("the ballot could not be stored")]
    Internal,
}

type Reply = oneshot::Sender<Result<Accepted, Refusal>>;

/// The handle handlers use to submit; cheap to clone.
#[derive(Clone)]
pub struct BallotBox {
    queue: mpsc::Sender<(Submission, Reply)>,
}

impl BallotBox {
    /// Starts the writer task on `pool`.
    pub fn start(pool: SqlitePool) -> BallotBox {
        let (queue, rx) = mpsc::channel(4 * MAX_BATCH);
        tokio::spawn(writer(pool, rx));
        BallotBox { queue }
    }

    /// Casts or revises a ballot; resolves once it is committed (or refused).
    pub async fn submit(&self, s: Submission) -> Result<Accepted, Refusal> {
        let (reply, answer) = oneshot::channel();
        if self.queue.send((s, reply)).await.is_err() {
            tracing::error!("the ballot writer has stopped");
            return Err(Refusal::Internal);
        }
        answer.await.unwrap_or(Err(Refusal::Internal))
    }
}

/// Page cache of the writer's connection, in KiB (SQLite's default is 2 MiB). Ballots are keyed
/// by random ids, so each new ballot's choices land all over the table; once the table outgrew
/// the default cache, every insert read pages back and the writer slowed as the hall voted
/// (open loop at 1,000 ballots/s: throughput fell to ~320/s by 20,000 ballots). Only this
/// connection gets the large cache, and it fills only as pages are used.
const WRITER_CACHE_KIB: i64 = 32 * 1024;

async fn writer(pool: SqlitePool, mut rx: mpsc::Receiver<(Submission, Reply)>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    // The writer keeps one connection of the pool for itself (taken again if it breaks), unless
    // the pool has only one (an in-memory database in tests), which it must share.
    let keep = pool.options().get_max_connections() > 1;
    let mut conn: Option<PoolConnection<Sqlite>> = None;
    while rx.recv_many(&mut batch, MAX_BATCH).await > 0 {
        if conn.is_none() {
            conn = writer_connection(&pool, keep).await;
        }
        match conn.as_mut() {
            Some(c) => {
                if !write_batch(c, &mut batch).await || !keep {
                    conn = None;
                }
            }
            None => {
                for (_, reply) in batch.drain(..) {
                    let _ = reply.send(Err(Refusal::Internal));
                }
            }
        }
        batch.clear();
    }
}

async fn writer_connection(pool: &SqlitePool, keep: bool) -> Option<PoolConnection<Sqlite>> {
    let mut conn = match pool.acquire().await {
        Ok(c) => c,
        Err(e) => {
            tracing::error!(error = %e, "the ballot writer cannot get a connection");
            return None;
        }
    };
    if keep && let Err(e) = crate::server::db::set_cache_size(&mut conn, WRITER_CACHE_KIB).await {
        tracing::warn!(error = %e, "could not enlarge the writer's page cache");
    }
    Some(conn)
}

/// Writes a batch and answers every submission in it; false when the batch failed to commit
/// (the connection is then not used again).
async fn write_batch(conn: &mut SqliteConnection, batch: &mut Vec<(Submission, Reply)>) -> bool {
    let began = std::time::Instant::now();
    let mut results: Vec<Result<Accepted, Refusal>> = Vec::with_capacity(batch.len());
    let outcome: Result<(), sqlx::Error> = async {
        // IMMEDIATE: the batch reads (round states, invitations) before it writes; taking the
        // write lock first means it can never fail halfway on a lock upgrade.
        let mut tx = sqlx::Connection::begin_with(&mut *conn, "BEGIN IMMEDIATE").await?;
        // New ballots per round, added to the turnout counter once per batch.
        let mut cast: HashMap<i64, i64> = HashMap::new();
        // Each round's state, read once per batch: the batch is one transaction, so it cannot
        // change under it.
        let mut states: HashMap<i64, Option<String>> = HashMap::new();
        let now = crate::clock::now();
        for (s, _) in batch.iter() {
            let state = match states.get(&s.round_id) {
                Some(state) => state.clone(),
                None => {
                    // Past its stated closing time an open round counts as closed: the
                    // deadline holds to the second, not to the closer's next look.
                    let state = ballot::round_state(&mut tx, s.round_id).await?.map(
                        |(state, closes_at)| match state.as_str() {
                            "open"
                                if crate::server::repo::round::past(closes_at.as_deref(), now) =>
                            {
                                "closed".to_string()
                            }
                            _ => state,
                        },
                    );
                    states.insert(s.round_id, state.clone());
                    state
                }
            };
            match state.as_deref() {
                Some("open") => {}
                Some("closed") => {
                    results.push(Err(Refusal::Closed));
                    continue;
                }
                _ => {
                    results.push(Err(Refusal::NotOpen));
                    continue;
                }
            }
            let mut sp = sqlx::Acquire::begin(&mut *tx).await?;
            match write_one(&mut sp, s).await {
                Ok(Ok(a)) => {
                    sp.commit().await?;
                    if a == Accepted::Cast {
                        *cast.entry(s.round_id).or_default() += 1;
                    }
                    results.push(Ok(a));
                }
                Ok(Err(refusal)) => {
                    sp.rollback().await?;
                    if refusal == Refusal::WrongReceipt {
                        // Counted outside the rolled-back savepoint, so the limit holds.
                        crate::server::repo::invite::count_failed_receipt(
                            &mut *tx,
                            &s.code_hash,
                            s.round_id,
                        )
                        .await?;
                    }
                    results.push(Err(refusal));
                }
                Err(e) => {
                    tracing::error!(error = %e, "a ballot failed to write");
                    sp.rollback().await?;
                    results.push(Err(Refusal::Internal));
                }
            }
        }
        for (round, n) in cast {
            ballot::add_to_turnout(&mut tx, round, n).await?;
        }
        tx.commit().await
    }
    .await;
    let committed = outcome.is_ok();
    if let Err(e) = outcome {
        // The whole batch rolled back: nobody may be told their ballot was accepted.
        tracing::error!(error = %e, size = batch.len(), "a ballot batch failed to commit");
        results = vec![Err(Refusal::Internal); batch.len()];
    }
    tracing::debug!(
        size = batch.len(),
        ms = began.elapsed().as_millis() as u64,
        "ballot batch written"
    );
    for ((_, reply), result) in batch.drain(..).zip(results) {
        let _ = reply.send(result);
    }
    committed
}

/// Writes one submission to an open round (the caller checked the round's state) inside its
/// savepoint. The common case, a new ballot, takes two statements: claim the code and insert
/// the sealed ballot; with the savepoint and its release, four round trips to SQLite.
async fn write_one(
    tx: &mut Transaction<'_, Sqlite>,
    s: &Submission,
) -> Result<Result<Accepted, Refusal>, sqlx::Error> {
    if s.revise_with.is_none() {
        let day = crate::clock::today().to_string();
        if ballot::claim_code(tx, &s.code_hash, s.round_id, &day).await? {
            ballot::insert_ballot(
                tx,
                &s.new_ballot_id,
                s.round_id,
                &s.derived_receipt_hash,
                &s.sealed,
            )
            .await?;
            return Ok(Ok(Accepted::Cast));
        }
    }

    // Not claimed, or a revision: find out why from the invitation.
    let inv = ballot::invitation_state(tx, &s.code_hash, s.round_id).await?;
    let Some((revoked, used, failed)) = inv else {
        return Ok(Err(Refusal::UnknownCode));
    };
    if revoked {
        return Ok(Err(Refusal::Revoked));
    }

    let Some(receipt_hash) = &s.revise_with else {
        // Already used: the same form posted again gets the first answer.
        let same = ballot::by_receipt(&mut **tx, s.round_id, &s.derived_receipt_hash).await?;
        return Ok(match same {
            Some(_) => Ok(Accepted::Repeated),
            None => Err(Refusal::AlreadyUsed),
        });
    };
    if !used {
        return Ok(Err(Refusal::WrongReceipt));
    }
    if failed >= MAX_FAILED_RECEIPTS {
        return Ok(Err(Refusal::ReceiptLocked));
    }
    let Some(ballot_id) = ballot::by_receipt(&mut **tx, s.round_id, receipt_hash).await? else {
        return Ok(Err(Refusal::WrongReceipt));
    };
    // The revision replaces the sealed ballot whole: nothing of the old one stays to subtract.
    ballot::replace_sealed(tx, &ballot_id, &s.sealed).await?;
    Ok(Ok(Accepted::Revised))
}
