//! MQTT 5 CONNACK, PUBACK, PUBREC, PUBREL, PUBCOMP, SUBACK, UNSUBACK and DISCONNECT,
//! read by hand: mqttbytes has a reader and a property reader per packet, eight copies
//! of one layout in the bundle. Each keeps mqttbytes' checks (known reason codes, only the
//! properties the packet may carry), so that both readers agree on what is malformed.

use bytes::Bytes;

use super::reader::Reader;
use crate::mqtt::error::ProtocolError;
use crate::mqtt::packet::{ConnAck, Packet};

fn lengths() -> ProtocolError {
    ProtocolError::Malformed("its lengths do not add up".into())
}

fn unknown_code(code: u8) -> ProtocolError {
    ProtocolError::Malformed(format!("unknown reason code {code}"))
}

/// DISCONNECT stopped after its reason code, which mqttbytes refuses to read: held to the
/// reason codes it knows for the long form, so that both forms agree on what is malformed.
pub(super) fn short_disconnect(code: u8) -> Result<Packet, ProtocolError> {
    mqttbytes::v5::DisconnectReasonCode::try_from(code).map_err(super::malformed)?;
    Ok(Packet::Disconnect { code, reason: None })
}

/// Reads one whole acknowledgement frame (fixed header included), as checked by the framer.
pub(super) fn decode(frame: &[u8]) -> Result<Packet, ProtocolError> {
    let kind = frame[0] >> 4;
    let body = super::reader::body(frame);
    if kind == 2 {
        return connack(body);
    }
    let mut r = Reader { buf: body };
    if kind == 14 {
        // Its flags are reserved as 0; the empty and short forms are read by the framer.
        let code = r.byte().filter(|_| frame[0] & 0x0F == 0).ok_or_else(lengths)?;
        short_disconnect(code)?;
        let (reason, server) = props(&mut r, true)?;
        // The Server Reference (0x9C / 0x9D) is what the user needs to act on.
        let reason = match (reason, server) {
            (Some(r), Some(s)) => Some(format!("{r}; use {s}")),
            (None, Some(s)) => Some(format!("use {s}")),
            (r, None) => r,
        };
        return Ok(Packet::Disconnect { code, reason });
    }
    let id = r.take(2).ok_or_else(lengths)?;
    let pkid = u16::from_be_bytes([id[0], id[1]]);
    if kind == 9 || kind == 11 {
        let reason = props(&mut r, false)?.0;
        if r.buf.is_empty() {
            return Err(lengths());
        }
        for &c in r.buf {
            let known = if kind == 9 {
                matches!(
                    c,
                    0..=2 | 0x80 | 0x83 | 0x87 | 0x8F | 0x91 | 0x97 | 0x9E | 0xA1 | 0xA2
                )
            } else {
                matches!(c, 0x00 | 0x11 | 0x80 | 0x83 | 0x87 | 0x8F | 0x91)
            };
            if !known {
                return Err(unknown_code(c));
            }
        }
        let codes = r.buf.to_vec();
        return Ok(if kind == 9 {
            Packet::SubAck { pkid, codes, reason }
        } else {
            Packet::UnsubAck { pkid, codes, reason }
        });
    }
    // The reason code may be left out when 0, and the properties when there are none.
    let code = r.byte().unwrap_or(0);
    let known = match kind {
        // PUBREL, PUBCOMP
        6 | 7 => matches!(code, 0x00 | 0x92),
        _ => matches!(code, 0x00 | 0x10 | 0x80 | 0x83 | 0x87 | 0x90 | 0x91 | 0x97 | 0x99),
    };
    if !known {
        return Err(unknown_code(code));
    }
    let reason = if body.len() >= 4 {
        props(&mut r, false)?.0
    } else {
        None
    };
    Ok(match kind {
        4 => Packet::PubAck { pkid, code, reason },
        5 => Packet::PubRec { pkid, code, reason },
        6 => Packet::PubRel { pkid, code },
        _ => Packet::PubComp { pkid, code, reason },
    })
}

/// The property list: its Reason String and Server Reference, if any. Only DISCONNECT
/// may carry a Session Expiry Interval and a Server Reference.
fn props(r: &mut Reader, disconnect: bool) -> Result<(Option<String>, Option<String>), ProtocolError> {
    let len = r.varint().ok_or_else(lengths)?;
    let mut p = Reader {
        buf: r.take(len).ok_or_else(lengths)?,
    };
    let (mut reason, mut server) = (None, None);
    while let Some(id) = p.byte() {
        let ok = match id {
            0x1F => p.utf8().map(|s| reason = Some(s)),
            0x26 => p.utf8().and(p.utf8()).map(drop),
            0x11 if disconnect => p.take(4).map(drop),
            0x1C if disconnect => p.utf8().map(|s| server = Some(s)),
            _ => return Err(ProtocolError::Malformed(format!("unknown property {id}"))),
        };
        ok.ok_or_else(lengths)?;
    }
    Ok((reason, server))
}

/// CONNACK (§3.2), with mqttbytes' checks: known reason codes, CONNACK's properties only.
fn connack(body: &[u8]) -> Result<Packet, ProtocolError> {
    let mut r = Reader { buf: body };
    let head = r.take(2).ok_or_else(lengths)?;
    let code = head[1];
    if !matches!(code, 0x00 | 0x80..=0x8A | 0x8C | 0x90 | 0x95 | 0x97 | 0x99..=0x9D | 0x9F) {
        return Err(unknown_code(code));
    }
    let mut a = ConnAck {
        session_present: head[0] & 0x01 == 1,
        code,
        ..Default::default()
    };
    let len = r.varint().ok_or_else(lengths)?;
    let mut p = Reader {
        buf: r.take(len).ok_or_else(lengths)?,
    };
    let u16 = |v: &[u8]| u16::from_be_bytes([v[0], v[1]]);
    let u32 = |v: &[u8]| u32::from_be_bytes([v[0], v[1], v[2], v[3]]);
    while let Some(id) = p.byte() {
        let ok = match id {
            0x11 => p.take(4).map(drop),
            0x21 => p.take(2).map(|v| a.receive_maximum = Some(u16(v))),
            0x24 => p.byte().map(|v| a.max_qos = Some(v)),
            0x25 => p.byte().map(|v| a.retain_available = Some(v)),
            0x12 => p.utf8().map(|v| a.assigned_client_id = Some(v)),
            0x27 => p.take(4).map(|v| a.max_packet_size = Some(u32(v))),
            0x22 => p.take(2).map(|v| a.topic_alias_max = Some(u16(v))),
            0x1F => p.utf8().map(|v| a.reason_string = Some(v)),
            0x26 => p.utf8().and(p.utf8()).map(drop),
            0x28 => p.byte().map(|v| a.wildcard_available = Some(v)),
            0x29 => p.byte().map(|v| a.sub_ids_available = Some(v)),
            0x2A => p.byte().map(|v| a.shared_available = Some(v)),
            0x13 => p.take(2).map(|v| a.server_keep_alive = Some(u16(v))),
            0x1A => p.utf8().map(|v| a.response_information = Some(v)),
            0x1C => p.utf8().map(|v| a.server_reference = Some(v)),
            0x15 => p.utf8().map(drop),
            0x16 => p.binary().map(|v| a.auth_data = Some(Bytes::copy_from_slice(v))),
            _ => return Err(ProtocolError::Malformed(format!("unknown property {id}"))),
        };
        ok.ok_or_else(lengths)?;
    }
    Ok(Packet::ConnAck(a))
}
