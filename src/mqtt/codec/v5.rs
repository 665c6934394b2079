//! MQTT 5.0 wire forms (mqttbytes::v5) to and from the version-neutral packets.

use bytes::BytesMut;
use mqttbytes::v5 as w;

use super::{malformed, qos_from_wire, qos_to_wire};
use crate::mqtt::error::ProtocolError;
use crate::mqtt::packet::{ConnAck, Connect, Packet, Publish, Will};

/// Decodes exactly one whole frame.
pub(super) fn decode(frame: &mut BytesMut) -> Result<Packet, ProtocolError> {
    let packet = w::read(frame, usize::MAX).map_err(malformed)?;
    Ok(match packet {
        w::Packet::Connect(c) => {
            let props = c.properties.as_ref();
            Packet::Connect(Connect {
                client_id: c.client_id,
                keep_alive: c.keep_alive,
                clean_start: c.clean_session,
                username: c
                    .login
                    .as_ref()
                    .map(|l| l.username.clone())
                    .filter(|u| !u.is_empty()),
                password: c.login.map(|l| l.password).filter(|p| !p.is_empty()),
                will: c.last_will.map(|w| Will {
                    topic: w.topic,
                    payload: w.message,
                    qos: qos_from_wire(w.qos),
                    retain: w.retain,
                }),
                session_expiry: props.and_then(|p| p.session_expiry_interval).unwrap_or(0),
                receive_maximum: props.and_then(|p| p.receive_maximum).unwrap_or(0),
                max_packet_size: props.and_then(|p| p.max_packet_size).unwrap_or(0),
            })
        }
        w::Packet::ConnAck(a) => {
            let p = a.properties;
            Packet::ConnAck(ConnAck {
                session_present: a.session_present,
                code: a.code as u8,
                receive_maximum: p.as_ref().and_then(|p| p.receive_max),
                max_packet_size: p.as_ref().and_then(|p| p.max_packet_size),
                max_qos: p.as_ref().and_then(|p| p.max_qos),
                assigned_client_id: p.as_ref().and_then(|p| p.assigned_client_identifier.clone()),
                server_keep_alive: p.as_ref().and_then(|p| p.server_keep_alive),
                reason_string: p.and_then(|p| p.reason_string),
            })
        }
        w::Packet::Publish(p) => {
            if p.properties.as_ref().is_some_and(|pr| pr.topic_alias.is_some()) {
                // We advertise a topic alias maximum of 0, so the broker must not use one.
                return Err(ProtocolError::Unexpected("topic alias (we allow none)".into()));
            }
            Packet::Publish(Publish {
                topic: p.topic,
                payload: p.payload,
                qos: qos_from_wire(p.qos),
                retain: p.retain,
                dup: p.dup,
                pkid: p.pkid,
            })
        }
        w::Packet::PubAck(a) => Packet::PubAck {
            pkid: a.pkid,
            code: a.reason as u8,
        },
        w::Packet::PubRec(a) => Packet::PubRec {
            pkid: a.pkid,
            code: a.reason as u8,
        },
        w::Packet::PubRel(a) => Packet::PubRel {
            pkid: a.pkid,
            code: a.reason as u8,
        },
        w::Packet::PubComp(a) => Packet::PubComp {
            pkid: a.pkid,
            code: a.reason as u8,
        },
        w::Packet::Subscribe(s) => Packet::Subscribe {
            pkid: s.pkid,
            filters: s
                .filters
                .into_iter()
                .map(|f| (f.path, qos_from_wire(f.qos)))
                .collect(),
        },
        w::Packet::SubAck(s) => Packet::SubAck {
            pkid: s.pkid,
            codes: s.return_codes.into_iter().map(|c| c as u8).collect(),
        },
        w::Packet::Unsubscribe(u) => Packet::Unsubscribe {
            pkid: u.pkid,
            filters: u.filters,
        },
        w::Packet::UnsubAck(u) => Packet::UnsubAck {
            pkid: u.pkid,
            codes: u.reasons.into_iter().map(|c| c as u8).collect(),
        },
        w::Packet::PingReq => Packet::PingReq,
        w::Packet::PingResp => Packet::PingResp,
        w::Packet::Disconnect(d) => Packet::Disconnect {
            code: d.reason_code as u8,
            reason: d.properties.and_then(|p| p.reason_string),
        },
    })
}

fn connack_code(code: u8) -> w::ConnectReturnCode {
    use w::ConnectReturnCode as C;
    match code {
        0x00 => C::Success,
        0x81 => C::MalformedPacket,
        0x82 => C::ProtocolError,
        0x84 => C::UnsupportedProtocolVersion,
        0x85 => C::ClientIdentifierNotValid,
        0x86 => C::BadUserNamePassword,
        0x87 => C::NotAuthorized,
        0x88 => C::ServerUnavailable,
        0x89 => C::ServerBusy,
        0x8A => C::Banned,
        0x97 => C::QuotaExceeded,
        0x9F => C::ConnectionRateExceeded,
        _ => C::UnspecifiedError,
    }
}

fn puback_reason(code: u8) -> w::PubAckReason {
    use w::PubAckReason as R;
    match code {
        0x00 => R::Success,
        0x10 => R::NoMatchingSubscribers,
        0x83 => R::ImplementationSpecificError,
        0x87 => R::NotAuthorized,
        0x90 => R::TopicNameInvalid,
        0x91 => R::PacketIdentifierInUse,
        0x97 => R::QuotaExceeded,
        0x99 => R::PayloadFormatInvalid,
        _ => R::UnspecifiedError,
    }
}

fn pubrec_reason(code: u8) -> w::PubRecReason {
    use w::PubRecReason as R;
    match code {
        0x00 => R::Success,
        0x10 => R::NoMatchingSubscribers,
        0x83 => R::ImplementationSpecificError,
        0x87 => R::NotAuthorized,
        0x90 => R::TopicNameInvalid,
        0x91 => R::PacketIdentifierInUse,
        0x97 => R::QuotaExceeded,
        0x99 => R::PayloadFormatInvalid,
        _ => R::UnspecifiedError,
    }
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
                topic_alias_max: None,
                request_response_info: None,
                request_problem_info: None,
                user_properties: Vec::new(),
                authentication_method: None,
                authentication_data: None,
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
                    properties: None,
                }),
                login,
                properties: Some(properties),
            }
            .write(out)?;
        }
        Packet::ConnAck(a) => {
            let mut props = w::ConnAckProperties::new();
            props.receive_max = a.receive_maximum;
            props.max_packet_size = a.max_packet_size;
            props.max_qos = a.max_qos;
            props.assigned_client_identifier = a.assigned_client_id.clone();
            props.server_keep_alive = a.server_keep_alive;
            props.reason_string = a.reason_string.clone();
            w::ConnAck {
                session_present: a.session_present,
                code: connack_code(a.code),
                properties: Some(props),
            }
            .write(out)?;
        }
        Packet::Publish(p) => {
            w::Publish {
                dup: p.dup,
                qos: qos_to_wire(p.qos),
                retain: p.retain,
                topic: p.topic.clone(),
                pkid: p.pkid,
                properties: None,
                payload: p.payload.clone(),
            }
            .write(out)?;
        }
        Packet::PubAck { pkid, code } => {
            w::PubAck {
                pkid: *pkid,
                reason: puback_reason(*code),
                properties: None,
            }
            .write(out)?;
        }
        Packet::PubRec { pkid, code } => {
            w::PubRec {
                pkid: *pkid,
                reason: pubrec_reason(*code),
                properties: None,
            }
            .write(out)?;
        }
        Packet::PubRel { pkid, code } => {
            let reason = if *code == 0 {
                w::PubRelReason::Success
            } else {
                w::PubRelReason::PacketIdentifierNotFound
            };
            w::PubRel {
                pkid: *pkid,
                reason,
                properties: None,
            }
            .write(out)?;
        }
        Packet::PubComp { pkid, code } => {
            let reason = if *code == 0 {
                w::PubCompReason::Success
            } else {
                w::PubCompReason::PacketIdentifierNotFound
            };
            w::PubComp {
                pkid: *pkid,
                reason,
                properties: None,
            }
            .write(out)?;
        }
        Packet::Subscribe { pkid, filters } => {
            w::Subscribe {
                pkid: *pkid,
                filters: filters
                    .iter()
                    .map(|(f, q)| w::SubscribeFilter::new(f.clone(), qos_to_wire(*q)))
                    .collect(),
                properties: None,
            }
            .write(out)?;
        }
        Packet::SubAck { pkid, codes } => {
            let codes = codes
                .iter()
                .map(|c| w::SubscribeReasonCode::try_from(*c).unwrap_or(w::SubscribeReasonCode::Unspecified))
                .collect();
            w::SubAck::new(*pkid, codes).write(out)?;
        }
        Packet::Unsubscribe { pkid, filters } => {
            w::Unsubscribe {
                pkid: *pkid,
                filters: filters.clone(),
                properties: None,
            }
            .write(out)?;
        }
        Packet::UnsubAck { pkid, codes } => {
            let reasons = codes
                .iter()
                .map(|c| match c {
                    0x00 => w::UnsubAckReason::Success,
                    0x11 => w::UnsubAckReason::NoSubscriptionExisted,
                    0x87 => w::UnsubAckReason::NotAuthorized,
                    _ => w::UnsubAckReason::UnspecifiedError,
                })
                .collect();
            w::UnsubAck {
                pkid: *pkid,
                reasons,
                properties: None,
            }
            .write(out)?;
        }
        Packet::PingReq => {
            w::PingReq.write(out)?;
        }
        Packet::PingResp => {
            w::PingResp.write(out)?;
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
    }
    Ok(())
}
