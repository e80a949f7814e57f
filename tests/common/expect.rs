//! Builders for the outputs the tests expect. Agents, items and presences
//! are given as text; notification and session ids as numbers; deadlines as
//! seconds since `t0`.

use switchboard::{
    AlertKind, DEFAULT_ICON, Notification, NotificationEnd, NotificationId, NotificationKind,
    Output, Overage, PresenceReason, RenderedField, RerouteReason, Scenario, SessionId, ShortList,
    WorkItemId, presences,
};

use super::at;

/// The built-in chat template for unauthenticated customers.
pub const CHAT_UNAUTH: &str = "Chat - incoming unauthenticated - default";

/// Notification `id`.
pub fn n(id: u64) -> NotificationId {
    NotificationId(id)
}

/// Rendered fields from `(header, value)` pairs.
pub fn fields(pairs: &[(&str, &str)]) -> ShortList<RenderedField, 4> {
    pairs
        .iter()
        .map(|(header, value)| RenderedField {
            header: (*header).into(),
            value: (*value).into(),
        })
        .collect()
}

/// An Alert for `ada` from `template` with every template setting at its
/// default and nothing rendered; adjust the rest with struct update syntax.
pub fn template_alert(id: u64, item: &str, template: &str, deadline: i64) -> Notification {
    Notification {
        id: n(id),
        agent: "ada".into(),
        item: item.into(),
        kind: NotificationKind::Alert,
        scenario: Scenario::IncomingUnauthenticated,
        template: template.into(),
        title: String::new().into(),
        fields: ShortList::new(),
        unresolved: ShortList::new(),
        accept_label: "Accept".into(),
        reject_label: Some("Reject".into()),
        deadline: at(deadline),
        show_countdown: true,
        icon: DEFAULT_ICON.into(),
        desktop: None,
    }
}

/// The Alert the built-in unauthenticated chat template renders for `item`
/// of queue `q`.
pub fn chat_notification(id: u64, agent: &str, item: &str, deadline: i64) -> Notification {
    Notification {
        agent: agent.into(),
        title: "Incoming Chat conversation".into(),
        fields: fields(&[("Language", ""), ("Queue", "q")]),
        unresolved: vec!["visitorLanguage".into()].into(),
        ..template_alert(id, item, CHAT_UNAUTH, deadline)
    }
}

/// The `Notify` of [`chat_notification`].
pub fn chat_alert(id: u64, agent: &str, item: &str, deadline: i64) -> Output {
    Output::Notify(Box::new(chat_notification(id, agent, item, deadline)))
}

/// `NotificationEnded` for notification `id` (to `agent`, for `item`).
pub fn ended(id: u64, agent: &str, item: &str, how: NotificationEnd) -> Output {
    Output::NotificationEnded {
        notification: n(id),
        agent: agent.into(),
        item: item.into(),
        how,
    }
}

/// `WorkQueued` for `item` in queue `q`.
pub fn queued(item: &str) -> Output {
    Output::WorkQueued {
        item: item.into(),
        queue: "q".into(),
    }
}

/// `WorkAssigned` of `item` to `agent`.
pub fn assigned(item: &str, agent: &str, unseen: bool) -> Output {
    Output::WorkAssigned {
        item: item.into(),
        agent: agent.into(),
        unseen,
        overage: None,
    }
}

/// `WorkAssigned` of a forced assignment (C4), with how far it took `agent` past capacity.
pub fn forced(item: &str, agent: &str, overage: Option<Overage>) -> Output {
    Output::WorkAssigned {
        item: item.into(),
        agent: agent.into(),
        unseen: false,
        overage,
    }
}

/// `Rerouted` of `item` away from agent `from`.
pub fn rerouted(item: &str, from: &str, reason: RerouteReason) -> Output {
    Output::Rerouted {
        item: item.into(),
        from: from.into(),
        reason,
    }
}

/// `PresenceChanged` of `agent` from `from` to `to`.
pub fn presence_changed(agent: &str, from: &str, to: &str, why: PresenceReason) -> Output {
    Output::PresenceChanged {
        agent: agent.into(),
        from: from.into(),
        to: to.into(),
        why,
    }
}

/// The presence change of a sign-in: Offline to Available.
pub fn signed_in(agent: &str) -> Output {
    presence_changed(
        agent,
        presences::OFFLINE,
        presences::AVAILABLE,
        PresenceReason::SignedIn,
    )
}

/// `SessionOpened` for `agent`; `item` is an item id, `Some(id)` or `None`
/// (a session the agent opened).
pub fn session_opened<'a>(agent: &str, session: u64, item: impl Into<Option<&'a str>>) -> Output {
    Output::SessionOpened {
        agent: agent.into(),
        session: SessionId(session),
        item: item.into().map(WorkItemId::new),
    }
}

/// `SessionClosed` for `agent`; `item` as for [`session_opened`].
pub fn session_closed<'a>(agent: &str, session: u64, item: impl Into<Option<&'a str>>) -> Output {
    Output::SessionClosed {
        agent: agent.into(),
        session: SessionId(session),
        item: item.into().map(WorkItemId::new),
    }
}

/// A dashboard `Alert` of `kind` to `agent` about `item`.
pub fn dashboard_alert(agent: &str, kind: AlertKind, item: &str) -> Output {
    Output::Alert {
        agent: agent.into(),
        kind,
        item: item.into(),
    }
}
