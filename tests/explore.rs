//! `leaksim explore`: the two-level pipeline against closed forms, shared inputs across deals,
//! designs, and the same bytes whatever the threads.

mod common;
use common::*;
use std::path::Path;

/// One route: a company answering to CN operates the only store, so each compelled demand hands
/// it over: P(reached within T) = 1 - exp(-rate T), T = one year.
fn operated_abroad(name: &str, rate: &str) -> String {
    ScenarioBuilder::operated_abroad(name, raw(rate)).toml()
}

fn write(dir: &Path, file: &str, text: &str) -> String {
    std::fs::write(dir.join(file), text).expect("writable");
    file.to_string()
}

fn explore(dir: &Path, args: &[&str]) {
    let mut all = vec!["explore", "-q", "--out", "out"];
    all.extend_from_slice(args);
    let o = leaksim_in(dir, &all);
    assert!(
        o.status.success(),
        "explore failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// Estimates of `deal`'s `reached` per draw, in draw order.
fn estimates(out: &Path, deal: &str) -> Vec<f64> {
    let rows = csv_rows(&out.join("draws.csv"));
    rows[1..]
        .iter()
        .filter(|r| r[1] == deal && r[2] == "reached")
        .map(|r| r[3].parse().unwrap())
        .collect()
}

#[test]
fn each_draw_and_the_spread_follow_the_closed_form() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (a, b): (f64, f64) = (0.5, 3.0);
    let f = write(
        dir.path(),
        "one.toml",
        &operated_abroad(
            "one",
            &format!("{{ dist = \"uniform\", min = {a}, max = {b} }}"),
        ),
    );
    let reps = 2000.0;
    explore(
        dir.path(),
        &[
            &f,
            "--draws",
            "40",
            "--reps",
            "2000",
            "--threads",
            "2",
            "--no-charts",
        ],
    );
    let out = dir.path().join("out/explore");
    let rates = csv_column(
        &out.join("inputs.csv"),
        "jurisdiction.CN.compelled_demands_per_year",
    );
    let p = estimates(&out, "one");
    assert_eq!(rates.len(), 40);
    let mut worst: f64 = 0.0;
    for (rate, p) in rates.iter().zip(&p) {
        let exact = 1.0 - (-rate).exp();
        let se = (exact * (1.0 - exact) / reps).sqrt();
        worst = worst.max((p - exact).abs() / se);
    }
    assert!(
        worst < 4.5,
        "a draw is {worst} standard errors from 1 - exp(-rate)"
    );
    // The average over the uniform rate: 1 - (e^-a - e^-b) / (b - a).
    let mean = 1.0 - ((-a).exp() - (-b).exp()) / (b - a);
    let u = &csv_rows(&out.join("uncertainty.csv"));
    let col = |name: &str| u[0].iter().position(|h| h == name).unwrap();
    let row = u.iter().find(|r| r[2] == "reached").unwrap();
    let get = |name: &str| row[col(name)].parse::<f64>().unwrap();
    assert!(
        get("mean_ci95_low") <= mean && mean <= get("mean_ci95_high"),
        "the averaged probability's interval [{}, {}] misses {mean}",
        get("mean_ci95_low"),
        get("mean_ci95_high")
    );
    // P is increasing in the rate: its percentiles are 1 - exp(-rate's percentiles).
    for (q, name) in [(0.05, "p05"), (0.5, "p50"), (0.95, "p95")] {
        let exact = 1.0 - (-(a + (b - a) * q)).exp();
        assert!(
            (get(name) - exact).abs() < 0.03,
            "{name} = {} but the closed form gives {exact}",
            get(name)
        );
    }
    // Above a threshold: P > 0.5 when rate > ln 2.
    let above = 1.0 - (2f64.ln() - a) / (b - a);
    assert!((get("above_0.5") - above).abs() < 0.06);
}

/// The quantile `q` of `v` by linear interpolation between order statistics.
fn quantile(v: &[f64], q: f64) -> f64 {
    let mut v = v.to_vec();
    v.sort_by(f64::total_cmp);
    let h = (v.len() - 1) as f64 * q;
    let (i, f) = (h.floor() as usize, h - h.floor());
    v[i] + f * (v[(i + 1).min(v.len() - 1)] - v[i])
}

/// P = 1 - exp(-rate) at the `q` quantile of a rate uniform on [0.2, 1.5].
fn exact(q: f64) -> f64 {
    1.0 - (-(0.2 + 1.3 * q)).exp()
}

/// Explores that P (a file `one.toml`) with `args` under seeds 0..30 and checks that each
/// percentile's 95% interval covers its closed form in at least 80% of them; `each` sees every
/// seed's output folder and its `reached` row by column name.
fn covered_over_seeds(args: &[&str], mut each: impl FnMut(&Path, &dyn Fn(&str) -> f64)) {
    let dir = tempfile::tempdir().expect("temp dir");
    let rate = "{ dist = \"uniform\", min = 0.2, max = 1.5 }";
    let f = write(dir.path(), "one.toml", &operated_abroad("one", rate));
    let levels = [
        (0.05, "p05"),
        (0.25, "p25"),
        (0.5, "p50"),
        (0.75, "p75"),
        (0.95, "p95"),
    ];
    let mut covered = [0; 5];
    let seeds = 30;
    for seed in 0..seeds {
        let seed = seed.to_string();
        let mut all = vec![f.as_str(), "--seed", &seed, "--no-charts"];
        all.extend_from_slice(args);
        explore(dir.path(), &all);
        let out = dir.path().join("out/explore");
        let u = &csv_rows(&out.join("uncertainty.csv"));
        let col = |name: &str| u[0].iter().position(|h| h == name).unwrap();
        let row = u.iter().find(|r| r[2] == "reached").unwrap();
        let get = |name: &str| row[col(name)].parse::<f64>().unwrap();
        for (k, (q, name)) in levels.iter().enumerate() {
            let low = get(&format!("{name}_ci95_low"));
            let high = get(&format!("{name}_ci95_high"));
            covered[k] += usize::from(low <= exact(*q) && exact(*q) <= high);
        }
        each(&out, &get);
    }
    for (k, (_, name)) in levels.iter().enumerate() {
        assert!(
            covered[k] * 10 >= seeds * 8,
            "{name}'s interval covers the closed form in {} of {seeds} seeds",
            covered[k]
        );
    }
}

#[test]
fn few_replications_per_draw_give_percentiles_and_intervals_that_follow_the_closed_form() {
    // 100 draws of 20 replications each (their own): each draw's estimate of P = 1 - exp(-rate),
    // between 18% and 78%, is coarse (steps of 5 points, standard error up to 11), which widens
    // the spread of the estimates (a quarter of its variance). Over 30 seeds: the noise share
    // says so, the deflated 5th and 95th percentiles lie nearer 1 - exp(-rate's percentile) than
    // the estimates' own, and each percentile's 95% interval covers it in at least 80% of them
    // (it did in 25 to 30).
    let (mut raw, mut deflated) = ([0.0; 2], [0.0; 2]);
    covered_over_seeds(&["--draws", "100", "--reps", "20"], |out, get| {
        let share = get("noise_share");
        assert!((0.1..0.5).contains(&share), "noise share {share}");
        let p = estimates(out, "one");
        for (k, (q, name)) in [(0.05, "p05"), (0.95, "p95")].into_iter().enumerate() {
            raw[k] += (quantile(&p, q) - exact(q)) / 30.0;
            deflated[k] += (get(name) - exact(q)) / 30.0;
        }
    });
    // Measured: the raw 5th and 95th percentiles are off by -2.7 and +7.4 points on average,
    // the deflated ones by +2.2 and +3.2 (deflation matches the variance, not the shape: P's
    // sharp upper edge at 77.7% stays blurred).
    for k in 0..2 {
        assert!(
            deflated[k].abs() < raw[k].abs(),
            "mean error of the deflated percentile {} against {} raw",
            deflated[k],
            raw[k]
        );
    }
}

#[test]
fn shared_replications_are_counted_in_the_intervals_of_the_sobol_design() {
    // Under --design sobol every row runs the same 20 replications, so the rows' estimates move
    // together with them (common random numbers make each increase with the rate). The crossed
    // bootstrap resamples the replications too: over 30 seeds each percentile's interval covers
    // 1 - exp(-rate's percentile) in at least 80% of them (it did in 28 to 30; resampling the
    // rows alone, in 3 to 17).
    covered_over_seeds(
        &["--design", "sobol", "--draws", "40", "--reps", "20"],
        |_, _| {},
    );
}

/// A rare leak: one insider attempting at 4 a year through a firewall that blocks each attempt
/// with an uncertain probability, so P(reached in a year) = 1 - exp(-4 (1 - block)). Explore
/// picks the conditional estimator (each attempt adds 1 - block, not a 0/1 outcome): each draw
/// still follows the closed form, with a smaller standard error than a share of the replications.
#[test]
fn the_conditional_estimator_follows_the_closed_form_with_a_smaller_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    let text = ScenarioBuilder::one_insider_poisson("rare", 4.0, 0.97, 365.0)
        .set(
            "controls.firewall.block_probability",
            raw("{ dist = \"uniform\", min = 0.95, max = 0.995 }"),
        )
        .toml();
    let f = write(dir.path(), "rare.toml", &text);
    let reps = 1000.0;
    explore(
        dir.path(),
        &[&f, "--draws", "30", "--reps", "1000", "--no-charts"],
    );
    let out = dir.path().join("out/explore");
    let blocks = csv_column(
        &out.join("inputs.csv"),
        "controls.firewall.block_probability",
    );
    let rows = csv_rows(&out.join("draws.csv"));
    let col = |name: &str| rows[0].iter().position(|h| h == name).unwrap();
    let reached: Vec<&Vec<String>> = rows[1..].iter().filter(|r| r[2] == "reached").collect();
    assert_eq!((blocks.len(), reached.len()), (30, 30));
    let mut z = Vec::new();
    for (block, r) in blocks.iter().zip(&reached) {
        assert_eq!(r[col("estimator")], "conditional", "{r:?}");
        let (p, se): (f64, f64) = (
            r[col("estimate")].parse().unwrap(),
            r[col("se")].parse().unwrap(),
        );
        let exact = 1.0 - (-4.0 * (1.0 - block)).exp();
        let plain_se = (exact * (1.0 - exact) / reps).sqrt();
        assert!(se > 0.0 && se < plain_se, "se {se} vs a share's {plain_se}");
        z.push((p - exact) / se);
    }
    // The draws share replications (common random numbers), so their errors are correlated:
    // bound each, and the mean error by what a fully correlated set would allow.
    assert!(z.iter().all(|z| z.abs() < 4.5), "{z:?}");
    let mean = z.iter().sum::<f64>() / z.len() as f64;
    assert!(mean.abs() < 3.5, "mean standardised error {mean}");
}

#[test]
fn a_path_shared_by_deals_takes_the_same_quantile_in_each() {
    let dir = tempfile::tempdir().expect("temp dir");
    let f1 = write(
        dir.path(),
        "low.toml",
        &operated_abroad("low", "{ dist = \"uniform\", min = 0.2, max = 1.0 }"),
    );
    // Twice the rate at every quantile.
    let f2 = write(
        dir.path(),
        "high.toml",
        &operated_abroad("high", "{ dist = \"uniform\", min = 0.4, max = 2.0 }"),
    );
    explore(
        dir.path(),
        &[
            &f1,
            &f2,
            "--draws",
            "20",
            "--reps",
            "3000",
            "--threads",
            "2",
            "--no-charts",
        ],
    );
    let out = dir.path().join("out/explore");
    let rates = csv_column(
        &out.join("inputs.csv"),
        "jurisdiction.CN.compelled_demands_per_year",
    );
    let (lo, hi) = (estimates(&out, "low"), estimates(&out, "high"));
    for ((r, pl), ph) in rates.iter().zip(&lo).zip(&hi) {
        let (el, eh) = (1.0 - (-r).exp(), 1.0 - (-2.0 * r).exp());
        assert!((pl - el).abs() < 0.04, "low deal: {pl} vs {el}");
        assert!(
            (ph - eh).abs() < 0.04,
            "high deal at the same quantile: {ph} vs {eh}"
        );
    }
    // Common random numbers: the higher rate never reaches less in a paired draw.
    let rank = csv_rows(&out.join("ranking.csv"));
    let below = rank
        .iter()
        .find(|r| r[2] == "below" && r[3] == "low" && r[4] == "high" && r[1] == "reached")
        .unwrap();
    assert_eq!(below[5], "1");
}

#[test]
fn a_tied_input_sets_every_path_with_one_draw_and_fixed_values_become_inputs() {
    let dir = tempfile::tempdir().expect("temp dir");
    let f = write(dir.path(), "fixed.toml", &operated_abroad("fixed", "1.0"));
    explore(
        dir.path(),
        &[
            &f,
            "--draws",
            "10",
            "--reps",
            "50",
            "--no-charts",
            "--input",
            "both={ dist = \"uniform\", min = 0.1, max = 0.2 }@jurisdiction.CN.compelled_demands_per_year,data_class.protected.weight",
        ],
    );
    let out = dir.path().join("out/explore");
    let head = &csv_rows(&out.join("inputs.csv"))[0];
    assert_eq!(head, &vec!["draw".to_string(), "both".to_string()]);
    let v = csv_column(&out.join("inputs.csv"), "both");
    assert!(v.iter().all(|x| (0.1..=0.2).contains(x)));
}

#[test]
fn the_sobol_design_runs_n_times_inputs_plus_two_draws() {
    let dir = tempfile::tempdir().expect("temp dir");
    let f = write(
        dir.path(),
        "one.toml",
        &operated_abroad("one", "{ dist = \"uniform\", min = 0.5, max = 3 }"),
    );
    explore(
        dir.path(),
        &[
            &f,
            "--design",
            "sobol",
            "--draws",
            "16",
            "--reps",
            "50",
            "--no-charts",
            "--input",
            "data_class.protected.weight={ dist = \"uniform\", min = 1, max = 2 }",
        ],
    );
    let out = dir.path().join("out/explore");
    assert_eq!(csv_rows(&out.join("inputs.csv")).len(), 1 + 16 * (2 + 2));
    let s = csv_rows(&out.join("sensitivity.csv"));
    let rate = s
        .iter()
        .find(|r| r[3] == "jurisdiction.CN.compelled_demands_per_year" && r[2] == "reached")
        .unwrap();
    let weight = s
        .iter()
        .find(|r| r[3] == "data_class.protected.weight" && r[2] == "reached")
        .unwrap();
    assert_eq!(rate[4], "sobol");
    let total = |r: &Vec<String>| r[8].parse::<f64>().unwrap();
    assert!(total(rate) > 0.5, "the rate drives P: {rate:?}");
    assert!(
        total(weight).abs() < 0.05,
        "the weight cannot move P: {weight:?}"
    );
}

#[test]
fn same_bytes_whatever_the_threads() {
    let dir = tempfile::tempdir().expect("temp dir");
    let f = write(
        dir.path(),
        "one.toml",
        &operated_abroad("one", "{ dist = \"pert\", min = 0.5, mode = 1, max = 3 }"),
    );
    for t in ["1", "2"] {
        let o = leaksim_in(
            dir.path(),
            &[
                "explore",
                "-q",
                &f,
                "--draws",
                "12",
                "--reps",
                "300",
                "--threads",
                t,
                "--out",
                &format!("out{t}"),
            ],
        );
        assert!(o.status.success());
    }
    let a = read_dir_files(&dir.path().join("out1/explore"));
    let b = read_dir_files(&dir.path().join("out2/explore"));
    assert!(a.iter().any(|(n, _)| n == "report.html"));
    assert_eq!(a.len(), b.len());
    for ((na, ba), (nb, bb)) in a.iter().zip(&b) {
        assert_eq!(na, nb);
        assert!(ba == bb, "{na} differs between 1 and 2 threads");
    }
}

#[test]
fn bad_inputs_are_refused_before_anything_is_written() {
    let dir = tempfile::tempdir().expect("temp dir");
    let f = write(dir.path(), "fixed.toml", &operated_abroad("fixed", "1.0"));
    for args in [
        vec![f.as_str()],
        vec![
            f.as_str(),
            "--input",
            "no.such.path={ dist = \"uniform\", min = 0, max = 1 }",
        ],
        vec![
            f.as_str(),
            "--input",
            "jurisdiction.CN.compelled_demands_per_year=3",
        ],
    ] {
        let mut all = vec!["explore", "-q", "--out", "out"];
        all.extend(args);
        let o = leaksim_in(dir.path(), &all);
        assert_eq!(
            o.status.code(),
            Some(2),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        assert!(!dir.path().join("out").exists());
    }
}

#[test]
fn evidence_weights_the_draws_as_the_exact_posterior_does() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (a, b): (f64, f64) = (0.5, 3.0);
    let f = write(
        dir.path(),
        "one.toml",
        &operated_abroad(
            "one",
            &format!("{{ dist = \"uniform\", min = {a}, max = {b} }}"),
        ),
    );
    // No demand known in 2 years, each known with probability 0.5: likelihood exp(-rate).
    explore(
        dir.path(),
        &[
            &f,
            "--draws",
            "200",
            "--reps",
            "1000",
            "--threads",
            "2",
            "--no-charts",
            "--evidence",
            "no-demand-known:CN:years=2:p_known=0.5",
        ],
    );
    let c = 2.0 * 0.5;
    let integral = |k: f64| ((-k * a).exp() - (-k * b).exp()) / k;
    // Posterior of the rate: density exp(-c rate) on [a, b]; P = 1 - exp(-rate).
    let posterior = 1.0 - integral(c + 1.0) / integral(c);
    let prior = 1.0 - integral(1.0) / (b - a);
    let u = csv_rows(&dir.path().join("out/explore/uncertainty.csv"));
    let col = |name: &str| u[0].iter().position(|h| h == name).unwrap();
    let row = |w: &str| {
        u.iter()
            .find(|r| r[0] == w && r[2] == "reached")
            .unwrap_or_else(|| panic!("no {w} row"))
            .clone()
    };
    let num = |r: &Vec<String>, name: &str| r[col(name)].parse::<f64>().unwrap();
    let ev = row("evidence");
    assert!(
        (num(&ev, "mean") - posterior).abs() < 0.015,
        "conditioned mean {} vs exact posterior {posterior} (prior {prior})",
        num(&ev, "mean")
    );
    assert!(
        num(&ev, "mean_ci95_low") - 0.01 <= posterior
            && posterior <= num(&ev, "mean_ci95_high") + 0.01
    );
    let ess = num(&ev, "ess");
    assert!(ess > 50.0 && ess < 200.0, "ess {ess}");
    assert!((num(&row("prior"), "mean") - prior).abs() < 0.015);
}

#[test]
fn no_evidence_leaves_the_files_evidence_out() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut text = operated_abroad("one", "{ dist = \"uniform\", min = 0.5, max = 3.0 }");
    text.push_str(
        "\n[[evidence]]\nkind = \"no-demand-known\"\nstate = \"CN\"\nyears = 2\np_known = { dist = \"uniform\", min = 0.1, max = 0.5 }\n",
    );
    let f = write(dir.path(), "one.toml", &text);
    let base = ["--draws", "40", "--reps", "50", "--no-charts"];
    let weights = |out: &str, extra: &[&str]| -> (Vec<String>, String) {
        let mut args = vec![f.as_str(), "--out", out];
        args.extend(base);
        args.extend(extra);
        let mut all = vec!["explore", "-q"];
        all.extend(args);
        assert_ok(&leaksim_in(dir.path(), &all));
        let folder = dir.path().join(out).join("explore");
        let u = csv_rows(&folder.join("uncertainty.csv"));
        let mut w: Vec<String> = u[1..].iter().map(|r| r[0].clone()).collect();
        w.dedup();
        let inputs = std::fs::read_to_string(folder.join("inputs.csv")).unwrap();
        (w, inputs.lines().next().unwrap_or("").to_string())
    };
    // The file's evidence: conditioned rows, and its uncertain p_known an input.
    let (w, inputs) = weights("a", &[]);
    assert_eq!(w, ["prior", "evidence"]);
    assert!(inputs.contains("p_known"), "{inputs}");
    // Left out: the prior alone, and no p_known input.
    let (w, inputs) = weights("b", &["--no-evidence"]);
    assert_eq!(w, ["prior"]);
    assert!(!inputs.contains("p_known"), "{inputs}");
    // --evidence still counts.
    let (w, _) = weights(
        "c",
        &[
            "--no-evidence",
            "--evidence",
            "no-demand-known:CN:years=2:p_known=0.5",
        ],
    );
    assert_eq!(w, ["prior", "evidence"]);
}
