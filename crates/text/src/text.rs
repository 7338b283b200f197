//! Text folding for matching: the one normal form that keywords, phrases, FAQ terms and
//! visitor messages are compared in.
//!
//! [`fold`] lower-cases, strips diacritics (`Café` → `cafe`, `ПРИВЕТ` → `привет`, `đ` → `d`),
//! maps full-width forms to ASCII (`ＬＡＷＹＥＲ` → `lawyer`) and turns every run of
//! punctuation, whitespace, symbols and emoji into one space. Two strings that a person would
//! call "the same words" fold to the same text, so matching is a plain substring search plus a
//! word-boundary check on spaces.
//!
//! Why not full Unicode normalisation (NFKD): the tables cost tens of KB in the widget's wasm.
//! The decomposition table here covers Latin (incl. Vietnamese), Greek and Cyrillic letters,
//! which is where diacritic-insensitivity matters to customer support text; other scripts are
//! lower-cased and kept as they are.

/// Folds `text` into the matching form described in the module docs.
///
/// The result never starts or ends with a space and never holds two spaces in a row.
pub fn fold(text: &str) -> String {
    // ASCII is handled byte by byte through a table in a tight loop (the common case, and the
    // hot path of every visitor message); anything else goes through `fold_char`.
    let mut out = Folded {
        bytes: Vec::with_capacity(text.len()),
        pending_space: false,
    };
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let mut pending = out.pending_space;
        loop {
            // A run of ASCII word bytes is copied folded in one go; a separator marks that a
            // space is due before the next word.
            let run = i;
            while let Some(&b) = bytes.get(i) {
                if b >= 0x80 || ASCII_FOLD[usize::from(b)] == 0 {
                    break;
                }
                i += 1;
            }
            if i > run {
                if pending && !out.bytes.is_empty() {
                    out.bytes.push(b' ');
                }
                pending = false;
                let word = bytes.get(run..i).unwrap_or_default();
                out.bytes
                    .extend(word.iter().map(|&b| ASCII_FOLD[usize::from(b)]));
            }
            match bytes.get(i) {
                Some(&b) if b < 0x80 => {
                    pending = true;
                    i += 1;
                }
                _ => break,
            }
        }
        out.pending_space = pending;
        let Some(c) = text.get(i..).and_then(|rest| rest.chars().next()) else {
            break;
        };
        fold_char(c, &mut out);
        i += c.len_utf8();
    }
    // Only whole UTF-8 sequences are ever pushed, so this never falls back.
    String::from_utf8(out.bytes)
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// ASCII byte → its folded byte (lower-case letter or digit), or 0 for a separator.
static ASCII_FOLD: [u8; 128] = {
    let mut table = [0u8; 128];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        table[b] = if c.is_ascii_digit() || c.is_ascii_lowercase() {
            c
        } else if c.is_ascii_uppercase() {
            c + 32
        } else {
            0
        };
        b += 1;
    }
    table
};

/// The folded text being built.
struct Folded {
    bytes: Vec<u8>,
    /// A separator was seen since the last word character.
    pending_space: bool,
}

impl Folded {
    fn space_if_pending(&mut self) {
        if self.pending_space && !self.bytes.is_empty() {
            self.bytes.push(b' ');
        }
        self.pending_space = false;
    }

    fn push_byte(&mut self, b: u8) {
        self.space_if_pending();
        self.bytes.push(b);
    }

    fn push_char(&mut self, c: char) {
        self.space_if_pending();
        let mut buf = [0u8; 4];
        self.bytes
            .extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
    }
}

fn fold_char(c: char, out: &mut Folded) {
    let code = c as u32;
    // Full-width ASCII variants (U+FF01..U+FF5E) map onto ASCII by a fixed offset.
    if (0xFF01..=0xFF5E).contains(&code) {
        match ASCII_FOLD.get((code - 0xFF01 + 0x21) as usize) {
            Some(&b) if b != 0 => out.push_byte(b),
            _ => out.pending_space = true,
        }
        return;
    }
    // Combining marks (typed as separate characters) are dropped: `e` + U+0301 → `e`.
    if (0x0300..=0x036F).contains(&code) {
        return;
    }
    if !c.is_alphanumeric() {
        out.pending_space = true;
        return;
    }
    for lower in c.to_lowercase() {
        match expand_ligature(lower) {
            Some(expanded) => expanded.chars().for_each(|e| out.push_char(e)),
            None => out.push_char(strip_diacritic(lower)),
        }
    }
}

fn expand_ligature(c: char) -> Option<&'static str> {
    Some(match c {
        'ß' => "ss",
        'æ' => "ae",
        'œ' => "oe",
        'ĳ' => "ij",
        'þ' => "th",
        'ø' => "o",
        'đ' => "d",
        'ł' => "l",
        'ħ' => "h",
        'ı' => "i",
        _ => return None,
    })
}

/// The base letter of a lower-case letter with diacritics, or the letter itself.
fn strip_diacritic(c: char) -> char {
    match DECOMPOSITIONS.binary_search_by_key(&c, |&(composed, _)| composed) {
        Ok(i) => DECOMPOSITIONS.get(i).map_or(c, |&(_, base)| base),
        Err(_) => c,
    }
}

/// Whether `c` belongs to a script written without spaces between words (Han, kana, Thai,
/// Lao, Khmer, Myanmar). A term edge in such a script needs no word boundary to match.
pub fn is_unspaced_script(c: char) -> bool {
    matches!(c as u32,
        0x0E00..=0x0EFF       // Thai, Lao
        | 0x1000..=0x109F     // Myanmar
        | 0x1780..=0x17FF     // Khmer
        | 0x3040..=0x30FF     // Hiragana, Katakana
        | 0x3400..=0x4DBF     // CJK extension A
        | 0x4E00..=0x9FFF     // CJK unified ideographs
        | 0xF900..=0xFAFF     // CJK compatibility ideographs
        | 0x20000..=0x2FFFF) // CJK extensions B..
}

/// Lower-case letters (Latin, Greek, Cyrillic) whose canonical decomposition is one base
/// letter plus combining marks, paired with that base letter; sorted for binary search.
/// Generated from the Unicode Character Database (NFD), lower-case letters only because
/// [`fold`] lower-cases first.
static DECOMPOSITIONS: &[(char, char)] = &[
    ('\u{e0}', 'a'),
    ('\u{e1}', 'a'),
    ('\u{e2}', 'a'),
    ('\u{e3}', 'a'),
    ('\u{e4}', 'a'),
    ('\u{e5}', 'a'),
    ('\u{e7}', 'c'),
    ('\u{e8}', 'e'),
    ('\u{e9}', 'e'),
    ('\u{ea}', 'e'),
    ('\u{eb}', 'e'),
    ('\u{ec}', 'i'),
    ('\u{ed}', 'i'),
    ('\u{ee}', 'i'),
    ('\u{ef}', 'i'),
    ('\u{f1}', 'n'),
    ('\u{f2}', 'o'),
    ('\u{f3}', 'o'),
    ('\u{f4}', 'o'),
    ('\u{f5}', 'o'),
    ('\u{f6}', 'o'),
    ('\u{f9}', 'u'),
    ('\u{fa}', 'u'),
    ('\u{fb}', 'u'),
    ('\u{fc}', 'u'),
    ('\u{fd}', 'y'),
    ('\u{ff}', 'y'),
    ('\u{101}', 'a'),
    ('\u{103}', 'a'),
    ('\u{105}', 'a'),
    ('\u{107}', 'c'),
    ('\u{109}', 'c'),
    ('\u{10b}', 'c'),
    ('\u{10d}', 'c'),
    ('\u{10f}', 'd'),
    ('\u{113}', 'e'),
    ('\u{115}', 'e'),
    ('\u{117}', 'e'),
    ('\u{119}', 'e'),
    ('\u{11b}', 'e'),
    ('\u{11d}', 'g'),
    ('\u{11f}', 'g'),
    ('\u{121}', 'g'),
    ('\u{123}', 'g'),
    ('\u{125}', 'h'),
    ('\u{129}', 'i'),
    ('\u{12b}', 'i'),
    ('\u{12d}', 'i'),
    ('\u{12f}', 'i'),
    ('\u{135}', 'j'),
    ('\u{137}', 'k'),
    ('\u{13a}', 'l'),
    ('\u{13c}', 'l'),
    ('\u{13e}', 'l'),
    ('\u{144}', 'n'),
    ('\u{146}', 'n'),
    ('\u{148}', 'n'),
    ('\u{14d}', 'o'),
    ('\u{14f}', 'o'),
    ('\u{151}', 'o'),
    ('\u{155}', 'r'),
    ('\u{157}', 'r'),
    ('\u{159}', 'r'),
    ('\u{15b}', 's'),
    ('\u{15d}', 's'),
    ('\u{15f}', 's'),
    ('\u{161}', 's'),
    ('\u{163}', 't'),
    ('\u{165}', 't'),
    ('\u{169}', 'u'),
    ('\u{16b}', 'u'),
    ('\u{16d}', 'u'),
    ('\u{16f}', 'u'),
    ('\u{171}', 'u'),
    ('\u{173}', 'u'),
    ('\u{175}', 'w'),
    ('\u{177}', 'y'),
    ('\u{17a}', 'z'),
    ('\u{17c}', 'z'),
    ('\u{17e}', 'z'),
    ('\u{1a1}', 'o'),
    ('\u{1b0}', 'u'),
    ('\u{1ce}', 'a'),
    ('\u{1d0}', 'i'),
    ('\u{1d2}', 'o'),
    ('\u{1d4}', 'u'),
    ('\u{1d6}', 'u'),
    ('\u{1d8}', 'u'),
    ('\u{1da}', 'u'),
    ('\u{1dc}', 'u'),
    ('\u{1df}', 'a'),
    ('\u{1e1}', 'a'),
    ('\u{1e3}', '\u{e6}'),
    ('\u{1e7}', 'g'),
    ('\u{1e9}', 'k'),
    ('\u{1eb}', 'o'),
    ('\u{1ed}', 'o'),
    ('\u{1ef}', '\u{292}'),
    ('\u{1f0}', 'j'),
    ('\u{1f5}', 'g'),
    ('\u{1f9}', 'n'),
    ('\u{1fb}', 'a'),
    ('\u{1fd}', '\u{e6}'),
    ('\u{1ff}', '\u{f8}'),
    ('\u{201}', 'a'),
    ('\u{203}', 'a'),
    ('\u{205}', 'e'),
    ('\u{207}', 'e'),
    ('\u{209}', 'i'),
    ('\u{20b}', 'i'),
    ('\u{20d}', 'o'),
    ('\u{20f}', 'o'),
    ('\u{211}', 'r'),
    ('\u{213}', 'r'),
    ('\u{215}', 'u'),
    ('\u{217}', 'u'),
    ('\u{219}', 's'),
    ('\u{21b}', 't'),
    ('\u{21f}', 'h'),
    ('\u{227}', 'a'),
    ('\u{229}', 'e'),
    ('\u{22b}', 'o'),
    ('\u{22d}', 'o'),
    ('\u{22f}', 'o'),
    ('\u{231}', 'o'),
    ('\u{233}', 'y'),
    ('\u{385}', '\u{a8}'),
    ('\u{390}', '\u{3b9}'),
    ('\u{3ac}', '\u{3b1}'),
    ('\u{3ad}', '\u{3b5}'),
    ('\u{3ae}', '\u{3b7}'),
    ('\u{3af}', '\u{3b9}'),
    ('\u{3b0}', '\u{3c5}'),
    ('\u{3ca}', '\u{3b9}'),
    ('\u{3cb}', '\u{3c5}'),
    ('\u{3cc}', '\u{3bf}'),
    ('\u{3cd}', '\u{3c5}'),
    ('\u{3ce}', '\u{3c9}'),
    ('\u{3d3}', '\u{3d2}'),
    ('\u{3d4}', '\u{3d2}'),
    ('\u{439}', '\u{438}'),
    ('\u{450}', '\u{435}'),
    ('\u{451}', '\u{435}'),
    ('\u{453}', '\u{433}'),
    ('\u{457}', '\u{456}'),
    ('\u{45c}', '\u{43a}'),
    ('\u{45d}', '\u{438}'),
    ('\u{45e}', '\u{443}'),
    ('\u{477}', '\u{475}'),
    ('\u{4c2}', '\u{436}'),
    ('\u{4d1}', '\u{430}'),
    ('\u{4d3}', '\u{430}'),
    ('\u{4d7}', '\u{435}'),
    ('\u{4db}', '\u{4d9}'),
    ('\u{4dd}', '\u{436}'),
    ('\u{4df}', '\u{437}'),
    ('\u{4e3}', '\u{438}'),
    ('\u{4e5}', '\u{438}'),
    ('\u{4e7}', '\u{43e}'),
    ('\u{4eb}', '\u{4e9}'),
    ('\u{4ed}', '\u{44d}'),
    ('\u{4ef}', '\u{443}'),
    ('\u{4f1}', '\u{443}'),
    ('\u{4f3}', '\u{443}'),
    ('\u{4f5}', '\u{447}'),
    ('\u{4f9}', '\u{44b}'),
    ('\u{1e01}', 'a'),
    ('\u{1e03}', 'b'),
    ('\u{1e05}', 'b'),
    ('\u{1e07}', 'b'),
    ('\u{1e09}', 'c'),
    ('\u{1e0b}', 'd'),
    ('\u{1e0d}', 'd'),
    ('\u{1e0f}', 'd'),
    ('\u{1e11}', 'd'),
    ('\u{1e13}', 'd'),
    ('\u{1e15}', 'e'),
    ('\u{1e17}', 'e'),
    ('\u{1e19}', 'e'),
    ('\u{1e1b}', 'e'),
    ('\u{1e1d}', 'e'),
    ('\u{1e1f}', 'f'),
    ('\u{1e21}', 'g'),
    ('\u{1e23}', 'h'),
    ('\u{1e25}', 'h'),
    ('\u{1e27}', 'h'),
    ('\u{1e29}', 'h'),
    ('\u{1e2b}', 'h'),
    ('\u{1e2d}', 'i'),
    ('\u{1e2f}', 'i'),
    ('\u{1e31}', 'k'),
    ('\u{1e33}', 'k'),
    ('\u{1e35}', 'k'),
    ('\u{1e37}', 'l'),
    ('\u{1e39}', 'l'),
    ('\u{1e3b}', 'l'),
    ('\u{1e3d}', 'l'),
    ('\u{1e3f}', 'm'),
    ('\u{1e41}', 'm'),
    ('\u{1e43}', 'm'),
    ('\u{1e45}', 'n'),
    ('\u{1e47}', 'n'),
    ('\u{1e49}', 'n'),
    ('\u{1e4b}', 'n'),
    ('\u{1e4d}', 'o'),
    ('\u{1e4f}', 'o'),
    ('\u{1e51}', 'o'),
    ('\u{1e53}', 'o'),
    ('\u{1e55}', 'p'),
    ('\u{1e57}', 'p'),
    ('\u{1e59}', 'r'),
    ('\u{1e5b}', 'r'),
    ('\u{1e5d}', 'r'),
    ('\u{1e5f}', 'r'),
    ('\u{1e61}', 's'),
    ('\u{1e63}', 's'),
    ('\u{1e65}', 's'),
    ('\u{1e67}', 's'),
    ('\u{1e69}', 's'),
    ('\u{1e6b}', 't'),
    ('\u{1e6d}', 't'),
    ('\u{1e6f}', 't'),
    ('\u{1e71}', 't'),
    ('\u{1e73}', 'u'),
    ('\u{1e75}', 'u'),
    ('\u{1e77}', 'u'),
    ('\u{1e79}', 'u'),
    ('\u{1e7b}', 'u'),
    ('\u{1e7d}', 'v'),
    ('\u{1e7f}', 'v'),
    ('\u{1e81}', 'w'),
    ('\u{1e83}', 'w'),
    ('\u{1e85}', 'w'),
    ('\u{1e87}', 'w'),
    ('\u{1e89}', 'w'),
    ('\u{1e8b}', 'x'),
    ('\u{1e8d}', 'x'),
    ('\u{1e8f}', 'y'),
    ('\u{1e91}', 'z'),
    ('\u{1e93}', 'z'),
    ('\u{1e95}', 'z'),
    ('\u{1e96}', 'h'),
    ('\u{1e97}', 't'),
    ('\u{1e98}', 'w'),
    ('\u{1e99}', 'y'),
    ('\u{1e9b}', '\u{17f}'),
    ('\u{1ea1}', 'a'),
    ('\u{1ea3}', 'a'),
    ('\u{1ea5}', 'a'),
    ('\u{1ea7}', 'a'),
    ('\u{1ea9}', 'a'),
    ('\u{1eab}', 'a'),
    ('\u{1ead}', 'a'),
    ('\u{1eaf}', 'a'),
    ('\u{1eb1}', 'a'),
    ('\u{1eb3}', 'a'),
    ('\u{1eb5}', 'a'),
    ('\u{1eb7}', 'a'),
    ('\u{1eb9}', 'e'),
    ('\u{1ebb}', 'e'),
    ('\u{1ebd}', 'e'),
    ('\u{1ebf}', 'e'),
    ('\u{1ec1}', 'e'),
    ('\u{1ec3}', 'e'),
    ('\u{1ec5}', 'e'),
    ('\u{1ec7}', 'e'),
    ('\u{1ec9}', 'i'),
    ('\u{1ecb}', 'i'),
    ('\u{1ecd}', 'o'),
    ('\u{1ecf}', 'o'),
    ('\u{1ed1}', 'o'),
    ('\u{1ed3}', 'o'),
    ('\u{1ed5}', 'o'),
    ('\u{1ed7}', 'o'),
    ('\u{1ed9}', 'o'),
    ('\u{1edb}', 'o'),
    ('\u{1edd}', 'o'),
    ('\u{1edf}', 'o'),
    ('\u{1ee1}', 'o'),
    ('\u{1ee3}', 'o'),
    ('\u{1ee5}', 'u'),
    ('\u{1ee7}', 'u'),
    ('\u{1ee9}', 'u'),
    ('\u{1eeb}', 'u'),
    ('\u{1eed}', 'u'),
    ('\u{1eef}', 'u'),
    ('\u{1ef1}', 'u'),
    ('\u{1ef3}', 'y'),
    ('\u{1ef5}', 'y'),
    ('\u{1ef7}', 'y'),
    ('\u{1ef9}', 'y'),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_case_diacritics_and_punctuation() {
        let cases = [
            ("Café", "cafe"),
            ("  LAWYER!!! ", "lawyer"),
            ("légal-action", "legal action"),
            ("Straße", "strasse"),
            ("ＬＡＷＹＥＲ", "lawyer"),
            ("e\u{301}te\u{301}", "ete"),
            ("ПРИВЕТ, мир", "привет мир"),
            ("Tiếng Việt", "tieng viet"),
            ("don't", "don t"),
            ("😡😡", ""),
            ("", ""),
            ("注文が遅い", "注文が遅い"),
            ("Ελληνικά", "ελληνικα"),
        ];
        for (input, want) in cases {
            assert_eq!(fold(input), want, "fold({input:?})");
        }
    }

    #[test]
    fn decomposition_table_is_sorted_for_binary_search() {
        assert!(DECOMPOSITIONS.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn folded_text_has_single_inner_spaces() {
        let folded = fold(" a -- b\t\n c ");
        assert_eq!(folded, "a b c");
    }
}
