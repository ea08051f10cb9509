//! The year of handling through the router: the access matrix of its pages and actions, tried
//! by nobody, an evaluator, the office and the liaisons of two units (each refused on the
//! other's sub-plan and reports, and on the staff's pages), every refusal leaving the database
//! unchanged; then a liaison's whole month — sub-plan, return, revision, approval, a report,
//! its return and refiling, an audited value — as forms posted, with each page checked.

use crate::common::{self, PASSWORD, TestApp, enc};
use axum::http::{StatusCode, header};
use ceping::handling::measure::Direction;
use ceping::handling::period::Period;
use ceping::handling::subplan::Indicator;
use ceping::server::db;
use ceping::server::repo::handling::{self, ReportForm, ReportingUnit, SubplanForm, TaskStatus};
use sqlx::SqlitePool;
use std::path::Path;

fn indicator(task_id: i64) -> Indicator {
    Indicator {
        task_id,
        name: "新增上云企业".into(),
        measure_unit: "家".into(),
        baseline: 0.0,
        target: 100.0,
        direction: Direction::Higher,
        starts_on: "2020-05-01".parse().unwrap(),
        due_on: "2020-12-31".parse().unwrap(),
        weight: 1.0,
    }
}

async fn two_units(pool: &SqlitePool) -> (ReportingUnit, ReportingUnit) {
    let units = handling::reporting_units(pool, 1).await.unwrap();
    let a = units[0].clone();
    // B shares no task with A, so that A's tasks are foreign to B.
    let b = units
        .iter()
        .find(|u| {
            u.tasks
                .iter()
                .all(|(t, _)| !a.tasks.iter().any(|(s, _)| s == t))
        })
        .expect("a unit with none of A's tasks")
        .clone();
    (a, b)
}

struct Fixture {
    evaluator: String,
    office: String,
    liaison_a: String,
    liaison_b: String,
    a: ReportingUnit,
    b: ReportingUnit,
    /// A's approved sub-plan and its one indicator's code; B's submitted one.
    approved_a: i64,
    code_a: i64,
    submitted_b: i64,
    /// A's June report, waiting for review.
    report_a: i64,
}

async fn fixture() -> (TestApp, Fixture) {
    let t = TestApp::on_file().await;
    let evaluator = t.evaluator("expert").await;
    let office = t.office("office").await;
    let (a, b) = two_units(&t.pool).await;
    let liaison_a = t.liaison("liaison-a", a.id).await;
    let liaison_b = t.liaison("liaison-b", b.id).await;
    let form = |u: &ReportingUnit| SubplanForm {
        measures: "专班推进".into(),
        indicators: vec![(None, indicator(u.tasks[0].0))],
        milestones: vec![],
    };
    let approved_a = handling::save_draft(&t.pool, &a, &form(&a), "liaison-a")
        .await
        .unwrap();
    handling::submit(&t.pool, a.id, "liaison-a").await.unwrap();
    handling::decide(&t.pool, approved_a, true, "", "office")
        .await
        .unwrap();
    let code_a = handling::subplan(&t.pool, approved_a)
        .await
        .unwrap()
        .indicators[0]
        .0;
    let submitted_b = handling::save_draft(&t.pool, &b, &form(&b), "liaison-b")
        .await
        .unwrap();
    handling::submit(&t.pool, b.id, "liaison-b").await.unwrap();
    let report = ReportForm {
        values: vec![(code_a, 40.0, String::new())],
        tasks: a
            .tasks
            .iter()
            .map(|(t, _)| (*t, TaskStatus::OnTrack, String::new(), String::new()))
            .collect(),
    };
    let june = Period::new(2020, 6).unwrap();
    let report_a = handling::file_report(&t.pool, &a, june, &report, "liaison-a")
        .await
        .unwrap();
    let f = Fixture {
        evaluator,
        office,
        liaison_a,
        liaison_b,
        a,
        b,
        approved_a,
        code_a,
        submitted_b,
        report_a,
    };
    (t, f)
}

/// A's July report as its form posts it.
fn report_body(f: &Fixture) -> String {
    let mut body = format!("v{}=55&n{}={}", f.code_a, f.code_a, enc("台账"));
    for (task, _) in &f.a.tasks {
        body.push_str(&format!("&s{task}=on_track&t{task}={}", enc("推进中")));
    }
    body
}

/// A sub-plan form with one indicator on `task`.
fn subplan_body(task: i64, action: &str) -> String {
    format!(
        "action={action}&measures={}&i0_code=&i0_task={task}&i0_name={}&i0_unit={}\
         &i0_baseline=0&i0_target=80&i0_direction=higher&i0_starts=2020-05-01&i0_due=2020-12-31\
         &i0_weight=1",
        enc("专班推进"),
        enc("建成5G基站"),
        enc("个")
    )
}

struct Row {
    method: &'static str,
    path: String,
    body: String,
    /// Nobody, evaluator, office, liaison A, liaison B.
    expect: [u16; 5],
}

fn row(method: &'static str, path: impl Into<String>, body: &str, expect: [u16; 5]) -> Row {
    Row {
        method,
        path: path.into(),
        body: body.to_string(),
        expect,
    }
}

fn rows(f: &Fixture) -> Vec<Row> {
    let (a, b) = (f.a.id, f.b.id);
    let (sa, sb, ra, code) = (f.approved_a, f.submitted_b, f.report_a, f.code_a);
    let task_a = f.a.tasks[0].0;
    let staff_only = [303, 403, 200, 403, 403];
    vec![
        // The public board.
        row("GET", "/progress", "", [200; 5]),
        row("GET", "/plans/1/progress", "", [200; 5]),
        row("GET", "/plans/99/progress", "", [404; 5]),
        row("GET", "/plans/x/progress", "", [404; 5]),
        row("GET", format!("/progress/units/{a}"), "", [200; 5]),
        row("GET", "/progress/units/99999", "", [404; 5]),
        row("GET", "/progress/units/abc", "", [404; 5]),
        row("GET", format!("/progress/tasks/{task_a}"), "", [200; 5]),
        row("GET", "/progress/tasks/99999", "", [404; 5]),
        row("GET", "/plans/1/progress/grid.svg", "", [200; 5]),
        row("GET", "/plans/99/progress/grid.svg", "", [404; 5]),
        row(
            "GET",
            format!("/progress/tasks/{task_a}/progress.svg"),
            "",
            [200; 5],
        ),
        row("GET", "/progress/tasks/99999/progress.svg", "", [404; 5]),
        // The liaison's desk: their own unit's, whoever they are.
        row("GET", "/desk", "", [302, 200, 200, 302, 302]),
        row("GET", "/desk/unit", "", [303, 403, 403, 200, 200]),
        // The templates: the liaison's own; B has no approved sub-plan to report against.
        row(
            "GET",
            "/desk/unit/subplan/template.xlsx",
            "",
            [303, 403, 403, 200, 200],
        ),
        row(
            "GET",
            "/desk/unit/reports/2020-07/template.xlsx",
            "",
            [303, 403, 403, 200, 409],
        ),
        row(
            "GET",
            "/desk/unit/reports/2020-06/template.xlsx",
            "",
            [303, 403, 403, 409, 409],
        ),
        row(
            "GET",
            "/desk/unit/reports/2019-01/template.xlsx",
            "",
            [303, 403, 403, 404, 404],
        ),
        row(
            "GET",
            format!("/desk/handling/units/{a}/template.xlsx"),
            "",
            staff_only,
        ),
        row(
            "GET",
            "/desk/handling/units/99999/template.xlsx",
            "",
            [303, 403, 404, 403, 403],
        ),
        row("GET", "/desk/evidence/99999", "", [303, 404, 404, 404, 404]),
        row("GET", "/desk/evidence/x", "", [303, 404, 404, 404, 404]),
        // A starts version 2 of an approved sub-plan; B's waits for the office.
        row("GET", "/desk/unit/subplan", "", [303, 403, 403, 200, 409]),
        // An indicator on A's task: A saves it; for B the task is not theirs.
        row(
            "POST",
            "/desk/unit/subplan",
            &subplan_body(task_a, "save"),
            [303, 403, 403, 303, 400],
        ),
        row(
            "POST",
            "/desk/unit/subplan",
            &subplan_body(task_a, "submit"),
            [303, 403, 403, 303, 400],
        ),
        row(
            "POST",
            "/desk/unit/subplan",
            "action=save&i0_name=x&i0_target=abc",
            [303, 403, 403, 400, 400],
        ),
        // Reports: A has an approved sub-plan, B none yet; June is with the office.
        row(
            "GET",
            "/desk/unit/reports/2020-07",
            "",
            [303, 403, 403, 200, 409],
        ),
        row(
            "GET",
            "/desk/unit/reports/2020-06",
            "",
            [303, 403, 403, 409, 409],
        ),
        row(
            "GET",
            "/desk/unit/reports/2019-01",
            "",
            [303, 403, 403, 404, 404],
        ),
        row(
            "GET",
            "/desk/unit/reports/nonsense",
            "",
            [303, 403, 403, 404, 404],
        ),
        row(
            "POST",
            "/desk/unit/reports/2020-07",
            &report_body(f),
            [303, 403, 403, 303, 409],
        ),
        row(
            "POST",
            "/desk/unit/reports/2020-07",
            "",
            [303, 403, 403, 400, 409],
        ),
        // The office's review.
        row("GET", "/desk/handling", "", staff_only),
        row("GET", format!("/desk/handling/units/{a}"), "", staff_only),
        row("GET", format!("/desk/handling/units/{b}"), "", staff_only),
        row(
            "GET",
            "/desk/handling/units/0",
            "",
            [303, 403, 404, 403, 403],
        ),
        row(
            "GET",
            format!("/desk/handling/subplans/{sb}"),
            "",
            staff_only,
        ),
        row(
            "GET",
            "/desk/handling/subplans/999",
            "",
            [303, 403, 404, 403, 403],
        ),
        row(
            "POST",
            format!("/desk/handling/subplans/{sb}/decide"),
            "decision=approve",
            [303, 403, 303, 403, 403],
        ),
        row(
            "POST",
            format!("/desk/handling/subplans/{sb}/decide"),
            "decision=return&reason=",
            [303, 403, 400, 403, 403],
        ),
        row(
            "POST",
            format!("/desk/handling/subplans/{sb}/decide"),
            "decision=maybe",
            [303, 403, 400, 403, 403],
        ),
        row(
            "POST",
            format!("/desk/handling/subplans/{sa}/decide"),
            "decision=approve",
            [303, 403, 409, 403, 403],
        ),
        row(
            "GET",
            format!("/desk/handling/reports/{ra}"),
            "",
            staff_only,
        ),
        row(
            "POST",
            format!("/desk/handling/reports/{ra}/review"),
            "decision=accept",
            [303, 403, 303, 403, 403],
        ),
        row(
            "POST",
            format!("/desk/handling/reports/{ra}/review"),
            "decision=return",
            [303, 403, 400, 403, 403],
        ),
        row(
            "POST",
            format!("/desk/handling/reports/{ra}/audit"),
            &format!("code={code}&value=30&reason={}", enc("台账只能证明30家")),
            [303, 403, 303, 403, 403],
        ),
        row(
            "POST",
            format!("/desk/handling/reports/{ra}/audit"),
            &format!("code={code}&value=abc&reason=x"),
            [303, 403, 400, 403, 403],
        ),
        row(
            "POST",
            format!("/desk/handling/reports/{ra}/audit"),
            &format!("code={code}&value=30&reason="),
            [303, 403, 400, 403, 403],
        ),
        row(
            "POST",
            format!("/desk/handling/reports/{ra}/audit"),
            "code=99999&value=30&reason=x",
            [303, 403, 400, 403, 403],
        ),
        // Liaisons are not staff: the office's and the evaluators' pages refuse them.
        row("GET", "/desk/accounts", "", staff_only),
        row("GET", "/desk/audit", "", staff_only),
        row("GET", "/desk/rounds/new", "", staff_only),
        row("GET", "/desk/plans/new", "", staff_only),
        row(
            "POST",
            "/desk/accounts",
            &format!("login=liaison-c&role=liaison&unit={a}&password=long-enough-1"),
            staff_only,
        ),
        row(
            "POST",
            "/desk/accounts",
            "login=liaison-d&role=liaison&unit=&password=long-enough-1",
            [303, 403, 400, 403, 403],
        ),
        // Their own account page is theirs.
        row("GET", "/account", "", [303, 200, 200, 200, 200]),
    ]
}

async fn copy_of(template: &SqlitePool, to: &Path) -> SqlitePool {
    sqlx::query("VACUUM INTO ?")
        .bind(to.to_str().unwrap())
        .execute(template)
        .await
        .unwrap();
    db::open(to).await.unwrap()
}

#[tokio::test]
async fn the_handling_pages_answer_each_visitor_as_the_table_says() {
    let (t, f) = fixture().await;
    let cookies = [
        None,
        Some(f.evaluator.as_str()),
        Some(f.office.as_str()),
        Some(f.liaison_a.as_str()),
        Some(f.liaison_b.as_str()),
    ];
    let names = ["nobody", "evaluator", "office", "liaison A", "liaison B"];
    let mut wrong = Vec::new();
    for (i, r) in rows(&f).iter().enumerate() {
        for (v, cookie) in cookies.iter().enumerate() {
            let path = t.dir().join(format!("copy-{i}-{v}.db"));
            let copy = TestApp::on(copy_of(&t.pool, &path).await).await;
            let pool = copy.pool.clone();
            let before = common::contents(&pool).await;
            let mut headers = vec![(header::ACCEPT, "text/html")];
            if r.method == "POST" {
                headers.push((header::CONTENT_TYPE, "application/x-www-form-urlencoded"));
            }
            let res = copy
                .request(
                    r.method.parse().unwrap(),
                    &r.path,
                    *cookie,
                    &headers,
                    r.body.clone(),
                )
                .await;
            let got = res.status.as_u16();
            if got != r.expect[v] {
                wrong.push(format!(
                    "{} {} as {}: expected {}, got {got}",
                    r.method, r.path, names[v], r.expect[v]
                ));
            }
            let refused = res.status.is_client_error()
                || res
                    .location
                    .as_deref()
                    .is_some_and(|l| l.starts_with("/login"));
            if refused {
                assert!(
                    !res.body.trim().is_empty() || res.status.is_redirection(),
                    "{} {} as {}: a refusal without a message",
                    r.method,
                    r.path,
                    names[v]
                );
                assert_eq!(
                    common::contents(&pool).await,
                    before,
                    "{} {} as {} was refused ({got}) but changed the database",
                    r.method,
                    r.path,
                    names[v]
                );
            }
            pool.close().await;
            std::fs::remove_file(&path).ok();
        }
    }
    assert!(
        wrong.is_empty(),
        "{} answers differ from the table:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

#[tokio::test]
async fn a_liaison_files_a_sub_plan_and_a_report_and_the_office_reviews_both() {
    let t = TestApp::new().await;
    let office = t.office("office").await;
    let (a, _) = two_units(&t.pool).await;
    // The office makes the liaison's account on its page.
    let res = t
        .post(
            "/desk/accounts",
            Some(&office),
            &format!(
                "login=lly&role=liaison&unit={}&password={}",
                a.id,
                enc(PASSWORD)
            ),
        )
        .await;
    assert_eq!(
        res.status,
        StatusCode::OK,
        "{:?} {}",
        res.location,
        res.body
    );
    assert!(
        res.body.contains(&format!("{}联络员", a.name)),
        "{}",
        res.body
    );
    let who = ceping::server::repo::account::by_login(&t.pool, "lly")
        .await
        .unwrap();
    let token = ceping::server::repo::account::open_session(&t.pool, who.id)
        .await
        .unwrap();
    let liaison = format!("ceping_session={token}");
    // The first password is changed first; then /desk leads to the unit's desk.
    let desk = t.get("/desk/unit", Some(&liaison)).await;
    assert_eq!(desk.status, StatusCode::SEE_OTHER);
    let new = "a-new-password-1";
    let res = t
        .post(
            "/account/password",
            Some(&liaison),
            &format!("current={}&new={new}&confirm={new}", enc(PASSWORD)),
        )
        .await;
    assert!(res.status.is_redirection(), "{} {}", res.status, res.body);
    let res = t.get("/desk", Some(&liaison)).await;
    assert_eq!(res.location.as_deref(), Some("/desk/unit"));

    // The desk says there is no sub-plan yet, and when it is due.
    let desk = t.get("/desk/unit", Some(&liaison)).await;
    assert_eq!(desk.status, StatusCode::OK);
    assert!(desk.body.contains("还没有分方案"), "{}", desk.body);
    assert!(desk.body.contains("2020-05-10"), "{}", desk.body);
    assert!(desk.body.contains("/pkg/handling.css"));

    // A form with faults comes back as typed, each fault named; nothing stored.
    let task = a.tasks[0].0;
    let bad = subplan_body(task, "submit").replace("i0_target=80", "i0_target=%E5%85%AB%E5%8D%81");
    let res = t.post("/desk/unit/subplan", Some(&liaison), &bad).await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert!(
        res.body.contains("第1项指标：目标值“八十”不是数字。"),
        "{}",
        res.body
    );
    assert!(res.body.contains("建成5G基站"), "the typed name is kept");
    assert_eq!(
        common::scalar(&t.pool, "SELECT COUNT(*) FROM subplan").await,
        0
    );

    // Submitted, returned with a reason, revised, approved.
    let res = t
        .post(
            "/desk/unit/subplan",
            Some(&liaison),
            &subplan_body(task, "submit"),
        )
        .await;
    assert_eq!(res.location.as_deref(), Some("/desk/unit?done=submitted"));
    let first = handling::subplans(&t.pool, a.id).await.unwrap()[0].id;
    let res = t
        .post(
            &format!("/desk/handling/subplans/{first}/decide"),
            Some(&office),
            &format!("decision=return&reason={}", enc("目标值偏低")),
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let desk = t.get("/desk/unit", Some(&liaison)).await;
    assert!(desk.body.contains("目标值偏低"), "{}", desk.body);
    let form = t.get("/desk/unit/subplan", Some(&liaison)).await;
    assert!(form.body.contains("分方案第2版"), "{}", form.body);
    assert!(
        form.body.contains("value=\"80\""),
        "the returned version fills the form"
    );
    let revised = subplan_body(task, "submit").replace("i0_target=80", "i0_target=120");
    let res = t.post("/desk/unit/subplan", Some(&liaison), &revised).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let second = handling::subplans(&t.pool, a.id).await.unwrap()[0].id;
    let queue = t.get("/desk/handling", Some(&office)).await;
    assert!(
        queue.body.contains(&format!("{} · 分方案第2版", a.name)),
        "{}",
        queue.body
    );
    let res = t
        .post(
            &format!("/desk/handling/subplans/{second}/decide"),
            Some(&office),
            "decision=approve",
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);

    // The June report: refused without its statuses, then filed, returned, refiled, accepted.
    let code = handling::approved(&t.pool, a.id)
        .await
        .unwrap()
        .unwrap()
        .indicators[0]
        .0;
    let mut body = format!("v{code}=30");
    let res = t
        .post("/desk/unit/reports/2020-06", Some(&liaison), &body)
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert!(res.body.contains("请选择进展状态"), "{}", res.body);
    for (task, _) in &a.tasks {
        body.push_str(&format!("&s{task}=on_track&t{task}={}", enc("推进中")));
    }
    let res = t
        .post("/desk/unit/reports/2020-06", Some(&liaison), &body)
        .await;
    assert_eq!(res.location.as_deref(), Some("/desk/unit?done=report"));
    let report = handling::reports(&t.pool, a.id).await.unwrap()[0].id;
    let res = t
        .post(
            &format!("/desk/handling/reports/{report}/review"),
            Some(&office),
            &format!("decision=return&reason={}", enc("缺少佐证")),
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let again = t.get("/desk/unit/reports/2020-06", Some(&liaison)).await;
    assert!(again.body.contains("缺少佐证"));
    assert!(
        again.body.contains("value=\"30\""),
        "the returned values fill the form"
    );
    let res = t
        .post(
            "/desk/unit/reports/2020-06",
            Some(&liaison),
            &body.replace(&format!("v{code}=30"), &format!("v{code}=60")),
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let report = handling::reports(&t.pool, a.id).await.unwrap()[0].id;
    for (path, form) in [
        ("review", "decision=accept".to_string()),
        (
            "audit",
            format!("code={code}&value=48&reason={}", enc("佐证只支持48家")),
        ),
    ] {
        let res = t
            .post(
                &format!("/desk/handling/reports/{report}/{path}"),
                Some(&office),
                &form,
            )
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{path}");
    }
    let page = t
        .get(&format!("/desk/handling/reports/{report}"), Some(&office))
        .await;
    assert!(page.body.contains("佐证只支持48家"), "{}", page.body);

    // The public unit page shows target, reported and audited values, judged by the audited.
    let public = t.get(&format!("/progress/units/{}", a.id), None).await;
    assert_eq!(public.status, StatusCode::OK);
    assert!(public.body.contains("<td>60</td>"), "{}", public.body);
    assert!(public.body.contains("<td>48</td>"), "{}", public.body);
    assert!(
        public.body.contains("40.0%"),
        "48 of 120 is 40 %: {}",
        public.body
    );
    // The value's history: who audited it, when, from what to what, and why.
    assert!(
        public
            .body
            .contains("报送 60 → 审核 48。佐证只支持48家（office，"),
        "{}",
        public.body
    );
    let board = t.get("/progress", None).await;
    assert_eq!(board.status, StatusCode::OK);
    assert!(board.body.contains(&a.name));
    // The charts beside the tables: the grid names the unit; the task's line has June's value.
    assert!(board.body.contains("/plans/1/progress/grid.svg"));
    let grid = t.get("/plans/1/progress/grid.svg", None).await;
    assert!(
        grid.headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("image/svg+xml")
    );
    assert!(
        grid.body.contains(&a.name) && grid.body.contains("✓"),
        "{}",
        grid.body
    );
    let line = t
        .get(&format!("/progress/tasks/{task}/progress.svg"), None)
        .await;
    assert_eq!(line.status, StatusCode::OK);
    assert!(
        line.body.starts_with("<svg") && line.body.contains("完成进度"),
        "{}",
        line.body
    );
    // Every step is in the audit trail.
    for (action, n) in [
        ("subplan.submit", 2),
        ("subplan.return", 1),
        ("subplan.approve", 1),
        ("report.submit", 2),
        ("report.return", 1),
        ("report.accept", 1),
        ("report.audit", 1),
    ] {
        let sql = format!("SELECT COUNT(*) FROM audit_log WHERE action = '{action}'");
        assert_eq!(common::scalar(&t.pool, &sql).await, n, "{action}");
    }
}

#[tokio::test]
async fn the_ballot_shows_each_items_year_in_one_line_and_stays_small() {
    use ceping::server::service::sample_year;
    // Two servers on the same plan: one with no year of handling, one with the sample year.
    let plain = TestApp::new().await;
    let filled = TestApp::new().await;
    sample_year::load(&filled.pool, 1, "test").await.unwrap();
    let settings = common::round_settings("2020年度满意度测评");
    let mut pages = Vec::new();
    for t in [&plain, &filled] {
        let round = t.open_round_with_codes(&settings, 1).await;
        let page = t
            .get(&format!("/v/{}", round.codes[0].display()), None)
            .await;
        assert_eq!(page.status, StatusCode::OK);
        pages.push((round.items.len(), page.body));
    }
    let (items, without) = (&pages[0].0, &pages[0].1);
    let with = &pages[1].1;
    assert_eq!(
        without.matches("class=\"year ").count(),
        0,
        "no year, no line"
    );
    // Every task and unit of the seed plan has sample indicators: each item carries its line,
    // its colour in words, and a link to its record.
    assert_eq!(with.matches("class=\"year rag-").count(), *items);
    assert!(with.contains("href=\"/progress/tasks/"));
    assert!(with.contains("href=\"/progress/units/"));
    assert!(with.contains("示例·"), "the sample says it is one");
    assert!(with.contains("指标完成 "));
    let grown = with.len() - without.len();
    println!(
        "ballot HTML: {} bytes without the year, {} with it ({} items, {} bytes each)",
        without.len(),
        with.len(),
        items,
        grown / items
    );
    // The budget (30 KB compressed for HTML and CSS) is measured by scripts/measure.sh; here,
    // that a line stays a line.
    assert!(grown / items < 300, "{grown} bytes for {items} lines");
}

#[tokio::test]
async fn the_year_end_report_has_a_chapter_on_the_years_handling() {
    use ceping::server::service::sample_year;
    let t = TestApp::new().await;
    let office = t.office("office").await;
    sample_year::load(&t.pool, 1, "test").await.unwrap();
    let round = t
        .open_round_with_codes(&common::round_settings("2020年度满意度测评"), 1)
        .await;
    let res = t
        .vote(
            &round.codes[0],
            &common::complete_ballot(&round.items, "R1"),
        )
        .await;
    assert!(res.status.is_success() || res.status.is_redirection());
    t.count(round.id).await;
    let res = t
        .get(&format!("/desk/rounds/{}/report", round.id), Some(&office))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let text = res.body;
    assert!(text.contains("六、办理情况"), "{text}");
    assert!(text.contains("表3　各项工作任务办理情况"), "{text}");
    assert!(text.contains("以下办理数据为系统生成的示例数据"), "{text}");
    // Every task has its row, with its indicators done out of all.
    let units = handling::reporting_units(&t.pool, 1).await.unwrap();
    assert!(
        text.contains(&format!("个报送单位中{}个的分方案经审核通过", units.len())),
        "{text}"
    );
    let rows = text.matches("<td class=\"report-item\"><strong>(").count();
    assert!(rows >= 14, "{rows} rows");

    // The export's sheet lists every approved indicator, marked as the sample.
    use calamine::{Reader, Xlsx};
    let res = t
        .get(
            &format!("/desk/rounds/{}/export.xlsx", round.id),
            Some(&office),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK);
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(res.bytes.clone())).unwrap();
    let sheet = book.worksheet_range("办理情况").unwrap();
    let indicators = common::scalar(&t.pool, "SELECT COUNT(*) FROM subplan_indicator").await;
    assert_eq!(sheet.rows().count() as i64, indicators + 1);
    let row: Vec<String> = sheet
        .rows()
        .nth(1)
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(row.last().map(String::as_str), Some("示例数据"), "{row:?}");
}

#[tokio::test]
async fn the_evaluators_sheet_shows_the_items_indicators_and_values() {
    use ceping::server::service::sample_year;
    let t = TestApp::new().await;
    let expert = t.evaluator("expert").await;
    let round = t
        .open_round_with_codes(&common::round_settings("2020年度满意度测评"), 1)
        .await;
    let item = &round.items[0];
    let before = t
        .get(&format!("/score/{}/{item}", round.id), Some(&expert))
        .await;
    assert_eq!(before.status, StatusCode::OK);
    assert!(
        !before.body.contains("办理情况："),
        "nothing filed, nothing shown"
    );
    sample_year::load(&t.pool, 1, "test").await.unwrap();
    let after = t
        .get(&format!("/score/{}/{item}", round.id), Some(&expert))
        .await;
    assert!(
        after.body.contains("办理情况：分方案指标与报送、审核值"),
        "{}",
        after.body
    );
    assert!(
        after.body.contains("目标 ") && after.body.contains("· 报送 "),
        "{}",
        after.body
    );
    assert!(after.body.contains("/progress/tasks/"), "{}", after.body);
}

#[tokio::test]
async fn a_broken_year_of_handling_never_stops_a_ballot() {
    use ceping::server::service::sample_year;
    let t = TestApp::new().await;
    sample_year::load(&t.pool, 1, "test").await.unwrap();
    // The year's tables become unreadable (a damaged or half-migrated database, say).
    sqlx::query("ALTER TABLE report_value RENAME TO report_value_gone")
        .execute(&t.pool)
        .await
        .unwrap();
    let round = t
        .open_round_with_codes(&common::round_settings("2020年度满意度测评"), 1)
        .await;
    let page = t
        .get(&format!("/v/{}", round.codes[0].display()), None)
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(!page.body.contains("class=\"year "));
    let res = t
        .vote(
            &round.codes[0],
            &common::complete_ballot(&round.items, "BROKEN1"),
        )
        .await;
    assert!(
        res.status.is_redirection() || res.status.is_success(),
        "{}",
        res.status
    );
    assert_eq!(
        common::scalar(&t.pool, "SELECT COUNT(*) FROM ballot").await,
        1
    );
}

#[tokio::test]
async fn no_liaison_is_made_while_the_sample_year_is_there() {
    use ceping::server::service::sample_year;
    let t = TestApp::new().await;
    let office = t.office("office").await;
    sample_year::load(&t.pool, 1, "test").await.unwrap();
    let (a, _) = two_units(&t.pool).await;
    let before = common::contents(&t.pool).await;
    let res = t
        .post(
            "/desk/accounts",
            Some(&office),
            &format!(
                "login=lly&role=liaison&unit={}&password={}",
                a.id,
                enc(PASSWORD)
            ),
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert!(res.body.contains("请先删除示例数据"), "{}", res.body);
    assert_eq!(common::contents(&t.pool).await, before);
}

/// A `multipart/form-data` body as a browser posts it: the text fields, then the files
/// (field, file name, bytes). Returns the content type and the body.
fn multipart(fields: &[(&str, String)], files: &[(&str, &str, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "----cepingBoundary7MA4YWxkTrZu0gW";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    for (name, file, bytes) in files {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{file}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// A's July report's typed fields.
fn report_fields(f: &Fixture) -> Vec<(&'static str, String)> {
    let mut fields: Vec<(&'static str, String)> = Vec::new();
    let v: &'static str = Box::leak(format!("v{}", f.code_a).into_boxed_str());
    fields.push((v, "55".into()));
    for (task, _) in &f.a.tasks {
        let s: &'static str = Box::leak(format!("s{task}").into_boxed_str());
        fields.push((s, "on_track".into()));
    }
    fields
}

async fn post_multipart(
    t: &TestApp,
    path: &str,
    cookie: &str,
    (content_type, body): (String, Vec<u8>),
) -> common::Res {
    t.request(
        axum::http::Method::POST,
        path,
        Some(cookie),
        &[
            (header::ACCEPT, "text/html"),
            (header::CONTENT_TYPE, content_type.as_str()),
        ],
        body,
    )
    .await
}

const PDF: &[u8] =
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0\x90wS\xde";

#[tokio::test]
async fn a_report_carries_its_evidence_files_and_they_go_back_only_as_safe_downloads() {
    use sha2::Digest;
    let (t, f) = fixture().await;
    let july = "/desk/unit/reports/2020-07";
    // A file that is not what its name says refuses the whole post: nothing is stored.
    let before = common::contents(&t.pool).await;
    let html = b"<html><script>alert(document.cookie)</script></html>";
    let res = post_multipart(
        &t,
        july,
        &f.liaison_a,
        multipart(
            &report_fields(&f),
            &[
                ("evidence", "台账.pdf", PDF),
                ("evidence", "扫描件.pdf", html),
            ],
        ),
    )
    .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST, "{}", res.body);
    assert!(
        res.body.contains("文件“扫描件.pdf”不是可以接受的佐证材料"),
        "{}",
        res.body
    );
    // The form comes back as typed.
    assert!(res.body.contains("value=\"55\""), "{}", res.body);
    assert_eq!(common::contents(&t.pool).await, before);

    // A PDF and a photo, with the report: one transaction.
    let res = post_multipart(
        &t,
        july,
        &f.liaison_a,
        multipart(
            &report_fields(&f),
            &[
                ("evidence", "C:\\fakepath\\6月台账.pdf", PDF),
                ("evidence", "现场.png", PNG),
                // An empty file input, as browsers send it.
                ("evidence", "", b""),
            ],
        ),
    )
    .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let reports = handling::reports(&t.pool, f.a.id).await.unwrap();
    let report = reports
        .iter()
        .find(|r| r.period.key() == "2020-07")
        .unwrap();
    let names: Vec<&str> = report.evidence.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(names, ["6月台账.pdf", "现场.png"]);
    let pdf = &report.evidence[0];
    assert_eq!(pdf.sha256, hex::encode(sha2::Sha256::digest(PDF)));
    assert_eq!((pdf.kind.as_str(), pdf.size), ("pdf", PDF.len() as i64));
    assert_eq!(pdf.uploaded_by, "liaison-a");
    // The audit entry names the files by their SHA-256.
    let detail: String = sqlx::query_scalar(
        "SELECT detail FROM audit_log WHERE action = 'report.submit' ORDER BY seq DESC LIMIT 1",
    )
    .fetch_one(&t.pool)
    .await
    .unwrap();
    assert!(detail.contains(&pdf.sha256), "{detail}");

    // The office sees them on the report and downloads one: an attachment of the type its
    // bytes were found to be, in a sandbox, byte for byte.
    let page = t
        .get(
            &format!("/desk/handling/reports/{}", report.id),
            Some(&f.office),
        )
        .await;
    assert!(page.body.contains("6月台账.pdf"), "{}", page.body);
    let link = format!("/desk/evidence/{}", pdf.id);
    assert!(page.body.contains(&link));
    let got = t.get(&link, Some(&f.office)).await;
    assert_eq!(got.status, StatusCode::OK);
    assert_eq!(got.bytes, PDF);
    let h = |name: &str| got.headers.get(name).unwrap().to_str().unwrap().to_string();
    assert_eq!(h("content-type"), "application/pdf");
    assert!(h("content-disposition").starts_with("attachment;"));
    assert!(h("content-disposition").contains("filename*=UTF-8''6%E6%9C%88"));
    assert!(h("content-security-policy").starts_with("sandbox"));
    assert_eq!(h("x-content-type-options"), "nosniff");
    // The evaluator and A's liaison may download it; B's liaison is told it does not exist;
    // nobody is sent to sign in.
    assert_eq!(
        t.get(&link, Some(&f.evaluator)).await.status,
        StatusCode::OK
    );
    assert_eq!(
        t.get(&link, Some(&f.liaison_a)).await.status,
        StatusCode::OK
    );
    assert_eq!(
        t.get(&link, Some(&f.liaison_b)).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(t.get(&link, None).await.status, StatusCode::SEE_OTHER);

    // Returned, the next version keeps the files the liaison ticks and adds new ones; the
    // same bytes are stored once.
    handling::review_report(&t.pool, report.id, false, "请补充佐证", "office")
        .await
        .unwrap();
    let form = t.get(july, Some(&f.liaison_a)).await;
    assert!(
        form.body
            .contains(&format!("name=\"keep\" value=\"{}\"", pdf.id)),
        "{}",
        form.body
    );
    let mut fields = report_fields(&f);
    fields.push(("keep", pdf.id.to_string()));
    let res = post_multipart(
        &t,
        july,
        &f.liaison_a,
        multipart(
            &fields,
            &[
                ("evidence", "again.pdf", PDF),
                ("evidence", "补充.png", PNG),
            ],
        ),
    )
    .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let reports = handling::reports(&t.pool, f.a.id).await.unwrap();
    let second = reports
        .iter()
        .find(|r| r.period.key() == "2020-07")
        .unwrap();
    assert_eq!(second.version, 2);
    let names: Vec<&str> = second.evidence.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(
        names,
        ["6月台账.pdf", "补充.png"],
        "kept once, the photo added"
    );
    assert_eq!(
        common::scalar(&t.pool, "SELECT count(*) FROM evidence_blob").await,
        2
    );
    // The first version still lists its own files.
    let first = handling::report(&t.pool, report.id).await.unwrap();
    assert_eq!(first.evidence.len(), 2);
    // Accepted, its files are on the evaluators' score sheet of the unit's task.
    let sheet_of = |round: i64| format!("/score/{round}/t{}", f.a.tasks[0].0);
    let round = t
        .open_round_with_codes(&common::round_settings("2020年度满意度测评"), 1)
        .await;
    let before = t.get(&sheet_of(round.id), Some(&f.evaluator)).await;
    assert_eq!(before.status, StatusCode::OK);
    assert!(
        !before.body.contains("补充.png"),
        "not before it is accepted"
    );
    handling::review_report(&t.pool, second.id, true, "", "office")
        .await
        .unwrap();
    let sheet = t.get(&sheet_of(round.id), Some(&f.evaluator)).await;
    assert!(
        sheet.body.contains("佐证材料（已审核通过的报告）"),
        "{}",
        sheet.body
    );
    assert!(
        sheet.body.contains("补充.png") && sheet.body.contains("2020年7月"),
        "{}",
        sheet.body
    );
}

#[tokio::test]
async fn uploads_past_their_limits_are_refused_whole_with_a_message() {
    let (t, f) = fixture().await;
    let july = "/desk/unit/reports/2020-07";
    let before = common::contents(&t.pool).await;
    // One byte past 20 MB: the page again, 413, the file named, nothing stored.
    let mut big = PDF.to_vec();
    big.resize(20 * 1024 * 1024 + 1, b' ');
    let res = post_multipart(
        &t,
        july,
        &f.liaison_a,
        multipart(&report_fields(&f), &[("evidence", "大文件.pdf", &big)]),
    )
    .await;
    assert_eq!(res.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(
        res.body.contains("文件“大文件.pdf”超过20 MB"),
        "{}",
        res.body
    );
    assert_eq!(common::contents(&t.pool).await, before);
    // Six files: the sixth is named and refused, and so the post.
    let six: Vec<(&str, &str, &[u8])> = (0..6).map(|_| ("evidence", "p.pdf", PDF)).collect();
    let res = post_multipart(&t, july, &f.liaison_a, multipart(&report_fields(&f), &six)).await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert!(res.body.contains("一次最多上传5个文件"), "{}", res.body);
    assert_eq!(common::contents(&t.pool).await, before);
    // A body announced past the upload limit is refused by its headers.
    let res = t
        .request(
            axum::http::Method::POST,
            july,
            Some(&f.liaison_a),
            &[
                (header::CONTENT_TYPE, "multipart/form-data; boundary=x"),
                (header::CONTENT_LENGTH, "999999999"),
            ],
            axum::body::Body::empty(),
        )
        .await;
    assert_eq!(res.status, StatusCode::PAYLOAD_TOO_LARGE);
    // The form's text is at most 1 MB there too, plain or multipart, announced or not.
    let long = "x".repeat(1024 * 1024 + 1);
    let res = t
        .post(july, Some(&f.liaison_a), &format!("v{}={long}", f.code_a))
        .await;
    assert_eq!(res.status, StatusCode::PAYLOAD_TOO_LARGE);
    let mut fields = report_fields(&f);
    fields.push(("n1", long.clone()));
    let res = post_multipart(&t, july, &f.liaison_a, multipart(&fields, &[])).await;
    assert_eq!(res.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(res.body.contains("不能超过 1 MB"), "{}", res.body);
    assert_eq!(common::contents(&t.pool).await, before);
    // Multipart anywhere else is refused as before (415), files or not.
    let (ct, body) = multipart(&[("decision", "accept".into())], &[]);
    let res = post_multipart(
        &t,
        &format!("/desk/handling/reports/{}/review", f.report_a),
        &f.office,
        (ct, body),
    )
    .await;
    assert_eq!(res.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(common::contents(&t.pool).await, before);
    // A broken multipart body: 400, nothing stored.
    let res = post_multipart(
        &t,
        july,
        &f.liaison_a,
        (
            "multipart/form-data; boundary=x".into(),
            b"--x\r\nContent-Disposition: form-data; name=\"v1\"\r\n\r\n5".to_vec(),
        ),
    )
    .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST, "{}", res.body);
    assert_eq!(common::contents(&t.pool).await, before);
    // Exactly 20 MB is taken: stored a MiB at a time, and downloaded byte for byte.
    big.truncate(20 * 1024 * 1024);
    for (i, b) in big.iter_mut().enumerate().skip(PDF.len()) {
        *b = (i % 251) as u8;
    }
    let res = post_multipart(
        &t,
        july,
        &f.liaison_a,
        multipart(&report_fields(&f), &[("evidence", "整月台账.pdf", &big)]),
    )
    .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(
        common::scalar(&t.pool, "SELECT count(*) FROM evidence_chunk").await,
        20
    );
    let id = common::scalar(&t.pool, "SELECT max(id) FROM report_evidence").await;
    let got = t
        .get(&format!("/desk/evidence/{id}"), Some(&f.office))
        .await;
    assert_eq!(got.status, StatusCode::OK);
    assert_eq!(got.headers.get("content-length").unwrap(), "20971520");
    assert!(got.bytes == big, "the download differs from the upload");
}

/// A workbook written from rows of text, as a person fills a template.
fn workbook(sheets: &[(&str, Vec<Vec<String>>)]) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    for (name, rows) in sheets {
        let ws = book.add_worksheet();
        ws.set_name(*name).unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                ws.write_string(r as u32, c as u16, cell).unwrap();
            }
        }
    }
    book.save_to_buffer().unwrap()
}

fn text_rows(rows: &[&[&str]]) -> Vec<Vec<String>> {
    rows.iter()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect()
}

#[tokio::test]
async fn a_filled_template_is_stored_whole_or_every_bad_cell_is_named() {
    use ceping::handling::sheet::*;
    let (t, f) = fixture().await;
    // The templates: the liaison's own, and any unit's for the office.
    let res = t
        .get("/desk/unit/subplan/template.xlsx", Some(&f.liaison_a))
        .await;
    assert_eq!(res.status, StatusCode::OK);
    let ct = res.headers.get("content-type").unwrap().to_str().unwrap();
    assert!(ct.contains("spreadsheetml"));
    let book = ceping::server::service::sheets::read(&res.bytes).unwrap();
    let indicators = book.sheet(INDICATORS).unwrap();
    assert_eq!(indicators[0][..3], ["指标编号", "任务", "指标名称"]);
    assert_eq!(
        indicators[1][0],
        f.code_a.to_string(),
        "the approved version's indicator"
    );
    assert!(book.sheet(TASKS).unwrap().len() > 1);
    let office = t
        .get(
            &format!("/desk/handling/units/{}/template.xlsx", f.b.id),
            Some(&f.office),
        )
        .await;
    assert_eq!(office.status, StatusCode::OK);

    // A sub-plan sheet with bad cells: the form page, 400, each cell named; nothing stored.
    let task_a = f.a.tasks[0].0;
    let tasks = ceping::server::repo::plan::tasks(&t.pool, 1).await.unwrap();
    let task = tasks
        .sections
        .iter()
        .flat_map(|s| &s.tasks)
        .find(|x| x.id == task_a)
        .unwrap();
    let label = ceping::plan::label::task_label(task.section_number, task.number);
    let about = text_rows(&[&[ABOUT_UNIT, &f.a.name]]);
    let sheet = |target: &str, due: &str| {
        workbook(&[
            (ABOUT, about.clone()),
            (
                INDICATORS,
                text_rows(&[
                    &INDICATOR_COLUMNS,
                    &[
                        &f.code_a.to_string(),
                        &label,
                        "新增上云企业",
                        "家",
                        "0",
                        "120",
                        "越高越好",
                        "2020-05-01",
                        "2020-12-31",
                        "1",
                    ],
                    &[
                        "",
                        &label,
                        "建成5G基站",
                        "个",
                        "0",
                        target,
                        "越高越好",
                        "2020-05-01",
                        due,
                        "",
                    ],
                ]),
            ),
        ])
    };
    let before = common::contents(&t.pool).await;
    let res = post_multipart(
        &t,
        "/desk/unit/subplan",
        &f.liaison_a,
        multipart(
            &[("action", "save".into())],
            &[("sheet", "分方案.xlsx", &sheet("八十", "2020-04-01"))],
        ),
    )
    .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST, "{}", res.body);
    assert!(
        res.body
            .contains("“指标”表第3行F列（目标值）：目标值“八十”不是数字。"),
        "{}",
        res.body
    );
    assert!(
        res.body.contains("“指标”表第3行I列（完成期限）"),
        "{}",
        res.body
    );
    assert_eq!(common::contents(&t.pool).await, before);
    // A crafted sheet whose cells span the whole grid (A1 and XFD1048576): refused at once,
    // the server unharmed.
    let mut crafted = rust_xlsxwriter::Workbook::new();
    let ws = crafted.add_worksheet();
    ws.set_name(INDICATORS).unwrap();
    ws.write_string(0, 0, "指标编号").unwrap();
    ws.write_string(1_048_575, 16_383, "x").unwrap();
    let crafted = crafted.save_to_buffer().unwrap();
    let res = post_multipart(
        &t,
        "/desk/unit/subplan",
        &f.liaison_a,
        multipart(&[], &[("sheet", "大表.xlsx", &crafted)]),
    )
    .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert!(res.body.contains("超出了1000行或30列"), "{}", res.body);
    // Not a spreadsheet at all.
    let res = post_multipart(
        &t,
        "/desk/unit/subplan",
        &f.liaison_a,
        multipart(&[], &[("sheet", "分方案.xlsx", PDF)]),
    )
    .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert!(res.body.contains("这不是 XLSX 格式的表格"), "{}", res.body);
    // B's liaison uploading A's sheet: refused, it names another unit (B's is also frozen
    // while the office reviews it: 409).
    let res = post_multipart(
        &t,
        "/desk/unit/subplan",
        &f.liaison_b,
        multipart(&[], &[("sheet", "a.xlsx", &sheet("80", "2020-12-31"))]),
    )
    .await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert_eq!(common::contents(&t.pool).await, before);
    // Right: the draft holds both indicators, the first keeping its code.
    let res = post_multipart(
        &t,
        "/desk/unit/subplan",
        &f.liaison_a,
        multipart(&[], &[("sheet", "分方案.xlsx", &sheet("80", "2020-12-31"))]),
    )
    .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(res.location.as_deref(), Some("/desk/unit?done=sheet"));
    let latest = handling::subplans(&t.pool, f.a.id).await.unwrap();
    let draft = &latest[0];
    assert_eq!(draft.state, ceping::handling::subplan::SubplanState::Draft);
    assert_eq!(draft.indicators.len(), 2);
    assert_eq!(draft.indicators[0].0, f.code_a);
    assert_eq!(draft.indicators[0].1.target, 120.0);
    assert_eq!(draft.measures, "专班推进", "the measures stay");

    // The month's template, filled and uploaded: filed as the form would file it.
    let res = t
        .get(
            "/desk/unit/reports/2020-07/template.xlsx",
            Some(&f.liaison_a),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK);
    let book = ceping::server::service::sheets::read(&res.bytes).unwrap();
    assert_eq!(
        book.sheet(VALUES).unwrap()[1][6],
        "40",
        "June's value, for reference"
    );
    let mut statuses = vec![
        STATUS_COLUMNS
            .iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>(),
    ];
    for (task, _) in &f.a.tasks {
        let task = tasks
            .sections
            .iter()
            .flat_map(|s| &s.tasks)
            .find(|x| x.id == *task)
            .unwrap();
        let l = ceping::plan::label::task_label(task.section_number, task.number);
        statuses.push(vec![
            l,
            String::new(),
            "按计划推进".into(),
            String::new(),
            "推进中".into(),
        ]);
    }
    let month = |value: &str, period: &str| {
        workbook(&[
            (
                ABOUT,
                text_rows(&[&[ABOUT_UNIT, &f.a.name], &[ABOUT_PERIOD, period]]),
            ),
            (
                VALUES,
                text_rows(&[
                    &VALUE_COLUMNS,
                    &[
                        &f.code_a.to_string(),
                        "",
                        "",
                        "",
                        "",
                        "",
                        "",
                        value,
                        "表格填报",
                    ],
                ]),
            ),
            (STATUSES, statuses.clone()),
        ])
    };
    let july = "/desk/unit/reports/2020-07";
    let before = common::contents(&t.pool).await;
    let res = post_multipart(
        &t,
        july,
        &f.liaison_a,
        multipart(&[], &[("sheet", "7月.xlsx", &month("六十", "2020-07"))]),
    )
    .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert!(
        res.body.contains("“指标完成”表第2行H列（截至本月完成值）"),
        "{}",
        res.body
    );
    let res = post_multipart(
        &t,
        july,
        &f.liaison_a,
        multipart(&[], &[("sheet", "8月.xlsx", &month("60", "2020-08"))]),
    )
    .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert!(res.body.contains("不是2020年7月的"), "{}", res.body);
    assert_eq!(common::contents(&t.pool).await, before);
    let res = post_multipart(
        &t,
        july,
        &f.liaison_a,
        multipart(
            &[],
            &[
                ("sheet", "7月.xlsx", &month("60", "2020-07")),
                ("evidence", "台账.pdf", PDF),
            ],
        ),
    )
    .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let reports = handling::reports(&t.pool, f.a.id).await.unwrap();
    let filed = reports
        .iter()
        .find(|r| r.period.key() == "2020-07")
        .unwrap();
    assert_eq!(filed.values, vec![(f.code_a, 60.0, "表格填报".to_string())]);
    assert_eq!(filed.evidence.len(), 1);
    assert!(filed.tasks.iter().all(|t| t.1 == TaskStatus::OnTrack));
}
