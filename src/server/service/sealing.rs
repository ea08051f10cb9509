//! Sealing a ballot as it arrives: each open round's [`Sealer`], built once from the tellers'
//! board (its joint key, checked by replaying the ceremony) and the round's scale, and the one
//! function that turns a decoded ballot into what the ballot box stores.
//!
//! This is the one moment the server holds a ballot in the clear (a phone without JavaScript
//! sends its choices as a form): the choices go into the sealer and are dropped with the
//! request; nothing here logs or keeps them.
//!
//! **Sealing ahead.** Sealing costs milliseconds of arithmetic per ballot, which bounds how many
//! ballots two cores take in a second. Nearly all of it does not depend on the ballot, so the
//! server does it ahead, while it is idle: for each open round a thread at the lowest priority
//! keeps a store of [`Blank`]s (cells with their randomness applied) for `--seal-ahead`
//! ballots, and a ballot that arrives is sealed from them in microseconds (afresh when the
//! store is empty). Each blank is used once and wiped; a round's store is wiped when the round
//! is no longer open. A blank read from the process's memory before it is used would tell what
//! the cell it seals holds; so could the choices of a JavaScript-off ballot read from that
//! memory as they arrive: the README's threat model counts the live process as one party.

use crate::ballot::SubmittedBallot;
use crate::seal::{Blank, Comments, Sealer};
use crate::server::repo::round::Round;
use crate::server::repo::tellers::{self, TellerError};
use crate::server::service::ballot_box::Sealed;
use sqlx::SqlitePool;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// A round's sealer and its ceremony's context (what sealed comments are bound to).
pub struct RoundSealer {
    pub round_id: i64,
    pub sealer: Sealer,
    pub context: String,
    /// The round's items in the order their cells are sealed and counted (`round_item`'s
    /// position, the order the count reads them in).
    pub items: Vec<String>,
    /// One person made every key (a trial): the round says so.
    pub solo: bool,
    /// Cells sealed ahead, for this many ballots at most (its capacity, never grown).
    ahead: Mutex<Vec<Blank>>,
    /// Whether the log has said the store is full.
    announced: std::sync::atomic::AtomicBool,
}

impl RoundSealer {
    /// Cells of one ballot.
    fn cells(&self) -> usize {
        self.sealer.cells(self.items.len())
    }

    /// Blanks in store and room for more.
    pub fn ahead(&self) -> (usize, usize) {
        let a = self.ahead.lock().unwrap_or_else(|e| e.into_inner());
        (a.len(), a.capacity() - a.len())
    }

    /// Wipes the store and leaves it no room: nothing is made for it again, and every ballot
    /// still sealed with this sealer is sealed afresh.
    fn wipe(&self) {
        let mut a = self.ahead.lock().unwrap_or_else(|e| e.into_inner());
        a.clear();
        *a = Vec::new();
    }

    /// One ballot sealed from the store, or `None` when it has too few blanks or is busy
    /// (the filling thread, at the lowest priority, may have been stopped while it holds the
    /// store: a ballot does not wait for it).
    fn seal_from_store(&self, levels: &[Option<usize>]) -> Option<Vec<u8>> {
        for _ in 0..3 {
            match self.ahead.try_lock() {
                Ok(mut store) => return self.sealer.seal_ahead(levels, &mut store),
                Err(std::sync::TryLockError::Poisoned(e)) => {
                    return self.sealer.seal_ahead(levels, &mut e.into_inner());
                }
                Err(std::sync::TryLockError::WouldBlock) => std::thread::yield_now(),
            }
        }
        None
    }
}

/// The sealers of the open rounds (built at the first ballot, or by [`start_ahead`] when a
/// round opens). A round's key is fixed once it opens (tellers change only in a draft), so a
/// built sealer never goes stale.
#[derive(Default)]
pub struct Sealers {
    rounds: Mutex<HashMap<i64, Arc<RoundSealer>>>,
    /// Ballots per open round to seal ahead (0: none, every ballot is sealed as it arrives).
    ahead: usize,
}

/// Ballots per open round sealed ahead unless `--seal-ahead` says otherwise: a congress's hall
/// with room to spare, in about 17 MB (44 items of 4 levels).
pub const DEFAULT_AHEAD: usize = 1000;

/// The most `--seal-ahead` takes: about 1.7 GB per open round for 44 items of 4 levels.
pub const MAX_AHEAD: usize = 100_000;

impl Sealers {
    /// Sealers that keep `ballots` ballots per open round sealed ahead.
    pub fn with_ahead(ballots: usize) -> Sealers {
        Sealers {
            rounds: Mutex::default(),
            ahead: ballots,
        }
    }

    fn rounds(&self) -> std::sync::MutexGuard<'_, HashMap<i64, Arc<RoundSealer>>> {
        self.rounds.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Forgets every round not in `open`, wiping their stores at once (a request still
    /// holding one of their sealers seals afresh).
    pub fn keep_only(&self, open: &[i64]) {
        let gone: Vec<Arc<RoundSealer>> = {
            let mut rounds = self.rounds();
            let ids: Vec<i64> = rounds
                .keys()
                .filter(|id| !open.contains(id))
                .copied()
                .collect();
            ids.iter().filter_map(|id| rounds.remove(id)).collect()
        };
        for r in gone {
            r.wipe();
        }
    }

    /// The open rounds' sealers as they stand (what the filling thread is handed).
    pub fn open(&self) -> Vec<Arc<RoundSealer>> {
        self.rounds().values().cloned().collect()
    }

    /// One step of the filling thread's work on the sealers as they stand ([`fill_step`]).
    pub fn fill_step(&self) -> bool {
        let mut made = Vec::new();
        fill_step(&self.open(), &mut made)
    }

    /// The sealer of an open round; `None` when the round has no joint key (it opened before
    /// ballots were sealed, and takes no more ballots).
    pub async fn of(
        &self,
        pool: &SqlitePool,
        round: &Round,
    ) -> Result<Option<Arc<RoundSealer>>, TellerError> {
        if let Some(s) = self.rounds().get(&round.id) {
            return Ok(Some(s.clone()));
        }
        let Some(t) = tellers::get(pool, round.id).await? else {
            return Ok(None);
        };
        if t.joint_key.is_none() {
            return Ok(None);
        }
        let board = t.board;
        let levels = round.scale.levels.len();
        let items: Vec<String> = crate::server::repo::round::items(pool, round.id)
            .await?
            .into_iter()
            .map(|i| i.item.0)
            .collect();
        let mut store = Vec::new();
        if store
            .try_reserve_exact(self.ahead.saturating_mul(items.len() * levels))
            .is_err()
        {
            tracing::warn!(
                round = round.id,
                ballots = self.ahead,
                "no memory to seal that many ballots ahead; this round's are sealed as they arrive"
            );
        }
        let round_id = round.id;
        let built = tokio::task::spawn_blocking(move || {
            let keys = board.final_key_set()?;
            Ok::<_, crate::seal::SealError>(RoundSealer {
                round_id,
                sealer: Sealer::new(&keys, levels),
                context: board.context,
                items,
                solo: t.solo,
                ahead: Mutex::new(store),
                announced: Default::default(),
            })
        })
        .await
        .map_err(|e| TellerError::Damaged(round.id, e.to_string()))??;
        let built = Arc::new(built);
        // Two requests may have built it at once: the first one stored is the one used.
        Ok(Some(self.rounds().entry(round.id).or_insert(built).clone()))
    }
}

/// Seals a decoded ballot on a blocking thread (a few milliseconds of arithmetic that must not
/// hold up the server's other requests). The plain ballot is consumed. `None` when the ballot
/// does not rate exactly the round's items (the decoder has made sure it does).
pub async fn seal(sealer: Arc<RoundSealer>, ballot: SubmittedBallot) -> Option<Sealed> {
    tokio::task::spawn_blocking(move || seal_now(&sealer, ballot))
        .await
        .expect("sealing does not panic on a decoded ballot")
}

/// [`seal`] on this thread.
pub fn seal_now(s: &RoundSealer, ballot: SubmittedBallot) -> Option<Sealed> {
    let mut rng = rand::rngs::OsRng;
    // The cells go in the round's item order, whatever order the form listed them in.
    let chosen: std::collections::HashMap<&str, Option<u8>> = ballot
        .choices
        .iter()
        .map(|c| (c.item.as_str(), c.level))
        .collect();
    if chosen.len() != s.items.len() || ballot.choices.len() != s.items.len() {
        return None;
    }
    let levels = s
        .items
        .iter()
        .map(|i| chosen.get(i.as_str()).map(|l| l.map(usize::from)))
        .collect::<Option<Vec<Option<usize>>>>()?;
    let cells = s
        .seal_from_store(&levels)
        .unwrap_or_else(|| s.sealer.seal(&levels, &mut rng));
    let said = Comments {
        overall: ballot.comment,
        items: ballot
            .choices
            .into_iter()
            .filter_map(|c| Some((c.item.0, c.comment?)))
            .collect(),
    };
    // Sealed even when empty: whether a deputy commented is not to be read off the rows.
    let comments = Some(s.sealer.seal_comments(&s.context, &said, &mut rng));
    let tracking = crate::seal::record::tracking_code(&cells);
    Some(Sealed {
        cells,
        comments,
        tracking,
    })
}

/// Makes blanks for the round whose store has the most room, a few ballots' worth at a time,
/// in `made` (the filling thread's own buffer, kept between steps so that a step allocates
/// nothing, and empty after each); false when every store is full.
///
/// The filling thread runs at the lowest priority, so it may be stopped at any instruction for
/// as long as the cores are busy: the only lock it takes is a round's store, for a copy, and a
/// ballot never waits for that lock (`seal_from_store` seals afresh when it is held).
pub fn fill_step(rounds: &[Arc<RoundSealer>], made: &mut Vec<Blank>) -> bool {
    let Some((room, r)) = rounds
        .iter()
        .map(|r| (r.ahead().1, r))
        .filter(|(room, _)| *room > 0)
        .max_by_key(|(room, _)| *room)
    else {
        return false;
    };
    let want = room.min(r.cells() * 4);
    made.reserve_exact(want.saturating_sub(made.capacity()));
    r.sealer.make_blanks(want, made, &mut rand::rngs::OsRng);
    let mut store = r.ahead.lock().unwrap_or_else(|e| e.into_inner());
    Blank::transfer(made, &mut store);
    drop(store);
    // What did not fit (the store shrank meanwhile: its round closed) is wiped.
    made.clear();
    true
}

/// How often the open rounds are looked up: a round opened by the CLI or the desk gets its
/// store within this, and a closed round's store is wiped within it. (The filling thread,
/// when every store is full, looks again every tenth of it.)
const AHEAD_EVERY: std::time::Duration = std::time::Duration::from_secs(5);

/// Keeps the open rounds' stores of blanks full, until the process stops: a task that looks
/// up the open rounds every few seconds (building the sealer of one that just opened, and
/// forgetting, so wiping, those that are no longer open), and a thread at the lowest priority
/// (Linux's `SCHED_IDLE`: it runs only on a core nothing else wants) that makes the blanks.
pub fn start_ahead(pool: SqlitePool, sealers: Arc<Sealers>) {
    if sealers.ahead == 0 {
        return;
    }
    not_dumpable();
    // The thread is handed the open rounds' sealers by the task below: it shares no lock with
    // the requests but a round's store, which a ballot does not wait for.
    let (hand, handed) = std::sync::mpsc::channel::<Vec<Arc<RoundSealer>>>();
    let spawned = std::thread::Builder::new()
        .name("seal-ahead".into())
        .spawn(move || {
            lowest_priority();
            let (mut rounds, mut made) = (Vec::new(), Vec::new());
            loop {
                while let Ok(latest) = handed.try_recv() {
                    rounds = latest;
                }
                if !fill_step(&rounds, &mut made) {
                    use std::sync::mpsc::RecvTimeoutError;
                    match handed.recv_timeout(AHEAD_EVERY / 10) {
                        Ok(latest) => rounds = latest,
                        Err(RecvTimeoutError::Timeout) => {}
                        Err(RecvTimeoutError::Disconnected) => return,
                    }
                }
            }
        });
    if let Err(e) = spawned {
        tracing::error!(error = %e, "no thread to seal ahead; every ballot is sealed as it arrives");
        return;
    }
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(AHEAD_EVERY);
        loop {
            tick.tick().await;
            if let Err(e) = keep_open(&pool, &sealers).await {
                // Which rounds are still open is not known: none keeps its store.
                forget(&sealers, Vec::new()).await;
                tracing::warn!(error = %e, "the open rounds could not be looked up to seal ahead");
            }
            let open = sealers.open();
            for r in &open {
                // Not waiting on an async thread for the lock the filling thread may hold.
                let Ok(store) = r.ahead.try_lock() else {
                    continue;
                };
                let (in_store, room) = (store.len(), store.capacity() - store.len());
                drop(store);
                if in_store > 0
                    && room == 0
                    && !r.announced.swap(true, std::sync::atomic::Ordering::Relaxed)
                {
                    tracing::info!(
                        round = r.round_id,
                        ballots = sealers.ahead,
                        "ballots sealed ahead: ready"
                    );
                }
            }
            if hand.send(open).is_err() {
                return;
            }
        }
    });
}

/// [`Sealers::keep_only`] off the async threads (wiping a store waits for its lock).
async fn forget(sealers: &Arc<Sealers>, open: Vec<i64>) {
    let s = sealers.clone();
    if let Err(e) = tokio::task::spawn_blocking(move || s.keep_only(&open)).await {
        tracing::error!(error = %e, "closed rounds' stores could not be wiped");
    }
}

/// Builds the sealer of every open round with a joint key and forgets the others.
pub async fn keep_open(pool: &SqlitePool, sealers: &Arc<Sealers>) -> anyhow::Result<()> {
    let rounds = crate::server::repo::round::list(pool).await?;
    let open: Vec<_> = rounds
        .into_iter()
        .filter(|r| r.state == crate::server::repo::round::RoundState::Open)
        .collect();
    forget(sealers, open.iter().map(|r| r.id).collect()).await;
    for round in &open {
        sealers.of(pool, round).await?;
    }
    Ok(())
}

/// Keeps the process out of core dumps and its memory from other processes of the same user
/// (`/proc/PID/mem`, a debugger): the stores of blanks are secrets while they last.
fn not_dumpable() {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: a plain system call about this process, with valid arguments.
        if unsafe { libc::prctl(libc::PR_SET_DUMPABLE, 0, 0, 0, 0) } != 0 {
            tracing::warn!("the server could not keep itself out of core dumps");
        }
    }
}

/// Makes this thread the last to get a core.
fn lowest_priority() {
    #[cfg(target_os = "linux")]
    {
        let param = libc::sched_param { sched_priority: 0 };
        // SAFETY: plain system calls on the calling thread (0), with a valid parameter.
        let ok = unsafe { libc::sched_setscheduler(0, libc::SCHED_IDLE, &param) } == 0
            || unsafe { libc::setpriority(libc::PRIO_PROCESS, 0, 19) } == 0;
        if !ok {
            tracing::warn!("the thread that seals ahead could not lower its priority");
        }
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    #[test]
    fn the_server_that_seals_ahead_keeps_out_of_core_dumps() {
        not_dumpable();
        // SAFETY: a plain query about this process.
        assert_eq!(unsafe { libc::prctl(libc::PR_GET_DUMPABLE, 0, 0, 0, 0) }, 0);
    }

    #[test]
    fn the_filling_thread_runs_only_on_an_idle_core() {
        let policy = std::thread::spawn(|| {
            lowest_priority();
            // SAFETY: a plain query about the calling thread.
            unsafe { libc::sched_getscheduler(0) }
        })
        .join()
        .unwrap();
        assert_eq!(policy, libc::SCHED_IDLE);
    }
}
