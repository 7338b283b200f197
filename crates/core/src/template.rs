//! `{{placeholder}}` templates in bot texts, fetch URLs and agent scripts.
//!
//! A placeholder names a captured field (`{{order_id}}`) or a profile attribute
//! (`{{profile.name}}`). Templates are parsed once at compile time; rendering never fails: a
//! value that is missing renders as an empty string for texts, and the caller decides how to
//! escape values (URLs percent-encode them).

use std::collections::BTreeMap;

use serde_json::Value;

/// A parsed template.
#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    source: String,
    parts: Vec<Part>,
}

#[derive(Debug, Clone, PartialEq)]
enum Part {
    Literal(String),
    Field(String),
    Profile(String),
}

/// A malformed template.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TemplateError {
    /// `{{` without a closing `}}`.
    #[error("`{{{{` at byte {0} is never closed with `}}}}`")]
    Unclosed(usize),
    /// `{{}}` or a name with characters other than `a-z`, `A-Z`, `0-9`, `_`, `-`, `.`.
    #[error("`{{{{{0}}}}}` is not a valid placeholder name")]
    BadName(String),
}

/// Where placeholder values come from while rendering.
pub struct Values<'a> {
    /// Captured fields.
    pub fields: &'a BTreeMap<String, String>,
    /// Profile attributes.
    pub profile: &'a BTreeMap<String, Value>,
}

impl Template {
    /// The empty template.
    pub fn empty() -> Template {
        Template {
            source: String::new(),
            parts: Vec::new(),
        }
    }

    /// A template of fixed text (no placeholders are read from it).
    pub fn literal(text: &str) -> Template {
        Template {
            source: text.to_owned(),
            parts: vec![Part::Literal(text.to_owned())],
        }
    }

    /// Parses `source`.
    pub fn parse(source: &str) -> Result<Template, TemplateError> {
        let mut parts = Vec::new();
        let mut rest = source;
        let mut offset = 0;
        while let Some(open) = rest.find("{{") {
            if open > 0 {
                parts.push(Part::Literal(rest[..open].to_owned()));
            }
            let after = &rest[open + 2..];
            let close = after
                .find("}}")
                .ok_or(TemplateError::Unclosed(offset + open))?;
            let name = after[..close].trim();
            let valid = !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
            if !valid {
                return Err(TemplateError::BadName(name.to_owned()));
            }
            parts.push(match name.strip_prefix("profile.") {
                Some(attribute) => Part::Profile(attribute.to_owned()),
                None => Part::Field(name.to_owned()),
            });
            let consumed = open + 2 + close + 2;
            offset += consumed;
            rest = &rest[consumed..];
        }
        if !rest.is_empty() {
            parts.push(Part::Literal(rest.to_owned()));
        }
        Ok(Template {
            source: source.to_owned(),
            parts,
        })
    }

    /// The template as written.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Field names used by the template (not profile attributes).
    pub fn fields(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().filter_map(|p| match p {
            Part::Field(name) => Some(name.as_str()),
            _ => None,
        })
    }

    /// Renders with values inserted as they are.
    pub fn render(&self, values: &Values<'_>) -> String {
        self.render_with(values, |v, out| out.push_str(v))
    }

    /// Renders with each value passed through `escape` (e.g. percent-encoding for URLs).
    pub fn render_with(
        &self,
        values: &Values<'_>,
        mut escape: impl FnMut(&str, &mut String),
    ) -> String {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Literal(text) => out.push_str(text),
                Part::Field(name) => {
                    if let Some(v) = values.fields.get(name) {
                        escape(v, &mut out);
                    }
                }
                Part::Profile(name) => match values.profile.get(name) {
                    Some(Value::String(s)) => escape(s, &mut out),
                    Some(Value::Null) | None => {}
                    Some(other) => escape(&other.to_string(), &mut out),
                },
            }
        }
        out
    }
}

/// Percent-encodes `value` for use inside a URL path segment or query value.
pub fn percent_encode(value: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for &b in value.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 15)]));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_fields_and_profile() {
        let t =
            Template::parse("Hi {{ profile.name }}, order {{order_id}} is {{status}}.").unwrap();
        let fields = BTreeMap::from([("order_id".to_owned(), "AB 1/2".to_owned())]);
        let profile = BTreeMap::from([("name".to_owned(), Value::from("Ana"))]);
        let values = Values {
            fields: &fields,
            profile: &profile,
        };
        assert_eq!(t.render(&values), "Hi Ana, order AB 1/2 is .");
        assert_eq!(
            t.render_with(&values, percent_encode),
            "Hi Ana, order AB%201%2F2 is ."
        );
        assert_eq!(t.fields().collect::<Vec<_>>(), ["order_id", "status"]);
    }

    #[test]
    fn rejects_malformed_placeholders() {
        assert_eq!(Template::parse("a {{b"), Err(TemplateError::Unclosed(2)));
        assert_eq!(
            Template::parse("{{ }}"),
            Err(TemplateError::BadName(String::new()))
        );
        assert_eq!(
            Template::parse("{{a b}}"),
            Err(TemplateError::BadName("a b".into()))
        );
        assert_eq!(
            Template::parse("no placeholders").unwrap().render(&Values {
                fields: &BTreeMap::new(),
                profile: &BTreeMap::new()
            }),
            "no placeholders"
        );
    }
}
