//! What every engine bench starts from: a fixed morning, agent ids, and an
//! engine with every configured agent signed in.

use chrono::{DateTime, TimeZone, Utc};
use switchboard::{AgentId, Config, Input, Switchboard};

/// 09:00 on a fixed day.
pub(crate) fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 24, 9, 0, 0)
        .single()
        .expect("valid time")
}

/// Agent ids `a0`, `a1`, … for `agents` agents.
pub(crate) fn agent_ids(agents: usize) -> Vec<AgentId> {
    (0..agents).map(|i| AgentId::new(format!("a{i}"))).collect()
}

/// The engine of `config` with every configured agent signed in at
/// [`start`], and the outputs of signing in drained.
pub(crate) fn signed_in(config: Config) -> Switchboard {
    let ids: Vec<AgentId> = config.agents.iter().map(|a| a.id.clone()).collect();
    let mut sb = Switchboard::new(config).expect("valid config");
    for agent in ids {
        sb.handle(start(), Input::AgentSignedIn { agent })
            .expect("sign in");
    }
    while sb.poll_output().is_some() {}
    sb
}
