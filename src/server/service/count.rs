//! The tellers' count of a sealed round, after it has closed.
//!
//! Each teller's part ([`post_shares`]) sums the stored sealed ballots itself and reads every
//! sealed comment with its proof checked, then makes its decryption shares of exactly those
//! sums: a teller never decrypts a ciphertext handed to it, so nobody can have one deputy's
//! ballot opened by passing it off as a sum. Once k tellers' shares are posted, [`finish`]
//! sums again, checks every share against the teller's public key share, opens the per-item
//! counts and the comments, shuffles the comments and writes the count; nothing per item
//! existed before.

use crate::message::Bilingual;
use crate::seal::count::{Verified, open_comments, verify_share};
use crate::seal::record::{
    Check, FORMAT, RecordBallot, RecordCount, RecordRound, check_count, opened_counts,
    tracking_code,
};
use crate::seal::{CountShare, KeySet, SealError, SealedComment, Tally, TellerFile};
use crate::server::repo::ballot;
use crate::server::repo::count::{self as repo, FinishError, Opened, Posted};
use crate::server::repo::round::{self, Round, RoundError, RoundState};
use crate::server::repo::tellers::{self, TellerError};
use base64ct::{Base64, Encoding};
use rand::seq::SliceRandom;
use sqlx::SqlitePool;

/// Sealed ballots read and summed per page.
const PAGE: i64 = 2000;

/// Fewest ballots a round (other than a trial) is counted with (the rule the desk's turnout by
/// delegation follows too; a teller's page applies it as well).
pub use crate::seal::count::MIN_BALLOTS;

#[derive(Debug, thiserror::Error)]
pub enum CountError {
    #[error(transparent)]
    Round(#[from] RoundError),
    #[error("round {id} is {}: the count opens once it has closed", .state.as_str())]
    NotClosed { id: i64, state: RoundState },
    #[error("round {0} has been counted already")]
    Counted(i64),
    #[error(
        "round {0} was reopened or closed again after its ballots were summed; run the count \
         again"
    )]
    ClosedAgain(i64),
    #[error(
        "round {id} is in its checking period until {} (Beijing time): deputies are looking \
         for their tracking codes at /track/{id}, and no share is made before it ends",
        crate::clock::time_zh(*.until).trim_end_matches("（北京时间）")
    )]
    Checking {
        id: i64,
        until: chrono::DateTime<chrono::Utc>,
    },
    #[error("round {0} has not been counted by its tellers yet")]
    NotCounted(i64),
    #[error("the key file could not be saved, so no share was posted: {0}")]
    KeyFile(String),
    #[error(
        "round {0}'s items or scale are not those its tellers' keys were made for; the count \
         stops"
    )]
    ItemsChanged(i64),
    #[error("round {0} was not sealed (it has no tellers' key)")]
    NoKeys(i64),
    #[error("this key file is not one of round {0}'s tellers' (another round or ceremony)")]
    OtherRound(i64),
    #[error("teller {}'s key file has not finished the key ceremony", .0 + 1)]
    Unfinished(usize),
    #[error(
        "round {id}: {bad} stored ballots are damaged or half-stored; the count stops \
         (ceping round check {id})"
    )]
    Damaged { id: i64, bad: usize },
    #[error(
        "round {id}: {ballots} sealed ballots are stored but the turnout says {turnout} and \
         {used} codes were used; the count stops"
    )]
    Turnout {
        id: i64,
        ballots: u64,
        turnout: i64,
        used: i64,
    },
    #[error("round {id}: {copies} stored ballots are copies of another; the count stops")]
    Copies { id: i64, copies: usize },
    #[error(
        "round {id} has {ballots} ballots: a count of fewer than {MIN_BALLOTS} would show how \
         each deputy voted, so it is refused (a trial round may be counted with fewer)"
    )]
    TooFew { id: i64, ballots: u64 },
    #[error(transparent)]
    Seal(#[from] SealError),
    #[error(transparent)]
    Tellers(#[from] TellerError),
    #[error(transparent)]
    Finish(#[from] FinishError),
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

impl Bilingual for CountError {
    fn zh(&self) -> String {
        match self {
            CountError::Round(e) => e.zh(),
            CountError::NotClosed { .. } => "测评结束后才能计票。".into(),
            CountError::Counted(_) => "本轮测评已经计票。".into(),
            CountError::ClosedAgain(_) => "测评在汇总选票后又重新开启或结束，请重新汇总。".into(),
            CountError::Checking { until, .. } => format!(
                "核对期至{}结束：代表们正在核对页面查看自己的选票是否在列。核对期结束后才能提交计票份额。",
                crate::clock::time_zh(*until)
            ),
            CountError::NotCounted(_) => "本轮测评尚未计票，计票后公开选票记录。".into(),
            CountError::KeyFile(_) => "密钥文件无法保存，计票份额未提交。".into(),
            CountError::ItemsChanged(_) => {
                "本轮测评的项目或评价等级与监票人密钥不符，计票已停止。".into()
            }
            CountError::NoKeys(_) => "本轮测评没有监票人密钥。".into(),
            CountError::OtherRound(_) => "这个密钥文件不属于本轮测评的监票人。".into(),
            CountError::Unfinished(_) => "这个密钥文件还没有完成密钥生成。".into(),
            CountError::Damaged { .. } | CountError::Turnout { .. } | CountError::Copies { .. } => {
                "选票记录与投票人数不符，计票已停止。请联系技术人员核查。".into()
            }
            CountError::TooFew { .. } => {
                format!("选票少于{MIN_BALLOTS}张，计票会显示每位代表的选择，因此不予计票。")
            }
            CountError::Seal(e) => e.zh(),
            CountError::Tellers(e) => e.zh(),
            CountError::Finish(_) | CountError::Db(_) => {
                "服务器暂时无法完成这个请求，请稍后再试。".into()
            }
        }
    }
}

/// What a round's count reads: the sum of every sealed ballot and every sealed comment.
pub struct Sums {
    pub tally: Tally,
    pub comments: Vec<SealedComment>,
}

/// A sealed round, ready to be counted: the round, its key set and its ceremony's context.
pub struct Sealed {
    pub round: Round,
    pub keys: KeySet,
    pub context: String,
    pub solo: bool,
    /// The checking period, in minutes after closing.
    pub check_minutes: u32,
    /// The rated items in ballot order (the order of the cells).
    pub items: Vec<String>,
    pub cells: usize,
}

/// Reads a round with its keys; refused unless it is closed and not yet counted.
pub async fn sealed_round(pool: &SqlitePool, id: i64) -> Result<Sealed, CountError> {
    let round = round::get(pool, id).await?;
    if round.state != RoundState::Closed {
        return Err(CountError::NotClosed {
            id,
            state: round.state,
        });
    }
    if round.counted {
        return Err(CountError::Counted(id));
    }
    keyed(pool, round).await
}

/// Refused while the round is in its checking period: no share is made or taken before it
/// has passed (sums may be: they decrypt nothing).
async fn past_checking(pool: &SqlitePool, s: &Sealed) -> Result<(), CountError> {
    let id = s.round.id;
    match checking_until(pool, id, s.check_minutes).await? {
        Some(until) if crate::clock::now() < until => Err(CountError::Checking { id, until }),
        _ => Ok(()),
    }
}

/// While `round` is closed, not yet counted and in its checking period: when the period ends,
/// in words (Beijing time), for the pages that say so.
pub async fn checking_now(
    pool: &SqlitePool,
    round: &Round,
    check_minutes: u32,
) -> Result<Option<String>, sqlx::Error> {
    if round.state != RoundState::Closed || round.counted {
        return Ok(None);
    }
    Ok(checking_until(pool, round.id, check_minutes)
        .await?
        .filter(|until| crate::clock::now() < *until)
        .map(crate::clock::time_zh))
}

/// The end of a closed round's checking period (`check_minutes` after it last closed); `None`
/// when it has none or has never closed. Until then no share is made or taken (sums may be:
/// they decrypt nothing), so a deputy who finds their tracking code missing at
/// `/track/{round}` can have the count stopped before anything is decrypted. A stored time
/// that does not read keeps the period from ending: bad data never cuts it short.
pub async fn checking_until(
    pool: &SqlitePool,
    id: i64,
    check_minutes: u32,
) -> Result<Option<chrono::DateTime<chrono::Utc>>, sqlx::Error> {
    if check_minutes == 0 {
        return Ok(None);
    }
    let Some((_, closed)) = round::last_closed(pool, id).await? else {
        return Ok(None);
    };
    Ok(Some(
        crate::clock::minutes_after(&closed, check_minutes).unwrap_or_else(|| {
            tracing::error!(round = id, at = %closed, "a closing time does not read");
            crate::clock::now() + chrono::Duration::minutes(i64::from(check_minutes))
        }),
    ))
}

/// A round with its keys, whatever its state (what `verify` reads).
pub async fn keyed(pool: &SqlitePool, round: Round) -> Result<Sealed, CountError> {
    let id = round.id;
    let t = tellers::get(pool, id)
        .await?
        .filter(|t| t.joint_key.is_some())
        .ok_or(CountError::NoKeys(id))?;
    let board = t.board;
    let (keys, board) = tokio::task::spawn_blocking(move || (board.final_key_set(), board))
        .await
        .expect("replaying a board does not panic");
    let items = item_ids(round::items(pool, id).await?);
    let levels: Vec<String> = round.scale.levels.iter().map(|l| l.label.clone()).collect();
    if !crate::seal::record::context_fits(&board.context, id, &items, &levels) {
        return Err(CountError::ItemsChanged(id));
    }
    Ok(Sealed {
        cells: items.len() * round.scale.levels.len(),
        items,
        keys: keys?,
        context: board.context,
        solo: t.solo,
        check_minutes: t.check_minutes,
        round,
    })
}

/// Sums a round's sealed ballots a page at a time on every core, and reads its sealed comments
/// (each proof checked). Any damaged ballot or comment stops it.
pub async fn sums(pool: &SqlitePool, s: &Sealed) -> Result<Sums, CountError> {
    let id = s.round.id;
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut tally = Tally::new(s.cells);
    let mut after = String::new();
    // Rows left out for not being a whole sealed ballot; the first point of each ballot, to find
    // a ballot stored twice (fresh randomness makes a repeat impossible otherwise).
    let mut bad = 0usize;
    let mut firsts: std::collections::HashSet<[u8; 32]> = std::collections::HashSet::new();
    let mut copies = 0usize;
    loop {
        let page = ballot::sealed_after(pool, id, &after, PAGE).await?;
        let Some((last, _)) = page.last() else { break };
        after = last.clone();
        let rows = page.len();
        let (cells, expected) = (s.cells, s.cells * crate::seal::CELL_BYTES);
        let ballots: Vec<Vec<u8>> = page
            .into_iter()
            .filter_map(|(_, c)| c.filter(|c| c.len() == expected))
            .collect();
        bad += rows - ballots.len();
        for b in &ballots {
            if !firsts.insert(b[..32].try_into().expect("a cell is 64 bytes")) {
                copies += 1;
            }
        }
        let part = tokio::task::spawn_blocking(move || Tally::of_ballots(cells, &ballots, threads))
            .await
            .expect("summing does not panic");
        match part {
            Ok(part) => tally.merge(part),
            // A cell that is not a point: the page is not counted, and the count stops below.
            Err(_) => return Err(CountError::Damaged { id, bad: bad + 1 }),
        }
    }
    if bad > 0 {
        return Err(CountError::Damaged { id, bad });
    }
    if copies > 0 {
        return Err(CountError::Copies { id, copies });
    }
    let audit = round::audit(pool, id).await?;
    let n = i64::try_from(tally.ballots).ok();
    if n != Some(audit.turnout) || n != Some(audit.used_codes) {
        return Err(CountError::Turnout {
            id,
            ballots: tally.ballots,
            turnout: audit.turnout,
            used: audit.used_codes,
        });
    }
    if !s.solo && tally.ballots < MIN_BALLOTS {
        return Err(CountError::TooFew {
            id,
            ballots: tally.ballots,
        });
    }
    let raw = ballot::sealed_comments(pool, id).await?;
    let context = s.context.clone();
    let comments = tokio::task::spawn_blocking(move || {
        raw.iter()
            .map(|b| SealedComment::read(&context, b))
            .collect::<Result<Vec<_>, _>>()
    })
    .await
    .expect("reading comments does not panic")?;
    Ok(Sums { tally, comments })
}

/// Where a round's count stands after a teller's part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Progress {
    /// These tellers (0-based) have posted; `needed` are needed.
    Waiting { posted: Vec<usize>, needed: usize },
    /// The count is open. `compacted`: the database was compacted after it (if not, the
    /// sealed comments' old pages may remain in the files until it is).
    Counted {
        ballots: u64,
        tellers: Vec<usize>,
        compacted: bool,
    },
}

/// Each file's teller makes and posts their shares of the round's sums; the count is opened
/// as soon as k tellers have posted. The files remember the sums they make shares of (a file
/// refuses to make shares of other sums later); `save` writes them back before any share is
/// posted, and a failure to save posts nothing. Refused within the checking period (before
/// any file remembers anything).
pub async fn post_shares(
    pool: &SqlitePool,
    id: i64,
    files: &mut [TellerFile],
    save: &mut dyn FnMut(&[TellerFile]) -> Result<(), String>,
    actor: &str,
) -> Result<Progress, CountError> {
    let summed = prepare(pool, id, files).await?;
    post_prepared(pool, summed, files, save, actor).await
}

/// A closed round's sums, made for tellers' files before their shares: they may be made within
/// the checking period (they decrypt nothing), and the shares posted once it has passed.
pub struct Summed {
    s: Sealed,
    sums: Sums,
    /// The round's last closing (its event's id): closed again since, these sums may not be its
    /// ballots.
    closed: Option<i64>,
}

impl Summed {
    pub fn ballots(&self) -> u64 {
        self.sums.tally.ballots
    }

    /// Whether the round is still closed, uncounted and not closed again since these sums.
    pub async fn still_current(&self, pool: &SqlitePool) -> Result<bool, CountError> {
        let r = round::get(pool, self.s.round.id).await?;
        let last = round::last_closing(pool, r.id).await?;
        Ok(r.state == RoundState::Closed && !r.counted && last == self.closed)
    }

    /// When the round's checking period ends, if it has not yet.
    pub async fn checking(
        &self,
        pool: &SqlitePool,
    ) -> Result<Option<chrono::DateTime<chrono::Utc>>, CountError> {
        let until = checking_until(pool, self.s.round.id, self.s.check_minutes).await?;
        Ok(until.filter(|until| crate::clock::now() < *until))
    }
}

/// Sums a closed, uncounted round's sealed ballots for these tellers' files (checked to be its
/// tellers' and finished), whether or not its checking period has passed.
pub async fn prepare(
    pool: &SqlitePool,
    id: i64,
    files: &[TellerFile],
) -> Result<Summed, CountError> {
    let s = sealed_round(pool, id).await?;
    for f in files.iter() {
        if f.context != s.context {
            return Err(CountError::OtherRound(id));
        }
        if !f.is_done() {
            return Err(CountError::Unfinished(f.index));
        }
    }
    let closed = round::last_closing(pool, id).await?;
    let sums = sums(pool, &s).await?;
    // A file that made shares of other sums would refuse these: said now, not after the wait.
    if files
        .iter()
        .any(|f| f.remembers_other(&sums.tally, &sums.comments))
    {
        return Err(SealError::OtherSums.into());
    }
    Ok(Summed { s, sums, closed })
}

/// [`post_shares`] with sums made before: refused if the round has since been reopened or
/// closed again or counted, or is still in its checking period.
pub async fn post_prepared(
    pool: &SqlitePool,
    summed: Summed,
    files: &mut [TellerFile],
    save: &mut dyn FnMut(&[TellerFile]) -> Result<(), String>,
    actor: &str,
) -> Result<Progress, CountError> {
    let Summed { sums, closed, .. } = summed;
    let id = summed.s.round.id;
    let s = sealed_round(pool, id).await?;
    if round::last_closing(pool, id).await? != closed {
        return Err(CountError::ClosedAgain(id));
    }
    past_checking(pool, &s).await?;
    if files
        .iter()
        .any(|f| f.remembers_other(&sums.tally, &sums.comments))
    {
        return Err(SealError::OtherSums.into());
    }
    // Each file remembers these sums, and is saved, before any share leaves: a file refuses to
    // make shares of other sums later, whatever happens to this run.
    for f in files.iter_mut() {
        f.remember(&sums.tally, &sums.comments)?;
    }
    save(files).map_err(CountError::KeyFile)?;
    for f in files.iter_mut() {
        let share = f.count_share(&sums.tally, &sums.comments, &mut rand::rngs::OsRng)?;
        // The teller's own file should always check; a file that does not is not this key's.
        verify_share(&s.keys, &s.context, &sums.tally, &sums.comments, &share)?;
        let by = format!("{actor} (teller {})", f.index + 1);
        stored(pool, &s, &share, closed, &by).await?;
    }
    finish_with(pool, &s, &sums).await
}

/// Stores a share made on sums read after the closing event `closing` (everything checked
/// again in the storing transaction), or says why not.
async fn stored(
    pool: &SqlitePool,
    s: &Sealed,
    share: &CountShare,
    closing: Option<i64>,
    by: &str,
) -> Result<(), CountError> {
    let id = s.round.id;
    let now = crate::clock::now();
    match repo::post_share(pool, id, share, closing, s.check_minutes, now, by).await? {
        Posted::Stored => Ok(()),
        Posted::ClosedAgain => Err(CountError::ClosedAgain(id)),
        Posted::Checking => {
            let until = checking_until(pool, id, s.check_minutes)
                .await?
                .unwrap_or(now);
            Err(CountError::Checking { id, until })
        }
        Posted::NotOpen => match round::get(pool, id).await? {
            r if r.counted => Err(CountError::Counted(id)),
            r => Err(CountError::NotClosed { id, state: r.state }),
        },
    }
}

/// What a teller's browser sums itself before making its shares: every sealed ballot and
/// sealed comment of the round, as stored ([`crate::seal::bundle`]); refused unless the round is
/// closed, keyed and not yet counted.
pub async fn bundle(pool: &SqlitePool, id: i64) -> Result<(Vec<u8>, Option<i64>), CountError> {
    let s = sealed_round(pool, id).await?;
    let closing = round::last_closing(pool, id).await?;
    let mut ballots: Vec<Vec<u8>> = Vec::new();
    let mut after = String::new();
    loop {
        let page = ballot::sealed_after(pool, id, &after, PAGE).await?;
        let Some((last, _)) = page.last() else { break };
        after = last.clone();
        // A row that is not a whole sealed ballot stops the count (`sums`) as it would here.
        let rows = page.len();
        let whole: Vec<Vec<u8>> = page
            .into_iter()
            .filter_map(|(_, c)| c.filter(|c| c.len() == s.cells * crate::seal::CELL_BYTES))
            .collect();
        if whole.len() != rows {
            return Err(CountError::Damaged {
                id,
                bad: rows - whole.len(),
            });
        }
        ballots.extend(whole);
    }
    let comments = ballot::sealed_comments(pool, id).await?;
    Ok((
        crate::seal::bundle::write(s.cells, &ballots, &comments),
        closing,
    ))
}

/// One teller's share, made elsewhere (in their browser): checked against the sums recomputed
/// from the stored ballots, stored, and the count opened once k tellers have posted.
pub async fn post_share(
    pool: &SqlitePool,
    id: i64,
    share: &CountShare,
    closing: Option<i64>,
    actor: &str,
) -> Result<Progress, CountError> {
    let s = sealed_round(pool, id).await?;
    // The closing the teller's ballots came after, if the page says (else the last one): the
    // share is refused if the round has closed again since.
    let last = round::last_closing(pool, id).await?;
    if closing.is_some() && closing != last {
        return Err(CountError::ClosedAgain(id));
    }
    past_checking(pool, &s).await?;
    if share.context != s.context {
        return Err(CountError::OtherRound(id));
    }
    // A share of the wrong shape is refused before the ballots are summed for it.
    if share.shares.len() != s.cells {
        return Err(CountError::Seal(SealError::BadShare {
            teller: share.teller,
            why: format!("{} shares of cells, not {}", share.shares.len(), s.cells),
        }));
    }
    let sums = sums(pool, &s).await?;
    verify_share(&s.keys, &s.context, &sums.tally, &sums.comments, share)?;
    stored(pool, &s, share, last, actor).await?;
    finish_with(pool, &s, &sums).await
}

/// Opens the count if k tellers have posted shares that check against the sums.
pub async fn finish(pool: &SqlitePool, id: i64) -> Result<Progress, CountError> {
    let s = sealed_round(pool, id).await?;
    let sums = sums(pool, &s).await?;
    finish_with(pool, &s, &sums).await
}

async fn finish_with(pool: &SqlitePool, s: &Sealed, sums: &Sums) -> Result<Progress, CountError> {
    let id = s.round.id;
    let needed = s.keys.params().threshold;
    // A share whose comments' part was dropped (a count that could not be written) counts as
    // not posted: its teller posts again.
    let shares: Vec<_> = repo::shares(pool, id)
        .await?
        .into_iter()
        .filter(|share| share.comments.len() == sums.comments.len())
        .collect();
    // A stored share that does not check against these sums means the ballots changed after it
    // was made, or the share did: the count stops and says whose.
    let verified: Vec<Verified> = shares
        .iter()
        .map(|share| verify_share(&s.keys, &s.context, &sums.tally, &sums.comments, share))
        .collect::<Result<_, _>>()?;
    if verified.len() < needed {
        return Ok(Progress::Waiting {
            posted: verified.iter().map(|v| v.teller).collect(),
            needed,
        });
    }
    let verified = &verified[..needed];
    let levels = s.round.scale.levels.len();
    let counts = opened_counts(&s.keys, &sums.tally, verified, &s.items, levels)?;
    let said = open_comments(&s.keys, &s.context, &sums.comments, verified)?;
    let mut tallies = Vec::with_capacity(s.cells + s.items.len());
    for c in &counts {
        for (level, n) in c.levels.iter().enumerate() {
            tallies.push((c.item.clone(), level as i64, *n as i64));
        }
        tallies.push((c.item.clone(), -1, c.unrated as i64));
    }
    let mut comments: Vec<(Option<String>, String)> = said
        .into_iter()
        .flat_map(|c| {
            c.overall
                .map(|o| (None, o))
                .into_iter()
                .chain(c.items.into_iter().map(|(i, t)| (Some(i), t)))
        })
        .collect();
    comments.shuffle(&mut rand::rngs::OsRng);
    let tellers: Vec<usize> = verified.iter().map(|v| v.teller + 1).collect();
    let opened = Opened {
        ballots: i64::try_from(sums.tally.ballots).unwrap_or(i64::MAX),
        tellers: tellers.clone(),
        tallies,
        comments,
    };
    match repo::finish(pool, id, &opened).await {
        Ok(()) => {}
        // Another teller's run opened it at the same moment: it is counted.
        Err(FinishError::Moved) if round::get(pool, id).await?.counted => {
            // The other run compacts.
            return Ok(Progress::Counted {
                ballots: sums.tally.ballots,
                tellers,
                compacted: true,
            });
        }
        Err(e) => {
            // k tellers' shares of the comments, left stored, would open each ballot's comment
            // apart from the others: they go, and the tellers post again.
            if let Err(e) = repo::forget_comment_shares(pool, id).await {
                tracing::error!(error = %e, "the comments' shares could not be dropped");
            }
            return Err(e.into());
        }
    }
    let compacted = match repo::compact(pool).await {
        Ok(()) => true,
        Err(e) => {
            tracing::error!(error = %e, "compacting the database after the count failed");
            false
        }
    };
    Ok(Progress::Counted {
        ballots: sums.tally.ballots,
        tellers,
        compacted,
    })
}

/// What `ceping round verify` found.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Verification {
    pub round: i64,
    pub ballots: u64,
    pub tellers: Vec<usize>,
    pub checks: Vec<Check>,
}

/// The stored counts of a round in item order, as a record publishes them.
async fn stored_counts(
    pool: &SqlitePool,
    id: i64,
    items: &[String],
    levels: usize,
) -> Result<Vec<RecordCount>, CountError> {
    let rows = repo::tallies(pool, id).await?;
    Ok(items
        .iter()
        .map(|item| {
            let mut per_level = vec![0u64; levels];
            let mut unrated = 0u64;
            for (_, level, n) in rows.iter().filter(|(i, _, _)| i == item) {
                let n = u64::try_from(*n).unwrap_or(0);
                match usize::try_from(*level) {
                    Ok(l) if l < levels => per_level[l] = n,
                    _ => unrated = n,
                }
            }
            RecordCount {
                item: item.clone(),
                levels: per_level,
                unrated,
            }
        })
        .collect())
}

fn item_ids(items: Vec<round::RoundItem>) -> Vec<String> {
    items.into_iter().map(|i| i.item.0).collect()
}

/// Checks a counted round from what is stored, as anyone may: the board replays and gives the
/// stored joint key; the sealed ballots sum to what every stored share was made on (each
/// teller's proof checks); the shares open to exactly the stored tallies; the ballots equal
/// the turnout and the count's record.
pub async fn verify(pool: &SqlitePool, id: i64) -> Result<Verification, CountError> {
    let round = round::get(pool, id).await?;
    let record = repo::record(pool, id).await?;
    let mut checks = Vec::new();
    let Some((_, recorded, tellers, sealed)) = record else {
        return Err(CountError::NotClosed {
            id,
            state: round.state,
        });
    };
    if !sealed {
        checks.push(Check {
            what: "the round was counted in the clear, before ballots were sealed: there is no \
                   sealed count to verify"
                .into(),
            ok: false,
        });
        return Ok(Verification {
            round: id,
            ballots: 0,
            tellers,
            checks,
        });
    }
    let stored_key = tellers::get(pool, id)
        .await?
        .and_then(|t| t.joint_key)
        .unwrap_or_default();
    let s = keyed(pool, round).await?;
    let key_hex = hex::encode(s.keys.shared_key().as_bytes());
    checks.push(Check {
        what: format!(
            "the tellers' board replays (every commitment, polynomial and proof) to the joint key \
             {}…",
            &key_hex[..16]
        ),
        ok: key_hex == stored_key,
    });
    let sums = sums(pool, &s).await?;
    checks.push(Check {
        what: format!(
            "{} sealed ballots, each whole, summed; they equal the turnout, the used codes and \
             the count's record ({recorded})",
            sums.tally.ballots
        ),
        ok: i64::try_from(sums.tally.ballots).ok() == Some(recorded),
    });
    let levels = s.round.scale.levels.len();
    let counts = stored_counts(pool, id, &s.items, levels).await?;
    let shares = repo::shares(pool, id).await?;
    checks.extend(check_count(
        &s.keys,
        &s.context,
        &sums.tally,
        &shares,
        &s.items,
        levels,
        &counts,
    ));
    Ok(Verification {
        round: id,
        ballots: sums.tally.ballots,
        tellers,
        checks,
    })
}

/// Sealed ballots per chunk of a streamed record: about 1.5 MB of JSON for 44 items of four
/// levels.
pub const RECORD_PAGE: i64 = 100;

/// A counted round's public record (`seal::record`): everything `verify` reads, so anyone can
/// run the same checks without the database, written as JSON a page of ballots at a time.
/// The bytes are exactly `serde_json::to_vec` of the [`Record`](crate::seal::record::Record), but only one page is held in
/// memory whatever the round's size (100,000 ballots of 44 items and four levels make about
/// 1.1 GB of JSON).
pub struct RecordWriter {
    pool: SqlitePool,
    id: i64,
    page: i64,
    /// The JSON before the first ballot, and after the last; each taken as it is written.
    head: Option<Vec<u8>>,
    tail: Option<Vec<u8>>,
    /// The id of the last ballot written; `None` once every ballot is.
    after: Option<String>,
    /// Ballots written so far.
    pub ballots: u64,
}

/// The record's fields before its ballots, in the order `Record` declares them.
#[derive(serde::Serialize)]
struct RecordHead<'a> {
    format: &'a str,
    round: &'a RecordRound,
    tellers: &'a [String],
    trial: bool,
    board: &'a crate::seal::Board,
    joint_key: &'a str,
}

/// The record's fields after its ballots.
#[derive(serde::Serialize)]
struct RecordTail<'a> {
    shares: &'a [CountShare],
    opened_by: &'a [usize],
    counts: &'a [RecordCount],
}

impl RecordWriter {
    /// Reads everything but the ballots; refused unless the round has been counted sealed.
    pub async fn open(pool: &SqlitePool, id: i64, page: i64) -> Result<RecordWriter, CountError> {
        let round = round::get(pool, id).await?;
        let Some((_, _, opened_by, true)) = repo::record(pool, id).await? else {
            return Err(CountError::NotCounted(id));
        };
        let t = tellers::get(pool, id)
            .await?
            .filter(|t| t.joint_key.is_some())
            .ok_or(CountError::NoKeys(id))?;
        let levels = round.scale.levels.len();
        let items = item_ids(round::items(pool, id).await?);
        let counts = stored_counts(pool, id, &items, levels).await?;
        let shares = repo::shares(pool, id).await?;
        let round = RecordRound {
            id,
            name: round.name.clone(),
            items,
            levels: round.scale.levels.iter().map(|l| l.label.clone()).collect(),
        };
        // `{"format":…,"joint_key":"…"}` without its `}`, then the ballots' key; and
        // `{"shares":…}` without its `{`, after the ballots' `]`.
        let mut head = json(&RecordHead {
            format: FORMAT,
            round: &round,
            tellers: &t.names,
            trial: t.solo,
            board: &t.board,
            joint_key: t.joint_key.as_deref().unwrap_or_default(),
        });
        head.pop();
        head.extend_from_slice(b",\"ballots\":[");
        let tail = json(&RecordTail {
            shares: &shares,
            opened_by: &opened_by,
            counts: &counts,
        });
        let mut closing = b"],".to_vec();
        closing.extend_from_slice(&tail[1..]);
        Ok(RecordWriter {
            pool: pool.clone(),
            id,
            page: page.max(1),
            head: Some(head),
            tail: Some(closing),
            after: Some(String::new()),
            ballots: 0,
        })
    }

    /// The next piece of the record's JSON; `None` once it is all written.
    pub async fn next_chunk(&mut self) -> Result<Option<Vec<u8>>, CountError> {
        if let Some(head) = self.head.take() {
            return Ok(Some(head));
        }
        if let Some(after) = &self.after {
            let page = ballot::sealed_after(&self.pool, self.id, after, self.page).await?;
            if let Some((last, _)) = page.last() {
                self.after = Some(last.clone());
                let mut out = Vec::new();
                for (_, cells) in page {
                    let cells = cells.unwrap_or_default();
                    if self.ballots > 0 {
                        out.push(b',');
                    }
                    let ballot = RecordBallot {
                        tracking: tracking_code(&cells),
                        cells: Base64::encode_string(&cells),
                    };
                    serde_json::to_writer(&mut out, &ballot)
                        .expect("a ballot of two strings serializes");
                    self.ballots += 1;
                }
                return Ok(Some(out));
            }
            self.after = None;
        }
        Ok(self.tail.take())
    }

    /// The whole record in memory (tests and small rounds).
    pub async fn read_all(mut self) -> Result<Vec<u8>, CountError> {
        let mut out = Vec::new();
        while let Some(chunk) = self.next_chunk().await? {
            out.extend_from_slice(&chunk);
        }
        Ok(out)
    }
}

/// A part of the record as compact JSON.
fn json<T: serde::Serialize>(v: &T) -> Vec<u8> {
    serde_json::to_vec(v).expect("the record's fields serialize")
}
