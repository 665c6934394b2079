//! Broker presets: a starting URL, MQTT version and a line of help for the brokers people
//! use, so that a new user does not have to know each one's port and path. The cloud hubs
//! whose credentials are signed in the browser set a `Signer` instead of a password.

use crate::model::cloud::aws::IotCore;
use crate::model::cloud::azure::IotHub;
use crate::model::cloud::Signer;
use crate::model::settings::ConnectionSettings;
use crate::mqtt::Version;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// URL, user name and password as typed.
    Plain,
    AwsIot,
    AzureIotHub,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Preset {
    pub id: &'static str,
    pub name: &'static str,
    pub url: &'static str,
    pub version: Version,
    pub kind: Kind,
    pub help: &'static str,
}

pub const PRESETS: &[Preset] = &[
    Preset {
        id: "mosquitto-local",
        name: "Mosquitto on this computer",
        url: "ws://127.0.0.1:9001",
        version: Version::V5,
        kind: Kind::Plain,
        help: "Needs a websockets listener in mosquitto.conf: listener 9001, protocol websockets.",
    },
    Preset {
        id: "hivemq-public",
        name: "HiveMQ public broker",
        url: "wss://broker.hivemq.com:8884/mqtt",
        version: Version::V5,
        kind: Kind::Plain,
        help: "Open to everyone: anyone can read what you publish. No user name needed.",
    },
    Preset {
        id: "emqx-public",
        name: "EMQX public broker",
        url: "wss://broker.emqx.io:8084/mqtt",
        version: Version::V5,
        kind: Kind::Plain,
        help: "Open to everyone: anyone can read what you publish. No user name needed.",
    },
    Preset {
        id: "test-mosquitto",
        name: "test.mosquitto.org",
        url: "wss://test.mosquitto.org:8081",
        version: Version::V5,
        kind: Kind::Plain,
        help: "Eclipse's public test broker: open to everyone, sometimes busy.",
    },
    Preset {
        id: "hivemq-cloud",
        name: "HiveMQ Cloud",
        url: "wss://YOUR-CLUSTER.hivemq.cloud:8884/mqtt",
        version: Version::V5,
        kind: Kind::Plain,
        help: "Put your cluster's host name in the URL and the credentials made under Access Management.",
    },
    Preset {
        id: "emqx-cloud",
        name: "EMQX Cloud",
        url: "wss://YOUR-DEPLOYMENT.emqxsl.com:8084/mqtt",
        version: Version::V5,
        kind: Kind::Plain,
        help: "Put your deployment's address in the URL and a user from its Authentication page.",
    },
    Preset {
        id: "rabbitmq",
        name: "RabbitMQ Web MQTT",
        url: "ws://127.0.0.1:15675/ws",
        version: Version::V311,
        kind: Kind::Plain,
        help: "The rabbitmq_web_mqtt plugin: MQTT 3.1.1 on /ws. QoS 2 becomes QoS 1.",
    },
    Preset {
        id: "thingsboard",
        name: "ThingsBoard",
        url: "ws://YOUR-SERVER:8080/mqtt",
        version: Version::V311,
        kind: Kind::Plain,
        help: "The device's access token is the user name; leave the password empty. Telemetry goes to v1/devices/me/telemetry. Port and path are your server's MQTT over WebSocket settings.",
    },
    Preset {
        id: "aws-iot",
        name: "AWS IoT Core",
        url: "",
        version: Version::V5,
        kind: Kind::AwsIot,
        help: "IAM credentials sign the WebSocket URL here in the browser (Signature Version 4) for every connection; the key never leaves it. The endpoint is in the IoT console under Settings.",
    },
    Preset {
        id: "azure-iot-hub",
        name: "Azure IoT Hub",
        url: "",
        version: Version::V311,
        kind: Kind::AzureIotHub,
        help: "Connects as a device: a SAS token made here from the device key is the password, made anew for every connection. Cloud-to-device messages are subscribed on connect.",
    },
];

impl Preset {
    pub fn by_id(id: &str) -> Option<&'static Preset> {
        PRESETS.iter().find(|p| p.id == id)
    }

    /// The form's settings started from this preset; what the user typed for the same kind
    /// of broker (credentials, client ID) stays.
    pub fn apply(&self, s: &mut ConnectionSettings) {
        s.version = self.version;
        s.signer = match self.kind {
            Kind::Plain => {
                s.url = self.url.to_owned();
                None
            }
            Kind::AwsIot => Some(match s.signer.take() {
                Some(Signer::AwsIot(iot)) => Signer::AwsIot(iot),
                _ => Signer::AwsIot(IotCore::default()),
            }),
            Kind::AzureIotHub => Some(match s.signer.take() {
                Some(Signer::AzureIotHub(hub)) => Signer::AzureIotHub(hub),
                _ => Signer::AzureIotHub(IotHub::default()),
            }),
        };
    }
}
