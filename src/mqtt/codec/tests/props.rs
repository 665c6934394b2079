//! MQTT 5 publish properties and subscription options against byte vectors written from the spec.

use super::*;

#[test]
fn v5_publish_properties_are_read_and_stay_out_of_the_payload() {
    #[rustfmt::skip]
    let bytes = [
        0x30, 15, 0x00, 0x03, b'a', b'/', b'b',
        7, 0x01, 0x01, 0x02, 0x00, 0x00, 0x00, 0x3C, // payload format 1, expiry 60 s
        b'h', b'i',
    ];
    let mut expected = message(QoS::AtMostOnce, 0);
    expected.props = PublishProps {
        payload_format: Some(1),
        message_expiry: Some(60),
        ..PublishProps::default()
    }
    .boxed();
    decodes_to(V5, &bytes, Packet::Publish(expected));
}

#[test]
fn v5_publish_carries_every_property_both_ways_in_spec_order_of_ids() {
    // §3.3.2.3: each property is an identifier byte then its value. mqttbytes writes them
    // in this order: payload format, expiry, alias, response topic, correlation data,
    // user properties (in order, repeats kept), subscription ids, content type.
    let props = PublishProps {
        payload_format: Some(1),
        message_expiry: Some(300),
        content_type: Some("text/plain".into()),
        response_topic: Some("r/1".into()),
        correlation_data: Some(Bytes::from_static(&[0xC0, 0xFF])),
        user_properties: vec![("k".into(), "v1".into()), ("k".into(), "v2".into())],
        subscription_ids: vec![],
        topic_alias: None,
    };
    #[rustfmt::skip]
    let prop_bytes: Vec<u8> = [
        &[0x01, 0x01][..],                               // payload format indicator 1
        &[0x02, 0x00, 0x00, 0x01, 0x2C],                 // message expiry 300
        &[0x08, 0x00, 0x03, b'r', b'/', b'1'],           // response topic
        &[0x09, 0x00, 0x02, 0xC0, 0xFF],                 // correlation data
        &[0x26, 0x00, 0x01, b'k', 0x00, 0x02, b'v', b'1'], // user property k=v1
        &[0x26, 0x00, 0x01, b'k', 0x00, 0x02, b'v', b'2'], // user property k=v2
        &[0x03, 0x00, 0x0A, b't', b'e', b'x', b't', b'/', b'p', b'l', b'a', b'i', b'n'], // content type
    ]
    .concat();
    let mut bytes = vec![0x30, 0];
    bytes.extend_from_slice(&[0x00, 0x03, b'a', b'/', b'b']);
    bytes.push(prop_bytes.len() as u8);
    bytes.extend_from_slice(&prop_bytes);
    bytes.extend_from_slice(b"hi");
    bytes[1] = (bytes.len() - 2) as u8;
    let mut p = message(QoS::AtMostOnce, 0);
    p.props = props.boxed();
    both_ways(V5, Packet::Publish(p.clone()), &bytes);
    // 3.1.1 has nowhere to put them: they are dropped, not garbled.
    let v4 = encode(V4, &Packet::Publish(p)).unwrap();
    assert_eq!(&v4[..], &[0x30, 0x07, 0x00, 0x03, b'a', b'/', b'b', b'h', b'i']);
}

#[test]
fn v5_publish_with_a_topic_alias_and_subscription_ids_is_read() {
    #[rustfmt::skip]
    let bytes = [
        0x30, 16, 0x00, 0x03, b'a', b'/', b'b',
        8, 0x23, 0x00, 0x05,   // topic alias 5
        0x0B, 0x07,            // subscription identifier 7
        0x0B, 0xC8, 0x01,      // subscription identifier 200 (two-byte variable integer)
        b'h', b'i',
    ];
    let Ok(Some(Packet::Publish(p))) = decode(V5, &bytes) else {
        panic!("{:?}", decode(V5, &bytes));
    };
    let props = p.props.unwrap();
    assert_eq!(props.topic_alias, Some(5));
    assert_eq!(props.subscription_ids, vec![7, 200]);
}

#[test]
fn v5_subscribe_options_and_identifier_are_on_the_wire() {
    let packet = Packet::Subscribe {
        pkid: 3,
        filters: vec![(
            "a/#".into(),
            SubOptions {
                qos: QoS::AtLeastOnce,
                no_local: true,
                retain_as_published: true,
                retain_handling: 2,
                id: Some(9),
            },
        )],
    };
    // Options byte: retain handling 2 (bits 4-5), RAP (bit 3), NL (bit 2), QoS 1.
    #[rustfmt::skip]
    let bytes = [
        0x82, 11, 0x00, 0x03,
        2, 0x0B, 9,                 // properties: subscription identifier 9
        0x00, 0x03, b'a', b'/', b'#', 0b0010_1101,
    ];
    let mut expected = bytes.to_vec();
    expected[1] = (expected.len() - 2) as u8;
    both_ways(V5, packet, &expected);
}
