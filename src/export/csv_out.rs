//! CSV for Excel: UTF-8 with a BOM, CRLF, quoted only where needed.

use std::io::{self, Write};

use super::{Cell, fmt_number, neutralize};

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Streaming CSV writer for Excel. Rows may differ in length.
pub struct CsvOut<W: Write> {
    csv: csv::Writer<W>,
    /// Reused buffer for number formatting.
    num: String,
}

impl<W: Write> CsvOut<W> {
    /// Writes the UTF-8 BOM (so Excel reads Chinese correctly).
    pub fn new(mut w: W) -> io::Result<Self> {
        w.write_all(BOM)?;
        let csv = csv::WriterBuilder::new()
            .flexible(true)
            .terminator(csv::Terminator::CRLF)
            .from_writer(w);
        Ok(Self {
            csv,
            num: String::with_capacity(32),
        })
    }

    /// Appends one record. An empty slice gives a record with one empty field.
    pub fn row(&mut self, cells: &[Cell]) -> io::Result<()> {
        for cell in cells {
            match cell {
                Cell::Text(s) => self.csv.write_field(neutralize(s).as_bytes()),
                Cell::Number(v) if v.is_finite() => {
                    fmt_number(&mut self.num, *v);
                    self.csv.write_field(self.num.as_bytes())
                }
                Cell::Int(i) => {
                    self.num.clear();
                    // Writing to a String cannot fail.
                    let _ = std::fmt::Write::write_fmt(&mut self.num, format_args!("{i}"));
                    self.csv.write_field(self.num.as_bytes())
                }
                Cell::Number(_) | Cell::Empty => self.csv.write_field(b""),
            }
            .map_err(csv_to_io)?;
        }
        // An empty iterator ends the record.
        self.csv.write_record(None::<&[u8]>).map_err(csv_to_io)
    }

    /// Flushes everything and hands back the writer.
    pub fn finish(self) -> io::Result<W> {
        let mut w = self.csv.into_inner().map_err(|e| e.into_error())?;
        w.flush()?;
        Ok(w)
    }
}

/// Only I/O errors can occur here (flexible writer, no serde).
fn csv_to_io(e: csv::Error) -> io::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => io::Error::other(format!("{other:?}")),
    }
}
