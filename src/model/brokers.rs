//! What the app has learned about brokers by talking to them: which URLs speak only MQTT
//! 3.1.1, so that a 5.0 connection to them starts with 3.1.1 instead of a refused CONNECT.

use crate::model::reach::without_query;

/// The most URLs kept: old ones fall off so that the record stays small.
const MAX_URLS: usize = 32;

/// Broker URLs known to speak only MQTT 3.1.1, most recent first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct V311Brokers {
    urls: Vec<String>,
}

impl V311Brokers {
    /// Reads the saved record: one URL per line. Anything unreadable is skipped, never fatal:
    /// the worst a lost entry costs is one refused 5.0 CONNECT.
    pub fn from_saved(text: &str) -> Self {
        let mut brokers = V311Brokers::default();
        for line in text.lines().map(str::trim).filter(|l| !l.is_empty()).rev() {
            brokers.remember(line);
        }
        brokers
    }

    pub fn to_saved(&self) -> String {
        self.urls.join("\n")
    }

    pub fn knows(&self, url: &str) -> bool {
        let url = without_query(url);
        self.urls.iter().any(|u| u == url)
    }

    /// Records `url` as 3.1.1 only; returns true when the record changed. A broker is its URL
    /// without the query, which can carry credentials (a signed URL) and is never stored.
    pub fn remember(&mut self, url: &str) -> bool {
        let url = without_query(url);
        if self.urls.first().is_some_and(|u| u == url) {
            return false;
        }
        self.urls.retain(|u| u != url);
        self.urls.insert(0, url.to_string());
        self.urls.truncate(MAX_URLS);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_remembered_broker_survives_saving_and_loading() {
        let mut b = V311Brokers::default();
        assert!(b.remember("ws://aedes.local:8888"));
        assert!(!b.remember("ws://aedes.local:8888"));
        b.remember("wss://rabbit.local/ws");
        let loaded = V311Brokers::from_saved(&b.to_saved());
        assert_eq!(loaded, b);
        assert!(loaded.knows("ws://aedes.local:8888"));
        assert!(!loaded.knows("ws://mosquitto.local:9001"));
    }

    #[test]
    fn a_signed_urls_query_is_never_stored_and_the_broker_is_known_by_its_address() {
        let mut b = V311Brokers::default();
        b.remember("wss://hub.example/mqtt?X-Amz-Signature=00&X-Amz-Security-Token=secret");
        assert!(!b.to_saved().contains("secret"), "{}", b.to_saved());
        assert!(b.knows("wss://hub.example/mqtt?X-Amz-Signature=11"));
    }

    #[test]
    fn the_record_is_capped_and_drops_the_oldest() {
        let mut b = V311Brokers::default();
        for i in 0..40 {
            b.remember(&format!("ws://b{i}"));
        }
        assert!(b.knows("ws://b39"));
        assert!(!b.knows("ws://b0"));
        assert_eq!(V311Brokers::from_saved(&b.to_saved()).urls.len(), MAX_URLS);
    }

    #[test]
    fn a_damaged_record_loads_what_it_can() {
        let b = V311Brokers::from_saved("\n  ws://a  \n\n\u{0}garbage\nws://a\n");
        assert!(b.knows("ws://a"));
    }
}
