//! Text reports for the terminal: what a scenario resolves to (`validate`) and run summaries.

use crate::metrics::NAMES;
use crate::model::{Model, HOURS_PER_DAY};
use crate::queueing::{erlang_c, mmc_mean_wait};
use crate::runner::RunResult;
use crate::scenario::Scenario;
use crate::stats::MetricSummary;
use std::fmt::Write;

/// Formats a number with thousands separators and at most `decimals` decimals.
pub fn human(v: f64, decimals: usize) -> String {
    if v.is_nan() {
        return "-".into();
    }
    if v.is_infinite() {
        return if v > 0.0 { "inf".into() } else { "-inf".into() };
    }
    let s = format!("{:.*}", decimals, v.abs());
    let (int, frac) = s
        .split_once('.')
        .map(|(a, b)| (a.to_string(), Some(b.to_string())))
        .unwrap_or((s.clone(), None));
    let mut grouped = String::new();
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    let sign = if v < 0.0 && v.abs() >= 0.5 * 10f64.powi(-(decimals as i32)) {
        "-"
    } else {
        ""
    };
    match frac {
        Some(f) => format!("{sign}{grouped}.{f}"),
        None => format!("{sign}{grouped}"),
    }
}

/// Gatekeeper load figures derived from a scenario at its parameters' means.
#[derive(Clone, Debug, PartialEq)]
pub struct GatekeeperLoad {
    /// Requests per hour reaching review (legitimate ones; insiders add a negligible share).
    pub arrival_rate: f64,
    /// Offered load in Erlangs (arrival rate x mean review hours).
    pub offered_load: f64,
    /// Offered load per reviewer.
    pub utilization: f64,
    /// Reviewers.
    pub team: usize,
    /// Mean review hours.
    pub mean_review_hours: f64,
    /// M/M/c mean wait (exact for exponential reviews; infinite when overloaded).
    pub mmc_wait_hours: f64,
    /// Probability of waiting (Erlang C).
    pub p_wait: f64,
}

/// The gatekeeper's load at the parameters' means, if there is a gatekeeper.
pub fn gatekeeper_load(s: &Scenario) -> Option<GatekeeperLoad> {
    let m = Model::build(s, &s.mean_values());
    let g = m.gatekeeper.as_ref()?;
    let arrival_rate: f64 = m
        .actors
        .iter()
        .map(|a| {
            let reviewed = a
                .classes
                .iter()
                .filter(|&&c| a.review_classes & (1u64 << c) != 0)
                .count();
            if a.classes.is_empty() {
                0.0
            } else {
                a.legit_rate * reviewed as f64 / a.classes.len() as f64
            }
        })
        .sum();
    let mean_review_hours = g.review_hours.mean();
    let offered_load = arrival_rate * mean_review_hours;
    Some(GatekeeperLoad {
        arrival_rate,
        offered_load,
        utilization: if g.team > 0 {
            offered_load / g.team as f64
        } else {
            f64::INFINITY
        },
        team: g.team,
        mean_review_hours,
        mmc_wait_hours: mmc_mean_wait(arrival_rate, mean_review_hours, g.team),
        p_wait: erlang_c(g.team, offered_load),
    })
}

/// What `validate` prints: the scenario as resolved, derived figures, and warnings.
pub fn describe(s: &Scenario) -> (String, Vec<String>) {
    let mut o = String::new();
    let mut warn = Vec::new();
    let jn = |j: usize| s.jurisdictions[j].name.as_str();
    let cn = |cs: &[usize]| {
        cs.iter()
            .map(|&c| s.classes[c].name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let _ = writeln!(
        o,
        "scenario {} ({}): horizon {} days{}",
        s.name,
        s.source,
        s.horizon_days,
        s.start_date
            .as_ref()
            .map(|d| format!(" from {d}"))
            .unwrap_or_default()
    );
    if !s.description.is_empty() {
        let _ = writeln!(o, "  {}", s.description.trim());
    }
    let _ = writeln!(o, "data classes:");
    for c in &s.classes {
        let _ = writeln!(
            o,
            "  {:<20} {} records, weight {}, loss/record {}",
            c.name,
            human(s.typical(&c.records), 0),
            s.typical(&c.weight),
            s.typical(&c.loss_per_record)
        );
    }
    let _ = writeln!(o, "jurisdictions:");
    for j in &s.jurisdictions {
        let _ = writeln!(
            o,
            "  {:<20} compelled demands/year {}",
            j.name,
            s.typical(&j.demands_per_year)
        );
    }
    let _ = writeln!(o, "stores:");
    for st in &s.stores {
        let mut extra = String::new();
        if let Some(k) = st.key_custody {
            let _ = write!(extra, ", keys held in {}", jn(k));
        }
        if let Some(d) = &st.delete_on_day {
            let _ = write!(extra, ", deleted on day {}", s.typical(d));
        }
        let _ = writeln!(
            o,
            "  {:<20} in {}: [{}]{}",
            st.name,
            jn(st.jurisdiction),
            cn(&st.classes),
            extra
        );
        if st.classes.is_empty() && !s.flows.iter().any(|f| s.stores[f.to].name == st.name) {
            warn.push(format!(
                "store `{}` holds no class and no flow fills it",
                st.name
            ));
        }
    }
    if !s.flows.is_empty() {
        let _ = writeln!(o, "flows:");
    }
    for f in &s.flows {
        let end = f
            .end_day
            .as_ref()
            .map(|d| format!(" until day {}", s.typical(d)))
            .unwrap_or_default();
        let _ = writeln!(
            o,
            "  {:<20} {} -> {} [{}] every {} h from day {}{}",
            f.name,
            s.stores[f.from].name,
            s.stores[f.to].name,
            cn(&f.classes),
            s.typical(&f.every_hours),
            s.typical(&f.start_day),
            end
        );
    }
    let m = Model::build(s, &s.mean_values());
    if !s.actors.is_empty() {
        let _ = writeln!(o, "actors:");
    }
    for (a, am) in s.actors.iter().zip(&m.actors) {
        let insiders = am.headcount as f64 * am.malicious_fraction;
        let _ = writeln!(
            o,
            "  {:<20} in {}: {} people, {} requests/day, expected insiders {}, {} attempts/insider/year{}",
            a.name,
            jn(a.jurisdiction),
            human(am.headcount as f64, 0),
            human(am.legit_rate * HOURS_PER_DAY, 1),
            human(insiders, 2),
            s.typical(&a.attempts_per_insider_per_year),
            if a.compellable { ", compellable" } else { "" }
        );
        if am.outside_classes != 0
            && am.review_classes & am.outside_classes != am.outside_classes
            && am.legit_rate > 0.0
        {
            warn.push(format!("actor `{}`: some requested classes are outside the firewall with no review path: those legitimate requests are blocked", a.name));
        }
    }
    let c = &s.controls;
    let _ = writeln!(o, "controls:");
    let mut any = false;
    if let Some(f) = &c.firewall {
        any = true;
        let allow: Vec<&str> = f.allow.iter().map(|&j| jn(j)).collect();
        let _ = writeln!(
            o,
            "  firewall: allow [{}], open [{}], block {}, egress {}, {} breaches/year, from day {}",
            allow.join(", "),
            cn(&f.open_classes),
            s.typical(&f.block_probability),
            f.egress,
            s.typical(&f.breaches_per_year),
            s.typical(&f.from_day)
        );
    }
    if let Some(g) = &c.gatekeeper {
        any = true;
        let from: Vec<&str> = g.review_from.iter().map(|&j| jn(j)).collect();
        let _ = writeln!(
            o,
            "  gatekeeper: {} reviewers, classes [{}], reviewing [{}], catch {}, fatigue {}, from day {}",
            human(s.typical(&g.team_size), 0),
            cn(&g.classes),
            from.join(", "),
            s.typical(&g.catch_probability),
            s.typical(&g.fatigue),
            s.typical(&g.from_day)
        );
    }
    if let Some(x) = &c.code_review {
        any = true;
        let _ = writeln!(
            o,
            "  code review: catch {}, from day {}",
            s.typical(&x.probability),
            s.typical(&x.from_day)
        );
    }
    if let Some(x) = &c.enclave {
        any = true;
        let _ = writeln!(
            o,
            "  enclave: block {}, from day {}",
            s.typical(&x.probability),
            s.typical(&x.from_day)
        );
    }
    if let Some(x) = &c.audit {
        any = true;
        let _ = writeln!(
            o,
            "  audit: detect {}, mean delay {} h, from day {}",
            s.typical(&x.detect_probability),
            x.detect_delay_hours.mean(),
            s.typical(&x.from_day)
        );
    }
    if let Some(x) = &c.third_party_audit {
        any = true;
        let _ = writeln!(
            o,
            "  third-party audit: every {} days, detect {}, from day {}",
            s.typical(&x.every_days),
            s.typical(&x.detect_probability),
            s.typical(&x.from_day)
        );
    }
    if !any {
        let _ = writeln!(o, "  none");
    }
    if let Some(l) = gatekeeper_load(s) {
        let _ = writeln!(o, "derived:");
        let _ = writeln!(
            o,
            "  requests reaching review: {} per hour ({} per day)",
            human(l.arrival_rate, 2),
            human(l.arrival_rate * 24.0, 0)
        );
        let _ = writeln!(
            o,
            "  offered load: {} reviewer-hours per hour; utilization {:.1}% of {} reviewers",
            human(l.offered_load, 1),
            100.0 * l.utilization,
            l.team
        );
        if l.utilization >= 1.0 {
            warn.push(format!(
                "gatekeeper overloaded: utilization {:.0}% >= 100%; the queue grows without bound (add reviewers or set bypass_after_hours)",
                100.0 * l.utilization
            ));
        } else {
            let _ = writeln!(
                o,
                "  M/M/c mean wait (exponential reviews): {} h; probability of waiting {:.1}%",
                human(l.mmc_wait_hours, 2),
                100.0 * l.p_wait
            );
        }
    }
    if !s.params.is_empty() {
        let _ = writeln!(o, "uncertain parameters (drawn once per replication):");
        for p in &s.params {
            let _ = writeln!(o, "  {:<50} mean {}", p.path, human(p.dist.mean(), 3));
        }
    }
    (o, warn)
}

/// The run summary printed after `leaksim run`.
pub fn run_summary(s: &Scenario, r: &RunResult, summary: &[MetricSummary]) -> String {
    let get = |name: &str| &summary[NAMES.iter().position(|n| *n == name).expect("known metric")];
    let mut o = String::new();
    let leaked = get("leaked");
    let _ = writeln!(o, "== {} ==", s.name);
    let _ = writeln!(
        o,
        "  P(any leak)            {:>7.2}%   95% CI [{:.2}%, {:.2}%]",
        100.0 * leaked.mean,
        100.0 * leaked.ci95_low,
        100.0 * leaked.ci95_high
    );
    let _ = writeln!(o, "  {:<22} {:>16} {:>16} {:>16}", "", "mean", "p95", "p99");
    for name in [
        "records_leaked",
        "exposure",
        "loss",
        "control_cost",
        "total_cost",
    ] {
        let m = get(name);
        let _ = writeln!(
            o,
            "  {:<22} {:>16} {:>16} {:>16}",
            name,
            human(m.mean, 0),
            human(m.p95, 0),
            human(m.p99, 0)
        );
    }
    let wait = get("review_mean_wait_hours");
    let util = get("reviewer_utilization");
    if util.n > 0 {
        let _ = writeln!(
            o,
            "  gatekeeper mean wait   {} h; utilization {:.1}%",
            human(wait.mean, 2),
            100.0 * util.mean
        );
    }
    let events = r.events();
    let secs = r.elapsed.as_secs_f64().max(1e-9);
    let _ = writeln!(
        o,
        "  {} replications, {} events in {:.2} s ({} events/s on {} threads), seed {}",
        human(r.rows.len() as f64, 0),
        human(events, 0),
        secs,
        human(events / secs, 0),
        r.threads,
        r.seed
    );
    o
}

/// Metrics shown in the terminal tables of `compare` and `sweep`.
pub const KEY_METRICS: [&str; 6] = [
    "leaked",
    "records_leaked",
    "exposure",
    "loss",
    "control_cost",
    "total_cost",
];

fn fmt_metric(metric: &str, v: f64) -> String {
    if metric == "leaked" {
        format!("{:.2}%", 100.0 * v)
    } else {
        human(v, 0)
    }
}

/// The table `compare` prints: per scenario and key metric, the mean and the paired difference
/// from the baseline with their 95% intervals.
pub fn compare_table(
    rows: &[crate::study::CompareRow],
    baseline: &str,
    reps: usize,
    seed: u64,
) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "Paired comparison with `{baseline}`: {} replications on common random numbers, seed {seed}", human(reps as f64, 0));
    let _ = writeln!(
        o,
        "{:<26} {:<15} {:>34} {:>42} {:>9}",
        "scenario", "metric", "mean [95% CI]", "delta vs baseline [95% CI]", "P(lower)"
    );
    let mut last = "";
    for r in rows.iter().filter(|r| KEY_METRICS.contains(&r.metric)) {
        let p = &r.paired;
        let scen = if r.scenario != last {
            r.scenario.as_str()
        } else {
            ""
        };
        last = &r.scenario;
        let mean = format!(
            "{} [{}, {}]",
            fmt_metric(r.metric, p.mean.mean),
            fmt_metric(r.metric, p.mean.low),
            fmt_metric(r.metric, p.mean.high)
        );
        let delta = if r.scenario == baseline {
            "(baseline)".to_string()
        } else {
            format!(
                "{} [{}, {}]",
                fmt_metric(r.metric, p.delta.mean),
                fmt_metric(r.metric, p.delta.low),
                fmt_metric(r.metric, p.delta.high)
            )
        };
        let _ = writeln!(
            o,
            "{:<26} {:<15} {:>34} {:>42} {:>8.1}%",
            scen,
            r.metric,
            mean,
            delta,
            100.0 * p.p_lower
        );
        if r.metric == "total_cost" && r.scenario != baseline {
            let c = r.cost_per_loss_avoided;
            let text = if c.is_nan() {
                "no expected loss avoided".to_string()
            } else {
                format!(
                    "{} of extra control cost per unit of expected loss avoided",
                    human(c, 2)
                )
            };
            let _ = writeln!(o, "{:<26} {text}", "");
        }
    }
    o
}

/// The table `sweep` prints: each point's key metrics.
pub fn sweep_table(paths: &[String], points: &[Vec<String>], runs: &[RunResult]) -> String {
    let mut o = String::new();
    let head: Vec<&str> = paths
        .iter()
        .map(|p| p.rsplit('.').next().unwrap_or(p))
        .collect();
    let _ = write!(o, "{:<24}", head.join(" x "));
    for m in ["leaked", "exposure", "review_mean_wait_hours", "total_cost"] {
        let _ = write!(o, " {:>22}", m);
    }
    let _ = writeln!(o);
    for (p, r) in points.iter().zip(runs) {
        let _ = write!(o, "{:<24}", p.join(" x "));
        for m in ["leaked", "exposure", "review_mean_wait_hours", "total_cost"] {
            let i = NAMES.iter().position(|n| *n == m).expect("known");
            let v: Vec<f64> = r
                .rows
                .iter()
                .map(|x| x.metrics[i])
                .filter(|v| !v.is_nan())
                .collect();
            let mean = if v.is_empty() {
                f64::NAN
            } else {
                v.iter().sum::<f64>() / v.len() as f64
            };
            let text = if m == "review_mean_wait_hours" {
                human(mean, 2)
            } else {
                fmt_metric(m, mean)
            };
            let _ = write!(o, " {:>22}", text);
        }
        let _ = writeln!(o);
    }
    o
}

/// The table `tornado` prints, largest swing first.
pub fn tornado_table(
    name: &str,
    metric: &str,
    base: f64,
    rows: &[crate::study::TornadoRow],
) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "Tornado of {metric} for {name} (all parameters at their medians: {})",
        human(base, 2)
    );
    let _ = writeln!(
        o,
        "{:<52} {:>14} {:>14} {:>16} {:>16} {:>14}",
        "parameter", "low", "high", "metric at low", "metric at high", "swing"
    );
    for r in rows {
        let _ = writeln!(
            o,
            "{:<52} {:>14} {:>14} {:>16} {:>16} {:>14}",
            r.parameter,
            human(r.low_value, 4),
            human(r.high_value, 4),
            human(r.metric_at_low, 2),
            human(r.metric_at_high, 2),
            human(r.swing, 2)
        );
    }
    o
}
