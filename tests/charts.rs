//! Charts and reports: produced for the shipped scenarios, valid PNG and SVG with their text,
//! redrawn identically by `leaksim plot`, and a report that a browser renders.

mod common;
use common::*;
use std::path::{Path, PathBuf};

/// Decodes a PNG; returns (width, height, RGB(A) bytes, channels).
fn decode_png(path: &Path) -> (u32, u32, Vec<u8>, usize) {
    let file = std::fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut dec = png::Decoder::new(std::io::BufReader::new(file))
        .read_info()
        .expect("valid PNG header");
    let mut buf = vec![0; dec.output_buffer_size()];
    let info = dec.next_frame(&mut buf).expect("valid PNG data");
    buf.truncate(info.buffer_size());
    (info.width, info.height, buf, info.color_type.samples())
}

/// Share of pixels that are not (near) white.
fn ink(path: &Path, rows: Option<u32>) -> f64 {
    let (w, h, buf, ch) = decode_png(path);
    let h = rows.unwrap_or(h).min(h);
    let n = (w * h) as usize;
    let dark = (0..n)
        .filter(|&i| buf[i * ch..i * ch + 3].iter().any(|&v| v < 200))
        .count();
    dark as f64 / n as f64
}

fn check_chart(dir: &Path, stem: &str, texts: &[&str]) {
    let png = dir.join(format!("{stem}.png"));
    let (w, h, _, _) = decode_png(&png);
    assert!(w >= 800 && h >= 300, "{stem}: {w}x{h}");
    assert!(ink(&png, None) > 0.01, "{stem}.png has content");
    assert!(
        ink(&png, Some(40)) > 0.002,
        "{stem}.png has its title drawn (embedded font)"
    );
    let svg = std::fs::read_to_string(dir.join(format!("{stem}.svg"))).unwrap();
    assert!(
        svg.contains("<svg") && svg.trim_end().ends_with("</svg>"),
        "{stem}.svg is whole"
    );
    for t in texts {
        assert!(svg.contains(t), "{stem}.svg carries the text `{t}`");
    }
}

fn shipped(name: &str) -> String {
    root().join("scenarios").join(name).display().to_string()
}

#[test]
fn run_draws_its_charts_and_plot_redraws_them_identically() {
    let dir = tempfile::tempdir().unwrap();
    let o = leaksim_in(
        dir.path(),
        &[
            "run",
            &shipped("project_texas_2022.toml"),
            &shipped("status_quo_2021.toml"),
            "--reps",
            "300",
            "--out",
            "res",
            "--quiet",
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let d = dir.path().join("res/project-texas-2022");
    check_chart(
        &d,
        "exceedance",
        &[
            "project-texas-2022: exceedance curves",
            "P(records_leaked &gt; x)",
            "records leaked (log scale)",
            "probability of exceeding x",
        ],
    );
    check_chart(
        &d,
        "timeline",
        &[
            "records leaked over time",
            "records leaked so far",
            "date",
            "2022-06-17",
            "virginia deleted",
            "gatekeeper backlog",
        ],
    );
    check_chart(
        &d,
        "paths",
        &[
            "where leaks come from (route -&gt; recipient)",
            "mean records obtained per replication (log scale)",
            "compelled operator -&gt; CN (protected)",
            "private",
        ],
    );
    check_chart(
        &d,
        "reach",
        &[
            "project-texas-2022: who gets the data",
            "CN: protected",
            "staff access from CN (exposure): protected",
            "probability that any record reached the recipient",
        ],
    );
    let charts: Vec<PathBuf> = ["exceedance", "timeline", "paths", "reach"]
        .iter()
        .flat_map(|s| [d.join(format!("{s}.png")), d.join(format!("{s}.svg"))])
        .chain([d.join("report.html")])
        .collect();
    let before: Vec<Vec<u8>> = charts.iter().map(|p| std::fs::read(p).unwrap()).collect();
    for p in &charts {
        std::fs::remove_file(p).unwrap();
    }
    let o = bin().args(["plot", d.to_str().unwrap()]).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let after: Vec<Vec<u8>> = charts.iter().map(|p| std::fs::read(p).unwrap()).collect();
    assert!(
        before == after,
        "plot reproduces the same files from the CSVs"
    );
}

#[test]
fn compare_sweep_and_tornado_draw_their_charts() {
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        let o = leaksim_in(dir.path(), args);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    };
    run(&[
        "compare",
        &shipped("status_quo_2021.toml"),
        &shipped("project_texas_2022.toml"),
        &shipped("divestiture.toml"),
        "--baseline",
        "status-quo-2021",
        "--reps",
        "200",
        "--out",
        "res",
        "--quiet",
    ]);
    let c = dir.path().join("res/compare");
    check_chart(
        &c,
        "compare",
        &[
            "against the baseline, status-quo-2021",
            "paired difference from baseline",
            "divestiture",
        ],
    );
    check_chart(
        &c,
        "exceedance",
        &["status-quo-2021", "project-texas-2022", "divestiture"],
    );
    check_chart(
        &c,
        "reach",
        &[
            "compare: who gets the data",
            "CN: protected",
            "status-quo-2021",
            "project-texas-2022",
            "divestiture",
        ],
    );
    let report = std::fs::read_to_string(c.join("report.html")).unwrap();
    assert!(
        report.contains("<h2>Who gets the data</h2>"),
        "report shows who gets the data"
    );
    assert!(report.contains("staff access from CN"), "and staff access");
    for s in ["status-quo-2021", "project-texas-2022", "divestiture"] {
        check_chart(&c.join(s), "timeline", &["records leaked over time"]);
    }
    run(&[
        "sweep",
        &shipped("project_texas_2022.toml"),
        "--vary",
        "controls.gatekeeper.team_size=25..100:25",
        "--reps",
        "50",
        "--out",
        "res",
        "--quiet",
    ]);
    check_chart(
        &dir.path()
            .join("res/project-texas-2022-sweep-controls.gatekeeper.team_size"),
        "sweep",
        &[
            "controls.gatekeeper.team_size",
            "P(reached) (mean, 95% CI)",
            "team_size (gatekeeper)",
            "total cost (currency units) (mean, 95% CI)",
            "lowest total cost at",
        ],
    );
    run(&[
        "sweep",
        &shipped("project_texas_2022.toml"),
        "--vary",
        "controls.gatekeeper.team_size=25,50",
        "--vary",
        "controls.enclave.exfiltration_block_probability=0.5,0.95",
        "--name",
        "grid",
        "--reps",
        "30",
        "--out",
        "res",
        "--quiet",
    ]);
    check_chart(
        &dir.path().join("res/grid"),
        "sweep",
        &[
            "controls.enclave.exfiltration_block_probability",
            "P(reached) (mean)",
            "exfiltration_block_probability (enclave)",
        ],
    );
    run(&[
        "tornado",
        &shipped("status_quo_2021.toml"),
        "--reps",
        "100",
        "--out",
        "res",
        "--quiet",
    ]);
    check_chart(
        &dir.path().join("res/status-quo-2021-tornado"),
        "tornado",
        &[
            "what drives reached",
            "parent-engineering-cn: malicious fraction",
            "parameter low",
        ],
    );
    for r in [
        "compare",
        "project-texas-2022-sweep-controls.gatekeeper.team_size",
        "grid",
        "status-quo-2021-tornado",
    ] {
        let html =
            std::fs::read_to_string(dir.path().join("res").join(r).join("report.html")).unwrap();
        assert!(
            html.starts_with("<!DOCTYPE html>") && html.contains("<svg"),
            "{r}: report with inline charts"
        );
    }
}

#[test]
fn no_charts_skips_them() {
    let dir = tempfile::tempdir().unwrap();
    let o = leaksim_in(
        dir.path(),
        &[
            "run",
            &shipped("divestiture.toml"),
            "--reps",
            "50",
            "--no-charts",
            "--out",
            "res",
            "--quiet",
        ],
    );
    assert!(o.status.success());
    let d = dir.path().join("res/divestiture");
    assert!(d.join("replications.csv").is_file());
    assert!(!d.join("exceedance.png").exists() && !d.join("report.html").exists());
    let o = bin()
        .args(["plot", dir.path().join("res").to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(2),
        "a folder without results is refused"
    );
}

#[test]
fn the_report_renders_in_a_headless_browser() {
    let Some(browser) = find_tool(&["chromium", "chromium-browser", "google-chrome"]) else {
        skip(
            "the report renders in a headless browser",
            "chromium",
            "apt-get install chromium",
        );
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let o = leaksim_in(
        dir.path(),
        &[
            "run",
            &shipped("project_texas_audited.toml"),
            "--reps",
            "200",
            "--out",
            "res",
            "--quiet",
        ],
    );
    assert!(o.status.success());
    let report = dir.path().join("res/project-texas-audited/report.html");
    let html = std::fs::read_to_string(&report).unwrap();
    for needle in [
        "Summary",
        "P(any leak)",
        "<svg",
        "Scenarios and assumptions",
        "seed 20220617",
        "leaksim 0.",
    ] {
        assert!(html.contains(needle), "report lacks {needle}");
    }
    assert!(
        !html.contains("src=\"http"),
        "self-contained: nothing loaded from the network"
    );
    let shot = dir.path().join("shot.png");
    let profile = dir.path().join("profile");
    let out = std::process::Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            &format!("--user-data-dir={}", profile.display()),
            &format!("--screenshot={}", shot.display()),
            "--window-size=1280,1600",
            &format!("file://{}", report.display()),
        ])
        .output()
        .expect("chromium runs");
    assert!(
        shot.is_file(),
        "chromium wrote no screenshot: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let share = ink(&shot, None);
    assert!(
        share > 0.02,
        "the screenshot is not blank ({:.3} of pixels inked)",
        share
    );
}

#[test]
fn plot_refuses_files_it_did_not_write_without_panicking() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().join("odd");
    std::fs::create_dir(&d).unwrap();
    std::fs::write(d.join("tornado.csv"), "parameter,low\nx,1\n").unwrap();
    let o = bin().args(["plot", d.to_str().unwrap()]).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("no column `low_value`") && !err.contains("panicked"),
        "{err}"
    );
    std::fs::write(d.join("tornado.csv"), "parameter,low_value\nx,1,2\n").unwrap();
    let o = bin().args(["plot", d.to_str().unwrap()]).output().unwrap();
    assert!(
        matches!(o.status.code(), Some(1) | Some(2)),
        "a ragged file is an error, not a panic"
    );
    assert!(!String::from_utf8_lossy(&o.stderr).contains("panicked"));
}
