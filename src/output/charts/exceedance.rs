//! Loss exceedance curves, with interval bands and the parameter-uncertainty band.

use super::*;

/// Loss exceedance curves: P(metric > x) against x on a log axis, per scenario, with a 95%
/// (Wilson) band and, for uncertain parameters, the range of the curves conditional on deciles of
/// the most influential parameter.
pub struct Exceedance {
    /// Chart title.
    pub title: String,
    /// Per panel: metric name, axis label, and per scenario (label, values, parameter columns).
    pub panels: Vec<(String, String, Vec<ExceedanceSeries>)>,
    /// The risk-tolerance curve, (loss, probability), drawn on the `loss` panel.
    pub tolerance: Vec<(f64, f64)>,
    /// The curves of each panel, computed once for both image formats.
    curves: std::cell::OnceCell<Vec<Option<PanelCurves>>>,
}

impl Exceedance {
    /// A chart of `panels` (metric, axis label, series) under `title`, with an optional risk
    /// `tolerance` curve on the `loss` panel.
    pub fn new(
        title: String,
        panels: Vec<(String, String, Vec<ExceedanceSeries>)>,
        tolerance: Vec<(f64, f64)>,
    ) -> Self {
        Exceedance {
            title,
            panels,
            tolerance,
            curves: std::cell::OnceCell::new(),
        }
    }

    /// Each panel's curves (None for a panel with no positive value).
    fn curves(&self) -> &[Option<PanelCurves>] {
        self.curves.get_or_init(|| {
            self.panels
                .iter()
                .map(|(_, _, series)| PanelCurves::of(series))
                .collect()
        })
    }
}

/// What one panel draws: its x range and grid, and per series the exceedance probabilities, their
/// 95% band, and the parameter band.
struct PanelCurves {
    lo: f64,
    hi: f64,
    grid: Vec<f64>,
    /// Per series: P(value > x) on the grid, its Wilson band, the parameter band.
    series: Vec<SeriesCurve>,
}

struct SeriesCurve {
    p: Vec<f64>,
    band: Vec<(f64, f64)>,
    parameter: Option<(usize, Vec<f64>, Vec<f64>)>,
}

impl PanelCurves {
    fn of(series: &[ExceedanceSeries]) -> Option<PanelCurves> {
        let positives = || {
            series
                .iter()
                .flat_map(|s| s.values.iter().copied())
                .filter(|v| *v > 0.0)
        };
        positives().next()?;
        // The axis spans the drawable values (infinite or huge ones still count as exceeding).
        let (lo, hi) = super::axis_range(positives().filter(|v| super::drawable(*v)), (1.0, 10.0));
        let lo = lo.clamp(1.0, super::DRAWABLE / 10.0);
        let hi = hi.max(lo * 10.0);
        let grid = log_grid(lo, hi, 160);
        let curves = series
            .iter()
            .map(|s| {
                let mut sorted = s.values.clone();
                sorted.sort_unstable_by(f64::total_cmp);
                let n = sorted.len() as f64;
                let p: Vec<f64> = grid.iter().map(|&x| exceedance_at(&sorted, x)).collect();
                drop(sorted);
                let band = p
                    .iter()
                    .map(|&q| crate::analysis::stats::wilson_interval(q * n, n))
                    .collect();
                // Parameter bands only where they stay readable (one or two scenarios).
                let parameter = if series.len() <= 2 {
                    parameter_band(s, &grid)
                } else {
                    None
                };
                SeriesCurve { p, band, parameter }
            })
            .collect();
        Some(PanelCurves {
            lo,
            hi,
            grid,
            series: curves,
        })
    }
}

/// One scenario's values of one metric.
pub struct ExceedanceSeries {
    /// Scenario name.
    pub label: String,
    /// Values, one per replication.
    pub values: Vec<f64>,
    /// Uncertain parameter values (one vector per parameter), for the parameter band; shared by
    /// the panels of one scenario.
    pub params: std::rc::Rc<Vec<Vec<f64>>>,
    /// Their names (`--set` paths), to say which one the band splits on.
    pub param_names: Vec<String>,
}

/// x positions of an exceedance curve: log-spaced over the positive values.
fn log_grid(lo: f64, hi: f64, n: usize) -> Vec<f64> {
    let (a, b) = (lo.log10(), hi.log10());
    (0..n)
        .map(|i| 10f64.powf(a + (b - a) * i as f64 / (n - 1) as f64))
        .collect()
}

fn exceedance_at(sorted: &[f64], x: f64) -> f64 {
    let above = sorted.len() - sorted.partition_point(|&v| v <= x);
    above as f64 / sorted.len().max(1) as f64
}

/// The parameter band: min and max across decile groups of the parameter most rank-correlated
/// with the metric, of the conditional exceedance probability at each x; with that parameter's
/// index.
fn parameter_band(s: &ExceedanceSeries, grid: &[f64]) -> Option<(usize, Vec<f64>, Vec<f64>)> {
    if s.params.is_empty() || s.values.len() < 200 {
        return None;
    }
    use crate::analysis::sensitivity::{doubled_ranks, rank_pearson};
    let y = doubled_ranks(&s.values);
    let best = s
        .params
        .iter()
        .map(|p| rank_pearson(&doubled_ranks(p), &y).abs())
        .enumerate()
        .filter(|(_, r)| r.is_finite())
        .max_by(|a, b| a.1.total_cmp(&b.1))?
        .0;
    drop(y);
    let mut order: Vec<u32> = (0..s.values.len() as u32).collect();
    let p = &s.params[best];
    // Ties in replication order, as a stable sort would leave them.
    order.sort_unstable_by(|&a, &b| p[a as usize].total_cmp(&p[b as usize]).then(a.cmp(&b)));
    let groups: Vec<Vec<f64>> = order
        .chunks(order.len().div_ceil(10))
        .map(|c| {
            let mut v: Vec<f64> = c.iter().map(|&i| s.values[i as usize]).collect();
            v.sort_by(f64::total_cmp);
            v
        })
        .collect();
    let lo = grid
        .iter()
        .map(|&x| {
            groups
                .iter()
                .map(|g| exceedance_at(g, x))
                .fold(f64::INFINITY, f64::min)
        })
        .collect();
    let hi = grid
        .iter()
        .map(|&x| {
            groups
                .iter()
                .map(|g| exceedance_at(g, x))
                .fold(f64::NEG_INFINITY, f64::max)
        })
        .collect();
    Some((best, lo, hi))
}

impl Chart for Exceedance {
    fn size(&self) -> (u32, u32) {
        (1200, 560)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        let root = root.titled(&self.title, caption_style()).map_err(e2s)?;
        let areas = root.split_evenly((1, self.panels.len().max(1)));
        for (((metric, xdesc, series), area), curves) in
            self.panels.iter().zip(areas.iter()).zip(self.curves())
        {
            let Some(curves) = curves else {
                no_data(
                    area,
                    &format!("P({metric} > x)"),
                    "no leak in any replication",
                )?;
                continue;
            };
            self.draw_panel(area, metric, xdesc, series, curves)?;
        }
        Ok(())
    }
}

/// Log-log axes of one exceedance panel.
type LogLog = Cartesian2d<LogCoord<f64>, LogCoord<f64>>;

/// What the curves of one panel share: the x range and grid, and the probability floor.
struct Frame<'c> {
    lo: f64,
    hi: f64,
    grid: &'c [f64],
    floor: f64,
    /// Number of series in the panel.
    count: usize,
}

impl Frame<'_> {
    /// A probability as drawn: a zero probability sits on the floor.
    fn at_floor(&self, p: f64) -> f64 {
        p.max(self.floor)
    }
}

impl Exceedance {
    /// Draws one panel: axes, each series' curve and bands, the tolerance curve, the legend.
    fn draw_panel<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        metric: &str,
        xdesc: &str,
        series: &[ExceedanceSeries],
        curves: &PanelCurves,
    ) -> DrawResult {
        // Probabilities from 1 down to one replication in all of them (log scale: the tail
        // stays visible); a zero probability is drawn on the floor.
        let most = series
            .iter()
            .map(|s| s.values.len())
            .max()
            .unwrap_or(1)
            .max(2);
        let frame = Frame {
            lo: curves.lo,
            hi: curves.hi,
            grid: &curves.grid,
            floor: 0.5 / most as f64,
            count: series.len(),
        };
        let note = if metric == "loss" && !self.tolerance.is_empty() {
            tolerance_note(&self.tolerance, series)
        } else {
            Vec::new()
        };
        let mut chart = panel_axes(area, metric, xdesc, &frame, note.len())?;
        for (i, (s, curve)) in series.iter().zip(&curves.series).enumerate() {
            draw_curve(&mut chart, i, s, curve, &frame)?;
        }
        if metric == "loss" && !self.tolerance.is_empty() {
            self.draw_tolerance(&mut chart, area, &frame, &note)?;
        }
        legend(&mut chart, SeriesLabelPosition::LowerLeft)
    }

    /// Draws the risk-tolerance curve and its note on the `loss` panel.
    fn draw_tolerance<'a, DB: DrawingBackend + 'a>(
        &self,
        chart: &mut ChartContext<'a, DB, LogLog>,
        area: &DrawingArea<DB, Shift>,
        frame: &Frame,
        note: &[String],
    ) -> DrawResult {
        let (lo, hi, floor) = (frame.lo, frame.hi, frame.floor);
        let red = RGBColor(213, 94, 0);
        // Clipped to the plotting area: a point beyond the axes is not drawn on its edge.
        let pieces = clip_log(&self.tolerance, (lo, hi), (floor, 1.0));
        for (k, piece) in pieces.iter().enumerate() {
            let drawn = chart
                .draw_series(DashedLineSeries::new(
                    piece.iter().copied(),
                    10,
                    5,
                    red.stroke_width(3),
                ))
                .map_err(e2s)?;
            if k == 0 {
                drawn.label("risk tolerance").legend(move |(x, y)| {
                    let st = red.stroke_width(3);
                    EmptyElement::at((x, y))
                        + PathElement::new(vec![(0, 0), (7, 0)], st)
                        + PathElement::new(vec![(15, 0), (22, 0)], st)
                        + Circle::new((11, 0), 4, red.filled())
                });
            }
        }
        let inside = self
            .tolerance
            .iter()
            .copied()
            .filter(|&(x, p)| (lo..=hi).contains(&x) && (floor..=1.0).contains(&p));
        chart
            .draw_series(inside.map(|p| Circle::new(p, 4, red.filled())))
            .map_err(e2s)?;
        // The note sits above the panel's caption, in the room its margin leaves.
        for (k, line) in note.iter().enumerate() {
            area.draw(&Text::new(
                line.clone(),
                (90, 6 + 16 * k as i32),
                label_style().color(&red),
            ))
            .map_err(e2s)?;
        }
        Ok(())
    }
}

/// The log-log axes of one panel, with room above for `note_lines` lines of note.
fn panel_axes<'a, DB: DrawingBackend + 'a>(
    area: &'a DrawingArea<DB, Shift>,
    metric: &str,
    xdesc: &str,
    frame: &Frame,
    note_lines: usize,
) -> std::result::Result<ChartContext<'a, DB, LogLog>, String> {
    let mut chart = ChartBuilder::on(area)
        .caption(format!("P({metric} > x)"), (FONT, 17))
        .margin(12)
        .margin_top(12 + 16 * note_lines as u32)
        .margin_right(36)
        .x_label_area_size(45)
        .y_label_area_size(76)
        .build_cartesian_2d(
            (frame.lo..frame.hi).log_scale(),
            (frame.floor..1.0).log_scale(),
        )
        .map_err(e2s)?;
    chart
        .configure_mesh()
        .x_desc(xdesc)
        .y_desc("probability of exceeding x")
        .x_label_formatter(&|v| tick(*v))
        .y_label_formatter(&|v| {
            let p = v * 100.0;
            if p >= 1.0 {
                format!("{p:.0}%")
            } else {
                format!("{}%", crate::output::format::fmt_num(p))
            }
        })
        .label_style(label_style())
        .axis_desc_style(desc_style())
        .light_line_style(WHITE.mix(0.0))
        .draw()
        .map_err(e2s)?;
    Ok(chart)
}

/// Draws series `i`: its 95% band, its parameter band, its curve and, with several series, its
/// markers.
fn draw_curve<'a, DB: DrawingBackend + 'a>(
    chart: &mut ChartContext<'a, DB, LogLog>,
    i: usize,
    s: &ExceedanceSeries,
    curve: &SeriesCurve,
    frame: &Frame,
) -> DrawResult {
    let c = colour(i);
    let grid = frame.grid;
    let (p, band) = (&curve.p, &curve.band);
    let mut poly: Vec<(f64, f64)> = grid
        .iter()
        .zip(band)
        .map(|(&x, b)| (x, frame.at_floor(b.1)))
        .collect();
    poly.extend(
        grid.iter()
            .zip(band)
            .rev()
            .map(|(&x, b)| (x, frame.at_floor(b.0))),
    );
    chart
        .draw_series(std::iter::once(Polygon::new(poly, c.mix(0.18).filled())))
        .map_err(e2s)?;
    if let Some(parameter) = &curve.parameter {
        draw_parameter_band(chart, c, s, parameter, frame)?;
    }
    chart
        .draw_series(LineSeries::new(
            grid.iter()
                .copied()
                .zip(p.iter().map(|&q| frame.at_floor(q))),
            c.stroke_width(3),
        ))
        .map_err(e2s)?
        .label(s.label.clone())
        .legend(move |(x, y)| {
            EmptyElement::at((x, y))
                + PathElement::new(vec![(0, 0), (22, 0)], c.stroke_width(3))
                + marker(i, (11, 0), c)
        });
    // A marker shape per scenario, staggered along the curve: curves that overlap,
    // or print in grey, stay told apart.
    if frame.count > 1 {
        let at: Vec<(f64, f64)> = grid
            .iter()
            .zip(p)
            .enumerate()
            .filter(|(k, _)| k % 16 == (5 * i) % 16)
            .map(|(_, (&x, &q))| (x, frame.at_floor(q)))
            .collect();
        chart
            .draw_series(
                at.into_iter()
                    .map(|pt| EmptyElement::at(pt) + marker(i, (0, 0), c)),
            )
            .map_err(e2s)?;
    }
    Ok(())
}

/// Draws the parameter band of one series: dashed lines at its low and high curves.
fn draw_parameter_band<'a, DB: DrawingBackend + 'a>(
    chart: &mut ChartContext<'a, DB, LogLog>,
    c: RGBColor,
    s: &ExceedanceSeries,
    (which, plo, phi): &(usize, Vec<f64>, Vec<f64>),
    frame: &Frame,
) -> DrawResult {
    let name = s.param_names.get(*which).cloned().unwrap_or_default();
    let short = name.rsplit('.').next().unwrap_or_default().to_string();
    let label = if frame.count > 1 {
        format!(
            "{}: range over {short} deciles (input uncertainty)",
            s.label
        )
    } else {
        format!("range over {short} deciles (input uncertainty)")
    };
    for (k, line) in [plo, phi].into_iter().enumerate() {
        let drawn = chart
            .draw_series(DashedLineSeries::new(
                frame
                    .grid
                    .iter()
                    .copied()
                    .zip(line.iter().map(|&q| frame.at_floor(q))),
                6,
                4,
                c.stroke_width(1),
            ))
            .map_err(e2s)?;
        if k == 0 {
            drawn.label(label.clone()).legend(move |(x, y)| {
                let st = c.stroke_width(1);
                EmptyElement::at((x, y))
                    + PathElement::new(vec![(0, 0), (8, 0)], st)
                    + PathElement::new(vec![(13, 0), (22, 0)], st)
            });
        }
    }
    Ok(())
}

/// `points` (x, y > 0) as straight pieces on log-log axes, clipped to `[x0, x1] x [y0, y1]`
/// (Liang-Barsky in log space): what lies beyond the axes is cut, not pinned to their edge.
pub(crate) fn clip_log(
    points: &[(f64, f64)],
    (x0, x1): (f64, f64),
    (y0, y1): (f64, f64),
) -> Vec<Vec<(f64, f64)>> {
    let l = |v: f64| v.log10();
    let (bx0, bx1, by0, by1) = (l(x0), l(x1), l(y0), l(y1));
    let mut pieces: Vec<Vec<(f64, f64)>> = Vec::new();
    let mut open = false;
    for w in points.windows(2) {
        let ((ax, ay), (bx, by)) = (w[0], w[1]);
        if ax <= 0.0 || ay <= 0.0 || bx <= 0.0 || by <= 0.0 {
            open = false;
            continue;
        }
        let (px, py, qx, qy) = (l(ax), l(ay), l(bx), l(by));
        let (dx, dy) = (qx - px, qy - py);
        let (mut t0, mut t1) = (0.0f64, 1.0f64);
        let mut keep = true;
        for (p, q) in [
            (-dx, px - bx0),
            (dx, bx1 - px),
            (-dy, py - by0),
            (dy, by1 - py),
        ] {
            if p == 0.0 {
                keep &= q >= 0.0;
            } else {
                let r = q / p;
                if p < 0.0 {
                    t0 = t0.max(r);
                } else {
                    t1 = t1.min(r);
                }
            }
        }
        if !keep || t0 > t1 {
            open = false;
            continue;
        }
        let at = |t: f64| (10f64.powf(px + t * dx), 10f64.powf(py + t * dy));
        let s = if t0 > 0.0 { at(t0) } else { (ax, ay) };
        let e = if t1 < 1.0 { at(t1) } else { (bx, by) };
        if !open || t0 > 0.0 {
            pieces.push(vec![s]);
        }
        pieces.last_mut().expect("a piece").push(e);
        open = t1 >= 1.0;
    }
    pieces
}

/// The chart's note on the tolerance: per scenario, the losses of the curve at which its
/// estimated P(loss > x) is within the tolerance, and those at which it is beyond.
fn tolerance_note(tolerance: &[(f64, f64)], series: &[ExceedanceSeries]) -> Vec<String> {
    series
        .iter()
        .map(|s| {
            let mut sorted = s.values.clone();
            sorted.sort_unstable_by(f64::total_cmp);
            let (within, beyond): (Vec<_>, Vec<_>) = tolerance
                .iter()
                .partition(|&&(x, p)| exceedance_at(&sorted, x) <= p);
            let list = |v: &[&(f64, f64)]| {
                v.iter()
                    .map(|(x, _)| tick(*x))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            match (within.is_empty(), beyond.is_empty()) {
                (_, true) => format!("{}: within the tolerance at every loss", s.label),
                (true, _) => format!("{}: beyond the tolerance at every loss", s.label),
                _ => format!(
                    "{}: within the tolerance at {}; beyond it at {}",
                    s.label,
                    list(&within),
                    list(&beyond)
                ),
            }
        })
        .collect()
}

/// The marker of series `i` at pixel offset `at`: a shape per series (circle, triangle, square,
/// cross, diamond; hollow from the sixth on), so that series differ in grey print too.
pub(crate) fn marker<DB: DrawingBackend>(
    i: usize,
    at: (i32, i32),
    c: RGBColor,
) -> DynElement<'static, DB, (i32, i32)> {
    let style = if i % 10 < 5 {
        c.filled()
    } else {
        c.stroke_width(2)
    };
    let (x, y) = at;
    match i % 5 {
        0 => Circle::new(at, 5, style).into_dyn(),
        1 => Polygon::new(vec![(x, y - 6), (x - 6, y + 5), (x + 6, y + 5)], style).into_dyn(),
        2 => Rectangle::new([(x - 5, y - 5), (x + 5, y + 5)], style).into_dyn(),
        3 => PathElement::new(
            vec![
                (x - 6, y - 6),
                (x + 6, y + 6),
                (x, y),
                (x - 6, y + 6),
                (x + 6, y - 6),
            ],
            c.stroke_width(3),
        )
        .into_dyn(),
        _ => Polygon::new(vec![(x, y - 7), (x - 6, y), (x, y + 7), (x + 6, y)], style).into_dyn(),
    }
}

#[cfg(test)]
mod tests {
    use super::clip_log;

    #[test]
    fn a_point_beyond_the_axis_is_cut_at_the_edge_on_its_line() {
        // From (1e3, 0.5) to (1e5, 0.005): a straight line in log-log space, cut at x = 1e4.
        let p = clip_log(&[(1e3, 0.5), (1e5, 0.005)], (1e2, 1e4), (1e-4, 1.0));
        assert_eq!(p.len(), 1);
        let (x, y) = p[0][1];
        assert!((x - 1e4).abs() < 1e-6 && (y - 0.05).abs() < 1e-9, "{x} {y}");
        // Wholly outside: nothing drawn.
        assert!(clip_log(&[(1e5, 0.5), (1e6, 0.1)], (1e2, 1e4), (1e-4, 1.0)).is_empty());
        // Inside: unchanged, one piece.
        let q = clip_log(
            &[(1e2, 0.5), (1e3, 0.1), (1e4, 0.01)],
            (1e1, 1e5),
            (1e-4, 1.0),
        );
        assert_eq!(q, vec![vec![(1e2, 0.5), (1e3, 0.1), (1e4, 0.01)]]);
    }
}
