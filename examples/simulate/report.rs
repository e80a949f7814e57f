//! What a run counted, and the report made from it: text for people, one
//! JSON object for scripts. Everything but the `timing` part depends only on
//! the scenario and the seed, so two runs with one seed print it byte for
//! byte alike. In `--ideal` mode the report carries the Erlang C prediction
//! for the same M/M/c queue next to what was measured.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::time::Duration;

use indexmap::IndexMap;
use serde::Serialize;

use crate::scenario::{Scenario, to_f64};

/// Counts by name (error variants, reasons), in name order.
pub(crate) type Counts = BTreeMap<String, u64>;

/// Service level threshold, in seconds.
const SERVICE_LEVEL_SECS: f64 = 20.0;

/// Presence penalties or alerts, by kind.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize)]
pub(crate) struct Kinds {
    /// Missed notification (T2): presence Inactive.
    pub(crate) missed_notification: u64,
    /// Agent reject (T4): presence Busy - DND.
    pub(crate) rejected: u64,
    /// Session limit (S2): presence Busy - DND.
    pub(crate) session_limit: u64,
}

/// Where every item ended: each is in exactly one of these.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize)]
pub(crate) struct Outcomes {
    /// Accepted by an agent at least once.
    pub(crate) served: u64,
    /// Closed before any agent accepted it (customer left, or auto-closed).
    pub(crate) abandoned: u64,
    /// Never accepted, parked after too many declines (T6), still open.
    pub(crate) parked: u64,
    /// Never accepted, still waiting when the run stopped.
    pub(crate) waiting: u64,
}

impl Outcomes {
    /// Their sum: every item, when nothing was lost.
    pub(crate) fn total(&self) -> u64 {
        self.served + self.abandoned + self.parked + self.waiting
    }
}

/// Counts for one workstream.
#[derive(Debug, Default, Clone)]
pub(crate) struct WorkstreamTally {
    pub(crate) items: u64,
    pub(crate) served: u64,
    pub(crate) abandoned: u64,
}

/// Raw counts and durations from one run.
#[derive(Debug, Default)]
pub(crate) struct Tally {
    pub(crate) items: u64,
    pub(crate) offered: u64,
    pub(crate) accepted: u64,
    pub(crate) rejected: u64,
    pub(crate) expired: u64,
    pub(crate) assigned_unseen: u64,
    pub(crate) unseen_reroutes: u64,
    pub(crate) session_limit_hits: u64,
    pub(crate) rerouted: Counts,
    pub(crate) parked: u64,
    pub(crate) abandoned: u64,
    pub(crate) abandoned_by_reason: Counts,
    pub(crate) penalties: Kinds,
    pub(crate) alerts: Kinds,
    /// Workstream and wait in seconds of every item's first acceptance.
    pub(crate) waits: Vec<(u16, f64)>,
    pub(crate) by_workstream: Vec<WorkstreamTally>,
    pub(crate) presence_names: Vec<String>,
    /// Agent time per presence within the day, in ns.
    pub(crate) presence_ns: Vec<i64>,
    /// Agent time with at least one conversation, within the day.
    pub(crate) busy_ns: i64,
    /// Agent time busy or in a presence other than Away and Offline, within the day.
    pub(crate) staffed_ns: i64,
    pub(crate) day_ns: i64,
    pub(crate) end_ns: i64,
    pub(crate) agent_count: usize,
    pub(crate) outcomes: Outcomes,
    pub(crate) in_conversation_at_end: u64,
    /// Items the engine reports as not closed when the run stopped.
    pub(crate) open_at_end: u64,
    /// A tick left its deadline pending, and the run stopped there.
    pub(crate) stuck_deadline: bool,
    /// Calls to `handle` and `tick`.
    pub(crate) inputs: u64,
    pub(crate) refused: Counts,
}

/// Waits of a set of accepted items.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub(crate) struct WaitStats {
    /// Items accepted.
    pub(crate) served: u64,
    /// Mean wait from arrival to acceptance, in seconds.
    pub(crate) mean_wait_secs: f64,
    /// Median wait.
    pub(crate) p50_wait_secs: f64,
    /// 90th percentile.
    pub(crate) p90_wait_secs: f64,
    /// 99th percentile.
    pub(crate) p99_wait_secs: f64,
    /// Share that waited more than zero.
    pub(crate) waited_fraction: f64,
    /// Share accepted within 20 s of arrival.
    pub(crate) service_level_20s: f64,
}

impl WaitStats {
    fn of(mut waits: Vec<f64>) -> Self {
        if waits.is_empty() {
            return Self::default();
        }
        waits.sort_by(f64::total_cmp);
        let n = to_f64(waits.len());
        // Nearest rank.
        let pct = |p: f64| {
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let rank = (p * n).ceil() as usize;
            waits[rank.clamp(1, waits.len()) - 1]
        };
        let share = |f: &dyn Fn(f64) -> bool| to_f64(waits.iter().filter(|&&w| f(w)).count()) / n;
        Self {
            served: waits.len() as u64,
            mean_wait_secs: round(waits.iter().sum::<f64>() / n, 3),
            p50_wait_secs: round(pct(0.50), 3),
            p90_wait_secs: round(pct(0.90), 3),
            p99_wait_secs: round(pct(0.99), 3),
            waited_fraction: round(share(&|w| w > 0.0), 4),
            service_level_20s: round(share(&|w| w <= SERVICE_LEVEL_SECS), 4),
        }
    }
}

/// One workstream's line.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct WorkstreamReport {
    pub(crate) id: String,
    pub(crate) items: u64,
    pub(crate) abandoned: u64,
    #[serde(flatten)]
    pub(crate) wait: WaitStats,
}

/// Erlang C for M/M/c: the textbook answer for `--ideal` runs.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub(crate) struct ErlangC {
    pub(crate) agents: usize,
    pub(crate) arrivals_per_hour: f64,
    pub(crate) aht_secs: f64,
    /// λ × mean handle time.
    pub(crate) offered_load_erlangs: f64,
    /// Offered load per agent: the long-run occupancy.
    pub(crate) utilisation: f64,
    /// Probability that an arrival waits (Erlang C); `null` when the queue is unstable.
    pub(crate) p_wait: Option<f64>,
    /// Mean wait over all arrivals.
    pub(crate) mean_wait_secs: Option<f64>,
    /// Share answered within 20 s.
    pub(crate) service_level_20s: Option<f64>,
}

impl ErlangC {
    /// The prediction for `c` agents, `arrivals_per_hour` Poisson arrivals and
    /// exponential handle times with mean `aht_secs`.
    pub(crate) fn predict(c: usize, arrivals_per_hour: f64, aht_secs: f64) -> Self {
        let load = arrivals_per_hour / 3600.0 * aht_secs;
        let agents = to_f64(c);
        let mut out = Self {
            agents: c,
            arrivals_per_hour,
            aht_secs,
            offered_load_erlangs: round(load, 4),
            utilisation: round(if c > 0 { load / agents } else { f64::NAN }, 4),
            p_wait: None,
            mean_wait_secs: None,
            service_level_20s: None,
        };
        if c == 0 || load >= agents || aht_secs <= 0.0 {
            return out;
        }
        // Erlang B by its stable recursion, then Erlang C from it.
        let mut b = 1.0;
        for k in 1..=c {
            b = load * b / (to_f64(k) + load * b);
        }
        let p_wait = agents * b / (agents - load * (1.0 - b));
        out.p_wait = Some(round(p_wait, 4));
        out.mean_wait_secs = Some(round(p_wait * aht_secs / (agents - load), 3));
        out.service_level_20s = Some(round(
            1.0 - p_wait * (-(agents - load) * SERVICE_LEVEL_SECS / aht_secs).exp(),
            4,
        ));
        out
    }
}

/// The report: everything but wall time, so it is the same for one seed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct Report {
    pub(crate) scenario: String,
    pub(crate) mode: &'static str,
    pub(crate) seed: u64,
    pub(crate) start: String,
    pub(crate) hours: f64,
    pub(crate) simulated_hours: f64,
    pub(crate) agents: usize,
    pub(crate) workstreams: Vec<String>,
    pub(crate) items: u64,
    pub(crate) offered: u64,
    pub(crate) accepted: u64,
    pub(crate) rejected: u64,
    pub(crate) expired: u64,
    pub(crate) assigned_unseen: u64,
    pub(crate) unseen_reroutes: u64,
    pub(crate) rerouted: u64,
    pub(crate) rerouted_by_reason: Counts,
    pub(crate) parked: u64,
    pub(crate) abandoned: u64,
    pub(crate) abandoned_by_reason: Counts,
    pub(crate) penalties: Kinds,
    pub(crate) alerts: Kinds,
    pub(crate) session_limit_hits: u64,
    pub(crate) outcomes: Outcomes,
    pub(crate) in_conversation_at_end: u64,
    pub(crate) open_at_end: u64,
    #[serde(flatten)]
    pub(crate) wait: WaitStats,
    pub(crate) occupancy: f64,
    pub(crate) presence_share: IndexMap<String, f64>,
    pub(crate) by_workstream: Vec<WorkstreamReport>,
    pub(crate) inputs: u64,
    pub(crate) refused_inputs: Counts,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) erlang_c: Option<ErlangC>,
}

/// Wall time: the one part that changes from run to run.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub(crate) struct Timing {
    pub(crate) wall_secs: f64,
    pub(crate) engine_secs: f64,
    /// Share of the wall time spent inside the engine.
    pub(crate) engine_share: f64,
    /// Inputs (`handle` and `tick` calls) per second of wall time.
    pub(crate) inputs_per_sec: u64,
    /// Inputs per second of engine time.
    pub(crate) engine_inputs_per_sec: u64,
}

impl Timing {
    /// Throughput of `inputs` in the given times.
    pub(crate) fn new(inputs: u64, wall: Duration, engine: Duration) -> Self {
        let wall = wall.as_secs_f64().max(1e-9);
        let engine = engine.as_secs_f64().max(1e-9);
        #[allow(clippy::cast_precision_loss)]
        let inputs = inputs as f64;
        Self {
            wall_secs: round(wall, 4),
            engine_secs: round(engine, 4),
            engine_share: round(engine / wall, 3),
            inputs_per_sec: inputs_per(inputs, wall),
            engine_inputs_per_sec: inputs_per(inputs, engine),
        }
    }
}

fn inputs_per(inputs: f64, secs: f64) -> u64 {
    // Positive and far below 2^64.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let rate = (inputs / secs).round() as u64;
    rate
}

fn round(x: f64, digits: i32) -> f64 {
    let k = 10f64.powi(digits);
    (x * k).round() / k
}

#[allow(clippy::cast_precision_loss)]
fn share(part: i64, whole: i64) -> f64 {
    if whole <= 0 {
        0.0
    } else {
        round(part as f64 / whole as f64, 4)
    }
}

impl Report {
    /// The report of a run of `scenario` with `seed`.
    #[allow(clippy::cast_precision_loss)] // nanoseconds to hours, for display
    pub(crate) fn build(scenario: &Scenario, seed: u64, ideal: bool, t: &Tally) -> Self {
        let waits = |w: Option<u16>| {
            WaitStats::of(
                t.waits
                    .iter()
                    .filter(|(ws, _)| w.is_none_or(|w| *ws == w))
                    .map(|&(_, secs)| secs)
                    .collect(),
            )
        };
        let wait = waits(None);
        let agent_ns = t
            .day_ns
            .saturating_mul(i64::try_from(t.agent_count).unwrap_or(0));
        let erlang_c = ideal.then(|| {
            ErlangC::predict(
                scenario.agent_count(),
                scenario.arrivals_per_hour(),
                scenario.aht_secs(),
            )
        });
        Report {
            scenario: scenario.name.clone(),
            mode: if ideal { "ideal" } else { "scenario" },
            seed,
            start: scenario
                .start
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            hours: scenario.hours,
            simulated_hours: round(t.end_ns as f64 / 3.6e12, 3),
            agents: t.agent_count,
            workstreams: scenario.workstreams.iter().map(|w| w.id.clone()).collect(),
            items: t.items,
            offered: t.offered,
            accepted: t.accepted,
            rejected: t.rejected,
            expired: t.expired,
            assigned_unseen: t.assigned_unseen,
            unseen_reroutes: t.unseen_reroutes,
            rerouted: t.rerouted.values().sum(),
            rerouted_by_reason: t.rerouted.clone(),
            parked: t.parked,
            abandoned: t.abandoned,
            abandoned_by_reason: t.abandoned_by_reason.clone(),
            penalties: t.penalties,
            alerts: t.alerts,
            session_limit_hits: t.session_limit_hits,
            outcomes: t.outcomes,
            in_conversation_at_end: t.in_conversation_at_end,
            open_at_end: t.open_at_end,
            wait,
            occupancy: share(t.busy_ns, t.staffed_ns),
            presence_share: t
                .presence_names
                .iter()
                .zip(&t.presence_ns)
                .map(|(name, &ns)| (name.clone(), share(ns, agent_ns)))
                .collect(),
            by_workstream: scenario
                .workstreams
                .iter()
                .zip(&t.by_workstream)
                .zip(0u16..)
                .map(|((spec, counts), w)| WorkstreamReport {
                    id: spec.id.clone(),
                    items: counts.items,
                    abandoned: counts.abandoned,
                    wait: waits(Some(w)),
                })
                .collect(),
            inputs: t.inputs,
            refused_inputs: t.refused.clone(),
            erlang_c,
        }
    }

    /// One JSON object; with `timing`, its wall-time figures under `"timing"`.
    pub(crate) fn to_json(&self, timing: Option<&Timing>) -> String {
        #[derive(Serialize)]
        struct WithTiming<'a> {
            #[serde(flatten)]
            report: &'a Report,
            #[serde(skip_serializing_if = "Option::is_none")]
            timing: Option<&'a Timing>,
        }
        serde_json::to_string_pretty(&WithTiming {
            report: self,
            timing,
        })
        .unwrap_or_default()
    }

    /// The report for people.
    pub(crate) fn to_text(&self, timing: Option<&Timing>) -> String {
        let mut s = String::new();
        let written = self
            .write_work(&mut s)
            .and_then(|()| self.write_waits(&mut s))
            .and_then(|()| self.write_agents(&mut s))
            .and_then(|()| self.write_engine(&mut s, timing));
        debug_assert!(written.is_ok(), "writing to a String cannot fail");
        s
    }

    fn write_work(&self, s: &mut String) -> std::fmt::Result {
        writeln!(
            s,
            "switchboard simulate: {} ({}), seed {}",
            self.scenario, self.mode, self.seed
        )?;
        writeln!(
            s,
            "  {} h of arrivals from {}, {} agents, workstreams {}; ran {:.2} h of simulated time",
            self.hours,
            self.start,
            self.agents,
            self.workstreams.join(", "),
            self.simulated_hours
        )?;
        let none = Counts::new();
        writeln!(s, "\nwork")?;
        for (label, n, by) in [
            ("items arrived", self.items, &none),
            ("offered (notifications)", self.offered, &none),
            ("accepted", self.accepted, &none),
            ("rejected", self.rejected, &none),
            ("expired (seen, not answered)", self.expired, &none),
            ("assigned unseen", self.assigned_unseen, &none),
            ("unseen reroutes", self.unseen_reroutes, &none),
            ("rerouted", self.rerouted, &self.rerouted_by_reason),
            ("parked", self.parked, &none),
            ("abandoned", self.abandoned, &self.abandoned_by_reason),
            ("session-limit hits", self.session_limit_hits, &none),
        ] {
            row(s, label, n, by)?;
        }
        let o = &self.outcomes;
        writeln!(
            s,
            "  every item once: {} served + {} abandoned + {} parked + {} waiting at end = {} of {}",
            o.served,
            o.abandoned,
            o.parked,
            o.waiting,
            o.total(),
            self.items
        )?;
        writeln!(s, "\npresence penalties")?;
        let p = &self.penalties;
        row(
            s,
            "missed notification -> Inactive",
            p.missed_notification,
            &none,
        )?;
        row(s, "agent reject -> Busy - DND", p.rejected, &none)?;
        row(s, "session limit -> Busy - DND", p.session_limit, &none)
    }

    fn write_waits(&self, s: &mut String) -> std::fmt::Result {
        let w = &self.wait;
        writeln!(s, "\nwait from arrival to acceptance")?;
        writeln!(
            s,
            "  mean {:.1} s   p50 {:.1} s   p90 {:.1} s   p99 {:.1} s",
            w.mean_wait_secs, w.p50_wait_secs, w.p90_wait_secs, w.p99_wait_secs
        )?;
        writeln!(
            s,
            "  waited at all {}   accepted within 20 s {}",
            pct(w.waited_fraction),
            pct(w.service_level_20s)
        )?;
        writeln!(
            s,
            "  {:<10}{:>8}{:>8}{:>10}{:>11}{:>10}{:>9}",
            "", "items", "served", "abandoned", "mean wait", "p90 wait", "<= 20 s"
        )?;
        for ws in &self.by_workstream {
            writeln!(
                s,
                "  {:<10}{:>8}{:>8}{:>10}{:>9.1} s{:>8.1} s{:>9}",
                ws.id,
                ws.items,
                ws.wait.served,
                ws.abandoned,
                ws.wait.mean_wait_secs,
                ws.wait.p90_wait_secs,
                pct(ws.wait.service_level_20s)
            )?;
        }
        Ok(())
    }

    fn write_agents(&self, s: &mut String) -> std::fmt::Result {
        writeln!(s, "\nagents, over the {} h of arrivals", self.hours)?;
        writeln!(
            s,
            "  occupancy {} (time with a conversation, of time not Away or Offline)",
            pct(self.occupancy)
        )?;
        let shares: Vec<String> = self
            .presence_share
            .iter()
            .map(|(name, &x)| format!("{name} {}", pct(x)))
            .collect();
        writeln!(s, "  time per presence: {}", shares.join(", "))?;
        if let Some(c) = &self.erlang_c {
            write_erlang(s, c, self)?;
        }
        Ok(())
    }

    fn write_engine(&self, s: &mut String, timing: Option<&Timing>) -> std::fmt::Result {
        let refused = if self.refused_inputs.is_empty() {
            "none".to_owned()
        } else {
            list(&self.refused_inputs)
        };
        writeln!(s, "\nengine")?;
        writeln!(
            s,
            "  {} inputs (handle and tick); refused: {refused}",
            self.inputs
        )?;
        if let Some(t) = timing {
            writeln!(
                s,
                "  {:.3} s wall, {:.3} s of it in the engine ({:.0} %)",
                t.wall_secs,
                t.engine_secs,
                t.engine_share * 100.0,
            )?;
            writeln!(
                s,
                "  {} inputs/s of wall time, {} inputs/s of engine time",
                t.inputs_per_sec, t.engine_inputs_per_sec
            )?;
        }
        Ok(())
    }
}

/// `  label      42   (Reason 40, Other 2)`.
fn row(s: &mut String, label: &str, n: u64, by: &Counts) -> std::fmt::Result {
    if by.is_empty() {
        writeln!(s, "  {label:<33}{n:>7}")
    } else {
        writeln!(s, "  {label:<33}{n:>7}   ({})", list(by))
    }
}

fn pct(x: f64) -> String {
    format!("{:.1} %", x * 100.0)
}

/// `Expired 125, Rejected 161`.
fn list(counts: &Counts) -> String {
    let parts: Vec<String> = counts.iter().map(|(k, v)| format!("{k} {v}")).collect();
    parts.join(", ")
}

fn write_erlang(s: &mut String, c: &ErlangC, r: &Report) -> std::fmt::Result {
    writeln!(
        s,
        "\nqueueing theory (M/M/c, Erlang C): c = {}, lambda = {}/h, mean handle {} s, load {:.2} erlangs",
        c.agents, c.arrivals_per_hour, c.aht_secs, c.offered_load_erlangs
    )?;
    let opt = |x: Option<f64>, f: &dyn Fn(f64) -> String| x.map_or("unstable".to_owned(), f);
    let secs = |x: f64| format!("{x:.1} s");
    writeln!(s, "  {:<28}{:>12}{:>12}", "", "predicted", "measured")?;
    let rows = [
        (
            "P(wait > 0)",
            opt(c.p_wait, &pct),
            pct(r.wait.waited_fraction),
        ),
        (
            "mean wait",
            opt(c.mean_wait_secs, &secs),
            secs(r.wait.mean_wait_secs),
        ),
        (
            "accepted within 20 s",
            opt(c.service_level_20s, &pct),
            pct(r.wait.service_level_20s),
        ),
        ("occupancy", pct(c.utilisation), pct(r.occupancy)),
    ];
    for (label, predicted, measured) in rows {
        writeln!(s, "  {label:<28}{predicted:>12}{measured:>12}")?;
    }
    Ok(())
}
