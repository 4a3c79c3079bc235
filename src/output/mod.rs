//! Output files and text: the last stage. It formats and writes what `analysis` computed; it
//! computes nothing that changes a figure.
//!
//! [`files`] writes a run's folder, [`studies`] the files of comparisons, sweeps and tornados,
//! [`columns`] defines every CSV's columns once (for the writers and for `plot`), [`provenance`]
//! writes and reads `provenance.toml`, [`results`] reads a results folder back (its kind,
//! resolved scenario, provenance and tables), [`plot`] redraws a folder's [`charts`] and [`html`]
//! report from it, and [`terminal`] and [`describe`] print.
//! Every file is written whole or not at all ([`write_atomic`]), and every result folder too
//! ([`folder::Staged`]). Imports `analysis`, `sim`, `model`, `scenario`; only `cli` imports it.
//!
//! Within `output`, imports flow one way, each module importing only those before it:
//! `format`, `columns`, `checked`, `folder`, `disk` (and this file's [`write_atomic`]); `charts`;
//! `parquet`; `rowfiles`; `provenance`; `results`; `routes`; `files`; `studies`; `terminal`;
//! `describe`; `html`; `plot`; `xlsx`; `explore`.

pub mod charts;
pub mod checked;
pub mod columns;
pub mod describe;
pub mod disk;
pub mod explore;
pub mod explore_shards;
pub mod files;
pub mod folder;
pub mod format;
pub mod html;
pub mod manifest;
pub mod parquet;
pub mod plot;
pub mod provenance;
pub mod results;
pub mod routes;
pub mod rowfiles;
pub mod shards;
pub mod studies;
pub mod study_shards;
pub mod terminal;
pub mod trace;
pub mod xlsx;

use crate::error::{Error, Result};
use std::io::Write;
use std::path::Path;

/// Writes `path` atomically: `fill` writes into a temporary file in the same folder, which is
/// renamed over `path` only once complete. On error the temporary file is removed.
pub fn write_atomic(
    path: &Path,
    fill: impl FnOnce(&mut (dyn Write + Send)) -> std::io::Result<()>,
) -> Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let mut tmp = tempfile::Builder::new()
        .prefix(&format!(
            ".{}.",
            path.file_name().and_then(|n| n.to_str()).unwrap_or("out")
        ))
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| Error::io(dir, e))?;
    {
        let mut buf = std::io::BufWriter::new(tmp.as_file_mut());
        fill(&mut buf).map_err(|e| Error::io(path, e))?;
        buf.flush().map_err(|e| Error::io(path, e))?;
    }
    tmp.as_file().sync_all().map_err(|e| Error::io(path, e))?;
    // Temporary files are private (0600); results are ordinary files.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o644))
            .map_err(|e| Error::io(path, e))?;
    }
    tmp.persist(path).map_err(|e| Error::io(path, e.error))?;
    Ok(())
}

pub(crate) fn csv_err(e: csv::Error) -> std::io::Error {
    std::io::Error::other(e)
}
