//! The audit trail's hash chain, pure: how an entry is hashed and how a chain is verified.
//! Storage is in `crate::server::repo::audit`.
//!
//! Each entry's hash is SHA-256 over the previous entry's hash and the entry's own fields, so
//! changing or deleting any entry breaks every hash after it. Cutting entries off the end leaves
//! a shorter valid chain: that is caught by comparing the head (last sequence number and hash)
//! with one written down earlier — `ceping audit verify` prints it, and `--expect-head` checks it.

/// The trail as a person reads it: actions and details in Chinese.
pub mod describe;
/// A head signed with the server's audit key.
pub mod signed;

use sha2::{Digest, Sha256};

/// The hash before the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One recorded action.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Entry {
    /// 1, 2, 3, … without gaps.
    pub seq: i64,
    /// RFC 3339 UTC.
    pub at: String,
    /// Who: an account's login, or `cli:<user>` for the command line.
    pub actor: String,
    /// What: `round.open`, `invite.issue`, `sign-in`, …
    pub action: String,
    /// On what: `round 1`, `plan 1`, an account's login.
    pub subject: String,
    /// Details as compact JSON (`{}` when there are none).
    pub detail: String,
    /// The previous entry's hash ([`GENESIS`] for the first).
    pub prev_hash: String,
    /// This entry's hash: [`entry_hash`].
    pub hash: String,
}

/// SHA-256 (lower-case hex) of the previous hash and the fields, each length-prefixed so no two
/// different entries can be written as the same bytes.
pub fn entry_hash(
    prev_hash: &str,
    seq: i64,
    at: &str,
    actor: &str,
    action: &str,
    subject: &str,
    detail: &str,
) -> String {
    let mut h = Sha256::new();
    let seq = seq.to_string();
    for field in [prev_hash, seq.as_str(), at, actor, action, subject, detail] {
        h.update((field.len() as u64).to_be_bytes());
        h.update(field.as_bytes());
    }
    hex::encode(h.finalize())
}

impl Entry {
    /// What this entry's hash should be.
    pub fn expected_hash(&self) -> String {
        entry_hash(
            &self.prev_hash,
            self.seq,
            &self.at,
            &self.actor,
            &self.action,
            &self.subject,
            &self.detail,
        )
    }
}

/// The first thing wrong with a chain.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Broken {
    #[error("entry {found} follows entry {after}: entries {after}+1…{found}-1 are missing")]
    Gap { after: i64, found: i64 },
    #[error("entry {seq} does not point at the entry before it (deleted or replaced)")]
    Link { seq: i64 },
    #[error("entry {seq} was altered: its hash does not match its contents")]
    Altered { seq: i64 },
    #[error("the chain ends at entry {seq}, but the recorded head is entry {expected_seq}")]
    Truncated { seq: i64, expected_seq: i64 },
    #[error("the head hash is not the one recorded: the chain was rewritten")]
    HeadMismatch,
}

/// The last entry of a valid chain: (seq, hash); (0, GENESIS) for an empty one.
pub type Head = (i64, String);

/// Checks entries in sequence order; returns the head.
pub fn verify<'a>(entries: impl IntoIterator<Item = &'a Entry>) -> Result<Head, Broken> {
    let mut head: Head = (0, GENESIS.to_string());
    for e in entries {
        if e.seq != head.0 + 1 {
            return Err(Broken::Gap {
                after: head.0,
                found: e.seq,
            });
        }
        if e.prev_hash != head.1 {
            return Err(Broken::Link { seq: e.seq });
        }
        if e.hash != e.expected_hash() {
            return Err(Broken::Altered { seq: e.seq });
        }
        head = (e.seq, e.hash.clone());
    }
    Ok(head)
}

/// [`verify`], then compares the head with one recorded earlier: the chain may have grown since,
/// but entry `expected.0` must still carry hash `expected.1`.
pub fn verify_against<'a>(
    entries: impl IntoIterator<Item = &'a Entry> + Clone,
    expected: &Head,
) -> Result<Head, Broken> {
    let head = verify(entries.clone())?;
    if head.0 < expected.0 {
        return Err(Broken::Truncated {
            seq: head.0,
            expected_seq: expected.0,
        });
    }
    let at = entries.into_iter().find(|e| e.seq == expected.0);
    match at {
        Some(e) if e.hash == expected.1 => Ok(head),
        None if expected.0 == 0 && expected.1 == GENESIS => Ok(head),
        _ => Err(Broken::HeadMismatch),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: i64) -> Vec<Entry> {
        let mut out: Vec<Entry> = Vec::new();
        let mut prev = GENESIS.to_string();
        for seq in 1..=n {
            let mut e = Entry {
                seq,
                at: format!("2020-12-20T09:{seq:02}:00Z"),
                actor: "office".into(),
                action: "round.open".into(),
                subject: format!("round {seq}"),
                detail: "{}".into(),
                prev_hash: prev.clone(),
                hash: String::new(),
            };
            e.hash = e.expected_hash();
            prev = e.hash.clone();
            out.push(e);
        }
        out
    }

    #[test]
    fn an_intact_chain_verifies_and_gives_its_head() {
        let c = chain(5);
        assert_eq!(verify(&c), Ok((5, c[4].hash.clone())));
        assert_eq!(verify(&[]), Ok((0, GENESIS.to_string())));
    }

    #[test]
    fn any_altered_field_is_caught() {
        for field in 0..5 {
            let mut c = chain(4);
            let e = &mut c[2];
            match field {
                0 => e.at.push('x'),
                1 => e.actor = "someone".into(),
                2 => e.action = "round.close".into(),
                3 => e.subject = "round 9".into(),
                _ => e.detail = r#"{"n":1}"#.into(),
            }
            assert_eq!(verify(&c), Err(Broken::Altered { seq: 3 }), "field {field}");
        }
    }

    #[test]
    fn a_deleted_entry_is_caught_and_a_rehashed_one_breaks_the_next_link() {
        let mut c = chain(5);
        c.remove(2);
        assert_eq!(verify(&c), Err(Broken::Gap { after: 2, found: 4 }));

        // Rewriting entry 3 with a valid hash of its own breaks entry 4's link.
        let mut c = chain(5);
        c[2].actor = "someone".into();
        c[2].hash = c[2].expected_hash();
        assert_eq!(verify(&c), Err(Broken::Link { seq: 4 }));

        // Renumbering after a deletion breaks the link too.
        let mut c = chain(5);
        c.remove(2);
        for e in &mut c[2..] {
            e.seq -= 1;
        }
        assert_eq!(verify(&c), Err(Broken::Link { seq: 3 }));
    }

    #[test]
    fn fields_cannot_be_shifted_into_each_other() {
        let a = entry_hash(GENESIS, 1, "t", "ab", "c", "", "{}");
        let b = entry_hash(GENESIS, 1, "t", "a", "bc", "", "{}");
        assert_ne!(a, b);
    }

    #[test]
    fn a_cut_tail_is_caught_against_a_recorded_head() {
        let c = chain(6);
        let recorded: Head = (6, c[5].hash.clone());
        assert_eq!(verify_against(&c, &recorded), Ok(recorded.clone()));
        // Grown since: still fine.
        let earlier: Head = (4, c[3].hash.clone());
        assert_eq!(verify_against(&c, &earlier), Ok(recorded.clone()));
        // Cut: the chain alone is valid, against the head it is not.
        assert!(verify(&c[..4]).is_ok());
        assert_eq!(
            verify_against(&c[..4], &recorded),
            Err(Broken::Truncated {
                seq: 4,
                expected_seq: 6
            })
        );
        // Rewritten from scratch with the same length.
        let mut forged = chain(6);
        forged[0].actor = "x".into();
        let mut prev = GENESIS.to_string();
        for e in &mut forged {
            e.prev_hash = prev.clone();
            e.hash = e.expected_hash();
            prev = e.hash.clone();
        }
        assert!(verify(&forged).is_ok());
        assert_eq!(
            verify_against(&forged, &recorded),
            Err(Broken::HeadMismatch)
        );
    }
}
