//! What a template deploys: loops, conditions, existing and child resources, scopes, nested
//! deployments, parameter files, and templates written to exhaust the evaluator.

use blastmap_template::{Context, Document, Expansion, Severity, expand, parse};
use serde_json::{Value as Json, json};

const RG: &str = "/subscriptions/s1/resourceGroups/rg1";

fn context() -> Context {
    Context {
        subscription_id: Some("s1".to_owned()),
        resource_group: Some("rg1".to_owned()),
        location: Some("westeurope".to_owned()),
    }
}

fn rg_template(body: Json) -> String {
    let mut template =
        json!({"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"});
    if let (Json::Object(t), Json::Object(b)) = (&mut template, body) {
        t.extend(b);
    }
    template.to_string()
}

fn run(body: Json) -> Expansion {
    expand(&rg_template(body), &[], &context())
}

fn ids(expansion: &Expansion) -> Vec<&str> {
    expansion.resources.iter().map(|r| r.id.as_str()).collect()
}

fn warnings(expansion: &Expansion) -> Vec<String> {
    expansion.diagnostics.iter().filter(|d| d.severity != Severity::Info).map(|d| d.message.clone()).collect()
}

fn output(expansion: &Expansion, name: &str) -> Json {
    expansion.outputs.get(name).and_then(|o| o.get("value")).map_or(Json::Null, |v| v.to_json())
}

#[test]
fn copy_loops_conditions_and_property_loops() {
    let expansion = run(json!({
        "parameters": {"count": {"type": "int", "defaultValue": 3}},
        "resources": [{
            "copy": {"name": "sites", "count": "[parameters('count')]"},
            "condition": "[not(equals(copyIndex(), 1))]",
            "type": "Microsoft.Web/sites", "apiVersion": "2022-03-01",
            "name": "[format('app-{0}', copyIndex(1))]",
            "properties": {"copy": [{"name": "rules", "count": 2,
                                     "input": {"priority": "[copyIndex('rules', 100)]", "site": "[copyIndex()]"}}]}
        }]
    }));
    assert_eq!(
        ids(&expansion),
        [format!("{RG}/providers/Microsoft.Web/sites/app-1"), format!("{RG}/providers/Microsoft.Web/sites/app-3"),]
    );
    assert_eq!(
        expansion.resources[1].properties.to_json(),
        json!({"rules": [{"priority": 100, "site": 2}, {"priority": 101, "site": 2}]}),
        "copyIndex() is the resource's loop, copyIndex('rules') the property's"
    );
    assert_eq!(warnings(&expansion), Vec::<String>::new());
}

#[test]
fn existing_resources_are_not_deployed_but_resolve() {
    let expansion = run(json!({
        "languageVersion": "2.0",
        "resources": {
            "shared": {"existing": true, "type": "Microsoft.ManagedIdentity/userAssignedIdentities",
                       "apiVersion": "2023-01-31", "name": "id-shared", "resourceGroup": "rg-identities"},
            "ids": {"copy": {"name": "ids", "count": 2}, "type": "Microsoft.ManagedIdentity/userAssignedIdentities",
                    "apiVersion": "2023-01-31", "name": "[format('id-{0}', copyIndex())]"},
            "app": {"type": "Microsoft.Web/sites", "apiVersion": "2022-03-01", "name": "app",
                    "identity": {"type": "SystemAssigned, UserAssigned",
                                 "userAssignedIdentities": {"[resourceId('rg-identities', 'Microsoft.ManagedIdentity/userAssignedIdentities', 'id-shared')]": {}}},
                    "properties": {"second": "[reference('ids[1]').principalId]", "shared": "[reference('shared').principalId]"}}
        }
    }));
    let shared = "/subscriptions/s1/resourceGroups/rg-identities/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-shared";
    assert!(!ids(&expansion).contains(&shared), "existing: not deployed");
    let app = expansion.resources.iter().find(|r| r.name == "app").expect("app");
    let principal = |id: &str| json!(blastmap_template::principal_id_placeholder(id));
    assert_eq!(app.properties.to_json()["shared"], principal(shared));
    assert_eq!(
        app.properties.to_json()["second"],
        principal(&format!("{RG}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-1"))
    );
    let identity = app.identity.to_json();
    assert_eq!(identity["principalId"], principal(&format!("{RG}/providers/Microsoft.Web/sites/app")));
    assert_eq!(identity["userAssignedIdentities"][shared]["principalId"], principal(shared));
    assert_eq!(app.symbolic_name.as_deref(), Some("app"));
}

#[test]
fn child_resources_scopes_and_the_legacy_form() {
    let expansion = run(json!({
        "resources": [
            {"type": "Microsoft.Web/sites", "apiVersion": "2022-03-01", "name": "app",
             "resources": [{"type": "config", "apiVersion": "2022-03-01", "name": "web", "properties": {}}]},
            {"type": "Microsoft.Authorization/roleAssignments", "apiVersion": "2022-04-01", "name": "ra1",
             "scope": "[resourceId('Microsoft.Storage/storageAccounts', 'st')]", "properties": {}},
            {"type": "Microsoft.Authorization/roleAssignments", "apiVersion": "2022-04-01", "name": "ra2",
             "scope": "Microsoft.KeyVault/vaults/kv", "properties": {}},
            {"type": "Microsoft.KeyVault/vaults/providers/roleAssignments", "apiVersion": "2022-04-01",
             "name": "kv/Microsoft.Authorization/ra3", "properties": {}}
        ]
    }));
    assert_eq!(
        ids(&expansion),
        [
            format!("{RG}/providers/Microsoft.Web/sites/app"),
            format!("{RG}/providers/Microsoft.Web/sites/app/config/web"),
            format!(
                "{RG}/providers/Microsoft.Storage/storageAccounts/st/providers/Microsoft.Authorization/roleAssignments/ra1"
            ),
            format!(
                "{RG}/providers/Microsoft.KeyVault/vaults/kv/providers/Microsoft.Authorization/roleAssignments/ra2"
            ),
            format!(
                "{RG}/providers/Microsoft.KeyVault/vaults/kv/providers/Microsoft.Authorization/roleAssignments/ra3"
            ),
        ]
    );
    assert_eq!(expansion.resources[4].resource_type, "Microsoft.Authorization/roleAssignments");
    assert_eq!(expansion.resources[1].resource_type, "Microsoft.Web/sites/config");
}

#[test]
fn nested_deployments_inner_and_outer_scope_with_outputs() {
    let expansion = run(json!({
        "variables": {"prefix": "outer"},
        "resources": [
            {"type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01", "name": "inner",
             "resourceGroup": "rg2",
             "properties": {"mode": "Incremental", "expressionEvaluationOptions": {"scope": "inner"},
                "parameters": {"name": {"value": "[concat(variables('prefix'), '-id')]"}, "unset": {"value": null}},
                "template": {"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
                    "parameters": {"name": {"type": "string"}, "unset": {"type": "string", "defaultValue": "fallback"}},
                    "resources": [{"type": "Microsoft.ManagedIdentity/userAssignedIdentities", "apiVersion": "2023-01-31", "name": "[parameters('name')]"}],
                    "outputs": {"principalId": {"type": "string", "value": "[reference(parameters('name')).principalId]"},
                                "unset": {"type": "string", "value": "[parameters('unset')]"}}}}},
            {"type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01", "name": "outer",
             "properties": {"mode": "Incremental",
                "template": {"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
                    "resources": [{"type": "Microsoft.Storage/storageAccounts", "apiVersion": "2022-09-01", "name": "[concat(variables('prefix'), 'st')]"}]}}}
        ],
        "outputs": {
            "principalId": {"type": "string", "value": "[reference('inner').outputs.principalId.value]"},
            "unset": {"type": "string", "value": "[reference(resourceId('rg2', 'Microsoft.Resources/deployments', 'inner')).outputs.unset.value]"}
        }
    }));
    let identity =
        "/subscriptions/s1/resourceGroups/rg2/providers/Microsoft.ManagedIdentity/userAssignedIdentities/outer-id";
    assert_eq!(ids(&expansion), [identity, &format!("{RG}/providers/Microsoft.Storage/storageAccounts/outerst")]);
    assert_eq!(output(&expansion, "principalId"), json!(blastmap_template::principal_id_placeholder(identity)));
    assert_eq!(output(&expansion, "unset"), json!("fallback"), "a null parameter takes its default");
    assert_eq!(expansion.resources[0].path, "/resources/0/properties/template/resources/0");
    assert_eq!(warnings(&expansion), Vec::<String>::new());
}

#[test]
fn scopes_of_subscription_and_management_group_templates() {
    let subscription = expand(
        &json!({"$schema": "https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#",
            "resources": [
                {"type": "Microsoft.Resources/resourceGroups", "apiVersion": "2022-09-01", "name": "rg-new", "location": "westeurope"},
                {"type": "Microsoft.Authorization/roleAssignments", "apiVersion": "2022-04-01", "name": "ra", "properties": {}}
            ],
            "outputs": {"id": {"type": "string", "value": "[resourceId('Microsoft.Authorization/roleDefinitions', 'r')]"}}})
        .to_string(),
        &[],
        &Context::default(),
    );
    assert_eq!(
        ids(&subscription),
        [
            "/subscriptions/{subscriptionId}/resourceGroups/rg-new",
            "/subscriptions/{subscriptionId}/providers/Microsoft.Authorization/roleAssignments/ra",
        ]
    );
    assert_eq!(subscription.scope, "/subscriptions/{subscriptionId}");
    assert_eq!(
        output(&subscription, "id"),
        json!("/subscriptions/{subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/r")
    );
    let placeholders = &subscription.diagnostics[0];
    assert_eq!((placeholders.severity, placeholders.path.as_str()), (Severity::Info, ""));
    assert!(placeholders.message.contains("{subscriptionId}") && !placeholders.message.contains("{resourceGroup}"));
    let group = expand(
        &json!({"$schema": "https://schema.management.azure.com/schemas/2019-08-01/managementGroupDeploymentTemplate.json#",
            "resources": [{"type": "Microsoft.Authorization/roleAssignments", "apiVersion": "2022-04-01", "name": "ra", "properties": {}}]})
        .to_string(),
        &[],
        &Context::default(),
    );
    assert_eq!(
        ids(&group),
        [
            "/providers/Microsoft.Management/managementGroups/{managementGroup}/providers/Microsoft.Authorization/roleAssignments/ra"
        ]
    );
}

#[test]
fn parameter_files_supply_values_and_key_vault_references_stay_unknown() {
    let template = rg_template(json!({
        "parameters": {"name": {"type": "string"}, "password": {"type": "securestring"}},
        "resources": [{"type": "Microsoft.Sql/servers", "apiVersion": "2022-05-01-preview", "name": "[parameters('name')]",
                       "properties": {"administratorLoginPassword": "[parameters('password')]"}}]
    }));
    let parameters = json!({"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#",
        "parameters": {"name": {"value": "sql-prod"},
                       "password": {"reference": {"keyVault": {"id": "/subscriptions/s/resourceGroups/g/providers/Microsoft.KeyVault/vaults/kv"}, "secretName": "sqlpw"}}}});
    let Ok(Some(Document::Parameters(parameters))) = parse(&parameters.to_string()) else { panic!("a parameter file") };
    let Ok(Some(Document::Template(parsed))) = parse(&template) else { panic!("a template") };
    assert_eq!(parsed.fit(&parameters), 2);
    let expansion = parsed.expand(&[&parameters], &context());
    assert_eq!(ids(&expansion), [format!("{RG}/providers/Microsoft.Sql/servers/sql-prod")]);
    assert_eq!(
        expansion.resources[0].properties.to_json()["administratorLoginPassword"],
        json!("{Key Vault secret sqlpw for parameter password}")
    );
}

#[test]
fn lenient_text_comments_escapes_and_multi_line_strings() {
    let text = "{\n  // a comment\n  \"$schema\": \"https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#\",\n  \"resources\": [ /* none */ ],\n  \"outputs\": {\"o\": {\"type\": \"string\", \"value\": \"[concat('a',\n     'b')]\"}, \"e\": {\"type\": \"string\", \"value\": \"[[literal]\"},},\n}";
    let expansion = expand(text, &[], &context());
    assert_eq!(output(&expansion, "o"), json!("ab"));
    assert_eq!(output(&expansion, "e"), json!("[literal]"));
    let broken = expand("{\"$schema\": \"x/deploymentTemplate.json#\", \"resources\": [", &[], &context());
    assert_eq!(broken.diagnostics[0].severity, Severity::Error);
    assert_eq!(expand("[1, 2]", &[], &context()).diagnostics[0].severity, Severity::Error);
}

#[test]
fn hostile_templates_end_quickly_with_warnings() {
    let mut variables = serde_json::Map::new();
    variables.insert("v0".to_owned(), json!("[createArray(1, 1)]"));
    for i in 1..64 {
        variables.insert(format!("v{i}"), json!(format!("[concat(variables('v{}'), variables('v{}'))]", i - 1, i - 1)));
    }
    variables.insert("self".to_owned(), json!("[variables('self')]"));
    variables.insert(
        "nest".to_owned(),
        json!("[reduce(range(0, 5000), createArray(), lambda('a', 'x', createArray(lambdaVariables('a'))))]"),
    );
    let mut nested = json!({"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#", "resources": []});
    for level in 0..20 {
        nested = json!({"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
            "resources": [{"type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01", "name": format!("d{level}"),
                           "properties": {"mode": "Incremental", "template": nested}}]});
    }
    let expansion = run(json!({
        "variables": variables,
        "resources": [
            {"copy": {"name": "many", "count": 100000}, "type": "Microsoft.Network/publicIPAddresses", "apiVersion": "2022-09-01", "name": "[string(copyIndex())]"},
            {"type": "Microsoft.Web/sites", "apiVersion": "2022-03-01", "name": "a", "properties": {"b": "[reference('b').x]"}},
            {"type": "Microsoft.Web/sites", "apiVersion": "2022-03-01", "name": "b", "properties": {"x": "[reference('a').b]"}},
            {"type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01", "name": "deep", "properties": {"mode": "Incremental", "template": nested}}
        ],
        "outputs": {
            "big": {"type": "array", "value": "[variables('v63')]"},
            "self": {"type": "string", "value": "[variables('self')]"},
            "nest": {"type": "array", "value": "[variables('nest')]"}
        }
    }));
    assert_eq!(expansion.resources.len(), 802, "800 copies (ARM's limit) and the two sites");
    let said = warnings(&expansion).join("\n");
    for expected in [
        "only the first 800",
        "too large",
        "depends on itself",
        "refers to itself",
        "nest deeper than 16",
        "nested deeper than 100",
    ] {
        assert!(said.contains(expected), "{expected:?} in:\n{said}");
    }
}

#[test]
fn work_is_bounded_whether_computed_or_copied() {
    let started = std::time::Instant::now();
    let expansion = run(json!({
        "resources": [{"type": "Microsoft.Web/sites", "apiVersion": "2022-03-01", "name": "copies",
            "properties": {"copy": [{"name": "outer", "count": 800, "input": {
                "copy": [{"name": "inner", "count": 800, "input": {"a": 1, "b": [1, 2, 3], "c": {"d": "e"}}}]}}]}}],
        "outputs": {"work": {"type": "array",
            "value": "[map(range(0, 10000), lambda('x', map(range(0, 10000), lambda('y', add(lambdaVariables('x'), lambdaVariables('y'))))))]"}}
    }));
    assert!(started.elapsed().as_secs() < 30, "took {:?}", started.elapsed());
    assert!(warnings(&expansion).iter().any(|w| w.contains("more evaluation than Blastmap does")));
    assert_eq!(expansion.resources.len(), 1, "the resource is still there, its properties partly unknown");
}

#[test]
fn user_defined_functions_take_their_arguments() {
    let expansion = run(json!({
        "functions": [{"namespace": "naming", "members": {
            "name": {"parameters": [{"name": "kind", "type": "string"}, {"name": "env", "type": "string"}],
                     "output": {"type": "string", "value": "[format('{0}-shop-{1}', parameters('kind'), parameters('env'))]"}}}}],
        "resources": [{"type": "Microsoft.ManagedIdentity/userAssignedIdentities", "apiVersion": "2023-01-31",
                       "name": "[naming.name('id', 'prod')]"}]
    }));
    assert_eq!(
        ids(&expansion),
        [format!("{RG}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-shop-prod")]
    );
}
