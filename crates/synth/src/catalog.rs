//! Static tables: environments, regions, names, resource kinds and built-in roles.
//!
//! The built-in role GUIDs are the real ones (the same in every Azure tenant); each
//! was checked against Microsoft's published list of built-in roles.

/// A deployment environment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Env {
    Dev,
    Uat,
    Prod,
}

impl Env {
    /// All environments, in promotion order.
    pub(crate) const ALL: [Env; 3] = [Env::Dev, Env::Uat, Env::Prod];

    /// The canonical token (`dev`, `uat`, `prod`).
    pub(crate) fn token(self) -> &'static str {
        match self {
            Env::Dev => "dev",
            Env::Uat => "uat",
            Env::Prod => "prod",
        }
    }

    /// Region weights (indices into [`REGIONS`]) for resource groups of this
    /// environment: production sits mostly in a West/North Europe pair, UAT mostly in
    /// West Europe, dev anywhere.
    pub(crate) fn region_weights(self) -> &'static [u32; 4] {
        match self {
            Env::Dev => &[35, 20, 25, 20],
            Env::Uat => &[70, 20, 10, 0],
            Env::Prod => &[58, 37, 5, 0],
        }
    }

    /// Values that people write in an environment tag, by weight.
    pub(crate) fn tag_values(self) -> &'static [(&'static str, u32)] {
        match self {
            Env::Dev => &[("dev", 40), ("Dev", 20), ("DEV", 10), ("development", 20), ("Development", 10)],
            Env::Uat => &[("uat", 50), ("UAT", 30), ("Uat", 10), ("acceptance", 10)],
            Env::Prod => {
                &[("prod", 35), ("Prod", 15), ("PROD", 10), ("production", 25), ("Production", 10), ("prd", 5)]
            }
        }
    }
}

/// The four regions the tenant uses (short ARM names).
pub(crate) const REGIONS: [&str; 4] = ["westeurope", "northeurope", "swedencentral", "eastus"];

/// Base words for application names; numbered when the tenant needs more apps.
pub(crate) const APP_WORDS: &[&str] = &[
    "orders",
    "billing",
    "payments",
    "catalog",
    "inventory",
    "search",
    "shipping",
    "pricing",
    "checkout",
    "loyalty",
    "notify",
    "crm",
    "payroll",
    "ledger",
    "claims",
    "quotes",
    "booking",
    "fleet",
    "tracking",
    "portal",
    "analytics",
    "ingest",
    "etl",
    "docs",
    "media",
    "chat",
    "support",
    "tickets",
    "audit",
    "risk",
    "fraud",
    "kyc",
    "onboard",
    "partner",
    "vendor",
    "supply",
    "warehouse",
    "returns",
    "reviews",
    "promo",
    "coupons",
    "wallet",
    "rewards",
    "forecast",
    "planning",
    "scheduler",
    "telemetry",
    "iot",
    "devices",
    "maps",
    "geo",
    "weather",
    "labs",
    "recs",
    "profile",
    "accounts",
    "invoices",
    "contracts",
    "assets",
    "hrportal",
    "learning",
    "events",
    "survey",
    "mailer",
];

/// Component names used to tell apart several resources of a kind in one group.
pub(crate) const COMPONENTS: &[&str] = &[
    "api", "web", "worker", "jobs", "sync", "admin", "gateway", "events", "ingest", "report", "export", "import",
    "notify", "batch", "cache", "auth", "search", "backend", "frontend", "cron",
];

/// Component names of the shared platform identities.
pub(crate) const PLATFORM_COMPONENTS: &[&str] = &[
    "acrpull",
    "monitoring",
    "deploy",
    "backup",
    "policy",
    "keyvault",
    "dns",
    "gitops",
    "logs",
    "certs",
    "patching",
    "inventory",
];

/// Given names for user principals.
pub(crate) const FIRST_NAMES: &[&str] = &[
    "alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy", "karl", "lena", "mallory",
    "niaj", "olivia", "peggy", "quentin", "rupert", "sybil", "trent", "ursula", "victor", "walter", "yara", "zoe",
    "amir", "bea", "chen", "dana", "emeka", "fatima", "goran", "hana", "ines", "jonas", "kofi", "lucia", "marta",
    "nils", "oskar",
];

/// Family names for user principals.
pub(crate) const LAST_NAMES: &[&str] = &[
    "smith",
    "jones",
    "nguyen",
    "garcia",
    "mueller",
    "rossi",
    "kowalski",
    "jensen",
    "larsen",
    "dubois",
    "silva",
    "novak",
    "ahmed",
    "kim",
    "tanaka",
    "oconnor",
    "fischer",
    "berg",
    "moreau",
    "santos",
    "lindqvist",
    "costa",
    "horvat",
    "ivanova",
    "petersen",
];

/// Organisation-wide security groups (display names), beside one group per app.
pub(crate) const ORG_GROUPS: &[&str] = &[
    "Cloud Platform Admins",
    "Security Readers",
    "SRE On-Call",
    "FinOps Analysts",
    "Database Admins",
    "Network Operations",
    "Data Engineering",
    "Release Managers",
];

/// Index of "Cloud Platform Admins" in [`ORG_GROUPS`].
pub(crate) const GROUP_PLATFORM_ADMINS: usize = 0;
/// Index of "Security Readers" in [`ORG_GROUPS`].
pub(crate) const GROUP_SECURITY_READERS: usize = 1;
/// Index of "SRE On-Call" in [`ORG_GROUPS`].
pub(crate) const GROUP_SRE: usize = 2;
/// Index of "FinOps Analysts" in [`ORG_GROUPS`].
pub(crate) const GROUP_FINOPS: usize = 3;

/// Names of Private DNS zones, which recur in many resource groups.
pub(crate) const PRIVATE_DNS_ZONES: &[&str] = &[
    "privatelink.vaultcore.azure.net",
    "privatelink.blob.core.windows.net",
    "privatelink.database.windows.net",
    "privatelink.servicebus.windows.net",
    "privatelink.azurewebsites.net",
    "privatelink.documents.azure.com",
    "privatelink.azurecr.io",
];

/// The management group that holds every subscription.
pub(crate) const MANAGEMENT_GROUP: &str = "mg-platform";

/// A built-in Azure role: its tenant-independent GUID and its name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct BuiltIn {
    pub(crate) guid: &'static str,
    pub(crate) name: &'static str,
}

macro_rules! builtins {
    ($($id:ident = $guid:literal, $name:literal;)*) => {
        $(
            #[doc = concat!("The built-in role \"", $name, "\".")]
            pub(crate) const $id: BuiltIn = BuiltIn { guid: $guid, name: $name };
        )*
    };
}

builtins! {
    OWNER = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635", "Owner";
    CONTRIBUTOR = "b24988ac-6180-42a0-ab88-20f7382dd24c", "Contributor";
    READER = "acdd72a7-3385-48ef-bd42-f606fba81ae7", "Reader";
    USER_ACCESS_ADMIN = "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9", "User Access Administrator";
    KV_SECRETS_USER = "4633458b-17de-408a-b874-0445c86b69e6", "Key Vault Secrets User";
    KV_SECRETS_OFFICER = "b86a8fe4-44ce-4948-aee5-eccb2c155cd7", "Key Vault Secrets Officer";
    KV_ADMIN = "00482a5a-887f-4fb3-b363-3b7fe8e74483", "Key Vault Administrator";
    KV_READER = "21090545-7ca7-4776-b22c-e363652d74d2", "Key Vault Reader";
    KV_CRYPTO_USER = "12338af0-0e69-4776-bea7-57ae8d297424", "Key Vault Crypto User";
    BLOB_CONTRIBUTOR = "ba92f5b4-2d11-453d-a403-e96b0029c9fe", "Storage Blob Data Contributor";
    BLOB_READER = "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1", "Storage Blob Data Reader";
    BLOB_OWNER = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b", "Storage Blob Data Owner";
    QUEUE_CONTRIBUTOR = "974c5e8b-45b9-4653-ba55-5f855dd0fb88", "Storage Queue Data Contributor";
    STORAGE_ACCOUNT_CONTRIBUTOR = "17d1049b-9a84-46fb-8f53-869881c3d3ab", "Storage Account Contributor";
    ACR_PULL = "7f951dda-4ed3-4680-a7ca-43fe172d538d", "AcrPull";
    ACR_PUSH = "8311e382-0749-4cb8-b61a-304f252e45ec", "AcrPush";
    WEBSITE_CONTRIBUTOR = "de139f84-1756-47ae-9be6-808fbbe84772", "Website Contributor";
    VM_CONTRIBUTOR = "9980e02c-c2be-4d73-94e8-173b1dc7cf3c", "Virtual Machine Contributor";
    VM_ADMIN_LOGIN = "1c0163c0-47e6-4577-8991-ea5c82e286e4", "Virtual Machine Administrator Login";
    VM_USER_LOGIN = "fb879df8-f326-4884-b1cf-06f3ad86be52", "Virtual Machine User Login";
    MI_OPERATOR = "f1a07417-d97a-45cb-824c-7a7467783830", "Managed Identity Operator";
    MI_CONTRIBUTOR = "e40ec5ca-96e0-45a2-b4ff-59039f2c2b59", "Managed Identity Contributor";
    AUTOMATION_CONTRIBUTOR = "f353d9bd-d4a6-484e-a77a-8050b599b867", "Automation Contributor";
    LOGIC_APP_CONTRIBUTOR = "87a39d53-fc1b-424a-814c-f7e04687dc9e", "Logic App Contributor";
    SB_SENDER = "69a216fc-b8fb-44d8-bc22-1f3c2cd27a39", "Azure Service Bus Data Sender";
    SB_RECEIVER = "4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0", "Azure Service Bus Data Receiver";
    EH_SENDER = "2b629674-e913-4c01-ae53-ef4638d8f975", "Azure Event Hubs Data Sender";
    SQL_DB_CONTRIBUTOR = "9b7fa17d-e63e-47b0-bb0a-15c516ac86ec", "SQL DB Contributor";
    SQL_SERVER_CONTRIBUTOR = "6d8ee4ec-f05a-4a1d-8b00-a9b17e38b437", "SQL Server Contributor";
    COSMOS_READER = "fbdf93bf-df7d-467e-a4d2-9458aa1360c8", "Cosmos DB Account Reader Role";
    DOCUMENTDB_CONTRIBUTOR = "5bd9cd88-fe45-4216-938b-f97437e15450", "DocumentDB Account Contributor";
    METRICS_PUBLISHER = "3913510d-42f4-4e42-8a64-420c390055eb", "Monitoring Metrics Publisher";
    MONITORING_READER = "43d0d8ad-25c7-4714-9337-8ba259a9fe05", "Monitoring Reader";
    LOG_ANALYTICS_CONTRIBUTOR = "92aaf0da-9dab-42b6-94a3-d43ce8d16293", "Log Analytics Contributor";
    LOG_ANALYTICS_READER = "73c42c96-874c-492b-b04d-ab87d138a893", "Log Analytics Reader";
    NETWORK_CONTRIBUTOR = "4d97b98b-1d4f-4787-a291-c67834d212e7", "Network Contributor";
    AKS_CLUSTER_ADMIN = "0ab0b1a8-8aac-4efd-b8c2-3ee1fb270be8", "Azure Kubernetes Service Cluster Admin Role";
    AKS_CLUSTER_USER = "4abbcc35-e782-43d8-92c5-2d3f1bd2253f", "Azure Kubernetes Service Cluster User Role";
    AKS_CONTRIBUTOR = "ed7f3fbd-7b88-4dd4-9017-9adb7ce333f8", "Azure Kubernetes Service Contributor Role";
    CONTAINER_APPS_CONTRIBUTOR = "358470bc-b998-42bd-ab17-a7e34c199c0f", "Container Apps Contributor";
}

/// Every kind of resource the generator emits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Kind {
    // Sources: compute that carries identities.
    WebApp,
    FunctionApp,
    LinuxWebApp,
    LinuxFunctionApp,
    Vm,
    Vmss,
    Aks,
    LogicApp,
    Automation,
    ContainerApp,
    // The identities themselves.
    Uami,
    // Targets and plumbing.
    KeyVault,
    Storage,
    SqlServer,
    SqlDb,
    SqlMaster,
    Acr,
    ServiceBus,
    Cosmos,
    Vnet,
    ServerFarm,
    AppInsights,
    LogAnalytics,
    Nic,
    Disk,
    Nsg,
    PublicIp,
    EventHub,
    Redis,
    ActionGroup,
    PrivateDns,
    PlainWebApp,
    LoadBalancer,
}

impl Kind {
    /// The ARM resource type, with the casing `az resource list` prints.
    pub(crate) fn arm_type(self) -> &'static str {
        match self {
            Kind::WebApp | Kind::FunctionApp | Kind::LinuxWebApp | Kind::LinuxFunctionApp | Kind::PlainWebApp => {
                "Microsoft.Web/sites"
            }
            Kind::Vm => "Microsoft.Compute/virtualMachines",
            Kind::Vmss => "Microsoft.Compute/virtualMachineScaleSets",
            Kind::Aks => "Microsoft.ContainerService/managedClusters",
            Kind::LogicApp => "Microsoft.Logic/workflows",
            Kind::Automation => "Microsoft.Automation/automationAccounts",
            Kind::ContainerApp => "Microsoft.App/containerApps",
            Kind::Uami => "Microsoft.ManagedIdentity/userAssignedIdentities",
            Kind::KeyVault => "Microsoft.KeyVault/vaults",
            Kind::Storage => "Microsoft.Storage/storageAccounts",
            Kind::SqlServer => "Microsoft.Sql/servers",
            Kind::SqlDb | Kind::SqlMaster => "Microsoft.Sql/servers/databases",
            Kind::Acr => "Microsoft.ContainerRegistry/registries",
            Kind::ServiceBus => "Microsoft.ServiceBus/namespaces",
            Kind::Cosmos => "Microsoft.DocumentDB/databaseAccounts",
            Kind::Vnet => "Microsoft.Network/virtualNetworks",
            Kind::ServerFarm => "Microsoft.Web/serverFarms",
            Kind::AppInsights => "Microsoft.Insights/components",
            Kind::LogAnalytics => "Microsoft.OperationalInsights/workspaces",
            Kind::Nic => "Microsoft.Network/networkInterfaces",
            Kind::Disk => "Microsoft.Compute/disks",
            Kind::Nsg => "Microsoft.Network/networkSecurityGroups",
            Kind::PublicIp => "Microsoft.Network/publicIPAddresses",
            Kind::EventHub => "Microsoft.EventHub/namespaces",
            Kind::Redis => "Microsoft.Cache/Redis",
            // Real exports keep this RP's lower-case type.
            Kind::ActionGroup => "microsoft.insights/actiongroups",
            Kind::PrivateDns => "Microsoft.Network/privateDnsZones",
            Kind::LoadBalancer => "Microsoft.Network/loadBalancers",
        }
    }

    /// Whether this is a `Microsoft.Web/sites` kind (web or function app).
    pub(crate) fn is_site(self) -> bool {
        matches!(
            self,
            Kind::WebApp | Kind::FunctionApp | Kind::LinuxWebApp | Kind::LinuxFunctionApp | Kind::PlainWebApp
        )
    }

    /// Whether identities typically receive data-plane roles on this kind.
    pub(crate) fn is_data_target(self) -> bool {
        matches!(
            self,
            Kind::KeyVault
                | Kind::Storage
                | Kind::SqlDb
                | Kind::SqlServer
                | Kind::Acr
                | Kind::ServiceBus
                | Kind::Cosmos
                | Kind::EventHub
                | Kind::AppInsights
                | Kind::LogAnalytics
                | Kind::Redis
        )
    }

    /// The `kind` string `az resource list` shows for this kind, if any.
    pub(crate) fn az_kind(self) -> Option<&'static str> {
        match self {
            Kind::WebApp | Kind::PlainWebApp => Some("app"),
            Kind::FunctionApp => Some("functionapp"),
            Kind::LinuxWebApp => Some("app,linux"),
            Kind::LinuxFunctionApp => Some("functionapp,linux"),
            Kind::Storage => Some("StorageV2"),
            Kind::SqlServer => Some("v12.0"),
            Kind::SqlDb => Some("v12.0,user"),
            Kind::SqlMaster => Some("v12.0,system"),
            Kind::Cosmos => Some("GlobalDocumentDB"),
            Kind::AppInsights => Some("web"),
            Kind::ServerFarm => Some("app"),
            _ => None,
        }
    }

    /// The name prefix (Microsoft's abbreviation conventions).
    pub(crate) fn prefix(self) -> &'static str {
        match self {
            Kind::WebApp | Kind::LinuxWebApp | Kind::PlainWebApp => "app",
            Kind::FunctionApp | Kind::LinuxFunctionApp => "func",
            Kind::Vm => "vm",
            Kind::Vmss => "vmss",
            Kind::Aks => "aks",
            Kind::LogicApp => "logic",
            Kind::Automation => "aa",
            Kind::ContainerApp => "ca",
            Kind::Uami => "id",
            Kind::KeyVault => "kv",
            Kind::Storage => "st",
            Kind::SqlServer => "sql",
            Kind::SqlDb | Kind::SqlMaster => "sqldb",
            Kind::Acr => "cr",
            Kind::ServiceBus => "sb",
            Kind::Cosmos => "cosmos",
            Kind::Vnet => "vnet",
            Kind::ServerFarm => "asp",
            Kind::AppInsights => "appi",
            Kind::LogAnalytics => "log",
            Kind::Nic => "nic",
            Kind::Disk => "disk",
            Kind::Nsg => "nsg",
            Kind::PublicIp => "pip",
            Kind::EventHub => "evhns",
            Kind::Redis => "redis",
            Kind::ActionGroup => "ag",
            Kind::PrivateDns => "pdns",
            Kind::LoadBalancer => "lb",
        }
    }

    /// Whether the kind's name is lower-case alphanumerics only (storage, registries).
    pub(crate) fn alnum_name(self) -> bool {
        matches!(self, Kind::Storage | Kind::Acr)
    }
}

/// Source kinds and their base weights in an application resource group.
pub(crate) const SOURCE_WEIGHTS: &[(Kind, u32)] = &[
    (Kind::WebApp, 14),
    (Kind::FunctionApp, 14),
    (Kind::LinuxWebApp, 10),
    (Kind::LinuxFunctionApp, 4),
    (Kind::Vm, 16),
    (Kind::Vmss, 5),
    (Kind::Aks, 3),
    (Kind::LogicApp, 12),
    (Kind::Automation, 5),
    (Kind::ContainerApp, 15),
];

/// Target kinds and their weights when filling a resource group after its core set.
pub(crate) const TARGET_WEIGHTS: &[(Kind, u32)] = &[
    (Kind::Storage, 13),
    (Kind::KeyVault, 6),
    (Kind::SqlServer, 3),
    (Kind::Acr, 2),
    (Kind::ServiceBus, 5),
    (Kind::Cosmos, 3),
    (Kind::Vnet, 4),
    (Kind::ServerFarm, 5),
    (Kind::AppInsights, 8),
    (Kind::LogAnalytics, 3),
    (Kind::Nsg, 5),
    (Kind::PublicIp, 3),
    (Kind::EventHub, 2),
    (Kind::Redis, 2),
    (Kind::ActionGroup, 3),
    (Kind::PrivateDns, 3),
    (Kind::PlainWebApp, 3),
];

/// Target kinds of a platform resource group (shared services of an environment).
pub(crate) const PLATFORM_TARGET_WEIGHTS: &[(Kind, u32)] = &[
    (Kind::Acr, 6),
    (Kind::KeyVault, 8),
    (Kind::LogAnalytics, 6),
    (Kind::Storage, 8),
    (Kind::Vnet, 6),
    (Kind::PrivateDns, 8),
    (Kind::Nsg, 4),
    (Kind::PublicIp, 2),
    (Kind::ActionGroup, 3),
];

/// The permissions of one custom role template.
pub(crate) struct CustomTemplate {
    pub(crate) name: &'static str,
    pub(crate) description: &'static str,
    pub(crate) actions: &'static [&'static str],
    pub(crate) not_actions: &'static [&'static str],
    pub(crate) data_actions: &'static [&'static str],
    /// Who usually holds the role, which picks its assignees and scopes.
    pub(crate) holder: Holder,
}

/// Who a custom role is made for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Holder {
    /// Operators (users or groups) over resource groups with virtual machines.
    VmOperators,
    /// Auditors at subscription scope.
    Auditors,
    /// Deployment identities and pipelines over resource groups with web apps.
    WebDeployers,
    /// People over resource groups.
    People,
    /// Managed identities over key vaults.
    SecretRotators,
    /// Pipelines at subscription scope.
    Pipelines,
}

/// Custom role templates; the first three are always defined.
pub(crate) const CUSTOM_TEMPLATES: &[CustomTemplate] = &[
    CustomTemplate {
        name: "VM Operator (custom)",
        description: "Start, stop, restart and run commands on virtual machines.",
        actions: &[
            "Microsoft.Compute/virtualMachines/read",
            "Microsoft.Compute/virtualMachines/start/action",
            "Microsoft.Compute/virtualMachines/restart/action",
            "Microsoft.Compute/virtualMachines/deallocate/action",
            "Microsoft.Compute/virtualMachines/runCommand/action",
            "Microsoft.Resources/subscriptions/resourceGroups/read",
        ],
        not_actions: &[],
        data_actions: &[],
        holder: Holder::VmOperators,
    },
    CustomTemplate {
        name: "Reader Plus (custom)",
        description: "Read everything, and open support tickets.",
        actions: &["*/read", "Microsoft.Support/*"],
        not_actions: &[],
        data_actions: &[],
        holder: Holder::Auditors,
    },
    CustomTemplate {
        name: "Web App Deployer (custom)",
        description: "Deploy and configure web and function apps, but not delete them.",
        actions: &[
            "Microsoft.Web/sites/*",
            "Microsoft.Web/serverFarms/read",
            "Microsoft.Insights/components/read",
            "Microsoft.Resources/subscriptions/resourceGroups/read",
            "Microsoft.Resources/deployments/*",
        ],
        not_actions: &["Microsoft.Web/sites/delete", "Microsoft.Web/sites/slots/delete"],
        data_actions: &[],
        holder: Holder::WebDeployers,
    },
    CustomTemplate {
        name: "Identity Attacher (custom)",
        description: "Attach user-assigned identities to virtual machines.",
        actions: &[
            "Microsoft.ManagedIdentity/userAssignedIdentities/read",
            "Microsoft.ManagedIdentity/userAssignedIdentities/*/assign/action",
            "Microsoft.Compute/virtualMachines/read",
            "Microsoft.Compute/virtualMachines/write",
        ],
        not_actions: &[],
        data_actions: &[],
        holder: Holder::People,
    },
    CustomTemplate {
        name: "Key Vault Secret Rotator (custom)",
        description: "Read and rotate secrets in key vaults.",
        actions: &["Microsoft.KeyVault/vaults/read"],
        not_actions: &[],
        data_actions: &[
            "Microsoft.KeyVault/vaults/secrets/getSecret/action",
            "Microsoft.KeyVault/vaults/secrets/setSecret/action",
            "Microsoft.KeyVault/vaults/secrets/readMetadata/action",
        ],
        holder: Holder::SecretRotators,
    },
    CustomTemplate {
        name: "Deployment Operator (custom)",
        description: "Run ARM deployments and grant the roles they declare.",
        actions: &[
            "Microsoft.Resources/deployments/*",
            "Microsoft.Resources/subscriptions/resourceGroups/*",
            "Microsoft.Authorization/roleAssignments/write",
            "Microsoft.Authorization/roleAssignments/read",
        ],
        not_actions: &["Microsoft.Resources/subscriptions/resourceGroups/delete"],
        data_actions: &[],
        holder: Holder::Pipelines,
    },
    CustomTemplate {
        name: "Automation Runbook Author (custom)",
        description: "Write and start runbooks in automation accounts.",
        actions: &[
            "Microsoft.Automation/automationAccounts/read",
            "Microsoft.Automation/automationAccounts/runbooks/*",
            "Microsoft.Automation/automationAccounts/jobs/*",
        ],
        not_actions: &["Microsoft.Automation/automationAccounts/runbooks/delete"],
        data_actions: &[],
        holder: Holder::People,
    },
    CustomTemplate {
        name: "Network Reader (custom)",
        description: "Read network resources and effective routes.",
        actions: &["Microsoft.Network/*/read", "Microsoft.Network/networkInterfaces/effectiveRouteTable/action"],
        not_actions: &[],
        data_actions: &[],
        holder: Holder::Auditors,
    },
    CustomTemplate {
        name: "AKS Operator (custom)",
        description: "Get user credentials and run commands on AKS clusters.",
        actions: &[
            "Microsoft.ContainerService/managedClusters/read",
            "Microsoft.ContainerService/managedClusters/listClusterUserCredential/action",
            "Microsoft.ContainerService/managedClusters/runCommand/action",
        ],
        not_actions: &[],
        data_actions: &[],
        holder: Holder::VmOperators,
    },
    CustomTemplate {
        name: "Storage Blob Auditor (custom)",
        description: "List and read blobs, without keys.",
        actions: &[
            "Microsoft.Storage/storageAccounts/read",
            "Microsoft.Storage/storageAccounts/blobServices/containers/read",
        ],
        not_actions: &["Microsoft.Storage/storageAccounts/listKeys/action"],
        data_actions: &["Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read"],
        holder: Holder::Auditors,
    },
];

/// An ABAC condition that real tenants put on blob data roles.
pub(crate) const BLOB_CONDITION: &str = "((!(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read'})) OR (@Resource[Microsoft.Storage/storageAccounts/blobServices/containers:name] StringEquals 'exports'))";
