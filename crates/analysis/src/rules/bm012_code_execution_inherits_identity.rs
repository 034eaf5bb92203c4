//! **BM012 code-execution-inherits-identity** (high when it gives more than the principal
//! holds itself, else medium).
//!
//! *What:* a person, group or application can run code on a source (table of code-execution
//! actions per type), and so holds every identity on it.
//!
//! *Why (seed 002):* "if a user has access to install or execute code on this resource, then
//! the user has access to all the identities assigned/associated to the Azure resource ...
//! Alice, who doesn't have direct access to the storage account but has permission to execute
//! code within LogicApp3388 can also read/write data".
//!
//! *Fix:* give the principal a role that cannot run code there (a reader role, or deployment
//! through a pipeline), or scope the source's identities down.

use petgraph::graph::{EdgeIndex, NodeIndex};
use petgraph::visit::EdgeRef;
use rustc_hash::FxHashMap;
use std::collections::BTreeMap;

use super::{Context, Finding, SUBJECTS_SHOWN, Severity, evidence_of, subject_id, subjects_counted};
use crate::graph::{EdgeKind, NodeKind, Takes};
use crate::radius::{self, Mode};

/// Rule id.
pub const ID: &str = "BM012";
/// Rule name.
pub const NAME: &str = "code-execution-inherits-identity";

/// What one scope's Controls edges of one kind of take hand over, listed once however many
/// principals hold them: the sources and the union of their direct radii.
struct Controlled {
    sources: Vec<NodeIndex>,
    reach: Vec<(u32, u32)>,
    /// The sources' places in label order, sorted.
    places: Vec<usize>,
}

/// Finds principals who inherit identities by running code: one finding per principal, with
/// every source it controls.
pub fn check(ctx: &Context<'_>) -> Vec<Finding> {
    let g = &ctx.access.graph;
    // Per principal, the Controls edges that say what it runs code on.
    let mut controls: BTreeMap<NodeIndex, Vec<EdgeIndex>> = BTreeMap::new();
    let mut controlled: FxHashMap<(NodeIndex, Takes), Controlled> = FxHashMap::default();
    for edge in g.edge_references().filter(|e| e.weight().kind == EdgeKind::Controls) {
        if matches!(g[edge.source()].kind, NodeKind::Principal(_)) {
            controls.entry(edge.source()).or_default().push(edge.id());
            controlled.entry((edge.target(), edge.weight().takes)).or_insert_with(|| {
                let sources: Vec<NodeIndex> = ctx.access.taken(edge.id()).collect();
                let reach = radius::union(sources.iter().map(|&s| ctx.reach.runs(s, Mode::Direct)));
                Controlled { sources, reach, places: Vec::new() }
            });
        }
    }
    // Sources are listed by label (then index): each source's place in that order, found once.
    let mut by_label: Vec<NodeIndex> = controlled.values().flat_map(|c| c.sources.iter().copied()).collect();
    by_label.sort_unstable();
    by_label.dedup();
    // Sorted with each label read once from its node, not twice per comparison.
    let mut labelled: Vec<(&str, NodeIndex)> = by_label.iter().map(|&n| (g[n].label.as_str(), n)).collect();
    labelled.sort_unstable();
    let by_label: Vec<NodeIndex> = labelled.into_iter().map(|(_, n)| n).collect();
    // By node index (a table, not a hash map: the lists together name a subscription's sources
    // many times over).
    let mut place: Vec<Option<usize>> = vec![None; g.node_count()];
    for (at, &node) in by_label.iter().enumerate() {
        if let Some(slot) = place.get_mut(node.index()) {
            *slot = Some(at);
        }
    }
    for list in controlled.values_mut() {
        list.places = list.sources.iter().filter_map(|s| place.get(s.index()).copied().flatten()).collect();
        list.places.sort_unstable();
        list.places.dedup();
    }
    // Per source place, the principal that last counted it.
    let mut seen: Vec<NodeIndex> = vec![NodeIndex::end(); by_label.len()];
    let mut buffer = Vec::new();
    let mut findings = Vec::new();
    for (who, edges) in controls {
        let lists: Vec<&Controlled> = edges
            .iter()
            .filter_map(|&e| {
                let (_, target) = g.edge_endpoints(e)?;
                controlled.get(&(target, g[e].takes))
            })
            .collect();
        // How many sources, counted once each (principals hold many overlapping scopes), and
        // the first of them in label order: among the first of each list.
        let mut count = 0;
        for list in &lists {
            for &at in &list.places {
                if seen[at] != who {
                    seen[at] = who;
                    count += 1;
                }
            }
        }
        let mut first: Vec<usize> = lists.iter().flat_map(|c| c.places.iter().take(SUBJECTS_SHOWN).copied()).collect();
        first.sort_unstable();
        first.dedup();
        let sources: Vec<NodeIndex> = first.iter().filter_map(|&at| by_label.get(at).copied()).collect();
        // What the sources' identities reach that the principal does not reach itself.
        let own = ctx.reach.runs(who, Mode::Direct);
        let through = lists.iter().map(|c| c.reach.as_slice());
        let gained = radius::union_size_with(&mut buffer, through.chain([own])) - ctx.reach.count(who, Mode::Direct);
        let person = &g[who].label;
        let hosts = || sources.iter().map(|s| g[*s].label.as_str()).collect::<Vec<_>>().join(", ");
        // Ids only for the sources shown: a subscription's Contributor controls thousands.
        let ids = sources.iter().map(|&s| subject_id(ctx.inventory, ctx.access, s));
        let (subjects, subjects_omitted) = subjects_counted(subject_id(ctx.inventory, ctx.access, who), ids, count);
        let what = if count == 1 { hosts() } else { format!("{count} sources") };
        findings.push(Finding {
            rule: ID,
            name: NAME,
            severity: if gained == 0 { Severity::Medium } else { Severity::High },
            title: format!("{person} can act as the identities of {what}"),
            subjects,
            message: format!(
                "{person} can run code on {}, and so use their identities: {} that {person} cannot reach alone.",
                if count <= 3 { hosts() } else { what.clone() },
                super::count(gained, "resource", "resources")
            ),
            evidence: evidence_of(&edges, |&e| ctx.access.reason(e).into_owned()),
            fix: format!(
                "Give {person} roles that cannot run code on these sources (a reader role, or deployment through a \
                 pipeline), or narrow what their identities may do."
            ),
            reach: gained,
            subjects_omitted,
        });
    }
    findings
}
