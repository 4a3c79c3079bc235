//! The paths chart: where leaked records come from, by route and recipient.

use super::*;

/// One bar of the paths chart.
pub struct PathBar {
    /// Route, e.g. `compelled operator`.
    pub route: String,
    /// Recipient: a state, or `private`.
    pub recipient: String,
    /// Class.
    pub class: String,
    /// Mean records the recipient obtained by the route per replication.
    pub mean: f64,
}

/// Where leaks come from: mean records per replication by route, recipient and class, on a log
/// scale (a handover of a whole class and a theft of a few thousand records differ by orders of
/// magnitude). Bars are coloured by recipient.
pub struct PathsChart {
    /// Chart title.
    pub title: String,
    /// The bars, top to bottom.
    pub bars: Vec<PathBar>,
}

impl Chart for PathsChart {
    fn size(&self) -> (u32, u32) {
        (1200, 150 + 34 * self.bars.len().max(1) as u32)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        let bars: Vec<&PathBar> = self.bars.iter().filter(|b| b.mean > 0.0).collect();
        if bars.is_empty() {
            return no_data(root, &self.title, "no record left the owner's control");
        }
        let lo = bars.iter().map(|b| b.mean).fold(f64::INFINITY, f64::min);
        let hi = bars.iter().map(|b| b.mean).fold(0.0, f64::max);
        let xmin = 10f64.powf((lo.log10() - 0.5).floor()).min(1.0);
        let xmax = 10f64.powf((hi.log10() + 0.6).ceil());
        let n = bars.len();
        let labels: Vec<String> = bars
            .iter()
            .map(|b| format!("{} -> {} ({})", b.route, b.recipient, b.class))
            .collect();
        let mut recipients: Vec<&str> = Vec::new();
        for b in &bars {
            if !recipients.contains(&b.recipient.as_str()) {
                recipients.push(&b.recipient);
            }
        }
        let mut chart = ChartBuilder::on(root)
            .caption(&self.title, caption_style())
            .margin(14)
            .x_label_area_size(50)
            .y_label_area_size(300)
            .margin_right(60)
            .build_cartesian_2d((xmin..xmax).log_scale(), -0.5..(n as f64 - 0.5))
            .map_err(e2s)?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(n)
            .y_label_formatter(&|y| row_label(&labels, *y))
            .x_label_formatter(&|v| tick(*v))
            .x_desc("mean records obtained per replication (log scale)")
            .label_style(label_style())
            .axis_desc_style(desc_style())
            .light_line_style(WHITE.mix(0.0))
            .draw()
            .map_err(e2s)?;
        for (ri, recipient) in recipients.iter().enumerate() {
            let c = colour(ri);
            let mine: Vec<(usize, &&PathBar)> = bars
                .iter()
                .enumerate()
                .filter(|(_, b)| b.recipient == *recipient)
                .collect();
            chart
                .draw_series(mine.iter().map(|(i, b)| {
                    let y = (n - 1 - i) as f64;
                    Rectangle::new([(xmin, y - 0.32), (b.mean, y + 0.32)], c.filled())
                }))
                .map_err(e2s)?
                .label(recipient.to_string())
                .legend(move |(x, y)| Rectangle::new([(x, y - 6), (x + 16, y + 6)], c.filled()));
            chart
                .draw_series(mine.iter().map(|(i, b)| {
                    let y = (n - 1 - i) as f64;
                    Text::new(tick(b.mean), (b.mean * 1.15, y - 0.2), label_style())
                }))
                .map_err(e2s)?;
        }
        legend(&mut chart, SeriesLabelPosition::LowerRight)?;
        Ok(())
    }
}
