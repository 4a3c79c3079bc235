//! Insider routes: an insider's chance of being still active at each instant (removed when
//! refused, when its perimeter's continuous audit detects one of its successes after the
//! detection delay, or at a third-party audit after a success in that perimeter), and its
//! attempts' expected successes by channel.

use super::{Acc, Channel, Ctx, RouteTotals, Sampled, STEP_HOURS};

/// Insider routes of actor `a`: the survival of an insider, then its attempts at each instant.
pub(super) fn insider_routes(
    ctx: &Ctx,
    a: usize,
    times: &[f64],
    acc: &mut Acc,
    totals: &mut RouteTotals,
) {
    let m = ctx.m;
    let actor = &m.actors[a];
    let insiders = actor.headcount as f64 * actor.malicious_fraction;
    if insiders <= 0.0 || actor.attempt_rate <= 0.0 || actor.classes.is_empty() {
        return;
    }
    let lambda = actor.attempt_rate;
    let np = m.perimeters.len();
    // Per instant: targets and odds, refusal per perimeter, success per perimeter.
    let mut plan = Vec::with_capacity(times.len());
    let mut refuse = vec![vec![0.0; times.len()]; np];
    let mut success = vec![vec![0.0; times.len()]; np];
    let share = 1.0 / actor.classes.len() as f64;
    for (k, &t) in times.iter().enumerate() {
        let mut here = Vec::new();
        for &c in &actor.classes {
            let c = c as usize;
            for (s, w) in ctx.targets(a, c, t) {
                let o = ctx.odds(a, c, s, t, false);
                let p = m.stores[s].perimeter;
                refuse[p][k] += share * w * o.refuse;
                success[p][k] += share * w * (o.review + o.direct);
                here.push((c, s, share * w, o));
            }
        }
        plan.push(here);
    }
    let survival = survival(ctx, lambda, times, &refuse, &success);
    let state = m.actors[a].state_sponsored;
    let recipients = [
        (m.actors[a].jurisdiction, state),
        (m.private(), 1.0 - state),
    ];
    for (k, here) in plan.iter().enumerate() {
        let rate = insiders * lambda * STEP_HOURS * survival[k];
        for &(c, s, w, o) in here {
            for &(r, sh) in recipients.iter().filter(|x| x.1 > 0.0) {
                let att = rate * w * sh;
                for (ch, p) in [(Channel::Review, o.review), (Channel::Direct, o.direct)] {
                    let e = acc.entry((ch, Some(a), c, s, r)).or_default();
                    e.0 += att;
                    e.1 += att * p;
                    totals.theft += att * p;
                }
            }
        }
    }
}

/// An insider's probability of being active at each instant.
fn survival(
    ctx: &Ctx,
    lambda: f64,
    times: &[f64],
    refuse: &[Vec<f64>],
    success: &[Vec<f64>],
) -> Vec<f64> {
    let m = ctx.m;
    let n = times.len();
    let dt = STEP_HOURS;
    let mut out = vec![1.0; n];
    for (p, pm) in m.perimeters.iter().enumerate() {
        let audit = pm.audit.as_ref();
        let tpa = pm.third_party_audit.as_ref();
        let has_refusal = refuse[p].iter().any(|&x| x > 0.0);
        if !has_refusal && audit.is_none() && tpa.is_none() {
            continue;
        }
        // CDFs of the review time and the detection delay at each age on the grid.
        let ages = |d: &Option<Sampled>, none: f64| -> Vec<f64> {
            (0..=n)
                .map(|i| d.as_ref().map_or(none, |r| r.cdf(i as f64 * dt)))
                .collect()
        };
        let f_review = ages(&ctx.review[p], 1.0);
        let f_delay = ages(&ctx.delay[p], 1.0);
        let flag: Vec<f64> = times
            .iter()
            .map(|&t| audit.map_or(0.0, |au| if t >= au.from { au.detect } else { 0.0 }))
            .collect();
        for (k, &u) in times.iter().enumerate() {
            // Hazard integral of refusals and detections that have fired by u.
            let mut h = 0.0;
            for j in 0..k {
                h += refuse[p][j] * f_review[k - j] + success[p][j] * flag[j] * f_delay[k - j];
            }
            let mut s = (-lambda * h * dt).exp();
            if let Some(tpa) = tpa.filter(|t| t.detect > 0.0) {
                // Hits not yet detected by u, then the audits before u that find one.
                let audits: Vec<f64> = (1..)
                    .map(|i| tpa.from + i as f64 * tpa.every)
                    .take_while(|&x| x < u)
                    .collect();
                if !audits.is_empty() {
                    let mut cum = 0.0;
                    let mut next = 0;
                    let mut no_hit_before = vec![1.0; audits.len()];
                    for j in 0..k {
                        while next < audits.len() && audits[next] <= times[j] {
                            no_hit_before[next] = (-lambda * cum * dt).exp();
                            next += 1;
                        }
                        let d = flag[j];
                        let pending = 1.0 - f_delay[k - j];
                        cum += success[p][j] * ((1.0 - d) + d * pending);
                    }
                    for x in no_hit_before.iter_mut().skip(next) {
                        *x = (-lambda * cum * dt).exp();
                    }
                    let q = tpa.detect;
                    let mlen = audits.len();
                    let mut surv = no_hit_before[mlen - 1];
                    let mut prev = 1.0;
                    for (j, &nh) in no_hit_before.iter().enumerate() {
                        surv += (prev - nh) * (1.0 - q).powi((mlen - j) as i32);
                        prev = nh;
                    }
                    s *= surv;
                }
            }
            out[k] *= s;
        }
    }
    out
}
