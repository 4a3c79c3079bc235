//! Damaged or foreign files in a results or shard folder: exit 2 "damaged file <path>: what is
//! wrong", naming the user's file (never a staging copy), nothing written outside the folder, no
//! panic, no staging left.

mod common;
use common::*;
use std::path::Path;
use std::process::Output;

const GUARD: u64 = 120;

fn texas() -> String {
    root()
        .join("scenarios/project_texas_2022.toml")
        .display()
        .to_string()
}

fn audited() -> String {
    root()
        .join("scenarios/project_texas_audited.toml")
        .display()
        .to_string()
}

/// Exit 2 naming `file` as damaged, with `what` in the message.
fn damaged(o: &Output, file: &Path, what: &str) {
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "exit 2 expected: {err}");
    let want = format!("damaged file {}", file.display());
    assert!(err.contains(&want), "`{want}` missing from: {err}");
    assert!(err.contains(what), "`{what}` missing from: {err}");
    assert!(!err.contains(".staging-"), "names a staging copy: {err}");
}

#[test]
fn scenario_names_in_a_comparison_never_lead_plot_outside_its_folder() {
    let dir = tempfile::tempdir().unwrap();
    let o = bounded(
        bin().current_dir(dir.path()).args([
            "compare",
            &texas(),
            &audited(),
            "--baseline",
            "project-texas-2022",
            "--reps",
            "20",
            "--out",
            "res",
            "--quiet",
            "--no-charts",
        ]),
        GUARD,
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let folder = dir.path().join("res/compare");
    let csv = folder.join("compare.csv");
    let text = std::fs::read_to_string(&csv).unwrap();
    let outside = dir.path().join("outside");
    for evil in [
        "../../outside".to_string(),
        outside.display().to_string(),
        ".".to_string(),
    ] {
        std::fs::write(&csv, text.replace("project-texas-audited", &evil)).unwrap();
        let o = bounded(bin().arg("plot").arg(&folder), GUARD);
        damaged(&o, &csv, "not a folder name");
        assert!(!outside.exists(), "nothing is written outside the folder");
        assert_eq!(names_in(&dir.path().join("res")), vec!["compare"]);
    }
}

/// Two shard folders of one run of Project Texas (60 replications), under `dir/shards`.
fn shards(dir: &Path) -> Vec<std::path::PathBuf> {
    (0..2)
        .map(|k| {
            let out = format!("shards/s{k}");
            let spec = format!("{k}/2");
            let o = bounded(
                bin().current_dir(dir).args([
                    "run",
                    &texas(),
                    "--reps",
                    "60",
                    "--seed",
                    "11",
                    "--shard",
                    &spec,
                    "--out",
                    &out,
                    "--quiet",
                ]),
                GUARD,
            );
            assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
            dir.join(out).join("project-texas-2022")
        })
        .collect()
}

/// A copy of shard folder `from` at `dir/tag`.
fn copy(from: &Path, dir: &Path, tag: &str) -> std::path::PathBuf {
    let d = dir.join(tag);
    std::fs::create_dir_all(&d).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, d.join(p.file_name().unwrap())).unwrap();
    }
    d
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Rewrites the manifest of shard folder `d` as a forger would: `edit` applied to its text, the
/// data files' checksums and its own recomputed, so that only the checks behind them can refuse it.
fn forge(d: &Path, edit: impl Fn(&str) -> String) {
    let path = d.join("manifest.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let body = &text[..text.rfind("manifest = \"").unwrap()];
    let mut body = edit(body);
    for f in ["rows.bin", "paths.bin", "timeline.bin"] {
        let at = body.find(&format!("\"{f}\" = \"")).unwrap() + f.len() + 6;
        let sum = sha256_hex(&std::fs::read(d.join(f)).unwrap());
        body.replace_range(at..at + 64, &sum);
    }
    let sum = sha256_hex(body.as_bytes());
    std::fs::write(&path, format!("{body}manifest = \"{sum}\"\n")).unwrap();
}

fn merge(dir: &Path, shards: &[&Path]) -> Output {
    let mut c = bin();
    c.current_dir(dir).arg("merge");
    c.args(shards).args(["--out", "res", "--quiet"]);
    let o = bounded(&mut c, GUARD);
    let res = dir.join("res");
    assert!(
        !res.exists() || names_in(&res).is_empty(),
        "nothing is written"
    );
    o
}

fn patch(file: &Path, at: usize, bytes: &[u8]) {
    let mut b = std::fs::read(file).unwrap();
    b[at..at + bytes.len()].copy_from_slice(bytes);
    std::fs::write(file, b).unwrap();
}

#[test]
fn a_changed_byte_in_a_shard_is_refused_by_its_checksum() {
    let dir = tempfile::tempdir().unwrap();
    let s = shards(dir.path());
    for (i, file) in ["rows.bin", "paths.bin", "timeline.bin"].iter().enumerate() {
        let d = copy(&s[1], dir.path(), &format!("changed-{i}"));
        let len = std::fs::metadata(d.join(file)).unwrap().len() as usize;
        let at = len - 9;
        let mut b = std::fs::read(d.join(file)).unwrap();
        b[at] ^= 1;
        std::fs::write(d.join(file), b).unwrap();
        damaged(&merge(dir.path(), &[&s[0], &d]), &d.join(file), "SHA-256");
    }
    let d = copy(&s[1], dir.path(), "edited-manifest");
    let m = d.join("manifest.toml");
    let text = std::fs::read_to_string(&m).unwrap();
    std::fs::write(&m, text.replace("threads = ", "threads = 1")).unwrap();
    damaged(&merge(dir.path(), &[&s[0], &d]), &m, "changed");
}

#[test]
fn forged_manifests_with_absurd_seconds_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let s = shards(dir.path());
    for (i, bad) in ["-5.0", "nan", "1e308", "inf"].iter().enumerate() {
        let d = copy(&s[1], dir.path(), &format!("elapsed-{i}"));
        forge(&d, |t| {
            let at = t.find("elapsed_seconds = ").unwrap();
            let end = at + t[at..].find('\n').unwrap();
            format!("{}elapsed_seconds = {bad}{}", &t[..at], &t[end..])
        });
        damaged(
            &merge(dir.path(), &[&s[0], &d]),
            &d.join("manifest.toml"),
            "elapsed_seconds",
        );
    }
}

/// Rewrites the checksum of the first chunk of path records of `paths` (FNV-1a over 64-bit
/// words of its count and records, as `src/sim/spool.rs` writes it).
fn resum_first_chunk(paths: &Path) {
    let mut b = std::fs::read(paths).unwrap();
    let word = |b: &[u8], at: usize| u64::from_le_bytes(b[at..at + 8].try_into().unwrap());
    let end = 16 + word(&b, 8) as usize * 24;
    let sum = b[8..end]
        .chunks_exact(8)
        .fold(0xcbf2_9ce4_8422_2325u64, |h, w| {
            (h ^ word(w, 0)).wrapping_mul(0x0000_0100_0000_01b3)
        });
    b[end..end + 8].copy_from_slice(&sum.to_le_bytes());
    std::fs::write(paths, b).unwrap();
}

#[test]
fn forged_path_rows_naming_what_the_scenario_lacks_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let s = shards(dir.path());
    let records = (std::fs::metadata(s[1].join("paths.bin")).unwrap().len() - 8) / 24;
    assert!(records > 0, "the shard has path rows");
    // Offsets inside the first record (after the 8-byte header and the first chunk's 8-byte
    // count): actor, route, class, recipient, store. The chunk's checksum is made to match, so
    // the checks behind it are reached.
    for (what, at, bytes) in [
        ("actor", 16, vec![200u8, 0, 0, 0]),
        ("bad record", 20, vec![200]),
        ("class", 21, vec![200]),
        ("recipient", 22, vec![200]),
        ("store", 23, vec![200]),
        ("records", 8, f64::NAN.to_le_bytes().to_vec()),
    ] {
        let d = copy(&s[1], dir.path(), &format!("paths-{at}"));
        patch(&d.join("paths.bin"), 16 + at, &bytes);
        resum_first_chunk(&d.join("paths.bin"));
        forge(&d, |t| t.to_string());
        damaged(&merge(dir.path(), &[&s[0], &d]), &d.join("paths.bin"), what);
    }
}

#[test]
fn forged_timelines_are_refused_without_a_huge_allocation() {
    let dir = tempfile::tempdir().unwrap();
    let s = shards(dir.path());
    let len = std::fs::metadata(s[1].join("timeline.bin")).unwrap().len() as usize;
    // (offset, bytes): days beyond any length, days huge, every count all ones.
    let cases: Vec<(usize, Vec<u8>)> = vec![
        (0, u64::MAX.to_le_bytes().to_vec()),
        (0, (1u64 << 40).to_le_bytes().to_vec()),
        (16, vec![0xFF; len - 16]),
    ];
    for (i, (at, bytes)) in cases.iter().enumerate() {
        let d = copy(&s[1], dir.path(), &format!("timeline-{i}"));
        patch(&d.join("timeline.bin"), *at, bytes);
        forge(&d, |t| t.to_string());
        damaged(
            &merge(dir.path(), &[&s[0], &d]),
            &d.join("timeline.bin"),
            "timeline",
        );
    }
    // A device in place of the file: refused before reading, not read forever.
    if Path::new("/dev/zero").exists() {
        let d = copy(&s[1], dir.path(), "timeline-device");
        std::fs::remove_file(d.join("timeline.bin")).unwrap();
        std::os::unix::fs::symlink("/dev/zero", d.join("timeline.bin")).unwrap();
        damaged(
            &merge(dir.path(), &[&s[0], &d]),
            &d.join("timeline.bin"),
            "not a regular file",
        );
    }
}

#[test]
fn damaged_parquet_rows_never_panic_nor_name_a_staging_copy() {
    let dir = tempfile::tempdir().unwrap();
    let o = bounded(
        bin().current_dir(dir.path()).args([
            "run",
            &texas(),
            "--reps",
            "200",
            "--parquet",
            "--out",
            "res",
            "--quiet",
            "--no-charts",
        ]),
        GUARD,
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let folder = dir.path().join("res/project-texas-2022");
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = move |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    };
    for file in ["replications.parquet", "paths.parquet"] {
        let path = folder.join(file);
        let good = std::fs::read(&path).unwrap();
        for trial in 0..12 {
            let mut b = good.clone();
            match trial % 3 {
                0 => b.truncate(next(b.len())),
                1 => {
                    let at = next(b.len());
                    b[at] ^= 1 << next(8);
                }
                _ => {
                    let at = next(b.len());
                    let end = (at + 64).min(b.len());
                    b[at..end].iter_mut().for_each(|x| *x = 0xFF);
                }
            }
            std::fs::write(&path, &b).unwrap();
            let o = bounded(bin().arg("plot").arg(&folder), GUARD);
            let err = String::from_utf8_lossy(&o.stderr);
            assert!(
                matches!(o.status.code(), Some(0) | Some(2)),
                "{file} trial {trial}: exit {:?}: {err}",
                o.status
            );
            assert!(!err.contains("panicked"), "{err}");
            assert!(!err.contains(".staging-"), "names a staging copy: {err}");
            if o.status.code() == Some(2) {
                assert!(
                    err.contains(&format!("damaged file {}", path.display())),
                    "{err}"
                );
            }
            assert_eq!(
                names_in(&dir.path().join("res")),
                vec!["project-texas-2022"]
            );
        }
        std::fs::write(&path, &good).unwrap();
    }
}
