//! Replays a JSON-lines input log through the engine and prints every
//! output as a JSON line.
//!
//! ```text
//! cargo run --example replay -- --config examples/replay/config.json examples/replay/inputs.jsonl
//! ```
//!
//! Each input line is `{"at": "<RFC 3339>", "input": <Input>}` or
//! `{"at": "<RFC 3339>", "tick": true}`; blank lines are skipped. Before each
//! line, deadlines due by then fire at their own times. Each output line is
//! `{"at": …, "output": <Output>}`, each refused line
//! `{"at": …, "error": "…"}`, and the replay carries on.

use std::io::{BufRead, BufReader, Read, Write};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use switchboard::{Config, Input, Output, Switchboard};

/// One line of the input log.
#[derive(Deserialize)]
struct Line {
    at: DateTime<Utc>,
    #[serde(default)]
    input: Option<Input>,
    #[serde(default)]
    tick: bool,
}

/// One line of the output log.
#[derive(Serialize)]
struct Event<'a> {
    at: DateTime<Utc>,
    #[serde(skip_serializing_if = "Option::is_none")]
    output: Option<&'a Output>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

fn emit(
    out: &mut impl Write,
    at: DateTime<Utc>,
    output: Option<&Output>,
    error: Option<String>,
) -> std::io::Result<()> {
    let line = serde_json::to_string(&Event { at, output, error })?;
    writeln!(out, "{line}")
}

fn drain(sb: &mut Switchboard, out: &mut impl Write, at: DateTime<Utc>) -> std::io::Result<()> {
    while let Some(output) = sb.poll_output() {
        emit(out, at, Some(&output), None)?;
    }
    Ok(())
}

/// Fires every deadline due at or before `until`, each at its own time.
fn advance(
    sb: &mut Switchboard,
    out: &mut impl Write,
    until: DateTime<Utc>,
) -> std::io::Result<()> {
    while let Some(deadline) = sb.poll_timeout().filter(|d| *d <= until) {
        if let Err(e) = sb.tick(deadline) {
            return emit(out, deadline, None, Some(e.to_string()));
        }
        drain(sb, out, deadline)?;
    }
    Ok(())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (mut config_path, mut log_path) = (None, None);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--config" => config_path = args.next(),
            _ => log_path = Some(arg),
        }
    }
    let config_path = config_path
        .ok_or("usage: replay --config CONFIG.json [LOG.jsonl]  (log defaults to stdin)")?;
    let config: Config = serde_json::from_str(&std::fs::read_to_string(&config_path)?)?;
    let mut sb = Switchboard::new(config)?;
    let reader: Box<dyn Read> = match log_path {
        Some(path) => Box::new(std::fs::File::open(path)?),
        None => Box::new(std::io::stdin()),
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for (number, text) in BufReader::new(reader).lines().enumerate() {
        let text = text?;
        if text.trim().is_empty() {
            continue;
        }
        let line: Line = match serde_json::from_str(&text) {
            Ok(line) => line,
            Err(e) => {
                writeln!(
                    out,
                    "{}",
                    serde_json::json!({ "line": number + 1, "error": format!("unreadable line: {e}") })
                )?;
                continue;
            }
        };
        advance(&mut sb, &mut out, line.at)?;
        let result = match (line.input, line.tick) {
            (Some(input), _) => sb.handle(line.at, input),
            (None, true) => sb.tick(line.at),
            (None, false) => {
                emit(
                    &mut out,
                    line.at,
                    None,
                    Some("a line needs \"input\" or \"tick\": true".into()),
                )?;
                continue;
            }
        };
        match result {
            Ok(()) => drain(&mut sb, &mut out, line.at)?,
            Err(e) => emit(&mut out, line.at, None, Some(e.to_string()))?,
        }
    }
    out.flush()?;
    Ok(())
}
