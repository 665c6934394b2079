//! MQTT 5.0 wire forms (mqttbytes::v5) to and from the version-neutral packets.

use bytes::{Bytes, BytesMut};
use mqttbytes::{FixedHeader, PacketType};

use super::{auth, malformed, peer};
use crate::mqtt::error::ProtocolError;
use crate::mqtt::packet::Packet;

/// Decodes one whole frame of a packet a broker sends; `peer` reads the others.
pub(super) fn decode(fixed: FixedHeader, frame: Bytes) -> Result<Packet, ProtocolError> {
    Ok(match fixed.packet_type().map_err(malformed)? {
        PacketType::Publish => super::read_publish::decode(frame, true)?,
        PacketType::ConnAck
        | PacketType::PubAck
        | PacketType::PubRec
        | PacketType::PubRel
        | PacketType::PubComp
        | PacketType::SubAck
        | PacketType::UnsubAck
        | PacketType::Disconnect => super::v5_acks::decode(&frame)?,
        // It has no body; one that comes with a body is read for its type.
        PacketType::PingResp => Packet::PingResp,
        kind => return peer::decode_v5(kind, fixed, frame),
    })
}

/// Encodes into `out`; see v4::encode for why return values are ignored.
pub(super) fn encode(packet: &Packet, out: &mut BytesMut) -> Result<(), mqttbytes::Error> {
    match packet {
        Packet::Connect(c) => super::write::connect(c, true, out)?,
        Packet::Publish(p) => super::write::publish(p, true, out)?,
        // Only brokers (the fake one in tests) send reason strings with acks: the broker's half
        // of the codec writes those, so the browser build leaves that code out.
        Packet::PubAck { reason: Some(_), .. }
        | Packet::PubRec { reason: Some(_), .. }
        | Packet::PubComp { reason: Some(_), .. } => {
            peer::encode_v5(packet, out)?;
        }
        Packet::PubAck { pkid, code, .. }
        | Packet::PubRec { pkid, code, .. }
        | Packet::PubRel { pkid, code }
        | Packet::PubComp { pkid, code, .. } => super::write::ack(packet, *pkid, *code, out),
        Packet::Subscribe { pkid, filters } => super::write::subscribe(*pkid, filters, true, out)?,
        Packet::Unsubscribe { pkid, filters } => super::write::unsubscribe(*pkid, filters, true, out)?,
        Packet::PingReq => super::write::short(0xC0, 0, out),
        // The client sends no reason string: the broker's half of the codec writes those.
        Packet::Disconnect { reason: Some(_), .. } => peer::encode_v5(packet, out)?,
        Packet::Disconnect { code, .. } => super::write::short(0xE0, *code, out),
        Packet::Auth {
            code,
            method,
            data,
            reason,
        } => auth::encode(*code, method.as_deref(), data.as_deref(), reason.as_deref(), out)?,
        Packet::ConnAck(_) | Packet::SubAck { .. } | Packet::UnsubAck { .. } | Packet::PingResp => {
            peer::encode_v5(packet, out)?;
        }
        // Never sent: it stands for a PUBLISH the framer skipped.
        Packet::Skipped { .. } => return Err(mqttbytes::Error::InvalidPacketType(3)),
    }
    Ok(())
}
