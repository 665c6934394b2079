//! The Theme control: Auto (the system's choice), Light or Dark. Kept in localStorage and
//! applied as `data-theme` on the root element; `index.html` applies it again before the
//! first paint, so a reload never flashes the other theme.

use yew::prelude::*;

use super::fields::{select, SelectProps};
use crate::web::page::{load, save};

const KEY: &str = "mqtt-deck.theme";

/// A plain function, not a component: the root element's `data-theme` is the state, set
/// before the first paint and on every change, so the control reads it back on each render.
pub fn theme_choice() -> Html {
    let theme = match root().and_then(|r| r.get_attribute("data-theme")).as_deref() {
        Some(t @ ("light" | "dark")) => t.to_string(),
        _ => "auto".to_string(),
    };
    let on_change = Callback::from(move |choice: String| choose(&choice));
    let options = vec![
        ("auto".into(), "Auto".into()),
        ("light".into(), "Light".into()),
        ("dark".into(), "Dark".into()),
    ];
    html! {
        <section class="panel theme" aria-label="Appearance">
            { select(SelectProps::new("theme", "Theme", options, theme, on_change)) }
        </section>
    }
}

fn root() -> Option<web_sys::Element> {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
}

/// The stored choice, if one was made.
pub fn stored() -> Option<String> {
    load(KEY)
}

/// Applies a choice and keeps it.
pub fn choose(choice: &str) {
    apply(choice);
    // Blocked storage only means the choice lasts until the page is closed.
    let _ = save(KEY, choice);
}

fn apply(theme: &str) {
    if let Some(root) = root() {
        let _ = match theme {
            "light" | "dark" => root.set_attribute("data-theme", theme),
            _ => root.remove_attribute("data-theme"),
        };
    }
}
