//! MQTT 3.1.1 wire forms (mqttbytes::v4) to and from the version-neutral packets.

use bytes::BytesMut;
use mqttbytes::v4 as w;

use super::{malformed, qos_from_wire, qos_to_wire};
use crate::mqtt::error::ProtocolError;
use crate::mqtt::packet::{ConnAck, Connect, Packet, Publish};

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

fn reason_to_return_code(code: u8) -> w::ConnectReturnCode {
    match code {
        0x00 => w::ConnectReturnCode::Success,
        0x84 => w::ConnectReturnCode::RefusedProtocolVersion,
        0x85 => w::ConnectReturnCode::BadClientId,
        0x86 => w::ConnectReturnCode::BadUserNamePassword,
        0x87 => w::ConnectReturnCode::NotAuthorized,
        _ => w::ConnectReturnCode::ServiceUnavailable,
    }
}

/// Decodes exactly one whole frame.
pub(super) fn decode(frame: &mut BytesMut) -> Result<Packet, ProtocolError> {
    let packet = w::read(frame, usize::MAX).map_err(malformed)?;
    Ok(match packet {
        w::Packet::Connect(c) => Packet::Connect(Connect {
            client_id: c.client_id,
            keep_alive: c.keep_alive,
            clean_start: c.clean_session,
            username: c
                .login
                .as_ref()
                .map(|l| l.username.clone())
                .filter(|u| !u.is_empty()),
            password: c.login.map(|l| l.password).filter(|p| !p.is_empty()),
            will: c.last_will.map(|w| crate::mqtt::packet::Will {
                topic: w.topic,
                payload: w.message,
                qos: qos_from_wire(w.qos),
                retain: w.retain,
            }),
            session_expiry: 0,
            receive_maximum: 0,
            max_packet_size: 0,
        }),
        w::Packet::ConnAck(a) => Packet::ConnAck(ConnAck {
            session_present: a.session_present,
            code: return_code_to_reason(a.code),
            ..ConnAck::default()
        }),
        w::Packet::Publish(p) => Packet::Publish(Publish {
            topic: p.topic,
            payload: p.payload,
            qos: qos_from_wire(p.qos),
            retain: p.retain,
            dup: p.dup,
            pkid: p.pkid,
        }),
        w::Packet::PubAck(a) => Packet::PubAck {
            pkid: a.pkid,
            code: 0,
        },
        w::Packet::PubRec(a) => Packet::PubRec {
            pkid: a.pkid,
            code: 0,
        },
        w::Packet::PubRel(a) => Packet::PubRel {
            pkid: a.pkid,
            code: 0,
        },
        w::Packet::PubComp(a) => Packet::PubComp {
            pkid: a.pkid,
            code: 0,
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
            codes: s
                .return_codes
                .into_iter()
                .map(|c| match c {
                    w::SubscribeReasonCode::Success(q) => q as u8,
                    w::SubscribeReasonCode::Failure => 0x80,
                })
                .collect(),
        },
        w::Packet::Unsubscribe(u) => Packet::Unsubscribe {
            pkid: u.pkid,
            filters: u.topics,
        },
        w::Packet::UnsubAck(u) => Packet::UnsubAck {
            pkid: u.pkid,
            codes: Vec::new(),
        },
        w::Packet::PingReq => Packet::PingReq,
        w::Packet::PingResp => Packet::PingResp,
        w::Packet::Disconnect => Packet::Disconnect {
            code: 0,
            reason: None,
        },
    })
}

/// Encodes into `out`. The return values of mqttbytes' writers are ignored: some
/// (`Connect::write`) do not return the length they claim to.
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
            w::Connect {
                protocol: mqttbytes::Protocol::V4,
                keep_alive: c.keep_alive,
                client_id: c.client_id.clone(),
                clean_session: c.clean_start,
                last_will: c.will.as_ref().map(|will| w::LastWill {
                    topic: will.topic.clone(),
                    message: will.payload.clone(),
                    qos: qos_to_wire(will.qos),
                    retain: will.retain,
                }),
                login,
            }
            .write(out)?;
        }
        Packet::ConnAck(a) => {
            w::ConnAck::new(reason_to_return_code(a.code), a.session_present).write(out)?;
        }
        Packet::Publish(p) => {
            w::Publish {
                dup: p.dup,
                qos: qos_to_wire(p.qos),
                retain: p.retain,
                topic: p.topic.clone(),
                pkid: p.pkid,
                payload: p.payload.clone(),
            }
            .write(out)?;
        }
        Packet::PubAck { pkid, .. } => {
            w::PubAck::new(*pkid).write(out)?;
        }
        Packet::PubRec { pkid, .. } => {
            w::PubRec::new(*pkid).write(out)?;
        }
        Packet::PubRel { pkid, .. } => {
            w::PubRel::new(*pkid).write(out)?;
        }
        Packet::PubComp { pkid, .. } => {
            w::PubComp::new(*pkid).write(out)?;
        }
        Packet::Subscribe { pkid, filters } => {
            w::Subscribe {
                pkid: *pkid,
                filters: filters
                    .iter()
                    .map(|(f, q)| w::SubscribeFilter::new(f.clone(), qos_to_wire(*q)))
                    .collect(),
            }
            .write(out)?;
        }
        Packet::SubAck { pkid, codes } => {
            let codes = codes
                .iter()
                .map(|c| match mqttbytes::qos(*c).ok() {
                    Some(q) => w::SubscribeReasonCode::Success(q),
                    None => w::SubscribeReasonCode::Failure,
                })
                .collect();
            w::SubAck::new(*pkid, codes).write(out)?;
        }
        Packet::Unsubscribe { pkid, filters } => {
            w::Unsubscribe {
                pkid: *pkid,
                topics: filters.clone(),
            }
            .write(out)?;
        }
        Packet::UnsubAck { pkid, .. } => {
            w::UnsubAck::new(*pkid).write(out)?;
        }
        Packet::PingReq => {
            w::PingReq.write(out)?;
        }
        Packet::PingResp => {
            w::PingResp.write(out)?;
        }
        Packet::Disconnect { .. } => {
            w::Disconnect.write(out)?;
        }
    }
    Ok(())
}
