//! The card rule: runs of digits, with the gaps people type between groups, in which some
//! window of 13–19 digits passes the Luhn check (see the module documentation of `redact`).

use super::{CARD, Output, char_at, digit_value, is_digit};

/// Window lengths checked for card numbers (ISO/IEC 7812 numbers are 13 to 19 digits).
const CARD_MIN: usize = 13;

const CARD_MAX: usize = 19;

/// Luhn checksum over ASCII digits: `true` when `digits` is non-empty, all ASCII digits,
/// and the checksum is a multiple of ten.
pub fn luhn_valid(digits: &[u8]) -> bool {
    !digits.is_empty()
        && digits.iter().all(u8::is_ascii_digit)
        && luhn_sum(digits.iter().rev().map(|d| d - b'0')).is_multiple_of(10)
}

/// The Luhn sum of digit values given from the rightmost (the check digit) leftwards.
pub(super) fn luhn_sum(from_right: impl Iterator<Item = u8>) -> u32 {
    from_right
        .enumerate()
        .map(|(i, d)| u32::from(if i % 2 == 1 { luhn_double(d) } else { d }))
        .sum()
}

/// A digit doubled by the Luhn rule, with the two digits of the product added.
pub(super) fn luhn_double(d: u8) -> u8 {
    let doubled = d * 2;
    if doubled > 9 { doubled - 9 } else { doubled }
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

/// Replaces every digit run holding a Luhn-valid window of 13–19 digits by `[card]`.
pub(super) fn redact_cards(text: &str) -> Option<String> {
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
