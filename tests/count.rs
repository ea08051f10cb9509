//! The tellers' count on a real database, tried the way a dishonest operator would: changed
//! ballots, changed shares, changed counts, a ballot passed off twice, shares of too few tellers,
//! foreign key files, and a count before the round has closed.
#![cfg(feature = "ssr")]

use crate::common;

use axum::http::StatusCode;
use ceping::server::service::count::{self, CountError, Progress};
use common::{TestApp, complete_ballot, scalar};

/// A file database with a round of `n` complete ballots cast and closed; its id.
async fn closed_round(n: usize) -> (TestApp, i64) {
    let t = TestApp::on_file().await;
    let r = t
        .open_round_with_codes(&common::round_settings("计票测试"), n)
        .await;
    for (k, code) in r.codes.iter().enumerate() {
        let res = t
            .vote(code, &complete_ballot(&r.items, &format!("C{k}")))
            .await;
        assert_eq!(res.status, StatusCode::OK);
    }
    t.close(r.id).await;
    (t, r.id)
}

/// What an operator can do with the public joint key: seal a ballot of its own (every item
/// "dissatisfied") and put it in place of the last stored one. Its cells.
async fn replace_with_own_ballot(t: &TestApp, r: i64) -> Vec<u8> {
    let tellers = ceping::server::repo::tellers::get(&t.pool, r)
        .await
        .unwrap()
        .unwrap();
    let keys = tellers.board.final_key_set().unwrap();
    let items = t.items(r).await.len();
    let own =
        ceping::seal::Sealer::new(&keys, 3).seal(&vec![Some(2); items], &mut rand::rngs::OsRng);
    sqlx::query("UPDATE ballot SET cells = ? WHERE id = (SELECT MAX(id) FROM ballot)")
        .bind(&own)
        .execute(&t.pool)
        .await
        .unwrap();
    own
}

fn failed(v: &count::Verification) -> Vec<String> {
    v.checks
        .iter()
        .filter(|c| !c.ok)
        .map(|c| c.what.clone())
        .collect()
}

#[tokio::test]
async fn a_count_needs_k_tellers_a_closed_round_and_this_rounds_keys() {
    let t = TestApp::on_file().await;
    let r = t
        .open_round_with_codes(&common::round_settings("计票测试"), 2)
        .await;
    let mut keys = t.keys(r.id);
    // Open: no count.
    assert!(matches!(
        count::post_shares(&t.pool, r.id, &mut keys[..1], &mut |_| Ok(()), "test").await,
        Err(CountError::NotClosed { .. })
    ));
    t.vote(&r.codes[0], &complete_ballot(&r.items, "x")).await;
    t.close(r.id).await;
    // Another round's key file opens nothing here.
    let other = t.round("另一轮").await;
    t.make_keys(other).await;
    assert!(matches!(
        count::post_shares(
            &t.pool,
            r.id,
            &mut t.keys(other)[..1],
            &mut |_| Ok(()),
            "test"
        )
        .await,
        Err(CountError::OtherRound(_))
    ));
    // One teller of the three: the count waits, and no figure exists.
    assert_eq!(
        count::post_shares(&t.pool, r.id, &mut keys[1..2], &mut |_| Ok(()), "test")
            .await
            .unwrap(),
        Progress::Waiting {
            posted: vec![1],
            needed: 2
        }
    );
    assert_eq!(scalar(&t.pool, "SELECT COUNT(*) FROM tally").await, 0);
    // The same teller again is still one teller.
    assert!(matches!(
        count::post_shares(&t.pool, r.id, &mut keys[1..2], &mut |_| Ok(()), "test").await,
        Ok(Progress::Waiting { .. })
    ));
    // A second teller opens it; then it is done for good.
    assert!(matches!(
        count::post_shares(&t.pool, r.id, &mut keys[2..3], &mut |_| Ok(()), "test").await,
        Ok(Progress::Counted { ballots: 1, .. })
    ));
    assert!(matches!(
        count::post_shares(&t.pool, r.id, &mut keys[0..1], &mut |_| Ok(()), "test").await,
        Err(CountError::Counted(_))
    ));
    let v = count::verify(&t.pool, r.id).await.unwrap();
    assert!(failed(&v).is_empty(), "{:?}", v.checks);
    assert_eq!(v.tellers, [2, 3]);
}

#[tokio::test]
async fn a_ballot_changed_after_a_teller_posted_stops_the_count() {
    let (t, r) = closed_round(3).await;
    let mut keys = t.keys(r);
    count::post_shares(&t.pool, r, &mut keys[..1], &mut |_| Ok(()), "test")
        .await
        .unwrap();
    // The operator replaces one sealed ballot with a copy of another (a deputy's ballot
    // counted twice, another's dropped): a copy is found and the count stops.
    let last = "(SELECT id FROM ballot ORDER BY id DESC LIMIT 1)";
    sqlx::query(&format!(
        "UPDATE ballot SET cells = (SELECT cells FROM ballot ORDER BY id LIMIT 1) WHERE id = {last}"
    ))
    .execute(&t.pool)
    .await
    .unwrap();
    assert!(matches!(
        count::post_shares(&t.pool, r, &mut keys[1..2], &mut |_| Ok(()), "test").await,
        Err(CountError::Copies { copies: 1, .. })
    ));
    // Or with a ballot it sealed itself to the public joint key (all "dissatisfied"): no copy,
    // but teller 1's share was made on the old sums, so it no longer checks, and the count
    // stops before anything is opened.
    replace_with_own_ballot(&t, r).await;
    let refused = count::post_shares(&t.pool, r, &mut keys[1..2], &mut |_| Ok(()), "test").await;
    assert!(
        matches!(
            refused,
            Err(CountError::Seal(ceping::seal::SealError::BadShare {
                teller: 0,
                ..
            }))
        ),
        "{refused:?}"
    );
    assert_eq!(scalar(&t.pool, "SELECT COUNT(*) FROM tally").await, 0);
}

#[tokio::test]
async fn a_damaged_or_missing_ballot_stops_the_count() {
    let (t, r) = closed_round(3).await;
    let mut keys = t.keys(r);
    sqlx::query(
        "UPDATE ballot SET cells = substr(cells, 1, 64) WHERE id = (SELECT MIN(id) FROM ballot)",
    )
    .execute(&t.pool)
    .await
    .unwrap();
    assert!(matches!(
        count::post_shares(&t.pool, r, &mut keys[..2], &mut |_| Ok(()), "test").await,
        Err(CountError::Damaged { bad: 1, .. })
    ));
    // A ballot deleted: the turnout no longer agrees.
    sqlx::query("DELETE FROM ballot WHERE id = (SELECT MIN(id) FROM ballot)")
        .execute(&t.pool)
        .await
        .unwrap();
    assert!(matches!(
        count::post_shares(&t.pool, r, &mut keys[..2], &mut |_| Ok(()), "test").await,
        Err(CountError::Turnout {
            ballots: 2,
            turnout: 3,
            used: 3,
            ..
        })
    ));
}

#[tokio::test]
async fn verify_catches_a_changed_count_share_or_ballot() {
    let (t, r) = closed_round(4).await;
    t.count(r).await;
    let v = count::verify(&t.pool, r).await.unwrap();
    assert!(failed(&v).is_empty(), "{:?}", v.checks);
    assert_eq!(v.ballots, 4);

    // A count moved from one level to another.
    sqlx::query(
        "UPDATE tally SET count = count + 1 WHERE item = (SELECT MIN(item) FROM tally) AND level = 1",
    )
    .execute(&t.pool)
    .await
    .unwrap();
    let v = count::verify(&t.pool, r).await.unwrap();
    assert_eq!(failed(&v).len(), 1, "{:?}", v.checks);
    assert!(failed(&v)[0].contains("published counts"));
    sqlx::query("UPDATE tally SET count = count - 1 WHERE item = (SELECT MIN(item) FROM tally) AND level = 1")
        .execute(&t.pool)
        .await
        .unwrap();
    assert!(failed(&count::verify(&t.pool, r).await.unwrap()).is_empty());

    // A teller's share changed: its proof fails, and two good shares are no longer there.
    let (json,): (String,) =
        sqlx::query_as("SELECT share_json FROM count_share WHERE round_id = ? LIMIT 1")
            .bind(r)
            .fetch_one(&t.pool)
            .await
            .unwrap();
    let mut share: ceping::seal::CountShare = serde_json::from_str(&json).unwrap();
    share.shares.swap(0, 1);
    sqlx::query("UPDATE count_share SET share_json = ? WHERE teller = ?")
        .bind(serde_json::to_string(&share).unwrap())
        .bind(share.teller as i64)
        .execute(&t.pool)
        .await
        .unwrap();
    let v = count::verify(&t.pool, r).await.unwrap();
    let bad = failed(&v);
    assert!(
        bad.iter()
            .any(|w| w.contains(&format!("teller {}", share.teller + 1))),
        "{bad:?}"
    );
    sqlx::query("UPDATE count_share SET share_json = ? WHERE teller = ?")
        .bind(&json)
        .bind(share.teller as i64)
        .execute(&t.pool)
        .await
        .unwrap();
    assert!(failed(&count::verify(&t.pool, r).await.unwrap()).is_empty());

    // A sealed ballot replaced after the count: the sums differ from what the shares open.
    replace_with_own_ballot(&t, r).await;
    let v = count::verify(&t.pool, r).await.unwrap();
    assert!(failed(&v).len() >= 2, "{:?}", v.checks);
}

#[tokio::test]
async fn a_second_count_of_other_ballots_is_refused_by_the_tellers_files() {
    // The operator's attack: teller 1 posts a share, then the operator drops it, replaces one
    // deputy's ballot with one of its own (turnout and codes unchanged) and asks teller 1
    // again: two openings of sums that differ by one ballot would show that ballot.
    let (t, r) = closed_round(6).await;
    let mut keys = t.keys(r);
    let mut saved: Vec<ceping::seal::TellerFile> = Vec::new();
    let mut save = |files: &[ceping::seal::TellerFile]| {
        saved = files.to_vec();
        Ok(())
    };
    assert!(matches!(
        count::post_shares(&t.pool, r, &mut keys[..1], &mut save, "test").await,
        Ok(Progress::Waiting { .. })
    ));
    sqlx::query("DELETE FROM count_share")
        .execute(&t.pool)
        .await
        .unwrap();
    replace_with_own_ballot(&t, r).await;
    // Teller 1's file, as saved before its share left, remembers what it opened, and refuses;
    // nothing is posted, nothing is opened.
    let mut reloaded: Vec<ceping::seal::TellerFile> =
        serde_json::from_str(&serde_json::to_string(&saved).unwrap()).unwrap();
    let refused = count::post_shares(&t.pool, r, &mut reloaded, &mut |_| Ok(()), "test").await;
    assert!(
        matches!(
            refused,
            Err(CountError::Seal(ceping::seal::SealError::OtherSums))
        ),
        "{refused:?}"
    );
    assert_eq!(scalar(&t.pool, "SELECT COUNT(*) FROM count_share").await, 0);
    // A file that cannot be saved posts nothing either.
    let mut fresh = t.keys(r);
    let refused = count::post_shares(
        &t.pool,
        r,
        &mut fresh[1..2],
        &mut |_| Err("read-only medium".into()),
        "test",
    )
    .await;
    assert!(
        matches!(refused, Err(CountError::KeyFile(_))),
        "{refused:?}"
    );
    assert_eq!(scalar(&t.pool, "SELECT COUNT(*) FROM count_share").await, 0);
    assert_eq!(scalar(&t.pool, "SELECT COUNT(*) FROM tally").await, 0);
}

#[tokio::test]
async fn a_real_round_of_fewer_than_five_ballots_is_not_counted() {
    let (t, r) = closed_round(4).await;
    // Not a trial: the tellers made their keys each on their own (the flag is what differs).
    sqlx::query("UPDATE round_tellers SET solo = 0")
        .execute(&t.pool)
        .await
        .unwrap();
    let mut keys = t.keys(r);
    assert!(matches!(
        count::post_shares(&t.pool, r, &mut keys[..1], &mut |_| Ok(()), "test").await,
        Err(CountError::TooFew { ballots: 4, .. })
    ));
    assert_eq!(scalar(&t.pool, "SELECT COUNT(*) FROM count_share").await, 0);
}

#[tokio::test]
async fn once_a_teller_has_posted_the_round_cannot_reopen() {
    let (t, r) = closed_round(2).await;
    let mut keys = t.keys(r);
    count::post_shares(&t.pool, r, &mut keys[..1], &mut |_| Ok(()), "test")
        .await
        .unwrap();
    let refused = ceping::server::repo::round::transition(
        &t.pool,
        r,
        ceping::model::round::RoundAction::Reopen,
        "office",
        None,
    )
    .await;
    assert!(
        matches!(
            refused,
            Err(ceping::server::repo::round::RoundError::Counting(_))
        ),
        "{refused:?}"
    );
}

/// The tracking code on a "测评已提交" page.
fn tracking_of(page: &str) -> String {
    let start = page
        .find("tracking-code\">")
        .expect("a tracking code on the page")
        + 15;
    page[start..start + 19].to_string()
}

#[tokio::test]
async fn the_public_record_verifies_on_its_own_and_holds_every_deputys_tracking_code() {
    use ceping::seal::record::{Record, verify};
    let t = TestApp::on_file().await;
    let r = t
        .open_round_with_codes(&common::round_settings("公开记录"), 5)
        .await;
    let mut tracked = Vec::new();
    for (k, code) in r.codes.iter().enumerate() {
        let res = t
            .vote(code, &complete_ballot(&r.items, &format!("R{k}")))
            .await;
        assert_eq!(res.status, StatusCode::OK);
        tracked.push(tracking_of(&res.body));
    }
    // A retried post shows the first post's code: that is the ballot stored.
    let again = t.vote(&r.codes[0], &complete_ballot(&r.items, "R0")).await;
    assert_eq!(tracking_of(&again.body), tracked[0]);
    // No record before the count.
    let path = format!("/results/{}/record.json", r.id);
    assert_eq!(t.get(&path, None).await.status, StatusCode::CONFLICT);
    t.count(r.id).await;
    // After it, for anyone, no sign-in.
    let res = t.get(&path, None).await;
    assert_eq!(res.status, StatusCode::OK);
    let record: Record = serde_json::from_slice(&res.bytes).unwrap();
    // Streamed a page of ballots at a time, it is byte for byte what serde writes of the whole
    // record, whatever the page.
    assert_eq!(serde_json::to_vec(&record).unwrap(), res.bytes);
    for page in [1, 2, 100] {
        let writer = count::RecordWriter::open(&t.pool, r.id, page)
            .await
            .unwrap();
        let bytes = writer.read_all().await.unwrap();
        assert!(
            bytes == res.bytes,
            "a page of {page} ballots writes another record"
        );
    }
    // While as many records as allowed are being streamed, one more download waits its turn
    // (503 with Retry-After), and the permit a finished download held is given back.
    let streams = ceping::server::web::RECORD_STREAMS;
    let held = t
        .state
        .records
        .clone()
        .try_acquire_many_owned(streams as u32)
        .unwrap();
    let busy = t.get(&path, None).await;
    assert_eq!(busy.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(busy.headers["retry-after"], "30");
    assert!(busy.body.contains("稍后再试"), "{}", busy.body);
    drop(held);
    let again = t.get(&path, None).await;
    assert_eq!(again.status, StatusCode::OK);
    assert!(again.bytes == res.bytes);
    assert_eq!(t.state.records.available_permits(), streams);
    let listed: Vec<&str> = record.ballots.iter().map(|b| b.tracking.as_str()).collect();
    for code in &tracked {
        assert!(
            listed.contains(&code.as_str()),
            "{code} is not in the record"
        );
    }
    let checks = verify(&record, 2);
    assert!(checks.iter().all(|c| c.ok), "{checks:?}");
    assert_eq!(record.counts[0].levels, [5, 0, 0]);

    // Changed, it fails, and says where: a count moved, a ballot dropped, a ballot replaced by
    // another one sealed to the public key (its tracking code made to match), a copy, two items
    // relabelled, the joint key.
    let failing = |rec: &Record| -> Vec<String> {
        verify(rec, 1)
            .into_iter()
            .filter(|c| !c.ok)
            .map(|c| c.what)
            .collect()
    };
    let says = |rec: &Record, what: &str| {
        let f = failing(rec);
        assert!(f.iter().any(|w| w.contains(what)), "{what}: {f:?}");
    };
    let mut moved = record.clone();
    moved.counts[0].levels = vec![4, 1, 0];
    says(&moved, "open the sums to the published counts");
    let mut dropped = record.clone();
    dropped.ballots.pop();
    says(&dropped, "decryption shares");
    let mut replaced = record.clone();
    let keys = record.board.final_key_set().unwrap();
    let own = ceping::seal::Sealer::new(&keys, 3)
        .seal(&vec![Some(2); r.items.len()], &mut rand::rngs::OsRng);
    replaced.ballots[0] = ceping::seal::record::RecordBallot {
        tracking: ceping::seal::record::tracking_code(&own),
        cells: <base64ct::Base64 as base64ct::Encoding>::encode_string(&own),
    };
    says(&replaced, "decryption shares");
    let mut copied = record.clone();
    copied.ballots[0] = copied.ballots[1].clone();
    says(&copied, "copy");
    let mut relabelled = record.clone();
    relabelled.round.items.swap(0, 1);
    relabelled.counts.swap(0, 1);
    relabelled.counts[0].item = relabelled.round.items[0].clone();
    relabelled.counts[1].item = relabelled.round.items[1].clone();
    says(&relabelled, "items in this order");
    let mut forged = record.clone();
    forged.joint_key = "00".repeat(32);
    says(&forged, "joint key");
}

#[tokio::test]
async fn a_deputy_finds_their_sealed_ballot_by_its_tracking_code_before_the_count() {
    let t = TestApp::on_file().await;
    let r = t
        .open_round_with_codes(&common::round_settings("核对"), 3)
        .await;
    let page = t.vote(&r.codes[0], &complete_ballot(&r.items, "T0")).await;
    let mine = tracking_of(&page.body);
    t.vote(&r.codes[1], &complete_ballot(&r.items, "T1")).await;
    let track = |q: String| {
        let t = t.clone();
        async move { t.get(&format!("/track/{}{q}", r.id), None).await }
    };
    // While the round is open there is nothing to check yet.
    let open = track(format!("?t={mine}")).await;
    assert_eq!(open.status, StatusCode::OK);
    assert!(open.body.contains("测评结束后") && !open.body.contains("找到了"));
    t.close(r.id).await;
    // Closed: found, typed in any spelling; a wrong or malformed one is said to be so.
    let found = track(format!("?t={}", mine.to_lowercase().replace('-', "+"))).await;
    assert!(
        found.body.contains("找到了") && found.body.contains("2 张密封选票"),
        "{}",
        found.body
    );
    let missing = track("?t=0000-0000-0000-0000".into()).await;
    assert!(missing.body.contains("没有找到"));
    let malformed = track("?t=123".into()).await;
    assert!(malformed.body.contains("应为16位"));
    // The operator replaces this deputy's ballot with one it sealed itself: the deputy finds
    // it missing, before any count is opened.
    let rows: Vec<(String, Vec<u8>)> = sqlx::query_as("SELECT id, cells FROM ballot")
        .fetch_all(&t.pool)
        .await
        .unwrap();
    let (id, _) = rows
        .iter()
        .find(|(_, c)| ceping::seal::record::tracking_code(c) == mine)
        .expect("the deputy's ballot is stored under their tracking code");
    let tellers = ceping::server::repo::tellers::get(&t.pool, r.id)
        .await
        .unwrap()
        .unwrap();
    let keys = tellers.board.final_key_set().unwrap();
    let own = ceping::seal::Sealer::new(&keys, 3)
        .seal(&vec![Some(2); r.items.len()], &mut rand::rngs::OsRng);
    sqlx::query("UPDATE ballot SET cells = ? WHERE id = ?")
        .bind(&own)
        .bind(id)
        .execute(&t.pool)
        .await
        .unwrap();
    let after = track(format!("?t={mine}")).await;
    assert!(after.body.contains("没有找到"), "{}", after.body);
    assert_eq!(
        t.get("/track/999", None).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn ballots_sealed_ahead_count_as_cast_and_a_closed_rounds_store_is_wiped() {
    use ceping::seal::record::{Record, verify};
    use ceping::server::service::sealing::{self, Sealers};
    let t = TestApp::on_file().await;
    // Room for three ballots: the fourth and fifth are sealed as they arrive.
    let state = t.state.clone().with_sealers(Sealers::with_ahead(3));
    let t = t.with_state(state);
    let sealers = t.state.sealers.clone();
    let r = t
        .open_round_with_codes(&common::round_settings("提前密封"), 5)
        .await;
    // The open round is found and its store filled, then nothing is left to make.
    sealing::keep_open(&t.pool, &sealers).await.unwrap();
    while sealers.fill_step() {}
    assert!(!sealers.fill_step());
    let round = ceping::server::repo::round::get(&t.pool, r.id)
        .await
        .unwrap();
    let sealer = sealers.of(&t.pool, &round).await.unwrap().unwrap();
    let cells = r.items.len() * 3;
    let (mut in_store, room) = sealer.ahead();
    assert_eq!(
        (in_store / cells, room),
        (3, 0),
        "three ballots' blanks, full"
    );

    let levels = ["satisfied", "basic", "dissatisfied"];
    let mut want = vec![[0u64; 3]; r.items.len()];
    for (k, code) in r.codes.iter().enumerate() {
        let mut body = format!("idem=A{k}&action=submit");
        for (i, item) in r.items.iter().enumerate() {
            let level = (i * 7 + k * k) % 3;
            want[i][level] += 1;
            body.push_str(&format!("&r.{item}={}", levels[level]));
        }
        assert_eq!(t.vote(code, &body).await.status, StatusCode::OK);
        if k < 3 {
            in_store -= cells;
        }
        assert_eq!(
            sealer.ahead().0,
            in_store,
            "ballot {k}: one ballot's blanks, or none"
        );
    }
    // Closed: the round is forgotten, and its store wiped at once, even while a request
    // (here the test) still holds its sealer; nothing is made for it again.
    t.close(r.id).await;
    sealing::keep_open(&t.pool, &sealers).await.unwrap();
    assert_eq!(sealer.ahead(), (0, 0));
    assert!(!sealers.fill_step(), "nothing is made for a closed round");

    // The count opens what was cast, whichever way each ballot was sealed, and verifies.
    t.count(r.id).await;
    let res = t.get(&format!("/results/{}/record.json", r.id), None).await;
    let record: Record = serde_json::from_slice(&res.bytes).unwrap();
    assert!(verify(&record, 2).iter().all(|c| c.ok));
    for (i, item) in r.items.iter().enumerate() {
        let c = record.counts.iter().find(|c| &c.item == item).unwrap();
        assert_eq!(c.levels, want[i].to_vec(), "item {item}");
    }
}
