//! MQTT 5.0 wire forms (mqttbytes::v5) to and from the version-neutral packets.

use bytes::{Bytes, BytesMut};
use mqttbytes::v5 as w;
use mqttbytes::{FixedHeader, PacketType};

use super::{auth, malformed, peer, qos_to_wire};
use crate::mqtt::error::ProtocolError;
use crate::mqtt::packet::Packet;

/// Decodes one whole frame of a packet a broker sends; `peer` reads the others.
pub(super) fn decode(fixed: FixedHeader, frame: Bytes) -> Result<Packet, ProtocolError> {
    Ok(match fixed.packet_type().map_err(malformed)? {
        PacketType::Publish => super::v5_publish::decode(frame)?,
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

/// A will's properties; `None` when it has none, as 3.1.1-era wills do.
fn will_props(will: &crate::mqtt::packet::Will) -> Option<w::WillProperties> {
    let p = will.props.as_deref();
    if will.delay == 0 && p.is_none() {
        return None;
    }
    Some(w::WillProperties {
        delay_interval: (will.delay > 0).then_some(will.delay),
        payload_format_indicator: p.and_then(|p| p.payload_format),
        message_expiry_interval: p.and_then(|p| p.message_expiry),
        content_type: p.and_then(|p| p.content_type.clone()),
        response_topic: p.and_then(|p| p.response_topic.clone()),
        correlation_data: p.and_then(|p| p.correlation_data.clone()),
        user_properties: p.map(|p| p.user_properties.clone()).unwrap_or_default(),
    })
}

/// Encodes into `out`; see v4::encode for why return values are ignored.
pub(super) fn encode(packet: &Packet, out: &mut BytesMut) -> Result<(), mqttbytes::Error> {
    match packet {
        Packet::Connect(c) => {
            let login = match (&c.username, &c.password) {
                (None, None) => None,
                (u, p) => Some(w::Login {
                    username: u.clone().unwrap_or_default(),
                    password: p.clone().unwrap_or_default(),
                }),
            };
            let properties = w::ConnectProperties {
                session_expiry_interval: (c.session_expiry > 0).then_some(c.session_expiry),
                receive_maximum: (c.receive_maximum > 0).then_some(c.receive_maximum),
                max_packet_size: (c.max_packet_size > 0).then_some(c.max_packet_size),
                topic_alias_max: (c.topic_alias_max > 0).then_some(c.topic_alias_max),
                request_response_info: c.request_response_info.then_some(1),
                request_problem_info: None,
                user_properties: c.user_properties.clone(),
                authentication_method: c.auth_method.clone(),
                authentication_data: c.auth_data.clone(),
            };
            w::Connect {
                protocol: mqttbytes::Protocol::V5,
                keep_alive: c.keep_alive,
                client_id: c.client_id.clone(),
                clean_session: c.clean_start,
                last_will: c.will.as_ref().map(|will| w::LastWill {
                    topic: will.topic.clone(),
                    message: will.payload.clone(),
                    qos: qos_to_wire(will.qos),
                    retain: will.retain,
                    properties: will_props(will),
                }),
                login,
                properties: Some(properties),
            }
            .write(out)?;
        }
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
        Packet::PingReq => {
            w::PingReq.write(out)?;
        }
        Packet::Disconnect { code, reason } => {
            let properties = reason.as_ref().map(|r| {
                let mut p = w::DisconnectProperties::new();
                p.reason_string = Some(r.clone());
                p
            });
            let reason_code =
                w::DisconnectReasonCode::try_from(*code).unwrap_or(w::DisconnectReasonCode::UnspecifiedError);
            w::Disconnect {
                reason_code,
                properties,
            }
            .write(out)?;
        }
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
