//! `uniqueString` and `guid`, computed as ARM computes them, so names built from them match
//! what a deployment would create.

/// ARM's namespace for `guid()` (a version-5 UUID over the `-`-joined arguments, UTF-8).
const GUID_NAMESPACE: uuid::Uuid = uuid::uuid!("11fb06fb-712d-4ddd-98c7-e71bbd588830");

/// `guid(a, b, ...)`.
pub fn guid(parts: &[&str]) -> String {
    uuid::Uuid::new_v5(&GUID_NAMESPACE, parts.join("-").as_bytes()).to_string()
}

/// `uniqueString(a, b, ...)`: ARM's 64-bit Murmur variant of the `-`-joined arguments (UTF-8),
/// written as 13 base-32 characters.
pub fn unique_string(parts: &[&str]) -> String {
    const ALPHABET: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";
    let mut hash = murmur64(parts.join("-").as_bytes());
    let mut out = String::with_capacity(13);
    for _ in 0..13 {
        out.push(char::from(ALPHABET[(hash >> 59) as usize]));
        hash <<= 5;
    }
    out
}

fn le32(bytes: &[u8]) -> u32 {
    bytes.iter().rev().fold(0, |acc, &b| (acc << 8) | u32::from(b))
}

fn murmur64(data: &[u8]) -> u64 {
    const C1: u32 = 597_399_067;
    const C2: u32 = 2_869_860_233;
    let (mut h1, mut h2) = (0u32, 0u32);
    let mut blocks = data.chunks_exact(8);
    for block in &mut blocks {
        let (head, tail) = block.split_at(4);
        let k1 = le32(head).wrapping_mul(C1).rotate_left(15).wrapping_mul(C2);
        h1 = (h1 ^ k1).rotate_left(19).wrapping_add(h2).wrapping_mul(5).wrapping_add(1_444_728_091);
        let k2 = le32(tail).wrapping_mul(C2).rotate_left(17).wrapping_mul(C1);
        h2 = (h2 ^ k2).rotate_left(13).wrapping_add(h1).wrapping_mul(5).wrapping_add(197_830_471);
    }
    let rest = blocks.remainder();
    if !rest.is_empty() {
        let (head, tail) = rest.split_at(rest.len().min(4));
        h1 ^= le32(head).wrapping_mul(C1).rotate_left(15).wrapping_mul(C2);
        if !tail.is_empty() {
            h2 ^= le32(tail).wrapping_mul(C2).rotate_left(17).wrapping_mul(C1);
        }
    }
    // Lengths above 4 GiB wrap as ARM's 32-bit arithmetic does.
    let length = data.len() as u32;
    h1 ^= length;
    h2 ^= length;
    h1 = h1.wrapping_add(h2);
    h2 = h2.wrapping_add(h1);
    let mix = |mut h: u32| {
        h ^= h >> 16;
        h = h.wrapping_mul(2_246_822_507);
        h ^= h >> 13;
        h = h.wrapping_mul(3_266_489_909);
        h ^ (h >> 16)
    };
    h1 = mix(h1);
    h2 = mix(h2);
    h1 = h1.wrapping_add(h2);
    h2 = h2.wrapping_add(h1);
    (u64::from(h2) << 32) | u64::from(h1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unique_string_matches_arm() {
        // The self-test vectors of a public shell port of ARM's uniqueString(), which its author
        // checked against Bicep's own uniqueString() output.
        let cases: [(&[&str], &str); 5] = [
            (&["test"], "rbgf3xv4ufgzg"),
            (&["hello", "world"], "a7wkljktk6wne"),
            (&["abc"], "cgtzqvhu4i23s"),
            (&["/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/my-rg"], "bmg7c6xu4tw46"),
            (&["foo", "bar", "baz"], "xzi4ioaxtmth4"),
        ];
        for (parts, expected) in cases {
            assert_eq!(unique_string(parts), expected, "{parts:?}");
        }
    }

    #[test]
    fn guid_is_uuid_v5_in_the_arm_namespace() {
        // No published guid() output was found; expected values are Python's independent
        // `uuid.uuid5(UUID('11fb06fb-712d-4ddd-98c7-e71bbd588830'), 'a-b')` (the scheme several
        // public re-implementations of ARM's guid() document: UTF-8 name, `-`-joined).
        assert_eq!(guid(&["a", "b"]), "2d796349-8c7e-55ec-9624-54ece82ed031");
        assert_eq!(guid(&["x"]).len(), 36);
        assert_ne!(guid(&["a", "b"]), guid(&["a-b", ""]));
    }
}
