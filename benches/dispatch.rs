//! Dispatch throughput: one full cycle on a warm engine — an item arrives,
//! an agent is chosen, the notification goes out, the agent accepts, the
//! conversation ends and closes — with every output drained. Ids are
//! `dispatch/<method>/<agents>`.
//!
//! In `dispatch` every closed item's id stays, as it does until the host
//! sends `Input::ForgetClosed`, so by the end of a run millions are kept.
//! `dispatch_forgetting/<method>/10000` is the same cycle with the host
//! forgetting closed ids every 10,000 cycles (the cost of that input
//! included): the difference is what remembering them costs.
//! `dispatch_scattered_ids/<method>/10000` remembers them but numbers the
//! items in no order (as random ids arrive), so every arrival probes the
//! large table of closed ids instead of being known new at once.
//! `dispatch_queues/highest_capacity/<queues>` shares the 10,000 agents out
//! among 1, 100 or 1,000 queues, and `dispatch_memberships/highest_capacity/<queues>`
//! makes each of them a member of 1, 10 or 50 queues.
//! `dispatch_delays/highest_capacity/<workstreams>`
//! runs the cycle beside 1, 30 or 300 workstreams with auto-close times of
//! their own (4, 91 or 901 delays in use), and
//! `dispatch_delays/poll_timeout/<workstreams>` asks the same engine for
//! its next deadline, as a host does after every input,
//! `dispatch_delays/tick_nothing_due/<workstreams>` ticks it when nothing is
//! due, and `dispatch_delays/spread/<workstreams>` runs the cycle with item
//! `n` arriving on workstream `n % workstreams` (`spread_polling`: asking for
//! the next deadline after every input, as a host does).
//! `dispatch_away/highest_capacity/<percent>` has 0, 20 or 50 % of the
//! 10,000 agents Away; `dispatch_skills/highest_capacity/<percent>` makes
//! every item require a skill that 100, 10 or 1 % of them hold;
//! `dispatch_skill_sets/highest_capacity/<sets>` gives the 10,000 agents
//! 1, 100 or 10,000 different sets of skills, and the items require none;
//! `dispatch_open/highest_capacity/<per agent>` has each of the 10,000
//! agents hold 0, 1 or 3 conversations open;
//! `dispatch_contacts/highest_capacity/<contacts>` makes every item an SMS
//! from one of 10, 10,000 or 100,000 contacts;
//! `dispatch_unanswered/highest_capacity/<cycles>` leaves a consult request
//! unanswered for 100 or 1,000 cycles at a time.
//! `dispatch_busy/highest_capacity/<agents>` has each of 1,000, 10,000 or
//! 100,000 agents Busy with a conversation open while an item only
//! Available agents may take waits in the queue.
//! `dispatch_full/<method>/<agents>` has 1,000, 10,000 or 100,000 agents
//! each too full for another conversation, and 10 more with room take the
//! work; `dispatch_profiles/highest_capacity/<agents>` is the same with
//! capacity profiles: their chat profile full, their SMS one not;
//! `dispatch_escalations/highest_capacity/<agents>` has them each hold a
//! chat escalated to voice, which keeps new chat away (C8).
//! `dispatch_backlog/highest_capacity/<waiting>` is another cycle:
//! 100, 10,000 or 100,000 items wait behind one nobody may take, and each
//! closed conversation lets the next of them be offered and accepted.

mod cycle;
mod engine;

use chrono::{DateTime, TimeDelta, Utc};
use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, BenchmarkId, Criterion, Throughput, black_box, criterion_main};
use switchboard::{
    Agent, AgentProfile, AssignmentMethod, BaseStatus, CapacityProfile, Channel, Config, Contact,
    ContactId, Input, NotificationId, Output, PresenceId, ProfileId, Queue, Switchboard, WorkItem,
    WorkItemId, WorkLocation, Workstream, WorkstreamId,
};

use cycle::{Ids, Line, cycle, cycle_of, line, warm_engine, warm_engine_in_queues};
use engine::{agent_ids, signed_in, start};

/// The three methods, by their names in bench ids.
const METHODS: [(&str, AssignmentMethod); 3] = [
    ("highest_capacity", AssignmentMethod::HighestCapacity),
    ("round_robin", AssignmentMethod::AdvancedRoundRobin),
    ("least_active", AssignmentMethod::LeastActive),
];

/// Cycles between two `ForgetClosed` in `dispatch_forgetting`.
const FORGET_EVERY: u64 = 10_000;

fn dispatch(c: &mut Criterion) {
    let mut group = c.benchmark_group("dispatch");
    group.throughput(Throughput::Elements(1));
    for (name, method) in METHODS {
        for agents in [1_000, 10_000, 100_000] {
            bench_cycles(&mut group, name, agents, method, Ids::Counting, None);
        }
    }
    group.finish();
}

fn dispatch_forgetting(c: &mut Criterion) {
    let mut group = c.benchmark_group("dispatch_forgetting");
    group.throughput(Throughput::Elements(1));
    for (name, method) in METHODS {
        bench_cycles(
            &mut group,
            name,
            10_000,
            method,
            Ids::Counting,
            Some(FORGET_EVERY),
        );
    }
    group.finish();
}

/// `dispatch_queues/highest_capacity/<queues>`: the cycle at 10,000 agents
/// shared out among 1, 100 or 1,000 queues, item `n` arriving in queue
/// `n % queues`. A cycle looks only at queues where something changed, so
/// the time should not grow with the number of queues.
fn dispatch_queues(c: &mut Criterion) {
    let mut group = c.benchmark_group("dispatch_queues");
    group.throughput(Throughput::Elements(1));
    for queues in [1, 100, 1_000] {
        let mut sb = warm_engine_in_queues(10_000, queues, AssignmentMethod::HighestCapacity);
        let lines: Vec<_> = (0..queues).map(line).collect();
        let mut n = 0_u64;
        group.bench_function(BenchmarkId::new("highest_capacity", queues), |b| {
            b.iter(|| {
                n += 1;
                let line = &lines[usize::try_from(n).unwrap_or(0) % queues];
                black_box(cycle(&mut sb, moment(n), Ids::Counting.id(n), line))
            });
        });
    }
    group.finish();
}

/// `dispatch_memberships/highest_capacity/<queues>`: the cycle at 10,000
/// agents who are each a member of 1, 10 or 50 queues, items arriving in
/// the first. Each queue keeps its own index, but a change of an agent's
/// rank updates at once only the queues where work waits; the others
/// catch up when work joins their line, so the time should grow little
/// with the memberships.
fn dispatch_memberships(c: &mut Criterion) {
    let mut group = c.benchmark_group("dispatch_memberships");
    group.throughput(Throughput::Elements(1));
    for queues in [1, 10, 50] {
        let ids = agent_ids(10_000);
        let mut sb = signed_in(Config {
            workstreams: vec![Workstream::new("chat", Channel::Chat)],
            queues: (0..queues)
                .map(|q| Queue {
                    method: Some(AssignmentMethod::HighestCapacity),
                    ..Queue::new(line(q).1, ids.iter().cloned())
                })
                .collect(),
            agents: ids.into_iter().map(Agent::new).collect(),
            ..Config::default()
        });
        let id = BenchmarkId::new("highest_capacity", queues);
        bench_cycle_on(&mut group, id, &mut sb);
    }
    group.finish();
}

/// `dispatch_delays/<what>/<workstreams>`: the cycle, a host's
/// `poll_timeout`, a `tick` with nothing due, and the cycle with its items
/// spread over every workstream, at 10,000 agents beside 1, 30 or 300
/// workstreams with auto-close times of their own. Deadlines are kept in
/// one lane per delay; none should grow much with the number of lanes.
fn dispatch_delays(c: &mut Criterion) {
    let mut group = c.benchmark_group("dispatch_delays");
    group.throughput(Throughput::Elements(1));
    for workstreams in [1, 30, 300] {
        let mut sb = warm_engine_with_workstreams(10_000, workstreams);
        // At the warm engine's own time, before the cycles move its clock
        // on: every pending deadline is still ahead.
        let idle = start();
        sb.tick(idle).expect("tick");
        assert!(sb.poll_output().is_none(), "nothing is due at {idle}");
        group.bench_function(BenchmarkId::new("tick_nothing_due", workstreams), |b| {
            // Whether it was accepted, as a host asks: see benches/expiry.rs.
            b.iter(|| black_box(sb.tick(idle).is_ok()));
        });
        let id = BenchmarkId::new("highest_capacity", workstreams);
        bench_cycle_on(&mut group, id, &mut sb);
        group.bench_function(BenchmarkId::new("poll_timeout", workstreams), |b| {
            b.iter(|| black_box(sb.poll_timeout()));
        });
        // Item `n` on workstream `n % workstreams`: the cycle's deadlines
        // fall in every lane, not only in the busiest.
        let mut sb = warm_engine_with_workstreams(10_000, workstreams);
        let lines: Vec<Line> = (0..workstreams)
            .map(|k| (workstream(k), line(0).1))
            .collect();
        let mut n = 0_u64;
        let line_of = |n: u64| &lines[usize::try_from(n).unwrap_or(0) % lines.len()];
        group.bench_function(BenchmarkId::new("spread", workstreams), |b| {
            b.iter(|| {
                n += 1;
                black_box(cycle(&mut sb, moment(n), Ids::Counting.id(n), line_of(n)))
            });
        });
        // The same, asking for the next deadline after every input.
        group.bench_function(BenchmarkId::new("spread_polling", workstreams), |b| {
            b.iter(|| {
                n += 1;
                let id = Ids::Counting.id(n);
                black_box(cycle_polling(&mut sb, moment(n), id, line_of(n)))
            });
        });
    }
    group.finish();
}

/// `dispatch_away/highest_capacity/<percent>`: the cycle at 10,000 agents
/// of whom 0, 20 or 50 % are Away, a presence no workstream offers work in
/// (P7), as agents on a break are. Agents who can be offered nothing are
/// not in the queue indexes, so the time should not grow with them.
fn dispatch_away(c: &mut Criterion) {
    let mut group = c.benchmark_group("dispatch_away");
    group.throughput(Throughput::Elements(1));
    for percent in [0, 20, 50] {
        let mut sb = warm_engine(10_000, AssignmentMethod::HighestCapacity);
        for (k, agent) in agent_ids(10_000).into_iter().enumerate() {
            if k % 100 < percent {
                let away = Input::SetPresence {
                    agent,
                    presence: PresenceId::from_static(&"Away"),
                };
                sb.handle(start(), away).expect("away");
            }
        }
        while sb.poll_output().is_some() {}
        let id = BenchmarkId::new("highest_capacity", percent);
        bench_cycle_on(&mut group, id, &mut sb);
    }
    group.finish();
}

/// `dispatch_skills/highest_capacity/<percent>`: the cycle at 10,000
/// agents with every item requiring a skill (`fr`) that 100, 10 or 1 % of
/// them hold (A4). A queue's index keeps its members grouped by the skills
/// they hold, so the time should not grow with those who lack it.
fn dispatch_skills(c: &mut Criterion) {
    let mut group = c.benchmark_group("dispatch_skills");
    group.throughput(Throughput::Elements(1));
    for percent in [100, 10, 1] {
        let agents = (0..)
            .zip(agent_ids(10_000))
            .map(|(k, id)| {
                let mut agent = Agent::new(id);
                if k % 100 < percent {
                    agent.skills.push("fr".to_owned());
                }
                agent
            })
            .collect();
        let mut sb = signed_in(one_queue(Workstream::new("chat", Channel::Chat), agents));
        let id = BenchmarkId::new("highest_capacity", percent);
        bench_shaped(&mut group, id, &mut sb, &line(0), |_, work| {
            work.required_skills.push("fr".to_owned());
        });
    }
    group.finish();
}

/// `dispatch_skill_sets/highest_capacity/<sets>`: the cycle at 10,000
/// agents holding 1, 100 or 10,000 different sets of skills (agent `k`
/// holds `s<k % sets>`), with items that require no skill, so any of them
/// may take one. The time should not grow with the number of sets.
fn dispatch_skill_sets(c: &mut Criterion) {
    let mut group = c.benchmark_group("dispatch_skill_sets");
    group.throughput(Throughput::Elements(1));
    for sets in [1, 100, 10_000] {
        let agents = (0..)
            .zip(agent_ids(10_000))
            .map(|(k, id)| {
                let mut agent = Agent::new(id);
                agent.skills.push(format!("s{}", k % sets));
                agent
            })
            .collect();
        let mut sb = signed_in(one_queue(Workstream::new("chat", Channel::Chat), agents));
        let id = BenchmarkId::new("highest_capacity", sets);
        bench_cycle_on(&mut group, id, &mut sb);
    }
    group.finish();
}

/// Benches the cycle as `id` on `sb`, item `n` arriving on `line` as
/// `shape` makes it.
fn bench_shaped(
    group: &mut BenchmarkGroup<'_, WallTime>,
    id: BenchmarkId,
    sb: &mut Switchboard,
    line: &Line,
    mut shape: impl FnMut(u64, &mut WorkItem),
) {
    let mut n = 0_u64;
    group.bench_function(id, |b| {
        b.iter(|| {
            n += 1;
            let item = Ids::Counting.id(n);
            let mut work = WorkItem::new(item.clone(), line.0.clone(), line.1.clone());
            shape(n, &mut work);
            black_box(cycle_of(sb, moment(n), Box::new(work), item, |_| {}))
        });
    });
}

/// A configuration of `agents` in one highest-capacity queue (`q0`) of
/// `workstream`.
fn one_queue(workstream: Workstream, agents: Vec<Agent>) -> Config {
    let ids = agents.iter().map(|agent| agent.id.clone());
    Config {
        queues: vec![Queue {
            method: Some(AssignmentMethod::HighestCapacity),
            ..Queue::new(line(0).1, ids)
        }],
        workstreams: vec![workstream],
        agents,
        ..Config::default()
    }
}

/// `dispatch_contacts/highest_capacity/<contacts>`: the cycle at 10,000
/// agents with every item an SMS whose sender is one of 10, 10,000 or
/// 100,000 contacts (K2), in another notation than the contact's: the
/// contact is linked, so the cycle drains one output more. Matching the
/// sender should not grow with the contacts.
fn dispatch_contacts(c: &mut Criterion) {
    let mut group = c.benchmark_group("dispatch_contacts");
    group.throughput(Throughput::Elements(1));
    for contacts in [10, 10_000, 100_000] {
        let agents = agent_ids(10_000).into_iter().map(Agent::new).collect();
        let mut sb = signed_in(Config {
            contacts: (0..contacts)
                .map(|k| Contact {
                    id: ContactId::new(format!("c{k}")),
                    name: format!("Customer {k}"),
                    mobile_phone: Some(format!("+1 (555) {k:07}")),
                })
                .collect(),
            ..one_queue(Workstream::new("sms", Channel::Sms), agents)
        });
        let senders: Vec<String> = (0..contacts).map(|k| format!("+1555{k:07}")).collect();
        let line = (WorkstreamId::new("sms"), line(0).1);
        let id = BenchmarkId::new("highest_capacity", contacts);
        bench_shaped(&mut group, id, &mut sb, &line, |n, work| {
            let sender = &senders[usize::try_from(n).unwrap_or(0) % senders.len()];
            work.sms_from = Some(sender.clone());
        });
    }
    group.finish();
}

/// `dispatch_unanswered/highest_capacity/<cycles>`: the cycle at 10,000
/// agents while a consult request waits unanswered, answered (joined and
/// left) and asked again every 100 or 1,000 cycles, or never asked
/// (`0`). Pending offers sit in a ring by id from the oldest, so the time
/// should not grow with how long one has waited.
fn dispatch_unanswered(c: &mut Criterion) {
    let mut group = c.benchmark_group("dispatch_unanswered");
    group.throughput(Throughput::Elements(1));
    for every in [0_u64, 100, 1_000] {
        let mut sb = warm_engine(10_000, AssignmentMethod::HighestCapacity);
        let line = line(0);
        let held = WorkItemId::new("held");
        open_conversation(&mut sb, held.clone(), &line);
        let holder = match sb.work_location(&held) {
            Some(WorkLocation::Assigned { agent }) => agent,
            other => panic!("held is not assigned: {other:?}"),
        };
        let asked = agent_ids(2)
            .into_iter()
            .find(|a| *a != holder)
            .expect("another agent");
        let mut request = None;
        let mut n = 0_u64;
        group.bench_function(BenchmarkId::new("highest_capacity", every), |b| {
            b.iter(|| {
                n += 1;
                let now = moment(n);
                if every > 0 && n % every == 1 {
                    if let Some(notification) = request.take() {
                        sb.handle(now, Input::Accept { notification })
                            .expect("join");
                        let leave = Input::LeaveConsult {
                            item: held.clone(),
                            agent: asked.clone(),
                        };
                        sb.handle(now, leave).expect("leave");
                    }
                    let consult = Input::Consult {
                        item: held.clone(),
                        agent: asked.clone(),
                    };
                    sb.handle(now, consult).expect("consult");
                    while let Some(out) = sb.poll_output() {
                        if let Output::Notify(asked) = out {
                            request = Some(asked.id);
                        }
                    }
                }
                black_box(cycle(&mut sb, now, Ids::Counting.id(n), &line))
            });
        });
    }
    group.finish();
}

/// `dispatch_busy/highest_capacity/<agents>`: the cycle at 1,000, 10,000
/// or 100,000 agents who are each Busy with a conversation open, while an
/// item of a workstream that allows only Available agents (P7) waits at the
/// head of the queue: every arrival looks at it again before its own item.
/// Agents in a presence the waiting item's workstream does not allow are
/// not stepped over one by one, so the time should not grow with them.
fn dispatch_busy(c: &mut Criterion) {
    let mut group = c.benchmark_group("dispatch_busy");
    group.throughput(Throughput::Elements(1));
    for size in [1_000, 10_000, 100_000] {
        let mut callback = Workstream::new("callback", Channel::Chat);
        callback.allowed_presences = vec![BaseStatus::Available];
        let agents = agent_ids(size).into_iter().map(Agent::new).collect();
        let mut config = one_queue(Workstream::new("chat", Channel::Chat), agents);
        config.workstreams.push(callback);
        let mut sb = signed_in(config);
        let line = line(0);
        for k in 0..size {
            open_conversation(&mut sb, WorkItemId::new(format!("open{k}")), &line);
        }
        let waiting = WorkItem::new(
            WorkItemId::new("waiting"),
            WorkstreamId::new("callback"),
            line.1.clone(),
        );
        sb.handle(start(), Input::WorkArrived(Box::new(waiting)))
            .expect("arrive");
        while sb.poll_output().is_some() {}
        assert_eq!(
            sb.work_location(&WorkItemId::new("waiting")),
            Some(WorkLocation::Waiting {
                queue: line.1.clone()
            }),
            "nobody is Available"
        );
        let id = BenchmarkId::new("highest_capacity", size);
        bench_cycle_on(&mut group, id, &mut sb);
    }
    group.finish();
}

/// `dispatch_full/<method>/<agents>`: the cycle at 1,000, 10,000 or
/// 100,000 agents who each hold a conversation that leaves them too little
/// room for another (5 units free of 15; Busy, so still routable, P5), and
/// 10 more, with room, who take the work. The full agents were offered
/// work and released none before the others, so they come first in the
/// round-robin and least-active orders (A1). Agents without room for an
/// item are not stepped over one by one, so the time should not grow with
/// them.
fn dispatch_full(c: &mut Criterion) {
    let mut group = c.benchmark_group("dispatch_full");
    group.throughput(Throughput::Elements(1));
    for (name, method) in METHODS {
        for full in [1_000, 10_000, 100_000] {
            let mut sb = full_engine(full, method);
            let id = BenchmarkId::new(name, full);
            bench_cycle_on(&mut group, id, &mut sb);
        }
    }
    group.finish();
}

/// `dispatch_profiles/highest_capacity/<agents>`: [`dispatch_full`] with
/// capacity profiles (C2): 1,000, 10,000 or 100,000 agents hold a chat
/// profile and an SMS profile of one item each, and a conversation that
/// fills the chat one (Busy, so still routable, P5), and 10 more take the
/// work. Agents whose profile for an item is full are not stepped over
/// one by one, so the time should not grow with them.
fn dispatch_profiles(c: &mut Criterion) {
    let mut group = c.benchmark_group("dispatch_profiles");
    group.throughput(Throughput::Elements(1));
    for full in [1_000, 10_000, 100_000] {
        let mut chat = Workstream::new("chat", Channel::Chat);
        chat.capacity_profiles = vec![ProfileId::new("chat")];
        let agents = agent_ids(full + 10)
            .into_iter()
            .map(|id| Agent {
                capacity_profiles: vec![AgentProfile::new("chat"), AgentProfile::new("sms")],
                ..Agent::new(id)
            })
            .collect();
        let mut config = one_queue(chat, agents);
        config.capacity_profiles = vec![
            CapacityProfile::new("chat", 1),
            CapacityProfile::new("sms", 1),
        ];
        let mut sb = signed_in_after(config, full);
        let id = BenchmarkId::new("highest_capacity", full);
        bench_cycle_on(&mut group, id, &mut sb);
    }
    group.finish();
}

/// `dispatch_escalations/highest_capacity/<agents>`: the cycle at 1,000,
/// 10,000 or 100,000 agents who each hold a chat escalated to voice (C8:
/// no new chat or voice work until it ends), with 90 units free, and 10
/// more of 50 units who take the work. By free units the escalated come
/// first (A1). Agents with an escalation in progress are not stepped over
/// one by one, so the time should not grow with them.
fn dispatch_escalations(c: &mut Criterion) {
    let mut group = c.benchmark_group("dispatch_escalations");
    group.throughput(Throughput::Elements(1));
    for escalated in [1_000, 10_000, 100_000] {
        let agents = agent_ids(escalated + 10)
            .into_iter()
            .enumerate()
            .map(|(k, id)| Agent {
                capacity_units: if k < escalated { 100 } else { 50 },
                ..Agent::new(id)
            })
            .collect();
        let config = one_queue(Workstream::new("chat", Channel::Chat), agents);
        let mut sb = signed_in_after(config, escalated);
        for k in 0..escalated {
            let item = WorkItemId::new(format!("open{k}"));
            sb.handle(start(), Input::Escalate { item })
                .expect("escalate");
            while sb.poll_output().is_some() {}
        }
        let id = BenchmarkId::new("highest_capacity", escalated);
        bench_cycle_on(&mut group, id, &mut sb);
    }
    group.finish();
}

/// The engine of `config`, its first `full` agents signed in one by one
/// and each given a conversation as they are, then the rest signed in.
fn signed_in_after(config: Config, full: usize) -> Switchboard {
    let ids: Vec<_> = config.agents.iter().map(|agent| agent.id.clone()).collect();
    let mut sb = Switchboard::new(config).expect("valid config");
    let line = line(0);
    for (k, agent) in ids.into_iter().enumerate() {
        sb.handle(start(), Input::AgentSignedIn { agent })
            .expect("sign in");
        while sb.poll_output().is_some() {}
        if k < full {
            open_conversation(&mut sb, WorkItemId::new(format!("open{k}")), &line);
        }
    }
    sb
}

/// `full` agents of 15 units, each holding a conversation of 10 units,
/// and 10 agents of 100 units signed in after them, in one chat queue
/// using `method`.
fn full_engine(full: usize, method: AssignmentMethod) -> Switchboard {
    let ids = agent_ids(full + 10);
    let agents = ids
        .iter()
        .enumerate()
        .map(|(k, id)| Agent {
            capacity_units: if k < full { 15 } else { 100 },
            ..Agent::new(id.clone())
        })
        .collect();
    let mut config = one_queue(Workstream::new("chat", Channel::Chat), agents);
    config.queues[0].method = Some(method);
    signed_in_after(config, full)
}

/// `dispatch_backlog/highest_capacity/<waiting>`: 10 agents, each with
/// room for one chat and holding one, while 100, 10,000 or 100,000 chats
/// wait behind one that requires a skill nobody holds. One iteration: a
/// chat arrives and waits; the oldest conversation ends and closes, which
/// frees its agent for the first chat in line that can be offered (the
/// second); the agent accepts. Items leave the line from just behind its
/// front, so the time should not grow with the line.
fn dispatch_backlog(c: &mut Criterion) {
    let mut group = c.benchmark_group("dispatch_backlog");
    group.throughput(Throughput::Elements(1));
    for waiting in [100, 10_000, 100_000] {
        let agents = agent_ids(10)
            .into_iter()
            .map(|id| Agent {
                capacity_units: 10,
                ..Agent::new(id)
            })
            .collect();
        let mut sb = signed_in(one_queue(Workstream::new("chat", Channel::Chat), agents));
        let line = line(0);
        let arrive = |sb: &mut Switchboard, now, id: String, skills: &[&str]| {
            let mut work = WorkItem::new(id, line.0.clone(), line.1.clone());
            work.required_skills = skills.iter().map(|s| (*s).to_owned()).collect();
            sb.handle(now, Input::WorkArrived(Box::new(work)))
                .expect("arrive");
            offered(sb)
        };
        arrive(&mut sb, start(), "stuck".to_owned(), &["nobody"]);
        let mut open = std::collections::VecDeque::new();
        for k in 0..10 {
            let (notification, item) =
                arrive(&mut sb, start(), format!("open{k}"), &[]).expect("an agent has room");
            sb.handle(start(), Input::Accept { notification })
                .expect("accept");
            while sb.poll_output().is_some() {}
            open.push_back(item);
        }
        for k in 0..waiting {
            let none = arrive(&mut sb, start(), format!("backlog{k}"), &[]);
            assert!(none.is_none(), "every agent is full");
        }
        let mut n = 0_u64;
        group.bench_function(BenchmarkId::new("highest_capacity", waiting), |b| {
            b.iter(|| {
                n += 1;
                let now = moment(n);
                arrive(&mut sb, now, format!("w{n}"), &[]);
                let done = open.pop_front().expect("a conversation");
                sb.handle(now, Input::ConversationEnded { item: done.clone() })
                    .expect("end");
                while sb.poll_output().is_some() {}
                sb.handle(now, Input::ConversationClosed { item: done })
                    .expect("close");
                let (notification, item) = offered(&mut sb).expect("the next in line");
                sb.handle(now, Input::Accept { notification })
                    .expect("accept");
                while sb.poll_output().is_some() {}
                open.push_back(item);
            });
        });
    }
    group.finish();
}

/// Drains the outputs; the notification and item of the offer among them.
fn offered(sb: &mut Switchboard) -> Option<(NotificationId, WorkItemId)> {
    let mut offer = None;
    while let Some(out) = sb.poll_output() {
        if let Output::Notify(n) = out {
            offer = Some((n.id, n.item));
        }
    }
    offer
}

/// A signed-in engine with `agents` agents in one highest-capacity chat
/// queue and `workstreams` chat workstreams (`chat`, `chat1`, `chat2`, …),
/// each with auto-close times of its own: three delays a workstream, as a
/// contact center that tunes each workstream has. Every workstream has
/// been through a cycle, and every one but `chat` keeps a conversation
/// open, so each of its delays holds a deadline.
fn warm_engine_with_workstreams(agents: usize, workstreams: usize) -> Switchboard {
    let ids = agent_ids(agents);
    let streams: Vec<Workstream> = (0..workstreams)
        .map(|k| {
            let mut stream = Workstream::new(workstream(k), Channel::Chat);
            let k = u32::try_from(k).unwrap_or(0);
            stream.auto_close.open_secs = Some(3_600 + k);
            stream.auto_close.active_secs = Some(7_200 + k);
            stream.auto_close.wrap_up_secs = Some(900 + k);
            stream
        })
        .collect();
    let mut sb = signed_in(Config {
        workstreams: streams,
        queues: vec![Queue {
            method: Some(AssignmentMethod::HighestCapacity),
            ..Queue::new(line(0).1, ids.iter().cloned())
        }],
        agents: ids.into_iter().map(Agent::new).collect(),
        ..Config::default()
    });
    let now = start();
    for k in 1..workstreams {
        let line = (workstream(k), line(0).1);
        cycle(&mut sb, now, WorkItemId::new(format!("done{k}")), &line);
        open_conversation(&mut sb, WorkItemId::new(format!("open{k}")), &line);
    }
    sb
}

/// One cycle for `item`, as `cycle`, with the host asking for the next
/// deadline after each input's outputs, as a host that sleeps until
/// [`Switchboard::poll_timeout`] does.
fn cycle_polling(sb: &mut Switchboard, now: DateTime<Utc>, item: WorkItemId, line: &Line) -> usize {
    let (workstream, queue) = line;
    let work = WorkItem::new(item.clone(), workstream.clone(), queue.clone());
    cycle_of(sb, now, Box::new(work), item, |sb| {
        black_box(sb.poll_timeout());
    })
}

/// Work `item` arrives on `line` at the start and is accepted: an open
/// conversation, with its session, left open.
fn open_conversation(sb: &mut Switchboard, item: WorkItemId, line: &Line) {
    let (stream, queue) = line.clone();
    let work = Box::new(WorkItem::new(item, stream, queue));
    sb.handle(start(), Input::WorkArrived(work))
        .expect("arrive");
    let mut offer = None;
    while let Some(out) = sb.poll_output() {
        if let Output::Notify(n) = &out {
            offer = Some(n.id);
        }
    }
    let notification = offer.expect("offered");
    sb.handle(start(), Input::Accept { notification })
        .expect("accept");
    while sb.poll_output().is_some() {}
}

/// `dispatch_open/highest_capacity/<per agent>`: the cycle at 10,000 agents
/// who each hold 0, 1 or 3 conversations open (accepted, a session each),
/// as agents do through a working day: 0, 10,000 or 30,000 open sessions
/// beside the cycle's. An agent's work and sessions are looked up through
/// that agent, so the time should not grow with them.
fn dispatch_open(c: &mut Criterion) {
    let mut group = c.benchmark_group("dispatch_open");
    group.throughput(Throughput::Elements(1));
    for per_agent in [0, 1, 3] {
        let mut sb = warm_engine(10_000, AssignmentMethod::HighestCapacity);
        for k in 0..10_000 * per_agent {
            open_conversation(&mut sb, WorkItemId::new(format!("open{k}")), &line(0));
        }
        let id = BenchmarkId::new("highest_capacity", per_agent);
        bench_cycle_on(&mut group, id, &mut sb);
    }
    group.finish();
}

/// Workstream `k` of [`warm_engine_with_workstreams`]: `chat`, `chat1`, ….
fn workstream(k: usize) -> WorkstreamId {
    if k == 0 {
        WorkstreamId::new("chat")
    } else {
        WorkstreamId::new(format!("chat{k}"))
    }
}

fn dispatch_scattered_ids(c: &mut Criterion) {
    let mut group = c.benchmark_group("dispatch_scattered_ids");
    group.throughput(Throughput::Elements(1));
    for (name, method) in METHODS {
        bench_cycles(&mut group, name, 10_000, method, Ids::Scattered, None);
    }
    group.finish();
}

/// Benches the cycle on `sb` as `id`: items numbered in order, all in
/// the first queue, a millisecond apart.
fn bench_cycle_on(group: &mut BenchmarkGroup<'_, WallTime>, id: BenchmarkId, sb: &mut Switchboard) {
    let line = line(0);
    let mut n = 0_u64;
    group.bench_function(id, |b| {
        b.iter(|| {
            n += 1;
            black_box(cycle(sb, moment(n), Ids::Counting.id(n), &line))
        });
    });
}

/// The time of cycle `n`: `n` milliseconds after the start.
fn moment(n: u64) -> DateTime<Utc> {
    start() + TimeDelta::milliseconds(i64::try_from(n).unwrap_or(i64::MAX))
}

/// Benches the cycle as `<group>/<name>/<agents>` on a warm engine of
/// `agents`, items numbered as `ids` says, the host forgetting closed ids
/// every `forget_every` cycles.
fn bench_cycles(
    group: &mut BenchmarkGroup<'_, WallTime>,
    name: &str,
    agents: usize,
    method: AssignmentMethod,
    ids: Ids,
    forget_every: Option<u64>,
) {
    let mut sb = warm_engine(agents, method);
    let mut n = 0_u64;
    let line = line(0);
    group.bench_function(BenchmarkId::new(name, agents), |b| {
        b.iter(|| {
            n += 1;
            let now = moment(n);
            if forget_every.is_some_and(|every| n % every == 0) {
                sb.handle(now, Input::ForgetClosed).expect("forget");
            }
            black_box(cycle(&mut sb, now, ids.id(n), &line))
        });
    });
}

mod group {
    #![allow(missing_docs)]
    criterion::criterion_group!(
        benches,
        super::dispatch,
        super::dispatch_forgetting,
        super::dispatch_scattered_ids,
        super::dispatch_queues,
        super::dispatch_memberships,
        super::dispatch_delays,
        super::dispatch_away,
        super::dispatch_skills,
        super::dispatch_skill_sets,
        super::dispatch_open,
        super::dispatch_contacts,
        super::dispatch_unanswered,
        super::dispatch_busy,
        super::dispatch_full,
        super::dispatch_profiles,
        super::dispatch_escalations,
        super::dispatch_backlog
    );
}
criterion_main!(group::benches);
