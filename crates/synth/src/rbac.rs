//! Custom roles and role assignments: the grants of identities, people, groups and
//! pipelines, plus the risky patterns the analysis must find.

use std::collections::HashSet;
use std::hash::{BuildHasherDefault, Hasher};

use crate::catalog::{
    ACR_PULL, ACR_PUSH, AKS_CLUSTER_ADMIN, AKS_CLUSTER_USER, AKS_CONTRIBUTOR, AUTOMATION_CONTRIBUTOR, BLOB_CONDITION,
    BLOB_CONTRIBUTOR, BLOB_OWNER, BLOB_READER, BuiltIn, CONTAINER_APPS_CONTRIBUTOR, CONTRIBUTOR, COSMOS_READER,
    CUSTOM_TEMPLATES, DOCUMENTDB_CONTRIBUTOR, EH_SENDER, Env, GROUP_FINOPS, GROUP_PLATFORM_ADMINS,
    GROUP_SECURITY_READERS, GROUP_SRE, Holder, KV_ADMIN, KV_CRYPTO_USER, KV_READER, KV_SECRETS_OFFICER,
    KV_SECRETS_USER, Kind, LOG_ANALYTICS_CONTRIBUTOR, LOG_ANALYTICS_READER, LOGIC_APP_CONTRIBUTOR, METRICS_PUBLISHER,
    MI_CONTRIBUTOR, MI_OPERATOR, MONITORING_READER, NETWORK_CONTRIBUTOR, ORG_GROUPS, OWNER, QUEUE_CONTRIBUTOR, READER,
    SB_RECEIVER, SB_SENDER, SQL_DB_CONTRIBUTOR, SQL_SERVER_CONTRIBUTOR, STORAGE_ACCOUNT_CONTRIBUTOR, USER_ACCESS_ADMIN,
    VM_ADMIN_LOGIN, VM_CONTRIBUTOR, VM_USER_LOGIN, WEBSITE_CONTRIBUTOR,
};
use crate::rng::Instant;
use crate::tenant::{Assignment, Builder, Case, CustomRole, EXPORT_DAY, FIRST_DAY, Principal, RgRole, RoleRef, Scope};

/// A principal reduced to a cheap, hashable key (orphans are always new).
type PrincipalKey = (u8, usize);

/// A small deterministic hasher (the Fx hash of rustc) for the set of grants: it needs
/// no OS randomness, unlike the standard `RandomState`, and is faster for short keys.
/// The set is only queried, never iterated, so hashing cannot affect the output.
#[derive(Default)]
struct FxHasher(u64);

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.write_u64(u64::from_le_bytes(word));
        }
    }

    fn write_u64(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }

    fn write_usize(&mut self, word: usize) {
        self.write_u64(word as u64);
    }

    fn write_u8(&mut self, byte: u8) {
        self.write_u64(u64::from(byte));
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// The set of (principal, role, scope) already granted.
type Seen = HashSet<(PrincipalKey, RoleRef, Scope), BuildHasherDefault<FxHasher>>;

/// Adds role definitions and assignments to a [`Builder`].
pub(crate) struct Rbac<'a> {
    b: &'a mut Builder,
    seen: Seen,
    orphans: usize,
}

impl<'a> Rbac<'a> {
    /// Wraps a builder whose inventory is complete.
    pub(crate) fn new(b: &'a mut Builder) -> Self {
        Self { b, seen: Seen::default(), orphans: 0 }
    }

    /// Adds every custom role and role assignment, about two per resource.
    pub(crate) fn build(mut self) {
        self.custom_roles();
        self.structural();
        self.identity_grants();
        self.subscription_wide_identities();
        self.people_with_code_execution();
        self.identity_operators();
        let crossing = self.cross_environment_grants();
        self.access_administrators(&crossing);
        self.orphans();
        self.custom_role_grants();
        self.fill_people(2 * self.b.n);
        let mut list = std::mem::take(&mut self.b.t.assignments);
        self.b.rng.shuffle(&mut list);
        self.b.t.assignments = list;
    }

    fn key(&mut self, p: &Principal) -> PrincipalKey {
        match p {
            Principal::Uami(i) => (0, *i),
            Principal::System(i) => (1, *i),
            Principal::User(i) => (2, *i),
            Principal::Group(i) => (3, *i),
            Principal::App(i) => (4, *i),
            Principal::Orphan(..) => {
                self.orphans += 1;
                (5, self.orphans)
            }
        }
    }

    /// Adds one assignment unless the same principal already holds the role there.
    fn assign(&mut self, principal: Principal, role: RoleRef, scope: Scope) -> bool {
        let key = self.key(&principal);
        if !self.seen.insert((key, role, scope)) {
            return false;
        }
        let b = &mut *self.b;
        let case = match scope {
            Scope::Rg(_) | Scope::Res(_) => {
                b.rng.weighted_of(&[(Case::Canonical, 93), (Case::LowerRg, 5), (Case::UpperRgName, 2)])
            }
            _ => Case::Canonical,
        };
        let not_before = match scope {
            Scope::Res(r) => b.t.resources[r].created,
            _ => Instant::at_day(FIRST_DAY),
        };
        let span = ((EXPORT_DAY - 1) * 86_400 - not_before.secs()).max(1) as usize;
        let created = not_before.plus_secs(b.rng.below(span) as i64);
        let is_identity = matches!(principal, Principal::Uami(_) | Principal::System(_));
        let created_by = match b.rng.below(100) {
            0..=7 => None,
            8..=40 if is_identity => Some(Principal::App(b.rng.below(b.t.apps_sps.len()))),
            _ => Some(Principal::User(b.rng.below(b.t.users.len().min(12)))),
        };
        let blob = matches!(role, RoleRef::BuiltIn(r) if r == BLOB_READER || r == BLOB_CONTRIBUTOR);
        let condition = (blob && b.rng.chance(40)).then_some(BLOB_CONDITION);
        let description = b.rng.chance(20).then_some("Granted by the platform pipeline");
        let guid = b.rng.guid();
        b.t.assignments.push(Assignment {
            guid,
            principal,
            role,
            scope,
            case,
            created,
            created_by,
            condition,
            description,
        });
        true
    }

    fn grant(&mut self, principal: Principal, role: BuiltIn, scope: Scope) -> bool {
        self.assign(principal, RoleRef::BuiltIn(role), scope)
    }

    fn custom_roles(&mut self) {
        let count = (3 + self.b.n / 20_000).min(CUSTOM_TEMPLATES.len());
        for template in 0..count {
            let b = &mut *self.b;
            let guid = b.rng.guid();
            let created = b.rng.instant(FIRST_DAY, EXPORT_DAY - 200);
            let updated = created.plus_secs(b.rng.below(86_400 * 150) as i64);
            let created_by = b.rng.below(b.t.users.len().min(12));
            let assignable = if b.rng.chance(600) {
                vec![format!("/providers/Microsoft.Management/managementGroups/{}", crate::catalog::MANAGEMENT_GROUP)]
            } else {
                b.t.subs.iter().map(|s| format!("/subscriptions/{}", s.id)).collect()
            };
            b.t.custom_roles.push(CustomRole { template, guid, created, updated, created_by, assignable });
        }
    }

    /// Grants every tenant has: break-glass and platform admins, pipelines, app teams.
    fn structural(&mut self) {
        let n = self.b.n;
        self.grant(Principal::User(0), USER_ACCESS_ADMIN, Scope::Root);
        self.grant(Principal::Group(GROUP_SECURITY_READERS), READER, Scope::Root);
        for i in 0..n / 50_000 {
            let u = 1 + i % (self.b.t.users.len() - 1);
            self.grant(Principal::User(u), OWNER, Scope::Root);
        }
        self.grant(Principal::Group(GROUP_PLATFORM_ADMINS), OWNER, Scope::Mg);
        self.grant(Principal::App(0), CONTRIBUTOR, Scope::Mg);
        self.grant(Principal::Group(GROUP_SECURITY_READERS), READER, Scope::Mg);
        for i in 0..n / 20_000 {
            let u = self.b.rng.below(self.b.t.users.len());
            let role = if i % 2 == 0 { READER } else { MONITORING_READER };
            self.grant(Principal::User(u), role, Scope::Mg);
        }
        for s in 0..self.b.t.subs.len() {
            let env = self.b.t.subs[s].env;
            let pipeline = env_index(env).min(self.b.t.apps_sps.len() - 1);
            self.grant(Principal::App(pipeline), CONTRIBUTOR, Scope::Sub(s));
            self.grant(Principal::Group(GROUP_FINOPS), READER, Scope::Sub(s));
            if env == Env::Prod {
                self.grant(Principal::Group(GROUP_SRE), READER, Scope::Sub(s));
            }
        }
        for rg in 0..self.b.t.rgs.len() {
            let r = &self.b.t.rgs[rg];
            let (Some(app), RgRole::App) = (r.app, r.role) else {
                continue;
            };
            let team = Principal::Group(ORG_GROUPS.len() + app);
            match r.env {
                Env::Dev => {
                    self.grant(team, CONTRIBUTOR, Scope::Rg(rg));
                }
                Env::Uat => {
                    let role = if self.b.rng.chance(600) { CONTRIBUTOR } else { READER };
                    self.grant(team, role, Scope::Rg(rg));
                }
                Env::Prod => {
                    self.grant(team, READER, Scope::Rg(rg));
                    if self.b.rng.chance(250) {
                        self.grant(Principal::Group(GROUP_SRE), CONTRIBUTOR, Scope::Rg(rg));
                    }
                }
            }
        }
    }

    /// What each managed identity is granted: mostly data roles next to its home.
    fn identity_grants(&mut self) {
        for u in 0..self.b.t.uamis.len() {
            let (res, kubelet, unused) = {
                let x = &self.b.t.uamis[u];
                (x.res, x.kubelet, x.reserved_unused)
            };
            let home = self.b.t.resources[res].rg;
            if kubelet {
                if let Some(acr) = self.find_near(home, Kind::Acr) {
                    self.grant(Principal::Uami(u), ACR_PULL, Scope::Res(acr));
                }
                continue;
            }
            let k = if unused {
                if self.b.rng.chance(400) { self.b.rng.range(1, 2) } else { 0 }
            } else {
                self.b.rng.weighted_of(&[(1, 15), (2, 25), (3, 25), (4, 15), (5, 10), (6, 6), (8, 4)])
            };
            for _ in 0..k {
                self.identity_grant(Principal::Uami(u), home);
            }
        }
        for s in 0..self.b.t.resources.len() {
            let has_system = self.b.t.resources[s].identity.as_ref().is_some_and(|i| i.system.is_some());
            if !has_system {
                continue;
            }
            let (home, kind) = (self.b.t.resources[s].rg, self.b.t.resources[s].kind);
            match kind {
                Kind::Aks => {
                    if let Some(vnet) = self.find_near(home, Kind::Vnet) {
                        self.grant(Principal::System(s), NETWORK_CONTRIBUTOR, Scope::Res(vnet));
                    }
                }
                Kind::Automation if self.b.rng.chance(500) => {
                    self.grant(Principal::System(s), CONTRIBUTOR, Scope::Rg(home));
                }
                _ => {}
            }
            let k = self.b.rng.weighted_of(&[(0, 20), (1, 25), (2, 25), (3, 15), (4, 10), (6, 5)]);
            for _ in 0..k {
                self.identity_grant(Principal::System(s), home);
            }
        }
    }

    /// A resource of `kind` in `rg`, in the app's other groups of that environment, or
    /// in the environment's platform group.
    fn find_near(&mut self, rg: usize, kind: Kind) -> Option<usize> {
        let t = &self.b.t;
        let (env, app) = (t.rgs[rg].env, t.rgs[rg].app);
        let found: Vec<usize> = t
            .rgs
            .iter()
            .filter(|r| r.env == env && ((r.app == app && r.role != RgRole::Managed) || r.role == RgRole::Platform))
            .flat_map(|r| r.targets.iter().copied())
            .filter(|&x| t.resources[x].kind == kind)
            .collect();
        if found.is_empty() { None } else { Some(*self.b.rng.pick(&found)) }
    }

    /// A random data target of a group (or any target when it has none).
    fn data_target(&mut self, rg: usize) -> Option<usize> {
        let t = &self.b.t;
        let targets = &t.rgs[rg].targets;
        if targets.is_empty() {
            return None;
        }
        for _ in 0..6 {
            let x = *self.b.rng.pick(targets);
            if t.resources[x].kind.is_data_target() {
                return Some(x);
            }
        }
        Some(*self.b.rng.pick(targets))
    }

    fn platform_rg(&self, env: Env) -> Option<usize> {
        self.b.t.rgs.iter().position(|r| r.env == env && r.role == RgRole::Platform)
    }

    fn random_app_rg(&mut self, env: Option<Env>) -> Option<usize> {
        for _ in 0..40 {
            let rg = self.b.rng.below(self.b.t.rgs.len());
            let r = &self.b.t.rgs[rg];
            if r.role == RgRole::App && env.is_none_or(|e| e == r.env) {
                return Some(rg);
            }
        }
        None
    }

    fn identity_grant(&mut self, p: Principal, home: usize) {
        let env = self.b.t.rgs[home].env;
        let roll = self.b.rng.below(100);
        let rg = match roll {
            0..=74 => Some(home),
            75..=84 => self.platform_rg(env).or(Some(home)),
            85..=91 => {
                let role = self.b.rng.weighted_of(&[
                    (READER, 50),
                    (CONTRIBUTOR, 20),
                    (KV_SECRETS_USER, 15),
                    (BLOB_CONTRIBUTOR, 15),
                ]);
                self.grant(p, role, Scope::Rg(home));
                return;
            }
            _ => self.random_app_rg(Some(env)).or(Some(home)),
        };
        let Some(rg) = rg else { return };
        match self.data_target(rg) {
            Some(x) => {
                let role = self.identity_role(self.b.t.resources[x].kind);
                self.grant(p, role, Scope::Res(x));
            }
            None => {
                self.grant(p, READER, Scope::Rg(rg));
            }
        }
    }

    fn identity_role(&mut self, kind: Kind) -> BuiltIn {
        let rng = &mut self.b.rng;
        match kind {
            Kind::KeyVault => rng.weighted_of(&[
                (KV_SECRETS_USER, 70),
                (KV_READER, 10),
                (KV_CRYPTO_USER, 10),
                (KV_SECRETS_OFFICER, 10),
            ]),
            Kind::Storage => {
                rng.weighted_of(&[(BLOB_CONTRIBUTOR, 50), (BLOB_READER, 30), (QUEUE_CONTRIBUTOR, 15), (BLOB_OWNER, 5)])
            }
            Kind::ServiceBus => rng.weighted_of(&[(SB_SENDER, 50), (SB_RECEIVER, 50)]),
            Kind::EventHub => EH_SENDER,
            Kind::Cosmos => rng.weighted_of(&[(DOCUMENTDB_CONTRIBUTOR, 40), (COSMOS_READER, 60)]),
            Kind::SqlDb | Kind::SqlServer | Kind::SqlMaster => {
                rng.weighted_of(&[(SQL_DB_CONTRIBUTOR, 60), (READER, 40)])
            }
            Kind::Acr => rng.weighted_of(&[(ACR_PULL, 90), (ACR_PUSH, 10)]),
            Kind::AppInsights => METRICS_PUBLISHER,
            Kind::LogAnalytics => rng.weighted_of(&[(LOG_ANALYTICS_CONTRIBUTOR, 50), (METRICS_PUBLISHER, 50)]),
            Kind::Vnet => NETWORK_CONTRIBUTOR,
            k if k.is_site() => WEBSITE_CONTRIBUTOR,
            _ => rng.weighted_of(&[(READER, 70), (CONTRIBUTOR, 30)]),
        }
    }

    fn people_role(&mut self, kind: Kind) -> BuiltIn {
        let rng = &mut self.b.rng;
        match kind {
            Kind::KeyVault => {
                rng.weighted_of(&[(KV_SECRETS_OFFICER, 30), (KV_ADMIN, 20), (KV_READER, 30), (KV_SECRETS_USER, 20)])
            }
            Kind::Storage => {
                rng.weighted_of(&[(BLOB_CONTRIBUTOR, 40), (BLOB_READER, 40), (STORAGE_ACCOUNT_CONTRIBUTOR, 20)])
            }
            k if k.is_site() => rng.weighted_of(&[(WEBSITE_CONTRIBUTOR, 40), (READER, 40), (CONTRIBUTOR, 20)]),
            Kind::Vm => {
                rng.weighted_of(&[(VM_CONTRIBUTOR, 25), (VM_ADMIN_LOGIN, 30), (VM_USER_LOGIN, 30), (READER, 15)])
            }
            Kind::Vmss => rng.weighted_of(&[(VM_CONTRIBUTOR, 40), (READER, 60)]),
            Kind::Aks => {
                rng.weighted_of(&[(AKS_CLUSTER_USER, 40), (AKS_CLUSTER_ADMIN, 15), (AKS_CONTRIBUTOR, 20), (READER, 25)])
            }
            Kind::LogicApp => rng.weighted_of(&[(LOGIC_APP_CONTRIBUTOR, 50), (READER, 50)]),
            Kind::Automation => rng.weighted_of(&[(AUTOMATION_CONTRIBUTOR, 50), (READER, 50)]),
            Kind::ContainerApp => rng.weighted_of(&[(CONTAINER_APPS_CONTRIBUTOR, 40), (READER, 60)]),
            Kind::Uami => rng.weighted_of(&[(READER, 70), (MI_CONTRIBUTOR, 20), (MI_OPERATOR, 10)]),
            Kind::SqlServer => rng.weighted_of(&[(SQL_SERVER_CONTRIBUTOR, 50), (READER, 50)]),
            Kind::SqlDb | Kind::SqlMaster => rng.weighted_of(&[(SQL_DB_CONTRIBUTOR, 60), (READER, 40)]),
            Kind::Cosmos => rng.weighted_of(&[(DOCUMENTDB_CONTRIBUTOR, 40), (COSMOS_READER, 60)]),
            Kind::ServiceBus => rng.weighted_of(&[(SB_SENDER, 20), (SB_RECEIVER, 30), (READER, 50)]),
            Kind::LogAnalytics => rng.weighted_of(&[(LOG_ANALYTICS_READER, 60), (LOG_ANALYTICS_CONTRIBUTOR, 40)]),
            Kind::AppInsights => rng.weighted_of(&[(MONITORING_READER, 60), (READER, 40)]),
            Kind::Acr => rng.weighted_of(&[(ACR_PUSH, 40), (ACR_PULL, 30), (READER, 30)]),
            Kind::Vnet | Kind::Nsg | Kind::PublicIp | Kind::Nic | Kind::LoadBalancer => {
                rng.weighted_of(&[(NETWORK_CONTRIBUTOR, 50), (READER, 50)])
            }
            _ => rng.weighted_of(&[(READER, 70), (CONTRIBUTOR, 30)]),
        }
    }

    /// A user, preferably of the team of `app`.
    fn user_of(&mut self, app: Option<usize>) -> usize {
        let users = self.b.t.users.len();
        let apps = self.b.t.apps.len();
        if let Some(a) = app
            && a < users
            && self.b.rng.chance(700)
        {
            let members = (users - a).div_ceil(apps);
            return a + apps * self.b.rng.below(members);
        }
        self.b.rng.below(users)
    }

    /// A group, preferably the team's own.
    fn group_of(&mut self, app: Option<usize>) -> usize {
        match app {
            Some(a) if self.b.rng.chance(700) => ORG_GROUPS.len() + a,
            _ => self.b.rng.below(self.b.t.groups.len()),
        }
    }

    fn person_of(&mut self, app: Option<usize>) -> Principal {
        match self.b.rng.below(100) {
            0..=67 => Principal::User(self.user_of(app)),
            68..=94 => Principal::Group(self.group_of(app)),
            _ => Principal::App(self.b.rng.below(self.b.t.apps_sps.len())),
        }
    }

    /// Identities in use (attached somewhere), excluding AKS kubelet identities.
    fn used_uamis(&self) -> Vec<usize> {
        (0..self.b.t.uamis.len())
            .filter(|&u| {
                let x = &self.b.t.uamis[u];
                x.consumers > 0 && !x.kubelet
            })
            .collect()
    }

    fn system_sources(&self, kind: Option<Kind>) -> Vec<usize> {
        (0..self.b.t.resources.len())
            .filter(|&s| {
                let r = &self.b.t.resources[s];
                r.identity.as_ref().is_some_and(|i| i.system.is_some()) && kind.is_none_or(|k| k == r.kind)
            })
            .collect()
    }

    /// Risky: identities holding Contributor or Owner on a whole subscription.
    fn subscription_wide_identities(&mut self) {
        let wanted = (self.b.n / 800).max(1);
        let automation = self.system_sources(Some(Kind::Automation));
        let uamis = self.used_uamis();
        let systems = self.system_sources(None);
        let mut done = 0;
        let mut tries = 0;
        while done < wanted && tries < wanted * 10 {
            tries += 1;
            let p = match self.b.rng.below(3) {
                0 if !automation.is_empty() => Principal::System(*self.b.rng.pick(&automation)),
                1 if !uamis.is_empty() => Principal::Uami(*self.b.rng.pick(&uamis)),
                _ if !systems.is_empty() => Principal::System(*self.b.rng.pick(&systems)),
                _ if !uamis.is_empty() => Principal::Uami(*self.b.rng.pick(&uamis)),
                _ => break,
            };
            let home = match p {
                Principal::Uami(u) => self.b.t.uami_res(u).rg,
                Principal::System(s) => self.b.t.resources[s].rg,
                _ => continue,
            };
            let role = self.b.rng.weighted_of(&[(CONTRIBUTOR, 75), (OWNER, 25)]);
            let sub = self.b.t.rgs[home].sub;
            if self.grant(p, role, Scope::Sub(sub)) {
                done += 1;
            }
        }
        if self.b.n >= 500 && !uamis.is_empty() {
            let u = *self.b.rng.pick(&uamis);
            self.grant(Principal::Uami(u), CONTRIBUTOR, Scope::Mg);
        }
    }

    /// Risky: people who can run code on sources, and so use their identities.
    fn people_with_code_execution(&mut self) {
        let wanted = (self.b.n / 400).max(2);
        let mut done = 0;
        let mut tries = 0;
        while done < wanted && tries < wanted * 20 {
            tries += 1;
            let env = if self.b.rng.chance(500) { Some(Env::Prod) } else { None };
            let Some(rg) = self.random_app_rg(env) else {
                continue;
            };
            let sources = &self.b.t.rgs[rg].sources;
            if sources.is_empty() {
                continue;
            }
            let s = *self.b.rng.pick(sources);
            let kind = self.b.t.resources[s].kind;
            let role = match kind {
                k if k.is_site() => WEBSITE_CONTRIBUTOR,
                Kind::Vm | Kind::Vmss => VM_CONTRIBUTOR,
                _ => CONTRIBUTOR,
            };
            let app = self.b.t.rgs[rg].app;
            let p = if self.b.rng.chance(700) {
                Principal::User(self.user_of(app))
            } else {
                Principal::Group(self.group_of(app))
            };
            let scope = if self.b.rng.chance(600) { Scope::Res(s) } else { Scope::Rg(rg) };
            if self.grant(p, role, scope) {
                done += 1;
            }
        }
    }

    /// Risky: users who may assign identities (Managed Identity Operator).
    fn identity_operators(&mut self) {
        let wanted = (self.b.n / 700).max(1);
        let uamis = self.used_uamis();
        if uamis.is_empty() {
            return;
        }
        let mut done = 0;
        let mut tries = 0;
        while done < wanted && tries < wanted * 10 {
            tries += 1;
            let u = *self.b.rng.pick(&uamis);
            let res = self.b.t.uamis[u].res;
            let rg = self.b.t.resources[res].rg;
            let user = self.user_of(self.b.t.rgs[rg].app);
            let scope = if self.b.rng.chance(700) { Scope::Res(res) } else { Scope::Rg(rg) };
            if self.grant(Principal::User(user), MI_OPERATOR, scope) {
                done += 1;
            }
        }
    }

    /// Risky: app teams allowed to grant roles in their own resource group (User Access
    /// Administrator), which makes every source and identity there theirs (`GrantsSelf`),
    /// picked among the groups whose identities reach another environment, where it matters.
    fn access_administrators(&mut self, crossing: &[usize]) {
        let wanted = (self.b.n / 1500).max(1);
        for _ in 0..wanted.min(crossing.len()) {
            let rg = *self.b.rng.pick(crossing);
            let user = self.user_of(self.b.t.rgs[rg].app);
            self.grant(Principal::User(user), USER_ACCESS_ADMIN, Scope::Rg(rg));
        }
    }

    /// Risky: dev (or uat) identities holding data roles on prod resources. Returns the
    /// resource groups of those identities.
    fn cross_environment_grants(&mut self) -> Vec<usize> {
        let mut crossing = Vec::new();
        let wanted = (self.b.n / 1000).max(1);
        let mut done = 0;
        let mut tries = 0;
        while done < wanted && tries < wanted * 30 {
            tries += 1;
            let (from_env, kind, role) = if done % 3 == 2 {
                (Env::Uat, Kind::Storage, BLOB_READER)
            } else {
                (Env::Dev, Kind::KeyVault, KV_SECRETS_USER)
            };
            let Some(rg) = self.random_app_rg(Some(from_env)) else {
                continue;
            };
            let pool: Vec<usize> =
                self.b.t.rgs[rg].uamis.iter().copied().filter(|&u| self.b.t.uamis[u].consumers > 0).collect();
            if pool.is_empty() {
                continue;
            }
            let u = *self.b.rng.pick(&pool);
            let app = self.b.t.rgs[rg].app;
            let prod_rg = self.b.t.rgs.iter().position(|r| r.app == app && r.env == Env::Prod && r.role == RgRole::App);
            let Some(prod_rg) = prod_rg else { continue };
            let targets: Vec<usize> =
                self.b.t.rgs[prod_rg].targets.iter().copied().filter(|&x| self.b.t.resources[x].kind == kind).collect();
            if targets.is_empty() {
                continue;
            }
            let x = *self.b.rng.pick(&targets);
            if self.grant(Principal::Uami(u), role, Scope::Res(x)) {
                done += 1;
                crossing.push(rg);
            }
        }
        crossing
    }

    /// Risky: assignments whose principal was deleted (`principalName: ""`).
    fn orphans(&mut self) {
        let wanted = (self.b.n / 150).max(2);
        for _ in 0..wanted {
            let ty = self.b.rng.weighted_of(&[("ServicePrincipal", 55), ("User", 30), ("Group", 15)]);
            let id = self.b.rng.guid();
            let p = Principal::Orphan(id, ty);
            let Some(rg) = self.random_app_rg(None) else {
                let role = READER;
                self.grant(p, role, Scope::Sub(0));
                continue;
            };
            match self.b.rng.below(10) {
                0..=5 => match self.data_target(rg) {
                    Some(x) => {
                        let kind = self.b.t.resources[x].kind;
                        let role =
                            if ty == "ServicePrincipal" { self.identity_role(kind) } else { self.people_role(kind) };
                        self.grant(p, role, Scope::Res(x));
                    }
                    None => {
                        self.grant(p, READER, Scope::Rg(rg));
                    }
                },
                6..=8 => {
                    let role = self.b.rng.weighted_of(&[(READER, 60), (CONTRIBUTOR, 40)]);
                    self.grant(p, role, Scope::Rg(rg));
                }
                _ => {
                    let sub = self.b.t.rgs[rg].sub;
                    self.grant(p, READER, Scope::Sub(sub));
                }
            }
        }
    }

    /// Each custom role is held by the kind of principal it was written for.
    fn custom_role_grants(&mut self) {
        let per_role = 2 + self.b.n / 4000;
        for c in 0..self.b.t.custom_roles.len() {
            let template = &CUSTOM_TEMPLATES[self.b.t.custom_roles[c].template];
            let holder = template.holder;
            let mut done = 0;
            let mut tries = 0;
            while done < per_role && tries < per_role * 10 {
                tries += 1;
                let Some(rg) = self.random_app_rg(None) else {
                    break;
                };
                let app = self.b.t.rgs[rg].app;
                let sub = self.b.t.rgs[rg].sub;
                let (p, scope) = match holder {
                    Holder::VmOperators => {
                        let has = self.b.t.rgs[rg]
                            .sources
                            .iter()
                            .any(|&s| matches!(self.b.t.resources[s].kind, Kind::Vm | Kind::Aks));
                        if !has && tries < per_role * 5 {
                            continue;
                        }
                        let p = if self.b.rng.chance(500) {
                            Principal::Group(self.group_of(app))
                        } else {
                            Principal::User(self.user_of(app))
                        };
                        (p, Scope::Rg(rg))
                    }
                    Holder::Auditors => (Principal::User(self.user_of(None)), Scope::Sub(sub)),
                    Holder::WebDeployers => {
                        let uamis = &self.b.t.rgs[rg].uamis;
                        let p = if !uamis.is_empty() && self.b.rng.chance(500) {
                            Principal::Uami(*self.b.rng.pick(uamis))
                        } else {
                            Principal::App(self.b.rng.below(self.b.t.apps_sps.len()))
                        };
                        (p, Scope::Rg(rg))
                    }
                    Holder::People => (Principal::User(self.user_of(app)), Scope::Rg(rg)),
                    Holder::SecretRotators => {
                        let vaults: Vec<usize> = self.b.t.rgs[rg]
                            .targets
                            .iter()
                            .copied()
                            .filter(|&x| self.b.t.resources[x].kind == Kind::KeyVault)
                            .collect();
                        let uamis = &self.b.t.rgs[rg].uamis;
                        if vaults.is_empty() || uamis.is_empty() {
                            continue;
                        }
                        let p = Principal::Uami(*self.b.rng.pick(uamis));
                        (p, Scope::Res(*self.b.rng.pick(&vaults)))
                    }
                    Holder::Pipelines => (Principal::App(self.b.rng.below(self.b.t.apps_sps.len())), Scope::Sub(sub)),
                };
                if self.assign(p, RoleRef::Custom(c), scope) {
                    done += 1;
                }
            }
        }
    }

    /// The bulk of a tenant's assignments: people, groups and pipelines on resources,
    /// groups and subscriptions, until the tenant holds `target` assignments.
    fn fill_people(&mut self, target: usize) {
        let mut tries = 0;
        let resources = self.b.t.resources.len();
        while self.b.t.assignments.len() < target && tries < target * 3 {
            tries += 1;
            let level = if resources == 0 { 2 } else { self.b.rng.weighted(&[62, 32, 6]) };
            match level {
                0 => {
                    let mut x = self.b.rng.below(resources);
                    if self.b.t.resources[x].kind == Kind::Uami && self.b.rng.chance(850) {
                        x = self.b.rng.below(resources);
                    }
                    let rg = self.b.t.resources[x].rg;
                    let p = self.person_of(self.b.t.rgs[rg].app);
                    let role = self.people_role(self.b.t.resources[x].kind);
                    self.grant(p, role, Scope::Res(x));
                }
                1 => {
                    let rg = self.b.rng.below(self.b.t.rgs.len());
                    let p = self.person_of(self.b.t.rgs[rg].app);
                    let kinds: Vec<Kind> =
                        self.b.t.rgs[rg].sources.iter().map(|&s| self.b.t.resources[s].kind).collect();
                    let site = if kinds.iter().any(|k| k.is_site()) { 4 } else { 0 };
                    let vm = if kinds.contains(&Kind::Vm) { 4 } else { 0 };
                    let role = self.b.rng.weighted_of(&[
                        (READER, 45),
                        (CONTRIBUTOR, 18),
                        (WEBSITE_CONTRIBUTOR, site),
                        (VM_CONTRIBUTOR, vm),
                        (KV_SECRETS_OFFICER, 8),
                        (BLOB_CONTRIBUTOR, 8),
                        (OWNER, 2),
                        (LOG_ANALYTICS_READER, 6),
                        (MONITORING_READER, 5),
                    ]);
                    self.grant(p, role, Scope::Rg(rg));
                }
                _ => {
                    let sub = self.b.rng.below(self.b.t.subs.len());
                    let p = self.person_of(None);
                    let role =
                        self.b.rng.weighted_of(&[(READER, 70), (CONTRIBUTOR, 15), (OWNER, 5), (MONITORING_READER, 10)]);
                    self.grant(p, role, Scope::Sub(sub));
                }
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
