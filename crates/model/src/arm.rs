//! ARM ids and scopes as text.
//!
//! An ARM id names its own place in the scope tree: `/subscriptions/{s}/resourceGroups/{rg}/
//! providers/{namespace}/{type}/{name}[/{child type}/{child name}]...`, optionally followed by
//! `/providers/...` again for extension resources (role assignments, federated credentials).
//! Management groups and tenant-level resources start at `/providers/...`. The functions here
//! read that structure from the text alone, in any case, without allocating.

/// How high in the scope tree an id sits.
#[derive(Copy, Clone, Eq, PartialEq, Ord, PartialOrd, Hash, Debug)]
pub enum ScopeLevel {
    /// `/`: the tenant root.
    Root,
    /// `/providers/Microsoft.Management/managementGroups/{mg}`.
    ManagementGroup,
    /// `/subscriptions/{s}`.
    Subscription,
    /// `/subscriptions/{s}/resourceGroups/{rg}`.
    ResourceGroup,
    /// Any resource or child resource.
    Resource,
}

/// Whether `segment` is `keyword` (written in lower case) in any ASCII case, compared eight bytes
/// at a time: every id is walked on import, and `eq_ignore_ascii_case` folds both sides byte by
/// byte in WebAssembly.
fn is_keyword(segment: &str, keyword: &str) -> bool {
    crate::keys::equals_lowered(keyword.as_bytes(), segment.as_bytes())
}

/// Every scope that contains `id`, from the outermost to `id` itself (without the root `/`).
///
/// `/subscriptions/s/resourceGroups/rg/providers/Microsoft.Sql/servers/a/databases/b` yields
/// the subscription, the resource group, the server and the database. Management-group
/// ancestry is not part of an id; the inventory's hierarchy supplies it.
pub fn scopes_of(id: &str) -> Vec<&str> {
    Walker::new(id).map(|(end, _)| &id[..end]).collect()
}

/// The level of `id` in the scope tree, or `None` when it is not an ARM id.
pub fn level(id: &str) -> Option<ScopeLevel> {
    let id = id.trim_end_matches('/');
    if id.is_empty() {
        return Some(ScopeLevel::Root);
    }
    Walker::new(id).last().filter(|&(end, _)| end == id.len()).map(|(_, level)| level)
}

/// The subscription GUID in `id`, if any.
pub fn subscription_id(id: &str) -> Option<&str> {
    const PREFIX: &str = "/subscriptions/";
    let rest = id.get(PREFIX.len()..).filter(|_| is_keyword(&id[..PREFIX.len()], PREFIX))?;
    Some(segment(rest)).filter(|s| !s.is_empty())
}

/// `text` up to its first `/` (all of it when there is none), found with SIMD: `str::split`
/// looks at one character at a time, and ids are read to their subscription very often.
fn segment(text: &str) -> &str {
    memchr::memchr(b'/', text.as_bytes()).map_or(text, |at| &text[..at])
}

/// The resource-group name in `id`, if any.
pub fn resource_group(id: &str) -> Option<&str> {
    let mut parts = id.split('/').skip(1);
    if !is_keyword(parts.next()?, "subscriptions") {
        return None;
    }
    parts.next()?;
    if !is_keyword(parts.next()?, "resourcegroups") {
        return None;
    }
    parts.next().filter(|s| !s.is_empty())
}

/// The subscription scope (`/subscriptions/{s}`) containing `id`.
pub fn subscription_scope(id: &str) -> Option<&str> {
    let sub = subscription_id(id)?;
    let end = "/subscriptions/".len() + sub.len();
    id.get(..end)
}

/// The resource-group scope containing `id`.
pub fn resource_group_scope(id: &str) -> Option<&str> {
    const WORD: &str = "/resourcegroups/";
    // Read on from the subscription scope, rather than parsing the id again from its start.
    let subscription = subscription_scope(id)?;
    let after = id.get(subscription.len()..)?;
    let rest = after.get(WORD.len()..).filter(|_| is_keyword(&after[..WORD.len()], WORD))?;
    let group = segment(rest);
    (!group.is_empty()).then(|| &id[..subscription.len() + WORD.len() + group.len()])
}

/// The last segment of an id: the resource's own name.
pub fn last_segment(id: &str) -> &str {
    id.trim_end_matches('/').rsplit('/').next().unwrap_or(id)
}

/// The resource type of the last resource named in `id`: `Microsoft.Sql/servers/databases` for a
/// database id. `None` for subscriptions, resource groups and non-ids.
pub fn resource_type(id: &str) -> Option<String> {
    let parts: Vec<&str> = id.trim_end_matches('/').split('/').collect();
    let providers = parts.iter().rposition(|p| is_keyword(p, "providers"))?;
    let rest = parts.get(providers + 1..)?;
    let (namespace, pairs) = rest.split_first()?;
    if pairs.is_empty() || pairs.len() % 2 != 0 {
        return None;
    }
    let mut out = String::from(*namespace);
    for pair in pairs.chunks(2) {
        out.push('/');
        out.push_str(pair[0]);
    }
    Some(out)
}

/// For an extension resource id (`{scope}/providers/{ns}/{type}/{name}` such as a role
/// assignment), the scope it extends. `/providers/Microsoft.Authorization/roleAssignments/{g}`
/// extends the root `/`.
pub fn extended_scope(id: &str) -> Option<&str> {
    let lowered_at = rfind_ignore_case(id, "/providers/")?;
    Some(if lowered_at == 0 { "/" } else { &id[..lowered_at] })
}

fn rfind_ignore_case(haystack: &str, needle: &str) -> Option<usize> {
    let (h, n) = (haystack.as_bytes(), needle.as_bytes());
    (0..=h.len().checked_sub(n.len())?).rev().find(|&i| h[i..i + n.len()].eq_ignore_ascii_case(n))
}

/// Walks an id segment by segment and yields where each contained scope ends, with its level.
/// Allocation-free: ids are checked on every import.
struct Walker<'a> {
    /// The id without its leading and trailing `/`.
    body: &'a str,
    /// The `/`s in `body`, found with SIMD (`str::split` calls `memchr` anew for every short
    /// segment).
    slashes: memchr::Memchr<'a>,
    /// Where the segment taken last ends in the id (so the next starts at this index of `body`).
    end: usize,
    state: WalkState,
}

#[derive(Copy, Clone)]
enum WalkState {
    Start,
    AfterSubscription,
    AfterResourceGroup,
    /// Inside `/providers/{ns}`: pairs of type and name follow.
    InProvider,
    Done,
}

impl<'a> Walker<'a> {
    fn new(id: &'a str) -> Self {
        let trimmed = id.trim_end_matches('/');
        let (body, state) = match trimmed.strip_prefix('/') {
            Some(body) if !body.is_empty() => (body, WalkState::Start),
            _ => ("", WalkState::Done),
        };
        Walker { body, slashes: memchr::memchr_iter(b'/', body.as_bytes()), end: 0, state }
    }

    /// Consumes one segment, returning it and its end offset in the id.
    fn take(&mut self) -> Option<(&'a str, usize)> {
        let start = self.end;
        if start > self.body.len() {
            return None;
        }
        let stop = self.slashes.next().unwrap_or(self.body.len());
        self.end = stop + 1;
        Some((self.body.get(start..stop)?, self.end))
    }

    /// Consumes one non-empty segment, returning its end offset.
    fn take_name(&mut self) -> Option<usize> {
        self.take().filter(|(name, _)| !name.is_empty()).map(|(_, end)| end)
    }
}

impl Iterator for Walker<'_> {
    type Item = (usize, ScopeLevel);

    fn next(&mut self) -> Option<(usize, ScopeLevel)> {
        let found = self.step();
        if found.is_none() {
            self.state = WalkState::Done;
        }
        found
    }
}

impl Walker<'_> {
    fn step(&mut self) -> Option<(usize, ScopeLevel)> {
        loop {
            match self.state {
                WalkState::Done => return None,
                WalkState::Start => {
                    let (head, _) = self.take()?;
                    if is_keyword(head, "subscriptions") {
                        let end = self.take_name()?;
                        self.state = WalkState::AfterSubscription;
                        return Some((end, ScopeLevel::Subscription));
                    }
                    if !is_keyword(head, "providers") {
                        return None;
                    }
                    let (namespace, _) = self.take()?;
                    if is_keyword(namespace, "microsoft.management") {
                        let (kind, _) = self.take()?;
                        let end = self.take_name()?;
                        self.state = WalkState::InProvider;
                        let level = if is_keyword(kind, "managementgroups") {
                            ScopeLevel::ManagementGroup
                        } else {
                            ScopeLevel::Resource
                        };
                        return Some((end, level));
                    }
                    self.state = WalkState::InProvider;
                }
                WalkState::AfterSubscription | WalkState::AfterResourceGroup => {
                    let (head, _) = self.take()?;
                    if is_keyword(head, "resourcegroups") && matches!(self.state, WalkState::AfterSubscription) {
                        let end = self.take_name()?;
                        self.state = WalkState::AfterResourceGroup;
                        return Some((end, ScopeLevel::ResourceGroup));
                    }
                    if !is_keyword(head, "providers") {
                        return None;
                    }
                    self.take()?;
                    self.state = WalkState::InProvider;
                }
                WalkState::InProvider => {
                    let (head, _) = self.take()?;
                    if is_keyword(head, "providers") {
                        self.take()?;
                        continue;
                    }
                    if head.is_empty() {
                        return None;
                    }
                    let end = self.take_name()?;
                    return Some((end, ScopeLevel::Resource));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DB: &str = "/subscriptions/S1/resourceGroups/RG/providers/Microsoft.Sql/servers/a/databases/b";

    #[test]
    fn scopes_of_a_child_resource() {
        assert_eq!(
            scopes_of(DB),
            vec![
                "/subscriptions/S1",
                "/subscriptions/S1/resourceGroups/RG",
                "/subscriptions/S1/resourceGroups/RG/providers/Microsoft.Sql/servers/a",
                DB,
            ]
        );
    }

    #[test]
    fn scopes_of_an_extension_resource_include_the_extended_resource() {
        let ra = "/subscriptions/s/resourcegroups/rg/providers/Microsoft.KeyVault/vaults/kv/providers/Microsoft.Authorization/roleAssignments/g";
        let scopes = scopes_of(ra);
        assert_eq!(scopes[2], "/subscriptions/s/resourcegroups/rg/providers/Microsoft.KeyVault/vaults/kv");
        assert_eq!(scopes.last(), Some(&ra));
    }

    #[test]
    fn management_group_scopes() {
        let mg = "/providers/Microsoft.Management/managementGroups/mg-platform";
        assert_eq!(scopes_of(mg), vec![mg]);
        assert_eq!(level(mg), Some(ScopeLevel::ManagementGroup));
    }

    #[test]
    fn levels() {
        assert_eq!(level("/"), Some(ScopeLevel::Root));
        assert_eq!(level("/subscriptions/s"), Some(ScopeLevel::Subscription));
        assert_eq!(level("/SUBSCRIPTIONS/s/RESOURCEGROUPS/rg"), Some(ScopeLevel::ResourceGroup));
        assert_eq!(level(DB), Some(ScopeLevel::Resource));
        assert_eq!(level("not an id"), None);
        assert_eq!(level("/subscriptions/s/resourceGroups/rg/providers/Microsoft.Web"), None);
    }

    #[test]
    fn parts_of_an_id() {
        assert_eq!(subscription_id(DB), Some("S1"));
        assert_eq!(resource_group(DB), Some("RG"));
        assert_eq!(subscription_scope(DB), Some("/subscriptions/S1"));
        assert_eq!(resource_group_scope(DB), Some("/subscriptions/S1/resourceGroups/RG"));
        assert_eq!(resource_type(DB).as_deref(), Some("Microsoft.Sql/servers/databases"));
        assert_eq!(last_segment(DB), "b");
        assert_eq!(resource_group("/subscriptions/s"), None);
        // A resource group's own scope is itself; ids outside a resource group have none.
        assert_eq!(
            resource_group_scope("/SUBSCRIPTIONS/s/RESOURCEGROUPS/rg/"),
            Some("/SUBSCRIPTIONS/s/RESOURCEGROUPS/rg")
        );
        for outside in [
            "/subscriptions/s",
            "/subscriptions/s/resourceGroups/",
            "/subscriptions/s/providers/Microsoft.Web/sites/a",
            "rg",
        ] {
            assert_eq!(resource_group_scope(outside), None, "{outside}");
        }
        assert_eq!(subscription_id("/providers/Microsoft.Management/managementGroups/x"), None);
        for (id, expected) in [
            ("/Subscriptions/x/y", Some("x")),
            ("/SUBSCRIPTIONS/x", Some("x")),
            ("/subscriptions", None),
            ("/subscriptions/", None),
            ("/subscriptions//x", None),
            ("subscriptions/x", None),
            ("/subscriptionz/x", None),
            ("/subscriptionsé/x", None),
            ("/subscriptions/é/x", Some("é")),
        ] {
            assert_eq!(subscription_id(id), expected, "{id}");
        }
    }

    #[test]
    fn extended_scopes() {
        assert_eq!(extended_scope("/providers/Microsoft.Authorization/roleAssignments/g"), Some("/"));
        assert_eq!(
            extended_scope("/subscriptions/s/providers/Microsoft.Authorization/roleAssignments/g"),
            Some("/subscriptions/s")
        );
    }
}
