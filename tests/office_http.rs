//! The office's pages through the router: every action works for the office and is refused to
//! evaluators and to visitors without a session (deputies have none); rounds, settings,
//! invitations and slips, turnout, the non-voters list, exports checked against the engine.
#![cfg(feature = "ssr")]

use crate::common;

use common::{PASSWORD, TestApp, enc};

use axum::http::{Method, StatusCode, header};
use calamine::{Data, Reader, Xlsx};
use ceping::ballot::InviteCode;
use ceping::server::repo::invite;
use ceping::server::repo::round::{self, RoundState};
use ceping::server::repo::{audit, results};

/// The session cookies of the office and of an evaluator.
struct Staff {
    office: String,
    evaluator: String,
}

/// The seed plan, with the office and an evaluator signed in.
async fn office() -> (TestApp, Staff) {
    let t = TestApp::new().await;
    let staff = Staff {
        office: t.office("office").await,
        evaluator: t.evaluator("expert").await,
    };
    (t, staff)
}

/// Creates round "2020年度满意度测评" through the page; returns its id.
async fn new_round(t: &TestApp, o: &Staff) -> i64 {
    let body = format!(
        "name={}&opens=2020-12-20T09%3A00&closes=2099-12-20T12%3A00&items=both&scale=three&comments=1",
        enc("2020年度满意度测评")
    );
    let res = t.post("/desk/rounds", Some(&o.office), &body).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text());
    let to = res.location.unwrap();
    let id: i64 = to
        .trim_start_matches("/desk/rounds/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    id
}

#[tokio::test]
async fn every_office_page_is_refused_to_evaluators_and_visitors() {
    let (t, o) = office().await;
    let r = new_round(&t, &o).await;
    let gets = [
        "/desk/rounds/new".to_string(),
        format!("/desk/rounds/{r}"),
        format!("/desk/rounds/{r}/invitations"),
        format!("/desk/rounds/{r}/non-voters.csv"),
        format!("/desk/rounds/{r}/export.xlsx"),
        format!("/desk/rounds/{r}/export.csv"),
        format!("/desk/rounds/{r}/ballots.csv"),
        format!("/desk/rounds/{r}/indicators"),
        format!("/desk/rounds/{r}/report"),
        "/desk/audit".to_string(),
    ];
    let posts = [
        ("/desk/rounds".to_string(), "name=x"),
        (format!("/desk/rounds/{r}/state"), "action=open"),
        (format!("/desk/rounds/{r}/settings"), "group=50,50"),
        (format!("/desk/rounds/{r}/invitations"), "count=3"),
        (
            format!("/desk/rounds/{r}/invitations/1/revoke"),
            "reissue=1",
        ),
        (
            format!("/desk/rounds/{r}/indicators"),
            "name1=a&weight1=100",
        ),
    ];
    let before = audit::all(&t.pool).await.unwrap().len();
    for path in &gets {
        let res = t.get(path, None).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "anonymous GET {path}");
        assert!(res.location.unwrap().starts_with("/login?next="));
        let res = t.get(path, Some(&o.evaluator)).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "evaluator GET {path}");
        let res = t.get(path, Some(&o.office)).await;
        // Exports and the report wait until the round is counted (it is a draft here); no
        // export holds single ballots, ever.
        let after_count = path.contains("export") || path.ends_with("/report");
        let expected = if path.ends_with("ballots.csv") {
            StatusCode::GONE
        } else if after_count {
            StatusCode::CONFLICT
        } else {
            StatusCode::OK
        };
        assert_eq!(res.status, expected, "office GET {path}");
    }
    for (path, body) in &posts {
        let res = t.post(path, None, body).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "anonymous POST {path}");
        let res = t.post(path, Some(&o.evaluator), body).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "evaluator POST {path}");
    }
    // Nothing was changed by the refused posts (exports by the office are recorded).
    let r_now = round::get(&t.pool, r).await.unwrap();
    assert_eq!(r_now.state, RoundState::Draft);
    assert_eq!(invite::list(&t.pool, r).await.unwrap().len(), 0);
    let actions: Vec<String> = audit::all(&t.pool).await.unwrap()[before..]
        .iter()
        .map(|e| e.action.clone())
        .collect();
    assert!(
        actions.iter().all(|a| a.starts_with("export")),
        "{actions:?}"
    );
}

#[tokio::test]
async fn the_office_creates_configures_opens_and_closes_a_round() {
    let (t, o) = office().await;
    // Bad input: a clear message, nothing stored.
    let res = t
        .post("/desk/rounds", Some(&o.office), "name=&items=both")
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert!(res.text().contains("请填写测评轮次的名称"));
    let body = format!(
        "name={}&opens=2020-12-20T12%3A00&closes=2020-12-20T09%3A00",
        enc("轮次")
    );
    let res = t.post("/desk/rounds", Some(&o.office), &body).await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert!(res.text().contains("结束时间应晚于开始时间"));
    assert!(round::list(&t.pool).await.unwrap().is_empty());

    let r = new_round(&t, &o).await;
    let stored = round::get(&t.pool, r).await.unwrap();
    assert_eq!(
        stored.opens_at.as_deref(),
        Some("2020-12-20T09:00:00+08:00")
    );
    assert!(stored.comments_allowed);
    let page = t.get(&format!("/desk/rounds/{r}"), Some(&o.office)).await;
    assert!(page.text().contains("2020年度满意度测评") && page.text().contains("44 项"));

    // Settings while a draft: checked, then saved.
    let path = format!("/desk/rounds/{r}/settings");
    let res = t
        .post(&path, Some(&o.office), "denominator=present&n=")
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert!(res.text().contains("请填写人数"));
    let res = t
        .post(
            &path,
            Some(&o.office),
            "denominator=invited&n=480&group=70%2C30&threshold=85&trim=1",
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let c = round::get(&t.pool, r).await.unwrap().results_config;
    assert_eq!(c.group_weights, (70.0, 30.0));
    assert!(c.trim);

    // No tellers' key yet: the round cannot open, and the desk says what to do.
    assert!(page.text().contains("尚未指定监票人"));
    let open = |t: &TestApp| {
        let (t, o) = (t.clone(), o.office.clone());
        async move {
            t.post(
                &format!("/desk/rounds/{r}/state"),
                Some(&o),
                "action=open&confirm=1",
            )
            .await
        }
    };
    let res = open(&t).await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert!(
        res.text().contains("监票人还没有生成密钥"),
        "{}",
        res.text()
    );
    assert_eq!(
        round::get(&t.pool, r).await.unwrap().state,
        RoundState::Draft
    );
    // With the keys made (a trial: one person made them all, and the desk says so), it opens;
    // then the settings are frozen.
    common::solo_keys(&t.pool, r).await;
    let page = t.get(&format!("/desk/rounds/{r}"), Some(&o.office)).await;
    assert!(page.text().contains("试用轮次") && page.text().contains("联合公钥已生成"));
    // Opening asks first, saying what freezes for good.
    let ask = t
        .post(
            &format!("/desk/rounds/{r}/state"),
            Some(&o.office),
            "action=open",
        )
        .await;
    assert_eq!(ask.status, StatusCode::OK);
    for says in [
        "确认开始测评",
        "评价等级：满意、基本满意、不满意",
        "需重新办理的标准",
        "监票人：",
        "已发放邀请码 0 个",
    ] {
        assert!(ask.text().contains(says), "{says}: {}", ask.text());
    }
    assert_eq!(
        round::get(&t.pool, r).await.unwrap().state,
        RoundState::Draft
    );
    assert_eq!(open(&t).await.status, StatusCode::SEE_OTHER);
    let res = t
        .post(&path, Some(&o.office), "group=50%2C50&publish=1")
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    let now = round::get(&t.pool, r).await.unwrap();
    assert_eq!(now.results_config.group_weights, (70.0, 30.0), "frozen");

    // Closing asks first.
    let state = format!("/desk/rounds/{r}/state");
    let res = t.post(&state, Some(&o.office), "action=close").await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.text().contains("确认结束测评"));
    assert_eq!(
        round::get(&t.pool, r).await.unwrap().state,
        RoundState::Open
    );
    let res = t
        .post(&state, Some(&o.office), "action=close&confirm=1")
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    // The desk says when the round actually opened and closed, in Beijing time.
    let desk = t
        .get(&format!("/desk/rounds/{r}"), Some(&o.office))
        .await
        .text();
    let today = chrono::Utc::now()
        .with_timezone(&ceping::clock::beijing())
        .format("%Y-%m-%d")
        .to_string();
    for what in ["建立", "开始测评", "结束测评"] {
        assert!(
            desk.contains(&format!("<li>{what}：{today} ")) && desk.contains("（北京时间）</li>"),
            "{what}: {desk}"
        );
    }
    assert_eq!(
        round::get(&t.pool, r).await.unwrap().state,
        RoundState::Closed
    );
    let res = t
        .post(&state, Some(&o.office), "action=close&confirm=1")
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert!(res.text().contains("已结束"));
    // The round page says where the round stands: ended, not "started".
    let page = t.get(&format!("/desk/rounds/{r}"), Some(&o.office)).await;
    assert!(page.text().contains("测评已结束，计算方法已锁定"));
    assert!(!page.text().contains("测评已开始，计算方法已锁定"));
    let res = t.post(&state, Some(&o.office), "action=explode").await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);

    // All recorded, by the office's login.
    let entries = audit::all(&t.pool).await.unwrap();
    let mine: Vec<&str> = entries
        .iter()
        .filter(|e| e.actor == "office")
        .map(|e| e.action.as_str())
        .collect();
    assert_eq!(
        mine,
        [
            "totp.enable",
            "round.create",
            "round.configure",
            "round.open",
            "round.close"
        ]
    );
    assert!(audit::verify(&t.pool, None).await.unwrap().is_ok());
    let page = t.get("/desk/audit", Some(&o.office)).await;
    assert!(page.text().contains("审计日志完整"));
    // Read in Chinese and in Beijing time, the stored code kept in the cell's title.
    assert!(
        page.text()
            .contains(r#"<td title="round.open">开始测评</td>"#),
        "{}",
        page.text()
    );
    assert!(
        page.text()
            .contains(r#"<td title="round.close">结束测评</td>"#)
    );
    assert!(page.text().contains("时间（北京时间）"));
    let opened = entries.iter().find(|e| e.action == "round.open").unwrap();
    let beijing = chrono::DateTime::parse_from_rfc3339(&opened.at)
        .unwrap()
        .with_timezone(&ceping::clock::beijing())
        .format("%Y-%m-%d %H:%M:%S")
        .to_string();
    assert!(page.text().contains(&beijing), "{beijing}");
}

/// The codes on a slip page.
fn codes_on(page: &str) -> Vec<InviteCode> {
    page.split("class=\"slip-code\">")
        .skip(1)
        .map(|rest| InviteCode::parse(&rest[..23]).unwrap())
        .collect()
}

#[tokio::test]
async fn invitations_slips_turnout_and_the_non_voters_list() {
    let (t, o) = office().await;
    let r = new_round(&t, &o).await;
    common::solo_keys(&t.pool, r).await;
    t.post(
        &format!("/desk/rounds/{r}/state"),
        Some(&o.office),
        "action=open&confirm=1",
    )
    .await;
    let path = format!("/desk/rounds/{r}/invitations");

    for (body, says) in [
        ("names=&count=", "请粘贴代表名单"),
        ("count=0", "应为正整数"),
        ("count=2001", "一次最多生成2000个"),
    ] {
        let res = t.post(&path, Some(&o.office), body).await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST, "{body}");
        assert!(res.text().contains(says), "{body}");
    }
    assert!(invite::list(&t.pool, r).await.unwrap().is_empty());

    // Six deputies of one delegation, two of another, one formula-looking name.
    let mut names = String::from("姓名,代表团\n");
    for i in 1..=6 {
        names.push_str(&format!("代表{i},江岸代表团\n"));
    }
    names.push_str("=HYPERLINK(\"x\"),武昌代表团\n王五，武昌代表团\n");
    // The round is open: codes made now carry a reason.
    let res = t
        .post(
            &path,
            Some(&o.office),
            &format!("names={}&reason={}", enc(&names), enc("代表名单补充")),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK);
    let page = res.text();
    let codes = codes_on(&page);
    assert_eq!(codes.len(), 8);
    assert_eq!(page.matches("<svg").count(), 8, "a QR code per slip");
    assert!(
        page.contains("http://rd.example.cn/v/"),
        "links use the address the office used"
    );
    assert!(page.contains("data:text/csv"));
    assert!(page.contains("代表1（江岸代表团）"));
    let stored = invite::list(&t.pool, r).await.unwrap();
    assert_eq!(stored.len(), 8);
    assert_eq!(stored[7].label.as_deref(), Some("王五"));

    // Five of 江岸 vote, one of 武昌.
    for code in codes[..5].iter().chain([&codes[6]]) {
        let res = t
            .vote(
                code,
                &format!(
                    "idem={}&action=submit",
                    ceping::ballot::new_idempotency_key(&mut rand::rngs::OsRng)
                ),
            )
            .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    }
    let desk = t
        .get(&format!("/desk/rounds/{r}"), Some(&o.office))
        .await
        .text();
    assert!(desk.contains("已投 6 / 应投 8"));
    let jiangan = desk.split("江岸代表团").nth(1).unwrap();
    assert!(
        jiangan.starts_with("</th><td class=\"num\">6</td><td class=\"num\">5</td>"),
        "{jiangan}"
    );
    let wuchang = desk.split("武昌代表团").nth(1).unwrap();
    assert!(wuchang.contains("不足5人"), "a group under 5 is not shown");
    // Delegations in pinyin order (jiang before wu), not by character code (武 U+6B66 is
    // before 江 U+6C5F).
    assert!(desk.find("江岸代表团").unwrap() < desk.find("武昌代表团").unwrap());
    assert!(desk.contains("尚未投票：2 人"));

    // The non-voters list: BOM, the two who have not voted, formula neutralised.
    let csv = t
        .get(&format!("/desk/rounds/{r}/non-voters.csv"), Some(&o.office))
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.bytes.starts_with(&[0xEF, 0xBB, 0xBF]));
    let disposition = csv.headers[header::CONTENT_DISPOSITION].to_str().unwrap();
    assert!(
        disposition.starts_with("attachment; filename=\""),
        "{disposition}"
    );
    // Saved under the round's name in Chinese: "-未投票名单.csv", percent-encoded UTF-8.
    assert!(
        disposition.contains("filename*=UTF-8''")
            && disposition.ends_with("-%E6%9C%AA%E6%8A%95%E7%A5%A8%E5%90%8D%E5%8D%95.csv"),
        "{disposition}"
    );
    let text = csv.text();
    assert!(text.contains("代表6,江岸代表团"));
    assert!(text.contains("王五,武昌代表团"));
    assert!(!text.contains("代表1,"));
    let voted_formula = stored[6].label.clone().unwrap();
    assert!(voted_formula.starts_with('='));
    assert!(
        !text.contains(&voted_formula),
        "the one who voted is not listed"
    );

    // Revoke and reissue 代表6's code: the old one opens nothing, the new slip is shown. The
    // round is open, so a reissue needs a reason, and without one changes nothing.
    let id6 = stored[5].id;
    let refused = t
        .post(
            &format!("{path}/{id6}/revoke"),
            Some(&o.office),
            "reissue=1",
        )
        .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert!(refused.text().contains("必须填写理由"));
    // With its reason it asks first, naming the code; nothing changes until confirmed.
    let ask = t
        .post(
            &format!("{path}/{id6}/revoke"),
            Some(&o.office),
            &format!("reissue=1&reason={}", enc("邀请函遗失")),
        )
        .await;
    assert_eq!(ask.status, StatusCode::OK);
    assert!(ask.text().contains("确认补发邀请码"), "{}", ask.text());
    assert!(
        ask.text().contains(&format!("第{id6}号邀请码（代表6")),
        "{}",
        ask.text()
    );
    assert!(codes_on(&ask.text()).is_empty(), "no code made yet");
    assert_eq!(
        t.get(&format!("/v/{}", codes[5].display()), None)
            .await
            .status,
        StatusCode::OK,
        "the old code still works until confirmed"
    );
    let res = t
        .post(
            &format!("{path}/{id6}/revoke"),
            Some(&o.office),
            &format!("reissue=1&confirm=1&reason={}", enc("邀请函遗失")),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK);
    let fresh = codes_on(&res.text());
    assert_eq!(fresh.len(), 1);
    let old = t.get(&format!("/v/{}", codes[5].display()), None).await;
    assert_eq!(old.status, StatusCode::FORBIDDEN);
    assert!(old.text().contains("作废"), "{}", old.text());
    assert_eq!(
        t.get(&format!("/v/{}", fresh[0].display()), None)
            .await
            .status,
        StatusCode::OK
    );
    let res = t
        .post(&format!("{path}/{id6}/revoke"), Some(&o.office), "")
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert!(res.text().contains("已经作废"));
    let res = t
        .post(&format!("{path}/99999/revoke"), Some(&o.office), "")
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    // Closing names who has not voted yet.
    let ask = t
        .post(
            &format!("/desk/rounds/{r}/state"),
            Some(&o.office),
            "action=close",
        )
        .await;
    assert!(ask.text().contains("人未投票"), "{}", ask.text());
    assert!(ask.text().contains("代表6"), "{}", ask.text());
}

async fn cast(t: &TestApp, codes: &[InviteCode], items: &[String]) {
    let levels = ["satisfied", "basic", "dissatisfied"];
    for (k, code) in codes.iter().enumerate() {
        let mut body = format!("idem=EXPORT{k:014}&action=submit");
        for (i, item) in items.iter().enumerate() {
            if (i + k) % 5 != 0 {
                body.push_str(&format!("&r.{item}={}", levels[(i * 7 + k) % 3]));
            }
        }
        if k % 4 == 0 {
            body.push_str(&format!("&c.{}={}", items[0], enc("=2+5 要加快")));
            body.push_str(&format!("&comment={}", enc("总体满意")));
        }
        let res = t.vote(code, &body).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    }
}

#[tokio::test]
async fn exports_hold_the_same_numbers_as_the_engine() {
    let (t, o) = office().await;
    let r = new_round(&t, &o).await;
    t.open(r).await;
    let codes = t.codes_with_reason(r, 23, "测试").await;
    let items = t.items(r).await;
    cast(&t, &codes[..21], &items).await;
    // Nothing leaves before the tellers' count, open or closed: no figure exists before it.
    let withheld = |t: &TestApp| {
        let (t, office) = (t.clone(), o.office.clone());
        async move {
            for name in ["export.xlsx", "export.csv", "comments.csv", "report"] {
                let res = t
                    .get(&format!("/desk/rounds/{r}/{name}"), Some(&office))
                    .await;
                assert_eq!(res.status, StatusCode::CONFLICT, "{name}");
                assert!(res.text().contains("计票后"), "{name}");
            }
            // And no export holds single ballots, ever.
            let res = t
                .get(&format!("/desk/rounds/{r}/ballots.csv"), Some(&office))
                .await;
            assert_eq!(res.status, StatusCode::GONE);
        }
    };
    withheld(&t).await;
    t.close(r).await;
    withheld(&t).await;
    t.count(r).await;
    let report = results::load(&t.pool, r).await.unwrap();
    // The engine's figures are what was cast, by a plain recount the test keeps.
    for (i, item) in items.iter().enumerate() {
        let (mut want, mut unrated) = ([0u64; 3], 0u64);
        for k in 0..21 {
            if (i + k) % 5 != 0 {
                want[(i * 7 + k) % 3] += 1;
            } else {
                unrated += 1;
            }
        }
        let got = &report.result(item).unwrap().deputies;
        assert_eq!(
            (got.counts.as_slice(), got.not_rated),
            (&want[..], unrated),
            "{item}"
        );
    }

    // XLSX: every sheet, the tasks' figures equal to the engine's.
    let res = t
        .get(&format!("/desk/rounds/{r}/export.xlsx"), Some(&o.office))
        .await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(
        res.headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .contains("spreadsheetml")
    );
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(res.bytes.clone())).unwrap();
    assert_eq!(
        book.sheet_names(),
        [
            "汇总",
            "工作任务",
            "成员单位",
            "评估打分",
            "办理情况",
            "意见",
        ]
    );
    // The year of handling's sheet: its header, and no rows before any sub-plan is approved.
    let year = book.worksheet_range("办理情况").unwrap();
    let first: Vec<String> = year
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(&first[..4], ["任务", "单位", "牵头", "指标"]);
    assert_eq!(year.rows().count(), 1);
    let tasks = book.worksheet_range("工作任务").unwrap();
    let header: Vec<String> = tasks
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let mut seen = 0;
    for row in tasks.rows().skip(1) {
        let item = row[col("编号")].to_string();
        let r = report.result(&item).unwrap();
        assert_eq!(
            row[col("满意")],
            Data::Float(r.deputies.counts[0] as f64),
            "{item}"
        );
        assert_eq!(
            row[col("未评")],
            Data::Float(r.deputies.not_rated as f64),
            "{item}"
        );
        let rate = match &row[col("满意率（%）")] {
            Data::Float(f) => *f,
            other => panic!("{other:?}"),
        };
        // The figure people read on the pages, rounded once, the same way.
        assert_eq!(
            rate,
            ceping::results::percent1(r.deputies.satisfaction_rate.unwrap()),
            "{item}"
        );
        seen += 1;
    }
    assert_eq!(seen, 14);
    let comments = book.worksheet_range("意见").unwrap();
    let texts: Vec<String> = comments.rows().skip(1).map(|r| r[2].to_string()).collect();
    assert_eq!(
        texts.iter().filter(|t| *t == "'=2+5 要加快").count(),
        6,
        "neutralised: {texts:?}"
    );
    assert_eq!(texts.iter().filter(|t| *t == "总体满意").count(), 6);

    // Comments CSV: the same comments, one per row.
    let res = t
        .get(&format!("/desk/rounds/{r}/comments.csv"), Some(&o.office))
        .await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.bytes.starts_with(&[0xEF, 0xBB, 0xBF]));
    let mut reader = csv::Reader::from_reader(&res.bytes[3..]);
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 12);
    assert_eq!(rows.iter().filter(|r| &r[2] == "总体满意").count(), 6);

    // Results CSV: one row per item, the same 满意率.
    let res = t
        .get(&format!("/desk/rounds/{r}/export.csv"), Some(&o.office))
        .await;
    let mut reader = csv::Reader::from_reader(&res.bytes[3..]);
    let head: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect();
    let rate_col = head.iter().position(|h| h == "满意率（%）").unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), items.len());
    for row in &rows {
        let r = report.result(&row[1]).unwrap();
        let got: f64 = row[rate_col].parse().unwrap();
        assert_eq!(
            got,
            ceping::results::percent1(r.deputies.satisfaction_rate.unwrap())
        );
    }
    // The year-end report: the summary's figures and the flagged items.
    let page = t
        .get(&format!("/desk/rounds/{r}/report"), Some(&o.office))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let text = page.text();
    assert!(text.contains("满意度测评情况的报告"));
    assert!(text.contains("应参加代表23人，实际参加21人"), "{text}");
    let flagged = report
        .items
        .iter()
        .filter(|m| report.result(&m.item).unwrap().needs_rework)
        .count();
    assert!(text.contains(&format!("需重新办理的{flagged}项")));
    // Every flagged item with its rate and the threshold; the rounded figures of the pages.
    let threshold = report.results.method.config.rework_threshold;
    for m in &report.items {
        let r = report.result(&m.item).unwrap();
        if r.needs_rework {
            let why = r.rework_explained(threshold);
            assert!(why.contains("%") || why.contains("不满意"), "{why}");
            assert!(text.contains(&format!("：{why}。")), "{why} in {text}");
        }
        if let Some(rate) = r.deputies.satisfaction_rate {
            assert!(text.contains(&format!("{:.1}%", ceping::results::percent1(rate))));
        }
    }
    // The overall comments and the items' comments, each with its count.
    assert!(
        text.contains("（一）总体意见") && text.contains("代表填写的总体意见共6条"),
        "{text}"
    );
    assert!(text.contains("（二）对各项目的意见") && text.contains("=2+5 要加快"));
    assert!(text.contains("（共6条）"), "{text}");
    // Addressed, signed and dated as a report is, its title naming the plan's work.
    assert!(
        text.contains(
            "关于市十四届人大五次会议3号议案办理工作<span class=\"title-end\">满意度测评情况的报告</span>"
        ),
        "{text}"
    );
    assert!(text.contains("市十四届人大五次会议3号议案办理工作领导小组办公室"));
    assert!(text.contains("附件1") && text.contains("附件2"));
    // The year of handling: none filed yet, and it says so.
    assert!(text.contains("六、办理情况"), "{text}");
    assert!(
        text.contains("尚无经领导小组办公室审核通过的分方案指标"),
        "{text}"
    );
    // Its own stylesheet, which the other pages do not load.
    assert!(text.contains(r#"<link rel="stylesheet" href="/pkg/report.css">"#));

    let exports = audit::all(&t.pool)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "export")
        .count();
    assert_eq!(exports, 3);
    assert_eq!(
        t.get(&format!("/desk/rounds/{r}/export.pdf"), Some(&o.office))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        t.get("/desk/rounds/999/export.xlsx", Some(&o.office))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn the_office_imports_a_plan_from_the_browser_after_a_preview() {
    let t = TestApp::on(ceping::server::db::open_in_memory().await.unwrap()).await;
    let office = t.office("office").await;
    let evaluator = t.evaluator("expert").await;
    let seed = include_str!("../seed/wuhan-2020-proposal-3.txt");
    let body = format!("text={}", enc(seed));

    assert_eq!(
        t.post("/desk/plans/preview", Some(&evaluator), &body)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        t.post("/desk/plans", None, &body).await.status,
        StatusCode::SEE_OTHER
    );

    let preview = t.post("/desk/plans/preview", Some(&office), &body).await;
    assert_eq!(preview.status, StatusCode::OK);
    let text = preview.text();
    assert!(text.contains("3 组 14 项任务"), "{text}");
    assert!(text.contains("成员单位 30 个"));
    assert!(
        text.contains("单位名称疑似笔误，已合并"),
        "warnings are highlighted"
    );
    let (plans,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM plan")
        .fetch_one(&t.pool)
        .await
        .unwrap();
    assert_eq!(plans, 0, "a preview stores nothing");

    // Text without tasks: the line is named, nothing stored.
    let bad = t
        .post(
            "/desk/plans/preview",
            Some(&office),
            "text=%E6%B2%A1%E6%9C%89",
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.text().contains("无法读取这份方案（第"));
    assert_eq!(
        t.post("/desk/plans", Some(&office), "text=x").await.status,
        StatusCode::BAD_REQUEST
    );

    let res = t.post("/desk/plans", Some(&office), &body).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(res.location.as_deref(), Some("/plans/1"));
    let again = t.post("/desk/plans", Some(&office), &body).await;
    assert_eq!(
        again.location.as_deref(),
        Some("/plans/1"),
        "the same text is stored once"
    );
    let (plans,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM plan")
        .fetch_one(&t.pool)
        .await
        .unwrap();
    assert_eq!(plans, 1);
    let entries = audit::all(&t.pool).await.unwrap();
    assert!(
        entries
            .iter()
            .any(|e| e.action == "plan.import" && e.actor == "office")
    );
}

#[tokio::test]
async fn safe_headers_cross_site_posts_refused_and_script_always_escaped() {
    let (t, o) = office().await;
    let r = new_round(&t, &o).await;
    t.open(r).await;

    // Headers on every page.
    for path in ["/", "/login", &format!("/desk/rounds/{r}")] {
        let res = t.get(path, Some(&o.office)).await;
        let h = &res.headers;
        let csp = h[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
        assert!(
            csp.contains("frame-ancestors 'none'") && csp.contains("'wasm-unsafe-eval'"),
            "{path}"
        );
        assert_eq!(h[header::REFERRER_POLICY], "no-referrer", "{path}");
        assert_eq!(h[header::X_FRAME_OPTIONS], "DENY");
        assert_eq!(h[header::CACHE_CONTROL], "no-store", "{path}");
    }

    // A form on another site posting here: refused before anything runs.
    let names = format!(
        "names={}&reason={}",
        enc("<b>张三</b>,<script>alert(1)</script>"),
        enc("<i>补发</i>")
    );
    let invitations = format!("/desk/rounds/{r}/invitations");
    let form = (header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    let evil = [(header::ORIGIN, "https://evil.example"), form.clone()];
    assert_eq!(
        t.request(
            Method::POST,
            &invitations,
            Some(&o.office),
            &evil,
            names.clone()
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    let cross_site = [
        (
            header::HeaderName::from_static("sec-fetch-site"),
            "cross-site",
        ),
        form.clone(),
    ];
    let body = format!("login=office&password={}", enc(PASSWORD));
    let res = t
        .request(Method::POST, "/login", None, &cross_site, body)
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert!(!res.headers.contains_key(header::SET_COOKIE));
    assert!(invite::list(&t.pool, r).await.unwrap().is_empty());

    // The same from the office's own page: stored, and shown escaped.
    let own = [(header::ORIGIN, "http://rd.example.cn"), form];
    let slips = t
        .request(Method::POST, &invitations, Some(&o.office), &own, names)
        .await;
    assert_eq!(slips.status, StatusCode::OK);
    let code = codes_on(&slips.text())[0].clone();
    for page in [
        slips.text(),
        t.get(&format!("/desk/rounds/{r}/invitations"), Some(&o.office))
            .await
            .text(),
    ] {
        assert!(!page.contains("<script>alert(1)</script>") && !page.contains("<b>张三</b>"));
        assert!(page.contains("&lt;b&gt;张三&lt;/b&gt;"));
    }

    // Script in a deputy's comments: escaped on the results page and in the report.
    let items = t.items(r).await;
    let body = format!(
        "idem=HOSTILE000000000001&action=submit&r.{0}=satisfied&c.{0}={1}&comment={2}",
        items[0],
        enc("<script>alert('x')</script>"),
        enc("<img src=x onerror=alert(1)>")
    );
    let res = t.vote(&code, &body).await;
    assert_eq!(res.status, StatusCode::OK);
    t.count(r).await;
    let task_id = &items[0][1..];
    for path in [
        format!("/results/{r}/tasks/{task_id}"),
        format!("/desk/rounds/{r}/report"),
    ] {
        let page = t.get(&path, Some(&o.office)).await.text();
        assert!(page.contains("&lt;script&gt;alert("), "{path}");
        assert!(!page.contains("<script>alert("), "{path}");
        assert!(!page.contains("<img src=x"), "{path}");
    }
}

#[tokio::test]
async fn the_same_slip_form_posted_twice_makes_one_batch_of_codes() {
    let (t, o) = office().await;
    let r = new_round(&t, &o).await;
    let path = format!("/desk/rounds/{r}/invitations");
    let page = t.get(&path, Some(&o.office)).await;
    let at = "name=\"batch\" value=\"";
    let batch = page
        .text()
        .split(at)
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    assert_eq!(batch.len(), 32, "a fresh key in the form");
    let again = t.get(&path, Some(&o.office)).await;
    assert!(!again.text().contains(&batch), "each rendering its own key");
    let body = format!(
        "names={}&batch={batch}",
        enc("张三,江岸代表团\n李四,江岸代表团")
    );
    let first = t.post(&path, Some(&o.office), &body).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.text());
    assert_eq!(codes_on(&first.text()).len(), 2);
    // A reload of the slip page posts the same form again: nothing more is issued.
    for _ in 0..2 {
        let reload = t.post(&path, Some(&o.office), &body).await;
        assert_eq!(reload.status, StatusCode::CONFLICT);
        assert!(
            reload.text().contains("这批邀请码（2个）已经生成过"),
            "{}",
            reload.text()
        );
        assert!(
            codes_on(&reload.text()).is_empty(),
            "no code is shown again"
        );
    }
    assert_eq!(invite::list(&t.pool, r).await.unwrap().len(), 2);
    let issued = audit::all(&t.pool)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "invite.issue")
        .count();
    assert_eq!(issued, 1, "one batch in the audit trail");
    // Two posts at the same moment: one batch.
    let key = "0123456789abcdef0123456789abcdef";
    let body = format!("count=3&batch={key}");
    let (a, b) = tokio::join!(
        t.post(&path, Some(&o.office), &body),
        t.post(&path, Some(&o.office), &body)
    );
    let mut statuses = [a.status.as_u16(), b.status.as_u16()];
    statuses.sort();
    assert_eq!(statuses, [200, 409]);
    assert_eq!(invite::list(&t.pool, r).await.unwrap().len(), 5);
}
