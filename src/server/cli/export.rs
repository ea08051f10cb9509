//! `ceping export` (a round's results and ballots as CSV or XLSX) and `ceping backup`.

use super::cli_actor;
use crate::server::{db, repo};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    Csv,
    Xlsx,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CsvTable {
    Results,
    Comments,
    /// Refused: ballots are sealed.
    Ballots,
}

pub async fn run(
    db_path: &Path,
    round: i64,
    format: ExportFormat,
    table: CsvTable,
    out: PathBuf,
) -> anyhow::Result<()> {
    use crate::server::service::export::{self as export_round, Format};
    anyhow::ensure!(
        !out.exists(),
        "{} exists already; choose a new file name",
        out.display()
    );
    let format = match (format, table) {
        (ExportFormat::Xlsx, _) => Format::Xlsx,
        (ExportFormat::Csv, CsvTable::Results) => Format::ResultsCsv,
        (ExportFormat::Csv, CsvTable::Comments) => Format::CommentsCsv,
        (ExportFormat::Csv, CsvTable::Ballots) => anyhow::bail!(
            "ballots are sealed and no export holds one; the count opens only their sums \
             (use --table results or --table comments)"
        ),
    };
    let pool = db::open(db_path).await?;
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} rows {pos}/{len} [{bar:30}] {percent}% {elapsed}",
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

/// Copies the database to `file`, consistently, also while the server runs.
pub async fn backup(db_path: &Path, file: &Path) -> anyhow::Result<()> {
    let pool = db::open(db_path).await?;
    let result = db::backup(&pool, file).await;
    pool.close().await;
    let bytes = result?;
    println!(
        "copied {} to {} ({bytes} bytes)",
        db_path.display(),
        file.display()
    );
    Ok(())
}
