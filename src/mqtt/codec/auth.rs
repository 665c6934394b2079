//! The MQTT 5 AUTH packet (§3.15), written by hand because mqttbytes has none.
//!
//! Body: a reason code and a property list, both left out when the reason is 0x00 and
//! there are no properties (remaining length 0). The framer has checked the fixed header.

use bytes::{BufMut, Bytes, BytesMut};

use super::reader::Reader;
use super::write::put_varint;
use crate::mqtt::error::ProtocolError;
use crate::mqtt::packet::Packet;

const METHOD: u8 = 0x15;
const DATA: u8 = 0x16;
const REASON_STRING: u8 = 0x1F;
const USER_PROPERTY: u8 = 0x26;

/// The reason codes AUTH may carry (§3.15.2.1); anything else is malformed.
fn valid_code(code: u8) -> bool {
    matches!(code, 0x00 | 0x18 | 0x19)
}

/// Reads the body of an AUTH packet (everything after the fixed header).
pub(super) fn decode(body: &[u8]) -> Result<Packet, ProtocolError> {
    let bad = |what: &str| ProtocolError::Malformed(format!("AUTH {what}"));
    let mut r = Reader { buf: body };
    let (mut method, mut data, mut reason) = (None, None, None);
    let code = if body.is_empty() {
        0
    } else {
        r.byte().ok_or_else(|| bad("truncated"))?
    };
    if !valid_code(code) {
        return Err(bad(&format!("with reason code {code:#04x}")));
    }
    // A reason code alone means an empty property list (§3.15.2.2.1).
    if !r.buf.is_empty() {
        let len = r.varint().ok_or_else(|| bad("property length is broken"))?;
        if len != r.buf.len() {
            return Err(bad("property length does not match the packet"));
        }
        while !r.buf.is_empty() {
            let id = r.byte().ok_or_else(|| bad("truncated"))?;
            let once = |seen: bool| {
                if seen {
                    Err(bad(&format!("repeats property {id:#04x}")))
                } else {
                    Ok(())
                }
            };
            match id {
                METHOD => {
                    once(method.is_some())?;
                    method = Some(r.string().ok_or_else(|| bad("method is broken"))?);
                }
                DATA => {
                    once(data.is_some())?;
                    data = Some(Bytes::copy_from_slice(
                        r.binary().ok_or_else(|| bad("data is broken"))?,
                    ));
                }
                REASON_STRING => {
                    once(reason.is_some())?;
                    reason = Some(r.string().ok_or_else(|| bad("reason string is broken"))?);
                }
                // Allowed any number of times; nothing here acts on them.
                USER_PROPERTY => {
                    r.string()
                        .and_then(|_| r.string())
                        .ok_or_else(|| bad("user property is broken"))?;
                }
                _ => return Err(bad(&format!("with property {id:#04x}"))),
            }
        }
    }
    // Data means nothing without the method it belongs to (§3.15.2.2.3).
    if data.is_some() && method.is_none() {
        return Err(bad("has data but no method"));
    }
    Ok(Packet::Auth {
        code,
        method,
        data,
        reason,
    })
}

/// Writes a whole AUTH packet. Fails (without writing) when a field cannot be encoded.
pub(super) fn encode(
    code: u8,
    method: Option<&str>,
    data: Option<&[u8]>,
    reason: Option<&str>,
    out: &mut BytesMut,
) -> Result<(), mqttbytes::Error> {
    let too_long = |n: usize| n > u16::MAX as usize;
    if !valid_code(code)
        || method.is_some_and(|m| too_long(m.len()))
        || reason.is_some_and(|m| too_long(m.len()))
        || data.is_some_and(|d| too_long(d.len()))
        || (data.is_some() && method.is_none())
    {
        return Err(mqttbytes::Error::MalformedPacket);
    }
    let mut props = BytesMut::new();
    for (id, value) in [
        (METHOD, method.map(str::as_bytes)),
        (DATA, data),
        (REASON_STRING, reason.map(str::as_bytes)),
    ] {
        if let Some(v) = value {
            props.put_u8(id);
            props.put_u16(v.len() as u16);
            props.put_slice(v);
        }
    }
    out.put_u8(0xF0);
    // The short form (§3.15.2.2.1): nothing to say beyond success.
    if code == 0 && props.is_empty() {
        out.put_u8(0);
        return Ok(());
    }
    let mut len_bytes = BytesMut::new();
    put_varint(&mut len_bytes, props.len());
    put_varint(out, 1 + len_bytes.len() + props.len());
    out.put_u8(code);
    out.put_slice(&len_bytes);
    out.put_slice(&props);
    Ok(())
}

#[cfg(test)]
#[path = "auth_tests.rs"]
mod tests;
