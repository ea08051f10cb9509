//! What the people around a ballot cannot do, tried the way they would try it: a receipt
//! shown to a coercer opens nothing with another code; a round takes nothing after its stated
//! closing time and closes itself; the files the server writes are readable by their owner
//! only. (That no log line carries a code is `tests/logs.rs`, alone in its binary.)

use crate::common;

use axum::http::StatusCode;
use ceping::server::repo::round::{self, NewRound};
use ceping::server::service::closer;
use common::{SEED, TestApp, ceping, complete_ballot, receipt_of, scalar};

#[tokio::test]
async fn a_receipt_opens_its_ballot_only_with_its_own_code() {
    let t = TestApp::on_file().await;
    let r = t
        .open_round_with_codes(&common::round_settings("2020年度满意度测评"), 3)
        .await;
    let (a, b, c) = (&r.codes[0], &r.codes[1], &r.codes[2]);
    let res = t.vote(a, &complete_ballot(&r.items, "ka")).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let receipt = receipt_of(&res.body);
    // B has voted too; C has not.
    assert_eq!(
        t.vote(b, &complete_ballot(&r.items, "kb")).await.status,
        StatusCode::OK
    );
    let sealed = || async {
        sqlx::query_scalar::<_, Vec<u8>>("SELECT cells FROM ballot ORDER BY id")
            .fetch_all(&t.pool)
            .await
            .unwrap()
    };
    let sealed_before = sealed().await;

    // A's own code and receipt open A's ballot for revision.
    let own = t
        .post(
            &format!("/v/{}/revise", a.display()),
            None,
            &format!("receipt={receipt}"),
        )
        .await;
    assert_eq!(own.status, StatusCode::OK, "{}", own.body);
    assert!(own.body.contains("修改测评"));

    // Another deputy's code with A's receipt opens nothing, used or unused.
    for other in [b, c] {
        let res = t
            .post(
                &format!("/v/{}/revise", other.display()),
                None,
                &format!("receipt={receipt}"),
            )
            .await;
        assert_ne!(res.status, StatusCode::OK, "{}", res.body);
        assert!(!res.body.contains("修改测评"), "{}", res.body);
    }
    // Nor can it change A's ballot: a revision posted under B's code is refused.
    let revision = complete_ballot(&r.items, "kx")
        .replace("action=submit", &format!("action=submit&receipt={receipt}"));
    let res = t.vote(b, &revision).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.body);
    assert_eq!(scalar(&t.pool, "SELECT COUNT(*) FROM ballot").await, 2);
    assert_eq!(sealed().await, sealed_before);
}

#[tokio::test]
async fn a_round_takes_nothing_after_its_closing_time_and_closes_itself() {
    let t = TestApp::on_file().await;
    // A round whose closing time comes while it is open (the stored time is moved back, as the
    // clock would move forward).
    let soon = NewRound {
        closes_at: Some("2999-12-20T12:00:00+08:00".into()),
        ..common::round_settings("已过结束时间")
    };
    let r = t.open_round_with_codes(&soon, 1).await;
    sqlx::query("UPDATE round SET closes_at = '2020-12-20T12:00:00+08:00' WHERE id = ?")
        .bind(r.id)
        .execute(&t.pool)
        .await
        .unwrap();
    let code = &r.codes[0];
    // The link and a post both answer 410 although the round is still marked open.
    assert_eq!(
        round::get(&t.pool, r.id).await.unwrap().state,
        round::RoundState::Open
    );
    let page = t.get(&format!("/v/{}", code.display()), None).await;
    assert_eq!(page.status, StatusCode::GONE, "{}", page.body);
    let res = t.vote(code, &complete_ballot(&r.items, "k")).await;
    assert_eq!(res.status, StatusCode::GONE, "{}", res.body);
    assert_eq!(scalar(&t.pool, "SELECT COUNT(*) FROM ballot").await, 0);
    assert_eq!(
        scalar(&t.pool, "SELECT COUNT(*) FROM invitation WHERE used = 1").await,
        0
    );

    // A round whose time has not come keeps taking ballots and is not closed.
    let later = NewRound {
        closes_at: Some("2999-12-20T12:00:00+08:00".into()),
        ..common::round_settings("尚未结束")
    };
    let open = t.open_round_with_codes(&later, 1).await;
    let res = t
        .vote(&open.codes[0], &complete_ballot(&open.items, "k2"))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);

    // The closer closes exactly the round that is due, as the clock, in the audit trail.
    assert_eq!(closer::close_due(&t.pool).await.unwrap(), vec![r.id]);
    assert_eq!(
        round::get(&t.pool, r.id).await.unwrap().state,
        round::RoundState::Closed
    );
    assert_eq!(
        round::get(&t.pool, open.id).await.unwrap().state,
        round::RoundState::Open
    );
    let recorded = scalar(
        &t.pool,
        &format!(
            "SELECT COUNT(*) FROM audit_log WHERE actor = 'clock' AND action = 'round.close' AND subject = 'round {}'",
            r.id
        ),
    )
    .await;
    assert_eq!(recorded, 1);
    // Twice is once.
    assert!(closer::close_due(&t.pool).await.unwrap().is_empty());

    // Once its closing time has passed, a round cannot be opened again (the clock would close
    // it within seconds, and it would take nothing meanwhile), nor made with such a time.
    let reopened =
        round::transition(&t.pool, r.id, round::RoundAction::Reopen, "office", None).await;
    assert!(
        matches!(reopened, Err(round::RoundError::PastClosing(_))),
        "{reopened:?}"
    );
    assert_eq!(
        round::get(&t.pool, r.id).await.unwrap().state,
        round::RoundState::Closed
    );
    let late = NewRound {
        closes_at: Some("2020-12-20T12:00:00+08:00".into()),
        ..common::round_settings("结束时间已过")
    };
    assert!(round::create(&t.pool, &late, "office").await.is_err());
    let office = t.office("office2").await;
    let form = format!(
        "name={}&opens=&closes=2020-12-20T12%3A00&items=both&scale=three",
        common::enc("结束时间已过")
    );
    let res = t.post("/desk/rounds", Some(&office), &form).await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert!(res.body.contains("结束时间已过"), "{}", res.body);
}

#[test]
fn the_command_line_withholds_what_the_pages_withhold() {
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| ceping(dir.path(), args);
    for args in [
        &["plan", "import", SEED][..],
        &["round", "create", "--name", "命令行"],
        &[
            "invite",
            "--round",
            "1",
            "--count",
            "2",
            "--out",
            "codes.csv",
        ],
        &[
            "tellers",
            "keygen",
            "--round",
            "1",
            "--solo",
            "--out-dir",
            "keys",
        ],
        &["round", "open", "1"],
    ] {
        let (ok, text) = run(args);
        assert!(ok, "{args:?}: {text}");
    }
    // While the round is open, and once closed until the tellers have counted: no per-item
    // figure, no export, and no file left behind.
    let withheld = |run: &dyn Fn(&[&str]) -> (bool, String)| {
        let (ok, text) = run(&["round", "results", "1"]);
        assert!(!ok && text.contains("results exist only once"), "{text}");
        let (ok, text) = run(&["round", "results", "1", "--json"]);
        assert!(!ok && !text.contains("satisfaction_rate"), "{text}");
        for (format, table) in [("xlsx", "results"), ("csv", "results"), ("csv", "comments")] {
            let out = format!("early.{format}.{table}");
            let (ok, text) = run(&[
                "export", "--round", "1", "--format", format, "--table", table, "--out", &out,
            ]);
            assert!(!ok && text.contains("not counted"), "{text}");
            assert!(!dir.path().join(&out).exists());
        }
    };
    withheld(&run);
    // Publishing early is gone, with its reason.
    let (ok, text) = run(&["round", "configure", "1", "--publish", "on"]);
    assert!(!ok && text.contains("--publish is gone"), "{text}");
    assert!(run(&["round", "close", "1"]).0);
    withheld(&run);
    // One teller's share is not enough; the count waits, and says so.
    let (ok, text) = run(&["round", "count", "1", "--key", "keys/teller-1.json"]);
    assert!(ok && text.contains("1 of 2 tellers have posted"), "{text}");
    withheld(&run);
    // The second opens it; a counted round cannot reopen, and no export holds a ballot.
    let (ok, text) = run(&["round", "count", "1", "--key", "keys/teller-3.json"]);
    assert!(ok && text.contains("counted 0 sealed ballots"), "{text}");
    let (ok, text) = run(&["round", "reopen", "1"]);
    assert!(!ok && text.contains("has been counted"), "{text}");
    let (ok, text) = run(&[
        "export", "--round", "1", "--format", "csv", "--table", "ballots", "--out", "b.csv",
    ]);
    assert!(!ok && text.contains("ballots are sealed"), "{text}");
    let (ok, text) = run(&["round", "verify", "1"]);
    assert!(ok && text.contains("the count verifies"), "{text}");
    // The public record, checked with no database at all.
    let (ok, text) = run(&["round", "record", "1", "--out", "record.json"]);
    assert!(ok, "{text}");
    let (ok, text) = ceping(
        tempfile::tempdir().unwrap().path(),
        &[
            "round",
            "verify",
            "--record",
            &dir.path().join("record.json").to_string_lossy(),
        ],
    );
    assert!(ok && text.contains("verifies: 0 sealed ballots"), "{text}");
    let (ok, text) = run(&["round", "results", "1"]);
    assert!(ok && text.contains("ballots of"), "{text}");
    let (ok, text) = run(&[
        "export",
        "--round",
        "1",
        "--format",
        "xlsx",
        "--out",
        "closed.xlsx",
    ]);
    assert!(ok, "{text}");
}

#[cfg(unix)]
#[test]
fn what_the_server_writes_is_for_its_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ceping.db");
    let ceping = |args: &[&str]| {
        let (ok, text) = ceping(dir.path(), args);
        assert!(ok, "{args:?}: {text}");
    };
    ceping(&["plan", "import", SEED]);
    ceping(&["round", "create", "--name", "权限"]);
    ceping(&[
        "invite",
        "--round",
        "1",
        "--count",
        "3",
        "--out",
        "codes.csv",
    ]);
    ceping(&[
        "tellers",
        "keygen",
        "--round",
        "1",
        "--solo",
        "--out-dir",
        "keys",
    ]);
    ceping(&["round", "open", "1"]);
    ceping(&["round", "close", "1"]);
    ceping(&[
        "round",
        "count",
        "1",
        "--key",
        "keys/teller-1.json",
        "--key",
        "keys/teller-2.json",
    ]);
    ceping(&[
        "export",
        "--round",
        "1",
        "--format",
        "xlsx",
        "--out",
        "export.xlsx",
    ]);
    ceping(&["backup", "backup.db"]);
    let mut checked = 0;
    for name in [
        "ceping.db",
        "ceping.db-wal",
        "ceping.db-shm",
        "codes.csv",
        "export.xlsx",
        "backup.db",
    ] {
        let path = dir.path().join(name);
        let Ok(meta) = std::fs::metadata(&path) else {
            assert!(
                name.ends_with("-wal") || name.ends_with("-shm"),
                "{name} missing"
            );
            continue;
        };
        let mode = meta.permissions().mode() & 0o777;
        assert_eq!(mode & 0o077, 0, "{name} is readable by others: {mode:o}");
        checked += 1;
    }
    assert!(checked >= 4);

    // A database made before this rule is narrowed when it is opened.
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o644)).unwrap();
    ceping(&["round", "list"]);
    let mode = std::fs::metadata(&db).unwrap().permissions().mode() & 0o777;
    assert_eq!(
        mode & 0o077,
        0,
        "an old database stays readable by others: {mode:o}"
    );
}

#[test]
fn a_reissue_that_cannot_write_its_file_revokes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| ceping(dir.path(), args);
    for args in [
        &["plan", "import", SEED][..],
        &["round", "create", "--name", "补发"],
        &[
            "invite",
            "--round",
            "1",
            "--count",
            "1",
            "--out",
            "codes.csv",
        ],
    ] {
        let (ok, text) = run(args);
        assert!(ok, "{args:?}: {text}");
    }
    let csv = std::fs::read_to_string(dir.path().join("codes.csv")).unwrap();
    let code = csv
        .lines()
        .nth(1)
        .unwrap()
        .split(',')
        .next()
        .unwrap()
        .to_string();
    // The new code's file would replace one that is there: refused before anything changes.
    std::fs::write(dir.path().join("taken.csv"), "someone else's file").unwrap();
    let (ok, text) = run(&[
        "invite",
        "revoke",
        "--round",
        "1",
        "--code",
        &code,
        "--reissue",
        "--out",
        "taken.csv",
    ]);
    assert!(!ok && text.contains("must not exist"), "{text}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("taken.csv")).unwrap(),
        "someone else's file"
    );
    // The code was not revoked: revoking it now works, once, and the new file holds a code.
    let (ok, text) = run(&[
        "invite",
        "revoke",
        "--round",
        "1",
        "--code",
        &code,
        "--reissue",
        "--out",
        "new.csv",
    ]);
    assert!(ok, "{text}");
    let fresh = std::fs::read_to_string(dir.path().join("new.csv")).unwrap();
    assert_eq!(fresh.lines().count(), 2, "{fresh}");
    let (ok, text) = run(&["invite", "revoke", "--round", "1", "--code", &code]);
    assert!(!ok, "revoked twice: {text}");
}
