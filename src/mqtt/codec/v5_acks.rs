//! MQTT 5 PUBACK, PUBREC, PUBREL, PUBCOMP, SUBACK, UNSUBACK and DISCONNECT, read by
//! hand: mqttbytes has a reader and a property reader per packet, seven copies of one
//! layout in the bundle. Each keeps mqttbytes' checks (known reason codes, only the
//! properties the packet may carry), so that both readers agree on what is malformed.

use super::reader::Reader;
use crate::mqtt::error::ProtocolError;
use crate::mqtt::packet::Packet;

fn lengths() -> ProtocolError {
    ProtocolError::Malformed("its lengths do not add up".into())
}

fn unknown_code(code: u8) -> ProtocolError {
    ProtocolError::Malformed(format!("unknown reason code {code}"))
}

/// Reads one whole acknowledgement frame (fixed header included), as checked by the framer.
pub(super) fn decode(frame: &[u8]) -> Result<Packet, ProtocolError> {
    let kind = frame[0] >> 4;
    // The remaining length ends at the first byte without its continuation bit.
    let body = &frame[2 + frame[1..].iter().take_while(|b| *b & 0x80 != 0).count()..];
    let mut r = Reader { buf: body };
    if kind == 14 {
        // Its flags are reserved as 0; the empty and short forms are read by the framer.
        let code = r.byte().filter(|_| frame[0] & 0x0F == 0).ok_or_else(lengths)?;
        super::v5::short_disconnect(code)?;
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
