//! Accounts through the router: sign-in, the session cookie, the growing wait, role checks,
//! expired sessions, sign-out.
#![cfg(feature = "ssr")]

use crate::common;

use common::{Res, TestApp};

use axum::http::header::{self, HeaderName};
use axum::http::{Method, StatusCode};
use ceping::server::repo::account::{self, AccountRole};

async fn login(t: &TestApp, login: &str, password: &str) -> Res {
    let body = format!("login={login}&password={password}&next=%2Fdesk");
    t.post("/login", None, &body).await
}

async fn desk(t: &TestApp, cookie: Option<&str>) -> Res {
    // As a browser asks for a page.
    let accept = [(header::ACCEPT, "text/html,application/xhtml+xml")];
    t.request(Method::GET, "/desk", cookie, &accept, "").await
}

/// "ceping_session=…" from a Set-Cookie header.
fn pair(set_cookie: &str) -> String {
    set_cookie.split(';').next().unwrap().to_string()
}

async fn setup() -> TestApp {
    let t = TestApp::new().await;
    account::create(
        &t.pool,
        "office",
        AccountRole::Office,
        "correct horse battery",
    )
    .await
    .unwrap();
    account::create(
        &t.pool,
        "eval",
        AccountRole::Evaluator,
        "another long secret",
    )
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO round (plan_id, name, state, scale_json, created_at)
         VALUES (1, '2020年度满意度测评', 'open', '{\"levels\":[]}', '2020-12-01T00:00:00Z')",
    )
    .execute(&t.pool)
    .await
    .unwrap();
    sqlx::query("INSERT INTO round_turnout (round_id, ballots) VALUES (1, 7)")
        .execute(&t.pool)
        .await
        .unwrap();
    t
}

#[tokio::test]
async fn sign_in_sets_a_safe_cookie_and_opens_the_desk() {
    let t = setup().await;
    let res = login(&t, "office", "correct%20horse%20battery").await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(res.location.as_deref(), Some("/desk"));
    let set = res.cookie.unwrap();
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Lax") && set.contains("Path=/"),
        "{set}"
    );
    assert!(!set.contains("Secure"), "plain HTTP: no Secure flag");
    // Only the token's hash is stored.
    let token = pair(&set).split('=').nth(1).unwrap().to_string();
    let (stored,): (String,) = sqlx::query_as("SELECT token_hash FROM session")
        .fetch_one(&t.pool)
        .await
        .unwrap();
    assert_ne!(stored, token);

    // An office account must set up a second factor before anything else (tests/two_factor.rs
    // does it through the pages). Set up in another browser, this password-only session ends.
    let res = desk(&t, Some(&pair(&set))).await;
    assert_eq!(res.location.as_deref(), Some("/account/totp?must=1"));
    t.give_totp("office").await;
    let res = desk(&t, Some(&pair(&set))).await;
    assert!(res.location.unwrap().starts_with("/login"));
    let res = desk(&t, Some(&t.passed_session("office").await)).await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.body.contains("领导小组办公室"));
    assert!(res.body.contains("2020年度满意度测评"));
    assert!(
        res.body.contains("7/0"),
        "the office sees turnout: {}",
        res.body
    );
}

#[tokio::test]
async fn behind_a_tls_proxy_the_cookie_is_secure() {
    let t = setup().await;
    let res = t
        .request(
            Method::POST,
            "/login",
            None,
            &[
                (header::CONTENT_TYPE, "application/x-www-form-urlencoded"),
                (HeaderName::from_static("x-forwarded-proto"), "https"),
                (header::ORIGIN, "https://rd.example.cn"),
            ],
            "login=eval&password=another%20long%20secret",
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(res.cookie.unwrap().contains("; Secure"));
}

#[tokio::test]
async fn an_evaluator_sees_the_rounds_but_not_the_turnout() {
    let t = setup().await;
    let set = login(&t, "EVAL", "another%20long%20secret")
        .await
        .cookie
        .unwrap();
    let res = desk(&t, Some(&pair(&set))).await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.body.contains("第三方评估"));
    assert!(res.body.contains("2020年度满意度测评"));
    assert!(!res.body.contains("已投/邀请") && !res.body.contains("7/0"));
}

#[tokio::test]
async fn wrong_passwords_are_refused_and_slow_the_next_try() {
    let t = setup().await;
    let res = login(&t, "office", "wrong").await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    assert!(res.body.contains("账号或密码不正确"));
    assert!(res.cookie.is_none());
    assert_eq!(t.state.signins.failures_of_login("OFFICE"), 1);
    // While the wait lasts (1 s after one failure), even the right password is refused, from a
    // browser that never signed in here; nothing is written to the database.
    let res = login(&t, "office", "correct%20horse%20battery").await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(res.body.contains("秒后再试"));
    assert_eq!(res.headers["retry-after"], "1");
    assert_eq!(t.state.signins.failures_of_login("office"), 1);
    assert_eq!(
        t.state.signins.tally().too_soon,
        1,
        "the refusal is counted apart"
    );
    // Once the wait is over, it works, and the count starts again.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let res = login(&t, "office", "correct%20horse%20battery").await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(t.state.signins.failures_of_login("office"), 0);
    // Unknown logins and empty forms say as little.
    assert_eq!(
        login(&t, "nobody", "whatever12345").await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(login(&t, "", "").await.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn no_session_or_an_expired_one_leads_to_the_sign_in_page() {
    let t = setup().await;
    for cookie in [
        None,
        Some("ceping_session=nonsense"),
        Some(&*format!("ceping_session={}", "ab".repeat(32))),
    ] {
        let res = desk(&t, cookie).await;
        assert!(res.status.is_redirection(), "{:?}: {}", cookie, res.status);
        assert_eq!(res.location.as_deref(), Some("/login?next=/desk"));
    }
    let set = login(&t, "office", "correct%20horse%20battery")
        .await
        .cookie
        .unwrap();
    sqlx::query("UPDATE session SET expires_at = '2000-01-01T00:00:00+00:00'")
        .execute(&t.pool)
        .await
        .unwrap();
    let res = desk(&t, Some(&pair(&set))).await;
    assert!(res.status.is_redirection());
    // The JSON API says 401 instead.
    let res = t.get("/api/desk", None).await;
    assert!(
        res.status.is_redirection() || res.status == StatusCode::UNAUTHORIZED,
        "{}",
        res.status
    );
}

#[tokio::test]
async fn sign_out_ends_the_session() {
    let t = setup().await;
    let set = login(&t, "office", "correct%20horse%20battery")
        .await
        .cookie
        .unwrap();
    // As a browser posts the sign-out form (every post must be a web form).
    let res = t.post("/logout", Some(&pair(&set)), "").await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(res.cookie.unwrap().contains("Max-Age=0"));
    let (sessions,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM session")
        .fetch_one(&t.pool)
        .await
        .unwrap();
    assert_eq!(sessions, 0);
    assert!(desk(&t, Some(&pair(&set))).await.status.is_redirection());
}

#[tokio::test]
async fn only_local_paths_follow_a_sign_in() {
    use ceping::model::nav::safe_next;
    let cases = [
        (Some("/desk"), "/desk"),
        (Some("/plans/1"), "/plans/1"),
        (Some("//evil.example"), "/desk"),
        (Some("https://evil.example"), "/desk"),
        (Some("/\\evil"), "/desk"),
        (None, "/desk"),
    ];
    for (next, want) in cases {
        assert_eq!(safe_next(next), want, "{next:?}");
    }
}

/// A refusal after sign-in is drawn in the staff frame with the visitor's name (the problem
/// middleware looks the session up again); nobody signed in gets no name.
#[tokio::test]
async fn a_staff_refusal_names_who_is_signed_in() {
    let t = TestApp::new().await;
    let eva = t.evaluator("eva-frame").await;
    // The handler's own refusal (an item id that is no item), not the extractor's.
    let round = t.round("署名").await;
    let res = t.get(&format!("/score/{round}/x1"), Some(&eva)).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert!(res.body.contains("没有这一项"), "{}", res.body);
    assert!(res.body.contains("eva-frame"), "{}", res.body);
    let chart = t.get("/results/999/charts/turnout.svg", None).await;
    assert_eq!(chart.status, StatusCode::NOT_FOUND);
    assert!(!chart.body.contains("退出登录"), "{}", chart.body);
}
