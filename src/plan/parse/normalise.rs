//! Step 1, normalising: full-width forms become ASCII, blanks one space, every line ending
//! ends a line, lines are trimmed. Also the small string helpers every later step uses
//! (characters, joining wrapped lines, punctuation).

#[derive(Debug, Clone)]
pub(super) struct Line {
    pub(super) no: usize,
    pub(super) text: String,
}

fn normalise_char(c: char) -> Option<char> {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0),
        '\u{FF61}' => Some('。'),
        '\u{FF64}' => Some('、'),
        '\u{FEFF}' | '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' => None,
        c if c.is_whitespace() => Some(' '),
        c if c.is_control() => None,
        c => Some(c),
    }
}

/// Splits at `\r\n`, `\r` or `\n`, normalises each character, collapses blanks and trims.
pub(super) fn normalise_lines(text: &str) -> Vec<Line> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut no = 1usize;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\n' | '\r' => {
                if c == '\r' && chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push(Line {
                    no,
                    text: tidy(&cur),
                });
                cur.clear();
                no = no.saturating_add(1);
            }
            _ => {
                if let Some(n) = normalise_char(c) {
                    cur.push(n);
                }
            }
        }
    }
    out.push(Line {
        no,
        text: tidy(&cur),
    });
    out
}

fn tidy(s: &str) -> String {
    s.split(' ')
        .filter(|t| !t.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

pub(super) fn chars_of(s: &str) -> Vec<char> {
    s.chars().collect()
}

pub(super) fn string_of(c: &[char]) -> String {
    c.iter().collect()
}

pub(super) fn no_blanks(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Appends a wrapped line: Chinese text joins directly, two ASCII words get a space.
pub(super) fn join_text(acc: &mut String, next: &str) {
    let next = next.trim();
    if next.is_empty() {
        return;
    }
    if let (Some(a), Some(b)) = (acc.chars().last(), next.chars().next())
        && a.is_ascii_alphanumeric()
        && b.is_ascii_alphanumeric()
    {
        acc.push(' ');
    }
    acc.push_str(next);
}

/// Appends a line of prose: a line ending a sentence ends a paragraph.
pub(super) fn join_paragraph(acc: &mut String, next: &str) {
    if acc.ends_with(['。', '!', '?', ';']) {
        acc.push('\n');
        acc.push_str(next.trim());
    } else {
        join_text(acc, next);
    }
}

pub(super) fn is_punct(c: char) -> bool {
    matches!(
        c,
        '。' | ',' | '.' | ';' | ':' | '、' | '!' | '?' | '“' | '”' | '"' | '\'' | ' '
    )
}
