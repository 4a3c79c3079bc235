//! Parquet row files damaged inside their data pages: `leaksim plot` refuses them with exit 2
//! naming the file (or draws, when the damage happens to be harmless), never panics nor hangs.

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
