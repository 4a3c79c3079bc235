//! `provenance.toml`: how and when a folder's results were made. One type writes the file and
//! reads it back ([`Provenance`]), so a field added to one side is on the other.
//!
//! The file carries no version field: its bytes are those leaksim has always written, and it is
//! read leniently (every field may be missing; unknown fields are ignored).

use crate::error::{Error, Result};
use crate::scenario::Scenario;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// The largest `provenance.toml` read back (its scenarios are names and digests).
pub const MAX_PROVENANCE_BYTES: u64 = 16 << 20;

/// The comment that opens the file.
const HEADER: &str = "# How and when these results were made. `command` reproduces them.\n";

/// The contents of `provenance.toml`, field by field in the order of the file.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Provenance {
    /// The command that reproduces the results (`(library call)` when not run from the command
    /// line).
    pub command: String,
    /// When the results were made: `YYYY-MM-DD HH:MM UTC` (`SOURCE_DATE_EPOCH` when set).
    pub date: String,
    /// The leaksim version that made them.
    pub leaksim_version: String,
    /// The seed (written as TOML integers are: a seed above 2^63 - 1 wraps to a negative number,
    /// read back to the same seed).
    #[serde(with = "wrapped", skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
    /// The replications of each scenario (wrapped like the seed).
    #[serde(with = "wrapped", skip_serializing_if = "Option::is_none")]
    pub replications: Option<u64>,
    /// Each scenario's name and digest.
    pub scenario: Vec<ScenarioDigest>,
}

/// A scenario of the results, by name and digest ([`Scenario::digest`]).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ScenarioDigest {
    /// The scenario's name.
    pub name: String,
    /// `sha256:` and 64 hex digits.
    pub digest: String,
}

/// A `u64` stored as a TOML integer (an `i64`), as `provenance.toml` has always stored it.
mod wrapped {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &Option<u64>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(v) => s.serialize_i64(*v as i64),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
        Ok(Option::<i64>::deserialize(d)?.map(|i| i as u64))
    }
}

impl Provenance {
    /// The provenance of results made now by `command` (empty for a library call) from
    /// `scenarios`, with `seed` and `replications`.
    pub fn now(command: &str, seed: u64, replications: u64, scenarios: &[&Scenario]) -> Self {
        Provenance {
            command: if command.is_empty() {
                "(library call)".to_string()
            } else {
                command.to_string()
            },
            date: date_now(),
            leaksim_version: env!("CARGO_PKG_VERSION").to_string(),
            seed: Some(seed),
            replications: Some(replications),
            scenario: scenarios
                .iter()
                .map(|s| ScenarioDigest {
                    name: s.name.clone(),
                    digest: s.digest(),
                })
                .collect(),
        }
    }

    /// The file's text.
    pub fn to_text(&self) -> String {
        format!("{HEADER}{}", toml::to_string(self).unwrap_or_default())
    }

    /// Writes `dir/provenance.toml` (atomically).
    pub fn write(&self, dir: &Path) -> Result<()> {
        let text = self.to_text();
        super::write_atomic(&dir.join("provenance.toml"), |w| {
            w.write_all(text.as_bytes())
        })
    }

    /// Reads provenance text read from `path` (named in errors).
    pub fn parse(text: &str, path: &Path) -> Result<Provenance> {
        toml::from_str(text).map_err(|e| {
            Error::damaged(
                path,
                format!("not a provenance file leaksim wrote ({})", e.message()),
            )
        })
    }

    /// The date as seconds since 1970 (0 when it is not `YYYY-MM-DD HH:MM ...`).
    pub fn seconds(&self) -> i64 {
        let date = self.date.as_str();
        let (Some((y, m, d)), Some(hm)) =
            (crate::scenario::dates::parse_date(date), date.get(11..16))
        else {
            return 0;
        };
        let (h, min) = hm.split_once(':').unwrap_or(("0", "0"));
        let days = crate::scenario::dates::days_from_civil(y, m, d);
        days * 86_400 + h.parse::<i64>().unwrap_or(0) * 3600 + min.parse::<i64>().unwrap_or(0) * 60
    }
}

/// Now, or `SOURCE_DATE_EPOCH` when set (for reproducible reports), as `YYYY-MM-DD HH:MM UTC`.
fn date_now() -> String {
    let secs = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|v| v.parse::<i64>().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs() as i64)
                .unwrap_or(0)
        });
    let (y, m, d) = crate::scenario::dates::civil_from_days(secs.div_euclid(86_400));
    let minute = secs.rem_euclid(86_400) / 60;
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02} UTC",
        minute / 60,
        minute % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(seed: u64) -> Provenance {
        Provenance {
            command: "leaksim run \"a b.toml\" --seed 7".into(),
            date: "2023-11-14 22:13 UTC".into(),
            leaksim_version: "1.2.3".into(),
            seed: Some(seed),
            replications: Some(300),
            scenario: vec![ScenarioDigest {
                name: "texas".into(),
                digest: "sha256:00".into(),
            }],
        }
    }

    #[test]
    fn the_file_reads_back_as_written_and_as_a_table_would_write_it() {
        for seed in [7, u64::MAX - 3] {
            let p = sample(seed);
            let text = p.to_text();
            assert_eq!(Provenance::parse(&text, Path::new("p")).unwrap(), p);
            // The bytes leaksim wrote before the type existed: a table, key by key.
            let mut t = toml::Table::new();
            t.insert("command".into(), p.command.clone().into());
            t.insert("date".into(), p.date.clone().into());
            t.insert("leaksim_version".into(), p.leaksim_version.clone().into());
            t.insert("seed".into(), toml::Value::Integer(seed as i64));
            t.insert("replications".into(), toml::Value::Integer(300));
            let mut e = toml::Table::new();
            e.insert("name".into(), "texas".into());
            e.insert("digest".into(), "sha256:00".into());
            t.insert(
                "scenario".into(),
                toml::Value::Array(vec![toml::Value::Table(e)]),
            );
            assert_eq!(text, format!("{HEADER}{}", toml::to_string(&t).unwrap()));
        }
        assert_eq!(sample(1).seconds(), 1_700_000_000 - 1_700_000_000 % 60);
    }

    #[test]
    fn missing_fields_are_lenient_and_a_wrong_type_is_damage() {
        let p = Provenance::parse("seed = 3\n", Path::new("p")).unwrap();
        assert_eq!(
            (p.seed, p.replications, p.command.as_str()),
            (Some(3), None, "")
        );
        let e = Provenance::parse("seed = \"x\"\n", Path::new("dir/provenance.toml")).unwrap_err();
        assert!(matches!(e, Error::Damaged { .. }), "{e}");
        assert!(e.to_string().contains("dir/provenance.toml"), "{e}");
    }
}
