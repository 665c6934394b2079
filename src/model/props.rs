//! MQTT 5 publish properties as people type and read them: the publish form's fields
//! turned into properties (with messages that say what is wrong), and received properties
//! turned into labelled rows for the message detail.

use bytes::Bytes;

use super::payload::parse_hex;
use crate::mqtt::topic::validate_topic;
use crate::mqtt::PublishProps;

/// The "MQTT 5 properties" section of the publish form, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PropsForm {
    pub content_type: String,
    /// Marks the payload as UTF-8 text (Payload Format Indicator 1).
    pub utf8: bool,
    /// Seconds, empty for none.
    pub expiry: String,
    pub response_topic: String,
    pub correlation: String,
    /// The correlation data is typed as hex bytes rather than text.
    pub correlation_hex: bool,
    /// In order; rows with an empty key are ignored (an empty row is how one is added).
    pub user: Vec<(String, String)>,
}

impl PropsForm {
    /// The properties to send, `None` when the form says nothing.
    pub fn to_props(&self) -> Result<Option<Box<PublishProps>>, String> {
        let text = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
        let message_expiry = match self.expiry.trim() {
            "" => None,
            s => Some(
                s.parse::<u32>()
                    .map_err(|_| "Message expiry must be a whole number of seconds".to_string())?,
            ),
        };
        let response_topic = text(&self.response_topic);
        if let Some(t) = &response_topic {
            validate_topic(t).map_err(|e| format!("Response topic: {e}"))?;
        }
        let correlation_data = match (self.correlation.trim(), self.correlation_hex) {
            ("", _) => None,
            (hex, true) => Some(Bytes::from(
                parse_hex(hex).map_err(|e| format!("Correlation data: {e}"))?,
            )),
            (s, false) => Some(Bytes::from(s.to_string())),
        };
        let user_properties = self.user.iter().filter(|(k, _)| !k.is_empty()).cloned().collect();
        Ok(PublishProps {
            payload_format: self.utf8.then_some(1),
            message_expiry,
            content_type: text(&self.content_type),
            response_topic,
            correlation_data,
            user_properties,
            ..PublishProps::default()
        }
        .boxed())
    }
}

/// A message's properties as (label, value) rows, user properties last and in their order,
/// each as "key = value". A payload marked as UTF-8 text is checked, and said when it is not.
pub fn rows(p: &PublishProps, payload: &[u8]) -> Vec<(&'static str, String)> {
    let mut rows = Vec::new();
    if let Some(f) = p.payload_format {
        let text = match f {
            1 if std::str::from_utf8(payload).is_err() => "UTF-8 text, but the payload is not valid UTF-8",
            1 => "UTF-8 text",
            _ => "bytes",
        };
        rows.push(("Payload format", text.to_string()));
    }
    if let Some(s) = p.message_expiry {
        rows.push(("Message expiry", format!("{s} s")));
    }
    if let Some(t) = &p.content_type {
        rows.push(("Content type", t.clone()));
    }
    if let Some(t) = &p.response_topic {
        rows.push(("Response topic", t.clone()));
    }
    if let Some(d) = &p.correlation_data {
        rows.push(("Correlation data", readable(d)));
    }
    if !p.subscription_ids.is_empty() {
        let ids: Vec<String> = p.subscription_ids.iter().map(u32::to_string).collect();
        rows.push(("Subscription identifiers", ids.join(", ")));
    }
    if let Some(a) = p.topic_alias {
        rows.push(("Topic alias", a.to_string()));
    }
    for (k, v) in &p.user_properties {
        rows.push(("User property", format!("{k} = {v}")));
    }
    rows
}

/// For one line of the message list: "N properties", and every row as text (for the
/// badge's accessible name and tooltip).
pub fn summary(p: &PublishProps, payload: &[u8]) -> (String, String) {
    let rows = rows(p, payload);
    let count = match rows.len() {
        1 => "1 property".to_string(),
        n => format!("{n} properties"),
    };
    let all: Vec<String> = rows.iter().map(|(k, v)| format!("{k}: {v}")).collect();
    (count, all.join("; "))
}

/// True when `found` is true of any property's text (user property keys and values, content
/// type, response topic): what the Messages filter searches besides the payload.
pub fn any_text(p: &PublishProps, mut found: impl FnMut(&str) -> bool) -> bool {
    p.user_properties.iter().any(|(k, v)| found(k) || found(v))
        || p.content_type.as_deref().is_some_and(&mut found)
        || p.response_topic.as_deref().is_some_and(&mut found)
}

/// Text when it is UTF-8 without control characters, hex otherwise.
fn readable(d: &[u8]) -> String {
    match std::str::from_utf8(d) {
        Ok(s) if !s.chars().any(char::is_control) => s.to_string(),
        _ => d.iter().map(|b| format!("{b:02x}")).collect::<Vec<_>>().join(" "),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_form_sends_no_properties() {
        assert_eq!(PropsForm::default().to_props(), Ok(None));
        let blank_row = PropsForm {
            user: vec![(String::new(), "ignored".into())],
            ..PropsForm::default()
        };
        assert_eq!(blank_row.to_props(), Ok(None));
    }

    #[test]
    fn every_field_becomes_its_property_and_user_properties_keep_order_and_repeats() {
        let form = PropsForm {
            content_type: " application/json ".into(),
            utf8: true,
            expiry: "60".into(),
            response_topic: "reply/deck".into(),
            correlation: "c0 ff ee".into(),
            correlation_hex: true,
            user: vec![
                ("a".into(), "1".into()),
                ("b".into(), "2".into()),
                ("a".into(), "3".into()),
            ],
        };
        let p = form.to_props().unwrap().unwrap();
        assert_eq!(p.payload_format, Some(1));
        assert_eq!(p.message_expiry, Some(60));
        assert_eq!(p.content_type.as_deref(), Some("application/json"));
        assert_eq!(p.response_topic.as_deref(), Some("reply/deck"));
        assert_eq!(p.correlation_data.as_deref(), Some(&[0xC0, 0xFF, 0xEE][..]));
        let keys: Vec<&str> = p.user_properties.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["a", "b", "a"]);
    }

    #[test]
    fn mistakes_are_named_by_field() {
        let bad = |f: PropsForm| f.to_props().unwrap_err();
        assert!(bad(PropsForm {
            expiry: "soon".into(),
            ..PropsForm::default()
        })
        .contains("Message expiry"));
        assert!(bad(PropsForm {
            response_topic: "a/#".into(),
            ..PropsForm::default()
        })
        .starts_with("Response topic"));
        assert!(bad(PropsForm {
            correlation: "zz".into(),
            correlation_hex: true,
            ..PropsForm::default()
        })
        .starts_with("Correlation data"));
    }

    #[test]
    fn a_payload_marked_utf8_that_is_not_is_flagged() {
        let p = PublishProps {
            payload_format: Some(1),
            ..PublishProps::default()
        };
        assert_eq!(
            rows(&p, &[0xFF])[0].1,
            "UTF-8 text, but the payload is not valid UTF-8"
        );
        assert_eq!(rows(&p, "é".as_bytes())[0].1, "UTF-8 text");
    }

    /// A summary for the message list's one line: how many properties, and what they are.
    #[test]
    fn the_list_summary_counts_and_names_them() {
        let p = PublishProps {
            content_type: Some("text/plain".into()),
            user_properties: vec![("room".into(), "hall".into())],
            ..PublishProps::default()
        };
        assert_eq!(
            summary(&p, b"x"),
            (
                "2 properties".to_string(),
                "Content type: text/plain; User property: room = hall".to_string()
            )
        );
    }

    #[test]
    fn received_properties_read_as_labelled_rows() {
        let p = PublishProps {
            payload_format: Some(1),
            content_type: Some("text/plain".into()),
            correlation_data: Some(Bytes::from_static(&[1, 2])),
            subscription_ids: vec![3, 7],
            topic_alias: Some(2),
            user_properties: vec![("site".into(), "lab".into())],
            ..PublishProps::default()
        };
        assert_eq!(
            rows(&p, b"hi"),
            vec![
                ("Payload format", "UTF-8 text".to_string()),
                ("Content type", "text/plain".to_string()),
                ("Correlation data", "01 02".to_string()),
                ("Subscription identifiers", "3, 7".to_string()),
                ("Topic alias", "2".to_string()),
                ("User property", "site = lab".to_string()),
            ]
        );
    }
}
