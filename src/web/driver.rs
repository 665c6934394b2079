//! The driver: owns the session, the socket and one timer, feeds the core and hands
//! the core's events to the app. All protocol decisions stay in the core.

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use bytes::Bytes;

use super::page::now_ms;
use super::timer::Timer;
use super::transport::Socket;
use crate::mqtt::{Error, Event, Options, PublishProps, QoS, Session, Status, SubOptions};

/// A cheap handle; clones share one session.
#[derive(Clone)]
pub struct Driver {
    inner: Rc<RefCell<Inner>>,
}

struct Inner {
    session: Session,
    url: String,
    socket: Option<Socket>,
    /// Made with the driver (it needs the driver's address), so always there after `new`.
    timer: Option<Timer>,
    sink: Rc<dyn Fn(Event)>,
}

impl Driver {
    /// `sink` receives every event meant for the app (never transport commands).
    pub fn new(sink: impl Fn(Event) + 'static) -> Driver {
        let inner = Inner {
            session: Session::new(Options::default()),
            url: String::new(),
            socket: None,
            timer: None,
            sink: Rc::new(sink),
        };
        let inner = Rc::new(RefCell::new(inner));
        let weak = Rc::downgrade(&inner);
        inner.borrow_mut().timer = Some(Timer::new(move |deadline| on_timer(&weak, deadline)));
        Driver { inner }
    }

    /// The page woke up (back online, visible, restored, focused): reconnect now when
    /// waiting to, or check that the link survived. True when a reconnect started.
    pub fn wake(&self) -> bool {
        let waiting = matches!(self.status(), Status::Reconnecting { .. });
        self.with_session(|s, now| s.handle_wake(now));
        waiting
    }

    /// The client ID of the current (or last) connection.
    pub fn client_id(&self) -> String {
        self.inner.borrow().session.client_id().to_string()
    }

    pub fn connect(&self, url: &str, opts: Options) -> Result<(), Error> {
        self.inner.borrow_mut().url = url.to_string();
        self.with_session(|s, now| s.connect(now, opts))
            .map_err(Error::Usage)
    }

    pub fn disconnect(&self) {
        self.with_session(|s, now| s.disconnect(now));
    }

    /// Leaves so that the broker publishes the will message.
    pub fn disconnect_with_will(&self) {
        self.with_session(|s, now| s.disconnect_with_will(now));
    }

    pub fn subscribe(&self, filter: &str, qos: QoS) -> Result<(), Error> {
        self.with_session(|s, _| s.subscribe(filter, qos))
    }

    pub fn subscribe_with(&self, filter: &str, options: SubOptions) -> Result<(), Error> {
        self.with_session(|s, _| s.subscribe_with(filter, options))
    }

    /// True when a subscription of the session matches `topic`.
    pub fn is_subscribed_to(&self, topic: &str) -> bool {
        let inner = self.inner.borrow();
        let matching = inner.session.subscriptions().keys().any(|f| crate::mqtt::topic::matches(f, topic));
        matching
    }

    pub fn unsubscribe(&self, filter: &str) -> Result<(), Error> {
        self.with_session(|s, _| s.unsubscribe(filter))
    }

    pub fn publish(&self, topic: &str, payload: Bytes, qos: QoS, retain: bool) -> Result<u64, Error> {
        self.with_session(|s, _| s.publish(topic, payload, qos, retain))
    }

    /// The broker URL of the current (or last) connection.
    pub fn url(&self) -> String {
        self.inner.borrow().url.clone()
    }

    pub fn publish_with(
        &self,
        topic: &str,
        payload: Bytes,
        qos: QoS,
        retain: bool,
        props: Option<Box<PublishProps>>,
    ) -> Result<u64, Error> {
        self.with_session(|s, _| s.publish_with(topic, payload, qos, retain, props))
    }

    pub fn status(&self) -> Status {
        self.inner.borrow().session.status()
    }

    fn with_session<R>(&self, f: impl FnOnce(&mut Session, u64) -> R) -> R {
        let result = f(&mut self.inner.borrow_mut().session, now_ms());
        pump(&self.inner);
        result
    }
}

/// Moves everything the core produced to where it belongs, re-arms the timer, then
/// calls the app with no borrow held (the app may call back into the driver).
fn pump(inner_rc: &Rc<RefCell<Inner>>) {
    let mut for_app = Vec::new();
    let sink = {
        let mut inner = inner_rc.borrow_mut();
        loop {
            while let Some(bytes) = inner.session.poll_transmit() {
                if let Some(socket) = &inner.socket {
                    // A failed send means the socket is closing; its close event follows.
                    let _ = socket.send(&bytes);
                }
            }
            let Some(event) = inner.session.poll_event() else {
                break;
            };
            match event {
                Event::OpenTransport => {
                    inner.socket = None;
                    let url = inner.url.clone();
                    match open_socket(Rc::downgrade(inner_rc), &url) {
                        Ok(socket) => {
                            let open = socket.is_open();
                            inner.socket = Some(socket);
                            if open {
                                inner.session.handle_transport_open(now_ms());
                            }
                        }
                        Err(reason) => inner.session.handle_transport_closed(now_ms(), reason),
                    }
                }
                // Dropping the socket detaches its handlers and closes it.
                Event::CloseTransport => inner.socket = None,
                other => for_app.push(other),
            }
        }
        arm_timer(&mut inner);
        inner.sink.clone()
    };
    for event in for_app {
        sink(event);
    }
}

fn open_socket(weak: Weak<RefCell<Inner>>, url: &str) -> Result<Socket, String> {
    let (w_open, w_msg, w_close) = (weak.clone(), weak.clone(), weak);
    Socket::open(
        url,
        move || feed(&w_open, |s, now| s.handle_transport_open(now)),
        move |message| match message {
            Ok(bytes) => feed(&w_msg, |s, now| s.handle_bytes(now, bytes)),
            Err(()) => feed(&w_msg, |s, now| s.handle_transport_text(now)),
        },
        move |reason| feed(&w_close, |s, now| s.handle_transport_closed(now, reason)),
    )
}

fn feed(weak: &Weak<RefCell<Inner>>, f: impl FnOnce(&mut Session, u64)) {
    let Some(inner) = weak.upgrade() else { return };
    f(&mut inner.borrow_mut().session, now_ms());
    pump(&inner);
}

/// One timer at the core's next deadline. A timer that would fire earlier than needed
/// is kept (the core ignores early calls), so a busy link does not churn timers.
fn arm_timer(inner: &mut Inner) {
    let deadline = inner.session.poll_timeout();
    let Some(timer) = &mut inner.timer else { return };
    let Some(deadline) = deadline else {
        return timer.cancel();
    };
    if matches!(timer.armed(), Some(armed) if armed <= deadline) {
        return;
    }
    let delay = deadline.saturating_sub(now_ms()).min(u32::MAX as u64) as u32;
    timer.arm(deadline, delay);
}

fn on_timer(weak: &Weak<RefCell<Inner>>, deadline: u64) {
    let Some(inner) = weak.upgrade() else { return };
    {
        let mut i = inner.borrow_mut();
        if !i.timer.as_mut().is_some_and(|t| t.fired(deadline)) {
            return;
        }
        i.session.handle_timeout(now_ms());
    }
    pump(&inner);
}
