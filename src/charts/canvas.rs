//! Shared layout and drawing: the canvas, title, legend, x axis, "暂无数据", and the
//! accessibility touches on the finished SVG.

use std::error::Error;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::FONT;
use super::text::{self, escape_xml};

pub(crate) const WIDTH: i32 = 720;
/// The width of a chart drawn for a phone: its labels above the bars, at a scale where an
/// 18 px label stays about 14 px on a 300 px wide screen.
pub(crate) const NARROW_WIDTH: i32 = 400;
/// Outer margin left, right and top.
pub(crate) const PAD: i32 = 16;
/// Body text: labels, values, legend, ticks.
pub(crate) const FONT_PX: f64 = 18.0;
const TITLE_PX: f64 = 22.0;
const TITLE_LINE: i32 = 32;
const LEGEND_LINE: i32 = 30;
const SWATCH: i32 = 16;
/// Below the plot: tick labels and the axis description.
pub(crate) const AXIS_H: i32 = 64;
pub(crate) const BOTTOM_PAD: i32 = 8;
/// Between category labels and the plot.
pub(crate) const LABEL_GAP: i32 = 10;

pub(crate) const DARK: RGBColor = RGBColor(0x22, 0x22, 0x22);
pub(crate) const MUTED: RGBColor = RGBColor(0x55, 0x55, 0x55);
pub(crate) const GRID: RGBColor = RGBColor(0xDD, 0xDD, 0xDD);
pub(crate) const ZEBRA: RGBColor = RGBColor(0xF4, 0xF4, 0xF4);
pub(crate) const TRACK: RGBColor = RGBColor(0xE6, 0xE6, 0xE6);

pub(crate) type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;
pub(crate) type DrawResult<T = ()> = Result<T, Box<dyn Error>>;

/// "#RRGGBB" to a colour (black if malformed).
pub(crate) fn rgb(hex: &str) -> RGBColor {
    let hex = hex.trim_start_matches('#');
    let byte = |i: usize| {
        hex.get(i..i + 2)
            .and_then(|h| u8::from_str_radix(h, 16).ok())
            .unwrap_or(0)
    };
    RGBColor(byte(0), byte(2), byte(4))
}

/// Black or white, whichever contrasts more with `bg` (WCAG relative luminance).
pub(crate) fn ink_on(bg: &RGBColor) -> RGBColor {
    let lin = |c: u8| {
        let c = f64::from(c) / 255.0;
        if c <= 0.04045 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    let l = 0.2126 * lin(bg.0) + 0.7152 * lin(bg.1) + 0.0722 * lin(bg.2);
    // Contrast with white (1.05 / (l + 0.05)) vs black ((l + 0.05) / 0.05).
    if 1.05 / (l + 0.05) >= (l + 0.05) / 0.05 {
        WHITE
    } else {
        BLACK
    }
}

/// Text style of `px` pixels in [`FONT`].
pub(crate) fn font(px: f64, colour: &RGBColor, h: HPos, v: VPos) -> TextStyle<'static> {
    // The SVG backend writes font-size = size / 1.24; undo that.
    FontDesc::new(FontFamily::Name(FONT), px * 1.24, FontStyle::Normal)
        .color(colour)
        .pos(Pos::new(h, v))
}

pub(crate) fn bold(px: f64, colour: &RGBColor, h: HPos, v: VPos) -> TextStyle<'static> {
    FontDesc::new(FontFamily::Name(FONT), px * 1.24, FontStyle::Bold)
        .color(colour)
        .pos(Pos::new(h, v))
}

pub(crate) fn draw_text(root: &Area, s: &str, at: (i32, i32), style: &TextStyle) -> DrawResult {
    root.draw(&Text::new(s, at, style.clone()))?;
    Ok(())
}

pub(crate) fn fill_rect(
    root: &Area,
    (x0, y0): (i32, i32),
    (x1, y1): (i32, i32),
    c: &RGBColor,
) -> DrawResult {
    root.draw(&Rectangle::new([(x0, y0), (x1, y1)], c.filled()))?;
    Ok(())
}

pub(crate) fn line(
    root: &Area,
    from: (i32, i32),
    to: (i32, i32),
    c: &RGBColor,
    w: u32,
) -> DrawResult {
    root.draw(&PathElement::new(vec![from, to], c.stroke_width(w)))?;
    Ok(())
}

/// A value printed left-aligned at `x`, vertically centred on `cy`, on a patch of
/// `bg` so grid and reference lines don't cross the digits.
pub(crate) fn value_label(
    root: &Area,
    s: &str,
    x: i32,
    cy: i32,
    c: &RGBColor,
    bg: &RGBColor,
) -> DrawResult {
    let w = text::width(s, FONT_PX).ceil() as i32;
    fill_rect(root, (x - 2, cy - 11), (x + w + 2, cy + 11), bg)?;
    draw_text(
        root,
        s,
        (x, cy),
        &font(FONT_PX, c, HPos::Left, VPos::Center),
    )
}

/// Title lines and a flowed legend at the top of a chart.
pub(crate) struct Header {
    title: Vec<String>,
    legend: Vec<(i32, i32, RGBColor, String)>,
    /// y where the content below the header starts.
    pub(crate) bottom: i32,
}

impl Header {
    pub(crate) fn new(title: &str, legend: &[(&str, &str)]) -> Header {
        Header::sized(title, legend, WIDTH)
    }

    /// The header of a canvas `width` wide.
    pub(crate) fn sized(title: &str, legend: &[(&str, &str)], width: i32) -> Header {
        let inner = f64::from(width - 2 * PAD);
        let title = text::wrap(title, TITLE_PX, inner, 2);
        let mut y = PAD + TITLE_LINE * title.len() as i32 + 6;
        let mut items = Vec::new();
        if !legend.is_empty() {
            let mut x = PAD;
            let cy = |y: i32| y + LEGEND_LINE / 2;
            for (colour, label) in legend {
                let label = text::truncate(label, FONT_PX, inner - f64::from(SWATCH + 6));
                let w = SWATCH + 6 + text::width(&label, FONT_PX).ceil() as i32;
                if x > PAD && x + w > width - PAD {
                    x = PAD;
                    y += LEGEND_LINE;
                }
                items.push((x, cy(y), rgb(colour), label));
                x += w + 20;
            }
            y += LEGEND_LINE + 8;
        }
        Header {
            title,
            legend: items,
            bottom: y + 4,
        }
    }

    pub(crate) fn draw(&self, root: &Area) -> DrawResult {
        let style = bold(TITLE_PX, &DARK, HPos::Left, VPos::Center);
        for (i, line) in self.title.iter().enumerate() {
            draw_text(
                root,
                line,
                (PAD, PAD + TITLE_LINE * i as i32 + TITLE_LINE / 2),
                &style,
            )?;
        }
        let style = font(FONT_PX, &DARK, HPos::Left, VPos::Center);
        for (x, cy, colour, label) in &self.legend {
            let half = SWATCH / 2;
            fill_rect(root, (*x, cy - half), (x + SWATCH, cy + half), colour)?;
            draw_text(root, label, (x + SWATCH + 6, *cy), &style)?;
        }
        Ok(())
    }
}

/// Left edge of the plot for category labels of `labels` that start at [`PAD`]:
/// the longest label's width, capped so the label area stays within 45 % of the
/// canvas. Returns (plot x0, max label width).
pub(crate) fn label_area<'a>(labels: impl Iterator<Item = &'a str>) -> (i32, f64) {
    let longest = labels.map(|l| text::width(l, FONT_PX)).fold(0.0, f64::max);
    let cap = f64::from(WIDTH) * 0.45 - f64::from(PAD + LABEL_GAP);
    let w = longest.min(cap).ceil();
    (PAD + w as i32 + LABEL_GAP, w)
}

/// The data rectangle in canvas pixels.
pub(crate) struct Plot {
    pub(crate) x0: i32,
    pub(crate) x1: i32,
    pub(crate) y0: i32,
    pub(crate) y1: i32,
}

/// Maps 0–100 onto the plot's x pixels (values outside are clamped).
pub(crate) struct XScale {
    x0: i32,
    x100: i32,
}

impl XScale {
    pub(crate) fn px(&self, v: f64) -> i32 {
        let v = if v.is_finite() {
            v.clamp(0.0, 100.0)
        } else {
            0.0
        };
        self.x0 + (v / 100.0 * f64::from(self.x100 - self.x0)).round() as i32
    }
}

/// Vertical grid, x axis 0–100 with ticks every 20 and the description `desc` under
/// the plot (the canvas keeps [`AXIS_H`] + [`BOTTOM_PAD`] below `plot.y1` for them).
pub(crate) fn x_axis(root: &Area, plot: &Plot, desc: &str) -> DrawResult<XScale> {
    let (w, h) = root.dim_in_pixel();
    let mut chart = ChartBuilder::on(root)
        .margin_left(plot.x0)
        .margin_right(w as i32 - plot.x1)
        .margin_top(plot.y0)
        .margin_bottom(h as i32 - plot.y1 - AXIS_H)
        .x_label_area_size(AXIS_H)
        .build_cartesian_2d(0f64..100f64, 0f64..1f64)?;
    let fmt = |v: &f64| format!("{v:.0}");
    chart
        .configure_mesh()
        .disable_y_mesh()
        .disable_y_axis()
        .x_labels(6)
        .x_max_light_lines(0)
        .x_label_formatter(&fmt)
        .x_label_style(font(FONT_PX, &MUTED, HPos::Center, VPos::Top))
        .x_desc(desc)
        .axis_desc_style(font(FONT_PX, &DARK, HPos::Center, VPos::Bottom))
        .bold_line_style(GRID.stroke_width(1))
        .axis_style(MUTED.stroke_width(1))
        .draw()?;
    Ok(XScale {
        x0: chart.backend_coord(&(0.0, 0.0)).0,
        x100: chart.backend_coord(&(100.0, 0.0)).0,
    })
}

/// Draws on a fresh white canvas of `height` and returns the finished SVG, or a
/// "暂无数据" chart should plotters report an error.
pub(crate) fn render(
    title: &str,
    height: i32,
    draw: impl FnOnce(&Area<'_>) -> DrawResult,
) -> String {
    render_sized(title, WIDTH, height, draw)
}

/// [`render`] on a canvas `width` wide.
pub(crate) fn render_sized(
    title: &str,
    width: i32,
    height: i32,
    draw: impl FnOnce(&Area<'_>) -> DrawResult,
) -> String {
    try_render(title, width, height, draw).unwrap_or_else(|_| no_data(title))
}

fn try_render(
    title: &str,
    width: i32,
    height: i32,
    draw: impl FnOnce(&Area<'_>) -> DrawResult,
) -> DrawResult<String> {
    let mut buf = String::new();
    {
        let size = (width.max(1) as u32, height.max(1) as u32);
        let root = SVGBackend::with_string(&mut buf, size).into_drawing_area();
        root.fill(&WHITE)?;
        draw(&root)?;
        root.present()?;
    }
    Ok(finish(&buf, title))
}

/// The chart for no data: title and "暂无数据" in the middle.
pub(crate) fn no_data(title: &str) -> String {
    let header = Header::new(title, &[]);
    let height = header.bottom + 140;
    let drawn = try_render(title, WIDTH, height, |root| {
        header.draw(root)?;
        let style = font(22.0, &MUTED, HPos::Center, VPos::Center);
        draw_text(root, "暂无数据", (WIDTH / 2, header.bottom + 60), &style)
    });
    // Unreachable in practice (the string backend can't fail); stay valid anyway.
    drawn.unwrap_or_else(|_| {
        let t = escape_xml(title);
        format!(
            "<svg role=\"img\" aria-label=\"{t}\" width=\"{WIDTH}\" height=\"160\" viewBox=\"0 0 {WIDTH} 160\" xmlns=\"http://www.w3.org/2000/svg\">\n<title>{t}</title>\n<text x=\"360\" y=\"80\" text-anchor=\"middle\" font-family=\"{FONT}\" font-size=\"22\">暂无数据</text>\n</svg>"
        )
    })
}

/// Adds `role`, `aria-label` and `<title>` to plotters' output and trims it to end in
/// `</svg>`.
fn finish(svg: &str, title: &str) -> String {
    let svg = svg.trim();
    let t = escape_xml(title.trim());
    match (svg.strip_prefix("<svg"), svg.find('>')) {
        (Some(_), Some(end)) => format!(
            "<svg role=\"img\" aria-label=\"{t}\"{}\n<title>{t}</title>{}",
            &svg[4..=end],
            &svg[end + 1..]
        ),
        _ => svg.to_owned(),
    }
}
