//! The source tree's layering: imports flow one way, from the commands down to random streams
//! (docs/architecture.md). A `crate::X` path in a file under `src/Y/` must name a stage at or
//! below `Y`.

use std::path::Path;

/// The stages, bottom first.
const ORDER: [&str; 8] = [
    "error", "random", "scenario", "model", "sim", "analysis", "output", "cli",
];

fn rank(stage: &str) -> Option<usize> {
    ORDER.iter().position(|s| *s == stage)
}

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("src is readable") {
        let p = entry.expect("entry").path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

#[test]
fn imports_flow_down_the_pipeline() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    assert!(files.len() > 20, "found only {} files", files.len());
    let mut violations = Vec::new();
    for f in &files {
        let rel = f.strip_prefix(&src).expect("under src");
        let top = rel
            .components()
            .next()
            .and_then(|c| c.as_os_str().to_str())
            .map(|s| s.trim_end_matches(".rs"))
            .unwrap_or_default();
        let Some(own) = rank(top) else { continue };
        let text = std::fs::read_to_string(f).expect("readable");
        for (i, line) in text.lines().enumerate() {
            let mut rest = line;
            while let Some(at) = rest.find("crate::") {
                rest = &rest[at + 7..];
                let stage: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                    .collect();
                if rank(&stage).is_some_and(|r| r > own) {
                    violations.push(format!("{}:{}: {top} uses {stage}", rel.display(), i + 1));
                }
            }
            if line.contains("super::super") {
                violations.push(format!("{}:{}: super::super", rel.display(), i + 1));
            }
        }
    }
    assert!(violations.is_empty(), "{}", violations.join("\n"));
}

#[test]
fn no_source_file_is_longer_than_a_few_screens() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let long: Vec<String> = files
        .iter()
        .filter_map(|f| {
            let n = std::fs::read_to_string(f).ok()?.lines().count();
            (n > 650).then(|| format!("{}: {n} lines", f.display()))
        })
        .collect();
    assert!(long.is_empty(), "{}", long.join("\n"));
}
