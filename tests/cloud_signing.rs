//! The cloud presets' signatures against references: AWS's published Signature Version 4
//! examples, and Python's `hmac`/`hashlib` following AWS's and Azure's documented steps.

use mqtt_deck::model::cloud::aws::{
    presign_query, signing_key, Credentials, IotCore, Payload, Request, Token,
};
use mqtt_deck::model::cloud::azure::{sas_token, IotHub};
use mqtt_deck::model::cloud::SigningError;
use mqtt_deck::mqtt::auth::hex;

const ACCESS_KEY: &str = "AKIAIOSFODNN7EXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
/// 2024-03-05T06:07:08Z.
const MARCH_5_2024_MS: f64 = 1_709_618_828_000.0;

/// AWS's "deriving the signing key" example (IAM, us-east-1, 2012-02-15).
#[test]
fn the_signing_key_matches_aws_published_example() {
    let key = signing_key(
        "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        "20120215",
        "us-east-1",
        "iam",
    );
    assert_eq!(
        hex(&key),
        "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d"
    );
}

/// The S3 presigned-URL example of "Authenticating Requests: Using Query Parameters":
/// GET examplebucket/test.txt at 2013-05-24T00:00:00Z, valid 86400 s.
#[test]
fn a_presigned_url_matches_the_s3_published_example() {
    let request = Request {
        method: "GET",
        host: "examplebucket.s3.amazonaws.com",
        path: "/test.txt",
        region: "us-east-1",
        service: "s3",
        time_ms: 1_369_353_600_000.0,
        expires: Some(86_400),
        payload: Payload::Unsigned,
        token: Token::Signed,
    };
    let credentials = Credentials {
        access_key_id: ACCESS_KEY,
        secret_access_key: SECRET,
        session_token: None,
    };
    assert_eq!(
        presign_query(&request, &credentials),
        "X-Amz-Algorithm=AWS4-HMAC-SHA256\
         &X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request\
         &X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host\
         &X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"
    );
}

fn iot() -> IotCore {
    IotCore {
        endpoint: "a1b2c3d4e5f6g7-ats.iot.eu-west-1.amazonaws.com".into(),
        region: String::new(),
        access_key_id: ACCESS_KEY.into(),
        secret_access_key: SECRET.into(),
        session_token: "IQoJb3JpZ2luX2VjEXAMPLE/TOKEN+with=chars".into(),
    }
}

/// AWS IoT Core signs the WebSocket upgrade for service `iotdevicegateway` with an empty body
/// and takes the STS session token after the signature, not inside it.
#[test]
fn aws_iot_url_signs_without_the_session_token_and_appends_it() {
    assert_eq!(
        iot().url(MARCH_5_2024_MS).unwrap(),
        "wss://a1b2c3d4e5f6g7-ats.iot.eu-west-1.amazonaws.com/mqtt\
         ?X-Amz-Algorithm=AWS4-HMAC-SHA256\
         &X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20240305%2Feu-west-1%2Fiotdevicegateway%2Faws4_request\
         &X-Amz-Date=20240305T060708Z&X-Amz-SignedHeaders=host\
         &X-Amz-Signature=6c1c9875607204816da3abb3385dce3ec8f69f031afd2295006aae6313a10ea6\
         &X-Amz-Security-Token=IQoJb3JpZ2luX2VjEXAMPLE%2FTOKEN%2Bwith%3Dchars"
    );
}

#[test]
fn aws_iot_url_is_signed_anew_for_each_attempt_and_a_typed_region_wins() {
    let first = iot().url(MARCH_5_2024_MS).unwrap();
    let later = iot().url(MARCH_5_2024_MS + 60_000.0).unwrap();
    assert_ne!(first, later, "a reconnect a minute later carries a new signature");
    assert!(later.contains("X-Amz-Date=20240305T060808Z"));

    let typed = IotCore {
        region: "us-east-2".into(),
        ..iot()
    };
    assert!(typed.url(MARCH_5_2024_MS).unwrap().contains("%2Fus-east-2%2F"));

    let no_token = IotCore {
        session_token: " ".into(),
        ..iot()
    };
    assert!(!no_token.url(MARCH_5_2024_MS).unwrap().contains("Security-Token"));
}

#[test]
fn aws_iot_names_the_field_to_fix() {
    let cases = [
        (
            IotCore {
                access_key_id: "".into(),
                ..iot()
            },
            SigningError::Missing("Access key ID"),
        ),
        (
            IotCore {
                secret_access_key: " ".into(),
                ..iot()
            },
            SigningError::Missing("Secret access key"),
        ),
        (
            IotCore {
                endpoint: "wss://x.iot.eu-west-1.amazonaws.com/mqtt".into(),
                ..iot()
            },
            SigningError::NotAHost("Endpoint"),
        ),
        // No region typed and none in a custom domain's name.
        (
            IotCore {
                endpoint: "mqtt.example.com".into(),
                ..iot()
            },
            SigningError::Missing("Region"),
        ),
    ];
    for (preset, error) in cases {
        assert_eq!(preset.url(MARCH_5_2024_MS), Err(error.clone()));
        assert!(!error.to_string().is_empty());
    }
}

fn hub() -> IotHub {
    IotHub {
        hub: "myhub".into(),
        device_id: "kitchen-sensor".into(),
        // Base64 of "0123456789abcdef0123456789abcdef".
        device_key: "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=".into(),
        token_seconds: 0,
    }
}

/// The token Azure's Python sample (`generate_sas_token`) makes for the same key, resource and
/// expiry: one hour after 2024-03-05T06:07:08Z.
#[test]
fn azure_sas_token_matches_the_documented_algorithm() {
    let expected = "SharedAccessSignature sr=myhub.azure-devices.net%2Fdevices%2Fkitchen-sensor\
                    &sig=LdHJq4Nqdjwbvz05kbzHuMUxSCUZ7nM2PmW4qg9C8oQ%3D&se=1709622428";
    assert_eq!(hub().password(MARCH_5_2024_MS).unwrap(), expected);
    assert_eq!(
        sas_token(
            "myhub.azure-devices.net/devices/kitchen-sensor",
            b"0123456789abcdef0123456789abcdef",
            1_709_622_428
        ),
        expected
    );
}

#[test]
fn azure_preset_gives_the_hubs_url_user_name_and_device_topics() {
    let h = hub();
    assert_eq!(
        h.url().unwrap(),
        "wss://myhub.azure-devices.net/$iothub/websocket"
    );
    assert_eq!(h.client_id().unwrap(), "kitchen-sensor");
    assert_eq!(
        h.username().unwrap(),
        "myhub.azure-devices.net/kitchen-sensor/?api-version=2021-04-12"
    );
    assert_eq!(
        h.events_topic().unwrap(),
        "devices/kitchen-sensor/messages/events/"
    );
    assert_eq!(
        h.cloud_to_device_filter().unwrap(),
        "devices/kitchen-sensor/messages/devicebound/#"
    );
    // A full host name is kept as typed.
    let full = IotHub {
        hub: "myhub.azure-devices.net".into(),
        ..hub()
    };
    assert_eq!(full.host().unwrap(), "myhub.azure-devices.net");
    // A longer lifetime moves the expiry, and with it the signature.
    let day = IotHub {
        token_seconds: 86_400,
        ..hub()
    };
    assert!(day.password(MARCH_5_2024_MS).unwrap().ends_with("&se=1709705228"));
}

#[test]
fn azure_names_the_field_to_fix() {
    let cases = [
        (
            IotHub {
                device_key: "not base64!".into(),
                ..hub()
            },
            SigningError::KeyNotBase64,
        ),
        (
            IotHub {
                device_key: "".into(),
                ..hub()
            },
            SigningError::Missing("Device key"),
        ),
        (
            IotHub {
                device_id: "".into(),
                ..hub()
            },
            SigningError::Missing("Device ID"),
        ),
        (
            IotHub {
                hub: "my hub".into(),
                ..hub()
            },
            SigningError::NotAHost("IoT hub name"),
        ),
    ];
    for (preset, error) in cases {
        assert_eq!(preset.password(MARCH_5_2024_MS), Err(error));
    }
}

/// The status bar shows the broker, never the signed query with its credentials.
#[test]
fn a_signer_shows_its_broker_without_the_signature() {
    use mqtt_deck::model::cloud::Signer;
    assert_eq!(
        Signer::AwsIot(iot()).shown_url(),
        "wss://a1b2c3d4e5f6g7-ats.iot.eu-west-1.amazonaws.com/mqtt"
    );
    assert_eq!(
        Signer::AzureIotHub(hub()).shown_url(),
        "wss://myhub.azure-devices.net/$iothub/websocket"
    );
}
