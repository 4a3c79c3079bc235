//! The tornado chart: swings of a metric as each parameter goes from low to high.

use super::*;

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
        let labels: Vec<String> = self.rows.iter().map(|r| human_label(&r.0)).collect();
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
            .y_label_formatter(&|y| row_label(&labels, *y))
            .x_desc(format!("{} (mean)", human_label(&self.metric)))
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
