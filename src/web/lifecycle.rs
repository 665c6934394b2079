//! Wake-ups: the moments a phone's page may have slept through a lost link. The network
//! came back (`online`), the tab became visible (`visibilitychange`), the page came back
//! from the back-forward cache (`pageshow`) or the window got focus (`focus`).

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

/// Listening while it lives; dropping it stops.
pub struct WakeListener {
    on_event: Closure<dyn Fn(web_sys::Event)>,
}

const WINDOW_EVENTS: [&str; 3] = ["online", "pageshow", "focus"];
const VISIBILITY: &str = "visibilitychange";

/// Calls `wake` at every wake-up (a burst of them when a phone unlocks: the core pings once).
pub fn on_wake(wake: impl Fn() + 'static) -> WakeListener {
    let on_event = Closure::<dyn Fn(web_sys::Event)>::new(move |_: web_sys::Event| {
        // Going hidden is not a wake-up; every other event here is.
        let hidden = web_sys::window()
            .and_then(|w| w.document())
            .is_some_and(|d| d.hidden());
        if !hidden {
            wake();
        }
    });
    if let Some(window) = web_sys::window() {
        for name in WINDOW_EVENTS {
            let _ = window.add_event_listener_with_callback(name, on_event.as_ref().unchecked_ref());
        }
        if let Some(document) = window.document() {
            let _ = document.add_event_listener_with_callback(VISIBILITY, on_event.as_ref().unchecked_ref());
        }
    }
    WakeListener { on_event }
}

impl Drop for WakeListener {
    fn drop(&mut self) {
        let Some(window) = web_sys::window() else { return };
        let f = self.on_event.as_ref().unchecked_ref();
        for name in WINDOW_EVENTS {
            let _ = window.remove_event_listener_with_callback(name, f);
        }
        if let Some(document) = window.document() {
            let _ = document.remove_event_listener_with_callback(VISIBILITY, f);
        }
    }
}
