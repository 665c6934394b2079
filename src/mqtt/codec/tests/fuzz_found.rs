//! Bugs the fuzz targets found (`scripts/fuzz.sh`), each with its input kept under
//! `fuzz/regressions/framer/` and replayed by `tests/fuzz_corpus.rs`.

use super::*;

#[test]
fn a_v5_disconnect_cut_after_an_unknown_reason_code_is_malformed_like_the_long_form() {
    // The short form took any code, which the encoder then wrote as 0x80
    // (disconnect-unknown-reason).
    for bytes in [&[0xE0, 0x01, 0x01][..], &[0xE0, 0x02, 0x01, 0x00]] {
        let result = decode(V5, bytes);
        assert!(
            matches!(result, Err(ProtocolError::Malformed(_))),
            "{bytes:02x?}: {result:?}"
        );
    }
}

#[test]
fn v5_unsuback_written_by_the_broker_half_keeps_every_failure_code() {
    // 0x83, 0x8F and 0x91 were written as 0x80 (unsuback-reason-codes).
    for code in [0x80, 0x83, 0x87, 0x8F, 0x91] {
        let v5 = Packet::UnsubAck {
            pkid: 2,
            codes: vec![code],
            reason: None,
        };
        both_ways(V5, v5, &[0xB0, 0x04, 0x00, 0x02, 0x00, code]);
    }
}

#[test]
fn v5_pubcomp_with_a_reason_string_keeps_it_when_written() {
    // The reason string was dropped (pubcomp-reason-string).
    let gone = Packet::PubComp {
        pkid: 10,
        code: 0x92,
        reason: Some("gone".into()),
    };
    #[rustfmt::skip]
    both_ways(V5, gone, &[
        0x70, 11, 0x00, 0x0A, 0x92, 7, 0x1F, 0x00, 0x04, b'g', b'o', b'n', b'e',
    ]);
}

#[test]
fn v5_publish_properties_after_subscription_identifiers_are_read_not_left_in_the_payload() {
    // mqttbytes counted each identifier one byte too long and stopped reading early: the
    // payload format indicator after two of them came out as payload, and a message
    // written with four identifiers read back with three (publish-subscription-ids).
    #[rustfmt::skip]
    let bytes = [
        0x30, 14, 0x00, 0x03, b'a', b'/', b'b',
        6, 0x0B, 0x01, 0x0B, 0x02, 0x01, 0x01, // identifiers 1 and 2, payload format 1
        b'h', b'i',
    ];
    let mut expected = message(QoS::AtMostOnce, 0);
    expected.props = PublishProps {
        payload_format: Some(1),
        subscription_ids: vec![1, 2],
        ..PublishProps::default()
    }
    .boxed();
    decodes_to(V5, &bytes, Packet::Publish(expected.clone()));
    expected.props = PublishProps {
        subscription_ids: vec![11; 4],
        ..PublishProps::default()
    }
    .boxed();
    let packet = Packet::Publish(expected);
    let written = encode(V5, &packet).expect("encodes");
    assert_eq!(decode(V5, &written), Ok(Some(packet)));
}
