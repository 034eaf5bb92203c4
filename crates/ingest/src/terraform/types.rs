//! azurerm resource types as ARM sees them, as data.
//!
//! Analysis knows ARM types (`Microsoft.Web/sites` runs code, `kind` tells a function app from
//! a web app), never Terraform's. A resource whose `id` is known takes its type from the id;
//! this table serves the rest (plans, where `id` is known only after apply) and builds the
//! placeholder id of a resource not yet created.

/// One azurerm resource type.
pub struct ArmType {
    /// The Terraform type (`azurerm_linux_web_app`).
    pub terraform: &'static str,
    /// The ARM type (`Microsoft.Web/sites`).
    pub arm: &'static str,
    /// The ARM `kind`, where it tells resources of one ARM type apart.
    pub kind: Option<&'static str>,
    /// For child resources: where the parent's id comes from, and the segments between the
    /// parent's id and the child's name.
    pub parent: Option<(Parent, &'static str)>,
}

/// How a child resource names its parent.
#[derive(Copy, Clone)]
pub enum Parent {
    /// An attribute holds the parent's id (`namespace_id`).
    Id(&'static str),
    /// An attribute holds the parent's name, in the child's resource group: the parent's ARM
    /// type and the attribute (`virtual_network_name`).
    Named(&'static str, &'static str),
}

const fn top(terraform: &'static str, arm: &'static str) -> ArmType {
    ArmType { terraform, arm, kind: None, parent: None }
}

const fn site(terraform: &'static str, kind: &'static str) -> ArmType {
    ArmType { terraform, arm: "Microsoft.Web/sites", kind: Some(kind), parent: None }
}

const fn child(terraform: &'static str, arm: &'static str, parent: &'static str, between: &'static str) -> ArmType {
    ArmType { terraform, arm, kind: None, parent: Some((Parent::Id(parent), between)) }
}

/// The table, sorted by Terraform type.
const TYPES: &[ArmType] = &[
    top("azurerm_api_management", "Microsoft.ApiManagement/service"),
    top("azurerm_app_configuration", "Microsoft.AppConfiguration/configurationStores"),
    site("azurerm_app_service", "app"),
    top("azurerm_app_service_plan", "Microsoft.Web/serverFarms"),
    top("azurerm_application_gateway", "Microsoft.Network/applicationGateways"),
    top("azurerm_application_insights", "Microsoft.Insights/components"),
    top("azurerm_automation_account", "Microsoft.Automation/automationAccounts"),
    top("azurerm_batch_account", "Microsoft.Batch/batchAccounts"),
    top("azurerm_cognitive_account", "Microsoft.CognitiveServices/accounts"),
    top("azurerm_container_app", "Microsoft.App/containerApps"),
    top("azurerm_container_app_environment", "Microsoft.App/managedEnvironments"),
    top("azurerm_container_app_job", "Microsoft.App/jobs"),
    top("azurerm_container_group", "Microsoft.ContainerInstance/containerGroups"),
    top("azurerm_container_registry", "Microsoft.ContainerRegistry/registries"),
    top("azurerm_cosmosdb_account", "Microsoft.DocumentDB/databaseAccounts"),
    top("azurerm_data_factory", "Microsoft.DataFactory/factories"),
    top("azurerm_data_protection_backup_vault", "Microsoft.DataProtection/backupVaults"),
    top("azurerm_databricks_workspace", "Microsoft.Databricks/workspaces"),
    top("azurerm_disk_encryption_set", "Microsoft.Compute/diskEncryptionSets"),
    top("azurerm_eventgrid_system_topic", "Microsoft.EventGrid/systemTopics"),
    top("azurerm_eventgrid_topic", "Microsoft.EventGrid/topics"),
    child("azurerm_eventhub", "Microsoft.EventHub/namespaces/eventhubs", "namespace_id", "eventhubs"),
    top("azurerm_eventhub_namespace", "Microsoft.EventHub/namespaces"),
    site("azurerm_function_app", "functionapp"),
    top("azurerm_iothub", "Microsoft.Devices/IotHubs"),
    top("azurerm_key_vault", "Microsoft.KeyVault/vaults"),
    top("azurerm_kubernetes_cluster", "Microsoft.ContainerService/managedClusters"),
    child(
        "azurerm_kubernetes_cluster_node_pool",
        "Microsoft.ContainerService/managedClusters/agentPools",
        "kubernetes_cluster_id",
        "agentPools",
    ),
    top("azurerm_kusto_cluster", "Microsoft.Kusto/clusters"),
    site("azurerm_linux_function_app", "functionapp,linux"),
    child("azurerm_linux_function_app_slot", "Microsoft.Web/sites/slots", "function_app_id", "slots"),
    top("azurerm_linux_virtual_machine", "Microsoft.Compute/virtualMachines"),
    top("azurerm_linux_virtual_machine_scale_set", "Microsoft.Compute/virtualMachineScaleSets"),
    site("azurerm_linux_web_app", "app,linux"),
    child("azurerm_linux_web_app_slot", "Microsoft.Web/sites/slots", "app_service_id", "slots"),
    top("azurerm_log_analytics_workspace", "Microsoft.OperationalInsights/workspaces"),
    site("azurerm_logic_app_standard", "functionapp,workflowapp"),
    top("azurerm_logic_app_workflow", "Microsoft.Logic/workflows"),
    top("azurerm_machine_learning_workspace", "Microsoft.MachineLearningServices/workspaces"),
    top("azurerm_managed_disk", "Microsoft.Compute/disks"),
    top("azurerm_monitor_data_collection_rule", "Microsoft.Insights/dataCollectionRules"),
    child("azurerm_mssql_database", "Microsoft.Sql/servers/databases", "server_id", "databases"),
    top("azurerm_mssql_server", "Microsoft.Sql/servers"),
    top("azurerm_mysql_flexible_server", "Microsoft.DBforMySQL/flexibleServers"),
    top("azurerm_netapp_account", "Microsoft.NetApp/netAppAccounts"),
    top("azurerm_network_interface", "Microsoft.Network/networkInterfaces"),
    top("azurerm_network_security_group", "Microsoft.Network/networkSecurityGroups"),
    top("azurerm_orchestrated_virtual_machine_scale_set", "Microsoft.Compute/virtualMachineScaleSets"),
    top("azurerm_postgresql_flexible_server", "Microsoft.DBforPostgreSQL/flexibleServers"),
    top("azurerm_public_ip", "Microsoft.Network/publicIPAddresses"),
    top("azurerm_recovery_services_vault", "Microsoft.RecoveryServices/vaults"),
    top("azurerm_redis_cache", "Microsoft.Cache/redis"),
    top("azurerm_search_service", "Microsoft.Search/searchServices"),
    top("azurerm_service_plan", "Microsoft.Web/serverFarms"),
    top("azurerm_servicebus_namespace", "Microsoft.ServiceBus/namespaces"),
    top("azurerm_signalr_service", "Microsoft.SignalRService/signalR"),
    top("azurerm_static_web_app", "Microsoft.Web/staticSites"),
    top("azurerm_storage_account", "Microsoft.Storage/storageAccounts"),
    child(
        "azurerm_storage_container",
        "Microsoft.Storage/storageAccounts/blobServices/containers",
        "storage_account_id",
        "blobServices/default/containers",
    ),
    top("azurerm_stream_analytics_job", "Microsoft.StreamAnalytics/streamingjobs"),
    ArmType {
        terraform: "azurerm_subnet",
        arm: "Microsoft.Network/virtualNetworks/subnets",
        kind: None,
        parent: Some((Parent::Named("Microsoft.Network/virtualNetworks", "virtual_network_name"), "subnets")),
    },
    top("azurerm_synapse_workspace", "Microsoft.Synapse/workspaces"),
    top("azurerm_user_assigned_identity", "Microsoft.ManagedIdentity/userAssignedIdentities"),
    top("azurerm_virtual_machine", "Microsoft.Compute/virtualMachines"),
    top("azurerm_virtual_machine_scale_set", "Microsoft.Compute/virtualMachineScaleSets"),
    top("azurerm_virtual_network", "Microsoft.Network/virtualNetworks"),
    site("azurerm_windows_function_app", "functionapp"),
    child("azurerm_windows_function_app_slot", "Microsoft.Web/sites/slots", "function_app_id", "slots"),
    top("azurerm_windows_virtual_machine", "Microsoft.Compute/virtualMachines"),
    top("azurerm_windows_virtual_machine_scale_set", "Microsoft.Compute/virtualMachineScaleSets"),
    site("azurerm_windows_web_app", "app"),
    child("azurerm_windows_web_app_slot", "Microsoft.Web/sites/slots", "app_service_id", "slots"),
];

/// An identity AKS creates for a cluster: the kubelet's or an add-on's.
pub struct AksIdentity {
    /// The block on `azurerm_kubernetes_cluster` (`kubelet_identity`, `oms_agent`).
    pub block: &'static str,
    /// The identity block inside an add-on's block; `None` for the kubelet, whose block is
    /// the identity.
    pub identity: Option<&'static str>,
    /// The add-on's name in ARM's `addonProfiles`; `None` for the kubelet.
    pub addon: Option<&'static str>,
    /// The name AKS gives the identity it creates: prefix and suffix around the cluster's name.
    pub name: (&'static str, &'static str),
}

/// The identities AKS creates in the node resource group, and how AKS names them.
pub const AKS_IDENTITIES: &[AksIdentity] = &[
    AksIdentity { block: "kubelet_identity", identity: None, addon: None, name: ("", "-agentpool") },
    AksIdentity {
        block: "oms_agent",
        identity: Some("oms_agent_identity"),
        addon: Some("omsagent"),
        name: ("omsagent-", ""),
    },
    AksIdentity {
        block: "ingress_application_gateway",
        identity: Some("ingress_application_gateway_identity"),
        addon: Some("ingressApplicationGateway"),
        name: ("ingressapplicationgateway-", ""),
    },
    AksIdentity {
        block: "key_vault_secrets_provider",
        identity: Some("secret_identity"),
        addon: Some("azureKeyvaultSecretsProvider"),
        name: ("azurekeyvaultsecretsprovider-", ""),
    },
    AksIdentity {
        block: "aci_connector_linux",
        identity: Some("connector_identity"),
        addon: Some("aciConnectorLinux"),
        name: ("aciconnectorlinux-", ""),
    },
    AksIdentity {
        block: "web_app_routing",
        identity: Some("web_app_routing_identity"),
        addon: Some("webAppRouting"),
        name: ("webapprouting-", ""),
    },
];

/// The ARM type of an azurerm resource type, if Blastmap maps it.
pub fn arm_type(terraform: &str) -> Option<&'static ArmType> {
    TYPES.binary_search_by(|t| t.terraform.cmp(terraform)).ok().and_then(|at| TYPES.get(at))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_sorted_and_every_type_is_arm_shaped() {
        assert!(TYPES.windows(2).all(|w| w[0].terraform < w[1].terraform));
        assert!(TYPES.iter().all(|t| t.terraform.starts_with("azurerm_") && t.arm.contains('/')));
        assert_eq!(arm_type("azurerm_linux_function_app").and_then(|t| t.kind), Some("functionapp,linux"));
        assert!(arm_type("azurerm_role_assignment").is_none());
    }
}
