//! Resolving `extends` reads at most `MAX_CHAIN_BYTES` over the whole chain: a chain of large
//! files is refused with a message naming the key and the limit, before it takes memory.

use leaksim::scenario::tree::{MAX_CHAIN_BYTES, MAX_FILE_BYTES};
use leaksim::Scenario;
use std::path::Path;

/// Writes `n` files `l0.toml` ... each of about `bytes` bytes (padding in a comment), `l{i}`
/// extending `l{i+1}`; the last is a valid scenario.
fn chain(dir: &Path, n: usize, bytes: usize) {
    let last = "[scenario]\nname = \"last\"\n[[data_class]]\nname = \"c\"\nrecords = 10\n[[store]]\nname = \"s\"\njurisdiction = \"US\"\nclasses = [\"c\"]\n[[jurisdiction]]\nname = \"US\"\n";
    for i in 0..n {
        let mut text = if i + 1 < n {
            format!(
                "[scenario]\nname = \"l{i}\"\nextends = \"l{}.toml\"\n",
                i + 1
            )
        } else {
            last.to_string()
        };
        let pad = bytes.saturating_sub(text.len());
        text.push('#');
        text.push_str(&"x".repeat(pad));
        text.push('\n');
        std::fs::write(dir.join(format!("l{i}.toml")), text).unwrap();
    }
}

#[test]
fn a_chain_larger_than_the_bound_in_all_is_refused_naming_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    // Each file is well under the one-file limit; together they pass the chain's.
    let each = (MAX_CHAIN_BYTES / 3) as usize + 100;
    assert!((each as u64) < MAX_FILE_BYTES);
    chain(dir.path(), 4, each);
    let e = Scenario::load(&dir.path().join("l0.toml"), &[]).unwrap_err();
    let m = e.to_string();
    assert_eq!(e.exit_code(), 2, "{m}");
    assert!(m.contains("scenario.extends"), "{m}");
    assert!(m.contains(&MAX_CHAIN_BYTES.to_string()), "{m}");
    assert!(
        m.contains("l2.toml"),
        "the file that passes the bound is named: {m}"
    );
}

#[test]
fn a_chain_within_the_bound_resolves() {
    let dir = tempfile::tempdir().unwrap();
    chain(dir.path(), 4, (MAX_CHAIN_BYTES / 5) as usize);
    let s = Scenario::load(&dir.path().join("l0.toml"), &[]).unwrap();
    assert_eq!(s.name, "l0");
}
