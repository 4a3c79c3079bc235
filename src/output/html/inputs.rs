//! The inputs table of `report.html`: every value of the resolved scenario with its
//! distribution and its source (the comment the scenario file gives it: an article, an
//! assumption), read back from `scenario.resolved.toml`.

use super::{esc, table_html_raw};
use crate::output::results::ResultsFolder;

/// The kind of a source comment: an article, an assumption, both, a `--set`, or none given.
fn kind(source: &str) -> &'static str {
    let s = source.to_ascii_lowercase();
    match (s.contains("article"), s.contains("assumption")) {
        _ if s.starts_with("--set") => "--set",
        (true, true) => "article + assumption",
        (true, false) => "article",
        (false, true) => "assumption",
        (false, false) if s.is_empty() => "none given",
        _ => "note",
    }
}

/// The section (empty when the folder has no resolved scenario).
pub(super) fn inputs_section(f: &ResultsFolder) -> String {
    let Some(r) = f.resolved() else {
        return String::new();
    };
    let Ok(values) = crate::scenario::sources::sources_of_text(&r.text, "scenario.resolved.toml")
    else {
        return String::new();
    };
    // Uncertain parameters (drawn once a replication) are the summary's rows named by a path;
    // other distributions are drawn per event (a request's size, a breach's duration).
    let params: Vec<String> = f
        .summary()
        .ok()
        .flatten()
        .map(|t| {
            t.rows
                .iter()
                .filter(|r| r[0].contains('.'))
                .map(|r| r[0].clone())
                .collect()
        })
        .unwrap_or_default();
    let mut rows = Vec::new();
    let (mut articles, mut assumptions, mut uncertain) = (0, 0, 0);
    for v in values {
        let top = v.path.split('.').next().unwrap_or_default();
        if matches!(top, "run" | "scenario") && !v.path.ends_with("horizon_days") {
            continue;
        }
        if v.path.ends_with(".name") && v.source.is_empty() {
            continue;
        }
        let dist = v.value.starts_with('{') && v.value.contains("dist");
        let per_replication = dist && params.contains(&v.path);
        let k = kind(&v.source);
        articles += usize::from(k.contains("article"));
        assumptions += usize::from(k.contains("assumption"));
        uncertain += usize::from(per_replication);
        rows.push(vec![
            format!("<code>{}</code>", esc(&v.path)),
            if per_replication {
                "uncertain: drawn once a replication".to_string()
            } else if dist {
                "random: drawn per event".to_string()
            } else {
                esc(&v.value)
            },
            if dist {
                esc(&v.value)
            } else {
                "fixed".to_string()
            },
            k.to_string(),
            esc(&v.source),
        ]);
    }
    if rows.is_empty() {
        return String::new();
    }
    format!(
        "<h2>Inputs and their sources</h2>\n<div class=\"inputs\"><p>Every value of the scenario as resolved, with its distribution and the source its file gives it: {articles} values rest on an article (see the scenario's sources), {assumptions} on a stated assumption, {uncertain} are uncertain (drawn anew in each replication; the headline's interval averages over them).</p>\n{}</div>",
        table_html_raw(
            &["input", "value", "distribution", "source type", "source"],
            &rows
        )
    )
}
