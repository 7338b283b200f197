//! Splitting a message into words, emoji and clause or sentence breaks.

use super::KEY_CAP;
use super::emoji::{emoji_valence, emoticon_at};

/// One unit of the message, in order.
#[derive(Clone, Copy)]
pub(super) enum Piece {
    Word(Token),
    Emoji(f32),
    Break(Boundary),
}

/// Punctuation that ends the reach of negators and intensifiers.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Boundary {
    /// `,` `;` `:` and dashes: the clause ends, the sentence goes on.
    Clause,
    /// `.` `?` newline: a new sentence starts.
    Sentence,
    /// `!`: a new sentence starts, and the message gets louder.
    Exclamation,
}

/// A word as the lexer saw it: its lookup key and how it was written.
#[derive(Clone, Copy)]
pub(super) struct Token {
    key: [u8; KEY_CAP],
    len: usize,
    /// False when the word has non-ASCII letters or is too long for any entry.
    pub(super) matchable: bool,
    /// ALL CAPS, at least two letters.
    pub(super) shouted: bool,
    /// Some letter repeated three or more times in a row.
    pub(super) stretched: bool,
    /// Ended in `n't`: a negator even if the table does not know it ("mightn't").
    pub(super) negative_contraction: bool,
}

impl Token {
    pub(super) fn key(&self) -> &[u8] {
        self.key.get(..self.len).unwrap_or_default()
    }
}

/// Collects one word's characters into a [`Token`].
#[derive(Default)]
struct TokenBuilder {
    key: [u8; KEY_CAP],
    len: usize,
    started: bool,
    foreign: bool,
    overflow: bool,
    upper: u8,
    lower: bool,
    last: u8,
    run: u8,
    stretched: bool,
    /// Inside the part after an apostrophe, which is not part of the key.
    after_apostrophe: bool,
    /// Characters seen after the apostrophe (saturating).
    suffix_len: u8,
    /// The part after the apostrophe is exactly "t".
    suffix_is_t: bool,
}

impl TokenBuilder {
    fn push_ascii(&mut self, byte: u8) {
        self.started = true;
        if byte.is_ascii_uppercase() {
            self.upper = self.upper.saturating_add(1);
        } else if byte.is_ascii_lowercase() {
            self.lower = true;
        }
        if self.after_apostrophe {
            self.suffix_is_t = self.suffix_len == 0 && byte.eq_ignore_ascii_case(&b't');
            self.suffix_len = self.suffix_len.saturating_add(1);
            return;
        }
        let byte = byte.to_ascii_lowercase();
        self.track_run(byte);
        self.push_key(byte);
    }

    fn push_foreign(&mut self) {
        self.started = true;
        self.foreign = true;
    }

    fn push_apostrophe(&mut self) {
        if self.after_apostrophe {
            // A second apostrophe ("rock'n'roll"): the suffix can no longer be "t".
            self.suffix_len = u8::MAX;
            self.suffix_is_t = false;
        } else {
            self.after_apostrophe = true;
        }
    }

    fn track_run(&mut self, byte: u8) {
        if byte == self.last && byte.is_ascii_alphabetic() {
            self.run = self.run.saturating_add(1);
            self.stretched |= self.run >= 3;
        } else {
            self.last = byte;
            self.run = 1;
        }
    }

    fn push_key(&mut self, byte: u8) {
        match self.key.get_mut(self.len) {
            Some(slot) => {
                *slot = byte;
                self.len += 1;
            }
            None => self.overflow = true,
        }
    }

    /// Finishes the current word, if any, and resets for the next one.
    fn take(&mut self) -> Option<Token> {
        if !self.started {
            return None;
        }
        let negative_contraction =
            self.after_apostrophe && self.suffix_is_t && self.key().last() == Some(&b'n');
        if negative_contraction {
            // "don't" → "dont", so both spellings share one entry.
            self.push_key(b't');
        }
        let token = Token {
            key: self.key,
            len: self.len,
            matchable: !self.foreign && !self.overflow && self.len > 0,
            shouted: self.upper >= 2 && !self.lower,
            stretched: self.stretched,
            negative_contraction,
        };
        *self = Self::default();
        Some(token)
    }

    fn key(&self) -> &[u8] {
        self.key.get(..self.len).unwrap_or_default()
    }
}

/// Splits `text` into words, emoji and boundaries, in order.
pub(super) fn lex(text: &str, mut emit: impl FnMut(Piece)) {
    let bytes = text.as_bytes();
    let mut word = TokenBuilder::default();
    let mut chars = text.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        if c.is_ascii_alphanumeric() {
            // `c` is ASCII, so the cast keeps it whole.
            word.push_ascii(c as u8);
            continue;
        }
        if !c.is_ascii() && c.is_alphanumeric() {
            word.push_foreign();
            continue;
        }
        let inside_word = word.started && chars.peek().is_some_and(|&(_, n)| n.is_alphanumeric());
        if inside_word && is_apostrophe(c) {
            word.push_apostrophe();
            continue;
        }
        if let Some(token) = word.take() {
            emit(Piece::Word(token));
        }
        if let Some(emoticon) = emoticon_at(bytes.get(at..).unwrap_or_default()) {
            // Emoticons are ASCII: one char per byte, and `c` was the first.
            for _ in 1..emoticon.len {
                chars.next();
            }
            emit(Piece::Emoji(emoticon.valence));
        } else if let Some(valence) = emoji_valence(c) {
            emit(Piece::Emoji(f32::from(valence)));
        } else if let Some(boundary) = boundary(c) {
            emit(Piece::Break(boundary));
        }
    }
    if let Some(token) = word.take() {
        emit(Piece::Word(token));
    }
}

fn is_apostrophe(c: char) -> bool {
    // ASCII, typographic (phones substitute it) and modifier-letter apostrophes.
    matches!(c, '\'' | '\u{2019}' | '\u{02BC}')
}

fn boundary(c: char) -> Option<Boundary> {
    match c {
        ',' | ';' | ':' | '\u{2013}' | '\u{2014}' | '\u{FF0C}' | '\u{3001}' | '\u{FF1B}' => {
            Some(Boundary::Clause)
        }
        '.' | '?' | '\n' | '\u{2026}' | '\u{3002}' | '\u{FF1F}' => Some(Boundary::Sentence),
        '!' | '\u{FF01}' => Some(Boundary::Exclamation),
        _ => None,
    }
}
