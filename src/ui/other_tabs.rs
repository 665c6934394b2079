//! Other tabs of the app with the same client ID: tells them which ID this tab connected
//! with, yields when another tab took ours, and shows the conflict with a way out.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use yew::prelude::*;

use crate::model::app::Action;
use crate::model::connection::Connection;
use crate::model::tabs::{conflict_notice, react, OurLink, Reaction, TabMessage};
use crate::mqtt::Status;
use crate::web::tabs::TabChannel;
use crate::web::Driver;

/// DISCONNECT reason: another client connected with our client ID.
const SESSION_TAKEN_OVER: u8 = 0x8E;

#[derive(Default)]
pub struct OtherTabs {
    channel: RefCell<Option<TabChannel>>,
    /// Set by `listen`; the driver's events reach `connected` only after that. The driver's
    /// sink holds this in turn: both live as long as the page, so the cycle is harmless.
    driver: RefCell<Option<Driver<Connection>>>,
    /// The broker just gave our session to another client: the tab that did it may say so
    /// only after the broker did.
    taken_over: Cell<bool>,
}

impl OtherTabs {
    /// Starts listening to the other tabs on behalf of `driver`.
    pub fn listen(self: &Rc<Self>, driver: Driver<Connection>, dispatch: impl Fn(Action) + 'static) {
        *self.driver.borrow_mut() = Some(driver.clone());
        let weak = Rc::downgrade(self);
        let channel = TabChannel::open(move |heard| {
            let Some(tabs) = weak.upgrade() else { return };
            let (url, client_id) = (driver.core().url().to_string(), driver.client_id());
            let in_use = driver.core().status() != Status::Idle || tabs.taken_over.get();
            let ours = OurLink {
                url: &url,
                client_id: &client_id,
                in_use,
            };
            match react(ours, &heard) {
                Reaction::Yield => {
                    tabs.taken_over.set(false);
                    // Reconnecting would take the ID back and start the loop.
                    driver.run(|c, now| c.disconnect(now));
                    tabs.post(&TabMessage::Yielded {
                        url: url.clone(),
                        client_id: client_id.clone(),
                    });
                    dispatch(Action::ClientIdConflict(client_id));
                }
                Reaction::SaySo => dispatch(Action::ClientIdConflict(client_id)),
                Reaction::Ignore => {}
            }
        });
        *self.channel.borrow_mut() = channel;
    }

    pub fn connected(&self, client_id: String) {
        self.taken_over.set(false);
        let url = self
            .driver
            .borrow()
            .as_ref()
            .map(|d| d.core().url().to_string())
            .unwrap_or_default();
        self.post(&TabMessage::Connected { url, client_id });
    }

    /// `server_code`: the reason code of the broker's DISCONNECT, if it ended the link.
    pub fn disconnected(&self, server_code: Option<u8>) {
        self.taken_over.set(server_code == Some(SESSION_TAKEN_OVER));
    }

    fn post(&self, message: &TabMessage) {
        if let Some(channel) = &*self.channel.borrow() {
            channel.post(message);
        }
    }
}

/// The notice both tabs show (a plain function: it has no state of its own).
pub fn conflict(client_id: &str, on_new_id: &Callback<()>) -> Html {
    let on_click = on_new_id.reform(|_: MouseEvent| ());
    html! {
        <p class="notice" role="alert">{ conflict_notice(client_id) }
            <button type="button" onclick={on_click}>{ "Use a new client ID" }</button></p>
    }
}
