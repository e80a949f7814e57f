//! A seeded contact-center hour: 20 agents, about 500 chats, agents who
//! sometimes miss or reject notifications, customers who sometimes give up.
//! Prints what happened. Run with `cargo run --release --example simulate`
//! (`-- --seed N` for another run; the same seed gives the same report).

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::time::Instant;

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use switchboard::{
    Agent, AgentId, AlertKind, Channel, Config, ConversationState, Input, NotificationEnd,
    OrgSettings, Output, Queue, RerouteReason, Switchboard, WorkItem, WorkItemId, Workstream,
};

const AGENTS: usize = 20;
const CHATS_PER_HOUR: f64 = 500.0;
const HOUR_SECS: f64 = 3600.0;
const MEAN_HANDLE_SECS: f64 = 300.0;
const MEAN_PATIENCE_SECS: f64 = 600.0;
const WRAP_UP_SECS: i64 = 30;

/// Something the simulated world does at a time.
enum Event {
    Arrive(usize),
    Input(Box<Input>),
    GiveUp(usize),
}

/// An event in the world's calendar, ordered by time, then by scheduling order.
struct Scheduled {
    at: DateTime<Utc>,
    seq: u64,
    event: Event,
}

impl PartialEq for Scheduled {
    fn eq(&self, other: &Self) -> bool {
        (self.at, self.seq) == (other.at, other.seq)
    }
}
impl Eq for Scheduled {}
impl PartialOrd for Scheduled {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Scheduled {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.at, self.seq).cmp(&(other.at, other.seq))
    }
}

#[derive(Default)]
struct Report {
    items: u64,
    offered: u64,
    accepted: u64,
    rejected: u64,
    expired: u64,
    assigned_unseen: u64,
    unseen_rerouted: u64,
    abandoned: u64,
    closed: u64,
    missed_alerts: u64,
    reject_alerts: u64,
    session_limit_alerts: u64,
    inputs: u64,
    total_wait_secs: f64,
}

struct World {
    sb: Switchboard,
    rng: StdRng,
    events: BinaryHeap<Reverse<Scheduled>>,
    seq: u64,
    arrived_at: HashMap<WorkItemId, DateTime<Utc>>,
    report: Report,
}

/// An exponential variate with the given mean.
fn exp(rng: &mut StdRng, mean: f64) -> f64 {
    -mean * (1.0 - rng.random::<f64>()).ln()
}

fn secs(s: f64) -> TimeDelta {
    // Whole milliseconds keep every time exact and replayable.
    #[allow(clippy::cast_possible_truncation)]
    TimeDelta::milliseconds((s * 1000.0) as i64)
}

impl World {
    fn schedule(&mut self, at: DateTime<Utc>, event: Event) {
        self.seq += 1;
        self.events.push(Reverse(Scheduled {
            at,
            seq: self.seq,
            event,
        }));
    }

    fn input_at(&mut self, at: DateTime<Utc>, input: Input) {
        self.schedule(at, Event::Input(Box::new(input)));
    }

    /// How a simulated agent reacts to what the engine says.
    fn react(&mut self, now: DateTime<Utc>, output: &Output) {
        let r = &mut self.report;
        match output {
            Output::Notify(n) => {
                r.offered += 1;
                let roll: f64 = self.rng.random();
                let id = n.id;
                if roll < 0.03 {
                    // The browser never showed it: assigned unseen, then rerouted.
                } else {
                    self.input_at(now, Input::NotificationDisplayed { notification: id });
                    let think = secs(2.0 + self.rng.random::<f64>() * 13.0);
                    if roll < 0.08 {
                        // Seen and ignored: it expires.
                    } else if roll < 0.13 {
                        self.input_at(now + think, Input::Reject { notification: id });
                    } else {
                        self.input_at(now + think, Input::Accept { notification: id });
                    }
                }
            }
            Output::NotificationEnded { how, .. } => match how {
                NotificationEnd::Accepted => r.accepted += 1,
                NotificationEnd::Rejected => r.rejected += 1,
                NotificationEnd::Expired => r.expired += 1,
                NotificationEnd::AssignedUnseen => r.assigned_unseen += 1,
                _ => {}
            },
            Output::WorkAssigned {
                item,
                unseen: false,
                ..
            } => {
                if let Some(arrived) = self.arrived_at.get(item) {
                    r.total_wait_secs += (now - *arrived).as_seconds_f64();
                }
                let handle = secs(exp(&mut self.rng, MEAN_HANDLE_SECS));
                self.input_at(
                    now + handle,
                    Input::ConversationEnded { item: item.clone() },
                );
                let close = now + handle + TimeDelta::seconds(WRAP_UP_SECS);
                self.input_at(close, Input::ConversationClosed { item: item.clone() });
            }
            Output::Rerouted {
                reason: RerouteReason::Unseen,
                ..
            } => r.unseen_rerouted += 1,
            Output::Alert { agent, kind, .. } => {
                match kind {
                    AlertKind::MissedNotification => r.missed_alerts += 1,
                    AlertKind::Rejected => r.reject_alerts += 1,
                    _ => r.session_limit_alerts += 1,
                }
                // The agent notices the alert within a minute and resets.
                let notice = secs(10.0 + self.rng.random::<f64>() * 50.0);
                self.input_at(
                    now + notice,
                    Input::ResetPresence {
                        agent: agent.clone(),
                    },
                );
            }
            Output::ConversationClosed { .. } => r.closed += 1,
            _ => {}
        }
    }

    fn drain(&mut self, now: DateTime<Utc>) {
        while let Some(output) = self.sb.poll_output() {
            self.react(now, &output);
        }
    }

    fn step(&mut self, now: DateTime<Utc>, event: Event) {
        let input = match event {
            Event::Arrive(n) => {
                let item = WorkItem::new(format!("chat-{n}"), "chat", "support");
                self.arrived_at.insert(item.id.clone(), now);
                self.report.items += 1;
                let patience = secs(exp(&mut self.rng, MEAN_PATIENCE_SECS));
                self.schedule(now + patience, Event::GiveUp(n));
                Input::WorkArrived(item)
            }
            Event::GiveUp(n) => {
                let item = WorkItemId::new(format!("chat-{n}"));
                if self.sb.conversation_state(&item) != Some(ConversationState::Open) {
                    return;
                }
                self.report.abandoned += 1;
                Input::CustomerLeft { item }
            }
            Event::Input(input) => *input,
        };
        self.report.inputs += 1;
        // Late answers (after a deadline) are refused; that is part of the day.
        let _ = self.sb.handle(now, input);
        self.drain(now);
    }

    fn run(&mut self) {
        loop {
            let next_event = self.events.peek().map(|Reverse(next)| next.at);
            match (next_event, self.sb.poll_timeout()) {
                (None, None) => break,
                (Some(event_at), Some(deadline)) if deadline <= event_at => self.tick(deadline),
                (None, Some(deadline)) => self.tick(deadline),
                _ => {
                    if let Some(Reverse(next)) = self.events.pop() {
                        self.step(next.at, next.event);
                    }
                }
            }
        }
    }

    fn tick(&mut self, now: DateTime<Utc>) {
        self.report.inputs += 1;
        if self.sb.tick(now).is_ok() {
            self.drain(now);
        }
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let seed = std::env::args()
        .skip_while(|a| a != "--seed")
        .nth(1)
        .map_or(Ok(7), |s| s.parse::<u64>())?;
    let agents: Vec<AgentId> = (1..=AGENTS)
        .map(|i| AgentId::new(format!("agent-{i:02}")))
        .collect();
    let config = Config {
        org: OrgSettings {
            missed_notification_rule: true,
            agent_reject_rule: true,
            ..OrgSettings::default()
        },
        workstreams: vec![Workstream::new("chat", Channel::Chat)],
        queues: vec![Queue::new("support", agents.iter().cloned())],
        // Three chats at a time each.
        agents: agents
            .iter()
            .map(|id| Agent {
                capacity_units: 30,
                ..Agent::new(id.clone())
            })
            .collect(),
        ..Config::default()
    };
    let start = Utc
        .with_ymd_and_hms(2026, 11, 24, 9, 0, 0)
        .single()
        .ok_or("bad start")?;
    let mut world = World {
        sb: Switchboard::new(config)?,
        rng: StdRng::seed_from_u64(seed),
        events: BinaryHeap::new(),
        seq: 0,
        arrived_at: HashMap::new(),
        report: Report::default(),
    };
    for agent in &agents {
        world.input_at(
            start,
            Input::AgentSignedIn {
                agent: agent.clone(),
            },
        );
    }
    let mut t = 0.0;
    let mut n = 0;
    loop {
        t += exp(&mut world.rng, HOUR_SECS / CHATS_PER_HOUR);
        if t >= HOUR_SECS {
            break;
        }
        n += 1;
        world.schedule(start + secs(t), Event::Arrive(n));
    }

    let wall = Instant::now();
    world.run();
    let elapsed = wall.elapsed().as_secs_f64();
    print_report(&world, seed, elapsed);
    Ok(())
}

#[allow(clippy::cast_precision_loss)]
fn print_report(world: &World, seed: u64, elapsed: f64) {
    let r = &world.report;
    println!("switchboard simulation: {AGENTS} agents, one hour of chats, seed {seed}");
    println!("  items arrived            {:>8}", r.items);
    println!("  notifications offered    {:>8}", r.offered);
    println!("  accepted                 {:>8}", r.accepted);
    println!("  rejected                 {:>8}", r.rejected);
    println!("  expired (seen, ignored)  {:>8}", r.expired);
    println!("  assigned unseen          {:>8}", r.assigned_unseen);
    println!("  rerouted after unseen    {:>8}", r.unseen_rerouted);
    println!("  abandoned by customer    {:>8}", r.abandoned);
    println!("  closed                   {:>8}", r.closed);
    println!("  missed-notification alerts {:>6}", r.missed_alerts);
    println!("  agent-reject alerts      {:>8}", r.reject_alerts);
    println!("  session-limit alerts     {:>8}", r.session_limit_alerts);
    if r.accepted > 0 {
        println!(
            "  mean wait to accept      {:>8.1} s",
            r.total_wait_secs / r.accepted as f64
        );
    }
    println!(
        "  engine: {} inputs in {:.3} s ({:.0} inputs/s)",
        r.inputs,
        elapsed,
        r.inputs as f64 / elapsed.max(1e-9)
    );
}
