//! The built-in sample: seed 001's design, in which one user-assigned identity is shared by the
//! dev, uat and prod App Services and holds a subscription-wide role. The app opens on it, and
//! tests across the workspace use it as their common ground.

use crate::{Loaded, SourceFile, load};

/// The name the sample goes by in the file panel.
pub const NAME: &str = "sample: shared identity across environments";

/// The sample as `blastmap/inventory/v1` JSON (`web/sample/inventory.json`).
pub const JSON: &str = include_str!("../../../web/sample/inventory.json");

/// The sample, loaded.
pub fn load_sample() -> Loaded {
    load(&[SourceFile { name: NAME, bytes: JSON.as_bytes() }])
}
