//! The bytes of a spool's files: their headers, the fixed-size path record, the per-block
//! checksums and how a value or record is encoded and decoded (see [`super::spool`]).

use super::engine::{LeakPath, PathRow};
use super::metrics;
use super::row::RepRow;
use crate::error::{Error, Result};
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

pub(super) const ROWS_MAGIC: &[u8; 8] = b"LKSROWS2";
pub(super) const PATHS_MAGIC: &[u8; 8] = b"LKSPATH2";
/// Magics of the format before checksums, refused with their own message.
pub(super) const OLD_MAGICS: [&[u8; 8]; 2] = [b"LKSROWS1", b"LKSPATH1"];
/// Bytes of one path record: replication, records, actor, route, class, recipient, store.
pub(super) const PATH_RECORD: usize = 24;
pub(super) const NONE8: u8 = u8::MAX;
pub(super) const NONE32: u32 = u32::MAX;

pub(super) fn io(path: &Path) -> impl Fn(std::io::Error) -> Error + '_ {
    move |e| Error::io(path, e)
}

pub(super) fn corrupt(path: &Path, what: &str) -> Error {
    Error::damaged(path, format!("not a complete leaksim spool file ({what})"))
}

/// Checks the 8-byte magic of a spool file.
pub(super) fn check_magic(path: &Path, magic: &[u8], want: &[u8; 8]) -> Result<()> {
    if magic == want {
        Ok(())
    } else if OLD_MAGICS.iter().any(|m| magic == *m) {
        Err(Error::damaged(
            path,
            "a spool file of an older leaksim (without block checksums): run it again with this version",
        ))
    } else {
        Err(corrupt(path, "wrong header"))
    }
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

/// FNV-1a over 64-bit little-endian words: a change confined to one word always changes it.
#[derive(Clone, Copy)]
pub(super) struct Sum(pub(super) u64);

impl Sum {
    pub(super) fn new() -> Sum {
        Sum(FNV_OFFSET)
    }
    pub(super) fn word(mut self, w: u64) -> Sum {
        self.0 = (self.0 ^ w).wrapping_mul(FNV_PRIME);
        self
    }
    /// Adds `bytes` (a whole number of words).
    pub(super) fn bytes(self, bytes: &[u8]) -> Sum {
        bytes.chunks_exact(8).fold(self, |s, b| {
            s.word(u64::from_le_bytes(b.try_into().expect("8 bytes")))
        })
    }
}

/// The checksum of column `c` of a rows block: its header, then the column's values.
pub(super) fn column_sum(first: u64, len: u64, values: &[u8]) -> u64 {
    Sum::new().word(first).word(len).bytes(values).0
}

/// The error of a block whose checksum does not match.
pub(super) fn bad_block(path: &Path, k: usize, first: u64, len: u64, what: &str) -> Error {
    Error::damaged(
        path,
        format!(
            "block {k} (replications {first}..{}): checksum {what} does not match its values",
            first + len
        ),
    )
}

pub(super) fn le_f64(b: &[u8]) -> f64 {
    f64::from_le_bytes(b.try_into().expect("8 bytes"))
}

pub(super) fn le_u64(b: &[u8]) -> u64 {
    u64::from_le_bytes(b.try_into().expect("8 bytes"))
}

/// Checks the header of a paths file and that it holds exactly `blocks` chunks
/// (count, records, checksum), without reading the records.
pub(super) fn check_chunks(paths: &Path, blocks: usize) -> Result<()> {
    let mut f = File::open(paths).map_err(io(paths))?;
    let size = f.metadata().map_err(io(paths))?.len();
    let mut word = [0u8; 8];
    f.read_exact(&mut word)
        .map_err(|_| corrupt(paths, "no header"))?;
    check_magic(paths, &word, PATHS_MAGIC)?;
    let mut at = 8u64;
    for _ in 0..blocks {
        f.seek(SeekFrom::Start(at)).map_err(io(paths))?;
        f.read_exact(&mut word)
            .map_err(|_| corrupt(paths, "cut inside a chunk header"))?;
        let end = u64::from_le_bytes(word)
            .checked_mul(PATH_RECORD as u64)
            .and_then(|b| b.checked_add(at + 16));
        at = end
            .filter(|&e| e <= size)
            .ok_or_else(|| corrupt(paths, "cut inside a chunk of records"))?;
    }
    if at != size {
        return Err(corrupt(paths, "more chunks than rows blocks"));
    }
    Ok(())
}

/// Column `c` of a replication's row: metrics, then window values, then parameters, then reach.
#[inline]
pub(super) fn value(r: &RepRow, c: usize) -> f64 {
    let m = metrics::idx::COUNT;
    let w = m + r.windows.len();
    if c < m {
        r.metrics[c]
    } else if c < w {
        r.windows[c - m]
    } else if c < w + r.params.len() {
        r.params[c - w]
    } else {
        r.reach[c - w - r.params.len()]
    }
}

pub(super) fn encode_path(rep: u64, p: &PathRow) -> [u8; PATH_RECORD] {
    let mut b = [0u8; PATH_RECORD];
    b[..8].copy_from_slice(&rep.to_le_bytes());
    b[8..16].copy_from_slice(&p.records.to_le_bytes());
    b[16..20].copy_from_slice(&p.actor.unwrap_or(NONE32).to_le_bytes());
    b[20] = p.route as u8;
    b[21] = p.class as u8;
    b[22] = p.recipient as u8;
    b[23] = p.store.map(|s| s as u8).unwrap_or(NONE8);
    b
}

pub(super) fn decode_path(b: &[u8; PATH_RECORD]) -> Option<(u64, PathRow)> {
    let rep = u64::from_le_bytes(b[..8].try_into().ok()?);
    let records = le_f64(&b[8..16]);
    let actor = u32::from_le_bytes(b[16..20].try_into().ok()?);
    Some((
        rep,
        PathRow {
            route: *LeakPath::ALL.get(b[20] as usize)?,
            class: u32::from(b[21]),
            recipient: u32::from(b[22]),
            actor: (actor != NONE32).then_some(actor),
            store: (b[23] != NONE8).then_some(u32::from(b[23])),
            records,
        },
    ))
}
