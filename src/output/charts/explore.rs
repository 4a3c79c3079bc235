//! The charts of `explore`: each deal's spread of a probability over the input draws, the
//! ranking matrix, and the sensitivity indices with their intervals.

use super::*;

/// Each deal's probability over the input draws: every draw as a dot, the 25-75% box, the 5-95%
/// whiskers, the median (bar) and the mean (diamond).
pub struct SpreadChart {
    /// Chart title.
    pub title: String,
    /// Axis label.
    pub axis: String,
    /// Per deal: name, the draws' estimates, the (p05, p25, p50, p75, p95) and the mean.
    pub deals: Vec<(String, Vec<f64>, [f64; 5], f64)>,
}

impl Chart for SpreadChart {
    fn size(&self) -> (u32, u32) {
        (1100, (150 + 90 * self.deals.len() as u32).max(320))
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        let n = self.deals.len();
        let hi = self
            .deals
            .iter()
            .flat_map(|d| d.1.iter().copied().chain([d.2[4], d.3]))
            .filter(|v| v.is_finite())
            .fold(0.0f64, f64::max);
        let hi = if hi <= 0.0 {
            0.05
        } else {
            (hi * 1.08).min(1.0)
        };
        let labels: Vec<String> = self.deals.iter().map(|d| d.0.clone()).collect();
        let mut chart = ChartBuilder::on(root)
            .caption(&self.title, caption_style())
            .margin(14)
            .x_label_area_size(48)
            .y_label_area_size(210)
            .build_cartesian_2d(0.0..hi, -0.5..(n as f64 - 0.5))
            .map_err(e2s)?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(n.max(1))
            .y_label_formatter(&|y| row_label(&labels, *y))
            .x_desc(&self.axis)
            .x_label_formatter(&|v| percent(*v, hi))
            .label_style(label_style())
            .axis_desc_style(desc_style())
            .draw()
            .map_err(e2s)?;
        for (k, (_, xs, q, mean)) in self.deals.iter().enumerate() {
            draw_spread(
                &mut chart,
                (n - 1 - k) as f64,
                colour(k),
                (xs, q, *mean),
                hi,
            )?;
        }
        Ok(())
    }
}

/// Linear axes of the explore charts.
type Linear =
    Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>;

/// One deal's row at height `y`: the structural-zero note, the draws as dots, the whiskers, the
/// box, the median and the mean; `hi` is the x axis' end.
fn draw_spread<'a, DB: DrawingBackend + 'a>(
    chart: &mut ChartContext<'a, DB, Linear>,
    y: f64,
    c: RGBColor,
    (xs, q, mean): (&[f64], &[f64; 5], f64),
    hi: f64,
) -> DrawResult {
    if q.iter().all(|v| *v == 0.0) && xs.iter().all(|v| *v == 0.0) {
        chart
            .draw_series(std::iter::once(Text::new(
                "0 in every draw (structural zero: no route reaches the question's recipients)",
                (hi * 0.02, y + 0.12),
                label_style(),
            )))
            .map_err(e2s)?;
    }
    // Dots spread vertically by a fixed pattern (no randomness), to show density.
    chart
        .draw_series(xs.iter().enumerate().map(|(i, &x)| {
            let off = ((i * 7919) % 97) as f64 / 97.0 - 0.5;
            Circle::new((x, y + 0.34 * off), 2, c.mix(0.35).filled())
        }))
        .map_err(e2s)?;
    let line = BLACK.stroke_width(2);
    for (from, to) in [(q[0], q[1]), (q[3], q[4])] {
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(from, y), (to, y)],
                line,
            )))
            .map_err(e2s)?;
    }
    chart
        .draw_series(std::iter::once(Rectangle::new(
            [(q[1], y - 0.22), (q[3], y + 0.22)],
            BLACK.stroke_width(2),
        )))
        .map_err(e2s)?;
    chart
        .draw_series(std::iter::once(PathElement::new(
            vec![(q[2], y - 0.22), (q[2], y + 0.22)],
            BLACK.stroke_width(4),
        )))
        .map_err(e2s)?;
    chart
        .draw_series(std::iter::once(TriangleMarker::new(
            (mean, y - 0.3),
            7,
            RGBColor(213, 94, 0).filled(),
        )))
        .map_err(e2s)?;
    Ok(())
}

/// The ranking matrix: the share of draws in which the row's deal is below the column's.
pub struct RankingChart {
    /// Chart title.
    pub title: String,
    /// Deal names.
    pub deals: Vec<String>,
    /// `share[i][j]`: share of draws with deal i below deal j (NaN on the diagonal).
    pub share: Vec<Vec<f64>>,
}

impl Chart for RankingChart {
    fn size(&self) -> (u32, u32) {
        let n = self.deals.len() as u32;
        (320 + 150 * n, 200 + 70 * n)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        let n = self.deals.len();
        let labels: Vec<String> = self.deals.clone();
        let mut chart = ChartBuilder::on(root)
            .caption(&self.title, caption_style())
            .margin(14)
            .x_label_area_size(40)
            .y_label_area_size(230)
            .build_cartesian_2d(-0.5..(n as f64 - 0.5), -0.5..(n as f64 - 0.5))
            .map_err(e2s)?;
        let cols: Vec<String> = (0..n).map(|i| format!("[{}]", i + 1)).collect();
        let rows: Vec<String> = labels
            .iter()
            .enumerate()
            .map(|(i, l)| format!("[{}] {l}", i + 1))
            .collect();
        chart
            .configure_mesh()
            .disable_mesh()
            .x_labels(n)
            .y_labels(n)
            .x_label_formatter(&|x| {
                let i = x.round();
                if (x - i).abs() < 0.01 && i >= 0.0 {
                    cols.get(i as usize).cloned().unwrap_or_default()
                } else {
                    String::new()
                }
            })
            .y_label_formatter(&|y| row_label(&rows, *y))
            .x_desc("column deal (the row's deal is below it in the share shown)")
            .label_style(label_style())
            .axis_desc_style(desc_style())
            .draw()
            .map_err(e2s)?;
        for i in 0..n {
            for j in 0..n {
                let y = (n - 1 - i) as f64;
                let x = j as f64;
                let s = self.share[i][j];
                let fill = if s.is_nan() {
                    RGBColor(235, 235, 235)
                } else {
                    // White (0) to the palette's blue (1).
                    let t = s.clamp(0.0, 1.0);
                    let mix = |a: u8, b: u8| (a as f64 + (b as f64 - a as f64) * t) as u8;
                    RGBColor(mix(255, 0), mix(255, 114), mix(255, 178))
                };
                chart
                    .draw_series(std::iter::once(Rectangle::new(
                        [(x - 0.48, y - 0.48), (x + 0.48, y + 0.48)],
                        fill.filled(),
                    )))
                    .map_err(e2s)?;
                let text = if s.is_nan() {
                    "-".to_string()
                } else {
                    format!("{:.0}%", 100.0 * s)
                };
                let colour = if s > 0.6 { WHITE } else { BLACK };
                chart
                    .draw_series(std::iter::once(Text::new(
                        text,
                        (x - 0.12, y + 0.08),
                        (FONT, 18).into_font().color(&colour),
                    )))
                    .map_err(e2s)?;
            }
        }
        Ok(())
    }
}

/// Sensitivity indices of one metric: for each input (rows), each deal's index with its 95%
/// interval; total indices filled, first-order hollow.
pub struct IndicesChart {
    /// Chart title.
    pub title: String,
    /// Axis label.
    pub axis: String,
    /// Deal names (one colour each).
    pub deals: Vec<String>,
    /// Input names, top to bottom.
    pub inputs: Vec<String>,
    /// `(deal, input, first (value, low, high), total (value, low, high) or NaN)`.
    pub points: Vec<(usize, usize, [f64; 3], [f64; 3])>,
}

impl Chart for IndicesChart {
    fn size(&self) -> (u32, u32) {
        (
            1200,
            (170 + 26 * (self.inputs.len() * self.deals.len()) as u32).max(360),
        )
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        let n = self.inputs.len();
        let m = self.deals.len().max(1);
        let hi = self
            .points
            .iter()
            .flat_map(|p| [p.2[2], p.3[2], p.2[0], p.3[0]])
            .filter(|v| v.is_finite())
            .fold(0.1f64, f64::max)
            .min(1.2)
            * 1.3;
        let lo = self
            .points
            .iter()
            .flat_map(|p| [p.2[1], p.3[1]])
            .filter(|v| v.is_finite())
            .fold(0.0f64, f64::min)
            .max(-0.3);
        let labels: Vec<String> = self.inputs.iter().map(|s| human_label(s)).collect();
        let mut chart = ChartBuilder::on(root)
            .caption(&self.title, caption_style())
            .margin(14)
            .x_label_area_size(48)
            .y_label_area_size(380)
            .build_cartesian_2d(lo..hi, -0.5..(n as f64 - 0.5))
            .map_err(e2s)?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(n.max(1))
            .y_label_formatter(&|y| row_label(&labels, *y))
            .x_desc(&self.axis)
            .x_label_formatter(&|v| format!("{v:.1}"))
            .label_style(label_style())
            .axis_desc_style(desc_style())
            .draw()
            .map_err(e2s)?;
        for &(deal, input, first, total) in &self.points {
            // A deal the input cannot move (a structural zero) is left out.
            if first[0] == 0.0 && first[2] == 0.0 && (total[0].is_nan() || total[0] <= 0.0) {
                continue;
            }
            let y = (n - 1 - input) as f64 + 0.35 - 0.7 * (deal as f64 + 0.5) / m as f64;
            let c = colour(deal);
            for (v, filled, dy) in [(total, true, 0.0), (first, false, 0.0)] {
                if !v[0].is_finite() {
                    continue;
                }
                chart
                    .draw_series(std::iter::once(PathElement::new(
                        vec![(v[1], y + dy), (v[2], y + dy)],
                        c.stroke_width(2),
                    )))
                    .map_err(e2s)?;
                let style = if filled {
                    c.filled()
                } else {
                    c.stroke_width(2)
                };
                chart
                    .draw_series(std::iter::once(Circle::new((v[0], y + dy), 5, style)))
                    .map_err(e2s)?;
            }
        }
        for (k, d) in self.deals.iter().enumerate() {
            let c = colour(k);
            chart
                .draw_series(std::iter::empty::<Circle<(f64, f64), i32>>())
                .map_err(e2s)?
                .label(d.clone())
                .legend(move |(x, y)| Circle::new((x + 8, y), 5, c.filled()));
        }
        legend(&mut chart, SeriesLabelPosition::LowerRight)?;
        Ok(())
    }
}

/// A deal's name, its (coverage, density) per peeling step, and its chosen step.
pub type Trajectory = (String, Vec<(f64, f64)>, usize);

/// PRIM's trade-off: coverage against density along each deal's peeling trajectory, the chosen
/// box ringed.
pub struct TradeoffChart {
    /// Chart title.
    pub title: String,
    /// Per deal: name, (coverage, density) per step, chosen step.
    pub deals: Vec<Trajectory>,
}

impl Chart for TradeoffChart {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        let mut chart = ChartBuilder::on(root)
            .caption(&self.title, caption_style())
            .margin(14)
            .x_label_area_size(48)
            .y_label_area_size(70)
            .build_cartesian_2d(0.0..1.02, 0.0..1.02)
            .map_err(e2s)?;
        chart
            .configure_mesh()
            .x_desc("coverage (share of the draws of interest inside the box)")
            .y_desc("density (share of the box's draws of interest)")
            .x_label_formatter(&|v| format!("{:.0}%", 100.0 * v))
            .y_label_formatter(&|v| format!("{:.0}%", 100.0 * v))
            .label_style(label_style())
            .axis_desc_style(desc_style())
            .draw()
            .map_err(e2s)?;
        for (k, (name, pts, chosen)) in self.deals.iter().enumerate() {
            let c = colour(k);
            chart
                .draw_series(LineSeries::new(pts.iter().copied(), c.stroke_width(2)))
                .map_err(e2s)?
                .label(name.clone())
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 18, y)], c.stroke_width(3))
                });
            chart
                .draw_series(pts.iter().map(|&p| Circle::new(p, 3, c.filled())))
                .map_err(e2s)?;
            if let Some(&p) = pts.get(*chosen) {
                chart
                    .draw_series(std::iter::once(Circle::new(p, 9, BLACK.stroke_width(2))))
                    .map_err(e2s)?;
            }
        }
        legend(&mut chart, SeriesLabelPosition::LowerLeft)?;
        Ok(())
    }
}

/// `v` as a percentage, with the decimals an axis up to `hi` needs to tell its key points
/// apart (0.5%, 1.0%, 1.5% on an axis to 3%).
fn percent(v: f64, hi: f64) -> String {
    let decimals = if hi >= 0.1 {
        0
    } else if hi >= 0.01 {
        1
    } else {
        2
    };
    format!("{:.*}%", decimals, 100.0 * v)
}
