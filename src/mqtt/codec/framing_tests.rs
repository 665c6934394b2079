//! Framer behaviour: packets split across or packed into pushes, size limits, and
//! malformed input that must end in an error rather than a wait.

use bytes::Bytes;

use super::tests::decode;
use super::{encode, Framer};
use crate::mqtt::error::ProtocolError;
use crate::mqtt::packet::{ConnAck, Connect, Packet, Publish, QoS, Version};

const V4: Version = Version::V311;
const V5: Version = Version::V5;

fn connect() -> Packet {
    Packet::Connect(Connect {
        client_id: "deck".into(),
        keep_alive: 30,
        clean_start: true,
        username: Some("u".into()),
        password: Some("p".into()),
        will: None,
        session_expiry: 60,
        receive_maximum: 10,
        max_packet_size: 4096,
        topic_alias_max: 0,
        request_response_info: false,
        user_properties: Vec::new(),
        auth_method: None,
        auth_data: None,
    })
}

fn qos1(pkid: u16) -> Packet {
    Packet::Publish(Publish {
        topic: "t".into(),
        payload: Bytes::from_static(b"payload"),
        qos: QoS::AtLeastOnce,
        retain: false,
        dup: false,
        pkid,
        props: None,
    })
}

#[test]
fn a_packet_fed_one_byte_at_a_time_comes_out_once_at_the_last_byte() {
    for v in [V4, V5] {
        let bytes = encode(v, &connect()).unwrap();
        let mut framer = Framer::new(v, 1024);
        let (last, init) = bytes.split_last().unwrap();
        for b in init {
            framer.push(&[*b]);
            assert_eq!(framer.next_packet(), Ok(None), "{v:?}: early packet");
        }
        framer.push(&[*last]);
        let mut expected = connect();
        if v == V4 {
            // 3.1.1 has no CONNECT properties.
            if let Packet::Connect(c) = &mut expected {
                (c.session_expiry, c.receive_maximum, c.max_packet_size) = (0, 0, 0);
            }
        }
        assert_eq!(framer.next_packet(), Ok(Some(expected)));
        assert_eq!(framer.next_packet(), Ok(None));
        assert_eq!(framer.buffered(), 0);
    }
}

#[test]
fn three_packets_in_one_push_come_out_as_three_in_order() {
    for v in [V4, V5] {
        let packets = [
            qos1(7),
            Packet::PubAck {
                pkid: 3,
                code: 0,
                reason: None,
            },
            Packet::PingResp,
        ];
        let mut wire = Vec::new();
        for p in &packets {
            wire.extend_from_slice(&encode(v, p).unwrap());
        }
        let mut framer = Framer::new(v, 1024);
        framer.push(&wire);
        for p in packets {
            assert_eq!(framer.next_packet(), Ok(Some(p)));
        }
        assert_eq!(framer.next_packet(), Ok(None));
    }
}

#[test]
fn a_packet_and_the_start_of_the_next_yield_one_and_keep_the_rest() {
    let first = encode(V5, &qos1(1)).unwrap();
    let second = encode(V5, &qos1(2)).unwrap();
    let mut framer = Framer::new(V5, 1024);
    framer.push(&first);
    framer.push(&second[..3]);
    assert_eq!(framer.next_packet(), Ok(Some(qos1(1))));
    assert_eq!(framer.next_packet(), Ok(None));
    assert_eq!(framer.buffered(), 3);
    framer.push(&second[3..]);
    assert_eq!(framer.next_packet(), Ok(Some(qos1(2))));
}

#[test]
fn v5_auth_is_decoded_and_waits_for_its_body_like_any_packet() {
    let success = Packet::Auth {
        code: 0,
        method: None,
        data: None,
        reason: None,
    };
    assert_eq!(decode(V5, &[0xF0, 0x00]), Ok(Some(success)));
    assert_eq!(decode(V5, &[0xF0, 0x7F]), Ok(None));
    // Its flags are reserved: known wrong from the first byte.
    assert!(matches!(
        decode(V5, &[0xF1, 0x7F]),
        Err(ProtocolError::Malformed(_))
    ));
}

#[test]
fn packet_type_15_in_3_1_1_and_type_0_anywhere_are_malformed() {
    assert!(matches!(
        decode(V4, &[0xF0, 0x00]),
        Err(ProtocolError::Malformed(_))
    ));
    for v in [V4, V5] {
        assert!(matches!(
            decode(v, &[0x00, 0x00]),
            Err(ProtocolError::Malformed(_))
        ));
    }
}

#[test]
fn a_packet_that_needs_a_body_but_has_none_is_malformed() {
    for v in [V4, V5] {
        for first in [0x20, 0x30, 0x40, 0x90, 0xB0] {
            assert!(
                matches!(decode(v, &[first, 0x00]), Err(ProtocolError::Malformed(_))),
                "{v:?} {first:#x}"
            );
        }
    }
}

/// A whole frame whose inner lengths point past its end must be an error: answering
/// "need more bytes" would wait for bytes that belong to the next packet.
#[test]
fn inner_lengths_that_overrun_the_frame_are_errors_not_waits() {
    let lies: [(Version, &[u8]); 6] = [
        // SUBACK: property length 5, frame ends.
        (V5, &[0x90, 0x03, 0x00, 0x01, 0x05]),
        // CONNACK: property length 7, frame ends.
        (V5, &[0x20, 0x03, 0x00, 0x00, 0x07]),
        // CONNACK: an assigned client id of 200 bytes in a 10-byte frame.
        (V5, &[0x20, 0x08, 0x00, 0x00, 0x05, 0x12, 0x00, 0xC8, b'a', b'b']),
        // PUBLISH: topic of 9 bytes in a 4-byte body.
        (V4, &[0x30, 0x04, 0x00, 0x09, b'a', b'b']),
        (V5, &[0x30, 0x04, 0x00, 0x09, b'a', b'b']),
        // QoS 1 PUBLISH with no room for its packet id.
        (V4, &[0x32, 0x03, 0x00, 0x01, b't']),
    ];
    for (v, frame) in lies {
        let mut framer = Framer::new(v, 1024);
        framer.push(frame);
        // A valid packet right behind must not be swallowed as the missing bytes.
        framer.push(&[0xD0, 0x00]);
        assert!(
            framer.next_packet().is_err(),
            "{v:?} {frame:02x?} was not an error"
        );
    }
}

#[test]
fn publish_with_qos_3_or_packet_id_0_is_malformed() {
    for v in [V4, V5] {
        let qos3 = decode(v, &[0x36, 0x05, 0x00, 0x01, b't', 0x00, 0x01]);
        assert!(matches!(qos3, Err(ProtocolError::Malformed(_))), "{qos3:?}");
        let pkid0 = decode(v, &[0x32, 0x05, 0x00, 0x01, b't', 0x00, 0x00]);
        assert!(matches!(pkid0, Err(ProtocolError::Malformed(_))), "{pkid0:?}");
    }
}

#[test]
fn an_oversized_packet_is_refused_as_soon_as_its_header_arrives() {
    // MQTT 5 brokers know our limit: anything larger breaks the protocol.
    let mut framer = Framer::new(V5, 64);
    // PUBLISH with remaining length 255: only the fixed header has arrived.
    framer.push(&[0x30, 0xFF, 0x01]);
    assert_eq!(
        framer.next_packet(),
        Err(ProtocolError::PacketTooLarge { size: 258, max: 64 })
    );
    // Other packet types are refused in 3.1.1 too (SUBACK, remaining length 255).
    let mut framer = Framer::new(V4, 64);
    framer.push(&[0x90, 0xFF, 0x01]);
    assert_eq!(
        framer.next_packet(),
        Err(ProtocolError::PacketTooLarge { size: 258, max: 64 })
    );
}

fn big_publish(qos: QoS, pkid: u16, len: usize) -> Bytes {
    encode(
        V4,
        &Packet::Publish(Publish {
            topic: "cam/front/jpeg".into(),
            payload: Bytes::from(vec![0x5A; len]),
            qos,
            retain: false,
            dup: false,
            pkid,
            props: None,
        }),
    )
    .unwrap()
}

#[test]
fn an_oversized_3_1_1_publish_is_skipped_by_topic_and_the_stream_goes_on() {
    for (qos, pkid) in [(QoS::AtMostOnce, 0), (QoS::AtLeastOnce, 7), (QoS::ExactlyOnce, 8)] {
        let big = big_publish(qos, pkid, 5_000);
        let small = Packet::PingResp;
        let mut stream = big.to_vec();
        stream.extend_from_slice(&encode(V4, &small).unwrap());
        let mut framer = Framer::new(V4, 1024);
        let mut out = Vec::new();
        // Trickled in small pieces: the skipped body is never buffered whole.
        for chunk in stream.chunks(100) {
            framer.push(chunk);
            while let Some(p) = framer.next_packet().unwrap() {
                out.push(p);
            }
            assert!(framer.buffered() <= 200, "{}", framer.buffered());
        }
        assert_eq!(
            out,
            vec![
                Packet::Skipped {
                    topic: "cam/front/jpeg".into(),
                    size: big.len(),
                    qos,
                    pkid,
                },
                small
            ]
        );
    }
}

#[test]
fn an_oversized_3_1_1_publish_whose_topic_overruns_it_is_malformed() {
    // Remaining length 200 but a topic length of 1,000.
    let mut framer = Framer::new(V4, 64);
    let mut bytes = vec![0x30, 0xC8, 0x01, 0x03, 0xE8];
    bytes.extend(std::iter::repeat_n(b'a', 198));
    framer.push(&bytes);
    assert!(matches!(framer.next_packet(), Err(ProtocolError::Malformed(_))));
}

#[test]
fn the_size_limit_counts_the_fixed_header_too() {
    // Remaining length 63 + 2 header bytes = 65 > 64, though 63 alone would fit.
    let mut framer = Framer::new(V5, 64);
    framer.push(&[0x30, 63]);
    assert_eq!(
        framer.next_packet(),
        Err(ProtocolError::PacketTooLarge { size: 65, max: 64 })
    );
    // Exactly at the limit is fine.
    let publish = Packet::Publish(Publish {
        topic: "t".into(),
        payload: Bytes::from(vec![7; 58]),
        qos: QoS::AtMostOnce,
        retain: false,
        dup: false,
        pkid: 0,
        props: None,
    });
    let bytes = encode(V5, &publish).unwrap();
    assert_eq!(bytes.len(), 64);
    let mut framer = Framer::new(V5, 64);
    framer.push(&bytes);
    assert_eq!(framer.next_packet(), Ok(Some(publish)));
}

#[test]
fn a_remaining_length_of_more_than_four_bytes_is_malformed() {
    for v in [V4, V5] {
        assert!(matches!(
            decode(v, &[0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]),
            Err(ProtocolError::Malformed(_))
        ));
        // Three continuation bytes so far: still a legal prefix, so wait.
        let mut framer = Framer::new(v, usize::MAX);
        framer.push(&[0x30, 0xFF, 0xFF, 0xFF]);
        assert_eq!(framer.next_packet(), Ok(None));
    }
}

#[test]
fn a_multi_byte_remaining_length_frames_a_large_publish() {
    for v in [V4, V5] {
        let publish = Packet::Publish(Publish {
            topic: "big".into(),
            payload: Bytes::from(vec![0xAB; 20_000]),
            qos: QoS::ExactlyOnce,
            retain: true,
            dup: false,
            pkid: 9,
            props: None,
        });
        let bytes = encode(v, &publish).unwrap();
        // 20,000+ needs three length bytes (16,384 ..= 2,097,151).
        assert_eq!(bytes[1] & 0x80, 0x80);
        assert_eq!(bytes[2] & 0x80, 0x80);
        assert_eq!(bytes[3] & 0x80, 0);
        let mut framer = Framer::new(v, 1024 * 1024);
        for chunk in bytes.chunks(4096) {
            framer.push(chunk);
        }
        assert_eq!(framer.next_packet(), Ok(Some(publish)));
    }
}

#[test]
fn a_3_1_1_connack_to_a_v5_connect_reads_as_unsupported_version() {
    // 5.0 CONNACK must carry a property length; the two-byte 3.1.1 shape (here return
    // code 1, "unacceptable protocol version") means the broker speaks only 3.1.1.
    for rc in [0x00, 0x01] {
        let mut framer = Framer::new(V5, 1024);
        framer.push(&[0x20, 0x02, 0x00, rc]);
        assert_eq!(
            framer.next_packet(),
            Ok(Some(Packet::ConnAck(ConnAck {
                code: 0x84,
                ..ConnAck::default()
            })))
        );
    }
    // The same bytes are a fine 3.1.1 CONNACK.
    assert_eq!(
        decode(V4, &[0x20, 0x02, 0x00, 0x00]),
        Ok(Some(Packet::ConnAck(ConnAck::default())))
    );
}
