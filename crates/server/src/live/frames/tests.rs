use super::*;

fn answer(code: ErrorCode, message: &str) -> Rejection {
    Rejection::answer(code, message)
}

fn code_of<T>(result: Result<T, Rejection>) -> Option<ErrorCode> {
    match result {
        Err(Rejection::Answer { code, .. }) => Some(code),
        _ => None,
    }
}

#[test]
fn visitor_frames_become_commands() {
    let limits = Limits::default();
    let cases: &[(&str, VisitorFrame)] = &[
        (
            r#"{"v":1,"type":"hello","site":"shop","last_seq":3}"#,
            VisitorFrame::Hello {
                site: "shop".into(),
                resume: None,
                last_seq: 3,
            },
        ),
        (
            r#"{"v":1,"type":"message","id":"m1","text":"hi"}"#,
            VisitorFrame::Message {
                id: "m1".into(),
                text: "hi".into(),
            },
        ),
        (r#"{"v":1,"type":"typing"}"#, VisitorFrame::Typing),
        (
            r#"{"v":1,"type":"csat","score":5}"#,
            VisitorFrame::Csat {
                id: None,
                score: 5,
                comment: None,
            },
        ),
        (
            r#"{"v":1,"type":"leave_email","email":"ana@example.com"}"#,
            VisitorFrame::LeaveEmail {
                email: "ana@example.com".into(),
            },
        ),
    ];
    for (text, want) in cases {
        assert_eq!(
            parse_visitor(text, &limits)
                .map(Checked::into_inner)
                .as_ref(),
            Ok(want),
            "{text}"
        );
    }
}

#[test]
fn visitor_frames_that_are_refused_say_why() {
    let limits = Limits::default();
    let cases: &[(&str, ErrorCode)] = &[
        ("not json", ErrorCode::BadFrame),
        (r#"{"v":1,"type":"shout"}"#, ErrorCode::BadFrame),
        (r#"{"v":2,"type":"typing"}"#, ErrorCode::Version),
        (
            r#"{"v":1,"type":"message","id":"","text":"hi"}"#,
            ErrorCode::BadFrame,
        ),
        (
            r#"{"v":1,"type":"message","id":"transcript:3","text":"hi"}"#,
            ErrorCode::BadFrame,
        ),
        (
            r#"{"v":1,"type":"message","id":"m1","text":" \n "}"#,
            ErrorCode::BadFrame,
        ),
        (r#"{"v":1,"type":"csat","score":0}"#, ErrorCode::BadFrame),
        (r#"{"v":1,"type":"csat","score":6}"#, ErrorCode::BadFrame),
        (
            r#"{"v":1,"type":"leave_email","email":"ana"}"#,
            ErrorCode::BadEmail,
        ),
        (
            r#"{"v":1,"type":"leave_email","email":"@x.org"}"#,
            ErrorCode::BadEmail,
        ),
    ];
    for (text, want) in cases {
        assert_eq!(code_of(parse_visitor(text, &limits)), Some(*want), "{text}");
    }
    // A body that is not a handoff is a bad frame; a handoff is checked against the site
    // later (`intake::admit`).
    assert_eq!(
        code_of(parse_visitor(
            r#"{"v":1,"type":"handoff","id":"h1","handoff":{}}"#,
            &limits
        )),
        Some(ErrorCode::BadFrame)
    );
}

#[test]
fn messages_over_the_limit_close_the_socket_and_name_the_configured_limit() {
    let text = |n: usize| {
        format!(
            r#"{{"v":1,"type":"message","id":"m","text":"{}"}}"#,
            "a".repeat(n)
        )
    };
    let limits = Limits::default();
    assert!(parse_visitor(&text(limits.message_bytes), &limits).is_ok());
    assert_eq!(
        parse_visitor(&text(limits.message_bytes + 1), &limits),
        Err(Rejection::Close {
            code: close::TOO_BIG,
            reason: "message longer than 16 KB".into()
        })
    );
    let small = Limits {
        message_bytes: 1000,
        ..Limits::default()
    };
    assert_eq!(
        parse_visitor(&text(1001), &small),
        Err(Rejection::Close {
            code: close::TOO_BIG,
            reason: "message longer than 1000 bytes".into()
        })
    );
    // The agent's replies follow the same rule.
    let reply = format!(
        r#"{{"v":1,"type":"message","ticket":"t","id":"r1","text":"{}"}}"#,
        "a".repeat(1001)
    );
    assert!(matches!(
        parse_agent(&reply, &small),
        Err(Rejection::Close {
            code: close::TOO_BIG,
            ..
        })
    ));
    let comment = format!(
        r#"{{"v":1,"type":"csat","score":4,"comment":"{}"}}"#,
        "a".repeat(1001)
    );
    assert_eq!(
        parse_visitor(&comment, &small),
        Err(answer(
            ErrorCode::BadFrame,
            "a rating is 1 to 5, with an optional comment up to 1000 bytes"
        ))
    );
}

#[test]
fn agent_frames_are_checked_like_visitor_frames() {
    let limits = Limits::default();
    assert_eq!(
        parse_agent(r#"{"v":1,"type":"claim","ticket":"t1"}"#, &limits).map(Checked::into_inner),
        Ok(AgentFrame::Claim {
            ticket: "t1".into()
        })
    );
    let cases: &[(&str, ErrorCode)] = &[
        ("[]", ErrorCode::BadFrame),
        (
            r#"{"v":9,"type":"claim","ticket":"t1"}"#,
            ErrorCode::Version,
        ),
        (
            r#"{"v":1,"type":"message","ticket":"t","id":"transcript:1","text":"hi"}"#,
            ErrorCode::BadFrame,
        ),
        (
            r#"{"v":1,"type":"transfer","ticket":"t","queue":"Sales Team"}"#,
            ErrorCode::BadFrame,
        ),
    ];
    for (text, want) in cases {
        assert_eq!(code_of(parse_agent(text, &limits)), Some(*want), "{text}");
    }
    let small = Limits {
        message_bytes: 10,
        ..Limits::default()
    };
    assert_eq!(
        parse_agent(
            r#"{"v":1,"type":"close","ticket":"t","resolution":"refunded in full"}"#,
            &small
        ),
        Err(answer(
            ErrorCode::BadFrame,
            "the resolution is longer than 10 bytes"
        ))
    );
}

#[test]
fn sizes_read_as_people_write_them() {
    assert_eq!(size(16 * 1024), "16 KB");
    assert_eq!(size(1000), "1000 bytes");
    assert_eq!(size(512), "512 bytes");
}

proptest::proptest! {
    #[test]
    fn no_frame_text_panics(text in ".*") {
        let limits = Limits::default();
        let _ = parse_visitor(&text, &limits);
        let _ = parse_agent(&text, &limits);
    }
}
