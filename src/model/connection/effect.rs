//! What the connection core hands back besides bytes: plain-data effects, its typed errors,
//! and the two clocks every input carries.

use std::fmt;

use crate::model::panel::{CommandError, ImportError, PanelError};
use crate::mqtt::{Error, Millis, Version};

/// The time of an input. The session runs on a monotonic clock (deadlines must not jump),
/// messages are stamped with wall-clock time (what a user reads as "when").
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Now {
    pub mono: Millis,
    /// Milliseconds since the Unix epoch.
    pub wall: f64,
}

impl Now {
    /// Both clocks at one value, for tests on a virtual clock.
    pub fn at(ms: Millis) -> Now {
        Now {
            mono: ms,
            wall: ms as f64,
        }
    }
}

/// What the glue must open or close for the session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Transport {
    Open { url: String },
    Close,
}

/// How the link changed, for the status line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StatusChange {
    Connected {
        client_id: String,
        /// The version spoken: 3.1.1 after a fallback from 5.0.
        version: Version,
    },
    Disconnected {
        reason: Option<String>,
        /// When the session tries again, on the monotonic clock, if it does.
        reconnect_at_ms: Option<Millis>,
        /// The reason code of the broker's DISCONNECT, when it ended the link
        /// (e.g. 0x8E: another client took our client ID).
        server_code: Option<u8>,
    },
}

/// What the page must do that is not bytes on the wire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    Status(StatusChange),
    /// Something the user should know that belongs to no form (e.g. a skipped message).
    Notice(String),
    /// Shown under the subscription form.
    SubscribeError(String),
    /// The user's subscription list changed (a request, an answer, a removal).
    Subscriptions,
    /// The durable session changed: store `Connection::session_record` (batched: it may come
    /// once per packet).
    SessionChanged,
    /// Keep `value` under `key` in the browser's storage.
    Save {
        key: &'static str,
        value: String,
    },
}

/// Why an action of the user was not carried out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CoreError {
    Mqtt(Error),
    Command(CommandError),
    Panel(PanelError),
    Import(ImportError),
}

impl fmt::Display for CoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CoreError::Mqtt(e) => e.fmt(f),
            CoreError::Command(e) => e.fmt(f),
            CoreError::Panel(e) => e.fmt(f),
            CoreError::Import(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for CoreError {}

impl From<Error> for CoreError {
    fn from(e: Error) -> Self {
        CoreError::Mqtt(e)
    }
}

impl From<CommandError> for CoreError {
    fn from(e: CommandError) -> Self {
        CoreError::Command(e)
    }
}

impl From<PanelError> for CoreError {
    fn from(e: PanelError) -> Self {
        CoreError::Panel(e)
    }
}

impl From<ImportError> for CoreError {
    fn from(e: ImportError) -> Self {
        CoreError::Import(e)
    }
}
