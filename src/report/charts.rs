//! Charts with plotters, as PNG (1280×720) and SVG, with an embedded font
//! (DejaVu Sans, `assets/fonts/`) so that text renders on a machine with no
//! system fonts. Every chart has a title, axis labels with units, a legend,
//! a footer with provenance, and shows its uncertainty (95% CI bands or
//! intervals). Colours are the Okabe–Ito palette, safe for colour-blind
//! readers.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::FontStyle;
use std::path::Path;

/// Pixel size of every chart.
pub const SIZE: (u32, u32) = (1280, 720);
const FONT: &str = "sans-serif";
static FONT_BYTES: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");

/// Okabe–Ito colours.
pub const PALETTE: [RGBColor; 8] = [
    RGBColor(0, 114, 178),
    RGBColor(230, 159, 0),
    RGBColor(0, 158, 115),
    RGBColor(213, 94, 0),
    RGBColor(86, 180, 233),
    RGBColor(204, 121, 167),
    RGBColor(240, 228, 66),
    RGBColor(0, 0, 0),
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
    /// Drawn dashed (e.g. demand against supply).
    pub dashed: bool,
    /// Palette index (default: the series' position).
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
}

/// Horizontal intervals (a forest plot): one row per (label, estimate).
#[derive(Debug, Clone, PartialEq)]
pub struct Forest {
    /// Title.
    pub title: String,
    /// x-axis label.
    pub x_label: String,
    /// Rows: label, group (colour), point.
    pub rows: Vec<(String, usize, Point)>,
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
    /// Forest plot.
    Forest(Forest),
    /// Stacked bars.
    Stacked(Stacked),
}

impl Chart {
    /// The title.
    pub fn title(&self) -> &str {
        match self {
            Chart::Line(c) => &c.title,
            Chart::Forest(c) => &c.title,
            Chart::Stacked(c) => &c.title,
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

/// The y range of a line chart: the means and reference line, widened to
/// the intervals but never by more than the means' own span on either side
/// (a wild interval of a tiny unit must not flatten everything else).
fn y_range(c: &LineChart) -> (f64, f64) {
    let means = c
        .series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.y))
        .chain(c.reference.iter().map(|r| r.0));
    let (lo, hi) = range(means);
    let span = (hi - lo).max(1e-6);
    let bounds = c
        .series
        .iter()
        .flat_map(|s| s.points.iter().flat_map(|p| [p.lo, p.hi]));
    let (blo, bhi) = range(bounds.chain([lo, hi]));
    let (mut y0, y1) = (blo.max(lo - span), bhi.min(hi + span));
    if y0 > 0.0 && y0 < (y1 - y0) {
        y0 = 0.0;
    }
    (y0, y1)
}

fn draw_line<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, c: &LineChart) -> DrawResult<DB> {
    let xs = c
        .series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.x))
        .filter(|x| x.is_finite());
    let (x0, x1) = xs.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| {
        (a.min(x), b.max(x))
    });
    let (x0, x1) = if x0.is_finite() {
        (x0, x1.max(x0 + 1.0))
    } else {
        (0.0, 1.0)
    };
    let pad = (x1 - x0) * 0.03;
    let (x0, x1) = (x0 - pad, x1 + pad);

    let (y0, y1) = y_range(c);
    let clamp = |y: f64| y.clamp(y0, y1);
    let mut chart = ChartBuilder::on(area)
        .caption(&c.title, (FONT, 30))
        .margin(20)
        .x_label_area_size(55)
        .y_label_area_size(90)
        .build_cartesian_2d(x0..x1, y0..y1)?;
    let integer = c.integer_x;
    chart
        .configure_mesh()
        .x_desc(&c.x_label)
        .y_desc(&c.y_label)
        .x_labels(if integer {
            ((x1 - x0).round() as usize + 1).min(30)
        } else {
            10
        })
        .x_label_formatter(&|x| {
            if !integer {
                format!("{x}")
            } else if (x - x.round()).abs() < 1e-6 {
                format!("{:.0}", x)
            } else {
                String::new()
            }
        })
        .label_style((FONT, 18))
        .axis_desc_style((FONT, 20))
        .light_line_style(RGBColor(235, 235, 235))
        .draw()?;
    for (i, s) in c.series.iter().enumerate() {
        let colour = PALETTE[s.colour.unwrap_or(i) % PALETTE.len()];
        let band: Vec<(f64, f64)> = s
            .points
            .iter()
            .filter(|p| p.lo.is_finite())
            .map(|p| (p.x, clamp(p.hi)))
            .chain(
                s.points
                    .iter()
                    .rev()
                    .filter(|p| p.lo.is_finite())
                    .map(|p| (p.x, clamp(p.lo))),
            )
            .collect();
        if band.len() >= 4 {
            chart.draw_series(std::iter::once(Polygon::new(
                band,
                colour.mix(0.18).filled(),
            )))?;
        }
        let points: Vec<(f64, f64)> = s.points.iter().map(|p| (p.x, p.y)).collect();
        let style = colour.stroke_width(3);
        let drawn = if s.dashed {
            chart.draw_series(DashedLineSeries::new(points.clone(), 10, 6, style))?
        } else {
            chart.draw_series(LineSeries::new(points.clone(), style))?
        };
        drawn.label(&s.name).legend(move |(x, y)| {
            PathElement::new(vec![(x, y), (x + 24, y)], colour.stroke_width(3))
        });
        chart.draw_series(
            points
                .iter()
                .map(|&(x, y)| Circle::new((x, y), 3, colour.filled())),
        )?;
    }
    if let Some((value, label)) = &c.reference {
        let grey = RGBColor(90, 90, 90);
        chart
            .draw_series(DashedLineSeries::new(
                vec![(x0, *value), (x1, *value)],
                6,
                6,
                grey.stroke_width(2),
            ))?
            .label(label)
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 24, y)], grey.stroke_width(2))
            });
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .label_font((FONT, 16))
        .background_style(WHITE.mix(0.85))
        .border_style(RGBColor(160, 160, 160))
        .draw()?;
    Ok(())
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
    let (x0, x1) = range(c.rows.iter().flat_map(|(_, _, p)| [p.lo, p.hi, 0.0]));
    let n = c.rows.len().max(1) as f64;
    let mut chart = ChartBuilder::on(area)
        .caption(&c.title, (FONT, 30))
        .margin(20)
        .x_label_area_size(55)
        .y_label_area_size(420)
        .build_cartesian_2d(x0..x1, -0.5..(n - 0.5))?;
    let labels: Vec<String> = c.rows.iter().map(|r| r.0.clone()).collect();
    chart
        .configure_mesh()
        .x_desc(&c.x_label)
        .y_labels(c.rows.len().max(1))
        .y_label_formatter(&|y| index_label(&labels, *y))
        .label_style((FONT, 15))
        .axis_desc_style((FONT, 20))
        .light_line_style(RGBColor(235, 235, 235))
        .draw()?;
    chart.draw_series(std::iter::once(PathElement::new(
        vec![(0.0, -0.5), (0.0, n - 0.5)],
        BLACK.stroke_width(1),
    )))?;
    for (i, (_, group, p)) in c.rows.iter().enumerate() {
        let colour = PALETTE[group % PALETTE.len()];
        let y = i as f64;
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(p.lo, y), (p.hi, y)],
            colour.stroke_width(3),
        )))?;
        chart.draw_series(std::iter::once(Circle::new((p.y, y), 6, colour.filled())))?;
    }
    Ok(())
}

fn draw_stacked<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, c: &Stacked) -> DrawResult<DB> {
    let n = c.bars.len().max(1) as f64;
    let top = c
        .bars
        .iter()
        .map(|(_, v)| v.iter().filter(|x| x.is_finite()).sum::<f64>())
        .fold(1.0, f64::max)
        * 1.12;
    let labels: Vec<String> = c.bars.iter().map(|b| b.0.clone()).collect();
    let mut chart = ChartBuilder::on(area)
        .caption(&c.title, (FONT, 30))
        .margin(20)
        .x_label_area_size(80)
        .y_label_area_size(90)
        .build_cartesian_2d(-0.5..(n - 0.5), 0.0..top)?;
    chart
        .configure_mesh()
        .y_desc(&c.y_label)
        .x_labels(c.bars.len().max(1))
        .x_label_formatter(&|x| index_label(&labels, *x))
        .label_style((FONT, 15))
        .axis_desc_style((FONT, 20))
        .light_line_style(RGBColor(235, 235, 235))
        .draw()?;
    for (k, part) in c.parts.iter().enumerate() {
        let colour = PALETTE[k % PALETTE.len()];
        let rects: Vec<Rectangle<(f64, f64)>> = c
            .bars
            .iter()
            .enumerate()
            .map(|(i, (_, values))| {
                let base: f64 = values[..k].iter().filter(|x| x.is_finite()).sum();
                let v = values
                    .get(k)
                    .copied()
                    .filter(|x| x.is_finite())
                    .unwrap_or(0.0);
                Rectangle::new(
                    [(i as f64 - 0.35, base), (i as f64 + 0.35, base + v)],
                    colour.filled(),
                )
            })
            .collect();
        chart
            .draw_series(rects)?
            .label(part)
            .legend(move |(x, y)| Rectangle::new([(x, y - 6), (x + 18, y + 6)], colour.filled()));
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .label_font((FONT, 16))
        .background_style(WHITE.mix(0.85))
        .border_style(RGBColor(160, 160, 160))
        .draw()?;
    Ok(())
}

fn draw<DB: DrawingBackend>(
    root: DrawingArea<DB, Shift>,
    chart: &Chart,
    footer: &str,
) -> DrawResult<DB> {
    root.fill(&WHITE)?;
    let (main, foot) = root.split_vertically(SIZE.1 - 34);
    match chart {
        Chart::Line(c) => draw_line(&main, c)?,
        Chart::Forest(c) => draw_forest(&main, c)?,
        Chart::Stacked(c) => draw_stacked(&main, c)?,
    }
    foot.draw_text(
        footer,
        &TextStyle::from((FONT, 15)).color(&RGBColor(80, 80, 80)),
        (20, 8),
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
