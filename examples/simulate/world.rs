//! The world around the engine: customers who arrive and give up, agents who
//! answer, talk, wrap up, miss, reject, drop off and take breaks. It keeps a
//! calendar of its own events and drives the engine exactly per the driving
//! contract: after every `handle` or `tick` it drains `poll_output`, and it
//! ticks at `poll_timeout` whenever that comes before its next event.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::time::{Duration, Instant};

use chrono::{DateTime, TimeDelta, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rand_distr::{Distribution, Exp};
use switchboard::{
    AgentId, AlertKind, CloseReason, Input, InputError, NotificationEnd, NotificationId,
    NotificationKind, Output, PresenceId, PresenceReason, RerouteReason, Switchboard, WorkItem,
    WorkItemId, WorkLocation, presences,
};

use crate::report::{Tally, WorkstreamTally};
use crate::scenario::Scenario;

/// Nanoseconds in a second.
const NS: f64 = 1e9;
/// The chart's sampling step: one simulated minute.
const SAMPLE_NS: i64 = 60_000_000_000;
/// How long a disconnected agent waits before trying a penalty reset again.
const RETRY_NS: i64 = 30_000_000_000;
/// Calendar steps between progress reports.
const PROGRESS_EVERY: u64 = 8192;

/// What came out of a run.
pub(crate) struct Outcome {
    /// Counts and durations, for the report.
    pub(crate) tally: Tally,
    /// The day minute by minute, for the chart.
    pub(crate) samples: Samples,
    /// Wall time of the whole run.
    pub(crate) wall: Duration,
    /// Wall time inside `handle`, `tick` and `poll_output`.
    pub(crate) engine: Duration,
}

/// The state of the floor once a simulated minute.
#[derive(Debug, Clone, Default)]
pub(crate) struct Samples {
    /// Hours since the start of the day.
    pub(crate) hours: Vec<f64>,
    /// Items waiting for an agent (queued, offered or assigned unseen).
    pub(crate) waiting: Vec<u32>,
    /// Presence names, in the order of `agents`.
    pub(crate) presences: Vec<String>,
    /// Agents in each presence, per sample.
    pub(crate) agents: Vec<Vec<u32>>,
}

/// Runs the scenario with the given seed. `progress` hears, now and then,
/// how many simulated hours are done and how many the run lasts at most.
///
/// # Errors
/// A message when the scenario is invalid or the engine refuses its
/// configuration.
pub(crate) fn simulate(
    scenario: &Scenario,
    seed: u64,
    progress: &mut dyn FnMut(f64, f64),
) -> Result<Outcome, String> {
    scenario.check()?;
    let sb = Switchboard::new(scenario.config()).map_err(|e| format!("configuration: {e}"))?;
    let wall = Instant::now();
    let mut world = World::new(scenario, seed, sb);
    world.run(progress);
    if world.tally.stuck_deadline {
        return Err(format!(
            "the engine kept a deadline due at {} pending after tick",
            world.time(world.now)
        ));
    }
    world.finish();
    Ok(Outcome {
        tally: world.tally,
        samples: world.samples,
        wall: wall.elapsed(),
        engine: world.engine,
    })
}

/// Something the world does at a time.
#[derive(Debug, Clone, Copy)]
enum Event {
    SignIn(u32),
    Arrival(u16),
    Display(NotificationId),
    Answer(NotificationId, Answer),
    End { item: u32, epoch: u32 },
    Close { item: u32, epoch: u32 },
    GiveUp(u32),
    Reset(u32),
    Disconnect(u32),
    Reconnect(u32),
    BreakStart(u32),
    BreakEnd(u32),
}

#[derive(Debug, Clone, Copy)]
enum Answer {
    Accept,
    Reject,
    Open,
}

/// A calendar entry, ordered by time, then by when it was scheduled.
struct Entry {
    at: i64,
    seq: u64,
    event: Event,
}

impl PartialEq for Entry {
    fn eq(&self, other: &Self) -> bool {
        (self.at, self.seq) == (other.at, other.seq)
    }
}
impl Eq for Entry {}
impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Entry {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.at, self.seq).cmp(&(other.at, other.seq))
    }
}

// Four independent yes/no facts about an agent; a state enum would not be clearer.
#[allow(clippy::struct_excessive_bools)]
struct AgentSim {
    id: AgentId,
    presence: usize,
    /// When `presence` and `conversations` were last accounted.
    since: i64,
    /// Conversations accepted and not yet closed or rerouted.
    conversations: u32,
    connected: bool,
    on_break: bool,
    penalized: bool,
    reset_pending: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    /// No agent is handling it: queued, offered, or assigned but unseen.
    Waiting,
    /// Accepted by `holder`, not yet closed.
    Held,
    Closed,
}

struct ItemSim {
    id: WorkItemId,
    ws: u16,
    arrived: i64,
    status: Status,
    holder: Option<u32>,
    /// Bumped whenever the item changes hands, so stale End and Close events are dropped.
    epoch: u32,
    served: bool,
    parked: bool,
    /// The customer left (our `CustomerLeft` was taken).
    gave_up: bool,
}

struct World<'a> {
    sc: &'a Scenario,
    sb: Switchboard,
    /// The end of arrivals and of every time share, in ns since the start.
    day_end: i64,
    /// The latest time the run goes on to.
    stop_at: i64,
    now: i64,
    calendar: BinaryHeap<Reverse<Entry>>,
    seq: u64,
    /// Arrival streams, one per workstream, with the time of the last candidate.
    arrival_rngs: Vec<(StdRng, f64)>,
    work_rng: StdRng,
    agent_rng: StdRng,
    agents: Vec<AgentSim>,
    agent_ix: HashMap<String, u32>,
    items: Vec<ItemSim>,
    item_ix: HashMap<String, u32>,
    presence_names: Vec<String>,
    presence_count: Vec<u32>,
    waiting: u32,
    open: u32,
    buffer: Vec<Output>,
    tally: Tally,
    samples: Samples,
    next_sample: i64,
    engine: Duration,
}

fn ns(secs: f64) -> i64 {
    // Every duration here is far below 2^63 ns (292 years).
    #[allow(clippy::cast_possible_truncation)]
    let n = (secs * NS).round() as i64;
    n
}

#[allow(clippy::cast_precision_loss)]
fn secs(ns: i64) -> f64 {
    ns as f64 / NS
}

impl<'a> World<'a> {
    fn new(sc: &'a Scenario, seed: u64, sb: Switchboard) -> Self {
        // Separate streams, so that arrivals stay the same whatever agents do.
        let stream = |k: u64| StdRng::seed_from_u64(seed ^ k.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let ids = sc.agent_ids();
        let presence_names: Vec<String> = [
            presences::AVAILABLE,
            presences::BUSY,
            presences::BUSY_DND,
            presences::AWAY,
            presences::INACTIVE,
            presences::OFFLINE,
        ]
        .iter()
        .map(|&p| p.to_owned())
        .collect();
        let offline = presence_names.len() - 1;
        let mut presence_count = vec![0; presence_names.len()];
        presence_count[offline] = u32::try_from(ids.len()).unwrap_or(u32::MAX);
        let mut world = World {
            sc,
            sb,
            day_end: ns(sc.hours * 3600.0),
            stop_at: ns((sc.hours + sc.drain_hours) * 3600.0),
            now: 0,
            calendar: BinaryHeap::new(),
            seq: 0,
            arrival_rngs: (0..sc.workstreams.len() as u64)
                .map(|w| (stream(w + 1), 0.0))
                .collect(),
            work_rng: stream(1001),
            agent_rng: stream(1002),
            agent_ix: ids
                .iter()
                .zip(0..)
                .map(|((id, _), i)| (id.as_str().to_owned(), i))
                .collect(),
            agents: ids
                .into_iter()
                .map(|(id, _)| AgentSim {
                    id,
                    presence: offline,
                    since: 0,
                    conversations: 0,
                    connected: true,
                    on_break: false,
                    penalized: false,
                    reset_pending: false,
                })
                .collect(),
            items: Vec::new(),
            item_ix: HashMap::new(),
            presence_names,
            presence_count,
            waiting: 0,
            open: 0,
            buffer: Vec::new(),
            tally: Tally::default(),
            samples: Samples::default(),
            next_sample: 0,
            engine: Duration::ZERO,
        };
        world.tally.by_workstream = vec![WorkstreamTally::default(); sc.workstreams.len()];
        world.plan_day();
        world
    }

    /// Sign-ins, first arrivals, breaks and disconnects.
    fn plan_day(&mut self) {
        let b = &self.sc.behaviour;
        for a in 0..self.agents.len() {
            let a = u32::try_from(a).unwrap_or(u32::MAX);
            self.schedule(0, Event::SignIn(a));
        }
        for w in 0..self.sc.workstreams.len() {
            self.plan_arrival(w);
        }
        let day = secs(self.day_end);
        for a in 0..self.agents.len() {
            let a = u32::try_from(a).unwrap_or(u32::MAX);
            for k in &b.breaks {
                let jitter = if k.spread_minutes > 0.0 {
                    self.agent_rng
                        .random_range(-k.spread_minutes..k.spread_minutes)
                } else {
                    0.0
                };
                let start = (k.at_fraction * day + jitter * 60.0).clamp(0.0, day);
                self.schedule(ns(start), Event::BreakStart(a));
                self.schedule(ns(start + k.minutes * 60.0), Event::BreakEnd(a));
            }
            let per_sec = b.disconnects_per_agent_day / day;
            if let Ok(gap) = Exp::new(per_sec) {
                let mut t = 0.0;
                loop {
                    t += gap.sample(&mut self.agent_rng);
                    if t >= day {
                        break;
                    }
                    self.schedule(ns(t), Event::Disconnect(a));
                }
            }
        }
    }

    /// Schedules workstream `w`'s next arrival, if it falls within the day:
    /// a Poisson process whose rate follows the intraday profile, drawn
    /// exactly by thinning.
    fn plan_arrival(&mut self, w: usize) {
        let spec = &self.sc.workstreams[w];
        let profile = &self.sc.intraday_profile;
        let mean = profile.iter().sum::<f64>() / crate::scenario::to_f64(profile.len());
        let peak = profile.iter().copied().fold(0.0, f64::max) / mean;
        let day = secs(self.day_end);
        let Ok(gap) = Exp::new(spec.arrivals_per_hour / 3600.0 * peak) else {
            return;
        };
        let (rng, t) = &mut self.arrival_rngs[w];
        loop {
            *t += gap.sample(rng);
            if *t >= day || !t.is_finite() {
                return;
            }
            // Truncation picks the profile slice `t` falls in.
            #[allow(
                clippy::cast_possible_truncation,
                clippy::cast_sign_loss,
                clippy::cast_precision_loss
            )]
            let slice = ((*t / day * profile.len() as f64) as usize).min(profile.len() - 1);
            if rng.random::<f64>() * peak < profile[slice] / mean {
                let at = ns(*t);
                let w = u16::try_from(w).unwrap_or(u16::MAX);
                self.schedule(at, Event::Arrival(w));
                return;
            }
        }
    }

    fn schedule(&mut self, at: i64, event: Event) {
        self.seq += 1;
        self.calendar.push(Reverse(Entry {
            at,
            seq: self.seq,
            event,
        }));
    }

    fn after(&mut self, delay_secs: f64, event: Event) {
        self.schedule(self.now + ns(delay_secs), event);
    }

    fn time(&self, at: i64) -> DateTime<Utc> {
        self.sc.start + TimeDelta::nanoseconds(at)
    }

    fn ns_of(&self, t: DateTime<Utc>) -> i64 {
        let d = (t - self.sc.start).num_nanoseconds().unwrap_or(i64::MAX);
        // Round up, so the world's clock never runs behind the engine's.
        if self.time(d) < t { d + 1 } else { d }
    }

    /// The main loop: the earlier of the next event and the next deadline,
    /// until nothing is left, the day's work is done, or time is up.
    fn run(&mut self, progress: &mut dyn FnMut(f64, f64)) {
        let mut steps = 0u64;
        let total_hours = secs(self.stop_at) / 3600.0;
        loop {
            let event = self.calendar.peek().map(|Reverse(e)| e.at);
            let deadline = self.sb.poll_timeout();
            let deadline_ns = deadline.map(|d| self.ns_of(d));
            let (at, tick) = match (event, deadline_ns) {
                (None, None) => break,
                (Some(e), Some(d)) if d <= e => (d, true),
                (None, Some(d)) => (d, true),
                (Some(e), _) => (e, false),
            };
            if at > self.stop_at || (at > self.day_end && self.open == 0) {
                break;
            }
            self.advance(at);
            if let (true, Some(deadline)) = (tick, deadline) {
                self.tick(deadline);
                // The engine fires what is due (D3): a deadline that stays put is a bug.
                if self.sb.poll_timeout() == Some(deadline) {
                    self.tally.stuck_deadline = true;
                    break;
                }
            } else if let Some(Reverse(entry)) = self.calendar.pop() {
                self.fire(entry.event);
            }
            steps += 1;
            if steps % PROGRESS_EVERY == 0 {
                progress(secs(self.now) / 3600.0, total_hours);
            }
        }
        progress(total_hours, total_hours);
    }

    /// Moves the clock to `at`, sampling every minute passed on the way.
    fn advance(&mut self, at: i64) {
        // Strictly before `at`: a sample shows the state after every event at its time.
        while self.next_sample < at {
            self.sample(self.next_sample);
            self.next_sample += SAMPLE_NS;
        }
        self.now = at;
    }

    fn sample(&mut self, at: i64) {
        let s = &mut self.samples;
        s.hours.push(secs(at) / 3600.0);
        s.waiting.push(self.waiting);
        s.agents.push(self.presence_count.clone());
    }

    fn tick(&mut self, deadline: DateTime<Utc>) {
        let started = Instant::now();
        let result = self.sb.tick(deadline);
        self.drain(started, result);
    }

    /// Hands one input to the engine; whether it was taken.
    fn send(&mut self, input: Input) -> bool {
        let started = Instant::now();
        let result = self.sb.handle(self.time(self.now), input);
        let taken = result.is_ok();
        self.drain(started, result);
        taken
    }

    /// Drains every output, then reacts to them (driving contract, step 3).
    fn drain(&mut self, started: Instant, result: Result<(), InputError>) {
        let mut outputs = std::mem::take(&mut self.buffer);
        while let Some(output) = self.sb.poll_output() {
            outputs.push(output);
        }
        self.engine += started.elapsed();
        self.tally.inputs += 1;
        if let Err(e) = result {
            *self.tally.refused.entry(variant(&e)).or_default() += 1;
        }
        for output in outputs.drain(..) {
            self.react(output);
        }
        self.buffer = outputs;
    }

    fn fire(&mut self, event: Event) {
        match event {
            Event::SignIn(a) => {
                let agent = self.agents[a as usize].id.clone();
                self.send(Input::AgentSignedIn { agent });
            }
            Event::Arrival(w) => self.arrive(w),
            Event::Display(notification) => {
                self.send(Input::NotificationDisplayed { notification });
            }
            Event::Answer(notification, answer) => {
                self.send(match answer {
                    Answer::Accept => Input::Accept { notification },
                    Answer::Reject => Input::Reject { notification },
                    Answer::Open => Input::Open { notification },
                });
            }
            Event::End { item, epoch } => {
                let it = &self.items[item as usize];
                if it.epoch == epoch && it.holder.is_some() {
                    let item = it.id.clone();
                    self.send(Input::ConversationEnded { item });
                }
            }
            Event::Close { item, epoch } => {
                let it = &self.items[item as usize];
                if it.epoch == epoch && it.status != Status::Closed {
                    let item = it.id.clone();
                    self.send(Input::ConversationClosed { item });
                }
            }
            Event::GiveUp(i) => {
                let it = &self.items[i as usize];
                if !it.served && it.status == Status::Waiting {
                    let item = it.id.clone();
                    // Set first: the close comes out during `send`.
                    self.items[i as usize].gave_up = true;
                    if !self.send(Input::CustomerLeft { item }) {
                        self.items[i as usize].gave_up = false;
                    }
                }
            }
            Event::Reset(a) => self.reset(a),
            Event::Disconnect(a) => {
                let agent = &mut self.agents[a as usize];
                if agent.connected {
                    agent.connected = false;
                    let id = agent.id.clone();
                    self.send(Input::ClientDisconnected { agent: id });
                    let delay = self.sc.behaviour.reconnect_secs.sample(&mut self.agent_rng);
                    self.after(delay, Event::Reconnect(a));
                }
            }
            Event::Reconnect(a) => {
                self.agents[a as usize].connected = true;
                let agent = self.agents[a as usize].id.clone();
                self.send(Input::ClientReconnected { agent });
                self.reconcile_break(a);
            }
            Event::BreakStart(a) => {
                self.agents[a as usize].on_break = true;
                self.reconcile_break(a);
            }
            Event::BreakEnd(a) => {
                self.agents[a as usize].on_break = false;
                self.reconcile_break(a);
            }
        }
    }

    fn arrive(&mut self, w: u16) {
        let spec = &self.sc.workstreams[usize::from(w)];
        let n = self.items.len();
        let id = WorkItemId::new(format!("{}-{:06}", spec.id, n + 1));
        let item = WorkItem::new(id.clone(), spec.id.as_str(), spec.queue.as_str());
        let patience = spec.patience_secs;
        let i = u32::try_from(n).unwrap_or(u32::MAX);
        self.item_ix.insert(id.as_str().to_owned(), i);
        self.items.push(ItemSim {
            id,
            ws: w,
            arrived: self.now,
            status: Status::Waiting,
            holder: None,
            epoch: 0,
            served: false,
            parked: false,
            gave_up: false,
        });
        self.waiting += 1;
        self.open += 1;
        self.tally.items += 1;
        self.tally.by_workstream[usize::from(w)].items += 1;
        if let Some(patience) = patience {
            let wait = patience.sample(&mut self.work_rng);
            self.after(wait, Event::GiveUp(i));
        }
        self.plan_arrival(usize::from(w));
        self.send(Input::WorkArrived(Box::new(item)));
    }

    /// Puts the agent's presence in line with their break once they are connected.
    fn reconcile_break(&mut self, a: u32) {
        let agent = &self.agents[a as usize];
        if !agent.connected {
            return;
        }
        let away = self.presence_names[agent.presence] == presences::AWAY;
        let to = match (agent.on_break, away) {
            (true, false) => presences::AWAY,
            (false, true) => presences::AVAILABLE,
            _ => return,
        };
        let agent = agent.id.clone();
        self.send(Input::SetPresence {
            agent,
            presence: PresenceId::new(to),
        });
    }

    fn reset(&mut self, a: u32) {
        let agent = &mut self.agents[a as usize];
        agent.reset_pending = false;
        if !agent.penalized {
            return;
        }
        if !agent.connected {
            agent.reset_pending = true;
            self.schedule(self.now + RETRY_NS, Event::Reset(a));
            return;
        }
        let agent = agent.id.clone();
        self.send(Input::ResetPresence { agent });
    }

    fn agent(&self, id: &AgentId) -> Option<u32> {
        self.agent_ix.get(id.as_str()).copied()
    }

    fn item(&self, id: &WorkItemId) -> Option<u32> {
        self.item_ix.get(id.as_str()).copied()
    }

    /// Adds the time since the agent's last change to the day's shares.
    fn account(&mut self, a: u32) {
        let agent = &mut self.agents[a as usize];
        let from = agent.since.min(self.day_end);
        let to = self.now.min(self.day_end);
        let d = to - from;
        agent.since = self.now;
        if d <= 0 {
            return;
        }
        let t = &mut self.tally;
        if t.presence_ns.len() < self.presence_names.len() {
            t.presence_ns.resize(self.presence_names.len(), 0);
        }
        t.presence_ns[agent.presence] += d;
        let name = self.presence_names[agent.presence].as_str();
        let staffed = name != presences::AWAY && name != presences::OFFLINE;
        if agent.conversations > 0 {
            t.busy_ns += d;
        }
        if agent.conversations > 0 || staffed {
            t.staffed_ns += d;
        }
    }

    fn presence_index(&mut self, p: &PresenceId) -> usize {
        if let Some(i) = self.presence_names.iter().position(|n| n == p.as_str()) {
            return i;
        }
        self.presence_names.push(p.as_str().to_owned());
        self.presence_count.push(0);
        self.presence_names.len() - 1
    }

    /// How the world answers one output.
    fn react(&mut self, output: Output) {
        match output {
            Output::Notify(n) => self.notified(n.id, &n.agent, n.kind),
            Output::NotificationEnded { how, .. } => {
                let t = &mut self.tally;
                match how {
                    NotificationEnd::Accepted => t.accepted += 1,
                    NotificationEnd::Rejected => t.rejected += 1,
                    NotificationEnd::Expired => t.expired += 1,
                    NotificationEnd::AssignedUnseen => t.assigned_unseen += 1,
                    _ => {}
                }
            }
            Output::PresenceChanged { agent, to, why, .. } => {
                self.presence_changed(&agent, &to, why);
            }
            Output::Alert { agent, kind, .. } => self.alerted(&agent, kind),
            Output::WorkAssigned {
                item,
                agent,
                unseen: false,
                ..
            } => self.assigned(&item, &agent),
            Output::WrapUpStarted { item, .. } => {
                let Some(i) = self.item(&item) else { return };
                let it = &self.items[i as usize];
                let epoch = it.epoch;
                let spec = &self.sc.workstreams[usize::from(it.ws)];
                let wrap = spec.wrap_up_secs.sample(&mut self.work_rng);
                self.after(wrap, Event::Close { item: i, epoch });
            }
            Output::Rerouted { item, from, reason } => self.rerouted(&item, &from, reason),
            Output::Parked { item, .. } => {
                self.tally.parked += 1;
                if let Some(i) = self.item(&item) {
                    self.items[i as usize].parked = true;
                }
            }
            Output::ConversationClosed { item, reason } => self.closed(&item, reason),
            _ => {}
        }
    }

    fn presence_changed(&mut self, agent: &AgentId, to: &PresenceId, why: PresenceReason) {
        let Some(a) = self.agent(agent) else { return };
        self.account(a);
        let p = self.presence_index(to);
        let agent = &mut self.agents[a as usize];
        self.presence_count[agent.presence] -= 1;
        self.presence_count[p] += 1;
        agent.presence = p;
        let penalties = &mut self.tally.penalties;
        match why {
            PresenceReason::MissedNotification => penalties.missed_notification += 1,
            PresenceReason::Rejected => penalties.rejected += 1,
            PresenceReason::SessionLimit => penalties.session_limit += 1,
            _ => {}
        }
        match why {
            PresenceReason::MissedNotification
            | PresenceReason::Rejected
            | PresenceReason::SessionLimit => agent.penalized = true,
            PresenceReason::Manual
            | PresenceReason::AgentReset
            | PresenceReason::SupervisorReset
            | PresenceReason::SignedIn
            | PresenceReason::SignedOut => agent.penalized = false,
            _ => {}
        }
    }

    /// A penalty alert: the agent notices it after a while and resets (P6).
    fn alerted(&mut self, agent: &AgentId, kind: AlertKind) {
        let t = &mut self.tally.alerts;
        match kind {
            AlertKind::MissedNotification => t.missed_notification += 1,
            AlertKind::Rejected => t.rejected += 1,
            _ => t.session_limit += 1,
        }
        let Some(a) = self.agent(agent) else { return };
        if !self.agents[a as usize].reset_pending {
            self.agents[a as usize].reset_pending = true;
            let delay = self.sc.behaviour.reset_secs.sample(&mut self.agent_rng);
            self.after(delay, Event::Reset(a));
        }
    }

    fn rerouted(&mut self, item: &WorkItemId, from: &AgentId, reason: RerouteReason) {
        let t = &mut self.tally;
        *t.rerouted.entry(format!("{reason:?}")).or_default() += 1;
        match reason {
            RerouteReason::Unseen => t.unseen_reroutes += 1,
            RerouteReason::SessionLimit => t.session_limit_hits += 1,
            _ => {}
        }
        let (Some(i), Some(a)) = (self.item(item), self.agent(from)) else {
            return;
        };
        if self.items[i as usize].holder == Some(a) {
            self.release(i, a);
            self.items[i as usize].status = Status::Waiting;
            self.waiting += 1;
        }
    }

    fn closed(&mut self, item: &WorkItemId, reason: CloseReason) {
        let Some(i) = self.item(item) else { return };
        if let Some(a) = self.items[i as usize].holder {
            self.release(i, a);
        }
        let it = &mut self.items[i as usize];
        if it.status == Status::Waiting {
            self.waiting -= 1;
        }
        it.status = Status::Closed;
        it.epoch += 1;
        self.open -= 1;
        if !it.served {
            self.tally.abandoned += 1;
            self.tally.by_workstream[usize::from(it.ws)].abandoned += 1;
            // Work assigned unseen goes to wrap-up when the customer leaves,
            // and its agent closes it: still the customer's doing.
            let reason = if it.gave_up {
                "CustomerLeft".to_owned()
            } else {
                format!("{reason:?}")
            };
            *self.tally.abandoned_by_reason.entry(reason).or_default() += 1;
        }
    }

    /// The agent is shown a notification: do they see it, and what do they do?
    fn notified(&mut self, id: NotificationId, agent: &AgentId, kind: NotificationKind) {
        self.tally.offered += 1;
        if self.agent(agent).is_none() {
            return;
        }
        let b = &self.sc.behaviour;
        let roll: f64 = if b.unseen_rate + b.miss_rate + b.reject_rate > 0.0 {
            self.agent_rng.random()
        } else {
            1.0
        };
        if roll < b.unseen_rate {
            return; // The client never shows it (T3).
        }
        let display = b.display_secs.sample(&mut self.agent_rng);
        if self.sc.org.display_acknowledgement {
            self.after(display, Event::Display(id));
        }
        if roll < b.unseen_rate + b.miss_rate {
            return; // Seen and let time out (T1).
        }
        let answer = if kind == NotificationKind::Toast {
            Answer::Open
        } else if roll < b.unseen_rate + b.miss_rate + b.reject_rate {
            Answer::Reject
        } else {
            Answer::Accept
        };
        let think = b.response_secs.sample(&mut self.agent_rng);
        self.after(display + think, Event::Answer(id, answer));
    }

    /// The agent accepted: start the conversation's clock.
    fn assigned(&mut self, item: &WorkItemId, agent: &AgentId) {
        let (Some(i), Some(a)) = (self.item(item), self.agent(agent)) else {
            return;
        };
        self.account(a);
        self.agents[a as usize].conversations += 1;
        let it = &mut self.items[i as usize];
        if it.status == Status::Waiting {
            self.waiting -= 1;
        }
        it.status = Status::Held;
        it.holder = Some(a);
        it.epoch += 1;
        let epoch = it.epoch;
        let w = usize::from(it.ws);
        if !it.served {
            it.served = true;
            let wait = self.now - it.arrived;
            self.tally.waits.push((it.ws, secs(wait)));
            self.tally.by_workstream[w].served += 1;
        }
        let handle = self.sc.workstreams[w]
            .handle_secs
            .sample(&mut self.work_rng);
        self.after(handle, Event::End { item: i, epoch });
    }

    /// Item `i` left agent `a`'s hands.
    fn release(&mut self, i: u32, a: u32) {
        self.account(a);
        let agent = &mut self.agents[a as usize];
        agent.conversations = agent.conversations.saturating_sub(1);
        let it = &mut self.items[i as usize];
        it.holder = None;
        it.epoch += 1;
    }

    /// Closes the books: the day's time shares, the last samples, and where
    /// every item ended, from the engine's own answer.
    fn finish(&mut self) {
        let end = self.now.max(self.day_end);
        while self.next_sample <= end {
            self.sample(self.next_sample);
            self.next_sample += SAMPLE_NS;
        }
        self.now = end;
        for a in 0..self.agents.len() {
            self.account(u32::try_from(a).unwrap_or(u32::MAX));
        }
        self.samples.presences.clone_from(&self.presence_names);
        let t = &mut self.tally;
        t.presence_names.clone_from(&self.presence_names);
        t.presence_ns.resize(self.presence_names.len(), 0);
        t.day_ns = self.day_end;
        t.agent_count = self.agents.len();
        t.end_ns = self.now;
        for it in &self.items {
            let o = &mut t.outcomes;
            if it.served {
                o.served += 1;
            } else if it.status == Status::Closed {
                o.abandoned += 1;
            } else if it.parked {
                o.parked += 1;
            } else {
                o.waiting += 1;
            }
            if it.served && it.status != Status::Closed {
                t.in_conversation_at_end += 1;
            }
            if !matches!(self.sb.work_location(&it.id), Some(WorkLocation::Closed)) {
                t.open_at_end += 1;
            }
        }
    }
}

/// The name of an error's variant, e.g. `NotificationClosed`.
fn variant(e: &InputError) -> String {
    let debug = format!("{e:?}");
    debug
        .split(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap_or_default()
        .to_owned()
}
