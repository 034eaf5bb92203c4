//! Effective permissions over a small inventory: inheritance, groups, conditions.

use blastmap_analysis::permissions::{Permissions, Plane};
use blastmap_ingest::{SourceFile, load};

const DESIGN: &str = r#"{"schema": "blastmap/inventory/v1",
  "scopes": [
    {"id": "/providers/Microsoft.Management/managementGroups/mg-top"},
    {"id": "/providers/Microsoft.Management/managementGroups/mg-lz", "parent": "/providers/Microsoft.Management/managementGroups/mg-top"},
    {"id": "/subscriptions/s1", "parent": "/providers/Microsoft.Management/managementGroups/mg-lz"}
  ],
  "principals": [
    {"id": "00000000-0000-4000-8000-0000000000a1", "type": "User", "displayName": "alice"},
    {"id": "00000000-0000-4000-8000-0000000000b1", "type": "Group", "displayName": "outer", "members": ["00000000-0000-4000-8000-0000000000b2"]},
    {"id": "00000000-0000-4000-8000-0000000000b2", "type": "Group", "displayName": "inner", "members": ["00000000-0000-4000-8000-0000000000a1", "00000000-0000-4000-8000-0000000000b1"]}
  ],
  "roleAssignments": [
    {"scope": "/providers/Microsoft.Management/managementGroups/mg-top", "principalId": "00000000-0000-4000-8000-0000000000b1", "roleDefinitionId": "b24988ac-6180-42a0-ab88-20f7382dd24c"},
    {"scope": "/subscriptions/s1/resourceGroups/rg-a", "principalId": "00000000-0000-4000-8000-0000000000a1", "roleDefinitionId": "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9",
     "condition": "@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {acdd72a7-3385-48ef-bd42-f606fba81ae7}"},
    {"scope": "/subscriptions/s1/resourceGroups/rg-b/providers/Microsoft.KeyVault/vaults/kv", "principalId": "00000000-0000-4000-8000-0000000000a1", "roleDefinitionId": "4633458b-17de-408a-b874-0445c86b69e6"}
  ]}"#;

#[test]
fn inheritance_groups_and_conditions() {
    let loaded = load(&[SourceFile { name: "design.json", bytes: DESIGN.as_bytes() }]);
    assert_eq!(loaded.files[0].diagnostics, vec![]);
    let inventory = &loaded.inventory;
    let permissions = Permissions::new(inventory);
    let alice = inventory.keys.get("00000000-0000-4000-8000-0000000000a1").unwrap();
    let outer = inventory.keys.get("00000000-0000-4000-8000-0000000000b1").unwrap();
    let inner = inventory.keys.get("00000000-0000-4000-8000-0000000000b2").unwrap();

    // Nested groups with a cycle (outer ∋ inner ∋ outer) end.
    let mut groups = permissions.groups_of(alice).to_vec();
    groups.sort();
    let mut expected = vec![inner, outer];
    expected.sort();
    assert_eq!(groups, expected);

    // Contributor at the top management group reaches a child resource two groups and four
    // scopes down: management group → management group → subscription → resource group → vault → secret.
    let secret = "/subscriptions/S1/resourceGroups/rg-b/providers/Microsoft.KeyVault/vaults/kv/secrets/db";
    let write = permissions.grants(alice, "Microsoft.KeyVault/vaults/secrets/write", Plane::Control, secret);
    assert_eq!(write.len(), 1);
    assert_eq!(write[0].via_group, Some(outer));
    assert!(!write[0].conditional);

    // The data plane is not the control plane: Contributor reads no secret; Key Vault Secrets
    // User on the vault does, and not on another vault.
    let read = "Microsoft.KeyVault/vaults/secrets/getSecret/action";
    let data = permissions.grants(alice, read, Plane::Data, secret);
    assert_eq!(data.len(), 1);
    assert_eq!(data[0].via_group, None);
    let elsewhere = "/subscriptions/s1/resourceGroups/rg-b/providers/Microsoft.KeyVault/vaults/other";
    assert!(permissions.grants(alice, read, Plane::Data, elsewhere).is_empty());

    // Contributor's notActions remove role-assignment writes, but User Access Administrator
    // on rg-a grants them there: notActions is not a deny. That grant is conditional.
    let assign = "Microsoft.Authorization/roleAssignments/write";
    let in_a = permissions.grants(alice, assign, Plane::Control, "/subscriptions/s1/resourceGroups/rg-a");
    assert_eq!(in_a.len(), 1);
    assert!(in_a[0].conditional);
    assert!(permissions.grants(alice, assign, Plane::Control, "/subscriptions/s1/resourceGroups/rg-b").is_empty());

    // A subscription outside the hierarchy gets nothing from the management group.
    assert!(
        permissions
            .grants(alice, "Microsoft.Compute/virtualMachines/write", Plane::Control, "/subscriptions/s2")
            .is_empty()
    );
    assert_eq!(
        permissions.grants(alice, "Microsoft.Compute/virtualMachines/write", Plane::Control, "/subscriptions/s1").len(),
        1
    );
}
