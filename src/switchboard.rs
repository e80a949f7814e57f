//! [`Switchboard`]: the engine. It validates, dispatches each input to the
//! module that owns the rule, fires deadlines and queues outputs.

use std::collections::VecDeque;

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use crate::agent::AgentState;
use crate::config::{self, Config, Experience};
use crate::contact::Contacts;
use crate::conversation::ConversationState;
use crate::error::{ConfigError, InputError};
use crate::ids::{AgentId, NotificationId, PresenceId, QueueId, WorkItemId};
use crate::input::Input;
use crate::items::Items;
use crate::offers::Offers;
use crate::output::Output;
use crate::presence::PresenceReason;
use crate::routing::{Membership, QueueIndex, QuietQueues};
use crate::sessions::Sessions;
use crate::template::MAX_TIMEOUT_SECS;
use crate::timer::{Timer, Timers};
use crate::work::{Place, QueueState};

/// The routing engine: a pure state machine with no clock and no IO.
///
/// Drive it like this (D1–D5):
/// 1. feed every event to [`handle`](Self::handle) and every clock reading
///    to [`tick`](Self::tick), with the current time;
/// 2. after each call, drain [`poll_output`](Self::poll_output) until `None`;
/// 3. sleep until [`poll_timeout`](Self::poll_timeout) (or the next event)
///    and call `tick` then.
///
/// `handle` never fires deadlines itself: call `tick(now)` first. An answer
/// to a notification at or after its deadline is refused as
/// [`InputError::NotificationClosed`] whether or not `tick` has run.
#[derive(Debug, Clone, PartialEq)]
pub struct Switchboard {
    pub(crate) cfg: config::Compiled,
    /// The configuration as given, kept for snapshots (D8).
    config: Config,
    /// Furthest a deadline can lie after the time that sets it.
    horizon: TimeDelta,
    /// The latest time whose horizon still lies within chrono's range.
    last_safe: DateTime<Utc>,
    pub(crate) state: State,
}

/// Everything that changes as inputs arrive: what a snapshot saves (D8).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct State {
    /// Agent state, by the agent's index in the configuration.
    pub(crate) agents: Vec<AgentState>,
    /// Every work item ever seen, in arrival order.
    pub(crate) items: Items,
    /// Members and waiting work, by queue index.
    pub(crate) queues: Vec<QueueState>,
    /// Queues each agent is a member of, with their position there, by agent index.
    pub(crate) memberships: Vec<Vec<Membership>>,
    /// Pending notifications, by id: ids rise, so this is also issue order.
    pub(crate) offers: Offers,
    /// Open sessions, with their agents.
    pub(crate) sessions: Sessions,
    pub(crate) contacts: Contacts,
    pub(crate) timers: Timers,
    /// Outputs not yet polled.
    pub(crate) outputs: VecDeque<Output>,
    /// The latest time seen (D6).
    pub(crate) latest: Option<DateTime<Utc>>,
    /// The time of the latest accepted input: `tick` may reach as far as
    /// the deadlines it can have set.
    pub(crate) latest_input: Option<DateTime<Utc>>,
    pub(crate) next_notification: u64,
    pub(crate) next_session: u64,
    pub(crate) next_arrival: u64,
    pub(crate) next_assignment: u64,
    pub(crate) next_release: u64,
    /// The pending local-midnight reset of end-of-day profiles (C6).
    pub(crate) end_of_day: Option<crate::timer::TimerKey>,
    /// The time of the input or deadline being processed.
    pub(crate) clock: DateTime<Utc>,
    /// Something that starts an assignment cycle happened (A3).
    pub(crate) cycle_due: bool,
    /// Queues a cycle may pass by; derived, not saved.
    #[serde(skip)]
    pub(crate) quiet: QuietQueues,
}

/// Where a work item is (V2): exactly one of these at any time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum WorkLocation {
    /// Waiting in a queue (pick-mode and parked work included).
    Waiting {
        /// The queue.
        queue: QueueId,
    },
    /// Offered to one agent by a pending Alert.
    Offered {
        /// The agent.
        agent: AgentId,
        /// The notification.
        notification: NotificationId,
    },
    /// Assigned to one agent.
    Assigned {
        /// The agent.
        agent: AgentId,
    },
    /// A Waiting conversation (L1): still one agent's, holding neither
    /// capacity nor a session until the customer returns.
    Idle {
        /// The agent.
        agent: AgentId,
    },
    /// Closed.
    Closed,
}

/// A snapshot of one agent, for hosts and tests.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentStatus {
    /// Signed in.
    pub signed_in: bool,
    /// Client connected.
    pub connected: bool,
    /// Current presence.
    pub presence: PresenceId,
    /// Capacity units the agent has.
    pub capacity_units: i64,
    /// Units consumed by assigned work.
    pub assigned_units: i64,
    /// Units held by pending offers.
    pub offered_units: i64,
    /// Session slots taken: open sessions, pending offers and unopened assigned work.
    pub session_slots: u32,
}

/// Outputs the queue keeps room for between bursts.
const OUTPUT_ROOM: usize = 256;

impl Switchboard {
    /// Builds an engine from a configuration, validated as a whole (D1).
    ///
    /// # Errors
    /// [`ConfigError`] naming the first offending field; nothing is built.
    pub fn new(config: Config) -> Result<Self, ConfigError> {
        let cfg = config::compile(&config)?;
        let original = config.clone();
        let agents = cfg
            .agents
            .values()
            .map(|c| AgentState::new(c.agent.capacity_units.into(), &c.profiles))
            .collect();
        let contacts = Contacts::new(config.contacts);
        let mut memberships = vec![Vec::new(); cfg.agents.len()];
        let voice = cfg.has_voice();
        let several_skill_sets = cfg.skill_sets.len() > 1;
        let queues: Vec<QueueState> = cfg
            .queues
            .values()
            .enumerate()
            .map(|(q, queue)| {
                let mut state = QueueState {
                    index: QueueIndex::for_method(queue.method, voice, several_skill_sets),
                    ..QueueState::default()
                };
                for &a in &queue.members {
                    state.members.push((a, state.next_position));
                    memberships[a].push(Membership::new(q, state.next_position));
                    state.next_position += 1;
                }
                state
            })
            .collect();
        let org = &cfg.org;
        let horizon_secs = i64::from(MAX_TIMEOUT_SECS)
            + i64::from(org.unseen_reroute_delay_secs)
            + i64::from(org.reconnect_grace_secs)
            + i64::from(cfg.longest_auto_close())
            + 86_400;
        Ok(Self {
            cfg,
            config: original,
            horizon: TimeDelta::seconds(horizon_secs),
            last_safe: DateTime::<Utc>::MAX_UTC
                .checked_sub_signed(TimeDelta::seconds(horizon_secs))
                .unwrap_or(DateTime::<Utc>::MIN_UTC),
            state: State {
                quiet: QuietQueues::for_queues(queues.len()),
                queues,
                memberships,
                agents,
                items: Items::default(),
                offers: Offers::default(),
                sessions: Sessions::default(),
                contacts,
                timers: Timers::default(),
                outputs: VecDeque::new(),
                latest: None,
                latest_input: None,
                next_notification: 1,
                next_session: 1,
                next_arrival: 0,
                next_assignment: 0,
                next_release: 0,
                end_of_day: None,
                clock: DateTime::<Utc>::MIN_UTC,
                cycle_due: false,
            },
        })
    }

    /// Applies one input at `now` (D2). Outputs it causes are queued for
    /// [`poll_output`](Self::poll_output).
    ///
    /// # Errors
    /// [`InputError`] when the input is refused; the state is then exactly
    /// as before and no output was queued.
    pub fn handle(&mut self, now: DateTime<Utc>, input: Input) -> Result<(), InputError> {
        self.check_time(now)?;
        self.compact_outputs();
        let clock = std::mem::replace(&mut self.state.clock, now);
        let applied = match input {
            Input::AgentSignedIn { agent } => self.sign_in(&agent),
            Input::AgentSignedOut { agent } => self.sign_out(&agent),
            Input::SetPresence { agent, presence } => self.choose_presence(&agent, &presence),
            Input::ResetPresence { agent } => {
                self.reset_presence(&agent, PresenceReason::AgentReset)
            }
            Input::SupervisorResetPresence { agent } => {
                self.reset_presence(&agent, PresenceReason::SupervisorReset)
            }
            Input::AppFocusChanged { agent, in_focus } => self.set_focus(&agent, in_focus),
            Input::DesktopPermission { agent, granted } => self.set_permission(&agent, granted),
            Input::ClientDisconnected { agent } => self.disconnect(&agent, now),
            Input::ClientReconnected { agent } => self.reconnect(&agent, now),
            Input::NotificationDisplayed { notification } => self.displayed(notification, now),
            Input::DesktopNotificationClicked { notification } => {
                self.desktop_clicked(notification, now)
            }
            Input::Accept { notification } => self.accept(notification, now),
            Input::Reject { notification } => self.reject(notification, now),
            Input::Open { notification } => self.open(notification, now),
            Input::OpenWork { item } => self.open_work(&item, now),
            Input::AgentOpenedSession { agent } => self.agent_opens_session(&agent),
            Input::AgentClosedSession { agent, session } => {
                self.agent_closes_session(&agent, session)
            }
            Input::Consult { item, agent } => self.request_consult(&item, &agent, now),
            Input::LeaveConsult { item, agent } => self.leave_consult(&item, &agent),
            Input::ReleaseWork { item } => self.release_work(&item),
            Input::CustomerReturned { item } => self.customer_returned(&item),
            Input::Pick { agent, item } => self.pick(&agent, &item),
            Input::TransferToQueue { item, queue } => self.transfer_to_queue(&item, &queue),
            Input::TransferToAgent { item, agent } => self.transfer_to_agent(&item, &agent),
            Input::SupervisorAssign { item, agent } => self.supervisor_assign(&item, &agent),
            Input::SupervisorTransfer { item, target } => self.supervisor_transfer(&item, &target),
            Input::SupervisorClose { item } => self.supervisor_close(&item),
            Input::Escalate { item } => self.escalate(&item, true),
            Input::EscalationEnded { item } => self.escalate(&item, false),
            Input::AddQueueMember { queue, agent } => self.add_member(&queue, &agent),
            Input::RemoveQueueMember { queue, agent } => self.remove_member(&queue, &agent),
            Input::WorkArrived(item) => self.arrive(item),
            Input::CustomerLeft { item } => self.customer_left(&item),
            Input::ConversationEnded { item } => self.end_conversation(&item),
            Input::ConversationClosed { item } => self.close_conversation(&item),
            Input::ContactUpserted(contact) => self.state.contacts.upsert(contact),
            Input::ForgetClosed => {
                self.state.items.forget_closed();
                Ok(())
            }
        };
        if let Err(refused) = applied {
            self.state.clock = clock;
            return Err(refused);
        }
        self.state.latest = Some(now);
        self.state.latest_input = Some(now);
        self.run_cycles(now);
        debug_assert!(self.indexes_consistent(), "queue indexes out of step");
        Ok(())
    }

    /// Fires every deadline due at or before `now`, in deadline order, ties
    /// in creation order (D3). Calling it early, or twice, does nothing.
    ///
    /// # Errors
    /// [`InputError::ClockWentBackwards`], or [`InputError::TimeOutOfRange`]
    /// past both the end of chrono's range less the longest delay and the
    /// reach of the deadlines inputs set; nothing changes.
    pub fn tick(&mut self, now: DateTime<Utc>) -> Result<(), InputError> {
        if self.start_tick(now)? {
            self.fire_due(now, None);
        }
        Ok(())
    }

    /// [`tick`](Self::tick), handing every output to `sink` as it arises
    /// (any still queued first) instead of queueing it for
    /// [`poll_output`](Self::poll_output): the same outputs in the same
    /// order, and the same engine afterwards (D5).
    ///
    /// A tick after a long pause, or in a simulation's jump, can fire
    /// thousands of deadlines. `tick` holds all their outputs until the
    /// host drains them; `tick_with` holds one deadline's at a time, and
    /// the host meets each while it is still in cache. A million offers
    /// expiring in one tick took about 0.9 µs each this way, against
    /// 1.5 µs drained after `tick` (`BENCHMARKS.md`, expiry).
    ///
    /// ```
    /// use chrono::{TimeDelta, TimeZone, Utc};
    /// use switchboard::{Agent, Channel, Config, Input, Output, Queue, Switchboard, WorkItem, Workstream};
    ///
    /// let config = Config {
    ///     workstreams: vec![Workstream::new("chat", Channel::Chat)],
    ///     queues: vec![Queue::new("general", ["ada".into()])],
    ///     agents: vec![Agent::new("ada")],
    ///     ..Config::default()
    /// };
    /// let mut sb = Switchboard::new(config)?;
    /// let t0 = Utc.with_ymd_and_hms(2026, 11, 24, 9, 0, 0).unwrap();
    /// sb.handle(t0, Input::AgentSignedIn { agent: "ada".into() })?;
    /// sb.handle(t0, Input::WorkArrived(Box::new(WorkItem::new("chat-1", "chat", "general"))))?;
    ///
    /// // An hour later: the outputs still queued, then the deadlines'.
    /// let mut log = Vec::new();
    /// sb.tick_with(t0 + TimeDelta::hours(1), |output| log.push(output))?;
    /// assert!(matches!(log[0], Output::PresenceChanged { .. }));
    /// assert!(log.iter().any(|o| matches!(o, Output::NotificationEnded { .. })));
    /// assert_eq!(sb.poll_output(), None);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// As [`tick`](Self::tick); nothing changes, and `sink` is not called.
    ///
    /// # Panics
    /// Only if `sink` does. The engine is then as between two deadlines:
    /// the outputs `sink` was not given stay queued for `poll_output`, and
    /// the deadlines not yet fired fire at the next tick.
    pub fn tick_with(
        &mut self,
        now: DateTime<Utc>,
        mut sink: impl FnMut(Output),
    ) -> Result<(), InputError> {
        if self.start_tick(now)? {
            self.fire_due(now, Some(&mut sink));
        }
        self.hand_over(&mut sink);
        Ok(())
    }

    /// Hands every queued output to `sink`, oldest first.
    fn hand_over(&mut self, sink: &mut dyn FnMut(Output)) {
        while let Some(output) = self.state.outputs.pop_front() {
            sink(output);
        }
    }

    /// Checks a tick's time and takes it as the latest; whether any
    /// deadline is due by then. Always inlined: returned from a call, the
    /// 48-byte `Result` goes through memory, and an idle tick took 98
    /// instructions instead of 74 (76 with a plain `#[inline]`).
    #[allow(clippy::inline_always)]
    #[inline(always)]
    fn start_tick(&mut self, now: DateTime<Utc>) -> Result<bool, InputError> {
        self.check_clock(now)?;
        // Near the end of chrono's range a tick may still reach every
        // deadline an accepted input can have set, and no further: beyond,
        // deadlines set while firing would run on without end. Deadlines
        // that would fall past the end of the range are not set.
        if now > self.last_safe {
            let reachable = self
                .state
                .latest_input
                .and_then(|t| t.checked_add_signed(self.horizon))
                .is_some_and(|limit| now <= limit);
            if !reachable {
                return Err(InputError::TimeOutOfRange { now });
            }
        }
        self.state.latest = Some(now);
        Ok(self.state.timers.any_due(now))
    }

    /// Fires the deadlines due by `now`. Kept out of [`tick`](Self::tick),
    /// which hosts call far more often than anything is due: the idle call
    /// then sets up only its own few registers, not those of every handler
    /// inlined here (idle tick 182 to 157 instructions). With a `sink`,
    /// the outputs go to it after each deadline's cycles.
    #[inline(never)]
    fn fire_due(&mut self, now: DateTime<Utc>, mut sink: Option<&mut dyn FnMut(Output)>) {
        self.compact_outputs();
        while let Some((at, timer)) = self.state.timers.pop_due(now) {
            self.state.clock = at;
            match timer {
                Timer::OfferDeadline(id) => self.offer_deadline(id, at),
                Timer::UnseenReroute(item) => self.unseen_reroute(item),
                Timer::AutoClose(item) => self.auto_close_fired(item),
                Timer::ReconnectGrace(agent) => self.grace_expired(agent),
                Timer::WrapUpRelease(item) => self.wrap_up_release(item),
                Timer::EndOfDay => self.end_of_day(),
            }
            self.run_cycles(at);
            if let Some(sink) = sink.as_deref_mut() {
                self.hand_over(sink);
            }
        }
        debug_assert!(self.indexes_consistent(), "queue indexes out of step");
    }

    /// The next output, in the order they arose (D5). Inlined into the
    /// host's drain loop: a cycle calls it ten times and more.
    #[inline]
    pub fn poll_output(&mut self) -> Option<Output> {
        self.state.outputs.pop_front()
    }

    /// The earliest pending deadline (D4): call [`tick`](Self::tick) then.
    pub fn poll_timeout(&self) -> Option<DateTime<Utc>> {
        self.state.timers.next()
    }

    /// The configuration the engine was built from.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Where a work item is, or `None` for an unknown one.
    pub fn work_location(&self, item: &WorkItemId) -> Option<WorkLocation> {
        let state = self.state.items.get(item)?;
        Some(match state.place {
            Place::Waiting => WorkLocation::Waiting {
                queue: self.cfg.queues.get_index(state.queue)?.0.clone(),
            },
            Place::Offered {
                agent,
                notification,
            } => WorkLocation::Offered {
                agent: self.agent_id(agent),
                notification,
            },
            Place::Idle { agent } => WorkLocation::Idle {
                agent: self.agent_id(agent),
            },
            Place::Assigned { agent, .. } => WorkLocation::Assigned {
                agent: self.agent_id(agent),
            },
            Place::Closed => WorkLocation::Closed,
        })
    }

    /// A work item's conversation state, or `None` for an unknown one.
    pub fn conversation_state(&self, item: &WorkItemId) -> Option<ConversationState> {
        self.state.items.get(item).map(|state| state.state)
    }

    /// One agent's status, or `None` for an unknown one.
    pub fn agent_status(&self, agent: &AgentId) -> Option<AgentStatus> {
        let a = self.cfg.agents.get_index_of(agent)?;
        let state = &self.state.agents[a];
        Some(AgentStatus {
            signed_in: state.signed_in,
            connected: state.connected,
            presence: self.presence_id(state.presence),
            capacity_units: state.capacity,
            assigned_units: state.assigned_units,
            offered_units: state.offered_units,
            session_slots: state.slots,
        })
    }

    /// Every work item id, in arrival order.
    pub fn work_items(&self) -> impl Iterator<Item = &WorkItemId> {
        self.state.items.ids()
    }

    /// Every configured agent id, in configuration order.
    pub fn agent_ids(&self) -> impl Iterator<Item = &AgentId> {
        self.cfg.agents.keys()
    }

    /// How many deadlines are pending.
    pub fn pending_deadlines(&self) -> usize {
        self.state.timers.len()
    }

    /// How many notifications are pending.
    pub fn pending_notifications(&self) -> usize {
        self.state.offers.len()
    }

    /// D6: time never goes backwards.
    fn check_clock(&self, now: DateTime<Utc>) -> Result<(), InputError> {
        match self.state.latest.filter(|latest| now < *latest) {
            Some(latest) => Err(InputError::ClockWentBackwards { now, latest }),
            None => Ok(()),
        }
    }

    /// Gives back the room a burst of outputs left (a morning's sign-ins),
    /// once the host has taken them all. Pushing into a large ring walks
    /// round all of it, a cold cache line every output or so; a small one
    /// stays in cache.
    fn compact_outputs(&mut self) {
        let outputs = &mut self.state.outputs;
        if outputs.capacity() > OUTPUT_ROOM && outputs.is_empty() {
            outputs.shrink_to(OUTPUT_ROOM);
        }
    }

    /// D6, and keeps every deadline an input at `now` can set within
    /// chrono's range.
    fn check_time(&self, now: DateTime<Utc>) -> Result<(), InputError> {
        self.check_clock(now)?;
        if now > self.last_safe {
            return Err(InputError::TimeOutOfRange { now });
        }
        Ok(())
    }

    pub(crate) fn emit(&mut self, output: Output) {
        self.state.outputs.push_back(output);
    }

    pub(crate) fn agent_id(&self, a: usize) -> AgentId {
        self.cfg
            .agents
            .get_index(a)
            .map(|(id, _)| id.clone())
            .unwrap_or_default()
    }

    pub(crate) fn presence_id(&self, p: usize) -> PresenceId {
        self.cfg
            .presences
            .get_index(p)
            .map(|(id, _)| id.clone())
            .unwrap_or_default()
    }

    pub(crate) fn agent_experience(&self, a: usize) -> Experience {
        self.cfg
            .agents
            .get_index(a)
            .map_or(Experience::Standalone, |(_, c)| c.agent.experience)
    }
}
