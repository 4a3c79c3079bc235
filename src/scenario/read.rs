//! Reading a whole scenario tree into a [`Scenario`]: each section in turn, names resolved to
//! indices, limits checked.

use super::table::{check_name, entries, err, lookup, Kind, Reader, Tbl};
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
                "question",
                "company",
                "store",
                "flow",
                "actor",
                "controls",
                "perimeter",
                "cost",
                "report",
                "inputs",
                "evidence",
                "explore",
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
                "currency",
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
        let currency = st
            .opt_string("currency")?
            .unwrap_or_else(|| DEFAULT_CURRENCY.to_string());
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
            let t = Tbl::open(
                node,
                &p,
                &[
                    "name",
                    "compelled_demands_per_year",
                    "demand_classes",
                    "compliance_probability",
                ],
            )?;
            if name == PRIVATE {
                return Err(err(
                    &t.req("name")?.origin,
                    &format!("{p}.name"),
                    format!("`{PRIVATE}` names the recipient of leaks to no state; choose another jurisdiction name"),
                ));
            }
            jurisdictions.push(Jurisdiction {
                name,
                demands_per_year: t.num_or(
                    self,
                    "compelled_demands_per_year",
                    Kind::NonNegative,
                    0.0,
                )?,
                demand_classes: t
                    .names("demand_classes", &class_names, "data class")?
                    .unwrap_or_else(|| (0..class_names.len()).collect()),
                compliance: t.num_or(self, "compliance_probability", Kind::Probability, 1.0)?,
            });
        }
        let jur_names: Vec<String> = jurisdictions.iter().map(|j| j.name.clone()).collect();
        let evidence = super::evidence::read_evidence(root, &jur_names)?;
        let discover = super::evidence::read_explore(root)?;

        let mut companies = Vec::new();
        for (node, name) in entries(root, "company")? {
            let p = format!("company.{name}");
            let t = Tbl::open(node, &p, &["name", "subject_to"])?;
            if jur_names.contains(&name) {
                return Err(err(
                    &t.req("name")?.origin,
                    &format!("{p}.name"),
                    format!("`{name}` already names a jurisdiction: `key_custody` could not tell them apart"),
                ));
            }
            companies.push(Company {
                name,
                subject_to: t
                    .names("subject_to", &jur_names, "jurisdiction")?
                    .unwrap_or_default(),
            });
        }
        let company_names: Vec<String> = companies.iter().map(|c| c.name.clone()).collect();

        let perimeter_entries = perimeter_entries(&top)?;
        let perimeter_names: Vec<String> =
            perimeter_entries.iter().map(|(_, n)| n.clone()).collect();

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
                    "operator",
                    "perimeter",
                    "key_custody",
                    "delete_on_day",
                ],
            )?;
            let key_custody = match t.get("key_custody") {
                None => None,
                Some(n) => {
                    let v = t.string_of(n, "key_custody")?;
                    if let Some(j) = jur_names.iter().position(|x| *x == v) {
                        Some(Custody::Jurisdiction(j))
                    } else if let Some(c) = company_names.iter().position(|x| *x == v) {
                        Some(Custody::Company(c))
                    } else {
                        let both: Vec<String> =
                            jur_names.iter().chain(&company_names).cloned().collect();
                        lookup(
                            &both,
                            &v,
                            &n.origin,
                            &t.key("key_custody"),
                            "jurisdiction or company",
                        )?;
                        None
                    }
                }
            };
            stores.push(Store {
                name,
                jurisdiction: t.name_ref("jurisdiction", &jur_names, "jurisdiction")?,
                classes: t
                    .names("classes", &class_names, "data class")?
                    .unwrap_or_default(),
                operator: t.opt_name_ref("operator", &company_names, "company")?,
                perimeter: t.opt_name_ref("perimeter", &perimeter_names, "perimeter")?,
                key_custody,
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
            actors.push(self.actor(node, name, &class_names, &jur_names, &store_names)?);
        }

        let controls = match top.get("controls") {
            Some(cn) => self.controls(cn, "controls", &class_names, &jur_names)?,
            None => Controls::default(),
        };
        let mut perimeters = Vec::new();
        for (node, name) in &perimeter_entries {
            let controls =
                self.controls(node, &format!("perimeter.{name}"), &class_names, &jur_names)?;
            perimeters.push(Perimeter {
                name: name.clone(),
                controls,
            });
        }
        let question = question(&top, &class_names, &jur_names, horizon_days)?;
        let tolerance = tolerance(&top)?;

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
            ("jurisdictions", jur_names.len() + 1),
            ("stores", store_names.len()),
            ("perimeters", perimeter_names.len() + 1),
        ] {
            if n > MAX_ENTITIES {
                return Err(err(
                    &root.origin,
                    "",
                    format!("at most {MAX_ENTITIES} {what} are supported, found {n}"),
                ));
            }
        }

        self.check_choices(root)?;
        Ok(Scenario {
            name,
            description,
            horizon_days,
            start_date,
            currency,
            run,
            classes,
            jurisdictions,
            stores,
            flows,
            actors,
            companies,
            controls,
            perimeters,
            question,
            tolerance,
            cost,
            params: Vec::new(),
            inputs: Vec::new(),
            evidence,
            discover,
            tree: root.clone(),
            source: String::new(),
        })
    }
}

impl Reader {
    /// Reads one `[[actor]]`.
    fn actor(
        &mut self,
        node: &Node,
        name: String,
        class_names: &[String],
        jur_names: &[String],
        store_names: &[String],
    ) -> Result<Actor> {
        let p = format!("actor.{name}");
        let t = Tbl::open(
            node,
            &p,
            &[
                "name",
                "jurisdiction",
                "headcount",
                "requests_per_person_per_day",
                "records_per_request",
                "classes",
                "reaches",
                "malicious_fraction",
                "state_sponsored_fraction",
                "targeting",
                "illicit_attempts_per_insider_per_year",
                "records_per_attempt",
                "circumvent_probability",
                "compellable",
                "turnover_per_year",
            ],
        )?;
        let compellable = t.bool_or("compellable", false)?;
        let malicious_fraction = t.num_or(self, "malicious_fraction", Kind::Probability, 0.0)?;
        let may_steal = compellable || t.get("malicious_fraction").is_some();
        let targeting = match t.opt_string("targeting")?.as_deref() {
            None | Some("uniform") => Targeting::Uniform,
            Some("weakest") => Targeting::Weakest,
            Some(other) => {
                return Err(err(
                    &t.req("targeting")?.origin,
                    &t.key("targeting"),
                    format!(
                        "expected \"uniform\" or \"weakest\", found `{other}`{}",
                        crate::error::suggestion(other, ["uniform", "weakest"])
                    ),
                ))
            }
        };
        Ok(Actor {
            name,
            jurisdiction: t.name_ref("jurisdiction", jur_names, "jurisdiction")?,
            headcount: t.num(self, "headcount", Kind::Count)?,
            requests_per_person_per_day: t.num_or(
                self,
                "requests_per_person_per_day",
                Kind::NonNegative,
                0.0,
            )?,
            classes: t
                .names("classes", class_names, "data class")?
                .unwrap_or_else(|| (0..class_names.len()).collect()),
            malicious_fraction,
            turnover_per_year: t.num_or(self, "turnover_per_year", Kind::Probability, 0.0)?,
            attempts_per_insider_per_year: t.num_or(
                self,
                "illicit_attempts_per_insider_per_year",
                Kind::NonNegative,
                0.0,
            )?,
            records_per_attempt: t.per_event(self, "records_per_attempt", may_steal, 0.0)?,
            circumvent_probability: t.num_or(
                self,
                "circumvent_probability",
                Kind::Probability,
                0.0,
            )?,
            compellable,
            records_per_request: t.per_event(self, "records_per_request", false, 0.0)?,
            reaches: t
                .names("reaches", store_names, "store")?
                .unwrap_or_else(|| (0..store_names.len()).collect()),
            state_sponsored_fraction: t.num_or(
                self,
                "state_sponsored_fraction",
                Kind::Probability,
                0.0,
            )?,
            targeting,
        })
    }
}

/// The `[perimeter.NAME]` tables, in name order.
fn perimeter_entries<'a>(top: &Tbl<'a>) -> Result<Vec<(&'a Node, String)>> {
    let Some(pn) = top.get("perimeter") else {
        return Ok(Vec::new());
    };
    let Val::Table(items) = &pn.value else {
        return Err(err(
            &pn.origin,
            "perimeter",
            format!(
                "expected tables [perimeter.NAME.CONTROL], found {}",
                pn.value.type_name()
            ),
        ));
    };
    let mut out = Vec::with_capacity(items.len());
    for (name, node) in items {
        check_name(name, &node.origin, &format!("perimeter.{name}"))?;
        if name == "controls" {
            return Err(err(
                &node.origin,
                &format!("perimeter.{name}"),
                "`controls` names the default perimeter (the top-level [controls]); choose another name",
            ));
        }
        out.push((node, name.clone()));
    }
    out.sort_by(|a, b| a.1.cmp(&b.1));
    Ok(out)
}

/// `[report] tolerance = [[loss, probability], ...]`: the risk-tolerance curve, losses increasing
/// and probabilities decreasing.
fn tolerance(top: &Tbl) -> Result<Vec<(f64, f64)>> {
    let Some(rn) = top.get("report") else {
        return Ok(Vec::new());
    };
    let t = Tbl::open(rn, "report", &["tolerance"])?;
    let Some(n) = t.get("tolerance") else {
        return Ok(Vec::new());
    };
    let bad =
        |origin: &crate::error::Origin, m: &str| err(origin, "report.tolerance", m.to_string());
    let expected = "expected [[loss, probability], ...] with losses > 0 increasing and probabilities in (0, 1] decreasing";
    let Val::Array(items) = &n.value else {
        return Err(bad(&n.origin, expected));
    };
    let mut out: Vec<(f64, f64)> = Vec::with_capacity(items.len());
    for item in items {
        let pair: Option<(f64, f64)> = match &item.value {
            Val::Array(xy) if xy.len() == 2 => {
                let num = |v: &Val| match v {
                    Val::Int(i) => Some(*i as f64),
                    Val::Float(f) => Some(*f),
                    _ => None,
                };
                num(&xy[0].value).zip(num(&xy[1].value))
            }
            _ => None,
        };
        let Some((loss, p)) = pair else {
            return Err(bad(&item.origin, expected));
        };
        let ordered = out.last().is_none_or(|&(l, q)| loss > l && p <= q);
        if !(loss > 0.0 && loss.is_finite() && p > 0.0 && p <= 1.0 && ordered) {
            return Err(bad(&item.origin, expected));
        }
        out.push((loss, p));
    }
    Ok(out)
}

/// The `[question]` table; with none, every class and every recipient count.
fn question(
    top: &Tbl,
    class_names: &[String],
    jur_names: &[String],
    horizon: f64,
) -> Result<Question> {
    let all_recipients: Vec<usize> = (0..=jur_names.len()).collect();
    let Some(qn) = top.get("question") else {
        return Ok(Question {
            classes: (0..class_names.len()).collect(),
            recipients: all_recipients,
            include_access: false,
            stated: false,
            window: super::windows::whole(horizon),
            also: Vec::new(),
        });
    };
    let t = Tbl::open(
        qn,
        "question",
        &[
            "classes",
            "recipients",
            "include_access",
            "window_days",
            "also",
        ],
    )?;
    let (window, also) = super::windows::read_windows(&t, horizon)?;
    let mut names: Vec<String> = jur_names.to_vec();
    names.push(PRIVATE.to_string());
    Ok(Question {
        classes: t
            .names("classes", class_names, "data class")?
            .unwrap_or_else(|| (0..class_names.len()).collect()),
        recipients: t
            .names(
                "recipients",
                &names,
                "recipient (a jurisdiction or `private`)",
            )?
            .unwrap_or(all_recipients),
        include_access: t.bool_or("include_access", false)?,
        stated: true,
        window,
        also,
    })
}
