//! Risk charts (PNG and SVG) drawn from an output folder's CSV files, so that `leaksim plot DIR`
//! redraws exactly what a run drew.
//!
//! Text uses DejaVu Sans, embedded in the binary: charts render the same on a machine without
//! system fonts. Colours follow the Okabe-Ito palette, which stays distinct for colour-blind readers.

//!
//! This file holds what every chart shares (fonts, palette, rendering, CSV tables, ticks); each
//! chart kind has its own file.

mod compare;
mod exceedance;
mod explore;
mod paths;
mod reach;
mod sweep;
mod timeline;
mod tornado;

pub use compare::{CompareChart, Interval};
pub use exceedance::{Exceedance, ExceedanceSeries};
pub use explore::{IndicesChart, RankingChart, SpreadChart, TradeoffChart};
pub use paths::{PathBar, PathsChart};
pub use reach::{ReachChart, ReachSeries};
pub use sweep::{axis_label, SweepChart};
pub use timeline::TimelineChart;
pub use tornado::TornadoChart;

use super::format::human;
use super::write_atomic;
use crate::error::{Error, Result};
use plotters::coord::Shift;
use plotters::prelude::*;
use std::path::{Path, PathBuf};

/// The font family charts use: the embedded DejaVu Sans, registered under this name so that SVGs
/// name it (with a generic fallback for viewers without it).
pub const FONT: &str = "DejaVu Sans, sans-serif";

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

static FONT_BYTES: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");

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
    let (w, h) = (w.min(MOST_PIXELS), h.min(MOST_PIXELS));
    let fail = |e: String| Error::io(dir.join(stem), std::io::Error::other(e));
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (w, h)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| fail(e2s(e)))?;
        chart.draw(&root).map_err(fail)?;
        root.present().map_err(|e| fail(e2s(e)))?;
    }
    let mut rgb = vec![0u8; w as usize * h as usize * 3];
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
            return Err(Error::damaged(
                path,
                format!("no column `{missing}`: is this a file leaksim wrote?"),
            ));
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
                .map(|r| r.get(i).map_or(f64::NAN, |c| number(c)))
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

/// The label of the row at `y` on a chart whose rows are `labels`, top to bottom, drawn at
/// y = n - 1 (top) down to 0; empty between rows.
pub(crate) fn row_label(labels: &[String], y: f64) -> String {
    let i = y.round();
    if (y - i).abs() < 0.01 && i >= 0.0 {
        labels
            .len()
            .checked_sub(1 + i as usize)
            .and_then(|k| labels.get(k))
            .cloned()
            .unwrap_or_default()
    } else {
        String::new()
    }
}

/// A short human label for a metric or a `--set` path: `total_cost` -> `total cost`,
/// `perimeter.oracle.gatekeeper.team_size` -> `oracle gatekeeper: team size`.
pub fn human_label(name: &str) -> String {
    match name {
        "reached" => return "P(reached)".into(),
        "leaked" => return "P(any leak)".into(),
        _ => {}
    }
    let parts: Vec<&str> = name.split('.').collect();
    let key = parts.last().copied().unwrap_or(name).replace('_', " ");
    if parts.len() < 3 {
        return key;
    }
    // Drop the section word (`actor`, `store`, `controls`, `perimeter`...).
    let owner = parts[1..parts.len() - 1].join(" ");
    format!("{owner}: {key}")
}

/// [`human_label`], with the currency after an amount (`total cost (USD)`).
pub fn label_with_currency(name: &str, currency: &str) -> String {
    match name {
        "loss" | "control_cost" | "total_cost" | "reached_loss" => {
            format!("{} ({currency})", human_label(name))
        }
        _ => human_label(name),
    }
}

/// Formats a tick value with thousands separators (SI suffixes beyond a billion).
pub fn tick(v: f64) -> String {
    let a = v.abs();
    if a >= 1e12 {
        format!("{}T", human(v / 1e12, 1))
    } else if a >= 1e9 {
        format!("{}G", human(v / 1e9, 1))
    } else if a >= 1e6 {
        let m = v / 1e6;
        format!("{}M", human(m, if m == m.round() { 0 } else { 1 }))
    } else if a >= 100.0 || v == v.round() {
        human(v, 0)
    } else {
        // The same form as the report's tables.
        crate::output::format::sig3(v)
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

/// The largest magnitude a chart puts on an axis. A value beyond it, infinite or NaN is not drawn
/// (and, where a chart says so, counted in a note): axes then stay finite after padding, and a
/// log axis has at most about 600 decades for plotters to walk.
pub const DRAWABLE: f64 = 1e300;

/// The most bars or rows a chart draws; the rest are summed up as "and K more".
pub const MOST_ITEMS: usize = 40;

/// Whether `v` can be put on an axis.
pub fn drawable(v: f64) -> bool {
    v.is_finite() && v.abs() <= DRAWABLE
}

/// The smallest and largest of `values` (drawable ones only), or `empty` when there are none.
pub fn axis_range(values: impl Iterator<Item = f64>, empty: (f64, f64)) -> (f64, f64) {
    let (lo, hi) = values
        .filter(|v| drawable(*v))
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        });
    if lo <= hi {
        (lo, hi)
    } else {
        empty
    }
}

/// A cell of a results table as a number for a chart: NaN (not drawn) when empty, not a number,
/// infinite or beyond [`DRAWABLE`].
pub fn number(cell: &str) -> f64 {
    match cell.parse::<f64>() {
        Ok(v) if drawable(v) => v,
        _ => f64::NAN,
    }
}

/// The tallest chart drawn, in pixels: a chart whose items would need more is cut at its foot
/// (and [`bounded`] keeps charts well inside it).
pub const MOST_PIXELS: u32 = 4000;

/// The first [`MOST_ITEMS`] of `items` and how many were left out.
pub fn bounded<T>(mut items: Vec<T>) -> (Vec<T>, usize) {
    let more = items.len().saturating_sub(MOST_ITEMS);
    items.truncate(MOST_ITEMS);
    (items, more)
}

/// The note under a chart that left `more` items out (empty when none was).
pub fn more_note(more: usize, what: &str) -> String {
    if more == 0 {
        String::new()
    } else {
        format!("and {more} more {what} (not drawn)")
    }
}

fn padded(lo: f64, hi: f64) -> (f64, f64) {
    if !lo.is_finite() || !hi.is_finite() {
        return (0.0, 1.0);
    }
    let (lo, hi) = (lo.max(-DRAWABLE), hi.min(DRAWABLE));
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
