//! Result folders written whole or not at all, one writer at a time.
//!
//! A command writes into a staging folder beside its target (`.NAME.staging-PID-NANOS`, PID being
//! the writer's process id) and, once every file is there, swaps it into place:
//!
//! - **One writer per folder.** [`Staged::begin`] first takes an advisory lock (`flock`) on a lock
//!   file beside the target (`.NAME.lock`). A second process writing the same folder *waits* for
//!   the first to finish (saying so once on stderr), then writes its own folder whole; Ctrl-C
//!   while waiting exits 130. The lock file is removed by its last holder.
//! - **An atomic swap.** On Linux the staging folder and the target are exchanged in one
//!   `renameat2(RENAME_EXCHANGE)`; the earlier folder, now under the staging name, is then
//!   removed. Where the exchange is not available (other systems, some file systems) the swap is
//!   two renames (target aside, staging in place): a kill between them leaves the earlier folder
//!   under `.NAME.old-PID-NANOS` and no target.
//! - **Leftovers of dead writers only.** Under the lock, the staging and retired folders of the
//!   same target whose writer is no longer running (its PID is gone from `/proc`) are removed;
//!   a live writer's folder is never touched.
//!
//! `LEAKSIM_TEST_ABORT_AT=STEP` (for tests only) aborts the process at one step of the swap:
//! `locked`, `staged`, `before-swap`, `swapped`, `committed`.

use crate::error::{Error, Result};
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

static CANCEL: OnceLock<Arc<AtomicBool>> = OnceLock::new();

/// Makes a wait for another writer's lock stop with [`Error::Interrupted`] once `flag` is set
/// (the Ctrl-C flag).
pub fn watch_cancel(flag: Arc<AtomicBool>) {
    let _ = CANCEL.set(flag);
}

fn cancelled() -> bool {
    CANCEL.get().is_some_and(|f| f.load(Ordering::SeqCst))
}

/// Aborts the process at `step` when `LEAKSIM_TEST_ABORT_AT` names it (for the kill tests).
pub fn crash_point(step: &str) {
    if std::env::var_os("LEAKSIM_TEST_ABORT_AT").is_some_and(|v| v == step) {
        std::process::abort();
    }
}

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

/// The exclusive lock on a target folder: `.NAME.lock` beside it, locked with `flock`, removed
/// (while still locked) when dropped.
struct Lock {
    path: PathBuf,
    _file: Option<File>,
}

impl Lock {
    /// Takes the lock on `target`, waiting while another process holds it.
    fn acquire(target: &Path) -> Result<Lock> {
        use rustix::fs::{flock, FlockOperation};
        let path = parent_of(target).join(format!(".{}.lock", folder_name(target)?));
        let mut told = false;
        loop {
            let file = std::fs::OpenOptions::new()
                .create(true)
                .truncate(false)
                .write(true)
                .open(&path)
                .map_err(|e| Error::io(&path, e))?;
            loop {
                match flock(&file, FlockOperation::NonBlockingLockExclusive) {
                    Ok(()) => break,
                    Err(rustix::io::Errno::WOULDBLOCK) | Err(rustix::io::Errno::INTR) => {
                        if cancelled() {
                            return Err(Error::Interrupted);
                        }
                        if !told {
                            eprintln!(
                                "waiting: another leaksim process is writing {}",
                                target.display()
                            );
                            told = true;
                        }
                        std::thread::sleep(std::time::Duration::from_millis(50));
                    }
                    // A file system without locks: write unlocked, as before locks existed.
                    Err(rustix::io::Errno::NOLCK) | Err(rustix::io::Errno::OPNOTSUPP) => {
                        return Ok(Lock { path, _file: None })
                    }
                    Err(e) => return Err(Error::io(&path, e.into())),
                }
            }
            // The previous holder may have removed the file between our open and our lock: the
            // lock counts only if the name still leads to the file locked.
            let held = rustix::fs::fstat(&file).map_err(|e| Error::io(&path, e.into()))?;
            match rustix::fs::stat(&path) {
                Ok(now) if now.st_ino == held.st_ino && now.st_dev == held.st_dev => {
                    crash_point("locked");
                    return Ok(Lock {
                        path,
                        _file: Some(file),
                    });
                }
                _ => continue,
            }
        }
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        if self._file.is_some() {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// A folder being written; [`Staged::commit`] puts it in place of its target. Dropped without a
/// commit (an error, Ctrl-C), it is removed and the target is left untouched.
pub struct Staged {
    target: PathBuf,
    tmp: PathBuf,
    committed: bool,
    // Dropped after the staging folder is removed (fields drop after `Drop::drop`).
    _lock: Lock,
}

fn folder_name(target: &Path) -> Result<String> {
    target
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .ok_or_else(|| Error::Usage(format!("{}: not a folder name", target.display())))
}

/// A name unique to this process and moment, for staging and retired folders.
fn unique(target: &Path, kind: &str) -> Result<PathBuf> {
    let name = folder_name(target)?;
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

/// Exchanges the folders `a` and `b` in one step; `Ok(false)` where the system cannot.
#[cfg(any(target_os = "linux", target_os = "android"))]
fn exchange(a: &Path, b: &Path) -> Result<bool> {
    use rustix::fs::{renameat_with, RenameFlags, CWD};
    match renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE) {
        Ok(()) => Ok(true),
        Err(rustix::io::Errno::INVAL)
        | Err(rustix::io::Errno::NOSYS)
        | Err(rustix::io::Errno::OPNOTSUPP) => Ok(false),
        Err(e) => Err(Error::io(b, e.into())),
    }
}

#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn exchange(_: &Path, _: &Path) -> Result<bool> {
    Ok(false)
}

/// The process id in a staging or retired folder's name (`.NAME.KIND-PID-NANOS`) of `target`.
fn writer_of(name: &str, target_name: &str) -> Option<u32> {
    let rest = name.strip_prefix(&format!(".{target_name}."))?;
    let rest = rest
        .strip_prefix("staging-")
        .or_else(|| rest.strip_prefix("old-"))?;
    rest.split('-').next()?.parse().ok()
}

/// Whether process `pid` may still be writing (unknown counts as running where `/proc` is absent,
/// except this process, whose only live staging folder is the caller's).
fn running(pid: u32) -> bool {
    if pid == std::process::id() {
        return false;
    }
    !Path::new("/proc/self").exists() || Path::new(&format!("/proc/{pid}")).exists()
}

impl Staged {
    /// Starts writing the folder `target` afresh, in an empty staging folder beside it, once no
    /// other process writes it (see the module's notes).
    pub fn begin(target: &Path) -> Result<Staged> {
        let parent = parent_of(target);
        std::fs::create_dir_all(&parent).map_err(|e| Error::io(&parent, e))?;
        let lock = Lock::acquire(target)?;
        let tmp = unique(target, "staging")?;
        std::fs::create_dir(&tmp).map_err(|e| Error::io(&tmp, e))?;
        crash_point("staged");
        Ok(Staged {
            target: target.to_path_buf(),
            tmp,
            committed: false,
            _lock: lock,
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

    /// Puts the staging folder in place of the target (an atomic exchange where the system has
    /// one), then removes the earlier folder and what dead writers left beside it.
    pub fn commit(mut self) -> Result<()> {
        // Ctrl-C while the files were written: the earlier folder stays, the staging one goes.
        if cancelled() {
            return Err(Error::Interrupted);
        }
        crash_point("before-swap");
        let exists = std::fs::symlink_metadata(&self.target).is_ok();
        let old = if !exists {
            std::fs::rename(&self.tmp, &self.target).map_err(|e| Error::io(&self.target, e))?;
            None
        } else if exchange(&self.tmp, &self.target)? {
            // The earlier folder now has the staging folder's name.
            Some(self.tmp.clone())
        } else {
            let old = unique(&self.target, "old")?;
            std::fs::rename(&self.target, &old).map_err(|e| Error::io(&self.target, e))?;
            std::fs::rename(&self.tmp, &self.target).map_err(|e| Error::io(&self.target, e))?;
            Some(old)
        };
        self.committed = true;
        crash_point("swapped");
        if let Some(old) = old {
            std::fs::remove_dir_all(&old).map_err(|e| Error::io(&old, e))?;
        }
        crash_point("committed");
        self.remove_leftovers();
        Ok(())
    }

    /// Removes staging and retired folders of the same target whose writers are gone.
    fn remove_leftovers(&self) {
        let Ok(name) = folder_name(&self.target) else {
            return;
        };
        let Ok(entries) = std::fs::read_dir(parent_of(&self.target)) else {
            return;
        };
        for e in entries.flatten() {
            let n = e.file_name().to_string_lossy().to_string();
            let dead = writer_of(&n, &name).is_some_and(|pid| !running(pid));
            if dead && e.path() != self.tmp && e.path().is_dir() {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writer_is_read_from_staging_and_retired_names_of_the_target_only() {
        assert_eq!(writer_of(".res.staging-42-7", "res"), Some(42));
        assert_eq!(writer_of(".res.old-42-7", "res"), Some(42));
        assert_eq!(writer_of(".res2.staging-42-7", "res"), None);
        assert_eq!(writer_of(".res.lock", "res"), None);
        assert_eq!(writer_of("res", "res"), None);
    }

    #[test]
    fn a_second_writer_of_a_folder_waits_for_the_first() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out");
        let first = Staged::begin(&target).unwrap();
        std::fs::write(first.path().join("a"), "1").unwrap();
        let t = target.clone();
        let second = std::thread::spawn(move || {
            let s = Staged::begin(&t).unwrap();
            std::fs::write(s.path().join("b"), "2").unwrap();
            s.commit().unwrap();
        });
        std::thread::sleep(std::time::Duration::from_millis(200));
        assert!(!target.exists(), "the second writer has not written yet");
        first.commit().unwrap();
        second.join().unwrap();
        assert!(target.join("b").exists() && !target.join("a").exists());
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().flatten().collect();
        assert_eq!(left.len(), 1, "no lock, staging or retired folder is left");
    }
}
