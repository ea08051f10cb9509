//! XLSX with flat memory: rust_xlsxwriter's "constant memory" worksheets.
//!
//! Each sheet keeps only its current row in memory; finished rows go to an
//! anonymous temp file in the system temp dir (`std::env::temp_dir()`, i.e.
//! `$TMPDIR` or `/tmp`), already unlinked, so nothing is left behind even on a
//! crash. That dir needs room for the sheet XML (≈ 30 bytes a cell before
//! zipping; 130 MB for 100,000 × 46). If that dir is a tmpfs it costs RAM instead.
//! Strings are stored inline (no shared-string table), which keeps
//! memory flat at the cost of a somewhat larger file.

use std::any::Any;
use std::borrow::Cow;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};

use super::{Cell, ExportError, neutralize, round4};

/// Rows in one XLSX sheet, the header row included.
pub const XLSX_MAX_ROWS: u32 = 1_048_576;
/// Columns in one XLSX sheet.
pub const XLSX_MAX_COLS: u16 = 16_384;
/// Longest text an XLSX cell holds, in UTF-16 units; longer text is cut.
const MAX_TEXT: usize = 32_767;
/// Longest sheet name, in UTF-16 units.
const MAX_SHEET_NAME: usize = 31;
/// Largest integer an f64 (so Excel) holds exactly; larger `Int`s go as text.
const MAX_EXACT_INT: i64 = 1 << 53;

/// An XLSX workbook written sheet after sheet, row after row.
pub struct XlsxOut {
    book: Workbook,
    current: Option<Current>,
    /// Lower-cased names already used (Excel compares them case-insensitively).
    used_names: Vec<String>,
    bold: Format,
    /// Set once rust_xlsxwriter panicked (e.g. temp file write failed).
    broken: bool,
}

struct Current {
    index: usize,
    name: String,
    next_row: u32,
}

impl Default for XlsxOut {
    fn default() -> Self {
        Self::new()
    }
}

impl XlsxOut {
    pub fn new() -> Self {
        Self {
            book: Workbook::new(),
            current: None,
            used_names: Vec::new(),
            bold: Format::new().set_bold(),
            broken: false,
        }
    }

    /// Starts a new sheet: a bold header row frozen at the top and the given
    /// column widths (Excel character units). The name is sanitised into a
    /// valid, unique sheet name. Earlier sheets can no longer be written.
    pub fn sheet(
        &mut self,
        name: &str,
        header: &[&str],
        widths: &[f64],
    ) -> Result<(), ExportError> {
        self.usable()?;
        let name = sheet_name(name, &self.used_names);
        if header.len() > usize::from(XLSX_MAX_COLS) || widths.len() > usize::from(XLSX_MAX_COLS) {
            return Err(ExportError::TooManyColumns {
                sheet: name,
                given: header.len().max(widths.len()),
                limit: XLSX_MAX_COLS,
            });
        }
        let bold = &self.bold;
        let book = &mut self.book;
        let index = guard(&mut self.broken, || {
            let sheet = book.add_worksheet_with_constant_memory()?;
            sheet.set_name(name.as_str())?;
            for (col, &w) in (0u16..).zip(widths) {
                // Clamped to Excel's range; a non-finite width keeps the default.
                if w.is_finite() {
                    sheet.set_column_width(col, w.clamp(0.0, 255.0))?;
                }
            }
            for (col, h) in (0u16..).zip(header) {
                sheet.write_string_with_format(0, col, neutralize(h), bold)?;
            }
            sheet.set_freeze_panes(1, 0)?;
            Ok(())
        })
        .map(|()| self.book.worksheets().len() - 1)?;
        self.used_names.push(name.to_lowercase());
        self.current = Some(Current {
            index,
            name,
            next_row: 1,
        });
        Ok(())
    }

    /// Appends one row to the current sheet. `Empty` cells, empty text and
    /// non-finite numbers are left blank.
    pub fn row(&mut self, cells: &[Cell]) -> Result<(), ExportError> {
        self.usable()?;
        let cur = self.current.as_mut().ok_or(ExportError::NoSheet)?;
        if cur.next_row >= XLSX_MAX_ROWS {
            return Err(ExportError::TooManyRows {
                sheet: cur.name.clone(),
                limit: XLSX_MAX_ROWS,
            });
        }
        if cells.len() > usize::from(XLSX_MAX_COLS) {
            return Err(ExportError::TooManyColumns {
                sheet: cur.name.clone(),
                given: cells.len(),
                limit: XLSX_MAX_COLS,
            });
        }
        let row = cur.next_row;
        let book = &mut self.book;
        let index = cur.index;
        guard(&mut self.broken, || {
            let sheet = book.worksheet_from_index(index)?;
            write_cells(sheet, row, cells)
        })?;
        cur.next_row += 1;
        Ok(())
    }

    /// Writes the file. On failure a partly written file is removed.
    pub fn save(mut self, path: &Path) -> Result<(), ExportError> {
        self.usable()?;
        let book = &mut self.book;
        let result = guard(&mut self.broken, || book.save(path));
        if result.is_err() {
            let _ = std::fs::remove_file(path);
        }
        result
    }

    /// Test hook: the next data row goes to `row` (0-based), so the row limit
    /// can be reached without writing a million rows.
    #[cfg(test)]
    pub(super) fn skip_to_row(&mut self, row: u32) {
        if let Some(cur) = self.current.as_mut() {
            cur.next_row = row;
        }
    }

    fn usable(&self) -> Result<(), ExportError> {
        if self.broken {
            return Err(ExportError::Xlsx(
                "workbook unusable after an earlier failure".into(),
            ));
        }
        Ok(())
    }
}

fn write_cells(sheet: &mut Worksheet, row: u32, cells: &[Cell]) -> Result<(), XlsxError> {
    for (col, cell) in (0u16..).zip(cells) {
        match cell {
            Cell::Text(s) => {
                // Empty strings are skipped by rust_xlsxwriter itself.
                sheet.write_string(row, col, cut_utf16(&neutralize(s), MAX_TEXT))?;
            }
            Cell::Number(v) if v.is_finite() => {
                sheet.write_number(row, col, round4(*v))?;
            }
            Cell::Int(i) if (-MAX_EXACT_INT..=MAX_EXACT_INT).contains(i) => {
                sheet.write_number(row, col, *i as f64)?;
            }
            Cell::Int(i) => {
                sheet.write_string(row, col, i.to_string())?;
            }
            Cell::Number(_) | Cell::Empty => {}
        }
    }
    Ok(())
}

/// Runs a rust_xlsxwriter call, turning its errors and its panics (it panics
/// when a temp-file write fails, e.g. disk full) into `ExportError`. After a
/// panic the workbook is marked broken.
fn guard<T>(broken: &mut bool, f: impl FnOnce() -> Result<T, XlsxError>) -> Result<T, ExportError> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(XlsxError::IoError(e))) => Err(ExportError::Io(e)),
        Ok(Err(e)) => Err(ExportError::Xlsx(e.to_string())),
        Err(panic) => {
            *broken = true;
            Err(ExportError::Xlsx(format!(
                "rust_xlsxwriter panicked: {}",
                panic_text(&*panic)
            )))
        }
    }
}

fn panic_text(p: &(dyn Any + Send)) -> &str {
    p.downcast_ref::<&str>()
        .copied()
        .or_else(|| p.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("unknown panic")
}

/// Cuts `s` to at most `max` UTF-16 units, on a char boundary.
fn cut_utf16(s: &str, max: usize) -> Cow<'_, str> {
    // Fast path: UTF-16 length never exceeds the UTF-8 byte length.
    if s.len() <= max {
        return Cow::Borrowed(s);
    }
    let mut units = 0;
    for (i, ch) in s.char_indices() {
        units += ch.len_utf16();
        if units > max {
            return Cow::Owned(s[..i].to_owned());
        }
    }
    Cow::Borrowed(s)
}

/// A valid, unique Excel sheet name: `[]:*?/\` become `_`, no apostrophe at
/// either end, at most 31 UTF-16 units, not blank, not "History" (reserved),
/// and not equal (case-insensitively) to one in `used`, else " (2)", " (3)"…
/// is appended.
pub(crate) fn sheet_name(raw: &str, used: &[String]) -> String {
    let cleaned: String = raw
        .chars()
        .map(|c| match c {
            '[' | ']' | ':' | '*' | '?' | '/' | '\\' => '_',
            c if c.is_control() => ' ',
            c => c,
        })
        .collect();
    let base = cleaned.trim().trim_matches('\'').trim();
    let base = if base.is_empty() { "Sheet" } else { base };
    let taken = |n: &str| {
        let lower = n.to_lowercase();
        lower == "history" || used.contains(&lower)
    };
    let first = cut_utf16(base, MAX_SHEET_NAME)
        .trim_end_matches('\'')
        .to_owned();
    if !first.is_empty() && !taken(&first) {
        return first;
    }
    (2usize..)
        .map(|n| {
            let suffix = format!(" ({n})");
            let room = MAX_SHEET_NAME - suffix.len();
            format!("{}{suffix}", cut_utf16(base, room).trim_end_matches('\''))
        })
        .find(|n| !taken(n))
        .expect("some suffix is free")
}
