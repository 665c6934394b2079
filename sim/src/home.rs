//! The simulated home's state: how it drifts every tick and how it obeys commands. Pure logic;
//! `main` moves the resulting messages over MQTT.

use serde_json::{json, Value};

/// A message to publish.
#[derive(Debug, Clone, PartialEq)]
pub struct Msg {
    pub topic: String,
    pub payload: String,
    pub retain: bool,
}

impl Msg {
    /// States are retained so that a client opening later sees them at once.
    pub fn retained(topic: impl Into<String>, payload: impl Into<String>) -> Self {
        Msg {
            topic: topic.into(),
            payload: payload.into(),
            retain: true,
        }
    }
}

/// Where everything lives.
#[derive(Debug, Clone)]
pub struct Topics {
    /// The simulator's own base topic (`decksim`).
    pub base: String,
    /// `<base>/status`: online/offline for every Home Assistant entity.
    pub status: String,
    pub z2m_base: String,
    pub z2m_name: String,
}

impl Topics {
    pub fn new(base: &str, z2m_base: &str) -> Self {
        Topics {
            base: base.into(),
            status: format!("{base}/status"),
            z2m_base: z2m_base.into(),
            z2m_name: "garden_sensor".into(),
        }
    }

    fn t(&self, rest: &str) -> String {
        format!("{}/{rest}", self.base)
    }

    /// The filters to subscribe to for commands.
    pub fn command_filters(&self) -> Vec<String> {
        vec![
            self.t("+/set"),
            self.t("+/+/set"),
            format!("{}/{}/set", self.z2m_base, self.z2m_name),
        ]
    }
}

/// A tiny xorshift generator: the simulation needs noise, not quality randomness.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in [-1, 1).
    fn jitter(&mut self) -> f64 {
        self.next() * 2.0 - 1.0
    }
}

const AMBIENT: f64 = 17.0;
const COVER_STEP: i64 = 25;

pub struct Home {
    t: Topics,
    rng: Rng,
    mode: String,
    target: f64,
    temperature: f64,
    living_on: bool,
    living_brightness: u8,
    hall_on: bool,
    plug_on: bool,
    door_open: bool,
    cover_position: i64,
    cover_target: i64,
    garden_celsius: f64,
    humidity: f64,
    battery: f64,
    fahrenheit: bool,
}

fn round1(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

impl Home {
    pub fn new(t: Topics, seed: u64) -> Self {
        Home {
            t,
            rng: Rng(seed | 1),
            mode: "heat".into(),
            target: 21.0,
            temperature: 18.5,
            living_on: true,
            living_brightness: 180,
            hall_on: false,
            plug_on: true,
            door_open: false,
            cover_position: 100,
            cover_target: 100,
            garden_celsius: 12.0,
            humidity: 68.0,
            battery: 97.0,
            fahrenheit: false,
        }
    }

    pub fn topics(&self) -> &Topics {
        &self.t
    }

    fn heating(&self) -> bool {
        match self.mode.as_str() {
            "heat" | "auto" => self.temperature < self.target - 0.05,
            _ => false,
        }
    }

    fn thermostat(&self) -> Vec<Msg> {
        vec![
            Msg::retained(self.t.t("thermostat/mode"), self.mode.clone()),
            Msg::retained(self.t.t("thermostat/target"), format!("{}", self.target)),
            Msg::retained(
                self.t.t("thermostat/state"),
                json!({"temperature": round1(self.temperature), "heating": self.heating()}).to_string(),
            ),
        ]
    }

    fn on_off(on: bool) -> &'static str {
        if on {
            "ON"
        } else {
            "OFF"
        }
    }

    fn living(&self) -> Vec<Msg> {
        vec![
            Msg::retained(self.t.t("living_light/state"), Self::on_off(self.living_on)),
            Msg::retained(
                self.t.t("living_light/brightness"),
                self.living_brightness.to_string(),
            ),
        ]
    }

    fn plug_power(&self) -> f64 {
        if self.plug_on {
            // Whatever is plugged in draws about 60 W, plus the light when it is on.
            60.0 + if self.living_on {
                f64::from(self.living_brightness) / 255.0 * 9.0
            } else {
                0.0
            }
        } else {
            0.0
        }
    }

    fn plug(&mut self) -> Vec<Msg> {
        let power = self.plug_power()
            + if self.plug_on {
                self.rng.jitter() * 1.5
            } else {
                0.0
            };
        vec![
            Msg::retained(self.t.t("plug/state"), Self::on_off(self.plug_on)),
            Msg::retained(
                self.t.t("plug/telemetry"),
                json!({"power": power.max(0.0)}).to_string(),
            ),
        ]
    }

    fn cover_state(&self) -> &'static str {
        match (self.cover_target - self.cover_position).signum() {
            1 => "opening",
            -1 => "closing",
            _ if self.cover_position >= 100 => "open",
            _ if self.cover_position <= 0 => "closed",
            _ => "stopped",
        }
    }

    fn cover(&self) -> Vec<Msg> {
        vec![
            Msg::retained(self.t.t("cover/state"), self.cover_state()),
            Msg::retained(self.t.t("cover/position"), self.cover_position.to_string()),
        ]
    }

    fn garden(&self) -> Msg {
        let t = if self.fahrenheit {
            self.garden_celsius * 9.0 / 5.0 + 32.0
        } else {
            self.garden_celsius
        };
        let state = json!({
            "temperature": round1(t),
            "humidity": round1(self.humidity),
            "battery": self.battery.round(),
            "temperature_unit": if self.fahrenheit { "fahrenheit" } else { "celsius" },
            "linkquality": 120,
        });
        Msg::retained(
            format!("{}/{}", self.t.z2m_base, self.t.z2m_name),
            state.to_string(),
        )
    }

    /// Every state, for a fresh connection.
    pub fn all_states(&mut self) -> Vec<Msg> {
        let mut out = self.thermostat();
        out.extend(self.living());
        out.push(Msg::retained(
            self.t.t("hall_light/state"),
            Self::on_off(self.hall_on),
        ));
        out.extend(self.plug());
        out.push(Msg::retained(
            self.t.t("door/state"),
            if self.door_open { "OPEN" } else { "CLOSED" },
        ));
        out.extend(self.cover());
        out.push(self.garden());
        out
    }

    /// One interval of time passing.
    pub fn tick(&mut self) -> Vec<Msg> {
        let heat = self.heating();
        self.temperature += if heat {
            (self.target - self.temperature).min(0.3)
        } else {
            (AMBIENT - self.temperature) * 0.05
        } + self.rng.jitter() * 0.03;
        let mut out = self.thermostat();
        out.extend(self.plug());
        if self.rng.next() < 0.12 {
            self.door_open = !self.door_open;
            out.push(Msg::retained(
                self.t.t("door/state"),
                if self.door_open { "OPEN" } else { "CLOSED" },
            ));
        }
        if self.cover_position != self.cover_target {
            let step = (self.cover_target - self.cover_position).clamp(-COVER_STEP, COVER_STEP);
            self.cover_position += step;
            out.extend(self.cover());
        }
        self.garden_celsius += self.rng.jitter() * 0.2;
        self.humidity = (self.humidity + self.rng.jitter() * 0.8).clamp(20.0, 100.0);
        self.battery = (self.battery - 0.01).max(5.0);
        out.push(self.garden());
        out
    }

    /// Obeys a command; returns a log line and what to publish, or `None` when the topic is not a
    /// command topic of ours.
    pub fn command(&mut self, topic: &str, payload: &str) -> Option<(String, Vec<Msg>)> {
        let p = payload.trim();
        let on = match p.to_ascii_uppercase().as_str() {
            "ON" => Some(true),
            "OFF" => Some(false),
            "TOGGLE" => None,
            _ => None,
        };
        let rest = topic.strip_prefix(&format!("{}/", self.t.base));
        let (effect, out) = match rest {
            Some("thermostat/mode/set") if ["off", "heat", "auto"].contains(&p) => {
                self.mode = p.to_string();
                (format!("thermostat mode {p}"), self.thermostat())
            }
            Some("thermostat/target/set") => match p.parse::<f64>() {
                Ok(v) if v.is_finite() => {
                    self.target = ((v.clamp(5.0, 30.0)) * 2.0).round() / 2.0;
                    (format!("thermostat target {}", self.target), self.thermostat())
                }
                _ => (format!("ignored target {p:?}"), vec![]),
            },
            Some("living_light/set") if on.is_some() || p.eq_ignore_ascii_case("TOGGLE") => {
                self.living_on = on.unwrap_or(!self.living_on);
                (
                    format!("living room light {}", Self::on_off(self.living_on)),
                    self.living(),
                )
            }
            Some("living_light/brightness/set") => match p.parse::<f64>() {
                Ok(v) if v.is_finite() => {
                    self.living_brightness = v.clamp(0.0, 255.0).round() as u8;
                    self.living_on = self.living_brightness > 0;
                    (
                        format!("living room light brightness {}", self.living_brightness),
                        self.living(),
                    )
                }
                _ => (format!("ignored brightness {p:?}"), vec![]),
            },
            Some("hall_light/set") if on.is_some() || p.eq_ignore_ascii_case("TOGGLE") => {
                self.hall_on = on.unwrap_or(!self.hall_on);
                let msg = Msg::retained(self.t.t("hall_light/state"), Self::on_off(self.hall_on));
                (format!("hall light {}", Self::on_off(self.hall_on)), vec![msg])
            }
            Some("plug/set") if on.is_some() || p.eq_ignore_ascii_case("TOGGLE") => {
                self.plug_on = on.unwrap_or(!self.plug_on);
                (format!("plug {}", Self::on_off(self.plug_on)), self.plug())
            }
            Some("cover/set") => {
                self.cover_target = match p.to_ascii_uppercase().as_str() {
                    "OPEN" => 100,
                    "CLOSE" => 0,
                    "STOP" => self.cover_position,
                    _ => return Some((format!("ignored cover command {p:?}"), vec![])),
                };
                (
                    format!("cover {} toward {}", p.to_ascii_lowercase(), self.cover_target),
                    self.cover(),
                )
            }
            Some("cover/position/set") => match p.parse::<f64>() {
                Ok(v) if v.is_finite() => {
                    self.cover_target = v.clamp(0.0, 100.0).round() as i64;
                    (
                        format!("cover toward position {}", self.cover_target),
                        self.cover(),
                    )
                }
                _ => (format!("ignored position {p:?}"), vec![]),
            },
            Some(other) if other.ends_with("/set") => (format!("ignored {p:?}"), vec![]),
            _ if topic == format!("{}/{}/set", self.t.z2m_base, self.t.z2m_name) => self.z2m_set(p),
            _ => return None,
        };
        Some((format!("{topic} {p:?}: {effect}"), out))
    }

    fn z2m_set(&mut self, payload: &str) -> (String, Vec<Msg>) {
        match serde_json::from_str::<Value>(payload) {
            Ok(v) => match v.get("temperature_unit").and_then(Value::as_str) {
                Some(unit @ ("celsius" | "fahrenheit")) => {
                    self.fahrenheit = unit == "fahrenheit";
                    (
                        format!("{} temperature unit {unit}", self.t.z2m_name),
                        vec![self.garden()],
                    )
                }
                _ => (
                    "ignored (only temperature_unit celsius/fahrenheit can be set)".into(),
                    vec![],
                ),
            },
            Err(_) => ("ignored (not JSON)".into(), vec![]),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn home() -> Home {
        Home::new(Topics::new("decksim", "zigbee2mqtt"), 7)
    }

    fn payload_of<'a>(out: &'a [Msg], topic: &str) -> Option<&'a str> {
        out.iter().find(|m| m.topic == topic).map(|m| m.payload.as_str())
    }

    #[test]
    fn switching_a_light_publishes_its_new_state() {
        let mut h = home();
        let (_, out) = h.command("decksim/hall_light/set", "ON").unwrap();
        assert_eq!(payload_of(&out, "decksim/hall_light/state"), Some("ON"));
    }

    #[test]
    fn a_new_target_is_published_rounded_to_half_degrees() {
        let mut h = home();
        let (_, out) = h.command("decksim/thermostat/target/set", "22.3").unwrap();
        assert_eq!(payload_of(&out, "decksim/thermostat/target"), Some("22.5"));
    }

    #[test]
    fn the_cover_moves_in_steps_and_then_reports_closed() {
        let mut h = home();
        let (_, out) = h.command("decksim/cover/set", "CLOSE").unwrap();
        assert_eq!(payload_of(&out, "decksim/cover/state"), Some("closing"));
        let mut last = None;
        for _ in 0..4 {
            last = payload_of(&h.tick(), "decksim/cover/state").map(str::to_string);
        }
        assert_eq!(last.as_deref(), Some("closed"));
    }

    #[test]
    fn heating_raises_the_temperature_toward_the_target() {
        let mut h = home();
        let before = h.temperature;
        h.tick();
        assert!(h.temperature > before);
    }

    #[test]
    fn the_zigbee_sensor_switches_its_temperature_unit() {
        let mut h = home();
        let (_, out) = h
            .command(
                "zigbee2mqtt/garden_sensor/set",
                r#"{"temperature_unit":"fahrenheit"}"#,
            )
            .unwrap();
        assert!(payload_of(&out, "zigbee2mqtt/garden_sensor")
            .unwrap()
            .contains("fahrenheit"));
    }

    #[test]
    fn foreign_topics_are_not_commands() {
        assert!(home().command("elsewhere/set", "ON").is_none());
    }
}
