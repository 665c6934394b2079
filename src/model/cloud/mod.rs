//! Cloud brokers whose credentials are signed in the browser, computed here without a clock
//! (the caller passes the time) so they are tested natively against the published examples.
//!
//! - `uri`   — percent-encoding as AWS Signature Version 4 and `encodeURIComponent` spell it.
//! - `aws`   — AWS Signature Version 4 presigned URLs, and AWS IoT Core's MQTT-over-WebSocket URL.
//! - `azure` — Azure IoT Hub: the device SAS token, user name, WebSocket URL and device topics.
//!
//! - `saved` — a signer as saved with its connection, secrets only when remembered.
//!
//! `Signer` is what the connection core keeps to sign every reconnect anew.

pub mod aws;
pub mod azure;
mod saved;
pub mod uri;

/// Credentials signed for one connection attempt: what replaces the URL and password typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signed {
    pub url: String,
    pub client_id: Option<String>,
    pub username: Option<String>,
    pub password: Option<String>,
}

/// A cloud preset whose credentials are signed for each connection attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Signer {
    AwsIot(aws::IotCore),
    AzureIotHub(azure::IotHub),
}

impl Signer {
    /// The broker's address to show: the host without the signature, whose query carries
    /// credentials (and which changes with every attempt).
    pub fn shown_url(&self) -> String {
        match self {
            Signer::AwsIot(iot) => format!("wss://{}/mqtt", iot.endpoint.trim()),
            Signer::AzureIotHub(hub) => hub.url().unwrap_or_default(),
        }
    }

    /// The URL and credentials for an attempt at `wall_ms` (milliseconds since the epoch).
    pub fn sign(&self, wall_ms: f64) -> Result<Signed, SigningError> {
        match self {
            Signer::AwsIot(iot) => Ok(Signed {
                url: iot.url(wall_ms)?,
                client_id: None,
                username: None,
                password: None,
            }),
            Signer::AzureIotHub(hub) => Ok(Signed {
                url: hub.url()?,
                client_id: Some(hub.client_id()?.to_owned()),
                username: Some(hub.username()?),
                password: Some(hub.password(wall_ms)?),
            }),
        }
    }
}

/// Why credentials could not be signed: the user's input, named for the field to fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SigningError {
    /// A required field is empty; the field's label.
    Missing(&'static str),
    /// The device key is not Base64, as the Azure portal shows it.
    KeyNotBase64,
    /// The endpoint or hub name is not a bare host name (no scheme, path or spaces).
    NotAHost(&'static str),
}

impl std::fmt::Display for SigningError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SigningError::Missing(field) => write!(f, "{field} is required"),
            SigningError::KeyNotBase64 => {
                f.write_str("The device key must be Base64, as the Azure portal shows it")
            }
            SigningError::NotAHost(field) => {
                write!(f, "{field} must be a host name only, without wss:// or a path")
            }
        }
    }
}

/// `value` trimmed, or `Missing(field)` when nothing is left.
fn required<'a>(value: &'a str, field: &'static str) -> Result<&'a str, SigningError> {
    let v = value.trim();
    if v.is_empty() {
        Err(SigningError::Missing(field))
    } else {
        Ok(v)
    }
}

/// A host name as typed: letters, digits, dots and dashes only.
fn host<'a>(value: &'a str, field: &'static str) -> Result<&'a str, SigningError> {
    let v = required(value, field)?;
    if v.bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
    {
        Ok(v)
    } else {
        Err(SigningError::NotAHost(field))
    }
}
