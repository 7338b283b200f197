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
/// Window lengths checked for card numbers (ISO/IEC 7812 numbers are 13 to 19 digits).
const CARD_MIN: usize = 13;
const CARD_MAX: usize = 19;

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
                    if bytes.get(end) == Some(&b']') && self.is_marker(text.get(start..=end)) =>
                {
                    spans.push((start, end + 1));
                    i = end + 1;
                }
                _ => i = start + 1,
            }
        }
        spans
    }

    fn is_marker(&self, candidate: Option<&str>) -> bool {
        candidate.is_some_and(|c| {
            [CARD, EMAIL, PHONE].contains(&c) || self.rules.iter().any(|rule| rule.marker == c)
        })
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

/// Luhn checksum over ASCII digits: `true` when `digits` is non-empty, all ASCII digits,
/// and the checksum is a multiple of ten.
pub fn luhn_valid(digits: &[u8]) -> bool {
    !digits.is_empty()
        && digits.iter().all(u8::is_ascii_digit)
        && luhn_sum(digits.iter().rev().map(|d| d - b'0')).is_multiple_of(10)
}

/// The Luhn sum of digit values given from the rightmost (the check digit) leftwards.
fn luhn_sum(from_right: impl Iterator<Item = u8>) -> u32 {
    from_right
        .enumerate()
        .map(|(i, d)| u32::from(if i % 2 == 1 { luhn_double(d) } else { d }))
        .sum()
}

/// A digit doubled by the Luhn rule, with the two digits of the product added.
fn luhn_double(d: u8) -> u8 {
    let doubled = d * 2;
    if doubled > 9 { doubled - 9 } else { doubled }
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

/// Most separator characters between two digits of one card number: `4111 - 1111` has
/// three.
const MAX_CARD_GAP: usize = 3;

/// What people type between the groups of a card number: spaces (also tab, no-break and
/// thin spaces), dashes (hyphens, en and em dashes, minus), dots, slashes, underscores and
/// commas.
fn is_card_separator(c: char) -> bool {
    matches!(
        c,
        ' ' | '\t' | '\u{A0}' | '\u{2007}' | '\u{2009}' | '\u{202F}' | '-' | '\u{2010}'
            ..='\u{2014}' | '\u{2212}' | '.' | '/' | '_' | ','
    )
}

/// The byte length of 1–[`MAX_CARD_GAP`] separators at `at` followed by a digit, if that is
/// what is there: the gap inside a card number.
fn card_gap(text: &str, at: usize) -> Option<usize> {
    let mut end = at;
    for _ in 0..MAX_CARD_GAP {
        let c = char_at(text, end).filter(|&c| is_card_separator(c))?;
        end += c.len_utf8();
        if char_at(text, end).is_some_and(is_digit) {
            return Some(end - at);
        }
    }
    None
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

/// Replaces every digit run holding a Luhn-valid window of 13–19 digits by `[card]`.
fn redact_cards(text: &str) -> Option<String> {
    let mut out = Output::new(text);
    let mut digits = Vec::new();
    let mut at = 0;
    while let Some(c) = char_at(text, at) {
        if !is_digit(c) {
            at += c.len_utf8();
            continue;
        }
        let start = at;
        let mut end = at;
        digits.clear();
        while let Some(c) = char_at(text, end) {
            if let Some(d) = digit_value(c) {
                digits.push(d);
                end += c.len_utf8();
            } else if let Some(gap) = card_gap(text, end) {
                // The digit after the gap is taken next round.
                end += gap;
            } else {
                break;
            }
        }
        if has_luhn_window(&digits) {
            out.replace(start, end, CARD);
        }
        at = end;
    }
    out.finish()
}

/// Whether any 13–19 consecutive digit values pass the Luhn check.
///
/// For each possible check digit the sums of all window lengths ending there are built in
/// one walk leftwards: 19 steps per digit rather than one Luhn run per window.
fn has_luhn_window(digits: &[u8]) -> bool {
    (CARD_MIN..=digits.len()).any(|end| {
        let mut sum = 0u32;
        digits
            .get(end.saturating_sub(CARD_MAX)..end)
            .unwrap_or_default()
            .iter()
            .rev()
            .enumerate()
            .any(|(i, &d)| {
                sum += u32::from(if i % 2 == 1 { luhn_double(d) } else { d });
                i + 1 >= CARD_MIN && sum.is_multiple_of(10)
            })
    })
}

/// Replaces phone numbers by `[phone]`; see the module documentation for what counts.
fn redact_phones(text: &str) -> Option<String> {
    let mut out = Output::new(text);
    let mut at = 0;
    while let Some(c) = char_at(text, at) {
        if !is_phone_char(c) {
            at += c.len_utf8();
            continue;
        }
        // The candidate is the maximal span of phone characters with single separators
        // between them. It is judged whole and never split into parts: a span that fails
        // stays put, and running the rule again on the output finds the same span.
        let start = at;
        let mut end = at + c.len_utf8();
        while let Some(c) = char_at(text, end) {
            if is_phone_char(c) {
                end += c.len_utf8();
            } else if is_phone_separator(c) && char_at(text, end + 1).is_some_and(is_phone_char) {
                end += 1;
            } else {
                break;
            }
        }
        at = end;
        let Some((core_start, core_end)) = trim_phone(text, start, end) else {
            continue;
        };
        let core = text.get(core_start..core_end).unwrap_or_default();
        if is_phone(core) && !phone_blocked(text, core_start, core_end) {
            out.replace(core_start, core_end, PHONE);
        }
    }
    out.finish()
}

fn is_phone_char(c: char) -> bool {
    is_digit(c) || matches!(c, '+' | '(' | ')')
}

fn is_phone_separator(c: char) -> bool {
    matches!(c, ' ' | '-' | '.')
}

/// Narrows a span to start at a digit, `+` or `(` and end at a digit or `)`.
fn trim_phone(text: &str, mut start: usize, mut end: usize) -> Option<(usize, usize)> {
    while start < end {
        match char_at(text, start) {
            Some(c) if !(is_digit(c) || c == '+' || c == '(') => start += c.len_utf8(),
            _ => break,
        }
    }
    while end > start {
        match char_before(text, end) {
            Some(c) if !(is_digit(c) || c == ')') => end -= c.len_utf8(),
            _ => break,
        }
    }
    (start < end).then_some((start, end))
}

/// Whether the text around a phone candidate shows it is part of something else.
fn phone_blocked(text: &str, start: usize, end: usize) -> bool {
    let before = char_before(text, start);
    let after = char_at(text, end);
    let blocks = |c: Option<char>| {
        c.is_some_and(|c| {
            (c.is_alphanumeric() && !is_unspaced_script(c))
                || matches!(
                    c,
                    '_' | '[' | ']' | '#' | '@' | '/' | '\\' | '%' | '$' | '\u{A2}'..='\u{A5}' | '\u{20A0}'..='\u{20CF}'
                )
        })
    };
    // A marker bracket counts as a digit two characters away: a rule that replaced the
    // digits there must not change this decision on the next run.
    let numeric = |c: Option<char>| c.is_some_and(|c| c.is_numeric() || c == '[' || c == ']');
    let punctuated = |c: Option<char>| matches!(c, Some('.' | ',' | ':'));
    let before2 = before.and_then(|c| char_before(text, start - c.len_utf8()));
    let after2 = after.and_then(|c| char_at(text, end + c.len_utf8()));
    blocks(before)
        || blocks(after)
        || (punctuated(before) && numeric(before2))
        || (punctuated(after) && numeric(after2))
}

/// Whether `c` belongs to a script written without spaces between words (Thai, kana, CJK
/// ideographs, Hangul), where a letter touching a number says nothing about the number:
/// `電話０９０-１２３４-５６７８` is a phone.
fn is_unspaced_script(c: char) -> bool {
    matches!(
        c,
        '\u{0E00}'..='\u{0EFF}'
            | '\u{3040}'..='\u{30FF}'
            | '\u{3400}'..='\u{4DBF}'
            | '\u{4E00}'..='\u{9FFF}'
            | '\u{AC00}'..='\u{D7AF}'
            | '\u{F900}'..='\u{FAFF}'
    )
}

/// Whether a trimmed candidate has the shape of a phone number.
fn is_phone(core: &str) -> bool {
    let mut digits = 0;
    let mut dots = 0;
    let mut paren_groups = 0;
    let mut in_paren = false;
    let mut paren_digits = 0;
    // Plain digit groups and the separators between them, to recognise dates.
    let mut groups = DigitGroups::default();
    for (i, c) in core.char_indices() {
        if let Some(d) = digit_value(c) {
            digits += 1;
            paren_digits += 1;
            groups.push_digit(d);
            continue;
        }
        match c {
            '+' if i == 0 => groups.decorated = true,
            '(' if paren_groups == 0 && !in_paren => {
                in_paren = true;
                paren_digits = 0;
                groups.decorated = true;
            }
            ')' if in_paren && paren_digits > 0 => {
                in_paren = false;
                paren_groups += 1;
            }
            ' ' | '-' | '.' if !in_paren => {
                dots += usize::from(c == '.');
                groups.push_separator(c);
            }
            _ => return false,
        }
    }
    !in_paren && PHONE_DIGITS.contains(&digits) && dots != 1 && !groups.is_date_or_years()
}

/// The digit groups of a candidate, enough of them to tell a date or year range.
#[derive(Default)]
struct DigitGroups {
    /// (digit count, value) of the first three groups.
    groups: [(u8, u32); 3],
    count: usize,
    separators: [char; 2],
    /// Set by a `+` or parenthesis: a bare date or year range has neither.
    decorated: bool,
}

impl DigitGroups {
    fn push_digit(&mut self, d: u8) {
        if self.count == 0 {
            self.count = 1;
        }
        if let Some((len, value)) = self.groups.get_mut(self.count - 1) {
            *len = len.saturating_add(1);
            *value = value.saturating_mul(10).saturating_add(u32::from(d));
        }
    }

    fn push_separator(&mut self, c: char) {
        if let Some(slot) = self.separators.get_mut(self.count.saturating_sub(1)) {
            *slot = c;
        }
        self.count += 1;
    }

    fn is_date_or_years(&self) -> bool {
        if self.decorated {
            return false;
        }
        let [(l0, v0), (l1, v1), (l2, _)] = self.groups;
        let [s0, s1] = self.separators;
        let short = |len: u8| (1..=2).contains(&len);
        let year = |len: u8, value: u32| len == 4 && (1900..=2099).contains(&value);
        match self.count {
            // 2024-01-15, 15.01.2024, 1-15-2024: the same dash or dot twice.
            3 => {
                s0 == s1
                    && matches!(s0, '-' | '.')
                    && ((l0 == 4 && short(l1) && short(l2)) || (short(l0) && short(l1) && l2 == 4))
            }
            // 2019-2024
            2 => s0 == '-' && year(l0, v0) && year(l1, v1) && v0 <= v1,
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests;
