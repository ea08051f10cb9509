//! Invitation codes, receipts and the other random identifiers of a ballot.
//!
//! An invitation code is what a deputy types (or scans as a QR code of the short link
//! `/v/CODE`) to open their ballot. It has exactly 100 random bits, written as 20 symbols of
//! Crockford's base32 alphabet (`0-9A-Z` without `I L O U`), shown in four groups of five:
//! `K7M3Q-9XTRB-…`. The server stores only its SHA-256 hash.
//!
//! A receipt is shown once after a ballot is cast; together with the code it reopens that
//! ballot for revision. It looks like a code but is *derived* (HMAC of the round and the
//! idempotency key of the POST), so that a retried POST gets the same receipt back without
//! the server storing anything that links the receipt to the request.
//!
//! Both are [`Token`]s: one implementation, two kinds. Neither prints itself by accident:
//! `Debug` is redacted and there is no `Display`; call [`Token::display`] or [`Token::as_str`]
//! where the secret is really meant to be shown.

use crate::message::Bilingual;
use std::fmt;
use std::marker::PhantomData;
use std::str::FromStr;

use hmac::digest::KeyInit;
use hmac::{Hmac, Mac};
use rand::{CryptoRng, RngCore};
use sha2::{Digest, Sha256};

/// Crockford's base32 alphabet: digits and upper-case letters without `I L O U`.
pub const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// Symbols in a code or receipt: 20 symbols × 5 bits = 100 bits.
pub const CODE_LEN: usize = 20;

/// Symbols per displayed group.
pub const GROUP_LEN: usize = 5;

/// Random bits carried by a code or receipt.
pub const CODE_BITS: usize = CODE_LEN * 5;

/// Symbols in an idempotency key: 26 × 5 = 130 ≥ 128 bits.
pub const IDEMPOTENCY_KEY_LEN: usize = 26;

/// Which kind of token a [`CodeError`] is about, so that the message names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CodeKind {
    /// An invitation code (邀请码).
    Invite,
    /// A receipt (回执码).
    Receipt,
}

impl CodeKind {
    /// The name a deputy knows it by.
    pub fn name_zh(self) -> &'static str {
        match self {
            CodeKind::Invite => "邀请码",
            CodeKind::Receipt => "回执码",
        }
    }

    /// The English name, for logs.
    pub fn name_en(self) -> &'static str {
        match self {
            CodeKind::Invite => "invitation code",
            CodeKind::Receipt => "receipt",
        }
    }
}

/// Why a typed or linked code was refused.
///
/// `Display` is English, for logs: it never contains the input. [`Bilingual::zh`] is
/// the sentence for the phone screen.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CodeError {
    /// Nothing but separators (or nothing at all) was given.
    #[error("{} is empty", .kind.name_en())]
    Empty { kind: CodeKind },
    /// The symbols were all valid but there were not exactly 20 of them.
    #[error("{} has {found} symbols, expected {CODE_LEN}", .kind.name_en())]
    WrongLength { kind: CodeKind, found: usize },
    /// A character outside the alphabet (and not a separator or a confusable).
    /// `position` counts symbols from 1, separators not counted.
    #[error("{} has an invalid character at symbol {position}", .kind.name_en())]
    InvalidSymbol {
        kind: CodeKind,
        position: usize,
        found: char,
    },
}

impl CodeError {
    /// Which kind of token the error is about.
    pub fn kind(&self) -> CodeKind {
        match self {
            CodeError::Empty { kind }
            | CodeError::WrongLength { kind, .. }
            | CodeError::InvalidSymbol { kind, .. } => *kind,
        }
    }
}

impl Bilingual for CodeError {
    /// A plain Chinese sentence for the person who typed the code.
    fn zh(&self) -> String {
        let name = self.kind().name_zh();
        match self {
            CodeError::Empty { .. } => format!("请输入{name}。"),
            CodeError::WrongLength { found, .. } => {
                format!("{name}应为{CODE_LEN}位字母或数字（您输入了{found}位），请核对后重新输入。")
            }
            CodeError::InvalidSymbol {
                position, found, ..
            } => {
                // Echo the character only when it can be seen; a control character would not help.
                let what = if found.is_control() || found.is_whitespace() {
                    String::new()
                } else {
                    format!("“{found}”")
                };
                format!(
                    "{name}第{position}位{what}不是有效字符。{name}只含数字和英文字母（没有字母U），请核对后重新输入。"
                )
            }
        }
    }
}

mod sealed {
    pub trait Sealed {}
}

/// The kind of a [`Token`]: [`Invite`] or [`ForReceipt`]. Sealed.
pub trait TokenKind: sealed::Sealed {
    /// The kind named in errors.
    const KIND: CodeKind;
    /// The type name printed by the redacted `Debug`.
    const TYPE_NAME: &'static str;
}

/// Marker for invitation codes.
pub enum Invite {}
/// Marker for receipts.
pub enum ForReceipt {}

impl sealed::Sealed for Invite {}
impl sealed::Sealed for ForReceipt {}

impl TokenKind for Invite {
    const KIND: CodeKind = CodeKind::Invite;
    const TYPE_NAME: &'static str = "InviteCode";
}

impl TokenKind for ForReceipt {
    const KIND: CodeKind = CodeKind::Receipt;
    const TYPE_NAME: &'static str = "Receipt";
}

/// A 100-bit secret written as 20 Crockford symbols, held in canonical form (upper case, no
/// dashes). Use it through [`InviteCode`] and [`Receipt`].
pub struct Token<K: TokenKind> {
    canonical: String,
    kind: PhantomData<fn() -> K>,
}

/// An invitation code: 100 random bits.
pub type InviteCode = Token<Invite>;

/// A receipt: 100 bits of an HMAC, see [`derive_receipt`].
pub type Receipt = Token<ForReceipt>;

impl<K: TokenKind> Token<K> {
    fn from_canonical(canonical: String) -> Self {
        Token {
            canonical,
            kind: PhantomData,
        }
    }

    /// The token from 13 or more bytes: their first 100 bits.
    fn from_bits(bytes: &[u8]) -> Self {
        Self::from_canonical(encode_base32(bytes, CODE_LEN))
    }

    /// Reads what a person typed or what a link carried.
    ///
    /// Tolerates any case, dashes (ASCII, full-width and typographic), spaces (ASCII and
    /// ideographic), full-width letters and digits as a Chinese input method types them, and
    /// Crockford's confusables: `I`/`L` read as `1`, `O` as `0`. `U` is not in the alphabet.
    pub fn parse(input: &str) -> Result<Self, CodeError> {
        let kind = K::KIND;
        let mut canonical = String::with_capacity(CODE_LEN);
        let mut found = 0usize;
        for c in input.chars() {
            let c = fold_full_width(c);
            if is_separator(c) {
                continue;
            }
            found = found.saturating_add(1);
            match symbol_value(c) {
                Some(v) => {
                    if canonical.len() < CODE_LEN {
                        canonical.push(char::from(ALPHABET[usize::from(v & 31)]));
                    }
                }
                None => {
                    return Err(CodeError::InvalidSymbol {
                        kind,
                        position: found,
                        found: c,
                    });
                }
            }
        }
        match found {
            0 => Err(CodeError::Empty { kind }),
            CODE_LEN => Ok(Self::from_canonical(canonical)),
            _ => Err(CodeError::WrongLength { kind, found }),
        }
    }

    /// The canonical form: 20 upper-case symbols, no dashes. This is what is hashed.
    pub fn as_str(&self) -> &str {
        &self.canonical
    }

    /// The form shown to a person: four groups of five joined by `-`.
    pub fn display(&self) -> String {
        group(&self.canonical)
    }

    /// Lower-case hex SHA-256 of the canonical form: what the database stores.
    ///
    /// A fast, unsalted hash is right here, unlike for passwords: the token itself carries
    /// 100 random bits, so a stolen table cannot be brute-forced whatever the hash speed,
    /// and an unsalted hash lets the server look a typed code up by its hash directly.
    pub fn hash(&self) -> String {
        hex::encode(Sha256::digest(self.canonical.as_bytes()))
    }
}

impl InviteCode {
    /// A fresh invitation code with 100 bits from a cryptographic random generator.
    pub fn generate(rng: &mut (impl RngCore + CryptoRng)) -> InviteCode {
        let mut bytes = [0u8; CODE_BITS.div_ceil(8)];
        rng.fill_bytes(&mut bytes);
        InviteCode::from_bits(&bytes)
    }

    /// The path of the short link printed as a QR code: `/v/` and the grouped code.
    /// Upper-case letters, digits, `-` and `/` all fit the QR code's compact alphanumeric mode.
    pub fn link_path(&self) -> String {
        format!("/v/{}", self.display())
    }
}

impl<K: TokenKind> Clone for Token<K> {
    fn clone(&self) -> Self {
        Self::from_canonical(self.canonical.clone())
    }
}

impl<K: TokenKind> PartialEq for Token<K> {
    fn eq(&self, other: &Self) -> bool {
        self.canonical == other.canonical
    }
}

impl<K: TokenKind> Eq for Token<K> {}

/// Redacted: a token must never reach a log through `{:?}`.
impl<K: TokenKind> fmt::Debug for Token<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}(…redacted…)", K::TYPE_NAME)
    }
}

impl<K: TokenKind> FromStr for Token<K> {
    type Err = CodeError;
    fn from_str(s: &str) -> Result<Self, CodeError> {
        Self::parse(s)
    }
}

type HmacSha256 = Hmac<Sha256>;

/// HMAC-SHA256 (RFC 2104) of `message` under `key`, any key length, without a fallible call.
fn hmac_sha256(key: &[u8], message: &[&[u8]]) -> [u8; 32] {
    // HMAC's own key preparation: a key longer than the hash's block is hashed first, then the
    // key is zero-padded to the block. Doing it here makes construction infallible (`new`
    // takes a block-sized key) and gives the same result as `new_from_slice`.
    let hashed;
    let key: &[u8] = if key.len() > 64 {
        hashed = Sha256::digest(key);
        &hashed
    } else {
        key
    };
    let mut block = hmac::digest::Key::<HmacSha256>::default();
    for (dst, src) in block.iter_mut().zip(key) {
        *dst = *src;
    }
    let mut mac = <HmacSha256 as KeyInit>::new(&block);
    for part in message {
        mac.update(part);
    }
    mac.finalize().into_bytes().into()
}

/// What the database keeps of a receipt: a keyed hash of the receipt *together with the code it
/// was given for*. A receipt opens its ballot only with that same code: another deputy's code
/// and a receipt (shown by a coerced deputy, say) find nothing. Both halves carry 100 random
/// bits, so the stored value cannot be searched for without them.
pub fn bound_receipt_hash(server_secret: &[u8], code: &InviteCode, receipt: &Receipt) -> String {
    hex::encode(hmac_sha256(
        server_secret,
        &[
            b"receipt-hash\0",
            code.as_str().as_bytes(),
            b"\0",
            receipt.as_str().as_bytes(),
        ],
    ))
}

/// The receipt for a ballot of `round_id` cast with `idempotency_key`:
/// HMAC-SHA256(`server_secret`, `"receipt\0" ‖ round_id in decimal ‖ "\0" ‖ key`), first 100
/// bits as 20 Crockford symbols.
///
/// A retried POST (same key) gets the same receipt back; the server needs to keep only the
/// receipt's hash. `server_secret` should be at least 32 random bytes: checking that is the
/// configuration's job.
pub fn derive_receipt(server_secret: &[u8], round_id: i64, idempotency_key: &str) -> Receipt {
    let round = round_id.to_string();
    let mac = hmac_sha256(
        server_secret,
        &[
            b"receipt\0",
            round.as_bytes(),
            b"\0",
            idempotency_key.as_bytes(),
        ],
    );
    Receipt::from_bits(&mac)
}

/// A ballot's id: 128 random bits as 32 lower-case hex characters. Random, so that the order
/// of rows reveals nothing about the order of voting.
pub fn new_ballot_id(rng: &mut (impl RngCore + CryptoRng)) -> String {
    let mut bytes = [0u8; 16];
    rng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// An idempotency key for a ballot form: 128 random bits as 26 Crockford symbols.
pub fn new_idempotency_key(rng: &mut (impl RngCore + CryptoRng)) -> String {
    let mut bytes = [0u8; 16];
    rng.fill_bytes(&mut bytes);
    encode_base32(&bytes, IDEMPOTENCY_KEY_LEN)
}

/// `symbols` Crockford symbols from the bits of `bytes`, most significant bit first; bits past
/// the end of `bytes` read as zero.
fn encode_base32(bytes: &[u8], symbols: usize) -> String {
    (0..symbols)
        .map(|i| {
            let mut v = 0u8;
            for b in 0..5 {
                let bit = i * 5 + b;
                let byte = bytes.get(bit / 8).copied().unwrap_or(0);
                v = (v << 1) | ((byte >> (7 - bit % 8)) & 1);
            }
            char::from(ALPHABET[usize::from(v & 31)])
        })
        .collect()
}

/// The value of a symbol, with Crockford's decoding rules: any case, `I`/`L` → 1, `O` → 0.
fn symbol_value(c: char) -> Option<u8> {
    let c = match c.to_ascii_uppercase() {
        'I' | 'L' => '1',
        'O' => '0',
        c => c,
    };
    if !c.is_ascii() {
        return None;
    }
    ALPHABET
        .iter()
        .position(|&a| char::from(a) == c)
        .and_then(|p| u8::try_from(p).ok())
}

/// Full-width ASCII (`Ａ`, `１`, `－` as a Chinese input method may type them) to ASCII.
fn fold_full_width(c: char) -> char {
    let u = u32::from(c);
    if (0xFF01..=0xFF5E).contains(&u) {
        char::from_u32(u - 0xFEE0).unwrap_or(c)
    } else {
        c
    }
}

/// Characters ignored in a typed code: dashes of every kind and spaces.
fn is_separator(c: char) -> bool {
    matches!(
        c,
        '-' | '_' | '\u{2010}'
            ..='\u{2015}' // hyphen, non-breaking hyphen, figure dash, en/em dash, bar
            | '\u{2212}' // minus sign
            | '\u{30FC}' // katakana long vowel mark, typed for a dash by some input methods
            | '\u{FE63}' // small hyphen-minus
    ) || c.is_whitespace()
}

/// Four groups of five, joined by `-`.
fn group(canonical: &str) -> String {
    let mut out = String::with_capacity(canonical.len() + canonical.len() / GROUP_LEN);
    for (i, c) in canonical.chars().enumerate() {
        if i > 0 && i % GROUP_LEN == 0 {
            out.push('-');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::StdRng;
    use std::collections::HashSet;

    fn rng() -> StdRng {
        StdRng::seed_from_u64(20_200_429)
    }

    fn decode_bits(canonical: &str) -> Vec<u8> {
        // One entry per bit, most significant first.
        canonical
            .chars()
            .flat_map(|c| {
                let v = symbol_value(c).expect("canonical symbol");
                (0..5).rev().map(move |b| (v >> b) & 1)
            })
            .collect()
    }

    #[test]
    fn generated_code_has_20_symbols_and_carries_the_first_100_random_bits() {
        let mut r = rng();
        let mut copy = r.clone();
        let code = InviteCode::generate(&mut r);
        assert_eq!(code.as_str().len(), CODE_LEN);
        assert!(code.as_str().bytes().all(|b| ALPHABET.contains(&b)));
        let mut bytes = [0u8; 13];
        copy.fill_bytes(&mut bytes);
        let expected: Vec<u8> = (0..CODE_BITS)
            .map(|i| (bytes[i / 8] >> (7 - i % 8)) & 1)
            .collect();
        assert_eq!(decode_bits(code.as_str()), expected);
    }

    #[test]
    fn every_bit_of_generated_codes_is_used() {
        // Over 2,000 codes each of the 100 bits is set about half the time: no bit is constant.
        let mut r = rng();
        let mut ones = [0u32; CODE_BITS];
        let n = 2_000;
        for _ in 0..n {
            for (i, bit) in decode_bits(InviteCode::generate(&mut r).as_str())
                .into_iter()
                .enumerate()
            {
                ones[i] += u32::from(bit);
            }
        }
        for (i, count) in ones.iter().enumerate() {
            assert!(
                (850..=1150).contains(count),
                "bit {i} set {count} of {n} times"
            );
        }
    }

    #[test]
    fn display_is_four_groups_of_five_and_parses_back() {
        let code = InviteCode::generate(&mut rng());
        let shown = code.display();
        let groups: Vec<&str> = shown.split('-').collect();
        assert_eq!(groups.len(), 4);
        assert!(groups.iter().all(|g| g.len() == GROUP_LEN));
        assert_eq!(groups.concat(), code.as_str());
        assert_eq!(InviteCode::parse(&shown).unwrap(), code);
        assert_eq!(InviteCode::parse(code.as_str()).unwrap(), code);
        assert_eq!(code.link_path(), format!("/v/{shown}"));
    }

    #[test]
    fn parse_tolerates_case_separators_full_width_and_confusables() {
        let canonical = "K7M3Q9XTRB0123456789";
        for input in [
            "K7M3Q-9XTRB-01234-56789",
            "k7m3q-9xtrb-01234-56789",
            "k7m3q 9xtrb 01234 56789",
            "  K7M3Q9XTRB0123456789  ",
            "K7M3Q－9XTRB－01234－56789", // full-width hyphen-minus
            "K7M3Q—9XTRB–01234‐56789",    // em dash, en dash, hyphen
            "K7M3Q\u{3000}9XTRB\u{3000}01234\u{3000}56789", // ideographic space
            "Ｋ７Ｍ３Ｑ-９ＸＴＲＢ-０１２３４-５６７８９", // full-width letters and digits
            "K7M3Q-9XTRB-o1234-56789",    // o → 0
            "K7M3Q-9XTRB-O1234-56789",    // O → 0
            "K7M3Q-9XTRB-0I234-56789",    // I → 1
            "K7M3Q-9XTRB-0l234-56789",    // l → 1
            "K7M3Q-9XTRB-0L234-56789",    // L → 1
            "K7M3Q_9XTRB_01234_56789",
        ] {
            let parsed = InviteCode::parse(input).unwrap_or_else(|e| panic!("{input:?}: {e}"));
            assert_eq!(parsed.as_str(), canonical, "{input:?}");
        }
    }

    #[test]
    fn parse_rejects_wrong_length_and_foreign_symbols() {
        use CodeError::*;
        let k = CodeKind::Invite;
        let cases: &[(&str, CodeError)] = &[
            ("", Empty { kind: k }),
            (" - - ", Empty { kind: k }),
            ("K7M3Q-9XTRB-01234-5678", WrongLength { kind: k, found: 19 }),
            (
                "K7M3Q-9XTRB-01234-567890",
                WrongLength { kind: k, found: 21 },
            ),
            ("K7M3Q", WrongLength { kind: k, found: 5 }),
            (
                "K7M3U-9XTRB-01234-56789",
                InvalidSymbol {
                    kind: k,
                    position: 5,
                    found: 'U',
                },
            ),
            (
                "K7M3u-9XTRB-01234-56789",
                InvalidSymbol {
                    kind: k,
                    position: 5,
                    found: 'u',
                },
            ),
            (
                "K7M3Q-9XTRB-01234-5678!",
                InvalidSymbol {
                    kind: k,
                    position: 20,
                    found: '!',
                },
            ),
            (
                "邀请码K7M3Q-9XTRB-01234-56789",
                InvalidSymbol {
                    kind: k,
                    position: 1,
                    found: '邀',
                },
            ),
            (
                "K7M3Q-9XTRB-01234-5678\u{0}",
                InvalidSymbol {
                    kind: k,
                    position: 20,
                    found: '\u{0}',
                },
            ),
            (
                "/v/K7M3Q-9XTRB-01234-56789",
                InvalidSymbol {
                    kind: k,
                    position: 1,
                    found: '/',
                },
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(
                InviteCode::parse(input).unwrap_err(),
                *expected,
                "{input:?}"
            );
        }
    }

    #[test]
    fn errors_have_chinese_messages_and_english_display_without_the_input() {
        let e = InviteCode::parse("K7M3Q").unwrap_err();
        assert_eq!(
            e.zh(),
            "邀请码应为20位字母或数字（您输入了5位），请核对后重新输入。"
        );
        assert_eq!(e.to_string(), "invitation code has 5 symbols, expected 20");
        let e = InviteCode::parse("K7M3U-9XTRB-01234-56789").unwrap_err();
        assert_eq!(
            e.zh(),
            "邀请码第5位“U”不是有效字符。邀请码只含数字和英文字母（没有字母U），请核对后重新输入。"
        );
        assert!(!e.to_string().contains("K7M3"));
        let e = Receipt::parse("").unwrap_err();
        assert_eq!(e.zh(), "请输入回执码。");
        assert_eq!(e.to_string(), "receipt is empty");
        let e = Receipt::parse("ABC\u{7}").unwrap_err();
        assert!(!e.zh().contains('\u{7}'));
    }

    #[test]
    fn hash_is_lowercase_hex_sha256_of_the_canonical_form() {
        let a = InviteCode::parse("K7M3Q-9XTRB-01234-56789").unwrap();
        let b = InviteCode::parse("k7m3q9xtrb0l234s6789").unwrap();
        assert_eq!(a.hash().len(), 64);
        assert!(
            a.hash()
                .bytes()
                .all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(&c))
        );
        assert_eq!(
            a.hash(),
            hex::encode(Sha256::digest(b"K7M3Q9XTRB0123456789"))
        );
        assert_eq!(a.hash(), a.clone().hash());
        assert_ne!(a.hash(), b.hash());
        // Same as any SHA-256 tool: echo -n K7M3Q9XTRB0123456789 | sha256sum.
        assert_eq!(
            hex::encode(Sha256::digest(b"abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn hmac_matches_rfc_4231() {
        // Test case 1: short key.
        assert_eq!(
            hex::encode(hmac_sha256(&[0x0b; 20], &[b"Hi There"])),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"
        );
        // Test case 6: key longer than the block, hashed first.
        assert_eq!(
            hex::encode(hmac_sha256(
                &[0xaa; 131],
                &[
                    b"Test Using Larger Than Block-Size Key - ",
                    b"Hash Key First"
                ]
            )),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        );
        // And the same as the crate's own key handling, for keys of every length around a block.
        for len in [0, 1, 32, 63, 64, 65, 200] {
            let key = vec![7u8; len];
            let mut mac = <HmacSha256 as Mac>::new_from_slice(&key).unwrap();
            mac.update(b"msg");
            let expected: [u8; 32] = mac.finalize().into_bytes().into();
            assert_eq!(hmac_sha256(&key, &[b"msg"]), expected, "key length {len}");
        }
    }

    #[test]
    fn receipt_is_deterministic_and_depends_on_secret_round_and_key() {
        let secret = b"0123456789abcdef0123456789abcdef";
        let r = derive_receipt(secret, 7, "K1");
        assert_eq!(r, derive_receipt(secret, 7, "K1"));
        assert_eq!(r.as_str().len(), CODE_LEN);
        assert_ne!(r, derive_receipt(secret, 8, "K1"));
        assert_ne!(r, derive_receipt(secret, 7, "K2"));
        assert_ne!(r, derive_receipt(b"another secret", 7, "K1"));
        // The separators keep (round 1, key "2x") apart from (round 12, key "x").
        assert_ne!(
            derive_receipt(secret, 1, "2x"),
            derive_receipt(secret, 12, "x")
        );
        assert_ne!(
            derive_receipt(secret, -1, "K1"),
            derive_receipt(secret, 1, "K1")
        );
        // Exactly the specified construction.
        let mac = hmac_sha256(secret, &[b"receipt\x007\x00K1"]);
        assert_eq!(r.as_str(), encode_base32(&mac, CODE_LEN));
        // Grouped, parsed, hashed like a code.
        let shown = r.display();
        assert_eq!(shown.len(), 23);
        assert_eq!(Receipt::parse(&shown.to_lowercase()).unwrap(), r);
        assert_eq!(r.hash(), hex::encode(Sha256::digest(r.as_str().as_bytes())));
        assert_eq!(shown.parse::<Receipt>().unwrap(), r);
    }

    #[test]
    fn debug_is_redacted() {
        let code = InviteCode::parse("K7M3Q-9XTRB-01234-56789").unwrap();
        assert_eq!(format!("{code:?}"), "InviteCode(…redacted…)");
        assert_eq!(format!("{:?}", Some(&code)), "Some(InviteCode(…redacted…))");
        let r = derive_receipt(b"s", 1, "k");
        assert_eq!(format!("{r:?}"), "Receipt(…redacted…)");
        assert_eq!(format!("{r:#?}"), "Receipt(…redacted…)");
    }

    #[test]
    fn ten_thousand_codes_are_distinct_and_parse_back() {
        let mut r = rng();
        let mut seen = HashSet::new();
        for _ in 0..10_000 {
            let code = InviteCode::generate(&mut r);
            assert_eq!(InviteCode::parse(&code.display()).unwrap(), code);
            assert!(seen.insert(code.as_str().to_owned()));
        }
        assert_eq!(seen.len(), 10_000);
    }

    #[test]
    fn ballot_ids_and_idempotency_keys() {
        let mut r = rng();
        let mut ids = HashSet::new();
        let mut keys = HashSet::new();
        for _ in 0..1_000 {
            let id = new_ballot_id(&mut r);
            assert_eq!(id.len(), 32);
            assert!(
                id.bytes()
                    .all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(&c))
            );
            assert!(ids.insert(id));
            let key = new_idempotency_key(&mut r);
            assert_eq!(key.len(), IDEMPOTENCY_KEY_LEN);
            assert!(key.bytes().all(|b| ALPHABET.contains(&b)));
            // 128 bits in 130: the last symbol carries 3 bits and two zero bits.
            let last = symbol_value(key.chars().last().unwrap()).unwrap();
            assert_eq!(last & 0b11, 0);
            assert!(keys.insert(key));
        }
    }

    #[test]
    fn parse_never_panics_on_odd_input() {
        let long = "A".repeat(100_000);
        let inputs = [
            long.as_str(),
            "\u{FFFF}",
            "\u{10FFFF}",
            "%00",
            "ＵＵＵ",
            "\u{FF5E}\u{FF01}",
            "𝐀𝐁𝐂",
        ];
        for input in inputs {
            assert!(InviteCode::parse(input).is_err());
        }
    }
}
