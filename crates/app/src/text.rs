//! Words for numbers and kinds.

use blastmap_analysis::NodeKind;
use blastmap_model::{PrincipalKind, arm::ScopeLevel};

/// `1 file`, `3 files`, `20,000 resources`.
pub fn count(n: usize, one: &str, many: &str) -> String {
    if n == 1 { format!("1 {one}") } else { format!("{} {many}", number(n)) }
}

/// `950`, `20,000`, `1,234,567`: digits grouped by thousands, as the page's English reads.
pub fn number(n: usize) -> String {
    let digits = n.to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    grouped
}

/// What a node is, for people.
pub fn kind_name(kind: NodeKind) -> &'static str {
    match kind {
        NodeKind::Principal(PrincipalKind::User) => "user",
        NodeKind::Principal(PrincipalKind::Group) => "group",
        NodeKind::Principal(PrincipalKind::ForeignGroup) => "foreign group",
        NodeKind::Principal(PrincipalKind::ServicePrincipal) => "service principal",
        NodeKind::Principal(PrincipalKind::ManagedIdentity) => "managed identity",
        NodeKind::Principal(PrincipalKind::Device) => "device",
        NodeKind::Principal(PrincipalKind::Unknown) => "principal of unknown type",
        NodeKind::Pipeline => "federated workload",
        NodeKind::Source => "source resource",
        NodeKind::UserAssignedIdentity => "user-assigned identity",
        NodeKind::SystemIdentity => "system-assigned identity",
        NodeKind::Target(ScopeLevel::Root) => "tenant root",
        NodeKind::Target(ScopeLevel::ManagementGroup) => "management group",
        NodeKind::Target(ScopeLevel::Subscription) => "subscription",
        NodeKind::Target(ScopeLevel::ResourceGroup) => "resource group",
        NodeKind::Target(ScopeLevel::Resource) => "resource",
    }
}

/// Text with `backtick` spans (commands in a fix) split out: `(text, is_code)` pieces.
pub fn code_spans(text: &str) -> Vec<(&str, bool)> {
    text.split('`').enumerate().filter(|(_, piece)| !piece.is_empty()).map(|(i, piece)| (piece, i % 2 == 1)).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn commands_in_backticks_are_code() {
        assert_eq!(super::code_spans("Run `az x` now."), [("Run ", false), ("az x", true), (" now.", false)]);
        assert_eq!(super::code_spans("plain"), [("plain", false)]);
        assert_eq!(super::code_spans("`a` and `b`"), [("a", true), (" and ", false), ("b", true)]);
    }

    #[test]
    fn kinds_read_as_words() {
        use blastmap_analysis::NodeKind;
        assert_eq!(super::kind_name(NodeKind::UserAssignedIdentity), "user-assigned identity");
        assert_eq!(super::kind_name(NodeKind::Target(blastmap_model::arm::ScopeLevel::Subscription)), "subscription");
    }

    #[test]
    fn singular_and_plural() {
        assert_eq!(super::count(1, "identity", "identities"), "1 identity");
        assert_eq!(super::count(0, "identity", "identities"), "0 identities");
        assert_eq!(super::count(2, "file", "files"), "2 files");
        assert_eq!(super::count(200_000, "role assignment", "role assignments"), "200,000 role assignments");
    }

    #[test]
    fn digits_group_by_thousands() {
        let cases = [
            (0, "0"),
            (999, "999"),
            (1000, "1,000"),
            (20_000, "20,000"),
            (100_072, "100,072"),
            (1_234_567, "1,234,567"),
        ];
        for (n, text) in cases {
            assert_eq!(super::number(n), text);
        }
    }
}
