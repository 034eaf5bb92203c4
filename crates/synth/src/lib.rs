//! # blastmap-synth: a synthetic Azure tenant, as the az CLI would export it
//!
//! Blastmap reads what people already have on disk: the JSON printed by
//! `az identity list`, `az resource list`, `az role assignment list --all` and
//! `az role definition list --custom-role-only true`. Nobody can share a real export
//! (it names every identity, principal and resource of a company), so tests and
//! benchmarks need a stand-in. This crate generates one from two numbers, a resource
//! count and a seed, with [`generate`]. The same [`TenantSpec`] always gives the same
//! bytes; another seed gives another tenant of the same shape.
//!
//! ## What it models
//!
//! **Organisation.** A company runs applications (`orders`, `billing`, ...) in three
//! environments, dev, uat and prod. Each environment has its own subscriptions (one,
//! plus one per 25,000 resources), all under the management group `mg-platform`. Each
//! application has one resource group per environment, `rg-<app>-<env>`, of 30 to 80
//! resources (about 55), in one of four regions: production mostly in the West/North
//! Europe pair, UAT mostly in West Europe, dev anywhere including East US. With two
//! applications or more, each environment also has a `rg-platform-<env>` group of
//! shared services (registry, vaults, Log Analytics, shared identities). Every AKS
//! cluster brings its node resource group, `MC_<rg>_<cluster>_<region>`, with the
//! kubelet identity and the node-pool scale set that uses it.
//!
//! **Resources.** `az resource list` holds exactly `resources` objects. About 10% are
//! user-assigned identities (UAMIs); about 15% are *sources*, compute that carries
//! identities: web and function apps (kinds `app`, `functionapp`, `app,linux`, ...),
//! virtual machines and scale sets, AKS clusters, Logic Apps, Automation accounts and
//! Container Apps. The rest are *targets* and plumbing: key vaults, storage accounts,
//! SQL servers with their child databases, registries, Service Bus and Event Hubs
//! namespaces, Cosmos DB accounts, virtual networks, App Service plans, Application
//! Insights, NICs and OS disks of the VMs, and so on. Names follow Microsoft's
//! abbreviations and carry the environment (`app-orders-api-dev`, `kv-orders-prod`,
//! `stordersprod01`, sometimes `prd`). Most resources carry an environment tag and an
//! owner or team tag, with the keys and values people really use (`env`,
//! `Environment`, `stage`; `prod`, `Production`, `PRD`); some carry none, so the
//! environment must come from names.
//!
//! **Identities.** A source has a system-assigned identity (about half), one or more
//! user-assigned ones, or both. An application's UAMIs are attached to its own
//! sources; platform UAMIs serve many applications of their environment. The
//! `identity.userAssignedIdentities` map keys each UAMI by id, spelled the way real
//! resource providers spell it: as created, with `/resourcegroups/` in lower case (the
//! MSI provider's habit, also used for the ids of `az identity list`), with the group
//! name upper-cased (Compute) or with a lower-case provider namespace. UAMIs have
//! `isolationScope` `None`, `Regional`, or no such key (older API versions).
//!
//! **Access.** About two role assignments per resource. Identities hold mostly data
//! roles next to their home (Key Vault Secrets User, Storage Blob Data Contributor,
//! AcrPull, Service Bus Data Sender, ...). Each app team's group is Contributor on its
//! dev group and Reader on prod; people, groups and pipelines hold roles on
//! resources, groups and subscriptions; a break-glass user and the platform admins
//! hold roles at `/` and on the management group. Built-in roles are named by their
//! real GUIDs; three to ten custom roles (`VM Operator (custom)` with
//! `runCommand/action`, `Reader Plus (custom)` with `*/read`,
//! `Web App Deployer (custom)` with `Microsoft.Web/sites/*` and `notActions`, ...)
//! are defined in the role definition file and assigned.
//!
//! ## The risky patterns, on purpose
//!
//! Blastmap exists to find these, so each is present in a small, realistic share
//! (at 2,000 resources, each appears at least once):
//!
//! * UAMIs shared by sources in dev, uat and prod;
//! * UAMIs attached to sources in another region than their own, including some whose
//!   isolation scope is `Regional`;
//! * identities holding Contributor or Owner on a whole subscription (and one on the
//!   management group);
//! * people and groups holding code-execution roles (Website Contributor, Virtual
//!   Machine Contributor, Contributor) over sources or their resource groups;
//! * users holding Managed Identity Operator on UAMIs;
//! * orphaned role assignments: `principalName` `""`, the original `principalType`,
//!   and a `principalId` that belongs to nothing in the export;
//! * unused UAMIs, attached to nothing (some still holding roles);
//! * identities of one environment holding roles on another's resources (a dev
//!   identity reading a prod key vault);
//! * hosts with two or more UAMIs and no system-assigned identity.
//!
//! ## Why it is built this way
//!
//! Output is byte-for-byte deterministic: one ChaCha8 stream seeded with
//! `seed_from_u64` drives every choice, in a fixed order, and no hash map is ever
//! iterated. There is no I/O, clock or OS randomness; timestamps fall before a fixed
//! export date. Counts are derived from `resources` with minimums, so small tenants
//! (200 resources) still have every environment, kind of identity and kind of grant,
//! and usually every risky pattern. The JSON is
//! written through serde structs whose fields are declared in alphabetical order (as
//! az sorts keys) and streamed straight into the output buffer. 100,000 resources
//! give 200,000 role assignments and about 335 MB of JSON in roughly 1.5 s in a
//! release build on a 2-core machine, with a peak memory of about 460 MB (the output
//! itself plus the model).

mod catalog;
mod export;
mod rbac;
mod rng;
mod tenant;

/// What to generate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TenantSpec {
    /// Exactly how many objects `az-resource-list.json` holds (user-assigned
    /// identities included: they are resources too).
    pub resources: usize,
    /// The seed of the random stream: the same spec always gives the same bytes.
    pub seed: u64,
}

/// One generated export file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExportFile {
    /// The file name, such as `az-identity-list.json`.
    pub name: &'static str,
    /// The file's content: UTF-8 JSON, two-space indented, ending with a newline.
    pub bytes: Vec<u8>,
}

/// How many objects of each kind the files hold.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Counts {
    /// Objects in `az-resource-list.json`.
    pub resources: usize,
    /// User-assigned identities: objects in `az-identity-list.json`, also listed as
    /// resources.
    pub user_assigned_identities: usize,
    /// Resources with an `identity` block (system- and/or user-assigned).
    pub sources: usize,
    /// Objects in `az-role-assignment-list.json`.
    pub role_assignments: usize,
    /// Objects in `az-role-definition-list.json` (custom roles only).
    pub custom_roles: usize,
    /// Subscriptions of the tenant: each environment has `1 + resources / 25_000`,
    /// and every one holds resources unless the tenant is tiny.
    pub subscriptions: usize,
}

/// The generated tenant: its export files and what they hold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Generated {
    /// The four files, in the order of [`FILE_NAMES`].
    pub files: Vec<ExportFile>,
    /// The number of objects of each kind in `files`.
    pub counts: Counts,
}

/// The names of the generated files, in the order [`Generated::files`] lists them.
pub const FILE_NAMES: [&str; 4] =
    ["az-identity-list.json", "az-resource-list.json", "az-role-assignment-list.json", "az-role-definition-list.json"];

/// Generates a synthetic tenant and its four az CLI export files.
///
/// Pure and deterministic: no I/O, no clock, no OS randomness. The same `spec` gives
/// byte-identical output on every run and platform.
///
/// ```
/// let g = blastmap_synth::generate(&blastmap_synth::TenantSpec { resources: 200, seed: 1 });
/// assert_eq!(g.counts.resources, 200);
/// assert_eq!(g.files.len(), 4);
/// ```
pub fn generate(spec: &TenantSpec) -> Generated {
    let mut builder = tenant::Builder::new(spec.resources, spec.seed);
    builder.build_inventory();
    rbac::Rbac::new(&mut builder).build();
    let t = &builder.t;
    let counts = Counts {
        resources: t.resources.len(),
        user_assigned_identities: t.uamis.len(),
        sources: t.resources.iter().filter(|r| r.identity.is_some()).count(),
        role_assignments: t.assignments.len(),
        custom_roles: t.custom_roles.len(),
        subscriptions: t.subs.len(),
    };
    let files = vec![
        ExportFile { name: FILE_NAMES[0], bytes: export::identity_list(t) },
        ExportFile { name: FILE_NAMES[1], bytes: export::resource_list(t) },
        ExportFile { name: FILE_NAMES[2], bytes: export::role_assignment_list(t) },
        ExportFile { name: FILE_NAMES[3], bytes: export::role_definition_list(t) },
    ];
    Generated { files, counts }
}
