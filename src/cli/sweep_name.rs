//! The default folder name of a sweep: the scenario and the `--vary` paths it varies.

use crate::scenario::{check_folder_name, MAX_NAME};

/// Checks a study folder name: at most [`MAX_NAME`] bytes, made of valid names (see
/// [`check_folder_name`]) joined by single dots, so that `--vary` paths may appear in it whole.
pub fn check_study_folder_name(name: &str) -> std::result::Result<(), String> {
    check_folder_name(&"n".repeat(name.len().min(MAX_NAME + 1)))?;
    name.split('.').try_for_each(|part| {
        check_folder_name(part).map_err(|_| {
            format!("`{name}` is not a valid name: use letters, digits, `-`, `_` and single inner `.` only")
        })
    })
}

/// The folder a sweep writes when `--name` is not given: `SCENARIO-sweep-PATH1` for one varied
/// path, `SCENARIO-sweep-PATH1-x-PATH2` for two, with the full dotted paths. When that passes
/// [`MAX_NAME`], each path is cut to its last segment and 8 hex characters of the SHA-256 of the
/// full name are added; if even that is too long, the scenario name is cut instead. Characters a
/// folder name cannot hold become `_`.
pub fn default_sweep_folder(scenario: &str, paths: &[String]) -> String {
    let clean = |p: &str| -> String {
        let s: String = p
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        s.split('.')
            .map(|part| if part.is_empty() { "_" } else { part })
            .collect::<Vec<_>>()
            .join(".")
    };
    let full = format!(
        "{scenario}-sweep-{}",
        paths
            .iter()
            .map(|p| clean(p))
            .collect::<Vec<_>>()
            .join("-x-")
    );
    if full.len() <= MAX_NAME {
        return full;
    }
    let hash = &crate::output::checked::sha256(full.as_bytes())[..8];
    let last = paths
        .iter()
        .map(|p| clean(p.rsplit('.').next().unwrap_or(p)))
        .collect::<Vec<_>>()
        .join("-x-");
    let short = format!("{scenario}-sweep-{last}-{hash}");
    if short.len() <= MAX_NAME {
        return short;
    }
    let keep = MAX_NAME - "-sweep-".len() - hash.len();
    let cut: String = scenario.chars().take(keep).collect();
    format!("{cut}-sweep-{hash}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_say_what_varies_and_stay_within_the_cap() {
        let p = |s: &str| s.to_string();
        assert_eq!(
            default_sweep_folder("texas", &[p("a.b.c")]),
            "texas-sweep-a.b.c"
        );
        assert_eq!(
            default_sweep_folder("texas", &[p("a.b"), p("c.d")]),
            "texas-sweep-a.b-x-c.d"
        );
        let long = format!("x.{}.last", "y".repeat(190));
        let n = default_sweep_folder("texas", std::slice::from_ref(&long));
        assert!(
            n.len() <= MAX_NAME && n.starts_with("texas-sweep-last-"),
            "{n}"
        );
        assert_eq!(
            n,
            default_sweep_folder("texas", std::slice::from_ref(&long))
        );
        assert_ne!(n, default_sweep_folder("texas", &[format!("{long}2")]));
        let huge = default_sweep_folder(&"s".repeat(200), &[p("a.b")]);
        assert!(huge.len() <= MAX_NAME, "{huge}");
        for name in [n, huge, default_sweep_folder("t", &[p("a b.[0]")])] {
            check_study_folder_name(&name).unwrap();
        }
        assert!(check_study_folder_name("a..b").is_err());
        assert!(check_study_folder_name(".a").is_err());
        assert!(check_study_folder_name(&"a".repeat(201)).is_err());
    }
}
