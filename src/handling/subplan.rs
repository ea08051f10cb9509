//! A unit's sub-plan (分方案): its states, and the indicators and milestones a liaison's form
//! may hold, each field checked with a reason in Chinese.

use super::measure::Direction;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Where a version of a sub-plan stands. A version is edited only as a draft; once
/// submitted it is kept as it was. Returned, the liaison starts a new version from it;
/// approved (备案), it is the unit's sub-plan until a newer version is approved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SubplanState {
    Draft,
    Submitted,
    Approved,
    Returned,
}

impl SubplanState {
    pub fn as_str(self) -> &'static str {
        match self {
            SubplanState::Draft => "draft",
            SubplanState::Submitted => "submitted",
            SubplanState::Approved => "approved",
            SubplanState::Returned => "returned",
        }
    }
    pub fn parse(s: &str) -> Option<SubplanState> {
        match s {
            "draft" => Some(SubplanState::Draft),
            "submitted" => Some(SubplanState::Submitted),
            "approved" => Some(SubplanState::Approved),
            "returned" => Some(SubplanState::Returned),
            _ => None,
        }
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            SubplanState::Draft => "草稿",
            SubplanState::Submitted => "已报送，待审核",
            SubplanState::Approved => "已备案",
            SubplanState::Returned => "已退回",
        }
    }
}

/// Longest indicator name, measure unit, milestone text and measures text accepted.
pub const MAX_NAME_CHARS: usize = 100;
pub const MAX_MEASURE_UNIT_CHARS: usize = 20;
pub const MAX_TEXT_CHARS: usize = 5000;
/// Most indicators and milestones one sub-plan holds.
pub const MAX_ROWS: usize = 200;
/// The largest figure (in absolute value) an indicator or a report may hold: past it, ratios
/// lose their meaning (1e308 − (−1e308) is infinite).
pub const MAX_MAGNITUDE: f64 = 1e12;
/// The years a day of a sub-plan may fall in.
pub const YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;

/// One indicator as a form or a spreadsheet row gives it: text, checked by [`check_indicator`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct IndicatorDraft {
    pub task_id: String,
    pub name: String,
    pub measure_unit: String,
    pub baseline: String,
    pub target: String,
    pub direction: String,
    pub starts_on: String,
    pub due_on: String,
    pub weight: String,
}

/// A checked indicator.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Indicator {
    pub task_id: i64,
    pub name: String,
    pub measure_unit: String,
    pub baseline: f64,
    pub target: f64,
    pub direction: Direction,
    pub starts_on: NaiveDate,
    pub due_on: NaiveDate,
    pub weight: f64,
}

/// One milestone of the schedule (推进计划): a day and what is done by it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct MilestoneDraft {
    pub task_id: String,
    pub due_on: String,
    pub what: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Milestone {
    pub task_id: i64,
    pub due_on: NaiveDate,
    pub what: String,
}

/// A number as people write it: half- or full-width digits, thousands separators, a trailing
/// %. `None` for anything else (NaN, infinities and figures past [`MAX_MAGNITUDE`] included).
pub fn number(raw: &str) -> Option<f64> {
    let s: String = raw
        .trim()
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            '．' => '.',
            '－' => '-',
            c => c,
        })
        .filter(|c| !matches!(c, ',' | '，' | ' '))
        .collect();
    let s = s.trim_end_matches(['%', '％']);
    let v: f64 = s.parse().ok()?;
    (v.is_finite() && v.abs() <= MAX_MAGNITUDE).then_some(v)
}

/// A day written `2020-05-10` (or `2020/5/10`, or `2020年5月10日`).
pub fn day(raw: &str) -> Option<NaiveDate> {
    let s = raw.trim();
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(s, "%Y/%m/%d"))
        .or_else(|_| NaiveDate::parse_from_str(s, "%Y年%m月%d日"))
        .ok()
        .filter(|d| YEARS.contains(&chrono::Datelike::year(d)))
}

/// The field of an indicator row a fault is about: a form names the row, a spreadsheet the
/// cell (row and column).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IndicatorField {
    Task,
    Name,
    MeasureUnit,
    Baseline,
    Target,
    Direction,
    StartsOn,
    DueOn,
    Weight,
}

/// The field of a milestone row a fault is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MilestoneField {
    Task,
    DueOn,
    What,
}

/// Faults, each with the field it is about and the reason in Chinese.
pub type Faults<F> = Vec<(F, String)>;

/// Checks one indicator. `tasks`: the ids of the tasks the unit leads or shares (an
/// indicator belongs to one of them). Every fault is named with its field, not only the first;
/// a fault between two fields (a target on the wrong side of the baseline, a due day before
/// the start) is put on the later one.
pub fn check_indicator(
    d: &IndicatorDraft,
    tasks: &[i64],
) -> Result<Indicator, Faults<IndicatorField>> {
    use IndicatorField as F;
    let mut errors: Faults<F> = Vec::new();
    let task_id = d.task_id.trim().parse::<i64>().ok();
    if !task_id.is_some_and(|t| tasks.contains(&t)) {
        errors.push((F::Task, "请选择本单位牵头或负责的任务。".to_string()));
    }
    let name = d.name.trim().to_string();
    if name.is_empty() {
        errors.push((F::Name, "指标名称不能为空。".into()));
    } else if name.chars().count() > MAX_NAME_CHARS {
        errors.push((F::Name, format!("指标名称不能超过{MAX_NAME_CHARS}个字。")));
    }
    let measure_unit = d.measure_unit.trim().to_string();
    if measure_unit.chars().count() > MAX_MEASURE_UNIT_CHARS {
        errors.push((
            F::MeasureUnit,
            format!("计量单位不能超过{MAX_MEASURE_UNIT_CHARS}个字。"),
        ));
    }
    let direction = Direction::parse(&d.direction);
    if direction.is_none() {
        errors.push((
            F::Direction,
            "请选择指标方向：越高越好、越低越好或里程碑。".into(),
        ));
    }
    let field = |raw: &str, f: F, label: &str, errors: &mut Faults<F>| -> Option<f64> {
        if raw.trim().is_empty() {
            return None;
        }
        let v = number(raw);
        if v.is_none() {
            errors.push((f, format!("{label}“{}”不是数字。", raw.trim())));
        }
        v
    };
    let (baseline, target) = match direction {
        Some(Direction::Milestone) => (0.0, 1.0),
        _ => {
            let baseline = field(&d.baseline, F::Baseline, "基期值", &mut errors);
            let target = field(&d.target, F::Target, "目标值", &mut errors);
            if d.target.trim().is_empty() {
                errors.push((F::Target, "目标值不能为空。".into()));
            }
            if direction == Some(Direction::Lower) && d.baseline.trim().is_empty() {
                errors.push((F::Baseline, "越低越好的指标须填写基期值。".into()));
            }
            let baseline = baseline.unwrap_or(0.0);
            match (direction, target) {
                (Some(Direction::Higher), Some(t)) if t <= baseline => {
                    errors.push((F::Target, "越高越好的指标，目标值应大于基期值。".into()))
                }
                (Some(Direction::Lower), Some(t)) if t >= baseline => {
                    errors.push((F::Target, "越低越好的指标，目标值应小于基期值。".into()))
                }
                _ => {}
            }
            (baseline, target.unwrap_or(0.0))
        }
    };
    let starts_on = day(&d.starts_on);
    if starts_on.is_none() {
        errors.push((
            F::StartsOn,
            format!(
                "开始日期“{}”的格式不对，应为 2020-05-01。",
                d.starts_on.trim()
            ),
        ));
    }
    let due_on = day(&d.due_on);
    if due_on.is_none() {
        errors.push((
            F::DueOn,
            format!("完成期限“{}”的格式不对，应为 2020-12-31。", d.due_on.trim()),
        ));
    }
    if let (Some(s), Some(e)) = (starts_on, due_on)
        && e <= s
    {
        errors.push((F::DueOn, "完成期限应晚于开始日期。".into()));
    }
    let weight = if d.weight.trim().is_empty() {
        Some(1.0)
    } else {
        field(&d.weight, F::Weight, "权重", &mut errors)
    };
    if weight.is_some_and(|w| !(w > 0.0 && w <= 100.0)) {
        errors.push((F::Weight, "权重应大于0且不超过100。".into()));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Indicator {
        task_id: task_id.expect("checked"),
        name,
        measure_unit,
        baseline,
        target,
        direction: direction.expect("checked"),
        starts_on: starts_on.expect("checked"),
        due_on: due_on.expect("checked"),
        weight: weight.expect("checked"),
    })
}

/// Checks one milestone.
pub fn check_milestone(
    d: &MilestoneDraft,
    tasks: &[i64],
) -> Result<Milestone, Faults<MilestoneField>> {
    use MilestoneField as F;
    let mut errors: Faults<F> = Vec::new();
    let task_id = d.task_id.trim().parse::<i64>().ok();
    if !task_id.is_some_and(|t| tasks.contains(&t)) {
        errors.push((F::Task, "请选择本单位牵头或负责的任务。".to_string()));
    }
    let due_on = day(&d.due_on);
    if due_on.is_none() {
        errors.push((
            F::DueOn,
            format!("节点日期“{}”的格式不对，应为 2020-06-30。", d.due_on.trim()),
        ));
    }
    let what = d.what.trim().to_string();
    if what.is_empty() {
        errors.push((F::What, "节点内容不能为空。".into()));
    } else if what.chars().count() > MAX_NAME_CHARS {
        errors.push((F::What, format!("节点内容不能超过{MAX_NAME_CHARS}个字。")));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Milestone {
        task_id: task_id.expect("checked"),
        due_on: due_on.expect("checked"),
        what,
    })
}
