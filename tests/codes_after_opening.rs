//! The office cannot vote for others unseen: codes made after a round opened need a reason and
//! are marked (invitations page, audit trail, desk, results, report), and a deputy whose code
//! shows "已提交" without their having voted can say so, counted where the office and the
//! public see it. Tried as the office would try to slip a code past, and as a deputy would.
#![cfg(feature = "ssr")]

use crate::common;

use axum::http::StatusCode;
use ceping::server::repo::invite::{self, InviteError, Invitee, Reissue};
use common::{TestApp, complete_ballot, enc, scalar};

async fn codes_in(t: &TestApp, r: i64) -> i64 {
    scalar(
        &t.pool,
        &format!("SELECT COUNT(*) FROM invitation WHERE round_id = {r}"),
    )
    .await
}

#[tokio::test]
async fn a_code_made_after_opening_needs_a_reason_and_is_marked_everywhere() {
    let t = TestApp::on_file().await;
    let r = t
        .open_round_with_codes(&common::round_settings("补发"), 5)
        .await;
    let before = codes_in(&t, r.id).await;
    // No reason, a blank one, or one too long: refused, nothing stored.
    let long = "长".repeat(invite::MAX_REASON_CHARS + 1);
    for reason in [None, Some("   "), Some(long.as_str())] {
        let prepared = invite::prepare(&[Invitee::default()]);
        let e = invite::issue(&t.pool, r.id, &prepared, reason, "office")
            .await
            .unwrap_err();
        assert!(matches!(e, InviteError::ReasonNeeded(_)), "{e}");
    }
    assert_eq!(codes_in(&t, r.id).await, before);
    // Reissuing needs one too, and a refused reissue leaves the old code as it was.
    let e = invite::revoke(
        &t.pool,
        r.id,
        &r.codes[0],
        Some(Reissue { reason: None }),
        "office",
    )
    .await
    .unwrap_err();
    assert!(matches!(e, InviteError::ReasonNeeded(_)));
    assert_eq!(
        scalar(
            &t.pool,
            &format!(
                "SELECT COUNT(*) FROM invitation WHERE round_id = {} AND revoked = 1",
                r.id
            )
        )
        .await,
        0
    );
    // Codes made before opening carry no mark.
    assert_eq!(
        invite::code_checks(&t.pool, r.id).await.unwrap().late_codes,
        0
    );

    // With reasons: stored and marked.
    let prepared = invite::prepare(&[Invitee {
        label: Some("新增代表".into()),
        delegation: None,
    }]);
    invite::issue(&t.pool, r.id, &prepared, Some("补选代表"), "office")
        .await
        .unwrap();
    invite::revoke(
        &t.pool,
        r.id,
        &r.codes[1],
        Some(Reissue {
            reason: Some("邀请函遗失"),
        }),
        "office",
    )
    .await
    .unwrap();
    // Revoking alone adds no voter and needs no reason.
    invite::revoke(&t.pool, r.id, &r.codes[2], None, "office")
        .await
        .unwrap();
    let checks = invite::code_checks(&t.pool, r.id).await.unwrap();
    assert_eq!((checks.late_codes, checks.used_reports), (2, 0));
    let reasons: Vec<String> = sqlx::query_scalar(
        "SELECT late_reason FROM invitation WHERE late_reason IS NOT NULL ORDER BY id",
    )
    .fetch_all(&t.pool)
    .await
    .unwrap();
    assert_eq!(reasons, ["补选代表", "邀请函遗失"]);
    // The audit trail says so, with the reason.
    let audit: Vec<String> = sqlx::query_scalar(
        "SELECT detail FROM audit_log WHERE action IN ('invite.issue', 'invite.reissue') ORDER BY seq",
    )
    .fetch_all(&t.pool)
    .await
    .unwrap();
    let late: Vec<&String> = audit
        .iter()
        .filter(|d| d.contains("\"after_opening\":true"))
        .collect();
    assert_eq!(late.len(), 2, "{audit:?}");
    assert!(late[0].contains("补选代表") && late[1].contains("邀请函遗失"));

    // The office's pages: the list marks them, the desk counts them.
    let office = t.office("office").await;
    let list = t
        .get(&format!("/desk/rounds/{}/invitations", r.id), Some(&office))
        .await;
    assert!(list.body.contains("开始后发放：补选代表"), "{}", list.body);
    assert!(list.body.contains("开始后发放：邀请函遗失"));
    assert!(list.body.contains("发放理由（测评已开始，必填）"));
    let desk = t
        .get(&format!("/desk/rounds/{}", r.id), Some(&office))
        .await;
    assert!(
        desk.body.contains("测评开始后发放或补发的邀请码 2 个"),
        "{}",
        desk.body
    );

    // The form without a reason: 400, with the rule in Chinese; nothing made.
    let before = codes_in(&t, r.id).await;
    let res = t
        .post(
            &format!("/desk/rounds/{}/invitations", r.id),
            Some(&office),
            "names=&count=3",
        )
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert!(res.body.contains("必须填写理由"), "{}", res.body);
    assert_eq!(codes_in(&t, r.id).await, before);
    let res = t
        .post(
            &format!("/desk/rounds/{}/invitations", r.id),
            Some(&office),
            &format!("names=&count=1&reason={}", enc("现场补领")),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(codes_in(&t, r.id).await, before + 1);

    // After the count, the results and the report print the number.
    for (k, code) in r.codes.iter().enumerate().skip(3) {
        t.vote(code, &complete_ballot(&r.items, &format!("L{k}")))
            .await;
    }
    let more = t.codes_with_reason(r.id, 3, "补足计票人数").await;
    for (k, code) in more.iter().enumerate() {
        t.vote(code, &complete_ballot(&r.items, &format!("M{k}")))
            .await;
    }
    t.count(r.id).await;
    let results = t.get(&format!("/results/{}", r.id), Some(&office)).await;
    assert!(
        results.body.contains("测评开始后发放或补发的邀请码 6 个"),
        "{}",
        results.body
    );
    let report = t
        .get(&format!("/desk/rounds/{}/report", r.id), Some(&office))
        .await;
    assert!(
        report.body.contains("测评开始后发放或补发的邀请码 6 个"),
        "{}",
        report.body
    );
}

#[tokio::test]
async fn the_cli_asks_for_a_reason_once_the_round_is_open() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let ok = |args: &[&str]| {
        let (ok, text) = common::ceping(d, args);
        assert!(ok, "{args:?}: {text}");
        text
    };
    ok(&["plan", "import", common::SEED]);
    ok(&["round", "create", "--name", "补发"]);
    ok(&[
        "tellers",
        "keygen",
        "--round",
        "1",
        "--solo",
        "--out-dir",
        "keys",
    ]);
    ok(&["invite", "--round", "1", "--count", "2", "--out", "a.csv"]);
    ok(&["round", "open", "1"]);
    let (done, text) = common::ceping(
        d,
        &["invite", "--round", "1", "--count", "1", "--out", "b.csv"],
    );
    assert!(!done && text.contains("--reason"), "{text}");
    assert!(!d.join("b.csv").exists(), "no file for refused codes");
    ok(&[
        "invite",
        "--round",
        "1",
        "--count",
        "1",
        "--out",
        "b.csv",
        "--reason",
        "补选代表",
    ]);
    let code = std::fs::read_to_string(d.join("a.csv")).unwrap();
    let code = code
        .lines()
        .nth(1)
        .unwrap()
        .split(',')
        .next()
        .unwrap()
        .to_string();
    let revoke = [
        "invite",
        "revoke",
        "--round",
        "1",
        "--code",
        &code,
        "--reissue",
        "--out",
        "c.csv",
    ];
    let (done, text) = common::ceping(d, &revoke);
    assert!(!done && text.contains("--reason"), "{text}");
    ok(&[&revoke[..], &["--reason", "邀请函遗失"]].concat());
}

#[tokio::test]
async fn a_deputy_whose_code_was_used_by_someone_else_can_report_it() {
    let t = TestApp::on_file().await;
    let r = t
        .open_round_with_codes(&common::round_settings("冒用"), 6)
        .await;
    // Someone else votes with deputy 0's code.
    let res = t.vote(&r.codes[0], &complete_ballot(&r.items, "X")).await;
    assert_eq!(res.status, StatusCode::OK);
    // The deputy opens their link: "已提交", with the way to report it.
    let page = t.get(&format!("/v/{}", r.codes[0].display()), None).await;
    assert_eq!(page.status, StatusCode::CONFLICT);
    assert!(page.body.contains("报告：我没有提交过"), "{}", page.body);
    let report = format!("/v/{}/report", r.codes[0].display());
    let res = t.post(&report, None, "").await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert!(res.body.contains("已记录您的报告"));
    assert!(
        res.body.contains("甲、乙、丙"),
        "names the tellers to tell: {}",
        res.body
    );
    // Twice is one report.
    assert_eq!(t.post(&report, None, "").await.status, StatusCode::OK);
    let checks = invite::code_checks(&t.pool, r.id).await.unwrap();
    assert_eq!(checks.used_reports, 1);
    // Only the day is kept.
    let day: String = sqlx::query_scalar("SELECT reported_on FROM code_report")
        .fetch_one(&t.pool)
        .await
        .unwrap();
    assert_eq!(day.len(), 10, "{day}");
    // An unused code has nothing to report; an unknown one is not found.
    let res = t
        .post(&format!("/v/{}/report", r.codes[1].display()), None, "")
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    let res = t.post("/v/ABCDE-FGHJK-MNPQR-STVWX/report", None, "").await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert_eq!(
        invite::code_checks(&t.pool, r.id)
            .await
            .unwrap()
            .used_reports,
        1
    );
    // The desk counts it.
    let office = t.office("office").await;
    let desk = t
        .get(&format!("/desk/rounds/{}", r.id), Some(&office))
        .await;
    assert!(
        desk.body.contains("代表报告“没有投票却显示已提交” 1 起"),
        "{}",
        desk.body
    );
    assert_eq!(
        scalar(
            &t.pool,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'invite.reported-used'"
        )
        .await,
        1
    );
}
