//! The panel's live side: discovery, widget runtime and the user's panels, fed by every
//! message, saved to localStorage, and able to subscribe and publish through the driver.

use crate::sorted_map::SortedMap;
use std::cell::RefCell;

use bytes::Bytes;

use crate::model::panel::{
    Discovery, DiscoveryConfig, OutgoingPublish, Panels, Runtime, WidgetDef, WidgetInput,
};
use crate::mqtt::QoS;
use crate::web::page::{load, save, wall_ms};
use crate::web::Driver;

const PANELS_KEY: &str = "mqtt-deck.panels";
/// Where an unreadable saved panel document is kept, so that nothing is lost.
const BROKEN_KEY: &str = "mqtt-deck.panels.unreadable";

pub struct PanelHub {
    pub discovery: RefCell<Discovery>,
    pub runtime: RefCell<Runtime>,
    pub panels: RefCell<Panels>,
    driver: RefCell<Option<Driver>>,
    subscribed: RefCell<SortedMap<String, ()>>,
    /// Topics of shared panels, kept here so routing a message allocates nothing.
    share_filters: RefCell<Vec<String>>,
    /// Why saved panels could not be loaded, shown once on the Panel screen.
    pub load_error: Option<String>,
}

impl PartialEq for PanelHub {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self, other)
    }
}

impl PanelHub {
    pub fn new() -> PanelHub {
        let (panels, load_error) = match load(PANELS_KEY) {
            None => (Panels::new(), None),
            Some(json) => match Panels::from_json(&json) {
                Ok(p) => (p, None),
                Err(e) => {
                    let _ = save(BROKEN_KEY, &json);
                    let msg = format!("Saved panels could not be read ({e}); they were kept aside under \"{BROKEN_KEY}\" in this browser's storage.");
                    (Panels::new(), Some(msg))
                }
            },
        };
        let hub = PanelHub {
            discovery: RefCell::new(Discovery::new(DiscoveryConfig::default())),
            runtime: RefCell::new(Runtime::new()),
            panels: RefCell::new(panels),
            driver: RefCell::new(None),
            subscribed: RefCell::new(SortedMap::default()),
            share_filters: RefCell::new(Vec::new()),
            load_error,
        };
        hub.rebuild();
        hub
    }

    pub fn attach(&self, driver: Driver) {
        *self.driver.borrow_mut() = Some(driver);
    }

    /// Gives a message to discovery, the widgets and shared panels; true when the panel
    /// screen has something new to show. Runs for every message, so it does no work
    /// (and no allocation) for topics none of them care about.
    pub fn route(&self, topic: &str, payload: &Bytes, now_ms: f64) -> bool {
        let discovered = {
            let mut d = self.discovery.borrow_mut();
            d.is_discovery_topic(topic) && d.ingest(topic, payload)
        };
        let shared = self
            .share_filters
            .borrow()
            .iter()
            .any(|f| crate::mqtt::topic::matches(f, topic))
            && self
                .panels
                .borrow_mut()
                .receive_shared(topic, payload)
                .is_ok_and(|ids| !ids.is_empty());
        if discovered || shared {
            self.rebuild();
            if shared {
                self.save();
            }
        }
        let changed = self.runtime.borrow_mut().handle_message(topic, payload, now_ms);
        discovered || shared || changed
    }

    /// Re-reads every widget into the runtime and subscribes to what it newly needs.
    pub fn rebuild(&self) {
        let defs: Vec<WidgetDef> = {
            let panels = self.panels.borrow();
            let discovery = self.discovery.borrow();
            panels.all_widgets().chain(discovery.widgets()).cloned().collect()
        };
        self.runtime.borrow_mut().set_widgets(defs);
        *self.share_filters.borrow_mut() = self.panels.borrow().share_subscriptions();
        self.subscribe_missing();
    }

    /// After a (re)connect the session restores what it knew; this adds anything new.
    pub fn on_connected(&self) {
        self.subscribe_missing();
    }

    fn subscribe_missing(&self) {
        let wanted: Vec<String> = {
            let d = self.discovery.borrow();
            let r = self.runtime.borrow();
            let p = self.panels.borrow();
            d.subscriptions()
                .into_iter()
                .chain(r.subscriptions())
                .chain(p.share_subscriptions())
                .collect()
        };
        let driver = self.driver.borrow();
        let Some(driver) = driver.as_ref() else { return };
        let mut subscribed = self.subscribed.borrow_mut();
        for filter in wanted {
            if !subscribed.contains_key(&filter) && driver.subscribe(&filter, QoS::AtLeastOnce).is_ok() {
                subscribed.insert(filter, ());
            }
        }
    }

    /// Runs a widget's command and publishes what it produced.
    pub fn command(&self, widget_id: &str, input: WidgetInput) -> Result<(), String> {
        let publishes = self
            .runtime
            .borrow_mut()
            .command(widget_id, input, wall_ms())
            .map_err(|e| e.to_string())?;
        self.publish_all(publishes)
    }

    /// Drops the optimistic values of commands no device confirmed within `max_age_ms`, so
    /// their cards show what the devices report again. True when something changed.
    pub fn expire_pending(&self, max_age_ms: f64) -> bool {
        self.runtime.borrow_mut().expire_pending(wall_ms(), max_age_ms)
    }

    pub fn publish_all(&self, publishes: Vec<OutgoingPublish>) -> Result<(), String> {
        let driver = self.driver.borrow();
        let driver = driver.as_ref().ok_or("Not connected")?;
        for p in publishes {
            let qos = QoS::from_u8(p.qos).unwrap_or_default();
            driver
                .publish(&p.topic, Bytes::from(p.payload), qos, p.retain)
                .map_err(|e| e.to_string())?;
        }
        Ok(())
    }

    /// Persists the panels; call after every edit.
    pub fn save(&self) -> Option<String> {
        save(PANELS_KEY, &self.panels.borrow().to_json()).err()
    }

    /// Applies an edit to the panels, then saves and rebuilds.
    pub fn edit<R>(&self, f: impl FnOnce(&mut Panels) -> R) -> R {
        let result = f(&mut self.panels.borrow_mut());
        self.save();
        self.rebuild();
        result
    }
}
