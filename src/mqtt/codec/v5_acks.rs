//! MQTT 5 PUBACK, PUBREC, PUBREL and PUBCOMP, read by hand: mqttbytes has a reader and a
//! property reader per acknowledgement, four copies of one layout in the bundle.
//! Each keeps mqttbytes' checks (known reason codes, only Reason String and User
//! Property), so that both readers agree on what is malformed.

use super::reader::Reader;
use crate::mqtt::error::ProtocolError;
use crate::mqtt::packet::Packet;

/// Reads one whole acknowledgement frame (fixed header included), as checked by the framer.
pub(super) fn decode(frame: &[u8]) -> Result<Packet, ProtocolError> {
    let kind = frame[0] >> 4;
    // The remaining length ends at the first byte without its continuation bit.
    let body = &frame[2 + frame[1..].iter().take_while(|b| *b & 0x80 != 0).count()..];
    let lengths = || ProtocolError::Malformed("its lengths do not add up".into());
    let mut r = Reader { buf: body };
    let id = r.take(2).ok_or_else(lengths)?;
    let pkid = u16::from_be_bytes([id[0], id[1]]);
    // The reason code may be left out when 0, and the properties when there are none.
    let code = r.byte().unwrap_or(0);
    let known = match kind {
        // PUBREL, PUBCOMP
        6 | 7 => matches!(code, 0x00 | 0x92),
        _ => matches!(code, 0x00 | 0x10 | 0x80 | 0x83 | 0x87 | 0x90 | 0x91 | 0x97 | 0x99),
    };
    if !known {
        return Err(ProtocolError::Malformed(format!("unknown reason code {code}")));
    }
    let mut reason = None;
    if body.len() >= 4 {
        let len = r.varint().ok_or_else(lengths)?;
        let mut p = Reader {
            buf: r.take(len).ok_or_else(lengths)?,
        };
        while let Some(id) = p.byte() {
            let ok = match id {
                0x1F => p.utf8().map(|s| reason = Some(s)),
                0x26 => p.utf8().and(p.utf8()).map(drop),
                _ => return Err(ProtocolError::Malformed(format!("unknown property {id}"))),
            };
            ok.ok_or_else(lengths)?;
        }
    }
    Ok(match kind {
        4 => Packet::PubAck { pkid, code, reason },
        5 => Packet::PubRec { pkid, code, reason },
        6 => Packet::PubRel { pkid, code },
        _ => Packet::PubComp { pkid, code, reason },
    })
}
