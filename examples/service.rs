//! switchboard inside a real async service (tokio, one thread): inputs
//! arrive as JSON lines on stdin, a timer sleeps until `poll_timeout`, and
//! every output leaves as a JSON line on stdout. The clock is the wall clock.
//!
//! ```text
//! cargo run --example service                                   # built-in config: chat, agents ada and bob
//! cargo run --example service -- --config examples/replay/config.json
//! ```
//!
//! Each input line is an `Input` as serde writes it, e.g.
//! `{"AgentSignedIn": {"agent": "ada"}}`. Each output line is
//! `{"at": …, "output": <Output>}`; a refused or unreadable line gives
//! `{"at": …, "error": "…"}` and the service carries on. Deadlines fire on
//! time with no input at all: leave an offer unanswered and its time-out,
//! the Inactive penalty and the reroute come out 120 s later. The service
//! stops at the end of stdin.

use std::process::ExitCode;
use std::time::{Duration, SystemTime};

use chrono::{DateTime, Utc};
use serde::Serialize;
use switchboard::{
    Agent, Channel, Config, Input, OrgSettings, Output, Queue, Switchboard, Workstream,
};
use tokio::io::{AsyncBufReadExt, AsyncWrite, AsyncWriteExt, BufReader};

/// One line of output.
#[derive(Serialize)]
struct Line<'a> {
    at: DateTime<Utc>,
    #[serde(skip_serializing_if = "Option::is_none")]
    output: Option<&'a Output>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

/// A small floor: one chat queue, two agents, the missed-notification rule on.
fn builtin_config() -> Config {
    Config {
        org: OrgSettings {
            missed_notification_rule: true,
            ..OrgSettings::default()
        },
        workstreams: vec![Workstream::new("chat", Channel::Chat)],
        queues: vec![Queue::new("support", ["ada".into(), "bob".into()])],
        agents: vec![Agent::new("ada"), Agent::new("bob")],
        ..Config::default()
    }
}

fn load_config() -> Result<Config, String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.as_slice() {
        [] => Ok(builtin_config()),
        [flag, path] if flag == "--config" => {
            let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
            serde_json::from_str(&text).map_err(|e| format!("{path}: {e}"))
        }
        _ => Err("usage: service [--config FILE.json] < inputs.jsonl".to_owned()),
    }
}

/// The engine and the clock readings it has seen.
struct Service {
    sb: Switchboard,
    /// The latest time given to the engine; the wall clock may step back, the engine's may not (D6).
    latest: DateTime<Utc>,
}

impl Service {
    fn now(&mut self) -> DateTime<Utc> {
        self.latest = self.latest.max(wall_clock());
        self.latest
    }

    /// Writes every pending output (driving contract: drain after each call).
    async fn drain(
        &mut self,
        out: &mut (impl AsyncWrite + Unpin),
        at: DateTime<Utc>,
    ) -> std::io::Result<()> {
        let mut text = String::new();
        while let Some(output) = self.sb.poll_output() {
            text += &line(at, Some(&output), None);
        }
        out.write_all(text.as_bytes()).await?;
        out.flush().await
    }

    async fn input(
        &mut self,
        out: &mut (impl AsyncWrite + Unpin),
        text: &str,
    ) -> std::io::Result<()> {
        let now = self.now();
        // Deadlines due by now fire first, so the input meets the state it would in real time.
        let ticked = self.sb.tick(now);
        self.drain(out, now).await?;
        let result = match (ticked, serde_json::from_str::<Input>(text)) {
            (Err(e), _) => Err(e.to_string()),
            (Ok(()), Err(e)) => Err(format!("not an input: {e}")),
            (Ok(()), Ok(input)) => self.sb.handle(now, input).map_err(|e| e.to_string()),
        };
        if let Err(error) = result {
            out.write_all(line(now, None, Some(error)).as_bytes())
                .await?;
        }
        self.drain(out, now).await
    }

    async fn tick(&mut self, out: &mut (impl AsyncWrite + Unpin)) -> std::io::Result<()> {
        let now = self.now();
        if let Err(e) = self.sb.tick(now) {
            out.write_all(line(now, None, Some(e.to_string())).as_bytes())
                .await?;
        }
        self.drain(out, now).await
    }
}

/// The wall clock as chrono time (the crate's chrono has no `clock` feature).
fn wall_clock() -> DateTime<Utc> {
    DateTime::from(SystemTime::now())
}

fn line(at: DateTime<Utc>, output: Option<&Output>, error: Option<String>) -> String {
    let mut text = serde_json::to_string(&Line { at, output, error }).unwrap_or_default();
    text.push('\n');
    text
}

/// Sleeps until the wall clock reaches `at`, or forever for `None`.
async fn sleep_until(at: Option<DateTime<Utc>>) {
    match at {
        Some(at) => {
            let left = (at - wall_clock()).to_std().unwrap_or(Duration::ZERO);
            tokio::time::sleep(left).await;
        }
        None => std::future::pending().await,
    }
}

async fn serve(config: Config) -> Result<(), String> {
    let sb = Switchboard::new(config).map_err(|e| format!("configuration: {e}"))?;
    let mut service = Service {
        sb,
        latest: wall_clock(),
    };
    let mut lines = BufReader::new(tokio::io::stdin()).lines();
    let mut out = tokio::io::stdout();
    loop {
        let wake_at = service.sb.poll_timeout();
        tokio::select! {
            line = lines.next_line() => match line {
                Ok(Some(text)) if text.trim().is_empty() => {}
                Ok(Some(text)) => service.input(&mut out, &text).await.map_err(|e| e.to_string())?,
                Ok(None) => return Ok(()),
                Err(e) => return Err(format!("stdin: {e}")),
            },
            () = sleep_until(wake_at) => service.tick(&mut out).await.map_err(|e| e.to_string())?,
        }
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let result = match load_config() {
        Ok(config) => serve(config).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("service: {e}");
            ExitCode::FAILURE
        }
    }
}
