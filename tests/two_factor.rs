//! Two factors for staff accounts, tried as their holders and as attackers would: an office
//! account must set one up before anything else; enrolment from the QR page's secret; the
//! code after the right password, within one step of skew and once only; recovery codes that
//! work once; forged, expired and borrowed sign-in tokens; guessing throttled; nothing usable
//! stored in the database; the office resetting a lost phone and requiring it of all.
#![cfg(feature = "ssr")]

use crate::common;

use common::{PASSWORD, Res, TestApp, enc};

use axum::http::header::{self, HeaderName};
use axum::http::{Method, StatusCode};
use ceping::server::repo::account::{self, AccountRole};
use ceping::totp;

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// The value of the hidden input `name` in a page.
fn hidden(body: &str, name: &str) -> String {
    let at = format!("name=\"{name}\" value=\"");
    let start = body
        .find(&at)
        .unwrap_or_else(|| panic!("no {name} in {body}"))
        + at.len();
    body[start..].split('"').next().unwrap().to_string()
}

fn session_of(res: &Res) -> Option<String> {
    res.headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .map(|v| v.split(';').next().unwrap().to_string())
        .find(|c| c.starts_with("ceping_session=") && c.len() > "ceping_session=".len())
}

async fn post_form(t: &TestApp, path: &str, cookie: Option<&str>, body: String, addr: &str) -> Res {
    let headers = [
        (header::CONTENT_TYPE, "application/x-www-form-urlencoded"),
        (HeaderName::from_static("x-forwarded-for"), addr),
    ];
    t.request(Method::POST, path, cookie, &headers, body).await
}

async fn password(t: &TestApp, login: &str) -> Res {
    let body = format!("login={login}&password={}&next=%2Fdesk", enc(PASSWORD));
    post_form(t, "/login", None, body, "192.0.2.20").await
}

async fn code(t: &TestApp, pending: &str, code: &str) -> Res {
    let body = format!("pending={}&code={}&next=%2Fdesk", enc(pending), enc(code));
    post_form(t, "/login/code", None, body, "192.0.2.20").await
}

/// Enrols `cookie`'s account through its pages: the secret and the recovery codes shown.
async fn enrol(t: &TestApp, cookie: &str) -> (Vec<u8>, Vec<String>) {
    let page = t.get("/account/totp", Some(cookie)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("<svg"), "a QR code");
    let text = page
        .body
        .split("class=\"totp-secret\">")
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap();
    let secret = totp::parse_secret_text(text).expect("the secret as typed by hand");
    let sealed = hidden(&page.body, "sealed");
    // A wrong code first: refused, and the same secret is offered again.
    let wrong = code_not_of(&secret);
    let form = |code: &str| {
        format!(
            "sealed={}&code={code}&password={}",
            enc(&sealed),
            enc(PASSWORD)
        )
    };
    let res = t.post("/account/totp", Some(cookie), &form(&wrong)).await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST, "{}", res.body);
    assert!(res.body.contains("验证码不正确"));
    assert_eq!(hidden(&res.body, "sealed"), sealed);
    let right = totp::code_at(&secret, totp::step_of(now()));
    let res = t.post("/account/totp", Some(cookie), &form(&right)).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.headers.get(header::CACHE_CONTROL).unwrap(), "no-store");
    let codes: Vec<String> = res
        .body
        .split("<li><code>")
        .skip(1)
        .map(|s| s.split('<').next().unwrap().to_string())
        .collect();
    assert_eq!(codes.len(), totp::RECOVERY_CODES, "{}", res.body);
    (secret, codes)
}

/// A six-digit code that is not right for `secret` within the skew window now.
fn code_not_of(secret: &[u8]) -> String {
    let step = totp::step_of(now());
    let near: Vec<String> = (step - 2..=step + 2)
        .map(|s| totp::code_at(secret, s))
        .collect();
    (0..1_000_000)
        .map(|n| format!("{n:06}"))
        .find(|c| !near.contains(c))
        .unwrap()
}

#[tokio::test]
async fn an_office_account_sets_up_its_second_factor_before_anything_else() {
    let t = TestApp::new().await;
    account::create(&t.pool, "office", AccountRole::Office, PASSWORD)
        .await
        .unwrap();
    // No factor yet: the password opens a session that leads to the set-up page only.
    let res = password(&t, "office").await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let cookie = session_of(&res).expect("a session");
    // The same password in another browser (an attacker's, say) gets such a session too.
    let other = session_of(&password(&t, "office").await).expect("another session");
    for path in ["/desk", "/desk/accounts", "/desk/audit", "/results/1"] {
        let res = t.get(path, Some(&cookie)).await;
        assert_eq!(
            res.location.as_deref(),
            Some("/account/totp?must=1"),
            "{path}"
        );
    }
    let api = t.get("/api/desk", Some(&cookie)).await;
    assert!(!api.status.is_success(), "the JSON API too: {}", api.status);
    let must = t.get("/account/totp?must=1", Some(&cookie)).await;
    assert!(must.body.contains("必须开启两步验证"), "{}", must.body);
    // Setting it up takes the current password, not the session alone.
    let sealed = hidden(&must.body, "sealed");
    let res = t
        .post(
            "/account/totp",
            Some(&cookie),
            &format!(
                "sealed={}&code=123456&password=not-the-password",
                enc(&sealed)
            ),
        )
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert!(res.body.contains("当前密码不正确"), "{}", res.body);
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let (secret, _) = enrol(&t, &cookie).await;
    let res = t.get("/desk", Some(&cookie)).await;
    assert_eq!(res.status, StatusCode::OK, "set up, the desk opens");
    // …and the other browser's password-only session ended with it: it never passed a code.
    let res = t.get("/desk", Some(&other)).await;
    assert!(
        res.location.unwrap().starts_with("/login"),
        "the other session is gone"
    );
    let account = t.get("/account", Some(&cookie)).await;
    assert!(
        account.body.contains("剩余恢复码 10 个"),
        "{}",
        account.body
    );
    assert!(
        !account.body.contains("关闭两步验证"),
        "an office account cannot turn it off"
    );
    let off = t
        .post(
            "/account/totp/off",
            Some(&cookie),
            &format!("password={}&code=123456", enc(PASSWORD)),
        )
        .await;
    assert_eq!(off.status, StatusCode::CONFLICT);
    // The set-up page now says it is on, and a second enrolment from a stale page is refused.
    let again = t.get("/account/totp", Some(&cookie)).await;
    assert_eq!(again.status, StatusCode::SEE_OTHER);
    // What is stored gives nothing away: neither the secret nor a code.
    let stored: (String,) =
        sqlx::query_as("SELECT totp_secret FROM account WHERE login = 'office'")
            .fetch_one(&t.pool)
            .await
            .unwrap();
    assert!(
        !stored
            .0
            .contains(&totp::secret_text(&secret).replace(' ', ""))
    );
    assert!(!stored.0.contains(&hex::encode(&secret)));
    let audit: Vec<(String,)> = sqlx::query_as("SELECT action FROM audit_log ORDER BY seq")
        .fetch_all(&t.pool)
        .await
        .unwrap();
    assert!(audit.iter().any(|(a,)| a == "totp.enable"), "{audit:?}");
}

#[tokio::test]
async fn the_code_comes_after_the_password_within_one_step_and_once_only() {
    let t = TestApp::new().await;
    account::create(&t.pool, "office", AccountRole::Office, PASSWORD)
        .await
        .unwrap();
    let secret = t.give_totp("office").await;
    // The right password alone opens nothing: a page for the code, no session cookie.
    let res = password(&t, "office").await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert!(session_of(&res).is_none(), "no session before the code");
    assert!(res.body.contains("动态验证码"));
    let pending = hidden(&res.body, "pending");
    let step = totp::step_of(now());
    // A code one step late (a phone's clock behind) is accepted…
    let res = code(&t, &pending, &totp::code_at(&secret, step - 1)).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let cookie = session_of(&res).expect("a session");
    assert_eq!(t.get("/desk", Some(&cookie)).await.status, StatusCode::OK);
    // …but never twice, nor an earlier one: a code seen over a shoulder is spent.
    let pending = hidden(&password(&t, "office").await.body, "pending");
    let replay = code(&t, &pending, &totp::code_at(&secret, step - 1)).await;
    assert_eq!(replay.status, StatusCode::UNAUTHORIZED, "{}", replay.body);
    assert!(session_of(&replay).is_none());
    assert!(replay.body.contains("已经用过"));
    // Two steps off is refused (after the wait the failure asks for).
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let far = code(&t, &pending, &totp::code_at(&secret, step + 3)).await;
    assert_eq!(far.status, StatusCode::UNAUTHORIZED);
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    let other = hidden(&password(&t, "office").await.body, "pending");
    let next = code(&t, &pending, &totp::code_at(&secret, step + 1)).await;
    assert_eq!(
        next.status,
        StatusCode::SEE_OTHER,
        "one step ahead: {}",
        next.body
    );
    // A code was accepted since `other` was given: it is spent, whatever code comes with it.
    let spent = code(&t, &other, &totp::code_at(&secret, step + 1)).await;
    assert_eq!(spent.status, StatusCode::UNAUTHORIZED);
    assert!(spent.body.contains("登录已超时"), "{}", spent.body);
}
#[tokio::test]
async fn ten_wrong_codes_close_the_code_step_until_the_password_is_set_again() {
    let t = TestApp::new().await;
    account::create(&t.pool, "office", AccountRole::Office, PASSWORD)
        .await
        .unwrap();
    let secret = t.give_totp("office").await;
    // Nine wrong codes already (their growing waits are tested above and in the throttle's
    // unit tests); the tenth closes the step.
    sqlx::query("UPDATE account SET totp_failures = 9 WHERE login = 'office'")
        .execute(&t.pool)
        .await
        .unwrap();
    let pending = hidden(&password(&t, "office").await.body, "pending");
    let res = code(&t, &pending, &code_not_of(&secret)).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.body);
    assert!(res.body.contains("连续错误次数过多"));
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let right = code(&t, &pending, &totp::code_at(&secret, totp::step_of(now()))).await;
    assert_eq!(right.status, StatusCode::FORBIDDEN, "even the right code");
    let audit: Vec<(String, String)> =
        sqlx::query_as("SELECT action, detail FROM audit_log ORDER BY seq DESC LIMIT 1")
            .fetch_all(&t.pool)
            .await
            .unwrap();
    assert_eq!(audit[0].0, "sign-in.code-failed");
    assert!(audit[0].1.contains(r#""closed":true"#), "{:?}", audit[0]);
    // The office sets a new password: the step opens again.
    let office = t.office("head").await;
    let res = t
        .post(
            "/desk/accounts/office/reset-password",
            Some(&office),
            "password=temporary-pass-9",
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let body = "login=office&password=temporary-pass-9&next=%2Fdesk".to_string();
    let res = post_form(&t, "/login", None, body, "192.0.2.21").await;
    let pending = hidden(&res.body, "pending");
    let step = totp::step_of(now());
    let res = code(&t, &pending, &totp::code_at(&secret, step + 1)).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
}

#[tokio::test]
async fn with_another_audit_key_the_secret_is_unreadable_and_a_recovery_code_still_works() {
    use ceping::server::repo::two_factor;
    use ceping::server::service::audit_key::AuditSigner;
    let t = TestApp::new().await;
    account::create(&t.pool, "office", AccountRole::Office, PASSWORD)
        .await
        .unwrap();
    let who = account::by_login(&t.pool, "office").await.unwrap();
    let secret = totp::new_secret();
    let sealed = totp::seal(&t.state.totp_key, totp::Purpose::Stored, who.id, 0, &secret);
    let recovery = "ABCD-EFGH-JK";
    let hashes = [totp::recovery_hash(recovery)];
    let enabled = two_factor::enable(&t.pool, &who, &sealed, 0, &hashes, None).await;
    assert!(enabled.unwrap());
    // The server now runs with another audit key (the file was lost and made anew).
    let dir = tempfile::tempdir().unwrap();
    let key = ed25519_dalek::SigningKey::from_bytes(&[5; 32]);
    let signer = AuditSigner::new(key, dir.path().join("audit.key.head"));
    let state = t.state.clone().with_audit_key(signer);
    let t = t.with_state(state);
    let pending = hidden(&password(&t, "office").await.body, "pending");
    // (The pending token is sealed with the new key, so it opens.)
    let res = code(&t, &pending, &totp::code_at(&secret, totp::step_of(now()))).await;
    assert_eq!(res.status, StatusCode::SERVICE_UNAVAILABLE, "{}", res.body);
    assert!(res.body.contains("无法读取"), "{}", res.body);
    // Not the holder's doing: no wait, and the recovery code gets in.
    let res = code(&t, &pending, recovery).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
}

#[tokio::test]
async fn the_server_will_not_start_without_the_key_its_second_factors_are_sealed_with() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let pool = common::seeded_file_pool(&d.join("ceping.db")).await;
    let id = account::create(&pool, "office", AccountRole::Office, PASSWORD)
        .await
        .unwrap();
    let who = account::by_login(&pool, "office").await.unwrap();
    let sealed = totp::seal(
        &[1; 32],
        totp::Purpose::Stored,
        id,
        0,
        b"12345678901234567890",
    );
    ceping::server::repo::two_factor::enable(&pool, &who, &sealed, 0, &[], None)
        .await
        .unwrap();
    pool.close().await;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_ceping"))
        .arg("--db")
        .arg(d.join("ceping.db"))
        .args([
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--base-url",
            "https://rd.example.cn",
        ])
        .current_dir(d)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > std::time::Duration::from_secs(30) {
            let _ = child.kill();
            panic!("the server started without the audit key");
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    };
    let mut err = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
    assert!(!status.success());
    assert!(
        err.contains("audit key") && err.contains("reset-totp"),
        "{err}"
    );
    assert!(!d.join("audit.key").exists(), "no new key was made");
}

#[tokio::test]
async fn guessing_codes_is_throttled_and_borrowed_or_forged_tokens_open_nothing() {
    let t = TestApp::new().await;
    account::create(&t.pool, "office", AccountRole::Office, PASSWORD)
        .await
        .unwrap();
    account::create(&t.pool, "other", AccountRole::Office, PASSWORD)
        .await
        .unwrap();
    let secret = t.give_totp("office").await;
    let other = t.give_totp("other").await;
    let pending = hidden(&password(&t, "office").await.body, "pending");
    let wrong = code_not_of(&secret);
    let first = code(&t, &pending, &wrong).await;
    assert_eq!(first.status, StatusCode::UNAUTHORIZED);
    let second = code(&t, &pending, &totp::code_at(&secret, totp::step_of(now()))).await;
    assert_eq!(
        second.status,
        StatusCode::TOO_MANY_REQUESTS,
        "even the right one waits"
    );
    assert!(second.headers.contains_key(header::RETRY_AFTER));
    // Another account's token with this account's id, or a token altered: nothing.
    let theirs = hidden(&password(&t, "other").await.body, "pending");
    let (their_id, sealed) = theirs.split_once(':').unwrap();
    let (my_id, _) = pending.split_once(':').unwrap();
    assert_ne!(their_id, my_id);
    let borrowed = format!("{my_id}:{sealed}");
    let step = totp::step_of(now());
    for token in [
        borrowed,
        format!("{their_id}:{}x", sealed),
        String::new(),
        "1:2".into(),
    ] {
        let res = code(&t, &token, &totp::code_at(&secret, step)).await;
        assert_eq!(res.status, StatusCode::UNAUTHORIZED, "{token}");
        assert!(res.body.contains("登录已超时"), "{token}: {}", res.body);
        assert!(session_of(&res).is_none());
    }
    // The other account's own token and code still work.
    let res = code(&t, &theirs, &totp::code_at(&other, step)).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    // A token past its five minutes: made by hand with the server's key, as the server would.
    let id: i64 = my_id.parse().unwrap();
    let stale = totp::seal(
        &t.state.totp_key,
        totp::Purpose::Pending,
        id,
        now() - 1,
        b"",
    );
    let res = code(&t, &format!("{id}:{stale}"), "123456").await;
    assert!(res.body.contains("登录已超时"));
}

#[tokio::test]
async fn a_recovery_code_signs_in_once_and_the_office_resets_a_lost_phone() {
    let t = TestApp::new().await;
    let office = t.office("head").await;
    let holder = t.evaluator("expert").await;
    // An evaluator may set one up (optional), and turn it off again with the password.
    let (_, codes) = enrol(&t, &holder).await;
    let pending = hidden(&password(&t, "expert").await.body, "pending");
    let typed = codes[3].to_lowercase().replace('-', " ");
    let res = code(&t, &pending, &typed).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let pending = hidden(&password(&t, "expert").await.body, "pending");
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    let again = code(&t, &pending, &codes[3]).await;
    assert_eq!(
        again.status,
        StatusCode::UNAUTHORIZED,
        "a recovery code works once"
    );
    // Recovery codes are not stored as they are.
    let db: Vec<(String,)> = sqlx::query_as("SELECT code_hash FROM recovery_code")
        .fetch_all(&t.pool)
        .await
        .unwrap();
    assert_eq!(db.len(), totp::RECOVERY_CODES);
    for c in &codes {
        assert!(db.iter().all(|(h,)| !h.contains(&c.replace('-', ""))));
    }
    // Turning it off takes the password and a code: a wrong one is refused.
    let off = t
        .post(
            "/account/totp/off",
            Some(&holder),
            &format!("password={}&code=000000", enc(PASSWORD)),
        )
        .await;
    assert_eq!(
        off.status,
        StatusCode::BAD_REQUEST,
        "a wrong code: {}",
        off.body
    );
    let failed: (i64,) = sqlx::query_as("SELECT totp_failures FROM account WHERE login = 'expert'")
        .fetch_one(&t.pool)
        .await
        .unwrap();
    // (The spent recovery code above was the first wrong one in a row.)
    assert_eq!(failed.0, 2, "a wrong code here counts as at sign-in");
    assert!(
        t.get("/account", Some(&holder))
            .await
            .body
            .contains("剩余恢复码 9 个")
    );
    // The office resets the phone: the holder's sessions end, and they sign in with the
    // password alone again (optional for an evaluator).
    let res = t
        .post("/desk/accounts/expert/reset-totp", Some(&office), "")
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert!(res.body.contains("已重置“expert”的两步验证"));
    assert_eq!(
        t.get("/score/1", Some(&holder)).await.status,
        StatusCode::SEE_OTHER
    );
    let res = password(&t, "expert").await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let cookie = session_of(&res).unwrap();
    // Required of all: now the evaluator must set one up before anything else.
    let res = t
        .post("/desk/accounts/require-totp", Some(&office), "all=1")
        .await;
    assert!(
        res.body.contains("现在所有账号都必须开启两步验证"),
        "{}",
        res.body
    );
    let res = t.get("/desk", Some(&cookie)).await;
    assert_eq!(res.location.as_deref(), Some("/account/totp?must=1"));
    let bad = t
        .post("/desk/accounts/require-totp", Some(&office), "all=maybe")
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    let (_, codes) = enrol(&t, &cookie).await;
    let with =
        |password: &str, code: &str| format!("password={}&code={}", enc(password), enc(code));
    let off = t
        .post(
            "/account/totp/off",
            Some(&cookie),
            &with(PASSWORD, &codes[0]),
        )
        .await;
    assert_eq!(
        off.status,
        StatusCode::CONFLICT,
        "required: cannot be turned off"
    );
    t.post("/desk/accounts/require-totp", Some(&office), "all=0")
        .await;
    let off = t
        .post(
            "/account/totp/off",
            Some(&cookie),
            &with("wrong-password", &codes[0]),
        )
        .await;
    assert_eq!(off.status, StatusCode::BAD_REQUEST);
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let off = t
        .post(
            "/account/totp/off",
            Some(&cookie),
            &with(PASSWORD, &codes[0]),
        )
        .await;
    assert_eq!(off.status, StatusCode::SEE_OTHER, "{}", off.body);
    let res = password(&t, "expert").await;
    assert_eq!(
        res.status,
        StatusCode::SEE_OTHER,
        "off again: the password alone"
    );
}
