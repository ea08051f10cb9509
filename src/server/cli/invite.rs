//! `ceping invite`: a round's invitation codes, written to a CSV (shown only once), and
//! revoking or reissuing one.

use super::cli_actor;
use crate::server::repo;
use anyhow::Context;
use std::path::PathBuf;

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
    /// The site's public address, for the links in the CSV (default: the stored one, see
    /// `ceping base-url`; there is no built-in default).
    #[arg(long, env = "CEPING_BASE_URL")]
    pub base_url: Option<String>,
    /// Why codes are made after the round opened (required then): kept with each code, marked
    /// on the turnout page and in the audit trail, counted on the results and in the report.
    #[arg(long)]
    pub reason: Option<String>,
}

#[derive(Debug, clap::Subcommand)]
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
        /// With --reissue after the round opened (required then): why.
        #[arg(long, requires = "reissue")]
        reason: Option<String>,
        /// With --reissue: the site's public address, for the new code's link.
        #[arg(long, env = "CEPING_BASE_URL")]
        base_url: Option<String>,
    },
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
    write_codes_to(crate::server::db::create_private(path)?, prepared, base_url)
        .with_context(|| format!("writing {}", path.display()))
}

fn write_codes_to(
    file: std::fs::File,
    prepared: &[(
        crate::ballot::InviteCode,
        crate::server::repo::invite::Invitee,
    )],
    base_url: &str,
) -> anyhow::Result<()> {
    use std::io::Write;
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
        .map_err(|e| anyhow::anyhow!("cannot write the codes: {e}"))?;
    file.into_inner()?.sync_all()?;
    Ok(())
}

/// Writes the codes to a new CSV and only then stores their hashes; the file is linked into
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
    reason: Option<&str>,
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
    match repo::invite::issue(pool, round_id, prepared, reason, &cli_actor()).await {
        Ok(_) => {
            // A hard link, not a rename: it fails rather than replace a file made meanwhile.
            let placed = std::fs::hard_link(&tmp, out).with_context(|| {
                format!(
                    "the codes are stored, but {} could not be made; they are in {}",
                    out.display(),
                    tmp.display()
                )
            });
            if placed.is_ok() {
                let _ = std::fs::remove_file(&tmp);
            }
            placed
        }
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            Err(e.into())
        }
    }
}

pub async fn run(pool: sqlx::SqlitePool, args: InviteArgs) -> anyhow::Result<()> {
    let pool = &pool;
    use crate::server::repo::invite::{self, Invitee};
    match args.action {
        Some(InviteAction::Revoke {
            round,
            code,
            reissue,
            out,
            base_url,
            reason,
        }) => {
            let code = crate::ballot::InviteCode::parse(&code)
                .map_err(|e| anyhow::anyhow!("--code: {e}"))?;
            if reissue && out.is_none() {
                anyhow::bail!("--reissue needs --out FILE.csv for the new code");
            }
            // Checked before anything changes.
            let base = match reissue {
                true => {
                    Some(crate::server::service::links::required(pool, base_url.as_deref()).await?)
                }
                false => None,
            };
            // The file is made before the code is revoked: a path that cannot be written
            // changes nothing.
            let file = match (&out, reissue) {
                (Some(path), true) => Some((path, crate::server::db::create_private(path)?)),
                _ => None,
            };
            let again = reissue.then_some(invite::Reissue {
                reason: reason.as_deref(),
            });
            let fresh = match invite::revoke(pool, round, &code, again, &cli_actor()).await {
                Ok(fresh) => fresh,
                Err(e) => {
                    if let Some((path, _)) = &file {
                        let _ = std::fs::remove_file(path);
                    }
                    return Err(e.into());
                }
            };
            println!("revoked the code in round {round}");
            if fresh.is_none()
                && let Some((path, _)) = &file
            {
                let _ = std::fs::remove_file(path);
            }
            if let (Some(fresh), Some((out, file)), Some(base)) = (fresh, file, base) {
                // The replacement is stored already; write it out (it is shown only here).
                let who = Invitee {
                    label: fresh.label.clone(),
                    delegation: fresh.delegation.clone(),
                };
                let prepared = vec![(fresh.code, who)];
                write_codes_to(file, &prepared, base.as_str())?;
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
            let base =
                crate::server::service::links::required(pool, args.base_url.as_deref()).await?;
            let prepared = invite::prepare(&invitees);
            write_codes(
                pool,
                round,
                &prepared,
                &out,
                base.as_str(),
                args.reason.as_deref(),
            )
            .await?;
            println!(
                "{count} codes for round {round} written to {}",
                out.display()
            );
            Ok(())
        }
    }
}
