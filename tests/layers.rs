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

/// The module path of a file under `src/` (`sim/engine/mod.rs` is `sim::engine`).
fn module_of(rel: &Path) -> Vec<String> {
    let mut m: Vec<String> = rel
        .components()
        .map(|c| {
            c.as_os_str()
                .to_string_lossy()
                .trim_end_matches(".rs")
                .to_string()
        })
        .collect();
    if m.last()
        .is_some_and(|l| l == "mod" || l == "lib" || l == "main")
    {
        m.pop();
    }
    m
}

/// The absolute module paths a line names through `crate::`, `super::` or `self::` (with
/// `{a, b}` groups expanded one level).
fn references(line: &str, module: &[String]) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    for (prefix, base) in [
        ("crate::", Vec::new()),
        ("super::", module[..module.len().saturating_sub(1)].to_vec()),
        ("self::", module.to_vec()),
    ] {
        let mut rest = line;
        while let Some(at) = rest.find(prefix) {
            let before = &rest[..at];
            rest = &rest[at + prefix.len()..];
            if before.ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == ':') {
                continue;
            }
            let mut path = base.clone();
            let mut tail = rest;
            loop {
                if let Some(group) = tail.strip_prefix('{') {
                    let names = group.split('}').next().unwrap_or_default();
                    for n in names.split(',') {
                        let n: String = n
                            .trim()
                            .chars()
                            .take_while(|c| c.is_alphanumeric() || *c == '_')
                            .collect();
                        if !n.is_empty() {
                            out.push([path.clone(), vec![n]].concat());
                        }
                    }
                    break;
                }
                let seg: String = tail
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if seg.is_empty() {
                    out.push(path.clone());
                    break;
                }
                tail = &tail[seg.len()..];
                path.push(seg);
                match tail.strip_prefix("::") {
                    Some(t) => tail = t,
                    None => {
                        out.push(path.clone());
                        break;
                    }
                }
            }
        }
    }
    out
}

#[test]
fn no_two_modules_of_a_folder_import_each_other() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    // Edges between sibling modules of one folder (the folder's parent file, which introduces
    // it, is left out: its children may use what it defines).
    let mut edges = std::collections::BTreeSet::new();
    for f in &files {
        let rel = f.strip_prefix(&src).expect("under src");
        let is_mod = rel.file_name().is_some_and(|n| n == "mod.rs");
        if is_mod || rel.components().count() < 2 {
            continue;
        }
        let module = module_of(rel);
        let text = std::fs::read_to_string(f).expect("readable");
        let text = text.split("#[cfg(test)]").next().unwrap_or_default();
        for line in text.lines().filter(|l| !l.trim_start().starts_with("//")) {
            for target in references(line, &module) {
                let common = module
                    .iter()
                    .zip(&target)
                    .take_while(|(a, b)| a == b)
                    .count();
                if common >= module.len() || common + 1 > target.len() {
                    continue;
                }
                let folder = &module[..common];
                let (from, to) = (&module[common], &target[common]);
                let is_module = src
                    .join(folder.join("/"))
                    .join(format!("{to}.rs"))
                    .is_file()
                    || src.join(folder.join("/")).join(to).is_dir();
                if from != to && is_module {
                    edges.insert((folder.join("/"), from.clone(), to.clone()));
                }
            }
        }
    }
    // Known and not yet untangled: the reader of tied inputs (`inputs`) is called by the table
    // reader and by `--set` (which unties a path), and itself reads tables and applies sets.
    let known = [
        ("scenario", "inputs", "table"),
        ("scenario", "inputs", "tree"),
    ];
    let circles: Vec<String> = edges
        .iter()
        .filter(|(d, a, b)| a < b && edges.contains(&(d.clone(), b.clone(), a.clone())))
        .filter(|(d, a, b)| !known.contains(&(d.as_str(), a.as_str(), b.as_str())))
        .map(|(d, a, b)| format!("src/{d}: {a} <-> {b}"))
        .collect();
    assert!(
        circles.is_empty(),
        "modules that import each other:\n{}",
        circles.join("\n")
    );
}
