//! Property tests for the codec: encode→decode round trips and a Framer fed arbitrary bytes.

use bytes::Bytes;
use proptest::prelude::*;

use super::{encode, Framer};
use crate::mqtt::error::ProtocolError;
use crate::mqtt::packet::{Packet, Publish, PublishProps, QoS, SubOptions, Version};

const MAX: usize = 1024 * 1024;

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 384,
        ..ProptestConfig::default()
    }
}

fn version() -> impl Strategy<Value = Version> {
    prop_oneof![Just(Version::V311), Just(Version::V5)]
}

pub(super) fn qos() -> impl Strategy<Value = QoS> {
    prop_oneof![
        Just(QoS::AtMostOnce),
        Just(QoS::AtLeastOnce),
        Just(QoS::ExactlyOnce)
    ]
}

/// Topic names as users type them: any UTF-8 except wildcards and NUL.
fn topic() -> impl Strategy<Value = String> {
    "[^+#\u{0}]{1,40}"
}

fn filter() -> impl Strategy<Value = String> {
    prop_oneof!["[a-z0-9/]{1,20}", "[a-z0-9]{1,8}/\\+/#", Just("#".to_string())]
}

fn publish() -> impl Strategy<Value = Publish> {
    (
        topic(),
        proptest::collection::vec(any::<u8>(), 0..300),
        qos(),
        any::<bool>(),
        any::<bool>(),
        1..=u16::MAX,
    )
        .prop_map(|(topic, payload, qos, retain, dup, pkid)| Publish {
            topic,
            payload: Bytes::from(payload),
            qos,
            retain,
            // DUP is meaningless (and must be 0) for QoS 0.
            dup: dup && qos != QoS::AtMostOnce,
            pkid: if qos == QoS::AtMostOnce { 0 } else { pkid },
            props: None,
        })
}

fn decode_one(version: Version, bytes: &[u8]) -> Result<Option<Packet>, ProtocolError> {
    let mut framer = Framer::new(version, MAX);
    framer.push(bytes);
    let packet = framer.next_packet();
    if let Ok(Some(_)) = packet {
        assert_eq!(framer.buffered(), 0, "a whole frame must be consumed");
    }
    packet
}

fn round_trip(version: Version, packet: &Packet) -> Packet {
    let bytes = encode(version, packet).expect("encodable");
    decode_one(version, &bytes)
        .expect("decodable")
        .expect("a whole packet")
}

/// Cuts `bytes` at the given (sorted, deduplicated) offsets.
fn chunks(bytes: &[u8], mut cuts: Vec<usize>) -> Vec<&[u8]> {
    cuts.retain(|c| *c < bytes.len());
    cuts.sort_unstable();
    cuts.dedup();
    let mut out = Vec::new();
    let mut start = 0;
    for cut in cuts {
        out.push(&bytes[start..cut]);
        start = cut;
    }
    out.push(&bytes[start..]);
    out
}

/// Drains a framer; stops at the first error, as the session does.
fn drain(framer: &mut Framer, out: &mut Vec<Packet>) -> Result<(), ProtocolError> {
    while let Some(p) = framer.next_packet()? {
        out.push(p);
    }
    Ok(())
}

/// Any properties a PUBLISH may carry from a client (no subscription identifiers, which
/// only brokers send), including repeated user property keys and none at all.
pub(super) fn props() -> impl Strategy<Value = Option<Box<PublishProps>>> {
    let text = "[^\u{0}]{0,12}";
    (
        proptest::option::of(0u8..=1),
        proptest::option::of(any::<u32>()),
        proptest::option::of(text),
        proptest::option::of(topic()),
        proptest::option::of(proptest::collection::vec(any::<u8>(), 0..16)),
        proptest::collection::vec((text, text), 0..4),
        proptest::option::of(1u16..=u16::MAX),
    )
        .prop_map(
            |(payload_format, message_expiry, content_type, response_topic, corr, user, alias)| {
                PublishProps {
                    payload_format,
                    message_expiry,
                    content_type,
                    response_topic,
                    correlation_data: corr.map(Bytes::from),
                    user_properties: user,
                    subscription_ids: Vec::new(),
                    topic_alias: alias,
                }
                .boxed()
            },
        )
}

/// mqttbytes' PUBLISH for `p`, the reference the hand-written writer is held to.
fn mqttbytes_publish(v: Version, p: &Publish) -> bytes::BytesMut {
    use mqttbytes::{v4, v5};
    let mut out = bytes::BytesMut::new();
    let qos = super::qos_to_wire(p.qos);
    let (topic, payload) = (p.topic.clone(), p.payload.clone());
    match v {
        Version::V311 => v4::Publish {
            dup: p.dup,
            qos,
            retain: p.retain,
            topic,
            pkid: p.pkid,
            payload,
        }
        .write(&mut out),
        Version::V5 => v5::Publish {
            dup: p.dup,
            qos,
            retain: p.retain,
            topic,
            pkid: p.pkid,
            properties: p.props.as_deref().map(|pp| v5::PublishProperties {
                payload_format_indicator: pp.payload_format,
                message_expiry_interval: pp.message_expiry,
                topic_alias: pp.topic_alias,
                response_topic: pp.response_topic.clone(),
                correlation_data: pp.correlation_data.clone(),
                user_properties: pp.user_properties.clone(),
                subscription_identifiers: Vec::new(),
                content_type: pp.content_type.clone(),
            }),
            payload,
        }
        .write(&mut out),
    }
    .expect("mqttbytes writes it");
    out
}

/// One to five filters with any MQTT 5 options and one identifier for all of them (the
/// session sends one per SUBSCRIBE).
fn subscriptions() -> impl Strategy<Value = Vec<(String, SubOptions)>> {
    (
        proptest::collection::vec((filter(), qos(), any::<bool>(), any::<bool>(), 0u8..=2), 1..6),
        proptest::option::of(1u32..=268_435_455),
    )
        .prop_map(|(filters, id)| {
            filters
                .into_iter()
                .map(|(f, qos, no_local, retain_as_published, retain_handling)| {
                    (
                        f,
                        SubOptions {
                            qos,
                            no_local,
                            retain_as_published,
                            retain_handling,
                            id,
                        },
                    )
                })
                .collect()
        })
}

/// mqttbytes' SUBSCRIBE and UNSUBSCRIBE for the same filters, the reference for ours.
fn mqttbytes_subscriptions(v: Version, pkid: u16, filters: &[(String, SubOptions)]) -> (Vec<u8>, Vec<u8>) {
    use mqttbytes::{v4, v5};
    let (mut sub, mut unsub) = (bytes::BytesMut::new(), bytes::BytesMut::new());
    let names: Vec<String> = filters.iter().map(|(f, _)| f.clone()).collect();
    match v {
        Version::V311 => {
            v4::Subscribe {
                pkid,
                filters: filters
                    .iter()
                    .map(|(f, o)| v4::SubscribeFilter::new(f.clone(), super::qos_to_wire(o.qos)))
                    .collect(),
            }
            .write(&mut sub)
            .unwrap();
            v4::Unsubscribe { pkid, topics: names }.write(&mut unsub).unwrap();
        }
        Version::V5 => {
            let id = filters.iter().find_map(|(_, o)| o.id);
            v5::Subscribe {
                pkid,
                filters: filters
                    .iter()
                    .map(|(f, o)| v5::SubscribeFilter {
                        path: f.clone(),
                        qos: super::qos_to_wire(o.qos),
                        nolocal: o.no_local,
                        preserve_retain: o.retain_as_published,
                        retain_forward_rule: match o.retain_handling {
                            0 => v5::RetainForwardRule::OnEverySubscribe,
                            1 => v5::RetainForwardRule::OnNewSubscribe,
                            _ => v5::RetainForwardRule::Never,
                        },
                    })
                    .collect(),
                properties: id.map(|id| v5::SubscribeProperties {
                    id: Some(id as usize),
                    user_properties: Vec::new(),
                }),
            }
            .write(&mut sub)
            .unwrap();
            v5::Unsubscribe {
                pkid,
                filters: names,
                properties: None,
            }
            .write(&mut unsub)
            .unwrap();
        }
    }
    (sub.to_vec(), unsub.to_vec())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn subscribes_and_unsubscribes_are_written_byte_for_byte_as_mqttbytes_writes_them(
        v in version(),
        pkid in 1..=u16::MAX,
        filters in subscriptions(),
    ) {
        let names: Vec<String> = filters.iter().map(|(f, _)| f.clone()).collect();
        let (sub, unsub) = mqttbytes_subscriptions(v, pkid, &filters);
        let ours = encode(v, &Packet::Subscribe { pkid, filters }).expect("encodable");
        prop_assert_eq!(&ours[..], &sub[..]);
        let ours = encode(v, &Packet::Unsubscribe { pkid, filters: names }).expect("encodable");
        prop_assert_eq!(&ours[..], &unsub[..]);
    }

    #[test]
    fn any_v5_publish_properties_survive_encode_then_decode(p in publish(), props in props()) {
        let packet = Packet::Publish(Publish { props, ..p });
        prop_assert_eq!(round_trip(Version::V5, &packet), packet);
    }

    #[test]
    fn publishes_are_written_byte_for_byte_as_mqttbytes_writes_them(
        v in version(),
        mut p in publish(),
        props in props(),
    ) {
        p.props = props;
        let ours = encode(v, &Packet::Publish(p.clone())).expect("encodable");
        prop_assert_eq!(&ours[..], &mqttbytes_publish(v, &p)[..]);
    }

    #[test]
    fn publishes_mqttbytes_writes_are_read_as_they_were_written(v in version(), mut p in publish(), props in props()) {
        // 3.1.1 carries no properties; the reader is held to mqttbytes' writer directly.
        p.props = if v == Version::V5 { props } else { None };
        let read = decode_one(v, &mqttbytes_publish(v, &p)).expect("decodable").expect("whole");
        prop_assert_eq!(read, Packet::Publish(p));
    }

    #[test]
    fn any_publish_survives_encode_then_decode(v in version(), p in publish()) {
        let packet = Packet::Publish(p);
        prop_assert_eq!(round_trip(v, &packet), packet);
    }

    #[test]
    fn any_subscribe_survives_encode_then_decode(
        v in version(),
        pkid in 1..=u16::MAX,
        mut filters in subscriptions(),
    ) {
        // MQTT 5 carries every option and one identifier per packet; 3.1.1 only the QoS.
        if v == Version::V311 {
            for (_, o) in &mut filters {
                *o = SubOptions::qos(o.qos);
            }
        }
        let packet = Packet::Subscribe { pkid, filters };
        prop_assert_eq!(round_trip(v, &packet), packet);
    }

    #[test]
    fn any_unsubscribe_survives_encode_then_decode(
        v in version(),
        pkid in 1..=u16::MAX,
        filters in proptest::collection::vec(filter(), 1..6),
    ) {
        let packet = Packet::Unsubscribe { pkid, filters };
        prop_assert_eq!(round_trip(v, &packet), packet);
    }

    #[test]
    fn any_publish_ack_survives_encode_then_decode(
        v in version(),
        kind in 0..4u8,
        pkid in 1..=u16::MAX,
        failed in any::<bool>(),
    ) {
        // 3.1.1 acks carry no reason code; 5.0 ones may.
        let code = match (v, kind, failed) {
            (Version::V311, _, _) | (_, _, false) => 0,
            (Version::V5, 0 | 1, true) => 0x87,
            (Version::V5, _, true) => 0x92,
        };
        let packet = match kind {
            0 => Packet::PubAck { pkid, code, reason: None },
            1 => Packet::PubRec { pkid, code, reason: None },
            2 => Packet::PubRel { pkid, code },
            _ => Packet::PubComp { pkid, code, reason: None },
        };
        prop_assert_eq!(round_trip(v, &packet), packet);
    }

    #[test]
    fn any_suback_survives_encode_then_decode(
        v in version(),
        pkid in 1..=u16::MAX,
        codes in proptest::collection::vec(prop_oneof![Just(0u8), Just(1), Just(2), Just(0x80)], 1..6),
    ) {
        let codes: Vec<u8> = match v {
            Version::V311 => codes,
            // 0x80 is "unspecified error" in 5.0 too; add the 5.0-only refusal.
            Version::V5 => codes.into_iter().map(|c| if c == 0x80 { 0x87 } else { c }).collect(),
        };
        let packet = Packet::SubAck { pkid, codes, reason: None };
        prop_assert_eq!(round_trip(v, &packet), packet);
    }

    #[test]
    fn any_auth_survives_encode_then_decode(
        code in prop_oneof![Just(0x00u8), Just(0x18), Just(0x19)],
        method in proptest::option::of("[^\u{0}]{0,30}"),
        data in proptest::collection::vec(any::<u8>(), 0..300),
        reason in proptest::option::of("[^\u{0}]{0,30}"),
    ) {
        // Data needs a method (§3.15.2.2.3).
        let data = method.as_ref().map(|_| Bytes::from(data));
        let packet = Packet::Auth { code, method, data, reason };
        prop_assert_eq!(round_trip(Version::V5, &packet), packet);
    }

    /// AUTH (type 15) exists only in 5.0; its bodies get the same junk.
    #[test]
    fn arbitrary_auth_bodies_never_panic_and_never_wait(
        body in proptest::collection::vec(any::<u8>(), 0..100),
    ) {
        let mut wire = vec![0xF0, body.len() as u8];
        wire.extend_from_slice(&body);
        prop_assert!(!matches!(decode_one(Version::V5, &wire), Ok(None)));
    }

    #[test]
    fn packets_split_anywhere_come_out_whole_and_in_order(
        v in version(),
        ps in proptest::collection::vec(publish(), 1..5),
        cuts in proptest::collection::vec(0usize..2000, 0..12),
    ) {
        let mut wire = Vec::new();
        for p in &ps {
            wire.extend_from_slice(&encode(v, &Packet::Publish(p.clone())).unwrap());
        }
        let mut framer = Framer::new(v, MAX);
        let mut got = Vec::new();
        for chunk in chunks(&wire, cuts) {
            framer.push(chunk);
            drain(&mut framer, &mut got).unwrap();
        }
        let want: Vec<Packet> = ps.into_iter().map(Packet::Publish).collect();
        prop_assert_eq!(got, want);
        prop_assert_eq!(framer.buffered(), 0);
    }

    /// Whatever a broker sends, the framer answers with packets, "need more" or an
    /// error, and never panics (a panic in wasm kills the whole page).
    #[test]
    fn arbitrary_bytes_in_any_chunks_never_panic(
        v in version(),
        bytes in proptest::collection::vec(any::<u8>(), 0..200),
        cuts in proptest::collection::vec(0usize..200, 0..8),
    ) {
        let mut framer = Framer::new(v, 512);
        let mut got = Vec::new();
        for chunk in chunks(&bytes, cuts) {
            framer.push(chunk);
            if drain(&mut framer, &mut got).is_err() {
                break;
            }
        }
    }

    /// Random bytes rarely get past the fixed header; these start with a plausible
    /// header so that the packet decoders themselves see junk bodies.
    #[test]
    fn arbitrary_bodies_behind_a_valid_header_never_panic(
        v in version(),
        kind in 1..15u8,
        flags in 0..16u8,
        body in proptest::collection::vec(any::<u8>(), 0..100),
    ) {
        let mut wire = vec![kind << 4 | flags, body.len() as u8];
        wire.extend_from_slice(&body);
        let result = decode_one(v, &wire);
        // The frame is complete: waiting for more bytes would hang the connection.
        prop_assert!(!matches!(result, Ok(None)), "whole frame answered with Ok(None)");
    }
}
