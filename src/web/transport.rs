//! A WebSocket speaking the `mqtt` subprotocol with binary frames as ArrayBuffer.

use js_sys::{ArrayBuffer, Uint8Array};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{BinaryType, CloseEvent, MessageEvent, WebSocket};

use crate::mqtt::Close;

/// An open (or opening) socket. Dropping it detaches its handlers and closes it, so a
/// dead socket can never feed a newer session.
pub struct Socket {
    ws: WebSocket,
    _on_open: Closure<dyn FnMut()>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_close: Closure<dyn FnMut(CloseEvent)>,
}

impl Socket {
    /// Opens `url`. The browser reports failures only through `on_close`. A message is
    /// `Ok(bytes)`, or `Err(())` for a text message, which MQTT does not allow.
    pub fn open(
        url: &str,
        on_open: impl FnMut() + 'static,
        mut on_message: impl FnMut(Result<&[u8], ()>) + 'static,
        mut on_close: impl FnMut(Close) + 'static,
    ) -> Result<Socket, String> {
        let ws = match take_early_socket(url) {
            Some(ws) => ws,
            None => WebSocket::new_with_str(url, "mqtt").map_err(|e| {
                let shown = crate::model::reach::without_query(url);
                format!("Cannot open {shown}: {}", js_error_text(&e))
            })?,
        };
        ws.set_binary_type(BinaryType::Arraybuffer);

        // Whether the handshake succeeded decides what a later close means to the user.
        let opened = std::rc::Rc::new(std::cell::Cell::new(ws.ready_state() == WebSocket::OPEN));
        let on_open = {
            let (opened, mut on_open) = (opened.clone(), on_open);
            Closure::<dyn FnMut()>::new(move || {
                opened.set(true);
                on_open();
            })
        };
        // One scratch buffer reused for every frame: copying into wasm memory is the
        // only copy, and it allocates only when a frame is larger than any before.
        let mut scratch: Vec<u8> = Vec::new();
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
            if let Ok(buf) = e.data().dyn_into::<ArrayBuffer>() {
                let view = Uint8Array::new(&buf);
                scratch.resize(view.length() as usize, 0);
                view.copy_to(&mut scratch);
                on_message(Ok(&scratch));
            } else if e.data().is_string() {
                on_message(Err(()));
            }
        });
        let url_text = url.to_string();
        let on_close = Closure::<dyn FnMut(CloseEvent)>::new(move |e: CloseEvent| {
            let (code, reason) = (e.code(), e.reason());
            let text = close_text(&url_text, opened.get(), code, &reason);
            on_close(Close { code, reason, text });
        });
        ws.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        ws.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        ws.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        Ok(Socket {
            ws,
            _on_open: on_open,
            _on_message: on_message,
            _on_close: on_close,
        })
    }

    /// True for an adopted socket whose handshake finished before the app started: its
    /// `open` event has passed, so the caller reports the open itself.
    pub fn is_open(&self) -> bool {
        self.ws.ready_state() == WebSocket::OPEN
    }

    pub fn send(&self, bytes: &[u8]) -> Result<(), String> {
        self.ws.send_with_u8_array(bytes).map_err(|e| js_error_text(&e))
    }

    /// Bytes queued in the browser but not yet sent.
    pub fn buffered_amount(&self) -> u32 {
        self.ws.buffered_amount()
    }
}

impl Drop for Socket {
    fn drop(&mut self) {
        self.ws.set_onopen(None);
        self.ws.set_onmessage(None);
        self.ws.set_onclose(None);
        let _ = self.ws.close();
    }
}

/// The socket `index.html` opened for a `connect=1` link, if it was opened for `url` and
/// is still usable. Taken once: any other socket it left is closed, never leaked.
fn take_early_socket(url: &str) -> Option<WebSocket> {
    let window: wasm_bindgen::JsValue = web_sys::window()?.into();
    let key = wasm_bindgen::JsValue::from_str("deckEarlySocket");
    let early = js_sys::Reflect::get(&window, &key).ok()?;
    if early.is_undefined() {
        return None;
    }
    let _ = js_sys::Reflect::delete_property(window.unchecked_ref::<js_sys::Object>(), &key);
    let ws: WebSocket = js_sys::Reflect::get(&early, &"ws".into()).ok()?.dyn_into().ok()?;
    let same_url = js_sys::Reflect::get(&early, &"url".into())
        .ok()?
        .as_string()
        .as_deref()
        == Some(url);
    let usable = matches!(ws.ready_state(), WebSocket::CONNECTING | WebSocket::OPEN);
    if same_url && usable {
        Some(ws)
    } else {
        let _ = ws.close();
        None
    }
}

/// What a close means to a user. Browsers hide the cause of a failed handshake
/// (always 1006), so the likely causes are named; after a good handshake, 1006 means
/// the link broke.
fn close_text(url: &str, opened: bool, code: u16, reason: &str) -> String {
    match (code, reason.is_empty()) {
        (1000, true) => "The broker closed the connection".into(),
        (1006, _) if opened => "Connection to the broker was lost (closed without a goodbye)".into(),
        (1006, _) => crate::model::reach::unreachable_text(url),
        (_, true) => format!("Connection closed (code {code})"),
        (_, false) => format!("Connection closed (code {code}: {reason})"),
    }
}

fn js_error_text(e: &wasm_bindgen::JsValue) -> String {
    if let Some(err) = e.dyn_ref::<js_sys::Error>() {
        return String::from(err.message());
    }
    e.as_string().unwrap_or_else(|| "unknown error".into())
}
