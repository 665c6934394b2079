//! The broker's half of the codec: reading what clients send (CONNECT, SUBSCRIBE,
//! UNSUBSCRIBE, PINGREQ) and writing what only brokers send (CONNACK, SUBACK, UNSUBACK,
//! PINGRESP). The fake broker in tests and native tools use it; the browser build never
//! receives a CONNECT nor sends a CONNACK, so it leaves mqttbytes' code for them out.

#[cfg(target_arch = "wasm32")]
pub(super) use client_only::{decode_v4, decode_v5, encode_v4, encode_v5};
#[cfg(not(target_arch = "wasm32"))]
pub(super) use full::{decode_v4, decode_v5, encode_v4, encode_v5};

#[cfg(not(target_arch = "wasm32"))]
mod full {
    use bytes::{Bytes, BytesMut};
    use mqttbytes::{v4, v5, FixedHeader, PacketType};

    use crate::mqtt::codec::malformed;
    use crate::mqtt::error::ProtocolError;
    use crate::mqtt::packet::{Connect, Packet, QoS, SubOptions, Will};

    fn qos_from_wire(q: mqttbytes::QoS) -> QoS {
        match q {
            mqttbytes::QoS::AtMostOnce => QoS::AtMostOnce,
            mqttbytes::QoS::AtLeastOnce => QoS::AtLeastOnce,
            mqttbytes::QoS::ExactlyOnce => QoS::ExactlyOnce,
        }
    }

    pub fn decode_v4(kind: PacketType, fixed: FixedHeader, frame: Bytes) -> Result<Packet, ProtocolError> {
        Ok(match kind {
            PacketType::Connect => {
                let c = v4::Connect::read(fixed, frame).map_err(malformed)?;
                let will = c.last_will.map(|w| will(w.topic, w.message, w.qos, w.retain));
                let login = c.login.map(|l| (l.username, l.password));
                Packet::Connect(connect(c.client_id, c.keep_alive, c.clean_session, login, will))
            }
            PacketType::Subscribe => {
                let s = v4::Subscribe::read(fixed, frame).map_err(malformed)?;
                Packet::Subscribe {
                    pkid: s.pkid,
                    filters: s
                        .filters
                        .into_iter()
                        .map(|f| (f.path, SubOptions::qos(qos_from_wire(f.qos))))
                        .collect(),
                }
            }
            PacketType::Unsubscribe => {
                let u = v4::Unsubscribe::read(fixed, frame).map_err(malformed)?;
                Packet::Unsubscribe {
                    pkid: u.pkid,
                    filters: u.topics,
                }
            }
            // PINGREQ has no body; one that comes with a body is read for its type.
            _ => Packet::PingReq,
        })
    }

    pub fn decode_v5(kind: PacketType, fixed: FixedHeader, frame: Bytes) -> Result<Packet, ProtocolError> {
        Ok(match kind {
            PacketType::Connect => {
                let c = v5::Connect::read(fixed, frame).map_err(malformed)?;
                let will = c.last_will.map(|w| {
                    let mut will = will(w.topic, w.message, w.qos, w.retain);
                    if let Some(p) = w.properties {
                        will.delay = p.delay_interval.unwrap_or(0);
                        will.props = crate::mqtt::packet::PublishProps {
                            payload_format: p.payload_format_indicator,
                            message_expiry: p.message_expiry_interval,
                            content_type: p.content_type,
                            response_topic: p.response_topic,
                            correlation_data: p.correlation_data,
                            user_properties: p.user_properties,
                            ..Default::default()
                        }
                        .boxed();
                    }
                    will
                });
                let login = c.login.map(|l| (l.username, l.password));
                let mut connect = connect(c.client_id, c.keep_alive, c.clean_session, login, will);
                if let Some(p) = c.properties {
                    connect.session_expiry = p.session_expiry_interval.unwrap_or(0);
                    connect.receive_maximum = p.receive_maximum.unwrap_or(0);
                    connect.max_packet_size = p.max_packet_size.unwrap_or(0);
                    connect.topic_alias_max = p.topic_alias_max.unwrap_or(0);
                    connect.request_response_info = p.request_response_info == Some(1);
                    connect.user_properties = p.user_properties;
                    connect.auth_method = p.authentication_method;
                    connect.auth_data = p.authentication_data;
                }
                Packet::Connect(connect)
            }
            PacketType::Subscribe => {
                let s = v5::Subscribe::read(fixed, frame).map_err(malformed)?;
                let id = s.properties.and_then(|p| p.id).map(|id| id as u32);
                Packet::Subscribe {
                    pkid: s.pkid,
                    filters: s
                        .filters
                        .into_iter()
                        .map(|f| {
                            let options = SubOptions {
                                qos: qos_from_wire(f.qos),
                                no_local: f.nolocal,
                                retain_as_published: f.preserve_retain,
                                retain_handling: match f.retain_forward_rule {
                                    v5::RetainForwardRule::OnEverySubscribe => 0,
                                    v5::RetainForwardRule::OnNewSubscribe => 1,
                                    v5::RetainForwardRule::Never => 2,
                                },
                                id,
                            };
                            (f.path, options)
                        })
                        .collect(),
                }
            }
            PacketType::Unsubscribe => {
                let u = v5::Unsubscribe::read(fixed, frame).map_err(malformed)?;
                Packet::Unsubscribe {
                    pkid: u.pkid,
                    filters: u.filters,
                }
            }
            _ => Packet::PingReq,
        })
    }

    /// What both versions' CONNECT carry; MQTT 5's properties are the caller's. mqttbytes has
    /// one login for both fields, and an empty one means "not sent".
    fn connect(
        client_id: String,
        keep_alive: u16,
        clean_start: bool,
        login: Option<(String, String)>,
        will: Option<Will>,
    ) -> Connect {
        let (username, password) = login.unzip();
        Connect {
            client_id,
            keep_alive,
            clean_start,
            username: username.filter(|u| !u.is_empty()),
            password: password.filter(|p| !p.is_empty()),
            will,
            session_expiry: 0,
            receive_maximum: 0,
            max_packet_size: 0,
            topic_alias_max: 0,
            request_response_info: false,
            user_properties: Vec::new(),
            auth_method: None,
            auth_data: None,
        }
    }

    fn will(topic: String, payload: Bytes, qos: mqttbytes::QoS, retain: bool) -> Will {
        Will {
            topic,
            payload,
            qos: qos_from_wire(qos),
            retain,
            delay: 0,
            props: None,
        }
    }

    pub fn encode_v4(packet: &Packet, out: &mut BytesMut) -> Result<(), mqttbytes::Error> {
        use v4::ConnectReturnCode as C;
        match packet {
            Packet::ConnAck(a) => {
                let code = match a.code {
                    0x00 => C::Success,
                    0x84 => C::RefusedProtocolVersion,
                    0x85 => C::BadClientId,
                    0x86 => C::BadUserNamePassword,
                    0x87 => C::NotAuthorized,
                    _ => C::ServiceUnavailable,
                };
                v4::ConnAck::new(code, a.session_present).write(out)?;
            }
            Packet::SubAck { pkid, codes, .. } => {
                let codes = codes
                    .iter()
                    .map(|c| match mqttbytes::qos(*c).ok() {
                        Some(q) => v4::SubscribeReasonCode::Success(q),
                        None => v4::SubscribeReasonCode::Failure,
                    })
                    .collect();
                v4::SubAck::new(*pkid, codes).write(out)?;
            }
            Packet::UnsubAck { pkid, .. } => {
                v4::UnsubAck::new(*pkid).write(out)?;
            }
            _ => {
                v4::PingResp.write(out)?;
            }
        }
        Ok(())
    }

    pub fn encode_v5(packet: &Packet, out: &mut BytesMut) -> Result<(), mqttbytes::Error> {
        use crate::mqtt::codec::reasons::{puback_reason, pubrec_reason};
        match packet {
            Packet::Disconnect { code, reason } => {
                let properties = reason.as_ref().map(|r| {
                    let mut p = v5::DisconnectProperties::new();
                    p.reason_string = Some(r.clone());
                    p
                });
                let reason_code = v5::DisconnectReasonCode::try_from(*code)
                    .unwrap_or(v5::DisconnectReasonCode::UnspecifiedError);
                v5::Disconnect {
                    reason_code,
                    properties,
                }
                .write(out)?;
            }
            Packet::PubAck { pkid, code, reason } => {
                v5::PubAck {
                    pkid: *pkid,
                    reason: puback_reason(*code),
                    properties: reason.clone().map(|r| v5::PubAckProperties {
                        reason_string: Some(r),
                        user_properties: Vec::new(),
                    }),
                }
                .write(out)?;
            }
            Packet::PubRec { pkid, code, reason } => {
                v5::PubRec {
                    pkid: *pkid,
                    reason: pubrec_reason(*code),
                    properties: reason.clone().map(|r| v5::PubRecProperties {
                        reason_string: Some(r),
                        user_properties: Vec::new(),
                    }),
                }
                .write(out)?;
            }
            Packet::PubComp { pkid, code, reason } => {
                v5::PubComp {
                    pkid: *pkid,
                    reason: match code {
                        0 => v5::PubCompReason::Success,
                        _ => v5::PubCompReason::PacketIdentifierNotFound,
                    },
                    properties: reason.clone().map(|r| v5::PubCompProperties {
                        reason_string: Some(r),
                        user_properties: Vec::new(),
                    }),
                }
                .write(out)?;
            }
            Packet::ConnAck(a) => {
                let mut props = v5::ConnAckProperties::new();
                props.receive_max = a.receive_maximum;
                props.max_packet_size = a.max_packet_size;
                props.max_qos = a.max_qos;
                props.assigned_client_identifier = a.assigned_client_id.clone();
                props.server_keep_alive = a.server_keep_alive;
                props.reason_string = a.reason_string.clone();
                props.retain_available = a.retain_available;
                props.wildcard_subscription_available = a.wildcard_available;
                props.subscription_identifiers_available = a.sub_ids_available;
                props.shared_subscription_available = a.shared_available;
                props.response_information = a.response_information.clone();
                props.topic_alias_max = a.topic_alias_max;
                props.server_reference = a.server_reference.clone();
                props.authentication_data = a.auth_data.clone();
                v5::ConnAck {
                    session_present: a.session_present,
                    code: connack_code(a.code),
                    properties: Some(props),
                }
                .write(out)?;
            }
            Packet::SubAck { pkid, codes, reason } => {
                let codes = codes
                    .iter()
                    .map(|c| {
                        v5::SubscribeReasonCode::try_from(*c).unwrap_or(v5::SubscribeReasonCode::Unspecified)
                    })
                    .collect();
                let mut suback = v5::SubAck::new(*pkid, codes);
                suback.properties = reason.clone().map(|r| v5::SubAckProperties {
                    reason_string: Some(r),
                    user_properties: Vec::new(),
                });
                suback.write(out)?;
            }
            Packet::UnsubAck { pkid, codes, reason } => {
                let reasons = codes
                    .iter()
                    .map(|c| match c {
                        0x00 => v5::UnsubAckReason::Success,
                        0x11 => v5::UnsubAckReason::NoSubscriptionExisted,
                        0x83 => v5::UnsubAckReason::ImplementationSpecificError,
                        0x87 => v5::UnsubAckReason::NotAuthorized,
                        0x8F => v5::UnsubAckReason::TopicFilterInvalid,
                        0x91 => v5::UnsubAckReason::PacketIdentifierInUse,
                        _ => v5::UnsubAckReason::UnspecifiedError,
                    })
                    .collect();
                v5::UnsubAck {
                    pkid: *pkid,
                    reasons,
                    properties: reason.clone().map(|r| v5::UnsubAckProperties {
                        reason_string: Some(r),
                        user_properties: Vec::new(),
                    }),
                }
                .write(out)?;
            }
            _ => {
                v5::PingResp.write(out)?;
            }
        }
        Ok(())
    }

    fn connack_code(code: u8) -> v5::ConnectReturnCode {
        use v5::ConnectReturnCode as C;
        match code {
            0x00 => C::Success,
            0x81 => C::MalformedPacket,
            0x82 => C::ProtocolError,
            0x84 => C::UnsupportedProtocolVersion,
            0x85 => C::ClientIdentifierNotValid,
            0x86 => C::BadUserNamePassword,
            0x87 => C::NotAuthorized,
            0x88 => C::ServerUnavailable,
            0x89 => C::ServerBusy,
            0x8A => C::Banned,
            0x83 => C::ImplementationSpecificError,
            0x8C => C::BadAuthenticationMethod,
            0x90 => C::TopicNameInvalid,
            0x95 => C::PacketTooLarge,
            0x97 => C::QuotaExceeded,
            0x99 => C::PayloadFormatInvalid,
            0x9A => C::RetainNotSupported,
            0x9B => C::QoSNotSupported,
            0x9C => C::UseAnotherServer,
            0x9D => C::ServerMoved,
            0x9F => C::ConnectionRateExceeded,
            _ => C::UnspecifiedError,
        }
    }
}

/// What the browser build has instead: a broker that sends a client's packet is at fault,
/// as the session would say of the packet itself.
#[cfg(target_arch = "wasm32")]
mod client_only {
    use bytes::{Bytes, BytesMut};
    use mqttbytes::{FixedHeader, PacketType};

    use crate::mqtt::error::ProtocolError;
    use crate::mqtt::packet::Packet;

    pub fn decode_v4(kind: PacketType, _: FixedHeader, _: Bytes) -> Result<Packet, ProtocolError> {
        let name = match kind {
            PacketType::Connect => "CONNECT",
            PacketType::Subscribe => "SUBSCRIBE",
            PacketType::Unsubscribe => "UNSUBSCRIBE",
            _ => "PINGREQ",
        };
        Err(ProtocolError::Unexpected(format!("{name} from the broker")))
    }

    pub fn decode_v5(kind: PacketType, fixed: FixedHeader, frame: Bytes) -> Result<Packet, ProtocolError> {
        decode_v4(kind, fixed, frame)
    }

    pub fn encode_v4(_: &Packet, _: &mut BytesMut) -> Result<(), mqttbytes::Error> {
        Err(mqttbytes::Error::InvalidPacketType(0))
    }

    pub fn encode_v5(packet: &Packet, out: &mut BytesMut) -> Result<(), mqttbytes::Error> {
        encode_v4(packet, out)
    }
}
