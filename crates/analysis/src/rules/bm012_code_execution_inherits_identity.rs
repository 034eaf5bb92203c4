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

use super::{Context, Finding, Severity, subject_id};
use crate::graph::{EdgeKind, NodeKind};
use crate::radius::{Mode, radius};

/// Rule id.
pub const ID: &str = "BM012";
/// Rule name.
pub const NAME: &str = "code-execution-inherits-identity";

/// Finds principals who inherit identities by running code.
pub fn check(ctx: &Context<'_>) -> Vec<Finding> {
    let g = &ctx.access.graph;
    let mut findings = Vec::new();
    for edge in g.edge_references().filter(|e| e.weight().kind == EdgeKind::Controls) {
        let (who, source) = (edge.source(), edge.target());
        if !matches!(g[who].kind, NodeKind::Principal(_)) {
            continue;
        }
        let own: std::collections::HashSet<_> =
            radius(ctx.access, ctx.coverage, who, Mode::Direct).into_iter().map(|r| r.resource).collect();
        let through: Vec<_> = radius(ctx.access, ctx.coverage, source, Mode::Direct)
            .into_iter()
            .filter(|r| !own.contains(&r.resource))
            .collect();
        let (person, host) = (&g[who].label, &g[source].label);
        let identities: Vec<&str> = g
            .edges(source)
            .filter(|e| e.weight().kind == EdgeKind::CanUse)
            .map(|e| g[e.target()].label.as_str())
            .collect();
        findings.push(Finding {
            rule: ID,
            name: NAME,
            severity: if through.is_empty() { Severity::Medium } else { Severity::High },
            title: format!("{person} can act as {host}'s identities"),
            subjects: vec![subject_id(ctx.inventory, ctx.access, who), subject_id(ctx.inventory, ctx.access, source)],
            message: format!(
                "{person} can run code on {host} and so use {}: {} resource(s) that {person} cannot reach alone.",
                identities.join(", "),
                through.len()
            ),
            evidence: vec![edge.weight().reason.clone()],
            fix: format!(
                "Give {person} a role on {host} that cannot run code (a reader role, or deploy through a pipeline), or narrow \
                 what {} may do.",
                identities.join(", ")
            ),
            reach: through.len(),
        });
    }
    findings
}
