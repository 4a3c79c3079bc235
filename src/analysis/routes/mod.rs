//! The route table: for each actor x class x store and each channel (review, direct, seizure,
//! compelled operator, compelled theft), the per-attempt success probability, the expected
//! attempts a year and the expected successes over the horizon, in closed form at a model's
//! parameters (the scenario's central values for `validate`, `run` and the report).
//!
//! The closed form integrates over time on a grid of [`STEP_HOURS`]: at each instant it takes the
//! stores that hold each class (deletion days and flow copies), the controls active, the share of
//! time a firewall stands open in a breach window, and the chance that an insider is still active
//! (removed when refused, when its perimeter's continuous audit detects one of its successes after
//! the detection delay, or at a third-party audit after a success in that perimeter). See
//! docs/model.md, "Route table", for what it leaves out.

use crate::model::{Model, PerimeterModel, HOURS_PER_YEAR};
use crate::random::Dist;
use crate::sim::metrics::idx;

/// Expected (attempts, successes) per (channel, actor, class, store, recipient).
type Acc = std::collections::BTreeMap<(Channel, Option<usize>, usize, usize, usize), (f64, f64)>;

mod insiders;
mod report;
use insiders::insider_routes;
pub use report::{route_report, RouteReport, Simulated};

/// Grid step of the time integrals, hours (a divisor of a day, so deletion days fall on it).
pub const STEP_HOURS: f64 = 4.0;

/// How records leave through a route.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Channel {
    /// An insider's request approved by a gatekeeper (it then skips the firewall).
    Review,
    /// An insider's direct access: no review applies, or it went around it.
    Direct,
    /// A state seizes a store on its soil.
    Seizure,
    /// A state orders a company that answers to it to hand a store over.
    CompelledOperator,
    /// A compellable member's attempt on a state's order, through the controls.
    CompelledTheft,
}

impl Channel {
    /// The name in `routes.csv`.
    pub fn name(self) -> &'static str {
        match self {
            Channel::Review => "review",
            Channel::Direct => "direct",
            Channel::Seizure => "seizure",
            Channel::CompelledOperator => "compelled_operator",
            Channel::CompelledTheft => "compelled_theft",
        }
    }
}

/// One route: who (an actor, or none for a state's demand) takes which class from which store by
/// which channel, for which recipient.
#[derive(Clone, Debug, PartialEq)]
pub struct Route {
    /// Channel.
    pub channel: Channel,
    /// Actor index (none for seizure and compelled operator).
    pub actor: Option<usize>,
    /// Class index.
    pub class: usize,
    /// Store index.
    pub store: usize,
    /// Recipient index (jurisdictions' states, then `private`).
    pub recipient: usize,
    /// Expected attempts (or demands) on this store and class over the horizon.
    pub attempts: f64,
    /// Expected successes over the horizon.
    pub successes: f64,
}

impl Route {
    /// Per-attempt success probability (successes / attempts; 0 with no attempt).
    pub fn p_success(&self) -> f64 {
        if self.attempts > 0.0 {
            self.successes / self.attempts
        } else {
            0.0
        }
    }
}

/// Expected events of each engine counter's route over the horizon (a demand served from several
/// stores counts once, as `seizures` and `operator_handovers` count it).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct RouteTotals {
    /// Insider thefts (`successful_thefts - compelled_thefts`).
    pub theft: f64,
    /// Compelled thefts (`compelled_thefts`).
    pub compelled_theft: f64,
    /// Demands served by seizure (`seizures`).
    pub seizure: f64,
    /// Demands served by a compelled operator (`operator_handovers`).
    pub compelled_operator: f64,
}

impl RouteTotals {
    /// (name, expected events, engine metric index) of each counter's route.
    pub fn rows(&self) -> [(&'static str, f64, Counter); 4] {
        [
            ("theft", self.theft, Counter::Theft),
            (
                "compelled_theft",
                self.compelled_theft,
                Counter::Metric(idx::COMPELLED_THEFTS),
            ),
            ("seizure", self.seizure, Counter::Metric(idx::SEIZURES)),
            (
                "compelled_operator",
                self.compelled_operator,
                Counter::Metric(idx::OPERATOR_HANDOVERS),
            ),
        ]
    }
}

/// Where a route's simulated count comes from in a replication's metrics.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Counter {
    /// `successful_thefts - compelled_thefts`.
    Theft,
    /// One metric.
    Metric(usize),
}

impl Counter {
    /// The count in one replication's metrics.
    pub fn get(self, metrics: &[f64]) -> f64 {
        match self {
            Counter::Theft => metrics[idx::SUCCESSFUL_THEFTS] - metrics[idx::COMPELLED_THEFTS],
            Counter::Metric(i) => metrics[i],
        }
    }
}

/// A gatekeeper that lets more through than it stops for an actor and class: an approved request
/// skips the firewall, so the team is a channel rather than a control.
#[derive(Clone, Debug, PartialEq)]
pub struct GateChannel {
    /// Perimeter index.
    pub perimeter: usize,
    /// Actor index.
    pub actor: usize,
    /// Class index.
    pub class: usize,
    /// Per-attempt success with the team.
    pub with_team: f64,
    /// Per-attempt success without it (direct access through code review, firewall, enclave).
    pub without_team: f64,
}

/// The route table of a model.
#[derive(Clone, Debug, Default)]
pub struct RouteTable {
    /// Routes with any expected success, in (channel, actor, class, store, recipient) order.
    pub routes: Vec<Route>,
    /// Expected events per engine counter.
    pub totals: RouteTotals,
    /// Gatekeepers that are channels.
    pub gate_channels: Vec<GateChannel>,
    /// Horizon, years.
    pub years: f64,
}

/// A distribution as 512 sorted draws (quantiles where the inverse is closed-form).
struct Sampled(Vec<f64>);

impl Sampled {
    fn new(d: &Dist) -> Sampled {
        const N: usize = 512;
        let mut v: Vec<f64> = (0..N)
            .map(|k| {
                let seed = ((k as f64 + 0.5) / N as f64 * 4_294_967_296.0) as u32;
                d.sample_seeded(seed).max(0.0)
            })
            .collect();
        v.sort_by(f64::total_cmp);
        Sampled(v)
    }
    /// P(X <= x).
    fn cdf(&self, x: f64) -> f64 {
        self.0.partition_point(|&v| v <= x) as f64 / self.0.len() as f64
    }
    /// E[min(X, x)].
    fn mean_min(&self, x: f64) -> f64 {
        self.0.iter().map(|&v| v.min(x)).sum::<f64>() / self.0.len() as f64
    }
}

/// Hour from which each store holds each class (infinite: never), following flow copies.
/// Egress-filtered flows are taken as copying nothing (their breach windows are left out).
pub fn acquisition(m: &Model) -> Vec<[f64; 64]> {
    let mut acq: Vec<[f64; 64]> = m
        .stores
        .iter()
        .map(|s| {
            let mut a = [f64::INFINITY; 64];
            for (c, x) in a.iter_mut().enumerate() {
                if s.initial_classes & (1u64 << c) != 0 {
                    *x = 0.0;
                }
            }
            a
        })
        .collect();
    for _ in 0..=m.stores.len() {
        let mut changed = false;
        for f in m.flows.iter().filter(|f| !f.egress_filtered) {
            #[allow(clippy::needless_range_loop)] // `acq` is indexed by two stores
            for c in 0..m.classes.len() {
                if f.classes & (1u64 << c) == 0 {
                    continue;
                }
                let from = acq[f.from][c].max(f.start);
                if !from.is_finite() {
                    continue;
                }
                let k = ((from - f.start) / f.every).ceil().max(0.0);
                let copy = f.start + k * f.every;
                let ok = copy < f.end
                    && copy < m.stores[f.from].delete_at
                    && copy < m.stores[f.to].delete_at
                    && copy <= m.horizon;
                if ok && copy < acq[f.to][c] {
                    acq[f.to][c] = copy;
                    changed = true;
                }
            }
        }
        if !changed {
            break;
        }
    }
    acq
}

/// Per-attempt outcome of an attempt on one store and class at one instant.
#[derive(Clone, Copy, Default)]
struct Odds {
    review: f64,
    direct: f64,
    refuse: f64,
}

/// Controls of perimeter `p` met by actor `a` on `class` at `t`: (outside, review applies).
fn met(pm: &PerimeterModel, a: usize, class: usize, t: f64) -> (bool, bool) {
    let bit = 1u64 << class;
    let outside = pm.outside[a] & bit != 0 && pm.firewall.as_ref().is_some_and(|f| t >= f.from);
    let review = pm.review[a] & bit != 0 && pm.gatekeeper.as_ref().is_some_and(|g| t >= g.from);
    (outside, review)
}

/// The pieces of an attempt's odds in perimeter `p`: (direct pass, enclave pass).
fn passes(pm: &PerimeterModel, outside: bool, breach: f64, t: f64) -> (f64, f64) {
    if !outside {
        return (1.0, 1.0);
    }
    let mut direct = 1.0;
    if let Some(cr) = pm.code_review.as_ref().filter(|c| t >= c.from) {
        direct *= 1.0 - cr.probability;
    }
    if let Some(fw) = &pm.firewall {
        direct *= breach + (1.0 - breach) * (1.0 - fw.block);
    }
    let enclave = pm
        .enclave
        .as_ref()
        .filter(|e| t >= e.from)
        .map_or(1.0, |e| 1.0 - e.probability);
    (direct * enclave, enclave)
}

struct Ctx<'a> {
    m: &'a Model,
    acq: Vec<[f64; 64]>,
    review: Vec<Option<Sampled>>,
    delay: Vec<Option<Sampled>>,
    breach: Vec<Option<Sampled>>,
}

impl Ctx<'_> {
    fn holds(&self, s: usize, c: usize, t: f64) -> bool {
        self.acq[s][c] <= t && t < self.m.stores[s].delete_at
    }
    fn candidates(&self, a: usize, c: usize, t: f64) -> u64 {
        let reaches = self.m.actors[a].reaches;
        (0..self.m.stores.len())
            .filter(|&s| reaches & (1u64 << s) != 0 && self.holds(s, c, t))
            .fold(0u64, |m, s| m | (1u64 << s))
    }
    /// Share of time perimeter `p`'s firewall is in a breach window at `t` (windows from 0).
    fn breach(&self, p: usize, t: f64) -> f64 {
        match (&self.m.perimeters[p].firewall, &self.breach[p]) {
            (Some(fw), Some(len)) if fw.breach_rate > 0.0 => {
                1.0 - (-fw.breach_rate * len.mean_min(t)).exp()
            }
            _ => 0.0,
        }
    }
    /// Odds of actor `a`'s attempt on `class` in `store` at `t`; `sim_score` leaves out breach
    /// windows and the horizon (the engine's weakest-targeting score, at central values).
    fn odds(&self, a: usize, class: usize, store: usize, t: f64, score: bool) -> Odds {
        let p = self.m.stores[store].perimeter;
        let pm = &self.m.perimeters[p];
        let (outside, review) = met(pm, a, class, t);
        let breach = if score { 0.0 } else { self.breach(p, t) };
        let (direct, enclave) = passes(pm, outside, breach, t);
        if !review {
            return Odds {
                direct,
                ..Odds::default()
            };
        }
        let circ = self.m.actors[a].circumvent;
        let catch = pm.gatekeeper.as_ref().map_or(0.0, |g| g.catch);
        // An approved request takes records when its review ends, if the store still holds the
        // class and the horizon has not passed.
        let end = self.m.horizon.min(self.m.stores[store].delete_at);
        let done = match (&self.review[p], score) {
            (Some(r), false) => r.cdf(end - t),
            _ => 1.0,
        };
        Odds {
            review: (1.0 - circ) * (1.0 - catch) * enclave * done,
            direct: circ * direct,
            refuse: (1.0 - circ) * catch,
        }
    }
    /// Targets of an attempt of `a` on `class` at `t` with their probabilities.
    fn targets(&self, a: usize, class: usize, t: f64) -> Vec<(usize, f64)> {
        let cand = self.candidates(a, class, t);
        if cand == 0 {
            return Vec::new();
        }
        let stores: Vec<usize> = (0..64).filter(|s| cand & (1u64 << s) != 0).collect();
        let chosen: Vec<usize> = if self.m.actors[a].weakest {
            let score = |s: usize| {
                let o = self.odds(a, class, s, t, true);
                o.review + o.direct
            };
            let best = stores.iter().map(|&s| score(s)).fold(f64::MIN, f64::max);
            stores
                .into_iter()
                .filter(|&s| (score(s) - best).abs() <= 1e-12)
                .collect()
        } else {
            stores
        };
        let w = 1.0 / chosen.len() as f64;
        chosen.into_iter().map(|s| (s, w)).collect()
    }
}

fn bits(set: u64) -> impl Iterator<Item = usize> {
    (0..64).filter(move |i| set & (1u64 << i) != 0)
}

/// The route table of `m` (a model built at the scenario's central values, usually).
pub fn route_table(m: &Model) -> RouteTable {
    let sampled = |d: Option<&Dist>| d.map(Sampled::new);
    let ctx = Ctx {
        m,
        acq: acquisition(m),
        review: m
            .perimeters
            .iter()
            .map(|p| sampled(p.gatekeeper.as_ref().map(|g| &g.review_hours)))
            .collect(),
        delay: m
            .perimeters
            .iter()
            .map(|p| sampled(p.audit.as_ref().map(|a| &a.delay)))
            .collect(),
        breach: m
            .perimeters
            .iter()
            .map(|p| sampled(p.firewall.as_ref().map(|f| &f.breach_hours)))
            .collect(),
    };
    let n = (m.horizon / STEP_HOURS).ceil().max(0.0) as usize;
    let times: Vec<f64> = (0..n).map(|k| (k as f64 + 0.5) * STEP_HOURS).collect();
    let mut acc = Acc::new();
    let mut totals = RouteTotals::default();
    for a in 0..m.actors.len() {
        insider_routes(&ctx, a, &times, &mut acc, &mut totals);
    }
    demand_routes(&ctx, &times, &mut acc, &mut totals);
    let routes = acc
        .into_iter()
        .filter(|(_, (att, succ))| *att > 0.0 && *succ > 0.0)
        .map(
            |((channel, actor, class, store, recipient), (attempts, successes))| Route {
                channel,
                actor,
                class,
                store,
                recipient,
                attempts,
                successes,
            },
        )
        .collect();
    RouteTable {
        routes,
        totals,
        gate_channels: gate_channels(&ctx),
        years: m.horizon / HOURS_PER_YEAR,
    }
}

/// Demand routes: seizure and compelled operator per store and class, and compelled thefts when
/// neither finds anything.
fn demand_routes(ctx: &Ctx, times: &[f64], acc: &mut Acc, totals: &mut RouteTotals) {
    let m = ctx.m;
    for (j, jm) in m.jurisdictions.iter().enumerate() {
        if jm.demand_rate <= 0.0 {
            continue;
        }
        let bit = 1u64 << j;
        // A demand is complied with with the jurisdiction's probability, whatever serves it:
        // attempts count demands, successes the complied ones.
        let per_step = jm.demand_rate * STEP_HOURS;
        let comply = jm.compliance;
        for &t in times {
            let mut found = [false; 2];
            for (s, st) in m.stores.iter().enumerate() {
                if st.readable_to & bit == 0 {
                    continue;
                }
                for (i, ch, reached) in [
                    (0, Channel::Seizure, st.jurisdiction == j),
                    (
                        1,
                        Channel::CompelledOperator,
                        st.operator_subject_to & bit != 0,
                    ),
                ] {
                    if !reached {
                        continue;
                    }
                    for c in bits(jm.demand_classes).filter(|&c| ctx.holds(s, c, t)) {
                        let e = acc.entry((ch, None, c, s, j)).or_default();
                        e.0 += per_step;
                        e.1 += per_step * comply;
                        found[i] = true;
                    }
                }
            }
            totals.seizure += if found[0] { per_step * comply } else { 0.0 };
            totals.compelled_operator += if found[1] { per_step * comply } else { 0.0 };
            if found[0] || found[1] {
                continue;
            }
            let Some(total) = jm.compellable.last().map(|x| x.1) else {
                continue;
            };
            let mut prev = 0.0;
            for &(a, cum) in &jm.compellable {
                let pick = (cum - prev) / total;
                prev = cum;
                let wanted = m.actors[a]
                    .classes
                    .iter()
                    .fold(0u64, |x, &c| x | (1u64 << c))
                    & jm.demand_classes;
                let nc = wanted.count_ones() as f64;
                for c in bits(wanted) {
                    for (s, w) in ctx.targets(a, c, t) {
                        let o = ctx.odds(a, c, s, t, false);
                        let att = per_step * pick * w / nc;
                        let p = comply * (o.review + o.direct);
                        let e = acc
                            .entry((Channel::CompelledTheft, Some(a), c, s, j))
                            .or_default();
                        e.0 += att;
                        e.1 += att * p;
                        totals.compelled_theft += att * p;
                    }
                }
            }
        }
    }
}

/// Gatekeepers through which an actor's illicit attempt on a class succeeds more often than it
/// would by direct access without the team (at the horizon's end, outside breach windows).
fn gate_channels(ctx: &Ctx) -> Vec<GateChannel> {
    let m = ctx.m;
    let t = m.horizon;
    let mut out = Vec::new();
    for (p, pm) in m.perimeters.iter().enumerate() {
        let Some(gk) = pm.gatekeeper.as_ref().filter(|g| g.from < t) else {
            continue;
        };
        for (a, actor) in m.actors.iter().enumerate() {
            for &c in &actor.classes {
                let c = c as usize;
                let (outside, review) = met(pm, a, c, t.max(gk.from));
                if !review || !outside {
                    continue;
                }
                let (direct, enclave) = passes(pm, outside, 0.0, t);
                let circ = actor.circumvent;
                let with_team = circ * direct + (1.0 - circ) * (1.0 - gk.catch) * enclave;
                if with_team > direct + 1e-12 {
                    out.push(GateChannel {
                        perimeter: p,
                        actor: a,
                        class: c,
                        with_team,
                        without_team: direct,
                    });
                }
            }
        }
    }
    out
}

/// The route table of a scenario at its inputs' central values (means of uncertain inputs).
pub fn central_table(s: &crate::scenario::Scenario) -> RouteTable {
    route_table(&Model::build(s, &s.mean_values()))
}
