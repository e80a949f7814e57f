//! The built-in, read-only template catalogue (N4).

use crate::config::Channel;

use super::{Scenario, Template};

/// Channel label used in built-in template names, e.g. `"Voice call"`.
fn channel_label(channel: Channel) -> Option<&'static str> {
    Some(match channel {
        Channel::Chat | Channel::PersistentChat => "Chat",
        Channel::CustomMessaging => "Custom messaging",
        Channel::Facebook => "Facebook",
        Channel::Line => "LINE",
        Channel::Sms => "SMS",
        Channel::Teams => "Teams",
        Channel::Twitter => "Twitter",
        Channel::WeChat => "WeChat",
        Channel::Voice => "Voice call",
        Channel::Record => return None,
    })
}

/// Name of the record-assignment template.
const RECORD_TEMPLATE: &str = "CDS entity - Default assigned";

/// Name of the built-in template a workstream of `channel` falls back to for
/// `scenario` (N5). Scenarios a channel has no template of its own for use
/// the nearest one: supervisor assign outside voice uses incoming
/// authenticated, escalation uses transfer.
pub(crate) fn builtin_name(channel: Channel, scenario: Scenario) -> String {
    let Some(label) = channel_label(channel) else {
        return RECORD_TEMPLATE.to_owned();
    };
    let suffix = match scenario {
        Scenario::IncomingUnauthenticated => "incoming unauthenticated",
        Scenario::Transfer | Scenario::Escalation => "transfer",
        Scenario::Consult => "consult",
        Scenario::SupervisorAssign if channel == Channel::Voice => "supervisor assign",
        Scenario::IncomingAuthenticated | Scenario::SupervisorAssign | Scenario::RecordAssigned => {
            "incoming authenticated"
        }
    };
    format!("{label} - {suffix} - default")
}

/// Every built-in template (N4), in a fixed order.
pub fn builtin_templates() -> Vec<Template> {
    const LABELS: [&str; 9] = [
        "Chat",
        "Custom messaging",
        "Facebook",
        "LINE",
        "SMS",
        "Teams",
        "Twitter",
        "WeChat",
        "Voice call",
    ];
    let mut all = Vec::with_capacity(LABELS.len() * 4 + 2);
    for label in LABELS {
        let what = if label == "Voice call" {
            "call".to_owned()
        } else {
            format!("{label} conversation")
        };
        all.push(
            Template::new(format!("{label} - incoming authenticated - default"))
                .with_title(format!("Incoming {what}"))
                .with_field("Customer", "{customerName}")
                .with_field("Queue", "{queueId}"),
        );
        all.push(
            Template::new(format!("{label} - incoming unauthenticated - default"))
                .with_title(format!("Incoming {what}"))
                .with_field("Language", "{visitorLanguage}")
                .with_field("Queue", "{queueId}"),
        );
        all.push(
            Template::new(format!("{label} - transfer - default"))
                .with_title(format!("{what} transferred to you"))
                .with_field("Customer", "{customerName}"),
        );
        all.push(
            Template::new(format!("{label} - consult - default"))
                .with_title(format!("Consult request: {what}"))
                .with_field("Customer", "{customerName}"),
        );
    }
    all.push(
        Template::new("Voice call - supervisor assign - default")
            .with_title("A supervisor assigned you a call")
            .with_field("Customer", "{customerName}")
            .with_auto_assign(true, false),
    );
    all.push(
        Template::new(RECORD_TEMPLATE)
            .with_title("New record assigned")
            .with_field("Case", "{caseTitle}")
            .with_field("Case number", "{caseId}")
            .with_auto_assign(true, false),
    );
    all
}
