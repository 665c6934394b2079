//! The live side of widgets: their state driven by received messages, the views the UI reads,
//! and the publishes a user's action turns into.
//!
//! - `state`   — each widget's parts, pending commands, availability and history: the leaf below.
//! - `runtime` — `Runtime`: the widgets on screen, a topic index, and the messages that update them.
//! - `view`    — `WidgetView`: one widget with its state, and the questions a UI asks of it.
//! - `command` — a user's action on a widget as publishes, and what state to expect back.

pub mod command;
pub mod runtime;
pub mod state;
pub mod view;

pub use command::{CommandError, CoverAction, OutgoingPublish, WidgetInput};
pub use runtime::Runtime;
pub use state::{PartState, Sample, WidgetState};
pub use view::{CoverState, WidgetView};
