//! Redaction of a transcript before it leaves the visitor's browser.
//!
//! A [`Redactor`] replaces personal data with a bracketed marker:
//!
//! * `[email]`: `local@domain.tld`. The local part is a run of letters, digits and
//!   `._%+-` (leading dots are left in the text); the domain is two or more labels of
//!   letters, digits and `-` (not at either end of a label) joined by single dots, and the
//!   last label (the TLD) is at least two letters. If the text after the `@` continues past
//!   a valid domain (`jane@example.com5`), the longest valid domain is taken.
//! * `[card]`: a run of decimal digits (ASCII, Arabic-Indic, Persian, Devanagari, Bengali,
//!   Thai or full-width `０`–`９`) in which up to three separators may sit between two
//!   digits (spaces, tabs, no-break and thin spaces, hyphens, en and em dashes, minus
//!   signs, dots, slashes, underscores, commas: `4111.1111…`, `4111 – 1111…`), when any
//!   window of 13–19 consecutive digits in the run passes the Luhn check. The whole run is
//!   replaced. A 16-digit run without such a window is not a card (and, being longer than
//!   15 digits, not a phone either).
//! * `[phone]`: an optional leading `+`, then 7–15 digits separated by single spaces,
//!   dashes or dots, with at most one parenthesised group of digits such as `(555)` or
//!   `(0)`. It is not a phone when touched by a letter (except from scripts written without
//!   spaces, such as Japanese), a digit, `_`, `#`, `@`, `/`, `\`, `%`, a currency sign or a
//!   marker bracket (`AB1234567`, `#1234567`, `€1234567`); when a `.`, `,` or `:` touching
//!   it has a digit on its other side (`12,3456789`); when it has exactly one dot (a
//!   decimal such as `1234567.89`); or when it is shaped like a date (`2024-01-15`,
//!   `15.01.2024`) or a range of years (`2019-2024`). Times (`10:30`), amounts (`€25.99`)
//!   and numbers with fewer than 7 digits are never phones.
//! * `[name]`: a match of a configured pattern, searched only in the text between
//!   markers, so it never rewrites a marker.
//!
//! Rules run in the order emails, configured patterns, cards, phones: an address is taken
//! whole before its digits are looked at, and a configured identifier such as an IBAN is
//! taken whole before the card rule can claim a Luhn-valid stretch of its digits.
//!
//! # Guarantee
//!
//! Whatever the input and configuration, the output contains no window of 13–19
//! consecutive digits (of any of the scripts above, ignoring up to three separators between
//! two digits) that passes the Luhn check. Redaction never panics, leaves text
//! without digits or `@` unchanged, and is idempotent: redacting its own output changes
//! nothing. With configured patterns, idempotence holds as long as their matches stop
//! uncovering new matches within 8 passes; real patterns settle in two.
//!
//! Every rule scans in time linear in the text; configured patterns are bounded in size
//! and run on regex-lite, whose matching never backtracks.

use std::borrow::Cow;
use std::fmt;

use regex_lite::{Regex, RegexBuilder};

mod card;
mod phone;

pub use card::luhn_valid;
use card::redact_cards;
use phone::redact_phones;

/// Longest configured pattern, in bytes: the compiled size, and so the search time per
/// byte of text, grows with it.
const MAX_PATTERN_LEN: usize = 512;
/// Compiled-size cap for a configured pattern. regex-lite's search costs roughly this
/// times the text length, so it bounds the work one pattern can add to a redaction.
/// 32 KiB is ten times an IBAN pattern and still rejects `.{1,500}`-style blow-ups.
const MAX_COMPILED_SIZE: usize = 32 * 1024;
/// Nesting cap for a configured pattern: plenty for real patterns, none for abuse.
const MAX_NEST: u32 = 16;
/// Longest pattern name: it becomes a marker in the transcript.
const MAX_NAME_LEN: usize = 32;
/// Most digits a pattern name may hold. With at most 6, its marker can never look like a
/// phone (7 digits) or a card (13), so the built-in rules leave markers alone.
const MAX_NAME_DIGITS: usize = 6;
/// Most passes [`Redactor::redact`] makes. With configured patterns, one rule's match can
/// uncover another's (a pattern cuts a digit run short enough to be a phone; a `[card]`
/// gives a pattern the word boundary it lacked), so passes repeat until one changes
/// nothing beyond emails. Real configurations settle in two; the cap bounds the cost of
/// hostile ones, whose output is then still free of cards (see the module guarantee).
const MAX_PASSES: usize = 8;

const CARD: &str = "[card]";
const EMAIL: &str = "[email]";
const PHONE: &str = "[phone]";

/// Fewest and most digits in a phone number (E.164 caps numbers at 15 digits).
const PHONE_DIGITS: std::ops::RangeInclusive<usize> = 7..=15;

/// A compiled set of redaction rules: the built-in card, email and phone rules plus
/// configured patterns.
#[derive(Debug, Clone, Default)]
pub struct Redactor {
    rules: Vec<Rule>,
}

/// One configured pattern and the marker that replaces its matches.
#[derive(Debug, Clone)]
struct Rule {
    marker: String,
    regex: Regex,
}

/// A configured pattern that failed to compile or validate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatternError {
    /// The pattern's configured name, as given.
    pub name: String,
    /// Why the pattern was rejected.
    pub reason: String,
}

impl fmt::Display for PatternError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The name is user input: escape it so a stray newline cannot forge log lines.
        write!(f, "pattern `{}`: {}", self.name.escape_debug(), self.reason)
    }
}

impl std::error::Error for PatternError {}

impl Redactor {
    /// Only the built-in card, email and phone rules.
    pub fn builtin() -> Redactor {
        Redactor { rules: Vec::new() }
    }

    /// The built-in rules plus `(name, pattern)` pairs; each match of `pattern` becomes
    /// `[name]`. Patterns run in the given order, after the email rule and before the card
    /// and phone rules (see the module documentation for why).
    ///
    /// A name is 1–32 characters of `a-z`, `0-9`, `_` and `-`, with at most 6 digits so its
    /// marker never looks like a phone or card number. A pattern is regex-lite syntax of at
    /// most 512 bytes that compiles within a 32 KiB size limit and a nesting depth of 16,
    /// and that cannot match the empty string (it would insert markers everywhere).
    ///
    /// # Errors
    ///
    /// The first pattern that breaks one of these rules, with the reason.
    pub fn with_patterns<'a>(
        patterns: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Redactor, PatternError> {
        let rules = patterns
            .into_iter()
            .map(|(name, pattern)| compile_rule(name, pattern))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Redactor { rules })
    }

    /// Returns `text` with every match replaced by `[card]`, `[email]`, `[phone]` or a
    /// configured `[name]`; borrowed when nothing matched.
    pub fn redact<'t>(&self, text: &'t str) -> Cow<'t, str> {
        let mut owned: Option<String> = None;
        for _ in 0..MAX_PASSES {
            let (changed, settled) = self.pass(owned.as_deref().unwrap_or(text));
            if let Some(next) = changed {
                owned = Some(next);
            }
            if settled {
                break;
            }
        }
        match owned {
            Some(redacted) => Cow::Owned(redacted),
            None => Cow::Borrowed(text),
        }
    }

    /// Returns `text` with only card numbers replaced by `[card]`: for a field whose very
    /// purpose is an address or a number the visitor gives on purpose (the email they leave
    /// for a reply), where a card number still must not be kept.
    pub fn cards_only(text: &str) -> Cow<'_, str> {
        match redact_cards(text) {
            Some(redacted) => Cow::Owned(redacted),
            None => Cow::Borrowed(text),
        }
    }

    /// Whether `text` is exactly one marker this redactor writes (`[card]`, `[email]`,
    /// `[phone]` or a configured `[name]`): all that is left of an answer it removed whole.
    pub fn is_marker(&self, text: &str) -> bool {
        [CARD, EMAIL, PHONE].contains(&text) || self.rules.iter().any(|r| r.marker == text)
    }

    /// Replaces card numbers inside `value` in place: in every string, and in every number
    /// whose digits make one (a card given as a JSON number becomes the string `[card]`).
    /// For what a site hands over on purpose, profile attributes, where only cards must go.
    pub fn cards_in_json(value: &mut serde_json::Value) {
        use serde_json::Value;
        match value {
            Value::String(text) => {
                if let Some(redacted) = redact_cards(text) {
                    *text = redacted;
                }
            }
            Value::Number(number) => {
                if let Some(redacted) = redact_cards(&number.to_string()) {
                    *value = Value::String(redacted);
                }
            }
            Value::Array(items) => items.iter_mut().for_each(Redactor::cards_in_json),
            Value::Object(fields) => fields.values_mut().for_each(Redactor::cards_in_json),
            Value::Null | Value::Bool(_) => {}
        }
    }

    /// One pass of every rule. Returns the new text if anything changed, and whether
    /// another pass is sure to change nothing.
    ///
    /// Order: emails first, as the only rule keyed on `@`, so an address holding digits
    /// becomes `[email]` whole instead of losing its digits to the numeric rules and
    /// leaking the rest. Configured patterns next: they name specific identifiers (IBANs,
    /// account numbers) whose long digit tails the generic card rule would otherwise carve
    /// up, leaving `GB82WEST[card]`. Cards and then phones last, so the card guarantee is
    /// checked on text that nothing rewrites afterwards except by cutting runs shorter.
    fn pass(&self, text: &str) -> (Option<String>, bool) {
        let mut owned = if text.contains('@') {
            redact_emails(text)
        } else {
            None
        };
        let mut changed_after_emails = false;
        for rule in &self.rules {
            if let Some(next) = self.apply_rule(rule, owned.as_deref().unwrap_or(text)) {
                owned = Some(next);
                changed_after_emails = true;
            }
        }
        let current = owned.as_deref().unwrap_or(text);
        // Most chat lines hold no digit at all: a byte scan skips both digit scanners.
        if current
            .bytes()
            .any(|b| b.is_ascii_digit() || DIGIT_LEADS.contains(&b))
        {
            for stage in [redact_cards as fn(&str) -> Option<String>, redact_phones] {
                if let Some(next) = stage(owned.as_deref().unwrap_or(text)) {
                    owned = Some(next);
                    changed_after_emails = true;
                }
            }
        }
        // The built-in rules are idempotent on their own. With configured patterns, a
        // match can cut a longer run short and uncover a phone, or a card or phone marker
        // can give a pattern the word boundary it lacked, so only a pass in which nothing
        // but emails changed proves the text settled.
        let settled = self.rules.is_empty() || !changed_after_emails;
        (owned, settled)
    }

    /// Replaces the matches of one configured pattern, searching only the text between
    /// markers so that no pattern can rewrite a marker (which would break idempotence).
    fn apply_rule(&self, rule: &Rule, text: &str) -> Option<String> {
        let mut out = Output::new(text);
        let mut fragment_start = 0;
        let markers = self.marker_spans(text);
        let fragment_ends = markers
            .iter()
            .copied()
            .chain(std::iter::once((text.len(), text.len())));
        for (fragment_end, next_start) in fragment_ends {
            // Cutting the haystack at the marker keeps matches inside the fragment, while
            // the text before the fragment still serves as look-behind context.
            if let Some(haystack) = text.get(..fragment_end) {
                let mut at = fragment_start;
                while at < fragment_end {
                    let Some(found) = rule.regex.find_at(haystack, at) else {
                        break;
                    };
                    if found.end() > found.start() {
                        out.replace(found.start(), found.end(), &rule.marker);
                        at = found.end();
                    } else {
                        // Empty matches are rejected when the pattern is compiled; skipping
                        // one here only guards against looping forever.
                        at = found.end() + char_at(text, found.end()).map_or(1, char::len_utf8);
                    }
                }
            }
            fragment_start = next_start;
        }
        out.finish()
    }

    /// Byte spans of the markers (built-in or configured) already in `text`, in order.
    fn marker_spans(&self, text: &str) -> Vec<(usize, usize)> {
        let bytes = text.as_bytes();
        let mut spans = Vec::new();
        let mut i = 0;
        while let Some(offset) = bytes
            .get(i..)
            .and_then(|rest| rest.iter().position(|&b| b == b'['))
        {
            let start = i + offset;
            // A marker name is at most MAX_NAME_LEN bytes of [a-z0-9_-], so the scan for
            // the closing bracket is bounded and the whole search stays linear.
            let close = bytes
                .iter()
                .skip(start + 1)
                .take(MAX_NAME_LEN + 1)
                .position(|&b| !is_name_byte(b))
                .map(|len| start + 1 + len);
            match close {
                Some(end)
                    if bytes.get(end) == Some(&b']')
                        && text.get(start..=end).is_some_and(|m| self.is_marker(m)) =>
                {
                    spans.push((start, end + 1));
                    i = end + 1;
                }
                _ => i = start + 1,
            }
        }
        spans
    }
}

/// Checks a configured pattern and compiles it.
fn compile_rule(name: &str, pattern: &str) -> Result<Rule, PatternError> {
    let fail = |reason: String| PatternError {
        name: name.to_owned(),
        reason,
    };
    if name.is_empty() || name.len() > MAX_NAME_LEN || !name.bytes().all(is_name_byte) {
        return Err(fail(format!(
            "name must be 1 to {MAX_NAME_LEN} characters of a-z, 0-9, `_` or `-`"
        )));
    }
    if name.bytes().filter(u8::is_ascii_digit).count() > MAX_NAME_DIGITS {
        return Err(fail(format!(
            "name has more than {MAX_NAME_DIGITS} digits, so its marker could look like a phone or card number"
        )));
    }
    if pattern.len() > MAX_PATTERN_LEN {
        return Err(fail(format!(
            "pattern is {} bytes, longer than the {MAX_PATTERN_LEN}-byte limit",
            pattern.len()
        )));
    }
    let regex = RegexBuilder::new(pattern)
        .size_limit(MAX_COMPILED_SIZE)
        .nest_limit(MAX_NEST)
        .build()
        .map_err(|err| fail(err.to_string()))?;
    if matches_empty(&regex) {
        return Err(fail("pattern can match the empty string".to_owned()));
    }
    Ok(Rule {
        marker: format!("[{name}]"),
        regex,
    })
}

/// Whether `regex` can match the empty string anywhere.
///
/// An empty match depends only on the assertions at one position, and regex-lite's
/// assertions (`^`, `$`, `\A`, `\z`, `\b`, `\B` and their multi-line and CRLF forms) look
/// only at the characters on either side, as one of: none, an ASCII word character, a line
/// feed, a carriage return, or anything else. Trying every pair of those is exhaustive.
/// `shortest_match_at` reports a match as soon as one is possible, so a result equal to the
/// start offset means an empty match there, even when a longer one would be preferred.
fn matches_empty(regex: &Regex) -> bool {
    const CONTEXT: [&str; 5] = ["", "a", " ", "\n", "\r"];
    CONTEXT.iter().any(|before| {
        CONTEXT.iter().any(|after| {
            let haystack = format!("{before}{after}");
            regex.shortest_match_at(&haystack, before.len()) == Some(before.len())
        })
    })
}

fn is_name_byte(b: u8) -> bool {
    b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-'
}

/// The zeros of the decimal digit blocks read as digits: ASCII, Arabic-Indic, Extended
/// Arabic-Indic (Persian, Urdu), Devanagari, Bengali, Thai and full-width. Each block is
/// ten consecutive code points, zero first.
const DIGIT_ZEROS: [u32; 7] = [0x30, 0x660, 0x6F0, 0x966, 0x9E6, 0xE50, 0xFF10];

/// The first bytes of the UTF-8 encodings of the non-ASCII digits above (`D9`, `DB`: the
/// Arabic blocks; `E0`: Devanagari, Bengali, Thai; `EF`: full-width); lets a byte scan
/// decide cheaply that a text holds no digits at all.
const DIGIT_LEADS: [u8; 4] = [0xD9, 0xDB, 0xE0, 0xEF];

/// The value of a decimal digit of one of the [`DIGIT_ZEROS`] blocks.
fn digit_value(c: char) -> Option<u8> {
    let code = u32::from(c);
    DIGIT_ZEROS
        .iter()
        .find(|&&zero| (zero..zero + 10).contains(&code))
        .and_then(|zero| u8::try_from(code - zero).ok())
}

fn is_digit(c: char) -> bool {
    digit_value(c).is_some()
}

fn char_at(text: &str, at: usize) -> Option<char> {
    text.get(at..)?.chars().next()
}

fn char_before(text: &str, at: usize) -> Option<char> {
    text.get(..at)?.chars().next_back()
}

/// Builds the redacted text lazily: nothing is allocated until the first replacement.
struct Output<'t> {
    source: &'t str,
    buffer: Option<String>,
    copied: usize,
}

impl<'t> Output<'t> {
    fn new(source: &'t str) -> Self {
        Output {
            source,
            buffer: None,
            copied: 0,
        }
    }

    /// Replaces `source[start..end]` by `marker`. Spans arrive in order, never overlapping.
    fn replace(&mut self, start: usize, end: usize, marker: &str) {
        let buffer = self
            .buffer
            .get_or_insert_with(|| String::with_capacity(self.source.len()));
        buffer.push_str(self.source.get(self.copied..start).unwrap_or_default());
        buffer.push_str(marker);
        self.copied = end;
    }

    fn finish(self) -> Option<String> {
        let mut buffer = self.buffer?;
        buffer.push_str(self.source.get(self.copied..).unwrap_or_default());
        Some(buffer)
    }
}

/// Replaces each `local@domain.tld` by `[email]`.
fn redact_emails(text: &str) -> Option<String> {
    let mut out = Output::new(text);
    // Bytes before `done` belong to an email already replaced: a local part must not
    // reach back into it.
    let mut done = 0;
    let mut search = 0;
    while let Some(offset) = text.get(search..).and_then(|rest| rest.find('@')) {
        let at = search + offset;
        search = at + 1;
        // '@' is neither a local-part nor a domain character, so each character is walked
        // by at most one leftward and one rightward scan: linear overall.
        let mut start = at;
        while start > done {
            match char_before(text, start) {
                Some(c) if is_local_char(c) => start -= c.len_utf8(),
                _ => break,
            }
        }
        while start < at && text.as_bytes().get(start) == Some(&b'.') {
            start += 1;
        }
        if start == at {
            continue;
        }
        if let Some(end) = domain_end(text, at + 1) {
            out.replace(start, end, EMAIL);
            done = end;
            search = end;
        }
    }
    out.finish()
}

fn is_local_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '.' | '_' | '%' | '+' | '-')
}

/// End of the longest valid domain starting at `from`, if any.
///
/// Taking the longest valid prefix, rather than requiring the domain to end at a non-domain
/// character, means cutting the text after it (as a later rule may) can never turn a
/// rejected domain into an accepted one: that keeps redaction idempotent.
fn domain_end(text: &str, from: usize) -> Option<usize> {
    let mut best = None;
    let mut at = from;
    let mut labels_done = 0;
    let mut label_len = 0;
    let mut label_alphabetic = true;
    let mut label_starts_with_dash = false;
    let mut label_ends_with_dash = false;
    while let Some(c) = char_at(text, at) {
        if c == '.' {
            if label_len == 0 || label_starts_with_dash || label_ends_with_dash {
                break;
            }
            labels_done += 1;
            label_len = 0;
            label_alphabetic = true;
        } else if c.is_alphanumeric() || c == '-' {
            if label_len == 0 {
                label_starts_with_dash = c == '-';
            }
            label_len += 1;
            label_alphabetic &= c.is_alphabetic();
            label_ends_with_dash = c == '-';
        } else {
            break;
        }
        at += c.len_utf8();
        // A top-level domain is at least two letters after at least one dotted label.
        if labels_done > 0 && label_alphabetic && label_len >= 2 {
            best = Some(at);
        }
    }
    best
}

#[cfg(test)]
mod tests;
