use super::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mood {
    Negative,
    Neutral,
    Positive,
}
use Mood::{Negative, Neutral, Positive};

fn mood(score: f32) -> Mood {
    // Anything within ±0.05 reads as neutral; the scorer gives exactly 0.0 for most.
    if score <= -0.05 {
        Negative
    } else if score >= 0.05 {
        Positive
    } else {
        Neutral
    }
}

fn assert_in_range(text: &str) {
    let s = score(text);
    assert!(
        s.is_finite() && (-1.0..=1.0).contains(&s),
        "{s} for {text:?}"
    );
}

#[test]
fn required_scores() {
    assert!(score("my order is late again and nobody answers") < -0.3);
    assert!(score("this is ridiculous, I want a refund NOW!!!") < -0.5);
    assert!(score("THIS IS UNACCEPTABLE") < -0.5);
    assert!(score("thanks, that was really helpful") > 0.4);
    assert!(score("no complaint, just a question") >= 0.0);
    assert_eq!(score("where is my order?"), 0.0);
    assert!(score("I am not happy with the delivery") < -0.2);
    assert!(score("not bad at all") > -0.1);
    assert!(score("very angry") < score("angry"));
    assert!(score("angry") < 0.0);
    assert!(score("slightly annoyed") > score("annoyed"));
    assert!(score("great product but the delivery was terrible") < 0.0);
    assert!(score("😡😡😡") < -0.4);
    assert!(score("👍") > 0.2);
    assert_eq!(score(""), 0.0);
}

/// Realistic support messages and the mood a human agent would read in them.
const MESSAGES: &[(&str, Mood)] = &[
    ("my order is late again and nobody answers", Negative),
    ("this is ridiculous, I want a refund NOW!!!", Negative),
    ("I was charged twice for the same order", Negative),
    (
        "the package arrived damaged and the box was ripped",
        Negative,
    ),
    ("it still doesn't work", Negative),
    ("can't get it to work", Negative),
    ("I haven't received my refund yet", Negative),
    ("my package never arrived", Negative),
    ("No, it still doesn't work", Negative),
    ("still waiting for a response…", Negative),
    ("nobody has replied to my emails for a week", Negative),
    ("your bot is useless, I want to talk to a human", Negative),
    (
        "worst customer service ever, I'm calling my lawyer",
        Negative,
    ),
    ("this is a scam", Negative),
    ("the app keeps crashing when I pay", Negative),
    ("I am NOT happy", Negative),
    ("I'm kind of disappointed", Negative),
    ("fed up with this", Negative),
    ("the app is nice but my order is late again", Negative),
    (
        "you sent me the wrong size and the other item is missing",
        Negative,
    ),
    ("I don\u{2019}t like this at all", Negative),
    ("sooo frustrating 😤", Negative),
    ("the item arrived damaged :(", Negative),
    ("where is my order?", Neutral),
    ("hello, I need help with my account", Neutral),
    ("can you help me?", Neutral),
    ("Good morning, how do I change my address?", Neutral),
    ("what sizes do you have in stock", Neutral),
    ("do you ship to Canada", Neutral),
    ("order #A-1234, email jane@example.com", Neutral),
    ("no thanks", Neutral),
    ("заказ 注文", Neutral),
    ("thanks, that was really helpful", Positive),
    ("no problem, thanks!", Positive),
    ("it's working now, thank you", Positive),
    ("perfect, that solved it", Positive),
    ("you guys are awesome :)", Positive),
    ("great service, the agent was very friendly", Positive),
    (
        "Although the delivery was late, the support was great",
        Positive,
    ),
    ("Despite the delay, thanks a lot!", Positive),
    ("got it, cheers 👍", Positive),
    ("not bad at all", Positive),
    ("no complaint, just a question", Positive),
];

#[test]
fn support_messages_have_the_expected_mood() {
    let wrong: Vec<_> = MESSAGES
        .iter()
        .map(|&(text, expected)| (text, expected, score(text)))
        .filter(|&(_, expected, s)| mood(s) != expected)
        .collect();
    assert!(wrong.is_empty(), "mislabelled: {wrong:#?}");
}

#[test]
fn orderings() {
    let more_negative = [
        ("very angry", "angry"),
        ("extremely angry", "very angry"),
        ("annoyed", "slightly annoyed"),
        ("annoyed", "a bit annoyed"),
        ("angry!!!", "angry"),
        ("ANGRY", "angry"),
        ("I am NOT happy", "I am not happy"),
        ("it still doesn't work", "it doesn't work"),
        ("not happy", "not very happy"),
        ("😡😡😡", "😡"),
        (":(((", ":("),
        ("terrible", "not terrible"),
        (
            "The support was great, although the delivery was late",
            "the support was great",
        ),
    ];
    for (worse, better) in more_negative {
        assert!(
            score(worse) < score(better),
            "{worse:?} should be below {better:?}"
        );
    }
    assert!(score("thanks!!!") > score("thanks"));
    assert!(score("thaaanks") > score("thanks"));
    assert!(score("not bad") < score("good"));
    assert!(score("not bad") > 0.0);
}

#[test]
fn spellings_of_a_negation_agree() {
    let expected = score("it doesn't work");
    for text in [
        "it doesnt work",
        "it doesn\u{2019}t work",
        "it does not work",
    ] {
        assert_eq!(score(text), expected, "{text:?}");
    }
    // Any `n't` form negates, listed or not.
    assert!(score("mightn't work") < 0.0);
    // Other contractions keep their first part: "he'll" is not "hell".
    assert_eq!(score("he'll call"), 0.0);
}

#[test]
fn inflections_and_stretching_reach_the_base_word() {
    assert_eq!(score("crashes"), score("crash"));
    assert_eq!(score("hated it"), score("hate it"));
    assert_eq!(score("issues"), score("issue"));
    assert!(score("stilll waiting") < 0.0);
    // Listed as neutral so they do not fall back to "late" / "kind".
    assert_eq!(score("lately"), 0.0);
    assert_eq!(score("kindly"), 0.0);
}

#[test]
fn emoticons_need_a_clean_edge() {
    assert!(score("thanks:)") > score("thanks"));
    assert_eq!(score("x=(a+b)"), 0.0);
    assert_eq!(score("under <30 days"), 0.0);
    assert_eq!(score(":Dear team"), 0.0);
    assert_eq!(score("see https://example.com/a:b"), 0.0);
    assert!(score("❤\u{FE0F}") > 0.0);
    assert!(score("👍🏽") > 0.0);
}

#[test]
fn any_input_stays_in_range() {
    let mut mixed = String::new();
    while mixed.len() < 10 * 1024 {
        mixed.push_str("заказ 注文 order late!!! 😡👍 NOT bad :( don’t ");
    }
    let floods = [
        mixed,
        "very ".repeat(5000) + "angry",
        "not ".repeat(5000) + "happy",
        "😡".repeat(10_000),
        "!".repeat(10_000),
        "terrible but ".repeat(2000),
        "a".repeat(10_000),
        "'".repeat(100) + "n't",
        "\u{0}\u{7}\u{1b}[31m\r\n\t\u{200d}\u{fe0f}".to_string(),
        "\u{0301}\u{0301}e\u{0301}".to_string(),
    ];
    for text in &floods {
        assert_in_range(text);
    }
    assert!(score(&"😡".repeat(10_000)) < -0.99);
}

#[test]
fn random_text_stays_in_range() {
    // A fixed-seed generator over characters that exercise every lexer branch.
    const PALETTE: &[char] = &[
        'a',
        'N',
        'o',
        't',
        ' ',
        '\'',
        '\u{2019}',
        ':',
        '(',
        ')',
        ';',
        '-',
        'D',
        '<',
        '3',
        '!',
        '?',
        '.',
        ',',
        '\n',
        '\u{0}',
        'é',
        'ж',
        '注',
        '😡',
        '👍',
        '\u{FE0F}',
        '\u{200D}',
        '\u{1F3FD}',
        '>',
        '=',
        's',
        'i',
        'n',
        'g',
    ];
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) as usize
    };
    for _ in 0..2000 {
        let len = next() % 80;
        let text: String = (0..len).map(|_| PALETTE[next() % PALETTE.len()]).collect();
        assert_in_range(&text);
    }
}

#[test]
fn lexicon_is_sorted_and_well_formed() {
    for pair in WORDS.windows(2) {
        assert!(
            pair[0].0 < pair[1].0,
            "{:?} must sort before {:?}",
            pair[0].0,
            pair[1].0
        );
    }
    for &(word, role) in WORDS {
        // `LETTER_STARTS` buckets by initial letter, so every entry must start with one.
        assert!(word.as_bytes()[0].is_ascii_lowercase(), "{word:?}");
        assert!(
            word.len() <= KEY_CAP
                && word
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()),
            "{word:?}"
        );
        match role {
            Role::Word(v) | Role::Fixed(v) | Role::Hint(v) => {
                assert!(v != 0 && (-3..=3).contains(&v), "{word:?}");
            }
            Role::Expected(v) => assert!((0..=3).contains(&v), "{word:?}"),
            Role::Negator(v) => assert!((-3..=0).contains(&v), "{word:?}"),
            Role::Scale(p) => assert!((25..=200).contains(&p) && p != 100, "{word:?}"),
            Role::Contrast | Role::Concession { .. } | Role::Neutral => {}
        }
    }
    for pair in PHRASES.windows(2) {
        assert!(
            (pair[0].0, pair[0].1) < (pair[1].0, pair[1].1),
            "{:?}",
            pair[1]
        );
    }
    for pair in EMOJI.windows(2) {
        assert!(pair[0].0 < pair[1].0, "{:?}", pair[1]);
    }
    for (i, (face, _)) in EMOTICONS.iter().enumerate() {
        let shadowed = EMOTICONS[..i]
            .iter()
            .any(|(earlier, _)| face.starts_with(earlier));
        assert!(
            !shadowed,
            "{face:?} is hidden by a shorter emoticon before it"
        );
    }
}

#[test]
fn every_listed_key_gets_through_the_filters() {
    for &(word, role) in WORDS {
        assert_eq!(find_word(word.as_bytes()), Some(role), "{word:?}");
    }
    for &(first, second, role) in PHRASES {
        assert_eq!(
            find_phrase(first.as_bytes(), second.as_bytes()),
            Some(role),
            "{first:?} {second:?}"
        );
    }
    // And the filter does filter: most words of an ordinary message are not let through.
    let unknown = fixtures_words();
    let through = unknown
        .iter()
        .filter(|w| KNOWN_WORDS.may_hold(w.as_bytes()))
        .count();
    assert!(
        through * 10 < unknown.len(),
        "{through} of {}",
        unknown.len()
    );
}

/// Words no lexicon lists (pseudo-words), for the filter's rate.
fn fixtures_words() -> Vec<String> {
    let syllables = ["ka", "lo", "mer", "tin", "zu", "rab", "vel", "cor"];
    let mut words = Vec::new();
    for a in syllables {
        for b in syllables {
            for c in syllables {
                words.push(format!("{a}{b}{c}"));
            }
        }
    }
    words.retain(|w| find_word_unfiltered(w.as_bytes()).is_none());
    words
}

/// [`find_word`] without the filter, to pick words that are truly unlisted.
fn find_word_unfiltered(key: &[u8]) -> Option<Role> {
    WORDS
        .iter()
        .find(|(word, _)| word.as_bytes() == key)
        .map(|&(_, role)| role)
}
