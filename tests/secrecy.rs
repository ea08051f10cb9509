//! The secret ballot against whoever holds the server's files: copies of the database folder
//! taken after each of many sequential ballots (the `.db` file and its `-wal`, as a folder backup
//! or a disk snapshot takes them), opened and compared commit by commit, reveal no choice and no
//! comment; the count alone opens the sums, and what it leaves behind ties no comment to a
//! ballot.
#![cfg(feature = "ssr")]

use crate::common;

use axum::http::StatusCode;
use common::{TestApp, enc, scalar};
use std::path::{Path, PathBuf};

/// A copy of the database folder as a backup tool takes it: the files' bytes, while the server
/// runs.
fn snapshot(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for name in ["ceping.db", "ceping.db-wal"] {
        let src = from.join(name);
        if src.exists() {
            std::fs::copy(&src, to.join(name)).unwrap();
        }
    }
}

/// Every byte of a snapshot's files.
fn bytes_of(dir: &Path) -> Vec<u8> {
    let mut all = Vec::new();
    for name in ["ceping.db", "ceping.db-wal"] {
        if let Ok(b) = std::fs::read(dir.join(name)) {
            all.extend(b);
        }
    }
    all
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// The rows an attacker reads from a snapshot (SQLite replays its WAL on opening).
struct Seen {
    ballots: Vec<(String, Vec<u8>, Option<Vec<u8>>)>,
    choices: i64,
    tallies: i64,
    comments: i64,
    plain_comments: i64,
}

async fn read(dir: &Path) -> Seen {
    let pool = ceping::server::db::open(&dir.join("ceping.db"))
        .await
        .unwrap();
    let ballots = sqlx::query_as("SELECT id, cells, sealed_comments FROM ballot ORDER BY id")
        .fetch_all(&pool)
        .await
        .unwrap();
    let seen = Seen {
        ballots,
        choices: scalar(&pool, "SELECT COUNT(*) FROM ballot_choice").await,
        tallies: scalar(&pool, "SELECT COUNT(*) FROM tally").await,
        comments: scalar(&pool, "SELECT COUNT(*) FROM round_comment").await,
        plain_comments: scalar(
            &pool,
            "SELECT COUNT(*) FROM ballot WHERE comment IS NOT NULL",
        )
        .await,
    };
    pool.close().await;
    seen
}

#[tokio::test]
async fn copies_of_the_database_after_each_ballot_reveal_no_choice_and_no_comment() {
    let t = TestApp::on_file().await;
    let n = 12;
    let r = t
        .open_round_with_codes(&common::round_settings("保密测试"), n)
        .await;
    let levels = ["satisfied", "basic", "dissatisfied"];
    let snaps = tempfile::tempdir().unwrap();
    let mut shots: Vec<PathBuf> = Vec::new();
    let marker = |k: usize| format!("意见标记{k:02}号");
    // Deputies vote one after another, as the office watches who votes when. Deputy k gives
    // every item level k % 3 (so deputies 0 and 3 cast the same choices) and a comment of their
    // own, on the first item and overall.
    for (k, code) in r.codes.iter().enumerate() {
        let mut body = format!(
            "idem=SECRET{k:04}&action=submit&comment={}",
            enc(&marker(k))
        );
        for item in &r.items {
            body.push_str(&format!("&r.{item}={}", levels[k % 3]));
        }
        body.push_str(&format!("&c.{}={}", r.items[0], enc(&marker(k + 50))));
        let res = t.vote(code, &body).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        let shot = snaps.path().join(format!("after-{k:02}"));
        snapshot(t.dir(), &shot);
        shots.push(shot);
    }

    let mut previous: Option<Seen> = None;
    let mut all_points: Vec<[u8; 32]> = Vec::new();
    for (k, shot) in shots.iter().enumerate() {
        // No comment text anywhere in the files, WAL included.
        let raw = bytes_of(shot);
        for j in 0..n {
            assert!(
                !contains(&raw, marker(j).as_bytes()),
                "copy {k}: comment {j}"
            );
            assert!(!contains(&raw, marker(j + 50).as_bytes()), "copy {k}");
        }
        // Replayed, the copy holds sealed ballots and nothing per item.
        let seen = read(shot).await;
        assert_eq!(seen.ballots.len(), k + 1, "copy {k}");
        assert_eq!(
            (
                seen.choices,
                seen.tallies,
                seen.comments,
                seen.plain_comments
            ),
            (0, 0, 0, 0),
            "copy {k}"
        );
        // Compared with the copy before it, exactly one ballot is new: the attacker learns
        // which sealed ballot is deputy k's, and nothing of what it says.
        if let Some(before) = &previous {
            let new: Vec<_> = seen
                .ballots
                .iter()
                .filter(|b| !before.ballots.contains(b))
                .collect();
            assert_eq!(new.len(), 1, "copy {k}");
            let (_, cells, comments) = new[0];
            assert_eq!(cells.len(), r.items.len() * 3 * 64);
            assert!(comments.is_some());
        }
        previous = Some(seen);
    }
    // Across every ballot, no point repeats: deputy k chose exactly what deputy k − 3 chose,
    // yet no 32-byte piece of their sealed ballots is alike, and neither a choice nor "not
    // chosen" has a face of its own.
    for (_, cells, _) in &previous.as_ref().unwrap().ballots {
        for p in cells.chunks(32) {
            all_points.push(p.try_into().unwrap());
        }
    }
    let total = all_points.len();
    all_points.sort_unstable();
    all_points.dedup();
    assert_eq!(
        all_points.len(),
        total,
        "a point repeats across sealed ballots"
    );

    // The count opens the sums and nothing else: the tallies are what was cast, the comments
    // are all there, in an order that is not the order of arrival, and the sealed comments are
    // gone from the files.
    let sealed_comments: Vec<Vec<u8>> = previous
        .unwrap()
        .ballots
        .into_iter()
        .filter_map(|(_, _, c)| c)
        .collect();
    t.count(r.id).await;
    for (i, item) in r.items.iter().enumerate() {
        let counts: Vec<(i64, i64)> =
            sqlx::query_as("SELECT level, count FROM tally WHERE item = ? ORDER BY level")
                .bind(item)
                .fetch_all(&t.pool)
                .await
                .unwrap();
        // 12 deputies, 4 of each level; none left the item unrated.
        assert_eq!(counts, [(-1, 0), (0, 4), (1, 4), (2, 4)], "item {i}");
    }
    let overall: Vec<String> =
        sqlx::query_scalar("SELECT body FROM round_comment WHERE item IS NULL ORDER BY id")
            .fetch_all(&t.pool)
            .await
            .unwrap();
    let arrival: Vec<String> = (0..n).map(marker).collect();
    let mut sorted = overall.clone();
    sorted.sort();
    assert_eq!(sorted, arrival, "every overall comment, once");
    assert_ne!(overall, arrival, "comments are stored in arrival order");
    assert_eq!(
        scalar(
            &t.pool,
            "SELECT COUNT(*) FROM ballot WHERE sealed_comments IS NOT NULL"
        )
        .await,
        0
    );
    let after = snaps.path().join("after-count");
    snapshot(t.dir(), &after);
    let raw = bytes_of(&after);
    for c in &sealed_comments {
        assert!(
            !contains(&raw, &c[..48]),
            "a sealed comment survives the count in the files"
        );
    }
}
