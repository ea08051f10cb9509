//! The year of handling on a real SQLite database with the migrations: liaison accounts (and
//! the account table's rebuild that admits them, on a database that already holds accounts),
//! sub-plan versions and the office's decisions, monthly reports, returns, audited values, the
//! ledger the measures read, and the audit trail — each refusal storing nothing.

use crate::common::{contents, scalar, seeded_file_pool, seeded_pool};
use ceping::handling::measure::Direction;
use ceping::handling::period::{Filing, Period};
use ceping::handling::progress::compute;
use ceping::handling::subplan::{Indicator, Milestone, SubplanState};
use ceping::server::db;
use ceping::server::repo::account::{self, AccountRole};
use ceping::server::repo::handling::{
    self, HandlingError, ReportForm, ReportState, ReportingUnit, SubplanForm, TaskStatus,
};
use chrono::NaiveDate;
use sqlx::SqlitePool;

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn indicator(task_id: i64, name: &str, target: f64) -> Indicator {
    Indicator {
        task_id,
        name: name.into(),
        measure_unit: "家".into(),
        baseline: 0.0,
        target,
        direction: Direction::Higher,
        starts_on: day("2020-05-01"),
        due_on: day("2020-12-31"),
        weight: 1.0,
    }
}

/// A unit of the seed plan that leads one task and shares another.
async fn unit_with_two_tasks(pool: &SqlitePool) -> ReportingUnit {
    handling::reporting_units(pool, 1)
        .await
        .unwrap()
        .into_iter()
        .find(|u| u.tasks.iter().any(|t| t.1) && u.tasks.iter().any(|t| !t.1))
        .expect("a unit that leads one task and shares another")
}

fn form_for(unit: &ReportingUnit) -> SubplanForm {
    let (lead, _) = *unit.tasks.iter().find(|t| t.1).unwrap();
    let (shared, _) = *unit.tasks.iter().find(|t| !t.1).unwrap();
    SubplanForm {
        measures: "建立工作专班，按月调度。".into(),
        indicators: vec![
            (None, indicator(lead, "新增上云企业", 100.0)),
            (None, indicator(shared, "建成5G基站", 40.0)),
        ],
        milestones: vec![Milestone {
            task_id: lead,
            due_on: day("2020-06-30"),
            what: "出台实施细则".into(),
        }],
    }
}

async fn approved_unit(pool: &SqlitePool) -> ReportingUnit {
    let unit = unit_with_two_tasks(pool).await;
    handling::save_draft(pool, &unit, &form_for(&unit), "联络员甲")
        .await
        .unwrap();
    handling::submit(pool, unit.id, "联络员甲").await.unwrap();
    let draft = handling::subplans(pool, unit.id).await.unwrap().remove(0);
    handling::decide(pool, draft.id, true, "", "office")
        .await
        .unwrap();
    unit
}

fn report_for(unit: &ReportingUnit, codes: &[i64], values: &[f64]) -> ReportForm {
    ReportForm {
        values: codes
            .iter()
            .zip(values)
            .map(|(c, v)| (*c, *v, String::new()))
            .collect(),
        tasks: unit
            .tasks
            .iter()
            .map(|(t, _)| (*t, TaskStatus::OnTrack, String::new(), "推进中".into()))
            .collect(),
    }
}

#[tokio::test]
async fn an_old_database_keeps_its_accounts_and_sessions_when_liaisons_are_admitted() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("old.db");
    // A database as Ceping left it before migration 0013, with an account and its session.
    {
        let url = format!("sqlite://{}?mode=rwc", file.display());
        let pool = sqlx::sqlite::SqlitePoolOptions::new()
            .max_connections(1)
            .connect(&url)
            .await
            .unwrap();
        sqlx::query("PRAGMA foreign_keys = ON")
            .execute(&pool)
            .await
            .unwrap();
        let before = sqlx::migrate::Migrator {
            migrations: db::MIGRATOR
                .migrations
                .iter()
                .filter(|m| m.version < 13)
                .cloned()
                .collect::<Vec<_>>()
                .into(),
            ignore_missing: false,
            locking: true,
            no_tx: false,
        };
        before.run(&pool).await.unwrap();
        sqlx::query(
            "INSERT INTO account (id, login, role, password_hash, created_at)
             VALUES (7, 'office', 'office', 'x', '2020-01-01T00:00:00Z')",
        )
        .execute(&pool)
        .await
        .unwrap();
        sqlx::query(
            "INSERT INTO session (token_hash, account_id, created_at, expires_at, last_seen_at)
             VALUES ('t', 7, '2020-01-01T00:00:00Z', '2099-01-01T00:00:00Z', '2020-01-01T00:00:00Z')",
        )
        .execute(&pool)
        .await
        .unwrap();
        pool.close().await;
    }
    let pool = seeded_file_pool(&file).await;
    assert_eq!(
        scalar(&pool, "SELECT COUNT(*) FROM session WHERE account_id = 7").await,
        1
    );
    assert_eq!(
        scalar(
            &pool,
            "SELECT COUNT(*) FROM account WHERE id = 7 AND role = 'office'"
        )
        .await,
        1
    );
    // Foreign keys are back on: a session of nobody is refused.
    let orphan = sqlx::query(
        "INSERT INTO session (token_hash, account_id, created_at, expires_at)
         VALUES ('u', 999, '2020-01-01T00:00:00Z', '2099-01-01T00:00:00Z')",
    )
    .execute(&pool)
    .await;
    assert!(orphan.is_err(), "foreign keys must be on after the rebuild");
    let unit = unit_with_two_tasks(&pool).await;
    account::create_liaison(&pool, "lly", unit.id, "correct horse battery", false, None)
        .await
        .unwrap();
    let before = contents(&pool).await;
    pool.close().await;
    // Opening again changes nothing.
    let pool = db::open(&file).await.unwrap();
    assert_eq!(contents(&pool).await, before);
}

#[tokio::test]
async fn the_account_table_ties_liaisons_to_units_and_nobody_else() {
    let pool = seeded_pool().await;
    let unit = unit_with_two_tasks(&pool).await;
    let id = account::create_liaison(
        &pool,
        "liaison-a",
        unit.id,
        "correct horse battery",
        true,
        None,
    )
    .await
    .unwrap();
    assert_eq!(account::unit_of(&pool, id).await.unwrap(), Some(unit.id));
    let who = account::by_login(&pool, "liaison-a").await.unwrap();
    assert_eq!(who.role, AccountRole::Liaison);
    // The database itself refuses a liaison without a unit and an office account with one.
    for sql in [
        "INSERT INTO account (login, role, password_hash, created_at) VALUES ('x', 'liaison', 'h', 'now')",
        "INSERT INTO account (login, role, password_hash, created_at, unit_id) VALUES ('y', 'office', 'h', 'now', 1)",
        "INSERT INTO account (login, role, password_hash, created_at, unit_id) VALUES ('z', 'liaison', 'h', 'now', 99999)",
    ] {
        assert!(sqlx::query(sql).execute(&pool).await.is_err(), "{sql}");
    }
}

#[tokio::test]
async fn sub_plans_go_through_versions_and_the_office_decides_each() {
    let pool = seeded_pool().await;
    let unit = unit_with_two_tasks(&pool).await;
    let form = form_for(&unit);

    // Nothing to submit yet.
    assert!(matches!(
        handling::submit(&pool, unit.id, "甲").await,
        Err(HandlingError::NoDraft)
    ));
    // An indicator on a task the unit has nothing to do with: refused, nothing stored.
    let mut foreign = form.clone();
    let other_task = scalar(
        &pool,
        &format!(
            "SELECT MIN(id) FROM task WHERE id NOT IN (SELECT task_id FROM task_unit WHERE unit_id = {})",
            unit.id
        ),
    )
    .await;
    foreign.indicators[0].1.task_id = other_task;
    let before = contents(&pool).await;
    assert!(matches!(
        handling::save_draft(&pool, &unit, &foreign, "甲").await,
        Err(HandlingError::Form(_))
    ));
    assert_eq!(contents(&pool).await, before);

    // A draft with no indicators cannot be submitted.
    let empty = SubplanForm::default();
    handling::save_draft(&pool, &unit, &empty, "甲")
        .await
        .unwrap();
    assert!(matches!(
        handling::submit(&pool, unit.id, "甲").await,
        Err(HandlingError::NoIndicators)
    ));
    // Saving again edits the same draft.
    let first = handling::save_draft(&pool, &unit, &form, "甲")
        .await
        .unwrap();
    assert_eq!(handling::subplans(&pool, unit.id).await.unwrap().len(), 1);
    assert_eq!(handling::submit(&pool, unit.id, "甲").await.unwrap(), 1);
    // Frozen while the office has it.
    assert!(matches!(
        handling::save_draft(&pool, &unit, &form, "甲").await,
        Err(HandlingError::Frozen)
    ));
    // Returning needs a reason.
    assert!(matches!(
        handling::decide(&pool, first, false, "  ", "office").await,
        Err(HandlingError::NoReason)
    ));
    let returned = handling::decide(&pool, first, false, "指标不够具体", "office")
        .await
        .unwrap();
    assert_eq!(returned.state, SubplanState::Returned);
    assert_eq!(returned.reason.as_deref(), Some("指标不够具体"));
    // A decided version cannot be decided again.
    assert!(matches!(
        handling::decide(&pool, first, true, "", "office").await,
        Err(HandlingError::WrongState(..))
    ));

    // The revision is version 2; its indicators keep their codes, a new one gets a new code.
    let codes: Vec<i64> = returned.indicators.iter().map(|(c, _)| *c).collect();
    let mut revised = form.clone();
    revised.indicators[0].0 = Some(codes[0]);
    revised.indicators[0].1.target = 120.0;
    revised.indicators[1].0 = Some(codes[1]);
    revised
        .indicators
        .push((None, indicator(unit.tasks[0].0, "培育标杆项目", 5.0)));
    let second = handling::save_draft(&pool, &unit, &revised, "甲")
        .await
        .unwrap();
    assert_ne!(second, first);
    handling::submit(&pool, unit.id, "甲").await.unwrap();
    let approved = handling::decide(&pool, second, true, "", "office")
        .await
        .unwrap();
    assert_eq!(approved.version, 2);
    assert_eq!(approved.state, SubplanState::Approved);
    let new_codes: Vec<i64> = approved.indicators.iter().map(|(c, _)| *c).collect();
    assert_eq!(&new_codes[..2], &codes[..]);
    assert!(!codes.contains(&new_codes[2]));
    // Version 1 is kept as it was returned.
    let all = handling::subplans(&pool, unit.id).await.unwrap();
    assert_eq!(all.len(), 2);
    assert_eq!(all[1].indicators[0].1.target, 100.0);
    // Every submission and decision is in the audit trail.
    for (action, n) in [
        ("subplan.submit", 2),
        ("subplan.return", 1),
        ("subplan.approve", 1),
    ] {
        let sql = format!("SELECT COUNT(*) FROM audit_log WHERE action = '{action}'");
        assert_eq!(scalar(&pool, &sql).await, n, "{action}");
    }
}

#[tokio::test]
async fn reports_are_reviewed_and_audited_values_count_in_the_ledger() {
    let pool = seeded_pool().await;
    // No report before a sub-plan is approved.
    let unit = unit_with_two_tasks(&pool).await;
    let june = Period::new(2020, 6).unwrap();
    assert!(matches!(
        handling::file_report(&pool, &unit, june, &ReportForm::default(), "甲").await,
        Err(HandlingError::NoApprovedSubplan)
    ));
    let unit = approved_unit(&pool).await;
    let plan = handling::approved(&pool, unit.id).await.unwrap().unwrap();
    let codes: Vec<i64> = plan.indicators.iter().map(|(c, _)| *c).collect();

    // A month outside the plan's reporting months, a missing value, a task behind without a
    // reason: each refused, every fault named, nothing stored.
    let before = contents(&pool).await;
    let january = Period::new(2020, 1).unwrap();
    let full = report_for(&unit, &codes, &[50.0, 10.0]);
    assert!(matches!(
        handling::file_report(&pool, &unit, january, &full, "甲").await,
        Err(HandlingError::NotAPeriod(_))
    ));
    let mut faulty = report_for(&unit, &codes[..1], &[50.0]);
    faulty.tasks[0].1 = TaskStatus::Behind;
    match handling::file_report(&pool, &unit, june, &faulty, "甲").await {
        Err(HandlingError::Form(faults)) => {
            assert_eq!(faults.len(), 2, "{faults:?}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(contents(&pool).await, before);

    let first = handling::file_report(&pool, &unit, june, &full, "甲")
        .await
        .unwrap();
    assert!(matches!(
        handling::file_report(&pool, &unit, june, &full, "甲").await,
        Err(HandlingError::ReportPending)
    ));
    handling::review_report(&pool, first, false, "缺少佐证材料", "office")
        .await
        .unwrap();
    let fixed = report_for(&unit, &codes, &[60.0, 10.0]);
    let second = handling::file_report(&pool, &unit, june, &fixed, "甲")
        .await
        .unwrap();
    let accepted = handling::review_report(&pool, second, true, "", "office")
        .await
        .unwrap();
    assert_eq!(
        (accepted.version, accepted.state),
        (2, ReportState::Accepted)
    );
    assert!(matches!(
        handling::file_report(&pool, &unit, june, &fixed, "甲").await,
        Err(HandlingError::ReportAccepted)
    ));

    // The office audits the first indicator down to 30, then to 40: the later counts, both
    // are kept.
    assert!(matches!(
        handling::set_audited(&pool, second, codes[0], 30.0, "", "office").await,
        Err(HandlingError::NoReason)
    ));
    handling::set_audited(&pool, second, codes[0], 30.0, "台账只能证明30家", "office")
        .await
        .unwrap();
    handling::set_audited(&pool, second, codes[0], 40.0, "补充材料后核定", "office")
        .await
        .unwrap();
    let report = handling::report(&pool, second).await.unwrap();
    assert_eq!(report.audited.len(), 2);
    assert_eq!(report.audited_value(codes[0]), Some(40.0));

    // As filed by now (the reports were filed today, in the test's clock).
    let tomorrow = ceping::clock::today() + chrono::Days::new(1);
    let ledger = handling::ledger(&pool, 1, tomorrow).await.unwrap();
    let ours: Vec<_> = ledger
        .indicators
        .iter()
        .filter(|i| i.unit_id == unit.id)
        .collect();
    assert_eq!(ours.len(), 2);
    assert_eq!(
        (ours[0].reported, ours[0].audited),
        (Some(60.0), Some(40.0))
    );
    assert_eq!((ours[1].reported, ours[1].audited), (Some(10.0), None));

    // June was filed (first on time or late depending on today's date is not at stake here:
    // the first version is what counts); July is missing once its due day has passed.
    let settings = handling::settings(&pool, 1).await.unwrap();
    assert_eq!(settings.subplan_due, day("2020-05-10"));
    let board = compute(&ledger, &settings.measures, day("2020-08-01"));
    let filings = &board.unit(unit.id).unwrap().filings;
    let july = Period::new(2020, 7).unwrap();
    let of = |p: Period| filings.iter().find(|(q, _)| *q == p).unwrap().1;
    assert_ne!(of(june), Filing::Missing);
    assert_eq!(of(july), Filing::Missing);
    // The judged value of the first indicator is the audited 40 of 100.
    let task = board.task(plan.indicators[0].1.task_id).unwrap();
    let ind = task
        .units
        .iter()
        .flat_map(|u| &u.indicators)
        .find(|i| i.record.code == codes[0] && i.record.unit_id == unit.id)
        .unwrap();
    assert!((ind.progress.completion - 0.4).abs() < 1e-9);

    for (action, n) in [
        ("report.submit", 2),
        ("report.return", 1),
        ("report.accept", 1),
        ("report.audit", 2),
    ] {
        let sql = format!("SELECT COUNT(*) FROM audit_log WHERE action = '{action}'");
        assert_eq!(scalar(&pool, &sql).await, n, "{action}");
    }
}

#[tokio::test]
async fn the_sample_year_is_labelled_loaded_once_and_removed_whole() {
    use ceping::server::service::sample_year::{self, Loaded};
    let pool = seeded_pool().await;
    let before = contents(&pool).await;
    let units = handling::reporting_units(&pool, 1).await.unwrap();
    let loaded = sample_year::load(&pool, 1, "test").await.unwrap();
    assert_eq!(loaded, Loaded::Units(units.len()));
    assert!(handling::has_sample(&pool, 1).await.unwrap());
    assert_eq!(
        sample_year::load(&pool, 1, "test").await.unwrap(),
        Loaded::Already
    );
    // The board is filled: every unit has indicators, some months are missing or late, and
    // the colours are not all the same.
    let settings = handling::settings(&pool, 1).await.unwrap();
    let ledger = handling::ledger(&pool, 1, day("2021-01-31")).await.unwrap();
    let board = compute(&ledger, &settings.measures, day("2021-01-31"));
    // The ledger of a day holds only what was filed by then: before the first report, nothing.
    let early = handling::ledger(&pool, 1, day("2020-05-20")).await.unwrap();
    assert!(early.filings.is_empty());
    assert!(early.indicators.iter().all(|i| i.reported.is_none()));
    // By the end of July, May to July at most.
    let july = handling::ledger(&pool, 1, day("2020-07-31")).await.unwrap();
    assert!(!july.filings.is_empty());
    assert!(
        july.filings
            .iter()
            .all(|f| f.period <= Period::new(2020, 7).unwrap())
    );
    assert!(board.units.iter().all(|u| u.progress.is_some()));
    let filings: Vec<Filing> = board
        .units
        .iter()
        .flat_map(|u| u.filings.iter().map(|f| f.1))
        .collect();
    for kind in [Filing::OnTime, Filing::Late, Filing::Missing] {
        assert!(filings.contains(&kind), "{kind:?} in the sample");
    }
    let amber = settings.measures.amber_points;
    let colours: std::collections::BTreeSet<_> = board
        .tasks
        .iter()
        .filter_map(|t| t.progress.map(|p| p.rag(amber)))
        .chain(
            board
                .units
                .iter()
                .filter_map(|u| u.progress.map(|p| p.rag(amber))),
        )
        .collect();
    assert!(colours.len() >= 2, "{colours:?}");
    // Removal takes exactly what the sample stored (the audit trail keeps both steps).
    let (subplans, reports) = handling::remove_sample(&pool, 1, "test").await.unwrap();
    assert_eq!(subplans as usize, units.len());
    assert!(reports > 0);
    assert!(!handling::has_sample(&pool, 1).await.unwrap());
    let after = contents(&pool).await;
    for (b, a) in before.iter().zip(&after) {
        if !b.0.starts_with("audit") {
            assert_eq!(b, a, "table {}", b.0);
        }
    }
    // A plan with a real sub-plan gets no sample.
    let unit = unit_with_two_tasks(&pool).await;
    handling::save_draft(&pool, &unit, &form_for(&unit), "甲")
        .await
        .unwrap();
    assert_eq!(
        sample_year::load(&pool, 1, "test").await.unwrap(),
        Loaded::RealData
    );
    assert!(!handling::has_sample(&pool, 1).await.unwrap());
}

/// Runs `ceping` on `dir`'s database with `input` on its standard input.
fn ceping_in(dir: &std::path::Path, args: &[&str], input: &str) -> (bool, String) {
    use std::io::Write;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_ceping"))
        .arg("--db")
        .arg(dir.join("ceping.db"))
        .args(args)
        .current_dir(dir)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

#[tokio::test]
async fn the_command_line_makes_liaisons_sets_months_and_prints_the_board() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (ok, out) = ceping_in(d, &["plan", "import", crate::common::SEED], "");
    assert!(ok, "{out}");
    let pw = "a long password\n";
    let add = |unit: &str, login: &str| {
        ceping_in(
            d,
            &[
                "user", "add", "--role", "liaison", "--unit", unit, "--login", login,
            ],
            pw,
        )
    };
    let (ok, out) = add("市科技局", "kjj");
    assert!(ok, "{out}");
    assert!(
        out.contains("created liaison account kjj for 市科技局"),
        "{out}"
    );
    // A collective, an unknown unit, a unit on another role, no unit: each refused in English.
    let (ok, out) = add("各区人民政府", "qz");
    assert!(!ok && out.contains("collective"), "{out}");
    let (ok, out) = add("不存在的局", "nobody");
    assert!(!ok && out.contains("no unit is named"), "{out}");
    let (ok, out) = ceping_in(
        d,
        &[
            "user",
            "add",
            "--role",
            "office",
            "--unit",
            "市科技局",
            "--login",
            "o2",
        ],
        pw,
    );
    assert!(
        !ok && out.contains("--unit is for liaison accounts only"),
        "{out}"
    );
    let (ok, out) = ceping_in(
        d,
        &["user", "add", "--role", "liaison", "--login", "l2"],
        pw,
    );
    assert!(!ok && out.contains("--unit"), "{out}");
    let (ok, out) = ceping_in(d, &["user", "list"], "");
    assert!(ok && out.contains("kjj\tliaison of 市科技局"), "{out}");
    assert!(
        !out.contains("qz") && !out.contains("o2"),
        "nothing made by a refusal: {out}"
    );

    // The reporting months: shown with their defaults, set, refused when backwards.
    let (ok, out) = ceping_in(d, &["handling", "settings"], "");
    assert!(
        ok && out.contains("sub-plans due 2020-05-10; reports 2020-05 to 2020-12"),
        "{out}"
    );
    let (ok, out) = ceping_in(
        d,
        &[
            "handling", "settings", "--first", "2020-01", "--last", "2020-12",
        ],
        "",
    );
    assert!(ok && out.contains("reports 2020-01 to 2020-12"), "{out}");
    let (ok, out) = ceping_in(
        d,
        &[
            "handling", "settings", "--first", "2020-12", "--last", "2020-01",
        ],
        "",
    );
    assert!(!ok, "{out}");
    let (ok, out) = ceping_in(
        d,
        &[
            "handling", "settings", "--first", "2020-13", "--last", "2020-12",
        ],
        "",
    );
    assert!(!ok && out.contains("is not a month"), "{out}");

    // The sample year, the board as JSON on a day, and the sample's removal.
    let (ok, out) = ceping_in(d, &["handling", "sample"], "");
    assert!(ok && out.contains("loaded a sample year"), "{out}");
    let (ok, out) = ceping_in(
        d,
        &["handling", "board", "--day", "2020-12-31", "--json"],
        "",
    );
    assert!(ok, "{out}");
    let board: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(board["tasks"].as_array().unwrap().len(), 14);
    assert_eq!(board["units"][0]["filings"].as_array().unwrap().len(), 12);
    // The board agrees with a recount, unit by unit, on any day of the year.
    for day in ["2020-05-15", "2020-07-01", "2020-12-31"] {
        let (ok, out) = ceping_in(d, &["handling", "check", "--day", day], "");
        assert!(ok, "{out}");
        assert!(
            out.contains(&format!("on {day}: the board agrees with a recount"))
                && out.contains("30 units, 14 tasks"),
            "{out}"
        );
    }
    let (ok, out) = ceping_in(d, &["handling", "sample", "--remove"], "");
    assert!(ok && out.contains("removed the sample year"), "{out}");
    let (ok, out) = ceping_in(d, &["handling", "board"], "");
    assert!(ok && out.contains("no approved indicators"), "{out}");
}

#[tokio::test]
async fn what_has_not_happened_or_been_checked_does_not_count() {
    let pool = seeded_pool().await;
    let unit = approved_unit(&pool).await;
    let plan = handling::approved(&pool, unit.id).await.unwrap().unwrap();
    let codes: Vec<i64> = plan.indicators.iter().map(|(c, _)| *c).collect();
    let tomorrow = ceping::clock::today() + chrono::Days::new(1);

    // A month that has not begun cannot be reported, even when it is a reporting month.
    let this_year = chrono::Datelike::year(&ceping::clock::today());
    let first = Period::new(this_year - 1, 1).unwrap();
    let last = Period::new(this_year + 1, 12).unwrap();
    handling::set_periods(&pool, 1, day("2020-05-10"), first, last, 28, "office")
        .await
        .unwrap();
    let next_year = Period::new(this_year + 1, 1).unwrap();
    let full = report_for(&unit, &codes, &[50.0, 10.0]);
    let before = contents(&pool).await;
    assert!(matches!(
        handling::file_report(&pool, &unit, next_year, &full, "甲").await,
        Err(HandlingError::NotYet(_))
    ));
    assert_eq!(contents(&pool).await, before);

    // A report the office has not reviewed yet counts as filed, but its figures do not count.
    let now = Period::of(ceping::clock::today());
    let id = handling::file_report(&pool, &unit, now, &full, "甲")
        .await
        .unwrap();
    let ledger = handling::ledger(&pool, 1, tomorrow).await.unwrap();
    let ours: Vec<_> = ledger
        .indicators
        .iter()
        .filter(|i| i.unit_id == unit.id)
        .collect();
    assert!(
        ours.iter().all(|i| i.reported.is_none()),
        "unchecked figures counted"
    );
    assert!(
        ledger
            .filings
            .iter()
            .any(|f| f.unit_id == unit.id && f.period == now)
    );
    handling::review_report(&pool, id, true, "", "office")
        .await
        .unwrap();
    let ledger = handling::ledger(&pool, 1, tomorrow).await.unwrap();
    let ours: Vec<_> = ledger
        .indicators
        .iter()
        .filter(|i| i.unit_id == unit.id)
        .collect();
    assert_eq!(ours[0].reported, Some(50.0));

    // A returned report takes no audited value; a reason has a length; figures have a size.
    let other = Period::new(this_year - 1, 3).unwrap();
    let r = handling::file_report(&pool, &unit, other, &full, "甲")
        .await
        .unwrap();
    handling::review_report(&pool, r, false, "不对", "office")
        .await
        .unwrap();
    assert!(matches!(
        handling::set_audited(&pool, r, codes[0], 1.0, "核定", "office").await,
        Err(HandlingError::WrongState(..))
    ));
    let long = "很".repeat(handling::MAX_REASON_CHARS + 1);
    assert!(matches!(
        handling::set_audited(&pool, id, codes[0], 1.0, &long, "office").await,
        Err(HandlingError::Form(_))
    ));
    assert!(matches!(
        handling::set_audited(&pool, id, codes[0], 1e13, "核定", "office").await,
        Err(HandlingError::Form(_))
    ));
    assert_eq!(ceping::handling::subplan::number("1e13"), None);
    assert_eq!(ceping::handling::subplan::day("10000-01-01"), None);
    // Accepted, returned, audited, refused and future rows: the pages' reading of the ledger
    // and the recount unit by unit (`ceping handling check`) agree, today and tomorrow.
    for day in [ceping::clock::today(), tomorrow] {
        let pages = handling::ledger(&pool, unit.plan_id, day).await.unwrap();
        let recount = handling::ledger_by_unit(&pool, unit.plan_id, day)
            .await
            .unwrap();
        let found = ceping::handling::progress::differences(&pages, &recount);
        assert!(found.is_empty(), "{found:?}");
        assert!(pages.indicators.iter().any(|i| i.reported.is_some()));
    }
}
