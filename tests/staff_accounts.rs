//! The account lifecycle through the router and the command line: the office resets a
//! password and the holder must change it; disabling ends sessions and stops sign-ins; one's
//! own sessions listed and ended; idle and absolute lifetimes; each action in the audit trail.
#![cfg(feature = "ssr")]

use crate::common;

use common::{PASSWORD, Res, TestApp, enc};

use axum::http::StatusCode;
use ceping::server::repo::account::{self, AccountError, AccountRole};

/// Signs in through the router as a browser does: the answer and its session cookie pair.
async fn sign_in(t: &TestApp, login: &str, password: &str) -> (Res, Option<String>) {
    let body = format!(
        "login={}&password={}&next=%2Fdesk",
        enc(login),
        enc(password)
    );
    let res = t.post("/login", None, &body).await;
    let cookie = res
        .headers
        .get_all(axum::http::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("ceping_session="))
        .map(|c| c.split(';').next().unwrap().to_string());
    (res, cookie)
}

/// Whether a session cookie still opens the desk.
async fn live(t: &TestApp, cookie: &str) -> bool {
    t.get("/desk", Some(cookie)).await.status == StatusCode::OK
}

async fn actions(t: &TestApp) -> Vec<(String, String, String)> {
    sqlx::query_as("SELECT actor, action, subject FROM audit_log ORDER BY seq")
        .fetch_all(&t.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_reset_password_must_be_changed_before_anything_else() {
    let t = TestApp::new().await;
    let office = t.office("office").await;
    let expert = t.evaluator("expert").await;
    assert!(live(&t, &expert).await);
    let res = t
        .post(
            "/desk/accounts/expert/reset-password",
            Some(&office),
            "password=temporary-pass-1",
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert!(res.body.contains("已重置“expert”的密码"));
    assert!(!live(&t, &expert).await, "the holder's sessions ended");
    // The old password is gone; the temporary one signs in, to the password page only.
    assert_eq!(
        sign_in(&t, "expert", PASSWORD).await.0.status,
        StatusCode::UNAUTHORIZED
    );
    // (The failure makes the next sign-in on the login wait a second.)
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let (res, cookie) = sign_in(&t, "expert", "temporary-pass-1").await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let cookie = cookie.unwrap();
    for path in ["/desk", "/score/1", "/desk/accounts"] {
        let res = t.get(path, Some(&cookie)).await;
        assert_eq!(res.location.as_deref(), Some("/account?must=1"), "{path}");
    }
    assert_eq!(
        t.get("/api/desk", Some(&cookie)).await.status,
        StatusCode::UNAUTHORIZED
    );
    let page = t.get("/account?must=1", Some(&cookie)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("请先设置新密码"), "{}", page.body);
    // Wrong current password, a mismatch, a short one: refused, nothing changed.
    for (body, says) in [
        (
            "current=nope-nope-nope&new=brand-new-pass&confirm=brand-new-pass",
            "当前密码不正确",
        ),
        (
            "current=temporary-pass-1&new=brand-new-pass&confirm=brand-new-pasz",
            "不一致",
        ),
        (
            "current=temporary-pass-1&new=short&confirm=short",
            "至少需要",
        ),
    ] {
        let res = t.post("/account/password", Some(&cookie), body).await;
        assert!(res.status.is_client_error(), "{body}: {}", res.status);
        assert!(res.body.contains(says), "{body}: {}", res.body);
        // A wrong current password is throttled like a sign-in: wait it out.
        tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    }
    let res = t
        .post(
            "/account/password",
            Some(&cookie),
            "current=temporary-pass-1&new=brand-new-pass&confirm=brand-new-pass",
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert!(
        live(&t, &cookie).await,
        "this session goes on, now unrestricted"
    );
    assert_eq!(
        sign_in(&t, "expert", "brand-new-pass").await.0.status,
        StatusCode::SEE_OTHER
    );
    let trail = actions(&t).await;
    assert!(trail.contains(&(
        "office".into(),
        "account.reset-password".into(),
        "expert".into()
    )));
    assert!(trail.contains(&(
        "expert".into(),
        "account.change-password".into(),
        "expert".into()
    )));
}

#[tokio::test]
async fn a_disabled_account_cannot_sign_in_and_its_sessions_end() {
    let t = TestApp::new().await;
    let office = t.office("office").await;
    let expert = t.evaluator("expert").await;
    let res = t
        .post("/desk/accounts/expert/disable", Some(&office), "")
        .await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(!live(&t, &expert).await);
    // Only whoever knows the password learns that it is disabled.
    let (res, cookie) = sign_in(&t, "expert", PASSWORD).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert!(res.body.contains("已停用"));
    assert!(cookie.is_none());
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let (res, _) = sign_in(&t, "expert", "wrong password").await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    assert!(!res.body.contains("已停用"));
    // Not oneself, and not the last office account.
    let res = t
        .post("/desk/accounts/office/disable", Some(&office), "")
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert!(live(&t, &office).await);
    assert!(matches!(
        account::set_disabled(&t.pool, "office", true, "test").await,
        Err(AccountError::LastOffice)
    ));
    // Enabled again, the account signs in (after the failure's wait).
    let res = t
        .post("/desk/accounts/expert/enable", Some(&office), "")
        .await;
    assert_eq!(res.status, StatusCode::OK);
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    assert_eq!(
        sign_in(&t, "expert", PASSWORD).await.0.status,
        StatusCode::SEE_OTHER
    );
    let trail = actions(&t).await;
    for action in ["account.disable", "account.enable"] {
        assert!(
            trail.contains(&("office".into(), action.into(), "expert".into())),
            "{action}"
        );
    }
    // Unknown accounts are a 404.
    let res = t
        .post("/desk/accounts/nobody/disable", Some(&office), "")
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_holder_sees_their_sessions_and_ends_them() {
    let t = TestApp::new().await;
    account::create(&t.pool, "expert", AccountRole::Evaluator, PASSWORD)
        .await
        .unwrap();
    let (_, phone) = sign_in(&t, "expert", PASSWORD).await;
    let (_, laptop) = sign_in(&t, "expert", PASSWORD).await;
    let (phone, laptop) = (phone.unwrap(), laptop.unwrap());
    let page = t.get("/account", Some(&laptop)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.body.matches("本次会话").count(), 1);
    assert_eq!(
        page.body.matches("name=\"session\"").count(),
        1,
        "one other"
    );
    let handle = page
        .body
        .split("name=\"session\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    // Another account cannot end it, by handle or otherwise.
    let other = t.evaluator("other").await;
    let res = t
        .post(
            "/account/sessions/end",
            Some(&other),
            &format!("session={handle}"),
        )
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert!(live(&t, &phone).await);
    let res = t
        .post(
            "/account/sessions/end",
            Some(&laptop),
            &format!("session={handle}"),
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(!live(&t, &phone).await);
    assert!(live(&t, &laptop).await);
    // End all others: two more browsers, then only this one is left.
    let (_, a) = sign_in(&t, "expert", PASSWORD).await;
    let (_, b) = sign_in(&t, "expert", PASSWORD).await;
    let res = t
        .post("/account/sessions/end-others", Some(&laptop), "")
        .await;
    assert_eq!(res.location.as_deref(), Some("/account?ended=2"));
    assert!(!live(&t, &a.unwrap()).await && !live(&t, &b.unwrap()).await);
    assert!(live(&t, &laptop).await);
    assert!(
        actions(&t)
            .await
            .iter()
            .any(|(who, action, _)| who == "expert" && action == "session.end-all")
    );
}

#[tokio::test]
async fn sessions_end_when_idle_or_old() {
    let t = TestApp::new().await;
    let idle = t.evaluator("idle").await;
    let old = t.evaluator("old").await;
    let fresh = t.evaluator("fresh").await;
    let ago = |mins: i64| (chrono::Utc::now() - chrono::Duration::minutes(mins)).to_rfc3339();
    sqlx::query(
        "UPDATE session SET last_seen_at = ? WHERE account_id = (SELECT id FROM account WHERE login = 'idle')",
    )
    .bind(ago(account::IDLE_MINUTES + 1))
    .execute(&t.pool)
    .await
    .unwrap();
    sqlx::query(
        "UPDATE session SET expires_at = ? WHERE account_id = (SELECT id FROM account WHERE login = 'old')",
    )
    .bind(ago(1))
    .execute(&t.pool)
    .await
    .unwrap();
    assert!(!live(&t, &idle).await, "idle too long");
    assert!(!live(&t, &old).await, "past its lifetime");
    assert!(live(&t, &fresh).await);
    // Using a session keeps it alive: its last use moves on.
    sqlx::query(
        "UPDATE session SET last_seen_at = ? WHERE account_id = (SELECT id FROM account WHERE login = 'fresh')",
    )
    .bind(ago(account::IDLE_MINUTES - 5))
    .execute(&t.pool)
    .await
    .unwrap();
    assert!(live(&t, &fresh).await);
    let (seen,): (String,) = sqlx::query_as(
        "SELECT last_seen_at FROM session WHERE account_id = (SELECT id FROM account WHERE login = 'fresh')",
    )
    .fetch_one(&t.pool)
    .await
    .unwrap();
    assert!(seen > ago(1), "{seen}");
}

#[tokio::test]
async fn the_office_creates_an_account_whose_holder_picks_the_password() {
    let t = TestApp::new().await;
    let office = t.office("office").await;
    let res = t
        .post(
            "/desk/accounts",
            Some(&office),
            "login=expert2&role=evaluator&password=first-password-1",
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert!(res.body.contains("已新建账号“expert2”"));
    let (_, cookie) = sign_in(&t, "expert2", "first-password-1").await;
    let res = t.get("/desk", Some(&cookie.unwrap())).await;
    assert_eq!(res.location.as_deref(), Some("/account?must=1"));
    for (body, status) in [
        (
            "login=expert2&role=evaluator&password=first-password-1",
            StatusCode::CONFLICT,
        ),
        (
            "login=bad login&role=evaluator&password=first-password-1",
            StatusCode::BAD_REQUEST,
        ),
        (
            "login=x&role=boss&password=first-password-1",
            StatusCode::BAD_REQUEST,
        ),
        (
            "login=y&role=office&password=short",
            StatusCode::BAD_REQUEST,
        ),
    ] {
        let res = t.post("/desk/accounts", Some(&office), body).await;
        assert_eq!(res.status, status, "{body}");
    }
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM account")
        .fetch_one(&t.pool)
        .await
        .unwrap();
    assert_eq!(n, 2);
}

#[tokio::test]
async fn the_command_line_runs_the_same_lifecycle() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let pool = common::seeded_file_pool(&d.join("ceping.db")).await;
    account::create(&pool, "office", AccountRole::Office, PASSWORD)
        .await
        .unwrap();
    account::create(&pool, "expert", AccountRole::Evaluator, PASSWORD)
        .await
        .unwrap();
    let token = account::open_session(&pool, 2).await.unwrap();
    pool.close().await;
    let ok = |args: &[&str]| {
        let (ok, text) = common::ceping(d, args);
        assert!(ok, "{args:?}: {text}");
        text
    };
    assert!(ok(&["user", "list"]).contains("expert\tevaluator\tactive\tpassword only\t1 sessions"));
    // Second factors: required of the office only, then of all; a reset with none to reset.
    assert!(ok(&["user", "require-totp"]).contains("required of office accounts"));
    assert!(ok(&["user", "require-totp", "all"]).contains("required of every account"));
    assert!(ok(&["user", "require-totp", "office"]).contains("required of office accounts"));
    assert!(ok(&["user", "reset-totp", "--login", "expert"]).contains("has no second factor"));
    assert!(ok(&["user", "end-sessions", "--login", "expert"]).contains("ended 1 sessions"));
    ok(&["user", "disable", "--login", "expert"]);
    assert!(ok(&["user", "list"]).contains("expert\tevaluator\tdisabled since"));
    ok(&["user", "enable", "--login", "expert"]);
    let (done, text) = common::ceping(d, &["user", "disable", "--login", "office"]);
    assert!(!done && text.contains("last office account"), "{text}");
    let (done, text) = common::ceping(d, &["user", "disable", "--login", "nobody"]);
    assert!(
        !done && text.contains("no account has this login"),
        "{text}"
    );
    let pool = common::seeded_file_pool(&d.join("ceping.db")).await;
    assert_eq!(account::from_session(&pool, &token).await.unwrap(), None);
    let trail: Vec<(String,)> =
        sqlx::query_as("SELECT action FROM audit_log WHERE subject = 'expert' ORDER BY seq")
            .fetch_all(&pool)
            .await
            .unwrap();
    let trail: Vec<&str> = trail.iter().map(|(a,)| a.as_str()).collect();
    assert_eq!(
        trail,
        ["session.end-all", "account.disable", "account.enable"]
    );
}
