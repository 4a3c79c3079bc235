//! Exact common random numbers: streams are keyed by entity name and every attempt draws all it
//! may need when it is created. Reordering entities changes nothing; removing an actor changes
//! nothing for the others; adding a control leaves every attempt's time and size unchanged.

mod common;
use common::*;
use leaksim::sim::metrics::idx;
use leaksim::sim::runner;

/// Two actors against two stores; huge classes so that records taken are never double-counted
/// (the union of takings is their sum). `extra` is appended (controls).
fn two_actors(order: &[&str], extra: &str) -> String {
    let blocks = |name: &str| -> &'static str {
        match name {
            "us" => "[[actor]]\nname = \"us-staff\"\njurisdiction = \"US\"\nheadcount = 400\nrequests_per_person_per_day = 0.05\nrecords_per_request = 3\nmalicious_fraction = 0.01\nillicit_attempts_per_insider_per_year = 4\nrecords_per_attempt = { dist = \"lognormal\", median = 500, sigma = 1.0 }\n",
            "cn" => "[[actor]]\nname = \"cn-engineers\"\njurisdiction = \"CN\"\nheadcount = 300\nrequests_per_person_per_day = 0.1\nmalicious_fraction = 0.02\nstate_sponsored_fraction = 0.5\nillicit_attempts_per_insider_per_year = 6\nrecords_per_attempt = { dist = \"pert\", min = 10, mode = 200, max = 5000 }\ncircumvent_probability = 0.3\n",
            "storeA" => "[[store]]\nname = \"virginia\"\njurisdiction = \"US\"\nclasses = [\"protected\", \"public\"]\n",
            "storeB" => "[[store]]\nname = \"singapore\"\njurisdiction = \"SG\"\nclasses = [\"public\", \"protected\"]\n",
            "classes" => "[[data_class]]\nname = \"public\"\nrecords = 1000000000000\n[[data_class]]\nname = \"protected\"\nrecords = 1000000000000\n",
            "jurs" => "[[jurisdiction]]\nname = \"US\"\n[[jurisdiction]]\nname = \"SG\"\n[[jurisdiction]]\nname = \"CN\"\n",
            other => panic!("{other}"),
        }
    };
    let mut s = String::from("[scenario]\nname = \"crn\"\nhorizon_days = 365\n");
    for b in order {
        s.push_str(blocks(b));
    }
    s + extra
}

const ALL: [&str; 6] = ["classes", "jurs", "storeA", "storeB", "us", "cn"];

#[test]
fn reordering_entities_in_the_file_changes_nothing() {
    let controls = "[controls.gatekeeper]\nteam_size = 3\nreview_hours = { dist = \"exponential\", mean = 2 }\ncatch_probability = 0.5\nreview_from = [\"CN\"]\n";
    let a = run(&scenario(&two_actors(&ALL, controls)), 7, 300, 2);
    let reordered = ["cn", "storeB", "jurs", "us", "classes", "storeA"];
    let b = run(&scenario(&two_actors(&reordered, controls)), 7, 300, 2);
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(x.metrics.map(f64::to_bits), y.metrics.map(f64::to_bits));
        assert_eq!(x.paths, y.paths);
        assert_eq!(x.reach, y.reach);
    }
}

#[test]
fn removing_an_actor_changes_nothing_for_the_others() {
    let both = run(&scenario(&two_actors(&ALL, "")), 9, 500, 2);
    let us = run(
        &scenario(&two_actors(
            &["classes", "jurs", "storeA", "storeB", "us"],
            "",
        )),
        9,
        500,
        2,
    );
    let cn = run(
        &scenario(&two_actors(
            &["classes", "jurs", "storeA", "storeB", "cn"],
            "",
        )),
        9,
        500,
        2,
    );
    // With no control and no shared queue, each actor's history is its own: every count of
    // the pair is the sum of the two alone, replication by replication.
    for m in [
        idx::INSIDERS,
        idx::LEGIT_REQUESTS,
        idx::ILLICIT_ATTEMPTS,
        idx::SUCCESSFUL_THEFTS,
        idx::RECORDS_LEAKED,
        idx::ACCESSED_RECORDS,
    ] {
        for ((b, u), c) in both.iter().zip(&us).zip(&cn) {
            assert_eq!(
                b.metrics[m],
                u.metrics[m] + c.metrics[m],
                "{}",
                leaksim::sim::metrics::NAMES[m]
            );
        }
    }
    assert!(
        mean_of(&both, idx::SUCCESSFUL_THEFTS) > 10.0,
        "the test has thefts"
    );
}

#[test]
fn adding_a_control_leaves_every_attempt_time_and_size_unchanged() {
    let plain = scenario(&two_actors(&ALL, ""));
    let controlled = scenario(&two_actors(
        &ALL,
        "[controls.firewall]\nallow = [\"US\"]\nblock_probability = 0.5\n[controls.enclave]\nexfiltration_block_probability = 0.5\n[controls.audit]\ndetect_probability = 0.5\ndetect_delay_hours = { dist = \"gamma\", mean = 300, sd = 200 }\n",
    ));
    let a = run(&plain, 3, 2_000, 2);
    let b = run(&controlled, 3, 2_000, 2);
    let mut fewer = 0;
    for (x, y) in a.iter().zip(&b) {
        // Controls only stop or remove: never more leaked in any paired year.
        assert!(
            y.metrics[idx::RECORDS_LEAKED] <= x.metrics[idx::RECORDS_LEAKED],
            "{} > {}",
            y.metrics[idx::RECORDS_LEAKED],
            x.metrics[idx::RECORDS_LEAKED]
        );
        assert!(y.metrics[idx::ILLICIT_ATTEMPTS] <= x.metrics[idx::ILLICIT_ATTEMPTS]);
        assert_eq!(y.metrics[idx::INSIDERS], x.metrics[idx::INSIDERS]);
        if y.metrics[idx::RECORDS_LEAKED] < x.metrics[idx::RECORDS_LEAKED] {
            fewer += 1;
        }
    }
    assert!(fewer > 200, "the controls bite in many years ({fewer})");
    // Event by event: each leak of the controlled run happens in the plain run at the same
    // time, from the same actor and store, with the same size.
    for rep in [0, 1, 2, 5, 8, 13] {
        let leaks = |s: &leaksim::Scenario| -> Vec<(u64, Option<usize>, Option<usize>, u64)> {
            runner::trace(s, 3, rep)
                .into_iter()
                .filter(|t| t.outcome == "leak")
                .map(|t| (t.time.to_bits(), t.actor, t.store, t.records as u64))
                .collect()
        };
        let all = leaks(&plain);
        for l in leaks(&controlled) {
            assert!(
                all.contains(&l),
                "replication {rep}: {l:?} not in the plain run"
            );
        }
    }
}
