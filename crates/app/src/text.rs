//! Words for numbers.

/// `1 file`, `3 files`.
pub fn count(n: usize, one: &str, many: &str) -> String {
    if n == 1 { format!("1 {one}") } else { format!("{n} {many}") }
}

#[cfg(test)]
mod tests {
    #[test]
    fn singular_and_plural() {
        assert_eq!(super::count(1, "identity", "identities"), "1 identity");
        assert_eq!(super::count(0, "identity", "identities"), "0 identities");
        assert_eq!(super::count(2, "file", "files"), "2 files");
    }
}
