//! What `report.html` holds, for a run and for a comparison: who gets the data, paths, summary
//! (without rows that mean nothing), tail risk, sensitivity, the whole comparison with its
//! cost-effectiveness, the currency, and provenance.

mod common;
use common::*;

fn shipped(name: &str) -> String {
    root().join("scenarios").join(name).display().to_string()
}

#[test]
fn a_run_report_has_every_section_and_its_provenance() {
    let dir = tempfile::tempdir().unwrap();
    let o = leaksim_in(
        dir.path(),
        &[
            "run",
            &shipped("project_texas_2022.toml"),
            "--reps",
            "400",
            "--set",
            "scenario.currency=USD",
            "--out",
            "res",
            "--quiet",
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stdout).contains("loss (USD)"));
    let d = dir.path().join("res/project-texas-2022");
    let html = std::fs::read_to_string(d.join("report.html")).unwrap();
    for needle in [
        "<h2>Who gets the data</h2>",
        "staff access from CN",
        "<h3>Paths</h3>",
        "compelled operator",
        "<h2>Summary</h2>",
        "P(reached): the question",
        "loss (USD)",
        "<h2>Tail risk</h2>",
        "value at risk 99%",
        "expected shortfall, worst 5%",
        "<h2>Sensitivity</h2>",
        "noise (interval contains 0)",
        "<h2>Provenance</h2>",
        "leaksim run ",
        "--set scenario.currency=USD",
        "sha256:",
        "2023-11-14",
    ] {
        assert!(html.contains(needle), "report lacks `{needle}`");
    }
    // Project Texas runs two years: a quantile of its horizon is not "1 year in 100".
    assert!(!html.contains("1 year in 100"));
    // The 0/1 question has no percentiles: its p95 and p99 cells are empty.
    let row = html
        .split("<tr>")
        .find(|r| r.contains("P(reached): the question"))
        .unwrap();
    assert!(
        row.ends_with("<td class=\"num\"></td><td class=\"num\"></td></tr>"),
        "{row}"
    );
    // No gatekeeper wait row for a metric no replication has: every summary row has a value.
    assert!(!html.contains("<td class=\"num\">-</td>"));
    let prov = std::fs::read_to_string(d.join("provenance.toml")).unwrap();
    assert!(prov.contains("replications = 400") && !prov.contains("--out"));
}

#[test]
fn a_comparison_report_has_every_metric_and_the_cost_effectiveness_line() {
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
    let html = std::fs::read_to_string(dir.path().join("res/compare/report.html")).unwrap();
    for metric in [
        "reached_records",
        "records_leaked",
        "operator_handovers",
        "flows_blocked",
    ] {
        assert!(
            html.contains(&format!("<td class=\"num\">{metric}</td>")),
            "{metric}"
        );
    }
    assert!(html.contains("Cost-effectiveness against <code>status-quo-2021</code>"));
    for heading in html.split("<h").skip(1) {
        let text = heading.split("</h").next().unwrap();
        assert!(!text.contains('`'), "a literal backtick in heading {text}");
    }
    assert!(
        html.contains("<b>divestiture</b>: dominant"),
        "divestiture avoids loss at no cost"
    );
    assert!(html.contains("of extra control cost per currency units of expected loss avoided"));
    // The baseline's own deltas are blank.
    let base_row = html
        .split("<tr>")
        .find(|r| r.starts_with("<td>status-quo-2021</td><td class=\"num\">reached</td>"))
        .unwrap();
    assert!(
        base_row.contains("<td class=\"num\"></td><td class=\"num\"></td>"),
        "{base_row}"
    );
}

#[test]
fn a_risk_tolerance_curve_is_drawn_over_the_loss_exceedance_curve() {
    let dir = tempfile::tempdir().unwrap();
    let o = leaksim_in(
        dir.path(),
        &[
            "run",
            &shipped("project_texas_2022.toml"),
            "--reps",
            "200",
            "--set",
            "report.tolerance=[[1e6, 0.5], [1e8, 0.01]]",
            "--out",
            "res",
            "--quiet",
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let svg =
        std::fs::read_to_string(dir.path().join("res/project-texas-2022/exceedance.svg")).unwrap();
    assert!(
        svg.contains("risk tolerance"),
        "the curve is drawn and named"
    );
    // The title says what the band is; the dashed lines are named as input uncertainty.
    assert!(svg.contains("shaded: 95% Wilson interval") && !svg.contains("band: 95% CI"));
    assert!(svg.contains("deciles (input uncertainty)"));
    // The note says at which losses the run is within the tolerance, computed here from the rows.
    let loss = csv_column(
        &dir.path().join("res/project-texas-2022/replications.csv"),
        "loss",
    );
    let share = |x: f64| loss.iter().filter(|v| **v > x).count() as f64 / loss.len() as f64;
    let within: Vec<&str> = [(1e6, 0.5, "1M"), (1e8, 0.01, "100M")]
        .iter()
        .filter(|(x, p, _)| share(*x) <= *p)
        .map(|t| t.2)
        .collect();
    let note = match within.len() {
        2 => "project-texas-2022: within the tolerance at every loss".to_string(),
        0 => "project-texas-2022: beyond the tolerance at every loss".to_string(),
        _ => format!("project-texas-2022: within the tolerance at {}", within[0]),
    };
    assert!(svg.contains(&note), "{note}");
    let o = leaksim_in(
        dir.path(),
        &[
            "run",
            &shipped("project_texas_2022.toml"),
            "--reps",
            "200",
            "--out",
            "res2",
            "--quiet",
        ],
    );
    assert!(o.status.success());
    let svg =
        std::fs::read_to_string(dir.path().join("res2/project-texas-2022/exceedance.svg")).unwrap();
    assert!(
        !svg.contains("risk tolerance"),
        "no curve promised without a tolerance"
    );
}

#[test]
fn intervals_of_non_negative_metrics_do_not_go_below_zero() {
    let dir = tempfile::tempdir().unwrap();
    let o = leaksim_in(
        dir.path(),
        &[
            "run",
            &shipped("status_quo_2021.toml"),
            "--reps",
            "100",
            // Few insiders: rare counts, whose t interval reaches below 0.
            "--set",
            "actor.parent-engineering-cn.headcount=3",
            "--out",
            "res",
            "--quiet",
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let rows = csv_rows(&dir.path().join("res/status-quo-2021/summary.csv"));
    let mut rare = 0;
    for r in &rows[1..] {
        let (mean, sd, low): (f64, f64, f64) = (
            r[1].parse().unwrap_or(f64::NAN),
            r[2].parse().unwrap_or(f64::NAN),
            r[3].parse().unwrap_or(f64::NAN),
        );
        // Every metric and parameter of these scenarios is non-negative.
        assert!(low.is_nan() || low >= 0.0, "{}: {low}", r[0]);
        // A rare count whose t interval would reach below 0 (so the check can fail).
        rare += usize::from(mean > 0.0 && mean - 1.96 * sd / 100f64.sqrt() < 0.0);
    }
    assert!(rare > 0, "no rare metric to check");
}

#[test]
fn plot_on_a_renamed_copy_titles_the_report_by_the_scenario() {
    let dir = tempfile::tempdir().unwrap();
    let o = leaksim_in(
        dir.path(),
        &[
            "run",
            &shipped("divestiture.toml"),
            "--reps",
            "100",
            "--out",
            "res",
            "--quiet",
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let copy = dir.path().join("my-copy");
    std::fs::rename(dir.path().join("res/divestiture"), &copy).unwrap();
    let o = leaksim_in(dir.path(), &["plot", "my-copy"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let html = std::fs::read_to_string(copy.join("report.html")).unwrap();
    assert!(html.contains("<h1>leaksim report: divestiture</h1>"));
    assert!(!html.contains("my-copy"));
}
