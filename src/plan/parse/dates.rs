//! Date ranges as phases write them ("2020年4月底之前", "2020年5—7月", "二〇二〇年五至七月"),
//! with the year and the start filled in where the text leaves them out.

use chrono::{Datelike, NaiveDate};

use super::furniture::DASHES;
use super::markers::read_number;
use super::normalise::string_of;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Span {
    Early,
    Mid,
    Late,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tok {
    Num(u32),
    Year,
    Month,
    Day,
    Span(Span),
    Dash,
    Before,
}

fn tokenize_dates(chars: &[char], cn: bool) -> Vec<Tok> {
    let mut toks = Vec::new();
    let mut i = 0;
    let mut seen_number = false;
    while let Some(&c) = chars.get(i) {
        if let Some((n, next)) = read_number(chars, i, cn)
            && next > i
        {
            toks.push(Tok::Num(n));
            seen_number = true;
            i = next;
            continue;
        }
        let two = string_of(chars.get(i..i + 2).unwrap_or(&[]));
        let tok = match c {
            '年' => Some(Tok::Year),
            '月' => Some(Tok::Month),
            '日' | '号' => Some(Tok::Day),
            '初' => Some(Tok::Span(Span::Early)),
            '底' | '末' => Some(Tok::Span(Span::Late)),
            '上' | '中' | '下' if two.ends_with('旬') => {
                i += 1;
                Some(Tok::Span(match c {
                    '上' => Span::Early,
                    '中' => Span::Mid,
                    _ => Span::Late,
                }))
            }
            '中' if toks.last() == Some(&Tok::Month) => Some(Tok::Span(Span::Mid)),
            '至' | '到' => Some(Tok::Dash),
            '前' => Some(Tok::Before),
            c if DASHES.contains(&c) => Some(Tok::Dash),
            '。' | ',' | ';' if seen_number && !cn => break,
            _ => None,
        };
        if let Some(t) = tok
            && !(t == Tok::Dash && toks.last() == Some(&Tok::Dash))
        {
            toks.push(t);
        }
        i += 1;
    }
    toks
}

#[derive(Debug, Default, Clone, Copy)]
struct Part {
    y: Option<u32>,
    m: Option<u32>,
    d: Option<u32>,
    span: Option<Span>,
    bare: Option<u32>,
}

impl Part {
    fn read(toks: &[Tok]) -> Part {
        let mut p = Part::default();
        let mut pending: Option<u32> = None;
        for t in toks {
            match t {
                Tok::Num(n) => {
                    if let Some(prev) = pending.replace(*n) {
                        p.bare = Some(prev);
                    }
                }
                Tok::Year => p.y = pending.take().or(p.y),
                Tok::Month => p.m = pending.take().or(p.m),
                Tok::Day => p.d = pending.take().or(p.d),
                Tok::Span(s) => p.span = Some(*s),
                Tok::Dash | Tok::Before => {}
            }
        }
        if pending.is_some() {
            p.bare = pending;
        }
        p
    }

    fn has_number(&self) -> bool {
        self.y.is_some() || self.m.is_some() || self.d.is_some() || self.bare.is_some()
    }

    /// Gives the bare number the unit `like` has first (year, then month, then day).
    fn place_bare(&mut self, like: &Part, highest: bool) {
        let Some(n) = self.bare.take() else {
            return;
        };
        let order = [like.y.is_some(), like.m.is_some(), like.d.is_some()];
        let pick = if highest {
            order.iter().position(|x| *x)
        } else {
            order.iter().rposition(|x| *x)
        };
        match pick {
            Some(0) => self.y = self.y.or(Some(n)),
            Some(1) => self.m = self.m.or(Some(n)),
            Some(2) => self.d = self.d.or(Some(n)),
            _ => {}
        }
    }
}

pub(super) struct DateRange {
    pub(super) start: NaiveDate,
    pub(super) end: NaiveDate,
    pub(super) start_assumed: bool,
    pub(super) year_assumed: bool,
}

fn last_day(y: i32, m: u32) -> Option<u32> {
    let (ny, nm) = if m == 12 {
        (y.checked_add(1)?, 1)
    } else {
        (y, m.checked_add(1)?)
    };
    NaiveDate::from_ymd_opt(ny, nm, 1)?
        .pred_opt()
        .map(|d| d.day())
}

fn span_days(span: Option<Span>, y: i32, m: u32) -> Option<(u32, u32)> {
    let last = last_day(y, m)?;
    Some(match span {
        None => (1, last),
        Some(Span::Early) => (1, 10),
        Some(Span::Mid) => (11, 20),
        Some(Span::Late) => (21, last),
    })
}

/// Reads "2020年4月底之前", "2020年5—7月", "2020年5月1日至7月31日" and the like.
pub(super) fn parse_range(
    chars: &[char],
    default_year: Option<i32>,
    cn: bool,
) -> Option<DateRange> {
    let toks = tokenize_dates(chars, cn);
    let before = toks.contains(&Tok::Before);
    let dash = toks.iter().position(|t| *t == Tok::Dash).filter(|&i| {
        Part::read(toks.get(..i).unwrap_or(&[])).has_number()
            && Part::read(toks.get(i + 1..).unwrap_or(&[])).has_number()
    });
    let mut year_assumed = false;
    let mut year_or_default = |y: Option<u32>| -> Option<i32> {
        match y {
            Some(y) => i32::try_from(y).ok(),
            None => {
                year_assumed = true;
                default_year
            }
        }
    };
    match dash {
        Some(i) => {
            let mut left = Part::read(toks.get(..i).unwrap_or(&[]));
            let mut right = Part::read(toks.get(i + 1..).unwrap_or(&[]));
            let right_copy = right;
            left.place_bare(&right_copy, true);
            let left_copy = left;
            right.place_bare(&left_copy, false);
            let ys = year_or_default(left.y.or(right.y))?;
            let ms = left
                .m
                .or(if left.y.is_some() { Some(1) } else { None })
                .or(right.m)?;
            let ds = match left.d {
                Some(d) => d,
                None => span_days(left.span, ys, ms)?.0,
            };
            let mut ye = match right.y {
                Some(y) => i32::try_from(y).ok()?,
                None => ys,
            };
            let me = right
                .m
                .or(if right.y.is_some() { Some(12) } else { None })
                .unwrap_or(ms);
            if right.y.is_none() && me < ms {
                ye = ye.checked_add(1)?;
            }
            let de = match right.d {
                Some(d) => d,
                None => span_days(right.span, ye, me)?.1,
            };
            Some(DateRange {
                start: NaiveDate::from_ymd_opt(ys, ms, ds)?,
                end: NaiveDate::from_ymd_opt(ye, me, de)?,
                start_assumed: false,
                year_assumed,
            })
        }
        None => {
            let mut p = Part::read(&toks);
            if p.m.is_none() && p.y.is_some() {
                p.m = p.bare.take();
            }
            let y = year_or_default(p.y)?;
            let (ms, me) = match p.m {
                Some(m) => (m, m),
                None if p.y.is_some() => (1, 12),
                None => return None,
            };
            let (mut ds, mut de) = span_days(p.span, y, ms)?;
            if me != ms {
                de = last_day(y, me)?;
            }
            if let Some(d) = p.d {
                ds = d;
                de = d;
            }
            if before {
                ds = 1;
            }
            Some(DateRange {
                start: NaiveDate::from_ymd_opt(y, ms, ds)?,
                end: NaiveDate::from_ymd_opt(y, me, de)?,
                start_assumed: before,
                year_assumed,
            })
        }
    }
}
