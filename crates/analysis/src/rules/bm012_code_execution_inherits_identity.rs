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

use petgraph::visit::EdgeRef;

use super::{Context, Finding, SUBJECTS_SHOWN, Severity, evidence_of, subject_id};
use crate::graph::{EdgeKind, NodeKind};
use crate::radius::{Mode, union_size};
use petgraph::graph::{EdgeIndex, NodeIndex};
use std::collections::BTreeMap;

/// Rule id.
pub const ID: &str = "BM012";
/// Rule name.
pub const NAME: &str = "code-execution-inherits-identity";

/// Finds principals who inherit identities by running code: one finding per principal, with
/// every source it controls.
pub fn check(ctx: &Context<'_>) -> Vec<Finding> {
    let g = &ctx.access.graph;
    // Per principal: the sources it runs code on, and the edges that say so.
    let mut controls: BTreeMap<NodeIndex, (Vec<NodeIndex>, Vec<EdgeIndex>)> = BTreeMap::new();
    for edge in g.edge_references().filter(|e| e.weight().kind == EdgeKind::Controls) {
        if matches!(g[edge.source()].kind, NodeKind::Principal(_)) {
            let (sources, reasons) = controls.entry(edge.source()).or_default();
            sources.extend(ctx.access.taken(edge.id()));
            reasons.push(edge.id());
        }
    }
    let mut findings = Vec::new();
    for (who, (mut sources, reasons)) in controls {
        sources.sort_by(|a, b| g[*a].label.cmp(&g[*b].label).then(a.cmp(b)));
        sources.dedup();
        // What the sources' identities reach that the principal does not reach itself.
        let own = ctx.reach.runs(who, Mode::Direct);
        let through = sources.iter().map(|&source| ctx.reach.runs(source, Mode::Direct));
        let gained = union_size(through.chain([own])) - union_size([own]);
        let person = &g[who].label;
        let hosts: Vec<&str> = sources.iter().map(|s| g[*s].label.as_str()).collect();
        let evidence = evidence_of(&reasons, |&e| g[e].reason.clone());
        let mut subjects = vec![subject_id(ctx.inventory, ctx.access, who)];
        // Ids only for the sources shown: a subscription's Contributor controls thousands.
        let listed = sources.iter().take(SUBJECTS_SHOWN - 1);
        subjects.extend(listed.map(|s| subject_id(ctx.inventory, ctx.access, *s)));
        let subjects_omitted = sources.len() + 1 - subjects.len();
        let what = if sources.len() == 1 { hosts[0].to_owned() } else { format!("{} sources", sources.len()) };
        findings.push(Finding {
            rule: ID,
            name: NAME,
            severity: if gained == 0 { Severity::Medium } else { Severity::High },
            title: format!("{person} can act as the identities of {what}"),
            subjects,
            message: format!(
                "{person} can run code on {}, and so use their identities: {} resource(s) that {person} cannot reach alone.",
                if sources.len() <= 3 { hosts.join(", ") } else { what.clone() },
                gained
            ),
            evidence,
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
