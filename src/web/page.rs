//! Page services: clocks, the query string, localStorage, animation frames and the page's width.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

thread_local! {
    // Looked up once: the driver reads the clock for every WebSocket message.
    static PERFORMANCE: Option<web_sys::Performance> = web_sys::window().and_then(|w| w.performance());
}

/// Monotonic milliseconds for the session's deadlines.
pub fn now_ms() -> u64 {
    PERFORMANCE.with(|p| p.as_ref().map_or(0, |p| p.now() as u64))
}

/// Wall-clock milliseconds since the Unix epoch, for message times.
pub fn wall_ms() -> f64 {
    js_sys::Date::now()
}

/// A random seed for reconnect jitter.
/// Fills `out` from the browser's cryptographic generator; false where there is none.
pub fn random_bytes(out: &mut [u8]) -> bool {
    web_sys::window()
        .and_then(|w| w.crypto().ok())
        .is_some_and(|c| c.get_random_values_with_u8_array(out).is_ok())
}

pub fn random_seed() -> u64 {
    (js_sys::Math::random() * u64::MAX as f64) as u64
}

/// True when the page was loaded over `https://` (browsers then refuse `ws://` sockets).
pub fn page_is_https() -> bool {
    web_sys::window()
        .and_then(|w| w.location().protocol().ok())
        .is_some_and(|p| p == "https:")
}

/// True when the page is as narrow as a phone: the width at which the stylesheet switches to its
/// phone layout (`max-width: 720px` in static/style.css), where controls get touch sizes.
pub fn narrow() -> bool {
    web_sys::window()
        .and_then(|w| w.inner_width().ok())
        .and_then(|w| w.as_f64())
        .is_some_and(|w| w <= 720.0)
}

/// The page's address, for links that open the app.
pub fn page_url() -> String {
    web_sys::window()
        .and_then(|w| w.location().href().ok())
        .unwrap_or_default()
}

/// Decoded `key=value` pairs of the page's query string, repeats kept in order.
pub fn query_pairs() -> Vec<(String, String)> {
    let search = web_sys::window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default();
    let Ok(params) = web_sys::UrlSearchParams::new_with_str(&search) else {
        return Vec::new();
    };
    let mut pairs = Vec::new();
    if let Ok(Some(iter)) = js_sys::try_iter(&params) {
        for entry in iter.flatten() {
            let entry: js_sys::Array = entry.unchecked_into();
            let key = entry.get(0).as_string().unwrap_or_default();
            let value = entry.get(1).as_string().unwrap_or_default();
            pairs.push((key, value));
        }
    }
    pairs
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

pub fn load(key: &str) -> Option<String> {
    storage()?.get_item(key).ok().flatten()
}

/// Saves a value; private browsing or a full quota is reported, not fatal.
pub fn save(key: &str, value: &str) -> Result<(), String> {
    let storage = storage().ok_or("This browser does not allow local storage")?;
    storage
        .set_item(key, value)
        .map_err(|_| "Could not save settings: storage is full or blocked".to_string())
}

/// Reads a file the user chose as text and hands it to `done` (`None` when the browser
/// could not read it). A FileReader with one callback: no futures executor in the bundle.
pub fn read_text(file: &web_sys::File, done: impl FnOnce(Option<String>) + 'static) {
    let Ok(reader) = web_sys::FileReader::new() else {
        return done(None);
    };
    let target = reader.clone();
    let onloadend = Closure::once_into_js(move || done(target.result().ok().and_then(|r| r.as_string())));
    reader.set_onloadend(Some(onloadend.unchecked_ref()));
    if reader.read_as_text(file).is_err() {
        reader.set_onloadend(None);
    }
}

/// Runs `f` once before the next repaint.
pub fn on_next_frame(f: impl FnOnce() + 'static) {
    let Some(window) = web_sys::window() else { return };
    let closure = Closure::once_into_js(f);
    let _ = window.request_animation_frame(closure.unchecked_ref());
}

/// Offers `text` to the user as a file download.
pub fn download(filename: &str, mime: &str, text: &str) -> Result<(), String> {
    let fail = |what: &str| format!("Could not export: {what}");
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type(mime);
    let blob =
        web_sys::Blob::new_with_str_sequence_and_options(&parts, &opts).map_err(|_| fail("no Blob"))?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(|_| fail("no object URL"))?;
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or_else(|| fail("no document"))?;
    let anchor: web_sys::HtmlAnchorElement = document
        .create_element("a")
        .map_err(|_| fail("no anchor"))?
        .unchecked_into();
    anchor.set_href(&url);
    anchor.set_download(filename);
    anchor.click();
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(())
}

/// Copies text to the clipboard; browsers may refuse outside a user gesture.
pub fn copy_text(text: &str) {
    if let Some(w) = web_sys::window() {
        let _ = w.navigator().clipboard().write_text(text);
    }
}
