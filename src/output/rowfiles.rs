//! A run folder's row files, replications and paths, read as streams whether they are CSV or
//! Parquet (`--parquet`): charts and the report never hold a whole file in memory.

use super::columns::PATHS_COLUMNS;
use super::parquet;
use crate::error::{Error, Result};
use std::path::{Path, PathBuf};

/// The replications file of `dir`: `replications.csv`, else `replications.parquet`.
pub fn replications_file(dir: &Path) -> Option<PathBuf> {
    ["replications.csv", "replications.parquet"]
        .iter()
        .map(|f| dir.join(f))
        .find(|p| p.is_file())
}

fn paths_file(dir: &Path) -> Option<PathBuf> {
    ["paths.csv", "paths.parquet"]
        .iter()
        .map(|f| dir.join(f))
        .find(|p| p.is_file())
}

fn is_parquet(p: &Path) -> bool {
    p.extension().is_some_and(|e| e == "parquet")
}

fn csv_error(path: &Path) -> impl Fn(csv::Error) -> Error + '_ {
    move |e| Error::io(path, std::io::Error::other(e))
}

/// The column names of the replications file.
pub fn replications_header(dir: &Path) -> Result<Option<Vec<String>>> {
    let Some(p) = replications_file(dir) else {
        return Ok(None);
    };
    if is_parquet(&p) {
        return parquet::header(&p).map(Some);
    }
    let mut r = csv::Reader::from_path(&p).map_err(csv_error(&p))?;
    let h = r.headers().map_err(csv_error(&p))?;
    Ok(Some(h.iter().map(str::to_string).collect()))
}

/// The positions of columns `names` in `header`; a missing one is an error naming it.
fn columns(path: &Path, header: &[String], names: &[&str]) -> Result<Vec<usize>> {
    names
        .iter()
        .map(|n| {
            header.iter().position(|h| h == n).ok_or_else(|| {
                Error::damaged(
                    path,
                    format!("no column `{n}`: is this a file leaksim wrote?"),
                )
            })
        })
        .collect()
}

/// Columns `names` of the replications file, in replication order (empty or bad cells NaN);
/// None when the folder has no replications file. A missing column is an error naming it.
pub fn replication_columns(dir: &Path, names: &[&str]) -> Result<Option<Vec<Vec<f64>>>> {
    let (Some(p), Some(header)) = (replications_file(dir), replications_header(dir)?) else {
        return Ok(None);
    };
    let idx = columns(&p, &header, names)?;
    let mut out: Vec<Vec<f64>> = names.iter().map(|_| Vec::new()).collect();
    if is_parquet(&p) {
        parquet::for_each_row(&p, &idx, |row| {
            out.iter_mut().zip(row).for_each(|(o, v)| o.push(*v));
            Ok(())
        })?;
        return Ok(Some(out));
    }
    let mut r = csv::Reader::from_path(&p).map_err(csv_error(&p))?;
    let mut rec = csv::ByteRecord::new();
    while r.read_byte_record(&mut rec).map_err(csv_error(&p))? {
        for (o, &i) in out.iter_mut().zip(&idx) {
            let v = rec
                .get(i)
                .and_then(|c| std::str::from_utf8(c).ok())
                .and_then(|c| c.parse().ok())
                .unwrap_or(f64::NAN);
            o.push(v);
        }
    }
    Ok(Some(out))
}

/// One row of the paths file.
pub struct PathCells<'a> {
    /// Replication number.
    pub replication: &'a str,
    /// Route (`paths.csv`'s `path`).
    pub path: &'a str,
    /// Class.
    pub class: &'a str,
    /// Records.
    pub records: f64,
    /// Recipient.
    pub recipient: &'a str,
}

/// Calls `f` for each row of the paths file; false when the folder has none.
pub fn for_each_path(dir: &Path, mut f: impl FnMut(&PathCells) -> Result<()>) -> Result<bool> {
    let Some(p) = paths_file(dir) else {
        return Ok(false);
    };
    let call = |cells: &[&str], f: &mut dyn FnMut(&PathCells) -> Result<()>| {
        f(&PathCells {
            replication: cells[0],
            path: cells[1],
            class: cells[2],
            records: cells[3].parse().unwrap_or(0.0),
            recipient: cells[4],
        })
    };
    if is_parquet(&p) {
        parquet::for_each_path_row(&p, |cells| {
            let c: Vec<&str> = cells.iter().map(String::as_str).collect();
            call(&c, &mut f)
        })?;
        return Ok(true);
    }
    let mut r = csv::Reader::from_path(&p).map_err(csv_error(&p))?;
    let header: Vec<String> = r
        .headers()
        .map_err(csv_error(&p))?
        .iter()
        .map(str::to_string)
        .collect();
    let idx = columns(&p, &header, &PATHS_COLUMNS[..5])?;
    let mut rec = csv::StringRecord::new();
    while r.read_record(&mut rec).map_err(csv_error(&p))? {
        let c: Vec<&str> = idx.iter().map(|&i| rec.get(i).unwrap_or("")).collect();
        call(&c, &mut f)?;
    }
    Ok(true)
}
