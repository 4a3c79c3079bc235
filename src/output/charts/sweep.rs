//! The sweep chart: a line per metric for a one-way sweep, a heatmap for a two-way grid.

use super::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// A sweep: the metric against the varied parameter with its band, and total cost below; a
/// heatmap for a two-way grid.
pub struct SweepChart {
    /// Chart title.
    pub title: String,
    /// Varied paths (one or two).
    pub paths: Vec<String>,
    /// Per panel: metric, and per point (x, y-or-NaN, mean, low, high).
    pub panels: Vec<(String, Vec<[f64; 5]>)>,
    /// The currency of amounts.
    pub currency: String,
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
            self.line_panel(area, k, metric, pts)?;
        }
        Ok(())
    }
}

/// Linear axes of a one-way sweep panel.
type Linear =
    Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>;

/// The y range of a one-way panel: (low, high, whether points above the high end are off scale).
/// One point far above the others (an overloaded team) would flatten the rest: the axis stops at
/// 3 x the median of the means and such points are marked at the top.
fn line_range(pts: &[[f64; 5]]) -> (f64, f64, bool) {
    let ys = pts
        .iter()
        .flat_map(|p| [p[2], p[3], p[4]])
        .filter(|v| v.is_finite());
    let (ylo, yhi) = ys.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
        (a.min(v), b.max(v))
    });
    let mut means: Vec<f64> = pts.iter().map(|p| p[2]).filter(|v| v.is_finite()).collect();
    means.sort_by(f64::total_cmp);
    let median = means.get(means.len() / 2).copied().unwrap_or(yhi);
    let cap = 3.0 * median;
    let clipped = median > 0.0 && yhi > cap;
    let yhi = if clipped { cap } else { yhi };
    let (ylo, yhi) = padded(ylo.min(0.0), yhi);
    (ylo, yhi, clipped)
}

impl SweepChart {
    /// Panel `k` of a one-way sweep: `metric` against the varied parameter, with its band.
    fn line_panel<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        k: usize,
        metric: &str,
        pts: &[[f64; 5]],
    ) -> DrawResult {
        let xs: Vec<f64> = pts.iter().map(|p| p[0]).collect();
        let (xlo, xhi) = padded(
            xs.iter().copied().fold(f64::INFINITY, f64::min),
            xs.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        );
        let (ylo, yhi, clipped) = line_range(pts);
        let mut chart = ChartBuilder::on(area)
            .caption(
                format!(
                    "{} (mean, 95% CI)",
                    label_with_currency(metric, &self.currency)
                ),
                (FONT, 16),
            )
            .margin(12)
            .x_label_area_size(42)
            .y_label_area_size(90)
            .build_cartesian_2d(xlo..xhi, ylo..yhi)
            .map_err(e2s)?;
        chart
            .configure_mesh()
            .x_desc(axis_label(&self.paths[0]))
            .y_desc(label_with_currency(metric, &self.currency))
            .x_label_formatter(&|v| tick(*v))
            .y_label_formatter(&|v| tick(*v))
            .label_style(label_style())
            .axis_desc_style(desc_style())
            .light_line_style(WHITE.mix(0.0))
            .draw()
            .map_err(e2s)?;
        let c = colour(if k == 0 { 0 } else { 5 });
        draw_line(&mut chart, c, pts, yhi)?;
        if clipped {
            mark_off_scale(&mut chart, c, pts, yhi)?;
        }
        if metric == "total_cost" {
            mark_lowest_cost(&mut chart, pts, yhi)?;
        }
        Ok(())
    }
}

/// The band, the line and the points of the means, cut at `yhi`.
fn draw_line<'a, DB: DrawingBackend + 'a>(
    chart: &mut ChartContext<'a, DB, Linear>,
    c: RGBColor,
    pts: &[[f64; 5]],
    yhi: f64,
) -> DrawResult {
    let clip = |v: f64| v.min(yhi);
    let finite: Vec<&[f64; 5]> = pts
        .iter()
        .filter(|p| p[3].is_finite() && p[4].is_finite())
        .collect();
    let mut band: Vec<(f64, f64)> = finite.iter().map(|p| (p[0], clip(p[4]))).collect();
    band.extend(finite.iter().rev().map(|p| (p[0], clip(p[3]))));
    if band.len() > 2 {
        chart
            .draw_series(std::iter::once(Polygon::new(band, c.mix(0.2).filled())))
            .map_err(e2s)?;
    }
    chart
        .draw_series(LineSeries::new(
            pts.iter().map(|p| (p[0], clip(p[2]))),
            c.stroke_width(3),
        ))
        .map_err(e2s)?;
    chart
        .draw_series(
            pts.iter()
                .map(|p| Circle::new((p[0], clip(p[2])), 4, c.filled())),
        )
        .map_err(e2s)?;
    Ok(())
}

/// A triangle and the value at the top of the panel for each mean above `yhi`.
fn mark_off_scale<'a, DB: DrawingBackend + 'a>(
    chart: &mut ChartContext<'a, DB, Linear>,
    c: RGBColor,
    pts: &[[f64; 5]],
    yhi: f64,
) -> DrawResult {
    for p in pts.iter().filter(|p| p[2] > yhi) {
        chart
            .draw_series(std::iter::once(TriangleMarker::new(
                (p[0], yhi),
                7,
                c.filled(),
            )))
            .map_err(e2s)?;
        chart
            .draw_series(std::iter::once(Text::new(
                format!("{} (off scale)", tick(p[2])),
                (p[0], yhi),
                label_style().pos(Pos::new(HPos::Left, VPos::Top)),
            )))
            .map_err(e2s)?;
    }
    Ok(())
}

/// A circle and a label at the point of lowest mean total cost.
fn mark_lowest_cost<'a, DB: DrawingBackend + 'a>(
    chart: &mut ChartContext<'a, DB, Linear>,
    pts: &[[f64; 5]],
    yhi: f64,
) -> DrawResult {
    let clip = |v: f64| v.min(yhi);
    let Some(best) = pts
        .iter()
        .filter(|p| p[2].is_finite())
        .min_by(|a, b| a[2].total_cmp(&b[2]))
    else {
        return Ok(());
    };
    chart
        .draw_series(std::iter::once(Circle::new(
            (best[0], clip(best[2])),
            9,
            BLACK.stroke_width(2),
        )))
        .map_err(e2s)?;
    // The label stands above the circle, clear of it: to its right, or to its
    // left when the circle is in the right half of the panel.
    let right = pts.iter().map(|p| p[0]).fold(f64::MIN, f64::max);
    let left = pts.iter().map(|p| p[0]).fold(f64::MAX, f64::min);
    let (dx, h) = if best[0] > (left + right) / 2.0 {
        (-12, HPos::Right)
    } else {
        (12, HPos::Left)
    };
    let label = EmptyElement::at((best[0], clip(best[2])))
        + Text::new(
            format!("lowest total cost at {}", tick(best[0])),
            (dx, -8),
            label_style().pos(Pos::new(h, VPos::Bottom)),
        );
    chart.draw_series(std::iter::once(label)).map_err(e2s)?;
    Ok(())
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
    // The colour scale gets a strip of its own on the right.
    let (w, _) = area.dim_in_pixel();
    let (area, scale) = area.split_horizontally(w as i32 - 120);
    let mut chart = ChartBuilder::on(&area)
        .caption(format!("{} (mean)", human_label(metric)), (FONT, 16))
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
        .x_desc(axis_label(&paths[0]))
        .y_desc(axis_label(&paths[1]))
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
        let c = blue(t);
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
    colour_scale(&scale, vmin, vmax)
}

/// The heatmap's light-to-dark blue scale, as used by [`heatmap`].
fn blue(t: f64) -> RGBColor {
    RGBColor(
        (240.0 - 200.0 * t) as u8,
        (245.0 - 150.0 * t) as u8,
        (255.0 - 90.0 * t) as u8,
    )
}

/// A vertical colour bar from `vmin` (bottom) to `vmax` (top), with its values.
fn colour_scale<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    vmin: f64,
    vmax: f64,
) -> DrawResult {
    let (_, h) = area.dim_in_pixel();
    let (top, bottom) = (50i32, h as i32 - 60);
    let steps = 40;
    for k in 0..steps {
        let t = k as f64 / (steps - 1) as f64;
        let y1 = bottom - ((bottom - top) as f64 * (k as f64 + 1.0) / steps as f64) as i32;
        let y0 = bottom - ((bottom - top) as f64 * k as f64 / steps as f64) as i32;
        area.draw(&Rectangle::new([(8, y1), (26, y0)], blue(t).filled()))
            .map_err(e2s)?;
    }
    for (v, y) in [(vmax, top), (vmin, bottom)] {
        area.draw(&Text::new(tick(v), (30, y - 6), label_style()))
            .map_err(e2s)?;
    }
    Ok(())
}

/// The axis label of a varied `--set` path: its key with the entity it belongs to,
/// `store.virginia.delete_on_day` -> `delete_on_day (virginia)`.
pub fn axis_label(path: &str) -> String {
    let parts: Vec<&str> = path.split('.').collect();
    match parts.as_slice() {
        [_, owner @ .., key] if !owner.is_empty() => format!("{key} ({})", owner.join(" ")),
        _ => path.to_string(),
    }
}
