//! The driver: owns a sans-IO core, the socket and one timer, feeds the core and hands its
//! outputs to the app. All protocol and app decisions stay in the core. The app runs the
//! connection core (`model::connection::Connection`); the benchmark's bare page and the
//! browser tests run a bare `Session`, through the same loop. The one timer runs on a Worker
//! (see `timer`), and wake-ups of the page reach the core through `wake`.

use std::cell::{Ref, RefCell};
use std::rc::{Rc, Weak};

use bytes::Bytes;

use super::page::{now_ms, wall_ms};
use super::timer::Timer;
use super::transport::Socket;
use crate::model::connection::{Connection, Effect, Now, Transport};
use crate::mqtt::{Close, Error, Event, Options, PublishProps, QoS, Session, Status, SubOptions};

/// What a core asks of the driver next.
pub enum Step<O> {
    /// Open a new transport (to `url` when the core names it), then report it open.
    Open(Option<String>),
    Close,
    Out(O),
}

/// A sans-IO core the driver can run: transport events and time in, bytes and steps out.
pub trait Core: 'static {
    type Output: 'static;
    fn on_open(&mut self, now: u64);
    fn on_closed(&mut self, now: u64, close: Close);
    fn on_text(&mut self, now: u64);
    fn on_bytes(&mut self, now: u64, bytes: &[u8]);
    fn on_timeout(&mut self, now: u64);
    /// The page woke up (back online, visible, restored, focused).
    fn on_wake(&mut self, now: u64);
    fn status(&self) -> Status;
    fn client_id(&self) -> &str;
    fn transmit(&mut self) -> Option<Bytes>;
    fn step(&mut self) -> Option<Step<Self::Output>>;
    fn deadline(&self) -> Option<u64>;
}

impl Core for Session {
    type Output = Event;
    fn on_open(&mut self, now: u64) {
        self.handle_transport_open(now)
    }
    fn on_closed(&mut self, now: u64, close: Close) {
        self.handle_transport_closed_with(now, close)
    }
    fn on_text(&mut self, now: u64) {
        self.handle_transport_text(now)
    }
    fn on_bytes(&mut self, now: u64, bytes: &[u8]) {
        self.handle_bytes(now, bytes)
    }
    fn on_timeout(&mut self, now: u64) {
        self.handle_timeout(now)
    }
    fn on_wake(&mut self, now: u64) {
        self.handle_wake(now)
    }
    fn status(&self) -> Status {
        Session::status(self)
    }
    fn client_id(&self) -> &str {
        Session::client_id(self)
    }
    fn transmit(&mut self) -> Option<Bytes> {
        self.poll_transmit()
    }
    fn step(&mut self) -> Option<Step<Event>> {
        self.poll_event().map(|e| match e {
            Event::OpenTransport => Step::Open(None),
            Event::CloseTransport => Step::Close,
            other => Step::Out(other),
        })
    }
    fn deadline(&self) -> Option<u64> {
        self.poll_timeout()
    }
}

/// What the connection core hands the page: an effect, or "the views may repaint".
pub enum Update {
    Effect(Effect),
    Repaint,
}

/// The connection core stamps messages with the wall clock besides the monotonic one.
fn stamp(mono: u64) -> Now {
    Now {
        mono,
        wall: wall_ms(),
    }
}

impl Core for Connection {
    type Output = Update;
    fn on_open(&mut self, now: u64) {
        self.handle_transport_open(stamp(now))
    }
    fn on_closed(&mut self, now: u64, close: Close) {
        self.handle_transport_closed_with(stamp(now), close)
    }
    fn on_text(&mut self, now: u64) {
        self.handle_transport_text(stamp(now))
    }
    fn on_bytes(&mut self, now: u64, bytes: &[u8]) {
        self.handle_bytes(stamp(now), bytes)
    }
    fn on_timeout(&mut self, now: u64) {
        self.handle_timeout(stamp(now))
    }
    fn on_wake(&mut self, now: u64) {
        self.handle_wake(stamp(now))
    }
    fn status(&self) -> Status {
        Connection::status(self)
    }
    fn client_id(&self) -> &str {
        Connection::client_id(self)
    }
    fn transmit(&mut self) -> Option<Bytes> {
        self.poll_transmit()
    }
    fn step(&mut self) -> Option<Step<Update>> {
        if let Some(t) = self.poll_transport() {
            return Some(match t {
                Transport::Open { url } => Step::Open(Some(url)),
                Transport::Close => Step::Close,
            });
        }
        if let Some(e) = self.poll_effect() {
            return Some(Step::Out(Update::Effect(e)));
        }
        self.poll_repaint().then_some(Step::Out(Update::Repaint))
    }
    fn deadline(&self) -> Option<u64> {
        self.poll_timeout()
    }
}

/// A cheap handle; clones share one core.
pub struct Driver<C: Core = Session> {
    inner: Rc<RefCell<Inner<C>>>,
}

impl<C: Core> Clone for Driver<C> {
    fn clone(&self) -> Self {
        Driver {
            inner: self.inner.clone(),
        }
    }
}

struct Inner<C: Core> {
    core: C,
    /// Where a bare session's transport goes (the connection core names it itself).
    url: String,
    socket: Option<Socket>,
    /// Made with the driver (it needs the driver's address), so always there after `with_core`.
    timer: Option<Timer>,
    sink: Rc<dyn Fn(C::Output)>,
}

impl<C: Core> Driver<C> {
    /// `sink` receives every output meant for the app (never transport commands).
    pub fn with_core(core: C, sink: impl Fn(C::Output) + 'static) -> Driver<C> {
        let inner = Inner {
            core,
            url: String::new(),
            socket: None,
            timer: None,
            sink: Rc::new(sink),
        };
        let inner = Rc::new(RefCell::new(inner));
        let weak = Rc::downgrade(&inner);
        inner.borrow_mut().timer = Some(Timer::new(move |deadline| on_timer(&weak, deadline)));
        let driver = Driver { inner };
        // What the core has to say from the start (e.g. saved state it could not read).
        pump(&driver.inner);
        driver
    }

    /// The page woke up (back online, visible, restored, focused): reconnect now when
    /// waiting to, or check that the link survived. True when a reconnect started.
    pub fn wake(&self) -> bool {
        let waiting = matches!(self.core().status(), Status::Reconnecting { .. });
        self.act(|c, now| c.on_wake(now));
        waiting
    }

    /// The client ID of the current (or last) connection.
    pub fn client_id(&self) -> String {
        self.core().client_id().to_string()
    }

    /// Gives the core an action at the current time, then moves what it produced.
    pub fn act<R>(&self, f: impl FnOnce(&mut C, u64) -> R) -> R {
        let result = f(&mut self.inner.borrow_mut().core, now_ms());
        pump(&self.inner);
        result
    }

    /// Stops for good: closes the socket and the timer and lets go of the sink. The sink
    /// holds what holds the driver (the views' feed, the other-tabs listener), so without
    /// this a closed connection's core and its messages would outlive it.
    pub fn stop(&self) {
        let mut inner = self.inner.borrow_mut();
        inner.socket = None;
        inner.timer = None;
        inner.sink = Rc::new(|_| {});
    }

    /// Whether `other` drives the same core.
    pub fn same(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.inner, &other.inner)
    }

    /// The core, for reading. Do not hold it across an `act`.
    pub fn core(&self) -> Ref<'_, C> {
        Ref::map(self.inner.borrow(), |i| &i.core)
    }
}

impl Driver<Connection> {
    /// `act` with both clocks, as the connection core takes them.
    pub fn run<R>(&self, f: impl FnOnce(&mut Connection, Now) -> R) -> R {
        self.act(|c, now| f(c, stamp(now)))
    }
}

/// A bare session's conveniences, for the benchmark's bare page and the browser tests.
impl Driver<Session> {
    pub fn new(sink: impl Fn(Event) + 'static) -> Driver<Session> {
        Driver::with_core(Session::new(Options::default()), sink)
    }

    pub fn connect(&self, url: &str, opts: Options) -> Result<(), Error> {
        self.inner.borrow_mut().url = url.to_string();
        self.act(|s, now| s.connect(now, opts)).map_err(Error::Usage)
    }

    pub fn disconnect(&self) {
        self.act(|s, now| s.disconnect(now));
    }

    pub fn subscribe(&self, filter: &str, qos: QoS) -> Result<(), Error> {
        self.act(|s, _| s.subscribe(filter, qos))
    }

    pub fn subscribe_with(&self, filter: &str, options: SubOptions) -> Result<(), Error> {
        self.act(|s, _| s.subscribe_with(filter, options))
    }

    pub fn unsubscribe(&self, filter: &str) -> Result<(), Error> {
        self.act(|s, _| s.unsubscribe(filter))
    }

    pub fn publish(&self, topic: &str, payload: Bytes, qos: QoS, retain: bool) -> Result<u64, Error> {
        self.act(|s, _| s.publish(topic, payload, qos, retain))
    }

    pub fn publish_with(
        &self,
        topic: &str,
        payload: Bytes,
        qos: QoS,
        retain: bool,
        props: Option<Box<PublishProps>>,
    ) -> Result<u64, Error> {
        self.act(|s, _| s.publish_with(topic, payload, qos, retain, props))
    }

    pub fn status(&self) -> Status {
        Core::status(&*self.core())
    }
}

/// Moves everything the core produced to where it belongs, re-arms the timer, then
/// calls the app with no borrow held (the app may call back into the driver).
fn pump<C: Core>(inner_rc: &Rc<RefCell<Inner<C>>>) {
    let mut for_app = Vec::new();
    let sink = {
        let mut inner = inner_rc.borrow_mut();
        loop {
            while let Some(bytes) = inner.core.transmit() {
                if let Some(socket) = &inner.socket {
                    // A failed send means the socket is closing; its close event follows.
                    let _ = socket.send(&bytes);
                }
            }
            let Some(step) = inner.core.step() else {
                break;
            };
            match step {
                Step::Open(url) => {
                    inner.socket = None;
                    let url = url.unwrap_or_else(|| inner.url.clone());
                    match open_socket(Rc::downgrade(inner_rc), &url) {
                        Ok(socket) => {
                            let open = socket.is_open();
                            inner.socket = Some(socket);
                            if open {
                                inner.core.on_open(now_ms());
                            }
                        }
                        Err(reason) => inner.core.on_closed(now_ms(), Close::abnormal(reason)),
                    }
                }
                // Dropping the socket detaches its handlers and closes it.
                Step::Close => inner.socket = None,
                Step::Out(out) => for_app.push(out),
            }
        }
        arm_timer(&mut inner);
        inner.sink.clone()
    };
    for out in for_app {
        sink(out);
    }
}

fn open_socket<C: Core>(weak: Weak<RefCell<Inner<C>>>, url: &str) -> Result<Socket, String> {
    let (w_open, w_msg, w_close) = (weak.clone(), weak.clone(), weak);
    Socket::open(
        url,
        move || feed(&w_open, |c, now| c.on_open(now)),
        move |message| match message {
            Ok(bytes) => feed(&w_msg, |c, now| c.on_bytes(now, bytes)),
            Err(()) => feed(&w_msg, |c, now| c.on_text(now)),
        },
        move |close| feed(&w_close, |c, now| c.on_closed(now, close)),
    )
}

fn feed<C: Core>(weak: &Weak<RefCell<Inner<C>>>, f: impl FnOnce(&mut C, u64)) {
    let Some(inner) = weak.upgrade() else { return };
    f(&mut inner.borrow_mut().core, now_ms());
    pump(&inner);
}

/// One timer at the core's next deadline. A timer that would fire earlier than needed
/// is kept (the core ignores early calls), so a busy link does not churn timers.
fn arm_timer<C: Core>(inner: &mut Inner<C>) {
    let deadline = inner.core.deadline();
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

fn on_timer<C: Core>(weak: &Weak<RefCell<Inner<C>>>, deadline: u64) {
    let Some(inner) = weak.upgrade() else { return };
    {
        let mut i = inner.borrow_mut();
        if !i.timer.as_mut().is_some_and(|t| t.fired(deadline)) {
            return;
        }
        i.core.on_timeout(now_ms());
    }
    pump(&inner);
}
