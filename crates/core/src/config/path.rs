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
mod tests;
