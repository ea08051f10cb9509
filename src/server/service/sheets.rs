//! The handling templates as XLSX files: written for a unit (its tasks and indicators, or a
//! month's report) and read back once filled in Excel or WPS. The layout and the cell-by-cell
//! checks are pure (`crate::handling::sheet`); this is the file format only.
//!
//! Reading is bounded: the upload itself is at most [`MAX_SHEET_BYTES`]; a workbook whose
//! parts would unpack to more than [`MAX_UNPACKED_BYTES`] (a "zip bomb") is refused before
//! any part is unpacked (the zip reader stops each part at its declared size); only the
//! templates' own sheets are read, a cell at a time; a sheet with content past
//! [`MAX_GRID_ROWS`] rows or [`MAX_GRID_COLUMNS`] columns, a cell longer than
//! [`MAX_CELL_BYTES`] or a workbook of more than [`MAX_SHEETS`] sheets is refused whole.

use crate::handling::measure::Direction;
use crate::handling::period::Period;
use crate::handling::report::TaskStatus;
use crate::handling::sheet::{
    self, ABOUT, ABOUT_PERIOD, ABOUT_UNIT, DIRECTIONS_ZH, INDICATOR_COLUMNS, INDICATORS,
    MILESTONE_COLUMNS, MILESTONES, STATUS_COLUMNS, STATUSES, TASK_COLUMNS, TASKS, VALUE_COLUMNS,
    VALUES, Workbook,
};
use crate::handling::subplan::{Indicator, MAX_ROWS, Milestone};
use calamine::{DataRef, Reader, Xlsx};
use rust_xlsxwriter::{Color, DataValidation, Format, Formula, Worksheet, XlsxError};
use std::io::Cursor;

/// The largest spreadsheet accepted (a filled template is some 10–50 KB).
pub const MAX_SHEET_BYTES: usize = 5 * 1024 * 1024;
/// The most a workbook's parts may unpack to.
pub const MAX_UNPACKED_BYTES: u64 = 50 * 1024 * 1024;
/// The grid read from each sheet.
pub const MAX_GRID_ROWS: u32 = 1000;
pub const MAX_GRID_COLUMNS: u32 = 30;

/// Why a file could not be read as a workbook, in Chinese.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreadable(pub String);

/// The longest text a cell may hold (a narrative of 5,000 characters, in UTF-8).
pub const MAX_CELL_BYTES: usize = 20 * 1024;
/// The most sheets a workbook may name.
pub const MAX_SHEETS: usize = 30;

/// The sheets the templates have: only these are read.
const READ: [&str; 6] = [ABOUT, INDICATORS, MILESTONES, TASKS, VALUES, STATUSES];

/// Reads an XLSX file into text per cell: only the templates' own sheets, a cell at a time
/// (never a sheet's whole bounding box, which a crafted file can make astronomically large),
/// refusing at the first cell past [`MAX_GRID_ROWS`] × [`MAX_GRID_COLUMNS`] or longer than
/// [`MAX_CELL_BYTES`]. Numbers come as people would write them (no float noise), dates as
/// `2020-06-30`, formulas as their cached values, errors as `#N/A`. Blocking: call it off the
/// async threads.
pub fn read(bytes: &[u8]) -> Result<Workbook, Unreadable> {
    let not_xlsx = || {
        Unreadable(
            "这不是 XLSX 格式的表格。请用 Excel 或 WPS 打开模板，填好后“另存为 .xlsx”再上传。"
                .into(),
        )
    };
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| not_xlsx())?;
    let mut unpacked: u64 = 0;
    for i in 0..zip.len() {
        let part = zip.by_index_raw(i).map_err(|_| not_xlsx())?;
        unpacked = unpacked.saturating_add(part.size());
    }
    if unpacked > MAX_UNPACKED_BYTES {
        return Err(Unreadable(
            "表格解压后过大，请只保留模板中的几张表后重新上传。".into(),
        ));
    }
    let mut xlsx: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|_| not_xlsx())?;
    let names = xlsx.sheet_names();
    if names.len() > MAX_SHEETS {
        return Err(Unreadable(format!(
            "表格有{}张表，模板只有几张。请使用本页下载的模板。",
            names.len()
        )));
    }
    let mut book = Workbook::default();
    for name in names.into_iter().filter(|n| READ.contains(&n.trim())) {
        let mut cells = xlsx.worksheet_cells_reader(&name).map_err(|_| not_xlsx())?;
        let mut grid: Vec<Vec<String>> = Vec::new();
        while let Some(cell) = cells.next_cell().map_err(|_| not_xlsx())? {
            let text = text_of(cell.get_value());
            if text.trim().is_empty() {
                continue;
            }
            let (row, col) = cell.get_position();
            if row >= MAX_GRID_ROWS || col >= MAX_GRID_COLUMNS {
                return Err(Unreadable(format!(
                    "“{name}”表的内容超出了{MAX_GRID_ROWS}行或{MAX_GRID_COLUMNS}列（最多{MAX_ROWS}项）。请删去多余的内容后重新上传。"
                )));
            }
            if text.len() > MAX_CELL_BYTES {
                return Err(Unreadable(format!(
                    "“{name}”表第{}行{}列的内容过长。",
                    row + 1,
                    sheet::column_name(col as usize)
                )));
            }
            let (row, col) = (row as usize, col as usize);
            if grid.len() <= row {
                grid.resize(row + 1, Vec::new());
            }
            if grid[row].len() <= col {
                grid[row].resize(col + 1, String::new());
            }
            grid[row][col] = text;
        }
        drop(cells);
        book.sheets.push((name, grid));
    }
    Ok(book)
}

/// A cell as text.
fn text_of(data: &DataRef<'_>) -> String {
    match data {
        DataRef::Empty => String::new(),
        DataRef::String(s) => s.clone(),
        DataRef::SharedString(s) => s.to_string(),
        DataRef::Int(i) => i.to_string(),
        DataRef::Float(f) => number_text(*f),
        DataRef::Bool(b) => if *b { "是" } else { "否" }.to_string(),
        DataRef::DateTime(d) => match d.as_datetime() {
            Some(t) if d.is_datetime() => t.date().to_string(),
            _ => number_text(d.as_f64()),
        },
        DataRef::DateTimeIso(s) => s.chars().take(10).collect(),
        DataRef::DurationIso(s) => s.clone(),
        DataRef::Error(e) => format!("#{e:?}"),
    }
}

/// A float as a person wrote it: 40, 0.3 (not 0.30000000000000004), 1200.5.
fn number_text(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        return format!("{f:.0}");
    }
    let s = format!("{f:.10}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// A task of the unit, as the templates list it.
#[derive(Debug, Clone)]
pub struct TemplateTask {
    pub id: i64,
    /// `(一)1`.
    pub label: String,
    /// The task's text, whole.
    pub text: String,
    pub leads: bool,
}

struct Formats {
    header: Format,
    given: Format,
    note: Format,
}

fn formats() -> Formats {
    Formats {
        header: Format::new()
            .set_bold()
            .set_background_color(Color::RGB(0xDDE7F3))
            .set_text_wrap(),
        // Columns the template fills in and the upload does not read (or reads unchanged).
        given: Format::new().set_background_color(Color::RGB(0xF2F2F2)),
        note: Format::new().set_text_wrap(),
    }
}

fn headers(
    ws: &mut Worksheet,
    names: &[&str],
    widths: &[f64],
    f: &Formats,
) -> Result<(), XlsxError> {
    for (c, (h, w)) in names.iter().zip(widths).enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &f.header)?;
        ws.set_column_width(c as u16, *w)?;
    }
    ws.set_freeze_panes(1, 0)?;
    Ok(())
}

/// The 说明 sheet: whose template it is, and how to fill it.
fn about(
    ws: &mut Worksheet,
    unit: &str,
    period: Option<Period>,
    lines: &[&str],
    f: &Formats,
) -> Result<(), XlsxError> {
    ws.set_name(ABOUT)?;
    ws.set_column_width(0, 10)?;
    ws.set_column_width(1, 90)?;
    ws.write_string_with_format(0, 0, ABOUT_UNIT, &f.header)?;
    ws.write_string(0, 1, unit)?;
    let mut row = 1;
    if let Some(p) = period {
        ws.write_string_with_format(1, 0, ABOUT_PERIOD, &f.header)?;
        ws.write_string(1, 1, p.key())?;
        row = 2;
    }
    for (i, line) in lines.iter().enumerate() {
        ws.write_string_with_format(row + 1 + i as u32, 1, *line, &f.note)?;
    }
    Ok(())
}

/// The 任务 sheet, and the list the 任务 columns choose from.
fn tasks_sheet(ws: &mut Worksheet, tasks: &[TemplateTask], f: &Formats) -> Result<(), XlsxError> {
    ws.set_name(TASKS)?;
    headers(ws, &TASK_COLUMNS, &[10.0, 80.0, 8.0], f)?;
    for (i, t) in tasks.iter().enumerate() {
        let r = i as u32 + 1;
        ws.write_string(r, 0, &t.label)?;
        ws.write_string_with_format(r, 1, &t.text, &f.note)?;
        ws.write_string(r, 2, if t.leads { "牵头" } else { "责任" })?;
    }
    Ok(())
}

fn task_list(tasks: &[TemplateTask]) -> Result<DataValidation, XlsxError> {
    let last = tasks.len().max(1) + 1;
    DataValidation::new()
        .allow_list_formula(Formula::new(format!("={TASKS}!$A$2:$A${last}")))
        .set_error_title("任务")?
        .set_error_message("请在下拉列表中选择本单位的任务。")
}

/// Rows a template offers for filling.
const OFFERED_ROWS: u32 = MAX_ROWS as u32 + 1;

/// A unit's sub-plan template: its tasks, and its indicators and milestones so far (to
/// revise), each row's cells as the upload reads them back.
pub fn subplan_template(
    unit: &str,
    tasks: &[TemplateTask],
    indicators: &[(i64, Indicator)],
    milestones: &[Milestone],
) -> Result<Vec<u8>, XlsxError> {
    let f = formats();
    let label = |id: i64| {
        tasks
            .iter()
            .find(|t| t.id == id)
            .map(|t| t.label.clone())
            .unwrap_or_default()
    };
    let mut book = rust_xlsxwriter::Workbook::new();
    about(
        book.add_worksheet(),
        unit,
        None,
        &[
            "在“指标”表中每行填写一项指标，在“节点”表中每行填写一个推进节点；“任务”表列出本单位牵头或负责的任务。",
            "“指标编号”由系统填写：修改已有指标时请保留，新增指标请留空。不要改动表名和表头。",
            "指标方向：越高越好、越低越好，或里程碑（完成与否，不填基期值和目标值）。日期写作 2020-05-01。权重不填为 1。",
            "上传后系统逐格检查：全部无误才保存为草稿（替换草稿中的指标和节点），有误则列出每个出错的单元格，什么也不保存。",
        ],
        &f,
    )?;
    let ws = book.add_worksheet();
    ws.set_name(INDICATORS)?;
    headers(
        ws,
        &INDICATOR_COLUMNS,
        &[9.0, 9.0, 30.0, 9.0, 9.0, 9.0, 11.0, 12.0, 12.0, 7.0],
        &f,
    )?;
    for (i, (code, ind)) in indicators.iter().enumerate() {
        let r = i as u32 + 1;
        ws.write_number_with_format(r, 0, *code as f64, &f.given)?;
        ws.write_string(r, 1, label(ind.task_id))?;
        ws.write_string(r, 2, &ind.name)?;
        ws.write_string(r, 3, &ind.measure_unit)?;
        if ind.direction != Direction::Milestone {
            ws.write_number(r, 4, ind.baseline)?;
            ws.write_number(r, 5, ind.target)?;
        }
        ws.write_string(r, 6, sheet::direction_zh(ind.direction))?;
        ws.write_string(r, 7, ind.starts_on.to_string())?;
        ws.write_string(r, 8, ind.due_on.to_string())?;
        ws.write_number(r, 9, ind.weight)?;
    }
    ws.add_data_validation(1, 1, OFFERED_ROWS, 1, &task_list(tasks)?)?;
    ws.add_data_validation(
        1,
        6,
        OFFERED_ROWS,
        6,
        &DataValidation::new().allow_list_strings(&DIRECTIONS_ZH)?,
    )?;
    let ws = book.add_worksheet();
    ws.set_name(MILESTONES)?;
    headers(ws, &MILESTONE_COLUMNS, &[9.0, 12.0, 50.0], &f)?;
    for (i, m) in milestones.iter().enumerate() {
        let r = i as u32 + 1;
        ws.write_string(r, 0, label(m.task_id))?;
        ws.write_string(r, 1, m.due_on.to_string())?;
        ws.write_string(r, 2, &m.what)?;
    }
    ws.add_data_validation(1, 0, OFFERED_ROWS, 0, &task_list(tasks)?)?;
    tasks_sheet(book.add_worksheet(), tasks, &f)?;
    book.save_to_buffer()
}

/// One indicator's row in a month's template.
#[derive(Debug, Clone)]
pub struct ValueRow {
    pub code: i64,
    pub indicator: Indicator,
    /// The value the unit last reported (any earlier month), for reference.
    pub last: Option<f64>,
    /// Pre-filled (from a returned version of this month).
    pub value: Option<f64>,
    pub note: String,
}

/// One task's row in a month's template, pre-filled from a returned version or the last month.
#[derive(Debug, Clone)]
pub struct StatusRow {
    pub task: TemplateTask,
    pub status: Option<TaskStatus>,
    pub reason: String,
    pub narrative: String,
}

/// A unit's template for one month's report.
pub fn report_template(
    unit: &str,
    period: Period,
    due: &str,
    values: &[ValueRow],
    statuses: &[StatusRow],
) -> Result<Vec<u8>, XlsxError> {
    let f = formats();
    let tasks: Vec<TemplateTask> = statuses.iter().map(|s| s.task.clone()).collect();
    let label = |id: i64| {
        tasks
            .iter()
            .find(|t| t.id == id)
            .map(|t| t.label.clone())
            .unwrap_or_default()
    };
    let mut book = rust_xlsxwriter::Workbook::new();
    let due_line = format!("本月报送截止日：{due}。");
    about(
        book.add_worksheet(),
        unit,
        Some(period),
        &[
            "在“指标完成”表的“截至本月完成值”一列填写每项指标截至本月底累计达到的值，可在“说明”一列补充。",
            "在“任务进展”表为每项任务选择进展状态（未开始、按计划推进、滞后、已完成）；选“滞后”的须填写原因。",
            "灰色的列由系统填写，请不要改动；不要改动表名、表头和“月份”。",
            &due_line,
            "上传后系统逐格检查：全部无误才报送办公室，有误则列出每个出错的单元格，什么也不保存。佐证材料请在网页上随表一起上传。",
        ],
        &f,
    )?;
    let ws = book.add_worksheet();
    ws.set_name(VALUES)?;
    headers(
        ws,
        &VALUE_COLUMNS,
        &[9.0, 9.0, 30.0, 9.0, 9.0, 9.0, 10.0, 14.0, 30.0],
        &f,
    )?;
    for (i, v) in values.iter().enumerate() {
        let r = i as u32 + 1;
        let ind = &v.indicator;
        ws.write_number_with_format(r, 0, v.code as f64, &f.given)?;
        ws.write_string_with_format(r, 1, label(ind.task_id), &f.given)?;
        ws.write_string_with_format(r, 2, &ind.name, &f.given)?;
        ws.write_string_with_format(r, 3, &ind.measure_unit, &f.given)?;
        if ind.direction == Direction::Milestone {
            ws.write_string_with_format(r, 4, "里程碑：完成填1，未完成填0", &f.given)?;
        } else {
            ws.write_number_with_format(r, 4, ind.baseline, &f.given)?;
            ws.write_number_with_format(r, 5, ind.target, &f.given)?;
        }
        if let Some(last) = v.last {
            ws.write_number_with_format(r, 6, last, &f.given)?;
        }
        if let Some(value) = v.value {
            ws.write_number(r, 7, value)?;
        }
        ws.write_string(r, 8, &v.note)?;
    }
    let ws = book.add_worksheet();
    ws.set_name(STATUSES)?;
    headers(ws, &STATUS_COLUMNS, &[9.0, 40.0, 12.0, 30.0, 40.0], &f)?;
    for (i, s) in statuses.iter().enumerate() {
        let r = i as u32 + 1;
        ws.write_string_with_format(r, 0, &s.task.label, &f.given)?;
        ws.write_string_with_format(r, 1, &s.task.text, &f.given)?;
        if let Some(st) = s.status {
            ws.write_string(r, 2, st.label_zh())?;
        }
        ws.write_string(r, 3, &s.reason)?;
        ws.write_string(r, 4, &s.narrative)?;
    }
    let labels: Vec<&str> = TaskStatus::ALL.iter().map(|s| s.label_zh()).collect();
    ws.add_data_validation(
        1,
        2,
        statuses.len().max(1) as u32,
        2,
        &DataValidation::new().allow_list_strings(&labels)?,
    )?;
    book.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn tasks() -> Vec<TemplateTask> {
        vec![
            TemplateTask {
                id: 7,
                label: "(一)1".into(),
                text: "推进企业上云".into(),
                leads: true,
            },
            TemplateTask {
                id: 8,
                label: "(二)3".into(),
                text: "出台细则".into(),
                leads: false,
            },
        ]
    }

    fn indicator() -> Indicator {
        Indicator {
            task_id: 7,
            name: "企业上云".into(),
            measure_unit: "家".into(),
            baseline: 0.0,
            target: 40.5,
            direction: Direction::Higher,
            starts_on: NaiveDate::from_ymd_opt(2020, 5, 1).unwrap(),
            due_on: NaiveDate::from_ymd_opt(2020, 12, 31).unwrap(),
            weight: 1.0,
        }
    }

    #[test]
    fn a_sub_plan_template_reads_back_as_what_it_was_written_from() {
        let m = Milestone {
            task_id: 8,
            due_on: NaiveDate::from_ymd_opt(2020, 6, 30).unwrap(),
            what: "征求意见".into(),
        };
        let bytes = subplan_template(
            "市科技局",
            &tasks(),
            &[(3, indicator())],
            std::slice::from_ref(&m),
        )
        .unwrap();
        let book = read(&bytes).unwrap();
        let labels: Vec<(i64, String)> = tasks().into_iter().map(|t| (t.id, t.label)).collect();
        let read = sheet::read_subplan(&book, "市科技局", &labels, &[3]).unwrap();
        assert_eq!(read.indicators, vec![(Some(3), indicator())]);
        assert_eq!(read.milestones, vec![m]);
    }

    #[test]
    fn a_report_template_names_its_month_and_reads_back_once_filled() {
        let june = Period::parse("2020-06").unwrap();
        let values = [ValueRow {
            code: 3,
            indicator: indicator(),
            last: Some(10.0),
            value: Some(12.25),
            note: "台账".into(),
        }];
        let statuses: Vec<StatusRow> = tasks()
            .into_iter()
            .map(|task| StatusRow {
                task,
                status: Some(TaskStatus::OnTrack),
                reason: String::new(),
                narrative: "推进中".into(),
            })
            .collect();
        let bytes = report_template("市科技局", june, "2020-06-28", &values, &statuses).unwrap();
        let book = read(&bytes).unwrap();
        let inds = [(3, "企业上云".to_string())];
        let labels: Vec<(i64, String)> = tasks().into_iter().map(|t| (t.id, t.label)).collect();
        let read = sheet::read_report(&book, "市科技局", june, &inds, &labels).unwrap();
        assert_eq!(read.values, vec![(3, 12.25, "台账".to_string())]);
        assert_eq!(read.tasks.len(), 2);
        // Next month's upload is refused: the template says June.
        let july = Period::parse("2020-07").unwrap();
        assert!(sheet::read_report(&book, "市科技局", july, &inds, &labels).is_err());
    }

    #[test]
    fn a_crafted_workbook_is_refused_without_reading_its_bounding_box() {
        // A1 and XFD1048576: a dense grid of the two would be 1.7e10 cells.
        let mut book = rust_xlsxwriter::Workbook::new();
        let ws = book.add_worksheet();
        ws.set_name(INDICATORS).unwrap();
        ws.write_string(0, 0, "指标编号").unwrap();
        ws.write_string(1_048_575, 16_383, "far").unwrap();
        let err = read(&book.save_to_buffer().unwrap()).unwrap_err();
        assert!(err.0.contains("超出了1000行或30列"), "{err:?}");
        // A cell past 20 KB.
        let mut book = rust_xlsxwriter::Workbook::new();
        let ws = book.add_worksheet();
        ws.set_name(STATUSES).unwrap();
        ws.write_string(1, 4, "长".repeat(8000)).unwrap();
        let err = read(&book.save_to_buffer().unwrap()).unwrap_err();
        assert!(err.0.contains("第2行E列的内容过长"), "{err:?}");
        // Sheets the templates do not have are not read at all.
        let mut book = rust_xlsxwriter::Workbook::new();
        let ws = book.add_worksheet();
        ws.set_name("别的表").unwrap();
        ws.write_string(1_048_575, 16_383, "far").unwrap();
        let read = read(&book.save_to_buffer().unwrap()).unwrap();
        assert!(read.sheets.is_empty());
    }

    #[test]
    fn what_is_not_a_workbook_is_refused_in_chinese() {
        assert!(
            read(b"%PDF-1.7 not a sheet")
                .unwrap_err()
                .0
                .contains("XLSX")
        );
        assert!(read(&[]).is_err());
        assert_eq!(number_text(0.1 + 0.2), "0.3");
        assert_eq!(number_text(40.0), "40");
        assert_eq!(number_text(-1200.5), "-1200.5");
    }
}
