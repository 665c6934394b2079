//! Reaching a broker from a page: what the browser refuses before any socket opens, and what
//! a socket that closed before opening most likely means. Browsers give a WebSocket no TLS or
//! network detail (every failed handshake closes with 1006), so the advice is all there is.

/// A page served over `https://` may open only `wss://` sockets: browsers block a `ws://` one
/// as mixed content, with nothing the page could show. Loopback hosts are exempt (browsers
/// count them as secure), so a broker on the same machine still works.
pub fn check_page_allows(url: &str, page_is_https: bool) -> Result<(), String> {
    let Some(rest) = url.strip_prefix("ws://") else {
        return Ok(());
    };
    if !page_is_https || is_loopback(host_of(rest)) {
        return Ok(());
    }
    Err(format!(
        "This page was loaded over https://, and browsers then allow only wss:// brokers: \
         use the broker's wss:// address instead of {url}, or open this app over http://"
    ))
}

/// Why a socket to `url` closed before it opened, and what to do. Over `wss://` the likely
/// cause a user can fix is a certificate the browser does not trust or whose name differs.
pub fn unreachable_text(url: &str) -> String {
    let url = without_query(url);
    let Some(rest) = url.strip_prefix("wss://") else {
        return format!(
            "Could not reach the broker at {url} (refused, wrong path or port, or no websockets listener)"
        );
    };
    let host = host_of(rest);
    format!(
        "Could not reach the broker at {url}. If the browser does not trust its certificate, open \
         https://{host}/ once in a new tab and accept it, then connect again; if the certificate \
         is for another name, use that name. Otherwise check the port, the path and that the broker \
         has a websockets listener with TLS there"
    )
}

/// The URL to show a user: without its query and fragment, which can carry credentials (a
/// signed AWS URL's session token, a custom authorizer's token).
pub fn without_query(url: &str) -> &str {
    let end = url
        .bytes()
        .position(|b| b == b'?' || b == b'#')
        .unwrap_or(url.len());
    &url[..end]
}

/// `host:port` of what follows the scheme.
pub fn host_of(rest: &str) -> &str {
    rest.split(['/', '?', '#']).next().unwrap_or("")
}

fn is_loopback(host_port: &str) -> bool {
    let host = match host_port.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => host_port.rsplit_once(':').map_or(host_port, |(h, _)| h),
    };
    let host = host.to_ascii_lowercase();
    // 127.0.0.0/8 written as four numbers; a name that merely starts with "127." is not one.
    let dotted = host.split('.').count() == 4 && host.bytes().all(|b| b == b'.' || b.is_ascii_digit());
    host == "localhost"
        || host.ends_with(".localhost")
        || host == "::1"
        || (dotted && host.starts_with("127."))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_https_page_refuses_ws_to_another_host_and_says_to_use_wss() {
        let e = check_page_allows("ws://broker.example:9001/mqtt", true).unwrap_err();
        assert!(e.contains("allow only wss://"), "{e}");
        assert!(e.contains("ws://broker.example:9001/mqtt"), "{e}");
        assert_eq!(check_page_allows("wss://broker.example:8884/mqtt", true), Ok(()));
        assert_eq!(check_page_allows("ws://broker.example:9001", false), Ok(()));
    }

    #[test]
    fn an_https_page_may_still_reach_a_broker_on_this_machine_over_ws() {
        for url in [
            "ws://localhost:9001",
            "ws://127.0.0.1:9001/mqtt",
            "ws://[::1]:9001",
            "ws://app.localhost",
        ] {
            assert_eq!(check_page_allows(url, true), Ok(()), "{url}");
        }
        for url in [
            "ws://127.0.0.1.example.com:9001",
            "ws://10.0.0.2:9001",
            "ws://[fe80::1]:9001",
        ] {
            assert!(check_page_allows(url, true).is_err(), "{url}");
        }
    }

    #[test]
    fn a_wss_socket_that_never_opened_says_how_to_accept_the_certificate_or_fix_the_name() {
        let t = unreachable_text("wss://broker.local:8884/mqtt");
        assert!(
            t.contains("open https://broker.local:8884/ once in a new tab and accept it"),
            "{t}"
        );
        assert!(t.contains("use that name"), "{t}");
        let t = unreachable_text("ws://broker.local:9001");
        assert!(!t.contains("certificate"), "{t}");
        assert!(
            t.starts_with("Could not reach the broker at ws://broker.local:9001"),
            "{t}"
        );
    }

    #[test]
    fn a_signed_urls_query_never_reaches_the_message() {
        let url =
            "wss://abc-ats.iot.eu-west-1.amazonaws.com/mqtt?X-Amz-Signature=00&X-Amz-Security-Token=secret";
        let text = unreachable_text(url);
        assert!(
            text.contains("wss://abc-ats.iot.eu-west-1.amazonaws.com/mqtt"),
            "{text}"
        );
        assert!(!text.contains("X-Amz") && !text.contains("secret"), "{text}");
        assert_eq!(without_query("ws://h:1/p#frag"), "ws://h:1/p");
        assert_eq!(without_query("ws://h:1/p"), "ws://h:1/p");
    }
}
