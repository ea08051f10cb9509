//! `ceping user …`: accounts of evaluators and the office — add, list, disable, enable, reset
//! a password, end sessions, reset a second factor, require second factors of all. Each
//! change is in the audit trail as the terminal user's.

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
    /// List every account: role, state, live sessions.
    List,
    /// Disable an account: it cannot sign in, and its sessions end.
    Disable {
        #[arg(long)]
        login: String,
    },
    /// Enable a disabled account.
    Enable {
        #[arg(long)]
        login: String,
    },
    /// Set a temporary password (read from standard input, one line); the holder must change
    /// it at the next sign-in, and every session of the account ends.
    ResetPassword {
        #[arg(long)]
        login: String,
    },
    /// End every session of an account.
    EndSessions {
        #[arg(long)]
        login: String,
    },
    /// Remove an account's second factor (a lost phone) and end its sessions; where one is
    /// required, the holder sets up a new one at the next sign-in.
    ResetTotp {
        #[arg(long)]
        login: String,
    },
    /// Require a second factor of every account (`all`), or of office accounts only
    /// (`office`, the default); without a value, print which.
    RequireTotp {
        #[arg(value_enum)]
        of: Option<RequireChoice>,
    },
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum RequireChoice {
    All,
    Office,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum RoleChoice {
    Evaluator,
    Office,
}

fn read_password() -> anyhow::Result<String> {
    let mut password = String::new();
    std::io::stdin()
        .read_line(&mut password)
        .context("cannot read the password from standard input")?;
    Ok(password.trim_end_matches(['\r', '\n']).to_string())
}

pub async fn run(db_path: &Path, cmd: UserCommand) -> anyhow::Result<()> {
    use crate::server::repo::account::{self, AccountRole};
    let (role, login) = match cmd {
        UserCommand::Add { role, login } => (role, login),
        other => {
            let pool = db::open(db_path).await?;
            let result = lifecycle(&pool, other).await;
            pool.close().await;
            return result;
        }
    };
    let password = read_password()?;
    let password = password.as_str();
    let role = match role {
        RoleChoice::Evaluator => AccountRole::Evaluator,
        RoleChoice::Office => AccountRole::Office,
    };
    let pool = db::open(db_path).await?;
    let actor = cli_actor();
    let result = account::create_with(&pool, &login, role, password, false, Some(&actor)).await;
    pool.close().await;
    let id = result?;
    println!("created {} account {login} (id {id})", role.as_str());
    Ok(())
}

/// Every command but `add`.
async fn lifecycle(pool: &sqlx::SqlitePool, cmd: UserCommand) -> anyhow::Result<()> {
    use crate::server::repo::account;
    let actor = cli_actor();
    match cmd {
        UserCommand::Add { .. } => unreachable!("handled by run"),
        UserCommand::List => {
            for a in account::list(pool).await? {
                let state = match (&a.disabled_at, a.must_change_password) {
                    (Some(at), _) => format!("disabled since {at}"),
                    (None, true) => "must change password".into(),
                    (None, false) => "active".into(),
                };
                let factor = if a.totp { "totp" } else { "password only" };
                println!(
                    "{}\t{}\t{state}\t{factor}\t{} sessions",
                    a.login,
                    a.role.as_str(),
                    a.sessions
                );
            }
        }
        UserCommand::Disable { login } => {
            let a = account::set_disabled(pool, &login, true, &actor).await?;
            println!("disabled {}; its sessions ended", a.login);
        }
        UserCommand::Enable { login } => {
            let a = account::set_disabled(pool, &login, false, &actor).await?;
            println!("enabled {}", a.login);
        }
        UserCommand::ResetPassword { login } => {
            let holder = account::by_login(pool, &login).await?;
            let password = read_password()?;
            account::set_password(pool, &holder, &password, true, None, &actor).await?;
            println!(
                "reset the password of {}; they must change it at the next sign-in",
                holder.login
            );
        }
        UserCommand::EndSessions { login } => {
            let holder = account::by_login(pool, &login).await?;
            let ended = account::end_sessions(pool, &holder, None, &actor).await?;
            println!("ended {ended} sessions of {}", holder.login);
        }
        UserCommand::ResetTotp { login } => {
            let holder = account::by_login(pool, &login).await?;
            if repo::two_factor::remove(pool, &holder, &actor, true, None).await? {
                println!(
                    "removed the second factor of {}; its sessions ended",
                    holder.login
                );
            } else {
                println!("{} has no second factor; nothing changed", holder.login);
            }
        }
        UserCommand::RequireTotp { of } => {
            if let Some(of) = of {
                let all = matches!(of, RequireChoice::All);
                repo::two_factor::set_required_of_all(pool, all, &actor).await?;
            }
            let all = repo::two_factor::required_of_all(pool).await?;
            println!(
                "a second factor is required of {}",
                if all {
                    "every account"
                } else {
                    "office accounts"
                }
            );
        }
    }
    Ok(())
}
