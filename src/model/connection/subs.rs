//! The one list of subscriptions: every filter with who wants it (the user, the panel's
//! widgets and discovery, a shared panel), so that a filter goes on the wire once and comes
//! off when its last holder lets go. The user's part, with each filter's outcome, is what
//! the subscription form shows.

use crate::model::subscriptions::{SubEntry, SubscriptionList};
use crate::mqtt::QoS;
use crate::sorted_map::SortedMap;

/// Who wants a filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// Typed into the subscription form, in a link, or a request's response topic.
    User,
    /// A widget's topics or discovery's.
    Panel,
    /// The topic of a shared panel.
    Shared,
}

impl Origin {
    fn bit(self) -> u8 {
        match self {
            Origin::User => 1,
            Origin::Panel => 2,
            Origin::Shared => 4,
        }
    }
}

#[derive(Debug, Default)]
pub struct Registry {
    /// Filter → the origins holding it, as bits.
    holders: SortedMap<String, u8>,
    /// The broker's last answer per filter, so that a second origin asking for a filter
    /// already on the wire gets the answer without a second SUBSCRIBE.
    granted: SortedMap<String, Result<QoS, String>>,
    user: SubscriptionList,
}

impl Registry {
    pub fn user_mut(&mut self) -> &mut SubscriptionList {
        &mut self.user
    }

    pub fn holds(&self, filter: &str, origin: Origin) -> bool {
        self.holders.get(filter).is_some_and(|b| b & origin.bit() != 0)
    }

    pub fn add(&mut self, filter: &str, origin: Origin) {
        *self.holders.get_or_default(filter.to_string()) |= origin.bit();
    }

    /// Lets `origin` go of `filter`; true when nobody holds it any more.
    pub fn remove(&mut self, filter: &str, origin: Origin) -> bool {
        let Some(bits) = self.holders.get_mut(filter) else {
            return false;
        };
        *bits &= !origin.bit();
        if *bits != 0 {
            return false;
        }
        self.holders.remove(filter);
        true
    }

    /// Makes `origin` hold exactly `filters`; returns the filters nobody holds any more.
    pub fn set(&mut self, origin: Origin, filters: &[String]) -> Vec<String> {
        let held: Vec<String> = self
            .holders
            .iter()
            .filter(|(_, b)| *b & origin.bit() != 0)
            .map(|(f, _)| f.clone())
            .collect();
        let mut dropped = Vec::new();
        for f in held {
            if !filters.contains(&f) && self.remove(&f, origin) {
                dropped.push(f);
            }
        }
        for f in filters {
            self.add(f, origin);
        }
        dropped
    }

    pub fn filters(&self) -> impl Iterator<Item = &String> {
        self.holders.keys()
    }

    pub fn granted(&self, filter: &str) -> Option<&Result<QoS, String>> {
        self.granted.get(filter)
    }

    pub fn resolve(&mut self, filter: &str, result: Result<QoS, String>) {
        self.user.resolve(filter, result.clone());
        self.granted.insert(filter.to_string(), result);
    }

    /// The broker dropped the filter: no answer of its stands any more.
    pub fn unsubscribed(&mut self, filter: &str) {
        self.granted.remove(filter);
        self.user.remove(filter);
    }

    /// After the link drops, answers are stale until the broker confirms again.
    pub fn link_lost(&mut self) {
        self.granted.clear();
        self.user.mark_pending();
    }

    pub fn user_entries(&self) -> &[SubEntry] {
        self.user.entries()
    }
}
