//! Topic name and topic filter rules (MQTT 3.1.1 §4.7, 5.0 §4.7) and filter matching.

use super::error::UsageError;

/// The spec caps UTF-8 strings at 65,535 bytes.
const MAX_TOPIC_LEN: usize = 65_535;

/// Checks a topic name a client may publish to: not empty, no wildcards, no NUL.
pub fn validate_topic(topic: &str) -> Result<(), UsageError> {
    let bad = |why: &str| Err(UsageError::InvalidTopic(format!("Topic \"{topic}\" {why}")));
    if topic.is_empty() {
        return Err(UsageError::InvalidTopic("Topic must not be empty".into()));
    }
    if topic.len() > MAX_TOPIC_LEN {
        return bad("is longer than 65,535 bytes");
    }
    if topic.contains(['+', '#']) {
        return bad("must not contain the wildcards + or # (they are for subscriptions)");
    }
    if topic.contains('\0') {
        return bad("must not contain a NUL character");
    }
    Ok(())
}

/// Checks a topic filter: `#` only as the whole last level, `+` only as a whole level.
pub fn validate_filter(filter: &str) -> Result<(), UsageError> {
    let bad = |why: &str| Err(UsageError::InvalidFilter(format!("Filter \"{filter}\" {why}")));
    if filter.is_empty() {
        return Err(UsageError::InvalidFilter("Topic filter must not be empty".into()));
    }
    if filter.len() > MAX_TOPIC_LEN {
        return bad("is longer than 65,535 bytes");
    }
    if filter.contains('\0') {
        return bad("must not contain a NUL character");
    }
    // A shared subscription (MQTT 5 §4.8.2): $share/{group}/{filter}, the group one level
    // without wildcards, the filter a filter of its own.
    if let Some(rest) = filter.strip_prefix("$share/") {
        return match rest.split_once('/') {
            Some((group, inner)) if !group.is_empty() && !group.contains(['+', '#']) && !inner.is_empty() => {
                validate_filter(inner)
            }
            _ => bad("must be $share/{group}/{filter}: a group name without + or #, then a filter"),
        };
    }
    if filter == "$share" {
        return bad("must be $share/{group}/{filter}: a group name without + or #, then a filter");
    }
    let levels: Vec<&str> = filter.split('/').collect();
    let last = levels.len() - 1;
    for (i, level) in levels.iter().enumerate() {
        if level.contains('#') && (*level != "#" || i != last) {
            return bad("may use # only as the whole last level, as in a/b/#");
        }
        if level.contains('+') && *level != "+" {
            return bad("may use + only as a whole level, as in a/+/c");
        }
    }
    Ok(())
}

/// True when `topic` matches `filter`. Topics starting with `$` are not matched by a
/// leading wildcard (§4.7.2), so `#` does not show `$SYS` traffic by surprise.
pub fn matches(filter: &str, topic: &str) -> bool {
    // Messages of a shared subscription carry the topic, not the $share prefix.
    let filter = match filter
        .strip_prefix("$share/")
        .and_then(|rest| rest.split_once('/'))
    {
        Some((_, inner)) => inner,
        None => filter,
    };
    if topic.starts_with('$') && (filter.starts_with('+') || filter.starts_with('#')) {
        return false;
    }
    let mut f = filter.split('/');
    let mut t = topic.split('/');
    loop {
        match (f.next(), t.next()) {
            (Some("#"), _) => return true,
            (Some("+"), Some(_)) => {}
            (Some(fl), Some(tl)) if fl == tl => {}
            (None, None) => return true,
            _ => return false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_follow_the_wildcard_rules() {
        for ok in ["#", "+", "a/#", "a/+/c", "+/+", "/", "a//b", "sport/tennis/+/#"] {
            assert!(validate_filter(ok).is_ok(), "{ok} should be valid");
        }
        for bad in ["", "a/#/b", "a#", "a/b#", "a+/b", "+a", "a/b+/#"] {
            assert!(validate_filter(bad).is_err(), "{bad} should be rejected");
        }
    }

    #[test]
    fn topics_reject_wildcards_and_empty() {
        assert!(validate_topic("a/b/c").is_ok());
        assert!(validate_topic("/leading/slash").is_ok());
        for bad in ["", "a/+", "a/#", "x\0y"] {
            assert!(validate_topic(bad).is_err(), "{bad:?} should be rejected");
        }
    }

    #[test]
    fn shared_subscriptions_follow_their_own_grammar_and_match_their_inner_filter() {
        for ok in ["$share/g/a/#", "$share/group-1/+/temp", "$share/g/x"] {
            assert_eq!(validate_filter(ok), Ok(()), "{ok}");
        }
        for bad in [
            "$share/g",
            "$share//a",
            "$share/g+/a",
            "$share/#/a",
            "$share/g/a/#/b",
            "$share",
        ] {
            assert!(validate_filter(bad).is_err(), "{bad}");
        }
        assert!(matches("$share/g/home/#", "home/lamp"));
        assert!(!matches("$share/g/home/#", "office/lamp"));
    }

    #[test]
    fn matching_handles_wildcards_and_dollar_topics() {
        assert!(matches("a/#", "a"));
        assert!(matches("a/#", "a/b/c"));
        assert!(matches("a/+/c", "a/b/c"));
        assert!(!matches("a/+/c", "a/b/d"));
        assert!(matches("+/+", "/x"));
        assert!(!matches("a/b", "a/b/c"));
        assert!(!matches("#", "$SYS/broker/uptime"));
        assert!(matches("$SYS/#", "$SYS/broker/uptime"));
        assert!(matches("a//b", "a//b"));
    }
}
