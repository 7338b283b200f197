//! Sentiment of one visitor message, as a number in `-1.0..=1.0`.
//!
//! Baton uses it to notice a visitor getting upset with the bot. It is a small lexicon scorer
//! built for customer-support chat, run in the browser on every message, so it allocates
//! nothing and reads the text once.
//!
//! # Scoring rules
//!
//! 1. **Tokens.** The text is split on anything that is not a letter or digit; an apostrophe
//!    between letters stays inside the word. Words are ASCII-lowercased and looked up in a
//!    sorted table of about 580 support-chat words (see `sentiment/lexicon.rs`); words with
//!    non-ASCII letters never match but still count as tokens. `don't`, `can't`, `isn't`…
//!    become `dont`, `cant`, `isnt` (negators); other contractions keep the part before the
//!    apostrophe (`it's` → `it`, `he'll` → `he`). A word that is not in the table is retried
//!    without `-ing`, `-ed`, `-d`, `-es`, `-s` or `-ly`, and with letters repeated three or
//!    more times squeezed (`sooo` → `so`, `thaaanks` → `thanks`).
//! 2. **Valence.** Each sentiment word is worth −3..=3. Some words only lean negative in a
//!    support chat ("still", "again", "yet", "waiting") and count half. A few
//!    two-word phrases override their words ("kind of", "no one", "fed up", "good morning").
//! 3. **Negation.** `not`, `no`, `never`, `nobody`, `without`, `hardly`, the `n't` forms…
//!    affect the next 3 tokens of the same clause: a positive word flips to ×−0.8 ("not happy"),
//!    a negative word to ×−0.5 ("not bad" is only mildly positive). Outcome words that are
//!    neutral alone ("works", "arrived", "answers", "help") become −2 when negated ("never
//!    arrived", "doesn't work", "nobody answers"). Topic words such as "cancel" and "lawyer"
//!    lean mildly negative and are not flipped, nor are the half-weight words. "refund" is
//!    neutral on purpose: asking how refunds work is a question, not a complaint, and
//!    keyword triggers already see the topic.
//!    `never`, `nothing`, `nobody` also carry a negative valence of their own.
//! 4. **Intensifiers and dampeners** ("very", "so", "extremely" / "slightly", "a bit",
//!    "kind of") scale the next sentiment word within 2 tokens; inside a negation they work
//!    the other way ("not very good" is milder than "not good").
//! 5. **Contrast.** At `but`, `however` (and `although` mid-sentence) the score so far is
//!    halved and everything after it counts ×1.5. A sentence that *opens* with `although`,
//!    `though` or `despite` is a concession: its first clause counts ×0.5, the rest ×1.5.
//! 6. **Emphasis.** A sentiment word (or negator, intensifier) in ALL CAPS (≥ 2 letters)
//!    counts ×1.4, a stretched one (`sooo`) ×1.3. Each `!` in the message, up to 3, adds 15 %
//!    to the total (`!!!` = ×1.45); `?` changes nothing.
//! 7. **Emoji and emoticons** from a short table (😡 −3, 👍 +2, `:(` −2, `:)` +2, …) add their
//!    valence; they are not negated. A repeated emoticon tail (`:(((`) counts ×1.5.
//! 8. **Normalisation.** The weighted sum `x` becomes `x / sqrt(x² + 15)`: one strong word
//!    scores about ±0.6, two about ±0.85, and only long, strongly worded messages get near ±1.
//!    No sentiment (including empty text) scores exactly `0.0`.
//!
//! # Limits
//!
//! English only; other scripts score 0 apart from emoji. No sarcasm ("great, another
//! delay" is mixed), no grammar beyond the rules above, no spelling correction. Long messages
//! are not averaged, so a long rant scores more extreme than one angry word. The score says
//! how the visitor *sounds*, not what they want: one signal for a handoff, not the decision.

mod lexicon;

use std::cmp::Ordering;

use lexicon::{PHRASES, WORDS};

/// Scores one visitor message: -1.0 (very negative) ..= 1.0 (very positive), 0.0 neutral.
///
/// Never panics and always returns a finite value, whatever the input. See the
/// [module documentation](self) for the rules.
#[must_use]
pub fn score(text: &str) -> f32 {
    let mut tally = Tally::new();
    let mut phrases = PhraseJoiner::default();
    lex(text, |piece| phrases.push(piece, &mut tally));
    phrases.flush(&mut tally);
    tally.finish()
}

// ---- tuning -------------------------------------------------------------------------------

/// How many tokens after a negator it still applies to.
const NEGATION_REACH: u8 = 3;
/// How many tokens an intensifier waits for its sentiment word ("so very angry").
const SCALE_REACH: u8 = 2;
/// A negated positive word is nearly as strong the other way ("not happy" ≈ "unhappy")…
const NEGATED_POSITIVE: f32 = -0.8;
/// …but a negated negative word is only a weak positive ("not bad" ≠ "good").
const NEGATED_NEGATIVE: f32 = -0.5;
/// Valence of an expected outcome that did not happen ("never arrived", "doesn't work").
const EXPECTATION_FAILED: f32 = -2.0;
/// Words that only lean negative in a support chat count this much.
const HINT_WEIGHT: f32 = 0.5;
/// Weight of what came before a contrast ("nice app, but…") and of a leading concession.
const BEFORE_CONTRAST: f32 = 0.5;
/// Weight of what follows a contrast: the visitor's actual point.
const AFTER_CONTRAST: f32 = 1.5;
/// Emphasis of an ALL-CAPS word.
const CAPS_BOOST: f32 = 1.4;
/// Emphasis of a stretched word ("sooo", "thaaanks").
const STRETCH_BOOST: f32 = 1.3;
/// Emphasis of a repeated emoticon tail (":(((").
const REPEAT_BOOST: f32 = 1.5;
/// Each `!` multiplies the total by `1 + EXCLAMATION_STEP`, up to `MAX_EXCLAMATIONS`.
const EXCLAMATION_STEP: f32 = 0.15;
/// `!!!!!!` is no angrier than `!!!`.
const MAX_EXCLAMATIONS: u8 = 3;
/// Stacked intensifiers are capped so a "very very very…" flood stays finite.
const SCALE_LIMITS: (f32, f32) = (0.25, 4.0);
/// The `α` in `x / sqrt(x² + α)`: the raw sum at which the score is ±0.5 is `sqrt(α / 3)`.
const NORMALISATION_ALPHA: f32 = 15.0;
/// Longest word worth looking up (the lexicon's longest is 15 bytes; stretched words are
/// longer before squeezing).
const KEY_CAP: usize = 24;
/// Shortest stem tried after stripping a suffix, so "its" never becomes "it".
const MIN_STEM: usize = 3;

// ---- lexicon roles ------------------------------------------------------------------------

/// What a lexicon entry does to the score.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Role {
    /// A sentiment word, −3..=3; negation flips it.
    Word(i8),
    /// A complaint topic ("refund", "cancel", "lawyer"): negation does not flip it.
    Fixed(i8),
    /// Leans negative only in a support chat ("still", "again"): half weight, never flipped.
    Hint(i8),
    /// An outcome the visitor expects ("works", "arrived"): this valence alone, but
    /// [`EXPECTATION_FAILED`] when negated.
    Expected(i8),
    /// Negates the next tokens; carries its own valence too ("nobody" −2).
    Negator(i8),
    /// Scales the next sentiment word, in percent (150 = ×1.5, 50 = ×0.5).
    Scale(u8),
    /// "but", "however": what follows matters more.
    Contrast,
    /// "although", "though", "despite" opening a sentence: the first clause is conceded.
    /// Mid-sentence, `although` acts as a [`Role::Contrast`] and the others do nothing.
    Concession {
        /// Whether the word is a contrast when it does not open the sentence.
        mid_sentence_contrast: bool,
    },
    /// Known to carry nothing; stops a suffix fallback ("lately" is not "late").
    Neutral,
}

impl Role {
    /// Whether a suffix-stripped form may inherit this role ("refunds" → "refund"); modifiers
    /// and negators are listed in full, so their stems would only be accidents.
    fn inflects(self) -> bool {
        matches!(
            self,
            Role::Word(_) | Role::Fixed(_) | Role::Hint(_) | Role::Expected(_)
        )
    }
}

// ---- lexing -------------------------------------------------------------------------------

/// One unit of the message, in order.
#[derive(Clone, Copy)]
enum Piece {
    Word(Token),
    Emoji(f32),
    Break(Boundary),
}

/// Punctuation that ends the reach of negators and intensifiers.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Boundary {
    /// `,` `;` `:` and dashes: the clause ends, the sentence goes on.
    Clause,
    /// `.` `?` newline: a new sentence starts.
    Sentence,
    /// `!`: a new sentence starts, and the message gets louder.
    Exclamation,
}

/// A word as the lexer saw it: its lookup key and how it was written.
#[derive(Clone, Copy)]
struct Token {
    key: [u8; KEY_CAP],
    len: usize,
    /// False when the word has non-ASCII letters or is too long for any entry.
    matchable: bool,
    /// ALL CAPS, at least two letters.
    shouted: bool,
    /// Some letter repeated three or more times in a row.
    stretched: bool,
    /// Ended in `n't`: a negator even if the table does not know it ("mightn't").
    negative_contraction: bool,
}

impl Token {
    fn key(&self) -> &[u8] {
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
fn lex(text: &str, mut emit: impl FnMut(Piece)) {
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

// ---- emoji and emoticons ------------------------------------------------------------------

/// Common emoji with a clear mood, sorted by code point. Skin tones, variation selectors and
/// joiners are ignored, so "👍🏽" and "❤️" match their base character.
static EMOJI: &[(char, i8)] = &[
    ('\u{2639}', -2),  // ☹
    ('\u{263A}', 2),   // ☺
    ('\u{2665}', 2),   // ♥
    ('\u{2705}', 1),   // ✅
    ('\u{274C}', -1),  // ❌
    ('\u{2764}', 3),   // ❤
    ('\u{1F389}', 2),  // 🎉
    ('\u{1F44C}', 2),  // 👌
    ('\u{1F44D}', 2),  // 👍
    ('\u{1F44E}', -2), // 👎
    ('\u{1F44F}', 2),  // 👏
    ('\u{1F47F}', -3), // 👿
    ('\u{1F494}', -2), // 💔
    ('\u{1F495}', 2),  // 💕
    ('\u{1F496}', 2),  // 💖
    ('\u{1F499}', 2),  // 💙
    ('\u{1F49A}', 2),  // 💚
    ('\u{1F49B}', 2),  // 💛
    ('\u{1F49C}', 2),  // 💜
    ('\u{1F4A9}', -2), // 💩
    ('\u{1F4AF}', 2),  // 💯
    ('\u{1F600}', 2),  // 😀
    ('\u{1F601}', 2),  // 😁
    ('\u{1F602}', 1),  // 😂 (often mocking, so only mildly positive)
    ('\u{1F603}', 2),  // 😃
    ('\u{1F604}', 2),  // 😄
    ('\u{1F606}', 2),  // 😆
    ('\u{1F607}', 2),  // 😇
    ('\u{1F609}', 1),  // 😉
    ('\u{1F60A}', 2),  // 😊
    ('\u{1F60D}', 3),  // 😍
    ('\u{1F60E}', 1),  // 😎
    ('\u{1F610}', -1), // 😐
    ('\u{1F611}', -1), // 😑
    ('\u{1F612}', -2), // 😒
    ('\u{1F613}', -1), // 😓
    ('\u{1F614}', -2), // 😔
    ('\u{1F615}', -1), // 😕
    ('\u{1F616}', -2), // 😖
    ('\u{1F618}', 2),  // 😘
    ('\u{1F61E}', -2), // 😞
    ('\u{1F61F}', -2), // 😟
    ('\u{1F620}', -3), // 😠
    ('\u{1F621}', -3), // 😡
    ('\u{1F622}', -2), // 😢
    ('\u{1F623}', -2), // 😣
    ('\u{1F624}', -2), // 😤
    ('\u{1F625}', -2), // 😥
    ('\u{1F629}', -2), // 😩
    ('\u{1F62B}', -2), // 😫
    ('\u{1F62C}', -1), // 😬
    ('\u{1F62D}', -3), // 😭
    ('\u{1F630}', -2), // 😰
    ('\u{1F631}', -2), // 😱
    ('\u{1F641}', -2), // 🙁
    ('\u{1F642}', 1),  // 🙂
    ('\u{1F644}', -2), // 🙄
    ('\u{1F64C}', 2),  // 🙌
    ('\u{1F64F}', 2),  // 🙏
    ('\u{1F922}', -2), // 🤢
    ('\u{1F923}', 1),  // 🤣
    ('\u{1F926}', -2), // 🤦
    ('\u{1F929}', 3),  // 🤩
    ('\u{1F92C}', -3), // 🤬
    ('\u{1F92E}', -3), // 🤮
    ('\u{1F92F}', -2), // 🤯
    ('\u{1F970}', 3),  // 🥰
    ('\u{1F973}', 2),  // 🥳
];

/// ASCII emoticons; a longer one comes before any shorter one it starts with.
static EMOTICONS: &[(&str, i8)] = &[
    (">:(", -3),
    (":'(", -3),
    (":-(", -2),
    (":-)", 2),
    (":-D", 2),
    (":-/", -1),
    (";-)", 1),
    ("</3", -2),
    (":(", -2),
    (":)", 2),
    (":D", 2),
    (":[", -1),
    (":]", 1),
    (";)", 1),
    ("=(", -2),
    ("=)", 2),
    ("<3", 3),
];

fn emoji_valence(c: char) -> Option<i8> {
    if c.is_ascii() {
        return None;
    }
    EMOJI
        .binary_search_by_key(&c, |&(emoji, _)| emoji)
        .ok()
        .and_then(|i| EMOJI.get(i))
        .map(|&(_, valence)| valence)
}

/// An emoticon found at the start of some bytes.
struct Emoticon {
    /// Bytes it spans, including a repeated tail.
    len: usize,
    valence: f32,
}

/// Matches an emoticon at the start of `rest`. It must not run into a letter or digit, so
/// "x=(a+b)", "<30 days" and ":Dear" are not faces.
fn emoticon_at(rest: &[u8]) -> Option<Emoticon> {
    if !matches!(rest.first(), Some(b':' | b';' | b'=' | b'<' | b'>')) {
        return None;
    }
    let (face, valence) = EMOTICONS
        .iter()
        .find(|(face, _)| rest.starts_with(face.as_bytes()))?;
    let face = face.as_bytes();
    let tail = face.last().copied();
    let repeats = rest
        .get(face.len()..)
        .unwrap_or_default()
        .iter()
        .take_while(|&&b| Some(b) == tail && !b.is_ascii_alphanumeric())
        .count();
    let len = face.len() + repeats;
    if rest.get(len).is_some_and(u8::is_ascii_alphanumeric) {
        return None;
    }
    let boost = if repeats > 0 { REPEAT_BOOST } else { 1.0 };
    Some(Emoticon {
        len,
        valence: f32::from(*valence) * boost,
    })
}

// ---- lookup -------------------------------------------------------------------------------

/// A token with its meaning resolved.
#[derive(Clone, Copy)]
struct Term {
    /// `None` for words the lexicon does not know; they still use up negation reach.
    role: Option<Role>,
    emphasis: f32,
}

/// Byte-wise order of two short keys. An inline loop: most keys differ in the first byte or
/// two, and a `memcmp` call costs more than that (it was most of the scorer's time).
fn compare_keys(a: &[u8], b: &[u8]) -> Ordering {
    for (x, y) in a.iter().zip(b) {
        if x != y {
            return x.cmp(y);
        }
    }
    a.len().cmp(&b.len())
}

/// Where each initial letter's entries start in [`WORDS`] (`[26]` is the end), so a lookup
/// binary-searches ~25 entries instead of ~580. Computed by the compiler from the table.
static LETTER_STARTS: [usize; 27] = letter_starts(WORDS);

/// Runs at compile time only: every index is bounded by its loop, and a mistake here would
/// fail the build, not a visitor's message.
const fn letter_starts(words: &[(&str, Role)]) -> [usize; 27] {
    let mut starts = [0; 27];
    let mut letter = 0;
    let mut i = 0;
    while letter < 26 {
        while i < words.len() && words[i].0.as_bytes()[0] < b'a' + letter as u8 {
            i += 1;
        }
        starts[letter] = i;
        letter += 1;
    }
    starts[26] = words.len();
    starts
}

/// A Bloom filter over lexicon keys, filled by the compiler: two bits of 8,192 per key. A
/// key without both bits set is certainly not listed, so most words of a message — which
/// the lexicon does not know — skip the binary search (about 2 % of unknown words get
/// through to it and miss there).
struct KeyFilter([u64; 128]);

impl KeyFilter {
    const fn bits(key: &[u8]) -> (usize, usize) {
        // FNV-1a, 32 bits.
        let mut hash: u32 = 0x811c_9dc5;
        let mut i = 0;
        while i < key.len() {
            hash ^= key[i] as u32;
            hash = hash.wrapping_mul(0x0100_0193);
            i += 1;
        }
        ((hash & 8191) as usize, ((hash >> 13) & 8191) as usize)
    }

    /// Runs at compile time only (an out-of-range index would fail the build).
    const fn with(mut self, key: &[u8]) -> KeyFilter {
        let (a, b) = KeyFilter::bits(key);
        self.0[a / 64] |= 1 << (a % 64);
        self.0[b / 64] |= 1 << (b % 64);
        self
    }

    const fn of_words(words: &[(&str, Role)]) -> KeyFilter {
        let mut filter = KeyFilter([0; 128]);
        let mut i = 0;
        while i < words.len() {
            filter = filter.with(words[i].0.as_bytes());
            i += 1;
        }
        filter
    }

    const fn of_phrase_starts(phrases: &[(&str, &str, Role)]) -> KeyFilter {
        let mut filter = KeyFilter([0; 128]);
        let mut i = 0;
        while i < phrases.len() {
            filter = filter.with(phrases[i].0.as_bytes());
            i += 1;
        }
        filter
    }

    fn may_hold(&self, key: &[u8]) -> bool {
        let (a, b) = KeyFilter::bits(key);
        let set = |bit: usize| {
            self.0
                .get(bit / 64)
                .is_some_and(|w| w & (1 << (bit % 64)) != 0)
        };
        set(a) && set(b)
    }
}

/// Every key of [`WORDS`].
static KNOWN_WORDS: KeyFilter = KeyFilter::of_words(WORDS);
/// Every first word of [`PHRASES`].
static PHRASE_STARTS: KeyFilter = KeyFilter::of_phrase_starts(PHRASES);

fn find_word(key: &[u8]) -> Option<Role> {
    if !KNOWN_WORDS.may_hold(key) {
        return None;
    }
    let letter = usize::from(key.first()?.checked_sub(b'a')?);
    let start = *LETTER_STARTS.get(letter)?;
    let end = *LETTER_STARTS.get(letter + 1)?;
    let bucket = WORDS.get(start..end)?;
    bucket
        .binary_search_by(|(word, _)| compare_keys(word.as_bytes(), key))
        .ok()
        .and_then(|i| bucket.get(i))
        .map(|&(_, role)| role)
}

fn find_phrase(first: &[u8], second: &[u8]) -> Option<Role> {
    if !PHRASE_STARTS.may_hold(first) {
        return None;
    }
    PHRASES
        .binary_search_by(|(a, b, _)| {
            compare_keys(a.as_bytes(), first).then_with(|| compare_keys(b.as_bytes(), second))
        })
        .ok()
        .and_then(|i| PHRASES.get(i))
        .map(|&(_, _, role)| role)
}

/// A word assembled on the stack (a stem with an ending put back, a squeezed word).
struct KeyBuf {
    bytes: [u8; KEY_CAP],
    len: usize,
}

impl KeyBuf {
    fn new() -> Self {
        Self {
            bytes: [0; KEY_CAP],
            len: 0,
        }
    }

    fn push(&mut self, byte: u8) {
        // Input keys are at most KEY_CAP long and only ever shrink or regain one `e`, so
        // a full buffer just drops the byte (and the lookup then misses).
        if let Some(slot) = self.bytes.get_mut(self.len) {
            *slot = byte;
            self.len += 1;
        }
    }

    fn as_slice(&self) -> &[u8] {
        self.bytes.get(..self.len).unwrap_or_default()
    }
}

/// Endings to strip when a word is not in the table, with what to put back, most specific
/// first: "crashing" → "crash", "charging" → "charge", "hated" → "hate", "issues" → "issue".
const SUFFIXES: &[(&[u8], &[u8])] = &[
    (b"ing", b""),
    (b"ing", b"e"),
    (b"ed", b""),
    (b"d", b""),
    (b"es", b""),
    (b"s", b""),
    (b"ly", b""),
];

/// Looks `key` up as written, then as an inflection of a listed word.
fn find_inflected(key: &[u8]) -> Option<Role> {
    if let Some(role) = find_word(key) {
        return Some(role);
    }
    SUFFIXES.iter().find_map(|&(suffix, ending)| {
        let stem = key.strip_suffix(suffix)?;
        if stem.len() < MIN_STEM {
            return None;
        }
        let mut candidate = KeyBuf::new();
        stem.iter().chain(ending).for_each(|&b| candidate.push(b));
        find_word(candidate.as_slice()).filter(|role| role.inflects())
    })
}

/// `key` with every run of three or more equal letters cut to `keep` ("sooo" → "soo" / "so").
/// Shorter runs stay, so "stilll" → "still" with `keep` 2 and "goood" → "good".
fn squeeze(key: &[u8], keep: usize) -> KeyBuf {
    let mut out = KeyBuf::new();
    let mut rest = key;
    while let Some(&first) = rest.first() {
        let run = rest.iter().take_while(|&&b| b == first).count();
        let kept = if run >= 3 { keep } else { run };
        (0..kept).for_each(|_| out.push(first));
        rest = rest.get(run..).unwrap_or_default();
    }
    out
}

/// Resolves a single token's role and emphasis.
fn classify(token: &Token) -> Term {
    let mut emphasis = if token.shouted { CAPS_BOOST } else { 1.0 };
    if !token.matchable {
        return Term {
            role: None,
            emphasis,
        };
    }
    let key = token.key();
    let mut role = find_inflected(key);
    if role.is_none() && token.stretched {
        role = [2, 1]
            .iter()
            .find_map(|&keep| find_inflected(squeeze(key, keep).as_slice()));
        if role.is_some() {
            emphasis *= STRETCH_BOOST;
        }
    }
    if role.is_none() && token.negative_contraction {
        role = Some(Role::Negator(0));
    }
    Term { role, emphasis }
}

/// Holds back one word so a two-word phrase ("kind of", "no one") can be read as one term.
#[derive(Default)]
struct PhraseJoiner {
    held: Option<Token>,
}

impl PhraseJoiner {
    fn push(&mut self, piece: Piece, tally: &mut Tally) {
        let Piece::Word(token) = piece else {
            self.flush(tally);
            tally.piece(piece);
            return;
        };
        if let Some(first) = self.held.take() {
            if let Some(role) = phrase_role(&first, &token) {
                let shouted = first.shouted || token.shouted;
                let emphasis = if shouted { CAPS_BOOST } else { 1.0 };
                tally.term(Term {
                    role: Some(role),
                    emphasis,
                });
                return;
            }
            tally.term(classify(&first));
        }
        self.held = Some(token);
    }

    fn flush(&mut self, tally: &mut Tally) {
        if let Some(token) = self.held.take() {
            tally.term(classify(&token));
        }
    }
}

fn phrase_role(first: &Token, second: &Token) -> Option<Role> {
    if first.matchable && second.matchable {
        find_phrase(first.key(), second.key())
    } else {
        None
    }
}

// ---- scoring ------------------------------------------------------------------------------

/// The running score and the state of the modifiers waiting for their word.
struct Tally {
    sum: f32,
    /// Weight of the current stretch of text: 1, or less/more around a contrast.
    segment_weight: f32,
    /// Inside the first clause of a sentence opened by "although"/"despite".
    conceding: bool,
    at_sentence_start: bool,
    /// Tokens the last negator still reaches.
    negation_left: u8,
    /// Pending intensifier/dampener factor and how many tokens it waits.
    scale: f32,
    scale_left: u8,
    exclamations: u8,
}

impl Tally {
    fn new() -> Self {
        Self {
            sum: 0.0,
            segment_weight: 1.0,
            conceding: false,
            at_sentence_start: true,
            negation_left: 0,
            scale: 1.0,
            scale_left: 0,
            exclamations: 0,
        }
    }

    fn piece(&mut self, piece: Piece) {
        match piece {
            Piece::Word(token) => self.term(classify(&token)),
            Piece::Emoji(valence) => self.sum += valence * self.segment_weight,
            Piece::Break(boundary) => self.boundary(boundary),
        }
    }

    fn term(&mut self, term: Term) {
        let at_sentence_start = std::mem::replace(&mut self.at_sentence_start, false);
        let Some(role) = term.role else {
            self.pass_token();
            return;
        };
        match role {
            Role::Word(_) | Role::Fixed(_) | Role::Hint(_) | Role::Expected(_) => {
                self.sentiment(role, term.emphasis);
            }
            Role::Negator(valence) => self.negator(valence, term.emphasis),
            Role::Scale(percent) => self.intensifier(percent, term.emphasis),
            Role::Contrast => self.contrast(),
            Role::Concession {
                mid_sentence_contrast,
            } => {
                if at_sentence_start {
                    self.concede();
                } else if mid_sentence_contrast {
                    self.contrast();
                } else {
                    self.pass_token();
                }
            }
            Role::Neutral => self.pass_token(),
        }
    }

    fn sentiment(&mut self, role: Role, emphasis: f32) {
        let negated = self.negation_left > 0;
        self.negation_left = self.negation_left.saturating_sub(1);
        let valence = match role {
            Role::Word(v) => {
                let v = f32::from(v);
                match (negated, v > 0.0) {
                    (false, _) => v,
                    (true, true) => v * NEGATED_POSITIVE,
                    (true, false) => v * NEGATED_NEGATIVE,
                }
            }
            Role::Fixed(v) => f32::from(v),
            Role::Hint(v) => f32::from(v) * HINT_WEIGHT,
            Role::Expected(_) if negated => EXPECTATION_FAILED,
            Role::Expected(v) => f32::from(v),
            _ => 0.0,
        };
        if valence == 0.0 {
            // A neutral outcome word ("answer" without a negator) is just a token.
            self.pass_scale();
            return;
        }
        self.sum += valence * emphasis * self.scale * self.segment_weight;
        self.scale = 1.0;
        self.scale_left = 0;
    }

    fn negator(&mut self, own_valence: i8, emphasis: f32) {
        // "nobody", "never" complain on their own; that part is not itself negated.
        self.sum += f32::from(own_valence) * emphasis * self.segment_weight;
        self.negation_left = NEGATION_REACH;
        if emphasis > 1.0 {
            // "NOT happy": the shouting belongs to the negated word.
            self.set_scale(self.scale * emphasis, NEGATION_REACH);
        } else {
            self.pass_scale();
        }
    }

    fn intensifier(&mut self, percent: u8, emphasis: f32) {
        let mut factor = f32::from(percent) / 100.0;
        if self.negation_left > 0 {
            // "not very good" is milder than "not good", "not so bad" milder than "not bad".
            factor = 1.0 / factor;
        }
        self.negation_left = self.negation_left.saturating_sub(1);
        self.set_scale(self.scale * factor * emphasis, SCALE_REACH);
    }

    fn set_scale(&mut self, scale: f32, reach: u8) {
        self.scale = scale.clamp(SCALE_LIMITS.0, SCALE_LIMITS.1);
        self.scale_left = reach;
    }

    fn contrast(&mut self) {
        self.sum *= BEFORE_CONTRAST;
        self.segment_weight = AFTER_CONTRAST;
        self.conceding = false;
        self.end_reach();
    }

    fn concede(&mut self) {
        self.conceding = true;
        self.segment_weight = BEFORE_CONTRAST;
        self.end_reach();
    }

    fn boundary(&mut self, boundary: Boundary) {
        self.end_reach();
        if self.conceding {
            // "Although it was late, …": the main clause starts here.
            self.conceding = false;
            self.segment_weight = AFTER_CONTRAST;
        }
        if boundary != Boundary::Clause {
            self.at_sentence_start = true;
        }
        if boundary == Boundary::Exclamation {
            self.exclamations = self.exclamations.saturating_add(1);
        }
    }

    /// A token that carries nothing still uses up the reach of pending modifiers.
    fn pass_token(&mut self) {
        self.negation_left = self.negation_left.saturating_sub(1);
        self.pass_scale();
    }

    fn pass_scale(&mut self) {
        self.scale_left = self.scale_left.saturating_sub(1);
        if self.scale_left == 0 {
            self.scale = 1.0;
        }
    }

    fn end_reach(&mut self) {
        self.negation_left = 0;
        self.scale = 1.0;
        self.scale_left = 0;
    }

    fn finish(&self) -> f32 {
        let exclamations = f32::from(self.exclamations.min(MAX_EXCLAMATIONS));
        // Bounding `x` keeps `x * x` finite for any length of text; at ±1e6 the score is
        // already ±1 to f32 precision.
        let x = (self.sum * (1.0 + EXCLAMATION_STEP * exclamations)).clamp(-1e6, 1e6);
        if x == 0.0 || x.is_nan() {
            // Nothing scored: exactly neutral (and never NaN).
            return 0.0;
        }
        (x / (x * x + NORMALISATION_ALPHA).sqrt()).clamp(-1.0, 1.0)
    }
}

#[cfg(test)]
mod tests;
