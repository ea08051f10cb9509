//! `ceping plan parse|import`: the importer from the command line.

use super::{cli_actor, read_text};
use crate::server::{db, repo};
use clap::Subcommand;
use std::path::{Path, PathBuf};

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

pub async fn run(db_path: &Path, cmd: PlanCommand) -> anyhow::Result<()> {
    match cmd {
        PlanCommand::Parse { file } => {
            let text = read_text(&file)?;
            let plan = crate::plan::parse_plan(&text)
                .map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
            println!("{}", serde_json::to_string_pretty(&plan)?);
            Ok(())
        }
        PlanCommand::Import { file } => {
            let text = read_text(&file)?;
            let pool = db::open(db_path).await?;
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
    }
}
