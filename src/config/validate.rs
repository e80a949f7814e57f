//! Whole-configuration validation (D1), compiled into dense lookups.

use indexmap::IndexMap;

use crate::hash::{FastHash, FastMap};

use super::presence_classes::PresenceClasses;
use super::{
    Agent, CapacityProfile, Channel, Config, Distribution, OrgSettings, Workstream, WrapUpBlocking,
};
use crate::error::{ConfigError, IdKind};
use crate::ids::{AgentId, PresenceId, ProfileId, QueueId, TemplateId, WorkstreamId};
use crate::presence::{self, BaseStatus, Presence};
use crate::template::{self, MAX_FIELDS, MAX_TIMEOUT_SECS, Parsed, Scenario, Template};
use crate::text::Text;

/// Largest work-item limit of a profile (C2).
const MAX_PROFILE_LIMIT: u32 = 1000;

/// Longest auto-close deadline a workstream may set: a year (L2).
pub(crate) const MAX_AUTO_CLOSE_SECS: u32 = 366 * 24 * 3600;

/// Every scenario, in the order [`CompiledWorkstream::templates`] holds them.
pub(crate) const SCENARIOS: [Scenario; 7] = [
    Scenario::IncomingAuthenticated,
    Scenario::IncomingUnauthenticated,
    Scenario::Transfer,
    Scenario::Consult,
    Scenario::SupervisorAssign,
    Scenario::RecordAssigned,
    Scenario::Escalation,
];

/// A workstream with its references resolved to indexes.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CompiledWorkstream {
    pub(crate) id: WorkstreamId,
    pub(crate) channel: Channel,
    pub(crate) distribution: Distribution,
    /// Template index per scenario, in [`SCENARIOS`] order.
    pub(crate) templates: [usize; 7],
    pub(crate) allowed: Vec<BaseStatus>,
    /// The presence classes of `allowed`, one bit each: the groups of a
    /// queue's index its items are looked for in (P7).
    pub(crate) classes: u8,
    /// Units an item needs; 0 for profile-based workstreams (C1, C3).
    pub(crate) units: i64,
    /// Profiles an item consumes unless it names its own (C2).
    pub(crate) profiles: Vec<usize>,
    pub(crate) wrap_up: WrapUpBlocking,
    /// Auto-close seconds for Open, Active, Waiting, WrapUp (L2).
    pub(crate) auto_close: [Option<u32>; 4],
    /// Affinity (A7); only push workstreams have it.
    pub(crate) affinity: bool,
}

impl CompiledWorkstream {
    /// Whether routing may offer this work to an agent whose presence has `base` (P7).
    pub(crate) fn allows(&self, base: BaseStatus) -> bool {
        self.allowed.contains(&base)
    }

    /// Auto-close seconds for a conversation in `state` (L2).
    pub(crate) fn auto_close_secs(
        &self,
        state: crate::conversation::ConversationState,
    ) -> Option<u32> {
        use crate::conversation::ConversationState as S;
        match state {
            S::Open => self.auto_close[0],
            S::Active => self.auto_close[1],
            S::Waiting => self.auto_close[2],
            S::WrapUp => self.auto_close[3],
            S::Closed => None,
        }
    }

    /// Template index for `scenario`.
    pub(crate) fn template(&self, scenario: Scenario) -> usize {
        let slot = SCENARIOS.iter().position(|s| *s == scenario).unwrap_or(0);
        self.templates[slot]
    }
}

/// A queue with member agents as indexes.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CompiledQueue {
    pub(crate) id: QueueId,
    /// Members at start, in queue order; membership changes at run time.
    pub(crate) members: Vec<usize>,
    pub(crate) method: Option<super::AssignmentMethod>,
}

/// The configuration after validation: every reference is a dense index.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Compiled {
    pub(crate) org: OrgSettings,
    pub(crate) presences: FastMap<PresenceId, Presence>,
    pub(crate) templates: FastMap<TemplateId, Template>,
    pub(crate) workstreams: FastMap<WorkstreamId, CompiledWorkstream>,
    pub(crate) queues: FastMap<QueueId, CompiledQueue>,
    /// Capacity profiles (C2).
    pub(crate) profiles: FastMap<ProfileId, CapacityProfile>,
    /// Agents in configuration order.
    pub(crate) agents: CompiledAgents,
    /// The one action of every Toast, shared by all of them (N1).
    pub(crate) open_label: Text,
    /// Each template's title and field values, parsed (by template index).
    pub(crate) texts: Vec<TemplateTexts>,
    /// By presence index: the class of its base status (P7), or `None`
    /// where no workstream offers work to an agent in it. Agents in such a
    /// presence can be offered nothing, so they leave the queue indexes
    /// rather than be stepped over at every choice of an agent; the others
    /// are grouped by class.
    pub(crate) presence_class: Vec<Option<u8>>,
    /// One bit for each of the first 64 profiles (by index): the profiles
    /// queue indexes group members by room in (C2).
    pub(crate) profile_bits: u64,
    /// Every set of skills some agent holds, each sorted, numbered in the
    /// order first met; queue indexes keep one group per set (A4).
    pub(crate) skill_sets: Vec<Vec<String>>,
    /// By agent index: the number of the set of skills the agent holds.
    pub(crate) skill_set_of: Vec<u32>,
}

impl Compiled {
    /// Whether skill set `set` holds every skill in `required`.
    pub(crate) fn holds_all(&self, set: u32, required: &[String]) -> bool {
        self.skill_sets
            .get(set as usize)
            .is_some_and(|held| required.iter().all(|s| held.binary_search(s).is_ok()))
    }
}

/// A template's texts, parsed once so that rendering does not scan them (N3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TemplateTexts {
    pub(crate) title: Parsed,
    /// One per field, in order.
    pub(crate) values: Box<[Parsed]>,
}

impl TemplateTexts {
    fn parse(template: &Template) -> Self {
        Self {
            title: Parsed::parse(&template.title),
            values: template
                .fields
                .iter()
                .map(|f| Parsed::parse(&f.value))
                .collect(),
        }
    }
}

impl Compiled {
    /// Whether any workstream is voice: only then can voice work, ranked by
    /// LeastActive in queues without a method (A1), arrive at all.
    pub(crate) fn has_voice(&self) -> bool {
        self.workstreams
            .values()
            .any(|w| w.channel == Channel::Voice)
    }

    /// The longest auto-close deadline any workstream sets (L2).
    pub(crate) fn longest_auto_close(&self) -> u32 {
        self.workstreams
            .values()
            .flat_map(|w| w.auto_close.iter().flatten())
            .copied()
            .max()
            .unwrap_or(0)
    }
}

fn in_range(
    field: impl FnOnce() -> String,
    value: i64,
    min: i64,
    max: i64,
) -> Result<(), ConfigError> {
    if (min..=max).contains(&value) {
        Ok(())
    } else {
        Err(ConfigError::OutOfRange {
            field: field(),
            value,
            min,
            max,
        })
    }
}

fn not_empty(kind: IdKind, id: &str, field: impl FnOnce() -> String) -> Result<(), ConfigError> {
    if id.is_empty() {
        Err(ConfigError::EmptyId {
            kind,
            field: field(),
        })
    } else {
        Ok(())
    }
}

fn at_most(field: impl FnOnce() -> String, text: &str, max: usize) -> Result<(), ConfigError> {
    let len = text.chars().count();
    if len > max {
        Err(ConfigError::TooLong {
            field: field(),
            len,
            max,
        })
    } else {
        Ok(())
    }
}

fn braces(field: impl FnOnce() -> String, text: &str) -> Result<(), ConfigError> {
    template::check_braces(text).map_err(|offset| ConfigError::UnbalancedBrace {
        field: field(),
        offset,
    })
}

fn check_org(org: &OrgSettings) -> Result<(), ConfigError> {
    in_range(
        || "org.session_limit".into(),
        org.session_limit.into(),
        1,
        100,
    )?;
    in_range(
        || "org.utc_offset_minutes".into(),
        org.utc_offset_minutes.into(),
        -840,
        840,
    )?;
    in_range(
        || "org.max_consultants".into(),
        org.max_consultants.into(),
        1,
        5,
    )?;
    in_range(
        || "org.declines_allowed".into(),
        org.declines_allowed.into(),
        1,
        5,
    )?;
    // Kept within a week so deadlines stay far from chrono's limits.
    in_range(
        || "org.unseen_reroute_delay_secs".into(),
        org.unseen_reroute_delay_secs.into(),
        0,
        604_800,
    )?;
    in_range(
        || "org.reconnect_grace_secs".into(),
        org.reconnect_grace_secs.into(),
        0,
        604_800,
    )?;
    Ok(())
}

/// Validates one custom template (N2, N3).
fn check_template(t: &Template, at: &str) -> Result<(), ConfigError> {
    let f = |name: &str| format!("{at}.{name}");
    not_empty(IdKind::Template, t.name.as_str(), || f("name"))?;
    at_most(|| f("name"), t.name.as_str(), 100)?;
    at_most(|| f("title"), &t.title, 100)?;
    at_most(|| f("icon"), &t.icon, 1024)?;
    at_most(|| f("accept_label"), &t.accept_label, 100)?;
    at_most(|| f("reject_label"), &t.reject_label, 100)?;
    in_range(
        || f("timeout_secs"),
        t.timeout_secs.into(),
        1,
        MAX_TIMEOUT_SECS.into(),
    )?;
    if t.fields.len() > MAX_FIELDS {
        return Err(ConfigError::TooManyFields {
            field: f("fields"),
            count: t.fields.len(),
        });
    }
    if t.auto_accept && !t.auto_assign {
        return Err(ConfigError::AutoAcceptWithoutAutoAssign {
            field: f("auto_accept"),
        });
    }
    braces(|| f("title"), &t.title)?;
    for (i, field) in t.fields.iter().enumerate() {
        at_most(|| f(&format!("fields[{i}].header")), &field.header, 100)?;
        braces(|| f(&format!("fields[{i}].header")), &field.header)?;
        braces(|| f(&format!("fields[{i}].value")), &field.value)?;
    }
    Ok(())
}

fn compile_presences(custom: &[Presence]) -> Result<FastMap<PresenceId, Presence>, ConfigError> {
    let mut all: FastMap<PresenceId, Presence> = presence::builtins()
        .into_iter()
        .map(|p| (p.id.clone(), p))
        .collect();
    for (i, p) in custom.iter().enumerate() {
        let at = || format!("presences[{i}].id");
        not_empty(IdKind::Presence, p.id.as_str(), at)?;
        if all.contains_key(&p.id) {
            return Err(ConfigError::DuplicateId {
                kind: IdKind::Presence,
                id: p.id.as_str().to_owned(),
                field: at(),
            });
        }
        all.insert(p.id.clone(), p.clone());
    }
    Ok(all)
}

fn compile_templates(custom: &[Template]) -> Result<FastMap<TemplateId, Template>, ConfigError> {
    let mut all: FastMap<TemplateId, Template> = template::builtin_templates()
        .into_iter()
        .map(|t| (t.name.clone(), t))
        .collect();
    let builtin_count = all.len();
    for (i, t) in custom.iter().enumerate() {
        let at = format!("templates[{i}]");
        if let Some(index) = all.get_index_of(&t.name) {
            return Err(if index < builtin_count {
                ConfigError::BuiltInTemplateReadOnly {
                    name: t.name.as_str().to_owned(),
                    field: format!("{at}.name"),
                }
            } else {
                ConfigError::DuplicateId {
                    kind: IdKind::Template,
                    id: t.name.as_str().to_owned(),
                    field: format!("{at}.name"),
                }
            });
        }
        check_template(t, &at)?;
        all.insert(t.name.clone(), t.clone());
    }
    Ok(all)
}

fn compile_profiles(
    list: &[CapacityProfile],
) -> Result<FastMap<ProfileId, CapacityProfile>, ConfigError> {
    let mut profiles = FastMap::with_capacity_and_hasher(list.len(), FastHash::default());
    for (i, p) in list.iter().enumerate() {
        let at = format!("capacity_profiles[{i}]");
        not_empty(IdKind::Profile, p.id.as_str(), || format!("{at}.id"))?;
        in_range(
            || format!("{at}.limit"),
            p.limit.into(),
            1,
            MAX_PROFILE_LIMIT.into(),
        )?;
        if profiles.insert(p.id.clone(), p.clone()).is_some() {
            return Err(ConfigError::DuplicateId {
                kind: IdKind::Profile,
                id: p.id.as_str().to_owned(),
                field: format!("{at}.id"),
            });
        }
    }
    Ok(profiles)
}

/// Resolves a list of profile names (C2).
pub(crate) fn resolve_profiles(
    names: &[ProfileId],
    profiles: &FastMap<ProfileId, CapacityProfile>,
    field: &str,
) -> Result<Vec<usize>, ConfigError> {
    let mut resolved = Vec::with_capacity(names.len());
    for (k, name) in names.iter().enumerate() {
        let index = profiles
            .get_index_of(name)
            .ok_or_else(|| ConfigError::UnknownReference {
                kind: IdKind::Profile,
                id: name.as_str().to_owned(),
                field: format!("{field}[{k}]"),
            })?;
        if !resolved.contains(&index) {
            resolved.push(index);
        }
    }
    Ok(resolved)
}

fn compile_workstream(
    w: &Workstream,
    at: &str,
    templates: &FastMap<TemplateId, Template>,
    profiles: &FastMap<ProfileId, CapacityProfile>,
    classes: PresenceClasses,
) -> Result<CompiledWorkstream, ConfigError> {
    not_empty(IdKind::Workstream, w.id.as_str(), || format!("{at}.id"))?;
    if w.channel == Channel::Voice && w.distribution == Distribution::Pick {
        return Err(ConfigError::VoiceMustPush {
            field: format!("{at}.distribution"),
        });
    }
    if w.capacity_units.is_some() && !w.capacity_profiles.is_empty() {
        return Err(ConfigError::UnitsAndProfiles {
            field: format!("{at}.capacity_profiles"),
        });
    }
    if let Some(units) = w.capacity_units {
        in_range(
            || format!("{at}.capacity_units"),
            units.into(),
            0,
            1_000_000,
        )?;
    }
    let profile_list = resolve_profiles(
        &w.capacity_profiles,
        profiles,
        &format!("{at}.capacity_profiles"),
    )?;
    if let WrapUpBlocking::Custom { minutes } = w.wrap_up {
        in_range(|| format!("{at}.wrap_up.minutes"), minutes.into(), 1, 60)?;
    }

    let mut resolved = [0; 7];
    for (slot, scenario) in SCENARIOS.iter().enumerate() {
        let name = match w.templates.get(scenario) {
            Some(name) => name.clone(),
            None => TemplateId::new(template::builtin_name(w.channel, *scenario)),
        };
        resolved[slot] =
            templates
                .get_index_of(&name)
                .ok_or_else(|| ConfigError::UnknownReference {
                    kind: IdKind::Template,
                    id: name.as_str().to_owned(),
                    field: format!("{at}.templates[{scenario:?}]"),
                })?;
    }
    let defaults = super::AutoClose::defaults(w.channel);
    let given = [
        w.auto_close.open_secs,
        w.auto_close.active_secs,
        w.auto_close.waiting_secs,
        w.auto_close.wrap_up_secs,
    ];
    let names = ["open_secs", "active_secs", "waiting_secs", "wrap_up_secs"];
    let mut auto_close = [None; 4];
    for (slot, name) in names.iter().enumerate() {
        if let Some(secs) = given[slot] {
            in_range(
                || format!("{at}.auto_close.{name}"),
                secs.into(),
                0,
                MAX_AUTO_CLOSE_SECS.into(),
            )?;
        }
        auto_close[slot] = given[slot].or(defaults[slot]).filter(|secs| *secs > 0);
    }
    Ok(CompiledWorkstream {
        id: w.id.clone(),
        channel: w.channel,
        distribution: w.distribution,
        templates: resolved,
        allowed: w.allowed_presences.clone(),
        classes: classes.mask(&w.allowed_presences),
        units: w
            .capacity_units
            .map_or(if profile_list.is_empty() { 10 } else { 0 }, i64::from),
        profiles: profile_list,
        wrap_up: w.wrap_up,
        auto_close,
        affinity: w.distribution == Distribution::Push
            && w.affinity.unwrap_or(w.channel.default_affinity()),
    })
}

/// Validates `config` as a whole and compiles it (D1).
///
/// # Errors
/// The first offending field, in the order org, presences, templates,
/// workstreams, agents, queues, contacts.
pub(crate) fn compile(config: &Config) -> Result<Compiled, ConfigError> {
    check_org(&config.org)?;
    let presences = compile_presences(&config.presences)?;
    let templates = compile_templates(&config.templates)?;
    let profiles = compile_profiles(&config.capacity_profiles)?;

    let allowed: Vec<&[BaseStatus]> = config
        .workstreams
        .iter()
        .map(|w| &w.allowed_presences[..])
        .collect();
    let classes = PresenceClasses::new(&allowed);
    let mut workstreams =
        FastMap::with_capacity_and_hasher(config.workstreams.len(), FastHash::default());
    for (i, w) in config.workstreams.iter().enumerate() {
        let at = format!("workstreams[{i}]");
        let compiled = compile_workstream(w, &at, &templates, &profiles, classes)?;
        if workstreams.insert(w.id.clone(), compiled).is_some() {
            return Err(ConfigError::DuplicateId {
                kind: IdKind::Workstream,
                id: w.id.as_str().to_owned(),
                field: format!("{at}.id"),
            });
        }
    }

    let agents = compile_agents(&config.agents, &presences, &profiles)?;
    let queues = compile_queues(&config.queues, &agents)?;
    check_contacts(&config.contacts)?;

    let (skill_sets, skill_set_of) = skill_sets(&agents);
    let presence_class = presences.values().map(|p| classes.of(p.base)).collect();
    Ok(Compiled {
        org: config.org.clone(),
        presence_class,
        profile_bits: 1_u64
            .checked_shl(u32::try_from(profiles.len()).unwrap_or(u32::MAX))
            .map_or(u64::MAX, |bit| bit - 1),
        skill_sets,
        skill_set_of,
        presences,
        profiles,
        workstreams,
        queues,
        agents,
        open_label: Text::from_static(&"Open"),
        texts: templates.values().map(TemplateTexts::parse).collect(),
        templates,
    })
}

/// An agent with references resolved.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CompiledAgent {
    pub(crate) agent: Agent,
    /// Index of the default presence.
    pub(crate) default_presence: usize,
    /// Profiles held: profile index and the limit that applies (C2).
    pub(crate) profiles: Vec<(usize, u32)>,
}

type CompiledAgents = FastMap<AgentId, CompiledAgent>;

/// Every distinct set of skills the agents hold (sorted, in the order first
/// met), and each agent's set by agent index.
fn skill_sets(agents: &CompiledAgents) -> (Vec<Vec<String>>, Vec<u32>) {
    let mut sets: Vec<Vec<String>> = Vec::new();
    let mut numbers: std::collections::HashMap<Vec<String>, u32> = std::collections::HashMap::new();
    let of = agents
        .values()
        .map(|c| {
            let mut set = c.agent.skills.clone();
            set.sort_unstable();
            set.dedup();
            *numbers.entry(set).or_insert_with_key(|set| {
                sets.push(set.clone());
                u32::try_from(sets.len() - 1).unwrap_or(u32::MAX)
            })
        })
        .collect();
    (sets, of)
}

fn compile_agents(
    list: &[Agent],
    presences: &FastMap<PresenceId, Presence>,
    profiles: &FastMap<ProfileId, CapacityProfile>,
) -> Result<CompiledAgents, ConfigError> {
    let mut agents = FastMap::with_capacity_and_hasher(list.len(), FastHash::default());
    for (i, a) in list.iter().enumerate() {
        let at = format!("agents[{i}]");
        not_empty(IdKind::Agent, a.id.as_str(), || format!("{at}.id"))?;
        in_range(
            || format!("{at}.capacity_units"),
            a.capacity_units.into(),
            0,
            1_000_000,
        )?;
        let default = presences.get_index_of(&a.default_presence).ok_or_else(|| {
            ConfigError::UnknownReference {
                kind: IdKind::Presence,
                id: a.default_presence.as_str().to_owned(),
                field: format!("{at}.default_presence"),
            }
        })?;
        if default == presence::BUILTIN_INACTIVE {
            return Err(ConfigError::PresenceNotSelectable {
                field: format!("{at}.default_presence"),
                presence: a.default_presence.as_str().to_owned(),
            });
        }
        let mut held = Vec::with_capacity(a.capacity_profiles.len());
        for (k, p) in a.capacity_profiles.iter().enumerate() {
            let field = || format!("{at}.capacity_profiles[{k}]");
            let index =
                profiles
                    .get_index_of(&p.profile)
                    .ok_or_else(|| ConfigError::UnknownReference {
                        kind: IdKind::Profile,
                        id: p.profile.as_str().to_owned(),
                        field: field(),
                    })?;
            if held.iter().any(|&(h, _)| h == index) {
                return Err(ConfigError::DuplicateId {
                    kind: IdKind::Profile,
                    id: p.profile.as_str().to_owned(),
                    field: field(),
                });
            }
            let limit = p.limit.unwrap_or(profiles[index].limit);
            in_range(
                || format!("{}.limit", field()),
                limit.into(),
                1,
                MAX_PROFILE_LIMIT.into(),
            )?;
            held.push((index, limit));
        }
        let compiled = CompiledAgent {
            agent: a.clone(),
            default_presence: default,
            profiles: held,
        };
        if agents.insert(a.id.clone(), compiled).is_some() {
            return Err(ConfigError::DuplicateId {
                kind: IdKind::Agent,
                id: a.id.as_str().to_owned(),
                field: format!("{at}.id"),
            });
        }
    }

    Ok(agents)
}

fn compile_queues(
    list: &[super::Queue],
    agents: &CompiledAgents,
) -> Result<FastMap<QueueId, CompiledQueue>, ConfigError> {
    let mut queues = FastMap::with_capacity_and_hasher(list.len(), FastHash::default());
    for (i, q) in list.iter().enumerate() {
        let at = format!("queues[{i}]");
        not_empty(IdKind::Queue, q.id.as_str(), || format!("{at}.id"))?;
        if queues.contains_key(&q.id) {
            return Err(ConfigError::DuplicateId {
                kind: IdKind::Queue,
                id: q.id.as_str().to_owned(),
                field: format!("{at}.id"),
            });
        }
        let mut members = Vec::with_capacity(q.members.len());
        let mut seen = vec![false; agents.len()];
        for (m, agent) in q.members.iter().enumerate() {
            let field = || format!("{at}.members[{m}]");
            let index =
                agents
                    .get_index_of(agent)
                    .ok_or_else(|| ConfigError::UnknownReference {
                        kind: IdKind::Agent,
                        id: agent.as_str().to_owned(),
                        field: field(),
                    })?;
            if std::mem::replace(&mut seen[index], true) {
                return Err(ConfigError::DuplicateId {
                    kind: IdKind::Agent,
                    id: agent.as_str().to_owned(),
                    field: field(),
                });
            }
            members.push(index);
        }
        queues.insert(
            q.id.clone(),
            CompiledQueue {
                id: q.id.clone(),
                members,
                method: q.method,
            },
        );
    }

    Ok(queues)
}

fn check_contacts(list: &[super::Contact]) -> Result<(), ConfigError> {
    let mut contact_ids = IndexMap::with_capacity(list.len());
    for (i, c) in list.iter().enumerate() {
        let at = || format!("contacts[{i}].id");
        not_empty(IdKind::Contact, c.id.as_str(), at)?;
        if contact_ids.insert(c.id.clone(), ()).is_some() {
            return Err(ConfigError::DuplicateId {
                kind: IdKind::Contact,
                id: c.id.as_str().to_owned(),
                field: at(),
            });
        }
    }

    Ok(())
}
