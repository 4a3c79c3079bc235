//! Per-block checksums of the spool files in a shard folder: a damaged block is refused naming the
//! file and the block, even when the shard's manifest was rewritten to match the damaged files.

use leaksim::error::Error;
use leaksim::output::checked::sha256;
use leaksim::sim::spool::{Spool, PATHS_FILE, ROWS_FILE};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn leaksim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_leaksim"))
        .env("SOURCE_DATE_EPOCH", "1700000000")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .output()
        .expect("leaksim runs")
}

/// Writes the two shard folders of a 200-replication run under `out`; returns them.
fn shards(out: &Path) -> Vec<PathBuf> {
    (0..2)
        .map(|k| {
            let o = out.join(format!("s{k}"));
            let shard = format!("{k}/2");
            let r = leaksim(&[
                "run",
                "scenarios/project_texas_2022.toml",
                "--reps",
                "200",
                "--shard",
                &shard,
                "--no-charts",
                "--quiet",
                "--out",
                o.to_str().unwrap(),
            ]);
            assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
            o.join("project-texas-2022")
        })
        .collect()
}

fn word(b: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(b[at..at + 8].try_into().unwrap())
}

/// Overwrites 8 bytes in the middle of the first block of `rows.bin` (middle column, middle
/// replication); returns the block's replications.
fn damage_rows(dir: &Path) -> (u64, u64) {
    let f = dir.join(ROWS_FILE);
    let mut b = std::fs::read(&f).unwrap();
    let (width, first, len) = (word(&b, 8) as usize, word(&b, 16), word(&b, 24) as usize);
    let at = 32 + ((width / 2) * len + len / 2) * 8;
    let was = word(&b, at);
    b[at..at + 8].copy_from_slice(&(f64::from_bits(was) + 1.0).to_le_bytes());
    std::fs::write(&f, b).unwrap();
    (first, first + len as u64)
}

/// Rewrites the manifest of `dir` so that its file checksums and its own checksum match the files.
fn rewrite_manifest(dir: &Path) {
    let path = dir.join("manifest.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let mut body = String::new();
    for line in text.lines() {
        if line.starts_with("manifest = \"") {
            continue;
        }
        let mut line = line.to_string();
        for f in [ROWS_FILE, PATHS_FILE] {
            if line.starts_with(&format!("\"{f}\" = ")) {
                let sum = sha256(&std::fs::read(dir.join(f)).unwrap());
                line = format!("\"{f}\" = \"{sum}\"");
            }
        }
        body.push_str(&line);
        body.push('\n');
    }
    let sum = sha256(body.as_bytes());
    std::fs::write(&path, format!("{body}manifest = \"{sum}\"\n")).unwrap();
}

#[test]
fn merge_refuses_a_damaged_rows_block_named_by_file_and_block() {
    let tmp = tempfile::tempdir().unwrap();
    let dirs = shards(tmp.path());
    let (a, b) = damage_rows(&dirs[0]);
    rewrite_manifest(&dirs[0]);
    let out = tmp.path().join("merged");
    let r = leaksim(&[
        "merge",
        dirs[0].to_str().unwrap(),
        dirs[1].to_str().unwrap(),
        "--no-charts",
        "--quiet",
        "--out",
        out.to_str().unwrap(),
    ]);
    let err = String::from_utf8_lossy(&r.stderr);
    assert_eq!(r.status.code(), Some(2), "{err}");
    assert!(err.contains("damaged file"), "{err}");
    assert!(err.contains(ROWS_FILE), "{err}");
    let block = format!("block 0 (replications {a}..{b}): checksum");
    assert!(err.contains(&block), "wanted `{block}` in: {err}");
    assert!(!out.join("project-texas-2022").exists(), "nothing written");
}

#[test]
fn spool_reading_refuses_damaged_blocks_and_accepts_whole_ones() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = &shards(tmp.path())[1];
    let s = Spool::open(dir).unwrap();
    let n = s.len() as usize;
    assert_eq!(s.column(0).unwrap().len(), n, "a whole spool reads back");
    s.for_each_path(|_, _| Ok::<(), Error>(())).unwrap();
    drop(s);

    let (a, b) = damage_rows(dir);
    let s = Spool::open(dir).unwrap();
    let width = s.width();
    let e = s.column(width / 2).unwrap_err().to_string();
    assert!(e.contains(ROWS_FILE) && e.contains("block 0"), "{e}");
    assert!(e.contains(&format!("replications {a}..{b}")), "{e}");
    assert!(s.column(0).is_ok(), "another column of the block is whole");
    let e = s
        .for_each_block(|_, _, _| Ok::<(), Error>(()))
        .unwrap_err()
        .to_string();
    assert!(e.contains("block 0") && e.contains("checksum"), "{e}");

    // One path record of the first chunk changed: its records count (bytes 8..16 of a record).
    let p = dir.join(PATHS_FILE);
    let mut bytes = std::fs::read(&p).unwrap();
    assert!(word(&bytes, 8) > 0, "the shard has paths");
    let at = 16 + 8;
    let v = f64::from_bits(word(&bytes, at)) * 2.0 + 1.0;
    bytes[at..at + 8].copy_from_slice(&v.to_le_bytes());
    std::fs::write(&p, bytes).unwrap();
    let mut seen = 0;
    let e = s
        .for_each_path(|_, _| {
            seen += 1;
            Ok::<(), Error>(())
        })
        .unwrap_err()
        .to_string();
    assert!(e.contains(PATHS_FILE) && e.contains("block 0"), "{e}");
    assert_eq!(seen, 0, "no row of a damaged chunk is handed on");
}

#[test]
fn a_spool_of_the_older_format_is_refused_clearly() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = &shards(tmp.path())[0];
    for (f, old) in [(ROWS_FILE, b"LKSROWS1"), (PATHS_FILE, b"LKSPATH1")] {
        let path = dir.join(f);
        let whole = std::fs::read(&path).unwrap();
        let mut b = whole.clone();
        b[..8].copy_from_slice(old);
        std::fs::write(&path, b).unwrap();
        let e = Spool::open(dir).unwrap_err().to_string();
        assert!(e.contains(f) && e.contains("older leaksim"), "{e}");
        std::fs::write(&path, whole).unwrap();
    }
    assert!(Spool::open(dir).is_ok());
}
