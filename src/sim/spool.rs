//! Replication results on disk, written as they are produced and read back one column at a time,
//! so that memory stays bounded whatever the number of replications.
//!
//! A spool is a folder holding two files. `rows.bin` keeps every replication's values (metrics,
//! then uncertain parameters, then reach: see [`RepRow`]) in blocks of consecutive replications,
//! column by column inside a block. `paths.bin` keeps one fixed-size record per path row. Values are
//! stored exactly (little-endian `f64`). A shard folder keeps these files, and a merge reads the
//! shards' files, in replication order, as one spool.
//!
//! Every block carries checksums, checked as it is read back: after a rows block, one per column
//! (of the block's header and that column's values); after each chunk of path records (the paths
//! of one rows block), one of the chunk. A damaged block is refused naming the file and the block.

use super::engine::PathRow;
use super::metrics;
use super::row::RepRow;
use super::spool_format::*;
use crate::error::{Error, Result};
use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// The rows file of a spool folder.
pub const ROWS_FILE: &str = "rows.bin";
/// The paths file of a spool folder.
pub const PATHS_FILE: &str = "paths.bin";

/// Where a block of consecutive replications sits in a rows file.
#[derive(Clone, Copy, Debug)]
struct Block {
    /// Its first replication.
    first: u64,
    /// Byte offset of its first value.
    offset: u64,
    /// Replications in the block.
    len: u64,
}

/// One pair of spool files: a whole spool, or one shard of a merged one.
#[derive(Debug)]
struct Part {
    rows: PathBuf,
    paths: PathBuf,
    blocks: Vec<Block>,
    first: u64,
    len: u64,
}

struct Writer {
    rows: BufWriter<File>,
    paths: BufWriter<File>,
    offset: u64,
}

/// A folder removed when its owner is dropped, with the folders made to hold it (deepest first)
/// when they are then empty: a run that fails leaves no output folder behind.
struct Owned(PathBuf, Vec<PathBuf>);

impl Drop for Owned {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
        for d in &self.1 {
            if std::fs::remove_dir(d).is_err() {
                break;
            }
        }
    }
}

/// Creates `dir` and its missing parents; returns the folders made, deepest first.
fn make_dirs(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut made = Vec::new();
    let mut d = Some(dir);
    while let Some(x) = d.filter(|x| !x.as_os_str().is_empty() && !x.exists()) {
        made.push(x.to_path_buf());
        d = x.parent();
    }
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    Ok(made)
}

/// The replication results of one run, on disk.
pub struct Spool {
    width: usize,
    /// Values of the named measurement windows (`[question] also`), after the metrics.
    windows: usize,
    params: usize,
    parts: Vec<Part>,
    writer: Option<Writer>,
    len: u64,
    _owned: Option<Owned>,
}

impl std::fmt::Debug for Spool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Spool({} replications)", self.len)
    }
}

/// A prefix of the temporary spool folders: `.leaksim-spool-<pid>-<nanos>`.
const TEMP_PREFIX: &str = ".leaksim-spool-";

/// Removes the temporary spool folders in `dir` that processes no longer running left behind.
pub fn remove_abandoned(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().to_string();
        let Some(pid) = name
            .strip_prefix(TEMP_PREFIX)
            .and_then(|r| r.split('-').next())
            .and_then(|p| p.parse::<u32>().ok())
        else {
            continue;
        };
        let alive = pid == std::process::id() || Path::new(&format!("/proc/{pid}")).exists();
        if !alive && Path::new("/proc/self").exists() {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

impl Spool {
    /// A new spool for rows of `windows` window values, `params` uncertain parameters and `reach`
    /// reach values, in a fresh temporary folder under `dir` (removed when the spool is dropped).
    pub fn create_temp(dir: &Path, windows: usize, params: usize, reach: usize) -> Result<Spool> {
        let made = make_dirs(dir)?;
        remove_abandoned(dir);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let mut k = 0u32;
        let folder = loop {
            let f = dir.join(format!("{TEMP_PREFIX}{}-{nanos}-{k}", std::process::id()));
            match std::fs::create_dir(&f) {
                Ok(()) => break f,
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && k < 1000 => k += 1,
                Err(e) => return Err(Error::io(&f, e)),
            }
        };
        let owned = Owned(folder.clone(), made);
        let mut s = Spool::create(&folder, windows, params, reach)?;
        s._owned = Some(owned);
        Ok(s)
    }

    /// A new spool writing `rows.bin` and `paths.bin` into the existing folder `dir`.
    pub fn create(dir: &Path, windows: usize, params: usize, reach: usize) -> Result<Spool> {
        Spool::create_from(dir, windows, params, reach, 0)
    }

    /// A new spool in `dir` whose first replication is `first` (a shard's).
    pub fn create_from(
        dir: &Path,
        windows: usize,
        params: usize,
        reach: usize,
        first: u64,
    ) -> Result<Spool> {
        let width = metrics::idx::COUNT + windows + params + reach;
        let (rows, paths) = (dir.join(ROWS_FILE), dir.join(PATHS_FILE));
        let open = |p: &Path, magic: &[u8; 8]| -> Result<BufWriter<File>> {
            let mut w = BufWriter::with_capacity(1 << 20, File::create(p).map_err(io(p))?);
            w.write_all(magic).map_err(io(p))?;
            Ok(w)
        };
        let mut rw = open(&rows, ROWS_MAGIC)?;
        rw.write_all(&(width as u64).to_le_bytes())
            .map_err(io(&rows))?;
        let pw = open(&paths, PATHS_MAGIC)?;
        Ok(Spool {
            width,
            windows,
            params,
            parts: vec![Part {
                rows,
                paths,
                blocks: Vec::new(),
                first,
                len: 0,
            }],
            writer: Some(Writer {
                rows: rw,
                paths: pw,
                offset: 16,
            }),
            len: 0,
            _owned: None,
        })
    }

    /// Replications held.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// Whether no replication is held.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Values per replication: metrics, parameters, reach.
    pub fn width(&self) -> usize {
        self.width
    }

    /// Uncertain parameters per replication.
    pub fn params(&self) -> usize {
        self.params
    }

    /// Reach values per replication.
    pub fn reach_len(&self) -> usize {
        self.width - metrics::idx::COUNT - self.windows - self.params
    }

    /// Window values per replication (two per named window: reached, records).
    pub fn windows(&self) -> usize {
        self.windows
    }

    /// The files of a spool made by [`Spool::create`] (the first part's).
    pub fn files(&self) -> (&Path, &Path) {
        (&self.parts[0].rows, &self.parts[0].paths)
    }

    /// Appends the rows of the next replications (the first of them numbered `first() + len()`).
    pub fn append(&mut self, rows: &[RepRow]) -> Result<()> {
        let width = self.width;
        let part = self.parts.last_mut().expect("a spool has a part");
        let first = part.first + part.len;
        let w = self
            .writer
            .as_mut()
            .ok_or_else(|| Error::Failed("a merged spool cannot grow".into()))?;
        let rp = &part.rows;
        let len = rows.len() as u64;
        let mut buf = Vec::with_capacity(16 + rows.len() * 8);
        buf.extend_from_slice(&first.to_le_bytes());
        buf.extend_from_slice(&len.to_le_bytes());
        w.rows.write_all(&buf).map_err(io(rp))?;
        let mut sums = Vec::with_capacity(width * 8);
        for c in 0..width {
            buf.clear();
            buf.extend(rows.iter().flat_map(|r| value(r, c).to_le_bytes()));
            sums.extend_from_slice(&column_sum(first, len, &buf).to_le_bytes());
            w.rows.write_all(&buf).map_err(io(rp))?;
        }
        w.rows.write_all(&sums).map_err(io(rp))?;
        part.blocks.push(Block {
            first,
            offset: w.offset + 16,
            len,
        });
        w.offset += 16 + (width * rows.len() * 8) as u64 + sums.len() as u64;
        let pp = &part.paths;
        let count: usize = rows.iter().map(|r| r.paths.len()).sum();
        let mut sum = Sum::new().word(count as u64);
        w.paths
            .write_all(&(count as u64).to_le_bytes())
            .map_err(io(pp))?;
        for (i, r) in rows.iter().enumerate() {
            for p in &r.paths {
                let rec = encode_path(first + i as u64, p);
                sum = sum.bytes(&rec);
                w.paths.write_all(&rec).map_err(io(pp))?;
            }
        }
        w.paths.write_all(&sum.0.to_le_bytes()).map_err(io(pp))?;
        w.rows.flush().map_err(io(rp))?;
        w.paths.flush().map_err(io(pp))?;
        part.len += rows.len() as u64;
        self.len += rows.len() as u64;
        Ok(())
    }

    /// Opens the spool files in `dir` (a shard folder) for reading.
    pub fn open(dir: &Path) -> Result<Spool> {
        let (rows, paths) = (dir.join(ROWS_FILE), dir.join(PATHS_FILE));
        for p in [&rows, &paths] {
            if !std::fs::metadata(p).map_err(io(p))?.is_file() {
                return Err(corrupt(p, "not a regular file"));
            }
        }
        let mut f = File::open(&rows).map_err(io(&rows))?;
        let size = f.metadata().map_err(io(&rows))?.len();
        let mut head = [0u8; 16];
        f.read_exact(&mut head)
            .map_err(|_| corrupt(&rows, "no header"))?;
        check_magic(&rows, &head[..8], ROWS_MAGIC)?;
        let width = u64::from_le_bytes(head[8..].try_into().expect("8 bytes")) as usize;
        if !(metrics::idx::COUNT..=1 << 20).contains(&width) {
            return Err(corrupt(&rows, "bad width"));
        }
        let mut blocks = Vec::new();
        let (mut at, mut first, mut next) = (16u64, None, 0u64);
        while at < size {
            f.seek(SeekFrom::Start(at)).map_err(io(&rows))?;
            f.read_exact(&mut head)
                .map_err(|_| corrupt(&rows, "cut inside a block header"))?;
            let start = u64::from_le_bytes(head[..8].try_into().expect("8 bytes"));
            let len = u64::from_le_bytes(head[8..].try_into().expect("8 bytes"));
            if first.is_some() && start != next {
                return Err(corrupt(&rows, "blocks out of order"));
            }
            first.get_or_insert(start);
            let bytes = len
                .checked_mul(width as u64 * 8)
                .and_then(|b| b.checked_add(width as u64 * 8))
                .ok_or_else(|| corrupt(&rows, "bad block length"))?;
            let end = at.checked_add(16).and_then(|a| a.checked_add(bytes));
            if end.is_none_or(|end| end > size) {
                return Err(corrupt(&rows, "cut inside a block"));
            }
            if start.checked_add(len).is_none() {
                return Err(corrupt(&rows, "bad block length"));
            }
            blocks.push(Block {
                first: start,
                offset: at + 16,
                len,
            });
            next = start + len;
            at += 16 + bytes;
        }
        let first = first.unwrap_or(0);
        check_chunks(&paths, blocks.len())?;
        Ok(Spool {
            width,
            windows: 0,
            params: 0,
            parts: vec![Part {
                rows,
                paths,
                blocks,
                first,
                len: next - first,
            }],
            writer: None,
            len: next - first,
            _owned: None,
        })
    }

    /// The replications `first..first + len()` this spool holds begin at `first()`.
    pub fn first(&self) -> u64 {
        self.parts.first().map(|p| p.first).unwrap_or(0)
    }

    /// Sets how many of the values are window values and uncertain parameters (not stored in the
    /// files).
    pub fn with_params(mut self, windows: usize, params: usize) -> Result<Spool> {
        if metrics::idx::COUNT + windows + params > self.width {
            return Err(Error::damaged(
                &self.parts[0].rows,
                format!(
                    "holds {} values per replication, fewer than the scenario's metrics and parameters",
                    self.width
                ),
            ));
        }
        self.windows = windows;
        self.params = params;
        Ok(self)
    }

    /// One spool of consecutive spools (shards in replication order).
    pub fn concat(spools: Vec<Spool>) -> Result<Spool> {
        let mut out: Option<Spool> = None;
        for s in spools {
            match &mut out {
                None => out = Some(s),
                Some(o) => {
                    if s.width != o.width || s.params != o.params || s.windows != o.windows {
                        return Err(corrupt(&s.parts[0].rows, "a different row width"));
                    }
                    if s.first() != o.first() + o.len {
                        return Err(corrupt(&s.parts[0].rows, "not the next replications"));
                    }
                    o.len += s.len;
                    o.parts.extend(s.parts);
                }
            }
        }
        out.ok_or_else(|| Error::Failed("no spool to merge".into()))
    }

    /// Every value of column `c` (see [`value`]), in replication order.
    pub fn column(&self, c: usize) -> Result<Vec<f64>> {
        let mut out = Vec::with_capacity(self.len as usize);
        let mut buf = Vec::new();
        for part in &self.parts {
            let mut f = File::open(&part.rows).map_err(io(&part.rows))?;
            let mut sum = [0u8; 8];
            for (k, b) in part.blocks.iter().enumerate() {
                f.seek(SeekFrom::Start(b.offset + c as u64 * b.len * 8))
                    .map_err(io(&part.rows))?;
                buf.resize(b.len as usize * 8, 0);
                f.read_exact(&mut buf).map_err(io(&part.rows))?;
                f.seek(SeekFrom::Start(
                    b.offset + (self.width as u64 * b.len + c as u64) * 8,
                ))
                .map_err(io(&part.rows))?;
                f.read_exact(&mut sum).map_err(io(&part.rows))?;
                if u64::from_le_bytes(sum) != column_sum(b.first, b.len, &buf) {
                    let what = format!("of column {c}");
                    return Err(bad_block(&part.rows, k, b.first, b.len, &what));
                }
                out.extend(buf.chunks_exact(8).map(le_f64));
            }
        }
        Ok(out)
    }

    /// Metric `m` of every replication.
    pub fn metric(&self, m: usize) -> Result<Vec<f64>> {
        self.column(m)
    }

    /// Window value `k` of every replication (see [`Spool::windows`]).
    pub fn window(&self, k: usize) -> Result<Vec<f64>> {
        self.column(metrics::idx::COUNT + k)
    }

    /// Uncertain parameter `i` of every replication.
    pub fn param(&self, i: usize) -> Result<Vec<f64>> {
        self.column(metrics::idx::COUNT + self.windows + i)
    }

    /// Reach value `k` of every replication.
    pub fn reach(&self, k: usize) -> Result<Vec<f64>> {
        self.column(metrics::idx::COUNT + self.windows + self.params + k)
    }

    /// Calls `f(first, len, values)` for each block of consecutive replications in order, with the
    /// block's values column by column (`values[c * len + i]` is column `c` of replication
    /// `first + i`).
    pub fn for_each_block<E: From<Error>>(
        &self,
        mut f: impl FnMut(u64, usize, &[f64]) -> std::result::Result<(), E>,
    ) -> std::result::Result<(), E> {
        let mut buf = Vec::new();
        let mut values = Vec::new();
        for part in &self.parts {
            let mut r = File::open(&part.rows).map_err(io(&part.rows))?;
            for (k, b) in part.blocks.iter().enumerate() {
                r.seek(SeekFrom::Start(b.offset)).map_err(io(&part.rows))?;
                let n = b.len as usize * 8;
                buf.resize((n + 8) * self.width, 0);
                r.read_exact(&mut buf).map_err(io(&part.rows))?;
                let (data, sums) = buf.split_at(n * self.width);
                for (c, s) in sums.chunks_exact(8).enumerate() {
                    let col = &data[c * n..(c + 1) * n];
                    if le_u64(s) != column_sum(b.first, b.len, col) {
                        let what = format!("of column {c}");
                        return Err(bad_block(&part.rows, k, b.first, b.len, &what).into());
                    }
                }
                let buf = data;
                values.clear();
                values.extend(buf.chunks_exact(8).map(le_f64));
                f(b.first, b.len as usize, &values)?;
            }
        }
        Ok(())
    }

    /// Calls `f(replication, row)` for every path row, in replication order.
    pub fn for_each_path<E: From<Error>>(
        &self,
        mut f: impl FnMut(u64, &PathRow) -> std::result::Result<(), E>,
    ) -> std::result::Result<(), E> {
        let mut rec = [0u8; PATH_RECORD];
        for part in &self.parts {
            let file = File::open(&part.paths).map_err(io(&part.paths))?;
            let mut r = BufReader::with_capacity(1 << 20, file);
            r.seek(SeekFrom::Start(8)).map_err(io(&part.paths))?;
            let pp = &part.paths;
            let mut word = [0u8; 8];
            for (k, b) in part.blocks.iter().enumerate() {
                // The chunk is checked whole before any of its rows is handed on.
                r.read_exact(&mut word).map_err(io(pp))?;
                let count = u64::from_le_bytes(word);
                let mut sum = Sum::new().word(count);
                for _ in 0..count {
                    r.read_exact(&mut rec).map_err(io(pp))?;
                    sum = sum.bytes(&rec);
                }
                r.read_exact(&mut word).map_err(io(pp))?;
                if u64::from_le_bytes(word) != sum.0 {
                    return Err(bad_block(pp, k, b.first, b.len, "of the path records").into());
                }
                let back = count as i64 * PATH_RECORD as i64 + 8;
                r.seek_relative(-back).map_err(io(pp))?;
                for _ in 0..count {
                    r.read_exact(&mut rec).map_err(io(pp))?;
                    let (rep, row) = decode_path(&rec).ok_or_else(|| corrupt(pp, "bad record"))?;
                    if rep < b.first || rep >= b.first + b.len {
                        return Err(corrupt(pp, "a path of a replication it does not hold").into());
                    }
                    f(rep, &row)?;
                }
                r.seek_relative(8).map_err(io(pp))?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::engine::LeakPath;
    use crate::sim::metrics::Metrics;

    /// The metrics of a block row `i` (see [`Spool::for_each_block`]).
    fn block_metrics(values: &[f64], len: usize, i: usize) -> Metrics {
        std::array::from_fn(|c| values[c * len + i])
    }

    fn row(i: u64, params: usize, reach: usize) -> RepRow {
        let mut metrics = [0.0; metrics::idx::COUNT];
        metrics
            .iter_mut()
            .enumerate()
            .for_each(|(k, m)| *m = i as f64 + k as f64 / 100.0);
        RepRow {
            metrics,
            params: (0..params).map(|k| -(i as f64) - k as f64).collect(),
            paths: (0..i % 3)
                .map(|k| PathRow {
                    route: LeakPath::ALL[k as usize],
                    class: k as u32,
                    recipient: 1,
                    actor: (k != 1).then_some(7),
                    store: (k != 2).then_some(3),
                    records: i as f64 * 10.0,
                })
                .collect(),
            reach: (0..reach).map(|k| (i * 1000 + k as u64) as f64).collect(),
            windows: vec![i as f64 * 0.5, 1.0],
        }
    }

    #[test]
    fn columns_blocks_and_paths_read_back_exactly() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Spool::create_temp(dir.path(), 2, 2, 3).unwrap();
        let rows: Vec<RepRow> = (0..10).map(|i| row(i, 2, 3)).collect();
        s.append(&rows[..4]).unwrap();
        s.append(&rows[4..]).unwrap();
        assert_eq!(s.len(), 10);
        for c in 0..s.width() {
            let want: Vec<f64> = rows.iter().map(|r| value(r, c)).collect();
            assert_eq!(s.column(c).unwrap(), want, "column {c}");
        }
        let mut seen = Vec::new();
        s.for_each_path(|rep, p| {
            seen.push((rep, *p));
            Ok::<(), Error>(())
        })
        .unwrap();
        let want: Vec<(u64, PathRow)> = rows
            .iter()
            .enumerate()
            .flat_map(|(i, r)| r.paths.iter().map(move |p| (i as u64, *p)))
            .collect();
        assert_eq!(seen, want);
        let mut firsts = Vec::new();
        s.for_each_block(|first, len, v| {
            firsts.push((first, len));
            assert_eq!(block_metrics(v, len, 0), rows[first as usize].metrics);
            Ok::<(), Error>(())
        })
        .unwrap();
        assert_eq!(firsts, vec![(0, 4), (4, 6)]);
        let folder = s.files().0.parent().unwrap().to_path_buf();
        drop(s);
        assert!(
            !folder.exists(),
            "a temporary spool is removed with its owner"
        );
    }

    #[test]
    fn a_cut_file_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Spool::create(dir.path(), 2, 0, 1).unwrap();
        s.append(&[row(0, 0, 1), row(1, 0, 1)]).unwrap();
        drop(s);
        assert_eq!(Spool::open(dir.path()).unwrap().len(), 2);
        let f = dir.path().join(ROWS_FILE);
        let len = std::fs::metadata(&f).unwrap().len();
        let file = std::fs::OpenOptions::new().write(true).open(&f).unwrap();
        file.set_len(len - 8).unwrap();
        let e = Spool::open(dir.path()).unwrap_err().to_string();
        assert!(e.contains("cut inside a block"), "{e}");
    }
}
