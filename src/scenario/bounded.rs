//! Reading a scenario file with a size bound, whatever the file claims.

/// Largest scenario file leaksim reads (a scenario is a few kilobytes).
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;
use std::path::Path;

/// Reads a scenario file: a regular file (not a device, pipe or folder) of at most
/// [`MAX_FILE_BYTES`], read with that bound whatever the file claims.
pub fn read_bounded(path: &Path) -> std::result::Result<String, String> {
    use std::io::Read;
    let meta = std::fs::metadata(path).map_err(|e| e.to_string())?;
    if !meta.is_file() {
        return Err(
            "not a regular file (a scenario must be a file, not a device, pipe or folder)".into(),
        );
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(format!(
            "{} bytes, more than the {MAX_FILE_BYTES} a scenario file may have",
            meta.len()
        ));
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes))
        .map_err(|e| e.to_string())?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(format!(
            "more than the {MAX_FILE_BYTES} bytes a scenario file may have"
        ));
    }
    String::from_utf8(bytes).map_err(|_| "not UTF-8 text".to_string())
}
