//! The `ceping` command line. Messages are plain English; the web UI speaks Chinese.

use crate::server::{db, http, repo};
use anyhow::Context;
use clap::{Parser, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(name = "ceping", version, about = "Ceping (测评): satisfaction evaluation of a work plan")]
pub struct Cli {
    /// SQLite database file (created with its folder if missing).
    #[arg(long, global = true, env = "CEPING_DB", default_value = "data/ceping.db")]
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
            let outcome = repo::plan::import(&pool, &text)
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
                println!("already imported as plan {}; nothing changed", outcome.plan_id);
            }
            pool.close().await;
            Ok(())
        }
    }
}

async fn serve(db_path: &PathBuf, args: ServeArgs) -> anyhow::Result<()> {
    let pool = db::open(db_path).await?;
    if let Some(id) = db::seed_if_empty(&pool).await? {
        tracing::info!(plan = id, "empty database: imported the seed plan");
    }
    let state = http::AppState::new(
        pool.clone(),
        http::leptos_options(args.site_root.clone(), args.addr),
    )
    .await?;
    if !args.site_root.join("pkg").exists() {
        tracing::warn!(site_root = %args.site_root.display(),
            "no built assets found; run scripts/build.sh (pages work, styles and scripts will not)");
    }
    let listener = tokio::net::TcpListener::bind(args.addr)
        .await
        .with_context(|| format!("cannot listen on {}", args.addr))?;
    tracing::info!(addr = %args.addr, db = %db_path.display(), "Ceping is listening");
    axum::serve(listener, http::router(state))
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    pool.close().await;
    tracing::info!("stopped cleanly");
    Ok(())
}

/// Resolves on Ctrl-C or SIGTERM, so in-flight requests finish and the database closes cleanly.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down");
}
