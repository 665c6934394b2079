//! The hand-written acknowledgements (`write.rs`, and 3.1.1's reader in `v4.rs`) held byte
//! for byte to mqttbytes. PUBLISH, SUBSCRIBE and UNSUBSCRIBE are compared in `prop_tests.rs`.

use super::encode;
use super::tests::decode;
use crate::mqtt::packet::{Packet, Version};

const V4: Version = Version::V311;
const V5: Version = Version::V5;

/// The hand-written MQTT 5 acknowledgement writer sends what mqttbytes would for every
/// reason code the session can hand it, known or not.
#[test]
fn v5_acks_are_written_byte_for_byte_as_mqttbytes_writes_them() {
    use super::reasons::{puback_reason, pubrec_reason};
    use bytes::BytesMut;
    use mqttbytes::v5 as w;
    let generic = |code: u8| if code == 0 { 0 } else { 0x92 };
    for code in 0..=255u8 {
        let pkid = 0x1234;
        let mut want = BytesMut::new();
        let cases = [
            Packet::PubAck {
                pkid,
                code,
                reason: None,
            },
            Packet::PubRec {
                pkid,
                code,
                reason: None,
            },
            Packet::PubRel { pkid, code },
            Packet::PubComp {
                pkid,
                code,
                reason: None,
            },
        ];
        for packet in cases {
            want.clear();
            match &packet {
                Packet::PubAck { .. } => w::PubAck {
                    pkid,
                    reason: puback_reason(code),
                    properties: None,
                }
                .write(&mut want),
                Packet::PubRec { .. } => w::PubRec {
                    pkid,
                    reason: pubrec_reason(code),
                    properties: None,
                }
                .write(&mut want),
                Packet::PubRel { .. } => w::PubRel {
                    pkid,
                    reason: if generic(code) == 0 {
                        w::PubRelReason::Success
                    } else {
                        w::PubRelReason::PacketIdentifierNotFound
                    },
                    properties: None,
                }
                .write(&mut want),
                _ => w::PubComp {
                    pkid,
                    reason: if generic(code) == 0 {
                        w::PubCompReason::Success
                    } else {
                        w::PubCompReason::PacketIdentifierNotFound
                    },
                    properties: None,
                }
                .write(&mut want),
            }
            .unwrap();
            let got = encode(V5, &packet).unwrap();
            assert_eq!(&got[..], &want[..], "code {code:#04x} {packet:?}");
        }
    }
}

/// 3.1.1's acknowledgements, written and read by hand, are the bytes mqttbytes writes.
#[test]
fn v4_acks_are_written_and_read_as_mqttbytes_does() {
    use bytes::BytesMut;
    use mqttbytes::v4 as w;
    let pkid = 0xBEEF;
    let cases = [
        (
            Packet::PubAck {
                pkid,
                code: 0,
                reason: None,
            },
            0x40,
        ),
        (
            Packet::PubRec {
                pkid,
                code: 0,
                reason: None,
            },
            0x50,
        ),
        (Packet::PubRel { pkid, code: 0 }, 0x62),
        (
            Packet::PubComp {
                pkid,
                code: 0,
                reason: None,
            },
            0x70,
        ),
    ];
    for (packet, first) in cases {
        let mut want = BytesMut::new();
        match first {
            0x40 => w::PubAck::new(pkid).write(&mut want),
            0x50 => w::PubRec::new(pkid).write(&mut want),
            0x62 => w::PubRel::new(pkid).write(&mut want),
            _ => w::PubComp::new(pkid).write(&mut want),
        }
        .unwrap();
        assert_eq!(&encode(V4, &packet).unwrap()[..], &want[..], "{packet:?}");
        assert_eq!(decode(V4, &want), Ok(Some(packet)));
        // Cut short, the packet id is missing: an error, not a wait or a panic.
        assert!(decode(V4, &[first, 1, 0xBE]).is_err(), "{first:#x} short");
    }
    let unsuback = [0xB0, 2, 0xBE, 0xEF];
    assert_eq!(
        decode(V4, &unsuback),
        Ok(Some(Packet::UnsubAck {
            pkid,
            codes: Vec::new(),
            reason: None
        }))
    );
}

/// PINGREQ and the client's DISCONNECT (no reason string) are written as mqttbytes writes
/// them, for every reason code in 5.0 and in 3.1.1.
#[test]
fn pingreq_and_disconnect_are_written_byte_for_byte_as_mqttbytes_writes_them() {
    use bytes::BytesMut;
    use mqttbytes::{v4, v5};
    let mut want = BytesMut::new();
    v4::PingReq.write(&mut want).unwrap();
    assert_eq!(encode(V4, &Packet::PingReq).unwrap(), want);
    assert_eq!(encode(V5, &Packet::PingReq).unwrap(), want);
    want.clear();
    v4::Disconnect.write(&mut want).unwrap();
    let normal = Packet::Disconnect {
        code: 0,
        reason: None,
    };
    assert_eq!(encode(V4, &normal).unwrap(), want);
    for code in 0..=255u8 {
        want.clear();
        v5::Disconnect {
            reason_code: v5::DisconnectReasonCode::try_from(code)
                .unwrap_or(v5::DisconnectReasonCode::UnspecifiedError),
            properties: None,
        }
        .write(&mut want)
        .unwrap();
        let ours = encode(V5, &Packet::Disconnect { code, reason: None }).unwrap();
        assert_eq!(ours, want, "code {code:#04x}");
    }
}
