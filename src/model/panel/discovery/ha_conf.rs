//! Reading a Home Assistant discovery document's keys, with wrong types reported as the device's fault.

use crate::model::json::{Json, Object};
use crate::model::number::{parse_f64, short};

use super::skip::SkipReason;
use crate::model::panel::extractor::Extractor;
use crate::model::panel::template::{Template, TemplateError};
use crate::model::panel::widget::{
    Availability, AvailabilityMode, AvailabilityTopic, CommandBinding, DeviceInfo, StateBinding,
};
use crate::mqtt::topic::validate_topic;

pub(super) fn malformed<T>(why: impl Into<String>) -> Result<T, SkipReason> {
    Err(SkipReason::Malformed(why.into()))
}

pub(super) fn template_skip(key: &str, e: TemplateError) -> SkipReason {
    match e {
        TemplateError::Malformed { reason, .. } => SkipReason::Malformed(format!("{key}: {reason}")),
        TemplateError::Unsupported { reason, .. } => SkipReason::Unsupported(format!("{key}: {reason}")),
    }
}

/// Reads one document's keys, with the device's fault reported for wrong types.
pub(super) struct Conf<'a>(pub(super) &'a Object);

impl Conf<'_> {
    pub(super) fn text(&self, key: &str) -> Result<Option<String>, SkipReason> {
        match self.0.get(key) {
            None | Some(Json::Null) => Ok(None),
            Some(Json::String(s)) => Ok(Some(s.clone())),
            Some(v @ (Json::Bool(_) | Json::Number(_))) => Ok(Some(v.to_string())),
            Some(_) => malformed(format!("{key} must be text")),
        }
    }

    pub(super) fn text_or(&self, key: &str, default: &str) -> Result<String, SkipReason> {
        Ok(self.text(key)?.unwrap_or_else(|| default.to_string()))
    }

    /// Like `text_or`, but an explicit `null` turns the payload off (a cover without a stop button).
    pub(super) fn payload(&self, key: &str, default: &str) -> Result<Option<String>, SkipReason> {
        match self.0.get(key) {
            Some(Json::Null) => Ok(None),
            None => Ok(Some(default.to_string())),
            Some(_) => self.text(key),
        }
    }

    pub(super) fn topic(&self, key: &str) -> Result<Option<String>, SkipReason> {
        match self.text(key)? {
            None => Ok(None),
            Some(t) => match validate_topic(&t) {
                Ok(()) => Ok(Some(t)),
                Err(e) => malformed(format!("{key}: {e}")),
            },
        }
    }

    pub(super) fn required_topic(&self, key: &str) -> Result<String, SkipReason> {
        self.topic(key)?
            .map_or_else(|| malformed(format!("{key} is required")), Ok)
    }

    pub(super) fn number(&self, key: &str, default: f64) -> Result<f64, SkipReason> {
        match self.0.get(key) {
            None | Some(Json::Null) => Ok(default),
            Some(Json::Number(n)) => n
                .as_f64()
                .map_or_else(|| malformed(format!("{key} is not a number")), Ok),
            Some(Json::String(s)) => {
                parse_f64(s).map_or_else(|| malformed(format!("{key} is not a number")), Ok)
            }
            Some(_) => malformed(format!("{key} is not a number")),
        }
    }

    pub(super) fn template(&self, key: &str) -> Result<Option<Template>, SkipReason> {
        match self.text(key)? {
            None => Ok(None),
            Some(t) => Template::parse(&t).map(Some).map_err(|e| template_skip(key, e)),
        }
    }

    pub(super) fn extractor(&self, key: &str, fallback_key: Option<&str>) -> Result<Extractor, SkipReason> {
        let (key, source) = match (self.text(key)?, fallback_key) {
            (Some(s), _) => (key, Some(s)),
            (None, Some(f)) => (f, self.text(f)?),
            (None, None) => (key, None),
        };
        match source {
            None => Ok(Extractor::Whole),
            Some(s) => Extractor::from_template(&s).map_err(|e| template_skip(key, e)),
        }
    }

    pub(super) fn state(
        &self,
        topic_key: &str,
        tpl_key: &str,
        fallback_tpl: Option<&str>,
    ) -> Result<Option<StateBinding>, SkipReason> {
        Ok(match self.topic(topic_key)? {
            Some(topic) => Some(StateBinding::new(topic, self.extractor(tpl_key, fallback_tpl)?)),
            None => None,
        })
    }

    pub(super) fn command(
        &self,
        topic_key: &str,
        tpl_key: &str,
    ) -> Result<Option<CommandBinding>, SkipReason> {
        let Some(topic) = self.topic(topic_key)? else {
            return Ok(None);
        };
        let qos = self.number("qos", 0.0)?;
        if !(qos == 0.0 || qos == 1.0 || qos == 2.0) {
            return malformed(format!("qos {} is not 0, 1 or 2", short(qos)));
        }
        let retain = match self.0.get("retain") {
            None | Some(Json::Null) => false,
            Some(Json::Bool(b)) => *b,
            Some(_) => return malformed("retain must be true or false"),
        };
        Ok(Some(CommandBinding {
            topic,
            template: self.template(tpl_key)?,
            qos: qos as u8,
            retain,
        }))
    }

    pub(super) fn availability(&self) -> Result<Availability, SkipReason> {
        let mut topics = Vec::new();
        match (self.0.get("availability"), self.topic("availability_topic")?) {
            (Some(_), Some(_)) => return malformed("availability and availability_topic cannot both be set"),
            (Some(Json::Array(list)), None) => {
                for entry in list {
                    let Json::Object(e) = entry else {
                        return malformed("availability entries must be objects");
                    };
                    let e = Conf(e);
                    let mut a = AvailabilityTopic::new(e.required_topic("topic")?);
                    a.payload_available = e.text_or("payload_available", "online")?;
                    a.payload_not_available = e.text_or("payload_not_available", "offline")?;
                    a.extract = e.extractor("value_template", None)?;
                    topics.push(a);
                }
            }
            (Some(_), None) => return malformed("availability must be a list"),
            (None, Some(topic)) => {
                let mut a = AvailabilityTopic::new(topic);
                a.payload_available = self.text_or("payload_available", "online")?;
                a.payload_not_available = self.text_or("payload_not_available", "offline")?;
                a.extract = self.extractor("availability_template", None)?;
                topics.push(a);
            }
            (None, None) => {}
        }
        let mode = match self.text("availability_mode")?.as_deref() {
            None | Some("latest") => AvailabilityMode::Latest,
            Some("all") => AvailabilityMode::All,
            Some("any") => AvailabilityMode::Any,
            Some(other) => {
                return malformed(format!("availability_mode '{other}' is not all, any or latest"))
            }
        };
        Ok(Availability { topics, mode })
    }

    /// The device for grouping; one without identifiers or connections cannot be grouped.
    pub(super) fn device(&self) -> Option<DeviceInfo> {
        let dev = self.0.get("device")?.as_object()?;
        let id = match dev.get("identifiers") {
            Some(Json::String(s)) => Some(s.clone()),
            Some(Json::Array(ids)) => ids.first().and_then(Json::as_str).map(str::to_string),
            _ => None,
        }
        .or_else(|| {
            let first = dev.get("connections")?.as_array()?.first()?.as_array()?;
            Some(
                first
                    .iter()
                    .filter_map(Json::as_str)
                    .collect::<Vec<_>>()
                    .join(":"),
            )
        })?;
        let s = |k: &str| dev.get(k).and_then(Json::as_str).map(str::to_string);
        Some(DeviceInfo {
            name: s("name").unwrap_or_else(|| id.clone()),
            id,
            model: s("model"),
            manufacturer: s("manufacturer"),
        })
    }
}
