//! Files read back from a results or shard folder, read with bounds: only regular files (a FIFO
//! or a device such as `/dev/zero` is refused before it is opened for reading), never more bytes
//! than the caller expects, and SHA-256 checksums streamed in constant memory. Errors are
//! [`Error::Damaged`] naming the file.

use crate::error::{Error, Result};
use sha2::{Digest, Sha256};
use std::io::Read;
use std::path::Path;

/// The size of the regular file `path`, refusing anything else.
pub fn regular_size(path: &Path) -> Result<u64> {
    let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
    if !meta.is_file() {
        return Err(Error::damaged(
            path,
            "not a regular file (a pipe, a device or a folder)",
        ));
    }
    Ok(meta.len())
}

/// The bytes of the regular file `path`, refused when it holds more than `most`.
pub fn read_at_most(path: &Path, most: u64) -> Result<Vec<u8>> {
    let size = regular_size(path)?;
    if size > most {
        return Err(Error::damaged(
            path,
            format!("{size} bytes, more than the {most} it can have"),
        ));
    }
    let mut bytes = Vec::with_capacity(size as usize);
    std::fs::File::open(path)
        .and_then(|f| f.take(most + 1).read_to_end(&mut bytes))
        .map_err(|e| Error::io(path, e))?;
    if bytes.len() as u64 > most {
        return Err(Error::damaged(path, format!("more than {most} bytes")));
    }
    Ok(bytes)
}

/// The SHA-256 of the regular file `path`, in lowercase hexadecimal.
pub fn sha256_file(path: &Path) -> Result<String> {
    regular_size(path)?;
    let mut f = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = f.read(&mut buf).map_err(|e| Error::io(path, e))?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(hex(&h.finalize()))
}

thread_local! {
    static GUARDED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `read` (a third-party decoder reading `path`), turning a panic inside it into
/// [`Error::Damaged`] naming `path`; the panic's message is not printed.
pub fn guarded<T>(path: &Path, read: impl FnOnce() -> Result<T>) -> Result<T> {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let earlier = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !GUARDED.with(|g| g.get()) {
                earlier(info);
            }
        }));
    });
    let was = GUARDED.with(|g| g.replace(true));
    let out = std::panic::catch_unwind(std::panic::AssertUnwindSafe(read));
    GUARDED.with(|g| g.set(was));
    out.unwrap_or_else(|p| {
        let why = p
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| p.downcast_ref::<&str>().copied())
            .unwrap_or("the decoder failed");
        Err(Error::damaged(path, format!("not a readable file ({why})")))
    })
}

/// The SHA-256 of `bytes`, in lowercase hexadecimal.
pub fn sha256(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn devices_and_oversized_files_are_refused() {
        if Path::new("/dev/zero").exists() {
            let e = read_at_most(Path::new("/dev/zero"), 10).unwrap_err();
            assert_eq!(e.exit_code(), 2, "{e}");
        }
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f");
        std::fs::write(&p, b"hello").unwrap();
        assert!(read_at_most(&p, 4).is_err());
        assert_eq!(read_at_most(&p, 5).unwrap(), b"hello");
        assert_eq!(sha256_file(&p).unwrap(), sha256(b"hello"));
        let e = guarded(&p, || -> Result<()> { panic!("boom") }).unwrap_err();
        assert!(e.to_string().contains("boom") && e.exit_code() == 2, "{e}");
    }
}
