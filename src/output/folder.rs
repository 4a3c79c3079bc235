//! Result folders written whole or not at all. A command writes into a staging folder beside its
//! target (`.NAME.staging-…`) and, once every file is there, swaps it into place, removing the
//! earlier folder only then: no file of an earlier run survives beside the new ones, an
//! interrupted run leaves the earlier folder as it was, and what a killed run left beside the
//! target is removed by the next successful one.

use crate::error::{Error, Result};
use std::path::{Path, PathBuf};

/// The name a folder is shown by: its own, or for a staging folder, its target's.
pub fn display_name(dir: &Path) -> String {
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| dir.display().to_string());
    match name
        .strip_prefix('.')
        .and_then(|n| n.rsplit_once(".staging-"))
    {
        Some((target, _)) => target.to_string(),
        None => name,
    }
}

/// A folder being written; [`Staged::commit`] puts it in place of its target. Dropped without a
/// commit (an error, Ctrl-C), it is removed and the target is left untouched.
pub struct Staged {
    target: PathBuf,
    tmp: PathBuf,
    committed: bool,
}

/// A name unique to this process and moment, for staging and retired folders.
fn unique(target: &Path, kind: &str) -> Result<PathBuf> {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .ok_or_else(|| Error::Usage(format!("{}: not a folder name", target.display())))?;
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let parent = parent_of(target);
    Ok(parent.join(format!(".{name}.{kind}-{}-{nanos}", std::process::id())))
}

fn parent_of(target: &Path) -> PathBuf {
    target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .to_path_buf()
}

/// Whether `name` is a temporary file an interrupted write left (`.NAME.RANDOM.tmp`, as
/// [`super::write_atomic`] names them): a copied folder leaves it behind.
fn is_temporary(name: &str) -> bool {
    name.starts_with('.') && name.ends_with(".tmp")
}

/// Copies the files and folders of `from` into `to` (which exists), leaving temporary files.
fn copy_tree(from: &Path, to: &Path) -> Result<()> {
    for e in std::fs::read_dir(from).map_err(|e| Error::io(from, e))? {
        let e = e.map_err(|err| Error::io(from, err))?;
        let (src, dst) = (e.path(), to.join(e.file_name()));
        let kind = e.file_type().map_err(|err| Error::io(&src, err))?;
        if kind.is_dir() {
            std::fs::create_dir(&dst).map_err(|err| Error::io(&dst, err))?;
            copy_tree(&src, &dst)?;
        } else if kind.is_file() && !is_temporary(&e.file_name().to_string_lossy()) {
            std::fs::copy(&src, &dst).map_err(|err| Error::io(&src, err))?;
        }
    }
    Ok(())
}

impl Staged {
    /// Starts writing the folder `target` afresh, in an empty staging folder beside it.
    pub fn begin(target: &Path) -> Result<Staged> {
        let parent = parent_of(target);
        std::fs::create_dir_all(&parent).map_err(|e| Error::io(&parent, e))?;
        let tmp = unique(target, "staging")?;
        std::fs::create_dir(&tmp).map_err(|e| Error::io(&tmp, e))?;
        Ok(Staged {
            target: target.to_path_buf(),
            tmp,
            committed: false,
        })
    }

    /// Starts rewriting the existing folder `target` (for `plot`): the staging folder starts as a
    /// copy of it.
    pub fn begin_from(target: &Path) -> Result<Staged> {
        let s = Staged::begin(target)?;
        copy_tree(target, &s.tmp)?;
        Ok(s)
    }

    /// Where to write.
    pub fn path(&self) -> &Path {
        &self.tmp
    }

    /// The folder it will replace.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Puts the staging folder in place of the target, then removes the earlier folder and
    /// whatever earlier interrupted or killed runs left beside it.
    pub fn commit(mut self) -> Result<()> {
        let old = if self.target.exists() {
            let old = unique(&self.target, "old")?;
            std::fs::rename(&self.target, &old).map_err(|e| Error::io(&self.target, e))?;
            Some(old)
        } else {
            None
        };
        std::fs::rename(&self.tmp, &self.target).map_err(|e| Error::io(&self.target, e))?;
        self.committed = true;
        if let Some(old) = old {
            std::fs::remove_dir_all(&old).map_err(|e| Error::io(&old, e))?;
        }
        self.remove_leftovers();
        Ok(())
    }

    /// Removes staging and retired folders of the same target left by runs that were killed.
    fn remove_leftovers(&self) {
        let Some(name) = self
            .target
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
        else {
            return;
        };
        let Ok(entries) = std::fs::read_dir(parent_of(&self.target)) else {
            return;
        };
        for e in entries.flatten() {
            let n = e.file_name().to_string_lossy().to_string();
            let ours = [".staging-", ".old-"]
                .iter()
                .any(|k| n.starts_with(&format!(".{name}{k}")));
            if ours && e.path().is_dir() {
                let _ = std::fs::remove_dir_all(e.path());
            }
        }
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.tmp);
        }
    }
}
