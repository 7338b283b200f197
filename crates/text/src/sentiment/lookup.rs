//! Finding a word's role in the lexicon: by initial letter and binary search, behind a
//! compile-time Bloom filter, then as an inflection ("crashing" → "crash") of a listed word.

use std::cmp::Ordering;

use super::lexicon::{PHRASES, WORDS};
use super::{KEY_CAP, MIN_STEM, Role};

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
pub(super) struct KeyFilter([u64; 128]);

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

    pub(super) fn may_hold(&self, key: &[u8]) -> bool {
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
pub(super) static KNOWN_WORDS: KeyFilter = KeyFilter::of_words(WORDS);
/// Every first word of [`PHRASES`].
static PHRASE_STARTS: KeyFilter = KeyFilter::of_phrase_starts(PHRASES);

pub(super) fn find_word(key: &[u8]) -> Option<Role> {
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

pub(super) fn find_phrase(first: &[u8], second: &[u8]) -> Option<Role> {
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
pub(super) struct KeyBuf {
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

    pub(super) fn as_slice(&self) -> &[u8] {
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
pub(super) fn find_inflected(key: &[u8]) -> Option<Role> {
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
pub(super) fn squeeze(key: &[u8], keep: usize) -> KeyBuf {
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
