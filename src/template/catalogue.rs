//! The built-in, read-only template catalogue (N4).

use crate::config::Channel;

use crate::ids::TemplateId;
use crate::text::Text;

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

/// Static text, shared by every notification without counting references.
const fn fixed(text: &'static &'static str) -> Text {
    Text::from_static(text)
}

/// The four templates of a channel labelled `$label`, whose work is called
/// `$what` in titles. Names and texts are static.
macro_rules! channel_templates {
    ($label:literal, $what:literal) => {
        [
            Template::new(TemplateId::from_static(&concat!(
                $label,
                " - incoming authenticated - default"
            )))
            .with_title(fixed(&concat!("Incoming ", $what)))
            .with_field(fixed(&"Customer"), fixed(&"{customerName}"))
            .with_field(fixed(&"Queue"), fixed(&"{queueId}")),
            Template::new(TemplateId::from_static(&concat!(
                $label,
                " - incoming unauthenticated - default"
            )))
            .with_title(fixed(&concat!("Incoming ", $what)))
            .with_field(fixed(&"Language"), fixed(&"{visitorLanguage}"))
            .with_field(fixed(&"Queue"), fixed(&"{queueId}")),
            Template::new(TemplateId::from_static(&concat!(
                $label,
                " - transfer - default"
            )))
            .with_title(fixed(&concat!($what, " transferred to you")))
            .with_field(fixed(&"Customer"), fixed(&"{customerName}")),
            Template::new(TemplateId::from_static(&concat!(
                $label,
                " - consult - default"
            )))
            .with_title(fixed(&concat!("Consult request: ", $what)))
            .with_field(fixed(&"Customer"), fixed(&"{customerName}")),
        ]
    };
}

/// Every built-in template (N4), in a fixed order.
pub fn builtin_templates() -> Vec<Template> {
    let channels = [
        channel_templates!("Chat", "Chat conversation"),
        channel_templates!("Custom messaging", "Custom messaging conversation"),
        channel_templates!("Facebook", "Facebook conversation"),
        channel_templates!("LINE", "LINE conversation"),
        channel_templates!("SMS", "SMS conversation"),
        channel_templates!("Teams", "Teams conversation"),
        channel_templates!("Twitter", "Twitter conversation"),
        channel_templates!("WeChat", "WeChat conversation"),
        channel_templates!("Voice call", "call"),
    ];
    let mut all: Vec<Template> = channels.into_iter().flatten().collect();
    all.push(
        Template::new(TemplateId::from_static(
            &"Voice call - supervisor assign - default",
        ))
        .with_title(fixed(&"A supervisor assigned you a call"))
        .with_field(fixed(&"Customer"), fixed(&"{customerName}"))
        .with_auto_assign(true, false),
    );
    all.push(
        Template::new(TemplateId::from_static(&RECORD_TEMPLATE))
            .with_title(fixed(&"New record assigned"))
            .with_field(fixed(&"Case"), fixed(&"{caseTitle}"))
            .with_field(fixed(&"Case number"), fixed(&"{caseId}"))
            .with_auto_assign(true, false),
    );
    all
}
