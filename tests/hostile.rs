//! Hostile input through the router: posts of the wrong kind, too large, from another site, or
//! malformed; unknown ids; and script and SQL typed into every free-text field, which must come
//! out as text everywhere — pages, charts, exports and the report. Each refusal is a clear 4xx
//! and leaves the database exactly as it was.
#![cfg(feature = "ssr")]

use crate::common;

use common::{PASSWORD, TestApp, contents, enc};

use axum::http::{Method, StatusCode, header};
use calamine::{Data, Reader, Xlsx};
use ceping::ballot::InviteCode;

/// Markup that would run if it reached a page unescaped.
const MARKUP: &str = "</textarea><script>alert(2)</script><img src=x onerror=alert(1)>";
/// SQL that would drop a table if it were ever pasted into a statement.
const SQL: &str = "'); DROP TABLE ballot;--";

/// What must never appear in an answer: the markup, live.
fn assert_no_live_markup(what: &str, body: &str) {
    let lower = body.to_lowercase();
    assert!(
        !lower.contains("<script>alert") && !lower.contains("<img src=x"),
        "{what}: the markup came out unescaped"
    );
}

struct World {
    office: String,
    evaluator: String,
    /// An open round of 44 items with codes, and its first item.
    round: i64,
    item: String,
    codes: Vec<InviteCode>,
}

async fn world() -> (TestApp, World) {
    let t = TestApp::new().await;
    let office = t.office("office").await;
    let evaluator = t.evaluator("expert").await;
    let settings = common::round_settings("2020年度满意度测评");
    let round = t.open_round_with_codes(&settings, 3).await;
    let world = World {
        office,
        evaluator,
        round: round.id,
        item: round.items[0].clone(),
        codes: round.codes,
    };
    (t, world)
}

/// Every form the app takes, with the session that may post it.
fn every_post(w: &World) -> Vec<(String, Option<String>)> {
    let r = w.round;
    let (office, evaluator) = (Some(w.office.clone()), Some(w.evaluator.clone()));
    vec![
        (format!("/v/{}", w.codes[0].display()), None),
        (format!("/v/{}/revise", w.codes[0].display()), None),
        ("/login".into(), None),
        ("/logout".into(), office.clone()),
        (format!("/score/{r}/{}", w.item), evaluator.clone()),
        (format!("/score/{r}/submit"), evaluator),
        (format!("/desk/rounds/{r}/indicators"), office.clone()),
        ("/desk/rounds".into(), office.clone()),
        (format!("/desk/rounds/{r}/state"), office.clone()),
        (format!("/desk/rounds/{r}/settings"), office.clone()),
        (format!("/desk/rounds/{r}/invitations"), office.clone()),
        (
            format!("/desk/rounds/{r}/invitations/1/revoke"),
            office.clone(),
        ),
        ("/desk/plans/preview".into(), office.clone()),
        ("/desk/plans".into(), office),
    ]
}

/// Headers, body, the status expected and a phrase the answer must hold.
type Case = (
    Vec<(header::HeaderName, &'static str)>,
    Vec<u8>,
    StatusCode,
    &'static str,
);

#[tokio::test]
async fn posts_of_the_wrong_kind_too_large_or_from_another_site_are_refused_before_any_handler() {
    let (t, w) = world().await;
    let before = contents(&t.pool).await;
    let form = "application/x-www-form-urlencoded";
    let big = format!("comment={}", "x".repeat(2 * 1024 * 1024)).into_bytes();
    for (path, session) in every_post(&w) {
        let s = session.as_deref();
        let cases: Vec<Case> = vec![
            (
                vec![(header::CONTENT_TYPE, "application/json")],
                br#"{"name":"x","count":1}"#.to_vec(),
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "提交格式不正确",
            ),
            (
                vec![(header::CONTENT_TYPE, "text/plain")],
                b"name=x&count=1".to_vec(),
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "提交格式不正确",
            ),
            (
                vec![(header::CONTENT_TYPE, "multipart/form-data; boundary=B")],
                b"--B\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nx\r\n--B--\r\n"
                    .to_vec(),
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "提交格式不正确",
            ),
            (
                vec![],
                b"name=x&count=1".to_vec(),
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "提交格式不正确",
            ),
            (
                vec![
                    (header::CONTENT_TYPE, form),
                    (header::CONTENT_LENGTH, "2097160"),
                ],
                big.clone(),
                StatusCode::PAYLOAD_TOO_LARGE,
                "提交的内容过多",
            ),
            (
                // No length announced: the body-limit layer cuts it off.
                vec![(header::CONTENT_TYPE, form)],
                big.clone(),
                StatusCode::PAYLOAD_TOO_LARGE,
                "",
            ),
            (
                vec![
                    (header::CONTENT_TYPE, form),
                    (header::ORIGIN, "https://evil.example"),
                ],
                b"name=x&count=1&action=open".to_vec(),
                StatusCode::FORBIDDEN,
                "不接受来自其他网站的提交",
            ),
            (
                vec![
                    (header::CONTENT_TYPE, form),
                    (
                        header::HeaderName::from_static("sec-fetch-site"),
                        "cross-site",
                    ),
                ],
                b"name=x&count=1&action=open".to_vec(),
                StatusCode::FORBIDDEN,
                "不接受来自其他网站的提交",
            ),
        ];
        for (headers, body, status, needle) in cases {
            let label = format!("POST {path} with {headers:?}");
            let reads_body = !(path == "/logout" || path.ends_with("/submit"));
            if !reads_body && status == StatusCode::PAYLOAD_TOO_LARGE && needle.is_empty() {
                // Signing out and submitting sheets read no body, so one of unannounced
                // length is never read to its end (and the action is a legitimate one).
                continue;
            }
            let res = t.request(Method::POST, &path, s, &headers, body).await;
            assert_eq!(res.status, status, "{label}: {}", res.text());
            assert!(res.text().contains(needle), "{label}: {}", res.text());
            if !needle.is_empty() {
                let ctype = res.headers[header::CONTENT_TYPE].to_str().unwrap();
                assert!(ctype.starts_with("text/html"), "{label}: {ctype}");
                assert!(
                    res.headers.contains_key(header::CONTENT_SECURITY_POLICY),
                    "{label}: the refusal carries the security headers"
                );
            }
        }
    }
    assert!(
        before == contents(&t.pool).await,
        "a refused post stored something"
    );
}

#[tokio::test]
async fn malformed_forms_and_unknown_ids_get_a_clear_4xx_and_store_nothing() {
    let (t, w) = world().await;
    let r = w.round;
    let item = &w.item;
    let (o, e) = (Some(w.office.as_str()), Some(w.evaluator.as_str()));
    let long_name = "名".repeat(101);
    let long_note = "证".repeat(2001);
    let state = format!("/desk/rounds/{r}/state");
    let invitations = format!("/desk/rounds/{r}/invitations");
    let revoke = format!("/desk/rounds/{r}/invitations/99999/revoke");
    let indicators = format!("/desk/rounds/{r}/indicators");
    let sheet = format!("/score/{r}/{item}");
    let no_item = format!("/score/{r}/x999");
    let ballot = format!("/v/{}", w.codes[0].display());
    let cases: Vec<(&str, Option<&str>, String, StatusCode, &str)> = vec![
        // New rounds.
        (
            "/desk/rounds",
            o,
            "".into(),
            StatusCode::BAD_REQUEST,
            "请填写测评轮次的名称",
        ),
        (
            "/desk/rounds",
            o,
            format!("name={long_name}"),
            StatusCode::BAD_REQUEST,
            "最多100个字",
        ),
        (
            "/desk/rounds",
            o,
            "name=x&opens=2020-13-45T99%3A00".into(),
            StatusCode::BAD_REQUEST,
            "时间",
        ),
        // Round state and settings.
        (
            &state,
            o,
            "action=explode".into(),
            StatusCode::BAD_REQUEST,
            "",
        ),
        (
            "/desk/rounds/999/state",
            o,
            "action=close&confirm=1".into(),
            StatusCode::NOT_FOUND,
            "",
        ),
        (
            "/desk/rounds/999/settings",
            o,
            "publish=1".into(),
            StatusCode::NOT_FOUND,
            "",
        ),
        // Invitations.
        (
            &invitations,
            o,
            "count=-1".into(),
            StatusCode::BAD_REQUEST,
            "应为正整数",
        ),
        (
            &invitations,
            o,
            "count=abc".into(),
            StatusCode::BAD_REQUEST,
            "应为正整数",
        ),
        (
            &invitations,
            o,
            "count=1000000".into(),
            StatusCode::BAD_REQUEST,
            "一次最多生成",
        ),
        (
            &invitations,
            o,
            "".into(),
            StatusCode::BAD_REQUEST,
            "请粘贴代表名单",
        ),
        (&revoke, o, "".into(), StatusCode::NOT_FOUND, ""),
        (
            "/desk/rounds/999/invitations",
            o,
            "count=1".into(),
            StatusCode::NOT_FOUND,
            "",
        ),
        // Indicators (the round is open: frozen), and of an unknown round.
        (
            &indicators,
            o,
            "name1=a&weight1=100".into(),
            StatusCode::CONFLICT,
            "",
        ),
        (
            "/desk/rounds/999/indicators",
            o,
            "name1=a&weight1=100".into(),
            StatusCode::NOT_FOUND,
            "",
        ),
        // Plans.
        (
            "/desk/plans/preview",
            o,
            "text=".into(),
            StatusCode::BAD_REQUEST,
            "",
        ),
        (
            "/desk/plans",
            o,
            "text=%E4%B8%8D%E6%98%AF%E6%96%B9%E6%A1%88".into(),
            StatusCode::BAD_REQUEST,
            "",
        ),
        // Scores.
        (&sheet, e, "s1=120".into(), StatusCode::BAD_REQUEST, "0"),
        (&sheet, e, "s1=abc".into(), StatusCode::BAD_REQUEST, ""),
        (
            &sheet,
            e,
            format!("s1=80&note={long_note}"),
            StatusCode::BAD_REQUEST,
            "2000",
        ),
        (&no_item, e, "s1=80".into(), StatusCode::NOT_FOUND, ""),
        (
            "/score/999/t1",
            e,
            "s1=80".into(),
            StatusCode::NOT_FOUND,
            "",
        ),
        // Signing in.
        (
            "/login",
            None,
            "login=&password=".into(),
            StatusCode::BAD_REQUEST,
            "请输入账号和密码",
        ),
        // Ballots.
        (
            &ballot,
            None,
            format!("idem=k&r.{item}=%FF%FE"),
            StatusCode::BAD_REQUEST,
            "",
        ),
        (
            &ballot,
            None,
            "idem=k&%zz".into(),
            StatusCode::BAD_REQUEST,
            "格式不正确",
        ),
        (
            "/v/NOTACODE",
            None,
            "idem=k".into(),
            StatusCode::NOT_FOUND,
            "",
        ),
    ];
    for (path, session, body, status, needle) in cases {
        let before = contents(&t.pool).await;
        let res = t.post(path, session, &body).await;
        let text = res.text();
        let label = format!("POST {path} {}", body.chars().take(40).collect::<String>());
        assert_eq!(res.status, status, "{label}: {text}");
        assert!(
            text.contains(needle),
            "{label}: wanted {needle:?} in {text}"
        );
        // A page in Chinese that says what went wrong.
        assert!(
            text.contains("<h1") || text.contains("class=\"error"),
            "{label}: no message page: {text}"
        );
        assert!(
            before == contents(&t.pool).await,
            "{label} stored something"
        );
    }
}

/// Reads the first code off a page of invitation slips.
fn codes_on(page: &str) -> Vec<String> {
    let mut out = Vec::new();
    for part in page.split("/v/").skip(1) {
        let code: String = part.chars().take(23).collect();
        if InviteCode::parse(&code).is_ok() && !out.contains(&code) {
            out.push(code);
        }
    }
    out
}

#[tokio::test]
async fn script_and_sql_in_every_free_text_field_come_out_as_text_everywhere() {
    let t = TestApp::new().await;
    let office = t.office("office").await;
    let evaluator = t.evaluator("expert").await;
    let (o, e) = (Some(office.as_str()), Some(evaluator.as_str()));
    let payload = format!("{MARKUP}{SQL}");

    // A plan whose first task carries the markup.
    let text = include_str!("../seed/wuhan-2020-proposal-3.txt").replacen(
        "1.加速推进",
        &format!("1.{MARKUP}加速推进"),
        1,
    );
    let res = t
        .post("/desk/plans/preview", o, &format!("text={}", enc(&text)))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    assert_no_live_markup("plan preview", &res.text());
    let res = t
        .post("/desk/plans", o, &format!("text={}", enc(&text)))
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text());
    let plan2 = res.location.unwrap();

    // A round named with it, indicators, labelled invitations.
    let body = format!("name={}&items=both&scale=three&comments=1", enc(&payload));
    let res = t.post("/desk/rounds", o, &body).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text());
    let r: i64 = res.location.unwrap()["/desk/rounds/".len()..]
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let short = &payload[..payload.len().min(40)];
    let body = format!(
        "name1={}&guidance1={}&weight1=60&name2=%E6%88%90%E6%95%88&weight2=40",
        enc(short),
        enc(&payload)
    );
    let res = t
        .post(&format!("/desk/rounds/{r}/indicators"), o, &body)
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text());
    let names = format!("{payload},{payload}\n张三,第一代表团\n李四,第二代表团");
    let res = t
        .post(
            &format!("/desk/rounds/{r}/invitations"),
            o,
            &format!("names={}", enc(&names)),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    assert_no_live_markup("slips", &res.text());
    let codes = codes_on(&res.text());
    assert_eq!(codes.len(), 3, "three slips");
    // A teller named with it.
    let names = vec![short.to_string(), "乙".to_string(), "丙".to_string()];
    ceping::server::repo::tellers::set(&t.pool, r, &names, 2, 0, "test")
        .await
        .unwrap();
    t.make_keys(r).await;
    let res = t
        .post(
            &format!("/desk/rounds/{r}/state"),
            o,
            "action=open&confirm=1",
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);

    // Deputies' comments, on items and overall; the review step shows them back.
    let items = t.items(r).await;
    for (k, code) in codes.iter().take(2).enumerate() {
        let mut body = format!("idem=HOSTILE{k}&comment={}", enc(&payload));
        for item in &items {
            body.push_str(&format!("&r.{item}=basic&c.{item}={}", enc(&payload)));
        }
        let review = t
            .post(
                &format!("/v/{code}"),
                None,
                &format!("{body}&action=review"),
            )
            .await;
        assert_eq!(review.status, StatusCode::OK, "{}", review.text());
        assert_no_live_markup("the review step", &review.text());
        let res = t
            .post(
                &format!("/v/{code}"),
                None,
                &format!("{body}&action=submit"),
            )
            .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.text());
        assert_no_live_markup("the confirmation", &res.text());
    }
    // An evaluator's note.
    let res = t
        .post(
            &format!("/score/{r}/{}", items[0]),
            e,
            &format!("s1=80&s2=70&note={}", enc(&payload)),
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text());
    let res = t.post(&format!("/score/{r}/submit"), e, "confirm=1").await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    // Closed, with a note.
    let res = t
        .post(
            &format!("/desk/rounds/{r}/state"),
            o,
            &format!("action=close&confirm=1&note={}", enc(&payload)),
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text());
    t.count(r).await;
    // A sign-in with it as the login, and as the page to come back to.
    let res = t
        .post(
            "/login",
            None,
            &format!("login={}&password=x&next={}", enc(&payload), enc(&payload)),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    assert_no_live_markup("sign-in", &res.text());
    assert!(res.text().contains("&lt;script&gt;alert(2)&lt;/script&gt;"));
    let res = t
        .post(
            "/login",
            None,
            &format!(
                "login=office&password={}&next={}",
                enc(PASSWORD),
                enc(&payload)
            ),
        )
        .await;
    // The office has a second factor: the code page carries the next on, made safe.
    assert_eq!(res.status, StatusCode::OK);
    assert!(
        res.text().contains(r#"name="next" value="/desk""#),
        "a hostile next is ignored: {}",
        res.text()
    );
    assert_no_live_markup("the code step", &res.text());

    // The SQL stayed data: every table is there and the text was stored as typed.
    let (ballots,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM ballot")
        .fetch_one(&t.pool)
        .await
        .unwrap();
    assert_eq!(ballots, 2);
    let (name,): (String,) = sqlx::query_as("SELECT name FROM round WHERE id = ?")
        .bind(r)
        .fetch_one(&t.pool)
        .await
        .unwrap();
    assert_eq!(name, payload);

    // Every page that shows any of it, to everyone who may see it.
    let task_of_plan2: (i64,) = sqlx::query_as(
        "SELECT id FROM task WHERE plan_id = (SELECT MAX(id) FROM plan) ORDER BY id LIMIT 1",
    )
    .fetch_one(&t.pool)
    .await
    .unwrap();
    let unit = items.iter().find_map(|i| i.strip_prefix('u')).unwrap();
    let pages = [
        plan2.clone(),
        format!("{plan2}/tasks"),
        format!("/tasks/{}", task_of_plan2.0),
        "/desk".into(),
        format!("/desk/rounds/{r}"),
        format!("/desk/rounds/{r}/indicators"),
        format!("/desk/rounds/{r}/invitations"),
        format!("/desk/rounds/{r}/report"),
        "/desk/audit".into(),
        format!("/score/{r}"),
        format!("/score/{r}/{}", items[0]),
        format!("/results/{r}"),
        format!("/results/{r}/tasks/{}", task_of_plan2.0),
        format!("/results/{r}/units/{unit}"),
        format!("/screen/{r}"),
        format!("/results/{r}/charts/tasks-levels.svg"),
        format!("/results/{r}/charts/tasks-ranked.svg"),
        format!("/results/{r}/charts/task-indicators.svg"),
        format!("/results/{r}/charts/turnout.svg"),
    ];
    let mut escaped_seen = 0;
    for page in &pages {
        for session in [None, o, e] {
            let res = t.get(page, session).await;
            let body = res.text();
            assert_no_live_markup(&format!("GET {page} ({})", res.status), &body);
            if body.contains("&lt;script&gt;alert(2)&lt;/script&gt;") {
                escaped_seen += 1;
            }
        }
    }
    // The markup really was on the pages, as text (not silently dropped).
    assert!(escaped_seen >= 15, "seen escaped on {escaped_seen} answers");
    let report = t.get(&format!("/desk/rounds/{r}/report"), o).await;
    assert!(
        report
            .text()
            .contains("&lt;script&gt;alert(2)&lt;/script&gt;")
    );

    // Exports carry it as plain data.
    let res = t.get(&format!("/desk/rounds/{r}/export.xlsx"), o).await;
    assert_eq!(res.status, StatusCode::OK);
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(res.bytes.clone())).unwrap();
    let mut cells_with_payload = 0;
    for sheet in book.sheet_names() {
        let range = book.worksheet_range(&sheet).unwrap();
        for cell in range.used_cells() {
            if let Data::String(s) = cell.2
                && s.contains(MARKUP)
            {
                assert!(s == &payload || s.ends_with(&payload), "{sheet}: {s}");
                cells_with_payload += 1;
            }
        }
    }
    assert!(cells_with_payload >= 2, "{cells_with_payload} cells");
    // The comments CSV holds the comments as typed. (The results CSV holds no free text: item
    // numbers, short titles and figures.)
    let res = t.get(&format!("/desk/rounds/{r}/comments.csv"), o).await;
    assert_eq!(res.status, StatusCode::OK);
    let mut reader = csv::Reader::from_reader(res.bytes.as_slice());
    let found = reader
        .records()
        .map(|rec| rec.unwrap())
        .any(|rec| rec.iter().any(|f| f == payload));
    assert!(found, "comments.csv holds the comments as typed");
}
