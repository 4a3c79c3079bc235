//! The timeline chart: cumulative records leaked over the horizon, and the review backlog.

use super::*;

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
    /// Whether the scenario has a gatekeeper (else no backlog panel).
    pub gatekeeper: bool,
    /// (day, label) markers.
    pub markers: Vec<(f64, String)>,
}

impl Chart for TimelineChart {
    fn size(&self) -> (u32, u32) {
        (1100, if self.gatekeeper { 760 } else { 520 })
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        let root = root.titled(&self.title, caption_style()).map_err(e2s)?;
        let (top, bottom) = if self.gatekeeper {
            root.split_vertically(480)
        } else {
            let (a, b) = root.split_vertically(470);
            (a, b)
        };
        self.draw_leaked(&top)?;
        if !self.gatekeeper {
            return Ok(());
        }
        self.draw_backlog(&bottom)
    }
}

impl TimelineChart {
    /// The last day on the x axis.
    fn last_day(&self) -> f64 {
        self.day.last().copied().unwrap_or(1.0).max(1.0)
    }

    /// Whether the x axis shows dates (else days).
    fn has_dates(&self) -> bool {
        !self.date.iter().all(String::is_empty)
    }

    /// The x axis description.
    fn x_desc(&self) -> &'static str {
        if self.has_dates() {
            "date"
        } else {
            "day"
        }
    }

    /// The x tick label of day `d`: its date, else "day N".
    fn x_label(&self, d: &f64) -> String {
        if self.has_dates() {
            let i = (d.round().max(0.0) as usize).min(self.date.len().saturating_sub(1));
            self.date.get(i).cloned().unwrap_or_default()
        } else {
            format!("day {}", d.round())
        }
    }

    /// The top panel: cumulative records leaked (mean, 5-95% band) and the dated markers.
    fn draw_leaked<DB: DrawingBackend>(&self, top: &DrawingArea<DB, Shift>) -> DrawResult {
        let xfmt = |d: &f64| self.x_label(d);
        let ymax = self.leaked[2]
            .iter()
            .chain(&self.leaked[0])
            .copied()
            .filter(|v| v.is_finite())
            .fold(0.0, f64::max)
            .max(1.0)
            * 1.08;
        let mut chart = ChartBuilder::on(top)
            .caption("cumulative records leaked", (FONT, 17))
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(110)
            .build_cartesian_2d(0.0..self.last_day(), 0.0..ymax)
            .map_err(e2s)?;
        chart
            .configure_mesh()
            .x_desc(self.x_desc())
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
        self.draw_markers(&mut chart, ymax)?;
        legend(&mut chart, SeriesLabelPosition::LowerRight)
    }

    /// The dated markers: a dashed vertical line and a label each, labels staggered down.
    fn draw_markers<'a, DB: DrawingBackend + 'a>(
        &self,
        chart: &mut ChartContext<
            'a,
            DB,
            Cartesian2d<
                plotters::coord::types::RangedCoordf64,
                plotters::coord::types::RangedCoordf64,
            >,
        >,
        ymax: f64,
    ) -> DrawResult {
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
        Ok(())
    }

    /// The bottom panel: the gatekeeper backlog (mean, 95th percentile).
    fn draw_backlog<DB: DrawingBackend>(&self, bottom: &DrawingArea<DB, Shift>) -> DrawResult {
        let xfmt = |d: &f64| self.x_label(d);
        let bmax = self.backlog[1]
            .iter()
            .chain(&self.backlog[0])
            .copied()
            .filter(|v| v.is_finite())
            .fold(0.0, f64::max)
            .max(1.0)
            * 1.1;
        let mut chart = ChartBuilder::on(bottom)
            .caption(
                "gatekeeper backlog (requests waiting for review, end of day)",
                (FONT, 16),
            )
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(110)
            .build_cartesian_2d(0.0..self.last_day(), 0.0..bmax)
            .map_err(e2s)?;
        chart
            .configure_mesh()
            .x_desc(self.x_desc())
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
        legend(&mut chart, SeriesLabelPosition::UpperRight)
    }
}
