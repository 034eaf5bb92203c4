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

/// What the user states beats every inference, nearest scope first; the user's tag names and
/// words extend the built-in ones. The mapping comes as a file of its own, in any order.
#[test]
fn a_mapping_overrides_and_extends_the_inference() {
    const MAPPING: &str = r#"{"schema": "blastmap/environments/v1",
      "scopes": {
        "aaaa0000-0000-4000-8000-000000000000": "production",
        "/subscriptions/AAAA0000-0000-4000-8000-000000000000/resourceGroups/RG-ORDERS": "uat",
        "/subscriptions/bbbb/resourceGroups/rg-x": "somewhere"
      },
      "tagNames": ["lifecycle"],
      "words": {"sbx": "dev", "live2": "prod"}}"#;
    const DESIGN: &str = r#"{"schema": "blastmap/inventory/v1",
      "resources": [
        {"id": "/subscriptions/aaaa0000-0000-4000-8000-000000000000/resourceGroups/rg-orders/providers/Microsoft.Web/sites/app-a", "tags": {"env": "dev"}},
        {"id": "/subscriptions/aaaa0000-0000-4000-8000-000000000000/resourceGroups/rg-billing-dev/providers/Microsoft.Web/sites/app-b"},
        {"id": "/subscriptions/cccc/resourceGroups/rg-c/providers/Microsoft.Web/sites/app-c", "tags": {"lifecycle": "sbx", "env": "prod"}},
        {"id": "/subscriptions/cccc/resourceGroups/rg-d-live2/providers/Microsoft.Web/sites/app-d"}
      ]}"#;
    let loaded = load(&[
        SourceFile { name: "mapping.json", bytes: MAPPING.as_bytes() },
        SourceFile { name: "design.json", bytes: DESIGN.as_bytes() },
    ]);
    let mapping = &loaded.files[0];
    assert_eq!(mapping.format.map(|f| f.label()), Some("environment mapping (blastmap/environments/v1)"));
    let messages: Vec<String> = mapping.diagnostics.iter().map(|d| format!("{}: {}", d.path, d.message)).collect();
    assert_eq!(
        messages,
        ["/scopes/~1subscriptions~1bbbb~1resourceGroups~1rg-x: \"somewhere\" is not an environment (dev, test, uat, \
          prod or a synonym); ignored"]
    );
    let inventory = &loaded.inventory;
    let environments = Environments::new(inventory);
    let of = |name: &str| {
        let resource = inventory.resources().iter().find(|r| r.name == name).unwrap();
        environments.of_resource(inventory, resource)
    };
    assert_eq!(of("app-a"), Environment::Uat, "the stated resource group beats the resource's own tag");
    assert_eq!(of("app-b"), Environment::Prod, "the stated subscription beats the resource group's name");
    assert_eq!(of("app-c"), Environment::Dev, "the user's tag name comes first, with the user's word");
    assert_eq!(of("app-d"), Environment::Prod, "the user's word in a name");

    // The mapping travels inside `blastmap inventory` output and loads again the same.
    let written = blastmap_ingest::native::write(inventory);
    let again = load(&[SourceFile { name: "again.json", bytes: written.as_bytes() }]);
    assert_eq!(again.files[0].diagnostics, vec![]);
    assert_eq!(again.inventory.environment_mapping().words, inventory.environment_mapping().words);
    assert_eq!(
        Environments::new(&again.inventory).of_resource(&again.inventory, &again.inventory.resources()[0]),
        Environment::Uat
    );
}
