//! The spreadsheet templates (XLSX, filled in Excel or WPS): their sheets and columns, and
//! reading a filled workbook back cell by cell. A workbook is read whole or refused whole,
//! every bad cell named by sheet, row, column and reason, with the same checks as the forms
//! ([`check_indicator`], [`check_milestone`], [`check_value`], [`check_task`]).
//!
//! Pure: the workbook arrives as text per cell (`server::service::sheets` reads the XLSX
//! file and writes the templates).

use super::measure::Direction;
use super::period::Period;
use super::report::{TaskField, TaskStatus, ValueField, check_task, check_value};
use super::subplan::{
    Indicator, IndicatorDraft, IndicatorField, MAX_ROWS, Milestone, MilestoneDraft, MilestoneField,
    check_indicator, check_milestone,
};
use std::collections::{HashMap, HashSet};

/// The sheet that says whose template it is (and, for a report, which month).
pub const ABOUT: &str = "说明";
/// Its first column's labels.
pub const ABOUT_UNIT: &str = "单位";
pub const ABOUT_PERIOD: &str = "月份";
/// The sub-plan's indicators, one per row.
pub const INDICATORS: &str = "指标";
pub const INDICATOR_COLUMNS: [&str; 10] = [
    "指标编号",
    "任务",
    "指标名称",
    "计量单位",
    "基期值",
    "目标值",
    "指标方向",
    "开始日期",
    "完成期限",
    "权重",
];
/// The sub-plan's milestones, one per row.
pub const MILESTONES: &str = "节点";
pub const MILESTONE_COLUMNS: [&str; 3] = ["任务", "节点日期", "节点内容"];
/// The unit's tasks (what the 任务 columns choose from).
pub const TASKS: &str = "任务";
pub const TASK_COLUMNS: [&str; 3] = ["任务", "任务内容", "本单位"];
/// A month's report: one row per indicator of the approved sub-plan …
pub const VALUES: &str = "指标完成";
pub const VALUE_COLUMNS: [&str; 9] = [
    "指标编号",
    "任务",
    "指标名称",
    "计量单位",
    "基期值",
    "目标值",
    "上次报送",
    "截至本月完成值",
    "说明",
];
/// … and one per task.
pub const STATUSES: &str = "任务进展";
pub const STATUS_COLUMNS: [&str; 5] = ["任务", "任务内容", "进展状态", "滞后原因", "进展情况"];

/// The directions as the template's list offers them.
pub const DIRECTIONS_ZH: [&str; 3] = ["越高越好", "越低越好", "里程碑"];

/// A workbook as text, sheet by sheet, row by row (row 1 first), cell by cell.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Workbook {
    pub sheets: Vec<(String, Vec<Vec<String>>)>,
}

impl Workbook {
    pub fn sheet(&self, name: &str) -> Option<&[Vec<String>]> {
        self.sheets
            .iter()
            .find(|(n, _)| n.trim() == name)
            .map(|(_, rows)| rows.as_slice())
    }
}

/// One bad cell (or row, or sheet): where, and why, in Chinese.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetFault {
    pub sheet: &'static str,
    /// 1-based, as the spreadsheet numbers rows; `None` for the sheet as a whole.
    pub row: Option<usize>,
    /// 0-based; `None` for the row as a whole.
    pub column: Option<usize>,
    pub reason: String,
}

impl SheetFault {
    fn sheet(sheet: &'static str, reason: impl Into<String>) -> SheetFault {
        SheetFault {
            sheet,
            row: None,
            column: None,
            reason: reason.into(),
        }
    }
    fn row(sheet: &'static str, row: usize, reason: impl Into<String>) -> SheetFault {
        SheetFault {
            row: Some(row),
            ..SheetFault::sheet(sheet, reason)
        }
    }
    fn cell(
        sheet: &'static str,
        row: usize,
        column: usize,
        reason: impl Into<String>,
    ) -> SheetFault {
        SheetFault {
            column: Some(column),
            ..SheetFault::row(sheet, row, reason)
        }
    }

    /// `“指标”表第5行F列（目标值）：目标值“一百”不是数字。`
    pub fn zh(&self, headers: &[&str]) -> String {
        let mut at = format!("“{}”表", self.sheet);
        if let Some(row) = self.row {
            at.push_str(&format!("第{row}行"));
        }
        if let Some(c) = self.column {
            at.push_str(&column_name(c));
            at.push('列');
            if let Some(h) = headers.get(c) {
                at.push_str(&format!("（{h}）"));
            }
        }
        format!("{at}：{}", self.reason)
    }

    /// [`SheetFault::zh`] with the headers of the sheet it is about.
    pub fn describe(&self) -> String {
        let headers: &[&str] = match self.sheet {
            INDICATORS => &INDICATOR_COLUMNS,
            MILESTONES => &MILESTONE_COLUMNS,
            VALUES => &VALUE_COLUMNS,
            STATUSES => &STATUS_COLUMNS,
            _ => &[],
        };
        self.zh(headers)
    }
}

/// A column's letters as spreadsheets name them: 0 → A, 25 → Z, 26 → AA.
pub fn column_name(mut i: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (i % 26) as u8);
        if i < 26 {
            break;
        }
        i = i / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).expect("ASCII")
}

/// A task label as people type it: half- or full-width brackets, spaces anywhere.
fn label_key(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '（' => '(',
            '）' => ')',
            c => c,
        })
        .collect()
}

fn cell(row: &[String], c: usize) -> &str {
    row.get(c).map(|s| s.trim()).unwrap_or("")
}

fn blank(row: &[String]) -> bool {
    row.iter().all(|c| c.trim().is_empty())
}

/// The data rows of a sheet (row number, cells), after checking its header row: blank rows
/// skipped, at most [`MAX_ROWS`].
fn data_rows<'a>(
    book: &'a Workbook,
    name: &'static str,
    headers: &[&str],
    faults: &mut Vec<SheetFault>,
) -> Vec<(usize, &'a [String])> {
    let Some(rows) = book.sheet(name) else {
        faults.push(SheetFault::sheet(
            name,
            "找不到这张表。请使用本页下载的模板，不要改动表名。",
        ));
        return Vec::new();
    };
    let header = rows.first().map(|r| r.as_slice()).unwrap_or(&[]);
    for (c, h) in headers.iter().enumerate() {
        if cell(header, c) != *h {
            faults.push(SheetFault::cell(
                name,
                1,
                c,
                format!("表头应为“{h}”。请使用本页下载的模板，不要增删或移动列。"),
            ));
            return Vec::new();
        }
    }
    let out: Vec<(usize, &[String])> = rows
        .iter()
        .enumerate()
        .skip(1)
        .filter(|(_, r)| !blank(r))
        .map(|(i, r)| (i + 1, r.as_slice()))
        .collect();
    if out.len() > MAX_ROWS {
        faults.push(SheetFault::sheet(
            name,
            format!("最多{MAX_ROWS}行，这张表有{}行。", out.len()),
        ));
        return Vec::new();
    }
    out
}

/// Checks that the 说明 sheet names this unit (and, for a report, this month).
fn check_about(book: &Workbook, unit: &str, period: Option<Period>, faults: &mut Vec<SheetFault>) {
    let Some(rows) = book.sheet(ABOUT) else {
        faults.push(SheetFault::sheet(
            ABOUT,
            "找不到这张表。请使用本页下载的模板，不要删除“说明”表。",
        ));
        return;
    };
    let find = |label: &str| {
        rows.iter()
            .enumerate()
            .find(|(_, r)| cell(r, 0) == label)
            .map(|(i, r)| (i + 1, cell(r, 1).to_string()))
    };
    match find(ABOUT_UNIT) {
        Some((_, u)) if u == unit => {}
        Some((row, u)) => faults.push(SheetFault::cell(
            ABOUT,
            row,
            1,
            format!("这是“{u}”的模板，不是“{unit}”的。"),
        )),
        None => faults.push(SheetFault::sheet(ABOUT, "表中没有“单位”一行。")),
    }
    if let Some(period) = period {
        match find(ABOUT_PERIOD) {
            Some((_, p)) if Period::parse(&p) == Some(period) => {}
            Some((row, p)) => faults.push(SheetFault::cell(
                ABOUT,
                row,
                1,
                format!("这是“{p}”的月报模板，不是{}的。", period.label_zh()),
            )),
            None => faults.push(SheetFault::sheet(ABOUT, "表中没有“月份”一行。")),
        }
    }
}

/// The tasks by label key, and the unknown-label fault.
fn task_of(tasks: &[(i64, String)], raw: &str) -> Option<i64> {
    let key = label_key(raw);
    tasks
        .iter()
        .find(|(_, label)| label_key(label) == key)
        .map(|(id, _)| *id)
}

fn unknown_task(raw: &str) -> String {
    if raw.trim().is_empty() {
        "请填写任务编号，如“(一)1”（可在下拉列表中选择）。".to_string()
    } else {
        format!(
            "“{}”不是本单位牵头或负责的任务，请在下拉列表中选择。",
            raw.trim()
        )
    }
}

/// A sub-plan's indicators and milestones as read from its template.
#[derive(Debug, Clone, PartialEq)]
pub struct SubplanSheet {
    /// (the indicator's code, `None` for a new one; the indicator).
    pub indicators: Vec<(Option<i64>, Indicator)>,
    pub milestones: Vec<Milestone>,
}

/// Reads a filled sub-plan template. `tasks`: the unit's tasks (id, label such as `(一)1`);
/// `codes`: the codes of the unit's indicators so far (a row keeps its code, or leaves it blank
/// for a new indicator).
pub fn read_subplan(
    book: &Workbook,
    unit: &str,
    tasks: &[(i64, String)],
    codes: &[i64],
) -> Result<SubplanSheet, Vec<SheetFault>> {
    use IndicatorField as F;
    let mut faults = Vec::new();
    check_about(book, unit, None, &mut faults);
    let ids: Vec<i64> = tasks.iter().map(|(t, _)| *t).collect();
    let column = |f: F| match f {
        F::Task => 1,
        F::Name => 2,
        F::MeasureUnit => 3,
        F::Baseline => 4,
        F::Target => 5,
        F::Direction => 6,
        F::StartsOn => 7,
        F::DueOn => 8,
        F::Weight => 9,
    };
    let mut indicators = Vec::new();
    let mut seen = HashSet::new();
    for (row, cells) in data_rows(book, INDICATORS, &INDICATOR_COLUMNS, &mut faults) {
        let code = cell(cells, 0);
        let code = if code.is_empty() {
            None
        } else {
            match code.parse::<i64>() {
                Ok(c) if codes.contains(&c) && seen.insert(c) => Some(c),
                Ok(c) if codes.contains(&c) => {
                    faults.push(SheetFault::cell(
                        INDICATORS,
                        row,
                        0,
                        format!("指标编号{c}重复了。新增的指标请把编号留空。"),
                    ));
                    None
                }
                _ => {
                    faults.push(SheetFault::cell(
                        INDICATORS,
                        row,
                        0,
                        format!("“{code}”不是本单位已有的指标编号。新增的指标请把编号留空。"),
                    ));
                    None
                }
            }
        };
        let task = task_of(tasks, cell(cells, 1));
        let draft = IndicatorDraft {
            task_id: task.map(|t| t.to_string()).unwrap_or_default(),
            name: cell(cells, 2).into(),
            measure_unit: cell(cells, 3).into(),
            baseline: cell(cells, 4).into(),
            target: cell(cells, 5).into(),
            direction: cell(cells, 6).into(),
            starts_on: cell(cells, 7).into(),
            due_on: cell(cells, 8).into(),
            weight: cell(cells, 9).into(),
        };
        match check_indicator(&draft, &ids) {
            Ok(i) => indicators.push((code, i)),
            Err(es) => faults.extend(es.into_iter().map(|(f, e)| {
                let e = if f == F::Task {
                    unknown_task(cell(cells, 1))
                } else {
                    e
                };
                SheetFault::cell(INDICATORS, row, column(f), e)
            })),
        }
    }
    let mut milestones = Vec::new();
    if book.sheet(MILESTONES).is_some() {
        for (row, cells) in data_rows(book, MILESTONES, &MILESTONE_COLUMNS, &mut faults) {
            let task = task_of(tasks, cell(cells, 0));
            let draft = MilestoneDraft {
                task_id: task.map(|t| t.to_string()).unwrap_or_default(),
                due_on: cell(cells, 1).into(),
                what: cell(cells, 2).into(),
            };
            match check_milestone(&draft, &ids) {
                Ok(m) => milestones.push(m),
                Err(es) => faults.extend(es.into_iter().map(|(f, e)| match f {
                    MilestoneField::Task => {
                        SheetFault::cell(MILESTONES, row, 0, unknown_task(cell(cells, 0)))
                    }
                    MilestoneField::DueOn => SheetFault::cell(MILESTONES, row, 1, e),
                    MilestoneField::What => SheetFault::cell(MILESTONES, row, 2, e),
                })),
            }
        }
    }
    if faults.is_empty() && indicators.is_empty() {
        faults.push(SheetFault::sheet(INDICATORS, "表中没有填写任何指标。"));
    }
    if faults.is_empty() {
        Ok(SubplanSheet {
            indicators,
            milestones,
        })
    } else {
        Err(faults)
    }
}

/// A month's report as read from its template.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportSheet {
    /// (indicator code, value to date, note), in the sheet's order.
    pub values: Vec<(i64, f64, String)>,
    /// (task, status, reason, narrative).
    pub tasks: Vec<(i64, TaskStatus, String, String)>,
}

/// Reads a filled report template for `period`. `indicators`: the approved sub-plan's (code,
/// name); `tasks`: the unit's (id, label). Every indicator and every task must be there once.
pub fn read_report(
    book: &Workbook,
    unit: &str,
    period: Period,
    indicators: &[(i64, String)],
    tasks: &[(i64, String)],
) -> Result<ReportSheet, Vec<SheetFault>> {
    let mut faults = Vec::new();
    check_about(book, unit, Some(period), &mut faults);
    let names: HashMap<i64, &str> = indicators.iter().map(|(c, n)| (*c, n.as_str())).collect();
    let mut values = Vec::new();
    let mut seen = HashSet::new();
    for (row, cells) in data_rows(book, VALUES, &VALUE_COLUMNS, &mut faults) {
        let raw = cell(cells, 0);
        let code = match raw.parse::<i64>() {
            Ok(c) if names.contains_key(&c) => c,
            _ => {
                faults.push(SheetFault::cell(
                    VALUES,
                    row,
                    0,
                    format!("“{raw}”不是本单位已备案分方案中的指标编号。请不要改动这一列。"),
                ));
                continue;
            }
        };
        if !seen.insert(code) {
            faults.push(SheetFault::cell(
                VALUES,
                row,
                0,
                format!("指标编号{code}重复了。每项指标只填一行。"),
            ));
            continue;
        }
        match check_value(cell(cells, 7), cell(cells, 8)) {
            Ok((v, note)) => values.push((code, v, note)),
            Err(es) => faults.extend(es.into_iter().map(|(f, e)| {
                let c = match f {
                    ValueField::Value => 7,
                    ValueField::Note => 8,
                };
                SheetFault::cell(VALUES, row, c, e)
            })),
        }
    }
    if book.sheet(VALUES).is_some() {
        for (code, name) in indicators {
            if !seen.contains(code) {
                faults.push(SheetFault::sheet(
                    VALUES,
                    format!("缺少指标“{name}”（编号{code}）这一行。"),
                ));
            }
        }
    }
    let mut statuses = Vec::new();
    let mut done = HashSet::new();
    for (row, cells) in data_rows(book, STATUSES, &STATUS_COLUMNS, &mut faults) {
        let Some(task) = task_of(tasks, cell(cells, 0)) else {
            faults.push(SheetFault::cell(
                STATUSES,
                row,
                0,
                unknown_task(cell(cells, 0)),
            ));
            continue;
        };
        if !done.insert(task) {
            faults.push(SheetFault::cell(
                STATUSES,
                row,
                0,
                "这项任务重复了。每项任务只填一行。",
            ));
            continue;
        }
        match check_task(cell(cells, 2), cell(cells, 3), cell(cells, 4)) {
            Ok((s, reason, narrative)) => statuses.push((task, s, reason, narrative)),
            Err(es) => faults.extend(es.into_iter().map(|(f, e)| {
                let c = match f {
                    TaskField::Status => 2,
                    TaskField::Reason => 3,
                    TaskField::Narrative => 4,
                };
                let e = if f == TaskField::Status {
                    "请在下拉列表中选择进展状态：未开始、按计划推进、滞后或已完成。".to_string()
                } else {
                    e
                };
                SheetFault::cell(STATUSES, row, c, e)
            })),
        }
    }
    if book.sheet(STATUSES).is_some() {
        for (task, label) in tasks {
            if !done.contains(task) {
                faults.push(SheetFault::sheet(
                    STATUSES,
                    format!("缺少任务{label}这一行。"),
                ));
            }
        }
    }
    if faults.is_empty() {
        Ok(ReportSheet {
            values,
            tasks: statuses,
        })
    } else {
        Err(faults)
    }
}

/// A direction as the template writes it.
pub fn direction_zh(d: Direction) -> &'static str {
    match d {
        Direction::Higher => DIRECTIONS_ZH[0],
        Direction::Lower => DIRECTIONS_ZH[1],
        Direction::Milestone => DIRECTIONS_ZH[2],
    }
}
