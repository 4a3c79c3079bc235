//! `--xlsx`: `results.xlsx` holds provenance first, then one sheet per table, with numbers as
//! numbers, and is the same bytes for the same seed.

mod common;
use common::*;
use std::io::Read;
use std::path::Path;

fn entry(path: &Path, name: &str) -> String {
    let file = std::fs::File::open(path).unwrap();
    let mut zip = zip::ZipArchive::new(file).expect("results.xlsx is a zip archive");
    let mut text = String::new();
    zip.by_name(name)
        .unwrap_or_else(|_| panic!("{name} in results.xlsx"))
        .read_to_string(&mut text)
        .unwrap();
    text
}

#[test]
fn a_comparison_workbook_has_its_sheets_and_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let args = |out: &str, threads: &str| {
        vec![
            "compare".to_string(),
            root()
                .join("scenarios/status_quo_2021.toml")
                .display()
                .to_string(),
            root()
                .join("scenarios/divestiture.toml")
                .display()
                .to_string(),
            "--baseline".into(),
            "status-quo-2021".into(),
            "--reps".into(),
            "300".into(),
            "--threads".into(),
            threads.into(),
            "--xlsx".into(),
            "--no-charts".into(),
            "--out".into(),
            out.into(),
            "--quiet".into(),
        ]
    };
    for (out, threads) in [("a", "1"), ("b", "2")] {
        let a = args(out, threads);
        let refs: Vec<&str> = a.iter().map(String::as_str).collect();
        let o = leaksim_in(dir.path(), &refs);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    let book = dir.path().join("a/compare/results.xlsx");
    let same = std::fs::read(&book).unwrap()
        == std::fs::read(dir.path().join("b/compare/results.xlsx")).unwrap();
    assert!(
        same,
        "the same seed gives the same workbook, whatever the threads"
    );
    let workbook = entry(&book, "xl/workbook.xml");
    let sheets: Vec<&str> = workbook
        .split("<sheet name=\"")
        .skip(1)
        .map(|s| s.split('"').next().unwrap())
        .collect();
    assert_eq!(
        sheets,
        ["provenance", "who gets the data", "comparison", "tail"]
    );
    // The comparison sheet holds numbers as numbers (<v> cells), with frozen headers.
    let comparison = entry(&book, "xl/worksheets/sheet3.xml");
    assert!(
        comparison.contains("<pane ySplit=\"1\""),
        "frozen header row"
    );
    assert!(comparison.matches("<v>").count() > 100, "numeric cells");
    let strings = entry(&book, "xl/sharedStrings.xml");
    for s in [
        "reached_records",
        "status-quo-2021",
        "divestiture",
        "sha256:",
    ] {
        assert!(strings.contains(s), "{s}");
    }
}
