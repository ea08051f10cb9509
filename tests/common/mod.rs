//! Shared set-up for the integration tests: a real SQLite database with the migrations, and the
//! application over it ([`TestApp`]).
#![allow(dead_code)]

mod app;

// Each suite uses some of these.
#[allow(unused_imports)]
pub use app::{Res, Round, TestApp};

use ceping::ballot::Scale;
use ceping::server::db;
use ceping::server::repo::round::NewRound;
use sqlx::SqlitePool;
use std::path::Path;

/// A fresh in-memory database with the migrations and the seed plan.
pub async fn seeded_pool() -> SqlitePool {
    let pool = db::open_in_memory().await.expect("in-memory database");
    db::seed_if_empty(&pool).await.expect("seed import");
    pool
}

/// A database file at `file` with the migrations and the seed plan, opened as `ceping serve`
/// opens it.
pub async fn seeded_file_pool(file: &Path) -> SqlitePool {
    let pool = db::open(file).await.expect("database file");
    db::seed_if_empty(&pool).await.expect("seed import");
    pool
}

/// Makes a draft round's tellers' keys in this process, as a trial round does (`ceping tellers
/// keygen --solo`): three tellers, any two of whom count, unless tellers were named already.
/// The files are returned; the round can then open.
pub async fn solo_keys(pool: &SqlitePool, round: i64) -> Vec<ceping::seal::TellerFile> {
    use ceping::server::repo::tellers;
    if tellers::get(pool, round).await.unwrap().is_none() {
        let names: Vec<String> = ["甲", "乙", "丙"].iter().map(|s| s.to_string()).collect();
        tellers::set(pool, round, &names, 2, 0, "test")
            .await
            .unwrap();
    }
    tellers::solo(pool, round, "test").await.unwrap()
}

/// The password of the accounts that [`TestApp::office`] and [`TestApp::evaluator`] make.
pub const PASSWORD: &str = "correct horse battery";

/// The settings most tests use for a round of the seed plan: both tasks and units rated, the
/// three-level scale, comments of up to 100 characters, no times.
pub fn round_settings(name: &str) -> NewRound {
    NewRound {
        plan_id: 1,
        name: name.into(),
        opens_at: None,
        closes_at: None,
        rate_tasks: true,
        rate_units: true,
        scale: Scale::three_level(),
        comments_allowed: true,
        comment_max_chars: 100,
    }
}

/// A complete ballot's form body: item i gets level i % 3.
pub fn complete_ballot(items: &[impl AsRef<str>], idem: &str) -> String {
    let levels = ["satisfied", "basic", "dissatisfied"];
    let mut body = format!("idem={idem}&action=submit");
    for (i, item) in items.iter().enumerate() {
        body.push_str(&format!("&r.{}={}", item.as_ref(), levels[i % 3]));
    }
    body
}

/// Percent-encodes a form value.
pub fn enc(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// Every row of every table, as SQL quotes it: equal strings, equal databases.
pub async fn contents(pool: &SqlitePool) -> Vec<(String, String)> {
    let tables: Vec<(String,)> = sqlx::query_as(
        "SELECT name FROM sqlite_master WHERE type = 'table'
         AND name NOT LIKE 'sqlite_%' AND name != '_sqlx_migrations' ORDER BY name",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    let mut out = Vec::new();
    for (table,) in tables {
        let columns: Vec<(String,)> =
            sqlx::query_as(&format!("SELECT name FROM pragma_table_info('{table}')"))
                .fetch_all(pool)
                .await
                .unwrap();
        let row = columns
            .iter()
            .map(|(c,)| format!("quote(\"{c}\")"))
            .collect::<Vec<_>>()
            .join(" || '|' || ");
        let (text,): (Option<String>,) = sqlx::query_as(&format!(
            "SELECT group_concat(r, char(10)) FROM (SELECT {row} AS r FROM \"{table}\" ORDER BY r)"
        ))
        .fetch_one(pool)
        .await
        .unwrap();
        out.push((table, text.unwrap_or_default()));
    }
    out
}

/// The single number that `sql` selects.
pub async fn scalar(pool: &SqlitePool, sql: &str) -> i64 {
    let (n,): (i64,) = sqlx::query_as(sql).fetch_one(pool).await.unwrap();
    n
}

/// The receipt shown on a "测评已提交" page.
pub fn receipt_of(page: &str) -> String {
    let start = page.find("receipt-code\">").expect("a receipt on the page") + 14;
    page[start..start + 23].to_string()
}

/// The seed plan's text file.
#[allow(dead_code)]
pub const SEED: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/seed/wuhan-2020-proposal-3.txt"
);

/// The public address the suites' commands write links with (`CEPING_BASE_URL`).
#[allow(dead_code)]
pub const BASE_URL: &str = "https://rd.example.cn";

/// Runs the `ceping` binary on the database `ceping.db` in `dir` (also its working folder),
/// with [`BASE_URL`] as the public address: its exit status and what it printed, standard
/// output then standard error.
#[allow(dead_code)]
pub fn ceping(dir: &std::path::Path, args: &[&str]) -> (bool, String) {
    ceping_with(dir, args, &[("CEPING_BASE_URL", Some(BASE_URL))])
}

/// [`ceping`] with these environment variables set (`Some`) or removed (`None`).
#[allow(dead_code)]
pub fn ceping_with(
    dir: &std::path::Path,
    args: &[&str],
    env: &[(&str, Option<&str>)],
) -> (bool, String) {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_ceping"));
    for (name, value) in env {
        match value {
            Some(v) => cmd.env(name, v),
            None => cmd.env_remove(name),
        };
    }
    let out = cmd
        .arg("--db")
        .arg(dir.join("ceping.db"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}
