//! The Theme control: Auto (the system's choice), Light or Dark. Kept in localStorage and
//! applied as `data-theme` on the root element; `index.html` applies it again before the
//! first paint, so a reload never flashes the other theme.

use yew::prelude::*;

use super::fields::{select, SelectProps};
use crate::web::page::{load, save};

const KEY: &str = "mqtt-deck.theme";

#[function_component(ThemeChoice)]
pub fn theme_choice() -> Html {
    let theme = use_state(|| match load(KEY).as_deref() {
        Some(t @ ("light" | "dark")) => t.to_string(),
        _ => "auto".to_string(),
    });
    let on_change = {
        let theme = theme.clone();
        Callback::from(move |choice: String| {
            apply(&choice);
            // Blocked storage only means the choice lasts until the page is closed.
            let _ = save(KEY, &choice);
            theme.set(choice);
        })
    };
    let options = vec![
        ("auto".into(), "Auto".into()),
        ("light".into(), "Light".into()),
        ("dark".into(), "Dark".into()),
    ];
    html! {
        <section class="panel theme" aria-label="Appearance">
            { select(SelectProps::new("theme", "Theme", options, (*theme).clone(), on_change)) }
        </section>
    }
}

fn apply(theme: &str) {
    let root = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element());
    if let Some(root) = root {
        let _ = match theme {
            "light" | "dark" => root.set_attribute("data-theme", theme),
            _ => root.remove_attribute("data-theme"),
        };
    }
}
