//! `CorePair`: the connection core joined to the fake broker by a perfect in-memory link,
//! on a clock that only moves when a test moves it, keeping the effects it produced.
#![allow(dead_code)]

use mqtt_deck::model::connection::{Connection, Effect, Now, Transport};
use mqtt_deck::mqtt::packet::{Packet, Version};
use mqtt_deck::mqtt::Options;

use super::fake_broker::{options, FakeBroker};

pub struct CorePair {
    pub core: Connection,
    pub broker: FakeBroker,
    pub now: u64,
    pub open: bool,
    effects: Vec<Effect>,
}

impl CorePair {
    /// A core connected over `version`, with what connecting sent and said drained.
    pub fn connected(version: Version) -> CorePair {
        CorePair::connected_with(options(version))
    }

    /// A core connected with `opts`, with what connecting sent and said drained.
    pub fn connected_with(opts: Options) -> CorePair {
        CorePair::connected_to(opts, |_| {})
    }

    /// `connected_with`, before a broker that `setup` prepared (e.g. a SCRAM server).
    pub fn connected_to(opts: Options, setup: impl FnOnce(&mut FakeBroker)) -> CorePair {
        let mut pair = CorePair {
            core: Connection::new(None),
            broker: FakeBroker::new(opts.version),
            now: 0,
            open: false,
            effects: Vec::new(),
        };
        setup(&mut pair.broker);
        pair.core
            .connect(pair.at(), "ws://broker", opts)
            .expect("valid options");
        pair.pump();
        assert!(
            pair.core.status() == mqtt_deck::mqtt::Status::Connected,
            "the core did not connect"
        );
        pair.broker.take();
        pair.effects();
        pair
    }

    /// A core not yet connected, before a fake broker for `version`, at `now`.
    pub fn idle(version: Version, now: u64) -> CorePair {
        CorePair {
            core: Connection::new(None),
            broker: FakeBroker::new(version),
            now,
            open: false,
            effects: Vec::new(),
        }
    }

    pub fn at(&self) -> Now {
        Now::at(self.now)
    }

    /// Moves bytes and transport commands until neither side has anything left to say.
    pub fn pump(&mut self) {
        loop {
            let mut busy = false;
            while let Some(bytes) = self.core.poll_transmit() {
                busy = true;
                if self.open {
                    self.broker.feed(&bytes);
                }
            }
            while let Some(t) = self.core.poll_transport() {
                busy = true;
                match t {
                    Transport::Open { .. } => {
                        self.broker.new_link();
                        self.open = true;
                        self.core.handle_transport_open(Now::at(self.now));
                    }
                    Transport::Close => self.open = false,
                }
            }
            while let Some(e) = self.core.poll_effect() {
                self.effects.push(e);
            }
            if self.open && self.broker.closed {
                busy = true;
                self.broker.closed = false;
                self.open = false;
                let close = self.broker.take_close();
                self.core.handle_transport_closed_with(Now::at(self.now), close);
            }
            if self.open {
                for bytes in self.broker.drain_outbox() {
                    busy = true;
                    self.core.handle_bytes(Now::at(self.now), &bytes);
                }
            }
            if !busy {
                return;
            }
        }
    }

    /// The broker sends a packet now.
    pub fn deliver(&mut self, packet: Packet) {
        self.broker.send(packet);
        self.pump();
    }

    /// Drains the effects seen since the last call.
    pub fn effects(&mut self) -> Vec<Effect> {
        std::mem::take(&mut self.effects)
    }
}
