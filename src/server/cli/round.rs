//! `ceping round …`: create, open, close, reopen, check, count, verify, indicators, configure,
//! results, list.

use super::cli_actor;
use crate::server::{db, repo};
use anyhow::Context;
use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum RoundCommand {
    /// Create a round (state: draft). Prints its id.
    Create {
        /// The plan it evaluates (default: the latest plan).
        #[arg(long)]
        plan: Option<i64>,
        /// Its name, e.g. "2020年度满意度测评".
        #[arg(long)]
        name: String,
        /// Planned opening time (RFC 3339, e.g. 2020-12-20T09:00:00+08:00), shown to deputies.
        #[arg(long)]
        opens: Option<String>,
        /// Planned closing time (RFC 3339).
        #[arg(long)]
        closes: Option<String>,
        /// What deputies rate.
        #[arg(long, value_enum, default_value_t = Items::Both)]
        items: Items,
        /// The rating scale.
        #[arg(long, value_enum, default_value_t = ScaleChoice::Three)]
        scale: ScaleChoice,
        /// Do not collect written comments.
        #[arg(long)]
        no_comments: bool,
        /// Longest comment, in characters.
        #[arg(long, default_value_t = 300)]
        comment_max: i64,
    },
    /// Open a draft round for voting.
    Open { id: i64 },
    /// Close an open round: no more ballots or revisions.
    Close { id: i64 },
    /// Reopen a closed round (recorded, with an optional reason).
    Reopen {
        id: i64,
        #[arg(long)]
        note: Option<String>,
    },
    /// Check a round's stored ballots against its turnout and used codes (every sealed ballot
    /// whole). Exits with an error if anything disagrees.
    Check { id: i64 },
    /// A teller's part of the count of a closed round: sums the sealed ballots, makes this
    /// teller's decryption shares with proofs and posts them. Once enough tellers have, the
    /// count opens: per-item counts and the comments in random order. Give --key once per key
    /// file you hold (a trial round's holder gives several).
    Count {
        id: i64,
        /// Your teller key file (from ceping tellers keygen).
        #[arg(long = "key", required = true)]
        keys: Vec<std::path::PathBuf>,
    },
    /// Check a round's count from what is stored, as anyone may: the tellers' board and joint
    /// key, the sums of the sealed ballots, every teller's decryption proof, and that the
    /// stored counts are what those shares open. Exits with an error if anything fails.
    Verify {
        /// The round, read from the database.
        #[arg(required_unless_present = "record")]
        id: Option<i64>,
        /// Check a published record instead (`ceping round record`, or the results page's
        /// download): needs no database.
        #[arg(long, conflicts_with = "id")]
        record: Option<std::path::PathBuf>,
        /// Print the checks as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Write a counted round's public record (the tellers' board, every sealed ballot with its
    /// tracking code, every teller's decryption shares, the counts) as JSON, to check with
    /// `ceping round verify --record FILE`.
    Record {
        id: i64,
        /// Where to write (must not exist yet).
        #[arg(long)]
        out: std::path::PathBuf,
    },
    /// Show a round's evaluator indicators; with --set, replace them (draft rounds only).
    Indicators {
        id: i64,
        /// The new set: "name:weight[:guidance]" separated by commas or new lines, weights
        /// adding up to 100, e.g. "工作进度:40,落实成效:60".
        #[arg(long)]
        set: Option<String>,
    },
    /// Change how a draft round's results are counted. Prints the configuration in force.
    Configure {
        id: i64,
        /// N for 满意率 and the majority rule: valid (ballots that rated the item), invited:N
        /// or present:N.
        #[arg(long, value_parser = parse_denominator)]
        denominator: Option<crate::results::Denominator>,
        /// Deputies' and evaluators' weights in the combined index, e.g. 60,40.
        #[arg(long, value_parser = parse_pair)]
        group_weights: Option<(f64, f64)>,
        /// Level weights of the satisfaction score, one per level, e.g. 100,60,0.
        #[arg(long, value_parser = parse_numbers)]
        level_weights: Option<Numbers>,
        /// 需重新办理 under this 满意率, in percent (default 80).
        #[arg(long)]
        threshold: Option<f64>,
        /// Drop the highest and lowest evaluator when five or more are counted: on or off.
        #[arg(long)]
        trim: Option<Switch>,
        /// Gone: no result exists before the tellers' count, so none can be shown early.
        /// Refused with that reason.
        #[arg(long, hide = true)]
        publish: Option<Switch>,
    },
    /// Print a round's results (the same figures as the results page).
    Results {
        id: i64,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// List rounds with their state and turnout.
    List {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Switch {
    On,
    Off,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Items {
    Both,
    Tasks,
    Units,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum ScaleChoice {
    /// 满意 / 基本满意 / 不满意
    Three,
    /// 满意 / 比较满意 / 基本满意 / 不满意
    Four,
}

fn check_time(label: &str, t: &Option<String>) -> anyhow::Result<()> {
    if let Some(t) = t {
        chrono::DateTime::parse_from_rfc3339(t).with_context(|| {
            format!("--{label} must be an RFC 3339 time such as 2020-12-20T09:00:00+08:00")
        })?;
    }
    Ok(())
}

pub async fn run(pool: sqlx::SqlitePool, cmd: RoundCommand) -> anyhow::Result<()> {
    use crate::ballot::Scale;
    use crate::server::repo::round::{self, NewRound, RoundAction};
    let pool = &pool;
    let actor = cli_actor();
    match cmd {
        RoundCommand::Create {
            plan,
            name,
            opens,
            closes,
            items,
            scale,
            no_comments,
            comment_max,
        } => {
            check_time("opens", &opens)?;
            check_time("closes", &closes)?;
            let plan_id = match plan {
                Some(p) => p,
                None => repo::plan::resolve_plan_id(pool, None)
                    .await
                    .map_err(|_| anyhow::anyhow!("there is no plan yet: import one first"))?,
            };
            let id = round::create(
                pool,
                &NewRound {
                    plan_id,
                    name,
                    opens_at: opens,
                    closes_at: closes,
                    rate_tasks: matches!(items, Items::Both | Items::Tasks),
                    rate_units: matches!(items, Items::Both | Items::Units),
                    scale: match scale {
                        ScaleChoice::Three => Scale::three_level(),
                        ScaleChoice::Four => Scale::four_level(),
                    },
                    comments_allowed: !no_comments,
                    comment_max_chars: comment_max,
                },
                &actor,
            )
            .await?;
            let n = round::items(pool, id).await?.len();
            println!("created round {id} (draft) rating {n} items");
        }
        RoundCommand::Open { id } => {
            round::transition(pool, id, RoundAction::Open, &actor, None).await?;
            println!("round {id} is open");
        }
        RoundCommand::Close { id } => {
            round::transition(pool, id, RoundAction::Close, &actor, None).await?;
            println!("round {id} is closed");
        }
        RoundCommand::Reopen { id, note } => {
            round::transition(pool, id, RoundAction::Reopen, &actor, note.as_deref()).await?;
            println!("round {id} is open again (recorded)");
        }
        RoundCommand::Check { id } => {
            round::get(pool, id).await?;
            let integrity = db::integrity_check(pool).await?;
            anyhow::ensure!(
                integrity == "ok",
                "the database file is damaged: {integrity}"
            );
            let audit = round::audit(pool, id).await?;
            println!("{}", serde_json::to_string(&audit)?);
            if !audit.consistent() {
                anyhow::bail!("round {id}: the stored ballots and the tallies disagree");
            }
            println!(
                "round {id}: {} ballots, each whole; turnout and used codes agree; integrity ok",
                audit.ballots
            );
        }
        RoundCommand::Count { id, keys } => {
            use crate::server::service::count::{self, Progress};
            let mut files = keys
                .iter()
                .map(|k| super::tellers::load_key(k))
                .collect::<anyhow::Result<Vec<_>>>()?;
            let trial = repo::tellers::get(pool, id).await?.is_some_and(|t| t.solo);
            anyhow::ensure!(
                files.len() == 1 || trial,
                "each teller counts with their own key file, one --key per run; several are for \
                 a trial round, where one person made every key"
            );
            let started = std::time::Instant::now();
            // Each file remembers the sums it makes shares of, saved before any share leaves:
            // it then refuses to open a count of other ballots.
            let mut save = |files: &[crate::seal::TellerFile]| {
                files.iter().zip(&keys).try_for_each(|(file, path)| {
                    super::tellers::save_key(path, file, true).map_err(|e| format!("{e:#}"))
                })
            };
            // The sums may be made within the checking period; the shares wait for its end.
            let summed = count::prepare(pool, id, &files).await?;
            if let Some(until) = summed.checking(pool).await? {
                println!(
                    "round {id}: {} sealed ballots summed ({:.1} s); its checking period ends at \
                     {}: waiting to make and post the share(s) (Ctrl-C stops; nothing is \
                     posted before)",
                    summed.ballots(),
                    started.elapsed().as_secs_f64(),
                    crate::clock::time_zh(until)
                );
                // Looks every 5 s: a reopening (or a second closing) ends the wait at once.
                let end = until + chrono::Duration::seconds(1);
                while crate::clock::now() < end {
                    let left = (end - crate::clock::now()).to_std().unwrap_or_default();
                    tokio::time::sleep(left.min(std::time::Duration::from_secs(5))).await;
                    if !summed.still_current(pool).await? {
                        return Err(count::CountError::ClosedAgain(id).into());
                    }
                }
            }
            match count::post_prepared(pool, summed, &mut files, &mut save, &actor).await? {
                Progress::Waiting { posted, needed } => println!(
                    "round {id}: share(s) posted ({:.1} s); {} of {needed} tellers have posted \
                     (tellers {}); the count opens when {needed} have",
                    started.elapsed().as_secs_f64(),
                    posted.len(),
                    posted
                        .iter()
                        .map(|t| (t + 1).to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                Progress::Counted {
                    ballots,
                    tellers,
                    compacted,
                } => {
                    println!(
                        "round {id}: counted {ballots} sealed ballots with tellers {} in {:.1} s; \
                         results: ceping round results {id}",
                        tellers
                            .iter()
                            .map(|t| t.to_string())
                            .collect::<Vec<_>>()
                            .join(", "),
                        started.elapsed().as_secs_f64()
                    );
                    if !compacted {
                        eprintln!(
                            "warning: the database could not be compacted after the count; the \
                             sealed comments' old pages may remain in its files until it is \
                             (stop the server and run `ceping round check {id}`)"
                        );
                    }
                }
            }
        }
        RoundCommand::Verify {
            record: Some(_), ..
        } => unreachable!("a record is verified without the database (cli::run_verify_record)"),
        RoundCommand::Record { id, out } => {
            anyhow::ensure!(
                !out.exists(),
                "{} exists already; choose a new file name",
                out.display()
            );
            use crate::server::service::count::{RECORD_PAGE, RecordWriter};
            use std::io::Write;
            let mut writer = RecordWriter::open(pool, id, RECORD_PAGE).await?;
            // Written a page at a time to FILE.partial, renamed to FILE once whole (an
            // interrupted run leaves no FILE to refuse the next one); removed if anything fails.
            let partial = std::path::PathBuf::from(format!("{}.partial", out.display()));
            let mut file = std::fs::File::create(&partial)
                .with_context(|| format!("cannot write {}", partial.display()))?;
            let mut bytes = 0usize;
            let written: anyhow::Result<()> = async {
                while let Some(chunk) = writer.next_chunk().await? {
                    file.write_all(&chunk)?;
                    bytes += chunk.len();
                }
                file.sync_all()?;
                std::fs::rename(&partial, &out)?;
                Ok(())
            }
            .await;
            if let Err(e) = written {
                drop(file);
                let _ = std::fs::remove_file(&partial);
                return Err(e.context(format!("cannot write {}", out.display())));
            }
            println!(
                "wrote {} ({bytes} bytes): round {id}, {} sealed ballots",
                out.display(),
                writer.ballots
            );
        }
        RoundCommand::Verify { id, json, .. } => {
            let id = id.context("give the round's id, or --record FILE")?;
            let report = crate::server::service::count::verify(pool, id).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                for line in &report.checks {
                    println!("{} {}", if line.ok { "ok  " } else { "FAIL" }, line.what);
                }
            }
            anyhow::ensure!(
                report.checks.iter().all(|c| c.ok),
                "round {id}: the count does not verify"
            );
            println!("round {id}: the count verifies");
        }
        RoundCommand::Indicators { id, set } => {
            use crate::server::repo::score;
            round::get(pool, id).await?;
            if let Some(text) = set {
                let list = score::parse_indicator_list(&text).map_err(anyhow::Error::msg)?;
                score::set_indicators(pool, id, &list, &actor)
                    .await
                    .map_err(|e| anyhow::anyhow!("{e}"))?;
                println!("round {id}: indicators replaced");
            }
            for i in score::indicators(pool, id).await? {
                println!(
                    "{:>2}  {:>6}  {}  {}",
                    i.position, i.weight, i.name, i.guidance
                );
            }
        }
        RoundCommand::Configure {
            id,
            denominator,
            group_weights,
            level_weights,
            threshold,
            trim,
            publish,
        } => {
            anyhow::ensure!(
                publish.is_none(),
                "--publish is gone: ballots are sealed, and no per-item figure exists before the \
                 tellers' count, so results cannot be shown before it"
            );
            let r = round::get(pool, id).await?;
            let mut config = r.results_config.clone();
            if let Some(d) = denominator {
                config.denominator = d;
            }
            if let Some(g) = group_weights {
                config.group_weights = g;
            }
            if let Some(Numbers(l)) = level_weights {
                config.level_weights = Some(l);
            }
            if let Some(t) = threshold {
                config.rework_threshold = t / 100.0;
            }
            if let Some(t) = trim {
                config.trim = t == Switch::On;
            }
            config
                .resolve(&r.scale)
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            round::configure(pool, id, &config, &actor).await?;
            let r = round::get(pool, id).await?;
            println!("round {id}: {}", serde_json::to_string(&r.results_config)?);
        }
        RoundCommand::Results { id, json } => {
            let report = repo::results::load(pool, id)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            // The pages' rule: no per-item figure exists before the tellers' count.
            anyhow::ensure!(
                report.published(),
                "round {id} is {}{}: results exist only once it has closed and its tellers have \
                 opened the count (ceping round count)",
                report.round.state.as_str(),
                if report.round.counted {
                    ""
                } else {
                    ", not counted"
                }
            );
            print_results(&report, json)?;
        }
        RoundCommand::List { json } => {
            let rounds = round::list(pool).await?;
            let mut rows = Vec::new();
            for r in rounds {
                let (ballots, invited) = round::turnout(pool, r.id).await?;
                rows.push(serde_json::json!({
                    "id": r.id, "plan": r.plan_id, "name": r.name, "state": r.state,
                    "counted": r.counted,
                    "opens_at": r.opens_at, "closes_at": r.closes_at,
                    "ballots": ballots, "invited": invited,
                }));
            }
            if json {
                println!("{}", serde_json::to_string_pretty(&rows)?);
            } else if rows.is_empty() {
                println!("no rounds yet: ceping round create --name NAME");
            } else {
                println!(
                    "{:>4}  {:<8} {:>8} {:>8}  name",
                    "id", "state", "ballots", "invited"
                );
                for r in rows {
                    println!(
                        "{:>4}  {:<8} {:>8} {:>8}  {}",
                        r["id"].as_i64().unwrap_or_default(),
                        r["state"].as_str().unwrap_or(""),
                        r["ballots"].as_i64().unwrap_or_default(),
                        r["invited"].as_i64().unwrap_or_default(),
                        r["name"].as_str().unwrap_or("")
                    );
                }
            }
        }
    }
    Ok(())
}

/// `ceping round verify --record FILE`: checks a published record on its own, without any
/// database; exits with an error if a check fails.
pub fn verify_record(path: &std::path::Path, json: bool) -> anyhow::Result<()> {
    let text = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let record: crate::seal::record::Record = serde_json::from_slice(&text)
        .with_context(|| format!("{} is not a Ceping round record", path.display()))?;
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let checks = crate::seal::record::verify(&record, threads);
    if json {
        println!("{}", serde_json::to_string_pretty(&checks)?);
    } else {
        for c in &checks {
            println!("{} {}", if c.ok { "ok  " } else { "FAIL" }, c.what);
        }
    }
    anyhow::ensure!(
        checks.iter().all(|c| c.ok),
        "the record of round {} does not verify",
        record.round.id
    );
    println!(
        "the record of round {} ({}) verifies: {} sealed ballots",
        record.round.id,
        record.round.name,
        record.ballots.len()
    );
    Ok(())
}

/// Numbers separated by commas (`,` or `，`), e.g. `100,60,0`.
#[derive(Debug, Clone, PartialEq)]
pub struct Numbers(pub Vec<f64>);

/// clap's parser for a list of numbers.
fn parse_numbers(text: &str) -> Result<Numbers, String> {
    text.split([',', '，'])
        .map(|p| {
            p.trim()
                .parse::<f64>()
                .map_err(|_| format!("not a number: {p:?}"))
        })
        .collect::<Result<_, _>>()
        .map(Numbers)
}

/// clap's parser for `--group-weights`: exactly two numbers.
fn parse_pair(text: &str) -> Result<(f64, f64), String> {
    match parse_numbers(text)?.0[..] {
        [d, e] => Ok((d, e)),
        _ => Err("takes two numbers, e.g. 60,40".into()),
    }
}

/// clap's parser for `--denominator`: `valid`, `invited:N` or `present:N`.
fn parse_denominator(text: &str) -> Result<crate::results::Denominator, String> {
    use crate::results::Denominator;
    let bad = || "is valid, invited:N or present:N (N > 0)".to_string();
    let n = |v: &str| {
        v.trim()
            .parse::<u64>()
            .ok()
            .filter(|n| *n > 0)
            .ok_or_else(bad)
    };
    match text.split_once(':') {
        None if text.trim() == "valid" => Ok(Denominator::ValidBallots),
        Some(("invited", v)) => Ok(Denominator::Invited(n(v)?)),
        Some(("present", v)) => Ok(Denominator::Present(n(v)?)),
        _ => Err(bad()),
    }
}

/// `ceping round results`: one line per item, or the whole computation as JSON.
fn print_results(report: &repo::results::Report, json: bool) -> anyhow::Result<()> {
    if json {
        let items: Vec<serde_json::Value> = report
            .items
            .iter()
            .filter_map(|m| report.result(&m.item).map(|r| (m, r)))
            .map(|(m, r)| {
                serde_json::json!({
                    "item": m.item, "kind": if m.is_task { "task" } else { "unit" },
                    "label": m.label, "title": m.title, "result": r,
                })
            })
            .collect();
        let out = serde_json::json!({
            "round": { "id": report.round.id, "name": report.round.name, "state": report.round.state },
            "turnout": { "ballots": report.turnout.0, "invited": report.turnout.1 },
            "evaluators_submitted": report.evaluators_submitted,
            "method": report.results.method,
            "indicators": report.indicators,
            "items": items,
            "task_ranking": report.results.task_ranking,
            "unit_ranking": report.results.unit_ranking,
        });
        println!("{}", serde_json::to_string_pretty(&out)?);
        return Ok(());
    }
    // Rounded as the pages and the exports round (`results::round1`).
    let fmt = |v: Option<f64>| {
        v.map(|v| format!("{:.1}", crate::results::round1(v)))
            .unwrap_or_else(|| "-".into())
    };
    println!(
        "round {} ({}): {} ballots of {} invited; {} evaluators submitted",
        report.round.id,
        report.round.name,
        report.turnout.0,
        report.turnout.1,
        report.evaluators_submitted
    );
    println!(
        "{:<6} {:>7} {:>7} {:>7} {:>7} {:>7}  {:<4} label",
        "item", "valid", "rate%", "deputy", "eval", "index", "flag"
    );
    for m in &report.items {
        let Some(r) = report.result(&m.item) else {
            continue;
        };
        println!(
            "{:<6} {:>7} {:>7} {:>7} {:>7} {:>7}  {:<4} {}",
            m.item,
            r.deputies.valid,
            fmt(r.deputies.satisfaction_rate.map(|v| v * 100.0)),
            fmt(r.deputies.satisfaction_score),
            fmt(r.evaluators.score),
            fmt(r.combined.value),
            if r.needs_rework { "redo" } else { "" },
            m.full_label()
        );
    }
    Ok(())
}
