//! The `ceping` command line, one module per command. Messages are plain English; the web UI
//! speaks Chinese. Every command opens the database itself and closes it before it returns.

mod audit;
mod export;
mod invite;
mod plan;
mod round;
mod tellers;
mod user;

pub use audit::AuditCommand;
pub use export::{CsvTable, ExportFormat};
pub use invite::{InviteAction, InviteArgs};
pub use plan::PlanCommand;
pub use round::{Items, RoundCommand, ScaleChoice, Switch};
pub use tellers::TellersCommand;
pub use user::{RoleChoice, UserCommand};

use crate::server::db;
use anyhow::Context;
use clap::{Parser, Subcommand};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

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
    /// A round's tellers (监票人): name them, make their keys, see the key ceremony.
    #[command(subcommand)]
    Tellers(TellersCommand),
    /// Make invitation codes for a round (one per deputy), or revoke / reissue one.
    Invite(InviteArgs),
    /// Accounts of evaluators and the office.
    #[command(subcommand)]
    User(UserCommand),
    /// The audit trail of office actions: verify its hash chain, or list it.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Export a counted round: xlsx (every table, one sheet each) or csv (--table results or
    /// comments).
    Export {
        #[arg(long)]
        round: i64,
        #[arg(long, value_enum)]
        format: ExportFormat,
        /// For csv: the results (one row per item) or the comments (one row each, in random
        /// order). `ballots` is refused: ballots are sealed.
        #[arg(long, value_enum, default_value_t = CsvTable::Results)]
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

/// Runs the command line.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let db = cli.db.as_path();
    match cli.command.unwrap_or(Command::Serve(ServeArgs::default())) {
        Command::Serve(args) => {
            crate::server::web::serve::serve(db, args.addr, args.site_root).await
        }
        Command::Plan(cmd) => plan::run(db, cmd).await,
        // A published record is checked on its own: no database is opened (or made).
        Command::Round(round::RoundCommand::Verify {
            record: Some(path),
            json,
            ..
        }) => round::verify_record(&path, json),
        Command::Round(cmd) => with_pool(db, |pool| round::run(pool, cmd)).await,
        Command::User(cmd) => user::run(db, cmd).await,
        Command::Tellers(cmd) => with_pool(db, |pool| tellers::run(pool, cmd)).await,
        Command::Invite(args) => with_pool(db, |pool| invite::run(pool, args)).await,
        Command::Audit(cmd) => with_pool(db, |pool| audit::run(pool, cmd)).await,
        Command::Export {
            round,
            format,
            table,
            out,
        } => export::run(db, round, format, table, out).await,
        Command::Backup { file } => export::backup(db, &file).await,
    }
}

/// Opens the database, runs `work` on it, and closes it whatever the outcome.
async fn with_pool<F, Fut>(db: &Path, work: F) -> anyhow::Result<()>
where
    F: FnOnce(sqlx::SqlitePool) -> Fut,
    Fut: Future<Output = anyhow::Result<()>>,
{
    let pool = db::open(db).await?;
    let result = work(pool.clone()).await;
    pool.close().await;
    result
}

/// Who did it, for the round's record: the operating-system user at the terminal.
fn cli_actor() -> String {
    format!(
        "cli:{}",
        std::env::var("USER").unwrap_or_else(|_| "unknown".into())
    )
}
