//! AWS Signature Version 4 in the query string (a presigned URL), and the `wss://` URL AWS IoT
//! Core takes for MQTT over WebSocket with IAM credentials. Signed anew for every connection
//! attempt, because the signature carries its time.

use super::uri::encode_strict;
use super::{host, required, SigningError};
use crate::model::export::iso8601;
use crate::mqtt::auth::{hex, hmac_sha256, sha256_hex};

/// An access key pair, with the session token of temporary (STS) credentials.
#[derive(Debug, Clone, Copy)]
pub struct Credentials<'a> {
    pub access_key_id: &'a str,
    pub secret_access_key: &'a str,
    pub session_token: Option<&'a str>,
}

/// What the payload line of the canonical request says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Payload {
    /// S3's presigned URLs: the body is not signed.
    Unsigned,
    /// The SHA-256 of an empty body, as a WebSocket upgrade has.
    Empty,
}

/// Where the session token goes: S3 signs it; AWS IoT wants it added after signing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Token {
    Signed,
    AppendedAfterSigning,
}

/// One request to presign. `path` is already in canonical form (each segment encoded).
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    pub method: &'a str,
    pub host: &'a str,
    pub path: &'a str,
    pub region: &'a str,
    pub service: &'a str,
    /// Milliseconds since the Unix epoch: the signing time.
    pub time_ms: f64,
    /// `X-Amz-Expires` in seconds, when the service wants one.
    pub expires: Option<u32>,
    pub payload: Payload,
    pub token: Token,
}

/// The query string that authenticates `request`: the `X-Amz-*` parameters with the signature.
pub fn presign_query(request: &Request, credentials: &Credentials) -> String {
    let amz_date = amz_date(request.time_ms);
    let date = &amz_date[..8];
    let scope = format!("{date}/{}/{}/aws4_request", request.region, request.service);

    // Parameter names in byte order, as the canonical query string requires.
    let mut query = format!(
        "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential={}&X-Amz-Date={amz_date}",
        encode_strict(&format!("{}/{scope}", credentials.access_key_id)),
    );
    if let Some(expires) = request.expires {
        query.push_str(&format!("&X-Amz-Expires={expires}"));
    }
    let token = credentials.session_token.filter(|t| !t.is_empty());
    if let (Some(token), Token::Signed) = (token, request.token) {
        query.push_str(&format!("&X-Amz-Security-Token={}", encode_strict(token)));
    }
    query.push_str("&X-Amz-SignedHeaders=host");

    let payload = match request.payload {
        Payload::Unsigned => "UNSIGNED-PAYLOAD".to_owned(),
        Payload::Empty => sha256_hex(b""),
    };
    let canonical = format!(
        "{}\n{}\n{query}\nhost:{}\n\nhost\n{payload}",
        request.method, request.path, request.host
    );
    let to_sign = format!(
        "AWS4-HMAC-SHA256\n{amz_date}\n{scope}\n{}",
        sha256_hex(canonical.as_bytes())
    );
    let key = signing_key(
        credentials.secret_access_key,
        date,
        request.region,
        request.service,
    );
    query.push_str("&X-Amz-Signature=");
    query.push_str(&hex(&hmac_sha256(&key, to_sign.as_bytes())));
    if let (Some(token), Token::AppendedAfterSigning) = (token, request.token) {
        query.push_str(&format!("&X-Amz-Security-Token={}", encode_strict(token)));
    }
    query
}

/// The derived key: the secret, then the date, region, service and `aws4_request` in turn.
pub fn signing_key(secret: &str, date: &str, region: &str, service: &str) -> [u8; 32] {
    let k_date = hmac_sha256(format!("AWS4{secret}").as_bytes(), date.as_bytes());
    let k_region = hmac_sha256(&k_date, region.as_bytes());
    let k_service = hmac_sha256(&k_region, service.as_bytes());
    hmac_sha256(&k_service, b"aws4_request")
}

/// `20130524T000000Z`: ISO 8601 basic format, whole seconds, UTC.
fn amz_date(time_ms: f64) -> String {
    let iso = iso8601(time_ms);
    iso[..19]
        .chars()
        .filter(|c| *c != '-' && *c != ':')
        .chain(['Z'])
        .collect()
}

/// The AWS IoT Core preset's fields as the user typed them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IotCore {
    /// The account's data endpoint, `xxxxxxxx-ats.iot.eu-west-1.amazonaws.com`.
    pub endpoint: String,
    /// Empty: read from the endpoint.
    pub region: String,
    pub access_key_id: String,
    pub secret_access_key: String,
    pub session_token: String,
}

impl IotCore {
    /// The presigned `wss://…/mqtt` URL for a connection attempt at `time_ms`.
    pub fn url(&self, time_ms: f64) -> Result<String, SigningError> {
        let endpoint = host(&self.endpoint, "Endpoint")?;
        let region = match required(&self.region, "Region") {
            Ok(r) => r,
            Err(e) => region_of(endpoint).ok_or(e)?,
        };
        let credentials = Credentials {
            access_key_id: required(&self.access_key_id, "Access key ID")?,
            secret_access_key: required(&self.secret_access_key, "Secret access key")?,
            session_token: Some(self.session_token.trim()),
        };
        let request = Request {
            method: "GET",
            host: endpoint,
            path: "/mqtt",
            region,
            service: "iotdevicegateway",
            time_ms,
            expires: None,
            payload: Payload::Empty,
            token: Token::AppendedAfterSigning,
        };
        Ok(format!(
            "wss://{endpoint}/mqtt?{}",
            presign_query(&request, &credentials)
        ))
    }
}

/// `eu-west-1` from `xxxxxxxx-ats.iot.eu-west-1.amazonaws.com`.
fn region_of(endpoint: &str) -> Option<&str> {
    let at = endpoint.as_bytes().windows(5).position(|w| w == b".iot.")?;
    let rest = &endpoint[at + 5..];
    let region = &rest[..rest.bytes().position(|c| c == b'.')?];
    (!region.is_empty()).then_some(region)
}
