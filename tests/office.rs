//! The office's records on a real SQLite file: the audit trail's hash chain (and a tampered one
//! caught), and a backup taken while the database is in use, restored and checked.
#![cfg(feature = "ssr")]

use crate::common;

use ceping::audit::Broken;
use ceping::server::db;
use ceping::server::repo::account::{self, AccountRole};
use ceping::server::repo::audit;
use ceping::server::repo::invite::{self, Invitee};
use ceping::server::repo::round;
use ceping::server::repo::score;
use sqlx::SqlitePool;

async fn file_db(dir: &tempfile::TempDir) -> SqlitePool {
    common::seeded_file_pool(&dir.path().join("ceping.db")).await
}

/// A few office actions of every kind.
async fn busy_office(pool: &SqlitePool) -> i64 {
    let r = round::create(
        pool,
        &common::round_settings("2020年度满意度测评"),
        "office",
    )
    .await
    .unwrap();
    score::set_indicators(
        pool,
        r,
        &[
            ("工作进度".into(), String::new(), 50.0),
            ("落实成效".into(), String::new(), 50.0),
        ],
        "office",
    )
    .await
    .unwrap();
    common::solo_keys(pool, r).await;
    round::transition(
        pool,
        r,
        ceping::model::round::RoundAction::Open,
        "office",
        None,
    )
    .await
    .unwrap();
    let prepared = invite::prepare(&vec![Invitee::default(); 3]);
    invite::issue(pool, r, &prepared, Some("补选代表"), "office")
        .await
        .unwrap();
    invite::revoke(
        pool,
        r,
        &prepared[0].0,
        Some(invite::Reissue {
            reason: Some("邀请函遗失"),
        }),
        "office",
    )
    .await
    .unwrap();
    r
}

async fn actions(pool: &SqlitePool) -> Vec<String> {
    audit::all(pool)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect()
}

#[tokio::test]
async fn office_actions_are_recorded_in_an_unbroken_chain() {
    let dir = tempfile::tempdir().unwrap();
    let pool = file_db(&dir).await;
    busy_office(&pool).await;
    assert_eq!(
        actions(&pool).await,
        [
            "plan.import",
            "round.create",
            "round.indicators",
            "tellers.set",
            "tellers.solo",
            "round.open",
            "invite.issue",
            "invite.reissue"
        ]
    );
    let entries = audit::all(&pool).await.unwrap();
    assert_eq!(entries[0].actor, "system", "the seed import at first start");
    assert_eq!(
        entries[6].detail,
        r#"{"after_opening":true,"count":3,"first_id":1,"last_id":3,"reason":"补选代表"}"#
    );
    let head = audit::verify(&pool, None).await.unwrap().unwrap();
    assert_eq!(head, (8, entries[7].hash.clone()));
    // The same again with the head written down.
    assert_eq!(
        audit::verify(&pool, Some(&head)).await.unwrap(),
        Ok(head.clone())
    );
    // A refused action leaves no entry: opening an open round.
    assert!(
        round::transition(
            &pool,
            1,
            ceping::model::round::RoundAction::Open,
            "office",
            None
        )
        .await
        .is_err()
    );
    assert_eq!(audit::all(&pool).await.unwrap().len(), 8);
}

#[tokio::test]
async fn concurrent_actions_never_fork_the_chain() {
    let dir = tempfile::tempdir().unwrap();
    let pool = file_db(&dir).await;
    let mut tasks = Vec::new();
    for i in 0..40 {
        let pool = pool.clone();
        tasks.push(tokio::spawn(async move {
            audit::log(
                &pool,
                "office",
                "export",
                &format!("round {i}"),
                serde_json::json!({}),
            )
            .await
        }));
    }
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    let head = audit::verify(&pool, None).await.unwrap().unwrap();
    assert_eq!(head.0, 41);
}

#[tokio::test]
async fn an_altered_deleted_or_cut_entry_is_detected() {
    let dir = tempfile::tempdir().unwrap();
    let pool = file_db(&dir).await;
    busy_office(&pool).await;
    let head = audit::verify(&pool, None).await.unwrap().unwrap();

    // Altered: someone makes the reissue look like someone else's.
    sqlx::query("UPDATE audit_log SET actor = 'someone' WHERE seq = 8")
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(
        audit::verify(&pool, None).await.unwrap(),
        Err(Broken::Altered { seq: 8 })
    );
    sqlx::query("UPDATE audit_log SET actor = 'office' WHERE seq = 8")
        .execute(&pool)
        .await
        .unwrap();
    assert!(audit::verify(&pool, None).await.unwrap().is_ok());

    // Deleted from the middle.
    let copy = dir.path().join("copy.db");
    db::backup(&pool, &copy).await.unwrap();
    let other = db::open(&copy).await.unwrap();
    sqlx::query("DELETE FROM audit_log WHERE seq = 3")
        .execute(&other)
        .await
        .unwrap();
    assert_eq!(
        audit::verify(&other, None).await.unwrap(),
        Err(Broken::Gap { after: 2, found: 4 })
    );

    // Cut off the end, head table and all: caught against the head written down before.
    sqlx::query("DELETE FROM audit_log WHERE seq >= 5")
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(
        audit::verify(&pool, None).await.unwrap(),
        Err(Broken::Truncated {
            seq: 4,
            expected_seq: 8
        })
    );
    let last: (i64, String) = sqlx::query_as("SELECT seq, hash FROM audit_log WHERE seq = 4")
        .fetch_one(&pool)
        .await
        .unwrap();
    sqlx::query("UPDATE audit_head SET seq = ?, hash = ?")
        .bind(last.0)
        .bind(&last.1)
        .execute(&pool)
        .await
        .unwrap();
    assert!(
        audit::verify(&pool, None).await.unwrap().is_ok(),
        "the shortened chain alone is valid"
    );
    assert_eq!(
        audit::verify(&pool, Some(&head)).await.unwrap(),
        Err(Broken::Truncated {
            seq: 4,
            expected_seq: 8
        })
    );
}

#[tokio::test]
async fn a_backup_taken_while_in_use_restores_whole() {
    let dir = tempfile::tempdir().unwrap();
    let pool = file_db(&dir).await;
    let r = busy_office(&pool).await;
    account::create(&pool, "expert1", AccountRole::Evaluator, "a long password")
        .await
        .unwrap();
    // A reader holds a transaction open while the copy is made.
    let mut reader = pool.begin().await.unwrap();
    let (plans,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM plan")
        .fetch_one(&mut *reader)
        .await
        .unwrap();
    let file = dir.path().join("backups/2020-12-31.db");
    let bytes = db::backup(&pool, &file).await.unwrap();
    assert!(bytes > 0);
    reader.commit().await.unwrap();
    // Never over an existing file.
    assert!(
        db::backup(&pool, &file)
            .await
            .unwrap_err()
            .to_string()
            .contains("exists already")
    );

    // Restore = open the copy (as README says: stop the server, put the file in place).
    let restored = db::open(&file).await.unwrap();
    let (ok,): (String,) = sqlx::query_as("PRAGMA integrity_check")
        .fetch_one(&restored)
        .await
        .unwrap();
    assert_eq!(ok, "ok");
    for table in [
        "plan",
        "task",
        "unit",
        "round",
        "invitation",
        "indicator",
        "account",
        "audit_log",
    ] {
        let sql = format!("SELECT COUNT(*) FROM {table}");
        let (a,): (i64,) = sqlx::query_as(&sql).fetch_one(&pool).await.unwrap();
        let (b,): (i64,) = sqlx::query_as(&sql).fetch_one(&restored).await.unwrap();
        assert_eq!(a, b, "{table}");
        assert!(b > 0, "{table}");
    }
    assert_eq!(plans, 1);
    assert_eq!(
        round::get(&restored, r).await.unwrap().name,
        "2020年度满意度测评"
    );
    assert!(audit::verify(&restored, None).await.unwrap().is_ok());
    assert!(
        account::check_password(&restored, "expert1", "a long password")
            .await
            .unwrap()
            .is_some()
    );
}

#[tokio::test]
async fn what_changes_a_result_is_frozen_once_the_round_opens() {
    let dir = tempfile::tempdir().unwrap();
    let pool = file_db(&dir).await;
    let r = round::create(
        &pool,
        &common::round_settings("2020年度满意度测评"),
        "office",
    )
    .await
    .unwrap();
    let mut config = ceping::results::ResultsConfig {
        group_weights: (70.0, 30.0),
        ..Default::default()
    };
    round::configure(&pool, r, &config, "office").await.unwrap();
    common::solo_keys(&pool, r).await;
    round::transition(
        &pool,
        r,
        ceping::model::round::RoundAction::Open,
        "office",
        None,
    )
    .await
    .unwrap();
    config.trim = true;
    let refused = round::configure(&pool, r, &config, "office").await;
    assert!(
        matches!(refused, Err(round::RoundError::WrongState { .. })),
        "{refused:?}"
    );
    assert!(!round::get(&pool, r).await.unwrap().results_config.trim);
    // The same configuration again is no change, and is allowed (and recorded).
    config.trim = false;
    round::configure(&pool, r, &config, "office").await.unwrap();
    assert_eq!(
        actions(&pool)
            .await
            .iter()
            .filter(|a| *a == "round.configure")
            .count(),
        2
    );
}

/// The report's comments: every group with its full count, at most the asked number printed, in
/// the order the count stored them, and nothing from another round.
#[tokio::test]
async fn the_reports_comments_come_grouped_with_their_counts() {
    use ceping::server::repo::results::{CommentGroup, report_comments};
    let dir = tempfile::tempdir().unwrap();
    let pool = file_db(&dir).await;
    let settings = common::round_settings("2020年度满意度测评");
    let r = round::create(&pool, &settings, "office").await.unwrap();
    let other = round::create(&pool, &settings, "office").await.unwrap();
    let mut rows: Vec<(i64, Option<String>, String)> = Vec::new();
    for i in 0..50 {
        rows.push((r, None, format!("总体{i}")));
        if i < 12 {
            rows.push((r, Some("t2".into()), format!("任务{i}")));
        }
        if i < 3 {
            rows.push((r, Some("u1".into()), format!("单位{i}")));
            rows.push((other, Some("t2".into()), format!("别轮{i}")));
        }
    }
    for (round_id, item, body) in &rows {
        sqlx::query("INSERT INTO round_comment (round_id, item, body) VALUES (?, ?, ?)")
            .bind(round_id)
            .bind(item)
            .bind(body)
            .execute(&pool)
            .await
            .unwrap();
    }
    let groups = report_comments(&pool, r, 40, 8).await.unwrap();
    let texts = |prefix: &str, n: usize| (0..n).map(|i| format!("{prefix}{i}")).collect::<Vec<_>>();
    assert_eq!(
        groups,
        vec![
            CommentGroup {
                item: None,
                total: 50,
                shown: texts("总体", 40)
            },
            CommentGroup {
                item: Some("t2".into()),
                total: 12,
                shown: texts("任务", 8)
            },
            CommentGroup {
                item: Some("u1".into()),
                total: 3,
                shown: texts("单位", 3)
            },
        ]
    );
    // A round without comments has no groups at all.
    let none = round::create(&pool, &settings, "office").await.unwrap();
    assert!(
        report_comments(&pool, none, 40, 8)
            .await
            .unwrap()
            .is_empty()
    );
}
