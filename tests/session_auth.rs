//! MQTT 5 enhanced authentication with SCRAM against the fake broker's SCRAM server:
//! connecting, refusals that must not loop, brokers that cannot prove themselves, stray
//! AUTH packets, re-authentication and the iteration cap.

mod support;

use bytes::Bytes;
use mqtt_deck::mqtt;
use mqtt_deck::mqtt::auth::ScramMechanism;
use mqtt_deck::mqtt::error::{LimitError, Refusal};
use mqtt_deck::mqtt::session::Auth;
use mqtt_deck::mqtt::{Error, Event, Options, Packet, ProtocolError, Status, UsageError, Version};
use support::fake_broker::{connects, disconnects, names, options, Pair, Refuse5, ScramServer};

fn scram_options(mechanism: ScramMechanism, password: &str) -> Options {
    Options {
        username: Some("user".into()),
        password: Some(password.into()),
        auth: Some(Auth {
            mechanism,
            nonce: "Cl13ntN0nc3".into(),
        }),
        ..options(Version::V5)
    }
}

/// A session with `password` before a broker whose SCRAM server knows "pencil".
fn scram_pair(mechanism: ScramMechanism, password: &str) -> Pair {
    let mut pair = Pair::idle(scram_options(mechanism, password));
    pair.broker.scram = Some(ScramServer::new(mechanism, "pencil"));
    pair
}

fn scram(pair: &Pair) -> &ScramServer {
    pair.broker.scram.as_ref().unwrap()
}

fn auth(code: u8, method: &str, data: &'static [u8]) -> Packet {
    Packet::Auth {
        code,
        method: Some(method.into()),
        data: Some(Bytes::from_static(data)),
        reason: None,
    }
}

/// The one `Disconnected` among `events`, which must not schedule a reconnect.
fn final_error(pair: &mut Pair) -> Error {
    let ds = disconnects(&pair.events());
    assert!(matches!(ds[..], [(Some(_), None)]), "{ds:?}");
    assert_eq!(pair.session.status(), Status::Idle);
    assert_eq!(pair.session.poll_timeout(), None);
    ds[0].0.clone().unwrap()
}

#[test]
fn a_full_scram_sha256_exchange_connects_without_sending_the_password() {
    let mut pair = scram_pair(ScramMechanism::Sha256, "pencil");
    pair.start();
    assert!(pair.events().iter().any(|e| matches!(e, Event::Connected { .. })));
    assert_eq!(pair.session.status(), Status::Connected);
    assert!(!pair.session.authenticating());
    let sent = pair.broker.take();
    assert_eq!(names(&sent), ["CONNECT", "AUTH"]);
    let connect = &connects(&sent)[0];
    assert_eq!(connect.password, None);
    assert_eq!(connect.auth_method.as_deref(), Some("SCRAM-SHA-256"));
    let first = connect.auth_data.clone().unwrap();
    assert!(first.starts_with(b"n,,n=user,r=Cl13ntN0nc3"), "{first:?}");
    assert!(matches!(&sent[1], Packet::Auth { code: 0x18, method: Some(m), .. } if m == "SCRAM-SHA-256"));
    assert_eq!((scram(&pair).accepted, scram(&pair).rejected), (1, 0));
}

#[test]
fn scram_sha1_and_sha512_connect_too() {
    for m in [ScramMechanism::Sha1, ScramMechanism::Sha512] {
        let mut pair = scram_pair(m, "pencil");
        pair.start();
        assert_eq!(pair.session.status(), Status::Connected, "{m:?}");
        assert_eq!(
            connects(&pair.broker.take())[0].auth_method.as_deref(),
            Some(m.name())
        );
    }
}

#[test]
fn a_wrong_password_is_refused_without_a_reconnect_loop() {
    let mut pair = scram_pair(ScramMechanism::Sha256, "crayon");
    pair.start();
    let error = final_error(&mut pair);
    assert!(
        matches!(error, Error::Refused(Refusal { code: 0x86, .. })),
        "{error:?}"
    );
    assert_eq!(pair.opens, 1);
    assert_eq!(scram(&pair).rejected, 1);
}

#[test]
fn a_broker_whose_server_final_is_wrong_is_refused_for_good() {
    let mut pair = scram_pair(ScramMechanism::Sha256, "pencil");
    pair.broker.scram.as_mut().unwrap().wrong_server_final = true;
    pair.start();
    let error = final_error(&mut pair);
    assert_eq!(error, Error::Protocol(ProtocolError::ServerNotProven));
    assert!(
        error
            .to_string()
            .contains("could not prove it knows the password"),
        "{error}"
    );
    assert!(!pair.events().iter().any(|e| matches!(e, Event::Connected { .. })));
}

#[test]
fn a_broker_that_skips_the_exchange_and_accepts_is_not_trusted() {
    // No SCRAM server: a plain CONNACK 0x00 without server-final.
    let mut pair = Pair::idle(scram_options(ScramMechanism::Sha256, "pencil"));
    pair.start();
    assert_eq!(
        final_error(&mut pair),
        Error::Protocol(ProtocolError::ServerNotProven)
    );
}

#[test]
fn bad_authentication_method_and_not_authorized_are_permanent_refusals() {
    for code in [0x8C, 0x87] {
        let mut pair = Pair::idle(scram_options(ScramMechanism::Sha256, "pencil"));
        pair.broker.connack = Some(mqtt::packet::ConnAck {
            code,
            ..Default::default()
        });
        pair.start();
        let error = final_error(&mut pair);
        assert!(
            matches!(error, Error::Refused(Refusal { code: c, .. }) if c == code),
            "{error:?}"
        );
    }
    // The broker's SCRAM server knows another mechanism: it answers 0x8C.
    let mut pair = Pair::idle(scram_options(ScramMechanism::Sha1, "pencil"));
    pair.broker.scram = Some(ScramServer::new(ScramMechanism::Sha256, "pencil"));
    pair.start();
    assert!(matches!(
        final_error(&mut pair),
        Error::Refused(Refusal { code: 0x8C, .. })
    ));
}

#[test]
fn auth_from_a_broker_when_none_was_asked_is_a_protocol_error() {
    let mut pair = Pair::connected(options(Version::V5));
    pair.deliver(auth(0x18, "SCRAM-SHA-256", b"r=x,s=QSXCR+Q6sek8bf92,i=4096"));
    let ds = disconnects(&pair.events());
    assert!(
        matches!(ds[..], [(Some(Error::Protocol(ProtocolError::Auth(_))), Some(_))]),
        "{ds:?}"
    );
    // The session told the broker why.
    assert!(matches!(
        pair.broker.take()[..],
        [Packet::Disconnect { code: 0x82, .. }]
    ));

    // Before CONNACK too, and an AUTH is no reason to fall back to 3.1.1.
    let mut pair = Pair::idle(options(Version::V5));
    pair.broker.connack = None;
    pair.start();
    pair.deliver(auth(0x18, "SCRAM-SHA-256", b"r=x"));
    let ds = disconnects(&pair.events());
    assert!(
        matches!(ds[..], [(Some(Error::Protocol(ProtocolError::Auth(_))), Some(_))]),
        "{ds:?}"
    );
    assert_eq!(pair.session.version(), Version::V5);
}

#[test]
fn auth_with_another_method_is_a_protocol_error() {
    let mut pair = Pair::idle(scram_options(ScramMechanism::Sha256, "pencil"));
    pair.broker.connack = None;
    pair.start();
    pair.deliver(auth(
        0x18,
        "SCRAM-SHA-1",
        b"r=Cl13ntN0nc31x,s=QSXCR+Q6sek8bf92,i=4096",
    ));
    let ds = disconnects(&pair.events());
    assert!(
        matches!(ds[..], [(Some(Error::Protocol(ProtocolError::Auth(_))), Some(_))]),
        "{ds:?}"
    );
}

#[test]
fn re_authentication_repeats_the_exchange_on_the_live_connection() {
    let mut pair = scram_pair(ScramMechanism::Sha256, "pencil");
    pair.start();
    pair.events();
    pair.broker.take();
    pair.session.reauthenticate(pair.now, "Fr3shN0nc3").unwrap();
    assert!(pair.session.authenticating());
    pair.pump();
    let sent = pair.broker.take();
    assert!(
        matches!(
            &sent[..],
            [Packet::Auth { code: 0x19, .. }, Packet::Auth { code: 0x18, .. }]
        ),
        "{sent:?}"
    );
    let Packet::Auth {
        data: Some(first), ..
    } = &sent[0]
    else {
        unreachable!()
    };
    assert!(first.starts_with(b"n,,n=user,r=Fr3shN0nc3"));
    assert_eq!(scram(&pair).accepted, 2);
    assert!(!pair.session.authenticating());
    assert_eq!(pair.session.status(), Status::Connected);
    assert!(disconnects(&pair.events()).is_empty());

    // Once more, against a broker that now signs wrongly: the connection ends.
    pair.broker.scram.as_mut().unwrap().wrong_server_final = true;
    pair.session.reauthenticate(pair.now, "Fr3shN0nc3").unwrap();
    pair.pump();
    assert_eq!(
        final_error(&mut pair),
        Error::Protocol(ProtocolError::ServerNotProven)
    );
    assert!(matches!(
        pair.broker.take().last(),
        Some(Packet::Disconnect { code: 0x82, .. })
    ));
}

#[test]
fn re_authentication_needs_a_scram_connection() {
    let mut pair = Pair::connected(options(Version::V5));
    assert!(matches!(
        pair.session.reauthenticate(pair.now, "n"),
        Err(Error::Usage(UsageError::InvalidOptions(_)))
    ));
    let mut idle = Pair::idle(scram_options(ScramMechanism::Sha256, "pencil"));
    assert_eq!(
        idle.session.reauthenticate(0, "n"),
        Err(Error::Usage(UsageError::NotConnected))
    );
    // A broker's AUTH success while connecting is out of place: success is CONNACK.
    let mut pair = Pair::idle(scram_options(ScramMechanism::Sha256, "pencil"));
    pair.broker.connack = None;
    pair.start();
    pair.deliver(auth(0x00, "SCRAM-SHA-256", b"v=AAAA"));
    assert!(matches!(
        disconnects(&pair.events())[..],
        [(Some(Error::Protocol(ProtocolError::Auth(_))), Some(_))]
    ));
}

#[test]
fn an_iteration_count_above_the_cap_is_refused_with_a_limit_error() {
    let mut pair = scram_pair(ScramMechanism::Sha256, "pencil");
    pair.broker.scram.as_mut().unwrap().iterations = 2_000_000;
    pair.start();
    assert_eq!(
        final_error(&mut pair),
        Error::Limit(LimitError::AuthIterations {
            asked: 2_000_000,
            max: 1_000_000
        })
    );
}

#[test]
fn every_connect_gets_its_own_nonce() {
    let mut pair = scram_pair(ScramMechanism::Sha256, "pencil");
    pair.start();
    pair.drop_link();
    let at = pair.session.poll_timeout().unwrap();
    pair.run_until(at);
    assert_eq!(pair.session.status(), Status::Connected);
    let firsts: Vec<Bytes> = connects(&pair.broker.take())
        .into_iter()
        .map(|c| c.auth_data.unwrap())
        .collect();
    assert_eq!(firsts.len(), 2);
    assert_ne!(firsts[0], firsts[1]);
}

#[test]
fn scram_needs_mqtt_5_and_a_username_and_never_falls_back_to_3_1_1() {
    let mut session = mqtt::Session::new(Options::default());
    let v311 = Options {
        version: Version::V311,
        ..scram_options(ScramMechanism::Sha256, "pencil")
    };
    let no_user = Options {
        username: None,
        ..scram_options(ScramMechanism::Sha256, "pencil")
    };
    let control = Options {
        username: Some("us\ner".into()),
        ..scram_options(ScramMechanism::Sha256, "pencil")
    };
    for (opts, says) in [
        (v311, "MQTT 5.0"),
        (no_user, "username"),
        (control, "control character"),
    ] {
        match session.connect(0, opts) {
            Err(UsageError::InvalidOptions(s)) => assert!(s.contains(says), "{s}"),
            other => panic!("{other:?}"),
        }
    }
    let mut pair = Pair::idle(scram_options(ScramMechanism::Sha256, "pencil"));
    pair.broker.only_v311(Refuse5::ReturnCode1);
    pair.start();
    assert!(matches!(
        final_error(&mut pair),
        Error::Refused(Refusal { code: 0x84, .. })
    ));
    assert_eq!(pair.broker.connect_levels, [5]);
}
