//! The phone rule: an optional `+`, 7–15 digits with single separators and at most one
//! bracketed group, not touched by what makes it something else (see the module
//! documentation of `redact`).

use super::{Output, PHONE, PHONE_DIGITS, char_at, char_before, digit_value, is_digit};

/// Replaces phone numbers by `[phone]`; see the module documentation for what counts.
pub(super) fn redact_phones(text: &str) -> Option<String> {
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
