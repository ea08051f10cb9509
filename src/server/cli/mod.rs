//! The `ceping` command line, one module per command. Messages are plain English; the web UI
//! speaks Chinese. Every command opens the database itself and closes it before it returns.

mod audit;
mod export;
mod handling;
mod invite;
mod plan;
mod round;
mod tellers;
mod user;

pub use audit::AuditCommand;
pub use export::{CsvTable, ExportFormat};
pub use handling::HandlingCommand;
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

    /// The audit key (signs the audit trail's head), kept outside the database; made at the
    /// server's first start. Default: audit.key in the database's folder.
    #[arg(long, global = true, env = "CEPING_AUDIT_KEY")]
    pub audit_key: Option<PathBuf>,

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
    /// The year of handling: the board on a day, the sample year.
    #[command(subcommand)]
    Handling(HandlingCommand),
    /// Accounts of evaluators, the office and liaisons.
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
    /// The public address every link starts with: print it, or store URL (e.g.
    /// https://rd.example.cn). `--base-url` and CEPING_BASE_URL override it.
    BaseUrl {
        /// The address to store; without it, the stored one is printed.
        url: Option<String>,
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
    /// Most connections held at once (lowered to fit the open-file limit).
    #[arg(long, env = "CEPING_MAX_CONNECTIONS", default_value_t = 4096)]
    pub max_connections: usize,
    /// Seconds a connection has to send a request's headers (and an idle one its next request).
    #[arg(long, env = "CEPING_HEADER_TIMEOUT", default_value_t = 15)]
    pub header_timeout: u64,
    /// The public address every link starts with (slips, code CSVs); overrides the stored one.
    #[arg(long, env = "CEPING_BASE_URL")]
    pub base_url: Option<String>,
    /// Addresses or ranges (CIDR) of reverse proxies whose `X-Forwarded-For` is believed,
    /// besides this machine's own (loopback), e.g. `172.17.0.0/16` for a proxy in Docker.
    /// Repeat the option, or separate them with commas.
    #[arg(long = "trusted-proxy", env = "CEPING_TRUSTED_PROXIES", value_delimiter = ',',
          value_parser = parse_proxy)]
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// Ballots per open round sealed ahead while the server is idle, so that a hall's ballots
    /// are sealed in microseconds instead of milliseconds (about 17 KB each for 44 items of 4
    /// levels, in memory only); 0 seals every ballot as it arrives.
    #[arg(long, env = "CEPING_SEAL_AHEAD",
          default_value_t = crate::server::service::sealing::DEFAULT_AHEAD,
          value_parser = clap::builder::RangedU64ValueParser::<usize>::new()
              .range(0..=crate::server::service::sealing::MAX_AHEAD as u64))]
    pub seal_ahead: usize,
}

/// An address range, or one address (a range of one).
fn parse_proxy(text: &str) -> Result<ipnet::IpNet, String> {
    let text = text.trim();
    text.parse::<ipnet::IpNet>()
        .or_else(|_| text.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
        .map_err(|_| format!("{text:?} is not an address or a range like 10.0.0.0/8"))
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
    let audit_key = cli
        .audit_key
        .clone()
        .unwrap_or_else(|| crate::server::service::audit_key::default_path(db));
    match cli.command.unwrap_or(Command::Serve(ServeArgs::default())) {
        Command::Serve(args) => {
            let limits = crate::server::web::listen::Limits {
                max_connections: args.max_connections,
                header_timeout: std::time::Duration::from_secs(args.header_timeout.max(1)),
                trusted_proxies: args.trusted_proxies.into(),
                ..Default::default()
            };
            let base_url = args
                .base_url
                .as_deref()
                .map(crate::model::base_url::BaseUrl::parse)
                .transpose()
                .map_err(|e| anyhow::anyhow!("--base-url: {e}"))?;
            let site = crate::server::web::serve::Site {
                addr: args.addr,
                site_root: args.site_root,
                limits,
                base_url,
                audit_key,
                seal_ahead: args.seal_ahead,
            };
            crate::server::web::serve::serve(db, site).await
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
        Command::Handling(cmd) => with_pool(db, |pool| handling::run(pool, cmd)).await,
        Command::Tellers(cmd) => with_pool(db, |pool| tellers::run(pool, cmd, &audit_key)).await,
        Command::Invite(args) => with_pool(db, |pool| invite::run(pool, args)).await,
        Command::Audit(cmd) => with_pool(db, |pool| audit::run(pool, cmd, &audit_key)).await,
        Command::Export {
            round,
            format,
            table,
            out,
        } => export::run(db, round, format, table, out).await,
        Command::Backup { file } => export::backup(db, &file).await,
        Command::BaseUrl { url } => with_pool(db, |pool| base_url(pool, url)).await,
    }
}

/// `ceping base-url [URL]`.
async fn base_url(pool: sqlx::SqlitePool, url: Option<String>) -> anyhow::Result<()> {
    use crate::model::base_url::BaseUrl;
    use crate::server::repo::setting;
    let Some(url) = url else {
        match setting::base_url(&pool).await? {
            Some(b) => println!("{b}"),
            None => println!("no public address stored; set one with `ceping base-url URL`"),
        }
        return Ok(());
    };
    let url = BaseUrl::parse(&url)?;
    setting::set_base_url(&pool, &url).await?;
    crate::server::repo::audit::log(
        &pool,
        &cli_actor(),
        "setting.base-url",
        "server",
        serde_json::json!({ "base_url": url.as_str() }),
    )
    .await?;
    if url.is_loopback() {
        eprintln!("warning: {url} is this machine: phones cannot open links to it");
    }
    println!("public address: {url}");
    Ok(())
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_store_of_ballots_sealed_ahead_is_bounded() {
        let ahead = |v: &str| match Cli::try_parse_from(["ceping", "serve", "--seal-ahead", v]) {
            Ok(Cli {
                command: Some(Command::Serve(args)),
                ..
            }) => Ok(args.seal_ahead),
            Ok(_) => panic!("not serve"),
            Err(e) => Err(e.to_string()),
        };
        assert_eq!(ahead("0"), Ok(0));
        assert_eq!(ahead("100000"), Ok(100_000));
        assert!(ahead("100001").unwrap_err().contains("100001"));
        assert!(ahead("-1").is_err());
        assert_eq!(
            ServeArgs::default().seal_ahead,
            crate::server::service::sealing::DEFAULT_AHEAD
        );
    }
}
