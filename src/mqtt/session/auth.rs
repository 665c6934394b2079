//! MQTT 5 enhanced authentication in the session (§4.12): SCRAM's messages ride in
//! CONNECT, AUTH and CONNACK, and re-authentication repeats the exchange in AUTH alone.

use bytes::Bytes;

use super::options::Auth;
use super::{Millis, Session, State};
use crate::mqtt::auth::{ScramClient, ScramError};
use crate::mqtt::error::{reason_text, Error, LimitError, ProtocolError, Refusal, UsageError};
use crate::mqtt::packet::{ConnAck, Connect, Packet};

/// AUTH reason codes (§3.15.2.1).
const SUCCESS: u8 = 0x00;
const CONTINUE: u8 = 0x18;
const REAUTHENTICATE: u8 = 0x19;

/// The exchange under way, if any, and what keeps nonces from repeating.
#[derive(Debug, Default)]
pub(super) struct AuthState {
    exchange: Option<ScramClient>,
    /// The exchange re-authenticates a live connection: it ends with AUTH 0x00, not CONNACK.
    reauth: bool,
    /// Exchanges started so far. Appended to the glue's nonce: a reconnect with the same
    /// options must not reuse a nonce, or a recorded exchange could be replayed to us.
    started: u64,
}

impl Session {
    /// Whether a SCRAM exchange is waiting for the broker (connecting or re-authenticating).
    pub fn authenticating(&self) -> bool {
        self.auth.exchange.is_some()
    }

    /// Proves the credentials again on the live connection (§4.12.1): AUTH 0x19 with a new
    /// client-first from `nonce` (fresh randomness, as for `Auth::nonce`). The broker's
    /// answers are handled as they come; a failed proof either way ends the connection.
    pub fn reauthenticate(&mut self, now: Millis, nonce: &str) -> Result<(), Error> {
        self.now = now;
        if self.state != State::Connected {
            return Err(UsageError::NotConnected.into());
        }
        let Some(auth) = self.opts.auth.clone() else {
            return Err(UsageError::InvalidOptions(
                "Re-authentication needs a SCRAM authentication method: choose one and connect again".into(),
            )
            .into());
        };
        if self.auth.exchange.is_some() {
            return Err(UsageError::InvalidOptions("Re-authentication is already under way".into()).into());
        }
        let client = self.new_exchange(&Auth {
            nonce: nonce.to_string(),
            ..auth
        })?;
        self.send_checked(&Packet::Auth {
            code: REAUTHENTICATE,
            method: Some(client.mechanism().name().to_string()),
            data: Some(Bytes::from(client.client_first())),
            reason: None,
        })?;
        self.auth = AuthState {
            exchange: Some(client),
            reauth: true,
            started: self.auth.started,
        };
        Ok(())
    }

    /// With SCRAM set, CONNECT carries the method and client-first instead of the password.
    pub(super) fn start_auth(&mut self, connect: &mut Connect) -> Result<(), Error> {
        self.auth.exchange = None;
        let Some(auth) = self.opts.auth.clone() else {
            return Ok(());
        };
        let client = self.new_exchange(&auth)?;
        connect.password = None;
        connect.auth_method = Some(client.mechanism().name().to_string());
        connect.auth_data = Some(Bytes::from(client.client_first()));
        self.auth.exchange = Some(client);
        self.auth.reauth = false;
        Ok(())
    }

    fn new_exchange(&mut self, auth: &Auth) -> Result<ScramClient, Error> {
        self.auth.started += 1;
        let nonce = format!("{}{}", auth.nonce, self.auth.started);
        let user = self.opts.username.as_deref().unwrap_or("");
        let password = self.opts.password.as_deref().unwrap_or("");
        ScramClient::new(auth.mechanism, user, password, &nonce).map_err(|e| match e {
            ScramError::Input(s) => UsageError::InvalidOptions(s).into(),
            // Starting checks only our own input; the other kinds come from the server's
            // messages. Not `{:?}`: that brings `Debug` and string escaping into the bundle.
            _ => Error::Protocol(ProtocolError::Auth("the exchange could not start".into())),
        })
    }

    /// An AUTH from the broker: the next step of our exchange, or a violation.
    pub(super) fn on_auth(&mut self, code: u8, method: Option<String>, data: Option<Bytes>) {
        // Only a 5.0 broker sends AUTH: falling back to 3.1.1 would fix nothing.
        self.v5_confirmed = true;
        let violation = |s: String| ProtocolError::Auth(s);
        let Some(client) = self.auth.exchange.as_mut() else {
            return self.protocol_violation(violation(
                "an AUTH packet, but no authentication was asked for".into(),
            ));
        };
        let ours = client.mechanism().name();
        if method.as_deref() != Some(ours) {
            let theirs = method.unwrap_or_else(|| "none".into());
            return self.protocol_violation(violation(format!("AUTH with method {theirs}, not {ours}")));
        }
        let data = data.unwrap_or_default();
        match code {
            CONTINUE => match client.handle_server_first(&data) {
                Ok(client_final) => self.send(Packet::Auth {
                    code: CONTINUE,
                    method: Some(ours.to_string()),
                    data: Some(Bytes::from(client_final)),
                    reason: None,
                }),
                Err(e) => self.auth_failed(e),
            },
            SUCCESS if self.auth.reauth => match client.handle_server_final(&data) {
                Ok(()) => self.auth.exchange = None,
                Err(e) => self.auth_failed(proof_failure(e)),
            },
            // Success while connecting comes as CONNACK; 0x19 is the client's to send.
            _ => self.protocol_violation(violation(format!("AUTH with reason code {code:#04x} here"))),
        }
    }

    /// With SCRAM, a successful CONNACK must carry server-final with the broker's proof.
    /// False when it does not; the session has then failed.
    pub(super) fn connack_authenticated(&mut self, ack: &ConnAck) -> bool {
        let Some(mut client) = self.auth.exchange.take() else {
            return true;
        };
        let server_final = ack.auth_data.as_deref().unwrap_or_default();
        match client.handle_server_final(server_final) {
            Ok(()) => true,
            Err(e) => {
                self.auth_failed(proof_failure(e));
                false
            }
        }
    }

    /// Ends the exchange and the connection, with the error that says who is at fault.
    fn auth_failed(&mut self, e: ScramError) {
        self.auth.exchange = None;
        let error = match e {
            ScramError::ServerSignature => return self.protocol_violation(ProtocolError::ServerNotProven),
            ScramError::Malformed(s) => return self.protocol_violation(ProtocolError::Auth(s)),
            ScramError::OutOfOrder(s) => {
                return self.protocol_violation(ProtocolError::Auth(format!("unexpected {s}")))
            }
            ScramError::Input(s) => Error::Usage(UsageError::InvalidOptions(s)),
            ScramError::Iterations { asked, max } => Error::Limit(LimitError::AuthIterations { asked, max }),
            ScramError::Rejected(text) => Error::Refused(Refusal {
                code: 0x86,
                reason: format!("{} (the broker says: {text})", reason_text(0x86)),
            }),
        };
        if self.state == State::Connected {
            // 0x83, implementation specific: the client's DISCONNECT has no code for these.
            self.send(Packet::Disconnect {
                code: 0x83,
                reason: None,
            });
        }
        self.fail(error, true);
    }
}

/// At server-final, anything but the broker's own refusal means it did not prove itself:
/// a missing or garbled signature is as good as a wrong one.
fn proof_failure(e: ScramError) -> ScramError {
    match e {
        ScramError::Rejected(_) => e,
        _ => ScramError::ServerSignature,
    }
}
