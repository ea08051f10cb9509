//! Tests of normalising (`normalise.rs`): full-width forms, line endings and blanks do not
//! change the plan, and the model holds the normalised text.

use super::*;

// ---------------------------------------------------------------------------------------------
// Rule 2: full-width and half-width, line endings, trailing spaces

fn to_full_width(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            ' ' => '\u{3000}',
            '!'..='~' => char::from_u32(c as u32 + 0xFEE0).unwrap(),
            c => c,
        })
        .collect()
}

#[test]
fn full_width_document_gives_the_same_plan() {
    let full = to_full_width(SEED);
    assert!(full.contains('（') && full.contains('：') && full.contains('，'));
    assert!(full.contains('；') && full.contains('２'));
    assert_eq!(parse_ok(&full), seed());
}

#[test]
fn partly_full_width_document_gives_the_same_plan() {
    let mixed: String = SEED
        .chars()
        .map(|c| match c {
            '(' => '（',
            ')' => '）',
            ':' => '：',
            ',' => '，',
            ';' => '；',
            c => c,
        })
        .collect();
    assert_eq!(parse_ok(&mixed), seed());
}

#[test]
fn line_endings_and_trailing_spaces_do_not_matter() {
    let p = seed();
    let crlf = SEED.replace('\n', "\r\n");
    assert_eq!(parse_ok(&crlf), p);
    let cr = SEED.replace('\n', "\r");
    assert_eq!(parse_ok(&cr), p);
    let padded: String = SEED
        .split('\n')
        .map(|l| format!("{l}  \t\u{3000}"))
        .collect::<Vec<_>>()
        .join("\n");
    assert_eq!(parse_ok(&padded), p);
    let with_bom = format!("\u{FEFF}{SEED}\n\n");
    assert_eq!(parse_ok(&with_bom), p);
}

#[test]
fn normalised_text_is_what_the_model_holds() {
    let p = parse_ok(&to_full_width(SEED));
    let t = task(&p, 1, 1);
    assert!(t.text.contains("(牵头单位:市自然资源和规划局;责任单位:"));
    assert!(!t.text.contains('（'));
}
