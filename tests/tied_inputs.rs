//! Tied inputs (`[inputs.NAME]`): one draw per replication sets every field named, it is one
//! uncertain parameter (`inputs.NAME`) that `--set` and the tornado (with `--param
//! PATH=FROM..TO`) accept, and its closed form holds when fixed.

mod common;
use common::*;
use leaksim::analysis::tornado::tornado_plan;
use leaksim::model::{Model, HOURS_PER_DAY};
use leaksim::sim::metrics::idx;
use leaksim::sim::runner::draw_params;
use leaksim::Scenario;

/// Two stores abroad, seized at 2 demands a year, deleted on the day the input `deletion` sets:
/// a `dist` with its `params`.
fn two_abroad(dist: &str, params: &[(&str, f64)]) -> ScenarioBuilder {
    let mut b = ScenarioBuilder::new("tied")
        .horizon_days(365)
        .class("d", 5000)
        .jurisdiction("US")
        .jurisdiction("CN")
        .set("jurisdiction.CN.compelled_demands_per_year", raw("2.0"))
        .store("a", "CN", &["d"])
        .store("b", "CN", &["d"])
        .store("home", "US", &["d"])
        .set("inputs.deletion.dist", dist);
    for (key, value) in params {
        b = b.set(&format!("inputs.deletion.{key}"), *value);
    }
    b.set(
        "inputs.deletion.paths",
        ["store.a.delete_on_day", "store.b.delete_on_day"],
    )
}

/// The deletion day drawn from PERT(0, 100, 365).
const PERT: [(&str, f64); 3] = [("min", 0.0), ("mode", 100.0), ("max", 365.0)];

#[test]
fn one_draw_sets_every_store_it_names() {
    let s = two_abroad("uniform", &[("min", 10.0), ("max", 300.0)]).scenario();
    let names: Vec<&str> = s.params.iter().map(|p| p.path.as_str()).collect();
    assert_eq!(names, ["inputs.deletion"]);
    assert_eq!(s.inputs[0].paths.len(), 2);
    let mut seen = Vec::new();
    for rep in 0..50 {
        let values = draw_params(&s, 3, rep);
        let m = Model::build(&s, &values);
        assert_eq!(m.stores[0].delete_at, values[0] * HOURS_PER_DAY);
        assert_eq!(m.stores[1].delete_at, values[0] * HOURS_PER_DAY);
        assert!(m.stores[2].delete_at.is_infinite());
        seen.push(values[0]);
    }
    assert!(seen.iter().all(|&d| (10.0..=300.0).contains(&d)));
    assert!(
        seen.windows(2).any(|w| w[0] != w[1]),
        "drawn per replication"
    );
}

#[test]
fn set_fixes_a_tied_input_and_the_seizure_follows_the_poisson_form() {
    let dir = tempfile::tempdir().unwrap();
    let f = two_abroad("pert", &PERT).write(dir.path());
    let day = 73.0;
    let s = Scenario::load(&f, &[format!("inputs.deletion={day}")]).unwrap();
    assert!(
        s.params.is_empty(),
        "a fixed input is no uncertain parameter"
    );
    let m = Model::build(&s, &[]);
    assert_eq!(m.stores[1].delete_at, day * HOURS_PER_DAY);
    // Both stores abroad go on `day`: a demand before it seizes them (the home store is out of
    // reach), so P = 1 - exp(-2 x day / 365).
    let n = 20_000;
    let rows = run(&s, 5, n, 2);
    let p = 1.0 - (-2.0 * day / 365.0f64).exp();
    let se = (p * (1.0 - p) / n as f64).sqrt();
    let p_sim = mean_of(&rows, idx::LEAKED);
    assert!((p_sim - p).abs() < 4.0 * se, "{p_sim} vs {p}");
    // A distribution through --set replaces the old one and keeps the paths.
    let s = Scenario::load(
        &f,
        &["inputs.deletion={ dist = \"uniform\", min = 1, max = 2 }".to_string()],
    )
    .unwrap();
    assert_eq!(s.params[0].path, "inputs.deletion");
    assert_eq!(s.params[0].dist.support(), (1.0, 2.0));
}

#[test]
fn the_tornado_swings_a_tied_input_over_an_explicit_range() {
    let s = two_abroad("pert", &PERT).scenario();
    let plan = tornado_plan(&s, &[], 0.5).unwrap();
    assert_eq!(plan.swings[0].0, "inputs.deletion");
    let plan = tornado_plan(
        &s,
        &[
            "inputs.deletion=30..365".to_string(),
            "jurisdiction.CN.compelled_demands_per_year=0.5..4".to_string(),
        ],
        0.5,
    )
    .unwrap();
    assert_eq!(plan.swings[0], ("inputs.deletion".to_string(), 30.0, 365.0));
    assert_eq!(
        plan.swings[1],
        (
            "jurisdiction.CN.compelled_demands_per_year".to_string(),
            0.5,
            4.0
        )
    );
    for bad in [
        "inputs.deletion=30",
        "inputs.deletion=a..b",
        "inputs.deletion=5..5",
    ] {
        let e = tornado_plan(&s, &[bad.to_string()], 0.5).err().expect(bad);
        assert!(e.to_string().contains("FROM..TO"), "{bad}: {e}");
    }
}

#[test]
fn bad_tied_inputs_are_refused_with_their_key() {
    let paths = ["store.a.delete_on_day", "store.b.delete_on_day"];
    let cases = [
        (
            two_abroad("pert", &PERT).set("store.a.delete_on_day", 10),
            "store.a.delete_on_day",
            "is set by `inputs.deletion`",
        ),
        (
            two_abroad("pert", &PERT).set(
                "inputs.deletion.paths",
                ["store.a.delete_on_day", "store.b.delete_on_dy"],
            ),
            "inputs.deletion.paths",
            "not a numeric field",
        ),
        (
            two_abroad("uniform", &[("min", -5.0), ("max", 5.0)]),
            "inputs.deletion",
            "a number >= 0",
        ),
        (
            two_abroad("pert", &PERT)
                .unset("inputs.deletion.paths")
                .set("inputs.deletion.pathz", paths),
            "inputs.deletion.paths",
            "missing required key",
        ),
    ];
    for (builder, key, msg) in cases {
        let e = Scenario::from_text(&builder.toml(), "t.toml")
            .expect_err(key)
            .to_string();
        assert!(
            e.contains(key) && e.contains(msg) && e.contains("t.toml"),
            "{key}: {e}"
        );
    }
}

#[test]
fn set_on_a_tied_field_unties_that_field_only() {
    let dir = tempfile::tempdir().unwrap();
    let f = two_abroad("uniform", &[("min", 10.0), ("max", 300.0)]).write(dir.path());
    let s = Scenario::load(&f, &["store.a.delete_on_day=5".to_string()]).unwrap();
    assert_eq!(s.inputs[0].paths, ["store.b.delete_on_day"]);
    let values = draw_params(&s, 1, 0);
    let m = Model::build(&s, &values);
    assert_eq!(m.stores[0].delete_at, 5.0 * HOURS_PER_DAY);
    assert_eq!(m.stores[1].delete_at, values[0] * HOURS_PER_DAY);
    // The resolved scenario reads back the same.
    let again = dir.path().join("resolved.toml");
    std::fs::write(&again, s.resolved_toml(1, 10)).unwrap();
    let r = Scenario::load(&again, &[]).unwrap();
    assert_eq!(r.digest(), s.digest());
    // Untying every field leaves an input that sets nothing: no uncertain parameter.
    let s = Scenario::load(
        &f,
        &[
            "store.a.delete_on_day=5".to_string(),
            "store.b.delete_on_day=6".to_string(),
        ],
    )
    .unwrap();
    assert!(s.params.is_empty());
}
