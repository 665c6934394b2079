//! The subscription list as the user sees it: each filter with its requested QoS and outcome.

use crate::mqtt::QoS;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SubState {
    Pending,
    Granted(QoS),
    Failed(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubEntry {
    pub filter: String,
    pub qos: QoS,
    pub state: SubState,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SubscriptionList {
    entries: Vec<SubEntry>,
}

impl SubscriptionList {
    pub fn entries(&self) -> &[SubEntry] {
        &self.entries
    }

    /// Adds or re-requests a filter; it is pending until the broker answers.
    pub fn request(&mut self, filter: &str, qos: QoS) {
        match self.entries.iter_mut().find(|e| e.filter == filter) {
            Some(e) => {
                e.qos = qos;
                e.state = SubState::Pending;
            }
            None => self.entries.push(SubEntry {
                filter: filter.to_string(),
                qos,
                state: SubState::Pending,
            }),
        }
    }

    pub fn resolve(&mut self, filter: &str, result: Result<QoS, String>) {
        if let Some(e) = self.entries.iter_mut().find(|e| e.filter == filter) {
            e.state = match result {
                Ok(q) => SubState::Granted(q),
                Err(reason) => SubState::Failed(reason),
            };
        }
    }

    pub fn remove(&mut self, filter: &str) {
        self.entries.retain(|e| e.filter != filter);
    }

    /// After the link drops, outcomes are stale until the broker confirms again.
    pub fn mark_pending(&mut self) {
        for e in &mut self.entries {
            if matches!(e.state, SubState::Granted(_)) {
                e.state = SubState::Pending;
            }
        }
    }
}
