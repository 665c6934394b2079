//! Packet identifier allocation: never 0, never one still in flight, wrapping at 65,535.

/// Tracks which of the 65,535 packet identifiers are in use.
#[derive(Debug, Clone)]
pub struct PacketIds {
    used: Vec<u64>,
    in_use: usize,
    next: u16,
}

impl Default for PacketIds {
    fn default() -> Self {
        PacketIds {
            used: vec![0; 1024],
            in_use: 0,
            next: 1,
        }
    }
}

impl PacketIds {
    /// The next free identifier after the last one handed out, or `None` when all are taken.
    pub fn allocate(&mut self) -> Option<u16> {
        if self.in_use == u16::MAX as usize {
            return None;
        }
        loop {
            let id = self.next;
            self.next = if self.next == u16::MAX { 1 } else { self.next + 1 };
            if !self.is_used(id) {
                self.mark(id, true);
                return Some(id);
            }
        }
    }

    /// Claims a specific identifier (for state carried over a reconnect).
    pub fn claim(&mut self, id: u16) {
        if id != 0 && !self.is_used(id) {
            self.mark(id, true);
        }
    }

    pub fn release(&mut self, id: u16) {
        if id != 0 && self.is_used(id) {
            self.mark(id, false);
        }
    }

    pub fn is_used(&self, id: u16) -> bool {
        self.used[id as usize / 64] & (1 << (id % 64)) != 0
    }

    /// Where the search for a free identifier starts: kept with a stored session.
    pub fn next(&self) -> u16 {
        self.next
    }

    pub fn set_next(&mut self, next: u16) {
        self.next = next.max(1);
    }

    pub fn in_use(&self) -> usize {
        self.in_use
    }

    fn mark(&mut self, id: u16, used: bool) {
        let word = &mut self.used[id as usize / 64];
        if used {
            *word |= 1 << (id % 64);
            self.in_use += 1;
        } else {
            *word &= !(1 << (id % 64));
            self.in_use -= 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_start_at_one_and_wrap_past_65535_skipping_zero() {
        let mut ids = PacketIds::default();
        assert_eq!(ids.allocate(), Some(1));
        for _ in 2..=u16::MAX {
            let id = ids.allocate().unwrap();
            ids.release(id);
        }
        ids.release(1);
        // The cursor wrapped: 0 is skipped, 1 is free again.
        assert_eq!(ids.allocate(), Some(1));
    }

    #[test]
    fn ids_in_flight_are_never_reused_and_exhaustion_is_reported() {
        let mut ids = PacketIds::default();
        for _ in 0..u16::MAX {
            assert!(ids.allocate().is_some());
        }
        assert_eq!(ids.allocate(), None);
        ids.release(4242);
        assert_eq!(ids.allocate(), Some(4242));
        assert_eq!(ids.allocate(), None);
    }
}
