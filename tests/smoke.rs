//! Smoke test.
mod common;
use common::*;
use switchboard::*;

#[test]
fn smoke() {
    let mut h = Harness::new(chat_config(&["ada", "bob"]));
    h.input(0, sign_in("ada"));
    h.input(0, sign_in("bob"));
    let out = h.input(1, chat("c1"));
    for o in &out {
        println!("{}", serde_json::to_string(o).unwrap());
    }
    let n = h.notification_for("c1");
    h.input(2, Input::NotificationDisplayed { notification: n });
    let fired = h.advance_to(200);
    for o in &fired {
        println!("{o:?}");
    }
    let n = h.notification_for("c1");
    let out = h.input(201, Input::Accept { notification: n });
    for o in &out {
        println!("{o:?}");
    }
    let out = h.input(300, Input::ConversationEnded { item: "c1".into() });
    for o in &out {
        println!("{o:?}");
    }
    let out = h.input(301, Input::ConversationClosed { item: "c1".into() });
    for o in &out {
        println!("{o:?}");
    }
}
