//! The driver's one timer. A background tab's own timers are throttled (Chromium allows
//! one wake-up a minute after a while), which would starve keep-alive; a dedicated
//! Worker's timers are not (MQTT.js does the same). The page's own timer runs beside it,
//! so that the timer works where no Worker can run (a missing or blocked script); the
//! first of the two to fire wins and the other is ignored.

use std::rc::Rc;

use gloo::timers::callback::Timeout;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

/// Next to index.html in dist/ (see index.html); relative, so any path prefix works.
const WORKER_URL: &str = "timer-worker.js";

type OnMessage = Closure<dyn Fn(web_sys::MessageEvent)>;

pub struct Timer {
    fire: Rc<dyn Fn(u64)>,
    worker: Option<(web_sys::Worker, OnMessage)>,
    page: Option<Timeout>,
    armed: Option<u64>,
}

impl Timer {
    /// `fire` gets the deadline that came due; it must call `fired`.
    pub fn new(fire: impl Fn(u64) + 'static) -> Timer {
        let fire: Rc<dyn Fn(u64)> = Rc::new(fire);
        let worker = web_sys::Worker::new(WORKER_URL).ok().map(|worker| {
            let f = fire.clone();
            let on_message = OnMessage::new(move |e: web_sys::MessageEvent| {
                if let Some(tag) = e.data().as_f64() {
                    f(tag as u64);
                }
            });
            worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
            (worker, on_message)
        });
        Timer {
            fire,
            worker,
            page: None,
            armed: None,
        }
    }

    /// The deadline armed, if any.
    pub fn armed(&self) -> Option<u64> {
        self.armed
    }

    /// Fires at `deadline`, `delay` ms from now, instead of any earlier arming.
    pub fn arm(&mut self, deadline: u64, delay: u32) {
        self.armed = Some(deadline);
        if let Some((worker, _)) = &self.worker {
            let message = js_sys::Array::of2(&JsValue::from_f64(deadline as f64), &JsValue::from(delay));
            // A worker that cannot take the message leaves the page's timer to do the work.
            let _ = worker.post_message(&message);
        }
        let fire = self.fire.clone();
        self.page = Some(Timeout::new(delay, move || fire(deadline)));
    }

    /// Whether `deadline` is the one armed: false for the second of the two timers, or
    /// for a deadline replaced since. Either way it stops being armed.
    pub fn fired(&mut self, deadline: u64) -> bool {
        if self.armed != Some(deadline) {
            return false;
        }
        self.armed = None;
        self.page = None;
        true
    }

    pub fn cancel(&mut self) {
        self.armed = None;
        self.page = None;
    }
}

impl Drop for Timer {
    fn drop(&mut self) {
        if let Some((worker, _)) = &self.worker {
            worker.terminate();
        }
    }
}
