use super::*;
use serde_json::Value;

// ---- helpers ---------------------------------------------------------------------

/// An expected (line, column), or `None`.
type At = Option<(usize, usize)>;

fn p(dotted: &str) -> JsonPath {
    JsonPath::parse_dotted(dotted)
}

fn at(source: &str, dotted: &str) -> At {
    locate(source, &p(dotted)).map(|pos| (pos.line, pos.column))
}

fn key_at(source: &str, dotted: &str) -> At {
    locate_key(source, &p(dotted)).map(|pos| (pos.line, pos.column))
}

/// The byte offset of a position, computed independently of `position_of`: walk to
/// the line, then count characters. `None` if the position is not inside `source`
/// or its column runs past the end of its line.
fn offset_of(source: &str, pos: Position) -> Option<usize> {
    let mut line_start = 0;
    for _ in 1..pos.line {
        line_start += source.get(line_start..)?.find('\n')? + 1;
    }
    let line = source.get(line_start..)?;
    let line = line.split('\n').next()?;
    let (i, _) = line.char_indices().nth(pos.column.checked_sub(1)?)?;
    Some(line_start + i)
}

/// The JSON value that starts at `offset`, parsed by serde_json.
fn value_from(source: &str, offset: usize) -> Result<Value, String> {
    let rest = source.get(offset..).ok_or("offset outside source")?;
    match serde_json::Deserializer::from_str(rest)
        .into_iter::<Value>()
        .next()
    {
        Some(Ok(v)) => Ok(v),
        Some(Err(e)) => Err(format!("no JSON value at offset {offset}: {e}")),
        None => Err(format!("nothing at offset {offset}")),
    }
}

fn value_at(source: &str, dotted: &str) -> Result<Value, String> {
    let pos = locate(source, &p(dotted)).ok_or("locate gave None")?;
    let offset = offset_of(source, pos).ok_or("position outside source")?;
    value_from(source, offset)
}

// ---- locate: a hand-checked table -----------------------------------------------

const DOC: &str = r#"{
  "name": "shop",
  "triggers": [
    {"when": {"sentiment_below": -0.5}, "then": "escalate"},
    {
      "when": {
        "keywords": ["refund", "{not]an\"object"],
        "sentiment_below": 3
      }
    }
  ],
  "a\"b": 1,
  "\u00e9": {"x": [10, 20, 30]},
  "é😀": {"k": true},
	"t":	7,
  "fields": {"order id": "}]\"", "n": null}
}
"#;

#[test]
fn locate_table() {
    let cases: &[(&str, At)] = &[
        ("(root)", Some((1, 1))),
        ("name", Some((2, 11))),
        ("triggers", Some((3, 15))),
        ("triggers[0]", Some((4, 5))),
        ("triggers[0].when", Some((4, 14))),
        ("triggers[0].when.sentiment_below", Some((4, 34))),
        ("triggers[0].then", Some((4, 49))),
        ("triggers[1]", Some((5, 5))),
        ("triggers[1].when", Some((6, 15))),
        ("triggers[1].when.keywords", Some((7, 21))),
        ("triggers[1].when.keywords[0]", Some((7, 22))),
        ("triggers[1].when.keywords[1]", Some((7, 32))),
        ("triggers[1].when.sentiment_below", Some((8, 28))),
        // Escaped keys match their unescaped form.
        (r#"["a\"b"]"#, Some((12, 11))),
        (r#"["é"]"#, Some((13, 13))),
        (r#"["é"].x[2]"#, Some((13, 28))),
        // Columns count characters: é and 😀 are 6 bytes but 2 columns.
        (r#"["é😀"].k"#, Some((14, 15))),
        // A tab is one column.
        ("t", Some((15, 7))),
        (r#"fields["order id"]"#, Some((16, 26))),
        ("fields.n", Some((16, 39))),
        // serde_path_to_error's raw form of the same key.
        ("fields.order id", Some((16, 26))),
        // Deeper than the document: the deepest existing ancestor.
        ("triggers[2]", Some((3, 15))),
        ("triggers[1].when.keywords[5]", Some((7, 21))),
        ("name.first", Some((2, 11))),
        ("name[0]", Some((2, 11))),
        ("triggers.x", Some((3, 15))),
        ("fields[0]", Some((16, 13))),
        ("missing", Some((1, 1))),
        ("missing.deeper[3]", Some((1, 1))),
        ("triggers[0].when.sentiment_below.x", Some((4, 34))),
        // `?` stops the path.
        ("triggers[1].?.x", Some((5, 5))),
        // Keys nested deeper, or inside strings, are not members of the root.
        ("keywords", Some((1, 1))),
        ("refund", Some((1, 1))),
        ("n", Some((1, 1))),
        ("x", Some((1, 1))),
    ];
    for &(path, expected) in cases {
        assert_eq!(at(DOC, path), expected, "locate {path}");
    }
}

#[test]
fn locate_key_table() {
    let cases: &[(&str, At)] = &[
        ("name", Some((2, 3))),
        ("triggers[0].when.sentiment_below", Some((4, 15))),
        ("triggers[1].when", Some((6, 7))),
        (r#"["é😀"]"#, Some((14, 3))),
        (r#"fields["order id"]"#, Some((16, 14))),
        ("t", Some((15, 2))),
        // Falls back to `locate`: index segments, the root, paths too deep.
        ("triggers[1].when.keywords[1]", Some((7, 32))),
        ("(root)", Some((1, 1))),
        ("missing", Some((1, 1))),
        ("fields.missing", Some((16, 13))),
        ("name.first", Some((2, 11))),
    ];
    for &(path, expected) in cases {
        assert_eq!(key_at(DOC, path), expected, "locate_key {path}");
    }
}

#[test]
fn duplicate_keys_last_wins() {
    // The last "a" is spelled with an escape: it is still the same key.
    let src = r#"{"a": 1, "b": {"x": 1}, "a": {"deep": 2}, "\u0061": [3]}"#;
    assert_eq!(at(src, "a"), Some((1, 53)));
    assert_eq!(key_at(src, "a"), Some((1, 43)));
    assert_eq!(at(src, "a[0]"), Some((1, 54)));
    // The winner has no "deep", even though a losing duplicate does.
    assert_eq!(at(src, "a.deep"), Some((1, 53)));
    assert_eq!(at(src, "b.x"), Some((1, 21)));
    // serde_json agrees on which duplicate counts.
    assert_eq!(value_at(src, "a"), Ok(serde_json::json!([3])));
}

#[test]
fn escaped_keys() {
    let src = r#"{"\ud83d\ude00": 1, "\"": 2, "\\": 3, "\/": 4, "\b\f\n\r\t": 5,
            "\uD83D": 6, "�": 7, "\u00E9\u00e9": 8, "\uDE00\uD83D": 9}"#;
    let cases: &[(JsonPath, i64)] = &[
        (JsonPath::root().key("😀"), 1),
        (JsonPath::root().key("\""), 2),
        (JsonPath::root().key("\\"), 3),
        (JsonPath::root().key("/"), 4),
        (JsonPath::root().key("\u{8}\u{c}\n\r\t"), 5),
        // A lone surrogate decodes lossily, so it must not match a real U+FFFD.
        (JsonPath::root().key("\u{fffd}"), 7),
        (JsonPath::root().key("éé"), 8),
    ];
    for (path, expected) in cases {
        let pos = locate(src, path);
        let got = pos
            .and_then(|pos| offset_of(src, pos))
            .map(|offset| value_from(src, offset));
        assert_eq!(got, Some(Ok(Value::from(*expected))), "locate {path}");
    }
    // Lone surrogates in either order never equal any key.
    assert_eq!(at(src, r#"["\ufffd\ufffd"]"#), Some((1, 1)));
}

#[test]
fn strings_with_structural_characters_are_skipped_whole() {
    let src = r#"{"s": "{[\"}]", "t": ["]", "{", "\\\"", ",:"], "u": {"v": "}"}, "w": 1}"#;
    assert_eq!(value_at(src, "w"), Ok(serde_json::json!(1)));
    assert_eq!(value_at(src, "t[2]"), Ok(serde_json::json!("\\\"")));
    assert_eq!(value_at(src, "t[3]"), Ok(serde_json::json!(",:")));
    assert_eq!(value_at(src, "u.v"), Ok(serde_json::json!("}")));
    assert_eq!(at(src, "t[4]"), Some((1, 22)));
}

#[test]
fn numbers_and_literals_are_skipped() {
    let src = r#"[0, -0, 12, -3.5, 1e3, 2.5E-2, -0.0e+1, true, false, null, "end"]"#;
    assert_eq!(value_at(src, "[10]"), Ok(serde_json::json!("end")));
    // Invalid numbers stop the walk: the array is the best answer.
    for bad in [
        "[01, 2]", "[1., 2]", "[.5, 2]", "[1e, 2]", "[-, 2]", "[tru, 2]", "[nul, 2]",
    ] {
        assert_eq!(at(bad, "[1]"), Some((1, 1)), "{bad}");
    }
}

#[test]
fn bom_is_skipped_and_takes_no_column() {
    let src = "\u{feff}{\"a\": 1}";
    assert_eq!(at(src, "(root)"), Some((1, 1)));
    assert_eq!(at(src, "a"), Some((1, 7)));
}

// ---- malformed input -------------------------------------------------------------

#[test]
fn malformed_input() {
    let cases: &[(&str, &str, At)] = &[
        ("", "(root)", None),
        ("   \n ", "a", None),
        ("garbage", "a", None),
        ("}", "(root)", None),
        ("\u{feff}", "(root)", None),
        // Truncated: what was read still counts.
        (r#"{"a": 1"#, "a", Some((1, 7))),
        (r#"{"a": 1"#, "b", Some((1, 1))),
        (r#"{"a": [1, 2"#, "a[1]", Some((1, 11))),
        (r#"{"a": [1, 2"#, "a[5]", Some((1, 7))),
        (r#"{"a"#, "a", Some((1, 1))),
        (r#"{"a":"#, "a", Some((1, 1))),
        (r#"{"a": ]"#, "a", Some((1, 1))),
        (r#"{"a": "unterminated"#, "a", Some((1, 7))),
        (r#"{"a": "bad \x escape", "b": 1}"#, "b", Some((1, 1))),
        (r#"{"a": "raw	tab", "b": 1}"#, "b", Some((1, 1))),
        (r#"{"a": "\u12", "b": 1}"#, "b", Some((1, 1))),
        (r#"{"a": "\u+123", "b": 1}"#, "b", Some((1, 1))),
        (r#"{"a": tru, "b": 2}"#, "a", Some((1, 7))),
        (r#"{"a": tru, "b": 2}"#, "b", Some((1, 1))),
        (r#"{"a" 1}"#, "a", Some((1, 1))),
        (r#"{a: 1}"#, "a", Some((1, 1))),
        (r#"{"a": 1,}"#, "a", Some((1, 7))),
        (r#"{"a": [1,]}"#, "a[1]", Some((1, 7))),
        (r#"{"a": [1 2]}"#, "a[1]", Some((1, 7))),
        (r#"{"a": {"b": 1]}"#, "a.b", Some((1, 13))),
        (r#"{"a": {"b": 1]}, "c": 2}"#, "c", Some((1, 1))),
        // The first duplicate is the best available when the object breaks later.
        (r#"{"a": 1, "a": }"#, "a", Some((1, 7))),
        // Trailing garbage after the root is never read.
        (r#"{"a": 1} trailing {"#, "a", Some((1, 7))),
        (r#"[1] [2]"#, "[0]", Some((1, 2))),
    ];
    for &(src, path, expected) in cases {
        assert_eq!(at(src, path), expected, "locate {path} in {src:?}");
        // locate_key may differ, but must not panic either.
        let _ = key_at(src, path);
    }
}

#[test]
fn every_prefix_of_a_document_is_safe() {
    let paths = [
        "name",
        "triggers[1].when.keywords[1]",
        "triggers[0].when.sentiment_below",
        r#"fields["order id"]"#,
        r#"["é😀"].k"#,
        "missing",
    ];
    for end in (0..=DOC.len()).filter(|&end| DOC.is_char_boundary(end)) {
        let Some(prefix) = DOC.get(..end) else {
            continue;
        };
        for path in paths {
            for pos in [locate(prefix, &p(path)), locate_key(prefix, &p(path))]
                .into_iter()
                .flatten()
            {
                let offset = offset_of(prefix, pos);
                let first = offset
                    .and_then(|o| prefix.get(o..))
                    .and_then(|s| s.chars().next());
                assert!(
                    matches!(
                        first,
                        Some('{' | '[' | '"' | '-' | '0'..='9' | 't' | 'f' | 'n')
                    ),
                    "{path} in prefix {end}: {pos:?} points at {first:?}"
                );
            }
        }
    }
}

#[test]
fn deep_nesting_does_not_overflow() {
    const DEPTH: usize = 1_000_000;
    let open = "[".repeat(DEPTH);
    let close = "]".repeat(DEPTH);

    assert_eq!(at(&open, "(root)"), Some((1, 1)));
    // Built directly: extending one step at a time would copy the path 100 000 times.
    let deep = JsonPath(vec![Segment::Index(0); 100_000]);
    assert_eq!(
        locate(&open, &deep),
        Some(Position {
            line: 1,
            column: 100_001
        })
    );

    let skipped = format!(r#"{{"a": {open}{close}, "b": 2}}"#);
    assert_eq!(at(&skipped, "b"), Some((1, 2 * DEPTH + 14)));

    let unclosed = format!(r#"{{"a": {open}, "b": 2}}"#);
    assert_eq!(at(&unclosed, "b"), Some((1, 1)));

    let objects = r#"{"a":"#.repeat(DEPTH);
    assert_eq!(at(&objects, "a.a.a"), Some((1, 16)));
    assert_eq!(at(&objects, "b"), Some((1, 1)));
}

// ---- position_of ------------------------------------------------------------------

#[test]
fn position_of_table() {
    let cases: &[(&str, usize, (usize, usize))] = &[
        ("", 0, (1, 1)),
        ("", 100, (1, 1)),
        ("ab\ncd", 2, (1, 3)),
        ("ab\ncd", 3, (2, 1)),
        ("ab\ncd", 4, (2, 2)),
        ("ab\ncd", 5, (2, 3)),
        ("ab\ncd", 99, (2, 3)),
        ("a\r\nb", 3, (2, 1)),
        ("\tx", 1, (1, 2)),
        ("é😀x", 2, (1, 2)),
        ("é😀x", 6, (1, 3)),
        // Inside a multi-byte character: that character.
        ("é😀x", 1, (1, 1)),
        ("é😀x", 4, (1, 2)),
        ("\u{feff}{", 3, (1, 1)),
        ("\u{feff}{", 1, (1, 1)),
        // Only a BOM at the very start is invisible.
        ("\n\u{feff}{", 4, (2, 2)),
    ];
    for &(src, offset, (line, column)) in cases {
        assert_eq!(
            position_of(src, offset),
            Position { line, column },
            "{src:?} at {offset}"
        );
    }
}

// ---- Display and parse_dotted -----------------------------------------------------

#[test]
fn display_table() {
    let cases: &[(JsonPath, &str)] = &[
        (JsonPath::root(), "(root)"),
        (
            JsonPath::root()
                .key("triggers")
                .index(2)
                .key("when")
                .key("sentiment_below"),
            "triggers[2].when.sentiment_below",
        ),
        (
            JsonPath::root().key("fields").key("order id"),
            r#"fields["order id"]"#,
        ),
        (
            JsonPath::root().key("order id").key("x"),
            r#"["order id"].x"#,
        ),
        (JsonPath::root().index(0).index(1).key("a"), "[0][1].a"),
        (JsonPath::root().key("x").key("a-b").key("_c1"), "x.a-b._c1"),
        (JsonPath::root().key("1a"), r#"["1a"]"#),
        (JsonPath::root().key("-a"), r#"["-a"]"#),
        (JsonPath::root().key(""), r#"[""]"#),
        (JsonPath::root().key("a\"b\\c"), r#"["a\"b\\c"]"#),
        (JsonPath::root().key("é"), r#"["é"]"#),
        (JsonPath::root().key("x.y"), r#"["x.y"]"#),
        (JsonPath::root().key("?"), r#"["?"]"#),
        (JsonPath::root().key("(root)"), r#"["(root)"]"#),
        (
            JsonPath::root().key("t\t\n\u{1b}\u{7f}"),
            r#"["t\t\n\u001b\u007f"]"#,
        ),
    ];
    for (path, expected) in cases {
        assert_eq!(path.to_string(), *expected);
        assert_eq!(&JsonPath::parse_dotted(expected), path, "parse {expected}");
    }
}

#[test]
fn parse_dotted_table() {
    let k = |s: &str| Segment::Key(s.to_owned());
    let i = Segment::Index;
    let cases: &[(&str, Vec<Segment>)] = &[
        // serde_path_to_error's root, and ours.
        (".", vec![]),
        ("", vec![]),
        ("(root)", vec![]),
        (
            "triggers[2].when.sentiment_below",
            vec![k("triggers"), i(2), k("when"), k("sentiment_below")],
        ),
        ("a[1][2].b", vec![k("a"), i(1), i(2), k("b")]),
        ("[3].b", vec![i(3), k("b")]),
        ("[3]", vec![i(3)]),
        // serde_path_to_error writes keys raw.
        ("fields.order id", vec![k("fields"), k("order id")]),
        ("é.😀", vec![k("é"), k("😀")]),
        ("a..b", vec![k("a"), k(""), k("b")]),
        ("a.", vec![k("a"), k("")]),
        // Unknown segments end the path.
        ("?", vec![]),
        ("a.?", vec![k("a")]),
        ("a.?.b", vec![k("a")]),
        ("[0].?[1]", vec![i(0)]),
        // Brackets that are not well-formed stay part of the key.
        ("a[x]", vec![k("a[x]")]),
        ("a[]", vec![k("a[]")]),
        ("a[-1]", vec![k("a[-1]")]),
        (
            "a[99999999999999999999999]",
            vec![k("a[99999999999999999999999]")],
        ),
        (r#"a["x"#, vec![k(r#"a["x"#)]),
        (r#"a["\ud800"]"#, vec![k(r#"a["\ud800"]"#)]),
        ("a[0]b", vec![k("a"), i(0), k("b")]),
        ("a.[0]", vec![k("a"), k(""), i(0)]),
        // Our quoted form.
        (
            r#"fields["order id"].x"#,
            vec![k("fields"), k("order id"), k("x")],
        ),
        (r#"["a.b"]["c[0]"]"#, vec![k("a.b"), k("c[0]")]),
        (r#"["\u00e9\ud83d\ude00"]"#, vec![k("é😀")]),
    ];
    for (text, expected) in cases {
        assert_eq!(
            JsonPath::parse_dotted(text).segments(),
            expected.as_slice(),
            "parse {text:?}"
        );
    }
}

#[test]
fn key_and_index_extend_a_copy() {
    let base = JsonPath::root().key("a");
    let longer = base.index(3);
    assert_eq!(base.segments(), [Segment::Key("a".into())]);
    assert_eq!(
        longer.segments(),
        [Segment::Key("a".into()), Segment::Index(3)]
    );
    assert_eq!(JsonPath::default(), JsonPath::root());
}

// ---- generated documents, cross-checked with serde_json ---------------------------

/// xorshift64*: deterministic, so a failure names a seed that reproduces it.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, one_in: usize) -> bool {
        self.below(one_in) == 0
    }
    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        let i = self.below(items.len());
        *items
            .get(i)
            .unwrap_or_else(|| unreachable!("index below len"))
    }
}

const KEYS: &[&str] = &[
    "a",
    "b",
    "when",
    "order id",
    "a\"b",
    "é",
    "😀",
    "{",
    "]",
    "\\",
    "x.y",
    "[0]",
    "",
    "tab\there",
    "\u{1}",
    "?",
    "\u{fffd}",
    "a-b",
    "/",
    ":",
    ",",
];
const CHARS: &[char] = &[
    'a', '{', '}', '[', ']', '"', '\\', ',', ':', 'é', '😀', '\t', '\n', '\u{1}', '/', ' ',
    '\u{2028}', '\u{fffd}',
];
const NUMBERS: &[&str] = &[
    "0",
    "-0",
    "7",
    "12",
    "-3.5",
    "1e3",
    "2.5E-2",
    "-0.0e+1",
    "123456789012345678901234567890",
];
const WHITESPACE: &[&str] = &["", "", " ", "\t", "\n", "\r\n", "  \n\t"];

fn gen_string(rng: &mut Rng) -> String {
    if rng.chance(2) {
        return (rng.pick(KEYS)).to_owned();
    }
    (0..rng.below(6)).map(|_| rng.pick(CHARS)).collect()
}

fn gen_value(rng: &mut Rng, depth: usize) -> Value {
    match rng.below(if depth >= 4 { 4 } else { 7 }) {
        0 => Value::Null,
        1 => Value::Bool(rng.chance(2)),
        2 => serde_json::from_str(rng.pick(NUMBERS)).unwrap_or(Value::Null),
        3 => Value::String(gen_string(rng)),
        4 | 5 => Value::Object(
            (0..rng.below(5))
                .map(|_| (gen_string(rng), gen_value(rng, depth + 1)))
                .collect(),
        ),
        _ => Value::Array(
            (0..rng.below(5))
                .map(|_| gen_value(rng, depth + 1))
                .collect(),
        ),
    }
}

/// Writes `v` as JSON with random whitespace, random (but valid) escapes, random
/// number spellings, and decoy duplicate keys, so the text is nothing like what
/// serde_json would print.
fn emit(v: &Value, rng: &mut Rng, out: &mut String) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(_) => out.push_str(rng.pick(NUMBERS)),
        Value::String(s) => emit_string(s, rng, out),
        Value::Array(items) => {
            out.push('[');
            for (n, item) in items.iter().enumerate() {
                if n > 0 {
                    out.push(',');
                }
                out.push_str(rng.pick(WHITESPACE));
                emit(item, rng, out);
                out.push_str(rng.pick(WHITESPACE));
            }
            out.push(']');
        }
        Value::Object(members) => {
            out.push('{');
            let mut first = true;
            for (key, value) in members {
                // A decoy before the real member loses; one after it wins. The
                // oracle is serde_json's reading of the text, so both are fair.
                let decoy_first = rng.chance(5);
                let decoy_last = rng.chance(9);
                let decoy = gen_value(rng, 4);
                for (emit_it, value) in [(decoy_first, &decoy), (true, value), (decoy_last, &decoy)]
                {
                    if !emit_it {
                        continue;
                    }
                    if !first {
                        out.push(',');
                    }
                    first = false;
                    out.push_str(rng.pick(WHITESPACE));
                    emit_string(key, rng, out);
                    out.push_str(rng.pick(WHITESPACE));
                    out.push(':');
                    out.push_str(rng.pick(WHITESPACE));
                    emit(value, rng, out);
                    out.push_str(rng.pick(WHITESPACE));
                }
            }
            out.push('}');
        }
    }
}

fn emit_string(s: &str, rng: &mut Rng, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' if rng.chance(2) => out.push_str("\\n"),
            '\t' if rng.chance(2) => out.push_str("\\t"),
            '/' if rng.chance(2) => out.push_str("\\/"),
            c if u32::from(c) < 0x20 || rng.chance(4) => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    let hex = format!("\\u{:04x}", unit);
                    out.push_str(&if rng.chance(2) {
                        hex.to_uppercase().replace("\\U", "\\u")
                    } else {
                        hex
                    });
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn all_paths<'v>(v: &'v Value, path: JsonPath, out: &mut Vec<(JsonPath, &'v Value)>) {
    match v {
        Value::Object(members) => {
            for (key, value) in members {
                all_paths(value, path.key(key.as_str()), out);
            }
        }
        Value::Array(items) => {
            for (i, value) in items.iter().enumerate() {
                all_paths(value, path.index(i), out);
            }
        }
        _ => {}
    }
    out.push((path, v));
}

/// Every path of `doc` must locate to text that serde_json parses back to the same
/// value (and its key to the same key), and one step too far must land on it again.
fn check_document(source: &str, doc: &Value) -> Result<(), String> {
    let mut paths = Vec::new();
    all_paths(doc, JsonPath::root(), &mut paths);
    for (path, expected) in paths {
        let pos = locate(source, &path).ok_or(format!("{path}: None"))?;
        let offset = offset_of(source, pos).ok_or(format!("{path}: {pos:?} outside source"))?;
        let found: Value = value_from(source, offset).map_err(|e| format!("{path}: {e}"))?;
        if found != *expected {
            return Err(format!(
                "{path}: {pos:?} holds {found}, expected {expected}"
            ));
        }

        if let Some(Segment::Key(key)) = path.segments().last() {
            let key_pos = locate_key(source, &path).ok_or(format!("{path}: key None"))?;
            let key_offset =
                offset_of(source, key_pos).ok_or(format!("{path}: key {key_pos:?} outside"))?;
            let found = value_from(source, key_offset).map_err(|e| format!("{path} key: {e}"))?;
            if found.as_str() != Some(key) {
                return Err(format!("{path}: key at {key_pos:?} is {found:?}"));
            }
        } else if locate_key(source, &path) != Some(pos) {
            return Err(format!("{path}: locate_key differs from locate"));
        }

        let past_end = match expected {
            Value::Array(items) => items.len(),
            _ => 0,
        };
        for deeper in [path.key("\u{0}no such key"), path.index(past_end)] {
            if locate(source, &deeper) != Some(pos) {
                return Err(format!("{deeper}: expected ancestor at {pos:?}"));
            }
        }

        let shown = path.to_string();
        if JsonPath::parse_dotted(&shown) != path {
            return Err(format!("{shown}: does not parse back to {path:?}"));
        }
    }
    Ok(())
}

#[test]
fn generated_documents_agree_with_serde_json() {
    for seed in 1..=300u64 {
        let mut rng = Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
        let generated = Value::Object(
            (0..1 + rng.below(5))
                .map(|_| (gen_string(&mut rng), gen_value(&mut rng, 1)))
                .collect(),
        );
        let mut text = String::new();
        out_ws(&mut rng, &mut text);
        emit(&generated, &mut rng, &mut text);
        out_ws(&mut rng, &mut text);
        // The oracle: whatever serde_json reads from the text (decoys included).
        let doc: Value = match serde_json::from_str(&text) {
            Ok(doc) => doc,
            Err(e) => panic!("seed {seed}: generator wrote invalid JSON ({e}): {text}"),
        };
        let sources = [
            text.clone(),
            serde_json::to_string(&doc).unwrap_or_default(),
            serde_json::to_string_pretty(&doc).unwrap_or_default(),
        ];
        for source in &sources {
            if let Err(e) = check_document(source, &doc) {
                panic!("seed {seed}: {e}\nsource:\n{source}");
            }
        }
        mangle_safely(&text, &doc, &mut rng);
    }
}

fn out_ws(rng: &mut Rng, out: &mut String) {
    out.push_str(rng.pick(WHITESPACE));
}

/// Damaged copies of a document must not panic, and whatever they return must point
/// at the start of some value in the damaged text.
fn mangle_safely(text: &str, doc: &Value, rng: &mut Rng) {
    let mut paths = Vec::new();
    all_paths(doc, JsonPath::root(), &mut paths);
    let boundaries: Vec<usize> = (0..=text.len())
        .filter(|&i| text.is_char_boundary(i))
        .collect();
    for _ in 0..8 {
        let at = rng.pick(&boundaries);
        let (head, tail) = text.split_at_checked(at).unwrap_or((text, ""));
        let insert = rng.pick(&["", "{", "}", "[", "]", "\"", "\\", ",", ":", "x", "\u{1}"]);
        let damaged = match rng.below(3) {
            0 => head.to_owned(),
            1 => format!("{head}{insert}{tail}"),
            _ => format!("{head}{}", tail.chars().skip(1).collect::<String>()),
        };
        for (path, _) in &paths {
            for pos in [locate(&damaged, path), locate_key(&damaged, path)]
                .into_iter()
                .flatten()
            {
                let first = offset_of(&damaged, pos)
                    .and_then(|o| damaged.get(o..))
                    .and_then(|s| s.chars().next());
                assert!(
                    matches!(
                        first,
                        Some('{' | '[' | '"' | '-' | '0'..='9' | 't' | 'f' | 'n')
                    ),
                    "{path} in {damaged:?}: {pos:?} points at {first:?}"
                );
            }
        }
    }
}
