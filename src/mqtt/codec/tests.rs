//! Byte vectors from the MQTT 3.1.1 and 5.0 specs for every packet type, both directions.
//! Framing (splits, coalescing, limits, malformed input) is in `framing_tests.rs`; the
//! hand-written writers are held to mqttbytes in `write_tests.rs` and `prop_tests.rs`.

use bytes::Bytes;

use super::{encode, Framer};
use crate::mqtt::error::ProtocolError;
use crate::mqtt::packet::{ConnAck, Connect, Packet, Publish, PublishProps, QoS, SubOptions, Version, Will};

const V4: Version = Version::V311;
const V5: Version = Version::V5;

pub(super) fn decode(version: Version, bytes: &[u8]) -> Result<Option<Packet>, ProtocolError> {
    let mut framer = Framer::new(version, 1024 * 1024);
    framer.push(bytes);
    let packet = framer.next_packet();
    if let Ok(Some(_)) = packet {
        assert_eq!(framer.buffered(), 0, "the whole frame is one packet");
    }
    packet
}

/// `packet` encodes to exactly `bytes`, and `bytes` decodes to exactly `packet`.
fn both_ways(version: Version, packet: Packet, bytes: &[u8]) {
    let encoded = encode(version, &packet).expect("encodes");
    assert_eq!(&encoded[..], bytes, "{version:?} encode {packet:?}");
    assert_eq!(
        decode(version, bytes),
        Ok(Some(packet)),
        "{version:?} decode {bytes:02x?}"
    );
}

fn decodes_to(version: Version, bytes: &[u8], packet: Packet) {
    assert_eq!(decode(version, bytes), Ok(Some(packet)), "{bytes:02x?}");
}

/// The PUBLISH of `publish`, to set its properties.
fn message(qos: QoS, pkid: u16) -> Publish {
    match publish(qos, false, false, pkid) {
        Packet::Publish(p) => p,
        _ => unreachable!(),
    }
}

fn publish(qos: QoS, retain: bool, dup: bool, pkid: u16) -> Packet {
    Packet::Publish(Publish {
        topic: "a/b".into(),
        payload: Bytes::from_static(b"hi"),
        qos,
        retain,
        dup,
        pkid,
        props: None,
    })
}

fn full_connect(session_expiry: u32, receive_maximum: u16, max_packet_size: u32) -> Packet {
    Packet::Connect(Connect {
        client_id: "deck".into(),
        keep_alive: 10,
        clean_start: true,
        username: Some("user".into()),
        password: Some("pass".into()),
        will: Some(Will {
            topic: "w/t".into(),
            payload: Bytes::from_static(b"bye"),
            qos: QoS::AtLeastOnce,
            retain: true,
            delay: 0,
            props: None,
        }),
        session_expiry,
        receive_maximum,
        max_packet_size,
        topic_alias_max: 0,
        request_response_info: false,
        user_properties: Vec::new(),
        auth_method: None,
        auth_data: None,
    })
}

/// Flags 0xEE: username, password, will retain, will QoS 1, will, clean start.
#[rustfmt::skip]
const CONNECT_PAYLOAD: [u8; 22] = [
    0x00, 0x04, b'd', b'e', b'c', b'k',
    0x00, 0x03, b'w', b'/', b't',
    0x00, 0x03, b'b', b'y', b'e',
    0x00, 0x04, b'u', b's', b'e', b'r',
];

#[test]
fn v311_connect_carries_credentials_will_clean_session_and_keep_alive() {
    #[rustfmt::skip]
    let mut bytes = vec![
        0x10, 38,
        0x00, 0x04, b'M', b'Q', b'T', b'T', 0x04, 0xEE, 0x00, 0x0A,
    ];
    bytes.extend_from_slice(&CONNECT_PAYLOAD);
    bytes.extend_from_slice(&[0x00, 0x04, b'p', b'a', b's', b's']);
    both_ways(V4, full_connect(0, 0, 0), &bytes);
}

#[test]
fn v5_connect_carries_session_expiry_receive_maximum_and_max_packet_size() {
    #[rustfmt::skip]
    let mut bytes = vec![
        0x10, 53,
        0x00, 0x04, b'M', b'Q', b'T', b'T', 0x05, 0xEE, 0x00, 0x0A,
        13, // properties
        0x11, 0x00, 0x00, 0x0E, 0x10, // session expiry 3600 s
        0x21, 0x00, 0x14, // receive maximum 20
        0x27, 0x00, 0x01, 0x00, 0x00, // maximum packet size 65536
    ];
    // The will gets its own (empty) property list between client id and will topic.
    bytes.extend_from_slice(&CONNECT_PAYLOAD[..6]);
    bytes.push(0x00);
    bytes.extend_from_slice(&CONNECT_PAYLOAD[6..]);
    bytes.extend_from_slice(&[0x00, 0x04, b'p', b'a', b's', b's']);
    both_ways(V5, full_connect(3600, 20, 65536), &bytes);
}

#[test]
fn minimal_connect_has_no_flags_and_an_empty_v5_property_list() {
    let bare = Packet::Connect(Connect {
        client_id: "c".into(),
        keep_alive: 0,
        clean_start: false,
        username: None,
        password: None,
        will: None,
        session_expiry: 0,
        receive_maximum: 0,
        max_packet_size: 0,
        topic_alias_max: 0,
        request_response_info: false,
        user_properties: Vec::new(),
        auth_method: None,
        auth_data: None,
    });
    #[rustfmt::skip]
    both_ways(V4, bare.clone(), &[
        0x10, 13, 0x00, 0x04, b'M', b'Q', b'T', b'T', 0x04, 0x00, 0x00, 0x00,
        0x00, 0x01, b'c',
    ]);
    #[rustfmt::skip]
    both_ways(V5, bare, &[
        0x10, 14, 0x00, 0x04, b'M', b'Q', b'T', b'T', 0x05, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x01, b'c',
    ]);
}

#[test]
fn v311_connack_success_and_session_present() {
    both_ways(V4, Packet::ConnAck(ConnAck::default()), &[0x20, 0x02, 0x00, 0x00]);
    let present = ConnAck {
        session_present: true,
        ..ConnAck::default()
    };
    both_ways(V4, Packet::ConnAck(present), &[0x20, 0x02, 0x01, 0x00]);
}

#[test]
fn v311_connack_return_codes_map_to_v5_reason_codes() {
    // 1 protocol version, 2 client id, 3 unavailable, 4 bad credentials, 5 not authorized.
    for (rc, reason) in [(1, 0x84), (2, 0x85), (3, 0x88), (4, 0x86), (5, 0x87)] {
        let ack = Packet::ConnAck(ConnAck {
            code: reason,
            ..ConnAck::default()
        });
        both_ways(V4, ack, &[0x20, 0x02, 0x00, rc]);
    }
    assert!(matches!(
        decode(V4, &[0x20, 0x02, 0x00, 0x06]),
        Err(ProtocolError::Malformed(_))
    ));
}

#[test]
fn v5_connack_success_refusal_and_reason_string() {
    both_ways(
        V5,
        Packet::ConnAck(ConnAck::default()),
        &[0x20, 0x03, 0x00, 0x00, 0x00],
    );
    let refused = |code| {
        Packet::ConnAck(ConnAck {
            code,
            ..ConnAck::default()
        })
    };
    both_ways(V5, refused(0x87), &[0x20, 0x03, 0x00, 0x87, 0x00]);
    both_ways(V5, refused(0x86), &[0x20, 0x03, 0x00, 0x86, 0x00]);
    let with_reason = Packet::ConnAck(ConnAck {
        code: 0x87,
        reason_string: Some("denied".into()),
        ..ConnAck::default()
    });
    #[rustfmt::skip]
    both_ways(V5, with_reason, &[
        0x20, 12, 0x00, 0x87, 9, 0x1F, 0x00, 0x06, b'd', b'e', b'n', b'i', b'e', b'd',
    ]);
}

#[test]
fn v5_connack_limits_and_assigned_client_id_are_read_in_any_order() {
    #[rustfmt::skip]
    let bytes = [
        0x20, 25, 0x01, 0x00,
        22,
        0x12, 0x00, 0x06, b'a', b'u', b't', b'o', b'-', b'1', // assigned client id
        0x21, 0x00, 0x02, // receive maximum 2
        0x27, 0x00, 0x00, 0x04, 0x00, // maximum packet size 1024
        0x13, 0x00, 0x3C, // server keep alive 60
        0x24, 0x01, // maximum QoS 1
    ];
    decodes_to(
        V5,
        &bytes,
        Packet::ConnAck(ConnAck {
            session_present: true,
            code: 0,
            receive_maximum: Some(2),
            max_packet_size: Some(1024),
            max_qos: Some(1),
            assigned_client_id: Some("auto-1".into()),
            server_keep_alive: Some(60),
            reason_string: None,
            ..ConnAck::default()
        }),
    );
}

#[test]
fn publish_qos0_1_2_with_retain_and_dup() {
    let topic = [0x00, 0x03, b'a', b'/', b'b'];
    let cases: [(Packet, u8, &[u8]); 4] = [
        (publish(QoS::AtMostOnce, false, false, 0), 0x30, &[]),
        (publish(QoS::AtMostOnce, true, false, 0), 0x31, &[]),
        (publish(QoS::AtLeastOnce, false, true, 10), 0x3A, &[0x00, 0x0A]),
        (
            publish(QoS::ExactlyOnce, true, false, 0x1234),
            0x35,
            &[0x12, 0x34],
        ),
    ];
    for (packet, first, pkid) in cases {
        for v in [V4, V5] {
            // 5.0 adds an empty property list after the packet id.
            let props: &[u8] = if v == V5 { &[0x00] } else { &[] };
            let mut bytes = vec![first, (5 + pkid.len() + props.len() + 2) as u8];
            bytes.extend_from_slice(&topic);
            bytes.extend_from_slice(pkid);
            bytes.extend_from_slice(props);
            bytes.extend_from_slice(b"hi");
            both_ways(v, packet.clone(), &bytes);
        }
    }
}

#[test]
fn publish_acks_in_3_1_1_are_type_and_packet_id() {
    let cases = [
        (
            Packet::PubAck {
                pkid: 10,
                code: 0,
                reason: None,
            },
            0x40,
        ),
        (
            Packet::PubRec {
                pkid: 10,
                code: 0,
                reason: None,
            },
            0x50,
        ),
        // PUBREL has the reserved flags 0b0010.
        (Packet::PubRel { pkid: 10, code: 0 }, 0x62),
        (
            Packet::PubComp {
                pkid: 10,
                code: 0,
                reason: None,
            },
            0x70,
        ),
    ];
    for (packet, first) in cases {
        both_ways(V4, packet.clone(), &[first, 0x02, 0x00, 0x0A]);
        // Success in 5.0 may leave the reason code out: remaining length 2.
        both_ways(V5, packet, &[first, 0x02, 0x00, 0x0A]);
    }
}

#[test]
fn v5_publish_acks_carry_failure_reason_codes() {
    both_ways(
        V5,
        Packet::PubAck {
            pkid: 10,
            code: 0x87,
            reason: None,
        },
        &[0x40, 0x03, 0x00, 0x0A, 0x87],
    );
    both_ways(
        V5,
        Packet::PubRec {
            pkid: 10,
            code: 0x97,
            reason: None,
        },
        &[0x50, 0x03, 0x00, 0x0A, 0x97],
    );
    both_ways(
        V5,
        Packet::PubRel { pkid: 10, code: 0x92 },
        &[0x62, 0x03, 0x00, 0x0A, 0x92],
    );
    both_ways(
        V5,
        Packet::PubComp {
            pkid: 10,
            code: 0x92,
            reason: None,
        },
        &[0x70, 0x03, 0x00, 0x0A, 0x92],
    );
    // Reason code followed by an empty property list.
    decodes_to(
        V5,
        &[0x40, 0x04, 0x00, 0x0A, 0x10, 0x00],
        Packet::PubAck {
            pkid: 10,
            code: 0x10,
            reason: None,
        },
    );
}

#[test]
fn subscribe_lists_filters_with_requested_qos() {
    let packet = Packet::Subscribe {
        pkid: 1,
        filters: vec![
            ("a/+".into(), SubOptions::qos(QoS::AtLeastOnce)),
            ("#".into(), SubOptions::qos(QoS::ExactlyOnce)),
        ],
    };
    #[rustfmt::skip]
    let filters = [0x00, 0x03, b'a', b'/', b'+', 0x01, 0x00, 0x01, b'#', 0x02];
    let mut v4 = vec![0x82, 12, 0x00, 0x01];
    v4.extend_from_slice(&filters);
    both_ways(V4, packet.clone(), &v4);
    let mut v5 = vec![0x82, 13, 0x00, 0x01, 0x00];
    v5.extend_from_slice(&filters);
    both_ways(V5, packet, &v5);
}

#[test]
fn suback_grants_qos_or_refuses_per_filter() {
    let v4 = Packet::SubAck {
        pkid: 1,
        codes: vec![0, 2, 0x80],
        reason: None,
    };
    both_ways(V4, v4, &[0x90, 0x05, 0x00, 0x01, 0x00, 0x02, 0x80]);
    let v5 = Packet::SubAck {
        pkid: 1,
        codes: vec![0, 2, 0x87],
        reason: None,
    };
    both_ways(V5, v5, &[0x90, 0x06, 0x00, 0x01, 0x00, 0x00, 0x02, 0x87]);
}

#[test]
fn unsubscribe_and_unsuback() {
    let unsub = Packet::Unsubscribe {
        pkid: 2,
        filters: vec!["a".into()],
    };
    both_ways(V4, unsub.clone(), &[0xA2, 0x05, 0x00, 0x02, 0x00, 0x01, b'a']);
    both_ways(V5, unsub, &[0xA2, 0x06, 0x00, 0x02, 0x00, 0x00, 0x01, b'a']);
    // 3.1.1 UNSUBACK has no reason codes; 5.0 has one per filter.
    let v4 = Packet::UnsubAck {
        pkid: 2,
        codes: vec![],
        reason: None,
    };
    both_ways(V4, v4, &[0xB0, 0x02, 0x00, 0x02]);
    for code in [0x00, 0x11] {
        let v5 = Packet::UnsubAck {
            pkid: 2,
            codes: vec![code],
            reason: None,
        };
        both_ways(V5, v5, &[0xB0, 0x04, 0x00, 0x02, 0x00, code]);
    }
}

#[test]
fn pingreq_and_pingresp_are_two_bytes_in_both_versions() {
    for v in [V4, V5] {
        both_ways(v, Packet::PingReq, &[0xC0, 0x00]);
        both_ways(v, Packet::PingResp, &[0xD0, 0x00]);
    }
}

#[test]
fn disconnect_with_no_body_is_a_normal_disconnect_in_both_versions() {
    let normal = Packet::Disconnect {
        code: 0,
        reason: None,
    };
    both_ways(V4, normal.clone(), &[0xE0, 0x00]);
    // mqttbytes alone rejects this valid 5.0 form.
    both_ways(V5, normal, &[0xE0, 0x00]);
}

#[test]
fn v5_disconnect_with_reason_code_and_reason_string() {
    let taken = Packet::Disconnect {
        code: 0x8E,
        reason: Some("taken".into()),
    };
    #[rustfmt::skip]
    both_ways(V5, taken, &[
        0xE0, 10, 0x8E, 8, 0x1F, 0x00, 0x05, b't', b'a', b'k', b'e', b'n',
    ]);
}

#[test]
fn v5_disconnect_may_stop_after_the_reason_code() {
    // Remaining length 1: no property length at all (§3.14.2.2.1). Mosquitto sends this.
    let shutting_down = Packet::Disconnect {
        code: 0x8B,
        reason: None,
    };
    both_ways(V5, shutting_down.clone(), &[0xE0, 0x01, 0x8B]);
    decodes_to(V5, &[0xE0, 0x02, 0x8B, 0x00], shutting_down);
}

// What the fuzz targets found, one test per bug, named for what broke.
mod fuzz_found;
// MQTT 5 publish properties and subscription options, byte by byte.
mod props;
