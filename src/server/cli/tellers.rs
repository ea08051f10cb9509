//! `ceping tellers`: name a round's tellers (监票人), make their keys, see where the key
//! ceremony stands.
//!
//! `keygen --teller N --key FILE` is one teller's part, run by that teller: it makes their key
//! file (the only copy of their secret; keep it, and a copy, somewhere only they hold) and posts
//! the public steps, waiting for the other tellers between steps. `keygen --solo` makes every
//! teller's file in one go, for trying Ceping alone; the round then says one person holds
//! every key. `set` and `status` print each teller's page link (`/teller/{round}/{n}#TOKEN`),
//! where a teller makes their key in their own browser instead: hand each link to its teller
//! alone.

use super::cli_actor;
use crate::seal::TellerFile;
use crate::server::repo::tellers::{self, Tellers};
use anyhow::Context;
use clap::Subcommand;
use std::path::{Path, PathBuf};

#[derive(Debug, Subcommand)]
pub enum TellersCommand {
    /// Name a draft round's tellers; any THRESHOLD of them will open the count (default: a
    /// majority, 2 of 3). Starts a new key ceremony.
    Set {
        #[arg(long)]
        round: i64,
        /// Their names, separated by commas (`,` or `，`), e.g. 张三,李四,王五.
        #[arg(long)]
        names: String,
        #[arg(long)]
        threshold: Option<usize>,
        /// The checking period: minutes after the round closes before its count may begin
        /// (deputies look for their tracking codes at /track/ROUND meanwhile); 0 to 10080.
        #[arg(long, default_value_t = tellers::DEFAULT_CHECK_MINUTES)]
        check_minutes: u32,
    },
    /// Make keys: one teller's (--teller N --key FILE), or every teller's at once (--solo
    /// --out-dir DIR; names three trial tellers, any two of whom count, if none are named).
    Keygen {
        #[arg(long)]
        round: i64,
        /// Which teller you are, from 1.
        #[arg(long, required_unless_present = "solo", conflicts_with = "solo")]
        teller: Option<usize>,
        /// Your key file: made if missing, carried on if it is there.
        #[arg(long, required_unless_present = "solo", conflicts_with = "solo")]
        key: Option<PathBuf>,
        /// Wait up to this many seconds for the other tellers between steps.
        #[arg(long, default_value_t = 0)]
        wait: u64,
        /// The board's fingerprint, once you have compared it with every other teller (in
        /// person or by phone) and all of you saw the same: no share is sent before.
        #[arg(long, conflicts_with = "solo")]
        fingerprint: Option<String>,
        /// Make every teller's key here (one person then holds all of them).
        #[arg(long)]
        solo: bool,
        /// With --solo: the folder for teller-1.json, teller-2.json, …
        #[arg(long, requires = "solo")]
        out_dir: Option<PathBuf>,
    },
    /// Who the tellers are and how far each has come.
    Status {
        #[arg(long)]
        round: i64,
    },
}

fn default_threshold(n: usize) -> usize {
    n / 2 + 1
}

/// Writes a key file readable by its owner only, through a temporary file in the same folder,
/// so a crash leaves the old file or the new one, never half of one.
pub(super) fn save_key(path: &Path, file: &TellerFile, replace: bool) -> anyhow::Result<()> {
    use std::io::Write;
    let json = serde_json::to_vec_pretty(file)?;
    let tmp = path.with_extension("json.partial");
    let _ = std::fs::remove_file(&tmp);
    let mut out = crate::server::db::create_private(&tmp)?;
    out.write_all(&json)?;
    out.sync_all()?;
    if replace {
        std::fs::rename(&tmp, path)?;
    } else {
        let placed = std::fs::hard_link(&tmp, path)
            .with_context(|| format!("cannot create {} (it must not exist yet)", path.display()));
        let _ = std::fs::remove_file(&tmp);
        placed?;
    }
    Ok(())
}

pub(super) fn load_key(path: &Path) -> anyhow::Result<TellerFile> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let file: TellerFile = serde_json::from_str(&text)
        .with_context(|| format!("{} is not a Ceping teller key file", path.display()))?;
    anyhow::ensure!(
        file.format == crate::seal::ceremony::FILE_FORMAT,
        "{} is a key file of another format ({})",
        path.display(),
        file.format
    );
    Ok(file)
}

/// The key of the tellers' page links, derived from the audit key as the server derives it;
/// `Err` with what to do when the key file is not where it was looked for (it is never made
/// here: the server makes it, and refuses a new one once second factors are sealed with it).
fn link_key(audit_key: &std::path::Path) -> Result<[u8; 32], String> {
    use crate::server::service::audit_key;
    if !audit_key.exists() {
        return Err(format!(
            "not shown: the links are keyed by the audit key, and {} does not exist yet (start \
             the server once, which makes it, or give --audit-key where it is)",
            audit_key.display()
        ));
    }
    let key = audit_key::load(audit_key).map_err(|e| format!("not shown: {e:#}"))?;
    Ok(audit_key::derive(key.as_bytes(), audit_key::TELLER_LINKS))
}

/// Where the ceremony stands; with the links' key, each teller's page link (to hand to that
/// teller alone: it lets whoever holds it post their steps).
fn print_status(t: &Tellers, links: Option<Result<[u8; 32], String>>) {
    let n = t.names.len();
    println!(
        "round {}: {n} tellers, any {} of them open the count{}",
        t.round_id,
        t.threshold(),
        if t.solo {
            " — one person made every key (a trial, not a secret ballot)"
        } else {
            ""
        }
    );
    match t.check_minutes {
        0 => println!("checking period: none (the count may begin as soon as the round closes)"),
        m => println!("checking period: {m} minutes after the round closes, before the count"),
    }
    for (i, (name, steps)) in t.names.iter().zip(t.board.progress()).enumerate() {
        let link = match &links {
            Some(Ok(key)) => format!(
                "; page: {}",
                crate::server::service::teller_link::link(key, t.round_id, &t.board.context, i)
            ),
            _ => String::new(),
        };
        println!(
            "  teller {}: {name}: {steps} of {} steps{link}",
            i + 1,
            crate::seal::ceremony::STEPS
        );
    }
    if let Some(Err(why)) = &links {
        println!("page links: {why}");
    }
    match &t.joint_key {
        Some(key) => println!("joint key: {key}"),
        None => println!("joint key: not yet (every teller must finish)"),
    }
}

async fn tellers_of(pool: &sqlx::SqlitePool, round: i64) -> anyhow::Result<Tellers> {
    tellers::get(pool, round)
        .await?
        .with_context(|| format!("round {round} has no tellers yet (ceping tellers set)"))
}

pub async fn run(
    pool: sqlx::SqlitePool,
    cmd: TellersCommand,
    audit_key: &std::path::Path,
) -> anyhow::Result<()> {
    let pool = &pool;
    match cmd {
        TellersCommand::Set {
            round,
            names,
            threshold,
            check_minutes,
        } => {
            let names: Vec<String> = names
                .split([',', '，'])
                .map(|s| s.trim().to_string())
                .collect();
            let k = threshold.unwrap_or_else(|| default_threshold(names.len()));
            let t = tellers::set(pool, round, &names, k, check_minutes, &cli_actor()).await?;
            print_status(&t, Some(link_key(audit_key)));
        }
        TellersCommand::Status { round } => {
            print_status(&tellers_of(pool, round).await?, Some(link_key(audit_key)));
        }
        TellersCommand::Keygen {
            round,
            solo: true,
            out_dir,
            ..
        } => {
            let dir = out_dir.unwrap_or_else(|| PathBuf::from("."));
            // Trying Ceping alone: three tellers, any two of whom count with no checking
            // period, unless named already.
            if tellers::get(pool, round).await?.is_none() {
                let names: Vec<String> = (1..=3).map(|i| format!("试用监票人{i}")).collect();
                tellers::set(pool, round, &names, 2, 0, &cli_actor()).await?;
            }
            let n = tellers_of(pool, round).await?.names.len();
            let paths: Vec<PathBuf> = (1..=n)
                .map(|i| dir.join(format!("teller-{i}.json")))
                .collect();
            if let Some(p) = paths.iter().find(|p| p.exists()) {
                anyhow::bail!("{} exists already; choose another --out-dir", p.display());
            }
            std::fs::create_dir_all(&dir)?;
            let files = tellers::solo(pool, round, &cli_actor()).await?;
            for (file, path) in files.iter().zip(&paths) {
                save_key(path, file, false)?;
                println!("teller {}'s key: {}", file.index + 1, path.display());
            }
            print_status(&tellers_of(pool, round).await?, None);
        }
        TellersCommand::Keygen {
            round,
            teller,
            key,
            wait,
            fingerprint,
            ..
        } => {
            let (teller, key) = (
                teller.context("--teller N is needed")?,
                key.context("--key FILE is needed")?,
            );
            let state = crate::server::repo::round::get(pool, round).await?.state;
            anyhow::ensure!(
                state == crate::server::repo::round::RoundState::Draft,
                "round {round} is {}: keys are made while it is a draft",
                state.as_str()
            );
            let t = tellers_of(pool, round).await?;
            anyhow::ensure!(
                (1..=t.names.len()).contains(&teller),
                "round {round} has tellers 1 to {}",
                t.names.len()
            );
            let index = teller - 1;
            let mut rng = rand::rngs::OsRng;
            let mut file = if key.exists() {
                let file = load_key(&key)?;
                anyhow::ensure!(
                    file.index == index && file.context == t.board.context,
                    "{} is the key of another teller or another round",
                    key.display()
                );
                file
            } else {
                anyhow::ensure!(
                    t.board.posted[index].is_empty(),
                    "teller {teller} has begun with another key file; use it (or ask the office \
                     to name the tellers again)"
                );
                let (file, first) = TellerFile::new(&t.board, index, &mut rng)?;
                // The file first: a step posted without its secrets kept could never go on.
                save_key(&key, &file, false)?;
                tellers::post(pool, round, index, first).await?;
                println!(
                    "key file made: {} (keep it, and a copy, where only you can reach them)",
                    key.display()
                );
                file
            };
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(wait);
            loop {
                let t = tellers_of(pool, round).await?;
                if let Some(board_print) = file.needs_confirmation(&t.board) {
                    match &fingerprint {
                        Some(given) => {
                            file.confirm(&t.board, given)?;
                            save_key(&key, &file, true)?;
                            println!("fingerprint {board_print} confirmed");
                        }
                        None => {
                            println!(
                                "every teller has published their part. Before any share is sent, \
                                 compare this fingerprint with every other teller, in person or by \
                                 phone:\n\n    {board_print}\n\nIf all of you see the same, run \
                                 this again with --fingerprint {board_print}. If not, stop and tell \
                                 the office: someone changed what the tellers see."
                            );
                            return Ok(());
                        }
                    }
                    continue;
                }
                match file.advance(&t.board, &mut rng)? {
                    Some(message) => {
                        let step = message.step() + 1;
                        save_key(&key, &file, true)?;
                        tellers::post(pool, round, index, message).await?;
                        println!("step {step} of {} posted", crate::seal::ceremony::STEPS);
                    }
                    None if file.is_done() => {
                        println!(
                            "your part is done; the joint key your file computed: {}",
                            file.joint_key().unwrap_or_default()
                        );
                        print_status(&t, None);
                        return Ok(());
                    }
                    None if std::time::Instant::now() < deadline => {
                        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
                    }
                    None => {
                        let waiting: Vec<String> = t
                            .board
                            .progress()
                            .iter()
                            .enumerate()
                            .filter(|(j, s)| **s < t.board.posted[index].len() && *j != index)
                            .map(|(j, _)| (j + 1).to_string())
                            .collect();
                        println!(
                            "waiting for teller(s) {}; run this again (with the same --key) when they have posted",
                            waiting.join(", ")
                        );
                        return Ok(());
                    }
                }
            }
        }
    }
    Ok(())
}
