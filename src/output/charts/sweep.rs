//! The sweep chart: a line per metric for a one-way sweep, a heatmap for a two-way grid.

use super::*;

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
