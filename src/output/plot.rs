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

use super::results::{
    baseline_of, compare_scenarios, is_folder_name, read, ResultsFolder, COMPARE_METRICS,
};
pub use super::results::{kind, Kind};

/// Draws every chart of `dir` (and of its scenario folders, for a comparison) and its report.
pub fn plot_dir(dir: &Path) -> Result<Vec<PathBuf>> {
    use super::results::FolderKind;
    let kind = super::results::folder_kind(dir);
    if !matches!(kind, Some(FolderKind::Results(_))) {
        // Says what is wrong before reading anything.
        return not_plotted(dir, kind);
    }
    let f = ResultsFolder::open(dir)?;
    match f.results_kind() {
        Some(Kind::Run) => plot_run(&f),
        Some(Kind::Compare) => plot_compare(&f),
        Some(Kind::Sweep) => plot_sweep(&f),
        Some(Kind::Tornado) => plot_tornado(&f),
        None => not_plotted(dir, f.kind()),
    }
}

/// The error of `plot` on a folder with no charts.
fn not_plotted(dir: &Path, kind: Option<super::results::FolderKind>) -> Result<Vec<PathBuf>> {
    use super::results::FolderKind;
    match kind {
        Some(FolderKind::RunShard | FolderKind::StudyShard) => {
            Err(Error::foreign(
            dir,
            "a shard folder (run, sweep or tornado --shard) has no charts: join the shards with `leaksim merge`",
        ))
        }
        _ => Err(Error::foreign(
            dir,
            "no leaksim results here (expected replications.csv, compare.csv, sweep.csv or tornado.csv)",
        )),
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

fn exceedance_chart(title: String, dirs: &[(String, &ResultsFolder)]) -> Result<Exceedance> {
    let mut panels = Vec::new();
    let currency = dirs
        .first()
        .map(|(_, d)| d.currency())
        .unwrap_or_else(|| crate::scenario::DEFAULT_CURRENCY.to_string());
    let panels_of = [
        ("records_leaked", "records leaked (log scale)".to_string()),
        ("loss", format!("loss, {currency} (log scale)")),
    ];
    let metrics: Vec<&str> = panels_of.iter().map(|p| p.0).collect();
    let mut per_panel: Vec<Vec<ExceedanceSeries>> = metrics.iter().map(|_| Vec::new()).collect();
    for (label, d) in dirs {
        for (k, s) in exceedance_series(d.dir(), label, &metrics)?
            .into_iter()
            .enumerate()
        {
            per_panel[k].push(s);
        }
    }
    for ((metric, desc), series) in panels_of.into_iter().zip(per_panel) {
        panels.push((metric.to_string(), desc, series));
    }
    let tolerance = dirs.first().map(|(_, d)| d.tolerance()).unwrap_or_default();
    Ok(Exceedance::new(title, panels, tolerance))
}

fn plot_run(f: &ResultsFolder) -> Result<Vec<PathBuf>> {
    let dir = f.dir();
    let name = f.name();
    let mut files = Vec::new();
    // The two charts drawn from row files read them at once, one thread each.
    let (chart, paths) = std::thread::scope(|scope| {
        let paths = scope.spawn(|| paths_chart(f, &name));
        let chart = exceedance_chart(
            format!("{name}: exceedance curves (shaded: 95% Wilson interval of each probability)"),
            &[(name.clone(), f)],
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
            gatekeeper: f.has_gatekeeper(),
            markers,
        };
        files.extend(charts::render(dir, "timeline", &chart)?);
    }
    if let Some(chart) = paths {
        files.extend(charts::render(dir, "paths", &chart)?);
    }
    let reach = reach_chart(format!("{name}: who gets the data"), &[(name.clone(), f)])?;
    files.extend(charts::render(dir, "reach", &reach)?);
    files.push(write_report(f, Kind::Run)?);
    Ok(files)
}

fn plot_compare(f: &ResultsFolder) -> Result<Vec<PathBuf>> {
    let dir = f.dir();
    let t = f.compare()?.unwrap_or_default();
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
    let mut files = Vec::new();
    let mut members = Vec::new();
    for s in compare_scenarios(&t) {
        let d = dir.join(&s);
        if super::rowfiles::replications_file(&d).is_some() {
            let member = ResultsFolder::open(&d)?;
            files.extend(plot_run(&member)?);
            members.push((s, member));
        }
    }
    let dirs: Vec<(String, &ResultsFolder)> = members.iter().map(|(s, m)| (s.clone(), m)).collect();
    let name = f.folder_name();
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
        .map(|(_, d)| d.currency())
        .unwrap_or_else(|| crate::scenario::DEFAULT_CURRENCY.to_string());
    let chart = CompareChart {
        title: format!("{name}: scenarios against the baseline, {baseline}"),
        metrics,
        currency,
    };
    files.extend(charts::render(dir, "compare", &chart)?);
    files.push(write_report(f, Kind::Compare)?);
    Ok(files)
}

fn plot_sweep(f: &ResultsFolder) -> Result<Vec<PathBuf>> {
    let dir = f.dir();
    let t = f.sweep()?.unwrap_or_default();
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
        title: format!("{}: sweep of {}", f.folder_name(), paths.join(" x ")),
        paths,
        panels,
        currency: f.currency(),
    };
    let mut files = charts::render(dir, "sweep", &chart)?;
    files.push(write_report(f, Kind::Sweep)?);
    Ok(files)
}

fn plot_tornado(f: &ResultsFolder) -> Result<Vec<PathBuf>> {
    let dir = f.dir();
    let t = f.tornado()?.unwrap_or_default();
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
            format!("{}: what drives {metric}", f.folder_name()),
            more,
            "parameters",
        ),
        metric,
        base,
        rows,
    };
    let mut files = charts::render(dir, "tornado", &chart)?;
    files.push(write_report(f, Kind::Tornado)?);
    Ok(files)
}

/// The paths chart of a run folder: mean records per replication by route, recipient and class.
fn paths_chart(f: &ResultsFolder, name: &str) -> Result<Option<PathsChart>> {
    let Some(reps) = f.replication_count()? else {
        return Ok(None);
    };
    let reps = reps.max(1) as f64;
    let mut bars: Vec<PathBar> = Vec::new();
    let mut index: std::collections::HashMap<(String, String, String), usize> =
        std::collections::HashMap::new();
    let found = f.for_each_path(|row| {
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
fn reach_chart(title: String, dirs: &[(String, &ResultsFolder)]) -> Result<ReachChart> {
    let mut tables = Vec::new();
    for (label, d) in dirs {
        if let Some(t) = d.table("reach.csv")? {
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
