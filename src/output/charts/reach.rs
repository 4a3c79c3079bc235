//! The "who gets the data" chart: per recipient and class, the probability that any record
//! reached the recipient within the horizon, with its 95% interval; one mark per scenario.

use super::*;

/// One scenario's estimates, row by row of a [`ReachChart`].
pub struct ReachSeries {
    /// Scenario name.
    pub label: String,
    /// Per row: (probability, interval low, interval high); NaN where the scenario has no row.
    pub values: Vec<(f64, f64, f64)>,
}

/// Who gets the data: P(reached) per (recipient, class) row, one mark per scenario.
pub struct ReachChart {
    /// Chart title.
    pub title: String,
    /// Row labels, e.g. `CN: protected`, top to bottom.
    pub rows: Vec<String>,
    /// One series per scenario.
    pub series: Vec<ReachSeries>,
}

impl Chart for ReachChart {
    fn size(&self) -> (u32, u32) {
        let per_row = 26 + 12 * self.series.len() as u32;
        (1300, 140 + per_row * self.rows.len().max(1) as u32)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        if self.rows.is_empty() {
            return no_data(
                root,
                &self.title,
                "no record reached anyone in any replication",
            );
        }
        // The legend gets a panel of its own on the right: marks can sit anywhere up to 100%.
        let (root, side) = if self.series.len() > 1 {
            let (w, _) = root.dim_in_pixel();
            let (a, b) = root.split_horizontally(w as i32 - 230);
            (a, Some(b))
        } else {
            (root.clone(), None)
        };
        let root = &root;
        let hi = self
            .series
            .iter()
            .flat_map(|s| s.values.iter().map(|v| v.2))
            .filter(|v| v.is_finite())
            .fold(0.0, f64::max);
        let xmax = (hi * 1.08).clamp(0.01, 1.0);
        let n = self.rows.len();
        let labels = self.rows.clone();
        // Room for the longest row label (about 7 pixels a character at the label size).
        let longest = labels.iter().map(|l| l.chars().count()).max().unwrap_or(0) as u32;
        let label_area = (longest * 7 + 24).clamp(120, 420);
        let mut chart = ChartBuilder::on(root)
            .caption(&self.title, caption_style())
            .margin(14)
            .x_label_area_size(50)
            .y_label_area_size(label_area)
            .build_cartesian_2d(0.0..xmax, -0.5..(n as f64 - 0.5))
            .map_err(e2s)?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(n)
            .y_label_formatter(&|y| row_label(&labels, *y))
            .x_labels(6)
            .x_label_formatter(&|v| format!("{:.0}%", 100.0 * v))
            .x_desc("probability that any record reached the recipient within the horizon (95% CI)")
            .label_style(label_style())
            .axis_desc_style(desc_style())
            .light_line_style(WHITE.mix(0.0))
            .draw()
            .map_err(e2s)?;
        for (si, s) in self.series.iter().enumerate() {
            draw_marks(&mut chart, si, s, n, self.series.len())?;
        }
        if let Some(side) = side {
            self.draw_side_legend(&side)?;
        }
        Ok(())
    }
}

/// Linear axes of the reach chart.
type Linear =
    Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>;

/// The marks of series `si` of `count`: per row, its interval and a marker at its estimate,
/// shifted within the row so the series stand apart.
fn draw_marks<'a, DB: DrawingBackend + 'a>(
    chart: &mut ChartContext<'a, DB, Linear>,
    si: usize,
    s: &ReachSeries,
    n: usize,
    count: usize,
) -> DrawResult {
    let k = count.max(1) as f64;
    let step = if k > 1.0 { 0.7 / (k - 1.0) } else { 0.0 };
    let c = colour(si);
    let offset = 0.35 - si as f64 * step;
    let marks: Vec<(f64, f64, f64, f64)> = s
        .values
        .iter()
        .enumerate()
        .filter(|(_, v)| v.0.is_finite())
        .map(|(r, v)| {
            (
                (n - 1 - r) as f64 + if k > 1.0 { offset } else { 0.0 },
                v.0,
                v.1,
                v.2,
            )
        })
        .collect();
    chart
        .draw_series(marks.iter().map(|&(y, _, lo, hi)| {
            ErrorBar::new_horizontal(y, lo, (lo + hi) / 2.0, hi, c.stroke_width(2), 8)
        }))
        .map_err(e2s)?;
    chart
        .draw_series(marks.iter().map(|&(y, p, _, _)| {
            EmptyElement::at((p, y)) + super::exceedance::marker(si, (0, 0), c)
        }))
        .map_err(e2s)?;
    Ok(())
}

impl ReachChart {
    /// The legend in its own panel on the right: a marker and the scenario's name each.
    fn draw_side_legend<DB: DrawingBackend>(&self, side: &DrawingArea<DB, Shift>) -> DrawResult {
        for (si, s) in self.series.iter().enumerate() {
            let y = 60 + 26 * si as i32;
            side.draw(
                &(EmptyElement::at((14, y)) + super::exceedance::marker(si, (0, 0), colour(si))),
            )
            .map_err(e2s)?;
            side.draw(&Text::new(s.label.clone(), (28, y - 8), label_style()))
                .map_err(e2s)?;
        }
        Ok(())
    }
}
