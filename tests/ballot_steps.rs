//! The deputy's steps around the cast, through the router: the short review that carries the
//! whole ballot in hidden fields and stores nothing, the way back to the form with every choice
//! kept, post-redirect-get after the cast (Back and Reload cast nothing, the confirmation
//! opens only for its own code), clearing a choice, typing a code at `/v`.
#![cfg(feature = "ssr")]

use crate::common;

use axum::http::{StatusCode, header};
use common::{Round, TestApp, enc, receipt_of, scalar};

async fn hall(n: usize) -> (TestApp, Round) {
    let h = TestApp::on_file().await;
    let r = h
        .open_round_with_codes(&common::round_settings("2020年度满意度测评"), n)
        .await;
    (h, r)
}

/// The first `n` items rated level i % 3, comments on the first two and an overall one that
/// need escaping in HTML.
fn partial_ballot(r: &Round, n: usize, action: &str) -> String {
    let levels = ["satisfied", "basic", "dissatisfied"];
    let mut body = format!("idem=steps-key&action={action}");
    for (i, item) in r.items[..n].iter().enumerate() {
        body.push_str(&format!("&r.{item}={}", levels[i % 3]));
    }
    body.push_str(&format!("&c.{}={}", r.items[0], enc("进度 \"好\" & <快>")));
    body.push_str(&format!("&c.{}={}", r.items[1], enc("需加强'宣传'")));
    body.push_str(&format!("&comment={}", enc("总体 & 满意")));
    body
}

fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The hidden inputs of a page, as (name, value), in order.
fn hidden_fields(page: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for part in page.split("<input type=\"hidden\"").skip(1) {
        let tag = &part[..part.find('>').unwrap()];
        let attr = |name: &str| {
            let at = tag.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
            unescape(&tag[at..at + tag[at..].find('"').unwrap()])
        };
        out.push((attr("name"), attr("value")));
    }
    out
}

fn form_body(fields: &[(String, String)], action: &str) -> String {
    let mut body = format!("action={action}");
    for (name, value) in fields {
        body.push_str(&format!("&{}={}", enc(name), enc(value)));
    }
    body
}

async fn ballots(h: &TestApp) -> i64 {
    scalar(&h.pool, "SELECT COUNT(*) FROM ballot").await
}

#[tokio::test]
async fn the_review_is_short_stores_nothing_and_carries_the_whole_ballot() {
    let (h, r) = hall(1).await;
    let path = format!("/v/{}", r.codes[0].display());
    let res = h.post(&path, None, &partial_ballot(&r, 40, "review")).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    // Kept in the browser's own cache only, so Back from the confirmation shows it again.
    assert_eq!(
        res.headers[header::CACHE_CONTROL].to_str().unwrap(),
        "private, no-cache"
    );
    let page = res.body;
    assert!(page.contains("已评 40/44 项"), "{page}");
    // Counts per level: items 0..40 rated i % 3.
    for (label, n) in [
        ("满意", 14),
        ("基本满意", 13),
        ("不满意", 13),
        ("未评价", 4),
    ] {
        assert!(
            page.contains(&format!("<span>{label}</span><b>{n}</b>")),
            "{label} {n}: {page}"
        );
    }
    // Short: no rating buttons, the four unrated items and the thirteen rated 不满意 listed,
    // each a way back to its place on the form.
    assert!(
        !page.contains("type=\"radio\""),
        "the review is not the form again"
    );
    assert!(page.contains("未评价 4 项"), "{page}");
    assert!(page.contains("评为“不满意”的 13 项"), "{page}");
    for item in &r.items[40..] {
        assert!(
            page.contains(&format!(
                "formaction=\"/v/{}#i-{item}\"",
                r.codes[0].as_str()
            )),
            "{item}"
        );
    }
    assert_eq!(page.matches("#i-").count(), 4 + 13);
    // The confirm button at the top and at the bottom.
    assert_eq!(page.matches("value=\"submit\"").count(), 2);
    assert_eq!(ballots(&h).await, 0, "the review casts nothing");
    assert_eq!(
        scalar(&h.pool, "SELECT COUNT(*) FROM invitation WHERE used = 1").await,
        0
    );

    // The hidden fields are the ballot, escaping and all: confirming them casts exactly it.
    let fields = hidden_fields(&page);
    assert_eq!(
        fields.iter().filter(|(n, _)| n.starts_with("r.")).count(),
        40
    );
    assert!(fields.contains(&(format!("c.{}", r.items[0]), "进度 \"好\" & <快>".into())));
    assert!(fields.contains(&(format!("c.{}", r.items[1]), "需加强'宣传'".into())));
    assert!(fields.contains(&("comment".into(), "总体 & 满意".into())));
    let (s, done) = h
        .post(&path, None, &form_body(&fields, "submit"))
        .await
        .status_and_body();
    assert_eq!(s, StatusCode::OK, "{done}");
    assert!(done.contains("共评价 40/44 项"), "{done}");
    assert_eq!(ballots(&h).await, 1);
}

#[tokio::test]
async fn back_to_the_form_keeps_every_choice_and_comment() {
    let (h, r) = hall(1).await;
    let path = format!("/v/{}", r.codes[0].display());
    let res = h.post(&path, None, &partial_ballot(&r, 40, "edit")).await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(
        res.headers[header::CACHE_CONTROL].to_str().unwrap(),
        "private, no-cache"
    );
    let page = res.body;
    assert_eq!(page.matches(" checked").count(), 40, "every choice kept");
    assert!(
        page.contains("进度 &quot;好&quot; &amp; &lt;快&gt;")
            || page.contains("进度 \"好\" &amp; &lt;快&gt;")
    );
    assert!(page.contains("总体 &amp; 满意"));
    assert!(
        page.contains("value=\"steps-key\""),
        "the same form keeps its key"
    );
    assert_eq!(ballots(&h).await, 0);
}

#[tokio::test]
async fn a_cast_redirects_to_a_confirmation_that_back_and_reload_cannot_cast_again() {
    let (h, r) = hall(2).await;
    let path = format!("/v/{}", r.codes[0].display());
    let body = partial_ballot(&r, 44, "submit");
    let res = h.post_raw(&path, &body).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let done = format!("/v/{}/done", r.codes[0].as_str());
    assert_eq!(res.location.as_deref(), Some(done.as_str()));
    let set = res.cookie.clone().expect("the notice travels in a cookie");
    assert!(set.starts_with("ceping_cast="), "{set}");
    assert!(set.contains("HttpOnly"), "{set}");
    assert!(
        set.contains(&format!("Path={done}")),
        "only the confirmation gets it: {set}"
    );
    assert!(set.contains("Max-Age=900"), "{set}");
    assert!(
        !res.body.contains("receipt"),
        "the answer itself shows nothing"
    );
    let cookie = set.split(';').next().unwrap().to_string();

    let first = h.get(&done, Some(&cookie)).await;
    assert_eq!(first.status, StatusCode::OK);
    assert_eq!(
        first.headers[header::CACHE_CONTROL].to_str().unwrap(),
        "no-store"
    );
    assert!(first.body.contains("测评已提交"));
    let receipt = receipt_of(&first.body);
    assert!(
        !set.contains(&receipt),
        "the receipt is sealed in the cookie"
    );
    // Reload: the same page, nothing cast again.
    let again = h.get(&done, Some(&cookie)).await;
    assert_eq!(receipt_of(&again.body), receipt);
    assert_eq!(ballots(&h).await, 1);
    // Back to the review and 确认提交 once more: the same form's key, the same receipt.
    let repeat = h.post(&path, None, &body).await;
    assert_eq!(repeat.status, StatusCode::OK, "{}", repeat.body);
    assert_eq!(receipt_of(&repeat.body), receipt);
    assert_eq!(ballots(&h).await, 1);

    // Without the notice the page shows nothing of the ballot.
    let bare = h.get(&done, None).await;
    // Without the notice (cookies blocked, or the quarter hour past): received, no receipt.
    assert_eq!(bare.status, StatusCode::OK);
    assert!(bare.body.contains("测评已收到"), "{}", bare.body);
    assert!(!bare.body.contains(&receipt));
    // A notice is its own code's only: on another code's confirmation it opens nothing.
    let other = format!("/v/{}/done", r.codes[1].as_str());
    let stolen = h.get(&other, Some(&cookie)).await;
    assert_eq!(stolen.status, StatusCode::SEE_OTHER, "{}", stolen.body);
    assert!(!stolen.body.contains(&receipt));
    // A forged notice opens nothing either.
    let forged = h.get(&done, Some("ceping_cast=99999999999.AAAA")).await;
    assert!(!forged.body.contains(&receipt) && forged.body.contains("测评已收到"));

    // A wrong receipt is no dead end: the page links back to the code's page.
    let wrong = h
        .post(
            &format!("{path}/revise"),
            None,
            "receipt=00000-00000-00000-00000",
        )
        .await;
    assert_eq!(wrong.status, StatusCode::FORBIDDEN);
    assert!(
        wrong
            .body
            .contains(&format!("href=\"/v/{}\"", r.codes[0].as_str())),
        "{}",
        wrong.body
    );
    // Closed in the meantime (the last second's ballot): the receipt still shows.
    h.close(r.id).await;
    let late = h.get(&done, Some(&cookie)).await;
    assert_eq!(late.status, StatusCode::OK);
    assert_eq!(receipt_of(&late.body), receipt);
    // An unused code of the closed round gets no such page: its own page says it is closed.
    let unused = h.get(&other, None).await;
    assert_eq!(unused.status, StatusCode::GONE);
}

#[tokio::test]
async fn a_cleared_choice_is_unrated() {
    let (h, r) = hall(1).await;
    let path = format!("/v/{}", r.codes[0].display());
    // The form offers "清除选择" as an empty value in each item's group.
    let form = h.get(&path, None).await.body;
    assert_eq!(form.matches("value=\"\"").count(), 44, "one 清除 per item");
    let body = common::complete_ballot(&r.items, "k")
        .replace(
            &format!("r.{}=satisfied", r.items[0]),
            &format!("r.{}=", r.items[0]),
        )
        .replace("action=submit", "action=review");
    let page = h.post(&path, None, &body).await.body;
    assert!(page.contains("已评 43/44 项"), "{page}");
    assert!(page.contains(&format!("#i-{}\"", r.items[0])));
}

#[tokio::test]
async fn the_form_names_each_units_tasks_and_links_to_them() {
    let (h, r) = hall(1).await;
    let page = h
        .get(&format!("/v/{}", r.codes[0].display()), None)
        .await
        .body;
    assert!(page.contains("class=\"ballot-unit-tasks\""));
    assert!(page.contains("牵头任务"), "some unit leads a task");
    assert!(page.contains("参与任务"));
    // Every task link points at a task item on this ballot.
    let links: Vec<&str> = page
        .split("class=\"ballot-unit-tasks\"")
        .skip(1)
        .flat_map(|p| p[..p.find("</p>").unwrap()].split("href=\"#i-").skip(1))
        .map(|l| &l[..l.find('"').unwrap()])
        .collect();
    assert!(links.len() > 30, "{}", links.len());
    for l in links {
        assert!(r.items.iter().any(|i| i == l), "{l} is an item");
        assert!(page.contains(&format!("id=\"i-{l}\"")));
    }
    // The section index links every section.
    assert!(page.contains("href=\"#s-1\""));
    assert!(page.contains("id=\"s-1\""));
    // The comment counters, and the warning for JavaScript off.
    assert!(page.contains("最多100字"));
    assert!(page.contains("<noscript>"));
}

#[tokio::test]
async fn a_typed_code_goes_to_its_ballot_and_a_bad_one_is_shown_back() {
    let (h, r) = hall(1).await;
    let (s, page) = h.get("/v", None).await.status_and_body();
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains("name=\"code\""), "{page}");
    let typed = r.codes[0].as_str().to_lowercase();
    let res = h
        .post("/v", None, &format!("code={}", enc(&format!(" {typed} "))))
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(
        res.location.as_deref(),
        Some(format!("/v/{}", r.codes[0].display()).as_str())
    );
    let (s, page) = h.post("/v", None, "code=ABC-123").await.status_and_body();
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(page.contains("邀请码应为20位字母和数字"), "{page}");
    assert!(
        page.contains("value=\"ABC-123\""),
        "what was typed is shown back"
    );
    // An old browser that sends no Origin may type a code too: nothing changes by it.
    let res = h
        .bare_request(
            axum::http::Method::POST,
            "/v",
            None,
            &[(header::CONTENT_TYPE, "application/x-www-form-urlencoded")],
            format!("code={typed}"),
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
}

#[tokio::test]
async fn a_revisions_steps_are_never_cached_they_carry_the_receipt() {
    let (h, r) = hall(1).await;
    let path = format!("/v/{}", r.codes[0].display());
    let body = partial_ballot(&r, 44, "submit");
    let first = h.post(&path, None, &body).await;
    let receipt = receipt_of(&first.body);
    for action in ["review", "edit"] {
        let step = partial_ballot(&r, 44, action).replace("idem=steps-key", "idem=second")
            + &format!("&receipt={receipt}");
        let res = h.post(&path, None, &step).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        assert_eq!(
            res.headers[header::CACHE_CONTROL].to_str().unwrap(),
            "no-store",
            "{action}"
        );
    }
}
