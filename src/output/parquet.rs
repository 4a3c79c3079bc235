//! `replications.parquet` and `paths.parquet` (`--parquet`): the same columns and values as the
//! CSV files, zstd-compressed, written from a run's spool and read back for the charts. Empty
//! CSV cells (a metric without a value, a path without an actor or store) are nulls. Each file
//! records a checksum of its values (`digest.rs`), checked on every read.

mod digest;

use super::columns::PATHS_COLUMNS;
use super::write_atomic;
use crate::error::{Error, Result};
use crate::scenario::Scenario;
use crate::sim::engine::LeakPath;
use crate::sim::metrics::NAMES;
use crate::sim::runner::RunResult;
use digest::{Digests, Expected};
use parquet::basic::{Compression, LogicalType, Repetition, Type as Physical, ZstdLevel};
use parquet::data_type::{ByteArray, ByteArrayType, DoubleType, Int64Type};
use parquet::file::properties::WriterProperties;
use parquet::file::reader::{FileReader, RowGroupReader, SerializedFileReader};
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::types::Type;
use std::fs::File;
use std::io::Write;
use std::path::Path;
use std::sync::Arc;

/// Rows per row group: the unit of compression and of reading back.
const ROW_GROUP: usize = 131_072;

fn perr(path: &Path) -> impl Fn(parquet::errors::ParquetError) -> Error + '_ {
    move |e| Error::damaged(path, format!("not a readable Parquet file ({e})"))
}

/// Rows a row group may claim before its values are read: more is a damaged file.
const MOST_ROWS: usize = 1 << 31;

fn ioerr(e: parquet::errors::ParquetError) -> std::io::Error {
    std::io::Error::other(e)
}

fn field(name: &str, t: Physical, rep: Repetition, text: bool) -> Result<Arc<Type>> {
    let mut b = Type::primitive_type_builder(name, t).with_repetition(rep);
    if text {
        b = b.with_logical_type(Some(LogicalType::String));
    }
    b.build()
        .map(Arc::new)
        .map_err(|e| Error::Failed(format!("parquet column `{name}`: {e}")))
}

fn props() -> Result<Arc<WriterProperties>> {
    let level = ZstdLevel::try_new(3).map_err(|e| Error::Failed(e.to_string()))?;
    Ok(Arc::new(
        WriterProperties::builder()
            .set_compression(Compression::ZSTD(level))
            .set_created_by(format!("leaksim {}", env!("CARGO_PKG_VERSION")))
            .build(),
    ))
}

/// A column's values and definition levels (1: a value, 0: null).
#[derive(Default)]
struct Nullable<T> {
    values: Vec<T>,
    defs: Vec<i16>,
}

impl<T> Nullable<T> {
    fn push(&mut self, v: Option<T>) {
        self.defs.push(i16::from(v.is_some()));
        if let Some(v) = v {
            self.values.push(v);
        }
    }
    fn clear(&mut self) {
        self.values.clear();
        self.defs.clear();
    }
}

fn field_names(fields: &[Arc<Type>]) -> Vec<String> {
    fields.iter().map(|f| f.name().to_string()).collect()
}

/// Records the digests of columns `names` in the file's metadata and writes its footer.
fn close<W: Write + Send>(
    mut w: SerializedFileWriter<W>,
    d: &Digests,
    names: &[String],
) -> std::io::Result<()> {
    for kv in d.metadata(names) {
        w.append_key_value_metadata(kv);
    }
    w.close().map_err(ioerr)?;
    Ok(())
}

fn schema(fields: Vec<Arc<Type>>) -> Result<Arc<Type>> {
    Type::group_type_builder("schema")
        .with_fields(fields)
        .build()
        .map(Arc::new)
        .map_err(|e| Error::Failed(e.to_string()))
}

/// Writes one row group: the replication numbers, then each nullable double column.
fn double_group<W: Write + Send>(
    w: &mut SerializedFileWriter<W>,
    d: &mut Digests,
    reps: &[i64],
    cols: &[Nullable<f64>],
) -> std::io::Result<()> {
    let mut rg = w.next_row_group().map_err(ioerr)?;
    let mut i = 0;
    d.add_rows(reps.len());
    while let Some(mut c) = rg.next_column().map_err(ioerr)? {
        if i == 0 {
            d.add(0, reps, &[]);
            c.typed::<Int64Type>()
                .write_batch(reps, None, None)
                .map_err(ioerr)?;
        } else {
            let n = &cols[i - 1];
            d.add(i, &n.values, &n.defs);
            c.typed::<DoubleType>()
                .write_batch(&n.values, Some(&n.defs), None)
                .map_err(ioerr)?;
        }
        c.close().map_err(ioerr)?;
        i += 1;
    }
    rg.close().map_err(ioerr)?;
    Ok(())
}

/// Writes `replications.parquet`: `replication`, every metric, every uncertain parameter.
pub fn write_replications(path: &Path, s: &Scenario, r: &RunResult) -> Result<()> {
    let windows = s.window_columns();
    let names: Vec<&str> = NAMES
        .iter()
        .copied()
        .chain(windows.iter().map(String::as_str))
        .chain(s.params.iter().map(|p| p.path.as_str()))
        .collect();
    let mut fields = vec![field(
        "replication",
        Physical::INT64,
        Repetition::REQUIRED,
        false,
    )?];
    for n in &names {
        fields.push(field(n, Physical::DOUBLE, Repetition::OPTIONAL, false)?);
    }
    let all = field_names(&fields);
    let (schema, props) = (schema(fields)?, props()?);
    write_atomic(path, |out| {
        let mut w = SerializedFileWriter::new(out, schema, props).map_err(ioerr)?;
        let mut d = Digests::new(all.len());
        let mut reps: Vec<i64> = Vec::with_capacity(ROW_GROUP);
        let mut cols: Vec<Nullable<f64>> = names.iter().map(|_| Nullable::default()).collect();
        r.rows.for_each_block(|first, len, values| {
            for i in 0..len {
                reps.push((first + i as u64) as i64);
                for (c, col) in cols.iter_mut().enumerate() {
                    let v = values[c * len + i];
                    col.push((!v.is_nan()).then_some(v));
                }
                if reps.len() == ROW_GROUP {
                    double_group(&mut w, &mut d, &reps, &cols)?;
                    reps.clear();
                    cols.iter_mut().for_each(Nullable::clear);
                }
            }
            Ok::<(), std::io::Error>(())
        })?;
        if !reps.is_empty() {
            double_group(&mut w, &mut d, &reps, &cols)?;
        }
        close(w, &d, &all)
    })
}

/// The columns of one row group of `paths.parquet`.
#[derive(Default)]
struct PathColumns {
    reps: Vec<i64>,
    text: [Nullable<ByteArray>; 5],
    records: Vec<f64>,
}

impl PathColumns {
    fn len(&self) -> usize {
        self.reps.len()
    }
    fn write<W: Write + Send>(
        &mut self,
        w: &mut SerializedFileWriter<W>,
        d: &mut Digests,
    ) -> std::io::Result<()> {
        let mut rg = w.next_row_group().map_err(ioerr)?;
        let mut i = 0;
        d.add_rows(self.len());
        while let Some(mut c) = rg.next_column().map_err(ioerr)? {
            // replication, path, class, records, recipient, actor, store
            match i {
                0 => {
                    d.add(0, &self.reps, &[]);
                    c.typed::<Int64Type>()
                        .write_batch(&self.reps, None, None)
                        .map(|_| ())
                }
                3 => {
                    d.add(3, &self.records, &[]);
                    c.typed::<DoubleType>()
                        .write_batch(&self.records, None, None)
                        .map(|_| ())
                }
                _ => {
                    let t = &self.text[if i < 3 { i - 1 } else { i - 2 }];
                    // A required column's levels are all 1 and not written.
                    let defs = if i < 5 { &[][..] } else { &t.defs[..] };
                    d.add(i, &t.values, defs);
                    c.typed::<ByteArrayType>()
                        .write_batch(&t.values, Some(&t.defs), None)
                        .map(|_| ())
                }
            }
            .map_err(ioerr)?;
            c.close().map_err(ioerr)?;
            i += 1;
        }
        rg.close().map_err(ioerr)?;
        self.reps.clear();
        self.records.clear();
        self.text.iter_mut().for_each(Nullable::clear);
        Ok(())
    }
}

/// Writes `paths.parquet`: the columns of `paths.csv`, one row per path row.
pub fn write_paths(path: &Path, s: &Scenario, r: &RunResult) -> Result<()> {
    let mut fields = Vec::new();
    for name in PATHS_COLUMNS {
        let (t, rep, text) = match name {
            "replication" => (Physical::INT64, Repetition::REQUIRED, false),
            "records" => (Physical::DOUBLE, Repetition::REQUIRED, false),
            "path" | "class" | "recipient" => (Physical::BYTE_ARRAY, Repetition::REQUIRED, true),
            _ => (Physical::BYTE_ARRAY, Repetition::OPTIONAL, true),
        };
        fields.push(field(name, t, rep, text)?);
    }
    let all = field_names(&fields);
    let (schema, props) = (schema(fields)?, props()?);
    // Each name's bytes are made once; a cell shares them (no allocation per row).
    let text = |v: &str| ByteArray::from(v.as_bytes().to_vec());
    let routes: Vec<ByteArray> = LeakPath::ALL.iter().map(|r| text(r.name())).collect();
    let classes: Vec<ByteArray> = s.classes.iter().map(|c| text(&c.name)).collect();
    let recipients: Vec<ByteArray> = (0..s.recipients())
        .map(|i| text(s.recipient_name(i)))
        .collect();
    let actors: Vec<ByteArray> = s.actors.iter().map(|a| text(&a.name)).collect();
    let stores: Vec<ByteArray> = s.stores.iter().map(|x| text(&x.name)).collect();
    write_atomic(path, |out| {
        let mut w = SerializedFileWriter::new(out, schema, props).map_err(ioerr)?;
        let mut d = Digests::new(all.len());
        let mut cols = PathColumns::default();
        r.rows.for_each_path(|rep, p| {
            cols.reps.push(rep as i64);
            cols.text[0].push(Some(routes[p.route as usize].clone()));
            cols.text[1].push(Some(classes[p.class as usize].clone()));
            cols.records.push(p.records);
            cols.text[2].push(Some(recipients[p.recipient as usize].clone()));
            cols.text[3].push(p.actor.map(|a| actors[a as usize].clone()));
            cols.text[4].push(p.store.map(|x| stores[x as usize].clone()));
            if cols.len() == ROW_GROUP {
                cols.write(&mut w, &mut d)?;
            }
            Ok::<(), std::io::Error>(())
        })?;
        if cols.len() > 0 {
            cols.write(&mut w, &mut d)?;
        }
        close(w, &d, &all)
    })
}

/// `path` opened for reading, with the checksums it records checked against its footer.
fn open(path: &Path) -> Result<(SerializedFileReader<File>, Expected)> {
    super::checked::regular_size(path)?;
    let f = File::open(path).map_err(|e| Error::io(path, e))?;
    let r = SerializedFileReader::new(f).map_err(perr(path))?;
    let expected = digest::expected(path, r.metadata())?;
    Ok((r, expected))
}

/// The column names of a Parquet file.
pub fn header(path: &Path) -> Result<Vec<String>> {
    super::checked::guarded(path, || read_header(path))
}

fn read_header(path: &Path) -> Result<Vec<String>> {
    let (r, _) = open(path)?;
    let schema = r.metadata().file_metadata().schema_descr();
    Ok(schema
        .columns()
        .iter()
        .map(|c| c.name().to_string())
        .collect())
}

/// The values of one column of a row group, as decoded (nulls left out).
enum Column {
    Int(Vec<i64>),
    Double(Vec<f64>),
    Text(Vec<ByteArray>),
}

/// The rows of row group `g`, refused when impossibly many.
fn group_rows(path: &Path, rg: &dyn RowGroupReader) -> Result<usize> {
    usize::try_from(rg.metadata().num_rows())
        .ok()
        .filter(|&n| n <= MOST_ROWS)
        .ok_or_else(|| Error::damaged(path, "a row group of an impossible number of rows"))
}

/// Column `c` of a row group of `n` rows, its values added to the digests `d`; with its
/// definition levels (empty for a required column).
fn read_column(
    path: &Path,
    rg: &dyn RowGroupReader,
    c: usize,
    n: usize,
    d: &mut Digests,
) -> Result<(Column, Vec<i16>)> {
    use parquet::column::reader::ColumnReader;
    let mut defs = Vec::with_capacity(n.min(ROW_GROUP));
    let cap = n.min(ROW_GROUP);
    let col = match rg.get_column_reader(c).map_err(perr(path))? {
        ColumnReader::DoubleColumnReader(mut cr) => {
            let mut vals = Vec::with_capacity(cap);
            cr.read_records(n, Some(&mut defs), None, &mut vals)
                .map_err(perr(path))?;
            d.add(c, &vals, &defs);
            Column::Double(vals)
        }
        ColumnReader::Int64ColumnReader(mut cr) => {
            let mut vals = Vec::with_capacity(cap);
            cr.read_records(n, Some(&mut defs), None, &mut vals)
                .map_err(perr(path))?;
            d.add(c, &vals, &defs);
            Column::Int(vals)
        }
        ColumnReader::ByteArrayColumnReader(mut cr) => {
            let mut vals = Vec::with_capacity(cap);
            cr.read_records(n, Some(&mut defs), None, &mut vals)
                .map_err(perr(path))?;
            d.add(c, &vals, &defs);
            Column::Text(vals)
        }
        _ => {
            return Err(Error::damaged(
                path,
                "a column of a type leaksim never writes",
            ))
        }
    };
    Ok((col, defs))
}

/// A column's cells, nulls as None (`defs` empty for a required column); exactly `n` of them.
fn cells<'a, T>(path: &Path, defs: &[i16], vals: &'a [T], n: usize) -> Result<Vec<Option<&'a T>>> {
    let out: Vec<Option<&T>> = if defs.is_empty() {
        vals.iter().map(Some).collect()
    } else {
        let mut it = vals.iter();
        defs.iter()
            .map(|&d| if d > 0 { it.next() } else { None })
            .collect()
    };
    if out.len() != n {
        return Err(Error::damaged(
            path,
            format!("a row group says {n} rows but holds {}", out.len()),
        ));
    }
    Ok(out)
}

/// A column's cells as numbers: nulls and text NaN.
fn numbers(path: &Path, col: &Column, defs: &[i16], n: usize) -> Result<Vec<f64>> {
    let num = |v: Option<f64>| v.unwrap_or(f64::NAN);
    Ok(match col {
        Column::Double(v) => cells(path, defs, v, n)?
            .into_iter()
            .map(|x| num(x.copied()))
            .collect(),
        Column::Int(v) => cells(path, defs, v, n)?
            .into_iter()
            .map(|x| num(x.map(|&i| i as f64)))
            .collect(),
        Column::Text(v) => cells(path, defs, v, n)?.iter().map(|_| f64::NAN).collect(),
    })
}

/// A column's cells as text: nulls empty.
fn texts(path: &Path, col: &Column, defs: &[i16], n: usize) -> Result<Vec<String>> {
    let utf8 = |b: &ByteArray| {
        std::str::from_utf8(b.data())
            .map(str::to_string)
            .map_err(|_| Error::damaged(path, "text that is not UTF-8"))
    };
    let none = String::new;
    match col {
        Column::Double(v) => Ok(cells(path, defs, v, n)?
            .into_iter()
            .map(|x| x.map_or_else(none, |&x| super::format::fmt_num(x)))
            .collect()),
        Column::Int(v) => Ok(cells(path, defs, v, n)?
            .into_iter()
            .map(|x| x.map_or_else(none, i64::to_string))
            .collect()),
        Column::Text(v) => cells(path, defs, v, n)?
            .into_iter()
            .map(|x| x.map_or_else(|| Ok(none()), utf8))
            .collect(),
    }
}

/// Calls `f(row, values)` for each row of a Parquet file, with the values of columns `cols` as
/// numbers (text as NaN, nulls as NaN), row groups in order. Every column is decoded and checked
/// against the checksum the file records, after its last row: a mismatch is an error then, so a
/// caller must commit nothing before this returns.
pub fn for_each_row(
    path: &Path,
    cols: &[usize],
    f: impl FnMut(&[f64]) -> Result<()>,
) -> Result<()> {
    super::checked::guarded(path, || read_rows(path, cols, f))
}

fn read_rows(path: &Path, cols: &[usize], mut f: impl FnMut(&[f64]) -> Result<()>) -> Result<()> {
    let (r, expected) = open(path)?;
    let width = r.metadata().file_metadata().schema_descr().num_columns();
    if let Some(c) = cols.iter().find(|&&c| c >= width) {
        return Err(Error::damaged(path, format!("no column {c}")));
    }
    let mut d = Digests::new(width);
    let mut row = vec![0.0; cols.len()];
    for g in 0..r.num_row_groups() {
        let rg = r.get_row_group(g).map_err(perr(path))?;
        let n = group_rows(path, &*rg)?;
        let mut data: Vec<Vec<f64>> = Vec::with_capacity(width);
        for c in 0..width {
            let (col, defs) = read_column(path, &*rg, c, n, &mut d)?;
            let wanted = cols.contains(&c);
            data.push(if wanted {
                numbers(path, &col, &defs, n)?
            } else {
                Vec::new()
            });
        }
        #[allow(clippy::needless_range_loop)] // a row across columns
        for i in 0..n {
            for (v, &c) in row.iter_mut().zip(cols) {
                *v = data[c][i];
            }
            f(&row)?;
        }
    }
    (0..width).try_for_each(|c| d.check(path, &expected, c))
}

/// Calls `f(cells)` for each row of `paths.parquet`, with every column as text (nulls empty).
/// The rows are checked against the checksum the file records after the last one: a mismatch is
/// an error then, so a caller must commit nothing before this returns.
pub fn for_each_path_row(path: &Path, f: impl FnMut(&[String]) -> Result<()>) -> Result<()> {
    super::checked::guarded(path, || read_path_rows(path, f))
}

fn read_path_rows(path: &Path, mut f: impl FnMut(&[String]) -> Result<()>) -> Result<()> {
    let (r, expected) = open(path)?;
    let width = r.metadata().file_metadata().schema_descr().num_columns();
    let mut d = Digests::new(width);
    let mut row = vec![String::new(); width];
    for g in 0..r.num_row_groups() {
        let rg = r.get_row_group(g).map_err(perr(path))?;
        let n = group_rows(path, &*rg)?;
        let mut data: Vec<Vec<String>> = Vec::with_capacity(width);
        for c in 0..width {
            let (col, defs) = read_column(path, &*rg, c, n, &mut d)?;
            data.push(texts(path, &col, &defs, n)?);
        }
        for i in 0..n {
            for (cell, col) in row.iter_mut().zip(&data) {
                cell.clone_from(&col[i]);
            }
            f(&row)?;
        }
    }
    (0..width).try_for_each(|c| d.check(path, &expected, c))
}
