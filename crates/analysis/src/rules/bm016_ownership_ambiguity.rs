//! **BM016 ownership-ambiguity** (medium when owners differ, low when nobody owns it).
//!
//! *What:* a user-assigned identity shared by sources with different owner or team tags, or
//! shared by several sources while neither it nor they name an owner.
//!
//! *Why (seed 001):* "Shared identity across teams: ownership ambiguity"; "ensure ownership
//! clarity for identities assigned across shared workloads". Nobody can safely change the
//! roles of an identity that several teams depend on, so its roles only grow.
//!
//! *Decision:* owner tags are those whose name contains `owner` or `team`, any case.

use std::collections::BTreeSet;

use blastmap_model::Tags;

use super::{Context, Finding, Severity, evidence_of, sources_by_identity, subjects_of};

/// Rule id.
pub const ID: &str = "BM016";
/// Rule name.
pub const NAME: &str = "ownership-ambiguity";

fn owner(tags: &Tags) -> Option<&str> {
    tags.0
        .iter()
        .find(|(k, v)| (contains_ignoring_case(k, "owner") || contains_ignoring_case(k, "team")) && !v.is_empty())
        .map(|(_, v)| v.as_str())
}

/// Whether `text` contains the ASCII `word` in any case, without lower-casing a copy of `text`
/// (tag names are read once per source of every shared identity).
fn contains_ignoring_case(text: &str, word: &str) -> bool {
    text.as_bytes().windows(word.len()).any(|w| w.eq_ignore_ascii_case(word.as_bytes()))
}

/// Finds shared identities whose ownership is unclear.
pub fn check(ctx: &Context<'_>) -> Vec<Finding> {
    let inventory = ctx.inventory;
    let attached = sources_by_identity(inventory);
    let mut findings = Vec::new();
    for identity in inventory.identities() {
        let Some(attached) = attached.get(&identity.id) else { continue };
        let mut sources: Vec<_> = attached.iter().filter_map(|&k| inventory.resource(k)).collect();
        sources.sort_by_key(|r| r.id);
        sources.dedup_by_key(|r| r.id);
        if sources.len() < 2 {
            continue;
        }
        let name = inventory.resource(identity.id).map_or("", |r| r.name.as_str());
        let identity_owner = inventory.resource(identity.id).and_then(|r| owner(&r.tags));
        let owners: BTreeSet<&str> = sources.iter().filter_map(|s| owner(&s.tags)).collect();
        let (severity, message) = match (owners.len(), identity_owner) {
            (0, None) => (
                Severity::Low,
                format!("{name} is shared by {} sources and neither it nor they name an owner.", sources.len()),
            ),
            (0 | 1, _) => continue,
            _ => (
                Severity::Medium,
                format!(
                    "{name} is shared by sources of different owners ({}): nobody can change its roles without \
                     breaking someone else.",
                    owners.iter().copied().collect::<Vec<_>>().join(", ")
                ),
            ),
        };
        let (subjects, subjects_omitted) =
            subjects_of(inventory.text(identity.id).to_owned(), &sources, |s| inventory.text(s.id).to_owned());
        findings.push(Finding {
            rule: ID,
            name: NAME,
            severity,
            title: format!("{name} has no single owner"),
            subjects,
            message,
            evidence: evidence_of(&sources, |s| {
                format!("{} (owner: {}) uses {name}", s.name, owner(&s.tags).unwrap_or("none"))
            }),
            fix: format!(
                "Give each owning team its own identity, and tag {name} with the team that owns it: \
                 `az resource tag --ids {} --tags owner=<team>`.",
                inventory.text(identity.id)
            ),
            reach: sources.len(),
            subjects_omitted,
        });
    }
    findings
}
