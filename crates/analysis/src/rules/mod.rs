//! The rule catalog: the risky patterns of the seed documents, with stable ids.
//!
//! One rule per module, each documenting what it finds, why it matters (with the seed it comes
//! from), and how to fix it. A rule reads the [`Context`] and returns findings; `run` collects
//! them, sorted so that what matters most comes first: by severity, then by reach.

use blastmap_model::{AttachedIdentity, Inventory, Key, Resource, UserAssignedIdentity, compare_texts};
use petgraph::graph::NodeIndex;
use rustc_hash::FxHashMap;
use std::cmp::Reverse;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::environment::Environments;
use crate::graph::{AccessGraph, NodeKey, NodeKind};
use crate::permissions::Permissions;
use crate::radius::{Coverage, Reach};

pub mod bm001_identity_shared_across_environments;
pub mod bm002_broad_scope_assignment;
pub mod bm003_privileged_identity_role;
pub mod bm004_cross_environment_reach;
pub mod bm005_isolation_scope_could_be_regional;
pub mod bm006_identity_used_across_regions;
pub mod bm007_isolation_scope_violation;
pub mod bm008_orphaned_role_assignment;
pub mod bm009_unused_user_assigned_identity;
pub mod bm010_imds_default_identity_ambiguity;
pub mod bm011_group_granted_identity_permission;
pub mod bm012_code_execution_inherits_identity;
pub mod bm013_identity_assignable_by_others;
pub mod bm014_federated_credential_trust;
pub mod bm015_lateral_movement_chain;
pub mod bm016_ownership_ambiguity;
pub mod bm017_system_assigned_duplication;
pub mod bm018_cross_tenant_reference;
pub mod bm019_identity_region_mismatch;

/// How serious a finding is.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Worth knowing.
    Info,
    /// Tidy up.
    Low,
    /// Fix soon.
    Medium,
    /// Fix now.
    High,
    /// A compromise of something small reaches something that matters.
    Critical,
}

impl Severity {
    /// Every severity, most serious first.
    pub const ALL: [Severity; 5] =
        [Severity::Critical, Severity::High, Severity::Medium, Severity::Low, Severity::Info];

    /// Lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Critical => "critical",
            Severity::High => "high",
            Severity::Medium => "medium",
            Severity::Low => "low",
            Severity::Info => "info",
        }
    }

    /// Reads a name (any case).
    pub fn parse(text: &str) -> Option<Severity> {
        Severity::ALL.into_iter().find(|s| s.as_str().eq_ignore_ascii_case(text))
    }
}

/// One finding.
#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    /// Stable rule id (`BM001`).
    pub rule: &'static str,
    /// Rule name (`identity-shared-across-environments`).
    pub name: &'static str,
    /// Severity.
    pub severity: Severity,
    /// A short title.
    pub title: String,
    /// What the finding is about, by lower-cased id, most important first.
    pub subjects: Vec<String>,
    /// One sentence that explains it.
    pub message: String,
    /// The assignments, attachments or paths that show it.
    pub evidence: Vec<String>,
    /// What to change, with an az CLI command where one exists.
    pub fix: String,
    /// How many resources are at stake (the sort key after severity).
    pub reach: usize,
    /// How many more subjects there are than `subjects` names (see [`SUBJECTS_SHOWN`]).
    pub subjects_omitted: usize,
}

/// Subjects a finding names before it only counts the rest: enough to act on and to light up
/// in the graph, few enough that a tenant's findings stay readable (a Contributor on a
/// subscription of 2,000 identities is one finding, not a list of 2,000).
pub const SUBJECTS_SHOWN: usize = 25;
/// Evidence lines a finding lists before it says how many more there are.
pub const EVIDENCE_SHOWN: usize = 10;

/// Caps a finding's subjects (rules cap their evidence themselves, with [`evidence_of`]).
fn trimmed(mut finding: Finding) -> Finding {
    if finding.subjects.len() > SUBJECTS_SHOWN {
        finding.subjects_omitted += finding.subjects.len() - SUBJECTS_SHOWN;
        finding.subjects.truncate(SUBJECTS_SHOWN);
    }
    finding
}

/// `1 source`, `3 sources`: a count in a finding's words.
pub(crate) fn count(n: usize, one: &str, many: &str) -> String {
    if n == 1 { format!("1 {one}") } else { format!("{n} {many}") }
}

/// At most [`EVIDENCE_SHOWN`] lines of `all` (made only for those shown), then how many more:
/// every rule whose evidence is a list makes it with this, since on a large tenant a list can
/// run to thousands of lines.
pub(crate) fn evidence_of<T>(all: &[T], line: impl Fn(&T) -> String) -> Vec<String> {
    evidence_counted(all.iter().map(line), all.len())
}

/// [`evidence_of`] a list known by its first lines (made only for those shown) and its length.
pub(crate) fn evidence_counted(lines: impl Iterator<Item = String>, count: usize) -> Vec<String> {
    let mut shown: Vec<String> = lines.take(EVIDENCE_SHOWN).collect();
    if count > EVIDENCE_SHOWN {
        shown.push(format!("and {} more", count - EVIDENCE_SHOWN));
    }
    shown
}

/// A finding's subjects: `lead`, then the ids of `rest` up to [`SUBJECTS_SHOWN`] in all (made
/// only for those shown), and how many of `rest` are left out.
pub(crate) fn subjects_of<T>(lead: String, rest: &[T], id: impl Fn(&T) -> String) -> (Vec<String>, usize) {
    subjects_counted(lead, rest.iter().map(id), rest.len())
}

/// [`subjects_of`] a list known by its first ids (made only for those shown) and its length.
pub(crate) fn subjects_counted(lead: String, ids: impl Iterator<Item = String>, count: usize) -> (Vec<String>, usize) {
    let mut subjects = vec![lead];
    subjects.extend(ids.take(SUBJECTS_SHOWN - 1));
    let omitted = count + 1 - subjects.len();
    (subjects, omitted)
}

/// What rules read.
pub struct Context<'a> {
    /// The inventory.
    pub inventory: &'a Inventory,
    /// Its access graph.
    pub access: &'a AccessGraph,
    /// Environments.
    pub environments: &'a Environments,
    /// Effective permissions.
    pub permissions: &'a Permissions<'a>,
    /// What each scope covers.
    pub coverage: &'a Coverage,
    /// What every node reaches.
    pub reach: &'a Reach,
}

/// A user-assigned identity with the sources it is attached to (each once).
pub struct Shared<'a> {
    /// The identity.
    pub identity: &'a UserAssignedIdentity,
    /// Its own resource record (name, region, tags), when the inventory has one.
    pub resource: Option<&'a Resource>,
    /// The resources it is attached to, in no particular order: [`in_id_order`] sorts those a
    /// finding lists (sorting every identity's by text costs more than all the rest).
    pub sources: Vec<&'a Resource>,
}

impl<'a> Shared<'a> {
    /// The identity's name.
    pub fn name(&self) -> &'a str {
        self.resource.map_or("", |r| r.name.as_str())
    }

    /// The identity's region.
    pub fn region(&self) -> Option<&'a str> {
        self.resource.and_then(|r| r.region.as_deref())
    }

    /// The identity's region, with its sources whose region is known and not that one, and how
    /// many sources have a known region; `None` when the identity's region is unknown.
    pub fn away(&self) -> Option<(&'a str, Vec<&'a Resource>, usize)> {
        let home = self.region()?;
        let known = self.sources.iter().filter(|r| r.region.is_some()).count();
        let away = self.sources.iter().copied().filter(|r| r.region.is_some() && r.region.as_deref() != Some(home));
        Some((home, away.collect(), known))
    }
}

/// Every user-assigned identity's sources, in the order of the inventory's attachments (a source
/// attached twice, in two ways, is listed twice): one pass over the attachments for all
/// identities, rather than one per identity.
pub(crate) fn sources_by_identity(inventory: &Inventory) -> FxHashMap<Key, Vec<Key>> {
    let mut sources: FxHashMap<Key, Vec<Key>> = FxHashMap::default();
    for attachment in inventory.attachments() {
        if let AttachedIdentity::User(id) = attachment.identity {
            sources.entry(id).or_default().push(attachment.source);
        }
    }
    sources
}

/// Per principal id (by key index), the managed identity that acts for it: its node and the id
/// a finding names it by (a system-assigned identity by its source). Rules that look at every
/// role assignment read this table instead of hashing 200,000 principal ids; only identities'
/// principal ids can lead to an identity's node.
pub(crate) fn identity_principals(ctx: &Context<'_>) -> Vec<Option<(NodeIndex, Key)>> {
    let g = &ctx.access.graph;
    let inventory = ctx.inventory;
    let mut table = vec![None; inventory.keys.len()];
    let user = inventory.identities().iter().filter_map(|i| i.principal_id);
    let system = inventory.attachments().iter().filter_map(|a| match a.identity {
        AttachedIdentity::System { principal_id } => principal_id,
        AttachedIdentity::User(_) => None,
    });
    for principal in user.chain(system) {
        let Some(node) = ctx.access.node_of_principal(principal) else { continue };
        let subject = match (g[node].kind, g[node].key) {
            (NodeKind::UserAssignedIdentity, NodeKey::Arm(id)) | (NodeKind::SystemIdentity, NodeKey::System(id)) => id,
            _ => continue,
        };
        if let Some(slot) = table.get_mut(principal.index()) {
            *slot = Some((node, subject));
        }
    }
    table
}

/// Every user-assigned identity with its sources.
pub fn identities_with_sources<'a>(inventory: &'a Inventory) -> Vec<Shared<'a>> {
    let mut sources = sources_by_identity(inventory);
    inventory
        .identities()
        .iter()
        .map(|identity| {
            let mut keys = sources.remove(&identity.id).unwrap_or_default();
            keys.sort_unstable();
            keys.dedup();
            Shared {
                identity,
                resource: inventory.resource(identity.id),
                sources: keys.into_iter().filter_map(|k| inventory.resource(k)).collect(),
            }
        })
        .collect()
}

/// Resources in the order findings list them: by id.
pub fn in_id_order<'a>(inventory: &Inventory, mut resources: Vec<&'a Resource>) -> Vec<&'a Resource> {
    resources.sort_by(|a, b| compare_texts(inventory.text(a.id), inventory.text(b.id)));
    resources
}

/// The lower-cased id a finding names a node by: its ARM id or object id; a system-assigned
/// identity by its source's ARM id.
pub fn subject_id(inventory: &Inventory, access: &AccessGraph, node: NodeIndex) -> String {
    match access.graph[node].key {
        NodeKey::Arm(k) | NodeKey::Principal(k) | NodeKey::Federated(k) | NodeKey::System(k) => {
            inventory.text(k).to_owned()
        }
    }
}

/// A rule of the catalog: its stable id and its check.
#[derive(Copy, Clone)]
pub struct Rule {
    /// Stable rule id (`BM001`).
    pub id: &'static str,
    /// Finds the rule's findings.
    pub check: fn(&Context<'_>) -> Vec<Finding>,
}

/// Every rule, in id order.
pub const RULES: [Rule; 19] = [
    Rule { id: bm001_identity_shared_across_environments::ID, check: bm001_identity_shared_across_environments::check },
    Rule { id: bm002_broad_scope_assignment::ID, check: bm002_broad_scope_assignment::check },
    Rule { id: bm003_privileged_identity_role::ID, check: bm003_privileged_identity_role::check },
    Rule { id: bm004_cross_environment_reach::ID, check: bm004_cross_environment_reach::check },
    Rule { id: bm005_isolation_scope_could_be_regional::ID, check: bm005_isolation_scope_could_be_regional::check },
    Rule { id: bm006_identity_used_across_regions::ID, check: bm006_identity_used_across_regions::check },
    Rule { id: bm007_isolation_scope_violation::ID, check: bm007_isolation_scope_violation::check },
    Rule { id: bm008_orphaned_role_assignment::ID, check: bm008_orphaned_role_assignment::check },
    Rule { id: bm009_unused_user_assigned_identity::ID, check: bm009_unused_user_assigned_identity::check },
    Rule { id: bm010_imds_default_identity_ambiguity::ID, check: bm010_imds_default_identity_ambiguity::check },
    Rule { id: bm011_group_granted_identity_permission::ID, check: bm011_group_granted_identity_permission::check },
    Rule { id: bm012_code_execution_inherits_identity::ID, check: bm012_code_execution_inherits_identity::check },
    Rule { id: bm013_identity_assignable_by_others::ID, check: bm013_identity_assignable_by_others::check },
    Rule { id: bm014_federated_credential_trust::ID, check: bm014_federated_credential_trust::check },
    Rule { id: bm015_lateral_movement_chain::ID, check: bm015_lateral_movement_chain::check },
    Rule { id: bm016_ownership_ambiguity::ID, check: bm016_ownership_ambiguity::check },
    Rule { id: bm017_system_assigned_duplication::ID, check: bm017_system_assigned_duplication::check },
    Rule { id: bm018_cross_tenant_reference::ID, check: bm018_cross_tenant_reference::check },
    Rule { id: bm019_identity_region_mismatch::ID, check: bm019_identity_region_mismatch::check },
];

/// Sorts findings so that what matters most comes first: by severity, then reach, then rule and
/// subjects; subjects are capped first (see [`SUBJECTS_SHOWN`]).
pub fn ranked(findings: Vec<Finding>) -> Vec<Finding> {
    let findings: Vec<Finding> = findings.into_iter().map(trimmed).collect();
    // Sorted as small keys that end in the finding's index (so ties keep their order), then by
    // subjects only among equal keys; each finding is then moved once: a finding is too large
    // to move about, and its subjects are far away in memory.
    let mut order: Vec<(Reverse<Severity>, Reverse<usize>, &str, usize)> =
        findings.iter().enumerate().map(|(at, f)| (Reverse(f.severity), Reverse(f.reach), f.rule, at)).collect();
    order.sort_unstable();
    for ties in order.chunk_by_mut(|a, b| (a.0, a.1, a.2) == (b.0, b.1, b.2)) {
        ties.sort_by(|a, b| {
            let (a, b) = (&findings[a.3].subjects, &findings[b.3].subjects);
            a.iter()
                .zip(b)
                .map(|(x, y)| compare_texts(x, y))
                .find(|order| order.is_ne())
                .unwrap_or(a.len().cmp(&b.len()))
        });
    }
    let mut slots: Vec<Option<Finding>> = findings.into_iter().map(Some).collect();
    order.into_iter().filter_map(|(.., at)| slots.get_mut(at).and_then(Option::take)).collect()
}

/// Runs every rule; findings [`ranked`].
///
/// Rules only read the context, so where there is a spare core two threads take the rules in
/// turn, each the next one not yet taken; the findings are gathered in rule order either way.
pub fn run(context: &Context<'_>) -> Vec<Finding> {
    let next = AtomicUsize::new(0);
    let take_rules = || {
        let mut done = Vec::new();
        while let Some(rule) = RULES.get(next.fetch_add(1, Ordering::Relaxed)) {
            done.push((rule.id, (rule.check)(context)));
        }
        done
    };
    let (mut done, other) = blastmap_model::threads::join(take_rules, take_rules);
    done.extend(other);
    done.sort_unstable_by_key(|&(id, _)| id);
    ranked(done.into_iter().flat_map(|(_, findings)| findings).collect())
}

/// Runs the rules over an inventory, building what they need.
pub fn analyze(inventory: &Inventory) -> Vec<Finding> {
    let (environments, permissions) =
        blastmap_model::threads::join(|| Environments::new(inventory), || Permissions::new(inventory));
    let (access, coverage) = blastmap_model::threads::join(
        || AccessGraph::build_with(inventory, &environments, &permissions),
        || Coverage::new(inventory),
    );
    let reach = Reach::new(&access, &coverage);
    run(&Context {
        inventory,
        access: &access,
        environments: &environments,
        permissions: &permissions,
        coverage: &coverage,
        reach: &reach,
    })
}
