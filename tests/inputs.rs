//! Assumptions stay visible: each value's source comment (an article, an assumption) survives
//! `extends` into `scenario.resolved.toml` and its re-runs, and the report shows every input with
//! its value, distribution and source.

mod common;
use common::*;
use std::path::Path;

fn run(dir: &Path, file: &str, extra: &[&str]) -> String {
    let mut args = vec!["run", file, "--reps", "200", "--out", "res", "--quiet"];
    args.extend_from_slice(extra);
    let o = leaksim_in(dir, &args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let d = std::fs::read_dir(dir.join("res"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    std::fs::read_to_string(d.join("scenario.resolved.toml")).unwrap()
}

/// The comment of the line of `file` that starts with `key =`, after the first `[[store]]`
/// entry named `entry`.
fn comment_in(file: &Path, entry: &str, key: &str) -> String {
    let text = std::fs::read_to_string(file).unwrap();
    let from = text.find(&format!("name = \"{entry}\"")).unwrap();
    let line = text[from..]
        .lines()
        .find(|l| l.starts_with(&format!("{key} =")))
        .unwrap();
    line.split_once('#').unwrap().1.trim().to_string()
}

#[test]
fn source_comments_survive_extends_into_the_resolved_scenario_and_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let texas = root().join("scenarios/project_texas_2022.toml");
    let quo = root().join("scenarios/status_quo_2021.toml");
    let resolved = run(dir.path(), &texas.display().to_string(), &[]);
    // A value of the file itself, and one inherited through `extends`.
    for (file, entry, key) in [
        (&texas, "oracle-texas", "key_custody"),
        (&quo, "parent-engineering-cn", "headcount"),
    ] {
        let c = comment_in(file, entry, key);
        assert!(c.contains("article") || c.contains("assumption"), "{c}");
        let from = resolved.find(&format!("name = \"{entry}\"")).unwrap();
        let line = resolved[from..]
            .lines()
            .find(|l| l.starts_with(&format!("{key} =")))
            .unwrap();
        assert!(line.ends_with(&format!("  # {c}")), "{line}");
    }
    let d = dir.path().join("res/project-texas-2022");
    let html = std::fs::read_to_string(d.join("report.html")).unwrap();
    let c = comment_in(&texas, "oracle-texas", "key_custody");
    assert!(html.contains("<h2>Inputs and their sources</h2>"));
    assert!(html.contains(&format!(
        "<tr><td><code>store.oracle-texas.key_custody</code></td><td class=\"num\">&quot;US&quot;</td><td class=\"num\">fixed</td><td class=\"num\">assumption</td><td class=\"num\">{c}</td></tr>"
    )), "key_custody row");
    // An uncertain parameter shows its distribution.
    assert!(html.contains("<td><code>perimeter.oracle.gatekeeper.catch_probability</code></td><td class=\"num\">uncertain: drawn once a replication</td><td class=\"num\">{ dist = &quot;pert&quot;"));
    // Running the resolved file again keeps every comment, byte for byte.
    let again_dir = tempfile::tempdir().unwrap();
    let f = again_dir.path().join("again.toml");
    std::fs::write(&f, &resolved).unwrap();
    let again = run(again_dir.path(), &f.display().to_string(), &[]);
    assert_eq!(again, resolved);
}

#[test]
fn a_comment_line_above_a_value_is_its_source_and_a_set_names_itself() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("s.toml");
    std::fs::write(
        &f,
        "[scenario]\nname = \"s\"\n\n[[data_class]]\nname = \"c\"\n# article 9: the count\nrecords = 1000\n\n[[jurisdiction]]\nname = \"US\"\n\n[[store]]\nname = \"st\"\njurisdiction = \"US\"\nclasses = [\"c\"]\n",
    )
    .unwrap();
    let resolved = run(
        dir.path(),
        &f.display().to_string(),
        &["--set", "store.st.delete_on_day=30"],
    );
    assert!(
        resolved.contains("records = 1000  # article 9: the count"),
        "{resolved}"
    );
    assert!(
        resolved.contains("delete_on_day = 30  # --set store.st.delete_on_day=30"),
        "{resolved}"
    );
}
