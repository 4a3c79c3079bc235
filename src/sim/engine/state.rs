//! The engine's state: who acts, the draws that decide an attempt, and the per-thread
//! [`Workspace`] reused from one replication to the next.

use super::events::Event;
use super::gatekeeper::Reviewers;
use crate::random::Stream;
use std::collections::{BinaryHeap, VecDeque};

/// Who makes an illicit attempt.
#[derive(Clone, Copy, Debug)]
pub(super) enum Who {
    /// Insider index.
    Insider(u32),
    /// A member of actor `actor` compelled by jurisdiction `jur`.
    Compelled { jur: u32, actor: u32 },
}

/// The uniforms that decide one attempt's fate: drawn together, whatever path the attempt takes,
/// so that paired scenarios see the same fate for the same attempt.
#[derive(Clone, Copy, Debug)]
pub(super) struct Fate {
    pub(super) class: f64,
    pub(super) store: f64,
    pub(super) circumvent: f64,
    pub(super) code_review: f64,
    pub(super) firewall: f64,
    pub(super) enclave: f64,
    pub(super) catch: f64,
    pub(super) audit: f64,
}

impl Fate {
    pub(super) fn draw(s: &mut Stream) -> Fate {
        Fate {
            class: s.uniform(),
            store: s.uniform(),
            circumvent: s.uniform(),
            code_review: s.uniform(),
            firewall: s.uniform(),
            enclave: s.uniform(),
            catch: s.uniform(),
            audit: s.uniform(),
        }
    }
}

#[derive(Clone, Debug)]
pub(super) struct Insider {
    pub(super) actor: u32,
    pub(super) active: bool,
    pub(super) successes: u32,
    pub(super) first_success: f64,
    pub(super) times: Stream,
    pub(super) fate: Stream,
    pub(super) draws: Stream,
}

#[derive(Clone, Copy, Debug)]
pub(super) struct Pending {
    pub(super) who: Who,
    pub(super) class: u8,
    pub(super) store: u8,
    pub(super) refused: bool,
    pub(super) outside: bool,
    pub(super) fate: Fate,
}

#[derive(Clone, Debug)]
pub(super) struct ActorStreams {
    pub(super) arrivals: Stream,
    pub(super) choice: Stream,
    pub(super) review: Stream,
}

#[derive(Clone, Debug)]
pub(super) struct JurStreams {
    pub(super) demands: Stream,
    pub(super) fate: Stream,
    pub(super) draws: Stream,
}

/// Per-thread memory reused from one replication to the next.
#[derive(Default)]
pub struct Workspace {
    pub(super) heap: BinaryHeap<Event>,
    pub(super) insiders: Vec<Insider>,
    pub(super) actors: Vec<ActorStreams>,
    pub(super) jurs: Vec<JurStreams>,
    pub(super) flows: Vec<Stream>,
    pub(super) holds: Vec<u64>,
    pub(super) deleted: Vec<bool>,
    pub(super) holders: Vec<u64>,
    pub(super) leaked: Vec<f64>,
    pub(super) paths: [Vec<f64>; 3],
    pub(super) reviewers: Reviewers,
    pub(super) queue_exits: VecDeque<f64>,
    pub(super) pending: Vec<Pending>,
    pub(super) free_pending: Vec<u32>,
}

impl Workspace {
    /// An empty workspace.
    pub fn new() -> Self {
        Self::default()
    }
}
