//! Framing over mqttbytes: one receive buffer, packets split across or packed into
//! WebSocket messages, size limits both ways, and guards for mqttbytes' known defects.
//!
//! - this file — the `Framer`, `encode`, what both versions share, and a PUBLISH's property
//!   list on its own (how a queued publish keeps its properties across a reload).
//! - `v4`, `v5` — the client's packets in each version's wire form (over mqttbytes where not by hand).
//! - `auth`     — the MQTT 5 AUTH packet, which mqttbytes lacks.
//! - `read_publish` — the PUBLISH of both versions read by hand (mqttbytes miscounts MQTT 5
//!   properties).
//! - `v5_acks` — the MQTT 5 CONNACK, acks and DISCONNECT read by hand (one reader, not eight).
//! - `write`    — every packet the client sends (CONNECT, PUBLISH and its acks, SUBSCRIBE,
//!   UNSUBSCRIBE, PINGREQ, DISCONNECT) written by hand for both versions; mqttbytes is the
//!   reference the tests hold them to, and still reads the fixed header, 3.1.1 CONNACK and
//!   SUBACK.
//! - `reader`   — the cursor the hand-read packets share.
//! - `peer`     — the broker's half (CONNECT, SUBSCRIBE in; CONNACK, SUBACK out), native only.
//! - `reasons`  — PUBACK and PUBREC reason codes, for the broker's half (native only).
//! - tests: `tests`, `framing_tests`, `write_tests` (acks, DISCONNECT), `prop_tests` (round
//!   trips, PUBLISH both ways, SUBSCRIBE), `connect_tests` (CONNECT against mqttbytes), `auth_tests`.

mod auth;
mod peer;
mod read_publish;
mod reader;
#[cfg(not(target_arch = "wasm32"))]
mod reasons;
mod v4;
mod v5;
mod v5_acks;
mod write;

use bytes::{Bytes, BytesMut};

use super::error::{Error, LimitError, ProtocolError, UsageError};
use super::packet::{Packet, PublishProps, Version};

/// Splits a byte stream into packets. Owns the only receive buffer of a connection.
#[derive(Debug)]
pub struct Framer {
    version: Version,
    max_packet_size: usize,
    buf: BytesMut,
    /// Bytes of a skipped oversized PUBLISH still to come and be thrown away.
    skip: usize,
}

impl Framer {
    pub fn new(version: Version, max_packet_size: usize) -> Self {
        Framer {
            version,
            max_packet_size,
            buf: BytesMut::new(),
            skip: 0,
        }
    }

    /// Appends bytes as they came off the wire; call `next_packet` until it says `None`.
    pub fn push(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
    }

    /// Bytes waiting for the rest of their packet.
    pub fn buffered(&self) -> usize {
        self.buf.len()
    }

    /// The next whole packet, `None` when more bytes are needed. After an error the
    /// stream cannot be trusted: the caller closes the connection.
    pub fn next_packet(&mut self) -> Result<Option<Packet>, ProtocolError> {
        if self.skip > 0 {
            let n = self.skip.min(self.buf.len());
            let _ = self.buf.split_to(n);
            self.skip -= n;
            if self.skip > 0 {
                return Ok(None);
            }
        }
        if self.buf.len() < 2 {
            return Ok(None);
        }
        let kind = self.buf[0] >> 4;
        // Reject by type before waiting for a body that may never be worth having.
        match kind {
            0 => return Err(ProtocolError::Malformed("reserved packet type 0".into())),
            // AUTH's flags are reserved as 0 (§2.1.3).
            15 if self.version == Version::V5 && self.buf[0] & 0x0F != 0 => {
                return Err(ProtocolError::Malformed("AUTH with flags set".into()))
            }
            15 if self.version == Version::V5 => {}
            15 => return Err(ProtocolError::Malformed("reserved packet type 15".into())),
            _ => {}
        }
        let Some((header_len, remaining_len)) = fixed_header(&self.buf)? else {
            return Ok(None);
        };
        // The limit is on the whole packet (MQTT 5 §3.1.2.11.4), and is enforced before
        // waiting for a body that we would refuse anyway.
        let frame_len = header_len + remaining_len;
        if frame_len > self.max_packet_size {
            // MQTT 5 brokers know our limit and must not send more (§3.1.2.11.4); a 3.1.1
            // broker cannot know it, so its oversized PUBLISH is skipped, not fatal.
            if kind == 3 && self.version == Version::V311 {
                return self.skip_publish(header_len, frame_len);
            }
            return Err(ProtocolError::PacketTooLarge {
                size: frame_len,
                max: self.max_packet_size,
            });
        }
        if self.buf.len() < frame_len {
            return Ok(None);
        }
        let frame = self.buf.split_to(frame_len);
        // The frame is whole: from here any "insufficient bytes" means the packet lies
        // about its own lengths, which is malformed, not a reason to wait.
        if remaining_len == 0 {
            return empty_body(kind).map(Some);
        }
        // mqttbytes knows no AUTH; only MQTT 5 gets here with type 15 (see above).
        if kind == 15 {
            return auth::decode(&frame[header_len..]).map(Some);
        }
        // MQTT 5 lets DISCONNECT stop after its reason code (§3.14.2.2.1); mqttbytes
        // insists on a property length. Mosquitto sends this form, e.g. for 0x8E.
        if kind == 14 && remaining_len == 1 && self.version == Version::V5 {
            return v5_acks::short_disconnect(frame[header_len]).map(Some);
        }
        // A 3.1.1 broker answers a 5.0 CONNECT with a 3.1.1 CONNACK (return code 1), which
        // mqttbytes' v5 reader calls malformed. Its two-byte body is unlike any v5 CONNACK
        // (those carry a property length), so it is read here as "unsupported version".
        if kind == 2 && remaining_len == 2 && self.version == Version::V5 {
            return Ok(Some(Packet::ConnAck(super::packet::ConnAck {
                session_present: false,
                code: 0x84,
                ..Default::default()
            })));
        }
        let fixed = mqttbytes::FixedHeader::new(frame[0], header_len - 1, remaining_len);
        let packet = match self.version {
            Version::V311 => v4::decode(fixed, frame.freeze()),
            Version::V5 => v5::decode(fixed, frame.freeze()),
        };
        packet.map(Some)
    }
}

impl Framer {
    /// Reads the topic (and packet id) of an oversized 3.1.1 PUBLISH, then throws its
    /// bytes away as they arrive, so that it never sits whole in memory.
    fn skip_publish(&mut self, header_len: usize, frame_len: usize) -> Result<Option<Packet>, ProtocolError> {
        let qos = (self.buf[0] >> 1) & 0b11;
        let Some(qos) = super::packet::QoS::from_u8(qos) else {
            return Err(ProtocolError::Malformed(format!("QoS {qos} does not exist")));
        };
        let need_len = header_len + 2;
        if self.buf.len() < need_len {
            return Ok(None);
        }
        let topic_len = u16::from_be_bytes([self.buf[header_len], self.buf[header_len + 1]]) as usize;
        let id_len = if qos == super::packet::QoS::AtMostOnce {
            0
        } else {
            2
        };
        let need = need_len + topic_len + id_len;
        if need > frame_len {
            return Err(ProtocolError::Malformed("its lengths do not add up".into()));
        }
        if self.buf.len() < need {
            return Ok(None);
        }
        let topic = String::from_utf8_lossy(&self.buf[need_len..need_len + topic_len]).into_owned();
        let pkid = if id_len == 2 {
            u16::from_be_bytes([self.buf[need_len + topic_len], self.buf[need_len + topic_len + 1]])
        } else {
            0
        };
        if qos != super::packet::QoS::AtMostOnce && pkid == 0 {
            return Err(ProtocolError::Malformed("packet identifier 0".into()));
        }
        self.skip = frame_len;
        let n = self.skip.min(self.buf.len());
        let _ = self.buf.split_to(n);
        self.skip -= n;
        Ok(Some(Packet::Skipped {
            topic,
            size: frame_len,
            qos,
            pkid,
        }))
    }
}

/// Parses the fixed header: `None` until it is complete, then its own length and the
/// remaining length. More than four length bytes is malformed (§1.5.5).
fn fixed_header(buf: &[u8]) -> Result<Option<(usize, usize)>, ProtocolError> {
    let mut remaining = 0usize;
    for (i, byte) in buf.iter().skip(1).take(4).enumerate() {
        remaining |= ((byte & 0x7F) as usize) << (7 * i);
        if byte & 0x80 == 0 {
            return Ok(Some((i + 2, remaining)));
        }
    }
    if buf.len() >= 5 {
        return Err(ProtocolError::Malformed(
            "remaining length longer than 4 bytes".into(),
        ));
    }
    Ok(None)
}

/// Packets with remaining length 0. mqttbytes rejects a v5 DISCONNECT of this form,
/// which the spec allows (reason 0x00, no properties).
fn empty_body(kind: u8) -> Result<Packet, ProtocolError> {
    match kind {
        12 => Ok(Packet::PingReq),
        13 => Ok(Packet::PingResp),
        14 => Ok(Packet::Disconnect {
            code: 0,
            reason: None,
        }),
        // MQTT 5 only (3.1.1 refuses type 15 earlier): success without properties.
        15 => auth::decode(&[]),
        _ => Err(ProtocolError::Malformed(format!(
            "packet type {kind} with no body"
        ))),
    }
}

/// Encodes one packet. Encoding goes into a fresh buffer so that a failed write
/// never leaves half a packet in anything that will be sent.
pub fn encode(version: Version, packet: &Packet) -> Result<Bytes, Error> {
    let mut scratch = BytesMut::new();
    let result = match version {
        Version::V311 => v4::encode(packet, &mut scratch),
        Version::V5 => v5::encode(packet, &mut scratch),
    };
    match result {
        Ok(()) => Ok(scratch.freeze()),
        Err(mqttbytes::Error::PayloadTooLong) => Err(LimitError::PacketTooLarge {
            size: scratch.len(),
            max: 268_435_455,
        }
        .into()),
        Err(e) => {
            Err(
                UsageError::InvalidOptions(format!("cannot encode {}: {}", packet.name(), describe(e)))
                    .into(),
            )
        }
    }
}

/// A PUBLISH's MQTT 5 property list as the wire carries it (§3.3.2.3, without its length):
/// the form a queued publish keeps its properties in across a reload. `None` when a string is
/// too long for the wire, which `Session::publish_with` has refused already.
pub fn publish_props_bytes(props: &PublishProps) -> Option<Vec<u8>> {
    let mut out = BytesMut::new();
    write::publish_props(props, &mut out).ok()?;
    Some(out.to_vec())
}

/// Reads [`publish_props_bytes`]'s list back; `None` for an empty one.
pub fn publish_props_from(bytes: &[u8]) -> Result<Option<Box<PublishProps>>, ProtocolError> {
    read_publish::read_props(&mut reader::Reader { buf: bytes })
}

pub(crate) fn malformed(e: mqttbytes::Error) -> ProtocolError {
    ProtocolError::Malformed(describe(e))
}

/// Says in words what mqttbytes found wrong. Its `Debug` names would do, but they pull
/// every variant's and packet type's name into the bundle to tell users less.
fn describe(e: mqttbytes::Error) -> String {
    use mqttbytes::Error as E;
    match e {
        E::InvalidQoS(q) => format!("QoS {q} does not exist"),
        E::PacketIdZero => "packet identifier 0".into(),
        E::TopicNotUtf8 => "a string is not UTF-8".into(),
        E::InvalidPropertyType(p) => format!("unknown property {p}"),
        E::InvalidReason(r) | E::InvalidConnectReturnCode(r) | E::InvalidSubscribeReasonCode(r) => {
            format!("unknown reason code {r}")
        }
        E::InvalidPacketType(t) => format!("packet type {t} here"),
        E::PayloadRequired => "the body is missing".into(),
        E::InsufficientBytes(_)
        | E::BoundaryCrossed(_)
        | E::PayloadSizeIncorrect
        | E::MalformedRemainingLength
        | E::MalformedPacket => "its lengths do not add up".into(),
        _ => "a field is out of range".into(),
    }
}

#[cfg(test)]
pub(crate) fn qos_to_wire(q: super::packet::QoS) -> mqttbytes::QoS {
    match q {
        super::packet::QoS::AtMostOnce => mqttbytes::QoS::AtMostOnce,
        super::packet::QoS::AtLeastOnce => mqttbytes::QoS::AtLeastOnce,
        super::packet::QoS::ExactlyOnce => mqttbytes::QoS::ExactlyOnce,
    }
}

// proptest is a native-only dev-dependency.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod connect_tests;
#[cfg(test)]
mod framing_tests;
// proptest is a native-only dev-dependency.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod prop_tests;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod write_tests;
