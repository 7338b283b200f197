//! Reading a site config: JSON text → [`RawConfig`] → validated [`Site`].
//!
//! [`compile`] is the one way in. It parses with serde (any shape error is reported with its
//! JSON path and line/column), then checks everything the JSON shape cannot say — ids that
//! resolve, unreachable nodes, thresholds in range, patterns that compile, experiment splits
//! — and reports *every* problem it finds, each with its path and position, so a product
//! team fixes a config in one round.

mod compile;
mod drift_checks;
mod flow_checks;
mod hours_checks;
pub mod path;
pub mod raw;
mod triggers;

use std::fmt;

pub use path::{JsonPath, Position, Segment};
pub use raw::RawConfig;

use crate::site::Site;

/// The config format version this build reads.
pub const VERSION: u32 = 1;

/// One thing wrong with a config.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// Where, as a JSON path.
    pub path: JsonPath,
    /// What is wrong (lowercase, no trailing period, user input in backticks).
    pub message: String,
    /// Line and column in the source, when known.
    pub position: Option<Position>,
}

/// Every problem found in a config.
#[derive(Debug, Clone, PartialEq)]
pub struct ConfigError {
    /// In document order where positions are known.
    pub problems: Vec<Problem>,
}

impl std::error::Error for ConfigError {}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)?;
        if let Some(p) = self.position {
            write!(f, " (line {}, column {})", p.line, p.column)?;
        }
        Ok(())
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, problem) in self.problems.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{problem}")?;
        }
        Ok(())
    }
}

/// The JSON Schema of the config format (what `baton schema` prints and the server serves
/// at `/schema.json`), pretty-printed with a final newline.
#[cfg(feature = "schema")]
pub fn schema_json() -> String {
    let schema = schemars::schema_for!(RawConfig);
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}

/// Parses and validates a config.
pub fn compile(source: &str) -> Result<Site, ConfigError> {
    let raw = parse(source)?;
    compile_raw(&raw).map_err(|problems| {
        let mut problems: Vec<Problem> = problems
            .into_iter()
            .map(|p| Problem {
                position: path::locate(source, &p.path),
                ..p
            })
            .collect();
        problems.sort_by_key(|p| p.position.map(|pos| (pos.line, pos.column)));
        ConfigError { problems }
    })
}

/// Parses the JSON shape only. With the `paths` feature (on by default) a shape error names
/// the JSON path where it happened; without it (the widget, which only reads configs the
/// server has already checked, and is smaller without) the path is the root and the
/// position still points at the spot.
pub fn parse(source: &str) -> Result<RawConfig, ConfigError> {
    let mut de = serde_json::Deserializer::from_str(source);
    #[cfg(feature = "paths")]
    let parsed = serde_path_to_error::deserialize(&mut de)
        .map_err(|e| shape_error(json_path_of(e.path()), e.inner()));
    #[cfg(not(feature = "paths"))]
    let parsed = <RawConfig as serde::Deserialize>::deserialize(&mut de)
        .map_err(|e| shape_error(JsonPath::root(), &e));
    let raw: RawConfig = parsed?;
    if let Err(e) = de.end() {
        return Err(shape_error(JsonPath::root(), &e));
    }
    Ok(raw)
}

/// Validates a parsed config; problems carry no positions.
pub fn compile_raw(raw: &RawConfig) -> Result<Site, Vec<Problem>> {
    compile::Compiler::default().site(raw)
}

#[cfg(feature = "paths")]
fn json_path_of(path: &serde_path_to_error::Path) -> JsonPath {
    use serde_path_to_error::Segment as S;
    let mut out = JsonPath::root();
    for segment in path.iter() {
        out = match segment {
            S::Seq { index } => out.index(*index),
            S::Map { key } => out.key(key.as_str()),
            S::Enum { variant } => out.key(variant.as_str()),
            S::Unknown => break,
        };
    }
    out
}

fn shape_error(path: JsonPath, error: &serde_json::Error) -> ConfigError {
    let text = error.to_string();
    // serde_json appends " at line L column C"; the position is reported separately.
    let message = match text.rfind(" at line ") {
        Some(cut) => text[..cut].to_owned(),
        None => text,
    };
    let position = (error.line() > 0).then_some(Position {
        line: error.line(),
        column: error.column(),
    });
    ConfigError {
        problems: vec![Problem {
            path,
            message,
            position,
        }],
    }
}
