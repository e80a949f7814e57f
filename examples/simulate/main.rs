//! A seeded, simulated day of a contact center, driven through switchboard.
//!
//! ```sh
//! cargo run --release --example simulate                 # the built-in 8-hour day, 150 agents
//! cargo run --release --example simulate -- --ideal      # M/M/c, checked against Erlang C
//! cargo run --release --example simulate -- --help       # every flag
//! ```
//!
//! The world (customers, agents, the clock) lives in `world.rs`; the day it
//! simulates is a serde `Scenario` (`scenario.rs`); `report.rs` turns the
//! counts into the report and `chart.rs` draws `--svg`. The same seed gives
//! the same report, wall-time figures aside.

mod chart;
mod report;
mod scenario;
mod world;

use std::io::IsTerminal;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::report::{Report, Timing};
use crate::scenario::{Overrides, Scenario};

const USAGE: &str = "\
Simulate a day of a contact center through switchboard and report what happened.

Usage: cargo run --release --example simulate -- [OPTIONS]

Options:
  --scenario FILE.json    run this scenario instead of the built-in day
  --print-scenario        print the scenario that would run, as JSON, and exit
  --seed N                random seed (default 7); one seed, one report
  --agents N              agents in all (the scenario's groups keep their shares)
  --hours H               hours of arrivals
  --arrivals-per-hour X   mean arrivals per hour, all workstreams together
  --aht-secs S            mean handle time in seconds, all workstreams together
  --ideal                 the textbook M/M/c queue: one voice queue, one call per
                          agent, Poisson arrivals, exponential handle times, agents
                          who answer at once; the report adds the Erlang C prediction
                          (defaults: 50 agents, 540 arrivals/h, 300 s, 100 h)
  --json                  print one JSON object instead of text
  --no-timing             leave the wall-time figures out (to compare runs)
  --svg FILE              write a chart of the day (waiting items, agents per presence)
  -h, --help              print this help";

/// `--ideal` runs this long unless told: one 8-hour day is too short a
/// sample for waits at 90 % occupancy to settle near their long-run values.
const IDEAL_HOURS: f64 = 100.0;

/// What the command line asked for.
#[allow(clippy::struct_excessive_bools)] // one per on/off flag
#[derive(Debug, Default)]
struct Args {
    scenario: Option<String>,
    print_scenario: bool,
    seed: u64,
    overrides: Overrides,
    ideal: bool,
    json: bool,
    no_timing: bool,
    svg: Option<String>,
}

fn parse_args() -> Result<Option<Args>, String> {
    let mut args = Args {
        seed: 7,
        ..Args::default()
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "-h" | "--help" => return Ok(None),
            "--scenario" => args.scenario = Some(value()?),
            "--print-scenario" => args.print_scenario = true,
            "--seed" => args.seed = number(&flag, &value()?)?,
            "--agents" => args.overrides.agents = Some(number(&flag, &value()?)?),
            "--hours" => args.overrides.hours = Some(positive(&flag, &value()?)?),
            "--arrivals-per-hour" => {
                args.overrides.arrivals_per_hour = Some(positive(&flag, &value()?)?);
            }
            "--aht-secs" => args.overrides.aht_secs = Some(positive(&flag, &value()?)?),
            "--ideal" => args.ideal = true,
            "--json" => args.json = true,
            "--no-timing" => args.no_timing = true,
            "--svg" => args.svg = Some(value()?),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    if args.ideal && args.scenario.is_some() {
        return Err("--ideal and --scenario exclude each other".to_owned());
    }
    Ok(Some(args))
}

fn number<T: std::str::FromStr>(flag: &str, text: &str) -> Result<T, String> {
    text.parse()
        .map_err(|_| format!("{flag} wants a whole number, not {text:?}"))
}

fn positive(flag: &str, text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(x) if x.is_finite() && x > 0.0 => Ok(x),
        _ => Err(format!("{flag} wants a number above 0, not {text:?}")),
    }
}

/// The scenario the flags describe.
fn scenario(args: &Args) -> Result<Scenario, String> {
    if args.ideal {
        let o = args.overrides;
        return Ok(Scenario::ideal(
            o.agents.unwrap_or(50),
            o.hours.unwrap_or(IDEAL_HOURS),
            o.arrivals_per_hour.unwrap_or(540.0),
            o.aht_secs.unwrap_or(300.0),
        ));
    }
    let mut scenario = match &args.scenario {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
            serde_json::from_str(&text).map_err(|e| format!("{path}: {e}"))?
        }
        None => Scenario::builtin(),
    };
    scenario.apply(args.overrides);
    Ok(scenario)
}

/// A progress bar on stderr that shows itself only once a run has taken
/// 2 s, and never with `--json` or when stderr is not a terminal.
struct Progress {
    bar: ProgressBar,
    started: Instant,
    allowed: bool,
}

impl Progress {
    fn new(allowed: bool) -> Self {
        Self {
            bar: ProgressBar::hidden(),
            started: Instant::now(),
            allowed,
        }
    }

    fn update(&mut self, done: f64, total: f64) {
        if !self.allowed {
            return;
        }
        if self.bar.is_hidden() {
            if self.started.elapsed() < Duration::from_secs(2) {
                return;
            }
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
            if let Ok(style) = ProgressStyle::with_template("{bar:40} {msg} ({elapsed})") {
                self.bar.set_style(style);
            }
            self.bar.set_length(1000);
        }
        let fraction = if total > 0.0 { done / total } else { 1.0 };
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        self.bar
            .set_position((fraction.clamp(0.0, 1.0) * 1000.0) as u64);
        self.bar
            .set_message(format!("{done:.1} of at most {total:.1} simulated hours"));
    }
}

fn run(args: &Args) -> Result<(), String> {
    let scenario = scenario(args)?;
    if args.print_scenario {
        let json = serde_json::to_string_pretty(&scenario).map_err(|e| e.to_string())?;
        println!("{json}");
        return Ok(());
    }
    let mut progress = Progress::new(!args.json && std::io::stderr().is_terminal());
    let outcome = world::simulate(&scenario, args.seed, &mut |done, total| {
        progress.update(done, total);
    })?;
    progress.bar.finish_and_clear();
    let report = Report::build(&scenario, args.seed, args.ideal, &outcome.tally);
    let timing = Timing::new(outcome.tally.inputs, outcome.wall, outcome.engine);
    let timing = (!args.no_timing).then_some(&timing);
    if args.json {
        println!("{}", report.to_json(timing));
    } else {
        print!("{}", report.to_text(timing));
    }
    if let Some(path) = &args.svg {
        let title = format!("{}, seed {}", scenario.name, args.seed);
        chart::write_svg(path, &outcome.samples, &title, scenario.hours)?;
        if !args.json {
            println!("chart written to {path}");
        }
    }
    Ok(())
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(Some(args)) => args,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("simulate: {e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("simulate: {e}");
            ExitCode::FAILURE
        }
    }
}
