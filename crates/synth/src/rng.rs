//! The seeded random source and the few sampling helpers the generator needs.
//!
//! Everything random in the tenant comes from one [`ChaCha8Rng`] seeded with
//! [`SeedableRng::seed_from_u64`], consumed in a fixed order, so a seed fully
//! determines the output on every platform (ChaCha's stream is specified, unlike
//! `StdRng`'s). The helpers avoid floating-point sampling where an integer will do,
//! and never iterate a hash map.

use std::fmt;

use rand_chacha::ChaCha8Rng;
use rand_core::{RngCore, SeedableRng};

/// A deterministic random source with the sampling helpers used by the generator.
pub(crate) struct Rng {
    inner: ChaCha8Rng,
}

impl Rng {
    /// A generator seeded from `seed`.
    pub(crate) fn new(seed: u64) -> Self {
        Self { inner: ChaCha8Rng::seed_from_u64(seed) }
    }

    /// A uniformly random `u64`.
    pub(crate) fn next_u64(&mut self) -> u64 {
        self.inner.next_u64()
    }

    /// A uniform integer in `0..n` (`0` when `n` is `0`), by widening multiply.
    pub(crate) fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            return 0;
        }
        let wide = u128::from(self.next_u64()) * n as u128;
        (wide >> 64) as usize
    }

    /// A uniform integer in `lo..=hi`.
    pub(crate) fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi.saturating_sub(lo) + 1)
    }

    /// `true` with probability `per_mille / 1000`.
    pub(crate) fn chance(&mut self, per_mille: u32) -> bool {
        self.below(1000) < per_mille as usize
    }

    /// A uniformly chosen element of a non-empty slice.
    pub(crate) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// An index chosen with the given integer weights (`0` when all are zero).
    pub(crate) fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u64 = weights.iter().map(|&w| u64::from(w)).sum();
        if total == 0 {
            return 0;
        }
        let mut roll = self.below(total as usize) as u64;
        for (i, &w) in weights.iter().enumerate() {
            if roll < u64::from(w) {
                return i;
            }
            roll -= u64::from(w);
        }
        weights.len() - 1
    }

    /// The value of a `(value, weight)` table chosen by weight.
    pub(crate) fn weighted_of<T: Copy>(&mut self, table: &[(T, u32)]) -> T {
        let mut total = 0u64;
        for &(_, w) in table {
            total += u64::from(w);
        }
        let mut roll = self.below(total as usize) as u64;
        for &(value, w) in table {
            if roll < u64::from(w) {
                return value;
            }
            roll -= u64::from(w);
        }
        table[table.len() - 1].0
    }

    /// Rounds `numerator / denominator` up or down at random, in proportion to the
    /// remainder, so that sums of many rounded shares stay close to the exact sum.
    pub(crate) fn share(&mut self, numerator: usize, denominator: usize) -> usize {
        if denominator == 0 {
            return 0;
        }
        let whole = numerator / denominator;
        let rest = numerator % denominator;
        whole + usize::from(self.below(denominator) < rest)
    }

    /// Shuffles a slice in place (Fisher-Yates).
    pub(crate) fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i + 1);
            items.swap(i, j);
        }
    }

    /// A version-4 GUID, lower-case `8-4-4-4-12` hex, as Entra ID and ARM print them.
    pub(crate) fn guid(&mut self) -> String {
        let hi = self.next_u64();
        let lo = self.next_u64();
        let mut bytes = [0u8; 16];
        bytes[..8].copy_from_slice(&hi.to_be_bytes());
        bytes[8..].copy_from_slice(&lo.to_be_bytes());
        bytes[6] = (bytes[6] & 0x0f) | 0x40;
        bytes[8] = (bytes[8] & 0x3f) | 0x80;
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut out = String::with_capacity(36);
        for (i, b) in bytes.iter().enumerate() {
            if matches!(i, 4 | 6 | 8 | 10) {
                out.push('-');
            }
            out.push(HEX[usize::from(b >> 4)] as char);
            out.push(HEX[usize::from(b & 0x0f)] as char);
        }
        out
    }

    /// `len` random lower-case hex digits (disk-name suffixes and the like).
    pub(crate) fn hex(&mut self, len: usize) -> String {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        (0..len).map(|_| HEX[self.below(16)] as char).collect()
    }

    /// A random instant between `from_day` and `to_day` (days since 1970-01-01), as
    /// whole seconds since the epoch plus microseconds.
    pub(crate) fn instant(&mut self, from_day: i64, to_day: i64) -> Instant {
        let span = (to_day - from_day).max(1) as usize;
        let day = from_day + self.below(span) as i64;
        let secs = day * 86_400 + self.below(86_400) as i64;
        Instant { secs, micros: self.below(1_000_000) as u32 }
    }
}

/// A point in time with microsecond precision, formatted the way az and ARM do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Instant {
    secs: i64,
    micros: u32,
}

impl Instant {
    /// Midnight (UTC) of a day counted from 1970-01-01.
    pub(crate) fn at_day(day: i64) -> Self {
        Self { secs: day * 86_400, micros: 0 }
    }

    /// Whole seconds since the epoch.
    pub(crate) fn secs(self) -> i64 {
        self.secs
    }

    /// This instant plus a number of seconds.
    pub(crate) fn plus_secs(self, secs: i64) -> Self {
        Self { secs: self.secs + secs, micros: self.micros }
    }

    /// `2024-07-16T23:03:23.924511+00:00`: what the az CLI prints for Python datetimes
    /// (role assignments' `createdOn`, resources' `createdTime`).
    pub(crate) fn az(self) -> Stamp {
        Stamp { at: self, arm: false }
    }

    /// `2024-07-16T23:03:23.9245110Z`: what ARM returns in `systemData` (7 digits).
    pub(crate) fn arm(self) -> Stamp {
        Stamp { at: self, arm: true }
    }

    fn parts(self) -> (i64, u32, u32, u32, u32, u32) {
        let days = self.secs.div_euclid(86_400);
        let rem = self.secs.rem_euclid(86_400) as u32;
        let (y, m, d) = civil_from_days(days);
        (y, m, d, rem / 3600, (rem % 3600) / 60, rem % 60)
    }
}

/// A formatted timestamp, written without an intermediate `String` (it serializes as
/// a JSON string).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Stamp {
    at: Instant,
    arm: bool,
}

impl fmt::Display for Stamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, mo, d, h, mi, s) = self.at.parts();
        let micros = self.at.micros;
        write!(f, "{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{micros:06}")?;
        f.write_str(if self.arm { "0Z" } else { "+00:00" })
    }
}

impl serde::Serialize for Stamp {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Days since 1970-01-01 → (year, month, day), proleptic Gregorian (H. Hinnant).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Days since the epoch of a calendar date (inverse of [`civil_from_days`]).
pub(crate) const fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calendar_round_trips() {
        for days in [-1000, 0, 59, 60, 365, 19_000, 20_000, 20_454] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, i64::from(m), i64::from(d)), days);
        }
        assert_eq!(civil_from_days(days_from_civil(2024, 2, 29)), (2024, 2, 29));
        let t = Instant { secs: days_from_civil(2024, 7, 16) * 86_400 + 23 * 3600 + 3 * 60 + 23, micros: 924_511 };
        assert_eq!(t.az().to_string(), "2024-07-16T23:03:23.924511+00:00");
        assert_eq!(t.arm().to_string(), "2024-07-16T23:03:23.9245110Z");
    }

    #[test]
    fn guid_shape() {
        let mut rng = Rng::new(7);
        let g = rng.guid();
        assert_eq!(g.len(), 36);
        assert_eq!(&g[14..15], "4");
        assert!(g.chars().all(|c| c == '-' || c.is_ascii_hexdigit()));
        assert!(!g.chars().any(|c| c.is_ascii_uppercase()));
    }

    #[test]
    fn share_is_unbiased_on_exact_division() {
        let mut rng = Rng::new(1);
        assert_eq!(rng.share(100, 10), 10);
        let total: usize = (0..1000).map(|_| rng.share(15, 100)).sum();
        assert!((100..=200).contains(&total), "{total}");
    }
}
