//! Turnout: voted / invited per row, the total first.

use plotters::style::text_anchor::{HPos, VPos};

use super::canvas::{
    self, DARK, FONT_PX, Header, LABEL_GAP, MUTED, PAD, Plot, TRACK, WIDTH, bold, draw_text,
    fill_rect, font, line, rgb,
};
use super::{PAIR_COLOURS, TurnoutRow, text};

/// A bar line and a detail line ("已投 N / 应投 M") under it.
const ROW_H: i32 = 66;
const BAR_H: i32 = 24;

pub(crate) fn turnout(title: &str, rows: &[TurnoutRow]) -> String {
    if rows.iter().all(|r| r.voted == 0 && r.invited == 0) {
        return canvas::no_data(title);
    }
    let header = Header::new(title, &[]);
    let (x0, label_w) = canvas::label_area(rows.iter().map(|r| r.label.as_str()));
    let reserve = text::width("100.0%", FONT_PX).ceil() as i32 + 22;
    // Extra space under the total when group rows follow.
    let gap = if rows.len() > 1 { 12 } else { 0 };
    let plot = Plot {
        x0,
        x1: WIDTH - reserve,
        y0: header.bottom,
        y1: header.bottom + ROW_H * rows.len() as i32 + gap,
    };
    let height = plot.y1 + PAD;

    canvas::render(title, height, |root| {
        let fill = rgb(PAIR_COLOURS[0]);
        header.draw(root)?;
        for (i, row) in rows.iter().enumerate() {
            let top = plot.y0 + ROW_H * i as i32 + if i > 0 { gap } else { 0 };
            let cy = top + 4 + BAR_H / 2;
            let label = text::truncate(&row.label, FONT_PX, label_w);
            // The total reads as the headline.
            let label_style = if i == 0 {
                canvas::bold(FONT_PX, &DARK, HPos::Right, VPos::Center)
            } else {
                font(FONT_PX, &DARK, HPos::Right, VPos::Center)
            };
            draw_text(root, &label, (plot.x0 - LABEL_GAP, cy), &label_style)?;
            fill_rect(
                root,
                (plot.x0, cy - BAR_H / 2),
                (plot.x1, cy + BAR_H / 2),
                &TRACK,
            )?;
            if row.invited == 0 {
                let style = font(FONT_PX, &MUTED, HPos::Left, VPos::Center);
                draw_text(root, "无数据", (plot.x0 + 6, cy), &style)?;
            } else {
                let share = text::percent(row.voted, row.invited);
                let end = plot.x0
                    + (f64::from(plot.x1 - plot.x0) * share.min(100.0) / 100.0).round() as i32;
                fill_rect(
                    root,
                    (plot.x0, cy - BAR_H / 2),
                    (end, cy + BAR_H / 2),
                    &fill,
                )?;
                let style = bold(FONT_PX, &DARK, HPos::Left, VPos::Center);
                draw_text(
                    root,
                    &format!("{}%", text::fmt1(share)),
                    (plot.x1 + 8, cy),
                    &style,
                )?;
            }
            let detail = format!("已投 {} / 应投 {}", row.voted, row.invited);
            let style = font(FONT_PX, &MUTED, HPos::Left, VPos::Center);
            draw_text(root, &detail, (plot.x0, cy + BAR_H / 2 + 16), &style)?;
            if i == 0 && rows.len() > 1 {
                let y = top + ROW_H + gap / 2;
                line(root, (PAD, y), (WIDTH - PAD, y), &canvas::GRID, 1)?;
            }
        }
        Ok(())
    })
}
