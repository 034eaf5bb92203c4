//! **BM018 cross-tenant-reference** (medium).
//!
//! *What:* an identity whose tenant differs from the inventory's, or a federated credential
//! whose issuer names another Microsoft Entra tenant.
//!
//! *Why (seed 004):* "managed identities don't currently support cross-directory scenarios"; a
//! reference into another tenant is either stale (a moved subscription: "you have to manually
//! re-create them") or trust that leaves the organisation's control.
//!
//! *Decision:* the inventory's tenant is the one most identities name; with no tenant ids in
//! the inputs the rule stays silent.

use std::collections::BTreeMap;

use super::{Context, Finding, Severity};

/// Rule id.
pub const ID: &str = "BM018";
/// Rule name.
pub const NAME: &str = "cross-tenant-reference";

/// The Entra tenant GUID an issuer URL names (`login.microsoftonline.com/<tenant>/v2.0`,
/// `sts.windows.net/<tenant>/`, AKS `oic.prod-aks.azure.com/<tenant>/<issuer>`).
fn issuer_tenant(issuer: &str) -> Option<String> {
    let lower = issuer.to_ascii_lowercase();
    let known =
        ["login.microsoftonline.com/", "sts.windows.net/", "oic.prod-aks.azure.com/", "oidc.prod-aks.azure.com/"];
    let after = known.iter().find_map(|host| lower.split_once(host).map(|(_, rest)| rest.to_owned()))?;
    let tenant = after.split('/').next()?;
    (tenant.len() == 36 && tenant.matches('-').count() == 4).then(|| tenant.to_owned())
}

/// Finds references to other tenants.
pub fn check(ctx: &Context<'_>) -> Vec<Finding> {
    let inventory = ctx.inventory;
    let mut votes: BTreeMap<&str, usize> = BTreeMap::new();
    for identity in inventory.identities() {
        if let Some(tenant) = identity.tenant_id {
            *votes.entry(inventory.text(tenant)).or_default() += 1;
        }
    }
    let Some((home, _)) = votes.iter().max_by_key(|(t, n)| (**n, std::cmp::Reverse(**t))) else { return Vec::new() };
    let home = home.to_string();
    let mut findings = Vec::new();
    let name = |k| inventory.resource(k).map_or_else(|| inventory.text(k).to_owned(), |r| r.name.clone());
    for identity in inventory.identities() {
        let Some(tenant) = identity.tenant_id.map(|t| inventory.text(t)) else { continue };
        if tenant != home {
            findings.push(finding(
                inventory.text(identity.id),
                format!("{} belongs to tenant {tenant}", name(identity.id)),
                format!("{} names tenant {tenant}, not this inventory's tenant {home}.", name(identity.id)),
            ));
        }
    }
    for credential in inventory.federated_credentials() {
        let Some(tenant) = issuer_tenant(&credential.issuer) else { continue };
        if tenant != home {
            findings.push(finding(
                inventory.text(credential.id),
                format!("{} trusts an issuer of tenant {tenant}", name(credential.identity)),
                format!(
                    "{} trusts {} (tenant {tenant}), not an issuer of this inventory's tenant {home}.",
                    name(credential.identity),
                    credential.issuer
                ),
            ));
        }
    }
    findings
}

fn finding(subject: &str, title: String, message: String) -> Finding {
    Finding {
        rule: ID,
        name: NAME,
        severity: Severity::Medium,
        title,
        subjects: vec![subject.to_owned()],
        message,
        evidence: vec![subject.to_owned()],
        fix:
            "If the subscription moved tenants, re-create the identity and its role assignments in this tenant; if the \
              trust is intended, document who controls the other tenant."
                .to_owned(),
        reach: 0,
        subjects_omitted: 0,
    }
}
