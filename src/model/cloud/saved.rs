//! A signer as saved with its connection: the fields as typed, secrets only when the user
//! asked to remember them (as the password is).

use super::aws::IotCore;
use super::azure::IotHub;
use super::Signer;
use crate::model::json::{Json, Num, Object};

impl Signer {
    /// The same signer without its secrets (secret key, session token, device key).
    pub fn without_secrets(&self) -> Signer {
        match self {
            Signer::AwsIot(iot) => Signer::AwsIot(IotCore {
                secret_access_key: String::new(),
                session_token: String::new(),
                ..iot.clone()
            }),
            Signer::AzureIotHub(hub) => Signer::AzureIotHub(IotHub {
                device_key: String::new(),
                ..hub.clone()
            }),
        }
    }

    pub fn to_json(&self) -> Json {
        let mut o = Object::new();
        let mut text = |key: &str, value: &str| o.push(key, value.into());
        match self {
            Signer::AwsIot(iot) => {
                text("kind", "aws-iot");
                text("endpoint", &iot.endpoint);
                text("region", &iot.region);
                text("access_key_id", &iot.access_key_id);
                text("secret_access_key", &iot.secret_access_key);
                text("session_token", &iot.session_token);
            }
            Signer::AzureIotHub(hub) => {
                text("kind", "azure-iot-hub");
                text("hub", &hub.hub);
                text("device_id", &hub.device_id);
                text("device_key", &hub.device_key);
                o.push("token_seconds", Json::Number(Num::from(hub.token_seconds)));
            }
        }
        Json::Object(o)
    }

    /// Reads [`Signer::to_json`]; missing fields are empty, a wrong type names the field.
    pub fn from_json(v: &Json) -> Result<Signer, String> {
        let text = |key: &str| match v.get(key) {
            None => Ok(String::new()),
            Some(x) => x
                .as_str()
                .map(str::to_owned)
                .ok_or_else(|| format!("\"signer.{key}\" should be text")),
        };
        match v.get("kind").and_then(Json::as_str) {
            Some("aws-iot") => Ok(Signer::AwsIot(IotCore {
                endpoint: text("endpoint")?,
                region: text("region")?,
                access_key_id: text("access_key_id")?,
                secret_access_key: text("secret_access_key")?,
                session_token: text("session_token")?,
            })),
            Some("azure-iot-hub") => Ok(Signer::AzureIotHub(IotHub {
                hub: text("hub")?,
                device_id: text("device_id")?,
                device_key: text("device_key")?,
                token_seconds: match v.get("token_seconds") {
                    None => 0,
                    Some(n) => n
                        .as_u64()
                        .ok_or("\"signer.token_seconds\" should be a whole number")?,
                },
            })),
            _ => Err("\"signer.kind\" should be \"aws-iot\" or \"azure-iot-hub\"".into()),
        }
    }
}
