//! Tests of ballot decoding: forms built as a browser posts them, every refusal with its
//! message, and random and hostile posts that must decode or fail without a panic.

use super::*;
use crate::message::Bilingual;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

const MAX: usize = 64 * 1024;

/// Percent-encodes like a browser submitting a form.
fn enc(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'*' => {
                out.push(char::from(b))
            }
            b' ' => out.push('+'),
            b => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

fn form(fields: &[(&str, &str)]) -> String {
    fields
        .iter()
        .map(|(n, v)| format!("{}={}", enc(n), enc(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn items(ids: &[&str]) -> Vec<ItemId> {
    ids.iter().map(|&s| ItemId::new(s)).collect()
}

fn round() -> Vec<ItemId> {
    items(&["t1", "t2", "u1"])
}

fn decode(body: &str) -> Result<SubmittedBallot, BallotError> {
    decode_ballot(
        body.as_bytes(),
        &round(),
        &Scale::three_level(),
        CommentPolicy::default(),
        MAX,
    )
}

/// (item, level, comment) per choice: comparable with readable failures, since `Debug` of
/// a ballot is redacted.
fn summary(b: &SubmittedBallot) -> Vec<(&str, Option<u8>, Option<&str>)> {
    b.choices
        .iter()
        .map(|c| (c.item.as_str(), c.level, c.comment.as_deref()))
        .collect()
}

#[test]
fn full_44_item_ballot_decodes_in_round_order() {
    let mut round: Vec<ItemId> = (1..=14).map(|i| ItemId::task(100 + i)).collect();
    round.extend((1..=30).map(|i| ItemId::unit(i * 7)));
    assert_eq!(round.len(), 44);
    let keys = ["satisfied", "basic", "dissatisfied"];
    // The fields arrive in a shuffled order, with the hidden fields in between.
    let mut rng = StdRng::seed_from_u64(44);
    let mut fields: Vec<(String, String)> = round
        .iter()
        .enumerate()
        .map(|(i, item)| (format!("r.{item}"), keys[i % 3].to_owned()))
        .collect();
    fields.push(("idem".into(), "01J8ZK3Q9X7M2N4P6R8T0V2W4Y".into()));
    fields.push(("comment".into(), "总体上满意。".into()));
    fields.push(("c.u70".into(), "希望加快进度".into()));
    for i in (1..fields.len()).rev() {
        fields.swap(i, rng.gen_range(0..=i));
    }
    fields.push(("action".into(), "submit".into()));
    let pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let body = form(&pairs);
    let b = decode_ballot(
        body.as_bytes(),
        &round,
        &Scale::three_level(),
        CommentPolicy::default(),
        MAX,
    )
    .unwrap();
    assert_eq!(b.choices.len(), 44);
    for (i, (choice, item)) in b.choices.iter().zip(&round).enumerate() {
        assert_eq!(&choice.item, item);
        assert_eq!(choice.level, Some((i % 3) as u8), "{item}");
        let expected = (item.as_str() == "u70").then_some("希望加快进度");
        assert_eq!(choice.comment.as_deref(), expected, "{item}");
    }
    assert_eq!(b.rated_count(), 44);
    assert!(b.unrated().is_empty());
    assert_eq!(b.comment.as_deref(), Some("总体上满意。"));
    assert_eq!(b.idempotency_key, "01J8ZK3Q9X7M2N4P6R8T0V2W4Y");
    assert_eq!(b.receipt, None);
    assert_eq!(b.action, Action::Submit);
}

#[test]
fn valid_forms() {
    type Expected = (
        Vec<(&'static str, Option<u8>, Option<&'static str>)>,
        Option<&'static str>, // overall comment
        Option<&'static str>, // receipt
        Action,
    );
    let all_blank = vec![("t1", None, None), ("t2", None, None), ("u1", None, None)];
    let cases: Vec<(&str, String, Expected)> = vec![
        (
            "all rated",
            "idem=k&r.t1=satisfied&r.t2=basic&r.u1=dissatisfied".into(),
            (
                vec![
                    ("t1", Some(0), None),
                    ("t2", Some(1), None),
                    ("u1", Some(2), None),
                ],
                None,
                None,
                Action::Submit,
            ),
        ),
        (
            "any field order",
            "r.u1=dissatisfied&r.t2=basic&idem=k&r.t1=satisfied".into(),
            (
                vec![
                    ("t1", Some(0), None),
                    ("t2", Some(1), None),
                    ("u1", Some(2), None),
                ],
                None,
                None,
                Action::Submit,
            ),
        ),
        (
            "unrated item is recorded, not an error",
            "idem=k&r.t1=satisfied&r.u1=basic".into(),
            (
                vec![
                    ("t1", Some(0), None),
                    ("t2", None, None),
                    ("u1", Some(1), None),
                ],
                None,
                None,
                Action::Submit,
            ),
        ),
        (
            "nothing rated",
            "idem=k".into(),
            (all_blank.clone(), None, None, Action::Submit),
        ),
        (
            "explicit blank value is unrated",
            "idem=k&r.t1=&r.t2=basic".into(),
            (
                vec![
                    ("t1", None, None),
                    ("t2", Some(1), None),
                    ("u1", None, None),
                ],
                None,
                None,
                Action::Submit,
            ),
        ),
        (
            "item comments, percent-encoded and cleaned",
            form(&[
                ("idem", "k"),
                ("c.t2", "  进度偏慢，\r\n建议加强调度。\t谢谢 \u{7}"),
                ("r.t2", "dissatisfied"),
                ("c.u1", "好"),
            ]),
            (
                vec![
                    ("t1", None, None),
                    ("t2", Some(2), Some("进度偏慢，\n建议加强调度。 谢谢")),
                    ("u1", None, Some("好")),
                ],
                None,
                None,
                Action::Submit,
            ),
        ),
        (
            "empty and blank comments are no comments",
            "idem=k&c.t1=&c.t2=+++&comment=%0D%0A".into(),
            (all_blank.clone(), None, None, Action::Submit),
        ),
        (
            "overall comment, review action, receipt",
            form(&[
                ("idem", "A-b_9"),
                ("action", "review"),
                ("receipt", " K7M3Q-9XTRB-01234-56789 "),
                ("comment", "<b>=&+%</b>"),
            ]),
            (
                all_blank.clone(),
                Some("<b>=&+%</b>"),
                Some("K7M3Q-9XTRB-01234-56789"),
                Action::Review,
            ),
        ),
        (
            "empty receipt is none; submit action",
            "idem=k&receipt=&action=submit".into(),
            (all_blank.clone(), None, None, Action::Submit),
        ),
        (
            "empty segments are skipped",
            "&idem=k&&r.t1=basic&".into(),
            (
                vec![
                    ("t1", Some(1), None),
                    ("t2", None, None),
                    ("u1", None, None),
                ],
                None,
                None,
                Action::Submit,
            ),
        ),
        (
            "encoded field names",
            "%69dem=k&r%2Et1=b%61sic".into(),
            (
                vec![
                    ("t1", Some(1), None),
                    ("t2", None, None),
                    ("u1", None, None),
                ],
                None,
                None,
                Action::Submit,
            ),
        ),
        (
            "64-character key",
            format!("idem={}", "a".repeat(64)),
            (all_blank.clone(), None, None, Action::Submit),
        ),
    ];
    for (name, body, (choices, comment, receipt, action)) in cases {
        let b = decode(&body).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(summary(&b), choices, "{name}");
        assert_eq!(b.comment.as_deref(), comment, "{name}");
        assert_eq!(b.receipt.as_deref(), receipt, "{name}");
        assert_eq!(b.action, action, "{name}");
    }
}

#[test]
fn rated_count_and_unrated() {
    let b = decode("idem=k&r.t2=basic").unwrap();
    assert_eq!(b.rated_count(), 1);
    assert_eq!(b.unrated(), vec![&ItemId::new("t1"), &ItemId::new("u1")]);
}

#[test]
fn four_level_scale() {
    let b = decode_ballot(
        b"idem=k&r.t1=fairly&r.t2=basic&r.u1=dissatisfied",
        &round(),
        &Scale::four_level(),
        CommentPolicy::default(),
        MAX,
    )
    .unwrap();
    assert_eq!(
        summary(&b),
        [
            ("t1", Some(1), None),
            ("t2", Some(2), None),
            ("u1", Some(3), None)
        ]
    );
    // "fairly" is not a level of the three-level scale.
    assert_eq!(
        decode("idem=k&r.t1=fairly").unwrap_err(),
        BallotError::UnknownLevel {
            item: ItemId::new("t1")
        }
    );
}

#[test]
fn invalid_forms() {
    use BallotError::*;
    let t1 = || ItemId::new("t1");
    let idem_65 = format!("idem={}", "a".repeat(65));
    let receipt_65 = format!("idem=k&receipt={}", "A".repeat(65));
    let long_name = format!("x{}", "y".repeat(100));
    let long_field = format!("idem=k&{long_name}=1");
    let shortened = || long_name.chars().take(40).collect::<String>();
    let long_item_comment = form(&[("idem", "k"), ("c.t1", "一二三四五六七八九十一")]);
    let dup = |name| DuplicateField { name };
    let too_long = |item, chars| CommentTooLong {
        item,
        chars,
        max: 10,
    };
    // (what, body, error) under comments allowed up to 10 characters.
    let cases: Vec<(&str, &[u8], BallotError)> = vec![
        (
            "field without '='",
            b"idem=k&r.t1",
            MissingEquals { position: 2 },
        ),
        ("bare word", b"submit", MissingEquals { position: 1 }),
        ("bad escape", b"idem=k&c.t1=100%", BadEscape { position: 2 }),
        ("short escape", b"idem=k&c.t1=%4", BadEscape { position: 2 }),
        ("non-hex escape", b"idem=%zz", BadEscape { position: 1 }),
        (
            "escaped invalid UTF-8",
            b"idem=k&c.t1=%FF%FE",
            InvalidUtf8 { position: 2 },
        ),
        (
            "raw invalid UTF-8",
            b"idem=k&c.t1=\xE6\x84",
            InvalidUtf8 { position: 2 },
        ),
        (
            "invalid UTF-8 in a name",
            b"%C3=1",
            InvalidUtf8 { position: 1 },
        ),
        (
            "unknown field",
            b"idem=k&vote=1",
            UnknownField {
                name: "vote".into(),
            },
        ),
        ("empty name", b"idem=k&=1", UnknownField { name: "".into() }),
        (
            "long unknown field",
            long_field.as_bytes(),
            UnknownField { name: shortened() },
        ),
        (
            "prefix without dot",
            b"idem=k&rt1=basic",
            UnknownField { name: "rt1".into() },
        ),
        ("idem twice", b"idem=k&idem=k", dup("idem")),
        ("receipt twice", b"idem=k&receipt=&receipt=", dup("receipt")),
        ("comment twice", b"idem=k&comment=&comment=", dup("comment")),
        (
            "action twice",
            b"idem=k&action=review&action=submit",
            dup("action"),
        ),
        ("no idem", b"r.t1=basic", MissingIdempotencyKey),
        ("empty body", b"", MissingIdempotencyKey),
        ("empty idem", b"idem=&r.t1=basic", InvalidIdempotencyKey),
        ("idem with a space", b"idem=a+b", InvalidIdempotencyKey),
        ("idem with a dot", b"idem=a.b", InvalidIdempotencyKey),
        (
            "idem not ASCII",
            "idem=键".as_bytes(),
            InvalidIdempotencyKey,
        ),
        ("idem of 65", idem_65.as_bytes(), InvalidIdempotencyKey),
        ("receipt of 65", receipt_65.as_bytes(), InvalidReceipt),
        (
            "receipt with control",
            b"idem=k&receipt=AB%00CD",
            InvalidReceipt,
        ),
        ("unknown action", b"idem=k&action=delete", InvalidAction),
        ("empty action", b"idem=k&action=", InvalidAction),
        (
            "unknown item",
            b"idem=k&r.t9=basic",
            UnknownItem { item: "t9".into() },
        ),
        (
            "unknown item comment",
            b"idem=k&c.u9=hi",
            UnknownItem { item: "u9".into() },
        ),
        (
            "empty item id",
            b"idem=k&r.=basic",
            UnknownItem { item: "".into() },
        ),
        (
            "item id case",
            b"idem=k&r.T1=basic",
            UnknownItem { item: "T1".into() },
        ),
        (
            "level not in scale",
            b"idem=k&r.t1=excellent",
            UnknownLevel { item: t1() },
        ),
        (
            "label, not key",
            "idem=k&r.t1=满意".as_bytes(),
            UnknownLevel { item: t1() },
        ),
        (
            "index, not key",
            b"idem=k&r.t1=0",
            UnknownLevel { item: t1() },
        ),
        (
            "level with a space",
            b"idem=k&r.t1=basic+",
            UnknownLevel { item: t1() },
        ),
        (
            "two levels",
            b"idem=k&r.t1=satisfied&r.t1=basic",
            DoubleMark { item: t1() },
        ),
        (
            "same level twice",
            b"idem=k&r.t1=basic&r.t1=basic",
            DoubleMark { item: t1() },
        ),
        (
            "apart",
            b"r.t1=basic&idem=k&r.t2=basic&r.t1=basic",
            DoubleMark { item: t1() },
        ),
        (
            "blank and level",
            b"idem=k&r.t1=&r.t1=basic",
            DoubleMark { item: t1() },
        ),
        (
            "before a bad level",
            b"idem=k&r.t1=basic&r.t1=bogus",
            DoubleMark { item: t1() },
        ),
        (
            "two item comments",
            b"idem=k&c.t1=a&c.t1=b",
            DuplicateComment { item: t1() },
        ),
        (
            "item comment too long",
            long_item_comment.as_bytes(),
            too_long(Some(t1()), 11),
        ),
        (
            "overall too long",
            b"idem=k&comment=abcdefghijk",
            too_long(None, 11),
        ),
    ];
    let allowed = CommentPolicy {
        allowed: true,
        max_chars: 10,
    };
    for (name, body, expected) in cases {
        let got = decode_ballot(body, &round(), &Scale::three_level(), allowed, MAX);
        assert_eq!(got.as_ref().err(), Some(&expected), "{name}");
    }

    // Under a round without comments, and under a size limit.
    let none = CommentPolicy {
        allowed: false,
        max_chars: 10,
    };
    let cases: Vec<(&str, &[u8], CommentPolicy, usize, BallotError)> = vec![
        (
            "over the limit",
            &[b'a'; 101],
            allowed,
            100,
            TooLarge {
                size: 101,
                limit: 100,
            },
        ),
        (
            "item comment",
            b"idem=k&c.t1=hi",
            none,
            MAX,
            CommentNotAllowed { item: Some(t1()) },
        ),
        (
            "overall comment",
            b"idem=k&comment=hi",
            none,
            MAX,
            CommentNotAllowed { item: None },
        ),
    ];
    for (name, body, policy, max, expected) in cases {
        let got = decode_ballot(body, &round(), &Scale::three_level(), policy, max);
        assert_eq!(got.as_ref().err(), Some(&expected), "{name}");
    }
}

#[test]
fn limits_are_inclusive_and_blank_comments_pass_any_policy() {
    let none = CommentPolicy {
        allowed: false,
        max_chars: 0,
    };
    let body = b"idem=k&c.t1=+%0D%0A&comment=";
    assert!(decode_ballot(body, &round(), &Scale::three_level(), none, body.len()).is_ok());
    assert_eq!(
        decode_ballot(body, &round(), &Scale::three_level(), none, body.len() - 1)
            .unwrap_err()
            .status(),
        413
    );
    // A comment of exactly the limit, counted in characters, not bytes.
    let long = "意".repeat(500);
    let b = decode(&form(&[("idem", "k"), ("comment", &long)])).unwrap();
    assert_eq!(b.comment, Some(long));
    // Whitespace and control characters do not count towards the limit.
    let tight = CommentPolicy {
        allowed: true,
        max_chars: 2,
    };
    let b = decode_ballot(
        b"idem=k&comment=++%E5%A5%BD%07%E7%9A%84++%0A",
        &round(),
        &Scale::three_level(),
        tight,
        MAX,
    )
    .unwrap();
    assert_eq!(b.comment.as_deref(), Some("好的"));
}

#[test]
fn clean_comment_rules() {
    let cases = [
        ("", ""),
        ("  好  ", "好"),
        ("\u{3000}全角空格\u{3000}", "全角空格"),
        ("a\r\nb", "a\nb"),
        ("a\rb", "a\nb"),
        ("a\n\nb", "a\n\nb"),
        ("a\r\n\r\nb", "a\n\nb"),
        ("a\tb", "a b"),
        ("a\u{0}b\u{7}c\u{1b}[31md\u{7f}e\u{85}f", "abc[31mdef"),
        ("a\u{202E}b\u{2066}c\u{FEFF}", "abc"),
        ("a\u{2028}b", "a\nb"),
        ("\n\n 意见 \n", "意见"),
        ("=SUM(A1)", "=SUM(A1)"),
        ("<script>", "<script>"),
        ("👍🏽👨‍👩‍👧", "👍🏽👨‍👩‍👧"),
    ];
    for (raw, clean) in cases {
        assert_eq!(clean_comment(raw), clean, "{raw:?}");
    }
}

#[test]
fn chinese_messages() {
    use BallotError::*;
    let t1 = ItemId::new("t1");
    let label = |item: &ItemId| match item.as_str() {
        "t1" => "第(一)2项".to_owned(),
        other => other.to_owned(),
    };
    let malformed = "提交的测评表格式不正确，请返回测评页面重新提交。如仍不成功，请联系工作人员。";
    let stale = "测评页面已过期或不完整，请重新打开测评页面后再提交。";
    let cases: Vec<(BallotError, &str, &str)> = vec![
        (
            TooLarge { size: 2, limit: 1 },
            "提交的内容过长，请缩短意见后再提交。",
            "提交的内容过长，请缩短意见后再提交。",
        ),
        (MissingEquals { position: 1 }, malformed, malformed),
        (BadEscape { position: 1 }, malformed, malformed),
        (InvalidUtf8 { position: 1 }, malformed, malformed),
        (UnknownField { name: "x".into() }, malformed, malformed),
        (DuplicateField { name: "idem" }, malformed, malformed),
        (InvalidAction, malformed, malformed),
        (MissingIdempotencyKey, stale, stale),
        (InvalidIdempotencyKey, stale, stale),
        (UnknownItem { item: "t9".into() }, stale, stale),
        (
            InvalidReceipt,
            "回执码格式不正确，请核对后重新输入。",
            "回执码格式不正确，请核对后重新输入。",
        ),
        (
            UnknownLevel { item: t1.clone() },
            "第(一)2项的选择无效，请重新选择。",
            "其中一项的选择无效，请重新选择。",
        ),
        (
            DoubleMark { item: t1.clone() },
            "第(一)2项选择了两个等级，每项只能选一个。",
            "其中一项选择了两个等级，每项只能选一个。",
        ),
        (
            DuplicateComment { item: t1.clone() },
            "第(一)2项填写了两条意见，每项只能填写一条。",
            "其中一项填写了两条意见，每项只能填写一条。",
        ),
        (
            CommentNotAllowed {
                item: Some(t1.clone()),
            },
            "本轮测评不收集文字意见，请删除第(一)2项的意见后再提交。",
            "本轮测评不收集文字意见，请删除其中一项的意见后再提交。",
        ),
        (
            CommentNotAllowed { item: None },
            "本轮测评不收集文字意见，请删除总体意见后再提交。",
            "本轮测评不收集文字意见，请删除总体意见后再提交。",
        ),
        (
            CommentTooLong {
                item: Some(t1.clone()),
                chars: 523,
                max: 500,
            },
            "第(一)2项的意见有523字，超过了500字的上限，请删减后再提交。",
            "其中一项的意见有523字，超过了500字的上限，请删减后再提交。",
        ),
        (
            CommentTooLong {
                item: None,
                chars: 523,
                max: 500,
            },
            "总体意见有523字，超过了500字的上限，请删减后再提交。",
            "总体意见有523字，超过了500字的上限，请删减后再提交。",
        ),
    ];
    for (error, with_label, generic) in cases {
        assert_eq!(error.zh_with(label), with_label, "{error}");
        assert_eq!(error.zh(), generic, "{error}");
        let status = if matches!(error, TooLarge { .. }) {
            413
        } else {
            400
        };
        assert_eq!(error.status(), status, "{error}");
    }
}

#[test]
fn english_display_and_item() {
    use BallotError::*;
    let t1 = ItemId::new("t1");
    let cases: Vec<(BallotError, &str, Option<&ItemId>)> = vec![
        (
            TooLarge { size: 2, limit: 1 },
            "ballot body of 2 bytes exceeds the limit of 1 bytes",
            None,
        ),
        (
            MissingEquals { position: 3 },
            "ballot field 3 has no '='",
            None,
        ),
        (
            BadEscape { position: 3 },
            "ballot field 3 has a malformed percent escape",
            None,
        ),
        (
            InvalidUtf8 { position: 3 },
            "ballot field 3 is not valid UTF-8",
            None,
        ),
        (
            UnknownField {
                name: "a\nb".into(),
            },
            "ballot has unknown field \"a\\nb\"",
            None,
        ),
        (
            DuplicateField { name: "idem" },
            "ballot field \"idem\" appears more than once",
            None,
        ),
        (MissingIdempotencyKey, "ballot has no idempotency key", None),
        (
            InvalidIdempotencyKey,
            "ballot idempotency key is not 1-64 characters of [0-9A-Za-z_-]",
            None,
        ),
        (InvalidReceipt, "ballot receipt field is malformed", None),
        (
            InvalidAction,
            "ballot action is neither \"review\" nor \"submit\"",
            None,
        ),
        (
            UnknownItem {
                item: "t9\r".into(),
            },
            "ballot refers to item \"t9\\r\", which is not in the round",
            None,
        ),
        (
            UnknownLevel { item: t1.clone() },
            "ballot has a level outside the scale for item t1",
            Some(&t1),
        ),
        (
            DoubleMark { item: t1.clone() },
            "ballot marks item t1 more than once",
            Some(&t1),
        ),
        (
            DuplicateComment { item: t1.clone() },
            "ballot has more than one comment on item t1",
            Some(&t1),
        ),
        (
            CommentNotAllowed {
                item: Some(t1.clone()),
            },
            "ballot has a comment on item t1 but the round takes no comments",
            Some(&t1),
        ),
        (
            CommentNotAllowed { item: None },
            "ballot has a comment overall but the round takes no comments",
            None,
        ),
        (
            CommentTooLong {
                item: Some(t1.clone()),
                chars: 11,
                max: 10,
            },
            "ballot comment on item t1 has 11 characters, over the limit of 10",
            Some(&t1),
        ),
        (
            CommentTooLong {
                item: None,
                chars: 11,
                max: 10,
            },
            "ballot comment overall has 11 characters, over the limit of 10",
            None,
        ),
    ];
    for (error, display, item) in &cases {
        assert_eq!(error.to_string(), *display);
        assert_eq!(error.item(), *item, "{display}");
    }
}

#[test]
fn errors_and_debug_never_carry_choices_or_comments() {
    let secret_comment = "SECRET-意见";
    let tight = CommentPolicy {
        allowed: true,
        max_chars: 3,
    };
    let bodies = [
        form(&[
            ("idem", "k"),
            ("r.t1", "satisfied"),
            ("r.t1", "dissatisfied"),
        ]),
        form(&[("idem", "k"), ("r.t1", "satisfiedX")]),
        form(&[("idem", "k"), ("c.t1", secret_comment)]),
        form(&[("idem", "k"), ("comment", secret_comment)]),
        form(&[("idem", "k"), ("c.t1", "a"), ("c.t1", secret_comment)]),
    ];
    for body in &bodies {
        let e = decode_ballot(body.as_bytes(), &round(), &Scale::three_level(), tight, MAX)
            .unwrap_err();
        for text in [e.to_string(), format!("{e:?}")] {
            assert!(!text.contains("satisfied"), "{text}");
            assert!(!text.contains("SECRET"), "{text}");
        }
    }
    let b = decode(&form(&[
        ("idem", "IDEMKEY"),
        ("receipt", "RCPT"),
        ("r.t1", "dissatisfied"),
        ("c.t1", secret_comment),
        ("comment", secret_comment),
    ]))
    .unwrap();
    let debug = format!("{b:?} {:?} {:#?}", b.choices, b);
    for leak in ["satisfied", "SECRET", "IDEMKEY", "RCPT", "Some(2)"] {
        assert!(!debug.contains(leak), "{leak} in {debug}");
    }
    assert!(debug.contains("rated: 1"), "{debug}");
}

#[test]
fn repeated_item_in_round_fills_first_place_only() {
    let round = items(&["t1", "t1"]);
    let b = decode_ballot(
        b"idem=k&r.t1=basic",
        &round,
        &Scale::three_level(),
        CommentPolicy::default(),
        MAX,
    )
    .unwrap();
    assert_eq!(summary(&b), [("t1", Some(1), None), ("t1", None, None)]);
}

#[test]
fn item_id_helpers_and_action() {
    assert_eq!(ItemId::task(12).as_str(), "t12");
    assert_eq!(ItemId::unit(7).to_string(), "u7");
    assert_eq!(serde_json::to_string(&ItemId::task(1)).unwrap(), "\"t1\"");
    assert_eq!(Action::default(), Action::Submit);
    for a in [Action::Review, Action::Submit] {
        assert_eq!(Action::parse(a.as_str()), Some(a));
    }
    assert_eq!(Action::parse("Submit"), None);
}

#[test]
fn random_and_mutated_bodies_never_panic() {
    let mut rng = StdRng::seed_from_u64(7);
    let round = items(&["t1", "t2", "u1"]);
    let scale = Scale::three_level();
    let valid =
        b"idem=k&r.t1=satisfied&c.t1=%E5%A5%BD&r.u1=basic&comment=ok&action=review&receipt=AB";
    let alphabet = b"&=%+.rcut1uidemA0F\xff\xe5 ";
    let mut ok = 0;
    for round_no in 0..20_000 {
        let body: Vec<u8> = if round_no % 2 == 0 {
            let len = rng.gen_range(0..64);
            (0..len)
                .map(|_| alphabet[rng.gen_range(0..alphabet.len())])
                .collect()
        } else {
            let mut b = valid.to_vec();
            for _ in 0..rng.gen_range(1..4) {
                let at = rng.gen_range(0..b.len());
                match rng.gen_range(0..3) {
                    0 => b[at] = rng.r#gen(),
                    1 => {
                        b.remove(at);
                    }
                    _ => b.insert(at, alphabet[rng.gen_range(0..alphabet.len())]),
                }
            }
            b
        };
        let policy = CommentPolicy {
            allowed: rng.r#gen(),
            max_chars: rng.gen_range(0..4),
        };
        if let Ok(b) = decode_ballot(&body, &round, &scale, policy, 120) {
            assert_eq!(b.choices.len(), 3);
            ok += 1;
        }
    }
    assert!(ok > 0);
}
