//! Reading the control tables: `[controls]` (the default perimeter) and each
//! `[perimeter.NAME.*]`, which take the same tables.

use super::table::{err, Kind, Reader, Tbl};
use super::tree::Node;
use super::*;

/// The control tables a perimeter may hold.
pub(super) const CONTROL_TABLES: [&str; 6] = [
    "firewall",
    "gatekeeper",
    "code_review",
    "enclave",
    "audit",
    "third_party_audit",
];

impl Reader {
    /// Reads the controls at `path` (`controls` or `perimeter.NAME`).
    pub(super) fn controls(
        &mut self,
        cn: &Node,
        path: &str,
        class_names: &[String],
        jur_names: &[String],
    ) -> Result<Controls> {
        let mut controls = Controls::default();
        {
            let ct = Tbl::open(cn, path, &CONTROL_TABLES)?;
            if let Some(n) = ct.get("firewall") {
                let t = Tbl::open(
                    n,
                    &format!("{path}.firewall"),
                    &[
                        "allow",
                        "open_classes",
                        "block_probability",
                        "egress",
                        "breaches_per_year",
                        "breach_hours",
                        "from_day",
                    ],
                )?;
                let breaches = t.num_or(self, "breaches_per_year", Kind::NonNegative, 0.0)?;
                let needs_hours = t.get("breaches_per_year").is_some();
                controls.firewall = Some(Firewall {
                    allow: t
                        .names("allow", jur_names, "jurisdiction")?
                        .unwrap_or_default(),
                    open_classes: t
                        .names("open_classes", class_names, "data class")?
                        .unwrap_or_default(),
                    block_probability: t.num(self, "block_probability", Kind::Probability)?,
                    egress: t.bool_or("egress", false)?,
                    breaches_per_year: breaches,
                    breach_hours: t.per_event(self, "breach_hours", needs_hours, 0.0)?,
                    from_day: t.num_or(self, "from_day", Kind::NonNegative, 0.0)?,
                });
            }
            if let Some(n) = ct.get("gatekeeper") {
                let t = Tbl::open(
                    n,
                    &format!("{path}.gatekeeper"),
                    &[
                        "team_size",
                        "classes",
                        "review_from",
                        "review_hours",
                        "catch_probability",
                        "fatigue",
                        "bypass_after_hours",
                        "from_day",
                    ],
                )?;
                controls.gatekeeper = Some(Gatekeeper {
                    team_size: {
                        let n = t.num(self, "team_size", Kind::Members)?;
                        let most = match n.value {
                            NumValue::Fixed(v) => v,
                            NumValue::Param(i) => self.params[i].dist.support().1,
                        };
                        if most > MAX_TEAM_SIZE {
                            let origin = &t.req("team_size")?.origin;
                            return Err(err(
                                origin,
                                &format!("{path}.gatekeeper.team_size"),
                                format!(
                                    "at most {MAX_TEAM_SIZE} reviewers are supported, found {most}"
                                ),
                            ));
                        }
                        n
                    },
                    classes: t
                        .names("classes", class_names, "data class")?
                        .unwrap_or_else(|| (0..class_names.len()).collect()),
                    review_from: t
                        .names("review_from", jur_names, "jurisdiction")?
                        .unwrap_or_else(|| (0..jur_names.len()).collect()),
                    review_hours: t.per_event(self, "review_hours", true, 0.0)?,
                    catch_probability: t.num(self, "catch_probability", Kind::Probability)?,
                    fatigue: t.num_or(self, "fatigue", Kind::NonNegative, 0.0)?,
                    bypass_after_hours: t.opt_num(self, "bypass_after_hours", Kind::NonNegative)?,
                    from_day: t.num_or(self, "from_day", Kind::NonNegative, 0.0)?,
                });
            }
            if let Some(n) = ct.get("code_review") {
                let t = Tbl::open(
                    n,
                    &format!("{path}.code_review"),
                    &["catch_probability", "from_day"],
                )?;
                controls.code_review = Some(Stopper {
                    probability: t.num(self, "catch_probability", Kind::Probability)?,
                    from_day: t.num_or(self, "from_day", Kind::NonNegative, 0.0)?,
                });
            }
            if let Some(n) = ct.get("enclave") {
                let t = Tbl::open(
                    n,
                    &format!("{path}.enclave"),
                    &["exfiltration_block_probability", "from_day"],
                )?;
                controls.enclave = Some(Stopper {
                    probability: t.num(
                        self,
                        "exfiltration_block_probability",
                        Kind::Probability,
                    )?,
                    from_day: t.num_or(self, "from_day", Kind::NonNegative, 0.0)?,
                });
            }
            if let Some(n) = ct.get("audit") {
                let t = Tbl::open(
                    n,
                    &format!("{path}.audit"),
                    &["detect_probability", "detect_delay_hours", "from_day"],
                )?;
                controls.audit = Some(Audit {
                    detect_probability: t.num(self, "detect_probability", Kind::Probability)?,
                    detect_delay_hours: t.per_event(self, "detect_delay_hours", false, 0.0)?,
                    from_day: t.num_or(self, "from_day", Kind::NonNegative, 0.0)?,
                });
            }
            if let Some(n) = ct.get("third_party_audit") {
                let t = Tbl::open(
                    n,
                    &format!("{path}.third_party_audit"),
                    &["every_days", "detect_probability", "from_day"],
                )?;
                controls.third_party_audit = Some(ThirdPartyAudit {
                    every_days: t.num(self, "every_days", Kind::Positive)?,
                    detect_probability: t.num(self, "detect_probability", Kind::Probability)?,
                    from_day: t.num_or(self, "from_day", Kind::NonNegative, 0.0)?,
                });
            }
        }
        Ok(controls)
    }
}
