//! The stored form of a durable session (`mqtt::session::Durable`): one JSON record per
//! connection in the browser's IndexedDB, keyed by the broker URL without its query (a signed
//! URL's token is never stored) and the client ID. Payloads go as Base64, and a publish's MQTT 5
//! properties as the Base64 of their list in wire form (§3.3.2.3), which the codec reads and
//! writes already. A record that cannot be read is ignored with a message that says why; it
//! never stops the app.

use crate::model::json::{Json, Num, Object};
use crate::model::reach::without_query;
use crate::mqtt::auth::base64;
use crate::mqtt::codec::{publish_props_bytes, publish_props_from};
use crate::mqtt::session::{Durable, StoredPublish, DURABLE_VERSION};
use crate::mqtt::{QoS, SubOptions};

/// The record's key for a connection to `url` as `client_id`.
pub fn key(url: &str, client_id: &str) -> String {
    format!("{} {client_id}", without_query(url))
}

fn num(n: u64) -> Json {
    Json::Number(Num::from(n))
}

pub fn to_json(d: &Durable) -> String {
    let mut o = Object::new();
    o.push("version", num(u64::from(d.version)));
    o.push("client_id", d.client_id.as_str().into());
    o.push("known_to_broker", d.known_to_broker.into());
    let subs = d.subscriptions.iter().map(|(filter, s)| {
        let mut o = Object::new();
        o.push("filter", filter.as_str().into());
        o.push("qos", num(s.qos as u64));
        o.push("no_local", s.no_local.into());
        o.push("rap", s.retain_as_published.into());
        o.push("rh", num(u64::from(s.retain_handling)));
        if let Some(id) = s.id {
            o.push("id", num(u64::from(id)));
        }
        Json::Object(o)
    });
    o.push("subscriptions", Json::Array(subs.collect()));
    let out = d.outgoing.iter().map(|p| {
        let mut o = Object::new();
        o.push("topic", p.topic.as_str().into());
        o.push("payload", base64::encode(&p.payload).into());
        o.push("qos", num(p.qos as u64));
        o.push("retain", p.retain.into());
        o.push("pkid", num(u64::from(p.pkid)));
        o.push("released", p.released.into());
        if let Some(bytes) = p.props.as_deref().and_then(publish_props_bytes) {
            o.push("props", base64::encode(&bytes).into());
        }
        Json::Object(o)
    });
    o.push("outgoing", Json::Array(out.collect()));
    let ids = d.incoming_qos2.iter().map(|&id| num(u64::from(id)));
    o.push("incoming_qos2", Json::Array(ids.collect()));
    o.push("next_pkid", num(u64::from(d.next_pkid)));
    Json::Object(o).to_json_string()
}

/// Reads [`to_json`]'s record; the error says what is wrong, for the message the user sees.
pub fn from_json(text: &str) -> Result<Durable, String> {
    let v = Json::parse(text.as_bytes()).map_err(|e| e.to_string())?;
    let version = v.get("version").and_then(Json::as_u64);
    if version != Some(u64::from(DURABLE_VERSION)) {
        return Err(match version {
            Some(n) => format!("it has format {n}; this MQTT Deck reads format {DURABLE_VERSION}"),
            None => "it has no format version".into(),
        });
    }
    let text_of = |o: &Json, k: &str| o.get(k).and_then(Json::as_str).map(str::to_owned);
    let flag = |o: &Json, k: &str| o.get(k).and_then(Json::as_bool).unwrap_or(false);
    let small = |o: &Json, k: &str, max: u64| o.get(k).and_then(Json::as_u64).filter(|&n| n <= max);
    let qos = |o: &Json| small(o, "qos", 2).and_then(|q| QoS::from_u8(q as u8));
    let list = |k: &str| -> Result<&Vec<Json>, String> {
        v.get(k)
            .and_then(Json::as_array)
            .ok_or(format!("\"{k}\" should be a list"))
    };
    let mut subscriptions = Vec::new();
    for s in list("subscriptions")? {
        let (Some(filter), Some(q)) = (text_of(s, "filter"), qos(s)) else {
            return Err("a subscription should have a \"filter\" and a \"qos\" of 0, 1 or 2".into());
        };
        let options = SubOptions {
            qos: q,
            no_local: flag(s, "no_local"),
            retain_as_published: flag(s, "rap"),
            retain_handling: small(s, "rh", 2).unwrap_or(0) as u8,
            id: small(s, "id", 268_435_455).map(|n| n as u32),
        };
        subscriptions.push((filter, options));
    }
    let mut outgoing = Vec::new();
    for (i, p) in list("outgoing")?.iter().enumerate() {
        let payload = text_of(p, "payload").and_then(|t| base64::decode(&t));
        let fields = (text_of(p, "topic"), payload, qos(p), small(p, "pkid", 65_535));
        let (Some(topic), Some(payload), Some(qos), Some(pkid)) = fields else {
            return Err(format!(
                "message {} should have a topic, a Base64 payload, a qos and a pkid",
                i + 1
            ));
        };
        // Present but not Base64 of a property list (even not text): refused, never dropped.
        let props = match p.get("props") {
            None => None,
            Some(t) => t
                .as_str()
                .and_then(base64::decode)
                .and_then(|b| publish_props_from(&b).ok())
                .ok_or(format!("message {}'s MQTT 5 properties are broken", i + 1))?,
        };
        outgoing.push(StoredPublish {
            props,
            topic,
            payload,
            qos,
            retain: flag(p, "retain"),
            pkid: pkid as u16,
            released: flag(p, "released"),
        });
    }
    let mut incoming_qos2 = Vec::new();
    for id in list("incoming_qos2")? {
        let id = id.as_u64().filter(|&n| (1..=65_535).contains(&n));
        incoming_qos2.push(id.ok_or("\"incoming_qos2\" should hold packet ids 1 to 65535")? as u16);
    }
    Ok(Durable {
        version: DURABLE_VERSION,
        client_id: text_of(&v, "client_id").unwrap_or_default(),
        known_to_broker: flag(&v, "known_to_broker"),
        subscriptions,
        outgoing,
        incoming_qos2,
        next_pkid: small(&v, "next_pkid", 65_535).unwrap_or(1) as u16,
    })
}

#[cfg(test)]
mod tests {
    use bytes::Bytes;

    use super::*;
    use crate::mqtt::PublishProps;

    fn sample() -> Durable {
        Durable {
            version: DURABLE_VERSION,
            client_id: "deck-1".into(),
            known_to_broker: true,
            subscriptions: vec![
                ("a/#".into(), SubOptions::qos(QoS::AtLeastOnce)),
                (
                    "b/+".into(),
                    SubOptions {
                        qos: QoS::ExactlyOnce,
                        no_local: true,
                        retain_as_published: true,
                        retain_handling: 2,
                        id: Some(7),
                    },
                ),
            ],
            outgoing: vec![
                StoredPublish {
                    topic: "t/1".into(),
                    payload: vec![0, 255, b'x'],
                    qos: QoS::AtLeastOnce,
                    retain: true,
                    pkid: 4,
                    released: false,
                    props: PublishProps {
                        payload_format: Some(1),
                        message_expiry: Some(60),
                        content_type: Some("text/plain".into()),
                        response_topic: Some("t/reply".into()),
                        correlation_data: Some(Bytes::from_static(&[0, 9])),
                        user_properties: vec![("k".into(), "v".into()), ("k".into(), "w".into())],
                        ..PublishProps::default()
                    }
                    .boxed(),
                },
                StoredPublish {
                    topic: "t/2".into(),
                    payload: b"two".to_vec(),
                    qos: QoS::ExactlyOnce,
                    retain: false,
                    pkid: 0,
                    released: false,
                    props: None,
                },
            ],
            incoming_qos2: vec![9, 65_535],
            next_pkid: 12,
        }
    }

    #[test]
    fn a_record_reads_back_as_the_session_it_was_written_from() {
        let d = sample();
        assert_eq!(from_json(&to_json(&d)), Ok(d));
    }

    #[test]
    fn a_record_written_before_properties_were_kept_still_reads() {
        let text = r#"{"version":1,"client_id":"c","known_to_broker":false,"subscriptions":[],"outgoing":[{"topic":"t","payload":"eA==","qos":1,"retain":false,"pkid":0,"released":false}],"incoming_qos2":[],"next_pkid":1}"#;
        let d = from_json(text).expect("today's record");
        assert_eq!(d.outgoing[0].payload, b"x");
        assert_eq!(d.outgoing[0].props, None);
    }

    #[test]
    fn a_record_of_another_format_is_ignored_with_a_message_naming_both_formats() {
        let text = to_json(&sample()).replace("\"version\":1", "\"version\":2");
        let err = from_json(&text).unwrap_err();
        assert!(err.contains("format 2") && err.contains("format 1"), "{err}");
    }

    #[test]
    fn a_broken_record_is_refused_with_what_is_wrong_not_a_panic() {
        for (text, says) in [
            ("{\"version\":1,", "JSON"),
            ("[]", "format version"),
            (
                "{\"version\":1,\"subscriptions\":[],\"outgoing\":[{\"topic\":\"a\"}],\"incoming_qos2\":[]}",
                "message 1",
            ),
            (
                "{\"version\":1,\"subscriptions\":[],\"outgoing\":[],\"incoming_qos2\":[0]}",
                "packet ids",
            ),
            (
                "{\"version\":1,\"outgoing\":[],\"incoming_qos2\":[]}",
                "\"subscriptions\"",
            ),
            (
                r#"{"version":1,"subscriptions":[],"outgoing":[{"topic":"t","payload":"","qos":1,"pkid":0,"props":"JgABaw=="}],"incoming_qos2":[]}"#,
                "message 1's MQTT 5 properties are broken",
            ),
            (
                r#"{"version":1,"subscriptions":[],"outgoing":[{"topic":"t","payload":"","qos":1,"pkid":0,"props":7}],"incoming_qos2":[]}"#,
                "message 1's MQTT 5 properties are broken",
            ),
        ] {
            let err = from_json(text).unwrap_err();
            assert!(err.contains(says) || says == "JSON", "{text}: {err}");
        }
    }

    #[test]
    fn the_key_leaves_out_the_query_that_may_carry_a_token() {
        assert_eq!(
            key("wss://h.example/mqtt?X-Amz-Security-Token=secret", "dev-1"),
            "wss://h.example/mqtt dev-1"
        );
    }
}
