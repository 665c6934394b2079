//! The packets a client sends, written by hand for both versions: CONNECT, PUBLISH (per
//! message, so it borrows its topic and properties instead of building mqttbytes' owned
//! copies), its acknowledgements, SUBSCRIBE and UNSUBSCRIBE. One writer per packet instead of
//! one per version (with a property writer each) in the bundle. Bytes as mqttbytes writes
//! them, properties in its order; tests compare the two. PINGREQ and DISCONNECT too, which
//! the client sends without properties.

use bytes::{BufMut, BytesMut};

use crate::mqtt::packet::{Connect, Packet, Publish, PublishProps, QoS, SubOptions};

/// Writes CONNECT; MQTT 5 properties (the connection's and the will's) only when `v5`. As
/// mqttbytes does, an empty user name or password is left out rather than sent empty.
pub(super) fn connect(c: &Connect, v5: bool, out: &mut BytesMut) -> Result<(), mqttbytes::Error> {
    let mut body = BytesMut::new();
    put_string(&mut body, b"MQTT")?;
    body.put_u8(if v5 { 5 } else { 4 });
    // The flags byte, filled in once the will and the login are known.
    body.put_u8(0);
    body.put_u16(c.keep_alive);
    let mut flags = u8::from(c.clean_start) << 1;
    if v5 {
        let mut props = BytesMut::new();
        if c.session_expiry > 0 {
            props.put_u8(0x11);
            props.put_u32(c.session_expiry);
        }
        if c.receive_maximum > 0 {
            props.put_u8(0x21);
            props.put_u16(c.receive_maximum);
        }
        if c.max_packet_size > 0 {
            props.put_u8(0x27);
            props.put_u32(c.max_packet_size);
        }
        if c.topic_alias_max > 0 {
            props.put_u8(0x22);
            props.put_u16(c.topic_alias_max);
        }
        if c.request_response_info {
            props.put_u8(0x19);
            props.put_u8(1);
        }
        user_properties(&mut props, &c.user_properties)?;
        if let Some(m) = &c.auth_method {
            props.put_u8(0x15);
            put_string(&mut props, m.as_bytes())?;
        }
        if let Some(d) = &c.auth_data {
            props.put_u8(0x16);
            put_string(&mut props, d)?;
        }
        put_varint(&mut body, props.len());
        body.put_slice(&props);
    }
    put_string(&mut body, c.client_id.as_bytes())?;
    if let Some(will) = &c.will {
        flags |= 0x04 | (will.qos as u8) << 3 | u8::from(will.retain) << 5;
        if v5 {
            let mut props = BytesMut::new();
            if will.delay > 0 {
                props.put_u8(0x18);
                props.put_u32(will.delay);
            }
            if let Some(p) = will.props.as_deref() {
                if let Some(v) = p.payload_format {
                    props.put_u8(0x01);
                    props.put_u8(v);
                }
                if let Some(v) = p.message_expiry {
                    props.put_u8(0x02);
                    props.put_u32(v);
                }
                let strings = [
                    (0x03, p.content_type.as_deref().map(str::as_bytes)),
                    (0x08, p.response_topic.as_deref().map(str::as_bytes)),
                    (0x09, p.correlation_data.as_deref()),
                ];
                for (id, v) in strings {
                    if let Some(v) = v {
                        props.put_u8(id);
                        put_string(&mut props, v)?;
                    }
                }
                user_properties(&mut props, &p.user_properties)?;
            }
            put_varint(&mut body, props.len());
            body.put_slice(&props);
        }
        put_string(&mut body, will.topic.as_bytes())?;
        put_string(&mut body, &will.payload)?;
    }
    for (flag, field) in [(0x80, &c.username), (0x40, &c.password)] {
        if let Some(v) = field.as_deref().filter(|v| !v.is_empty()) {
            flags |= flag;
            put_string(&mut body, v.as_bytes())?;
        }
    }
    // After the protocol name (2 + 4 bytes) and level.
    body[7] = flags;
    frame(0x10, &body, out)
}

fn user_properties(props: &mut BytesMut, list: &[(String, String)]) -> Result<(), mqttbytes::Error> {
    for (k, v) in list {
        props.put_u8(0x26);
        put_string(props, k.as_bytes())?;
        put_string(props, v.as_bytes())?;
    }
    Ok(())
}

/// A PUBLISH's property list (§3.3.2.3) without its length.
pub(super) fn publish_props(pp: &PublishProps, props: &mut BytesMut) -> Result<(), mqttbytes::Error> {
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
        put_string(props, v)?;
    }
    user_properties(props, &pp.user_properties)?;
    for &id in &pp.subscription_ids {
        props.put_u8(0x0B);
        put_varint(props, id as usize);
    }
    if let Some(v) = pp.content_type.as_deref() {
        props.put_u8(0x03);
        put_string(props, v.as_bytes())?;
    }
    Ok(())
}

/// Writes `p`; MQTT 5 properties only when `v5`. Nothing is written when it fails.
pub(super) fn publish(p: &Publish, v5: bool, out: &mut BytesMut) -> Result<(), mqttbytes::Error> {
    if p.qos != QoS::AtMostOnce && p.pkid == 0 {
        return Err(mqttbytes::Error::PacketIdZero);
    }
    let mut props = BytesMut::new();
    if let (true, Some(pp)) = (v5, p.props.as_deref()) {
        publish_props(pp, &mut props)?;
    }
    // The property length's own size, so that it is written straight into `out` (no buffer
    // per message for it).
    let props_len_len = match props.len() {
        _ if !v5 => 0,
        0..=127 => 1,
        128..=16_383 => 2,
        16_384..=2_097_151 => 3,
        _ => 4,
    };
    let id_len = if p.qos == QoS::AtMostOnce { 0 } else { 2 };
    let len = 2 + p.topic.len() + id_len + props_len_len + props.len() + p.payload.len();
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
    if v5 {
        put_varint(out, props.len());
    }
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

/// DISCONNECT reason codes mqttbytes sends as they are; any other goes as 0x80.
const DISCONNECT_CODES: [u8; 28] = [
    0x04, 0x80, 0x81, 0x82, 0x83, 0x87, 0x89, 0x8B, 0x8D, 0x8E, 0x8F, 0x90, 0x93, 0x94, 0x95, 0x96, 0x97,
    0x98, 0x99, 0x9A, 0x9B, 0x9C, 0x9D, 0x9E, 0x9F, 0xA0, 0xA1, 0xA2,
];

/// PINGREQ (`first` 0xC0) or DISCONNECT (0xE0) without properties: no reason code for 0 (and
/// always in 3.1.1, where `code` is 0), else the code, as mqttbytes writes them.
pub(super) fn short(first: u8, code: u8, out: &mut BytesMut) {
    out.put_u8(first);
    if code == 0 {
        out.put_u8(0);
    } else {
        out.put_u8(1);
        out.put_u8(if DISCONNECT_CODES.contains(&code) {
            code
        } else {
            0x80
        });
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
