//! What shard folders share: their manifests' layout version, how a manifest is written with
//! its own checksum and read back (refused when of another leaksim, another format, edited or
//! not parsing as its type), and the order of the M shards given to `merge`.

use crate::error::{Error, Result};
use crate::output::checked::sha256;
use crate::sim::execute::Shard;
use serde::Serialize;
use std::path::{Path, PathBuf};

/// The manifest file of a run shard folder.
pub const MANIFEST: &str = "manifest.toml";
/// The manifest file of a study shard folder.
pub const STUDY_MANIFEST: &str = "study.toml";
/// Version of the shard folders' layout.
pub const FORMAT: u32 = 1;
/// The key of a manifest's own checksum: its last line, the SHA-256 of the text before it.
const SELF_SUM: &str = "manifest = \"";

/// The version fields of a manifest, read before the rest: a manifest of another leaksim is
/// refused for its version, whatever else it holds.
#[derive(serde::Deserialize)]
struct Versions {
    leaksim_version: Option<String>,
    format: Option<i64>,
}

/// Writes `value` as the manifest `path`: the `header` comment, its table, then its own
/// checksum as the last line.
pub fn write_manifest(path: &Path, header: &str, value: &impl Serialize) -> Result<()> {
    let table = toml::to_string(value)
        .map_err(|e| Error::Failed(format!("{}: cannot write ({e})", path.display())))?;
    let body = format!("{header}{table}");
    let sum = sha256(body.as_bytes());
    let text = format!("{body}{SELF_SUM}{sum}\"\n");
    super::write_atomic(path, |w| w.write_all(text.as_bytes()))
}

/// Reads the manifest `dir/name` as `T`: refuses a folder without it (it is not `what`), a file
/// of another leaksim version or format, a file whose checksum does not match, or one that does
/// not parse as `T`.
pub fn read_manifest<T: serde::de::DeserializeOwned>(
    dir: &Path,
    name: &str,
    what: &str,
) -> Result<T> {
    let path = dir.join(name);
    if !path.is_file() {
        return Err(Error::foreign(dir, format!("not {what}")));
    }
    let text = crate::scenario::tree::read_bounded(&path).map_err(|e| Error::damaged(&path, e))?;
    let not_ours = |e: &dyn std::fmt::Display| {
        Error::damaged(&path, format!("not a leaksim shard manifest ({e})"))
    };
    let v: Versions = toml::from_str(&text).map_err(|e| not_ours(&e))?;
    let this = env!("CARGO_PKG_VERSION");
    match v.leaksim_version.as_deref() {
        Some(version) if version != this => {
            return Err(Error::foreign(
                dir,
                format!("written by leaksim {version}, but this is leaksim {this}: merge with the version that ran the shards"),
            ))
        }
        Some(_) => check_self_sum(&path, &text)?,
        None => return Err(not_ours(&"no text `leaksim_version`")),
    }
    match v.format {
        Some(f) if f == i64::from(FORMAT) => {}
        Some(f) => {
            return Err(not_ours(&format!(
                "format {f} (this leaksim reads {FORMAT})"
            )))
        }
        None => return Err(not_ours(&"no whole number `format`")),
    }
    toml::from_str(&text).map_err(|e| not_ours(&e))
}

/// Refuses `text` unless its last line is the SHA-256 of the text before it.
fn check_self_sum(path: &Path, text: &str) -> Result<()> {
    let at = text.rfind(SELF_SUM).ok_or_else(|| {
        Error::damaged(path, "no checksum of its own (`manifest = \"...\"` last)")
    })?;
    let (body, last) = text.split_at(at);
    let want = last[SELF_SUM.len()..].trim_end().trim_end_matches('"');
    let got = sha256(body.as_bytes());
    if got != want {
        return Err(Error::damaged(
            path,
            format!("its text has changed since it was written (SHA-256 {got}, not the {want} it records)"),
        ));
    }
    Ok(())
}

/// The folders `dirs` (holding `shards`, all of one M) in shard order: refuses a shard given twice
/// or missing, naming `what` ran (a scenario, a sweep).
pub fn in_shard_order(dirs: &[PathBuf], shards: &[Shard], what: &str) -> Result<Vec<usize>> {
    let m = shards[0].m;
    let mut order: Vec<Option<usize>> = vec![None; m as usize];
    for (i, sh) in shards.iter().enumerate() {
        if let Some(j) = order[sh.k as usize] {
            return Err(Error::Usage(format!(
                "{} and {} are both shard {}/{m} of {what}",
                dirs[j].display(),
                dirs[i].display(),
                sh.k
            )));
        }
        order[sh.k as usize] = Some(i);
    }
    let missing: Vec<String> = (0..m)
        .filter(|&k| order[k as usize].is_none())
        .map(|k| format!("{k}/{m}"))
        .collect();
    if !missing.is_empty() {
        return Err(Error::Usage(format!(
            "{what} ran in {m} shards and shard {} {} missing: merge needs every one (given: {})",
            missing.join(", "),
            if missing.len() == 1 { "is" } else { "are" },
            dirs.iter()
                .map(|d| d.display().to_string())
                .collect::<Vec<_>>()
                .join(" ")
        )));
    }
    Ok(order.into_iter().flatten().collect())
}
