//! The shared message store and its refresh: many messages, one repaint per frame.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use yew::Callback;

use crate::model::messages::MessageStore;
use crate::web::page::on_next_frame;

/// Messages kept for display; older ones are dropped.
const STORE_CAP: usize = 5_000;

/// Shared by the driver's sink (which writes) and the views (which read on repaint).
pub struct Feed {
    pub store: RefCell<MessageStore>,
    listeners: RefCell<Vec<(u64, Callback<()>)>>,
    next_listener: Cell<u64>,
    frame_pending: Cell<bool>,
}

impl PartialEq for Feed {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self, other)
    }
}

impl Feed {
    pub fn new() -> Rc<Feed> {
        Rc::new(Feed {
            store: RefCell::new(MessageStore::new(STORE_CAP)),
            listeners: RefCell::new(Vec::new()),
            next_listener: Cell::new(1),
            frame_pending: Cell::new(false),
        })
    }

    /// Asks the views to repaint before the next frame; repeated calls in one frame coalesce.
    pub fn changed(self: &Rc<Self>) {
        if self.frame_pending.replace(true) {
            return;
        }
        let feed = self.clone();
        on_next_frame(move || {
            feed.frame_pending.set(false);
            let listeners: Vec<Callback<()>> =
                feed.listeners.borrow().iter().map(|(_, c)| c.clone()).collect();
            for listener in listeners {
                listener.emit(());
            }
        });
    }

    /// Registers a view's repaint; returns a key for `unlisten`.
    pub fn listen(&self, callback: Callback<()>) -> u64 {
        let key = self.next_listener.get();
        self.next_listener.set(key + 1);
        self.listeners.borrow_mut().push((key, callback));
        key
    }

    pub fn unlisten(&self, key: u64) {
        self.listeners.borrow_mut().retain(|(k, _)| *k != key);
    }
}
