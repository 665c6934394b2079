//! The topic tree: one node per topic level (empty levels and a leading `/` kept as they
//! are), with own and subtree message counts, the last message and a retained marker.

use std::collections::{BTreeMap, HashMap};

use bytes::Bytes;

use super::fold::contains_folded;
use crate::mqtt::topic::matches;

pub type NodeId = usize;

/// Bytes of the last payload kept per node for the preview: enough to show, small
/// enough that 10,000 topics of large payloads stay cheap.
const LAST_PAYLOAD_PREVIEW: usize = 256;

#[derive(Debug, Clone, Default)]
pub struct Node {
    /// This level's name ("" for an empty level).
    pub name: String,
    pub parent: Option<NodeId>,
    /// Children by level name, sorted for display.
    pub children: BTreeMap<String, NodeId>,
    /// The full topic, for nodes that are a topic (a message was seen on them).
    pub topic: Option<String>,
    pub own_count: u64,
    pub subtree_count: u64,
    pub last_payload: Bytes,
    pub last_size: usize,
    pub last_time_ms: f64,
    /// The last message on this topic had the retain flag (it was the broker's stored copy).
    pub retained: bool,
    pub depth: u16,
}

#[derive(Debug)]
pub struct TopicTree {
    nodes: Vec<Node>,
    by_topic: HashMap<String, NodeId>,
    /// Moves when a node is added, so views know to re-flatten.
    structure_version: u64,
}

impl Default for TopicTree {
    fn default() -> Self {
        TopicTree {
            nodes: vec![Node::default()],
            by_topic: HashMap::new(),
            structure_version: 0,
        }
    }
}

pub const ROOT: NodeId = 0;

impl TopicTree {
    pub fn node(&self, id: NodeId) -> Option<&Node> {
        self.nodes.get(id)
    }

    pub fn len(&self) -> usize {
        self.nodes.len() - 1
    }

    pub fn is_empty(&self) -> bool {
        self.nodes.len() == 1
    }

    pub fn topic_count(&self) -> usize {
        self.by_topic.len()
    }

    pub fn structure_version(&self) -> u64 {
        self.structure_version
    }

    pub fn find(&self, topic: &str) -> Option<NodeId> {
        self.by_topic.get(topic).copied()
    }

    /// Records a message on `topic` and returns its node. Known topics cost one hash
    /// lookup plus a walk up the parents; new ones create their missing levels.
    pub fn record(&mut self, topic: &str, payload: &Bytes, retained: bool, time_ms: f64) -> NodeId {
        let id = match self.by_topic.get(topic) {
            Some(&id) => id,
            None => self.insert(topic),
        };
        let node = &mut self.nodes[id];
        node.own_count += 1;
        node.last_size = payload.len();
        // A small payload shares the received buffer; a slice of a large one would pin
        // all of it, so only its preview is copied.
        node.last_payload = if payload.len() <= LAST_PAYLOAD_PREVIEW {
            payload.clone()
        } else {
            Bytes::copy_from_slice(&payload[..LAST_PAYLOAD_PREVIEW])
        };
        node.last_time_ms = time_ms;
        node.retained = retained;
        let mut cursor = Some(id);
        while let Some(c) = cursor {
            let n = &mut self.nodes[c];
            n.subtree_count += 1;
            cursor = n.parent;
        }
        id
    }

    /// After "clear retained": the broker no longer holds a copy.
    pub fn clear_retained(&mut self, id: NodeId) {
        if let Some(n) = self.nodes.get_mut(id) {
            n.retained = false;
        }
    }

    fn insert(&mut self, topic: &str) -> NodeId {
        let mut cur = ROOT;
        for (depth, level) in topic.split('/').enumerate() {
            cur = match self.nodes[cur].children.get(level) {
                Some(&child) => child,
                None => {
                    let id = self.nodes.len();
                    self.nodes.push(Node {
                        name: level.to_string(),
                        parent: Some(cur),
                        depth: depth as u16,
                        ..Node::default()
                    });
                    self.nodes[cur].children.insert(level.to_string(), id);
                    id
                }
            };
        }
        self.nodes[cur].topic = Some(topic.to_string());
        self.by_topic.insert(topic.to_string(), cur);
        self.structure_version += 1;
        cur
    }

    /// The path of a node as a topic prefix (`a/b`), also for nodes that are not topics.
    pub fn path(&self, id: NodeId) -> String {
        let mut parts = Vec::new();
        let mut cursor = Some(id);
        while let Some(c) = cursor {
            if c == ROOT {
                break;
            }
            parts.push(self.nodes[c].name.as_str());
            cursor = self.nodes[c].parent;
        }
        parts.reverse();
        parts.join("/")
    }

    /// Topics at or below `id` whose last message was retained, in tree order (as the tree
    /// shows them: a parent before its children, siblings by name).
    pub fn retained_below(&self, id: NodeId) -> Vec<String> {
        let mut out = Vec::new();
        let mut stack = vec![id];
        while let Some(c) = stack.pop() {
            let n = &self.nodes[c];
            if n.retained {
                if let Some(t) = &n.topic {
                    out.push(t.clone());
                }
            }
            // Reversed onto the stack so that the first name comes off first.
            stack.extend(n.children.values().rev().copied());
        }
        out
    }

    /// The rows to show: nodes whose ancestors are all expanded, depth first in name
    /// order. With a filter, only nodes that match or have a matching descendant.
    pub fn visible(&self, expanded: &dyn Fn(NodeId) -> bool, filter: &TreeFilter) -> Vec<NodeId> {
        let keep = if filter.is_empty() {
            None
        } else {
            Some(self.matching(filter))
        };
        let mut rows = Vec::new();
        let mut stack: Vec<NodeId> = self.nodes[ROOT].children.values().rev().copied().collect();
        while let Some(id) = stack.pop() {
            if let Some(keep) = &keep {
                if !keep[id] {
                    continue;
                }
            }
            rows.push(id);
            // While filtering, matches are shown without asking the user to expand.
            if expanded(id) || keep.is_some() {
                stack.extend(self.nodes[id].children.values().rev().copied());
            }
        }
        rows
    }

    /// Marks nodes that match the filter and all their ancestors.
    fn matching(&self, filter: &TreeFilter) -> Vec<bool> {
        let mut keep = vec![false; self.nodes.len()];
        for (topic, &id) in &self.by_topic {
            if filter.accepts(topic) {
                let mut cursor = Some(id);
                while let Some(c) = cursor {
                    if keep[c] {
                        break;
                    }
                    keep[c] = true;
                    cursor = self.nodes[c].parent;
                }
            }
        }
        keep
    }
}

/// Filters the tree by a substring of the topic and/or an MQTT filter (`+`, `#`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TreeFilter {
    pub text: String,
    pub mqtt: String,
}

impl TreeFilter {
    pub fn is_empty(&self) -> bool {
        self.text.is_empty() && self.mqtt.is_empty()
    }

    pub fn accepts(&self, topic: &str) -> bool {
        contains_folded(topic, &self.text) && (self.mqtt.is_empty() || matches(&self.mqtt, topic))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(topics: &[&str]) -> TopicTree {
        let mut t = TopicTree::default();
        for topic in topics {
            t.record(topic, &Bytes::from_static(b"1"), false, 0.0);
        }
        t
    }

    fn names(t: &TopicTree, rows: &[NodeId]) -> Vec<String> {
        rows.iter().map(|&id| t.path(id)).collect()
    }

    #[test]
    fn counts_are_kept_per_node_and_per_subtree() {
        let t = tree(&[
            "home/kitchen/temp",
            "home/kitchen/temp",
            "home/hall/temp",
            "office",
        ]);
        let home = t.node(ROOT).unwrap().children["home"];
        assert_eq!(t.node(home).unwrap().subtree_count, 3);
        assert_eq!(t.node(home).unwrap().own_count, 0);
        let kitchen = t.find("home/kitchen/temp").unwrap();
        assert_eq!(t.node(kitchen).unwrap().own_count, 2);
        assert_eq!(t.topic_count(), 3);
    }

    #[test]
    fn empty_levels_and_a_leading_slash_are_kept() {
        let t = tree(&["/a", "a//b", "a"]);
        let all = t.visible(&|_| true, &TreeFilter::default());
        assert_eq!(names(&t, &all), vec!["", "/a", "a", "a/", "a//b"]);
        // "a" is both a topic and a parent.
        let a = t.find("a").unwrap();
        assert_eq!(t.node(a).unwrap().own_count, 1);
        assert_eq!(t.node(a).unwrap().subtree_count, 2);
    }

    #[test]
    fn collapsed_nodes_hide_their_children() {
        let t = tree(&["a/b/c", "a/d", "e"]);
        let a = t.node(ROOT).unwrap().children["a"];
        let rows = t.visible(&|id| id == a, &TreeFilter::default());
        assert_eq!(names(&t, &rows), vec!["a", "a/b", "a/d", "e"]);
    }

    #[test]
    fn filters_by_substring_and_by_mqtt_filter_keep_ancestors() {
        let t = tree(&["home/kitchen/temp", "home/hall/light", "office/temp"]);
        let by_text = TreeFilter {
            text: "TEMP".into(),
            mqtt: String::new(),
        };
        let rows = t.visible(&|_| false, &by_text);
        assert_eq!(
            names(&t, &rows),
            vec![
                "home",
                "home/kitchen",
                "home/kitchen/temp",
                "office",
                "office/temp"
            ]
        );
        let by_filter = TreeFilter {
            text: String::new(),
            mqtt: "home/+/light".into(),
        };
        assert_eq!(
            names(&t, &t.visible(&|_| false, &by_filter)),
            vec!["home", "home/hall", "home/hall/light"]
        );
    }

    #[test]
    fn retained_topics_below_a_node_are_listed_for_clearing() {
        let mut t = TopicTree::default();
        t.record("a/z/w", &Bytes::from_static(b"1"), true, 0.0);
        t.record("a/y", &Bytes::from_static(b"1"), false, 0.0);
        t.record("a/x", &Bytes::from_static(b"1"), true, 0.0);
        t.record("a", &Bytes::from_static(b"1"), true, 0.0);
        t.record("b", &Bytes::from_static(b"1"), true, 0.0);
        let a = t.node(ROOT).unwrap().children["a"];
        assert_eq!(t.retained_below(a), vec!["a", "a/x", "a/z/w"]);
    }

    #[test]
    fn the_last_payload_preview_is_bounded() {
        let mut t = TopicTree::default();
        let big = Bytes::from(vec![b'x'; 1_000_000]);
        let id = t.record("big", &big, false, 0.0);
        let n = t.node(id).unwrap();
        assert_eq!(n.last_size, 1_000_000);
        assert!(n.last_payload.len() <= LAST_PAYLOAD_PREVIEW);
    }
}
