//! Other tabs of MQTT Deck in the same browser: a broker lets one connection use a client
//! ID, so two tabs with the same one would take it from each other forever (each reconnect
//! kicks the other off). Tabs tell each other which ID they connected with, and the older
//! one yields and says why, offering a new client ID.

/// What one tab tells the others (over a BroadcastChannel, as text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TabMessage {
    /// This tab just connected to `url` as `client_id`.
    Connected { url: String, client_id: String },
    /// This tab yielded `client_id` at `url` to the tab that announced it.
    Yielded { url: String, client_id: String },
}

const CONNECTED: &str = "mqtt-deck/connected";
const YIELDED: &str = "mqtt-deck/yielded";

impl TabMessage {
    pub fn to_text(&self) -> String {
        let (kind, url, id) = match self {
            TabMessage::Connected { url, client_id } => (CONNECTED, url, client_id),
            TabMessage::Yielded { url, client_id } => (YIELDED, url, client_id),
        };
        // A URL holds no line break; the client ID goes last so that any text fits in it.
        format!("{kind}\n{url}\n{id}")
    }

    /// `None` for anything else on the channel (another version of the app, say).
    pub fn parse(text: &str) -> Option<TabMessage> {
        let mut parts = text.splitn(3, '\n');
        let (kind, url, client_id) = (
            parts.next()?,
            parts.next()?.to_string(),
            parts.next()?.to_string(),
        );
        match kind {
            CONNECTED => Some(TabMessage::Connected { url, client_id }),
            YIELDED => Some(TabMessage::Yielded { url, client_id }),
            _ => None,
        }
    }
}

/// This tab's link, as far as other tabs matter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OurLink<'a> {
    pub url: &'a str,
    pub client_id: &'a str,
    /// Connecting, connected or reconnecting, or just dropped by the broker because another
    /// client took the session over (the other tab's news can arrive after the broker's).
    pub in_use: bool,
}

/// What to do about a message from another tab.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reaction {
    Ignore,
    /// Another tab took our client ID: stop reconnecting (which would kick it off), tell it
    /// we yielded, and say so here.
    Yield,
    /// The tab we took the client ID from yielded it: say so here too.
    SaySo,
}

pub fn react(ours: OurLink<'_>, heard: &TabMessage) -> Reaction {
    let same = |url: &str, id: &str| ours.url == url && ours.client_id == id && !id.is_empty();
    match heard {
        TabMessage::Connected { url, client_id } if ours.in_use && same(url, client_id) => Reaction::Yield,
        TabMessage::Yielded { url, client_id } if same(url, client_id) => Reaction::SaySo,
        _ => Reaction::Ignore,
    }
}

/// The words both tabs show.
pub fn conflict_notice(client_id: &str) -> String {
    format!(
        "Another tab of MQTT Deck uses the client ID {client_id}: a broker allows one connection \
         per client ID, so the two tabs would keep disconnecting each other. Use a new client ID \
         in one of them."
    )
}

/// A client ID unlikely to be in use: the app's prefix and 24 random bits.
pub fn fresh_client_id(random: u64) -> String {
    format!("mqtt-deck-{:06x}", random & 0xff_ffff)
}

#[cfg(test)]
mod tests {
    use super::*;

    const URL: &str = "ws://home.example:8080";

    fn ours(client_id: &str, in_use: bool) -> OurLink<'_> {
        OurLink {
            url: URL,
            client_id,
            in_use,
        }
    }

    fn connected(url: &str, id: &str) -> TabMessage {
        TabMessage::Connected {
            url: url.into(),
            client_id: id.into(),
        }
    }

    #[test]
    fn messages_survive_the_channel_and_strangers_are_ignored() {
        for m in [
            connected(URL, "kitchen"),
            TabMessage::Yielded {
                url: URL.into(),
                client_id: "id with\nline break".into(),
            },
        ] {
            assert_eq!(TabMessage::parse(&m.to_text()), Some(m));
        }
        assert_eq!(TabMessage::parse("hello"), None);
        assert_eq!(TabMessage::parse("other/kind\na\nb"), None);
    }

    #[test]
    fn the_tab_using_the_announced_id_on_that_broker_yields_and_the_other_says_so() {
        assert_eq!(
            react(ours("kitchen", true), &connected(URL, "kitchen")),
            Reaction::Yield
        );
        let yielded = TabMessage::Yielded {
            url: URL.into(),
            client_id: "kitchen".into(),
        };
        assert_eq!(react(ours("kitchen", true), &yielded), Reaction::SaySo);
    }

    #[test]
    fn other_ids_other_brokers_and_an_idle_tab_are_no_conflict() {
        assert_eq!(
            react(ours("kitchen", true), &connected(URL, "hall")),
            Reaction::Ignore
        );
        assert_eq!(
            react(ours("kitchen", true), &connected("ws://other:8080", "kitchen")),
            Reaction::Ignore
        );
        assert_eq!(
            react(ours("kitchen", false), &connected(URL, "kitchen")),
            Reaction::Ignore
        );
        // An empty ID asks the broker to assign one, and assigned IDs never collide.
        assert_eq!(react(ours("", true), &connected(URL, "")), Reaction::Ignore);
    }

    #[test]
    fn the_notice_names_the_id_and_says_what_to_do_and_new_ids_differ() {
        let text = conflict_notice("kitchen");
        assert!(text.starts_with("Another tab of MQTT Deck uses the client ID kitchen:"));
        assert!(text.contains("Use a new client ID"));
        let (a, b) = (fresh_client_id(0x1234_5678), fresh_client_id(0x9abc_def0));
        assert_eq!(a, "mqtt-deck-345678");
        assert_ne!(a, b);
    }
}
