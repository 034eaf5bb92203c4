//! Long lists render only the rows in sight: which rows those are, and how the rows above and
//! below are stood in for.
//!
//! No element may carry a `style` attribute (the page's CSP), so a spacer cannot be given its
//! height inline. Instead it is a stack of blocks whose heights are powers of two rows, each a
//! class in `web/style.css` (`pad-0` is one row, `pad-1` two, `pad-2` four, …).

use std::ops::Range;

/// The largest block class `web/style.css` defines (`pad-23`: 2^23 rows).
pub const MAX_BLOCK: u32 = 23;

/// Rows rendered beyond each edge of the visible area, so that keyboard focus can move on
/// before the list scrolls.
pub const OVERSCAN: usize = 6;

/// The rows to render for a list of `len` rows of `row_height` pixels, scrolled by
/// `scroll_top` in an area `height` pixels tall.
pub fn window(scroll_top: f64, height: f64, row_height: f64, len: usize) -> Range<usize> {
    if len == 0 || row_height <= 0.0 {
        return 0..0;
    }
    let first = (scroll_top.max(0.0) / row_height).floor() as usize;
    let visible = (height.max(0.0) / row_height).ceil() as usize + 1;
    let start = first.saturating_sub(OVERSCAN).min(len);
    let end = first.saturating_add(visible).saturating_add(OVERSCAN).min(len);
    start..end
}

/// The block classes whose heights add up to `rows` rows: one per set bit.
pub fn spacer_blocks(rows: usize) -> Vec<u32> {
    (0..=MAX_BLOCK).filter(|bit| rows & (1usize << bit) != 0).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_covers_the_visible_rows_plus_overscan() {
        assert_eq!(window(0.0, 400.0, 40.0, 1000), 0..(11 + OVERSCAN));
        assert_eq!(window(4000.0, 400.0, 40.0, 1000), (100 - OVERSCAN)..(111 + OVERSCAN));
        assert_eq!(window(39_990.0, 400.0, 40.0, 1000), (999 - OVERSCAN)..1000, "clamped at the end");
        assert_eq!(window(0.0, 400.0, 40.0, 3), 0..3, "a short list is all in sight");
        assert_eq!(window(0.0, 400.0, 40.0, 0), 0..0);
        assert_eq!(window(1e12, 400.0, 40.0, 10), 10..10, "scrolled past the end shows nothing rather than panicking");
    }

    #[test]
    fn spacers_are_sums_of_power_of_two_blocks() {
        assert_eq!(spacer_blocks(0), Vec::<u32>::new());
        assert_eq!(spacer_blocks(1), [0]);
        assert_eq!(spacer_blocks(6), [1, 2]);
        assert_eq!(spacer_blocks(100_000).iter().map(|b| 1usize << b).sum::<usize>(), 100_000);
    }
}
