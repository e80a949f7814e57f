//! The simulated contact center: who works there, what arrives when, how
//! long it takes and how agents behave. A scenario is plain serde data, so
//! `--print-scenario` writes the built-in one as JSON and `--scenario FILE`
//! reads an edited copy back.

use chrono::{DateTime, TimeZone, Utc};
use rand::Rng;
use rand_distr::{Distribution, Exp, LogNormal};
use serde::{Deserialize, Serialize};
use switchboard::{
    Agent, AgentId, AutoClose, Channel, Config, OrgSettings, Queue, Workstream, WrapUpBlocking,
};

/// A random duration in seconds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub(crate) enum Dist {
    /// Always this many seconds.
    Fixed(f64),
    /// Exponential with this mean.
    Exponential {
        /// Mean, in seconds.
        mean: f64,
    },
    /// Log-normal with this mean and coefficient of variation (standard
    /// deviation over mean): right-skewed, like real handle times.
    LogNormal {
        /// Mean, in seconds.
        mean: f64,
        /// Standard deviation divided by the mean.
        cv: f64,
    },
    /// Uniform between two bounds.
    Uniform {
        /// Lower bound, in seconds.
        min: f64,
        /// Upper bound, in seconds.
        max: f64,
    },
}

impl Dist {
    /// One draw, in seconds (never negative).
    pub(crate) fn sample(&self, rng: &mut impl Rng) -> f64 {
        let x = match *self {
            Dist::Fixed(secs) => secs,
            Dist::Exponential { mean } if mean > 0.0 => {
                Exp::new(1.0 / mean).map_or(mean, |d| d.sample(rng))
            }
            Dist::LogNormal { mean, cv } if mean > 0.0 && cv > 0.0 => {
                LogNormal::from_mean_cv(mean, cv).map_or(mean, |d| d.sample(rng))
            }
            Dist::Exponential { mean } | Dist::LogNormal { mean, .. } => mean,
            Dist::Uniform { min, max } if max > min => rng.random_range(min..max),
            Dist::Uniform { min, .. } => min,
        };
        x.max(0.0)
    }

    /// The mean, in seconds.
    pub(crate) fn mean(&self) -> f64 {
        match *self {
            Dist::Fixed(secs) => secs,
            Dist::Exponential { mean } | Dist::LogNormal { mean, .. } => mean,
            Dist::Uniform { min, max } => f64::midpoint(min, max),
        }
    }

    /// The same shape with every value multiplied by `k`.
    fn scaled(self, k: f64) -> Self {
        match self {
            Dist::Fixed(secs) => Dist::Fixed(secs * k),
            Dist::Exponential { mean } => Dist::Exponential { mean: mean * k },
            Dist::LogNormal { mean, cv } => Dist::LogNormal { mean: mean * k, cv },
            Dist::Uniform { min, max } => Dist::Uniform {
                min: min * k,
                max: max * k,
            },
        }
    }

    fn is_valid(&self) -> bool {
        let ok = |x: f64| x.is_finite() && x >= 0.0;
        match *self {
            Dist::Fixed(secs) => ok(secs),
            Dist::Exponential { mean } => ok(mean),
            Dist::LogNormal { mean, cv } => ok(mean) && ok(cv),
            Dist::Uniform { min, max } => ok(min) && ok(max) && min <= max,
        }
    }
}

/// One stream of work: a channel, its queue, its arrivals and its handling.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct WorkstreamSpec {
    /// Workstream id, also the prefix of its work item ids.
    pub(crate) id: String,
    /// The channel.
    pub(crate) channel: Channel,
    /// The queue its work waits in.
    pub(crate) queue: String,
    /// Mean arrivals per hour over the day; the intraday profile shapes them.
    pub(crate) arrivals_per_hour: f64,
    /// Capacity units one item takes (agents have `capacity_units` each).
    pub(crate) capacity_units: u32,
    /// Time from acceptance to the end of the conversation.
    pub(crate) handle_secs: Dist,
    /// After-conversation work, from the end to the close.
    pub(crate) wrap_up_secs: Dist,
    /// How long a customer waits for an agent before leaving; `null`: forever.
    pub(crate) patience_secs: Option<Dist>,
    /// Auto-close deadlines; unset ones keep the channel's defaults.
    #[serde(default)]
    pub(crate) auto_close: AutoClose,
}

/// A group of alike agents.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AgentGroup {
    /// Group name, also the prefix of its agent ids.
    pub(crate) name: String,
    /// How many agents.
    pub(crate) count: usize,
    /// Capacity units each.
    pub(crate) capacity_units: u32,
    /// The queues they serve.
    pub(crate) queues: Vec<String>,
}

/// A break every agent takes once a day.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct BreakSpec {
    /// When, as a fraction of the day (0.5 is the middle).
    pub(crate) at_fraction: f64,
    /// Each agent starts up to this many minutes before or after.
    pub(crate) spread_minutes: f64,
    /// How long, in minutes.
    pub(crate) minutes: f64,
}

/// How agents react to what the engine shows them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Behaviour {
    /// From the notification going out to the client displaying it.
    pub(crate) display_secs: Dist,
    /// From the display to the agent's answer.
    pub(crate) response_secs: Dist,
    /// Share of notifications the client never displays (T3).
    pub(crate) unseen_rate: f64,
    /// Share the agent sees and lets time out (T1, T2).
    pub(crate) miss_rate: f64,
    /// Share the agent rejects (T4).
    pub(crate) reject_rate: f64,
    /// From a penalty alert to the agent resetting their presence (P6).
    pub(crate) reset_secs: Dist,
    /// Client disconnects per agent per day (P8).
    pub(crate) disconnects_per_agent_day: f64,
    /// How long a disconnect lasts; past the org's grace, work is rerouted.
    pub(crate) reconnect_secs: Dist,
    /// Breaks, in presence Away.
    pub(crate) breaks: Vec<BreakSpec>,
}

/// A whole simulated day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Scenario {
    /// Name, shown in the report.
    pub(crate) name: String,
    /// When the day starts (UTC).
    pub(crate) start: DateTime<Utc>,
    /// How long work arrives, in hours.
    pub(crate) hours: f64,
    /// After the day, agents work on without new arrivals for at most this
    /// many hours, so that the day's work can finish.
    pub(crate) drain_hours: f64,
    /// Relative arrival rate per equal slice of the day (averaged to 1).
    pub(crate) intraday_profile: Vec<f64>,
    /// Org settings, passed to the engine as they are.
    pub(crate) org: OrgSettings,
    /// The workstreams.
    pub(crate) workstreams: Vec<WorkstreamSpec>,
    /// The agents.
    pub(crate) agent_groups: Vec<AgentGroup>,
    /// Agent behaviour.
    pub(crate) behaviour: Behaviour,
}

/// Command-line changes to a scenario.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Overrides {
    /// Total agents, split over the groups in proportion.
    pub(crate) agents: Option<usize>,
    /// Length of the day, in hours.
    pub(crate) hours: Option<f64>,
    /// Total mean arrivals per hour, split over the workstreams in proportion.
    pub(crate) arrivals_per_hour: Option<f64>,
    /// Mean handle time over all arrivals, in seconds; each workstream's is scaled.
    pub(crate) aht_secs: Option<f64>,
}

/// The longest run, in hours: memory grows with the number of items.
const MAX_HOURS: f64 = 1000.0;

const CHAT: &str = "chat";
const SMS: &str = "sms";
const VOICE: &str = "voice";

fn start_of_day() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 24, 8, 0, 0)
        .single()
        .unwrap_or_default()
}

impl Scenario {
    /// The built-in day: 150 agents on chat, SMS and voice for 8 hours, with
    /// a morning and an early-afternoon peak, agents who sometimes miss,
    /// reject or drop off, and the missed-notification and agent-reject
    /// rules on.
    pub(crate) fn builtin() -> Self {
        let group = |name: &str, count, queues: &[&str]| AgentGroup {
            name: name.to_owned(),
            count,
            capacity_units: 100,
            queues: queues.iter().map(|q| format!("{q}-support")).collect(),
        };
        Scenario {
            name: "contact-center-day".to_owned(),
            start: start_of_day(),
            hours: 8.0,
            drain_hours: 1.0,
            intraday_profile: vec![0.6, 1.0, 1.3, 1.25, 0.9, 1.1, 1.05, 0.8],
            org: OrgSettings {
                missed_notification_rule: true,
                agent_reject_rule: true,
                session_limit: 4,
                ..OrgSettings::default()
            },
            workstreams: builtin_workstreams(),
            agent_groups: vec![
                group(VOICE, 64, &[VOICE]),
                group("digital", 56, &[CHAT, SMS]),
                group("blended", 30, &[VOICE, CHAT, SMS]),
            ],
            behaviour: builtin_behaviour(),
        }
    }

    /// The textbook M/M/c queue: one voice queue of `agents` agents taking
    /// one call each, Poisson arrivals at `arrivals_per_hour`, exponential
    /// handle times with mean `aht_secs`, agents who answer at once and never
    /// miss, reject, disconnect, take breaks or wrap up, and customers who
    /// never hang up.
    pub(crate) fn ideal(agents: usize, hours: f64, arrivals_per_hour: f64, aht_secs: f64) -> Self {
        Scenario {
            name: "ideal M/M/c".to_owned(),
            start: start_of_day(),
            hours,
            drain_hours: 4.0,
            intraday_profile: vec![1.0],
            org: OrgSettings {
                // Every offer counts as seen; nobody reports displays.
                display_acknowledgement: false,
                ..OrgSettings::default()
            },
            workstreams: vec![WorkstreamSpec {
                id: VOICE.to_owned(),
                channel: Channel::Voice,
                queue: "calls".to_owned(),
                arrivals_per_hour,
                capacity_units: 100,
                handle_secs: Dist::Exponential { mean: aht_secs },
                wrap_up_secs: Dist::Fixed(0.0),
                patience_secs: None,
                // No 2-hour cut of long calls: the exponential tail stays exact.
                auto_close: AutoClose {
                    active_secs: Some(0),
                    ..AutoClose::default()
                },
            }],
            agent_groups: vec![AgentGroup {
                name: "agent".to_owned(),
                count: agents,
                capacity_units: 100,
                queues: vec!["calls".to_owned()],
            }],
            behaviour: Behaviour {
                display_secs: Dist::Fixed(0.0),
                response_secs: Dist::Fixed(0.0),
                unseen_rate: 0.0,
                miss_rate: 0.0,
                reject_rate: 0.0,
                reset_secs: Dist::Fixed(0.0),
                disconnects_per_agent_day: 0.0,
                reconnect_secs: Dist::Fixed(0.0),
                breaks: Vec::new(),
            },
        }
    }

    /// Applies command-line changes.
    pub(crate) fn apply(&mut self, o: Overrides) {
        if let Some(hours) = o.hours {
            self.hours = hours;
        }
        if let Some(total) = o.agents {
            let counts: Vec<usize> = self.agent_groups.iter().map(|g| g.count).collect();
            for (group, count) in self.agent_groups.iter_mut().zip(split(total, &counts)) {
                group.count = count;
            }
        }
        if let Some(total) = o.arrivals_per_hour {
            let now = self.arrivals_per_hour();
            let n = to_f64(self.workstreams.len());
            for ws in &mut self.workstreams {
                ws.arrivals_per_hour = if now > 0.0 {
                    ws.arrivals_per_hour * total / now
                } else {
                    total / n
                };
            }
        }
        if let Some(aht) = o.aht_secs {
            let now = self.aht_secs();
            if now > 0.0 {
                for ws in &mut self.workstreams {
                    ws.handle_secs = ws.handle_secs.scaled(aht / now);
                }
            }
        }
    }

    /// Total mean arrivals per hour.
    pub(crate) fn arrivals_per_hour(&self) -> f64 {
        self.workstreams.iter().map(|w| w.arrivals_per_hour).sum()
    }

    /// Mean handle time over all arrivals, in seconds.
    pub(crate) fn aht_secs(&self) -> f64 {
        let total = self.arrivals_per_hour();
        if total <= 0.0 {
            return 0.0;
        }
        self.workstreams
            .iter()
            .map(|w| w.arrivals_per_hour * w.handle_secs.mean())
            .sum::<f64>()
            / total
    }

    /// How many agents.
    pub(crate) fn agent_count(&self) -> usize {
        self.agent_groups.iter().map(|g| g.count).sum()
    }

    /// Every agent id, group by group.
    pub(crate) fn agent_ids(&self) -> Vec<(AgentId, usize)> {
        self.agent_groups
            .iter()
            .enumerate()
            .flat_map(|(g, group)| {
                (1..=group.count).map(move |n| (AgentId::new(format!("{}-{n:03}", group.name)), g))
            })
            .collect()
    }

    /// Checks what the engine does not: rates, shares and durations.
    ///
    /// # Errors
    /// A message naming the first bad field.
    pub(crate) fn check(&self) -> Result<(), String> {
        let b = &self.behaviour;
        let finite = |x: f64| x.is_finite() && x >= 0.0;
        if !(finite(self.hours) && self.hours > 0.0 && self.hours <= MAX_HOURS) {
            return Err(format!(
                "hours must be in (0, {MAX_HOURS}], not {}",
                self.hours
            ));
        }
        if !finite(self.drain_hours) {
            return Err("drain_hours must be a number ≥ 0".to_owned());
        }
        if self.intraday_profile.is_empty()
            || !self.intraday_profile.iter().all(|&w| finite(w))
            || self.intraday_profile.iter().sum::<f64>() <= 0.0
        {
            return Err("intraday_profile needs at least one weight ≥ 0, not all 0".to_owned());
        }
        for ws in &self.workstreams {
            if !finite(ws.arrivals_per_hour) {
                return Err(format!("{}: arrivals_per_hour must be ≥ 0", ws.id));
            }
            let dists = [
                Some(ws.handle_secs),
                Some(ws.wrap_up_secs),
                ws.patience_secs,
            ];
            if !dists.iter().flatten().all(Dist::is_valid) {
                return Err(format!("{}: a duration is negative or not a number", ws.id));
            }
        }
        let rates = [b.unseen_rate, b.miss_rate, b.reject_rate];
        if !rates.iter().all(|&r| finite(r)) || rates.iter().sum::<f64>() > 1.0 {
            return Err(
                "behaviour: unseen, miss and reject rates must be ≥ 0 and sum to ≤ 1".into(),
            );
        }
        let dists = [
            b.display_secs,
            b.response_secs,
            b.reset_secs,
            b.reconnect_secs,
        ];
        if !dists.iter().all(Dist::is_valid) || !finite(b.disconnects_per_agent_day) {
            return Err("behaviour: a duration or rate is negative or not a number".to_owned());
        }
        if !b
            .breaks
            .iter()
            .all(|k| finite(k.at_fraction) && finite(k.spread_minutes) && finite(k.minutes))
        {
            return Err("behaviour: a break has a negative or non-number field".to_owned());
        }
        Ok(())
    }

    /// The engine configuration this scenario runs on.
    pub(crate) fn config(&self) -> Config {
        let ids = self.agent_ids();
        let mut queues: Vec<Queue> = Vec::new();
        for ws in &self.workstreams {
            if !queues.iter().any(|q| q.id.as_str() == ws.queue) {
                queues.push(Queue::new(ws.queue.as_str(), []));
            }
        }
        for (id, g) in &ids {
            for q in &self.agent_groups[*g].queues {
                if let Some(queue) = queues.iter_mut().find(|queue| queue.id.as_str() == q) {
                    queue.members.push(id.clone());
                }
            }
        }
        Config {
            org: self.org.clone(),
            workstreams: self
                .workstreams
                .iter()
                .map(|w| Workstream {
                    capacity_units: Some(w.capacity_units),
                    auto_close: w.auto_close,
                    wrap_up: WrapUpBlocking::Always,
                    ..Workstream::new(w.id.as_str(), w.channel)
                })
                .collect(),
            queues,
            agents: ids
                .iter()
                .map(|(id, g)| Agent {
                    capacity_units: self.agent_groups[*g].capacity_units,
                    ..Agent::new(id.clone())
                })
                .collect(),
            ..Config::default()
        }
    }
}

/// Chat, SMS and voice: arrivals, capacity, handle, wrap-up and patience.
fn builtin_workstreams() -> Vec<WorkstreamSpec> {
    let ws = |id: &str, channel, per_hour, units, handle, wrap, patience| WorkstreamSpec {
        id: id.to_owned(),
        channel,
        queue: format!("{id}-support"),
        arrivals_per_hour: per_hour,
        capacity_units: units,
        handle_secs: handle,
        wrap_up_secs: wrap,
        patience_secs: patience,
        auto_close: AutoClose::default(),
    };
    vec![
        ws(
            CHAT,
            Channel::Chat,
            560.0,
            30,
            Dist::LogNormal {
                mean: 540.0,
                cv: 0.7,
            },
            Dist::Uniform {
                min: 10.0,
                max: 60.0,
            },
            Some(Dist::Exponential { mean: 300.0 }),
        ),
        ws(
            SMS,
            Channel::Sms,
            240.0,
            20,
            Dist::LogNormal {
                mean: 900.0,
                cv: 0.9,
            },
            Dist::Uniform {
                min: 5.0,
                max: 30.0,
            },
            Some(Dist::Exponential { mean: 1800.0 }),
        ),
        ws(
            VOICE,
            Channel::Voice,
            500.0,
            100,
            Dist::LogNormal {
                mean: 330.0,
                cv: 0.8,
            },
            Dist::LogNormal {
                mean: 45.0,
                cv: 0.5,
            },
            Some(Dist::Exponential { mean: 180.0 }),
        ),
    ]
}

/// Agents who mostly answer within seconds, now and then miss, reject or
/// drop off, and take two short breaks and a lunch break.
fn builtin_behaviour() -> Behaviour {
    Behaviour {
        display_secs: Dist::Uniform { min: 0.2, max: 1.5 },
        response_secs: Dist::LogNormal { mean: 5.0, cv: 0.8 },
        unseen_rate: 0.005,
        miss_rate: 0.02,
        reject_rate: 0.015,
        reset_secs: Dist::LogNormal {
            mean: 40.0,
            cv: 0.8,
        },
        disconnects_per_agent_day: 0.3,
        reconnect_secs: Dist::LogNormal {
            mean: 90.0,
            cv: 1.0,
        },
        breaks: vec![
            BreakSpec {
                at_fraction: 0.25,
                spread_minutes: 30.0,
                minutes: 15.0,
            },
            BreakSpec {
                at_fraction: 0.5,
                spread_minutes: 45.0,
                minutes: 30.0,
            },
            BreakSpec {
                at_fraction: 0.78,
                spread_minutes: 30.0,
                minutes: 15.0,
            },
        ],
    }
}

/// Splits `total` in proportion to `weights`, largest remainders first.
fn split(total: usize, weights: &[usize]) -> Vec<usize> {
    let sum: usize = weights.iter().sum();
    if sum == 0 {
        return weights.to_vec();
    }
    let mut out: Vec<usize> = weights.iter().map(|w| total * w / sum).collect();
    let mut order: Vec<usize> = (0..weights.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(total * weights[i] % sum));
    let short = total - out.iter().sum::<usize>();
    for &i in order.iter().take(short) {
        out[i] += 1;
    }
    out
}

/// A count as a float (counts here are far below 2^52).
#[allow(clippy::cast_precision_loss)]
pub(crate) fn to_f64(n: usize) -> f64 {
    n as f64
}
