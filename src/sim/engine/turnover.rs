//! Turnover and recruitment. An actor with `turnover` > 0 loses that share of its staff on each
//! anniversary of day 0: each malicious insider leaves with that probability, the benign staff
//! who leave are a binomial draw, and every leaver is replaced by a recruit who is malicious with
//! the actor's `malicious_fraction`. Such an actor also replaces an insider removed by detection
//! or refusal at once, by a recruit malicious with the same probability. Draws come from the
//! actor's own turnover stream and each recruit's own stream, so that scenarios without turnover
//! draw exactly what they drew before.

use super::*;
use note::{note, Note};

impl<T: Tracer, L: DayObserver> Sim<'_, T, L> {
    /// Schedules the first turnover of every actor that has one, and sets up its stream.
    pub(super) fn init_turnover(&mut self) {
        self.w.turnover.clear();
        self.w.recruits.clear();
        for (ai, a) in self.m.actors.iter().enumerate() {
            self.w.recruits.push(0);
            let s = self.stream(SRC_TURNOVER, a.key, 0);
            self.w.turnover.push(s);
            // A turnover at the horizon itself would change nothing that is counted.
            if a.turnover > 0.0 && HOURS_PER_YEAR < self.m.horizon {
                self.push(HOURS_PER_YEAR, Kind::Turnover, ai as u32, 0.0);
            }
        }
    }

    /// Actor `a`'s yearly turnover at `t`.
    pub(super) fn turnover(&mut self, t: f64, a: usize) {
        let actor = &self.m.actors[a];
        let (share, headcount) = (actor.turnover, actor.headcount);
        if t + HOURS_PER_YEAR < self.m.horizon {
            self.push(t + HOURS_PER_YEAR, Kind::Turnover, a as u32, 0.0);
        }
        let mut malicious = 0u64;
        let mut left = 0u64;
        for i in 0..self.w.insiders.len() {
            let ins = &self.w.insiders[i];
            if !ins.active || ins.actor as usize != a {
                continue;
            }
            malicious += 1;
            if self.w.turnover[a].uniform() < share {
                self.w.insiders[i].active = false;
                left += 1;
            }
        }
        let benign = headcount.saturating_sub(malicious);
        let s = &mut self.w.turnover[a];
        left += binomial(s, benign, share);
        let recruits = binomial(s, left, self.m.actors[a].malicious_fraction);
        for _ in 0..recruits {
            self.recruit(t, a);
        }
        self.trace(note(t, "turnover", "recruited").actor(a));
    }

    /// Insider `i` is removed (detected or refused) at `t`: its actor, if it recruits, fills the
    /// place with a recruit who is malicious with the actor's fraction.
    pub(super) fn remove_insider(&mut self, t: f64, i: usize) {
        self.w.insiders[i].active = false;
        let a = self.w.insiders[i].actor as usize;
        let actor = &self.m.actors[a];
        if actor.turnover > 0.0 && self.w.turnover[a].uniform() < actor.malicious_fraction {
            self.recruit(t, a);
        }
    }

    /// A malicious recruit of actor `a` starts at `t`.
    fn recruit(&mut self, t: f64, a: usize) {
        let actor = &self.m.actors[a];
        let k = self.w.recruits[a];
        self.w.recruits[a] += 1;
        let mut stream = self.stream(SRC_RECRUIT, actor.key, k as u64);
        let sponsored = stream.uniform() < actor.state_sponsored;
        let first = t + stream.exponential(actor.attempt_rate);
        let id = self.w.insiders.len() as u32;
        self.w.insiders.push(Insider {
            actor: a as u32,
            // Numbers above every insider of day 0 (the top bit set): keys its audit draws.
            number: (1 << 31) | k,
            active: true,
            successes: 0,
            first_success: f64::NAN,
            recipient: if sponsored {
                actor.jurisdiction as u32
            } else {
                self.m.private() as u32
            },
            hit: 0,
            stream,
        });
        self.out[idx::INSIDERS] += 1.0;
        self.push(first, Kind::Attempt, id, 0.0);
    }
}

/// A Binomial(n, p) draw (0 when n or p is 0).
fn binomial(s: &mut Stream, n: u64, p: f64) -> u64 {
    if n == 0 || p <= 0.0 {
        return 0;
    }
    Binomial::new(n, p.min(1.0))
        .map(|b| b.sample(s))
        .unwrap_or(0)
}
