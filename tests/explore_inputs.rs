//! The inputs of `explore` from scenario files: tied inputs (`[inputs.NAME]`), structural
//! choices (`choices = {...}`, `--input PATH=choice(...)`), and `[[evidence]]` entries with
//! file/line/key errors.

mod common;
use common::*;
use leaksim::analysis::explore::driver::fixed_deal;
use leaksim::analysis::explore::inputs::{parse_input, InputList};
use leaksim::analysis::explore::prim::prim;
use leaksim::random::Dist;
use leaksim::scenario::Targeting;
use leaksim::Scenario;

/// Two stores abroad deleted on the day the tied input sets; an actor whose targeting a choice
/// may set. `tied` is the `[inputs.deletion]` body before `paths`, `extra` more tables.
fn deal(name: &str, tied: &str, extra: &str) -> String {
    format!(
        r#"
[scenario]
name = "{name}"
horizon_days = 365
[[data_class]]
name = "d"
records = 5000
[[jurisdiction]]
name = "US"
[[jurisdiction]]
name = "CN"
compelled_demands_per_year = 2.0
[[store]]
name = "a"
jurisdiction = "CN"
classes = ["d"]
[[store]]
name = "b"
jurisdiction = "CN"
classes = ["d"]
[[store]]
name = "home"
jurisdiction = "US"
classes = ["d"]
[[actor]]
name = "eng"
jurisdiction = "CN"
headcount = 10
malicious_fraction = 0.1
illicit_attempts_per_insider_per_year = 1
records_per_attempt = 10
[inputs.deletion]
{tied}
paths = ["store.a.delete_on_day", "store.b.delete_on_day"]
{extra}
"#
    )
}

fn days(s: &Scenario) -> Vec<f64> {
    s.stores
        .iter()
        .take(2)
        .map(|st| s.typical(st.delete_on_day.as_ref().expect("deleted")))
        .collect()
}

#[test]
fn a_tied_input_is_one_input_across_deals_at_the_same_quantile() {
    let a = scenario(&deal("a", "dist = \"uniform\"\nmin = 10\nmax = 110", ""));
    let b = scenario(&deal("b", "dist = \"uniform\"\nmin = 100\nmax = 300", ""));
    let deals = [a, b];
    let list = InputList::build(&deals, &[]).unwrap();
    let names: Vec<&str> = list.inputs.iter().map(|i| i.name.as_str()).collect();
    assert_eq!(names, ["inputs.deletion"]);
    for u in [0.1, 0.5, 0.9] {
        let fa = fixed_deal(&deals[0], &list, 0, &[u]).unwrap();
        let fb = fixed_deal(&deals[1], &list, 1, &[u]).unwrap();
        // One draw sets both stores; each deal through its own distribution, same quantile.
        let (da, db) = (days(&fa), days(&fb));
        assert_eq!(da[0], da[1]);
        assert_eq!(db[0], db[1]);
        assert!((da[0] - (10.0 + 100.0 * u).round()).abs() < 1e-9, "{da:?}");
        assert!((db[0] - (100.0 + 200.0 * u).round()).abs() < 1e-9, "{db:?}");
    }
}

#[test]
fn a_fixed_tied_input_becomes_an_input_when_named() {
    let a = scenario(&deal("a", "dist = \"constant\"\nvalue = 50", ""));
    let deals = [a];
    assert!(InputList::build(&deals, &[]).unwrap().is_empty());
    let spec = parse_input("inputs.deletion={ dist = \"uniform\", min = 20, max = 40 }").unwrap();
    let list = InputList::build(&deals, &[spec]).unwrap();
    let f = fixed_deal(&deals[0], &list, 0, &[0.5]).unwrap();
    assert_eq!(days(&f), [30.0, 30.0]);
}

const CHOICE: &str = r#"
[inputs.targeting]
choices = { uniform = 0.25, weakest = 0.75 }
paths = ["actor.eng.targeting"]
"#;

#[test]
fn a_structural_choice_maps_one_uniform_to_its_alternatives() {
    let fixed = "dist = \"constant\"\nvalue = 50";
    let s = scenario(&deal("a", fixed, CHOICE));
    // `run` keeps the file's value (the default, uniform).
    assert_eq!(s.actors[0].targeting, Targeting::Uniform);
    let deals = [s];
    let list = InputList::build(&deals, &[]).unwrap();
    assert_eq!(list.inputs[0].name, "inputs.targeting");
    assert_eq!(list.inputs[0].levels, ["uniform", "weakest"]);
    for (u, want, index) in [
        (0.1, Targeting::Uniform, 0.0),
        (0.3, Targeting::Weakest, 1.0),
    ] {
        let f = fixed_deal(&deals[0], &list, 0, &[u]).unwrap();
        assert_eq!(f.actors[0].targeting, want);
        assert_eq!(list.reported_value(0, u), index);
    }
    // Over a hypercube, the share of each alternative is its weight.
    let n = 1000;
    let weakest = (0..n)
        .filter(|i| list.reported_value(0, (*i as f64 + 0.5) / n as f64) == 1.0)
        .count();
    assert_eq!(weakest, 750);
}

#[test]
fn a_choice_on_the_command_line_is_checked_against_the_deals() {
    let s = scenario(&deal("a", "dist = \"constant\"\nvalue = 50", ""));
    let deals = [s];
    let spec = parse_input("actor.eng.targeting=choice(uniform:1,weakest:3)").unwrap();
    assert_eq!(spec.choices.len(), 2);
    let list = InputList::build(&deals, &[spec]).unwrap();
    let f = fixed_deal(&deals[0], &list, 0, &[0.9]).unwrap();
    assert_eq!(f.actors[0].targeting, Targeting::Weakest);
    let bad = parse_input("actor.eng.targeting=choice(uniform:1,weakst:3)").unwrap();
    let e = InputList::build(&deals, &[bad]).unwrap_err().to_string();
    assert!(
        e.contains("no scenario has a field that takes every alternative"),
        "{e}"
    );
    for text in ["x=choice(a:1)", "x=choice(a:0,b:1)", "x=choice(a:1,a:2)"] {
        assert!(parse_input(text).is_err(), "{text}");
    }
}

#[test]
fn a_bad_choice_in_a_file_names_file_line_and_key() {
    let text = deal(
        "a",
        "dist = \"constant\"\nvalue = 50",
        &CHOICE.replace("weakest = 0.75", "weakst = 0.75"),
    );
    let e = Scenario::from_text(&text, "deal.toml")
        .unwrap_err()
        .to_string();
    assert!(e.starts_with("deal.toml:"), "{e}");
    assert!(e.contains("key `inputs.targeting.choices`"), "{e}");
    assert!(e.contains("weakst"), "{e}");
    let text = deal(
        "a",
        "dist = \"constant\"\nvalue = 50",
        &CHOICE.replace("weakest = 0.75", "weakest = -1"),
    );
    let e = Scenario::from_text(&text, "deal.toml")
        .unwrap_err()
        .to_string();
    assert!(e.contains("inputs.targeting.choices.weakest"), "{e}");
}

#[test]
fn prim_says_which_alternatives_a_box_keeps() {
    // Of interest: the third alternative only.
    let x: Vec<Vec<f64>> = (0..300).map(|i| vec![(i % 3) as f64]).collect();
    let y: Vec<bool> = x.iter().map(|r| r[0] == 2.0).collect();
    let d = prim(&x, &y, &[3]);
    let s = &d.trajectory[d.chosen];
    assert_eq!(s.kept, vec![(0, vec![2])]);
    assert_eq!(s.density, 1.0);
}

const EVIDENCE: &str = r#"
[[evidence]]
kind = "no-demand-known"
state = "CN"
years = 3
p_known = { dist = "uniform", min = 0.1, max = 0.5 }
"#;

#[test]
fn evidence_is_read_from_the_scenario() {
    let s = scenario(&deal("a", "dist = \"constant\"\nvalue = 50", EVIDENCE));
    assert_eq!(s.evidence.len(), 1);
    let e = &s.evidence[0];
    assert_eq!((e.state.as_str(), e.years), ("CN", 3.0));
    assert!(matches!(e.p_known, Dist::Uniform { min, max } if min == 0.1 && max == 0.5));
}

#[test]
fn bad_evidence_names_file_line_and_key() {
    for (from, to, key) in [
        ("state = \"CN\"", "state = \"XX\"", "evidence[1].state"),
        ("years = 3", "years = -3", "evidence[1].years"),
        (
            "kind = \"no-demand-known\"",
            "kind = \"demand\"",
            "evidence[1].kind",
        ),
        (
            "min = 0.1, max = 0.5",
            "min = 0.1, max = 1.5",
            "evidence[1].p_known",
        ),
        ("years = 3", "years = 3\nmonths = 2", "evidence[1].months"),
    ] {
        let text = deal(
            "a",
            "dist = \"constant\"\nvalue = 50",
            &EVIDENCE.replace(from, to),
        );
        let e = Scenario::from_text(&text, "deal.toml")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("deal.toml:"), "{e}");
        assert!(e.contains(&format!("key `{key}")), "{key}: {e}");
    }
}

#[test]
fn explore_conditions_on_the_files_evidence_as_on_the_command_lines() {
    let dir = tempfile::tempdir().unwrap();
    let uncertain = "dist = \"uniform\"\nmin = 10\nmax = 300";
    let rate = "compelled_demands_per_year = 2.0";
    let unc_rate = "compelled_demands_per_year = { dist = \"uniform\", min = 0.5, max = 4 }";
    let with = deal("a", uncertain, EVIDENCE).replace(rate, unc_rate);
    let without = deal("a", uncertain, "").replace(rate, unc_rate);
    std::fs::write(dir.path().join("with.toml"), with).unwrap();
    std::fs::write(dir.path().join("without.toml"), without).unwrap();
    let run = |file: &str, out: &str, extra: &[&str]| {
        let mut args = vec![
            "explore",
            "-q",
            "--no-charts",
            file,
            "--draws",
            "20",
            "--reps",
            "20",
            "--out",
            out,
        ];
        args.extend_from_slice(extra);
        let o = leaksim_in(dir.path(), &args);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        std::fs::read(dir.path().join(out).join("explore/uncertainty.csv")).unwrap()
    };
    let from_file = run("with.toml", "f", &[]);
    let from_cli = run(
        "without.toml",
        "c",
        &["--evidence", "no-demand-known:CN:years=3:p_known=0.1..0.5"],
    );
    assert!(String::from_utf8_lossy(&from_file).contains("\nevidence,"));
    assert_eq!(from_file, from_cli);
}
