//! Evaluators and results on a real SQLite database, through the router: indicators, score
//! sheets saved whole or not at all, submission, role checks, results recomputed from the raw
//! ballots, charts and the big screen.
#![cfg(feature = "ssr")]

use crate::common;

use common::{Round, TestApp, enc, scalar};

use axum::http::{StatusCode, header};
use ceping::ballot::{InviteCode, Scale};
use ceping::results::{ItemCounts, RoundInput, compute_results};
use ceping::server::repo::{results, score};

struct World {
    round: i64,
    items: Vec<String>,
    codes: Vec<InviteCode>,
    /// Cookies of two evaluators and the office.
    eva: String,
    evb: String,
    office: String,
}

/// The seed plan, a draft round of 44 items with `codes` invitations, three accounts.
async fn world(codes: usize) -> (TestApp, World) {
    let t = TestApp::new().await;
    let settings = common::round_settings("2020年度满意度测评");
    let Round { id, items, codes } = t.round_with_codes(&settings, codes).await;
    let world = World {
        round: id,
        items,
        codes,
        eva: t.evaluator("eva").await,
        evb: t.evaluator("evb").await,
        office: t.office("office").await,
    };
    (t, world)
}

#[tokio::test]
async fn a_new_round_has_the_default_indicators_and_the_office_edits_them_before_opening() {
    let (t, w) = world(0).await;
    let set = score::indicators(&t.pool, w.round).await.unwrap();
    let names: Vec<&str> = set.iter().map(|i| i.name.as_str()).collect();
    assert_eq!(
        names,
        ["工作进度", "指标完成", "落实成效", "代表参与", "机制与报送"]
    );
    assert_eq!(set.iter().map(|i| i.weight).sum::<f64>(), 100.0);

    let path = format!("/desk/rounds/{}/indicators", w.round);
    let page = t.get(&path, Some(&w.office)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("value=\"工作进度\""), "{}", page.body);

    // Weights adding up to 90: refused with the reason, nothing changed.
    let bad = format!(
        "name1={}&weight1=50&name2={}&weight2=40",
        enc("进度"),
        enc("成效")
    );
    let res = t.post(&path, Some(&w.office), &bad).await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert!(res.body.contains("各指标权重之和应为100"), "{}", res.body);
    assert!(!res.body.contains("The indicator weights"));
    assert_eq!(score::indicators(&t.pool, w.round).await.unwrap(), set);

    // A weight that is not a number.
    let bad = format!("name1={}&weight1=abc", enc("进度"));
    let res = t.post(&path, Some(&w.office), &bad).await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert!(res.body.contains("应为0到100之间的数"));

    let good = format!(
        "name1={}&guidance1={}&weight1=60&name2={}&weight2=40&name3=&weight3=",
        enc("工作进度"),
        enc("按期完成"),
        enc("落实成效")
    );
    let res = t.post(&path, Some(&w.office), &good).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let set = score::indicators(&t.pool, w.round).await.unwrap();
    assert_eq!(set.len(), 2);
    assert_eq!(
        (
            set[0].name.as_str(),
            set[0].guidance.as_str(),
            set[0].weight
        ),
        ("工作进度", "按期完成", 60.0)
    );

    // Once open, the set is frozen.
    t.open(w.round).await;
    let res = t.post(&path, Some(&w.office), &good).await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert!(res.body.contains("不能再修改"));
}

#[tokio::test]
async fn staff_pages_check_the_session_and_the_role() {
    let (t, w) = world(0).await;
    t.open(w.round).await;
    let r = w.round;
    // No session: to the sign-in page, which comes back here.
    for path in [
        format!("/results/{r}"),
        format!("/score/{r}"),
        format!("/score/{r}/t1"),
        format!("/desk/rounds/{r}/indicators"),
        format!("/results/{r}/tasks/1"),
    ] {
        let res = t.get(&path, None).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{path}");
        let to = res.location.unwrap();
        assert!(to.starts_with("/login?next=/"), "{path} → {to}");
    }
    let res = t.post(&format!("/score/{r}/t1"), None, "s1=80").await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    // A made-up token is no session.
    let fake = format!("ceping_session={}", "ab".repeat(32));
    assert_eq!(
        t.get(&format!("/results/{r}"), Some(&fake)).await.status,
        StatusCode::SEE_OTHER
    );

    // The wrong role: 403 with a page that says who may.
    let res = t.get(&format!("/score/{r}"), Some(&w.office)).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert!(res.body.contains("第三方评估人员"));
    let res = t
        .get(&format!("/desk/rounds/{r}/indicators"), Some(&w.eva))
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert!(res.body.contains("领导小组办公室"));
    let res = t
        .post(&format!("/score/{r}/t1"), Some(&w.office), "s1=80")
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert_eq!(scalar(&t.pool, "SELECT COUNT(*) FROM score_sheet").await, 0);

    // Both roles read results.
    assert_eq!(
        t.get(&format!("/results/{r}"), Some(&w.eva)).await.status,
        StatusCode::OK
    );
    assert_eq!(
        t.get(&format!("/results/{r}"), Some(&w.office))
            .await
            .status,
        StatusCode::OK
    );

    // An expired session is no session.
    sqlx::query("UPDATE session SET expires_at = '2000-01-01T00:00:00Z'")
        .execute(&t.pool)
        .await
        .unwrap();
    let res = t.get(&format!("/results/{r}"), Some(&w.office)).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_sheet_is_saved_whole_or_not_at_all_and_is_final_once_submitted() {
    let (t, w) = world(0).await;
    let r = w.round;
    let item = &w.items[0];
    let path = format!("/score/{r}/{item}");
    // Before the round opens: refused.
    let res = t.post(&path, Some(&w.eva), "s1=80").await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert!(res.body.contains("尚未开始"));
    t.open(w.round).await;

    let page = t.get(&path, Some(&w.eva)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("工作进度") && page.body.contains("权重 25"));

    // Out of range, or not a number: 400, the typed values shown again, nothing stored.
    for (body, says) in [
        ("s1=80&s2=120&s3=70&note=x", "超出范围"),
        ("s1=80&s2=-1", "超出范围"),
        ("s1=%E5%85%AB%E5%8D%81", "不是数字"),
    ] {
        let res = t.post(&path, Some(&w.eva), body).await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST, "{body}");
        assert!(res.body.contains(says), "{body}: {}", res.body);
        assert_eq!(scalar(&t.pool, "SELECT COUNT(*) FROM score").await, 0);
        assert_eq!(scalar(&t.pool, "SELECT COUNT(*) FROM score_sheet").await, 0);
    }
    let res = t.post(&path, Some(&w.eva), "s1=80&s2=120").await;
    assert!(
        res.body.contains("value=\"120\""),
        "the typed value is kept"
    );
    // Every bad value at once, each named and its field marked; the good one kept unmarked.
    let res = t
        .post(&path, Some(&w.eva), "s1=%E5%85%AB%E5%8D%81&s2=120&s3=70")
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert!(
        res.body.contains("“工作进度”") && res.body.contains("不是数字"),
        "{}",
        res.body
    );
    assert!(
        res.body.contains("“指标完成”") && res.body.contains("超出范围"),
        "{}",
        res.body
    );
    assert_eq!(
        res.body.matches("aria-invalid=\"true\"").count(),
        2,
        "{}",
        res.body
    );
    assert_eq!(scalar(&t.pool, "SELECT COUNT(*) FROM score").await, 0);
    // A note over the limit.
    let long = "很".repeat(score::MAX_NOTE_CHARS + 1);
    let res = t
        .post(&path, Some(&w.eva), &format!("s1=80&note={}", enc(&long)))
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert!(res.body.contains("最多2000个字"));
    // An item the round does not rate.
    let res = t
        .post(&format!("/score/{r}/t99999"), Some(&w.eva), "s1=80")
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    let res = t
        .post(&format!("/score/{r}/x1"), Some(&w.eva), "s1=80")
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);

    // Saved as they go: partial, then complete; "next" goes to the following item.
    let res = t.post(&path, Some(&w.eva), "s1=80&s2=&go=stay").await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(
        res.location.as_deref(),
        Some(format!("{path}?saved=1").as_str())
    );
    let body = format!(
        "s1=90&s2=85.5&s3=80&s4=70&s5=100&note={}&go=next",
        enc("月报按时报送")
    );
    let res = t.post(&path, Some(&w.eva), &body).await;
    assert_eq!(
        res.location.as_deref(),
        Some(format!("/score/{r}/{}", w.items[1]).as_str())
    );
    let sheets = score::sheets_of(&t.pool, r, 1).await.unwrap();
    assert_eq!(sheets.len(), 1, "one sheet, replaced rather than added");
    let sheet = &sheets[item];
    assert_eq!(
        sheet.scores,
        vec![Some(90.0), Some(85.5), Some(80.0), Some(70.0), Some(100.0)]
    );
    assert_eq!(sheet.note, "月报按时报送");
    let page = t.get(&path, Some(&w.eva)).await;
    assert!(page.body.contains("value=\"85.5\""));

    // Not submitted: it does not count yet.
    let report = results::load(&t.pool, r).await.unwrap();
    assert_eq!(report.result(item).unwrap().evaluators.score, None);

    let overview = t.get(&format!("/score/{r}"), Some(&w.eva)).await;
    assert!(
        overview.body.contains("已评完 1/44 项"),
        "{}",
        overview.body
    );
    // Closing now would leave this evaluator's saved sheet out: the office is told by name.
    let ask = t
        .post(
            &format!("/desk/rounds/{r}/state"),
            Some(&w.office),
            "action=close",
        )
        .await;
    assert!(
        ask.text().contains("以下评估人员有已保存但未提交的评分"),
        "{}",
        ask.text()
    );
    assert!(ask.text().contains("（已保存1项）"), "{}", ask.text());
    // Submitting asks first, naming what is unfinished; nothing is final until confirmed.
    let res = t
        .post(&format!("/score/{r}/submit"), Some(&w.eva), "")
        .await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.text().contains("确认提交评分"), "{}", res.text());
    assert!(res.text().contains("还有 43 项没有评完"), "{}", res.text());
    assert_eq!(
        results::load(&t.pool, r)
            .await
            .unwrap()
            .evaluators_submitted,
        0
    );
    let res = t
        .post(&format!("/score/{r}/submit"), Some(&w.eva), "confirm=1")
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    // 90×.25 + 85.5×.25 + 80×.25 + 70×.10 + 100×.15 = 85.875
    let report = results::load(&t.pool, r).await.unwrap();
    let got = report.result(item).unwrap().evaluators.score.unwrap();
    assert!((got - 85.875).abs() < 1e-9, "{got}");
    assert_eq!(report.evaluators_submitted, 1);

    // Final: the sheet reads as text, not as fields that look as if they could be typed in.
    let page = t.get(&path, Some(&w.eva)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("评分已定稿，不能再修改"),
        "{}",
        page.body
    );
    assert!(page.body.contains("90 分") && page.body.contains("85.5 分"));
    assert!(!page.body.contains("name=\"s1\"") && !page.body.contains("<textarea"));
    // And no more saving.
    let res = t.post(&path, Some(&w.eva), "s1=10").await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert!(res.body.contains("已定稿"));
    assert_eq!(
        score::sheets_of(&t.pool, r, 1).await.unwrap()[item].scores[0],
        Some(90.0)
    );
    // Another evaluator is not affected.
    let res = t.post(&path, Some(&w.evb), "s1=50").await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
}

/// Casts `n` ballots through the router: ballot k gives item i level (i + k) % 3, and leaves
/// every item i with (i + k) % 7 == 0 unrated.
async fn cast(t: &TestApp, w: &World, n: usize) {
    let levels = ["satisfied", "basic", "dissatisfied"];
    for (k, code) in w.codes.iter().take(n).enumerate() {
        let mut body = format!("idem=IDEM{k:016}&action=submit");
        for (i, item) in w.items.iter().enumerate() {
            if (i + k) % 7 != 0 {
                body.push_str(&format!("&r.{item}={}", levels[(i + k) % 3]));
            }
        }
        let res = t.vote(code, &body).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    }
}

#[tokio::test]
async fn the_tellers_count_equals_a_plain_recount_of_what_was_cast() {
    let (t, w) = world(40).await;
    t.open(w.round).await;
    cast(&t, &w, 37).await;
    // The tellers open the count; the test keeps its own plain recount of what it cast.
    t.count(w.round).await;
    let report = results::load(&t.pool, w.round).await.unwrap();
    assert_eq!(report.turnout, (37, 40));
    let mut counts: Vec<ItemCounts> = w
        .items
        .iter()
        .map(|i| ItemCounts::new(i.clone(), vec![0; 3], 0))
        .collect();
    for k in 0..37usize {
        for (i, c) in counts.iter_mut().enumerate() {
            if (i + k) % 7 != 0 {
                c.counts[(i + k) % 3] += 1;
            } else {
                c.not_rated += 1;
            }
        }
    }
    let recount = compute_results(
        &RoundInput {
            scale: Scale::three_level(),
            deputy_counts: counts.clone(),
            indicators: None,
            evaluator_sheets: vec![],
            tasks: w
                .items
                .iter()
                .filter(|i| i.starts_with('t'))
                .cloned()
                .collect(),
            units: w
                .items
                .iter()
                .filter(|i| i.starts_with('u'))
                .cloned()
                .collect(),
        },
        &report.round.results_config,
    )
    .unwrap();
    for item in &w.items {
        assert_eq!(
            report.result(item).unwrap().deputies,
            recount.item(item).unwrap().deputies,
            "{item}"
        );
    }
    assert_eq!(report.results.task_ranking, recount.task_ranking);
    assert_eq!(report.results.unit_ranking, recount.unit_ranking);

    // One item by hand: item 0 is left unrated by ballots k ≡ 0 (mod 7), rated (k % 3) else.
    let (mut c, mut skipped) = ([0u64; 3], 0u64);
    for k in 0..37usize {
        if k % 7 == 0 {
            skipped += 1;
        } else {
            c[k % 3] += 1;
        }
    }
    let first = report.result(&w.items[0]).unwrap();
    assert_eq!(first.deputies.counts, c.to_vec());
    assert_eq!(first.deputies.not_rated, skipped);
    let rate = (c[0] + c[1]) as f64 / (c[0] + c[1] + c[2]) as f64;
    assert!((first.deputies.satisfaction_rate.unwrap() - rate).abs() < 1e-12);
}

#[tokio::test]
async fn results_pages_charts_and_the_big_screen() {
    let (t, w) = world(10).await;
    t.open(w.round).await;
    cast(&t, &w, 6).await;
    let r = w.round;
    let unit_id = w.items.iter().find(|i| i.starts_with('u')).unwrap()[1..].to_string();

    // While the round is open no figure exists: results are withheld from everyone, staff
    // included, and the page says why.
    let page = t.get(&format!("/results/{r}"), Some(&w.office)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("已投 6 / 应投 10") && page.body.contains("选票已密封保存"));
    assert!(!page.body.contains("综合指数") && !page.body.contains("units-ranked.svg"));
    let task = t.get(&format!("/results/{r}/tasks/1"), Some(&w.eva)).await;
    assert_eq!(task.status, StatusCode::FORBIDDEN);
    for (who, status) in [
        (Some(&w.office), StatusCode::FORBIDDEN),
        (None, StatusCode::UNAUTHORIZED),
    ] {
        let chart = t
            .get(
                &format!("/results/{r}/charts/units-ranked.svg"),
                who.map(String::as_str),
            )
            .await;
        assert_eq!(chart.status, status);
    }
    assert_eq!(
        t.get(&format!("/results/{r}/charts/turnout.svg"), None)
            .await
            .status,
        StatusCode::OK
    );
    let screen = t.get(&format!("/screen/{r}"), None).await;
    assert_eq!(screen.status, StatusCode::OK);
    assert!(screen.body.contains("http-equiv=\"refresh\""));
    assert!(screen.body.contains("监票人计票后公布结果"));
    assert!(!screen.body.contains("screen-table"));

    // Closed but not yet counted: still no figure anywhere, the office's pages included; the
    // screen says the count is awaited.
    t.close(r).await;
    let page = t.get(&format!("/results/{r}"), Some(&w.office)).await;
    assert!(!page.body.contains("综合指数") && !page.body.contains("units-ranked.svg"));
    assert_eq!(
        t.get(&format!("/results/{r}/charts/units-ranked.svg"), None)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    let screen = t.get(&format!("/screen/{r}"), None).await;
    assert!(!screen.body.contains("screen-table"));

    // Counted by two tellers: the full pages, and the screen stops reloading.
    t.count(r).await;
    let page = t.get(&format!("/results/{r}"), Some(&w.office)).await;
    assert_eq!(page.status, StatusCode::OK);
    for text in [
        "测评结果",
        "已投 6 / 应投 10",
        "满意率",
        "综合指数",
        "units-ranked.svg",
        "满意 + 基本满意",
    ] {
        assert!(page.body.contains(text), "{text}");
    }
    assert!(!page.body.contains("测评已结束，等待监票人计票"));
    // The 概况 leads, before the turnout: the engine's counts, and each flagged item linked
    // with its figures.
    let report = results::load(&t.pool, r).await.unwrap();
    let o = report.overview();
    let summary = page.body.find("<h2>概况</h2>").expect("a summary");
    assert!(summary < page.body.find("<h2>参与情况</h2>").unwrap());
    for (n, class) in o.by_class.iter().zip(["满意", "基本满意", "不满意"]) {
        assert!(
            page.body
                .contains(&format!("<strong>{n}</strong> 项{class}</li>")),
            "{n} {class}"
        );
    }
    // The counts are the engine's, item by item.
    use ceping::results::Classification as C;
    for (k, class) in [C::Satisfied, C::Basic, C::Dissatisfied]
        .into_iter()
        .enumerate()
    {
        let n = report
            .items
            .iter()
            .filter(|m| {
                report
                    .result(&m.item)
                    .and_then(|x| x.deputies.classification)
                    == Some(class)
            })
            .count();
        assert_eq!(o.by_class[k], n, "{class:?}");
    }
    assert_eq!(
        o.flagged.len(),
        report
            .items
            .iter()
            .filter(|m| report.result(&m.item).unwrap().needs_rework)
            .count()
    );
    let threshold = report.results.method.config.rework_threshold;
    for m in &o.flagged {
        let why = report.result(&m.item).unwrap().rework_explained(threshold);
        assert!(page.body.contains(&format!("<a href=\"{}\">", m.href(r))));
        assert!(page.body.contains(&format!("：{why}")), "{why}");
    }
    let task = t.get(&format!("/results/{r}/tasks/1"), Some(&w.eva)).await;
    assert_eq!(task.status, StatusCode::OK);
    assert!(task.body.contains("（N = ") && task.body.contains("暂无已提交的评估打分"));
    let unit = t
        .get(&format!("/results/{r}/units/{unit_id}"), Some(&w.eva))
        .await;
    assert_eq!(unit.status, StatusCode::OK);
    assert!(unit.body.contains("相关工作任务"));
    assert_eq!(
        t.get(&format!("/results/{r}/tasks/99999"), Some(&w.eva))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        t.get("/results/999", Some(&w.eva)).await.status,
        StatusCode::NOT_FOUND
    );

    // Charts: SVG with Chinese labels.
    for name in [
        "turnout",
        "tasks-levels",
        "units-levels",
        "tasks-ranked",
        "units-ranked",
        "task-indicators",
    ] {
        let res = t
            .get(&format!("/results/{r}/charts/{name}.svg"), Some(&w.office))
            .await;
        assert_eq!(res.status, StatusCode::OK, "{name}");
        assert!(
            res.headers[header::CONTENT_TYPE]
                .to_str()
                .unwrap()
                .starts_with("image/svg+xml")
        );
        assert!(
            res.body.starts_with("<svg") && res.body.trim_end().ends_with("</svg>"),
            "{name}"
        );
        assert!(res.body.contains("<title>"), "{name}");
    }
    let levels = t
        .get(
            &format!("/results/{r}/charts/tasks-levels.svg"),
            Some(&w.office),
        )
        .await;
    assert!(levels.body.contains("基本满意"));
    // The phone layout of the distributions and the ranked bars: 400 wide, offered to narrow
    // screens by the page.
    for name in [
        "tasks-levels",
        "units-levels",
        "tasks-ranked",
        "units-ranked",
    ] {
        let narrow = t
            .get(
                &format!("/results/{r}/charts/{name}.svg?narrow=1"),
                Some(&w.office),
            )
            .await;
        assert_eq!(narrow.status, StatusCode::OK);
        assert!(narrow.body.contains("viewBox=\"0 0 400 "), "{name}");
        assert!(
            page.body.contains(&format!(
                "<source media=\"(max-width: 40rem)\" srcset=\"/results/{r}/charts/{name}.svg?narrow=1\""
            )),
            "{name}"
        );
    }
    assert_eq!(
        t.get(&format!("/results/{r}/charts/nope.svg"), Some(&w.office))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        t.get(&format!("/results/{r}/charts/compare.svg"), Some(&w.office))
            .await
            .status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        t.get(
            &format!("/results/{r}/charts/compare.svg?vs=999"),
            Some(&w.office)
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );

    // Counted: the screen turns through the results a page at a time (14 tasks and 30 units,
    // 10 rows a column: 3 pages), back to the first after the last; ?all=1 holds still.
    let screen = t.get(&format!("/screen/{r}"), None).await;
    assert!(screen.body.contains("工作任务（按综合指数排名）"));
    assert!(screen.body.contains("第 1 / 3 页"));
    assert!(
        screen
            .body
            .contains(&format!("content=\"15;url=/screen/{r}?page=2\""))
    );
    assert_eq!(
        screen.body.matches("<tr>").count(),
        2 + 20,
        "two heads, ten rows each"
    );
    let last = t.get(&format!("/screen/{r}?page=3"), None).await;
    assert!(last.body.contains("第 3 / 3 页") && last.body.contains("已在前页列完"));
    assert!(
        last.body
            .contains(&format!("content=\"15;url=/screen/{r}?page=1\""))
    );
    // A page out of range or not a number is the first page, never an error.
    for bad in ["0", "4", "-1", "x", "99999999999999999999999"] {
        let res = t.get(&format!("/screen/{r}?page={bad}"), None).await;
        assert_eq!(res.status, StatusCode::OK, "{bad}");
        assert!(res.body.contains("第 1 / 3 页"), "{bad}");
    }
    let all = t.get(&format!("/screen/{r}?all=1"), None).await;
    assert!(!all.body.contains("http-equiv=\"refresh\""));
    assert!(all.body.contains("units-ranked.svg") && !all.body.contains("自动翻页"));
    assert_eq!(
        t.get("/screen/999", None).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn one_round_is_compared_with_another_of_the_same_plan() {
    let (t, w) = world(6).await;
    t.open(w.round).await;
    cast(&t, &w, 3).await;
    let second = t.round("半年检查").await;
    t.count(w.round).await;
    // An uncounted round is never shown, not even as the other side of a comparison.
    let hidden = t
        .get(&format!("/results/1/charts/compare.svg?vs={second}"), None)
        .await;
    assert_eq!(hidden.status, StatusCode::NOT_FOUND);
    t.open(second).await;
    t.count(second).await;
    let page = t
        .get(
            &format!("/results/{second}?vs={}", w.round),
            Some(&w.office),
        )
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("轮次对比") && page.body.contains("变化（百分点）"));
    let chart = t
        .get(
            &format!("/results/{second}/charts/compare.svg?vs={}", w.round),
            Some(&w.office),
        )
        .await;
    assert_eq!(chart.status, StatusCode::OK);
    assert!(chart.body.contains("2020年度满意度测评") && chart.body.contains("半年检查"));
}
