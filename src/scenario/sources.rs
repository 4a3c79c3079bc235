//! Where each value of a scenario comes from: the comment the scenario file gives it ("article
//! 002: ...", "assumption: ..."), on the value's own line or on a comment line just above it.
//! The resolved scenario keeps them as trailing comments, so that they survive `extends`, shards
//! and `plot`.

use super::tree::{inline, Node, Val, NAMED_ARRAYS};
use crate::error::Origin;
use std::collections::HashMap;

/// A value of the scenario: its `--set` path, its value inline, and its source (empty: none).
#[derive(Clone, Debug, PartialEq)]
pub struct Sourced {
    /// The `--set` path.
    pub path: String,
    /// The value as TOML (a distribution as an inline table).
    pub value: String,
    /// The source comment, `--set ...` for a value set on the command line, or empty.
    pub source: String,
}

/// The comment of a TOML line: the text after a `#` outside any string, trimmed.
pub fn trailing_comment(line: &str) -> Option<&str> {
    let (mut quote, mut escaped) = (None::<char>, false);
    for (i, c) in line.char_indices() {
        match quote {
            Some(q) => {
                if escaped {
                    escaped = false;
                } else if c == '\\' && q == '"' {
                    escaped = true;
                } else if c == q {
                    quote = None;
                }
            }
            None if c == '"' || c == '\'' => quote = Some(c),
            None if c == '#' => return Some(line[i + 1..].trim()).filter(|s| !s.is_empty()),
            None => {}
        }
    }
    None
}

/// The source of line `line` (1-based) of `text`: its trailing comment, else a comment line
/// just above it.
fn comment_at<S: AsRef<str>>(lines: &[S], line: usize) -> Option<String> {
    let own = lines.get(line.checked_sub(1)?)?.as_ref();
    if let Some(c) = trailing_comment(own) {
        return Some(c.to_string());
    }
    let above = lines.get(line.checked_sub(2)?)?.as_ref().trim();
    above
        .strip_prefix('#')
        .map(|c| c.trim().to_string())
        .filter(|c| !c.is_empty())
}

/// Every leaf value of the tree with its source, in document order. Files named by the values'
/// origins are read again (once each) for their comments; a file that cannot be read gives none.
pub fn sources(root: &Node) -> Vec<Sourced> {
    sources_with(root, &mut |file| {
        super::tree::read_bounded(std::path::Path::new(file)).ok()
    })
}

/// [`sources`] of a scenario given as text (a resolved scenario read back), named `file`.
pub fn sources_of_text(text: &str, file: &str) -> crate::error::Result<Vec<Sourced>> {
    let root = super::tree::parse_text(text, file)?;
    Ok(sources_with(&root, &mut |f| {
        (f == file).then(|| text.to_string())
    }))
}

fn sources_with(root: &Node, read: &mut dyn FnMut(&str) -> Option<String>) -> Vec<Sourced> {
    let mut texts: HashMap<String, Option<Vec<String>>> = HashMap::new();
    let mut out = Vec::new();
    walk(root, "", true, &mut |path, node| {
        let source = match &node.origin {
            Origin::File { path: file, line } => {
                let lines = texts
                    .entry(file.to_string())
                    .or_insert_with(|| read(file).map(|t| t.lines().map(str::to_string).collect()));
                lines
                    .as_deref()
                    .and_then(|l| comment_at(l, *line))
                    .unwrap_or_default()
            }
            Origin::Set(arg) => format!("--set {arg}"),
            Origin::Generated => String::new(),
        };
        out.push(Sourced {
            path: path.to_string(),
            value: inline(node),
            source,
        });
    });
    out
}

/// Walks the leaves as [`super::tree::flatten`] does: named entries by name, a distribution
/// table as one leaf.
fn walk(node: &Node, path: &str, top: bool, f: &mut dyn FnMut(&str, &Node)) {
    match &node.value {
        Val::Table(t) if node.get("dist").is_none() || top => {
            for (k, v) in t {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                match &v.value {
                    Val::Array(items) if top && NAMED_ARRAYS.contains(&k.as_str()) => {
                        for item in items {
                            let name = item.name().unwrap_or("?");
                            walk(item, &format!("{k}.{name}"), false, f);
                        }
                    }
                    _ => walk(v, &p, false, f),
                }
            }
        }
        _ => f(path, node),
    }
}

/// Adds each value's source to `toml` (the resolved tree as `toml::to_string` writes it) as a
/// trailing comment on its line (a distribution written as a table: on its header).
pub fn annotate(toml: &str, sources: &[Sourced]) -> String {
    let by_path: HashMap<&str, &str> = sources
        .iter()
        .filter(|s| !s.source.is_empty())
        .map(|s| (s.path.as_str(), s.source.as_str()))
        .collect();
    if by_path.is_empty() {
        return toml.to_string();
    }
    let lines: Vec<&str> = toml.lines().collect();
    let mut out = String::with_capacity(toml.len() * 2);
    // The path of the current table, and the last name of each named array.
    let mut prefix = String::new();
    let mut last_name: HashMap<String, String> = HashMap::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let t = line.trim();
        if let Some(h) = t.strip_prefix("[[").and_then(|h| h.strip_suffix("]]")) {
            // An entry of a named array: its name is among the block's keys.
            let name = lines[i + 1..]
                .iter()
                .take_while(|l| !l.trim_start().starts_with('['))
                .find_map(|l| {
                    let (k, v) = l.split_once('=')?;
                    (k.trim() == "name").then(|| v.trim().trim_matches('"').to_string())
                })
                .unwrap_or_default();
            last_name.insert(h.to_string(), name.clone());
            prefix = format!("{h}.{name}");
            out.push_str(line);
        } else if let Some(h) = t.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
            let mut parts = h.splitn(2, '.');
            let head = parts.next().unwrap_or_default();
            prefix = match (last_name.get(head), parts.next()) {
                (Some(n), Some(rest)) => format!("{head}.{n}.{rest}"),
                _ => h.to_string(),
            };
            out.push_str(line);
            if let Some(s) = by_path.get(prefix.as_str()) {
                out.push_str("  # ");
                out.push_str(s);
            }
        } else {
            out.push_str(line);
            if let Some((k, _)) = line.split_once('=').filter(|_| !t.starts_with('#')) {
                let key = k.trim().trim_matches('"');
                let path = if prefix.is_empty() {
                    key.to_string()
                } else {
                    format!("{prefix}.{key}")
                };
                if let Some(s) = by_path.get(path.as_str()) {
                    out.push_str("  # ");
                    out.push_str(s);
                }
            }
        }
        out.push('\n');
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_inside_a_string_is_not_a_comment() {
        assert_eq!(
            trailing_comment(r#"a = "x # y"  # article 002"#),
            Some("article 002")
        );
        assert_eq!(trailing_comment(r#"a = 'x # y'"#), None);
        assert_eq!(trailing_comment(r##"a = "q\"# still"   # z"##), Some("z"));
    }

    #[test]
    fn the_comment_above_a_value_is_its_source_when_its_line_has_none() {
        let lines = ["# assumption: above", "a = 1", "b = 2  # own", "", "c = 3"];
        assert_eq!(comment_at(&lines, 2).as_deref(), Some("assumption: above"));
        assert_eq!(comment_at(&lines, 3).as_deref(), Some("own"));
        assert_eq!(comment_at(&lines, 5), None);
    }
}
