//! Environments from tags and names of resources and of the scopes above them.

use blastmap_analysis::{Environment, Environments};
use blastmap_ingest::{SourceFile, load};

const DESIGN: &str = r#"{"schema": "blastmap/inventory/v1",
  "scopes": [
    {"id": "/subscriptions/aaaa", "name": "Contoso Shared PRD"},
    {"id": "/subscriptions/bbbb", "name": "Contoso Orders DEV"},
    {"id": "/subscriptions/aaaa/resourceGroups/rg-orders", "tags": {"Environment": "UAT"}}
  ],
  "resources": [
    {"id": "/subscriptions/aaaa/resourceGroups/rg-orders/providers/Microsoft.Web/sites/app-a", "tags": {"env": "dev"}},
    {"id": "/subscriptions/aaaa/resourceGroups/rg-orders/providers/Microsoft.Web/sites/app-b"},
    {"id": "/subscriptions/aaaa/resourceGroups/rg-billing-dev/providers/Microsoft.Web/sites/app-c"},
    {"id": "/subscriptions/aaaa/resourceGroups/rg-billing/providers/Microsoft.Web/sites/app-d"},
    {"id": "/subscriptions/bbbb/resourceGroups/rg-x/providers/Microsoft.Web/sites/app-e"}
  ]}"#;

#[test]
fn the_first_rule_that_answers_wins() {
    let loaded = load(&[SourceFile { name: "design.json", bytes: DESIGN.as_bytes() }]);
    assert_eq!(loaded.files[0].diagnostics, vec![]);
    let inventory = &loaded.inventory;
    let environments = Environments::new(inventory);
    let of = |name: &str| {
        let resource = inventory.resources().iter().find(|r| r.name == name).unwrap();
        environments.of_resource(inventory, resource)
    };
    assert_eq!(of("app-a"), Environment::Dev, "the resource's own tag beats its group's");
    assert_eq!(of("app-b"), Environment::Uat, "the resource group's tag");
    assert_eq!(of("app-c"), Environment::Dev, "the resource group's name beats the subscription's");
    assert_eq!(of("app-d"), Environment::Prod, "the subscription's display name");
    assert_eq!(of("app-e"), Environment::Dev, "another subscription's display name");
    let group = inventory.keys.get("/subscriptions/aaaa/resourcegroups/rg-orders").unwrap();
    assert_eq!(environments.of_scope(inventory, group), Environment::Uat, "a scope's own tag");
}
