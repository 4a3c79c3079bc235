//! `results.xlsx` (`--xlsx`): the folder's tables as a spreadsheet, for analysts who work in Excel
//! (whatever their locale's decimal separator): provenance first, then one sheet per table,
//! numbers as numbers with formats, frozen header rows. Built from the folder's files alone.

use super::charts::Table;
use super::provenance::Provenance;
use super::results::{compare_scenarios, read, Kind, ResultsFolder};
use super::write_atomic;
use crate::error::{Error, Result};
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, Worksheet, XlsxError};
use std::path::{Path, PathBuf};

fn xerr(path: &Path) -> impl Fn(XlsxError) -> Error + '_ {
    move |e| Error::io(path, std::io::Error::other(e.to_string()))
}

/// Writes one sheet: the header (bold, frozen), then the rows; cells that read as numbers are
/// written as numbers, probabilities (columns `p_*`, or the `reached`/`leaked` rows) as percents.
fn sheet(
    wb: &mut Workbook,
    name: &str,
    header: &[String],
    rows: &[Vec<String>],
    path: &Path,
) -> Result<()> {
    let e = xerr(path);
    let bold = Format::new().set_bold();
    let whole = Format::new().set_num_format("#,##0");
    let decimal = Format::new().set_num_format("#,##0.0###");
    let percent = Format::new().set_num_format("0.00%");
    let ws: &mut Worksheet = wb.add_worksheet();
    ws.set_name(name).map_err(&e)?;
    for (c, h) in header.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, h, &bold)
            .map_err(&e)?;
    }
    ws.set_freeze_panes(1, 0).map_err(&e)?;
    for (r, row) in rows.iter().enumerate() {
        let probability_row = row
            .iter()
            .take(3)
            .any(|c| super::columns::is_probability(c));
        for (c, cell) in row.iter().enumerate() {
            let (r, c16) = ((r + 1) as u32, c as u16);
            let col = header.get(c).map(String::as_str).unwrap_or("");
            match cell.parse::<f64>() {
                Ok(v) if v.is_finite() => {
                    let f = if col.starts_with("p_")
                        || (probability_row && !col.starts_with("records") && col != "n")
                    {
                        &percent
                    } else if v == v.trunc() {
                        &whole
                    } else {
                        &decimal
                    };
                    ws.write_number_with_format(r, c16, v, f).map_err(&e)?;
                }
                _ => {
                    ws.write_string(r, c16, cell).map_err(&e)?;
                }
            }
        }
    }
    ws.autofit();
    Ok(())
}

fn table_sheet(wb: &mut Workbook, name: &str, t: &Table, path: &Path) -> Result<()> {
    sheet(wb, name, &t.header, &t.rows, path)
}

/// The provenance as a two-column sheet (field names as the file has them).
fn provenance_sheet(wb: &mut Workbook, p: Option<&Provenance>, path: &Path) -> Result<()> {
    let mut rows = Vec::new();
    if let Some(p) = p {
        rows.push(vec!["command".into(), p.command.clone()]);
        rows.push(vec!["date".into(), p.date.clone()]);
        rows.push(vec!["leaksim_version".into(), p.leaksim_version.clone()]);
        for (k, v) in [("seed", p.seed), ("replications", p.replications)] {
            if let Some(v) = v {
                // As the file writes it: a TOML integer.
                rows.push(vec![k.into(), (v as i64).to_string()]);
            }
        }
        for s in &p.scenario {
            rows.push(vec![
                format!("scenario {} (digest)", s.name),
                s.digest.clone(),
            ]);
        }
    }
    sheet(wb, "provenance", &["".into(), "".into()], &rows, path)
}

/// A run folder's `reach.csv`, with a leading scenario column.
fn reach_rows(label: &str, dir: &Path) -> Result<(Vec<String>, Vec<Vec<String>>)> {
    let Some(t) = read(dir, "reach.csv")? else {
        return Ok((Vec::new(), Vec::new()));
    };
    let mut header = vec!["scenario".to_string()];
    header.extend(t.header.iter().cloned());
    let rows = t
        .rows
        .iter()
        .map(|r| {
            std::iter::once(label.to_string())
                .chain(r.iter().cloned())
                .collect()
        })
        .collect();
    Ok((header, rows))
}

/// Writes `results.xlsx` in `dir` from its files; returns its path.
pub fn write_workbook(dir: &Path, kind: Kind) -> Result<PathBuf> {
    let path = dir.join("results.xlsx");
    let e = xerr(&path);
    let mut wb = Workbook::new();
    let folder = ResultsFolder::open(dir)?;
    // The run's date, so that the workbook's own creation time, and so its bytes, follow the
    // results.
    let seconds = folder.provenance().map_or(0, Provenance::seconds);
    let when = ExcelDateTime::from_timestamp(seconds).map_err(&e)?;
    wb.set_properties(&DocProperties::new().set_creation_datetime(&when));
    provenance_sheet(&mut wb, folder.provenance(), &path)?;
    let name = super::folder::display_name(dir);
    match kind {
        Kind::Run => {
            let (h, rows) = reach_rows(&name, dir)?;
            sheet(&mut wb, "who gets the data", &h, &rows, &path)?;
            for (file, sheet_name) in [
                ("summary.csv", "summary"),
                ("tail.csv", "tail"),
                ("sensitivity.csv", "sensitivity"),
            ] {
                if let Some(t) = read(dir, file)? {
                    table_sheet(&mut wb, sheet_name, &t, &path)?;
                }
            }
        }
        Kind::Compare => {
            let t = read(dir, "compare.csv")?.unwrap_or_default();
            let (mut header, mut all) = (Vec::new(), Vec::new());
            for s in compare_scenarios(&t) {
                let (h, rows) = reach_rows(&s, &dir.join(&s))?;
                header = h;
                all.extend(rows);
            }
            sheet(&mut wb, "who gets the data", &header, &all, &path)?;
            table_sheet(&mut wb, "comparison", &t, &path)?;
            if let Some(tail) = read(dir, "tail.csv")? {
                table_sheet(&mut wb, "tail", &tail, &path)?;
            }
        }
        Kind::Sweep => {
            if let Some(t) = read(dir, "sweep.csv")? {
                table_sheet(&mut wb, "sweep", &t, &path)?;
            }
        }
        Kind::Tornado => {
            if let Some(t) = read(dir, "tornado.csv")? {
                table_sheet(&mut wb, "tornado", &t, &path)?;
            }
        }
    }
    let bytes = wb.save_to_buffer().map_err(&e)?;
    drop(e);
    write_atomic(&path, |w| w.write_all(&bytes))?;
    Ok(path)
}
