//! Percent-encoding of query values and resource names.

/// Every byte but the unreserved `A-Z a-z 0-9 - _ . ~` as `%XX` (upper-case hex): the
/// encoding AWS Signature Version 4 canonicalises with (so `/` becomes `%2F`).
pub fn encode_strict(s: &str) -> String {
    encode(s, b"-_.~")
}

/// What JavaScript's `encodeURIComponent` leaves: also `! * ' ( )`. Azure's SAS samples
/// encode the resource URI and the signature this way, and the hub signs what it receives.
pub fn encode_component(s: &str) -> String {
    encode(s, b"-_.~!*'()")
}

fn encode(s: &str, keep: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || keep.contains(&b) {
            out.push(b as char);
        } else {
            out.push('%');
            out.push(DIGITS[usize::from(b >> 4)] as char);
            out.push(DIGITS[usize::from(b & 15)] as char);
        }
    }
    out
}
