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
    /// Create an account; the password is read from standard input (one line). A liaison
    /// (`--role liaison`) reports for one unit, named with `--unit`.
    Add {
        #[arg(long, value_enum)]
        role: RoleChoice,
        #[arg(long)]
        login: String,
        /// The liaison's unit: its name as the plan writes it (or one of its other names).
        #[arg(long, required_if_eq("role", "liaison"))]
        unit: Option<String>,
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
    Liaison,
}

fn read_password() -> anyhow::Result<String> {
    let mut password = String::new();
    std::io::stdin()
        .read_line(&mut password)
        .context("cannot read the password from standard input")?;
    Ok(password.trim_end_matches(['\r', '\n']).to_string())
}

pub async fn run(db_path: &Path, cmd: UserCommand) -> anyhow::Result<()> {
    use crate::server::repo::account::AccountRole;
    let (role, login, unit) = match cmd {
        UserCommand::Add { role, login, unit } => (role, login, unit),
        other => {
            let pool = db::open(db_path).await?;
            let result = lifecycle(&pool, other).await;
            pool.close().await;
            return result;
        }
    };
    let role = match role {
        RoleChoice::Evaluator => AccountRole::Evaluator,
        RoleChoice::Office => AccountRole::Office,
        RoleChoice::Liaison => AccountRole::Liaison,
    };
    if role != AccountRole::Liaison && unit.is_some() {
        anyhow::bail!("--unit is for liaison accounts only");
    }
    let pool = db::open(db_path).await?;
    let result = add(&pool, role, &login, unit.as_deref()).await;
    pool.close().await;
    let (id, unit) = result?;
    match unit {
        Some(unit) => println!("created liaison account {login} for {unit} (id {id})"),
        None => println!("created {} account {login} (id {id})", role.as_str()),
    }
    Ok(())
}

/// `add`: the unit checked before the password is read, so a wrong name costs nothing.
async fn add(
    pool: &sqlx::SqlitePool,
    role: crate::server::repo::account::AccountRole,
    login: &str,
    unit: Option<&str>,
) -> anyhow::Result<(i64, Option<String>)> {
    use crate::server::repo::{account, handling};
    let actor = cli_actor();
    let Some(name) = unit else {
        let password = read_password()?;
        let id = account::create_with(pool, login, role, &password, false, Some(&actor)).await?;
        return Ok((id, None));
    };
    let unit_id = handling::unit_by_name(pool, name)
        .await
        .with_context(|| format!("no unit is named {name:?} in the plans here"))?;
    let unit = handling::reporting_unit(pool, unit_id)
        .await
        .with_context(|| format!("{name} cannot have a liaison"))?;
    anyhow::ensure!(
        !handling::has_sample(pool, unit.plan_id).await?,
        "the plan still holds the sample year: remove it first (ceping handling sample \
         --remove), so that real reports do not mix with it"
    );
    let password = read_password()?;
    let id = account::create_liaison(pool, login, unit.id, &password, false, Some(&actor)).await?;
    Ok((id, Some(unit.name)))
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
                let role = match &a.unit {
                    Some(unit) => format!("liaison of {unit}"),
                    None => a.role.as_str().to_string(),
                };
                println!(
                    "{}\t{role}\t{state}\t{factor}\t{} sessions",
                    a.login, a.sessions
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
