//! Benchmark page (a): MQTT Deck's client core and driver alone, no UI. Connects,
//! subscribes, counts messages and reports through `window.deckBench` for bench/run.mjs.

#[cfg(target_arch = "wasm32")]
fn main() {
    use std::cell::RefCell;
    use std::rc::Rc;

    use js_sys::{Object, Reflect};
    use mqtt_deck::model::settings::parse_version;
    use mqtt_deck::mqtt::{Event, Options, QoS, Version};
    use mqtt_deck::web::{page, Driver};
    use wasm_bindgen::JsValue;

    let pairs = page::query_pairs();
    let get = |key: &str| pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone());
    let url = get("url").unwrap_or_else(|| "ws://127.0.0.1:18831".into());
    let filter = get("filter").unwrap_or_else(|| "bench/#".into());
    let version = get("version")
        .and_then(|v| parse_version(&v))
        .unwrap_or(Version::V5);

    let report = Object::new();
    let set = move |key: &str, value: JsValue| {
        let _ = Reflect::set(&report, &key.into(), &value);
        if let Some(w) = web_sys::window() {
            let _ = Reflect::set(&w, &"deckBench".into(), &report);
        }
    };
    set("ready", false.into());
    set("count", 0.into());

    // Counting stays in Rust; the page object is touched every 1,000 messages only.
    let count = Rc::new(RefCell::new(0u64));
    let sink = {
        let set = set.clone();
        move |event: Event| match event {
            Event::Message(_) => {
                let mut c = count.borrow_mut();
                *c += 1;
                if *c == 1 {
                    set("firstMs", now().into());
                }
                if c.is_multiple_of(1000) {
                    set("lastMs", now().into());
                    set("count", (*c as f64).into());
                }
            }
            Event::Subscribed { result: Ok(_), .. } => set("ready", true.into()),
            Event::Disconnected { error: Some(e), .. } => set("error", e.to_string().into()),
            _ => {}
        }
    };
    let driver = Driver::new(sink);
    let opts = Options {
        version,
        client_id: format!("bench-core-{}", page::random_seed() % 1_000_000),
        ..Options::default()
    };
    if let Err(e) = driver
        .connect(&url, opts)
        .and_then(|_| driver.subscribe(&filter, QoS::AtMostOnce))
    {
        set("error", e.to_string().into());
    }
    // The page lives as long as the tab: keep the driver.
    std::mem::forget(driver);

    fn now() -> f64 {
        web_sys::window()
            .and_then(|w| w.performance())
            .map(|p| p.now())
            .unwrap_or(0.0)
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("bench_core is a browser page: see bench/README in BENCHMARKS.md");
}
