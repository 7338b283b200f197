use std::io::{Read, Write};

use super::*;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-6 * b.abs().max(1e-300)
}

#[test]
fn poisson_tails_match_independent_values() {
    // Computed with Python's math.lgamma, summing the probability mass function.
    assert!(close(poisson_at_least(30, 10.0), 2.509_951_2e-7));
    assert!(close(poisson_at_most(2, 10.0), 0.002_769_395_7));
    assert!(close(poisson_at_least(3, 0.5), 0.014_387_678));
    assert!(close(poisson_at_least(560, 500.0), 0.004_423_416));
    assert!(close(poisson_at_most(0, 10.0), (-10.0f64).exp()));
    assert_eq!(poisson_at_least(0, 3.0), 1.0);
}

fn day(conversations: u64, fires: u64) -> DayCounts {
    DayCounts {
        conversations,
        fires: [("t".to_owned(), fires)].into(),
    }
}

#[test]
fn each_direction_is_tested_only_with_enough_data() {
    let settings = Drift::default();
    let baseline = vec![day(100, 10); 28];
    let results = |today| test("t", &baseline, &today, 0, &settings);
    // Expected 10: 30 is too often, 0 too rarely, 10 neither.
    assert!(
        matches!(&results(day(100, 30))[0].1, Test::Drift(s) if s.direction == Direction::TooOften)
    );
    assert!(
        matches!(&results(day(100, 0))[1].1, Test::Drift(s) if s.direction == Direction::TooRarely)
    );
    assert_eq!(
        results(day(100, 10)).map(|r| r.1),
        [Test::Normal, Test::Normal]
    );
    // 20 conversations: 2 expected, below `min_expected`, so a zero says nothing.
    assert_eq!(results(day(20, 0))[1].1, Test::Untestable);
    // Six days of baseline are too few.
    let short = vec![day(100, 10); 6];
    assert_eq!(
        test("t", &short, &day(100, 90), 0, &settings).map(|r| r.1),
        [Test::Untestable, Test::Untestable]
    );
    // A trigger that never fired counts as half a firing over the baseline: 3 in a day is news.
    let never = vec![day(100, 0); 28];
    let burst = test("t", &never, &day(100, 3), 0, &settings);
    assert!(matches!(&burst[0].1, Test::Drift(_)), "{burst:?}");
    let one = test("t", &never, &day(100, 1), 0, &settings);
    assert_eq!(one[0].1, Test::Normal);
}

#[test]
fn the_webhook_receives_the_alert_as_json() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a port");
    let url = format!(
        "http://{}/hooks/baton",
        listener.local_addr().expect("bound")
    );
    let server = std::thread::spawn(move || {
        let (mut socket, _) = listener.accept().expect("a connection");
        let mut request = Vec::new();
        let mut buffer = [0u8; 4096];
        while !String::from_utf8_lossy(&request).contains("}") {
            let n = socket.read(&mut buffer).expect("reads");
            if n == 0 {
                break;
            }
            request.extend_from_slice(&buffer[..n]);
        }
        socket
            .write_all(b"HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n")
            .expect("answers");
        String::from_utf8_lossy(&request).into_owned()
    });
    let site = baton_core::compile(
        r#"{"version": 1, "site": {"id": "shop", "name": "Shop"},
        "flow": {"start": "bye", "nodes": [{"id": "bye", "type": "end", "text": "Bye"}]}}"#,
    )
    .expect("valid config");
    let alert = Alert {
        id: 1,
        trigger: "angry".into(),
        direction: Direction::TooOften,
        opened_day: 0,
        last_day: DAY,
        observed: 31,
        expected: 10.2,
        p: 1.2e-7,
        closed_day: None,
    };
    let body = webhook_body(&site, &alert);
    post(&url, &body, Duration::from_millis(10)).expect("delivered");
    let request = server.join().expect("the listener ran");
    assert!(
        request.starts_with("POST /hooks/baton HTTP/1.1"),
        "{request}"
    );
    assert!(
        request
            .to_ascii_lowercase()
            .contains("content-type: application/json")
    );
    let json: serde_json::Value =
        serde_json::from_str(request.split("\r\n\r\n").nth(1).unwrap_or("")).expect("JSON");
    assert_eq!(json["type"], "baton.drift_alert");
    assert_eq!(json["direction"], "too_often");
    assert_eq!(json["day"], "1970-01-02");
    assert!(
        json["text"]
            .as_str()
            .is_some_and(|t| t.contains("`angry` fired unusually often"))
    );
}

#[test]
fn a_webhook_that_fails_is_tried_three_times_and_reported() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a port");
    let url = format!("http://{}/", listener.local_addr().expect("bound"));
    let server = std::thread::spawn(move || {
        for _ in 0..3 {
            let (mut socket, _) = listener.accept().expect("a connection");
            let mut buffer = [0u8; 4096];
            let _ = socket.read(&mut buffer);
            let _ = socket
                .write_all(b"HTTP/1.1 500 Oops\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        }
    });
    let failed = post(&url, "{}", Duration::from_millis(10));
    assert_eq!(failed, Err("the webhook answered 500".to_owned()));
    server.join().expect("three tries arrived");
}

#[test]
fn drift_days_leave_the_baseline_until_the_change_is_the_new_normal() {
    let alert = |opened: u64, last: u64| Alert {
        id: 1,
        trigger: "t".into(),
        direction: Direction::TooRarely,
        opened_day: opened * DAY,
        last_day: last * DAY,
        observed: 0,
        expected: 10.0,
        p: 1e-5,
        closed_day: None,
    };
    let baseline = vec![day(100, 10); 28];
    // Days 20–27 drifted: 20 clean days remain.
    assert_eq!(
        clean_baseline("t", &baseline, 0, &[alert(20, 27)]).len(),
        20
    );
    // Another trigger's alert changes nothing.
    assert_eq!(
        clean_baseline("u", &baseline, 0, &[alert(20, 27)]).len(),
        28
    );
    // Days 3–27 drifted: 3 clean days are too few, so the change is the new normal.
    assert_eq!(clean_baseline("t", &baseline, 0, &[alert(3, 27)]).len(), 28);
}
