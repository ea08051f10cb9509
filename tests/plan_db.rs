//! The plan on a real SQLite database: import, read back, import again, never half-stored.
#![cfg(feature = "ssr")]

use crate::common;

use ceping::plan::parse_plan;
use ceping::server::db::{self, SEED_PLAN};
use ceping::server::repo::plan as repo;
use sqlx::SqlitePool;

async fn count(pool: &SqlitePool, table: &str) -> i64 {
    common::scalar(pool, &format!("SELECT COUNT(*) FROM {table}")).await
}

const TABLES: [&str; 9] = [
    "plan",
    "plan_section",
    "task",
    "unit",
    "unit_alias",
    "task_unit",
    "phase",
    "requirement",
    "roster_member",
];

async fn counts(pool: &SqlitePool) -> Vec<i64> {
    let mut v = Vec::new();
    for t in TABLES {
        v.push(count(pool, t).await);
    }
    v
}

#[tokio::test]
async fn seed_round_trip_and_second_import_changes_nothing() {
    let pool = db::open_in_memory().await.unwrap();
    let first = repo::import(&pool, SEED_PLAN).await.unwrap();
    assert!(first.created);
    assert_eq!(count(&pool, "plan").await, 1);
    assert_eq!(count(&pool, "plan_section").await, 3);
    assert_eq!(count(&pool, "task").await, 14);
    assert_eq!(count(&pool, "phase").await, 4);
    assert_eq!(count(&pool, "roster_member").await, 33);
    let (members,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM unit WHERE is_member = 1")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(members, 30);
    let before = counts(&pool).await;

    // The same text again (even with Windows line endings) is found, not stored twice.
    let again = repo::import(&pool, &SEED_PLAN.replace('\n', "\r\n"))
        .await
        .unwrap();
    assert!(!again.created);
    assert_eq!(again.plan_id, first.plan_id);
    assert_eq!(counts(&pool).await, before);

    // What is read back is what the importer parsed, task by task.
    let parsed = parse_plan(SEED_PLAN).unwrap();
    let stored = repo::tasks(&pool, first.plan_id).await.unwrap();
    assert_eq!(stored.sections.len(), parsed.sections.len());
    for (ps, ss) in parsed.sections.iter().zip(&stored.sections) {
        assert_eq!(ps.title, ss.title);
        assert_eq!(ps.tasks.len(), ss.tasks.len());
        for (pt, st) in ps.tasks.iter().zip(&ss.tasks) {
            let names = |v: &Vec<ceping::model::plan::UnitRef>| {
                v.iter().map(|u| u.name.clone()).collect::<Vec<_>>()
            };
            assert_eq!(
                pt.lead,
                names(&st.lead),
                "lead of ({}){}",
                ss.number,
                st.number
            );
            assert_eq!(
                pt.responsible,
                names(&st.responsible),
                "responsible of ({}){}",
                ss.number,
                st.number
            );
            assert_eq!(pt.title, st.title);
        }
    }
    let overview = repo::overview(&pool, first.plan_id).await.unwrap();
    assert_eq!(overview.header.title, parsed.title);
    assert_eq!(overview.phases.len(), 4);
    assert_eq!(overview.phases[1].start.to_string(), "2020-05-01");
    assert_eq!(overview.phases[1].end.to_string(), "2020-07-31");
}

#[tokio::test]
async fn unit_counts_and_collective_members() {
    let pool = common::seeded_pool().await;
    let units = repo::units(&pool, 1).await.unwrap().units;
    let by_name = |n: &str| units.iter().find(|u| u.unit.name == n).unwrap().clone();
    // 市经济和信息化局 leads (二)2, (二)3, (三)2, (三)4 and shares (一)5, (一)6, (二)1, (二)4, (三)1.
    let eco = by_name("市经济和信息化局");
    assert_eq!((eco.lead_count, eco.share_count), (4, 5));
    assert!(eco.aliases.contains(&"市经济和信息局".to_string()));
    // 江夏区 is named in (一)1 and stands in 各区人民政府 in (一)2, (二)1, (三)2, (三)3, (三)4.
    let jx = by_name("江夏区人民政府");
    assert_eq!((jx.lead_count, jx.share_count), (0, 6));
    let collective = by_name("各区人民政府");
    let detail = repo::unit_detail(&pool, collective.unit.id).await.unwrap();
    assert_eq!(detail.members.len(), 15);
    assert_eq!(detail.tasks.len(), 5);
}

#[tokio::test]
async fn a_failed_import_stores_nothing() {
    let pool = db::open_in_memory().await.unwrap();
    // Make the very last insert of an import fail, after everything else was written.
    sqlx::query(
        "CREATE TRIGGER fail_roster BEFORE INSERT ON roster_member
         BEGIN SELECT RAISE(ABORT, 'disk full (simulated)'); END",
    )
    .execute(&pool)
    .await
    .unwrap();
    let err = repo::import(&pool, SEED_PLAN).await.unwrap_err();
    assert!(err.to_string().contains("simulated"), "{err}");
    for t in TABLES {
        assert_eq!(
            count(&pool, t).await,
            0,
            "{t} must be empty after a failed import"
        );
    }
    // And a text the parser rejects stores nothing either.
    assert!(repo::import(&pool, "没有任务的文本").await.is_err());
    assert_eq!(count(&pool, "plan").await, 0);
}

#[tokio::test]
async fn file_database_is_created_with_wal_and_foreign_keys() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested/folder/ceping.db");
    let pool = db::open(&path).await.unwrap();
    assert!(path.exists());
    let (mode,): (String,) = sqlx::query_as("PRAGMA journal_mode")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(mode, "wal");
    let (fk,): (i64,) = sqlx::query_as("PRAGMA foreign_keys")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(fk, 1);
    let (timeout,): (i64,) = sqlx::query_as("PRAGMA busy_timeout")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(timeout >= 5000);
    // Seeding happens once: a second start finds the plan.
    assert!(db::seed_if_empty(&pool).await.unwrap().is_some());
    assert!(db::seed_if_empty(&pool).await.unwrap().is_none());
    pool.close().await;
    let pool = db::open(&path).await.unwrap();
    assert_eq!(count(&pool, "plan").await, 1);
}

#[tokio::test]
async fn a_foreign_database_stops_the_start_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ceping.db");
    // A migration recorded as applied but with another checksum: someone else's database.
    let pool = db::open(&path).await.unwrap();
    sqlx::query("UPDATE _sqlx_migrations SET checksum = x'00'")
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
    let err = db::open(&path).await.unwrap_err();
    assert!(format!("{err:#}").contains("migrations failed"), "{err:#}");
}
