//! The PUBLISH of both versions, read by hand: the hot path's one packet, in one reader. For
//! MQTT 5 mqttbytes counts each Subscription Identifier one byte too long, so it stops reading
//! properties early: a short property after two identifiers (a message that matched several
//! subscriptions) came out as payload. Writing is in `write`.

use bytes::Bytes;

use super::reader::Reader;
use crate::mqtt::error::ProtocolError;
use crate::mqtt::packet::{Packet, Publish, PublishProps, QoS};

/// Reads one whole PUBLISH frame (fixed header included), as checked by the framer; MQTT 5
/// frames (`v5`) carry a property list after the packet id, 3.1.1 ones none.
pub(super) fn decode(frame: Bytes, v5: bool) -> Result<Packet, ProtocolError> {
    let bad = |what: &str| ProtocolError::Malformed(what.to_string());
    let lengths = || bad("its lengths do not add up");
    let flags = frame[0] & 0x0F;
    let qos = QoS::from_u8((flags >> 1) & 0b11)
        .ok_or_else(|| bad(&format!("QoS {} does not exist", (flags >> 1) & 0b11)))?;
    // The remaining length ends at the first byte without its continuation bit.
    let header_len = 2 + frame[1..].iter().take_while(|b| *b & 0x80 != 0).count();
    let mut r = Reader {
        buf: &frame[header_len..],
    };
    let topic = r.binary().ok_or_else(lengths)?;
    let topic = std::str::from_utf8(topic)
        .map_err(|_| bad("a string is not UTF-8"))?
        .to_string();
    let pkid = match qos {
        QoS::AtMostOnce => 0,
        _ => match r.take(2).ok_or_else(lengths)? {
            [0, 0] => return Err(bad("packet identifier 0")),
            id => u16::from_be_bytes([id[0], id[1]]),
        },
    };
    let props = if v5 {
        let len = r.varint().ok_or_else(lengths)?;
        read_props(&mut Reader {
            buf: r.take(len).ok_or_else(lengths)?,
        })?
    } else {
        None
    };
    Ok(Packet::Publish(Publish {
        topic,
        payload: frame.slice(frame.len() - r.buf.len()..),
        qos,
        retain: flags & 0b0001 != 0,
        dup: flags & 0b1000 != 0,
        pkid,
        props,
    }))
}

/// The property list (§3.3.2.3), each property within its length; `None` when empty.
pub(super) fn read_props(r: &mut Reader) -> Result<Option<Box<PublishProps>>, ProtocolError> {
    let broken = |id: u8| ProtocolError::Malformed(format!("property {id} is broken"));
    let mut p = PublishProps::default();
    while let Some(id) = r.byte() {
        let ok = match id {
            0x01 => r.byte().map(|v| p.payload_format = Some(v)),
            0x02 => r
                .take(4)
                .map(|v| p.message_expiry = Some(u32::from_be_bytes([v[0], v[1], v[2], v[3]]))),
            0x03 => r.utf8().map(|v| p.content_type = Some(v)),
            0x08 => r.utf8().map(|v| p.response_topic = Some(v)),
            0x09 => r
                .binary()
                .map(|v| p.correlation_data = Some(Bytes::copy_from_slice(v))),
            // Four variable-byte digits at most: the identifier fits in a u32.
            0x0B => r.varint().map(|v| p.subscription_ids.push(v as u32)),
            0x23 => r
                .take(2)
                .map(|v| p.topic_alias = Some(u16::from_be_bytes([v[0], v[1]]))),
            0x26 => r
                .utf8()
                .and_then(|k| Some((k, r.utf8()?)))
                .map(|kv| p.user_properties.push(kv)),
            _ => return Err(ProtocolError::Malformed(format!("unknown property {id}"))),
        };
        ok.ok_or_else(|| broken(id))?;
    }
    Ok(p.boxed())
}
