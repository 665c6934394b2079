//! The hand-written CONNECT writer (`write.rs`) held byte for byte to mqttbytes' writers, for
//! both versions, on any connection a user can set up: empty or missing login fields, a will
//! with or without its MQTT 5 properties, limits, user properties and SCRAM's first message.

use bytes::Bytes;
use mqttbytes::{v4, v5};
use proptest::prelude::*;

use super::{encode, qos_to_wire};
use crate::mqtt::packet::{Connect, Packet, Version, Will};

fn text() -> impl Strategy<Value = String> {
    "[^\u{0}]{0,12}"
}

fn will() -> impl Strategy<Value = Will> {
    (
        "[a-z/]{1,20}",
        proptest::collection::vec(any::<u8>(), 0..40),
        super::prop_tests::qos(),
        any::<bool>(),
        prop_oneof![Just(0u32), any::<u32>()],
        // A PUBLISH's properties: a will takes all but the topic alias, which is never written.
        super::prop_tests::props(),
    )
        .prop_map(|(topic, payload, qos, retain, delay, props)| Will {
            topic,
            payload: Bytes::from(payload),
            qos,
            retain,
            delay,
            props,
        })
}

fn connect() -> impl Strategy<Value = Connect> {
    (
        ("[a-zA-Z0-9-]{0,23}", any::<u16>(), any::<bool>()),
        (proptest::option::of(text()), proptest::option::of(text())),
        proptest::option::of(will()),
        (
            prop_oneof![Just(0u32), any::<u32>()],
            any::<u16>(),
            prop_oneof![Just(0u32), any::<u32>()],
        ),
        (
            any::<u16>(),
            any::<bool>(),
            proptest::collection::vec((text(), text()), 0..3),
        ),
        proptest::option::of((
            "SCRAM-SHA-(1|256|512)",
            proptest::collection::vec(any::<u8>(), 0..40),
        )),
    )
        .prop_map(
            |((client_id, keep_alive, clean_start), (username, password), will, limits, more, auth)| {
                let (session_expiry, receive_maximum, max_packet_size) = limits;
                let (topic_alias_max, request_response_info, user_properties) = more;
                Connect {
                    client_id,
                    keep_alive,
                    clean_start,
                    username,
                    password,
                    will,
                    session_expiry,
                    receive_maximum,
                    max_packet_size,
                    topic_alias_max,
                    request_response_info,
                    user_properties,
                    auth_method: auth.as_ref().map(|(m, _)| m.clone()),
                    auth_data: auth.map(|(_, d)| Bytes::from(d)),
                }
            },
        )
}

/// What mqttbytes writes for `c`: the reference (and, before `write::connect`, the writer).
fn mqttbytes_connect(v: Version, c: &Connect) -> Vec<u8> {
    let login = match (&c.username, &c.password) {
        (None, None) => None,
        (u, p) => Some(v4::Login {
            username: u.clone().unwrap_or_default(),
            password: p.clone().unwrap_or_default(),
        }),
    };
    let mut out = bytes::BytesMut::new();
    match v {
        Version::V311 => v4::Connect {
            protocol: mqttbytes::Protocol::V4,
            keep_alive: c.keep_alive,
            client_id: c.client_id.clone(),
            clean_session: c.clean_start,
            last_will: c.will.as_ref().map(|w| v4::LastWill {
                topic: w.topic.clone(),
                message: w.payload.clone(),
                qos: qos_to_wire(w.qos),
                retain: w.retain,
            }),
            login,
        }
        .write(&mut out),
        Version::V5 => v5::Connect {
            protocol: mqttbytes::Protocol::V5,
            keep_alive: c.keep_alive,
            client_id: c.client_id.clone(),
            clean_session: c.clean_start,
            last_will: c.will.as_ref().map(|w| {
                let p = w.props.as_deref();
                v5::LastWill {
                    topic: w.topic.clone(),
                    message: w.payload.clone(),
                    qos: qos_to_wire(w.qos),
                    retain: w.retain,
                    properties: (w.delay > 0 || p.is_some()).then(|| v5::WillProperties {
                        delay_interval: (w.delay > 0).then_some(w.delay),
                        payload_format_indicator: p.and_then(|p| p.payload_format),
                        message_expiry_interval: p.and_then(|p| p.message_expiry),
                        content_type: p.and_then(|p| p.content_type.clone()),
                        response_topic: p.and_then(|p| p.response_topic.clone()),
                        correlation_data: p.and_then(|p| p.correlation_data.clone()),
                        user_properties: p.map(|p| p.user_properties.clone()).unwrap_or_default(),
                    }),
                }
            }),
            login: login.map(|l| v5::Login {
                username: l.username,
                password: l.password,
            }),
            properties: Some(v5::ConnectProperties {
                session_expiry_interval: (c.session_expiry > 0).then_some(c.session_expiry),
                receive_maximum: (c.receive_maximum > 0).then_some(c.receive_maximum),
                max_packet_size: (c.max_packet_size > 0).then_some(c.max_packet_size),
                topic_alias_max: (c.topic_alias_max > 0).then_some(c.topic_alias_max),
                request_response_info: c.request_response_info.then_some(1),
                request_problem_info: None,
                user_properties: c.user_properties.clone(),
                authentication_method: c.auth_method.clone(),
                authentication_data: c.auth_data.clone(),
            }),
        }
        .write(&mut out),
    }
    .expect("mqttbytes writes it");
    out.to_vec()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn connect_is_written_byte_for_byte_as_mqttbytes_writes_it(c in connect()) {
        for v in [Version::V311, Version::V5] {
            let ours = encode(v, &Packet::Connect(c.clone())).expect("ours writes it");
            prop_assert_eq!(ours.to_vec(), mqttbytes_connect(v, &c), "{:?}", v);
        }
    }
}
