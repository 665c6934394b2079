//! MQTT 3.1.1 wire forms (mqttbytes::v4; PUBLISH and the acknowledgements by hand) to and from the
//! version-neutral packets.

use bytes::{Bytes, BytesMut};
use mqttbytes::v4 as w;
use mqttbytes::{FixedHeader, PacketType};

use super::{malformed, peer};
use crate::mqtt::error::ProtocolError;
use crate::mqtt::packet::{ConnAck, Packet};

/// 3.1.1 CONNACK return codes 1-5 as the 5.0 reason codes that mean the same.
fn return_code_to_reason(code: w::ConnectReturnCode) -> u8 {
    match code {
        w::ConnectReturnCode::Success => 0x00,
        w::ConnectReturnCode::RefusedProtocolVersion => 0x84,
        w::ConnectReturnCode::BadClientId => 0x85,
        w::ConnectReturnCode::ServiceUnavailable => 0x88,
        w::ConnectReturnCode::BadUserNamePassword => 0x86,
        w::ConnectReturnCode::NotAuthorized => 0x87,
    }
}

/// Decodes one whole frame of a packet a broker sends; `peer` reads the others.
pub(super) fn decode(fixed: FixedHeader, frame: Bytes) -> Result<Packet, ProtocolError> {
    Ok(match fixed.packet_type().map_err(malformed)? {
        PacketType::ConnAck => {
            let a = w::ConnAck::read(fixed, frame).map_err(malformed)?;
            Packet::ConnAck(ConnAck {
                session_present: a.session_present,
                code: return_code_to_reason(a.code),
                ..ConnAck::default()
            })
        }
        PacketType::Publish => super::read_publish::decode(frame, false)?,
        PacketType::PubAck => Packet::PubAck {
            pkid: pkid(&frame)?,
            code: 0,
            reason: None,
        },
        PacketType::PubRec => Packet::PubRec {
            pkid: pkid(&frame)?,
            code: 0,
            reason: None,
        },
        PacketType::PubRel => Packet::PubRel {
            pkid: pkid(&frame)?,
            code: 0,
        },
        PacketType::PubComp => Packet::PubComp {
            pkid: pkid(&frame)?,
            code: 0,
            reason: None,
        },
        PacketType::SubAck => {
            let s = w::SubAck::read(fixed, frame).map_err(malformed)?;
            Packet::SubAck {
                pkid: s.pkid,
                codes: s
                    .return_codes
                    .into_iter()
                    .map(|c| match c {
                        w::SubscribeReasonCode::Success(q) => q as u8,
                        w::SubscribeReasonCode::Failure => 0x80,
                    })
                    .collect(),
                reason: None,
            }
        }
        PacketType::UnsubAck => Packet::UnsubAck {
            pkid: pkid(&frame)?,
            codes: Vec::new(),
            reason: None,
        },
        // These have no body in 3.1.1; one that comes with a body is read for its type.
        PacketType::PingResp => Packet::PingResp,
        PacketType::Disconnect => Packet::Disconnect {
            code: 0,
            reason: None,
        },
        kind => return peer::decode_v4(kind, fixed, frame),
    })
}

/// The packet id that is the whole body of 3.1.1's PUBACK, PUBREC, PUBREL, PUBCOMP and
/// UNSUBACK, read by hand (mqttbytes has five readers for it); extra bytes are let
/// through as mqttbytes lets them.
fn pkid(frame: &[u8]) -> Result<u16, ProtocolError> {
    match super::reader::body(frame) {
        [a, b, ..] => Ok(u16::from_be_bytes([*a, *b])),
        _ => Err(ProtocolError::Malformed("its lengths do not add up".into())),
    }
}

/// Encodes into `out`. The return values of mqttbytes' writers are ignored: some
/// (`Connect::write`) do not return the length they claim to.
pub(super) fn encode(packet: &Packet, out: &mut BytesMut) -> Result<(), mqttbytes::Error> {
    match packet {
        Packet::Connect(c) => super::write::connect(c, false, out)?,
        Packet::Publish(p) => super::write::publish(p, false, out)?,
        Packet::PubAck { pkid, .. }
        | Packet::PubRec { pkid, .. }
        | Packet::PubRel { pkid, .. }
        | Packet::PubComp { pkid, .. } => super::write::ack(packet, *pkid, 0, out),
        Packet::Subscribe { pkid, filters } => super::write::subscribe(*pkid, filters, false, out)?,
        Packet::Unsubscribe { pkid, filters } => super::write::unsubscribe(*pkid, filters, false, out)?,
        Packet::PingReq => super::write::short(0xC0, 0, out),
        Packet::Disconnect { .. } => super::write::short(0xE0, 0, out),
        Packet::ConnAck(_) | Packet::SubAck { .. } | Packet::UnsubAck { .. } | Packet::PingResp => {
            peer::encode_v4(packet, out)?;
        }
        // Never sent: it stands for a PUBLISH the framer skipped.
        Packet::Skipped { .. } => return Err(mqttbytes::Error::InvalidPacketType(3)),
        // 3.1.1 has no enhanced authentication: type 15 is reserved there.
        Packet::Auth { .. } => return Err(mqttbytes::Error::InvalidPacketType(15)),
    }
    Ok(())
}
