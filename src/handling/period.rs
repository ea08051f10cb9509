//! Reporting months (信息月报送), their due days, the checkpoints among them, and the
//! sub-plans' filing deadline as the plan writes it.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// The day of the month a monthly report is due on, unless the plan's settings say otherwise
/// (the 28th exists in every month).
pub const DEFAULT_DUE_DAY: u32 = 28;

/// One reporting month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Period {
    pub year: i32,
    pub month: u32,
}

impl Period {
    pub fn new(year: i32, month: u32) -> Option<Period> {
        (1..=12).contains(&month).then_some(Period { year, month })
    }

    /// The month a day falls in.
    pub fn of(day: NaiveDate) -> Period {
        Period {
            year: day.year(),
            month: day.month(),
        }
    }

    /// `2020-05`, as stored and in addresses.
    pub fn parse(s: &str) -> Option<Period> {
        let (y, m) = s.trim().split_once('-')?;
        if y.len() != 4 || m.len() != 2 {
            return None;
        }
        Period::new(y.parse().ok()?, m.parse().ok()?)
    }

    pub fn key(&self) -> String {
        format!("{:04}-{:02}", self.year, self.month)
    }

    /// `2020年5月`.
    pub fn label_zh(&self) -> String {
        format!("{}年{}月", self.year, self.month)
    }

    pub fn next(&self) -> Period {
        if self.month == 12 {
            Period {
                year: self.year + 1,
                month: 1,
            }
        } else {
            Period {
                year: self.year,
                month: self.month + 1,
            }
        }
    }

    pub fn first_day(&self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).expect("a month has a first day")
    }

    pub fn last_day(&self) -> NaiveDate {
        self.next().first_day().pred_opt().expect("a day before")
    }

    /// The report for this month is due on `day` of it (the month's last day if it is
    /// shorter).
    pub fn due(&self, day: u32) -> NaiveDate {
        let last = self.last_day();
        NaiveDate::from_ymd_opt(self.year, self.month, day.clamp(1, last.day())).unwrap_or(last)
    }

    /// Every month from `first` to `last`, both included.
    pub fn range(first: Period, last: Period) -> Vec<Period> {
        let mut out = Vec::new();
        let mut p = first;
        while p <= last && out.len() < 120 {
            out.push(p);
            p = p.next();
        }
        out
    }

    /// What the office does with this month's report besides reading it.
    pub fn checkpoints(&self) -> Vec<Checkpoint> {
        let mut out = Vec::new();
        if self.month.is_multiple_of(3) {
            out.push(Checkpoint::Quarterly);
        }
        if self.month == 6 {
            out.push(Checkpoint::HalfYear);
        }
        if self.month == 12 {
            out.push(Checkpoint::YearEnd);
        }
        out
    }
}

/// The moments the plan names (有关要求 (三)): 季调度, 半年检查, 全年总结.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Checkpoint {
    Quarterly,
    HalfYear,
    YearEnd,
}

impl Checkpoint {
    pub fn label_zh(self) -> &'static str {
        match self {
            Checkpoint::Quarterly => "季调度",
            Checkpoint::HalfYear => "半年检查",
            Checkpoint::YearEnd => "全年总结",
        }
    }
}

/// How a month's report stands on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Filing {
    /// Not due yet and not filed.
    NotDue,
    /// Filed on or before its due day.
    OnTime,
    /// Filed after its due day.
    Late,
    /// Due day passed, nothing filed.
    Missing,
    /// Filed, and the office sent it back; not yet filed again.
    Returned,
}

impl Filing {
    pub fn as_str(self) -> &'static str {
        match self {
            Filing::NotDue => "not_due",
            Filing::OnTime => "on_time",
            Filing::Late => "late",
            Filing::Missing => "missing",
            Filing::Returned => "returned",
        }
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            Filing::NotDue => "未到期",
            Filing::OnTime => "按时报送",
            Filing::Late => "逾期报送",
            Filing::Missing => "未报送",
            Filing::Returned => "已退回",
        }
    }
    /// A report that should be in and is not: it makes the unit's status red.
    pub fn overdue(&self) -> bool {
        matches!(self, Filing::Missing)
    }
}

/// How the report due on `due` stands on `today`: `first_filed` is the day it was first
/// submitted (Beijing time), `returned` that the office sent its latest version back.
pub fn filing(
    due: NaiveDate,
    first_filed: Option<NaiveDate>,
    returned: bool,
    today: NaiveDate,
) -> Filing {
    match first_filed {
        Some(_) if returned => Filing::Returned,
        Some(day) if day <= due => Filing::OnTime,
        Some(_) => Filing::Late,
        None if today > due => Filing::Missing,
        None => Filing::NotDue,
    }
}

/// The day sub-plans are due, as the plan's own text says it ("分方案于2020年5月上旬前报送":
/// the 10th; 中旬 the 20th; 下旬 or 底 the month's last day; "5月15日" that day). `None` when
/// the text names no such date; callers then use 15 May of the plan's year.
pub fn filing_deadline(text: &str) -> Option<NaiveDate> {
    for (at, _) in text.match_indices("分方案") {
        // Within the sentence that names the sub-plans.
        let after: String = text[at..]
            .chars()
            .take_while(|c| !matches!(c, '。' | '；' | ';' | '\n'))
            .take(60)
            .collect();
        if let Some(day) = first_date(&after) {
            return Some(day);
        }
    }
    None
}

/// The first `YYYY年M月` (with `D日`, 上旬, 中旬, 下旬 or 底 after it) in `s`.
fn first_date(s: &str) -> Option<NaiveDate> {
    let chars: Vec<char> = s.chars().collect();
    let number = |from: usize| -> Option<(u32, usize)> {
        let digits: String = chars[from..]
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .collect();
        let n = digits.parse().ok()?;
        Some((n, from + digits.chars().count()))
    };
    for i in 0..chars.len() {
        if !chars[i].is_ascii_digit() || (i > 0 && chars[i - 1].is_ascii_digit()) {
            continue;
        }
        let Some((year, j)) = number(i) else { continue };
        if year < 1000 || chars.get(j) != Some(&'年') {
            continue;
        }
        let Some((month, k)) = number(j + 1) else {
            continue;
        };
        if chars.get(k) != Some(&'月') {
            continue;
        }
        let month_first = NaiveDate::from_ymd_opt(year as i32, month, 1)?;
        let p = Period::of(month_first);
        let rest: String = chars[k + 1..].iter().take(3).collect();
        if let Some((day, l)) = number(k + 1)
            && chars.get(l) == Some(&'日')
        {
            return NaiveDate::from_ymd_opt(year as i32, month, day);
        }
        return Some(if rest.starts_with("上旬") {
            p.due(10)
        } else if rest.starts_with("中旬") {
            p.due(20)
        } else {
            p.last_day()
        });
    }
    None
}
