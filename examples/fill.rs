//! Fills a round with generated ballots and evaluator sheets, through the same code the server
//! uses (ballots are sealed to the round's tellers and written by the ballot box; sheets are
//! saved and submitted as evaluators do), for measuring the count and results at scale. Used by
//! `scripts/bench-results.sh`.
//!
//! Every ballot is sealed afresh, on every core (the count refuses a stored copy); that the
//! count counts right is tested in `tests/`, not here.
//!
//! ```sh
//! cargo run --release --features ssr --example fill -- --db data/bench.db --round 1 \
//!     --ballots 100000 --evaluators 7
//! ```

use ceping::ballot::{
    CommentPolicy, InviteCode, ItemId, decode_ballot, derive_receipt, new_ballot_id,
    new_idempotency_key,
};
use ceping::server::db;
use ceping::server::repo::account::{self, AccountRole};
use ceping::server::repo::invite::{self, Invitee};
use ceping::server::repo::{round, score};
use ceping::server::service::ballot_box::{BallotBox, Submission};
use ceping::server::service::sealing::{Sealers, seal_now};
use clap::Parser;
use rand::rngs::OsRng;
use rand::{Rng, SeedableRng};
use std::path::PathBuf;
use std::time::Instant;

#[derive(Parser)]
struct Args {
    /// The database (made with `ceping round create` and `round open`).
    #[arg(long)]
    db: PathBuf,
    /// The open round to fill.
    #[arg(long)]
    round: i64,
    /// Ballots to cast (one invitation code is made for each).
    #[arg(long, default_value_t = 100_000)]
    ballots: usize,
    /// Evaluator accounts that score every item and submit.
    #[arg(long, default_value_t = 7)]
    evaluators: usize,
}

/// Ballots submitted to the box at once (it batches up to 512 per transaction).
const WAVE: usize = 2048;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let pool = db::open(&args.db).await?;
    let r = round::get(&pool, args.round).await?;
    let items: Vec<ItemId> = round::items(&pool, r.id)
        .await?
        .into_iter()
        .map(|i| i.item)
        .collect();
    let secret = db::server_secret(&pool).await?;
    let mut rng = rand::rngs::StdRng::seed_from_u64(2020);

    let started = Instant::now();
    let mut codes: Vec<InviteCode> = Vec::with_capacity(args.ballots);
    for chunk in vec![Invitee::default(); args.ballots].chunks(10_000) {
        let prepared = invite::prepare(chunk);
        // The round is open already (the ballot box takes ballots only then): the codes say why.
        let why = Some("benchmark: codes made by examples/fill.rs");
        invite::issue(&pool, r.id, &prepared, why, "bench").await?;
        codes.extend(prepared.into_iter().map(|(c, _)| c));
    }
    eprintln!(
        "{} invitation codes in {:.1} s",
        codes.len(),
        started.elapsed().as_secs_f64()
    );

    // Each item leans its own way, so the rankings have something to rank.
    let lean: Vec<f64> = (0..items.len()).map(|_| rng.gen_range(0.45..0.9)).collect();
    let levels = ["satisfied", "basic", "dissatisfied"];
    let policy = CommentPolicy {
        allowed: r.comments_allowed,
        max_chars: usize::try_from(r.comment_max_chars).unwrap_or(0),
    };
    let sealer = Sealers::default()
        .of(&pool, &r)
        .await?
        .ok_or_else(|| anyhow::anyhow!("round {} has no tellers' key", r.id))?;
    let ballot_box = BallotBox::start(pool.clone());
    let started = Instant::now();
    let mut cast = 0usize;
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    for wave in codes.chunks(WAVE) {
        let mut pending = Vec::with_capacity(wave.len());
        let mut plain = Vec::with_capacity(wave.len());
        for code in wave {
            let idem = new_idempotency_key(&mut OsRng);
            let mut body = format!("idem={idem}&action=submit");
            for (item, lean) in items.iter().zip(&lean) {
                let x: f64 = rng.r#gen();
                if x < 0.03 {
                    continue; // left unrated
                }
                let level = if x < *lean {
                    0
                } else if x < 0.93 {
                    1
                } else {
                    2
                };
                body.push_str(&format!("&r.{item}={}", levels[level]));
            }
            let ballot = decode_ballot(body.as_bytes(), &items, &r.scale, policy, 1 << 20)
                .map_err(|e| anyhow::anyhow!("generated ballot refused: {e:?}"))?;
            let derived = derive_receipt(&secret, r.id, &ballot.idempotency_key);
            plain.push((code, ballot, derived));
        }
        // Every ballot sealed afresh, on every core (a copy would be refused by the count).
        let per = plain.len().div_ceil(threads).max(1);
        let mut parts: Vec<Vec<_>> = Vec::new();
        while !plain.is_empty() {
            let rest = plain.split_off(plain.len().min(per));
            parts.push(std::mem::replace(&mut plain, rest));
        }
        let sealer_ref = &sealer;
        let sealed_parts: Vec<Vec<_>> = tokio::task::block_in_place(|| {
            std::thread::scope(|scope| {
                let handles: Vec<_> = parts
                    .into_iter()
                    .map(|part| {
                        scope.spawn(move || {
                            part.into_iter()
                                .map(|(code, ballot, derived)| {
                                    (code, seal_now(sealer_ref, ballot), derived)
                                })
                                .collect::<Vec<_>>()
                        })
                    })
                    .collect();
                handles
                    .into_iter()
                    .map(|h| h.join().expect("sealing does not panic"))
                    .collect()
            })
        });
        for (code, sealed, derived) in sealed_parts.into_iter().flatten() {
            let sealed = sealed
                .ok_or_else(|| anyhow::anyhow!("a generated ballot does not fit the round"))?;
            let submission = Submission {
                round_id: r.id,
                code_hash: code.hash(),
                sealed,
                derived_receipt_hash: derived.hash(),
                revise_with: None,
                new_ballot_id: new_ballot_id(&mut OsRng),
            };
            let bb = ballot_box.clone();
            pending.push(tokio::spawn(async move { bb.submit(submission).await }));
        }
        for p in pending {
            match p.await? {
                Ok(_) => cast += 1,
                Err(refusal) => anyhow::bail!("a generated ballot was refused: {refusal:?}"),
            }
        }
    }
    // The ballot box's writer keeps a connection of its own until its last sender goes; the
    // pool's close below waits for every connection.
    drop(ballot_box);
    let secs = started.elapsed().as_secs_f64();
    eprintln!(
        "{cast} ballots sealed and cast in {secs:.1} s ({:.0} ballots/s on {threads} threads)",
        cast as f64 / secs
    );

    let set = score::indicators(&pool, r.id).await?;
    for e in 0..args.evaluators {
        let login = format!("bench-evaluator-{}", e + 1);
        let id = account::create(
            &pool,
            &login,
            AccountRole::Evaluator,
            "bench-password-not-secret",
        )
        .await?;
        for item in &items {
            let scores: Vec<Option<f64>> = set
                .iter()
                .map(|_| Some(f64::from(rng.gen_range(55u8..=100))))
                .collect();
            score::save_sheet(&pool, r.id, id, item.as_str(), &scores, "").await?;
        }
        let who = account::Account {
            id,
            login: login.clone(),
            role: AccountRole::Evaluator,
        };
        score::submit(&pool, r.id, &who).await?;
    }
    eprintln!(
        "{} evaluators scored {} items each",
        args.evaluators,
        items.len()
    );
    pool.close().await;
    Ok(())
}
