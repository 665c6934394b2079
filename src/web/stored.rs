//! Durable sessions in IndexedDB: one JSON record per connection (`model::stored_session`),
//! all read once at start-up (connecting waits for that), written at most every
//! `WRITE_DELAY_MS` after the core says the session changed, never per QoS 0 message. A small
//! JS module (`scripts`) instead of web-sys's IndexedDB bindings keeps the bundle small; storage that
//! fails (private mode, quota) loses the records, never the connection.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use wasm_bindgen::prelude::*;

use super::driver::Driver;
use super::scripts::{session_put, sessions_all};
use crate::model::connection::Connection;
use crate::sorted_map::SortedMap;

/// Batches the writes of a busy QoS 1/2 flow: a reload loses at most this much of it.
const WRITE_DELAY_MS: u32 = 100;

/// The stored sessions of this browser, as last read or written.
#[derive(Default)]
pub struct StoredSessions {
    records: RefCell<SortedMap<String, String>>,
    /// The cores whose session changed since the last write.
    due: RefCell<Vec<Driver<Connection>>>,
    write_due: Cell<bool>,
    loaded: Cell<bool>,
    /// What waits for the records (a Connect clicked while they were being read).
    waiting: RefCell<Vec<Box<dyn FnOnce()>>>,
}

impl StoredSessions {
    /// Reads every record, then calls `ready` (also when storage fails: with none).
    pub fn load(self: &Rc<Self>, ready: impl FnOnce() + 'static) {
        let me = self.clone();
        let done = Closure::once_into_js(move |list: js_sys::Array| {
            let mut records = me.records.borrow_mut();
            let mut items = list.iter().filter_map(|v| v.as_string());
            while let (Some(key), Some(value)) = (items.next(), items.next()) {
                records.insert(key, value);
            }
            drop(records);
            me.loaded.set(true);
            ready();
            for f in me.waiting.take() {
                f();
            }
        });
        sessions_all(&done);
    }

    /// Runs `f` once the records are read: a connection must not start without its record.
    pub fn when_loaded(&self, f: impl FnOnce() + 'static) {
        if self.loaded.get() {
            f()
        } else {
            self.waiting.borrow_mut().push(Box::new(f));
        }
    }

    /// The stored record under `key`.
    pub fn record(&self, key: &str) -> Option<String> {
        self.records.borrow().get(key).cloned()
    }

    /// A core's session changed: write its record soon, once for a burst of changes.
    pub fn changed(self: &Rc<Self>, driver: &Driver<Connection>) {
        {
            let mut due = self.due.borrow_mut();
            if !due.iter().any(|d| d.same(driver)) {
                due.push(driver.clone());
            }
        }
        if self.write_due.replace(true) {
            return;
        }
        let me = self.clone();
        gloo::timers::callback::Timeout::new(WRITE_DELAY_MS, move || me.write()).forget();
    }

    fn write(&self) {
        self.write_due.set(false);
        for driver in self.due.take() {
            let (key, value) = driver.core().session_record();
            if key.is_empty() {
                continue;
            }
            match &value {
                Some(v) => self.records.borrow_mut().insert(key.clone(), v.clone()),
                None => self.records.borrow_mut().remove(&key),
            };
            session_put(&key, value);
        }
    }
}
