//! Why a discovered entity has no widget: the reasons every discovery parser reports, and the
//! skipped entity as listed.

use std::fmt;

/// Why a discovered entity is not shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SkipReason {
    /// The document breaks the discovery format: the device's (or bridge's) fault.
    Malformed(String),
    /// A valid document using something this app does not implement.
    Unsupported(String),
}

impl fmt::Display for SkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SkipReason::Malformed(why) => write!(f, "invalid: {why}"),
            SkipReason::Unsupported(why) => write!(f, "not supported: {why}"),
        }
    }
}

/// An entity that discovery announced but that has no widget.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// The topic that announced it.
    pub topic: String,
    /// Its name, or its id when it has none.
    pub name: String,
    pub reason: SkipReason,
}
