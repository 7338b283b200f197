//! JSON paths into the config, and where they point in the source text.
//!
//! `baton check` validates the config after serde has deserialized it, and by then every
//! value has lost the place it came from. This module gets the place back: given the
//! original JSON text and a [`JsonPath`] such as `triggers[2].when.sentiment_below`,
//! [`locate`] returns the line and column where that value starts, so a diagnostic can end
//! in `(line 41, column 30)`.
//!
//! The scanner is small and hand-written rather than a second full parse, because it only
//! needs to walk as far as the path leads: values it does not descend into are skipped,
//! and anything after the target (outside the objects it had to read in full) is never
//! looked at.
//!
//! Decisions worth knowing:
//! - **Never panics, never recurses.** Skipping a nested value uses an explicit heap stack
//!   and walking the path is a loop, so a document nested a million levels deep cannot
//!   overflow the call stack; malformed or truncated text makes the walk stop with the
//!   best answer it has (see [`locate`]).
//! - **Duplicate keys: the last occurrence wins.** That is what `serde_json::Value` and
//!   maps keep. Derived structs reject duplicates instead; for that error the caller
//!   should use [`locate_key`], which then points at the last duplicate's key.
//! - **Keys are compared after unescaping**, so `"\u00e9"` in the file matches the key `é`.
//! - **Columns count characters (Unicode scalar values), not bytes**, so `é` or an emoji
//!   earlier on the line does not push the column past what an editor shows. A tab counts
//!   as one column. Lines break at `\n` only, as in `serde_json`'s own error positions, so
//!   syntax errors and validation errors report positions the same way.

use std::fmt;

/// One step of a path into a JSON document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    /// A member of an object, by its key (unescaped, exactly as serde sees it).
    Key(String),
    /// An element of an array, counted from 0.
    Index(usize),
}

/// A path into the config, displayed like `triggers[2].when.sentiment_below`.
///
/// The root displays as `(root)`. Keys that are not plain identifiers
/// (`[A-Za-z_][A-Za-z0-9_-]*`) display quoted, JSON-style: `fields["order id"]`; so the
/// display is unambiguous and [`JsonPath::parse_dotted`] reads it back exactly.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct JsonPath(Vec<Segment>);

/// How the empty path displays: a bare empty string would vanish from a message.
const ROOT_DISPLAY: &str = "(root)";

impl JsonPath {
    /// The path of the whole document.
    #[must_use]
    pub fn root() -> Self {
        Self(Vec::new())
    }

    /// A copy of this path extended by the object member `k`.
    #[must_use]
    pub fn key(&self, k: impl Into<String>) -> Self {
        self.extended(Segment::Key(k.into()))
    }

    /// A copy of this path extended by the array element `i`.
    #[must_use]
    pub fn index(&self, i: usize) -> Self {
        self.extended(Segment::Index(i))
    }

    /// The steps of this path, outermost first; empty for the root.
    #[must_use]
    pub fn segments(&self) -> &[Segment] {
        &self.0
    }

    /// Parses the dotted form produced by `serde_path_to_error`'s `Path` Display, such as
    /// `triggers[2].when.sentiment_below`, and also this type's own Display (`(root)`,
    /// `fields["order id"]`).
    ///
    /// A `?` segment means `serde_path_to_error` did not know the step; the path stops
    /// before it, so locating it points at the deepest known ancestor. `""` and `.`
    /// (`serde_path_to_error`'s root) parse as the root.
    ///
    /// `serde_path_to_error` writes keys raw, so its form is ambiguous for keys containing
    /// `.`, `[` or `?`; this reads such text best-effort: a `[` that does not open a
    /// well-formed `[123]` or `["..."]` is taken as part of the key.
    #[must_use]
    pub fn parse_dotted(s: &str) -> Self {
        if s.is_empty() || s == "." || s == ROOT_DISPLAY {
            return Self::root();
        }
        let mut segments = Vec::new();
        let mut rest = s;
        // At the very start a bracket may come first (`[0].a`); otherwise a key does.
        let mut need_key = parse_bracket(rest).is_none();
        loop {
            if need_key {
                let (key, after) = split_bare_key(rest);
                if key == "?" {
                    break;
                }
                segments.push(Segment::Key(key.to_owned()));
                rest = after;
            }
            while let Some((segment, after)) = parse_bracket(rest) {
                segments.push(segment);
                rest = after;
            }
            if rest.is_empty() {
                break;
            }
            // Normally a '.' comes next. Anything else can only be the rest of a raw key
            // that contained brackets (`a[0]b`), so keep it as a key rather than drop it.
            rest = rest.strip_prefix('.').unwrap_or(rest);
            need_key = true;
        }
        Self(segments)
    }

    fn extended(&self, segment: Segment) -> Self {
        let mut segments = Vec::with_capacity(self.0.len() + 1);
        segments.extend_from_slice(&self.0);
        segments.push(segment);
        Self(segments)
    }
}

impl fmt::Display for JsonPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str(ROOT_DISPLAY);
        }
        for (i, segment) in self.0.iter().enumerate() {
            match segment {
                Segment::Index(n) => write!(f, "[{n}]")?,
                Segment::Key(k) if is_identifier(k) => {
                    if i > 0 {
                        f.write_str(".")?;
                    }
                    f.write_str(k)?;
                }
                Segment::Key(k) => {
                    f.write_str("[")?;
                    write_quoted(f, k)?;
                    f.write_str("]")?;
                }
            }
        }
        Ok(())
    }
}

/// Whether `k` matches `[A-Za-z_][A-Za-z0-9_-]*` and so can display without quotes.
fn is_identifier(k: &str) -> bool {
    let mut chars = k.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// Writes `k` as a JSON string literal. Control characters are escaped even where JSON
/// would not insist (DEL, C1), because a key from a hostile config must not be able to
/// send terminal escape sequences through a diagnostic.
fn write_quoted(f: &mut fmt::Formatter<'_>, k: &str) -> fmt::Result {
    f.write_str("\"")?;
    for c in k.chars() {
        match c {
            '"' => f.write_str("\\\"")?,
            '\\' => f.write_str("\\\\")?,
            '\n' => f.write_str("\\n")?,
            '\r' => f.write_str("\\r")?,
            '\t' => f.write_str("\\t")?,
            c if c.is_control() => write!(f, "\\u{:04x}", u32::from(c))?,
            c => write!(f, "{c}")?,
        }
    }
    f.write_str("\"")
}

/// Reads `[123]` or `["json string"]` at the start of `s`: the segment and what follows.
fn parse_bracket(s: &str) -> Option<(Segment, &str)> {
    let inner = s.strip_prefix('[')?;
    if inner.starts_with('"') {
        let mut key = String::new();
        let scanned = scan_string(inner, 0, Some(&mut key)).ok()?;
        // A lone surrogate has no faithful String form; rather than invent a key, refuse
        // the bracket so the text is kept verbatim as a raw key.
        if !scanned.exact {
            return None;
        }
        let after = inner.get(scanned.end..)?.strip_prefix(']')?;
        return Some((Segment::Key(key), after));
    }
    let digits = inner
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(inner.len());
    let (number, tail) = inner.split_at_checked(digits)?;
    let after = tail.strip_prefix(']')?;
    // Empty or too large for usize: not an index, so the caller keeps it as key text.
    let index = number.parse().ok()?;
    Some((Segment::Index(index), after))
}

/// Splits off a raw key: it runs to the next `.` or well-formed bracket, or to the end.
fn split_bare_key(s: &str) -> (&str, &str) {
    for (i, c) in s.char_indices() {
        let ends_here = match c {
            '.' => true,
            '[' => s.get(i..).and_then(parse_bracket).is_some(),
            _ => false,
        };
        if ends_here && let Some(parts) = s.split_at_checked(i) {
            return parts;
        }
    }
    (s, "")
}

/// A 1-based line and column (column counted in characters, not bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    /// The line, from 1; lines are separated by `\n`.
    pub line: usize,
    /// The column, from 1, in characters (Unicode scalar values); a tab counts as 1.
    pub column: usize,
}

/// Where the value at `path` starts in `source` (its first character), or — if the path
/// goes deeper than the document — the position of the deepest existing ancestor.
///
/// "Deeper than the document" covers a key the object lacks, an index past the end of
/// the array, and a step into a scalar or into the wrong kind of container. A leading
/// byte-order mark is skipped; text after the root value is never read.
///
/// Malformed or truncated text stops the walk where it becomes unreadable, and the answer
/// is the deepest value reached before that. For a key, an earlier occurrence found before
/// the damage counts, since the later one that would have won cannot be read. Returns
/// `None` only when not even the root value starts readably (empty text, or no JSON value
/// at the start).
#[must_use]
pub fn locate(source: &str, path: &JsonPath) -> Option<Position> {
    resolve(source, path).map(|found| position_of(source, found.value))
}

/// Where the key of the last segment stands (its opening quote), which reads better for
/// "unknown field" and "duplicate field" errors than the value does.
///
/// With duplicate keys this is the last occurrence, as in [`locate`]. Falls back to
/// [`locate`] for the root, for a path ending in an index, and for a path that goes
/// deeper than the document.
#[must_use]
pub fn locate_key(source: &str, path: &JsonPath) -> Option<Position> {
    resolve(source, path).map(|found| position_of(source, found.key.unwrap_or(found.value)))
}

/// Line/column of a byte offset.
///
/// An offset past the end means the end of `source`; one inside a multi-byte character
/// means that character. A byte-order mark at the very start takes no column, since
/// editors do not show it.
#[must_use]
pub fn position_of(source: &str, byte_offset: usize) -> Position {
    let mut end = byte_offset.min(source.len());
    // Offset 0 is always a boundary, so this stops before it could underflow.
    while end > 0 && !source.is_char_boundary(end) {
        end -= 1;
    }
    let before = source.get(..end).unwrap_or_default();
    let line_start = before.rfind('\n').map_or(0, |newline| newline + 1);
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let mut line_text = before.get(line_start..).unwrap_or_default();
    if line_start == 0 {
        line_text = line_text.strip_prefix(BOM).unwrap_or(line_text);
    }
    Position {
        line,
        column: line_text.chars().count() + 1,
    }
}

const BOM: char = '\u{feff}';

/// Byte offsets found by walking a path.
struct Resolved {
    /// Start of the deepest value reached.
    value: usize,
    /// Opening quote of the last segment's key, only when the whole path was found and
    /// ends in a key.
    key: Option<usize>,
}

fn resolve(source: &str, path: &JsonPath) -> Option<Resolved> {
    let start = if source.starts_with(BOM) {
        BOM.len_utf8()
    } else {
        0
    };
    let mut value = skip_ws(source, start);
    if !is_value_start(byte_at(source, value)) {
        return None;
    }
    let mut key = None;
    for segment in path.segments() {
        let next = match segment {
            Segment::Key(k) => find_member(source, value, k).map(|(k, v)| (Some(k), v)),
            Segment::Index(i) => find_element(source, value, *i).map(|v| (None, v)),
        };
        match next {
            Some((next_key, next_value)) => {
                key = next_key;
                value = next_value;
            }
            None => return Some(Resolved { value, key: None }),
        }
    }
    Some(Resolved { value, key })
}

/// In the object starting at `at`, the (key, value) offsets of the last member named
/// `key`; `None` if `at` is not an object or has no such member.
///
/// The whole object is read, not just up to the first match, because a later duplicate
/// wins. If the object turns out malformed, a match already seen is the best available.
fn find_member(source: &str, at: usize, key: &str) -> Option<(usize, usize)> {
    if byte_at(source, at) != Some(b'{') {
        return None;
    }
    let mut found = None;
    let mut name = String::new();
    let mut i = skip_ws(source, at + 1);
    loop {
        name.clear();
        // This also ends the empty object `{}`: '}' is not a key.
        let Ok(head) = member_head(source, i, Some(&mut name)) else {
            return found;
        };
        if head.exact_key && name == key && is_value_start(byte_at(source, head.value)) {
            found = Some((i, head.value));
        }
        let Ok(end) = skip_value(source, head.value) else {
            return found;
        };
        i = skip_ws(source, end);
        if byte_at(source, i) != Some(b',') {
            // '}' ends the object; anything else is malformed. Either way, nothing more.
            return found;
        }
        i = skip_ws(source, i + 1);
    }
}

/// In the array starting at `at`, the offset of element `index`; `None` if `at` is not an
/// array, the array is shorter, or it is unreadable before that element.
fn find_element(source: &str, at: usize, index: usize) -> Option<usize> {
    if byte_at(source, at) != Some(b'[') {
        return None;
    }
    let mut i = skip_ws(source, at + 1);
    let mut n = 0;
    loop {
        // This also ends the empty array `[]`: ']' does not start a value.
        if !is_value_start(byte_at(source, i)) {
            return None;
        }
        if n == index {
            return Some(i);
        }
        i = skip_ws(source, skip_value(source, i).ok()?);
        if byte_at(source, i) != Some(b',') {
            return None;
        }
        i = skip_ws(source, i + 1);
        n += 1;
    }
}

/// The text is not JSON where the scanner stood.
#[derive(Debug)]
struct Malformed;

fn byte_at(source: &str, i: usize) -> Option<u8> {
    source.as_bytes().get(i).copied()
}

fn is_value_start(b: Option<u8>) -> bool {
    matches!(
        b,
        Some(b'{' | b'[' | b'"' | b'-' | b'0'..=b'9' | b't' | b'f' | b'n')
    )
}

/// The offset of the first non-whitespace byte at or after `i` (JSON's four whitespace
/// characters only).
fn skip_ws(source: &str, mut i: usize) -> usize {
    while let Some(b' ' | b'\t' | b'\n' | b'\r') = byte_at(source, i) {
        i += 1;
    }
    i
}

/// What [`member_head`] read.
struct MemberHead {
    /// The key decoded without substitutions (see [`ScannedString::exact`]).
    exact_key: bool,
    /// Offset of the member's value (not checked to be one).
    value: usize,
}

/// Reads `"key" :` at `i` (whitespace allowed around the colon), decoding the key into
/// `name` if given.
fn member_head(source: &str, i: usize, name: Option<&mut String>) -> Result<MemberHead, Malformed> {
    let key = scan_string(source, i, name)?;
    let colon = skip_ws(source, key.end);
    if byte_at(source, colon) != Some(b':') {
        return Err(Malformed);
    }
    Ok(MemberHead {
        exact_key: key.exact,
        value: skip_ws(source, colon + 1),
    })
}

/// What [`scan_string`] read.
struct ScannedString {
    /// Offset just past the closing quote.
    end: usize,
    /// False when a lone surrogate escape had to be decoded as U+FFFD; such a key must
    /// not match a real key that happens to contain U+FFFD.
    exact: bool,
}

/// Scans the JSON string whose opening quote is at `start`, decoding it into `out` if
/// given (every escape, including `\uXXXX` surrogate pairs).
fn scan_string(
    source: &str,
    start: usize,
    mut out: Option<&mut String>,
) -> Result<ScannedString, Malformed> {
    if byte_at(source, start) != Some(b'"') {
        return Err(Malformed);
    }
    let mut exact = true;
    let mut i = start + 1;
    // Start of the run of plain characters not yet copied to `out`; copying runs rather
    // than characters keeps multi-byte UTF-8 intact for free.
    let mut run = i;
    loop {
        match byte_at(source, i).ok_or(Malformed)? {
            b'"' => {
                copy_run(source, run, i, out.as_deref_mut())?;
                return Ok(ScannedString { end: i + 1, exact });
            }
            b'\\' => {
                copy_run(source, run, i, out.as_deref_mut())?;
                let escape = byte_at(source, i + 1).ok_or(Malformed)?;
                i += 2;
                let c = match escape {
                    b'"' => '"',
                    b'\\' => '\\',
                    b'/' => '/',
                    b'b' => '\u{8}',
                    b'f' => '\u{c}',
                    b'n' => '\n',
                    b'r' => '\r',
                    b't' => '\t',
                    b'u' => {
                        let (decoded, len) = unicode_escape(source, i)?;
                        i += len;
                        decoded.unwrap_or_else(|| {
                            exact = false;
                            char::REPLACEMENT_CHARACTER
                        })
                    }
                    _ => return Err(Malformed),
                };
                if let Some(out) = out.as_deref_mut() {
                    out.push(c);
                }
                run = i;
            }
            // JSON forbids raw control characters inside strings.
            0x00..=0x1f => return Err(Malformed),
            _ => i += 1,
        }
    }
}

/// Decodes the hex digits of a `\u` escape starting at `i` (just after the `u`), joining
/// a high surrogate with a following `\uDC00`-`\uDFFF` escape. Returns the character
/// (`None` for a lone surrogate) and how many bytes were consumed.
fn unicode_escape(source: &str, i: usize) -> Result<(Option<char>, usize), Malformed> {
    let first = hex4(source, i)?;
    if !(0xD800..0xDC00).contains(&first) {
        // A lone low surrogate gives None here, which is what we want.
        return Ok((char::from_u32(first), 4));
    }
    let pair_follows =
        byte_at(source, i + 4) == Some(b'\\') && byte_at(source, i + 5) == Some(b'u');
    if pair_follows {
        let second = hex4(source, i + 6)?;
        if (0xDC00..0xE000).contains(&second) {
            let code = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00);
            return Ok((char::from_u32(code), 10));
        }
    }
    // Lone high surrogate: the escape after it, if any, is read on its own.
    Ok((None, 4))
}

fn hex4(source: &str, i: usize) -> Result<u32, Malformed> {
    let digits = source.get(i..i + 4).ok_or(Malformed)?;
    // from_str_radix would also accept a leading '+', which JSON does not.
    if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(Malformed);
    }
    u32::from_str_radix(digits, 16).map_err(|_| Malformed)
}

fn copy_run(
    source: &str,
    from: usize,
    to: usize,
    out: Option<&mut String>,
) -> Result<(), Malformed> {
    if let Some(out) = out {
        // Both ends sit on ASCII bytes ('"', '\\' or just past an escape), so they are
        // char boundaries; `get` keeps that assumption from ever turning into a panic.
        out.push_str(source.get(from..to).ok_or(Malformed)?);
    }
    Ok(())
}

/// Scans a number at `i` (`-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`); returns the
/// offset after it.
fn scan_number(source: &str, mut i: usize) -> Result<usize, Malformed> {
    if byte_at(source, i) == Some(b'-') {
        i += 1;
    }
    match byte_at(source, i) {
        Some(b'0') => i += 1,
        Some(b'1'..=b'9') => i = skip_digits(source, i),
        _ => return Err(Malformed),
    }
    if byte_at(source, i) == Some(b'.') {
        i = require_digits(source, i + 1)?;
    }
    if let Some(b'e' | b'E') = byte_at(source, i) {
        i += 1;
        if let Some(b'+' | b'-') = byte_at(source, i) {
            i += 1;
        }
        i = require_digits(source, i)?;
    }
    Ok(i)
}

fn skip_digits(source: &str, mut i: usize) -> usize {
    while byte_at(source, i).is_some_and(|b| b.is_ascii_digit()) {
        i += 1;
    }
    i
}

fn require_digits(source: &str, i: usize) -> Result<usize, Malformed> {
    let end = skip_digits(source, i);
    if end == i { Err(Malformed) } else { Ok(end) }
}

fn scan_literal(source: &str, i: usize, literal: &str) -> Result<usize, Malformed> {
    let end = i + literal.len();
    if source.get(i..end) == Some(literal) {
        Ok(end)
    } else {
        Err(Malformed)
    }
}

/// A container [`skip_value`] is inside of.
#[derive(Clone, Copy)]
enum Open {
    Object,
    Array,
}

/// Skips the value starting at `start` and returns the offset just after it.
///
/// Iterative with a heap stack of open containers, so nesting depth is limited by memory
/// (one byte per level), never by the call stack. The grammar is checked as it goes so a
/// malformed value is reported rather than mis-skipped.
fn skip_value(source: &str, start: usize) -> Result<usize, Malformed> {
    let mut stack: Vec<Open> = Vec::new();
    let mut i = start;
    'value: loop {
        // Here `i` is where a value must start.
        match byte_at(source, i) {
            Some(b'{') => {
                i = skip_ws(source, i + 1);
                if byte_at(source, i) == Some(b'}') {
                    i += 1;
                } else {
                    stack.push(Open::Object);
                    i = member_head(source, i, None)?.value;
                    continue 'value;
                }
            }
            Some(b'[') => {
                i = skip_ws(source, i + 1);
                if byte_at(source, i) == Some(b']') {
                    i += 1;
                } else {
                    stack.push(Open::Array);
                    continue 'value;
                }
            }
            Some(b'"') => i = scan_string(source, i, None)?.end,
            Some(b'-' | b'0'..=b'9') => i = scan_number(source, i)?,
            Some(b't') => i = scan_literal(source, i, "true")?,
            Some(b'f') => i = scan_literal(source, i, "false")?,
            Some(b'n') => i = scan_literal(source, i, "null")?,
            _ => return Err(Malformed),
        }
        // A value ended at `i`: close finished containers until one has a next item.
        loop {
            let Some(&open) = stack.last() else {
                return Ok(i);
            };
            i = skip_ws(source, i);
            match (open, byte_at(source, i)) {
                (Open::Object, Some(b',')) => {
                    i = member_head(source, skip_ws(source, i + 1), None)?.value;
                    continue 'value;
                }
                (Open::Array, Some(b',')) => {
                    i = skip_ws(source, i + 1);
                    continue 'value;
                }
                (Open::Object, Some(b'}')) | (Open::Array, Some(b']')) => {
                    stack.pop();
                    i += 1;
                }
                _ => return Err(Malformed),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    // ---- helpers ---------------------------------------------------------------------

    /// An expected (line, column), or `None`.
    type At = Option<(usize, usize)>;

    fn p(dotted: &str) -> JsonPath {
        JsonPath::parse_dotted(dotted)
    }

    fn at(source: &str, dotted: &str) -> At {
        locate(source, &p(dotted)).map(|pos| (pos.line, pos.column))
    }

    fn key_at(source: &str, dotted: &str) -> At {
        locate_key(source, &p(dotted)).map(|pos| (pos.line, pos.column))
    }

    /// The byte offset of a position, computed independently of `position_of`: walk to
    /// the line, then count characters. `None` if the position is not inside `source`
    /// or its column runs past the end of its line.
    fn offset_of(source: &str, pos: Position) -> Option<usize> {
        let mut line_start = 0;
        for _ in 1..pos.line {
            line_start += source.get(line_start..)?.find('\n')? + 1;
        }
        let line = source.get(line_start..)?;
        let line = line.split('\n').next()?;
        let (i, _) = line.char_indices().nth(pos.column.checked_sub(1)?)?;
        Some(line_start + i)
    }

    /// The JSON value that starts at `offset`, parsed by serde_json.
    fn value_from(source: &str, offset: usize) -> Result<Value, String> {
        let rest = source.get(offset..).ok_or("offset outside source")?;
        match serde_json::Deserializer::from_str(rest)
            .into_iter::<Value>()
            .next()
        {
            Some(Ok(v)) => Ok(v),
            Some(Err(e)) => Err(format!("no JSON value at offset {offset}: {e}")),
            None => Err(format!("nothing at offset {offset}")),
        }
    }

    fn value_at(source: &str, dotted: &str) -> Result<Value, String> {
        let pos = locate(source, &p(dotted)).ok_or("locate gave None")?;
        let offset = offset_of(source, pos).ok_or("position outside source")?;
        value_from(source, offset)
    }

    // ---- locate: a hand-checked table -----------------------------------------------

    const DOC: &str = r#"{
  "name": "shop",
  "triggers": [
    {"when": {"sentiment_below": -0.5}, "then": "escalate"},
    {
      "when": {
        "keywords": ["refund", "{not]an\"object"],
        "sentiment_below": 3
      }
    }
  ],
  "a\"b": 1,
  "\u00e9": {"x": [10, 20, 30]},
  "é😀": {"k": true},
	"t":	7,
  "fields": {"order id": "}]\"", "n": null}
}
"#;

    #[test]
    fn locate_table() {
        let cases: &[(&str, At)] = &[
            ("(root)", Some((1, 1))),
            ("name", Some((2, 11))),
            ("triggers", Some((3, 15))),
            ("triggers[0]", Some((4, 5))),
            ("triggers[0].when", Some((4, 14))),
            ("triggers[0].when.sentiment_below", Some((4, 34))),
            ("triggers[0].then", Some((4, 49))),
            ("triggers[1]", Some((5, 5))),
            ("triggers[1].when", Some((6, 15))),
            ("triggers[1].when.keywords", Some((7, 21))),
            ("triggers[1].when.keywords[0]", Some((7, 22))),
            ("triggers[1].when.keywords[1]", Some((7, 32))),
            ("triggers[1].when.sentiment_below", Some((8, 28))),
            // Escaped keys match their unescaped form.
            (r#"["a\"b"]"#, Some((12, 11))),
            (r#"["é"]"#, Some((13, 13))),
            (r#"["é"].x[2]"#, Some((13, 28))),
            // Columns count characters: é and 😀 are 6 bytes but 2 columns.
            (r#"["é😀"].k"#, Some((14, 15))),
            // A tab is one column.
            ("t", Some((15, 7))),
            (r#"fields["order id"]"#, Some((16, 26))),
            ("fields.n", Some((16, 39))),
            // serde_path_to_error's raw form of the same key.
            ("fields.order id", Some((16, 26))),
            // Deeper than the document: the deepest existing ancestor.
            ("triggers[2]", Some((3, 15))),
            ("triggers[1].when.keywords[5]", Some((7, 21))),
            ("name.first", Some((2, 11))),
            ("name[0]", Some((2, 11))),
            ("triggers.x", Some((3, 15))),
            ("fields[0]", Some((16, 13))),
            ("missing", Some((1, 1))),
            ("missing.deeper[3]", Some((1, 1))),
            ("triggers[0].when.sentiment_below.x", Some((4, 34))),
            // `?` stops the path.
            ("triggers[1].?.x", Some((5, 5))),
            // Keys nested deeper, or inside strings, are not members of the root.
            ("keywords", Some((1, 1))),
            ("refund", Some((1, 1))),
            ("n", Some((1, 1))),
            ("x", Some((1, 1))),
        ];
        for &(path, expected) in cases {
            assert_eq!(at(DOC, path), expected, "locate {path}");
        }
    }

    #[test]
    fn locate_key_table() {
        let cases: &[(&str, At)] = &[
            ("name", Some((2, 3))),
            ("triggers[0].when.sentiment_below", Some((4, 15))),
            ("triggers[1].when", Some((6, 7))),
            (r#"["é😀"]"#, Some((14, 3))),
            (r#"fields["order id"]"#, Some((16, 14))),
            ("t", Some((15, 2))),
            // Falls back to `locate`: index segments, the root, paths too deep.
            ("triggers[1].when.keywords[1]", Some((7, 32))),
            ("(root)", Some((1, 1))),
            ("missing", Some((1, 1))),
            ("fields.missing", Some((16, 13))),
            ("name.first", Some((2, 11))),
        ];
        for &(path, expected) in cases {
            assert_eq!(key_at(DOC, path), expected, "locate_key {path}");
        }
    }

    #[test]
    fn duplicate_keys_last_wins() {
        // The last "a" is spelled with an escape: it is still the same key.
        let src = r#"{"a": 1, "b": {"x": 1}, "a": {"deep": 2}, "\u0061": [3]}"#;
        assert_eq!(at(src, "a"), Some((1, 53)));
        assert_eq!(key_at(src, "a"), Some((1, 43)));
        assert_eq!(at(src, "a[0]"), Some((1, 54)));
        // The winner has no "deep", even though a losing duplicate does.
        assert_eq!(at(src, "a.deep"), Some((1, 53)));
        assert_eq!(at(src, "b.x"), Some((1, 21)));
        // serde_json agrees on which duplicate counts.
        assert_eq!(value_at(src, "a"), Ok(serde_json::json!([3])));
    }

    #[test]
    fn escaped_keys() {
        let src = r#"{"\ud83d\ude00": 1, "\"": 2, "\\": 3, "\/": 4, "\b\f\n\r\t": 5,
            "\uD83D": 6, "�": 7, "\u00E9\u00e9": 8, "\uDE00\uD83D": 9}"#;
        let cases: &[(JsonPath, i64)] = &[
            (JsonPath::root().key("😀"), 1),
            (JsonPath::root().key("\""), 2),
            (JsonPath::root().key("\\"), 3),
            (JsonPath::root().key("/"), 4),
            (JsonPath::root().key("\u{8}\u{c}\n\r\t"), 5),
            // A lone surrogate decodes lossily, so it must not match a real U+FFFD.
            (JsonPath::root().key("\u{fffd}"), 7),
            (JsonPath::root().key("éé"), 8),
        ];
        for (path, expected) in cases {
            let pos = locate(src, path);
            let got = pos
                .and_then(|pos| offset_of(src, pos))
                .map(|offset| value_from(src, offset));
            assert_eq!(got, Some(Ok(Value::from(*expected))), "locate {path}");
        }
        // Lone surrogates in either order never equal any key.
        assert_eq!(at(src, r#"["\ufffd\ufffd"]"#), Some((1, 1)));
    }

    #[test]
    fn strings_with_structural_characters_are_skipped_whole() {
        let src = r#"{"s": "{[\"}]", "t": ["]", "{", "\\\"", ",:"], "u": {"v": "}"}, "w": 1}"#;
        assert_eq!(value_at(src, "w"), Ok(serde_json::json!(1)));
        assert_eq!(value_at(src, "t[2]"), Ok(serde_json::json!("\\\"")));
        assert_eq!(value_at(src, "t[3]"), Ok(serde_json::json!(",:")));
        assert_eq!(value_at(src, "u.v"), Ok(serde_json::json!("}")));
        assert_eq!(at(src, "t[4]"), Some((1, 22)));
    }

    #[test]
    fn numbers_and_literals_are_skipped() {
        let src = r#"[0, -0, 12, -3.5, 1e3, 2.5E-2, -0.0e+1, true, false, null, "end"]"#;
        assert_eq!(value_at(src, "[10]"), Ok(serde_json::json!("end")));
        // Invalid numbers stop the walk: the array is the best answer.
        for bad in [
            "[01, 2]", "[1., 2]", "[.5, 2]", "[1e, 2]", "[-, 2]", "[tru, 2]", "[nul, 2]",
        ] {
            assert_eq!(at(bad, "[1]"), Some((1, 1)), "{bad}");
        }
    }

    #[test]
    fn bom_is_skipped_and_takes_no_column() {
        let src = "\u{feff}{\"a\": 1}";
        assert_eq!(at(src, "(root)"), Some((1, 1)));
        assert_eq!(at(src, "a"), Some((1, 7)));
    }

    // ---- malformed input -------------------------------------------------------------

    #[test]
    fn malformed_input() {
        let cases: &[(&str, &str, At)] = &[
            ("", "(root)", None),
            ("   \n ", "a", None),
            ("garbage", "a", None),
            ("}", "(root)", None),
            ("\u{feff}", "(root)", None),
            // Truncated: what was read still counts.
            (r#"{"a": 1"#, "a", Some((1, 7))),
            (r#"{"a": 1"#, "b", Some((1, 1))),
            (r#"{"a": [1, 2"#, "a[1]", Some((1, 11))),
            (r#"{"a": [1, 2"#, "a[5]", Some((1, 7))),
            (r#"{"a"#, "a", Some((1, 1))),
            (r#"{"a":"#, "a", Some((1, 1))),
            (r#"{"a": ]"#, "a", Some((1, 1))),
            (r#"{"a": "unterminated"#, "a", Some((1, 7))),
            (r#"{"a": "bad \x escape", "b": 1}"#, "b", Some((1, 1))),
            (r#"{"a": "raw	tab", "b": 1}"#, "b", Some((1, 1))),
            (r#"{"a": "\u12", "b": 1}"#, "b", Some((1, 1))),
            (r#"{"a": "\u+123", "b": 1}"#, "b", Some((1, 1))),
            (r#"{"a": tru, "b": 2}"#, "a", Some((1, 7))),
            (r#"{"a": tru, "b": 2}"#, "b", Some((1, 1))),
            (r#"{"a" 1}"#, "a", Some((1, 1))),
            (r#"{a: 1}"#, "a", Some((1, 1))),
            (r#"{"a": 1,}"#, "a", Some((1, 7))),
            (r#"{"a": [1,]}"#, "a[1]", Some((1, 7))),
            (r#"{"a": [1 2]}"#, "a[1]", Some((1, 7))),
            (r#"{"a": {"b": 1]}"#, "a.b", Some((1, 13))),
            (r#"{"a": {"b": 1]}, "c": 2}"#, "c", Some((1, 1))),
            // The first duplicate is the best available when the object breaks later.
            (r#"{"a": 1, "a": }"#, "a", Some((1, 7))),
            // Trailing garbage after the root is never read.
            (r#"{"a": 1} trailing {"#, "a", Some((1, 7))),
            (r#"[1] [2]"#, "[0]", Some((1, 2))),
        ];
        for &(src, path, expected) in cases {
            assert_eq!(at(src, path), expected, "locate {path} in {src:?}");
            // locate_key may differ, but must not panic either.
            let _ = key_at(src, path);
        }
    }

    #[test]
    fn every_prefix_of_a_document_is_safe() {
        let paths = [
            "name",
            "triggers[1].when.keywords[1]",
            "triggers[0].when.sentiment_below",
            r#"fields["order id"]"#,
            r#"["é😀"].k"#,
            "missing",
        ];
        for end in (0..=DOC.len()).filter(|&end| DOC.is_char_boundary(end)) {
            let Some(prefix) = DOC.get(..end) else {
                continue;
            };
            for path in paths {
                for pos in [locate(prefix, &p(path)), locate_key(prefix, &p(path))]
                    .into_iter()
                    .flatten()
                {
                    let offset = offset_of(prefix, pos);
                    let first = offset
                        .and_then(|o| prefix.get(o..))
                        .and_then(|s| s.chars().next());
                    assert!(
                        matches!(
                            first,
                            Some('{' | '[' | '"' | '-' | '0'..='9' | 't' | 'f' | 'n')
                        ),
                        "{path} in prefix {end}: {pos:?} points at {first:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        const DEPTH: usize = 1_000_000;
        let open = "[".repeat(DEPTH);
        let close = "]".repeat(DEPTH);

        assert_eq!(at(&open, "(root)"), Some((1, 1)));
        // Built directly: extending one step at a time would copy the path 100 000 times.
        let deep = JsonPath(vec![Segment::Index(0); 100_000]);
        assert_eq!(
            locate(&open, &deep),
            Some(Position {
                line: 1,
                column: 100_001
            })
        );

        let skipped = format!(r#"{{"a": {open}{close}, "b": 2}}"#);
        assert_eq!(at(&skipped, "b"), Some((1, 2 * DEPTH + 14)));

        let unclosed = format!(r#"{{"a": {open}, "b": 2}}"#);
        assert_eq!(at(&unclosed, "b"), Some((1, 1)));

        let objects = r#"{"a":"#.repeat(DEPTH);
        assert_eq!(at(&objects, "a.a.a"), Some((1, 16)));
        assert_eq!(at(&objects, "b"), Some((1, 1)));
    }

    // ---- position_of ------------------------------------------------------------------

    #[test]
    fn position_of_table() {
        let cases: &[(&str, usize, (usize, usize))] = &[
            ("", 0, (1, 1)),
            ("", 100, (1, 1)),
            ("ab\ncd", 2, (1, 3)),
            ("ab\ncd", 3, (2, 1)),
            ("ab\ncd", 4, (2, 2)),
            ("ab\ncd", 5, (2, 3)),
            ("ab\ncd", 99, (2, 3)),
            ("a\r\nb", 3, (2, 1)),
            ("\tx", 1, (1, 2)),
            ("é😀x", 2, (1, 2)),
            ("é😀x", 6, (1, 3)),
            // Inside a multi-byte character: that character.
            ("é😀x", 1, (1, 1)),
            ("é😀x", 4, (1, 2)),
            ("\u{feff}{", 3, (1, 1)),
            ("\u{feff}{", 1, (1, 1)),
            // Only a BOM at the very start is invisible.
            ("\n\u{feff}{", 4, (2, 2)),
        ];
        for &(src, offset, (line, column)) in cases {
            assert_eq!(
                position_of(src, offset),
                Position { line, column },
                "{src:?} at {offset}"
            );
        }
    }

    // ---- Display and parse_dotted -----------------------------------------------------

    #[test]
    fn display_table() {
        let cases: &[(JsonPath, &str)] = &[
            (JsonPath::root(), "(root)"),
            (
                JsonPath::root()
                    .key("triggers")
                    .index(2)
                    .key("when")
                    .key("sentiment_below"),
                "triggers[2].when.sentiment_below",
            ),
            (
                JsonPath::root().key("fields").key("order id"),
                r#"fields["order id"]"#,
            ),
            (
                JsonPath::root().key("order id").key("x"),
                r#"["order id"].x"#,
            ),
            (JsonPath::root().index(0).index(1).key("a"), "[0][1].a"),
            (JsonPath::root().key("x").key("a-b").key("_c1"), "x.a-b._c1"),
            (JsonPath::root().key("1a"), r#"["1a"]"#),
            (JsonPath::root().key("-a"), r#"["-a"]"#),
            (JsonPath::root().key(""), r#"[""]"#),
            (JsonPath::root().key("a\"b\\c"), r#"["a\"b\\c"]"#),
            (JsonPath::root().key("é"), r#"["é"]"#),
            (JsonPath::root().key("x.y"), r#"["x.y"]"#),
            (JsonPath::root().key("?"), r#"["?"]"#),
            (JsonPath::root().key("(root)"), r#"["(root)"]"#),
            (
                JsonPath::root().key("t\t\n\u{1b}\u{7f}"),
                r#"["t\t\n\u001b\u007f"]"#,
            ),
        ];
        for (path, expected) in cases {
            assert_eq!(path.to_string(), *expected);
            assert_eq!(&JsonPath::parse_dotted(expected), path, "parse {expected}");
        }
    }

    #[test]
    fn parse_dotted_table() {
        let k = |s: &str| Segment::Key(s.to_owned());
        let i = Segment::Index;
        let cases: &[(&str, Vec<Segment>)] = &[
            // serde_path_to_error's root, and ours.
            (".", vec![]),
            ("", vec![]),
            ("(root)", vec![]),
            (
                "triggers[2].when.sentiment_below",
                vec![k("triggers"), i(2), k("when"), k("sentiment_below")],
            ),
            ("a[1][2].b", vec![k("a"), i(1), i(2), k("b")]),
            ("[3].b", vec![i(3), k("b")]),
            ("[3]", vec![i(3)]),
            // serde_path_to_error writes keys raw.
            ("fields.order id", vec![k("fields"), k("order id")]),
            ("é.😀", vec![k("é"), k("😀")]),
            ("a..b", vec![k("a"), k(""), k("b")]),
            ("a.", vec![k("a"), k("")]),
            // Unknown segments end the path.
            ("?", vec![]),
            ("a.?", vec![k("a")]),
            ("a.?.b", vec![k("a")]),
            ("[0].?[1]", vec![i(0)]),
            // Brackets that are not well-formed stay part of the key.
            ("a[x]", vec![k("a[x]")]),
            ("a[]", vec![k("a[]")]),
            ("a[-1]", vec![k("a[-1]")]),
            (
                "a[99999999999999999999999]",
                vec![k("a[99999999999999999999999]")],
            ),
            (r#"a["x"#, vec![k(r#"a["x"#)]),
            (r#"a["\ud800"]"#, vec![k(r#"a["\ud800"]"#)]),
            ("a[0]b", vec![k("a"), i(0), k("b")]),
            ("a.[0]", vec![k("a"), k(""), i(0)]),
            // Our quoted form.
            (
                r#"fields["order id"].x"#,
                vec![k("fields"), k("order id"), k("x")],
            ),
            (r#"["a.b"]["c[0]"]"#, vec![k("a.b"), k("c[0]")]),
            (r#"["\u00e9\ud83d\ude00"]"#, vec![k("é😀")]),
        ];
        for (text, expected) in cases {
            assert_eq!(
                JsonPath::parse_dotted(text).segments(),
                expected.as_slice(),
                "parse {text:?}"
            );
        }
    }

    #[test]
    fn key_and_index_extend_a_copy() {
        let base = JsonPath::root().key("a");
        let longer = base.index(3);
        assert_eq!(base.segments(), [Segment::Key("a".into())]);
        assert_eq!(
            longer.segments(),
            [Segment::Key("a".into()), Segment::Index(3)]
        );
        assert_eq!(JsonPath::default(), JsonPath::root());
    }

    // ---- generated documents, cross-checked with serde_json ---------------------------

    /// xorshift64*: deterministic, so a failure names a seed that reproduces it.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
        }
        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
        fn chance(&mut self, one_in: usize) -> bool {
            self.below(one_in) == 0
        }
        fn pick<T: Copy>(&mut self, items: &[T]) -> T {
            let i = self.below(items.len());
            *items
                .get(i)
                .unwrap_or_else(|| unreachable!("index below len"))
        }
    }

    const KEYS: &[&str] = &[
        "a",
        "b",
        "when",
        "order id",
        "a\"b",
        "é",
        "😀",
        "{",
        "]",
        "\\",
        "x.y",
        "[0]",
        "",
        "tab\there",
        "\u{1}",
        "?",
        "\u{fffd}",
        "a-b",
        "/",
        ":",
        ",",
    ];
    const CHARS: &[char] = &[
        'a', '{', '}', '[', ']', '"', '\\', ',', ':', 'é', '😀', '\t', '\n', '\u{1}', '/', ' ',
        '\u{2028}', '\u{fffd}',
    ];
    const NUMBERS: &[&str] = &[
        "0",
        "-0",
        "7",
        "12",
        "-3.5",
        "1e3",
        "2.5E-2",
        "-0.0e+1",
        "123456789012345678901234567890",
    ];
    const WHITESPACE: &[&str] = &["", "", " ", "\t", "\n", "\r\n", "  \n\t"];

    fn gen_string(rng: &mut Rng) -> String {
        if rng.chance(2) {
            return (rng.pick(KEYS)).to_owned();
        }
        (0..rng.below(6)).map(|_| rng.pick(CHARS)).collect()
    }

    fn gen_value(rng: &mut Rng, depth: usize) -> Value {
        match rng.below(if depth >= 4 { 4 } else { 7 }) {
            0 => Value::Null,
            1 => Value::Bool(rng.chance(2)),
            2 => serde_json::from_str(rng.pick(NUMBERS)).unwrap_or(Value::Null),
            3 => Value::String(gen_string(rng)),
            4 | 5 => Value::Object(
                (0..rng.below(5))
                    .map(|_| (gen_string(rng), gen_value(rng, depth + 1)))
                    .collect(),
            ),
            _ => Value::Array(
                (0..rng.below(5))
                    .map(|_| gen_value(rng, depth + 1))
                    .collect(),
            ),
        }
    }

    /// Writes `v` as JSON with random whitespace, random (but valid) escapes, random
    /// number spellings, and decoy duplicate keys, so the text is nothing like what
    /// serde_json would print.
    fn emit(v: &Value, rng: &mut Rng, out: &mut String) {
        match v {
            Value::Null => out.push_str("null"),
            Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Value::Number(_) => out.push_str(rng.pick(NUMBERS)),
            Value::String(s) => emit_string(s, rng, out),
            Value::Array(items) => {
                out.push('[');
                for (n, item) in items.iter().enumerate() {
                    if n > 0 {
                        out.push(',');
                    }
                    out.push_str(rng.pick(WHITESPACE));
                    emit(item, rng, out);
                    out.push_str(rng.pick(WHITESPACE));
                }
                out.push(']');
            }
            Value::Object(members) => {
                out.push('{');
                let mut first = true;
                for (key, value) in members {
                    // A decoy before the real member loses; one after it wins. The
                    // oracle is serde_json's reading of the text, so both are fair.
                    let decoy_first = rng.chance(5);
                    let decoy_last = rng.chance(9);
                    let decoy = gen_value(rng, 4);
                    for (emit_it, value) in
                        [(decoy_first, &decoy), (true, value), (decoy_last, &decoy)]
                    {
                        if !emit_it {
                            continue;
                        }
                        if !first {
                            out.push(',');
                        }
                        first = false;
                        out.push_str(rng.pick(WHITESPACE));
                        emit_string(key, rng, out);
                        out.push_str(rng.pick(WHITESPACE));
                        out.push(':');
                        out.push_str(rng.pick(WHITESPACE));
                        emit(value, rng, out);
                        out.push_str(rng.pick(WHITESPACE));
                    }
                }
                out.push('}');
            }
        }
    }

    fn emit_string(s: &str, rng: &mut Rng, out: &mut String) {
        out.push('"');
        for c in s.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\n' if rng.chance(2) => out.push_str("\\n"),
                '\t' if rng.chance(2) => out.push_str("\\t"),
                '/' if rng.chance(2) => out.push_str("\\/"),
                c if u32::from(c) < 0x20 || rng.chance(4) => {
                    let mut units = [0u16; 2];
                    for unit in c.encode_utf16(&mut units) {
                        let hex = format!("\\u{:04x}", unit);
                        out.push_str(&if rng.chance(2) {
                            hex.to_uppercase().replace("\\U", "\\u")
                        } else {
                            hex
                        });
                    }
                }
                c => out.push(c),
            }
        }
        out.push('"');
    }

    fn all_paths<'v>(v: &'v Value, path: JsonPath, out: &mut Vec<(JsonPath, &'v Value)>) {
        match v {
            Value::Object(members) => {
                for (key, value) in members {
                    all_paths(value, path.key(key.as_str()), out);
                }
            }
            Value::Array(items) => {
                for (i, value) in items.iter().enumerate() {
                    all_paths(value, path.index(i), out);
                }
            }
            _ => {}
        }
        out.push((path, v));
    }

    /// Every path of `doc` must locate to text that serde_json parses back to the same
    /// value (and its key to the same key), and one step too far must land on it again.
    fn check_document(source: &str, doc: &Value) -> Result<(), String> {
        let mut paths = Vec::new();
        all_paths(doc, JsonPath::root(), &mut paths);
        for (path, expected) in paths {
            let pos = locate(source, &path).ok_or(format!("{path}: None"))?;
            let offset = offset_of(source, pos).ok_or(format!("{path}: {pos:?} outside source"))?;
            let found: Value = value_from(source, offset).map_err(|e| format!("{path}: {e}"))?;
            if found != *expected {
                return Err(format!(
                    "{path}: {pos:?} holds {found}, expected {expected}"
                ));
            }

            if let Some(Segment::Key(key)) = path.segments().last() {
                let key_pos = locate_key(source, &path).ok_or(format!("{path}: key None"))?;
                let key_offset =
                    offset_of(source, key_pos).ok_or(format!("{path}: key {key_pos:?} outside"))?;
                let found =
                    value_from(source, key_offset).map_err(|e| format!("{path} key: {e}"))?;
                if found.as_str() != Some(key) {
                    return Err(format!("{path}: key at {key_pos:?} is {found:?}"));
                }
            } else if locate_key(source, &path) != Some(pos) {
                return Err(format!("{path}: locate_key differs from locate"));
            }

            let past_end = match expected {
                Value::Array(items) => items.len(),
                _ => 0,
            };
            for deeper in [path.key("\u{0}no such key"), path.index(past_end)] {
                if locate(source, &deeper) != Some(pos) {
                    return Err(format!("{deeper}: expected ancestor at {pos:?}"));
                }
            }

            let shown = path.to_string();
            if JsonPath::parse_dotted(&shown) != path {
                return Err(format!("{shown}: does not parse back to {path:?}"));
            }
        }
        Ok(())
    }

    #[test]
    fn generated_documents_agree_with_serde_json() {
        for seed in 1..=300u64 {
            let mut rng = Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
            let generated = Value::Object(
                (0..1 + rng.below(5))
                    .map(|_| (gen_string(&mut rng), gen_value(&mut rng, 1)))
                    .collect(),
            );
            let mut text = String::new();
            out_ws(&mut rng, &mut text);
            emit(&generated, &mut rng, &mut text);
            out_ws(&mut rng, &mut text);
            // The oracle: whatever serde_json reads from the text (decoys included).
            let doc: Value = match serde_json::from_str(&text) {
                Ok(doc) => doc,
                Err(e) => panic!("seed {seed}: generator wrote invalid JSON ({e}): {text}"),
            };
            let sources = [
                text.clone(),
                serde_json::to_string(&doc).unwrap_or_default(),
                serde_json::to_string_pretty(&doc).unwrap_or_default(),
            ];
            for source in &sources {
                if let Err(e) = check_document(source, &doc) {
                    panic!("seed {seed}: {e}\nsource:\n{source}");
                }
            }
            mangle_safely(&text, &doc, &mut rng);
        }
    }

    fn out_ws(rng: &mut Rng, out: &mut String) {
        out.push_str(rng.pick(WHITESPACE));
    }

    /// Damaged copies of a document must not panic, and whatever they return must point
    /// at the start of some value in the damaged text.
    fn mangle_safely(text: &str, doc: &Value, rng: &mut Rng) {
        let mut paths = Vec::new();
        all_paths(doc, JsonPath::root(), &mut paths);
        let boundaries: Vec<usize> = (0..=text.len())
            .filter(|&i| text.is_char_boundary(i))
            .collect();
        for _ in 0..8 {
            let at = rng.pick(&boundaries);
            let (head, tail) = text.split_at_checked(at).unwrap_or((text, ""));
            let insert = rng.pick(&["", "{", "}", "[", "]", "\"", "\\", ",", ":", "x", "\u{1}"]);
            let damaged = match rng.below(3) {
                0 => head.to_owned(),
                1 => format!("{head}{insert}{tail}"),
                _ => format!("{head}{}", tail.chars().skip(1).collect::<String>()),
            };
            for (path, _) in &paths {
                for pos in [locate(&damaged, path), locate_key(&damaged, path)]
                    .into_iter()
                    .flatten()
                {
                    let first = offset_of(&damaged, pos)
                        .and_then(|o| damaged.get(o..))
                        .and_then(|s| s.chars().next());
                    assert!(
                        matches!(
                            first,
                            Some('{' | '[' | '"' | '-' | '0'..='9' | 't' | 'f' | 'n')
                        ),
                        "{path} in {damaged:?}: {pos:?} points at {first:?}"
                    );
                }
            }
        }
    }
}
