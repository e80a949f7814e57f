//! The notification lifecycle: offer, display, accept, reject, open,
//! time-out, unseen assignment and reroute (N1–N7, T1–T9).

use serde::{Deserialize, Serialize};

use chrono::{DateTime, Utc};

use crate::config::TemplateTexts;
use crate::config::{Channel, Experience};
use crate::conversation::ConversationState;
use crate::error::InputError;
use crate::ids::{NotificationId, WorkItemId};
use crate::output::{
    AlertKind, DesktopNotification, Notification, NotificationEnd, Output, RenderedField,
    RerouteReason,
};
use crate::presence::{self, BaseStatus, PresenceReason};
use crate::switchboard::Switchboard;
use crate::template::{DesktopMode, NotificationKind, Scenario, Template};
use crate::timer::{Timer, TimerKey};
use crate::work::{Place, Slugs};

/// Distinct agents whose declines park an item (T6).
pub(crate) const PARK_AFTER_DECLINERS: usize = 100;

/// What a notification asks the agent to take.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum Purpose {
    /// The work item itself.
    Work,
    /// A seat in its conversation as a consultant (L4).
    Consult,
    /// The conversation itself, from its primary agent (L3).
    Transfer,
}

/// A pending notification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Offer {
    pub(crate) agent: usize,
    pub(crate) item: usize,
    pub(crate) kind: NotificationKind,
    pub(crate) deadline: DateTime<Utc>,
    /// Its deadline, unless that lies past the end of chrono's range.
    pub(crate) timer: Option<TimerKey>,
    /// The client acknowledged its display (T3).
    pub(crate) displayed: bool,
    /// It also went to the desktop (N6, N7).
    pub(crate) on_desktop: bool,
    /// The reject button is shown (T5).
    pub(crate) rejectable: bool,
    /// What the agent is asked to take.
    pub(crate) purpose: Purpose,
}

impl Switchboard {
    /// The pending offer `id`, if it is still live at `now` (T9).
    fn live_offer(&self, id: NotificationId, now: DateTime<Utc>) -> Result<Offer, InputError> {
        match self.state.offers.get(id) {
            Some(offer) if offer.deadline > now => Ok(*offer),
            Some(_) => Err(InputError::NotificationClosed(id)),
            None if id.0 >= 1 && id.0 < self.state.next_notification => {
                Err(InputError::NotificationClosed(id))
            }
            None => Err(InputError::UnknownNotification(id)),
        }
    }

    /// The scenario of an item's next offer (N5).
    fn scenario(&self, i: usize) -> Scenario {
        let channel = self.cfg.workstreams[self.state.items[i].workstream].channel;
        if channel == Channel::Record {
            Scenario::RecordAssigned
        } else if self.state.items[i].transferred {
            Scenario::Transfer
        } else if self.identified(i) {
            Scenario::IncomingAuthenticated
        } else {
            Scenario::IncomingUnauthenticated
        }
    }

    /// Renders `template` (its texts parsed as `texts`) for item `i` into
    /// `n`'s title, fields and unresolved slugs (N3), in place: the lists
    /// are held inline, so returning them would copy them.
    fn render(&self, i: usize, template: &Template, texts: &TemplateTexts, n: &mut Notification) {
        let slugs = Slugs {
            board: self,
            item: &self.state.items[i],
        };
        n.title = texts.title.render(&slugs, &mut n.unresolved);
        for (f, value) in template.fields.iter().zip(&texts.values) {
            let value = value.render(&slugs, &mut n.unresolved);
            n.fields.push(RenderedField {
                header: f.header.clone(),
                value,
            });
        }
    }

    /// The desktop copy of a notification for agent `a`, if it gets one (N6).
    fn desktop_copy(&self, a: usize, template: &Template) -> Option<DesktopNotification> {
        let agent = &self.state.agents[a];
        let wanted = match template.desktop {
            DesktopMode::Never => false,
            DesktopMode::WhenInBackground => !agent.in_focus,
            DesktopMode::Always => true,
        };
        let standalone = self.agent_experience(a) == Experience::Standalone;
        (wanted && standalone && agent.desktop_permission).then(|| DesktopNotification {
            icon: (!is_svg(&template.icon)).then(|| template.icon.clone()),
        })
    }

    /// Builds, schedules and emits a notification to agent `a` about item `i`
    /// (N1–N6). A Toast when `toast` or the template auto-assigns. Returns
    /// its id, and whether it is a Toast that auto-accepts.
    pub(crate) fn notify(
        &mut self,
        i: usize,
        a: usize,
        scenario: Scenario,
        toast: bool,
        purpose: Purpose,
        now: DateTime<Utc>,
    ) -> Option<(NotificationId, NotificationKind, bool)> {
        let ws = &self.cfg.workstreams[self.state.items[i].workstream];
        let t = ws.template(scenario);
        let (template_id, template) = self.cfg.templates.get_index(t)?;
        let texts = self.cfg.texts.get(t)?;
        let toast = toast || template.auto_assign;
        let kind = if toast {
            NotificationKind::Toast
        } else {
            NotificationKind::Alert
        };
        let id = NotificationId(self.state.next_notification);
        let timer =
            self.state
                .timers
                .schedule_after(now, template.timeout_secs, Timer::OfferDeadline(id));
        let deadline = timer.map_or(DateTime::<Utc>::MAX_UTC, |key| key.at);
        // Filled in place: built whole and then boxed, the 600-byte
        // notification was copied from the stack right after it was
        // written there, and the copy waited for the writes.
        let mut notification = Box::new(Notification::blank());
        let n = &mut *notification;
        n.id = id;
        n.agent = self.agent_id(a);
        n.item = self.item_id(i);
        n.kind = kind;
        n.scenario = scenario;
        n.template = template_id.clone();
        // A Toast's one action is "Open" (N1, T7, T8).
        n.accept_label = if toast {
            self.cfg.open_label.clone()
        } else {
            template.accept_label.clone()
        };
        n.reject_label =
            (template.effective_reject() && !toast).then(|| template.reject_label.clone());
        n.deadline = deadline;
        n.show_countdown = template.effective_countdown();
        n.icon = template.icon.clone();
        n.desktop = self.desktop_copy(a, template);
        self.render(i, template, texts, &mut notification);
        let auto_accept = toast && template.auto_accept;
        let offer = Offer {
            agent: a,
            item: i,
            kind,
            deadline,
            timer,
            displayed: !self.cfg.org.display_acknowledgement,
            on_desktop: notification.desktop.is_some(),
            rejectable: notification.reject_label.is_some(),
            purpose,
        };
        self.state.next_notification += 1;
        self.state.offers.insert(id, offer);
        self.emit(Output::Notify(notification));
        Some((id, kind, auto_accept))
    }

    /// Offers waiting item `i` to agent `a` (N1, C1, T7, T8).
    pub(crate) fn offer(&mut self, i: usize, a: usize, now: DateTime<Utc>) {
        let scenario = self.scenario(i);
        let ws = &self.cfg.workstreams[self.state.items[i].workstream];
        let toast = ws.channel == Channel::Record
            || matches!(
                scenario,
                Scenario::RecordAssigned | Scenario::SupervisorAssign | Scenario::Escalation
            );
        let Some((id, kind, auto_accept)) = self.notify(i, a, scenario, toast, Purpose::Work, now)
        else {
            return; // unreachable: templates are resolved at configuration
        };
        let key = self.state.items[i].wait_key(i);
        let (queue, units) = (self.state.items[i].queue, self.state.items[i].units);
        // The queue stays awake: the look offering this returns that it acted.
        self.state.queues[queue].push.remove(&key, units);
        self.state.next_assignment += 1;
        let agent = &mut self.state.agents[a];
        agent.slots += 1;
        agent.last_assignment = self.state.next_assignment;

        if kind == NotificationKind::Toast {
            // T7, T8: assigned at once; the Toast only informs.
            agent_assign(self, i, a, Some(id));
            self.emit(Output::WorkAssigned {
                item: self.item_id(i),
                agent: self.agent_id(a),
                unseen: false,
                overage: None,
            });
            self.follow_capacity(a);
            if auto_accept {
                self.open_work_session(i);
            }
        } else {
            self.hold(a, i);
            self.move_item(
                i,
                Place::Offered {
                    agent: a,
                    notification: id,
                },
            );
        }
        self.reindex(a);
    }

    /// Ends a consult or transfer request (L3, L4); `false` for an offer of work.
    fn end_request(&mut self, id: NotificationId, purpose: Purpose, how: NotificationEnd) -> bool {
        match purpose {
            Purpose::Consult => self.end_consult_offer(id, how),
            Purpose::Transfer => self.end_transfer_offer(id, how),
            Purpose::Work => return false,
        }
        true
    }

    /// Ends a pending Alert: releases the units and slot it held and reports how.
    /// The item's place is left to the caller.
    pub(crate) fn end_alert(&mut self, id: NotificationId, how: NotificationEnd) {
        let Some(offer) = self.state.offers.remove(id) else {
            return;
        };
        self.state.timers.cancel(offer.timer);
        self.unhold(offer.agent, offer.item);
        self.free_slot(offer.agent);
        self.reindex(offer.agent);
        self.state.cycle_due = true;
        self.emit(Output::NotificationEnded {
            notification: id,
            agent: self.agent_id(offer.agent),
            item: self.item_id(offer.item),
            how,
        });
    }

    /// Ends a pending Toast; the work stays assigned.
    pub(crate) fn end_toast(&mut self, id: NotificationId, how: NotificationEnd) {
        let Some(offer) = self.state.offers.remove(id) else {
            return;
        };
        self.state.timers.cancel(offer.timer);
        if let Place::Assigned { toast, .. } = &mut self.state.items[offer.item].place {
            *toast = None;
        }
        self.emit(Output::NotificationEnded {
            notification: id,
            agent: self.agent_id(offer.agent),
            item: self.item_id(offer.item),
            how,
        });
    }

    /// Ends an Alert and puts its work back in its queue.
    pub(crate) fn withdraw_alert(
        &mut self,
        id: NotificationId,
        how: NotificationEnd,
        reason: RerouteReason,
    ) {
        let Some(&Offer { agent, item, .. }) = self.state.offers.get(id) else {
            return;
        };
        self.end_alert(id, how);
        self.emit(Output::Rerouted {
            item: self.item_id(item),
            from: self.agent_id(agent),
            reason,
        });
        self.requeue(item);
    }

    /// Opens the session of assigned, unopened work (T3, T7).
    pub(crate) fn open_work_session(&mut self, i: usize) {
        let Place::Assigned {
            agent,
            session: None,
            toast,
            unseen,
        } = self.state.items[i].place
        else {
            return;
        };
        if let Some(key) = unseen {
            self.state.timers.cancel(key);
        }
        let session = self.open_session(agent, Some(i));
        self.state.items[i].place = Place::Assigned {
            agent,
            session: Some(session),
            toast,
            unseen: None,
        };
    }

    /// Counts a decline of item `i` by agent `a`, parking the item after
    /// [`PARK_AFTER_DECLINERS`] distinct agents (T6).
    fn decline(&mut self, i: usize, a: usize) {
        let item = &mut self.state.items[i];
        item.declines.add(a);
        if item.declines.agents() >= PARK_AFTER_DECLINERS
            && !item.parked
            && item.place == Place::Waiting
        {
            item.parked = true;
            let key = item.wait_key(i);
            let queue = &mut self.state.queues[item.queue];
            queue.push.remove(&key, item.units);
            queue.held.insert(key);
            self.state.quiet.wake(item.queue);
            let queue = self.cfg.queues[item.queue].id.clone();
            self.emit(Output::Parked {
                item: self.item_id(i),
                queue,
            });
        }
    }

    pub(crate) fn displayed(
        &mut self,
        id: NotificationId,
        now: DateTime<Utc>,
    ) -> Result<(), InputError> {
        self.live_offer(id, now)?;
        if let Some(offer) = self.state.offers.get_mut(id) {
            offer.displayed = true;
        }
        Ok(())
    }

    pub(crate) fn desktop_clicked(
        &mut self,
        id: NotificationId,
        now: DateTime<Utc>,
    ) -> Result<(), InputError> {
        let offer = self.live_offer(id, now)?;
        if !offer.on_desktop {
            return Err(InputError::NotOnDesktop(id));
        }
        // N7: the deadline does not move.
        self.emit(Output::BringToFront {
            agent: self.agent_id(offer.agent),
            notification: id,
        });
        Ok(())
    }

    pub(crate) fn accept(
        &mut self,
        id: NotificationId,
        now: DateTime<Utc>,
    ) -> Result<(), InputError> {
        let offer = self.live_offer(id, now)?;
        if offer.kind != NotificationKind::Alert {
            return Err(InputError::ActionNotOffered {
                notification: id,
                action: "accept",
            });
        }
        if self.end_request(id, offer.purpose, NotificationEnd::Accepted) {
            return Ok(());
        }
        let (a, i) = (offer.agent, offer.item);
        self.state.offers.remove(id);
        self.state.timers.cancel(offer.timer);
        self.unhold(a, i);
        self.emit(Output::NotificationEnded {
            notification: id,
            agent: self.agent_id(a),
            item: self.item_id(i),
            how: NotificationEnd::Accepted,
        });
        agent_assign(self, i, a, None);
        self.emit(Output::WorkAssigned {
            item: self.item_id(i),
            agent: self.agent_id(a),
            unseen: false,
            overage: None,
        });
        self.open_work_session(i);
        self.work_changed_hands(a);
        Ok(())
    }

    pub(crate) fn reject(
        &mut self,
        id: NotificationId,
        now: DateTime<Utc>,
    ) -> Result<(), InputError> {
        let offer = self.live_offer(id, now)?;
        if !offer.rejectable {
            return Err(InputError::RejectNotAllowed(id));
        }
        if self.end_request(id, offer.purpose, NotificationEnd::Rejected) {
            return Ok(());
        }
        self.withdraw_alert(id, NotificationEnd::Rejected, RerouteReason::Rejected);
        self.decline(offer.item, offer.agent);
        if self.cfg.org.agent_reject_rule {
            self.penalise(
                offer.agent,
                presence::BUILTIN_BUSY_DND,
                PresenceReason::Rejected,
            );
            self.emit(Output::Alert {
                agent: self.agent_id(offer.agent),
                kind: AlertKind::Rejected,
                item: self.item_id(offer.item),
            });
        }
        Ok(())
    }

    pub(crate) fn open(
        &mut self,
        id: NotificationId,
        now: DateTime<Utc>,
    ) -> Result<(), InputError> {
        let offer = self.live_offer(id, now)?;
        if offer.kind != NotificationKind::Toast {
            return Err(InputError::ActionNotOffered {
                notification: id,
                action: "open",
            });
        }
        self.end_toast(id, NotificationEnd::Opened);
        self.open_work_session(offer.item);
        self.work_changed_hands(offer.agent);
        Ok(())
    }

    pub(crate) fn open_work(
        &mut self,
        item: &WorkItemId,
        now: DateTime<Utc>,
    ) -> Result<(), InputError> {
        let i = self.item_index(item)?;
        let Place::Assigned {
            agent,
            session: None,
            toast,
            unseen,
        } = self.state.items[i].place
        else {
            return Err(InputError::NothingToOpen(item.clone()));
        };
        let too_late = unseen.is_some_and(|key| key.at <= now);
        if self.state.items[i].state != ConversationState::Active || too_late {
            return Err(InputError::NothingToOpen(item.clone()));
        }
        if let Some(toast) = toast {
            self.end_toast(toast, NotificationEnd::Opened);
        }
        self.open_work_session(i);
        self.work_changed_hands(agent);
        Ok(())
    }

    /// A notification's deadline passed (T1, T2, T3, T7, T8).
    pub(crate) fn offer_deadline(&mut self, id: NotificationId, at: DateTime<Utc>) {
        let Some(&offer) = self.state.offers.get(id) else {
            return;
        };
        let (a, i) = (offer.agent, offer.item);
        if self.end_request(id, offer.purpose, NotificationEnd::Expired) {
            return;
        }
        if offer.kind == NotificationKind::Toast {
            // T7: the deadline passing opens the session.
            self.end_toast(id, NotificationEnd::TimedOut);
            self.open_work_session(i);
        } else if offer.displayed {
            // T1: seen and not answered.
            self.withdraw_alert(id, NotificationEnd::Expired, RerouteReason::Expired);
            self.decline(i, a);
            let away_allowed =
                self.cfg.workstreams[self.state.items[i].workstream].allows(BaseStatus::Away);
            if self.cfg.org.missed_notification_rule && !away_allowed {
                self.penalise(
                    a,
                    presence::BUILTIN_INACTIVE,
                    PresenceReason::MissedNotification,
                );
                self.emit(Output::Alert {
                    agent: self.agent_id(a),
                    kind: AlertKind::MissedNotification,
                    item: self.item_id(i),
                });
            }
        } else {
            // T3: never seen; assigned anyway, rerouted later unless opened.
            self.state.offers.remove(id);
            self.unhold(a, i);
            self.emit(Output::NotificationEnded {
                notification: id,
                agent: self.agent_id(a),
                item: self.item_id(i),
                how: NotificationEnd::AssignedUnseen,
            });
            agent_assign(self, i, a, None);
            let key = self.state.timers.schedule_after(
                at,
                self.cfg.org.unseen_reroute_delay_secs,
                Timer::UnseenReroute(i),
            );
            if let Place::Assigned { unseen, .. } = &mut self.state.items[i].place {
                *unseen = key;
            }
            self.emit(Output::WorkAssigned {
                item: self.item_id(i),
                agent: self.agent_id(a),
                unseen: true,
                overage: None,
            });
            self.follow_capacity(a);
        }
    }

    /// Unseen work was not opened in time (T3).
    pub(crate) fn unseen_reroute(&mut self, i: usize) {
        if let Place::Assigned {
            session: None,
            unseen: Some(_),
            agent,
            toast,
        } = self.state.items[i].place
        {
            self.state.items[i].place = Place::Assigned {
                agent,
                session: None,
                toast,
                unseen: None,
            };
            self.unassign(i, RerouteReason::Unseen);
        }
    }
}

/// Assigns item `i` to agent `a` within capacity: consumes it; the session slot is already reserved.
fn agent_assign(board: &mut Switchboard, i: usize, a: usize, toast: Option<NotificationId>) {
    board.consume(a, i);
    board.move_item(
        i,
        Place::Assigned {
            agent: a,
            session: None,
            toast,
            unseen: None,
        },
    );
    let item = &mut board.state.items[i];
    item.transferred = false;
    item.affinity_lane = false;
    board.enter(i, ConversationState::Active);
}

/// Whether an icon path or data URI is an SVG, which desktops do not show
/// (N6). Compared without regard to case, in place: a lowercased copy cost
/// an allocation every desktop notification, and a data URI's whole length.
fn is_svg(icon: &str) -> bool {
    let icon = icon.trim();
    if icon
        .get(..18)
        .is_some_and(|scheme| scheme.eq_ignore_ascii_case("data:image/svg+xml"))
    {
        return true;
    }
    let path = icon.split(['?', '#']).next().unwrap_or_default();
    path.rsplit_once('.').is_some_and(|(_, extension)| {
        extension.eq_ignore_ascii_case("svg") || extension.eq_ignore_ascii_case("svgz")
    })
}
