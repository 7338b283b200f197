use super::*;
use card::luhn_double;
use proptest::prelude::*;

const IBAN: &str = r"\b[A-Z]{2}\d{2}[A-Z0-9]{11,30}\b";

fn builtin(text: &str) -> String {
    Redactor::builtin().redact(text).into_owned()
}

fn configured() -> Result<Redactor, PatternError> {
    // `ref` cuts nine-digit numbers out of longer digit runs before the card and phone
    // rules see them, so the runs those rules judge change shape.
    Redactor::with_patterns([("iban", IBAN), ("ref", r"\b\d{9}\b")])
}

/// Every script's digits the guarantee covers, by the value of their zero: written out here
/// rather than taken from the scanner, so the check stays independent of it.
const ZEROS: [u32; 7] = [0x30, 0x660, 0x6F0, 0x966, 0x9E6, 0xE50, 0xFF10];

/// Separators that may sit (up to three of them) between two digits of a card number.
const GAPS: &[char] = &[
    ' ', '\t', '\u{A0}', '\u{2007}', '\u{2009}', '\u{202F}', '-', '\u{2010}', '\u{2011}',
    '\u{2012}', '\u{2013}', '\u{2014}', '\u{2212}', '.', '/', '_', ',',
];

/// The guarantee, checked independently of the scanners: every window of 13–19
/// consecutive digits of any covered script (up to three separators may sit between two
/// digits) fails the Luhn check.
fn has_card_window(text: &str) -> bool {
    let value = |c: char| {
        let code = u32::from(c);
        ZEROS
            .iter()
            .find(|&&z| code >= z && code < z + 10)
            .map(|z| b'0' + (code - z) as u8)
    };
    let chars: Vec<char> = text.chars().collect();
    let mut runs: Vec<Vec<u8>> = vec![Vec::new()];
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        if let Some(d) = value(c) {
            if let Some(run) = runs.last_mut() {
                run.push(d);
            }
            i += 1;
            continue;
        }
        // A gap of 1–3 separators between two digits keeps the run going.
        let gap = chars[i..].iter().take_while(|c| GAPS.contains(c)).count();
        let after_digit = i > 0 && chars.get(i - 1).copied().and_then(value).is_some();
        let before_digit = chars.get(i + gap).copied().and_then(value).is_some();
        if !((1..=3).contains(&gap) && after_digit && before_digit) {
            runs.push(Vec::new());
        }
        i += gap.max(1);
    }
    runs.iter()
        .any(|run| (13..=19).any(|len| run.windows(len).any(luhn_valid)))
}

fn check_digit(payload: &[u8]) -> u8 {
    // The check digit sits at position 0 from the right, so the payload's last digit
    // is doubled.
    let sum: u32 = payload
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| u32::from(if i % 2 == 0 { luhn_double(d) } else { d }))
        .sum();
    u8::try_from((10 - sum % 10) % 10).unwrap_or(0)
}

/// Luhn-valid numbers of 13–19 digits with random gaps of one to three separators, the
/// digits in ASCII mostly and sometimes in another script.
fn card_number() -> impl Strategy<Value = String> {
    let gap = prop_oneof![
        6 => Just(String::new()),
        2 => prop::sample::select(GAPS.to_vec()).prop_map(String::from),
        1 => prop::collection::vec(prop::sample::select(GAPS.to_vec()), 2..=3)
            .prop_map(|g| g.into_iter().collect::<String>()),
    ];
    (12usize..=18)
        .prop_flat_map(move |len| {
            (
                prop::collection::vec(0u8..10, len),
                prop::collection::vec(gap.clone(), len),
                prop::collection::vec(
                    prop_oneof![8 => Just(0x30u32), 1 => prop::sample::select(ZEROS.to_vec())],
                    len + 1,
                ),
            )
        })
        .prop_map(|(mut digits, separators, scripts)| {
            digits.push(check_digit(&digits));
            let mut out = String::new();
            for (i, d) in digits.iter().enumerate() {
                let base = scripts.get(i).copied().unwrap_or(0x30);
                out.extend(char::from_u32(base + u32::from(*d)));
                if i + 1 < digits.len() {
                    out.push_str(separators.get(i).map_or("", String::as_str));
                }
            }
            out
        })
}

/// Text built from the pieces the rules care about: digit groups, separators, letters,
/// punctuation, `@`, emails, markers.
fn soup() -> impl Strategy<Value = String> {
    let token = prop_oneof![
        4 => "[0-9]{1,5}",
        1 => "[０-９]{1,4}",
        3 => prop::sample::select(vec![
            " ", " ", "-", ".", "  ", "--", "(", ")", "+", "@", ",", ":", "/", "#", "_", "€",
            "$", "\n", "[", "]", "[card]", "[phone]", "[email]", "[iban]", "[ref]", "é", "話",
        ])
        .prop_map(str::to_owned),
        2 => "[a-zA-Z]{1,4}",
        1 => "[a-z]{1,4}@[a-z0-9]{1,4}\\.[a-z]{2,3}",
        1 => "[A-Z]{2}[0-9]{2}[A-Z0-9]{11,14}",
        1 => card_number(),
    ];
    prop::collection::vec(token, 0..24).prop_map(|tokens| tokens.concat())
}

fn embedded_card() -> impl Strategy<Value = String> {
    let edge = "[a-zA-Z0-9 .,;:!?()\\[\\]@+#€-]{0,4}";
    (edge, card_number(), edge, card_number(), edge)
        .prop_map(|(a, card, b, other, c)| format!("{a}{card}{b}{other}{c}"))
}

/// Built once: compiling the patterns per case would dominate the run time.
static CONFIGURED: std::sync::LazyLock<Result<Redactor, PatternError>> =
    std::sync::LazyLock::new(configured);

fn check_all(text: &str) -> Result<(), TestCaseError> {
    let built_in = Redactor::builtin();
    let with_patterns = CONFIGURED
        .as_ref()
        .map_err(|e| TestCaseError::fail(e.to_string()))?;
    for redactor in [&built_in, with_patterns] {
        let once = redactor.redact(text);
        prop_assert!(
            !has_card_window(&once),
            "card left in {:?} -> {:?}",
            text,
            once
        );
        let twice = redactor.redact(&once);
        prop_assert_eq!(&twice, &once, "not idempotent for {:?}", text);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    #[test]
    fn guarantee_on_arbitrary_unicode(text in any::<String>()) {
        check_all(&text)?;
    }

    #[test]
    fn generated_cards_are_redacted(card in card_number()) {
        prop_assert_eq!(builtin(&card), "[card]");
        let framed = format!("card: {card}.");
        prop_assert_eq!(builtin(&framed), "card: [card].");
    }

    #[test]
    fn text_without_digits_or_at_is_untouched(text in any::<String>()) {
        let text: String = text.chars().filter(|&c| !is_digit(c) && c != '@').collect();
        prop_assert!(matches!(Redactor::builtin().redact(&text), Cow::Borrowed(t) if t == text));
    }
}

proptest! {
    // The dense strategies are where the rules interact; give them more cases.
    #![proptest_config(ProptestConfig::with_cases(5_000))]

    #[test]
    fn guarantee_on_digit_soup(text in soup()) {
        check_all(&text)?;
    }

    #[test]
    fn guarantee_on_embedded_cards(text in embedded_card()) {
        check_all(&text)?;
    }
}

#[test]
fn luhn() {
    assert!(luhn_valid(b"4111111111111111"));
    assert!(luhn_valid(b"79927398713"));
    assert!(!luhn_valid(b"4111111111111112"));
    assert!(!luhn_valid(b""));
    assert!(!luhn_valid(b"4111x11111111111"));
}

#[test]
fn cards() {
    assert_eq!(
        builtin("my card is 4111 1111 1111 1111"),
        "my card is [card]"
    );
    assert_eq!(builtin("4111-1111-1111-1111"), "[card]");
    assert_eq!(builtin("abc4111111111111111xyz"), "abc[card]xyz");
    assert_eq!(builtin("４１１１ １１１１ １１１１ １１１１"), "[card]");
    // Amex, 15 digits.
    assert_eq!(builtin("3782 822463 10005 thanks"), "[card] thanks");
    // A valid card inside a longer run takes the whole run with it.
    assert_eq!(builtin("99 4111 1111 1111 1111 2024"), "[card]");
    // Up to three separators keep the run going; four break it.
    assert_eq!(builtin("4111  1111 1111 1111"), "[card]");
    assert_eq!(builtin("4111    1111 1111 1111"), "4111    [phone]");
}

#[test]
fn non_luhn_sixteen_digits_are_left_alone() {
    // No 13–19-digit window of it passes Luhn, and 16 digits is too long for a phone.
    let text = "ref 1234 5678 1234 5678";
    assert!(!has_card_window(text));
    assert_eq!(builtin(text), text);
}

#[test]
fn emails() {
    assert_eq!(builtin("jane.doe+tag@example.co.uk"), "[email]");
    assert_eq!(builtin("mail jane.doe+tag@example.co.uk."), "mail [email].");
    assert_eq!(builtin("(jörg@müller.de)"), "([email])");
    assert_eq!(builtin("..jane@example.com"), "..[email]");
    assert_eq!(builtin("a@b.com@c.org"), "[email]@c.org");
    assert_eq!(builtin("jane@example.com5"), "[email]5");
    for text in [
        "@",
        "a@b",
        "a@b.c",
        "a@-b.com",
        "a@b..com",
        "@example.com",
        "x @y.com",
    ] {
        assert_eq!(builtin(text), text);
    }
}

#[test]
fn phones() {
    assert_eq!(builtin("+44 20 7946 0958"), "[phone]");
    assert_eq!(builtin("(555) 123-4567"), "[phone]");
    assert_eq!(builtin("call +1 (555) 123-4567 now"), "call [phone] now");
    assert_eq!(builtin("+44 (0)20 7946 0958."), "[phone].");
    assert_eq!(builtin("555.123.4567, or 5551234"), "[phone], or [phone]");
    assert_eq!(builtin("06.12.34.56.78"), "[phone]");
    assert_eq!(
        builtin("電話０９０-１２３４-５６７８です"),
        "電話[phone]です"
    );
}

#[test]
fn not_phones() {
    for text in [
        "AB123456",
        "AB1234567",
        "10:30",
        "at 10:30:45",
        "€25.99",
        "€1234567",
        "$ 12,345,678",
        "12,3456789",
        "in 2024",
        "on 2024-01-15",
        "15.01.2024",
        "from 2019-2024",
        "1234567.89",
        "order #1234567",
        "order 12345",
        "1234567%",
        "x=1+2345678",
        "(555 123-4567",
    ] {
        assert_eq!(builtin(text), text);
    }
}

#[test]
fn configured_pattern() -> Result<(), PatternError> {
    let redactor = Redactor::with_patterns([("iban", IBAN)])?;
    assert_eq!(
        redactor.redact("IBAN GB82WEST12345698765432, card 4111 1111 1111 1111"),
        "IBAN [iban], card [card]"
    );
    Ok(())
}

#[test]
fn configured_patterns_never_rewrite_markers() -> Result<(), PatternError> {
    let redactor = Redactor::with_patterns([("word", "[a-z]+")])?;
    let once = redactor.redact("hi jane@example.com [card] [word]");
    assert_eq!(once, "[word] [email] [card] [word]");
    assert_eq!(redactor.redact(&once), once);
    Ok(())
}

#[test]
fn a_second_pass_catches_what_a_marker_uncovers() -> Result<(), PatternError> {
    // `abc4111…` is one word to the pattern until the card rule turns the digits into
    // a marker; the second pass then finds the word.
    let redactor = Redactor::with_patterns([("word", r"\b[a-z]+\b")])?;
    let once = redactor.redact("abc4111111111111111");
    assert_eq!(once, "[word][card]");
    assert_eq!(redactor.redact(&once), once);
    Ok(())
}

#[test]
fn configured_patterns_run_before_the_numeric_rules() -> Result<(), PatternError> {
    // Social security numbers would otherwise be phones, and the nine digits of a
    // reference would vanish into the phone before them.
    let redactor = Redactor::with_patterns([("ssn", r"\b\d{3}-\d{2}-\d{4}\b")])?;
    assert_eq!(redactor.redact("ssn 123-45-6789"), "ssn [ssn]");
    let redactor = configured()?;
    assert_eq!(redactor.redact("555 123 4567 890123456"), "[phone] [ref]");
    // A German IBAN's 20-digit tail almost always holds a Luhn-valid window.
    assert_eq!(redactor.redact("DE89370400440532013000"), "[iban]");
    assert_eq!(
        Redactor::builtin().redact("DE89370400440532013000"),
        "DE[card]"
    );
    Ok(())
}

#[test]
fn bad_patterns() {
    let error =
        |name: &str, pattern: &str| match Redactor::with_patterns([("ok", "a"), (name, pattern)]) {
            Ok(_) => String::from("accepted"),
            Err(e) => {
                assert_eq!(e.name, name);
                e.to_string()
            }
        };
    assert_eq!(
        error("iban", "("),
        "pattern `iban`: found open group without closing ')'"
    );
    assert!(error("Bad", "a").contains("name must be"));
    assert!(error("", "a").contains("name must be"));
    assert!(error("a b", "a").contains("name must be"));
    assert!(error(&"x".repeat(33), "a").contains("name must be"));
    assert!(error("x1234567", "a").contains("digits"));
    assert_eq!(
        error("line\nbreak", "a"),
        "pattern `line\\nbreak`: name must be 1 to 32 characters of a-z, 0-9, `_` or `-`"
    );
    assert!(error("long", &"a".repeat(513)).contains("513 bytes"));
    assert!(error("big", ".{1,500}").contains("size limit"));
    assert!(error("deep", &format!("{}a{}", "(".repeat(20), ")".repeat(20))).contains("nesting"));
    for empty in [
        "",
        "a*",
        "x?",
        r"\b",
        "(?m)^",
        "a|",
        r"\w|",
        "(?s).|$",
        r"(?:\d+)?",
        r"\b{start}",
    ] {
        assert!(error("empty", empty).contains("empty string"), "{empty:?}");
    }
    for fine in ["a", r"\d{3}", IBAN, "(?i)secret", r"^\d+$"] {
        assert_eq!(error("fine", fine), "accepted", "{fine:?}");
    }
}

#[test]
fn untouched_text_is_borrowed() {
    assert!(matches!(
        Redactor::builtin().redact("hello 42, see you at 10:30"),
        Cow::Borrowed(_)
    ));
}

#[test]
fn large_and_hostile_inputs() -> Result<(), PatternError> {
    let redactor = configured()?;
    let chunk = "Hi, card 4111 1111 1111 1111, mail jane@example.com, call +44 20 7946 0958. ";
    let big = chunk.repeat(10 * 1024 / chunk.len() + 1);
    let out = redactor.redact(&big);
    assert!(big.len() >= 10 * 1024);
    assert!(!out.contains('4') && !out.contains('@'));
    for hostile in [
        "1 ", "1-", "a@", "a.", "@a.", "+(", "9", "[card]", "[", "(1) ",
    ] {
        let text = hostile.repeat(5000);
        let once = redactor.redact(&text);
        assert!(!has_card_window(&once));
        assert_eq!(redactor.redact(&once), once);
    }
    Ok(())
}

#[test]
fn cards_only_keeps_addresses_and_phone_numbers() {
    let text = "ana@example.com, +44 20 7946 0958; card 4111 1111 1111 1111";
    assert_eq!(
        Redactor::cards_only(text),
        "ana@example.com, +44 20 7946 0958; card [card]"
    );
    assert!(matches!(
        Redactor::cards_only("ana@example.com"),
        Cow::Borrowed(_)
    ));
}

#[test]
fn cards_in_every_common_format_and_script() {
    let formats = [
        "4111.1111.1111.1111",
        "4111  1111  1111  1111",
        "4111 - 1111 - 1111 - 1111",
        "4111/1111/1111/1111",
        "4111_1111_1111_1111",
        "4111,1111,1111,1111",
        "4111\u{A0}1111\u{A0}1111\u{A0}1111",
        "4111\t1111\t1111\t1111",
        "4111\u{2013}1111\u{2013}1111\u{2013}1111",
        "٤١١١ ١١١١ ١١١١ ١١١١",
        "۴۱۱۱۱۱۱۱۱۱۱۱۱۱۱۱",
        "४१११ १११११११११११११",
    ];
    for card in formats {
        assert_eq!(
            builtin(&format!("pay with {card} now")),
            "pay with [card] now",
            "{card}"
        );
        assert_eq!(Redactor::cards_only(card), "[card]", "{card}");
    }
}

#[test]
fn cards_leave_json_at_any_depth_and_as_numbers() {
    let mut value = serde_json::json!({
        "note": "card 4111 1111 1111 1111",
        "pan": 4111111111111111u64,
        "orders": [{"paid_with": "4111-1111-1111-1111"}, 42],
        "email": "ana@example.com",
        "vip": true,
    });
    Redactor::cards_in_json(&mut value);
    assert_eq!(
        value,
        serde_json::json!({
            "note": "card [card]",
            "pan": "[card]",
            "orders": [{"paid_with": "[card]"}, 42],
            "email": "ana@example.com",
            "vip": true,
        })
    );
}

#[test]
fn markers_are_the_redactors_own() {
    let redactor = Redactor::with_patterns([("iban", "GB[0-9]{2}[A-Z]{4}[0-9]{14}")])
        .expect("a valid pattern");
    for marker in ["[card]", "[email]", "[phone]", "[iban]"] {
        assert!(redactor.is_marker(marker), "{marker}");
    }
    for other in ["[cards]", "card", "[iban] ", "[other]"] {
        assert!(!redactor.is_marker(other), "{other}");
    }
}
