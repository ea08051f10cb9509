//! Stacked 100 % bars: how each row's ballots split over the levels of the scale.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::canvas::{
    self, AXIS_H, BOTTOM_PAD, DARK, FONT_PX, Header, LABEL_GAP, MUTED, NARROW_WIDTH, PAD, Plot,
    WIDTH, draw_text, fill_rect, font, ink_on, line, rgb, value_label,
};
use super::{LevelRow, NOT_RATED_COLOUR, level_colours, text};

const ROW_H: i32 = 40;
const BAR_H: i32 = 28;
/// A narrow chart's row: its label on a line of its own, the bar below.
const NARROW_ROW_H: i32 = 64;
const NARROW_LABEL_H: i32 = 26;

/// `narrow`: drawn [`NARROW_WIDTH`] wide for a phone, each label above its bar (the whole
/// width for the bar, the label uncut up to the width).
pub(crate) fn level_distribution(
    title: &str,
    level_labels: &[&str],
    rows: &[LevelRow],
    narrow: bool,
) -> String {
    let levels = level_labels.len();
    // Per row: counts in scale order, then not rated.
    let segments: Vec<Vec<u64>> = rows
        .iter()
        .map(|r| {
            (0..levels)
                .map(|i| r.counts.get(i).copied().unwrap_or(0))
                .chain([r.not_rated])
                .collect()
        })
        .collect();
    let total = |s: &[u64]| s.iter().sum::<u64>();
    if segments.iter().all(|s| total(s) == 0) {
        return canvas::no_data(title);
    }

    let mut colours = level_colours(levels);
    colours.push(NOT_RATED_COLOUR);
    let legend: Vec<(&str, &str)> = colours
        .iter()
        .copied()
        .zip(level_labels.iter().copied().chain(["未评"]))
        .collect();
    let width = if narrow { NARROW_WIDTH } else { WIDTH };
    let header = Header::sized(title, &legend, width);
    let (x0, label_w) = if narrow {
        (PAD, f64::from(width - 2 * PAD))
    } else {
        canvas::label_area(rows.iter().map(|r| r.label.as_str()))
    };
    let row_h = if narrow { NARROW_ROW_H } else { ROW_H };
    let plot = Plot {
        x0,
        // Room for the "100" tick label to overhang.
        x1: width - 28,
        y0: header.bottom,
        y1: header.bottom + row_h * rows.len() as i32 + 8,
    };
    let height = plot.y1 + AXIS_H + BOTTOM_PAD;

    canvas::render_sized(title, width, height, |root| {
        header.draw(root)?;
        let scale = canvas::x_axis(root, &plot, "票数占比（%）")?;
        let label_style = if narrow {
            font(FONT_PX, &DARK, HPos::Left, VPos::Center)
        } else {
            font(FONT_PX, &DARK, HPos::Right, VPos::Center)
        };
        for (i, (row, segs)) in rows.iter().zip(&segments).enumerate() {
            let top = plot.y0 + 4 + row_h * i as i32;
            let label = text::truncate(&row.label, FONT_PX, label_w);
            let cy = if narrow {
                draw_text(
                    root,
                    &label,
                    (plot.x0, top + NARROW_LABEL_H / 2),
                    &label_style,
                )?;
                top + NARROW_LABEL_H + (row_h - NARROW_LABEL_H) / 2
            } else {
                let cy = top + ROW_H / 2;
                draw_text(root, &label, (plot.x0 - LABEL_GAP, cy), &label_style)?;
                cy
            };
            let sum = total(segs);
            if sum == 0 {
                value_label(root, "无数据", plot.x0 + 6, cy, &MUTED, &WHITE)?;
                continue;
            }
            let (top, bottom) = (cy - BAR_H / 2, cy + BAR_H / 2);
            let mut cum = 0;
            let mut bounds = Vec::new();
            for (count, colour) in segs.iter().zip(&colours) {
                if *count == 0 {
                    continue;
                }
                let from = scale.px(text::percent(cum, sum));
                cum += count;
                let to = scale.px(text::percent(cum, sum));
                let fill = rgb(colour);
                fill_rect(root, (from, top), (to, bottom), &fill)?;
                let n = count.to_string();
                if f64::from(to - from) >= text::width(&n, FONT_PX) + 6.0 {
                    let style = font(FONT_PX, &ink_on(&fill), HPos::Center, VPos::Center);
                    draw_text(root, &n, ((from + to) / 2, cy), &style)?;
                }
                bounds.push(to);
            }
            // White hairlines between segments.
            bounds.pop();
            for x in bounds {
                line(root, (x, top), (x, bottom), &WHITE, 2)?;
            }
        }
        Ok(())
    })
}
