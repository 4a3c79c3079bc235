//! `trace.csv`, streamed: every event of the traced replication is written through a buffered
//! writer as the engine reports it, so a trace of any length takes no memory beyond the buffers.

use super::columns::TRACE_COLUMNS;
use super::format::fmt_num_into;
use super::{csv_err, write_atomic};
use crate::error::Result;
use crate::scenario::Scenario;
use crate::sim::observe::{TraceRow, Tracer};
use crate::sim::runner::trace_into;
use std::io::Write;
use std::path::Path;

/// The fewest bytes a row of `trace.csv` takes: a time and records of one digit each, the
/// shortest event kind and outcome (4 and 2 letters), seven commas and the line's end.
pub const MIN_ROW_BYTES: u64 = 1 + 4 + 2 + 1 + 7 + 1;

/// Writes `trace.csv` at `path`: every event of replication `rep` of `s` under `seed`, as the
/// engine produces it.
pub fn write(path: &Path, s: &Scenario, seed: u64, rep: u64) -> Result<()> {
    write_atomic(path, |w| {
        let mut sink = CsvTrace::new(w, s).map_err(csv_err)?;
        trace_into(s, seed, rep, &mut sink);
        sink.finish()
    })
}

/// A [`Tracer`] that writes each event as a row of `trace.csv`; the first write error stops it
/// and is returned by [`CsvTrace::finish`].
pub struct CsvTrace<'a, W: Write> {
    c: csv::Writer<W>,
    s: &'a Scenario,
    num: String,
    error: Option<csv::Error>,
}

impl<'a, W: Write> CsvTrace<'a, W> {
    /// Starts `trace.csv` on `w` with its header.
    pub fn new(w: W, s: &'a Scenario) -> csv::Result<Self> {
        let mut c = csv::Writer::from_writer(w);
        c.write_record(TRACE_COLUMNS)?;
        Ok(CsvTrace {
            c,
            s,
            num: String::new(),
            error: None,
        })
    }

    /// Flushes the rows, or returns the first error met while writing them.
    pub fn finish(mut self) -> std::io::Result<()> {
        if let Some(e) = self.error.take() {
            return Err(csv_err(e));
        }
        self.c.flush()
    }
}

impl<W: Write> Tracer for CsvTrace<'_, W> {
    const ON: bool = true;
    fn record(&mut self, row: TraceRow) {
        if self.error.is_none() {
            if let Err(e) = write_row(&mut self.c, &mut self.num, self.s, &row) {
                self.error = Some(e);
            }
        }
    }
}

/// Writes one event as a row of `trace.csv` (`num` is scratch space for numbers).
pub fn write_row<W: Write>(
    c: &mut csv::Writer<W>,
    num: &mut String,
    s: &Scenario,
    t: &TraceRow,
) -> csv::Result<()> {
    fmt_num_into(num, t.time);
    c.write_field(num.as_str())?;
    c.write_field(t.kind)?;
    c.write_field(t.actor.map_or("", |a| s.actors[a].name.as_str()))?;
    c.write_field(t.store.map_or("", |a| s.stores[a].name.as_str()))?;
    c.write_field(t.class.map_or("", |a| s.classes[a].name.as_str()))?;
    c.write_field(t.outcome)?;
    fmt_num_into(num, t.records);
    c.write_field(num.as_str())?;
    c.write_field(t.recipient.map_or("", |r| s.recipient_name(r)))?;
    c.write_record(None::<&[u8]>)
}
