//! `fetch`: call a site API (the widget does the call) and keep parts of the answer.

use serde_json::Value;

use crate::config::raw::Method;
use crate::template::Template;

use super::{Bot, Next, NodeId};

/// Calls a site API.
#[derive(Debug, Clone)]
pub struct Fetch {
    /// URL template; values are percent-encoded.
    pub url: Template,
    /// HTTP method.
    pub method: Method,
    /// Field → JSON pointer into the answer.
    pub map: Vec<(String, String)>,
    /// Said while waiting.
    pub text: Option<Template>,
    /// Where to go on success.
    pub next: NodeId,
    /// Where to go on failure.
    pub on_error: NodeId,
}

impl Fetch {
    pub(crate) fn enter(&self, turn: &mut impl Bot) -> Next {
        if let Some(text) = &self.text {
            turn.say(text, &[]);
        }
        turn.fetch(&self.url, self.method);
        Next::Stay
    }

    pub(crate) fn on_result(&self, turn: &mut impl Bot, outcome: Result<&Value, &str>) -> Next {
        let Ok(answer) = outcome else {
            return Next::Go(self.on_error);
        };
        let mut values = Vec::with_capacity(self.map.len());
        for (field, pointer) in &self.map {
            let value = match answer.pointer(pointer) {
                Some(Value::String(s)) => s.clone(),
                Some(Value::Number(n)) => n.to_string(),
                Some(Value::Bool(b)) => b.to_string(),
                // A missing, null or structured value cannot be said to the visitor.
                _ => return Next::Go(self.on_error),
            };
            values.push((field, value));
        }
        for (field, value) in values {
            turn.capture(field, &value);
        }
        Next::Go(self.next)
    }
}
