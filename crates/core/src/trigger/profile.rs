//! VIP and other profile attribute rules: `{"profile": {"attribute": "tier", "equals": "vip"}}`.

use serde_json::Value;

use super::{Evidence, Facts, Kind};

/// Holds when a profile attribute passes a test.
#[derive(Debug, Clone)]
pub struct ProfileRule {
    /// Attribute name.
    pub attribute: String,
    /// The test.
    pub test: ProfileTest,
}

/// How a profile attribute is tested.
#[derive(Debug, Clone, PartialEq)]
pub enum ProfileTest {
    /// Equal to this value (strings compare case-insensitively).
    Equals(Value),
    /// Equal to one of these values.
    OneOf(Vec<Value>),
    /// A number (or numeric string) at least this large.
    AtLeast(f64),
}

impl ProfileRule {
    /// [`Kind::Profile`].
    pub fn kind(&self) -> Kind {
        Kind::Profile
    }

    /// Evidence when the attribute passes.
    pub fn check(&self, facts: &Facts<'_>) -> Option<Evidence> {
        let value = facts.profile.attributes.get(&self.attribute)?;
        let passes = match &self.test {
            ProfileTest::Equals(want) => same(value, want),
            ProfileTest::OneOf(wants) => wants.iter().any(|w| same(value, w)),
            ProfileTest::AtLeast(min) => as_number(value).is_some_and(|n| n >= *min),
        };
        passes.then(|| Evidence::Profile {
            attribute: self.attribute.clone(),
            value: value.clone(),
            verified: facts.profile.verified,
        })
    }
}

fn same(value: &Value, want: &Value) -> bool {
    match (value, want) {
        (Value::String(a), Value::String(b)) => a.trim().eq_ignore_ascii_case(b.trim()),
        (Value::Number(_), Value::Number(_)) => as_number(value) == as_number(want),
        _ => value == want,
    }
}

fn as_number(value: &Value) -> Option<f64> {
    match value {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}
