//! Parquet row files damaged inside their data pages: `leaksim plot` refuses them with exit 2
//! naming the file (or draws, when the damage happens to be harmless), never panics nor hangs;
//! a changed value that still decodes is refused by the checksum each file records.

mod common;

use std::path::Path;

/// Copies the files of folder `from` into the new folder `to`.
fn copy_folder(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_file() {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

#[test]
fn damaged_parquet_pages_give_exit_2_naming_the_file() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let r = common::bin()
        .current_dir(common::root())
        .args([
            "run",
            "scenarios/project_texas_2022.toml",
            "--reps",
            "120",
            "--parquet",
            "--no-charts",
            "--quiet",
            "--out",
            out.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    let whole = out.join("project-texas-2022");
    let mut refused = 0;
    for file in ["replications.parquet", "paths.parquet"] {
        let size = std::fs::metadata(whole.join(file)).unwrap().len() as usize;
        assert!(size > 200, "{file} holds data pages");
        // Offsets spread over the file, most inside its pages (neither header nor footer).
        for k in 1..8 {
            let at = size * k / 9;
            let dir = tmp.path().join(format!("{file}-{k}"));
            copy_folder(&whole, &dir);
            let mut b = std::fs::read(dir.join(file)).unwrap();
            for x in &mut b[at..at + 4] {
                *x ^= 0xA5;
            }
            std::fs::write(dir.join(file), b).unwrap();
            let o = common::bounded(common::bin().args(["plot", dir.to_str().unwrap()]), 120);
            let err = String::from_utf8_lossy(&o.stderr);
            let code = o.status.code();
            assert_ne!(code, Some(101), "{file} at {at}: panic: {err}");
            assert!(
                code == Some(0) || code == Some(2),
                "{file} at {at}: exit {code:?}: {err}"
            );
            if code == Some(2) {
                refused += 1;
                assert!(
                    err.contains("damaged file") && err.contains(file),
                    "{file} at {at}: {err}"
                );
            }
        }
    }
    assert!(refused > 0, "some damage inside the pages is caught");
}

/// A folder holding one small run with Parquet rows (and no charts), in `tmp`.
fn small_run(tmp: &Path, reps: &str) -> std::path::PathBuf {
    let out = tmp.join("small");
    let r = common::bin()
        .current_dir(common::root())
        .args(["run", "scenarios/project_texas_2022.toml", "--reps", reps])
        .args([
            "--seed",
            "5",
            "--parquet",
            "--no-charts",
            "--quiet",
            "--out",
        ])
        .arg(&out)
        .output()
        .unwrap();
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    out.join("project-texas-2022")
}

/// Rewrites Parquet file `from` as `to`: the same schema and values, uncompressed and without
/// dictionaries (so every value lies plain in its page), `edit` applied to the first value of
/// column `edit_col` of the first row group, and the key-value metadata kept when `keep_kv`.
fn rewrite(from: &Path, to: &Path, edit_col: Option<usize>, keep_kv: bool) {
    use parquet::basic::Compression;
    use parquet::column::reader::ColumnReader;
    use parquet::data_type::{ByteArrayType, DoubleType, Int64Type};
    use parquet::file::properties::WriterProperties;
    use parquet::file::reader::{FileReader, SerializedFileReader};
    use parquet::file::writer::SerializedFileWriter;
    let r = SerializedFileReader::new(std::fs::File::open(from).unwrap()).unwrap();
    let meta = r.metadata().file_metadata();
    let props = WriterProperties::builder()
        .set_compression(Compression::UNCOMPRESSED)
        .set_dictionary_enabled(false)
        .set_key_value_metadata(meta.key_value_metadata().cloned().filter(|_| keep_kv))
        .build();
    let root = meta.schema_descr().root_schema_ptr();
    let out = std::fs::File::create(to).unwrap();
    let mut w = SerializedFileWriter::new(out, root, std::sync::Arc::new(props)).unwrap();
    for g in 0..r.num_row_groups() {
        let rg = r.get_row_group(g).unwrap();
        let n = rg.metadata().num_rows() as usize;
        let mut wg = w.next_row_group().unwrap();
        for c in 0..rg.num_columns() {
            let edit = g == 0 && edit_col == Some(c);
            let mut wc = wg.next_column().unwrap().unwrap();
            let (mut defs, mut reps) = (Vec::new(), Vec::new());
            match rg.get_column_reader(c).unwrap() {
                ColumnReader::DoubleColumnReader(mut cr) => {
                    let mut v = Vec::new();
                    cr.read_records(n, Some(&mut defs), Some(&mut reps), &mut v)
                        .unwrap();
                    if edit {
                        v[0] = v[0] * 2.0 + 1.0;
                    }
                    let t = wc.typed::<DoubleType>();
                    t.write_batch(&v, levels(&defs), None).unwrap();
                }
                ColumnReader::Int64ColumnReader(mut cr) => {
                    let mut v = Vec::new();
                    cr.read_records(n, Some(&mut defs), Some(&mut reps), &mut v)
                        .unwrap();
                    if edit {
                        v[0] += 1;
                    }
                    let t = wc.typed::<Int64Type>();
                    t.write_batch(&v, levels(&defs), None).unwrap();
                }
                ColumnReader::ByteArrayColumnReader(mut cr) => {
                    let mut v = Vec::new();
                    cr.read_records(n, Some(&mut defs), Some(&mut reps), &mut v)
                        .unwrap();
                    if edit {
                        let mut b = v[0].data().to_vec();
                        b[0] ^= 0x20; // a letter's case: still text
                        v[0] = b.into();
                    }
                    let t = wc.typed::<ByteArrayType>();
                    t.write_batch(&v, levels(&defs), None).unwrap();
                }
                _ => panic!("a column of a type leaksim does not write"),
            }
            wc.close().unwrap();
        }
        wg.close().unwrap();
    }
    w.close().unwrap();
}

/// Definition levels to write: none for a required column (its reader gives none).
fn levels(defs: &[i16]) -> Option<&[i16]> {
    (!defs.is_empty()).then_some(defs)
}

/// `leaksim plot` on a copy of `whole` whose `file` is replaced by `rewrite`'s version of it.
fn plot_rewritten(
    tmp: &Path,
    whole: &Path,
    file: &str,
    edit: Option<usize>,
    kv: bool,
) -> std::process::Output {
    let dir = tmp.join(format!("{file}-{edit:?}-{kv}"));
    copy_folder(whole, &dir);
    rewrite(&whole.join(file), &dir.join(file), edit, kv);
    common::bounded(common::bin().arg("plot").arg(&dir), 120)
}

/// One value changed in a file rewritten so that it still decodes (a replication number, a
/// metric, a path's records, a recipient): `plot` refuses it (exit 2, naming it) and draws
/// nothing; the same rewrite with no value changed is accepted; a file without the checksum is
/// refused.
#[test]
fn a_changed_value_that_still_decodes_is_refused_and_nothing_is_drawn() {
    let tmp = tempfile::tempdir().unwrap();
    let whole = small_run(tmp.path(), "40");
    for (file, col) in [("replications.parquet", 1), ("paths.parquet", 3)] {
        // The same values written otherwise (no compression, no dictionary) are accepted.
        common::assert_ok(&plot_rewritten(tmp.path(), &whole, file, None, true));
        for edit in [0, col, 1 + col] {
            let dir = tmp.path().join(format!("{file}-{:?}-true", Some(edit)));
            let o = plot_rewritten(tmp.path(), &whole, file, Some(edit), true);
            common::assert_refused(
                &o,
                &[
                    "damaged file",
                    &dir.join(file).display().to_string(),
                    "checksum",
                ],
            );
            // Refused before anything was committed: no chart nor report in the folder.
            assert!(!dir.join("report.html").exists(), "{file} column {edit}");
            assert!(!dir.join("exceedance.svg").exists(), "{file} column {edit}");
        }
        // A file without the checksum (not one this leaksim wrote) is refused too.
        let o = plot_rewritten(tmp.path(), &whole, file, None, false);
        common::assert_refused(&o, &["damaged file", file, "no checksum"]);
    }
}

/// Every value of `path` as leaksim reads it: the numbers of every column (replications), or the
/// cells of every row (paths); the error when it refuses the file.
fn read_back(path: &Path) -> leaksim::Result<Vec<String>> {
    use leaksim::output::parquet;
    let mut out = Vec::new();
    if path.to_string_lossy().ends_with("paths.parquet") {
        parquet::for_each_path_row(path, |cells| {
            out.push(cells.join("|"));
            Ok(())
        })?;
    } else {
        let cols: Vec<usize> = (0..parquet::header(path)?.len()).collect();
        parquet::for_each_row(path, &cols, |row| {
            out.push(row.iter().map(|v| format!("{:x}", v.to_bits())).collect());
            Ok(())
        })?;
    }
    Ok(out)
}

/// One byte changed at every offset (or at a dense sample, in the larger replications file) of
/// both small files, zstd as leaksim writes them and rewritten plain: each is refused as damaged
/// naming the file, or read back with exactly the original values.
#[test]
fn every_byte_flip_is_refused_or_changes_no_value() {
    let tmp = tempfile::tempdir().unwrap();
    let whole = small_run(tmp.path(), "3");
    let (mut refused, mut same) = (0, 0);
    for file in ["replications.parquet", "paths.parquet"] {
        let plain = tmp.path().join(format!("plain-{file}"));
        rewrite(&whole.join(file), &plain, None, true);
        for original in [whole.join(file), plain] {
            let bytes = std::fs::read(&original).unwrap();
            let expected = read_back(&original).unwrap();
            assert!(!expected.is_empty(), "{file} holds rows");
            let damaged = tmp.path().join(file);
            // Every offset of a file up to 4000 bytes; an evenly spread 4000 or so of a larger.
            let step = bytes.len().div_ceil(4000);
            for (k, at) in (0..bytes.len()).step_by(step).enumerate() {
                let mut b = bytes.clone();
                b[at] ^= [0x01, 0x80, 0xff][k % 3];
                std::fs::write(&damaged, &b).unwrap();
                match read_back(&damaged) {
                    Ok(values) => {
                        assert_eq!(values, expected, "{original:?} byte {at}: other values");
                        same += 1;
                    }
                    Err(e) => {
                        assert_eq!(e.exit_code(), 2, "{original:?} byte {at}: {e}");
                        assert!(
                            e.to_string()
                                .starts_with(&format!("damaged file {}: ", damaged.display())),
                            "{original:?} byte {at}: {e}"
                        );
                        refused += 1;
                    }
                }
            }
        }
    }
    assert!(
        refused > 0 && same > 0,
        "{refused} refused, {same} harmless"
    );
}
