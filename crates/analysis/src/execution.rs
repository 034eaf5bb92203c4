//! Which actions let a principal run code on a resource, and so use its identities.
//!
//! Seed 002: "if a user has access to install or execute code on this resource, then the user
//! has access to all the identities assigned/associated to the Azure resource". This table is
//! `shared/reference/attack-semantics.md` §4 as data: for each resource type, the ways in, each
//! a set of actions that must all be granted (a Data Factory pipeline must be written *and*
//! run). Extend it by adding rows.

use crate::permissions::Plane;

/// One way to run code: every action listed must be granted.
pub type Way = &'static [(Plane, &'static str)];

/// The ways to run code on one resource type.
pub struct CodeExecution {
    /// The resource type, as ARM spells it.
    pub resource_type: &'static str,
    /// What people call resources of this type, in the plural.
    pub noun: &'static str,
    /// Any one of these suffices.
    pub ways: &'static [Way],
}

use Plane::{Control as C, Data as D};

/// The table.
pub const CODE_EXECUTION: &[CodeExecution] = &[
    CodeExecution {
        resource_type: "Microsoft.Compute/virtualMachines",
        noun: "virtual machines",
        ways: &[
            &[(C, "Microsoft.Compute/virtualMachines/runCommand/action")],
            &[(C, "Microsoft.Compute/virtualMachines/runCommands/write")],
            &[(C, "Microsoft.Compute/virtualMachines/extensions/write")],
            &[(C, "Microsoft.Compute/virtualMachines/write")],
            &[(D, "Microsoft.Compute/virtualMachines/login/action")],
            &[(D, "Microsoft.Compute/virtualMachines/loginAsAdmin/action")],
        ],
    },
    CodeExecution {
        resource_type: "Microsoft.Compute/virtualMachineScaleSets",
        noun: "scale sets",
        ways: &[
            &[(C, "Microsoft.Compute/virtualMachineScaleSets/write")],
            &[(C, "Microsoft.Compute/virtualMachineScaleSets/extensions/write")],
            &[(C, "Microsoft.Compute/virtualMachineScaleSets/virtualMachines/runCommand/action")],
            &[(C, "Microsoft.Compute/virtualMachineScaleSets/virtualMachines/runCommands/write")],
        ],
    },
    CodeExecution {
        resource_type: "Microsoft.Web/sites",
        noun: "web and function apps",
        ways: &[
            &[(C, "Microsoft.Web/sites/write")],
            &[(C, "Microsoft.Web/sites/config/write")],
            &[(C, "Microsoft.Web/sites/config/list/action")],
            &[(C, "Microsoft.Web/sites/publish/action")],
            &[(C, "Microsoft.Web/sites/extensions/write")],
            &[(C, "Microsoft.Web/sites/slots/write")],
            &[(C, "Microsoft.Web/sites/host/listkeys/action")],
        ],
    },
    CodeExecution {
        resource_type: "Microsoft.Web/sites/slots",
        noun: "deployment slots",
        ways: &[
            &[(C, "Microsoft.Web/sites/slots/write")],
            &[(C, "Microsoft.Web/sites/slots/config/write")],
            &[(C, "Microsoft.Web/sites/slots/config/list/action")],
            &[(C, "Microsoft.Web/sites/slots/publish/action")],
        ],
    },
    CodeExecution {
        resource_type: "Microsoft.Automation/automationAccounts",
        noun: "automation accounts",
        ways: &[
            &[(C, "Microsoft.Automation/automationAccounts/runbooks/write")],
            &[(C, "Microsoft.Automation/automationAccounts/runbooks/draft/write")],
            &[(C, "Microsoft.Automation/automationAccounts/jobs/write")],
            &[(C, "Microsoft.Automation/automationAccounts/write")],
        ],
    },
    CodeExecution {
        resource_type: "Microsoft.Logic/workflows",
        noun: "logic apps",
        ways: &[&[(C, "Microsoft.Logic/workflows/write")]],
    },
    CodeExecution {
        resource_type: "Microsoft.ContainerService/managedClusters",
        noun: "AKS clusters",
        ways: &[
            &[(C, "Microsoft.ContainerService/managedClusters/runCommand/action")],
            &[(C, "Microsoft.ContainerService/managedClusters/listClusterAdminCredential/action")],
            &[(C, "Microsoft.ContainerService/managedClusters/listClusterUserCredential/action")],
            &[(C, "Microsoft.ContainerService/managedClusters/write")],
            // Kubernetes RBAC data actions: anyone who may create pods can mount the identities.
            &[(D, "Microsoft.ContainerService/managedClusters/pods/write")],
        ],
    },
    CodeExecution {
        resource_type: "Microsoft.App/containerApps",
        noun: "container apps",
        ways: &[&[(C, "Microsoft.App/containerApps/write")]],
    },
    CodeExecution {
        resource_type: "Microsoft.App/jobs",
        noun: "container app jobs",
        ways: &[&[(C, "Microsoft.App/jobs/write")]],
    },
    CodeExecution {
        resource_type: "Microsoft.ContainerInstance/containerGroups",
        noun: "container groups",
        ways: &[
            &[(C, "Microsoft.ContainerInstance/containerGroups/write")],
            &[(C, "Microsoft.ContainerInstance/containerGroups/containers/exec/action")],
        ],
    },
    CodeExecution {
        resource_type: "Microsoft.DataFactory/factories",
        noun: "data factories",
        ways: &[&[
            (C, "Microsoft.DataFactory/factories/pipelines/write"),
            (C, "Microsoft.DataFactory/factories/pipelines/createRun/action"),
        ]],
    },
    CodeExecution {
        resource_type: "Microsoft.Synapse/workspaces",
        noun: "Synapse workspaces",
        ways: &[&[
            (C, "Microsoft.Synapse/workspaces/pipelines/write"),
            (C, "Microsoft.Synapse/workspaces/pipelines/createRun/action"),
        ]],
    },
    CodeExecution {
        resource_type: "Microsoft.HybridCompute/machines",
        noun: "Arc machines",
        ways: &[
            &[(C, "Microsoft.HybridCompute/machines/runCommands/write")],
            &[(C, "Microsoft.HybridCompute/machines/extensions/write")],
        ],
    },
    CodeExecution {
        resource_type: "Microsoft.Resources/deploymentScripts",
        noun: "deployment scripts",
        ways: &[&[(C, "Microsoft.Resources/deploymentScripts/write")]],
    },
];

/// The ways to run code on a resource of this type (any case), if it is one that runs code.
pub fn code_execution(resource_type: &str) -> Option<&'static CodeExecution> {
    CODE_EXECUTION.iter().find(|row| row.resource_type.eq_ignore_ascii_case(resource_type))
}

/// The action that creates or reconfigures a resource of this type: with it, a principal can
/// put an identity on the resource (the other half of attaching a user-assigned identity).
pub fn write_action(resource_type: &str) -> String {
    format!("{resource_type}/write")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_match_in_any_case_and_every_row_has_a_way() {
        assert!(code_execution("microsoft.web/SITES").is_some());
        assert!(code_execution("Microsoft.KeyVault/vaults").is_none());
        for row in CODE_EXECUTION {
            assert!(!row.ways.is_empty() && row.ways.iter().all(|w| !w.is_empty()), "{}", row.resource_type);
            for way in row.ways {
                for (_, action) in *way {
                    let prefix = row.resource_type.split('/').next().unwrap();
                    assert!(action.starts_with(prefix), "{action} under {}", row.resource_type);
                }
            }
        }
    }
}
