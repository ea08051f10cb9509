//! The `ceping` command line. Messages are plain English; the web UI speaks Chinese.

use crate::server::{db, repo};
use anyhow::Context;
use clap::{Parser, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "ceping",
    version,
    about = "Ceping (测评): satisfaction evaluation of a work plan"
)]
pub struct Cli {
    /// SQLite database file (created with its folder if missing).
    #[arg(
        long,
        global = true,
        env = "CEPING_DB",
        default_value = "data/ceping.db"
    )]
    pub db: PathBuf,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web server (the default when no command is given).
    Serve(ServeArgs),
    /// Parse or import a work plan's official text.
    #[command(subcommand)]
    Plan(PlanCommand),
    /// Evaluation rounds: create, open, close, reopen, list.
    #[command(subcommand)]
    Round(RoundCommand),
    /// Make invitation codes for a round (one per deputy), or revoke / reissue one.
    Invite(InviteArgs),
    /// Accounts of evaluators and the office.
    #[command(subcommand)]
    User(UserCommand),
    /// The audit trail of office actions: verify its hash chain, or list it.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Export a round: xlsx (every table, one sheet each) or csv (--table results or ballots).
    Export {
        #[arg(long)]
        round: i64,
        #[arg(long, value_enum)]
        format: ExportFormat,
        /// For csv: the results (one row per item) or the anonymous ballots (one row each).
        #[arg(long, value_enum, default_value_t = CsvTable::Ballots)]
        table: CsvTable,
        /// Where to write (must not exist yet).
        #[arg(long)]
        out: PathBuf,
    },
    /// Copy the database to FILE, consistently, also while the server runs.
    Backup {
        /// Where the copy goes (must not exist yet).
        file: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Check every entry's hash and link; prints the head (last entry and its hash) to keep.
    /// Exits with an error if an entry was altered or deleted.
    Verify {
        /// A head printed earlier, as SEQ:HASH: the chain must still contain it (catches entries
        /// cut off the end).
        #[arg(long)]
        expect_head: Option<String>,
    },
    /// Print the newest entries.
    List {
        #[arg(long, default_value_t = 50)]
        limit: i64,
        /// Print JSON instead of lines.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create an account; the password is read from standard input (one line).
    Add {
        #[arg(long, value_enum)]
        role: RoleChoice,
        #[arg(long)]
        login: String,
    },
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum RoleChoice {
    Evaluator,
    Office,
}

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
    /// Recount a round from its stored ballots and compare with the running tallies.
    /// Exits with an error if anything disagrees.
    Check { id: i64 },
    /// Show a round's evaluator indicators; with --set, replace them (draft rounds only).
    Indicators {
        id: i64,
        /// The new set: "name:weight[:guidance]" separated by commas or new lines, weights
        /// adding up to 100, e.g. "工作进度:40,落实成效:60".
        #[arg(long)]
        set: Option<String>,
    },
    /// Change how a round's results are counted and whether the big screen shows them early.
    /// Prints the configuration in force.
    Configure {
        id: i64,
        /// N for 满意率 and the majority rule: valid (ballots that rated the item), invited:N
        /// or present:N.
        #[arg(long)]
        denominator: Option<String>,
        /// Deputies' and evaluators' weights in the combined index, e.g. 60,40.
        #[arg(long)]
        group_weights: Option<String>,
        /// Level weights of the satisfaction score, one per level, e.g. 100,60,0.
        #[arg(long)]
        level_weights: Option<String>,
        /// 需重新办理 under this 满意率, in percent (default 80).
        #[arg(long)]
        threshold: Option<f64>,
        /// Drop the highest and lowest evaluator when five or more are counted: on or off.
        #[arg(long)]
        trim: Option<Switch>,
        /// Show results on the big screen before the round closes: on or off.
        #[arg(long)]
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
pub enum ExportFormat {
    Csv,
    Xlsx,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CsvTable {
    Results,
    Ballots,
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

#[derive(Debug, clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct InviteArgs {
    #[command(subcommand)]
    pub action: Option<InviteAction>,
    /// The round the codes are for.
    #[arg(long)]
    pub round: Option<i64>,
    /// How many codes (default: one per line of --labels).
    #[arg(long)]
    pub count: Option<usize>,
    /// CSV of deputies, one per line: name[,delegation] (a header line is skipped).
    #[arg(long)]
    pub labels: Option<PathBuf>,
    /// Where to write the codes (CSV, UTF-8 with BOM for Excel). Never overwritten.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// The site's public address, for the links in the CSV.
    #[arg(long, env = "CEPING_BASE_URL", default_value = "http://127.0.0.1:3000")]
    pub base_url: String,
}

#[derive(Debug, Subcommand)]
pub enum InviteAction {
    /// Revoke a code (it opens nothing any more); --reissue makes a new one for the same deputy.
    Revoke {
        #[arg(long)]
        round: i64,
        /// The code to revoke, as printed.
        #[arg(long)]
        code: String,
        /// Make a replacement code at once.
        #[arg(long)]
        reissue: bool,
        /// With --reissue: where to write the new code (CSV).
        #[arg(long)]
        out: Option<PathBuf>,
        #[arg(long, env = "CEPING_BASE_URL", default_value = "http://127.0.0.1:3000")]
        base_url: String,
    },
}

#[derive(Debug, Clone, clap::Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "CEPING_ADDR", default_value = "127.0.0.1:3000")]
    pub addr: SocketAddr,
    /// Folder with the built browser assets (pkg/ceping.js, .wasm, .css).
    #[arg(long, env = "CEPING_SITE_ROOT", default_value = "target/site")]
    pub site_root: PathBuf,
}

impl Default for ServeArgs {
    fn default() -> Self {
        // The same defaults as the options above, environment included.
        #[derive(Parser)]
        struct Only {
            #[command(flatten)]
            args: ServeArgs,
        }
        Only::parse_from(["ceping"]).args
    }
}

#[derive(Debug, Subcommand)]
pub enum PlanCommand {
    /// Print the parsed plan as JSON on stdout; touches no database.
    Parse {
        /// The plan's text (UTF-8); `-` reads standard input.
        file: PathBuf,
    },
    /// Parse the plan and store it (one transaction; the same text twice is stored once).
    Import {
        /// The plan's text (UTF-8); `-` reads standard input.
        file: PathBuf,
    },
}

fn read_text(file: &PathBuf) -> anyhow::Result<String> {
    if file.as_os_str() == "-" {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut s)
            .context("cannot read standard input as UTF-8 text")?;
        Ok(s)
    } else {
        std::fs::read_to_string(file)
            .with_context(|| format!("cannot read {} as UTF-8 text", file.display()))
    }
}

/// Runs the command line; returns the process exit code.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command.unwrap_or(Command::Serve(ServeArgs::default())) {
        Command::Serve(args) => serve(&cli.db, args).await,
        Command::Plan(PlanCommand::Parse { file }) => {
            let text = read_text(&file)?;
            let plan = crate::plan::parse_plan(&text)
                .map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
            println!("{}", serde_json::to_string_pretty(&plan)?);
            Ok(())
        }
        Command::Plan(PlanCommand::Import { file }) => {
            let text = read_text(&file)?;
            let pool = db::open(&cli.db).await?;
            let outcome = repo::plan::import_as(&pool, &text, &cli_actor())
                .await
                .map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
            for w in &outcome.warnings {
                match w.line {
                    Some(line) => eprintln!("warning: line {line}: {}", w.message),
                    None => eprintln!("warning: {}", w.message),
                }
            }
            if outcome.created {
                println!("imported as plan {}", outcome.plan_id);
            } else {
                println!(
                    "already imported as plan {}; nothing changed",
                    outcome.plan_id
                );
            }
            pool.close().await;
            Ok(())
        }
        Command::Round(cmd) => {
            let pool = db::open(&cli.db).await?;
            let result = round_command(&pool, cmd).await;
            pool.close().await;
            result
        }
        Command::User(UserCommand::Add { role, login }) => {
            use crate::server::repo::account::{self, AccountRole};
            let mut password = String::new();
            std::io::stdin()
                .read_line(&mut password)
                .context("cannot read the password from standard input")?;
            let password = password.trim_end_matches(['\r', '\n']);
            let role = match role {
                RoleChoice::Evaluator => AccountRole::Evaluator,
                RoleChoice::Office => AccountRole::Office,
            };
            let pool = db::open(&cli.db).await?;
            let result = account::create(&pool, &login, role, password).await;
            if result.is_ok() {
                repo::audit::log(
                    &pool,
                    &cli_actor(),
                    "account.create",
                    &login,
                    serde_json::json!({ "role": role.as_str() }),
                )
                .await?;
            }
            pool.close().await;
            let id = result?;
            println!("created {} account {login} (id {id})", role.as_str());
            Ok(())
        }
        Command::Invite(args) => {
            let pool = db::open(&cli.db).await?;
            let result = invite_command(&pool, args).await;
            pool.close().await;
            result
        }
        Command::Audit(cmd) => {
            let pool = db::open(&cli.db).await?;
            let result = audit_command(&pool, cmd).await;
            pool.close().await;
            result
        }
        Command::Export {
            round,
            format,
            table,
            out,
        } => {
            use crate::server::service::export::{self as export_round, Format};
            anyhow::ensure!(
                !out.exists(),
                "{} exists already; choose a new file name",
                out.display()
            );
            let format = match (format, table) {
                (ExportFormat::Xlsx, _) => Format::Xlsx,
                (ExportFormat::Csv, CsvTable::Results) => Format::ResultsCsv,
                (ExportFormat::Csv, CsvTable::Ballots) => Format::BallotsCsv,
            };
            let pool = db::open(&cli.db).await?;
            let bar = indicatif::ProgressBar::new(0);
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "{spinner} ballots {pos}/{len} [{bar:30}] {percent}% {elapsed}",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
                .progress_chars("=> "),
            );
            let shown = bar.clone();
            let progress: export_round::Progress = std::sync::Arc::new(move |done, total| {
                shown.set_length(total);
                shown.set_position(done);
            });
            let started = std::time::Instant::now();
            let result = export_round::export(&pool, round, format, &out, progress).await;
            bar.finish_and_clear();
            if result.is_err() {
                let _ = std::fs::remove_file(&out);
            }
            let written = result?;
            repo::audit::log(
                &pool,
                &cli_actor(),
                "export",
                &format!("round {round}"),
                serde_json::json!({ "format": format!("{format:?}"), "ballots": written.ballots }),
            )
            .await?;
            pool.close().await;
            println!(
                "wrote {} ({} bytes, {} ballots) in {:.1} s",
                out.display(),
                written.bytes,
                written.ballots,
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        Command::Backup { file } => {
            let pool = db::open(&cli.db).await?;
            let result = db::backup(&pool, &file).await;
            pool.close().await;
            let bytes = result?;
            println!(
                "copied {} to {} ({bytes} bytes)",
                cli.db.display(),
                file.display()
            );
            Ok(())
        }
    }
}

async fn audit_command(pool: &sqlx::SqlitePool, cmd: AuditCommand) -> anyhow::Result<()> {
    match cmd {
        AuditCommand::Verify { expect_head } => {
            let expected = match expect_head {
                None => None,
                Some(h) => {
                    let (seq, hash) = h
                        .split_once(':')
                        .and_then(|(s, h)| Some((s.parse::<i64>().ok()?, h.to_string())))
                        .ok_or_else(|| {
                            anyhow::anyhow!(
                                "--expect-head is SEQ:HASH, as printed by a previous verify"
                            )
                        })?;
                    Some((seq, hash))
                }
            };
            match repo::audit::verify(pool, expected.as_ref()).await? {
                Ok((seq, hash)) => {
                    println!("audit trail intact: {seq} entries");
                    println!("head {seq}:{hash}");
                    Ok(())
                }
                Err(broken) => anyhow::bail!("audit trail broken: {broken}"),
            }
        }
        AuditCommand::List { limit, json } => {
            let entries = repo::audit::latest(pool, limit).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&entries)?);
            } else {
                for e in entries {
                    println!(
                        "{:>6}  {}  {:<16} {:<18} {:<12} {}",
                        e.seq, e.at, e.actor, e.action, e.subject, e.detail
                    );
                }
            }
            Ok(())
        }
    }
}

/// Who did it, for the round's record: the operating-system user at the terminal.
fn cli_actor() -> String {
    format!(
        "cli:{}",
        std::env::var("USER").unwrap_or_else(|_| "unknown".into())
    )
}

fn check_time(label: &str, t: &Option<String>) -> anyhow::Result<()> {
    if let Some(t) = t {
        chrono::DateTime::parse_from_rfc3339(t).with_context(|| {
            format!("--{label} must be an RFC 3339 time such as 2020-12-20T09:00:00+08:00")
        })?;
    }
    Ok(())
}

async fn round_command(pool: &sqlx::SqlitePool, cmd: RoundCommand) -> anyhow::Result<()> {
    use crate::ballot::Scale;
    use crate::server::repo::round::{self, NewRound};
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
            round::transition(
                pool,
                id,
                crate::model::round::RoundAction::Open,
                &actor,
                None,
            )
            .await?;
            println!("round {id} is open");
        }
        RoundCommand::Close { id } => {
            round::transition(
                pool,
                id,
                crate::model::round::RoundAction::Close,
                &actor,
                None,
            )
            .await?;
            println!("round {id} is closed");
        }
        RoundCommand::Reopen { id, note } => {
            round::transition(
                pool,
                id,
                crate::model::round::RoundAction::Reopen,
                &actor,
                note.as_deref(),
            )
            .await?;
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
                "round {id}: {} ballots, each whole; tallies equal a recount; integrity ok",
                audit.ballots
            );
        }
        RoundCommand::Indicators { id, set } => {
            use crate::server::repo::score;
            round::get(pool, id).await?;
            if let Some(text) = set {
                let list = score::parse_indicator_list(&text).map_err(anyhow::Error::msg)?;
                score::set_indicators(pool, id, &list, &actor)
                    .await
                    .map_err(|e| match e {
                        score::ScoreError::Indicators(m) => {
                            anyhow::anyhow!("{}", crate::results::message_en(&m))
                        }
                        other => anyhow::anyhow!("{other}"),
                    })?;
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
            let r = round::get(pool, id).await?;
            let mut config = r.results_config.clone();
            if let Some(d) = denominator {
                config.denominator = parse_denominator(&d)?;
            }
            if let Some(g) = group_weights {
                let w = parse_numbers(&g)?;
                let [d, e] = w[..] else {
                    anyhow::bail!("--group-weights takes two numbers, e.g. 60,40");
                };
                config.group_weights = (d, e);
            }
            if let Some(l) = level_weights {
                config.level_weights = Some(parse_numbers(&l)?);
            }
            if let Some(t) = threshold {
                config.rework_threshold = t / 100.0;
            }
            if let Some(t) = trim {
                config.trim = t == Switch::On;
            }
            config
                .resolve(&r.scale)
                .map_err(|e| anyhow::anyhow!("{}", crate::results::message_en(&e.to_string())))?;
            round::configure(
                pool,
                id,
                Some(&config),
                publish.map(|p| p == Switch::On),
                &actor,
            )
            .await?;
            let r = round::get(pool, id).await?;
            println!(
                "round {id}: {} ; big screen shows results before closing: {}",
                serde_json::to_string(&r.results_config)?,
                if r.results_public { "yes" } else { "no" }
            );
        }
        RoundCommand::Results { id, json } => {
            let report = repo::results::load(pool, id)
                .await
                .map_err(|e| anyhow::anyhow!("{}", crate::results::message_en(&e.to_string())))?;
            print_results(&report, json)?;
        }
        RoundCommand::List { json } => {
            let rounds = round::list(pool).await?;
            let mut rows = Vec::new();
            for r in rounds {
                let (ballots, invited) = round::turnout(pool, r.id).await?;
                rows.push(serde_json::json!({
                    "id": r.id, "plan": r.plan_id, "name": r.name, "state": r.state,
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

/// Reads `name[,delegation]` lines (UTF-8, optional BOM, optional header).
fn read_invitees(path: &PathBuf) -> anyhow::Result<Vec<crate::server::repo::invite::Invitee>> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read {} as UTF-8 text", path.display()))?;
    crate::server::repo::invite::parse_invitees(&text)
        .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))
}

/// Writes codes to a new CSV file (UTF-8 with BOM, so Excel shows Chinese), flushed to disk.
/// Never overwrites a file: codes are shown only once.
fn write_code_csv(
    path: &std::path::Path,
    prepared: &[(
        crate::ballot::InviteCode,
        crate::server::repo::invite::Invitee,
    )],
    base_url: &str,
) -> anyhow::Result<()> {
    use std::io::Write;
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .with_context(|| format!("cannot create {} (it must not exist yet)", path.display()))?;
    let mut file = std::io::BufWriter::new(file);
    file.write_all("\u{feff}".as_bytes())?;
    let mut w = csv::Writer::from_writer(file);
    w.write_record(["code", "link", "label", "delegation"])?;
    let base = base_url.trim_end_matches('/');
    for (code, who) in prepared {
        w.write_record([
            code.display(),
            format!("{base}{}", code.link_path()),
            who.label.clone().unwrap_or_default(),
            who.delegation.clone().unwrap_or_default(),
        ])?;
    }
    let file = w
        .into_inner()
        .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
    file.into_inner()?.sync_all()?;
    Ok(())
}

/// Writes the codes to a new CSV and only then stores their hashes; the file is renamed into
/// place once the database has committed, so a code is never stored without being written
/// down, nor handed out without being stored.
async fn write_codes(
    pool: &sqlx::SqlitePool,
    round_id: i64,
    prepared: &[(
        crate::ballot::InviteCode,
        crate::server::repo::invite::Invitee,
    )],
    out: &PathBuf,
    base_url: &str,
) -> anyhow::Result<()> {
    if out.exists() {
        anyhow::bail!(
            "{} already exists; choose another --out (codes are shown only once)",
            out.display()
        );
    }
    let tmp = out.with_extension("csv.partial");
    let _ = std::fs::remove_file(&tmp);
    write_code_csv(&tmp, prepared, base_url)?;
    match repo::invite::issue(pool, round_id, prepared, &cli_actor()).await {
        Ok(_) => {
            std::fs::rename(&tmp, out)?;
            Ok(())
        }
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            Err(e.into())
        }
    }
}

async fn invite_command(pool: &sqlx::SqlitePool, args: InviteArgs) -> anyhow::Result<()> {
    use crate::server::repo::invite::{self, Invitee};
    match args.action {
        Some(InviteAction::Revoke {
            round,
            code,
            reissue,
            out,
            base_url,
        }) => {
            let code = crate::ballot::InviteCode::parse(&code)
                .map_err(|e| anyhow::anyhow!("--code: {e}"))?;
            if reissue && out.is_none() {
                anyhow::bail!("--reissue needs --out FILE.csv for the new code");
            }
            let fresh = invite::revoke(pool, round, &code, reissue, &cli_actor()).await?;
            println!("revoked the code in round {round}");
            if let (Some(fresh), Some(out)) = (fresh, out) {
                // The replacement is stored already; write it out (it is shown only here).
                let who = Invitee {
                    label: fresh.label.clone(),
                    delegation: fresh.delegation.clone(),
                };
                let prepared = vec![(fresh.code, who)];
                write_code_csv(&out, &prepared, &base_url)?;
                println!("new code written to {}", out.display());
            }
            Ok(())
        }
        None => {
            let round = args.round.context("--round is required")?;
            let out = args.out.context("--out FILE.csv is required")?;
            let mut invitees = match &args.labels {
                Some(path) => read_invitees(path)?,
                None => Vec::new(),
            };
            let count = args.count.unwrap_or(invitees.len());
            if count == 0 {
                anyhow::bail!("nothing to do: give --count N or --labels FILE");
            }
            if invitees.len() > count {
                anyhow::bail!(
                    "--labels has {} deputies but --count is {count}; leave out --count or raise it",
                    invitees.len()
                );
            }
            invitees.resize(count, Invitee::default());
            let prepared = invite::prepare(&invitees);
            write_codes(pool, round, &prepared, &out, &args.base_url).await?;
            println!(
                "{count} codes for round {round} written to {}",
                out.display()
            );
            Ok(())
        }
    }
}

async fn serve(db_path: &std::path::Path, args: ServeArgs) -> anyhow::Result<()> {
    crate::server::web::serve::serve(db_path, args.addr, args.site_root).await
}

fn parse_numbers(text: &str) -> anyhow::Result<Vec<f64>> {
    text.split([',', '，'])
        .map(|p| {
            p.trim()
                .parse::<f64>()
                .map_err(|_| anyhow::anyhow!("not a number: {p:?}"))
        })
        .collect()
}

fn parse_denominator(text: &str) -> anyhow::Result<crate::results::Denominator> {
    use crate::results::Denominator;
    let bad = || anyhow::anyhow!("--denominator is valid, invited:N or present:N (N > 0)");
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
    let fmt = |v: Option<f64>| v.map(|v| format!("{v:.1}")).unwrap_or_else(|| "-".into());
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
