//! The UI's handle to the connection core (through its driver) and the views' refresh:
//! many messages, one repaint per frame.

use std::cell::{Cell, OnceCell, Ref, RefCell};
use std::rc::Rc;

use yew::Callback;

use crate::model::connection::{Connection, CoreError, Edited, Now, PanelEdit};
use crate::model::messages::MessageStore;
use crate::web::driver::Driver;
use crate::web::page::on_next_frame;

/// Shared by the driver (which says when the core changed) and the views (which read the
/// core on repaint and dispatch actions to it).
pub struct Feed {
    /// Set once, right after the driver is made (the driver's sink needs the feed first).
    driver: OnceCell<Driver<Connection>>,
    listeners: RefCell<Vec<(u64, Callback<()>)>>,
    next_listener: Cell<u64>,
    frame_pending: Cell<bool>,
    /// Moves once per repaint; views use it to know their data may have changed.
    frame: Cell<u64>,
}

impl PartialEq for Feed {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self, other)
    }
}

impl Feed {
    pub fn new() -> Rc<Feed> {
        Rc::new(Feed {
            driver: OnceCell::new(),
            listeners: RefCell::new(Vec::new()),
            next_listener: Cell::new(1),
            frame_pending: Cell::new(false),
            frame: Cell::new(0),
        })
    }

    pub fn attach(&self, driver: Driver<Connection>) {
        let _ = self.driver.set(driver);
    }

    pub fn driver(&self) -> &Driver<Connection> {
        self.driver
            .get()
            .expect("the app attaches the driver before any view renders")
    }

    /// The connection core, for reading while rendering.
    pub fn core(&self) -> Ref<'_, Connection> {
        self.driver().core()
    }

    pub fn store(&self) -> Ref<'_, MessageStore> {
        Ref::map(self.core(), Connection::store)
    }

    /// Gives the core an action now.
    pub fn run<R>(&self, f: impl FnOnce(&mut Connection, Now) -> R) -> R {
        self.driver().run(f)
    }

    /// Applies an edit to the user's panels (saved and followed by the core).
    pub fn edit(&self, edit: PanelEdit) -> Result<Edited, CoreError> {
        self.run(|c, now| c.edit_panels(now, edit))
    }

    pub fn frame(&self) -> u64 {
        self.frame.get()
    }

    /// Asks the views to repaint before the next frame; repeated calls in one frame coalesce.
    pub fn changed(self: &Rc<Self>) {
        if self.listeners.borrow().is_empty() {
            // A hidden connection's views are not mounted: no frame to ask for, and the
            // views that mount later read the core afresh.
            self.frame.set(self.frame.get() + 1);
            return;
        }
        if self.frame_pending.replace(true) {
            return;
        }
        let feed = self.clone();
        on_next_frame(move || {
            feed.frame_pending.set(false);
            feed.frame.set(feed.frame.get() + 1);
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

/// Re-renders the calling component once per frame in which messages changed.
#[yew::hook]
pub fn use_feed(feed: &Rc<Feed>) {
    let repaint = yew::use_force_update();
    let feed = feed.clone();
    yew::use_effect_with((), move |_| {
        let key = feed.listen(Callback::from(move |_| repaint.force_update()));
        move || feed.unlisten(key)
    });
}
