//! The scenario as a tree of values that remember where they came from.
//!
//! Files are parsed with spans, so that every later error can name the file and line; `extends` and
//! `--set` operate on this tree before it is read into typed scenario structures.

use crate::error::{suggestion, Error, InputError, Origin, Result};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use toml::de::{DeTable, DeValue};

/// Top-level arrays of tables whose entries are addressed by their `name`.
pub const NAMED_ARRAYS: [&str; 6] = [
    "data_class",
    "jurisdiction",
    "company",
    "store",
    "flow",
    "actor",
];

/// A value and where it was written.
#[derive(Clone, Debug)]
pub struct Node {
    /// The value.
    pub value: Val,
    /// Where it came from.
    pub origin: Origin,
}

/// An ordered table: keys in the order they were written.
pub type Table = Vec<(String, Node)>;

/// A TOML value.
#[derive(Clone, Debug)]
pub enum Val {
    /// A string.
    Str(String),
    /// An integer.
    Int(i64),
    /// A float (may be NaN or infinite in TOML: the reader rejects those).
    Float(f64),
    /// A boolean.
    Bool(bool),
    /// A date or date-time, as written.
    Datetime(String),
    /// An array.
    Array(Vec<Node>),
    /// A table (inline or not).
    Table(Table),
}

impl Val {
    /// A user-facing name of the value's type.
    pub fn type_name(&self) -> &'static str {
        match self {
            Val::Str(_) => "a string",
            Val::Int(_) => "an integer",
            Val::Float(_) => "a float",
            Val::Bool(_) => "a boolean",
            Val::Datetime(_) => "a date",
            Val::Array(_) => "an array",
            Val::Table(_) => "a table",
        }
    }
}

impl Node {
    /// The table's entry for `key`, if this node is a table holding it.
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.value {
            Val::Table(t) => t.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// Mutable access to a table's entry.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Node> {
        match &mut self.value {
            Val::Table(t) => t.iter_mut().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The `name` string of a table, if any.
    pub fn name(&self) -> Option<&str> {
        match &self.get("name")?.value {
            Val::Str(s) => Some(s),
            _ => None,
        }
    }

    fn is_remove_marker(&self) -> bool {
        matches!(self.get("remove").map(|n| &n.value), Some(Val::Bool(true)))
    }
}

/// Maps byte offsets to 1-based line numbers.
struct Lines(Vec<usize>);

impl Lines {
    fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Lines(starts)
    }
    fn line(&self, offset: usize) -> usize {
        match self.0.binary_search(&offset) {
            Ok(i) => i + 1,
            Err(i) => i,
        }
    }
}

/// Parses TOML text into a tree; `file` names the source in errors.
pub fn parse_text(text: &str, file: &str) -> Result<Node> {
    let file: Arc<str> = Arc::from(file);
    let lines = Lines::new(text);
    let root = DeTable::parse(text).map_err(|e| {
        let line = e.span().map(|s| lines.line(s.start)).unwrap_or(1);
        Error::Input(InputError::new(
            &Origin::File {
                path: file.clone(),
                line,
            },
            "",
            format!("invalid TOML: {}", e.message().trim()),
        ))
    })?;
    let origin = Origin::File {
        path: file.clone(),
        line: 1,
    };
    let mut key_path = String::new();
    convert_table(root.get_ref(), &origin, &file, &lines, &mut key_path)
}

fn convert_table(
    t: &DeTable<'_>,
    origin: &Origin,
    file: &Arc<str>,
    lines: &Lines,
    path: &mut String,
) -> Result<Node> {
    let mut out = Table::with_capacity(t.len());
    for (k, v) in t.iter() {
        let o = Origin::File {
            path: file.clone(),
            line: lines.line(k.span().start),
        };
        let len = path.len();
        if !path.is_empty() {
            path.push('.');
        }
        path.push_str(k.get_ref());
        let node = convert_value(v.get_ref(), &o, file, lines, path)?;
        path.truncate(len);
        out.push((k.get_ref().to_string(), node));
    }
    Ok(Node {
        value: Val::Table(out),
        origin: origin.clone(),
    })
}

fn convert_value(
    v: &DeValue<'_>,
    origin: &Origin,
    file: &Arc<str>,
    lines: &Lines,
    path: &mut String,
) -> Result<Node> {
    let value = match v {
        DeValue::String(s) => Val::Str(s.to_string()),
        DeValue::Integer(i) => {
            let digits: String = i.as_str().chars().filter(|c| *c != '_').collect();
            let n = i64::from_str_radix(&digits, i.radix()).map_err(|_| {
                Error::Input(InputError::new(
                    origin,
                    path.clone(),
                    format!("integer {digits} is out of range"),
                ))
            })?;
            Val::Int(n)
        }
        DeValue::Float(f) => {
            let s: String = f.as_str().chars().filter(|c| *c != '_').collect();
            let x = match s.as_str() {
                "nan" | "+nan" | "-nan" => f64::NAN,
                "inf" | "+inf" => f64::INFINITY,
                "-inf" => f64::NEG_INFINITY,
                _ => s.parse::<f64>().map_err(|_| {
                    Error::Input(InputError::new(
                        origin,
                        path.clone(),
                        format!("cannot read number {s}"),
                    ))
                })?,
            };
            Val::Float(x)
        }
        DeValue::Boolean(b) => Val::Bool(*b),
        DeValue::Datetime(d) => Val::Datetime(d.to_string()),
        DeValue::Array(a) => {
            let mut items = Vec::with_capacity(a.len());
            for item in a.iter() {
                let o = Origin::File {
                    path: file.clone(),
                    line: lines.line(item.span().start),
                };
                items.push(convert_value(item.get_ref(), &o, file, lines, path)?);
            }
            Val::Array(items)
        }
        DeValue::Table(t) => return convert_table(t, origin, file, lines, path),
    };
    Ok(Node {
        value,
        origin: origin.clone(),
    })
}

/// Reads a scenario file and resolves its `extends` chain (paths relative to each file).
pub fn load_file(path: &Path) -> Result<Node> {
    let mut stack = Vec::new();
    load_with_stack(path, &mut stack, &mut 0, None)
}

/// Most bytes of all the files of one `extends` chain together: resolving takes some 20 times
/// the files' size in memory, so the chain is bounded as a whole, not file by file.
pub const MAX_CHAIN_BYTES: u64 = MAX_FILE_BYTES;

/// Longest chain of `extends`.
pub const MAX_EXTENDS_DEPTH: usize = 32;

pub use super::bounded::{read_bounded, MAX_FILE_BYTES};

fn load_with_stack(
    path: &Path,
    stack: &mut Vec<PathBuf>,
    read: &mut u64,
    from: Option<&Origin>,
) -> Result<Node> {
    let shown = path.display().to_string();
    if stack.len() >= MAX_EXTENDS_DEPTH {
        return Err(Error::Input(InputError::new(
            from.unwrap_or(&Origin::Generated),
            "scenario.extends",
            format!("`extends` chains more than {MAX_EXTENDS_DEPTH} files (at `{shown}`)"),
        )));
    }
    let text = read_bounded(path).map_err(|e| match from {
        Some(o) => Error::Input(InputError::new(
            o,
            "scenario.extends",
            format!("cannot read `{shown}`: {e}"),
        )),
        None => Error::Input(InputError::new(
            &Origin::File {
                path: Arc::from(shown.as_str()),
                line: 0,
            },
            "",
            format!("cannot read scenario file: {e}"),
        )),
    })?;
    *read = read.saturating_add(text.len() as u64);
    if *read > MAX_CHAIN_BYTES {
        return Err(Error::Input(InputError::new(
            from.unwrap_or(&Origin::Generated),
            "scenario.extends",
            format!(
                "the files of this `extends` chain hold more than the {MAX_CHAIN_BYTES} bytes a scenario may have in all (at `{shown}`, {} files read)",
                stack.len() + 1
            ),
        )));
    }
    let canonical = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    if stack.contains(&canonical) {
        let chain: Vec<String> = stack.iter().map(|p| p.display().to_string()).collect();
        return Err(Error::Input(InputError::new(
            from.unwrap_or(&Origin::Generated),
            "scenario.extends",
            format!("`extends` makes a cycle: {} -> {shown}", chain.join(" -> ")),
        )));
    }
    let mut node = parse_text(&text, &shown)?;
    drop(text);
    let extends = node.get("scenario").and_then(|s| s.get("extends")).cloned();
    let Some(ext) = extends else { return Ok(node) };
    let Val::Str(rel) = &ext.value else {
        return Err(Error::Input(InputError::new(
            &ext.origin,
            "scenario.extends",
            format!(
                "expected a file path string, found {}",
                ext.value.type_name()
            ),
        )));
    };
    if let Some(Val::Table(t)) = node.get_mut("scenario").map(|s| &mut s.value) {
        t.retain(|(k, _)| k != "extends");
    }
    let base_path = path.parent().unwrap_or(Path::new(".")).join(rel);
    stack.push(canonical);
    let mut base = load_with_stack(&base_path, stack, read, Some(&ext.origin))?;
    stack.pop();
    merge(&mut base, node, "")?;
    Ok(base)
}

/// Overlays `over` onto `base`: tables merge key by key, named arrays merge entry by entry (by
/// `name`), anything else is replaced. A table holding `remove = true` removes what it names.
pub fn merge(base: &mut Node, over: Node, path: &str) -> Result<()> {
    let Val::Table(over_t) = over.value else {
        *base = over;
        return Ok(());
    };
    if !matches!(base.value, Val::Table(_)) {
        *base = Node {
            value: Val::Table(over_t),
            origin: over.origin,
        };
        return Ok(());
    }
    for (key, val) in over_t {
        let sub = if path.is_empty() {
            key.clone()
        } else {
            format!("{path}.{key}")
        };
        let Val::Table(base_t) = &mut base.value else {
            unreachable!()
        };
        let existing = base_t.iter().position(|(k, _)| *k == key);
        if val.is_remove_marker() {
            match existing {
                Some(i) => {
                    base_t.remove(i);
                    continue;
                }
                None => {
                    return Err(Error::Input(InputError::new(
                        &val.origin,
                        sub,
                        "`remove = true` but the base scenario has no such table",
                    )));
                }
            }
        }
        match existing {
            None => base_t.push((key, val)),
            Some(i) => {
                let target = &mut base_t[i].1;
                let named = path.is_empty() && NAMED_ARRAYS.contains(&key.as_str());
                match (&mut target.value, val.value) {
                    (Val::Array(b), Val::Array(o)) if named => merge_named(b, o, &sub)?,
                    (Val::Table(_), v @ Val::Table(_)) => merge(
                        target,
                        Node {
                            value: v,
                            origin: val.origin,
                        },
                        &sub,
                    )?,
                    (_, v) => {
                        *target = Node {
                            value: v,
                            origin: val.origin,
                        }
                    }
                }
            }
        }
    }
    Ok(())
}

fn merge_named(base: &mut Vec<Node>, over: Vec<Node>, path: &str) -> Result<()> {
    for item in over {
        let Some(name) = item.name().map(str::to_string) else {
            return Err(Error::Input(InputError::new(
                &item.origin,
                format!("{path}.name"),
                "every entry needs a `name`",
            )));
        };
        let pos = base.iter().position(|b| b.name() == Some(name.as_str()));
        match (pos, item.is_remove_marker()) {
            (Some(i), true) => {
                base.remove(i);
            }
            (None, true) => {
                let names: Vec<&str> = base.iter().filter_map(Node::name).collect();
                return Err(Error::Input(InputError::new(
                    &item.origin,
                    format!("{path}.{name}"),
                    format!(
                        "`remove = true` but the base scenario has no {path} named `{name}`{}",
                        suggestion(&name, names)
                    ),
                )));
            }
            (Some(i), false) => merge(&mut base[i], item, &format!("{path}.{name}"))?,
            (None, false) => base.push(item),
        }
    }
    Ok(())
}

/// Applies one `--set PATH=VALUE` to the tree.
pub fn apply_set(root: &mut Node, arg: &str) -> Result<()> {
    let origin = Origin::Set(Arc::from(arg));
    let bad = |msg: String| Error::Input(InputError::new(&origin, "", msg));
    let Some((path, raw)) = arg.split_once('=') else {
        return Err(bad(
            "expected PATH=VALUE, e.g. controls.gatekeeper.team_size=50".into(),
        ));
    };
    let path = path.trim();
    let segments: Vec<&str> = path.split('.').collect();
    if segments.iter().any(|s| s.is_empty()) {
        return Err(bad(format!("`{path}` is not a valid path: empty segment")));
    }
    let value = parse_set_value(raw.trim(), &origin)?;
    super::inputs::untie(root, path);
    let mut cur = root;
    let mut i = 0;
    while i < segments.len() {
        let seg = segments[i];
        let last = i + 1 == segments.len();
        let named = i == 0 && NAMED_ARRAYS.contains(&seg);
        if named {
            let Some(name) = segments.get(i + 1) else {
                return Err(bad(format!("`{seg}` needs an entry name: {seg}.NAME.KEY")));
            };
            let Some(Val::Array(items)) = cur.get_mut(seg).map(|n| &mut n.value) else {
                return Err(bad(format!("the scenario has no `{seg}` entries")));
            };
            let names: Vec<String> = items
                .iter()
                .filter_map(|n| n.name().map(str::to_string))
                .collect();
            let Some(entry) = items.iter_mut().find(|n| n.name() == Some(*name)) else {
                return Err(bad(format!(
                    "no {seg} named `{name}`{}",
                    suggestion(name, names.iter().map(String::as_str))
                )));
            };
            if i + 2 >= segments.len() {
                return Err(bad(format!(
                    "`{path}` names an entry, not a value: add .KEY"
                )));
            }
            cur = entry;
            i += 2;
            continue;
        }
        if !matches!(cur.value, Val::Table(_)) {
            return Err(bad(format!("`{}` is not a table", segments[..i].join("."))));
        }
        if last {
            let Val::Table(t) = &mut cur.value else {
                unreachable!()
            };
            match t.iter_mut().find(|(k, _)| k == seg) {
                // A tied input (`inputs.NAME`) keeps its paths: the value replaces its distribution.
                Some((_, n)) if i == 1 && segments[0] == "inputs" && n.get("paths").is_some() => {
                    *n = super::inputs::tied_value(n, value, &origin);
                }
                Some((_, n)) => *n = value,
                None => t.push((seg.to_string(), value)),
            }
            return Ok(());
        }
        if cur.get(seg).is_none() {
            let Val::Table(t) = &mut cur.value else {
                unreachable!()
            };
            t.push((
                seg.to_string(),
                Node {
                    value: Val::Table(Vec::new()),
                    origin: origin.clone(),
                },
            ));
        }
        cur = cur.get_mut(seg).expect("just inserted");
        i += 1;
    }
    Ok(())
}

/// Parses the VALUE of `--set` as TOML; a bare word (letters, digits, `-`, `_`) is taken as a string.
fn parse_set_value(raw: &str, origin: &Origin) -> Result<Node> {
    let doc = format!("v = {raw}");
    match parse_text(&doc, "--set") {
        Ok(node) => {
            let mut v = node.get("v").cloned().expect("parsed key v");
            set_origin(&mut v, origin);
            Ok(v)
        }
        Err(_) => {
            let bare = !raw.is_empty()
                && raw.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
                && raw
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
            if bare {
                Ok(Node {
                    value: Val::Str(raw.to_string()),
                    origin: origin.clone(),
                })
            } else {
                Err(Error::Input(InputError::new(
                    origin,
                    "",
                    format!("VALUE `{raw}` is not TOML (numbers as 0.5, strings in quotes, tables as {{ dist = \"pert\", min = 1, mode = 2, max = 5 }})"),
                )))
            }
        }
    }
}

fn set_origin(node: &mut Node, origin: &Origin) {
    node.origin = origin.clone();
    match &mut node.value {
        Val::Array(items) => items.iter_mut().for_each(|n| set_origin(n, origin)),
        Val::Table(t) => t.iter_mut().for_each(|(_, n)| set_origin(n, origin)),
        _ => {}
    }
}

/// Converts the tree to a `toml::Value` (for writing `scenario.resolved.toml`).
pub fn to_toml(node: &Node) -> toml::Value {
    match &node.value {
        Val::Str(s) => toml::Value::String(s.clone()),
        Val::Int(i) => toml::Value::Integer(*i),
        Val::Float(f) => toml::Value::Float(*f),
        Val::Bool(b) => toml::Value::Boolean(*b),
        Val::Datetime(d) => d
            .parse()
            .map(toml::Value::Datetime)
            .unwrap_or_else(|_| toml::Value::String(d.clone())),
        Val::Array(a) => toml::Value::Array(a.iter().map(to_toml).collect()),
        Val::Table(t) => {
            let mut m = toml::Table::new();
            for (k, v) in t {
                m.insert(k.clone(), to_toml(v));
            }
            toml::Value::Table(m)
        }
    }
}

/// The node at a `--set` style PATH (`controls.gatekeeper.team_size`, `actor.NAME.headcount`).
pub fn get_path<'a>(root: &'a Node, path: &str) -> Option<&'a Node> {
    let segments: Vec<&str> = path.split('.').collect();
    let mut cur = root;
    let mut i = 0;
    while i < segments.len() {
        let seg = segments[i];
        if i == 0 && NAMED_ARRAYS.contains(&seg) {
            let Val::Array(items) = &cur.get(seg)?.value else {
                return None;
            };
            let name = segments.get(i + 1)?;
            cur = items.iter().find(|n| n.name() == Some(*name))?;
            i += 2;
            continue;
        }
        cur = cur.get(seg)?;
        i += 1;
    }
    Some(cur)
}

/// Formats a value as inline TOML (`300`, `"US"`, `["a", "b"]`, `{ dist = "pert", ... }`).
pub fn inline(node: &Node) -> String {
    match &node.value {
        Val::Str(s) => toml::Value::String(s.clone()).to_string(),
        Val::Int(i) => i.to_string(),
        Val::Float(f) => toml::Value::Float(*f).to_string(),
        Val::Bool(b) => b.to_string(),
        Val::Datetime(d) => d.clone(),
        Val::Array(a) => format!("[{}]", a.iter().map(inline).collect::<Vec<_>>().join(", ")),
        Val::Table(t) => format!(
            "{{ {} }}",
            t.iter()
                .map(|(k, v)| format!("{k} = {}", inline(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// Every leaf of the tree as (`--set` path, inline value), in document order. Named entries are
/// addressed by name; a distribution table is one leaf.
pub fn flatten(root: &Node) -> Vec<(String, String)> {
    fn walk(node: &Node, path: &str, top: bool, out: &mut Vec<(String, String)>) {
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
                                walk(item, &format!("{k}.{name}"), false, out);
                            }
                        }
                        _ => walk(v, &p, false, out),
                    }
                }
            }
            _ => out.push((path.to_string(), inline(node))),
        }
    }
    let mut out = Vec::new();
    walk(root, "", true, &mut out);
    out
}
