//! SCRAM against the RFCs' example exchanges, a small server for SCRAM-SHA-512, and the
//! server messages a client must refuse.

use super::*;

const RFC5802_SERVER_FIRST: &str = "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096";
const RFC7677_SERVER_FIRST: &str =
    "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";

fn sha1_client() -> ScramClient {
    ScramClient::new(ScramMechanism::Sha1, "user", "pencil", "fyko+d2lbbFgONRv9qkxdawL").unwrap()
}

fn sha256_client() -> ScramClient {
    ScramClient::new(ScramMechanism::Sha256, "user", "pencil", "rOprNGfwEbeRWgbNEkqO").unwrap()
}

/// RFC 5802 §5.
#[test]
fn rfc5802_scram_sha1_example_exchange() {
    let mut c = sha1_client();
    assert_eq!(c.client_first(), "n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL");
    assert_eq!(
        c.handle_server_first(RFC5802_SERVER_FIRST.as_bytes()).unwrap(),
        "c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts="
    );
    assert_eq!(c.handle_server_final(b"v=rmF9pqV8S7suAoZWja4dJRkFsKQ="), Ok(()));
}

/// RFC 7677 §3.
#[test]
fn rfc7677_scram_sha256_example_exchange() {
    let mut c = sha256_client();
    assert_eq!(c.client_first(), "n,,n=user,r=rOprNGfwEbeRWgbNEkqO");
    assert_eq!(
        c.handle_server_first(RFC7677_SERVER_FIRST.as_bytes()).unwrap(),
        "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,\
         p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="
    );
    assert_eq!(
        c.handle_server_final(b"v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="),
        Ok(())
    );
}

#[test]
fn a_wrong_server_signature_or_an_error_is_refused() {
    let mut c = sha256_client();
    c.handle_server_first(RFC7677_SERVER_FIRST.as_bytes()).unwrap();
    assert_eq!(
        c.handle_server_final(b"v=7rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="),
        Err(ScramError::ServerSignature)
    );
    // A truncated signature is wrong too, not a prefix match.
    assert_eq!(
        c.handle_server_final(b"v=6rriTRBi"),
        Err(ScramError::ServerSignature)
    );
    assert_eq!(
        c.handle_server_final(b"e=invalid-proof"),
        Err(ScramError::Rejected("invalid-proof".into()))
    );
    assert!(matches!(
        c.handle_server_final(b"x=1"),
        Err(ScramError::Malformed(_))
    ));
    assert!(matches!(
        c.handle_server_final(b"v=not base64!"),
        Err(ScramError::Malformed(_))
    ));
}

#[test]
fn server_final_before_server_first_and_a_second_server_first_are_out_of_order() {
    let mut c = sha1_client();
    assert!(matches!(
        c.handle_server_final(b"v=rmF9pqV8S7suAoZWja4dJRkFsKQ="),
        Err(ScramError::OutOfOrder(_))
    ));
    c.handle_server_first(RFC5802_SERVER_FIRST.as_bytes()).unwrap();
    assert!(c.awaits_server_final());
    assert!(matches!(
        c.handle_server_first(RFC5802_SERVER_FIRST.as_bytes()),
        Err(ScramError::OutOfOrder(_))
    ));
}

#[test]
fn server_first_must_extend_our_nonce_and_carry_salt_and_count() {
    for bad in [
        "r=someoneelse,s=QSXCR+Q6sek8bf92,i=4096",
        // Our nonce alone: the server added nothing of its own.
        "r=fyko+d2lbbFgONRv9qkxdawL,s=QSXCR+Q6sek8bf92,i=4096",
        "r=fyko+d2lbbFgONRv9qkxdawLx,s=,i=4096",
        "r=fyko+d2lbbFgONRv9qkxdawLx,s=QSX,i=4096",
        "r=fyko+d2lbbFgONRv9qkxdawLx,s=QSXCR+Q6sek8bf92,i=0",
        "r=fyko+d2lbbFgONRv9qkxdawLx,s=QSXCR+Q6sek8bf92,i=+5",
        "r=fyko+d2lbbFgONRv9qkxdawLx,s=QSXCR+Q6sek8bf92",
        "r=fyko+d2lbbFgONRv9qkxdawLx,i=4096,s=QSXCR+Q6sek8bf92",
        "m=ext,r=fyko+d2lbbFgONRv9qkxdawLx,s=QSXCR+Q6sek8bf92,i=4096",
        "",
    ] {
        assert!(
            matches!(
                sha1_client().handle_server_first(bad.as_bytes()),
                Err(ScramError::Malformed(_))
            ),
            "{bad}"
        );
    }
    assert!(matches!(
        sha1_client().handle_server_first(&[0xFF]),
        Err(ScramError::Malformed(_))
    ));
    assert_eq!(
        sha1_client().handle_server_first(b"e=unknown-user"),
        Err(ScramError::Rejected("unknown-user".into()))
    );
    // Extensions after the count are allowed and ignored.
    let extended = format!("{RFC5802_SERVER_FIRST},x=1");
    assert!(sha1_client().handle_server_first(extended.as_bytes()).is_ok());
}

#[test]
fn an_iteration_count_above_the_cap_is_a_limit_not_work() {
    for (count, asked) in [("1000001", 1_000_001), ("99999999999", u32::MAX)] {
        let msg = format!("r=fyko+d2lbbFgONRv9qkxdawLx,s=QSXCR+Q6sek8bf92,i={count}");
        assert_eq!(
            sha1_client().handle_server_first(msg.as_bytes()),
            Err(ScramError::Iterations {
                asked,
                max: MAX_ITERATIONS
            })
        );
    }
}

#[test]
fn usernames_are_escaped_and_control_characters_refused() {
    assert_eq!(escape_username("a,b=c").unwrap(), "a=2Cb=3Dc");
    assert_eq!(escape_username("émile").unwrap(), "émile");
    for bad in ["", "a\nb", "tab\there", "c1\u{85}", "del\u{7f}"] {
        assert!(
            matches!(escape_username(bad), Err(ScramError::Input(_))),
            "{bad:?}"
        );
    }
    let c = ScramClient::new(ScramMechanism::Sha256, "a,b", "p", "n0nce").unwrap();
    assert_eq!(c.client_first(), "n,,n=a=2Cb,r=n0nce");
    for nonce in ["", "has,comma", "has space", "é"] {
        assert!(
            ScramClient::new(ScramMechanism::Sha256, "u", "p", nonce).is_err(),
            "{nonce:?}"
        );
    }
}

/// The server's side of RFC 5802 §3, for mechanisms without a published example.
fn serve(m: ScramMechanism, password: &str, client: &mut ScramClient) -> Result<(), ScramError> {
    let salt = b"a pinch of salt";
    let iterations = 4096;
    let first = client.client_first();
    let bare = first.strip_prefix("n,,").unwrap();
    let client_nonce = bare.split(",r=").nth(1).unwrap();
    let server_first = format!("r={client_nonce}S3RV3R,s={},i={iterations}", base64::encode(salt));
    let client_final = client.handle_server_first(server_first.as_bytes())?;
    let (without_proof, proof) = client_final.rsplit_once(",p=").unwrap();
    let auth_message = format!("{bare},{server_first},{without_proof}");
    let salted = m.hi(password.as_bytes(), salt, iterations);
    let stored_key = m.hash(&m.hmac(&salted, b"Client Key"));
    let signature = m.hmac(&stored_key, auth_message.as_bytes());
    let client_key: Vec<u8> = base64::decode(proof)
        .unwrap()
        .iter()
        .zip(&signature)
        .map(|(p, s)| p ^ s)
        .collect();
    if m.hash(&client_key) != stored_key {
        return client.handle_server_final(b"e=invalid-proof");
    }
    let server_signature = m.hmac(&m.hmac(&salted, b"Server Key"), auth_message.as_bytes());
    client.handle_server_final(format!("v={}", base64::encode(&server_signature)).as_bytes())
}

#[test]
fn every_mechanism_completes_against_a_server_and_a_wrong_password_is_rejected() {
    for m in ScramMechanism::ALL {
        let mut good = ScramClient::new(m, "user", "pencil", "abcdefgh").unwrap();
        assert_eq!(serve(m, "pencil", &mut good), Ok(()), "{m:?}");
        let mut wrong = ScramClient::new(m, "user", "pen", "abcdefgh").unwrap();
        assert_eq!(
            serve(m, "pencil", &mut wrong),
            Err(ScramError::Rejected("invalid-proof".into())),
            "{m:?}"
        );
        assert_eq!(ScramMechanism::from_name(m.name()), Some(m));
    }
    assert_eq!(ScramMechanism::Sha512.hash(b"").len(), 64);
}

#[test]
fn base64_round_trips_and_refuses_what_is_not_base64() {
    for (raw, text) in [
        (&b""[..], ""),
        (b"f", "Zg=="),
        (b"fo", "Zm8="),
        (b"foo", "Zm9v"),
        (b"foob", "Zm9vYg=="),
        (b"\xff\xfe\x00", "//4A"),
    ] {
        assert_eq!(base64::encode(raw), text);
        assert_eq!(base64::decode(text).as_deref(), Some(raw));
    }
    for bad in ["Zg=", "Z===", "Zg==Zg==", "Zm9v!A==", "Zm 9"] {
        assert_eq!(base64::decode(bad), None, "{bad}");
    }
}

/// RFC 2202 / RFC 4231 test cases 2 and 6 (a key longer than the block is hashed first), and
/// PBKDF2-HMAC-SHA-512 as Python's hashlib computes it: the hand-written HMAC and Hi.
#[test]
fn hmac_and_hi_match_the_published_vectors() {
    let long_key = [0xaa; 131];
    let long_data = b"Test Using Larger Than Block-Size Key - Hash Key First";
    let cases = [
        (ScramMechanism::Sha1, "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79", "90d0dace1c1bdc957339307803160335bde6df2b"),
        (
            ScramMechanism::Sha256,
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
        ),
        (
            ScramMechanism::Sha512,
            "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737",
            "80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f3526b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598",
        ),
    ];
    for (m, jefe, long) in cases {
        assert_eq!(
            hex(&m.hmac(b"Jefe", b"what do ya want for nothing?")),
            jefe,
            "{m:?}"
        );
        assert_eq!(hex(&m.hmac(&long_key, long_data)), long, "{m:?}");
    }
    assert_eq!(
        hex(&ScramMechanism::Sha512.hi(b"pencil", b"salt", 4096)),
        "2cfe3a1c151662b1ea49d13f595674a1c666add70df15d3d02254e9905993878261da7407fd11c2fee4b0a30df5154b1a752f86a13380ddd4bdd9a7c958ec769"
    );
}
