//! The connection form's "Advanced" MQTT 5 options: session expiry, receive maximum, maximum
//! packet size, response information, CONNECT user properties and the will message with its
//! properties; how they are saved and how they become session options.

use bytes::Bytes;

use super::json::{Json, Num, Object};
use crate::mqtt::topic::validate_topic;
use crate::mqtt::{Options, PublishProps, QoS, Version, Will};

/// What the Advanced section holds. Empty numbers mean "the default".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Advanced {
    /// Seconds the broker keeps the session after the link drops; `None`: none with clean
    /// start, a day without.
    pub session_expiry: Option<u32>,
    pub receive_maximum: Option<u16>,
    pub max_packet_size: Option<u32>,
    pub request_response_info: bool,
    pub user_properties: Vec<(String, String)>,
    pub will: WillSettings,
}

/// The will message; no will while the topic is empty.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WillSettings {
    pub topic: String,
    pub payload: String,
    pub qos: QoS,
    pub retain: bool,
    /// MQTT 5: seconds the broker waits before publishing it.
    pub delay: u32,
    /// MQTT 5: seconds the will message lives at the broker.
    pub expiry: Option<u32>,
    pub content_type: String,
}

impl Advanced {
    /// Applies the section to `o`, whose clean start and version are already set.
    pub fn apply(&self, o: &mut Options, kept_session_expiry: u32) -> Result<(), String> {
        o.session_expiry = self
            .session_expiry
            .unwrap_or(if o.clean_start { 0 } else { kept_session_expiry });
        if let Some(r) = self.receive_maximum {
            if r == 0 {
                return Err("Receive maximum must be at least 1".into());
            }
            o.receive_maximum = r;
        }
        if let Some(m) = self.max_packet_size {
            o.max_packet_size = m;
        }
        o.request_response_info = self.request_response_info;
        o.user_properties = self
            .user_properties
            .iter()
            .filter(|(k, _)| !k.is_empty())
            .cloned()
            .collect();
        o.will = self.will.to_will(o.version)?;
        Ok(())
    }

    /// The saved form: only what differs from the defaults, so that old records stay small.
    pub fn to_json(&self) -> Option<Json> {
        if *self == Advanced::default() {
            return None;
        }
        let mut o = Object::new();
        let num = |n: u64| Json::Number(Num::from(n));
        if let Some(s) = self.session_expiry {
            o.push("session_expiry", num(s.into()));
        }
        if let Some(r) = self.receive_maximum {
            o.push("receive_maximum", num(r.into()));
        }
        if let Some(m) = self.max_packet_size {
            o.push("max_packet_size", num(m.into()));
        }
        if self.request_response_info {
            o.push("request_response_info", true.into());
        }
        if !self.user_properties.is_empty() {
            let pairs = self
                .user_properties
                .iter()
                .map(|(k, v)| Json::Array(vec![k.as_str().into(), v.as_str().into()]))
                .collect();
            o.push("user_properties", Json::Array(pairs));
        }
        let w = &self.will;
        if !w.topic.is_empty() {
            let mut will = Object::new();
            will.push("topic", w.topic.as_str().into());
            will.push("payload", w.payload.as_str().into());
            will.push("qos", num(w.qos as u64));
            will.push("retain", w.retain.into());
            will.push("delay", num(w.delay.into()));
            if let Some(e) = w.expiry {
                will.push("expiry", num(e.into()));
            }
            will.push("content_type", w.content_type.as_str().into());
            o.push("will", Json::Object(will));
        }
        Some(Json::Object(o))
    }

    /// Reads the saved form; a wrong field names itself.
    pub fn from_json(v: &Json) -> Result<Advanced, String> {
        let o = v.as_object().ok_or("\"advanced\" should be an object")?;
        let mut a = Advanced::default();
        for (key, v) in o.iter() {
            let wrong = || format!("\"advanced.{key}\" has the wrong type or range");
            let uint = |max: u64| v.as_u64().filter(|&n| n <= max).ok_or_else(wrong);
            match key.as_str() {
                "session_expiry" => a.session_expiry = Some(uint(u32::MAX.into())? as u32),
                "receive_maximum" => a.receive_maximum = Some(uint(u16::MAX.into())? as u16),
                "max_packet_size" => a.max_packet_size = Some(uint(u32::MAX.into())? as u32),
                "request_response_info" => a.request_response_info = v.as_bool().ok_or_else(wrong)?,
                "user_properties" => {
                    for pair in v.as_array().ok_or_else(wrong)? {
                        match pair.as_array().map(Vec::as_slice) {
                            Some([k, v]) => a.user_properties.push((
                                k.as_str().ok_or_else(wrong)?.to_string(),
                                v.as_str().ok_or_else(wrong)?.to_string(),
                            )),
                            _ => return Err(wrong()),
                        }
                    }
                }
                "will" => a.will = WillSettings::from_json(v).ok_or_else(wrong)?,
                _ => {}
            }
        }
        Ok(a)
    }
}

impl WillSettings {
    fn to_will(&self, version: Version) -> Result<Option<Will>, String> {
        let topic = self.topic.trim();
        if topic.is_empty() {
            return Ok(None);
        }
        validate_topic(topic).map_err(|e| format!("Will topic: {e}"))?;
        // 3.1.1 has no will properties: they are not sent, which the form says.
        let props = match version {
            Version::V311 => None,
            Version::V5 => PublishProps {
                message_expiry: self.expiry,
                content_type: Some(self.content_type.trim().to_string()).filter(|c| !c.is_empty()),
                ..PublishProps::default()
            }
            .boxed(),
        };
        Ok(Some(Will {
            topic: topic.to_string(),
            payload: Bytes::from(self.payload.clone()),
            qos: self.qos,
            retain: self.retain,
            delay: if version == Version::V5 { self.delay } else { 0 },
            props,
        }))
    }

    fn from_json(v: &Json) -> Option<WillSettings> {
        let o = v.as_object()?;
        let mut w = WillSettings::default();
        for (key, v) in o.iter() {
            match key.as_str() {
                "topic" => w.topic = v.as_str()?.to_string(),
                "payload" => w.payload = v.as_str()?.to_string(),
                "qos" => w.qos = QoS::from_u8(u8::try_from(v.as_u64()?).ok()?)?,
                "retain" => w.retain = v.as_bool()?,
                "delay" => w.delay = u32::try_from(v.as_u64()?).ok()?,
                "expiry" => w.expiry = Some(u32::try_from(v.as_u64()?).ok()?),
                "content_type" => w.content_type = v.as_str()?.to_string(),
                _ => {}
            }
        }
        Some(w)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn full() -> Advanced {
        Advanced {
            session_expiry: Some(600),
            receive_maximum: Some(10),
            max_packet_size: Some(1 << 20),
            request_response_info: true,
            user_properties: vec![("app".into(), "deck".into()), ("app".into(), "tablet".into())],
            will: WillSettings {
                topic: "deck/status".into(),
                payload: "offline".into(),
                qos: QoS::AtLeastOnce,
                retain: true,
                delay: 15,
                expiry: Some(3600),
                content_type: "text/plain".into(),
            },
        }
    }

    #[test]
    fn the_section_survives_saving_and_loading_and_defaults_save_nothing() {
        assert_eq!(Advanced::default().to_json(), None);
        let a = full();
        let text = a.to_json().unwrap().to_json_string();
        let back = Advanced::from_json(&Json::parse(text.as_bytes()).unwrap()).unwrap();
        assert_eq!(back, a);
    }

    #[test]
    fn every_option_reaches_the_session_options() {
        let mut o = Options {
            clean_start: false,
            ..Options::default()
        };
        full().apply(&mut o, 86_400).unwrap();
        assert_eq!(o.session_expiry, 600);
        assert_eq!(o.receive_maximum, 10);
        assert_eq!(o.max_packet_size, 1 << 20);
        assert!(o.request_response_info);
        assert_eq!(o.user_properties.len(), 2);
        let will = o.will.unwrap();
        assert_eq!(
            (will.topic.as_str(), &will.payload[..], will.delay),
            ("deck/status", &b"offline"[..], 15)
        );
        let props = will.props.unwrap();
        assert_eq!(props.message_expiry, Some(3600));
        assert_eq!(props.content_type.as_deref(), Some("text/plain"));
    }

    #[test]
    fn defaults_keep_a_session_a_day_only_without_clean_start() {
        for (clean, expiry) in [(true, 0), (false, 86_400)] {
            let mut o = Options {
                clean_start: clean,
                ..Options::default()
            };
            Advanced::default().apply(&mut o, 86_400).unwrap();
            assert_eq!(o.session_expiry, expiry);
            assert!(o.will.is_none());
        }
    }

    #[test]
    fn mistakes_say_which_field() {
        let mut o = Options::default();
        let bad_will = Advanced {
            will: WillSettings {
                topic: "a/#".into(),
                ..WillSettings::default()
            },
            ..Advanced::default()
        };
        assert!(bad_will.apply(&mut o, 0).unwrap_err().starts_with("Will topic"));
        let zero = Advanced {
            receive_maximum: Some(0),
            ..Advanced::default()
        };
        assert!(zero.apply(&mut o, 0).unwrap_err().contains("Receive maximum"));
        let err = Advanced::from_json(&Json::parse(br#"{"receive_maximum": 70000}"#).unwrap()).unwrap_err();
        assert!(err.contains("advanced.receive_maximum"), "{err}");
    }

    #[test]
    fn a_3_1_1_will_carries_no_5_0_properties() {
        let mut o = Options {
            version: Version::V311,
            ..Options::default()
        };
        full().apply(&mut o, 0).unwrap();
        let will = o.will.unwrap();
        assert_eq!((will.delay, will.props), (0, None));
    }
}
