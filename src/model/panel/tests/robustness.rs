//! No input may panic the model: arbitrary templates, payloads and discovery documents.

use proptest::prelude::*;

use crate::model::panel::discovery::Discovery;
use crate::model::panel::extractor::Extractor;
use crate::model::panel::panels::Panels;
use crate::model::panel::template::{Payload, Template};

fn template_text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            Just("{{".to_string()),
            Just("}}".to_string()),
            Just("{%".to_string()),
            Just("value_json".to_string()),
            Just("value".to_string()),
            Just(" | ".to_string()),
            Just("round(".to_string()),
            Just("[0]".to_string()),
            Just("['".to_string()),
            Just(".".to_string()),
            "[a-z0-9 ()'\",\\-]{0,4}",
        ],
        0..12,
    )
    .prop_map(|parts| parts.concat())
}

proptest! {
    #[test]
    fn templates_never_panic(src in template_text(), payload in ".{0,40}") {
        if let Ok(t) = Template::parse(&src) {
            let _ = t.render(&Payload::new(payload.as_bytes()));
            let _ = t.render(&Payload::new(br#"{"a":[1,{"b":null}],"x":"1e400"}"#));
        }
        if let Ok(e) = Extractor::parse(&src) {
            let _ = e.extract(&Payload::new(payload.as_bytes()));
        }
    }

    #[test]
    fn discovery_and_imports_never_panic(payload in prop::collection::vec(any::<u8>(), 0..200), json in "[\\[\\]{}\":,a-z0-9 ]{0,80}") {
        let mut d = Discovery::default();
        d.ingest("homeassistant/switch/x/config", &payload);
        d.ingest("homeassistant/light/x/config", json.as_bytes());
        d.ingest("zigbee2mqtt/bridge/devices", &payload);
        d.ingest("zigbee2mqtt/bridge/devices", json.as_bytes());
        let mut p = Panels::new();
        let _ = p.import(&json);
        let _ = Panels::from_json(&String::from_utf8_lossy(&payload));
    }
}
