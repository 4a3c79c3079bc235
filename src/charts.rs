//! Risk charts (PNG and SVG) drawn from an output folder's CSV files, so that `leaksim plot DIR`
//! redraws exactly what a run drew.
//!
//! Text uses DejaVu Sans, embedded in the binary: charts render the same on a machine without
//! system fonts. Colours follow the Okabe-Ito palette, which stays distinct for colour-blind readers.

use crate::error::{Error, Result};
use crate::output::write_atomic;
use crate::report::human;
use plotters::coord::Shift;
use plotters::prelude::*;
use std::path::{Path, PathBuf};

/// The font family name charts use (registered from the embedded font).
pub const FONT: &str = "sans-serif";

/// The Okabe-Ito colour-blind-safe palette.
pub const PALETTE: [RGBColor; 8] = [
    RGBColor(0, 114, 178),
    RGBColor(230, 159, 0),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(86, 180, 233),
    RGBColor(213, 94, 0),
    RGBColor(240, 228, 66),
    RGBColor(0, 0, 0),
];

static FONT_BYTES: &[u8] = include_bytes!("../assets/fonts/DejaVuSans.ttf");

/// Registers the embedded font (once per process).
pub fn init_fonts() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // The font is compiled in: registering it cannot fail unless the file is corrupt.
        let _ = plotters::style::register_font(FONT, FontStyle::Normal, FONT_BYTES);
        let _ = plotters::style::register_font(FONT, FontStyle::Bold, FONT_BYTES);
    });
}

/// The colour of series `i`.
pub fn colour(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

type DrawResult = std::result::Result<(), String>;

fn e2s<E: std::fmt::Debug>(e: E) -> String {
    format!("{e:?}")
}

/// Something that can draw itself on any plotters backend.
pub trait Chart {
    /// Pixel size.
    fn size(&self) -> (u32, u32) {
        (1000, 600)
    }
    /// Draws on `root`.
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult;
}

/// Draws `chart` as `dir/stem.svg` and `dir/stem.png` (each written whole or not at all).
pub fn render<C: Chart>(dir: &Path, stem: &str, chart: &C) -> Result<Vec<PathBuf>> {
    init_fonts();
    let (w, h) = chart.size();
    let fail = |e: String| Error::io(dir.join(stem), std::io::Error::other(e));
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (w, h)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| fail(e2s(e)))?;
        chart.draw(&root).map_err(fail)?;
        root.present().map_err(|e| fail(e2s(e)))?;
    }
    let mut rgb = vec![0u8; (w * h * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut rgb, (w, h)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| fail(e2s(e)))?;
        chart.draw(&root).map_err(fail)?;
        root.present().map_err(|e| fail(e2s(e)))?;
    }
    let svg_path = dir.join(format!("{stem}.svg"));
    let png_path = dir.join(format!("{stem}.png"));
    write_atomic(&svg_path, |out| out.write_all(svg.as_bytes()))?;
    write_atomic(&png_path, |out| {
        let mut enc = png::Encoder::new(out, w, h);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        enc.set_compression(png::Compression::Best);
        let mut wr = enc.write_header().map_err(std::io::Error::other)?;
        wr.write_image_data(&rgb).map_err(std::io::Error::other)?;
        wr.finish().map_err(std::io::Error::other)
    })?;
    Ok(vec![png_path, svg_path])
}

/// A CSV file read whole: header and rows of cells.
#[derive(Clone, Debug, Default)]
pub struct Table {
    /// Column names.
    pub header: Vec<String>,
    /// Rows.
    pub rows: Vec<Vec<String>>,
}

impl Table {
    /// Reads `path`; None if it does not exist.
    pub fn read(path: &Path) -> Result<Option<Table>> {
        if !path.is_file() {
            return Ok(None);
        }
        let mut r =
            csv::Reader::from_path(path).map_err(|e| Error::io(path, std::io::Error::other(e)))?;
        let header = r
            .headers()
            .map_err(|e| Error::io(path, std::io::Error::other(e)))?
            .iter()
            .map(str::to_string)
            .collect();
        let mut rows = Vec::new();
        for rec in r.records() {
            let rec = rec.map_err(|e| Error::io(path, std::io::Error::other(e)))?;
            rows.push(rec.iter().map(str::to_string).collect());
        }
        Ok(Some(Table { header, rows }))
    }

    /// Reads `path` (None if it does not exist), checking that it has the columns `required`.
    pub fn read_with(path: &Path, required: &[&str]) -> Result<Option<Table>> {
        let Some(t) = Table::read(path)? else {
            return Ok(None);
        };
        if let Some(missing) = required.iter().find(|c| t.col(c).is_none()) {
            return Err(Error::Usage(format!(
                "{}: no column `{missing}`: is this a file leaksim wrote?",
                path.display()
            )));
        }
        Ok(Some(t))
    }

    /// Index of a column.
    pub fn col(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|h| h == name)
    }

    /// A numeric column (empty or bad cells are NaN).
    pub fn numbers(&self, name: &str) -> Vec<f64> {
        match self.col(name) {
            Some(i) => self
                .rows
                .iter()
                .map(|r| r.get(i).and_then(|c| c.parse().ok()).unwrap_or(f64::NAN))
                .collect(),
            None => Vec::new(),
        }
    }
}

fn caption_style() -> TextStyle<'static> {
    (FONT, 22).into_font().color(&BLACK)
}

fn label_style() -> TextStyle<'static> {
    (FONT, 14).into_font().color(&BLACK)
}

fn desc_style() -> TextStyle<'static> {
    (FONT, 15).into_font().color(&BLACK)
}

/// Formats a tick value with thousands separators (SI suffixes beyond a billion).
pub fn tick(v: f64) -> String {
    let a = v.abs();
    if a >= 1e12 {
        format!("{}T", human(v / 1e12, 1))
    } else if a >= 1e9 {
        format!("{}G", human(v / 1e9, 1))
    } else if a >= 1e8 {
        format!("{}M", human(v / 1e6, 0))
    } else if a >= 100.0 || v == v.round() {
        human(v, 0)
    } else if a >= 1.0 {
        human(v, 1)
    } else {
        format!("{v:.2}")
    }
}

/// Draws the legend of `chart` at `pos`, in the house style.
fn legend<'a, DB: DrawingBackend + 'a, CT: plotters::coord::CoordTranslate>(
    chart: &mut ChartContext<'a, DB, CT>,
    pos: SeriesLabelPosition,
) -> DrawResult {
    chart
        .configure_series_labels()
        .position(pos)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK.mix(0.4))
        .label_font(label_style())
        .draw()
        .map_err(e2s)
}

fn padded(lo: f64, hi: f64) -> (f64, f64) {
    if !lo.is_finite() || !hi.is_finite() {
        return (0.0, 1.0);
    }
    if hi - lo <= 0.0 {
        let d = if hi == 0.0 { 1.0 } else { hi.abs() * 0.1 };
        return (lo - d, hi + d);
    }
    let d = (hi - lo) * 0.05;
    (lo - d, hi + d)
}

fn no_data<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    title: &str,
    note: &str,
) -> DrawResult {
    area.titled(title, caption_style()).map_err(e2s)?;
    let (w, h) = area.dim_in_pixel();
    area.draw(&Text::new(
        note.to_string(),
        (w as i32 / 2 - 160, h as i32 / 2),
        label_style(),
    ))
    .map_err(e2s)?;
    Ok(())
}

/// Loss exceedance curves: P(metric > x) against x on a log axis, per scenario, with a 95%
/// (Wilson) band and, for uncertain parameters, the range of the curves conditional on deciles of
/// the most influential parameter.
pub struct Exceedance {
    /// Chart title.
    pub title: String,
    /// Per panel: metric name, axis label, and per scenario (label, values, parameter columns).
    pub panels: Vec<(String, String, Vec<ExceedanceSeries>)>,
}

/// One scenario's values of one metric.
pub struct ExceedanceSeries {
    /// Scenario name.
    pub label: String,
    /// Values, one per replication.
    pub values: Vec<f64>,
    /// Uncertain parameter values (one vector per parameter), for the parameter band.
    pub params: Vec<Vec<f64>>,
}

/// x positions of an exceedance curve: log-spaced over the positive values.
fn log_grid(lo: f64, hi: f64, n: usize) -> Vec<f64> {
    let (a, b) = (lo.log10(), hi.log10());
    (0..n)
        .map(|i| 10f64.powf(a + (b - a) * i as f64 / (n - 1) as f64))
        .collect()
}

fn exceedance_at(sorted: &[f64], x: f64) -> f64 {
    let above = sorted.len() - sorted.partition_point(|&v| v <= x);
    above as f64 / sorted.len().max(1) as f64
}

/// The parameter band: min and max across decile groups of the parameter most rank-correlated
/// with the metric, of the conditional exceedance probability at each x.
fn parameter_band(s: &ExceedanceSeries, grid: &[f64]) -> Option<(Vec<f64>, Vec<f64>)> {
    if s.params.is_empty() || s.values.len() < 200 {
        return None;
    }
    let y = crate::analysis::ranks(&s.values);
    let best = s
        .params
        .iter()
        .map(|p| crate::analysis::pearson(&crate::analysis::ranks(p), &y).abs())
        .enumerate()
        .filter(|(_, r)| r.is_finite())
        .max_by(|a, b| a.1.total_cmp(&b.1))?
        .0;
    let mut order: Vec<usize> = (0..s.values.len()).collect();
    order.sort_by(|&a, &b| s.params[best][a].total_cmp(&s.params[best][b]));
    let groups: Vec<Vec<f64>> = order
        .chunks(order.len().div_ceil(10))
        .map(|c| {
            let mut v: Vec<f64> = c.iter().map(|&i| s.values[i]).collect();
            v.sort_by(f64::total_cmp);
            v
        })
        .collect();
    let lo = grid
        .iter()
        .map(|&x| {
            groups
                .iter()
                .map(|g| exceedance_at(g, x))
                .fold(f64::INFINITY, f64::min)
        })
        .collect();
    let hi = grid
        .iter()
        .map(|&x| {
            groups
                .iter()
                .map(|g| exceedance_at(g, x))
                .fold(f64::NEG_INFINITY, f64::max)
        })
        .collect();
    Some((lo, hi))
}

impl Chart for Exceedance {
    fn size(&self) -> (u32, u32) {
        (1200, 560)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        let root = root.titled(&self.title, caption_style()).map_err(e2s)?;
        let areas = root.split_evenly((1, self.panels.len().max(1)));
        for ((metric, xdesc, series), area) in self.panels.iter().zip(areas.iter()) {
            let positives: Vec<f64> = series
                .iter()
                .flat_map(|s| s.values.iter().copied())
                .filter(|v| *v > 0.0)
                .collect();
            if positives.is_empty() {
                no_data(
                    area,
                    &format!("P({metric} > x)"),
                    "no leak in any replication",
                )?;
                continue;
            }
            let lo = positives
                .iter()
                .copied()
                .fold(f64::INFINITY, f64::min)
                .max(1.0);
            let hi = positives.iter().copied().fold(0.0, f64::max).max(lo * 10.0);
            let grid = log_grid(lo, hi, 160);
            let mut chart = ChartBuilder::on(area)
                .caption(format!("P({metric} > x)"), (FONT, 17))
                .margin(12)
                .margin_right(36)
                .x_label_area_size(45)
                .y_label_area_size(60)
                .build_cartesian_2d((lo..hi).log_scale(), 0.0..1.0)
                .map_err(e2s)?;
            chart
                .configure_mesh()
                .x_desc(xdesc.as_str())
                .y_desc("probability of exceeding x")
                .x_label_formatter(&|v| tick(*v))
                .y_label_formatter(&|v| format!("{:.0}%", v * 100.0))
                .label_style(label_style())
                .axis_desc_style(desc_style())
                .light_line_style(WHITE.mix(0.0))
                .draw()
                .map_err(e2s)?;
            for (i, s) in series.iter().enumerate() {
                let c = colour(i);
                let mut sorted = s.values.clone();
                sorted.sort_by(f64::total_cmp);
                let n = sorted.len() as f64;
                let p: Vec<f64> = grid.iter().map(|&x| exceedance_at(&sorted, x)).collect();
                let band: Vec<(f64, f64)> = p
                    .iter()
                    .map(|&q| crate::stats::wilson_interval(q * n, n))
                    .collect();
                let mut poly: Vec<(f64, f64)> =
                    grid.iter().zip(&band).map(|(&x, b)| (x, b.1)).collect();
                poly.extend(grid.iter().zip(&band).rev().map(|(&x, b)| (x, b.0)));
                chart
                    .draw_series(std::iter::once(Polygon::new(poly, c.mix(0.18).filled())))
                    .map_err(e2s)?;
                // Parameter bands only where they stay readable (one or two scenarios).
                let band = if series.len() <= 2 {
                    parameter_band(s, &grid)
                } else {
                    None
                };
                if let Some((plo, phi)) = band {
                    for line in [plo, phi] {
                        chart
                            .draw_series(DashedLineSeries::new(
                                grid.iter().copied().zip(line),
                                6,
                                4,
                                c.stroke_width(1),
                            ))
                            .map_err(e2s)?;
                    }
                }
                chart
                    .draw_series(LineSeries::new(
                        grid.iter().copied().zip(p),
                        c.stroke_width(3),
                    ))
                    .map_err(e2s)?
                    .label(s.label.clone())
                    .legend(move |(x, y)| {
                        PathElement::new(vec![(x, y), (x + 22, y)], c.stroke_width(3))
                    });
            }
            legend(&mut chart, SeriesLabelPosition::LowerLeft)?;
        }
        Ok(())
    }
}

/// Cumulative records leaked over the horizon (mean, 5-95% band) with dated markers, and the
/// gatekeeper backlog below.
pub struct TimelineChart {
    /// Chart title.
    pub title: String,
    /// Days.
    pub day: Vec<f64>,
    /// Dates of the days (empty strings when the scenario has no start date).
    pub date: Vec<String>,
    /// Mean, 5th and 95th percentile of cumulative records leaked.
    pub leaked: [Vec<f64>; 3],
    /// Mean and 95th percentile of the backlog.
    pub backlog: [Vec<f64>; 2],
    /// (day, label) markers.
    pub markers: Vec<(f64, String)>,
}

impl Chart for TimelineChart {
    fn size(&self) -> (u32, u32) {
        (1100, 760)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        let root = root.titled(&self.title, caption_style()).map_err(e2s)?;
        let (top, bottom) = root.split_vertically(480);
        let last = self.day.last().copied().unwrap_or(1.0).max(1.0);
        let dates = !self.date.iter().all(String::is_empty);
        let xfmt = |d: &f64| -> String {
            if dates {
                let i = (d.round().max(0.0) as usize).min(self.date.len().saturating_sub(1));
                self.date.get(i).cloned().unwrap_or_default()
            } else {
                format!("day {}", d.round())
            }
        };
        let xdesc = if dates { "date" } else { "day" };
        let ymax = self.leaked[2]
            .iter()
            .chain(&self.leaked[0])
            .copied()
            .filter(|v| v.is_finite())
            .fold(0.0, f64::max)
            .max(1.0)
            * 1.08;
        let mut chart = ChartBuilder::on(&top)
            .caption("cumulative records leaked", (FONT, 17))
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(80)
            .build_cartesian_2d(0.0..last, 0.0..ymax)
            .map_err(e2s)?;
        chart
            .configure_mesh()
            .x_desc(xdesc)
            .y_desc("records leaked so far")
            .x_labels(8)
            .x_label_formatter(&xfmt)
            .y_label_formatter(&|v| tick(*v))
            .label_style(label_style())
            .axis_desc_style(desc_style())
            .light_line_style(WHITE.mix(0.0))
            .draw()
            .map_err(e2s)?;
        let c = colour(0);
        let mut band: Vec<(f64, f64)> = self
            .day
            .iter()
            .copied()
            .zip(self.leaked[2].iter().copied())
            .collect();
        band.extend(
            self.day
                .iter()
                .copied()
                .zip(self.leaked[1].iter().copied())
                .rev(),
        );
        chart
            .draw_series(std::iter::once(Polygon::new(band, c.mix(0.2).filled())))
            .map_err(e2s)?
            .label("5-95% of replications")
            .legend(move |(x, y)| {
                Rectangle::new([(x, y - 6), (x + 22, y + 6)], c.mix(0.2).filled())
            });
        chart
            .draw_series(LineSeries::new(
                self.day.iter().copied().zip(self.leaked[0].iter().copied()),
                c.stroke_width(3),
            ))
            .map_err(e2s)?
            .label("mean")
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 22, y)], c.stroke_width(3)));
        let mc = colour(5);
        for (k, (d, label)) in self.markers.iter().enumerate() {
            chart
                .draw_series(DashedLineSeries::new(
                    vec![(*d, 0.0), (*d, ymax)],
                    5,
                    4,
                    mc.stroke_width(1),
                ))
                .map_err(e2s)?;
            let y = ymax * (0.95 - 0.07 * (k % 5) as f64);
            chart
                .draw_series(std::iter::once(Text::new(
                    format!(" {label}"),
                    (*d, y),
                    (FONT, 13).into_font().color(&mc),
                )))
                .map_err(e2s)?;
        }
        legend(&mut chart, SeriesLabelPosition::LowerRight)?;

        let bmax = self.backlog[1]
            .iter()
            .chain(&self.backlog[0])
            .copied()
            .filter(|v| v.is_finite())
            .fold(0.0, f64::max)
            .max(1.0)
            * 1.1;
        let mut chart = ChartBuilder::on(&bottom)
            .caption(
                "gatekeeper backlog (requests waiting for review, end of day)",
                (FONT, 16),
            )
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(80)
            .build_cartesian_2d(0.0..last, 0.0..bmax)
            .map_err(e2s)?;
        chart
            .configure_mesh()
            .x_desc(xdesc)
            .y_desc("requests")
            .x_labels(8)
            .y_labels(5)
            .x_label_formatter(&xfmt)
            .y_label_formatter(&|v| tick(*v))
            .label_style(label_style())
            .axis_desc_style(desc_style())
            .light_line_style(WHITE.mix(0.0))
            .draw()
            .map_err(e2s)?;
        let c2 = colour(1);
        chart
            .draw_series(LineSeries::new(
                self.day
                    .iter()
                    .copied()
                    .zip(self.backlog[0].iter().copied()),
                c2.stroke_width(2),
            ))
            .map_err(e2s)?
            .label("mean")
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 22, y)], c2.stroke_width(2)));
        chart
            .draw_series(DashedLineSeries::new(
                self.day
                    .iter()
                    .copied()
                    .zip(self.backlog[1].iter().copied()),
                6,
                4,
                c2.stroke_width(1),
            ))
            .map_err(e2s)?
            .label("95th percentile")
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 22, y)], c2.stroke_width(1)));
        legend(&mut chart, SeriesLabelPosition::UpperRight)?;
        Ok(())
    }
}

/// Where leaks come from: mean records leaked per replication by path, stacked by class.
pub struct PathsChart {
    /// Chart title.
    pub title: String,
    /// Class names.
    pub classes: Vec<String>,
    /// `mean[path][class]` for theft, seizure, compelled theft.
    pub mean: [Vec<f64>; 3],
}

impl Chart for PathsChart {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        let paths = ["theft", "seizure", "compelled theft"];
        let totals: Vec<f64> = self.mean.iter().map(|v| v.iter().sum()).collect();
        let ymax = totals.iter().copied().fold(0.0, f64::max).max(1.0) * 1.15;
        let mut chart = ChartBuilder::on(root)
            .caption(&self.title, caption_style())
            .margin(14)
            .x_label_area_size(45)
            .y_label_area_size(80)
            .build_cartesian_2d(-0.5..2.5, 0.0..ymax)
            .map_err(e2s)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(3)
            .x_label_formatter(&|x: &f64| {
                paths
                    .get(x.round() as usize)
                    .map(|s| s.to_string())
                    .unwrap_or_default()
            })
            .y_label_formatter(&|v| tick(*v))
            .x_desc("leak path")
            .y_desc("mean records leaked per replication")
            .label_style(label_style())
            .axis_desc_style(desc_style())
            .light_line_style(WHITE.mix(0.0))
            .draw()
            .map_err(e2s)?;
        for (ci, class) in self.classes.iter().enumerate() {
            let c = colour(ci);
            let bars: Vec<Rectangle<(f64, f64)>> = (0..3)
                .map(|p| {
                    let base: f64 = self.mean[p][..ci].iter().sum();
                    let top = base + self.mean[p][ci];
                    Rectangle::new([(p as f64 - 0.3, base), (p as f64 + 0.3, top)], c.filled())
                })
                .collect();
            chart
                .draw_series(bars)
                .map_err(e2s)?
                .label(class.clone())
                .legend(move |(x, y)| Rectangle::new([(x, y - 6), (x + 16, y + 6)], c.filled()));
        }
        for (p, t) in totals.iter().enumerate() {
            chart
                .draw_series(std::iter::once(Text::new(
                    tick(*t),
                    (p as f64 - 0.12, t + ymax * 0.02),
                    label_style(),
                )))
                .map_err(e2s)?;
        }
        legend(&mut chart, SeriesLabelPosition::UpperRight)?;
        Ok(())
    }
}

/// One scenario's estimate with its interval, for the comparison chart.
#[derive(Clone, Debug)]
pub struct Interval {
    /// Scenario.
    pub label: String,
    /// Estimate.
    pub value: f64,
    /// Lower end.
    pub low: f64,
    /// Upper end.
    pub high: f64,
}

/// Key metrics per scenario with 95% intervals (left), and paired differences from the baseline
/// (right).
pub struct CompareChart {
    /// Chart title.
    pub title: String,
    /// Per metric: name, estimates, differences.
    pub metrics: Vec<(String, Vec<Interval>, Vec<Interval>)>,
}

fn interval_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    title: &str,
    rows: &[Interval],
    zero_line: bool,
    percent: bool,
) -> DrawResult {
    if rows.is_empty() {
        return no_data(area, title, "no scenario to compare with the baseline");
    }
    let lo = rows
        .iter()
        .map(|r| r.low.min(r.value))
        .filter(|v| v.is_finite())
        .fold(f64::INFINITY, f64::min);
    let hi = rows
        .iter()
        .map(|r| r.high.max(r.value))
        .filter(|v| v.is_finite())
        .fold(f64::NEG_INFINITY, f64::max);
    let (lo, hi) = padded(
        if zero_line { lo.min(0.0) } else { lo },
        if zero_line { hi.max(0.0) } else { hi },
    );
    let n = rows.len();
    let labels: Vec<String> = rows.iter().map(|r| r.label.clone()).collect();
    let mut chart = ChartBuilder::on(area)
        .caption(title, (FONT, 15))
        .margin(8)
        .x_label_area_size(30)
        .y_label_area_size(170)
        .build_cartesian_2d(lo..hi, -0.5..(n as f64 - 0.5))
        .map_err(e2s)?;
    let fmt = move |v: &f64| {
        if percent {
            let p = v * 100.0;
            if p.abs() < 0.05 {
                "0%".to_string()
            } else {
                format!("{p:.1}%")
            }
        } else {
            tick(*v)
        }
    };
    chart
        .configure_mesh()
        .disable_y_mesh()
        .y_labels(n)
        .y_label_formatter(&|y| {
            let i = y.round();
            if (y - i).abs() < 0.01 && i >= 0.0 {
                labels
                    .get(n.saturating_sub(1).saturating_sub(i as usize))
                    .cloned()
                    .unwrap_or_default()
            } else {
                String::new()
            }
        })
        .x_labels(5)
        .x_label_formatter(&fmt)
        .label_style((FONT, 12).into_font())
        .light_line_style(WHITE.mix(0.0))
        .draw()
        .map_err(e2s)?;
    if zero_line {
        chart
            .draw_series(DashedLineSeries::new(
                vec![(0.0, -0.5), (0.0, n as f64 - 0.5)],
                4,
                4,
                BLACK.mix(0.5).stroke_width(1),
            ))
            .map_err(e2s)?;
    }
    for (i, r) in rows.iter().enumerate() {
        let c = colour(i);
        let y = (n - 1 - i) as f64;
        chart
            .draw_series(std::iter::once(ErrorBar::new_horizontal(
                y,
                r.low,
                r.value,
                r.high,
                c.stroke_width(2),
                10,
            )))
            .map_err(e2s)?;
        chart
            .draw_series(std::iter::once(Circle::new((r.value, y), 5, c.filled())))
            .map_err(e2s)?;
    }
    Ok(())
}

impl Chart for CompareChart {
    fn size(&self) -> (u32, u32) {
        (1300, 230 * self.metrics.len().max(1) as u32 + 60)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        let root = root.titled(&self.title, caption_style()).map_err(e2s)?;
        let rows = root.split_evenly((self.metrics.len().max(1), 2));
        for (k, (metric, est, delta)) in self.metrics.iter().enumerate() {
            let percent = metric == "leaked";
            let name = if percent {
                "P(any leak)".to_string()
            } else {
                metric.clone()
            };
            interval_panel(
                &rows[2 * k],
                &format!("{name}: mean and 95% CI"),
                est,
                false,
                percent,
            )?;
            interval_panel(
                &rows[2 * k + 1],
                &format!("{name}: paired difference from baseline, 95% CI"),
                delta,
                true,
                percent,
            )?;
        }
        Ok(())
    }
}

/// A sweep: the metric against the varied parameter with its band, and total cost below; a
/// heatmap for a two-way grid.
pub struct SweepChart {
    /// Chart title.
    pub title: String,
    /// Varied paths (one or two).
    pub paths: Vec<String>,
    /// Per panel: metric, and per point (x, y-or-NaN, mean, low, high).
    pub panels: Vec<(String, Vec<[f64; 5]>)>,
}

impl Chart for SweepChart {
    fn size(&self) -> (u32, u32) {
        if self.paths.len() == 2 {
            (1300, 600)
        } else {
            (1000, 760)
        }
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        let root = root.titled(&self.title, caption_style()).map_err(e2s)?;
        if self.paths.len() == 2 {
            let areas = root.split_evenly((1, self.panels.len().max(1)));
            for ((metric, pts), area) in self.panels.iter().zip(areas.iter()) {
                heatmap(area, metric, &self.paths, pts)?;
            }
            return Ok(());
        }
        let areas = root.split_evenly((self.panels.len().max(1), 1));
        for (k, ((metric, pts), area)) in self.panels.iter().zip(areas.iter()).enumerate() {
            let xs: Vec<f64> = pts.iter().map(|p| p[0]).collect();
            let (xlo, xhi) = padded(
                xs.iter().copied().fold(f64::INFINITY, f64::min),
                xs.iter().copied().fold(f64::NEG_INFINITY, f64::max),
            );
            let ys = pts
                .iter()
                .flat_map(|p| [p[2], p[3], p[4]])
                .filter(|v| v.is_finite());
            let (ylo, yhi) = ys.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
                (a.min(v), b.max(v))
            });
            let (ylo, yhi) = padded(ylo.min(0.0), yhi);
            let mut chart = ChartBuilder::on(area)
                .caption(format!("{metric} (mean, 95% CI)"), (FONT, 16))
                .margin(12)
                .x_label_area_size(42)
                .y_label_area_size(90)
                .build_cartesian_2d(xlo..xhi, ylo..yhi)
                .map_err(e2s)?;
            chart
                .configure_mesh()
                .x_desc(self.paths[0].as_str())
                .y_desc(metric.as_str())
                .x_label_formatter(&|v| tick(*v))
                .y_label_formatter(&|v| tick(*v))
                .label_style(label_style())
                .axis_desc_style(desc_style())
                .light_line_style(WHITE.mix(0.0))
                .draw()
                .map_err(e2s)?;
            let c = colour(if k == 0 { 0 } else { 5 });
            let finite: Vec<&[f64; 5]> = pts
                .iter()
                .filter(|p| p[3].is_finite() && p[4].is_finite())
                .collect();
            let mut band: Vec<(f64, f64)> = finite.iter().map(|p| (p[0], p[4])).collect();
            band.extend(finite.iter().rev().map(|p| (p[0], p[3])));
            if band.len() > 2 {
                chart
                    .draw_series(std::iter::once(Polygon::new(band, c.mix(0.2).filled())))
                    .map_err(e2s)?;
            }
            chart
                .draw_series(LineSeries::new(
                    pts.iter().map(|p| (p[0], p[2])),
                    c.stroke_width(3),
                ))
                .map_err(e2s)?;
            chart
                .draw_series(pts.iter().map(|p| Circle::new((p[0], p[2]), 4, c.filled())))
                .map_err(e2s)?;
        }
        Ok(())
    }
}

fn heatmap<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    metric: &str,
    paths: &[String],
    pts: &[[f64; 5]],
) -> DrawResult {
    let mut xs: Vec<f64> = pts.iter().map(|p| p[0]).collect();
    let mut ys: Vec<f64> = pts.iter().map(|p| p[1]).collect();
    xs.sort_by(f64::total_cmp);
    xs.dedup();
    ys.sort_by(f64::total_cmp);
    ys.dedup();
    let (vmin, vmax) = pts
        .iter()
        .map(|p| p[2])
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
            (a.min(v), b.max(v))
        });
    let mut chart = ChartBuilder::on(area)
        .caption(format!("{metric} (mean)"), (FONT, 16))
        .margin(12)
        .x_label_area_size(42)
        .y_label_area_size(80)
        .build_cartesian_2d(-0.5..(xs.len() as f64 - 0.5), -0.5..(ys.len() as f64 - 0.5))
        .map_err(e2s)?;
    chart
        .configure_mesh()
        .disable_mesh()
        .x_labels(xs.len().min(12))
        .y_labels(ys.len().min(12))
        .x_label_formatter(&|v| {
            xs.get(v.round().max(0.0) as usize)
                .map(|x| tick(*x))
                .unwrap_or_default()
        })
        .y_label_formatter(&|v| {
            ys.get(v.round().max(0.0) as usize)
                .map(|y| tick(*y))
                .unwrap_or_default()
        })
        .x_desc(paths[0].as_str())
        .y_desc(paths[1].as_str())
        .label_style(label_style())
        .axis_desc_style(desc_style())
        .draw()
        .map_err(e2s)?;
    let span = if vmax > vmin { vmax - vmin } else { 1.0 };
    for p in pts {
        let (i, j) = (
            xs.iter().position(|x| *x == p[0]).unwrap_or(0),
            ys.iter().position(|y| *y == p[1]).unwrap_or(0),
        );
        let t = ((p[2] - vmin) / span).clamp(0.0, 1.0);
        // Light to dark blue: a sequential scale that reads in grey too.
        let c = RGBColor(
            (240.0 - 200.0 * t) as u8,
            (245.0 - 150.0 * t) as u8,
            (255.0 - 90.0 * t) as u8,
        );
        chart
            .draw_series(std::iter::once(Rectangle::new(
                [
                    (i as f64 - 0.5, j as f64 - 0.5),
                    (i as f64 + 0.5, j as f64 + 0.5),
                ],
                c.filled(),
            )))
            .map_err(e2s)?;
        let text_colour = if t > 0.55 { WHITE } else { BLACK };
        chart
            .draw_series(std::iter::once(Text::new(
                tick(p[2]),
                (i as f64 - 0.3, j as f64),
                (FONT, 12).into_font().color(&text_colour),
            )))
            .map_err(e2s)?;
    }
    Ok(())
}

/// The classic tornado: for each parameter, the metric with the parameter low and high, around
/// the metric with every parameter at its median.
pub struct TornadoChart {
    /// Chart title.
    pub title: String,
    /// Metric name.
    pub metric: String,
    /// Metric with every parameter at its median.
    pub base: f64,
    /// (parameter, low value, high value, metric at low, metric at high), largest swing first.
    pub rows: Vec<(String, f64, f64, f64, f64)>,
}

impl Chart for TornadoChart {
    fn size(&self) -> (u32, u32) {
        (1200, (160 + 60 * self.rows.len() as u32).max(320))
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        let n = self.rows.len();
        let vals = self
            .rows
            .iter()
            .flat_map(|r| [r.3, r.4])
            .chain(std::iter::once(self.base))
            .filter(|v| v.is_finite());
        let (lo, hi) = vals.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
            (a.min(v), b.max(v))
        });
        let (lo, hi) = padded(lo, hi);
        let labels: Vec<String> = self.rows.iter().map(|r| r.0.clone()).collect();
        let mut chart = ChartBuilder::on(root)
            .caption(&self.title, caption_style())
            .margin(14)
            .x_label_area_size(45)
            .y_label_area_size(330)
            .build_cartesian_2d(lo..hi, -0.5..(n as f64 - 0.5))
            .map_err(e2s)?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(n.max(1))
            .y_label_formatter(&|y| {
                let i = y.round();
                if (y - i).abs() < 0.01 && i >= 0.0 {
                    labels
                        .get(n.saturating_sub(1).saturating_sub(i as usize))
                        .cloned()
                        .unwrap_or_default()
                } else {
                    String::new()
                }
            })
            .x_desc(format!("{} (mean)", self.metric))
            .x_label_formatter(&|v| tick(*v))
            .label_style(label_style())
            .axis_desc_style(desc_style())
            .light_line_style(WHITE.mix(0.0))
            .draw()
            .map_err(e2s)?;
        let (cl, ch) = (colour(0), colour(1));
        for (k, r) in self.rows.iter().enumerate() {
            let y = (n - 1 - k) as f64;
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(self.base, y - 0.32), (r.3, y + 0.32)],
                    cl.filled(),
                )))
                .map_err(e2s)?;
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(self.base, y - 0.32), (r.4, y + 0.32)],
                    ch.filled(),
                )))
                .map_err(e2s)?;
        }
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(self.base, -0.5), (self.base, n as f64 - 0.5)],
                BLACK.stroke_width(2),
            )))
            .map_err(e2s)?;
        chart
            .draw_series(std::iter::once(Rectangle::new(
                [(lo, -10.0), (lo, -10.0)],
                cl.filled(),
            )))
            .map_err(e2s)?
            .label("parameter low")
            .legend(move |(x, y)| Rectangle::new([(x, y - 6), (x + 16, y + 6)], cl.filled()));
        chart
            .draw_series(std::iter::once(Rectangle::new(
                [(lo, -10.0), (lo, -10.0)],
                ch.filled(),
            )))
            .map_err(e2s)?
            .label("parameter high")
            .legend(move |(x, y)| Rectangle::new([(x, y - 6), (x + 16, y + 6)], ch.filled()));
        legend(&mut chart, SeriesLabelPosition::LowerRight)?;
        Ok(())
    }
}
