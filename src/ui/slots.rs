//! The connections' running parts, one per slot of the deck (`model::deck`, which keeps their
//! UI state): the driver that runs the slot's own connection core (session, store, tree,
//! panels; each capped as one connection is), the views' feed, and what the Monitor has
//! selected. A hidden slot's driver keeps receiving; its views are not mounted, so its feed
//! has no one to repaint and the hot path does not pay for them.

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use yew::prelude::*;

use super::feed::Feed;
use super::monitor::MonitorState;
use super::other_tabs::OtherTabs;
use crate::model::app::Action;
use crate::model::connection::{Connection, Effect, StatusChange, PANELS_KEY};
use crate::model::deck::{SlotId, TotalRate};
use crate::web::driver::{Driver, Update};
use crate::web::page::{load, save};
use crate::web::stored::StoredSessions;

/// One slot's running parts; clones share them.
#[derive(Clone)]
pub struct Running {
    pub id: SlotId,
    pub feed: Rc<Feed>,
    pub driver: Driver<Connection>,
    pub monitor: Rc<RefCell<MonitorState>>,
    /// The connection list's messages per second.
    pub meter: Rc<RefCell<TotalRate>>,
}

#[derive(Default)]
pub struct Slots {
    /// Every slot's durable session, read once at start-up (see `web::stored`).
    pub sessions: Rc<StoredSessions>,
    list: RefCell<Vec<Running>>,
    last_id: Cell<SlotId>,
}

impl Slots {
    /// Starts a slot's driver over a fresh core; `dispatch` takes the slot's actions.
    pub fn start(self: &Rc<Self>, dispatch: Callback<(SlotId, Action)>, refresh: Callback<()>) -> Running {
        let id = self.last_id.get() + 1;
        self.last_id.set(id);
        let feed = Feed::new();
        let core = Connection::new(load(PANELS_KEY).as_deref());
        let tabs = Rc::new(OtherTabs::default());
        let to_slot = dispatch.reform(move |a| (id, a));
        let driver = Driver::with_core(
            core,
            sink(
                to_slot.clone(),
                feed.clone(),
                refresh,
                tabs.clone(),
                self.sessions.clone(),
                (Rc::downgrade(self), id),
            ),
        );
        tabs.listen(driver.clone(), move |action| to_slot.emit(action));
        feed.attach(driver.clone());
        let running = Running {
            id,
            feed,
            driver,
            monitor: Rc::default(),
            meter: Rc::default(),
        };
        self.list.borrow_mut().push(running.clone());
        running
    }

    pub fn get(&self, id: SlotId) -> Option<Running> {
        self.list.borrow().iter().find(|r| r.id == id).cloned()
    }

    /// The slot `id`, or (should the deck ever name one already closed) the first: one always
    /// runs, as `close` keeps the last.
    pub fn shown(&self, id: SlotId) -> Running {
        let list = self.list.borrow();
        list.iter().find(|r| r.id == id).unwrap_or(&list[0]).clone()
    }

    pub fn all(&self) -> Vec<Running> {
        self.list.borrow().clone()
    }

    /// Disconnects a slot and lets its core go (with its messages). The last one stays.
    pub fn close(&self, id: SlotId) {
        if self.list.borrow().len() < 2 {
            return;
        }
        let Some(r) = self.get(id) else { return };
        r.driver.run(|c, now| c.disconnect(now));
        r.driver.stop();
        self.list.borrow_mut().retain(|r| r.id != id);
    }
}

/// Routes what a slot's core says: repaints to its feed (at most once per frame), saves to
/// storage, the user's subscription list to a re-render, the rest to the slot's state.
fn sink(
    dispatch: Callback<Action>,
    feed: Rc<Feed>,
    refresh: Callback<()>,
    tabs: Rc<OtherTabs>,
    sessions: Rc<StoredSessions>,
    (slots, id): (Weak<Slots>, SlotId),
) -> impl Fn(Update) {
    move |update| match update {
        Update::Repaint => feed.changed(),
        Update::Effect(Effect::Status(StatusChange::Connected { client_id, version })) => {
            tabs.connected(client_id.clone());
            dispatch.emit(Action::Connected { client_id, version })
        }
        Update::Effect(Effect::Status(StatusChange::Disconnected {
            reason,
            reconnect_at_ms,
            server_code,
        })) => {
            tabs.disconnected(server_code);
            dispatch.emit(Action::Disconnected {
                reason,
                reconnect_at_ms,
            })
        }
        Update::Effect(Effect::Notice(text)) => dispatch.emit(Action::Notice(text)),
        Update::Effect(Effect::SubscribeError(e)) => dispatch.emit(Action::SubscribeError(Some(e))),
        Update::Effect(Effect::Subscriptions) => refresh.emit(()),
        Update::Effect(Effect::SessionChanged) => sessions.changed(feed.driver()),
        Update::Effect(Effect::Save { key, value }) => {
            // Storage that refuses (quota, private mode) must not stop the app: it says so,
            // and the change lasts while the page is open.
            if let Err(e) = save(key, &value) {
                dispatch.emit(Action::Notice(format!(
                    "{e}: changes last until this page is closed"
                )));
            }
            // Every connection shows the user's panels: the others take this one's edit.
            if key == PANELS_KEY {
                let others = slots.upgrade().map(|s| s.all()).unwrap_or_default();
                for r in others.iter().filter(|r| r.id != id) {
                    r.driver.run(|c, now| c.panels_stored_elsewhere(now, &value));
                }
            }
        }
    }
}
