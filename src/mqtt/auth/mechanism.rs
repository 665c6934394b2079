//! The SCRAM mechanisms offered and their hash, HMAC and Hi (PBKDF2) functions, which the
//! client and the test brokers' servers share.

use sha2::digest::Output;
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
            ScramMechanism::Sha1 => Keyed::<sha1::Sha1>::new(key, 64).mac(&[data]).to_vec(),
            ScramMechanism::Sha256 => Keyed::<sha2::Sha256>::new(key, 64).mac(&[data]).to_vec(),
            ScramMechanism::Sha512 => Keyed::<sha2::Sha512>::new(key, 128).mac(&[data]).to_vec(),
        }
    }

    /// Hi(password, salt, i): PBKDF2 with this HMAC and one hash length of output.
    /// Callers bound `iterations` (see `MAX_ITERATIONS`): the work grows with it.
    pub fn hi(self, password: &[u8], salt: &[u8], iterations: u32) -> Vec<u8> {
        match self {
            ScramMechanism::Sha1 => hi_with::<sha1::Sha1>(password, 64, salt, iterations),
            ScramMechanism::Sha256 => hi_with::<sha2::Sha256>(password, 64, salt, iterations),
            ScramMechanism::Sha512 => hi_with::<sha2::Sha512>(password, 128, salt, iterations),
        }
    }
}

/// HMAC-SHA256(key, data): the MAC that AWS Signature Version 4 and Azure SAS tokens sign with.
pub fn hmac_sha256(key: &[u8], data: &[u8]) -> [u8; 32] {
    Keyed::<sha2::Sha256>::new(key, 64).mac(&[data]).into()
}

/// SHA-256(data), as lowercase hex: how AWS Signature Version 4 writes hashes.
pub fn sha256_hex(data: &[u8]) -> String {
    hex(&sha2::Sha256::digest(data))
}

/// Lowercase hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(DIGITS[usize::from(b >> 4)] as char);
        out.push(DIGITS[usize::from(b & 15)] as char);
    }
    out
}

/// HMAC (RFC 2104) with the key already absorbed: the hash states after the inner and the
/// outer padded key, which every MAC with that key starts from.
struct Keyed<D> {
    inner: D,
    outer: D,
}

impl<D: Digest + Clone> Keyed<D> {
    /// `block` is the hash's block length in bytes.
    fn new(key: &[u8], block: usize) -> Self {
        let mut k = if key.len() > block {
            D::digest(key).to_vec()
        } else {
            key.to_vec()
        };
        k.resize(block, 0);
        let pad = |x: u8| D::new_with_prefix(k.iter().map(|b| b ^ x).collect::<Vec<u8>>());
        Keyed {
            inner: pad(0x36),
            outer: pad(0x5c),
        }
    }

    /// HMAC(key, the parts one after the other).
    fn mac(&self, parts: &[&[u8]]) -> Output<D> {
        let mut inner = self.inner.clone();
        for part in parts {
            inner.update(part);
        }
        let mut outer = self.outer.clone();
        outer.update(inner.finalize());
        outer.finalize()
    }
}

/// PBKDF2 (RFC 8018) with HMAC over `D`, one block of output: U1 = HMAC(P, salt ‖ INT(1)),
/// Ui = HMAC(P, Ui-1), and the result is U1 ⊕ … ⊕ Ui.
fn hi_with<D: Digest + Clone>(password: &[u8], block: usize, salt: &[u8], iterations: u32) -> Vec<u8> {
    let keyed = Keyed::<D>::new(password, block);
    let mut u = keyed.mac(&[salt, &1u32.to_be_bytes()]);
    let mut out = u.to_vec();
    for _ in 1..iterations {
        u = keyed.mac(&[&u]);
        for (o, x) in out.iter_mut().zip(&u) {
            *o ^= x;
        }
    }
    out
}
