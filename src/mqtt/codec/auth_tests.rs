//! AUTH (§3.15) and the authentication fields of CONNECT/CONNACK as byte vectors written
//! from the MQTT 5 spec, both ways, and the malformed forms a broker could send.

use bytes::Bytes;

use crate::mqtt::codec::{encode, tests::decode};
use crate::mqtt::error::{Error, ProtocolError};
use crate::mqtt::packet::{ConnAck, Connect, Packet, Version};

const V5: Version = Version::V5;

fn auth(code: u8, method: Option<&str>, data: Option<&'static [u8]>, reason: Option<&str>) -> Packet {
    Packet::Auth {
        code,
        method: method.map(str::to_string),
        data: data.map(Bytes::from_static),
        reason: reason.map(str::to_string),
    }
}

fn both_ways(packet: Packet, bytes: &[u8]) {
    assert_eq!(
        &encode(V5, &packet).expect("encodes")[..],
        bytes,
        "encode {packet:?}"
    );
    assert_eq!(decode(V5, bytes), Ok(Some(packet)), "decode {bytes:02x?}");
}

fn malformed(bytes: &[u8]) {
    assert!(
        matches!(decode(V5, bytes), Err(ProtocolError::Malformed(_))),
        "{bytes:02x?} gave {:?}",
        decode(V5, bytes)
    );
}

#[test]
fn continue_authentication_carries_method_and_data() {
    #[rustfmt::skip]
    let bytes = [
        0xF0, 22,
        0x18, // continue authentication
        20,   // property length
        0x15, 0x00, 11, b'S', b'C', b'R', b'A', b'M', b'-', b'S', b'H', b'A', b'-', b'1',
        0x16, 0x00, 3, b'a', b',', b'b',
    ];
    both_ways(auth(0x18, Some("SCRAM-SHA-1"), Some(b"a,b"), None), &bytes);
}

#[test]
fn re_authenticate_and_success_with_a_reason_string() {
    #[rustfmt::skip]
    both_ways(auth(0x19, Some("M"), Some(b""), None), &[
        0xF0, 9, 0x19, 7, 0x15, 0x00, 1, b'M', 0x16, 0x00, 0,
    ]);
    #[rustfmt::skip]
    both_ways(auth(0x00, Some("M"), None, Some("ok")), &[
        0xF0, 11, 0x00, 9, 0x15, 0x00, 1, b'M', 0x1F, 0x00, 2, b'o', b'k',
    ]);
}

#[test]
fn success_without_properties_is_the_short_form_and_every_short_form_decodes() {
    let success = auth(0, None, None, None);
    both_ways(success.clone(), &[0xF0, 0x00]);
    // "The Reason Code and Property Length can be omitted" (§3.15.2.2.1): either may be.
    assert_eq!(decode(V5, &[0xF0, 0x01, 0x00]), Ok(Some(success.clone())));
    assert_eq!(decode(V5, &[0xF0, 0x02, 0x00, 0x00]), Ok(Some(success)));
    assert_eq!(
        decode(V5, &[0xF0, 0x01, 0x18]),
        Ok(Some(auth(0x18, None, None, None)))
    );
}

#[test]
fn user_properties_are_read_and_skipped_any_number_of_times() {
    #[rustfmt::skip]
    let bytes = [
        0xF0, 20, 0x18, 18,
        0x26, 0x00, 1, b'k', 0x00, 1, b'v',
        0x15, 0x00, 1, b'M',
        0x26, 0x00, 1, b'k', 0x00, 1, b'w',
    ];
    assert_eq!(decode(V5, &bytes), Ok(Some(auth(0x18, Some("M"), None, None))));
}

#[test]
fn unknown_reason_codes_and_properties_are_malformed() {
    malformed(&[0xF0, 0x02, 0x87, 0x00]);
    malformed(&[0xF0, 0x01, 0x01]);
    // 0x01 Payload Format Indicator belongs to PUBLISH, not AUTH.
    malformed(&[0xF0, 0x04, 0x18, 0x02, 0x01, 0x00]);
    // 0x26 needs a name and a value.
    malformed(&[0xF0, 0x06, 0x18, 0x04, 0x26, 0x00, 1, b'k']);
}

#[test]
fn repeated_method_data_or_reason_is_malformed() {
    #[rustfmt::skip]
    malformed(&[0xF0, 10, 0x18, 8, 0x15, 0x00, 1, b'a', 0x15, 0x00, 1, b'b']);
    #[rustfmt::skip]
    malformed(&[0xF0, 12, 0x18, 10, 0x15, 0x00, 1, b'a', 0x16, 0x00, 0, 0x16, 0x00, 0]);
    #[rustfmt::skip]
    malformed(&[0xF0, 10, 0x18, 8, 0x1F, 0x00, 1, b'a', 0x1F, 0x00, 1, b'b']);
}

#[test]
fn truncated_fields_and_lying_lengths_are_malformed_not_waits() {
    // A string longer than the packet.
    malformed(&[0xF0, 0x05, 0x18, 0x03, 0x15, 0x00, 0x05]);
    // A property length past the end, or short of it.
    malformed(&[0xF0, 0x03, 0x18, 0x05, 0x15]);
    malformed(&[0xF0, 0x07, 0x18, 0x02, 0x15, 0x00, 1, b'a', 0x00]);
    // A property id with nothing after it.
    malformed(&[0xF0, 0x03, 0x18, 0x01, 0x15]);
    // A property length of five bytes.
    malformed(&[0xF0, 0x06, 0x18, 0x80, 0x80, 0x80, 0x80, 0x01]);
}

#[test]
fn strings_must_be_utf8_without_nul_and_data_needs_a_method() {
    malformed(&[0xF0, 0x06, 0x18, 0x04, 0x15, 0x00, 1, 0xFF]);
    malformed(&[0xF0, 0x06, 0x18, 0x04, 0x1F, 0x00, 1, 0x00]);
    malformed(&[0xF0, 0x06, 0x18, 0x04, 0x16, 0x00, 1, b'd']);
}

#[test]
fn auth_cannot_be_encoded_for_3_1_1_nor_with_an_invalid_code() {
    let packet = auth(0x18, Some("M"), None, None);
    assert!(matches!(encode(Version::V311, &packet), Err(Error::Usage(_))));
    assert!(encode(V5, &auth(0x87, Some("M"), None, None)).is_err());
    assert!(encode(V5, &auth(0x18, None, Some(b"x"), None)).is_err());
}

#[test]
fn v5_connect_carries_authentication_method_and_data() {
    let connect = Packet::Connect(Connect {
        client_id: "c".into(),
        keep_alive: 0,
        clean_start: false,
        username: Some("u".into()),
        password: None,
        will: None,
        session_expiry: 0,
        receive_maximum: 0,
        max_packet_size: 0,
        auth_method: Some("SCRAM-SHA-256".into()),
        auth_data: Some(Bytes::from_static(b"n,,x")),
        request_response_info: false,
        user_properties: Vec::new(),
        topic_alias_max: 0,
    });
    #[rustfmt::skip]
    both_ways(connect, &[
        0x10, 40,
        0x00, 0x04, b'M', b'Q', b'T', b'T', 0x05,
        0x80, // username only
        0x00, 0x00,
        23,
        0x15, 0x00, 13, b'S', b'C', b'R', b'A', b'M', b'-', b'S', b'H', b'A', b'-', b'2', b'5', b'6',
        0x16, 0x00, 4, b'n', b',', b',', b'x',
        0x00, 0x01, b'c',
        0x00, 0x01, b'u',
    ]);
}

#[test]
fn v5_connack_carries_authentication_data() {
    let ack = Packet::ConnAck(ConnAck {
        auth_data: Some(Bytes::from_static(b"v=")),
        ..ConnAck::default()
    });
    both_ways(ack, &[0x20, 8, 0x00, 0x00, 5, 0x16, 0x00, 2, b'v', b'=']);
}
