//! What a broker said it can do (MQTT 5 CONNACK), and what that refuses before sending.

use crate::mqtt::error::LimitError;
use crate::mqtt::packet::{QoS, SubOptions};

/// What the broker announced in its MQTT 5 CONNACK about optional features; all on until
/// it says otherwise (3.1.1 brokers say nothing).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokerCaps {
    pub wildcards: bool,
    pub subscription_ids: bool,
    pub shared: bool,
    pub retain: bool,
    pub max_qos: QoS,
    /// Response Information, when we asked for it and the broker gave it.
    pub response_information: Option<String>,
}

impl Default for BrokerCaps {
    fn default() -> Self {
        BrokerCaps {
            wildcards: true,
            subscription_ids: true,
            shared: true,
            retain: true,
            max_qos: QoS::ExactlyOnce,
            response_information: None,
        }
    }
}

impl BrokerCaps {
    /// Why this broker would refuse a subscription, before it is sent.
    pub fn refuses(&self, filter: &str, options: &SubOptions) -> Option<LimitError> {
        if !self.shared && filter.starts_with("$share/") {
            return Some(LimitError::Unavailable("shared subscriptions"));
        }
        if !self.wildcards && filter.contains(['+', '#']) {
            return Some(LimitError::Unavailable("wildcard subscriptions"));
        }
        if !self.subscription_ids && options.id.is_some() {
            return Some(LimitError::Unavailable("subscription identifiers"));
        }
        None
    }
}
