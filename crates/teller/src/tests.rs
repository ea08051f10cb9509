//! The browser's functions, run natively: three tellers make their keys through the JSON the
//! page passes (the board kept as the server keeps it), ballots are sealed to the joint key,
//! and two tellers' shares, made from the sums as the server sends them, open the count.

use super::*;
use ceping_seal::count::{open, open_comments, verify_share};
use ceping_seal::{Comments, Message, SealedComment, Sealer, Tally, bundle};
use rand::SeedableRng;
use rand::rngs::StdRng;

/// The server's side: what a teller posts is accepted onto the board, as `repo::tellers::post`
/// does.
fn post(board: &mut Board, teller: usize, message: &Value) -> Result<(), SealError> {
    let message: Message = serde_json::from_value(message.clone()).expect("a message");
    board.accept(teller, message)
}

/// Runs the whole ceremony through the page's calls; returns the board and each teller's file.
fn ceremony(n: usize, k: usize, seed: u64) -> (Board, Vec<String>) {
    let mut board = Board::new("round 7", n, k, &mut StdRng::seed_from_u64(seed)).unwrap();
    let mut files = Vec::new();
    for i in 0..n {
        let board_json = serde_json::to_string(&board).unwrap();
        let out: Value = serde_json::from_str(&start_json(&board_json, i).unwrap()).unwrap();
        post(&mut board, i, &out["message"]).unwrap();
        files.push(out["file"].to_string());
    }
    // A teller who starts again with another file is refused: their first step is posted.
    let board_json = serde_json::to_string(&board).unwrap();
    assert!(
        start_json(&board_json, 0)
            .unwrap_err()
            .contains("另一个密钥文件")
    );
    for _round in 0..8 {
        for (i, file) in files.iter_mut().enumerate() {
            let board_json = serde_json::to_string(&board).unwrap();
            let out: Value = serde_json::from_str(&step_json(file, &board_json).unwrap()).unwrap();
            *file = out["file"].to_string();
            if let Some(print) = out["fingerprint"].as_str() {
                // A wrong fingerprint is refused and changes nothing.
                let wrong = confirm_json(file, &board_json, "0000-0000").unwrap_err();
                assert!(wrong.contains("校验码不一致"), "{wrong}");
                *file = confirm_json(file, &board_json, print).unwrap();
                continue;
            }
            if !out["message"].is_null() {
                post(&mut board, i, &out["message"]).unwrap();
            }
        }
        if board.complete() {
            break;
        }
    }
    assert!(board.complete(), "the ceremony finished");
    (board, files)
}

#[test]
fn three_tellers_make_keys_and_two_open_the_count_through_the_pages_calls() {
    let (board, files) = ceremony(3, 2, 1);
    let keys = board.final_key_set().unwrap();
    let joint = serde_json::to_value(keys.shared_key()).unwrap();
    let board_json = serde_json::to_string(&board).unwrap();
    for (i, file) in files.iter().enumerate() {
        let d: Value = serde_json::from_str(&describe_json(file, &board_json).unwrap()).unwrap();
        assert_eq!(d["index"], i);
        assert_eq!(d["done"], true);
        // Every teller's file computed the round's joint key (hex of the same bytes).
        assert!(joint.as_str().is_some() && d["joint_key"].as_str().is_some());
    }

    let mut r = StdRng::seed_from_u64(8);
    let (items, levels) = (3, 4);
    let sealer = Sealer::new(&keys, levels);
    let choices = [
        [Some(0), Some(1), None],
        [Some(0), Some(3), Some(2)],
        [Some(2), None, Some(2)],
        [Some(1), Some(1), Some(2)],
        [Some(0), Some(3), Some(0)],
    ];
    let (mut tally, mut comments) = (Tally::new(items * levels), Vec::new());
    let (mut stored, mut stored_comments) = (Vec::new(), Vec::new());
    for (i, c) in choices.iter().enumerate() {
        let cells = sealer.seal(c, &mut r);
        tally.add(&cells).unwrap();
        stored.push(cells);
        let said = Comments {
            overall: (i == 2).then(|| "建议加快进度".to_string()),
            items: vec![],
        };
        let bytes = sealer.seal_comments(&board.context, &said, &mut r);
        comments.push(SealedComment::read(&board.context, &bytes).unwrap());
        stored_comments.push(bytes);
    }
    let all = bundle::write(items * levels, &stored, &stored_comments);
    // What the page shows before any share: the number of ballots and the fingerprint of their
    // tracking codes, the same as `/track` computes from the stored ballots, whatever the order;
    // one ballot swapped for another changes it.
    let seen: Value = serde_json::from_str(&inspect_of(&files[0], &all).unwrap()).unwrap();
    let codes: Vec<String> = stored
        .iter()
        .map(|c| ceping_seal::record::tracking_code(c))
        .collect();
    assert_eq!(seen["ballots"], 5);
    assert_eq!(seen["list"], ceping_seal::record::list_fingerprint(&codes));
    let reversed: Vec<Vec<u8>> = stored.iter().rev().cloned().collect();
    let same: Value = serde_json::from_str(
        &inspect_of(
            &files[0],
            &bundle::write(items * levels, &reversed, &stored_comments),
        )
        .unwrap(),
    )
    .unwrap();
    assert_eq!(same["list"], seen["list"]);
    let mut swapped = stored.clone();
    swapped[4] = sealer.seal(&choices[4], &mut r);
    let other: Value = serde_json::from_str(
        &inspect_of(
            &files[0],
            &bundle::write(items * levels, &swapped, &stored_comments),
        )
        .unwrap(),
    )
    .unwrap();
    assert_ne!(other["list"], seen["list"]);

    let mut verified = Vec::new();
    for t in [2, 0] {
        let out: Value = serde_json::from_str(&count_of(&files[t], &all).unwrap()).unwrap();
        assert_eq!(
            (out["ballots"].as_u64(), out["comments"].as_u64()),
            (Some(5), Some(5))
        );
        let share = serde_json::from_value(out["share"].clone()).unwrap();
        // The share is of the sums the server computes from the same rows.
        verified.push(verify_share(&keys, &board.context, &tally, &comments, &share).unwrap());
        // The file now remembers these sums: other ballots (one swapped) are refused.
        let other = bundle::write(items * levels, &swapped, &stored_comments);
        let again = count_of(&out["file"].to_string(), &other);
        assert!(again.unwrap_err().contains("只开启一次计票"));
        // The same ballots again are not refused (a lost post can be made again).
        count_of(&out["file"].to_string(), &all).unwrap();
    }
    let counts = open(&keys, &tally, &verified).unwrap();
    let per_item = counts.per_item(levels).unwrap();
    assert_eq!(per_item[0], (vec![3, 1, 1, 0], 0));
    assert_eq!(per_item[1], (vec![0, 2, 0, 2], 1));
    assert_eq!(per_item[2], (vec![1, 0, 3, 0], 1));
    let opened = open_comments(&keys, &board.context, &comments, &verified).unwrap();
    assert_eq!(opened.iter().filter(|c| !c.is_empty()).count(), 1);
}

#[test]
fn the_pages_calls_refuse_what_is_not_theirs() {
    let (board, files) = ceremony(3, 2, 2);
    let (other, _) = ceremony(3, 2, 3);
    let other_json = serde_json::to_string(&other).unwrap();
    // Another ceremony's board (another random context).
    assert!(
        step_json(&files[0], &other_json)
            .unwrap_err()
            .contains("不属于本轮")
    );
    // Not a key file at all, or of another format.
    assert!(
        describe_json("{\"hello\":1}", "")
            .unwrap_err()
            .contains("不是")
    );
    let mut v: Value = serde_json::from_str(&files[0]).unwrap();
    v["format"] = "ceping-teller-key-0".into();
    assert!(
        describe_json(&v.to_string(), "")
            .unwrap_err()
            .contains("格式")
    );
    // A board that is not JSON.
    assert!(
        step_json(&files[0], "<html>")
            .unwrap_err()
            .contains("无法读取")
    );

    // A bundle cut short, with a ballot twice, or with a comment of another ceremony is refused
    // before any share is made.
    let keys = board.final_key_set().unwrap();
    let sealer = Sealer::new(&keys, 2);
    let mut r = StdRng::seed_from_u64(9);
    let one = sealer.seal(&[Some(1)], &mut r);
    let two = sealer.seal(&[Some(0)], &mut r);
    let none: [Vec<u8>; 0] = [];
    let five: Vec<Vec<u8>> = (0..5)
        .map(|i| sealer.seal(&[Some(i % 2)], &mut r))
        .collect();
    let good = bundle::write(2, &five, &none);
    count_of(&files[1], &good).unwrap();
    // Fewer than five ballots are not counted on the page (each choice would all but show).
    let err = count_of(&files[1], &bundle::write(2, &[&one, &two], &none)).unwrap_err();
    assert!(err.contains("少于5张"), "{err}");
    for bad in [
        good[..good.len() - 1].to_vec(),
        [good.clone(), vec![0]].concat(),
        bundle::write(2, &[&one, &one, &two, &five[0], &five[1]], &none),
    ] {
        let err = count_of(&files[1], &bad).unwrap_err();
        assert!(err.contains("损坏"), "{err}");
    }
    let elsewhere = sealer.seal_comments(&other.context, &Comments::default(), &mut r);
    let err = count_of(&files[1], &bundle::write(2, &five, &[&elsewhere])).unwrap_err();
    assert!(err.contains("意见"), "{err}");
    // A file that has not finished its ceremony cannot count.
    let fresh = Board::new("round 7", 3, 2, &mut r).unwrap();
    let out: Value =
        serde_json::from_str(&start_json(&serde_json::to_string(&fresh).unwrap(), 0).unwrap())
            .unwrap();
    let err = count_of(&out["file"].to_string(), &good).unwrap_err();
    assert!(err.contains("尚未"), "{err}");
}
