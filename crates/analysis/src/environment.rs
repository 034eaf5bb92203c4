//! Which environment (dev, test, uat, prod) a resource belongs to.
//!
//! Tags say it best (`env`, `environment`, `stage`, any case): the resource's own, then its
//! resource group's, then its subscription's. Failing tags, names, nearest scope first: the
//! resource group's (`rg-orders-prod`), the resource's (`stordersprd01`), the subscription's
//! display name ("Contoso Orders PRD"). Failing all, what every other resource of the same
//! subscription agrees on. Above all of these, what the user stated ([`EnvironmentMapping`]:
//! scopes, extra tag names and words) wins, nearest scope first. Seed 001 is about identities that cross these lines, so the
//! inference must be predictable: the first rule that answers wins.
//!
//! Decision: the issue lists names as "subscription, resource-group and resource"; a nearer
//! scope's name is the more specific claim (a "Shared PRD" subscription holds `rg-app-dev`
//! groups in real tenants), so resource-group and resource names come before the subscription's.

use rustc_hash::FxHashMap as HashMap;

pub use blastmap_model::Environment;
use blastmap_model::{EnvironmentMapping, Inventory, Key, Resource, Scope, Tags, arm};

/// Reads the environment out of a name: a token (`app-orders-prod`) as `word` reads it, or a
/// suffix of a name without separators (`stordersprod01`).
fn from_name(name: &str, word: impl Fn(&str) -> Option<Environment>) -> Option<Environment> {
    let tokens = name.split(|c: char| !c.is_ascii_alphanumeric()).filter(|t| !t.is_empty());
    if let Some(env) = tokens.clone().rev().find_map(word) {
        return Some(env);
    }
    let last = tokens.clone().next_back()?.to_ascii_lowercase();
    let stem = last.trim_end_matches(|c: char| c.is_ascii_digit());
    [("prod", Environment::Prod), ("prd", Environment::Prod), ("uat", Environment::Uat), ("dev", Environment::Dev)]
        .into_iter()
        .find(|(suffix, _)| stem.len() > suffix.len() + 2 && stem.ends_with(suffix))
        .map(|(_, env)| env)
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
    mapping: EnvironmentMapping,
    by_subscription: HashMap<String, Environment>,
    /// Every resource's, decided once (rules and the graph ask again and again), by
    /// [`Key::index`].
    by_resource: Vec<Option<Environment>>,
}

/// What a resource's group and subscription say of it, as [`Environments::own`] asks them:
/// the same for every resource of a group, so read once per group.
#[derive(Clone, Copy)]
struct Around {
    group_tags: Option<Environment>,
    subscription_tags: Option<Environment>,
    group_name: Option<Environment>,
    subscription_name: Option<Environment>,
}

impl Environments {
    /// Learns each subscription's environment from the resources that say theirs.
    pub fn new(inventory: &Inventory) -> Self {
        let mut environments = Environments {
            mapping: inventory.environment_mapping().clone(),
            by_subscription: HashMap::default(),
            by_resource: Vec::new(),
        };
        let mut groups: HashMap<&str, Around> = HashMap::default();
        // Each resource's own environment and subscription id, its id read once.
        let own: Vec<(Option<Environment>, Option<&str>)> = inventory
            .resources()
            .iter()
            .map(|r| {
                let id = inventory.text(r.id);
                let around = match arm::resource_group_scope(id) {
                    Some(group) => *groups.entry(group).or_insert_with(|| environments.around(inventory, id)),
                    None => environments.around(inventory, id),
                };
                (environments.own_around(inventory, r, around), arm::subscription_id(id))
            })
            .collect();
        // Ids are lower-cased text already, so a subscription's GUID is its key here.
        let mut votes: HashMap<&str, Option<Environment>> = HashMap::default();
        for &(env, sub) in &own {
            let (Some(env), Some(sub)) = (env, sub) else { continue };
            votes
                .entry(sub)
                .and_modify(|vote| {
                    if *vote != Some(env) {
                        *vote = None;
                    }
                })
                .or_insert(Some(env));
        }
        environments.by_subscription =
            votes.into_iter().filter_map(|(sub, vote)| Some((sub.to_ascii_lowercase(), vote?))).collect();
        let mut by_resource = vec![None; inventory.keys.len()];
        for (r, (own, _)) in inventory.resources().iter().zip(own) {
            let env = own.unwrap_or_else(|| environments.of_scope_text(inventory, inventory.text(r.id)));
            if let Some(slot) = by_resource.get_mut(r.id.index()) {
                *slot = Some(env);
            }
        }
        environments.by_resource = by_resource;
        environments
    }

    /// The environment the tags state, if any: the user's tag names first, then the built-in.
    fn in_tags(&self, tags: &Tags) -> Option<Environment> {
        let names = self.mapping.tag_names.iter().map(String::as_str).chain(ENVIRONMENT_TAGS);
        names.into_iter().find_map(|tag| tags.get(tag).and_then(|value| self.mapping.word(value)))
    }

    fn in_name(&self, name: &str) -> Option<Environment> {
        from_name(name, |word| self.mapping.word(word))
    }

    /// What the user stated for `id` or the nearest scope above it: the id itself, its
    /// resource group, its subscription, then the management groups above that.
    fn stated(&self, inventory: &Inventory, id: &str) -> Option<Environment> {
        if self.mapping.scopes.is_empty() {
            return None;
        }
        let stated = |text: &str| inventory.keys.get(text).and_then(|k| self.mapping.of_scope(k));
        let own = [Some(id), arm::resource_group_scope(id), arm::subscription_scope(id)];
        if let Some(env) = own.into_iter().flatten().find_map(stated) {
            return Some(env);
        }
        let mut group = scope(inventory, arm::subscription_scope(id)).and_then(|s| s.parent);
        for _ in 0..MAX_GROUP_DEPTH {
            let at = group?;
            if let Some(env) = self.mapping.of_scope(at) {
                return Some(env);
            }
            group = inventory.scope(at).and_then(|s| s.parent);
        }
        None
    }

    /// What a resource and its scopes say of it, by the rules above (without the consensus).
    fn own(&self, inventory: &Inventory, resource: &Resource) -> Option<Environment> {
        self.own_around(inventory, resource, self.around(inventory, inventory.text(resource.id)))
    }

    /// [`Environments::own`], with what the resource's group and subscription say read already.
    fn own_around(&self, inventory: &Inventory, resource: &Resource, around: Around) -> Option<Environment> {
        self.stated(inventory, inventory.text(resource.id))
            .or_else(|| self.in_tags(&resource.tags))
            .or(around.group_tags)
            .or(around.subscription_tags)
            .or(around.group_name)
            .or_else(|| self.in_name(&resource.name))
            .or(around.subscription_name)
    }

    /// What the group and subscription of `id` say.
    fn around(&self, inventory: &Inventory, id: &str) -> Around {
        let group = scope(inventory, arm::resource_group_scope(id));
        let subscription = scope(inventory, arm::subscription_scope(id));
        Around {
            group_tags: group.and_then(|g| self.in_tags(&g.tags)),
            subscription_tags: subscription.and_then(|s| self.in_tags(&s.tags)),
            group_name: arm::resource_group(id).and_then(|name| self.in_name(name)),
            subscription_name: subscription.and_then(|s| s.name.as_deref()).and_then(|name| self.in_name(name)),
        }
    }

    /// The environment of a resource.
    pub fn of_resource(&self, inventory: &Inventory, resource: &Resource) -> Environment {
        match self.by_resource.get(resource.id.index()).copied().flatten() {
            Some(env) => env,
            None => self
                .own(inventory, resource)
                .unwrap_or_else(|| self.of_scope_text(inventory, inventory.text(resource.id))),
        }
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
        self.stated(inventory, id)
            .or_else(|| group.and_then(|g| self.in_tags(&g.tags)))
            .or_else(|| subscription.and_then(|s| self.in_tags(&s.tags)))
            .or_else(|| arm::resource_group(id).and_then(|name| self.in_name(name)))
            .or_else(|| is_resource.then(|| self.in_name(arm::last_segment(id))).flatten())
            .or_else(|| subscription.and_then(|s| s.name.as_deref()).and_then(|name| self.in_name(name)))
            .or_else(|| {
                arm::subscription_id(id).and_then(|s| self.by_subscription.get(&s.to_ascii_lowercase()).copied())
            })
            .unwrap_or(Environment::Unknown)
    }
}

/// Management groups nest at most six deep below the root; more is a cycle in the input.
const MAX_GROUP_DEPTH: usize = 8;

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
        let from_name = |name| from_name(name, Environment::from_word);
        assert_eq!(from_name("app-orders-prod"), Some(Environment::Prod));
        assert_eq!(from_name("rg_orders_dev_westeurope"), Some(Environment::Dev));
        assert_eq!(from_name("stordersprod01"), Some(Environment::Prod));
        assert_eq!(from_name("kvuat"), None, "too short to be a suffix");
        assert_eq!(from_name("product-catalog"), None, "'product' is not 'prod'");
        assert_eq!(from_name("devices"), None);
    }
}
