//! Waking up: the page regained the network, became visible again or came back from the
//! back-forward cache. Phones freeze background pages, so timers and sockets may have
//! slept through a lost link; the glue says so and the session checks at once.

use super::{Millis, Packet, Session, State};

impl Session {
    /// The page woke up (network back online, visible, restored, focused).
    ///
    /// - Waiting out a reconnect backoff: reconnect now, with the backoff started afresh,
    ///   since the reason to wait (no network, a sleeping page) is probably gone.
    /// - Connected: the link may have died while the page slept without the socket
    ///   noticing, so ping now and drop the link when nothing comes back within
    ///   `wake_ping_timeout_ms`.
    /// - Connecting or idle: nothing; an attempt under way has its own deadline.
    pub fn handle_wake(&mut self, now: Millis) {
        self.now = now;
        match self.state {
            State::Backoff { .. } => {
                self.backoff.reset();
                self.open(now);
            }
            // Wake-ups come in bursts (focus, visibility and pageshow together): one ping
            // answers them all.
            State::Connected if self.wake_deadline.is_none() => {
                self.send(Packet::PingReq);
                self.wake_deadline = Some(now + self.opts.wake_ping_timeout_ms);
            }
            _ => {}
        }
    }
}
