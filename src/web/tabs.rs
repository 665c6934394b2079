//! A BroadcastChannel to the app's other tabs in this browser (same origin), carrying
//! `model::tabs` messages as text.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

use crate::model::tabs::TabMessage;

const CHANNEL: &str = "mqtt-deck";

/// Open while it lives.
pub struct TabChannel {
    channel: web_sys::BroadcastChannel,
    _on_message: Closure<dyn Fn(web_sys::MessageEvent)>,
}

impl TabChannel {
    /// `None` where the browser has no BroadcastChannel: tabs then cannot warn each other.
    pub fn open(on_message: impl Fn(TabMessage) + 'static) -> Option<TabChannel> {
        let channel = web_sys::BroadcastChannel::new(CHANNEL).ok()?;
        let on_message = Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
            if let Some(m) = e.data().as_string().as_deref().and_then(TabMessage::parse) {
                on_message(m);
            }
        });
        channel.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        Some(TabChannel {
            channel,
            _on_message: on_message,
        })
    }

    /// Reaches every other tab, never this one.
    pub fn post(&self, message: &TabMessage) {
        // A closed channel has nobody left to tell.
        let _ = self.channel.post_message(&JsValue::from_str(&message.to_text()));
    }
}

impl Drop for TabChannel {
    fn drop(&mut self) {
        self.channel.close();
    }
}
