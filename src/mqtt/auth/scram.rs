//! The SCRAM client exchange (RFC 5802 §3, §5, §7): client-first, server-first,
//! client-final with the proof, server-final with the server's signature.
//!
//! Sans-IO: messages in and out as text; the nonce comes from the caller, which owns the
//! randomness. No channel binding ("n,,"): MQTT over WebSocket gives us no TLS channel.

use super::base64;
use super::mechanism::ScramMechanism;

/// The most iterations of Hi we compute. Each is two HMACs, on the page's only thread:
/// a broker (or an impostor) asking for more would freeze the page for seconds.
pub const MAX_ITERATIONS: u32 = 1_000_000;

/// "n,," in Base64: the GS2 header echoed in client-final (no channel binding).
const GS2_HEADER_B64: &str = "biws";

/// What went wrong, by who is at fault: the caller's input, a limit, the server's
/// message, or the server's verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScramError {
    /// The username or nonce cannot be sent; the text says what to change.
    Input(String),
    /// The server asks for more iterations than `MAX_ITERATIONS`.
    Iterations { asked: u32, max: u32 },
    /// A server message that breaks the protocol.
    Malformed(String),
    /// The server refused with `e=`; its error text.
    Rejected(String),
    /// The server's signature is wrong: it does not know the password.
    ServerSignature,
    /// A message arrived at a step where none of its kind belongs.
    OutOfOrder(&'static str),
}

#[derive(Debug, Clone)]
enum Stage {
    AwaitServerFirst,
    AwaitServerFinal { server_signature: Vec<u8> },
    Done,
}

/// One SCRAM exchange, from client-first to a verified server-final.
#[derive(Debug, Clone)]
pub struct ScramClient {
    mechanism: ScramMechanism,
    password: String,
    nonce: String,
    client_first_bare: String,
    stage: Stage,
}

/// The username as SCRAM sends it (RFC 5802 §5.1): ',' and '=' escaped as =2C and =3D.
/// Full SASLprep (RFC 4013) needs Unicode tables too big for the page; control
/// characters, which it prohibits, are refused here so no server sees them.
pub fn escape_username(name: &str) -> Result<String, ScramError> {
    if name.is_empty() {
        return Err(ScramError::Input("SCRAM needs a username: enter one".into()));
    }
    if name.chars().any(char::is_control) {
        return Err(ScramError::Input(
            "The username contains a control character, which SCRAM forbids: remove it".into(),
        ));
    }
    Ok(name.replace('=', "=3D").replace(',', "=2C"))
}

/// A client nonce must be printable ASCII without ',' (RFC 5802 §5.1).
pub fn validate_nonce(nonce: &str) -> Result<(), ScramError> {
    if nonce.is_empty() || !nonce.bytes().all(printable) {
        return Err(ScramError::Input(
            "The SCRAM nonce must be printable ASCII without commas".into(),
        ));
    }
    Ok(())
}

fn printable(b: u8) -> bool {
    (0x21..=0x7E).contains(&b) && b != b','
}

impl ScramClient {
    pub fn new(
        mechanism: ScramMechanism,
        username: &str,
        password: &str,
        nonce: &str,
    ) -> Result<Self, ScramError> {
        validate_nonce(nonce)?;
        let client_first_bare = format!("n={},r={nonce}", escape_username(username)?);
        Ok(ScramClient {
            mechanism,
            // RFC 5802 asks for SASLprep here too; without its tables, the password goes
            // as typed (UTF-8), as most servers store ASCII passwords anyway.
            password: password.to_string(),
            nonce: nonce.to_string(),
            client_first_bare,
            stage: Stage::AwaitServerFirst,
        })
    }

    pub fn mechanism(&self) -> ScramMechanism {
        self.mechanism
    }

    /// The first message: GS2 header "n,," (no channel binding, no authzid) and the bare part.
    pub fn client_first(&self) -> String {
        format!("n,,{}", self.client_first_bare)
    }

    /// Whether the server-final message is the next one expected.
    pub fn awaits_server_final(&self) -> bool {
        matches!(self.stage, Stage::AwaitServerFinal { .. })
    }

    /// Reads server-first and returns client-final, with the proof.
    pub fn handle_server_first(&mut self, message: &[u8]) -> Result<String, ScramError> {
        if !matches!(self.stage, Stage::AwaitServerFirst) {
            return Err(ScramError::OutOfOrder("a second server-first message"));
        }
        let bad = |what: &str| ScramError::Malformed(format!("server-first {what}"));
        let server_first = std::str::from_utf8(message).map_err(|_| bad("is not UTF-8"))?;
        let mut attrs = server_first.split(',');
        let mut next = |key: &str| attrs.next().and_then(|a| a.strip_prefix(key));
        if server_first.starts_with("m=") {
            return Err(bad("asks for an extension this client does not know"));
        }
        if let Some(e) = server_first.strip_prefix("e=") {
            return Err(ScramError::Rejected(e.to_string()));
        }
        let nonce = next("r=").ok_or_else(|| bad("has no nonce"))?;
        if !nonce.bytes().all(printable) {
            return Err(bad("has a nonce with characters SCRAM forbids"));
        }
        // The server extends our nonce: anything else replays or forges an exchange.
        if nonce.len() <= self.nonce.len() || !nonce.starts_with(&self.nonce) {
            return Err(bad("does not extend our nonce"));
        }
        let salt = next("s=")
            .and_then(base64::decode)
            .filter(|s| !s.is_empty())
            .ok_or_else(|| bad("has no valid salt"))?;
        let count = next("i=").ok_or_else(|| bad("has no iteration count"))?;
        if count.is_empty() || !count.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad("has an iteration count that is not a number"));
        }
        // Digits only, so a parse failure means a number too large for u32.
        let iterations = count.parse::<u32>().unwrap_or(u32::MAX);
        if iterations == 0 {
            return Err(bad("has an iteration count of 0"));
        }
        if iterations > MAX_ITERATIONS {
            return Err(ScramError::Iterations {
                asked: iterations,
                max: MAX_ITERATIONS,
            });
        }
        let m = self.mechanism;
        let without_proof = format!("c={GS2_HEADER_B64},r={nonce}");
        let auth_message = format!("{},{server_first},{without_proof}", self.client_first_bare);
        let salted = m.hi(self.password.as_bytes(), &salt, iterations);
        let client_key = m.hmac(&salted, b"Client Key");
        let stored_key = m.hash(&client_key);
        let client_signature = m.hmac(&stored_key, auth_message.as_bytes());
        let proof: Vec<u8> = client_key
            .iter()
            .zip(&client_signature)
            .map(|(k, s)| k ^ s)
            .collect();
        let server_key = m.hmac(&salted, b"Server Key");
        self.stage = Stage::AwaitServerFinal {
            server_signature: m.hmac(&server_key, auth_message.as_bytes()),
        };
        Ok(format!("{without_proof},p={}", base64::encode(&proof)))
    }

    /// Checks server-final: `v=` must carry the signature only a holder of the password's
    /// keys can make; `e=` is the server's refusal.
    pub fn handle_server_final(&mut self, message: &[u8]) -> Result<(), ScramError> {
        let Stage::AwaitServerFinal { server_signature } = &self.stage else {
            return Err(ScramError::OutOfOrder("server-final before server-first"));
        };
        let text = std::str::from_utf8(message)
            .map_err(|_| ScramError::Malformed("server-final is not UTF-8".into()))?;
        let first = text.split(',').next().unwrap_or("");
        if let Some(e) = first.strip_prefix("e=") {
            return Err(ScramError::Rejected(e.to_string()));
        }
        let signature = first
            .strip_prefix("v=")
            .and_then(base64::decode)
            .ok_or_else(|| ScramError::Malformed("server-final has no valid signature".into()))?;
        if !same(&signature, server_signature) {
            return Err(ScramError::ServerSignature);
        }
        self.stage = Stage::Done;
        Ok(())
    }
}

/// Compares without stopping at the first difference, so timing tells nothing.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0, |acc, (x, y)| acc | (x ^ y)) == 0
}
