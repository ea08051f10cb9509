//! The sealing scheme tried as a teller, the server and an attacker would: round trips against
//! a plaintext recount the test keeps to itself, every k of n, fewer than k, forged steps and
//! shares, damaged ballots.

use super::ceremony::{Message, STEPS, solo};
use super::count::{SHARE_BYTES, open, verify_share};
use super::*;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

fn rng(seed: u64) -> StdRng {
    StdRng::seed_from_u64(seed)
}

/// Random ballots: for each item a level or (one time in five) nothing.
fn random_ballots(
    rng: &mut StdRng,
    ballots: usize,
    items: usize,
    levels: usize,
) -> Vec<Vec<Option<usize>>> {
    (0..ballots)
        .map(|_| {
            (0..items)
                .map(|_| (rng.gen_range(0..5) != 0).then(|| rng.gen_range(0..levels)))
                .collect()
        })
        .collect()
}

/// The count the test keeps: per (item, level), item by item.
fn recount(ballots: &[Vec<Option<usize>>], items: usize, levels: usize) -> Vec<u64> {
    let mut cells = vec![0u64; items * levels];
    for b in ballots {
        for (item, choice) in b.iter().enumerate() {
            if let Some(level) = choice {
                cells[item * levels + level] += 1;
            }
        }
    }
    cells
}

fn shares_of(
    files: &[TellerFile],
    board: &Board,
    tally: &Tally,
    who: &[usize],
    rng: &mut StdRng,
) -> Vec<super::count::Verified> {
    let keys = board.final_key_set().unwrap();
    who.iter()
        .map(|&t| {
            let share = files[t].clone().count_share(tally, &[], rng).unwrap();
            verify_share(&keys, &board.context, tally, &[], &share).unwrap()
        })
        .collect()
}

#[test]
fn sealed_ballots_count_as_the_plaintext_recount_for_every_two_of_three() {
    let mut r = rng(1);
    let (items, levels) = (7, 4);
    let (board, files) = solo("round 1", 3, 2, &mut r).unwrap();
    assert!(files.iter().all(TellerFile::is_done));
    let keys = board.final_key_set().unwrap();
    let sealer = Sealer::new(&keys, levels);
    let ballots = random_ballots(&mut r, 120, items, levels);
    let mut sealed: Vec<Vec<u8>> = ballots.iter().map(|b| sealer.seal(b, &mut r)).collect();
    // The general-purpose path gives ciphertexts the same count reads.
    let extra = random_ballots(&mut r, 5, items, levels);
    sealed.extend(extra.iter().map(|b| sealer.seal_plainly(b, &mut r)));
    assert!(sealed.iter().all(|b| b.len() == sealer.ballot_bytes(items)));
    let all: Vec<_> = ballots.iter().chain(&extra).cloned().collect();
    let want = recount(&all, items, levels);

    let tally = Tally::of_ballots(items * levels, &sealed, 2).unwrap();
    assert_eq!(tally.ballots, 125);
    for who in [[0, 1], [1, 2], [0, 2], [2, 0]] {
        let counts = open(
            &keys,
            &tally,
            &shares_of(&files, &board, &tally, &who, &mut r),
        )
        .unwrap();
        assert_eq!(counts.cells, want, "tellers {who:?}");
    }
    // All three together open it too.
    let counts = open(
        &keys,
        &tally,
        &shares_of(&files, &board, &tally, &[0, 1, 2], &mut r),
    )
    .unwrap();
    assert_eq!(counts.cells, want);
    // Unrated: whatever the levels leave of the ballots.
    for (item, (levels_count, unrated)) in counts.per_item(levels).unwrap().iter().enumerate() {
        let blank = all.iter().filter(|b| b[item].is_none()).count() as u64;
        assert_eq!(*unrated, blank, "item {item}");
        assert_eq!(levels_count.iter().sum::<u64>() + unrated, 125);
    }
}

#[test]
fn other_shapes_of_teller_groups_work() {
    let mut r = rng(2);
    for (n, k) in [(1, 1), (2, 2), (5, 3)] {
        let (board, files) = solo("round 2", n, k, &mut r).unwrap();
        let keys = board.final_key_set().unwrap();
        let sealer = Sealer::new(&keys, 3);
        let ballots = random_ballots(&mut r, 20, 3, 3);
        let sealed: Vec<_> = ballots.iter().map(|b| sealer.seal(b, &mut r)).collect();
        let tally = Tally::of_ballots(9, &sealed, 1).unwrap();
        let who: Vec<usize> = (n - k..n).collect();
        let counts = open(
            &keys,
            &tally,
            &shares_of(&files, &board, &tally, &who, &mut r),
        )
        .unwrap();
        assert_eq!(counts.cells, recount(&ballots, 3, 3), "{k} of {n}");
    }
}

#[test]
fn fewer_than_k_tellers_cannot_open_the_count() {
    let mut r = rng(3);
    let (board, files) = solo("round 3", 3, 2, &mut r).unwrap();
    let keys = board.final_key_set().unwrap();
    let sealer = Sealer::new(&keys, 2);
    // Every ballot chose level 0 of the one item: the count is 9.
    let sealed: Vec<_> = (0..9).map(|_| sealer.seal(&[Some(0)], &mut r)).collect();
    let tally = Tally::of_ballots(2, &sealed, 1).unwrap();
    for t in 0..3 {
        let one = shares_of(&files, &board, &tally, &[t], &mut r);
        assert_eq!(
            open(&keys, &tally, &one),
            Err(SealError::NotEnoughShares { needed: 2, got: 1 })
        );
        // The same teller twice is still one teller.
        let twice = vec![one[0].clone(), one[0].clone()];
        assert!(matches!(
            open(&keys, &tally, &twice),
            Err(SealError::NotEnoughShares { .. })
        ));
        // And a single teller's share, used as if it were the whole decryption, gives no count:
        // c2 − x_t·c1 is not m·G for any m up to the ballots.
        let table = elastic_elgamal::DiscreteLogTable::<G>::new(0..=1000);
        let alone = one[0].cells[0];
        assert_eq!(
            alone.decrypt(tally.cells[0].to_ciphertext(), &table),
            None,
            "teller {t}"
        );
    }
    // With two, it is 9.
    let two = shares_of(&files, &board, &tally, &[0, 2], &mut r);
    assert_eq!(open(&keys, &tally, &two).unwrap().cells, vec![9, 0]);
    // Shares for fewer cells, or a tally claiming more ballots than any round holds: refused,
    // not a panic or a table of billions.
    let mut short = two.clone();
    short[1].cells.pop();
    assert!(matches!(
        open(&keys, &tally, &short),
        Err(SealError::BadShare { teller: 2, .. })
    ));
    let mut huge = tally.clone();
    huge.ballots = u64::MAX;
    assert!(matches!(
        open(&keys, &huge, &two),
        Err(SealError::CountOutOfRange { .. })
    ));
}

#[test]
fn forged_or_misplaced_decryption_shares_are_refused() {
    let mut r = rng(4);
    let (board, files) = solo("round 4", 3, 2, &mut r).unwrap();
    let keys = board.final_key_set().unwrap();
    let sealer = Sealer::new(&keys, 2);
    let sealed: Vec<_> = (0..4)
        .map(|i| sealer.seal(&[Some(i % 2), None], &mut r))
        .collect();
    let tally = Tally::of_ballots(4, &sealed, 1).unwrap();
    let good = files[1].clone().count_share(&tally, &[], &mut r).unwrap();
    assert!(verify_share(&keys, &board.context, &tally, &[], &good).is_ok());

    let refused = |share: &CountShare| {
        matches!(
            verify_share(&keys, &board.context, &tally, &[], share),
            Err(SealError::BadShare { .. } | SealError::NoSuchTeller(_))
        )
    };
    // A byte of the proof changed.
    let mut s = good.clone();
    let mut b = hex::decode(&s.shares[0]).unwrap();
    b[SHARE_BYTES - 1] ^= 1;
    s.shares[0] = hex::encode(b);
    assert!(refused(&s));
    // The decryption point changed (a teller shading the count), proof kept.
    let mut s = good.clone();
    let other = files[1].clone().count_share(&tally, &[], &mut r).unwrap();
    let (mine, theirs) = (
        hex::decode(&s.shares[0]).unwrap(),
        hex::decode(&other.shares[1]).unwrap(),
    );
    s.shares[0] = hex::encode([&theirs[..32], &mine[32..]].concat());
    assert!(refused(&s));
    // Shares moved to other cells.
    let mut s = good.clone();
    s.shares.swap(0, 1);
    assert!(refused(&s));
    // Teller 1's shares presented as teller 0's.
    let mut s = good.clone();
    s.teller = 0;
    assert!(refused(&s));
    // Too few, or for another ceremony, or a teller who does not exist.
    let mut s = good.clone();
    s.shares.pop();
    assert!(refused(&s));
    let mut s = good.clone();
    s.context.push('x');
    assert!(refused(&s));
    let mut s = good.clone();
    s.teller = 3;
    assert!(refused(&s));
    // Shares of a different tally (one ballot more) do not check against this one.
    let mut bigger = tally.clone();
    bigger
        .add(&sealer.seal(&[Some(0), Some(1)], &mut r))
        .unwrap();
    let wrong = files[1].clone().count_share(&bigger, &[], &mut r).unwrap();
    assert!(refused(&wrong));
}

#[test]
fn the_board_refuses_steps_out_of_order_twice_or_forged() {
    let mut r = rng(5);
    let mut board = Board::new("round 5", 3, 2, &mut r).unwrap();
    let mut files = Vec::new();
    let mut firsts = Vec::new();
    for i in 0..3 {
        let (f, m) = TellerFile::new(&board, i, &mut r).unwrap();
        files.push(f);
        firsts.push(m);
    }
    assert!(matches!(
        TellerFile::new(&board, 3, &mut r),
        Err(SealError::NoSuchTeller(3))
    ));
    board.accept(0, firsts[0].clone()).unwrap();
    assert_eq!(
        board.accept(0, firsts[0].clone()),
        Err(SealError::AlreadyPosted { teller: 0 })
    );
    assert_eq!(
        board.accept(5, firsts[1].clone()),
        Err(SealError::NoSuchTeller(5))
    );
    // Teller 0 cannot go on before the others have committed.
    assert_eq!(
        files[0].advance(&board, &mut r).unwrap().map(|m| m.step()),
        None
    );
    board.accept(1, firsts[1].clone()).unwrap();
    board.accept(2, firsts[2].clone()).unwrap();
    assert!(board.key_set().is_err(), "no key before the polynomials");

    let polys: Vec<Message> = files
        .iter_mut()
        .map(|f| f.advance(&board, &mut r).unwrap().unwrap())
        .collect();
    // A polynomial of the wrong length, or with its coefficients reordered (the proof of
    // possession no longer fits).
    {
        let Message::Polynomial { info } = &polys[0] else {
            panic!("step 2 is a polynomial: {:?}", polys[0]);
        };
        let mut short = info.clone();
        short.polynomial.pop();
        let e = board.accept(0, Message::Polynomial { info: short });
        assert!(
            matches!(e, Err(SealError::Invalid { teller: 0, .. })),
            "{e:?}"
        );
        let mut swapped = info.clone();
        swapped.polynomial.swap(0, 1);
        let e = board.accept(0, Message::Polynomial { info: swapped });
        assert!(
            matches!(e, Err(SealError::Invalid { teller: 0, .. })),
            "{e:?}"
        );
    }
    // A step skipped.
    let e = board.accept(0, Message::Shares { shares: vec![] });
    assert!(matches!(e, Err(SealError::OutOfOrder { .. })), "{e:?}");
    for (i, m) in polys.into_iter().enumerate() {
        board.accept(i, m).unwrap();
    }
    assert!(board.key_set().is_ok());
    assert!(
        board.final_key_set().is_err(),
        "not final before everyone is done"
    );

    // No share leaves before the teller has confirmed the board's fingerprint.
    assert_eq!(
        files[0].advance(&board, &mut r).unwrap().map(|m| m.step()),
        None
    );
    let print = board.fingerprint().unwrap();
    assert!(matches!(
        files[0].confirm(&board, "0000-0000-0000-0000"),
        Err(SealError::FingerprintDiffers { .. })
    ));
    for f in &mut files {
        assert_eq!(
            f.needs_confirmation(&board).as_deref(),
            Some(print.as_str())
        );
        f.confirm(&board, &print.to_lowercase()).unwrap();
        assert_eq!(f.needs_confirmation(&board), None);
    }
    let shares: Vec<Message> = files
        .iter_mut()
        .map(|f| f.advance(&board, &mut r).unwrap().unwrap())
        .collect();
    // Shares that leave a teller out.
    {
        let Message::Shares { shares } = &shares[0] else {
            panic!("step 3 is shares");
        };
        let mut fewer = shares.clone();
        fewer.pop();
        let e = board.accept(0, Message::Shares { shares: fewer });
        assert!(matches!(e, Err(SealError::Invalid { .. })), "{e:?}");
    }
    for (i, m) in shares.into_iter().enumerate() {
        board.accept(i, m).unwrap();
    }
    // A "done" that states another joint key.
    let done: Vec<Message> = files
        .iter_mut()
        .map(|f| f.advance(&board, &mut r).unwrap().unwrap())
        .collect();
    let (other_board, _) = solo("round 5", 3, 2, &mut r).unwrap();
    let other_key = other_board.final_key_set().unwrap().shared_key().clone();
    let e = board.accept(
        0,
        Message::Done {
            joint_key: other_key,
            fingerprint: print.clone(),
        },
    );
    assert!(matches!(e, Err(SealError::Invalid { .. })), "{e:?}");
    for (i, m) in done.into_iter().enumerate() {
        board.accept(i, m).unwrap();
    }
    assert!(board.complete());
    assert_eq!(board.progress(), vec![STEPS; 3]);
    assert!(board.final_key_set().is_ok());
    // A file of another ceremony does not advance on this board.
    let mut foreign = solo("round 6", 3, 2, &mut r).unwrap().1.remove(0);
    assert_eq!(
        foreign.advance(&board, &mut r).err(),
        Some(SealError::OtherCeremony)
    );
}

#[test]
fn a_teller_refuses_a_share_the_relay_changed() {
    let mut r = rng(6);
    let mut board = Board::new("round 7", 3, 2, &mut r).unwrap();
    let mut files: Vec<TellerFile> = (0..3)
        .map(|i| {
            let (f, m) = TellerFile::new(&board, i, &mut r).unwrap();
            board.accept(i, m).unwrap();
            f
        })
        .collect();
    for _ in 0..2 {
        for f in &mut files {
            if let Some(print) = f.needs_confirmation(&board) {
                f.confirm(&board, &print).unwrap();
            }
            let m = f.advance(&board, &mut r).unwrap().unwrap();
            board.accept(f.index, m).unwrap();
        }
    }
    // The server (the relay) flips a bit of the share teller 0 sealed for teller 1.
    if let Some(Message::Shares { shares }) = board.posted[0].get_mut(2) {
        let s = shares.iter_mut().find(|s| s.to == 1).unwrap();
        let mut b = hex::decode(&s.sealed).unwrap();
        b[3] ^= 0x10;
        s.sealed = hex::encode(b);
    }
    let before = serde_json::to_string(&files[1]).unwrap();
    let e = files[1].advance(&board, &mut r);
    assert!(
        matches!(e, Err(SealError::Invalid { teller: 0, .. })),
        "{e:?}"
    );
    // The refusal leaves the file as it was.
    assert_eq!(serde_json::to_string(&files[1]).unwrap(), before);
    // The untouched shares open: teller 2 finishes.
    assert!(files[2].advance(&board, &mut r).unwrap().is_some());
}

#[test]
fn teller_files_survive_a_save_and_hide_their_secrets_from_debug() {
    let mut r = rng(7);
    let (board, files) = solo("round 8", 3, 2, &mut r).unwrap();
    let keys = board.final_key_set().unwrap();
    let saved = serde_json::to_string(&files[2]).unwrap();
    let loaded: TellerFile = serde_json::from_str(&saved).unwrap();
    assert!(loaded.is_done());
    let board_again: Board = serde_json::from_str(&serde_json::to_string(&board).unwrap()).unwrap();
    assert_eq!(
        board_again.final_key_set().unwrap().shared_key(),
        keys.shared_key()
    );
    let sealer = Sealer::new(&keys, 2);
    let sealed: Vec<_> = (0..3).map(|_| sealer.seal(&[Some(1)], &mut r)).collect();
    let tally = Tally::of_ballots(2, &sealed, 1).unwrap();
    let share = loaded.clone().count_share(&tally, &[], &mut r).unwrap();
    let first = files[0].clone().count_share(&tally, &[], &mut r).unwrap();
    let verified = vec![
        verify_share(&keys, &board.context, &tally, &[], &first).unwrap(),
        verify_share(&keys, &board.context, &tally, &[], &share).unwrap(),
    ];
    assert_eq!(open(&keys, &tally, &verified).unwrap().cells, vec![0, 3]);
    let shown = format!("{:?}", files[0]);
    assert!(
        !shown.contains("exchange") && !shown.contains("state"),
        "{shown}"
    );
}

#[test]
fn ballots_sealed_from_blanks_made_ahead_count_as_the_plaintext_recount() {
    let mut r = rng(21);
    let (items, levels) = (6, 4);
    let (board, files) = solo("round 21", 3, 2, &mut r).unwrap();
    let keys = board.final_key_set().unwrap();
    let sealer = Sealer::new(&keys, levels);
    let per_ballot = sealer.cells(items);
    // Room for three ballots and a half: the fourth must be sealed afresh.
    let mut ahead = Vec::with_capacity(per_ballot * 7 / 2);
    let (buffer, room) = (ahead.as_ptr(), ahead.capacity());
    let made = sealer.make_blanks(usize::MAX, &mut ahead, &mut r);
    assert_eq!(made, room);
    assert_eq!(ahead.len(), room, "filled");
    assert_eq!(
        sealer.make_blanks(10, &mut ahead, &mut r),
        0,
        "no room, none made"
    );
    assert_eq!(
        (ahead.as_ptr(), ahead.capacity()),
        (buffer, room),
        "never grown or moved"
    );
    // A level off the scale is refused before any blank is used.
    let off = vec![Some(levels); items];
    let refused = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        sealer.seal_ahead(&off, &mut ahead)
    }));
    assert!(refused.is_err());
    assert_eq!(ahead.len(), room, "nothing used by a refused ballot");

    let ballots = random_ballots(&mut r, 8, items, levels);
    let mut sealed = Vec::new();
    let mut from_blanks = 0;
    for b in &ballots {
        let before = ahead.len();
        match sealer.seal_ahead(b, &mut ahead) {
            Some(cells) => {
                from_blanks += 1;
                assert_eq!(ahead.len(), before - per_ballot, "each blank used once");
                sealed.push(cells);
            }
            None => {
                assert_eq!(ahead.len(), before, "too few blanks: none used");
                sealed.push(sealer.seal(b, &mut r));
            }
        }
    }
    assert_eq!(from_blanks, room / per_ballot);
    assert_eq!(ahead.len(), room % per_ballot);
    assert_eq!(ahead.as_ptr(), buffer, "used in place");
    assert!(sealed.iter().all(|b| b.len() == sealer.ballot_bytes(items)));
    // No point of one ballot appears in another (a blank is never used twice).
    let mut points: Vec<&[u8]> = sealed.iter().flat_map(|b| b.chunks(32)).collect();
    let all = points.len();
    points.sort();
    points.dedup();
    assert_eq!(points.len(), all);

    let tally = Tally::of_ballots(items * levels, &sealed, 2).unwrap();
    let counts = open(
        &keys,
        &tally,
        &shares_of(&files, &board, &tally, &[0, 2], &mut r),
    )
    .unwrap();
    assert_eq!(counts.cells, recount(&ballots, items, levels));
    // A ballot sealed from blanks alone opens as its own choices, an unrated item as all 0;
    // blanks made elsewhere move in as far as there is room.
    let mut made = Vec::with_capacity(per_ballot + 3);
    let more = sealer.make_blanks(usize::MAX, &mut made, &mut r);
    let mut ahead = Vec::with_capacity(per_ballot);
    let room = ahead.capacity();
    assert_eq!(Blank::transfer(&mut made, &mut ahead), room);
    assert_eq!((made.len(), ahead.len()), (more - room, room));
    let one = vec![Some(3), None, Some(0), Some(1), Some(2), None];
    let tally = Tally::of_ballots(
        items * levels,
        &[sealer.seal_ahead(&one, &mut ahead).unwrap()],
        1,
    )
    .unwrap();
    let counts = open(
        &keys,
        &tally,
        &shares_of(&files, &board, &tally, &[1, 2], &mut r),
    )
    .unwrap();
    assert_eq!(counts.cells, recount(&[one], items, levels));
    assert_eq!(ahead.len(), room - per_ballot);
}

#[test]
fn the_same_choices_sealed_twice_share_no_byte_pattern() {
    let mut r = rng(8);
    let (board, _) = solo("round 9", 3, 2, &mut r).unwrap();
    let sealer = Sealer::new(&board.final_key_set().unwrap(), 4);
    let choices = [Some(0), Some(3), None, Some(1)];
    let a = sealer.seal(&choices, &mut r);
    let b = sealer.seal(&choices, &mut r);
    assert_eq!(a.len(), 4 * 4 * CELL_BYTES);
    for (i, (x, y)) in a.chunks(32).zip(b.chunks(32)).enumerate() {
        assert_ne!(x, y, "point {i} repeats");
    }
    // A chosen cell and an unchosen one are both two random-looking points: no fixed bytes.
    let zero_cells = a
        .chunks(CELL_BYTES)
        .filter(|c| c.iter().all(|&b| b == 0))
        .count();
    assert_eq!(zero_cells, 0);
}

#[test]
fn damaged_ballots_are_refused_and_change_no_sum() {
    let mut r = rng(9);
    let (board, _) = solo("round 10", 1, 1, &mut r).unwrap();
    let sealer = Sealer::new(&board.final_key_set().unwrap(), 2);
    let mut tally = Tally::new(4);
    tally
        .add(&sealer.seal(&[Some(0), Some(1)], &mut r))
        .unwrap();
    let before = tally.clone();
    let good = sealer.seal(&[Some(1), None], &mut r);
    assert!(matches!(
        tally.add(&good[..good.len() - 1]),
        Err(SealError::BallotLength { .. })
    ));
    let mut bad = good.clone();
    // The last cell's second point: bytes that are not a canonical encoding.
    let end = bad.len();
    bad[end - 32..].copy_from_slice(&[0xff; 32]);
    assert_eq!(tally.add(&bad), Err(SealError::NotAPoint));
    assert_eq!(tally, before);
    // Stored sums read back.
    let again = Tally::from_bytes(&tally.to_bytes(), tally.ballots).unwrap();
    assert_eq!(again, tally);
}

#[test]
fn parameters_out_of_range_are_refused() {
    let mut r = rng(10);
    for (n, k) in [(0, 0), (3, 0), (3, 4), (MAX_TELLERS + 1, 2)] {
        assert!(
            matches!(
                Board::new("x", n, k, &mut r),
                Err(SealError::BadParams { .. })
            ),
            "{n}/{k}"
        );
    }
}

#[test]
fn a_count_that_does_not_fit_the_ballots_is_refused() {
    let counts = Counts {
        cells: vec![3, 2, 1, 1],
        ballots: 4,
    };
    assert!(counts.per_item(2).is_err(), "item 0 has 5 of 4 ballots");
    let fine = Counts {
        cells: vec![3, 1, 0, 0],
        ballots: 4,
    };
    assert_eq!(
        fine.per_item(2).unwrap(),
        vec![(vec![3, 1], 0), (vec![0, 0], 4)]
    );
}

/// Three tellers through steps 1 and 2 on one board.
fn published(seed: u64) -> (StdRng, Board, Vec<TellerFile>) {
    let mut r = rng(seed);
    let mut board = Board::new("round 11", 3, 2, &mut r).unwrap();
    let mut files: Vec<TellerFile> = (0..3)
        .map(|i| {
            let (f, m) = TellerFile::new(&board, i, &mut r).unwrap();
            board.accept(i, m).unwrap();
            f
        })
        .collect();
    for f in &mut files {
        let m = f.advance(&board, &mut r).unwrap().unwrap();
        board.accept(f.index, m).unwrap();
    }
    (r, board, files)
}

#[test]
fn a_relay_that_swaps_an_exchange_key_shows_the_tellers_different_fingerprints() {
    let (mut r, board, mut files) = published(11);
    // The server shows teller 1 a board where teller 2's exchange key is its own, to read the
    // share teller 1 would seal to teller 2.
    let mut view = board.clone();
    let mine = elastic_elgamal::SecretKey::<G>::generate(&mut r);
    let Message::Commit { exchange_key, .. } = &mut view.posted[2][0] else {
        panic!("step 1 is a commitment");
    };
    *exchange_key = elastic_elgamal::PublicKey::from(&mine);
    let honest = board.fingerprint().unwrap();
    let shown = view.fingerprint().unwrap();
    assert_ne!(honest, shown, "the swap must change the fingerprint");
    // Teller 1 compares with teller 3 (who sees the honest board): refused, no share leaves.
    let e = files[0].confirm(&view, &honest);
    assert!(
        matches!(e, Err(SealError::FingerprintDiffers { .. })),
        "{e:?}"
    );
    assert_eq!(
        files[0].advance(&view, &mut r).unwrap().map(|m| m.step()),
        None
    );
    // Teller 3 shown its own key replaced notices at once.
    let e = files[2].advance(&view, &mut r);
    assert!(matches!(e, Err(SealError::BadBoard(_))), "{e:?}");
}

#[test]
fn a_polynomial_passed_off_as_another_tellers_is_caught_by_its_commitment() {
    let (mut r, mut board, mut files) = published(12);
    // The server puts teller 2's published polynomial (with its valid proof) under teller 1.
    let copy = board.posted[1][1].clone();
    board.posted[0][1] = copy;
    let print = board.fingerprint().unwrap();
    files[2].confirm(&board, &print).unwrap();
    let e = files[2].advance(&board, &mut r);
    assert!(
        matches!(e, Err(SealError::Invalid { teller: 0, .. })),
        "{e:?}"
    );
}

#[test]
fn a_step_whose_post_was_lost_is_posted_again() {
    let mut r = rng(13);
    let mut board = Board::new("round 13", 2, 2, &mut r).unwrap();
    let (mut a, first_a) = TellerFile::new(&board, 0, &mut r).unwrap();
    let (mut b, first_b) = TellerFile::new(&board, 1, &mut r).unwrap();
    // Teller 1's first post is lost: the file is saved, the board never got it.
    assert!(matches!(
        a.advance(&board, &mut r).unwrap(),
        Some(Message::Commit { .. })
    ));
    board.accept(0, first_a).unwrap();
    board.accept(1, first_b).unwrap();
    // Teller 1 takes step 2 and the post is lost again; the next run posts the same step.
    let Some(Message::Polynomial { info }) = a.advance(&board, &mut r).unwrap() else {
        panic!("step 2");
    };
    let Some(Message::Polynomial { info: again }) = a.advance(&board, &mut r).unwrap() else {
        panic!("step 2 again");
    };
    assert_eq!(info.polynomial, again.polynomial);
    board
        .accept(0, Message::Polynomial { info: again })
        .unwrap();
    let m = b.advance(&board, &mut r).unwrap().unwrap();
    board.accept(1, m).unwrap();
    for f in [&mut a, &mut b] {
        let print = f.needs_confirmation(&board).unwrap();
        f.confirm(&board, &print).unwrap();
    }
    for _ in 0..2 {
        for f in [&mut a, &mut b] {
            if let Some(m) = f.advance(&board, &mut r).unwrap() {
                board.accept(f.index, m).unwrap();
            }
        }
    }
    assert!(board.complete() && a.is_done() && b.is_done());
    assert_eq!(a.joint_key(), b.joint_key());
}

#[test]
fn a_board_changed_in_storage_is_refused_before_it_is_used() {
    let (mut r, board, mut files) = published(14);
    let mut fewer = board.clone();
    fewer.posted.pop();
    assert!(matches!(
        files[0].advance(&fewer, &mut r),
        Err(SealError::BadBoard(_))
    ));
    let mut other_k = board.clone();
    other_k.params.threshold = 3;
    assert!(matches!(
        files[0].advance(&other_k, &mut r),
        Err(SealError::BadBoard(_))
    ));
    let mut zero = board.clone();
    zero.params.threshold = 0;
    assert!(matches!(
        files[0].advance(&zero, &mut r),
        Err(SealError::BadBoard(_))
    ));
    // Teller 1's own commitment changed under it.
    let mut theirs = board.clone();
    theirs.posted[0][0] = board.posted[1][0].clone();
    assert!(files[0].advance(&theirs, &mut r).is_err());
}

#[test]
fn sealed_comments_open_only_with_k_tellers_and_refuse_any_change() {
    use super::comment::{Comments, SealedComment};
    use super::count::open_comments;
    let mut r = rng(20);
    let (board, files) = solo("round 20", 3, 2, &mut r).unwrap();
    let keys = board.final_key_set().unwrap();
    let sealer = Sealer::new(&keys, 2);
    let ctx = board.context.as_str();
    let said: Vec<Comments> = (0..4)
        .map(|i| Comments {
            overall: (i % 2 == 0).then(|| format!("总体意见{i}")),
            items: vec![(format!("t{i}"), format!("第{i}条：进度偏慢"))],
        })
        .collect();
    let bytes: Vec<Vec<u8>> = said
        .iter()
        .map(|c| sealer.seal_comments(ctx, c, &mut r))
        .collect();
    for (b, c) in bytes.iter().zip(&said) {
        // The text is not in the sealed bytes.
        let text = c.items[0].1.as_bytes();
        assert!(!b.windows(text.len()).any(|w| w == text));
    }
    let sealed: Vec<SealedComment> = bytes
        .iter()
        .map(|b| SealedComment::read(ctx, b).unwrap())
        .collect();
    let tally = Tally::new(0);
    let share = |t: usize, r: &mut StdRng| {
        let s = files[t].clone().count_share(&tally, &sealed, r).unwrap();
        verify_share(&keys, ctx, &tally, &sealed, &s).unwrap()
    };
    let (a, b) = (share(0, &mut r), share(2, &mut r));
    assert_eq!(
        open_comments(&keys, ctx, &sealed, &[a.clone(), b.clone()]).unwrap(),
        said
    );
    assert!(matches!(
        open_comments(&keys, ctx, &sealed, std::slice::from_ref(&a)),
        Err(SealError::NotEnoughShares { needed: 2, got: 1 })
    ));
    // Any changed byte, the proof's or the text's, or another round: refused before a teller
    // helps open it.
    for at in [0, 40, 70, 100, bytes[0].len() - 1] {
        let mut changed = bytes[0].clone();
        changed[at] ^= 1;
        assert_eq!(
            SealedComment::read(ctx, &changed),
            Err(SealError::BadComment),
            "byte {at}"
        );
    }
    assert_eq!(
        SealedComment::read("round 21", &bytes[0]),
        Err(SealError::BadComment)
    );
    assert_eq!(
        SealedComment::read(ctx, &bytes[0][..100]),
        Err(SealError::BadComment)
    );
    // A ballot's cell passed off as a comment: its c1 with a made-up proof does not read.
    let cell = sealer.seal(&[Some(1)], &mut r);
    let mut forged = cell[..32].to_vec();
    forged.extend_from_slice(&bytes[0][32..]);
    assert_eq!(
        SealedComment::read(ctx, &forged),
        Err(SealError::BadComment)
    );
    // Shares for the comments in another order do not check.
    let mut s = files[0]
        .clone()
        .count_share(&tally, &sealed, &mut r)
        .unwrap();
    s.comments.swap(0, 1);
    assert!(matches!(
        verify_share(&keys, ctx, &tally, &sealed, &s),
        Err(SealError::BadShare { .. })
    ));
}

#[test]
fn a_teller_file_opens_one_count_only() {
    let mut r = rng(21);
    let (board, files) = solo("round 21", 3, 2, &mut r).unwrap();
    let keys = board.final_key_set().unwrap();
    let sealer = Sealer::new(&keys, 2);
    let sealed: Vec<_> = (0..5).map(|_| sealer.seal(&[Some(0)], &mut r)).collect();
    let all = Tally::of_ballots(2, &sealed, 1).unwrap();
    let but_one = Tally::of_ballots(2, &sealed[1..], 1).unwrap();
    let mut file = files[0].clone();
    // The same sums again (a teller running twice): fine.
    file.count_share(&all, &[], &mut r).unwrap();
    file.count_share(&all, &[], &mut r).unwrap();
    // One ballot fewer: refused, even by a file read back from its saved form.
    assert_eq!(
        file.count_share(&but_one, &[], &mut r),
        Err(SealError::OtherSums)
    );
    let mut saved: TellerFile =
        serde_json::from_str(&serde_json::to_string(&file).unwrap()).unwrap();
    assert_eq!(
        saved.count_share(&but_one, &[], &mut r),
        Err(SealError::OtherSums)
    );
    // A fresh file of the same teller has no memory: that is why the file is kept.
    assert!(files[0].clone().count_share(&but_one, &[], &mut r).is_ok());
}
