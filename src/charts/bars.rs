//! Horizontal bars on a 0–100 scale, one or more per row: ranked bars (one series),
//! indicator scores and round comparisons (several series, with a legend).

use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::canvas::{
    self, AXIS_H, BOTTOM_PAD, DARK, FONT_PX, Header, LABEL_GAP, MUTED, NARROW_WIDTH, PAD, Plot,
    WIDTH, ZEBRA, draw_text, fill_rect, font, rgb, value_label,
};

/// In a narrow chart, the line a row's label takes above its bars.
const NARROW_LABEL_H: i32 = 26;
use super::text;

/// One row: a category label and one value per series.
pub(crate) struct Group {
    pub(crate) label: String,
    pub(crate) values: Vec<Option<f64>>,
}

pub(crate) struct Spec<'a> {
    pub(crate) title: &'a str,
    /// x axis description.
    pub(crate) axis: &'a str,
    /// Legend names; empty for a single unnamed series.
    pub(crate) series: &'a [&'a str],
    /// One colour per series (also fixes the number of bars per row).
    pub(crate) colours: &'a [&'a str],
    pub(crate) rows: &'a [Group],
    /// Dashed vertical line at a value, with its label.
    pub(crate) reference: Option<(f64, &'a str)>,
    /// Labels carry rank numbers: left-align them so the numbers line up.
    pub(crate) ranked: bool,
    /// Drawn [`NARROW_WIDTH`] wide for a phone, each label on a line of its own above its
    /// bars (the whole width for the bars, the label uncut up to the width).
    pub(crate) narrow: bool,
}

/// Room right of the plot for a value printed after a full bar ("100.0").
fn value_reserve() -> i32 {
    text::width("100.0", FONT_PX).ceil() as i32 + 14
}

pub(crate) fn grouped(spec: &Spec) -> String {
    let k = spec.colours.len();
    let value = |g: &Group, j: usize| g.values.get(j).copied().flatten().filter(|v| v.is_finite());
    let any = spec
        .rows
        .iter()
        .any(|g| (0..k).any(|j| value(g, j).is_some()));
    if k == 0 || !any {
        return canvas::no_data(spec.title);
    }

    // Row geometry: one bar per row, or k thinner bars per group.
    let (bar_h, sub, group_h) = if k == 1 {
        (26, 40, 40)
    } else {
        (20, 24, 24 * k as i32 + 18)
    };

    let legend: Vec<(&str, &str)> = spec
        .series
        .iter()
        .zip(spec.colours)
        .map(|(name, colour)| (*colour, *name))
        .collect();
    let width = if spec.narrow { NARROW_WIDTH } else { WIDTH };
    let header = Header::sized(spec.title, &legend, width);
    let ref_band = if spec.reference.is_some() { 30 } else { 0 };
    let (x0, label_w) = if spec.narrow {
        (PAD, f64::from(width - 2 * PAD))
    } else {
        canvas::label_area(spec.rows.iter().map(|g| g.label.as_str()))
    };
    // A narrow row is its label's line, then the bars.
    let label_h = if spec.narrow { NARROW_LABEL_H } else { 0 };
    let row_h = label_h + group_h;
    let plot = Plot {
        x0,
        x1: width - value_reserve(),
        y0: header.bottom + ref_band,
        y1: header.bottom + ref_band + row_h * spec.rows.len() as i32 + 8,
    };
    let height = plot.y1 + AXIS_H + BOTTOM_PAD;

    canvas::render_sized(spec.title, width, height, |root| {
        header.draw(root)?;
        let row_top = |i: usize| plot.y0 + 4 + row_h * i as i32;
        // Zebra stripes across label and plot, so a label is easy to follow to its bars.
        for i in (1..spec.rows.len()).step_by(2) {
            fill_rect(
                root,
                (PAD / 2, row_top(i)),
                (width - PAD / 2, row_top(i) + row_h),
                &ZEBRA,
            )?;
        }
        let scale = canvas::x_axis(root, &plot, spec.axis)?;

        let label_style = if spec.ranked || spec.narrow {
            font(FONT_PX, &DARK, HPos::Left, VPos::Center)
        } else {
            font(FONT_PX, &DARK, HPos::Right, VPos::Center)
        };
        let label_x = if spec.ranked || spec.narrow {
            PAD
        } else {
            plot.x0 - LABEL_GAP
        };
        // Vertical centre of bar j in row i.
        let bar_cy = |i: usize, j: usize| {
            row_top(i) + label_h + (group_h - sub * k as i32) / 2 + sub * j as i32 + sub / 2
        };
        for (i, g) in spec.rows.iter().enumerate() {
            let label = text::truncate(&g.label, FONT_PX, label_w);
            let label_y = if spec.narrow {
                row_top(i) + label_h / 2
            } else {
                row_top(i) + group_h / 2
            };
            draw_text(root, &label, (label_x, label_y), &label_style)?;
            for (j, colour) in spec.colours.iter().enumerate() {
                let end = value(g, j).map_or(plot.x0, |v| scale.px(v));
                if end > plot.x0 {
                    let cy = bar_cy(i, j);
                    fill_rect(
                        root,
                        (plot.x0, cy - bar_h / 2),
                        (end, cy + bar_h / 2),
                        &rgb(colour),
                    )?;
                }
            }
        }

        // The reference line goes over the bars, under the values.
        if let Some((at, label)) = spec.reference.filter(|(v, _)| v.is_finite()) {
            let x = scale.px(at);
            let dash = DashedPathElement::new(
                vec![(x, plot.y0 - 6), (x, plot.y1)],
                8,
                5,
                DARK.stroke_width(2),
            );
            root.draw(&dash)?;
            // Keep the label on the canvas when the line is near an edge.
            let half = (text::width(label, FONT_PX) / 2.0).ceil() as i32;
            let (hx, hpos) = if x + half > width - PAD {
                (x + 4, HPos::Right)
            } else if x - half < PAD {
                (x - 4, HPos::Left)
            } else {
                (x, HPos::Center)
            };
            draw_text(
                root,
                label,
                (hx, plot.y0 - 16),
                &font(FONT_PX, &DARK, hpos, VPos::Center),
            )?;
        }

        for (i, g) in spec.rows.iter().enumerate() {
            let bg = if i % 2 == 1 { ZEBRA } else { WHITE };
            for j in 0..k {
                let cy = bar_cy(i, j);
                match value(g, j) {
                    Some(v) => value_label(root, &text::fmt1(v), scale.px(v) + 6, cy, &DARK, &bg)?,
                    None => value_label(root, "无数据", plot.x0 + 6, cy, &MUTED, &bg)?,
                }
            }
        }
        Ok(())
    })
}
