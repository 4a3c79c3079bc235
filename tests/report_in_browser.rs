//! The reports as a browser opens them: no console message, every image there, the verdict on
//! the first screen (before any table), for a run's report and a comparison's.

mod common;

use common::*;
use std::path::{Path, PathBuf};

/// chromium's parsed page (`--dump-dom`) and what it logged to the console.
fn open(browser: &Path, page: &Path, profile: &Path) -> (String, Vec<String>) {
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
            "--enable-logging=stderr",
            "--v=0",
            &format!("--user-data-dir={}", profile.display()),
            "--dump-dom",
            &format!("file://{}", page.display()),
        ])
        .output()
        .expect("chromium runs");
    let console = String::from_utf8_lossy(&out.stderr)
        .lines()
        .filter(|l| l.contains(":CONSOLE"))
        .map(str::to_string)
        .collect();
    (String::from_utf8_lossy(&out.stdout).to_string(), console)
}

/// The `src` of every `<img>` in `html`.
fn image_sources(html: &str) -> Vec<String> {
    html.split("<img")
        .skip(1)
        .filter_map(|tag| {
            let tag = tag.split('>').next()?;
            let at = tag.find("src=\"")? + 5;
            Some(tag[at..].split('"').next()?.to_string())
        })
        .collect()
}

/// Checks one report: no console message, every chart parsed and every image file there (a PNG
/// or an SVG), and the verdict before the first table.
fn check_report(browser: &Path, report: &Path, profile: &Path) {
    let html = std::fs::read_to_string(report).unwrap();
    let (dom, console) = open(browser, report, profile);
    assert!(
        console.is_empty(),
        "{}: console says {console:?}",
        report.display()
    );
    assert!(
        dom.contains("</html>"),
        "{}: no page parsed",
        report.display()
    );
    let svgs = html.matches("<svg").count();
    assert!(svgs > 0, "{}: no chart", report.display());
    assert_eq!(
        dom.matches("<svg").count(),
        svgs,
        "{}: charts lost",
        report.display()
    );
    for src in image_sources(&html) {
        let file = report.parent().unwrap().join(&src);
        let bytes = std::fs::read(&file).unwrap_or_default();
        assert!(
            bytes.starts_with(b"\x89PNG\r\n\x1a\n")
                || bytes.starts_with(b"<svg")
                || bytes.starts_with(b"<?xml"),
            "{}: image {src} is missing or not an image",
            report.display()
        );
    }
    let verdict = dom.find("id=\"verdict\"").expect("the page has a verdict");
    if let Some(table) = dom.find("<table") {
        assert!(
            verdict < table,
            "{}: a table comes before the verdict",
            report.display()
        );
    }
}

#[test]
fn reports_open_cleanly_with_the_verdict_first() {
    let Some(browser) = find_tool(&["chromium", "chromium-browser", "google-chrome"]) else {
        skip(
            "the reports open cleanly in a browser",
            "chromium",
            "apt-get install chromium",
        );
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // The check can fail: a page that logs an error is caught.
    let bad = d.join("bad.html");
    std::fs::write(
        &bad,
        "<html><body><script>console.error('boom')</script></body></html>",
    )
    .unwrap();
    let (_, console) = open(&browser, &bad, &d.join("p0"));
    assert!(
        console.iter().any(|l| l.contains("boom")),
        "console not seen: {console:?}"
    );
    let run = leaksim_in(
        d,
        &[
            "run",
            &shipped("project_texas_2022.toml"),
            "--reps",
            "100",
            "--out",
            "res",
            "--quiet",
        ],
    );
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let cmp = leaksim_in(
        d,
        &[
            "compare",
            &shipped("status_quo_2021.toml"),
            &shipped("divestiture.toml"),
            "--baseline",
            "status-quo-2021",
            "--reps",
            "100",
            "--out",
            "res",
            "--quiet",
        ],
    );
    assert!(
        cmp.status.success(),
        "{}",
        String::from_utf8_lossy(&cmp.stderr)
    );
    let reports: Vec<PathBuf> = vec![
        d.join("res/project-texas-2022/report.html"),
        d.join("res/compare/report.html"),
    ];
    for (i, r) in reports.iter().enumerate() {
        check_report(&browser, r, &d.join(format!("p{}", i + 1)));
    }
}
