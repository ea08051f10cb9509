// Checks of invitation codes and receipts, shared through `include!` by the fuzz target
// (fuzz/fuzz_targets/invite_code.rs) and the replay test (tests/fuzz_regressions.rs), so that
// both run exactly the same assertions.
//
// The includer brings `CodeError`, `CodeKind`, `InviteCode`, `Receipt` and `Bilingual` into scope: the test
// from `ceping::ballot` (server build), the fuzz target from src/ballot/code.rs compiled as its
// own module (in the library that module is behind the `ssr` feature).

/// Crockford's base32 alphabet: digits and upper-case letters without I L O U.
const CROCKFORD: &str = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// One fuzz input: the bytes as UTF-8, lossily converted when they are not.
pub fn check_code_bytes(data: &[u8]) {
    check_code(&String::from_utf8_lossy(data));
}

/// An error without its kind, to compare the two kinds of token.
fn without_kind(e: &CodeError) -> (u8, usize, Option<char>) {
    match e {
        CodeError::Empty { .. } => (0, 0, None),
        CodeError::WrongLength { found, .. } => (1, *found, None),
        CodeError::InvalidSymbol {
            position, found, ..
        } => (2, *position, Some(*found)),
    }
}

/// Parses `input` as an invitation code and as a receipt and checks both.
pub fn check_code(input: &str) {
    let invite = InviteCode::parse(input);
    let receipt = Receipt::parse(input);
    // One implementation, two kinds: the same input reads the same way as either.
    match (&invite, &receipt) {
        (Ok(i), Ok(r)) => {
            assert_eq!(
                i.as_str(),
                r.as_str(),
                "invite and receipt read differently"
            );
            check_invite(input, i);
            check_receipt(r);
        }
        (Err(i), Err(r)) => {
            assert_eq!(i.kind(), CodeKind::Invite);
            assert_eq!(r.kind(), CodeKind::Receipt);
            assert_eq!(
                without_kind(i),
                without_kind(r),
                "invite and receipt refused differently"
            );
            check_error(i);
        }
        _ => panic!("an input is a valid invitation code but not a valid receipt, or back"),
    }
}

fn check_canonical(canonical: &str, display: &str) {
    assert_eq!(canonical.len(), 20, "a canonical code is not 20 symbols");
    assert!(
        canonical.chars().all(|c| CROCKFORD.contains(c)),
        "a canonical code outside the alphabet"
    );
    // Four groups of five joined by '-'.
    let groups: Vec<&str> = display.split('-').collect();
    assert_eq!(groups.len(), 4, "display is not four groups");
    assert!(
        groups.iter().all(|g| g.len() == 5),
        "display groups are not of five"
    );
    assert_eq!(
        groups.concat(),
        canonical,
        "display is not the canonical form grouped"
    );
}

fn check_hash(hash: &str) {
    assert_eq!(hash.len(), 64, "hash is not 64 hex digits");
    assert!(
        hash.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)),
        "hash is not lower-case hex"
    );
}

fn check_invite(input: &str, code: &InviteCode) {
    let canonical = code.as_str();
    let display = code.display();
    check_canonical(canonical, &display);
    // Round trip: the canonical and the displayed forms read back as the same code.
    assert!(
        InviteCode::parse(canonical).as_ref() == Ok(code),
        "canonical does not read back"
    );
    assert!(
        InviteCode::parse(&display).as_ref() == Ok(code),
        "display does not read back"
    );
    // The short link: `/v/` and the grouped code.
    assert_eq!(code.link_path(), format!("/v/{display}"));
    check_hash(&code.hash());
    assert!(InviteCode::parse(&display).map(|c| c.hash()) == Ok(code.hash()));
    // Any case: lower-casing the ASCII letters changes nothing.
    let lower = InviteCode::parse(&input.to_ascii_lowercase());
    assert!(
        lower.as_ref() == Ok(code),
        "a lower-case code reads differently"
    );
    // Debug is redacted.
    assert!(
        !format!("{code:?}").contains(canonical),
        "Debug shows the code"
    );
}

fn check_receipt(receipt: &Receipt) {
    let canonical = receipt.as_str();
    let display = receipt.display();
    check_canonical(canonical, &display);
    assert!(
        Receipt::parse(canonical).as_ref() == Ok(receipt),
        "canonical does not read back"
    );
    assert!(
        Receipt::parse(&display).as_ref() == Ok(receipt),
        "display does not read back"
    );
    check_hash(&receipt.hash());
    assert!(
        !format!("{receipt:?}").contains(canonical),
        "Debug shows the receipt"
    );
}

fn check_error(e: &CodeError) {
    match e {
        CodeError::Empty { .. } => {}
        CodeError::WrongLength { found, .. } => {
            assert!(
                *found != 0 && *found != 20,
                "WrongLength with a right length"
            )
        }
        CodeError::InvalidSymbol { position, .. } => assert!(*position >= 1),
    }
    assert!(!e.to_string().is_empty());
    assert!(!e.zh().is_empty());
}
