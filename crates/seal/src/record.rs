//! A counted round's public record, and checking it: everything anyone needs to recompute the
//! count without trusting the server — the tellers' board, every sealed ballot with its
//! tracking code, every teller's decryption shares, and the counts they open to.
//!
//! Pure: no database, no HTTP. `ceping round record` writes a record, `/results/{id}/record.json`
//! serves it, and `ceping round verify --record FILE` runs [`verify`] on it.

use super::cell::{CELL_BYTES, Tally};
use super::count::{CountShare, Verified, open, verify_share};
use super::{Board, KeySet};
use base64ct::{Base64, Encoding};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The record's `format`.
pub const FORMAT: &str = "ceping-record-1";

/// Symbols of a tracking code (5 bits each: 80 bits, so that finding other ciphertexts with a
/// deputy's code is out of reach).
pub const TRACKING_SYMBOLS: usize = 16;

/// A sealed ballot's tracking code: 80 bits of SHA-256 over its cells, as sixteen symbols of
/// Crockford's base32 in four groups (`7K3Q-XM9T-RB4F-2W8N`). The deputy sees it when casting,
/// checks it at `/track/{round}` once the round closes, and finds it in the record.
pub fn tracking_code(cells: &[u8]) -> String {
    let digest = Sha256::new()
        .chain_update(b"ceping ballot tracking v1\0")
        .chain_update(cells)
        .finalize();
    let symbols: Vec<char> = crockford(&digest, TRACKING_SYMBOLS).chars().collect();
    group(&symbols)
}

/// The first `symbols` (at most 25) symbols of Crockford's base32 over `bytes` (at least 16),
/// five bits each from the front: tracking codes here, the tellers' link tokens in the app.
pub fn crockford(bytes: &[u8], symbols: usize) -> String {
    assert!(symbols <= 25, "128 bits give 25 whole symbols");
    let bits = u128::from_be_bytes(bytes[..16].try_into().expect("16 bytes"));
    (0..symbols)
        .map(|i| char::from(CROCKFORD[((bits >> (123 - 5 * i)) & 31) as usize]))
        .collect()
}

/// The first 16 bytes of a digest as eight groups of four upper-case hexadecimal digits: the
/// form of every fingerprint people read to each other (the ceremony's, the ballot list's).
pub fn grouped_hex(digest: &[u8]) -> String {
    let d = hex::encode_upper(&digest[..16]);
    (0..8)
        .map(|i| &d[4 * i..4 * i + 4])
        .collect::<Vec<_>>()
        .join("-")
}

/// The fingerprint of a set of sealed ballots: SHA-256 over their tracking codes, sorted (so
/// the order they are stored or sent in does not matter), as 128 bits in eight groups of four
/// hexadecimal digits. `/track/{round}` publishes it for the stored ballots once the round
/// closes, and a teller's page shows it for the ballots it summed: equal prints mean the
/// tellers open the very ballots the deputies can check their tracking codes against.
pub fn list_fingerprint<S: AsRef<str>>(tracking_codes: &[S]) -> String {
    let mut codes: Vec<&str> = tracking_codes.iter().map(AsRef::as_ref).collect();
    codes.sort_unstable();
    let mut h = Sha256::new();
    h.update(b"ceping ballot list v1\0");
    h.update((codes.len() as u64).to_le_bytes());
    for c in codes {
        h.update(c.as_bytes());
        h.update(b"\n");
    }
    grouped_hex(&h.finalize())
}

/// Crockford's base32 alphabet (no I, L, O, U): the invitation codes' alphabet too.
pub const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// Sixteen symbols as four groups of four.
pub fn group(symbols: &[char]) -> String {
    symbols
        .chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

/// The context of a round's key ceremony: the round, a hash of its items in ballot order and of
/// its scale's levels. Every ceremony message, decryption share and sealed comment is bound to
/// it, so the keys fit only this list of items in this order.
pub fn context_of(round_id: i64, items: &[String], levels: &[String]) -> String {
    let mut h = Sha256::new();
    h.update(b"ceping round items v1\0");
    for part in [items, levels] {
        h.update((part.len() as u64).to_le_bytes());
        for s in part {
            h.update((s.len() as u64).to_le_bytes());
            h.update(s.as_bytes());
        }
    }
    let digest = h.finalize();
    format!("ceping round {round_id} {}", hex::encode(&digest[..8]))
}

/// Whether a ceremony's context (`context_of`, then the board's own nonce) was made for this
/// round, these items in this order and this scale.
pub fn context_fits(context: &str, round_id: i64, items: &[String], levels: &[String]) -> bool {
    context
        .strip_prefix(&context_of(round_id, items, levels))
        .is_some_and(|rest| rest.starts_with(" / "))
}

/// What the record says of the round.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordRound {
    pub id: i64,
    pub name: String,
    /// The rated items in ballot order (`t3`, `u7`, …).
    pub items: Vec<String>,
    /// Levels of the scale, best first (their labels).
    pub levels: Vec<String>,
}

/// One sealed ballot as published.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordBallot {
    pub tracking: String,
    /// The cells, base64.
    pub cells: String,
}

/// One item's opened count.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordCount {
    pub item: String,
    /// Ballots per level, best first.
    pub levels: Vec<u64>,
    pub unrated: u64,
}

/// A counted round's public record.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Record {
    pub format: String,
    pub round: RecordRound,
    /// The tellers' names, in order.
    pub tellers: Vec<String>,
    /// One person made every key (a trial round).
    pub trial: bool,
    pub board: Board,
    /// The joint key ballots were sealed to, hex.
    pub joint_key: String,
    pub ballots: Vec<RecordBallot>,
    /// Every teller's posted decryption shares of the sums.
    pub shares: Vec<CountShare>,
    /// The 1-based tellers whose shares opened the count.
    pub opened_by: Vec<usize>,
    pub counts: Vec<RecordCount>,
}

/// One check, passed or failed, in words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    pub what: String,
    pub ok: bool,
}

/// The per-item counts `verified` shares open `tally` to, in item order.
pub fn opened_counts(
    keys: &KeySet,
    tally: &Tally,
    verified: &[Verified],
    items: &[String],
    levels: usize,
) -> Result<Vec<RecordCount>, super::SealError> {
    let counts = open(keys, tally, verified)?;
    Ok(items
        .iter()
        .zip(counts.per_item(levels)?)
        .map(|(item, (levels, unrated))| RecordCount {
            item: item.clone(),
            levels,
            unrated,
        })
        .collect())
}

/// Checks shares and counts against summed ballots: every share's proofs, then that k checked
/// shares open the sums to exactly `counts`. The part of a verification that needs no storage.
pub fn check_count(
    keys: &KeySet,
    context: &str,
    tally: &Tally,
    shares: &[CountShare],
    items: &[String],
    levels: usize,
    counts: &[RecordCount],
) -> Vec<Check> {
    let mut checks = Vec::new();
    let mut verified = Vec::new();
    for share in shares {
        match verify_share(keys, context, tally, &[], share) {
            Ok(v) => {
                checks.push(Check {
                    what: format!(
                        "teller {}'s decryption shares of the {} sums check against their public \
                         key share",
                        share.teller + 1,
                        tally.cells.len()
                    ),
                    ok: true,
                });
                verified.push(v);
            }
            Err(e) => checks.push(Check {
                what: format!("teller {}: {e}", share.teller + 1),
                ok: false,
            }),
        }
    }
    let needed = keys.params().threshold;
    if verified.len() < needed {
        checks.push(Check {
            what: format!(
                "{needed} tellers' shares are needed to open the count; {} check",
                verified.len()
            ),
            ok: false,
        });
        return checks;
    }
    match opened_counts(keys, tally, &verified[..needed], items, levels) {
        Ok(opened) => checks.push(Check {
            what: format!(
                "the shares open the sums to the published counts ({} items)",
                items.len()
            ),
            ok: opened == counts,
        }),
        Err(e) => checks.push(Check {
            what: format!("the shares do not open the sums: {e}"),
            ok: false,
        }),
    }
    checks
}

/// Checks a record from its own contents: the board replays to its joint key; every ballot is
/// whole and carries its own tracking code; the ballots sum to what every share was made on;
/// the shares open to the published counts, which account for every ballot.
pub fn verify(record: &Record, threads: usize) -> Vec<Check> {
    let mut checks = Vec::new();
    let mut check = |what: String, ok: bool| checks.push(Check { what, ok });
    if record.format != FORMAT {
        check(format!("the record's format is {FORMAT}"), false);
        return checks;
    }
    let keys = match record.board.final_key_set() {
        Ok(k) => k,
        Err(e) => {
            check(format!("the tellers' board does not replay: {e}"), false);
            return checks;
        }
    };
    let key_hex = hex::encode(keys.shared_key().as_bytes());
    check(
        format!(
            "the tellers' board replays (every commitment, polynomial and proof) to the joint key \
             {key_hex}: compare it with the one each teller's own key file printed"
        ),
        key_hex == record.joint_key,
    );
    check(
        format!(
            "the board was made for round {}, these {} items in this order and this scale",
            record.round.id,
            record.round.items.len()
        ),
        context_fits(
            &record.board.context,
            record.round.id,
            &record.round.items,
            &record.round.levels,
        ),
    );
    let levels = record.round.levels.len();
    let cells = record.round.items.len() * levels;
    let mut decoded = Vec::with_capacity(record.ballots.len());
    let mut bad = 0usize;
    let mut seen = std::collections::HashSet::new();
    let mut copies = 0usize;
    for b in &record.ballots {
        match Base64::decode_vec(&b.cells) {
            Ok(c) if c.len() == cells * CELL_BYTES && tracking_code(&c) == b.tracking => {
                if !seen.insert(c[..32].to_vec()) {
                    copies += 1;
                }
                decoded.push(c)
            }
            _ => bad += 1,
        }
    }
    check(
        format!(
            "{} sealed ballots, each whole and matching its tracking code",
            record.ballots.len()
        ),
        bad == 0,
    );
    check("no sealed ballot is a copy of another".into(), copies == 0);
    let tally = match Tally::of_ballots(cells, &decoded, threads) {
        Ok(t) => t,
        Err(e) => {
            check(format!("the sealed ballots do not sum: {e}"), false);
            return checks;
        }
    };
    let accounted = record
        .counts
        .iter()
        .all(|c| c.levels.iter().sum::<u64>() + c.unrated == tally.ballots);
    check(
        "every item's counts add up to the number of ballots".into(),
        accounted && record.counts.len() == record.round.items.len(),
    );
    checks.extend(check_count(
        &keys,
        &record.board.context,
        &tally,
        &record.shares,
        &record.round.items,
        levels,
        &record.counts,
    ));
    checks
}
