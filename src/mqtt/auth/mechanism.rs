//! The SCRAM mechanisms offered and their hash, HMAC and Hi (PBKDF2) functions, which the
//! client and the test brokers' servers share.

use hmac::{EagerHash, Hmac, KeyInit, Mac};
use sha2::Digest;

/// A SCRAM mechanism; the serde names are the SASL names, which saved settings use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum ScramMechanism {
    #[serde(rename = "SCRAM-SHA-1")]
    Sha1,
    #[serde(rename = "SCRAM-SHA-256")]
    Sha256,
    #[serde(rename = "SCRAM-SHA-512")]
    Sha512,
}

impl ScramMechanism {
    pub const ALL: [ScramMechanism; 3] = [
        ScramMechanism::Sha1,
        ScramMechanism::Sha256,
        ScramMechanism::Sha512,
    ];

    /// The SASL name, sent as MQTT's Authentication Method.
    pub fn name(self) -> &'static str {
        match self {
            ScramMechanism::Sha1 => "SCRAM-SHA-1",
            ScramMechanism::Sha256 => "SCRAM-SHA-256",
            ScramMechanism::Sha512 => "SCRAM-SHA-512",
        }
    }

    pub fn from_name(name: &str) -> Option<ScramMechanism> {
        Self::ALL.into_iter().find(|m| m.name() == name)
    }

    /// H(data).
    pub fn hash(self, data: &[u8]) -> Vec<u8> {
        match self {
            ScramMechanism::Sha1 => sha1::Sha1::digest(data).to_vec(),
            ScramMechanism::Sha256 => sha2::Sha256::digest(data).to_vec(),
            ScramMechanism::Sha512 => sha2::Sha512::digest(data).to_vec(),
        }
    }

    /// HMAC(key, data).
    pub fn hmac(self, key: &[u8], data: &[u8]) -> Vec<u8> {
        match self {
            ScramMechanism::Sha1 => hmac_with::<sha1::Sha1>(key, data),
            ScramMechanism::Sha256 => hmac_with::<sha2::Sha256>(key, data),
            ScramMechanism::Sha512 => hmac_with::<sha2::Sha512>(key, data),
        }
    }

    /// Hi(password, salt, i): PBKDF2 with this HMAC and one hash length of output.
    /// Callers bound `iterations` (see `MAX_ITERATIONS`): the work grows with it.
    pub fn hi(self, password: &[u8], salt: &[u8], iterations: u32) -> Vec<u8> {
        let mut out = vec![0; self.hash(&[]).len()];
        match self {
            ScramMechanism::Sha1 => pbkdf2::pbkdf2_hmac::<sha1::Sha1>(password, salt, iterations, &mut out),
            ScramMechanism::Sha256 => {
                pbkdf2::pbkdf2_hmac::<sha2::Sha256>(password, salt, iterations, &mut out)
            }
            ScramMechanism::Sha512 => {
                pbkdf2::pbkdf2_hmac::<sha2::Sha512>(password, salt, iterations, &mut out)
            }
        }
        out
    }
}

fn hmac_with<D: EagerHash>(key: &[u8], data: &[u8]) -> Vec<u8> {
    // HMAC takes keys of any length (longer ones are hashed), so this cannot fail.
    let Ok(mut mac) = <Hmac<D> as KeyInit>::new_from_slice(key) else {
        unreachable!("HMAC accepts keys of any length")
    };
    mac.update(data);
    mac.finalize().into_bytes().to_vec()
}
