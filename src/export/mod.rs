//! Export writers: rows in, files out (CSV for Excel, XLSX).
//!
//! Pure and synchronous: no database, no HTTP. Both writers stream, so memory
//! stays flat however many rows are written (call them from a blocking task).
//!
//! Shared rules for both formats:
//! - Text cells are passed through [`neutralize`] (CSV/formula injection).
//! - Numbers ([`Cell::Number`]) are rounded to at most 4 decimals, the same
//!   value in CSV and XLSX; non-finite numbers (NaN, ±inf) are written empty.
//! - No formulas are ever written.

mod csv_out;
mod xlsx_out;

#[cfg(test)]
mod tests;

use std::borrow::Cow;
use std::fmt::Write as _;

pub use csv_out::CsvOut;
pub use xlsx_out::{XLSX_MAX_COLS, XLSX_MAX_ROWS, XlsxOut};

/// A spreadsheet cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Number(f64),
    Int(i64),
    Empty,
}

impl From<&str> for Cell {
    fn from(s: &str) -> Self {
        Cell::Text(s.to_owned())
    }
}

impl From<String> for Cell {
    fn from(s: String) -> Self {
        Cell::Text(s)
    }
}

impl From<&String> for Cell {
    fn from(s: &String) -> Self {
        Cell::Text(s.clone())
    }
}

impl From<f64> for Cell {
    fn from(v: f64) -> Self {
        Cell::Number(v)
    }
}

impl From<i64> for Cell {
    fn from(v: i64) -> Self {
        Cell::Int(v)
    }
}

impl From<i32> for Cell {
    fn from(v: i32) -> Self {
        Cell::Int(v.into())
    }
}

impl From<u32> for Cell {
    fn from(v: u32) -> Self {
        Cell::Int(v.into())
    }
}

/// Values above `i64::MAX` become (approximate) `Number`s.
impl From<u64> for Cell {
    fn from(v: u64) -> Self {
        match i64::try_from(v) {
            Ok(i) => Cell::Int(i),
            Err(_) => Cell::Number(v as f64),
        }
    }
}

impl From<usize> for Cell {
    fn from(v: usize) -> Self {
        Cell::from(v as u64)
    }
}

impl From<Option<f64>> for Cell {
    fn from(v: Option<f64>) -> Self {
        v.map_or(Cell::Empty, Cell::Number)
    }
}

impl From<Option<i64>> for Cell {
    fn from(v: Option<i64>) -> Self {
        v.map_or(Cell::Empty, Cell::Int)
    }
}

impl From<Option<String>> for Cell {
    fn from(v: Option<String>) -> Self {
        v.map_or(Cell::Empty, Cell::Text)
    }
}

impl From<Option<&str>> for Cell {
    fn from(v: Option<&str>) -> Self {
        v.map_or(Cell::Empty, Cell::from)
    }
}

/// Why an export failed.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("export I/O error: {0}")]
    Io(#[from] std::io::Error),
    /// Any other rust_xlsxwriter error, or a panic inside it (then the
    /// workbook is unusable and further calls fail too).
    #[error("XLSX error: {0}")]
    Xlsx(String),
    #[error("sheet \"{sheet}\" is full: an XLSX sheet holds at most {limit} rows, header included")]
    TooManyRows { sheet: String, limit: u32 },
    #[error("sheet \"{sheet}\": {given} columns given, an XLSX sheet holds at most {limit}")]
    TooManyColumns {
        sheet: String,
        given: usize,
        limit: u16,
    },
    #[error("XLSX row written before any sheet() call")]
    NoSheet,
}

/// Text that a spreadsheet would read as a formula (starting with `=` `+` `-`
/// `@`, a tab or a carriage return) gets a leading apostrophe `'`.
pub fn neutralize(s: &str) -> Cow<'_, str> {
    match s.as_bytes().first() {
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r') => Cow::Owned(format!("'{s}")),
        _ => Cow::Borrowed(s),
    }
}

/// Rounds to 4 decimals; -0 becomes 0. Magnitudes ≥ 1e15 have no room for
/// decimals in an f64 and are returned as they are.
pub(crate) fn round4(v: f64) -> f64 {
    let r = if v.abs() < 1e15 {
        (v * 1e4).round() / 1e4
    } else {
        v
    };
    if r == 0.0 { 0.0 } else { r }
}

/// Writes a finite `v` plainly into `out` (cleared first): at most 4
/// decimals, no trailing zeros, no exponent (87.5, 100, 0.8333).
pub(crate) fn fmt_number(out: &mut String, v: f64) {
    out.clear();
    // Writing to a String cannot fail.
    let _ = write!(out, "{:.4}", round4(v));
    let kept = out.trim_end_matches('0').trim_end_matches('.').len();
    out.truncate(kept);
}
