//! Charts with plotters, as PNG (1280×720) and SVG, with an embedded font
//! (DejaVu Sans, `assets/fonts/`) so that text renders on a machine with no
//! system fonts. Every chart has a title (which states the finding), axis
//! labels with units, a footer saying what the chart shows, and its
//! uncertainty (95% CI bands or intervals).
//!
//! Readable without colour: each series has its own marker shape and line
//! pattern as well as its colour (the Okabe–Ito palette, safe for
//! colour-blind readers), so the series stay apart in greyscale and in
//! print. Legends sit in their own strip beside the plot, never over data.
//! Count axes start at zero. Crowded charts are drawn as small multiples
//! (one small panel per borough, site or role, on a shared scale).

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::FontStyle;
use std::path::Path;

/// Pixel size of every chart.
pub const SIZE: (u32, u32) = (1280, 720);
const FONT: &str = "sans-serif";
static FONT_BYTES: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
/// Width of the legend strip on the right of a chart.
const LEGEND_WIDTH: u32 = 300;

/// Okabe–Ito colours.
pub const PALETTE: [RGBColor; 8] = [
    RGBColor(0, 114, 178),
    RGBColor(230, 159, 0),
    RGBColor(0, 158, 115),
    RGBColor(213, 94, 0),
    RGBColor(86, 180, 233),
    RGBColor(204, 121, 167),
    RGBColor(120, 100, 0),
    RGBColor(0, 0, 0),
];

/// (marker shape, line pattern) of each style index (cycled): chosen so
/// that two series sharing a line pattern have markers unlike each other
/// (filled against open or a cross), and the other way round.
const STYLES: [(usize, usize); 8] = [
    (0, 0),
    (1, 1),
    (2, 2),
    (4, 3),
    (3, 4),
    (5, 0),
    (4, 1),
    (5, 2),
];

/// Registers the embedded font (once).
pub fn register_fonts() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        for style in [FontStyle::Normal, FontStyle::Bold] {
            let _ = plotters::style::register_font(FONT, style, FONT_BYTES);
        }
    });
}

/// A point with its interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    /// x.
    pub x: f64,
    /// Mean.
    pub y: f64,
    /// Interval low.
    pub lo: f64,
    /// Interval high.
    pub hi: f64,
}

/// A named series.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// Legend label.
    pub name: String,
    /// Points, in x order.
    pub points: Vec<Point>,
    /// Drawn dashed whatever its position (e.g. demand against supply).
    pub dashed: bool,
    /// Style index: colour, marker and pattern (default: the series' position).
    pub colour: Option<usize>,
}

/// A line chart with uncertainty bands.
#[derive(Debug, Clone, PartialEq)]
pub struct LineChart {
    /// Title.
    pub title: String,
    /// x-axis label with unit.
    pub x_label: String,
    /// y-axis label with unit.
    pub y_label: String,
    /// Series.
    pub series: Vec<Series>,
    /// A horizontal reference line (value, label).
    pub reference: Option<(f64, String)>,
    /// Whether x values are years (whole-number ticks).
    pub integer_x: bool,
    /// Whether the y axis starts at zero (counts).
    pub zero: bool,
}

/// Small multiples: one small line chart per panel (borough, site, role),
/// on a shared y scale, with one legend for all.
#[derive(Debug, Clone, PartialEq)]
pub struct Panels {
    /// Title.
    pub title: String,
    /// y-axis label with unit.
    pub y_label: String,
    /// Panels: each a chart whose title is the panel's name.
    pub panels: Vec<LineChart>,
    /// Whether the y axis starts at zero (counts).
    pub zero: bool,
    /// A horizontal reference line in every panel (value, label).
    pub reference: Option<(f64, String)>,
    /// Whether the panels share one y scale (the same measure in each) or
    /// each has its own (a different measure per panel).
    pub shared_y: bool,
}

/// One row of a forest plot: label, style index, point.
pub type ForestRow = (String, usize, Point);

/// One panel of a forest plot: its heading (a year) and rows.
pub type ForestPanel = (String, Vec<ForestRow>);

/// Horizontal intervals (a forest plot), one panel per year: one row per
/// option, ordered by effect.
#[derive(Debug, Clone, PartialEq)]
pub struct Forest {
    /// Title.
    pub title: String,
    /// x-axis label.
    pub x_label: String,
    /// Which way is better on the x axis: true if to the right (no cue
    /// when neither way is better).
    pub better_right: Option<bool>,
    /// Panels: heading (the year) and rows: label, style index, point.
    pub panels: Vec<ForestPanel>,
}

/// Stacked bars: one bar per label, one segment per part.
#[derive(Debug, Clone, PartialEq)]
pub struct Stacked {
    /// Title.
    pub title: String,
    /// y-axis label.
    pub y_label: String,
    /// Part names (legend).
    pub parts: Vec<String>,
    /// Bars: label and one value per part.
    pub bars: Vec<(String, Vec<f64>)>,
}

/// What to draw.
#[derive(Debug, Clone, PartialEq)]
pub enum Chart {
    /// Lines with bands.
    Line(LineChart),
    /// Small multiples of lines.
    Panels(Panels),
    /// Forest plot.
    Forest(Forest),
    /// Stacked bars.
    Stacked(Stacked),
    /// Points (one cloud per series), with axes through zero.
    Scatter(Scatter),
}

/// A scatter of points, one cloud per series (e.g. the cost-effectiveness
/// plane: one point per replication and option).
#[derive(Debug, Clone, PartialEq)]
pub struct Scatter {
    /// Title.
    pub title: String,
    /// x-axis label.
    pub x_label: String,
    /// y-axis label.
    pub y_label: String,
    /// (legend label, points (x, y)).
    pub series: Vec<(String, Vec<(f64, f64)>)>,
}

impl Chart {
    /// The title.
    pub fn title(&self) -> &str {
        match self {
            Chart::Line(c) => &c.title,
            Chart::Panels(c) => &c.title,
            Chart::Forest(c) => &c.title,
            Chart::Stacked(c) => &c.title,
            Chart::Scatter(c) => &c.title,
        }
    }
}

type DrawResult<DB> = Result<(), DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

fn range(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for v in values.filter(|v| v.is_finite()) {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if !lo.is_finite() {
        return (0.0, 1.0);
    }
    let pad = ((hi - lo) * 0.06)
        .max(hi.abs().max(lo.abs()) * 0.01)
        .max(1e-6);
    (lo - pad, hi + pad)
}

/// The y range of line charts: the means and reference line, widened to
/// the intervals but never by more than the means' own span on either side
/// (a wild interval of a tiny unit must not flatten everything else); from
/// zero for counts.
fn y_range<'a>(charts: impl Iterator<Item = &'a LineChart> + Clone, zero: bool) -> (f64, f64) {
    let means = charts
        .clone()
        .flat_map(|c| {
            c.series
                .iter()
                .flat_map(|s| s.points.iter().map(|p| p.y))
                .chain(c.reference.iter().map(|r| r.0))
        })
        .collect::<Vec<_>>();
    let (lo, hi) = range(means.into_iter());
    let span = (hi - lo).max(1e-6);
    let bounds = charts
        .flat_map(|c| {
            c.series
                .iter()
                .flat_map(|s| s.points.iter().flat_map(|p| [p.lo, p.hi]))
        })
        .collect::<Vec<_>>();
    let (blo, bhi) = range(bounds.into_iter().chain([lo, hi]));
    let (mut y0, y1) = (blo.max(lo - span), bhi.min(hi + span));
    if zero || (y0 > 0.0 && y0 < (y1 - y0)) {
        y0 = y0.min(0.0);
    }
    (y0, y1.max(y0 + 1e-6))
}

/// The x range of line charts, padded.
fn x_range<'a>(charts: impl Iterator<Item = &'a LineChart>) -> (f64, f64) {
    let (x0, x1) = charts
        .flat_map(|c| c.series.iter().flat_map(|s| s.points.iter().map(|p| p.x)))
        .filter(|x| x.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| {
            (a.min(x), b.max(x))
        });
    let (x0, x1) = if x0.is_finite() {
        (x0, x1.max(x0 + 1.0))
    } else {
        (0.0, 1.0)
    };
    let pad = (x1 - x0) * 0.03;
    (x0 - pad, x1 + pad)
}

/// The style of a series: its colour, marker shape and line pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Style {
    /// Palette index.
    pub colour: usize,
    /// Marker shape index (0 filled circle, 1 filled triangle, 2 filled
    /// square, 3 filled diamond, 4 open circle, 5 cross).
    pub shape: usize,
    /// Line pattern (0 solid, 1 dashed, 2 dotted, 3 long dash, 4 dash-dot).
    pub pattern: usize,
}

/// The style of the series at style index `i`, forced dashed if `dashed`.
/// The first eight indices (the palette's colours) all differ in marker or
/// pattern.
pub fn style(i: usize, dashed: bool) -> Style {
    let (shape, pattern) = STYLES[i % STYLES.len()];
    Style {
        colour: i % PALETTE.len(),
        shape,
        pattern: if dashed { 1 } else { pattern },
    }
}

/// Draws `style`'s line through pixel points.
fn pattern_line<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    pts: &[(i32, i32)],
    st: Style,
    width: u32,
) -> DrawResult<DB> {
    let colour = PALETTE[st.colour];
    let dashes: &[f64] = match st.pattern {
        0 => {
            return area.draw(&PathElement::new(pts.to_vec(), colour.stroke_width(width)));
        }
        1 => &[12.0, 7.0],
        2 => &[3.0, 5.0],
        3 => &[24.0, 7.0],
        _ => &[14.0, 5.0, 3.0, 5.0],
    };
    // Walk the polyline, drawing the even-numbered lengths of `dashes` and
    // skipping the odd ones.
    let mut k = 0;
    let mut drawing = true;
    let mut left = dashes[0];
    for w in pts.windows(2) {
        let (a, b) = (
            (w[0].0 as f64, w[0].1 as f64),
            (w[1].0 as f64, w[1].1 as f64),
        );
        let len = ((b.0 - a.0).powi(2) + (b.1 - a.1).powi(2)).sqrt();
        let mut t = 0.0;
        while t < len {
            let step = left.min(len - t);
            let p = |u: f64| {
                (
                    (a.0 + (b.0 - a.0) * u / len.max(1e-9)).round() as i32,
                    (a.1 + (b.1 - a.1) * u / len.max(1e-9)).round() as i32,
                )
            };
            if drawing {
                area.draw(&PathElement::new(
                    vec![p(t), p(t + step)],
                    colour.stroke_width(width),
                ))?;
            }
            t += step;
            left -= step;
            if left <= 1e-9 {
                drawing = !drawing;
                k = (k + 1) % dashes.len();
                left = dashes[k];
            }
        }
    }
    Ok(())
}

/// Draws `style`'s marker at pixel `p`, of radius `r`.
fn marker<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    p: (i32, i32),
    st: Style,
    r: i32,
) -> DrawResult<DB> {
    let colour = PALETTE[st.colour];
    let (x, y) = p;
    match st.shape {
        0 => area.draw(&Circle::new(p, r, colour.filled())),
        1 => area.draw(&Polygon::new(
            vec![(x, y - r - 1), (x + r + 1, y + r), (x - r - 1, y + r)],
            colour.filled(),
        )),
        2 => area.draw(&Rectangle::new(
            [(x - r, y - r), (x + r, y + r)],
            colour.filled(),
        )),
        3 => area.draw(&Polygon::new(
            vec![
                (x, y - r - 2),
                (x + r + 2, y),
                (x, y + r + 2),
                (x - r - 2, y),
            ],
            colour.filled(),
        )),
        4 => {
            area.draw(&Circle::new(p, r + 1, WHITE.filled()))?;
            area.draw(&Circle::new(p, r + 1, colour.stroke_width(2)))
        }
        _ => {
            area.draw(&PathElement::new(
                vec![(x - r - 1, y - r - 1), (x + r + 1, y + r + 1)],
                colour.stroke_width(3),
            ))?;
            area.draw(&PathElement::new(
                vec![(x - r - 1, y + r + 1), (x + r + 1, y - r - 1)],
                colour.stroke_width(3),
            ))
        }
    }
}

/// The legend, in its own area: one row per entry with the line pattern,
/// the marker and the label.
fn legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    entries: &[(String, Style)],
    reference: Option<&str>,
    top: i32,
) -> DrawResult<DB> {
    let style = TextStyle::from((FONT, 15)).color(&BLACK);
    let mut y = top;
    for (name, st) in entries {
        pattern_line(area, &[(8, y), (52, y)], *st, 3)?;
        marker(area, (30, y), *st, 5)?;
        for (k, line) in wrap(name, 28).iter().enumerate() {
            area.draw_text(line, &style, (62, y - 8 + 17 * k as i32))?;
            if k > 0 {
                y += 17;
            }
        }
        y += 26;
    }
    if let Some(label) = reference {
        let grey = Style {
            colour: 7,
            shape: 0,
            pattern: 1,
        };
        pattern_line(area, &[(8, y), (52, y)], grey, 2)?;
        for (k, line) in wrap(label, 28).iter().enumerate() {
            area.draw_text(line, &style, (62, y - 8 + 17 * k as i32))?;
        }
    }
    Ok(())
}

/// Splits `text` into lines of at most about `width` characters.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for word in text.split_whitespace() {
        match lines.last_mut() {
            Some(l) if l.chars().count() + 1 + word.chars().count() <= width => {
                l.push(' ');
                l.push_str(word);
            }
            _ => lines.push(word.to_string()),
        }
    }
    if lines.is_empty() {
        lines.push(String::new());
    }
    lines
}

/// The label of a year or value on the x axis.
fn x_formatter(integer: bool) -> impl Fn(&f64) -> String {
    move |x: &f64| {
        if !integer {
            format!("{x}")
        } else if (x - x.round()).abs() < 1e-6 {
            format!("{:.0}", x)
        } else {
            String::new()
        }
    }
}

/// A y-axis number with thousands separators.
fn y_formatter(y: &f64) -> String {
    let decimals = if y.abs() >= 10.0 || *y == 0.0 { 0 } else { 1 };
    super::labels::thousands(*y, decimals)
}

/// Draws one line chart's plot (no legend) in `area`, on the given ranges;
/// `small` for a panel of small multiples.
#[allow(clippy::too_many_arguments)]
fn plot_lines<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    c: &LineChart,
    xr: (f64, f64),
    yr: (f64, f64),
    caption: Option<&str>,
    small: bool,
) -> DrawResult<DB> {
    let (x0, x1) = xr;
    let (y0, y1) = yr;
    let clamp = |y: f64| y.clamp(y0, y1);
    let mut builder = ChartBuilder::on(area);
    if let Some(caption) = caption {
        builder.caption(caption, (FONT, if small { 17 } else { 28 }));
    }
    let mut chart = builder
        .margin(if small { 6 } else { 16 })
        .x_label_area_size(if small { 28 } else { 55 })
        .y_label_area_size(if small { 58 } else { 95 })
        .build_cartesian_2d(x0..x1, y0..y1)?;
    let integer = c.integer_x;
    let xf = x_formatter(integer);
    let mut mesh = chart.configure_mesh();
    mesh.x_labels(if integer {
        let n = ((x1 - x0).round() as usize + 1).min(30);
        if small { n.div_ceil(2).min(6) } else { n }
    } else {
        10
    })
    .y_labels(if small { 5 } else { 10 })
    .x_label_formatter(&xf)
    .y_label_formatter(&y_formatter)
    .label_style((FONT, if small { 12 } else { 17 }))
    .axis_desc_style((FONT, 18))
    .light_line_style(RGBColor(247, 247, 247));
    if !small {
        mesh.x_desc(&c.x_label).y_desc(&c.y_label);
    }
    mesh.draw()?;
    if let Some((value, _)) = &c.reference {
        chart.draw_series(DashedLineSeries::new(
            vec![(x0, *value), (x1, *value)],
            6,
            6,
            RGBColor(60, 60, 60).stroke_width(2),
        ))?;
    }
    for (i, s) in c.series.iter().enumerate() {
        let st = style(s.colour.unwrap_or(i), s.dashed);
        let colour = PALETTE[st.colour];
        let band: Vec<(f64, f64)> = s
            .points
            .iter()
            .filter(|p| p.lo.is_finite() && p.hi.is_finite())
            .map(|p| (p.x, clamp(p.hi)))
            .chain(
                s.points
                    .iter()
                    .rev()
                    .filter(|p| p.lo.is_finite() && p.hi.is_finite())
                    .map(|p| (p.x, clamp(p.lo))),
            )
            .collect();
        if band.len() >= 4 {
            chart.draw_series(std::iter::once(Polygon::new(
                band,
                colour.mix(0.15).filled(),
            )))?;
        }
    }
    let plot = chart.plotting_area();
    for (i, s) in c.series.iter().enumerate() {
        let st = style(s.colour.unwrap_or(i), s.dashed);
        let pixels: Vec<(i32, i32)> = s
            .points
            .iter()
            .filter(|p| p.y.is_finite())
            .map(|p| plot.map_coordinate(&(p.x, clamp(p.y))))
            .collect();
        // Map back to the area's own pixels (the plot is inside it).
        let (ox, oy) = area.get_base_pixel();
        let local: Vec<(i32, i32)> = pixels.iter().map(|(x, y)| (x - ox, y - oy)).collect();
        pattern_line(area, &local, st, if small { 2 } else { 3 })?;
        for p in &local {
            marker(area, *p, st, if small { 3 } else { 5 })?;
        }
    }
    Ok(())
}

fn draw_line<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, c: &LineChart) -> DrawResult<DB> {
    let (w, _) = area.dim_in_pixel();
    let (plot, side) = area.split_horizontally(w.saturating_sub(LEGEND_WIDTH));
    let xr = x_range(std::iter::once(c));
    let yr = y_range(std::iter::once(c), c.zero);
    plot_lines(&plot, c, xr, yr, Some(&c.title), false)?;
    let entries: Vec<(String, Style)> = c
        .series
        .iter()
        .enumerate()
        .map(|(i, s)| (s.name.clone(), style(s.colour.unwrap_or(i), s.dashed)))
        .collect();
    legend(
        &side,
        &entries,
        c.reference.as_ref().map(|r| r.1.as_str()),
        70,
    )
}

fn draw_panels<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, c: &Panels) -> DrawResult<DB> {
    let (w, _) = area.dim_in_pixel();
    let area = area.titled(&c.title, (FONT, 26))?;
    let (grid, side) = area.split_horizontally(w.saturating_sub(LEGEND_WIDTH));
    let n = c.panels.len().max(1);
    let cols = match n {
        1 => 1,
        2..=4 => 2,
        5..=9 => 3,
        _ => 4,
    };
    let rows = n.div_ceil(cols);
    let cells = grid.split_evenly((rows, cols));
    let xr = x_range(c.panels.iter());
    let with_ref: Vec<LineChart> = c
        .panels
        .iter()
        .map(|p| LineChart {
            reference: c.reference.clone(),
            ..p.clone()
        })
        .collect();
    let yr = y_range(with_ref.iter(), c.zero);
    for (cell, p) in cells.iter().zip(&with_ref) {
        let yr = if c.shared_y {
            yr
        } else {
            y_range(std::iter::once(p), p.zero)
        };
        plot_lines(cell, p, xr, yr, Some(&p.title), true)?;
    }
    let entries: Vec<(String, Style)> = c
        .panels
        .first()
        .map(|p| {
            p.series
                .iter()
                .enumerate()
                .map(|(i, s)| (s.name.clone(), style(s.colour.unwrap_or(i), s.dashed)))
                .collect()
        })
        .unwrap_or_default();
    side.draw_text(
        &c.y_label,
        &TextStyle::from((FONT, 15)).color(&RGBColor(60, 60, 60)),
        (8, 10),
    )?;
    legend(
        &side,
        &entries,
        c.reference.as_ref().map(|r| r.1.as_str()),
        60,
    )
}

/// The label of a category axis at a whole-number position (rows of a
/// forest plot, bars of a bar chart); nothing between positions.
fn index_label(labels: &[String], at: f64) -> String {
    let i = at.round();
    if (at - i).abs() < 1e-6 && i >= 0.0 {
        labels.get(i as usize).cloned().unwrap_or_default()
    } else {
        String::new()
    }
}

fn draw_forest<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, c: &Forest) -> DrawResult<DB> {
    let area = area.titled(&c.title, (FONT, 26))?;
    let (x0, x1) = range(
        c.panels
            .iter()
            .flat_map(|(_, rows)| rows.iter().flat_map(|(_, _, p)| [p.lo, p.hi, 0.0])),
    );
    let (w, h) = area.dim_in_pixel();
    let (body, cue) = area.split_vertically(h.saturating_sub(30));
    let cells = body.split_evenly((1, c.panels.len().max(1)));
    for (cell, (heading, rows)) in cells.iter().zip(&c.panels) {
        let n = rows.len().max(1) as f64;
        let mut chart = ChartBuilder::on(cell)
            .caption(heading, (FONT, 20))
            .margin(12)
            .x_label_area_size(50)
            .y_label_area_size(if c.panels.len() > 1 { 200 } else { 320 })
            .build_cartesian_2d(x0..x1, -0.5..(n - 0.5))?;
        let labels: Vec<String> = rows.iter().map(|r| r.0.clone()).collect();
        chart
            .configure_mesh()
            .x_desc(&c.x_label)
            .y_labels(rows.len().max(1))
            .y_label_formatter(&|y| index_label(&labels, *y))
            .x_label_formatter(&y_formatter)
            .label_style((FONT, 14))
            .axis_desc_style((FONT, 15))
            .light_line_style(RGBColor(247, 247, 247))
            .draw()?;
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(0.0, -0.5), (0.0, n - 0.5)],
            BLACK.stroke_width(1),
        )))?;
        for (i, (_, group, p)) in rows.iter().enumerate() {
            let st = style(*group, false);
            let colour = PALETTE[st.colour];
            let y = i as f64;
            chart.draw_series(std::iter::once(PathElement::new(
                vec![(p.lo, y), (p.hi, y)],
                colour.stroke_width(3),
            )))?;
            let at = chart.plotting_area().map_coordinate(&(p.y, y));
            let (ox, oy) = cell.get_base_pixel();
            marker(cell, (at.0 - ox, at.1 - oy), st, 7)?;
        }
    }
    let Some(better_right) = c.better_right else {
        return Ok(());
    };
    let text = if better_right {
        "better →"
    } else {
        "← better"
    };
    let style = TextStyle::from((FONT, 18)).color(&RGBColor(0, 90, 50));
    let x = if better_right { w as i32 - 180 } else { 60 };
    cue.draw_text(text, &style, (x, 4))
}

fn draw_stacked<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, c: &Stacked) -> DrawResult<DB> {
    let n = c.bars.len().max(1) as f64;
    let top = c
        .bars
        .iter()
        .map(|(_, v)| v.iter().filter(|x| x.is_finite()).sum::<f64>())
        .fold(1.0, f64::max)
        * 1.05;
    let labels: Vec<String> = c.bars.iter().map(|b| b.0.clone()).collect();
    let (w, _) = area.dim_in_pixel();
    let (plot, side) = area.split_horizontally(w.saturating_sub(LEGEND_WIDTH));
    let mut chart = ChartBuilder::on(&plot)
        .caption(&c.title, (FONT, 28))
        .margin(16)
        .x_label_area_size(80)
        .y_label_area_size(95)
        .build_cartesian_2d(-0.5..(n - 0.5), 0.0..top)?;
    chart
        .configure_mesh()
        .y_desc(&c.y_label)
        .x_labels(c.bars.len().max(1))
        .x_label_formatter(&|x| index_label(&labels, *x))
        .y_label_formatter(&y_formatter)
        .label_style((FONT, 14))
        .axis_desc_style((FONT, 18))
        .light_line_style(RGBColor(247, 247, 247))
        .draw()?;
    // Parts are told apart by colour and by hatching density (greyscale).
    for (k, _) in c.parts.iter().enumerate() {
        let colour = PALETTE[k % PALETTE.len()];
        for (i, (_, values)) in c.bars.iter().enumerate() {
            let base: f64 = values[..k.min(values.len())]
                .iter()
                .filter(|x| x.is_finite())
                .sum();
            let v = values
                .get(k)
                .copied()
                .filter(|x| x.is_finite())
                .unwrap_or(0.0);
            let x = i as f64;
            chart.draw_series(std::iter::once(Rectangle::new(
                [(x - 0.35, base), (x + 0.35, base + v)],
                colour.filled(),
            )))?;
            chart.draw_series(std::iter::once(Rectangle::new(
                [(x - 0.35, base), (x + 0.35, base + v)],
                WHITE.stroke_width(2),
            )))?;
        }
    }
    let style = TextStyle::from((FONT, 15)).color(&BLACK);
    for (k, part) in c.parts.iter().enumerate().rev() {
        let y = 80 + 30 * (c.parts.len() - 1 - k) as i32;
        let colour = PALETTE[k % PALETTE.len()];
        side.draw(&Rectangle::new([(10, y - 9), (34, y + 9)], colour.filled()))?;
        side.draw_text(part, &style, (44, y - 8))?;
    }
    side.draw_text(
        "(top to bottom, as stacked)",
        &TextStyle::from((FONT, 13)).color(&RGBColor(90, 90, 90)),
        (10, 50),
    )
}

fn draw_scatter<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, c: &Scatter) -> DrawResult<DB> {
    let all = || c.series.iter().flat_map(|(_, p)| p.iter());
    let (x0, x1) = range(all().map(|p| p.0).chain([0.0]));
    let (y0, y1) = range(all().map(|p| p.1).chain([0.0]));
    let (w, _) = area.dim_in_pixel();
    let (plot, side) = area.split_horizontally(w.saturating_sub(LEGEND_WIDTH));
    let mut chart = ChartBuilder::on(&plot)
        .caption(&c.title, (FONT, 26))
        .margin(16)
        .x_label_area_size(60)
        .y_label_area_size(110)
        .build_cartesian_2d(x0..x1, y0..y1)?;
    chart
        .configure_mesh()
        .x_desc(&c.x_label)
        .y_desc(&c.y_label)
        .x_label_formatter(&y_formatter)
        .y_label_formatter(&y_formatter)
        .label_style((FONT, 14))
        .axis_desc_style((FONT, 16))
        .light_line_style(RGBColor(247, 247, 247))
        .draw()?;
    chart.draw_series([
        PathElement::new(vec![(x0, 0.0), (x1, 0.0)], BLACK.stroke_width(1)),
        PathElement::new(vec![(0.0, y0), (0.0, y1)], BLACK.stroke_width(1)),
    ])?;
    let (ox, oy) = plot.get_base_pixel();
    for (i, (_, points)) in c.series.iter().enumerate() {
        let st = style(i, false);
        for p in points {
            let at = chart.plotting_area().map_coordinate(p);
            marker(&plot, (at.0 - ox, at.1 - oy), st, 5)?;
        }
    }
    let entries: Vec<(String, Style)> = c
        .series
        .iter()
        .enumerate()
        .map(|(i, (name, _))| (name.clone(), style(i, false)))
        .collect();
    legend(&side, &entries, None, 60)
}

fn draw<DB: DrawingBackend>(
    root: DrawingArea<DB, Shift>,
    chart: &Chart,
    footer: &str,
) -> DrawResult<DB> {
    root.fill(&WHITE)?;
    let (main, foot) = root.split_vertically(SIZE.1 - 30);
    match chart {
        Chart::Line(c) => draw_line(&main, c)?,
        Chart::Panels(c) => draw_panels(&main, c)?,
        Chart::Forest(c) => draw_forest(&main, c)?,
        Chart::Stacked(c) => draw_stacked(&main, c)?,
        Chart::Scatter(c) => draw_scatter(&main, c)?,
    }
    foot.draw_text(
        footer,
        &TextStyle::from((FONT, 14)).color(&RGBColor(80, 80, 80)),
        (20, 6),
    )?;
    root.present()
}

/// The chart as SVG text.
pub fn svg(chart: &Chart, footer: &str) -> Result<String, String> {
    register_fonts();
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, SIZE).into_drawing_area();
        draw(root, chart, footer).map_err(|e| e.to_string())?;
    }
    Ok(out)
}

/// Draws the chart as a PNG at `path` (written to a temporary file in the
/// same folder, then renamed).
pub fn png(chart: &Chart, footer: &str, path: &Path) -> Result<(), String> {
    register_fonts();
    let dir = path.parent().unwrap_or(Path::new("."));
    let tmp = tempfile::Builder::new()
        .prefix(".carecap-")
        .suffix(".png")
        .tempfile_in(dir)
        .map_err(|e| e.to_string())?;
    {
        let root = BitMapBackend::new(tmp.path(), SIZE).into_drawing_area();
        draw(root, chart, footer).map_err(|e| e.to_string())?;
    }
    super::atomic::readable(tmp.path()).map_err(|e| e.to_string())?;
    tmp.persist(path).map_err(|e| e.error.to_string())?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flat(name: &str, y: f64) -> Series {
        Series {
            name: name.into(),
            points: (0..12)
                .map(|i| Point {
                    x: 2025.0 + i as f64,
                    y,
                    lo: f64::NAN,
                    hi: f64::NAN,
                })
                .collect(),
            dashed: false,
            colour: None,
        }
    }

    /// The greyscale ink profile of the row of pixels at `y` across the
    /// plot (x from `x0` to `x1`): 1 where dark, 0 where light, and the
    /// ink in a box around each marker.
    fn signature(grey: &image::GrayImage, y: u32, x0: u32, x1: u32) -> (Vec<u8>, Vec<u32>) {
        let dark = |x: u32, y: u32| (grey.get_pixel(x, y).0[0] < 200) as u8;
        let row: Vec<u8> = (x0..x1)
            .map(|x| (0..3).map(|d| dark(x, y + d - 1)).max().unwrap())
            .collect();
        let boxes: Vec<u32> = (x0..x1)
            .step_by(8)
            .map(|x| {
                (x..(x + 8).min(x1))
                    .flat_map(|x| (y - 8..=y + 8).map(move |yy| (x, yy)))
                    .map(|(x, yy)| dark(x, yy) as u32)
                    .sum()
            })
            .collect();
        (row, boxes)
    }

    #[test]
    fn series_stay_apart_in_greyscale() {
        // Eight series on flat lines far apart: in greyscale each must differ
        // from every other in its line pattern or its markers.
        let n = 8;
        let chart = Chart::Line(LineChart {
            title: "Eight series".into(),
            x_label: "Year".into(),
            y_label: "Value".into(),
            series: (0..n)
                .map(|i| flat(&format!("series {i}"), 10.0 * (i + 1) as f64))
                .collect(),
            reference: None,
            integer_x: true,
            zero: true,
        });
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("chart.png");
        png(&chart, "footer", &path).unwrap();
        let grey = image::open(&path).unwrap().to_luma8();
        // Find each series' row: the darkest rows of the plot's middle column.
        let Chart::Line(c) = &chart else {
            unreachable!()
        };
        let (_, yr) = (
            x_range(std::iter::once(c)),
            y_range(std::iter::once(c), true),
        );
        // The plot area as plot_lines builds it: margin 16, caption ~40,
        // x labels 55, y labels 95, legend strip on the right.
        let top = 16 + 40;
        let bottom = (SIZE.1 - 30) as i32 - 16 - 55;
        let to_px =
            |v: f64| bottom - ((v - yr.0) / (yr.1 - yr.0) * (bottom - top) as f64).round() as i32;
        let x0 = 16 + 95 + 20;
        let x1 = SIZE.0 - LEGEND_WIDTH - 40;
        let mut signatures = Vec::new();
        for i in 0..n {
            let expected = to_px(10.0 * (i + 1) as f64);
            // The row with the most ink within a few pixels of the expected one.
            let y = (expected - 8..=expected + 8)
                .max_by_key(|y| {
                    (x0..x1)
                        .filter(|x| grey.get_pixel(*x, *y as u32).0[0] < 200)
                        .count()
                })
                .unwrap() as u32;
            let sig = signature(&grey, y, x0, x1);
            let ink = sig.0.iter().filter(|d| **d == 1).count();
            assert!(
                ink > 100,
                "series {i} not found on its row ({ink} dark pixels)"
            );
            signatures.push(sig);
        }
        for i in 0..n {
            for j in 0..i {
                let (a, b) = (&signatures[i], &signatures[j]);
                let line_diff = a.0.iter().zip(&b.0).filter(|(x, y)| x != y).count();
                let box_diff: u32 = a.1.iter().zip(&b.1).map(|(x, y)| x.abs_diff(*y)).sum();
                assert!(
                    line_diff > 40 || box_diff > 150,
                    "series {i} and {j} look alike in greyscale ({line_diff} px of line, {box_diff} px of markers differ)"
                );
            }
        }
    }

    #[test]
    fn styles_differ_in_shape_or_pattern_for_eight_series() {
        let styles: Vec<(usize, usize)> = (0..8)
            .map(|i| {
                let s = style(i, false);
                (s.shape, s.pattern)
            })
            .collect();
        for i in 0..8 {
            for j in 0..i {
                assert_ne!(styles[i], styles[j], "{i} and {j}");
            }
        }
    }

    #[test]
    fn count_axes_start_at_zero() {
        let c = LineChart {
            title: String::new(),
            x_label: String::new(),
            y_label: String::new(),
            series: vec![flat("a", 500.0), flat("b", 520.0)],
            reference: None,
            integer_x: true,
            zero: true,
        };
        assert_eq!(y_range(std::iter::once(&c), true).0, 0.0);
        assert!(y_range(std::iter::once(&c), false).0 > 400.0);
    }
}
