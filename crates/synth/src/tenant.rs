//! The in-memory tenant model and the builder of its inventory: subscriptions,
//! resource groups, resources, user-assigned identities and their attachments.
//!
//! Role assignments are added by [`crate::rbac`]; JSON is written by [`crate::export`].

use crate::catalog::{
    APP_WORDS, COMPONENTS, Env, FIRST_NAMES, Kind, LAST_NAMES, ORG_GROUPS, PLATFORM_COMPONENTS,
    PLATFORM_TARGET_WEIGHTS, PRIVATE_DNS_ZONES, REGIONS, SOURCE_WEIGHTS, TARGET_WEIGHTS,
};
use crate::rng::{Instant, Rng, days_from_civil};

/// Average number of resources per resource group (the spread is 30 to 80).
const RESOURCES_PER_RG: usize = 55;

/// The day every timestamp precedes: the export is taken on 2025-09-30.
pub(crate) const EXPORT_DAY: i64 = days_from_civil(2025, 9, 30);

/// The first day resources can have been created.
pub(crate) const FIRST_DAY: i64 = days_from_civil(2021, 1, 1);

/// One subscription, dedicated to one environment.
pub(crate) struct Sub {
    pub(crate) id: String,
    pub(crate) env: Env,
}

/// What a resource group is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RgRole {
    /// One application in one environment (`rg-orders-prod`).
    App,
    /// Shared services of one environment (`rg-platform-prod`).
    Platform,
    /// The node resource group AKS manages (`MC_rg-..._aks-..._westeurope`).
    Managed,
}

/// How a resource group tags its resources.
pub(crate) struct TagStyle {
    env_key: Option<&'static str>,
    env_value: &'static str,
    owner_key: Option<&'static str>,
    owner_value: String,
    extra: Option<(&'static str, String)>,
}

/// A resource group.
pub(crate) struct Rg {
    pub(crate) name: String,
    pub(crate) sub: usize,
    pub(crate) env: Env,
    pub(crate) app: Option<usize>,
    pub(crate) region: usize,
    pub(crate) role: RgRole,
    /// The environment as written in names (`prod`, sometimes `prd`).
    pub(crate) token: &'static str,
    style: TagStyle,
    created: Instant,
    uami_naming: u8,
    rotation: usize,
    counters: Vec<(&'static str, usize)>,
    /// Indices into [`Tenant::uamis`] of the identities that live here.
    pub(crate) uamis: Vec<usize>,
    /// Indices into [`Tenant::resources`] of the sources that live here.
    pub(crate) sources: Vec<usize>,
    /// Indices into [`Tenant::resources`] of the other resources (not UAMIs).
    pub(crate) targets: Vec<usize>,
}

/// A resource's tags, in the forms exports show: `null`, `{}` or a map.
pub(crate) enum Tags {
    Null,
    Empty,
    /// Key/value pairs, sorted by key.
    Map(Vec<(&'static str, String)>),
}

/// A resource's SKU.
#[derive(Clone, Copy)]
pub(crate) struct Sku {
    pub(crate) name: &'static str,
    pub(crate) tier: Option<&'static str>,
    pub(crate) size: Option<&'static str>,
    pub(crate) family: Option<&'static str>,
    pub(crate) capacity: Option<u32>,
}

/// How a reference spells an ARM id: real exports mix these.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Case {
    /// `/resourceGroups/<rg>/providers/Microsoft.X/...`, as created.
    Canonical,
    /// `/resourcegroups/<rg>/...` (the MSI provider's spelling).
    LowerRg,
    /// `/resourceGroups/<RG>/...` (Compute upper-cases the group name).
    UpperRgName,
    /// `.../providers/microsoft.managedidentity/...` (lower-case namespace).
    LowerProvider,
}

/// The system-assigned identity of a resource.
pub(crate) struct SystemIdentity {
    pub(crate) principal_id: String,
    /// Its application (client) id: only Graph knows it, and `principalName` shows it.
    pub(crate) client_id: String,
}

/// One user-assigned identity attached to a source.
pub(crate) struct Attach {
    pub(crate) uami: usize,
    pub(crate) case: Case,
}

/// A resource's `identity` block.
pub(crate) struct Ident {
    pub(crate) system: Option<SystemIdentity>,
    pub(crate) user: Vec<Attach>,
    wants_user: bool,
    /// Whether the block shows the tenant id when only user-assigned identities exist.
    pub(crate) ua_tenant: bool,
}

impl Ident {
    /// The `type` string of the block.
    pub(crate) fn type_str(&self) -> &'static str {
        match (self.system.is_some(), self.user.is_empty()) {
            (true, true) => "SystemAssigned",
            (true, false) => "SystemAssigned, UserAssigned",
            (false, _) => "UserAssigned",
        }
    }
}

/// A resource.
pub(crate) struct Res {
    pub(crate) rg: usize,
    pub(crate) kind: Kind,
    pub(crate) name: String,
    pub(crate) id: String,
    pub(crate) location: &'static str,
    pub(crate) tags: Tags,
    pub(crate) sku: Option<Sku>,
    /// The `kind` string (`app,linux`, `StorageV2`, ...), if the type has one.
    pub(crate) az_kind: Option<&'static str>,
    pub(crate) identity: Option<Ident>,
    pub(crate) managed_by: Option<usize>,
    pub(crate) created: Instant,
    pub(crate) changed: Instant,
}

/// The `systemData` block ARM adds to resources it tracks.
pub(crate) struct SystemData {
    pub(crate) created_at: Instant,
    pub(crate) created_by: String,
    pub(crate) created_by_type: &'static str,
    pub(crate) modified_at: Instant,
}

/// A user-assigned managed identity (also a resource, see [`Uami::res`]).
pub(crate) struct Uami {
    pub(crate) res: usize,
    pub(crate) principal_id: String,
    pub(crate) client_id: String,
    pub(crate) isolation: Option<&'static str>,
    pub(crate) system_data: Option<SystemData>,
    /// Created and never attached (nor meant to be).
    pub(crate) reserved_unused: bool,
    /// The kubelet identity of an AKS cluster.
    pub(crate) kubelet: bool,
    /// How many sources it is attached to.
    pub(crate) consumers: u32,
}

/// A user, group or application service principal of Entra ID.
pub(crate) struct Person {
    pub(crate) object_id: String,
    /// UPN for users, display name for groups, appId for service principals.
    pub(crate) name: String,
    /// The application whose team this principal belongs to.
    pub(crate) team: Option<usize>,
}

/// A custom role definition.
pub(crate) struct CustomRole {
    pub(crate) template: usize,
    pub(crate) guid: String,
    pub(crate) created: Instant,
    pub(crate) updated: Instant,
    pub(crate) created_by: usize,
    pub(crate) assignable: Vec<String>,
}

/// Who holds a role assignment.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Principal {
    Uami(usize),
    /// The system-assigned identity of this resource.
    System(usize),
    User(usize),
    Group(usize),
    App(usize),
    /// A deleted principal: its id and its original principal type.
    Orphan(String, &'static str),
}

/// Where a role assignment applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Scope {
    Root,
    Mg,
    Sub(usize),
    Rg(usize),
    Res(usize),
}

/// Which role an assignment grants.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum RoleRef {
    BuiltIn(crate::catalog::BuiltIn),
    Custom(usize),
}

/// A role assignment.
pub(crate) struct Assignment {
    pub(crate) guid: String,
    pub(crate) principal: Principal,
    pub(crate) role: RoleRef,
    pub(crate) scope: Scope,
    pub(crate) case: Case,
    pub(crate) created: Instant,
    /// Who created it (a user or a pipeline), or `None` for `""`.
    pub(crate) created_by: Option<Principal>,
    pub(crate) condition: Option<&'static str>,
    pub(crate) description: Option<&'static str>,
}

/// The whole synthetic tenant.
pub(crate) struct Tenant {
    pub(crate) tenant_id: String,
    pub(crate) subs: Vec<Sub>,
    pub(crate) apps: Vec<String>,
    pub(crate) rgs: Vec<Rg>,
    pub(crate) resources: Vec<Res>,
    pub(crate) uamis: Vec<Uami>,
    pub(crate) users: Vec<Person>,
    pub(crate) groups: Vec<Person>,
    pub(crate) apps_sps: Vec<Person>,
    pub(crate) custom_roles: Vec<CustomRole>,
    pub(crate) assignments: Vec<Assignment>,
}

impl Tenant {
    /// The id of a resource group, spelled as `case` says.
    pub(crate) fn rg_id(&self, rg: usize, case: Case) -> String {
        let r = &self.rgs[rg];
        let sub = &self.subs[r.sub].id;
        match case {
            Case::LowerRg => format!("/subscriptions/{sub}/resourcegroups/{}", r.name),
            Case::UpperRgName => {
                format!("/subscriptions/{sub}/resourceGroups/{}", r.name.to_uppercase())
            }
            Case::Canonical | Case::LowerProvider => {
                format!("/subscriptions/{sub}/resourceGroups/{}", r.name)
            }
        }
    }

    /// The resource-group name as a reference spelled with `case` shows it.
    pub(crate) fn rg_name(&self, rg: usize, case: Case) -> String {
        match case {
            Case::UpperRgName => self.rgs[rg].name.to_uppercase(),
            _ => self.rgs[rg].name.clone(),
        }
    }

    /// The id of a resource, spelled as `case` says.
    pub(crate) fn res_id(&self, res: usize, case: Case) -> String {
        let r = &self.resources[res];
        if case == Case::Canonical {
            return r.id.clone();
        }
        let rg_prefix = self.rg_id(r.rg, Case::Canonical);
        let tail = &r.id[rg_prefix.len()..];
        let head = self.rg_id(r.rg, case);
        if case == Case::LowerProvider {
            // "/providers/Microsoft.ManagedIdentity/..." → "/providers/microsoft.managedidentity/..."
            let mut parts = tail.splitn(4, '/');
            let (empty, providers, ns, rest) = (
                parts.next().unwrap_or_default(),
                parts.next().unwrap_or_default(),
                parts.next().unwrap_or_default(),
                parts.next().unwrap_or_default(),
            );
            return format!("{head}{empty}/{providers}/{}/{rest}", ns.to_lowercase());
        }
        format!("{head}{tail}")
    }

    /// The resource of a user-assigned identity.
    pub(crate) fn uami_res(&self, uami: usize) -> &Res {
        &self.resources[self.uamis[uami].res]
    }
}

/// Builds a tenant step by step from one seeded random stream.
pub(crate) struct Builder {
    pub(crate) rng: Rng,
    pub(crate) t: Tenant,
    pub(crate) n: usize,
}

impl Builder {
    /// A builder for `n` resources.
    pub(crate) fn new(n: usize, seed: u64) -> Self {
        let mut rng = Rng::new(seed);
        let tenant_id = rng.guid();
        Self {
            rng,
            n,
            t: Tenant {
                tenant_id,
                subs: Vec::new(),
                apps: Vec::new(),
                rgs: Vec::new(),
                resources: Vec::with_capacity(n),
                uamis: Vec::with_capacity(n / 9 + 4),
                users: Vec::new(),
                groups: Vec::new(),
                apps_sps: Vec::new(),
                custom_roles: Vec::new(),
                assignments: Vec::with_capacity(2 * n + 16),
            },
        }
    }

    /// Subscriptions, applications, people and resource groups, then every resource.
    pub(crate) fn build_inventory(&mut self) {
        let n = self.n;
        let per_env = 1 + n / 25_000;
        for env in Env::ALL {
            for _ in 0..per_env {
                let id = self.rng.guid();
                self.t.subs.push(Sub { id, env });
            }
        }
        self.make_apps();
        self.make_people();
        let sizes = self.plan_rgs();
        for (rg, size) in sizes.into_iter().enumerate() {
            self.fill_rg(rg, size);
        }
        self.keep_one_unused();
        self.attach_local_all();
        self.attach_platform();
        self.attach_pending();
        self.inject_shared_across_envs();
        self.inject_cross_region();
        self.inject_multi_uami();
    }

    fn make_apps(&mut self) {
        let count = self.n.div_ceil(RESOURCES_PER_RG * 3).max(1);
        let mut words: Vec<&str> = APP_WORDS.to_vec();
        self.rng.shuffle(&mut words);
        for i in 0..count {
            let word = words[i % words.len()];
            let round = i / words.len();
            let name = if round == 0 { word.to_string() } else { format!("{word}{}", round + 1) };
            self.t.apps.push(name);
        }
    }

    fn make_people(&mut self) {
        let n = self.n;
        let apps = self.t.apps.len();
        let combos = FIRST_NAMES.len() * LAST_NAMES.len();
        let offset = self.rng.below(combos);
        let users = (n / 40).max(8);
        for i in 0..users {
            let j = i + offset;
            let first = FIRST_NAMES[j % FIRST_NAMES.len()];
            let last = LAST_NAMES[(j / FIRST_NAMES.len()) % LAST_NAMES.len()];
            let round = j / combos;
            let num = if round == 0 { String::new() } else { (round + 1).to_string() };
            let name = match self.rng.below(100) {
                0..=3 => format!("{first}.{last}{num}_fabrikam.com#EXT#@contoso.onmicrosoft.com"),
                4..=6 => format!("adm.{first}.{last}{num}@contoso.com"),
                7..=9 => format!("{first}.{last}{num}.dev@contoso.com"),
                _ => format!("{first}.{last}{num}@contoso.com"),
            };
            let object_id = self.rng.guid();
            self.t.users.push(Person { object_id, name, team: Some(i % apps) });
        }
        for name in ORG_GROUPS {
            let object_id = self.rng.guid();
            self.t.groups.push(Person { object_id, name: (*name).to_string(), team: None });
        }
        for app in 0..apps {
            let object_id = self.rng.guid();
            let name = match self.rng.below(3) {
                0 => format!("sg-{}-developers", self.t.apps[app]),
                1 => format!("grp-{}-devs", self.t.apps[app]),
                _ => format!("{} Developers", capitalize(&self.t.apps[app])),
            };
            self.t.groups.push(Person { object_id, name, team: Some(app) });
        }
        let sps = (n / 2000).max(3);
        for i in 0..sps {
            let object_id = self.rng.guid();
            let app_id = self.rng.guid();
            let team = if i < 3 { None } else { Some(i % apps) };
            self.t.apps_sps.push(Person { object_id, name: app_id, team });
        }
    }

    /// Creates the resource groups and decides how many resources each holds.
    fn plan_rgs(&mut self) -> Vec<usize> {
        let apps = self.t.apps.len();
        let per_env = self.t.subs.len() / 3;
        let mut weights = Vec::new();
        for app in 0..apps {
            for env in Env::ALL {
                let sub = env_index(env) * per_env + app % per_env;
                self.push_rg(RgRole::App, Some(app), env, sub);
                weights.push(self.rng.range(30, 80));
            }
        }
        if apps >= 2 {
            for env in Env::ALL {
                let sub = env_index(env) * per_env;
                self.push_rg(RgRole::Platform, None, env, sub);
                weights.push(self.rng.range(35, 60));
            }
        }
        let total: usize = weights.iter().sum();
        let mut sizes: Vec<usize> = weights.iter().map(|w| self.n * w / total).collect();
        let mut rest = self.n - sizes.iter().sum::<usize>();
        let start = self.rng.below(sizes.len());
        let mut i = start;
        while rest > 0 {
            sizes[i] += 1;
            rest -= 1;
            i = (i + 1) % sizes.len();
        }
        sizes
    }

    fn push_rg(&mut self, role: RgRole, app: Option<usize>, env: Env, sub: usize) -> usize {
        let region = match role {
            RgRole::Platform => 0,
            _ => self.rng.weighted(env.region_weights()),
        };
        let token = if env == Env::Prod && self.rng.chance(150) { "prd" } else { env.token() };
        let app_name = app.map_or("platform", |a| self.t.apps[a].as_str());
        let name = format!("rg-{app_name}-{token}");
        let style = self.tag_style(env, app);
        let created = self.rng.instant(FIRST_DAY, EXPORT_DAY - 120);
        let uami_naming = self.rng.weighted_of(&[(0u8, 70), (1, 15), (2, 15)]);
        let rotation = self.rng.below(COMPONENTS.len());
        self.t.rgs.push(Rg {
            name,
            sub,
            env,
            app,
            region,
            role,
            token,
            style,
            created,
            uami_naming,
            rotation,
            counters: Vec::new(),
            uamis: Vec::new(),
            sources: Vec::new(),
            targets: Vec::new(),
        });
        self.t.rgs.len() - 1
    }

    fn tag_style(&mut self, env: Env, app: Option<usize>) -> TagStyle {
        let env_key = self.rng.weighted_of(&[
            (Some("env"), 30),
            (Some("Environment"), 28),
            (Some("environment"), 10),
            (Some("stage"), 10),
            (Some("Env"), 5),
            (None, 17),
        ]);
        let env_value = self.rng.weighted_of(env.tag_values());
        let owner_key =
            self.rng.weighted_of(&[(Some("owner"), 40), (Some("team"), 35), (Some("Owner"), 8), (None, 17)]);
        let owner_value = match (owner_key, app) {
            (Some("team"), Some(a)) => format!("team-{}", self.t.apps[a]),
            (Some("team"), None) => "team-platform".to_string(),
            _ => {
                let users = &self.t.users;
                let pick = match app {
                    Some(a) => {
                        users.iter().position(|u| u.team == Some(a)).unwrap_or_else(|| self.rng.below(users.len()))
                    }
                    None => self.rng.below(users.len()),
                };
                let upn = &users[pick].name;
                if upn.contains("#EXT#") { "cloud-team@contoso.com".to_string() } else { upn.clone() }
            }
        };
        let extra = match self.rng.below(10) {
            0..=3 => Some(("costCenter", format!("CC-{}", 1000 + self.rng.below(9000)))),
            4..=5 => Some(("application", app.map_or("platform".to_string(), |a| self.t.apps[a].clone()))),
            _ => None,
        };
        TagStyle { env_key, env_value, owner_key, owner_value, extra }
    }

    fn fill_rg(&mut self, rg: usize, size: usize) {
        let role = self.t.rgs[rg].role;
        let (mut u, mut c) = match role {
            RgRole::Platform => (self.rng.share(size * 22, 100), self.rng.share(size * 4, 100)),
            _ => (self.rng.share(size * 10, 100), self.rng.share(size * 15, 100)),
        };
        if size >= 4 {
            u = u.max(1);
            c = c.max(1);
        }
        u = u.min(size);
        c = c.min(size - u);
        let mut t = size - u - c;

        for _ in 0..u {
            self.add_uami(rg, false);
        }

        let kinds = self.source_kinds(role, c);
        for &k in &kinds {
            self.add_source(rg, k);
        }

        let mut core = match role {
            RgRole::Platform => vec![Kind::Acr, Kind::KeyVault, Kind::LogAnalytics, Kind::Vnet],
            _ => vec![Kind::KeyVault, Kind::Storage],
        };
        if kinds.iter().any(|k| k.is_site()) {
            core.push(Kind::ServerFarm);
            core.push(Kind::AppInsights);
        }
        if kinds.contains(&Kind::Aks) {
            core.push(Kind::Acr);
            core.push(Kind::Vnet);
        }
        for k in core {
            if t == 0 {
                break;
            }
            let name = self.next_name(rg, k);
            self.add_target(rg, k, name);
            t -= 1;
        }

        let vms = self.sources_of_kind(rg, Kind::Vm);
        for vm in vms {
            if t < 2 {
                break;
            }
            let vm_name = self.t.resources[vm].name.clone();
            let nic_name = if self.rng.chance(500) {
                format!("{vm_name}-nic")
            } else {
                format!("{vm_name}{}", 100 + self.rng.below(900))
            };
            self.add_target(rg, Kind::Nic, nic_name);
            let disk_name = format!("{vm_name}_OsDisk_1_{}", self.rng.hex(32));
            let disk = self.add_target(rg, Kind::Disk, disk_name);
            self.t.resources[disk].managed_by = Some(vm);
            t -= 2;
        }

        let clusters = self.sources_of_kind(rg, Kind::Aks);
        for aks in clusters {
            if t < 3 {
                break;
            }
            self.add_node_rg(rg, aks);
            t -= 3;
        }

        let table = match role {
            RgRole::Platform => PLATFORM_TARGET_WEIGHTS,
            _ => TARGET_WEIGHTS,
        };
        while t > 0 {
            let k = self.rng.weighted_of(table);
            let name = self.next_name(rg, k);
            let server = self.add_target(rg, k, name);
            t -= 1;
            if k == Kind::SqlServer {
                if t > 0 && self.rng.chance(700) {
                    let name = format!("{}/master", self.t.resources[server].name);
                    self.add_target(rg, Kind::SqlMaster, name);
                    t -= 1;
                }
                let dbs = self.rng.range(1, 3).min(t);
                let app = self.app_name(rg).to_string();
                for d in 0..dbs {
                    let db = if d == 0 {
                        format!("{app}db")
                    } else {
                        format!("{app}-{}", COMPONENTS[(d + self.t.rgs[rg].rotation) % COMPONENTS.len()])
                    };
                    let name = format!("{}/{db}", self.t.resources[server].name);
                    self.add_target(rg, Kind::SqlDb, name);
                    t -= 1;
                }
            }
        }
    }

    fn source_kinds(&mut self, role: RgRole, count: usize) -> Vec<Kind> {
        if role == RgRole::Platform {
            let mut kinds = Vec::with_capacity(count);
            for i in 0..count {
                kinds.push(match i {
                    0 => Kind::Automation,
                    _ => self.rng.weighted_of(&[(Kind::LogicApp, 3), (Kind::FunctionApp, 3), (Kind::Vm, 2)]),
                });
            }
            return kinds;
        }
        // An application leans towards one style of hosting.
        let flavor = self.rng.below(10);
        let weights: Vec<(Kind, u32)> = SOURCE_WEIGHTS
            .iter()
            .map(|&(k, w)| {
                let boost = match (flavor, k) {
                    (0..=3, Kind::WebApp | Kind::FunctionApp | Kind::LinuxWebApp) => 3,
                    (4..=5, Kind::Vm | Kind::Vmss) => 3,
                    (6, Kind::Aks | Kind::ContainerApp) => 3,
                    (7, Kind::LogicApp | Kind::FunctionApp | Kind::LinuxFunctionApp) => 3,
                    _ => 1,
                };
                (k, w * boost)
            })
            .collect();
        let mut kinds = Vec::with_capacity(count);
        for _ in 0..count {
            let mut k = self.rng.weighted_of(&weights);
            if k == Kind::Aks && kinds.contains(&Kind::Aks) {
                k = Kind::ContainerApp;
            }
            if k == Kind::Automation && kinds.contains(&Kind::Automation) {
                k = Kind::LogicApp;
            }
            kinds.push(k);
        }
        kinds
    }

    fn app_name(&self, rg: usize) -> &str {
        self.t.rgs[rg].app.map_or("platform", |a| self.t.apps[a].as_str())
    }

    /// The group's sources of one kind, in creation order.
    fn sources_of_kind(&self, rg: usize, kind: Kind) -> Vec<usize> {
        self.t.rgs[rg].sources.iter().copied().filter(|&s| self.t.resources[s].kind == kind).collect()
    }

    /// The next free name for a resource of `kind` in `rg`.
    fn next_name(&mut self, rg: usize, kind: Kind) -> String {
        let prefix = kind.prefix();
        let r = &mut self.t.rgs[rg];
        let nth = match r.counters.iter_mut().find(|(p, _)| *p == prefix) {
            Some((_, n)) => {
                *n += 1;
                *n - 1
            }
            None => {
                r.counters.push((prefix, 1));
                0
            }
        };
        let rotation = r.rotation;
        let token = r.token;
        let naming = r.uami_naming;
        let platform = r.role == RgRole::Platform;
        let app = self.app_name(rg);
        let comp = |k: usize| COMPONENTS[(k + rotation) % COMPONENTS.len()];
        match kind {
            _ if kind.alnum_name() => {
                let app: String = app.chars().filter(char::is_ascii_alphanumeric).collect();
                format!("{prefix}{app}{token}{:02}", nth + 1)
            }
            Kind::Vm | Kind::Vmss => format!("{prefix}-{app}-{token}-{:02}", nth + 1),
            Kind::KeyVault if nth == 0 => format!("kv-{app}-{token}"),
            Kind::KeyVault => format!("kv-{app}-{token}-{:02}", nth + 1),
            Kind::PrivateDns => match PRIVATE_DNS_ZONES.get(nth) {
                Some(zone) => (*zone).to_string(),
                None => format!("{app}{nth}.{token}.internal.contoso.com"),
            },
            Kind::Uami if platform => {
                let c = PLATFORM_COMPONENTS[nth % PLATFORM_COMPONENTS.len()];
                match nth / PLATFORM_COMPONENTS.len() {
                    0 => format!("id-{c}-{token}"),
                    round => format!("id-{c}-{token}-{:02}", round + 1),
                }
            }
            Kind::Uami => match (naming, nth < COMPONENTS.len()) {
                (0, true) => format!("id-{app}-{}-{token}", comp(nth)),
                (1, true) => format!("{app}-{}-{token}-identity", comp(nth)),
                (0 | 1, false) => format!("id-{app}-{token}-{:02}", nth + 1),
                _ => format!("mi-{app}-{token}-{:02}", nth + 1),
            },
            _ if nth == 0 => format!("{prefix}-{app}-{token}"),
            _ if nth <= COMPONENTS.len() => format!("{prefix}-{app}-{}-{token}", comp(nth - 1)),
            _ => format!("{prefix}-{app}-{token}-{:02}", nth + 1),
        }
    }

    /// A region for a resource of `rg`: mostly the group's own.
    fn location_in(&mut self, rg: usize, stray_per_mille: u32) -> &'static str {
        let r = &self.t.rgs[rg];
        if self.rng.chance(stray_per_mille) {
            let env = r.env;
            REGIONS[self.rng.weighted(env.region_weights())]
        } else {
            REGIONS[r.region]
        }
    }

    fn push_resource(&mut self, rg: usize, kind: Kind, name: String, location: &'static str) -> usize {
        let r = &self.t.rgs[rg];
        let sub = &self.t.subs[r.sub].id;
        let id = match kind {
            Kind::SqlDb | Kind::SqlMaster => {
                let (server, db) = name.split_once('/').unwrap_or((name.as_str(), "db"));
                format!(
                    "/subscriptions/{sub}/resourceGroups/{}/providers/Microsoft.Sql/servers/{server}/databases/{db}",
                    r.name
                )
            }
            _ => format!("/subscriptions/{sub}/resourceGroups/{}/providers/{}/{name}", r.name, kind.arm_type()),
        };
        let age = (EXPORT_DAY - 1) * 86_400 - r.created.secs();
        let created = r.created.plus_secs(self.rng.below(age.max(1) as usize) as i64);
        let changed = created.plus_secs(self.rng.below(86_400 * 60) as i64);
        let tags = self.tags_for(rg, kind);
        let sku = self.sku_for(kind);
        let az_kind = match (kind, sku.map(|s| s.name)) {
            (Kind::SqlDb, Some("GP_S_Gen5")) => Some("v12.0,user,vcore,serverless"),
            (Kind::SqlDb, Some("GP_Gen5")) => Some("v12.0,user,vcore"),
            (Kind::SqlDb, _) => Some("v12.0,user"),
            (Kind::ServerFarm, Some("Y1")) => Some("functionapp"),
            (Kind::ServerFarm, _) if self.rng.chance(400) => Some("linux"),
            _ => kind.az_kind(),
        };
        self.t.resources.push(Res {
            rg,
            kind,
            name,
            id,
            location,
            tags,
            sku,
            az_kind,
            identity: None,
            managed_by: None,
            created,
            changed,
        });
        self.t.resources.len() - 1
    }

    fn add_target(&mut self, rg: usize, kind: Kind, name: String) -> usize {
        let location = match kind {
            Kind::ActionGroup | Kind::PrivateDns => "global",
            _ => self.location_in(rg, 60),
        };
        let idx = self.push_resource(rg, kind, name, location);
        self.t.rgs[rg].targets.push(idx);
        idx
    }

    fn add_uami(&mut self, rg: usize, kubelet: bool) -> usize {
        let name = if kubelet { String::new() } else { self.next_name(rg, Kind::Uami) };
        let location = self.location_in(rg, 20);
        let res = self.push_resource(rg, Kind::Uami, name, location);
        let principal_id = self.rng.guid();
        let client_id = self.rng.guid();
        let isolation = self.rng.weighted_of(&[(Some("None"), 55), (Some("Regional"), 20), (None, 25)]);
        let system_data = if self.rng.chance(300) {
            let created_at = self.t.resources[res].created;
            let by_app = self.rng.chance(300);
            let created_by = if by_app {
                self.t.apps_sps[self.rng.below(self.t.apps_sps.len())].name.clone()
            } else {
                self.t.users[self.rng.below(self.t.users.len())].name.clone()
            };
            Some(SystemData {
                created_at,
                created_by,
                created_by_type: if by_app { "Application" } else { "User" },
                modified_at: self.t.resources[res].changed,
            })
        } else {
            None
        };
        let reserved_unused = !kubelet && self.t.rgs[rg].role != RgRole::Managed && self.rng.chance(55);
        self.t.uamis.push(Uami {
            res,
            principal_id,
            client_id,
            isolation,
            system_data,
            reserved_unused,
            kubelet,
            consumers: 0,
        });
        let idx = self.t.uamis.len() - 1;
        self.t.rgs[rg].uamis.push(idx);
        idx
    }

    fn add_source(&mut self, rg: usize, kind: Kind) -> usize {
        let name = self.next_name(rg, kind);
        let location = self.location_in(rg, 40);
        let res = self.push_resource(rg, kind, name, location);
        let (sa, ua) = match kind {
            Kind::Automation => self.rng.weighted_of(&[((true, false), 70), ((false, true), 15), ((true, true), 15)]),
            Kind::LogicApp => self.rng.weighted_of(&[((true, false), 60), ((false, true), 30), ((true, true), 10)]),
            _ => self.rng.weighted_of(&[((true, false), 45), ((false, true), 35), ((true, true), 20)]),
        };
        let system = sa.then(|| SystemIdentity { principal_id: self.rng.guid(), client_id: self.rng.guid() });
        let ua_tenant = matches!(kind, Kind::LogicApp | Kind::ContainerApp) && self.rng.chance(500);
        self.t.resources[res].identity = Some(Ident { system, user: Vec::new(), wants_user: ua, ua_tenant });
        self.t.rgs[rg].sources.push(res);
        res
    }

    /// The AKS node resource group: kubelet identity, node pool scale set, load balancer.
    fn add_node_rg(&mut self, rg: usize, aks: usize) {
        let (sub, env, app) = {
            let r = &self.t.rgs[rg];
            (r.sub, r.env, r.app)
        };
        let cluster = self.t.resources[aks].name.clone();
        let region = REGIONS.iter().position(|&r| r == self.t.resources[aks].location).unwrap_or(0);
        let name = format!("MC_{}_{}_{}", self.t.rgs[rg].name, cluster, REGIONS[region]);
        let created = self.t.resources[aks].created;
        let token = self.t.rgs[rg].token;
        self.t.rgs.push(Rg {
            name,
            sub,
            env,
            app,
            region,
            role: RgRole::Managed,
            token,
            style: TagStyle { env_key: None, env_value: "", owner_key: None, owner_value: String::new(), extra: None },
            created,
            uami_naming: 0,
            rotation: 0,
            counters: Vec::new(),
            uamis: Vec::new(),
            sources: Vec::new(),
            targets: Vec::new(),
        });
        let mc = self.t.rgs.len() - 1;
        let uami = self.add_uami(mc, true);
        let uami_res = self.t.uamis[uami].res;
        self.rename(uami_res, format!("{cluster}-agentpool"));
        self.t.resources[uami_res].location = REGIONS[region];

        let digits = 10_000_000 + self.rng.below(90_000_000);
        let vmss_name = format!("aks-nodepool1-{digits}-vmss");
        let vmss = self.push_resource(mc, Kind::Vmss, vmss_name, REGIONS[region]);
        self.t.resources[vmss].identity =
            Some(Ident { system: None, user: Vec::new(), wants_user: true, ua_tenant: false });
        self.t.rgs[mc].sources.push(vmss);
        self.attach(vmss, uami);

        let lb = self.push_resource(mc, Kind::LoadBalancer, "kubernetes".to_string(), REGIONS[region]);
        self.t.rgs[mc].targets.push(lb);
    }

    fn rename(&mut self, res: usize, name: String) {
        let r = &mut self.t.resources[res];
        let cut = r.id.len() - r.name.len();
        r.id.truncate(cut);
        r.id.push_str(&name);
        r.name = name;
    }

    fn tags_for(&mut self, rg: usize, kind: Kind) -> Tags {
        let r = &self.t.rgs[rg];
        if r.role == RgRole::Managed {
            return match kind {
                Kind::Vmss => Tags::Map(vec![
                    ("aks-managed-orchestrator", "Kubernetes:1.30.6".to_string()),
                    ("aks-managed-poolName", "nodepool1".to_string()),
                ]),
                Kind::LoadBalancer => Tags::Map(vec![(
                    "aks-managed-cluster-rg",
                    r.name.split('_').nth(1).unwrap_or_default().to_string(),
                )]),
                _ => Tags::Null,
            };
        }
        let roll = self.rng.below(100);
        let style = &self.t.rgs[rg].style;
        let mut pairs: Vec<(&'static str, String)> = Vec::with_capacity(3);
        match roll {
            0..=7 => return Tags::Null,
            8..=10 => return Tags::Empty,
            11..=17 => {
                if let Some(k) = style.owner_key {
                    pairs.push((k, style.owner_value.clone()));
                }
            }
            _ => {
                if let Some(k) = style.env_key {
                    pairs.push((k, style.env_value.to_string()));
                }
                if let Some(k) = style.owner_key {
                    pairs.push((k, style.owner_value.clone()));
                }
                if let Some((k, v)) = &style.extra {
                    pairs.push((k, v.clone()));
                }
            }
        }
        if pairs.is_empty() {
            return if self.rng.chance(500) { Tags::Null } else { Tags::Empty };
        }
        pairs.sort_by(|a, b| a.0.cmp(b.0));
        Tags::Map(pairs)
    }

    fn sku_for(&mut self, kind: Kind) -> Option<Sku> {
        let plain = |name: &'static str, tier: &'static str| Sku {
            name,
            tier: Some(tier),
            size: None,
            family: None,
            capacity: None,
        };
        Some(match kind {
            Kind::Storage => {
                let name = self.rng.weighted_of(&[
                    ("Standard_LRS", 50),
                    ("Standard_GRS", 15),
                    ("Standard_RAGRS", 15),
                    ("Standard_ZRS", 15),
                    ("Premium_LRS", 5),
                ]);
                plain(name, if name.starts_with("Premium") { "Premium" } else { "Standard" })
            }
            Kind::Acr => {
                let name = self.rng.weighted_of(&[("Basic", 30), ("Standard", 40), ("Premium", 30)]);
                plain(name, name)
            }
            Kind::ServiceBus | Kind::EventHub => {
                let name = self.rng.weighted_of(&[("Basic", 10), ("Standard", 70), ("Premium", 20)]);
                Sku { capacity: (name != "Basic").then_some(1), ..plain(name, name) }
            }
            Kind::ServerFarm => {
                let (name, tier, family) = self.rng.weighted_of(&[
                    (("P1v3", "PremiumV3", "Pv3"), 40),
                    (("P0v3", "Premium0V3", "Pv3"), 20),
                    (("S1", "Standard", "S"), 20),
                    (("B1", "Basic", "B"), 10),
                    (("Y1", "Dynamic", "Y"), 10),
                ]);
                Sku {
                    name,
                    tier: Some(tier),
                    size: Some(name),
                    family: Some(family),
                    capacity: Some(self.rng.range(0, 3) as u32),
                }
            }
            Kind::SqlDb => {
                let (name, tier) = self.rng.weighted_of(&[
                    (("GP_S_Gen5", "GeneralPurpose"), 40),
                    (("GP_Gen5", "GeneralPurpose"), 20),
                    (("S0", "Standard"), 25),
                    (("Basic", "Basic"), 15),
                ]);
                Sku {
                    family: name.contains("Gen5").then_some("Gen5"),
                    capacity: Some(if name.contains("Gen5") { 2 } else { 10 }),
                    ..plain(name, tier)
                }
            }
            Kind::SqlMaster => Sku { capacity: Some(0), ..plain("System", "System") },
            Kind::Vmss => Sku {
                capacity: Some(self.rng.range(2, 6) as u32),
                ..plain(self.rng.weighted_of(&[("Standard_D2s_v3", 50), ("Standard_D4s_v5", 50)]), "Standard")
            },
            Kind::Aks => plain("Base", self.rng.weighted_of(&[("Free", 40), ("Standard", 60)])),
            Kind::Disk => plain(self.rng.weighted_of(&[("Premium_LRS", 60), ("StandardSSD_LRS", 40)]), "Premium"),
            Kind::PublicIp | Kind::LoadBalancer => plain("Standard", "Regional"),
            // Vaults, Cosmos DB, Redis, workspaces... keep their SKU in `properties`.
            _ => return None,
        })
    }

    /// Attaches a user-assigned identity to a source (once).
    pub(crate) fn attach(&mut self, source: usize, uami: usize) -> bool {
        let kind = self.t.resources[source].kind;
        let case = match kind {
            Kind::Vm | Kind::Vmss => {
                self.rng.weighted_of(&[(Case::Canonical, 70), (Case::UpperRgName, 22), (Case::LowerRg, 8)])
            }
            _ => self.rng.weighted_of(&[
                (Case::Canonical, 88),
                (Case::LowerRg, 8),
                (Case::LowerProvider, 2),
                (Case::UpperRgName, 2),
            ]),
        };
        let Some(ident) = self.t.resources[source].identity.as_mut() else {
            return false;
        };
        if ident.user.iter().any(|a| a.uami == uami) {
            return false;
        }
        ident.wants_user = true;
        ident.user.push(Attach { uami, case });
        self.t.uamis[uami].consumers += 1;
        true
    }

    fn has_user(&self, source: usize) -> bool {
        self.t.resources[source].identity.as_ref().is_some_and(|i| !i.user.is_empty())
    }

    fn wants_user(&self, source: usize) -> bool {
        self.t.resources[source].identity.as_ref().is_some_and(|i| i.wants_user)
    }

    fn is_system_only(&self, source: usize) -> bool {
        self.t.resources[source].identity.as_ref().is_some_and(|i| i.system.is_some() && !i.wants_user)
    }

    /// Makes sure that some identity is left unused, even in a small tenant.
    fn keep_one_unused(&mut self) {
        let candidates: Vec<usize> = (0..self.t.uamis.len()).filter(|&u| !self.t.uamis[u].kubelet).collect();
        if candidates.len() < 3 || candidates.iter().any(|&u| self.t.uamis[u].reserved_unused) {
            return;
        }
        let u = *self.rng.pick(&candidates);
        self.t.uamis[u].reserved_unused = true;
    }

    /// Attaches each group's identities to the sources of that group.
    fn attach_local_all(&mut self) {
        for rg in 0..self.t.rgs.len() {
            // Platform identities serve the whole environment: see attach_platform.
            if self.t.rgs[rg].role != RgRole::App {
                continue;
            }
            let mut pool: Vec<usize> =
                self.t.rgs[rg].uamis.iter().copied().filter(|&u| !self.t.uamis[u].reserved_unused).collect();
            if pool.is_empty() {
                continue;
            }
            let sources = self.t.rgs[rg].sources.clone();
            let mut wanting: Vec<usize> = sources.iter().copied().filter(|&s| self.wants_user(s)).collect();
            let mut system_only: Vec<usize> = sources.iter().copied().filter(|&s| self.is_system_only(s)).collect();
            self.rng.shuffle(&mut pool);
            self.rng.shuffle(&mut wanting);
            self.rng.shuffle(&mut system_only);
            let hosts = wanting.len();
            for (i, &u) in pool.iter().enumerate() {
                if i < hosts {
                    self.attach(wanting[i], u);
                } else if let Some(s) = system_only.pop_if(|_| self.rng.chance(500)) {
                    // An identity added to an app that also keeps its system-assigned one.
                    self.attach(s, u);
                    wanting.push(s);
                } else if i < hosts * 2 {
                    // A second identity on a host (e.g. one per downstream service).
                    self.attach(wanting[i % hosts], u);
                }
                // Otherwise the identity stays unused: created, never attached.
            }
            for &s in &wanting {
                if !self.has_user(s) {
                    let u = *self.rng.pick(&pool);
                    self.attach(s, u);
                }
            }
        }
    }

    /// Sources of `env` (outside node groups) that use user-assigned identities.
    fn env_user_sources(&self, env: Env) -> Vec<usize> {
        self.t
            .rgs
            .iter()
            .filter(|r| r.env == env && r.role != RgRole::Managed)
            .flat_map(|r| r.sources.iter().copied())
            .filter(|&s| self.wants_user(s))
            .collect()
    }

    fn platform_pool(&self, env: Env) -> Vec<usize> {
        self.t
            .rgs
            .iter()
            .filter(|r| r.env == env && r.role == RgRole::Platform)
            .flat_map(|r| r.uamis.iter().copied())
            .filter(|&u| !self.t.uamis[u].reserved_unused)
            .collect()
    }

    /// Shared platform identities (ACR pull, monitoring, ...) used across an environment.
    fn attach_platform(&mut self) {
        for env in Env::ALL {
            let pool = self.platform_pool(env);
            if pool.is_empty() {
                continue;
            }
            let users = self.env_user_sources(env);
            for &s in &users {
                if self.rng.chance(80) {
                    let u = *self.rng.pick(&pool);
                    self.attach(s, u);
                }
            }
            let platform_sources: Vec<usize> = self
                .t
                .rgs
                .iter()
                .filter(|r| r.env == env && r.role == RgRole::Platform)
                .flat_map(|r| r.sources.iter().copied())
                .collect();
            for &u in &pool {
                if self.t.uamis[u].consumers > 0 {
                    continue;
                }
                let candidates = if users.is_empty() { &platform_sources } else { &users };
                if candidates.is_empty() {
                    continue;
                }
                let s = *self.rng.pick(candidates);
                self.attach(s, u);
            }
        }
    }

    /// Sources that want a user-assigned identity but found none in their group.
    fn attach_pending(&mut self) {
        for env in Env::ALL {
            let pending: Vec<usize> = self.env_user_sources(env).into_iter().filter(|&s| !self.has_user(s)).collect();
            if pending.is_empty() {
                continue;
            }
            let mut pool = self.platform_pool(env);
            if pool.is_empty() {
                pool = self
                    .t
                    .uamis
                    .iter()
                    .enumerate()
                    .filter(|(_, u)| {
                        !u.reserved_unused && !u.kubelet && self.t.rgs[self.t.resources[u.res].rg].env == env
                    })
                    .map(|(i, _)| i)
                    .collect();
            }
            for s in pending {
                if pool.is_empty() {
                    let ident = self.t.resources[s].identity.as_mut();
                    if let Some(ident) = ident {
                        ident.wants_user = false;
                    }
                    self.ensure_system(s);
                } else {
                    let u = *self.rng.pick(&pool);
                    self.attach(s, u);
                }
            }
        }
        for s in 0..self.t.resources.len() {
            let missing =
                self.t.resources[s].identity.as_ref().is_some_and(|i| i.system.is_none() && i.user.is_empty());
            if missing {
                self.ensure_system(s);
            }
        }
    }

    fn ensure_system(&mut self, s: usize) {
        let principal_id = self.rng.guid();
        let client_id = self.rng.guid();
        if let Some(ident) = self.t.resources[s].identity.as_mut()
            && ident.system.is_none()
        {
            ident.system = Some(SystemIdentity { principal_id, client_id });
        }
    }

    /// App identities reused in other environments: a dev identity on uat and prod hosts.
    fn inject_shared_across_envs(&mut self) {
        let wanted = (self.n / 700).max(1);
        let apps = self.t.apps.len();
        let mut done = 0;
        let mut tries = 0;
        while done < wanted && tries < wanted * 20 {
            tries += 1;
            let app = self.rng.below(apps);
            let rg_of =
                |env: Env| self.t.rgs.iter().position(|r| r.app == Some(app) && r.env == env && r.role == RgRole::App);
            let (Some(dev), Some(uat), Some(prod)) = (rg_of(Env::Dev), rg_of(Env::Uat), rg_of(Env::Prod)) else {
                continue;
            };
            let home = if self.rng.chance(700) { dev } else { prod };
            let pool: Vec<usize> =
                self.t.rgs[home].uamis.iter().copied().filter(|&u| self.t.uamis[u].consumers > 0).collect();
            if pool.is_empty() {
                continue;
            }
            let u = *self.rng.pick(&pool);
            // The first injection always spans all three environments.
            let all_three = done == 0 || self.rng.chance(600);
            let mut others = vec![if home == dev { prod } else { dev }];
            if all_three {
                others.push(uat);
            }
            let mut ok = true;
            for other in others {
                let hosts: Vec<usize> = self.t.rgs[other]
                    .sources
                    .iter()
                    .copied()
                    .filter(|&s| self.wants_user(s) || self.is_system_only(s))
                    .collect();
                if hosts.is_empty() {
                    ok = false;
                    break;
                }
                let s = *self.rng.pick(&hosts);
                self.attach(s, u);
            }
            if ok {
                done += 1;
            }
        }
    }

    /// Identities attached to sources in another region than their own; every other one
    /// chosen has the `Regional` isolation scope, which such an attachment violates.
    fn inject_cross_region(&mut self) {
        let wanted = (self.n / 600).max(1);
        let used = |regional: bool| -> Vec<usize> {
            (0..self.t.uamis.len())
                .filter(|&u| {
                    let x = &self.t.uamis[u];
                    x.consumers > 0 && !x.kubelet && (x.isolation == Some("Regional")) == regional
                })
                .collect()
        };
        let pools = [used(false), used(true)];
        let hosts: Vec<Vec<usize>> = Env::ALL.iter().map(|&e| self.env_user_sources(e)).collect();
        let mut done = 0;
        let mut tries = 0;
        while done < wanted && tries < wanted * 30 {
            tries += 1;
            let pool = match &pools[usize::from(done % 2 == 0)] {
                p if p.is_empty() => &pools[usize::from(done % 2 != 0)],
                p => p,
            };
            if pool.is_empty() {
                break;
            }
            let u = *self.rng.pick(pool);
            let home = self.t.uami_res(u);
            let (env, region) = (self.t.rgs[home.rg].env, home.location);
            let env_hosts = &hosts[env_index(env)];
            for _ in 0..10 {
                let Some(&s) = env_hosts.get(self.rng.below(env_hosts.len())) else {
                    break;
                };
                if self.t.resources[s].location != region {
                    if self.attach(s, u) {
                        done += 1;
                    }
                    break;
                }
            }
        }
        if done == 0 {
            self.move_one_host_away();
        }
    }

    /// For tenants whose sources all share their identities' regions: moves one host of
    /// an identity (a Regional one if possible) to another region of its environment.
    fn move_one_host_away(&mut self) {
        let mut pairs: Vec<(usize, usize)> = Vec::new();
        for (s, r) in self.t.resources.iter().enumerate() {
            if self.t.rgs[r.rg].role == RgRole::Managed {
                continue;
            }
            if let Some(ident) = &r.identity {
                pairs.extend(ident.user.iter().map(|a| (s, a.uami)));
            }
        }
        let regional: Vec<(usize, usize)> =
            pairs.iter().copied().filter(|&(_, u)| self.t.uamis[u].isolation == Some("Regional")).collect();
        let pool = if regional.is_empty() { &pairs } else { &regional };
        if pool.is_empty() {
            return;
        }
        let (s, u) = *self.rng.pick(pool);
        let env = self.t.rgs[self.t.resources[s].rg].env;
        let home = self.t.uami_res(u).location;
        let weights = env.region_weights();
        let other = (0..REGIONS.len()).find(|&i| weights[i] > 0 && REGIONS[i] != home);
        if let Some(i) = other {
            self.t.resources[s].location = REGIONS[i];
        }
    }

    /// Hosts with two or more user-assigned identities and no system-assigned one.
    fn inject_multi_uami(&mut self) {
        let wanted = (self.n / 500).max(1);
        let mut done = 0;
        let mut tries = 0;
        while done < wanted && tries < wanted * 20 {
            tries += 1;
            let rg = self.rng.below(self.t.rgs.len());
            if self.t.rgs[rg].role != RgRole::App {
                continue;
            }
            let hosts: Vec<usize> = self.t.rgs[rg]
                .sources
                .iter()
                .copied()
                .filter(|&s| {
                    self.t.resources[s].identity.as_ref().is_some_and(|i| i.system.is_none() && i.user.len() == 1)
                })
                .collect();
            let pool: Vec<usize> =
                self.t.rgs[rg].uamis.iter().copied().filter(|&u| self.t.uamis[u].consumers > 0).collect();
            if hosts.is_empty() || pool.len() < 2 {
                continue;
            }
            let s = *self.rng.pick(&hosts);
            let u = *self.rng.pick(&pool);
            if self.attach(s, u) {
                done += 1;
            }
        }
    }
}

fn env_index(env: Env) -> usize {
    match env {
        Env::Dev => 0,
        Env::Uat => 1,
        Env::Prod => 2,
    }
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}
