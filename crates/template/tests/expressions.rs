//! The evaluator, function by function and corner by corner: each case is an expression, read
//! as an output of a small template, and the JSON it must give (unknown values as their
//! `{...}` placeholder text).

use blastmap_template::{Context, Severity, Value, expand};
use serde_json::{Value as Json, json};

/// A template whose parameters, variables and resources the cases use.
fn template(outputs: &Json) -> String {
    json!({
        "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
        "parameters": {
            "name": {"type": "string", "defaultValue": "app"},
            "missing": {"type": "string"},
            "missingObject": {"type": "object"},
            "optional": {"type": "object", "nullable": true},
            "items": {"type": "array", "defaultValue": [{"n": "a", "v": 1}, {"n": "b", "v": 2}]},
            "location": {"type": "string", "defaultValue": "[resourceGroup().location]"}
        },
        "variables": {
            "roles": {"Reader": "acdd72a7-3385-48ef-bd42-f606fba81ae7"},
            "chained": "[concat(variables('base'), '-2')]",
            "base": "[toUpper(parameters('name'))]",
            "copy": [{"name": "doubled", "count": 3, "input": "[mul(copyIndex('doubled'), 2)]"}]
        },
        "resources": [
            {"type": "Microsoft.ManagedIdentity/userAssignedIdentities", "apiVersion": "2023-01-31",
             "name": "[format('id-{0}', parameters('name'))]", "location": "[parameters('location')]"},
            {"type": "Microsoft.Web/sites", "apiVersion": "2022-03-01", "name": "site",
             "identity": {"type": "SystemAssigned"}, "properties": {"httpsOnly": true}}
        ],
        "outputs": outputs
    })
    .to_string()
}

fn context() -> Context {
    Context {
        subscription_id: Some("00000000-0000-0000-0000-000000000001".to_owned()),
        resource_group: Some("rg-app".to_owned()),
        location: Some("westeurope".to_owned()),
    }
}

/// Evaluates each expression; returns the values and the warnings.
fn evaluate(expressions: &[&str]) -> (Vec<Json>, Vec<String>) {
    let outputs: serde_json::Map<String, Json> = expressions
        .iter()
        .enumerate()
        .map(|(i, e)| (format!("o{i:03}"), json!({"type": "object", "value": e})))
        .collect();
    let expansion = expand(&template(&Json::Object(outputs)), &[], &context());
    let values = (0..expressions.len())
        .map(|i| {
            expansion.outputs.get(&format!("o{i:03}")).and_then(|o| o.get("value")).map_or(Json::Null, Value::to_json)
        })
        .collect();
    let warnings = expansion
        .diagnostics
        .iter()
        .filter(|d| d.severity != Severity::Info)
        .map(|d| format!("{}: {}", d.path, d.message))
        .collect();
    (values, warnings)
}

fn check(cases: &[(&str, Json)]) {
    let expressions: Vec<&str> = cases.iter().map(|(e, _)| *e).collect();
    let (values, _) = evaluate(&expressions);
    for ((expression, expected), got) in cases.iter().zip(values) {
        assert_eq!(&got, expected, "{expression}");
    }
}

const RG: &str = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-app";

#[test]
fn literals_escapes_and_nesting() {
    check(&[
        ("plain text", json!("plain text")),
        ("[[not an expression]", json!("[not an expression]")),
        ("['it''s']", json!("it's")),
        ("[concat('a', concat('b', string(add(1, 2))))]", json!("ab3")),
        ("[createObject('a', createArray(1, true(), null()))]", json!({"a": [1, true, null]})),
        ("[variables('roles').Reader]", json!("acdd72a7-3385-48ef-bd42-f606fba81ae7")),
        ("[variables('roles')['Reader']]", json!("acdd72a7-3385-48ef-bd42-f606fba81ae7")),
        ("[variables('roles').reader]", json!("acdd72a7-3385-48ef-bd42-f606fba81ae7")),
        ("[parameters('items')[1].n]", json!("b")),
        ("[variables('chained')]", json!("APP-2")),
        ("[variables('doubled')]", json!([0, 2, 4])),
        ("[parameters('location')]", json!("westeurope")),
    ]);
}

#[test]
fn string_functions() {
    check(&[
        ("[format('{0}-{1}', 'a', 1)]", json!("a-1")),
        ("[toLower('ABC')]", json!("abc")),
        ("[replace('a-b', '-', '_')]", json!("a_b")),
        ("[substring('abcdef', 2, 2)]", json!("cd")),
        ("[split('a,b', ',')]", json!(["a", "b"])),
        ("[join(createArray('a', 'b'), '/')]", json!("a/b")),
        ("[last(split('/x/y/z', '/'))]", json!("z")),
        ("[first('abc')]", json!("a")),
        ("[string(createObject('a', 1))]", json!("{\"a\":1}")),
        ("[int('42')]", json!(42)),
        ("[bool('true')]", json!(true)),
        ("[uniqueString('test')]", json!("rbgf3xv4ufgzg")),
        ("[length(uniqueString(resourceGroup().id))]", json!(13)),
        ("[guid('a', 'b')]", json!("2d796349-8c7e-55ec-9624-54ece82ed031")),
    ]);
}

#[test]
fn logic_and_collections() {
    check(&[
        ("[if(equals(1, 1), 'yes', 'no')]", json!("yes")),
        ("[if(false(), parameters('nosuch'), 'lazy')]", json!("lazy")),
        ("[and(true(), not(false()))]", json!(true)),
        ("[or(false(), false())]", json!(false)),
        ("[coalesce(null(), parameters('optional'), 'x')]", json!("x")),
        ("[empty(parameters('optional'))]", json!(true)),
        ("[contains(createArray('a'), 'a')]", json!(true)),
        ("[union(createObject('a', 1), createObject('b', 2))]", json!({"a": 1, "b": 2})),
        ("[length(parameters('items'))]", json!(2)),
        ("[tryGet(parameters('optional'), 'x')]", json!(null)),
        ("[tryGet(parameters('items')[0], 'v')]", json!(1)),
        ("[tryGet(parameters('items')[0], 'nope')]", json!(null)),
        ("[range(1, 3)]", json!([1, 2, 3])),
    ]);
}

#[test]
fn lambdas() {
    check(&[
        ("[map(parameters('items'), lambda('i', lambdaVariables('i').n))]", json!(["a", "b"])),
        ("[filter(parameters('items'), lambda('i', equals(lambdaVariables('i').v, 2)))]", json!([{"n": "b", "v": 2}])),
        (
            "[reduce(parameters('items'), 0, lambda('acc', 'i', add(lambdaVariables('acc'), lambdaVariables('i').v)))]",
            json!(3),
        ),
        (
            "[toObject(parameters('items'), lambda('i', lambdaVariables('i').n), lambda('i', lambdaVariables('i').v))]",
            json!({"a": 1, "b": 2}),
        ),
        (
            "[sort(createArray(3, 1, 2), lambda('a', 'b', less(lambdaVariables('a'), lambdaVariables('b'))))]",
            json!([1, 2, 3]),
        ),
        (
            "[map(createArray(1, 2), lambda('x', map(createArray(10), lambda('y', add(lambdaVariables('x'), lambdaVariables('y'))))))]",
            json!([[11], [12]]),
        ),
    ]);
}

#[test]
fn deployment_functions() {
    let id = format!("{RG}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-app");
    check(&[
        ("[resourceGroup().id]", json!(RG)),
        ("[resourceGroup().location]", json!("westeurope")),
        ("[subscription().subscriptionId]", json!("00000000-0000-0000-0000-000000000001")),
        ("[tenant().tenantId]", json!("{tenantId}")),
        ("[deployment().name]", json!("{deploymentName}")),
        ("[environment().suffixes.storage]", json!("core.windows.net")),
        ("[resourceId('Microsoft.ManagedIdentity/userAssignedIdentities', 'id-app')]", json!(id)),
        (
            "[resourceId('other-rg', 'Microsoft.Sql/servers/databases', 's', 'd')]",
            json!(
                "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/other-rg/providers/Microsoft.Sql/servers/s/databases/d"
            ),
        ),
        (
            "[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'r')]",
            json!(
                "/subscriptions/00000000-0000-0000-0000-000000000001/providers/Microsoft.Authorization/roleDefinitions/r"
            ),
        ),
        (
            "[tenantResourceId('Microsoft.Authorization/roleDefinitions', 'r')]",
            json!("/providers/Microsoft.Authorization/roleDefinitions/r"),
        ),
        (
            "[extensionResourceId(resourceGroup().id, 'Microsoft.Authorization/locks', 'l')]",
            json!(format!("{RG}/providers/Microsoft.Authorization/locks/l")),
        ),
    ]);
}

#[test]
fn reference_gives_placeholder_identity_ids() {
    let id = format!("{RG}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-app");
    let site = format!("{RG}/providers/Microsoft.Web/sites/site");
    let principal = |id: &str| json!(format!("{{principalId of {}}}", id.to_ascii_lowercase()));
    check(&[
        (
            "[reference(resourceId('Microsoft.ManagedIdentity/userAssignedIdentities', 'id-app')).principalId]",
            principal(&id),
        ),
        ("[reference('id-app', '2023-01-31').principalId]", principal(&id)),
        (
            "[reference(resourceId('Microsoft.ManagedIdentity/userAssignedIdentities', 'id-app'), '2023-01-31', 'Full').properties.clientId]",
            json!(format!("{{clientId of {}}}", id.to_ascii_lowercase())),
        ),
        (
            "[reference(resourceId('Microsoft.Web/sites', 'site'), '2022-03-01', 'full').identity.principalId]",
            principal(&site),
        ),
        ("[reference(resourceId('Microsoft.Web/sites', 'site')).httpsOnly]", json!(true)),
        // Declared nowhere: an identity elsewhere still has its placeholder.
        (
            "[reference('/subscriptions/s/resourceGroups/g/providers/Microsoft.ManagedIdentity/userAssignedIdentities/x').principalId]",
            principal("/subscriptions/s/resourceGroups/g/providers/Microsoft.ManagedIdentity/userAssignedIdentities/x"),
        ),
    ]);
}

#[test]
fn unknown_values_flow_through_everything() {
    let (values, warnings) = evaluate(&[
        "[listKeys(resourceId('Microsoft.Storage/storageAccounts', 'x'), '2022-09-01').keys[0].value]",
        "[concat('a', listKeys('x', '1').keys)]",
        "[toUpper(parameters('missingObject').name)]",
        "[if(parameters('missingObject').enabled, 'a', 'b')]",
        "[createArray(1, parameters('missingObject'))]",
        "[length(createArray(1, parameters('missingObject')))]",
        "[parameters('missing')]",
        "[format('{0}-x', parameters('missing'))]",
        "[reference('nosuchresource').principalId]",
        "[utcNow()]",
        "[and(false(), parameters('missingObject').flag)]",
    ]);
    assert_eq!(
        values,
        vec![
            json!("{listKeys(resourceId('Microsoft.Storage|storageAccounts', 'x'), '2022-09-01').keys[0].value}"),
            json!("{listKeys('x', '1').keys}"),
            json!("{parameters('missingObject').name}"),
            json!("{parameters('missingObject').enabled}"),
            json!([1, "{parameters('missingObject')}"]),
            json!(2),
            json!("{parameters('missing')}"),
            json!("{parameters('missing')}-x"),
            json!("{reference('nosuchresource').principalId}"),
            json!("{utcNow()}"),
            json!(false),
        ]
    );
    assert_eq!(warnings, Vec::<String>::new(), "unknown values are not template errors");
}

#[test]
fn template_errors_become_unknown_values_with_a_warning() {
    let (values, warnings) = evaluate(&["[nosuchfunction(1)]", "[variables('nosuch')]", "[concat(]", "[int('x')]"]);
    assert!(values.iter().all(|v| v.as_str().is_some_and(|s| s.starts_with('{'))), "{values:?}");
    assert_eq!(warnings.len(), 4, "{warnings:?}");
}
