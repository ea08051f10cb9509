//! Decoding and validating a submitted ballot form.
//!
//! The ballot page is a plain HTML form (it works with JavaScript off), posted as
//! `application/x-www-form-urlencoded`. Its fields:
//!
//! | field          | meaning                                                               |
//! |----------------|-----------------------------------------------------------------------|
//! | `r.<item>`     | the level key chosen for an item (a radio group): `r.t12=satisfied`    |
//! | `c.<item>`     | an optional comment on that item                                      |
//! | `idem`         | the idempotency key of the form (required)                            |
//! | `receipt`      | the receipt, only when revising a cast ballot                         |
//! | `comment`      | an optional overall comment                                           |
//! | `action`       | the submit button pressed: `review` or `submit` (default `submit`)    |
//!
//! Items are `t<task id>` and `u<unit id>`. As congresses count: one level per item; an
//! item left blank is recorded as not rated (and not counted for that item); an item marked
//! twice makes the post an error, so that the deputy can correct it before it is cast.
//!
//! Secrecy: nothing here logs, and no error's `Display` or any `Debug` carries a choice, a
//! comment, the idempotency key or the receipt.

use crate::message::Bilingual;
use std::collections::HashMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use super::scale::Scale;

/// Longest idempotency key accepted.
pub const MAX_IDEMPOTENCY_KEY_LEN: usize = 64;
/// Longest receipt field accepted, in characters (a grouped receipt has 23).
pub const MAX_RECEIPT_CHARS: usize = 64;
/// Longest field name or item id quoted in an error, in characters.
const MAX_QUOTED_CHARS: usize = 40;

/// The id of a rated item in a round: `t<task id>` or `u<unit id>`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ItemId(pub String);

impl ItemId {
    /// An item id as given.
    pub fn new(id: impl Into<String>) -> ItemId {
        ItemId(id.into())
    }

    /// The item of a task: `t<id>`.
    pub fn task(id: i64) -> ItemId {
        ItemId(format!("t{id}"))
    }

    /// The item of a member unit: `u<id>`.
    pub fn unit(id: i64) -> ItemId {
        ItemId(format!("u{id}"))
    }

    /// The id as a string.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ItemId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Whether a round takes written comments, and how long they may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CommentPolicy {
    /// Comments accepted at all (on items and overall).
    pub allowed: bool,
    /// Longest comment, in characters (not bytes), after clean-up.
    pub max_chars: usize,
}

impl Default for CommentPolicy {
    /// Comments allowed, up to 500 characters each.
    fn default() -> CommentPolicy {
        CommentPolicy {
            allowed: true,
            max_chars: 500,
        }
    }
}

/// The button a deputy pressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    /// Show the filled-in ballot for a last look; nothing is cast.
    Review,
    /// Cast the ballot.
    #[default]
    Submit,
    /// Back from the review to the whole form, with the choices still in it.
    Edit,
}

impl Action {
    /// The form value: `review` or `submit`.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Review => "review",
            Action::Submit => "submit",
            Action::Edit => "edit",
        }
    }

    /// The action for a form value.
    pub fn parse(value: &str) -> Option<Action> {
        match value {
            "review" => Some(Action::Review),
            "submit" => Some(Action::Submit),
            "edit" => Some(Action::Edit),
            _ => None,
        }
    }
}

/// What a deputy chose for one item.
#[derive(Clone, PartialEq, Eq)]
pub struct Choice {
    /// The item.
    pub item: ItemId,
    /// The index of the chosen level in the round's scale; `None` = not rated (recorded, and
    /// left out of that item's valid count).
    pub level: Option<u8>,
    /// The deputy's comment on the item, cleaned up; never empty.
    pub comment: Option<String>,
}

/// Redacted: the choice itself never reaches a log.
impl fmt::Debug for Choice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Choice")
            .field("item", &self.item.as_str())
            .field("level", &"…redacted…")
            .field("comment", &"…redacted…")
            .finish()
    }
}

/// A decoded, validated ballot form.
#[derive(Clone, PartialEq, Eq)]
pub struct SubmittedBallot {
    /// Exactly one per round item, in the round's item order.
    pub choices: Vec<Choice>,
    /// The overall comment, cleaned up; never empty.
    pub comment: Option<String>,
    /// The form's idempotency key: 1–64 characters of `[0-9A-Za-z_-]`.
    pub idempotency_key: String,
    /// The receipt as typed (trimmed, at most 64 characters), when revising. Not checked
    /// further here: parse it with `code::Receipt::parse`.
    pub receipt: Option<String>,
    /// The button pressed.
    pub action: Action,
}

impl SubmittedBallot {
    /// Number of items given a level.
    pub fn rated_count(&self) -> usize {
        self.choices.iter().filter(|c| c.level.is_some()).count()
    }

    /// The items left without a level, in the round's order.
    pub fn unrated(&self) -> Vec<&ItemId> {
        self.choices
            .iter()
            .filter(|c| c.level.is_none())
            .map(|c| &c.item)
            .collect()
    }
}

/// Redacted: only counts, never choices, comments, the key or the receipt.
impl fmt::Debug for SubmittedBallot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SubmittedBallot")
            .field("items", &self.choices.len())
            .field("rated", &self.rated_count())
            .field("choices", &"…redacted…")
            .field("comment", &"…redacted…")
            .field("idempotency_key", &"…redacted…")
            .field("receipt", &self.receipt.as_ref().map(|_| "…redacted…"))
            .field("action", &self.action)
            .finish()
    }
}

/// Why a ballot post was refused.
///
/// `Display` is English, for logs and the CLI, and never carries a choice or a comment.
/// [`BallotError::zh_with`] is the sentence shown to the deputy.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BallotError {
    /// The body is larger than the limit (HTTP 413).
    #[error("ballot body of {size} bytes exceeds the limit of {limit} bytes")]
    TooLarge { size: usize, limit: usize },
    /// A field (counted from 1) without `=`.
    #[error("ballot field {position} has no '='")]
    MissingEquals { position: usize },
    /// A field (counted from 1) with a `%` not followed by two hex digits.
    #[error("ballot field {position} has a malformed percent escape")]
    BadEscape { position: usize },
    /// A field (counted from 1) that is not UTF-8 once decoded.
    #[error("ballot field {position} is not valid UTF-8")]
    InvalidUtf8 { position: usize },
    /// A field name the form does not have (shortened to 40 characters).
    #[error("ballot has unknown field {name:?}")]
    UnknownField { name: String },
    /// `idem`, `receipt`, `comment` or `action` given twice.
    #[error("ballot field {name:?} appears more than once")]
    DuplicateField { name: &'static str },
    /// No `idem` field.
    #[error("ballot has no idempotency key")]
    MissingIdempotencyKey,
    /// An `idem` that is not 1–64 characters of `[0-9A-Za-z_-]`.
    #[error("ballot idempotency key is not 1-64 characters of [0-9A-Za-z_-]")]
    InvalidIdempotencyKey,
    /// A `receipt` longer than 64 characters or with control characters.
    #[error("ballot receipt field is malformed")]
    InvalidReceipt,
    /// An `action` other than `review` or `submit`.
    #[error("ballot action is neither \"review\" nor \"submit\"")]
    InvalidAction,
    /// `r.<item>` or `c.<item>` for an item not in the round (id shortened to 40 characters).
    #[error("ballot refers to item {item:?}, which is not in the round")]
    UnknownItem { item: String },
    /// A level key that is not in the round's scale.
    #[error("ballot has a level outside the scale for item {item}")]
    UnknownLevel { item: ItemId },
    /// The same `r.<item>` twice, even with the same value: a double mark.
    #[error("ballot marks item {item} more than once")]
    DoubleMark { item: ItemId },
    /// The same `c.<item>` twice.
    #[error("ballot has more than one comment on item {item}")]
    DuplicateComment { item: ItemId },
    /// A non-empty comment (on `item`, or overall when `None`) in a round without comments.
    #[error("ballot has a comment {} but the round takes no comments", on_en(.item))]
    CommentNotAllowed { item: Option<ItemId> },
    /// A comment (on `item`, or overall when `None`) longer than the limit.
    #[error("ballot comment {} has {chars} characters, over the limit of {max}", on_en(.item))]
    CommentTooLong {
        item: Option<ItemId>,
        chars: usize,
        max: usize,
    },
}

fn on_en(item: &Option<ItemId>) -> String {
    match item {
        Some(item) => format!("on item {item}"),
        None => "overall".to_owned(),
    }
}

impl BallotError {
    /// The HTTP status: 413 for a body over the limit, 400 for everything else.
    pub fn status(&self) -> u16 {
        match self {
            BallotError::TooLarge { .. } => 413,
            _ => 400,
        }
    }

    /// The round item the error is about, if any: the page can mark it.
    pub fn item(&self) -> Option<&ItemId> {
        match self {
            BallotError::UnknownLevel { item }
            | BallotError::DoubleMark { item }
            | BallotError::DuplicateComment { item } => Some(item),
            BallotError::CommentNotAllowed { item } | BallotError::CommentTooLong { item, .. } => {
                item.as_ref()
            }
            _ => None,
        }
    }

    /// The message for the deputy, naming an item with `label`, which the caller makes from
    /// the plan (e.g. `第(一)2项` or `市经济和信息化局`).
    pub fn zh_with(&self, label: impl Fn(&ItemId) -> String) -> String {
        const MALFORMED: &str =
            "提交的测评表格式不正确，请返回测评页面重新提交。如仍不成功，请联系工作人员。";
        const STALE: &str = "测评页面已过期或不完整，请重新打开测评页面后再提交。";
        let on = |item: &Option<ItemId>| match item {
            Some(item) => format!("{}的意见", label(item)),
            None => "总体意见".to_owned(),
        };
        match self {
            BallotError::TooLarge { .. } => "提交的内容过长，请缩短意见后再提交。".to_owned(),
            BallotError::MissingEquals { .. }
            | BallotError::BadEscape { .. }
            | BallotError::InvalidUtf8 { .. }
            | BallotError::UnknownField { .. }
            | BallotError::DuplicateField { .. }
            | BallotError::InvalidAction => MALFORMED.to_owned(),
            BallotError::MissingIdempotencyKey
            | BallotError::InvalidIdempotencyKey
            | BallotError::UnknownItem { .. } => STALE.to_owned(),
            BallotError::InvalidReceipt => "回执码格式不正确，请核对后重新输入。".to_owned(),
            BallotError::UnknownLevel { item } => {
                format!("{}的选择无效，请重新选择。", label(item))
            }
            BallotError::DoubleMark { item } => {
                format!("{}选择了两个等级，每项只能选一个。", label(item))
            }
            BallotError::DuplicateComment { item } => {
                format!("{}填写了两条意见，每项只能填写一条。", label(item))
            }
            BallotError::CommentNotAllowed { item } => {
                format!("本轮测评不收集文字意见，请删除{}后再提交。", on(item))
            }
            BallotError::CommentTooLong { item, chars, max } => format!(
                "{}有{chars}字，超过了{max}字的上限，请删减后再提交。",
                on(item)
            ),
        }
    }
}

impl Bilingual for BallotError {
    /// The message for the deputy, naming an item generically (“其中一项”).
    fn zh(&self) -> String {
        self.zh_with(|_| "其中一项".to_owned())
    }
}

/// Decodes and validates a ballot form body.
///
/// `items` are the round's rated items in their order; `scale` the round's scale (its
/// keys are the accepted values of `r.<item>`); `comments` the round's comment policy;
/// `max_body_bytes` the largest body accepted. An empty `r.<item>` value is taken as the
/// item left unrated. Empty `&`-separated segments are skipped, as browsers' parsers do.
/// If `items` holds an id twice, only its first place receives the choice.
pub fn decode_ballot(
    body: &[u8],
    items: &[ItemId],
    scale: &Scale,
    comments: CommentPolicy,
    max_body_bytes: usize,
) -> Result<SubmittedBallot, BallotError> {
    if body.len() > max_body_bytes {
        return Err(BallotError::TooLarge {
            size: body.len(),
            limit: max_body_bytes,
        });
    }

    // Item id → place in the round; the first place wins when an id is repeated.
    let mut place: HashMap<&str, usize> = HashMap::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        place.entry(item.as_str()).or_insert(i);
    }

    // Outer `None`: the field was not sent; `Some(None)`: sent, but blank.
    let mut levels: Vec<Option<Option<u8>>> = vec![None; items.len()];
    let mut item_comments: Vec<Option<Option<String>>> = vec![None; items.len()];
    let mut idempotency_key: Option<String> = None;
    let mut receipt: Option<Option<String>> = None;
    let mut overall: Option<Option<String>> = None;
    let mut action: Option<Action> = None;

    for (i, segment) in body.split(|&b| b == b'&').enumerate() {
        if segment.is_empty() {
            continue;
        }
        let position = i.saturating_add(1);
        let mut halves = segment.splitn(2, |&b| b == b'=');
        let raw_name = halves.next().unwrap_or_default();
        let Some(raw_value) = halves.next() else {
            return Err(BallotError::MissingEquals { position });
        };
        let name = decode_component(raw_name, position)?;
        let value = decode_component(raw_value, position)?;

        match name.as_str() {
            "idem" => {
                once(&idempotency_key, "idem")?;
                if !is_valid_idempotency_key(&value) {
                    return Err(BallotError::InvalidIdempotencyKey);
                }
                idempotency_key = Some(value);
            }
            "receipt" => {
                once(&receipt, "receipt")?;
                let typed = value.trim();
                if typed.chars().count() > MAX_RECEIPT_CHARS || typed.chars().any(char::is_control)
                {
                    return Err(BallotError::InvalidReceipt);
                }
                receipt = Some((!typed.is_empty()).then(|| typed.to_owned()));
            }
            "comment" => {
                once(&overall, "comment")?;
                overall = Some(checked_comment(&value, None, comments)?);
            }
            "action" => {
                once(&action, "action")?;
                action = Some(Action::parse(&value).ok_or(BallotError::InvalidAction)?);
            }
            _ => {
                if let Some(id) = name.strip_prefix("r.") {
                    let (item, slot) = lookup(id, &place, items, &mut levels)?;
                    if slot.is_some() {
                        return Err(BallotError::DoubleMark { item: item.clone() });
                    }
                    let level = if value.is_empty() {
                        None
                    } else {
                        Some(
                            scale
                                .index_of(&value)
                                .ok_or_else(|| BallotError::UnknownLevel { item: item.clone() })?,
                        )
                    };
                    *slot = Some(level);
                } else if let Some(id) = name.strip_prefix("c.") {
                    let (item, slot) = lookup(id, &place, items, &mut item_comments)?;
                    if slot.is_some() {
                        return Err(BallotError::DuplicateComment { item: item.clone() });
                    }
                    *slot = Some(checked_comment(&value, Some(item), comments)?);
                } else {
                    return Err(BallotError::UnknownField {
                        name: shorten(&name),
                    });
                }
            }
        }
    }

    let idempotency_key = idempotency_key.ok_or(BallotError::MissingIdempotencyKey)?;
    let choices = items
        .iter()
        .zip(levels)
        .zip(item_comments)
        .map(|((item, level), comment)| Choice {
            item: item.clone(),
            level: level.flatten(),
            comment: comment.flatten(),
        })
        .collect();
    Ok(SubmittedBallot {
        choices,
        comment: overall.flatten(),
        idempotency_key,
        receipt: receipt.flatten(),
        action: action.unwrap_or_default(),
    })
}

/// Cleans up a comment as it is stored: `\r\n` and lone `\r` become `\n`; tabs become
/// spaces; other control characters, bidirectional-override characters and a byte-order
/// mark are removed; line and paragraph separators become `\n`; then leading and trailing
/// whitespace is trimmed. Anything else is kept as typed: escaping is the renderer's job.
pub fn clean_comment(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push('\n');
            }
            '\n' | '\u{2028}' | '\u{2029}' => out.push('\n'),
            '\t' => out.push(' '),
            // Bidirectional embedding, override and isolate controls, and the BOM: invisible,
            // and able to make a comment read differently in an export or a report.
            '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}' => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out.trim().to_owned()
}

/// A cleaned-up comment under the round's policy; `None` when nothing is left.
fn checked_comment(
    raw: &str,
    item: Option<&ItemId>,
    policy: CommentPolicy,
) -> Result<Option<String>, BallotError> {
    let text = clean_comment(raw);
    if text.is_empty() {
        return Ok(None);
    }
    if !policy.allowed {
        return Err(BallotError::CommentNotAllowed {
            item: item.cloned(),
        });
    }
    let chars = text.chars().count();
    if chars > policy.max_chars {
        return Err(BallotError::CommentTooLong {
            item: item.cloned(),
            chars,
            max: policy.max_chars,
        });
    }
    Ok(Some(text))
}

/// The round's item for `id` and its slot in `slots`.
fn lookup<'a, T>(
    id: &str,
    place: &HashMap<&str, usize>,
    items: &'a [ItemId],
    slots: &'a mut [T],
) -> Result<(&'a ItemId, &'a mut T), BallotError> {
    let unknown = || BallotError::UnknownItem { item: shorten(id) };
    let i = *place.get(id).ok_or_else(unknown)?;
    match (items.get(i), slots.get_mut(i)) {
        (Some(item), Some(slot)) => Ok((item, slot)),
        _ => Err(unknown()),
    }
}

/// Refuses a second occurrence of a single-valued field.
fn once<T>(seen: &Option<T>, name: &'static str) -> Result<(), BallotError> {
    match seen {
        Some(_) => Err(BallotError::DuplicateField { name }),
        None => Ok(()),
    }
}

fn is_valid_idempotency_key(key: &str) -> bool {
    (1..=MAX_IDEMPOTENCY_KEY_LEN).contains(&key.len())
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// At most 40 characters of an untrusted name, for an error.
fn shorten(s: &str) -> String {
    s.chars().take(MAX_QUOTED_CHARS).collect()
}

/// One name or value of `application/x-www-form-urlencoded`: `+` is a space, `%XX` a byte,
/// and the bytes must be UTF-8.
fn decode_component(raw: &[u8], position: usize) -> Result<String, BallotError> {
    let mut bytes = Vec::with_capacity(raw.len());
    let mut it = raw.iter();
    while let Some(&b) = it.next() {
        match b {
            b'+' => bytes.push(b' '),
            b'%' => {
                let hi = it.next().and_then(|&h| hex_value(h));
                let lo = it.next().and_then(|&l| hex_value(l));
                match (hi, lo) {
                    (Some(hi), Some(lo)) => bytes.push((hi << 4) | lo),
                    _ => return Err(BallotError::BadEscape { position }),
                }
            }
            b => bytes.push(b),
        }
    }
    String::from_utf8(bytes).map_err(|_| BallotError::InvalidUtf8 { position })
}

fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
#[path = "validate_tests.rs"]
mod tests;
