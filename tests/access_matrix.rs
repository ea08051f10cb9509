//! The access matrix: every page, action and server function of the app, tried by every kind
//! of visitor — nobody signed in, an evaluator, the office — as a table test through the router.
//!
//! Deputies have no account: their invitation code in the URL is what lets them in, so the
//! ballot rows are tried by all three visitors with a valid, a used, a revoked and an unknown
//! code. Each (row, visitor) runs on its own copy of one prepared database, so an action that
//! succeeds for one visitor cannot change what the next one meets; and whenever the answer is
//! a refusal (a 4xx, or a 303 to the sign-in page), the whole database must be unchanged,
//! byte for byte as SQL sees it.
#![cfg(feature = "ssr")]

use crate::common;

use common::{TestApp, complete_ballot, enc, round_settings};

use axum::http::{StatusCode, header};
use ceping::server::db;
use ceping::server::repo::invite;
use sqlx::SqlitePool;
use std::path::Path;

/// What the rows refer to, in the prepared database.
struct Fixture {
    /// Session cookies, valid in every copy.
    evaluator: String,
    office: String,
    /// An open round, a closed round (with ballots) and a draft round.
    open: i64,
    closed: i64,
    draft: i64,
    /// Codes of the open round: not yet used, used, revoked.
    free: String,
    used: String,
    revoked: String,
    /// An invitation id of the open round (for revoking).
    invitation: i64,
    /// The open round's first item (a task) and a complete ballot for it.
    item: String,
    ballot: String,
    /// A unit that is an item of the closed round.
    unit: i64,
    /// Teller 1's page token, of the open round and of the closed (counted) round.
    teller_open: String,
    teller_closed: String,
}

/// The prepared database, a file kept open: each row gets a consistent copy of it (`VACUUM
/// INTO`).
async fn fixture() -> (TestApp, Fixture) {
    let t = TestApp::on_file().await;
    let evaluator = t.evaluator("expert").await;
    let office = t.office("office").await;

    // The closed round: two ballots cast through the router, then closed.
    let closed = t
        .open_round_with_codes(&round_settings("2019年度满意度测评"), 2)
        .await;
    for (k, code) in closed.codes.iter().enumerate() {
        let ballot = complete_ballot(&closed.items, &format!("CLOSED{k}"));
        let res = t.vote(code, &ballot).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    }
    t.count(closed.id).await;
    let unit: i64 = closed
        .items
        .iter()
        .find_map(|i| i.strip_prefix('u'))
        .unwrap()
        .parse()
        .unwrap();

    // The open round: three codes, one used, one revoked.
    let open = t
        .open_round_with_codes(&round_settings("2020年度满意度测评"), 3)
        .await;
    let (codes, items) = (&open.codes, &open.items);
    let res = t.vote(&codes[1], &complete_ballot(items, "USED1")).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    invite::revoke(&t.pool, open.id, &codes[2], None, "test")
        .await
        .unwrap();
    let invitation = invite::list(&t.pool, open.id).await.unwrap()[0].id;

    let draft = t.round("2021年度满意度测评").await;
    let secret = t.state.teller_key.clone();
    let token = |round: i64| {
        let (t, secret) = (t.clone(), secret.clone());
        async move {
            let board = ceping::server::repo::tellers::get(&t.pool, round)
                .await
                .unwrap()
                .unwrap()
                .board;
            ceping::server::service::teller_link::token(&secret[..], &board.context, 0)
        }
    };
    let (teller_open, teller_closed) = (token(open.id).await, token(closed.id).await);

    let fixture = Fixture {
        evaluator,
        office,
        open: open.id,
        closed: closed.id,
        draft,
        free: codes[0].display(),
        used: codes[1].display(),
        revoked: codes[2].display(),
        invitation,
        item: items[0].clone(),
        ballot: complete_ballot(items, "MATRIX1"),
        unit,
        teller_open,
        teller_closed,
    };
    (t, fixture)
}

#[derive(Clone, Copy, Debug)]
enum Visitor {
    Nobody,
    Evaluator,
    Office,
}

const VISITORS: [Visitor; 3] = [Visitor::Nobody, Visitor::Evaluator, Visitor::Office];

/// One row: a request and the status each visitor gets, in the order of `VISITORS`.
struct Row {
    method: &'static str,
    path: String,
    body: String,
    expect: [u16; 3],
}

fn row(method: &'static str, path: impl Into<String>, body: &str, expect: [u16; 3]) -> Row {
    Row {
        method,
        path: path.into(),
        body: body.to_string(),
        expect,
    }
}

fn rows(f: &Fixture) -> Vec<Row> {
    let (open, closed, draft) = (f.open, f.closed, f.draft);
    let (item, unit, inv) = (&f.item, f.unit, f.invitation);
    let plan_text = enc(include_str!("../seed/wuhan-2020-proposal-3.txt"));
    // Statuses: 200 ok, 303 sent on (to the sign-in page for nobody; after a form post
    // otherwise), 401/403 refused, 404 unknown, 409 not now (round state), 410 round closed.
    vec![
        // The plan, public.
        row("GET", "/", "", [200, 200, 200]),
        row("GET", "/plans/1", "", [200, 200, 200]),
        row("GET", "/plans/1/tasks", "", [200, 200, 200]),
        row("GET", "/plans/1/units", "", [200, 200, 200]),
        row("GET", "/plans/1/group", "", [200, 200, 200]),
        row("GET", "/tasks/1", "", [200, 200, 200]),
        row("GET", format!("/units/{unit}"), "", [200, 200, 200]),
        row("GET", "/plans/99", "", [404, 404, 404]),
        row("GET", "/tasks/999", "", [404, 404, 404]),
        row("GET", "/healthz", "", [200, 200, 200]),
        // Server functions (the JSON API).
        row("GET", "/api/plan/overview?plan=1", "", [200, 200, 200]),
        row("GET", "/api/plan/tasks?plan=1", "", [200, 200, 200]),
        row("GET", "/api/plan/task?id=1", "", [200, 200, 200]),
        row("GET", "/api/plan/units?plan=1", "", [200, 200, 200]),
        row(
            "GET",
            format!("/api/plan/unit?id={unit}"),
            "",
            [200, 200, 200],
        ),
        row("GET", "/api/plan/group?plan=1", "", [200, 200, 200]),
        row("GET", "/api/plan/task?id=999", "", [404, 404, 404]),
        row("GET", "/api/desk", "", [401, 200, 200]),
        row(
            "GET",
            format!("/api/ballot/open?code={}", f.free),
            "",
            [200, 200, 200],
        ),
        row(
            "GET",
            format!("/api/ballot/open?code={}", f.used),
            "",
            [409, 409, 409],
        ),
        // The deputies' ballot: the code is the key, whoever holds it.
        row("GET", format!("/v/{}", f.free), "", [200, 200, 200]),
        row("GET", format!("/v/{}", f.used), "", [409, 409, 409]),
        row("GET", format!("/v/{}", f.revoked), "", [403, 403, 403]),
        row("GET", "/v/ABCDE-FGHJK-MNPQR-STVWX", "", [404, 404, 404]),
        // A cast ballot is answered 303 to its confirmation (repeats of the same form alike).
        row("POST", format!("/v/{}", f.free), &f.ballot, [303, 303, 303]),
        // The confirmation shows only with the notice its post left; a used code without one
        // gets "测评已收到" (no receipt).
        row("GET", format!("/v/{}/done", f.used), "", [200, 200, 200]),
        row("GET", format!("/v/{}/done", f.revoked), "", [403, 403, 403]),
        row(
            "GET",
            "/v/ABCDE-FGHJK-MNPQR-STVWX/done",
            "",
            [404, 404, 404],
        ),
        // Typing a code: a well-formed one goes to its page (where it is checked).
        row("GET", "/v", "", [200, 200, 200]),
        row("POST", "/v", "code=abc", [400, 400, 400]),
        row("POST", "/v", &format!("code={}", f.free), [303, 303, 303]),
        row("POST", format!("/v/{}", f.used), &f.ballot, [409, 409, 409]),
        row(
            "POST",
            format!("/v/{}", f.revoked),
            &f.ballot,
            [403, 403, 403],
        ),
        row(
            "POST",
            "/v/ABCDE-FGHJK-MNPQR-STVWX",
            &f.ballot,
            [404, 404, 404],
        ),
        row(
            "POST",
            format!("/v/{}/revise", f.used),
            "receipt=x",
            [400, 400, 400],
        ),
        // A deputy reports a code used by someone else: only a used code has anything to report.
        row("POST", format!("/v/{}/report", f.used), "", [200, 200, 200]),
        row("POST", format!("/v/{}/report", f.free), "", [409, 409, 409]),
        row(
            "POST",
            format!("/v/{}/report", f.revoked),
            "",
            [403, 403, 403],
        ),
        row(
            "POST",
            "/v/ABCDE-FGHJK-MNPQR-STVWX/report",
            "",
            [404, 404, 404],
        ),
        // The tellers' pages: anyone may read them; only the teller's token posts.
        row("GET", format!("/teller/{open}/1"), "", [200, 200, 200]),
        row(
            "GET",
            format!("/teller/{open}/1/board"),
            "",
            [200, 200, 200],
        ),
        row(
            "GET",
            format!("/teller/{open}/9/board"),
            "",
            [404, 404, 404],
        ),
        row("GET", "/teller/999/1", "", [404, 404, 404]),
        row(
            "POST",
            format!("/teller/{open}/1/step"),
            "token=AAAAAAAAAAAAAAAAAAAA&message=%7B%7D",
            [403, 403, 403],
        ),
        row(
            "POST",
            format!("/teller/{open}/1/step"),
            &format!("token={}&message=%7B%7D", f.teller_open),
            [400, 400, 400],
        ),
        row(
            "POST",
            format!("/teller/{open}/2/step"),
            &format!("token={}&message=%7B%7D", f.teller_open),
            [403, 403, 403],
        ),
        row(
            "POST",
            format!("/teller/{open}/1/ballots"),
            &format!("token={}", f.teller_open),
            [409, 409, 409],
        ),
        row(
            "POST",
            format!("/teller/{closed}/1/ballots"),
            "token=",
            [403, 403, 403],
        ),
        row(
            "POST",
            format!("/teller/{closed}/1/ballots"),
            &format!("token={}", f.teller_closed),
            [409, 409, 409],
        ),
        row(
            "POST",
            format!("/teller/{closed}/1/share"),
            &format!("token={}&share=%7B%7D", f.teller_closed),
            [400, 400, 400],
        ),
        // Signing in and out.
        row("GET", "/login", "", [200, 200, 200]),
        row(
            "POST",
            "/login",
            "login=office&password=wrong&next=/desk",
            [401, 401, 401],
        ),
        row("POST", "/logout", "", [303, 303, 303]),
        row("GET", "/desk", "", [302, 200, 200]),
        // Evaluators' scoring.
        row("GET", format!("/score/{open}"), "", [303, 200, 403]),
        row("GET", format!("/score/{open}/{item}"), "", [303, 200, 403]),
        row(
            "POST",
            format!("/score/{open}/{item}"),
            "s1=80&s2=90&next=",
            [303, 303, 403],
        ),
        // Submitting asks first (200); confirmed, it submits.
        row("POST", format!("/score/{open}/submit"), "", [303, 200, 403]),
        row(
            "POST",
            format!("/score/{open}/submit"),
            "confirm=1",
            [303, 303, 403],
        ),
        row("GET", "/score/999", "", [303, 404, 403]),
        row("GET", format!("/score/{open}/x999"), "", [303, 404, 403]),
        // The office.
        row(
            "GET",
            format!("/desk/rounds/{draft}/indicators"),
            "",
            [303, 403, 200],
        ),
        row(
            "POST",
            format!("/desk/rounds/{draft}/indicators"),
            "name1=a&weight1=100",
            [303, 403, 303],
        ),
        row("GET", "/desk/rounds/new", "", [303, 403, 200]),
        row(
            "POST",
            "/desk/rounds",
            &format!("name={}&items=both&scale=three", enc("新轮次")),
            [303, 403, 303],
        ),
        row("GET", format!("/desk/rounds/{open}"), "", [303, 403, 200]),
        row("GET", "/desk/rounds/999", "", [303, 403, 404]),
        row(
            "POST",
            format!("/desk/rounds/{open}/state"),
            "action=close&confirm=1",
            [303, 403, 303],
        ),
        row(
            "POST",
            format!("/desk/rounds/{open}/settings"),
            "group=50%2C50",
            [303, 403, 409],
        ),
        row(
            "GET",
            format!("/desk/rounds/{open}/non-voters.csv"),
            "",
            [303, 403, 200],
        ),
        row(
            "GET",
            format!("/desk/rounds/{open}/invitations"),
            "",
            [303, 403, 200],
        ),
        row(
            "POST",
            format!("/desk/rounds/{draft}/tellers"),
            &format!("names={}", enc("甲,乙,丙")),
            [303, 403, 303],
        ),
        row(
            "POST",
            format!("/desk/rounds/{open}/tellers"),
            &format!("names={}", enc("甲,乙,丙")),
            [303, 403, 409],
        ),
        // The round is open: codes made now need a reason.
        row(
            "POST",
            format!("/desk/rounds/{open}/invitations"),
            "count=2",
            [303, 403, 400],
        ),
        row(
            "POST",
            format!("/desk/rounds/{open}/invitations"),
            &format!("count=2&reason={}", enc("补选代表")),
            [303, 403, 200],
        ),
        // Revoking asks first (200); confirmed, it revokes.
        row(
            "POST",
            format!("/desk/rounds/{open}/invitations/{inv}/revoke"),
            "",
            [303, 403, 200],
        ),
        row(
            "POST",
            format!("/desk/rounds/{open}/invitations/{inv}/revoke"),
            "confirm=1",
            [303, 403, 303],
        ),
        row(
            "POST",
            format!("/desk/rounds/{open}/invitations/{inv}/revoke"),
            "reissue=1",
            [303, 403, 400],
        ),
        row(
            "POST",
            format!("/desk/rounds/{open}/invitations/{inv}/revoke"),
            &format!("reissue=1&reason={}", enc("邀请函遗失")),
            [303, 403, 200],
        ),
        row("GET", "/desk/audit", "", [303, 403, 200]),
        // One's own account: password and sessions.
        row("GET", "/account", "", [303, 200, 200]),
        row(
            "POST",
            "/account/password",
            "current=whatever-it-is&new=new-password-1&confirm=new-password-2",
            [303, 400, 400],
        ),
        row(
            "POST",
            "/account/sessions/end",
            "session=0000000000000000",
            [303, 404, 404],
        ),
        row("POST", "/account/sessions/end-others", "", [303, 303, 303]),
        // One's own second factor: the office's is on (and cannot be turned off).
        row("GET", "/account/totp", "", [303, 200, 303]),
        row(
            "POST",
            "/account/totp",
            "sealed=1.AAAA&code=123456",
            [303, 400, 400],
        ),
        // (The evaluator has none to turn off; the office's is required.)
        row(
            "POST",
            "/account/totp/off",
            "password=wrong-password",
            [303, 303, 409],
        ),
        // The code step of a sign-in takes no session, only its token.
        row(
            "POST",
            "/login/code",
            "pending=1%3A2.AAAA&code=123456",
            [401, 401, 401],
        ),
        // Staff accounts, the office only.
        row("GET", "/desk/accounts", "", [303, 403, 200]),
        row(
            "POST",
            "/desk/accounts",
            "login=new-expert&role=evaluator&password=long-enough-1",
            [303, 403, 200],
        ),
        row("POST", "/desk/accounts/expert/disable", "", [303, 403, 200]),
        row("POST", "/desk/accounts/expert/enable", "", [303, 403, 200]),
        row(
            "POST",
            "/desk/accounts/expert/reset-password",
            "password=long-enough-1",
            [303, 403, 200],
        ),
        row(
            "POST",
            "/desk/accounts/expert/end-sessions",
            "",
            [303, 403, 200],
        ),
        row(
            "POST",
            "/desk/accounts/expert/reset-totp",
            "",
            [303, 403, 200],
        ),
        row(
            "POST",
            "/desk/accounts/require-totp",
            "all=0",
            [303, 403, 200],
        ),
        row(
            "POST",
            "/desk/accounts/require-totp",
            "all=2",
            [303, 403, 400],
        ),
        row(
            "POST",
            "/desk/accounts/nobody/reset-totp",
            "",
            [303, 403, 404],
        ),
        row("POST", "/desk/accounts/nobody/disable", "", [303, 403, 404]),
        row("POST", "/desk/accounts/office/disable", "", [303, 403, 409]),
        row("GET", "/desk/plans/new", "", [303, 403, 200]),
        row(
            "POST",
            "/desk/plans/preview",
            &format!("text={plan_text}"),
            [303, 403, 200],
        ),
        row(
            "POST",
            "/desk/plans",
            &format!("text={plan_text}"),
            [303, 403, 303],
        ),
        row(
            "GET",
            format!("/desk/rounds/{closed}/report"),
            "",
            [303, 403, 200],
        ),
        row(
            "GET",
            format!("/desk/rounds/{open}/report"),
            "",
            [303, 403, 409],
        ),
        row(
            "GET",
            format!("/desk/rounds/{closed}/export.xlsx"),
            "",
            [303, 403, 200],
        ),
        row(
            "GET",
            format!("/desk/rounds/{closed}/export.csv"),
            "",
            [303, 403, 200],
        ),
        row(
            "GET",
            format!("/desk/rounds/{closed}/ballots.csv"),
            "",
            [303, 403, 410],
        ),
        row(
            "GET",
            format!("/desk/rounds/{closed}/comments.csv"),
            "",
            [303, 403, 200],
        ),
        row(
            "GET",
            format!("/desk/rounds/{open}/export.xlsx"),
            "",
            [303, 403, 409],
        ),
        row(
            "GET",
            format!("/desk/rounds/{closed}/nothing.txt"),
            "",
            [303, 403, 404],
        ),
        // Results: staff pages; withheld while a round is open and unpublished.
        row("GET", format!("/results/{closed}"), "", [303, 200, 200]),
        row("GET", format!("/results/{open}"), "", [303, 200, 200]),
        row(
            "GET",
            format!("/results/{closed}/tasks/1"),
            "",
            [303, 200, 200],
        ),
        row(
            "GET",
            format!("/results/{closed}/units/{unit}"),
            "",
            [303, 200, 200],
        ),
        row(
            "GET",
            format!("/results/{open}/tasks/1"),
            "",
            [303, 403, 403],
        ),
        row("GET", "/results/999", "", [303, 404, 404]),
        // Charts and the big screen: public, results only once published.
        row(
            "GET",
            format!("/results/{closed}/charts/tasks-levels.svg"),
            "",
            [200, 200, 200],
        ),
        row(
            "GET",
            format!("/results/{open}/charts/tasks-levels.svg"),
            "",
            [401, 403, 403],
        ),
        row(
            "GET",
            format!("/results/{open}/charts/turnout.svg"),
            "",
            [200, 200, 200],
        ),
        row(
            "GET",
            format!("/results/{closed}/charts/nothing.svg"),
            "",
            [404, 404, 404],
        ),
        row("GET", format!("/screen/{open}"), "", [200, 200, 200]),
        row("GET", format!("/screen/{closed}"), "", [200, 200, 200]),
        row("GET", "/screen/999", "", [404, 404, 404]),
    ]
}

/// A copy of the template, opened as `ceping serve` opens its database. (`VACUUM INTO`, not a
/// file copy: recent writes may still be in the template's WAL.)
async fn copy_of(template: &SqlitePool, to: &Path) -> SqlitePool {
    sqlx::query("VACUUM INTO ?")
        .bind(to.to_str().unwrap())
        .execute(template)
        .await
        .unwrap();
    db::open(to).await.unwrap()
}

#[tokio::test]
async fn every_page_and_action_answers_each_visitor_as_the_table_says() {
    let (t, f) = fixture().await;
    let rows = rows(&f);
    let mut wrong = Vec::new();
    let mut n = 0;
    for (i, r) in rows.iter().enumerate() {
        for (v, visitor) in VISITORS.iter().enumerate() {
            let path = t.dir().join(format!("copy-{i}-{v}.db"));
            let copy = TestApp::on(copy_of(&t.pool, &path).await).await;
            let pool = copy.pool.clone();
            let before = common::contents(&pool).await;
            // As a browser asks: pages for a page, JSON from the API.
            let accept = if r.path.starts_with("/api/") {
                "application/json"
            } else {
                "text/html,application/xhtml+xml,*/*;q=0.8"
            };
            let mut headers = vec![(header::ACCEPT, accept)];
            if r.method == "POST" {
                headers.push((header::CONTENT_TYPE, "application/x-www-form-urlencoded"));
            }
            let cookie = match visitor {
                Visitor::Nobody => None,
                Visitor::Evaluator => Some(f.evaluator.as_str()),
                Visitor::Office => Some(f.office.as_str()),
            };
            let method = r.method.parse().unwrap();
            let res = copy
                .request(method, &r.path, cookie, &headers, r.body.clone())
                .await;
            n += 1;
            let got = res.status.as_u16();
            if got != r.expect[v] {
                wrong.push(format!(
                    "{} {} as {visitor:?}: expected {}, got {got}",
                    r.method, r.path, r.expect[v]
                ));
            }
            let refused = res.status.is_client_error()
                || (res.status == StatusCode::SEE_OTHER
                    && res
                        .location
                        .as_deref()
                        .is_some_and(|l| l.starts_with("/login")));
            if refused {
                assert!(
                    res.status.as_u16() < 400 || !res.body.trim().is_empty(),
                    "{} {} as {visitor:?}: a refusal without a message",
                    r.method,
                    r.path
                );
                let after = common::contents(&pool).await;
                // (Failed sign-ins are counted in the server's memory, not in the database.)
                for (b, a) in before.iter().zip(&after) {
                    assert_eq!(
                        b, a,
                        "{} {} as {visitor:?} was refused ({got}) but changed table {}",
                        r.method, r.path, b.0
                    );
                }
            }
            pool.close().await;
            std::fs::remove_file(&path).ok();
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {n} answers differ from the table:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}
