//! Emoji and ASCII emoticons with a clear mood, and how they are found in a message.

use super::REPEAT_BOOST;

/// Common emoji with a clear mood, sorted by code point. Skin tones, variation selectors and
/// joiners are ignored, so "👍🏽" and "❤️" match their base character.
pub(super) static EMOJI: &[(char, i8)] = &[
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
pub(super) static EMOTICONS: &[(&str, i8)] = &[
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

pub(super) fn emoji_valence(c: char) -> Option<i8> {
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
pub(super) struct Emoticon {
    /// Bytes it spans, including a repeated tail.
    pub(super) len: usize,
    pub(super) valence: f32,
}

/// Matches an emoticon at the start of `rest`. It must not run into a letter or digit, so
/// "x=(a+b)", "<30 days" and ":Dear" are not faces.
pub(super) fn emoticon_at(rest: &[u8]) -> Option<Emoticon> {
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
