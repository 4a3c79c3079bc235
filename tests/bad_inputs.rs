//! A corpus of bad inputs: each gives exit code 2, a message naming what is wrong (file, line, key,
//! what was expected), and writes nothing.

mod common;
use common::*;

const BASE: &str = r#"[scenario]
name = "base"
horizon_days = 30
[[data_class]]
name = "protected"
records = 1000
[[jurisdiction]]
name = "US"
[[jurisdiction]]
name = "CN"
compelled_demands_per_year = 1
[[store]]
name = "texas"
jurisdiction = "US"
classes = ["protected"]
[[actor]]
name = "eng"
jurisdiction = "CN"
headcount = 10
requests_per_person_per_day = 0.1
malicious_fraction = 0.1
records_per_attempt = 5
[controls.gatekeeper]
team_size = 3
review_hours = 2
catch_probability = 0.9
"#;

struct Case {
    name: &'static str,
    /// Scenario text (`main.toml`); `{BASE}` is replaced by the valid base above.
    text: String,
    /// Extra files (name, text).
    extra: Vec<(&'static str, String)>,
    /// Extra command-line arguments.
    args: Vec<&'static str>,
    /// Substrings the error message must contain.
    expect: Vec<&'static str>,
}

fn case(name: &'static str, text: &str, expect: &[&'static str]) -> Case {
    Case {
        name,
        text: text.replace("{BASE}", BASE),
        extra: vec![],
        args: vec![],
        expect: expect.to_vec(),
    }
}

fn corpus() -> Vec<Case> {
    let mut v = vec![
        case("toml syntax", "[scenario\nname = \"x\"\n", &["main.toml:1", "invalid TOML"]),
        case("unknown top-level key", "{BASE}\n[extras]\nfoo = 1\n", &["main.toml:28", "`extras`", "unknown key"]),
        case("misspelt key", &BASE.replace("team_size = 3", "team_sise = 3"), &["main.toml:24", "controls.gatekeeper.team_sise", "did you mean `team_size`"]),
        case("unknown store in flow", "{BASE}\n[[flow]]\nname = \"f\"\nfrom = \"texas\"\nto = \"singapore\"\nevery_hours = 24\n", &["main.toml:31", "flow.f.to", "unknown store `singapore`", "declared: texas"]),
        case("unknown jurisdiction", &BASE.replace("jurisdiction = \"US\"\nclasses", "jurisdiction = \"USA\"\nclasses"), &["main.toml:14", "store.texas.jurisdiction", "unknown jurisdiction `USA`", "did you mean `US`"]),
        case("unknown class", &BASE.replace("classes = [\"protected\"]", "classes = [\"protectd\"]"), &["main.toml:15", "unknown data class `protectd`", "did you mean `protected`"]),
        case("probability above 1", &BASE.replace("catch_probability = 0.9", "catch_probability = 1.5"), &["main.toml:26", "controls.gatekeeper.catch_probability", "between 0 and 1", "1.5"]),
        case("negative rate", &BASE.replace("compelled_demands_per_year = 1", "compelled_demands_per_year = -1"), &["main.toml:11", "jurisdiction.CN.compelled_demands_per_year", ">= 0"]),
        case("nan value", &BASE.replace("review_hours = 2", "review_hours = nan"), &["main.toml:25", "review_hours", "finite number"]),
        case("infinite value", &BASE.replace("records = 1000", "records = inf"), &["main.toml:6", "data_class.protected.records", "finite"]),
        case("wrong type", &BASE.replace("headcount = 10", "headcount = \"ten\""), &["main.toml:19", "actor.eng.headcount", "expected a number, found a string"]),
        case("fractional count", &BASE.replace("headcount = 10", "headcount = 10.5"), &["actor.eng.headcount", "whole number"]),
        case("unknown distribution", &BASE.replace("review_hours = 2", "review_hours = { dist = \"normal\", mean = 2 }"), &["main.toml:25", "unknown distribution `normal`"]),
        case("distribution missing a parameter", &BASE.replace("review_hours = 2", "review_hours = { dist = \"pert\", min = 1, max = 5 }"), &["review_hours.mode", "missing required key"]),
        case("distribution out of order", &BASE.replace("review_hours = 2", "review_hours = { dist = \"triangular\", min = 5, mode = 2, max = 1 }"), &["review_hours", "min <= mode <= max"]),
        case("unbounded distribution for a probability", &BASE.replace("catch_probability = 0.9", "catch_probability = { dist = \"lognormal\", median = 0.5, sigma = 1 }"), &["catch_probability", "outside", "probability"]),
        case("negative per-event draws", &BASE.replace("review_hours = 2", "review_hours = { dist = \"uniform\", min = -1, max = 2 }"), &["review_hours", "negative"]),
        case("missing scenario table", "[[data_class]]\nname = \"d\"\nrecords = 1\n", &["main.toml", "[scenario]"]),
        case("missing data class", "[scenario]\nname = \"x\"\n[[jurisdiction]]\nname = \"US\"\n[[store]]\nname = \"s\"\njurisdiction = \"US\"\n", &["[[data_class]]"]),
        case("missing required key", &BASE.replace("catch_probability = 0.9\n", ""), &["controls.gatekeeper.catch_probability", "missing required key"]),
        case("duplicate names", &format!("{BASE}\n[[store]]\nname = \"texas\"\njurisdiction = \"US\"\n"), &["main.toml:29", "duplicate store name `texas`"]),
        case("bad scenario name", &BASE.replace("name = \"base\"", "name = \"../escape\""), &["scenario.name", "not a valid name"]),
        case("bad start date", &BASE.replace("horizon_days = 30", "horizon_days = 30\nstart_date = \"June 2022\""), &["scenario.start_date", "YYYY-MM-DD"]),
        case("zero horizon", &BASE.replace("horizon_days = 30", "horizon_days = 0"), &["scenario.horizon_days", "> 0"]),
        case("endless horizon", &BASE.replace("horizon_days = 30", "horizon_days = 1e9"), &["scenario.horizon_days", "100 years"]),
        case("huge team", &BASE.replace("team_size = 3", "team_size = 1_000_000_000"), &["main.toml:24", "team_size", "at most"]),
        case("huge uncertain team", &BASE.replace("team_size = 3", "team_size = { dist = \"uniform\", min = 1, max = 1e8 }"), &["team_size", "at most"]),
        // v2: team sizes, companies, operators, perimeters, custody, targeting, the question.
        case("empty team", &BASE.replace("team_size = 3", "team_size = 0"), &["main.toml:24", "controls.gatekeeper.team_size", "a whole number >= 1"]),
        case("uncertain team reaching zero", &BASE.replace("team_size = 3", "team_size = { dist = \"pert\", min = 0, mode = 3, max = 9 }"), &["main.toml:24", "team_size", "a whole number >= 1"]),
        case("unknown operator", &BASE.replace("classes = [\"protected\"]\n[[actor]]", "classes = [\"protected\"]\noperator = \"oracel\"\n[[actor]]"), &["main.toml:16", "store.texas.operator", "unknown company `oracel`"]),
        case("unknown subject_to", &format!("{BASE}[[company]]\nname = \"oracle\"\nsubject_to = [\"USA\"]\n"), &["main.toml:29", "company.oracle.subject_to", "unknown jurisdiction `USA`", "did you mean `US`"]),
        case("company named like a jurisdiction", &format!("{BASE}[[company]]\nname = \"CN\"\n"), &["main.toml:28", "company.CN.name", "already names a jurisdiction"]),
        case("unknown perimeter", &BASE.replace("classes = [\"protected\"]\n[[actor]]", "classes = [\"protected\"]\nperimeter = \"oracel\"\n[[actor]]"), &["main.toml:16", "store.texas.perimeter", "unknown perimeter `oracel`"]),
        case("unknown perimeter control", &format!("{BASE}[perimeter.oracle.firewal]\nallow = [\"US\"]\n"), &["main.toml:27", "perimeter.oracle.firewal", "did you mean `firewall`"]),
        case("bad perimeter value", &format!("{BASE}[perimeter.oracle.enclave]\nexfiltration_block_probability = 1.5\n"), &["main.toml:28", "perimeter.oracle.enclave.exfiltration_block_probability", "between 0 and 1"]),
        case("unknown key custody", &BASE.replace("classes = [\"protected\"]\n[[actor]]", "classes = [\"protected\"]\nkey_custody = \"oracle\"\n[[actor]]"), &["main.toml:16", "store.texas.key_custody", "unknown jurisdiction or company `oracle`"]),
        case("unknown targeting", &BASE.replace("records_per_attempt = 5", "records_per_attempt = 5\ntargeting = \"weakes\""), &["main.toml:23", "actor.eng.targeting", "did you mean `weakest`"]),
        case("unknown reaches", &BASE.replace("records_per_attempt = 5", "records_per_attempt = 5\nreaches = [\"texsa\"]"), &["main.toml:23", "actor.eng.reaches", "unknown store `texsa`"]),
        case("sponsored share above 1", &BASE.replace("records_per_attempt = 5", "records_per_attempt = 5\nstate_sponsored_fraction = 2"), &["main.toml:23", "actor.eng.state_sponsored_fraction", "between 0 and 1"]),
        case("negative records per request", &BASE.replace("records_per_attempt = 5", "records_per_attempt = 5\nrecords_per_request = -3"), &["main.toml:23", "actor.eng.records_per_request", ">= 0"]),
        case("unknown question recipient", &format!("{BASE}[question]\nrecipients = [\"PRC\"]\n"), &["main.toml:28", "question.recipients", "unknown recipient", "PRC"]),
        case("unknown question key", &format!("{BASE}[question]\nclasse = [\"protected\"]\n"), &["main.toml:28", "question.classe", "did you mean `classes`"]),
        case("unknown demand class", &BASE.replace("compelled_demands_per_year = 1", "compelled_demands_per_year = 1\ndemand_classes = [\"protcted\"]"), &["main.toml:12", "jurisdiction.CN.demand_classes", "did you mean `protected`"]),
        case("per-event distribution invalid at its means", &BASE.replace("records_per_attempt = 5", "records_per_attempt = { dist = \"uniform\", min = { dist = \"uniform\", min = 10, max = 20 }, max = 5 }"), &["main.toml:22", "actor.eng.records_per_attempt", "uniform needs min <= max"]),
        case("unordered tolerance", &format!("{BASE}[report]\ntolerance = [[1e6, 0.1], [1e5, 0.5]]\n"), &["main.toml:28", "report.tolerance", "losses > 0 increasing"]),
        case("jurisdiction named private", &BASE.replace("name = \"CN\"", "name = \"private\"").replace("jurisdiction = \"CN\"", "jurisdiction = \"private\""), &["main.toml:10", "jurisdiction.private.name", "recipient of leaks to no state"]),
    ];
    let mut missing = case(
        "extends a missing file",
        "[scenario]\nextends = \"nowhere.toml\"\nname = \"x\"\n",
        &["main.toml:2", "scenario.extends", "nowhere.toml"],
    );
    missing.extra = vec![];
    v.push(missing);
    let mut cyc = case(
        "extends cycle",
        "[scenario]\nextends = \"b.toml\"\nname = \"a\"\n",
        &["cycle", "main.toml"],
    );
    cyc.extra = vec![(
        "b.toml",
        "[scenario]\nextends = \"main.toml\"\nname = \"b\"\n".into(),
    )];
    v.push(cyc);
    let mut rm = case(
        "remove of an unknown entry",
        "[scenario]\nextends = \"base.toml\"\n[[actor]]\nname = \"engg\"\nremove = true\n",
        &["main.toml:3", "no actor named `engg`", "did you mean `eng`"],
    );
    rm.extra = vec![("base.toml", BASE.into())];
    v.push(rm);
    for (name, set, expect) in [
        (
            "set without equals",
            "controls.gatekeeper.team_size",
            vec!["--set controls.gatekeeper.team_size", "PATH=VALUE"],
        ),
        (
            "set unknown entry",
            "actor.nobody.headcount=3",
            vec!["no actor named `nobody`"],
        ),
        (
            "set bad value",
            "controls.gatekeeper.team_size=3..5",
            vec!["is not TOML"],
        ),
        (
            "set unknown key",
            "controls.gatekeeper.tea_size=5",
            vec!["controls.gatekeeper.tea_size", "did you mean `team_size`"],
        ),
        (
            "set out of range",
            "controls.gatekeeper.catch_probability=2",
            vec![
                "--set controls.gatekeeper.catch_probability=2",
                "between 0 and 1",
            ],
        ),
    ] {
        let mut c = case(name, BASE, &[]);
        c.args = vec!["--set", set];
        c.expect = expect;
        v.push(c);
    }
    let mut reps = case("zero replications", BASE, &["--reps"]);
    reps.args = vec!["--reps", "0"];
    v.push(reps);
    let mut tr = case(
        "trace replication out of range",
        BASE,
        &["--trace-replication 50", "0 to 9"],
    );
    tr.args = vec!["--trace-replication", "50"];
    v.push(tr);
    let mut same = case(
        "two scenarios with one name",
        BASE,
        &["share the name `base`"],
    );
    same.extra = vec![("copy.toml", BASE.into())];
    same.args = vec!["copy.toml"];
    v.push(same);
    v
}

#[test]
fn every_bad_input_is_rejected_clearly_and_writes_nothing() {
    let cases = corpus();
    assert!(cases.len() >= 20);
    for c in cases {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("main.toml"), &c.text).expect("write");
        for (n, t) in &c.extra {
            std::fs::write(dir.path().join(n), t).expect("write");
        }
        let mut args = vec![
            "run",
            "main.toml",
            "--reps",
            "10",
            "--out",
            "out",
            "--quiet",
        ];
        if c.args.first() == Some(&"--reps") {
            args.truncate(2);
            args.extend(["--out", "out", "--quiet"]);
        }
        args.extend(c.args.iter().copied());
        let out = leaksim_in(dir.path(), &args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{}: exit code {:?}, stderr: {err}",
            c.name,
            out.status.code()
        );
        assert!(err.starts_with("error: "), "{}: {err}", c.name);
        for e in &c.expect {
            assert!(err.contains(e), "{}: expected `{e}` in: {err}", c.name);
        }
        assert!(!err.contains("panicked"), "{}: {err}", c.name);
        assert!(
            !dir.path().join("out").exists(),
            "{}: output was written",
            c.name
        );
        // validate rejects the same files (without run-only options).
        if c.args.is_empty() {
            let v = leaksim_in(dir.path(), &["validate", "main.toml"]);
            assert_eq!(v.status.code(), Some(2), "{}: validate accepted it", c.name);
        }
    }
}

#[test]
fn a_missing_file_is_an_input_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = leaksim_in(dir.path(), &["run", "absent.toml", "--out", "out"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("absent.toml"));
    assert!(!dir.path().join("out").exists());
}

#[test]
fn a_bad_option_is_a_usage_error() {
    let out = bin()
        .args(["run", "x.toml", "--threads", "0"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let out = bin()
        .args(["run", "x.toml", "--seed", "abc"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("random"));
}

#[test]
fn a_seed_is_one_the_resolved_scenario_can_record() {
    // TOML integers stop at 2^63 - 1: a larger seed would be written to scenario.resolved.toml
    // (and the shards' manifests) and could not be read back, so it is refused up front.
    let tmp = tempfile::tempdir().unwrap();
    let file = shipped("divestiture.toml");
    let over = (i64::MAX as u64 + 1).to_string();
    let out = leaksim_in(tmp.path(), &["run", &file, "--seed", &over, "--out", "o"]);
    assert_refused(&out, &["--seed", "9223372036854775807"]);
    assert!(names_in(tmp.path()).is_empty(), "nothing written");
    // The largest seed, and `random`, give a resolved scenario that runs again.
    for seed in [i64::MAX.to_string(), "random".to_string()] {
        let args = [
            "run",
            &file,
            "--seed",
            &seed,
            "--reps",
            "20",
            "--no-charts",
            "--quiet",
        ];
        assert_ok(&leaksim_in(
            tmp.path(),
            &[&args[..], &["--out", "a"]].concat(),
        ));
        let resolved = tmp.path().join("a/divestiture/scenario.resolved.toml");
        let again = resolved.display().to_string();
        assert_ok(&leaksim_in(
            tmp.path(),
            &[
                "run",
                &again,
                "--reps",
                "20",
                "--no-charts",
                "--quiet",
                "--out",
                "b",
            ],
        ));
    }
}
