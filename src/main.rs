//! Entry point: renders the app into the page.

#[cfg(target_arch = "wasm32")]
fn main() {
    mqtt_deck::ui::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("MQTT Deck runs in the browser: build it with `trunk build --release`.");
}
