//! Light and dark: the system's preference until the person picks one, which is remembered.

use gloo::events::EventListener;
use yew::prelude::*;

/// Where the choice is remembered.
const STORAGE_KEY: &str = "blastmap-theme";
const DARK_QUERY: &str = "(prefers-color-scheme: dark)";

/// The theme in use, and the way to switch it.
#[derive(Clone, PartialEq)]
pub struct Theme {
    /// Whether the dark theme is on.
    pub dark: bool,
    /// Switches to the other theme and remembers the choice.
    pub toggle: Callback<()>,
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// The remembered choice, if any.
fn stored() -> Option<bool> {
    match storage()?.get_item(STORAGE_KEY).ok()??.as_str() {
        "dark" => Some(true),
        "light" => Some(false),
        _ => None,
    }
}

fn system_prefers_dark() -> bool {
    web_sys::window().and_then(|w| w.match_media(DARK_QUERY).ok()?).is_some_and(|q| q.matches())
}

/// The theme, applied to the page as `data-theme` on `<html>` (the style sheet keys on it).
#[hook]
pub fn use_theme() -> Theme {
    let dark = use_state(|| stored().unwrap_or_else(system_prefers_dark));
    {
        let dark = *dark;
        use_effect_with(dark, move |&dark| {
            if let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) {
                let _ = root.set_attribute("data-theme", if dark { "dark" } else { "light" });
            }
        });
    }
    // Follow the system while the person has not chosen.
    {
        let dark = dark.clone();
        use_effect_with((), move |()| {
            let query = web_sys::window().and_then(|w| w.match_media(DARK_QUERY).ok()?);
            let listener = query.map(|query| {
                let target = query.clone();
                EventListener::new(&query, "change", move |_| {
                    if stored().is_none() {
                        dark.set(target.matches());
                    }
                })
            });
            move || drop(listener)
        });
    }
    let toggle = {
        let dark = dark.clone();
        Callback::from(move |()| {
            let next = !*dark;
            if let Some(storage) = storage() {
                let _ = storage.set_item(STORAGE_KEY, if next { "dark" } else { "light" });
            }
            dark.set(next);
        })
    };
    Theme { dark: *dark, toggle }
}
