//! Session options: how to connect and how patient to be, with their checks.

use crate::mqtt::auth::{escape_username, validate_nonce, ScramError, ScramMechanism};
use crate::mqtt::error::UsageError;
use crate::mqtt::packet::{PublishProps, SubOptions, Version, Will};
use crate::mqtt::topic::validate_topic;

/// How to connect. A new `connect` may bring new options; subscriptions carry over.
#[derive(Debug, Clone)]
pub struct Options {
    pub version: Version,
    /// With 5.0: fall back to 3.1.1 once when the broker turns a 5.0 CONNECT away.
    pub version_fallback: bool,
    /// With 5.0: this broker is known to speak only 3.1.1 (the glue remembered an earlier
    /// fallback), so start with 3.1.1 and report the fallback.
    pub known_v311: bool,
    /// Empty asks the broker to assign one (MQTT 5, or 3.1.1 with clean start).
    pub client_id: String,
    pub username: Option<String>,
    pub password: Option<String>,
    /// Seconds; 0 turns keep-alive off.
    pub keep_alive: u16,
    pub clean_start: bool,
    /// MQTT 5: seconds the broker keeps the session after the link drops.
    pub session_expiry: u32,
    pub will: Option<Will>,
    /// The largest packet we accept from the broker.
    pub max_packet_size: u32,
    /// MQTT 5: how many QoS 1/2 messages the broker may have in flight toward us.
    pub receive_maximum: u16,
    /// MQTT 5: ask the broker for Response Information (a base for response topics).
    pub request_response_info: bool,
    /// MQTT 5: replace repeated topics by aliases when the broker allows them (floods of
    /// publishes to a few topics then cost two bytes of topic each).
    pub topic_aliases: bool,
    /// MQTT 5: user properties of CONNECT, in order.
    pub user_properties: Vec<(String, String)>,
    /// Our own cap on QoS 1/2 publishes awaiting acknowledgement.
    pub max_inflight: u16,
    /// How long to wait for the transport to open and CONNACK to arrive.
    pub connect_timeout_ms: u64,
    /// How long to wait for PINGRESP.
    pub ping_timeout_ms: u64,
    /// How long to wait for an answer to the ping sent when the page wakes up (see
    /// `Session::handle_wake`): short, because the user is looking at the page.
    pub wake_ping_timeout_ms: u64,
    pub reconnect: bool,
    pub backoff_min_ms: u64,
    pub backoff_max_ms: u64,
    /// Seeds reconnect jitter; the glue passes something random.
    pub jitter_seed: u64,
    /// MQTT 5 enhanced authentication instead of sending the password; `None` sends it.
    pub auth: Option<Auth>,
}

/// SCRAM with the username and password of `Options`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Auth {
    pub mechanism: ScramMechanism,
    /// Fresh randomness from the glue (printable ASCII, no commas; 18+ random bytes'
    /// worth). The session appends a counter so that no two exchanges share a nonce.
    pub nonce: String,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            version: Version::V5,
            version_fallback: true,
            known_v311: false,
            client_id: String::new(),
            username: None,
            password: None,
            keep_alive: 30,
            clean_start: true,
            session_expiry: 0,
            will: None,
            max_packet_size: 16 * 1024 * 1024,
            receive_maximum: u16::MAX,
            request_response_info: false,
            topic_aliases: true,
            user_properties: Vec::new(),
            max_inflight: 100,
            connect_timeout_ms: 10_000,
            ping_timeout_ms: 30_000,
            wake_ping_timeout_ms: 3_000,
            reconnect: true,
            backoff_min_ms: 1_000,
            backoff_max_ms: 30_000,
            jitter_seed: 0x9E37_79B9_7F4A_7C15,
            auth: None,
        }
    }
}

impl Options {
    /// The version the first CONNECT is sent with.
    pub fn start_version(&self) -> Version {
        // SCRAM exists only in 5.0: falling back would send the password to nobody's proof.
        if self.version == Version::V5 && self.known_v311 && self.version_fallback && self.auth.is_none() {
            Version::V311
        } else {
            self.version
        }
    }
}

pub(super) fn validate_options(o: &Options) -> Result<(), UsageError> {
    let bad = |s: &str| Err(UsageError::InvalidOptions(s.to_string()));
    if o.client_id.is_empty() && o.start_version() == Version::V311 && !o.clean_start {
        return bad("MQTT 3.1.1 needs a client ID unless clean start is on");
    }
    if o.client_id.len() > 65_535 {
        return bad("Client ID is too long");
    }
    let has_user = o.username.as_deref().is_some_and(|u| !u.is_empty());
    let has_pass = o.password.as_deref().is_some_and(|p| !p.is_empty());
    if o.version == Version::V311 && has_pass && !has_user {
        return bad("MQTT 3.1.1 does not allow a password without a username");
    }
    // mqttbytes writes these lengths as u16 without checking: a longer value would go
    // out as a corrupt CONNECT instead of an error the user can act on.
    let too_long = |s: &Option<String>| s.as_deref().is_some_and(|s| s.len() > 65_535);
    if too_long(&o.username) || too_long(&o.password) {
        return bad("Username and password must each be at most 65,535 bytes");
    }
    if let Some(will) = &o.will {
        validate_topic(&will.topic)?;
        if will.payload.len() > 65_535 {
            return bad("The will message must be at most 65,535 bytes");
        }
    }
    if let Some(auth) = &o.auth {
        let name = auth.mechanism.name();
        if o.version != Version::V5 {
            return Err(UsageError::InvalidOptions(format!(
                "{name} needs MQTT 5.0: choose MQTT version 5.0, or Username and password"
            )));
        }
        let user = o.username.as_deref().unwrap_or("");
        if user.is_empty() {
            return Err(UsageError::InvalidOptions(format!(
                "{name} needs a username: enter one, or choose Username and password"
            )));
        }
        if let Err(ScramError::Input(s)) = escape_username(user).and_then(|_| validate_nonce(&auth.nonce)) {
            return bad(&s);
        }
    }
    if o.max_packet_size < 64 {
        return bad("Maximum packet size must be at least 64 bytes");
    }
    if o.receive_maximum == 0 {
        return bad("Receive maximum must be at least 1");
    }
    if o.user_properties
        .iter()
        .any(|(k, v)| k.len() > 65_535 || v.len() > 65_535)
    {
        return bad("Each user property must be at most 65,535 bytes");
    }
    if let Some(p) = o.will.as_ref().and_then(|w| w.props.as_deref()) {
        validate_publish_props(p, &o.will.as_ref().map(|w| w.payload.clone()).unwrap_or_default())
            .map_err(|e| UsageError::InvalidOptions(format!("Will message: {e}")))?;
    }
    Ok(())
}

/// MQTT 5 subscription options the spec forbids or bounds (§3.8.3.1, §3.8.2.1.2).
pub(super) fn validate_sub_options(filter: &str, o: &SubOptions) -> Result<(), UsageError> {
    let bad = |s: &str| Err(UsageError::InvalidOptions(s.to_string()));
    if o.retain_handling > 2 {
        return bad("Retain handling must be 0, 1 or 2");
    }
    if o.id.is_some_and(|id| id == 0 || id > 268_435_455) {
        return bad("A subscription identifier must be between 1 and 268,435,455");
    }
    if o.no_local && filter.starts_with("$share/") {
        return bad("No Local cannot be set on a shared subscription");
    }
    Ok(())
}

/// What we would otherwise send and get disconnected for.
pub(super) fn validate_publish_props(p: &PublishProps, payload: &[u8]) -> Result<(), UsageError> {
    let bad = |s: &str| Err(UsageError::InvalidOptions(s.to_string()));
    if p.payload_format == Some(1) && std::str::from_utf8(payload).is_err() {
        return bad("The payload is marked as UTF-8 text but is not valid UTF-8");
    }
    if p.payload_format.is_some_and(|f| f > 1) {
        return bad("Payload format must be 0 (bytes) or 1 (UTF-8 text)");
    }
    if let Some(t) = &p.response_topic {
        validate_topic(t)?;
    }
    if !p.subscription_ids.is_empty() || p.topic_alias.is_some() {
        return bad("Subscription identifiers and topic aliases are not for publishing");
    }
    let too_long = |s: &str| s.len() > 65_535;
    if p.user_properties.iter().any(|(k, v)| too_long(k) || too_long(v))
        || p.content_type.as_deref().is_some_and(too_long)
        || p.correlation_data.as_ref().is_some_and(|d| d.len() > 65_535)
    {
        return bad("Each property must be at most 65,535 bytes");
    }
    Ok(())
}
