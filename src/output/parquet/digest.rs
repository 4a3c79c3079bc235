//! The checksum of a Parquet row file's values, written in its key-value metadata and checked on
//! every read, so that damage inside a page that still decodes (a changed value byte) is refused.
//!
//! Each column has a SHA-256 over its values in a canonical byte form, row after row: for an
//! optional column a byte 0 (null) or 1 (a value) first, then the value as little-endian bytes
//! (`INT64` 8 bytes, `DOUBLE` its 8 bytes of bits, text its length as 8 bytes then its bytes).
//! The file's SHA-256 covers the row count and each column's name and SHA-256, in order; a
//! reader checks it against the footer before any row, and each column once decoded. Keys:
//! `leaksim.rows` (the row count), `leaksim.sha256` (the file's) and `leaksim.sha256.columns`
//! (the columns', comma-separated), all in lowercase hexadecimal.

use crate::error::{Error, Result};
use parquet::data_type::ByteArray;
use parquet::file::metadata::{KeyValue, ParquetMetaData};
use sha2::{Digest, Sha256};
use std::path::Path;

const ROWS: &str = "leaksim.rows";
const FILE: &str = "leaksim.sha256";
const COLUMNS: &str = "leaksim.sha256.columns";

/// The running SHA-256 of each column of a file, and its rows.
pub(super) struct Digests {
    rows: u64,
    columns: Vec<Sha256>,
}

impl Digests {
    /// Digests of `columns` columns, no rows yet.
    pub(super) fn new(columns: usize) -> Self {
        Digests {
            rows: 0,
            columns: (0..columns).map(|_| Sha256::new()).collect(),
        }
    }

    /// Counts `n` more rows.
    pub(super) fn add_rows(&mut self, n: usize) {
        self.rows += n as u64;
    }

    /// Adds values of column `c` with their definition levels (`defs` empty: a required column).
    pub(super) fn add<T: Canonical>(&mut self, c: usize, vals: &[T], defs: &[i16]) {
        let mut buf = Vec::with_capacity(9 * defs.len().max(vals.len()));
        let mut it = vals.iter();
        if defs.is_empty() {
            it.for_each(|v| v.put(&mut buf));
        } else {
            for &d in defs {
                if d <= 0 {
                    buf.push(0);
                    continue;
                }
                match it.next() {
                    Some(v) => {
                        buf.push(1);
                        v.put(&mut buf);
                    }
                    // More values said than held: a byte no written file has.
                    None => buf.push(2),
                }
            }
        }
        self.columns[c].update(&buf);
    }

    fn hexes(&self) -> Vec<String> {
        self.columns
            .iter()
            .map(|h| hex(&h.clone().finalize()))
            .collect()
    }

    /// The key-value metadata recording these digests for columns `names`.
    pub(super) fn metadata(&self, names: &[String]) -> Vec<KeyValue> {
        let cols = self.hexes();
        vec![
            KeyValue::new(ROWS.to_string(), self.rows.to_string()),
            KeyValue::new(FILE.to_string(), file_digest(self.rows, names, &cols)),
            KeyValue::new(COLUMNS.to_string(), cols.join(",")),
        ]
    }

    /// Checks column `c`'s digest against `expected` (read from the file), after its last row.
    pub(super) fn check(&self, path: &Path, expected: &Expected, c: usize) -> Result<()> {
        if hex(&self.columns[c].clone().finalize()) == expected.columns[c] {
            return Ok(());
        }
        Err(mismatch(path))
    }
}

fn mismatch(path: &Path) -> Error {
    Error::damaged(path, "its rows do not match the checksum written with them")
}

/// A value's canonical bytes.
pub(super) trait Canonical {
    /// Appends the value's little-endian bytes (text: its length first) to `buf`.
    fn put(&self, buf: &mut Vec<u8>);
}

impl Canonical for i64 {
    fn put(&self, buf: &mut Vec<u8>) {
        buf.extend_from_slice(&self.to_le_bytes());
    }
}

impl Canonical for f64 {
    fn put(&self, buf: &mut Vec<u8>) {
        buf.extend_from_slice(&self.to_bits().to_le_bytes());
    }
}

impl Canonical for ByteArray {
    fn put(&self, buf: &mut Vec<u8>) {
        buf.extend_from_slice(&(self.len() as u64).to_le_bytes());
        buf.extend_from_slice(self.data());
    }
}

/// Each column's SHA-256 as a file records it, in hexadecimal.
pub(super) struct Expected {
    columns: Vec<String>,
}

/// The digests `path` records, checked against its own row count, column names and file digest;
/// a file without them is refused.
pub(super) fn expected(path: &Path, meta: &ParquetMetaData) -> Result<Expected> {
    let fm = meta.file_metadata();
    let get = |k: &str| {
        fm.key_value_metadata()
            .and_then(|kv| kv.iter().find(|e| e.key == k))
            .and_then(|e| e.value.clone())
    };
    let (Some(rows), Some(file), Some(cols)) = (get(ROWS), get(FILE), get(COLUMNS)) else {
        return Err(Error::damaged(
            path,
            "no checksum of its rows (not a file this leaksim wrote)",
        ));
    };
    let names: Vec<String> = fm
        .schema_descr()
        .columns()
        .iter()
        .map(|c| c.name().to_string())
        .collect();
    let columns: Vec<String> = cols.split(',').map(str::to_string).collect();
    let held: i64 = meta.row_groups().iter().map(|g| g.num_rows()).sum();
    let rows: u64 = rows.parse().map_err(|_| mismatch(path))?;
    if columns.len() != names.len()
        || u64::try_from(held).ok() != Some(rows)
        || file_digest(rows, &names, &columns) != file
    {
        return Err(mismatch(path));
    }
    Ok(Expected { columns })
}

/// The file's SHA-256: its row count, then each column's name (length first) and SHA-256.
fn file_digest(rows: u64, names: &[String], columns: &[String]) -> String {
    let mut h = Sha256::new();
    h.update(b"leaksim parquet rows 1\n");
    h.update(rows.to_le_bytes());
    for (n, c) in names.iter().zip(columns) {
        h.update((n.len() as u64).to_le_bytes());
        h.update(n.as_bytes());
        h.update((c.len() as u64).to_le_bytes());
        h.update(c.as_bytes());
    }
    hex(&h.finalize())
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_column_digest_is_the_sha256_of_its_canonical_bytes() {
        let mut d = Digests::new(3);
        d.add(0, &[7i64, -1], &[]);
        d.add(1, &[0.5f64], &[0, 1]);
        d.add(2, &[ByteArray::from("ab")], &[1]);
        let mut b = [7i64.to_le_bytes(), (-1i64).to_le_bytes()].concat();
        let one = Sha256::digest(&b);
        b = [&[0u8, 1][..], &0.5f64.to_bits().to_le_bytes()].concat();
        let two = Sha256::digest(&b);
        b = [&[1u8][..], &2u64.to_le_bytes(), b"ab"].concat();
        let three = Sha256::digest(&b);
        assert_eq!(d.hexes(), vec![hex(&one), hex(&two), hex(&three)]);
        // Split into two row groups, the same values give the same digests.
        let mut e = Digests::new(3);
        e.add(0, &[7i64], &[]);
        e.add(0, &[-1i64], &[]);
        e.add::<f64>(1, &[], &[0]);
        e.add(1, &[0.5f64], &[1]);
        e.add(2, &[ByteArray::from("ab")], &[1]);
        assert_eq!(e.hexes(), d.hexes());
    }
}
