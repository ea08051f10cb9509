//! The tellers' pages through the router: three tellers make their keys and two open the
//! count, each "browser" played by the same functions the page's WASM runs (`ceping-teller`);
//! then the ways an outsider, another teller or a replayed request would try to take a
//! teller's place, all refused.
#![cfg(feature = "ssr")]

use crate::common;

use axum::http::StatusCode;
use ceping::server::repo::round::{self, RoundAction};
use ceping::server::repo::tellers;
use ceping::server::service::{count, teller_link};
use common::{TestApp, complete_ballot, enc};
use serde_json::Value;

/// A draft round with three named tellers (any two count) and `n` codes; its id, codes and
/// the tellers' tokens.
async fn draft(t: &TestApp, n: usize) -> (common::Round, Vec<String>) {
    draft_checked(t, n, 0).await
}

/// The same, with a checking period of `minutes` after closing.
async fn draft_checked(t: &TestApp, n: usize, minutes: u32) -> (common::Round, Vec<String>) {
    let r = t
        .round_with_codes(&common::round_settings("监票人页面"), n)
        .await;
    let names: Vec<String> = ["甲", "乙", "丙"].iter().map(|s| s.to_string()).collect();
    let board = tellers::set(&t.pool, r.id, &names, 2, minutes, "test")
        .await
        .unwrap()
        .board;
    let tokens = (0..3)
        .map(|i| teller_link::token(&t.state.teller_key[..], &board.context, i))
        .collect();
    (r, tokens)
}

async fn board(t: &TestApp, r: i64) -> Value {
    let res = t.get(&format!("/teller/{r}/1/board"), None).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    serde_json::from_str(&res.body).unwrap()
}

async fn post_step(
    t: &TestApp,
    r: i64,
    n: usize,
    token: &str,
    message: &Value,
) -> (StatusCode, Value) {
    let body = format!("token={}&message={}", enc(token), enc(&message.to_string()));
    let res = t.post(&format!("/teller/{r}/{n}/step"), None, &body).await;
    (
        res.status,
        serde_json::from_str(&res.body).unwrap_or(Value::Null),
    )
}

/// Every teller's page, run until the board is complete; their files.
async fn ceremony(t: &TestApp, r: i64, tokens: &[String]) -> Vec<String> {
    let mut files = Vec::new();
    for (i, token) in tokens.iter().enumerate() {
        let b = board(t, r).await;
        let out: Value =
            serde_json::from_str(&ceping_teller::start_json(&b["board"].to_string(), i).unwrap())
                .unwrap();
        let (status, _) = post_step(t, r, i + 1, token, &out["message"]).await;
        assert_eq!(status, StatusCode::OK);
        files.push(out["file"].to_string());
    }
    for _ in 0..6 {
        for (i, file) in files.iter_mut().enumerate() {
            let b = board(t, r).await;
            let board_json = b["board"].to_string();
            let out: Value =
                serde_json::from_str(&ceping_teller::step_json(file, &board_json).unwrap())
                    .unwrap();
            *file = out["file"].to_string();
            if let Some(print) = out["fingerprint"].as_str() {
                // What every teller's page shows is the board's fingerprint.
                assert_eq!(b["fingerprint"].as_str(), Some(print));
                *file = ceping_teller::confirm_json(file, &board_json, print).unwrap();
            } else if !out["message"].is_null() {
                let (status, body) = post_step(t, r, i + 1, &tokens[i], &out["message"]).await;
                assert_eq!(status, StatusCode::OK, "{body}");
            }
        }
    }
    let b = board(t, r).await;
    assert!(b["joint_key"].is_string(), "the ceremony finished: {b}");
    files
}

async fn ballots(t: &TestApp, r: i64, n: usize, token: &str) -> (StatusCode, Vec<u8>) {
    let res = t
        .post(
            &format!("/teller/{r}/{n}/ballots"),
            None,
            &format!("token={}", enc(token)),
        )
        .await;
    (res.status, res.bytes)
}

async fn post_share(
    t: &TestApp,
    r: i64,
    n: usize,
    token: &str,
    share: &Value,
) -> (StatusCode, Value) {
    let body = format!("token={}&share={}", enc(token), enc(&share.to_string()));
    let res = t.post(&format!("/teller/{r}/{n}/share"), None, &body).await;
    (
        res.status,
        serde_json::from_str(&res.body).unwrap_or(Value::Null),
    )
}

#[tokio::test]
async fn three_tellers_make_keys_in_their_browsers_and_two_open_the_count() {
    let t = TestApp::on_file().await;
    let (r, tokens) = draft(&t, 6).await;
    let page = t.get(&format!("/teller/{}/2", r.id), None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("第2位监票人：乙"), "{}", page.body);
    assert!(page.body.contains("/pkg/teller/teller.js"));
    assert!(
        page.body.contains("本页需要启用 JavaScript"),
        "the page says why it needs JavaScript"
    );

    let files = ceremony(&t, r.id, &tokens).await;
    // The board the server keeps, and serves to anyone, holds none of a file's secrets.
    let public = board(&t, r.id).await.to_string();
    for f in &files {
        let f: Value = serde_json::from_str(f).unwrap();
        let exchange = f["exchange"].to_string();
        assert!(exchange.len() > 10 && !public.contains(exchange.trim_matches('"')));
        let secret = f["state"]["p"]["secret_share"].to_string();
        assert!(
            secret.len() > 10 && !public.contains(secret.trim_matches('"')),
            "{secret}"
        );
    }

    round::transition(&t.pool, r.id, RoundAction::Open, "test", None)
        .await
        .unwrap();
    for (k, code) in r.codes.iter().enumerate() {
        let res = t
            .vote(code, &complete_ballot(&r.items, &format!("W{k}")))
            .await;
        assert_eq!(res.status, StatusCode::OK);
    }
    // Before the close, no teller gets the ballots.
    let (status, _) = ballots(&t, r.id, 1, &tokens[0]).await;
    assert_eq!(status, StatusCode::CONFLICT);
    round::transition(&t.pool, r.id, RoundAction::Close, "test", None)
        .await
        .unwrap();

    // The deputies' check page publishes the ballot list's fingerprint; what a teller's page
    // shows for the ballots it was sent is the same.
    let track = t.get(&format!("/track/{}", r.id), None).await;
    assert!(
        track.body.contains("本轮共保存 6 张密封选票"),
        "{}",
        track.body
    );
    let (_, sent) = ballots(&t, r.id, 1, &tokens[0]).await;
    let seen: Value =
        serde_json::from_str(&ceping_teller::inspect_of(&files[0], &sent).unwrap()).unwrap();
    assert_eq!(seen["ballots"], 6);
    let list = seen["list"].as_str().unwrap();
    assert!(track.body.contains(list), "{list} not on {}", track.body);

    let mut progress = Vec::new();
    for (i, file) in [(2usize, &files[2]), (0, &files[0])] {
        let (status, bytes) = ballots(&t, r.id, i + 1, &tokens[i]).await;
        assert_eq!(status, StatusCode::OK);
        let out: Value =
            serde_json::from_str(&ceping_teller::count_of(file, &bytes).unwrap()).unwrap();
        assert_eq!(out["ballots"], 6, "the browser summed every stored ballot");
        let (status, body) = post_share(&t, r.id, i + 1, &tokens[i], &out["share"]).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        progress.push(body);
    }
    assert_eq!(progress[0]["counted"], false);
    assert_eq!(progress[0]["needed"], 2);
    assert_eq!(progress[1]["counted"], true, "{}", progress[1]);
    assert_eq!(progress[1]["ballots"], 6);

    // The count is what `ceping round verify` checks, and the results are out.
    let v = count::verify(&t.pool, r.id).await.unwrap();
    assert!(v.checks.iter().all(|c| c.ok), "{:?}", v.checks);
    assert_eq!(v.tellers, vec![1, 3]);
    // The big screen stops waiting for the count: no more reloading the same page (it turns
    // through the results' pages now), and the still page does not move at all.
    let screen = t.get(&format!("/screen/{}", r.id), None).await;
    assert_eq!(screen.status, StatusCode::OK);
    assert!(screen.body.contains("screen-table"), "{}", screen.body);
    assert!(!screen.body.contains("content=\"10\""), "{}", screen.body);
    let still = t.get(&format!("/screen/{}?all=1", r.id), None).await;
    assert!(!still.body.contains("http-equiv=\"refresh\""));
    let b = board(&t, r.id).await;
    assert_eq!(b["round"]["counted"], true);
    // A counted round takes no more shares.
    let (status, bytes) = ballots(&t, r.id, 2, &tokens[1]).await;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "{}",
        String::from_utf8_lossy(&bytes)
    );
}

#[tokio::test]
async fn a_copy_of_the_database_does_not_give_the_tellers_links_away() {
    use ceping::server::service::audit_key;
    // The server as `ceping serve` runs it: with its audit key, in a file outside the database.
    let t = TestApp::on_file().await;
    let dir = tempfile::tempdir().unwrap();
    let key = audit_key::load_or_create(&dir.path().join("audit.key")).unwrap();
    let signer = audit_key::AuditSigner::new(key, dir.path().join("audit.key.head"));
    let t = t.clone().with_state(t.state.clone().with_audit_key(signer));
    let (r, tokens) = draft(&t, 6).await;
    let b = board(&t, r.id).await;
    let context = b["board"]["context"].as_str().unwrap().to_string();
    let out: Value =
        serde_json::from_str(&ceping_teller::start_json(&b["board"].to_string(), 0).unwrap())
            .unwrap();
    // What a backup holder can compute: anything keyed by the secret the database holds.
    let secret = ceping::server::db::server_secret(&t.pool).await.unwrap();
    for forged in [
        teller_link::token(&secret, &context, 0),
        teller_link::token(
            &audit_key::derive(&secret, audit_key::TELLER_LINKS),
            &context,
            0,
        ),
    ] {
        let (status, _) = post_step(&t, r.id, 1, &forged, &out["message"]).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "a link from the database");
    }
    assert_eq!(
        board(&t, r.id).await["progress"],
        serde_json::json!([0, 0, 0])
    );
    // The teller's own link, which the desk shows, takes the step.
    let (status, body) = post_step(&t, r.id, 1, &tokens[0], &out["message"]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

#[tokio::test]
async fn nobody_but_the_teller_with_their_link_takes_their_place() {
    let t = TestApp::on_file().await;
    let (r, tokens) = draft(&t, 6).await;
    let id = r.id;
    let b = board(&t, id).await;
    let out: Value =
        serde_json::from_str(&ceping_teller::start_json(&b["board"].to_string(), 0).unwrap())
            .unwrap();
    let first = &out["message"];
    // No token, a wrong one, another teller's token, or teller 1's token on teller 2's path.
    for (n, token) in [
        (1, ""),
        (1, "AAAAAAAAAAAAAAAAAAAA"),
        (1, tokens[1].as_str()),
        (2, tokens[0].as_str()),
    ] {
        let (status, body) = post_step(&t, id, n, token, first).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "teller {n} with {token:?}");
        assert!(
            body["error"].as_str().unwrap().contains("链接无效"),
            "{body}"
        );
    }
    assert_eq!(
        board(&t, id).await["progress"],
        serde_json::json!([0, 0, 0])
    );
    // A step that is not a message, or one out of turn.
    let (status, body) =
        post_step(&t, id, 1, &tokens[0], &Value::String("not a step".into())).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let (status, _) = post_step(&t, id, 1, &tokens[0], first).await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = post_step(&t, id, 1, &tokens[0], first).await;
    assert_eq!(status, StatusCode::CONFLICT, "the same step twice: {body}");
    assert!(body["error"].is_string());
    // No such teller, no such round.
    let res = t.get(&format!("/teller/{id}/4"), None).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    let res = t.get(&format!("/teller/{id}/4/board"), None).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    let res = t.get("/teller/999/1", None).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    let res = t.get("/teller/999/1/board", None).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    // Ballots and shares: refused without the token, and before the round has closed.
    let (status, _) = ballots(&t, id, 1, "").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = ballots(&t, id, 1, &tokens[0]).await;
    assert_eq!(status, StatusCode::CONFLICT);
    // A cross-site post is refused before any handler, as every post is.
    let res = t
        .request(
            axum::http::Method::POST,
            &format!("/teller/{id}/1/step"),
            None,
            &[
                (
                    axum::http::header::CONTENT_TYPE,
                    "application/x-www-form-urlencoded",
                ),
                (
                    axum::http::HeaderName::from_static("sec-fetch-site"),
                    "cross-site",
                ),
            ],
            format!(
                "token={}&message={}",
                enc(&tokens[0]),
                enc(&first.to_string())
            ),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_share_that_is_forged_or_of_another_teller_is_refused_and_nothing_is_stored() {
    let t = TestApp::on_file().await;
    let (r, tokens) = draft(&t, 6).await;
    let files = ceremony(&t, r.id, &tokens).await;
    round::transition(&t.pool, r.id, RoundAction::Open, "test", None)
        .await
        .unwrap();
    for (k, code) in r.codes.iter().enumerate() {
        let res = t
            .vote(code, &complete_ballot(&r.items, &format!("F{k}")))
            .await;
        assert_eq!(res.status, StatusCode::OK);
    }
    round::transition(&t.pool, r.id, RoundAction::Close, "test", None)
        .await
        .unwrap();
    let (_, bytes) = ballots(&t, r.id, 1, &tokens[0]).await;
    let out: Value =
        serde_json::from_str(&ceping_teller::count_of(&files[0], &bytes).unwrap()).unwrap();
    let share = out["share"].clone();
    // Teller 1's share posted on teller 2's page (with teller 2's token).
    let (status, body) = post_share(&t, r.id, 2, &tokens[1], &share).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    // One decryption share changed.
    let mut forged = share.clone();
    let first = forged["shares"][0].as_str().unwrap().to_string();
    let flipped = if first.starts_with('0') { "1" } else { "0" };
    forged["shares"][0] = Value::String(format!("{flipped}{}", &first[1..]));
    let (status, body) = post_share(&t, r.id, 1, &tokens[0], &forged).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    // Shares of other sums (the browser summed a bundle missing one ballot).
    let fewer = {
        let sealed: Vec<Vec<u8>> =
            sqlx::query_scalar("SELECT cells FROM ballot WHERE round_id = ? ORDER BY id LIMIT 5")
                .bind(r.id)
                .fetch_all(&t.pool)
                .await
                .unwrap();
        let none: [Vec<u8>; 0] = [];
        ceping::seal::bundle::write(sealed[0].len() / ceping::seal::CELL_BYTES, &sealed, &none)
    };
    let other: Value =
        serde_json::from_str(&ceping_teller::count_of(&files[1], &fewer).unwrap()).unwrap();
    let (status, body) = post_share(&t, r.id, 2, &tokens[1], &other["share"]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(
        common::scalar(&t.pool, "SELECT COUNT(*) FROM count_share").await,
        0
    );
    // Not JSON at all.
    let res = t
        .post(
            &format!("/teller/{}/1/share", r.id),
            None,
            &format!("token={}&share=%7B", enc(&tokens[0])),
        )
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    // The true share still goes in.
    let (status, body) = post_share(&t, r.id, 1, &tokens[0], &share).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["counted"], false);
}

#[tokio::test]
async fn the_office_names_the_tellers_on_the_desk_and_hands_out_their_links() {
    let t = TestApp::on_file().await;
    let office = t.office("office").await;
    let r = t.round("监票人指定").await;
    let path = format!("/desk/rounds/{r}/tellers");
    // Refusals, each with the rule in Chinese, and nothing named.
    for (body, says) in [
        ("names=", "请填写1至9位监票人的姓名"),
        (&*format!("names={}", enc("甲,甲,乙")), "不能为空或重复"),
        (
            &*format!("names={}&threshold=1", enc("甲,乙,丙")),
            "超过监票人总数",
        ),
        (
            &*format!("names={}&threshold=x", enc("甲,乙,丙")),
            "应为正整数",
        ),
        (
            &*format!("names={}&check_minutes=-5", enc("甲,乙,丙")),
            "应为0或正整数（分钟）",
        ),
        (
            &*format!("names={}&check_minutes=10081", enc("甲,乙,丙")),
            "核对期应为0至10080分钟",
        ),
    ] {
        let res = t.post(&path, Some(&office), body).await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST, "{body}");
        assert!(res.body.contains(says), "{body}: {}", res.body);
    }
    assert!(tellers::get(&t.pool, r).await.unwrap().is_none());
    // Three, a majority by default; the desk shows each teller's link.
    let res = t
        .post(
            &path,
            Some(&office),
            &format!("names={}", enc("张三，李四、王五")),
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let named = tellers::get(&t.pool, r).await.unwrap().unwrap();
    assert_eq!(named.names, ["张三", "李四", "王五"]);
    assert_eq!(named.threshold(), 2);
    // The checking period left blank is the default, and the desk says it.
    assert_eq!(named.check_minutes, tellers::DEFAULT_CHECK_MINUTES);
    let desk = t.get(&format!("/desk/rounds/{r}"), Some(&office)).await;
    assert!(
        desk.body.contains("核对期：闭票后 15 分钟内不能开启计票"),
        "{}",
        desk.body
    );
    for i in 0..3 {
        let link = teller_link::link(&t.state.teller_key[..], r, &named.board.context, i);
        assert!(desk.body.contains(&link), "{link}");
    }
    // Naming them again starts a new ceremony: every link changes.
    let res = t
        .post(
            &path,
            Some(&office),
            &format!(
                "names={}&threshold=3&check_minutes=0",
                enc("张三,李四,王五")
            ),
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let again = tellers::get(&t.pool, r).await.unwrap().unwrap();
    assert_ne!(again.board.context, named.board.context);
    assert_eq!(again.threshold(), 3);
    assert_eq!(again.check_minutes, 0);
    // Once the round is open they are fixed.
    let o = t
        .round_with_codes(&common::round_settings("已开始"), 1)
        .await;
    t.open(o.id).await;
    let res = t
        .post(
            &format!("/desk/rounds/{}/tellers", o.id),
            Some(&office),
            "names=%E7%94%B2",
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert!(res.body.contains("测评已开始，监票人不能再更改"));
}

/// Moves every closing of round `r` back by `minutes` in the database (as time passing would).
async fn closed_ago(t: &TestApp, r: i64, minutes: i64) {
    let at = ceping::clock::stored(ceping::clock::now() - chrono::Duration::minutes(minutes));
    sqlx::query("UPDATE round_event SET at = ? WHERE round_id = ? AND action = 'close'")
        .bind(at)
        .bind(r)
        .execute(&t.pool)
        .await
        .unwrap();
}

#[tokio::test]
async fn no_share_is_made_or_taken_in_the_checking_period_and_reopening_starts_it_again() {
    use ceping::server::service::count::CountError;
    let t = TestApp::on_file().await;
    // Longer than a week is refused, and nothing is named.
    let r0 = t
        .round_with_codes(&common::round_settings("核对期过长"), 1)
        .await;
    let names: Vec<String> = ["甲", "乙", "丙"].iter().map(|s| s.to_string()).collect();
    let too_long = tellers::set(
        &t.pool,
        r0.id,
        &names,
        2,
        tellers::MAX_CHECK_MINUTES + 1,
        "t",
    );
    assert!(matches!(
        too_long.await,
        Err(tellers::TellerError::BadCheck)
    ));
    assert!(tellers::get(&t.pool, r0.id).await.unwrap().is_none());

    let (r, tokens) = draft_checked(&t, 6, 10).await;
    t.open(r.id).await;
    for (k, code) in r.codes.iter().take(5).enumerate() {
        let res = t
            .vote(code, &complete_ballot(&r.items, &format!("P{k}")))
            .await;
        assert_eq!(res.status, StatusCode::OK);
    }
    // No period while the round is open.
    assert!(board(&t, r.id).await["check_until"].is_null());
    t.close(r.id).await;

    // Within the period, no share is made or taken on any path: the command line's (its files
    // remember nothing), a share the page posts. Summing is allowed (it decrypts nothing): the
    // page may download the ballots, and the command line's sums wait.
    let refused_everywhere = |why: &str| {
        let why = why.to_string();
        let t = t.clone();
        let (id, token) = (r.id, tokens[0].clone());
        async move {
            let mut files = t.keys(id);
            let before = serde_json::to_string(&files).unwrap();
            let cli = count::post_shares(&t.pool, id, &mut files[..2], &mut |_| Ok(()), "t").await;
            match cli {
                Err(e @ CountError::Checking { .. }) => {
                    assert!(e.to_string().contains("checking period until"), "{e}")
                }
                other => panic!("{why}: the command line's count was not refused: {other:?}"),
            }
            assert_eq!(serde_json::to_string(&files).unwrap(), before, "{why}");
            let summed = count::prepare(&t.pool, id, &files[..2]).await.unwrap();
            assert!(summed.checking(&t.pool).await.unwrap().is_some(), "{why}");
            // The page may download and sum the ballots; a real share it made of them is
            // refused.
            let (status, bytes) = ballots(&t, id, 1, &token).await;
            assert_eq!(status, StatusCode::OK, "{why}: the page may sum");
            let file = serde_json::to_string(&files[0]).unwrap();
            let out: Value =
                serde_json::from_str(&ceping_teller::count_of(&file, &bytes).unwrap()).unwrap();
            let (status, body) = post_share(&t, id, 1, &token, &out["share"]).await;
            assert_eq!(status, StatusCode::CONFLICT, "{why}: {body}");
            assert!(
                body["error"].as_str().unwrap().contains("核对期至"),
                "{why}: {body}"
            );
            // The pages say until when; nothing was counted or posted.
            assert!(
                board(&t, id).await["check_until"]
                    .as_str()
                    .unwrap()
                    .contains("北京时间")
            );
            let track = t.get(&format!("/track/{id}"), None).await;
            assert!(track.body.contains("核对期至"), "{why}");
            assert!(!round::get(&t.pool, id).await.unwrap().counted);
            assert!(
                ceping::server::repo::count::posted(&t.pool, id)
                    .await
                    .unwrap()
                    .is_empty()
            );
            summed
        }
    };
    refused_everywhere("just closed").await;
    closed_ago(&t, r.id, 9).await;
    let early = refused_everywhere("nine minutes after closing").await;
    assert_eq!(early.ballots(), 5);
    // Over: but a reopening (a deputy found their ballot missing) and a new closing start it
    // again, and sums made before it are refused (the ballots may have changed).
    closed_ago(&t, r.id, 11).await;
    assert!(board(&t, r.id).await["check_until"].is_null());
    // The page's ballots of the first closing, kept while the round is reopened and one more
    // deputy votes.
    let (_, old_bytes) = ballots(&t, r.id, 1, &tokens[0]).await;
    let old_closing = board(&t, r.id).await["closing"].as_i64().unwrap();
    round::transition(&t.pool, r.id, RoundAction::Reopen, "test", Some("核对"))
        .await
        .unwrap();
    assert!(
        board(&t, r.id).await["check_until"].is_null(),
        "no period while open"
    );
    let res = t.vote(&r.codes[5], &complete_ballot(&r.items, "P5")).await;
    assert_eq!(res.status, StatusCode::OK);
    round::transition(&t.pool, r.id, RoundAction::Close, "test", None)
        .await
        .unwrap();
    assert_ne!(
        board(&t, r.id).await["closing"].as_i64().unwrap(),
        old_closing
    );
    // Sums of before are refused on every path, and no file remembers them.
    let mut files = t.keys(r.id);
    let before = serde_json::to_string(&files).unwrap();
    let stale = count::post_prepared(&t.pool, early, &mut files[..2], &mut |_| Ok(()), "t").await;
    assert!(
        matches!(stale, Err(CountError::ClosedAgain(_))),
        "{stale:?}"
    );
    assert_eq!(serde_json::to_string(&files).unwrap(), before);
    let file = serde_json::to_string(&files[0]).unwrap();
    let old: Value =
        serde_json::from_str(&ceping_teller::count_of(&file, &old_bytes).unwrap()).unwrap();
    let with_closing = format!(
        "token={}&share={}&closing={old_closing}",
        enc(&tokens[0]),
        enc(&old["share"].to_string())
    );
    let res = t
        .post(&format!("/teller/{}/1/share", r.id), None, &with_closing)
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.body);
    assert!(res.body.contains("重新开启或结束"), "{}", res.body);
    let waiting = refused_everywhere("closed again").await;
    assert_eq!(waiting.ballots(), 6);
    // Ten minutes after the last closing, the sums made within the period (as `ceping round
    // count` makes them, then waits) are posted and open the count of all six.
    closed_ago(&t, r.id, 11).await;
    // Even then, a share of the first closing's ballots is refused.
    let res = t
        .post(&format!("/teller/{}/1/share", r.id), None, &with_closing)
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.body);
    assert!(res.body.contains("重新开启或结束"), "{}", res.body);
    let done = count::post_prepared(&t.pool, waiting, &mut files[..2], &mut |_| Ok(()), "t").await;
    assert!(
        matches!(done, Ok(count::Progress::Counted { ballots: 6, .. })),
        "{done:?}"
    );
    let track = t.get(&format!("/track/{}", r.id), None).await;
    assert!(!track.body.contains("核对期至"));
}
