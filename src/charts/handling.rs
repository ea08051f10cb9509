//! The year of handling: each unit's filings month by month as a grid of coloured cells, and a
//! task's completion against the time-proportional expectation over the months.

use plotters::style::text_anchor::{HPos, VPos};

use super::canvas::{
    self, DARK, FONT_PX, GRID, Header, LABEL_GAP, MUTED, PAD, WIDTH, draw_text, fill_rect, font,
    line, rgb,
};
use super::text;

/// A filing's state as the grid colours it, with the legend's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cell {
    OnTime,
    Late,
    Missing,
    Returned,
    NotDue,
}

impl Cell {
    fn colour(self) -> &'static str {
        match self {
            Cell::OnTime => "#009E73",
            Cell::Late => "#E69F00",
            Cell::Missing => "#D55E00",
            Cell::Returned => "#CC79A7",
            Cell::NotDue => "#EEEEEE",
        }
    }
    /// The mark in the cell, so that colour is never the only sign.
    fn mark(self) -> &'static str {
        match self {
            Cell::OnTime => "✓",
            Cell::Late => "迟",
            Cell::Missing => "✗",
            Cell::Returned => "退",
            Cell::NotDue => "",
        }
    }
}

/// One unit's row of the grid.
#[derive(Debug, Clone, PartialEq)]
pub struct GridRow {
    pub label: String,
    pub cells: Vec<Cell>,
}

const ROW: i32 = 30;
const HEAD_ROW: i32 = 30;

/// The unit × month grid of filings: one row per unit, one column per month.
pub fn filing_grid(title: &str, months: &[String], rows: &[GridRow]) -> String {
    if rows.is_empty() || months.is_empty() {
        return canvas::no_data(title);
    }
    let legend: Vec<(&str, &str)> = [
        (Cell::OnTime, "按时 ✓"),
        (Cell::Late, "逾期报送 迟"),
        (Cell::Missing, "逾期未报 ✗"),
        (Cell::Returned, "退回未重报 退"),
    ]
    .iter()
    .map(|(c, l)| (c.colour(), *l))
    .collect();
    let header = Header::new(title, &legend);
    let (x0, label_w) = canvas::label_area(rows.iter().map(|r| r.label.as_str()));
    let cell_w = ((WIDTH - PAD - x0) / months.len() as i32).max(8);
    let top = header.bottom + HEAD_ROW;
    let height = top + ROW * rows.len() as i32 + PAD;
    canvas::render(title, height, |root| {
        header.draw(root)?;
        for (m, month) in months.iter().enumerate() {
            let cx = x0 + cell_w * m as i32 + cell_w / 2;
            let style = font(FONT_PX * 0.8, &MUTED, HPos::Center, VPos::Bottom);
            draw_text(root, month, (cx, top - 6), &style)?;
        }
        for (r, row) in rows.iter().enumerate() {
            let y = top + ROW * r as i32;
            let label = text::truncate(&row.label, FONT_PX, label_w);
            let style = font(FONT_PX, &DARK, HPos::Right, VPos::Center);
            draw_text(root, &label, (x0 - LABEL_GAP, y + ROW / 2), &style)?;
            for (m, cell) in row.cells.iter().take(months.len()).enumerate() {
                let x = x0 + cell_w * m as i32;
                let bg = rgb(cell.colour());
                fill_rect(root, (x + 1, y + 1), (x + cell_w - 1, y + ROW - 1), &bg)?;
                let ink = canvas::ink_on(&bg);
                let style = font(FONT_PX * 0.8, &ink, HPos::Center, VPos::Center);
                draw_text(root, cell.mark(), (x + cell_w / 2, y + ROW / 2), &style)?;
            }
        }
        Ok(())
    })
}

const PLOT_H: i32 = 300;

/// A task's completion (the line, `None` before anything counted) against the expectation (the
/// dashed grey line) at each month's end, both 0–1.
pub fn progress_line(
    title: &str,
    months: &[String],
    expected: &[f64],
    actual: &[Option<f64>],
) -> String {
    if months.is_empty() || actual.iter().all(Option::is_none) {
        return canvas::no_data(title);
    }
    let legend = [("#0072B2", "完成"), ("#888888", "应达（时间进度）")];
    let header = Header::new(title, &legend);
    let x0 = PAD + text::width("100%", FONT_PX).ceil() as i32 + LABEL_GAP;
    let x1 = WIDTH - PAD;
    let y0 = header.bottom + 10;
    let y1 = y0 + PLOT_H;
    let height = y1 + 40;
    let n = months.len().max(2) as i32 - 1;
    let px = |i: usize| x0 + (x1 - x0) * i as i32 / n.max(1);
    let py = |v: f64| y1 - (f64::from(PLOT_H) * v.clamp(0.0, 1.2) / 1.2).round() as i32;
    canvas::render(title, height, |root| {
        header.draw(root)?;
        for pct in [0.0, 0.25, 0.5, 0.75, 1.0] {
            let y = py(pct);
            line(root, (x0, y), (x1, y), &GRID, 1)?;
            let style = font(FONT_PX * 0.8, &MUTED, HPos::Right, VPos::Center);
            draw_text(root, &format!("{:.0}%", pct * 100.0), (x0 - 6, y), &style)?;
        }
        for (i, month) in months.iter().enumerate() {
            let style = font(FONT_PX * 0.8, &MUTED, HPos::Center, VPos::Top);
            draw_text(root, month, (px(i), y1 + 8), &style)?;
        }
        let grey = rgb("#888888");
        for w in expected.windows(2).enumerate() {
            let (i, pair) = w;
            // Dashes: every other half of each segment.
            let (a, b) = ((px(i), py(pair[0])), (px(i + 1), py(pair[1])));
            let mid = ((a.0 + b.0) / 2, (a.1 + b.1) / 2);
            line(root, a, mid, &grey, 2)?;
        }
        let blue = rgb("#0072B2");
        let points: Vec<(i32, i32)> = actual
            .iter()
            .enumerate()
            .filter_map(|(i, v)| v.map(|v| (px(i), py(v))))
            .collect();
        for pair in points.windows(2) {
            line(root, pair[0], pair[1], &blue, 3)?;
        }
        for p in &points {
            fill_rect(root, (p.0 - 4, p.1 - 4), (p.0 + 4, p.1 + 4), &blue)?;
        }
        if let Some((i, v)) = actual
            .iter()
            .enumerate()
            .rev()
            .find_map(|(i, v)| v.map(|v| (i, v)))
        {
            let style = canvas::bold(FONT_PX, &DARK, HPos::Right, VPos::Bottom);
            draw_text(
                root,
                &format!("{:.1}%", v * 100.0),
                (px(i), py(v) - 8),
                &style,
            )?;
        }
        Ok(())
    })
}
