//! A cursor over a packet body, for the packets read by hand (AUTH, MQTT 5 PUBLISH and acks).

/// The body of a whole frame checked by the framer: what follows the remaining length,
/// which ends at the first byte without its continuation bit.
pub(super) fn body(frame: &[u8]) -> &[u8] {
    &frame[2 + frame[1..].iter().take_while(|b| *b & 0x80 != 0).count()..]
}

/// A cursor over the body; every read says `None` when the bytes run out.
pub(super) struct Reader<'a> {
    pub buf: &'a [u8],
}

impl<'a> Reader<'a> {
    pub fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if self.buf.len() < n {
            return None;
        }
        let (head, rest) = self.buf.split_at(n);
        self.buf = rest;
        Some(head)
    }

    pub fn byte(&mut self) -> Option<u8> {
        self.take(1).map(|b| b[0])
    }

    pub fn varint(&mut self) -> Option<usize> {
        let mut n = 0usize;
        for i in 0..4 {
            let b = self.byte()?;
            n |= ((b & 0x7F) as usize) << (7 * i);
            if b & 0x80 == 0 {
                return Some(n);
            }
        }
        None
    }

    pub fn binary(&mut self) -> Option<&'a [u8]> {
        let len = self.take(2)?;
        self.take(u16::from_be_bytes([len[0], len[1]]) as usize)
    }

    /// UTF-8 without U+0000 (§1.5.4).
    pub fn string(&mut self) -> Option<String> {
        self.utf8().filter(|s| !s.contains('\0'))
    }

    /// UTF-8, U+0000 let through as mqttbytes does: PUBLISH's topic is checked later, by
    /// the session, which says what is wrong with it.
    pub fn utf8(&mut self) -> Option<String> {
        std::str::from_utf8(self.binary()?).ok().map(str::to_string)
    }
}
