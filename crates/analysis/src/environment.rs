//! Which environment (dev, test, uat, prod) a resource belongs to.
//!
//! Tags say it best (`env`, `environment`, `stage`, any case): the resource's own, then its
//! resource group's, then its subscription's. Failing tags, names, nearest scope first: the
//! resource group's (`rg-orders-prod`), the resource's (`stordersprd01`), the subscription's
//! display name ("Contoso Orders PRD"). Failing all, what every other resource of the same
//! subscription agrees on. Seed 001 is about identities that cross these lines, so the
//! inference must be predictable: the first rule that answers wins.
//!
//! Decision: the issue lists names as "subscription, resource-group and resource"; a nearer
//! scope's name is the more specific claim (a "Shared PRD" subscription holds `rg-app-dev`
//! groups in real tenants), so resource-group and resource names come before the subscription's.

use rustc_hash::FxHashMap as HashMap;

use blastmap_model::{Inventory, Key, Resource, Scope, Tags, arm};

/// A deployment environment.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Environment {
    /// Development.
    Dev,
    /// Test / QA.
    Test,
    /// User acceptance / staging.
    Uat,
    /// Production.
    Prod,
    /// Not inferable.
    Unknown,
}

impl Environment {
    /// Every environment, in lane order.
    pub const ALL: [Environment; 5] =
        [Environment::Dev, Environment::Test, Environment::Uat, Environment::Prod, Environment::Unknown];

    /// Short lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Environment::Dev => "dev",
            Environment::Test => "test",
            Environment::Uat => "uat",
            Environment::Prod => "prod",
            Environment::Unknown => "unknown",
        }
    }

    /// Reads a tag value or a name token: `Production` → prod, `stg` → uat.
    pub fn from_word(word: &str) -> Option<Environment> {
        match word.to_ascii_lowercase().as_str() {
            "dev" | "development" | "devtest" | "sandbox" => Some(Environment::Dev),
            "test" | "tst" | "qa" | "testing" | "sit" => Some(Environment::Test),
            "uat" | "staging" | "stage" | "stg" | "preprod" | "pre-prod" | "acc" | "acceptance" => {
                Some(Environment::Uat)
            }
            "prod" | "prd" | "production" | "live" | "prod01" => Some(Environment::Prod),
            _ => None,
        }
    }

    /// Reads the environment out of a name: a token (`app-orders-prod`), or a suffix of a
    /// name without separators (`stordersprod01`).
    pub fn from_name(name: &str) -> Option<Environment> {
        let tokens = name.split(|c: char| !c.is_ascii_alphanumeric()).filter(|t| !t.is_empty());
        if let Some(env) = tokens.clone().rev().find_map(Environment::from_word) {
            return Some(env);
        }
        let last = tokens.clone().next_back()?.to_ascii_lowercase();
        let stem = last.trim_end_matches(|c: char| c.is_ascii_digit());
        [("prod", Environment::Prod), ("prd", Environment::Prod), ("uat", Environment::Uat), ("dev", Environment::Dev)]
            .into_iter()
            .find(|(suffix, _)| stem.len() > suffix.len() + 2 && stem.ends_with(suffix))
            .map(|(_, env)| env)
    }
}

/// The environment the tags state, if any.
fn from_tags(tags: &Tags) -> Option<Environment> {
    ENVIRONMENT_TAGS.iter().find_map(|tag| tags.get(tag).and_then(Environment::from_word))
}

/// The scope with this id, when the inventory describes it.
fn scope<'i>(inventory: &'i Inventory, id: Option<&str>) -> Option<&'i Scope> {
    inventory.scope(inventory.keys.get(id?)?)
}

/// Tag names that state an environment, in order of trust.
const ENVIRONMENT_TAGS: [&str; 4] = ["env", "environment", "stage", "environmenttype"];

/// The environment of every resource and scope of an inventory.
#[derive(Debug, Default)]
pub struct Environments {
    by_subscription: HashMap<String, Environment>,
}

impl Environments {
    /// Learns each subscription's environment from the resources that say theirs.
    pub fn new(inventory: &Inventory) -> Self {
        let mut votes: HashMap<String, Option<Environment>> = HashMap::default();
        for resource in inventory.resources() {
            let Some(env) = Self::own(inventory, resource) else { continue };
            let Some(sub) = arm::subscription_id(inventory.text(resource.id)) else { continue };
            votes
                .entry(sub.to_ascii_lowercase())
                .and_modify(|vote| {
                    if *vote != Some(env) {
                        *vote = None;
                    }
                })
                .or_insert(Some(env));
        }
        let by_subscription = votes.into_iter().filter_map(|(sub, vote)| Some((sub, vote?))).collect();
        Environments { by_subscription }
    }

    /// What a resource and its scopes say of it, by the rules above (without the consensus).
    fn own(inventory: &Inventory, resource: &Resource) -> Option<Environment> {
        let id = inventory.text(resource.id);
        let group = scope(inventory, arm::resource_group_scope(id));
        let subscription = scope(inventory, arm::subscription_scope(id));
        from_tags(&resource.tags)
            .or_else(|| group.and_then(|g| from_tags(&g.tags)))
            .or_else(|| subscription.and_then(|s| from_tags(&s.tags)))
            .or_else(|| arm::resource_group(id).and_then(Environment::from_name))
            .or_else(|| Environment::from_name(&resource.name))
            .or_else(|| subscription.and_then(|s| s.name.as_deref()).and_then(Environment::from_name))
    }

    /// The environment of a resource.
    pub fn of_resource(&self, inventory: &Inventory, resource: &Resource) -> Environment {
        Self::own(inventory, resource).unwrap_or_else(|| self.of_scope_text(inventory, inventory.text(resource.id)))
    }

    /// The environment of any scope or id: the resource's own when it is in the inventory,
    /// else its resource group's name, else its subscription's consensus.
    pub fn of_scope(&self, inventory: &Inventory, scope: Key) -> Environment {
        match inventory.resource(scope) {
            Some(resource) => self.of_resource(inventory, resource),
            None => self.of_scope_text(inventory, inventory.text(scope)),
        }
    }

    fn of_scope_text(&self, inventory: &Inventory, id: &str) -> Environment {
        let group = scope(inventory, arm::resource_group_scope(id));
        let subscription = scope(inventory, arm::subscription_scope(id));
        let is_resource = arm::level(id) == Some(arm::ScopeLevel::Resource);
        group
            .and_then(|g| from_tags(&g.tags))
            .or_else(|| subscription.and_then(|s| from_tags(&s.tags)))
            .or_else(|| arm::resource_group(id).and_then(Environment::from_name))
            .or_else(|| is_resource.then(|| Environment::from_name(arm::last_segment(id))).flatten())
            .or_else(|| subscription.and_then(|s| s.name.as_deref()).and_then(Environment::from_name))
            .or_else(|| {
                arm::subscription_id(id).and_then(|s| self.by_subscription.get(&s.to_ascii_lowercase()).copied())
            })
            .unwrap_or(Environment::Unknown)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words() {
        for (word, env) in [
            ("Production", Environment::Prod),
            ("PRD", Environment::Prod),
            ("dev", Environment::Dev),
            ("Staging", Environment::Uat),
            ("qa", Environment::Test),
        ] {
            assert_eq!(Environment::from_word(word), Some(env), "{word}");
        }
        assert_eq!(Environment::from_word("orders"), None);
    }

    #[test]
    fn names() {
        assert_eq!(Environment::from_name("app-orders-prod"), Some(Environment::Prod));
        assert_eq!(Environment::from_name("rg_orders_dev_westeurope"), Some(Environment::Dev));
        assert_eq!(Environment::from_name("stordersprod01"), Some(Environment::Prod));
        assert_eq!(Environment::from_name("kvuat"), None, "too short to be a suffix");
        assert_eq!(Environment::from_name("product-catalog"), None, "'product' is not 'prod'");
        assert_eq!(Environment::from_name("devices"), None);
    }
}
