//! MQTT 5 request / response: a publish with a Response Topic is a request; the first
//! message on that topic with the same Correlation Data (or on the topic, when the request
//! carried none) is its response. Pairs are found here, as plain data, for the message list
//! to show the response beside its request with the round trip time.

use bytes::Bytes;

/// Requests waiting for an answer at once; the oldest is forgotten beyond this.
pub const MAX_PENDING: usize = 256;

#[derive(Debug, Clone, PartialEq)]
struct Pending {
    /// The request's sequence number in the message store.
    seq: u64,
    response_topic: String,
    correlation: Option<Bytes>,
    sent_ms: f64,
}

/// A response matched to its request.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Answer {
    pub request_seq: u64,
    pub round_trip_ms: f64,
}

#[derive(Debug, Default)]
pub struct Requests {
    pending: Vec<Pending>,
}

impl Requests {
    /// A request went out as message `seq`.
    pub fn sent(&mut self, seq: u64, response_topic: &str, correlation: Option<Bytes>, sent_ms: f64) {
        if self.pending.len() == MAX_PENDING {
            self.pending.remove(0);
        }
        self.pending.push(Pending {
            seq,
            response_topic: response_topic.to_string(),
            correlation,
            sent_ms,
        });
    }

    /// A message arrived: the request it answers, if any (each request is answered once).
    pub fn received(&mut self, topic: &str, correlation: Option<&[u8]>, at_ms: f64) -> Option<Answer> {
        if self.pending.is_empty() {
            return None;
        }
        let i = self.pending.iter().position(|p| {
            p.response_topic == topic
                && match (&p.correlation, correlation) {
                    (Some(want), Some(got)) => want[..] == *got,
                    (None, _) => true,
                    (Some(_), None) => false,
                }
        })?;
        let p = self.pending.remove(i);
        Some(Answer {
            request_seq: p.seq,
            round_trip_ms: (at_ms - p.sent_ms).max(0.0),
        })
    }

    pub fn waiting(&self) -> usize {
        self.pending.len()
    }

    /// Response topics still awaited, for subscribing to them.
    pub fn awaits(&self, topic: &str) -> bool {
        self.pending.iter().any(|p| p.response_topic == topic)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_response_is_matched_by_topic_and_correlation_data_once() {
        let mut r = Requests::default();
        r.sent(1, "reply/deck", Some(Bytes::from_static(b"a")), 1000.0);
        r.sent(2, "reply/deck", Some(Bytes::from_static(b"b")), 1005.0);
        assert_eq!(r.received("reply/other", Some(b"b"), 1010.0), None);
        assert_eq!(r.received("reply/deck", Some(b"zz"), 1010.0), None);
        assert_eq!(r.received("reply/deck", None, 1010.0), None);
        assert_eq!(
            r.received("reply/deck", Some(b"b"), 1030.0),
            Some(Answer {
                request_seq: 2,
                round_trip_ms: 25.0
            })
        );
        // Answered: a second copy is just a message.
        assert_eq!(r.received("reply/deck", Some(b"b"), 1040.0), None);
        assert_eq!(r.waiting(), 1);
        assert!(r.awaits("reply/deck"));
    }

    #[test]
    fn without_correlation_data_the_first_message_on_the_topic_answers() {
        let mut r = Requests::default();
        r.sent(7, "svc/reply", None, 0.0);
        assert_eq!(
            r.received("svc/reply", Some(b"x"), 12.0).map(|a| a.request_seq),
            Some(7)
        );
        assert!(!r.awaits("svc/reply"));
    }

    #[test]
    fn pending_requests_are_capped() {
        let mut r = Requests::default();
        for i in 0..(MAX_PENDING as u64 + 10) {
            r.sent(i, "t", Some(Bytes::from(i.to_be_bytes().to_vec())), 0.0);
        }
        assert_eq!(r.waiting(), MAX_PENDING);
        assert_eq!(r.received("t", Some(&0u64.to_be_bytes()), 1.0), None);
    }
}
