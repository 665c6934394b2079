//! A saved connection as a link to share: the query parameters the page already reads
//! (`settings::Prefill`), never a password, the URL's query (a signed URL's token), credentials
//! written into the URL, or a cloud preset's keys.

use super::cloud::uri::encode_component;
use super::profiles::Profile;
use super::reach::without_query;
use super::settings::version_label;

/// The link: `page` (the app's address, without its query) and the profile's settings. The
/// client ID is left out on purpose: two browsers with one client ID take the session from
/// each other, so whoever opens the link gets a fresh one.
pub fn share_link(page: &str, p: &Profile) -> String {
    let s = &p.settings;
    let url = match &s.signer {
        // The host to reach, not the credentials that sign it.
        Some(signer) => signer.shown_url(),
        None => without_credentials(without_query(&s.url)),
    };
    let mut pairs = vec![("url", url)];
    // A cloud preset's user name is made by its signer from the device's keys.
    if !s.username.is_empty() && s.signer.is_none() {
        pairs.push(("username", s.username.clone()));
    }
    pairs.push(("version", version_label(s.version).to_owned()));
    for (filter, _) in &p.subscriptions {
        pairs.push(("sub", filter.clone()));
    }
    // The link has one QoS for all its filters: the highest asked for.
    if let Some(qos) = p.subscriptions.iter().map(|(_, q)| *q as u8).max() {
        pairs.push(("sub_qos", qos.to_string()));
    }
    let query: Vec<String> = pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", encode_component(v)))
        .collect();
    format!("{}?{}", without_query(page), query.join("&"))
}

/// `wss://host/mqtt` from `wss://user:secret@host/mqtt`.
fn without_credentials(url: &str) -> String {
    // Bytes rather than `find("://")`, whose substring searcher costs bundle size.
    let start = url
        .as_bytes()
        .windows(3)
        .position(|w| w == b"://")
        .map_or(0, |i| i + 3);
    let authority_end = url[start..].find('/').map_or(url.len(), |i| start + i);
    match url[start..authority_end].rfind('@') {
        Some(at) => format!("{}{}", &url[..start], &url[start + at + 1..]),
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::cloud::aws::IotCore;
    use crate::model::cloud::Signer;
    use crate::model::settings::{ConnectionSettings, Prefill};
    use crate::mqtt::{QoS, Version};

    /// The link's query as the page decodes it (`URLSearchParams`, for what we encode).
    fn pairs(link: &str) -> Vec<(String, String)> {
        let decode = |s: &str| {
            let b = s.as_bytes();
            let mut out = Vec::new();
            let mut i = 0;
            while i < b.len() {
                if b[i] == b'%' {
                    out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap());
                    i += 3;
                } else {
                    out.push(b[i]);
                    i += 1;
                }
            }
            String::from_utf8(out).unwrap()
        };
        let (_, query) = link.split_once('?').unwrap();
        query
            .split('&')
            .map(|kv| kv.split_once('=').unwrap())
            .map(|(k, v)| (decode(k), decode(v)))
            .collect()
    }

    fn home() -> Profile {
        Profile {
            colour: None,
            name: "Home".into(),
            settings: ConnectionSettings {
                url: "wss://deck:hunter2@broker.example:8884/mqtt?token=abc".into(),
                client_id: "kitchen-tablet".into(),
                username: "deck user".into(),
                password: "hunter2".into(),
                remember_password: true,
                version: Version::V311,
                ..ConnectionSettings::default()
            },
            subscriptions: vec![
                ("home/#".into(), QoS::AtMostOnce),
                ("alerts/+".into(), QoS::AtLeastOnce),
            ],
            used_ms: 0.0,
        }
    }

    #[test]
    fn a_shared_link_opens_the_same_connection_without_any_secret() {
        let link = share_link("https://deck.example/app/?profile=Home#x", &home());
        assert!(link.starts_with("https://deck.example/app/?url="), "{link}");
        assert!(!link.contains("hunter2"), "{link}");
        assert!(!link.contains("token"), "{link}");
        assert!(!link.contains("kitchen-tablet"), "{link}");
        let prefill = Prefill::from_pairs(pairs(&link));
        let opened = prefill.apply(ConnectionSettings::default());
        assert_eq!(opened.url, "wss://broker.example:8884/mqtt");
        assert_eq!(opened.username, "deck user");
        assert_eq!(opened.version, Version::V311);
        assert_eq!(opened.password, "");
        assert_eq!(prefill.subscriptions, ["home/#", "alerts/+"]);
        assert_eq!(prefill.sub_qos, QoS::AtLeastOnce);
        assert!(
            !prefill.connect,
            "the link fills the form; the visitor presses Connect"
        );
    }

    #[test]
    fn a_cloud_preset_is_shared_as_its_host_without_its_keys() {
        let mut p = home();
        p.settings.signer = Some(Signer::AwsIot(IotCore {
            endpoint: "abc-ats.iot.eu-west-1.amazonaws.com".into(),
            region: String::new(),
            access_key_id: "AKIDEXAMPLE".into(),
            secret_access_key: "wJalrXUtnFEMI".into(),
            session_token: "FwoGZXIvYXdzE".into(),
        }));
        let link = share_link("http://localhost:8080/", &p);
        for secret in ["AKIDEXAMPLE", "wJalrXUtnFEMI", "FwoGZXIvYXdzE", "deck%20user"] {
            assert!(!link.contains(secret), "{link}");
        }
        let opened = Prefill::from_pairs(pairs(&link)).apply(ConnectionSettings::default());
        assert_eq!(opened.url, "wss://abc-ats.iot.eu-west-1.amazonaws.com/mqtt");
    }
}
