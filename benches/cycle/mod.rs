//! One full dispatch cycle on a warm engine, shared by the `dispatch`
//! bench and the `cycles` instruction-count driver: an item arrives, an
//! agent is chosen, the notification goes out, the agent accepts, the
//! conversation ends and closes, with every output drained.

use chrono::{DateTime, Utc};
use switchboard::{
    Agent, AssignmentMethod, Channel, Config, Input, Output, Queue, QueueId, Switchboard, WorkItem,
    WorkItemId, Workstream, WorkstreamId,
};

use crate::engine::{agent_ids, signed_in};

/// The workstream and queue every item arrives on; the host keeps its ids
/// and clones them, which shares their text.
pub(crate) type Line = (WorkstreamId, QueueId);

/// A signed-in engine with `agents` agents in one chat queue using `method`.
pub(crate) fn warm_engine(agents: usize, method: AssignmentMethod) -> Switchboard {
    warm_engine_in_queues(agents, 1, method)
}

/// A signed-in engine with `agents` agents shared out among `queues` chat
/// queues using `method`: agent `k` is a member of queue `k % queues`.
pub(crate) fn warm_engine_in_queues(
    agents: usize,
    queues: usize,
    method: AssignmentMethod,
) -> Switchboard {
    let ids = agent_ids(agents);
    signed_in(Config {
        workstreams: vec![Workstream::new("chat", Channel::Chat)],
        queues: (0..queues)
            .map(|q| Queue {
                method: Some(method),
                ..Queue::new(
                    line(q).1,
                    ids.iter().skip(q).step_by(queues.max(1)).cloned(),
                )
            })
            .collect(),
        agents: ids.into_iter().map(Agent::new).collect(),
        ..Config::default()
    })
}

/// The workstream and queue `q` (`q0`, `q1`, …) of a warm engine.
pub(crate) fn line(q: usize) -> Line {
    (WorkstreamId::new("chat"), QueueId::new(format!("q{q}")))
}

/// How the host numbers its work items.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Ids {
    /// `w1`, `w2`, `w3`, …: a counter, a case number, a time-ordered id.
    Counting,
    /// The counter scrambled (multiplied by an odd constant, so still
    /// unique): ids in no order, as random ids (GUIDs) arrive.
    Scattered,
}

impl Ids {
    /// The `n`th item's id: `w` and a number in decimal. Ids are the
    /// host's to make; `format!` would cost the bench as much as a third
    /// of the routing it measures.
    pub(crate) fn id(self, n: u64) -> WorkItemId {
        let mut rest = match self {
            Ids::Counting => n,
            Ids::Scattered => n.wrapping_mul(0x9e37_79b9_7f4a_7c15),
        };
        let mut digits = [0_u8; 21];
        let mut at = digits.len();
        loop {
            at -= 1;
            digits[at] = b'0' + u8::try_from(rest % 10).unwrap_or(0);
            rest /= 10;
            if rest == 0 {
                break;
            }
        }
        at -= 1;
        digits[at] = b'w';
        WorkItemId::new(std::str::from_utf8(&digits[at..]).unwrap_or("w"))
    }
}

/// One cycle for `item`; returns how many outputs it drained.
pub(crate) fn cycle(
    sb: &mut Switchboard,
    now: DateTime<Utc>,
    item: WorkItemId,
    line: &Line,
) -> usize {
    let (workstream, queue) = line;
    let work = WorkItem::new(item.clone(), workstream.clone(), queue.clone());
    cycle_of(sb, now, Box::new(work), item, |_| {})
}

/// One cycle for `work` (its line and skills as the caller made them),
/// whose id is `item`, calling `drained_all` after each input's outputs are
/// drained; returns how many outputs it drained.
#[inline]
pub(crate) fn cycle_of(
    sb: &mut Switchboard,
    now: DateTime<Utc>,
    work: Box<WorkItem>,
    item: WorkItemId,
    mut drained_all: impl FnMut(&mut Switchboard),
) -> usize {
    let mut drained = 0;
    let mut offer = None;
    sb.handle(now, Input::WorkArrived(work)).expect("arrive");
    while let Some(out) = sb.poll_output() {
        if let Output::Notify(n) = &out {
            offer = Some(n.id);
        }
        drained += 1;
    }
    drained_all(sb);
    let notification = offer.expect("offered");
    for input in [
        Input::Accept { notification },
        Input::ConversationEnded { item: item.clone() },
        Input::ConversationClosed { item },
    ] {
        sb.handle(now, input).expect("cycle input");
        while sb.poll_output().is_some() {
            drained += 1;
        }
        drained_all(sb);
    }
    drained
}
