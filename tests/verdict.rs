//! The verdict that opens `report.html`: the question in words, the answer with the numbers of
//! `summary.csv`, the route that carries most records (from `paths.csv`), the strongest driver
//! (from `sensitivity.csv`), what the deal trades, and the risk tolerance; before any table.

mod common;
use common::*;
use std::path::Path;

fn run_folder(dir: &Path, file: &str, extra: &[&str]) -> std::path::PathBuf {
    let mut args = vec!["run", file, "--reps", "400", "--out", "res", "--quiet"];
    args.extend_from_slice(extra);
    let o = leaksim_in(dir, &args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    std::fs::read_dir(dir.join("res"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path()
}

/// (mean, low, high) of a metric in summary.csv.
fn summary(d: &Path, metric: &str) -> (f64, f64, f64) {
    let rows = csv_rows(&d.join("summary.csv"));
    let r = rows.iter().find(|r| r[0] == metric).unwrap();
    let n = |i: usize| r[i].parse::<f64>().unwrap();
    (n(1), n(3), n(4))
}

fn pct(p: f64) -> String {
    format!("{:.2}%", 100.0 * p)
}

/// The verdict section of a report.
fn verdict(d: &Path) -> String {
    let html = std::fs::read_to_string(d.join("report.html")).unwrap();
    let start = html.find("<section class=\"verdict\"").expect("a verdict");
    let first_table = html.find("<table").unwrap();
    assert!(start < first_table, "the verdict comes before any table");
    let end = html[start..].find("</section>").unwrap() + start;
    html[start..end].to_string()
}

/// The route with most records of (recipient, class), from paths.csv.
fn top_route(d: &Path, recipient: &str, class: &str) -> String {
    let rows = csv_rows(&d.join("paths.csv"));
    let mut sums: Vec<(String, f64)> = Vec::new();
    for r in &rows[1..] {
        if r[4] != recipient || r[2] != class {
            continue;
        }
        let route = r[1].replace('_', " ");
        let v: f64 = r[3].parse().unwrap();
        match sums.iter_mut().find(|s| s.0 == route) {
            Some(s) => s.1 += v,
            None => sums.push((route, v)),
        }
    }
    sums.sort_by(|a, b| b.1.total_cmp(&a.1));
    sums[0].0.clone()
}

/// The parameter with the largest |PRCC| on `reached` whose interval excludes 0.
fn top_driver(d: &Path) -> Option<String> {
    let rows = csv_rows(&d.join("sensitivity.csv"));
    let h = &rows[0];
    let c = |n: &str| h.iter().position(|x| x == n).unwrap();
    rows[1..]
        .iter()
        .filter(|r| r[c("metric")] == "reached")
        .filter_map(|r| {
            let (p, lo, hi) = (
                r[c("prcc")].parse::<f64>().ok()?,
                r[c("prcc_ci95_low")].parse::<f64>().ok()?,
                r[c("prcc_ci95_high")].parse::<f64>().ok()?,
            );
            (lo > 0.0 || hi < 0.0).then(|| (r[c("parameter")].clone(), p))
        })
        .max_by(|a, b| a.1.abs().total_cmp(&b.1.abs()))
        .map(|x| x.0)
}

fn check_run_verdict(file: &str) {
    let dir = tempfile::tempdir().unwrap();
    let d = run_folder(dir.path(), &shipped(file), &[]);
    let v = verdict(&d);
    assert!(
        v.contains("How likely is it that a protected record reaches the state of CN within"),
        "{v}"
    );
    let (p, lo, hi) = summary(&d, "reached");
    let answer = format!(
        "in <b>{}</b> of simulated years (95% Monte Carlo interval [{}, {}], averaged over input uncertainty",
        pct(p),
        pct(lo),
        pct(hi)
    );
    assert!(v.contains(&answer), "expected `{answer}` in {v}");
    let route = top_route(&d, "CN", "protected");
    assert!(
        v.contains(&format!("Routes that carry it: <b>{route}</b>")),
        "{route} first in {v}"
    );
    if let Some(driver) = top_driver(&d) {
        let at = v.find("Inputs that drive it most:").unwrap();
        assert!(
            v[at..].contains(&format!("<code>{driver}</code>")),
            "{driver} in {v}"
        );
    }
    let (cost, _, _) = summary(&d, "control_cost");
    let (blocked, _, _) = summary(&d, "legit_blocked");
    // Costs are over the run's horizon ("a year" when it is one).
    let cost_text = format!("controls cost {} currency units ", human(cost));
    assert!(v.contains(&cost_text), "expected `{cost_text}` in {v}");
    if blocked > 0.0 {
        assert!(v.contains(&format!(
            "{} legitimate requests blocked a year",
            human(blocked)
        )));
    } else {
        assert!(v.contains("no legitimate request blocked"), "{v}");
    }
}

/// Thousands separators, no decimals.
fn human(v: f64) -> String {
    let s = format!("{:.0}", v);
    let mut o = String::new();
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            o.push(',');
        }
        o.push(ch);
    }
    o
}

#[test]
fn the_project_texas_report_opens_with_its_verdict() {
    check_run_verdict("project_texas_2022.toml");
}

#[test]
fn the_status_quo_report_opens_with_its_verdict() {
    check_run_verdict("status_quo_2021.toml");
}

#[test]
fn a_structural_zero_gives_its_reasons_and_no_interval() {
    let dir = tempfile::tempdir().unwrap();
    let d = run_folder(dir.path(), &shipped("divestiture.toml"), &[]);
    let v = verdict(&d);
    let reasons = csv_rows(&d.join("summary.csv"))
        .into_iter()
        .find(|r| r[0] == "reached")
        .and_then(|r| r.last().cloned())
        .unwrap();
    assert!(reasons.starts_with("no route in this model"), "{reasons}");
    assert!(v.contains("Answer: <b>no route in this model</b>"), "{v}");
    let why = reasons.trim_start_matches("no route in this model:").trim();
    assert!(
        v.contains(why),
        "the verdict gives the reasons `{why}`: {v}"
    );
    let answer = v.split("<li").find(|l| l.contains("Answer:")).unwrap();
    assert!(
        !answer.contains("interval"),
        "no interval for a structural zero: {answer}"
    );
}

#[test]
fn the_verdict_says_at_which_losses_the_run_is_within_its_tolerance() {
    let dir = tempfile::tempdir().unwrap();
    // P(loss > 1) is high and P(loss > 1e12) is zero: beyond the first point, within the second.
    let d = run_folder(
        dir.path(),
        &shipped("project_texas_2022.toml"),
        &["--set", "report.tolerance=[[1, 0.01], [1e12, 0.001]]"],
    );
    let loss = csv_column(&d.join("replications.csv"), "loss");
    let above = loss.iter().filter(|v| **v > 1.0).count() as f64 / loss.len() as f64;
    let v = verdict(&d);
    let want = format!(
        "Risk tolerance: within it at 1,000,000,000,000 currency units; <b>beyond</b> it at 1 currency units (P(loss &gt; x) = {} against 1.00% tolerated).",
        pct(above)
    );
    assert!(v.contains(&want), "expected `{want}` in {v}");
}

#[test]
fn a_comparison_opens_with_every_deal_its_headline_and_a_link_to_its_report() {
    let dir = tempfile::tempdir().unwrap();
    let o = leaksim_in(
        dir.path(),
        &[
            "compare",
            &shipped("status_quo_2021.toml"),
            &shipped("project_texas_2022.toml"),
            &shipped("divestiture.toml"),
            "--baseline",
            "status-quo-2021",
            "--reps",
            "300",
            "--out",
            "res",
            "--quiet",
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let d = dir.path().join("res/compare");
    let v = verdict(&d);
    let rows = csv_rows(&d.join("compare.csv"));
    for name in ["status-quo-2021", "project-texas-2022", "divestiture"] {
        let link = format!("<a href=\"{name}/report.html\">{name}</a>");
        assert!(v.contains(&link), "{link} in {v}");
        assert!(d.join(name).join("report.html").is_file());
        let r = rows
            .iter()
            .find(|r| r[0] == name && r[1] == "reached")
            .unwrap();
        let p: f64 = r[2].parse().unwrap();
        // Every deal's headline shows, a zero included.
        let row = v.split("<tr>").find(|x| x.contains(&link)).unwrap();
        let structural = r.last().is_some_and(|c| c.starts_with("no route"));
        if structural {
            // A structural zero: the reason, no interval.
            assert!(row.contains("0 (no route in this model)"), "{row}");
            assert!(!row.contains("[0.00%"), "{row}");
        } else {
            assert!(row.contains(&pct(p)), "{} in {row}", pct(p));
            if p == 0.0 {
                assert!(row.contains("(none in 300)"), "{row}");
            }
        }
        if name != "status-quo-2021" {
            let delta: f64 = r[5].parse().unwrap();
            assert!(row.contains(&format!("{:+.2} pp", 100.0 * delta)), "{row}");
        }
    }
    let html = std::fs::read_to_string(d.join("report.html")).unwrap();
    // The question's zero shows in "who gets the data" too.
    let zero = html
        .split("<tr>")
        .find(|r| {
            r.contains(
                "<td>divestiture</td><td class=\"num\">CN</td><td class=\"num\">protected</td>",
            )
        })
        .expect("the divestiture's zero to CN shows in who gets the data");
    assert!(
        zero.contains("no route in this model)</td><td class=\"num\"></td>"),
        "a structural zero has no interval: {zero}"
    );
    assert!(
        v.contains("at 0, with no route in this model (a structural zero)"),
        "{v}"
    );
    // Every metric, collapsed after the charts.
    let details = html.find("<details><summary>").unwrap();
    assert!(html[details..].contains("<td class=\"num\">flows_blocked</td>"));
    assert!(html.find("<h2>Charts</h2>").unwrap() < details);
}

#[test]
fn a_windowed_question_names_its_window_and_the_whole_run_tables_say_so() {
    let dir = tempfile::tempdir().unwrap();
    let d = run_folder(dir.path(), &shipped("project_texas_2022.toml"), &[]);
    let v = verdict(&d);
    assert!(
        v.contains("within the first year (days 0-365 of a 730-day run"),
        "{v}"
    );
    let (p, lo, hi) = summary(&d, "reached.once_migrated");
    let window = format!(
        "In the window <b>once_migrated</b>: <b>{}</b> [{}, {}]",
        pct(p),
        pct(lo),
        pct(hi)
    );
    assert!(v.contains(&window), "expected `{window}` in {v}");
    let html = std::fs::read_to_string(d.join("report.html")).unwrap();
    assert!(
        html.contains("Over the whole run (730 days)"),
        "the reach table says what it covers"
    );
}
