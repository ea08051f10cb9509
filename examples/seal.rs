//! Times the sealed ballot's costs: sealing one ballot (server side, and from blanks made
//! ahead), summing the stored sealed
//! ballots, each teller's decryption shares, checking them, and opening the count; checks the
//! count against a plaintext recount kept here. Prints, does not assert on times.
//!
//! `cargo run --release --features ssr --example seal -- [BALLOTS=100000] [ITEMS=44] [LEVELS=4]`
//!
//! Sealing is timed on the first 2,000 distinct ballots; the stored ballots are those repeated
//! up to BALLOTS (summing costs the same for a copy as for a fresh ballot: every point is read).

use ceping::seal::ceremony::solo;
use ceping::seal::count::{open, verify_share};
use ceping::seal::{Sealer, Tally};
use rand::Rng;
use rand::rngs::OsRng;
use std::time::Instant;

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .map(|a| a.parse().expect("numbers: BALLOTS ITEMS LEVELS"))
        .collect();
    let ballots = args.first().copied().unwrap_or(100_000);
    let items = args.get(1).copied().unwrap_or(44);
    let levels = args.get(2).copied().unwrap_or(4);
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut rng = OsRng;

    let t = Instant::now();
    let (board, mut files) = solo("benchmark", 3, 2, &mut rng).expect("ceremony");
    let keys = board.final_key_set().expect("key set");
    println!("key ceremony, 3 tellers in one process: {:.1} ms", ms(t));
    let t = Instant::now();
    let sealer = Sealer::new(&keys, levels);
    println!(
        "sealer for the round (the joint key's table): {:.2} ms",
        ms(t)
    );

    let distinct = ballots.min(2000);
    let choices: Vec<Vec<Option<usize>>> = (0..distinct)
        .map(|_| {
            (0..items)
                .map(|_| (rng.gen_range(0..10) != 0).then(|| rng.gen_range(0..levels)))
                .collect()
        })
        .collect();
    let t = Instant::now();
    let sealed: Vec<Vec<u8>> = choices.iter().map(|c| sealer.seal(c, &mut rng)).collect();
    let per = t.elapsed().as_secs_f64() * 1e6 / distinct as f64;
    println!(
        "seal one ballot ({items} items × {levels} levels = {} cells, {} bytes): {per:.0} µs on one core",
        items * levels,
        sealed[0].len()
    );
    println!("@ seal_us {per:.0} {} {}", items * levels, sealed[0].len());
    // The same ballots from blanks made ahead (what the server does while a hall is idle):
    // the making, then the sealing itself.
    let ahead_ballots = distinct.min(500);
    let mut ahead = Vec::with_capacity(sealer.cells(items) * ahead_ballots);
    let t = Instant::now();
    sealer.make_blanks(usize::MAX, &mut ahead, &mut rng);
    let make = t.elapsed().as_secs_f64() * 1e6 / ahead_ballots as f64;
    let t = Instant::now();
    for c in &choices[..ahead_ballots] {
        sealer.seal_ahead(c, &mut ahead).expect("blanks for each");
    }
    let from = t.elapsed().as_secs_f64() * 1e6 / ahead_ballots as f64;
    println!(
        "made ahead: one ballot's blanks {make:.0} µs on one core; sealing a ballot from them {from:.1} µs"
    );
    println!("@ ahead_us {make:.0} {from:.1}");
    let stored: Vec<&[u8]> = (0..ballots)
        .map(|i| sealed[i % distinct].as_slice())
        .collect();
    let mut want = vec![0u64; items * levels];
    for i in 0..ballots {
        for (item, c) in choices[i % distinct].iter().enumerate() {
            if let Some(l) = c {
                want[item * levels + l] += 1;
            }
        }
    }
    println!(
        "stored sealed ballots: {ballots} ({:.1} MB)",
        (ballots * sealed[0].len()) as f64 / 1e6
    );

    let started = Instant::now();
    let t = Instant::now();
    let tally = Tally::of_ballots(items * levels, &stored, threads).expect("sum");
    println!(
        "sum the sealed ballots on {threads} threads: {:.2} s",
        secs(t)
    );
    let mut verified = Vec::new();
    for teller in [0, 2] {
        let t = Instant::now();
        let share = files[teller]
            .count_share(&tally, &[], &mut rng)
            .expect("share");
        let made = ms(t);
        let t = Instant::now();
        let v = verify_share(&keys, &board.context, &tally, &[], &share).expect("verify");
        println!(
            "teller {}: decryption shares of {} cells {made:.1} ms, checked by the server {:.1} ms",
            teller + 1,
            tally.cells.len(),
            ms(t)
        );
        verified.push(v);
    }
    let t = Instant::now();
    let counts = open(&keys, &tally, &verified).expect("open");
    println!(
        "open the count (table of {} values): {:.2} s",
        ballots + 1,
        secs(t)
    );
    assert_eq!(
        counts.cells, want,
        "the count differs from the plaintext recount"
    );
    println!(
        "count of {ballots} ballots by 2 of 3 tellers, end to end (sum, shares, checks, open): {:.2} s",
        secs(started)
    );
    println!("the count equals the plaintext recount: yes");
    println!("@ seal_count_s {ballots} {:.2}", secs(started));
}

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1e3
}

fn secs(t: Instant) -> f64 {
    t.elapsed().as_secs_f64()
}
