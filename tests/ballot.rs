//! The deputies' ballot on a real SQLite file, through the router: secrecy read off the stored
//! rows, one ballot per code under concurrency, retries, revision, every refusal, bad posts.
#![cfg(feature = "ssr")]

use crate::common;

use common::{Round, TestApp, complete_ballot, receipt_of, scalar};

use axum::http::StatusCode;
use ceping::server::repo::invite;
use ceping::server::repo::round::NewRound;
use sqlx::SqlitePool;

/// A file database with the seed plan, an open three-level round of 44 items with comments of up
/// to 50 characters, and `n` codes.
async fn hall(n: usize) -> (TestApp, Round) {
    let h = TestApp::on_file().await;
    let settings = NewRound {
        comment_max_chars: 50,
        ..common::round_settings("2020年度满意度测评")
    };
    let r = h.open_round_with_codes(&settings, n).await;
    (h, r)
}

/// Every stored figure that a bad post must not change.
async fn footprint(pool: &SqlitePool) -> Vec<i64> {
    let mut v = Vec::new();
    for sql in [
        "SELECT COUNT(*) FROM ballot",
        "SELECT COALESCE(SUM(count), 0) FROM tally",
        "SELECT COALESCE(SUM(ballots), 0) FROM round_turnout",
        "SELECT COUNT(*) FROM invitation WHERE used = 1",
    ] {
        v.push(scalar(pool, sql).await);
    }
    // Every sealed byte, folded: any change to any ballot changes it.
    let cells: Vec<Option<Vec<u8>>> = sqlx::query_scalar("SELECT cells FROM ballot ORDER BY id")
        .fetch_all(pool)
        .await
        .unwrap();
    let mut h = std::collections::hash_map::DefaultHasher::new();
    std::hash::Hash::hash(&cells, &mut h);
    v.push(if cells.is_empty() {
        0
    } else {
        std::hash::Hasher::finish(&h) as i64
    });
    v
}

/// While a round is open nothing per item exists: no plain choice, no tally, no readable
/// comment; every ballot is sealed whole (items × levels cells of 64 bytes).
async fn assert_nothing_readable(pool: &SqlitePool, items: usize) {
    assert_eq!(scalar(pool, "SELECT COUNT(*) FROM ballot_choice").await, 0);
    assert_eq!(scalar(pool, "SELECT COUNT(*) FROM tally").await, 0);
    assert_eq!(scalar(pool, "SELECT COUNT(*) FROM round_comment").await, 0);
    assert_eq!(
        scalar(
            pool,
            "SELECT COUNT(*) FROM ballot WHERE comment IS NOT NULL"
        )
        .await,
        0
    );
    let whole = (items * 3 * 64) as i64;
    assert_eq!(
        scalar(
            pool,
            &format!("SELECT COUNT(*) FROM ballot WHERE length(cells) IS NOT {whole}")
        )
        .await,
        0
    );
}

/// After the tellers' count, the stored tallies of `complete_ballot` ballots: `n` ballots gave
/// item i level i % 3.
async fn assert_counted_complete(pool: &SqlitePool, items: &[String], n: i64) {
    let stored: Vec<(String, i64, i64)> =
        sqlx::query_as("SELECT item, level, count FROM tally WHERE count > 0")
            .fetch_all(pool)
            .await
            .unwrap();
    let mut want: Vec<(String, i64, i64)> = items
        .iter()
        .enumerate()
        .map(|(i, item)| (item.clone(), (i % 3) as i64, n))
        .collect();
    let mut stored = stored;
    stored.sort();
    want.sort();
    assert_eq!(stored, want);
}

#[tokio::test]
async fn a_ballot_is_cast_once_and_stored_without_any_link_to_its_code() {
    let (h, r) = hall(20).await;
    let secret = ceping::server::db::server_secret(&h.pool).await.unwrap();
    let mut order = Vec::new();
    for (i, code) in r.codes.iter().enumerate() {
        let (status, page) = h
            .post(
                &format!("/v/{}", code.display()),
                None,
                &complete_ballot(&r.items, &format!("k{i}")),
            )
            .await
            .status_and_body();
        assert_eq!(status, StatusCode::OK, "{page}");
        assert!(page.contains("测评已提交"));
        let receipt = ceping::ballot::Receipt::parse(&receipt_of(&page)).unwrap();
        let (id,): (String,) = sqlx::query_as("SELECT id FROM ballot WHERE receipt_hash = ?")
            .bind(ceping::ballot::bound_receipt_hash(&secret, code, &receipt))
            .fetch_one(&h.pool)
            .await
            .unwrap();
        order.push(id);
    }
    // Schema: the ballot tables hold exactly these columns; none points at an invitation or
    // carries a time.
    let expected: [(&str, &[&str]); 3] = [
        (
            "ballot",
            &[
                "id",
                "round_id",
                "receipt_hash",
                "comment",
                "cells",
                "sealed_comments",
                "tracking",
            ],
        ),
        ("ballot_choice", &["ballot_id", "item", "level", "comment"]),
        ("tally", &["round_id", "item", "level", "count"]),
    ];
    for (table, columns) in expected {
        let cols: Vec<(String,)> =
            sqlx::query_as(&format!("SELECT name FROM pragma_table_info('{table}')"))
                .fetch_all(&h.pool)
                .await
                .unwrap();
        let cols: Vec<String> = cols.into_iter().map(|(c,)| c).collect();
        assert_eq!(cols, columns, "{table}");
        let fks: Vec<(String,)> = sqlx::query_as(&format!(
            "SELECT \"table\" FROM pragma_foreign_key_list('{table}')"
        ))
        .fetch_all(&h.pool)
        .await
        .unwrap();
        assert!(
            fks.iter().all(|(t,)| t != "invitation"),
            "{table} references invitation"
        );
    }
    let inv_cols: Vec<(String,)> =
        sqlx::query_as("SELECT name FROM pragma_table_info('invitation')")
            .fetch_all(&h.pool)
            .await
            .unwrap();
    assert!(
        inv_cols
            .iter()
            .all(|(c,)| !c.contains("ballot") && !c.contains("receipt_hash"))
    );
    // An invitation records at most the day it was used.
    let days: Vec<(String,)> = sqlx::query_as("SELECT used_on FROM invitation WHERE used = 1")
        .fetch_all(&h.pool)
        .await
        .unwrap();
    assert_eq!(days.len(), 20);
    assert!(days.iter().all(|(d,)| d.len() == 10), "{days:?}");
    // Ballot ids are 128 random bits, and the stored order is not the order of arrival.
    let stored: Vec<(String,)> = sqlx::query_as("SELECT id FROM ballot")
        .fetch_all(&h.pool)
        .await
        .unwrap();
    let stored: Vec<String> = stored.into_iter().map(|(id,)| id).collect();
    assert!(
        stored
            .iter()
            .all(|id| id.len() == 32 && id.chars().all(|c| c.is_ascii_hexdigit()))
    );
    assert_ne!(stored, order, "rows must not come back in arrival order");
    let mut sorted = order.clone();
    sorted.sort();
    assert_eq!(stored, sorted, "rows are kept in random-id order");
    assert_eq!(
        scalar(&h.pool, "SELECT ballots FROM round_turnout").await,
        20
    );
    assert_nothing_readable(&h.pool, r.items.len()).await;
    // Two tellers' count opens exactly what was cast.
    h.count(r.id).await;
    assert_counted_complete(&h.pool, &r.items, 20).await;
}

#[tokio::test]
async fn two_phones_with_one_code_at_the_same_moment_make_one_ballot() {
    let (h, r) = hall(1).await;
    let path = format!("/v/{}", r.codes[0].as_str());
    let mut tasks = Vec::new();
    for i in 0..24 {
        let h = h.clone();
        let path = path.clone();
        let body = complete_ballot(&r.items, &format!("phone{i}"));
        tasks.push(tokio::spawn(async move {
            h.post(&path, None, &body).await.status_and_body()
        }));
    }
    let mut cast = 0;
    let mut refused = 0;
    for t in tasks {
        let (status, page) = t.await.unwrap();
        match status {
            StatusCode::OK => {
                assert!(page.contains("测评已提交"));
                cast += 1;
            }
            StatusCode::CONFLICT => {
                assert!(page.contains("您已提交过测评"));
                refused += 1;
            }
            other => panic!("unexpected {other}: {page}"),
        }
    }
    assert_eq!((cast, refused), (1, 23));
    assert_eq!(scalar(&h.pool, "SELECT COUNT(*) FROM ballot").await, 1);
    assert_eq!(
        scalar(&h.pool, "SELECT ballots FROM round_turnout").await,
        1
    );
    assert_nothing_readable(&h.pool, r.items.len()).await;
    h.count(r.id).await;
    assert_counted_complete(&h.pool, &r.items, 1).await;
}

#[tokio::test]
async fn a_retried_post_gets_the_first_answer() {
    let (h, r) = hall(1).await;
    let path = format!("/v/{}", r.codes[0].display());
    let body = complete_ballot(&r.items, "same-form");
    let (s1, first) = h.post(&path, None, &body).await.status_and_body();
    let (s2, again) = h.post(&path, None, &body).await.status_and_body();
    assert_eq!((s1, s2), (StatusCode::OK, StatusCode::OK));
    assert_eq!(receipt_of(&first), receipt_of(&again));
    assert_eq!(scalar(&h.pool, "SELECT COUNT(*) FROM ballot").await, 1);
    assert_eq!(
        scalar(&h.pool, "SELECT ballots FROM round_turnout").await,
        1
    );
    // Another form (another key) with the used code is refused.
    let s3 = h
        .post(&path, None, &complete_ballot(&r.items, "other-form"))
        .await
        .status;
    assert_eq!(s3, StatusCode::CONFLICT);
}

#[tokio::test]
async fn revision_needs_the_receipt_and_keeps_the_tallies_right() {
    let (h, r) = hall(2).await;
    let path = format!("/v/{}", r.codes[0].as_str());
    let page = h
        .post(&path, None, &complete_ballot(&r.items, "k1"))
        .await
        .body;
    let receipt = receipt_of(&page);
    // The other deputy's ballot, so the tallies have more than one ballot in them.
    h.post(
        &format!("/v/{}", r.codes[1].as_str()),
        None,
        &complete_ballot(&r.items, "k2"),
    )
    .await;

    // Without the receipt: refused, nothing changes, the failure is counted.
    let before = footprint(&h.pool).await;
    let (status, page) = h
        .post(
            &format!("{path}/revise"),
            None,
            "receipt=00000-00000-00000-00000",
        )
        .await
        .status_and_body();
    assert_eq!(status, StatusCode::FORBIDDEN, "{page}");
    let wrong = format!(
        "idem=k9&receipt=00000-00000-00000-00000&r.{}=dissatisfied",
        r.items[0]
    );
    let status = h.post(&path, None, &wrong).await.status;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(footprint(&h.pool).await, before);
    assert_eq!(
        scalar(&h.pool, "SELECT MAX(failed_receipts) FROM invitation").await,
        2
    );

    // With it: the ballot opens blank (it is sealed: nobody can show its choices again, and the
    // page says so), and what is sent replaces the whole ballot.
    let (status, page) = h
        .post(
            &format!("{path}/revise"),
            None,
            &format!("receipt={receipt}"),
        )
        .await
        .status_and_body();
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("修改测评") && page.contains("无法再显示您原来的选择"));
    assert_eq!(page.matches("checked").count(), 0);
    // Another deputy's code with this receipt opens nothing: a receipt is bound to its code.
    let (status, _) = h
        .post(
            &format!("/v/{}/revise", r.codes[1].as_str()),
            None,
            &format!("receipt={receipt}"),
        )
        .await
        .status_and_body();
    assert_eq!(status, StatusCode::FORBIDDEN);
    let sealed_before: Vec<u8> =
        sqlx::query_scalar::<_, Vec<u8>>("SELECT cells FROM ballot ORDER BY id")
            .fetch_all(&h.pool)
            .await
            .unwrap()
            .concat();
    let revised = format!("idem=k3&receipt={receipt}&r.{}=dissatisfied", r.items[0]);
    let (status, page) = h.post(&path, None, &revised).await.status_and_body();
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("修改已保存"));
    assert_eq!(scalar(&h.pool, "SELECT COUNT(*) FROM ballot").await, 2);
    assert_eq!(
        scalar(&h.pool, "SELECT ballots FROM round_turnout").await,
        2
    );
    let sealed_after: Vec<u8> =
        sqlx::query_scalar::<_, Vec<u8>>("SELECT cells FROM ballot ORDER BY id")
            .fetch_all(&h.pool)
            .await
            .unwrap()
            .concat();
    assert_ne!(
        sealed_after, sealed_before,
        "the revision replaced a sealed ballot"
    );
    assert_nothing_readable(&h.pool, r.items.len()).await;
    h.count(r.id).await;
    let (first_item_dissatisfied,): (i64,) =
        sqlx::query_as("SELECT count FROM tally WHERE item = ? AND level = 2")
            .bind(r.items[0].as_str())
            .fetch_one(&h.pool)
            .await
            .unwrap();
    assert_eq!(first_item_dissatisfied, 1);
    assert_eq!(
        scalar(
            &h.pool,
            "SELECT COUNT(*) FROM tally WHERE level = -1 AND count > 0"
        )
        .await,
        43
    );
}

#[tokio::test]
async fn too_many_wrong_receipts_lock_revision() {
    let (h, r) = hall(1).await;
    let path = format!("/v/{}", r.codes[0].as_str());
    h.post(&path, None, &complete_ballot(&r.items, "k1")).await;
    for _ in 0..10 {
        h.post(
            &format!("{path}/revise"),
            None,
            "receipt=00000-00000-00000-00000",
        )
        .await;
    }
    let (status, page) = h.get(&path, None).await.status_and_body();
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(page.contains("已暂停修改"), "{page}");
}

#[tokio::test]
async fn every_refusal_has_its_page_and_status_and_stores_nothing() {
    let (h, r) = hall(4).await;
    let code = |i: usize| r.codes[i].as_str().to_string();
    // Revoked.
    invite::revoke(&h.pool, r.id, &r.codes[0], None, "test")
        .await
        .unwrap();
    // Used.
    h.post(
        &format!("/v/{}", code(1)),
        None,
        &complete_ballot(&r.items, "k"),
    )
    .await;
    let before = footprint(&h.pool).await;

    let cases = [
        (
            format!("/v/{}", code(0)),
            StatusCode::FORBIDDEN,
            "邀请码已作废",
        ),
        (
            format!("/v/{}", code(1)),
            StatusCode::CONFLICT,
            "您已提交过测评",
        ),
        (
            "/v/AAAAA-BBBBB-CCCCC-DDDDD".to_string(),
            StatusCode::NOT_FOUND,
            "邀请码无效",
        ),
        (
            "/v/not-a-code".to_string(),
            StatusCode::NOT_FOUND,
            "邀请码无效",
        ),
    ];
    for (path, status, title) in &cases {
        let (s, page) = h.get(path, None).await.status_and_body();
        assert_eq!(s, *status, "GET {path}");
        assert!(page.contains(title), "GET {path}: {page}");
        let (s, page) = h
            .post(path, None, &complete_ballot(&r.items, "x"))
            .await
            .status_and_body();
        assert_eq!(s, *status, "POST {path}");
        assert!(page.contains(title), "POST {path}");
    }
    // Round not yet open, then closed.
    h.close(r.id).await;
    let (s, page) = h
        .get(&format!("/v/{}", code(2)), None)
        .await
        .status_and_body();
    assert_eq!(s, StatusCode::GONE);
    assert!(page.contains("测评已经结束"));
    let s = h
        .post(
            &format!("/v/{}", code(2)),
            None,
            &complete_ballot(&r.items, "y"),
        )
        .await
        .status;
    assert_eq!(s, StatusCode::GONE);
    sqlx::query("UPDATE round SET state = 'draft'")
        .execute(&h.pool)
        .await
        .unwrap();
    let (s, page) = h
        .get(&format!("/v/{}", code(3)), None)
        .await
        .status_and_body();
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert!(page.contains("测评尚未开始"));
    let s = h
        .post(
            &format!("/v/{}", code(3)),
            None,
            &complete_ballot(&r.items, "z"),
        )
        .await
        .status;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(footprint(&h.pool).await, before);
}

#[tokio::test]
async fn bad_posts_get_a_clear_4xx_and_store_nothing() {
    let (h, r) = hall(1).await;
    let path = format!("/v/{}", r.codes[0].as_str());
    let item = r.items[0].as_str();
    let long = "长".repeat(51);
    let cases: Vec<(String, &str, StatusCode, &str)> = vec![
        (
            format!("idem=k&r.{item}=satisfied&r.{item}=basic"),
            "application/x-www-form-urlencoded",
            StatusCode::BAD_REQUEST,
            "选择了两个等级",
        ),
        (
            format!("idem=k&r.{item}=excellent"),
            "application/x-www-form-urlencoded",
            StatusCode::BAD_REQUEST,
            "的选择无效",
        ),
        (
            "idem=k&r.t999=satisfied".into(),
            "application/x-www-form-urlencoded",
            StatusCode::BAD_REQUEST,
            "页面已过期",
        ),
        (
            format!("idem=k&c.{item}={long}"),
            "application/x-www-form-urlencoded",
            StatusCode::BAD_REQUEST,
            "超过了50字",
        ),
        (
            format!("r.{item}=satisfied"),
            "application/x-www-form-urlencoded",
            StatusCode::BAD_REQUEST,
            "页面已过期",
        ),
        (
            "idem=k&%zz".into(),
            "application/x-www-form-urlencoded",
            StatusCode::BAD_REQUEST,
            "格式不正确",
        ),
        (
            "{\"idem\":\"k\"}".into(),
            "application/json",
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "提交格式不正确",
        ),
        (
            format!("idem=k&comment={}", "x".repeat(2 * 1024 * 1024)),
            "application/x-www-form-urlencoded",
            StatusCode::PAYLOAD_TOO_LARGE,
            "提交的内容过多",
        ),
    ];
    for (body, ctype, status, needle) in cases {
        let (s, page) = h.post_typed(&path, &body, ctype).await.status_and_body();
        assert_eq!(s, status, "{}…: {page}", &body[..body.len().min(40)]);
        assert!(page.contains(needle), "{needle}: {page}");
    }
    assert_eq!(footprint(&h.pool).await, vec![0, 0, 0, 0, 0]);
    // The code still works afterwards.
    let s = h
        .post(&path, None, &complete_ballot(&r.items, "good"))
        .await
        .status;
    assert_eq!(s, StatusCode::OK);
}

#[tokio::test]
async fn the_review_step_counts_on_the_server_and_casts_nothing() {
    let (h, r) = hall(1).await;
    let path = format!("/v/{}", r.codes[0].as_str());
    let body = complete_ballot(&r.items[..40], "k").replace("action=submit", "action=review");
    let (s, page) = h.post(&path, None, &body).await.status_and_body();
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains("已评 40/44 项"), "{page}");
    assert!(page.contains("确认提交"));
    assert_eq!(footprint(&h.pool).await, vec![0, 0, 0, 0, 0]);
    // Going back to the form (action=edit) casts nothing either.
    let body = complete_ballot(&r.items[..40], "k").replace("action=submit", "action=edit");
    assert_eq!(h.post(&path, None, &body).await.status, StatusCode::OK);
    assert_eq!(footprint(&h.pool).await, vec![0, 0, 0, 0, 0]);
}

#[tokio::test]
async fn a_reissued_code_replaces_the_revoked_one() {
    let (h, r) = hall(1).await;
    let fresh = invite::revoke(
        &h.pool,
        r.id,
        &r.codes[0],
        Some(invite::Reissue {
            reason: Some("邀请函遗失"),
        }),
        "test",
    )
    .await
    .unwrap()
    .expect("a replacement code");
    assert_ne!(fresh.code.as_str(), r.codes[0].as_str());
    let (s, page) = h
        .get(&format!("/v/{}", r.codes[0].as_str()), None)
        .await
        .status_and_body();
    assert_eq!(s, StatusCode::FORBIDDEN, "{page}");
    let (s, page) = h
        .post(
            &format!("/v/{}", fresh.code.display()),
            None,
            &complete_ballot(&r.items, "k"),
        )
        .await
        .status_and_body();
    assert_eq!(s, StatusCode::OK, "{page}");
    // Revoking twice is an error; the label travels with the new code.
    assert!(
        invite::revoke(&h.pool, r.id, &r.codes[0], None, "test")
            .await
            .is_err()
    );
    assert_eq!(
        scalar(
            &h.pool,
            "SELECT COUNT(*) FROM invitation WHERE reissued_from IS NOT NULL"
        )
        .await,
        1
    );
}

#[tokio::test]
async fn failed_lookups_are_capped_but_valid_codes_still_open() {
    let (h, r) = hall(1).await;
    let cap = ceping::server::web::FAILED_LOOKUPS_PER_MINUTE;
    let started = std::time::Instant::now();
    for n in 0..cap {
        let s = h.get("/v/AAAAA-BBBBB-CCCCC-DDDDD", None).await.status;
        assert_eq!(
            s,
            StatusCode::NOT_FOUND,
            "failed look-up {n} is within the cap"
        );
    }
    // The cap refills one look-up per 60 s / cap: at most that many more get through before
    // the refusal, however slowly this machine ran the loop.
    let refilled = (started.elapsed().as_secs_f64() * f64::from(cap) / 60.0).ceil() as u32;
    let mut refusal = None;
    for _ in 0..=refilled + 1 {
        let (s, page) = h
            .get("/v/AAAAA-BBBBB-CCCCC-DDDDE", None)
            .await
            .status_and_body();
        if s == StatusCode::TOO_MANY_REQUESTS {
            refusal = Some(page);
            break;
        }
    }
    let page = refusal.expect("a look-up past the cap is refused with 429");
    assert!(page.contains("请稍后再试"));
    // A deputy with a real code is not slowed down by someone else's guessing.
    let s = h
        .get(&format!("/v/{}", r.codes[0].as_str()), None)
        .await
        .status;
    assert_eq!(s, StatusCode::OK);
}
