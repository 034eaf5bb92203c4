//! Deployment environments, and the mapping a user gives to say which scopes, tags and words
//! mean which.
//!
//! Analysis infers each resource's environment; the mapping is input (a file, the app's
//! settings, a template's deployment context) that overrides or extends the inference.

use crate::{Key, Origin};

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
}

/// What the user says about environments, on top of what Blastmap infers.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct EnvironmentMapping {
    /// Scopes (management group, subscription, resource group or resource) whose environment
    /// is stated, and where that was said. The nearest stated scope wins over any inference.
    pub scopes: Vec<(Key, Environment, Origin)>,
    /// Tag names that state an environment, tried before the built-in `env`, `environment`, ...
    pub tag_names: Vec<String>,
    /// Words (tag values, name tokens), lower-cased, that mean an environment, tried before the
    /// built-in ones (`sbx` → dev, say).
    pub words: Vec<(String, Environment)>,
}

impl EnvironmentMapping {
    /// The environment stated for exactly this scope.
    pub fn of_scope(&self, scope: Key) -> Option<Environment> {
        self.scopes.iter().find(|(s, ..)| *s == scope).map(|&(_, env, _)| env)
    }

    /// A word read with the user's words first, then the built-in ones.
    pub fn word(&self, word: &str) -> Option<Environment> {
        let lower = word.to_ascii_lowercase();
        self.words.iter().find(|(w, _)| *w == lower).map(|&(_, env)| env).or_else(|| Environment::from_word(word))
    }

    /// True when the user said nothing.
    pub fn is_empty(&self) -> bool {
        self.scopes.is_empty() && self.tag_names.is_empty() && self.words.is_empty()
    }
}
