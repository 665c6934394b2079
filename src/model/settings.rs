//! Connection settings: defaults, validation into session options, what is saved, and
//! the query-string prefill that lets a link open a ready client.

use serde::{Deserialize, Serialize};

use crate::model::advanced::Advanced;
use crate::model::cloud::Signer;
use crate::model::json::{Json, Num, Object};
use crate::mqtt::auth::ScramMechanism;
use crate::mqtt::session::Auth;
use crate::mqtt::{Options, QoS, Version};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ConnectionSettings {
    pub url: String,
    /// Failover: more broker URLs as typed (spaces or commas between), tried in order after
    /// `url` when an attempt cannot reach its broker. Left out of saved records when empty.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub fallback_urls: String,
    pub client_id: String,
    pub username: String,
    pub password: String,
    pub version: Version,
    pub keep_alive: u16,
    pub clean_start: bool,
    pub remember_password: bool,
    /// The remembered password encrypted with the user's passphrase (`web::crypto`: AES-GCM,
    /// PBKDF2 key), opaque here; when set, the password itself is never stored.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub sealed_password: String,
    /// The passphrase as typed: what seals the password, and unseals it after a reload. Never
    /// stored.
    #[serde(skip)]
    pub passphrase: String,
    /// QoS 0 publishes made while not connected wait in the offline queue too (QoS 1/2 always
    /// do); off, they are refused, as QoS 0 promises nothing.
    pub queue_qos0: bool,
    /// SCRAM (MQTT 5 enhanced authentication) instead of sending the password; `None`
    /// sends username and password. Left out of saved records when `None`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auth: Option<ScramMechanism>,
    /// The MQTT 5 options under "Advanced".
    #[serde(skip)]
    pub advanced: Advanced,
    /// A cloud preset that signs the URL or password for each attempt (`model::cloud`);
    /// `None`: the URL and credentials as typed.
    #[serde(skip)]
    pub signer: Option<Signer>,
}

impl Default for ConnectionSettings {
    fn default() -> Self {
        ConnectionSettings {
            url: "ws://127.0.0.1:9001".into(),
            fallback_urls: String::new(),
            client_id: String::new(),
            username: String::new(),
            password: String::new(),
            version: Version::V5,
            keep_alive: 30,
            clean_start: true,
            remember_password: false,
            sealed_password: String::new(),
            passphrase: String::new(),
            queue_qos0: false,
            auth: None,
            advanced: Advanced::default(),
            signer: None,
        }
    }
}

impl ConnectionSettings {
    /// What goes to storage: the password only when the user asked for it.
    /// With a passphrase, only the sealed password is kept (or none, until it is sealed), and
    /// no cloud key.
    pub fn for_saving(&self) -> ConnectionSettings {
        let mut s = self.clone();
        let sealing = !s.passphrase.is_empty() || !s.sealed_password.is_empty();
        if !s.remember_password || sealing {
            s.password.clear();
            s.signer = s.signer.as_ref().map(Signer::without_secrets);
        }
        if !s.remember_password {
            s.sealed_password.clear();
        }
        s.passphrase.clear();
        s
    }

    /// A password to remember under a passphrase that is not sealed yet (the glue seals it
    /// before storing the settings).
    pub fn needs_sealing(&self) -> bool {
        self.remember_password
            && !self.passphrase.is_empty()
            && !self.password.is_empty()
            && self.sealed_password.is_empty()
    }

    /// The saved password is sealed and not opened yet: the form asks for the passphrase.
    pub fn locked(&self) -> bool {
        !self.sealed_password.is_empty() && self.password.is_empty()
    }

    /// What [`ConnectionSettings::for_saving`] keeps, as the JSON record storage holds.
    pub fn to_saved(&self) -> String {
        self.to_json().to_json_string()
    }

    /// [`ConnectionSettings::to_saved`] as a value, for records that hold settings (profiles).
    pub fn to_json(&self) -> Json {
        let s = self.for_saving();
        let mut o = Object::new();
        o.push("url", s.url.as_str().into());
        if !s.fallback_urls.is_empty() {
            o.push("fallback_urls", s.fallback_urls.as_str().into());
        }
        for (key, value) in [
            ("client_id", &s.client_id),
            ("username", &s.username),
            ("password", &s.password),
        ] {
            o.push(key, value.as_str().into());
        }
        o.push("version", version_name(s.version).into());
        o.push("keep_alive", Json::Number(Num::from(u64::from(s.keep_alive))));
        o.push("clean_start", s.clean_start.into());
        o.push("remember_password", s.remember_password.into());
        if !s.sealed_password.is_empty() {
            o.push("sealed_password", s.sealed_password.as_str().into());
        }
        o.push("queue_qos0", s.queue_qos0.into());
        if let Some(m) = s.auth {
            o.push("auth", m.name().into());
        }
        if let Some(a) = s.advanced.to_json() {
            o.push("advanced", a);
        }
        if let Some(signer) = &s.signer {
            o.push("signer", signer.to_json());
        }
        Json::Object(o)
    }

    /// Reads saved settings; a broken record yields the defaults and a message saying so.
    /// Missing fields take their defaults and unknown ones are ignored, so records written by
    /// older and newer versions both load.
    pub fn from_saved(json: &str) -> (ConnectionSettings, Option<String>) {
        match read_saved(json) {
            Ok(s) => (s, None),
            Err(e) => (
                ConnectionSettings::default(),
                Some(format!(
                    "Saved connection settings could not be read ({e}); defaults are shown."
                )),
            ),
        }
    }

    /// How long a 5.0 broker keeps the session when clean start is off: a day. Without a
    /// Session Expiry Interval the broker drops the session the moment the link drops, and
    /// nothing could ever resume.
    pub const KEPT_SESSION_EXPIRY_S: u32 = 86_400;

    /// Checks the settings and turns them into session options. With SCRAM the nonce is
    /// left empty: the glue, which owns randomness, fills it in.
    pub fn to_options(&self, jitter_seed: u64) -> Result<Options, String> {
        // A signer makes the URL at connect time.
        if self.signer.is_none() {
            self.broker_urls()?;
        }
        let client_id = self.client_id.trim();
        let mut options = Options {
            version: self.version,
            client_id: client_id.to_string(),
            username: Some(self.username.clone()).filter(|u| !u.is_empty()),
            password: Some(self.password.clone()).filter(|p| !p.is_empty()),
            keep_alive: self.keep_alive,
            clean_start: self.clean_start,
            session_expiry: if self.clean_start {
                0
            } else {
                Self::KEPT_SESSION_EXPIRY_S
            },
            jitter_seed,
            auth: self.auth.map(|mechanism| Auth {
                mechanism,
                nonce: String::new(),
            }),
            ..Options::default()
        };
        self.advanced.apply(&mut options, Self::KEPT_SESSION_EXPIRY_S)?;
        Ok(options)
    }
}

impl ConnectionSettings {
    /// The broker URLs in the order they are tried: the URL, then each fallback, all checked.
    pub fn broker_urls(&self) -> Result<Vec<String>, String> {
        validate_url(&self.url)?;
        let mut urls = vec![self.url.clone()];
        for url in self
            .fallback_urls
            .split([' ', ',', '\n'])
            .filter(|u| !u.is_empty())
        {
            validate_url(url).map_err(|e| format!("Fallback: {e}"))?;
            urls.push(url.to_string());
        }
        Ok(urls)
    }
}

/// The names serde's derive gave the versions in saved records.
fn version_name(v: Version) -> &'static str {
    match v {
        Version::V311 => "V311",
        Version::V5 => "V5",
    }
}

fn read_saved(json: &str) -> Result<ConnectionSettings, String> {
    let value = Json::parse(json.as_bytes()).map_err(|e| e.to_string())?;
    ConnectionSettings::from_json(&value)
}

impl ConnectionSettings {
    /// Reads what [`ConnectionSettings::to_json`] wrote; the error names the field.
    pub fn from_json(value: &Json) -> Result<ConnectionSettings, String> {
        read_object(value)
    }
}

fn read_object(value: &Json) -> Result<ConnectionSettings, String> {
    let Json::Object(o) = value else {
        return Err("the record is not a JSON object".into());
    };
    let mut s = ConnectionSettings::default();
    let wrong = |key: &str, expected: &str| format!("\"{key}\" should be {expected}");
    for (key, v) in o.iter() {
        let text = || v.as_str().map(str::to_string).ok_or_else(|| wrong(key, "text"));
        let flag = || v.as_bool().ok_or_else(|| wrong(key, "true or false"));
        match key.as_str() {
            "url" => s.url = text()?,
            "fallback_urls" => s.fallback_urls = text()?,
            "client_id" => s.client_id = text()?,
            "username" => s.username = text()?,
            "password" => s.password = text()?,
            "sealed_password" => s.sealed_password = text()?,
            "version" => {
                s.version = match v.as_str() {
                    Some("V311") => Version::V311,
                    Some("V5") => Version::V5,
                    _ => return Err(wrong(key, "\"V311\" or \"V5\"")),
                }
            }
            "keep_alive" => {
                s.keep_alive = v
                    .as_u64()
                    .and_then(|n| u16::try_from(n).ok())
                    .ok_or_else(|| wrong(key, "a whole number from 0 to 65535"))?
            }
            "clean_start" => s.clean_start = flag()?,
            "remember_password" => s.remember_password = flag()?,
            "queue_qos0" => s.queue_qos0 = flag()?,
            "advanced" => s.advanced = Advanced::from_json(v)?,
            "signer" if v.is_null() => s.signer = None,
            "signer" => s.signer = Some(Signer::from_json(v)?),
            "auth" if v.is_null() => s.auth = None,
            "auth" => {
                let named = v.as_str().and_then(ScramMechanism::from_name);
                let expected = "\"SCRAM-SHA-1\", \"SCRAM-SHA-256\" or \"SCRAM-SHA-512\"";
                s.auth = Some(named.ok_or_else(|| wrong(key, expected))?)
            }
            _ => {}
        }
    }
    Ok(s)
}

/// Accepts `ws://` and `wss://` URLs with a host and any path.
pub fn validate_url(url: &str) -> Result<(), String> {
    let rest = url
        .strip_prefix("ws://")
        .or_else(|| url.strip_prefix("wss://"))
        .ok_or_else(|| format!("Broker URL \"{url}\" must start with ws:// or wss://"))?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    if host.is_empty() || host.starts_with(':') {
        return Err(format!("Broker URL \"{url}\" has no host"));
    }
    if url.chars().any(char::is_whitespace) {
        return Err(format!("Broker URL \"{url}\" must not contain spaces"));
    }
    Ok(())
}

/// What a link's query string asks for: `profile`, `url`, `client_id`, `username`, `version`,
/// `sub` (repeatable), `sub_qos` and `connect=1`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Prefill {
    /// A saved connection to open (`profile=NAME`); the other values apply over it.
    pub profile: Option<String>,
    pub url: Option<String>,
    pub client_id: Option<String>,
    pub username: Option<String>,
    pub version: Option<Version>,
    pub subscriptions: Vec<String>,
    pub sub_qos: QoS,
    pub connect: bool,
}

impl Prefill {
    /// Reads decoded query pairs; unknown keys are ignored.
    pub fn from_pairs<I: IntoIterator<Item = (String, String)>>(pairs: I) -> Prefill {
        let mut p = Prefill::default();
        for (key, value) in pairs {
            match key.as_str() {
                "profile" if !value.trim().is_empty() => p.profile = Some(value.trim().to_string()),
                "url" => p.url = Some(value),
                "client_id" => p.client_id = Some(value),
                "username" => p.username = Some(value),
                "version" => p.version = parse_version(&value),
                "sub" if !value.is_empty() => p.subscriptions.push(value),
                "sub_qos" => p.sub_qos = value.parse().ok().and_then(QoS::from_u8).unwrap_or_default(),
                "connect" => p.connect = matches!(value.as_str(), "1" | "true" | "yes"),
                _ => {}
            }
        }
        p
    }

    /// Settings with the link's values laid over the saved ones.
    pub fn apply(&self, mut s: ConnectionSettings) -> ConnectionSettings {
        if let Some(url) = &self.url {
            s.url = url.clone();
        }
        if let Some(id) = &self.client_id {
            s.client_id = id.clone();
        }
        if let Some(user) = &self.username {
            if *user != s.username {
                // A saved password belongs to the saved user, not to this one.
                s.password.clear();
            }
            s.username = user.clone();
        }
        if let Some(v) = self.version {
            s.version = v;
        }
        s
    }
}

pub fn parse_version(s: &str) -> Option<Version> {
    match s.trim() {
        "3.1.1" | "3" | "4" | "311" => Some(Version::V311),
        "5" | "5.0" => Some(Version::V5),
        _ => None,
    }
}

pub fn version_label(v: Version) -> &'static str {
    match v {
        Version::V311 => "3.1.1",
        Version::V5 => "5.0",
    }
}

#[cfg(test)]
#[path = "settings_tests.rs"]
mod tests;
