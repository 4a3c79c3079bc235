//! The comparison chart: key metrics per scenario and paired differences from the baseline.

use super::*;

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
    /// The currency of amounts.
    pub currency: String,
}

/// The x range of an interval panel, padded, taking in zero when it draws the zero line.
fn interval_range(rows: &[Interval], zero_line: bool) -> (f64, f64) {
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
    padded(
        if zero_line { lo.min(0.0) } else { lo },
        if zero_line { hi.max(0.0) } else { hi },
    )
}

/// An x tick of an interval panel: a percentage (one decimal) or a plain number.
fn interval_tick(v: f64, percent: bool) -> String {
    if percent {
        let p = v * 100.0;
        if p.abs() < 0.05 {
            "0%".to_string()
        } else {
            format!("{p:.1}%")
        }
    } else {
        tick(v)
    }
}

/// Linear axes of an interval panel.
type Linear =
    Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>;

/// One row at height `y`: its interval as an error bar and its value as a dot.
fn draw_interval<'a, DB: DrawingBackend + 'a>(
    chart: &mut ChartContext<'a, DB, Linear>,
    y: f64,
    c: RGBColor,
    r: &Interval,
) -> DrawResult {
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
    Ok(())
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
    let (lo, hi) = interval_range(rows, zero_line);
    let n = rows.len();
    let labels: Vec<String> = rows.iter().map(|r| r.label.clone()).collect();
    let mut chart = ChartBuilder::on(area)
        .caption(title, (FONT, 15))
        .margin(8)
        .x_label_area_size(30)
        .y_label_area_size(170)
        .build_cartesian_2d(lo..hi, -0.5..(n as f64 - 0.5))
        .map_err(e2s)?;
    let fmt = move |v: &f64| interval_tick(*v, percent);
    chart
        .configure_mesh()
        .disable_y_mesh()
        .y_labels(n)
        .y_label_formatter(&|y| row_label(&labels, *y))
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
        draw_interval(&mut chart, (n - 1 - i) as f64, colour(i), r)?;
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
            let percent = metric == "leaked" || metric == "reached";
            let name = match metric.as_str() {
                "leaked" => "P(any leak)".to_string(),
                "reached" => "P(reached): the question".to_string(),
                _ => label_with_currency(metric, &self.currency),
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
