//! The paths chart: where leaked records come from.

use super::*;

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
