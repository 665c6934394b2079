//! MQTT 5 reason codes of PUBACK and PUBREC as mqttbytes types, for the broker's half.

use mqttbytes::v5 as w;

pub(super) fn puback_reason(code: u8) -> w::PubAckReason {
    use w::PubAckReason as R;
    match code {
        0x00 => R::Success,
        0x10 => R::NoMatchingSubscribers,
        0x83 => R::ImplementationSpecificError,
        0x87 => R::NotAuthorized,
        0x90 => R::TopicNameInvalid,
        0x91 => R::PacketIdentifierInUse,
        0x97 => R::QuotaExceeded,
        0x99 => R::PayloadFormatInvalid,
        _ => R::UnspecifiedError,
    }
}

pub(super) fn pubrec_reason(code: u8) -> w::PubRecReason {
    use w::PubRecReason as R;
    match code {
        0x00 => R::Success,
        0x10 => R::NoMatchingSubscribers,
        0x83 => R::ImplementationSpecificError,
        0x87 => R::NotAuthorized,
        0x90 => R::TopicNameInvalid,
        0x91 => R::PacketIdentifierInUse,
        0x97 => R::QuotaExceeded,
        0x99 => R::PayloadFormatInvalid,
        _ => R::UnspecifiedError,
    }
}
