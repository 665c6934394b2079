//! The UI state and its one reducer. What a connection holds (messages, subscriptions, panels)
//! is not here: it lives in the connection core, whose views refresh once per animation frame.

use super::config::Config;
use super::profiles::{Colour, Profiles};
use super::settings::ConnectionSettings;
use crate::mqtt::{QoS, Version};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConnStatus {
    Idle,
    Connecting,
    Connected {
        client_id: String,
        /// A 5.0 connection fell back to 3.1.1 because the broker speaks nothing newer.
        fallback: bool,
    },
    /// `at_ms` is when the next attempt starts, on the page's monotonic clock.
    Reconnecting {
        at_ms: u64,
        reason: String,
    },
    Disconnected {
        reason: Option<String>,
    },
}

impl ConnStatus {
    /// The words the status region announces. A reconnect countdown is not among them: a
    /// live region that changed every second would be read out every second (the UI puts a
    /// silent timer beside them).
    pub fn text(&self) -> String {
        match self {
            ConnStatus::Idle => "Disconnected".into(),
            ConnStatus::Connecting => "Connecting…".into(),
            ConnStatus::Connected { client_id, fallback } => {
                let mut text = String::from("Connected");
                if *fallback {
                    text.push_str(" with MQTT 3.1.1");
                }
                if !client_id.is_empty() {
                    text.push_str(" as ");
                    text.push_str(client_id);
                }
                if *fallback {
                    text.push_str(": this broker does not speak 5.0");
                }
                text
            }
            ConnStatus::Reconnecting { reason, .. } => format!("Reconnecting ({reason})"),
            ConnStatus::Disconnected { reason: None } => "Disconnected".into(),
            ConnStatus::Disconnected { reason: Some(r) } => format!("Disconnected: {r}"),
        }
    }

    /// Time left before the next reconnect attempt, as shown beside the status.
    pub fn countdown(&self, now_ms: u64) -> Option<String> {
        let ConnStatus::Reconnecting { at_ms, .. } = self else {
            return None;
        };
        Some(match at_ms.saturating_sub(now_ms).div_ceil(1000) {
            0 => "now".into(),
            s => format!("in {s} s"),
        })
    }

    /// True while a session exists (connected or trying to be).
    pub fn is_active(&self) -> bool {
        matches!(
            self,
            ConnStatus::Connecting | ConnStatus::Connected { .. } | ConnStatus::Reconnecting { .. }
        )
    }

    pub fn is_connected(&self) -> bool {
        matches!(self, ConnStatus::Connected { .. })
    }
}

/// The screens. On a desktop the connection, subscriptions and publish forms stay in a
/// sidebar and only Monitor, Messages and Panel take turns; on a phone each is a tab.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    Monitor,
    Messages,
    Panel,
    Publish,
    Connection,
}

impl View {
    pub const ALL: [View; 5] = [
        View::Monitor,
        View::Messages,
        View::Panel,
        View::Publish,
        View::Connection,
    ];

    pub fn label(self) -> &'static str {
        match self {
            View::Monitor => "Monitor",
            View::Messages => "Messages",
            View::Panel => "Panel",
            View::Publish => "Publish",
            View::Connection => "Connection",
        }
    }

    /// Views that live in the main area on a desktop.
    pub fn is_main(self) -> bool {
        matches!(self, View::Monitor | View::Messages | View::Panel)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct AppState {
    pub view: View,
    /// The main-area view shown on a desktop (the last main view chosen).
    pub main_view: View,
    pub settings: ConnectionSettings,
    pub status: ConnStatus,
    /// A page-level notice, e.g. saved settings that could not be read.
    pub notice: Option<String>,
    pub connect_error: Option<String>,
    pub subscribe_error: Option<String>,
    /// Another tab uses this client ID on this broker (see `model::tabs`).
    pub client_id_conflict: Option<String>,
    /// The saved connections, and the one the form shows (if it came from one).
    pub profiles: Profiles,
    pub profile: Option<String>,
    /// The text of the "Connection name" field: the open one's name until the user types.
    pub profile_name: String,
    /// What the last change to the saved connections did, or why it could not.
    pub profile_message: Option<String>,
    /// The "Connection colour" choice, saved with the connection.
    pub profile_colour: Option<Colour>,
    /// A configuration file read and waiting for Merge, Replace or Cancel.
    pub import: Option<Box<PendingImport>>,
    /// Counts applied imports: views that keep their own copy of a stored record (the
    /// publish form's templates) start afresh when it changes.
    pub imports: u32,
}

/// A configuration file read, before it is applied.
#[derive(Debug, Clone, PartialEq)]
pub struct PendingImport {
    /// The file's name, as the user chose it.
    pub file: String,
    /// What Merge and Replace would do (see `Config::preview`).
    pub preview: String,
    pub config: Config,
}

impl AppState {
    pub fn new(settings: ConnectionSettings, notice: Option<String>) -> Self {
        AppState {
            view: View::Monitor,
            main_view: View::Monitor,
            settings,
            status: ConnStatus::Idle,
            notice,
            connect_error: None,
            subscribe_error: None,
            client_id_conflict: None,
            profiles: Profiles::default(),
            profile: None,
            profile_message: None,
            profile_name: String::new(),
            profile_colour: None,
            import: None,
            imports: 0,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    Show(View),
    /// Boxed: the settings are far larger than every other action.
    EditSettings(Box<ConnectionSettings>),
    ConnectError(Option<String>),
    Connecting,
    Connected {
        client_id: String,
        /// The version the broker accepted.
        version: Version,
    },
    Disconnected {
        reason: Option<String>,
        /// When the session tries again (page clock), if it does.
        reconnect_at_ms: Option<u64>,
    },
    SubscribeError(Option<String>),
    /// Something the user should know that belongs to no form (e.g. a skipped message).
    Notice(String),
    DismissNotice,
    /// Another tab connected with our client ID (or we took it from one).
    ClientIdConflict(String),
    /// A fresh client ID replaces the one in conflict.
    NewClientId(String),
    /// The user types in the "Connection name" field.
    ProfileName(String),
    /// The user picks a colour (none: no colour) for the connection being saved.
    ProfileColour(Option<Colour>),
    /// The form shows a saved connection (its password stays as typed if none was saved).
    OpenProfile {
        name: String,
        now_ms: f64,
    },
    /// A new, unsaved connection: the form keeps its values but belongs to no saved one.
    NewProfile,
    /// Saves the form under `name` with the user's current subscriptions.
    SaveProfile {
        name: String,
        subscriptions: Vec<(String, QoS)>,
        now_ms: f64,
    },
    DuplicateProfile {
        name: String,
        now_ms: f64,
    },
    DeleteProfile(String),
    /// A configuration file read: its preview is shown (`None`: the import was cancelled).
    ImportRead(Option<Box<PendingImport>>),
    /// A configuration file applied and stored: the saved connections it left, and what to say.
    Imported {
        profiles: Option<Profiles>,
        said: String,
    },
    /// Why saved connections could not be imported, said beside them.
    ProfileMessage(String),
}

pub fn reduce(state: &AppState, action: Action) -> AppState {
    let mut s = state.clone();
    match action {
        Action::Show(view) => {
            s.view = view;
            if view.is_main() {
                s.main_view = view;
            }
        }
        Action::EditSettings(settings) => s.settings = *settings,
        Action::ConnectError(e) => s.connect_error = e,
        Action::ClientIdConflict(id) => s.client_id_conflict = Some(id),
        Action::NewClientId(id) => {
            s.settings.client_id = id;
            s.client_id_conflict = None;
        }
        Action::Connecting => {
            s.status = ConnStatus::Connecting;
            s.connect_error = None;
        }
        Action::Connected { client_id, version } => {
            let fallback = s.settings.version == Version::V5 && version == Version::V311;
            s.status = ConnStatus::Connected { client_id, fallback };
        }
        Action::Disconnected {
            reason,
            reconnect_at_ms,
        } => {
            s.status = match reconnect_at_ms {
                Some(at_ms) => ConnStatus::Reconnecting {
                    at_ms,
                    reason: reason.unwrap_or_else(|| "connection lost".into()),
                },
                None => ConnStatus::Disconnected { reason },
            };
        }
        Action::SubscribeError(e) => s.subscribe_error = e,
        Action::Notice(text) => s.notice = Some(text),
        Action::DismissNotice => s.notice = None,
        Action::OpenProfile { name, now_ms } => {
            if let Some(p) = s.profiles.open(&name, now_ms) {
                let typed = std::mem::take(&mut s.settings.password);
                s.settings = p.settings.clone();
                // A sealed password is opened with its passphrase, not replaced by the one typed.
                if s.settings.password.is_empty() && s.settings.sealed_password.is_empty() {
                    s.settings.password = typed;
                }
                s.profile_message = None;
                s.profile_colour = p.colour;
                s.profile_name = name.clone();
                s.profile = Some(name);
            }
        }
        Action::NewProfile => {
            s.profile = None;
            s.profile_colour = None;
            s.profile_message = None;
            s.profile_name.clear();
        }
        Action::ProfileName(name) => s.profile_name = name,
        Action::ProfileColour(colour) => s.profile_colour = colour,
        Action::SaveProfile {
            name,
            subscriptions,
            now_ms,
        } => match s.profiles.save(&name, &s.settings, subscriptions, now_ms) {
            Ok(()) => {
                let name = name.trim().to_owned();
                s.profiles.set_colour(&name, s.profile_colour);
                s.profile_message = Some(format!("Saved \"{name}\""));
                s.profile_name = name.clone();
                s.profile = Some(name);
            }
            Err(e) => s.profile_message = Some(e),
        },
        Action::DuplicateProfile { name, now_ms } => match s.profiles.duplicate(&name, now_ms) {
            Ok(copy) => {
                s.profile_message = Some(format!("Saved a copy as \"{copy}\""));
                s.profile_name = copy.clone();
                s.profile = Some(copy);
            }
            Err(e) => s.profile_message = Some(e),
        },
        Action::DeleteProfile(name) => {
            if s.profiles.remove(&name) {
                s.profile_message = Some(format!("Deleted \"{name}\""));
                if s.profile.as_deref() == Some(&name) {
                    s.profile = None;
                    s.profile_name.clear();
                }
            }
        }
        Action::ProfileMessage(m) => s.profile_message = Some(m),
        Action::ImportRead(pending) => {
            s.profile_message = None;
            s.import = pending;
        }
        Action::Imported { profiles, said } => {
            if let Some(p) = profiles {
                s.profiles = p;
                // Replaced by a file without it: the form is a new connection's again.
                if s.profile.as_deref().is_some_and(|n| s.profiles.get(n).is_none()) {
                    s.profile = None;
                }
            }
            s.import = None;
            s.imports += 1;
            s.profile_message = Some(said);
        }
    }
    s
}

#[cfg(test)]
#[path = "app_tests.rs"]
mod tests;
