//! **BM010 imds-default-identity-ambiguity** (low).
//!
//! *What:* a source with two or more user-assigned identities and no system-assigned one.
//!
//! *Why (seed 004):* "If another user assigned managed identity is assigned to the resource
//! for any reason, your requests to IMDS will start failing": code that asks for a token
//! without naming a client id breaks, and every piece of code on the host can take every one
//! of its identities, so each identity's access is shared by all workloads there.
//!
//! *Fix:* one identity per host where possible; otherwise name the client id in every token
//! request.

use std::collections::BTreeMap;

use blastmap_model::{AttachedIdentity, Key};

use super::{Context, Finding, Severity, evidence_of};

/// Rule id.
pub const ID: &str = "BM010";
/// Rule name.
pub const NAME: &str = "imds-default-identity-ambiguity";

/// Finds hosts with several user-assigned identities and no system-assigned one.
pub fn check(ctx: &Context<'_>) -> Vec<Finding> {
    let inventory = ctx.inventory;
    let mut hosts: BTreeMap<Key, (Vec<Key>, bool)> = BTreeMap::new();
    for attachment in inventory.attachments() {
        let (users, system) = hosts.entry(attachment.source).or_default();
        match attachment.identity {
            AttachedIdentity::User(id) if !users.contains(&id) => users.push(id),
            AttachedIdentity::User(_) => {}
            AttachedIdentity::System { .. } => *system = true,
        }
    }
    let name = |k: Key| inventory.resource(k).map_or_else(|| inventory.text(k), |r| r.name.as_str());
    hosts
        .into_iter()
        .filter(|(_, (users, system))| users.len() >= 2 && !system)
        .map(|(host, (users, _))| {
            let names: Vec<&str> = users.iter().map(|&u| name(u)).collect();
            let host_name = name(host);
            let mut subjects = vec![inventory.text(host).to_owned()];
            subjects.extend(users.iter().map(|&u| inventory.text(u).to_owned()));
            Finding {
                rule: ID,
                name: NAME,
                severity: Severity::Low,
                title: format!("{host_name} carries {} user-assigned identities", users.len()),
                subjects,
                message: format!(
                    "{} carries {} and no system-assigned identity: token requests that do not name a client id fail, \
                     and every workload on it can take every one of them.",
                    host_name,
                    names.join(", ")
                ),
                evidence: evidence_of(&names, |n| format!("{host_name} uses {n}")),
                fix: "Keep one identity per host where possible; otherwise pass the client id (or resource id) of the \
                      intended identity in every token request."
                    .to_owned(),
                reach: users.len(),
                subjects_omitted: 0,
            }
        })
        .collect()
}
