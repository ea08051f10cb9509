//! `ceping user add`: accounts of evaluators and the office.

use super::cli_actor;
use crate::server::{db, repo};
use anyhow::Context;
use clap::Subcommand;
use std::path::Path;

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

pub async fn run(db_path: &Path, cmd: UserCommand) -> anyhow::Result<()> {
    let UserCommand::Add { role, login } = cmd;
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
    let pool = db::open(db_path).await?;
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
