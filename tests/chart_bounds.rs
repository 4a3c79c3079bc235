//! Charts of any finite or infinite value, and of hostile files given to `plot`, are drawn in
//! bounded time and size, or refused as damaged files (exit 2): never a hang, never a panic, no
//! staging folder left.

mod common;
use common::*;
use std::path::{Path, PathBuf};
use std::process::Output;

const NAME: &str = "status-quo-2021";
/// Far more than any case here needs: a guard against hangs, not a timing assertion.
const GUARD: u64 = 120;

fn ok(o: &Output) {
    assert!(
        o.status.success(),
        "exit {:?}: {}",
        o.status,
        String::from_utf8_lossy(&o.stderr)
    );
}

/// Writes a folder with `args` (a command and its options) under `dir/out`; returns the folder.
fn write(dir: &Path, args: &[&str], folder: &str) -> PathBuf {
    let mut a: Vec<&str> = args.to_vec();
    a.extend(["--reps", "30", "--out", "out", "--quiet"]);
    ok(&bounded(bin().current_dir(dir).args(&a), GUARD));
    dir.join("out").join(folder)
}

fn plot(folder: &Path) -> Output {
    bounded(bin().arg("plot").arg(folder), GUARD)
}

/// The height of a PNG, from its header.
fn png_height(path: &Path) -> u32 {
    let b = std::fs::read(path).unwrap();
    u32::from_be_bytes([b[20], b[21], b[22], b[23]])
}

fn only_the_folder_is_left(folder: &Path) {
    let name = folder.file_name().unwrap().to_string_lossy().to_string();
    assert_eq!(names_in(folder.parent().unwrap()), vec![name]);
}

/// Replaces column `col` of every data row of the CSV `file` with the values of `values`, in turn.
fn set_column(file: &Path, col: &str, values: &[&str]) {
    let text = std::fs::read_to_string(file).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    let i = header.split(',').position(|c| c == col).unwrap();
    let mut out = format!("{header}\n");
    for (k, l) in lines.enumerate() {
        let mut cells: Vec<&str> = l.split(',').collect();
        cells[i] = values[k % values.len()];
        out.push_str(&cells.join(","));
        out.push('\n');
    }
    std::fs::write(file, out).unwrap();
}

#[test]
fn a_run_whose_loss_is_infinite_draws_its_charts_and_plot_redraws_them() {
    let dir = tempfile::tempdir().unwrap();
    ScenarioBuilder::status_quo()
        .set("data_class.protected.loss_per_record", 1e308)
        .write_as(&dir.path().join("inf.toml"));
    let folder = write(dir.path(), &["run", "inf.toml"], NAME);
    let loss = csv_column(&folder.join("replications.csv"), "loss");
    assert!(loss.iter().any(|v| v.is_infinite()), "a loss is infinite");
    assert!(folder.join("exceedance.png").is_file());
    ok(&plot(&folder));
    only_the_folder_is_left(&folder);
}

#[test]
fn plot_draws_a_folder_holding_infinite_and_huge_values() {
    let dir = tempfile::tempdir().unwrap();
    let folder = write(
        dir.path(),
        &[
            "run",
            root()
                .join("scenarios/status_quo_2021.toml")
                .to_str()
                .unwrap(),
        ],
        NAME,
    );
    let extreme = [
        "inf",
        "1e308",
        "-1e308",
        "1.7976931348623157e308",
        "-inf",
        "nan",
    ];
    for col in ["loss", "records_leaked", "total_cost"] {
        set_column(&folder.join("replications.csv"), col, &extreme);
    }
    for col in ["records_leaked_mean", "records_leaked_p95", "backlog_mean"] {
        set_column(&folder.join("timeline.csv"), col, &extreme);
    }
    set_column(&folder.join("paths.csv"), "records", &extreme);
    for col in ["p_reached", "p_ci95_high", "records_mean"] {
        set_column(&folder.join("reach.csv"), col, &extreme);
    }
    ok(&plot(&folder));
    only_the_folder_is_left(&folder);
}

#[test]
fn a_sweep_to_the_float_maximum_draws_its_chart() {
    let dir = tempfile::tempdir().unwrap();
    let folder = write(
        dir.path(),
        &[
            "sweep",
            root()
                .join("scenarios/status_quo_2021.toml")
                .to_str()
                .unwrap(),
            "--vary",
            "data_class.public.loss_per_record=1,1.75e308",
        ],
        &format!("{NAME}-sweep-data_class.public.loss_per_record"),
    );
    assert!(folder.join("sweep.png").is_file());
    let csv = folder.join("sweep.csv");
    set_column(&csv, "mean", &["1e308", "-1e308", "inf"]);
    set_column(&csv, "ci95_high", &["1.7976931348623157e308", "-1e308"]);
    ok(&plot(&folder));
    only_the_folder_is_left(&folder);
}

#[test]
fn a_sweep_file_without_its_varied_column_is_a_damaged_file() {
    let dir = tempfile::tempdir().unwrap();
    let folder = write(
        dir.path(),
        &[
            "sweep",
            root()
                .join("scenarios/status_quo_2021.toml")
                .to_str()
                .unwrap(),
            "--vary",
            "data_class.public.loss_per_record=1,2",
        ],
        &format!("{NAME}-sweep-data_class.public.loss_per_record"),
    );
    let csv = folder.join("sweep.csv");
    let text = std::fs::read_to_string(&csv).unwrap();
    let cut: String = text
        .lines()
        .map(|l| l.split_once(',').unwrap().1.to_string() + "\n")
        .collect();
    std::fs::write(&csv, cut).unwrap();
    let o = plot(&folder);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("damaged file") && err.contains(&csv.display().to_string()),
        "{err}"
    );
    only_the_folder_is_left(&folder);
}

#[test]
fn twenty_thousand_paths_draw_a_bounded_chart() {
    let dir = tempfile::tempdir().unwrap();
    let folder = write(
        dir.path(),
        &[
            "run",
            root()
                .join("scenarios/status_quo_2021.toml")
                .to_str()
                .unwrap(),
        ],
        NAME,
    );
    let mut text = String::from("replication,path,class,records,recipient,actor,store\n");
    for i in 0..20_000 {
        text.push_str(&format!("0,route_{i},public,{},CN,a,s\n", i + 1));
    }
    std::fs::write(folder.join("paths.csv"), text).unwrap();
    ok(&plot(&folder));
    assert!(png_height(&folder.join("paths.png")) <= 4000);
    let svg = std::fs::read_to_string(folder.join("paths.svg")).unwrap();
    assert!(
        svg.contains("19960 more paths"),
        "the chart says what it left out"
    );
    only_the_folder_is_left(&folder);
}

#[test]
fn a_tornado_of_twenty_thousand_rows_and_huge_values_draws_a_bounded_chart() {
    let dir = tempfile::tempdir().unwrap();
    let folder = write(
        dir.path(),
        &[
            "tornado",
            root()
                .join("scenarios/status_quo_2021.toml")
                .to_str()
                .unwrap(),
        ],
        &format!("{NAME}-tornado"),
    );
    let csv = folder.join("tornado.csv");
    let mut text = String::from(
        "parameter,low_value,high_value,metric_at_low,metric_at_high,swing,metric,base\n",
    );
    let huge = ["1e308", "-1e308", "inf", "-1.7976931348623157e308"];
    for i in 0..20_000 {
        let (a, b) = (huge[i % 4], huge[(i + 1) % 4]);
        text.push_str(&format!("p.{i}.x,{a},{b},{a},{b},1,reached,0.5\n"));
    }
    std::fs::write(&csv, text).unwrap();
    ok(&plot(&folder));
    assert!(png_height(&folder.join("tornado.png")) <= 4000);
    only_the_folder_is_left(&folder);
}
