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

/// The scroll position that brings row `index` into sight in an area `height` pixels tall,
/// scrolled by `scroll_top`, under a sticky header `header` pixels tall, moving as little as
/// possible; `None` when the row is in sight already.
pub fn follow(index: usize, scroll_top: f64, height: f64, row_height: f64, header: f64) -> Option<f64> {
    let top = index as f64 * row_height;
    let bottom = top + row_height + header;
    if top < scroll_top {
        Some(top)
    } else if bottom > scroll_top + height {
        Some(bottom - height)
    } else {
        None
    }
}

/// The position after (or before) `current` among the sorted `positions` a keyboard can stop
/// at, staying at the ends; the first (or last) when there is no current one.
pub fn step(positions: &[usize], current: Option<usize>, forward: bool) -> Option<usize> {
    let Some(current) = current else {
        return if forward { positions.first() } else { positions.last() }.copied();
    };
    if forward {
        positions.iter().copied().find(|&p| p > current).or(Some(current))
    } else {
        positions.iter().rev().copied().find(|&p| p < current).or(Some(current))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn following_the_keyboard_scrolls_as_little_as_possible() {
        // Rows of 40 px in a 400 px area under a 40 px header: rows 0..9 fit.
        assert_eq!(follow(3, 0.0, 400.0, 40.0, 40.0), None);
        assert_eq!(follow(8, 0.0, 400.0, 40.0, 40.0), None);
        assert_eq!(follow(9, 0.0, 400.0, 40.0, 40.0), Some(40.0), "one row down");
        assert_eq!(follow(2, 200.0, 400.0, 40.0, 40.0), Some(80.0), "up to the row's top");
        assert_eq!(follow(500, 0.0, 400.0, 40.0, 0.0), Some(19_640.0), "a jump to the end");
    }

    #[test]
    fn steps_skip_what_the_keyboard_cannot_stop_at() {
        let positions = [1, 2, 4];
        assert_eq!(step(&positions, None, true), Some(1));
        assert_eq!(step(&positions, None, false), Some(4));
        assert_eq!(step(&positions, Some(2), true), Some(4), "3 is a heading");
        assert_eq!(step(&positions, Some(4), true), Some(4), "stays at the end");
        assert_eq!(step(&positions, Some(1), false), Some(1));
        assert_eq!(step(&[], None, true), None);
    }

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
