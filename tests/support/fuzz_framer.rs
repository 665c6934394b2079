//! The `framer` fuzz target's body, shared by `fuzz/` and the corpus replay in `cargo test`:
//! arbitrary bytes, cut into arbitrary chunks, through the client's `Framer`.
//!
//! Input: a flags byte (bit 0: MQTT 5; bit 1: a small packet size limit, the rest of the
//! byte sizing it), a byte seeding where the chunks are cut, then the stream itself.
//! Checks: no panic; the same packets and the same first error whether the stream comes
//! whole or in pieces; every packet decoded re-encodes to bytes that decode to it again.
//!
//! Paths go through `crate::mqtt` as in `fake_broker`, so the file serves any crate root
//! that says `use mqtt_deck::mqtt;`.
#![allow(dead_code)]

use crate::mqtt::codec::{encode, Framer};
use crate::mqtt::error::ProtocolError;
use crate::mqtt::packet::{Packet, Version};

/// What a stream reads as: its packets, then the error that stopped it, if any.
type Reading = (Vec<Packet>, Option<ProtocolError>);

pub fn run(data: &[u8]) {
    let [flags, seed, stream @ ..] = data else {
        return;
    };
    let version = if flags & 1 == 0 {
        Version::V311
    } else {
        Version::V5
    };
    // A small limit reaches the oversized paths: refused in 5.0, skipped in 3.1.1.
    let max = if flags & 2 == 0 {
        1 << 20
    } else {
        8 + (flags >> 2) as usize * 4
    };
    let whole = read(version, max, &[stream]);
    let pieces = read(version, max, &chunks(stream, *seed));
    assert_eq!(whole, pieces, "{version:?} read differently whole and in pieces");
    for packet in &whole.0 {
        round_trip(version, packet);
    }
}

/// Feeds `chunks` one after the other, reading packets after each, until the first error.
fn read(version: Version, max: usize, chunks: &[&[u8]]) -> Reading {
    let mut framer = Framer::new(version, max);
    let mut packets = Vec::new();
    for chunk in chunks {
        framer.push(chunk);
        loop {
            match framer.next_packet() {
                Ok(Some(packet)) => packets.push(packet),
                Ok(None) => break,
                Err(e) => return (packets, Some(e)),
            }
        }
    }
    (packets, None)
}

/// Cuts `bytes` into pieces of 0 to 15 bytes, lengths drawn from `seed` (xorshift), so
/// that headers, lengths and bodies all get split somewhere.
fn chunks(bytes: &[u8], seed: u8) -> Vec<&[u8]> {
    let mut state = u32::from(seed) | 0x100;
    let mut rest = bytes;
    let mut out = Vec::new();
    while !rest.is_empty() {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        let n = (state % 16) as usize;
        let (head, tail) = rest.split_at(n.min(rest.len()));
        out.push(head);
        rest = tail;
    }
    out
}

/// What the codec can write of a packet it read must read back as the same packet. A
/// packet it cannot write (a value only the reader tolerates) is no failure here.
fn round_trip(version: Version, packet: &Packet) {
    // Not a wire packet: the framer's note of a PUBLISH it threw away.
    if matches!(packet, Packet::Skipped { .. }) {
        return;
    }
    let Ok(bytes) = encode(version, packet) else {
        return;
    };
    let mut framer = Framer::new(version, usize::MAX);
    framer.push(&bytes);
    let again = framer.next_packet();
    assert_eq!(
        again.as_ref(),
        Ok(&Some(packet.clone())),
        "{version:?} {packet:?} wrote {bytes:02x?}, which reads back differently"
    );
    assert_eq!(
        framer.buffered(),
        0,
        "{version:?} {packet:?} wrote more than one packet"
    );
}
