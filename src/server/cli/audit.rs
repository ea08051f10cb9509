//! `ceping audit verify|list`: the audit trail of office actions.

use crate::server::repo;
use clap::Subcommand;

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

pub async fn run(pool: sqlx::SqlitePool, cmd: AuditCommand) -> anyhow::Result<()> {
    let pool = &pool;
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
