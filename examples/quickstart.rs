//! The driving loop in brief: one agent, one chat, a missed notification,
//! then an accepted one. Run with `cargo run --example quickstart`.

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use switchboard::{
    Agent, Channel, Config, Input, OrgSettings, Output, Queue, Switchboard, WorkItem, Workstream,
};

/// Drains every queued output, printing each with the time it arose.
fn drain(sb: &mut Switchboard, now: DateTime<Utc>) -> Vec<Output> {
    let mut outputs = Vec::new();
    while let Some(output) = sb.poll_output() {
        println!(
            "{}  {}",
            now.format("%H:%M:%S"),
            serde_json::to_string(&output).unwrap_or_default()
        );
        outputs.push(output);
    }
    outputs
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let config = Config {
        org: OrgSettings {
            missed_notification_rule: true,
            ..OrgSettings::default()
        },
        workstreams: vec![Workstream::new("chat", Channel::Chat)],
        queues: vec![Queue::new("support", ["ada".into(), "bob".into()])],
        agents: vec![Agent::new("ada"), Agent::new("bob")],
        ..Config::default()
    };
    let mut sb = Switchboard::new(config)?;
    let mut now = Utc
        .with_ymd_and_hms(2026, 11, 24, 9, 0, 0)
        .single()
        .ok_or("bad start time")?;

    sb.handle(
        now,
        Input::AgentSignedIn {
            agent: "ada".into(),
        },
    )?;
    drain(&mut sb, now);
    sb.handle(
        now,
        Input::WorkArrived(Box::new(WorkItem::new("chat-1", "chat", "support"))),
    )?;
    let first = drain(&mut sb, now);

    // Ada's client shows the notification, but she does not answer.
    if let Some(Output::Notify(n)) = first.iter().find(|o| matches!(o, Output::Notify(_))) {
        sb.handle(now, Input::NotificationDisplayed { notification: n.id })?;
    }

    // Bob signs in a minute later; nothing is offered to him yet.
    now += TimeDelta::seconds(60);
    sb.handle(
        now,
        Input::AgentSignedIn {
            agent: "bob".into(),
        },
    )?;
    drain(&mut sb, now);

    // Sleep until the next deadline: Ada's offer expires, she turns
    // Inactive, and the chat goes to Bob, who accepts after five seconds.
    while let Some(wake) = sb.poll_timeout() {
        now = wake;
        sb.tick(now)?;
        let outputs = drain(&mut sb, now);
        let offer_to_bob = outputs.iter().find_map(|o| match o {
            Output::Notify(n) if n.agent.as_str() == "bob" => Some(n.id),
            _ => None,
        });
        if let Some(id) = offer_to_bob {
            now += TimeDelta::seconds(5);
            sb.handle(now, Input::NotificationDisplayed { notification: id })?;
            sb.handle(now, Input::Accept { notification: id })?;
            drain(&mut sb, now);
        }
    }
    Ok(())
}
