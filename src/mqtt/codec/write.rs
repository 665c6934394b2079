//! The packets a client sends most, written by hand for both versions: PUBLISH (per message,
//! so it borrows its topic and properties instead of building mqttbytes' owned copies), its
//! acknowledgements, SUBSCRIBE and UNSUBSCRIBE. One writer per packet instead of one per
//! version (with a property writer each) in the bundle. Bytes as mqttbytes writes them,
//! properties in its order; tests compare the two. CONNECT stays with mqttbytes.

use bytes::{BufMut, BytesMut};

use crate::mqtt::packet::{Packet, Publish, QoS, SubOptions};

/// Writes `p`; MQTT 5 properties only when `v5`. Nothing is written when it fails.
pub(super) fn publish(p: &Publish, v5: bool, out: &mut BytesMut) -> Result<(), mqttbytes::Error> {
    if p.qos != QoS::AtMostOnce && p.pkid == 0 {
        return Err(mqttbytes::Error::PacketIdZero);
    }
    let mut props = BytesMut::new();
    if v5 {
        if let Some(pp) = p.props.as_deref() {
            let mut strings: Vec<(u8, &[u8])> = Vec::new();
            if let Some(v) = pp.payload_format {
                props.put_u8(0x01);
                props.put_u8(v);
            }
            if let Some(v) = pp.message_expiry {
                props.put_u8(0x02);
                props.put_u32(v);
            }
            if let Some(v) = pp.topic_alias {
                props.put_u8(0x23);
                props.put_u16(v);
            }
            strings.extend(pp.response_topic.as_deref().map(|s| (0x08, s.as_bytes())));
            strings.extend(pp.correlation_data.as_deref().map(|s| (0x09, s)));
            for (id, v) in strings {
                props.put_u8(id);
                put_string(&mut props, v)?;
            }
            for (k, v) in &pp.user_properties {
                props.put_u8(0x26);
                put_string(&mut props, k.as_bytes())?;
                put_string(&mut props, v.as_bytes())?;
            }
            for &id in &pp.subscription_ids {
                props.put_u8(0x0B);
                put_varint(&mut props, id as usize);
            }
            if let Some(v) = pp.content_type.as_deref() {
                props.put_u8(0x03);
                put_string(&mut props, v.as_bytes())?;
            }
        }
    }
    let mut props_len = BytesMut::new();
    if v5 {
        put_varint(&mut props_len, props.len());
    }
    let id_len = if p.qos == QoS::AtMostOnce { 0 } else { 2 };
    let len = 2 + p.topic.len() + id_len + props_len.len() + props.len() + p.payload.len();
    if len > 268_435_455 {
        return Err(mqttbytes::Error::PayloadTooLong);
    }
    out.reserve(5 + len);
    out.put_u8(0x30 | (p.dup as u8) << 3 | (p.qos as u8) << 1 | p.retain as u8);
    put_varint(out, len);
    put_string(out, p.topic.as_bytes())?;
    if id_len > 0 {
        out.put_u16(p.pkid);
    }
    out.put_slice(&props_len);
    out.put_slice(&props);
    out.put_slice(&p.payload);
    Ok(())
}

/// Writes our PUBACK, PUBREC, PUBREL or PUBCOMP without properties, byte for byte as
/// mqttbytes would: the reason code left out on success, unknown ones sent as the
/// packet's generic failure. With code 0 it is also the 3.1.1 form.
pub(super) fn ack(packet: &Packet, pkid: u16, code: u8, out: &mut BytesMut) {
    let (first, code) = match packet {
        Packet::PubAck { .. } | Packet::PubRec { .. } => {
            let first = if matches!(packet, Packet::PubAck { .. }) {
                0x40
            } else {
                0x50
            };
            let known = matches!(code, 0x00 | 0x10 | 0x83 | 0x87 | 0x90 | 0x91 | 0x97 | 0x99);
            (first, if known { code } else { 0x80 })
        }
        Packet::PubRel { .. } => (0x62, if code == 0 { 0 } else { 0x92 }),
        _ => (0x70, if code == 0 { 0 } else { 0x92 }),
    };
    out.put_u8(first);
    out.put_u8(if code == 0 { 2 } else { 3 });
    out.put_u16(pkid);
    if code != 0 {
        out.put_u8(code);
    }
}

/// SUBSCRIBE (`v5`: options byte and the Subscription Identifier; 3.1.1: the QoS alone).
pub(super) fn subscribe(
    pkid: u16,
    filters: &[(String, SubOptions)],
    v5: bool,
    out: &mut BytesMut,
) -> Result<(), mqttbytes::Error> {
    let mut body = BytesMut::new();
    body.put_u16(pkid);
    if v5 {
        // One identifier per SUBSCRIBE: the session sends one filter per packet.
        let mut props = BytesMut::new();
        if let Some(id) = filters.iter().find_map(|(_, o)| o.id) {
            props.put_u8(0x0B);
            put_varint(&mut props, id as usize);
        }
        put_varint(&mut body, props.len());
        body.put_slice(&props);
    }
    for (filter, o) in filters {
        put_string(&mut body, filter.as_bytes())?;
        let mut options = o.qos as u8;
        if v5 {
            options |=
                (o.no_local as u8) << 2 | (o.retain_as_published as u8) << 3 | o.retain_handling.min(2) << 4;
        }
        body.put_u8(options);
    }
    frame(0x82, &body, out)
}

/// UNSUBSCRIBE (`v5`: with an empty property list).
pub(super) fn unsubscribe(
    pkid: u16,
    filters: &[String],
    v5: bool,
    out: &mut BytesMut,
) -> Result<(), mqttbytes::Error> {
    let mut body = BytesMut::new();
    body.put_u16(pkid);
    if v5 {
        body.put_u8(0);
    }
    for filter in filters {
        put_string(&mut body, filter.as_bytes())?;
    }
    frame(0xA2, &body, out)
}

/// A fixed header and `body`.
fn frame(first: u8, body: &[u8], out: &mut BytesMut) -> Result<(), mqttbytes::Error> {
    if body.len() > 268_435_455 {
        return Err(mqttbytes::Error::PayloadTooLong);
    }
    out.put_u8(first);
    put_varint(out, body.len());
    out.put_slice(body);
    Ok(())
}

/// A string or binary data: two-byte length, then the bytes.
fn put_string(out: &mut BytesMut, v: &[u8]) -> Result<(), mqttbytes::Error> {
    if v.len() > u16::MAX as usize {
        return Err(mqttbytes::Error::BoundaryCrossed(v.len()));
    }
    out.put_u16(v.len() as u16);
    out.put_slice(v);
    Ok(())
}

/// Variable byte integer (§1.5.5). Callers keep `n` below 2^28.
pub(super) fn put_varint(out: &mut BytesMut, mut n: usize) {
    loop {
        let byte = (n % 128) as u8;
        n /= 128;
        if n == 0 {
            out.put_u8(byte);
            return;
        }
        out.put_u8(byte | 0x80);
    }
}
