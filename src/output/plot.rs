//! `leaksim plot DIR`: draws a results folder's charts and `report.html` from its files alone.
//! Every command that writes results calls it too, so a redraw gives the same bytes.

use super::charts::{
    self, CompareChart, Exceedance, ExceedanceSeries, Interval, PathBar, PathsChart, ReachChart,
    ReachSeries, SweepChart, Table, TimelineChart, TornadoChart,
};
use super::html::write_report;
use crate::error::{Error, Result};
use crate::sim::metrics::NAMES;
use std::path::{Path, PathBuf};

/// Key metrics in the report tables and the comparison chart.
pub(super) const COMPARE_METRICS: [&str; 4] = [
    "reached",
    "reached_records",
    "accessed_records",
    "total_cost",
];

pub(super) fn folder_name(dir: &Path) -> String {
    super::folder::display_name(dir)
}

/// The name a run folder's charts and report carry: its scenario's name (so that a renamed copy
/// of the folder is still titled by the scenario), else the folder's name.
pub(super) fn scenario_name(dir: &Path) -> String {
    std::fs::read_to_string(dir.join("scenario.resolved.toml"))
        .ok()
        .and_then(|t| t.parse::<toml::Table>().ok())
        .and_then(|v| v.get("scenario")?.get("name")?.as_str().map(str::to_string))
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| folder_name(dir))
}

/// Reads a results file of `dir`, checking it has the columns leaksim writes there.
pub(super) fn read(dir: &Path, file: &str) -> Result<Option<Table>> {
    use super::columns::*;
    let required: &[&str] = match file {
        "replications.csv" => &["records_leaked", "loss"],
        "paths.csv" => &PATHS_COLUMNS,
        "reach.csv" => &REACH_COLUMNS,
        "summary.csv" => &SUMMARY_COLUMNS,
        "compare.csv" => &COMPARE_COLUMNS,
        "sweep.csv" => &SWEEP_COLUMNS,
        "tornado.csv" => &TORNADO_COLUMNS,
        "timeline.csv" => &TIMELINE_COLUMNS,
        "markers.csv" => &MARKERS_COLUMNS,
        "routes.csv" => &ROUTES_COLUMNS,
        _ => &[],
    };
    Table::read_with(&dir.join(file), required)
}

/// What kind of results a folder holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A `run` folder (replications.csv).
    Run,
    /// A `compare` folder (compare.csv).
    Compare,
    /// A `sweep` folder (sweep.csv).
    Sweep,
    /// A `tornado` folder (tornado.csv).
    Tornado,
}

/// The kind of results in `dir`, if any.
pub fn kind(dir: &Path) -> Option<Kind> {
    [
        ("compare.csv", Kind::Compare),
        ("sweep.csv", Kind::Sweep),
        ("tornado.csv", Kind::Tornado),
        ("replications.csv", Kind::Run),
        ("replications.parquet", Kind::Run),
    ]
    .into_iter()
    .find(|(f, _)| dir.join(f).is_file())
    .map(|(_, k)| k)
}

/// Draws every chart of `dir` (and of its scenario folders, for a comparison) and its report.
pub fn plot_dir(dir: &Path) -> Result<Vec<PathBuf>> {
    match kind(dir) {
        Some(Kind::Run) => plot_run(dir),
        Some(Kind::Compare) => plot_compare(dir),
        Some(Kind::Sweep) => plot_sweep(dir),
        Some(Kind::Tornado) => plot_tornado(dir),
        None if dir.join("manifest.toml").is_file() || dir.join("study.toml").is_file() => {
            Err(Error::Usage(format!(
            "{}: a shard folder (run, sweep or tornado --shard) has no charts: join the shards with `leaksim merge`",
            dir.display()
        )))
        }
        None => Err(Error::Usage(format!(
            "{}: no leaksim results here (expected replications.csv, compare.csv, sweep.csv or tornado.csv)",
            dir.display()
        ))),
    }
}

/// One scenario's series of each exceedance panel (`metrics`), sharing its parameter columns.
fn exceedance_series(dir: &Path, label: &str, metrics: &[&str]) -> Result<Vec<ExceedanceSeries>> {
    let Some(header) = super::rowfiles::replications_header(dir)? else {
        return Ok(Vec::new());
    };
    let names: Vec<String> = header
        .iter()
        .filter(|h| {
            *h != "replication"
                && !NAMES.contains(&h.as_str())
                && !h.starts_with("reached.")
                && !h.starts_with("reached_records.")
                && !h.starts_with("reached_cmc.")
        })
        .cloned()
        .collect();
    let mut wanted = metrics.to_vec();
    wanted.extend(names.iter().map(String::as_str));
    let Some(mut cols) = super::rowfiles::replication_columns(dir, &wanted)? else {
        return Ok(Vec::new());
    };
    let params = std::rc::Rc::new(cols.split_off(metrics.len()));
    Ok(cols
        .into_iter()
        .map(|values| ExceedanceSeries {
            label: label.to_string(),
            values,
            params: params.clone(),
            param_names: names.clone(),
        })
        .collect())
}

fn exceedance_chart(title: String, dirs: &[(String, PathBuf)]) -> Result<Exceedance> {
    let mut panels = Vec::new();
    let currency = dirs
        .first()
        .map(|(_, d)| super::html::currency_of(d))
        .unwrap_or_else(|| crate::scenario::DEFAULT_CURRENCY.to_string());
    let panels_of = [
        ("records_leaked", "records leaked (log scale)".to_string()),
        ("loss", format!("loss, {currency} (log scale)")),
    ];
    let metrics: Vec<&str> = panels_of.iter().map(|p| p.0).collect();
    let mut per_panel: Vec<Vec<ExceedanceSeries>> = metrics.iter().map(|_| Vec::new()).collect();
    for (label, d) in dirs {
        for (k, s) in exceedance_series(d, label, &metrics)?
            .into_iter()
            .enumerate()
        {
            per_panel[k].push(s);
        }
    }
    for ((metric, desc), series) in panels_of.into_iter().zip(per_panel) {
        panels.push((metric.to_string(), desc, series));
    }
    let tolerance = dirs
        .first()
        .map(|(_, d)| tolerance_of(d))
        .unwrap_or_default();
    Ok(Exceedance::new(title, panels, tolerance))
}

/// `[report] tolerance` of a run folder's resolved scenario.
pub(super) fn tolerance_of(dir: &Path) -> Vec<(f64, f64)> {
    let text = std::fs::read_to_string(dir.join("scenario.resolved.toml")).unwrap_or_default();
    let v: toml::Table = text.parse().unwrap_or_default();
    let Some(toml::Value::Array(points)) = v.get("report").and_then(|r| r.get("tolerance")) else {
        return Vec::new();
    };
    let num = |x: &toml::Value| x.as_float().or(x.as_integer().map(|i| i as f64));
    points
        .iter()
        .filter_map(|p| {
            let xy = p.as_array()?;
            Some((num(xy.first()?)?, num(xy.get(1)?)?))
        })
        .collect()
}

fn plot_run(dir: &Path) -> Result<Vec<PathBuf>> {
    let name = scenario_name(dir);
    let mut files = Vec::new();
    // The two charts drawn from row files read them at once, one thread each.
    let (chart, paths) = std::thread::scope(|scope| {
        let paths = scope.spawn(|| paths_chart(dir, &name));
        let chart = exceedance_chart(
            format!("{name}: exceedance curves (shaded: 95% Wilson interval of each probability)"),
            &[(name.clone(), dir.to_path_buf())],
        );
        (chart, paths.join())
    });
    let paths = paths.unwrap_or_else(|e| std::panic::resume_unwind(e))?;
    files.extend(charts::render(dir, "exceedance", &chart?)?);
    if let Some(t) = read(dir, "timeline.csv")? {
        let markers = read(dir, "markers.csv")?
            .map(|m| {
                let days = m.numbers("day");
                let labels = m
                    .col("label")
                    .map(|i| m.rows.iter().map(|r| r[i].clone()).collect::<Vec<_>>())
                    .unwrap_or_default();
                days.into_iter().zip(labels).collect()
            })
            .unwrap_or_default();
        let date = t
            .col("date")
            .map(|i| t.rows.iter().map(|r| r[i].clone()).collect())
            .unwrap_or_default();
        let chart = TimelineChart {
            title: format!("{name}: records leaked over time"),
            day: t.numbers("day"),
            date,
            leaked: [
                t.numbers("records_leaked_mean"),
                t.numbers("records_leaked_p05"),
                t.numbers("records_leaked_p95"),
            ],
            backlog: [t.numbers("backlog_mean"), t.numbers("backlog_p95")],
            gatekeeper: std::fs::read_to_string(dir.join("scenario.resolved.toml"))
                .is_ok_and(|r| r.contains(".gatekeeper]")),
            markers,
        };
        files.extend(charts::render(dir, "timeline", &chart)?);
    }
    if let Some(chart) = paths {
        files.extend(charts::render(dir, "paths", &chart)?);
    }
    let reach = reach_chart(
        format!("{name}: who gets the data"),
        &[(name.clone(), dir.to_path_buf())],
    )?;
    files.extend(charts::render(dir, "reach", &reach)?);
    files.push(write_report(dir, Kind::Run)?);
    Ok(files)
}

/// Whether `name` (read from a file) names a folder directly inside the folder holding the file:
/// one plain path component, so that joining it never leads outside.
pub(super) fn is_folder_name(name: &str) -> bool {
    let mut c = Path::new(name).components();
    matches!(
        (c.next(), c.next()),
        (Some(std::path::Component::Normal(n)), None) if n == name && !name.starts_with('.')
    )
}

/// The scenarios of a `compare.csv`, in order; names that are not plain folder names are left out
/// (see [`is_folder_name`]).
pub(super) fn compare_scenarios(t: &Table) -> Vec<String> {
    let mut v: Vec<String> = Vec::new();
    if let Some(i) = t.col("scenario") {
        for r in &t.rows {
            if is_folder_name(&r[i]) && !v.contains(&r[i]) {
                v.push(r[i].clone());
            }
        }
    }
    v
}

pub(super) fn baseline_of(t: &Table) -> Option<String> {
    let b = t.col("baseline")?;
    t.rows.first().map(|r| r[b].clone())
}

fn plot_compare(dir: &Path) -> Result<Vec<PathBuf>> {
    let t = read(dir, "compare.csv")?.unwrap_or_default();
    if let Some(bad) = t
        .col("scenario")
        .and_then(|i| t.rows.iter().map(|r| &r[i]).find(|n| !is_folder_name(n)))
    {
        return Err(Error::damaged(
            dir.join("compare.csv"),
            format!(
                "scenario `{}` is not a folder name inside the comparison's folder",
                bad.escape_debug()
            ),
        ));
    }
    let scenarios = compare_scenarios(&t);
    let mut files = Vec::new();
    let mut dirs = Vec::new();
    for s in &scenarios {
        let d = dir.join(s);
        if super::rowfiles::replications_file(&d).is_some() {
            files.extend(plot_run(&d)?);
            dirs.push((s.clone(), d));
        }
    }
    let name = folder_name(dir);
    let chart = exceedance_chart(
        format!("{name}: exceedance curves (shaded: 95% Wilson interval of each probability)"),
        &dirs,
    )?;
    files.extend(charts::render(dir, "exceedance", &chart)?);
    let reach = reach_chart(format!("{name}: who gets the data"), &dirs)?;
    files.extend(charts::render(dir, "reach", &reach)?);
    let baseline = baseline_of(&t).unwrap_or_default();
    let col = |n: &str| t.col(n).unwrap_or(0);
    let num = |r: &Vec<String>, n: &str| charts::number(&r[col(n)]);
    let metrics = COMPARE_METRICS
        .iter()
        .map(|m| {
            let rows: Vec<&Vec<String>> =
                t.rows.iter().filter(|r| r[col("metric")] == *m).collect();
            let est = rows
                .iter()
                .map(|r| Interval {
                    label: r[col("scenario")].clone(),
                    value: num(r, "mean"),
                    low: num(r, "ci95_low"),
                    high: num(r, "ci95_high"),
                })
                .collect();
            let delta = rows
                .iter()
                .map(|r| Interval {
                    label: r[col("scenario")].clone(),
                    value: num(r, "delta"),
                    low: num(r, "delta_ci95_low"),
                    high: num(r, "delta_ci95_high"),
                })
                .collect();
            (
                m.to_string(),
                charts::bounded(est).0,
                charts::bounded(delta).0,
            )
        })
        .collect();
    let currency = dirs
        .first()
        .map(|(_, d)| super::html::currency_of(d))
        .unwrap_or_else(|| crate::scenario::DEFAULT_CURRENCY.to_string());
    let chart = CompareChart {
        title: format!("{name}: scenarios against the baseline, {baseline}"),
        metrics,
        currency,
    };
    files.extend(charts::render(dir, "compare", &chart)?);
    files.push(write_report(dir, Kind::Compare)?);
    Ok(files)
}

fn plot_sweep(dir: &Path) -> Result<Vec<PathBuf>> {
    let t = read(dir, "sweep.csv")?.unwrap_or_default();
    let mcol = t.col("metric").unwrap_or(0);
    let paths: Vec<String> = t.header[..mcol].to_vec();
    if !(1..=2).contains(&paths.len()) {
        return Err(Error::damaged(
            dir.join("sweep.csv"),
            format!(
                "{} varied columns before `metric` (a sweep varies one or two)",
                paths.len()
            ),
        ));
    }
    let num = |r: &Vec<String>, i: usize| r.get(i).map_or(f64::NAN, |c| charts::number(c));
    let (mean, lo, hi) = (
        t.col("mean").unwrap_or(0),
        t.col("ci95_low").unwrap_or(0),
        t.col("ci95_high").unwrap_or(0),
    );
    let panels = ["reached", "total_cost"]
        .iter()
        .map(|m| {
            let pts = t
                .rows
                .iter()
                .filter(|r| r[mcol] == *m)
                .map(|r| {
                    [
                        num(r, 0),
                        if paths.len() > 1 { num(r, 1) } else { f64::NAN },
                        num(r, mean),
                        num(r, lo),
                        num(r, hi),
                    ]
                })
                .collect();
            (m.to_string(), pts)
        })
        .collect();
    let chart = SweepChart {
        title: format!("{}: sweep of {}", folder_name(dir), paths.join(" x ")),
        paths,
        panels,
        currency: super::html::currency_of(dir),
    };
    let mut files = charts::render(dir, "sweep", &chart)?;
    files.push(write_report(dir, Kind::Sweep)?);
    Ok(files)
}

fn plot_tornado(dir: &Path) -> Result<Vec<PathBuf>> {
    let t = read(dir, "tornado.csv")?.unwrap_or_default();
    let names: Vec<String> = t.rows.iter().map(|r| r[0].clone()).collect();
    let (lv, hv, ml, mh) = (
        t.numbers("low_value"),
        t.numbers("high_value"),
        t.numbers("metric_at_low"),
        t.numbers("metric_at_high"),
    );
    let base = t
        .numbers("base")
        .first()
        .copied()
        .unwrap_or_else(|| (ml.first().unwrap_or(&0.0) + mh.first().unwrap_or(&0.0)) / 2.0);
    let metric = t
        .col("metric")
        .and_then(|i| t.rows.first().map(|r| r[i].clone()))
        .unwrap_or_else(|| "metric".into());
    let (rows, more) = charts::bounded(
        (0..names.len())
            .map(|i| (names[i].clone(), lv[i], hv[i], ml[i], mh[i]))
            .collect(),
    );
    let chart = TornadoChart {
        title: titled(
            format!("{}: what drives {metric}", folder_name(dir)),
            more,
            "parameters",
        ),
        metric,
        base,
        rows,
    };
    let mut files = charts::render(dir, "tornado", &chart)?;
    files.push(write_report(dir, Kind::Tornado)?);
    Ok(files)
}

/// The paths chart of a run folder: mean records per replication by route, recipient and class.
fn paths_chart(dir: &Path, name: &str) -> Result<Option<PathsChart>> {
    let Some(reps) = super::rowfiles::replication_count(dir)? else {
        return Ok(None);
    };
    let reps = reps.max(1) as f64;
    let mut bars: Vec<PathBar> = Vec::new();
    let mut index: std::collections::HashMap<(String, String, String), usize> =
        std::collections::HashMap::new();
    let found = super::rowfiles::for_each_path(dir, |row| {
        let records = row.records / reps;
        let key = (
            row.path.to_string(),
            row.recipient.to_string(),
            row.class.to_string(),
        );
        match index.get(&key) {
            Some(&i) => bars[i].mean += records,
            None => {
                index.insert(key, bars.len());
                bars.push(PathBar {
                    route: row.path.replace('_', " "),
                    recipient: row.recipient.to_string(),
                    class: row.class.to_string(),
                    mean: records,
                });
            }
        }
        Ok(())
    })?;
    if !found {
        return Ok(None);
    }
    // Means too large to draw are left out with the rest beyond the longest bars.
    bars.retain(|b| charts::drawable(b.mean));
    bars.sort_by(|a, b| b.mean.total_cmp(&a.mean));
    let (bars, more) = charts::bounded(bars);
    Ok(Some(PathsChart {
        title: titled(
            format!("{name}: where leaks come from (route -> recipient)"),
            more,
            "paths",
        ),
        bars,
    }))
}

/// `title`, saying how many items beyond [`charts::MOST_ITEMS`] the chart leaves out.
fn titled(title: String, more: usize, what: &str) -> String {
    match more {
        0 => title,
        _ => format!("{title}, {}", charts::more_note(more, what)),
    }
}

/// The "who gets the data" chart of one or more run folders, from their `reach.csv`: every
/// (recipient, class) row that any scenario reached, staff access last.
fn reach_chart(title: String, dirs: &[(String, PathBuf)]) -> Result<ReachChart> {
    let mut tables = Vec::new();
    for (label, d) in dirs {
        if let Some(t) = read(d, "reach.csv")? {
            tables.push((label.clone(), t));
        }
    }
    let key = |t: &Table, r: &Vec<String>| {
        let (rc, cc) = (t.col("recipient").unwrap_or(0), t.col("class").unwrap_or(1));
        (r[rc].clone(), r[cc].clone())
    };
    let mut rows: Vec<(String, String)> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (_, t) in &tables {
        let p = t.col("p_reached").unwrap_or(2);
        for r in &t.rows {
            let k = key(t, r);
            if k.1 != "*" && r[p].parse::<f64>().unwrap_or(0.0) > 0.0 && seen.insert(k.clone()) {
                rows.push(k);
            }
        }
    }
    // States first, then `private`, then staff access; by name within each.
    rows.sort_by(|a, b| {
        let rank = |r: &str| (r.starts_with("access:"), r == crate::scenario::PRIVATE);
        (rank(&a.0), &a.0, &a.1).cmp(&(rank(&b.0), &b.0, &b.1))
    });
    let (rows, more) = charts::bounded(rows);
    let title = titled(title, more, "rows");
    let series = tables
        .iter()
        .map(|(label, t)| {
            let num =
                |r: &Vec<String>, c: &str| t.col(c).map_or(f64::NAN, |i| charts::number(&r[i]));
            let values = rows
                .iter()
                .map(|k| {
                    t.rows
                        .iter()
                        .find(|r| key(t, r) == *k)
                        .map(|r| {
                            (
                                num(r, "p_reached"),
                                num(r, "p_ci95_low"),
                                num(r, "p_ci95_high"),
                            )
                        })
                        .unwrap_or((f64::NAN, f64::NAN, f64::NAN))
                })
                .collect();
            ReachSeries {
                label: label.clone(),
                values,
            }
        })
        .collect();
    let rows = rows
        .into_iter()
        .map(|(r, c)| match r.strip_prefix("access:") {
            Some(j) => format!("staff access from {j} (exposure): {c}"),
            None => format!("{r}: {c}"),
        })
        .collect();
    Ok(ReachChart {
        title,
        rows,
        series,
    })
}
