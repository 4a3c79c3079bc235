//! Reading a whole scenario tree into a [`Scenario`]: each section in turn, names resolved to
//! indices, limits checked.

use super::table::{check_name, entries, err, Kind, Reader, Tbl};
use super::tree::{Node, Val};
use super::*;

impl Reader {
    pub(super) fn scenario(&mut self, root: &Node) -> Result<Scenario> {
        let top = Tbl::open(
            root,
            "",
            &[
                "scenario",
                "run",
                "data_class",
                "jurisdiction",
                "store",
                "flow",
                "actor",
                "controls",
                "cost",
            ],
        )?;
        let sn = top.get("scenario").ok_or_else(|| {
            err(
                &root.origin,
                "scenario",
                "missing required table [scenario]",
            )
        })?;
        let st = Tbl::open(
            sn,
            "scenario",
            &[
                "name",
                "description",
                "horizon_days",
                "start_date",
                "extends",
            ],
        )?;
        let name = st.string("name")?;
        check_name(&name, &st.req("name")?.origin, "scenario.name")?;
        let description = st.opt_string("description")?.unwrap_or_default();
        let horizon_days = match st.get("horizon_days") {
            None => 365.0,
            Some(n) => {
                let v = st.number_of(n, "horizon_days")?;
                if v <= 0.0 || v > MAX_HORIZON_DAYS {
                    return Err(err(
                        &n.origin,
                        "scenario.horizon_days",
                        format!("expected a number of days > 0 and at most {MAX_HORIZON_DAYS} (100 years), found {v}"),
                    ));
                }
                v
            }
        };
        let start_date = st.opt_string("start_date")?;
        if let (Some(d), Some(n)) = (&start_date, st.get("start_date")) {
            if super::dates::parse_date(d).is_none() {
                return Err(err(
                    &n.origin,
                    "scenario.start_date",
                    format!("expected a date YYYY-MM-DD, found `{d}`"),
                ));
            }
        }
        let run = match top.get("run") {
            None => RunSettings::default(),
            Some(n) => {
                let t = Tbl::open(n, "run", &["seed", "replications", "leaksim_version"])?;
                let int = |k: &str| -> Result<Option<u64>> {
                    match t.get(k) {
                        None => Ok(None),
                        Some(Node {
                            value: Val::Int(i), ..
                        }) if *i >= 0 => Ok(Some(*i as u64)),
                        Some(n) => Err(err(&n.origin, &t.key(k), "expected a whole number >= 0")),
                    }
                };
                RunSettings {
                    seed: int("seed")?,
                    replications: int("replications")?,
                }
            }
        };

        let mut classes = Vec::new();
        let class_entries = entries(root, "data_class")?;
        if class_entries.is_empty() {
            return Err(err(
                &root.origin,
                "data_class",
                "a scenario needs at least one [[data_class]]",
            ));
        }
        for (node, name) in &class_entries {
            let p = format!("data_class.{name}");
            let t = Tbl::open(node, &p, &["name", "records", "weight", "loss_per_record"])?;
            classes.push(DataClass {
                name: name.clone(),
                records: t.num(self, "records", Kind::Count)?,
                weight: t.num_or(self, "weight", Kind::NonNegative, 1.0)?,
                loss_per_record: t.num_or(self, "loss_per_record", Kind::NonNegative, 0.0)?,
            });
        }
        let class_names: Vec<String> = classes.iter().map(|c| c.name.clone()).collect();

        let mut jurisdictions = Vec::new();
        for (node, name) in entries(root, "jurisdiction")? {
            let p = format!("jurisdiction.{name}");
            let t = Tbl::open(node, &p, &["name", "compelled_demands_per_year"])?;
            jurisdictions.push(Jurisdiction {
                name,
                demands_per_year: t.num_or(
                    self,
                    "compelled_demands_per_year",
                    Kind::NonNegative,
                    0.0,
                )?,
            });
        }
        let jur_names: Vec<String> = jurisdictions.iter().map(|j| j.name.clone()).collect();

        let mut stores = Vec::new();
        let store_entries = entries(root, "store")?;
        if store_entries.is_empty() {
            return Err(err(
                &root.origin,
                "store",
                "a scenario needs at least one [[store]]",
            ));
        }
        for (node, name) in store_entries {
            let p = format!("store.{name}");
            let t = Tbl::open(
                node,
                &p,
                &[
                    "name",
                    "jurisdiction",
                    "classes",
                    "key_custody",
                    "delete_on_day",
                ],
            )?;
            stores.push(Store {
                name,
                jurisdiction: t.name_ref("jurisdiction", &jur_names, "jurisdiction")?,
                classes: t
                    .names("classes", &class_names, "data class")?
                    .unwrap_or_default(),
                key_custody: t.opt_name_ref("key_custody", &jur_names, "jurisdiction")?,
                delete_on_day: t.opt_num(self, "delete_on_day", Kind::NonNegative)?,
            });
        }
        let store_names: Vec<String> = stores.iter().map(|s| s.name.clone()).collect();

        let mut flows = Vec::new();
        for (node, name) in entries(root, "flow")? {
            let p = format!("flow.{name}");
            let t = Tbl::open(
                node,
                &p,
                &[
                    "name",
                    "from",
                    "to",
                    "classes",
                    "every_hours",
                    "start_day",
                    "end_day",
                ],
            )?;
            flows.push(Flow {
                name,
                from: t.name_ref("from", &store_names, "store")?,
                to: t.name_ref("to", &store_names, "store")?,
                classes: t
                    .names("classes", &class_names, "data class")?
                    .unwrap_or_else(|| (0..class_names.len()).collect()),
                every_hours: t.num(self, "every_hours", Kind::Positive)?,
                start_day: t.num_or(self, "start_day", Kind::NonNegative, 0.0)?,
                end_day: t.opt_num(self, "end_day", Kind::NonNegative)?,
            });
        }

        let mut actors = Vec::new();
        for (node, name) in entries(root, "actor")? {
            let p = format!("actor.{name}");
            let t = Tbl::open(
                node,
                &p,
                &[
                    "name",
                    "jurisdiction",
                    "headcount",
                    "requests_per_person_per_day",
                    "classes",
                    "malicious_fraction",
                    "illicit_attempts_per_insider_per_year",
                    "records_per_attempt",
                    "circumvent_probability",
                    "compellable",
                ],
            )?;
            let compellable = t.bool_or("compellable", false)?;
            let malicious_fraction =
                t.num_or(self, "malicious_fraction", Kind::Probability, 0.0)?;
            let may_steal = compellable || t.get("malicious_fraction").is_some();
            actors.push(Actor {
                name,
                jurisdiction: t.name_ref("jurisdiction", &jur_names, "jurisdiction")?,
                headcount: t.num(self, "headcount", Kind::Count)?,
                requests_per_person_per_day: t.num_or(
                    self,
                    "requests_per_person_per_day",
                    Kind::NonNegative,
                    0.0,
                )?,
                classes: t
                    .names("classes", &class_names, "data class")?
                    .unwrap_or_else(|| (0..class_names.len()).collect()),
                malicious_fraction,
                attempts_per_insider_per_year: t.num_or(
                    self,
                    "illicit_attempts_per_insider_per_year",
                    Kind::NonNegative,
                    0.0,
                )?,
                records_per_attempt: t.per_event("records_per_attempt", may_steal, 0.0)?,
                circumvent_probability: t.num_or(
                    self,
                    "circumvent_probability",
                    Kind::Probability,
                    0.0,
                )?,
                compellable,
            });
        }

        let mut controls = Controls::default();
        if let Some(cn) = top.get("controls") {
            let ct = Tbl::open(
                cn,
                "controls",
                &[
                    "firewall",
                    "gatekeeper",
                    "code_review",
                    "enclave",
                    "audit",
                    "third_party_audit",
                ],
            )?;
            if let Some(n) = ct.get("firewall") {
                let t = Tbl::open(
                    n,
                    "controls.firewall",
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
                        .names("allow", &jur_names, "jurisdiction")?
                        .unwrap_or_default(),
                    open_classes: t
                        .names("open_classes", &class_names, "data class")?
                        .unwrap_or_default(),
                    block_probability: t.num(self, "block_probability", Kind::Probability)?,
                    egress: t.bool_or("egress", false)?,
                    breaches_per_year: breaches,
                    breach_hours: t.per_event("breach_hours", needs_hours, 0.0)?,
                    from_day: t.num_or(self, "from_day", Kind::NonNegative, 0.0)?,
                });
            }
            if let Some(n) = ct.get("gatekeeper") {
                let t = Tbl::open(
                    n,
                    "controls.gatekeeper",
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
                        let n = t.num(self, "team_size", Kind::Count)?;
                        let most = match n.value {
                            NumValue::Fixed(v) => v,
                            NumValue::Param(i) => self.params[i].dist.support().1,
                        };
                        if most > MAX_TEAM_SIZE {
                            let origin = &t.req("team_size")?.origin;
                            return Err(err(
                                origin,
                                "controls.gatekeeper.team_size",
                                format!(
                                    "at most {MAX_TEAM_SIZE} reviewers are supported, found {most}"
                                ),
                            ));
                        }
                        n
                    },
                    classes: t
                        .names("classes", &class_names, "data class")?
                        .unwrap_or_else(|| (0..class_names.len()).collect()),
                    review_from: t
                        .names("review_from", &jur_names, "jurisdiction")?
                        .unwrap_or_else(|| (0..jur_names.len()).collect()),
                    review_hours: t.per_event("review_hours", true, 0.0)?,
                    catch_probability: t.num(self, "catch_probability", Kind::Probability)?,
                    fatigue: t.num_or(self, "fatigue", Kind::NonNegative, 0.0)?,
                    bypass_after_hours: t.opt_num(self, "bypass_after_hours", Kind::NonNegative)?,
                    from_day: t.num_or(self, "from_day", Kind::NonNegative, 0.0)?,
                });
            }
            if let Some(n) = ct.get("code_review") {
                let t = Tbl::open(
                    n,
                    "controls.code_review",
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
                    "controls.enclave",
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
                    "controls.audit",
                    &["detect_probability", "detect_delay_hours", "from_day"],
                )?;
                controls.audit = Some(Audit {
                    detect_probability: t.num(self, "detect_probability", Kind::Probability)?,
                    detect_delay_hours: t.per_event("detect_delay_hours", false, 0.0)?,
                    from_day: t.num_or(self, "from_day", Kind::NonNegative, 0.0)?,
                });
            }
            if let Some(n) = ct.get("third_party_audit") {
                let t = Tbl::open(
                    n,
                    "controls.third_party_audit",
                    &["every_days", "detect_probability", "from_day"],
                )?;
                controls.third_party_audit = Some(ThirdPartyAudit {
                    every_days: t.num(self, "every_days", Kind::Positive)?,
                    detect_probability: t.num(self, "detect_probability", Kind::Probability)?,
                    from_day: t.num_or(self, "from_day", Kind::NonNegative, 0.0)?,
                });
            }
        }

        let empty = Node {
            value: Val::Table(Vec::new()),
            origin: root.origin.clone(),
        };
        let cn = top.get("cost").unwrap_or(&empty);
        let ct = Tbl::open(
            cn,
            "cost",
            &[
                "reviewer",
                "firewall",
                "enclave",
                "audit",
                "third_party_audit",
                "code_review",
                "legit_wait_per_hour",
            ],
        )?;
        let cost = Cost {
            reviewer: ct.num_or(self, "reviewer", Kind::NonNegative, 0.0)?,
            firewall: ct.num_or(self, "firewall", Kind::NonNegative, 0.0)?,
            enclave: ct.num_or(self, "enclave", Kind::NonNegative, 0.0)?,
            audit: ct.num_or(self, "audit", Kind::NonNegative, 0.0)?,
            third_party_audit: ct.num_or(self, "third_party_audit", Kind::NonNegative, 0.0)?,
            code_review: ct.num_or(self, "code_review", Kind::NonNegative, 0.0)?,
            legit_wait_per_hour: ct.num_or(self, "legit_wait_per_hour", Kind::NonNegative, 0.0)?,
        };

        for (what, n) in [
            ("data classes", class_names.len()),
            ("jurisdictions", jur_names.len()),
            ("stores", store_names.len()),
        ] {
            if n > MAX_ENTITIES {
                return Err(err(
                    &root.origin,
                    "",
                    format!("at most {MAX_ENTITIES} {what} are supported, found {n}"),
                ));
            }
        }

        Ok(Scenario {
            name,
            description,
            horizon_days,
            start_date,
            run,
            classes,
            jurisdictions,
            stores,
            flows,
            actors,
            controls,
            cost,
            params: Vec::new(),
            tree: root.clone(),
            source: String::new(),
        })
    }
}
