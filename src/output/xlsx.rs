//! `results.xlsx` (`--xlsx`): the folder's tables as a spreadsheet, for analysts who work in Excel
//! (whatever their locale's decimal separator): provenance first, then one sheet per table,
//! numbers as numbers with formats, frozen header rows. Built from the folder's files alone.

use super::charts::Table;
use super::plot::{compare_scenarios, read, Kind};
use super::write_atomic;
use crate::error::{Error, Result};
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, Worksheet, XlsxError};
use std::path::{Path, PathBuf};

fn xerr(path: &Path) -> impl Fn(XlsxError) -> Error + '_ {
    move |e| Error::io(path, std::io::Error::other(e.to_string()))
}

/// The run's date from `provenance.toml` (`YYYY-MM-DD HH:MM UTC`) as seconds since 1970, so that
/// the workbook's own creation time, and so its bytes, follow the results.
fn provenance_seconds(dir: &Path) -> i64 {
    let text = std::fs::read_to_string(dir.join("provenance.toml")).unwrap_or_default();
    let v: toml::Table = text.parse().unwrap_or_default();
    let date = v.get("date").and_then(|d| d.as_str()).unwrap_or_default();
    let (Some((y, m, d)), Some(hm)) = (crate::scenario::dates::parse_date(date), date.get(11..16))
    else {
        return 0;
    };
    let (h, min) = hm.split_once(':').unwrap_or(("0", "0"));
    let days = crate::scenario::dates::days_from_civil(y, m, d);
    days * 86_400 + h.parse::<i64>().unwrap_or(0) * 3600 + min.parse::<i64>().unwrap_or(0) * 60
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
        let probability_row = row.iter().take(3).any(|c| c == "reached" || c == "leaked");
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

/// The provenance as a two-column sheet.
fn provenance_sheet(wb: &mut Workbook, dir: &Path, path: &Path) -> Result<()> {
    let text = std::fs::read_to_string(dir.join("provenance.toml")).unwrap_or_default();
    let v: toml::Table = text.parse().unwrap_or_default();
    let mut rows = Vec::new();
    for (k, val) in &v {
        match val {
            toml::Value::Array(list) => {
                for s in list {
                    let f = |k: &str| s.get(k).and_then(|x| x.as_str()).unwrap_or_default();
                    rows.push(vec![
                        format!("scenario {} (digest)", f("name")),
                        f("digest").into(),
                    ]);
                }
            }
            other => rows.push(vec![
                k.clone(),
                other.to_string().trim_matches('"').to_string(),
            ]),
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
    let when = ExcelDateTime::from_timestamp(provenance_seconds(dir)).map_err(&e)?;
    wb.set_properties(&DocProperties::new().set_creation_datetime(&when));
    provenance_sheet(&mut wb, dir, &path)?;
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
