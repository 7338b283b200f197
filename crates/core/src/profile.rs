//! What the site tells Baton about the visitor.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Visitor attributes (name, tier, lifetime value…) and whether they were verified.
///
/// In the browser `verified` says only that the site passed a signed token along; the server
/// checks that token and sets `verified` from its own check. Routing trusts only verified
/// attributes.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Profile {
    /// Attribute name → JSON value.
    #[serde(default)]
    pub attributes: BTreeMap<String, Value>,
    /// Whether the attributes came in a token whose signature was checked.
    #[serde(default)]
    pub verified: bool,
}

impl Profile {
    /// The visitor's name for people to read: the `name` attribute when it is a string.
    pub fn display_name(&self) -> Option<&str> {
        self.attributes.get("name").and_then(Value::as_str)
    }

    /// Merges `attributes` in (later values win) and sets the verified flag. Mixing verified
    /// and unverified attributes makes the whole profile unverified: a profile is trusted as a
    /// whole or not at all.
    pub fn update(&mut self, attributes: BTreeMap<String, Value>, verified: bool) {
        let was_empty = self.attributes.is_empty();
        self.attributes.extend(attributes);
        self.verified = if was_empty {
            verified
        } else {
            self.verified && verified
        };
    }
}
