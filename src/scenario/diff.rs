//! `leaksim diff`: what differs between two resolved scenarios, path by path.

use super::tree::flatten;
use super::Scenario;
use std::fmt::Write;

/// One difference between two scenarios.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    /// The value at a path differs: (path, value in A, value in B).
    Changed(String, String, String),
    /// Only A has the path.
    OnlyA(String, String),
    /// Only B has the path.
    OnlyB(String, String),
}

/// The differences between the resolved trees of `a` and `b` (the `name` entries of named tables
/// are identities, not values, and are left out).
pub fn diff(a: &Scenario, b: &Scenario) -> Vec<Change> {
    let fa = flatten(&a.tree);
    let fb = flatten(&b.tree);
    let skip = |p: &str| p.ends_with(".name") && p.matches('.').count() == 2;
    let mut out = Vec::new();
    for (p, va) in &fa {
        if skip(p) {
            continue;
        }
        match fb.iter().find(|(q, _)| q == p) {
            Some((_, vb)) if vb != va => {
                out.push(Change::Changed(p.clone(), va.clone(), vb.clone()))
            }
            Some(_) => {}
            None => out.push(Change::OnlyA(p.clone(), va.clone())),
        }
    }
    for (p, vb) in &fb {
        if !skip(p) && !fa.iter().any(|(q, _)| q == p) {
            out.push(Change::OnlyB(p.clone(), vb.clone()));
        }
    }
    out
}

/// The differences as text: `~ path: a -> b`, `- path: a` (only in A), `+ path: b` (only in B).
pub fn render(a: &Scenario, b: &Scenario) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "--- {} ({})", a.name, a.source);
    let _ = writeln!(o, "+++ {} ({})", b.name, b.source);
    let changes = diff(a, b);
    if changes.is_empty() {
        let _ = writeln!(o, "(no differences)");
    }
    for c in changes {
        let _ = match c {
            Change::Changed(p, x, y) => writeln!(o, "~ {p}: {x} -> {y}"),
            Change::OnlyA(p, x) => writeln!(o, "- {p}: {x}"),
            Change::OnlyB(p, y) => writeln!(o, "+ {p}: {y}"),
        };
    }
    o
}
