//! Azure IoT Hub as a device: MQTT 3.1.1 on `wss://{hub}.azure-devices.net/$iothub/websocket`,
//! the device ID as client ID, a fixed user name, and a shared access signature (SAS) made from
//! the device key as the password. The token carries its expiry, so it is made anew for every
//! connection attempt.

use super::uri::encode_component;
use super::{host, required, SigningError};
use crate::mqtt::auth::{base64, hmac_sha256};

/// The API version the user name names: the device topics below are those of this version.
pub const API_VERSION: &str = "2021-04-12";

/// How long a token made at connect stays valid when the user sets nothing.
pub const DEFAULT_TOKEN_SECONDS: u64 = 3600;

/// `SharedAccessSignature sr=…&sig=…&se=…` for `resource_uri` (`{host}/devices/{id}`),
/// signed with the device key (Base64-decoded) and valid until `expiry` (Unix seconds).
pub fn sas_token(resource_uri: &str, key: &[u8], expiry: u64) -> String {
    let sr = encode_component(resource_uri);
    let signature = hmac_sha256(key, format!("{sr}\n{expiry}").as_bytes());
    format!(
        "SharedAccessSignature sr={sr}&sig={}&se={expiry}",
        encode_component(&base64::encode(&signature))
    )
}

/// The Azure IoT Hub preset's fields as the user typed them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IotHub {
    /// `myhub` or `myhub.azure-devices.net`.
    pub hub: String,
    pub device_id: String,
    /// The device's primary or secondary key, Base64 as the portal shows it.
    pub device_key: String,
    /// Token lifetime; 0 means `DEFAULT_TOKEN_SECONDS`.
    pub token_seconds: u64,
}

impl IotHub {
    /// `myhub.azure-devices.net`.
    pub fn host(&self) -> Result<String, SigningError> {
        let hub = host(&self.hub, "IoT hub name")?;
        Ok(if hub.contains('.') {
            hub.to_owned()
        } else {
            format!("{hub}.azure-devices.net")
        })
    }

    pub fn url(&self) -> Result<String, SigningError> {
        Ok(format!("wss://{}/$iothub/websocket", self.host()?))
    }

    /// The client ID the hub requires: the device ID.
    pub fn client_id(&self) -> Result<&str, SigningError> {
        required(&self.device_id, "Device ID")
    }

    pub fn username(&self) -> Result<String, SigningError> {
        Ok(format!(
            "{}/{}/?api-version={API_VERSION}",
            self.host()?,
            self.client_id()?
        ))
    }

    /// The password for a connection attempt at `time_ms` (milliseconds since the epoch).
    pub fn password(&self, time_ms: f64) -> Result<String, SigningError> {
        let key = required(&self.device_key, "Device key")?;
        let key = base64::decode(key).ok_or(SigningError::KeyNotBase64)?;
        let seconds = match self.token_seconds {
            0 => DEFAULT_TOKEN_SECONDS,
            s => s,
        };
        let expiry = (time_ms.max(0.0) / 1000.0) as u64 + seconds;
        let resource = format!("{}/devices/{}", self.host()?, self.client_id()?);
        Ok(sas_token(&resource, &key, expiry))
    }

    /// Where the device publishes telemetry (device-to-cloud).
    pub fn events_topic(&self) -> Result<String, SigningError> {
        Ok(format!("devices/{}/messages/events/", self.client_id()?))
    }

    /// Where cloud-to-device messages arrive: subscribe to this filter.
    pub fn cloud_to_device_filter(&self) -> Result<String, SigningError> {
        Ok(format!("devices/{}/messages/devicebound/#", self.client_id()?))
    }
}
