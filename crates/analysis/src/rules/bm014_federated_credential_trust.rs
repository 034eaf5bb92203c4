//! **BM014 federated-credential-trust** (medium; high when the identity is privileged or others
//! can write its federated credentials).
//!
//! *What:* a user-assigned identity trusts an external issuer and subject (a pipeline, a
//! cluster's service account).
//!
//! *Why (seed 001):* "Identity used for automation pipelines: lateral movement". Whoever
//! controls the pipeline (its repository, branch, or runner) signs in as the identity; whoever
//! can add a federated credential can make any subject trusted.
//!
//! *Fix:* trust the narrowest subject (an environment or protected branch, not a whole repo),
//! keep the identity's roles minimal, and restrict who can write its federated credentials.

use std::collections::BTreeMap;

use super::{Context, Finding, Severity, count, evidence_of, subject_id};
use crate::graph::{EdgeKind, NodeKey};
use crate::permissions::{Access, scopes_above};
use crate::radius::Mode;

/// Rule id.
pub const ID: &str = "BM014";
/// Rule name.
pub const NAME: &str = "federated-credential-trust";

/// Finds identities trusted by external workloads.
pub fn check(ctx: &Context<'_>) -> Vec<Finding> {
    let inventory = ctx.inventory;
    let g = &ctx.access.graph;
    let mut by_identity: BTreeMap<blastmap_model::Key, Vec<&blastmap_model::FederatedCredential>> = BTreeMap::new();
    for credential in inventory.federated_credentials() {
        by_identity.entry(credential.identity).or_default().push(credential);
    }
    by_identity
        .into_iter()
        .filter_map(|(identity, credentials)| {
            let node = ctx.access.node(NodeKey::Arm(identity))?;
            let name = &g[node].label;
            let privileged = g.edges(node).any(|e| e.weight().access == Some(Access::ControlWrite));
            let above = scopes_above(inventory, inventory.text(identity));
            let mut takers: Vec<String> = ctx
                .access
                .takers(node, &above)
                .filter(|&e| g[e].kind == EdgeKind::TakesOver)
                .filter_map(|e| g.edge_endpoints(e))
                .filter(|&(taker, _)| taker != node)
                .map(|(taker, _)| g[taker].label.clone())
                .collect();
            takers.sort();
            takers.dedup();
            let severity = if privileged || !takers.is_empty() { Severity::High } else { Severity::Medium };
            let mut why = Vec::new();
            if privileged {
                why.push("it can change resources".to_owned());
            }
            if !takers.is_empty() {
                why.push(format!("{} can add more trusted subjects", takers.join(", ")));
            }
            let trusted = evidence_of(&credentials, |c| {
                let subject = c.subject.as_deref().or(c.claims_expression.as_deref()).unwrap_or_default();
                format!("{} trusts {} for {subject} ({})", name, c.issuer, c.name)
            });
            Some(Finding {
                rule: ID,
                name: NAME,
                severity,
                title: format!("{name} trusts {}", count(credentials.len(), "external subject", "external subjects")),
                subjects: vec![subject_id(inventory, ctx.access, node)],
                message: format!(
                    "Whoever controls {} signs in as {name}{}.",
                    credentials.iter().map(|c| c.subject.as_deref().unwrap_or("the claims expression")).collect::<Vec<_>>().join(", "),
                    if why.is_empty() { String::new() } else { format!(", and {}", why.join("; ")) }
                ),
                evidence: trusted,
                fix: format!(
                    "Trust the narrowest subject (a protected environment or branch), keep {name}'s roles minimal, and limit who \
                     may write its federated credentials: `az identity federated-credential list --identity-name {name} \
                     --resource-group {}`.",
                    blastmap_model::arm::resource_group(inventory.text(identity)).unwrap_or("<rg>")
                ),
                reach: ctx.reach.count(node, Mode::Transitive),
                subjects_omitted: 0,
            })
        })
        .collect()
}
