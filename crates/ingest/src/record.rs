//! One element of an ARM-shaped export, read in one pass with case-insensitive keys.
//!
//! az CLI, ARM REST, Resource Graph and Azure PowerShell all describe the same objects with
//! the same field names, in different cases (`principalId`, `PrincipalId`) and sometimes one
//! level down (`properties.principalId`). A [`Record`] picks out, in a single streaming pass,
//! every field any of them uses, borrowing strings from the input and keeping nested objects
//! raw so that only the ones an importer needs are ever parsed. Unknown keys are skipped
//! without building anything.

use std::borrow::Cow;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::value::RawValue;

/// A string that may be absent or `null`.
pub type Text<'a> = Option<Cow<'a, str>>;

/// The fields Blastmap reads from an ARM-shaped object.
#[derive(Default, Debug)]
pub struct Record<'a> {
    pub id: Text<'a>,
    pub name: Text<'a>,
    pub kind_: Text<'a>,
    pub resource_type: Text<'a>,
    pub location: Text<'a>,
    pub tags: Option<&'a RawValue>,
    pub identity: Option<&'a RawValue>,
    pub properties: Option<&'a RawValue>,
    pub principal_id: Text<'a>,
    pub client_id: Text<'a>,
    pub tenant_id: Text<'a>,
    pub isolation_scope: Text<'a>,
    pub assignment_restrictions: Option<&'a RawValue>,
    pub role_definition_id: Text<'a>,
    pub role_definition_name: Text<'a>,
    pub principal_name: Text<'a>,
    pub principal_type: Text<'a>,
    pub scope: Text<'a>,
    pub condition: Text<'a>,
    pub role_assignment_id: Text<'a>,
    pub object_type: Text<'a>,
    pub role_name: Text<'a>,
    pub role_type: Text<'a>,
    pub permissions: Option<&'a RawValue>,
    pub assignable_scopes: Option<&'a RawValue>,
    pub issuer: Text<'a>,
    pub subject: Text<'a>,
    pub audiences: Option<&'a RawValue>,
    pub claims_matching_expression: Option<&'a RawValue>,
    pub service_principal_type: Text<'a>,
    pub alternative_names: Option<&'a RawValue>,
    pub display_name: Text<'a>,
    pub user_principal_name: Text<'a>,
    pub odata_type: Text<'a>,
    pub members: Option<&'a RawValue>,
    pub identity_profile: Option<&'a RawValue>,
    pub addon_profiles: Option<&'a RawValue>,
    pub access_policies: Option<&'a RawValue>,
    pub details: Option<&'a RawValue>,
    pub management_group_ancestors_chain: Option<&'a RawValue>,
    pub is_default: Option<&'a RawValue>,
}

#[derive(Copy, Clone, PartialEq, Debug)]
enum Field {
    Id,
    Name,
    Kind,
    Type,
    Location,
    Tags,
    Identity,
    Properties,
    PrincipalId,
    ClientId,
    TenantId,
    IsolationScope,
    AssignmentRestrictions,
    RoleDefinitionId,
    RoleDefinitionName,
    PrincipalName,
    PrincipalType,
    Scope,
    Condition,
    RoleAssignmentId,
    ObjectType,
    RoleName,
    RoleType,
    Permissions,
    AssignableScopes,
    Issuer,
    Subject,
    Audiences,
    ClaimsMatchingExpression,
    ServicePrincipalType,
    AlternativeNames,
    DisplayName,
    UserPrincipalName,
    ODataType,
    Members,
    IdentityProfile,
    AddonProfiles,
    AccessPolicies,
    Details,
    ManagementGroupAncestorsChain,
    IsDefault,
    Other,
}

/// Every key a record reads, lower-cased, and the field it fills.
const NAMES: [(&str, Field); 48] = [
    ("id", Field::Id),
    ("resourceid", Field::Id),
    ("name", Field::Name),
    ("resourcename", Field::Name),
    ("kind", Field::Kind),
    ("type", Field::Type),
    ("resourcetype", Field::Type),
    ("location", Field::Location),
    ("tags", Field::Tags),
    ("tag", Field::Tags),
    ("identity", Field::Identity),
    ("properties", Field::Properties),
    ("principalid", Field::PrincipalId),
    ("objectid", Field::PrincipalId),
    ("clientid", Field::ClientId),
    ("appid", Field::ClientId),
    ("tenantid", Field::TenantId),
    ("isolationscope", Field::IsolationScope),
    ("assignmentrestrictions", Field::AssignmentRestrictions),
    ("roledefinitionid", Field::RoleDefinitionId),
    ("roledefinitionname", Field::RoleDefinitionName),
    ("principalname", Field::PrincipalName),
    ("signinname", Field::PrincipalName),
    ("principaltype", Field::PrincipalType),
    ("scope", Field::Scope),
    ("condition", Field::Condition),
    ("roleassignmentid", Field::RoleAssignmentId),
    ("objecttype", Field::ObjectType),
    ("rolename", Field::RoleName),
    ("roletype", Field::RoleType),
    ("permissions", Field::Permissions),
    ("assignablescopes", Field::AssignableScopes),
    ("issuer", Field::Issuer),
    ("subject", Field::Subject),
    ("audiences", Field::Audiences),
    ("claimsmatchingexpression", Field::ClaimsMatchingExpression),
    ("serviceprincipaltype", Field::ServicePrincipalType),
    ("alternativenames", Field::AlternativeNames),
    ("displayname", Field::DisplayName),
    ("userprincipalname", Field::UserPrincipalName),
    ("@odata.type", Field::ODataType),
    ("members", Field::Members),
    ("identityprofile", Field::IdentityProfile),
    ("addonprofiles", Field::AddonProfiles),
    ("accesspolicies", Field::AccessPolicies),
    ("details", Field::Details),
    ("managementgroupancestorschain", Field::ManagementGroupAncestorsChain),
    ("isdefault", Field::IsDefault),
];

/// A key of up to 32 bytes, lower-cased, as four little-endian words (zero-padded) and its
/// length. Every key of every object is looked up, and a `match` on byte strings compared it
/// with each name of its length by a call to `memcmp` (in WebAssembly, a loop over bytes); one
/// hash and one comparison of integers instead took 5% off `read_map`'s instructions natively
/// (instructions counted by cachegrind at 100,000 resources).
#[derive(Copy, Clone, PartialEq, Eq)]
struct Packed([u64; 4], usize);

impl Packed {
    /// `key`, lower-cased, or `None` when it is longer than any name.
    const fn of(key: &[u8]) -> Option<Packed> {
        if key.len() > 32 {
            return None;
        }
        let mut bytes = [0u8; 32];
        bytes.split_at_mut(key.len()).0.copy_from_slice(key);
        bytes.make_ascii_lowercase();
        let (words, _) = bytes.as_chunks::<8>();
        let [a, b, c, d] = [words[0], words[1], words[2], words[3]];
        Some(Packed(
            [u64::from_le_bytes(a), u64::from_le_bytes(b), u64::from_le_bytes(c), u64::from_le_bytes(d)],
            key.len(),
        ))
    }

    /// Where this key goes in a table of `1 << BITS` slots, for `multiplier`.
    const fn slot(self, multiplier: u64) -> usize {
        let [a, b, c, d] = self.0;
        let mixed = a ^ b.rotate_left(17) ^ c.rotate_left(31) ^ d.rotate_left(47) ^ self.1 as u64;
        (mixed.wrapping_mul(multiplier) >> (64 - BITS)) as usize
    }
}

/// The table has 512 slots: room enough that a multiplier spreading the names without a
/// collision is found among the first few tried (for 48 names, one in nine spreads them).
const BITS: u32 = 9;

/// The names packed, in the order of [`NAMES`].
const PACKED: [Packed; NAMES.len()] = {
    let mut packed = [Packed([0; 4], 0); NAMES.len()];
    let mut at = 0;
    while at < NAMES.len() {
        let Some(name) = Packed::of(NAMES[at].0.as_bytes()) else { panic!("a name longer than 32 bytes") };
        packed[at] = name;
        at += 1;
    }
    packed
};

/// A perfect hash of the names, found when compiling: the multiplier, and per slot one more
/// than the index of the name [`Packed::slot`] puts there (0 for none). A key is then one
/// multiplication and one comparison away from its field.
const TABLE: (u64, [u8; 1 << BITS]) = {
    let mut multiplier: u64 = 0x9E37_79B9_7F4A_7C15;
    loop {
        let mut table = [0u8; 1 << BITS];
        let mut at = 0;
        while at < NAMES.len() && table[PACKED[at].slot(multiplier)] == 0 {
            table[PACKED[at].slot(multiplier)] = at as u8 + 1;
            at += 1;
        }
        if at == NAMES.len() {
            break (multiplier, table);
        }
        multiplier = multiplier.wrapping_add(0x6A09_E667_F3BC_C909) | 1;
    }
};

/// Maps a key, in any case, to the field it fills.
fn field(key: &str) -> Field {
    let Some(packed) = Packed::of(key.as_bytes()) else { return Field::Other };
    let at = TABLE.1[packed.slot(TABLE.0)] as usize;
    match at.checked_sub(1) {
        Some(at) if PACKED[at] == packed => NAMES[at].1,
        _ => Field::Other,
    }
}

/// A JSON string, borrowed from the input unless it holds escapes. (serde's own `Cow` impl
/// always copies; this is the hot path of every import.)
pub struct Str<'a>(pub Cow<'a, str>);

impl<'de: 'a, 'a> Deserialize<'de> for Str<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Str<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Str(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Str(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
                Ok(Str(Cow::Owned(v)))
            }
        }
        deserializer.deserialize_str(V)
    }
}

/// A JSON object read as its `(key, value)` pairs in input order, keys borrowed.
pub struct Pairs<'a, V>(pub Vec<(Str<'a>, V)>);

impl<'de: 'a, 'a, V: Deserialize<'de>> Deserialize<'de> for Pairs<'a, V> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Vis<V>(std::marker::PhantomData<V>);
        impl<'de, V: Deserialize<'de>> Visitor<'de> for Vis<V> {
            type Value = Pairs<'de, V>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut pairs = Vec::with_capacity(map.size_hint().unwrap_or(4));
                while let Some(entry) = map.next_entry::<Str<'de>, V>()? {
                    pairs.push(entry);
                }
                Ok(Pairs(pairs))
            }
        }
        deserializer.deserialize_map(Vis(std::marker::PhantomData))
    }
}

/// A string, or `null`; numbers and booleans are read as their text (PowerShell writes some
/// enums as numbers); arrays and objects are skipped.
pub struct Lenient<'a>(pub Text<'a>);

impl<'de: 'a, 'a> Deserialize<'de> for Lenient<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Lenient<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string or null")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Lenient(Some(Cow::Borrowed(v))))
            }
            fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Lenient(Some(Cow::Owned(v.to_owned()))))
            }
            fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
                Ok(Lenient(Some(Cow::Owned(v))))
            }
            fn visit_unit<E>(self) -> Result<Self::Value, E> {
                Ok(Lenient(None))
            }
            fn visit_none<E>(self) -> Result<Self::Value, E> {
                Ok(Lenient(None))
            }
            fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
                Ok(Lenient(Some(Cow::Owned(v.to_string()))))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
                Ok(Lenient(Some(Cow::Owned(v.to_string()))))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
                Ok(Lenient(Some(Cow::Owned(v.to_string()))))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
                Ok(Lenient(Some(Cow::Owned(v.to_string()))))
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Lenient(None))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Lenient(None))
            }
        }
        deserializer.deserialize_any(V)
    }
}

/// A raw value, with `null` read as absent.
fn raw<'de, A: MapAccess<'de>>(map: &mut A) -> Result<Option<&'de RawValue>, A::Error> {
    let value: &'de RawValue = map.next_value()?;
    Ok((value.get() != "null").then_some(value))
}

/// An element of a list: an object read as a [`Record`], or anything else, skipped.
pub enum Element<'a> {
    /// An object.
    Object(Box<Record<'a>>),
    /// A string, number, array, boolean or null.
    Other,
}

impl<'de> Deserialize<'de> for Element<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Element<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                read_map(map).map(|r| Element::Object(Box::new(r)))
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Element::Other)
            }
            fn visit_borrowed_str<E>(self, _: &'de str) -> Result<Self::Value, E> {
                Ok(Element::Other)
            }
            fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
                Ok(Element::Other)
            }
            fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
                Ok(Element::Other)
            }
            fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
                Ok(Element::Other)
            }
            fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
                Ok(Element::Other)
            }
            fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
                Ok(Element::Other)
            }
            fn visit_unit<E>(self) -> Result<Self::Value, E> {
                Ok(Element::Other)
            }
        }
        deserializer.deserialize_any(V)
    }
}

impl<'de> Deserialize<'de> for Record<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Record<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Record<'de>, A::Error> {
                read_map(map)
            }
        }
        deserializer.deserialize_map(V)
    }
}

/// Reads an object's fields into a record, skipping every key Blastmap does not use.
fn read_map<'de, A: MapAccess<'de>>(mut map: A) -> Result<Record<'de>, A::Error> {
    let mut r = Record::default();
    while let Some(Str(key)) = map.next_key::<Str<'de>>()? {
        let text = |map: &mut A| map.next_value::<Lenient<'de>>().map(|l| l.0);
        // The first spelling of a field wins over later ones (`Id` and `ResourceId`
        // both present in PowerShell output, say).
        macro_rules! set_text {
            ($slot:expr) => {{
                let value = text(&mut map)?;
                if $slot.is_none() {
                    $slot = value;
                }
            }};
        }
        macro_rules! set_raw {
            ($slot:expr) => {{
                let value = raw(&mut map)?;
                if $slot.is_none() {
                    $slot = value;
                }
            }};
        }
        match field(&key) {
            Field::Id => set_text!(r.id),
            Field::Name => set_text!(r.name),
            Field::Kind => set_text!(r.kind_),
            Field::Type => set_text!(r.resource_type),
            Field::Location => set_text!(r.location),
            Field::Tags => set_raw!(r.tags),
            Field::Identity => set_raw!(r.identity),
            Field::Properties => set_raw!(r.properties),
            Field::PrincipalId => set_text!(r.principal_id),
            Field::ClientId => set_text!(r.client_id),
            Field::TenantId => set_text!(r.tenant_id),
            Field::IsolationScope => set_text!(r.isolation_scope),
            Field::AssignmentRestrictions => set_raw!(r.assignment_restrictions),
            Field::RoleDefinitionId => set_text!(r.role_definition_id),
            Field::RoleDefinitionName => set_text!(r.role_definition_name),
            Field::PrincipalName => set_text!(r.principal_name),
            Field::PrincipalType => set_text!(r.principal_type),
            Field::Scope => set_text!(r.scope),
            Field::Condition => set_text!(r.condition),
            Field::RoleAssignmentId => set_text!(r.role_assignment_id),
            Field::ObjectType => set_text!(r.object_type),
            Field::RoleName => set_text!(r.role_name),
            Field::RoleType => set_text!(r.role_type),
            Field::Permissions => set_raw!(r.permissions),
            Field::AssignableScopes => set_raw!(r.assignable_scopes),
            Field::Issuer => set_text!(r.issuer),
            Field::Subject => set_text!(r.subject),
            Field::Audiences => set_raw!(r.audiences),
            Field::ClaimsMatchingExpression => set_raw!(r.claims_matching_expression),
            Field::ServicePrincipalType => set_text!(r.service_principal_type),
            Field::AlternativeNames => set_raw!(r.alternative_names),
            Field::DisplayName => set_text!(r.display_name),
            Field::UserPrincipalName => set_text!(r.user_principal_name),
            Field::ODataType => set_text!(r.odata_type),
            Field::Members => set_raw!(r.members),
            Field::IdentityProfile => set_raw!(r.identity_profile),
            Field::AddonProfiles => set_raw!(r.addon_profiles),
            Field::AccessPolicies => set_raw!(r.access_policies),
            Field::Details => set_raw!(r.details),
            Field::ManagementGroupAncestorsChain => set_raw!(r.management_group_ancestors_chain),
            Field::IsDefault => set_raw!(r.is_default),
            Field::Other => {
                map.next_value::<IgnoredAny>()?;
            }
        }
    }
    Ok(r)
}

impl<'a> Record<'a> {
    /// Fills every field this record lacks from `other` (the `properties` of the same object).
    pub fn complete_from(&mut self, other: Record<'a>) {
        macro_rules! fill {
            ($($f:ident),*) => { $( if self.$f.is_none() { self.$f = other.$f; } )* };
        }
        fill!(
            id,
            name,
            kind_,
            resource_type,
            location,
            tags,
            identity,
            principal_id,
            client_id,
            tenant_id,
            isolation_scope,
            assignment_restrictions,
            role_definition_id,
            role_definition_name,
            principal_name,
            principal_type,
            scope,
            condition,
            role_assignment_id,
            object_type,
            role_name,
            role_type,
            permissions,
            assignable_scopes,
            issuer,
            subject,
            audiences,
            claims_matching_expression,
            service_principal_type,
            alternative_names,
            display_name,
            user_principal_name,
            odata_type,
            members,
            identity_profile,
            addon_profiles,
            access_policies,
            details,
            management_group_ancestors_chain,
            is_default
        );
    }
}

/// True when a raw value is a string that PowerShell's `ConvertTo-Json` left in place of an
/// object it did not descend into (its default depth is 2): `"@{type=UserAssigned; ...}"`.
pub fn truncated_by_powershell(value: &RawValue) -> bool {
    value.get().starts_with("\"@{")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_finds_its_field_and_nothing_else_does() {
        for (name, expected) in NAMES {
            assert_eq!(field(name), expected, "{name}");
            assert_eq!(field(&name.to_ascii_uppercase()), expected, "{name} in upper case");
            for other in [format!("{name}x"), format!("{name}\0"), format!("x{name}"), name[1..].to_owned()] {
                assert!(NAMES.iter().any(|(n, _)| *n == other) || field(&other) == Field::Other, "{other:?}");
            }
        }
        assert_eq!(field(""), Field::Other);
        assert_eq!(field(&"a".repeat(33)), Field::Other);
        assert_eq!(field("managementgroupancestorschain!!!!"), Field::Other, "32 bytes, not a name");
    }

    #[test]
    fn keys_match_in_any_case_and_unknown_keys_are_skipped() {
        let text = r#"{"PrincipalId": "p", "ROLEDEFINITIONID": "r", "Scope": "/", "extra": {"deep": [1, 2]},
                      "properties": {"clientId": "c"}, "tags": null, "ObjectType": "Unknown"}"#;
        let record: Record<'_> = serde_json::from_str(text).unwrap();
        assert_eq!(record.principal_id.as_deref(), Some("p"));
        assert_eq!(record.role_definition_id.as_deref(), Some("r"));
        assert_eq!(record.scope.as_deref(), Some("/"));
        assert_eq!(record.object_type.as_deref(), Some("Unknown"));
        assert!(record.tags.is_none(), "null is absent");
        assert_eq!(record.properties.unwrap().get(), r#"{"clientId": "c"}"#);
    }

    #[test]
    fn properties_complete_the_top_level() {
        let text = r#"{"id": "x", "properties": {"principalId": "p", "id": "ignored"}}"#;
        let mut record: Record<'_> = serde_json::from_str(text).unwrap();
        let inner: Record<'_> = serde_json::from_str(record.properties.unwrap().get()).unwrap();
        record.complete_from(inner);
        assert_eq!(record.id.as_deref(), Some("x"));
        assert_eq!(record.principal_id.as_deref(), Some("p"));
    }

    #[test]
    fn lenient_text_reads_numbers_and_ignores_structures() {
        let record: Record<'_> = serde_json::from_str(r#"{"name": 3, "kind": {"a": 1}, "type": [1]}"#).unwrap();
        assert_eq!(record.name.as_deref(), Some("3"));
        assert_eq!(record.kind_, None);
        assert_eq!(record.resource_type, None);
    }

    #[test]
    fn powershell_depth_truncation_is_recognised() {
        let record: Record<'_> =
            serde_json::from_str(r#"{"identity": "@{type=UserAssigned; userAssignedIdentities=}"}"#).unwrap();
        assert!(truncated_by_powershell(record.identity.unwrap()));
    }
}
